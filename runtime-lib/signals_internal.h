/*
 * The SIGSEGV/SIGBUS handler that turns guard-page faults of wasm code into
 * traps, and the per-thread alternate stack it runs on.
 */
#ifndef WAOT_SIGNALS_INTERNAL_H
#define WAOT_SIGNALS_INTERNAL_H

/* Installs the handler (once per process, chaining to the handlers that
 * were installed before) and gives the calling thread an alternate signal
 * stack unless it has one.  Called at a thread's first entry into wasm.
 * Failures are silent: without an alternate stack only the stack-overflow
 * fallback is lost, the prologue checks still catch exhaustion. */
void waot_rt_signals_prepare_thread(void);

#endif
