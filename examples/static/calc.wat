;; The module examples/static/main.c links in: arithmetic that can trap
;; (div_s by zero, INT_MIN / -1), a host function it calls (env.log), an
;; exported memory, a mutable global counting calls, a function with two
;; results and one that recurses until the stack runs out.
(module $calc
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func $count
    (global.set $calls (i32.add (global.get $calls) (i32.const 1))))
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func $mul (export "mul") (param i32 i32) (result i32)
    (call $count)
    (i32.mul (local.get 0) (local.get 1)))
  (func $div_s (export "div_s") (param i32 i32) (result i32)
    (call $count)
    (call $log (local.get 1))
    (i32.div_s (local.get 0) (local.get 1)))
  (func $divmod (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func $store (export "store") (param i32 i32)
    (i32.store (local.get 0) (local.get 1)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
