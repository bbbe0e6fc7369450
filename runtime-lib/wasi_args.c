/*
 * WASI arguments and environment: args_sizes_get / args_get and
 * environ_sizes_get / environ_get.  Both lists are the waot_wasi's copies,
 * handed out the preview1 way: the sizes call gives the count and the bytes
 * of all strings with their NULs; the get call writes the array of guest
 * pointers and, into one buffer, the NUL-terminated strings they point to.
 */
#include "wasi_internal.h"

/* The byte size of `count` strings with their terminators; false when it
 * does not fit a guest size. */
static bool wasi_args_bytes(char *const *strings, size_t count, uint32_t *out)
{
    uint64_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += strlen(strings[i]) + 1;
    if (count > UINT32_MAX / 4 || total > UINT32_MAX)
        return false;
    *out = (uint32_t)total;
    return true;
}

static uint32_t wasi_args_sizes(wasi_env *env, char *const *strings, size_t count,
                                uint32_t count_ptr, uint32_t size_ptr)
{
    uint32_t bytes;
    if (!wasi_args_bytes(strings, count, &bytes))
        return WASI_EOVERFLOW;
    if (!wasi_mem_ok(env, count_ptr, 4) || !wasi_mem_ok(env, size_ptr, 4))
        return WASI_EFAULT;
    wasi_put_u32(env, count_ptr, (uint32_t)count);
    wasi_put_u32(env, size_ptr, bytes);
    return WASI_ESUCCESS;
}

static uint32_t wasi_args_write(wasi_env *env, char *const *strings, size_t count,
                                uint32_t array_ptr, uint32_t buf_ptr)
{
    uint32_t bytes;
    if (!wasi_args_bytes(strings, count, &bytes))
        return WASI_EOVERFLOW;
    if (!wasi_mem_ok(env, array_ptr, (uint64_t)count * 4) || !wasi_mem_ok(env, buf_ptr, bytes))
        return WASI_EFAULT;
    uint32_t at = buf_ptr;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(strings[i]) + 1;
        wasi_put_u32(env, array_ptr + (uint32_t)i * 4, at);
        memcpy(env->mem + at, strings[i], n);
        at += (uint32_t)n;
    }
    return WASI_ESUCCESS;
}

static uint32_t wasi_args_sizes_get(wasi_env *env, const waot_abi_value *a)
{
    return wasi_args_sizes(env, env->wasi->argv, env->wasi->argc, (uint32_t)a[0].i32,
                           (uint32_t)a[1].i32);
}

static uint32_t wasi_args_get(wasi_env *env, const waot_abi_value *a)
{
    return wasi_args_write(env, env->wasi->argv, env->wasi->argc, (uint32_t)a[0].i32,
                           (uint32_t)a[1].i32);
}

static uint32_t wasi_environ_sizes_get(wasi_env *env, const waot_abi_value *a)
{
    return wasi_args_sizes(env, env->wasi->environ, env->wasi->environ_count,
                           (uint32_t)a[0].i32, (uint32_t)a[1].i32);
}

static uint32_t wasi_environ_get(wasi_env *env, const waot_abi_value *a)
{
    return wasi_args_write(env, env->wasi->environ, env->wasi->environ_count,
                           (uint32_t)a[0].i32, (uint32_t)a[1].i32);
}

const wasi_def waot_rt_wasi_args_defs[] = {
    {"args_sizes_get", "ii", wasi_args_sizes_get, false},
    {"args_get", "ii", wasi_args_get, false},
    {"environ_sizes_get", "ii", wasi_environ_sizes_get, false},
    {"environ_get", "ii", wasi_environ_get, false},
};
const size_t waot_rt_wasi_args_def_count =
    sizeof waot_rt_wasi_args_defs / sizeof waot_rt_wasi_args_defs[0];
