#!/usr/bin/env bash
# Start-up time of a hello-world program three ways, side by side with
# hyperfine: compiled natively (cc -O2), as a `waot build` executable, and
# through `waot run` with its precompiled module already in the cache.
# Prints min/median/max of each and the ratios of medians to native.
# Needs: a built waot, clang-19 with wasi-libc (apt-get install clang-19
# wasi-libc libclang-rt-19-dev-wasm32), cc, hyperfine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
waot=$build/cli/waot
work=$build/bench/startup
mkdir -p "$work"
clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -o "$work/hello.wasm" "$root/bench/hello/hello.c"
cc -O2 -o "$work/hello-native" "$root/bench/hello/hello.c"
"$waot" build "$work/hello.wasm" -o "$work/hello-waot"
"$waot" run --cache-dir "$work/cache" "$work/hello.wasm" >/dev/null   # fills the cache

hyperfine -N --warmup 20 --runs 200 --style none --export-json "$work/result.json" \
  -n native "$work/hello-native" \
  -n "waot build" "$work/hello-waot" \
  -n "waot run (cached)" "$waot run --cache-dir $work/cache $work/hello.wasm" >/dev/null
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
results = {r["command"]: r["times"] for r in json.load(open(sys.argv[1]))["results"]}
for name, t in results.items():
    print(f"  {name:18s} min {min(t)*1e3:7.3f} ms  median {statistics.median(t)*1e3:7.3f} ms  max {max(t)*1e3:7.3f} ms")
native = statistics.median(results["native"])
for name in ("waot build", "waot run (cached)"):
    print(f"  {name} / native = {statistics.median(results[name]) / native:.2f} (ratio of medians)")
PY
