/*
 * Fake compiled modules for the runtime tests, written in C while the
 * compiler is not there to make real ones: "wasm functions" are C functions
 * taking the instance context first, placed in their own section so the
 * tests can register that section as wasm code; trampolines and host
 * adapters for a fixed set of function types do what the compiler's would.
 * Descriptors are static waot_abi_module values built with the macros here.
 */
#ifndef WAOT_TESTS_RUNTIME_FAKE_WASM_H
#define WAOT_TESTS_RUNTIME_FAKE_WASM_H

#include "waot.h"

#include <stdint.h>

/* Marks a fake wasm function: in the registered code section, never
 * inlined into a caller outside it, and uninstrumented in a sanitizer build,
 * as compiled code is.  Two things depend on that.  A fault abandons wasm
 * frames without telling AddressSanitizer (entry.c), so an instrumented
 * frame's poisoned redzones would outlive it and the next calls over that
 * stack would report overflows that are not there (the guard-page test
 * did).  And UBSan's function-type check would reject what compiled code
 * does: a trampoline calling wasm functions and host adapters alike through
 * one pointer type, whose first parameter is the context of one and the
 * closure of the other. */
#define FAKE_WASM                                                                             \
    __attribute__((section("waot_fake_wasm"), noinline, used,                                 \
                   no_sanitize("address", "undefined")))

/* Compiled code's calling convention (waot_abi.h), for fake wasm functions
 * and host adapters: FAKE_CC on the function, FAKE_CTX on its first
 * parameter (the context, or an adapter's closure). */
#define FAKE_CC __attribute__((swiftcall))
#define FAKE_CTX __attribute__((swift_context))

/* Registers the fake wasm section as wasm code (idempotent). */
void fake_register_wasm_code(void);

#define FAKE_NAME(s) {(s), (uint32_t)(sizeof(s) - 1)}
#define FAKE_COUNT(array) ((uint32_t)(sizeof(array) / sizeof((array)[0])))
/* The fields every fake descriptor starts with, and its types. */
#define FAKE_MODULE_HEADER                                                                    \
    .magic = WAOT_ABI_MAGIC, .abi_version = WAOT_ABI_VERSION, .compiler_version = "fake",   \
    .target_triple = "x86_64-unknown-linux-gnu", .cpu_name = "generic", .cpu_features = "", \
    .start_func = WAOT_ABI_NO_START, .types = fake_types, .type_count = FAKE_TYPE_COUNT

/* The function types fake modules use; index them with these names.  The
 * letters are params _ results: v none, i i32, l i64, d f64. */
enum {
    FAKE_T_V_V,
    FAKE_T_V_I,
    FAKE_T_I_V,
    FAKE_T_I_I,
    FAKE_T_II_V,
    FAKE_T_II_I,
    FAKE_T_III_V,
    FAKE_T_V_L,
    FAKE_T_D_D,
    FAKE_TYPE_COUNT
};
extern const waot_abi_functype fake_types[FAKE_TYPE_COUNT];

/* Signatures of fake wasm functions, for calls through references. */
typedef FAKE_CC void (*fake_fn_v_v)(FAKE_CTX void *ctx);
typedef FAKE_CC int32_t (*fake_fn_v_i)(FAKE_CTX void *ctx);
typedef FAKE_CC void (*fake_fn_i_v)(FAKE_CTX void *ctx, int32_t a);
typedef FAKE_CC int32_t (*fake_fn_i_i)(FAKE_CTX void *ctx, int32_t a);
typedef FAKE_CC void (*fake_fn_ii_v)(FAKE_CTX void *ctx, int32_t a, int32_t b);
typedef FAKE_CC int32_t (*fake_fn_ii_i)(FAKE_CTX void *ctx, int32_t a, int32_t b);
typedef FAKE_CC void (*fake_fn_iii_v)(FAKE_CTX void *ctx, int32_t a, int32_t b, int32_t c);

/* Calls function `index` of the context the way compiled code calls an
 * import: the caller's stack limit copied into the callee's ctx first. */
FAKE_CC int32_t fake_call_ref_i_i(FAKE_CTX waot_abi_context *ctx, const waot_abi_funcref *ref,
                                  int32_t a);

/* API helpers that fail the current test on error. */
waot_module *fake_module(const waot_abi_module *descriptor);
waot_instance *fake_instance(waot_module *module, waot_linker *linker);
/* Calls export `name` with i32 arguments; `result` may be NULL for a
 * function without results.  Returns the status, fills err. */
waot_status fake_call(waot_instance *instance, const char *name, const int32_t *args,
                      uint32_t arg_count, int32_t *result, waot_error *err);
/* Like fake_call but fails the test unless the call succeeds. */
int32_t fake_call_ok(waot_instance *instance, const char *name, const int32_t *args,
                     uint32_t arg_count);

#endif
