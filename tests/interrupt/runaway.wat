;; Code that never stops by itself, for the interruption tests: a loop with
;; no calls, a call tree with no loops, and a counting loop that ends.
(module
  (memory (export "memory") 1)
  (func (export "spin") (loop (br 0)))
  (func $tree (export "tree") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $tree (i32.sub (local.get 0) (i32.const 1)))
                     (call $tree (i32.sub (local.get 0) (i32.const 2)))))))
  ;; Stores each count to memory[0], so a stopped loop shows how far it got.
  (func (export "count") (param i32) (result i32) (local i32)
    (loop
      (i32.store (i32.const 0) (local.get 1))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))
