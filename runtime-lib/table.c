/*
 * Tables (table_internal.h): create, grow with realloc, free.  A table has
 * no lock: like a memory it is used by one thread at a time, by the
 * instances that share it.
 */
#include "table_internal.h"

#include "config_internal.h"
#include "error_internal.h"

#include <stdlib.h>

waot_status waot_rt_table_new(uint32_t elem_type, uint32_t min, uint32_t max, bool has_max,
                              waot_rt_table **out, waot_error *err)
{
    uint32_t limit = waot_rt_config_max_table_elements();
    if (min > limit)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM,
                            "table of %u elements exceeds the limit of %u elements", min, limit);
    waot_rt_table *table = calloc(1, sizeof *table);
    /* Zeroed elements are null ones. */
    waot_abi_table_element *elements = min ? calloc(min, sizeof *elements) : NULL;
    if (!table || (min && !elements)) {
        free(table);
        free(elements);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory allocating a table of %u "
                            "elements", min);
    }
    table->abi.elements = elements;
    table->abi.size = min;
    table->abi.max = has_max ? max : UINT32_MAX;
    table->elem_type = elem_type;
    table->has_max = has_max;
    atomic_init(&table->refs, 1);
    *out = table;
    return WAOT_OK;
}

void waot_rt_table_retain(waot_rt_table *table)
{
    atomic_fetch_add_explicit(&table->refs, 1, memory_order_relaxed);
}

void waot_rt_table_release(waot_rt_table *table)
{
    if (!table || atomic_fetch_sub_explicit(&table->refs, 1, memory_order_acq_rel) != 1)
        return;
    free(table->abi.elements);
    free(table);
}

int32_t waot_rt_table_grow(waot_rt_table *table, uint32_t delta, void *init)
{
    uint32_t old_size = table->abi.size;
    uint32_t limit = waot_rt_config_max_table_elements();
    uint32_t max = table->abi.max < limit ? table->abi.max : limit;
    if (old_size > max || delta > max - old_size)
        return -1;
    if (delta == 0)
        return (int32_t)old_size;
    uint32_t new_size = old_size + delta;
    waot_abi_table_element *elements =
        realloc(table->abi.elements, (size_t)new_size * sizeof *elements);
    if (!elements)
        return -1;
    waot_abi_table_element e = waot_abi_table_element_of(table->elem_type, init);
    for (uint32_t i = old_size; i < new_size; i++)
        elements[i] = e;
    table->abi.elements = elements;
    table->abi.size = new_size;
    return (int32_t)old_size;
}
