/*
 * Runtime support for modules linked into a program as objects
 * (`waot compile --emit obj --header`).  The generated header of such a
 * module is the API a program uses; it is written on top of this one, which
 * a program does not need to call itself.  This header owns:
 *  - waot_static_instance, the record behind every generated `<name>_instance`:
 *    the runtime instance, its context, and the outcome of its last call;
 *  - the host->wasm call sequence the generated wrappers inline around a
 *    direct call of compiled code (WAOT_STATIC_CALL_SEQUENCE).  It records
 *    nothing: every register but the stack and frame pointers is declared
 *    clobbered, so the compiler of the program keeps nothing in them, and a
 *    trap resumes right after the call with the trap's code in %r11 (the
 *    runtime finds the call by walking frame records, see entry.c).  A
 *    call therefore costs what a C call with many live values costs;
 *  - instantiation from a descriptor linked into the program, binding the
 *    module's imports to adapters the generated header supplies, and the
 *    one-time registration of the program's compiled code
 *    (__start_waot_code..__stop_waot_code) with the fault handler.
 * Every object linked into one program shares the section waot_code, so one
 * registration covers all of them.
 *
 * The call sequence is x86-64 System V code, like the runtime's entries.
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

/* The runtime's per-thread state the inline code below reads. */
typedef struct waot_static_thread {
    uintptr_t stack_limit; /* 0 until the thread first enters wasm */
} waot_static_thread;
extern __thread waot_static_thread waot_static_this_thread
    __attribute__((tls_model("initial-exec")));

/* Prepares the calling thread for wasm (signal stack, stack bounds) on its
 * first entry and returns its stack limit. */
uintptr_t waot_static_prepare_thread(void);

/* The context to pass to `owner`'s compiled code, with the thread's stack
 * limit written into it.  Call right before the call sequence. */
static inline waot_abi_context *waot_static_context(waot_static_instance *owner)
{
    uintptr_t limit = waot_static_this_thread.stack_limit;
    if (__builtin_expect(limit == 0, 0))
        limit = waot_static_prepare_thread();
    owner->ctx->stack_limit = limit;
    return owner->ctx;
}

/* Records a call's outcome in its owner: trap 0 is success, anything else
 * what %r11 held after the call sequence (a trap, or a WASI exit). */
void waot_static_trapped(waot_static_instance *owner, uint64_t trap);

#if !defined(__x86_64__)
#error "waot_static.h: linked-in modules need x86-64 (the call sequence is x86-64 code)"
#endif

/* The host->wasm call sequence, for GNU C extended asm: calls `target`
 * ("symbol@PLT" or "*%%rax") with the arguments already in their System V
 * registers, then sets %r11 to 0.  A trap resumes after the `xor` with %r11
 * holding the trap.  It keeps clear of the caller's red zone, calls on a
 * 16-byte aligned stack whatever the caller's alignment, and keeps the
 * caller's stack pointer at 8(%rsp) across the call, where the runtime
 * leaves it when it resumes. */
#define WAOT_STATIC_CALL_SEQUENCE(target)                                                   \
    "mov %%rsp, %%r11\n\t"                                                                  \
    "lea -144(%%rsp), %%rsp\n\t"                                                            \
    "and $-16, %%rsp\n\t"                                                                   \
    "mov %%r11, 8(%%rsp)\n\t"                                                               \
    "call " target "\n\t"                                                                   \
    ".byte 0x45, 0x31, 0xdb\n\t" /* xor %%r11d, %%r11d: the runtime checks these bytes */ \
    "mov 8(%%rsp), %%rsp"

/* Clobbers of the call sequence beyond the registers a wrapper names as
 * operands: the vector registers only AVX-512 code can use. */
#ifdef __AVX512F__
#define WAOT_STATIC_AVX512_CLOBBERS                                                         \
    , "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24",      \
        "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k0", "k1", "k2",    \
        "k3", "k4", "k5", "k6", "k7"
#else
#define WAOT_STATIC_AVX512_CLOBBERS
#endif

/* f32 values travel in the low 32 bits of an XMM register, which the
 * wrappers bind to double variables. */
static inline double waot_static_xmm_of_f32(float value)
{
    double xmm = 0;
    __builtin_memcpy(&xmm, &value, sizeof value);
    return xmm;
}

static inline float waot_static_f32_of_xmm(double xmm)
{
    float value;
    __builtin_memcpy(&value, &xmm, sizeof value);
    return value;
}

/* Calls function `func_index` of `owner` through its type's trampoline,
 * recording the outcome: for signatures the wrappers cannot call directly
 * (several results, v128, arguments beyond the argument registers) and
 * re-exported imports.  results[] is written only when the status becomes WAOT_OK. */
void waot_static_call(waot_static_instance *owner, uint32_t func_index, const waot_value *args,
                      waot_value *results);

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
