/*
 * Trap codes to the messages the spec suite expects of them.  Kept in the
 * runtime because every trap is reported from here, whether raised by an
 * explicit check in compiled code or by a guard-page fault.
 */
#include "waot_abi.h"

const char *waot_abi_trap_message(waot_abi_trap trap)
{
    static const char *const messages[WAOT_TRAP_COUNT] = {
        [WAOT_TRAP_NONE] = "no trap",
        [WAOT_TRAP_UNREACHABLE] = "unreachable",
        [WAOT_TRAP_MEMORY_OUT_OF_BOUNDS] = "out of bounds memory access",
        [WAOT_TRAP_DIVIDE_BY_ZERO] = "integer divide by zero",
        [WAOT_TRAP_INTEGER_OVERFLOW] = "integer overflow",
        [WAOT_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
        [WAOT_TRAP_TABLE_OUT_OF_BOUNDS] = "out of bounds table access",
        [WAOT_TRAP_UNDEFINED_ELEMENT] = "undefined element",
        [WAOT_TRAP_UNINITIALIZED_ELEMENT] = "uninitialized element",
        [WAOT_TRAP_INDIRECT_TYPE_MISMATCH] = "indirect call type mismatch",
        [WAOT_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
        [WAOT_TRAP_HOST] = "host function failed",
        [WAOT_TRAP_INTERRUPTED] = "interrupted",
    };
    if ((unsigned)trap >= WAOT_TRAP_COUNT)
        return "unknown trap";
    return messages[trap];
}
