#!/usr/bin/env bash
# `waot run` end to end: on modules that trap, each call must end with the
# spec's trap message on stderr and exit status 3, and the process must not
# crash; values must cross the command line exactly (v128 lanes, NaN
# payloads, several results).
# Usage: run-commands.sh WAOT WAT2WASM WORKDIR
set -u
waot=$1 wat2wasm=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
"$wat2wasm" "$here/traps.wat" -o "$work/traps.wasm" || exit 1
"$wat2wasm" "$here/values.wat" -o "$work/values.wasm" || exit 1
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
  for kind in local pure vector; do
    expect "unused load, $kind ($module)" 3 "trap: out of bounds memory access" \
      "$waot" run "$module" --invoke "unused_load_$kind" 65535
    expect "unused load in bounds, $kind ($module)" 0 "" \
      "$waot" run "$module" --invoke "unused_load_$kind" 65520
  done
  expect "divide by zero ($module)" 3 "trap: integer divide by zero" \
    "$waot" run "$module" --invoke divide_by_zero 0
  expect "recursion ($module)" 3 "trap: call stack exhausted" \
    "$waot" run "$module" --invoke recurse_forever 0
  expect "recursion through a leaf ($module)" 3 "trap: call stack exhausted" \
    "$waot" run "$module" --invoke recurse_via_leaf 1
  expect "null slot ($module)" 3 "trap: uninitialized element" \
    "$waot" run "$module" --invoke call_null_slot
done
# A runaway loop stops at --timeout (`timeout` turns a hang into a failure).
"$waot" compile --interruptible "$work/traps.wasm" -o "$work/traps-interruptible.cwasm" || exit 1
for module in "$work/traps.wasm" "$work/traps-interruptible.cwasm"; do
  expect "loop stopped by --timeout ($module)" 3 "trap: interrupted" \
    timeout 60 "$waot" run "$module" --timeout 0.2 --invoke spin
done
expect "--timeout without checks" 1 "--timeout needs code compiled with interruption checks" \
  "$waot" run "$work/traps.cwasm" --timeout 1 --invoke add 1 2
expect "--timeout of nothing" 2 "--timeout needs a number of seconds above 0" \
  "$waot" run "$work/traps.cwasm" --timeout 0 --invoke add 1 2
# The host's limits: growth stops at them, recursion deeper than the stack traps.
l=$work/limits.wasm
"$wat2wasm" "$here/limits.wat" -o "$l" || exit 1
expect "memory below its limit" 0 "i32:1" "$waot" run "$l" --max-memory-pages 4 --invoke grow_memory 3
expect "memory past its limit" 0 "i32:-1" "$waot" run "$l" --max-memory-pages 4 --invoke grow_memory 4
expect "table below its limit" 0 "i32:1" "$waot" run "$l" --max-table-elements 10 --invoke grow_table 9
expect "table past its limit" 0 "i32:-1" "$waot" run "$l" --max-table-elements 10 --invoke grow_table 10
expect "recursion within the default stack" 0 "i32:20000" "$waot" run "$l" --invoke descend 20000
expect "recursion past a 64 KiB stack" 3 "trap: call stack exhausted" \
  "$waot" run "$l" --max-stack-bytes 65536 --invoke descend 20000
expect "limit of nothing" 2 "--max-memory-pages needs a number from 1 to 65536" \
  "$waot" run "$l" --max-memory-pages 0 --invoke grow_memory 1
expect "missing export" 1 "no exported function named 'nope'" \
  "$waot" run "$work/traps.cwasm" --invoke nope
expect "bad argument" 2 "is not a i32" "$waot" run "$work/traps.cwasm" --invoke add x 1

v=$work/values.wasm
expect "v128 through a table" 0 "v128:i32x4:-1,2,-3,-2147483647" \
  "$waot" run "$v" --invoke via_table i32x4:1,-2,3,2147483647
expect "v128 global" 0 "v128:i32x4:1,2,3,4" "$waot" run "$v" --invoke swap_global i32x4:9,9,9,9
expect "v128 as bytes" 0 "v128:i8x16:1,0,0,0,2,0,0,0,3,0,0,0,-1,-1,-1,-1" \
  "$waot" run "$v" --v128 i8x16 --invoke id i32x4:1,2,3,-1
expect "f32x4 lanes" 0 "v128:f32x4:1.5,nan,-inf,nan:0x200000" \
  "$waot" run "$v" --v128 f32x4 --invoke id i32x4:0x3fc00000,0x7fc00000,0xff800000,0x7fa00000
expect "two results" 0 $'f64:nan:0x1\nf32:0.100000001' "$waot" run "$v" --invoke pair 0.1 nan:0x1
expect "i64 wraps" 0 "i64:-9223372036854775808" \
  "$waot" run "$v" --invoke add64 9223372036854775807 1
expect "bad v128" 2 "is not a v128" "$waot" run "$v" --invoke via_table i32x4:1,2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
