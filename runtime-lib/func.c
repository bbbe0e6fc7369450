/*
 * Function handles (waot.h's waot_func_*): an exported function looked up
 * once by name, then called any number of times without the name lookup
 * waot_call does on every call.  A handle holds a reference on its
 * instance, so it stays callable after waot_instance_free until
 * waot_func_free.  Calls go through waot_rt_call_guarded like waot_call's.
 */
#include "waot.h"

#include "entry_internal.h"
#include "error_internal.h"
#include "instance_internal.h"

#include <stdlib.h>
#include <string.h>

/* Everything a call needs is resolved here once, so waot_func_call loads
 * nothing through the instance. */
struct waot_func {
    waot_instance *instance;          /* retained */
    const waot_abi_functype *type;    /* in the module's descriptor */
    const waot_abi_funcref *callee;   /* the instance's entry for the function */
    bool callee_is_host;
};

waot_status waot_instance_func(waot_instance *instance, const char *name, waot_func **out)
{
    uint32_t index;
    if (!waot_rt_instance_find_export(instance, name, strlen(name), WAOT_ABI_EXTERN_FUNC, &index))
        return WAOT_ERROR_NOT_FOUND;
    waot_func *func = malloc(sizeof *func);
    if (!func)
        return WAOT_ERROR_NOMEM;
    const waot_abi_module *d = instance->module->descriptor;
    waot_rt_instance_retain(instance);
    *func = (waot_func){.instance = instance,
                        .type = &d->types[d->funcs[index].type_index],
                        .callee = &instance->funcs[index],
                        .callee_is_host = instance->func_is_host[index]};
    *out = func;
    return WAOT_OK;
}

void waot_func_free(waot_func *func)
{
    if (!func)
        return;
    waot_rt_instance_release(func->instance);
    free(func);
}

const waot_abi_functype *waot_func_functype(const waot_func *func)
{
    return func->type;
}

/* Out of line, so the call's path keeps few values live across the entry
 * sequence, which clobbers every register. */
__attribute__((noinline, cold)) static waot_status
func_call_mismatch(const waot_abi_functype *type, const waot_value *args, size_t arg_count,
                   size_t result_count, waot_error *err)
{
    if (arg_count != type->param_count || result_count != type->result_count)
        return waot_rt_fail(err, WAOT_ERROR_ARGUMENT,
                            "the function takes %u arguments and returns %u results, "
                            "%zu and %zu given",
                            type->param_count, type->result_count, arg_count, result_count);
    for (size_t i = 0;; i++)
        if (args[i].type != type->types[i])
            return waot_rt_fail(err, WAOT_ERROR_ARGUMENT,
                                "argument %zu has type 0x%02x, expected 0x%02x", i, args[i].type,
                                type->types[i]);
}

waot_status waot_func_call(waot_func *func, const waot_value *args, size_t arg_count,
                           waot_value *results, size_t result_count, waot_error *err)
{
    const waot_abi_functype *type = func->type;
    if (__builtin_expect(arg_count != type->param_count || result_count != type->result_count, 0))
        return func_call_mismatch(type, args, arg_count, result_count, err);
    for (size_t i = 0; i < arg_count; i++)
        if (__builtin_expect(args[i].type != type->types[i], 0))
            return func_call_mismatch(type, args, arg_count, result_count, err);
    /* The trampoline writes only the values, and the types are known now:
     * writing them first leaves less to keep across the call. */
    for (size_t i = 0; i < result_count; i++)
        results[i].type = type->types[arg_count + i];
    waot_abi_trap trap = waot_rt_call_guarded(&func->instance->ctx, func->callee,
                                              func->callee_is_host, type->trampoline, args,
                                              results);
    if (__builtin_expect(trap != WAOT_TRAP_NONE, 0))
        return waot_rt_fail_trap(err, trap);
    waot_rt_error_clear(err);
    return WAOT_OK;
}
