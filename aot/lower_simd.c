/*
 * v128 instructions.  Their lowering arrives with SIMD support; until then
 * a module that uses them is refused with a compile error naming the first
 * one, so a user learns what is missing instead of getting wrong code.
 */
#include "lower.h"

bool lower_simd(lower_func *f, const aot_instr *in)
{
    return lower_fail(f, "unsupported: %s (v128 instructions are not compiled yet)",
                      aot_opcode_infos[in->op].text);
}
