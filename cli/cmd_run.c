/*
 * `waot run FILE [options] [ARGS...]`: gets a loaded module (a .cwasm as it
 * is; a .wasm through the compiled-module cache, cache.c), gives it WASI
 * preview1 (arguments, environment, preopened directories, stdio), then
 * instantiates it and calls `_start` or the export --invoke names.  Values
 * for --invoke are parsed by the export's parameter types and its results
 * printed one per line as TYPE:VALUE.  The exit status is the program's
 * when it exits through WASI, 3 with the message when it traps.  With
 * --bench it also binds bench.start/bench.end and times each phase
 * (bench_imports.c owns the imports and the report).
 */
#include "bench_imports.h"
#include "cache.h"
#include "cli.h"
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
    fputs("Usage: waot run [options] FILE.wasm|FILE.cwasm [options] [--] [ARGS...]\n"
          "       waot run [options] FILE.wasm|FILE.cwasm [options] --invoke NAME [VALUE...]\n"
          "\n"
          "Run a WebAssembly program with WASI preview1, or call one of a module's\n"
          "exported functions.  A .wasm file is compiled for this machine and kept in\n"
          "the compiled-module cache (see `waot cache --help`), so running it again\n"
          "does not compile it again; a .cwasm made by `waot compile` is loaded as\n"
          "it is.  Without --invoke the module is instantiated (running its start\n"
          "function) and its `_start` export, if any, is called.\n"
          "\n"
          "The program sees ARGS as its arguments, after its name (the module file's\n"
          "name without its directory).  Options may come before or after FILE; the\n"
          "first argument after FILE that is not an option, and everything after\n"
          "`--`, belong to the program.\n"
          "\n"
          "Options:\n"
          "  --dir HOST[::GUEST]  let the program use the host directory HOST, under\n"
          "                       the name GUEST (default: HOST); repeatable\n"
          "  --env NAME=VALUE     set an environment variable for the program; --env\n"
          "                       NAME passes the host's value of NAME; repeatable\n"
          "  --inherit-env        give the program the whole host environment (--env\n"
          "                       entries override); by default it gets only --env's\n"
          "  --invoke NAME        call the export NAME instead of `_start`; the\n"
          "                       remaining arguments are its values (below) and its\n"
          "                       results are printed\n"
          "  -O0 .. -O3           optimisation level when compiling a .wasm (default -O2)\n"
          "  -j, --jobs N         threads compiling a .wasm (default: one per CPU); the\n"
          "                       cache keeps one entry whatever N is\n"
          "  --cache-dir DIR      keep compiled modules in DIR (default:\n"
          "                       $XDG_CACHE_HOME/waot, else ~/.cache/waot)\n"
          "  --no-cache           compile a .wasm to a temporary file, as if new\n"
          "  -v, --verbose        say on stderr whether the cache had the module\n"
          "                       (\"cache hit\") or it was compiled (\"cache miss\")\n"
          "  --v128 SHAPE         lanes to print v128 results as: i8x16, i16x8, i32x4\n"
          "                       (default), i64x2, f32x4 or f64x2\n"
          "  --timeout SECONDS    stop the call (`_start` or --invoke's) after SECONDS\n"
          "                       (a decimal, e.g. 0.5) with the trap \"interrupted\";\n"
          "                       a .wasm is compiled with --interruptible for it, a\n"
          "                       .cwasm must have been.  The start function gets\n"
          "                       as long again\n"
          "  --max-memory-pages N cap every memory at N 64 KiB pages (1..65536):\n"
          "                       memory.grow past it returns -1, a larger minimum\n"
          "                       fails to instantiate\n"
          "  --max-table-elements N  cap every table at N elements (default 10000000)\n"
          "  --max-stack-bytes N  stack the module may use (default 4194304); deeper\n"
          "                       recursion traps with \"call stack exhausted\"\n"
          "  --interruptible      compile a .wasm with interruption checks (see\n"
          "                       `waot compile --help`), kept apart in the cache\n"
          "  --bench              provide the imports bench.start and bench.end (both\n"
          "                       [] -> []) and, after the run, print on stderr how long\n"
          "                       each phase took (below)\n"
          "  -h, --help           show this help and exit\n"
          "\n"
          "Values for --invoke follow the function's parameter types:\n"
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
          "With --bench, bench.start starts a clock (calling it again restarts it)\n"
          "and bench.end stops it.  After the run, stderr gets one line per phase, in\n"
          "milliseconds: `load` (a .cwasm, or a .wasm found in the cache) or\n"
          "`compile` (a .wasm compiled now, loading included), `instantiate`, and\n"
          "`start-end` (the last bench.start to bench.end interval), or instead\n"
          "\"bench.start/bench.end not called\".  A module need not import them.\n"
          "A bench.end without a bench.start before it is reported as an error\n"
          "after the run and makes a run that succeeded exit with status 1.\n"
          "\n"
          "Exit status: the program's own when it exits through WASI (proc_exit;\n"
          "a status outside 0..255 becomes 1), 0 when it returns from `_start` or the\n"
          "call succeeds, 1 if the module cannot be read, compiled, loaded or linked,\n"
          "2 for a bad command line, 3 if the code trapped.\n",
          out);
}

static bool run_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
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

/* The exit status for a failed load, instantiation or call: the program's
 * own when it exited through WASI (quietly), 3 after the message for a
 * trap, 1 after it otherwise. */
static int run_report(const char *path, const waot_error *err)
{
    if (err->status == WAOT_ERROR_EXIT)
        return err->exit_code >= 0 && err->exit_code <= 255 ? err->exit_code : CLI_EXIT_FAILURE;
    /* The runtime's load errors start with the path already. */
    const char *message = err->message;
    size_t n = strlen(path);
    if (strncmp(message, path, n) == 0 && message[n] == ':' && message[n + 1] == ' ')
        message += n + 2;
    cli_write_one_line(stderr, path);
    fputs(err->status == WAOT_ERROR_TRAP ? ": trap: " : ": error: ", stderr);
    cli_write_one_line(stderr, message);
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

/* What the command line asks for. */
typedef struct run_options {
    const char *path;
    const char *invoke;       /* NULL: `_start` when exported */
    char **invoke_args;
    int invoke_arg_count;
    char **program_args;      /* the program's arguments after its name */
    int program_arg_count;
    const run_shape *shape;
    cli_cache_request cache;
    waot_wasi_preopen *preopens; /* argc entries allocated */
    size_t preopen_count;
    const char **env;         /* --env arguments in order, argc entries allocated */
    size_t env_count;
    bool inherit_env;
    bool bench;               /* --bench */
    uint64_t timeout_ns;      /* --timeout; 0: none */
    waot_config limits;       /* --max-*; zero fields keep the defaults */
} run_options;

static void run_options_free(run_options *o)
{
    free(o->preopens);
    free(o->env);
}

/* Seconds, a decimal above 0 and below a year, as nanoseconds. */
static bool run_parse_timeout(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    double seconds = strtod(text, &end);
    if (errno || end == text || *end || !(seconds > 0) || seconds > 365.0 * 86400)
        return false;
    *out = (uint64_t)(seconds * 1e9);
    if (*out == 0)
        *out = 1;
    return true;
}

/* One of the --max-* options into `limits`. */
static bool run_parse_limit(const char *option, const char *text, waot_config *limits)
{
    char *end;
    if (!text || text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno || *end || n == 0)
        return false;
    if (strcmp(option, "--max-memory-pages") == 0) {
        if (n > 65536)
            return false;
        limits->max_memory_pages = n;
    } else if (strcmp(option, "--max-table-elements") == 0) {
        if (n > UINT32_MAX)
            return false;
        limits->max_table_elements = (uint32_t)n;
    } else {
        /* Below 64 KiB not even the runtime's own frames fit. */
        if (n < 65536 || n > SIZE_MAX)
            return false;
        limits->max_stack_bytes = (size_t)n;
    }
    return true;
}

/* HOST[::GUEST]; the first "::" separates them. */
static bool run_add_preopen(run_options *o, const char *arg)
{
    const char *sep = strstr(arg, "::");
    waot_wasi_preopen *p = &o->preopens[o->preopen_count];
    if (!sep) {
        p->host_path = arg;
        p->guest_path = arg;
    } else {
        char *host = strndup(arg, (size_t)(sep - arg));
        if (!host)
            return false;
        p->host_path = host;
        p->guest_path = sep + 2;
    }
    if (!p->host_path[0] || !p->guest_path[0]) {
        if (sep)
            free((char *)p->host_path);
        return false;
    }
    o->preopen_count++;
    return true;
}

static void run_free_preopens(run_options *o)
{
    for (size_t i = 0; i < o->preopen_count; i++) {
        if (o->preopens[i].host_path != o->preopens[i].guest_path)
            free((char *)o->preopens[i].host_path);
    }
}

/* Parses the command line; returns -1 to go on, or an exit status. */
static int run_parse(int argc, char **argv, run_options *o)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--") == 0) {
            if (!o->path) {
                if (!value)
                    return cli_usage_error("run", "no module file after '--'");
                o->path = value;
                i++;
            }
            o->program_args = argv + i + 1;
            o->program_arg_count = argc - i - 1;
            return -1;
        } else if (strcmp(arg, "--invoke") == 0) {
            if (!value)
                return cli_usage_error("run", "--invoke needs a function name");
            o->invoke = value;
            o->invoke_args = argv + i + 2;
            o->invoke_arg_count = argc - i - 2;
            return -1;
        } else if (strcmp(arg, "--v128") == 0) {
            if (!value || !(o->shape = run_find_shape(value, strlen(value))))
                return cli_usage_error("run", "--v128 needs a shape: i8x16, i16x8, i32x4, i64x2, "
                                              "f32x4 or f64x2");
            i++;
        } else if (strcmp(arg, "--dir") == 0) {
            if (!value || !run_add_preopen(o, value))
                return cli_usage_error("run", "--dir needs HOST or HOST::GUEST, both non-empty");
            i++;
        } else if (strcmp(arg, "--env") == 0) {
            if (!value || value[0] == '=' || value[0] == '\0')
                return cli_usage_error("run", "--env needs NAME=VALUE or NAME");
            o->env[o->env_count++] = value;
            i++;
        } else if (strcmp(arg, "--inherit-env") == 0) {
            o->inherit_env = true;
        } else if (strcmp(arg, "--bench") == 0) {
            o->bench = true;
        } else if (strcmp(arg, "--interruptible") == 0) {
            o->cache.interruptible = true;
        } else if (strcmp(arg, "--max-memory-pages") == 0 ||
                   strcmp(arg, "--max-table-elements") == 0 ||
                   strcmp(arg, "--max-stack-bytes") == 0) {
            if (!run_parse_limit(arg, value, &o->limits))
                return cli_usage_error("run", "%s needs a number from %s", arg,
                                       strcmp(arg, "--max-memory-pages") == 0   ? "1 to 65536"
                                       : strcmp(arg, "--max-stack-bytes") == 0 ? "65536 up"
                                                                               : "1 up");
            i++;
        } else if (strcmp(arg, "--timeout") == 0) {
            if (!value || !run_parse_timeout(value, &o->timeout_ns))
                return cli_usage_error("run", "--timeout needs a number of seconds above 0");
            o->cache.interruptible = true;
            o->limits.start_timeout_ns = o->timeout_ns;
            i++;
        } else if (strcmp(arg, "--cache-dir") == 0) {
            if (!value || !value[0])
                return cli_usage_error("run", "--cache-dir needs a directory");
            o->cache.dir = value;
            i++;
        } else if (strcmp(arg, "--no-cache") == 0) {
            o->cache.use_cache = false;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            o->cache.verbose = true;
        } else if (cli_is_help_option(arg)) {
            run_print_help(stdout);
            return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        } else if (strlen(arg) == 3 && arg[0] == '-' && arg[1] == 'O' && arg[2] >= '0' &&
                   arg[2] <= '3') {
            o->cache.opt_level = (unsigned)(arg[2] - '0');
        } else if (cli_is_jobs_option(arg)) {
            if (!value || !cli_parse_jobs(value, &o->cache.jobs))
                return cli_usage_error("run", "%s needs a number of threads from 1 to %d", arg,
                                       CLI_MAX_JOBS);
            i++;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            if (o->path)
                return cli_usage_error("run", "unknown option '%s' (the program's own options "
                                              "go after '--')", arg);
            return cli_usage_error("run", "unknown option '%s'", arg);
        } else if (!o->path) {
            o->path = arg;
        } else {
            o->program_args = argv + i;
            o->program_arg_count = argc - i;
            return -1;
        }
    }
    return -1;
}

static size_t run_name_length(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* The program's environment: the host's with --inherit-env, then each
 * --env, replacing an entry of the same name.  Strings made for --env NAME
 * are listed in `made` for the caller to free. */
static const char **run_build_environ(const run_options *o, char ***made, size_t *made_count)
{
    size_t host = 0;
    if (o->inherit_env)
        while (environ[host])
            host++;
    const char **out = calloc(host + o->env_count + 1, sizeof *out);
    *made = calloc(o->env_count + 1, sizeof **made);
    *made_count = 0;
    if (!out || !*made) {
        free(out);
        free(*made);
        *made = NULL;
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < host; i++)
        out[n++] = environ[i];
    for (size_t i = 0; i < o->env_count; i++) {
        const char *entry = o->env[i];
        size_t len = run_name_length(entry);
        if (!entry[len]) { /* NAME: the host's value, if it has one */
            const char *value = getenv(entry);
            if (!value)
                continue;
            char *made_entry;
            if (asprintf(&made_entry, "%s=%s", entry, value) < 0)
                continue;
            (*made)[(*made_count)++] = made_entry;
            entry = made_entry;
        }
        size_t k = 0;
        while (k < n && !(run_name_length(out[k]) == len && strncmp(out[k], entry, len) == 0))
            k++;
        out[k] = entry;
        if (k == n)
            n++;
    }
    out[n] = NULL;
    return out;
}

/* Sets up WASI for the program: arguments, environment, preopens, stdio. */
static int run_new_wasi(const run_options *o, waot_wasi **out)
{
    const char *slash = strrchr(o->path, '/');
    const char *name = slash ? slash + 1 : o->path;
    const char **args = calloc((size_t)o->program_arg_count + 2, sizeof *args);
    char **made = NULL;
    size_t made_count = 0;
    const char **environment = run_build_environ(o, &made, &made_count);
    int status = CLI_EXIT_OK;
    if (!args || !environment) {
        fputs("waot run: out of memory\n", stderr);
        status = CLI_EXIT_FAILURE;
    } else {
        args[0] = name;
        for (int i = 0; i < o->program_arg_count; i++)
            args[i + 1] = o->program_args[i];
        waot_wasi_config config = {
            .argc = o->program_arg_count + 1,
            .argv = args,
            .environ = environment,
            .preopens = o->preopens,
            .preopen_count = o->preopen_count,
            .stdin_fd = STDIN_FILENO,
            .stdout_fd = STDOUT_FILENO,
            .stderr_fd = STDERR_FILENO,
        };
        waot_error err;
        if (waot_wasi_new(&config, out, &err) != WAOT_OK) {
            fputs("waot run: error: ", stderr);
            cli_write_one_line(stderr, err.message);
            fputc('\n', stderr);
            status = CLI_EXIT_FAILURE;
        }
    }
    for (size_t i = 0; i < made_count; i++)
        free(made[i]);
    free(made);
    free(environment);
    free(args);
    return status;
}

/* Instantiates with WASI (and with --bench, the bench.* imports recording
 * into `bench`) and calls `_start` or the --invoke export. */
static int run_module(const run_options *o, waot_module *module, waot_wasi *wasi,
                      cli_bench *bench)
{
    waot_error err;
    waot_linker *linker = NULL;
    waot_instance *instance = NULL;
    if (waot_linker_new(&linker) != WAOT_OK || waot_wasi_define(linker, wasi) != WAOT_OK ||
        (bench && !cli_bench_define(linker, bench))) {
        waot_linker_free(linker);
        fprintf(stderr, "waot run: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    int exit_status = CLI_EXIT_OK;
    double start = cli_bench_now();
    waot_status instantiated = waot_instantiate(linker, module, &instance, &err);
    if (bench) {
        bench->instantiated = true;
        bench->instantiate_ms = cli_bench_now() - start;
    }
    if (instantiated != WAOT_OK) {
        exit_status = run_report(o->path, &err);
    } else if (o->timeout_ns && waot_instance_set_deadline(instance, o->timeout_ns) != WAOT_OK) {
        cli_write_one_line(stderr, o->path);
        fputs(": error: --timeout needs code compiled with interruption checks "
              "(waot compile --interruptible)\n", stderr);
        exit_status = CLI_EXIT_FAILURE;
    } else if (o->invoke) {
        exit_status = run_invoke(o->path, instance, o->invoke, o->invoke_args,
                                 o->invoke_arg_count, o->shape);
    } else {
        const waot_abi_functype *type;
        if (waot_func_type(instance, "_start", &type) == WAOT_OK)
            exit_status = run_invoke(o->path, instance, "_start", NULL, 0, o->shape);
    }
    waot_instance_free(instance);
    waot_linker_free(linker);
    return exit_status;
}

static int run_run(int argc, char **argv)
{
    run_options o = {
        .shape = run_find_shape("i32x4", 5),
        .cache = {.use_cache = true, .opt_level = 2},
        .preopens = calloc((size_t)argc + 1, sizeof(waot_wasi_preopen)),
        .env = calloc((size_t)argc + 1, sizeof(const char *)),
    };
    if (!o.preopens || !o.env) {
        run_options_free(&o);
        fputs("waot run: out of memory\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    int status = run_parse(argc, argv, &o);
    if (status < 0 && !o.path)
        status = cli_usage_error("run", "no module file");
    waot_configure(&o.limits);
    waot_wasi *wasi = NULL;
    cli_bench bench = {0};
    if (status < 0 && (status = run_new_wasi(&o, &wasi)) == CLI_EXIT_OK) {
        waot_module *module = NULL;
        o.cache.wasm_path = o.path;
        bool loaded, from_cache = false;
        bool precompiled = run_has_suffix(o.path, ".cwasm");
        double load_start = cli_bench_now();
        if (precompiled) {
            waot_error err;
            char why[200];
            if (!cli_check_elf_extents(o.path, why, sizeof why)) {
                cli_write_one_line(stderr, o.path);
                fputs(": error: not a usable precompiled module (", stderr);
                cli_write_one_line(stderr, why);
                fputs(")\n", stderr);
                loaded = false;
                status = CLI_EXIT_FAILURE;
            } else {
                loaded = waot_module_load(o.path, &module, &err) == WAOT_OK;
                if (!loaded)
                    status = run_report(o.path, &err);
            }
        } else {
            loaded = cli_cache_obtain(&o.cache, &module, &from_cache);
            if (!loaded)
                status = CLI_EXIT_FAILURE;
        }
        if (loaded && o.bench) {
            bench.load_ms = cli_bench_now() - load_start;
            bench.source = precompiled                     ? CLI_BENCH_PRECOMPILED
                           : from_cache                    ? CLI_BENCH_CACHED
                                                           : CLI_BENCH_COMPILED;
        }
        if (loaded)
            status = run_module(&o, module, wasi, o.bench ? &bench : NULL);
        waot_module_free(module);
        if (o.bench)
            status = cli_bench_report(&bench, status);
    }
    waot_wasi_free(wasi);
    run_free_preopens(&o);
    run_options_free(&o);
    return status;
}

const cli_command cli_run_command = {
    .name = "run",
    .summary = "run a program with WASI, or call one exported function",
    .run = run_run,
    .print_help = run_print_help,
};
