/*
 * The ABI between compiled code (aot/) and the runtime (runtime-lib/).
 *
 * This header is the only thing the two halves share.  So far it holds the
 * ABI version, which precompiled modules record and the loader checks, and
 * the trap codes with the messages the WebAssembly spec gives them; the
 * instance context layout joins it with code generation.  Plain C, no LLVM.
 */
#ifndef WAOT_ABI_H
#define WAOT_ABI_H

#include <stdint.h>

/* Bumped whenever anything in this header changes meaning or layout. */
#define WAOT_ABI_VERSION 1u

/* Why a call into wasm code stopped.  Generated code passes these to the
 * runtime's trap entry; embedders see them in call results. */
typedef enum waot_abi_trap {
    WAOT_TRAP_NONE = 0,
    WAOT_TRAP_UNREACHABLE,           /* `unreachable` executed */
    WAOT_TRAP_MEMORY_OUT_OF_BOUNDS,  /* load, store or bulk memory op outside memory */
    WAOT_TRAP_DIVIDE_BY_ZERO,        /* integer div or rem by zero */
    WAOT_TRAP_INTEGER_OVERFLOW,      /* INT_MIN / -1 for div_s */
    WAOT_TRAP_INVALID_CONVERSION,    /* float-to-int of NaN or out of range */
    WAOT_TRAP_TABLE_OUT_OF_BOUNDS,   /* table access or bulk table op outside the table */
    WAOT_TRAP_UNDEFINED_ELEMENT,     /* call_indirect index beyond the table */
    WAOT_TRAP_UNINITIALIZED_ELEMENT, /* call_indirect through a null entry */
    WAOT_TRAP_INDIRECT_TYPE_MISMATCH,/* call_indirect signature differs */
    WAOT_TRAP_STACK_EXHAUSTED,       /* recursion beyond the stack limit */
    WAOT_TRAP_COUNT
} waot_abi_trap;

/* The spec suite's message for a trap ("integer divide by zero", ...);
 * "unknown trap" for a code outside the enum. */
const char *waot_abi_trap_message(waot_abi_trap trap);

#endif
