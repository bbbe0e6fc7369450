/*
 * What a loaded module imports and exports, with their types (waot.h's
 * waot_module_import*, waot_module_export*, like the JS API's
 * WebAssembly.Module.imports and exports), loading a precompiled module
 * from bytes in memory, and the names of the status codes.  Everything here
 * only reads the module's immutable descriptor, so any thread may call it.
 */
#include "waot.h"

#include "error_internal.h"
#include "module_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *waot_status_name(waot_status status)
{
    switch (status) {
    case WAOT_OK: return "ok";
    case WAOT_ERROR_LOAD: return "load error";
    case WAOT_ERROR_LINK: return "link error";
    case WAOT_ERROR_TRAP: return "trap";
    case WAOT_ERROR_NOT_FOUND: return "not found";
    case WAOT_ERROR_ARGUMENT: return "bad argument";
    case WAOT_ERROR_NOMEM: return "out of memory";
    case WAOT_ERROR_EXIT: return "exit";
    case WAOT_ERROR_WASI: return "wasi error";
    }
    return "unknown status";
}

/* The type of item `index` of kind `kind` in the module's index spaces. */
static waot_extern_type module_info_type(const waot_abi_module *d, uint32_t kind, uint32_t index)
{
    waot_extern_type type = {.kind = kind};
    switch (kind) {
    case WAOT_ABI_EXTERN_FUNC:
        type.func = &d->types[d->funcs[index].type_index];
        break;
    case WAOT_ABI_EXTERN_TABLE:
        type.table.elem_type = d->tables[index].elem_type;
        type.table.limits = d->tables[index].limits;
        break;
    case WAOT_ABI_EXTERN_MEMORY:
        type.memory = d->memories[index].limits;
        break;
    case WAOT_ABI_EXTERN_GLOBAL:
        type.global.type = d->globals[index].type;
        type.global.is_mutable = d->globals[index].is_mutable != 0;
        break;
    }
    return type;
}

uint32_t waot_module_import_count(const waot_module *module)
{
    return module->descriptor->import_count;
}

uint32_t waot_module_export_count(const waot_module *module)
{
    return module->descriptor->export_count;
}

waot_status waot_module_import(const waot_module *module, uint32_t index, waot_import_info *out)
{
    const waot_abi_module *d = module->descriptor;
    if (index >= d->import_count)
        return WAOT_ERROR_NOT_FOUND;
    const waot_abi_import *imp = &d->imports[index];
    out->module = imp->module;
    out->field = imp->field;
    out->type = module_info_type(d, imp->kind, imp->index);
    return WAOT_OK;
}

waot_status waot_module_export(const waot_module *module, uint32_t index, waot_export_info *out)
{
    const waot_abi_module *d = module->descriptor;
    if (index >= d->export_count)
        return WAOT_ERROR_NOT_FOUND;
    const waot_abi_export *exp = &d->exports[index];
    out->name = exp->name;
    out->type = module_info_type(d, exp->kind, exp->index);
    return WAOT_OK;
}

waot_status waot_module_load_memory(const uint8_t *bytes, size_t size, waot_module **out,
                                    waot_error *err)
{
    int fd = memfd_create("waot-module", MFD_CLOEXEC);
    if (fd < 0)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "cannot create an anonymous file: %s",
                            strerror(errno));
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int error = errno;
            close(fd);
            return waot_rt_fail(err, WAOT_ERROR_NOMEM, "cannot write an anonymous file: %s",
                                strerror(error));
        }
        done += (size_t)n;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    /* The loaded object keeps its own mapping; the descriptor can go. */
    waot_status status = waot_module_load(path, out, err);
    close(fd);
    return status;
}
