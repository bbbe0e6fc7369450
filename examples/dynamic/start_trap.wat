;; start_trap.wat: a module whose start function traps, so instantiating it
;; fails with a RuntimeError (WAOT_ERROR_TRAP) rather than a LinkError.
(module
  (func $start unreachable)
  (start $start))
