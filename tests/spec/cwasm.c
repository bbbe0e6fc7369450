/*
 * Turning validated modules into precompiled modules for the runtime to load:
 * the back end (libwaot-codegen.so, see aot/codegen_api.h) compiles each one
 * to a .cwasm file beside its .wasm, and a content-addressed cache
 * (CACHE/<key>.cwasm) spares re-runs and other scripts the compilation of a
 * module they have seen.
 *
 * The cache is safe to share between processes: an entry appears by
 * rename(), so it is complete or absent, and entries are never modified, so a
 * script's .cwasm may be a hard link to one.
 */
#include "cwasm.h"

#include "codegen_api.h"
#include "sha256.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { CWASM_PATH_SIZE = 4096, CWASM_COPY_CHUNK = 64 * 1024 };

/* Recorded in each module's descriptor as the compiler version. */
#define CWASM_WAOT_VERSION "spec"

bool cwasm_backend_id(uint8_t id[32], char *problem, size_t problem_size)
{
    const aot_codegen_api *api;
    aot_error err;
    aot_error_clear(&err);
    if (!aot_codegen_load(&api, &err)) {
        snprintf(problem, problem_size, "%s", err.message);
        return false;
    }
    void *address;
    memcpy(&address, &api->compile, sizeof address);
    Dl_info info;
    if (!dladdr(address, &info) || !info.dli_fname) {
        snprintf(problem, problem_size, "cannot tell which file the back end was loaded from");
        return false;
    }
    uint8_t *bytes;
    size_t size;
    if (!aot_read_file(info.dli_fname, &bytes, &size, &err)) {
        snprintf(problem, problem_size, "%s", err.message);
        return false;
    }
    /* The object's hash, then the LLVM version it runs on. */
    const char *llvm = api->llvm_version();
    size_t llvm_length = strlen(llvm);
    uint8_t *both = malloc(32 + llvm_length);
    if (!both) {
        free(bytes);
        snprintf(problem, problem_size, "out of memory");
        return false;
    }
    aot_sha256(bytes, size, both);
    memcpy(both + 32, llvm, llvm_length);
    aot_sha256(both, 32 + llvm_length, id);
    free(both);
    free(bytes);
    return true;
}

/* The cache key of a module, as 64 hex digits. */
static void cwasm_key(const cwasm_settings *settings, const uint8_t *wasm, size_t wasm_size,
                      char hex[65])
{
    uint8_t input[32 + 32 + 1];
    aot_sha256(wasm, wasm_size, input);
    memcpy(input + 32, settings->backend_id, 32);
    input[64] = (uint8_t)settings->opt_level;
    uint8_t key[32];
    aot_sha256(input, sizeof input, key);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
}

static bool cwasm_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* Copies `from` to a new file `to` (which must not exist). */
static bool cwasm_copy(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return false;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (out < 0) {
        close(in);
        return false;
    }
    char *buffer = malloc(CWASM_COPY_CHUNK);
    bool ok = buffer != NULL;
    while (ok) {
        ssize_t got = read(in, buffer, CWASM_COPY_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            ok = got == 0;
            break;
        }
        for (ssize_t done = 0; ok && done < got;) {
            ssize_t put = write(out, buffer + done, (size_t)(got - done));
            if (put < 0 && errno == EINTR)
                continue;
            ok = put > 0;
            done += put > 0 ? put : 0;
        }
    }
    free(buffer);
    close(in);
    if (close(out) != 0)
        ok = false;
    if (!ok)
        unlink(to);
    return ok;
}

/* Makes `to` (which must not exist) hold what `from` holds: a hard link, or
 * a copy where links are not possible. */
static bool cwasm_place(const char *from, const char *to)
{
    return link(from, to) == 0 || cwasm_copy(from, to);
}

static double cwasm_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool cwasm_build(const cwasm_settings *settings, const aot_module *m, const uint8_t *wasm,
                 size_t wasm_size, const char *out_path, cwasm_stats *stats, aot_error *err)
{
    aot_error_clear(err);
    if (unlink(out_path) != 0 && errno != ENOENT)
        return aot_fail(err, AOT_ERR_IO, 0, "cannot remove the old %s: %s", out_path,
                        strerror(errno));

    char cache_path[CWASM_PATH_SIZE] = "";
    if (settings->cache_dir) {
        char key[65];
        cwasm_key(settings, wasm, wasm_size, key);
        snprintf(cache_path, sizeof cache_path, "%s/%s.cwasm", settings->cache_dir, key);
        if (cwasm_is_file(cache_path) && cwasm_place(cache_path, out_path)) {
            stats->cached++;
            return true;
        }
    }

    const aot_codegen_api *api;
    if (!aot_codegen_load(&api, err))
        return false;
    aot_compile_options options = {
        .opt_level = settings->opt_level,
        .emit = AOT_EMIT_CWASM,
        .waot_version = CWASM_WAOT_VERSION,
        .wasm = wasm,
        .wasm_size = wasm_size,
    };
    aot_compile_timings timings;
    double start = cwasm_now();
    bool compiled = api->compile(m, &options, out_path, &timings, err);
    stats->compile_seconds += cwasm_now() - start;
    if (!compiled) {
        if (err->kind == AOT_OK) /* a back end that failed without saying why */
            aot_fail(err, AOT_ERR_LIMIT, 0, "the back end failed without an error message");
        return false;
    }
    stats->compiled++;

    /* Into the cache under a temporary name, then renamed into place; a
     * module that cannot be cached is still compiled. */
    if (cache_path[0]) {
        char temp_path[CWASM_PATH_SIZE + 32];
        snprintf(temp_path, sizeof temp_path, "%s.tmp%ld", cache_path, (long)getpid());
        unlink(temp_path);
        if (!cwasm_place(out_path, temp_path) || rename(temp_path, cache_path) != 0)
            unlink(temp_path);
    }
    return true;
}
