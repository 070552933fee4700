#!/usr/bin/env bash
# `lnw network connect` and `lnw network disconnect` as whole processes, the way a user or a
# script runs them: JVM start, argument parsing, the controller opened on its state directory
# (store, recovery), the work, the controller closed. N sandboxes one after the other.
#
#   sudo benchmarks/run-cli.sh [N]        (default 30)
#
# Everything happens in a throwaway host namespace (ip netns lnwb-cli-PID), with state and run
# directories of its own under /dev/shm; all of it is removed on exit, also on failure.
# Prints medians and p90s and writes them, with the raw times, to benchmarks/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
[ "$(id -u)" = 0 ] || { echo "run as root: lnw creates network namespaces" >&2; exit 1; }

ns=lnwb-cli-$$
dir=$(mktemp -d /dev/shm/lnwb-cli-XXXXXX)
raw=$(mktemp)
lnw() { nsenter --net=/run/netns/$ns ./lnw --state-dir "$dir/state" --run-dir "$dir/run" "$@"; }
cleanup() {
  set +e
  if [ -d "$dir/state" ]; then
    for s in $(lnw sandbox ls -q 2>/dev/null); do lnw sandbox rm "$s" >/dev/null 2>&1; done
    lnw network rm bench >/dev/null 2>&1
  fi
  ip netns del "$ns" 2>/dev/null
  for m in $(awk -v d="$dir" '$5 ~ "^"d {print $5}' /proc/self/mountinfo); do umount -l "$m"; done
  rm -rf "$dir" "$raw"
}
trap cleanup EXIT

./lnw --version >/dev/null  # builds if needed, and makes the class data sharing archive once
ip netns add "$ns"
lnw network create --subnet 10.210.0.0/16 bench >/dev/null
for i in $(seq 1 "$n"); do lnw sandbox create "c$i" >/dev/null; done

us() { echo $(( ($2 - $1) / 1000 )); }
for i in $(seq 1 "$n"); do
  t0=$(date +%s%N); lnw network connect bench "c$i"; t1=$(date +%s%N)
  lnw network disconnect bench "c$i"; t2=$(date +%s%N)
  echo "connect $(us "$t0" "$t1")" >>"$raw"
  echo "disconnect $(us "$t1" "$t2")" >>"$raw"
done
t0=$(date +%s%N); ./lnw --version >/dev/null; t1=$(date +%s%N)
echo "version $(us "$t0" "$t1")" >>"$raw"

out=benchmarks/results/cli-$(date -u +%Y%m%dT%H%M%SZ).txt
python3 - "$raw" "$n" <<'PY' | tee "$out"
import sys, statistics, platform, subprocess, datetime
rows = [l.split() for l in open(sys.argv[1])]
def times(k): return sorted(int(v) / 1000 for key, v in rows if key == k)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"# lnw as whole processes - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, N={sys.argv[2]}")
print(f"# {platform.node()}: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, kernel {platform.release()}")
print(f"# {subprocess.run(['java', '-version'], capture_output=True, text=True).stderr.splitlines()[0]}")
print(f"{'command':<22} {'median':>8} {'p90':>8}   (ms)")
for k, label in (("connect", "lnw network connect"), ("disconnect", "lnw network disconnect")):
    t = times(k)
    print(f"{label:<22} {statistics.median(t):>8.1f} {t[int(len(t) * 0.9) - 1]:>8.1f}")
print(f"{'lnw --version':<22} {times('version')[0]:>8.1f}")
print("# docker network connect/disconnect on this machine kind (../shared/PEERS.md): 57.5 / 83.3 ms median")
print("# raw, in microseconds")
for r in rows:
    print("# " + " ".join(r))
PY
echo "written to $out" >&2
