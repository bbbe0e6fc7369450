#!/usr/bin/env bash
# bench/static-call: builds add.wat into an object + header with the built
# `waot`, links main.c, plain.c and the runtime with cc -O2, and runs it.
# Usage: bench/static-call/run.sh [CALLS [ROUNDS]]   (default 100000000 11)
# Needs: a built waot (WAOT_BUILD_DIR, default build/), wat2wasm, cc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
work=$build/bench/static-call
mkdir -p "$work"
wat2wasm "$here/add.wat" -o "$work/add.wasm"
"$build/cli/waot" compile "$work/add.wasm" --emit obj -o "$work/add.o" --header "$work/add.h"
cc -std=gnu17 -O2 -Wall -Wextra -Werror -I"$root/runtime-lib/include" -I"$work" \
  "$here/main.c" "$here/plain.c" "$work/add.o" "$build/cli/libwaot_runtime.a" \
  -lpthread -ldl -lm -o "$work/static-call"
"$work/static-call" "$@"
