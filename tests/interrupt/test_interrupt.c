/*
 * Stopping compiled code: waot_instance_interrupt from another thread and
 * waot_instance_set_deadline, on runaway.wat compiled in this process with
 * and without interruption checks.  Each stop must be the trap
 * "interrupted", come within a bounded time, and leave the instance usable.
 */
#include "waot.h"
#include "waot_compile.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Generous: the machines running the tests are shared and slow. */
#define LATE_SECONDS 5.0

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static waot_module *compile_file(const char *path, bool interruptible)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    static uint8_t wasm[4096];
    size_t size = fread(wasm, 1, sizeof wasm, f);
    fclose(f);
    waot_compile_options options = waot_compile_default_options();
    options.opt_level = 1;
    options.interruptible = interruptible;
    uint8_t *cwasm = NULL;
    size_t cwasm_size = 0;
    waot_compile_error cerr;
    cr_assert_eq(waot_compile_to_memory(wasm, size, &options, &cwasm, &cwasm_size, &cerr),
                 WAOT_COMPILE_OK, "%s", cerr.message);
    waot_module *module = NULL;
    waot_error err;
    cr_assert_eq(waot_module_load_memory(cwasm, cwasm_size, &module, &err), WAOT_OK, "%s",
                 err.message);
    free(cwasm);
    return module;
}

static waot_module *compile_runaway(bool interruptible)
{
    return compile_file(RUNAWAY_WASM, interruptible);
}

static waot_instance *instantiate(waot_module *module)
{
    waot_instance *instance = NULL;
    waot_error err;
    cr_assert_eq(waot_instantiate(NULL, module, &instance, &err), WAOT_OK, "%s", err.message);
    return instance;
}

/* Calls export `name` (one i32 argument when `arg` >= 0); returns the status
 * and stores the trap and the result. */
static waot_status call(waot_instance *instance, const char *name, int32_t arg,
                        waot_error *err, int32_t *result)
{
    waot_value args[1] = {{.type = WAOT_ABI_I32, .of.i32 = arg}};
    waot_value results[1];
    const waot_abi_functype *type;
    cr_assert_eq(waot_func_type(instance, name, &type), WAOT_OK);
    waot_status status = waot_call(instance, name, args, arg >= 0 ? 1 : 0, results,
                                   type->result_count, err);
    if (status == WAOT_OK && type->result_count && result)
        *result = results[0].of.i32;
    return status;
}

static void assert_interrupted(waot_status status, const waot_error *err)
{
    cr_assert_eq(status, WAOT_ERROR_TRAP, "status %d: %s", status, err->message);
    cr_assert_eq(err->trap, WAOT_TRAP_INTERRUPTED);
    cr_assert_str_eq(err->message, "interrupted");
}

typedef struct interrupter {
    waot_instance *instance;
    useconds_t delay;
    waot_status status;
} interrupter;

static void *interrupt_later(void *arg)
{
    interrupter *it = arg;
    usleep(it->delay);
    it->status = waot_instance_interrupt(it->instance);
    return NULL;
}

static void stop_from_another_thread(const char *name, int32_t arg)
{
    waot_module *module = compile_runaway(true);
    waot_instance *instance = instantiate(module);
    interrupter it = {.instance = instance, .delay = 50000};
    pthread_t thread;
    cr_assert_eq(pthread_create(&thread, NULL, interrupt_later, &it), 0);
    double start = seconds_now();
    waot_error err;
    waot_status status = call(instance, name, arg, &err, NULL);
    double took = seconds_now() - start;
    pthread_join(thread, NULL);
    cr_assert_eq(it.status, WAOT_OK);
    assert_interrupted(status, &err);
    cr_assert_lt(took, LATE_SECONDS, "stopped after %.3f s", took);
    /* The request was used up: the instance runs normally again. */
    int32_t counted = 0;
    cr_assert_eq(call(instance, "count", 1000, &err, &counted), WAOT_OK, "%s", err.message);
    cr_assert_eq(counted, 1000);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(interrupt, another_thread_stops_a_loop_without_calls)
{
    stop_from_another_thread("spin", -1);
}

Test(interrupt, another_thread_stops_a_call_tree_without_loops)
{
    /* tree(60) makes about 10^12 calls. */
    stop_from_another_thread("tree", 60);
}

Test(interrupt, a_deadline_stops_a_runaway_loop_in_time)
{
    waot_module *module = compile_runaway(true);
    waot_instance *instance = instantiate(module);
    cr_assert_eq(waot_instance_set_deadline(instance, 200 * 1000000ull), WAOT_OK);
    double start = seconds_now();
    waot_error err;
    waot_status status = call(instance, "spin", -1, &err, NULL);
    double took = seconds_now() - start;
    assert_interrupted(status, &err);
    cr_assert_geq(took, 0.19, "not before the deadline: %.3f s", took);
    cr_assert_lt(took, 0.2 + LATE_SECONDS, "stopped after %.3f s", took);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(interrupt, a_disarmed_deadline_never_fires)
{
    waot_module *module = compile_runaway(true);
    waot_instance *instance = instantiate(module);
    cr_assert_eq(waot_instance_set_deadline(instance, 20 * 1000000ull), WAOT_OK);
    cr_assert_eq(waot_instance_set_deadline(instance, 0), WAOT_OK);
    usleep(100000);
    waot_error err;
    int32_t counted = 0;
    cr_assert_eq(call(instance, "count", 1000000, &err, &counted), WAOT_OK, "%s", err.message);
    cr_assert_eq(counted, 1000000);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(interrupt, a_request_between_calls_stops_the_next_loop)
{
    waot_module *module = compile_runaway(true);
    waot_instance *instance = instantiate(module);
    cr_assert_eq(waot_instance_interrupt(instance), WAOT_OK);
    waot_error err;
    assert_interrupted(call(instance, "count", 1000, &err, NULL), &err);
    /* It stopped at the first loop head, before the first store. */
    waot_memory *memory = NULL;
    cr_assert_eq(waot_instance_memory(instance, "memory", &memory), WAOT_OK);
    int32_t stored = -1;
    cr_assert_eq(waot_memory_read(memory, 0, &stored, sizeof stored), WAOT_OK);
    cr_assert_eq(stored, 0);
    /* A new deadline drops a request left over from before. */
    cr_assert_eq(waot_instance_interrupt(instance), WAOT_OK);
    cr_assert_eq(waot_instance_set_deadline(instance, 60ull * 1000000000u), WAOT_OK);
    int32_t counted = 0;
    cr_assert_eq(call(instance, "count", 1000, &err, &counted), WAOT_OK, "%s", err.message);
    cr_assert_eq(counted, 1000);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(interrupt, freeing_an_instance_disarms_its_deadline)
{
    waot_module *module = compile_runaway(true);
    for (int i = 0; i < 50; i++) {
        waot_instance *instance = instantiate(module);
        cr_assert_eq(waot_instance_set_deadline(instance, (uint64_t)(i % 5) * 1000000u + 1),
                     WAOT_OK);
        if (i % 2)
            usleep(2000);
        waot_instance_free(instance);
    }
    /* The watchdog is still alive and keeps time for a new instance. */
    waot_instance *instance = instantiate(module);
    cr_assert_eq(waot_instance_set_deadline(instance, 10 * 1000000ull), WAOT_OK);
    waot_error err;
    assert_interrupted(call(instance, "spin", -1, &err, NULL), &err);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(interrupt, code_without_checks_cannot_be_interrupted)
{
    waot_module *module = compile_runaway(false);
    waot_instance *instance = instantiate(module);
    cr_assert_eq(waot_instance_interrupt(instance), WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_instance_set_deadline(instance, 1000000u), WAOT_ERROR_ARGUMENT);
    waot_error err;
    int32_t counted = 0;
    cr_assert_eq(call(instance, "count", 10, &err, &counted), WAOT_OK, "%s", err.message);
    cr_assert_eq(counted, 10);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(interrupt, the_configured_start_timeout_stops_a_runaway_start_function)
{
    waot_configure(&(waot_config){.start_timeout_ns = 100 * 1000000ull});
    waot_module *module = compile_file(RUNAWAY_START_WASM, true);
    waot_instance *instance = NULL;
    waot_error err;
    double start = seconds_now();
    waot_status status = waot_instantiate(NULL, module, &instance, &err);
    double took = seconds_now() - start;
    assert_interrupted(status, &err);
    cr_assert_null(instance);
    cr_assert_lt(took, 0.1 + LATE_SECONDS, "stopped after %.3f s", took);
    waot_module_free(module);
}
