/*
 * Finding and loading the LLVM back end (see codegen_api.h).  Where it is:
 * $WAOT_CODEGEN (a path to the object, for tests and unusual installs),
 * else the running executable's directory (the build tree), else
 * ../lib/waot relative to it (an install).
 */
#include "codegen_api.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const aot_codegen_api *codegen_loaded;

static void *codegen_try(const char *path, char *why, size_t why_size)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle && why[0] == '\0') {
        const char *msg = dlerror();
        snprintf(why, why_size, "%.480s", msg ? msg : path);
    }
    return handle;
}

bool aot_codegen_locate(char *out, size_t size)
{
    const char *override = getenv("WAOT_CODEGEN");
    if (override && *override) {
        snprintf(out, size, "%s", override);
        return true;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(out, size, "%s/%s", exe, AOT_CODEGEN_LIBRARY);
    if (access(out, R_OK) == 0)
        return true;
    snprintf(out, size, "%s/../lib/waot/%s", exe, AOT_CODEGEN_LIBRARY);
    return access(out, R_OK) == 0;
}

bool aot_codegen_load(const aot_codegen_api **out, aot_error *err)
{
    if (codegen_loaded) {
        *out = codegen_loaded;
        return true;
    }
    char why[512] = "", path[PATH_MAX + 64];
    void *handle = NULL;
    if (!aot_codegen_locate(path, sizeof path))
        snprintf(why, sizeof why, "%s is neither beside waot nor in ../lib/waot",
                 AOT_CODEGEN_LIBRARY);
    else
        handle = codegen_try(path, why, sizeof why);
    if (!handle)
        return aot_fail(err, AOT_ERR_IO, 0, "cannot load the LLVM back end: %s", why);
    aot_codegen_entry_fn entry;
    *(void **)&entry = dlsym(handle, AOT_CODEGEN_ENTRY);
    const aot_codegen_api *api = entry ? entry() : NULL;
    if (!api || api->api_version != AOT_CODEGEN_API_VERSION) {
        dlclose(handle);
        return aot_fail(err, AOT_ERR_IO, 0,
                        "%s is from another waot version (back-end interface %u, need %u)",
                        AOT_CODEGEN_LIBRARY, api ? api->api_version : 0, AOT_CODEGEN_API_VERSION);
    }
    codegen_loaded = api;
    *out = api;
    return true;
}
