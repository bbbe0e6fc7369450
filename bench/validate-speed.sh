#!/usr/bin/env bash
# `waot validate` against WABT's `wasm-validate`, side by side on the same
# large modules, with hyperfine.  Prints min/median/max of each and the ratio
# of medians.
#
# The inputs are made here, never committed: binaryen's fuzzer (`wasm-opt
# -ttf`) turns a fixed pseudo-random seed into a large valid module using
# the WebAssembly 2.0 features both tools accept, so every run measures the
# same bytes.  Usage: bench/validate-speed.sh [SEED_MEGABYTES ...]
# (default: 2 6).  Needs: a built waot (scripts/build.sh), wabt, binaryen,
# hyperfine, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
waot=$build/cli/waot
work=$build/bench/validate
mkdir -p "$work"
for tool in wasm-validate wasm-opt hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install wabt binaryen hyperfine)" >&2; exit 1; }
done
[ -x "$waot" ] || { echo "bench: $waot not built (run scripts/build.sh)" >&2; exit 1; }

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2 6)

for mb in "${sizes[@]}"; do
  module=$work/fuzz-$mb.wasm
  if [ ! -f "$module" ]; then
    python3 -c "import random, sys; random.seed($mb); sys.stdout.buffer.write(random.randbytes($mb * 1000000))" > "$work/seed-$mb.bin"
    wasm-opt -ttf "$work/seed-$mb.bin" -o "$module" --enable-sign-ext \
      --enable-nontrapping-float-to-int --enable-multivalue --enable-bulk-memory \
      --enable-simd 2>/dev/null
  fi
  # Both must accept the module, or the comparison means nothing.
  wasm-validate "$module"
  "$waot" validate "$module"
  echo "== $(basename "$module"): $(stat -c %s "$module") bytes"
  hyperfine -N --warmup 3 --min-runs 20 --style none \
    --export-json "$work/result-$mb.json" \
    -n wasm-validate "wasm-validate $module" \
    -n "waot validate" "$waot validate $module" >/dev/null
  python3 - "$work/result-$mb.json" <<'PY'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    t = r["times"]
    print(f"  {name:14s} min {min(t)*1e3:8.2f} ms  median {statistics.median(t)*1e3:8.2f} ms  max {max(t)*1e3:8.2f} ms  ({len(t)} runs)")
ratio = statistics.median(results["wasm-validate"]["times"]) / statistics.median(results["waot validate"]["times"])
print(f"  waot validate is {ratio:.1f}x faster than wasm-validate (ratio of medians)")
PY
done
