/*
 * Runtime support for modules linked into a program as objects
 * (`waot compile --emit obj --header`).  The generated header of such a
 * module is the API a program uses; it is written on top of this one, which
 * a program does not need to call itself.  This header owns:
 *  - waot_static_instance, the record behind every generated `<name>_instance`:
 *    the runtime instance, its context, and the outcome of its last call;
 *  - the trap guard the generated wrappers set up around a direct call into
 *    compiled code: waot_static_enter pushes a guard on this thread's stack
 *    of host->wasm entries (the same one waot_call uses, so traps, nested
 *    calls and the stack limit behave identically), the wrapper calls
 *    __builtin_setjmp(guard.jump) itself (GCC and Clang: it saves only the
 *    frame, stack and resume addresses, and never the signal mask, which
 *    the runtime's fault handler leaves as it found it), and
 *    waot_static_leave or waot_static_trapped pops it and records the
 *    outcome.  Enter and leave are inline: they touch the runtime's
 *    per-thread record (waot_static_thread) directly, so a call costs a
 *    few nanoseconds more than a plain C call, not a library round trip;
 *  - instantiation from a descriptor linked into the program, binding the
 *    module's imports to adapters the generated header supplies, and the
 *    one-time registration of the program's compiled code
 *    (__start_waot_code..__stop_waot_code) with the fault handler.
 * Every object linked into one program shares the section waot_code, so one
 * registration covers all of them.
 */
#ifndef WAOT_STATIC_H
#define WAOT_STATIC_H

#include "waot.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A v128 value as the generated API passes it: 16 bytes, lane 0 first. */
typedef struct waot_v128 {
    uint8_t bytes[16];
} waot_v128;

typedef struct waot_static_instance waot_static_instance;

/* One host->wasm entry in progress: lives in the wrapper's frame between
 * waot_static_enter and waot_static_leave/waot_static_trapped.  The fields
 * are the runtime's.  The runtime's own entries (waot_call) begin with one
 * too, with `owner` NULL, and jump by siglongjmp instead. */
typedef struct waot_static_guard {
    void *jump[5];                   /* __builtin_setjmp's buffer */
    struct waot_static_guard *outer; /* the entry this one is nested in */
    waot_static_instance *owner;     /* whose status the call sets */
    int code;                        /* the trap, once one jumped here */
} waot_static_guard;

/* What a generated `<name>_instance` holds.  Owned by that instance; read
 * only through the generated functions. */
struct waot_static_instance {
    waot_abi_context *ctx;   /* what compiled code receives */
    waot_instance *instance; /* the runtime's instance (one reference) */
    waot_status status;      /* of the last call through the generated API */
    waot_error error;        /* its details when status is not WAOT_OK */
};

/* How one import of the module is bound (by index into the descriptor's
 * imports).  Function imports: `fn` is called with a closure whose `user`
 * is `user`.  Global imports: `value` is the initial value (mutability as
 * the module declares).  Memory and table imports need no binding: the
 * runtime creates them with the limits the module declares. */
typedef struct waot_static_import {
    uint32_t import_index;
    waot_abi_host_fn fn;
    void *user;
    waot_abi_value value;
} waot_static_import;

/* Instantiates the module whose descriptor is linked into the program:
 * registers the program's compiled code on first use, binds the imports,
 * allocates memories, tables and globals, applies segments and runs the
 * start function.  On success `out` is filled (status WAOT_OK); on failure
 * the error says why (a trap in the start function is WAOT_ERROR_TRAP). */
waot_status waot_static_instantiate(const waot_abi_module *descriptor,
                                    const waot_static_import *imports, size_t import_count,
                                    waot_static_instance *out, waot_error *err);
/* Releases what waot_static_instantiate made. */
void waot_static_release(waot_static_instance *instance);

/* The runtime's per-thread entry state (entry.c), which the inline guard
 * entries below read and write: the fields are the runtime's. */
typedef struct waot_static_thread {
    waot_static_guard *innermost; /* the innermost host->wasm entry, or NULL */
    uintptr_t limit;              /* the stack limit, fixed at the outermost entry */
    /* The frame of the outermost guard entry `limit` was computed for; 0
     * once another outermost entry set it. */
    uintptr_t static_frame;
    int64_t trap_element;         /* the table element the last trap named, or -1 */
} waot_static_thread;
extern __thread waot_static_thread waot_static_this_thread
    __attribute__((tls_model("initial-exec")));

/* waot_static_enter's slow path: prepares the thread on its first entry and
 * sets the stack limit of an outermost entry from `frame`. */
void waot_static_enter_slow(uintptr_t frame);

/* Pushes `guard` for a call into `owner`'s code: prepares the thread on its
 * first entry and gives the context the thread's stack limit.  Follow with
 * `if (__builtin_setjmp(guard->jump) == 0)` in the same function. */
static inline void waot_static_enter(waot_static_guard *guard, waot_static_instance *owner)
{
    waot_static_guard *outer = waot_static_this_thread.innermost;
    guard->owner = owner;
    guard->outer = outer;
    if (!outer) {
        uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
        if (__builtin_expect(frame != waot_static_this_thread.static_frame, 0))
            waot_static_enter_slow(frame);
    }
    owner->ctx->stack_limit = waot_static_this_thread.limit;
    waot_static_this_thread.trap_element = -1;
    waot_static_this_thread.innermost = guard;
}

/* Pops `guard` after the call returned: its owner's status becomes WAOT_OK. */
static inline void waot_static_leave(waot_static_guard *guard)
{
    waot_static_this_thread.innermost = guard->outer;
    guard->owner->status = WAOT_OK;
}

/* Pops `guard` after a trap jumped to it (__builtin_setjmp returned
 * nonzero), recording the trap (or a WASI exit) as its owner's status. */
void waot_static_trapped(waot_static_guard *guard);

/* Calls function `func_index` of `owner` through its type's trampoline,
 * guarded like the above, recording the outcome: for signatures the
 * wrappers cannot call directly (several results, v128) and re-exported
 * imports.  results[] is written only when the status becomes WAOT_OK. */
void waot_static_call(waot_static_instance *owner, uint32_t func_index,
                      const waot_abi_value *args, waot_abi_value *results);

/* The outcome of `instance`'s last call, with details in `err` (may be
 * NULL). */
waot_status waot_static_last_status(const waot_static_instance *instance, waot_error *err);

/* For host functions bound through a generated header: abandons the wasm
 * call in progress, which ends with WAOT_ERROR_TRAP ("host function
 * failed").  Must be called from a host function that wasm code called. */
__attribute__((noreturn)) void waot_static_host_trap(void);

#ifdef __cplusplus
}
#endif

#endif
