#!/usr/bin/env bash
# Attach and detach side by side, interleaved in one session (ROUNDS rounds of each):
#   c       the plain C floor (native/bench/attach_bench.c) on the native core;
#   kernel  the same steps through the Java kernel facade (AttachBenchmark, JMH);
#   cnm     createEndpoint + join / sandbox.delete() through the public API (CnmBenchmark);
#           attachPort/detachPort: the same with one published port (-p 8080:80).
# Then LNW_ATTACH_SETS sets (default 12; a multiple of 3 keeps the order balanced) of 200
# attaches of each of the three, in blocks a few seconds apart (bench/AttachPairs.java): the
# ratio to the C floor taken within each set, which the VM's drift from minute to minute does
# not move as it moves the rounds' ratio.
# Containers follow each other back to back, as in ../shared/PEERS.md: each attach shares the
# kernel with the previous container's asynchronous teardown. The JMH forks touch their heap at
# start (-XX:+AlwaysPreTouch; Bench.PRE_TOUCH says why): the Java rows are a long-running
# controller's, not a fresh JVM's first pass through its heap.
#
#   sudo benchmarks/run-attach.sh [ROUNDS]        (default 3)
#
# Everything runs in namespaces the programs make (an anonymous fake host, sandboxes under
# /run/lnw-bench-PID); the machine's own network namespace is not touched. Prints a table of
# medians and writes it, with the raw lines, to benchmarks/results/attach-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
[ "$(id -u)" = 0 ] || { echo "run as root: the benchmarks create network namespaces" >&2; exit 1; }

if [ ! -x java/target/cmake/lnw-attach-bench ] || [ ! -f benchmarks/target/classpath.txt ]; then
  mvn -B -q -DskipTests package
fi
cfloor=java/target/cmake/lnw-attach-bench
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
out=benchmarks/results/attach-$(date -u +%Y%m%dT%H%M%SZ).txt
raw=$(mktemp)
# Namespaces and sandbox files go to tmpfs, as /run is on a standard host; a disk file system
# would add its own costs (an ext4 truncate alone costs ~100 us) to what is measured.
runroot=$(mktemp -d /dev/shm/lnw-bench-XXXXXX)
trap 'rm -f "$raw" "$raw".json; rmdir "$runroot" 2>/dev/null' EXIT

for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds: C floor" >&2
  "$cfloor" 2000 200 "$runroot/c" | sed "s/^/c round=$r /" >>"$raw"
  echo "round $r/$rounds: Java, kernel facade and CNM API (JMH)" >&2
  java --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main 'AttachBenchmark|CnmBenchmark' \
       -jvmArgsAppend "-XX:+AlwaysPreTouch -Dlnw.bench.runRoot=$runroot" -rf json -rff "$raw.json" >/dev/null
  python3 benchmarks/summary.py jmh "$raw.json" "$r" AttachBenchmark=kernel CnmBenchmark=cnm >>"$raw"
done

# Then the same three in sets of short blocks a few seconds apart (AttachPairs says why): the
# ratio taken within each set, so that the VM's drift from minute to minute cancels.
sets=${LNW_ATTACH_SETS:-12}
echo "paired: $sets sets of C, kernel facade and CNM blocks" >&2
# (a failure here costs only this phase: the rounds above are still written)
java --enable-native-access=ALL-UNNAMED -XX:+AlwaysPreTouch -Dlnw.bench.runRoot="$runroot" -cp "$cp" \
     org.libnetwork4j.bench.AttachPairs "$sets" 200 "$cfloor" "$runroot" | sed 's/^/pairs /' >>"$raw" ||
  echo "paired phase failed: its sets are missing from the table" >&2

PYTHONPATH=benchmarks python3 - "$raw" <<'PY' | tee "$out"
import sys
from summary import Raw
raw = Raw(sys.argv[1])
raw.header("attach/detach: plain C, Java kernel facade, CNM API")
print("# JMH forks: -XX:+AlwaysPreTouch (a long-running JVM's heap; before 2026-12-06 23:40 UTC they ran without it)")
print(f"{'phase':<10} {'system':<7} {'median':>8} {'p90':>8} {'ratio':>6}")
for phase in ("attach", "detach"):
    cm = raw.med("c", phase)
    for system, ph in (("c", phase), ("kernel", phase), ("cnm", phase), ("cnm", phase + "Port")):
        m, p = raw.med(system, ph), raw.med(system, ph, "p90_ms")
        print(f"{ph:<10} {system:<7} {m:>8.3f} {p:>8.3f} {m/cm:>6.2f}")
for phase in ("attach", "detach"):
    print(f"# {phase}: one published port / none = {raw.med('cnm', phase + 'Port') / raw.med('cnm', phase):.2f}")
sets = [r for r in raw.rows if r[:2] == ["pairs", "set"]]
if sets:
    import statistics
    def spread(col):
        v = sorted(float(r[col]) for r in sets)
        q = statistics.quantiles(v, n=4) if len(v) > 1 else [v[0]] * 3
        return f"{statistics.median(v):.2f} (quartiles {q[0]:.2f}-{q[2]:.2f})"
    print(f"# paired, {len(sets)} sets of 200 attaches each (C, kernel facade, CNM a few seconds apart),"
          " median of the per-set ratios:")
    print(f"#   kernel / C {spread(6)}; CNM / C {spread(7)}")
raw.footer()
PY
echo "written to $out" >&2
