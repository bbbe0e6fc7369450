;; Values crossing the command line, calls through a table and globals:
;; v128 in lane syntax, floats with NaN payloads, multiple results.
(module
  (type $t (func (param v128) (result v128)))
  (table 1 funcref) (elem (i32.const 0) $neg)
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (func $neg (type $t) (i32x4.neg (local.get 0)))
  (func (export "via_table") (param v128) (result v128)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func (export "swap_global") (param v128) (result v128)
    (global.get $g) (global.set $g (local.get 0)))
  (func (export "id") (param v128) (result v128) (local.get 0))
  (func (export "pair") (param f32 f64) (result f64 f32) (local.get 1) (local.get 0))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1))))
