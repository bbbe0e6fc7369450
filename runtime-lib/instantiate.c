/*
 * waot_instantiate, in the order of the WebAssembly 2.0 spec:
 *   1. resolve every import by module and field name and check its type
 *      (LinkError; nothing has happened yet when one fails);
 *   2. allocate the instance: bind the imports, create the module's own
 *      memories, tables and globals, and the function references;
 *   3. evaluate global initialisers, then element segment items;
 *   4. apply active element segments in order (and drop them; declarative
 *      ones are dropped at once), then active data segments;
 *   5. run the start function.
 * A trap in 4 or 5 fails the instantiation with WAOT_ERROR_TRAP but, as the
 * spec requires, what was already written into imported tables and
 * memories stays.  References to the failed instance's functions may then
 * live on in an imported table (or, after a start function, in an imported
 * global), so such an instance is never freed: it is kept on an orphan
 * list (reachable, so leak checkers stay quiet) for the life of the
 * process.  Otherwise a failed instance is freed at once.  A start
 * function that exits (WASI's proc_exit) fails the instantiation the same
 * way, with WAOT_ERROR_EXIT and its exit code.
 */
#include "waot.h"

#include "bulk_internal.h"
#include "config_internal.h"
#include "entry_internal.h"
#include "error_internal.h"
#include "import_match_internal.h"
#include "instance_internal.h"
#include "linker_internal.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

/* Compiled callers store their stack limit into whatever ctx they call,
 * context or closure alike (waot_abi.h). */
_Static_assert(offsetof(waot_abi_host_closure, stack_limit) ==
                   offsetof(waot_abi_context, stack_limit),
               "a host closure must take the stack limit where a context has it");

static pthread_mutex_t instantiate_orphans_lock = PTHREAD_MUTEX_INITIALIZER;
static waot_instance *instantiate_orphans;

static void instantiate_keep_forever(waot_instance *instance)
{
    pthread_mutex_lock(&instantiate_orphans_lock);
    instance->next_orphan = instantiate_orphans;
    instantiate_orphans = instance;
    pthread_mutex_unlock(&instantiate_orphans_lock);
}

static waot_status instantiate_resolve(const waot_linker *linker, const waot_module *module,
                                       waot_rt_extern *resolved, waot_error *err)
{
    const waot_abi_module *d = module->descriptor;
    for (uint32_t i = 0; i < d->import_count; i++) {
        const waot_abi_import *imp = &d->imports[i];
        char module_name[96], field_name[96];
        if (!linker || !waot_rt_linker_resolve(linker, &imp->module, &imp->field, &resolved[i]))
            return waot_rt_fail(
                err, WAOT_ERROR_LINK, "unknown import: %s %s",
                waot_rt_quote_name(module_name, sizeof module_name, imp->module.bytes, imp->module.len),
                waot_rt_quote_name(field_name, sizeof field_name, imp->field.bytes, imp->field.len));
        char why[160];
        if (!waot_rt_import_matches(module, imp, &resolved[i], why, sizeof why))
            return waot_rt_fail(
                err, WAOT_ERROR_LINK, "incompatible import type: %s %s: %s",
                waot_rt_quote_name(module_name, sizeof module_name, imp->module.bytes, imp->module.len),
                waot_rt_quote_name(field_name, sizeof field_name, imp->field.bytes, imp->field.len),
                why);
    }
    return WAOT_OK;
}

static void instantiate_bind_import(waot_instance *instance, const waot_abi_import *imp,
                                    const waot_rt_extern *ext)
{
    const waot_abi_module *d = instance->module->descriptor;
    switch (imp->kind) {
    case WAOT_ABI_EXTERN_FUNC: {
        uint32_t index = imp->index;
        uint32_t type_index = d->funcs[index].type_index;
        if (ext->is_host_definition) {
            waot_abi_host_closure *closure = &instance->closures[index];
            closure->fn = waot_rt_host_shim;
            closure->target = ext->host_fn;
            closure->user = ext->host_user;
            closure->caller = &instance->ctx;
            instance->funcs[index] = (waot_abi_funcref){
                .type_id = instance->module->type_ids[type_index],
                .code = d->types[type_index].host_adapter,
                .ctx = closure,
            };
            instance->func_is_host[index] = true;
        } else {
            instance->funcs[index] = ext->funcref;
            instance->func_is_host[index] = ext->is_host;
            waot_rt_instance_retain(ext->owner);
            instance->exporters[instance->exporter_count++] = ext->owner;
        }
        break;
    }
    case WAOT_ABI_EXTERN_TABLE:
        waot_rt_table_retain(ext->table);
        instance->tables[imp->index] = &ext->table->abi;
        break;
    case WAOT_ABI_EXTERN_MEMORY:
        waot_rt_memory_retain(ext->memory);
        instance->memories[imp->index] = &ext->memory->abi;
        break;
    case WAOT_ABI_EXTERN_GLOBAL:
        waot_rt_global_retain(ext->global);
        instance->globals[imp->index] = &ext->global->cell;
        break;
    }
}

/* The module's own memories, tables and globals (zeroed; initialisers come
 * later) and function references. */
static waot_status instantiate_create(waot_instance *instance, waot_error *err)
{
    const waot_abi_module *d = instance->module->descriptor;
    for (uint32_t i = 0; i < d->memory_count; i++) {
        const waot_abi_memory_type *m = &d->memories[i];
        if (m->imported)
            continue;
        waot_rt_memory *memory;
        waot_status status = waot_rt_memory_new(m->limits.min, m->limits.max, m->limits.has_max,
                                                &memory, err);
        if (status != WAOT_OK)
            return status;
        instance->memories[i] = &memory->abi;
        uint64_t image_bytes;
        int image = i == 0 ? waot_rt_memory_image_for(&instance->module->image, d, &image_bytes)
                           : -1;
        if (image >= 0 &&
            !waot_rt_memory_map_image(memory, image, image_bytes, &instance->memory0_imaged))
            return waot_rt_fail(err, WAOT_ERROR_NOMEM, "cannot map the initial memory image");
    }
    for (uint32_t i = 0; i < d->table_count; i++) {
        const waot_abi_table_type *t = &d->tables[i];
        if (t->imported)
            continue;
        waot_rt_table *table;
        waot_status status = waot_rt_table_new(t->elem_type, (uint32_t)t->limits.min,
                                               (uint32_t)t->limits.max, t->limits.has_max,
                                               &table, err);
        if (status != WAOT_OK)
            return status;
        instance->tables[i] = &table->abi;
    }
    for (uint32_t i = 0; i < d->global_count; i++) {
        const waot_abi_global_type *g = &d->globals[i];
        if (g->imported)
            continue;
        if (instance->module->global_private[i]) {
            instance->globals[i] = &instance->ctx.private_globals[i];
            continue;
        }
        waot_rt_global *global = waot_rt_global_new(g->type, g->is_mutable);
        if (!global)
            return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory allocating globals");
        instance->globals[i] = &global->cell;
    }
    for (uint32_t i = 0; i < d->func_count; i++) {
        const waot_abi_func *f = &d->funcs[i];
        if (f->imported)
            continue;
        instance->funcs[i] = (waot_abi_funcref){
            .type_id = instance->module->type_ids[f->type_index],
            .code = f->code,
            .ctx = &instance->ctx,
        };
    }
    instance->ctx.runtime = &waot_rt_runtime;
    instance->ctx.memory0_base = d->memory_count ? instance->memories[0]->base : NULL;
    instance->ctx.table0_elements = d->table_count ? instance->tables[0]->elements : NULL;
    return WAOT_OK;
}

static waot_abi_value instantiate_eval(waot_instance *instance, const waot_abi_const *c)
{
    waot_abi_value value = {0};
    switch (c->kind) {
    case WAOT_ABI_CONST_VALUE:
        value = c->value;
        break;
    case WAOT_ABI_CONST_GLOBAL_GET:
        value = *instance->globals[c->index];
        break;
    case WAOT_ABI_CONST_REF_NULL:
        break;
    case WAOT_ABI_CONST_REF_FUNC:
        value.ref = &instance->funcs[c->index];
        break;
    }
    return value;
}

static waot_status instantiate_initializers(waot_instance *instance, waot_error *err)
{
    const waot_abi_module *d = instance->module->descriptor;
    for (uint32_t i = 0; i < d->global_count; i++) {
        if (!d->globals[i].imported)
            *instance->globals[i] = instantiate_eval(instance, &d->globals[i].init);
    }
    for (uint32_t i = 0; i < d->elem_count; i++) {
        const waot_abi_elem *e = &d->elems[i];
        void **refs = calloc(e->count ? e->count : 1, sizeof *refs);
        if (!refs)
            return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory evaluating segments");
        for (uint32_t k = 0; k < e->count; k++)
            refs[k] = instantiate_eval(instance, &e->items[k]).ref;
        instance->elem_refs[i] = refs;
        instance->elem_sizes[i] = e->count;
    }
    return WAOT_OK;
}

/* Applies the active segments; *escaped is set once a reference of this
 * instance has been written where it outlives a failed instantiation. */
static waot_abi_trap instantiate_segments(waot_instance *instance, bool *escaped)
{
    const waot_abi_module *d = instance->module->descriptor;
    for (uint32_t i = 0; i < d->elem_count; i++) {
        const waot_abi_elem *e = &d->elems[i];
        if (e->mode == WAOT_ABI_SEGMENT_ACTIVE) {
            uint32_t offset = (uint32_t)instantiate_eval(instance, &e->offset).i32;
            waot_abi_trap trap = waot_rt_bulk_table_init(instance, e->table_index, i, offset, 0,
                                                         e->count);
            if (trap != WAOT_TRAP_NONE)
                return trap;
            if (e->count && d->tables[e->table_index].imported)
                *escaped = true;
        }
        if (e->mode != WAOT_ABI_SEGMENT_PASSIVE)
            waot_rt_bulk_elem_drop(instance, i);
    }
    for (uint32_t i = 0; i < d->data_count; i++) {
        const waot_abi_data *s = &d->datas[i];
        if (s->mode != WAOT_ABI_SEGMENT_ACTIVE)
            continue;
        /* An image holds every active segment, and none of them traps. */
        if (instance->memory0_imaged) {
            instance->data_dropped[i] = true;
            continue;
        }
        uint32_t offset = (uint32_t)instantiate_eval(instance, &s->offset).i32;
        waot_abi_trap trap = waot_rt_bulk_memory_init(instance, s->memory_index, i, offset, 0,
                                                      s->size);
        if (trap != WAOT_TRAP_NONE)
            return trap;
        instance->data_dropped[i] = true;
    }
    return WAOT_TRAP_NONE;
}

static waot_abi_trap instantiate_start(waot_instance *instance, bool *escaped)
{
    const waot_abi_module *d = instance->module->descriptor;
    if (d->start_func == WAOT_ABI_NO_START)
        return WAOT_TRAP_NONE;
    uint32_t start = d->start_func;
    const waot_abi_functype *type = &d->types[d->funcs[start].type_index];
    waot_value none[1];
    *escaped = true;
    /* No host has the instance yet to set a deadline on: the configured one
     * covers the start function, for code that can be interrupted. */
    uint64_t timeout = waot_rt_config_start_timeout_ns();
    bool timed = timeout && waot_instance_set_deadline(instance, timeout) == WAOT_OK;
    waot_abi_trap trap = waot_rt_call_guarded(&instance->ctx, &instance->funcs[start],
                                              instance->func_is_host[start], type->trampoline,
                                              none, none);
    if (timed)
        waot_instance_set_deadline(instance, 0);
    return trap;
}

waot_status waot_instantiate(waot_linker *linker, waot_module *module, waot_instance **out,
                             waot_error *err)
{
    const waot_abi_module *d = module->descriptor;
    waot_rt_extern *resolved = calloc(d->import_count + 1, sizeof *resolved);
    if (!resolved)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory resolving imports");
    waot_status status = instantiate_resolve(linker, module, resolved, err);
    waot_instance *instance = NULL;
    if (status == WAOT_OK)
        status = waot_rt_instance_alloc(module, &instance, err);
    if (status == WAOT_OK) {
        for (uint32_t i = 0; i < d->import_count; i++)
            instantiate_bind_import(instance, &d->imports[i], &resolved[i]);
        status = instantiate_create(instance, err);
    }
    free(resolved);
    if (status == WAOT_OK)
        status = instantiate_initializers(instance, err);
    if (status != WAOT_OK) {
        waot_rt_instance_release(instance);
        return status;
    }

    bool escaped = false;
    waot_abi_trap trap = instantiate_segments(instance, &escaped);
    if (trap == WAOT_TRAP_NONE)
        trap = instantiate_start(instance, &escaped);
    if (trap != WAOT_TRAP_NONE) {
        if (escaped)
            instantiate_keep_forever(instance);
        else
            waot_rt_instance_release(instance);
        return waot_rt_fail_trap(err, trap);
    }
    waot_rt_error_clear(err);
    *out = instance;
    return WAOT_OK;
}
