/* A minimal WASI preview1 host for WebAssembly command modules translated
 * to C by WABT's wasm2c (tested with wabt 1.0.32), plus the main() that
 * instantiates the module and runs its `_start` export under wasm2c's trap
 * handling.  Used by bench/wasm2c/build.sh to make wasm2c one of the engines
 * of the benchmark suite; it aims at programs built with clang and wasi-libc.
 *
 * The module-specific names come from two macros, so that the shim does not
 * depend on the name given with `wasm2c -n NAME`:
 *   WASM_MODULE_NAME    the NAME given to `wasm2c -n`
 *   WASM_MODULE_HEADER  the generated header as a string, e.g. "mod.h"
 *
 * What the host offers:
 *   - arguments: the executable's own argv; environment: the host's environ;
 *   - file descriptors 0, 1 and 2 are the host's stdin, stdout and stderr;
 *   - no preopened directory, unless the environment variable
 *     WASM2C_SHIM_DIR names a host directory: it is then preopened as fd 3
 *     with the guest name "." and path_open may open files under it
 *     (absolute paths and ".." components are refused);
 *   - clocks, random_get, sched_yield, proc_exit, and poll_oneoff for clock
 *     subscriptions (file descriptor subscriptions are reported ready).
 * Everything else answers ENOSYS.  Every guest pointer is checked against the
 * current size of linear memory; a bad one gives EFAULT.
 *
 * Exit status: the program's own (proc_exit or the return of main), or 134
 * after printing a message to stderr when the module traps. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasm-rt.h"
#include "wasm-rt-impl.h"

#ifndef WASM_MODULE_NAME
#error "define WASM_MODULE_NAME to the name given to wasm2c -n"
#endif
#ifndef WASM_MODULE_HEADER
#error "define WASM_MODULE_HEADER to the generated header, e.g. -DWASM_MODULE_HEADER='\"mod.h\"'"
#endif
#include WASM_MODULE_HEADER

/* wasm2c 1.0.32 names: Z_<name>_instance_t, Z_<name>_init_module,
 * Z_<name>_instantiate, Z_<name>_free, and export E as Z_<name>Z_E. */
#define SHIM_CAT3_(a, b, c) a##b##c
#define SHIM_CAT3(a, b, c) SHIM_CAT3_(a, b, c)
#define MOD_INSTANCE_T SHIM_CAT3(Z_, WASM_MODULE_NAME, _instance_t)
#define MOD_INIT_MODULE SHIM_CAT3(Z_, WASM_MODULE_NAME, _init_module)
#define MOD_INSTANTIATE SHIM_CAT3(Z_, WASM_MODULE_NAME, _instantiate)
#define MOD_FREE SHIM_CAT3(Z_, WASM_MODULE_NAME, _free)
#define MOD_EXPORT(e) SHIM_CAT3(Z_, WASM_MODULE_NAME, Z_##e)

/* WASI errno values (preview1). */
enum {
  W_ESUCCESS = 0, W_E2BIG = 1, W_EACCES = 2, W_EAGAIN = 6, W_EBADF = 8,
  W_EEXIST = 20, W_EFAULT = 21, W_EINTR = 27, W_EINVAL = 28, W_EIO = 29,
  W_EISDIR = 31, W_ELOOP = 32, W_EMFILE = 33, W_ENAMETOOLONG = 37,
  W_ENOENT = 44, W_ENOMEM = 48, W_ENOSPC = 51, W_ENOSYS = 52,
  W_ENOTDIR = 54, W_ENOTEMPTY = 55, W_ENOTSUP = 58, W_EOVERFLOW = 61,
  W_EPERM = 63, W_EPIPE = 64, W_EROFS = 69, W_ESPIPE = 70, W_ENOTCAPABLE = 76,
};

/* WASI file types. */
enum {
  W_FT_UNKNOWN = 0, W_FT_BLOCK = 1, W_FT_CHAR = 2, W_FT_DIR = 3,
  W_FT_REG = 4, W_FT_SOCK_DGRAM = 5, W_FT_SOCK_STREAM = 6, W_FT_SYMLINK = 7,
};

#define W_FDFLAG_APPEND 1u
#define W_FDFLAG_DSYNC 2u
#define W_FDFLAG_NONBLOCK 4u
#define W_FDFLAG_RSYNC 8u
#define W_FDFLAG_SYNC 16u

#define W_RIGHT_FD_SEEK (1ull << 2)
#define W_RIGHT_FD_TELL (1ull << 5)
#define W_RIGHT_FD_READ (1ull << 1)
#define W_RIGHT_FD_WRITE (1ull << 6)
#define W_RIGHTS_ALL ((1ull << 29) - 1)

#define MAX_FDS 64

/* The import object wasm2c passes to every WASI function. */
struct Z_wasi_snapshot_preview1_instance_t {
  wasm_rt_memory_t* mem;
  int argc;
  char** argv;
  char** envp;
  int host_fd[MAX_FDS]; /* -1: closed */
  int is_preopen[MAX_FDS];
};
typedef struct Z_wasi_snapshot_preview1_instance_t wasi_t;

/* ---- guest memory access ---- */

static int in_bounds(wasi_t* w, uint32_t ptr, uint64_t len) {
  /* mem is NULL only if a start function calls WASI during instantiation. */
  return w->mem != NULL && (uint64_t)ptr + len <= (uint64_t)w->mem->size;
}
static uint8_t* gptr(wasi_t* w, uint32_t ptr) { return w->mem->data + ptr; }
static uint32_t ld32(wasi_t* w, uint32_t p) {
  uint32_t v;
  memcpy(&v, gptr(w, p), 4);
  return v;
}
static uint64_t ld64(wasi_t* w, uint32_t p) {
  uint64_t v;
  memcpy(&v, gptr(w, p), 8);
  return v;
}
static uint16_t ld16(wasi_t* w, uint32_t p) {
  uint16_t v;
  memcpy(&v, gptr(w, p), 2);
  return v;
}
static void st8(wasi_t* w, uint32_t p, uint8_t v) { *gptr(w, p) = v; }
static void st16(wasi_t* w, uint32_t p, uint16_t v) { memcpy(gptr(w, p), &v, 2); }
static void st32(wasi_t* w, uint32_t p, uint32_t v) { memcpy(gptr(w, p), &v, 4); }
static void st64(wasi_t* w, uint32_t p, uint64_t v) { memcpy(gptr(w, p), &v, 8); }

static uint32_t errno_to_wasi(int e) {
  switch (e) {
    case 0: return W_ESUCCESS;
    case E2BIG: return W_E2BIG;
    case EACCES: return W_EACCES;
    case EAGAIN: return W_EAGAIN;
    case EBADF: return W_EBADF;
    case EEXIST: return W_EEXIST;
    case EFAULT: return W_EFAULT;
    case EINTR: return W_EINTR;
    case EINVAL: return W_EINVAL;
    case EISDIR: return W_EISDIR;
    case ELOOP: return W_ELOOP;
    case EMFILE: return W_EMFILE;
    case ENAMETOOLONG: return W_ENAMETOOLONG;
    case ENOENT: return W_ENOENT;
    case ENOMEM: return W_ENOMEM;
    case ENOSPC: return W_ENOSPC;
    case ENOSYS: return W_ENOSYS;
    case ENOTDIR: return W_ENOTDIR;
    case ENOTEMPTY: return W_ENOTEMPTY;
    case EOPNOTSUPP: return W_ENOTSUP;
    case EOVERFLOW: return W_EOVERFLOW;
    case EPERM: return W_EPERM;
    case EPIPE: return W_EPIPE;
    case EROFS: return W_EROFS;
    case ESPIPE: return W_ESPIPE;
    default: return W_EIO;
  }
}

static int host_fd(wasi_t* w, uint32_t fd) {
  if (fd >= MAX_FDS) return -1;
  return w->host_fd[fd];
}

/* Gathers a guest iovec array (8 bytes each: buf, len) into host iovecs. */
#define MAX_IOVS 64
static uint32_t gather_iovs(wasi_t* w, uint32_t iovs, uint32_t n,
                            struct iovec* out) {
  if (n > MAX_IOVS) return W_EINVAL;
  if (!in_bounds(w, iovs, (uint64_t)n * 8)) return W_EFAULT;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = ld32(w, iovs + i * 8), len = ld32(w, iovs + i * 8 + 4);
    if (!in_bounds(w, buf, len)) return W_EFAULT;
    out[i].iov_base = gptr(w, buf);
    out[i].iov_len = len;
  }
  return W_ESUCCESS;
}

/* ---- arguments and environment ---- */

static uint32_t strings_sizes(wasi_t* w, char** v, int n, uint32_t count_p,
                              uint32_t size_p) {
  if (!in_bounds(w, count_p, 4) || !in_bounds(w, size_p, 4)) return W_EFAULT;
  uint64_t size = 0;
  for (int i = 0; i < n; i++) size += strlen(v[i]) + 1;
  if (size > UINT32_MAX) return W_EOVERFLOW;
  st32(w, count_p, (uint32_t)n);
  st32(w, size_p, (uint32_t)size);
  return W_ESUCCESS;
}

static uint32_t strings_get(wasi_t* w, char** v, int n, uint32_t ptrs,
                            uint32_t buf) {
  if (!in_bounds(w, ptrs, (uint64_t)n * 4)) return W_EFAULT;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(v[i]) + 1;
    if (!in_bounds(w, buf, len)) return W_EFAULT;
    memcpy(gptr(w, buf), v[i], len);
    st32(w, ptrs + 4 * (uint32_t)i, buf);
    buf += (uint32_t)len;
  }
  return W_ESUCCESS;
}

static int count_strings(char** v) {
  int n = 0;
  while (v && v[n]) n++;
  return n;
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(wasi_t* w, u32 argc_p, u32 size_p) {
  return strings_sizes(w, w->argv, w->argc, argc_p, size_p);
}
u32 Z_wasi_snapshot_preview1Z_args_get(wasi_t* w, u32 argv_p, u32 buf_p) {
  return strings_get(w, w->argv, w->argc, argv_p, buf_p);
}
u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(wasi_t* w, u32 count_p, u32 size_p) {
  return strings_sizes(w, w->envp, count_strings(w->envp), count_p, size_p);
}
u32 Z_wasi_snapshot_preview1Z_environ_get(wasi_t* w, u32 env_p, u32 buf_p) {
  return strings_get(w, w->envp, count_strings(w->envp), env_p, buf_p);
}

/* ---- clocks, random, scheduling, exit ---- */

static int clock_id(uint32_t id, clockid_t* out) {
  switch (id) {
    case 0: *out = CLOCK_REALTIME; return 1;
    case 1: *out = CLOCK_MONOTONIC; return 1;
    case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 1;
    case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 1;
    default: return 0;
  }
}

u32 Z_wasi_snapshot_preview1Z_clock_res_get(wasi_t* w, u32 id, u32 res_p) {
  clockid_t c;
  struct timespec ts;
  if (!clock_id(id, &c)) return W_EINVAL;
  if (!in_bounds(w, res_p, 8)) return W_EFAULT;
  if (clock_getres(c, &ts) != 0) return errno_to_wasi(errno);
  st64(w, res_p, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
  return W_ESUCCESS;
}

static uint64_t now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(wasi_t* w, u32 id, u64 precision,
                                             u32 time_p) {
  (void)precision;
  clockid_t c;
  if (!clock_id(id, &c)) return W_EINVAL;
  if (!in_bounds(w, time_p, 8)) return W_EFAULT;
  st64(w, time_p, now_ns(c));
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_random_get(wasi_t* w, u32 buf, u32 len) {
  if (!in_bounds(w, buf, len)) return W_EFAULT;
  uint8_t* p = gptr(w, buf);
  while (len > 0) {
    ssize_t r = getrandom(p, len, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno_to_wasi(errno);
    }
    p += r;
    len -= (uint32_t)r;
  }
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_sched_yield(wasi_t* w) {
  (void)w;
  sched_yield();
  return W_ESUCCESS;
}

void Z_wasi_snapshot_preview1Z_proc_exit(wasi_t* w, u32 code) {
  (void)w;
  exit((int)code);
}

u32 Z_wasi_snapshot_preview1Z_proc_raise(wasi_t* w, u32 sig) {
  (void)w;
  (void)sig;
  return W_ENOSYS;
}

/* Subscriptions are 48 bytes: userdata u64 @0, tag u8 @8, then for a clock
 * id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40, and for a
 * fd u32 @16.  Events are 32 bytes: userdata u64 @0, error u16 @8, type u8
 * @10, nbytes u64 @16, flags u16 @24. */
u32 Z_wasi_snapshot_preview1Z_poll_oneoff(wasi_t* w, u32 in, u32 out, u32 nsubs,
                                          u32 nevents_p) {
  if (nsubs == 0) return W_EINVAL;
  if (!in_bounds(w, in, (uint64_t)nsubs * 48) ||
      !in_bounds(w, out, (uint64_t)nsubs * 32) || !in_bounds(w, nevents_p, 4))
    return W_EFAULT;
  uint32_t nev = 0;
  /* File descriptor subscriptions are reported ready at once. */
  for (uint32_t i = 0; i < nsubs; i++) {
    uint32_t s = in + i * 48;
    uint8_t tag = *gptr(w, s + 8);
    if (tag == 1 || tag == 2) {
      uint32_t e = out + nev++ * 32;
      memset(gptr(w, e), 0, 32);
      st64(w, e, ld64(w, s));
      st16(w, e + 8, host_fd(w, ld32(w, s + 16)) < 0 ? W_EBADF : W_ESUCCESS);
      st8(w, e + 10, tag);
    } else if (tag != 0) {
      return W_EINVAL;
    }
  }
  if (nev == 0) {
    /* Only clocks: sleep until the earliest deadline, then report every
     * clock subscription that has expired by then. */
    uint64_t deadline[nsubs > 0 ? nsubs : 1];
    uint64_t earliest = UINT64_MAX, start = now_ns(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < nsubs; i++) {
      uint32_t s = in + i * 48;
      clockid_t c;
      if (!clock_id(ld32(w, s + 16), &c)) return W_EINVAL;
      uint64_t timeout = ld64(w, s + 24);
      if (ld16(w, s + 40) & 1) { /* absolute time on that clock */
        uint64_t now = now_ns(c);
        timeout = timeout > now ? timeout - now : 0;
      }
      deadline[i] = start + timeout < start ? UINT64_MAX : start + timeout;
      if (deadline[i] < earliest) earliest = deadline[i];
    }
    for (;;) {
      uint64_t now = now_ns(CLOCK_MONOTONIC);
      if (now >= earliest) break;
      uint64_t d = earliest - now;
      struct timespec ts = {(time_t)(d / 1000000000ull), (long)(d % 1000000000ull)};
      nanosleep(&ts, NULL);
    }
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < nsubs; i++) {
      if (deadline[i] > now) continue;
      uint32_t s = in + i * 48, e = out + nev++ * 32;
      memset(gptr(w, e), 0, 32);
      st64(w, e, ld64(w, s));
      st8(w, e + 10, 0);
    }
  }
  st32(w, nevents_p, nev);
  return W_ESUCCESS;
}

/* ---- file descriptors ---- */

u32 Z_wasi_snapshot_preview1Z_fd_write(wasi_t* w, u32 fd, u32 iovs, u32 n,
                                       u32 nwritten_p) {
  struct iovec v[MAX_IOVS];
  int h = host_fd(w, fd);
  if (h < 0 || w->is_preopen[fd]) return W_EBADF;
  uint32_t err = gather_iovs(w, iovs, n, v);
  if (err) return err;
  if (!in_bounds(w, nwritten_p, 4)) return W_EFAULT;
  ssize_t r = writev(h, v, (int)n);
  if (r < 0) return errno_to_wasi(errno);
  st32(w, nwritten_p, (uint32_t)r);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_read(wasi_t* w, u32 fd, u32 iovs, u32 n,
                                      u32 nread_p) {
  struct iovec v[MAX_IOVS];
  int h = host_fd(w, fd);
  if (h < 0 || w->is_preopen[fd]) return W_EBADF;
  uint32_t err = gather_iovs(w, iovs, n, v);
  if (err) return err;
  if (!in_bounds(w, nread_p, 4)) return W_EFAULT;
  ssize_t r = readv(h, v, (int)n);
  if (r < 0) return errno_to_wasi(errno);
  st32(w, nread_p, (uint32_t)r);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_pwrite(wasi_t* w, u32 fd, u32 iovs, u32 n,
                                        u64 off, u32 nwritten_p) {
  struct iovec v[MAX_IOVS];
  int h = host_fd(w, fd);
  if (h < 0 || w->is_preopen[fd]) return W_EBADF;
  uint32_t err = gather_iovs(w, iovs, n, v);
  if (err) return err;
  if (!in_bounds(w, nwritten_p, 4)) return W_EFAULT;
  ssize_t r = pwritev(h, v, (int)n, (off_t)off);
  if (r < 0) return errno_to_wasi(errno);
  st32(w, nwritten_p, (uint32_t)r);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_pread(wasi_t* w, u32 fd, u32 iovs, u32 n,
                                       u64 off, u32 nread_p) {
  struct iovec v[MAX_IOVS];
  int h = host_fd(w, fd);
  if (h < 0 || w->is_preopen[fd]) return W_EBADF;
  uint32_t err = gather_iovs(w, iovs, n, v);
  if (err) return err;
  if (!in_bounds(w, nread_p, 4)) return W_EFAULT;
  ssize_t r = preadv(h, v, (int)n, (off_t)off);
  if (r < 0) return errno_to_wasi(errno);
  st32(w, nread_p, (uint32_t)r);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(wasi_t* w, u32 fd) {
  int h = host_fd(w, fd);
  if (h < 0) return W_EBADF;
  /* The host's stdio stays open; the guest just loses its handle. */
  if (h > 2) close(h);
  w->host_fd[fd] = -1;
  w->is_preopen[fd] = 0;
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(wasi_t* w, u32 fd, u64 off, u32 whence,
                                      u32 newoff_p) {
  int h = host_fd(w, fd);
  if (h < 0 || w->is_preopen[fd]) return W_EBADF;
  if (whence > 2) return W_EINVAL; /* WASI SET/CUR/END are 0/1/2 as on Linux */
  if (!in_bounds(w, newoff_p, 8)) return W_EFAULT;
  off_t r = lseek(h, (off_t)(int64_t)off,
                  whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END);
  if (r < 0) return errno_to_wasi(errno);
  st64(w, newoff_p, (uint64_t)r);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_tell(wasi_t* w, u32 fd, u32 off_p) {
  return Z_wasi_snapshot_preview1Z_fd_seek(w, fd, 0, 1, off_p);
}

static uint8_t filetype_of(mode_t m) {
  if (S_ISREG(m)) return W_FT_REG;
  if (S_ISDIR(m)) return W_FT_DIR;
  if (S_ISCHR(m)) return W_FT_CHAR;
  if (S_ISBLK(m)) return W_FT_BLOCK;
  if (S_ISSOCK(m)) return W_FT_SOCK_STREAM;
  if (S_ISLNK(m)) return W_FT_SYMLINK;
  return W_FT_UNKNOWN;
}

/* fdstat is 24 bytes: filetype u8 @0, flags u16 @2, rights_base u64 @8,
 * rights_inheriting u64 @16. */
u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(wasi_t* w, u32 fd, u32 buf) {
  int h = host_fd(w, fd);
  struct stat st;
  if (h < 0) return W_EBADF;
  if (!in_bounds(w, buf, 24)) return W_EFAULT;
  if (fstat(h, &st) != 0) return errno_to_wasi(errno);
  int fl = fcntl(h, F_GETFL);
  uint16_t flags = 0;
  if (fl >= 0) {
    if (fl & O_APPEND) flags |= W_FDFLAG_APPEND;
    if (fl & O_NONBLOCK) flags |= W_FDFLAG_NONBLOCK;
    if (fl & O_DSYNC) flags |= W_FDFLAG_DSYNC;
    if ((fl & O_SYNC) == O_SYNC) flags |= W_FDFLAG_SYNC;
  }
  uint8_t ft = filetype_of(st.st_mode);
  uint64_t rights = W_RIGHTS_ALL;
  /* wasi-libc's isatty() wants a character device without seek/tell. */
  if (ft == W_FT_CHAR || ft == W_FT_UNKNOWN || ft == W_FT_SOCK_STREAM)
    rights &= ~(W_RIGHT_FD_SEEK | W_RIGHT_FD_TELL);
  memset(gptr(w, buf), 0, 24);
  st8(w, buf, ft);
  st16(w, buf + 2, flags);
  st64(w, buf + 8, rights);
  st64(w, buf + 16, W_RIGHTS_ALL);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(wasi_t* w, u32 fd, u32 flags) {
  int h = host_fd(w, fd);
  if (h < 0) return W_EBADF;
  int fl = fcntl(h, F_GETFL);
  if (fl < 0) return errno_to_wasi(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & W_FDFLAG_APPEND) fl |= O_APPEND;
  if (flags & W_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
  if (fcntl(h, F_SETFL, fl) != 0) return errno_to_wasi(errno);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_set_rights(wasi_t* w, u32 fd, u64 base,
                                                   u64 inheriting) {
  (void)base;
  (void)inheriting;
  return host_fd(w, fd) < 0 ? W_EBADF : W_ESUCCESS;
}

/* filestat is 64 bytes: dev @0, ino @8, filetype u8 @16, nlink @24,
 * size @32, atim @40, mtim @48, ctim @56. */
static void put_filestat(wasi_t* w, uint32_t buf, const struct stat* st) {
  memset(gptr(w, buf), 0, 64);
  st64(w, buf, (uint64_t)st->st_dev);
  st64(w, buf + 8, (uint64_t)st->st_ino);
  st8(w, buf + 16, filetype_of(st->st_mode));
  st64(w, buf + 24, (uint64_t)st->st_nlink);
  st64(w, buf + 32, (uint64_t)st->st_size);
  st64(w, buf + 40, (uint64_t)st->st_atim.tv_sec * 1000000000ull + (uint64_t)st->st_atim.tv_nsec);
  st64(w, buf + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000ull + (uint64_t)st->st_mtim.tv_nsec);
  st64(w, buf + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000ull + (uint64_t)st->st_ctim.tv_nsec);
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_get(wasi_t* w, u32 fd, u32 buf) {
  int h = host_fd(w, fd);
  struct stat st;
  if (h < 0) return W_EBADF;
  if (!in_bounds(w, buf, 64)) return W_EFAULT;
  if (fstat(h, &st) != 0) return errno_to_wasi(errno);
  put_filestat(w, buf, &st);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_size(wasi_t* w, u32 fd, u64 size) {
  int h = host_fd(w, fd);
  if (h < 0 || w->is_preopen[fd]) return W_EBADF;
  if (ftruncate(h, (off_t)size) != 0) return errno_to_wasi(errno);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_sync(wasi_t* w, u32 fd) {
  int h = host_fd(w, fd);
  if (h < 0) return W_EBADF;
  return fsync(h) != 0 ? errno_to_wasi(errno) : W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_datasync(wasi_t* w, u32 fd) {
  int h = host_fd(w, fd);
  if (h < 0) return W_EBADF;
  return fdatasync(h) != 0 ? errno_to_wasi(errno) : W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_advise(wasi_t* w, u32 fd, u64 off, u64 len,
                                        u32 advice) {
  (void)off;
  (void)len;
  (void)advice;
  return host_fd(w, fd) < 0 ? W_EBADF : W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_allocate(wasi_t* w, u32 fd, u64 off, u64 len) {
  (void)w; (void)fd; (void)off; (void)len;
  return W_ENOSYS;
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_times(wasi_t* w, u32 fd, u64 atim,
                                                    u64 mtim, u32 flags) {
  (void)w; (void)fd; (void)atim; (void)mtim; (void)flags;
  return W_ENOSYS;
}

u32 Z_wasi_snapshot_preview1Z_fd_readdir(wasi_t* w, u32 fd, u32 buf, u32 len,
                                         u64 cookie, u32 used_p) {
  (void)w; (void)fd; (void)buf; (void)len; (void)cookie; (void)used_p;
  return W_ENOSYS;
}

u32 Z_wasi_snapshot_preview1Z_fd_renumber(wasi_t* w, u32 from, u32 to) {
  if (host_fd(w, from) < 0 || host_fd(w, to) < 0) return W_EBADF;
  if (from == to) return W_ESUCCESS;
  Z_wasi_snapshot_preview1Z_fd_close(w, to);
  w->host_fd[to] = w->host_fd[from];
  w->is_preopen[to] = w->is_preopen[from];
  w->host_fd[from] = -1;
  w->is_preopen[from] = 0;
  return W_ESUCCESS;
}

/* prestat is 8 bytes: tag u8 @0 (0 = directory), name length u32 @4. */
u32 Z_wasi_snapshot_preview1Z_fd_prestat_get(wasi_t* w, u32 fd, u32 buf) {
  if (host_fd(w, fd) < 0 || !w->is_preopen[fd]) return W_EBADF;
  if (!in_bounds(w, buf, 8)) return W_EFAULT;
  memset(gptr(w, buf), 0, 8);
  st32(w, buf + 4, 1); /* "." */
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(wasi_t* w, u32 fd, u32 path,
                                                  u32 len) {
  if (host_fd(w, fd) < 0 || !w->is_preopen[fd]) return W_EBADF;
  if (len < 1) return W_EINVAL;
  if (!in_bounds(w, path, 1)) return W_EFAULT;
  st8(w, path, '.');
  return W_ESUCCESS;
}

/* ---- paths (only under the optional preopened directory) ---- */

/* Copies a guest path into buf; refuses absolute paths and ".." parts. */
static uint32_t get_path(wasi_t* w, uint32_t p, uint32_t len, char* buf,
                         size_t cap) {
  if (!in_bounds(w, p, len)) return W_EFAULT;
  if (len == 0 || len >= cap) return len == 0 ? W_ENOENT : W_ENAMETOOLONG;
  memcpy(buf, gptr(w, p), len);
  buf[len] = 0;
  if (memchr(buf, 0, len)) return W_EINVAL;
  if (buf[0] == '/') return W_ENOTCAPABLE;
  for (const char* s = buf; *s;) {
    const char* e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 2 && s[0] == '.' && s[1] == '.') return W_ENOTCAPABLE;
    s += n;
    while (*s == '/') s++;
  }
  return W_ESUCCESS;
}

static int new_fd(wasi_t* w) {
  for (int i = 3; i < MAX_FDS; i++)
    if (w->host_fd[i] < 0) return i;
  return -1;
}

u32 Z_wasi_snapshot_preview1Z_path_open(wasi_t* w, u32 dirfd, u32 dirflags,
                                        u32 path, u32 path_len, u32 oflags,
                                        u64 rights_base, u64 rights_inh,
                                        u32 fdflags, u32 fd_p) {
  (void)rights_inh;
  char p[4096];
  int dh = host_fd(w, dirfd);
  if (dh < 0) return W_EBADF;
  uint32_t err = get_path(w, path, path_len, p, sizeof p);
  if (err) return err;
  if (!in_bounds(w, fd_p, 4)) return W_EFAULT;
  int rd = (rights_base & W_RIGHT_FD_READ) != 0;
  int wr = (rights_base & W_RIGHT_FD_WRITE) != 0;
  int fl = (rd && wr) ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
  if (oflags & 1) fl |= O_CREAT;
  if (oflags & 2) fl |= O_DIRECTORY;
  if (oflags & 4) fl |= O_EXCL;
  if (oflags & 8) fl |= O_TRUNC;
  if (fdflags & W_FDFLAG_APPEND) fl |= O_APPEND;
  if (fdflags & W_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
  if (fdflags & (W_FDFLAG_SYNC | W_FDFLAG_RSYNC)) fl |= O_SYNC;
  if (fdflags & W_FDFLAG_DSYNC) fl |= O_DSYNC;
  if (!(dirflags & 1)) fl |= O_NOFOLLOW;
  int slot = new_fd(w);
  if (slot < 0) return W_EMFILE;
  int h = openat(dh, p, fl | O_CLOEXEC, 0666);
  if (h < 0 && errno == EISDIR && (fl & O_ACCMODE) != O_RDONLY) return W_EISDIR;
  if (h < 0) return errno_to_wasi(errno);
  w->host_fd[slot] = h;
  w->is_preopen[slot] = 0;
  st32(w, fd_p, (uint32_t)slot);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_get(wasi_t* w, u32 dirfd, u32 flags,
                                                u32 path, u32 path_len, u32 buf) {
  char p[4096];
  struct stat st;
  int dh = host_fd(w, dirfd);
  if (dh < 0) return W_EBADF;
  uint32_t err = get_path(w, path, path_len, p, sizeof p);
  if (err) return err;
  if (!in_bounds(w, buf, 64)) return W_EFAULT;
  if (fstatat(dh, p, &st, (flags & 1) ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
    return errno_to_wasi(errno);
  put_filestat(w, buf, &st);
  return W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_path_unlink_file(wasi_t* w, u32 dirfd, u32 path,
                                               u32 path_len) {
  char p[4096];
  int dh = host_fd(w, dirfd);
  if (dh < 0) return W_EBADF;
  uint32_t err = get_path(w, path, path_len, p, sizeof p);
  if (err) return err;
  return unlinkat(dh, p, 0) != 0 ? errno_to_wasi(errno) : W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_path_create_directory(wasi_t* w, u32 dirfd,
                                                    u32 path, u32 path_len) {
  char p[4096];
  int dh = host_fd(w, dirfd);
  if (dh < 0) return W_EBADF;
  uint32_t err = get_path(w, path, path_len, p, sizeof p);
  if (err) return err;
  return mkdirat(dh, p, 0777) != 0 ? errno_to_wasi(errno) : W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_path_remove_directory(wasi_t* w, u32 dirfd,
                                                    u32 path, u32 path_len) {
  char p[4096];
  int dh = host_fd(w, dirfd);
  if (dh < 0) return W_EBADF;
  uint32_t err = get_path(w, path, path_len, p, sizeof p);
  if (err) return err;
  return unlinkat(dh, p, AT_REMOVEDIR) != 0 ? errno_to_wasi(errno) : W_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_set_times(wasi_t* w, u32 fd, u32 flags,
                                                      u32 path, u32 path_len,
                                                      u64 atim, u64 mtim,
                                                      u32 fstflags) {
  (void)w; (void)fd; (void)flags; (void)path; (void)path_len;
  (void)atim; (void)mtim; (void)fstflags;
  return W_ENOSYS;
}

u32 Z_wasi_snapshot_preview1Z_path_link(wasi_t* w, u32 old_fd, u32 old_flags,
                                        u32 old_path, u32 old_len, u32 new_fd,
                                        u32 new_path, u32 new_len) {
  (void)w; (void)old_fd; (void)old_flags; (void)old_path; (void)old_len;
  (void)new_fd; (void)new_path; (void)new_len;
  return W_ENOSYS;
}

u32 Z_wasi_snapshot_preview1Z_path_readlink(wasi_t* w, u32 fd, u32 path,
                                            u32 path_len, u32 buf, u32 buf_len,
                                            u32 used_p) {
  (void)w; (void)fd; (void)path; (void)path_len; (void)buf; (void)buf_len;
  (void)used_p;
  return W_ENOSYS;
}

u32 Z_wasi_snapshot_preview1Z_path_rename(wasi_t* w, u32 fd, u32 old_path,
                                          u32 old_len, u32 new_fd, u32 new_path,
                                          u32 new_len) {
  (void)w; (void)fd; (void)old_path; (void)old_len; (void)new_fd;
  (void)new_path; (void)new_len;
  return W_ENOSYS;
}

u32 Z_wasi_snapshot_preview1Z_path_symlink(wasi_t* w, u32 old_path, u32 old_len,
                                           u32 fd, u32 new_path, u32 new_len) {
  (void)w; (void)old_path; (void)old_len; (void)fd; (void)new_path;
  (void)new_len;
  return W_ENOSYS;
}

/* ---- sockets: not supported ---- */

u32 Z_wasi_snapshot_preview1Z_sock_accept(wasi_t* w, u32 fd, u32 flags, u32 fd_p) {
  (void)w; (void)fd; (void)flags; (void)fd_p;
  return W_ENOSYS;
}
u32 Z_wasi_snapshot_preview1Z_sock_recv(wasi_t* w, u32 fd, u32 ri_data,
                                        u32 ri_len, u32 ri_flags, u32 ro_len_p,
                                        u32 ro_flags_p) {
  (void)w; (void)fd; (void)ri_data; (void)ri_len; (void)ri_flags;
  (void)ro_len_p; (void)ro_flags_p;
  return W_ENOSYS;
}
u32 Z_wasi_snapshot_preview1Z_sock_send(wasi_t* w, u32 fd, u32 si_data,
                                        u32 si_len, u32 si_flags, u32 so_len_p) {
  (void)w; (void)fd; (void)si_data; (void)si_len; (void)si_flags; (void)so_len_p;
  return W_ENOSYS;
}
u32 Z_wasi_snapshot_preview1Z_sock_shutdown(wasi_t* w, u32 fd, u32 how) {
  (void)w; (void)fd; (void)how;
  return W_ENOSYS;
}

/* ---- main ---- */

extern char** environ;

static MOD_INSTANCE_T g_instance;
static wasi_t g_wasi;

int main(int argc, char** argv) {
  g_wasi.argc = argc;
  g_wasi.argv = argv;
  g_wasi.envp = environ;
  for (int i = 0; i < MAX_FDS; i++) g_wasi.host_fd[i] = -1;
  for (int i = 0; i < 3; i++) g_wasi.host_fd[i] = i;
  const char* dir = getenv("WASM2C_SHIM_DIR");
  if (dir && *dir) {
    int h = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h < 0) {
      perror(dir);
      return 1;
    }
    g_wasi.host_fd[3] = h;
    g_wasi.is_preopen[3] = 1;
  }

  wasm_rt_init();
  MOD_INIT_MODULE();
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    fflush(stdout);
    fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror(trap));
    return 134;
  }
  /* Instantiation can trap too (segments out of bounds, start function). */
  MOD_INSTANTIATE(&g_instance, &g_wasi);
  g_wasi.mem = MOD_EXPORT(memory)(&g_instance);
  MOD_EXPORT(_start)(&g_instance);
  MOD_FREE(&g_instance);
  wasm_rt_free();
  return 0;
}
