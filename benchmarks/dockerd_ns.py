"""dockerd 20.10 in a throwaway namespace, for the benchmark harnesses (peers/harness.py and
dns/harness.py), and the cleanup stack everything they start is registered on.

start() runs dockerd in a fake host's network namespace (the harness's `ip netns`), in a mount
namespace of its own, with its data and exec roots in the harness's work directory, and talks
to its Engine API over the unix socket there. dockerd still makes a few things outside those
roots (/etc/docker/key.json, /run/docker, /run/containerd, a "docker" cgroup directory under
each hierarchy), and containerd and its shims, which dockerd starts, outlive it if it is killed:
start() notes what is there before and registers, on `cleanups`, the removal of what was added
and the stopping of every process it started (by PID, after checking its command line still
names this dockerd's root). sweep() does the same from the record start() leaves, for a harness
that was killed outright.

Standard library only: the harnesses run it with /usr/bin/python3.
"""
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

# what dockerd may create outside its data/exec roots; removed afterwards if it was not there before
DOCKER_HOST_PATHS = ["/etc/docker", "/run/docker", "/run/containerd", "/var/lib/docker", "/var/lib/containerd"]

cleanups = []  # callables, run last in first out by at_exit()


def at_exit():
    while cleanups:
        f = cleanups.pop()
        try:
            f()
        except Exception as e:  # cleanup must go on
            print(f"cleanup: {e}", file=sys.stderr)


# ---- stopping processes ------------------------------------------------------------------

def stop(p, name, grace=15):
    """Stops a child process of ours (a subprocess.Popen): SIGTERM, after grace s SIGKILL."""
    if p.poll() is not None:
        return
    p.terminate()
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        print(f"{name} (pid {p.pid}) ignored SIGTERM for {grace} s: SIGKILL", file=sys.stderr)
        p.kill()
        p.wait(10)


def cmdline(pid):
    """A process's command line, arguments separated by NUL (b"" if it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def wait_gone(pids, seconds):
    """Waits up to seconds for every one of pids to be gone; True if they are."""
    for _ in range(int(seconds * 20)):
        if not any(Path(f"/proc/{p}").exists() for p in pids):
            return True
        time.sleep(0.05)
    return False


def kill_pid(pid, must_contain, grace=10):
    """Stops a process we started that is not our child (a daemon that forked), by its PID,
    after checking its command line still names what we started (PIDs are reused)."""
    if must_contain not in cmdline(pid).replace(b"\0", b" ").decode(errors="replace"):
        return  # gone, or the PID is someone else's now
    os.kill(pid, signal.SIGTERM)
    if not wait_gone([pid], grace):
        os.kill(pid, signal.SIGKILL)


def container_pids(data_root):
    """Processes in the cgroups of the containers of the dockerd whose data root this is: what
    is left of them if their shims died first (their command lines do not name anything of ours)."""
    try:
        ids = os.listdir(Path(data_root) / "containers")
    except OSError:
        return []
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cg = (d / "cgroup").read_text()
            except OSError:
                continue
            if any(f"/docker/{i}" in cg for i in ids):
                pids.append(int(d.name))
    return pids


def kill_containers(data_root):
    for pid in container_pids(data_root):
        print(f"cleanup: SIGKILL container process {pid}", file=sys.stderr)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for _ in range(100):
        if not container_pids(data_root):
            break
        time.sleep(0.05)


def kill_leftovers(root):
    """containerd and its shims, started by the dockerd at root: their command lines name root."""
    kill_containers(root / "data")
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid() and str(root).encode() in cmdline(d.name):
            kill_pid(int(d.name), str(root))


# ---- what dockerd makes on the host -------------------------------------------------------

def snapshot(paths):
    """What exists under paths now (to remove, later, only what was added)."""
    seen = {}
    for p in paths:
        if not os.path.lexists(p):
            seen[p] = None
            continue
        entries = []
        for d, dirs, files in os.walk(p):
            entries += [os.path.join(d, x) for x in dirs + files]
        seen[p] = entries
    return seen


def remove_added(before):
    for p, entries in before.items():
        if entries is None:
            if os.path.lexists(p):
                print(f"cleanup: removing {p} (dockerd made it)", file=sys.stderr)
                shutil.rmtree(p, ignore_errors=True)
            continue
        old = set(entries)
        now = []
        for d, dirs, files in os.walk(p):
            now += [os.path.join(d, x) for x in dirs + files]
        for x in sorted(set(now) - old, key=len, reverse=True):
            print(f"cleanup: removing {x} (dockerd made it)", file=sys.stderr)
            if os.path.isdir(x) and not os.path.islink(x):
                shutil.rmtree(x, ignore_errors=True)
            else:
                try:
                    os.unlink(x)
                except OSError:
                    pass


def cgroup_snapshot():
    """The cgroup directories dockerd makes ("docker" under each v1 hierarchy, or under the v2
    root) and their sub-directories now, to remove later what was added."""
    base = Path("/sys/fs/cgroup")
    dirs = [base / "docker"] + [d / "docker" for d in base.iterdir() if d.is_dir() and not d.is_symlink()]
    return {str(d): sorted(str(x) for x in d.rglob("*") if x.is_dir()) if d.is_dir() else None for d in dirs}


def remove_cgroups(before):
    """rmdir (all a cgroup directory takes; it fails while a process is in one) of what was added."""
    for d, old in before.items():
        if not os.path.isdir(d):
            continue
        keep = set(old or [])
        for x in sorted((str(x) for x in Path(d).rglob("*") if x.is_dir()), key=len, reverse=True):
            if x not in keep:
                try:
                    os.rmdir(x)
                except OSError as e:
                    print(f"cleanup: rmdir {x}: {e}", file=sys.stderr)
        if old is None:
            try:
                os.rmdir(d)
            except OSError as e:
                print(f"cleanup: rmdir {d}: {e}", file=sys.stderr)


# ---- dockerd and its Engine API -----------------------------------------------------------

class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


class Dockerd:
    """A dockerd made by start(): its process, its socket and its Engine API."""

    def __init__(self, proc, root, log):
        self.proc = proc
        self.root = root
        self.sock = root / "docker.sock"
        self.log = log

    def api(self, method, url, body=None, raw=None):
        c = UnixHTTP(str(self.sock))
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        c.request(method, url, body=data, headers=headers)
        r = c.getresponse()
        text = r.read().decode()
        c.close()
        if r.status >= 300:
            raise RuntimeError(f"docker {method} {url}: {r.status} {text}")
        return json.loads(text) if text.strip().startswith(("{", "[")) else text

    def wait_ready(self):
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError(f"dockerd exited {self.proc.returncode}; see {self.log}")
            if self.sock.exists():
                try:
                    self.api("GET", "/_ping")
                    return
                except Exception:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"dockerd did not answer within 30 s; see {self.log}")

    def import_busybox(self, repo):
        """An image holding busybox (package busybox-static), imported from a tar: repo:1."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            t.add("/bin/busybox", arcname="bin/busybox")
            for name in ("sleep", "sh"):
                link = tarfile.TarInfo(f"bin/{name}")
                link.type = tarfile.SYMTYPE
                link.linkname = "busybox"
                t.addfile(link)
        self.api("POST", f"/images/create?fromSrc=-&repo={repo}&tag=1", raw=buf.getvalue())
        return f"{repo}:1"


def private_mounts(cmd):
    """cmd in a mount namespace of its own: whatever dockerd and containerd mount goes with them."""
    return ["unshare", "--mount", "--propagation", "private"] + list(cmd)


def start(host, root, log=None, args=(), mount_ns=private_mounts):
    """dockerd in host's network namespace (host.enter(cmd) wraps a command to run there), in the
    mount namespace mount_ns(cmd) makes, with its data and exec roots, socket, pid file and (by
    default) log under root, which must not exist yet. args go after dockerd's own. Registers on
    `cleanups` its stop, then the stop of what it left running, then the removal of what it
    made outside root; returns once its API answers."""
    log = log or root / "dockerd.log"
    (root / "data").mkdir(parents=True)
    (root / "exec").mkdir()
    before, cgroups = snapshot(DOCKER_HOST_PATHS), cgroup_snapshot()
    # for sweep(), should the harness be killed before its cleanups run
    (root / "host-paths.json").write_text(json.dumps({"paths": before, "cgroups": cgroups}))
    cleanups.append(lambda: remove_cgroups(cgroups))
    cleanups.append(lambda: remove_added(before))
    cmd = host.enter(mount_ns(["dockerd", "--storage-driver=vfs", "--iptables=true", "--bridge=none", *args,
                               f"--data-root={root / 'data'}", f"--exec-root={root / 'exec'}",
                               f"-H=unix://{root / 'docker.sock'}", f"--pidfile={root / 'dockerd.pid'}"]))
    # a session of its own: a Ctrl-C reaches only the harness, which then stops it in order
    with open(log, "w") as out:
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    cleanups.append(lambda: kill_leftovers(root))
    cleanups.append(lambda: stop(proc, "dockerd", grace=30))
    d = Dockerd(proc, root, log)
    d.wait_ready()
    return d


def sweep(root):
    """What the dockerd start() ran at root left on the host, once it and the harness are gone
    (the harness killed outright): container processes, then what it made outside root."""
    kill_containers(Path(root) / "data")
    record = Path(root) / "host-paths.json"
    if record.exists():
        saved = json.loads(record.read_text())
        remove_added(saved["paths"])
        remove_cgroups(saved["cgroups"])
