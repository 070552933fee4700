#!/usr/bin/env bash
# The scale run, side by side in one session: TOTAL live containers on bridges of PER_BRIDGE
# ports, attached one after the other and kept alive,
#   c     by the plain C floor (native/bench/scale_bench.c), each step of the attach timed;
#   java  through the CNM API (createEndpoint + join, ScaleRun), with, once all are live, the
#         heap, the descriptors, sandbox create/delete, network delete, five controller restarts
#         with a connection held across them, and the teardown.
# Prints the attach median per hundred of both against the live count (a table, and a chart
# for benchmarks/RESULTS.md), and writes everything to benchmarks/results/scale-<date>.txt.
#
#   sudo benchmarks/run-scale.sh [TOTAL] [PER_BRIDGE]      (default 10000 1000: ~15 minutes)
#
# Everything runs in namespaces the programs make, under a private directory in /dev/shm;
# the machine's own namespace is not touched, and both programs remove all they made, also
# after a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-10000}
per_bridge=${2:-1000}
[ "$(id -u)" = 0 ] || { echo "run as root: the benchmarks create network namespaces" >&2; exit 1; }

if [ ! -x java/target/cmake/lnw-scale-bench ] || [ ! -f benchmarks/target/classpath.txt ]; then
  mvn -B -q -DskipTests package
fi
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
out=benchmarks/results/scale-$(date -u +%Y%m%dT%H%M%SZ).txt
raw=$(mktemp -d)
runroot=$(mktemp -d /dev/shm/lnw-scale-XXXXXX)
trap 'rm -rf "$raw"; rmdir "$runroot" 2>/dev/null || true' EXIT

echo "C floor: $total live on bridges of $per_bridge" >&2
java/target/cmake/lnw-scale-bench "$total" "$per_bridge" "$runroot/c" >"$raw/c.txt"
echo "Java, CNM API: $total live on bridges of $per_bridge" >&2
java --enable-native-access=ALL-UNNAMED -cp "$cp" org.libnetwork4j.bench.ScaleRun "$total" "$per_bridge" \
  "$runroot" >"$raw/java.txt"

PYTHONPATH=benchmarks python3 - "$raw/c.txt" "$raw/java.txt" <<'PY' | tee "$out"
import re, sys
from summary import Raw

def hundreds(path):
    rows = {}
    for line in open(path):
        if line.startswith("hundred="):
            kv = dict(f.split("=", 1) for f in line.split())
            rows[int(kv["live"])] = kv
    return rows

c, j = hundreds(sys.argv[1]), hundreds(sys.argv[2])
Raw(sys.argv[1]).header("scale: attach with N live containers, plain C and the CNM API")
print("# attach and sandbox create: median of each hundred, ms; ratio = Java / C")
print(f"{'live':>6} {'c attach':>9} {'java attach':>12} {'ratio':>6} {'c sandbox':>10} {'java sandbox':>13}")
lives = sorted(set(c) & set(j))
for live in lives:
    if live == lives[0] or live % 1000 == 0 or live == lives[-1]:
        ca, ja = float(c[live]["attach_med_ms"]), float(j[live]["attach_med_ms"])
        print(f"{live:>6} {ca:>9.3f} {ja:>12.3f} {ja / ca:>6.2f} {float(c[live]['sandbox_med_ms']):>10.3f}"
              f" {float(j[live]['sandbox_med_ms']):>13.3f}")
steps = ("sandbox", "veth", "hostend", "addr", "up", "route", "settle")
jsteps = {}
for line in open(sys.argv[2]):
    if line.startswith("java_steps "):
        kv = dict(f.split("=", 1) for f in line.split()[1:])
        jsteps[int(kv["live"])] = kv
print("# each step of the attach, ms: C floor (median of the hundred ending there) / Java kernel facade")
print("# (30 probes on a bridge of their own: the global growth, not the per-bridge one)")
print(f"{'live':>6} " + " ".join(f"{s:>15}" for s in steps))
for live, kv in sorted(jsteps.items()):
    row = c.get(max(100, (live + 99) // 100 * 100)) or {}
    cells = [f"{row.get(s + '_med_ms', '-'):>7}/{kv[s + '_med_ms']:<7}" for s in steps]
    print(f"{live:>6} " + " ".join(cells))
print("# chart (mermaid), attach median per thousand live")
step = [l for l in lives if l % 1000 == 0] or lives
print("xychart-beta")
print('    x-axis "live containers" [' + ", ".join(str(l) for l in step) + "]")
print('    y-axis "attach median (ms)"')
print("    line [" + ", ".join(c[l]["attach_med_ms"] for l in step) + "]")
print("    line [" + ", ".join(j[l]["attach_med_ms"] for l in step) + "]")
print("# C floor, every step per hundred, and its summaries")
for line in open(sys.argv[1]):
    print("# c " + line.rstrip())
print("# Java")
for line in open(sys.argv[2]):
    print("# java " + line.rstrip())
PY
