/*
 * Global cells (global_internal.h).  Cells hold a waot_abi_value, which is
 * 16-byte aligned for v128, so they come from aligned_alloc.
 */
#include "global_internal.h"

#include <stdlib.h>
#include <string.h>

waot_rt_global *waot_rt_global_new(uint32_t type, bool is_mutable)
{
    size_t align = _Alignof(waot_rt_global);
    size_t size = (sizeof(waot_rt_global) + align - 1) / align * align;
    waot_rt_global *global = aligned_alloc(align, size);
    if (!global)
        return NULL;
    memset(global, 0, size);
    global->type = type;
    global->is_mutable = is_mutable;
    atomic_init(&global->refs, 1);
    return global;
}

void waot_rt_global_retain(waot_rt_global *global)
{
    atomic_fetch_add_explicit(&global->refs, 1, memory_order_relaxed);
}

void waot_rt_global_release(waot_rt_global *global)
{
    if (global && atomic_fetch_sub_explicit(&global->refs, 1, memory_order_acq_rel) == 1)
        free(global);
}
