/*
 * Function-body validation: the operand and control stacks of the spec's
 * validation algorithm, run over one body at a time.
 *
 * A validator is made once per module and reused for every function, so its
 * stacks are allocated once and grow to the deepest body.
 */
#ifndef AOT_VALIDATE_FUNC_H
#define AOT_VALIDATE_FUNC_H

#include "error.h"
#include "module.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct aot_func_validator aot_func_validator;

/* `declared_refs` has one byte per function: nonzero when the function may
 * be named by ref.func inside a body (it is referenced outside function
 * bodies: elements, exports, global initialisers).  Both must outlive the
 * validator.  NULL when out of memory. */
aot_func_validator *aot_func_validator_new(const aot_module *m, const uint8_t *declared_refs);
void aot_func_validator_free(aot_func_validator *v);

/* Decodes and type-checks the body of defined function `func_index`.  The
 * error names the function and the offset of the offending instruction. */
bool aot_validate_func(aot_func_validator *v, uint32_t func_index, aot_error *err);

/* Only decodes the body: finds what makes it malformed, ignoring typing.
 * Used after a validation error to let a malformed body win, as it must. */
bool aot_skim_func(const aot_module *m, uint32_t func_index, aot_error *err);

#endif
