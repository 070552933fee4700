#!/usr/bin/env bash
# The overlay benchmark of issue 15, in one run (OverlayRun, then overlay/docker_overlay.py):
#   1. attach (createEndpoint + join of a new sandbox) on an overlay network and on a local
#      bridge, same host, interleaved: ROUNDS rounds of each after unmeasured ones, at least
#      2000, until the JIT compilers of the lab's JVMs are quiet (see OverlayRun.WARMUP_MIN);
#   2. attach on host A until the first ping answered by a container on host B (an lnw daemon
#      in a JVM of its own): ROUNDS/10 rounds with A known to B already ("warm"), as many without;
#   3. a new host D joining a network with 300 endpoints on hosts B and C: its controller opened,
#      the network seen, its first join, until its overlay namespace holds all 300 neighbours;
#   4. Docker 20.10's own overlay with --cluster-store against etcd 3.4 (--enable-v2): three
#      dockerds in fake hosts; POST /networks/ID/connect to the overlay and to a bridge,
#      interleaved, and the first ping answered from another host (ROUNDS/10 rounds).
#
#   sudo benchmarks/run-overlay.sh [ROUNDS]        (default 200: ~5 minutes on 2 cores)
#
# Environment, for quick comparisons: LNW_OVERLAY_PARTS, the parts to run (default 1234; e.g.
# 1 for the attach alone); LNW_OVERLAY_CP, classpath entries put first (e.g. a libnetwork4j jar
# of another commit, to compare it under the same conditions); LNW_OVERLAY_ALONE=1 (with
# LNW_OVERLAY_PARTS=1), no lnw daemons on hosts B and C: all hosts share this machine's CPUs,
# and without them A's attach no longer competes with their reaction to each publication;
# LNW_OVERLAY_WARMUP, exactly this many unmeasured rounds in part 1 (default: until the JIT is
# quiet, 2000 to 20000).
#
# Everything runs in throwaway namespaces (an underlay bridge in a namespace of its own, etcd in
# another, the hosts on it: parts 1-3 as mounts under a private directory in /dev/shm, part 4 as
# `ip netns` names lnwov-PID-*) with no link to the machine's own network; every process is
# stopped by its PID, every mount removed, also on failure or Ctrl-C. Writes
# benchmarks/results/overlay-<date>.txt: machine, date, load, versions, medians, p90, ratios, raw.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-200}
case $rounds in ''|0|*[!0-9]*) echo "usage: $0 [ROUNDS]   (ROUNDS > 0)" >&2; exit 2;; esac
[ "$(id -u)" = 0 ] || { echo "run as root: the benchmark creates network namespaces" >&2; exit 1; }
for f in /usr/bin/etcd /usr/bin/etcdctl /usr/sbin/dockerd; do
  [ -x "$f" ] || { echo "$f is missing (etcd-server, etcd-client, docker.io)" >&2; exit 1; }
done
if [ ! -f benchmarks/target/classes/org/libnetwork4j/bench/OverlayRun.class ] || [ ! -f benchmarks/target/classpath.txt ]; then
  echo "build first: mvn -B -q -o -DskipTests -Dlnw.prerequisites.skip=true package" >&2; exit 1
fi
ping_rounds=$(( rounds / 10 > 5 ? rounds / 10 : 5 ))
newhost_rounds=5
cp="${LNW_OVERLAY_CP:+$LNW_OVERLAY_CP:}benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
parts=${LNW_OVERLAY_PARTS:-1234}
export LNW_OVERLAY_PARTS=$parts
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=benchmarks/results/overlay-$stamp.txt
work=$(mktemp -d /dev/shm/lnw-overlay-XXXXXX)
raw=$work/raw.txt
prefix="lnwov-$$"
load0=$(cut -d' ' -f1-3 /proc/loadavg)

finish() {
  # OverlayRun and the harness clean up after themselves; this is the last resort for what a
  # killed one left: processes whose command line names the work directory (by PID), what
  # dockerd left, mounts under the work directory (deepest first), the directory
  trap '' INT TERM HUP
  /usr/bin/python3 benchmarks/overlay/docker_overlay.py sweep --work "$work/docker" --prefix "$prefix" 2>&1 \
    | grep -v '^$' >&2 || true
  for pid in $(cat "$work"/lnw-ov-*/pids 2>/dev/null); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$work"; then
      echo "sweep: SIGTERM $pid" >&2; kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
      [ -e "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  awk -v w="$work/" 'index($5, w) == 1 { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2- \
    | while read -r m; do echo "sweep: umount $m" >&2; umount -l "$m" || true; done
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

echo "parts 1-3: libnetwork4j (OverlayRun), $rounds rounds" >&2
[ -z "${LNW_OVERLAY_CP:-}" ] || echo "note classpath first (LNW_OVERLAY_CP): $LNW_OVERLAY_CP" >>"$raw"
[ "$parts" = 1234 ] || echo "note parts run (LNW_OVERLAY_PARTS): $parts" >>"$raw"
[ -z "${LNW_OVERLAY_ALONE:-}" ] || echo "note no daemons on hosts B and C (LNW_OVERLAY_ALONE)" >>"$raw"
[ -z "${LNW_OVERLAY_WARMUP:-}" ] || echo "note unmeasured rounds of part 1 (LNW_OVERLAY_WARMUP): $LNW_OVERLAY_WARMUP" >>"$raw"
# in a new network namespace: it becomes host A, and the etcd clients in this JVM connect from it
LNW_BENCH_OUTER_NETNS=$(readlink /proc/$$/ns/net) unshare --net -- java --enable-native-access=ALL-UNNAMED \
  ${LNW_OVERLAY_WARMUP:+-Dlnw.overlay.warmup=$LNW_OVERLAY_WARMUP} -cp "$cp" org.libnetwork4j.bench.OverlayRun "$rounds" "$ping_rounds" \
  "$newhost_rounds" "$work" "$PWD" | tee -a "$raw" | grep -v '^op ' >&2
if [[ $parts == *4* ]]; then
  echo "part 4: dockerd 20.10 with --cluster-store" >&2
  /usr/bin/python3 benchmarks/overlay/docker_overlay.py --work "$work/docker" --prefix "$prefix" --raw "$raw" \
    --n "$((ping_rounds * 2))" --n-ping "$ping_rounds" || echo "docker part failed (recorded in the results)" >&2
fi

PYTHONPATH=benchmarks python3 benchmarks/overlay/summary.py "$raw" "$load0" "$rounds" | tee "$out"
echo "written to $out" >&2
