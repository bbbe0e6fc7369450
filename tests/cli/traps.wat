;; Modules that trap in every way `waot run` must survive: each export
;; below ends in a trap, and the test checks the message and exit status.
(module
  (memory 1)
  (table 4 funcref)
  (type $v_i (func (result i32)))

  ;; Walks memory a page at a time until it leaves it.
  (func (export "out_of_bounds") (result i32)
    (local $address i32)
    (local $sum i32)
    (loop $walk
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $address))))
      (local.set $address (i32.add (local.get $address) (i32.const 65536)))
      (br $walk))
    (local.get $sum))

  ;; Loads whose values nothing observes must trap all the same, however
  ;; the value is lost: kept in a local never read again, folded into a
  ;; clz, or the operand of an empty `if`.
  (func (export "unused_load_local") (param $address i32)
    (local $unused i32)
    (local.set $unused (i32.load (local.get $address))))
  (func (export "unused_load_pure") (param $address i32)
    (drop (i64.clz (i64.load8_s offset=1 (local.get $address)))))
  (func (export "unused_load_vector") (param $address i32)
    (local $unused v128)
    (local.set $unused (v128.load (local.get $address))))

  (func (export "divide_by_zero") (param $d i32) (result i32)
    (i32.div_s (i32.const 7) (local.get $d)))

  (func $recurse (export "recurse_forever") (param $n i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))

  ;; A function without calls skips the stack check (its caller checked);
  ;; recursion that passes through one at every level must still end in
  ;; the trap, whichever frame first crosses the limit.
  (func $leaf (param $n i32) (result i32)
    (local $spill v128)
    (local.set $spill (i32x4.splat (local.get $n)))
    (i32x4.extract_lane 3 (i32x4.add (local.get $spill) (local.get $spill))))
  (func $recurse_via_leaf (export "recurse_via_leaf") (param $n i32) (result i32)
    (i32.add (call $recurse_via_leaf (call $leaf (local.get $n))) (i32.const 1)))

  ;; Slot 2 of the table was never set.
  (func (export "call_null_slot") (result i32)
    (call_indirect (type $v_i) (i32.const 2)))

  ;; Runs until stopped: --timeout must interrupt it.
  (func (export "spin") (loop (br 0)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
)
