#!/usr/bin/env python3
"""dockerd 20.10 starting containers on a libnetwork4j network (lnw daemon --docker-plugin as
its network and IPAM driver) and on its own bridge driver, side by side in one run.

One fake host namespace (ip netns <prefix>-host, no link to the machine's own network) and one
mount namespace of the harness's own, held by a sleep, with a tmpfs over /run: dockerd looks
for the plugin's socket at /run/docker/plugins/libnetwork4j.sock there, and the lnw daemon
serves it there. dockerd (../dockerd_ns.py) and the lnw daemon both run in them. Two networks:
"lnw" (driver and IPAM libnetwork4j, 10.208.0.0/24) and "br" (dockerd's bridge, 10.209.0.0/24).

Then docker network disconnect + connect through the docker CLI (one process per command)
against dockerd (a container on "br") and against the lnw daemon's Engine API (--docker-api, a
sandbox on a libnetwork4j network), interleaved, --n-cli rounds.

Each round, alternately on each network: POST /containers/create and /start of a busybox
container with a fixed address (phase "start": create + start, until start returns), then the
time from there to the first ICMP echo reply from its address, asked from the fake host every
5 ms by a pinger in that namespace (phase "ping"), and their sum ("start-to-ping"). The
container is removed between rounds (not timed).

  harness.py [--n N] [--work W] [--prefix P] [--out DIR]
  harness.py sweep --work W --prefix P        (run-docker.sh's last-resort cleanup)
  harness.py pinger                           (internal: the pinger, in the fake host)

Writes benchmarks/results/docker-DATE.{csv,txt} (every operation: system,phase,i,us; medians,
p90 and ratios, machine and versions). Everything made is removed on exit, also on failure.
"""
import argparse
import atexit
import datetime
import io
import os
import socket
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
sys.dont_write_bytecode = True
import dockerd_ns  # noqa: E402
import harness_common  # noqa: E402
from dockerd_ns import cleanups, stop  # noqa: E402
from harness_common import FakeHost, Signals, cleanup_now, pct, record, rows, run  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
NETS = {"lnw": ("libnetwork4j", "10.208.0"), "br": ("bridge", "10.209.0")}
LABEL = {"lnw": "dockerd + libnetwork4j plugin", "br": "dockerd's own bridge driver"}
SWEEP_FIRST = (("dockerd ", lambda c: b"dockerd\0" in c, 30, __import__("signal").SIGTERM),)


# ---- the pinger: in the fake host, one line per address asked, the ms to its first reply ----

def checksum(b):
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    return ~(s + (s >> 16)) & 0xFFFF


def pinger():
    """Reads addresses on stdin; for each, echo requests every 5 ms (at most 10 s) until one is
    answered; writes the microseconds from the line's arrival to the reply, or -1."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    seq = 0
    for line in sys.stdin:
        ip = line.strip()
        t0 = time.perf_counter()
        got = -1
        while got < 0 and time.perf_counter() - t0 < 10:
            seq = (seq + 1) & 0xFFFF
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            s.sendto(struct.pack("!BBHHH", 8, 0, checksum(hdr), ident, seq), (ip, 0))
            deadline = time.perf_counter() + 0.005
            while time.perf_counter() < deadline:
                s.settimeout(max(deadline - time.perf_counter(), 0.0001))
                try:
                    data, src = s.recvfrom(2048)
                except (socket.timeout, BlockingIOError):
                    break
                ihl = (data[0] & 0x0F) * 4
                if src[0] == ip and data[ihl] == 0 and struct.unpack("!H", data[ihl + 4:ihl + 6])[0] == ident:
                    got = (time.perf_counter() - t0) * 1e6
                    break
        print(int(got), flush=True)


# ---- the harness -------------------------------------------------------------------------

def holder(h, work):
    """A mount namespace in the fake host, tmpfs over /run, held by a sleep; its nsenter prefix."""
    ready = work / "holder.ready"
    p = subprocess.Popen(h.enter(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                                  f"mount -t tmpfs lnwdk-run /run && mkdir -p /run/docker/plugins && touch {ready}"
                                  " && exec sleep 100000"]), start_new_session=True)
    cleanups.append(lambda: stop(p, "mount holder", grace=5))
    for _ in range(200):
        if ready.exists():
            break
        time.sleep(0.025)
    else:
        raise RuntimeError("the mount namespace holder did not start")
    return p.pid, lambda cmd: ["nsenter", f"--mount=/proc/{p.pid}/ns/mnt"] + list(cmd)


def lnw_daemon(h, inside, pid, work):
    log = open(work / "lnw-daemon.log", "w")
    cmd = h.enter(inside([str(REPO / "lnw"), "--state-dir", str(work / "lnw-state"), "--run-dir",
                          str(work / "lnw-run"), "daemon", "--docker-plugin", "--docker-api",
                          f"unix://{work / 'api.sock'}"]))
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                         env=dict(os.environ, LNW_PRIVATE_MOUNTS_OK="1"))
    cleanups.append(lambda: stop(p, "lnw daemon", grace=30))
    sock = Path(f"/proc/{pid}/root/run/docker/plugins/libnetwork4j.sock")
    for _ in range(1200):  # the launcher may build first: up to 60 s
        if sock.exists():
            return
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("lnw daemon --docker-plugin did not serve: " + (work / "lnw-daemon.log").read_text()[-2000:])


def measure(a, work):
    h = FakeHost(f"{a.prefix}-host")
    pid, inside = holder(h, work)
    lnw_daemon(h, inside, pid, work)
    d = dockerd_ns.start(h, work / "docker", mount_ns=inside)
    api = d.api
    image = d.import_busybox(f"{a.prefix}-busybox")
    for net, (driver, prefix) in NETS.items():
        body = {"Name": net, "Driver": driver, "CheckDuplicate": True,
                "IPAM": {"Config": [{"Subnet": f"{prefix}.0/24"}]}}
        if driver == "libnetwork4j":
            body["IPAM"]["Driver"] = "libnetwork4j"
        nid = api("POST", "/networks/create", body)["Id"]
        cleanups.append(lambda nid=nid: api("DELETE", f"/networks/{nid}"))
    ping = subprocess.Popen(h.enter(["/usr/bin/python3", __file__, "pinger"]), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
    cleanups.append(lambda: stop(ping, "pinger", grace=5))

    def first_reply(ip):
        ping.stdin.write(ip + "\n")
        ping.stdin.flush()
        return int(ping.stdout.readline())

    print(f"  {a.n} rounds on each network, alternating", file=sys.stderr, flush=True)
    for i in range(-2, a.n):  # two warm-up rounds, not recorded
        for net, (driver, prefix) in NETS.items():
            ip = f"{prefix}.{10 + (i % 2)}"
            spec = {"Image": image, "Cmd": ["sleep", "1000"], "HostConfig": {"NetworkMode": net},
                    "NetworkingConfig": {"EndpointsConfig": {net: {"IPAMConfig": {"IPv4Address": ip}}}}}
            t0 = time.perf_counter()
            cid = api("POST", "/containers/create", spec)["Id"]
            try:
                api("POST", f"/containers/{cid}/start")
                started = (time.perf_counter() - t0) * 1e6
                replied = first_reply(ip)
                if replied < 0:
                    raise RuntimeError(f"{net}: {ip} did not answer within 10 s of its start")
            finally:
                api("DELETE", f"/containers/{cid}?force=true")
            if i >= 0:
                record(net, "start", i, started)
                record(net, "ping", i, replied)
                record(net, "start-to-ping", i, started + replied)
    cli_rounds(a, d, work)


def cli_rounds(a, d, work):
    """docker network disconnect + connect through the docker CLI (one process per command, as a
    user types it), against dockerd (a busybox container on its bridge network "br") and against
    lnw daemon --docker-api (a sandbox on a libnetwork4j network), interleaved."""
    cfg = work / "docker-config"
    cfg.mkdir()
    env = dict(os.environ, DOCKER_CONFIG=str(cfg))
    env.pop("DOCKER_HOST", None)
    env.pop("DOCKER_CONTEXT", None)
    image = f"{a.prefix}-busybox:1"
    cid = d.api("POST", "/containers/create", {"Image": image, "Cmd": ["sleep", "100000"],
                                                "HostConfig": {"NetworkMode": "br"}})["Id"]
    cleanups.append(lambda: d.api("DELETE", f"/containers/{cid}?force=true"))
    d.api("POST", f"/containers/{cid}/start")
    docker = ["/usr/bin/docker", "-H", f"unix://{d.sock}", "network"]
    lnw = ["/usr/bin/docker", "-H", f"unix://{work / 'api.sock'}", "network"]
    run(lnw + ["create", "--subnet", "10.210.0.0/24", "clinet"], env=env)
    cleanups.append(lambda: run(lnw + ["rm", "clinet"], env=env, check=False))
    run(lnw + ["connect", "clinet", "c-cli"], env=env)  # makes the sandbox c-cli
    cleanups.append(lambda: run(lnw + ["disconnect", "clinet", "c-cli"], env=env, check=False))
    print(f"  {a.n_cli} rounds of docker network disconnect + connect on each", file=sys.stderr, flush=True)
    for i in range(-2, a.n_cli):
        for system, cli, net, ctr in (("dockerd-cli", docker, "br", cid), ("lnw-cli", lnw, "clinet", "c-cli")):
            t0 = time.perf_counter()
            run(cli + ["disconnect", net, ctr], env=env)
            t1 = time.perf_counter()
            run(cli + ["connect", net, ctr], env=env)
            t2 = time.perf_counter()
            if i >= 0:
                record(system, "disconnect", i, (t1 - t0) * 1e6)
                record(system, "connect", i, (t2 - t1) * 1e6)


def report(a, stamp, load, errors):
    data = {}
    for system, phase, _, us in rows:
        data.setdefault(system, {}).setdefault(phase, []).append(us / 1000)
    o = io.StringIO()
    print(f"# docker run start-to-ping: libnetwork4j's plugin and dockerd's bridge - {stamp:%Y-%m-%d %H:%M} UTC",
          file=o)
    cpu = harness_common.lscpu()
    print(f"# {cpu.get('Model name', '?')}, {cpu.get('CPU(s)', '?')} CPUs, kernel {os.uname().release};"
          f" 1-min load average {load[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end", file=o)
    print(f"# {harness_common.debian_packages('docker.io', 'containerd', 'runc', 'busybox-static')}", file=o)
    print(f"# {harness_common.java_version()}; {harness_common.libnetwork4j_version()}", file=o)
    print(f"# N={a.n} rounds per network, alternating, after 2 warm-up rounds; ms. start: POST create + start;"
          f" ping: from start's return to the first echo reply, asked from the fake host every 5 ms", file=o)
    fmt = "{:<34} {:<14} {:>9} {:>9} {:>5}"
    print(fmt.format("system", "phase", "median", "p90", "N"), file=o)
    for s in NETS:
        for p in ("start", "ping", "start-to-ping"):
            v = data.get(s, {}).get(p)
            if v:
                print(fmt.format(LABEL[s], p, f"{statistics.median(v):.2f}", f"{pct(v, 0.9):.2f}", len(v)), file=o)
    for p in ("start", "ping", "start-to-ping"):
        x, y = data.get("lnw", {}).get(p), data.get("br", {}).get(p)
        if x and y:
            mx, my = statistics.median(x), statistics.median(y)
            print(f"# ratio {p}: libnetwork4j / bridge = {mx:.2f} / {my:.2f} = {mx / my:.2f}", file=o)
    cli_label = {"dockerd-cli": "docker CLI -> dockerd 20.10", "lnw-cli": "docker CLI -> lnw --docker-api"}
    for s_ in ("dockerd-cli", "lnw-cli"):
        for p in ("disconnect", "connect"):
            v = data.get(s_, {}).get(p)
            if v:
                print(fmt.format(cli_label[s_], p, f"{statistics.median(v):.2f}", f"{pct(v, 0.9):.2f}", len(v)), file=o)
    for p in ("disconnect", "connect"):
        x, y = data.get("dockerd-cli", {}).get(p), data.get("lnw-cli", {}).get(p)
        if x and y:
            mx, my = statistics.median(x), statistics.median(y)
            print(f"# ratio docker network {p}: dockerd / libnetwork4j = {mx:.2f} / {my:.2f} = {mx / my:.2f}x",
                  file=o)
    for k, e in errors.items():
        print(f"# FAILED {k}: {e}", file=o)
    return o.getvalue()


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "sweep":
        return harness_common.sweep_command(SWEEP_FIRST)
    if len(sys.argv) > 1 and sys.argv[1] == "pinger":
        return pinger()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=30, help="rounds per network")
    p.add_argument("--n-cli", type=int, default=20, help="rounds of docker network disconnect + connect on each")
    p.add_argument("--work", help="working directory (run-docker.sh makes one; default: a new one in /dev/shm)")
    p.add_argument("--prefix", default=f"lnwdk-{os.getpid()}", help="prefix of the namespaces made")
    p.add_argument("--out", default=str(REPO / "benchmarks/results"))
    a = p.parse_args()
    if a.n < 1:
        sys.exit("--n: at least 1")
    if os.geteuid() != 0:
        sys.exit("run as root: the harness makes network namespaces")
    Signals.install()
    work = harness_common.work_dir(a.work, "lnwdk-")
    atexit.register(harness_common.final, work)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc)
    load = os.getloadavg()
    errors = {}
    try:
        measure(a, work)
    except Exception as e:
        errors["docker"] = f"{type(e).__name__}: {e}"
        print(f"failed: {errors['docker']}", file=sys.stderr)
        for log in (work / "docker/dockerd.log", work / "lnw-daemon.log"):
            if log.exists():
                print(f"--- {log.name} (last lines)\n" + "\n".join(log.read_text(errors="replace")
                                                                  .splitlines()[-15:]), file=sys.stderr)
    finally:
        cleanup_now()
    harness_common.write_results(out, "docker", stamp, report(a, stamp, load, errors), rows)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
