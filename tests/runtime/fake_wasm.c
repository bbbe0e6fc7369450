/*
 * Trampolines, host adapters and API helpers for fake modules
 * (fake_wasm.h).  The trampolines and adapters are written the way the
 * compiler generates them, in the fake code section and with frame records
 * (a trap climbs through them): a trampoline unpacks waot_abi_value arrays into a
 * direct call of `code(ctx, params...)`; an adapter has the wasm signature,
 * packs its arguments and calls the closure's host function.
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>

#include "module_internal.h"

/* The linker defines these around the section; hidden, so references to
 * them need no dynamic relocation. */
extern const char __start_waot_fake_wasm[] __attribute__((visibility("hidden")));
extern const char __stop_waot_fake_wasm[] __attribute__((visibility("hidden")));

/* Keeps the section (and its bounds) present in test programs that define
 * no fake wasm function of their own. */
FAKE_WASM void fake_wasm_placeholder(void);
FAKE_WASM void fake_wasm_placeholder(void)
{
}

static bool fake_wasm_code_registered;

static void fake_register_once(void)
{
    fake_wasm_code_registered =
        waot_rt_code_range_register(__start_waot_fake_wasm, __stop_waot_fake_wasm);
}

/* pthread_once, not a flag: a thread that finds the flag set before the
 * first one has registered would run fake code the fault handler does not
 * know yet, and its out-of-bounds load would crash the test instead of
 * trapping (traps_on_one_thread_leave_others_running, several threads
 * setting up at once, crashed about one run in ten). */
void fake_register_wasm_code(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, fake_register_once);
    cr_assert(fake_wasm_code_registered);
}

FAKE_WASM static void tramp_v_v(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    ((fake_fn_v_v)code)(ctx);
}

FAKE_WASM static void tramp_v_i(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    results[0].of.i32 = ((fake_fn_v_i)code)(ctx);
}

FAKE_WASM static void tramp_i_v(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    ((fake_fn_i_v)code)(ctx, args[0].of.i32);
}

FAKE_WASM static void tramp_i_i(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    results[0].of.i32 = ((fake_fn_i_i)code)(ctx, args[0].of.i32);
}

FAKE_WASM static void tramp_ii_v(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    ((fake_fn_ii_v)code)(ctx, args[0].of.i32, args[1].of.i32);
}

FAKE_WASM static void tramp_ii_i(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    results[0].of.i32 = ((fake_fn_ii_i)code)(ctx, args[0].of.i32, args[1].of.i32);
}

FAKE_WASM static void tramp_iii_v(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    ((fake_fn_iii_v)code)(ctx, args[0].of.i32, args[1].of.i32, args[2].of.i32);
}

/* For types no test calls. */
FAKE_WASM static void tramp_never(void *code, void *ctx, const waot_value *args, waot_value *results)
{
    abort();
}

FAKE_WASM FAKE_CC static void adapter_v_v(FAKE_CTX void *ctx)
{
    waot_abi_host_closure *closure = ctx;
    closure->fn(closure, NULL, NULL);
}

FAKE_WASM FAKE_CC static int32_t adapter_v_i(FAKE_CTX void *ctx)
{
    waot_abi_host_closure *closure = ctx;
    waot_abi_value results[1];
    closure->fn(closure, NULL, results);
    return results[0].i32;
}

FAKE_WASM FAKE_CC static void adapter_i_v(FAKE_CTX void *ctx, int32_t a)
{
    waot_abi_host_closure *closure = ctx;
    waot_abi_value args[1] = {{.i32 = a}};
    closure->fn(closure, args, NULL);
}

FAKE_WASM FAKE_CC static int32_t adapter_i_i(FAKE_CTX void *ctx, int32_t a)
{
    waot_abi_host_closure *closure = ctx;
    waot_abi_value args[1] = {{.i32 = a}}, results[1];
    closure->fn(closure, args, results);
    return results[0].i32;
}

FAKE_WASM FAKE_CC static void adapter_ii_v(FAKE_CTX void *ctx, int32_t a, int32_t b)
{
    waot_abi_host_closure *closure = ctx;
    waot_abi_value args[2] = {{.i32 = a}, {.i32 = b}};
    closure->fn(closure, args, NULL);
}

FAKE_WASM FAKE_CC static int32_t adapter_ii_i(FAKE_CTX void *ctx, int32_t a, int32_t b)
{
    waot_abi_host_closure *closure = ctx;
    waot_abi_value args[2] = {{.i32 = a}, {.i32 = b}}, results[1];
    closure->fn(closure, args, results);
    return results[0].i32;
}

FAKE_WASM static void adapter_never(void)
{
    abort();
}

static const uint8_t types_i[] = {WAOT_ABI_I32};
static const uint8_t types_ii[] = {WAOT_ABI_I32, WAOT_ABI_I32};
static const uint8_t types_iii[] = {WAOT_ABI_I32, WAOT_ABI_I32, WAOT_ABI_I32};
static const uint8_t types_l[] = {WAOT_ABI_I64};
static const uint8_t types_dd[] = {WAOT_ABI_F64, WAOT_ABI_F64};

const waot_abi_functype fake_types[FAKE_TYPE_COUNT] = {
    [FAKE_T_V_V] = {0, 0, NULL, tramp_v_v, (void *)adapter_v_v},
    [FAKE_T_V_I] = {0, 1, types_i, tramp_v_i, (void *)adapter_v_i},
    [FAKE_T_I_V] = {1, 0, types_i, tramp_i_v, (void *)adapter_i_v},
    [FAKE_T_I_I] = {1, 1, types_ii, tramp_i_i, (void *)adapter_i_i},
    [FAKE_T_II_V] = {2, 0, types_ii, tramp_ii_v, (void *)adapter_ii_v},
    [FAKE_T_II_I] = {2, 1, types_iii, tramp_ii_i, (void *)adapter_ii_i},
    [FAKE_T_III_V] = {3, 0, types_iii, tramp_iii_v, (void *)adapter_never},
    [FAKE_T_V_L] = {0, 1, types_l, tramp_never, (void *)adapter_never},
    [FAKE_T_D_D] = {1, 1, types_dd, tramp_never, (void *)adapter_never},
};

FAKE_WASM FAKE_CC int32_t fake_call_ref_i_i(FAKE_CTX waot_abi_context *ctx, const waot_abi_funcref *ref,
                                    int32_t a)
{
    /* What compiled code does before calling through a reference; a host
     * closure has its stack_limit at the same offset, so this is safe. */
    waot_abi_pass_stack_limit(ref->ctx, ctx->stack_limit);
    return ((fake_fn_i_i)ref->code)(ref->ctx, a);
}

waot_module *fake_module(const waot_abi_module *descriptor)
{
    waot_module *module = NULL;
    waot_error err;
    waot_status status = waot_module_from_descriptor(descriptor, &module, &err);
    cr_assert_eq(status, WAOT_OK, "module: %s", err.message);
    return module;
}

waot_instance *fake_instance(waot_module *module, waot_linker *linker)
{
    waot_instance *instance = NULL;
    waot_error err;
    waot_status status = waot_instantiate(linker, module, &instance, &err);
    cr_assert_eq(status, WAOT_OK, "instantiate: %s", err.message);
    return instance;
}

waot_status fake_call(waot_instance *instance, const char *name, const int32_t *args,
                      uint32_t arg_count, int32_t *result, waot_error *err)
{
    waot_value values[8];
    cr_assert(arg_count <= 8);
    for (uint32_t i = 0; i < arg_count; i++)
        values[i] = (waot_value){.type = WAOT_ABI_I32, .of.i32 = args[i]};
    waot_value out[1];
    waot_status status = waot_call(instance, name, values, arg_count, out, result ? 1 : 0, err);
    if (status == WAOT_OK && result)
        *result = out[0].of.i32;
    return status;
}

int32_t fake_call_ok(waot_instance *instance, const char *name, const int32_t *args,
                     uint32_t arg_count)
{
    const waot_abi_functype *type;
    cr_assert_eq(waot_func_type(instance, name, &type), WAOT_OK, "no export %s", name);
    int32_t result = 0;
    waot_error err;
    waot_status status = fake_call(instance, name, args, arg_count,
                                   type->result_count ? &result : NULL, &err);
    cr_assert_eq(status, WAOT_OK, "call %s: %s", name, err.message);
    return result;
}
