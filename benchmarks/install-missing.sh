# Sourced by the benchmark scripts: install_missing PKG... installs from Debian's packages
# those of PKG that are missing, with every service start refused while it does (a dockerd or
# dnsmasq started by its package would change the machine's own network namespace). The
# refusal (/usr/sbin/policy-rc.d) is ours only if there was none; it is removed again before
# this returns, and by remove_start_guard, which callers also run on exit.
start_guard=
remove_start_guard() {
  if [ -n "$start_guard" ]; then rm -f /usr/sbin/policy-rc.d; start_guard=; fi
}
install_missing() {
  local need=() p
  for p in "$@"; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && start_guard=1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
  remove_start_guard
}
