;; The exporting half of the stress test's cross-instance imports
;; (stress_user.wat imports its function, trap and memory).
(module
  (memory (export "mem") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "trap") (unreachable)))
