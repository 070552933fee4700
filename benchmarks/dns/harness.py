#!/usr/bin/env python3
"""DNS resolvers side by side: libnetwork4j's embedded resolver, aardvark-dns 1.4 and dockerd
20.10's embedded resolver (127.0.0.11), serving the same container names, in one run.

Each resolver runs in a fake host namespace of its own (ip netns lnwdns-<PID>-<tag>), with
containers on a bridge there, and one fake upstream: dnsmasq on 10.99.0.53 (an interface of that
fake host) answering only *.upstream.test (--no-resolv --no-hosts). The fake hosts have
no link to the machine's own namespace, so no query can leave the machine; on top of that every
resolver is pointed at the fake upstream explicitly, and aardvark-dns and dockerd see a
resolv.conf naming only it (bind-mounted in a mount namespace of their own).

Measured from inside a container's network namespace, for each resolver:
  latency  sequential A queries (python, one connected UDP socket, hand-built queries; the
           time is send to matching reply, the client's own cost included), for a container
           name and for a name only the upstream knows (forwarded)
  qps      dnsperf, fixed duration, for the container name; with the CPU time the resolver's
           process (and dnsperf) spent per query meanwhile, from /proc and getrusage
and for libnetwork4j only, the time from join's return to the new name resolving. The client
ceiling row is ceiling.c (built here with cc), a responder that answers every query with a
fixed record at almost no cost, in a fake host arranged as aardvark-dns's: what dnsperf can
show at all on this machine. The row "aardvark-dns, set up by netavark" is aardvark-dns as
podman deploys it: netavark 1.4 (installed with it) makes the fake host's bridge, the
containers' veths and its firewall rules (NAT and forward chains, so conntrack too), and starts
aardvark-dns; the plain aardvark-dns row's fake host has no firewall, where libnetwork4j's
carries libnetwork4j's tables.

  harness.py [--seconds S] [--queries Q] [--n N] [--only lnw4j,aardvark,netavark,dockerd,upstream,ceiling]
             [--dnsperf "-T 1 -c 4 -q 64"] [--java-opts=...] ...
  harness.py client ...            (internal: the DNS client, run via nsenter in a namespace)
  harness.py sweep --work W --prefix P   (internal: run-dns.sh's last-resort cleanup)

Writes benchmarks/results/dns-DATE.txt (table, machine, versions) and dns-DATE.csv (every
measured query: resolver,kind,index,microseconds).
"""
import argparse
import atexit
import datetime
import io
import json
import os
import platform
import queue
import random
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

# dockerd in a throwaway namespace, the cleanup stack and stopping processes by PID are shared
# with peers/harness.py and lab/harness.py in benchmarks/dockerd_ns.py; running commands, fake
# hosts, the sweep and the report's header pieces in benchmarks/harness_common.py. Run as a script
# (/usr/bin/python3 benchmarks/dns/harness.py, also for its own `client` and `sweep`), only this
# file's own directory is on sys.path: benchmarks/ goes there too. Without a bytecode cache, as it
# would leave an untracked, root-owned benchmarks/__pycache__/ in the work tree.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
sys.dont_write_bytecode = True
import dockerd_ns  # noqa: E402
import harness_common  # noqa: E402
from dockerd_ns import at_exit, cleanups, cmdline, kill_pid, stop  # noqa: E402
from harness_common import pct, run, umount_under  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
AARDVARK = "/usr/lib/podman/aardvark-dns"
NETAVARK = "/usr/lib/podman/netavark"  # 1.4, installed with aardvark-dns
UPSTREAM_IP = "10.99.0.53"       # the fake upstream, on an interface of each fake host
UPSTREAM_ANSWER = "10.99.0.99"   # what it answers for *.upstream.test
FWD_NAME = "www.upstream.test"   # two labels and more: aardvark answers NXDOMAIN to one-label-dot names
DNSPERF_DEFAULT = "-T 1 -c 4 -q 64"
DNSPERF_ARGS = DNSPERF_DEFAULT.split() + ["-t", "1"]  # --dnsperf replaces the first part, for every row


def dnsperf_text(seconds):
    d = " ".join(DNSPERF_ARGS)
    why = {DNSPERF_DEFAULT + " -t 1": ": one load thread (dnsperf runs a sender and a receiver thread for it),"
           " 4 client sockets, at most 64 queries in flight"}.get(d, "")
    return (f"dnsperf {d} -l {seconds}{why}, no -Q rate cap (closed loop: the resolver's saturation rate with"
            f" the rest of this machine's CPUs shared with the client), one name over and over")


# ---- the DNS client (runs inside a namespace: `harness.py client ...`) --------------------

def dns_query(qid, name):
    out = bytearray(struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0))  # RD, one question
    for label in name.rstrip(".").split("."):
        b = label.encode("ascii")
        out.append(len(b))
        out += b
    out += b"\x00\x00\x01\x00\x01"  # root, type A, class IN
    return bytes(out)


def skip_name(buf, i):
    for _ in range(128):
        n = buf[i]
        if n == 0:
            return i + 1
        if n & 0xC0 == 0xC0:
            return i + 2
        i += 1 + n
    raise ValueError("name too long")


def parse_reply(buf):
    """(id, rcode, [IPv4 addresses in A records])"""
    qid, flags, qd, an = struct.unpack_from(">HHHH", buf)
    i = 12
    for _ in range(qd):
        i = skip_name(buf, i) + 4
    ips = []
    for _ in range(an):
        i = skip_name(buf, i)
        typ, _cls, _ttl, rdlen = struct.unpack_from(">HHIH", buf, i)
        i += 10
        if typ == 1 and rdlen == 4:
            ips.append(socket.inet_ntoa(buf[i:i + 4]))
        i += rdlen
    return qid, flags & 0xF, ips


def ask(sock, qid, q, timeout):
    """Sends q and waits up to timeout s for the reply with qid: (rcode or 'timeout'/'refused', ips)."""
    end = time.monotonic() + timeout
    sock.send(q)
    while True:  # bounded by the deadline: every pass either returns or waits for less time
        left = end - time.monotonic()
        if left <= 0:
            return "timeout", []
        sock.settimeout(left)
        try:
            buf = sock.recv(4096)
        except socket.timeout:
            return "timeout", []
        except ConnectionRefusedError:  # ICMP port unreachable: nobody listens
            return "refused", []
        try:
            rid, rcode, ips = parse_reply(buf)
        except (struct.error, IndexError, ValueError):
            continue
        if rid == qid:
            return rcode, ips  # else a late reply to an earlier query


def describe(status, ips):
    if status in ("timeout", "refused"):
        return status
    names = {1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
    if status != 0:
        return names.get(status, f"rcode {status}")
    return f"wrong answer {ips}" if ips else "no A record"


def connect(server):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((server, 53))
    return s


def client_latency(server, name, expect, count, warmup, timeout, budget):
    """count timed queries after warmup untimed ones; gives up at once if the first 5 all fail."""
    s = connect(server)
    base = random.randrange(65536)
    lat, fails, warm_fails = [], {}, 0
    answered = False
    t_end = time.monotonic() + budget
    for i in range(warmup + count):
        if time.monotonic() > t_end:
            fails["budget exceeded"] = warmup + count - i
            break
        qid = (base + i) & 0xFFFF
        q = dns_query(qid, name)
        t0 = time.perf_counter_ns()
        st, ips = ask(s, qid, q, timeout)
        us = (time.perf_counter_ns() - t0) / 1000
        if st == 0 and expect in ips:
            answered = True
            if i >= warmup:
                lat.append(round(us, 1))
            continue
        why = describe(st, ips)
        if i >= warmup:
            fails[why] = fails.get(why, 0) + 1
        else:
            warm_fails += 1
        if not answered and i == 4:
            return {"no_answer": why}
    return {"lat": lat, "fails": fails, "warm_fails": warm_fails}


def client_probe(server, name, expect, budget):
    """Asks until a correct answer (ready) or budget s are gone."""
    s = connect(server)
    t_end = time.monotonic() + budget
    why = "no try"
    i = 0
    while time.monotonic() < t_end:
        i += 1
        st, ips = ask(s, i & 0xFFFF, dns_query(i & 0xFFFF, name), 0.5)
        if st == 0 and expect in ips:
            return {"ok": True, "tries": i}
        why = describe(st, ips)
        time.sleep(0.05)
    return {"ok": False, "why": why, "tries": i}


def client_follow(server, limit):
    """Per stdin line "NAME ADDRESS T0_NS": asks for NAME until it answers ADDRESS or limit s after
    T0_NS (CLOCK_MONOTONIC, the joiner's clock); answers "NAME US FIRST_SEND_US QUERIES" or
    "NAME - FIRST_SEND_US QUERIES WHY"."""
    s = connect(server)
    qid = random.randrange(65536)
    print("ready", flush=True)  # the first join waits for this: no interpreter start-up in the figures
    for line in sys.stdin:
        name, expect, t0 = line.split()
        t0 = int(t0)
        deadline = t0 + int(limit * 1e9)
        first = None
        n = 0
        why = "no try"
        while True:
            now = time.monotonic_ns()
            if now >= deadline:
                print(f"{name} - {(first - t0) / 1000 if first else 0:.1f} {n} {why.replace(' ', '_')}", flush=True)
                break
            qid = (qid + 1) & 0xFFFF
            q = dns_query(qid, name)
            if first is None:
                first = time.monotonic_ns()
            st, ips = ask(s, qid, q, min(0.05, (deadline - now) / 1e9))
            n += 1
            if st == 0 and expect in ips:
                done = time.monotonic_ns()
                print(f"{name} {(done - t0) / 1000:.1f} {(first - t0) / 1000:.1f} {n}", flush=True)
                break
            why = describe(st, ips)


def client_main(argv):
    mode = argv[0]
    if mode == "latency":
        server, name, expect, count, warmup, timeout, budget = argv[1:8]
        r = client_latency(server, name, expect, int(count), int(warmup), float(timeout), float(budget))
    elif mode == "probe":
        server, name, expect, budget = argv[1:5]
        r = client_probe(server, name, expect, float(budget))
    elif mode == "follow":
        client_follow(argv[1], float(argv[2]))
        return
    else:
        sys.exit(f"client: unknown mode {mode}")
    print(json.dumps(r))


# ---- process and cleanup plumbing ------------------------------------------------------

rows = []       # (resolver, kind, index, us)
WORK = None     # set in main
PREFIX = None


def spawn(cmd, name, **kw):
    """A long-lived process of ours, in a session of its own (a Ctrl-C reaches only the harness,
    which then stops it in order); stopped by its PID at cleanup."""
    log = open(WORK / f"{name}.log", "w")
    kw.setdefault("stdout", log)
    p = subprocess.Popen([str(c) for c in cmd], stderr=log, start_new_session=True, **kw)
    cleanups.append(lambda: stop(p, name))
    return p


class Lines:
    """A process's stdout as lines, read by a thread, so every wait can have a timeout."""

    def __init__(self, stream):
        self.q = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def get(self, timeout):
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no line within {timeout} s")


# run-dns.sh's last resort (harness_common.sweep), after the harness is gone (even killed): DnsServe
# deletes its sandboxes and network itself once its stdin closes (the harness is gone), so it is
# given the time before it is stopped; then dockerd alone: given the time, it stops its containers
# itself
SWEEP_FIRST = (("DnsServe ", lambda c: b"DnsServe" in c, 15, None),
               ("dockerd ", lambda c: c.startswith(b"dockerd\0"), 30, signal.SIGTERM))


# ---- fake hosts, upstream, client runs ----------------------------------------------------

class FakeHost(harness_common.FakeHost):
    """harness_common's fake host (ip netns PREFIX-tag), with the fake upstream (dnsmasq) on an
    address of its own (not loopback): reachable from the host itself and, through the bridge's
    gateway, from its containers. It has no link anywhere else."""

    def __init__(self, tag):
        super().__init__(f"{PREFIX}-{tag}")
        # a veth pair with both ends here stands in for a dummy interface (this kernel has no dummy)
        self.ip("link add up0 type veth peer name up1")
        self.ip(f"addr add {UPSTREAM_IP}/32 dev up0")
        self.ip("link set up1 up")
        self.ip("link set up0 up")
        self.dnsmasq = spawn(self.enter(
            ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
             f"--listen-address={UPSTREAM_IP}", "--bind-interfaces", f"--address=/upstream.test/{UPSTREAM_ANSWER}",
             f"--pid-file={WORK}/dnsmasq-{tag}.pid", "--log-facility=-"]), f"dnsmasq-{tag}")
        r = client(self.path, ["probe", UPSTREAM_IP, FWD_NAME, UPSTREAM_ANSWER, "10"])
        if not r["ok"]:
            raise RuntimeError(f"the fake upstream in {self.name} does not answer: {r['why']}")


def client(ns, args, timeout=600):
    r = run(["nsenter", f"--net={ns}", sys.executable, __file__, "client"] + list(args), timeout=timeout)
    return json.loads(r.stdout)


def fake_resolv():
    p = WORK / "resolv.conf"
    if not p.exists():
        p.write_text(f"nameserver {UPSTREAM_IP}\n")
    return p


def with_fake_resolv(cmd):
    """cmd in a mount namespace of its own where /etc/resolv.conf names only the fake upstream."""
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            'mount --bind "$0" /etc/resolv.conf && exec "$@"', fake_resolv()] + list(cmd)


def cpu_seconds(pid):
    """The CPU time (user, system; all threads) process pid has used so far, or None."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(f[11]) / os.sysconf("SC_CLK_TCK"), int(f[12]) / os.sysconf("SC_CLK_TCK")


def dnsperf(ns, server, name, seconds, pid=None):
    """dnsperf's figures; with pid (the resolver's process), also the CPU time it and dnsperf
    spent per completed query (the resolver's cost, which the client's ceiling does not hide)."""
    qf = WORK / f"dnsperf-{name}.txt"
    qf.write_text(f"{name} A\n")
    before = cpu_seconds(pid) if pid else None
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run(["nsenter", f"--net={ns}", "dnsperf", "-s", server, "-d", qf, "-l", str(seconds)] + DNSPERF_ARGS,
            check=False, timeout=seconds + 60)
    after = cpu_seconds(pid) if pid else None
    kids2 = resource.getrusage(resource.RUSAGE_CHILDREN)  # nsenter execs dnsperf: its times
    out = {"raw": r.stdout + r.stderr}
    done = next((int(l.split(":")[1].split()[0]) for l in r.stdout.splitlines()
                 if l.strip().startswith("Queries completed:")), 0)
    if done:
        client = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
        out["client_cpu_us"] = client / done * 1e6
        if before is not None and after is not None:
            out["cpu_us"] = (sum(after) - sum(before)) / done * 1e6
            out["user_us"] = (after[0] - before[0]) / done * 1e6
    for line in r.stdout.splitlines():
        line = line.strip()
        if line.startswith("Queries per second:"):
            out["qps"] = float(line.split(":")[1])
        elif line.startswith("Queries lost:"):
            out["lost"] = line.split(":", 1)[1].strip()
        elif line.startswith("Queries completed:"):
            out["completed"] = line.split(":", 1)[1].strip()
        elif line.startswith("Average Latency (s):"):
            out["avg_latency_us"] = float(line.split(":")[1].split()[0]) * 1e6
    return out


def measure(key, ns, server, local_name, local_ip, a, kinds=("local", "fwd"), pid=None):
    """Latency for the local and the forwarded name, then dnsperf for the local name (and the
    CPU time process pid, the resolver, spends per query under it)."""
    res = {"server": server}
    if local_name and a.warm_seconds > 0:
        if client(ns, ["probe", server, local_name, local_ip, "3"])["ok"]:
            # the JIT's warm-up for the JVM; the same load for everyone
            dnsperf(ns, server, local_name, a.warm_seconds)
    for kind, name, expect in (("local", local_name, local_ip), ("fwd", FWD_NAME, UPSTREAM_ANSWER)):
        if not name or kind not in kinds:
            continue
        print(f"  {key}: {a.queries} sequential queries for {name} at {server}", file=sys.stderr, flush=True)
        r = client(ns, ["latency", server, name, expect, str(a.queries), str(a.warmup), str(a.timeout),
                        str(a.budget)], timeout=a.budget + 60)
        res[kind] = r
        for i, us in enumerate(r.get("lat", [])):
            rows.append((key, kind, i, us))
    name = local_name or FWD_NAME
    if "lat" in res.get("local" if local_name else "fwd", {}):
        print(f"  {key}: dnsperf {a.seconds} s for {name}", file=sys.stderr, flush=True)
        res["dnsperf"] = dnsperf(ns, server, name, a.seconds, pid)
        print(res["dnsperf"]["raw"], file=LOG, flush=True)
    return res


# ---- the three resolvers --------------------------------------------------------------

def lnw4j(a):
    h = FakeHost("lnw")
    cp = lnw_classpath(a)
    resolv = WORK / "lnw-host-resolv.conf"
    resolv.write_text(f"nameserver {UPSTREAM_IP}\n")
    cleanups.append(lambda: umount_under(WORK))  # runs after the JVM is gone (LIFO)
    args = [h.path, WORK / "lnw-state", WORK / "lnw-run", resolv, a.n] + (["join-latency"] if a.join_count else [])
    # the JVM itself in the fake host's network namespace too (nsenter keeps the mount
    # namespace, where the sandboxes' namespaces are bind-mounted)
    java = spawn(h.enter(["java", "--enable-native-access=ALL-UNNAMED"] + a.java_opts.split()
                         + ["-cp", cp, "org.libnetwork4j.bench.DnsServe"] + args), "lnw4j-java", stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def close_stdin():  # DnsServe deletes everything when its stdin closes; stop() follows
        try:
            java.stdin.close()
            java.wait(60)
        except Exception:
            pass
    cleanups.append(close_stdin)
    out = Lines(java.stdout)
    sandboxes, gateway, info = {}, None, []
    while True:
        line = out.get(a.setup_timeout)
        if line is None:
            tail = (WORK / "lnw4j-java.log").read_text()[-2000:]
            raise RuntimeError(f"DnsServe exited ({java.wait(10)}): {tail}")
        f = line.split()
        if line == "ready":
            break
        if f[0] == "gateway":
            gateway = f[1]
        elif f[0] == "info":
            info.append(line[5:])
        elif len(f) == 3:
            sandboxes[f[0]] = (f[1], f[2])
    for i in info:
        print(f"  lnw4j: {i}", file=sys.stderr)
    # what c1's resolv.conf names, if that is not the host's (the fake upstream): the resolver
    # the library gives its sandboxes; else the gateway, where it is meant to listen
    named = [l.split()[3] for l in info if l.startswith("c1 resolv.conf: nameserver ")]
    named = [x for x in named if x != UPSTREAM_IP]
    server = a.lnw_server or (named[0] if named else gateway)
    print(f"  lnw4j: asking {server}", file=sys.stderr)
    ns = sandboxes["c1"][1]
    res = measure("lnw4j", ns, server, "c2", sandboxes["c2"][0], a, pid=java.pid)  # nsenter execs java
    res["info"] = info
    if a.join_count and res["local"].get("lat"):
        try:
            res["join"] = join_latency(java, out, ns, server, a)
        except Exception as e:  # keep what was measured so far
            res["join_error"] = f"{type(e).__name__}: {e}"
            print(f"  lnw4j: join-to-resolve failed: {res['join_error']}", file=sys.stderr)
    return res


def lnw_classpath(a):
    """benchmarks' classes and classpath.txt (which names java/target's jar), with
    java/target/classes ahead of the jar for --lnw-build classes, or for auto when they are newer
    than the jar (a compile without a package since). Notes which one in a.lnw_from."""
    jar = REPO / "java/target/libnetwork4j-0.1.0-SNAPSHOT.jar"
    classes = REPO / "java/target/classes"
    deps = (REPO / "benchmarks/target/classpath.txt").read_text().strip()
    if a.lnw_jar:
        # a build kept aside (a baseline, for before/after runs interleaved on one machine): put
        # ahead of java/target's jar, which classpath.txt names, so its classes and .so win
        other = Path(a.lnw_jar).resolve()
        stamp = datetime.datetime.fromtimestamp(other.stat().st_mtime, datetime.timezone.utc)
        a.lnw_from = f"{other} built {stamp:%Y-%m-%d %H:%M} UTC"
        return f"{REPO}/benchmarks/target/classes:{other}:" + deps
    classes_time = max((p.stat().st_mtime for p in classes.rglob("*") if p.is_file()), default=0)
    jar_time = jar.stat().st_mtime if jar.exists() else 0
    use = a.lnw_build
    if use == "auto":
        use = "classes" if classes_time > jar_time else "jar"
    built, when = (classes, classes_time) if use == "classes" else (jar, jar_time)
    stamp = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
    a.lnw_from = f"{built.relative_to(REPO)} built {stamp:%Y-%m-%d %H:%M} UTC"
    return f"{REPO}/benchmarks/target/classes:" + (f"{classes}:" if use == "classes" else "") + deps


def join_latency(java, out, ns, server, a):
    """Sandbox jK joins; a client in c1's namespace, told at once, asks for jK until it answers."""
    print(f"  lnw4j: join-to-resolve, {a.join_count} joins", file=sys.stderr, flush=True)
    fol = spawn(["nsenter", f"--net={ns}", sys.executable, __file__, "client", "follow", server, str(a.join_limit)],
                "lnw4j-follow", stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    fout = Lines(fol.stdout)
    if fout.get(60) != "ready":
        raise RuntimeError("the join-latency client in c1 did not start")
    results = []
    for k in range(a.join_count):
        java.stdin.write("join\n")
        java.stdin.flush()
        line = out.get(60)
        if line is None or not line.startswith("joined "):
            results.append({"error": line or "DnsServe exited"})
            if line is None:
                break
            continue
        _, name, addr, t0 = line.split()
        fol.stdin.write(f"{name} {addr} {t0}\n")
        fol.stdin.flush()
        f = fout.get(a.join_limit + 30)
        if f is None:
            results.append({"error": "the client in c1 exited"})
            break
        f = f.split()
        if f[1] == "-":
            results.append({"name": name, "us": None, "first_us": float(f[2]), "queries": int(f[3]), "why": f[4]})
        else:
            results.append({"name": name, "us": float(f[1]), "first_us": float(f[2]), "queries": int(f[3])})
            rows.append(("lnw4j", "join-to-resolve", k, float(f[1])))
            rows.append(("lnw4j", "join-to-first-query", k, float(f[2])))
        if k == 2 and all(r.get("us") is None for r in results):
            results.append({"gave_up": "the first 3 never resolved"})
            break
    fol.stdin.close()
    fol.wait(10)
    return results


def bridged(tag, prefix, n):
    """A fake host tag with a bridge br0 at PREFIX.0.1/16 and n containers on it (namespaces
    PREFIX-T1..n, T the tag's first letter; eth0 at PREFIX.0.(i+1)): the host, and {"cI": (address,
    namespace path)}."""
    h = FakeHost(tag)
    h.ip("link add br0 type bridge")
    h.ip(f"addr add {prefix}.0.1/16 dev br0")
    h.ip("link set br0 up")
    ctrs = {}
    for i in range(1, n + 1):
        ns = f"{PREFIX}-{tag[0]}{i}"
        run(["ip", "netns", "add", ns])
        cleanups.append(lambda ns=ns: run(["ip", "netns", "del", ns], check=False))
        h.ip(f"link add v{tag[0]}{i} type veth peer name eth0 netns {ns}")
        h.ip(f"link set v{tag[0]}{i} master br0 up")
        ip = f"{prefix}.0.{i + 1}"
        for c in ("link set lo up", f"addr add {ip}/16 dev eth0", "link set eth0 up",
                  f"route add default via {prefix}.0.1"):
            run(["ip", "-n", ns] + c.split())
        ctrs[f"c{i}"] = (ip, f"/run/netns/{ns}")
    return h, ctrs


def aardvark(a):
    h, ctrs = bridged("aard", "10.124", a.n)
    cfg = WORK / "aardvark"
    cfg.mkdir()
    # the network's file: "GATEWAYS [NETWORK_DNS_SERVERS]", then "ID IPV4S IPV6S NAMES" (v1.4 config/mod.rs)
    (cfg / "dnsbench").write_text(f"10.124.0.1 {UPSTREAM_IP}\n" + "".join(
        f"{i:064x} {ip}  {name}\n" for i, (name, (ip, _)) in enumerate(ctrs.items(), 1)))
    # `run` forks: the parent returns once the child wrote aardvark.pid and is about to serve
    run(h.enter(with_fake_resolv([AARDVARK, "--config", cfg, "-p", "53", "run"])), timeout=30)
    pid = int((cfg / "aardvark.pid").read_text().strip())
    cleanups.append(lambda: kill_pid(pid, str(cfg)))
    ns = ctrs["c1"][1]
    r = client(ns, ["probe", "10.124.0.1", "c2", ctrs["c2"][0], "10"])
    if not r["ok"]:
        raise RuntimeError(f"aardvark-dns does not answer: {r['why']}")
    res = {}
    if want(a, "aardvark"):
        res["aardvark"] = measure("aardvark", ns, "10.124.0.1", "c2", ctrs["c2"][0], a, pid=pid)
    if want(a, "upstream"):  # the floor under forwarding: the fake upstream asked directly, same path
        res["upstream"] = measure("upstream", ns, UPSTREAM_IP, None, None, a, pid=h.dnsmasq.pid)
    return res


def netavark(a):
    """aardvark-dns as podman deploys it: netavark sets up the fake host's bridge, each
    container's veth and its own firewall rules (iptables-nft: NAT and forward chains, so
    conntrack as well) and starts aardvark-dns itself. The row beside libnetwork4j's, whose fake
    host carries libnetwork4j's tables: the plain aardvark-dns row's host has no firewall."""
    h = FakeHost("nvak")
    cfg = WORK / "netavark"
    cfg.mkdir()
    net = {"name": "dnsbench", "id": "b" * 64, "driver": "bridge", "network_interface": "nvbr0",
           "subnets": [{"subnet": "10.127.0.0/16", "gateway": "10.127.0.1"}], "ipv6_enabled": False,
           "internal": False, "dns_enabled": True, "ipam_options": {"driver": "host-local"}}
    ctrs = {}
    for i in range(1, a.n + 1):
        ns = f"{PREFIX}-v{i}"
        run(["ip", "netns", "add", ns])
        cleanups.append(lambda ns=ns: run(["ip", "netns", "del", ns], check=False))
        ip = f"10.127.0.{i + 1}"
        opts = cfg / f"c{i}.json"
        opts.write_text(json.dumps({"container_id": f"{i:064x}", "container_name": f"c{i}",
                                    "networks": {"dnsbench": {"static_ips": [ip], "interface_name": "eth0",
                                                              "aliases": [f"c{i}"]}},
                                    "network_info": {"dnsbench": net}}))
        # in the fake upstream's mount namespace: the aardvark-dns it starts forwards there
        run(h.enter(with_fake_resolv([NETAVARK, "--config", str(cfg), "--aardvark-binary", AARDVARK,
                                      "--file", str(opts), "setup", f"/run/netns/{ns}"])), timeout=60)
        ctrs[f"c{i}"] = (ip, f"/run/netns/{ns}")
    pid = int((cfg / "aardvark-dns" / "aardvark.pid").read_text().strip())
    cleanups.append(lambda: kill_pid(pid, str(cfg)))
    ns = ctrs["c1"][1]
    r = client(ns, ["probe", "10.127.0.1", "c2", ctrs["c2"][0], "10"])
    if not r["ok"]:
        raise RuntimeError(f"aardvark-dns under netavark does not answer: {r['why']}")
    return measure("netavark", ns, "10.127.0.1", "c2", ctrs["c2"][0], a, pid=pid)


def ceiling(a):
    """The client ceiling: ceiling.c (a responder that costs almost nothing per query) on the
    gateway of a fake host arranged as aardvark-dns's, asked by the same clients from c1."""
    h, ctrs = bridged("ceil", "10.126", a.n)
    exe = WORK / "ceiling"
    run(["cc", "-O2", "-Wall", "-Wextra", "-o", exe, Path(__file__).resolve().parent / "ceiling.c"])
    p = spawn(h.enter([exe, "10.126.0.1", "53", ctrs["c2"][0]]), "ceiling")  # nsenter execs it
    ns = ctrs["c1"][1]
    r = client(ns, ["probe", "10.126.0.1", "c2", ctrs["c2"][0], "10"])
    if not r["ok"]:
        raise RuntimeError(f"the ceiling responder does not answer: {r['why']}")
    return measure("ceiling", ns, "10.126.0.1", "c2", ctrs["c2"][0], a, kinds=("local",), pid=p.pid)


def dockerd(a):
    h = FakeHost("docker")
    # its own mount namespace, where /etc/resolv.conf names only the fake upstream; --dns says
    # the same to its containers. Stopped, with what it leaves, by the cleanups (dockerd_ns).
    d = dockerd_ns.start(h, WORK / "docker", log=WORK / "dockerd.log", args=[f"--dns={UPSTREAM_IP}"],
                         mount_ns=with_fake_resolv)
    api = d.api
    image = d.import_busybox("lnwdns-busybox")
    api("POST", "/networks/create", {"Name": "dnsbench", "Driver": "bridge", "CheckDuplicate": True,
                                     "IPAM": {"Config": [{"Subnet": "10.125.0.0/16"}]}})
    ids = []
    cleanups.append(lambda: [api("DELETE", f"/containers/{c}?force=true") for c in ids])
    ctrs = {}
    for i in range(1, a.n + 1):
        cid = api("POST", f"/containers/create?name=c{i}",
                  {"Image": image, "Cmd": ["sleep", "1000000"],
                   "HostConfig": {"NetworkMode": "dnsbench"}})["Id"]
        ids.append(cid)
        api("POST", f"/containers/{cid}/start")
        j = api("GET", f"/containers/{cid}/json")
        ctrs[f"c{i}"] = (j["NetworkSettings"]["Networks"]["dnsbench"]["IPAddress"], f"/proc/{j['State']['Pid']}/ns/net")
    ns = ctrs["c1"][1]
    r = client(ns, ["probe", "127.0.0.11", "c2", ctrs["c2"][0], "10"])
    if not r["ok"]:
        raise RuntimeError(f"dockerd's resolver does not answer: {r['why']}")
    # the resolver runs in dockerd itself (nsenter, unshare and sh exec it: the PID spawned)
    pid = d.proc.pid if cmdline(d.proc.pid).startswith(b"dockerd\0") else None
    return measure("dockerd", ns, "127.0.0.11", "c2", ctrs["c2"][0], a, pid=pid)


# ---- report ----------------------------------------------------------------------------

LABEL = {"lnw4j": "libnetwork4j (embedded)", "aardvark": "aardvark-dns", "dockerd": "dockerd (127.0.0.11)",
         "netavark": "aardvark-dns, set up by netavark", "upstream": "fake upstream asked directly",
         "ceiling": "client ceiling (ceiling.c)"}
KEYS = ("lnw4j", "aardvark", "netavark", "dockerd", "upstream", "ceiling")


def cell(r):
    """p50, p99 columns for one latency result."""
    if r is None:
        return "-", "-", ""
    if "no_answer" in r:
        return "no answer", f"({r['no_answer']})", ""
    lat = r["lat"]
    if not lat:
        return "no answer", "", ""
    fails = sum(r["fails"].values())
    note = f"{fails} of {len(lat) + fails} failed: {r['fails']}" if fails else ""
    return f"{pct(lat, 0.5):.0f}", f"{pct(lat, 0.99):.0f}", note


def machine():
    # not lab/harness.py's line (cores and CPUs from lscpu) but nproc, the CPUs this run may use:
    # the text the dns results written so far have
    model = harness_common.lscpu().get("Model name", "?")
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{platform.node()}: {model}, nproc {nproc}, kernel {platform.release()}"


def versions():
    return [harness_common.debian_packages("aardvark-dns", "netavark", "docker.io", "containerd", "runc",
                                           "dnsmasq-base", "dnsperf", "iptables", "busybox-static"),
            harness_common.java_version(),
            harness_common.libnetwork4j_version()
            + (f", run from {A.lnw_from}" if getattr(A, "lnw_from", None) else "")]


def report(results, errors, a, stamp):
    o = io.StringIO()
    print(f"# DNS resolvers side by side - {stamp:%Y-%m-%d %H:%M} UTC", file=o)
    end = os.getloadavg()
    print(f"# {machine()}; 1-min load average {a.load[0]:.2f} at start, {end[0]:.2f} at end (this run alone"
          f" keeps about 1-2 busy; more means something else competed)", file=o)
    for v in versions():
        print(f"# {v}", file=o)
    print(f"# latency: {a.queries} sequential A queries per name after {a.warmup} unmeasured (and, before both,"
          f" {a.warm_seconds} s of dnsperf load on the container name), from a python client with one connected UDP"
          f" socket in container c1's namespace; send to matching reply, in us, the client's own cost included"
          f" (the same for every row)", file=o)
    print(f"# local: container name c2 (A); fwd: {FWD_NAME}, known only to the fake upstream (dnsmasq on"
          f" {UPSTREAM_IP} in the same fake host)", file=o)
    print(f"# qps: {dnsperf_text(a.seconds)}", file=o)
    print("# cpu/q: CPU time (user and system, all threads) the resolver's process spent per query answered"
          " during dnsperf, in us (dockerd's: the whole daemon), and in brackets the user part (the rest is the"
          " kernel's, mostly sending the answer on to the client); client cpu/q: dnsperf's own", file=o)
    fmt = "{:<30} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>12} {:>14}"
    print(fmt.format("resolver", "local p50", "local p99", "fwd p50", "fwd p99", "qps", "lost", "cpu/q",
                     "client cpu/q"), file=o)
    notes = []
    for key in KEYS:
        if key in errors:
            print(fmt.format(LABEL[key], "failed", "", "", "", "", "", "", ""), file=o)
            notes.append(f"{LABEL[key]}: {errors[key]}")
            continue
        r = results.get(key)
        if r is None:
            continue
        l50, l99, ln = cell(r.get("local"))
        f50, f99, fn = cell(r.get("fwd"))
        d = r.get("dnsperf")
        qps = f"{d['qps']:.0f}" if d and "qps" in d else "-"
        lost = d.get("lost", "-").split()[0] if d else "-"
        if key == "upstream":
            l50 = l99 = "-"
        cpu = f"{d['cpu_us']:.1f} ({d['user_us']:.1f})" if d and "cpu_us" in d else "-"
        ccpu = f"{d['client_cpu_us']:.1f}" if d and "client_cpu_us" in d else "-"
        print(fmt.format(LABEL[key], l50, l99, f50, f99, qps, lost, cpu, ccpu), file=o)
        for n, kind in ((ln, "local"), (fn, "fwd")):
            if n:
                notes.append(f"{LABEL[key]} {kind}: {n}")
        if d and "qps" not in d:
            notes.append(f"{LABEL[key]} dnsperf: {d['raw'].strip()[-300:]}")
    asked = [f"{LABEL[k]} {results[k]['server']}" for k in KEYS
             if k in results]
    if asked:
        notes.append("asked: " + ", ".join(asked))
    if "upstream" in results:
        notes.append("fake upstream row: dnsmasq asked for the forwarded name directly from a container, the"
                     " floor under every resolver's fwd column; its qps is dnsperf on that name")
    if "ceiling" in results:
        notes.append("client ceiling row: benchmarks/dns/ceiling.c, one thread answering every query with a"
                     " fixed A record (recvmmsg/sendmmsg, 64 at a time), in a fake host arranged as aardvark-dns's:"
                     " what this client can show at all on this machine; no resolver can be shown faster")
    j = results.get("lnw4j", {}).get("join")
    if j is not None:
        ok = [x["us"] for x in j if x.get("us") is not None]
        first = [x["first_us"] for x in j if "first_us" in x]
        bad = [x for x in j if x.get("us") is None and "name" in x]
        errs = [x["error"] for x in j if "error" in x]
        line = f"# libnetwork4j, join's return to the name answering (from sandbox c1), {len(j)} joins: "
        if ok:
            one = sum(1 for x in j if x.get("queries") == 1 and x.get("us") is not None)
            line += (f"p50 {pct(ok, 0.5):.0f} us, p99 {pct(ok, 0.99):.0f} us, max {max(ok):.0f} us; resolved at the"
                     f" first query {one} times; the first query left {pct(first, 0.5):.0f} us (p50; max"
                     f" {max(first):.0f}) after join returned (the harness relays the news), so the floor is that"
                     f" plus one query")
        else:
            line += "never resolved"
        if bad:
            line += f"; {len(bad)} not resolved within {a.join_limit} s (last: {bad[-1].get('why')})"
        if errs:
            line += f"; {len(errs)} joins failed (first: {errs[0]})"
        print(line, file=o)
    elif "lnw4j" in results and a.join_count:
        why = results["lnw4j"].get("join_error", "the resolver gave no answer")
        print(f"# libnetwork4j join-to-resolve: not measured ({why})", file=o)
    for n in notes:
        print(f"# note: {n}", file=o)
    return o.getvalue()


def want(a, key):
    return key in a.only


LOG = sys.stderr
A = None  # the options, for the report


def main():
    global WORK, PREFIX, LOG
    if len(sys.argv) > 1 and sys.argv[1] == "client":
        return client_main(sys.argv[2:])
    if len(sys.argv) > 1 and sys.argv[1] == "sweep":
        return harness_common.sweep_command(SWEEP_FIRST)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=int, default=10, help="dnsperf duration per resolver (-l)")
    p.add_argument("--queries", type=int, default=2000, help="timed sequential queries per name")
    # 10,000: the forwarded name's path is compiled by the JIT only after some thousands of
    # forwards (the container name's is, by the dnsperf warm-up); with 1,000 the JVM's forwarded
    # p99 was 0.9-1.8 ms against 0.29 ms at 10,000, the C2 compiler working beside the loop
    # while the queries were timed. A long-running resolver is past that: both are measured so.
    p.add_argument("--warmup", type=int, default=10000, help="untimed sequential queries per name before them")
    p.add_argument("--warm-seconds", type=int, default=2, help="dnsperf load before the latency runs (JIT warm-up)")
    p.add_argument("--timeout", type=float, default=1.0, help="seconds to wait for one reply")
    p.add_argument("--budget", type=float, default=120, help="seconds at most for one latency run")
    p.add_argument("--n", type=int, default=3, help="containers per resolver (c1 asks, c2 is asked for)")
    p.add_argument("--join-count", type=int, default=200, help="libnetwork4j joins timed to resolution (0: none)")
    p.add_argument("--join-limit", type=float, default=1.0, help="seconds after a join to give up on its name")
    p.add_argument("--lnw-server", help="address to ask in libnetwork4j's sandboxes (default: the gateway)")
    p.add_argument("--lnw-build", choices=("auto", "jar", "classes"), default="auto",
                   help="libnetwork4j from java/target's jar, or java/target/classes ahead of it (auto: the newer)")
    p.add_argument("--lnw-jar", help="libnetwork4j from this jar instead (a baseline build kept aside)")
    p.add_argument("--java-opts", default="", help="more options for libnetwork4j's JVM (a JFR recording, say)")
    p.add_argument("--setup-timeout", type=float, default=180, help="seconds for DnsServe to be ready")
    p.add_argument("--only", default=",".join(KEYS))
    p.add_argument("--dnsperf", default=DNSPERF_DEFAULT,
                   help="dnsperf's load options for every row (-t 1 and -l SECONDS are added)")
    p.add_argument("--work", help="working directory (run-dns.sh makes one; default: a new one in /dev/shm)")
    p.add_argument("--prefix", default=f"lnwdns-{os.getpid()}", help="prefix of the namespaces made")
    p.add_argument("--out", default=str(REPO / "benchmarks/results"))
    a = p.parse_args()
    global A
    A = a
    a.only = set(a.only.split(","))
    DNSPERF_ARGS[:] = a.dnsperf.split() + ["-t", "1"]
    if a.n < 2:
        sys.exit("--n: at least 2 (c1 asks for c2)")
    if os.geteuid() != 0:
        sys.exit("run as root: the harness makes network namespaces")
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, lambda *_: sys.exit(1))
    PREFIX = a.prefix
    WORK = harness_common.work_dir(a.work, "lnwdns-")
    # registered first, so it runs after at_exit: the work directory goes last, whoever made it
    atexit.register(lambda: (umount_under(WORK), shutil.rmtree(WORK, ignore_errors=True)))
    atexit.register(at_exit)  # runs before the removal of WORK (atexit is last in, first out)
    LOG = open(WORK / "harness.log", "w")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc)
    a.load = os.getloadavg()
    results, errors = {}, {}
    steps = [("lnw4j", lnw4j), ("aardvark", aardvark), ("netavark", netavark), ("dockerd", dockerd),
             ("ceiling", ceiling)]
    for key, fn in steps:
        if not want(a, key) and not (key == "aardvark" and want(a, "upstream")):
            continue
        print(f"{key}...", file=sys.stderr, flush=True)
        t0 = time.time()
        try:
            r = fn(a)
            if key == "aardvark":
                results.update(r)
            else:
                results[key] = r
        except Exception as e:
            errors[key] = f"{type(e).__name__}: {e}"
            print(f"{key}: failed: {errors[key]}", file=sys.stderr)
            for log in sorted(WORK.glob("*.log")):  # the work directory goes at exit: show the tails now
                tail = log.read_text(errors="replace").splitlines()[-15:]
                if tail and log.name != "harness.log":
                    print(f"--- {log.name} (last lines)\n" + "\n".join(tail), file=sys.stderr)
        finally:
            at_exit()  # each resolver leaves nothing for the next
        print(f"{key}: {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    harness_common.write_results(out, "dns", stamp, report(results, errors, a, stamp), rows)


if __name__ == "__main__":
    main()
