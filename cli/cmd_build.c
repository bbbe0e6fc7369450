/*
 * `waot build FILE.wasm -o APP`: compiles the module to an object with the
 * back end and links it with lld, together with the runtime, WASI and a
 * main() (runtime-lib/exe_main.c), into a standalone executable that needs
 * neither LLVM nor waot where it runs.
 */
#include "cli.h"
#include "codegen_api.h"
#include "link.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void build_print_help(FILE *out)
{
    fputs("Usage: waot build [options] FILE.wasm [-o APP]\n"
          "\n"
          "Compile a WebAssembly module (typically a WASI program) into a native\n"
          "executable: the module's code, the waot runtime and WASI preview1, linked\n"
          "by lld against the C library.  The executable runs `_start` and exits\n"
          "with the program's status.  It takes its own options before the\n"
          "program's arguments:\n"
          "  APP [--dir HOST[::GUEST]]... [--env KEY=VALUE]... [--inherit-env] [--] ARGS...\n"
          "and preopens the directories in $WAOT_DIRS (HOST[::GUEST],...) as well.\n"
          "\n"
          "Options:\n"
          "  -o FILE           the executable to write (default: FILE without .wasm)\n"
          "  -O0 -O1 -O2 -O3   optimisation level (default -O2)\n"
          "  --cpu NAME        compile for CPU NAME (default: this machine's CPU);\n"
          "                    --cpu x86-64-v2 makes a program for most x86-64 machines\n"
          "  --features LIST   LLVM target features, e.g. +avx2\n"
          "  --target TRIPLE   target triple; its architecture must be this machine's,\n"
          "                    whose C library the executable is linked against\n"
          "  -j, --jobs N      compile with N threads (default: one per CPU)\n"
          "  -h, --help        show this help and exit\n"
          "\n"
          "Exit status: 0 on success, 1 if the module is bad or cannot be compiled or\n"
          "linked, 2 for a bad command line.\n",
          out);
}

/* The directory of the running waot, where the build tree keeps the
 * runtime's archives; an install keeps them in ../lib/waot. */
static bool build_find_archive(const char *name, char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(out, size, "%s/%s", exe, name);
    if (access(out, R_OK) == 0)
        return true;
    snprintf(out, size, "%s/../lib/waot/%s", exe, name);
    return access(out, R_OK) == 0;
}

static char *build_default_output(const char *input)
{
    size_t n = strlen(input);
    if (n > 5 && strcmp(input + n - 5, ".wasm") == 0)
        return strndup(input, n - 5);
    char *out = malloc(n + 5);
    if (out)
        snprintf(out, n + 5, "%s.exe", input);
    return out;
}

static int build_run(int argc, char **argv)
{
    aot_compile_options options = {.opt_level = 2, .emit = AOT_EMIT_OBJECT,
                                   .waot_version = WAOT_VERSION};
    const char *input = NULL, *output = NULL;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help_option(arg)) {
            build_print_help(stdout);
            return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        } else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--target") == 0 ||
                   strcmp(arg, "--cpu") == 0 || strcmp(arg, "--features") == 0) {
            if (!value)
                return cli_usage_error("build", "%s needs a value", arg);
            i++;
            if (arg[1] == 'o')
                output = value;
            else if (strcmp(arg, "--target") == 0)
                options.target_triple = value;
            else if (strcmp(arg, "--cpu") == 0)
                options.cpu = value;
            else
                options.features = value;
        } else if (strlen(arg) == 3 && arg[0] == '-' && arg[1] == 'O' && arg[2] >= '0' &&
                   arg[2] <= '3') {
            options.opt_level = (unsigned)(arg[2] - '0');
        } else if (cli_is_jobs_option(arg)) {
            if (!value || !cli_parse_jobs(value, &options.jobs))
                return cli_usage_error("build", "%s needs a number of threads from 1 to %d", arg,
                                       CLI_MAX_JOBS);
            i++;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("build", "unknown option '%s'", arg);
        } else if (input) {
            return cli_usage_error("build", "one input file at a time ('%s' and '%s')", input, arg);
        } else {
            input = arg;
        }
    }
    if (!input)
        return cli_usage_error("build", "no input file");

    char runtime[PATH_MAX + 32], exe_main[PATH_MAX + 32];
    if (!build_find_archive("libwaot_runtime.a", runtime, sizeof runtime) ||
        !build_find_archive("libwaot_exe.a", exe_main, sizeof exe_main)) {
        fprintf(stderr, "waot build: cannot find the runtime archives (libwaot_runtime.a, "
                        "libwaot_exe.a) beside waot or in ../lib/waot\n");
        return CLI_EXIT_FAILURE;
    }
    cli_loaded_module loaded;
    if (!cli_load_module(input, &loaded))
        return CLI_EXIT_FAILURE;
    char *default_output = output ? NULL : build_default_output(input);
    const char *target = output ? output : default_output;
    char object[] = "/tmp/waot-build-XXXXXX";
    int fd = mkstemp(object);
    aot_error err;
    aot_error_clear(&err);
    const aot_codegen_api *codegen;
    aot_compile_timings timings;
    options.wasm = loaded.bytes;
    options.wasm_size = loaded.size;
    bool ok = fd >= 0 && target;
    if (!ok)
        aot_fail(&err, AOT_ERR_IO, 0, "cannot create a temporary file: %s", strerror(errno));
    if (fd >= 0)
        close(fd);
    const char *archives[] = {exe_main, runtime, NULL};
    ok = ok && aot_codegen_load(&codegen, &err) &&
         codegen->compile(loaded.module, &options, object, &timings, &err) &&
         aot_link_executable(object, archives, options.target_triple, target, &err);
    if (!ok)
        cli_report_error(input, &err);
    if (fd >= 0)
        unlink(object);
    free(default_output);
    cli_loaded_module_free(&loaded);
    return ok ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

const cli_command cli_build_command = {
    .name = "build",
    .summary = "compile a module into a standalone native executable",
    .run = build_run,
    .print_help = build_print_help,
};
