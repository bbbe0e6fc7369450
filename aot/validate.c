/*
 * Module-level validation, and the driver that validates every function.
 *
 * The rules here are the ones about the module as a whole: every index names
 * something that exists, limits are in range, constant expressions are
 * constant and of the right type, export names are unique, the start
 * function has type [] -> [], segments fit their tables and memories, and
 * ref.func names only functions declared outside function bodies.
 *
 * The spec decodes a whole module before validating any of it, so a
 * malformed function body must win over an invalid anything.  We decode
 * bodies while validating them (one pass instead of two); once something is
 * invalid, the remaining bodies are only skimmed for malformed encodings,
 * and the invalid error is reported only if none is found.
 */
#include "aot.h"

#include "instr.h"
#include "validate_func.h"

#include <stdlib.h>
#include <string.h>

/* Pages of 64 KiB a 32-bit memory may have: 4 GiB. */
#define VALIDATE_MAX_PAGES 65536u

typedef struct validator {
    const aot_module *m;
    aot_error *err;
    uint8_t *declared_refs; /* one byte per function; see validate_func.h */
} validator;

static bool validate_fail(validator *v, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool validate_fail(validator *v, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    aot_vfail(v->err, AOT_ERR_INVALID, offset, fmt, ap);
    va_end(ap);
    return false;
}

static bool validate_limits(validator *v, const aot_limits *l, uint64_t bound, bool is_memory,
                            size_t offset)
{
    if (is_memory && (l->min > bound || (l->has_max && l->max > bound)))
        return validate_fail(v, offset, "memory size must be at most %u pages (4GiB)",
                             VALIDATE_MAX_PAGES);
    if (l->has_max && l->min > l->max)
        return validate_fail(v, offset,
                             "size minimum must not be greater than maximum (%llu > %llu)",
                             (unsigned long long)l->min, (unsigned long long)l->max);
    return true;
}

/*
 * A constant expression: one constant, ref.null, ref.func, or global.get of
 * an imported immutable global (WebAssembly 2.0), leaving exactly one value
 * of type `expect`.
 */
static bool validate_const_expr(validator *v, const aot_const_expr *e, aot_valtype expect)
{
    const aot_module *m = v->m;
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader r = {.p = e->start, .end = e->end, .base = m->bytes, .err = &ignored};
    aot_valtype stack[8];
    unsigned depth = 0;
    for (;;) {
        aot_instr in;
        aot_read_instr(&r, &in); /* decoded before, cannot fail */
        aot_valtype t;
        switch (in.op) {
        case AOT_OP_END:
            if (depth != 1 || (stack[0] != expect))
                return validate_fail(v, in.offset,
                                     "type mismatch (constant expression must produce one %s)",
                                     aot_valtype_name(expect));
            return true;
        case AOT_OP_I32_CONST: t = AOT_VT_I32; break;
        case AOT_OP_I64_CONST: t = AOT_VT_I64; break;
        case AOT_OP_F32_CONST: t = AOT_VT_F32; break;
        case AOT_OP_F64_CONST: t = AOT_VT_F64; break;
        case AOT_OP_V128_CONST: t = AOT_VT_V128; break;
        case AOT_OP_REF_NULL: t = in.imm.reftype; break;
        case AOT_OP_REF_FUNC:
            if (in.imm.index >= m->func_count)
                return validate_fail(v, in.offset, "unknown function %u", in.imm.index);
            t = AOT_VT_FUNCREF;
            break;
        case AOT_OP_GLOBAL_GET:
            if (in.imm.index >= m->imported_global_count)
                return validate_fail(v, in.offset,
                                     "unknown global %u (constant expressions may read only "
                                     "imported globals)", in.imm.index);
            if (m->globals[in.imm.index].type.is_mutable)
                return validate_fail(v, in.offset,
                                     "constant expression required (global %u is mutable)",
                                     in.imm.index);
            t = m->globals[in.imm.index].type.type;
            break;
        default:
            return validate_fail(v, in.offset, "constant expression required (%s is not constant)",
                                 aot_opcode_infos[in.op].text);
        }
        if (depth == sizeof stack / sizeof stack[0])
            return validate_fail(v, in.offset, "type mismatch (constant expression too long)");
        stack[depth++] = t;
    }
}

static bool validate_imports(validator *v)
{
    const aot_module *m = v->m;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *im = &m->imports[i];
        switch (im->kind) {
        case AOT_EXTERN_FUNC:
            if (im->desc.type_index >= m->type_count)
                return validate_fail(v, im->offset, "unknown type %u", im->desc.type_index);
            break;
        case AOT_EXTERN_TABLE:
            if (!validate_limits(v, &im->desc.table.limits, UINT32_MAX, false, im->offset))
                return false;
            break;
        case AOT_EXTERN_MEMORY:
            if (!validate_limits(v, &im->desc.memory.limits, VALIDATE_MAX_PAGES, true, im->offset))
                return false;
            break;
        case AOT_EXTERN_GLOBAL:
            break;
        }
    }
    return true;
}

static size_t validate_section_offset(const validator *v, int id)
{
    for (uint32_t i = 0; i < v->m->section_count; i++)
        if (v->m->sections[i].id == id)
            return v->m->sections[i].content_offset;
    return 0;
}

static bool validate_definitions(validator *v)
{
    const aot_module *m = v->m;
    size_t at = validate_section_offset(v, AOT_SECTION_FUNCTION);
    for (uint32_t i = m->imported_func_count; i < m->func_count; i++)
        if (m->funcs[i].type_index >= m->type_count)
            return validate_fail(v, at, "unknown type %u (function %u)", m->funcs[i].type_index, i);
    at = validate_section_offset(v, AOT_SECTION_TABLE);
    for (uint32_t i = m->imported_table_count; i < m->table_count; i++)
        if (!validate_limits(v, &m->tables[i].type.limits, UINT32_MAX, false, at))
            return false;
    at = validate_section_offset(v, AOT_SECTION_MEMORY);
    if (m->memory_count > 1)
        return validate_fail(v, at, "multiple memories (%u; WebAssembly 2.0 allows one)",
                             m->memory_count);
    for (uint32_t i = m->imported_memory_count; i < m->memory_count; i++)
        if (!validate_limits(v, &m->memories[i].type.limits, VALIDATE_MAX_PAGES, true, at))
            return false;
    for (uint32_t i = m->imported_global_count; i < m->global_count; i++)
        if (!validate_const_expr(v, &m->globals[i].init, m->globals[i].type.type))
            return false;
    return true;
}

static int validate_compare_names(const void *a, const void *b)
{
    const aot_export *x = *(const aot_export *const *)a, *y = *(const aot_export *const *)b;
    uint32_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
    int c = memcmp(x->name.bytes, y->name.bytes, n);
    if (c)
        return c;
    return (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

static bool validate_exports(validator *v)
{
    const aot_module *m = v->m;
    for (uint32_t i = 0; i < m->export_count; i++) {
        const aot_export *ex = &m->exports[i];
        static const char *const unknown[] = {"unknown function", "unknown table",
                                              "unknown memory", "unknown global"};
        const uint32_t counts[] = {m->func_count, m->table_count, m->memory_count, m->global_count};
        if (ex->index >= counts[ex->kind])
            return validate_fail(v, ex->offset, "%s %u", unknown[ex->kind], ex->index);
    }
    if (m->export_count < 2)
        return true;
    /* Sort pointers, so the error can name the later of the two exports. */
    const aot_export **sorted = malloc(sizeof *sorted * m->export_count);
    if (!sorted)
        return aot_fail(v->err, AOT_ERR_NOMEM, 0, "out of memory");
    for (uint32_t i = 0; i < m->export_count; i++)
        sorted[i] = &m->exports[i];
    qsort(sorted, m->export_count, sizeof *sorted, validate_compare_names);
    bool ok = true;
    for (uint32_t i = 1; ok && i < m->export_count; i++) {
        if (validate_compare_names(&sorted[i - 1], &sorted[i]) == 0) {
            const aot_export *later = sorted[i]->offset > sorted[i - 1]->offset ? sorted[i] : sorted[i - 1];
            ok = validate_fail(v, later->offset, "duplicate export name \"%.*s\"",
                               (int)(later->name.len > 64 ? 64 : later->name.len),
                               (const char *)later->name.bytes);
        }
    }
    free(sorted);
    return ok;
}

static bool validate_start(validator *v)
{
    const aot_module *m = v->m;
    if (!m->has_start)
        return true;
    size_t at = validate_section_offset(v, AOT_SECTION_START);
    if (m->start_index >= m->func_count)
        return validate_fail(v, at, "unknown function %u", m->start_index);
    const aot_functype *t = aot_module_func_type(m, m->start_index);
    if (t->param_count || t->result_count)
        return validate_fail(v, at, "start function %u must have type [] -> []", m->start_index);
    return true;
}

static bool validate_elems(validator *v)
{
    const aot_module *m = v->m;
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const aot_elem *el = &m->elems[i];
        if (el->mode == AOT_SEGMENT_ACTIVE) {
            if (el->table_index >= m->table_count)
                return validate_fail(v, el->file_offset, "unknown table %u", el->table_index);
            if (!validate_const_expr(v, &el->offset, AOT_VT_I32))
                return false;
            aot_valtype table_type = m->tables[el->table_index].type.elem_type;
            if (table_type != el->type)
                return validate_fail(v, el->file_offset,
                                     "type mismatch (%s elements for a %s table)",
                                     aot_valtype_name(el->type), aot_valtype_name(table_type));
        }
        for (uint32_t k = 0; k < el->count; k++) {
            if (el->exprs) {
                if (!validate_const_expr(v, &el->exprs[k], el->type))
                    return false;
            } else if (el->func_indices[k] >= m->func_count) {
                return validate_fail(v, el->file_offset, "unknown function %u",
                                     el->func_indices[k]);
            }
        }
    }
    return true;
}

static bool validate_datas(validator *v)
{
    const aot_module *m = v->m;
    for (uint32_t i = 0; i < m->data_count; i++) {
        const aot_data *d = &m->datas[i];
        if (d->mode != AOT_SEGMENT_ACTIVE)
            continue;
        if (d->memory_index >= m->memory_count)
            return validate_fail(v, d->file_offset, "unknown memory %u", d->memory_index);
        if (!validate_const_expr(v, &d->offset, AOT_VT_I32))
            return false;
    }
    return true;
}

/* Marks the functions a ref.func in a const expression names. */
static void validate_declare_expr_refs(validator *v, const aot_const_expr *e)
{
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader r = {.p = e->start, .end = e->end, .base = v->m->bytes, .err = &ignored};
    aot_instr in;
    while (r.p < r.end && aot_read_instr(&r, &in))
        if (in.op == AOT_OP_REF_FUNC && in.imm.index < v->m->func_count)
            v->declared_refs[in.imm.index] = 1;
}

/* C.refs of the spec: functions named outside function bodies. */
static bool validate_collect_refs(validator *v)
{
    const aot_module *m = v->m;
    v->declared_refs = calloc(m->func_count ? m->func_count : 1, 1);
    if (!v->declared_refs)
        return aot_fail(v->err, AOT_ERR_NOMEM, 0, "out of memory");
    for (uint32_t i = m->imported_global_count; i < m->global_count; i++)
        validate_declare_expr_refs(v, &m->globals[i].init);
    for (uint32_t i = 0; i < m->export_count; i++)
        if (m->exports[i].kind == AOT_EXTERN_FUNC && m->exports[i].index < m->func_count)
            v->declared_refs[m->exports[i].index] = 1;
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const aot_elem *el = &m->elems[i];
        for (uint32_t k = 0; k < el->count; k++) {
            if (el->exprs)
                validate_declare_expr_refs(v, &el->exprs[k]);
            else if (el->func_indices[k] < m->func_count)
                v->declared_refs[el->func_indices[k]] = 1;
        }
    }
    return true;
}

static bool validate_module_level(validator *v)
{
    return validate_imports(v) && validate_definitions(v) && validate_exports(v) &&
           validate_start(v) && validate_elems(v) && validate_datas(v);
}

bool aot_validate(const aot_module *m, aot_error *err)
{
    aot_error invalid;
    aot_error_clear(&invalid);
    validator v = {.m = m, .err = &invalid};
    if (!validate_collect_refs(&v)) {
        *err = invalid;
        return false;
    }
    validate_module_level(&v);

    aot_func_validator *fv = aot_func_validator_new(m, v.declared_refs);
    bool ok = fv != NULL;
    if (!fv)
        aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    for (uint32_t i = m->imported_func_count; ok && i < m->func_count; i++) {
        aot_error body;
        aot_error_clear(&body);
        bool body_ok = invalid.kind == AOT_OK ? aot_validate_func(fv, i, &body)
                                              : aot_skim_func(m, i, &body);
        /* After a typing error in this body, look on for a malformed one. */
        if (!body_ok && body.kind == AOT_ERR_INVALID) {
            aot_error skimmed;
            aot_error_clear(&skimmed);
            if (!aot_skim_func(m, i, &skimmed))
                body = skimmed;
        }
        if (!body_ok && body.kind != AOT_ERR_INVALID) {
            *err = body;
            ok = false;
        } else if (!body_ok && invalid.kind == AOT_OK) {
            invalid = body;
        }
    }
    aot_func_validator_free(fv);
    free(v.declared_refs);
    if (ok && invalid.kind != AOT_OK) {
        *err = invalid;
        ok = false;
    }
    return ok;
}
