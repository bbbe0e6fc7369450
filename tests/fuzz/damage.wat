;; damage.wat: the module fuzz.load_cwasm_damage compiles and then damages
;; the way fuzz_load_cwasm found the loader could not take: one of every
;; kind of thing a descriptor points at (types, an import, functions with
;; names, a table with an element segment, a memory with a data segment, a
;; global, exports).
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (table 2 funcref)
  (global $count (mut i32) (i32.const 0))
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func $bump (export "bump")
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (call $log (global.get $count)))
  (elem (i32.const 0) $add $bump)
  (data (i32.const 16) "damaged modules are refused")
  (export "count" (global $count))
  (export "memory" (memory 0)))
