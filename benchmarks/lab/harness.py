#!/usr/bin/env python3
"""A network partition of one container, side by side in one run: the way it is done today
with Docker (dockerd 20.10: disconnect the container from its network, then connect it back)
and with libnetwork4j's lab faults.

  libnetwork4j  LabBench (benchmarks/src/.../bench/LabBench.java), run first and alone, before
                dockerd starts, so dockerd's CPU use does not disturb it: N rounds of apply and
                remove for each fault (lnw-partition, lnw-isolate, lnw-linkdown, lnw-loss,
                lnw-bandwidth, lnw-dnsfail) and the setup and teardown of a 3-host, 6-sandbox lab (lnw-lab).
                Skipped, with a warning, when its class is not built.
  dockerd-api   dockerd 20.10 in a fake host namespace (ip netns <prefix>-docker, no link to the
                machine's own network) in a mount namespace of its own (../dockerd_ns.py), a
                user-defined bridge network and two busybox containers on it; N rounds of
                POST /networks/{id}/disconnect of c1 (phase "partition") and POST
                /networks/{id}/connect (phase "heal") over the Engine API's unix socket, one
                connection per request, as a client library makes them.
  docker-cli    the same through the docker command line (docker.io's own /usr/bin/docker, the
                daemon's version), one process per command, as a user types it: min(N, 50) rounds.

Before the timed rounds, one unmeasured round checks that the disconnect is real: c1 has no
interface but lo in its namespace (the kernel's view) nor the network in the Engine API's
inspect, and c2 no longer reaches c1's address; after the connect, c1 has its interface back
and c2 reaches it.

  harness.py [--n N] [--n-cli M] [--work W] [--prefix P] [--out DIR] ...
  harness.py sweep --work W --prefix P   (internal: run-lab.sh's last-resort cleanup)

Writes benchmarks/results/lab-DATE.csv (every op: system,phase,i,us) and lab-DATE.txt (per
system and phase median, p90 and N, ratios, machine and versions). Everything made is removed
on exit, also on failure or Ctrl-C.
"""
import argparse
import atexit
import csv
import datetime
import io
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

# dockerd in a throwaway namespace, the cleanup stack and stopping processes by PID are shared
# with peers/harness.py and dns/harness.py in benchmarks/dockerd_ns.py; running commands, timing,
# fake hosts, the sweep and the report's header pieces in benchmarks/harness_common.py. Run as a
# script (/usr/bin/python3 benchmarks/lab/harness.py, also for its own `sweep`), only this file's
# own directory is on sys.path: benchmarks/ goes there too. Without a bytecode cache, as it would
# leave an untracked, root-owned benchmarks/__pycache__/ in the work tree.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
sys.dont_write_bytecode = True
import dockerd_ns  # noqa: E402
import harness_common  # noqa: E402
from dockerd_ns import cleanups, stop  # noqa: E402
from harness_common import FakeHost, Signals, cleanup_now, pct, record, rows, run, timed  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LAB_CLASS = REPO / "benchmarks/target/classes/org/libnetwork4j/bench/LabBench.class"
DOCKER_CLI = "/usr/bin/docker"   # docker.io's, the daemon's version (PATH may name another)
SUBNET = "10.207.0.0/24"         # the bridge network's, inside the fake host only

notes = []      # lines for the report
WORK = None     # set in main
PREFIX = None


# ---- process and cleanup plumbing ------------------------------------------------------

# run-lab.sh's last resort (harness_common.sweep), after the harness is gone (even killed), stops
# first LabBench (SIGTERM: the JVM's shutdown hooks undo its lab; it is found by its CSV path in
# the work directory), then dockerd alone: given the time, it stops its containers itself
SWEEP_FIRST = (("LabBench ", lambda c: b"org.libnetwork4j.bench.LabBench" in c, 30, signal.SIGTERM),
               ("dockerd ", lambda c: b"dockerd\0" in c, 30, signal.SIGTERM))


# ---- libnetwork4j: LabBench ------------------------------------------------------------

def lnw(a):
    """LabBench N CSV, the command run-lab.sh documents; its rows are read back from the work
    directory (so that sweep finds a LabBench left running by the CSV path on its command line)."""
    if not LAB_CLASS.exists():
        print(f"warning: {LAB_CLASS.relative_to(REPO)} is not built: the libnetwork4j side is skipped",
              file=sys.stderr)
        notes.append("libnetwork4j: skipped, LabBench is not built")
        return
    raw = WORK / "lnw.csv"
    cp = f"{REPO}/benchmarks/target/classes:" + (REPO / "benchmarks/target/classpath.txt").read_text().strip()
    cmd = ["java", "--enable-native-access=ALL-UNNAMED", "-cp", cp, "org.libnetwork4j.bench.LabBench",
           str(a.n), str(raw)]
    # a session of its own: a Ctrl-C reaches only the harness, which then stops it (SIGTERM, so
    # its shutdown hooks undo the lab) by its PID
    p = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, bufsize=1, start_new_session=True)
    cleanups.append(lambda: stop(p, "LabBench", grace=60))
    tail = deque(maxlen=30)

    def relay():  # its output to ours, as it comes, keeping the last lines for an error
        for line in p.stdout:
            tail.append(line.rstrip("\n"))
            print(f"  LabBench: {line}", end="", file=sys.stderr, flush=True)
    t = threading.Thread(target=relay, daemon=True)
    t.start()
    try:
        rc = p.wait(a.lab_timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"LabBench did not finish within {a.lab_timeout} s (--lab-timeout)")
    t.join(10)
    got = read_rows(raw) if raw.exists() else []
    rows.extend(got)
    if rc != 0:
        said = [l.strip() for l in tail if l.strip() and not l.lstrip().startswith(("at ", "..."))]
        raise RuntimeError(f"LabBench exited {rc} after {len(got)} rows: " + " | ".join(said[-4:]))
    if not got:
        raise RuntimeError("LabBench wrote no rows")


def read_rows(path):
    """system,phase,i,us rows; anything else (a header, a cut-off last line) is left out."""
    out = []
    with open(path, newline="") as f:
        for r in csv.reader(f):
            if len(r) != 4:
                continue
            try:
                out.append((r[0], r[1], int(r[2]), float(r[3])))
            except ValueError:
                continue
    return out


# ---- dockerd 20.10 ---------------------------------------------------------------------

def links(pid):
    """The interfaces in a process's network namespace, as the kernel has them: {name: [IPv4s]}."""
    r = run(["nsenter", f"--net=/proc/{pid}/ns/net", "ip", "-o", "-4", "addr", "show"])
    out = {}
    for line in run(["nsenter", f"--net=/proc/{pid}/ns/net", "ip", "-o", "link", "show"]).stdout.splitlines():
        out[line.split(": ")[1].split("@")[0]] = []
    for line in r.stdout.splitlines():
        f = line.split()
        out.setdefault(f[1], []).append(f[3].split("/")[0])
    return out


def reaches(pid, ip):
    """Whether the container with pid gets an answer to one ping to ip (busybox-static's ping, in
    its namespace: traffic on the fake host's bridge only)."""
    return run(["nsenter", f"--net=/proc/{pid}/ns/net", "/bin/busybox", "ping", "-c", "1", "-W", "1", ip],
               check=False, timeout=10).returncode == 0


def docker(a):
    h = FakeHost(f"{PREFIX}-docker")
    # in a mount namespace of its own; stopped, with what it leaves, by the cleanups (dockerd_ns)
    d = dockerd_ns.start(h, WORK / "docker")
    api = d.api
    image = d.import_busybox(f"{PREFIX}-busybox")
    net_name = f"{PREFIX}-net"
    nid = api("POST", "/networks/create", {"Name": net_name, "Driver": "bridge", "CheckDuplicate": True,
                                           "IPAM": {"Config": [{"Subnet": SUBNET}]}})["Id"]
    cleanups.append(lambda: api("DELETE", f"/networks/{nid}"))
    ids = {}

    def remove_containers():
        for name, cid in reversed(list(ids.items())):
            try:
                api("DELETE", f"/containers/{cid}?force=true")
            except Exception as e:
                print(f"cleanup: container {name}: {e}", file=sys.stderr)
    cleanups.append(remove_containers)
    for c in ("c1", "c2"):
        cid = api("POST", f"/containers/create?name={PREFIX}-{c}",
                  {"Image": image, "Cmd": ["sleep", "1000000"], "HostConfig": {"NetworkMode": net_name}})["Id"]
        ids[c] = cid
        api("POST", f"/containers/{cid}/start")
    c1 = ids["c1"]
    pid1 = api("GET", f"/containers/{c1}/json")["State"]["Pid"]
    pid2 = api("GET", f"/containers/{ids['c2']}/json")["State"]["Pid"]

    def state():
        """(networks in c1's inspect, c1's interfaces per the kernel)"""
        return api("GET", f"/containers/{c1}/json")["NetworkSettings"]["Networks"] or {}, links(pid1)

    disconnect = lambda: api("POST", f"/networks/{nid}/disconnect", {"Container": c1, "Force": False})
    connect = lambda: api("POST", f"/networks/{nid}/connect", {"Container": c1})

    # one unmeasured round, checked: the disconnect is a real partition, the connect heals it
    nets, ifs = state()
    ip1 = nets[net_name]["IPAddress"]
    if not reaches(pid2, ip1):
        raise RuntimeError(f"check: c2 does not reach c1 ({ip1}) before the partition: {ifs}")
    disconnect()
    nets, ifs = state()
    if net_name in nets or set(ifs) != {"lo"}:
        raise RuntimeError(f"check: after the disconnect c1 still has networks {list(nets)}, interfaces {ifs}")
    if reaches(pid2, ip1):
        raise RuntimeError(f"check: after the disconnect c2 still reaches {ip1}")
    connect()
    nets, ifs2 = state()
    ip1b = nets.get(net_name, {}).get("IPAddress")
    if not ip1b or not any(ip1b in v for k, v in ifs2.items() if k != "lo") or not reaches(pid2, ip1b):
        raise RuntimeError(f"check: after the connect c1 has networks {list(nets)}, interfaces {ifs2}, or c2"
                           f" does not reach it")
    eth = [k for k in ifs2 if k != "lo"]
    notes.append(f"checked once (unmeasured round before the timed ones): after the disconnect c1's namespace had"
                 f" only {sorted(ifs)} (kernel) and inspect no network, c2 got no answer from {ip1}; after the"
                 f" connect c1 had {eth} with {ip1b} and c2 got an answer")

    print(f"  dockerd-api: {a.n} rounds of disconnect + connect", file=sys.stderr, flush=True)
    for i in range(a.n):
        record("dockerd-api", "partition", i, timed(disconnect)[0])
        record("dockerd-api", "heal", i, timed(connect)[0])

    # the docker command line, one process per command, names as a user types them; a config
    # directory of its own, so nothing is read or written under ~/.docker
    cfg = WORK / "docker-config"
    cfg.mkdir()
    env = dict(os.environ, DOCKER_CONFIG=str(cfg))
    env.pop("DOCKER_HOST", None)
    env.pop("DOCKER_CONTEXT", None)
    cli = [DOCKER_CLI, "-H", f"unix://{d.sock}", "network"]
    n_cli = min(a.n, a.n_cli)
    print(f"  docker-cli: {n_cli} rounds of docker network disconnect + connect", file=sys.stderr, flush=True)
    for i in range(n_cli):
        record("docker-cli", "partition", i,
               timed(lambda: run(cli + ["disconnect", net_name, f"{PREFIX}-c1"], env=env))[0])
        record("docker-cli", "heal", i,
               timed(lambda: run(cli + ["connect", net_name, f"{PREFIX}-c1"], env=env))[0])
    nets, ifs = state()
    if net_name not in nets or set(ifs) == {"lo"}:
        raise RuntimeError(f"check: after the last round c1 has networks {list(nets)}, interfaces {ifs}")


# ---- report ----------------------------------------------------------------------------

SYSTEM_ORDER = ["lnw-partition", "lnw-isolate", "lnw-linkdown", "lnw-loss", "lnw-bandwidth", "lnw-dnsfail", "lnw-lab",
                "dockerd-api", "docker-cli"]
PHASE_ORDER = ["apply", "remove", "setup", "teardown", "partition", "heal"]
LABEL = {"dockerd-api": "dockerd 20.10, Engine API", "docker-cli": "docker network disconnect/connect (CLI)"}


def versions():
    out = [harness_common.debian_packages("docker.io", "containerd", "runc", "iptables", "busybox-static")]
    try:
        r = subprocess.run([DOCKER_CLI, "--version"], capture_output=True, text=True, timeout=20)
        out.append(f"CLI {DOCKER_CLI}: {r.stdout.strip()}")
    except Exception as e:
        out.append(f"CLI {DOCKER_CLI}: {e}")
    out.append(harness_common.java_version())
    jar = REPO / "java/target/libnetwork4j-0.1.0-SNAPSHOT.jar"
    built = (f", {jar.relative_to(REPO)} built"
             f" {datetime.datetime.fromtimestamp(jar.stat().st_mtime, datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
             if jar.exists() else "")
    out.append(harness_common.libnetwork4j_version() + built)
    return out


def report(a, stamp, load, errors):
    data = {}
    for system, phase, _, us in rows:
        data.setdefault(system, {}).setdefault(phase, []).append(us / 1000)
    o = io.StringIO()
    print(f"# Partition of one container: docker network disconnect/connect and libnetwork4j's lab faults"
          f" - {stamp:%Y-%m-%d %H:%M} UTC", file=o)
    end = os.getloadavg()
    print(f"# {harness_common.machine()}; 1-min load average {load[0]:.2f} at start, {end[0]:.2f} at end", file=o)
    for v in versions():
        print(f"# {v}", file=o)
    print(f"# N={a.n} rounds (docker CLI: {min(a.n, a.n_cli)}); ms per operation. libnetwork4j first and alone"
          f" (LabBench), then dockerd in a fake host namespace: Engine API POST /networks/{{id}}/disconnect"
          f" (partition) and /connect (heal) of c1, one unix-socket connection per request; then the CLI, one"
          f" process per command", file=o)
    fmt = "{:<42} {:<10} {:>9} {:>9} {:>5}"
    print(fmt.format("system", "phase", "median", "p90", "N"), file=o)
    systems = [s for s in SYSTEM_ORDER if s in data] + sorted(s for s in data if s not in SYSTEM_ORDER)

    def f(x):
        return f"{x:.3f}" if x < 100 else f"{x:.1f}"
    for s in systems:
        phases = [p for p in PHASE_ORDER if p in data[s]] + sorted(p for p in data[s] if p not in PHASE_ORDER)
        for p in phases:
            v = data[s][p]
            print(fmt.format(LABEL.get(s, s), p, f(statistics.median(v)), f(pct(v, 0.9)), len(v)), file=o)

    def med(s, p):
        v = data.get(s, {}).get(p)
        return statistics.median(v) if v else None
    la, lr = med("lnw-partition", "apply"), med("lnw-partition", "remove")
    for s in ("dockerd-api", "docker-cli"):
        dp, dh = med(s, "partition"), med(s, "heal")
        if dp and la:
            print(f"# ratio: {s} disconnect median / libnetwork4j partition apply median ="
                  f" {dp:.3f} / {la:.3f} = {dp / la:.1f}x", file=o)
        if dh and lr:
            print(f"# ratio: {s} connect median / libnetwork4j partition remove median ="
                  f" {dh:.3f} / {lr:.3f} = {dh / lr:.1f}x", file=o)
    for k, e in errors.items():
        print(f"# FAILED {k}: {e}", file=o)
    for n in notes:
        print(f"# note: {n}", file=o)
    return o.getvalue()


def main():
    global WORK, PREFIX
    if len(sys.argv) > 1 and sys.argv[1] == "sweep":
        return harness_common.sweep_command(SWEEP_FIRST)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=200, help="rounds for libnetwork4j and the Engine API")
    p.add_argument("--n-cli", type=int, default=50, help="at most this many rounds for the docker CLI")
    p.add_argument("--lab-timeout", type=float, default=1800, help="seconds at most for LabBench")
    p.add_argument("--only", default="lnw,docker", help="lnw, docker or both")
    p.add_argument("--work", help="working directory (run-lab.sh makes one; default: a new one in /dev/shm)")
    p.add_argument("--prefix", default=f"lnwlab-{os.getpid()}", help="prefix of the namespaces made")
    p.add_argument("--out", default=str(REPO / "benchmarks/results"))
    a = p.parse_args()
    if a.n < 1 or a.n_cli < 0:
        sys.exit("--n: at least 1; --n-cli: at least 0")
    if os.geteuid() != 0:
        sys.exit("run as root: the harness makes network namespaces")
    Signals.install()
    PREFIX = a.prefix
    WORK = harness_common.work_dir(a.work, "lnwlab-")
    atexit.register(harness_common.final, WORK)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc)
    load = os.getloadavg()
    only = set(a.only.split(","))
    errors = {}
    t_all = time.time()
    for key, fn in (("lnw", lnw), ("docker", docker)):
        if key not in only:
            continue
        print(f"{key}...", file=sys.stderr, flush=True)
        t0 = time.time()
        try:
            fn(a)
        except Exception as e:
            errors[key] = f"{type(e).__name__}: {e}"
            print(f"{key}: failed: {errors[key]}", file=sys.stderr)
            log = WORK / "docker/dockerd.log"
            if key == "docker" and log.exists():  # the work directory goes at exit: show the tail now
                print("--- dockerd.log (last lines)\n" + "\n".join(log.read_text(errors="replace")
                                                              .splitlines()[-15:]), file=sys.stderr)
        finally:
            cleanup_now()  # each side leaves nothing for the next
        print(f"{key}: {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    notes.append(f"whole run {time.time() - t_all:.0f} s")
    harness_common.write_results(out, "lab", stamp, report(a, stamp, load, errors), rows)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
