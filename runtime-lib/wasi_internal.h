/*
 * WASI preview1 inside the runtime: what the wasi_*.c files share.
 *
 * The ABI facts of wasi_snapshot_preview1 (errno numbering, rights bits,
 * flags, the byte layouts of the structures a guest passes by pointer), the
 * state behind a waot_wasi (arguments, environment, the descriptor table),
 * guest memory access, and the table of functions each area file
 * contributes to waot_wasi_define.
 *
 * Every WASI function is written as `uint32_t impl(wasi_env *, args)`
 * returning a WASI errno; one host adapter (wasi.c) builds the wasi_env from
 * the caller's memory and stores the errno as the i32 result.  A WASI
 * function reaches guest memory only through wasi_mem_*(), which check the
 * whole range against the memory's current size first: host code must never
 * fault on a guest address (the fault handler only turns faults in wasm code
 * into traps).
 */
#ifndef WAOT_WASI_INTERNAL_H
#define WAOT_WASI_INTERNAL_H

#include "waot.h"

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

/* ---- errno, in the preview1 numbering ---- */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
    WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7,
    WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10, WASI_ECANCELED = 11, WASI_ECHILD = 12,
    WASI_ECONNABORTED = 13, WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16,
    WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20,
    WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24,
    WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29,
    WASI_EISCONN = 30, WASI_EISDIR = 31, WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34,
    WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36, WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38,
    WASI_ENETRESET = 39, WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42,
    WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46,
    WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50,
    WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54,
    WASI_ENOTEMPTY = 55, WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58,
    WASI_ENOTTY = 59, WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62,
    WASI_EPERM = 63, WASI_EPIPE = 64, WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66,
    WASI_EPROTOTYPE = 67, WASI_ERANGE = 68, WASI_EROFS = 69, WASI_ESPIPE = 70,
    WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74,
    WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76,
};

/* ---- rights ---- */
#define WASI_RIGHT_FD_DATASYNC (UINT64_C(1) << 0)
#define WASI_RIGHT_FD_READ (UINT64_C(1) << 1)
#define WASI_RIGHT_FD_SEEK (UINT64_C(1) << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS (UINT64_C(1) << 3)
#define WASI_RIGHT_FD_SYNC (UINT64_C(1) << 4)
#define WASI_RIGHT_FD_TELL (UINT64_C(1) << 5)
#define WASI_RIGHT_FD_WRITE (UINT64_C(1) << 6)
#define WASI_RIGHT_FD_ADVISE (UINT64_C(1) << 7)
#define WASI_RIGHT_FD_ALLOCATE (UINT64_C(1) << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY (UINT64_C(1) << 9)
#define WASI_RIGHT_PATH_CREATE_FILE (UINT64_C(1) << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE (UINT64_C(1) << 11)
#define WASI_RIGHT_PATH_LINK_TARGET (UINT64_C(1) << 12)
#define WASI_RIGHT_PATH_OPEN (UINT64_C(1) << 13)
#define WASI_RIGHT_FD_READDIR (UINT64_C(1) << 14)
#define WASI_RIGHT_PATH_READLINK (UINT64_C(1) << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE (UINT64_C(1) << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET (UINT64_C(1) << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET (UINT64_C(1) << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE (UINT64_C(1) << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (UINT64_C(1) << 20)
#define WASI_RIGHT_FD_FILESTAT_GET (UINT64_C(1) << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE (UINT64_C(1) << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES (UINT64_C(1) << 23)
#define WASI_RIGHT_PATH_SYMLINK (UINT64_C(1) << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY (UINT64_C(1) << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE (UINT64_C(1) << 26)
#define WASI_RIGHT_POLL_FD_READWRITE (UINT64_C(1) << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN (UINT64_C(1) << 28)
#define WASI_RIGHT_SOCK_ACCEPT (UINT64_C(1) << 29)
#define WASI_RIGHTS_ALL ((UINT64_C(1) << 30) - 1)

/* What applies to a regular file, to a stream that cannot seek (terminal,
 * pipe, socket) and to a directory. */
#define WASI_RIGHTS_REGULAR_FILE                                                             \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |                      \
     WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL |              \
     WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |                   \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |                          \
     WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_STREAM                                                                   \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS |             \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES |                         \
     WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC)
#define WASI_RIGHTS_DIRECTORY                                                                \
    (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC |          \
     WASI_RIGHT_FD_ADVISE | WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE | \
     WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN |      \
     WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE |      \
     WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_GET |                          \
     WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES |                \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK | \
     WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE |                        \
     WASI_RIGHT_POLL_FD_READWRITE)

/* ---- types and flags ---- */
enum {
    WASI_FILETYPE_UNKNOWN = 0,
    WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4,
    WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6,
    WASI_FILETYPE_SYMBOLIC_LINK = 7,
};
enum {
    WASI_FDFLAG_APPEND = 1 << 0,
    WASI_FDFLAG_DSYNC = 1 << 1,
    WASI_FDFLAG_NONBLOCK = 1 << 2,
    WASI_FDFLAG_RSYNC = 1 << 3,
    WASI_FDFLAG_SYNC = 1 << 4,
};
enum {
    WASI_OFLAG_CREAT = 1 << 0,
    WASI_OFLAG_DIRECTORY = 1 << 1,
    WASI_OFLAG_EXCL = 1 << 2,
    WASI_OFLAG_TRUNC = 1 << 3,
};
enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 << 0 };
enum {
    WASI_FSTFLAG_ATIM = 1 << 0,
    WASI_FSTFLAG_ATIM_NOW = 1 << 1,
    WASI_FSTFLAG_MTIM = 1 << 2,
    WASI_FSTFLAG_MTIM_NOW = 1 << 3,
};
enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };
enum {
    WASI_CLOCK_REALTIME = 0,
    WASI_CLOCK_MONOTONIC = 1,
    WASI_CLOCK_PROCESS_CPUTIME = 2,
    WASI_CLOCK_THREAD_CPUTIME = 3,
};
enum { WASI_EVENTTYPE_CLOCK = 0, WASI_EVENTTYPE_FD_READ = 1, WASI_EVENTTYPE_FD_WRITE = 2 };
enum { WASI_EVENT_FD_HANGUP = 1 << 0 };
enum { WASI_SUBCLOCK_ABSTIME = 1 << 0 };
enum { WASI_PREOPENTYPE_DIR = 0 };

/* Byte sizes of the structures guests pass (wasm32 layout). */
enum {
    WASI_IOVEC_SIZE = 8,        /* buf u32 @0, len u32 @4 */
    WASI_FDSTAT_SIZE = 24,      /* filetype u8 @0, flags u16 @2, base u64 @8, inheriting u64 @16 */
    WASI_FILESTAT_SIZE = 64,    /* dev @0 ino @8 filetype u8 @16 nlink @24 size @32 atim @40 mtim @48 ctim @56 */
    WASI_DIRENT_SIZE = 24,      /* next u64 @0, ino u64 @8, namlen u32 @16, type u8 @20 */
    WASI_PRESTAT_SIZE = 8,      /* tag u8 @0, name_len u32 @4 */
    WASI_SUBSCRIPTION_SIZE = 48,/* userdata @0, tag u8 @8, union @16 */
    WASI_EVENT_SIZE = 32,       /* userdata @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24 */
};

/* ---- state ---- */

/* One guest descriptor. */
typedef struct wasi_fd {
    bool used;
    int host;                   /* owned host descriptor */
    uint8_t filetype;           /* WASI_FILETYPE_* */
    uint64_t rights_base;
    uint64_t rights_inheriting;
    char *preopen_name;         /* the guest path of a preopened directory, else NULL */
    DIR *dir;                   /* fd_readdir's stream (on a dup of host), opened lazily */
    uint64_t dir_index;         /* the index of the entry `dir` reads next */
} wasi_fd;

typedef struct wasi_binding wasi_binding;

struct waot_wasi {
    char **argv;                /* argc strings */
    size_t argc;
    char **environ;             /* environ_count "KEY=VALUE" strings */
    size_t environ_count;
    wasi_fd *fds;
    uint32_t fd_count;          /* slots in fds */
    wasi_binding *bindings;     /* one per defined function (wasi.c) */
};

/* What every WASI function receives: the state and the caller's memory. */
typedef struct wasi_env {
    waot_wasi *wasi;
    uint8_t *mem;               /* the caller's memory 0; NULL when it has none */
    uint64_t mem_size;          /* its accessible bytes; 0 when it has none */
} wasi_env;

typedef uint32_t (*wasi_impl)(wasi_env *env, const waot_abi_value *args);

/* A function of wasi_snapshot_preview1.  `params`: one letter per
 * parameter, 'i' for i32 and 'I' for i64.  All return an i32 errno except
 * those with `no_result` (proc_exit), whose impl does not return. */
typedef struct wasi_def {
    const char *name;
    const char *params;
    wasi_impl impl;
    bool no_result;
} wasi_def;

/* Each area's functions, for waot_wasi_define. */
extern const wasi_def waot_rt_wasi_args_defs[];
extern const size_t waot_rt_wasi_args_def_count;
extern const wasi_def waot_rt_wasi_clock_defs[];
extern const size_t waot_rt_wasi_clock_def_count;
extern const wasi_def waot_rt_wasi_random_defs[];
extern const size_t waot_rt_wasi_random_def_count;
extern const wasi_def waot_rt_wasi_proc_defs[];
extern const size_t waot_rt_wasi_proc_def_count;
extern const wasi_def waot_rt_wasi_fd_defs[];
extern const size_t waot_rt_wasi_fd_def_count;
extern const wasi_def waot_rt_wasi_path_defs[];
extern const size_t waot_rt_wasi_path_def_count;
extern const wasi_def waot_rt_wasi_poll_defs[];
extern const size_t waot_rt_wasi_poll_def_count;
extern const wasi_def waot_rt_wasi_sock_defs[];
extern const size_t waot_rt_wasi_sock_def_count;

/* ---- helpers (wasi.c) ---- */

/* The WASI errno for a host errno value (EIO for one without a match). */
uint32_t waot_rt_wasi_errno(int host_errno);

/* The descriptor `fd` when it is open and has all of `rights`; otherwise
 * NULL with *error set (EBADF, or ENOTCAPABLE for missing rights). */
wasi_fd *waot_rt_wasi_fd_get(waot_wasi *wasi, int32_t fd, uint64_t rights, uint32_t *error);

/* Puts host descriptor `host` (owned from now on, also on failure) into the
 * lowest free slot; fills the new guest number.  ENFILE when the table is
 * full, ENOMEM. */
uint32_t waot_rt_wasi_fd_insert(waot_wasi *wasi, int host, uint8_t filetype, uint64_t rights_base,
                                uint64_t rights_inheriting, uint32_t *out);

/* Closes slot `fd` (must be used) and frees what it holds. */
void waot_rt_wasi_fd_release(wasi_fd *entry);

/* The WASI file type of a host stat mode. */
uint8_t waot_rt_wasi_filetype(mode_t mode);

/* Writes a filestat (64 bytes) for `st` at guest address `at` (checked by
 * the caller). */
void waot_rt_wasi_put_filestat(wasi_env *env, uint32_t at, const struct stat *st);

/* ---- guest memory ---- */

/* Whether guest bytes [ptr, ptr + len) are all inside memory 0. */
static inline bool wasi_mem_ok(const wasi_env *env, uint32_t ptr, uint64_t len)
{
    return (uint64_t)ptr <= env->mem_size && len <= env->mem_size - ptr;
}

/* The host address of guest bytes [ptr, ptr + len), or NULL when any is
 * outside memory 0. */
static inline uint8_t *wasi_mem(const wasi_env *env, uint32_t ptr, uint64_t len)
{
    return wasi_mem_ok(env, ptr, len) ? env->mem + ptr : NULL;
}

/* Little-endian loads and stores at an address already checked. */
static inline void wasi_put_u8(wasi_env *env, uint32_t at, uint8_t v)
{
    env->mem[at] = v;
}
static inline void wasi_put_u16(wasi_env *env, uint32_t at, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    memcpy(env->mem + at, b, 2);
}
static inline void wasi_put_u32(wasi_env *env, uint32_t at, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    memcpy(env->mem + at, b, 4);
}
static inline void wasi_put_u64(wasi_env *env, uint32_t at, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    memcpy(env->mem + at, b, 8);
}
static inline uint16_t wasi_get_u16(const wasi_env *env, uint32_t at)
{
    const uint8_t *p = env->mem + at;
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t wasi_get_u32(const wasi_env *env, uint32_t at)
{
    const uint8_t *p = env->mem + at;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t wasi_get_u64(const wasi_env *env, uint32_t at)
{
    return (uint64_t)wasi_get_u32(env, at) | (uint64_t)wasi_get_u32(env, at + 4) << 32;
}

/* Checked single-value stores: EFAULT when [at, at + size) is outside. */
uint32_t waot_rt_wasi_store_u32(wasi_env *env, uint32_t at, uint32_t v);
uint32_t waot_rt_wasi_store_u64(wasi_env *env, uint32_t at, uint64_t v);

/* ---- iovecs (wasi_fd.c) ---- */

/* Reads `count` guest iovecs at `ptr` into host iovecs pointing into guest
 * memory, every buffer checked; *out is malloc'ed or `inline_iov` when
 * count fits in `inline_cap`.  Counts beyond IOV_MAX are cut to it (a short
 * transfer, which the caller sees).  EFAULT, ENOMEM. */
struct iovec;
uint32_t waot_rt_wasi_iovecs(wasi_env *env, uint32_t ptr, uint32_t count,
                             struct iovec *inline_iov, size_t inline_cap, struct iovec **out,
                             int *out_count);

/* The timespecs for futimens/utimensat from filestat_set_times'
 * arguments; EINVAL when a time is both given and "now", or flags are
 * unknown. */
struct timespec;
uint32_t waot_rt_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fstflags,
                            struct timespec times[2]);

/* ---- paths (wasi_path.c) ---- */

/* A guest path resolved inside its directory: operate on `name` relative
 * to `dirfd` with *at() calls that do not follow a symlink at `name`.
 * `name` is never empty, has no slash and is "." when the path names the
 * directory itself. */
typedef struct wasi_resolved {
    int dirfd;
    bool dirfd_owned;           /* close it with waot_rt_wasi_resolved_close */
    bool must_be_dir;           /* the path ended in a slash */
    char *name;                 /* malloc'ed */
} wasi_resolved;

/* Resolves the guest path at [path, path + len) against the directory of
 * guest descriptor `fd`, which must have all of `rights`.  Symlinks in
 * intermediate components are followed inside the sandbox, the last one
 * only when `follow`.  Absolute paths, and `..` or symlinks leading out of
 * the directory, are ENOTCAPABLE; NUL in the path is EINVAL. */
uint32_t waot_rt_wasi_resolve(wasi_env *env, int32_t fd, uint64_t rights, uint32_t path,
                              uint32_t len, bool follow, wasi_resolved *out);
void waot_rt_wasi_resolved_close(wasi_resolved *r);

#endif
