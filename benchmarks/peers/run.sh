#!/usr/bin/env bash
# libnetwork4j against its peers, side by side in one run (see harness.py), then the scale run.
#
#   sudo benchmarks/peers/run.sh [N] [N_SLOW]     (defaults 200 and 50)
#
# Installs the peers from Debian's packages first (containernetworking-plugins, netavark,
# docker.io, busybox-static; python3-matplotlib for the chart), with every service start
# refused while it does (a dockerd started by the package would change the machine's own
# network namespace: it runs only inside the harness's throwaway namespace). Results go to
# benchmarks/results/: peers-DATE.{csv,txt,png} and scale-DATE.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200}
n_slow=${2:-50}
[ "$(id -u)" = 0 ] || { echo "run as root: the harness makes network namespaces" >&2; exit 1; }

need=()
for p in containernetworking-plugins netavark docker.io busybox-static python3-matplotlib iptables; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  trap '[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

if [ ! -f benchmarks/target/classpath.txt ] || [ ! -x java/target/cmake/lnw-attach-bench ]; then
  mvn -B -q -DskipTests package
fi

/usr/bin/python3 benchmarks/peers/harness.py --n "$n" --n-slow "$n_slow"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
java --enable-native-access=ALL-UNNAMED -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  org.libnetwork4j.bench.ScaleRun 1000 500 /dev/shm | tee "benchmarks/results/scale-$stamp.txt"
