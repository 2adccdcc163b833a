#!/usr/bin/env bash
# Builds the Debian package from a build folder and checks it: `tests/install/package.sh BUILD VERSION SOURCE`.
# The package is made with CPack into a scratch folder, its control fields are read, it is unpacked
# with `dpkg -x` (no root, no container), and the unpacked program is checked by installed.sh.
set -euo pipefail
build=$(cd "$1" && pwd)
version=$2
source=$3
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 || { cat "$scratch/cpack.log"; fail "cpack failed"; }
arch=$(dpkg --print-architecture)
deb=$scratch/out/decree_${version}_${arch}.deb
[ -f "$deb" ] || { ls "$scratch/out"; fail "no decree_${version}_${arch}.deb"; }

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = decree ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), not $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
[ -n "$depends" ] || fail "no Depends"

dpkg -x "$deb" "$scratch/root"
# Depends names the package of every shared library the program links (as dpkg-shlibdeps found).
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for lib in $(readelf -d "$scratch/root/usr/bin/decree" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  pkg=$(dpkg -S "*/$multiarch/$lib" | head -1 | cut -d: -f1)
  [ -n "$pkg" ] || fail "no package holds $lib"
  tr ',' '\n' <<<"$depends" | awk '{ print $1 }' | grep -qxF "$pkg" || fail "Depends ($depends) lacks $pkg, which holds $lib"
done
# The program is stripped in the package.
if readelf -S "$scratch/root/usr/bin/decree" | grep -q '\.debug_info'; then fail "usr/bin/decree is not stripped"; fi

"$here/installed.sh" "$scratch/root/usr" "$version" "$source"
echo "ok: $(basename "$deb"): Depends: $depends"
