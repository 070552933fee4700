#!/usr/bin/env bash
# DNS resolvers side by side, in one run (see dns/harness.py): libnetwork4j's embedded resolver,
# aardvark-dns 1.4 (twice: on a bare bridge, and set up by netavark with its firewall as podman
# does) and dockerd 20.10's embedded resolver serve the same container names; each is
# asked from inside one of its containers for a container name and for a name only the (fake)
# upstream knows (latency p50/p99), and loaded with dnsperf (qps, and the CPU time each
# resolver's process spends per query); for libnetwork4j also the time from join's return to the
# new name resolving. A last row calibrates the client: dns/ceiling.c, a responder that costs
# almost nothing (a fixed answer, 64 queries per recvmmsg), asked the same way: no resolver can
# be shown faster than that row on this machine.
#
#   sudo benchmarks/run-dns.sh [SECONDS] [harness options...]   (SECONDS: dnsperf duration, default 10)
#   e.g. --only ceiling --dnsperf "-T 2 -c 4 -q 64" (the client ceiling alone, other load options)
#
# Everything runs in throwaway namespaces (lnwdns-<pid>-*) with no link to the machine's own
# network; the only upstream is dnsmasq inside them, so no query leaves the machine. Installs
# what is missing from Debian's packages first, with every service start refused (a dockerd
# started by the package would change the machine's own namespace). Writes
# benchmarks/results/dns-DATE.{txt,csv}.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
[ $# -gt 0 ] && shift
[ "$(id -u)" = 0 ] || { echo "run as root: the harness makes network namespaces" >&2; exit 1; }
case $seconds in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [harness options...]" >&2; exit 2;; esac

. benchmarks/install-missing.sh
work=
prefix="lnwdns-$$"
finish() {
  # the harness cleans up after itself; this sweeps what a harness killed outright left behind
  if [ -n "$work" ] && [ -d "$work" ]; then
    /usr/bin/python3 benchmarks/dns/harness.py sweep --work "$work" --prefix "$prefix" || true
  fi
  remove_start_guard
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

install_missing aardvark-dns netavark dnsperf dnsmasq-base bind9-dnsutils docker.io busybox-static iptables

cls=benchmarks/target/classes/org/libnetwork4j/bench/DnsServe.class
src=benchmarks/src/main/java/org/libnetwork4j/bench/DnsServe.java
if [ ! -f benchmarks/target/classpath.txt ] || [ ! -d java/target/classes ]; then
  echo "build first: mvn -B -q -DskipTests package" >&2; exit 1
fi
if [ ! -f "$cls" ] || [ "$src" -nt "$cls" ]; then
  mvn -B -q -o -pl benchmarks compile
fi

work=$(mktemp -d /dev/shm/lnwdns-XXXXXX)
/usr/bin/python3 benchmarks/dns/harness.py --work "$work" --prefix "$prefix" --seconds "$seconds" "$@"
