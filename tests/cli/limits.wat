;; The host's limits from the command line: memory and table growth stop at
;; --max-memory-pages / --max-table-elements, recursion at --max-stack-bytes.
(module
  (memory 1)
  (table 1 funcref)
  (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32)
    (table.grow 0 (ref.null func) (local.get 0)))
  ;; Recursion `depth` deep, returning depth.
  (func $descend (export "descend") (param $depth i32) (result i32)
    (if (result i32) (i32.eqz (local.get $depth))
      (then (i32.const 0))
      (else (i32.add (call $descend (i32.sub (local.get $depth) (i32.const 1)))
                     (i32.const 1))))))
