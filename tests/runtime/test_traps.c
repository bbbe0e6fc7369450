/*
 * Calls and traps: trap codes and messages, unwinding through nested
 * host->wasm->host->wasm calls, traps on one thread while another runs,
 * stack exhaustion (by the prologue check and by the guard page), and the
 * faults that must stay crashes: host bugs, and wasm code faulting outside
 * any memory.
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>

#include "bulk_internal.h"

/* How the host import behaves (see trap_host). */
typedef enum host_mode {
    HOST_CATCH,       /* call inner; on a trap note it and return -1 */
    HOST_RETHROW,     /* call inner; on a trap raise WAOT_TRAP_HOST */
    HOST_NULL_DEREF,  /* crash on a null pointer */
    HOST_GUARD_READ,  /* read wasm memory past its size, from host code */
} host_mode;

typedef struct host_state {
    waot_instance *instance;
    host_mode mode;
    int traps_seen;
    waot_abi_trap last_trap;
} host_state;

typedef int32_t unaligned_i32 __attribute__((aligned(1), may_alias));

static volatile int32_t trap_depth_reached;

enum { F_HOST, F_OUTER, F_INNER, F_RECURSE, F_RECURSE_UNCHECKED, F_WASM_NULL, F_TRAP_CODE,
       F_SPIN, F_LOAD };

/* outer(x) = host(x) + 1 */
FAKE_WASM FAKE_CC static int32_t trap_outer(FAKE_CTX waot_abi_context *ctx, int32_t x)
{
    return fake_call_ref_i_i(ctx, &ctx->funcs[F_HOST], x) + 1;
}

/* inner(x) = 2x; traps (unreachable) for 0. */
FAKE_WASM FAKE_CC static int32_t trap_inner(FAKE_CTX waot_abi_context *ctx, int32_t x)
{
    if (x == 0)
        ctx->runtime->trap(ctx, WAOT_TRAP_UNREACHABLE);
    return x * 2;
}

/* Endless recursion through the function table, with the prologue check
 * compiled code has. */
FAKE_WASM FAKE_CC static int32_t trap_recurse(FAKE_CTX waot_abi_context *ctx, int32_t depth)
{
    if ((uintptr_t)__builtin_frame_address(0) < ctx->stack_limit)
        ctx->runtime->trap(ctx, WAOT_TRAP_STACK_EXHAUSTED);
    trap_depth_reached = depth;
    const waot_abi_funcref *self = &ctx->funcs[F_RECURSE];
    waot_abi_pass_stack_limit(self->ctx, ctx->stack_limit);
    return ((fake_fn_i_i)self->code)(self->ctx, depth + 1) + 1;
}

/* The same without the check: only the guard page stops it. */
FAKE_WASM FAKE_CC static int32_t trap_recurse_unchecked(FAKE_CTX waot_abi_context *ctx, int32_t depth)
{
    volatile char frame[256];
    frame[depth & 255] = (char)depth;
    const waot_abi_funcref *self = &ctx->funcs[F_RECURSE_UNCHECKED];
    return ((fake_fn_i_i)self->code)(self->ctx, depth + 1) + frame[depth & 255];
}

/* Wasm code faulting outside any linear memory: a runtime bug, not a trap. */
FAKE_WASM FAKE_CC static int32_t trap_wasm_null(FAKE_CTX waot_abi_context *ctx, int32_t x)
{
    int32_t *volatile pointer = (int32_t *)(uintptr_t)16;
    return *pointer + x;
}

FAKE_WASM FAKE_CC static void trap_code(FAKE_CTX waot_abi_context *ctx, int32_t code)
{
    ctx->runtime->trap(ctx, (uint32_t)code);
}

/* Some work for the threads test: sum of i*x for i < 1000. */
FAKE_WASM FAKE_CC static int32_t trap_spin(FAKE_CTX waot_abi_context *ctx, int32_t x)
{
    volatile int32_t sum = 0;
    for (int32_t i = 0; i < 1000; i++)
        sum += i * x;
    return sum;
}

FAKE_WASM FAKE_CC static int32_t trap_load(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr);
}

static const waot_abi_import trap_imports[] = {
    {FAKE_NAME("host"), FAKE_NAME("call"), WAOT_ABI_EXTERN_FUNC, F_HOST},
};
static const waot_abi_func trap_funcs[] = {
    [F_HOST] = {FAKE_T_I_I, 1, NULL, NULL},
    [F_OUTER] = {FAKE_T_I_I, 0, (void *)trap_outer, "outer"},
    [F_INNER] = {FAKE_T_I_I, 0, (void *)trap_inner, "inner"},
    [F_RECURSE] = {FAKE_T_I_I, 0, (void *)trap_recurse, "recurse"},
    [F_RECURSE_UNCHECKED] = {FAKE_T_I_I, 0, (void *)trap_recurse_unchecked, "recurse_unchecked"},
    [F_WASM_NULL] = {FAKE_T_I_I, 0, (void *)trap_wasm_null, "wasm_null"},
    [F_TRAP_CODE] = {FAKE_T_I_V, 0, (void *)trap_code, "trap_code"},
    [F_SPIN] = {FAKE_T_I_I, 0, (void *)trap_spin, "spin"},
    [F_LOAD] = {FAKE_T_I_I, 0, (void *)trap_load, "load"},
};
static const waot_abi_export trap_exports[] = {
    {FAKE_NAME("outer"), WAOT_ABI_EXTERN_FUNC, F_OUTER},
    {FAKE_NAME("inner"), WAOT_ABI_EXTERN_FUNC, F_INNER},
    {FAKE_NAME("recurse"), WAOT_ABI_EXTERN_FUNC, F_RECURSE},
    {FAKE_NAME("recurse_unchecked"), WAOT_ABI_EXTERN_FUNC, F_RECURSE_UNCHECKED},
    {FAKE_NAME("wasm_null"), WAOT_ABI_EXTERN_FUNC, F_WASM_NULL},
    {FAKE_NAME("trap_code"), WAOT_ABI_EXTERN_FUNC, F_TRAP_CODE},
    {FAKE_NAME("spin"), WAOT_ABI_EXTERN_FUNC, F_SPIN},
    {FAKE_NAME("load"), WAOT_ABI_EXTERN_FUNC, F_LOAD},
};
static const waot_abi_memory_type trap_memories[] = {{0, {1, 1, 1}}};
static const waot_abi_module trap_module = {
    FAKE_MODULE_HEADER,
    .import_count = FAKE_COUNT(trap_imports), .imports = trap_imports,
    .func_count = FAKE_COUNT(trap_funcs), .funcs = trap_funcs,
    .memory_count = 1, .memories = trap_memories,
    .export_count = FAKE_COUNT(trap_exports), .exports = trap_exports,
};

/* host.call(x): see host_mode.  x >= 1000 calls outer(x - 1000) instead of
 * inner(x), for one more level of nesting. */
static void trap_host(waot_abi_host_closure *closure, const waot_abi_value *args,
                      waot_abi_value *results)
{
    host_state *state = closure->user;
    int32_t x = args[0].i32;
    if (state->mode == HOST_NULL_DEREF) {
        /* A field of a null struct pointer: a fault sanitizers leave to
         * the hardware, as they do not for NULL itself. */
        int32_t *volatile pointer = (int32_t *)(uintptr_t)16;
        results[0].i32 = *pointer;
        return;
    }
    if (state->mode == HOST_GUARD_READ) {
        uint8_t *base = closure->caller->memory0_base;
        results[0].i32 = *(volatile int32_t *)(base + closure->caller->memories[0]->size);
        return;
    }
    int32_t result = 0;
    waot_error err;
    const char *callee = x >= 1000 ? "outer" : "inner";
    int32_t arg = x >= 1000 ? x - 1000 : x;
    waot_status status = fake_call(state->instance, callee, &arg, 1, &result, &err);
    if (status == WAOT_ERROR_TRAP) {
        state->traps_seen++;
        state->last_trap = err.trap;
        if (state->mode == HOST_RETHROW)
            closure->caller->runtime->trap(closure->caller, WAOT_TRAP_HOST);
        result = -1;
    }
    results[0].i32 = result;
}

typedef struct trap_fixture {
    waot_module *module;
    waot_linker *linker;
    waot_instance *instance;
    host_state state;
} trap_fixture;

static void trap_setup(trap_fixture *f, host_mode mode)
{
    fake_register_wasm_code();
    f->state = (host_state){.mode = mode};
    f->module = fake_module(&trap_module);
    cr_assert_eq(waot_linker_new(&f->linker), WAOT_OK);
    static const uint8_t i32[] = {WAOT_ABI_I32};
    cr_assert_eq(waot_linker_define_func(f->linker, "host", "call", i32, 1, i32, 1, trap_host,
                                         &f->state),
                 WAOT_OK);
    f->instance = fake_instance(f->module, f->linker);
    f->state.instance = f->instance;
}

static void trap_teardown(trap_fixture *f)
{
    waot_instance_free(f->instance);
    waot_linker_free(f->linker);
    waot_module_free(f->module);
}

static waot_status trap_call(trap_fixture *f, const char *name, int32_t arg, int32_t *result,
                             waot_error *err)
{
    return fake_call(f->instance, name, &arg, 1, result, err);
}

Test(traps, every_code_reports_its_message)
{
    trap_fixture f;
    trap_setup(&f, HOST_CATCH);
    for (int code = 1; code < WAOT_TRAP_COUNT; code++) {
        waot_error err;
        cr_assert_eq(trap_call(&f, "trap_code", code, NULL, &err), WAOT_ERROR_TRAP);
        cr_assert_eq(err.trap, (waot_abi_trap)code);
        cr_assert_str_eq(err.message, waot_abi_trap_message((waot_abi_trap)code));
    }
    int bad_codes[] = {0, WAOT_TRAP_COUNT, 12345};
    for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
        waot_error err;
        cr_assert_eq(trap_call(&f, "trap_code", bad_codes[i], NULL, &err), WAOT_ERROR_TRAP);
        cr_assert_eq(err.trap, WAOT_TRAP_COUNT);
        cr_assert_str_eq(err.message, "unknown trap");
    }
    trap_teardown(&f);
}

Test(traps, inner_trap_unwinds_to_the_inner_call_only)
{
    trap_fixture f;
    trap_setup(&f, HOST_CATCH);
    int32_t result;
    cr_assert_eq(trap_call(&f, "outer", 5, &result, NULL), WAOT_OK);
    cr_assert_eq(result, 11);
    /* outer(0) -> host -> inner(0) traps; the host sees the trap, returns -1. */
    cr_assert_eq(trap_call(&f, "outer", 0, &result, NULL), WAOT_OK);
    cr_assert_eq(result, 0);
    cr_assert_eq(f.state.traps_seen, 1);
    cr_assert_eq(f.state.last_trap, WAOT_TRAP_UNREACHABLE);
    /* Three levels: outer -> host -> outer -> host -> inner traps. */
    cr_assert_eq(trap_call(&f, "outer", 1000, &result, NULL), WAOT_OK);
    cr_assert_eq(result, 1);
    cr_assert_eq(f.state.traps_seen, 2);
    cr_assert_eq(trap_call(&f, "outer", 1007, &result, NULL), WAOT_OK);
    cr_assert_eq(result, 16);
    trap_teardown(&f);
}

Test(traps, host_trap_unwinds_through_nested_calls)
{
    trap_fixture f;
    trap_setup(&f, HOST_RETHROW);
    waot_error err;
    int32_t result;
    cr_assert_eq(trap_call(&f, "outer", 0, &result, &err), WAOT_ERROR_TRAP);
    cr_assert_eq(err.trap, WAOT_TRAP_HOST);
    cr_assert_str_eq(err.message, "host function failed");
    /* Each host level turns the trap below into its own. */
    cr_assert_eq(trap_call(&f, "outer", 1000, &result, &err), WAOT_ERROR_TRAP);
    cr_assert_eq(err.trap, WAOT_TRAP_HOST);
    cr_assert_eq(f.state.traps_seen, 3);
    cr_assert_eq(f.state.last_trap, WAOT_TRAP_HOST);
    /* And everything still works afterwards. */
    cr_assert_eq(trap_call(&f, "outer", 5, &result, &err), WAOT_OK);
    cr_assert_eq(result, 11);
    cr_assert_eq(trap_call(&f, "outer", 1005, &result, &err), WAOT_OK);
    cr_assert_eq(result, 12);
    trap_teardown(&f);
}

Test(traps, deep_recursion_exhausts_the_stack)
{
    trap_fixture f;
    trap_setup(&f, HOST_CATCH);
    int32_t result;
    for (int attempt = 0; attempt < 3; attempt++) {
        waot_error err;
        trap_depth_reached = 0;
        cr_assert_eq(trap_call(&f, "recurse", 0, &result, &err), WAOT_ERROR_TRAP);
        cr_assert_eq(err.trap, WAOT_TRAP_STACK_EXHAUSTED);
        cr_assert_str_eq(err.message, "call stack exhausted");
        cr_assert_gt(trap_depth_reached, 1000);
    }
    cr_assert_eq(trap_call(&f, "outer", 5, &result, NULL), WAOT_OK);
    cr_assert_eq(result, 11);
    trap_teardown(&f);
}

Test(traps, stack_budget_is_configurable)
{
    waot_configure(&(waot_config){.max_stack_bytes = 64 << 10});
    trap_fixture f;
    trap_setup(&f, HOST_CATCH);
    waot_error err;
    int32_t result;
    trap_depth_reached = 0;
    cr_assert_eq(trap_call(&f, "recurse", 0, &result, &err), WAOT_ERROR_TRAP);
    cr_assert_eq(err.trap, WAOT_TRAP_STACK_EXHAUSTED);
    int small_depth = trap_depth_reached;
    waot_configure(NULL);
    trap_depth_reached = 0;
    cr_assert_eq(trap_call(&f, "recurse", 0, &result, &err), WAOT_ERROR_TRAP);
    cr_assert_gt(trap_depth_reached, small_depth * 8, "%d vs %d", trap_depth_reached,
                 small_depth);
    trap_teardown(&f);
}

static void *trap_guard_page_thread(void *arg)
{
    trap_fixture *f = arg;
    int32_t result;
    for (int attempt = 0; attempt < 3; attempt++) {
        waot_error err;
        cr_assert_eq(trap_call(f, "recurse_unchecked", 0, &result, &err), WAOT_ERROR_TRAP);
        cr_assert_eq(err.trap, WAOT_TRAP_STACK_EXHAUSTED);
    }
    cr_assert_eq(trap_call(f, "outer", 5, &result, NULL), WAOT_OK);
    cr_assert_eq(result, 11);
    return NULL;
}

/* Wasm code without the prologue check (or with frames larger than the
 * margin) reaching the guard page still traps, on the alternate stack.  On
 * a thread with a small stack so it is quick; the budget is larger than
 * the stack, so the check never fires first. */
Test(traps, guard_page_overflow_becomes_stack_exhausted)
{
    waot_configure(&(waot_config){.max_stack_bytes = 64 << 20});
    trap_fixture f;
    trap_setup(&f, HOST_CATCH);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    pthread_t thread;
    cr_assert_eq(pthread_create(&thread, &attr, trap_guard_page_thread, &f), 0);
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attr);
    trap_teardown(&f);
}

typedef struct trap_worker {
    bool trapping;
    int failures;
} trap_worker;

static void *trap_worker_run(void *arg)
{
    trap_worker *w = arg;
    trap_fixture f;
    trap_setup(&f, HOST_CATCH);
    for (int i = 0; i < 2000; i++) {
        waot_error err;
        int32_t result;
        if (w->trapping) {
            if (trap_call(&f, "load", 65536 + i * 4, &result, &err) != WAOT_ERROR_TRAP ||
                err.trap != WAOT_TRAP_MEMORY_OUT_OF_BOUNDS)
                w->failures++;
            if (trap_call(&f, "outer", 0, &result, &err) != WAOT_OK || result != 0)
                w->failures++;
        } else {
            if (trap_call(&f, "spin", i, &result, &err) != WAOT_OK || result != 499500 * i)
                w->failures++;
        }
    }
    trap_teardown(&f);
    return NULL;
}

Test(traps, traps_on_one_thread_leave_others_running)
{
    trap_worker workers[4] = {{true, 0}, {false, 0}, {true, 0}, {false, 0}};
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&threads[i], NULL, trap_worker_run, &workers[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(workers[i].failures, 0, "worker %d failed %d times", i,
                     workers[i].failures);
    }
}

/* With AddressSanitizer the chained handler is ASan's, which reports the
 * crash and exits with status 1 instead of dying by the signal.  (gcc says
 * __SANITIZE_ADDRESS__, clang __has_feature.) */
#if defined(__SANITIZE_ADDRESS__)
#define TRAP_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRAP_UNDER_ASAN 1
#endif
#endif
#ifdef TRAP_UNDER_ASAN
#define TRAP_CRASH .exit_code = 1
#else
#define TRAP_CRASH .signal = SIGSEGV
#endif

Test(traps, host_null_dereference_still_crashes, TRAP_CRASH)
{
    trap_fixture f;
    trap_setup(&f, HOST_NULL_DEREF);
    int32_t result;
    trap_call(&f, "outer", 1, &result, NULL);
}

Test(traps, host_read_of_wasm_guard_page_still_crashes, TRAP_CRASH)
{
    trap_fixture f;
    trap_setup(&f, HOST_GUARD_READ);
    int32_t result;
    trap_call(&f, "outer", 1, &result, NULL);
}

Test(traps, wasm_fault_outside_memory_still_crashes, TRAP_CRASH)
{
    trap_fixture f;
    trap_setup(&f, HOST_CATCH);
    int32_t result;
    trap_call(&f, "wasm_null", 1, &result, NULL);
}

Test(traps, trap_outside_any_call_aborts, .signal = SIGABRT)
{
    waot_rt_runtime.trap(NULL, WAOT_TRAP_UNREACHABLE);
}
