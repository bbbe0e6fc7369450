/*
 * Global variables: one reference-counted cell each, so that an importing
 * instance can point at the exporter's cell and either may be freed first.
 */
#ifndef WAOT_GLOBAL_INTERNAL_H
#define WAOT_GLOBAL_INTERNAL_H

#include "waot.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct waot_rt_global {
    waot_abi_global cell;    /* first: contexts point at it, and back */
    uint32_t type;           /* value type code */
    bool is_mutable;
    atomic_uint refs;
} waot_rt_global;

static inline waot_rt_global *waot_rt_global_of(waot_abi_global *cell)
{
    return (waot_rt_global *)cell;
}

/* A zeroed global of `type` with one reference; NULL when out of memory. */
waot_rt_global *waot_rt_global_new(uint32_t type, bool is_mutable);
void waot_rt_global_retain(waot_rt_global *global);
void waot_rt_global_release(waot_rt_global *global);

#endif
