;; proc_exit from the start function: instantiation itself ends with the
;; exit status (7), and _start never runs.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\20\00\00\00\05\00\00\00")  ;; iovec {32, 5}
  (data (i32.const 32) "start")
  (func $start
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 7))
    unreachable)
  (func (export "_start") unreachable)
  (start $start))
