#!/usr/bin/env bash
# libnetwork4j against its peers, side by side in one run (see harness.py), then the scale run.
#
#   sudo benchmarks/peers/run.sh [N] [N_SLOW] [harness options...]   (defaults 200 and 50;
#                                   e.g. --only cni,lnw-cni: those systems alone, no scale run)
#
# Installs the peers from Debian's packages first (containernetworking-plugins, netavark,
# docker.io, busybox-static; python3-matplotlib for the chart), with every service start
# refused while it does (a dockerd started by the package would change the machine's own
# network namespace: it runs only inside the harness's throwaway namespace). Results go to
# benchmarks/results/: peers-DATE.{csv,txt,png} and scale-DATE.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=200
n_slow=50
case ${1:-} in [0-9]*) n=$1; shift;; esac
case ${1:-} in [0-9]*) n_slow=$1; shift;; esac
[ "$(id -u)" = 0 ] || { echo "run as root: the harness makes network namespaces" >&2; exit 1; }

. benchmarks/install-missing.sh
trap remove_start_guard EXIT
install_missing containernetworking-plugins netavark docker.io busybox-static python3-matplotlib iptables

if [ ! -f benchmarks/target/classpath.txt ] || [ ! -x java/target/cmake/lnw-attach-bench ]; then
  mvn -B -q -DskipTests package
fi

/usr/bin/python3 benchmarks/peers/harness.py --n "$n" --n-slow "$n_slow" "$@"
# a run of a few systems (--only) is about them: no scale run after it
case " $* " in *" --only"*) exit 0;; esac

stamp=$(date -u +%Y%m%dT%H%M%SZ)
java --enable-native-access=ALL-UNNAMED -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  org.libnetwork4j.bench.ScaleRun 1000 500 /dev/shm | tee "benchmarks/results/scale-$stamp.txt"
