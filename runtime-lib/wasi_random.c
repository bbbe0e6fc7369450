/*
 * WASI random_get: fills a guest buffer from the kernel's random source
 * (getrandom, which blocks only until the pool is first initialised),
 * looping over short results and interrupted calls.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <sys/random.h>

static uint32_t wasi_random_get(wasi_env *env, const waot_abi_value *a)
{
    uint32_t buf = (uint32_t)a[0].i32, len = (uint32_t)a[1].i32;
    uint8_t *p = wasi_mem(env, buf, len);
    if (!p)
        return WASI_EFAULT;
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(p + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return waot_rt_wasi_errno(errno);
        }
        done += (size_t)n;
    }
    return WASI_ESUCCESS;
}

const wasi_def waot_rt_wasi_random_defs[] = {
    {"random_get", "ii", wasi_random_get, false},
};
const size_t waot_rt_wasi_random_def_count =
    sizeof waot_rt_wasi_random_defs / sizeof waot_rt_wasi_random_defs[0];
