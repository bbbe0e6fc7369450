/*
 * The C math routines compiled code may call.  When LLVM compiles for a CPU
 * without rounding instructions (plain x86-64: no SSE4.1 roundps), it lowers
 * ceil/floor/trunc/nearest to calls of ceilf, floor, ... which a precompiled
 * module leaves undefined, to be bound by the dynamic loader from the
 * process.  Referencing them here makes every program linked with the
 * runtime carry libm, so those calls always resolve.
 */
#include <math.h>

#include "libm_refs_internal.h"

void *const waot_rt_libm_refs[] = {
    (void *)ceilf,  (void *)ceil,  (void *)floorf,     (void *)floor,
    (void *)truncf, (void *)trunc, (void *)roundevenf, (void *)roundeven,
    (void *)sqrtf,  (void *)sqrt,  (void *)fminf,      (void *)fmin,
    (void *)fmaxf,  (void *)fmax,  (void *)rintf,      (void *)rint,
    (void *)nearbyintf, (void *)nearbyint,
};
