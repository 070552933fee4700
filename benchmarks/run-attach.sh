#!/usr/bin/env bash
# Attach and detach side by side, interleaved in one session (ROUNDS rounds of each):
#   c       the plain C floor (native/bench/attach_bench.c) on the native core;
#   kernel  the same steps through the Java kernel facade (AttachBenchmark, JMH);
#   cnm     createEndpoint + join / sandbox.delete() through the public API (CnmBenchmark);
#           attachPort/detachPort: the same with one published port (-p 8080:80).
# Containers follow each other back to back, as in ../shared/PEERS.md: each attach shares the
# kernel with the previous container's asynchronous teardown.
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
       -jvmArgsAppend "-Dlnw.bench.runRoot=$runroot" -rf json -rff "$raw.json" >/dev/null
  python3 - "$raw.json" "$r" >>"$raw" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    cls, name = b["benchmark"].rsplit(".", 2)[1:]
    system = "kernel" if cls == "AttachBenchmark" else "cnm"
    p = b["primaryMetric"]["scorePercentiles"]
    n = b["primaryMetric"]["rawDataHistogram"]
    count = sum(c for fork in n for it in fork for _, c in it)
    print(f"{system} round={sys.argv[2]} {name:<10} n={count} median_ms={p['50.0']/1000:.3f} p90_ms={p['90.0']/1000:.3f}")
PY
done

python3 - "$raw" <<'PY' | tee "$out"
import re, statistics, sys, platform, subprocess, datetime
rows = [l.split() for l in open(sys.argv[1])]
def pick(system, phase, key):
    return [float(re.search(key + r"=([0-9.]+)", " ".join(r)).group(1))
            for r in rows if r[0] == system and r[2] == phase]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"# attach/detach: plain C, Java kernel facade, CNM API - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC")
print(f"# {platform.node()}: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, kernel {platform.release()}")
print(f"# {subprocess.run(['java', '-version'], capture_output=True, text=True).stderr.splitlines()[0]}")
print("# medians over rounds of each round's median / p90, in ms; ratio = median / C median")
print(f"{'phase':<10} {'system':<7} {'median':>8} {'p90':>8} {'ratio':>6}")
med = lambda system, phase, key="median_ms": statistics.median(pick(system, phase, key))
for phase in ("attach", "detach"):
    cm = med("c", phase)
    for system, ph in (("c", phase), ("kernel", phase), ("cnm", phase), ("cnm", phase + "Port")):
        m, p = med(system, ph), med(system, ph, "p90_ms")
        print(f"{ph:<10} {system:<7} {m:>8.3f} {p:>8.3f} {m/cm:>6.2f}")
for phase in ("attach", "detach"):
    print(f"# {phase}: one published port / none = {med('cnm', phase + 'Port') / med('cnm', phase):.2f}")
print("# raw")
for r in rows:
    print("# " + " ".join(r))
PY
echo "written to $out" >&2
