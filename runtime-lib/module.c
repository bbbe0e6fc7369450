/*
 * Module records (module_internal.h): making one of a checked descriptor,
 * reference counting, and what freeing one releases (its code ranges and
 * the shared object they live in).  Loading from a file is module_load.c.
 */
#include "module_internal.h"

#include "address_ranges_internal.h"
#include "descriptor_check_internal.h"
#include "error_internal.h"
#include "types_internal.h"

#include <dlfcn.h>
#include <stdlib.h>

static void module_unmap(void *library, waot_rt_code_range *ranges, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        waot_rt_range_remove(&waot_rt_code_ranges, ranges[i].start, ranges[i].end);
    free(ranges);
    if (library)
        dlclose(library);
}

waot_status waot_rt_module_new(const waot_abi_module *descriptor, void *library,
                               waot_rt_code_range *code_ranges, uint32_t code_range_count,
                               waot_module **out, waot_error *err)
{
    waot_module *module = calloc(1, sizeof *module);
    uint32_t *type_ids = calloc(descriptor->type_count ? descriptor->type_count : 1,
                                sizeof *type_ids);
    bool *global_private = calloc(descriptor->global_count ? descriptor->global_count : 1,
                                  sizeof *global_private);
    if (!module || !type_ids || !global_private)
        goto nomem;
    for (uint32_t i = 0; i < descriptor->global_count; i++)
        global_private[i] = !descriptor->globals[i].imported;
    for (uint32_t i = 0; i < descriptor->export_count; i++)
        if (descriptor->exports[i].kind == WAOT_ABI_EXTERN_GLOBAL)
            global_private[descriptor->exports[i].index] = false;
    for (uint32_t i = 0; i < descriptor->global_count; i++)
        if (global_private[i])
            module->private_global_cells = i + 1;
    for (uint32_t i = 0; i < descriptor->type_count; i++) {
        const waot_abi_functype *t = &descriptor->types[i];
        if (!waot_rt_type_intern(t->types, t->param_count, t->result_count, &type_ids[i]))
            goto nomem;
    }
    module->descriptor = descriptor;
    module->type_ids = type_ids;
    module->global_private = global_private;
    module->image = (waot_rt_memory_image)WAOT_RT_MEMORY_IMAGE_INIT;
    module->library = library;
    module->code_ranges = code_ranges;
    module->code_range_count = code_range_count;
    atomic_init(&module->refs, 1);
    *out = module;
    return WAOT_OK;
nomem:
    free(module);
    free(type_ids);
    free(global_private);
    module_unmap(library, code_ranges, code_range_count);
    return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory creating a module");
}

waot_status waot_module_from_descriptor(const waot_abi_module *descriptor, waot_module **out,
                                        waot_error *err)
{
    waot_status status = waot_rt_descriptor_check_header(descriptor, err);
    if (status == WAOT_OK)
        status = waot_rt_descriptor_check_structure(descriptor, err);
    if (status == WAOT_OK)
        status = waot_rt_module_new(descriptor, NULL, NULL, 0, out, err);
    return status;
}

void waot_rt_module_retain(waot_module *module)
{
    atomic_fetch_add_explicit(&module->refs, 1, memory_order_relaxed);
}

void waot_rt_module_release(waot_module *module)
{
    if (!module || atomic_fetch_sub_explicit(&module->refs, 1, memory_order_acq_rel) != 1)
        return;
    module_unmap(module->library, module->code_ranges, module->code_range_count);
    free(module->type_ids);
    free(module->global_private);
    waot_rt_memory_image_dispose(&module->image);
    free(module);
}

void waot_module_free(waot_module *module)
{
    waot_rt_module_release(module);
}

const waot_abi_module *waot_module_descriptor(const waot_module *module)
{
    return module->descriptor;
}

bool waot_rt_code_range_register(const void *start, const void *end)
{
    return waot_rt_range_add(&waot_rt_code_ranges, (uintptr_t)start, (uintptr_t)end);
}

void waot_rt_code_range_unregister(const void *start, const void *end)
{
    waot_rt_range_remove(&waot_rt_code_ranges, (uintptr_t)start, (uintptr_t)end);
}
