/*
 * The baseline of bench/static-call: the same add as add.wat, as a plain C
 * function in its own translation unit, never inlined, so each call is a
 * real call like the one into compiled wasm.
 */
#include <stdint.h>

int32_t plain_add(int32_t a, int32_t b);

__attribute__((noinline)) int32_t plain_add(int32_t a, int32_t b)
{
    return a + b;
}
