/*
 * Entering wasm code from the host and leaving it by a trap.
 *
 * Every host->wasm call is one fixed instruction sequence
 * (WAOT_STATIC_CALL_SEQUENCE in waot_static.h), inlined into the generated
 * headers' wrappers and into waot_rt_call_guarded; it records nothing.  A
 * trap finds its way back by frame records instead: all compiled code keeps
 * frame pointers, so from the trapping frame the runtime climbs the wasm
 * frames to the first one the host called, checks that it returns into an
 * entry sequence, and resumes there with the trap in %r11.  Host functions
 * called from wasm go through a shim that leaves an exit record on the
 * thread, so a trap raised inside one (waot_host_trap, WASI's proc_exit)
 * starts from the wasm frames below it, whatever the host's own frames
 * look like.
 *
 * The thread's stack limit is fixed when the thread first enters wasm and
 * written into the contexts it enters.
 */
#ifndef WAOT_ENTRY_INTERNAL_H
#define WAOT_ENTRY_INTERNAL_H

#include "waot_abi.h"
#include "waot_static.h"

#include <stdbool.h>
#include <stdint.h>

/* Marks the runtime functions a trap leaves without returning: those
 * below that raise or unwind, the shim, and the runtime-table and host-API
 * functions that call them.  Under ThreadSanitizer every instrumented
 * function pushes itself on a per-thread shadow stack at entry and pops
 * itself on return; a frame a trap abandons is never popped, and some tens
 * of thousands of traps on one thread overflow that stack and corrupt
 * memory (a hang, or "trap outside of any call into wasm").  So these stay
 * uninstrumented; they touch only thread-local state and their callers'
 * arguments, so race detection loses nothing.  Host functions are the
 * embedder's: an instrumented one that traps leaves its own frame behind,
 * one shadow entry per host trap. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WAOT_RT_TRAP_PATH __attribute__((disable_sanitizer_instrumentation))
#endif
#endif
#if !defined(WAOT_RT_TRAP_PATH) && defined(__SANITIZE_THREAD__)
#define WAOT_RT_TRAP_PATH __attribute__((no_sanitize_thread))
#endif
#ifndef WAOT_RT_TRAP_PATH
#define WAOT_RT_TRAP_PATH
#endif

/* Calls trampoline(callee->code, callee->ctx, args, results), catching
 * traps.  `caller` is the context of the instance the host called into; it
 * and the callee's context (unless the callee is a host function, whose ctx
 * is a closure) get the thread's stack limit first.  Returns WAOT_TRAP_NONE,
 * the trap that ended the call, or WAOT_RT_UNWIND_EXIT (below).  Inline:
 * the embedding API's calls pay for no extra frame. */
static inline waot_abi_trap waot_rt_call_guarded(waot_abi_context *caller,
                                                 const waot_abi_funcref *callee,
                                                 bool callee_is_host,
                                                 waot_abi_trampoline trampoline,
                                                 const waot_value *args,
                                                 waot_value *results)
{
    uintptr_t limit = waot_static_this_thread.stack_limit;
    if (__builtin_expect(limit == 0, 0))
        limit = waot_static_prepare_thread();
    caller->stack_limit = limit;
    if (!callee_is_host)
        ((waot_abi_context *)callee->ctx)->stack_limit = limit;

    register uint64_t target __asm__("rax") = (uintptr_t)trampoline;
    register uint64_t code __asm__("rdi") = (uintptr_t)callee->code;
    register uint64_t ctx __asm__("rsi") = (uintptr_t)callee->ctx;
    register uint64_t arg_values __asm__("rdx") = (uintptr_t)args;
    register uint64_t result_values __asm__("rcx") = (uintptr_t)results;
    register uint64_t trap __asm__("r11");
    __asm__ volatile(WAOT_STATIC_CALL_SEQUENCE("*%%rax")
                     : "=r"(trap), "+r"(target), "+r"(code), "+r"(ctx), "+r"(arg_values),
                       "+r"(result_values)
                     :
                     : "rbx", "r8", "r9", "r10", "r12", "r13", "r14", "r15", "xmm0", "xmm1",
                       "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                       "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc",
                       "memory" WAOT_STATIC_AVX512_CLOBBERS);
    return (waot_abi_trap)trap;
}

/* The host function every closure's `fn` is: leaves an exit record for the
 * duration of the call and calls closure->target. */
void waot_rt_host_shim(waot_abi_host_closure *closure, const waot_abi_value *args,
                       waot_abi_value *results);

/* The `trap` entry of the runtime table: unwinds the wasm frames below the
 * caller to their host->wasm entry.  A code outside the enum is reported as
 * WAOT_TRAP_COUNT ("unknown trap").  Called by compiled code, or by runtime
 * code compiled code called. */
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

/* Ends the wasm call the innermost host function on this thread was called
 * from, like a trap; that entry returns `trap`.  For host functions (their
 * traps, WASI's proc_exit).  Aborts when no host function called from wasm
 * is running on this thread. */
__attribute__((noreturn)) void waot_rt_unwind_host(waot_abi_trap trap);
/* waot_rt_unwind_host(WAOT_RT_UNWIND_EXIT), keeping `code` for
 * waot_rt_exit_code. */
__attribute__((noreturn)) void waot_rt_exit(int code);
/* The code of the last waot_rt_exit on this thread. */
int waot_rt_exit_code(void);

/* For the fault handler; all async-signal-safe. */
/* Whether `address` is in or just below this thread's stack's lowest
 * usable page: a fault there is the stack running out. */
bool waot_rt_thread_stack_guard_contains(uintptr_t address);
/* Rewrites the signal context `ucontext` of a fault in compiled code so
 * that returning from the handler ends the wasm call with `trap`.  Aborts
 * when the fault's frames lead to no host->wasm entry. */
void waot_rt_trap_in_context(void *ucontext, waot_abi_trap trap);

#endif
