/*
 * The `spectest` module of the spec interpreter, defined into a linker:
 *   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32,
 *   print_f64_f64    functions that return nothing (and print nothing here)
 *   global_i32 = 666, global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6
 *                    immutable globals
 *   table            funcref, 10 elements, at most 20
 *   memory           1 page, at most 2
 */
#include "spectest.h"

#include <stdio.h>

/* Every print function: the scripts only check that it can be imported and
 * called with its type. */
static void spectest_print(waot_abi_host_closure *closure, const waot_abi_value *args,
                           waot_abi_value *results)
{
}

static const struct {
    const char *name;
    uint8_t params[2];
    uint32_t param_count;
} spectest_functions[] = {
    {"print", {0}, 0},
    {"print_i32", {WAOT_ABI_I32}, 1},
    {"print_i64", {WAOT_ABI_I64}, 1},
    {"print_f32", {WAOT_ABI_F32}, 1},
    {"print_f64", {WAOT_ABI_F64}, 1},
    {"print_i32_f32", {WAOT_ABI_I32, WAOT_ABI_F32}, 2},
    {"print_f64_f64", {WAOT_ABI_F64, WAOT_ABI_F64}, 2},
};

static bool spectest_check(waot_status status, const char *what, char *problem,
                           size_t problem_size)
{
    if (status == WAOT_OK)
        return true;
    snprintf(problem, problem_size, "the runtime refused spectest.%s (status %d)", what,
             (int)status);
    return false;
}

bool spectest_define(waot_linker *linker, char *problem, size_t problem_size)
{
    for (size_t i = 0; i < sizeof spectest_functions / sizeof spectest_functions[0]; i++) {
        waot_status status = waot_linker_define_func(
            linker, "spectest", spectest_functions[i].name, spectest_functions[i].params,
            spectest_functions[i].param_count, NULL, 0, spectest_print, NULL);
        if (!spectest_check(status, spectest_functions[i].name, problem, problem_size))
            return false;
    }

    waot_value i32 = {.type = WAOT_ABI_I32, .of.i32 = 666};
    waot_value i64 = {.type = WAOT_ABI_I64, .of.i64 = 666};
    waot_value f32 = {.type = WAOT_ABI_F32, .of.f32 = 666.6f};
    waot_value f64 = {.type = WAOT_ABI_F64, .of.f64 = 666.6};
    return spectest_check(waot_linker_define_global(linker, "spectest", "global_i32", i32, false),
                          "global_i32", problem, problem_size) &&
           spectest_check(waot_linker_define_global(linker, "spectest", "global_i64", i64, false),
                          "global_i64", problem, problem_size) &&
           spectest_check(waot_linker_define_global(linker, "spectest", "global_f32", f32, false),
                          "global_f32", problem, problem_size) &&
           spectest_check(waot_linker_define_global(linker, "spectest", "global_f64", f64, false),
                          "global_f64", problem, problem_size) &&
           spectest_check(waot_linker_define_table(linker, "spectest", "table", WAOT_ABI_FUNCREF,
                                                   10, 20, true),
                          "table", problem, problem_size) &&
           spectest_check(waot_linker_define_memory(linker, "spectest", "memory", 1, 2, true),
                          "memory", problem, problem_size);
}
