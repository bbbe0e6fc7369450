#!/usr/bin/env bash
# `waot run --bench` end to end: the bench.start/bench.end imports are bound
# and timed, each phase gets its line on stderr (compile or load,
# instantiate, start-end), a bench.end without bench.start is an error at
# the end, the program's own exit status and output are kept, and without
# --bench nothing changes.
# Usage: run-bench.sh WAOT WAT2WASM WORKDIR
set -u
waot=$1 wat2wasm=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cache=$work/cache

# A kernel between bench.start and bench.end: a xorshift loop, which no
# optimiser can fold into a closed form.
cat >"$work/kernel.wat" <<'WAT'
(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (global $x (mut i64) (i64.const 88172645463325252))
  (func $kernel (param $n i32)
    (local $x i64)
    (local.set $x (global.get $x))
    (loop $l
      (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
      (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
      (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (global.set $x (local.get $x)))
  (func (export "_start")
    (call $start)
    (call $kernel (i32.const 5000000))
    (call $end))
  ;; start twice (the second restarts the clock), then two intervals
  (func (export "twice") (result i64)
    (call $start)
    (call $kernel (i32.const 100))
    (call $start)
    (call $kernel (i32.const 1000))
    (call $end)
    (call $start)
    (call $kernel (i32.const 1000))
    (call $end)
    (global.get $x))
  (func (export "exit_after")
    (call $start)
    (call $kernel (i32.const 1000))
    (call $end)
    (call $exit (i32.const 7))))
WAT
cat >"$work/stray.wat" <<'WAT'
(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (func (export "_start") (call $end))
  (func (export "trap_after") (call $end) (unreachable)))
WAT
cat >"$work/plain.wat" <<'WAT'
(module
  (func (export "answer") (result i32) (i32.const 42)))
WAT
for m in kernel stray plain; do
  "$wat2wasm" "$work/$m.wat" -o "$work/$m.wasm" || exit 1
done
"$waot" compile "$work/kernel.wasm" -o "$work/kernel.cwasm" || exit 1

passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# Runs the command; sets $out (stdout), $err (stderr) and $rc.
capture() {
  out=$("$@" 2>"$work/stderr"); rc=$?
  err=$(cat "$work/stderr")
}
# name, expected status
expect_status() {
  if [ "$rc" -eq "$2" ]; then ok; else fail "$1: expected status $2, got $rc: $err"; fi
}
# name, text stderr must contain
expect_line() {
  if [[ "$err" == *"$2"* ]]; then ok; else fail "$1: no '$2' on stderr: $err"; fi
}
expect_no_line() {
  if [[ "$err" != *"$2"* ]]; then ok; else fail "$1: unexpected '$2' on stderr: $err"; fi
}
# name, phase: the phase's line must hold a time with 3 decimals, > 0
expect_time() {
  local line ms
  line=$(grep -E "^waot run: bench: $2: [0-9]+\.[0-9]{3} ms" <<<"$err" | head -n 1)
  ms=$(sed -E 's/^waot run: bench: [a-z-]+: ([0-9.]+) ms.*/\1/' <<<"$line")
  if [ -n "$line" ] && awk -v ms="$ms" 'BEGIN { exit !(ms > 0) }'; then
    ok
  else
    fail "$1: no '$2: N.NNN ms' line with N > 0 on stderr: $err"
  fi
}

run() { "$waot" run --cache-dir "$cache" "$@"; }

# Compiled now, then from the cache, then a .cwasm.
capture run --bench "$work/kernel.wasm"
expect_status "kernel, compiled" 0
expect_time "kernel, compiled" "compile"
expect_line "kernel, compiled" "(compiled now, loading included)"
expect_time "kernel, compiled" "instantiate"
expect_time "kernel, compiled" "start-end"
expect_no_line "kernel, compiled" "not called"
capture run "$work/kernel.wasm" --bench
expect_status "kernel, cached" 0
expect_time "kernel, cached" "load"
expect_line "kernel, cached" "(from the cache)"
expect_time "kernel, cached" "start-end"
capture run --bench "$work/kernel.cwasm"
expect_status "kernel, cwasm" 0
expect_time "kernel, cwasm" "load"
expect_no_line "kernel, cwasm" "(from the cache)"
expect_time "kernel, cwasm" "instantiate"
expect_time "kernel, cwasm" "start-end"
capture run --no-cache --bench "$work/kernel.wasm"
expect_status "kernel, --no-cache" 0
expect_line "kernel, --no-cache" "(compiled now, loading included)"

# The measured interval lies inside the process: shorter than its wall time.
before=$(date +%s%N)
capture run --bench "$work/kernel.cwasm"
wall_ms=$(( ($(date +%s%N) - before) / 1000000 + 1 ))
ms=$(sed -nE 's/^waot run: bench: start-end: ([0-9.]+) ms$/\1/p' <<<"$err")
if [ -n "$ms" ] && awk -v ms="$ms" -v wall="$wall_ms" 'BEGIN { exit !(ms < wall) }'; then
  ok
else
  fail "kernel interval: '$ms' ms is not below the process's $wall_ms ms: $err"
fi

# Two intervals (and a restarted start): the last one is reported; results
# still go to stdout.
capture run --bench "$work/kernel.cwasm" --invoke twice
expect_status "twice" 0
if [[ "$out" == i64:* ]]; then ok; else fail "twice: result not on stdout: $out"; fi
expect_line "twice" "(the last of 2)"
expect_time "twice" "start-end"

# The program's own exit status survives, and the report still comes.
capture run --bench "$work/kernel.cwasm" --invoke exit_after
expect_status "exit_after" 7
expect_time "exit_after" "start-end"

# bench.end without bench.start: the run goes on and fails at the end.
capture run --bench "$work/stray.wasm"
expect_status "stray end" 1
expect_line "stray end" "waot run: error: bench.end called without bench.start (1 time)"
expect_time "stray end" "instantiate"
expect_no_line "stray end" "start-end:"
capture run --bench "$work/stray.wasm" --invoke trap_after
expect_status "stray end, then a trap" 3
expect_line "stray end, then a trap" "trap: unreachable"
expect_line "stray end, then a trap" "bench.end called without bench.start"

# A module without bench imports: only the phases.
capture run --bench "$work/plain.wasm" --invoke answer
expect_status "plain" 0
if [ "$out" = "i32:42" ]; then ok; else fail "plain: stdout is '$out', not i32:42"; fi
expect_time "plain" "instantiate"
expect_line "plain" "waot run: bench: bench.start/bench.end not called"
expect_no_line "plain" "error"

# Without --bench: no report, and bench.* stay unresolved imports.
capture run "$work/plain.wasm" --invoke answer
expect_status "plain, no --bench" 0
if [ -z "$err" ]; then ok; else fail "plain, no --bench: stderr is not empty: $err"; fi
capture run "$work/kernel.cwasm"
expect_status "kernel, no --bench" 1
expect_line "kernel, no --bench" "bench"
expect_no_line "kernel, no --bench" "waot run: bench:"

# The help says what --bench does.
capture "$waot" run --help
if [[ "$out" == *"--bench"* && "$out" == *"start-end"* ]]; then ok; else fail "help: no --bench"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
