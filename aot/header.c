/*
 * Generating the typed C header of a module linked into a program
 * (header.h).  The header is plain C17 that compiles cleanly under the
 * project's warning flags; every function in it is static inline, so a
 * program may include it in several translation units.
 *
 * Its design, documented again in the header's opening comment:
 *  - `<name>_instance` is opaque; `<name>_instantiate` makes one from a
 *    `<name>_imports` struct (one typed C function pointer plus a context
 *    pointer per imported function, an initial value per imported global),
 *    `<name>_free` ends it;
 *  - each exported function is a C function with native types.  Its results
 *    are its return value (one result) or out-pointers (several).  A trap
 *    never escapes as a longjmp: the wrapper catches it, returns zero (out-
 *    pointers untouched) and records it in the instance, where
 *    `<name>_last_status` reads it; every call overwrites it;
 *  - a wrapper calls the compiled function directly (its alias symbol, see
 *    aot_header_export_symbol) with the runtime's call sequence
 *    (WAOT_STATIC_CALL_SEQUENCE in waot_static.h): the arguments bound to
 *    their System V registers, everything else clobbered, the trap (if any)
 *    in %r11 afterwards.  Compiled code's convention (lower.h) puts the
 *    context in %r13 and the parameters where System V puts them.
 *    Signatures whose values do not all fit in argument registers (several
 *    results, v128, more than six integer or eight float parameters) and
 *    re-exported imports go through the type's trampoline
 *    (waot_static_call) instead.
 */
#include "header.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names generated functions and types use beside the export wrappers. */
static const char *const header_reserved[] = {"instantiate", "free", "last_status", "instance",
                                              "imports", "waot_module"};
static const char *const header_reserved_prefixes[] = {"waot_", "import_", "adapt_"};

static bool header_ident_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* bytes[0..len) sanitized into out; false when it does not fit. */
static bool header_sanitize(const uint8_t *bytes, size_t len, char *out, size_t size)
{
    if (len + 1 > size)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = header_ident_char(bytes[i]) ? (char)bytes[i] : '_';
    out[len] = '\0';
    return true;
}

bool aot_header_valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > AOT_HEADER_NAME_MAX || isdigit((unsigned char)name[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!header_ident_char((unsigned char)name[i]))
            return false;
    return true;
}

bool aot_header_default_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (n > AOT_HEADER_NAME_MAX - 1 || n + 2 > size)
        return false;
    size_t at = 0;
    if (n == 0 || isdigit((unsigned char)base[0]))
        out[at++] = '_';
    return header_sanitize((const uint8_t *)base, n, out + at, size - at);
}

static bool header_is_reserved(const char *s)
{
    for (size_t i = 0; i < sizeof header_reserved / sizeof header_reserved[0]; i++)
        if (strcmp(s, header_reserved[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof header_reserved_prefixes / sizeof header_reserved_prefixes[0];
         i++)
        if (strncmp(s, header_reserved_prefixes[i], strlen(header_reserved_prefixes[i])) == 0)
            return true;
    return false;
}

/* Whether two names sanitize to the same identifier. */
static bool header_same_sanitized(aot_name a, aot_name b)
{
    if (a.len != b.len)
        return false;
    for (uint32_t i = 0; i < a.len; i++) {
        char ca = header_ident_char(a.bytes[i]) ? (char)a.bytes[i] : '_';
        char cb = header_ident_char(b.bytes[i]) ? (char)b.bytes[i] : '_';
        if (ca != cb)
            return false;
    }
    return true;
}

/* Longest export name kept whole. */
#define HEADER_EXPORT_NAME_KEEP 200

bool aot_header_export_name(const aot_module *m, uint32_t export_index, char *out, size_t size)
{
    aot_name name = m->exports[export_index].name;
    bool unique = name.len > 0 && name.len <= HEADER_EXPORT_NAME_KEEP;
    for (uint32_t j = 0; unique && j < export_index; j++)
        if (header_same_sanitized(m->exports[j].name, name))
            unique = false;
    size_t keep = name.len > HEADER_EXPORT_NAME_KEEP ? HEADER_EXPORT_NAME_KEEP : name.len;
    if (!header_sanitize(name.bytes, keep, out, size))
        return false;
    if (unique && !header_is_reserved(out))
        return true;
    size_t at = strlen(out);
    int n = snprintf(out + at, size - at, "_%u", export_index);
    return n > 0 && (size_t)n < size - at;
}

bool aot_header_export_symbol(const aot_module *m, const char *prefix, uint32_t export_index,
                              char *out, size_t size)
{
    char name[AOT_HEADER_SYMBOL_MAX];
    if (!aot_header_export_name(m, export_index, name, sizeof name))
        return false;
    int n = snprintf(out, size, "%s_waot_export_%s", prefix, name);
    return n > 0 && (size_t)n < size;
}

/* ---- Writing ---- */

typedef struct header_writer {
    FILE *f;
    const aot_module *m;
    const char *name;
    char (*import_names)[AOT_HEADER_SYMBOL_MAX]; /* per import: its field in <name>_imports */
} header_writer;

static const char *header_ctype(aot_valtype t)
{
    switch (t) {
    case AOT_VT_I32: return "int32_t";
    case AOT_VT_I64: return "int64_t";
    case AOT_VT_F32: return "float";
    case AOT_VT_F64: return "double";
    case AOT_VT_V128: return "waot_v128";
    default: return "void *";
    }
}

/* The waot_abi_value member holding a value of type t (v128: memcpy). */
static const char *header_member(aot_valtype t)
{
    switch (t) {
    case AOT_VT_I32: return "i32";
    case AOT_VT_I64: return "i64";
    case AOT_VT_F32: return "f32";
    case AOT_VT_F64: return "f64";
    case AOT_VT_V128: return "v128";
    default: return "ref";
    }
}

/* `dst = src` where src is a waot_abi_value member expression base. */
static void header_from_value(header_writer *w, const char *indent, const char *dst,
                              const char *src, aot_valtype t)
{
    if (t == AOT_VT_V128)
        fprintf(w->f, "%smemcpy(&%s, %s.v128, 16);\n", indent, dst, src);
    else
        fprintf(w->f, "%s%s = %s.%s;\n", indent, dst, src, header_member(t));
}

static void header_to_value(header_writer *w, const char *indent, const char *dst,
                            const char *src, aot_valtype t)
{
    if (t == AOT_VT_V128)
        fprintf(w->f, "%smemcpy(%s.v128, &%s, 16);\n", indent, dst, src);
    else
        fprintf(w->f, "%s%s.%s = %s;\n", indent, dst, header_member(t), src);
}

/* A name for a C comment: printable ASCII only, never closing it. */
static void header_comment_name(header_writer *w, aot_name name)
{
    fputc('"', w->f);
    for (uint32_t i = 0; i < name.len && i < 200; i++) {
        unsigned char c = name.bytes[i];
        bool plain = c >= 0x20 && c < 0x7f && c != '*' && c != '/' && c != '\\';
        fputc(plain ? c : '?', w->f);
    }
    fputc('"', w->f);
}

static void header_comment_type(header_writer *w, const aot_functype *t)
{
    fputc('(', w->f);
    for (uint32_t i = 0; i < t->param_count; i++)
        fprintf(w->f, "%s%s", i ? " " : "", aot_valtype_name(t->params[i]));
    fputs(") -> (", w->f);
    for (uint32_t i = 0; i < t->result_count; i++)
        fprintf(w->f, "%s%s", i ? " " : "", aot_valtype_name(t->results[i]));
    fputc(')', w->f);
}

static bool header_import_names(header_writer *w)
{
    const aot_module *m = w->m;
    w->import_names = calloc(m->import_count ? m->import_count : 1, sizeof *w->import_names);
    if (!w->import_names)
        return false;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *imp = &m->imports[i];
        char *out = w->import_names[i];
        uint32_t mlen = imp->module.len > 100 ? 100 : imp->module.len;
        uint32_t flen = imp->field.len > 100 ? 100 : imp->field.len;
        header_sanitize(imp->module.bytes, mlen, out, AOT_HEADER_SYMBOL_MAX);
        size_t at = strlen(out);
        out[at++] = '_';
        header_sanitize(imp->field.bytes, flen, out + at, AOT_HEADER_SYMBOL_MAX - at);
        bool unique = mlen == imp->module.len && flen == imp->field.len;
        for (uint32_t j = 0; unique && j < i; j++)
            if (strcmp(w->import_names[j], out) == 0)
                unique = false;
        if (!unique || isdigit((unsigned char)out[0]))
            snprintf(out + strlen(out), AOT_HEADER_SYMBOL_MAX - strlen(out), "_%u", i);
        if (isdigit((unsigned char)out[0])) {
            memmove(out + 1, out, strlen(out) + 1);
            out[0] = '_';
        }
    }
    return true;
}

static void header_prologue(header_writer *w, const char *source)
{
    const char *n = w->name;
    FILE *f = w->f;
    fprintf(f,
            "/*\n"
            " * The typed C API of module \"%s\", generated from %s by\n"
            " * `waot compile --emit obj --header`; the module's code is in the object\n"
            " * compiled with it.  Do not edit: compile the module again instead.  Link\n"
            " * the object and the waot runtime library (waot_runtime) into the program.\n"
            " *\n"
            " *   %s_imports\n"
            " *       What the module imports: fill it in and pass it to\n"
            " *       %s_instantiate (NULL when it imports nothing).  A function\n"
            " *       import is a C function pointer `fn` and a `context` passed to it\n"
            " *       first; a global import is its initial value.  Imported memories\n"
            " *       and tables are created by the runtime as the module declares.\n"
            " *       A host function may end the wasm call with waot_static_host_trap().\n"
            " *   %s_instance\n"
            " *       One instance: its own memory, tables and globals.  Any number\n"
            " *       may exist; one thread uses one at a time.\n"
            " *   %s_instantiate, %s_free\n"
            " *   %s_<export>\n"
            " *       One wrapper per exported function, with native C types (v128\n"
            " *       is waot_v128, references are void *).  One result is returned;\n"
            " *       several are written through out-pointers after the arguments.\n"
            " *   %s_last_status\n"
            " *       How the instance's last call ended.  A trap never unwinds\n"
            " *       through the caller: the wrapper returns 0 (out-pointers\n"
            " *       untouched) and records WAOT_ERROR_TRAP and the trap's message\n"
            " *       here; check it after calls that may trap.  Every call through\n"
            " *       this API overwrites it.  WASI's proc_exit gives WAOT_ERROR_EXIT.\n"
            " *   accessors\n"
            " *       Exported memories: _data, _size; globals: _get (and _set when\n"
            " *       mutable); tables: _size, _get, _set.\n"
            " */\n",
            n, source, n, n, n, n, n, n, n);
    char guard[AOT_HEADER_NAME_MAX + 16];
    size_t i = 0;
    for (; n[i] && i < AOT_HEADER_NAME_MAX; i++)
        guard[i] = (char)toupper((unsigned char)n[i]);
    strcpy(guard + i, "_WAOT_H");
    fprintf(f,
            "#ifndef %s\n#define %s\n\n"
            "#include \"waot_static.h\"\n\n"
            "#include <stdbool.h>\n#include <stdint.h>\n"
            "#include <stdlib.h>\n#include <string.h>\n\n"
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n",
            guard, guard);
}

static void header_imports(header_writer *w)
{
    const aot_module *m = w->m;
    FILE *f = w->f;
    const char *n = w->name;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *imp = &m->imports[i];
        if (imp->kind != AOT_EXTERN_FUNC)
            continue;
        const aot_functype *t = &m->types[imp->desc.type_index];
        fprintf(f, "/* Import ");
        header_comment_name(w, imp->module);
        fputc(' ', f);
        header_comment_name(w, imp->field);
        fputs(": ", f);
        header_comment_type(w, t);
        fputs(" */\n", f);
        fprintf(f, "typedef struct %s_import_%s {\n    %s (*fn)(void *context", n,
                w->import_names[i], t->result_count == 1 ? header_ctype(t->results[0]) : "void");
        for (uint32_t p = 0; p < t->param_count; p++)
            fprintf(f, ", %s p%u", header_ctype(t->params[p]), p);
        if (t->result_count > 1)
            for (uint32_t r = 0; r < t->result_count; r++)
                fprintf(f, ", %s *r%u", header_ctype(t->results[r]), r);
        fprintf(f, ");\n    void *context;\n} %s_import_%s;\n\n", n, w->import_names[i]);
    }
    fprintf(f, "typedef struct %s_imports {\n", n);
    if (m->import_count == 0)
        fputs("    char unused; /* the module imports nothing */\n", f);
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *imp = &m->imports[i];
        switch (imp->kind) {
        case AOT_EXTERN_FUNC:
            fprintf(f, "    %s_import_%s %s;\n", n, w->import_names[i], w->import_names[i]);
            break;
        case AOT_EXTERN_GLOBAL:
            fprintf(f, "    %s %s; /* initial value of the %s global */\n",
                    header_ctype(imp->desc.global.type), w->import_names[i],
                    imp->desc.global.is_mutable ? "mutable" : "immutable");
            break;
        default:
            fprintf(f, "    char %s; /* unused: the runtime creates this %s */\n",
                    w->import_names[i], imp->kind == AOT_EXTERN_MEMORY ? "memory" : "table");
            break;
        }
    }
    fprintf(f, "} %s_imports;\n\n", n);
    fprintf(f,
            "typedef struct %s_instance %s_instance;\n\n"
            "/* ---- Private: what the functions below use. ---- */\n\n"
            "struct %s_instance {\n    waot_static_instance rt;\n    %s_imports imports;\n};\n\n"
            "extern const waot_abi_module %s_waot_module;\n",
            n, n, n, n, n);
}

/* The System V registers the call sequence passes parameters in; the
 * context goes in HEADER_CTX_REGISTER. */
static const char *const header_int_registers[] = {"rdi", "rsi", "rdx", "rcx", "r8", "r9"};
static const char *const header_all_int_registers[] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r12", "r13", "r14", "r15"};
#define HEADER_CTX_REGISTER "r13"
#define HEADER_INT_ALL (sizeof header_all_int_registers / sizeof *header_all_int_registers)
#define HEADER_XMM_ARGS 8
#define HEADER_XMM_ALL 16

/* Marks `reg` as an operand, so it is not named a clobber too. */
static void header_mark_int_used(bool used[HEADER_INT_ALL], const char *reg)
{
    for (size_t r = 0; r < HEADER_INT_ALL; r++)
        if (strcmp(header_all_int_registers[r], reg) == 0)
            used[r] = true;
}

static bool header_is_float(aot_valtype t)
{
    return t == AOT_VT_F32 || t == AOT_VT_F64;
}

/* Whether a wrapper can call function `func` with the call sequence: a
 * defined function whose values all travel in registers. */
static bool header_direct(const aot_module *m, uint32_t func)
{
    if (func < m->imported_func_count)
        return false;
    const aot_functype *t = &m->types[m->funcs[func].type_index];
    if (t->result_count > 1 || (t->result_count == 1 && t->results[0] == AOT_VT_V128))
        return false;
    uint32_t ints = 0, floats = 0;
    for (uint32_t i = 0; i < t->param_count; i++) {
        if (t->params[i] == AOT_VT_V128)
            return false;
        if (header_is_float(t->params[i]))
            floats++;
        else
            ints++;
    }
    return ints <= sizeof header_int_registers / sizeof *header_int_registers &&
           floats <= HEADER_XMM_ARGS;
}

/* The body of a direct wrapper: binds the context and arguments to their
 * registers, runs the call sequence with every other register clobbered,
 * and turns %r11 into the instance's status. */
static void header_direct_body(header_writer *w, const aot_functype *t, const char *symbol)
{
    FILE *f = w->f;
    bool int_used[HEADER_INT_ALL] = {0};
    bool xmm_used[HEADER_XMM_ALL] = {0};
    char operands[1024];
    size_t len = (size_t)snprintf(operands, sizeof operands, "\"=r\"(trap)");

    fputs("    waot_abi_context *ctx = waot_static_context(&instance->rt);\n", f);
    fputs("    register uint64_t ctx_reg __asm__(\"" HEADER_CTX_REGISTER "\") = (uintptr_t)ctx;\n", f);
    header_mark_int_used(int_used, HEADER_CTX_REGISTER);
    len += (size_t)snprintf(operands + len, sizeof operands - len, ", \"+r\"(ctx_reg)");
    uint32_t ints = 0, floats = 0;
    for (uint32_t p = 0; p < t->param_count; p++) {
        aot_valtype type = t->params[p];
        if (header_is_float(type)) {
            uint32_t x = floats++;
            xmm_used[x] = true;
            fprintf(f, "    register double xmm%u __asm__(\"xmm%u\") = ", x, x);
            if (type == AOT_VT_F32)
                fprintf(f, "waot_static_xmm_of_f32(p%u);\n", p);
            else
                fprintf(f, "p%u;\n", p);
            len += (size_t)snprintf(operands + len, sizeof operands - len, ", \"+x\"(xmm%u)", x);
            continue;
        }
        const char *reg = header_int_registers[ints++];
        header_mark_int_used(int_used, reg);
        fprintf(f, "    register uint64_t %s __asm__(\"%s\") = ", reg, reg);
        if (type == AOT_VT_I32)
            fprintf(f, "(uint32_t)p%u;\n", p);
        else if (type == AOT_VT_I64)
            fprintf(f, "(uint64_t)p%u;\n", p);
        else
            fprintf(f, "(uintptr_t)p%u;\n", p);
        len += (size_t)snprintf(operands + len, sizeof operands - len, ", \"+r\"(%s)", reg);
    }
    bool float_result = t->result_count == 1 && header_is_float(t->results[0]);
    bool int_result = t->result_count == 1 && !float_result;
    if (int_result) {
        header_mark_int_used(int_used, "rax");
        fputs("    register uint64_t rax __asm__(\"rax\");\n", f);
        len += (size_t)snprintf(operands + len, sizeof operands - len, ", \"=r\"(rax)");
    }
    if (float_result && !xmm_used[0]) {
        xmm_used[0] = true;
        fputs("    register double xmm0 __asm__(\"xmm0\");\n", f);
        len += (size_t)snprintf(operands + len, sizeof operands - len, ", \"=x\"(xmm0)");
    }
    fputs("    register uint64_t trap __asm__(\"r11\");\n", f);
    fprintf(f, "    __asm__ volatile(WAOT_STATIC_CALL_SEQUENCE(\"%s@PLT\")\n", symbol);
    fprintf(f, "                     : %s\n                     :\n                     : ", operands);
    for (size_t r = 0; r < HEADER_INT_ALL; r++)
        if (!int_used[r])
            fprintf(f, "\"%s\", ", header_all_int_registers[r]);
    for (uint32_t x = 0; x < HEADER_XMM_ALL; x++)
        if (!xmm_used[x])
            fprintf(f, "\"xmm%u\", ", x);
    fputs("\"cc\", \"memory\" WAOT_STATIC_AVX512_CLOBBERS);\n", f);
    fputs("    if (__builtin_expect(trap != 0, 0)) {\n"
          "        waot_static_trapped(&instance->rt, trap);\n", f);
    if (t->result_count)
        fprintf(f, "        return (%s)0;\n    }\n", header_ctype(t->results[0]));
    else
        fputs("        return;\n    }\n", f);
    fputs("    instance->rt.status = WAOT_OK;\n", f);
    if (int_result) {
        aot_valtype r = t->results[0];
        if (r == AOT_VT_I32)
            fputs("    return (int32_t)(uint32_t)rax;\n", f);
        else if (r == AOT_VT_I64)
            fputs("    return (int64_t)rax;\n", f);
        else
            fputs("    return (void *)(uintptr_t)rax;\n", f);
    } else if (float_result) {
        fputs(t->results[0] == AOT_VT_F32 ? "    return waot_static_f32_of_xmm(xmm0);\n"
                                          : "    return xmm0;\n",
              f);
    }
}

static bool header_symbols(header_writer *w)
{
    const aot_module *m = w->m;
    for (uint32_t e = 0; e < m->export_count; e++) {
        const aot_export *x = &m->exports[e];
        if (x->kind != AOT_EXTERN_FUNC || !header_direct(m, x->index))
            continue;
        char symbol[AOT_HEADER_SYMBOL_MAX];
        if (!aot_header_export_symbol(m, w->name, e, symbol, sizeof symbol))
            return false;
        const aot_functype *t = &m->types[m->funcs[x->index].type_index];
        fprintf(w->f, "extern %s %s(void *ctx",
                t->result_count ? header_ctype(t->results[0]) : "void", symbol);
        for (uint32_t p = 0; p < t->param_count; p++)
            fprintf(w->f, ", %s", header_ctype(t->params[p]));
        fputs(");\n", w->f);
    }
    fputc('\n', w->f);
    return true;
}

static void header_adapters(header_writer *w)
{
    const aot_module *m = w->m;
    FILE *f = w->f;
    const char *n = w->name;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *imp = &m->imports[i];
        if (imp->kind != AOT_EXTERN_FUNC)
            continue;
        const aot_functype *t = &m->types[imp->desc.type_index];
        const char *in = w->import_names[i];
        fprintf(f,
                "static inline void %s_adapt_%s(waot_abi_host_closure *closure,\n"
                "    const waot_abi_value *args, waot_abi_value *results)\n{\n"
                "    const %s_import_%s *import = (const %s_import_%s *)closure->user;\n"
                "    (void)args;\n    (void)results;\n",
                n, in, n, in, n, in);
        for (uint32_t p = 0; p < t->param_count; p++) {
            char dst[32], src[32];
            fprintf(f, "    %s p%u;\n", header_ctype(t->params[p]), p);
            snprintf(dst, sizeof dst, "p%u", p);
            snprintf(src, sizeof src, "args[%u]", p);
            header_from_value(w, "    ", dst, src, t->params[p]);
        }
        if (t->result_count > 1)
            for (uint32_t r = 0; r < t->result_count; r++)
                fprintf(f, "    %s r%u;\n    memset(&r%u, 0, sizeof r%u);\n",
                        header_ctype(t->results[r]), r, r, r);
        fputs("    ", f);
        if (t->result_count == 1)
            fprintf(f, "%s r0 = ", header_ctype(t->results[0]));
        fputs("import->fn(import->context", f);
        for (uint32_t p = 0; p < t->param_count; p++)
            fprintf(f, ", p%u", p);
        if (t->result_count > 1)
            for (uint32_t r = 0; r < t->result_count; r++)
                fprintf(f, ", &r%u", r);
        fputs(");\n", f);
        for (uint32_t r = 0; r < t->result_count; r++) {
            char dst[32], src[32];
            snprintf(dst, sizeof dst, "results[%u]", r);
            snprintf(src, sizeof src, "r%u", r);
            header_to_value(w, "    ", dst, src, t->results[r]);
        }
        fputs("}\n\n", f);
    }
}

static void header_lifecycle(header_writer *w)
{
    const aot_module *m = w->m;
    FILE *f = w->f;
    const char *n = w->name;
    fprintf(f, "/* ---- The API ---- */\n\n");
    fprintf(f,
            "/* Makes an instance: binds `imports` (copied; NULL when the module\n"
            " * imports nothing), allocates memory, tables and globals and runs the\n"
            " * start function.  On failure *out is NULL and `err` (may be NULL) says why. */\n"
            "static inline waot_status %s_instantiate(const %s_imports *imports,\n"
            "    %s_instance **out, waot_error *err)\n{\n"
            "    *out = NULL;\n"
            "    %s_instance *instance = (%s_instance *)calloc(1, sizeof *instance);\n"
            "    if (!instance) {\n"
            "        if (err) {\n"
            "            memset(err, 0, sizeof *err);\n"
            "            err->status = WAOT_ERROR_NOMEM;\n"
            "            memcpy(err->message, \"out of memory\", sizeof \"out of memory\");\n"
            "        }\n"
            "        return WAOT_ERROR_NOMEM;\n"
            "    }\n"
            "    if (imports)\n        instance->imports = *imports;\n",
            n, n, n, n, n);
    uint32_t bindings = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == AOT_EXTERN_FUNC || m->imports[i].kind == AOT_EXTERN_GLOBAL)
            bindings++;
    if (bindings) {
        fprintf(f, "    waot_static_import bindings[%u];\n", bindings);
        fputs("    memset(bindings, 0, sizeof bindings);\n", f);
        uint32_t b = 0;
        for (uint32_t i = 0; i < m->import_count; i++) {
            const aot_import *imp = &m->imports[i];
            const char *in = w->import_names[i];
            if (imp->kind == AOT_EXTERN_FUNC) {
                fprintf(f,
                        "    bindings[%u].import_index = %u;\n"
                        "    bindings[%u].fn = instance->imports.%s.fn ? %s_adapt_%s : NULL;\n"
                        "    bindings[%u].user = &instance->imports.%s;\n",
                        b, i, b, in, n, in, b, in);
                b++;
            } else if (imp->kind == AOT_EXTERN_GLOBAL) {
                char dst[64], src[AOT_HEADER_SYMBOL_MAX + 32];
                fprintf(f, "    bindings[%u].import_index = %u;\n", b, i);
                snprintf(dst, sizeof dst, "bindings[%u].value", b);
                snprintf(src, sizeof src, "instance->imports.%s", in);
                header_to_value(w, "    ", dst, src, imp->desc.global.type);
                b++;
            }
        }
    }
    fprintf(f,
            "    waot_status status = waot_static_instantiate(&%s_waot_module, %s, %u,\n"
            "                                                 &instance->rt, err);\n"
            "    if (status != WAOT_OK) {\n        free(instance);\n        return status;\n    }\n"
            "    *out = instance;\n    return WAOT_OK;\n}\n\n",
            n, bindings ? "bindings" : "NULL", bindings);
    fprintf(f,
            "/* Ends an instance and frees what it owns; NULL is ignored. */\n"
            "static inline void %s_free(%s_instance *instance)\n{\n"
            "    if (!instance)\n        return;\n"
            "    waot_static_release(&instance->rt);\n    free(instance);\n}\n\n",
            n, n);
    fprintf(f,
            "/* How the last call on `instance` ended: WAOT_OK, or WAOT_ERROR_TRAP (the\n"
            " * trap and its message in `err`, which may be NULL) or WAOT_ERROR_EXIT. */\n"
            "static inline waot_status %s_last_status(const %s_instance *instance,\n"
            "    waot_error *err)\n{\n"
            "    return waot_static_last_status(&instance->rt, err);\n}\n\n",
            n, n);
}

static bool header_function(header_writer *w, uint32_t e)
{
    const aot_module *m = w->m;
    FILE *f = w->f;
    const char *n = w->name;
    const aot_export *x = &m->exports[e];
    const aot_functype *t = &m->types[m->funcs[x->index].type_index];
    char cname[AOT_HEADER_SYMBOL_MAX];
    if (!aot_header_export_name(m, e, cname, sizeof cname))
        return false;
    fputs("/* Export ", f);
    header_comment_name(w, x->name);
    fputs(": ", f);
    header_comment_type(w, t);
    fputs(" */\n", f);
    const char *ret = t->result_count == 1 ? header_ctype(t->results[0]) : "void";
    fprintf(f, "static inline %s %s_%s(%s_instance *instance", ret, n, cname, n);
    for (uint32_t p = 0; p < t->param_count; p++)
        fprintf(f, ", %s p%u", header_ctype(t->params[p]), p);
    if (t->result_count > 1)
        for (uint32_t r = 0; r < t->result_count; r++)
            fprintf(f, ", %s *r%u", header_ctype(t->results[r]), r);
    fputs(")\n{\n", f);
    if (header_direct(m, x->index)) {
        char symbol[AOT_HEADER_SYMBOL_MAX];
        if (!aot_header_export_symbol(m, n, e, symbol, sizeof symbol))
            return false;
        header_direct_body(w, t, symbol);
        fputs("}\n\n", f);
        return true;
    }
    fprintf(f, "    waot_value args[%u], results[%u];\n",
            t->param_count ? t->param_count : 1, t->result_count ? t->result_count : 1);
    fputs("    memset(args, 0, sizeof args);\n", f);
    for (uint32_t p = 0; p < t->param_count; p++) {
        char dst[32], src[32];
        snprintf(dst, sizeof dst, "args[%u].of", p);
        snprintf(src, sizeof src, "p%u", p);
        header_to_value(w, "    ", dst, src, t->params[p]);
    }
    if (t->result_count == 1)
        fprintf(f, "    %s result;\n    memset(&result, 0, sizeof result);\n", ret);
    fprintf(f, "    waot_static_call(&instance->rt, %u, args, results);\n", x->index);
    if (t->result_count) {
        fputs("    if (instance->rt.status == WAOT_OK) {\n", f);
        for (uint32_t r = 0; r < t->result_count; r++) {
            char dst[32], src[32];
            if (t->result_count == 1)
                snprintf(dst, sizeof dst, "result");
            else
                snprintf(dst, sizeof dst, "*r%u", r);
            snprintf(src, sizeof src, "results[%u].of", r);
            header_from_value(w, "        ", dst, src, t->results[r]);
        }
        fputs("    }\n", f);
    }
    if (t->result_count == 1)
        fputs("    return result;\n", f);
    fputs("}\n\n", f);
    return true;
}

static bool header_accessor(header_writer *w, uint32_t e)
{
    const aot_module *m = w->m;
    FILE *f = w->f;
    const char *n = w->name;
    const aot_export *x = &m->exports[e];
    char c[AOT_HEADER_SYMBOL_MAX];
    if (!aot_header_export_name(m, e, c, sizeof c))
        return false;
    fputs("/* Export ", f);
    header_comment_name(w, x->name);
    switch (x->kind) {
    case AOT_EXTERN_MEMORY:
        fprintf(f,
                ": memory %u.  The data pointer stays valid while the instance lives;\n"
                " * the size changes when the module grows the memory. */\n"
                "static inline uint8_t *%s_%s_data(%s_instance *instance)\n{\n"
                "    return instance->rt.ctx->memories[%u]->base;\n}\n\n"
                "static inline uint64_t %s_%s_size(const %s_instance *instance)\n{\n"
                "    return instance->rt.ctx->memories[%u]->size;\n}\n\n",
                x->index, n, c, n, x->index, n, c, n, x->index);
        break;
    case AOT_EXTERN_GLOBAL: {
        const aot_globaltype *g = &m->globals[x->index].type;
        const char *ct = header_ctype(g->type);
        char src[64];
        snprintf(src, sizeof src, "(*instance->rt.ctx->globals[%u])", x->index);
        fprintf(f, ": %s global %s */\n", g->is_mutable ? "mutable" : "immutable",
                aot_valtype_name(g->type));
        fprintf(f, "static inline %s %s_%s_get(const %s_instance *instance)\n{\n    %s value;\n",
                ct, n, c, n, ct);
        header_from_value(w, "    ", "value", src, g->type);
        fputs("    return value;\n}\n\n", f);
        if (g->is_mutable) {
            fprintf(f, "static inline void %s_%s_set(%s_instance *instance, %s value)\n{\n", n, c,
                    n, ct);
            header_to_value(w, "    ", src, "value", g->type);
            fputs("}\n\n", f);
        }
        break;
    }
    case AOT_EXTERN_TABLE:
        fprintf(f,
                ": table %u of %s.  A funcref is a reference the module made (read\n"
                " * from a table), or NULL. */\n"
                "static inline uint32_t %s_%s_size(const %s_instance *instance)\n{\n"
                "    return instance->rt.ctx->tables[%u]->size;\n}\n\n"
                "/* NULL for a null reference or an index out of bounds. */\n"
                "static inline void *%s_%s_get(const %s_instance *instance, uint32_t index)\n{\n"
                "    const waot_abi_table *table = instance->rt.ctx->tables[%u];\n"
                "    return index < table->size ? table->elements[index].ref : NULL;\n}\n\n"
                "/* False when `index` is out of bounds. */\n"
                "static inline bool %s_%s_set(%s_instance *instance, uint32_t index, void *ref)\n"
                "{\n    waot_abi_table *table = instance->rt.ctx->tables[%u];\n"
                "    if (index >= table->size)\n        return false;\n"
                "    table->elements[index] = waot_abi_table_element_of(%s, ref);\n"
                "    return true;\n}\n\n",
                x->index, aot_valtype_name(m->tables[x->index].type.elem_type), n, c, n,
                x->index, n, c, n, x->index, n, c, n, x->index,
                m->tables[x->index].type.elem_type == AOT_VT_FUNCREF ? "WAOT_ABI_FUNCREF"
                                                                     : "WAOT_ABI_EXTERNREF");
        break;
    default:
        break;
    }
    return true;
}

bool aot_header_write(const aot_module *m, const char *name, const char *source,
                      const char *path, aot_error *err)
{
    if (!aot_header_valid_name(name))
        return aot_fail(err, AOT_ERR_LIMIT, 0, "module name '%s' is not a C identifier", name);
    header_writer w = {.m = m, .name = name};
    if (!header_import_names(&w))
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    w.f = fopen(path, "w");
    if (!w.f) {
        free(w.import_names);
        return aot_fail(err, AOT_ERR_IO, 0, "cannot write %s: %s", path, strerror(errno));
    }
    /* The file name only, so the header does not depend on where it was built. */
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    char quoted[256];
    size_t q = 0;
    for (const char *s = base; *s && q + 1 < sizeof quoted; s++)
        quoted[q++] = (*s == '*' || (unsigned char)*s < 0x20) ? '?' : *s;
    quoted[q] = '\0';
    header_prologue(&w, quoted);
    header_imports(&w);
    bool ok = header_symbols(&w);
    header_adapters(&w);
    header_lifecycle(&w);
    for (uint32_t e = 0; ok && e < m->export_count; e++)
        ok = m->exports[e].kind == AOT_EXTERN_FUNC ? header_function(&w, e)
                                                   : header_accessor(&w, e);
    fprintf(w.f, "#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
    bool written = !ferror(w.f);
    written = fclose(w.f) == 0 && written;
    free(w.import_names);
    if (!ok)
        return aot_fail(err, AOT_ERR_LIMIT, 0, "an export name is too long for a C name");
    if (!written)
        return aot_fail(err, AOT_ERR_IO, 0, "cannot write %s", path);
    return true;
}
