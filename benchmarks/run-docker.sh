#!/usr/bin/env bash
# dockerd 20.10 starting busybox containers on a libnetwork4j network (lnw daemon
# --docker-plugin) and on its own bridge driver, side by side in one run (docker/harness.py):
# create + start, then the first ping reply from the fake host.
#
#   sudo benchmarks/run-docker.sh [N] [harness options...]   (N: rounds per network, default 30)
#
# Everything runs in a throwaway network namespace (lnwdk-<pid>-host) and a mount namespace of
# the harness's own; installs what is missing from Debian's packages first, with every service
# start refused. Writes benchmarks/results/docker-DATE.{txt,csv}.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
[ $# -gt 0 ] && shift
[ "$(id -u)" = 0 ] || { echo "run as root: the harness makes network namespaces" >&2; exit 1; }
case $n in ''|0|*[!0-9]*) echo "usage: $0 [N] [harness options...]   (N > 0)" >&2; exit 2;; esac

. benchmarks/install-missing.sh
work=
prefix="lnwdk-$$"
finish() {
  # the harness cleans up after itself; this sweeps what a harness killed outright left behind
  if [ -n "$work" ] && [ -d "$work" ]; then
    /usr/bin/python3 benchmarks/docker/harness.py sweep --work "$work" --prefix "$prefix" || true
  fi
  remove_start_guard
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

install_missing docker.io busybox-static iptables

work=$(mktemp -d /dev/shm/lnwdk-XXXXXX)
/usr/bin/python3 benchmarks/docker/harness.py --work "$work" --prefix "$prefix" --n "$n" "$@"
