/*
 * WASI sockets: preview1's sock_accept, sock_recv, sock_send and
 * sock_shutdown.  waot offers no socket capabilities (no preopened
 * listeners), so each checks its descriptor (EBADF when it is not open) and
 * then reports ENOTSUP; the result pointers are never written.
 */
#include "wasi_internal.h"

static uint32_t wasi_sock_unsupported(wasi_env *env, int32_t fd)
{
    uint32_t error;
    if (!waot_rt_wasi_fd_get(env->wasi, fd, 0, &error))
        return error;
    return WASI_ENOTSUP;
}

static uint32_t wasi_sock_accept(wasi_env *env, const waot_abi_value *a)
{
    return wasi_sock_unsupported(env, a[0].i32);
}

static uint32_t wasi_sock_recv(wasi_env *env, const waot_abi_value *a)
{
    return wasi_sock_unsupported(env, a[0].i32);
}

static uint32_t wasi_sock_send(wasi_env *env, const waot_abi_value *a)
{
    return wasi_sock_unsupported(env, a[0].i32);
}

static uint32_t wasi_sock_shutdown(wasi_env *env, const waot_abi_value *a)
{
    return wasi_sock_unsupported(env, a[0].i32);
}

const wasi_def waot_rt_wasi_sock_defs[] = {
    {"sock_accept", "iii", wasi_sock_accept, false},
    {"sock_recv", "iiiiii", wasi_sock_recv, false},
    {"sock_send", "iiiii", wasi_sock_send, false},
    {"sock_shutdown", "ii", wasi_sock_shutdown, false},
};
const size_t waot_rt_wasi_sock_def_count =
    sizeof waot_rt_wasi_sock_defs / sizeof waot_rt_wasi_sock_defs[0];
