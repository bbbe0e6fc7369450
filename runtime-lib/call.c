/*
 * waot_call: calling an exported function by name with typed values.  The
 * values are checked against the function's type and the caller's arrays
 * go to its trampoline as they are; the call goes through
 * waot_rt_call_guarded, which turns a trap into WAOT_ERROR_TRAP and
 * an exit (WASI's proc_exit) into WAOT_ERROR_EXIT.
 */
#include "waot.h"

#include "entry_internal.h"
#include "error_internal.h"
#include "instance_internal.h"

#include <stdlib.h>
#include <string.h>

static waot_status call_check(const waot_abi_functype *type, const char *name,
                              const waot_value *args, size_t arg_count, size_t result_count,
                              waot_error *err)
{
    if (arg_count != type->param_count)
        return waot_rt_fail(err, WAOT_ERROR_ARGUMENT, "%s takes %u arguments, %zu given", name,
                            type->param_count, arg_count);
    if (result_count != type->result_count)
        return waot_rt_fail(err, WAOT_ERROR_ARGUMENT, "%s returns %u results, room for %zu given",
                            name, type->result_count, result_count);
    for (size_t i = 0; i < arg_count; i++) {
        if (args[i].type != type->types[i])
            return waot_rt_fail(err, WAOT_ERROR_ARGUMENT,
                                "argument %zu of %s has type 0x%02x, expected 0x%02x", i, name,
                                args[i].type, type->types[i]);
    }
    return WAOT_OK;
}

waot_status waot_call(waot_instance *instance, const char *name, const waot_value *args,
                      size_t arg_count, waot_value *results, size_t result_count,
                      waot_error *err)
{
    return waot_call_n(instance, name, strlen(name), args, arg_count, results, result_count, err);
}

waot_status waot_call_n(waot_instance *instance, const char *name, size_t name_len,
                        const waot_value *args, size_t arg_count, waot_value *results,
                        size_t result_count, waot_error *err)
{
    uint32_t index;
    if (!waot_rt_instance_find_export(instance, name, name_len, WAOT_ABI_EXTERN_FUNC, &index))
        return waot_rt_fail(err, WAOT_ERROR_NOT_FOUND, "no exported function %.*s",
                            (int)(name_len > 200 ? 200 : name_len), name);
    const waot_abi_module *d = instance->module->descriptor;
    const waot_abi_functype *type = &d->types[d->funcs[index].type_index];
    waot_status status = call_check(type, name, args, arg_count, result_count, err);
    if (status != WAOT_OK)
        return status;

    waot_abi_trap trap = waot_rt_call_guarded(&instance->ctx, &instance->funcs[index],
                                              instance->func_is_host[index], type->trampoline,
                                              args, results);
    if (trap != WAOT_TRAP_NONE)
        return waot_rt_fail_trap(err, trap);
    for (size_t i = 0; i < result_count; i++)
        results[i].type = type->types[arg_count + i];
    waot_rt_error_clear(err);
    return status;
}
