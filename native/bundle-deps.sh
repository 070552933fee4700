#!/usr/bin/env bash
# Copies the shared libraries liblnw4j.so needs beyond the C library (libnl, libnftables and
# theirs) next to it, under bundled/, so that the jar runs on a glibc Linux without them:
#
#   native/bundle-deps.sh DIR     (DIR holds liblnw4j.so; writes DIR/bundled/)
#
# bundled/order lists them, each under its soname, in an order where every library comes
# after those it needs: NativeLoader loads them in that order when the host lacks them. The
# Debian copyright files of their packages go along (bundled/licenses/).
set -euo pipefail
dir=${1:?usage: bundle-deps.sh DIR}
lib=$dir/liblnw4j.so
out=$dir/bundled
rm -rf "$out"
mkdir -p "$out/licenses"

# the C library's own objects stay the host's: they must match its dynamic linker
system='^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libresolv)\.'
declare -A path
while read -r soname _ file _; do
  [[ $soname =~ $system ]] && continue
  [ -f "$file" ] || { echo "bundle-deps.sh: $soname not found ($file)" >&2; exit 1; }
  path[$soname]=$file
done < <(ldd "$lib" | awk '$2 == "=>" {print $1, $2, $3}')

needs() { # the bundled sonames a library needs
  readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r n; do
    [ -n "${path[$n]+x}" ] && echo "$n"
  done
}
declare -A done_
order=()
for _ in "${!path[@]}"; do # each pass places at least one: bounded by their number
  for so in "${!path[@]}"; do
    [ -n "${done_[$so]+x}" ] && continue
    ready=1
    for n in $(needs "${path[$so]}"); do
      [ -n "${done_[$n]+x}" ] || ready=
    done
    if [ -n "$ready" ]; then
      order+=("$so")
      done_[$so]=1
    fi
  done
done
[ ${#order[@]} -eq ${#path[@]} ] || { echo "bundle-deps.sh: a dependency cycle among ${!path[*]}" >&2; exit 1; }

for so in "${order[@]}"; do
  cp -L "${path[$so]}" "$out/$so"
  if command -v dpkg-query >/dev/null 2>&1; then
    # dpkg knows a file by the path its package installed (/lib or /usr/lib, merged or not)
    real=$(readlink -f "${path[$so]}")
    pkg=$(dpkg-query -S "${path[$so]%/*}/${real##*/}" "$real" 2>/dev/null | head -1 | cut -d: -f1) || true
    if [ -n "$pkg" ] && [ -f "/usr/share/doc/$pkg/copyright" ]; then
      cp "/usr/share/doc/$pkg/copyright" "$out/licenses/$pkg.copyright"
    fi
  fi
done
printf '%s\n' "${order[@]}" >"$out/order"
