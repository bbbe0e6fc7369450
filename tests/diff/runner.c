/*
 * waot-diff, waot's side of the differential test: compiles one .wasm with
 * the compiler library, binds every function import to a host function that
 * prints its call and returns zeros, instantiates the module, calls every
 * exported function with zero arguments in export order, and prints what
 * happened in the canonical format that reference.mjs prints for V8 (the
 * format and the policies both share are described in README.md beside
 * this file).  difftest.py compares the two outputs.
 *
 * Output goes to stdout; the exit status is 0 whenever the module could be
 * judged (an invalid module, a link error or a trap is an outcome, not a
 * failure), 1 when the file cannot be read, compiled or loaded, 2 for a bad
 * command line.
 */
#include "waot.h"
#include "waot_compile.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The back end built with the runner, used unless $WAOT_CODEGEN names one. */
#ifndef WAOT_DIFF_CODEGEN
#define WAOT_DIFF_CODEGEN ""
#endif

/* Binaryen's -ttf modules bound every loop and call by a global that this
 * export resets; its own harness calls it before each export, and so do
 * both runners, so each call gets the same budget whatever ran before. */
#define DIFF_HANG_LIMIT_EXPORT "hangLimitInitializer"

enum { DIFF_EXIT_OK = 0, DIFF_EXIT_FAILED = 1, DIFF_EXIT_USAGE = 2 };
enum { DIFF_MAX_VALUES = 1024 };

/* One function import: what its host function prints. */
typedef struct diff_import {
    waot_abi_name module;
    waot_abi_name field;
    const waot_abi_functype *type;
} diff_import;

/* ---- Printing ---- */

/* A name as bytes: printable ASCII but the backslash as it is, every other
 * byte as \xx, so names with spaces, newlines or UTF-8 stay one token. */
static void diff_print_name(const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c > 0x20 && c < 0x7f && c != '\\')
            putchar(c);
        else
            printf("\\%02x", c);
    }
}

static uint32_t diff_load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One value as TYPE:VALUE.  Integers are signed decimals, floats their bits
 * in hex, except that every NaN prints as `nan`: the spec lets an engine
 * choose the sign and (for arithmetic NaNs) the payload of a NaN result, and
 * V8 and LLVM choose differently, so the bits carry no verdict.  A v128
 * prints as its four 32-bit lanes, references as null or ref. */
static void diff_print_value(uint32_t type, const waot_abi_value *v)
{
    switch (type) {
    case WAOT_ABI_I32:
        printf("i32:%" PRId32, v->i32);
        return;
    case WAOT_ABI_I64:
        printf("i64:%" PRId64, v->i64);
        return;
    case WAOT_ABI_F32: {
        uint32_t bits;
        memcpy(&bits, &v->f32, sizeof bits);
        if (isnan(v->f32))
            printf("f32:nan");
        else
            printf("f32:0x%08" PRIx32, bits);
        return;
    }
    case WAOT_ABI_F64: {
        uint64_t bits;
        memcpy(&bits, &v->f64, sizeof bits);
        if (isnan(v->f64))
            printf("f64:nan");
        else
            printf("f64:0x%016" PRIx64, bits);
        return;
    }
    case WAOT_ABI_V128:
        printf("v128:0x%08" PRIx32 ",0x%08" PRIx32 ",0x%08" PRIx32 ",0x%08" PRIx32,
               diff_load_u32(v->v128), diff_load_u32(v->v128 + 4), diff_load_u32(v->v128 + 8),
               diff_load_u32(v->v128 + 12));
        return;
    case WAOT_ABI_FUNCREF:
        printf("funcref:%s", v->ref ? "ref" : "null");
        return;
    case WAOT_ABI_EXTERNREF:
        printf("externref:%s", v->ref ? "ref" : "null");
        return;
    }
    printf("unknown-type-0x%02" PRIx32, type);
}

/* The canonical name of a trap: the classes both engines can tell apart.
 * V8 reports a NaN and an out-of-range float-to-int conversion alike, and
 * waot a signed division overflow and an out-of-range conversion alike, so
 * all three are one class; V8 reports a null and a mistyped call_indirect
 * target alike, so those two are one class too. */
static const char *diff_trap_name(waot_abi_trap trap)
{
    switch (trap) {
    case WAOT_TRAP_UNREACHABLE: return "unreachable";
    case WAOT_TRAP_MEMORY_OUT_OF_BOUNDS: return "memory-out-of-bounds";
    case WAOT_TRAP_DIVIDE_BY_ZERO: return "divide-by-zero";
    case WAOT_TRAP_INTEGER_OVERFLOW:
    case WAOT_TRAP_INVALID_CONVERSION: return "integer-overflow-or-conversion";
    case WAOT_TRAP_TABLE_OUT_OF_BOUNDS:
    case WAOT_TRAP_UNDEFINED_ELEMENT: return "table-out-of-bounds";
    case WAOT_TRAP_UNINITIALIZED_ELEMENT:
    case WAOT_TRAP_INDIRECT_TYPE_MISMATCH: return "indirect-call-null-or-mismatch";
    case WAOT_TRAP_STACK_EXHAUSTED: return "stack-exhausted";
    default: return NULL;
    }
}

static void diff_print_trap(const char *prefix, const waot_error *err)
{
    const char *name = diff_trap_name(err->trap);
    if (name)
        printf("%s trap %s\n", prefix, name);
    else
        printf("%s trap other:%s\n", prefix, err->message);
}

/* Two 32-bit hashes over the memory's little-endian words (FNV-1a and a
 * multiply-xorshift), printed as one 64-bit hex number.  Only equality
 * matters; reference.mjs computes the same. */
static void diff_hash_memory(const uint8_t *bytes, uint64_t size, uint32_t hash[2])
{
    uint32_t h1 = 0x811c9dc5u, h2 = 0x9e3779b9u;
    for (uint64_t i = 0; i + 4 <= size; i += 4) {
        uint32_t w = diff_load_u32(bytes + i);
        h1 = (h1 ^ w) * 0x01000193u;
        h2 = (h2 + w) * 0xcc9e2d51u;
        h2 ^= h2 >> 15;
    }
    hash[0] = h1;
    hash[1] = h2;
}

/* NUL-terminated copy of a name, for the API calls that take one; NULL when
 * the name holds a NUL byte (or memory ran out). */
static char *diff_name_string(const char *bytes, size_t len)
{
    if (memchr(bytes, '\0', len))
        return NULL;
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, bytes, len);
        s[len] = '\0';
    }
    return s;
}

/* The state after a call: every exported memory (pages and hash), global
 * (value) and table (size and how many elements are null), in export
 * order. */
static void diff_print_state(const waot_module *module, waot_instance *instance)
{
    uint32_t count = waot_module_export_count(module);
    for (uint32_t i = 0; i < count; i++) {
        waot_export_info info;
        if (waot_module_export(module, i, &info) != WAOT_OK ||
            info.type.kind == WAOT_ABI_EXTERN_FUNC)
            continue;
        const char *kind = info.type.kind == WAOT_ABI_EXTERN_MEMORY  ? "memory"
                           : info.type.kind == WAOT_ABI_EXTERN_TABLE ? "table"
                                                                     : "global";
        printf("%s ", kind);
        diff_print_name(info.name.bytes, info.name.len);
        if (info.type.kind == WAOT_ABI_EXTERN_GLOBAL) {
            waot_value value;
            if (waot_global_get_n(instance, info.name.bytes, info.name.len, &value) == WAOT_OK) {
                putchar(' ');
                diff_print_value(value.type, &value.of);
                putchar('\n');
            } else {
                printf(" unreadable\n");
            }
            continue;
        }
        char *name = diff_name_string(info.name.bytes, info.name.len);
        if (!name) {
            /* The API looks memories and tables up by C string. */
            printf(" name-holds-nul\n");
            continue;
        }
        if (info.type.kind == WAOT_ABI_EXTERN_MEMORY) {
            waot_memory *memory;
            if (waot_instance_memory(instance, name, &memory) == WAOT_OK) {
                uint32_t hash[2];
                diff_hash_memory(waot_memory_data(memory), waot_memory_size(memory), hash);
                printf(" pages=%" PRIu64 " hash=%08" PRIx32 "%08" PRIx32 "\n",
                       waot_memory_pages(memory), hash[0], hash[1]);
            } else {
                printf(" unreadable\n");
            }
        } else {
            waot_table *table;
            if (waot_instance_table(instance, name, &table) == WAOT_OK) {
                uint32_t size = waot_table_size(table), nulls = 0;
                for (uint32_t e = 0; e < size; e++) {
                    waot_value value;
                    if (waot_table_get(table, e, &value) == WAOT_OK && !value.of.ref)
                        nulls++;
                }
                printf(" size=%" PRIu32 " nulls=%" PRIu32 "\n", size, nulls);
            } else {
                printf(" unreadable\n");
            }
        }
        free(name);
    }
}

/* ---- Imports ---- */

/* Every function import: prints `host MODULE.FIELD ARGS...` and returns
 * zeros (null references). */
static void diff_host_function(waot_abi_host_closure *closure, const waot_abi_value *args,
                               waot_abi_value *results)
{
    const diff_import *import = closure->user;
    const waot_abi_functype *type = import->type;
    printf("host ");
    diff_print_name(import->module.bytes, import->module.len);
    putchar('.');
    diff_print_name(import->field.bytes, import->field.len);
    for (uint32_t i = 0; i < type->param_count; i++) {
        putchar(' ');
        diff_print_value(type->types[i], &args[i]);
    }
    putchar('\n');
    memset(results, 0, sizeof *results * type->result_count);
}

static bool diff_same_name(waot_abi_name a, waot_abi_name b)
{
    return a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0;
}

static bool diff_same_functype(const waot_abi_functype *a, const waot_abi_functype *b)
{
    return a->param_count == b->param_count && a->result_count == b->result_count &&
           memcmp(a->types, b->types, a->param_count + a->result_count) == 0;
}

static bool diff_is_name(waot_abi_name name, const char *s)
{
    return name.len == strlen(s) && memcmp(name.bytes, s, name.len) == 0;
}

/* Imports are bound by name, so one name imported as two kinds or two
 * function types cannot be offered (a JS import object has one value per
 * name, a linker one definition): both runners skip such a module. */
static bool diff_names_clash(const waot_module *module)
{
    uint32_t count = waot_module_import_count(module);
    for (uint32_t i = 0; i < count; i++) {
        waot_import_info a;
        waot_module_import(module, i, &a);
        for (uint32_t j = 0; j < i; j++) {
            waot_import_info b;
            waot_module_import(module, j, &b);
            if (!diff_same_name(a.module, b.module) || !diff_same_name(a.field, b.field))
                continue;
            if (a.type.kind != b.type.kind)
                return true;
            if (a.type.kind == WAOT_ABI_EXTERN_FUNC && !diff_same_functype(a.type.func, b.type.func))
                return true;
        }
    }
    return false;
}

/* The spec interpreter's `spectest` globals, memory and table, for the
 * modules of the spec suite; the other non-function imports stay missing
 * and the module fails to link (in both engines). */
static bool diff_define_spectest(waot_linker *linker)
{
    waot_value i32 = {.type = WAOT_ABI_I32, .of.i32 = 666};
    waot_value i64 = {.type = WAOT_ABI_I64, .of.i64 = 666};
    waot_value f32 = {.type = WAOT_ABI_F32, .of.f32 = 666.6f};
    waot_value f64 = {.type = WAOT_ABI_F64, .of.f64 = 666.6};
    return waot_linker_define_global(linker, "spectest", "global_i32", i32, false) == WAOT_OK &&
           waot_linker_define_global(linker, "spectest", "global_i64", i64, false) == WAOT_OK &&
           waot_linker_define_global(linker, "spectest", "global_f32", f32, false) == WAOT_OK &&
           waot_linker_define_global(linker, "spectest", "global_f64", f64, false) == WAOT_OK &&
           waot_linker_define_table(linker, "spectest", "table", WAOT_ABI_FUNCREF, 10, 20,
                                    true) == WAOT_OK &&
           waot_linker_define_memory(linker, "spectest", "memory", 1, 2, true) == WAOT_OK;
}

/* Defines a host function for each function import (once per name). */
static bool diff_define_imports(const waot_module *module, waot_linker *linker,
                                diff_import *imports)
{
    uint32_t count = waot_module_import_count(module);
    for (uint32_t i = 0; i < count; i++) {
        waot_import_info info;
        waot_module_import(module, i, &info);
        if (info.type.kind != WAOT_ABI_EXTERN_FUNC)
            continue;
        bool seen = false;
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = imports[j].type && diff_same_name(imports[j].module, info.module) &&
                   diff_same_name(imports[j].field, info.field);
        if (seen)
            continue;
        char *module_name = diff_name_string(info.module.bytes, info.module.len);
        char *field_name = diff_name_string(info.field.bytes, info.field.len);
        const waot_abi_functype *type = info.type.func;
        imports[i] = (diff_import){info.module, info.field, type};
        bool ok = module_name && field_name &&
                  waot_linker_define_func(linker, module_name, field_name, type->types,
                                          type->param_count, type->types + type->param_count,
                                          type->result_count, diff_host_function,
                                          &imports[i]) == WAOT_OK;
        free(module_name);
        free(field_name);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- Calls ---- */

static bool diff_has_hang_limit(const waot_module *module)
{
    uint32_t count = waot_module_export_count(module);
    for (uint32_t i = 0; i < count; i++) {
        waot_export_info info;
        if (waot_module_export(module, i, &info) == WAOT_OK &&
            info.type.kind == WAOT_ABI_EXTERN_FUNC && diff_is_name(info.name, DIFF_HANG_LIMIT_EXPORT) &&
            info.type.func->param_count == 0 && info.type.func->result_count == 0)
            return true;
    }
    return false;
}

/* Calls export `info` with zeros and prints `call NAME`, then what it
 * returned or how it trapped. */
static void diff_call_export(waot_instance *instance, const waot_export_info *info)
{
    const waot_abi_functype *type = info->type.func;
    static waot_value args[DIFF_MAX_VALUES], results[DIFF_MAX_VALUES];
    printf("call ");
    diff_print_name(info->name.bytes, info->name.len);
    putchar('\n');
    if (type->param_count > DIFF_MAX_VALUES || type->result_count > DIFF_MAX_VALUES) {
        printf("skipped too-many-values\n");
        return;
    }
    for (uint32_t i = 0; i < type->param_count; i++) {
        memset(&args[i], 0, sizeof args[i]);
        args[i].type = type->types[i];
    }
    for (uint32_t i = 0; i < type->result_count; i++)
        results[i].type = type->types[type->param_count + i];
    /* What host functions print during the call must come after the line
     * above even if the call ends the process. */
    fflush(stdout);
    waot_error err;
    waot_status status = waot_call_n(instance, info->name.bytes, info->name.len, args,
                                     type->param_count, results, type->result_count, &err);
    if (status == WAOT_ERROR_TRAP) {
        diff_print_trap("result", &err);
        return;
    }
    if (status != WAOT_OK) {
        printf("result error %s: %s\n", waot_status_name(status), err.message);
        return;
    }
    printf("result");
    for (uint32_t i = 0; i < type->result_count; i++) {
        putchar(' ');
        diff_print_value(results[i].type, &results[i].of);
    }
    putchar('\n');
}

static void diff_call_exports(const waot_module *module, waot_instance *instance)
{
    bool hang_limit = diff_has_hang_limit(module);
    uint32_t count = waot_module_export_count(module);
    for (uint32_t i = 0; i < count; i++) {
        waot_export_info info;
        if (waot_module_export(module, i, &info) != WAOT_OK ||
            info.type.kind != WAOT_ABI_EXTERN_FUNC)
            continue;
        if (hang_limit && !diff_is_name(info.name, DIFF_HANG_LIMIT_EXPORT))
            waot_call(instance, DIFF_HANG_LIMIT_EXPORT, NULL, 0, NULL, 0, NULL);
        diff_call_export(instance, &info);
        diff_print_state(module, instance);
    }
}

/* ---- The module ---- */

static bool diff_read_file(const char *path, uint8_t **bytes, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t capacity = 1 << 16, used = 0;
    uint8_t *buffer = malloc(capacity);
    while (buffer) {
        used += fread(buffer + used, 1, capacity - used, f);
        if (used < capacity)
            break;
        uint8_t *bigger = realloc(buffer, capacity * 2);
        if (!bigger) {
            free(buffer);
            buffer = NULL;
            break;
        }
        buffer = bigger;
        capacity *= 2;
    }
    bool ok = buffer && !ferror(f);
    fclose(f);
    if (!ok) {
        free(buffer);
        return false;
    }
    *bytes = buffer;
    *size = used;
    return true;
}

/* Validates, compiles and loads; prints `module invalid` (an outcome) or
 * reports a failure on stderr. */
static int diff_load(const char *path, unsigned opt_level, waot_module **out)
{
    uint8_t *bytes;
    size_t size;
    if (!diff_read_file(path, &bytes, &size)) {
        fprintf(stderr, "waot-diff: cannot read %s\n", path);
        return DIFF_EXIT_FAILED;
    }
    waot_compile_error cerr;
    waot_compile_status cstatus = waot_compile_validate(bytes, size, &cerr);
    if (cstatus == WAOT_COMPILE_MALFORMED || cstatus == WAOT_COMPILE_INVALID) {
        free(bytes);
        printf("module invalid\n");
        fprintf(stderr, "waot-diff: %s: 0x%zx: %s\n", waot_compile_status_name(cstatus),
                cerr.offset, cerr.message);
        *out = NULL;
        return DIFF_EXIT_OK;
    }
    waot_compile_options options = waot_compile_default_options();
    options.opt_level = opt_level;
    uint8_t *compiled = NULL;
    size_t compiled_size = 0;
    if (cstatus == WAOT_COMPILE_OK)
        cstatus = waot_compile_to_memory(bytes, size, &options, &compiled, &compiled_size, &cerr);
    free(bytes);
    if (cstatus == WAOT_COMPILE_LIMIT) {
        printf("module compile-limit\n");
        fprintf(stderr, "waot-diff: %s\n", cerr.message);
        *out = NULL;
        return DIFF_EXIT_OK;
    }
    if (cstatus != WAOT_COMPILE_OK) {
        fprintf(stderr, "waot-diff: %s: %s: %s\n", path, waot_compile_status_name(cstatus),
                cerr.message);
        return DIFF_EXIT_FAILED;
    }
    waot_error err;
    waot_status status = waot_module_load_memory(compiled, compiled_size, out, &err);
    free(compiled);
    if (status != WAOT_OK) {
        fprintf(stderr, "waot-diff: %s: cannot load the compiled module: %s\n", path,
                err.message);
        return DIFF_EXIT_FAILED;
    }
    return DIFF_EXIT_OK;
}

static int diff_run(waot_module *module)
{
    if (diff_names_clash(module)) {
        printf("module skipped import-name-clash\n");
        return DIFF_EXIT_OK;
    }
    uint32_t import_count = waot_module_import_count(module);
    diff_import *imports = calloc(import_count ? import_count : 1, sizeof *imports);
    waot_linker *linker = NULL;
    if (!imports || waot_linker_new(&linker) != WAOT_OK || !diff_define_spectest(linker) ||
        !diff_define_imports(module, linker, imports)) {
        fprintf(stderr, "waot-diff: cannot define the imports\n");
        waot_linker_free(linker);
        free(imports);
        return DIFF_EXIT_FAILED;
    }
    fflush(stdout);
    waot_instance *instance = NULL;
    waot_error err;
    waot_status status = waot_instantiate(linker, module, &instance, &err);
    switch (status) {
    case WAOT_OK:
        printf("module ok\n");
        diff_print_state(module, instance);
        diff_call_exports(module, instance);
        break;
    case WAOT_ERROR_LINK:
        printf("module link-error\n");
        fprintf(stderr, "waot-diff: %s\n", err.message);
        break;
    case WAOT_ERROR_TRAP:
        diff_print_trap("module", &err);
        break;
    case WAOT_ERROR_NOMEM:
        printf("module out-of-memory\n");
        break;
    default:
        printf("module error %s: %s\n", waot_status_name(status), err.message);
        break;
    }
    waot_instance_free(instance);
    waot_linker_free(linker);
    free(imports);
    return DIFF_EXIT_OK;
}

static void diff_usage(FILE *out)
{
    fputs("Usage: waot-diff [-O0..-O3] MODULE.wasm\n"
          "\n"
          "Compiles MODULE.wasm with waot, binds every function import to a host\n"
          "function that prints its call and returns zeros, instantiates it, calls\n"
          "each exported function with zero arguments in export order and prints\n"
          "the outcome of each call and the exported state after it, in the format\n"
          "tests/diff/reference.mjs prints for V8 (see tests/diff/README.md).\n",
          out);
}

int main(int argc, char **argv)
{
    unsigned opt_level = 2;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            diff_usage(stdout);
            return DIFF_EXIT_OK;
        }
        if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && a[3] == '\0') {
            opt_level = (unsigned)(a[2] - '0');
        } else if (a[0] != '-' && !path) {
            path = a;
        } else {
            diff_usage(stderr);
            return DIFF_EXIT_USAGE;
        }
    }
    if (!path) {
        diff_usage(stderr);
        return DIFF_EXIT_USAGE;
    }
    const char *chosen = getenv("WAOT_CODEGEN");
    if ((!chosen || !*chosen) && WAOT_DIFF_CODEGEN[0] != '\0' &&
        access(WAOT_DIFF_CODEGEN, R_OK) == 0)
        setenv("WAOT_CODEGEN", WAOT_DIFF_CODEGEN, 1);

    waot_module *module = NULL;
    int status = diff_load(path, opt_level, &module);
    if (status == DIFF_EXIT_OK && module)
        status = diff_run(module);
    waot_module_free(module);
    fflush(stdout);
    return status;
}
