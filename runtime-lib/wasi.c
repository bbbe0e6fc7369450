/*
 * WASI preview1 state and registration (waot.h, wasi_internal.h): a
 * waot_wasi owns copies of the arguments and environment and the guest's
 * descriptor table.  Guest descriptors 0, 1 and 2 are duplicates of the host
 * descriptors the config names (so a guest closing its stdout never closes
 * the host's); preopened directories follow from 3 in the config's order,
 * each opened here once and remembered with its guest path.  waot_wasi_define
 * registers every function of the area files with one host adapter, which
 * finds the caller's memory 0 and passes the errno back as the i32 result.
 * Also here: the host-errno mapping and the helpers the area files share.
 *
 * A waot_wasi is used by one thread at a time (like an instance): the
 * descriptor table has no lock.
 */
#include "wasi_internal.h"

#include "error_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* More guest descriptors than this is ENFILE. */
#define WASI_MAX_FDS (1u << 20)

struct wasi_binding {
    waot_wasi *wasi;
    const wasi_def *def;
};

uint32_t waot_rt_wasi_errno(int e)
{
    switch (e) {
    case 0: return WASI_ESUCCESS;
    case E2BIG: return WASI_E2BIG;
    case EACCES: return WASI_EACCES;
    case EADDRINUSE: return WASI_EADDRINUSE;
    case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
    case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
    case EAGAIN: return WASI_EAGAIN;
    case EALREADY: return WASI_EALREADY;
    case EBADF: return WASI_EBADF;
    case EBADMSG: return WASI_EBADMSG;
    case EBUSY: return WASI_EBUSY;
    case ECANCELED: return WASI_ECANCELED;
    case ECHILD: return WASI_ECHILD;
    case ECONNABORTED: return WASI_ECONNABORTED;
    case ECONNREFUSED: return WASI_ECONNREFUSED;
    case ECONNRESET: return WASI_ECONNRESET;
    case EDEADLK: return WASI_EDEADLK;
    case EDESTADDRREQ: return WASI_EDESTADDRREQ;
    case EDOM: return WASI_EDOM;
    case EDQUOT: return WASI_EDQUOT;
    case EEXIST: return WASI_EEXIST;
    case EFAULT: return WASI_EFAULT;
    case EFBIG: return WASI_EFBIG;
    case EHOSTUNREACH: return WASI_EHOSTUNREACH;
    case EIDRM: return WASI_EIDRM;
    case EILSEQ: return WASI_EILSEQ;
    case EINPROGRESS: return WASI_EINPROGRESS;
    case EINTR: return WASI_EINTR;
    case EINVAL: return WASI_EINVAL;
    case EIO: return WASI_EIO;
    case EISCONN: return WASI_EISCONN;
    case EISDIR: return WASI_EISDIR;
    case ELOOP: return WASI_ELOOP;
    case EMFILE: return WASI_EMFILE;
    case EMLINK: return WASI_EMLINK;
    case EMSGSIZE: return WASI_EMSGSIZE;
    case EMULTIHOP: return WASI_EMULTIHOP;
    case ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case ENETDOWN: return WASI_ENETDOWN;
    case ENETRESET: return WASI_ENETRESET;
    case ENETUNREACH: return WASI_ENETUNREACH;
    case ENFILE: return WASI_ENFILE;
    case ENOBUFS: return WASI_ENOBUFS;
    case ENODEV: return WASI_ENODEV;
    case ENOENT: return WASI_ENOENT;
    case ENOEXEC: return WASI_ENOEXEC;
    case ENOLCK: return WASI_ENOLCK;
    case ENOLINK: return WASI_ENOLINK;
    case ENOMEM: return WASI_ENOMEM;
    case ENOMSG: return WASI_ENOMSG;
    case ENOPROTOOPT: return WASI_ENOPROTOOPT;
    case ENOSPC: return WASI_ENOSPC;
    case ENOSYS: return WASI_ENOSYS;
    case ENOTCONN: return WASI_ENOTCONN;
    case ENOTDIR: return WASI_ENOTDIR;
    case ENOTEMPTY: return WASI_ENOTEMPTY;
    case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
    case ENOTSOCK: return WASI_ENOTSOCK;
    case ENOTSUP: return WASI_ENOTSUP; /* EOPNOTSUPP on Linux too */
    case ENOTTY: return WASI_ENOTTY;
    case ENXIO: return WASI_ENXIO;
    case EOVERFLOW: return WASI_EOVERFLOW;
    case EOWNERDEAD: return WASI_EOWNERDEAD;
    case EPERM: return WASI_EPERM;
    case EPIPE: return WASI_EPIPE;
    case EPROTO: return WASI_EPROTO;
    case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
    case EPROTOTYPE: return WASI_EPROTOTYPE;
    case ERANGE: return WASI_ERANGE;
    case EROFS: return WASI_EROFS;
    case ESPIPE: return WASI_ESPIPE;
    case ESRCH: return WASI_ESRCH;
    case ESTALE: return WASI_ESTALE;
    case ETIMEDOUT: return WASI_ETIMEDOUT;
    case ETXTBSY: return WASI_ETXTBSY;
    case EXDEV: return WASI_EXDEV;
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK: return WASI_EAGAIN;
#endif
    default: return WASI_EIO;
    }
}

uint8_t waot_rt_wasi_filetype(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no type of their own */
    }
}

static uint64_t wasi_timespec_ns(struct timespec t)
{
    if (t.tv_sec < 0)
        return 0;
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void waot_rt_wasi_put_filestat(wasi_env *env, uint32_t at, const struct stat *st)
{
    memset(env->mem + at, 0, WASI_FILESTAT_SIZE);
    wasi_put_u64(env, at + 0, (uint64_t)st->st_dev);
    wasi_put_u64(env, at + 8, (uint64_t)st->st_ino);
    wasi_put_u8(env, at + 16, waot_rt_wasi_filetype(st->st_mode));
    wasi_put_u64(env, at + 24, (uint64_t)st->st_nlink);
    wasi_put_u64(env, at + 32, st->st_size < 0 ? 0 : (uint64_t)st->st_size);
    wasi_put_u64(env, at + 40, wasi_timespec_ns(st->st_atim));
    wasi_put_u64(env, at + 48, wasi_timespec_ns(st->st_mtim));
    wasi_put_u64(env, at + 56, wasi_timespec_ns(st->st_ctim));
}

uint32_t waot_rt_wasi_store_u32(wasi_env *env, uint32_t at, uint32_t v)
{
    if (!wasi_mem_ok(env, at, 4))
        return WASI_EFAULT;
    wasi_put_u32(env, at, v);
    return WASI_ESUCCESS;
}

uint32_t waot_rt_wasi_store_u64(wasi_env *env, uint32_t at, uint64_t v)
{
    if (!wasi_mem_ok(env, at, 8))
        return WASI_EFAULT;
    wasi_put_u64(env, at, v);
    return WASI_ESUCCESS;
}

/* ---- the descriptor table ---- */

wasi_fd *waot_rt_wasi_fd_get(waot_wasi *wasi, int32_t fd, uint64_t rights, uint32_t *error)
{
    if (fd < 0 || (uint32_t)fd >= wasi->fd_count || !wasi->fds[fd].used) {
        *error = WASI_EBADF;
        return NULL;
    }
    wasi_fd *entry = &wasi->fds[fd];
    if ((entry->rights_base & rights) != rights) {
        *error = WASI_ENOTCAPABLE;
        return NULL;
    }
    *error = WASI_ESUCCESS;
    return entry;
}

void waot_rt_wasi_fd_release(wasi_fd *entry)
{
    if (entry->dir)
        closedir(entry->dir);
    if (entry->host >= 0)
        close(entry->host);
    free(entry->preopen_name);
    *entry = (wasi_fd){.host = -1};
}

/* Grows the table to at least `count` slots. */
static bool wasi_fd_reserve(waot_wasi *wasi, uint32_t count)
{
    if (count <= wasi->fd_count)
        return true;
    uint32_t capacity = wasi->fd_count ? wasi->fd_count : 8;
    while (capacity < count)
        capacity *= 2;
    wasi_fd *fds = realloc(wasi->fds, capacity * sizeof *fds);
    if (!fds)
        return false;
    for (uint32_t i = wasi->fd_count; i < capacity; i++)
        fds[i] = (wasi_fd){.host = -1};
    wasi->fds = fds;
    wasi->fd_count = capacity;
    return true;
}

/* Places `host` in slot `at`, which must be free. */
static void wasi_fd_place(waot_wasi *wasi, uint32_t at, int host, uint8_t filetype,
                          uint64_t rights_base, uint64_t rights_inheriting)
{
    wasi->fds[at] = (wasi_fd){
        .used = true,
        .host = host,
        .filetype = filetype,
        .rights_base = rights_base,
        .rights_inheriting = rights_inheriting,
    };
}

uint32_t waot_rt_wasi_fd_insert(waot_wasi *wasi, int host, uint8_t filetype, uint64_t rights_base,
                                uint64_t rights_inheriting, uint32_t *out)
{
    uint32_t slot = 0;
    while (slot < wasi->fd_count && wasi->fds[slot].used)
        slot++;
    if (slot >= WASI_MAX_FDS) {
        close(host);
        return WASI_ENFILE;
    }
    if (!wasi_fd_reserve(wasi, slot + 1)) {
        close(host);
        return WASI_ENOMEM;
    }
    wasi_fd_place(wasi, slot, host, filetype, rights_base, rights_inheriting);
    *out = slot;
    return WASI_ESUCCESS;
}

/* The rights a descriptor of this type starts with. */
static void wasi_rights_for(uint8_t filetype, uint64_t *base, uint64_t *inheriting)
{
    switch (filetype) {
    case WASI_FILETYPE_DIRECTORY:
        *base = WASI_RIGHTS_DIRECTORY;
        *inheriting = WASI_RIGHTS_DIRECTORY | WASI_RIGHTS_REGULAR_FILE;
        break;
    case WASI_FILETYPE_REGULAR_FILE:
    case WASI_FILETYPE_BLOCK_DEVICE:
        *base = WASI_RIGHTS_REGULAR_FILE;
        *inheriting = 0;
        break;
    default:
        *base = WASI_RIGHTS_STREAM;
        *inheriting = 0;
        break;
    }
}

/* Guest descriptor `guest` as a duplicate of host descriptor `host`;
 * nothing when `host` is negative (the guest sees it closed). */
static waot_status wasi_add_stdio(waot_wasi *wasi, uint32_t guest, int host, waot_error *err)
{
    if (host < 0)
        return WAOT_OK;
    int copy = fcntl(host, F_DUPFD_CLOEXEC, 3);
    if (copy < 0)
        return waot_rt_fail(err, WAOT_ERROR_WASI, "cannot use host descriptor %d for guest %u: %s",
                            host, guest, strerror(errno));
    struct stat st;
    uint8_t filetype = fstat(copy, &st) == 0 ? waot_rt_wasi_filetype(st.st_mode)
                                              : WASI_FILETYPE_UNKNOWN;
    uint64_t base, inheriting;
    wasi_rights_for(filetype, &base, &inheriting);
    /* A terminal cannot seek: wasi-libc's isatty() looks for exactly this. */
    if (filetype == WASI_FILETYPE_CHARACTER_DEVICE)
        base &= ~(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL);
    wasi_fd_place(wasi, guest, copy, filetype, base, inheriting);
    return WAOT_OK;
}

static waot_status wasi_add_preopen(waot_wasi *wasi, uint32_t guest,
                                    const waot_wasi_preopen *preopen, waot_error *err)
{
    if (!preopen->host_path || !preopen->guest_path)
        return waot_rt_fail(err, WAOT_ERROR_WASI, "preopen %u has no host or guest path", guest);
    int host = open(preopen->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host < 0)
        return waot_rt_fail(err, WAOT_ERROR_WASI, "cannot open directory %s: %s",
                            preopen->host_path, strerror(errno));
    char *name = strdup(preopen->guest_path);
    if (!name) {
        close(host);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory");
    }
    uint64_t base, inheriting;
    wasi_rights_for(WASI_FILETYPE_DIRECTORY, &base, &inheriting);
    wasi_fd_place(wasi, guest, host, WASI_FILETYPE_DIRECTORY, base, inheriting);
    wasi->fds[guest].preopen_name = name;
    return WAOT_OK;
}

/* A NULL-terminated-or-counted string list, copied. */
static char **wasi_copy_strings(const char *const *strings, size_t count)
{
    char **copy = calloc(count + 1, sizeof *copy);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        copy[i] = strdup(strings[i] ? strings[i] : "");
        if (!copy[i]) {
            for (size_t k = 0; k < i; k++)
                free(copy[k]);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

static void wasi_free_strings(char **strings, size_t count)
{
    if (!strings)
        return;
    for (size_t i = 0; i < count; i++)
        free(strings[i]);
    free(strings);
}

waot_status waot_wasi_new(const waot_wasi_config *config, waot_wasi **out, waot_error *err)
{
    *out = NULL;
    waot_wasi *wasi = calloc(1, sizeof *wasi);
    if (!wasi)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory");
    waot_status status = WAOT_OK;

    wasi->argc = config->argc > 0 ? (size_t)config->argc : 0;
    wasi->argv = wasi_copy_strings(config->argv, config->argv ? wasi->argc : 0);
    if (!config->argv)
        wasi->argc = 0;
    size_t env_count = 0;
    if (config->environ) {
        while (config->environ[env_count])
            env_count++;
    }
    wasi->environ_count = env_count;
    wasi->environ = wasi_copy_strings(config->environ, env_count);
    if (!wasi->argv || !wasi->environ)
        status = waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory");

    if (status == WAOT_OK && !wasi_fd_reserve(wasi, 3 + (uint32_t)config->preopen_count))
        status = waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory");
    int stdio[3] = {config->stdin_fd, config->stdout_fd, config->stderr_fd};
    for (uint32_t i = 0; i < 3 && status == WAOT_OK; i++)
        status = wasi_add_stdio(wasi, i, stdio[i], err);
    for (size_t i = 0; i < config->preopen_count && status == WAOT_OK; i++)
        status = wasi_add_preopen(wasi, 3 + (uint32_t)i, &config->preopens[i], err);

    if (status != WAOT_OK) {
        waot_wasi_free(wasi);
        return status;
    }
    waot_rt_error_clear(err);
    *out = wasi;
    return WAOT_OK;
}

void waot_wasi_free(waot_wasi *wasi)
{
    if (!wasi)
        return;
    for (uint32_t i = 0; i < wasi->fd_count; i++) {
        if (wasi->fds[i].used)
            waot_rt_wasi_fd_release(&wasi->fds[i]);
    }
    free(wasi->fds);
    wasi_free_strings(wasi->argv, wasi->argc);
    wasi_free_strings(wasi->environ, wasi->environ_count);
    free(wasi->bindings);
    free(wasi);
}

/* ---- registration ---- */

/* The one host function behind every WASI import. */
static void wasi_adapter(waot_abi_host_closure *closure, const waot_abi_value *args,
                         waot_abi_value *results)
{
    const wasi_binding *binding = closure->user;
    wasi_env env = {.wasi = binding->wasi};
    waot_abi_context *caller = closure->caller;
    if (caller && caller->memories && caller->memories[0]) {
        env.mem = caller->memories[0]->base;
        env.mem_size = caller->memories[0]->size;
    }
    uint32_t error = binding->def->impl(&env, args);
    if (!binding->def->no_result)
        results[0].i32 = (int32_t)error;
}

typedef struct wasi_area {
    const wasi_def *defs;
    const size_t *count;
} wasi_area;

static const wasi_area wasi_areas[] = {
    {waot_rt_wasi_args_defs, &waot_rt_wasi_args_def_count},
    {waot_rt_wasi_clock_defs, &waot_rt_wasi_clock_def_count},
    {waot_rt_wasi_random_defs, &waot_rt_wasi_random_def_count},
    {waot_rt_wasi_proc_defs, &waot_rt_wasi_proc_def_count},
    {waot_rt_wasi_fd_defs, &waot_rt_wasi_fd_def_count},
    {waot_rt_wasi_path_defs, &waot_rt_wasi_path_def_count},
    {waot_rt_wasi_poll_defs, &waot_rt_wasi_poll_def_count},
    {waot_rt_wasi_sock_defs, &waot_rt_wasi_sock_def_count},
};

waot_status waot_wasi_define(waot_linker *linker, waot_wasi *wasi)
{
    size_t total = 0;
    for (size_t a = 0; a < sizeof wasi_areas / sizeof wasi_areas[0]; a++)
        total += *wasi_areas[a].count;
    if (!wasi->bindings) {
        wasi->bindings = calloc(total, sizeof *wasi->bindings);
        if (!wasi->bindings)
            return WAOT_ERROR_NOMEM;
        size_t n = 0;
        for (size_t a = 0; a < sizeof wasi_areas / sizeof wasi_areas[0]; a++) {
            for (size_t i = 0; i < *wasi_areas[a].count; i++)
                wasi->bindings[n++] = (wasi_binding){wasi, &wasi_areas[a].defs[i]};
        }
    }
    static const uint8_t result_i32[1] = {WAOT_ABI_I32};
    for (size_t n = 0; n < total; n++) {
        const wasi_def *def = wasi->bindings[n].def;
        uint8_t params[16];
        uint32_t count = 0;
        for (const char *p = def->params; *p && count < sizeof params; p++)
            params[count++] = *p == 'I' ? WAOT_ABI_I64 : WAOT_ABI_I32;
        waot_status status = waot_linker_define_func(
            linker, "wasi_snapshot_preview1", def->name, params, count, result_i32,
            def->no_result ? 0 : 1, wasi_adapter, &wasi->bindings[n]);
        if (status != WAOT_OK)
            return status;
    }
    return WAOT_OK;
}
