/*
 * Instance records (instance_internal.h): allocation, reference counting,
 * freeing, and the read-only queries of the API on an instance (exports,
 * waot_func_type, waot_global_get).  Filling an instance is instantiate.c.
 *
 * Memories, tables and globals are reference counted objects, so an
 * instance that imported one and the instance or linker that exported it
 * may be freed in any order.  Imported functions hold a reference on the
 * exporting instance, whose context their calls use.
 */
#include "instance_internal.h"

#include "config_internal.h"
#include "error_internal.h"
#include "interrupt_internal.h"

#include <stdlib.h>
#include <string.h>

/* Instance records allocated and not yet freed, for waot_config's cap. */
static atomic_uint instance_records_alive;

/* Counts one more instance record, unless the cap is reached. */
static bool instance_count_one_more(void)
{
    uint32_t cap = waot_rt_config_max_instances();
    unsigned alive = atomic_load_explicit(&instance_records_alive, memory_order_relaxed);
    do {
        if (cap && alive >= cap)
            return false;
    } while (!atomic_compare_exchange_weak_explicit(&instance_records_alive, &alive, alive + 1,
                                                    memory_order_relaxed,
                                                    memory_order_relaxed));
    return true;
}

waot_status waot_rt_instance_alloc(waot_module *module, waot_instance **out, waot_error *err)
{
    const waot_abi_module *d = module->descriptor;
    if (!instance_count_one_more())
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "the limit of %u live instances is reached",
                            waot_rt_config_max_instances());
    waot_instance *instance = calloc(1, sizeof *instance + (size_t)module->private_global_cells *
                                                               sizeof(waot_abi_global));
    if (!instance) {
        atomic_fetch_sub_explicit(&instance_records_alive, 1, memory_order_relaxed);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory allocating an instance");
    }
    atomic_init(&instance->refs, 1);
    waot_rt_module_retain(module);
    instance->module = module;
    /* One element more than needed, so that an empty index space is a
     * valid (and never read) array too. */
    instance->memories = calloc(d->memory_count + 1, sizeof *instance->memories);
    instance->tables = calloc(d->table_count + 1, sizeof *instance->tables);
    instance->globals = calloc(d->global_count + 1, sizeof *instance->globals);
    instance->funcs = calloc(d->func_count + 1, sizeof *instance->funcs);
    instance->func_is_host = calloc(d->func_count + 1, sizeof *instance->func_is_host);
    instance->closures = calloc(d->func_count + 1, sizeof *instance->closures);
    instance->exporters = calloc(d->import_count + 1, sizeof *instance->exporters);
    instance->elem_refs = calloc(d->elem_count + 1, sizeof *instance->elem_refs);
    instance->elem_sizes = calloc(d->elem_count + 1, sizeof *instance->elem_sizes);
    instance->data_dropped = calloc(d->data_count + 1, sizeof *instance->data_dropped);
    if (!instance->memories || !instance->tables || !instance->globals || !instance->funcs ||
        !instance->func_is_host || !instance->closures || !instance->exporters ||
        !instance->elem_refs || !instance->elem_sizes || !instance->data_dropped) {
        waot_rt_instance_release(instance);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory allocating an instance");
    }
    waot_abi_context *ctx = &instance->ctx;
    ctx->memories = instance->memories;
    ctx->tables = instance->tables;
    ctx->globals = instance->globals;
    ctx->funcs = instance->funcs;
    ctx->type_ids = module->type_ids;
    ctx->instance = instance;
    *out = instance;
    return WAOT_OK;
}

void waot_rt_instance_retain(waot_instance *instance)
{
    atomic_fetch_add_explicit(&instance->refs, 1, memory_order_relaxed);
}

void waot_rt_instance_release(waot_instance *instance)
{
    if (!instance || atomic_fetch_sub_explicit(&instance->refs, 1, memory_order_acq_rel) != 1)
        return;
    waot_rt_interrupt_forget(instance);
    const waot_abi_module *d = instance->module->descriptor;
    for (uint32_t i = 0; instance->memories && i < d->memory_count; i++) {
        if (instance->memories[i])
            waot_rt_memory_release(waot_rt_memory_of(instance->memories[i]));
    }
    for (uint32_t i = 0; instance->tables && i < d->table_count; i++) {
        if (instance->tables[i])
            waot_rt_table_release(waot_rt_table_of(instance->tables[i]));
    }
    for (uint32_t i = 0; instance->globals && i < d->global_count; i++) {
        if (instance->globals[i] && !instance->module->global_private[i])
            waot_rt_global_release(waot_rt_global_of(instance->globals[i]));
    }
    for (uint32_t i = 0; instance->exporters && i < instance->exporter_count; i++)
        waot_rt_instance_release(instance->exporters[i]);
    for (uint32_t i = 0; instance->elem_refs && i < d->elem_count; i++)
        free(instance->elem_refs[i]);
    free(instance->memories);
    free(instance->tables);
    free(instance->globals);
    free(instance->funcs);
    free(instance->func_is_host);
    free(instance->closures);
    free(instance->exporters);
    free(instance->elem_refs);
    free(instance->elem_sizes);
    free(instance->data_dropped);
    waot_rt_module_release(instance->module);
    free(instance);
    atomic_fetch_sub_explicit(&instance_records_alive, 1, memory_order_relaxed);
}

void waot_instance_free(waot_instance *instance)
{
    waot_rt_instance_release(instance);
}

bool waot_rt_instance_find_export(const waot_instance *instance, const char *name, size_t len,
                                  uint32_t kind, uint32_t *index)
{
    const waot_abi_module *d = instance->module->descriptor;
    for (uint32_t i = 0; i < d->export_count; i++) {
        const waot_abi_export *e = &d->exports[i];
        if (e->kind == kind && e->name.len == len && (len == 0 || !memcmp(e->name.bytes, name, len))) {
            *index = e->index;
            return true;
        }
    }
    return false;
}

bool waot_rt_instance_export_extern(waot_instance *instance, const char *name, size_t len,
                                    waot_rt_extern *out)
{
    const waot_abi_module *d = instance->module->descriptor;
    for (uint32_t i = 0; i < d->export_count; i++) {
        const waot_abi_export *e = &d->exports[i];
        if (e->name.len != len || (len && memcmp(e->name.bytes, name, len)))
            continue;
        *out = (waot_rt_extern){.kind = e->kind};
        switch (e->kind) {
        case WAOT_ABI_EXTERN_FUNC: {
            const waot_abi_functype *t = &d->types[d->funcs[e->index].type_index];
            out->funcref = instance->funcs[e->index];
            out->type_id = out->funcref.type_id;
            out->types = t->types;
            out->param_count = t->param_count;
            out->result_count = t->result_count;
            out->is_host = instance->func_is_host[e->index];
            out->owner = instance;
            break;
        }
        case WAOT_ABI_EXTERN_TABLE:
            out->table = waot_rt_table_of(instance->tables[e->index]);
            break;
        case WAOT_ABI_EXTERN_MEMORY:
            out->memory = waot_rt_memory_of(instance->memories[e->index]);
            break;
        case WAOT_ABI_EXTERN_GLOBAL:
            out->global = waot_rt_global_of(instance->globals[e->index]);
            break;
        }
        return true;
    }
    return false;
}

waot_status waot_func_type(const waot_instance *instance, const char *name,
                           const waot_abi_functype **type)
{
    return waot_func_type_n(instance, name, strlen(name), type);
}

waot_status waot_func_type_n(const waot_instance *instance, const char *name, size_t name_len,
                             const waot_abi_functype **type)
{
    uint32_t index;
    if (!waot_rt_instance_find_export(instance, name, name_len, WAOT_ABI_EXTERN_FUNC, &index))
        return WAOT_ERROR_NOT_FOUND;
    const waot_abi_module *d = instance->module->descriptor;
    *type = &d->types[d->funcs[index].type_index];
    return WAOT_OK;
}

waot_status waot_global_get(const waot_instance *instance, const char *name, waot_value *out)
{
    return waot_global_get_n(instance, name, strlen(name), out);
}

waot_status waot_global_get_n(const waot_instance *instance, const char *name, size_t name_len,
                              waot_value *out)
{
    uint32_t index;
    if (!waot_rt_instance_find_export(instance, name, name_len, WAOT_ABI_EXTERN_GLOBAL, &index))
        return WAOT_ERROR_NOT_FOUND;
    const waot_rt_global *global = waot_rt_global_of(instance->globals[index]);
    out->type = global->type;
    out->of = global->cell;
    return WAOT_OK;
}
