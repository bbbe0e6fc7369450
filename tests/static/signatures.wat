;; Signatures for tests/static/main.c: every way a generated wrapper passes
;; values.  The first ones fit the argument registers and are called by the
;; inline call sequence; the last ones do not and go through a trampoline.
(module
  (func (export "f32_id") (param f32) (result f32) (local.get 0))
  (func (export "f64_id") (param f64) (result f64) (local.get 0))
  (func (export "i64_id") (param i64) (result i64) (local.get 0))
  ;; ints and floats interleaved: each kind fills its own registers
  (func (export "mixed") (param i32 f64 i64 f32 i32) (result f64)
    (f64.add
      (f64.add (f64.convert_i32_s (local.get 0)) (local.get 1))
      (f64.add (f64.convert_i64_s (local.get 2))
               (f64.add (f64.promote_f32 (local.get 3))
                        (f64.convert_i32_s (local.get 4))))))
  ;; five integers after the context: rsi, rdx, rcx, r8, r9
  (func (export "five") (param i64 i64 i64 i64 i64) (result i64)
    (i64.add (local.get 0)
      (i64.add (i64.mul (local.get 1) (i64.const 10))
        (i64.add (i64.mul (local.get 2) (i64.const 100))
          (i64.add (i64.mul (local.get 3) (i64.const 1000))
                   (i64.mul (local.get 4) (i64.const 10000)))))))
  ;; eight floats: xmm0..xmm7
  (func (export "eight") (param f64 f64 f64 f64 f64 f64 f64 f64) (result f64)
    (f64.add (local.get 0) (f64.add (f64.mul (local.get 1) (f64.const 2))
      (f64.add (f64.mul (local.get 2) (f64.const 3)) (f64.add (f64.mul (local.get 3) (f64.const 4))
        (f64.add (f64.mul (local.get 4) (f64.const 5)) (f64.add (f64.mul (local.get 5) (f64.const 6))
          (f64.add (f64.mul (local.get 6) (f64.const 7)) (f64.mul (local.get 7) (f64.const 8))))))))))
  ;; six integers: one more than the registers hold
  (func (export "six") (param i32 i32 i32 i32 i32 i32) (result i32)
    (i32.sub (i32.add (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 2) (local.get 3)))
             (i32.add (local.get 4) (local.get 5))))
  ;; nine floats: one more than the registers hold
  (func (export "nine") (param f32 f32 f32 f32 f32 f32 f32 f32 f32) (result f32)
    (f32.sub (local.get 0) (local.get 8)))
  (func (export "ref_id") (param externref) (result externref) (local.get 0))
  (func (export "f32_trap") (param f32) (result f32) (unreachable))
  (func (export "no_values") (unreachable)))
