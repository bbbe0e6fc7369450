/*
 * The `spectest` host module that spec scripts import from: print functions
 * that print nothing, four immutable globals, a funcref table and a memory,
 * as the reference interpreter defines them.
 */
#ifndef WAOT_SPEC_SPECTEST_H
#define WAOT_SPEC_SPECTEST_H

#include "waot.h"

#include <stdbool.h>
#include <stddef.h>

/* Defines every field of `spectest` in `linker`.  On failure writes which
 * definition the runtime refused, and why, into problem[problem_size]; the
 * definitions made before it stay. */
bool spectest_define(waot_linker *linker, char *problem, size_t problem_size);

#endif
