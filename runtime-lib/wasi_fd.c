/*
 * WASI operations on descriptors (fd_*): reading and writing through guest
 * iovecs (positioned or not), seeking, closing and renumbering, syncing,
 * descriptor flags and rights, file status, size and times, advice and
 * allocation, directory listing and the preopen queries.
 *
 * Each function first takes its descriptor with the rights the operation
 * needs (EBADF / ENOTCAPABLE), then checks every guest range it will read
 * or write (EFAULT) before doing anything with a side effect, so a bad
 * pointer never loses data read from a stream.
 *
 * fd_readdir cookies are entry indexes: cookie n resumes at the n-th entry
 * of the host's listing ("." and ".." included, as the host returns them),
 * and each dirent's d_next is its index + 1.  A descriptor keeps its own
 * directory stream and the index it is at, so listing in order never
 * rescans; cookie 0 rewinds (and sees entries created since).
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* Iovecs kept on the stack. */
#define WASI_FD_INLINE_IOVS 16

uint32_t waot_rt_wasi_iovecs(wasi_env *env, uint32_t ptr, uint32_t count,
                             struct iovec *inline_iov, size_t inline_cap, struct iovec **out,
                             int *out_count)
{
    if (!wasi_mem_ok(env, ptr, (uint64_t)count * WASI_IOVEC_SIZE))
        return WASI_EFAULT;
    uint32_t used = count > IOV_MAX ? IOV_MAX : count;
    struct iovec *iov = inline_iov;
    if (used > inline_cap) {
        iov = malloc(used * sizeof *iov);
        if (!iov)
            return WASI_ENOMEM;
    }
    /* The total stays below 4 GiB so the byte count fits the guest's u32. */
    uint64_t total = 0;
    int n = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t buf = wasi_get_u32(env, ptr + i * WASI_IOVEC_SIZE);
        uint32_t len = wasi_get_u32(env, ptr + i * WASI_IOVEC_SIZE + 4);
        if (!wasi_mem_ok(env, buf, len)) {
            if (iov != inline_iov)
                free(iov);
            return WASI_EFAULT;
        }
        if (i >= used || total + len > UINT32_MAX)
            continue; /* checked, not transferred: a short transfer */
        total += len;
        iov[n].iov_base = env->mem + buf;
        iov[n].iov_len = len;
        n++;
    }
    *out = iov;
    *out_count = n;
    return WASI_ESUCCESS;
}

/* readv / writev / preadv / pwritev through guest iovecs. */
enum { WASI_FD_READ, WASI_FD_WRITE, WASI_FD_PREAD, WASI_FD_PWRITE };

static uint32_t wasi_fd_transfer(wasi_env *env, int kind, int32_t fd, uint32_t iovs,
                                 uint32_t iovs_len, int64_t offset, uint32_t result_ptr)
{
    static const uint64_t rights[] = {
        [WASI_FD_READ] = WASI_RIGHT_FD_READ,
        [WASI_FD_WRITE] = WASI_RIGHT_FD_WRITE,
        [WASI_FD_PREAD] = WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK,
        [WASI_FD_PWRITE] = WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK,
    };
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, fd, rights[kind], &error);
    if (!entry)
        return error;
    if (!wasi_mem_ok(env, result_ptr, 4))
        return WASI_EFAULT;
    if ((kind == WASI_FD_PREAD || kind == WASI_FD_PWRITE) && offset < 0)
        return WASI_EINVAL;
    struct iovec inline_iov[WASI_FD_INLINE_IOVS], *iov;
    int count;
    error = waot_rt_wasi_iovecs(env, iovs, iovs_len, inline_iov, WASI_FD_INLINE_IOVS, &iov,
                                &count);
    if (error)
        return error;
    ssize_t n;
    do {
        switch (kind) {
        case WASI_FD_READ: n = readv(entry->host, iov, count); break;
        case WASI_FD_WRITE: n = writev(entry->host, iov, count); break;
        case WASI_FD_PREAD: n = preadv(entry->host, iov, count, (off_t)offset); break;
        default: n = pwritev(entry->host, iov, count, (off_t)offset); break;
        }
    } while (n < 0 && errno == EINTR);
    int saved = errno;
    if (iov != inline_iov)
        free(iov);
    if (n < 0)
        return waot_rt_wasi_errno(saved);
    wasi_put_u32(env, result_ptr, (uint32_t)n);
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_read(wasi_env *env, const waot_abi_value *a)
{
    return wasi_fd_transfer(env, WASI_FD_READ, a[0].i32, (uint32_t)a[1].i32, (uint32_t)a[2].i32,
                            0, (uint32_t)a[3].i32);
}

static uint32_t wasi_fd_write(wasi_env *env, const waot_abi_value *a)
{
    return wasi_fd_transfer(env, WASI_FD_WRITE, a[0].i32, (uint32_t)a[1].i32,
                            (uint32_t)a[2].i32, 0, (uint32_t)a[3].i32);
}

static uint32_t wasi_fd_pread(wasi_env *env, const waot_abi_value *a)
{
    return wasi_fd_transfer(env, WASI_FD_PREAD, a[0].i32, (uint32_t)a[1].i32,
                            (uint32_t)a[2].i32, a[3].i64, (uint32_t)a[4].i32);
}

static uint32_t wasi_fd_pwrite(wasi_env *env, const waot_abi_value *a)
{
    return wasi_fd_transfer(env, WASI_FD_PWRITE, a[0].i32, (uint32_t)a[1].i32,
                            (uint32_t)a[2].i32, a[3].i64, (uint32_t)a[4].i32);
}

static uint32_t wasi_fd_seek(wasi_env *env, const waot_abi_value *a)
{
    int64_t offset = a[1].i64;
    uint32_t whence = (uint32_t)a[2].i32, result = (uint32_t)a[3].i32;
    /* Asking where one is needs only the right to tell. */
    uint64_t rights = offset == 0 && whence == WASI_WHENCE_CUR
                          ? WASI_RIGHT_FD_TELL
                          : WASI_RIGHT_FD_SEEK;
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, rights, &error);
    if (!entry)
        return error;
    int host_whence;
    switch (whence) {
    case WASI_WHENCE_SET: host_whence = SEEK_SET; break;
    case WASI_WHENCE_CUR: host_whence = SEEK_CUR; break;
    case WASI_WHENCE_END: host_whence = SEEK_END; break;
    default: return WASI_EINVAL;
    }
    if (!wasi_mem_ok(env, result, 8))
        return WASI_EFAULT;
    off_t position = lseek(entry->host, (off_t)offset, host_whence);
    if (position < 0)
        return waot_rt_wasi_errno(errno);
    wasi_put_u64(env, result, (uint64_t)position);
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_tell(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_TELL, &error);
    if (!entry)
        return error;
    uint32_t result = (uint32_t)a[1].i32;
    if (!wasi_mem_ok(env, result, 8))
        return WASI_EFAULT;
    off_t position = lseek(entry->host, 0, SEEK_CUR);
    if (position < 0)
        return waot_rt_wasi_errno(errno);
    wasi_put_u64(env, result, (uint64_t)position);
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_close(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, 0, &error);
    if (!entry)
        return error;
    waot_rt_wasi_fd_release(entry);
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_sync(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_SYNC, &error);
    if (!entry)
        return error;
    return fsync(entry->host) == 0 ? WASI_ESUCCESS : waot_rt_wasi_errno(errno);
}

static uint32_t wasi_fd_datasync(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_DATASYNC, &error);
    if (!entry)
        return error;
    return fdatasync(entry->host) == 0 ? WASI_ESUCCESS : waot_rt_wasi_errno(errno);
}

/* The WASI fdflags of host status flags. */
static uint16_t wasi_fd_flags_of(int flags)
{
    uint16_t out = 0;
    if (flags & O_APPEND)
        out |= WASI_FDFLAG_APPEND;
    if (flags & O_NONBLOCK)
        out |= WASI_FDFLAG_NONBLOCK;
    if ((flags & O_SYNC) == O_SYNC)
        out |= WASI_FDFLAG_SYNC;
    else if (flags & O_DSYNC)
        out |= WASI_FDFLAG_DSYNC;
    return out;
}

static uint32_t wasi_fd_fdstat_get(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, 0, &error);
    if (!entry)
        return error;
    uint32_t out = (uint32_t)a[1].i32;
    if (!wasi_mem_ok(env, out, WASI_FDSTAT_SIZE))
        return WASI_EFAULT;
    int flags = fcntl(entry->host, F_GETFL);
    if (flags < 0)
        return waot_rt_wasi_errno(errno);
    memset(env->mem + out, 0, WASI_FDSTAT_SIZE);
    wasi_put_u8(env, out, entry->filetype);
    wasi_put_u16(env, out + 2, wasi_fd_flags_of(flags));
    wasi_put_u64(env, out + 8, entry->rights_base);
    wasi_put_u64(env, out + 16, entry->rights_inheriting);
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_fdstat_set_flags(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry =
        waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &error);
    if (!entry)
        return error;
    uint32_t wanted = (uint32_t)a[1].i32 & 0xffff;
    const uint32_t known = WASI_FDFLAG_APPEND | WASI_FDFLAG_DSYNC | WASI_FDFLAG_NONBLOCK |
                           WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
    if (wanted & ~known)
        return WASI_EINVAL;
    int flags = fcntl(entry->host, F_GETFL);
    if (flags < 0)
        return waot_rt_wasi_errno(errno);
    /* Only append and non-blocking can change on an open descriptor; the
     * sync flags may only be restated as they are. */
    const uint32_t sync = WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
    uint32_t current_sync = wasi_fd_flags_of(flags) & sync;
    if ((wanted & sync & ~WASI_FDFLAG_RSYNC) != current_sync)
        return WASI_ENOTSUP;
    flags &= ~(O_APPEND | O_NONBLOCK);
    if (wanted & WASI_FDFLAG_APPEND)
        flags |= O_APPEND;
    if (wanted & WASI_FDFLAG_NONBLOCK)
        flags |= O_NONBLOCK;
    return fcntl(entry->host, F_SETFL, flags) == 0 ? WASI_ESUCCESS : waot_rt_wasi_errno(errno);
}

static uint32_t wasi_fd_fdstat_set_rights(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, 0, &error);
    if (!entry)
        return error;
    uint64_t base = (uint64_t)a[1].i64, inheriting = (uint64_t)a[2].i64;
    /* Rights can only be dropped, never gained. */
    if ((base & ~entry->rights_base) || (inheriting & ~entry->rights_inheriting))
        return WASI_ENOTCAPABLE;
    entry->rights_base = base;
    entry->rights_inheriting = inheriting;
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_filestat_get(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_FILESTAT_GET, &error);
    if (!entry)
        return error;
    uint32_t out = (uint32_t)a[1].i32;
    if (!wasi_mem_ok(env, out, WASI_FILESTAT_SIZE))
        return WASI_EFAULT;
    struct stat st;
    if (fstat(entry->host, &st) != 0)
        return waot_rt_wasi_errno(errno);
    waot_rt_wasi_put_filestat(env, out, &st);
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_filestat_set_size(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry =
        waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_FILESTAT_SET_SIZE, &error);
    if (!entry)
        return error;
    if (a[1].i64 < 0)
        return WASI_EINVAL;
    return ftruncate(entry->host, (off_t)a[1].i64) == 0 ? WASI_ESUCCESS
                                                         : waot_rt_wasi_errno(errno);
}

uint32_t waot_rt_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fstflags,
                            struct timespec times[2])
{
    const uint32_t known = WASI_FSTFLAG_ATIM | WASI_FSTFLAG_ATIM_NOW | WASI_FSTFLAG_MTIM |
                           WASI_FSTFLAG_MTIM_NOW;
    if (fstflags & ~known)
        return WASI_EINVAL;
    if ((fstflags & WASI_FSTFLAG_ATIM) && (fstflags & WASI_FSTFLAG_ATIM_NOW))
        return WASI_EINVAL;
    if ((fstflags & WASI_FSTFLAG_MTIM) && (fstflags & WASI_FSTFLAG_MTIM_NOW))
        return WASI_EINVAL;
    uint64_t value[2] = {atim, mtim};
    uint32_t set[2] = {WASI_FSTFLAG_ATIM, WASI_FSTFLAG_MTIM};
    uint32_t now[2] = {WASI_FSTFLAG_ATIM_NOW, WASI_FSTFLAG_MTIM_NOW};
    for (int i = 0; i < 2; i++) {
        if (fstflags & now[i]) {
            times[i] = (struct timespec){.tv_nsec = UTIME_NOW};
        } else if (fstflags & set[i]) {
            times[i] = (struct timespec){.tv_sec = (time_t)(value[i] / 1000000000u),
                                         .tv_nsec = (long)(value[i] % 1000000000u)};
        } else {
            times[i] = (struct timespec){.tv_nsec = UTIME_OMIT};
        }
    }
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_filestat_set_times(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry =
        waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_FILESTAT_SET_TIMES, &error);
    if (!entry)
        return error;
    struct timespec times[2];
    error = waot_rt_wasi_times((uint64_t)a[1].i64, (uint64_t)a[2].i64, (uint32_t)a[3].i32, times);
    if (error)
        return error;
    return futimens(entry->host, times) == 0 ? WASI_ESUCCESS : waot_rt_wasi_errno(errno);
}

static uint32_t wasi_fd_advise(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_ADVISE, &error);
    if (!entry)
        return error;
    static const int advice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                 POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    uint32_t which = (uint32_t)a[3].i32;
    if (which >= sizeof advice / sizeof advice[0] || a[1].i64 < 0 || a[2].i64 < 0)
        return WASI_EINVAL;
    if (entry->filetype == WASI_FILETYPE_DIRECTORY)
        return WASI_ESUCCESS; /* advice, and nothing to advise about */
    int e = posix_fadvise(entry->host, (off_t)a[1].i64, (off_t)a[2].i64, advice[which]);
    return waot_rt_wasi_errno(e);
}

static uint32_t wasi_fd_allocate(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_ALLOCATE, &error);
    if (!entry)
        return error;
    if (a[1].i64 < 0 || a[2].i64 <= 0 || a[1].i64 > INT64_MAX - a[2].i64)
        return WASI_EINVAL;
    int e;
    do {
        e = posix_fallocate(entry->host, (off_t)a[1].i64, (off_t)a[2].i64);
    } while (e == EINTR);
    return waot_rt_wasi_errno(e);
}

static uint32_t wasi_fd_renumber(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *from = waot_rt_wasi_fd_get(env->wasi, a[0].i32, 0, &error);
    if (!from)
        return error;
    wasi_fd *to = waot_rt_wasi_fd_get(env->wasi, a[1].i32, 0, &error);
    if (!to)
        return error;
    if (from == to)
        return WASI_ESUCCESS;
    waot_rt_wasi_fd_release(to);
    *to = *from;
    *from = (wasi_fd){.host = -1};
    return WASI_ESUCCESS;
}

/* ---- fd_readdir ---- */

static uint8_t wasi_fd_dirent_type(DIR *dir, const struct dirent *de)
{
    switch (de->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_FIFO: return WASI_FILETYPE_UNKNOWN;
    default: {
        struct stat st;
        if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return WASI_FILETYPE_UNKNOWN;
        return waot_rt_wasi_filetype(st.st_mode);
    }
    }
}

/* Positions entry->dir at entry index `cookie` (the end when there are
 * fewer). */
static uint32_t wasi_fd_dir_seek(wasi_fd *entry, uint64_t cookie)
{
    if (!entry->dir) {
        /* A descriptor of its own, so the stream's offset is its own. */
        int fd = openat(entry->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return waot_rt_wasi_errno(errno);
        entry->dir = fdopendir(fd);
        if (!entry->dir) {
            int saved = errno;
            close(fd);
            return waot_rt_wasi_errno(saved);
        }
        entry->dir_index = 0;
    }
    if (cookie == 0 || cookie != entry->dir_index) {
        rewinddir(entry->dir);
        entry->dir_index = 0;
        while (entry->dir_index < cookie) {
            errno = 0;
            if (!readdir(entry->dir)) {
                if (errno)
                    return waot_rt_wasi_errno(errno);
                break;
            }
            entry->dir_index++;
        }
    }
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_readdir(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, WASI_RIGHT_FD_READDIR, &error);
    if (!entry)
        return error;
    uint32_t buf = (uint32_t)a[1].i32, buf_len = (uint32_t)a[2].i32;
    uint64_t cookie = (uint64_t)a[3].i64;
    uint32_t used_ptr = (uint32_t)a[4].i32;
    if (entry->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_ENOTDIR;
    if (!wasi_mem_ok(env, buf, buf_len) || !wasi_mem_ok(env, used_ptr, 4))
        return WASI_EFAULT;
    error = wasi_fd_dir_seek(entry, cookie);
    if (error)
        return error;

    uint32_t used = 0;
    while (used < buf_len) {
        long position = telldir(entry->dir);
        errno = 0;
        struct dirent *de = readdir(entry->dir);
        if (!de) {
            if (errno)
                return waot_rt_wasi_errno(errno);
            break;
        }
        size_t name_len = strlen(de->d_name);
        uint8_t header[WASI_DIRENT_SIZE] = {0};
        uint64_t next = entry->dir_index + 1;
        uint64_t ino = (uint64_t)de->d_ino;
        for (int i = 0; i < 8; i++) {
            header[i] = (uint8_t)(next >> (8 * i));
            header[8 + i] = (uint8_t)(ino >> (8 * i));
        }
        for (int i = 0; i < 4; i++)
            header[16 + i] = (uint8_t)((uint32_t)name_len >> (8 * i));
        header[20] = wasi_fd_dirent_type(entry->dir, de);

        /* As much of header and name as fits; a cut entry fills the buffer,
         * which tells the guest to come back with a bigger one. */
        uint32_t room = buf_len - used;
        uint32_t take = room < WASI_DIRENT_SIZE ? room : WASI_DIRENT_SIZE;
        memcpy(env->mem + buf + used, header, take);
        used += take;
        room -= take;
        uint32_t name_take = room < name_len ? room : (uint32_t)name_len;
        memcpy(env->mem + buf + used, de->d_name, name_take);
        used += name_take;
        if (take < WASI_DIRENT_SIZE || name_take < name_len) {
            /* Not delivered whole: read it again next time. */
            seekdir(entry->dir, position);
            break;
        }
        entry->dir_index++;
    }
    wasi_put_u32(env, used_ptr, used);
    return WASI_ESUCCESS;
}

/* ---- preopens ---- */

static uint32_t wasi_fd_prestat_get(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, 0, &error);
    if (!entry)
        return error;
    if (!entry->preopen_name)
        return WASI_EBADF;
    uint32_t out = (uint32_t)a[1].i32;
    if (!wasi_mem_ok(env, out, WASI_PRESTAT_SIZE))
        return WASI_EFAULT;
    memset(env->mem + out, 0, WASI_PRESTAT_SIZE);
    wasi_put_u8(env, out, WASI_PREOPENTYPE_DIR);
    wasi_put_u32(env, out + 4, (uint32_t)strlen(entry->preopen_name));
    return WASI_ESUCCESS;
}

static uint32_t wasi_fd_prestat_dir_name(wasi_env *env, const waot_abi_value *a)
{
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, a[0].i32, 0, &error);
    if (!entry)
        return error;
    if (!entry->preopen_name)
        return WASI_EBADF;
    uint32_t out = (uint32_t)a[1].i32, len = (uint32_t)a[2].i32;
    size_t name_len = strlen(entry->preopen_name);
    if (len < name_len)
        return WASI_ENAMETOOLONG;
    if (!wasi_mem_ok(env, out, name_len))
        return WASI_EFAULT;
    memcpy(env->mem + out, entry->preopen_name, name_len);
    return WASI_ESUCCESS;
}

const wasi_def waot_rt_wasi_fd_defs[] = {
    {"fd_advise", "iIIi", wasi_fd_advise, false},
    {"fd_allocate", "iII", wasi_fd_allocate, false},
    {"fd_close", "i", wasi_fd_close, false},
    {"fd_datasync", "i", wasi_fd_datasync, false},
    {"fd_fdstat_get", "ii", wasi_fd_fdstat_get, false},
    {"fd_fdstat_set_flags", "ii", wasi_fd_fdstat_set_flags, false},
    {"fd_fdstat_set_rights", "iII", wasi_fd_fdstat_set_rights, false},
    {"fd_filestat_get", "ii", wasi_fd_filestat_get, false},
    {"fd_filestat_set_size", "iI", wasi_fd_filestat_set_size, false},
    {"fd_filestat_set_times", "iIIi", wasi_fd_filestat_set_times, false},
    {"fd_pread", "iiiIi", wasi_fd_pread, false},
    {"fd_prestat_get", "ii", wasi_fd_prestat_get, false},
    {"fd_prestat_dir_name", "iii", wasi_fd_prestat_dir_name, false},
    {"fd_pwrite", "iiiIi", wasi_fd_pwrite, false},
    {"fd_read", "iiii", wasi_fd_read, false},
    {"fd_readdir", "iiiIi", wasi_fd_readdir, false},
    {"fd_renumber", "ii", wasi_fd_renumber, false},
    {"fd_seek", "iIii", wasi_fd_seek, false},
    {"fd_sync", "i", wasi_fd_sync, false},
    {"fd_tell", "ii", wasi_fd_tell, false},
    {"fd_write", "iiii", wasi_fd_write, false},
};
const size_t waot_rt_wasi_fd_def_count =
    sizeof waot_rt_wasi_fd_defs / sizeof waot_rt_wasi_fd_defs[0];
