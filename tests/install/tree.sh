#!/usr/bin/env bash
# `cmake --install` from a build folder into a scratch prefix, checked by installed.sh:
# `tests/install/tree.sh CMAKE BUILD VERSION SOURCE`.
set -euo pipefail
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
"$1" --install "$2" --prefix "$prefix" >/dev/null
"$(dirname "$0")/installed.sh" "$prefix" "$3" "$4"
