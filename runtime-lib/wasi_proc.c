/*
 * WASI process control: proc_exit ends the current waot_call (or the start
 * function of waot_instantiate) with WAOT_ERROR_EXIT and the guest's status,
 * unwinding the wasm frames the way a trap does (waot_rt_exit); the host
 * process lives on.  proc_raise is ENOSYS (a guest cannot signal its host);
 * sched_yield yields the host thread.
 */
#include "wasi_internal.h"

#include "entry_internal.h"

#include <sched.h>

static uint32_t wasi_proc_exit(wasi_env *env, const waot_abi_value *a)
{
    waot_rt_exit(a[0].i32);
}

static uint32_t wasi_proc_raise(wasi_env *env, const waot_abi_value *a)
{
    return WASI_ENOSYS;
}

static uint32_t wasi_sched_yield(wasi_env *env, const waot_abi_value *a)
{
    sched_yield();
    return WASI_ESUCCESS;
}

const wasi_def waot_rt_wasi_proc_defs[] = {
    {"proc_exit", "i", wasi_proc_exit, true},
    {"proc_raise", "i", wasi_proc_raise, false},
    {"sched_yield", "", wasi_sched_yield, false},
};
const size_t waot_rt_wasi_proc_def_count =
    sizeof waot_rt_wasi_proc_defs / sizeof waot_rt_wasi_proc_defs[0];
