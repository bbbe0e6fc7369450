;; greet.wat: the module examples/dynamic embeds.  It imports a host
;; function that prints a string out of linear memory and a constant, and
;; exports functions (one of which traps on demand), its memory and a
;; counter global, so the host can list, call and inspect all of them.
(module $greet
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "scale" (global $scale i32))

  (memory (export "memory") 1 4)
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (table (export "table") 2 funcref)

  (data (i32.const 16) "hello from wasm")

  (func $count
    (global.set $calls (i32.add (global.get $calls) (i32.const 1))))

  ;; Logs the greeting the data segment put at 16.
  (func (export "greet")
    (call $count)
    (call $log (i32.const 16) (i32.const 15)))

  ;; Logs `len` bytes at `ptr`: lets the host hand the host function a
  ;; string that does not fit in memory.
  (func (export "say") (param $ptr i32) (param $len i32)
    (call $count)
    (call $log (local.get $ptr) (local.get $len)))

  (func (export "add") (param i32 i32) (result i32)
    (call $count)
    (i32.mul (i32.add (local.get 0) (local.get 1)) (global.get $scale)))

  ;; Traps with "integer divide by zero" when $b is 0.
  (func (export "divide") (param $a i32) (param $b i32) (result i32)
    (call $count)
    (i32.div_s (local.get $a) (local.get $b)))

  ;; Sum of `len` bytes at `ptr`: reads what the host wrote.
  (func (export "sum") (param $ptr i32) (param $len i32) (result i32)
    (local $total i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $total (i32.add (local.get $total) (i32.load8_u (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $total))

  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
