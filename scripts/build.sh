#!/usr/bin/env bash
# Configures and builds waot in build/ (or $WAOT_BUILD_DIR).  Extra arguments
# go to cmake's configure step, e.g. -DWAOT_SANITIZE=address,undefined.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
