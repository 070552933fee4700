#!/usr/bin/env python3
"""Where an lnw-cni call's time goes, through a warm `lnw daemon`, each piece timed as
harness.py times a plugin call (a process from Python inside the fake host, as a runtime in the
host execs its plugins):

  true                the floor: any plugin a runtime execs pays it
  nsenter true        the floor as harnesses before 2026-12-05 paid it (through nsenter)
  lnw-cni VERSION     the plugin process and one round trip to the daemon, no work
  ADD, DEL            one container's attachment and its removal

N rounds, one container each (its namespace made untimed); medians over the last --last
rounds, after the daemon has run the earlier ones (the JIT's warm-up, as a long-running daemon
has it; harness.py times a freshly started one). Everything runs in throwaway namespaces
(prefix lnwq<PID>) that are removed at exit, also on failure; the daemon is stopped by its PID.

  python3 benchmarks/peers/cni_pieces.py [--root CHECKOUT] [--n 400] [--last 100] [--out DIR]
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# harness_common's netns (benchmarks/ on sys.path, as harness.py puts it; no bytecode cache)
sys.path.insert(1, str(REPO / "benchmarks"))
sys.dont_write_bytecode = True
from harness_common import netns  # noqa: E402


def commit_of(root):
    """The checkout's HEAD, short; "?" if it is not a git checkout."""
    return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip() or "?"


def write_result(out, name, lines):
    """Prints the result's lines and writes them to OUT/NAME."""
    text = "\n".join(lines) + "\n"
    print(text, end="")
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / name).write_text(text)


def clean_up(daemons, namespaces, work):
    """Stops the daemons this run started (SIGTERM, then SIGKILL after 30 s), then deletes the
    namespaces it made, last first, and its work directory: also after a failure."""
    for d in daemons:
        if d.poll() is None:
            d.send_signal(signal.SIGTERM)
            try:
                d.wait(30)
            except subprocess.TimeoutExpired:
                d.kill()
                d.wait()
    for ns in reversed(namespaces):
        subprocess.run(["ip", "netns", "del", ns])
    shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", default=str(REPO), help="the checkout whose lnw-cni and lnw daemon are timed")
    p.add_argument("--n", type=int, default=400)
    p.add_argument("--last", type=int, default=100)
    p.add_argument("--out", default=str(REPO / "benchmarks/results"))
    p.add_argument("--label", help="what the report calls the checkout (default: its commit)")
    a = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: this makes network namespaces")
    root = Path(a.root)
    prefix = f"lnwq{os.getpid()}"
    host = prefix + "h"
    work = Path(tempfile.mkdtemp(prefix="lnwq-", dir="/dev/shm"))
    state, rundir = work / "state", work / "run"
    state.mkdir()
    rundir.mkdir()
    made = []
    daemon = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    load_before = open("/proc/loadavg").read().split()[:3]
    try:
        subprocess.run(["ip", "netns", "add", host], check=True)
        made.append(host)
        subprocess.run(["ip", "-n", host, "link", "set", "lo", "up"], check=True)
        env = dict(os.environ, LNW_STATE_DIR=str(state), LNW_RUN_DIR=str(rundir))
        enter = ["nsenter", f"--net=/run/netns/{host}"]
        daemon = subprocess.Popen(enter + [str(root / "lnw"), "daemon"], env=env, stdin=subprocess.DEVNULL,
                                  stdout=open(work / "daemon.log", "w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not (state / "lnw.sock").exists():
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("lnw daemon did not start: " + (work / "daemon.log").read_text()[-2000:])
            time.sleep(0.05)

        def timed(cmd, stdin, e):
            t0 = time.perf_counter_ns()
            r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=e)
            ms = (time.perf_counter_ns() - t0) / 1e6
            if r.returncode != 0:
                raise RuntimeError(f"{cmd}: exit {r.returncode}: {r.stdout} {r.stderr}")
            return ms, r.stdout

        conf = {"cniVersion": "1.1.0", "name": "lnwcni", "type": "libnetwork4j", "network": "lnwcni",
                "subnet": "10.205.0.0/16"}
        plugin = [str(root / "lnw-cni")]
        pieces = {k: [] for k in ("true", "nsenter true", "lnw-cni VERSION", "ADD", "DEL")}
        for i in range(a.n):
            c = f"{prefix}c{i}"
            subprocess.run(["ip", "netns", "add", c], check=True)
            made.append(c)
            pieces["nsenter true"].append(timed(enter + ["/bin/true"], "", env)[0])
            with netns(f"/run/netns/{host}"):  # entered untimed: the runtime lives in the host
                pieces["true"].append(timed(["/bin/true"], "", env)[0])
                pieces["lnw-cni VERSION"].append(timed(plugin, "{}", dict(env, CNI_COMMAND="VERSION"))[0])
                e = dict(env, CNI_COMMAND="ADD", CNI_CONTAINERID=f"{prefix}{i}", CNI_NETNS=f"/run/netns/{c}",
                         CNI_IFNAME="eth0", CNI_PATH="/usr/lib/cni")
                ms, out = timed(plugin, json.dumps(conf), e)
                pieces["ADD"].append(ms)
                pieces["DEL"].append(timed(plugin, json.dumps(dict(conf, prevResult=json.loads(out))),
                                           dict(e, CNI_COMMAND="DEL"))[0])
            subprocess.run(["ip", "netns", "del", c], check=True)
            made.remove(c)
    finally:
        clean_up([daemon] if daemon is not None else [], made, work)
    load_after = open("/proc/loadavg").read().split()[:3]
    commit = a.label or commit_of(root)
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = [f"# lnw-cni's pieces through a warm lnw daemon - {stamp}",
             f"# {os.uname().nodename}, {os.cpu_count()} cores, kernel {os.uname().release}; checkout {root}"
             f" at {commit}; load average before {' '.join(load_before)}, after {' '.join(load_after)}",
             f"# N={a.n} rounds; medians (p90) of the last {a.last}, ms"]
    for k, v in pieces.items():
        v = sorted(v[-a.last:])
        lines.append(f"{k:16s} {statistics.median(v):7.2f} ({v[int(len(v) * 0.9) - 1]:.2f})")
    write_result(a.out, f"cni-pieces-{stamp}.txt", lines)


if __name__ == "__main__":
    main()
