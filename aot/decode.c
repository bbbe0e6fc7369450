/*
 * The binary decoder: bytes in, module model out.
 *
 * It checks the header, walks the sections in the order the spec fixes,
 * decodes each into the model and insists that each section's content ends
 * exactly where its size says.  Function bodies are only delimited here
 * (size, local declarations); their instructions are decoded by the
 * validator, which the spec's phase order allows because a malformed body is
 * still reported as malformed (see validate.c).  Constant expressions are
 * decoded here, since their end is only known by reading them.
 *
 * Every vector is allocated from its declared count only after checking that
 * the count cannot exceed the bytes left (each element takes at least one
 * byte), so a hostile count cannot make us allocate more than the file size.
 */
#include "aot.h"
#include "instr.h"

#include <stdlib.h>
#include <string.h>

/* Local variables a function may declare.  The binary format allows 2^32-1;
 * we hold each local's type in memory, so we take the limit JS engines use. */
enum { DECODE_MAX_LOCALS = 50000 };
/* Parameters and results of one function type, as JS engines limit them;
 * the compiler keeps per-call arrays of this size on the stack. */
enum { DECODE_MAX_TYPE_ARITY = 1000 };

typedef struct decoder {
    aot_module *m;
    aot_reader r;  /* bounded by the current section's end */
    aot_error *err;
    uint32_t defined_func_count; /* from the function section */
    bool has_function_section;
    bool has_code_section;
} decoder;

static bool decode_nomem(decoder *d)
{
    return aot_fail(d->err, AOT_ERR_NOMEM, aot_reader_offset(&d->r), "out of memory");
}

/* Reads a vector length that cannot exceed the bytes left, then allocates
 * room for it. */
static bool decode_vec(decoder *d, uint32_t *count, void **items, size_t item_size,
                       const char *what)
{
    const uint8_t *start = d->r.p;
    if (!aot_read_u32(&d->r, count, what))
        return false;
    if (*count > (size_t)(d->r.end - d->r.p)) {
        d->r.p = start;
        return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                        "unexpected end of section or function (%s %u exceeds the %zu bytes left)",
                        what, *count, (size_t)(d->r.end - start));
    }
    if (!items)
        return true;
    *items = NULL;
    if (item_size && *count) {
        *items = aot_arena_calloc(&d->m->arena, *count, item_size);
        if (!*items)
            return decode_nomem(d);
    }
    return true;
}

static bool decode_limits(decoder *d, aot_limits *out, const char *what)
{
    /* The flags are a one-byte LEB128 of 0 (no maximum) or 1 (maximum). */
    uint8_t flags;
    if (!aot_read_u8(&d->r, &flags, what))
        return false;
    if (flags > 1) {
        d->r.p--;
        return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                        "%s (limits flags 0x%02x of %s)",
                        flags & 0x80 ? "integer representation too long" : "integer too large",
                        flags, what);
    }
    uint32_t min, max = 0;
    if (!aot_read_u32(&d->r, &min, what))
        return false;
    if (flags == 1 && !aot_read_u32(&d->r, &max, what))
        return false;
    out->min = min;
    out->max = max;
    out->has_max = flags == 1;
    return true;
}

static bool decode_tabletype(decoder *d, aot_tabletype *out)
{
    return aot_read_reftype(&d->r, &out->elem_type, "table element type") &&
           decode_limits(d, &out->limits, "table limits");
}

static bool decode_globaltype(decoder *d, aot_globaltype *out)
{
    uint8_t mut;
    if (!aot_read_valtype(&d->r, &out->type, "global type") ||
        !aot_read_u8(&d->r, &mut, "global mutability"))
        return false;
    if (mut > 1) {
        d->r.p--;
        return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                        "malformed mutability 0x%02x", mut);
    }
    out->is_mutable = mut == 1;
    return true;
}

/* Reads instructions up to the `end` that closes the expression. */
static bool decode_const_expr(decoder *d, aot_const_expr *out)
{
    const uint8_t *start = d->r.p;
    uint32_t depth = 0;
    for (;;) {
        aot_instr in;
        if (!aot_read_instr(&d->r, &in))
            return false;
        if (in.op == AOT_OP_BLOCK || in.op == AOT_OP_LOOP || in.op == AOT_OP_IF) {
            depth++;
        } else if (in.op == AOT_OP_END) {
            if (depth == 0)
                break;
            depth--;
        }
    }
    out->start = start;
    out->end = d->r.p;
    return true;
}

static bool decode_type_section(decoder *d)
{
    aot_module *m = d->m;
    if (!decode_vec(d, &m->type_count, (void **)&m->types, sizeof *m->types, "type count"))
        return false;
    for (uint32_t i = 0; i < m->type_count; i++) {
        uint8_t form;
        if (!aot_read_u8(&d->r, &form, "function type form"))
            return false;
        if (form != 0x60) {
            d->r.p--;
            return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                            "integer representation too long (function type form 0x%02x, "
                            "expected 0x60)", form);
        }
        aot_functype *t = &m->types[i];
        aot_valtype *vt[2];
        uint32_t n[2];
        for (int k = 0; k < 2; k++) {
            const uint8_t *count_at = d->r.p;
            if (!decode_vec(d, &n[k], (void **)&vt[k], 1,
                            k == 0 ? "function param count" : "function result count"))
                return false;
            if (n[k] > DECODE_MAX_TYPE_ARITY)
                return aot_fail(d->err, AOT_ERR_LIMIT, (size_t)(count_at - d->r.base),
                                "too many %s (%u; waot's limit is %d)",
                                k == 0 ? "parameters" : "results", n[k], DECODE_MAX_TYPE_ARITY);
            for (uint32_t j = 0; j < n[k]; j++)
                if (!aot_read_valtype(&d->r, &vt[k][j], k == 0 ? "param type" : "result type"))
                    return false;
        }
        t->param_count = n[0], t->params = vt[0];
        t->result_count = n[1], t->results = vt[1];
    }
    return true;
}

static bool decode_import_section(decoder *d)
{
    aot_module *m = d->m;
    if (!decode_vec(d, &m->import_count, (void **)&m->imports, sizeof *m->imports, "import count"))
        return false;
    uint32_t counts[4] = {0};
    for (uint32_t i = 0; i < m->import_count; i++) {
        aot_import *im = &m->imports[i];
        im->offset = aot_reader_offset(&d->r);
        uint8_t kind;
        if (!aot_read_name(&d->r, &im->module, "import module name") ||
            !aot_read_name(&d->r, &im->field, "import field name") ||
            !aot_read_u8(&d->r, &kind, "import kind"))
            return false;
        switch (kind) {
        case AOT_EXTERN_FUNC:
            if (!aot_read_u32(&d->r, &im->desc.type_index, "import type index"))
                return false;
            break;
        case AOT_EXTERN_TABLE:
            if (!decode_tabletype(d, &im->desc.table))
                return false;
            break;
        case AOT_EXTERN_MEMORY:
            if (!decode_limits(d, &im->desc.memory.limits, "memory limits"))
                return false;
            break;
        case AOT_EXTERN_GLOBAL:
            if (!decode_globaltype(d, &im->desc.global))
                return false;
            break;
        default:
            d->r.p--;
            return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                            "malformed import kind 0x%02x", kind);
        }
        im->kind = (aot_extern_kind)kind;
        counts[kind]++;
    }

    m->funcs = aot_arena_calloc(&m->arena, counts[0], sizeof *m->funcs);
    m->tables = aot_arena_calloc(&m->arena, counts[1], sizeof *m->tables);
    m->memories = aot_arena_calloc(&m->arena, counts[2], sizeof *m->memories);
    m->globals = aot_arena_calloc(&m->arena, counts[3], sizeof *m->globals);
    if ((counts[0] && !m->funcs) || (counts[1] && !m->tables) ||
        (counts[2] && !m->memories) || (counts[3] && !m->globals))
        return decode_nomem(d);
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *im = &m->imports[i];
        switch (im->kind) {
        case AOT_EXTERN_FUNC:
            m->funcs[m->func_count++] = (aot_func){
                .type_index = im->desc.type_index, .imported = true, .import_index = i};
            break;
        case AOT_EXTERN_TABLE:
            m->tables[m->table_count++] = (aot_table){.type = im->desc.table, .imported = true};
            break;
        case AOT_EXTERN_MEMORY:
            m->memories[m->memory_count++] = (aot_memory){.type = im->desc.memory, .imported = true};
            break;
        case AOT_EXTERN_GLOBAL:
            m->globals[m->global_count++] = (aot_global){.type = im->desc.global, .imported = true};
            break;
        }
    }
    m->imported_func_count = m->func_count;
    m->imported_table_count = m->table_count;
    m->imported_memory_count = m->memory_count;
    m->imported_global_count = m->global_count;
    return true;
}

/* Grows an index space (imports first) by the `count` definitions of a
 * section, returning the first new slot. */
static void *decode_extend_space(decoder *d, void **items, uint32_t *total, uint32_t count,
                                 size_t item_size)
{
    uint8_t *grown = aot_arena_calloc(&d->m->arena, (size_t)*total + count, item_size);
    if (!grown)
        return NULL;
    if (*total)
        memcpy(grown, *items, (size_t)*total * item_size);
    *items = grown;
    void *first = grown + (size_t)*total * item_size;
    *total += count;
    return first;
}

static bool decode_function_section(decoder *d)
{
    aot_module *m = d->m;
    uint32_t count;
    if (!decode_vec(d, &count, NULL, 0, "function count"))
        return false;
    aot_func *defined = decode_extend_space(d, (void **)&m->funcs, &m->func_count, count,
                                            sizeof *m->funcs);
    if (!defined && count)
        return decode_nomem(d);
    for (uint32_t i = 0; i < count; i++)
        if (!aot_read_u32(&d->r, &defined[i].type_index, "function type index"))
            return false;
    d->defined_func_count = count;
    d->has_function_section = true;
    return true;
}

static bool decode_table_section(decoder *d)
{
    aot_module *m = d->m;
    uint32_t count;
    if (!decode_vec(d, &count, NULL, 0, "table count"))
        return false;
    aot_table *defined = decode_extend_space(d, (void **)&m->tables, &m->table_count, count,
                                             sizeof *m->tables);
    if (!defined && count)
        return decode_nomem(d);
    for (uint32_t i = 0; i < count; i++)
        if (!decode_tabletype(d, &defined[i].type))
            return false;
    return true;
}

static bool decode_memory_section(decoder *d)
{
    aot_module *m = d->m;
    uint32_t count;
    if (!decode_vec(d, &count, NULL, 0, "memory count"))
        return false;
    aot_memory *defined = decode_extend_space(d, (void **)&m->memories, &m->memory_count, count,
                                              sizeof *m->memories);
    if (!defined && count)
        return decode_nomem(d);
    for (uint32_t i = 0; i < count; i++)
        if (!decode_limits(d, &defined[i].type.limits, "memory limits"))
            return false;
    return true;
}

static bool decode_global_section(decoder *d)
{
    aot_module *m = d->m;
    uint32_t count;
    if (!decode_vec(d, &count, NULL, 0, "global count"))
        return false;
    aot_global *defined = decode_extend_space(d, (void **)&m->globals, &m->global_count, count,
                                              sizeof *m->globals);
    if (!defined && count)
        return decode_nomem(d);
    for (uint32_t i = 0; i < count; i++)
        if (!decode_globaltype(d, &defined[i].type) || !decode_const_expr(d, &defined[i].init))
            return false;
    return true;
}

static bool decode_export_section(decoder *d)
{
    aot_module *m = d->m;
    if (!decode_vec(d, &m->export_count, (void **)&m->exports, sizeof *m->exports, "export count"))
        return false;
    for (uint32_t i = 0; i < m->export_count; i++) {
        aot_export *ex = &m->exports[i];
        ex->offset = aot_reader_offset(&d->r);
        uint8_t kind;
        if (!aot_read_name(&d->r, &ex->name, "export name") ||
            !aot_read_u8(&d->r, &kind, "export kind"))
            return false;
        if (kind > AOT_EXTERN_GLOBAL) {
            d->r.p--;
            return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                            "malformed export kind 0x%02x", kind);
        }
        ex->kind = (aot_extern_kind)kind;
        if (!aot_read_u32(&d->r, &ex->index, "export index"))
            return false;
    }
    return true;
}

static bool decode_start_section(decoder *d)
{
    d->m->has_start = true;
    return aot_read_u32(&d->r, &d->m->start_index, "start function index");
}

/* The element kind byte of flags 1-3: only 0x00 (funcref) exists. */
static bool decode_elemkind(decoder *d, aot_valtype *out)
{
    uint8_t kind;
    if (!aot_read_u8(&d->r, &kind, "element kind"))
        return false;
    if (kind != 0x00) {
        d->r.p--;
        return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                        "malformed element kind 0x%02x", kind);
    }
    *out = AOT_VT_FUNCREF;
    return true;
}

static bool decode_elem(decoder *d, aot_elem *el)
{
    el->file_offset = aot_reader_offset(&d->r);
    uint32_t flags;
    if (!aot_read_u32(&d->r, &flags, "element segment flags"))
        return false;
    if (flags > 7) {
        return aot_fail(d->err, AOT_ERR_MALFORMED, el->file_offset,
                        "malformed elements segment kind %u", flags);
    }
    /* Bit 0: passive or declarative; bit 1: explicit table index (active) or
     * declarative (otherwise); bit 2: elements are expressions. */
    bool not_active = flags & 1, bit1 = flags & 2, uses_exprs = flags & 4;
    el->mode = !not_active ? AOT_SEGMENT_ACTIVE
               : bit1      ? AOT_SEGMENT_DECLARATIVE
                           : AOT_SEGMENT_PASSIVE;
    el->type = AOT_VT_FUNCREF;
    if (!not_active) {
        if (bit1 && !aot_read_u32(&d->r, &el->table_index, "element table index"))
            return false;
        if (!decode_const_expr(d, &el->offset))
            return false;
    }
    if (not_active || bit1) {
        bool ok = uses_exprs ? aot_read_reftype(&d->r, &el->type, "element type")
                             : decode_elemkind(d, &el->type);
        if (!ok)
            return false;
    }
    if (uses_exprs) {
        aot_const_expr *exprs;
        if (!decode_vec(d, &el->count, (void **)&exprs, sizeof *exprs, "element count"))
            return false;
        for (uint32_t i = 0; i < el->count; i++)
            if (!decode_const_expr(d, &exprs[i]))
                return false;
        el->exprs = exprs;
    } else {
        uint32_t *funcs;
        if (!decode_vec(d, &el->count, (void **)&funcs, sizeof *funcs, "element count"))
            return false;
        for (uint32_t i = 0; i < el->count; i++)
            if (!aot_read_u32(&d->r, &funcs[i], "element function index"))
                return false;
        el->func_indices = funcs;
    }
    return true;
}

static bool decode_element_section(decoder *d)
{
    aot_module *m = d->m;
    if (!decode_vec(d, &m->elem_count, (void **)&m->elems, sizeof *m->elems, "element segment count"))
        return false;
    for (uint32_t i = 0; i < m->elem_count; i++)
        if (!decode_elem(d, &m->elems[i]))
            return false;
    return true;
}

static bool decode_data_count_section(decoder *d)
{
    d->m->has_data_count = true;
    return aot_read_u32(&d->r, &d->m->data_count_value, "data count");
}

static bool decode_locals(decoder *d, aot_func *f, const uint8_t *body_end)
{
    aot_reader r = d->r;
    r.end = body_end;
    uint32_t groups;
    if (!aot_read_u32(&r, &groups, "local declaration count"))
        return false;
    uint64_t total = 0;
    for (uint32_t i = 0; i < groups; i++) {
        uint32_t n;
        aot_valtype t;
        if (!aot_read_u32(&r, &n, "local count") || !aot_read_valtype(&r, &t, "local type"))
            return false;
        total += n;
        if (total > UINT32_MAX)
            return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&r), "too many locals");
    }
    if (total > DECODE_MAX_LOCALS)
        return aot_fail(d->err, AOT_ERR_LIMIT, aot_reader_offset(&r),
                        "too many locals (%llu; waot's limit is %d)", (unsigned long long)total,
                        DECODE_MAX_LOCALS);
    f->local_decl_count = groups;
    f->local_count = (uint32_t)total;
    f->code = r.p;
    return true;
}

static bool decode_code_section(decoder *d)
{
    aot_module *m = d->m;
    uint32_t count;
    m->code_section_offset = aot_reader_offset(&d->r);
    if (!decode_vec(d, &count, NULL, 0, "function body count"))
        return false;
    if (count != d->defined_func_count)
        return aot_fail(d->err, AOT_ERR_MALFORMED, m->code_section_offset,
                        "function and code section have inconsistent lengths "
                        "(%u bodies for %u functions)", count, d->defined_func_count);
    d->has_code_section = true;
    for (uint32_t i = 0; i < count; i++) {
        aot_func *f = &m->funcs[m->imported_func_count + i];
        d->err->func_index = m->imported_func_count + i;
        uint32_t size;
        if (!aot_read_len(&d->r, &size, "function body size"))
            return false;
        f->body = d->r.p;
        f->body_end = d->r.p + size;
        if (!decode_locals(d, f, f->body_end))
            return false;
        d->r.p = f->body_end;
    }
    d->err->func_index = AOT_NO_FUNC;
    return true;
}

static bool decode_data_section(decoder *d)
{
    aot_module *m = d->m;
    if (!decode_vec(d, &m->data_count, (void **)&m->datas, sizeof *m->datas, "data segment count"))
        return false;
    if (m->has_data_count && m->data_count != m->data_count_value)
        return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(&d->r),
                        "data count and data section have inconsistent lengths (%u and %u)",
                        m->data_count_value, m->data_count);
    for (uint32_t i = 0; i < m->data_count; i++) {
        aot_data *seg = &m->datas[i];
        seg->file_offset = aot_reader_offset(&d->r);
        uint32_t flags;
        if (!aot_read_u32(&d->r, &flags, "data segment flags"))
            return false;
        if (flags > 2)
            return aot_fail(d->err, AOT_ERR_MALFORMED, seg->file_offset,
                            "malformed data segment kind %u", flags);
        seg->mode = flags == 1 ? AOT_SEGMENT_PASSIVE : AOT_SEGMENT_ACTIVE;
        if (flags == 2 && !aot_read_u32(&d->r, &seg->memory_index, "data memory index"))
            return false;
        if (flags != 1 && !decode_const_expr(d, &seg->offset))
            return false;
        if (!aot_read_u32(&d->r, &seg->size, "data segment size") ||
            !aot_read_bytes(&d->r, seg->size, &seg->bytes, "data segment bytes"))
            return false;
    }
    return true;
}

/* Reads a name map (vec of index, name) into `out`; NULL count on error. */
static bool decode_name_map(aot_reader *r, aot_arena *arena, aot_index_name **out, uint32_t *count)
{
    if (!aot_read_u32(r, count, "name map count"))
        return false;
    if (*count > (size_t)(r->end - r->p))
        return aot_reader_fail_eos(r, "name map");
    *out = aot_arena_calloc(arena, *count, sizeof **out);
    if (*count && !*out)
        return false;
    for (uint32_t i = 0; i < *count; i++) {
        if (!aot_read_u32(r, &(*out)[i].index, "name index") ||
            !aot_read_name(r, &(*out)[i].name, "name"))
            return false;
        if (i > 0 && (*out)[i].index <= (*out)[i - 1].index)
            return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                            "name map indices out of order");
    }
    return true;
}

/*
 * The "name" custom section.  A custom section's contents never make a module
 * malformed, so a damaged name section is dropped as a whole and the module
 * decodes as if it had none.
 */
static void decode_name_section(decoder *d, const uint8_t *start, const uint8_t *end)
{
    aot_module *m = d->m;
    aot_error scratch;
    aot_error_clear(&scratch);
    aot_reader r = {.p = start, .end = end, .base = d->r.base, .err = &scratch};
    aot_name module_name = {0};
    bool has_module_name = false;
    aot_index_name *funcs = NULL;
    uint32_t func_count = 0;
    aot_local_names *locals = NULL;
    uint32_t local_count = 0;

    while (!aot_reader_at_end(&r)) {
        uint8_t id;
        uint32_t size;
        if (!aot_read_u8(&r, &id, "name subsection id") ||
            !aot_read_len(&r, &size, "name subsection size"))
            return;
        aot_reader sub = r;
        sub.end = r.p + size;
        r.p += size;
        if (id == 0) {
            if (!aot_read_name(&sub, &module_name, "module name"))
                return;
            has_module_name = true;
        } else if (id == 1) {
            if (!decode_name_map(&sub, &m->arena, &funcs, &func_count))
                return;
        } else if (id == 2) {
            if (!aot_read_u32(&sub, &local_count, "local name count") ||
                local_count > (size_t)(sub.end - sub.p))
                return;
            locals = aot_arena_calloc(&m->arena, local_count, sizeof *locals);
            if (local_count && !locals)
                return;
            for (uint32_t i = 0; i < local_count; i++) {
                aot_index_name *names;
                if (!aot_read_u32(&sub, &locals[i].func_index, "function index") ||
                    !decode_name_map(&sub, &m->arena, &names, &locals[i].count))
                    return;
                locals[i].names = names;
                if (i > 0 && locals[i].func_index <= locals[i - 1].func_index)
                    return;
            }
        } else {
            continue; /* subsections of later proposals: ignored */
        }
        if (sub.p != sub.end)
            return;
    }
    m->has_module_name = has_module_name;
    m->module_name = module_name;
    m->func_names = funcs;
    m->func_name_count = func_count;
    m->local_names = locals;
    m->local_names_count = local_count;
}

static bool decode_custom_section(decoder *d, const uint8_t *end)
{
    aot_module *m = d->m;
    aot_name name;
    if (!aot_read_name(&d->r, &name, "custom section name"))
        return false;
    aot_custom *grown = aot_arena_alloc(&m->arena, sizeof *grown * (m->custom_count + 1));
    if (!grown)
        return decode_nomem(d);
    if (m->custom_count)
        memcpy(grown, m->customs, sizeof *grown * m->custom_count);
    grown[m->custom_count++] = (aot_custom){
        .name = name, .bytes = d->r.p, .size = (uint32_t)(end - d->r.p)};
    m->customs = grown;
    if (name.len == 4 && memcmp(name.bytes, "name", 4) == 0)
        decode_name_section(d, d->r.p, end);
    d->r.p = end;
    return true;
}

/* Position of each non-custom section in the order the spec requires: the
 * data count section sits between element and code. */
static int decode_section_rank(uint8_t id)
{
    static const int rank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return rank[id];
}

static bool decode_section(decoder *d, uint8_t id)
{
    switch (id) {
    case AOT_SECTION_TYPE: return decode_type_section(d);
    case AOT_SECTION_IMPORT: return decode_import_section(d);
    case AOT_SECTION_FUNCTION: return decode_function_section(d);
    case AOT_SECTION_TABLE: return decode_table_section(d);
    case AOT_SECTION_MEMORY: return decode_memory_section(d);
    case AOT_SECTION_GLOBAL: return decode_global_section(d);
    case AOT_SECTION_EXPORT: return decode_export_section(d);
    case AOT_SECTION_START: return decode_start_section(d);
    case AOT_SECTION_ELEMENT: return decode_element_section(d);
    case AOT_SECTION_CODE: return decode_code_section(d);
    case AOT_SECTION_DATA: return decode_data_section(d);
    case AOT_SECTION_DATA_COUNT: return decode_data_count_section(d);
    }
    return false;
}

static bool decode_add_section_record(decoder *d, aot_section s)
{
    aot_module *m = d->m;
    /* Sections are few; grow by doubling in the arena. */
    if ((m->section_count & (m->section_count - 1)) == 0) {
        uint32_t cap = m->section_count ? m->section_count * 2 : 16;
        aot_section *grown = aot_arena_alloc(&m->arena, sizeof *grown * cap);
        if (!grown)
            return decode_nomem(d);
        if (m->section_count)
            memcpy(grown, m->sections, sizeof *grown * m->section_count);
        m->sections = grown;
    }
    m->sections[m->section_count++] = s;
    return true;
}

static bool decode_header(aot_reader *r)
{
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6d};
    const uint8_t *bytes;
    if (r->p == r->end)
        return aot_fail(r->err, AOT_ERR_MALFORMED, 0,
                        "unexpected end: the file is empty (a module starts with \\0asm)");
    if (!aot_read_bytes(r, 4, &bytes, "magic header"))
        return false;
    if (memcmp(bytes, magic, 4) != 0)
        return aot_fail(r->err, AOT_ERR_MALFORMED, 0,
                        "magic header not detected (not a WebAssembly binary)");
    uint32_t version;
    if (!aot_read_f32_bits(r, &version, "binary version"))
        return false;
    if (version != 1)
        return aot_fail(r->err, AOT_ERR_MALFORMED, 4, "unknown binary version %u", version);
    return true;
}

static bool decode_module(decoder *d)
{
    aot_reader *r = &d->r;
    if (!decode_header(r))
        return false;
    int last_rank = 0;
    const uint8_t *module_end = r->end;
    while (r->p < module_end) {
        aot_section s = {.offset = aot_reader_offset(r)};
        uint32_t size;
        if (!aot_read_u8(r, &s.id, "section id"))
            return false;
        d->err->section = s.id;
        if (s.id > AOT_SECTION_DATA_COUNT) {
            return aot_fail(d->err, AOT_ERR_MALFORMED, s.offset, "malformed section id %u", s.id);
        }
        if (!aot_read_len(r, &size, "section size"))
            return false;
        s.content_offset = aot_reader_offset(r);
        s.size = size;
        const uint8_t *section_end = r->p + size;
        if (s.id != AOT_SECTION_CUSTOM) {
            int rank = decode_section_rank(s.id);
            if (rank <= last_rank)
                return aot_fail(d->err, AOT_ERR_MALFORMED, s.offset,
                                "unexpected content after last section (%s section out of "
                                "order or repeated)", aot_section_name(s.id));
            last_rank = rank;
        }
        /* Like the reference decoder, a section's content is read up to the
         * module's end and its size checked afterwards; only a custom
         * section, whose content has no structure of its own, is confined. */
        bool ok;
        if (s.id == AOT_SECTION_CUSTOM) {
            r->end = section_end;
            ok = decode_custom_section(d, section_end);
            r->end = module_end;
        } else {
            ok = decode_section(d, s.id);
        }
        if (!ok)
            return false;
        if (r->p != section_end)
            return aot_fail(d->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                            "section size mismatch (%s section declares %u bytes, content "
                            "ends %td bytes %s)", aot_section_name(s.id), size,
                            r->p < section_end ? section_end - r->p : r->p - section_end,
                            r->p < section_end ? "early" : "late");
        if (!decode_add_section_record(d, s))
            return false;
    }
    d->err->section = AOT_NO_SECTION;

    if (d->defined_func_count && !d->has_code_section)
        return aot_fail(d->err, AOT_ERR_MALFORMED, d->m->size,
                        "function and code section have inconsistent lengths "
                        "(%u functions, no code section)", d->defined_func_count);
    if (d->m->has_data_count && d->m->data_count_value != d->m->data_count)
        return aot_fail(d->err, AOT_ERR_MALFORMED, d->m->size,
                        "data count and data section have inconsistent lengths (%u and %u)",
                        d->m->data_count_value, d->m->data_count);
    return true;
}

bool aot_decode(const uint8_t *bytes, size_t size, aot_module **out, aot_error *err)
{
    *out = NULL;
    aot_module *m = calloc(1, sizeof *m);
    if (!m)
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    m->bytes = bytes;
    m->size = size;
    decoder d = {
        .m = m,
        .r = {.p = bytes, .end = bytes + size, .base = bytes, .err = err},
        .err = err,
    };
    if (!decode_module(&d)) {
        aot_module_free(m);
        return false;
    }
    *out = m;
    return true;
}

void aot_module_free(aot_module *m)
{
    if (!m)
        return;
    aot_arena_free(&m->arena);
    free(m);
}

bool aot_load(const uint8_t *bytes, size_t size, aot_module **out, aot_error *err)
{
    *out = NULL;
    aot_module *m;
    if (!aot_decode(bytes, size, &m, err))
        return false;
    if (!aot_validate(m, err)) {
        aot_module_free(m);
        *out = NULL;
        return false;
    }
    *out = m;
    return true;
}
