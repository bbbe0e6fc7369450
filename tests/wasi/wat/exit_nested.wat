;; proc_exit deep in recursion (1000 wasm frames to unwind): status 42,
;; and what was written before it arrives.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\20\00\00\00\06\00\00\00")
  (data (i32.const 32) "deep!\0a")
  (func $down (param $n i32)
    (if (i32.eqz (local.get $n))
      (then
        (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
        (call $exit (i32.const 42))))
    (call $down (i32.sub (local.get $n) (i32.const 1))))
  (func (export "_start") (call $down (i32.const 1000))))
