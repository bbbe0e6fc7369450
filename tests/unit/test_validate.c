/*
 * Unit tests for aot/validate.c and aot/validate_func.c, through aot_load.
 *
 * The body table runs one function body per row inside a fixed context
 * module (types, an imported function and global, two tables, a memory,
 * globals of each mutability, an export, an element segment and a data
 * segment; see build_context) and expects either success or an error whose
 * message starts with the spec's wording.  It covers the operand stack and
 * the polymorphic stack of unreachable code, locals, globals, memory
 * alignment, SIMD lane indices, calls, references and declared function
 * references, untyped and typed select, block types given by type index
 * (multi-value parameters and results), loops, `if` with and without
 * `else`, br_table arity, and malformed bodies.  A failing row also checks
 * that the error names the function by its index counting imports and
 * points at the offending instruction.  The module table covers the rules
 * about the module as a whole: constant expressions, exports, the start
 * function, memories and limits, element and data segments, type indices.
 * The last tests check the order of errors: a malformed body is reported
 * even when an earlier body, or the module, is already invalid.
 */
#include <criterion/criterion.h>

#include "aot.h"
#include "unit_wasm.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------ */
/* The context module                                                  */
/* ------------------------------------------------------------------ */

/*
 * types      T0 [] -> []            T1 [] -> [i32]        T2 [i32] -> [i32]
 *            T3 [i32 i32] -> [i32]  T4 [] -> [i32 i64]    T5 [i32] -> [i32 i32]
 *            T6 [] -> [funcref]     T7 [i32] -> []        T8 [] -> [v128]
 *            T9 [] -> [f32]         T10 [i64] -> [i64]
 * functions  0 imported (T2); 1 the function under test; 2 exported (T0);
 *            3 referenced nowhere (T0); 4 in an element segment (T0)
 * tables     0 funcref, 1 externref
 * memory     0, one page
 * globals    0 imported immutable i32; 1 mutable i32; 2 immutable i64;
 *            3 mutable f32
 * elements   0 passive [4]
 * data       0 passive "ab" (with a data count section)
 */
enum { T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10 };
enum { FUNC_UNDER_TEST = 1 };

/* Builds the context with `body` (local declarations and code) as function
 * 1's body; returns the module offset of the body's first byte. */
static size_t build_context(uw_buf *b, uint32_t type, const uint8_t *body, size_t body_len)
{
    uw_header(b);
    uw_section(b, AOT_SECTION_TYPE,
               UW_STR("\x0b"
                      "\x60\x00\x00"
                      "\x60\x00\x01\x7f"
                      "\x60\x01\x7f\x01\x7f"
                      "\x60\x02\x7f\x7f\x01\x7f"
                      "\x60\x00\x02\x7f\x7e"
                      "\x60\x01\x7f\x02\x7f\x7f"
                      "\x60\x00\x01\x70"
                      "\x60\x01\x7f\x00"
                      "\x60\x00\x01\x7b"
                      "\x60\x00\x01\x7d"
                      "\x60\x01\x7e\x01\x7e"));
    uw_section(b, AOT_SECTION_IMPORT,
               UW_STR("\x02"
                      "\x01" "m" "\x01" "f" "\x00\x02"
                      "\x01" "m" "\x01" "g" "\x03\x7f\x00"));
    uint8_t funcs[] = {4, (uint8_t)type, T0, T0, T0};
    uw_section(b, AOT_SECTION_FUNCTION, funcs, sizeof funcs);
    uw_section(b, AOT_SECTION_TABLE, UW_STR("\x02\x70\x00\x01\x6f\x00\x01"));
    uw_section(b, AOT_SECTION_MEMORY, UW_STR("\x01\x00\x01"));
    uw_section(b, AOT_SECTION_GLOBAL,
               UW_STR("\x03"
                      "\x7f\x01\x41\x00\x0b"
                      "\x7e\x00\x42\x00\x0b"
                      "\x7d\x01\x43\x00\x00\x00\x00\x0b"));
    uw_section(b, AOT_SECTION_EXPORT, UW_STR("\x01\x02" "f2" "\x00\x02"));
    uw_section(b, AOT_SECTION_ELEMENT, UW_STR("\x01\x01\x00\x01\x04"));
    uw_section(b, AOT_SECTION_DATA_COUNT, UW_STR("\x01"));

    uw_buf code = {.len = 0};
    uw_u32(&code, 4);
    uw_u32(&code, (uint32_t)body_len);
    size_t body_in_code = code.len;
    uw_bytes(&code, body, body_len);
    for (int i = 0; i < 3; i++)
        uw_bytes(&code, UW_STR("\x02\x00\x0b"));
    uw_byte(b, AOT_SECTION_CODE);
    uw_u32(b, (uint32_t)code.len);
    size_t body_at = b->len + body_in_code;
    uw_bytes(b, code.bytes, code.len);

    uw_section(b, AOT_SECTION_DATA, UW_STR("\x01\x01\x02" "ab"));
    return body_at;
}

/* ------------------------------------------------------------------ */
/* Function bodies                                                     */
/* ------------------------------------------------------------------ */

typedef struct body_case {
    const char *name;
    uint32_t type;
    const uint8_t *locals; /* local declarations; empty for none */
    size_t locals_len;
    const uint8_t *code;   /* instructions, up to and including the final end */
    size_t code_len;
    const char *expect;    /* NULL: valid; else the message prefix ("" for any) */
    aot_error_kind kind;
    long at;               /* offset of the failing instruction in `code`; -1: unchecked */
} body_case;

#define OK(name, type, code) {name, type, UW_STR(""), UW_STR(code), NULL, AOT_OK, -1}
#define OKL(name, type, locals, code) {name, type, UW_STR(locals), UW_STR(code), NULL, AOT_OK, -1}
#define BAD(name, type, code, msg, at) \
    {name, type, UW_STR(""), UW_STR(code), msg, AOT_ERR_INVALID, at}
#define BADL(name, type, locals, code, msg, at) \
    {name, type, UW_STR(locals), UW_STR(code), msg, AOT_ERR_INVALID, at}
#define MAL(name, type, code, msg) \
    {name, type, UW_STR(""), UW_STR(code), msg, AOT_ERR_MALFORMED, -1}

static const char MISMATCH[] = "type mismatch";

/* v128.const 0 */
#define V128Z "\xfd\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

static const body_case body_cases[] = {
    /* The operand stack. */
    OK("empty body", T0, "\x0b"),
    OK("constant result", T1, "\x41\x01\x0b"),
    BAD("missing result", T1, "\x0b", MISMATCH, 0),
    BAD("extra value at the end", T0, "\x41\x01\x0b", MISMATCH, 2),
    BAD("result of the wrong type", T1, "\x42\x01\x0b", MISMATCH, 2),
    BAD("i32.add of i32 and i64", T1, "\x41\x01\x42\x01\x6a\x0b", MISMATCH, 4),
    BAD("i32.add with one operand", T1, "\x41\x01\x6a\x0b", MISMATCH, 2),
    OK("i64.add of a parameter", T10, "\x20\x00\x42\x01\x7c\x0b"),
    BAD("i32.eqz of f32", T1, "\x43\x00\x00\x00\x00\x45\x0b", MISMATCH, 5),
    OK("multi-value result", T4, "\x41\x01\x42\x02\x0b"),
    BAD("multi-value result swapped", T4, "\x42\x02\x41\x01\x0b", MISMATCH, 4),

    /* Unreachable code: the stack is polymorphic. */
    OK("unreachable; i32.add", T1, "\x00\x6a\x0b"),
    BAD("unreachable; i64.const 0; i32.add", T1, "\x00\x42\x00\x6a\x0b", MISMATCH, 3),
    OK("unreachable satisfies any result", T4, "\x00\x0b"),
    OK("unreachable; drop; drop", T0, "\x00\x1a\x1a\x0b"),
    BAD("unreachable; wrong result type", T1, "\x00\x42\x00\x0b", MISMATCH, 3),
    OK("values before unreachable are dropped", T1, "\x42\x00\x00\x6a\x0b"),
    OK("code after br is unreachable", T1, "\x41\x00\x0c\x00\x6a\x0b"),
    BAD("br without its value", T1, "\x0c\x00\x0b", MISMATCH, 0),
    OK("code after return is unreachable", T1, "\x41\x01\x0f\x6a\x0b"),
    BAD("return of the wrong type", T1, "\x42\x01\x0f\x0b", MISMATCH, 2),
    BAD("unreachable does not leak out of its block", T0, "\x02\x40\x00\x0b\x6a\x0b",
        MISMATCH, 4),

    /* Locals. */
    OK("parameter", T2, "\x20\x00\x0b"),
    BAD("unknown local", T2, "\x20\x01\x0b", "unknown local", 0),
    BADL("declared local of the wrong type", T2, "\x01\x01\x7e", "\x20\x01\x0b", MISMATCH, 2),
    OKL("locals follow the parameters", T10, "\x02\x01\x7f\x02\x7e", "\x20\x03\x0b"),
    BADL("past the declared locals", T10, "\x02\x01\x7f\x02\x7e", "\x20\x04\x0b",
         "unknown local", 0),
    BAD("local.set of the wrong type", T2, "\x42\x00\x21\x00\x20\x00\x0b", MISMATCH, 2),
    OK("local.tee", T2, "\x41\x05\x22\x00\x0b"),

    /* Globals. */
    OK("global.get of the import", T1, "\x23\x00\x0b"),
    BAD("unknown global", T1, "\x23\x04\x0b", "unknown global", 0),
    BAD("global.set of the immutable import", T0, "\x41\x00\x24\x00\x0b",
        "global is immutable", 2),
    BAD("global.set of an immutable global", T0, "\x42\x00\x24\x02\x0b",
        "global is immutable", 2),
    OK("global.set of a mutable global", T0, "\x41\x00\x24\x01\x0b"),
    BAD("global.set of the wrong type", T0, "\x42\x00\x24\x01\x0b", MISMATCH, 2),
    BAD("global.get of the wrong type", T9, "\x23\x01\x0b", MISMATCH, 2),

    /* Memory. */
    OK("i32.load, natural alignment", T1, "\x41\x00\x28\x02\x00\x0b"),
    OK("i32.load, alignment 1", T1, "\x41\x00\x28\x00\x00\x0b"),
    BAD("i32.load, alignment 8", T1, "\x41\x00\x28\x03\x00\x0b",
        "alignment must not be larger than natural", 2),
    OK("i64.load, alignment 8", T0, "\x41\x00\x29\x03\x00\x1a\x0b"),
    BAD("i64.load, alignment 16", T0, "\x41\x00\x29\x04\x00\x1a\x0b",
        "alignment must not be larger than natural", 2),
    BAD("i32.load8_u, alignment 2", T1, "\x41\x00\x2d\x01\x00\x0b",
        "alignment must not be larger than natural", 2),
    OK("i32.store", T0, "\x41\x00\x41\x01\x36\x02\x00\x0b"),
    BAD("i32.store of i64", T0, "\x41\x00\x42\x01\x36\x02\x00\x0b", MISMATCH, 4),
    BAD("i32.load of an i64 address", T1, "\x42\x00\x28\x02\x00\x0b", MISMATCH, 2),
    OK("memory.size and memory.grow", T1, "\x3f\x00\x40\x00\x0b"),
    OK("memory.init and data.drop", T0,
       "\x41\x00\x41\x00\x41\x02\xfc\x08\x00\x00\xfc\x09\x00\x0b"),
    BAD("data.drop of an unknown segment", T0, "\xfc\x09\x01\x0b", "unknown data segment", 0),

    /* SIMD lane indices. */
    OK("i8x16.extract_lane_s 15", T1, V128Z "\xfd\x15\x0f\x0b"),
    BAD("i8x16.extract_lane_s 16", T1, V128Z "\xfd\x15\x10\x0b", "invalid lane index", 18),
    BAD("f64x2.extract_lane 2", T0, V128Z "\xfd\x21\x02\x1a\x0b", "invalid lane index", 18),
    BAD("i32x4.replace_lane 4", T8, V128Z "\x41\x00\xfd\x1c\x04\x0b", "invalid lane index", 20),
    OK("i8x16.shuffle lane 31", T8,
       V128Z V128Z "\xfd\x0d\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x1f\x0b"),
    BAD("i8x16.shuffle lane 32", T8,
        V128Z V128Z "\xfd\x0d\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x20\x0b",
        "invalid lane index", 36),
    OK("v128.load8_lane 15", T8, "\x41\x00" V128Z "\xfd\x54\x00\x00\x0f\x0b"),
    BAD("v128.load8_lane 16", T8, "\x41\x00" V128Z "\xfd\x54\x00\x00\x10\x0b",
        "invalid lane index", 20),
    BAD("v128.load64_lane 2", T8, "\x41\x00" V128Z "\xfd\x57\x03\x00\x02\x0b",
        "invalid lane index", 20),

    /* Calls. */
    OK("call of the import", T1, "\x41\x01\x10\x00\x0b"),
    BAD("call of an unknown function", T0, "\x10\x05\x0b", "unknown function", 0),
    BAD("call with the wrong argument", T1, "\x42\x01\x10\x00\x0b", MISMATCH, 2),
    OK("call_indirect", T1, "\x41\x01\x41\x00\x11\x02\x00\x0b"),
    BAD("call_indirect of an unknown type", T0, "\x41\x00\x11\x63\x00\x0b", "unknown type", 2),
    BAD("call_indirect through an unknown table", T0, "\x41\x00\x11\x00\x05\x0b",
        "unknown table", 2),
    BAD("call_indirect through an externref table", T0, "\x41\x00\x11\x00\x01\x0b", MISMATCH,
        2),
    BAD("call_indirect without an index", T1, "\x41\x01\x11\x02\x00\x0b", MISMATCH, 2),

    /* References. */
    OK("ref.func of an exported function", T6, "\xd2\x02\x0b"),
    OK("ref.func of a function in an element segment", T6, "\xd2\x04\x0b"),
    BAD("ref.func of an undeclared function", T6, "\xd2\x03\x0b",
        "undeclared function reference", 0),
    BAD("ref.func of the function itself", T6, "\xd2\x01\x0b",
        "undeclared function reference", 0),
    BAD("ref.func of an unknown function", T6, "\xd2\x09\x0b", "unknown function", 0),
    OK("ref.is_null", T1, "\xd0\x70\xd1\x0b"),
    BAD("ref.is_null of i32", T1, "\x41\x00\xd1\x0b", MISMATCH, 2),
    OK("table.get", T6, "\x41\x00\x25\x00\x0b"),
    BAD("table.get of an unknown table", T6, "\x41\x00\x25\x02\x0b", "unknown table", 2),
    BAD("table.get of externref as funcref", T6, "\x41\x00\x25\x01\x0b", MISMATCH, 4),

    /* select. */
    OK("select of i32", T1, "\x41\x01\x41\x02\x41\x00\x1b\x0b"),
    OK("select of v128", T8, V128Z V128Z "\x41\x00\x1b\x0b"),
    BAD("select of i32 and i64", T1, "\x41\x01\x42\x02\x41\x00\x1b\x0b", MISMATCH, 6),
    BAD("select with an i64 condition", T1, "\x41\x01\x41\x02\x42\x00\x1b\x0b", MISMATCH, 6),
    BAD("untyped select of funcref", T6, "\xd0\x70\xd0\x70\x41\x00\x1b\x0b", MISMATCH, 6),
    OK("typed select of funcref", T6, "\xd0\x70\xd0\x70\x41\x00\x1c\x01\x70\x0b"),
    BAD("typed select of mixed references", T6, "\xd0\x70\xd0\x6f\x41\x00\x1c\x01\x70\x0b",
        MISMATCH, 6),
    BAD("typed select with two types", T1, "\x41\x01\x41\x02\x41\x00\x1c\x02\x7f\x7f\x0b",
        "invalid result arity", 6),
    BAD("typed select with no type", T1, "\x41\x01\x41\x02\x41\x00\x1c\x00\x0b",
        "invalid result arity", 6),
    OK("untyped select in unreachable code", T1, "\x00\x1b\x0b"),
    OK("untyped select of one i32 in unreachable code", T1, "\x00\x41\x01\x41\x00\x1b\x0b"),
    BAD("untyped select of one funcref in unreachable code", T6, "\x00\xd0\x70\x41\x00\x1b\x0b",
        MISMATCH, 5),

    /* Blocks, loops and branches. */
    OK("block with a result", T1, "\x02\x7f\x41\x01\x0b\x0b"),
    BAD("block missing its result", T1, "\x02\x7f\x0b\x0b", MISMATCH, 2),
    BAD("block cannot pop outer operands", T1, "\x41\x01\x02\x7f\x6a\x0b\x0b", MISMATCH, 4),
    OK("block type index with parameters", T1, "\x41\x01\x41\x02\x02\x03\x6a\x0b\x0b"),
    BAD("block type index, parameter missing", T1, "\x41\x01\x02\x03\x6a\x0b\x0b", MISMATCH, 2),
    OK("block type index with two results", T1, "\x02\x04\x41\x01\x42\x02\x0b\x1a\x0b"),
    BAD("block type index, results swapped", T1, "\x02\x04\x42\x02\x41\x01\x0b\x1a\x0b",
        MISMATCH, 6),
    BAD("block type index unknown", T0, "\x02\xe3\x00\x0b\x0b", "unknown type", 0),
    OK("loop label carries the parameters", T1, "\x41\x01\x03\x02\x41\x00\x0d\x00\x0b\x0b"),
    OK("br to a loop needs no result", T1, "\x03\x7f\x0c\x00\x0b\x0b"),
    BAD("br to a block needs its result", T1, "\x02\x7f\x0c\x00\x0b\x0b", MISMATCH, 2),
    BAD("unknown label", T0, "\x0c\x01\x0b", "unknown label", 0),
    BAD("unknown label in a block", T0, "\x02\x40\x0c\x02\x0b\x0b", "unknown label", 2),
    OK("br to the function from a block", T0, "\x02\x40\x0c\x01\x0b\x0b"),
    BAD("br_if without a condition", T0, "\x02\x40\x0d\x00\x0b\x0b", MISMATCH, 2),
    OK("br_if passes its value through", T1, "\x02\x7f\x41\x01\x41\x00\x0d\x00\x0b\x0b"),

    /* if. */
    OK("if without else, no result", T0, "\x41\x01\x04\x40\x0b\x0b"),
    BAD("if without else with a result", T1, "\x41\x01\x04\x7f\x41\x02\x0b\x0b", MISMATCH, 6),
    OK("if without else, parameters equal results", T1, "\x41\x05\x41\x01\x04\x02\x0b\x0b"),
    BAD("if without else, parameters differ from results", T0,
        "\x41\x05\x41\x01\x04\x05\x41\x06\x0b\x1a\x1a\x0b", MISMATCH, 8),
    OK("if with else", T1, "\x41\x01\x04\x7f\x41\x02\x05\x41\x03\x0b\x0b"),
    BAD("else branch missing its value", T1, "\x41\x01\x04\x7f\x41\x02\x05\x0b\x0b", MISMATCH,
        7),
    BAD("then branch missing its value", T1, "\x41\x01\x04\x7f\x05\x41\x03\x0b\x0b", MISMATCH,
        4),
    BAD("if condition of i64", T0, "\x42\x01\x04\x40\x0b\x0b", MISMATCH, 2),
    BAD("if without a condition", T0, "\x04\x40\x0b\x0b", MISMATCH, 0),

    /* br_table. */
    OK("br_table, same arity", T1,
       "\x02\x7f\x02\x7f\x41\x01\x41\x00\x0e\x01\x00\x01\x0b\x0b\x0b"),
    BAD("br_table, arity 0 and 1", T1,
        "\x02\x7f\x02\x40\x41\x01\x41\x00\x0e\x01\x00\x01\x0b\x41\x02\x0b\x0b", MISMATCH, 8),
    BAD("br_table, i64 label for an i32 value", T1,
        "\x02\x7f\x02\x7e\x41\x01\x41\x00\x0e\x01\x00\x01\x0b\x1a\x41\x02\x0b\x0b", MISMATCH, 8),
    OK("br_table in unreachable code, labels of different types", T0,
       "\x02\x7e\x02\x7f\x00\x0e\x01\x00\x01\x0b\x1a\x42\x00\x0b\x1a\x0b"),
    BAD("br_table, unknown label", T0, "\x41\x00\x0e\x01\x05\x00\x0b", "unknown label", 2),
    BAD("br_table, unknown default", T0, "\x41\x00\x0e\x00\x05\x0b", "unknown label", 2),
    BAD("br_table, i64 index", T0, "\x42\x00\x0e\x00\x00\x0b", MISMATCH, 2),

    /* Malformed bodies. */
    MAL("illegal opcode", T0, "\x06\x0b", "illegal opcode"),
    MAL("illegal 0xfc opcode", T0, "\xfc\x7f\x0b", "illegal opcode"),
    MAL("memory.size reserved byte", T1, "\x3f\x01\x0b", "zero byte expected"),
    MAL("i32.const too long", T1, "\x41\x80\x80\x80\x80\x80\x00\x0b",
        "integer representation too long"),
    MAL("i32.const too large", T1, "\x41\xff\xff\xff\xff\x0f\x0b", "integer too large"),
    MAL("ref.null of i32", T0, "\xd0\x7f\x1a\x0b", "malformed reference type"),
    MAL("bytes after the final end", T0, "\x0b\x01", "section size mismatch"),
    MAL("no final end", T0, "\x41\x01\x1a", ""),
    MAL("else without if", T0, "\x05\x0b", ""),
};

Test(validate_body, table)
{
    for (size_t i = 0; i < sizeof body_cases / sizeof body_cases[0]; i++) {
        const body_case *c = &body_cases[i];
        uw_buf body = {.len = 0};
        if (c->locals_len)
            uw_bytes(&body, c->locals, c->locals_len);
        else
            uw_byte(&body, 0);
        size_t code_in_body = body.len;
        uw_bytes(&body, c->code, c->code_len);

        uw_buf b = {.len = 0};
        size_t code_at = build_context(&b, c->type, body.bytes, body.len) + code_in_body;
        aot_error err;
        aot_error_clear(&err);
        aot_module *m = NULL;
        bool ok = aot_load(b.bytes, b.len, &m, &err);
        aot_module_free(m);

        if (!c->expect) {
            cr_expect(ok, "%s: rejected: %s (%s at %zu)", c->name, err.message,
                      aot_error_kind_name(err.kind), err.offset);
            continue;
        }
        cr_expect(!ok, "%s: accepted", c->name);
        if (ok)
            continue;
        cr_expect_eq(err.kind, c->kind, "%s: kind %s, expected %s (\"%s\")", c->name,
                     aot_error_kind_name(err.kind), aot_error_kind_name(c->kind), err.message);
        cr_expect(starts_with(err.message, c->expect), "%s: message \"%s\", expected \"%s...\"",
                  c->name, err.message, c->expect);
        cr_expect_eq(err.func_index, FUNC_UNDER_TEST, "%s: func_index %lld (\"%s\")", c->name,
                     (long long)err.func_index, err.message);
        if (c->kind == AOT_ERR_INVALID)
            cr_expect_eq(err.section, AOT_SECTION_CODE, "%s: section %d", c->name, err.section);
        if (c->at >= 0)
            cr_expect_eq(err.offset, code_at + (size_t)c->at,
                         "%s: offset %zu, expected %zu (code starts at %zu; \"%s\")", c->name,
                         err.offset, code_at + (size_t)c->at, code_at, err.message);
    }
}

/*
 * Block types: the byte 0x40 (empty), a value type byte, or a type index
 * as a non-negative s33.  A type index may be padded like any LEB128, but
 * 0xc0 0x7f is the s33 -64: not the byte 0x40, not a value type and not a
 * non-negative index, so no form of block type matches and the module must
 * be rejected.
 */
typedef struct blocktype_case {
    const char *name;
    const uint8_t *code;
    size_t len;
    bool valid;
} blocktype_case;

static const blocktype_case blocktype_cases[] = {
    {"block, empty", UW_STR("\x02\x40\x0b\x0b"), true},
    {"block, type index 0 padded to 2 bytes", UW_STR("\x02\x80\x00\x0b\x0b"), true},
    {"block, type index 0 padded to 5 bytes", UW_STR("\x02\x80\x80\x80\x80\x00\x0b\x0b"), true},
    {"block, empty padded to 2 bytes", UW_STR("\x02\xc0\x7f\x0b\x0b"), false},
    {"loop, empty padded to 5 bytes", UW_STR("\x03\xc0\xff\xff\xff\x7f\x0b\x0b"), false},
    {"if, empty padded to 2 bytes", UW_STR("\x41\x00\x04\xc0\x7f\x0b\x0b"), false},
    {"block, i32 padded to 2 bytes", UW_STR("\x02\xff\x7f\x41\x00\x0b\x1a\x0b"), false},
    {"block, s33 -65", UW_STR("\x02\xbf\x7f\x0b\x0b"), false},
};

Test(validate_body, block_type_encodings)
{
    for (size_t i = 0; i < sizeof blocktype_cases / sizeof blocktype_cases[0]; i++) {
        const blocktype_case *c = &blocktype_cases[i];
        uw_buf body = {.len = 0};
        uw_byte(&body, 0);
        uw_bytes(&body, c->code, c->len);
        uw_buf b = {.len = 0};
        build_context(&b, T0, body.bytes, body.len);
        aot_error err;
        aot_error_clear(&err);
        aot_module *m = NULL;
        bool ok = aot_load(b.bytes, b.len, &m, &err);
        aot_module_free(m);
        if (c->valid) {
            cr_expect(ok, "%s: rejected: %s", c->name, err.message);
        } else {
            cr_expect(!ok, "%s: accepted", c->name);
            if (!ok)
                cr_expect_neq(err.kind, AOT_OK, "%s: failed without an error", c->name);
        }
    }
}

/* The context itself is valid, and a valid module comes back whole. */
Test(validate_body, context_is_valid)
{
    uw_buf b = {.len = 0};
    build_context(&b, T0, UW_STR("\x00\x0b"));
    aot_error err;
    aot_error_clear(&err);
    aot_module *m = NULL;
    cr_assert(aot_load(b.bytes, b.len, &m, &err), "context rejected: %s", err.message);
    cr_expect_not_null(m);
    cr_expect_eq(err.kind, AOT_OK);
    cr_expect_eq(m->func_count, 5);
    cr_expect_eq(m->imported_func_count, 1);
    cr_expect_eq(m->global_count, 4);
    aot_module_free(m);
}

/* ------------------------------------------------------------------ */
/* Module-level rules                                                  */
/* ------------------------------------------------------------------ */

typedef struct module_case {
    const char *name;
    const uint8_t *bytes; /* the sections, after the header */
    size_t len;
    const char *expect;   /* NULL: valid; else the message prefix */
    aot_error_kind kind;
    int64_t func;         /* the function the error names */
} module_case;

#define MOK(name, s) {name, UW_STR(s), NULL, AOT_OK, AOT_NO_FUNC}
#define MBAD(name, s, msg) {name, UW_STR(s), msg, AOT_ERR_INVALID, AOT_NO_FUNC}

#define TYPE_VOID "\x01\x04\x01\x60\x00\x00"
#define FUNC_1    "\x03\x02\x01\x00"
#define CODE_1    "\x0a\x04\x01\x02\x00\x0b"
#define MEMORY_1  "\x05\x03\x01\x00\x01"
#define TABLE_1   "\x04\x04\x01\x70\x00\x01"
#define IMPORT_GLOBAL_I32     "\x02\x06\x01\x00\x00\x03\x7f\x00"
#define IMPORT_GLOBAL_MUT_I32 "\x02\x06\x01\x00\x00\x03\x7f\x01"

static const char CONST_REQUIRED[] = "constant expression required";

static const module_case module_cases[] = {
    /* Constant expressions. */
    MOK("global from a constant", "\x06\x06\x01\x7f\x00\x41\x07\x0b"),
    MBAD("global from i32.add", "\x06\x09\x01\x7f\x00\x41\x01\x41\x02\x6a\x0b", CONST_REQUIRED),
    MBAD("global from nop", "\x06\x07\x01\x7f\x00\x01\x41\x01\x0b", CONST_REQUIRED),
    MOK("global from an immutable import", IMPORT_GLOBAL_I32 "\x06\x06\x01\x7f\x00\x23\x00\x0b"),
    MBAD("global from a mutable import", IMPORT_GLOBAL_MUT_I32 "\x06\x06\x01\x7f\x00\x23\x00\x0b",
         CONST_REQUIRED),
    MBAD("global from a defined global", "\x06\x0b\x02\x7f\x00\x41\x00\x0b\x7f\x00\x23\x00\x0b",
         "unknown global"),
    MBAD("global of the wrong type", "\x06\x06\x01\x7f\x00\x42\x00\x0b", MISMATCH),
    MBAD("global from an empty expression", "\x06\x04\x01\x7f\x00\x0b", MISMATCH),
    MBAD("global from two values", "\x06\x08\x01\x7f\x00\x41\x00\x41\x00\x0b", MISMATCH),
    MBAD("global from ref.func of an unknown function", "\x06\x06\x01\x70\x00\xd2\x05\x0b",
         "unknown function"),
    MOK("global from ref.null", "\x06\x06\x01\x6f\x00\xd0\x6f\x0b"),
    MBAD("global from ref.null of the other type", "\x06\x06\x01\x6f\x00\xd0\x70\x0b", MISMATCH),

    /* Exports. */
    MOK("distinct export names",
        TYPE_VOID FUNC_1 "\x07\x0a\x02\x01" "a" "\x00\x00\x02" "ab" "\x00\x00" CODE_1),
    MBAD("duplicate export name",
         TYPE_VOID FUNC_1 "\x07\x09\x02\x01" "a" "\x00\x00\x01" "a" "\x00\x00" CODE_1,
         "duplicate export name"),
    MBAD("duplicate export name of different kinds",
         TYPE_VOID FUNC_1 MEMORY_1 "\x07\x09\x02\x01" "x" "\x00\x00\x01" "x" "\x02\x00" CODE_1,
         "duplicate export name"),
    MBAD("export of an unknown function", "\x07\x05\x01\x01" "a" "\x00\x05", "unknown function"),
    MBAD("export of an unknown memory", "\x07\x05\x01\x01" "a" "\x02\x00", "unknown memory"),
    MBAD("export of an unknown global", "\x07\x05\x01\x01" "a" "\x03\x00", "unknown global"),
    MBAD("export of an unknown table", "\x07\x05\x01\x01" "a" "\x01\x00", "unknown table"),

    /* The start function. */
    MOK("start of type [] -> []", TYPE_VOID FUNC_1 "\x08\x01\x00" CODE_1),
    MBAD("start with a parameter",
         "\x01\x05\x01\x60\x01\x7f\x00" FUNC_1 "\x08\x01\x00" CODE_1, "start function"),
    MBAD("start with a result",
         "\x01\x05\x01\x60\x00\x01\x7f" FUNC_1 "\x08\x01\x00" "\x0a\x06\x01\x04\x00\x41\x00\x0b",
         "start function"),
    MBAD("start of an unknown function", TYPE_VOID FUNC_1 "\x08\x01\x05" CODE_1,
         "unknown function"),

    /* Memories, tables and limits. */
    MBAD("two memories", "\x05\x05\x02\x00\x01\x00\x01", "multiple memories"),
    MBAD("an imported and a defined memory", "\x02\x06\x01\x00\x00\x02\x00\x01" MEMORY_1,
         "multiple memories"),
    MOK("two tables", "\x04\x07\x02\x70\x00\x01\x6f\x00\x01"),
    MOK("memory of 65536 pages", "\x05\x05\x01\x00\x80\x80\x04"),
    MOK("memory maximum of 65536 pages", "\x05\x06\x01\x01\x00\x80\x80\x04"),
    MBAD("memory of 65537 pages", "\x05\x05\x01\x00\x81\x80\x04",
         "memory size must be at most 65536 pages (4GiB)"),
    MBAD("memory maximum of 65537 pages", "\x05\x06\x01\x01\x00\x81\x80\x04",
         "memory size must be at most 65536 pages (4GiB)"),
    MBAD("imported memory of 65537 pages", "\x02\x08\x01\x00\x00\x02\x00\x81\x80\x04",
         "memory size must be at most 65536 pages (4GiB)"),
    MBAD("memory minimum above maximum", "\x05\x04\x01\x01\x02\x01",
         "size minimum must not be greater than maximum"),
    MBAD("table minimum above maximum", "\x04\x05\x01\x70\x01\x02\x01",
         "size minimum must not be greater than maximum"),
    MBAD("imported table minimum above maximum", "\x02\x08\x01\x00\x00\x01\x70\x01\x05\x04",
         "size minimum must not be greater than maximum"),
    MOK("table of 2^32 - 1 elements", "\x04\x08\x01\x70\x00\xff\xff\xff\xff\x0f"),

    /* Element and data segments. */
    MBAD("element segment for an unknown table",
         TYPE_VOID FUNC_1 "\x09\x09\x01\x02\x05\x41\x00\x0b\x00\x01\x00" CODE_1, "unknown table"),
    MBAD("element segment with no table",
         TYPE_VOID FUNC_1 "\x09\x07\x01\x00\x41\x00\x0b\x01\x00" CODE_1, "unknown table"),
    MBAD("element segment of an unknown function", TABLE_1 "\x09\x07\x01\x00\x41\x00\x0b\x01\x05",
         "unknown function"),
    MBAD("element offset of i64", TABLE_1 "\x09\x06\x01\x00\x42\x00\x0b\x00", MISMATCH),
    MBAD("externref elements for a funcref table",
         TABLE_1 "\x09\x0b\x01\x06\x00\x41\x00\x0b\x6f\x01\xd0\x6f\x0b", MISMATCH),
    MBAD("element expression of i32", "\x09\x07\x01\x05\x70\x01\x41\x00\x0b", MISMATCH),
    MBAD("element expression not constant", "\x09\x08\x01\x05\x70\x01\xd0\x70\x01\x0b",
         CONST_REQUIRED),
    MOK("passive element segments need no table", "\x09\x07\x01\x05\x6f\x01\xd0\x6f\x0b"),
    MBAD("data segment for an unknown memory", "\x0b\x07\x01\x00\x41\x00\x0b\x01\x61",
         "unknown memory"),
    MBAD("data offset of i64", MEMORY_1 "\x0b\x07\x01\x00\x42\x00\x0b\x01\x61", MISMATCH),
    MOK("data offset from an imported global",
        IMPORT_GLOBAL_I32 MEMORY_1 "\x0b\x07\x01\x00\x23\x00\x0b\x01\x61"),
    MOK("passive data needs no memory", "\x0b\x04\x01\x01\x01\x61"),

    /* ref.func is declared by a use outside function bodies. */
    MOK("ref.func declared by a global initializer",
        "\x01\x08\x02\x60\x00\x00\x60\x00\x01\x70" "\x03\x02\x01\x01"
        "\x06\x06\x01\x70\x00\xd2\x00\x0b" "\x0a\x06\x01\x04\x00\xd2\x00\x0b"),
    {"ref.func declared nowhere",
     UW_STR("\x01\x08\x02\x60\x00\x00\x60\x00\x01\x70" "\x03\x02\x01\x01"
            "\x0a\x06\x01\x04\x00\xd2\x00\x0b"),
     "undeclared function reference", AOT_ERR_INVALID, 0},

    /* Type indices. */
    MBAD("function of an unknown type", TYPE_VOID "\x03\x02\x01\x05" CODE_1, "unknown type"),
    MBAD("import of an unknown type", "\x02\x05\x01\x00\x00\x00\x00", "unknown type"),

    /* Body rules that depend on the module. */
    {"memory instruction without a memory",
     UW_STR("\x01\x05\x01\x60\x00\x01\x7f" FUNC_1 "\x0a\x09\x01\x07\x00\x41\x00\x28\x02\x00\x0b"),
     "unknown memory", AOT_ERR_INVALID, 0},
    {"data.drop without a data count section",
     UW_STR(TYPE_VOID FUNC_1 MEMORY_1 "\x0a\x07\x01\x05\x00\xfc\x09\x00\x0b"
            "\x0b\x04\x01\x01\x01\x61"),
     "data count section required", AOT_ERR_MALFORMED, 0},
};

Test(validate_module, table)
{
    for (size_t i = 0; i < sizeof module_cases / sizeof module_cases[0]; i++) {
        const module_case *c = &module_cases[i];
        uw_buf b = {.len = 0};
        uw_header(&b);
        uw_bytes(&b, c->bytes, c->len);
        aot_error err;
        aot_error_clear(&err);
        aot_module *m = NULL;
        bool ok = aot_load(b.bytes, b.len, &m, &err);
        aot_module_free(m);
        if (!c->expect) {
            cr_expect(ok, "%s: rejected: %s (%s at %zu)", c->name, err.message,
                      aot_error_kind_name(err.kind), err.offset);
            continue;
        }
        cr_expect(!ok, "%s: accepted", c->name);
        if (ok)
            continue;
        cr_expect_eq(err.kind, c->kind, "%s: kind %s, expected %s (\"%s\")", c->name,
                     aot_error_kind_name(err.kind), aot_error_kind_name(c->kind), err.message);
        cr_expect(starts_with(err.message, c->expect), "%s: message \"%s\", expected \"%s...\"",
                  c->name, err.message, c->expect);
        cr_expect_eq(err.func_index, c->func, "%s: func_index %lld", c->name,
                     (long long)err.func_index);
        cr_expect_leq(err.offset, b.len, "%s: offset %zu beyond the module", c->name, err.offset);
    }
}

/* ------------------------------------------------------------------ */
/* Which error wins                                                    */
/* ------------------------------------------------------------------ */

/* An imported function (0) and two defined ones (1, 2), all [] -> [];
 * `extra` goes between the function and code sections. */
static void build_two_bodies(uw_buf *b, const uint8_t *extra, size_t extra_len,
                             const uint8_t *body1, size_t len1, const uint8_t *body2, size_t len2)
{
    uw_header(b);
    uw_bytes(b, UW_STR(TYPE_VOID "\x02\x05\x01\x00\x00\x00\x00" "\x03\x03\x02\x00\x00"));
    uw_bytes(b, extra, extra_len);
    uw_buf code = {.len = 0};
    uw_u32(&code, 2);
    uw_u32(&code, (uint32_t)len1);
    uw_bytes(&code, body1, len1);
    uw_u32(&code, (uint32_t)len2);
    uw_bytes(&code, body2, len2);
    uw_section(b, AOT_SECTION_CODE, code.bytes, code.len);
}

typedef struct order_case {
    const char *name;
    const uint8_t *extra;
    size_t extra_len;
    const uint8_t *body1;
    size_t len1;
    const uint8_t *body2;
    size_t len2;
    aot_error_kind kind;
    const char *prefix;
    int64_t func;
} order_case;

#define INVALID_BODY   "\x00\x42\x00\x0b"     /* an i64 left in a [] -> [] body */
#define MALFORMED_BODY "\x00\x06\x0b"         /* illegal opcode */
#define GOOD_BODY      "\x00\x0b"
#define DUP_EXPORTS    "\x07\x09\x02\x01" "a" "\x00\x01\x01" "a" "\x00\x02"

static const order_case order_cases[] = {
    {"invalid function 1, malformed function 2", UW_STR(""), UW_STR(INVALID_BODY),
     UW_STR(MALFORMED_BODY), AOT_ERR_MALFORMED, "illegal opcode", 2},
    {"malformed function 1, invalid function 2", UW_STR(""), UW_STR(MALFORMED_BODY),
     UW_STR(INVALID_BODY), AOT_ERR_MALFORMED, "illegal opcode", 1},
    {"both invalid: the first is reported", UW_STR(""), UW_STR(INVALID_BODY),
     UW_STR("\x00\x41\x00\x0b"), AOT_ERR_INVALID, MISMATCH, 1},
    {"invalid function 2 only", UW_STR(""), UW_STR(GOOD_BODY), UW_STR(INVALID_BODY),
     AOT_ERR_INVALID, MISMATCH, 2},
    {"one body both invalid and malformed", UW_STR(""), UW_STR("\x00\x42\x00\x0b\x01"),
     UW_STR(GOOD_BODY), AOT_ERR_MALFORMED, "section size mismatch", 1},
    {"invalid module, malformed function 2", UW_STR(DUP_EXPORTS), UW_STR(GOOD_BODY),
     UW_STR(MALFORMED_BODY), AOT_ERR_MALFORMED, "illegal opcode", 2},
    {"invalid module, invalid body", UW_STR(DUP_EXPORTS), UW_STR(GOOD_BODY),
     UW_STR(INVALID_BODY), AOT_ERR_INVALID, "", -2},
};

Test(validate_order, malformed_wins)
{
    for (size_t i = 0; i < sizeof order_cases / sizeof order_cases[0]; i++) {
        const order_case *c = &order_cases[i];
        uw_buf b = {.len = 0};
        build_two_bodies(&b, c->extra, c->extra_len, c->body1, c->len1, c->body2, c->len2);
        aot_error err;
        aot_error_clear(&err);
        aot_module *m = NULL;
        bool ok = aot_load(b.bytes, b.len, &m, &err);
        aot_module_free(m);
        cr_expect(!ok, "%s: accepted", c->name);
        if (ok)
            continue;
        cr_expect_eq(err.kind, c->kind, "%s: kind %s, expected %s (\"%s\")", c->name,
                     aot_error_kind_name(err.kind), aot_error_kind_name(c->kind), err.message);
        cr_expect(starts_with(err.message, c->prefix), "%s: message \"%s\", expected \"%s...\"",
                  c->name, err.message, c->prefix);
        if (c->func != -2)
            cr_expect_eq(err.func_index, c->func, "%s: func_index %lld, expected %lld", c->name,
                         (long long)err.func_index, (long long)c->func);
    }
}

/* aot_validate on a decoded module reports like aot_load, and leaves the
 * module usable. */
Test(validate_order, validate_after_decode)
{
    uw_buf b = {.len = 0};
    build_two_bodies(&b, UW_STR(""), UW_STR(GOOD_BODY), UW_STR(INVALID_BODY));
    aot_error err;
    aot_error_clear(&err);
    aot_module *m = NULL;
    cr_assert(aot_decode(b.bytes, b.len, &m, &err), "decode: %s", err.message);
    cr_expect(!aot_validate(m, &err));
    cr_expect_eq(err.kind, AOT_ERR_INVALID);
    cr_expect_eq(err.func_index, 2);
    cr_expect(starts_with(err.message, MISMATCH), "message \"%s\"", err.message);
    /* Validating again gives the same answer. */
    aot_error again;
    aot_error_clear(&again);
    cr_expect(!aot_validate(m, &again));
    cr_expect_eq(again.offset, err.offset);
    cr_expect_str_eq(again.message, err.message);
    aot_module_free(m);
}
