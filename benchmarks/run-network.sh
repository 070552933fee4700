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
       -jvmArgsAppend "-Dlnw.bench.runRoot=$runroot" -rf json -rff "$raw.json" >/dev/null
  python3 - "$raw.json" "$r" >>"$raw" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    name = b["benchmark"].rsplit(".", 1)[1]
    p = b["primaryMetric"]["scorePercentiles"]
    n = b["primaryMetric"]["rawDataHistogram"]
    count = sum(c for fork in n for it in fork for _, c in it)
    print(f"java round={sys.argv[2]} {name} n={count} median_ms={p['50.0']/1000:.3f} p90_ms={p['90.0']/1000:.3f}")
PY
done

python3 - "$raw" <<'PY' | tee "$out"
import re, statistics, sys, platform, subprocess, datetime
rows = [l.split() for l in open(sys.argv[1])]
def pick(system, phase, key):
    return [float(re.search(key + r"=([0-9.]+)", " ".join(r)).group(1))
            for r in rows if r[0] == system and r[2] == phase]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"# network create/delete: plain C floor and Java NetworkBenchmark - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC")
print(f"# {platform.node()}: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, kernel {platform.release()}")
print(f"# {subprocess.run(['java', '-version'], capture_output=True, text=True).stderr.splitlines()[0]}")
print("# medians over rounds of each round's median / p90, in ms; ratio = median / C median")
print(f"{'phase':<8} {'system':<6} {'median':>8} {'p90':>8} {'ratio':>6}")
med = lambda system, phase, key="median_ms": statistics.median(pick(system, phase, key))
for phase in ("create", "delete"):
    cm = med("c", phase)
    for system in ("c", "java"):
        m, p = med(system, phase), med(system, phase, "p90_ms")
        print(f"{phase:<8} {system:<6} {m:>8.3f} {p:>8.3f} {m/cm:>6.2f}")
print("# raw")
for r in rows:
    print("# " + " ".join(r))
PY
echo "written to $out" >&2
