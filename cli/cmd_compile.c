/*
 * `waot compile FILE.wasm`: decodes and validates the module, then hands it
 * to the LLVM back end (loaded only now, see codegen_api.h) to write a
 * precompiled module, an object, assembly or LLVM IR.  With --header it
 * also writes the typed C header of the object (aot/header.h), and names the
 * object's symbols after the module (--name, default the input's stem) so
 * several modules link into one program.  --jobs sets how many threads the
 * back end compiles with.  --timings reports each phase on stderr.
 */
#include "cli.h"
#include "codegen_api.h"
#include "header.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void compile_print_help(FILE *out)
{
    fputs("Usage: waot compile [options] FILE.wasm\n"
          "\n"
          "Compile a WebAssembly module ahead of time.  By default the output is a\n"
          "precompiled module (FILE.cwasm beside the input) for this machine's CPU,\n"
          "which `waot run` loads without compiling again.\n"
          "\n"
          "Options:\n"
          "  -o FILE           write the output to FILE\n"
          "  -O0 -O1 -O2 -O3   optimisation level (default -O2)\n"
          "  --emit KIND       what to write: cwasm (default), obj (the relocatable\n"
          "                    object), asm (its assembly), llvm (the optimised IR)\n"
          "  --target TRIPLE   compile for another target (default: this machine)\n"
          "  --cpu NAME        compile for CPU NAME (default: this machine's CPU and\n"
          "                    its features; with --cpu, that CPU's baseline)\n"
          "  --features LIST   LLVM target features, e.g. +avx2,+bmi2\n"
          "  --header FILE     with --emit obj: also write FILE, a C header with the\n"
          "                    module's typed API, for linking the object into a\n"
          "                    C program\n"
          "  --name NAME       with --emit obj: the C name of the module, prefixing\n"
          "                    the header's API and the object's symbols (default:\n"
          "                    the input's file name without extension)\n"
          "  -j, --jobs N      compile with N threads (default: one per CPU); a large\n"
          "                    module is split into partitions compiled in parallel,\n"
          "                    and the code behaves the same whatever N is\n"
          "  --interruptible   check at every function entry and loop iteration\n"
          "                    whether the host asked the instance to stop, so a\n"
          "                    runaway module can be stopped (waot run --timeout,\n"
          "                    waot_instance_interrupt); costs a little speed\n"
          "  --timings         print the time of each phase on stderr; the lower,\n"
          "                    optimise and emit lines of a parallel compile share\n"
          "                    out its wall time\n"
          "  -h, --help        show this help and exit\n"
          "\n"
          "Exit status: 0 on success, 1 if the module is bad or cannot be compiled,\n"
          "2 for a bad command line.\n",
          out);
}

static double compile_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool compile_parse_emit(const char *text, aot_emit *out, const char **extension)
{
    static const struct {
        const char *name;
        aot_emit emit;
        const char *extension;
    } kinds[] = {
        {"cwasm", AOT_EMIT_CWASM, ".cwasm"},
        {"obj", AOT_EMIT_OBJECT, ".o"},
        {"asm", AOT_EMIT_ASM, ".s"},
        {"llvm", AOT_EMIT_LLVM_IR, ".ll"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i].name, text) == 0) {
            *out = kinds[i].emit;
            *extension = kinds[i].extension;
            return true;
        }
    }
    return false;
}

/* FILE.wasm -> FILE<extension>; any other name gets the extension added. */
static char *compile_default_output(const char *input, const char *extension)
{
    size_t n = strlen(input);
    if (n > 5 && strcmp(input + n - 5, ".wasm") == 0)
        n -= 5;
    char *out = malloc(n + strlen(extension) + 1);
    if (out) {
        memcpy(out, input, n);
        strcpy(out + n, extension);
    }
    return out;
}

static int compile_run(int argc, char **argv)
{
    aot_compile_options options = {.opt_level = 2, .emit = AOT_EMIT_CWASM,
                                   .waot_version = WAOT_VERSION};
    const char *input = NULL, *output = NULL, *extension = ".cwasm";
    const char *header = NULL, *name = NULL;
    bool timings = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help_option(arg)) {
            compile_print_help(stdout);
            return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        } else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--emit") == 0 ||
                   strcmp(arg, "--target") == 0 || strcmp(arg, "--cpu") == 0 ||
                   strcmp(arg, "--features") == 0 || strcmp(arg, "--header") == 0 ||
                   strcmp(arg, "--name") == 0) {
            if (!value)
                return cli_usage_error("compile", "%s needs a value", arg);
            i++;
            if (strcmp(arg, "-o") == 0)
                output = value;
            else if (strcmp(arg, "--target") == 0)
                options.target_triple = value;
            else if (strcmp(arg, "--cpu") == 0)
                options.cpu = value;
            else if (strcmp(arg, "--features") == 0)
                options.features = value;
            else if (strcmp(arg, "--header") == 0)
                header = value;
            else if (strcmp(arg, "--name") == 0)
                name = value;
            else if (!compile_parse_emit(value, &options.emit, &extension))
                return cli_usage_error("compile", "unknown --emit kind '%s' (cwasm, obj, asm, llvm)",
                                       value);
        } else if (strlen(arg) == 3 && arg[0] == '-' && arg[1] == 'O' && arg[2] >= '0' &&
                   arg[2] <= '3') {
            options.opt_level = (unsigned)(arg[2] - '0');
        } else if (strcmp(arg, "--timings") == 0) {
            timings = true;
        } else if (strcmp(arg, "--interruptible") == 0) {
            options.interruptible = true;
        } else if (cli_is_jobs_option(arg)) {
            if (!value || !cli_parse_jobs(value, &options.jobs))
                return cli_usage_error("compile", "%s needs a number of threads from 1 to %d",
                                       arg, CLI_MAX_JOBS);
            i++;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("compile", "unknown option '%s'", arg);
        } else if (input) {
            return cli_usage_error("compile", "one input file at a time ('%s' and '%s')", input,
                                   arg);
        } else {
            input = arg;
        }
    }
    if (!input)
        return cli_usage_error("compile", "no input file");
    char default_name[AOT_HEADER_NAME_MAX + 2];
    if ((header || name) && options.emit != AOT_EMIT_OBJECT)
        return cli_usage_error("compile", "%s needs --emit obj", header ? "--header" : "--name");
    if (name && !aot_header_valid_name(name))
        return cli_usage_error("compile", "--name '%s' is not a C identifier", name);
    if ((header || name) && !name) {
        if (!aot_header_default_name(input, default_name, sizeof default_name))
            return cli_usage_error("compile", "cannot make a C name of '%s'; give --name", input);
        name = default_name;
    }
    options.symbol_prefix = name;

    aot_error err;
    aot_error_clear(&err);
    uint8_t *bytes;
    size_t size;
    if (!aot_read_file(input, &bytes, &size, &err)) {
        cli_report_error(input, &err);
        return CLI_EXIT_FAILURE;
    }
    double t0 = compile_now();
    aot_module *module = NULL;
    bool ok = aot_decode(bytes, size, &module, &err);
    double t1 = compile_now();
    ok = ok && aot_validate(module, &err);
    double t2 = compile_now();
    if (!ok) {
        cli_report_error(input, &err);
        aot_module_free(module);
        free(bytes);
        return CLI_EXIT_FAILURE;
    }

    const aot_codegen_api *codegen;
    char *default_output = output ? NULL : compile_default_output(input, extension);
    const char *target = output ? output : default_output;
    aot_compile_timings phases = {0};
    options.wasm = bytes;
    options.wasm_size = size;
    ok = target && aot_codegen_load(&codegen, &err) &&
         codegen->compile(module, &options, target, &phases, &err) &&
         (!header || aot_header_write(module, name, input, header, &err));
    if (!ok) {
        if (!target)
            aot_fail(&err, AOT_ERR_NOMEM, 0, "out of memory");
        cli_report_error(input, &err);
    } else if (timings) {
        fprintf(stderr,
                "decode    %9.3f ms\nvalidate  %9.3f ms\nlower     %9.3f ms\n"
                "optimise  %9.3f ms\nemit      %9.3f ms\nlink      %9.3f ms\n"
                "total     %9.3f ms\n",
                (t1 - t0) * 1e3, (t2 - t1) * 1e3, phases.lower * 1e3, phases.optimise * 1e3,
                phases.emit * 1e3, phases.link * 1e3,
                (t2 - t0 + phases.lower + phases.optimise + phases.emit + phases.link) * 1e3);
        if (phases.partitions > 1)
            fprintf(stderr, "(lower, optimise and emit: %u partitions in parallel)\n",
                    phases.partitions);
    }
    free(default_output);
    aot_module_free(module);
    free(bytes);
    return ok ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

const cli_command cli_compile_command = {
    .name = "compile",
    .summary = "compile a module ahead of time to a precompiled module or an object",
    .run = compile_run,
    .print_help = compile_print_help,
};
