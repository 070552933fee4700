#!/usr/bin/env bash
# `lnw network connect` and `lnw network disconnect` as whole processes, the way a user or a
# script runs them: JVM start, argument parsing, the controller opened on its state directory
# (store, recovery), the work, the controller closed. N sandboxes one after the other. Then
# the same with `lnw daemon` running (the launcher's thin client sends each command to it),
# and docker's command line against a private dockerd.
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
daemon=
cleanup() {
  set +e
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; fi
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
# connect and disconnect every sandbox in turn; the times go to $raw as PREFIXconnect/disconnect
connect_all() {
  local i t0 t1 t2
  for i in $(seq 1 "$n"); do
    t0=$(date +%s%N); lnw network connect bench "c$i"; t1=$(date +%s%N)
    lnw network disconnect bench "c$i"; t2=$(date +%s%N)
    echo "${1}connect $(us "$t0" "$t1")" >>"$raw"
    echo "${1}disconnect $(us "$t1" "$t2")" >>"$raw"
  done
}
connect_all ""
t0=$(date +%s%N); ./lnw --version >/dev/null; t1=$(date +%s%N)
echo "version $(us "$t0" "$t1")" >>"$raw"

# the same commands with `lnw daemon` running: the launcher hands them to its thin client
# started directly (not through the lnw function, a subshell): $! is then the JVM's own pid,
# as nsenter and the launcher exec into it
nsenter --net=/run/netns/$ns ./lnw --state-dir "$dir/state" --run-dir "$dir/run" daemon 2>/dev/null &
daemon=$!
for _ in $(seq 1 600); do [ -S "$dir/state/lnw.sock" ] && break; sleep 0.05; done
[ -S "$dir/state/lnw.sock" ] || { echo "lnw daemon did not start" >&2; exit 1; }
connect_all daemon-
kill "$daemon"; wait "$daemon" || true; daemon=

# docker's command line beside it, in the same session: a private dockerd in a throwaway
# namespace (benchmarks/peers/harness.py), `docker network connect/disconnect` as processes
if command -v dockerd >/dev/null; then
  /usr/bin/python3 benchmarks/peers/harness.py --only docker-cli --n-slow "$n" --out "$dir" >/dev/null
  awk -F, '$1 == "docker-cli" && ($2 == "attach" || $2 == "detach") {
             printf "docker-%s %d\n", ($2 == "attach" ? "connect" : "disconnect"), $4 }' "$dir"/peers-*.csv >>"$raw"
else
  echo "(no dockerd: install docker.io, as benchmarks/peers/run.sh does, to time docker beside lnw)" >&2
fi

out=benchmarks/results/cli-$(date -u +%Y%m%dT%H%M%SZ).txt
python3 - "$raw" "$n" <<'PY' | tee "$out"
import sys, statistics, platform, subprocess, datetime
rows = [l.split() for l in open(sys.argv[1])]
def times(k): return sorted(int(v) / 1000 for key, v in rows if key == k)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"# lnw as whole processes - {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, N={sys.argv[2]}")
print(f"# {platform.node()}: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, kernel {platform.release()}")
print(f"# {subprocess.run(['java', '-version'], capture_output=True, text=True).stderr.splitlines()[0]}")
print(f"{'command':<26} {'median':>8} {'p90':>8}   (ms)")
for k, label in (("connect", "lnw network connect"), ("disconnect", "lnw network disconnect"),
                 ("daemon-connect", "  with lnw daemon"), ("daemon-disconnect", "  with lnw daemon (disc.)"),
                 ("docker-connect", "docker network connect"), ("docker-disconnect", "docker network disconnect")):
    t = times(k)
    if t:
        print(f"{label:<26} {statistics.median(t):>8.1f} {t[int(len(t) * 0.9) - 1]:>8.1f}")
print(f"{'lnw --version':<26} {times('version')[0]:>8.1f}")
print("# docker: its CLI against a private dockerd 20.10 in a throwaway namespace, same containers count")
print("# raw, in microseconds")
for r in rows:
    print("# " + " ".join(r))
PY
echo "written to $out" >&2
