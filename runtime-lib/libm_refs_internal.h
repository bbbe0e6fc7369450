/*
 * See libm_refs.c: math routines kept linked for precompiled modules.
 */
#ifndef WAOT_LIBM_REFS_INTERNAL_H
#define WAOT_LIBM_REFS_INTERNAL_H

extern void *const waot_rt_libm_refs[];

#endif
