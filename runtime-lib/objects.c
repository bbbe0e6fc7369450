/*
 * Memories, tables and globals as host-visible objects (waot.h's
 * waot_memory_*, waot_table_*, waot_global_*): creating them on the host
 * side, looking them up among an instance's exports, reading and writing
 * them, and making them importable through a linker.  Also what a host
 * function may do with its caller (waot_caller_memory, waot_host_trap).
 *
 * The public handles are the runtime's own reference-counted records
 * (waot_rt_memory, waot_rt_table, waot_rt_global) under opaque names: a
 * waot_memory * is a waot_rt_memory *.  A handle from *_new owns one
 * reference; a looked-up handle owns none.  Nothing here locks: like the
 * instances that use them, these objects are used by one thread at a time.
 */
#include "waot.h"

#include "entry_internal.h"
#include "error_internal.h"
#include "instance_internal.h"
#include "linker_internal.h"
#include "types_internal.h"

#include <string.h>

static waot_rt_memory *objects_memory(const waot_memory *memory)
{
    return (waot_rt_memory *)(uintptr_t)memory;
}

static waot_rt_table *objects_table(const waot_table *table)
{
    return (waot_rt_table *)(uintptr_t)table;
}

static waot_rt_global *objects_global(const waot_global *global)
{
    return (waot_rt_global *)(uintptr_t)global;
}

/* ---- Lookup in an instance's exports ---- */

waot_status waot_instance_memory(waot_instance *instance, const char *name, waot_memory **out)
{
    uint32_t index;
    if (!waot_rt_instance_find_export(instance, name, strlen(name), WAOT_ABI_EXTERN_MEMORY,
                                      &index))
        return WAOT_ERROR_NOT_FOUND;
    *out = (waot_memory *)waot_rt_memory_of(instance->memories[index]);
    return WAOT_OK;
}

waot_status waot_instance_table(waot_instance *instance, const char *name, waot_table **out)
{
    uint32_t index;
    if (!waot_rt_instance_find_export(instance, name, strlen(name), WAOT_ABI_EXTERN_TABLE,
                                      &index))
        return WAOT_ERROR_NOT_FOUND;
    *out = (waot_table *)waot_rt_table_of(instance->tables[index]);
    return WAOT_OK;
}

waot_status waot_instance_global(waot_instance *instance, const char *name, waot_global **out)
{
    uint32_t index;
    if (!waot_rt_instance_find_export(instance, name, strlen(name), WAOT_ABI_EXTERN_GLOBAL,
                                      &index))
        return WAOT_ERROR_NOT_FOUND;
    *out = (waot_global *)waot_rt_global_of(instance->globals[index]);
    return WAOT_OK;
}

/* ---- Memories ---- */

waot_status waot_memory_new(uint64_t min_pages, uint64_t max_pages, bool has_max,
                            waot_memory **out, waot_error *err)
{
    if (min_pages > 65536 && !has_max)
        return waot_rt_fail(err, WAOT_ERROR_ARGUMENT,
                            "memory minimum of %llu pages is over 65536",
                            (unsigned long long)min_pages);
    if (min_pages > 65536 || (has_max && (max_pages > 65536 || max_pages < min_pages)))
        return waot_rt_fail(err, WAOT_ERROR_ARGUMENT,
                            "memory limits %llu..%llu pages are not valid",
                            (unsigned long long)min_pages, (unsigned long long)max_pages);
    waot_rt_memory *memory;
    waot_status status = waot_rt_memory_new(min_pages, max_pages, has_max, &memory, err);
    if (status == WAOT_OK)
        *out = (waot_memory *)memory;
    return status;
}

void waot_memory_free(waot_memory *memory)
{
    waot_rt_memory_release(objects_memory(memory));
}

uint8_t *waot_memory_data(const waot_memory *memory)
{
    return objects_memory(memory)->abi.base;
}

uint64_t waot_memory_size(const waot_memory *memory)
{
    return objects_memory(memory)->abi.size;
}

uint64_t waot_memory_pages(const waot_memory *memory)
{
    return waot_rt_memory_pages(&objects_memory(memory)->abi);
}

waot_status waot_memory_grow(waot_memory *memory, uint64_t delta_pages, uint64_t *old_pages)
{
    if (delta_pages > 65536)
        return WAOT_ERROR_NOMEM;
    int32_t old = waot_rt_memory_grow(objects_memory(memory), (uint32_t)delta_pages);
    if (old < 0)
        return WAOT_ERROR_NOMEM;
    if (old_pages)
        *old_pages = (uint64_t)old;
    return WAOT_OK;
}

waot_status waot_memory_read(const waot_memory *memory, uint64_t offset, void *out, size_t size)
{
    const waot_abi_memory *abi = &objects_memory(memory)->abi;
    if (!waot_rt_memory_in_bounds(abi, offset, size))
        return WAOT_ERROR_NOT_FOUND;
    if (size)
        memcpy(out, abi->base + offset, size);
    return WAOT_OK;
}

waot_status waot_memory_write(waot_memory *memory, uint64_t offset, const void *bytes,
                              size_t size)
{
    const waot_abi_memory *abi = &objects_memory(memory)->abi;
    if (!waot_rt_memory_in_bounds(abi, offset, size))
        return WAOT_ERROR_NOT_FOUND;
    if (size)
        memcpy(abi->base + offset, bytes, size);
    return WAOT_OK;
}

waot_memory *waot_caller_memory(const waot_abi_host_closure *closure, uint32_t index)
{
    const waot_abi_context *caller = closure ? closure->caller : NULL;
    if (!caller || !caller->instance)
        return NULL;
    const waot_instance *instance = caller->instance;
    if (index >= instance->module->descriptor->memory_count || !caller->memories[index])
        return NULL;
    return (waot_memory *)waot_rt_memory_of(caller->memories[index]);
}

WAOT_RT_TRAP_PATH void waot_host_trap(const waot_abi_host_closure *closure)
{
    (void)closure;
    waot_rt_unwind_host(WAOT_TRAP_HOST);
}

/* ---- Tables ---- */

waot_status waot_table_new(uint32_t elem_type, uint32_t min, uint32_t max, bool has_max,
                           waot_table **out, waot_error *err)
{
    if ((elem_type != WAOT_ABI_FUNCREF && elem_type != WAOT_ABI_EXTERNREF) ||
        (has_max && max < min))
        return waot_rt_fail(err, WAOT_ERROR_ARGUMENT, "table type is not valid");
    waot_rt_table *table;
    waot_status status = waot_rt_table_new(elem_type, min, max, has_max, &table, err);
    if (status == WAOT_OK)
        *out = (waot_table *)table;
    return status;
}

void waot_table_free(waot_table *table)
{
    waot_rt_table_release(objects_table(table));
}

uint32_t waot_table_size(const waot_table *table)
{
    return objects_table(table)->abi.size;
}

uint32_t waot_table_elem_type(const waot_table *table)
{
    return objects_table(table)->elem_type;
}

waot_status waot_table_get(const waot_table *table, uint32_t index, waot_value *out)
{
    const waot_rt_table *t = objects_table(table);
    if (index >= t->abi.size)
        return WAOT_ERROR_NOT_FOUND;
    *out = (waot_value){.type = t->elem_type};
    out->of.ref = t->abi.elements[index].ref;
    return WAOT_OK;
}

waot_status waot_table_set(waot_table *table, uint32_t index, waot_value value)
{
    waot_rt_table *t = objects_table(table);
    if (value.type != t->elem_type)
        return WAOT_ERROR_ARGUMENT;
    if (index >= t->abi.size)
        return WAOT_ERROR_NOT_FOUND;
    t->abi.elements[index] = waot_abi_table_element_of(t->elem_type, value.of.ref);
    return WAOT_OK;
}

waot_status waot_table_grow(waot_table *table, uint32_t delta, waot_value init,
                            uint32_t *old_size)
{
    waot_rt_table *t = objects_table(table);
    if (init.type != t->elem_type)
        return WAOT_ERROR_ARGUMENT;
    int32_t old = waot_rt_table_grow(t, delta, init.of.ref);
    if (old < 0)
        return WAOT_ERROR_NOMEM;
    if (old_size)
        *old_size = (uint32_t)old;
    return WAOT_OK;
}

/* ---- Globals ---- */

waot_status waot_global_new(waot_value value, bool is_mutable, waot_global **out)
{
    if (!waot_rt_value_type_ok(value.type))
        return WAOT_ERROR_ARGUMENT;
    waot_rt_global *global = waot_rt_global_new(value.type, is_mutable);
    if (!global)
        return WAOT_ERROR_NOMEM;
    global->cell = value.of;
    *out = (waot_global *)global;
    return WAOT_OK;
}

void waot_global_free(waot_global *global)
{
    waot_rt_global_release(objects_global(global));
}

uint32_t waot_global_type(const waot_global *global)
{
    return objects_global(global)->type;
}

bool waot_global_is_mutable(const waot_global *global)
{
    return objects_global(global)->is_mutable;
}

waot_value waot_global_value(const waot_global *global)
{
    const waot_rt_global *g = objects_global(global);
    return (waot_value){.type = g->type, .of = g->cell};
}

waot_status waot_global_set(waot_global *global, waot_value value)
{
    waot_rt_global *g = objects_global(global);
    if (!g->is_mutable || value.type != g->type)
        return WAOT_ERROR_ARGUMENT;
    g->cell = value.of;
    return WAOT_OK;
}

/* ---- Importing them ---- */

waot_status waot_linker_define_memory_object(waot_linker *linker, const char *module,
                                             const char *field, waot_memory *memory)
{
    waot_rt_extern definition = {.kind = WAOT_ABI_EXTERN_MEMORY, .memory = objects_memory(memory)};
    return waot_rt_linker_define_object(linker, module, field, &definition);
}

waot_status waot_linker_define_table_object(waot_linker *linker, const char *module,
                                            const char *field, waot_table *table)
{
    waot_rt_extern definition = {.kind = WAOT_ABI_EXTERN_TABLE, .table = objects_table(table)};
    return waot_rt_linker_define_object(linker, module, field, &definition);
}

waot_status waot_linker_define_global_object(waot_linker *linker, const char *module,
                                             const char *field, waot_global *global)
{
    waot_rt_extern definition = {.kind = WAOT_ABI_EXTERN_GLOBAL, .global = objects_global(global)};
    return waot_rt_linker_define_object(linker, module, field, &definition);
}
