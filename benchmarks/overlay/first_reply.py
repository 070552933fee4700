"""Part 2 of run-overlay.sh: run in a new container's namespace before its join, sends an ICMP
echo to a container on another host every millisecond and prints when the first answer came.

  first_reply.py WORK IP SECONDS        (WORK: only so that the sweep finds it by its work dir)

Prints "ready" once its socket is open, then one line: "reply T_NS FIRST_SENT_NS SENT" (T_NS and
FIRST_SENT_NS on CLOCK_MONOTONIC, which the JVM's System.nanoTime reads too; FIRST_SENT_NS: the
first send the kernel took, i.e. once the interface had its address and route) or "timeout".
Before the join, sends fail (no route): that is expected and cheap. Bounded by SECONDS.
"""
import os
import select
import socket
import struct
import sys
import time


def checksum(b):
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    ip, seconds = sys.argv[2], float(sys.argv[3])
    ident = os.getpid() & 0xFFFF
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setblocking(False)
    print("ready", flush=True)
    deadline = time.monotonic_ns() + int(seconds * 1e9)
    seq, sent, first_sent = 0, 0, 0
    while time.monotonic_ns() < deadline:
        seq = (seq + 1) & 0xFFFF
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr), ident, seq)
        try:
            s.sendto(pkt, (ip, 0))
            sent += 1
            first_sent = first_sent or time.monotonic_ns()
        except OSError:
            pass  # no route yet: the join has not given the interface its address
        next_send = time.monotonic_ns() + 1_000_000
        while True:
            wait = (next_send - time.monotonic_ns()) / 1e9
            if wait <= 0 or not select.select([s], [], [], wait)[0]:
                break
            data = s.recv(2048)
            ihl = (data[0] & 0x0F) * 4
            typ, _, _, rid, _ = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if typ == 0 and rid == ident:
                print(f"reply {time.monotonic_ns()} {first_sent} {sent}", flush=True)
                return
    print("timeout", flush=True)


if __name__ == "__main__":
    main()
