#!/usr/bin/env python3
"""lnw-cni from two checkouts (A and B: before and after a change) and the CNI bridge plugin,
interleaved call by call in one run, each with its own fake host (and, for lnw-cni, its own
`lnw daemon`), timed as harness.py times a plugin call (a process from Python inside the fake
host, as a runtime in the host execs its plugins). On a machine that is busy with other work, runs apart compare different loads;
here each round's calls follow each other within milliseconds (the order rotates), so the
medians and the per-round differences see the same load.

Reported for the first --first rounds (a fresh daemon: harness.py's view, whose daemon has not
yet compiled its paths) and for the rounds after them (warm), ms: median (p90) of ADD and DEL
per system, the median of B - A per round, and the bridge plugin's median over each lnw-cni's.
Everything runs in throwaway namespaces (prefix lnwab<PID>), removed at exit, also on failure;
the daemons are stopped by their PIDs.

  python3 benchmarks/peers/cni_ab.py --a /tmp/base --b . [--n 300] [--first 100] [--out DIR]
"""
import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cni_pieces import clean_up, commit_of, write_result  # this directory: run as a script, it is first on the path
from harness_common import netns as inside  # noqa: E402 (cni_pieces put benchmarks/ on the path)

REPO = Path(__file__).resolve().parents[2]
CNI = Path("/usr/lib/cni")


def p90(v):
    v = sorted(v)
    return v[max(0, -(-len(v) * 9 // 10) - 1)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a", required=True, help="checkout A (built)")
    p.add_argument("--b", default=str(REPO), help="checkout B (built)")
    p.add_argument("--label-a", help="what the report calls A (default: its commit)")
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--first", type=int, default=100)
    p.add_argument("--out", default=str(REPO / "benchmarks/results"))
    a = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: this makes network namespaces")
    prefix = f"lnwab{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="lnwab-", dir="/dev/shm"))
    made, daemons = [], []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    load_before = open("/proc/loadavg").read().split()[:3]
    times = {}

    def netns(name):
        subprocess.run(["ip", "netns", "add", name], check=True)
        made.append(name)
        return name

    def timed(key, cmd, stdin, env):
        t0 = time.perf_counter_ns()
        r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env)
        ms = (time.perf_counter_ns() - t0) / 1e6
        if r.returncode != 0:
            raise RuntimeError(f"{key}: exit {r.returncode}: {r.stdout} {r.stderr}")
        times.setdefault(key, []).append(ms)
        return r.stdout

    try:
        systems = []
        for tag, root in (("A", Path(a.a)), ("B", Path(a.b))):
            host = netns(f"{prefix}{tag}")
            subprocess.run(["ip", "-n", host, "link", "set", "lo", "up"], check=True)
            state, rundir = work / tag / "state", work / tag / "run"
            state.mkdir(parents=True)
            rundir.mkdir()
            env = dict(os.environ, LNW_STATE_DIR=str(state), LNW_RUN_DIR=str(rundir))
            enter = ["nsenter", f"--net=/run/netns/{host}"]
            d = subprocess.Popen(enter + [str(root / "lnw"), "daemon"], env=env, stdin=subprocess.DEVNULL,
                                 stdout=open(work / f"daemon-{tag}.log", "w"), stderr=subprocess.STDOUT)
            daemons.append((d, rundir))
            deadline = time.monotonic() + 120
            while not (state / "lnw.sock").exists():
                if d.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"lnw daemon {tag}: " + (work / f"daemon-{tag}.log").read_text()[-2000:])
                time.sleep(0.05)
            conf = {"cniVersion": "1.1.0", "name": "lnwcni", "type": "libnetwork4j", "network": "lnwcni",
                    "subnet": "10.205.0.0/16"}
            systems.append((f"lnw-cni {tag}", [str(root / "lnw-cni")], conf, env, f"/run/netns/{host}"))
        host = netns(f"{prefix}br")
        subprocess.run(["ip", "-n", host, "link", "set", "lo", "up"], check=True)
        conf = {"cniVersion": "1.0.0", "name": f"{prefix}-net", "type": "bridge", "bridge": "cni0", "isGateway": True,
                "ipMasq": False, "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.203.0.0/16",
                                                                             "gateway": "10.203.0.1"}]],
                                          "routes": [{"dst": "0.0.0.0/0"}], "dataDir": str(work / "host-local")}}
        systems.append(("bridge", [str(CNI / "bridge")], conf, dict(os.environ, CNI_PATH=str(CNI)),
                        f"/run/netns/{host}"))
        # once, untimed: each makes its network (bridge) here, not in a timed call
        c = netns(f"{prefix}c")
        for key, cmd, conf, env, host_ns in systems:
            e = dict(env, CNI_COMMAND="ADD", CNI_CONTAINERID=f"{prefix}x", CNI_NETNS=f"/run/netns/{c}",
                     CNI_IFNAME="eth0")
            with inside(host_ns):
                prev = json.loads(timed("setup", cmd, json.dumps(conf), e))
                timed("setup", cmd, json.dumps(dict(conf, prevResult=prev)), dict(e, CNI_COMMAND="DEL"))
        for i in range(a.n):
            cs = [netns(f"{prefix}c{i}{k}") for k in range(len(systems))]
            order = list(range(len(systems)))
            order = order[i % len(order):] + order[:i % len(order)]  # who goes first rotates
            prevs = {}
            for verb in ("ADD", "DEL"):
                for k in order:
                    key, cmd, conf, env, host_ns = systems[k]
                    e = dict(env, CNI_COMMAND=verb, CNI_CONTAINERID=f"{prefix}{i}", CNI_NETNS=f"/run/netns/{cs[k]}",
                             CNI_IFNAME="eth0")
                    with inside(host_ns):  # entered untimed: the runtime lives in the host
                        if verb == "ADD":
                            prevs[k] = json.loads(timed((key, verb), cmd, json.dumps(conf), e))
                        else:
                            timed((key, verb), cmd, json.dumps(dict(conf, prevResult=prevs[k])), e)
            for ns in cs:
                subprocess.run(["ip", "netns", "del", ns], check=True)
                made.remove(ns)
    finally:
        clean_up([d for d, _ in daemons], made, work)
    load_after = open("/proc/loadavg").read().split()[:3]

    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = [f"# lnw-cni A/B beside the CNI bridge plugin, interleaved call by call - {stamp}",
             f"# {os.uname().nodename}, {os.cpu_count()} cores, kernel {os.uname().release}; A = {a.a} ({a.label_a or commit_of(a.a)}),"
             f" B = {a.b} ({commit_of(a.b)}); load average before {' '.join(load_before)}, after {' '.join(load_after)}",
             f"# N={a.n} rounds; ms, median (p90)"]
    for label, sl in ((f"rounds 1-{a.first} (fresh daemons)", slice(0, a.first)),
                      (f"rounds {a.first + 1}-{a.n} (warm)", slice(a.first, a.n))):
        lines.append(f"## {label}")
        for verb in ("ADD", "DEL"):
            va, vb, vr = (times[(k, verb)][sl] for k in ("lnw-cni A", "lnw-cni B", "bridge"))
            if not va:
                continue
            ma, mb, mr = statistics.median(va), statistics.median(vb), statistics.median(vr)
            diff = statistics.median([y - x for x, y in zip(va, vb)])
            lines.append(f"{verb}  A {ma:6.2f} ({p90(va):6.2f})  B {mb:6.2f} ({p90(vb):6.2f})  bridge {mr:6.2f}"
                         f" ({p90(vr):6.2f})  B-A per round {diff:+.2f}  B/A {mb / ma:.2f}"
                         f"  bridge/A {mr / ma:.2f}  bridge/B {mr / mb:.2f}")
    write_result(a.out, f"cni-ab-{stamp}.txt", lines)


if __name__ == "__main__":
    main()
