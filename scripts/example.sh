#!/usr/bin/env bash
# The main job on the bundled example: install what is missing, build, then
# validate and inspect the example module.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
"$build/cli/waot" validate -v "$build/examples/fib.wasm"
"$build/cli/waot" inspect "$build/examples/fib.wasm"
