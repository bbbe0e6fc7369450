#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the Criterion unit
# suites and the WebAssembly spec-suite runner (which reads the suite from
# ../shared/testsuite unless -DWAOT_TESTSUITE_DIR=... says otherwise), then a
# short run of every fuzz target (scripts/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
"$root/scripts/deps.sh"
"$root/scripts/build.sh" "$@"
cd "$build"
ctest --output-on-failure -j"$(nproc)"
# The spec runner's own summary, so the log shows the conformance counts.
echo
echo "spec suite (build/tests/spec/waot-spec):"
grep -E '^(modules:|[0-9]+ passed)' Testing/Temporary/LastTest.log || true
# A short run of every fuzz target (its own build, build-fuzz/): about a
# minute of fuzzing in all.
echo
"$root/scripts/fuzz.sh" --time 15
