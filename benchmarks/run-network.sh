#!/usr/bin/env bash
# Network create and delete side by side, interleaved in one session (ROUNDS rounds of each):
#   c     the plain C floor (native/bench/network_bench.c) on the native core;
#   java  NetworkBenchmark (JMH): controller.newNetwork("bridge", .., 10.202.0.0/24) and
#         network.delete(), on a controller that has one other network.
#
#   sudo benchmarks/run-network.sh [ROUNDS]        (default 3)
#
# Everything runs in namespaces the programs make; the machine's own network namespace is not
# touched. Prints a table of medians and writes it, with the raw lines, to
# benchmarks/results/network-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
[ "$(id -u)" = 0 ] || { echo "run as root: the benchmarks create network namespaces" >&2; exit 1; }

if [ ! -x java/target/cmake/lnw-network-bench ] || [ ! -f benchmarks/target/classpath.txt ]; then
  mvn -B -q -DskipTests package
fi
cfloor=java/target/cmake/lnw-network-bench
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
mkdir -p benchmarks/results
out=benchmarks/results/network-$(date -u +%Y%m%dT%H%M%SZ).txt
raw=$(mktemp)
runroot=$(mktemp -d /dev/shm/lnw-bench-XXXXXX)
trap 'rm -f "$raw" "$raw".json; rmdir "$runroot" 2>/dev/null' EXIT

for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds: C floor" >&2
  "$cfloor" 200 20 | sed "s/^/c round=$r /" >>"$raw"
  echo "round $r/$rounds: Java (JMH NetworkBenchmark)" >&2
  java --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main NetworkBenchmark \
       -jvmArgsAppend "-XX:+AlwaysPreTouch -Dlnw.bench.runRoot=$runroot" -rf json -rff "$raw.json" >/dev/null
  python3 benchmarks/summary.py jmh "$raw.json" "$r" >>"$raw"
done

PYTHONPATH=benchmarks python3 - "$raw" <<'PY' | tee "$out"
import sys
from summary import Raw
raw = Raw(sys.argv[1])
raw.header("network create/delete: plain C floor and Java NetworkBenchmark")
print(f"{'phase':<8} {'system':<6} {'median':>8} {'p90':>8} {'ratio':>6}")
for phase in ("create", "delete"):
    cm = raw.med("c", phase)
    for system in ("c", "java"):
        m, p = raw.med(system, phase), raw.med(system, phase, "p90_ms")
        print(f"{phase:<8} {system:<6} {m:>8.3f} {p:>8.3f} {m/cm:>6.2f}")
print(f"# reap (the kernel's delete, in the background for Java): C median {raw.med('c', 'reap'):.1f} ms")
raw.footer()
PY
echo "written to $out" >&2
