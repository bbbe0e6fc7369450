/*
 * The public compiler API (include/waot_compile.h) on top of the front end
 * (aot_load: decode and validate) and the LLVM back end
 * (aot_codegen_load()->compile).  It owns the translation between the
 * compiler's internal error records and the public ones, the one lock that
 * serialises compiles (loading the back end and LLVM's global state are not
 * safe to enter from two threads), and compiling to memory by way of a
 * temporary file.
 */
#include "waot_compile.h"

#include "aot.h"
#include "codegen_api.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WAOT_VERSION
#define WAOT_VERSION "unknown"
#endif

static pthread_mutex_t compile_api_lock = PTHREAD_MUTEX_INITIALIZER;

waot_compile_options waot_compile_default_options(void)
{
    return (waot_compile_options){.opt_level = 2};
}

const char *waot_compile_status_name(waot_compile_status status)
{
    switch (status) {
    case WAOT_COMPILE_OK: return "ok";
    case WAOT_COMPILE_MALFORMED: return "malformed";
    case WAOT_COMPILE_INVALID: return "invalid";
    case WAOT_COMPILE_LIMIT: return "implementation limit";
    case WAOT_COMPILE_FAILED: return "compile error";
    case WAOT_COMPILE_IO: return "i/o error";
    case WAOT_COMPILE_NOMEM: return "out of memory";
    case WAOT_COMPILE_ARGUMENT: return "bad argument";
    }
    return "unknown status";
}

static waot_compile_status compile_api_fail(waot_compile_error *err, waot_compile_status status,
                                            const aot_error *cause, const char *message)
{
    if (!err)
        return status;
    err->status = status;
    err->offset = cause ? cause->offset : 0;
    err->func_index = cause ? cause->func_index : -1;
    snprintf(err->message, sizeof err->message, "%.255s", cause ? cause->message : message);
    return status;
}

/* The public status of a front-end failure. */
static waot_compile_status compile_api_front_status(const aot_error *e)
{
    switch (e->kind) {
    case AOT_ERR_MALFORMED: return WAOT_COMPILE_MALFORMED;
    case AOT_ERR_INVALID: return WAOT_COMPILE_INVALID;
    case AOT_ERR_LIMIT: return WAOT_COMPILE_LIMIT;
    case AOT_ERR_NOMEM: return WAOT_COMPILE_NOMEM;
    default: return WAOT_COMPILE_IO;
    }
}

static void compile_api_clear(waot_compile_error *err)
{
    if (err)
        *err = (waot_compile_error){.status = WAOT_COMPILE_OK, .func_index = -1};
}

/* Decodes and validates; on success the caller frees *out. */
static waot_compile_status compile_api_load(const uint8_t *bytes, size_t size, aot_module **out,
                                            waot_compile_error *err)
{
    compile_api_clear(err);
    if (!bytes && size)
        return compile_api_fail(err, WAOT_COMPILE_ARGUMENT, NULL, "no module bytes");
    static const uint8_t empty[1];
    aot_error e;
    aot_error_clear(&e);
    if (!aot_load(bytes ? bytes : empty, size, out, &e))
        return compile_api_fail(err, compile_api_front_status(&e), &e, NULL);
    return WAOT_COMPILE_OK;
}

waot_compile_status waot_compile_validate(const uint8_t *bytes, size_t size,
                                          waot_compile_error *err)
{
    aot_module *m = NULL;
    waot_compile_status status = compile_api_load(bytes, size, &m, err);
    aot_module_free(m);
    return status;
}

waot_compile_status waot_compile_to_file(const uint8_t *bytes, size_t size,
                                         const waot_compile_options *options, const char *path,
                                         waot_compile_error *err)
{
    waot_compile_options defaults = waot_compile_default_options();
    if (!options)
        options = &defaults;
    if (!path || options->opt_level > 3) {
        compile_api_clear(err);
        return compile_api_fail(err, WAOT_COMPILE_ARGUMENT, NULL,
                                path ? "optimisation level above 3" : "no output path");
    }
    aot_module *m = NULL;
    waot_compile_status status = compile_api_load(bytes, size, &m, err);
    if (status != WAOT_COMPILE_OK)
        return status;
    aot_compile_options internal = {
        .opt_level = options->opt_level,
        .target_triple = options->target,
        .cpu = options->cpu,
        .features = options->features,
        .interruptible = options->interruptible,
        .emit = AOT_EMIT_CWASM,
        .waot_version = WAOT_VERSION,
        .wasm = bytes,
        .wasm_size = size,
    };
    aot_error e;
    aot_error_clear(&e);
    aot_compile_timings timings = {0};
    const aot_codegen_api *codegen;
    pthread_mutex_lock(&compile_api_lock);
    bool ok = aot_codegen_load(&codegen, &e) &&
              codegen->compile(m, &internal, path, &timings, &e);
    pthread_mutex_unlock(&compile_api_lock);
    aot_module_free(m);
    if (!ok)
        return compile_api_fail(err, e.kind == AOT_ERR_NOMEM ? WAOT_COMPILE_NOMEM
                                                             : WAOT_COMPILE_FAILED,
                                &e, NULL);
    return WAOT_COMPILE_OK;
}

waot_compile_status waot_compile_to_memory(const uint8_t *bytes, size_t size,
                                           const waot_compile_options *options, uint8_t **out,
                                           size_t *out_size, waot_compile_error *err)
{
    if (!out || !out_size) {
        compile_api_clear(err);
        return compile_api_fail(err, WAOT_COMPILE_ARGUMENT, NULL, "no output buffer");
    }
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/waot-compile-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        char why[300];
        snprintf(why, sizeof why, "cannot create a temporary file in %.200s: %s",
                 dir && *dir ? dir : "/tmp", strerror(errno));
        compile_api_clear(err);
        return compile_api_fail(err, WAOT_COMPILE_IO, NULL, why);
    }
    close(fd);
    waot_compile_status status = waot_compile_to_file(bytes, size, options, path, err);
    if (status == WAOT_COMPILE_OK) {
        aot_error e;
        aot_error_clear(&e);
        if (!aot_read_file(path, out, out_size, &e))
            status = compile_api_fail(err, e.kind == AOT_ERR_NOMEM ? WAOT_COMPILE_NOMEM
                                                                   : WAOT_COMPILE_IO,
                                      &e, NULL);
    }
    unlink(path);
    return status;
}
