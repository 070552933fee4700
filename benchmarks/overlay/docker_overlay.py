"""Docker 20.10's own overlay with an external key-value store, for run-overlay.sh (part 4):
three dockerds, each in a fake host namespace on an underlay bridge of its own namespace, with
--cluster-store etcd://IP:2379 --cluster-advertise IP:2376 against etcd 3.4 started with
--enable-v2 in a namespace of its own (libkv's etcd backend speaks etcd's v2 API only).

If the dockerds start and an overlay network made on h1 shows on h2, it times on h1, interleaved,
POST /networks/{id}/connect of a running busybox container to an internal overlay network and to
a local bridge network (a fresh container each round, on a bridge network of its own as its
first network), and the first ping answered by a container on h2 after the overlay connect.
Otherwise it records why, from the daemons' logs and answers.

  harness.py --work W --prefix P --raw FILE [--n N]
  harness.py sweep --work W --prefix P        (run-overlay.sh's last resort)

Appends raw lines to FILE: "docker round=I PHASE ms=X" and "docker-note TEXT". Everything made
(namespaces, etcd, dockerds, containerds, containers, what dockerd leaves on the host) is
removed on exit, also on failure or Ctrl-C.
"""
import argparse
import atexit
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

# shared with the other harnesses; no bytecode cache (it would leave a root-owned __pycache__)
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
sys.dont_write_bytecode = True
import dockerd_ns  # noqa: E402
import harness_common  # noqa: E402
from dockerd_ns import cleanups, stop  # noqa: E402
from harness_common import FakeHost, Signals, cleanup_now, run, timed  # noqa: E402

ETCD_IP = "192.168.78.100"   # the underlay's, inside the namespaces only
UNDERLAY = "192.168.78"
OVERLAY_SUBNET = "10.91.0.0/24"
BRIDGE_SUBNET = "10.208.0.0/24"
HOME_SUBNET = "10.209.0.0/24"

SWEEP_FIRST = (("dockerd ", lambda c: b"dockerd\0" in c, 30, signal.SIGTERM),
               ("etcd ", lambda c: b"etcd\0" in c, 10, signal.SIGTERM))

RAW = None


def note(text):
    print(f"docker: {text}", file=sys.stderr, flush=True)
    with open(RAW, "a") as f:
        f.write("docker-note " + " ".join(text.split()) + "\n")


def raw(line):
    with open(RAW, "a") as f:
        f.write(line + "\n")


def lab(prefix, work, n_hosts):
    """The underlay bridge, etcd's namespace and n_hosts hosts on it, etcd answering."""
    ul = FakeHost(f"{prefix}-ul")
    ul.ip("link add br0 type bridge")
    ul.ip("link set br0 up")
    hosts = []
    for i, name in [(100, "etcd")] + [(k, f"h{k}") for k in range(1, n_hosts + 1)]:
        h = FakeHost(f"{prefix}-{name}")
        run(["ip", "-n", ul.name, "link", "add", f"u{name}", "type", "veth", "peer", "name", "eth0", "netns", h.name])
        ul.ip(f"link set u{name} master br0 up")
        h.ip(f"addr add {UNDERLAY}.{i}/24 dev eth0")
        h.ip("link set eth0 up")
        hosts.append(h)
    etcd_ns, hosts = hosts[0], hosts[1:]
    data = work / "etcd-data"
    data.mkdir()
    log = open(work / "etcd.log", "w")
    p = subprocess.Popen(etcd_ns.enter(["/usr/bin/etcd", "--name", "lnwov", "--data-dir", str(data), "--enable-v2=true",
                                        "--listen-client-urls", f"http://{ETCD_IP}:2379",
                                        "--advertise-client-urls", f"http://{ETCD_IP}:2379",
                                        "--listen-peer-urls", "http://127.0.0.1:2380",
                                        "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                                        "--initial-cluster", "lnwov=http://127.0.0.1:2380"]),
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    cleanups.append(lambda: stop(p, "etcd"))
    for _ in range(200):  # bounded: 20 s
        if p.poll() is not None:
            break
        # the v2 API, which libkv uses
        r = run(etcd_ns.enter(["curl", "-s", "-m", "1", f"http://{ETCD_IP}:2379/v2/keys/"]), check=False)
        if r.returncode == 0 and '"action"' in r.stdout:
            return hosts
        time.sleep(0.1)
    raise RuntimeError("etcd (v2 API) did not answer: " + (work / "etcd.log").read_text()[-2000:])


def ping_pid(pid, ip, seconds):
    """The first answered ping from the namespace of pid to ip, busybox's ping every 10 ms
    (its shortest interval), bounded: seconds from now to the answer, or None."""
    t0 = time.monotonic()
    r = run(["nsenter", f"--net=/proc/{pid}/ns/net", "/bin/busybox", "ping", "-c", "1", "-w", str(seconds),
             "-i", "0.01", ip], check=False, timeout=seconds + 10)
    if r.returncode != 0:
        note(f"ping from pid {pid} to {ip}: exit {r.returncode}: {(r.stdout + r.stderr).strip()[-300:]}")
        return None
    return time.monotonic() - t0


def own_hostname(name):
    """dockerd_ns's private mount namespace, plus a UTS namespace with a host name of its own:
    the overlay's gossip (serf) names each node by its host name, and three dockerds with the
    machine's one conflict ("Node name conflicts with another node"), and serf quits."""
    def wrap(cmd):
        return ["unshare", "--mount", "--uts", "--propagation", "private", "sh", "-c", 'hostname "$0" && exec "$@"',
                name] + list(cmd)
    return wrap


def docker(a, work, prefix):
    hosts = lab(prefix, work, 3)
    store = [f"--cluster-store=etcd://{ETCD_IP}:2379"]
    ds = []
    for i, h in enumerate(hosts, 1):
        root = work / "docker" / f"h{i}"
        try:
            ds.append(dockerd_ns.start(h, root, args=store + [f"--cluster-advertise={UNDERLAY}.{i}:2376"],
                                       mount_ns=own_hostname(f"{a.prefix}-h{i}")))
        except Exception as e:
            log = (root / "dockerd.log")
            tail = log.read_text(errors="replace").splitlines()[-12:] if log.exists() else []
            note(f"dockerd of h{i} did not start with {store[0]}: {e}")
            for line in tail:
                note(f"  h{i} dockerd.log: {line}")
            raise
    note(f"three dockerds started with {store[0]} --cluster-advertise {UNDERLAY}.N:2376")
    d1, d2 = ds[0], ds[1]
    for i, d in enumerate(ds, 1):
        info = d.api("GET", "/info")
        note(f"h{i}: ClusterStore={info.get('ClusterStore')!r} ClusterAdvertise={info.get('ClusterAdvertise')!r}"
             f" Warnings={info.get('Warnings')}")
    try:
        ov = d1.api("POST", "/networks/create", {"Name": "ov1", "Driver": "overlay", "Internal": True,
                                                  "CheckDuplicate": True,
                                                  "IPAM": {"Config": [{"Subnet": OVERLAY_SUBNET}]}})["Id"]
    except Exception as e:
        note(f"docker network create -d overlay on h1 failed: {e}")
        for line in d1.log.read_text(errors="replace").splitlines()[-12:]:
            note(f"  h1 dockerd.log: {line}")
        raise
    cleanups.append(lambda: d1.api("DELETE", f"/networks/{ov}"))
    seen = None
    for _ in range(100):  # bounded: 10 s
        try:
            d2.api("GET", f"/networks/{ov}")
            seen = True
            break
        except Exception as e:
            seen = e
            time.sleep(0.1)
    if seen is not True:
        note(f"the overlay network made on h1 did not show on h2 within 10 s: {seen}")
        raise RuntimeError("overlay network not shared")
    note("overlay network ov1 made on h1 shows on h2 through etcd")
    images = [d.import_busybox(f"{prefix}-busybox") for d in ds[:2]]
    made = []

    def remove_containers():
        for d, cid in reversed(made):
            try:
                d.api("DELETE", f"/containers/{cid}?force=true")
            except Exception as e:
                print(f"cleanup: container {cid[:12]}: {e}", file=sys.stderr)
    cleanups.append(remove_containers)

    def container(d, image, name, net):
        cid = d.api("POST", f"/containers/create?name={name}",
                    {"Image": image, "Cmd": ["sleep", "1000000"], "HostConfig": {"NetworkMode": net}})["Id"]
        made.append((d, cid))
        d.api("POST", f"/containers/{cid}/start")
        return cid

    target = container(d2, images[1], f"{prefix}-target", "ov1")
    tip = d2.api("GET", f"/containers/{target}/json")["NetworkSettings"]["Networks"]["ov1"]["IPAddress"]
    br = d1.api("POST", "/networks/create", {"Name": "b1", "Driver": "bridge", "CheckDuplicate": True,
                                             "IPAM": {"Config": [{"Subnet": BRIDGE_SUBNET}]}})["Id"]
    cleanups.append(lambda: d1.api("DELETE", f"/networks/{br}"))
    home = d1.api("POST", "/networks/create", {"Name": "home", "Driver": "bridge", "CheckDuplicate": True,
                                               "IPAM": {"Config": [{"Subnet": HOME_SUBNET}]}})["Id"]
    cleanups.append(lambda: d1.api("DELETE", f"/networks/{home}"))
    warm = 5
    for i in range(-warm, a.n):
        for kind, nid in (("overlay", ov), ("bridge", br)) if i % 2 == 0 else (("bridge", br), ("overlay", ov)):
            cid = container(d1, images[0], f"{prefix}-c{i + warm}-{kind}", "home")
            us, _ = timed(lambda: d1.api("POST", f"/networks/{nid}/connect", {"Container": cid}))
            if i >= 0:
                raw(f"docker round={i} connect-{kind} ms={us / 1000:.3f}")
                if kind == "overlay" and i < a.n_ping:
                    pid = d1.api("GET", f"/containers/{cid}/json")["State"]["Pid"]
                    s = ping_pid(pid, tip, 5)
                    # from the connect's start, as the libnetwork4j side is timed from the attach's
                    raw(f"docker round={i} first-reply ms={us / 1000 + s * 1000:.3f}" if s is not None
                        else f"docker round={i} first-reply timeout")
            d1.api("DELETE", f"/containers/{cid}?force=true")
            made.remove((d1, cid))
    for i, d in enumerate(ds, 1):
        for line in d.log.read_text(errors="replace").splitlines():
            if re.search(r"level=(error|warning).*(serf|memberlist)", line):
                note(f"  h{i} dockerd.log: {line[:300]}")
    note(f"{a.n} rounds of POST /networks/ID/connect, overlay and bridge interleaved, after {warm} unmeasured;"
         f" the first ping from h1's container to h2's ({tip}) after the overlay connect, {min(a.n, a.n_ping)}"
         f" rounds (busybox ping from a new process: ~5 ms of process start in each)")


def main():
    global RAW
    if len(sys.argv) > 1 and sys.argv[1] == "sweep":
        return harness_common.sweep_command(SWEEP_FIRST)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=30)
    p.add_argument("--n-ping", type=int, default=10)
    p.add_argument("--work", required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--raw", required=True)
    a = p.parse_args()
    RAW = a.raw
    Signals.install()
    work = harness_common.work_dir(a.work, "lnwov-")
    atexit.register(harness_common.final, work)
    t0 = time.time()
    try:
        docker(a, work, a.prefix)
    except Exception as e:
        note(f"FAILED: {type(e).__name__}: {e}")
        return 1
    finally:
        cleanup_now()
        note(f"docker part: {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
