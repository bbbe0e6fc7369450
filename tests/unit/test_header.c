/*
 * aot/header.c's naming rules, which the object's symbols and the generated
 * header must agree on: module names (given and derived from file names)
 * and the C names of exports, made unique and kept clear of the names the
 * header generates itself.
 */
#include "header.h"

#include <criterion/criterion.h>
#include <string.h>

Test(header, valid_names)
{
    cr_expect(aot_header_valid_name("calc"));
    cr_expect(aot_header_valid_name("_x9"));
    cr_expect(!aot_header_valid_name(""));
    cr_expect(!aot_header_valid_name("9x"));
    cr_expect(!aot_header_valid_name("my-calc"));
}

Test(header, default_names)
{
    static const struct {
        const char *path, *name;
    } cases[] = {
        {"calc.wasm", "calc"},
        {"/a/b.c/my-calc.wasm", "my_calc"},
        {"dir/2fast.wasm", "_2fast"},
        {"x.y.wasm", "x"},
        {"noext", "noext"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[AOT_HEADER_NAME_MAX + 2];
        cr_assert(aot_header_default_name(cases[i].path, out, sizeof out), "%s", cases[i].path);
        cr_expect_str_eq(out, cases[i].name, "%s", cases[i].path);
    }
}

static aot_export header_export(const char *name)
{
    return (aot_export){.name = {(const uint8_t *)name, (uint32_t)strlen(name)},
                        .kind = AOT_EXTERN_FUNC};
}

Test(header, export_names)
{
    aot_export exports[] = {header_export("add"),  header_export("a-b"),
                            header_export("a_b"),  header_export("free"),
                            header_export(""),     header_export("waot_module"),
                            header_export("x.y")};
    aot_module m = {.exports = exports, .export_count = sizeof exports / sizeof exports[0]};
    static const char *const expected[] = {"add",  "a_b", "a_b_2", "free_3",
                                           "_4",   "waot_module_5", "x_y"};
    for (uint32_t i = 0; i < m.export_count; i++) {
        char out[AOT_HEADER_SYMBOL_MAX];
        cr_assert(aot_header_export_name(&m, i, out, sizeof out));
        cr_expect_str_eq(out, expected[i], "export %u", i);
    }
    char symbol[AOT_HEADER_SYMBOL_MAX];
    cr_assert(aot_header_export_symbol(&m, "calc", 2, symbol, sizeof symbol));
    cr_expect_str_eq(symbol, "calc_waot_export_a_b_2");
}
