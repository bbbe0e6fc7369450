/*
 * Validation of module descriptors (descriptor_check_internal.h).  The
 * compiler only writes valid descriptors, so every failure here means a
 * damaged file or a mismatched compiler; the checks are the ones the rest
 * of the runtime relies on, not a second wasm validator.
 */
#include "descriptor_check_internal.h"

#include "error_internal.h"

#include <stdlib.h>
#include <string.h>

#define CORRUPT(err, ...) waot_rt_fail(err, WAOT_ERROR_LOAD, "corrupt module descriptor: " __VA_ARGS__)

waot_status waot_rt_descriptor_check_header(const waot_abi_module *d, waot_error *err)
{
    if (d->magic != WAOT_ABI_MAGIC)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "not a waot precompiled module (descriptor magic 0x%08x, "
                            "expected 0x%08x)", d->magic, WAOT_ABI_MAGIC);
    if (d->abi_version != WAOT_ABI_VERSION)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "built for ABI %u, this runtime is %u",
                            d->abi_version, WAOT_ABI_VERSION);
    return WAOT_OK;
}

/* ---- extents: where the pointers of a loaded descriptor lead ---- */

typedef struct check_extents {
    const waot_rt_code_range *mapped;
    uint32_t mapped_count;
    const waot_rt_code_range *code;
    uint32_t code_count;
} check_extents;

/* The range of `ranges` holding the address `p`, or NULL. */
static const waot_rt_code_range *check_range_of(const waot_rt_code_range *ranges, uint32_t count,
                                                const void *p)
{
    uintptr_t at = (uintptr_t)p;
    for (uint32_t i = 0; i < count; i++) {
        if (at >= ranges[i].start && at < ranges[i].end)
            return &ranges[i];
    }
    return NULL;
}

/* `count` elements of `size` bytes at `p`, aligned to `align` and inside
 * one mapped segment.  An empty array is never read, whatever its pointer. */
static bool check_array(const check_extents *x, const void *p, uint64_t count, size_t size,
                        size_t align)
{
    if (count == 0)
        return true;
    const waot_rt_code_range *r = check_range_of(x->mapped, x->mapped_count, p);
    return r && (uintptr_t)p % align == 0 && count <= (r->end - (uintptr_t)p) / size;
}

/* An array of `count` elements of type `type` at `p`. */
#define CHECK_ARRAY(x, p, count, type) check_array(x, p, count, sizeof(type), _Alignof(type))

/* A NUL-terminated string inside one mapped segment, or NULL. */
static bool check_string(const check_extents *x, const char *s)
{
    if (!s)
        return true;
    const waot_rt_code_range *r = check_range_of(x->mapped, x->mapped_count, s);
    return r && memchr(s, '\0', r->end - (uintptr_t)s) != NULL;
}

/* Code inside an executable segment, or NULL (the structure check says
 * where NULL is allowed). */
static bool check_code(const check_extents *x, const void *p)
{
    return !p || check_range_of(x->code, x->code_count, p) != NULL;
}

static bool check_name(const check_extents *x, waot_abi_name name)
{
    return CHECK_ARRAY(x, name.bytes, name.len, char);
}

waot_status waot_rt_descriptor_check_extents(const waot_abi_module *d,
                                             const waot_rt_code_range *mapped,
                                             uint32_t mapped_count,
                                             const waot_rt_code_range *code, uint32_t code_count,
                                             waot_error *err)
{
    const check_extents x = {mapped, mapped_count, code, code_count};
    if (!check_string(&x, d->compiler_version) || !check_string(&x, d->target_triple) ||
        !check_string(&x, d->cpu_name) || !check_string(&x, d->cpu_features))
        return CORRUPT(err, "its version, target or CPU strings are outside the module");
    if (!CHECK_ARRAY(&x, d->types, d->type_count, waot_abi_functype) ||
        !CHECK_ARRAY(&x, d->imports, d->import_count, waot_abi_import) ||
        !CHECK_ARRAY(&x, d->funcs, d->func_count, waot_abi_func) ||
        !CHECK_ARRAY(&x, d->tables, d->table_count, waot_abi_table_type) ||
        !CHECK_ARRAY(&x, d->memories, d->memory_count, waot_abi_memory_type) ||
        !CHECK_ARRAY(&x, d->globals, d->global_count, waot_abi_global_type) ||
        !CHECK_ARRAY(&x, d->exports, d->export_count, waot_abi_export) ||
        !CHECK_ARRAY(&x, d->elems, d->elem_count, waot_abi_elem) ||
        !CHECK_ARRAY(&x, d->datas, d->data_count, waot_abi_data))
        return CORRUPT(err, "its tables of types, imports, functions, tables, memories, "
                            "globals, exports or segments lie outside the module or "
                            "off their alignment");
    for (uint32_t i = 0; i < d->type_count; i++) {
        const waot_abi_functype *t = &d->types[i];
        if (!CHECK_ARRAY(&x, t->types, (uint64_t)t->param_count + t->result_count, uint8_t) ||
            !check_code(&x, (const void *)t->trampoline) || !check_code(&x, t->host_adapter))
            return CORRUPT(err, "type %u points outside the module", i);
    }
    for (uint32_t i = 0; i < d->import_count; i++) {
        if (!check_name(&x, d->imports[i].module) || !check_name(&x, d->imports[i].field))
            return CORRUPT(err, "the names of import %u are outside the module", i);
    }
    for (uint32_t i = 0; i < d->func_count; i++) {
        if (!check_code(&x, d->funcs[i].code) || !check_string(&x, d->funcs[i].name))
            return CORRUPT(err, "function %u points outside the module", i);
    }
    for (uint32_t i = 0; i < d->export_count; i++) {
        if (!check_name(&x, d->exports[i].name))
            return CORRUPT(err, "the name of export %u is outside the module", i);
    }
    for (uint32_t i = 0; i < d->elem_count; i++) {
        if (!CHECK_ARRAY(&x, d->elems[i].items, d->elems[i].count, waot_abi_const))
            return CORRUPT(err, "the items of element segment %u lie outside the module or "
                                "off their alignment", i);
    }
    for (uint32_t i = 0; i < d->data_count; i++) {
        if (!CHECK_ARRAY(&x, d->datas[i].bytes, d->datas[i].size, uint8_t))
            return CORRUPT(err, "data segment %u is outside the module", i);
    }
    return WAOT_OK;
}

/* ---- structure ---- */

static bool check_value_type(uint32_t type)
{
    switch (type) {
    case WAOT_ABI_I32:
    case WAOT_ABI_I64:
    case WAOT_ABI_F32:
    case WAOT_ABI_F64:
    case WAOT_ABI_V128:
    case WAOT_ABI_FUNCREF:
    case WAOT_ABI_EXTERNREF:
        return true;
    default:
        return false;
    }
}

static bool check_ref_type(uint32_t type)
{
    return type == WAOT_ABI_FUNCREF || type == WAOT_ABI_EXTERNREF;
}

/* A constant expression that may read globals below `global_bound`. */
static bool check_const(const waot_abi_module *d, const waot_abi_const *c, uint32_t global_bound)
{
    if (!check_value_type(c->type))
        return false;
    switch (c->kind) {
    case WAOT_ABI_CONST_VALUE:
        return true;
    case WAOT_ABI_CONST_GLOBAL_GET:
        return c->index < global_bound && d->globals[c->index].type == c->type;
    case WAOT_ABI_CONST_REF_NULL:
        return check_ref_type(c->type);
    case WAOT_ABI_CONST_REF_FUNC:
        return c->type == WAOT_ABI_FUNCREF && c->index < d->func_count;
    default:
        return false;
    }
}

static bool check_limits(const waot_abi_limits *limits, uint64_t bound)
{
    if (limits->min > bound)
        return false;
    return !limits->has_max || (limits->max <= bound && limits->min <= limits->max);
}

static waot_status check_types(const waot_abi_module *d, waot_error *err)
{
    if (d->type_count && !d->types)
        return CORRUPT(err, "no types");
    for (uint32_t i = 0; i < d->type_count; i++) {
        const waot_abi_functype *t = &d->types[i];
        uint64_t n = (uint64_t)t->param_count + t->result_count;
        if (!t->trampoline || (n && !t->types))
            return CORRUPT(err, "type %u is incomplete", i);
        for (uint64_t k = 0; k < n; k++) {
            if (!check_value_type(t->types[k]))
                return CORRUPT(err, "type %u has value type 0x%02x", i, t->types[k]);
        }
    }
    return WAOT_OK;
}

/* Each item of a kind that is marked imported is bound by exactly one
 * import, and each import binds an item marked imported. */
static waot_status check_imports(const waot_abi_module *d, waot_error *err)
{
    if (d->import_count && !d->imports)
        return CORRUPT(err, "no imports");
    const uint32_t counts[4] = {d->func_count, d->table_count, d->memory_count, d->global_count};
    uint8_t *bound[4] = {0};
    waot_status status = WAOT_OK;
    for (int k = 0; k < 4; k++) {
        bound[k] = calloc(counts[k] ? counts[k] : 1, 1);
        if (!bound[k]) {
            status = waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory checking a descriptor");
            goto out;
        }
    }
    for (uint32_t i = 0; i < d->import_count; i++) {
        const waot_abi_import *imp = &d->imports[i];
        if (imp->kind > WAOT_ABI_EXTERN_GLOBAL || imp->index >= counts[imp->kind] ||
            bound[imp->kind][imp->index] || (imp->module.len && !imp->module.bytes) ||
            (imp->field.len && !imp->field.bytes)) {
            status = CORRUPT(err, "import %u is out of range", i);
            goto out;
        }
        bound[imp->kind][imp->index] = 1;
        /* A function import may be bound to a host function, which is
         * called through its type's adapter. */
        if (imp->kind == WAOT_ABI_EXTERN_FUNC && d->funcs[imp->index].type_index < d->type_count &&
            !d->types[d->funcs[imp->index].type_index].host_adapter) {
            status = CORRUPT(err, "import %u has no host adapter", i);
            goto out;
        }
    }
    for (uint32_t i = 0; i < d->func_count; i++) {
        if (!d->funcs[i].imported != !bound[WAOT_ABI_EXTERN_FUNC][i]) {
            status = CORRUPT(err, "function %u does not match the import list", i);
            goto out;
        }
    }
    for (uint32_t i = 0; i < d->table_count; i++) {
        if (!d->tables[i].imported != !bound[WAOT_ABI_EXTERN_TABLE][i]) {
            status = CORRUPT(err, "table %u does not match the import list", i);
            goto out;
        }
    }
    for (uint32_t i = 0; i < d->memory_count; i++) {
        if (!d->memories[i].imported != !bound[WAOT_ABI_EXTERN_MEMORY][i]) {
            status = CORRUPT(err, "memory %u does not match the import list", i);
            goto out;
        }
    }
    for (uint32_t i = 0; i < d->global_count; i++) {
        if (!d->globals[i].imported != !bound[WAOT_ABI_EXTERN_GLOBAL][i]) {
            status = CORRUPT(err, "global %u does not match the import list", i);
            goto out;
        }
    }
out:
    for (int k = 0; k < 4; k++)
        free(bound[k]);
    return status;
}

static waot_status check_definitions(const waot_abi_module *d, waot_error *err)
{
    if ((d->func_count && !d->funcs) || (d->table_count && !d->tables) ||
        (d->memory_count && !d->memories) || (d->global_count && !d->globals))
        return CORRUPT(err, "missing index space");
    for (uint32_t i = 0; i < d->func_count; i++) {
        if (d->funcs[i].type_index >= d->type_count || (!d->funcs[i].imported && !d->funcs[i].code))
            return CORRUPT(err, "function %u is incomplete", i);
    }
    for (uint32_t i = 0; i < d->table_count; i++) {
        if (!check_ref_type(d->tables[i].elem_type) || !check_limits(&d->tables[i].limits, UINT32_MAX))
            return CORRUPT(err, "table %u has an invalid type", i);
    }
    for (uint32_t i = 0; i < d->memory_count; i++) {
        if (!check_limits(&d->memories[i].limits, 65536))
            return CORRUPT(err, "memory %u has invalid limits", i);
    }
    for (uint32_t i = 0; i < d->global_count; i++) {
        const waot_abi_global_type *g = &d->globals[i];
        if (!check_value_type(g->type))
            return CORRUPT(err, "global %u has value type 0x%02x", i, g->type);
        if (!g->imported && (g->init.type != g->type || !check_const(d, &g->init, i)))
            return CORRUPT(err, "global %u has an invalid initializer", i);
    }
    return WAOT_OK;
}

static waot_status check_exports_and_start(const waot_abi_module *d, waot_error *err)
{
    if (d->export_count && !d->exports)
        return CORRUPT(err, "no exports");
    const uint32_t counts[4] = {d->func_count, d->table_count, d->memory_count, d->global_count};
    for (uint32_t i = 0; i < d->export_count; i++) {
        const waot_abi_export *e = &d->exports[i];
        if (e->kind > WAOT_ABI_EXTERN_GLOBAL || e->index >= counts[e->kind] ||
            (e->name.len && !e->name.bytes))
            return CORRUPT(err, "export %u is out of range", i);
    }
    if (d->start_func != WAOT_ABI_NO_START) {
        if (d->start_func >= d->func_count)
            return CORRUPT(err, "start function %u is out of range", d->start_func);
        const waot_abi_functype *t = &d->types[d->funcs[d->start_func].type_index];
        if (t->param_count || t->result_count)
            return CORRUPT(err, "start function %u takes or returns values", d->start_func);
    }
    return WAOT_OK;
}

static waot_status check_segments(const waot_abi_module *d, waot_error *err)
{
    if ((d->elem_count && !d->elems) || (d->data_count && !d->datas))
        return CORRUPT(err, "missing segments");
    for (uint32_t i = 0; i < d->elem_count; i++) {
        const waot_abi_elem *e = &d->elems[i];
        if (e->mode > WAOT_ABI_SEGMENT_DECLARATIVE || !check_ref_type(e->elem_type) ||
            (e->count && !e->items))
            return CORRUPT(err, "element segment %u is invalid", i);
        if (e->mode == WAOT_ABI_SEGMENT_ACTIVE &&
            (e->table_index >= d->table_count || e->offset.type != WAOT_ABI_I32 ||
             !check_const(d, &e->offset, d->global_count) ||
             d->tables[e->table_index].elem_type != e->elem_type))
            return CORRUPT(err, "element segment %u has an invalid offset or table", i);
        for (uint32_t k = 0; k < e->count; k++) {
            if (e->items[k].type != e->elem_type || !check_const(d, &e->items[k], d->global_count))
                return CORRUPT(err, "element segment %u item %u is invalid", i, k);
        }
    }
    for (uint32_t i = 0; i < d->data_count; i++) {
        const waot_abi_data *s = &d->datas[i];
        if (s->mode > WAOT_ABI_SEGMENT_PASSIVE || (s->size && !s->bytes))
            return CORRUPT(err, "data segment %u is invalid", i);
        if (s->mode == WAOT_ABI_SEGMENT_ACTIVE &&
            (s->memory_index >= d->memory_count || s->offset.type != WAOT_ABI_I32 ||
             !check_const(d, &s->offset, d->global_count)))
            return CORRUPT(err, "data segment %u has an invalid offset or memory", i);
    }
    return WAOT_OK;
}

waot_status waot_rt_descriptor_check_structure(const waot_abi_module *d, waot_error *err)
{
    waot_status status;
    if ((status = check_types(d, err)) != WAOT_OK ||
        (status = check_definitions(d, err)) != WAOT_OK ||
        (status = check_imports(d, err)) != WAOT_OK ||
        (status = check_exports_and_start(d, err)) != WAOT_OK ||
        (status = check_segments(d, err)) != WAOT_OK)
        return status;
    return WAOT_OK;
}
