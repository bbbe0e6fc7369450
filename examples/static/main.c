/*
 * Linking wasm modules into a C program like libraries: calc.wat and
 * ../fib.wat are compiled by `waot compile --emit obj --header` to objects
 * and headers (calc.h, fib.h) that this program includes and links with the
 * waot runtime.  It calls exports with native C types, binds the imports to
 * C functions, sees a trap as a status (never a crash or a longjmp of its
 * own), reads an exported memory and global, and keeps two instances of
 * calc and one of fib alive side by side.  Exits 0 when every check holds;
 * ctest runs it.
 */
#include "calc.h"
#include "fib.h"

#include <inttypes.h>
#include <stdio.h>

static int failures;

static void check(bool ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok)
        failures++;
}

static calc_instance *nested_target;
static int32_t nested_result;
static waot_status nested_status;

/* env.log of calc: sums what it is given in its context; -13 makes the
 * wasm call fail, as a host function may; 77 and 78 call back into wasm
 * (another instance), which adds and traps respectively. */
static void log_value(void *context, int32_t value)
{
    if (value == -13)
        waot_static_host_trap();
    if (value == 77 || value == 78) {
        nested_result = value == 77 ? calc_add(nested_target, 20, 22)
                                    : calc_div_s(nested_target, 1, 0);
        nested_status = calc_last_status(nested_target, NULL);
    }
    int32_t *sum = context;
    *sum += value;
}

static void print_i32(void *context, int32_t value)
{
    (void)context;
    printf("     fib printed %" PRId32 "\n", value);
}

int main(void)
{
    int32_t logged_a = 0, logged_b = 0;
    calc_imports imports_a = {.env_log = {.fn = log_value, .context = &logged_a}};
    calc_imports imports_b = {.env_log = {.fn = log_value, .context = &logged_b}};
    calc_instance *a = NULL, *b = NULL;
    waot_error err;
    if (calc_instantiate(&imports_a, &a, &err) != WAOT_OK ||
        calc_instantiate(&imports_b, &b, &err) != WAOT_OK) {
        fprintf(stderr, "cannot instantiate calc: %s\n", err.message);
        return 1;
    }

    check(calc_add(a, 2, 3) == 5, "add(2, 3) == 5");
    check(calc_last_status(a, NULL) == WAOT_OK, "add's status is WAOT_OK");
    check(calc_mul(a, 6, 7) == 42, "mul(6, 7) == 42");
    check(calc_div_s(a, 42, 5) == 8 && logged_a == 5, "div_s(42, 5) == 8, log saw 5");

    /* Traps come back as a status. */
    int32_t q = calc_div_s(a, 1, 0);
    waot_status status = calc_last_status(a, &err);
    check(q == 0 && status == WAOT_ERROR_TRAP && err.trap == WAOT_TRAP_DIVIDE_BY_ZERO,
          "div_s(1, 0) traps: integer divide by zero");
    printf("     message: %s\n", err.message);
    calc_div_s(a, INT32_MIN, -1);
    check(calc_last_status(a, &err) == WAOT_ERROR_TRAP && err.trap == WAOT_TRAP_INTEGER_OVERFLOW,
          "div_s(INT32_MIN, -1) traps: integer overflow");
    calc_store(a, 65536, 1);
    check(calc_last_status(a, &err) == WAOT_ERROR_TRAP &&
              err.trap == WAOT_TRAP_MEMORY_OUT_OF_BOUNDS,
          "store past the memory traps: out of bounds memory access");
    calc_div_s(a, 1, -13);
    check(calc_last_status(a, &err) == WAOT_ERROR_TRAP && err.trap == WAOT_TRAP_HOST,
          "a host function ends the call with a trap");
    check(calc_add(a, 1, 1) == 2 && calc_last_status(a, NULL) == WAOT_OK,
          "the instance works after traps");

    /* Several results, memory and globals. */
    int32_t quotient = 0, remainder = 0;
    calc_divmod(a, 17, 5, &quotient, &remainder);
    check(calc_last_status(a, NULL) == WAOT_OK && quotient == 3 && remainder == 2,
          "divmod(17, 5) == (3, 2)");
    calc_store(a, 16, 0x01020304);
    uint8_t *memory = calc_memory_data(a);
    check(calc_memory_size(a) == 65536 && memory[16] == 4 && memory[19] == 1,
          "store wrote the exported memory");
    check(calc_calls_get(a) == 5, "the calls global counted 5 calls of mul and div_s");

    /* The second instance has its own state. */
    check(calc_mul(b, 3, 3) == 9 && calc_calls_get(b) == 1 && logged_b == 0,
          "a second instance has its own globals and imports");
    check(calc_memory_data(b)[16] == 0, "and its own memory");
    calc_calls_set(b, 100);
    check(calc_calls_get(a) == 5 && calc_calls_get(b) == 100, "setting a global of one only");

    /* Nested calls: wasm -> host -> wasm of another instance.  A trap in the
     * inner call ends only the inner call. */
    nested_target = b;
    check(calc_div_s(a, 154, 77) == 2 && calc_last_status(a, NULL) == WAOT_OK &&
              nested_result == 42 && nested_status == WAOT_OK,
          "a host function calls into another instance");
    check(calc_div_s(a, 156, 78) == 2 && calc_last_status(a, NULL) == WAOT_OK &&
              nested_status == WAOT_ERROR_TRAP,
          "a trap in a nested call stays in it");

    /* Unbounded recursion ends in a trap, not a crash. */
    calc_recurse(a, 0);
    check(calc_last_status(a, &err) == WAOT_ERROR_TRAP && err.trap == WAOT_TRAP_STACK_EXHAUSTED,
          "recursion traps: call stack exhausted");
    check(calc_mul(b, 4, 4) == 16, "and the program goes on");

    /* A second module in the same program. */
    fib_imports fib_imports_ = {.env_print_i32 = {.fn = print_i32}};
    fib_instance *f = NULL;
    if (fib_instantiate(&fib_imports_, &f, &err) != WAOT_OK) {
        fprintf(stderr, "cannot instantiate fib: %s\n", err.message);
        return 1;
    }
    check(fib_fib(f, 30) == 832040, "fib.fib(30) == 832040");
    check(fib_fib_recursive(f, 20) == 6765, "fib.fib_recursive(20) == 6765");
    check(calc_add(a, 40, 2) == 42, "calc still answers beside fib");

    fib_free(f);
    calc_free(b);
    calc_free(a);
    printf("%s\n", failures ? "FAILED" : "all checks passed");
    return failures ? 1 : 0;
}
