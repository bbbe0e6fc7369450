/*
 * The generated wrappers of signatures.wat, called with values whose
 * register or bits a mistake would change: float NaN payloads, the upper
 * half of i64, values in every argument register, and the signatures one
 * register too many falls back on the trampoline for.  Exits 0 when every
 * check holds; ctest runs it.
 */
#include "signatures.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void check(bool ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok)
        failures++;
}

static uint32_t f32_bits(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static float f32_of_bits(uint32_t bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

int main(void)
{
    signatures_instance *s = NULL;
    waot_error err;
    if (signatures_instantiate(NULL, &s, &err) != WAOT_OK) {
        fprintf(stderr, "instantiate: %s\n", err.message);
        return 1;
    }
    /* A signalling NaN with a payload survives only as untouched bits. */
    uint32_t nan_bits = 0x7fa00001u;
    check(f32_bits(signatures_f32_id(s, f32_of_bits(nan_bits))) == nan_bits,
          "f32 NaN payload passes through unchanged");
    check(signatures_f64_id(s, -0.125) == -0.125, "f64 value passes through");
    check(signatures_i64_id(s, INT64_C(-0x123456789abcdef)) == INT64_C(-0x123456789abcdef),
          "i64 keeps its upper half");
    check(signatures_mixed(s, -7, 0.5, INT64_C(1) << 40, 0.25f, 1000) ==
              -7 + 0.5 + (double)(INT64_C(1) << 40) + 0.25 + 1000,
          "mixed integer and float arguments");
    check(signatures_five(s, 1, 2, 3, 4, 5) == 54321, "five integer arguments in registers");
    check(signatures_eight(s, 1, 1, 1, 1, 1, 1, 1, 1) == 36.0, "eight float arguments in registers");
    check(signatures_six(s, 1, 2, 3, 4, 5, 6) == -1, "six integer arguments (trampoline)");
    check(signatures_nine(s, 9, 0, 0, 0, 0, 0, 0, 0, 2) == 7.0f,
          "nine float arguments (trampoline)");
    check(signatures_last_status(s, NULL) == WAOT_OK, "status after calls is WAOT_OK");
    int anchor = 0;
    check(signatures_ref_id(s, &anchor) == &anchor, "externref passes through");
    check(signatures_ref_id(s, NULL) == NULL, "null externref passes through");

    check(signatures_f32_trap(s, 1.0f) == 0.0f, "a trapping f32 function returns 0");
    check(signatures_last_status(s, &err) == WAOT_ERROR_TRAP &&
              err.trap == WAOT_TRAP_UNREACHABLE && strcmp(err.message, "unreachable") == 0,
          "and records the trap");
    signatures_no_values(s);
    check(signatures_last_status(s, NULL) == WAOT_ERROR_TRAP, "a trapping void function too");
    check(signatures_five(s, 5, 4, 3, 2, 1) == 12345 &&
              signatures_last_status(s, NULL) == WAOT_OK,
          "calls after a trap work and reset the status");
    signatures_free(s);
    return failures ? 1 : 0;
}
