#!/usr/bin/env bash
# `waot run` on modules that trap: each call must end with the spec's trap
# message on stderr and exit status 3, and the process must not crash.
# Usage: run-traps.sh WAOT WAT2WASM WORKDIR
set -u
waot=$1 wat2wasm=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
"$wat2wasm" "$here/traps.wat" -o "$work/traps.wasm" || exit 1
"$waot" compile "$work/traps.wasm" -o "$work/traps.cwasm" || exit 1

passed=0 failed=0
expect() { # name, expected status, expected text on stdout+stderr, command...
  local name=$1 status=$2 text=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$status" ] && [[ "$out" == *"$text"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: expected status $status and '$text', got status $rc: $out"
  fi
}

for module in "$work/traps.wasm" "$work/traps.cwasm"; do
  expect "add ($module)" 0 "i32:5" "$waot" run "$module" --invoke add 2 3
  expect "out of bounds ($module)" 3 "trap: out of bounds memory access" \
    "$waot" run "$module" --invoke out_of_bounds
  expect "divide by zero ($module)" 3 "trap: integer divide by zero" \
    "$waot" run "$module" --invoke divide_by_zero 0
  expect "recursion ($module)" 3 "trap: call stack exhausted" \
    "$waot" run "$module" --invoke recurse_forever 0
  expect "null slot ($module)" 3 "trap: uninitialized element" \
    "$waot" run "$module" --invoke call_null_slot
done
expect "missing export" 1 "no exported function named 'nope'" \
  "$waot" run "$work/traps.cwasm" --invoke nope
expect "bad argument" 2 "is not a i32" "$waot" run "$work/traps.cwasm" --invoke add x 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
