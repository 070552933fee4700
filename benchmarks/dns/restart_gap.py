#!/usr/bin/env python3
"""The embedded resolver's gap across a restart of the real `lnw daemon` (issue 14): the daemon
stopped with SIGTERM, or killed with SIGKILL, and started again at once with the same
directories, while a container asks for another one's name every 5 ms.

Set-up, all through the `lnw` command line as a shell user would run it: a fake host (ip netns
PREFIX-host), `lnw daemon` started there (nsenter --net), then, through the daemon's socket,
one bridge network and two sandboxes a and b on it. A prober in a's namespace sends one A query
for b to the network's gateway (the resolver) every 5 ms from one connected UDP socket, and
notes each query's send time and, if it is answered, when and with what.

Each round: the prober runs; 1 s later the daemon's JVM gets the signal; once it is gone a new
`lnw daemon` is started at once; the prober goes on until the answers have been back for 1 s and
every query lost in the gap could have been retried 5 s later; then the round is read:
  outage        the last answered query before the gap to the first answered one after it
                (send times), and how many queries in between got nothing
  exit          signal to the old JVM gone
  exec, bound, first answer, ready
                the new daemon's spawn to: its JVM running (the launcher execs java), the
                resolver's UDP socket on the gateway's port 53, the first answered query sent,
                its socket STATE_DIR/lnw.sock accepting
  1 s / 5 s     whether every query lost in the gap would have been answered by a client's
                first retry 1 s later (dig +time=1) or 5 s later (glibc's default timeout)
  errors        answers that are not b's address (NXDOMAIN, SERVFAIL, REFUSED, another address)
                and ICMP port unreachables (a connected socket's ECONNREFUSED): any of them
                would make a client give up instead of retrying

  restart_gap.py [--rounds N] [--modes term,kill] [--interval-ms 5] [--hold 1] ...
  restart_gap.py probe SERVER NAME ADDRESS ...   (internal: the prober, run via nsenter in a)
  restart_gap.py sweep --work W --prefix P       (internal: run-dns-restart.sh's last resort)

Writes benchmarks/results/dns-restart-DATE.txt (machine, versions, load, the table of medians
and every round) and dns-restart-DATE.csv (every round's numbers). Standard library only: run
with /usr/bin/python3, as root (benchmarks/run-dns-restart.sh does both).
"""
import argparse
import atexit
import bisect
import datetime
import io
import json
import os
import random
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchmarks/ for the shared pieces (see dns/harness.py for why also the bytecode cache is off);
# dns/harness.py itself for its DNS wire format (query, reply) and its one-shot client
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
sys.dont_write_bytecode = True
import dockerd_ns  # noqa: E402
import harness_common  # noqa: E402
from dockerd_ns import cleanups, cmdline  # noqa: E402
from harness import describe, dns_query, parse_reply  # noqa: E402
from harness_common import run  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness.py"
NETWORK = "gapnet"
SUBNET = "10.213.0.0/24"   # inside the fake host only: it cannot meet the machine's own addresses
MODES = {"term": signal.SIGTERM, "kill": signal.SIGKILL}
RETRIES = (1.0, 5.0)       # dig +time=1; glibc's resolver (timeout:5)
SETTLE = 0.25              # s after which a query without an answer counts as lost, for the stop rule


# ---- the prober (runs in sandbox a's namespace: `restart_gap.py probe ...`) ---------------

def probe_main(argv):
    p = argparse.ArgumentParser(prog="restart_gap.py probe")
    p.add_argument("server")
    p.add_argument("name")
    p.add_argument("address", help="the answer that counts as right")
    p.add_argument("--interval", type=float, default=0.005)
    p.add_argument("--hold", type=float, default=1.0)
    p.add_argument("--cover", type=float, default=max(RETRIES))
    p.add_argument("--limit", type=float, default=60.0)
    a = p.parse_args(argv)
    print(json.dumps(probe(a.server, a.name, a.address, a.interval, a.hold, a.cover, a.limit)))


def probe(server, name, expect, interval, hold, cover, limit):
    """Sends one query for name every interval s, each once, until stdin says `stop` or closes,
    or limit s are gone, or (once stdin said `spawned T_NS`) answers to queries sent after T_NS
    have come back for hold s without a loss and the probes reach cover s past the last loss.

    Never a retransmission: a client's retry at t + R is read off the query this prober sent
    at t + R anyway, so every query is a first try and its fate is the resolver's alone.
    One connected socket: the kernel reports an ICMP port unreachable on it (ECONNREFUSED),
    which an unconnected one would swallow. Times are CLOCK_MONOTONIC ns, the harness's clock.

    Returns {"queries": [[send_ns, answer_ns or null, "ok" or what came instead], ...],
    "refused": [ns, ...], "duplicates": n, "stopped": why}."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((server, 53))
    s.setblocking(False)
    os.set_blocking(0, False)
    base = random.randrange(65536)
    queries = []         # [send_ns, answer_ns, what], in send order; the index is the id's offset from base
    refused = []
    duplicates = 0
    spawned = None
    inbox = b""
    tick = int(interval * 1e9)
    settled = 0          # queries before this index are settled (answered, or lost) for the stop rule
    streak = None        # send time of the first query of the current run of right answers after spawned
    last_loss = None
    t0 = time.monotonic_ns()
    deadline = t0 + int(limit * 1e9)
    next_send = t0
    stopped = "limit"
    print("ready", flush=True)
    while True:  # bounded by the deadline
        now = time.monotonic_ns()
        if now >= deadline:
            break
        if now >= next_send:
            i = len(queries)
            if i >= 65536:
                stopped = "id space"
                break
            queries.append([now, None, "lost"])
            try:
                s.send(dns_query((base + i) & 0xFFFF, name))
            except ConnectionRefusedError:
                refused.append(now)
            # missed ticks (the prober descheduled) are skipped, not sent in a burst
            next_send += tick
            if next_send <= now:
                next_send = now + tick
        r, _, _ = select.select([s, 0], [], [], max(0, next_send - time.monotonic_ns()) / 1e9)
        if s in r:
            duplicates += receive(s, base, queries, expect, refused)
        if 0 in r:
            try:
                chunk = os.read(0, 4096)
            except BlockingIOError:
                chunk = None
            if chunk == b"":  # the harness is gone
                stopped = "stdin closed"
                break
            inbox += chunk or b""
            *lines, inbox = inbox.split(b"\n")
            if any(line.strip() == b"stop" for line in lines):
                stopped = "told"
                break
            for line in lines:
                if line.startswith(b"spawned "):
                    spawned = int(line.split()[1])
        now = time.monotonic_ns()
        while settled < len(queries):
            send, answer, what = queries[settled]
            if answer is None and now - send < SETTLE * 1e9:
                break
            if what == "ok" and spawned is not None and send >= spawned:
                streak = send if streak is None else streak
            else:
                streak = None
                if what != "ok":
                    last_loss = send
            settled += 1
            if (streak is not None and send - streak >= hold * 1e9
                    and (last_loss is None or send >= last_loss + cover * 1e9 + tick)):
                stopped = "held"
                break
        if stopped == "held":
            break
    # late answers to the last queries (a loaded machine): a short drain, nothing sent
    end = time.monotonic_ns() + int(SETTLE * 1e9)
    while time.monotonic_ns() < end:
        if select.select([s], [], [], max(0, end - time.monotonic_ns()) / 1e9)[0]:
            duplicates += receive(s, base, queries, expect, refused)
    return {"queries": queries, "refused": refused, "duplicates": duplicates, "stopped": stopped}


def receive(s, base, queries, expect, refused):
    """Reads every datagram waiting; notes each answer on its query (the first one only).
    Returns how many answers came for a query answered already."""
    dup = 0
    for _ in range(1024):  # more than can queue between two ticks
        try:
            buf = s.recv(4096)
        except BlockingIOError:
            break
        except ConnectionRefusedError:
            refused.append(time.monotonic_ns())
            continue
        now = time.monotonic_ns()
        try:
            qid, rcode, ips = parse_reply(buf)
        except (struct.error, IndexError, ValueError):
            continue
        i = (qid - base) & 0xFFFF
        if i >= len(queries):
            continue  # not one of ours
        q = queries[i]
        if q[1] is not None:
            dup += 1
            continue
        q[1] = now
        q[2] = "ok" if rcode == 0 and expect in ips else describe(rcode, ips)
    return dup


# ---- the harness -------------------------------------------------------------------------

WORK = None


class Daemon:
    """`lnw --state-dir S --run-dir R daemon` in the fake host, its output appended to daemon.log.
    The launcher execs java, and nsenter execs the launcher: the process spawned becomes the JVM."""

    def __init__(self, host, state, rundir):
        self.log = open(WORK / "daemon.log", "a")
        self.state = state
        self.spawned = time.monotonic_ns()
        # a session of its own: a Ctrl-C reaches only the harness, which stops the daemon itself
        self.proc = subprocess.Popen([str(c) for c in host.enter(
            [REPO / "lnw", "--state-dir", state, "--run-dir", rundir, "daemon"])],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, start_new_session=True)

    def java_pid(self):
        """The JVM's PID: the process spawned once the launcher has exec'd java, else a child of
        it running java (a launcher that forks); None while neither is the case yet."""
        if self.ours(self.proc.pid):
            return self.proc.pid
        try:
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return None
        return next((int(k) for k in kids if self.ours(int(k))), None)

    def ours(self, pid):
        """Whether pid runs java for this daemon's state directory (PIDs are reused)."""
        c = cmdline(pid)
        return c.startswith(b"java\0") and b"\0" + str(self.state).encode() + b"\0" in c

    def signal(self, sig):
        """sig to the JVM (checked to be ours); the PID signalled."""
        pid = self.java_pid()
        if pid is None:
            raise RuntimeError(f"lnw daemon (pid {self.proc.pid}) runs no java of ours: {cmdline(self.proc.pid)[:80]}")
        os.kill(pid, sig)
        return pid

    def wait_gone(self, pid, timeout):
        """Waits until the JVM pid has exited (a pidfd: woken at its exit, not on a polling tick,
        so that the next daemon starts at once) and the process spawned is reaped. The time it
        exited (ns), or None if it did not within timeout s."""
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            fd = None
        try:
            if fd is not None and not select.select([fd], [], [], timeout)[0]:
                return None
            gone = time.monotonic_ns()
        finally:
            if fd is not None:
                os.close(fd)
        self.proc.wait(timeout)
        return gone

    def stop(self):
        """At exit: SIGTERM, then SIGKILL (dockerd_ns.stop)."""
        dockerd_ns.stop(self.proc, "lnw daemon", grace=15)
        self.log.close()


def accepts(path):
    """Whether a unix socket at path accepts a connection. After a kill -9 the dead daemon's
    socket file stays until the next one replaces it: its existence says nothing, a connect
    does. The daemon takes a connection that sends nothing as none (no answer, no log line)."""
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        c.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        c.close()


def udp_bound(pid, hexaddr):
    """Whether a UDP socket is bound to hexaddr (/proc/net/udp's ADDR:PORT) in pid's network
    namespace: the resolver's listener, seen without entering the namespace."""
    try:
        with open(f"/proc/{pid}/net/udp") as f:
            return any(line.split()[1] == hexaddr for line in f.readlines()[1:])
    except OSError:
        return False


def proc_hex(address, port):
    return f"{struct.unpack('<I', socket.inet_aton(address))[0]:08X}:{port:04X}"


def opened_under(pid, directory):
    """Whether process pid has a file under directory open (the store: its lock, its database)."""
    prefix = str(directory) + "/"
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(prefix):
                return True
        except OSError:
            pass
    return False


def watch_start(d, gw_hex, timeout, poll):
    """Polls a starting daemon every poll s until its socket accepts (at most timeout s): the
    times (ns) its JVM ran, it opened its store (the JVM's start and the command line's parse
    are behind it, the controller's recovery ahead), its resolver was bound and its socket
    accepted; None for what did not happen."""
    seen = {"exec": None, "store": None, "bound": None, "ready": None}
    sock = d.state / "lnw.sock"
    end = time.monotonic_ns() + int(timeout * 1e9)
    while time.monotonic_ns() < end:
        now = time.monotonic_ns()
        if seen["exec"] is None and d.java_pid() is not None:
            seen["exec"] = now
        if seen["exec"] is not None and seen["store"] is None and opened_under(d.java_pid(), d.state):
            seen["store"] = now
        if seen["bound"] is None and udp_bound(d.proc.pid, gw_hex):
            seen["bound"] = now
        if accepts(sock):
            seen["ready"] = time.monotonic_ns()
            break
        if d.proc.poll() is not None:
            raise RuntimeError(f"lnw daemon exited ({d.proc.returncode}): {tail(WORK / 'daemon.log')}")
        time.sleep(poll)
    return seen


def tail(path, n=15):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def lnw(host, state, rundir, *args, timeout=120):
    """One `lnw` command in the fake host, as a shell user runs it: with the daemon up, the
    launcher hands it to the daemon through its socket."""
    return run(host.enter([REPO / "lnw", "--state-dir", state, "--run-dir", rundir] + list(args)),
               timeout=timeout).stdout


class Prober:
    """The prober in sandbox a's namespace (nsenter execs python), in a session of its own; its
    stdin stays open until its result is in: it takes the end of its stdin for the harness's."""

    def __init__(self, a, key, gw, b_ip):
        self.out = b""
        with open(WORK / "prober.log", "a") as log:
            self.p = subprocess.Popen(
                ["nsenter", f"--net={key}", sys.executable, __file__, "probe", gw, "b", b_ip,
                 "--interval", str(a.interval_ms / 1000), "--hold", str(a.hold), "--cover", str(max(RETRIES)),
                 "--limit", str(a.limit)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        cleanups.append(lambda: dockerd_ns.stop(self.p, "prober", grace=5))
        self.read_until(lambda: b"\n" in self.out, 30)
        if self.out != b"ready\n":
            raise RuntimeError(f"the prober did not start: {tail(WORK / 'prober.log')}")
        self.out = b""

    def read_until(self, done, timeout):
        """Reads its stdout until done(), its end or timeout s: whether its end came."""
        end = time.monotonic() + timeout
        while not done() and time.monotonic() < end:
            if select.select([self.p.stdout], [], [], max(0, end - time.monotonic()))[0]:
                chunk = os.read(self.p.stdout.fileno(), 1 << 16)
                if not chunk:
                    return True
                self.out += chunk
        return False

    def tell(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def result(self, timeout):
        """Its JSON, once it has stopped by its own rule (at most timeout s)."""
        if not self.read_until(lambda: False, timeout):
            raise RuntimeError(f"the prober did not finish within {timeout} s")
        self.p.stdin.close()
        if self.p.wait(10) != 0:
            raise RuntimeError(f"the prober failed ({self.p.returncode}): {tail(WORK / 'prober.log')}")
        return json.loads(self.out)


# ---- who else used the CPUs -----------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def machine_cpu():
    """CPU seconds all CPUs have been busy since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (sum(v) - v[3] - v[4]) / TICK


def process_cpu(pid):
    """CPU seconds process pid and its children reaped so far have used (0 if it is gone): the
    launcher's forks (find, cat...) are children of the PID that becomes the JVM."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in f[11:15]) / TICK


def own_cpu():
    t = os.times()
    return t.user + t.system


def reaped_cpu():
    """CPU seconds of this harness's children reaped so far (an exited daemon's, once waited for)."""
    t = os.times()
    return t.children_user + t.children_system


class Load:
    """The CPU time the rest of the machine used in a window, in CPUs (CPU seconds per second):
    the machine's busy time minus this run's (the harness, the prober, the daemons). Two CPUs
    here: a daemon's start keeps both busy, so anyone else's work lengthens it."""

    def __init__(self):
        self.wall = time.monotonic()
        self.machine = machine_cpu()
        self.ours = own_cpu()

    def others(self, ours_since):
        """The rest of the machine's CPUs since this, given this run's CPU seconds since."""
        wall = time.monotonic() - self.wall
        busy = machine_cpu() - self.machine
        return max(0.0, busy - (own_cpu() - self.ours) - ours_since) / wall if wall > 0 else None


def one_round(a, mode, k, host, state, rundir, daemon, key, gw, gw_hex, b_ip):
    """One restart while the prober asks: (the new daemon, the round's raw record)."""
    prober = Prober(a, key, gw, b_ip)
    quiet = Load()
    quiet_cpu = process_cpu(prober.p.pid) + process_cpu(daemon.proc.pid)
    time.sleep(1.0)
    # the 1 s before the signal: only the prober and an idle daemon of ours run
    others_before = quiet.others(process_cpu(prober.p.pid) + process_cpu(daemon.proc.pid) - quiet_cpu)
    restart = Load()
    restart_cpu = process_cpu(prober.p.pid) + process_cpu(daemon.proc.pid) + reaped_cpu()
    t_signal = time.monotonic_ns()
    pid = daemon.signal(MODES[mode])
    gone = daemon.wait_gone(pid, 30)
    if gone is None:
        # SIGTERM lets a command in progress finish (up to 30 s): far beyond anything measured here
        daemon.signal(signal.SIGKILL)
        gone = daemon.wait_gone(pid, 30)
        if gone is None:
            raise RuntimeError(f"lnw daemon (pid {pid}) did not exit after SIGKILL")
    exit_code = daemon.proc.returncode
    daemon.log.close()
    new = Daemon(host, state, rundir)
    prober.tell(f"spawned {new.spawned}")
    harness_cpu = own_cpu()
    seen = watch_start(new, gw_hex, 120, a.poll_ms / 1000)
    harness_cpu = own_cpu() - harness_cpu
    if seen["ready"] is None:
        raise RuntimeError(f"the new lnw daemon's socket did not accept within 120 s: {tail(WORK / 'daemon.log')}")
    # from the signal to the new daemon ready: the old daemon's end (reaped), the new one's start
    others_restart = restart.others(process_cpu(prober.p.pid) + process_cpu(new.proc.pid) + reaped_cpu()
                                    - restart_cpu)
    r = prober.result(a.limit + 30)
    r.update(mode=mode, round=k, signal=t_signal, gone=gone, spawned=new.spawned, exit_code=exit_code,
             signalled=pid, launcher=daemon.proc.pid, others_before=others_before, others_restart=others_restart,
             harness_cpu=harness_cpu, **seen)
    return new, r


def analyse(r, interval_ms, slack_ms):
    """The round's figures (ms, relative to the signal or the spawn) from its raw record."""
    q = r["queries"]
    ms = lambda ns: ns / 1e6  # noqa: E731
    out = {"mode": r["mode"], "round": r["round"], "queries": len(q), "stopped": r["stopped"],
           "exit_code": r["exit_code"], "exit_ms": ms(r["gone"] - r["signal"]),
           "java_pid": "spawned" if r["signalled"] == r["launcher"] else "child",
           "exit_to_spawn_ms": ms(r["spawned"] - r["gone"]), "others_before": r["others_before"],
           "others_restart": r["others_restart"], "watch_cpu_ms": r["harness_cpu"] * 1000}
    for what in ("exec", "store", "bound", "ready"):
        out[f"spawn_to_{what}_ms"] = ms(r[what] - r["spawned"]) if r[what] else None
    gaps = [q[i + 1][0] - q[i][0] for i in range(len(q) - 1)]
    out["max_send_gap_ms"] = ms(max(gaps)) if gaps else None
    # the gap: from the first query around the signal that got no right answer (a query sent
    # just before a kill -9 may be lost with the process) to the first right answer after it
    first_bad = next((i for i, x in enumerate(q) if x[2] != "ok" and x[0] >= r["signal"] - 200e6), None)
    out["errors"] = {}
    for x in q:
        if x[2] not in ("ok", "lost"):
            out["errors"][x[2]] = out["errors"].get(x[2], 0) + 1
    out["refused"] = len(r["refused"])
    out["duplicates"] = r["duplicates"]
    out["ok_before"] = sum(1 for x in q[:first_bad] if x[2] == "ok") if first_bad is not None else None
    out["lost_before"] = sum(1 for x in q[:first_bad] if x[2] != "ok") if first_bad is not None else None
    if first_bad is None:
        out.update(outage_ms=0.0, lost=0, tries_1s=0, verdict={})
        return out
    last_ok = first_bad - 1 if first_bad > 0 and q[first_bad - 1][2] == "ok" else None
    first_ok = next((i for i in range(first_bad, len(q)) if q[i][2] == "ok"), None)
    out["lost"] = (first_ok if first_ok is not None else len(q)) - first_bad
    out["ok_after"] = sum(1 for x in q[first_ok:] if x[2] == "ok") if first_ok is not None else 0
    # after the gap every query must be answered right: anything else is a second gap
    out["lost_after"] = sum(1 for x in q[first_ok:] if x[2] != "ok") if first_ok is not None else 0
    out["served_after_signal_ms"] = ms(q[last_ok][0] - r["signal"]) if last_ok is not None else None
    if first_ok is None:
        out.update(outage_ms=None, tries_1s=None, verdict={R: "never answered again" for R in RETRIES})
        return out
    out["outage_ms"] = ms(q[first_ok][0] - q[last_ok][0]) if last_ok is not None else None
    out["signal_to_answer_ms"] = ms(q[first_ok][0] - r["signal"])
    out["spawn_to_answer_ms"] = ms(q[first_ok][0] - r["spawned"])
    # a first answer that is slow in coming (the resolver's code cold) delays, but loses nothing
    out["first_answer_latency_ms"] = ms(q[first_ok][1] - q[first_ok][0])
    # every query without a right answer: would the client's retry R s later have had one?
    # Its stand-in is the first query the prober sent at or after t + R.
    sends = [x[0] for x in q]
    after = lambda t: bisect.bisect_left(sends, t)  # noqa: E731
    slack = slack_ms * 1e6
    out["verdict"] = {}
    for R in RETRIES:
        ok = late = no = beyond = 0
        for x in q:
            if x[2] == "ok":
                continue
            t = x[0] + R * 1e9
            j = after(t)
            if j == len(q):
                beyond += 1  # the prober stopped before t (its stop rule covers 5 s: never)
            elif q[j][2] != "ok":
                no += 1
            elif sends[j] - t <= slack or (j > 0 and q[j - 1][2] == "ok"):
                ok += 1  # on time, or the resolver answered on both sides of t: so at t too
            else:
                late += 1  # the prober was late, and the resolver came back in between
        out["verdict"][R] = {"ok": ok, "no": no, "undetermined": late, "beyond": beyond}
    # dig +time=1 +tries=N: the retries 1 s apart the worst query of the round needs (N - 1 of
    # them); None if it needs more than the prober covered
    tries = 0
    for x in q:
        if x[2] == "ok":
            continue
        n = next((n for n in range(1, int(max(RETRIES)) + 1)
                  if after(x[0] + n * 1e9) < len(q) and q[after(x[0] + n * 1e9)][2] == "ok"), None)
        tries = None if n is None or tries is None else max(tries, n)
    out["tries_1s"] = tries
    return out


def verdict_text(v):
    """"yes", or what went wrong, for one round's verdict on one retry interval."""
    if not v:
        return "no loss"
    if isinstance(v, str):
        return v
    bad = [f"{v[k]} {w}" for k, w in (("no", "unanswered"), ("undetermined", "undetermined"),
                                       ("beyond", "not probed")) if v[k]]
    return "yes" if not bad else ", ".join(bad)


# ---- report ------------------------------------------------------------------------------

def fmt(v, digits=0):
    return "-" if v is None else f"{v:.{digits}f}"


def median(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


LEGEND = (
    "times in ms; outage: the last answered query before the gap to the first answered one after it (send"
    " times); lost: the queries in between, none answered",
    "signal>answer: the signal to the first answered query after the gap; served after sig: the last answered"
    " query before the gap, after the signal (negative: before it); exit: the signal to the old JVM gone",
    "spawn>exec: the new daemon's spawn to the launcher's exec of java; spawn>store: to the JVM's first open file in"
    " the state directory (its start and the command line's parse done, the controller's recovery next);"
    " spawn>bound: to the resolver's UDP socket on the gateway's port 53 (/proc/PID/net/udp); spawn>answer: to the"
    " first answered query (its send time); 1st reply: how long after that query its answer came; spawn>ready: to STATE_DIR/lnw.sock accepting (each polled, see below)",
    "others<sig, others: the CPUs (CPU seconds a second) the rest of the machine kept busy, besides this run's"
    " processes, in the second before the signal and from the signal to the new daemon ready (/proc/stat);"
    " 2 CPUs here, and a daemon's start keeps both busy: what others take lengthens it",
)
COLUMNS = (("outage", "outage_ms"), ("lost", "lost"), ("signal>answer", "signal_to_answer_ms"),
           ("served after sig", "served_after_signal_ms"), ("exit", "exit_ms"), ("spawn>exec", "spawn_to_exec_ms"),
           ("spawn>store", "spawn_to_store_ms"), ("spawn>bound", "spawn_to_bound_ms"),
           ("spawn>answer", "spawn_to_answer_ms"), ("1st reply", "first_answer_latency_ms"),
           ("spawn>ready", "spawn_to_ready_ms"),
           ("others<sig", "others_before"), ("others", "others_restart"))


def cell(r, key):
    return fmt(r.get(key), 1 if key.endswith("_ms") else 2 if key.startswith("others") else 0)


def errors_text(r):
    e = dict(r["errors"])
    if r["refused"]:
        e["ICMP port unreachable"] = r["refused"]
    return ", ".join(f"{n} {k}" for k, n in e.items()) or "none"


def report(rounds, a, stamp, uptime_start, version_ms):
    o = io.StringIO()
    print(f"# DNS across an lnw daemon restart (issue 14) - {stamp:%Y-%m-%d %H:%M} UTC", file=o)
    print(f"# {harness_common.machine()}", file=o)
    print(f"# {harness_common.java_version()}; {harness_common.libnetwork4j_version()}", file=o)
    end = os.getloadavg()
    print(f"# load: at start `{uptime_start}`; at end 1-min {end[0]:.2f} (this run's own processes included;"
          f" the others columns count the rest of the machine alone)", file=o)
    print(f"# {a.rounds} rounds per mode; prober in sandbox a, one A query for b every {a.interval_ms:g} ms to the"
          f" gateway (the resolver) from one connected UDP socket, never retransmitted; signal 1 s after it starts;"
          f" new `lnw daemon` spawned as soon as the old JVM has exited; probing until answers are back for"
          f" {a.hold:g} s and {max(RETRIES):g} s past the last loss", file=o)
    for line in LEGEND:
        print(f"# {line}", file=o)
    print(f"# 1 s / 5 s retry: whether every lost query's retry R s later got b's address, read off the first query"
          f" the prober sent at or after t+R (sent by t+R+{a.slack_ms:g} ms, or later but with a right answer also to"
          f" the query before t+R); retries: dig +time=1 +tries=N needs N >= 1 + this for the worst lost query of"
          f" the round (medians row: the most of any round)", file=o)
    print(f"# the new daemon looked at every {a.poll_ms:g} ms (/proc and a connect; what that cost the harness is in"
          f" the raw lines: watch CPU)", file=o)
    if version_ms:
        print(f"# reference: `lnw --version` (launcher, JVM start with its CDS archive, picocli; no controller) in the"
              f" fake host: median {statistics.median(version_ms):.0f} ms of {len(version_ms)}"
              f" ({', '.join(f'{v:.0f}' for v in version_ms)})", file=o)
    print("", file=o)
    head = "{:<5} " + " ".join("{:>%d}" % max(8, len(c)) for c, _ in COLUMNS) + "  {:<12} {:<12} {:>7}  {}"
    print("medians", file=o)
    print(head.format("mode", *[c for c, _ in COLUMNS], "1 s retry", "5 s retry", "retries", "errors"), file=o)
    for mode in a.modes:
        rs = [r for r in rounds if r["mode"] == mode]
        if not rs:
            continue
        vals = [cell({k: median([r.get(k) for r in rs])}, k) for _, k in COLUMNS]
        ok = {R: sum(1 for r in rs if verdict_text(r["verdict"].get(R)) in ("yes", "no loss")) for R in RETRIES}
        tries = [r.get("tries_1s") for r in rs]
        tries = "-" if None in tries else f"<={max(tries, default=0)}"
        errs = sum(sum(r["errors"].values()) + r["refused"] for r in rs)
        print(head.format(mode, *vals, f"{ok[1.0]}/{len(rs)} yes", f"{ok[5.0]}/{len(rs)} yes", tries,
                          f"{errs} in all"), file=o)
    print("", file=o)
    print("every round", file=o)
    print(head.format("mode", *[c for c, _ in COLUMNS], "1 s retry", "5 s retry", "retries", "errors"), file=o)
    for r in rounds:
        vals = [cell(r, k) for _, k in COLUMNS]
        print(head.format(f"{r['mode']}{r['round']}", *vals, verdict_text(r["verdict"].get(1.0)),
                          verdict_text(r["verdict"].get(5.0)), fmt(r.get("tries_1s")), errors_text(r)), file=o)
    print("", file=o)
    for r in rounds:
        notes = []
        if r["lost_before"]:
            notes.append(f"{r['lost_before']} queries lost before the gap")
        if r.get("lost_after"):
            notes.append(f"{r['lost_after']} queries lost after the gap (a second gap)")
        if r["duplicates"]:
            notes.append(f"{r['duplicates']} duplicate answers")
        if r["stopped"] != "held":
            notes.append(f"the prober stopped: {r['stopped']}")
        if r["max_send_gap_ms"] and r["max_send_gap_ms"] > a.interval_ms + a.slack_ms:
            notes.append(f"the prober's longest pause between two queries: {r['max_send_gap_ms']:.1f} ms")
        if notes:
            print(f"# note: {r['mode']}{r['round']}: " + "; ".join(notes), file=o)
    print(f"# raw (per round): " + "; ".join(
        f"{r['mode']}{r['round']}: queries {r['queries']} (right answers {r['ok_before']} before the gap,"
        f" {r.get('ok_after', 0)} after), JVM signalled: the {r['java_pid']} process, exit code {r['exit_code']}, exit to spawn {r['exit_to_spawn_ms']:.2f} ms,"
        f" longest send gap {fmt(r['max_send_gap_ms'], 1)} ms, watch CPU {r['watch_cpu_ms']:.0f} ms"
        for r in rounds), file=o)
    return o.getvalue()


CSV_FIELDS = ("mode", "round", "outage_ms", "lost", "signal_to_answer_ms", "served_after_signal_ms", "exit_ms",
              "exit_code", "exit_to_spawn_ms", "spawn_to_exec_ms", "spawn_to_store_ms", "spawn_to_bound_ms", "spawn_to_answer_ms",
              "spawn_to_ready_ms", "first_answer_latency_ms", "queries", "ok_before", "lost_before", "ok_after", "lost_after", "refused",
              "duplicates", "max_send_gap_ms", "java_pid", "others_before", "others_restart", "watch_cpu_ms", "tries_1s", "retry_1s", "retry_5s", "errors")


def csv_rows(rounds):
    rows = [CSV_FIELDS]
    for r in rounds:
        v = dict(r, retry_1s=verdict_text(r["verdict"].get(1.0)), retry_5s=verdict_text(r["verdict"].get(5.0)),
                 errors=errors_text(r))
        rows.append([round(v[f], 3) if isinstance(v.get(f), float) else v.get(f) for f in CSV_FIELDS])
    return rows


# ---- main --------------------------------------------------------------------------------

def main():
    global WORK
    if len(sys.argv) > 1 and sys.argv[1] == "probe":
        return probe_main(sys.argv[2:])
    if len(sys.argv) > 1 and sys.argv[1] == "sweep":
        return harness_common.sweep_command()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5, help="restarts per mode")
    p.add_argument("--modes", default="term,kill", help="term (SIGTERM), kill (SIGKILL), in this order each round")
    p.add_argument("--interval-ms", type=float, default=5, help="the prober's tick")
    p.add_argument("--poll-ms", type=float, default=5,
                   help="how often a starting daemon is looked at (its JVM, store, resolver, socket)")
    p.add_argument("--hold", type=float, default=1.0, help="s of answers back after the gap before a round ends")
    p.add_argument("--slack-ms", type=float, default=5,
                   help="how late after t + R the query standing in for a retry at t + R may have been sent")
    p.add_argument("--limit", type=float, default=90, help="s at most for one round's prober")
    p.add_argument("--version-runs", type=int, default=5, help="`lnw --version` runs timed for reference (0: none)")
    p.add_argument("--work", help="working directory (run-dns-restart.sh makes one; default: a new one in /tmp)")
    p.add_argument("--prefix", default=f"lnwgap-{os.getpid()}", help="prefix of the namespaces made")
    p.add_argument("--out", default=str(REPO / "benchmarks/results"))
    a = p.parse_args()
    a.modes = [m for m in a.modes.split(",") if m]
    if any(m not in MODES for m in a.modes) or a.rounds < 1:
        sys.exit("--modes: term and/or kill; --rounds: at least 1")
    if os.geteuid() != 0:
        sys.exit("run as root: the harness makes network namespaces")
    if not a.work:
        a.work = tempfile.mkdtemp(prefix="lnwgap-", dir="/tmp")
    WORK = Path(a.work)
    WORK.mkdir(parents=True, exist_ok=True)
    # whatever the way out (an error, Ctrl-C, SIGTERM): the cleanup stack (prober, the network
    # and sandboxes, the daemon, the fake host), then the mounts under WORK and WORK itself
    harness_common.Signals.install()
    atexit.register(harness_common.final, WORK)
    stamp = datetime.datetime.now(datetime.timezone.utc)
    uptime_start = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    host = harness_common.FakeHost(f"{a.prefix}-host")
    state, rundir = WORK / "state", WORK / "run"
    current = {"daemon": Daemon(host, state, rundir)}
    cleanups.append(lambda: current["daemon"].stop())
    print("lnw daemon: starting", file=sys.stderr, flush=True)
    if watch_start(current["daemon"], "-", 180, a.poll_ms / 1000)["ready"] is None:
        raise RuntimeError(f"lnw daemon did not start: {tail(WORK / 'daemon.log')}")

    def remove_all():  # through the daemon while it is up; else the fake host's removal and umounts do it
        if current["daemon"].proc.poll() is None and accepts(state / "lnw.sock"):
            for args in (("sandbox", "rm", "a", "b"), ("network", "rm", NETWORK)):
                run(host.enter([REPO / "lnw", "--state-dir", state, "--run-dir", rundir] + list(args)),
                    check=False, timeout=60)
    cleanups.append(remove_all)
    lnw(host, state, rundir, "network", "create", "--subnet", SUBNET, NETWORK)
    for s in ("a", "b"):
        lnw(host, state, rundir, "sandbox", "create", s)
        lnw(host, state, rundir, "network", "connect", NETWORK, s)
    info = {s: json.loads(lnw(host, state, rundir, "sandbox", "inspect", s))[0] for s in ("a", "b")}
    key = info["a"]["SandboxKey"]
    gw = info["a"]["Networks"][NETWORK]["Gateway"]
    b_ip = info["b"]["Networks"][NETWORK]["IPAddress"]
    gw_hex = proc_hex(gw, 53)
    r = json.loads(run(["nsenter", f"--net={key}", sys.executable, HARNESS, "client", "probe", gw, "b", b_ip, "10"],
                       timeout=60).stdout)
    if not r["ok"]:
        raise RuntimeError(f"the resolver at {gw} does not answer b ({b_ip}) in a: {r['why']}")
    print(f"network {NETWORK} {SUBNET}: a in {key}, b at {b_ip}, resolver {gw}", file=sys.stderr, flush=True)

    rounds = []
    for k in range(1, a.rounds + 1):
        for mode in a.modes:
            current["daemon"], raw = one_round(a, mode, k, host, state, rundir, current["daemon"], key, gw, gw_hex,
                                               b_ip)
            res = analyse(raw, a.interval_ms, a.slack_ms)
            rounds.append(res)
            print(f"{mode}{k}: outage {fmt(res['outage_ms'], 1)} ms, lost {res['lost']}, spawn>ready"
                  f" {fmt(res['spawn_to_ready_ms'], 1)} ms, 1 s retry {verdict_text(res['verdict'].get(1.0))},"
                  f" errors {errors_text(res)}", file=sys.stderr, flush=True)
    version_ms = []
    for _ in range(a.version_runs):
        t0 = time.monotonic_ns()
        run(host.enter([REPO / "lnw", "--version"]), timeout=60)
        version_ms.append((time.monotonic_ns() - t0) / 1e6)
    text = report(rounds, a, stamp, uptime_start, version_ms)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    harness_common.write_results(out, "dns-restart", stamp, text, csv_rows(rounds))


if __name__ == "__main__":
    main()
