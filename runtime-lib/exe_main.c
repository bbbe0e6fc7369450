/*
 * main() of the executables `waot build` makes: the module's code and
 * descriptor are linked into the program, so this makes a module of the
 * descriptor, registers the compiled code with the fault handler, sets up
 * WASI from the command line and runs `_start`, exiting with the program's
 * status.
 *
 * The executable's own options come first and end at the first argument
 * that is not one of them (or at `--`); everything after belongs to the
 * program, so `app --help` reaches the program:
 *   --dir HOST[::GUEST]   preopen a directory (repeatable)
 *   --env KEY=VALUE       set an environment variable (repeatable)
 *   --inherit-env         pass the whole host environment
 * WAOT_DIRS (HOST[::GUEST] entries separated by commas) adds preopens
 * from the environment, for launchers that cannot add arguments.
 */
#include "module_internal.h"
#include "waot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const waot_abi_module waot_compiled_module;
/* The linker defines these for the section holding every compiled function. */
extern const char __start_waot_code[] __attribute__((weak));
extern const char __stop_waot_code[] __attribute__((weak));

extern char **environ;

enum { EXE_EXIT_FAILURE = 1, EXE_EXIT_USAGE = 2, EXE_EXIT_TRAP = 3 };

typedef struct exe_settings {
    waot_wasi_preopen *preopens;
    size_t preopen_count;
    const char **env;
    size_t env_count;
    bool inherit_env;
} exe_settings;

static bool exe_add_preopen(exe_settings *s, char *spec)
{
    waot_wasi_preopen *grown = realloc(s->preopens, (s->preopen_count + 1) * sizeof *grown);
    if (!grown)
        return false;
    s->preopens = grown;
    char *split = strstr(spec, "::");
    if (split) {
        *split = '\0';
        grown[s->preopen_count++] = (waot_wasi_preopen){spec, split + 2};
    } else {
        grown[s->preopen_count++] = (waot_wasi_preopen){spec, spec};
    }
    return true;
}

static bool exe_add_env(exe_settings *s, const char *pair)
{
    const char **grown = realloc(s->env, (s->env_count + 2) * sizeof *grown);
    if (!grown)
        return false;
    s->env = grown;
    grown[s->env_count++] = pair;
    grown[s->env_count] = NULL;
    return true;
}

/* Consumes the executable's own options; returns the index of the first
 * program argument, or -1 after printing a usage error. */
static int exe_parse(int argc, char **argv, exe_settings *s)
{
    const char *dirs = getenv("WAOT_DIRS");
    if (dirs && *dirs) {
        char *copy = strdup(dirs), *save = NULL;
        for (char *d = copy ? strtok_r(copy, ",", &save) : NULL; d; d = strtok_r(NULL, ",", &save))
            if (!exe_add_preopen(s, d))
                return -1;
    }
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0)
            return i + 1;
        if (strcmp(arg, "--inherit-env") == 0) {
            s->inherit_env = true;
        } else if (strcmp(arg, "--dir") == 0 || strcmp(arg, "--env") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: %s needs a value\n", argv[0], arg);
                return -1;
            }
            bool ok = arg[2] == 'd' ? exe_add_preopen(s, argv[++i]) : exe_add_env(s, argv[++i]);
            if (!ok)
                return -1;
            if (arg[2] == 'e' && !strchr(argv[i], '=')) {
                fprintf(stderr, "%s: --env wants KEY=VALUE, got '%s'\n", argv[0], argv[i]);
                return -1;
            }
        } else {
            break;
        }
    }
    return i;
}

int main(int argc, char **argv)
{
    exe_settings settings = {0};
    int first = exe_parse(argc, argv, &settings);
    if (first < 0)
        return EXE_EXIT_USAGE;

    /* The program sees its own name, then its arguments. */
    const char **program_argv = calloc((size_t)(argc - first) + 2, sizeof *program_argv);
    if (!program_argv)
        return EXE_EXIT_FAILURE;
    program_argv[0] = argv[0];
    for (int i = first; i < argc; i++)
        program_argv[1 + i - first] = argv[i];
    if (settings.inherit_env)
        for (char **e = environ; *e; e++)
            exe_add_env(&settings, *e);

    waot_wasi_config config = {
        .argc = 1 + argc - first,
        .argv = program_argv,
        .environ = settings.env,
        .preopens = settings.preopens,
        .preopen_count = settings.preopen_count,
        .stdin_fd = 0,
        .stdout_fd = 1,
        .stderr_fd = 2,
    };
    if (__start_waot_code && (uintptr_t)__stop_waot_code > (uintptr_t)__start_waot_code)
        waot_rt_code_range_register(__start_waot_code, __stop_waot_code);

    waot_error err = {0};
    waot_module *module = NULL;
    waot_linker *linker = NULL;
    waot_wasi *wasi = NULL;
    waot_instance *instance = NULL;
    waot_status status = waot_module_from_descriptor(&waot_compiled_module, &module, &err);
    if (status == WAOT_OK)
        status = waot_wasi_new(&config, &wasi, &err);
    if (status == WAOT_OK && (status = waot_linker_new(&linker)) != WAOT_OK)
        snprintf(err.message, sizeof err.message, "out of memory");
    if (status == WAOT_OK && (status = waot_wasi_define(linker, wasi)) != WAOT_OK)
        snprintf(err.message, sizeof err.message, "cannot define WASI");
    if (status == WAOT_OK)
        status = waot_instantiate(linker, module, &instance, &err);
    const waot_abi_functype *start_type;
    if (status == WAOT_OK && waot_func_type(instance, "_start", &start_type) == WAOT_OK)
        status = waot_call(instance, "_start", NULL, 0, NULL, 0, &err);

    int exit_status = 0;
    if (status == WAOT_ERROR_EXIT) {
        /* As `waot run` does: a status the shell cannot see whole is 1. */
        exit_status = err.exit_code >= 0 && err.exit_code <= 255 ? err.exit_code : 1;
    } else if (status != WAOT_OK) {
        fprintf(stderr, "%s: %s: %s\n", argv[0], status == WAOT_ERROR_TRAP ? "trap" : "error",
                err.message);
        exit_status = status == WAOT_ERROR_TRAP ? EXE_EXIT_TRAP : EXE_EXIT_FAILURE;
    }
    fflush(stdout);
    /* The process ends here: leave the instance's memory to the kernel. */
    return exit_status;
}
