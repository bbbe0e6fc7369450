;; small.wat: the module bench/embed instantiates and calls.  One page of
;; memory with a data segment, a mutable global, a small table and a few
;; functions: the shape of a typical small plugin.
(module
  (memory (export "memory") 1 1)
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $add $sub)
  (data (i32.const 0) "small module")

  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func $sub (export "sub") (param i32 i32) (result i32)
    (i32.sub (local.get 0) (local.get 1)))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
  (func (export "dispatch") (param i32 i32 i32) (result i32)
    (call_indirect (param i32 i32) (result i32)
      (local.get 1) (local.get 2) (local.get 0))))
