#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the Criterion unit
# suites and the WebAssembly spec-suite runner (which reads the suite from
# ../shared/testsuite unless -DWAOT_TESTSUITE_DIR=... says otherwise), then
# the suite under the sanitizers (build-asan/, build-tsan/) and a short run
# of every fuzz target (scripts/fuzz.sh).
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

# The sanitizer stage (WAOT_SANITIZERS=0 skips it), each in a build of its
# own with clang (gcc's LeakSanitizer crashes on libLLVM's thread-local
# storage).  A report stops the process that made it (halt_on_error, and
# the build's -fno-sanitize-recover); the test then fails, and a report any
# test let pass (a runner that ignores its children's status) fails the
# stage here.
sanitizer_reports() { # BUILD-DIR: the reports in its last ctest run, if any
  grep -E 'ERROR: LeakSanitizer|ERROR: AddressSanitizer: [a-z]|runtime error: |ThreadSanitizer: [a-z]' \
    "$1/Testing/Temporary/LastTest.log" | head -20 || true
}
sanitized_suite() { # NAME BUILD-DIR SANITIZERS [TARGET...] -- [CTEST-ARG...]
  local name=$1 dir=$2 sanitizers=$3 targets=() start=$SECONDS
  shift 3
  while [ "$1" != -- ]; do targets+=("$1"); shift; done
  shift
  [ ${#targets[@]} -eq 0 ] || targets=(--target "${targets[@]}")
  echo
  echo "== $name ($dir)"
  cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER=clang-19 -DWAOT_SANITIZE="$sanitizers" >/dev/null
  cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >/dev/null
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)" "$@")
  local reports
  reports=$(sanitizer_reports "$dir")
  if [ -n "$reports" ]; then
    echo "$name: sanitizer reports in tests that passed (see $dir/Testing/Temporary/LastTest.log):"
    echo "$reports"
    exit 1
  fi
  echo "$name: $((SECONDS - start)) s"
}
if [ "${WAOT_SANITIZERS:-1}" != 0 ]; then
  # AddressSanitizer with LeakSanitizer, and UndefinedBehaviorSanitizer: the
  # whole suite, nothing excluded.
  ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    sanitized_suite "AddressSanitizer + UndefinedBehaviorSanitizer" \
      "${WAOT_ASAN_BUILD_DIR:-$root/build-asan}" address,undefined --
  # ThreadSanitizer on the tests whose code runs threads: runtime.stress,
  # examples.threads, the compiler's parallel partitions (spec.partitioned,
  # cli.partitions) and the deadline watchdog of `waot run --timeout`
  # (cli.run).  The Criterion suites cannot run here: Criterion's own
  # runner crashes under ThreadSanitizer before it starts a test.
  TSAN_OPTIONS="suppressions=$root/tests/tsan.supp:second_deadlock_stack=1" \
    sanitized_suite "ThreadSanitizer" "${WAOT_TSAN_BUILD_DIR:-$root/build-tsan}" thread \
      runtime_test_stress example_threads waot-spec waot waot_codegen -- \
      -R '^(runtime[.]stress|examples[.]threads|spec[.]partitioned|cli[.]partitions|cli[.]run)$'
fi

# A short run of every fuzz target (its own build, build-fuzz/): about a
# minute of fuzzing in all.
echo
"$root/scripts/fuzz.sh" --time 15
