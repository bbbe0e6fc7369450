/*
 * Unit tests for aot/decode.c, through aot_decode (and aot_load where the
 * module must also validate).
 *
 * Modules are assembled in the test from byte strings (unit_wasm.h).  One
 * table holds malformed inputs, each with the kind of error and the start of
 * the message the spec's reference interpreter gives (its wording is what
 * the conformance suite matches), and, where one byte is clearly the culprit,
 * its offset: the header (empty input, magic, version), section ids, section
 * order and duplicates, section sizes, vector counts and lengths, import and
 * export kinds, global mutability, limits flags, reference types, element
 * and data segment kinds, the data count, the function/code counts and the
 * number of locals.  The positive tests check the decoded model: function
 * types, import index spaces (imported functions, tables, memories and
 * globals come first), exports, memory limits, element and data segments,
 * local declarations, custom sections, section records, and the name
 * section, including that a damaged name section is dropped rather than
 * failing the module.
 */
#include <criterion/criterion.h>

#include "aot.h"
#include "unit_wasm.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum { HEADER = 8 };

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool name_is(const aot_name *n, const char *s)
{
    return n && n->len == strlen(s) && memcmp(n->bytes, s, n->len) == 0;
}

/* ------------------------------------------------------------------ */
/* Malformed modules                                                   */
/* ------------------------------------------------------------------ */

typedef struct bad_case {
    const char *name;
    bool raw;             /* the bytes are the whole input; otherwise the header is added */
    const uint8_t *bytes;
    size_t len;
    aot_error_kind kind;
    const char *prefix;   /* start of the message; NULL: any */
    long offset;          /* byte offset of the error; -1: not checked */
} bad_case;

#define RAW(name, s, prefix, off) {name, true, UW_STR(s), AOT_ERR_MALFORMED, prefix, off}
#define BAD(name, s, prefix, off) {name, false, UW_STR(s), AOT_ERR_MALFORMED, prefix, off}
#define BADK(name, s, kind, prefix, off) {name, false, UW_STR(s), kind, prefix, off}

/* Sections that recur below. */
#define TYPE_VOID   "\x01\x04\x01\x60\x00\x00" /* one type, [] -> [] */
#define FUNC_1      "\x03\x02\x01\x00"         /* one function of type 0 */
#define CODE_1      "\x0a\x04\x01\x02\x00\x0b" /* one empty body */

static const char UNEXPECTED_END[] = "unexpected end";
static const char AFTER_LAST[] = "unexpected content after last section";
static const char FUNC_CODE[] = "function and code section have inconsistent lengths";
static const char DATA_COUNT[] = "data count and data section have inconsistent lengths";

static const bad_case bad_cases[] = {
    /* The header. */
    RAW("empty input", "", UNEXPECTED_END, 0),
    RAW("truncated magic", "\x00\x61\x73", UNEXPECTED_END, -1),
    RAW("magic only", "\x00\x61\x73\x6d", UNEXPECTED_END, -1),
    RAW("truncated version", "\x00\x61\x73\x6d\x01\x00\x00", UNEXPECTED_END, -1),
    RAW("upper-case magic", "\x00\x41\x53\x4d\x01\x00\x00\x00", "magic header not detected", 0),
    RAW("ELF magic", "\x7f\x45\x4c\x46\x01\x00\x00\x00", "magic header not detected", 0),
    RAW("version 2", "\x00\x61\x73\x6d\x02\x00\x00\x00", "unknown binary version", 4),
    RAW("version 1 big-endian", "\x00\x61\x73\x6d\x00\x00\x00\x01", "unknown binary version", 4),
    RAW("version 0", "\x00\x61\x73\x6d\x00\x00\x00\x00", "unknown binary version", 4),
    RAW("two headers", "\x00\x61\x73\x6d\x01\x00\x00\x00\x00\x61\x73\x6d\x01\x00\x00\x00",
        "length out of bounds", 9),

    /* Section framing. */
    BAD("section id 13", "\x0d\x00", "malformed section id", HEADER),
    BAD("section id 0x7f", "\x7f\x00", "malformed section id", HEADER),
    BAD("section id 14 after a valid section", "\x01\x01\x00\x0e\x00", "malformed section id",
        HEADER + 3),
    BAD("section id without size", "\x01", UNEXPECTED_END, -1),
    BAD("section size beyond the end", "\x01\x05\x00", "length out of bounds", HEADER + 1),
    BAD("section size bad LEB128", "\x01\x80\x80\x80\x80\x10", "integer too large", HEADER + 1),
    BAD("section larger than its content", "\x01\x05\x01\x60\x00\x00\x00",
        "section size mismatch", -1),
    BAD("section smaller than its content", "\x01\x03\x01\x60\x00\x00",
        "section size mismatch", -1),
    BAD("empty memory section with a trailing byte", "\x05\x02\x00\x00",
        "section size mismatch", -1),
    BAD("custom section without a name", "\x00\x00", UNEXPECTED_END, -1),
    BAD("custom section name longer than the section", "\x00\x02\x05\x61\x62\x63\x64\x65",
        "length out of bounds", HEADER + 2),
    BAD("custom section name bad UTF-8", "\x00\x02\x01\xff", "malformed UTF-8 encoding",
        HEADER + 2),

    /* Order and duplicates. */
    BAD("function before type", "\x03\x01\x00\x01\x01\x00", AFTER_LAST, HEADER + 3),
    BAD("type twice", "\x01\x01\x00\x01\x01\x00", AFTER_LAST, HEADER + 3),
    BAD("memory twice", "\x05\x01\x00\x05\x01\x00", AFTER_LAST, HEADER + 3),
    BAD("data before code", "\x0b\x01\x00\x0a\x01\x00", AFTER_LAST, HEADER + 3),
    BAD("data count after code", "\x0a\x01\x00\x0c\x01\x00", AFTER_LAST, HEADER + 3),
    BAD("data count after data", "\x0b\x01\x00\x0c\x01\x00", AFTER_LAST, HEADER + 3),
    BAD("element after data count", "\x0c\x01\x00\x09\x01\x00", AFTER_LAST, HEADER + 3),
    BAD("start twice", TYPE_VOID FUNC_1 "\x08\x01\x00\x08\x01\x00" CODE_1, AFTER_LAST,
        HEADER + 13),
    BAD("custom does not reset the order", "\x03\x01\x00\x00\x02\x01\x61\x01\x01\x00",
        AFTER_LAST, HEADER + 7),

    /* Vectors and lengths. */
    BAD("type count beyond the end", "\x01\x01\x05", UNEXPECTED_END, -1),
    BAD("table count 1, no table", "\x04\x01\x01", UNEXPECTED_END, -1),
    BAD("import module name beyond the end", "\x02\x04\x01\x0a\x61\x62",
        "length out of bounds", HEADER + 3),
    BAD("import name bad UTF-8", "\x02\x06\x01\x01\xc0\x00\x00\x00",
        "malformed UTF-8 encoding", HEADER + 3),
    BAD("export name surrogate", "\x07\x07\x01\x03\xed\xa0\x80\x00\x00",
        "malformed UTF-8 encoding", HEADER + 3),
    BAD("function body size beyond the end", TYPE_VOID FUNC_1 "\x0a\x04\x01\x09\x00\x0b",
        "length out of bounds", HEADER + 13),
    BAD("global initializer without end", "\x06\x05\x01\x7f\x00\x41\x00", UNEXPECTED_END, -1),

    /* Types. */
    BAD("bad param type", "\x01\x05\x01\x60\x01\x7a\x00", "malformed value type", HEADER + 5),
    BAD("bad result type", "\x01\x05\x01\x60\x00\x01\x40", "malformed value type", HEADER + 6),
    BAD("function type form padded", "\x01\x05\x01\xe0\x7f\x00\x00",
        "integer representation too long", -1),
    BAD("function type form 0x61", "\x01\x04\x01\x61\x00\x00", NULL, HEADER + 3),

    /* Imports and exports. */
    BAD("import kind 4", "\x02\x04\x01\x00\x00\x04", "malformed import kind", HEADER + 5),
    BAD("import kind 5 with a byte after", "\x02\x05\x01\x00\x00\x05\x00",
        "malformed import kind", HEADER + 5),
    BAD("import kind 0x80", "\x02\x05\x01\x00\x00\x80\x00", "malformed import kind",
        HEADER + 5),
    BAD("import global mutability 2", "\x02\x06\x01\x00\x00\x03\x7f\x02",
        "malformed mutability", HEADER + 7),
    BAD("import global bad type", "\x02\x06\x01\x00\x00\x03\x40\x00", "malformed value type",
        HEADER + 6),
    BAD("import table bad reference type", "\x02\x07\x01\x00\x00\x01\x7e\x00\x00",
        "malformed reference type", HEADER + 6),
    BAD("import memory limits flag 2", "\x02\x06\x01\x00\x00\x02\x02\x00",
        "integer too large", -1),
    BAD("export kind 4", "\x07\x04\x01\x00\x04\x00", "malformed export kind", HEADER + 4),

    /* Globals, tables, memories. */
    BAD("global mutability 2", "\x06\x06\x01\x7f\x02\x41\x00\x0b", "malformed mutability",
        HEADER + 4),
    BAD("global mutability 0xff", "\x06\x06\x01\x7f\xff\x41\x00\x0b", "malformed mutability",
        HEADER + 4),
    BAD("ref.null of a number type", "\x06\x06\x01\x70\x00\xd0\x7f\x0b",
        "malformed reference type", HEADER + 6),
    BAD("table of i32", "\x04\x04\x01\x7f\x00\x00", "malformed reference type", HEADER + 3),
    BAD("table limits flag 2", "\x04\x04\x01\x70\x02\x00", "integer too large", -1),
    BAD("table limits flag 0x81 0x00", "\x04\x06\x01\x70\x81\x00\x00\x00",
        "integer representation too long", -1),
    BAD("memory limits flag 2", "\x05\x03\x01\x02\x00", "integer too large", -1),
    BAD("memory limits flag 0x81 0x00", "\x05\x05\x01\x81\x00\x00\x00",
        "integer representation too long", -1),
    BAD("memory limits flag 0x81 0x01", "\x05\x05\x01\x81\x01\x00\x00",
        "integer representation too long", -1),
    BAD("memory minimum bad LEB128", "\x05\x07\x01\x00\x80\x80\x80\x80\x10",
        "integer too large", -1),

    /* Element segments. */
    BAD("element flags 8", "\x09\x02\x01\x08", "malformed elements segment kind", HEADER + 3),
    BAD("element flags 128", "\x09\x03\x01\x80\x01", "malformed elements segment kind",
        HEADER + 3),
    BAD("element kind 1", "\x09\x04\x01\x01\x01\x00", "malformed element kind", HEADER + 4),
    BAD("element expressions of i32", "\x09\x07\x01\x05\x7f\x01\xd2\x00\x0b",
        "malformed reference type", HEADER + 4),

    /* Data segments and the data count. */
    BAD("data flags 3", "\x05\x03\x01\x00\x01\x0b\x02\x01\x03", "malformed data segment kind",
        HEADER + 8),
    BAD("data bytes beyond the end", "\x0b\x04\x01\x01\x05\x61", UNEXPECTED_END, -1),
    BAD("data count 2, 1 segment", "\x0c\x01\x02\x0b\x04\x01\x01\x01\x61", DATA_COUNT, -1),
    BAD("data count 0, 1 segment", "\x0c\x01\x00\x0b\x04\x01\x01\x01\x61", DATA_COUNT, -1),
    BAD("data count 1, no data section", "\x0c\x01\x01", DATA_COUNT, -1),

    /* Functions and code. */
    BAD("function without code", TYPE_VOID FUNC_1, FUNC_CODE, -1),
    BAD("one function, two bodies", TYPE_VOID FUNC_1 "\x0a\x07\x02\x02\x00\x0b\x02\x00\x0b",
        FUNC_CODE, -1),
    BAD("body without function section", TYPE_VOID CODE_1, FUNC_CODE, -1),
    BAD("bad local type", TYPE_VOID FUNC_1 "\x0a\x06\x01\x04\x01\x01\x40\x0b",
        "malformed value type", -1),
    BAD("locals beyond 2^32 - 1 (0xffffffff + 1)",
        TYPE_VOID FUNC_1 "\x0a\x0c\x01\x0a\x02\xff\xff\xff\xff\x0f\x7f\x01\x7e\x0b",
        "too many locals", -1),
    BAD("locals beyond 2^32 - 1 (2 x 2^31)",
        TYPE_VOID FUNC_1 "\x0a\x10\x01\x0e\x02\x80\x80\x80\x80\x08\x7f"
        "\x80\x80\x80\x80\x08\x7e\x0b",
        "too many locals", -1),
    /* 50001 locals: within the format, beyond waot's documented limit. */
    BADK("locals beyond waot's limit", TYPE_VOID FUNC_1 "\x0a\x08\x01\x06\x01\xd1\x86\x03\x7f\x0b",
         AOT_ERR_LIMIT, "too many locals", -1),
};

Test(decode_malformed, table)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        uw_buf b = {.len = 0};
        if (!c->raw)
            uw_header(&b);
        uw_bytes(&b, c->bytes, c->len);
        aot_error err;
        aot_error_clear(&err);
        aot_module *m = (aot_module *)&b; /* anything but NULL */
        bool ok = aot_decode(b.bytes, b.len, &m, &err);
        cr_expect(!ok, "%s: decoded", c->name);
        cr_expect_null(m, "%s: module returned on failure", c->name);
        if (ok) {
            aot_module_free(m);
            continue;
        }
        cr_expect_eq(err.kind, c->kind, "%s: kind %s, expected %s (\"%s\")", c->name,
                     aot_error_kind_name(err.kind), aot_error_kind_name(c->kind), err.message);
        if (c->prefix)
            cr_expect(starts_with(err.message, c->prefix), "%s: message \"%s\", expected \"%s...\"",
                      c->name, err.message, c->prefix);
        else
            cr_expect_neq(err.message[0], '\0', "%s: no message", c->name);
        if (c->offset >= 0)
            cr_expect_eq(err.offset, (size_t)c->offset, "%s: offset %zu, expected %ld (\"%s\")",
                         c->name, err.offset, c->offset, err.message);
        cr_expect_leq(err.offset, b.len, "%s: offset %zu beyond the input", c->name, err.offset);
    }
}

/* aot_load reports decoding errors the same way. */
Test(decode_malformed, load_reports_decode_errors)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_bytes(&b, UW_STR("\x0d\x00"));
    aot_error err;
    aot_error_clear(&err);
    aot_module *m = (aot_module *)&b;
    cr_expect(!aot_load(b.bytes, b.len, &m, &err));
    /* as aot_decode promises, and as aot_load does after a validation error */
    cr_expect_null(m, "aot_load left *out = %p after a decoding error", (void *)m);
    cr_expect_eq(err.kind, AOT_ERR_MALFORMED);
    cr_expect(starts_with(err.message, "malformed section id"), "message \"%s\"", err.message);
    cr_expect_eq(err.offset, HEADER);
}

/* The error inside a body names the function (imports counted). */
Test(decode_malformed, locals_error_names_the_function)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_bytes(&b, UW_STR(TYPE_VOID "\x02\x05\x01\x00\x00\x00\x00" "\x03\x03\x02\x00\x00"
                        "\x0a\x09\x02\x02\x00\x0b\x04\x01\x01\x40\x0b"));
    aot_error err;
    aot_error_clear(&err);
    aot_module *m = NULL;
    cr_expect(!aot_decode(b.bytes, b.len, &m, &err));
    cr_expect_eq(err.kind, AOT_ERR_MALFORMED);
    cr_expect(starts_with(err.message, "malformed value type"), "message \"%s\"", err.message);
    cr_expect_eq(err.func_index, 2, "func_index %lld", (long long)err.func_index);
}

/* ------------------------------------------------------------------ */
/* Decoded models                                                      */
/* ------------------------------------------------------------------ */

static aot_module *decode_ok(const uw_buf *b)
{
    aot_error err;
    aot_error_clear(&err);
    aot_module *m = NULL;
    bool ok = aot_decode(b->bytes, b->len, &m, &err);
    cr_assert(ok, "decode failed: %s at %zu", err.message, err.offset);
    cr_assert_not_null(m);
    cr_expect_eq(err.kind, AOT_OK);
    return m;
}

Test(decode_model, header_only)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    aot_module *m = decode_ok(&b);
    cr_expect_eq(m->bytes, b.bytes);
    cr_expect_eq(m->size, 8);
    cr_expect_eq(m->type_count, 0);
    cr_expect_eq(m->import_count, 0);
    cr_expect_eq(m->func_count, 0);
    cr_expect_eq(m->table_count, 0);
    cr_expect_eq(m->memory_count, 0);
    cr_expect_eq(m->global_count, 0);
    cr_expect_eq(m->export_count, 0);
    cr_expect_eq(m->elem_count, 0);
    cr_expect_eq(m->data_count, 0);
    cr_expect_eq(m->custom_count, 0);
    cr_expect_eq(m->section_count, 0);
    cr_expect(!m->has_start);
    cr_expect(!m->has_data_count);
    cr_expect(!m->has_module_name);
    cr_expect_null(aot_module_func_name(m, 0));
    aot_module_free(m);
}

/* Empty vectors everywhere, a zero data count with no data, and a section
 * size written as a padded LEB128. */
Test(decode_model, empty_sections)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_bytes(&b, UW_STR("\x01\x81\x80\x80\x80\x00\x00" /* type, size 1 padded */
                        "\x02\x01\x00\x03\x01\x00\x04\x01\x00\x05\x01\x00\x06\x01\x00"
                        "\x07\x01\x00\x09\x01\x00\x0c\x01\x00\x0a\x01\x00\x0b\x01\x00"));
    aot_module *m = decode_ok(&b);
    cr_expect_eq(m->section_count, 11);
    cr_expect_eq(m->sections[0].id, AOT_SECTION_TYPE);
    cr_expect_eq(m->sections[0].size, 1);
    cr_expect_eq(m->sections[0].content_offset, HEADER + 6);
    cr_expect(m->has_data_count);
    cr_expect_eq(m->data_count_value, 0);
    cr_expect_eq(m->data_count, 0);
    cr_expect_eq(m->func_count, 0);
    aot_module_free(m);
}

Test(decode_model, function_types)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_section(&b, AOT_SECTION_TYPE,
               UW_STR("\x03"
                      "\x60\x02\x7f\x7e\x01\x7d"                 /* (i32 i64) -> (f32) */
                      "\x60\x00\x00"                             /* () -> () */
                      "\x60\x03\x7b\x70\x6f\x02\x7c\x7f"));      /* (v128 funcref externref) -> (f64 i32) */
    aot_module *m = decode_ok(&b);
    cr_assert_eq(m->type_count, 3);

    const aot_functype *t = &m->types[0];
    cr_expect_eq(t->param_count, 2);
    cr_expect_eq(t->result_count, 1);
    cr_expect_eq(t->params[0], AOT_VT_I32);
    cr_expect_eq(t->params[1], AOT_VT_I64);
    cr_expect_eq(t->results[0], AOT_VT_F32);

    t = &m->types[1];
    cr_expect_eq(t->param_count, 0);
    cr_expect_eq(t->result_count, 0);

    t = &m->types[2];
    cr_expect_eq(t->param_count, 3);
    cr_expect_eq(t->result_count, 2);
    cr_expect_eq(t->params[0], AOT_VT_V128);
    cr_expect_eq(t->params[1], AOT_VT_FUNCREF);
    cr_expect_eq(t->params[2], AOT_VT_EXTERNREF);
    cr_expect_eq(t->results[0], AOT_VT_F64);
    cr_expect_eq(t->results[1], AOT_VT_I32);
    aot_module_free(m);
}

/* Imports of every kind interleaved, then definitions: each index space
 * lists its imports first, in import order. */
static void build_imports_module(uw_buf *b, size_t *section_offsets)
{
    uw_header(b);
    size_t s = 0;
    section_offsets[s++] = b->len;
    uw_section(b, AOT_SECTION_TYPE, UW_STR("\x02\x60\x00\x00\x60\x01\x7f\x01\x7f"));
    section_offsets[s++] = b->len;
    uw_section(b, AOT_SECTION_IMPORT,
               UW_STR("\x05"
                      "\x03" "env" "\x01" "f" "\x00\x01"                 /* func, type 1 */
                      "\x03" "env" "\x03" "mem" "\x02\x01\x01\x02"       /* memory 1..2 */
                      "\x03" "env" "\x01" "g" "\x03\x7f\x01"             /* global mut i32 */
                      "\x03" "env" "\x01" "t" "\x01\x70\x00\x00"         /* table funcref 0.. */
                      "\x03" "env" "\x01" "h" "\x00\x00"));              /* func, type 0 */
    section_offsets[s++] = b->len;
    uw_section(b, AOT_SECTION_FUNCTION, UW_STR("\x02\x00\x01"));
    section_offsets[s++] = b->len;
    uw_section(b, AOT_SECTION_TABLE, UW_STR("\x01\x6f\x01\x01\x05"));   /* externref 1..5 */
    section_offsets[s++] = b->len;
    uw_section(b, AOT_SECTION_GLOBAL, UW_STR("\x01\x7e\x00\x42\x07\x0b")); /* i64 = 7 */
    section_offsets[s++] = b->len;
    uw_section(b, AOT_SECTION_EXPORT,
               UW_STR("\x03"
                      "\x03" "run" "\x00\x03"
                      "\x03" "mem" "\x02\x00"
                      "\x02" "g2" "\x03\x01"));
    section_offsets[s++] = b->len;
    uw_section(b, AOT_SECTION_CODE, UW_STR("\x02\x02\x00\x0b\x04\x00\x20\x00\x0b"));
}

Test(decode_model, import_index_spaces)
{
    uw_buf b = {.len = 0};
    size_t offs[7];
    build_imports_module(&b, offs);
    aot_module *m = decode_ok(&b);

    cr_assert_eq(m->import_count, 5);
    cr_expect(name_is(&m->imports[0].module, "env"));
    cr_expect(name_is(&m->imports[0].field, "f"));
    cr_expect_eq(m->imports[0].kind, AOT_EXTERN_FUNC);
    cr_expect_eq(m->imports[0].desc.type_index, 1);
    cr_expect(name_is(&m->imports[1].field, "mem"));
    cr_expect_eq(m->imports[1].kind, AOT_EXTERN_MEMORY);
    cr_expect_eq(m->imports[2].kind, AOT_EXTERN_GLOBAL);
    cr_expect_eq(m->imports[3].kind, AOT_EXTERN_TABLE);
    cr_expect_eq(m->imports[4].kind, AOT_EXTERN_FUNC);
    /* the first entry starts after the section id, size and count */
    cr_expect_eq(m->imports[0].offset, offs[1] + 3);

    /* Functions: 2 imported, then 2 defined. */
    cr_assert_eq(m->func_count, 4);
    cr_expect_eq(m->imported_func_count, 2);
    cr_expect(m->funcs[0].imported);
    cr_expect_eq(m->funcs[0].import_index, 0);
    cr_expect_eq(m->funcs[0].type_index, 1);
    cr_expect(m->funcs[1].imported);
    cr_expect_eq(m->funcs[1].import_index, 4);
    cr_expect_eq(m->funcs[1].type_index, 0);
    cr_expect(!m->funcs[2].imported);
    cr_expect_eq(m->funcs[2].type_index, 0);
    cr_expect(!m->funcs[3].imported);
    cr_expect_eq(m->funcs[3].type_index, 1);
    cr_expect_eq(aot_module_func_type(m, 0), &m->types[1]);
    cr_expect_eq(aot_module_func_type(m, 3), &m->types[1]);

    /* Tables: the imported funcref table, then the defined externref one. */
    cr_assert_eq(m->table_count, 2);
    cr_expect_eq(m->imported_table_count, 1);
    cr_expect(m->tables[0].imported);
    cr_expect_eq(m->tables[0].type.elem_type, AOT_VT_FUNCREF);
    cr_expect_eq(m->tables[0].type.limits.min, 0);
    cr_expect(!m->tables[0].type.limits.has_max);
    cr_expect(!m->tables[1].imported);
    cr_expect_eq(m->tables[1].type.elem_type, AOT_VT_EXTERNREF);
    cr_expect_eq(m->tables[1].type.limits.min, 1);
    cr_expect(m->tables[1].type.limits.has_max);
    cr_expect_eq(m->tables[1].type.limits.max, 5);

    /* Memory: imported only. */
    cr_assert_eq(m->memory_count, 1);
    cr_expect_eq(m->imported_memory_count, 1);
    cr_expect(m->memories[0].imported);
    cr_expect_eq(m->memories[0].type.limits.min, 1);
    cr_expect(m->memories[0].type.limits.has_max);
    cr_expect_eq(m->memories[0].type.limits.max, 2);

    /* Globals: imported mutable i32, then the defined immutable i64. */
    cr_assert_eq(m->global_count, 2);
    cr_expect_eq(m->imported_global_count, 1);
    cr_expect(m->globals[0].imported);
    cr_expect(m->globals[0].type.is_mutable);
    cr_expect_eq(m->globals[0].type.type, AOT_VT_I32);
    cr_expect(!m->globals[1].imported);
    cr_expect(!m->globals[1].type.is_mutable);
    cr_expect_eq(m->globals[1].type.type, AOT_VT_I64);
    cr_expect_eq(m->globals[1].init.end - m->globals[1].init.start, 3);
    cr_expect_eq(m->globals[1].init.start[0], 0x42);
    cr_expect_eq(m->globals[1].init.end[-1], 0x0b);

    /* Exports. */
    cr_assert_eq(m->export_count, 3);
    cr_expect(name_is(&m->exports[0].name, "run"));
    cr_expect_eq(m->exports[0].kind, AOT_EXTERN_FUNC);
    cr_expect_eq(m->exports[0].index, 3);
    cr_expect(name_is(&m->exports[1].name, "mem"));
    cr_expect_eq(m->exports[1].kind, AOT_EXTERN_MEMORY);
    cr_expect_eq(m->exports[1].index, 0);
    cr_expect(name_is(&m->exports[2].name, "g2"));
    cr_expect_eq(m->exports[2].kind, AOT_EXTERN_GLOBAL);
    cr_expect_eq(m->exports[2].index, 1);
    cr_expect_eq(m->exports[0].offset, offs[5] + 3);

    /* Bodies: [] -> [] is `end`; (i32) -> (i32) is `local.get 0; end`. */
    cr_expect_eq(m->funcs[2].local_count, 0);
    cr_expect_eq(m->funcs[2].code[0], 0x0b);
    cr_expect_eq(m->funcs[2].body_end - m->funcs[2].body, 2);
    cr_expect_eq(m->funcs[3].code[0], 0x20);
    cr_expect_eq(m->funcs[3].body_end - m->funcs[3].body, 4);
    cr_expect_eq(m->code_section_offset, offs[6] + 2);

    /* Section records, in file order. */
    static const uint8_t ids[] = {1, 2, 3, 4, 6, 7, 10};
    cr_assert_eq(m->section_count, 7);
    for (uint32_t i = 0; i < 7; i++) {
        cr_expect_eq(m->sections[i].id, ids[i], "section %u id %u", i, m->sections[i].id);
        cr_expect_eq(m->sections[i].offset, offs[i], "section %u offset", i);
        cr_expect_eq(m->sections[i].content_offset, offs[i] + 2, "section %u content", i);
        size_t next = i + 1 < 7 ? offs[i + 1] : b.len;
        cr_expect_eq(m->sections[i].size, next - offs[i] - 2, "section %u size", i);
    }

    /* The module is also valid. */
    aot_error err;
    aot_error_clear(&err);
    cr_expect(aot_validate(m, &err), "validate: %s", err.message);
    aot_module_free(m);
}

Test(decode_model, memory_limits)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    /* min 3 (padded), no max; then min 0, max 65536 */
    uw_section(&b, AOT_SECTION_MEMORY, UW_STR("\x02\x00\x83\x00\x01\x00\x80\x80\x04"));
    aot_module *m = decode_ok(&b);
    cr_assert_eq(m->memory_count, 2);
    cr_expect_eq(m->imported_memory_count, 0);
    cr_expect(!m->memories[0].imported);
    cr_expect_eq(m->memories[0].type.limits.min, 3);
    cr_expect(!m->memories[0].type.limits.has_max);
    cr_expect_eq(m->memories[1].type.limits.min, 0);
    cr_expect(m->memories[1].type.limits.has_max);
    cr_expect_eq(m->memories[1].type.limits.max, 65536);
    aot_module_free(m);
}

Test(decode_model, data_segments)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_section(&b, AOT_SECTION_MEMORY, UW_STR("\x01\x00\x01"));
    uw_section(&b, AOT_SECTION_DATA_COUNT, UW_STR("\x03"));
    size_t data_at = b.len + 2;
    uw_section(&b, AOT_SECTION_DATA,
               UW_STR("\x03"
                      "\x00\x41\x08\x0b\x03" "hi!"          /* active, memory 0, offset 8 */
                      "\x01\x03" "xyz"                      /* passive */
                      "\x02\x00\x41\x10\x0b\x00"));         /* active, explicit memory 0, empty */
    aot_module *m = decode_ok(&b);
    cr_expect(m->has_data_count);
    cr_expect_eq(m->data_count_value, 3);
    cr_assert_eq(m->data_count, 3);

    const aot_data *d = &m->datas[0];
    cr_expect_eq(d->mode, AOT_SEGMENT_ACTIVE);
    cr_expect_eq(d->memory_index, 0);
    cr_expect_eq(d->offset.start, b.bytes + data_at + 2);
    cr_expect_eq(d->offset.end - d->offset.start, 3);
    cr_expect_eq(d->size, 3);
    cr_expect(d->bytes && memcmp(d->bytes, "hi!", 3) == 0);
    cr_expect_eq(d->bytes, b.bytes + data_at + 6);
    cr_expect_eq(d->file_offset, data_at + 1);

    d = &m->datas[1];
    cr_expect_eq(d->mode, AOT_SEGMENT_PASSIVE);
    cr_expect_eq(d->size, 3);
    cr_expect(d->bytes && memcmp(d->bytes, "xyz", 3) == 0);
    cr_expect_eq(d->file_offset, data_at + 9);

    d = &m->datas[2];
    cr_expect_eq(d->mode, AOT_SEGMENT_ACTIVE);
    cr_expect_eq(d->memory_index, 0);
    cr_expect_eq(d->size, 0);
    cr_expect_eq(d->offset.start[0], 0x41);
    cr_expect_eq(d->offset.start[1], 0x10);

    aot_error err;
    aot_error_clear(&err);
    cr_expect(aot_validate(m, &err), "validate: %s", err.message);
    aot_module_free(m);
}

/* All eight element segment encodings. */
Test(decode_model, element_segments)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_section(&b, AOT_SECTION_TYPE, UW_STR("\x01\x60\x00\x00"));
    uw_section(&b, AOT_SECTION_FUNCTION, UW_STR("\x02\x00\x00"));
    uw_section(&b, AOT_SECTION_TABLE, UW_STR("\x01\x70\x00\x04"));
    uw_section(&b, AOT_SECTION_ELEMENT,
               UW_STR("\x09"
                      "\x00\x41\x00\x0b\x01\x00"                 /* 0: active, table 0, [f0] */
                      "\x01\x00\x02\x00\x01"                     /* 1: passive, [f0 f1] */
                      "\x02\x00\x41\x01\x0b\x00\x01\x01"         /* 2: active, table 0, [f1] */
                      "\x03\x00\x01\x00"                         /* 3: declarative, [f0] */
                      "\x04\x41\x02\x0b\x02\xd2\x00\x0b\xd0\x70\x0b" /* 4: active, exprs */
                      "\x05\x70\x01\xd2\x01\x0b"                 /* 5: passive funcref exprs */
                      "\x06\x00\x41\x03\x0b\x70\x01\xd0\x70\x0b" /* 6: active, table 0, exprs */
                      "\x07\x70\x01\xd2\x00\x0b"                 /* 7: declarative exprs */
                      "\x05\x6f\x01\xd0\x6f\x0b"));              /* 5: passive externref */
    uw_section(&b, AOT_SECTION_CODE, UW_STR("\x02\x02\x00\x0b\x02\x00\x0b"));
    aot_module *m = decode_ok(&b);
    cr_assert_eq(m->elem_count, 9);

    static const struct {
        aot_segment_mode mode;
        aot_valtype type;
        uint32_t count;
        bool exprs;
        uint8_t offset_value; /* active only: the i32.const operand */
    } want[] = {
        {AOT_SEGMENT_ACTIVE, AOT_VT_FUNCREF, 1, false, 0},
        {AOT_SEGMENT_PASSIVE, AOT_VT_FUNCREF, 2, false, 0},
        {AOT_SEGMENT_ACTIVE, AOT_VT_FUNCREF, 1, false, 1},
        {AOT_SEGMENT_DECLARATIVE, AOT_VT_FUNCREF, 1, false, 0},
        {AOT_SEGMENT_ACTIVE, AOT_VT_FUNCREF, 2, true, 2},
        {AOT_SEGMENT_PASSIVE, AOT_VT_FUNCREF, 1, true, 0},
        {AOT_SEGMENT_ACTIVE, AOT_VT_FUNCREF, 1, true, 3},
        {AOT_SEGMENT_DECLARATIVE, AOT_VT_FUNCREF, 1, true, 0},
        {AOT_SEGMENT_PASSIVE, AOT_VT_EXTERNREF, 1, true, 0},
    };
    for (uint32_t i = 0; i < 9; i++) {
        const aot_elem *el = &m->elems[i];
        cr_expect_eq(el->mode, want[i].mode, "segment %u mode %d", i, el->mode);
        cr_expect_eq(el->type, want[i].type, "segment %u type 0x%02x", i, el->type);
        cr_expect_eq(el->count, want[i].count, "segment %u count %u", i, el->count);
        if (want[i].exprs) {
            cr_expect_not_null(el->exprs, "segment %u: no expressions", i);
            cr_expect_null(el->func_indices, "segment %u: function indices too", i);
        } else {
            cr_expect_not_null(el->func_indices, "segment %u: no function indices", i);
            cr_expect_null(el->exprs, "segment %u: expressions too", i);
        }
        if (want[i].mode == AOT_SEGMENT_ACTIVE) {
            cr_expect_eq(el->table_index, 0, "segment %u table %u", i, el->table_index);
            cr_expect_eq(el->offset.start[0], 0x41, "segment %u offset opcode", i);
            cr_expect_eq(el->offset.start[1], want[i].offset_value, "segment %u offset", i);
        }
    }
    cr_expect_eq(m->elems[1].func_indices[0], 0);
    cr_expect_eq(m->elems[1].func_indices[1], 1);
    cr_expect_eq(m->elems[2].func_indices[0], 1);
    cr_expect_eq(m->elems[4].exprs[0].start[0], 0xd2);
    cr_expect_eq(m->elems[4].exprs[1].start[0], 0xd0);
    cr_expect_eq(m->elems[4].exprs[1].end - m->elems[4].exprs[1].start, 3);

    aot_error err;
    aot_error_clear(&err);
    cr_expect(aot_validate(m, &err), "validate: %s", err.message);
    aot_module_free(m);
}

Test(decode_model, locals_and_start)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_section(&b, AOT_SECTION_TYPE, UW_STR("\x01\x60\x00\x00"));
    uw_section(&b, AOT_SECTION_FUNCTION, UW_STR("\x02\x00\x00"));
    uw_section(&b, AOT_SECTION_START, UW_STR("\x01"));
    size_t code_at = b.len + 2;
    /* body 0: 2 i32 + 3 i64; body 1: 50000 f32, waot's limit exactly */
    uw_section(&b, AOT_SECTION_CODE,
               UW_STR("\x02\x06\x02\x02\x7f\x03\x7e\x0b\x06\x01\xd0\x86\x03\x7d\x0b"));
    aot_module *m = decode_ok(&b);
    cr_expect(m->has_start);
    cr_expect_eq(m->start_index, 1);
    cr_assert_eq(m->func_count, 2);
    const aot_func *f = &m->funcs[0];
    cr_expect_eq(f->body, b.bytes + code_at + 2);
    cr_expect_eq(f->local_decl_count, 2);
    cr_expect_eq(f->local_count, 5);
    cr_expect_eq(f->code, f->body + 5);
    cr_expect_eq(f->body_end, f->body + 6);
    f = &m->funcs[1];
    cr_expect_eq(f->local_decl_count, 1);
    cr_expect_eq(f->local_count, 50000);
    cr_expect_eq(f->code[0], 0x0b);
    cr_expect_eq(f->body_end, b.bytes + b.len);
    aot_module_free(m);
}

Test(decode_model, custom_sections)
{
    uw_buf b = {.len = 0};
    uw_header(&b);
    uw_section(&b, AOT_SECTION_CUSTOM, UW_STR("\x00"));                  /* empty name */
    uw_section(&b, AOT_SECTION_TYPE, UW_STR("\x01\x60\x00\x00"));
    uw_section(&b, AOT_SECTION_CUSTOM, UW_STR("\x03" "abc" "\x01\x02")); /* between */
    uw_section(&b, AOT_SECTION_FUNCTION, UW_STR("\x00"));
    /* A payload that looks like sections must not be read as such. */
    uw_section(&b, AOT_SECTION_CUSTOM, UW_STR("\x01" "z" "\x01\x04\x01\x60\x00\x00"));
    aot_module *m = decode_ok(&b);
    cr_assert_eq(m->custom_count, 3);
    cr_expect_eq(m->customs[0].name.len, 0);
    cr_expect_eq(m->customs[0].size, 0);
    cr_expect(name_is(&m->customs[1].name, "abc"));
    cr_expect_eq(m->customs[1].size, 2);
    cr_expect(m->customs[1].bytes[0] == 1 && m->customs[1].bytes[1] == 2);
    cr_expect(name_is(&m->customs[2].name, "z"));
    cr_expect_eq(m->customs[2].size, 6);
    cr_expect_eq(m->customs[2].bytes + 6, b.bytes + b.len);
    cr_expect_eq(m->type_count, 1);
    cr_expect_eq(m->section_count, 5);
    cr_expect_eq(m->sections[2].id, AOT_SECTION_CUSTOM);
    cr_expect_eq(m->sections[3].id, AOT_SECTION_FUNCTION);
    aot_module_free(m);
}

/* ------------------------------------------------------------------ */
/* The name section                                                    */
/* ------------------------------------------------------------------ */

/* One imported and two defined functions ([] -> []), with `name_payload`
 * (the name section after its "name" field) between the function and code
 * sections, so decoding must also resume correctly after it. */
static void build_named_module(uw_buf *b, const uint8_t *name_payload, size_t len)
{
    uw_header(b);
    uw_section(b, AOT_SECTION_TYPE, UW_STR("\x01\x60\x00\x00"));
    uw_section(b, AOT_SECTION_IMPORT, UW_STR("\x01\x03" "env" "\x01" "f" "\x00\x00"));
    uw_section(b, AOT_SECTION_FUNCTION, UW_STR("\x02\x00\x00"));
    uw_buf custom = {.len = 0};
    uw_bytes(&custom, UW_STR("\x04" "name"));
    uw_bytes(&custom, name_payload, len);
    uw_section(b, AOT_SECTION_CUSTOM, custom.bytes, custom.len);
    uw_section(b, AOT_SECTION_CODE, UW_STR("\x02\x02\x00\x0b\x02\x00\x0b"));
}

Test(decode_names, function_module_and_local_names)
{
    uw_buf b = {.len = 0};
    build_named_module(&b, UW_STR("\x00\x04\x03" "mod"                          /* module name */
                                  "\x01\x0b\x02\x00\x03" "imp" "\x02\x03" "two" /* functions */
                                  "\x02\x06\x01\x02\x01\x00\x01" "x"));         /* locals */
    aot_module *m = decode_ok(&b);
    cr_expect_eq(m->func_count, 3);
    cr_expect(m->has_module_name);
    cr_expect(name_is(&m->module_name, "mod"));
    cr_expect_eq(m->func_name_count, 2);
    cr_expect(name_is(aot_module_func_name(m, 0), "imp"), "name of function 0");
    cr_expect_null(aot_module_func_name(m, 1));
    cr_expect(name_is(aot_module_func_name(m, 2), "two"), "name of function 2");
    cr_expect_null(aot_module_func_name(m, 3));
    cr_expect_null(aot_module_func_name(m, UINT32_MAX));
    cr_assert_eq(m->local_names_count, 1);
    cr_expect_eq(m->local_names[0].func_index, 2);
    cr_assert_eq(m->local_names[0].count, 1);
    cr_expect_eq(m->local_names[0].names[0].index, 0);
    cr_expect(name_is(&m->local_names[0].names[0].name, "x"));
    cr_assert_eq(m->custom_count, 1);
    cr_expect(name_is(&m->customs[0].name, "name"));
    aot_module_free(m);
}

/* Subsections of later proposals are skipped, the known ones still read. */
Test(decode_names, unknown_subsection_skipped)
{
    uw_buf b = {.len = 0};
    build_named_module(&b, UW_STR("\x07\x03\xaa\xbb\xcc"
                                  "\x01\x07\x01\x01\x04" "mid!"));
    aot_module *m = decode_ok(&b);
    cr_expect(name_is(aot_module_func_name(m, 1), "mid!"));
    cr_expect_null(aot_module_func_name(m, 0));
    aot_module_free(m);
}

typedef struct broken_names {
    const char *name;
    const uint8_t *payload;
    size_t len;
} broken_names;

/* Each starts with a good module name subsection, which must be dropped
 * along with the rest. */
#define MODNAME "\x00\x04\x03" "mod"
static const broken_names broken_name_sections[] = {
    {"function names out of order", UW_STR(MODNAME "\x01\x0b\x02\x02\x03" "two" "\x00\x03" "imp")},
    {"duplicate function index", UW_STR(MODNAME "\x01\x0b\x02\x00\x03" "one" "\x00\x03" "imp")},
    {"subsection size beyond the section", UW_STR(MODNAME "\x01\x20\x01\x00\x01" "a")},
    {"bad UTF-8 in a function name", UW_STR(MODNAME "\x01\x04\x01\x00\x01\xff")},
    {"subsection with trailing bytes", UW_STR(MODNAME "\x01\x05\x01\x00\x01" "a" "\x00")},
    {"name count beyond the subsection", UW_STR(MODNAME "\x01\x04\x03\x00\x01" "a")},
    {"truncated after the subsection id", UW_STR(MODNAME "\x01")},
    {"bad module name", UW_STR("\x00\x02\x01\xc0" "\x01\x05\x01\x00\x02" "ok")},
    {"local names out of order", UW_STR(MODNAME "\x02\x05\x02\x02\x00\x01\x00")},
};

Test(decode_names, damaged_name_section_is_ignored)
{
    for (size_t i = 0; i < sizeof broken_name_sections / sizeof broken_name_sections[0]; i++) {
        const broken_names *c = &broken_name_sections[i];
        uw_buf b = {.len = 0};
        build_named_module(&b, c->payload, c->len);
        aot_error err;
        aot_error_clear(&err);
        aot_module *m = NULL;
        bool ok = aot_load(b.bytes, b.len, &m, &err);
        cr_expect(ok, "%s: module rejected: %s", c->name, err.message);
        if (!ok)
            continue;
        cr_expect_eq(err.kind, AOT_OK, "%s: error recorded", c->name);
        cr_expect(!m->has_module_name, "%s: module name kept", c->name);
        cr_expect_eq(m->func_name_count, 0, "%s: %u function names kept", c->name,
                     m->func_name_count);
        cr_expect_eq(m->local_names_count, 0, "%s: local names kept", c->name);
        cr_expect_null(aot_module_func_name(m, 0), "%s: function 0 named", c->name);
        cr_expect_null(aot_module_func_name(m, 2), "%s: function 2 named", c->name);
        cr_expect_eq(m->custom_count, 1, "%s: custom section not recorded", c->name);
        cr_expect_eq(m->func_count, 3, "%s: functions after the name section lost", c->name);
        aot_module_free(m);
    }
}
