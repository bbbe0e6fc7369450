;; The importing half of the stress test's cross-instance imports: calls
;; into another instance, a trap raised there, and its memory read here.
(module
  (import "lib" "add" (func $add (param i32 i32) (result i32)))
  (import "lib" "trap" (func $trap))
  (import "lib" "mem" (memory 1))
  ;; 1 + 2 + ... + n, one call of lib.add per term.
  (func (export "sum_to") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $sum (call $add (local.get $sum) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  (func (export "trap_in_lib") (call $trap))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))
