#!/usr/bin/env bash
# The embedded resolver's gap across a restart of the real `lnw daemon` (issue 14; see
# dns/restart_gap.py): a container asks for another one's name every 5 ms while the daemon is
# stopped with SIGTERM, or killed with SIGKILL, and started again at once; per round the outage,
# the new daemon's start to ready, whether a client's retry 1 s or 5 s later would have been
# answered, and any error answer or ICMP refusal.
#
#   sudo benchmarks/run-dns-restart.sh [ROUNDS] [restart_gap.py options...]   (ROUNDS per mode, default 5)
#   e.g. --modes kill --interval-ms 2
#
# Everything runs in a throwaway fake host (ip netns lnwgap-<pid>-host) with no link anywhere,
# the daemon's state and run directories in a fresh /tmp/lnwgap-XXXXXX; all of it is removed on
# exit, also on failure or Ctrl-C. Builds through ./lnw if need be (mvn package, nothing
# installed). Writes benchmarks/results/dns-restart-DATE.{txt,csv}.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
[ $# -gt 0 ] && shift
[ "$(id -u)" = 0 ] || { echo "run as root: the harness makes network namespaces" >&2; exit 1; }
case $rounds in ''|*[!0-9]*|0) echo "usage: $0 [ROUNDS] [restart_gap.py options...]" >&2; exit 2;; esac
for tool in ip nsenter; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (iproute2, util-linux)" >&2; exit 1; }
done

work=
prefix="lnwgap-$$"
finish() {
  # the harness cleans up after itself; this sweeps what a harness killed outright left behind:
  # processes naming the work directory (the daemon's JVM), mounts under it (the sandboxes'
  # namespaces), namespaces named with our prefix (the fake host), the directory
  if [ -n "$work" ] && [ -d "$work" ]; then
    /usr/bin/python3 benchmarks/dns/restart_gap.py sweep --work "$work" --prefix "$prefix" || true
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

./lnw --version >/dev/null  # builds if needed, and makes the class data sharing archive once

work=$(mktemp -d /tmp/lnwgap-XXXXXX)
/usr/bin/python3 benchmarks/dns/restart_gap.py --work "$work" --prefix "$prefix" --rounds "$rounds" "$@"
