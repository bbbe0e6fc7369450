;; The module bench/static-call calls: one export, add(i32, i32) -> i32.
(module $add
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
