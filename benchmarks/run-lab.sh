#!/usr/bin/env bash
# A network partition of one container, side by side in one run (see lab/harness.py): the way
# it is done today with Docker (dockerd 20.10: `docker network disconnect`, then `connect`,
# through the Engine API and through the docker command line) and with libnetwork4j's lab
# faults (LabBench: partition, isolate, link down, loss, bandwidth; apply and remove).
#
#   sudo benchmarks/run-lab.sh [N]     (N rounds, default 200; the docker CLI does min(N, 50))
#
# LabBench runs first, before dockerd is started, so that dockerd's CPU use does not disturb
# it; without benchmarks/target/classes/.../LabBench.class only the docker part runs. dockerd
# runs only inside a throwaway namespace (lnwlab-<pid>-docker) with no link to the machine's
# own network, in a mount namespace of its own (benchmarks/dockerd_ns.py). Installs what is
# missing from Debian's packages first, with every service start refused (a dockerd started by
# the package would change the machine's own namespace). Writes benchmarks/results/lab-DATE.{txt,csv}.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
[ $# -gt 0 ] && shift
[ "$(id -u)" = 0 ] || { echo "run as root: the harness makes network namespaces" >&2; exit 1; }
case $n in ''|0|*[!0-9]*) echo "usage: $0 [N] [harness options...]   (N > 0)" >&2; exit 2;; esac

. benchmarks/install-missing.sh
work=
prefix="lnwlab-$$"
finish() {
  # the harness cleans up after itself; this sweeps what a harness killed outright left behind
  if [ -n "$work" ] && [ -d "$work" ]; then
    /usr/bin/python3 benchmarks/lab/harness.py sweep --work "$work" --prefix "$prefix" || true
  fi
  remove_start_guard
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

install_missing docker.io busybox-static iptables

# LabBench is optional: compiled if its source is there and newer than its class
# (LNW_LAB_NO_BUILD=1: never compile, run what is there)
cls=benchmarks/target/classes/org/libnetwork4j/bench/LabBench.class
src=benchmarks/src/main/java/org/libnetwork4j/bench/LabBench.java
if [ -f "$src" ] && [ -z "${LNW_LAB_NO_BUILD:-}" ]; then
  if [ ! -f benchmarks/target/classpath.txt ] || [ ! -d java/target/classes ]; then
    echo "build first: mvn -B -q -DskipTests package" >&2; exit 1
  fi
  if [ ! -f "$cls" ] || [ "$src" -nt "$cls" ]; then
    mvn -B -q -o -pl benchmarks compile
  fi
fi

work=$(mktemp -d /dev/shm/lnwlab-XXXXXX)
/usr/bin/python3 benchmarks/lab/harness.py --work "$work" --prefix "$prefix" --n "$n" "$@"
