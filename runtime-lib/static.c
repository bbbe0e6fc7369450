/*
 * Modules linked into a program as objects (waot_static.h): instantiating
 * one from its linked-in descriptor with the bindings its generated header
 * supplies, the trampoline path of generated wrappers, and the outcome of
 * the last call.  The guard entries themselves are in entry.c, beside the
 * thread state they touch.
 *
 * The program's compiled code is the linker-made section waot_code, shared
 * by every object linked in; it is registered with the fault handler once,
 * at the first instantiation, and stays registered for the process.
 */
#include "waot_static.h"

#include "entry_internal.h"
#include "error_internal.h"
#include "instance_internal.h"
#include "module_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The linker defines these for the section holding every compiled function. */
extern const char __start_waot_code[] __attribute__((weak));
extern const char __stop_waot_code[] __attribute__((weak));

static pthread_once_t static_code_once = PTHREAD_ONCE_INIT;
static bool static_code_registered;

static void static_register_code(void)
{
    if (__start_waot_code && (uintptr_t)__stop_waot_code > (uintptr_t)__start_waot_code)
        static_code_registered = waot_rt_code_range_register(__start_waot_code, __stop_waot_code);
    else
        static_code_registered = true; /* no code: nothing can fault in it */
}

/* A NUL-terminated copy of a descriptor name; NULL when out of memory. */
static char *static_name(waot_abi_name name)
{
    char *s = malloc((size_t)name.len + 1);
    if (s) {
        memcpy(s, name.bytes, name.len);
        s[name.len] = '\0';
    }
    return s;
}

static waot_status static_define(waot_linker *linker, const waot_abi_module *d,
                                 const waot_abi_import *imp, const waot_static_import *binding,
                                 waot_error *err)
{
    char *module = static_name(imp->module), *field = static_name(imp->field);
    waot_status status = WAOT_ERROR_NOMEM;
    if (!module || !field) {
        free(module);
        free(field);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory");
    }
    switch (imp->kind) {
    case WAOT_ABI_EXTERN_FUNC: {
        if (!binding || !binding->fn) {
            status = waot_rt_fail(err, WAOT_ERROR_LINK, "import %s.%s: no function given",
                                  module, field);
            break;
        }
        const waot_abi_functype *t = &d->types[d->funcs[imp->index].type_index];
        status = waot_linker_define_func(linker, module, field, t->types, t->param_count,
                                         t->types + t->param_count, t->result_count,
                                         binding->fn, binding->user);
        break;
    }
    case WAOT_ABI_EXTERN_GLOBAL: {
        const waot_abi_global_type *g = &d->globals[imp->index];
        waot_value value = {.type = g->type};
        if (binding)
            value.of = binding->value;
        status = waot_linker_define_global(linker, module, field, value, g->is_mutable != 0);
        break;
    }
    case WAOT_ABI_EXTERN_MEMORY: {
        const waot_abi_memory_type *m = &d->memories[imp->index];
        status = waot_linker_define_memory(linker, module, field, m->limits.min, m->limits.max,
                                           m->limits.has_max != 0);
        break;
    }
    case WAOT_ABI_EXTERN_TABLE: {
        const waot_abi_table_type *t = &d->tables[imp->index];
        status = waot_linker_define_table(linker, module, field, t->elem_type,
                                          (uint32_t)t->limits.min, (uint32_t)t->limits.max,
                                          t->limits.has_max != 0);
        break;
    }
    default:
        status = waot_rt_fail(err, WAOT_ERROR_LINK, "import %s.%s: unknown kind", module, field);
        break;
    }
    if (status != WAOT_OK && (!err || err->status != status))
        waot_rt_fail(err, status, "cannot define import %s.%s", module, field);
    free(module);
    free(field);
    return status;
}

waot_status waot_static_instantiate(const waot_abi_module *descriptor,
                                    const waot_static_import *imports, size_t import_count,
                                    waot_static_instance *out, waot_error *err)
{
    memset(out, 0, sizeof *out);
    pthread_once(&static_code_once, static_register_code);
    if (!static_code_registered)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "cannot register the program's wasm code");

    waot_module *module = NULL;
    waot_status status = waot_module_from_descriptor(descriptor, &module, err);
    if (status != WAOT_OK)
        return status;
    waot_linker *linker = NULL;
    if (descriptor->import_count) {
        status = waot_linker_new(&linker);
        if (status != WAOT_OK)
            status = waot_rt_fail(err, status, "out of memory");
        for (uint32_t i = 0; status == WAOT_OK && i < descriptor->import_count; i++) {
            const waot_static_import *binding = NULL;
            for (size_t j = 0; j < import_count; j++)
                if (imports[j].import_index == i)
                    binding = &imports[j];
            status = static_define(linker, descriptor, &descriptor->imports[i], binding, err);
        }
    }
    waot_instance *instance = NULL;
    if (status == WAOT_OK)
        status = waot_instantiate(linker, module, &instance, err);
    waot_linker_free(linker);
    waot_module_free(module); /* the instance holds its own reference */
    if (status != WAOT_OK)
        return status;
    out->instance = instance;
    out->ctx = &instance->ctx;
    out->status = WAOT_OK;
    waot_rt_error_clear(err);
    return WAOT_OK;
}

void waot_static_release(waot_static_instance *instance)
{
    if (!instance || !instance->instance)
        return;
    waot_instance_free(instance->instance);
    instance->instance = NULL;
    instance->ctx = NULL;
}

void waot_static_call(waot_static_instance *owner, uint32_t func_index, const waot_value *args,
                      waot_value *results)
{
    waot_instance *instance = owner->instance;
    const waot_abi_module *d = instance->module->descriptor;
    const waot_abi_functype *type = &d->types[d->funcs[func_index].type_index];
    waot_abi_trap trap = waot_rt_call_guarded(&instance->ctx, &instance->funcs[func_index],
                                              instance->func_is_host[func_index],
                                              type->trampoline, args, results);
    if (trap == WAOT_TRAP_NONE)
        owner->status = WAOT_OK;
    else
        owner->status = waot_rt_fail_trap(&owner->error, trap);
}

waot_status waot_static_last_status(const waot_static_instance *instance, waot_error *err)
{
    if (err) {
        if (instance->status == WAOT_OK)
            waot_rt_error_clear(err);
        else
            *err = instance->error;
    }
    return instance->status;
}

WAOT_RT_TRAP_PATH void waot_static_host_trap(void)
{
    waot_rt_unwind_host(WAOT_TRAP_HOST);
}
