;; work.wat: the module examples/threads runs on many threads at once.  Each
;; instance fills its own memory from a seed and sums it back, keeping a
;; running total in a global, so instances that shared any state would get
;; the wrong answer.  `divide` traps on demand.
(module
  (memory (export "memory") 1)
  (global $total (export "total") (mut i64) (i64.const 0))

  ;; Writes seed * i + 1 to word i for i < n (n <= 16384), then returns the
  ;; sum of the words and adds it to $total.
  (func (export "work") (param $seed i32) (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2))
                   (i32.add (i32.mul (local.get $seed) (local.get $i)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (local.set $i (i32.const 0))
    (block $summed
      (loop $add
        (br_if $summed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum)
                                 (i64.extend_i32_u (i32.load (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $add)))
    (global.set $total (i64.add (global.get $total) (local.get $sum)))
    (local.get $sum))

  (func (export "divide") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1))))
