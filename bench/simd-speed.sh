#!/usr/bin/env bash
# The SIMD kernel (bench/simd/blur.c) compiled by clang -O2 with 128-bit
# vectors two ways: to wasm32 with -msimd128, then by waot to precompiled
# modules; and natively for the host with SSE4.2 and no AVX.  waot compiles
# it twice: for x86-64-v2 (SSE4.2, the native build's instruction set) and
# for this machine's CPU (its default).  All run side by side with
# hyperfine; prints min/median/max of each and each waot/native ratio of
# medians.
# Usage: bench/simd-speed.sh [ROUNDS] (default 2000).  Needs: a built waot,
# clang-19, lld-19 (wasm-ld), hyperfine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
waot=$build/cli/waot
work=$build/bench/simd
rounds=${1:-2000}
mkdir -p "$work"
for tool in clang-19 wasm-ld-19 hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install clang-19 lld-19 hyperfine)" >&2; exit 1; }
done

clang-19 --target=wasm32 -msimd128 -O2 -nostdlib -fuse-ld=lld -Wl,--no-entry \
  -Wl,--export=bench -o "$work/blur.wasm" "$root/bench/simd/blur.c"
"$waot" compile -O2 "$work/blur.wasm" -o "$work/blur.cwasm"
"$waot" compile -O2 --cpu x86-64-v2 "$work/blur.wasm" -o "$work/blur-v2.cwasm"
clang-19 -O2 -msse4.2 -mno-avx -o "$work/blur-native" "$root/bench/simd/blur.c" \
  "$root/bench/simd/native_main.c"

# Same checksum, or the comparison means nothing.
wasm_result=$("$waot" run "$work/blur.cwasm" --invoke bench 3)
native_result=$("$work/blur-native" 3)
[ "$wasm_result" = "$native_result" ] || { echo "bench: results differ: $wasm_result vs $native_result" >&2; exit 1; }

hyperfine -N --warmup 2 --min-runs 10 --style none --export-json "$work/result.json" \
  -n native "$work/blur-native $rounds" \
  -n "waot x86-64-v2" "$waot run $work/blur-v2.cwasm --invoke bench $rounds" \
  -n "waot host" "$waot run $work/blur.cwasm --invoke bench $rounds" >/dev/null
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    t = r["times"]
    print(f"  {name:15s} min {min(t)*1e3:9.1f} ms  median {statistics.median(t)*1e3:9.1f} ms  max {max(t)*1e3:9.1f} ms  ({len(t)} runs)")
native = statistics.median(results["native"]["times"])
for name in ("waot x86-64-v2", "waot host"):
    print(f"  {name} / native = {statistics.median(results[name]['times']) / native:.3f} (ratio of medians)")
PY
