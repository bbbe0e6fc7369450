#!/usr/bin/env bash
# Start-up time of a hello-world program four ways, side by side with
# hyperfine: compiled natively (cc -O2), as a `waot build` executable,
# through `waot run` with its precompiled module already in the cache, and
# under Node.js (bench/node/run-wasi.mjs: V8 compiles it every time).
# Prints min/median/max of each and the ratios of medians to native and of
# node to `waot run`.  bench/suite.py measures the same per phase, for a
# large module too.  STARTUP_RUNS (200) and STARTUP_WARMUP (20) set hyperfine's
# runs and warm-up runs of each.
# Needs: a built waot, clang-19 with wasi-libc (apt-get install clang-19
# wasi-libc libclang-rt-19-dev-wasm32), cc, hyperfine, node.
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

hyperfine -N --warmup ${STARTUP_WARMUP:-20} --runs ${STARTUP_RUNS:-200} --style none --export-json "$work/result.json" \
  -n native "$work/hello-native" \
  -n "waot build" "$work/hello-waot" \
  -n "waot run (cached)" "$waot run --cache-dir $work/cache $work/hello.wasm" \
  -n node "node --no-warnings $root/bench/node/run-wasi.mjs $work/hello.wasm" >/dev/null
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
results = {r["command"]: r["times"] for r in json.load(open(sys.argv[1]))["results"]}
for name, t in results.items():
    print(f"  {name:18s} min {min(t)*1e3:7.3f} ms  median {statistics.median(t)*1e3:7.3f} ms  max {max(t)*1e3:7.3f} ms")
native = statistics.median(results["native"])
for name in ("waot build", "waot run (cached)", "node"):
    print(f"  {name} / native = {statistics.median(results[name]) / native:.2f} (ratio of medians)")
waot_run = statistics.median(results["waot run (cached)"])
print(f"  node / waot run (cached) = {statistics.median(results['node']) / waot_run:.1f}")
PY
