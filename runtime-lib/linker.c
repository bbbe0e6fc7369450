/*
 * Linkers (waot.h, linker_internal.h): named definitions that imports
 * resolve against.  A linker owns one reference on each global, memory and
 * table it defined and on each instance registered in it, so definitions
 * stay valid for the instances that imported them whatever is freed first.
 * Lookup walks the entries newest first, so a later definition of a name
 * shadows an earlier one (the spec harness re-registers module names).
 */
#include "linker_internal.h"

#include "instance_internal.h"
#include "types_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct linker_entry {
    char *module;
    char *field;                /* NULL for a registered instance */
    waot_instance *instance;    /* a registered instance */
    waot_rt_extern definition;  /* otherwise */
    uint8_t *types;             /* owned copy for a host function's type */
} linker_entry;

struct waot_linker {
    linker_entry *entries;
    size_t count;
    size_t capacity;
};

waot_status waot_linker_new(waot_linker **out)
{
    waot_linker *linker = calloc(1, sizeof *linker);
    if (!linker)
        return WAOT_ERROR_NOMEM;
    *out = linker;
    return WAOT_OK;
}

void waot_linker_free(waot_linker *linker)
{
    if (!linker)
        return;
    for (size_t i = 0; i < linker->count; i++) {
        linker_entry *e = &linker->entries[i];
        free(e->module);
        free(e->field);
        free(e->types);
        waot_rt_instance_release(e->instance);
        waot_rt_global_release(e->definition.global);
        waot_rt_memory_release(e->definition.memory);
        waot_rt_table_release(e->definition.table);
    }
    free(linker->entries);
    free(linker);
}

/* Appends an entry with copies of the names; NULL when out of memory. */
static linker_entry *linker_add(waot_linker *linker, const char *module, const char *field)
{
    if (linker->count == linker->capacity) {
        size_t capacity = linker->capacity ? linker->capacity * 2 : 16;
        linker_entry *entries = realloc(linker->entries, capacity * sizeof *entries);
        if (!entries)
            return NULL;
        linker->entries = entries;
        linker->capacity = capacity;
    }
    linker_entry entry = {.module = strdup(module), .field = field ? strdup(field) : NULL};
    if (!entry.module || (field && !entry.field)) {
        free(entry.module);
        free(entry.field);
        return NULL;
    }
    linker->entries[linker->count] = entry;
    return &linker->entries[linker->count++];
}

waot_status waot_linker_define_instance(waot_linker *linker, const char *name,
                                        waot_instance *instance)
{
    linker_entry *e = linker_add(linker, name, NULL);
    if (!e)
        return WAOT_ERROR_NOMEM;
    waot_rt_instance_retain(instance);
    e->instance = instance;
    return WAOT_OK;
}

waot_status waot_linker_define_func(waot_linker *linker, const char *module, const char *field,
                                    const uint8_t *params, uint32_t param_count,
                                    const uint8_t *results, uint32_t result_count,
                                    waot_abi_host_fn fn, void *user)
{
    if (!fn)
        return WAOT_ERROR_ARGUMENT;
    for (uint32_t i = 0; i < param_count; i++) {
        if (!waot_rt_value_type_ok(params[i]))
            return WAOT_ERROR_ARGUMENT;
    }
    for (uint32_t i = 0; i < result_count; i++) {
        if (!waot_rt_value_type_ok(results[i]))
            return WAOT_ERROR_ARGUMENT;
    }
    size_t length = (size_t)param_count + result_count;
    uint8_t *types = malloc(length ? length : 1);
    if (!types)
        return WAOT_ERROR_NOMEM;
    if (param_count)
        memcpy(types, params, param_count);
    if (result_count)
        memcpy(types + param_count, results, result_count);
    uint32_t type_id;
    if (!waot_rt_type_intern(types, param_count, result_count, &type_id)) {
        free(types);
        return WAOT_ERROR_NOMEM;
    }
    linker_entry *e = linker_add(linker, module, field);
    if (!e) {
        free(types);
        return WAOT_ERROR_NOMEM;
    }
    e->types = types;
    e->definition = (waot_rt_extern){
        .kind = WAOT_ABI_EXTERN_FUNC,
        .type_id = type_id,
        .types = types,
        .param_count = param_count,
        .result_count = result_count,
        .is_host_definition = true,
        .is_host = true,
        .host_fn = fn,
        .host_user = user,
    };
    return WAOT_OK;
}

waot_status waot_linker_define_global(waot_linker *linker, const char *module, const char *field,
                                      waot_value value, bool is_mutable)
{
    if (!waot_rt_value_type_ok(value.type))
        return WAOT_ERROR_ARGUMENT;
    waot_rt_global *global = waot_rt_global_new(value.type, is_mutable);
    if (!global)
        return WAOT_ERROR_NOMEM;
    global->cell = value.of;
    linker_entry *e = linker_add(linker, module, field);
    if (!e) {
        waot_rt_global_release(global);
        return WAOT_ERROR_NOMEM;
    }
    e->definition = (waot_rt_extern){.kind = WAOT_ABI_EXTERN_GLOBAL, .global = global};
    return WAOT_OK;
}

waot_status waot_linker_define_memory(waot_linker *linker, const char *module, const char *field,
                                      uint64_t min_pages, uint64_t max_pages, bool has_max)
{
    if (min_pages > 65536 || (has_max && (max_pages > 65536 || max_pages < min_pages)))
        return WAOT_ERROR_ARGUMENT;
    waot_rt_memory *memory;
    waot_status status = waot_rt_memory_new(min_pages, max_pages, has_max, &memory, NULL);
    if (status != WAOT_OK)
        return status;
    linker_entry *e = linker_add(linker, module, field);
    if (!e) {
        waot_rt_memory_release(memory);
        return WAOT_ERROR_NOMEM;
    }
    e->definition = (waot_rt_extern){.kind = WAOT_ABI_EXTERN_MEMORY, .memory = memory};
    return WAOT_OK;
}

waot_status waot_linker_define_table(waot_linker *linker, const char *module, const char *field,
                                     uint32_t elem_type, uint32_t min, uint32_t max, bool has_max)
{
    if ((elem_type != WAOT_ABI_FUNCREF && elem_type != WAOT_ABI_EXTERNREF) ||
        (has_max && max < min))
        return WAOT_ERROR_ARGUMENT;
    waot_rt_table *table;
    waot_status status = waot_rt_table_new(elem_type, min, max, has_max, &table, NULL);
    if (status != WAOT_OK)
        return status;
    linker_entry *e = linker_add(linker, module, field);
    if (!e) {
        waot_rt_table_release(table);
        return WAOT_ERROR_NOMEM;
    }
    e->definition = (waot_rt_extern){.kind = WAOT_ABI_EXTERN_TABLE, .table = table};
    return WAOT_OK;
}

static bool linker_name_is(const char *name, const waot_abi_name *wanted)
{
    return strlen(name) == wanted->len && (wanted->len == 0 || !memcmp(name, wanted->bytes, wanted->len));
}

bool waot_rt_linker_resolve(const waot_linker *linker, const waot_abi_name *module,
                            const waot_abi_name *field, waot_rt_extern *out)
{
    for (size_t i = linker->count; i-- > 0;) {
        const linker_entry *e = &linker->entries[i];
        if (!linker_name_is(e->module, module))
            continue;
        if (e->instance) {
            if (waot_rt_instance_export_extern(e->instance, field->bytes, field->len, out))
                return true;
        } else if (linker_name_is(e->field, field)) {
            *out = e->definition;
            return true;
        }
    }
    return false;
}

waot_status waot_rt_linker_define_object(waot_linker *linker, const char *module,
                                         const char *field, const waot_rt_extern *definition)
{
    linker_entry *e = linker_add(linker, module, field);
    if (!e)
        return WAOT_ERROR_NOMEM;
    if (definition->global)
        waot_rt_global_retain(definition->global);
    if (definition->memory)
        waot_rt_memory_retain(definition->memory);
    if (definition->table)
        waot_rt_table_retain(definition->table);
    e->definition = *definition;
    return WAOT_OK;
}
