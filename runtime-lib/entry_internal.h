/*
 * Entering wasm code from the host and leaving it by a trap.
 *
 * Each thread keeps a stack of entry records, one per host->wasm call in
 * progress: sigsetjmp buffers of waot_rt_call_guarded, or the
 * __builtin_setjmp guards of generated headers (waot_static.h); a trap,
 * raised by compiled code through the runtime table or by the fault
 * handler, jumps to the innermost one.  The
 * thread's stack limit is fixed at its outermost entry and written into the
 * contexts it enters.
 */
#ifndef WAOT_ENTRY_INTERNAL_H
#define WAOT_ENTRY_INTERNAL_H

#include "waot_abi.h"

#include <stdbool.h>
#include <stdint.h>

/* Calls trampoline(callee->code, callee->ctx, args, results), catching
 * traps.  `caller` is the context of the instance the host called into; it
 * and the callee's context (unless the callee is a host function, whose ctx
 * is a closure) get the thread's stack limit first.  Returns WAOT_TRAP_NONE,
 * the trap that ended the call, or WAOT_RT_UNWIND_EXIT (below). */
waot_abi_trap waot_rt_call_guarded(waot_abi_context *caller, const waot_abi_funcref *callee,
                                   bool callee_is_host, waot_abi_trampoline trampoline,
                                   const waot_abi_value *args, waot_abi_value *results);

/* The `trap` entry of the runtime table: unwinds to the innermost entry on
 * this thread.  A code outside the enum is reported as WAOT_TRAP_COUNT
 * ("unknown trap"). */
__attribute__((noreturn)) void waot_rt_trap(waot_abi_context *ctx, uint32_t trap);
/* The `trap_element` entry: a trap about table element `index`. */
__attribute__((noreturn)) void waot_rt_trap_element(waot_abi_context *ctx, uint32_t trap,
                                                    uint32_t index);
/* The element index of the last trap on this thread, or -1 when it named
 * none; reading it forgets it. */
int64_t waot_rt_take_trap_element(void);

/* The value waot_rt_call_guarded returns when the call ended by
 * waot_rt_exit rather than a trap: outside the trap enum (compiled code's
 * unknown codes become WAOT_TRAP_COUNT), and never a waot_abi.h trap. */
#define WAOT_RT_UNWIND_EXIT ((waot_abi_trap)(WAOT_TRAP_COUNT + 1))

/* Ends the innermost host->wasm call on this thread, unwinding its wasm
 * frames like a trap: records `code` and jumps to that entry, which then
 * returns WAOT_RT_UNWIND_EXIT.  What WASI's proc_exit does; called from a host
 * function, so wasm code is always below it.  Aborts when there is no
 * entry. */
__attribute__((noreturn)) void waot_rt_exit(int code);
/* The code of the last waot_rt_exit on this thread. */
int waot_rt_exit_code(void);

/* For the fault handler; all async-signal-safe. */
/* Whether this thread is inside a host->wasm entry. */
bool waot_rt_thread_in_wasm(void);
/* Whether `address` is in or just below this thread's stack's lowest
 * usable page: a fault there is the stack running out. */
bool waot_rt_thread_stack_guard_contains(uintptr_t address);
/* Unwinds to the innermost entry with `trap`; aborts when there is none. */
__attribute__((noreturn)) void waot_rt_unwind(waot_abi_trap trap);

#endif
