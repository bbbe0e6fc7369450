;; fib.wat: a small module that exercises most of what a module can hold,
;; for trying out `waot validate` and `waot inspect`.
;;
;; The host provides a function to print an i32 and the linear memory.  The
;; module computes Fibonacci numbers three ways, dispatches between them
;; through a table, fills memory with a table of i64 Fibonacci numbers, and
;; counts the calls it serves in an exported mutable global.  The start
;; function prints fib(10) and checks the greeting in the data segment.
;;
;; Build it with names so that `waot inspect` can show them:
;;   wat2wasm --debug-names fib.wat -o fib.wasm
(module $fib
  (type $unop (func (param i32) (result i32)))

  (import "env" "print_i32" (func $print_i32 (param i32)))
  (import "env" "memory" (memory $mem 1 16))

  ;; How many times an exported function was called.
  (global $calls (export "calls") (mut i32) (i32.const 0))
  ;; Where the greeting lives in memory, and where fib_table writes.
  (global $greeting i32 (i32.const 1024))
  (global $table_base i32 (i32.const 2048))

  ;; Slot 0: recursive, 1: iterative, 2: fast doubling.
  (table $algorithms 3 3 funcref)
  (elem (table $algorithms) (i32.const 0) func $fib_recursive $fib_iterative $fib_doubling)

  (data (memory $mem) (i32.const 1024) "fibonacci\00")

  (func $count_call
    (global.set $calls (i32.add (global.get $calls) (i32.const 1))))

  (func $fib_recursive (export "fib_recursive") (type $unop)
    (call $count_call)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else
        (i32.add
          (call $fib_recursive (i32.sub (local.get 0) (i32.const 1)))
          (call $fib_recursive (i32.sub (local.get 0) (i32.const 2)))))))

  (func $fib_iterative (export "fib") (type $unop)
    (local $a i32) (local $b i32) (local $next i32)
    (call $count_call)
    (local.set $b (i32.const 1))
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get 0)))
        (local.set $next (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $next))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $step)))
    (local.get $a))

  ;; fib(2k) = fib(k) * (2 fib(k+1) - fib(k)), fib(2k+1) = fib(k)^2 + fib(k+1)^2,
  ;; walking the bits of n from the top.
  (func $fib_doubling (type $unop)
    (local $a i32) (local $b i32) (local $bit i32) (local $c i32) (local $d i32)
    (call $count_call)
    (local.set $b (i32.const 1))
    (if (i32.eqz (local.get 0)) (then (return (i32.const 0))))
    (local.set $bit (i32.shl (i32.const 1) (i32.sub (i32.const 31) (i32.clz (local.get 0)))))
    (loop $next_bit
      (local.set $c (i32.mul (local.get $a)
                             (i32.sub (i32.shl (local.get $b) (i32.const 1)) (local.get $a))))
      (local.set $d (i32.add (i32.mul (local.get $a) (local.get $a))
                             (i32.mul (local.get $b) (local.get $b))))
      (if (i32.and (local.get 0) (local.get $bit))
        (then (local.set $a (local.get $d))
              (local.set $b (i32.add (local.get $c) (local.get $d))))
        (else (local.set $a (local.get $c))
              (local.set $b (local.get $d))))
      (local.set $bit (i32.shr_u (local.get $bit) (i32.const 1)))
      (br_if $next_bit (local.get $bit)))
    (local.get $a))

  ;; Calls the algorithm in table slot $algorithm; traps on a bad slot.
  (func $fib_with (export "fib_with") (param $algorithm i32) (param $n i32) (result i32)
    (call_indirect $algorithms (type $unop) (local.get $n) (local.get $algorithm)))

  ;; Writes fib(0) .. fib(count - 1) as i64s at $table_base; returns the address.
  (func $fib_table (export "fib_table") (param $count i32) (result i32)
    (local $i i32) (local $a i64) (local $b i64) (local $next i64)
    (call $count_call)
    (local.set $b (i64.const 1))
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i64.store (i32.add (global.get $table_base) (i32.shl (local.get $i) (i32.const 3)))
                   (local.get $a))
        (local.set $next (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $next))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (global.get $table_base))

  (func $init
    (if (i32.ne (i32.load8_u (global.get $greeting)) (i32.const 0x66)) ;; 'f'
      (then (unreachable)))
    (call $print_i32 (call $fib_iterative (i32.const 10)))
    (global.set $calls (i32.const 0)))

  (start $init))
