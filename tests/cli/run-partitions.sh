#!/usr/bin/env bash
# Parallel partitioned compilation, end to end: a generated module of many
# functions (calls running across every partition, directly and through a
# table, memory shared between them) is compiled on one thread and on four
# with partitioning forced ($WAOT_MIN_PARTITION_BYTES=1); every export
# must give the same results either way, and a trap in the last function
# (the last partition) must still end `waot run` with its message and
# status 3.  The object path (--emit obj, merged by lld -r) is checked
# through `waot build`: the executable must exit with the same status as
# the module run by `waot run`.
# Usage: run-partitions.sh WAOT WAT2WASM LD_LLD WORKDIR
set -u
waot=$1 wat2wasm=$2 lld=$3 work=$4
mkdir -p "$work"
wat=$work/many.wat wasm=$work/many.wasm
count=48

# f_i(x) = f_{i-1}(x * (i+3) + i) xor i, f_0(x) = x + memory[0]; every
# fourth function also goes through the table to its predecessor.
{
  echo '(module'
  echo '  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))'
  echo '  (type $i_i (func (param i32) (result i32)))'
  echo "  (table $count funcref)"
  echo '  (memory 1)'
  echo '  (data (i32.const 0) "\05\00\00\00")'
  echo '  (func $f0 (type $i_i) (i32.add (local.get 0) (i32.load (i32.const 0))))'
  for ((i = 1; i < count; i++)); do
    if ((i % 4 == 0)); then
      call="(call_indirect (type \$i_i) (X) (i32.const $((i - 1))))"
    else
      call="(call \$f$((i - 1)) (X))"
    fi
    arg="(i32.add (i32.mul (local.get 0) (i32.const $((i + 3)))) (i32.const $i))"
    echo "  (func \$f$i (type \$i_i) (i32.xor ${call/(X)/$arg} (i32.const $i)))"
  done
  echo -n '  (elem (i32.const 0)'
  for ((i = 0; i < count; i++)); do echo -n " \$f$i"; done
  echo ')'
  echo "  (func (export \"chain\") (param i32) (result i32) (call \$f$((count - 1)) (local.get 0)))"
  echo '  (func (export "pick") (param i32 i32) (result i32)'
  echo '    (call_indirect (type $i_i) (local.get 1) (local.get 0)))'
  echo '  (func (export "poke") (param i32) (result i32)'
  echo "    (i32.store (i32.const 0) (local.get 0)) (call \$f$((count - 1)) (i32.const 1)))"
  echo '  (func (export "_start")'
  echo "    (call \$proc_exit (i32.and (call \$f$((count - 1)) (i32.const 3)) (i32.const 127))))"
  echo '  (func (export "divide_late") (param i32) (result i32)'
  echo '    (call $last_divides (local.get 0)))'
  # Defined last, so it lands in the last partition.
  echo '  (func $last_divides (param i32) (result i32)'
  echo '    (i32.div_u (call $f0 (i32.const 1)) (local.get 0)))'
  echo ')'
} > "$wat"
"$wat2wasm" "$wat" -o "$wasm" || exit 1

. "$(dirname "$0")/checks.sh"

"$waot" compile -j 1 --timings "$wasm" -o "$work/one.cwasm" 2> "$work/one.timings"
check "compile -j 1" "status $?" $?
WAOT_MIN_PARTITION_BYTES=1 "$waot" compile --jobs 4 --timings "$wasm" -o "$work/four.cwasm" \
  2> "$work/four.timings"
check "compile -j 4" "status $?" $?
grep -Eq "[0-9]+ partitions in parallel" "$work/four.timings"
check "partitioned" "--timings reports no partitions: $(cat "$work/four.timings")" $?
! grep -q "partitions" "$work/one.timings"
check "one partition" "-j 1 was partitioned: $(cat "$work/one.timings")" $?

same() { # name, invoke arguments...
  local name=$1; shift
  local a b
  a=$("$waot" run "$work/one.cwasm" --invoke "$@" 2>&1)
  b=$("$waot" run "$work/four.cwasm" --invoke "$@" 2>&1)
  a=${a//$work\/one.cwasm/MODULE} b=${b//$work\/four.cwasm/MODULE}
  [ -n "$a" ] && [ "$a" = "$b" ]
  check "$name" "one partition gave '$a', four gave '$b'" $?
}
same "chain" chain 7
same "chain negative" chain -123456
same "pick first" pick 0 11
same "pick last" pick $((count - 1)) 11
same "pick middle" pick $((count / 2)) -9
same "store then call" poke 1000
same "indirect out of range" pick $count 1

for module in one four; do
  expect "trap in the last partition ($module)" 3 "trap: integer divide by zero" \
    "$waot" run "$work/$module.cwasm" --invoke divide_late 0
  expect "no trap in the last partition ($module)" 0 "i32:3" \
    "$waot" run "$work/$module.cwasm" --invoke divide_late 2
done

# `waot run --jobs` compiles through the cache (kept inside the work dir).
expect "run --jobs 3" 0 "$("$waot" run "$work/one.cwasm" --invoke chain 5 2>&1)" \
  env XDG_CACHE_HOME="$work/cache" WAOT_MIN_PARTITION_BYTES=1 \
  "$waot" run --jobs 3 --no-cache "$wasm" --invoke chain 5
expect "bad --jobs" 2 "--jobs needs a number of threads" "$waot" compile --jobs 0 "$wasm"

# The executable's status is _start's proc_exit value, as under `waot run`.
"$waot" run "$work/one.cwasm" > /dev/null 2>&1
want=$?
WAOT_MIN_PARTITION_BYTES=1 "$waot" build -j 4 "$wasm" -o "$work/many-four"
check "build -j 4" "status $?" $?
"$work/many-four" > /dev/null 2>&1
got=$?
[ "$got" -eq "$want" ] && [ "$want" -ne 0 ]
check "built executable" "exit status $got, waot run gave $want" $?

# Two partitioned objects of different modules link into one program
# without clashing: their functions are hidden and carry the module's name.
WAOT_MIN_PARTITION_BYTES=1 "$waot" compile -j 4 --emit obj --name many_a "$wasm" \
  -o "$work/a.o" && WAOT_MIN_PARTITION_BYTES=1 "$waot" compile -j 4 --emit obj \
  --name many_b "$wasm" -o "$work/b.o" && "$lld" -r "$work/a.o" "$work/b.o" -o "$work/ab.o" \
  2> "$work/ab.log"
check "two partitioned objects" "$(cat "$work/ab.log" 2>/dev/null)" $?

# Every wasm function starts a 64-byte line, partitioned or not: its code
# then runs the same wherever the linker puts it (.cwasm or executable).
for jobs in 1 4; do
  WAOT_MIN_PARTITION_BYTES=1 "$waot" compile -j $jobs --emit asm "$wasm" -o "$work/many-$jobs.s"
  unaligned=$(awk '/^\t\.p2align/ { align = $2 }
                   /^"wasm:func[0-9]+":/ { total++; if (align != "6,") print $0; align = "" }
                   END { if (total < '"$count"') print "only " total " functions" }' \
                "$work/many-$jobs.s")
  [ -z "$unaligned" ]
  check "functions aligned (-j $jobs)" "not on a 64-byte boundary: $unaligned" $?
done

checks_summary
