;; The stress test's main module (test_stress.c): computing, traps of every
;; kind, memory.grow, a host import, per-instance state.
(module
  (type $i_i (func (param i32) (result i32)))
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (import "host" "fail" (func $fail))
  (memory (export "memory") 1 4)
  (global $counter (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $fib)

  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Stores seed + i at 4 * i for i < n, then adds them back up.
  (func (export "fill_and_sum") (param $seed i32) (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2))
                   (i32.add (local.get $seed) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $add
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum)
                                 (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $add)))
    (local.get $sum))

  ;; The instance's own counter, plus one.
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "pages") (result i32) (memory.size))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "unreachable") (unreachable))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; table[$slot](x): 0 is fib, 1 is null, 2 and beyond are outside the table.
  (func (export "indirect") (param $slot i32) (param $x i32) (result i32)
    (call_indirect (type $i_i) (local.get $x) (local.get $slot)))
  ;; host.twice(x) + 1; the host traps for a negative x.
  (func (export "via_host") (param i32) (result i32)
    (i32.add (call $twice (local.get 0)) (i32.const 1)))
  ;; host.fail always traps.
  (func (export "host_fail") (call $fail))
  ;; table.fill of one element at $at: a runtime call, which traps past the end.
  (func (export "fill_table") (param $at i32)
    (table.fill 0 (local.get $at) (ref.null func) (i32.const 1))))
