#!/usr/bin/env bash
# Embedding-API benchmarks (bench/embed/): the cost of instantiating a small
# precompiled module (min/median/p99/max of 10,000 instantiations; also of
# the empty, one-page and 4 MiB-data modules bench/embed/gen-modules.py
# writes, as in bench/suite.py's report) and of calling
# an exported add(i32, i32) through waot_call (ns per call over 10 million
# calls, beside a direct call of a noinline C function; min/median/max over
# 11 interleaved rounds).  Builds the two
# programs against the runtime archive of a built tree (build/ by default;
# WAOT_BUILD_DIR overrides) and precompiles bench/embed/small.wat with it.
# Needs: a built waot (cli/waot, cli/libwaot_runtime.a), wat2wasm, cc, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
waot=$build/cli/waot
work=$build/bench/embed
mkdir -p "$work"
wat2wasm "$root/bench/embed/small.wat" -o "$work/small.wasm"
"$waot" compile "$work/small.wasm" -o "$work/small.cwasm"
cflags=(-std=c17 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$root/runtime-lib/include")
libs=("$build/cli/libwaot_runtime.a" -lm -ldl -lpthread)
cc "${cflags[@]}" -o "$work/instantiate" "$root/bench/embed/instantiate.c" "${libs[@]}"
cc "${cflags[@]}" -o "$work/call" "$root/bench/embed/call.c" "${libs[@]}"
"$work/instantiate" "$work/small.cwasm" "${INSTANTIATE_COUNT:-10000}"
python3 "$root/bench/embed/gen-modules.py" "$work"
for module in empty one-page data; do
  "$waot" compile "$work/$module.wasm" -o "$work/$module.cwasm"
  count=${INSTANTIATE_COUNT:-10000}
  [ "$module" = data ] && count=$((count / 10))   # each copies 4 MiB
  printf '%-9s ' "$module"
  "$work/instantiate" "$work/$module.cwasm" "$count"
done
"$work/call" "$work/small.cwasm" "${CALL_COUNT:-10000000}" "${CALL_ROUNDS:-11}"
