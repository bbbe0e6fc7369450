/*
 * `waot run FILE [--invoke NAME [ARG...]]`: loads a precompiled module (or
 * compiles a .wasm to a temporary one first), instantiates it and calls an
 * export, printing its results.  Arguments are parsed by the export's
 * parameter types; results are printed one per line as TYPE:VALUE.  A trap
 * ends the command with its message and exit status 3.
 */
#include "cli.h"
#include "codegen_api.h"
#include "waot.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RUN_EXIT_TRAP = 3 };

static void run_print_help(FILE *out)
{
    fputs("Usage: waot run [options] FILE.wasm|FILE.cwasm [--invoke NAME [ARG...]]\n"
          "\n"
          "Instantiate a module and call one of its exported functions.  A .wasm\n"
          "file is compiled first (to a temporary precompiled module); a .cwasm\n"
          "made by `waot compile` is loaded as it is.  Without --invoke the module\n"
          "is instantiated (running its start function) and its `_start` export,\n"
          "if any, is called.\n"
          "\n"
          "Arguments follow the function's parameter types:\n"
          "  i32, i64    decimal or 0x hexadecimal, signed or unsigned (-1, 4294967295)\n"
          "  f32, f64    decimal or hex floats, inf, -inf, nan, nan:0xPAYLOAD\n"
          "  v128        SHAPE:LANES, lanes comma-separated, lane 0 first:\n"
          "              i8x16:1,2,...  i16x8:..  i32x4:1,-2,3,4  i64x2:..  f32x4:1.5,nan,..\n"
          "              f64x2:..\n"
          "  funcref, externref   null\n"
          "Results are printed one per line as TYPE:VALUE, e.g. i32:-1, f64:0.5,\n"
          "f32:nan, f32:nan:0x200000 (a NaN with another payload), externref:null.\n"
          "Integers print as signed decimals; floats in the shortest form that reads\n"
          "back to the same bits; v128 results in the --v128 shape, e.g.\n"
          "v128:i32x4:1,2,3,4.\n"
          "\n"
          "Options:\n"
          "  --invoke NAME   the export to call; the remaining arguments are its\n"
          "                  arguments\n"
          "  -O0 .. -O3      optimisation level when compiling a .wasm (default -O2)\n"
          "  --v128 SHAPE    lanes to print v128 results as: i8x16, i16x8, i32x4\n"
          "                  (default), i64x2, f32x4 or f64x2\n"
          "  -h, --help      show this help and exit\n"
          "\n"
          "Exit status: 0 on success, 1 if the module cannot be loaded, linked or\n"
          "called, 2 for a bad command line, 3 if the call trapped.\n",
          out);
}

static bool run_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Compiles `path` (a .wasm) into a temporary precompiled module whose path
 * goes to `out` (the caller unlinks it). */
static bool run_compile(const char *path, unsigned opt_level, char *out, size_t out_size)
{
    cli_loaded_module loaded;
    if (!cli_load_module(path, &loaded))
        return false;
    const char *tmp = getenv("TMPDIR");
    snprintf(out, out_size, "%s/waot-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(out);
    aot_error err;
    aot_error_clear(&err);
    const aot_codegen_api *codegen;
    aot_compile_options options = {.opt_level = opt_level, .emit = AOT_EMIT_CWASM,
                                   .waot_version = WAOT_VERSION, .wasm = loaded.bytes,
                                   .wasm_size = loaded.size};
    aot_compile_timings timings;
    bool ok = fd >= 0;
    if (!ok)
        aot_fail(&err, AOT_ERR_IO, 0, "cannot create a temporary file: %s", strerror(errno));
    else
        close(fd);
    ok = ok && aot_codegen_load(&codegen, &err) &&
         codegen->compile(loaded.module, &options, out, &timings, &err);
    if (!ok) {
        cli_report_error(path, &err);
        if (fd >= 0)
            unlink(out);
    }
    cli_loaded_module_free(&loaded);
    return ok;
}

static const char *run_type_name(uint32_t type)
{
    switch (type) {
    case WAOT_ABI_I32: return "i32";
    case WAOT_ABI_I64: return "i64";
    case WAOT_ABI_F32: return "f32";
    case WAOT_ABI_F64: return "f64";
    case WAOT_ABI_V128: return "v128";
    case WAOT_ABI_FUNCREF: return "funcref";
    case WAOT_ABI_EXTERNREF: return "externref";
    }
    return "?";
}

static bool run_parse_int(const char *text, int bits, int64_t *out)
{
    errno = 0;
    char *end;
    if (text[0] == '-') {
        long long v = strtoll(text, &end, 0);
        if (errno || *end || end == text || (bits == 32 && v < INT32_MIN))
            return false;
        *out = v;
        return true;
    }
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || *end || end == text || (bits == 32 && v > UINT32_MAX))
        return false;
    *out = (int64_t)v;
    return true;
}

/* nan, -nan, nan:0xPAYLOAD, inf, and everything strtod reads. */
static bool run_parse_float(const char *text, bool is_f64, waot_abi_value *out)
{
    bool negative = text[0] == '-';
    const char *body = negative || text[0] == '+' ? text + 1 : text;
    if (strncmp(body, "nan", 3) == 0) {
        uint64_t payload = is_f64 ? UINT64_C(1) << 51 : UINT64_C(1) << 22;
        if (body[3] == ':') {
            char *end;
            errno = 0;
            payload = strtoull(body + 4, &end, 0);
            if (errno || *end || payload == 0 ||
                payload >= (is_f64 ? UINT64_C(1) << 52 : UINT64_C(1) << 23))
                return false;
        } else if (body[3] != '\0') {
            return false;
        }
        if (is_f64) {
            uint64_t bits = UINT64_C(0x7ff0000000000000) | payload | (negative ? UINT64_C(1) << 63 : 0);
            memcpy(&out->f64, &bits, 8);
        } else {
            uint32_t bits = 0x7f800000u | (uint32_t)payload | (negative ? 1u << 31 : 0);
            memcpy(&out->f32, &bits, 4);
        }
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end || end == text)
        return false;
    if (is_f64)
        out->f64 = v;
    else
        out->f32 = strtof(text, &end);
    return true;
}

/* The lane shapes of v128 values on the command line. */
typedef struct run_shape {
    const char *name;
    unsigned lanes;
    unsigned bits;
    bool is_float;
} run_shape;

static const run_shape run_shapes[] = {
    {"i8x16", 16, 8, false}, {"i16x8", 8, 16, false}, {"i32x4", 4, 32, false},
    {"i64x2", 2, 64, false}, {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true},
};

static const run_shape *run_find_shape(const char *text, size_t len)
{
    for (size_t i = 0; i < sizeof run_shapes / sizeof run_shapes[0]; i++)
        if (strlen(run_shapes[i].name) == len && strncmp(run_shapes[i].name, text, len) == 0)
            return &run_shapes[i];
    return NULL;
}

/* SHAPE:LANE,LANE,... with lane 0 first, stored little-endian. */
static bool run_parse_v128(const char *text, uint8_t out[16])
{
    const char *colon = strchr(text, ':');
    const run_shape *shape = colon ? run_find_shape(text, (size_t)(colon - text)) : NULL;
    if (!shape)
        return false;
    char *lanes = strdup(colon + 1);
    if (!lanes)
        return false;
    unsigned count = 0;
    bool ok = true;
    char *save = NULL;
    for (char *lane = strtok_r(lanes, ",", &save); ok && lane; lane = strtok_r(NULL, ",", &save)) {
        if (count == shape->lanes) {
            ok = false;
            break;
        }
        uint64_t bits = 0;
        if (shape->is_float) {
            waot_abi_value v;
            ok = run_parse_float(lane, shape->bits == 64, &v);
            if (shape->bits == 64)
                memcpy(&bits, &v.f64, 8);
            else
                memcpy(&bits, &v.f32, 4);
        } else {
            int64_t v;
            ok = shape->bits == 64 ? run_parse_int(lane, 64, &v) : run_parse_int(lane, 32, &v);
            uint64_t limit = shape->bits == 64 ? 0 : UINT64_C(1) << shape->bits;
            if (ok && limit && (v >= (int64_t)limit || v < -(int64_t)(limit / 2)))
                ok = false;
            bits = (uint64_t)v;
        }
        for (unsigned b = 0; ok && b < shape->bits / 8; b++)
            out[count * (shape->bits / 8) + b] = (uint8_t)(bits >> (8 * b));
        count++;
    }
    free(lanes);
    return ok && count == shape->lanes;
}

static bool run_parse_arg(const char *text, uint32_t type, waot_value *out)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    int64_t i;
    switch (type) {
    case WAOT_ABI_I32:
        if (!run_parse_int(text, 32, &i))
            return false;
        out->of.i32 = (int32_t)(uint32_t)i;
        return true;
    case WAOT_ABI_I64:
        if (!run_parse_int(text, 64, &i))
            return false;
        out->of.i64 = i;
        return true;
    case WAOT_ABI_F32:
        return run_parse_float(text, false, &out->of);
    case WAOT_ABI_F64:
        return run_parse_float(text, true, &out->of);
    case WAOT_ABI_V128:
        return run_parse_v128(text, out->of.v128);
    case WAOT_ABI_FUNCREF:
    case WAOT_ABI_EXTERNREF:
        out->of.ref = NULL;
        return strcmp(text, "null") == 0;
    }
    return false;
}

static void run_print_float(double v, uint64_t bits, int mantissa_bits, int digits)
{
    if (isnan(v)) {
        uint64_t payload = bits & ((UINT64_C(1) << mantissa_bits) - 1);
        bool sign = bits >> (mantissa_bits == 52 ? 63 : 31);
        printf("%snan", sign ? "-" : "");
        if (payload != UINT64_C(1) << (mantissa_bits - 1))
            printf(":0x%" PRIx64, payload);
    } else if (isinf(v)) {
        printf("%sinf", v < 0 ? "-" : "");
    } else {
        printf("%.*g", digits, v);
    }
}

static void run_print_v128(const uint8_t bytes[16], const run_shape *shape)
{
    printf("%s:", shape->name);
    unsigned width = shape->bits / 8;
    for (unsigned lane = 0; lane < shape->lanes; lane++) {
        uint64_t bits = 0;
        for (unsigned b = width; b-- > 0;)
            bits = bits << 8 | bytes[lane * width + b];
        if (lane)
            putchar(',');
        if (shape->is_float && shape->bits == 32) {
            float f;
            uint32_t narrow = (uint32_t)bits;
            memcpy(&f, &narrow, 4);
            run_print_float(f, narrow, 23, 9);
        } else if (shape->is_float) {
            double d;
            memcpy(&d, &bits, 8);
            run_print_float(d, bits, 52, 17);
        } else {
            /* Sign-extend the lane for a signed decimal. */
            unsigned unused = 64 - shape->bits;
            printf("%" PRId64, (int64_t)(bits << unused) >> unused);
        }
    }
}

static void run_print_result(const waot_value *v, const run_shape *shape)
{
    printf("%s:", run_type_name(v->type));
    switch (v->type) {
    case WAOT_ABI_I32: printf("%" PRId32, v->of.i32); break;
    case WAOT_ABI_I64: printf("%" PRId64, v->of.i64); break;
    case WAOT_ABI_F32: {
        uint32_t bits;
        memcpy(&bits, &v->of.f32, 4);
        run_print_float(v->of.f32, bits, 23, 9);
        break;
    }
    case WAOT_ABI_F64: {
        uint64_t bits;
        memcpy(&bits, &v->of.f64, 8);
        run_print_float(v->of.f64, bits, 52, 17);
        break;
    }
    case WAOT_ABI_V128:
        run_print_v128(v->of.v128, shape);
        break;
    default:
        if (v->of.ref)
            printf("%p", v->of.ref);
        else
            printf("null");
    }
    putchar('\n');
}

static int run_report(const char *path, const waot_error *err)
{
    cli_write_one_line(stderr, path);
    fputs(err->status == WAOT_ERROR_TRAP ? ": trap: " : ": error: ", stderr);
    cli_write_one_line(stderr, err->message);
    fputc('\n', stderr);
    return err->status == WAOT_ERROR_TRAP ? RUN_EXIT_TRAP : CLI_EXIT_FAILURE;
}

static int run_invoke(const char *path, waot_instance *instance, const char *name, char **args,
                      int arg_count, const run_shape *shape)
{
    const waot_abi_functype *type;
    if (waot_func_type(instance, name, &type) != WAOT_OK) {
        fprintf(stderr, "%s: error: no exported function named '%s'\n", path, name);
        return CLI_EXIT_FAILURE;
    }
    if ((uint32_t)arg_count != type->param_count)
        return cli_usage_error("run", "'%s' takes %u argument%s, %d given", name,
                               type->param_count, type->param_count == 1 ? "" : "s", arg_count);
    waot_value *values = calloc(type->param_count + type->result_count + 1, sizeof *values);
    if (!values) {
        fprintf(stderr, "waot run: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    for (uint32_t i = 0; i < type->param_count; i++) {
        if (!run_parse_arg(args[i], type->types[i], &values[i])) {
            free(values);
            return cli_usage_error("run", "argument %u '%s' is not a %s", i + 1, args[i],
                                   run_type_name(type->types[i]));
        }
    }
    waot_value *results = values + type->param_count;
    waot_error err;
    int status = CLI_EXIT_OK;
    if (waot_call(instance, name, values, type->param_count, results, type->result_count, &err) !=
        WAOT_OK) {
        status = run_report(path, &err);
    } else {
        for (uint32_t i = 0; i < type->result_count; i++)
            run_print_result(&results[i], shape);
        if (!cli_finish_output())
            status = CLI_EXIT_FAILURE;
    }
    free(values);
    return status;
}

static int run_run(int argc, char **argv)
{
    const char *path = NULL, *invoke = NULL;
    const run_shape *shape = run_find_shape("i32x4", 5);
    unsigned opt_level = 2;
    int first_arg = argc;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--invoke") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("run", "--invoke needs a function name");
            invoke = argv[i + 1];
            first_arg = i + 2;
            break;
        } else if (strcmp(arg, "--v128") == 0) {
            if (i + 1 >= argc || !(shape = run_find_shape(argv[i + 1], strlen(argv[i + 1]))))
                return cli_usage_error("run", "--v128 needs a shape: i8x16, i16x8, i32x4, i64x2, "
                                              "f32x4 or f64x2");
            i++;
        } else if (cli_is_help_option(arg)) {
            run_print_help(stdout);
            return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        } else if (strlen(arg) == 3 && arg[0] == '-' && arg[1] == 'O' && arg[2] >= '0' &&
                   arg[2] <= '3') {
            opt_level = (unsigned)(arg[2] - '0');
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("run", "unknown option '%s'", arg);
        } else if (path) {
            return cli_usage_error("run", "one module at a time ('%s' and '%s')", path, arg);
        } else {
            path = arg;
        }
    }
    if (!path)
        return cli_usage_error("run", "no module file");

    char compiled[4096] = "";
    if (!run_has_suffix(path, ".cwasm") && !run_compile(path, opt_level, compiled, sizeof compiled))
        return CLI_EXIT_FAILURE;
    waot_error err;
    waot_module *module = NULL;
    waot_status status = waot_module_load(compiled[0] ? compiled : path, &module, &err);
    if (compiled[0])
        unlink(compiled); /* loaded: the mapping outlives the file */
    if (status != WAOT_OK)
        return run_report(path, &err);

    int exit_status = CLI_EXIT_OK;
    waot_linker *linker = NULL;
    waot_instance *instance = NULL;
    if (waot_linker_new(&linker) != WAOT_OK) {
        fprintf(stderr, "waot run: out of memory\n");
        exit_status = CLI_EXIT_FAILURE;
    } else if (waot_instantiate(linker, module, &instance, &err) != WAOT_OK) {
        exit_status = run_report(path, &err);
    } else if (invoke) {
        exit_status = run_invoke(path, instance, invoke, argv + first_arg, argc - first_arg,
                                 shape);
    } else {
        const waot_abi_functype *type;
        if (waot_func_type(instance, "_start", &type) == WAOT_OK)
            exit_status = run_invoke(path, instance, "_start", NULL, 0, shape);
    }
    waot_instance_free(instance);
    waot_linker_free(linker);
    waot_module_free(module);
    return exit_status;
}

const cli_command cli_run_command = {
    .name = "run",
    .summary = "instantiate a module and call an exported function",
    .run = run_run,
    .print_help = run_print_help,
};
