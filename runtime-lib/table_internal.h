/*
 * Tables: growable arrays of references (funcref tables hold
 * waot_abi_funcref pointers, externref tables whatever the host passed),
 * each in a waot_abi_table_element.
 */
#ifndef WAOT_TABLE_INTERNAL_H
#define WAOT_TABLE_INTERNAL_H

#include "waot.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct waot_rt_table {
    waot_abi_table abi;      /* first: contexts point at it, and back */
    uint32_t elem_type;      /* WAOT_ABI_FUNCREF or WAOT_ABI_EXTERNREF */
    bool has_max;            /* as declared, for import matching (abi.max too) */
    atomic_uint refs;        /* instances and linkers holding it */
} waot_rt_table;

static inline waot_rt_table *waot_rt_table_of(waot_abi_table *abi)
{
    return (waot_rt_table *)abi;
}

/* A table of `min` null entries with one reference.  `max` is ignored
 * unless has_max. */
waot_status waot_rt_table_new(uint32_t elem_type, uint32_t min, uint32_t max, bool has_max,
                              waot_rt_table **out, waot_error *err);
void waot_rt_table_retain(waot_rt_table *table);
void waot_rt_table_release(waot_rt_table *table);

/* table.grow: appends `delta` entries set to `init`; the old size, or -1
 * past the maximum or when out of memory.  `elements` may move, which is
 * why compiled code reloads it for every access. */
int32_t waot_rt_table_grow(waot_rt_table *table, uint32_t delta, void *init);

/* Whether entries [index, index + n) exist; n == 0 still requires
 * index <= size. */
static inline bool waot_rt_table_in_bounds(const waot_abi_table *table, uint64_t index,
                                           uint64_t n)
{
    return index <= table->size && n <= table->size - index;
}

#endif
