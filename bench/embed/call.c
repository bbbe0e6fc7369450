/*
 * bench/embed/call: the cost of calling into wasm through the embedding
 * API.  Calls the exported add(i32, i32) through waot_call COUNT times
 * (default 10 million) and prints nanoseconds per call, then the same
 * through a function handle (waot_func_call: no lookup by name), next to a
 * direct call of an equivalent C function kept out of line (noinline, and
 * called through a volatile pointer so the loop cannot be folded away).
 *
 * Usage: call SMALL.cwasm [COUNT]
 */
#include "waot.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double call_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

__attribute__((noinline)) static int32_t call_native_add(int32_t a, int32_t b)
{
    __asm__ volatile("");
    return a + b;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SMALL.cwasm [COUNT]\n", argv[0]);
        return 2;
    }
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : 10000000;
    if (count <= 0)
        count = 1;
    waot_error err;
    waot_module *module;
    waot_instance *instance;
    if (waot_module_load(argv[1], &module, &err) != WAOT_OK ||
        waot_instantiate(NULL, module, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }

    waot_value args[2] = {{.type = WAOT_ABI_I32}, {.type = WAOT_ABI_I32, .of.i32 = 1}};
    waot_value result;
    int32_t acc = 0;
    double t0 = call_now_ns();
    for (long i = 0; i < count; i++) {
        args[0].of.i32 = acc;
        if (waot_call(instance, "add", args, 2, &result, 1, &err) != WAOT_OK) {
            fprintf(stderr, "add: %s\n", err.message);
            return 1;
        }
        acc = result.of.i32;
    }
    double t1 = call_now_ns();

    waot_func *add;
    if (waot_instance_func(instance, "add", &add) != WAOT_OK)
        return 1;
    int32_t handle_acc = 0;
    double h0 = call_now_ns();
    for (long i = 0; i < count; i++) {
        args[0].of.i32 = handle_acc;
        if (waot_func_call(add, args, 2, &result, 1, &err) != WAOT_OK) {
            fprintf(stderr, "add: %s\n", err.message);
            return 1;
        }
        handle_acc = result.of.i32;
    }
    double h1 = call_now_ns();
    waot_func_free(add);

    int32_t (*volatile native)(int32_t, int32_t) = call_native_add;
    int32_t native_acc = 0;
    double t2 = call_now_ns();
    for (long i = 0; i < count; i++)
        native_acc = native(native_acc, 1);
    double t3 = call_now_ns();

    if (acc != (int32_t)count || handle_acc != (int32_t)count || native_acc != (int32_t)count) {
        fprintf(stderr, "wrong sums: %d, %d\n", (int)acc, (int)native_acc);
        return 1;
    }
    double wasm_ns = (t1 - t0) / (double)count, native_ns = (t3 - t2) / (double)count;
    printf("waot_call add x%ld: %.1f ns/call\n", count, wasm_ns);
    printf("waot_func_call add x%ld: %.1f ns/call\n", count, (h1 - h0) / (double)count);
    printf("direct C call x%ld: %.1f ns/call\n", count, native_ns);
    printf("ratio: %.1fx\n", wasm_ns / native_ns);
    waot_instance_free(instance);
    waot_module_free(module);
    return 0;
}
