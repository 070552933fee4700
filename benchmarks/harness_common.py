"""What the side-by-side harnesses (dns/harness.py, lab/harness.py, peers/harness.py) share
beyond dockerd (that is dockerd_ns.py): running a command, timing and noting one operation,
the fake hosts (`ip netns` namespaces playing the host), the last-resort sweep run-dns.sh and
run-lab.sh call, and the pieces of the report's header (percentile, lscpu, versions).

Everything a harness makes is registered on dockerd_ns.cleanups, as there. The harnesses put
benchmarks/ on sys.path (and turn the bytecode cache off) before they import this module.

Standard library only: the harnesses run it with /usr/bin/python3.
"""
import argparse
import contextlib
import csv
import ctypes
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dockerd_ns
from dockerd_ns import cleanups, cmdline, wait_gone

REPO = Path(__file__).resolve().parents[1]


def run(cmd, stdin=None, check=True, timeout=120, env=None):
    """cmd (its items made strings), its output captured as text; a RuntimeError naming the
    command and what it said if it fails and check."""
    r = subprocess.run([str(c) for c in cmd], input=stdin, capture_output=True, text=True, timeout=timeout,
                       env=env)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: exit {r.returncode}: {r.stderr.strip() or r.stdout.strip()}")
    return r


# ---- timed operations ------------------------------------------------------------------

rows = []  # (system, phase, i, us): what record() notes, for the harness's CSV


def timed(fn):
    """(microseconds fn() took, what it returned)"""
    t0 = time.perf_counter_ns()
    out = fn()
    return (time.perf_counter_ns() - t0) / 1000, out


def record(system, phase, i, us):
    rows.append((system, phase, i, round(us, 1)))


def pct(v, p):
    """The nearest-rank percentile p (0.9 for p90) of v: the smallest value with at least p of
    them at or below it (whole percents, in integers: no float rounding in p * len(v))."""
    v = sorted(v)
    return v[max(0, min(len(v) - 1, -(-round(p * 100) * len(v) // 100) - 1))]


# ---- the machine and the versions, for the report's header ----------------------------

def lscpu():
    """lscpu's fields, {name: value}; the first where a name comes more than once."""
    out = {}
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        k, _, v = line.partition(":")
        out.setdefault(k.strip(), v.strip())
    return out


def machine():
    """"HOST: MODEL, N cores (M CPUs), kernel K", for a report's header."""
    cpu = lscpu()
    try:
        cores = int(cpu.get("Core(s) per socket", "0")) * int(cpu.get("Socket(s)", "0"))
    except ValueError:
        cores = 0
    return (f"{platform.node()}: {cpu.get('Model name', '?')}, {cores or '?'} cores"
            f" ({cpu.get('CPU(s)', '?')} CPUs), kernel {platform.release()}")


def debian_packages(*names):
    """"Debian packages: NAME VERSION, ..." for those of names that are installed."""
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *names], capture_output=True,
                       text=True)
    return "Debian packages: " + ", ".join(r.stdout.split("\n")[:-1])


def java_version():
    """The first line of `java -version` (or why there is none)."""
    try:
        r = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=20)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except Exception as e:
        return f"java: {e}"


def libnetwork4j_version():
    """"libnetwork4j COMMIT", and " with uncommitted changes" if tracked files are changed."""
    r = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return f"libnetwork4j {r.stdout.strip() or '?'}" + (" with uncommitted changes" if dirty else "")


# ---- fake hosts, mounts ----------------------------------------------------------------

class FakeHost:
    """An `ip netns` namespace named name playing the host: loopback up, no link anywhere (what
    a harness adds stays inside), removed at exit (on dockerd_ns.cleanups)."""

    def __init__(self, name):
        self.name = name
        run(["ip", "netns", "add", self.name])
        cleanups.append(lambda: run(["ip", "netns", "del", self.name], check=False))
        self.path = f"/run/netns/{self.name}"
        self.ip("link set lo up")

    def ip(self, args):
        """`ip -n NAME args` (args split at spaces)."""
        run(["ip", "-n", self.name] + args.split())

    def enter(self, cmd):
        """cmd run in this namespace."""
        return ["nsenter", f"--net={self.path}"] + list(cmd)

    def inside(self):
        """This thread in the namespace for a with block (see netns)."""
        return netns(self.path)

    def exec_plugin(self, cmd, stdin=None, env=None):
        """cmd exec'd as a runtime execs a CNI plugin or netavark: from a process already in the
        host's namespace, directly. (Through nsenter, as the harnesses did before, every call
        paid a second exec and nsenter's own start, ~1.7 ms here, that no runtime pays;
        --plugins-via-nsenter brings that back, for comparison with older results.)"""
        if PLUGINS_VIA_NSENTER:
            return run(self.enter(cmd), stdin=stdin, env=env)
        with self.inside():
            return run(cmd, stdin=stdin, env=env)


CLONE_NEWNET = 0x40000000
_LIBC = ctypes.CDLL(None, use_errno=True)
_netns_stack = []  # the namespaces this (single-threaded) harness is inside, innermost last
PLUGINS_VIA_NSENTER = False  # FakeHost.exec_plugin's old way, when a harness's flag asks for it


@contextlib.contextmanager
def netns(path):
    """The calling thread in the network namespace at path for the with block, and back in its
    own after it (also on failure); a block inside another of the same namespace changes
    nothing. What the block starts is born there, as a runtime's plugins are born in the host's
    namespace."""
    if _netns_stack and _netns_stack[-1] == path:
        yield
        return
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    # SIGINT and SIGTERM (which the harnesses turn into exits and clean-ups) wait while the
    # thread changes namespace: none may run half-way, inside the fake host unbeknown
    stop = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, stop)
        try:
            _setns(path)
            _netns_stack.append(path)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        try:
            yield
        finally:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, stop)
            _netns_stack.pop()
            if _LIBC.setns(own, CLONE_NEWNET) != 0:
                # never go on in the fake host: what follows would act on the wrong namespace
                # (the namespaces and processes left are for run-*.sh's sweep)
                os.write(2, b"harness: cannot return to its own network namespace; exiting\n")
                os._exit(70)
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    finally:
        os.close(own)


def _setns(path):
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _LIBC.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns into {path}: {os.strerror(err)}")
    finally:
        os.close(fd)


def mounts_under(root):
    """The mount points below root, the deepest first."""
    out = []
    for line in open("/proc/self/mountinfo"):
        mp = line.split()[4].encode().decode("unicode_escape")
        if mp.startswith(str(root) + "/"):
            out.append(mp)
    return sorted(out, key=len, reverse=True)


def umount_under(root):
    for mp in mounts_under(root):
        run(["umount", "-l", mp], check=False)


def work_dir(path, prefix):
    """The work directory: path if given (run-*.sh makes one; made here if need be), else a new
    one in /dev/shm whose name starts with prefix."""
    if path:
        work = Path(path)
        work.mkdir(parents=True, exist_ok=True)
        return work
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/dev/shm"))


def write_results(out, kind, stamp, text, rows):
    """Prints the report text and writes it to out/KIND-STAMP.txt, rows to out/KIND-STAMP.csv."""
    print(text, end="")
    base = out / f"{kind}-{stamp:%Y%m%dT%H%M%SZ}"
    Path(f"{base}.txt").write_text(text)
    with open(f"{base}.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows)
    print(f"written: {base}.txt, {base}.csv", file=sys.stderr)


# ---- signals and the cleanup stack --------------------------------------------------------

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Signals:
    """SIGINT/SIGTERM/SIGHUP end the harness (sys.exit: the atexit cleanups run), except while
    cleanups run: then the signal is noted and the exit follows once they are done, so that a
    second Ctrl-C cannot cut the cleanup short."""
    cleaning = False
    pending = False

    @classmethod
    def handler(cls, *_):
        if cls.cleaning:
            cls.pending = True
            return
        sys.exit(130)

    @classmethod
    def install(cls):
        for s in SIGNALS:
            signal.signal(s, cls.handler)


def cleanup_now(exit_after=True):
    """Runs the cleanup stack (last in, first out) with signals held off."""
    Signals.cleaning = True
    try:
        dockerd_ns.at_exit()
    finally:
        Signals.cleaning = False
    if exit_after and Signals.pending:
        sys.exit(130)


def final(work):
    """At exit, whatever the way out: the cleanup stack, then the work directory, whoever made it;
    signals from here on are only noted (the harness is on its way out anyway)."""
    Signals.cleaning = True
    dockerd_ns.at_exit()
    umount_under(work)
    shutil.rmtree(work, ignore_errors=True)


# ---- the last-resort sweep -------------------------------------------------------------

def names_work(pid, work):
    """Whether a process's command line names the work directory (ours alone: a fresh mktemp name)."""
    args = cmdline(pid).split(b"\0")
    w = work.encode()
    return any(a == w or w + b"/" in a for a in args)


def signal_all(pids, sig, what=""):
    for pid in pids:
        try:
            os.kill(pid, sig)
            print(f"sweep: {sig.name} {what}pid {pid}", file=sys.stderr)
        except ProcessLookupError:
            pass


def sweep(work, prefix, first=()):
    """A run-*.sh's last resort, after its harness is gone (even killed): the processes whose
    command line names the work directory (a fresh mktemp name: ours alone), stopped in the
    order `first` says, then all that are left (SIGTERM, then SIGKILL); what dockerd left on
    the host (dockerd_ns.sweep of the work directory's docker/); mounts under the work directory;
    the namespaces named with our prefix; the directory.

    first: steps (what, match, grace, sig), in order: of the processes found, those whose command
    line match(cmdline) holds for get sig (None: none, they end by themselves) and up to grace s
    to no longer run it; what names them in the messages."""
    work = str(work).rstrip("/")
    me = {os.getpid(), os.getppid()}
    found = [int(d.name) for d in Path("/proc").iterdir()
             if d.name.isdigit() and int(d.name) not in me and names_work(d.name, work)]
    for what, match, grace, sig in first:
        pids = [p for p in found if match(cmdline(p))]
        if sig is not None:
            signal_all(pids, sig, what)
        for _ in range(int(grace * 20)):
            if not any(match(cmdline(p)) for p in pids):
                break
            time.sleep(0.05)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        found = [p for p in found if Path(f"/proc/{p}").exists()]
        if not found:
            break
        signal_all(found, sig)
        wait_gone(found, 5)
    dockerd_ns.sweep(Path(work) / "docker")
    umount_under(work)
    r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        if name.startswith(prefix + "-"):
            print(f"sweep: ip netns del {name}", file=sys.stderr)
            subprocess.run(["ip", "netns", "del", name])
    shutil.rmtree(work, ignore_errors=True)


def sweep_command(first=()):
    """`harness.py sweep --work W --prefix P`: sweep(W, P, first)."""
    p = argparse.ArgumentParser()
    p.add_argument("cmd")
    p.add_argument("--work", required=True)
    p.add_argument("--prefix", required=True)
    s = p.parse_args()
    return sweep(s.work, s.prefix, first)
