;; Export and import names the runners must pass through byte for byte: a
;; byte-order mark (reference.mjs's TextDecoder dropped it, calling the
;; export named "" instead; found in the spec suite's names.wast), names
;; that are properties of every JavaScript object, an empty name, spaces,
;; a backslash and non-ASCII.
(module
  (import "\ef\bb\bf" "__proto__" (func $a (param i32)))
  (import "constructor" "" (func $b (param i64)))
  (func (export "") (result i32) (call $a (i32.const 1)) (i32.const 0))
  (func (export "\ef\bb\bf") (result i32) (call $b (i64.const 2)) (i32.const 1))
  (func (export "__proto__") (result i32) (i32.const 2))
  (func (export "constructor") (result i32) (i32.const 3))
  (func (export "a b\\c") (result i32) (i32.const 4))
  (func (export "\c3\85\e2\84\ab") (result i32) (i32.const 5))
  (global (export "hasOwnProperty") i32 (i32.const 6))
)
