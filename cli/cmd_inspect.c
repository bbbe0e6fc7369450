/*
 * `waot inspect FILE [--json]`: shows what a module is made of, the things
 * `wasm-objdump -x` or the JS API's Module.imports()/exports() tell a
 * user: its sections, types, imports, functions (with names from the name
 * section), tables, memories, globals, exports, start function, element and
 * data segments and custom sections.  The module is validated first, so an
 * invalid module fails exactly as `waot validate` would.  The text output
 * leaves out empty lists; in the JSON output every list is present and each
 * entry has a fixed set of keys (an import's depend on its kind), with null
 * where a value does not apply.
 */
#include "cli.h"

#include <string.h>

/* How many element entries / data bytes the text output shows. */
enum { INSPECT_TEXT_MAX_ELEM_ENTRIES = 16, INSPECT_TEXT_MAX_DATA_PREVIEW = 32 };

static void inspect_print_help(FILE *out)
{
    fputs("Usage: waot inspect [options] FILE.wasm\n"
          "\n"
          "Validate a binary module and describe it: its sections (id, name,\n"
          "offset, size), types, imports, functions (type, name from the name\n"
          "section, code size), tables, memories, globals (type, mutability,\n"
          "initializer), exports, start function, element and data segments\n"
          "and custom sections.  An invalid module is reported as\n"
          "'waot validate' reports it, and nothing is printed on stdout.\n"
          "\n"
          "Options:\n"
          "  --json       print one JSON document instead of text: every\n"
          "               entry always has the same keys (null where one does\n"
          "               not apply; an import has the keys of its kind),\n"
          "               offsets and sizes are byte counts in decimal, and\n"
          "               constant expressions are strings like\n"
          "               \"i32.const 1024\"\n"
          "  -h, --help   show this help and exit\n"
          "\n"
          "Exit status: 0 on success, 1 if the file cannot be read or the\n"
          "module is malformed or invalid, 2 for a bad command line.\n",
          out);
}

/* The type of function `index`, or NULL if the index or its type is out of
 * range (a validated module never has either). */
static const aot_functype *inspect_func_type(const aot_module *m, uint32_t index)
{
    if (index >= m->func_count || m->funcs[index].type_index >= m->type_count)
        return NULL;
    return aot_module_func_type(m, index);
}

static const aot_functype *inspect_type(const aot_module *m, uint32_t type_index)
{
    return type_index < m->type_count ? &m->types[type_index] : NULL;
}

/* The name of a custom section, read from its payload; false when it has none. */
static bool inspect_custom_section_name(const aot_module *m, const aot_section *s,
                                        aot_name *name)
{
    aot_error err;
    aot_error_clear(&err);
    if (s->content_offset > m->size || s->size > m->size - s->content_offset)
        return false;
    aot_reader r = {
        .p = m->bytes + s->content_offset,
        .end = m->bytes + s->content_offset + s->size,
        .base = m->bytes,
        .err = &err,
    };
    return aot_read_name(&r, name, "custom section name");
}

static uint32_t inspect_binary_version(const aot_module *m)
{
    if (m->size < 8)
        return 0;
    const uint8_t *b = m->bytes + 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static const char *inspect_segment_mode_name(aot_segment_mode mode)
{
    switch (mode) {
    case AOT_SEGMENT_ACTIVE: return "active";
    case AOT_SEGMENT_PASSIVE: return "passive";
    case AOT_SEGMENT_DECLARATIVE: return "declarative";
    }
    return "?";
}

/* ---- text ---- */

static void text_print_functype(FILE *out, const aot_functype *type)
{
    if (!type) {
        fputs("(?)", out);
        return;
    }
    cli_text t;
    cli_text_init(&t);
    cli_format_functype(&t, type);
    fputs(cli_text_str(&t), out);
}

static void text_print_limits(FILE *out, const aot_limits *limits)
{
    cli_text t;
    cli_text_init(&t);
    cli_format_limits(&t, limits);
    fputs(cli_text_str(&t), out);
}

static void text_print_const_expr(FILE *out, const aot_module *m, aot_const_expr expr)
{
    cli_text t;
    cli_text_init(&t);
    cli_format_const_expr(&t, m, expr);
    fputs(cli_text_str(&t), out);
}

/* " $name" when the name section names function `index`. */
static void text_print_func_name(FILE *out, const aot_module *m, uint32_t index)
{
    const aot_name *name = aot_module_func_name(m, index);
    if (name) {
        fputc(' ', out);
        cli_write_identifier(out, name);
    }
}

static void text_print_import_desc(FILE *out, const aot_module *m, const aot_import *imp)
{
    fputs(aot_extern_kind_name(imp->kind), out);
    switch (imp->kind) {
    case AOT_EXTERN_FUNC:
        fprintf(out, " type %u ", imp->desc.type_index);
        text_print_functype(out, inspect_type(m, imp->desc.type_index));
        break;
    case AOT_EXTERN_TABLE:
        fprintf(out, " %s ", aot_valtype_name(imp->desc.table.elem_type));
        text_print_limits(out, &imp->desc.table.limits);
        break;
    case AOT_EXTERN_MEMORY:
        fputc(' ', out);
        text_print_limits(out, &imp->desc.memory.limits);
        fputs(" pages", out);
        break;
    case AOT_EXTERN_GLOBAL:
        fprintf(out, " %s%s", imp->desc.global.is_mutable ? "mut " : "",
                aot_valtype_name(imp->desc.global.type));
        break;
    }
}

static void text_print_sections(FILE *out, const aot_module *m)
{
    if (m->section_count == 0)
        return;
    fprintf(out, "\nSections (%u):\n", m->section_count);
    fputs("  id  name        offset      size\n", out);
    for (uint32_t i = 0; i < m->section_count; i++) {
        const aot_section *s = &m->sections[i];
        fprintf(out, "  %2u  %-10s  0x%08zx  %u", s->id, aot_section_name(s->id), s->offset,
                s->size);
        aot_name name;
        if (s->id == AOT_SECTION_CUSTOM && inspect_custom_section_name(m, s, &name)) {
            fputc(' ', out);
            cli_write_quoted(out, name.bytes, name.len);
        }
        fputc('\n', out);
    }
}

static void text_print_types(FILE *out, const aot_module *m)
{
    if (m->type_count == 0)
        return;
    fprintf(out, "\nTypes (%u):\n", m->type_count);
    for (uint32_t i = 0; i < m->type_count; i++) {
        fprintf(out, "  %u: ", i);
        text_print_functype(out, &m->types[i]);
        fputc('\n', out);
    }
}

static void text_print_imports(FILE *out, const aot_module *m)
{
    if (m->import_count == 0)
        return;
    fprintf(out, "\nImports (%u):\n", m->import_count);
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *imp = &m->imports[i];
        fprintf(out, "  %u: ", i);
        cli_write_quoted(out, imp->module.bytes, imp->module.len);
        fputc(' ', out);
        cli_write_quoted(out, imp->field.bytes, imp->field.len);
        fputc(' ', out);
        text_print_import_desc(out, m, imp);
        fputc('\n', out);
    }
}

static void text_print_functions(FILE *out, const aot_module *m)
{
    if (m->func_count == 0)
        return;
    fprintf(out, "\nFunctions (%u: %u imported, %u defined):\n", m->func_count,
            m->imported_func_count, m->func_count - m->imported_func_count);
    for (uint32_t i = 0; i < m->func_count; i++) {
        const aot_func *f = &m->funcs[i];
        fprintf(out, "  %u:", i);
        text_print_func_name(out, m, i);
        fprintf(out, " type %u ", f->type_index);
        text_print_functype(out, inspect_func_type(m, i));
        if (f->imported && f->import_index < m->import_count) {
            const aot_import *imp = &m->imports[f->import_index];
            fputs(", imported from ", out);
            cli_write_quoted(out, imp->module.bytes, imp->module.len);
            fputc(' ', out);
            cli_write_quoted(out, imp->field.bytes, imp->field.len);
        } else if (f->imported) {
            fprintf(out, ", import %u", f->import_index);
        } else {
            fprintf(out, ", %zu bytes, %u local%s", (size_t)(f->body_end - f->body),
                    f->local_count, f->local_count == 1 ? "" : "s");
        }
        fputc('\n', out);
    }
}

static void text_print_tables(FILE *out, const aot_module *m)
{
    if (m->table_count == 0)
        return;
    fprintf(out, "\nTables (%u):\n", m->table_count);
    for (uint32_t i = 0; i < m->table_count; i++) {
        const aot_table *t = &m->tables[i];
        fprintf(out, "  %u: %s ", i, aot_valtype_name(t->type.elem_type));
        text_print_limits(out, &t->type.limits);
        fputs(t->imported ? ", imported\n" : "\n", out);
    }
}

static void text_print_memories(FILE *out, const aot_module *m)
{
    if (m->memory_count == 0)
        return;
    fprintf(out, "\nMemories (%u):\n", m->memory_count);
    for (uint32_t i = 0; i < m->memory_count; i++) {
        const aot_memory *mem = &m->memories[i];
        fprintf(out, "  %u: ", i);
        text_print_limits(out, &mem->type.limits);
        fputs(mem->imported ? " pages, imported\n" : " pages\n", out);
    }
}

static void text_print_globals(FILE *out, const aot_module *m)
{
    if (m->global_count == 0)
        return;
    fprintf(out, "\nGlobals (%u):\n", m->global_count);
    for (uint32_t i = 0; i < m->global_count; i++) {
        const aot_global *g = &m->globals[i];
        fprintf(out, "  %u: %s%s", i, g->type.is_mutable ? "mut " : "",
                aot_valtype_name(g->type.type));
        if (g->imported) {
            fputs(", imported", out);
        } else {
            fputs(" = ", out);
            text_print_const_expr(out, m, g->init);
        }
        fputc('\n', out);
    }
}

static void text_print_exports(FILE *out, const aot_module *m)
{
    if (m->export_count == 0)
        return;
    fprintf(out, "\nExports (%u):\n", m->export_count);
    for (uint32_t i = 0; i < m->export_count; i++) {
        const aot_export *e = &m->exports[i];
        fputs("  ", out);
        cli_write_quoted(out, e->name.bytes, e->name.len);
        fprintf(out, " %s %u", aot_extern_kind_name(e->kind), e->index);
        if (e->kind == AOT_EXTERN_FUNC)
            text_print_func_name(out, m, e->index);
        fputc('\n', out);
    }
}

static void text_print_start(FILE *out, const aot_module *m)
{
    if (!m->has_start)
        return;
    fprintf(out, "\nStart: function %u", m->start_index);
    text_print_func_name(out, m, m->start_index);
    fputc('\n', out);
}

static void text_print_elements(FILE *out, const aot_module *m)
{
    if (m->elem_count == 0)
        return;
    fprintf(out, "\nElements (%u):\n", m->elem_count);
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const aot_elem *e = &m->elems[i];
        fprintf(out, "  %u: %s", i, inspect_segment_mode_name(e->mode));
        if (e->mode == AOT_SEGMENT_ACTIVE) {
            fprintf(out, " table %u, offset ", e->table_index);
            text_print_const_expr(out, m, e->offset);
        }
        fprintf(out, ", %s, %u entr%s", aot_valtype_name(e->type), e->count,
                e->count == 1 ? "y" : "ies");
        uint32_t shown = e->count < INSPECT_TEXT_MAX_ELEM_ENTRIES ? e->count
                                                                  : INSPECT_TEXT_MAX_ELEM_ENTRIES;
        for (uint32_t k = 0; k < shown; k++) {
            fputs(k == 0 ? ": " : e->func_indices ? " " : ", ", out);
            if (e->func_indices)
                fprintf(out, "%u", e->func_indices[k]);
            else if (e->exprs)
                text_print_const_expr(out, m, e->exprs[k]);
        }
        if (shown < e->count)
            fprintf(out, " ... (%u more)", e->count - shown);
        fputc('\n', out);
    }
}

static void text_print_datas(FILE *out, const aot_module *m)
{
    if (m->data_count == 0)
        return;
    fprintf(out, "\nData (%u):\n", m->data_count);
    for (uint32_t i = 0; i < m->data_count; i++) {
        const aot_data *d = &m->datas[i];
        fprintf(out, "  %u: %s", i, inspect_segment_mode_name(d->mode));
        if (d->mode == AOT_SEGMENT_ACTIVE) {
            fprintf(out, " memory %u, offset ", d->memory_index);
            text_print_const_expr(out, m, d->offset);
        }
        fprintf(out, ", %u byte%s", d->size, d->size == 1 ? "" : "s");
        if (d->size > 0 && d->bytes) {
            uint32_t shown = d->size < INSPECT_TEXT_MAX_DATA_PREVIEW
                                 ? d->size
                                 : INSPECT_TEXT_MAX_DATA_PREVIEW;
            fputs(": ", out);
            cli_write_quoted(out, d->bytes, shown);
            if (shown < d->size)
                fputs("...", out);
        }
        fputc('\n', out);
    }
}

static void text_print_customs(FILE *out, const aot_module *m)
{
    if (m->custom_count == 0)
        return;
    fprintf(out, "\nCustom sections (%u):\n", m->custom_count);
    for (uint32_t i = 0; i < m->custom_count; i++) {
        const aot_custom *c = &m->customs[i];
        fputs("  ", out);
        cli_write_quoted(out, c->name.bytes, c->name.len);
        fprintf(out, " %u byte%s\n", c->size, c->size == 1 ? "" : "s");
    }
}

static void inspect_print_text(FILE *out, const char *path, const aot_module *m)
{
    cli_write_one_line(out, path);
    fprintf(out, ": %zu bytes, version %u", m->size, inspect_binary_version(m));
    if (m->has_module_name) {
        fputs(", module ", out);
        cli_write_identifier(out, &m->module_name);
    }
    fputc('\n', out);
    text_print_sections(out, m);
    text_print_types(out, m);
    text_print_imports(out, m);
    text_print_functions(out, m);
    text_print_tables(out, m);
    text_print_memories(out, m);
    text_print_globals(out, m);
    text_print_exports(out, m);
    text_print_start(out, m);
    text_print_elements(out, m);
    text_print_datas(out, m);
    text_print_customs(out, m);
}

/* ---- JSON ---- */

static void json_put_functype(cli_json *j, const aot_functype *type)
{
    cli_json_key(j, "params");
    if (!type) {
        cli_json_null(j);
    } else {
        cli_json_begin_array(j, true);
        for (uint32_t i = 0; i < type->param_count; i++)
            cli_json_string(j, aot_valtype_name(type->params[i]));
        cli_json_end_array(j);
    }
    cli_json_key(j, "results");
    if (!type) {
        cli_json_null(j);
    } else {
        cli_json_begin_array(j, true);
        for (uint32_t i = 0; i < type->result_count; i++)
            cli_json_string(j, aot_valtype_name(type->results[i]));
        cli_json_end_array(j);
    }
}

static void json_put_limits(cli_json *j, const aot_limits *limits)
{
    cli_json_key(j, "min");
    cli_json_uint(j, limits->min);
    cli_json_key(j, "max");
    if (limits->has_max)
        cli_json_uint(j, limits->max);
    else
        cli_json_null(j);
}

static void json_put_const_expr(cli_json *j, const aot_module *m, aot_const_expr expr)
{
    cli_text t;
    cli_text_init(&t);
    cli_format_const_expr(&t, m, expr);
    cli_json_string(j, cli_text_str(&t));
}

static void json_put_func_name(cli_json *j, const aot_module *m, uint32_t index)
{
    const aot_name *name = aot_module_func_name(m, index);
    if (name)
        cli_json_name(j, name);
    else
        cli_json_null(j);
}

static void json_put_sections(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "sections");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->section_count; i++) {
        const aot_section *s = &m->sections[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "id");
        cli_json_uint(j, s->id);
        cli_json_key(j, "name");
        cli_json_string(j, aot_section_name(s->id));
        cli_json_key(j, "offset");
        cli_json_uint(j, s->offset);
        cli_json_key(j, "content_offset");
        cli_json_uint(j, s->content_offset);
        cli_json_key(j, "size");
        cli_json_uint(j, s->size);
        cli_json_key(j, "custom_name");
        aot_name name;
        if (s->id == AOT_SECTION_CUSTOM && inspect_custom_section_name(m, s, &name))
            cli_json_name(j, &name);
        else
            cli_json_null(j);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_types(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "types");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->type_count; i++) {
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        json_put_functype(j, &m->types[i]);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_imports(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "imports");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *imp = &m->imports[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        cli_json_key(j, "module");
        cli_json_name(j, &imp->module);
        cli_json_key(j, "name");
        cli_json_name(j, &imp->field);
        cli_json_key(j, "kind");
        cli_json_string(j, aot_extern_kind_name(imp->kind));
        switch (imp->kind) {
        case AOT_EXTERN_FUNC:
            cli_json_key(j, "type_index");
            cli_json_uint(j, imp->desc.type_index);
            json_put_functype(j, inspect_type(m, imp->desc.type_index));
            break;
        case AOT_EXTERN_TABLE:
            cli_json_key(j, "element_type");
            cli_json_string(j, aot_valtype_name(imp->desc.table.elem_type));
            json_put_limits(j, &imp->desc.table.limits);
            break;
        case AOT_EXTERN_MEMORY:
            json_put_limits(j, &imp->desc.memory.limits);
            break;
        case AOT_EXTERN_GLOBAL:
            cli_json_key(j, "type");
            cli_json_string(j, aot_valtype_name(imp->desc.global.type));
            cli_json_key(j, "mutable");
            cli_json_bool(j, imp->desc.global.is_mutable);
            break;
        }
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_functions(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "functions");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->func_count; i++) {
        const aot_func *f = &m->funcs[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        cli_json_key(j, "name");
        json_put_func_name(j, m, i);
        cli_json_key(j, "type_index");
        cli_json_uint(j, f->type_index);
        json_put_functype(j, inspect_func_type(m, i));
        cli_json_key(j, "imported");
        cli_json_bool(j, f->imported);
        cli_json_key(j, "import_index");
        if (f->imported)
            cli_json_uint(j, f->import_index);
        else
            cli_json_null(j);
        cli_json_key(j, "body_offset");
        if (f->imported)
            cli_json_null(j);
        else
            cli_json_uint(j, (uint64_t)(f->body - m->bytes));
        cli_json_key(j, "body_size");
        if (f->imported)
            cli_json_null(j);
        else
            cli_json_uint(j, (uint64_t)(f->body_end - f->body));
        cli_json_key(j, "locals");
        if (f->imported)
            cli_json_null(j);
        else
            cli_json_uint(j, f->local_count);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_tables(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "tables");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->table_count; i++) {
        const aot_table *t = &m->tables[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        cli_json_key(j, "imported");
        cli_json_bool(j, t->imported);
        cli_json_key(j, "element_type");
        cli_json_string(j, aot_valtype_name(t->type.elem_type));
        json_put_limits(j, &t->type.limits);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_memories(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "memories");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->memory_count; i++) {
        const aot_memory *mem = &m->memories[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        cli_json_key(j, "imported");
        cli_json_bool(j, mem->imported);
        json_put_limits(j, &mem->type.limits);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_globals(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "globals");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->global_count; i++) {
        const aot_global *g = &m->globals[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        cli_json_key(j, "imported");
        cli_json_bool(j, g->imported);
        cli_json_key(j, "type");
        cli_json_string(j, aot_valtype_name(g->type.type));
        cli_json_key(j, "mutable");
        cli_json_bool(j, g->type.is_mutable);
        cli_json_key(j, "init");
        if (g->imported)
            cli_json_null(j);
        else
            json_put_const_expr(j, m, g->init);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_exports(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "exports");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->export_count; i++) {
        const aot_export *e = &m->exports[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "name");
        cli_json_name(j, &e->name);
        cli_json_key(j, "kind");
        cli_json_string(j, aot_extern_kind_name(e->kind));
        cli_json_key(j, "index");
        cli_json_uint(j, e->index);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_elements(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "elements");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const aot_elem *e = &m->elems[i];
        bool active = e->mode == AOT_SEGMENT_ACTIVE;
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        cli_json_key(j, "mode");
        cli_json_string(j, inspect_segment_mode_name(e->mode));
        cli_json_key(j, "table");
        if (active)
            cli_json_uint(j, e->table_index);
        else
            cli_json_null(j);
        cli_json_key(j, "offset_expr");
        if (active)
            json_put_const_expr(j, m, e->offset);
        else
            cli_json_null(j);
        cli_json_key(j, "type");
        cli_json_string(j, aot_valtype_name(e->type));
        cli_json_key(j, "count");
        cli_json_uint(j, e->count);
        cli_json_key(j, "func_indices");
        if (e->func_indices) {
            cli_json_begin_array(j, true);
            for (uint32_t k = 0; k < e->count; k++)
                cli_json_uint(j, e->func_indices[k]);
            cli_json_end_array(j);
        } else {
            cli_json_null(j);
        }
        cli_json_key(j, "exprs");
        if (!e->func_indices && e->exprs) {
            cli_json_begin_array(j, true);
            for (uint32_t k = 0; k < e->count; k++)
                json_put_const_expr(j, m, e->exprs[k]);
            cli_json_end_array(j);
        } else {
            cli_json_null(j);
        }
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_datas(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "data");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->data_count; i++) {
        const aot_data *d = &m->datas[i];
        bool active = d->mode == AOT_SEGMENT_ACTIVE;
        cli_json_begin_object(j, true);
        cli_json_key(j, "index");
        cli_json_uint(j, i);
        cli_json_key(j, "mode");
        cli_json_string(j, inspect_segment_mode_name(d->mode));
        cli_json_key(j, "memory");
        if (active)
            cli_json_uint(j, d->memory_index);
        else
            cli_json_null(j);
        cli_json_key(j, "offset_expr");
        if (active)
            json_put_const_expr(j, m, d->offset);
        else
            cli_json_null(j);
        cli_json_key(j, "size");
        cli_json_uint(j, d->size);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_put_customs(cli_json *j, const aot_module *m)
{
    cli_json_key(j, "customs");
    cli_json_begin_array(j, false);
    for (uint32_t i = 0; i < m->custom_count; i++) {
        const aot_custom *c = &m->customs[i];
        cli_json_begin_object(j, true);
        cli_json_key(j, "name");
        cli_json_name(j, &c->name);
        cli_json_key(j, "size");
        cli_json_uint(j, c->size);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void inspect_print_json(FILE *out, const char *path, const aot_module *m)
{
    cli_json j;
    cli_json_init(&j, out);
    cli_json_begin_object(&j, false);
    cli_json_key(&j, "file");
    cli_json_string(&j, path);
    cli_json_key(&j, "size");
    cli_json_uint(&j, m->size);
    cli_json_key(&j, "version");
    cli_json_uint(&j, inspect_binary_version(m));
    cli_json_key(&j, "module_name");
    if (m->has_module_name)
        cli_json_name(&j, &m->module_name);
    else
        cli_json_null(&j);
    json_put_sections(&j, m);
    json_put_types(&j, m);
    json_put_imports(&j, m);
    json_put_functions(&j, m);
    json_put_tables(&j, m);
    json_put_memories(&j, m);
    json_put_globals(&j, m);
    json_put_exports(&j, m);
    cli_json_key(&j, "start");
    if (m->has_start)
        cli_json_uint(&j, m->start_index);
    else
        cli_json_null(&j);
    json_put_elements(&j, m);
    json_put_datas(&j, m);
    json_put_customs(&j, m);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ---- the command ---- */

static int inspect_run(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    bool options_ended = false;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_ended || arg[0] != '-' || arg[1] == '\0') {
            if (path)
                return cli_usage_error("inspect", "only one file can be inspected at a time");
            path = arg;
        } else if (strcmp(arg, "--") == 0) {
            options_ended = true;
        } else if (cli_is_help_option(arg)) {
            inspect_print_help(stdout);
            return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        } else if (strcmp(arg, "--json") == 0) {
            json = true;
        } else {
            return cli_usage_error("inspect", "unknown option '%s'", arg);
        }
    }
    if (!path)
        return cli_usage_error("inspect", "no input file");

    cli_loaded_module loaded;
    if (!cli_load_module(path, &loaded))
        return CLI_EXIT_FAILURE;
    if (json)
        inspect_print_json(stdout, path, loaded.module);
    else
        inspect_print_text(stdout, path, loaded.module);
    cli_loaded_module_free(&loaded);
    return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

const cli_command cli_inspect_command = {
    .name = "inspect",
    .summary = "describe a module: sections, types, imports, exports, ...",
    .run = inspect_run,
    .print_help = inspect_print_help,
};
