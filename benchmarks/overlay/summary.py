"""run-overlay.sh's report: python3 summary.py RAW LOAD_AT_START ROUNDS (benchmarks/ on PYTHONPATH).

Reads the raw lines of OverlayRun ("op ...", "note ...") and of docker_overlay.py ("docker ...",
"docker-note ..."), prints the machine, the date, the load, the versions, medians and p90
(nearest rank) of each measure, the ratios, and every raw line.
"""
import datetime
import platform
import re
import statistics
import subprocess
import sys

from harness_common import debian_packages, java_version, libnetwork4j_version, lscpu, pct


def kv(line):
    return dict(f.split("=", 1) for f in line.split() if "=" in f)


def first_line(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except Exception as e:
        return f"{cmd[0]}: {e}"


def main():
    path, load0, rounds = sys.argv[1], sys.argv[2], sys.argv[3]
    lines = [l.rstrip("\n") for l in open(path)]
    cpu = lscpu()
    print(f"# Overlay networks across hosts (issue 15) - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC")
    print(f"# {platform.node()}: {cpu.get('Model name', '?')}, {cpu.get('CPU(s)', '?')} CPUs, kernel {platform.release()}")
    print(f"# load average (1/5/15 min) at start {load0}, at end {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"# {first_line(['/usr/bin/etcd', '--version'])}; {java_version()}")
    print(f"# {debian_packages('etcd-server', 'docker.io', 'containerd', 'runc')}")
    print(f"# {libnetwork4j_version()}")
    print("# ms; median and p90 (nearest rank) over the rounds; all hosts are namespaces of this one machine")

    def stats(v):
        return f"{statistics.median(v):9.3f} {pct(v, 0.9):9.3f} {len(v):5d}" if v else f"{'-':>9} {'-':>9} {0:5d}"

    fmt = "{:<62} {}"
    print(fmt.format("measure", f"{'median':>9} {'p90':>9} {'N':>5}"))
    att = {k: [float(kv(l)["ms"]) for l in lines if l.startswith("op attach ") and kv(l)["kind"] == k]
           for k in ("overlay", "bridge")}
    print("## 1. attach (createEndpoint + join of a new sandbox) on host A, interleaved")
    print(fmt.format("overlay (address in etcd, peer published)", stats(att["overlay"])))
    print(fmt.format("local bridge", stats(att["bridge"])))
    for k in ("overlay", "bridge"):
        rows = [kv(l) for l in lines if l.startswith("op attach ") and kv(l)["kind"] == k and "join_ms" in kv(l)]
        if rows:
            print(fmt.format(f"  {k}: createEndpoint", stats([float(r["create_ms"]) for r in rows])))
            print(fmt.format(f"  {k}: join", stats([float(r["join_ms"]) for r in rows])))
    if att["overlay"] and att["bridge"]:
        mo, mb = statistics.median(att["overlay"]), statistics.median(att["bridge"])
        po, pb = pct(att["overlay"], 0.9), pct(att["bridge"], 0.9)
        print(f"# ratio overlay / bridge: median {mo / mb:.2f}x, p90 {po / pb:.2f}x (goal: within 3x)")

    print("## 2. attach on host A until the first echo answered by a container on host B")
    for variant in ("warm", "cold"):
        rows = [kv(l) for l in lines if l.startswith("op first-reply ") and kv(l)["variant"] == variant]
        ok = [r for r in rows if "reply_ms" in r]
        label = "A known to B (another container of A's on ov1)" if variant == "warm" else "A's only container on ov1"
        print(fmt.format(f"{variant}: attach returned", stats([float(r["attach_ms"]) for r in rows])))
        print(fmt.format(f"{variant}: first echo sent (address and route in place)",
                         stats([float(r["first_send_ms"]) for r in ok])))
        print(fmt.format(f"{variant}: first echo answered ({label})", stats([float(r["reply_ms"]) for r in ok])))
        slow = sum(1 for r in ok if float(r["reply_ms"]) > 500)
        print(f"# {variant}: {len(rows) - len(ok)} of {len(rows)} rounds without an answer within 5 s;"
              f" {slow} answered after more than 500 ms")

    print("## 3. a new host D joins a network with 300 endpoints on hosts B and C")
    nh = [kv(l) for l in lines if l.startswith("op new-host ")]
    for key, label in (("open_ms", "controller opened (etcd connected, lease)"),
                       ("network_ms", "then the network seen (from etcd)"),
                       ("sandbox_ms", "then a sandbox made"),
                       ("join_ms", "then the first join (makes the overlay namespace)"),
                       ("ns_from_join_ms", "overlay namespace there, from the join's start"),
                       ("full_from_join_ms", "all 300 neighbours there, from the join's start"),
                       ("full_from_open_ms", "all 300 neighbours there, from the controller's open")):
        print(fmt.format(label, stats([float(r[key]) for r in nh])))

    print("## 4. dockerd 20.10, its own overlay with --cluster-store etcd:// (etcd 3.4 --enable-v2)")
    dk = {}
    timeouts = 0
    for l in lines:
        if l.startswith("docker round="):
            f = l.split()
            if f[-1] == "timeout":
                timeouts += 1
            else:
                dk.setdefault(f[2], []).append(float(kv(l)["ms"]))
    if dk:
        print(fmt.format("POST /networks/ID/connect, internal overlay", stats(dk.get("connect-overlay", []))))
        print(fmt.format("POST /networks/ID/connect, local bridge", stats(dk.get("connect-bridge", []))))
        print(fmt.format("overlay connect's start to the first ping answered from h2", stats(dk.get("first-reply", []))))
        if dk.get("connect-overlay") and dk.get("connect-bridge"):
            print(f"# dockerd ratio overlay / bridge: median"
                  f" {statistics.median(dk['connect-overlay']) / statistics.median(dk['connect-bridge']):.2f}x;"
                  f" {timeouts} pings without an answer within 5 s")
        if dk.get("connect-overlay") and att["overlay"]:
            print(f"# dockerd overlay connect / libnetwork4j overlay attach (medians):"
                  f" {statistics.median(dk['connect-overlay']) / statistics.median(att['overlay']):.1f}x")
    else:
        print("# no figures: see the docker-note lines below for why")
    for l in lines:
        if l.startswith("note ") or l.startswith("docker-note "):
            print("# " + l)
    print("# raw")
    for l in lines:
        if l.startswith("op ") or l.startswith("docker round="):
            print("# " + l)


if __name__ == "__main__":
    main()
