;; waot's own spec-format tests, for how it lays out instance state
;; (waot_abi.h), run by `waot-spec --testsuite tests/wast` (ctest wast).

;; A table that can never grow (max == min): call_indirect reads table 0's
;; elements through the instance context, and its elements carry copies of
;; their references, which every write must keep in step.  An importer of
;; such a table sees the exporter's writes.
(module $exporter
  (type $v_i (func (result i32)))
  (table (export "tab") 4 4 funcref)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (elem (i32.const 0) $one)
  (elem declare func $two)
  (func (export "set_two") (param $slot i32) (table.set 0 (local.get $slot) (ref.func $two)))
  (func (export "clear") (param $slot i32) (table.set 0 (local.get $slot) (ref.null func)))
  (func (export "call") (param $slot i32) (result i32)
    (call_indirect (type $v_i) (local.get $slot)))
)
(register "ex" $exporter)

(module $importer
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (import "ex" "tab" (table 4 4 funcref))
  (func (export "call") (param $slot i32) (result i32)
    (call_indirect (type $v_i) (local.get $slot)))
  (func (export "call_with_arg") (param $slot i32) (result i32)
    (call_indirect (type $i_i) (i32.const 0) (local.get $slot)))
)

(assert_return (invoke $importer "call" (i32.const 0)) (i32.const 1))
(assert_trap (invoke $importer "call" (i32.const 1)) "uninitialized element")
(invoke $exporter "set_two" (i32.const 1))
(assert_return (invoke $importer "call" (i32.const 1)) (i32.const 2))
(assert_return (invoke $exporter "call" (i32.const 1)) (i32.const 2))
(invoke $exporter "set_two" (i32.const 0))
(assert_return (invoke $importer "call" (i32.const 0)) (i32.const 2))
(invoke $exporter "clear" (i32.const 0))
(assert_trap (invoke $importer "call" (i32.const 0)) "uninitialized element")
(assert_trap (invoke $exporter "call" (i32.const 0)) "uninitialized element")
(assert_trap (invoke $importer "call" (i32.const 4)) "undefined element")
(assert_trap (invoke $importer "call_with_arg" (i32.const 1)) "indirect call type mismatch")

;; Globals only the instance sees live in its context; exported ones in
;; cells of their own.  Each instance has its own private globals.
(module $counters
  (global $private (mut i32) (i32.const 10))
  (global $shared (export "shared") (mut i32) (i32.const 20))
  (func (export "bump") (result i32)
    (global.set $private (i32.add (global.get $private) (i32.const 1)))
    (global.set $shared (i32.add (global.get $shared) (i32.const 1)))
    (i32.add (global.get $private) (global.get $shared)))
)
(assert_return (invoke $counters "bump") (i32.const 32))
(assert_return (invoke $counters "bump") (i32.const 34))
(assert_return (get $counters "shared") (i32.const 22))

(module $counters2
  (global $private (mut i32) (i32.const 10))
  (global $shared (export "shared") (mut i32) (i32.const 20))
  (func (export "bump") (result i32)
    (global.set $private (i32.add (global.get $private) (i32.const 1)))
    (global.set $shared (i32.add (global.get $shared) (i32.const 1)))
    (i32.add (global.get $private) (global.get $shared)))
)
(assert_return (invoke $counters2 "bump") (i32.const 32))
(assert_return (invoke $counters "bump") (i32.const 36))
