#!/usr/bin/env bash
# The JMH suites: network create/delete, endpoint create/join/leave/delete (both through the
# API, in fake host namespaces of their own), IPAM allocate/release and one store write (no
# kernel).
#
#   sudo benchmarks/run-jmh.sh           the suites' own settings (3-5 minutes)
#   sudo benchmarks/run-jmh.sh --short   for a 2-core machine in a hurry: 1 warm-up and 2
#                                        measured iterations of 1 s each (about a minute;
#                                        wide errors, medians still telling)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "run as root: the suites make network namespaces" >&2; exit 1; }
[ -f benchmarks/target/classpath.txt ] || mvn -B -q -DskipTests package
short=()
[ "${1:-}" = --short ] && short=(-f 1 -wi 1 -i 2 -w 1s -r 1s)
root=$(mktemp -d /dev/shm/lnw-jmh-XXXXXX)
trap 'rmdir "$root" 2>/dev/null || true' EXIT
java --enable-native-access=ALL-UNNAMED -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  org.openjdk.jmh.Main 'NetworkBenchmark|EndpointBenchmark|IpamBenchmark|StoreBenchmark' "${short[@]}" \
  -jvmArgsAppend "-XX:+AlwaysPreTouch -Dlnw.bench.runRoot=$root"
