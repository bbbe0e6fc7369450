/*
 * fuzz_load_cwasm: damaged precompiled modules through the runtime's
 * loader (waot_module_load_memory): the ELF checks before dlopen, finding
 * the descriptor, and checking its ABI, target, CPU features and
 * structure; then the queries an embedder makes of a loaded module (its
 * imports and exports with their types).
 *
 * Inputs are guarded modules (cwasm_guard.h): the fuzzer damages anything
 * but what the dynamic loader trusts, and an input where that changed is
 * dropped before loading, so no code of a damaged file ever runs.  Nothing
 * is instantiated.  A loader that accepts a damaged module is not a
 * finding in itself (a changed string or count can still describe a
 * consistent module); crashing, reading outside what it owns, or refusing
 * without a one-line WAOT_ERROR_LOAD (or NOMEM) message is.
 */
#include "fuzz.h"

#include "cwasm_guard.h"
#include "waot.h"

#include <stdbool.h>

/* $WAOT_FUZZ_VERBOSE set: say what the loader answered, for triage. */
static bool fuzz_verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_verbose = getenv("WAOT_FUZZ_VERBOSE") != NULL;
    return 0;
}

/* The bytes a function type points at. */
static uint64_t fuzz_load_cwasm_type_sum(const waot_extern_type *type)
{
    uint64_t sum = 0;
    if (type->kind == WAOT_ABI_EXTERN_FUNC && type->func) {
        uint64_t n = (uint64_t)type->func->param_count + type->func->result_count;
        for (uint64_t k = 0; k < n; k++)
            sum += type->func->types[k];
    }
    return sum;
}

/* What an embedder reads of a module it loaded: every import and export
 * with its type, names included. */
static void fuzz_load_cwasm_query(const waot_module *module)
{
    uint64_t sum = 0;
    uint32_t imports = waot_module_import_count(module);
    for (uint32_t i = 0; i < imports; i++) {
        waot_import_info info;
        FUZZ_REQUIRE(waot_module_import(module, i, &info) == WAOT_OK, "import %u not found", i);
        for (uint32_t k = 0; k < info.module.len; k++)
            sum += (uint8_t)info.module.bytes[k];
        for (uint32_t k = 0; k < info.field.len; k++)
            sum += (uint8_t)info.field.bytes[k];
        sum += fuzz_load_cwasm_type_sum(&info.type);
    }
    uint32_t exports = waot_module_export_count(module);
    for (uint32_t i = 0; i < exports; i++) {
        waot_export_info info;
        FUZZ_REQUIRE(waot_module_export(module, i, &info) == WAOT_OK, "export %u not found", i);
        for (uint32_t k = 0; k < info.name.len; k++)
            sum += (uint8_t)info.name.bytes[k];
        sum += fuzz_load_cwasm_type_sum(&info.type);
    }
    /* Keeps the reads. */
    __asm__ volatile("" : : "r"(sum));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *cwasm;
    size_t cwasm_size;
    if (!cwasm_guard_open(data, size, &cwasm, &cwasm_size))
        return -1; /* not an input to keep: the loader's trusted parts changed */
    waot_module *module = NULL;
    waot_error err;
    waot_status status = waot_module_load_memory(cwasm, cwasm_size, &module, &err);
    if (fuzz_verbose)
        fprintf(stderr, "load: %s\n", status == WAOT_OK ? "ok" : err.message);
    if (status != WAOT_OK) {
        FUZZ_REQUIRE(status == WAOT_ERROR_LOAD || status == WAOT_ERROR_NOMEM,
                     "loading gave status %s: %s", waot_status_name(status), err.message);
        FUZZ_REQUIRE(fuzz_one_line(err.message), "the error message is not one line: \"%s\"",
                     err.message);
        return 0;
    }
    fuzz_load_cwasm_query(module);
    waot_module_free(module);
    return 0;
}
