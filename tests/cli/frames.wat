;; Which functions keep a frame record (tests/cli/run-frames.sh).  Functions
;; named "inert_*" can neither trap nor call and must keep none; every other
;; one must keep one, because a trap's walk may start in it or climb through
;; it.  Each export also has a value run-frames.sh checks.
(module
  (memory 1)
  (table 1 funcref)
  (global $g (mut i32) (i32.const 7))
  (elem (i32.const 0) $inert_mix)

  (func $inert_mix (export "inert_mix") (param i32 i32) (result i32)
    (i32.xor (i32.mul (local.get 0) (i32.const 0x9e3779b9))
             (i32.rotl (local.get 1) (i32.const 5))))
  (func $inert_branches (export "inert_branches") (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 0))
      (then (i32.sub (i32.const 0) (local.get 0)))
      (else (global.set $g (local.get 0)) (global.get $g))))
  (func $inert_loop (export "inert_loop") (param i32) (result i32)
    (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get 0)))
        (local.set $sum (i32.add (local.get $sum) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  (func $inert_float (export "inert_float") (param f64) (result f64)
    (f64.div (f64.sqrt (local.get 0)) (f64.const 2)))

  (func $loads (export "loads") (param i32) (result i32)
    (i32.load (local.get 0)))
  (func $divides (export "divides") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $truncates (export "truncates") (param f64) (result i32)
    (i32.trunc_f64_s (local.get 0)))
  (func $grows (export "grows") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func $unreachable (export "unreachable")
    unreachable)
  (func $calls (export "calls") (param i32) (result i32)
    (call $inert_mix (local.get 0) (i32.const 1)))
  (func $calls_indirect (export "calls_indirect") (param i32) (result i32)
    (call_indirect (param i32 i32) (result i32) (local.get 0) (i32.const 1) (i32.const 0))))
