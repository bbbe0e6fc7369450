;; shared.wat: a module that imports its memory, table and a mutable global,
;; which examples/dynamic creates on the host side and shares between two
;; instances.
(module
  (import "env" "memory" (memory 1 2))
  (import "env" "table" (table 1 funcref))
  (import "env" "counter" (global $counter (mut i32)))

  ;; Adds one to the shared counter and stores it at byte 0 of memory;
  ;; returns the byte the host left at 1.
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (i32.store8 (i32.const 0) (global.get $counter))
    (i32.load8_u (i32.const 1)))

  (func (export "table_size") (result i32)
    (table.size 0)))
