;; A start function that never returns: only waot_config.start_timeout_ns
;; can stop it, since the host has no instance yet.
(module
  (func $spin (loop (br 0)))
  (start $spin))
