#!/usr/bin/env python3
"""Side-by-side: libnetwork4j against the peers of ../shared/PEERS.md, in one run.

N containers one after the other for each system (fewer where a peer is slow: --n-slow), each
system in a throwaway host namespace of its own, with its own names (prefix lnwp<PID>) and
private subnets. What is timed, per PEERS.md:

  create  the network (for CNI and netavark: the first ADD/setup, which makes the bridge)
  attach  veth pair, the peer in the container's namespace as eth0, address, up, default
          route, plus what the tool adds (IPAM, NAT rules, a published port)
  detach  what the tool does to remove it

CNI plugins and netavark are exec'd, one process per call, by the harness while it is inside
the fake host's namespace, as a runtime in the host execs them (--plugins-via-nsenter: through
nsenter instead, as older results were). Namespaces of containers are made beforehand and
timed apart (for libnetwork4j and the C floor they are the "sandbox" phase). Everything made is removed on exit, also on failure; no
rule, link or address touches the machine's own namespace (dockerd runs inside the fake host,
in a mount namespace of its own).

Writes RESULTS-CSV rows "system,phase,index,microseconds", a summary table and a chart.
"""
import argparse
import atexit
import csv
import datetime
import io
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# dockerd in a throwaway namespace, and the cleanup stack, are shared with dns/harness.py and
# lab/harness.py in benchmarks/dockerd_ns.py; running commands, timing, fake hosts and the
# report's version lines in benchmarks/harness_common.py. Run as a script (/usr/bin/python3
# benchmarks/peers/harness.py), only this file's own directory is on sys.path: benchmarks/ goes
# there too. Without a bytecode cache, as it would leave an untracked, root-owned
# benchmarks/__pycache__/ in the work tree.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
sys.dont_write_bytecode = True
import dockerd_ns  # noqa: E402
import harness_common  # noqa: E402
from dockerd_ns import at_exit, cleanups  # noqa: E402
from harness_common import FakeHost, record, rows, timed  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PREFIX = f"lnwp{os.getpid()}"
CNI = Path("/usr/lib/cni")
NETAVARK = Path("/usr/lib/podman/netavark")

atexit.register(at_exit)
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, lambda *_: sys.exit(1))


def run(cmd, stdin=None, check=True, env=None):
    """harness_common.run without its time limit: PeerRun and the C floor take minutes."""
    return harness_common.run(cmd, stdin, check, timeout=None, env=env)


class Containers:
    """Container namespaces (ip netns), made beforehand for the peers that take one."""

    def __init__(self, tag, n):
        self.names = [f"{PREFIX}-{tag}{i}" for i in range(n)]
        for c in self.names:
            run(["ip", "netns", "add", c])
        cleanups.append(self.remove)

    def remove(self):
        for c in self.names:
            run(["ip", "netns", "del", c], check=False)


def addr(base, i):
    h = i + 2
    return f"{base}.{h >> 8}.{h & 255}"


# ---- libnetwork4j and the C floor ------------------------------------------------------

def lnw4j(variant, n, warmup, workdir, csv_path):
    cp = f"{REPO}/benchmarks/target/classes:" + (REPO / "benchmarks/target/classpath.txt").read_text().strip()
    run(["java", "--enable-native-access=ALL-UNNAMED", "-cp", cp, "org.libnetwork4j.bench.PeerRun", variant,
         str(n), str(warmup), str(workdir), str(csv_path)])


def c_floor(n, warmup, workdir, csv_path):
    env = dict(os.environ, LNW_BENCH_RAW=str(csv_path))
    run([str(REPO / "java/target/cmake/lnw-attach-bench"), str(n), str(warmup), str(workdir / "c")], env=env)


# ---- ip ------------------------------------------------------------------------------

def ip_steps(n, batch):
    system = "ip-batch" if batch else "ip"
    h = FakeHost(f"{PREFIX}-{'ipb' if batch else 'ip'}")
    us, _ = timed(lambda: [run(["ip", "-n", h.name] + a.split()) for a in (
        "link add br0 type bridge", "addr add 10.202.0.1/16 dev br0", "link set br0 up")])
    record(system, "create", 0, us)
    cs = Containers("ipb" if batch else "ip", n)
    for i, c in enumerate(cs.names):
        v = f"v{i}"
        if batch:
            def attach():
                run(["ip", "-n", h.name, "-batch", "-"],
                    stdin=f"link add {v} master br0 up type veth peer name eth0 netns {c}\n")
                run(["ip", "-n", c, "-batch", "-"],
                    stdin=f"addr add {addr('10.202', i)}/16 dev eth0\nlink set eth0 up\n"
                          f"route add default via 10.202.0.1\n")
        else:
            def attach():
                for a in (["-n", h.name, "link", "add", v, "type", "veth", "peer", "name", f"t{i}"],
                          ["-n", h.name, "link", "set", v, "master", "br0", "up"],
                          ["-n", h.name, "link", "set", f"t{i}", "netns", c],
                          ["-n", c, "link", "set", f"t{i}", "name", "eth0"],
                          ["-n", c, "addr", "add", f"{addr('10.202', i)}/16", "dev", "eth0"],
                          ["-n", c, "link", "set", "eth0", "up"],
                          ["-n", c, "route", "add", "default", "via", "10.202.0.1"]):
                    run(["ip"] + a)
        record(system, "attach", i, timed(attach)[0])
        record(system, "detach", i, timed(lambda: run(["ip", "-n", h.name, "link", "del", v]))[0])


# ---- CNI -----------------------------------------------------------------------------

def must_ping(system, c, ip, prev):
    """The honesty check before timing: container c (a netns of ours) answers a ping to ip
    within three tries, or the run stops, saying what the plugin's result was."""
    ok = None
    for _ in range(3):
        ok = run(["nsenter", f"--net=/run/netns/{c}", "ping", "-c1", "-W1", ip], check=False)
        if ok.returncode == 0:
            return
    raise RuntimeError(f"{system}: the container {c} ({prev.get('ips')}) cannot ping {ip}:"
                       f" {ok.stdout.strip()} {ok.stderr.strip()}")


def cni(n, masq, portmap, workdir):
    system = "cni" + ("-masq" if masq else "") + ("-portmap" if portmap else "")
    h = FakeHost(f"{PREFIX}-{system}")
    cs = Containers(system.replace("-", ""), n)
    data = workdir / f"cni-{system}"
    conf = {"cniVersion": "1.0.0", "name": f"{PREFIX}-net", "type": "bridge", "bridge": "cni0",
            "isGateway": True, "ipMasq": masq,
            "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.203.0.0/16", "gateway": "10.203.0.1"}]],
                     "routes": [{"dst": "0.0.0.0/0"}], "dataDir": str(data)}}

    def plugin(kind, command, c, i, config):
        env = dict(os.environ, CNI_COMMAND=command, CNI_CONTAINERID=f"{PREFIX}{i}", CNI_NETNS=f"/run/netns/{c}",
                   CNI_IFNAME="eth0", CNI_PATH=str(CNI))
        return h.exec_plugin([str(CNI / kind)], stdin=json.dumps(config), env=env).stdout

    def pm_conf(prev):
        return {"cniVersion": "1.0.0", "name": f"{PREFIX}-net", "type": "portmap",
                "capabilities": {"portMappings": True},
                "runtimeConfig": {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]},
                "prevResult": prev}

    added = []

    def teardown():
        for i, c, prev in reversed(added):
            if portmap:
                plugin("portmap", "DEL", c, i, pm_conf(prev))
            plugin("bridge", "DEL", c, i, dict(conf, prevResult=prev))
    cleanups.append(lambda: teardown())
    for i, c in enumerate(cs.names):
        def attach():
            prev = json.loads(plugin("bridge", "ADD", c, i, conf))
            if portmap:
                plugin("portmap", "ADD", c, i, pm_conf(prev))
            return prev
        with h.inside():  # entered untimed: the runtime lives in the host
            us, prev = timed(attach)
        added.append((i, c, prev))
        record(system, "create" if i == 0 else "attach", 0 if i == 0 else i, us)

        def detach():
            if portmap:
                plugin("portmap", "DEL", c, i, pm_conf(prev))
            plugin("bridge", "DEL", c, i, dict(conf, prevResult=prev))
        with h.inside():
            record(system, "detach", i, timed(detach)[0])
        added.pop()


def lan_parent(h):
    """In fake host h, the macvlan parent: a veth "lnwpar" (up) whose other end is eth0 of a second
    namespace playing the LAN, with the gateway 10.204.0.1/16 on it (as PeerRun makes it for
    lnw4j-macvlan). Both namespaces go at exit (FakeHost), and the veth with them."""
    lan = FakeHost(f"{h.name}-lan")
    h.ip(f"link add lnwpar type veth peer name eth0 netns {lan.name}")
    h.ip("link set lnwpar up")
    lan.ip("addr add 10.204.0.1/16 dev eth0")
    lan.ip("link set eth0 up")
    return lan


def cni_macvlan(n, workdir):
    """The CNI macvlan plugin (mode bridge, host-local IPAM) on the parent lnwpar, driven as cni()
    drives the bridge plugin: one plugin process per ADD/DEL, in the fake host's namespace."""
    system = "cni-macvlan"
    h = FakeHost(f"{PREFIX}-{system}")
    lan_parent(h)
    cs = Containers(system.replace("-", ""), n)
    conf = {"cniVersion": "1.0.0", "name": f"{PREFIX}-net", "type": "macvlan", "master": "lnwpar", "mode": "bridge",
            "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.204.0.0/16", "gateway": "10.204.0.1"}]],
                     "routes": [{"dst": "0.0.0.0/0"}], "dataDir": str(workdir / f"cni-{system}")}}

    def plugin(command, c, i, config):
        env = dict(os.environ, CNI_COMMAND=command, CNI_CONTAINERID=f"{PREFIX}{i}", CNI_NETNS=f"/run/netns/{c}",
                   CNI_IFNAME="eth0", CNI_PATH=str(CNI))
        return h.exec_plugin([str(CNI / "macvlan")], stdin=json.dumps(config), env=env).stdout

    added = []

    def teardown():
        for i, c, prev in reversed(added):
            plugin("DEL", c, i, dict(conf, prevResult=prev))
    cleanups.append(lambda: teardown())
    for i, c in enumerate(cs.names):
        with h.inside():  # entered untimed: the runtime lives in the host
            us, prev = timed(lambda: json.loads(plugin("ADD", c, i, conf)))
        added.append((i, c, prev))
        record(system, "create" if i == 0 else "attach", 0 if i == 0 else i, us)
        if i == 0:
            # once, untimed: the first container reaches the LAN's gateway through its macvlan
            must_ping(system, c, "10.204.0.1", prev)
        with h.inside():
            record(system, "detach", i, timed(lambda: plugin("DEL", c, i, dict(conf, prevResult=prev)))[0])
        added.pop()


# ---- libnetwork4j's CNI plugin, through lnw daemon ------------------------------------

def lnw_cni(n, warmup, workdir):
    """libnetwork4j's CNI plugin, /work/main/lnw-cni (which execs the lnw launcher), driven as cni()
    drives the bridge plugin: one plugin process per ADD/DEL, in the fake host's namespace. The
    launcher sends each call through the thin client to an `lnw daemon` started here beforehand
    (untimed) in the fake host's namespace, with its state and run directories in the work
    directory. Timed twice: the fresh daemon's first N calls ("lnw-cni-fresh"; its first ADD
    makes the network, a bridge network, 10.205.0.0/16: "create"), then N more after WARMUP
    unmeasured ones, as a daemon that has served a while ("lnw-cni"; the JIT warmed as lnw4j()'s
    JVM is)."""
    system = "lnw-cni"
    if not os.access(REPO / "java/target/cmake/lnw-client", os.X_OK):
        # without the thin client the launcher runs every call in a JVM of its own, silently
        raise RuntimeError(f"{system}: no {REPO / 'java/target/cmake/lnw-client'}: build the project first")
    java = shutil.which("java")
    if not java:
        raise RuntimeError(f"{system}: no java on PATH")
    h = FakeHost(f"{PREFIX}-{system}")
    base = workdir / system
    state, rundir = base / "state", base / "run"
    state.mkdir(parents=True)
    rundir.mkdir()
    cleanups.append(lambda: shutil.rmtree(base, ignore_errors=True))  # after the daemon has stopped
    env = dict(os.environ, LNW_STATE_DIR=str(state), LNW_RUN_DIR=str(rundir),
               PATH=f"{Path(java).parent}:{os.environ.get('PATH', '')}")

    # the daemon, a child of ours in the fake host's namespace (nsenter and the launcher exec: its PID is the JVM's)
    log = open(base / "daemon.log", "w")
    d = subprocess.Popen(h.enter([str(REPO / "lnw"), "daemon"]), env=env, stdin=subprocess.DEVNULL, stdout=log,
                         stderr=subprocess.STDOUT)

    def stop_daemon():
        try:
            dockerd_ns.stop(d, "lnw daemon", grace=30)  # SIGTERM, SIGKILL after 30 s
        finally:
            log.close()
            harness_common.umount_under(rundir)
    cleanups.append(stop_daemon)
    sock = state / "lnw.sock"
    deadline = time.monotonic() + 60
    while not sock.exists():
        if d.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{system}: lnw daemon (pid {d.pid}) "
                               + ("exited" if d.poll() is not None else "has no socket after 60 s")
                               + f": {(base / 'daemon.log').read_text().strip()[-2000:]}")
        time.sleep(0.05)

    conf = {"cniVersion": "1.1.0", "name": "lnwcni", "type": "libnetwork4j", "network": "lnwcni",
            "subnet": "10.205.0.0/16"}

    def plugin(command, c, cid, config):
        e = dict(env, CNI_COMMAND=command, CNI_CONTAINERID=cid, CNI_NETNS=f"/run/netns/{c}", CNI_IFNAME="eth0",
                 CNI_PATH=str(CNI))
        return h.exec_plugin([str(REPO / "lnw-cni")], stdin=json.dumps(config), env=e).stdout

    # once, untimed: a container gets its address and reaches the gateway; then the network goes
    # again, so that the first timed ADD makes it, as the bridge plugin's first ADD makes its bridge
    chk = Containers(system.replace("-", "") + "chk", 1)
    c, cid = chk.names[0], f"{PREFIX}chk"
    prev = json.loads(plugin("ADD", c, cid, conf))
    try:
        a = run(["ip", "-n", c, "-4", "-o", "addr", "show", "dev", "eth0"], check=False)
        if "10.205." not in a.stdout:
            raise RuntimeError(f"{system}: after ADD, {c} has no 10.205. address on eth0 ({prev.get('ips')}):"
                               f" {a.stdout.strip()} {a.stderr.strip()}")
        must_ping(system, c, "10.205.0.1", prev)
    finally:
        plugin("DEL", c, cid, dict(conf, prevResult=prev))
    if run(["ip", "-n", c, "link", "show", "dev", "eth0"], check=False).returncode == 0:
        raise RuntimeError(f"{system}: after DEL, {c} still has eth0")
    run(h.enter([str(REPO / "lnw"), "network", "rm", "lnwcni"]), env=env)

    added = []

    def teardown():
        for cid, c, prev in reversed(added):
            plugin("DEL", c, cid, dict(conf, prevResult=prev))
    cleanups.append(lambda: teardown())

    def attach_detach(label, tag, first_makes_network):
        for i, c in enumerate(Containers(tag, n).names):
            cid = f"{PREFIX}{tag}{i}"
            with h.inside():  # entered untimed: the runtime lives in the host
                us, prev = timed(lambda: json.loads(plugin("ADD", c, cid, conf)))
            added.append((cid, c, prev))
            first = first_makes_network and i == 0
            record(label, "create" if first else "attach", 0 if first else i, us)
            with h.inside():
                record(label, "detach", i, timed(lambda: plugin("DEL", c, cid, dict(conf, prevResult=prev)))[0])
            added.pop()

    # the daemon's first calls, its JIT cold, as right after a node's (or the daemon's) start
    attach_detach(system + "-fresh", "lnwcnifresh", True)
    # then as a daemon that has served a while, warmed as lnw4j()'s JVM is: unmeasured
    # attachments, one namespace in turn (a DEL frees its interface name at once)
    warm = Containers("lnwcniwarm", 1).names[0]
    with h.inside():
        for i in range(warmup):
            prev = json.loads(plugin("ADD", warm, f"{PREFIX}warm", conf))
            added.append((f"{PREFIX}warm", warm, prev))
            plugin("DEL", warm, f"{PREFIX}warm", dict(conf, prevResult=prev))
            added.pop()
    attach_detach(system, "lnwcni", False)


# ---- netavark ------------------------------------------------------------------------

def netavark(n, port, workdir):
    system = "netavark" + ("-port" if port else "")
    h = FakeHost(f"{PREFIX}-{system}")
    cs = Containers(system.replace("-", ""), n)
    cfg = workdir / f"netavark-{system}"
    cfg.mkdir()

    def opts(i):
        o = {"container_id": f"{i:064x}", "container_name": f"{PREFIX}c{i}",
             "networks": {"lnwp": {"static_ips": [addr("10.204", i)], "interface_name": "eth0"}},
             "network_info": {"lnwp": {"name": "lnwp", "id": "f" * 64, "driver": "bridge",
                                       "network_interface": "lnwpnv0", "created": "2026-11-28T00:00:00Z",
                                       "subnets": [{"subnet": "10.204.0.0/16", "gateway": "10.204.0.1"}],
                                       "ipv6_enabled": False, "internal": False, "dns_enabled": False,
                                       "ipam_options": {"driver": "host-local"}}}}
        if port:
            o["port_mappings"] = [{"host_ip": "", "container_port": 80, "host_port": 8080, "range": 1,
                                   "protocol": "tcp"}]
        return json.dumps(o)

    def nv(verb, c, i):
        h.exec_plugin([str(NETAVARK), "--config", str(cfg), verb, f"/run/netns/{c}"], stdin=opts(i))

    live = []
    cleanups.append(lambda: [nv("teardown", c, i) for i, c in reversed(live)])
    for i, c in enumerate(cs.names):
        with h.inside():  # entered untimed: podman, which execs netavark, lives in the host
            us, _ = timed(lambda: nv("setup", c, i))
        live.append((i, c))
        record(system, "create" if i == 0 else "attach", 0 if i == 0 else i, us)
        with h.inside():
            record(system, "detach", i, timed(lambda: nv("teardown", c, i))[0])
        live.pop()


# ---- dockerd 20.10, Engine API -------------------------------------------------------

def dockerd(n, workdir, api_too=True, cli_too=False):
    system = "dockerd-api"
    h = FakeHost(f"{PREFIX}-docker")
    # in a mount namespace of its own; stopped, with what it leaves, by the cleanups (dockerd_ns)
    d = dockerd_ns.start(h, workdir / "docker")
    api = d.api
    image = d.import_busybox(f"{PREFIX}-busybox")
    us, net = timed(lambda: api("POST", "/networks/create",
                                {"Name": f"{PREFIX}-net", "Driver": "bridge",
                                 "IPAM": {"Config": [{"Subnet": "10.205.0.0/16"}]}}))
    if api_too:
        record(system, "create", 0, us)
    nid = net["Id"]
    # containers live on a network of their own (untimed; "none" cannot be combined with another)
    api("POST", "/networks/create", {"Name": f"{PREFIX}-home", "Driver": "bridge",
                                      "IPAM": {"Config": [{"Subnet": "10.206.0.0/16"}]}})
    ids = []
    cleanups.append(lambda: [api("DELETE", f"/containers/{c}?force=true") for c in ids])
    for i in range(n):
        cid = api("POST", f"/containers/create?name={PREFIX}c{i}",
                  {"Image": image, "Cmd": ["sleep", "1000000"],
                   "HostConfig": {"NetworkMode": f"{PREFIX}-home"}})["Id"]
        ids.append(cid)
        api("POST", f"/containers/{cid}/start")
    for i, cid in enumerate(ids if api_too else []):
        record(system, "attach", i, timed(lambda: api("POST", f"/networks/{nid}/connect", {"Container": cid}))[0])
        record(system, "detach", i, timed(lambda: api("POST", f"/networks/{nid}/disconnect",
                                                       {"Container": cid, "Force": False}))[0])
    # the same through the docker command line, one process per command, as a user types it
    docker = ["docker", "-H", f"unix://{d.sock}"]
    for i, cid in enumerate(ids if cli_too else []):
        record("docker-cli", "attach", i, timed(lambda: run(docker + ["network", "connect", nid, cid]))[0])
        record("docker-cli", "detach", i, timed(lambda: run(docker + ["network", "disconnect", nid, cid]))[0])


# ---- summary -------------------------------------------------------------------------

ORDER = ["lnw4j", "lnw4j-port", "c", "ip", "ip-batch", "cni", "cni-masq", "cni-masq-portmap", "netavark",
         "netavark-port", "dockerd-api", "docker-cli", "lnw4j-macvlan", "cni-macvlan", "lnw-cni-fresh", "lnw-cni"]
LABEL = {"lnw4j": "libnetwork4j, Java API (bridge, NAT)", "lnw4j-port": "libnetwork4j, Java API, 1 published port",
         "c": "plain C on libnl (native/bench)", "ip": "ip, one process per step", "ip-batch": "ip -batch (peer made in netns)",
         "cni": "CNI bridge + host-local", "cni-masq": "CNI bridge, ipMasq", "cni-masq-portmap": "CNI bridge, ipMasq + portmap",
         "netavark": "netavark", "netavark-port": "netavark, 1 port", "dockerd-api": "dockerd 20.10 Engine API",
         "docker-cli": "docker network connect/disconnect (CLI)", "lnw4j-macvlan": "libnetwork4j, Java API (macvlan)",
         "cni-macvlan": "CNI macvlan plugin (host-local IPAM)",
         "lnw-cni-fresh": "libnetwork4j CNI plugin, a fresh daemon's first N",
         "lnw-cni": "libnetwork4j CNI plugin (lnw-cni, via a warm lnw daemon)"}


def summarize(csv_path, out, versions, n, n_slow, warmup):
    data = {}
    for system, phase, _, us in csv.reader(open(csv_path)):
        data.setdefault(system, {}).setdefault(phase, []).append(float(us) / 1000)

    def med(s, p):
        v = data.get(s, {}).get(p)
        return statistics.median(v) if v else None

    # not harness_common.pct (the nearest rank, ceil(0.9 N)) but the rank int(0.9 N), one lower where
    # 0.9 N is not whole: the p90 of the peers results written so far
    def p90(s, p):
        v = sorted(data.get(s, {}).get(p, []))
        return v[max(0, int(len(v) * 0.9) - 1)] if v else None
    ref_a, ref_d = med("lnw4j", "attach"), med("lnw4j", "detach")
    ref_pa, ref_pd = med("lnw4j-port", "attach"), med("lnw4j-port", "detach")
    print(f"# libnetwork4j and its peers, side by side - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC", file=out)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {platform.node()}: {cpu}, {os.cpu_count()} cores, kernel {platform.release()}", file=out)
    for v in versions:
        print(f"# {v}", file=out)
    print(f"# N={n} sequential containers (N={n_slow} for the iptables-based variants and dockerd), after"
          f" {warmup} unmeasured ones for libnetwork4j's JVM; ms", file=out)
    width = max([42] + [len(LABEL.get(s, s)) for s in data])  # 42, unless a label is longer
    fmt = "{:<%d} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8}" % width
    print(fmt.format("system", "create", "att.med", "att.p90", "det.med", "det.p90", "per 100", "x attach",
                     "x detach"), file=out)
    for s in [x for x in ORDER if x in data]:
        a, d = med(s, "attach"), med(s, "detach")
        ra = ref_pa if s.endswith(("portmap", "-port")) and ref_pa else ref_a
        rd = ref_pd if s.endswith(("portmap", "-port")) and ref_pd else ref_d

        def f(x):
            return "-" if x is None else f"{x:.3f}" if x < 10 else f"{x:.1f}"

        def ratio(x, ref):  # a run without libnetwork4j (--only) has nothing to divide by
            return "-" if x is None or not ref else f"{x / ref:.1f}"
        print(fmt.format(LABEL.get(s, s), f(med(s, "create")), f(a), f(p90(s, "attach")), f(d), f(p90(s, "detach")),
                         f((a + d) * 100), ratio(a, ra), ratio(d, rd)), file=out)
    print("# x attach / x detach: the system's median over libnetwork4j's (with a port: over libnetwork4j's"
          " with one published port)", file=out)
    mv_a, mv_d = med("lnw4j-macvlan", "attach"), med("lnw4j-macvlan", "detach")
    cm_a, cm_d = med("cni-macvlan", "attach"), med("cni-macvlan", "detach")
    if mv_a and mv_d and cm_a and cm_d:
        print(f"# macvlan: CNI macvlan plugin's median over libnetwork4j's macvlan: x attach {cm_a / mv_a:.1f},"
              f" x detach {cm_d / mv_d:.1f}", file=out)
    cb_a, cb_d = med("cni", "attach"), med("cni", "detach")
    lc_a, lc_d = med("lnw-cni", "attach"), med("lnw-cni", "detach")
    if cb_a and cb_d and lc_a and lc_d:
        print(f"# lnw-cni: CNI bridge plugin's median over lnw-cni's: x attach {cb_a / lc_a:.1f},"
              f" x detach {cb_d / lc_d:.1f}", file=out)
    lf_a, lf_d = med("lnw-cni-fresh", "attach"), med("lnw-cni-fresh", "detach")
    if cb_a and cb_d and lf_a and lf_d:
        print(f"# lnw-cni, a fresh daemon's first {n} calls: x attach {cb_a / lf_a:.1f}, x detach {cb_d / lf_d:.1f}",
              file=out)
    return data, med


def chart(data, med, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    systems = [s for s in ORDER if s in data and "attach" in data[s]]
    fig, ax = plt.subplots(figsize=(11, 5.5))
    x = range(len(systems))
    w = 0.38
    a = [med(s, "attach") for s in systems]
    d = [med(s, "detach") for s in systems]
    ax.bar([i - w / 2 for i in x], a, w, label="attach (median)", color="#3b6fb6")
    ax.bar([i + w / 2 for i in x], d, w, label="detach (median)", color="#e0803a")
    ax.set_yscale("log")
    ax.set_ylabel("ms per container (log scale)")
    ax.set_xticks(list(x))
    ax.set_xticklabels([LABEL.get(s, s).replace(", ", ",\n") for s in systems], rotation=35, ha="right", fontsize=8)
    def label(v):
        return f"{v:.0f}" if v >= 10 else f"{v:.2g}"
    for i, (va, vd) in enumerate(zip(a, d)):
        ax.text(i - w / 2, va * 1.1, label(va), ha="center", fontsize=7)
        ax.text(i + w / 2, vd * 1.1, label(vd), ha="center", fontsize=7)
    ax.set_title("Attach and detach per container, N sequential containers, one run")
    ax.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def versions():
    return [harness_common.debian_packages("containernetworking-plugins", "netavark", "docker.io", "containerd",
                                           "runc", "iproute2", "iptables", "libnl-3-200", "libnftables1"),
            harness_common.java_version(),
            "CNI plugins and netavark: " + ("one nsenter per call into the fake host, then the plugin (older results' way)"
                                            if harness_common.PLUGINS_VIA_NSENTER else
                                            "exec'd directly from inside the fake host, as a runtime in the host does")]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--n-slow", type=int, default=50, help="N for CNI ipMasq/portmap, netavark with a port, dockerd")
    p.add_argument("--warmup", type=int, default=2000,
                   help="unmeasured containers before N for libnetwork4j: the JIT's warm-up, as in a long-running"
                        " JVM that embeds the library (the peers are processes, which have no warm state to keep)")
    p.add_argument("--warmup-c", type=int, default=200, help="unmeasured containers before N for the C floor")
    p.add_argument("--only", default="", help="comma-separated systems (default: all but docker-cli, which"
                                              " run-cli.sh runs beside lnw's own command line)")
    p.add_argument("--out", default=str(REPO / "benchmarks/results"))
    p.add_argument("--replot", metavar="CSV", help="only make the table and chart again from a run's CSV")
    p.add_argument("--plugins-via-nsenter", action="store_true",
                   help="exec each CNI plugin and netavark call through nsenter into the fake host, as the results"
                        " written before this option existed were (each call then pays a second process start)")
    a = p.parse_args()
    harness_common.PLUGINS_VIA_NSENTER = a.plugins_via_nsenter
    if a.replot:
        raw = Path(a.replot)
        header = raw.with_suffix(".txt").read_text().splitlines()
        text = io.StringIO()
        data, med = summarize(raw, text, [l[2:] for l in header[2:-2] if l.startswith("# ") and
                                          not l.startswith("# N=")][:3], a.n, a.n_slow, a.warmup)
        chart(data, med, raw.with_suffix(".png"))
        print(f"written: {raw.with_suffix('.png')}", file=sys.stderr)
        return
    if os.geteuid() != 0:
        sys.exit("run as root: the harness makes network namespaces")
    only = set(filter(None, a.only.split(",")))
    want = lambda s: s in only if only else s != "docker-cli"
    Path(a.out).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lnwp-", dir="/dev/shm"))
    atexit.register(lambda: shutil.rmtree(work, ignore_errors=True))  # runs after at_exit (registered first)
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    out = Path(a.out)
    raw = out / f"peers-{stamp}.csv"
    steps = [("lnw4j", lambda: lnw4j("plain", a.n, a.warmup, work, raw)),
             ("lnw4j-port", lambda: lnw4j("port", a.n, a.warmup, work, raw)),
             ("c", lambda: c_floor(a.n, a.warmup_c, work, raw)),
             ("ip", lambda: ip_steps(a.n, False)), ("ip-batch", lambda: ip_steps(a.n, True)),
             ("cni", lambda: cni(a.n, False, False, work)), ("cni-masq", lambda: cni(a.n_slow, True, False, work)),
             ("cni-masq-portmap", lambda: cni(a.n_slow, True, True, work)),
             ("netavark", lambda: netavark(a.n, False, work)), ("netavark-port", lambda: netavark(a.n_slow, True, work)),
             ("dockerd-api", lambda: dockerd(a.n_slow, work)),
             ("docker-cli", lambda: dockerd(a.n_slow, work, api_too=False, cli_too=True)),
             ("lnw4j-macvlan", lambda: lnw4j("macvlan", a.n, a.warmup, work, raw)),
             ("cni-macvlan", lambda: cni_macvlan(a.n, work)),
             ("lnw-cni", lambda: lnw_cni(a.n, a.warmup, work))]
    for name, fn in steps:
        if not want(name):
            continue
        print(f"{name}...", file=sys.stderr, flush=True)
        t0 = time.time()
        try:
            fn()
        finally:
            with open(raw, "a", newline="") as f:
                csv.writer(f).writerows(rows)
            rows.clear()
            at_exit()  # each system leaves nothing for the next
        print(f"{name}: {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    text = io.StringIO()
    data, med = summarize(raw, text, versions(), a.n, a.n_slow, a.warmup)
    print(text.getvalue(), end="")
    (out / f"peers-{stamp}.txt").write_text(text.getvalue())
    written = [raw, out / f"peers-{stamp}.txt"]
    try:
        chart(data, med, out / f"peers-{stamp}.png")
        written.append(out / f"peers-{stamp}.png")
    except ImportError:
        # run.sh installs python3-matplotlib; a harness run by hand may lack it: the figures
        # are in the text, the chart only draws them
        print("no chart: python3-matplotlib is not installed (benchmarks/peers/run.sh installs it)",
              file=sys.stderr)
    print("written: " + ", ".join(str(w) for w in written), file=sys.stderr)


if __name__ == "__main__":
    main()
