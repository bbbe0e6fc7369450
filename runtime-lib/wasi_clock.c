/*
 * WASI clocks: clock_res_get and clock_time_get for the four preview1
 * clocks (realtime, monotonic, process and thread CPU time), read with the
 * host's clock_gettime and returned in nanoseconds.  Also the conversion
 * poll_oneoff uses for its clock subscriptions.
 */
#include "wasi_clock_internal.h"

#include <errno.h>
#include <time.h>

bool waot_rt_wasi_host_clock(uint32_t id, clockid_t *out)
{
    switch (id) {
    case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return true;
    case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return true;
    case WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

uint32_t waot_rt_wasi_clock_now(uint32_t id, uint64_t *out)
{
    clockid_t clock;
    if (!waot_rt_wasi_host_clock(id, &clock))
        return WASI_EINVAL;
    struct timespec t;
    if (clock_gettime(clock, &t) != 0)
        return waot_rt_wasi_errno(errno);
    *out = t.tv_sec < 0 ? 0 : (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
    return WASI_ESUCCESS;
}

static uint32_t wasi_clock_res_get(wasi_env *env, const waot_abi_value *a)
{
    clockid_t clock;
    if (!waot_rt_wasi_host_clock((uint32_t)a[0].i32, &clock))
        return WASI_EINVAL;
    uint32_t out = (uint32_t)a[1].i32;
    if (!wasi_mem_ok(env, out, 8))
        return WASI_EFAULT;
    struct timespec t;
    if (clock_getres(clock, &t) != 0)
        return waot_rt_wasi_errno(errno);
    uint64_t ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
    wasi_put_u64(env, out, ns ? ns : 1);
    return WASI_ESUCCESS;
}

static uint32_t wasi_clock_time_get(wasi_env *env, const waot_abi_value *a)
{
    /* a[1] is the precision the caller accepts: every clock here is read at
     * its best. */
    uint32_t out = (uint32_t)a[2].i32;
    uint64_t now;
    uint32_t error = waot_rt_wasi_clock_now((uint32_t)a[0].i32, &now);
    if (error)
        return error;
    return waot_rt_wasi_store_u64(env, out, now);
}

const wasi_def waot_rt_wasi_clock_defs[] = {
    {"clock_res_get", "ii", wasi_clock_res_get, false},
    {"clock_time_get", "iIi", wasi_clock_time_get, false},
};
const size_t waot_rt_wasi_clock_def_count =
    sizeof waot_rt_wasi_clock_defs / sizeof waot_rt_wasi_clock_defs[0];
