/*
 * bench/embed/startup-phases: how long each start-up phase of one WASI
 * program takes inside one process, through the runtime's C API, the way
 * `waot run` goes through them:
 *   load         waot_module_load of the precompiled module (what a cache
 *                hit costs: map the shared object, check its descriptor)
 *   instantiate  a linker with the WASI functions, then waot_instantiate
 *                (memory, tables, globals, segments, start function)
 *   first call   the call of `_start`, until it returns or exits
 * The WASI environment itself (arguments, stdio) is set up before the clock
 * starts, as Node's `new WASI()` is in bench/node/startup-phases.mjs, the
 * V8 side of the same measurement.
 *
 * One process measures one start-up, so every load maps the file afresh:
 * the caller runs it many times.  The program's stdout goes to /dev/null;
 * this program's own stdout gets one line, milliseconds:
 *   load=L instantiate=I first_call=C
 * Exit status 0 when `_start` returned or exited with 0, else 1.
 *
 * Usage: startup-phases MODULE.cwasm [PROGRAM ARGS...]
 * Needs: the runtime library (waot.h, libwaot_runtime.a); bench/embed.sh
 * and bench/suite.py build it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_CLOEXEC under -std=c17 */
#endif
#include "waot.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double startup_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODULE.cwasm [PROGRAM ARGS...]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    const char *slash = strrchr(path, '/');
    argv[1] = (char *)(slash ? slash + 1 : path); /* the program's own name */
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    waot_wasi_config config = {
        .argc = argc - 1,
        .argv = (const char *const *)argv + 1,
        .stdin_fd = -1,
        .stdout_fd = null_fd,
        .stderr_fd = STDERR_FILENO,
    };
    waot_error err;
    waot_wasi *wasi;
    if (null_fd < 0 || waot_wasi_new(&config, &wasi, &err) != WAOT_OK) {
        fprintf(stderr, "startup-phases: cannot set up WASI\n");
        return 1;
    }

    double t0 = startup_now_ms();
    waot_module *module;
    if (waot_module_load(path, &module, &err) != WAOT_OK) {
        fprintf(stderr, "startup-phases: %s: %s\n", path, err.message);
        return 1;
    }
    double t1 = startup_now_ms();
    waot_linker *linker;
    waot_instance *instance;
    if (waot_linker_new(&linker) != WAOT_OK || waot_wasi_define(linker, wasi) != WAOT_OK) {
        fprintf(stderr, "startup-phases: out of memory\n");
        return 1;
    }
    if (waot_instantiate(linker, module, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "startup-phases: instantiate: %s\n", err.message);
        return 1;
    }
    double t2 = startup_now_ms();
    waot_status called = waot_call(instance, "_start", NULL, 0, NULL, 0, &err);
    double t3 = startup_now_ms();
    bool succeeded = called == WAOT_OK || (called == WAOT_ERROR_EXIT && err.exit_code == 0);
    if (!succeeded)
        fprintf(stderr, "startup-phases: _start: %s\n", err.message);

    printf("load=%.4f instantiate=%.4f first_call=%.4f\n", t1 - t0, t2 - t1, t3 - t2);
    waot_instance_free(instance);
    waot_linker_free(linker);
    waot_module_free(module);
    waot_wasi_free(wasi);
    close(null_fd);
    return succeeded ? 0 : 1;
}
