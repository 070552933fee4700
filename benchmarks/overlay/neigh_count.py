"""Part 3 of run-overlay.sh: waits for an overlay network's namespace to be mounted at PATH (the
driver makes it at a host's first join), enters it, and dumps its IPv4 neighbour table over
rtnetlink about every millisecond until it holds EXPECTED permanent entries (the peers the
driver programs: one per remote endpoint).

  neigh_count.py WORK PATH EXPECTED SECONDS      (WORK: only so that the sweep finds it)

Prints "ready", then "ns T_NS" when it entered the namespace and "done T_NS DUMPS" when the
table was full (CLOCK_MONOTONIC, as the JVM's System.nanoTime), or "timeout COUNT". Bounded.
"""
import ctypes
import os
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
RTM_NEWNEIGH, RTM_GETNEIGH, NLMSG_DONE, NLMSG_ERROR = 28, 30, 3, 2
NUD_PERMANENT = 0x80


def enter(path, libc):
    """setns into the namespace at path; False while it is not one yet (no file, or the empty
    file before the bind mount: setns says EINVAL)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return libc.setns(fd, CLONE_NEWNET) == 0
    finally:
        os.close(fd)


def count(sock, seq):
    """Permanent IPv4 neighbour entries, from one RTM_GETNEIGH dump."""
    req = struct.pack("=IHHII", 16 + 12, RTM_GETNEIGH, 0x1 | 0x300, seq, 0) + struct.pack("=BxxxiHBB", 2, 0, 0, 0, 0)
    sock.send(req)
    n = 0
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off < len(data):
            length, typ = struct.unpack_from("=IH", data, off)
            if typ == NLMSG_DONE:
                return n
            if typ == NLMSG_ERROR:
                raise OSError("netlink dump: error")
            if typ == RTM_NEWNEIGH:
                family, _, state = struct.unpack_from("=BxxxiH", data, off + 16)
                if family == 2 and state & NUD_PERMANENT:
                    n += 1
            off += (length + 3) & ~3


def main():
    path, expected, seconds = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    libc = ctypes.CDLL(None, use_errno=True)
    print("ready", flush=True)
    deadline = time.monotonic_ns() + int(seconds * 1e9)
    while not enter(path, libc):
        if time.monotonic_ns() > deadline:
            print("timeout 0", flush=True)
            return
        time.sleep(0.0005)
    print(f"ns {time.monotonic_ns()}", flush=True)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)  # made in the namespace
    dumps, n = 0, 0
    while time.monotonic_ns() < deadline:
        dumps += 1
        n = count(sock, dumps)
        if n >= expected:
            print(f"done {time.monotonic_ns()} {dumps}", flush=True)
            return
        time.sleep(0.001)
    print(f"timeout {n}", flush=True)


if __name__ == "__main__":
    main()
