/*
 * The runtime table (waot_abi_runtime): memory.grow, memory.init, the
 * table instructions, the segment drops, table.grow, and trap.  (memory.copy
 * and memory.fill are compiled inline, lower_memory.c.)
 *
 * Bounds follow the spec: every range is checked in 64 bits, a length of
 * zero still needs its start within bounds, and a failing operation writes
 * nothing.  A dropped segment behaves as one of size zero.  Overlapping
 * copies go through memmove, which is what the spec's element-by-element
 * definition amounts to.
 */
#include "bulk_internal.h"

#include "entry_internal.h"
#include "instance_internal.h"
#include "table_internal.h"

#include <stdlib.h>
#include <string.h>

waot_abi_trap waot_rt_bulk_memory_init(waot_instance *instance, uint32_t memory, uint32_t data,
                                       uint32_t dst, uint32_t src, uint32_t n)
{
    const waot_abi_data *segment = &instance->module->descriptor->datas[data];
    uint64_t size = instance->data_dropped[data] ? 0 : segment->size;
    const waot_abi_memory *m = instance->memories[memory];
    if ((uint64_t)src + n > size || !waot_rt_memory_in_bounds(m, dst, n))
        return WAOT_TRAP_MEMORY_OUT_OF_BOUNDS;
    if (n)
        memcpy(m->base + dst, segment->bytes + src, n);
    return WAOT_TRAP_NONE;
}

waot_abi_trap waot_rt_bulk_table_init(waot_instance *instance, uint32_t table, uint32_t elem,
                                      uint32_t dst, uint32_t src, uint32_t n)
{
    uint64_t size = instance->elem_sizes[elem];
    waot_abi_table *t = instance->tables[table];
    if ((uint64_t)src + n > size || !waot_rt_table_in_bounds(t, dst, n))
        return WAOT_TRAP_TABLE_OUT_OF_BOUNDS;
    /* A dropped segment has no refs: no pointer arithmetic on NULL. */
    if (n == 0)
        return WAOT_TRAP_NONE;
    uint32_t elem_type = waot_rt_table_of(t)->elem_type;
    void *const *refs = instance->elem_refs[elem] + src;
    for (uint32_t i = 0; i < n; i++)
        t->elements[dst + i] = waot_abi_table_element_of(elem_type, refs[i]);
    return WAOT_TRAP_NONE;
}

void waot_rt_bulk_elem_drop(waot_instance *instance, uint32_t elem)
{
    free(instance->elem_refs[elem]);
    instance->elem_refs[elem] = NULL;
    instance->elem_sizes[elem] = 0;
}

static int32_t bulk_memory_grow(waot_abi_context *ctx, uint32_t memory, uint32_t delta_pages)
{
    return waot_rt_memory_grow(waot_rt_memory_of(ctx->memories[memory]), delta_pages);
}

WAOT_RT_TRAP_PATH static void bulk_memory_init(waot_abi_context *ctx, uint32_t memory,
                                               uint32_t data, uint32_t dst, uint32_t src,
                                               uint32_t n)
{
    waot_abi_trap trap = waot_rt_bulk_memory_init(waot_rt_instance_of(ctx), memory, data, dst,
                                                  src, n);
    if (trap != WAOT_TRAP_NONE)
        waot_rt_trap(ctx, trap);
}

static void bulk_data_drop(waot_abi_context *ctx, uint32_t data)
{
    waot_rt_instance_of(ctx)->data_dropped[data] = true;
}

WAOT_RT_TRAP_PATH static void bulk_table_init(waot_abi_context *ctx, uint32_t table,
                                              uint32_t elem, uint32_t dst, uint32_t src,
                                              uint32_t n)
{
    waot_abi_trap trap = waot_rt_bulk_table_init(waot_rt_instance_of(ctx), table, elem, dst, src,
                                                 n);
    if (trap != WAOT_TRAP_NONE)
        waot_rt_trap(ctx, trap);
}

static void bulk_elem_drop(waot_abi_context *ctx, uint32_t elem)
{
    waot_rt_bulk_elem_drop(waot_rt_instance_of(ctx), elem);
}

static waot_abi_trap bulk_copy_elements(waot_abi_context *ctx, uint32_t dst_table,
                                        uint32_t src_table, uint32_t dst, uint32_t src,
                                        uint32_t n)
{
    waot_abi_table *to = ctx->tables[dst_table];
    const waot_abi_table *from = ctx->tables[src_table];
    if (!waot_rt_table_in_bounds(from, src, n) || !waot_rt_table_in_bounds(to, dst, n))
        return WAOT_TRAP_TABLE_OUT_OF_BOUNDS;
    if (n)
        memmove(to->elements + dst, from->elements + src, (size_t)n * sizeof *to->elements);
    return WAOT_TRAP_NONE;
}

/* The work in a function of its own, which returns: only this frame is
 * left behind by the trap (see WAOT_RT_TRAP_PATH). */
WAOT_RT_TRAP_PATH static void bulk_table_copy(waot_abi_context *ctx, uint32_t dst_table,
                                              uint32_t src_table, uint32_t dst, uint32_t src,
                                              uint32_t n)
{
    waot_abi_trap trap = bulk_copy_elements(ctx, dst_table, src_table, dst, src, n);
    if (trap != WAOT_TRAP_NONE)
        waot_rt_trap(ctx, trap);
}

static int32_t bulk_table_grow(waot_abi_context *ctx, uint32_t table, void *init, uint32_t delta)
{
    return waot_rt_table_grow(waot_rt_table_of(ctx->tables[table]), delta, init);
}

static waot_abi_trap bulk_fill_elements(waot_abi_context *ctx, uint32_t table, uint32_t dst,
                                        void *value, uint32_t n)
{
    waot_abi_table *t = ctx->tables[table];
    if (!waot_rt_table_in_bounds(t, dst, n))
        return WAOT_TRAP_TABLE_OUT_OF_BOUNDS;
    waot_abi_table_element e = waot_abi_table_element_of(waot_rt_table_of(t)->elem_type, value);
    for (uint32_t i = 0; i < n; i++)
        t->elements[dst + i] = e;
    return WAOT_TRAP_NONE;
}

WAOT_RT_TRAP_PATH static void bulk_table_fill(waot_abi_context *ctx, uint32_t table, uint32_t dst,
                                              void *value, uint32_t n)
{
    waot_abi_trap trap = bulk_fill_elements(ctx, table, dst, value, n);
    if (trap != WAOT_TRAP_NONE)
        waot_rt_trap(ctx, trap);
}

const waot_abi_runtime waot_rt_runtime = {
    .trap = waot_rt_trap,
    .trap_element = waot_rt_trap_element,
    .memory_grow = bulk_memory_grow,
    .memory_init = bulk_memory_init,
    .data_drop = bulk_data_drop,
    .table_init = bulk_table_init,
    .elem_drop = bulk_elem_drop,
    .table_copy = bulk_table_copy,
    .table_grow = bulk_table_grow,
    .table_fill = bulk_table_fill,
};
