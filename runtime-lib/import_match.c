/*
 * Import matching (import_match_internal.h) and the text of extern types in
 * link errors, which reads like the text format: "func (param i32)
 * (result i64)", "global (mut f32)", "memory 1 2", "table 0 funcref".
 */
#include "import_match_internal.h"

#include <stdarg.h>
#include <stdio.h>

typedef struct match_text {
    char *out;
    size_t cap;
    size_t used;
} match_text;

__attribute__((format(printf, 2, 3))) static void match_append(match_text *t, const char *format,
                                                                ...)
{
    if (t->used >= t->cap)
        return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(t->out + t->used, t->cap - t->used, format, args);
    va_end(args);
    if (n > 0)
        t->used = t->used + (size_t)n < t->cap ? t->used + (size_t)n : t->cap;
}

static const char *match_value_name(uint32_t type)
{
    switch (type) {
    case WAOT_ABI_I32: return "i32";
    case WAOT_ABI_I64: return "i64";
    case WAOT_ABI_F32: return "f32";
    case WAOT_ABI_F64: return "f64";
    case WAOT_ABI_V128: return "v128";
    case WAOT_ABI_FUNCREF: return "funcref";
    case WAOT_ABI_EXTERNREF: return "externref";
    default: return "?";
    }
}

static void match_func_text(match_text *t, const uint8_t *types, uint32_t params, uint32_t results)
{
    match_append(t, "func");
    if (params) {
        match_append(t, " (param");
        for (uint32_t i = 0; i < params; i++)
            match_append(t, " %s", match_value_name(types[i]));
        match_append(t, ")");
    }
    if (results) {
        match_append(t, " (result");
        for (uint32_t i = 0; i < results; i++)
            match_append(t, " %s", match_value_name(types[params + i]));
        match_append(t, ")");
    }
}

static void match_global_text(match_text *t, uint32_t type, bool is_mutable)
{
    if (is_mutable)
        match_append(t, "global (mut %s)", match_value_name(type));
    else
        match_append(t, "global %s", match_value_name(type));
}

static void match_limits_text(match_text *t, uint64_t min, uint64_t max, bool has_max)
{
    match_append(t, " %llu", (unsigned long long)min);
    if (has_max)
        match_append(t, " %llu", (unsigned long long)max);
}

/* The import's declared type. */
static void match_import_text(match_text *t, const waot_abi_module *d, const waot_abi_import *imp)
{
    switch (imp->kind) {
    case WAOT_ABI_EXTERN_FUNC: {
        const waot_abi_functype *f = &d->types[d->funcs[imp->index].type_index];
        match_func_text(t, f->types, f->param_count, f->result_count);
        break;
    }
    case WAOT_ABI_EXTERN_TABLE: {
        const waot_abi_table_type *tt = &d->tables[imp->index];
        match_append(t, "table");
        match_limits_text(t, tt->limits.min, tt->limits.max, tt->limits.has_max);
        match_append(t, " %s", match_value_name(tt->elem_type));
        break;
    }
    case WAOT_ABI_EXTERN_MEMORY: {
        const waot_abi_memory_type *m = &d->memories[imp->index];
        match_append(t, "memory");
        match_limits_text(t, m->limits.min, m->limits.max, m->limits.has_max);
        break;
    }
    case WAOT_ABI_EXTERN_GLOBAL: {
        const waot_abi_global_type *g = &d->globals[imp->index];
        match_global_text(t, g->type, g->is_mutable);
        break;
    }
    }
}

/* The actual type of what the import resolved to. */
static void match_extern_text(match_text *t, const waot_rt_extern *ext)
{
    switch (ext->kind) {
    case WAOT_ABI_EXTERN_FUNC:
        match_func_text(t, ext->types, ext->param_count, ext->result_count);
        break;
    case WAOT_ABI_EXTERN_TABLE:
        match_append(t, "table");
        match_limits_text(t, ext->table->abi.size, ext->table->abi.max, ext->table->has_max);
        match_append(t, " %s", match_value_name(ext->table->elem_type));
        break;
    case WAOT_ABI_EXTERN_MEMORY:
        match_append(t, "memory");
        match_limits_text(t, waot_rt_memory_pages(&ext->memory->abi),
                          ext->memory->declared_max_pages, ext->memory->has_max);
        break;
    case WAOT_ABI_EXTERN_GLOBAL:
        match_global_text(t, ext->global->type, ext->global->is_mutable);
        break;
    }
}

static bool match_limits(const waot_abi_limits *declared, uint64_t actual_min, uint64_t actual_max,
                         bool actual_has_max)
{
    if (actual_min < declared->min)
        return false;
    return !declared->has_max || (actual_has_max && actual_max <= declared->max);
}

static bool match_types(const waot_module *module, const waot_abi_import *imp,
                        const waot_rt_extern *ext)
{
    const waot_abi_module *d = module->descriptor;
    if (ext->kind != imp->kind)
        return false;
    switch (imp->kind) {
    case WAOT_ABI_EXTERN_FUNC:
        return ext->type_id == module->type_ids[d->funcs[imp->index].type_index];
    case WAOT_ABI_EXTERN_TABLE: {
        const waot_abi_table_type *tt = &d->tables[imp->index];
        return tt->elem_type == ext->table->elem_type &&
               match_limits(&tt->limits, ext->table->abi.size, ext->table->abi.max,
                            ext->table->has_max);
    }
    case WAOT_ABI_EXTERN_MEMORY:
        return match_limits(&d->memories[imp->index].limits,
                            waot_rt_memory_pages(&ext->memory->abi),
                            ext->memory->declared_max_pages, ext->memory->has_max);
    case WAOT_ABI_EXTERN_GLOBAL: {
        const waot_abi_global_type *g = &d->globals[imp->index];
        return g->type == ext->global->type && !g->is_mutable == !ext->global->is_mutable;
    }
    default:
        return false;
    }
}

bool waot_rt_import_matches(const waot_module *module, const waot_abi_import *import,
                            const waot_rt_extern *ext, char *why, size_t cap)
{
    if (match_types(module, import, ext))
        return true;
    match_text t = {why, cap, 0};
    if (cap)
        why[0] = '\0';
    match_append(&t, "expected ");
    match_import_text(&t, module->descriptor, import);
    match_append(&t, ", got ");
    match_extern_text(&t, ext);
    return false;
}
