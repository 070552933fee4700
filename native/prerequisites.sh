#!/usr/bin/env bash
# What building libnetwork4j needs from the distribution (and, unless --skip-tests=true, what
# its tests use as oracles and peers), installed when missing. Maven runs it before anything
# is built (the validate phase), so that `mvn -B verify` and `./lnw quickstart` work as the
# first command on a fresh Debian 12 that has only a JDK, Maven and git.
#
#   native/prerequisites.sh [--skip-tests=true|false]
#
# As root with apt, it says what it installs and why, then installs it with every service
# start refused (podman ships a socket unit). Otherwise it fails at once with the command to
# run. Skip it with mvn -Dlnw.prerequisites.skip=true (a machine set up another way).
set -euo pipefail

with_tests=1
for a in "$@"; do
  case $a in
    --skip-tests=true) with_tests= ;;
    --skip-tests=*) ;;
    *) echo "prerequisites.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done

# package|probe where dpkg is absent (cmd:NAME on PATH, pc:MODULE for pkg-config, file:PATH)|why
build=(
  "libnl-3-dev|pc:libnl-3.0|netlink, for the C core"
  "libnl-route-3-dev|pc:libnl-route-3.0|links, addresses and routes, for the C core"
  "libnl-nf-3-dev|pc:libnl-nf-3.0|conntrack, for the C core"
  "libnftables-dev|pc:libnftables|nftables rules in-process, for the C core"
  "cmake|cmd:cmake|building the C core and its JNI library"
  "gcc|cmd:gcc|building the C core and its JNI library"
  "libc6-dev|file:/usr/include/stdio.h|the C library's headers and start files, for gcc"
  "make|cmd:make|building the C core and its JNI library"
  "pkg-config|cmd:pkg-config|finding libnl and libnftables"
)
tests=(
  "iproute2|cmd:ip|ip, the tests' independent view of links, addresses and routes"
  "nftables|cmd:nft|nft, the tests' independent view of the firewall"
  "iputils-ping|cmd:ping|real traffic in the tests"
  "socat|cmd:socat|real TCP and UDP traffic in the tests"
  "curl|cmd:curl|an HTTP client of another uid, on the unix sockets of the Docker edges, in the tests"
  "util-linux|cmd:nsenter|nsenter and unshare, to run tools in the tests' namespaces"
  "bind9-dnsutils|cmd:dig|dig, the DNS tests' client"
  "dnsmasq-base|cmd:dnsmasq|fake upstream resolvers in the DNS tests"
  "python3|cmd:python3|malformed DNS queries in the tests"
  "runc|cmd:runc|a real runtime's hook in the tests"
  "busybox-static|cmd:busybox|the tests' container images"
  "podman|cmd:podman|a real CNI runtime in the tests"
  "docker.io|cmd:dockerd|a real dockerd, with libnetwork4j as its network plugin, in the tests"
  "etcd-server|cmd:etcd|the cluster store of the multi-host tests (run in their own namespaces)"
  "etcd-client|cmd:etcdctl|the tests' independent view of the cluster store"
  "clang|cmd:clang|the C core's libFuzzer targets, run by native/sanitize.sh"
  "libclang-rt-14-dev|file:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a|libFuzzer and the sanitizers' runtimes for clang"
)
wanted=("${build[@]}")
[ -z "$with_tests" ] || wanted+=("${tests[@]}")

present() { # package probe
  if command -v dpkg-query >/dev/null 2>&1; then
    [ "$(dpkg-query -W -f '${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
    return
  fi
  case $2 in
    cmd:*) command -v "${2#cmd:}" >/dev/null 2>&1 ;;
    pc:*) pkg-config --exists "${2#pc:}" 2>/dev/null ;;
    file:*) [ -e "${2#file:}" ] ;;
  esac
}

missing=()
reasons=()
for entry in "${wanted[@]}"; do
  IFS='|' read -r pkg probe why <<<"$entry"
  if ! present "$pkg" "$probe"; then
    missing+=("$pkg")
    reasons+=("  $pkg: $why")
  fi
done
[ ${#missing[@]} -gt 0 ] || exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  {
    echo "libnetwork4j: these are missing (Debian's package names; install your distribution's equivalents):"
    printf '%s\n' "${reasons[@]}"
  } >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  {
    echo "libnetwork4j: these packages are missing, and installing them needs root:"
    printf '%s\n' "${reasons[@]}"
    echo "run: sudo apt-get update && sudo $command"
  } >&2
  exit 1
fi

if [ -n "$with_tests" ]; then what="the build and its tests need"; else what="the build needs"; fi
echo "libnetwork4j: installing what $what from Debian's packages:"
printf '%s\n' "${reasons[@]}"
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
$command
