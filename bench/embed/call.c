/*
 * bench/embed/call: the cost of calling into wasm through the embedding
 * API.  Calls the exported add(i32, i32) COUNT times (default 10 million)
 * in each of ROUNDS rounds (default 11) three ways, interleaved within each
 * round so machine noise hits all three alike: through waot_call (by name),
 * through a function handle (waot_func_call: no lookup), and a direct call
 * of an equivalent C function kept out of line (noinline, called through a
 * volatile pointer so the loop cannot be folded away), and the same C
 * function taking and returning waot_value arrays as waot_func_call does:
 * the floor of any call through value arrays, whose store-to-load
 * forwarding sits on the chain.  Each call takes the previous result, so
 * the figures are latencies.  Prints min/median/max ns per call of each,
 * and the medians' differences from the C calls.
 *
 * Usage: call SMALL.cwasm [COUNT [ROUNDS]]
 */
#include "waot.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CALL_MAX_ROUNDS 101

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

__attribute__((noinline)) static void call_native_add_values(const waot_value *args,
                                                           waot_value *results)
{
    __asm__ volatile("");
    results[0].type = WAOT_ABI_I32;
    results[0].of.i32 = args[0].of.i32 + args[1].of.i32;
}

static int call_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts `ns` and prints its min/median/max; returns the median. */
static double call_report(const char *what, double *ns, int rounds)
{
    qsort(ns, (size_t)rounds, sizeof *ns, call_compare);
    double median = ns[rounds / 2];
    printf("%-16s min %6.2f  median %6.2f  max %6.2f ns/call\n", what, ns[0], median,
           ns[rounds - 1]);
    return median;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SMALL.cwasm [COUNT [ROUNDS]]\n", argv[0]);
        return 2;
    }
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : 10000000;
    int rounds = argc > 3 ? atoi(argv[3]) : 11;
    if (count <= 0)
        count = 1;
    if (rounds <= 0 || rounds > CALL_MAX_ROUNDS)
        rounds = 11;
    waot_error err;
    waot_module *module;
    waot_instance *instance;
    waot_func *add;
    if (waot_module_load(argv[1], &module, &err) != WAOT_OK ||
        waot_instantiate(NULL, module, &instance, &err) != WAOT_OK ||
        waot_instance_func(instance, "add", &add) != WAOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    int32_t (*volatile native)(int32_t, int32_t) = call_native_add;
    void (*volatile native_values)(const waot_value *, waot_value *) = call_native_add_values;

    double by_name[CALL_MAX_ROUNDS], by_handle[CALL_MAX_ROUNDS], direct[CALL_MAX_ROUNDS],
        direct_values[CALL_MAX_ROUNDS];
    waot_value args[2] = {{.type = WAOT_ABI_I32}, {.type = WAOT_ABI_I32, .of.i32 = 1}};
    waot_value result;
    for (int r = 0; r < rounds; r++) {
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
        int32_t handle_acc = 0;
        for (long i = 0; i < count; i++) {
            args[0].of.i32 = handle_acc;
            if (waot_func_call(add, args, 2, &result, 1, &err) != WAOT_OK) {
                fprintf(stderr, "add: %s\n", err.message);
                return 1;
            }
            handle_acc = result.of.i32;
        }
        double t2 = call_now_ns();
        int32_t native_acc = 0;
        for (long i = 0; i < count; i++)
            native_acc = native(native_acc, 1);
        double t3 = call_now_ns();
        int32_t values_acc = 0;
        for (long i = 0; i < count; i++) {
            args[0].of.i32 = values_acc;
            native_values(args, &result);
            values_acc = result.of.i32;
        }
        double t4 = call_now_ns();
        if (acc != (int32_t)count || handle_acc != (int32_t)count ||
            native_acc != (int32_t)count || values_acc != (int32_t)count) {
            fprintf(stderr, "wrong sums: %d, %d, %d, %d\n", (int)acc, (int)handle_acc,
                    (int)native_acc, (int)values_acc);
            return 1;
        }
        by_name[r] = (t1 - t0) / (double)count;
        by_handle[r] = (t2 - t1) / (double)count;
        direct[r] = (t3 - t2) / (double)count;
        direct_values[r] = (t4 - t3) / (double)count;
    }
    printf("add(i32, i32): %ld calls x %d rounds\n", count, rounds);
    double name_ns = call_report("waot_call", by_name, rounds);
    double handle_ns = call_report("waot_func_call", by_handle, rounds);
    double direct_ns = call_report("direct C call", direct, rounds);
    double values_ns = call_report("C call, arrays", direct_values, rounds);
    printf("medians over the C call: waot_call +%.2f ns, waot_func_call +%.2f ns\n",
           name_ns - direct_ns, handle_ns - direct_ns);
    printf("medians over the C call through value arrays: waot_func_call +%.2f ns\n",
           handle_ns - values_ns);
    waot_func_free(add);
    waot_instance_free(instance);
    waot_module_free(module);
    return 0;
}
