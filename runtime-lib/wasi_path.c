/*
 * WASI path operations (path_*) and the sandbox they run in.
 *
 * A guest reaches files only through directory descriptors it holds (the
 * preopens and what it opened from them), so every path is resolved here,
 * component by component, beneath its directory descriptor:
 *   - an absolute path is ENOTCAPABLE, NUL in a path is EINVAL;
 *   - each intermediate component is opened with
 *     openat(O_PATH | O_DIRECTORY | O_NOFOLLOW) relative to the directory
 *     reached so far, and the descriptors of the directories walked through
 *     are kept on a stack;
 *   - `..` pops that stack, never asks the kernel: one that would pop the
 *     starting directory is ENOTCAPABLE.  Since no `..` ever reaches the
 *     kernel, moving directories around concurrently cannot lead outside;
 *   - a symlink is read (readlinkat) and its target spliced in front of
 *     what remains, resolved from the directory holding the link; an
 *     absolute target is ENOTCAPABLE, more than 40 links ELOOP.  The last
 *     component is followed only when the operation follows links;
 *   - the operation itself then runs as an *at() call on the last
 *     component relative to the directory reached, never following a
 *     symlink there (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, or calls that never
 *     follow), so a link swapped in after resolution is refused, not
 *     followed.
 * The kernel's openat2(RESOLVE_BENEATH) would do the walk for path_open,
 * but every other operation needs the (directory, last component) split
 * anyway, so one resolver serves all, with the same answers on every
 * kernel.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Symlinks one resolution may expand, as Linux allows. */
#define WASI_PATH_MAX_LINKS 40
/* The longest guest path, and the longest a path may grow to by symlink
 * expansion. */
#define WASI_PATH_MAX_GUEST PATH_MAX
#define WASI_PATH_MAX_WORK (4 * PATH_MAX)

void waot_rt_wasi_resolved_close(wasi_resolved *r)
{
    if (r->dirfd_owned && r->dirfd >= 0)
        close(r->dirfd);
    free(r->name);
    *r = (wasi_resolved){.dirfd = -1};
}

/* The stack of directories walked through: [0] is the guest's directory
 * (not owned), the rest are O_PATH descriptors the walk opened. */
typedef struct wasi_walk {
    int *fds;
    size_t depth;     /* index of the current directory */
    size_t capacity;
} wasi_walk;

static int wasi_walk_top(const wasi_walk *w)
{
    return w->fds[w->depth];
}

static bool wasi_walk_push(wasi_walk *w, int fd)
{
    if (w->depth + 1 == w->capacity) {
        size_t capacity = w->capacity * 2;
        int *fds = realloc(w->fds, capacity * sizeof *fds);
        if (!fds)
            return false;
        w->fds = fds;
        w->capacity = capacity;
    }
    w->fds[++w->depth] = fd;
    return true;
}

static void wasi_walk_pop(wasi_walk *w)
{
    close(w->fds[w->depth--]);
}

/* Closes every walked directory but the current one. */
static void wasi_walk_finish(wasi_walk *w)
{
    for (size_t i = 1; i < w->depth; i++)
        close(w->fds[i]);
    free(w->fds);
}

/* Closes every walked directory. */
static void wasi_walk_abandon(wasi_walk *w)
{
    for (size_t i = 1; i <= w->depth; i++)
        close(w->fds[i]);
    free(w->fds);
}

/* The target of symlink `name` in `dirfd`, malloc'ed; NULL with errno. */
static char *wasi_path_read_target(int dirfd, const char *name)
{
    size_t cap = 256;
    for (;;) {
        char *buf = malloc(cap);
        if (!buf)
            return NULL;
        ssize_t n = readlinkat(dirfd, name, buf, cap);
        if (n < 0) {
            int saved = errno;
            free(buf);
            errno = saved;
            return NULL;
        }
        if ((size_t)n < cap) {
            buf[n] = '\0';
            return buf;
        }
        free(buf);
        if (cap >= WASI_PATH_MAX_WORK) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        cap *= 2;
    }
}

/* The walk proper.  `work` (malloc'ed, NUL-terminated) is the path; it is
 * replaced as symlinks expand and freed by the caller. */
static uint32_t wasi_path_walk(wasi_walk *w, char **work, bool follow, wasi_resolved *out)
{
    size_t pos = 0;
    int links = 0;
    for (;;) {
        char *path = *work;
        size_t len = strlen(path);
        while (path[pos] == '/')
            pos++;
        if (pos == len) {
            /* Nothing after: the path names the directory reached. */
            out->name = strdup(".");
            return out->name ? WASI_ESUCCESS : WASI_ENOMEM;
        }
        size_t end = pos;
        while (end < len && path[end] != '/')
            end++;
        size_t next = end;
        while (next < len && path[next] == '/')
            next++;
        bool last = next == len;
        bool trailing_slash = last && end < len;
        size_t comp_len = end - pos;
        if (comp_len > NAME_MAX)
            return WASI_ENAMETOOLONG;
        char comp[NAME_MAX + 1];
        memcpy(comp, path + pos, comp_len);
        comp[comp_len] = '\0';

        if (!strcmp(comp, ".")) {
            pos = end;
            continue;
        }
        if (!strcmp(comp, "..")) {
            if (w->depth == 0)
                return WASI_ENOTCAPABLE;
            wasi_walk_pop(w);
            pos = end;
            continue;
        }
        if (last && !follow) {
            out->must_be_dir = trailing_slash;
            out->name = strdup(comp);
            return out->name ? WASI_ESUCCESS : WASI_ENOMEM;
        }

        int fd = openat(wasi_walk_top(w), comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            if (last) {
                /* A directory: the operation works on it by name. */
                close(fd);
                out->must_be_dir = trailing_slash;
                out->name = strdup(comp);
                return out->name ? WASI_ESUCCESS : WASI_ENOMEM;
            }
            if (!wasi_walk_push(w, fd)) {
                close(fd);
                return WASI_ENOMEM;
            }
            pos = end;
            continue;
        }
        int e = errno;
        if (e == ENOTDIR || e == ELOOP) {
            char *target = wasi_path_read_target(wasi_walk_top(w), comp);
            if (!target) {
                if (errno != EINVAL)
                    return waot_rt_wasi_errno(errno);
                /* Not a link, not a directory. */
                if (!last)
                    return WASI_ENOTDIR;
                out->must_be_dir = trailing_slash;
                out->name = strdup(comp);
                return out->name ? WASI_ESUCCESS : WASI_ENOMEM;
            }
            if (++links > WASI_PATH_MAX_LINKS) {
                free(target);
                return WASI_ELOOP;
            }
            if (target[0] == '\0') {
                free(target);
                return WASI_ENOENT;
            }
            if (target[0] == '/') {
                free(target);
                return WASI_ENOTCAPABLE;
            }
            /* target + what follows the link (its slash included). */
            size_t target_len = strlen(target), rest_len = len - end;
            if (target_len + rest_len >= WASI_PATH_MAX_WORK) {
                free(target);
                return WASI_ENAMETOOLONG;
            }
            char *spliced = malloc(target_len + rest_len + 1);
            if (!spliced) {
                free(target);
                return WASI_ENOMEM;
            }
            memcpy(spliced, target, target_len);
            memcpy(spliced + target_len, path + end, rest_len + 1);
            free(target);
            free(*work);
            *work = spliced;
            pos = 0;
            continue;
        }
        if (e == ENOENT && last) {
            /* Not there (yet): the operation may create it. */
            out->must_be_dir = trailing_slash;
            out->name = strdup(comp);
            return out->name ? WASI_ESUCCESS : WASI_ENOMEM;
        }
        return waot_rt_wasi_errno(e);
    }
}

uint32_t waot_rt_wasi_resolve(wasi_env *env, int32_t fd, uint64_t rights, uint32_t path,
                              uint32_t len, bool follow, wasi_resolved *out)
{
    *out = (wasi_resolved){.dirfd = -1};
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, fd, rights, &error);
    if (!entry)
        return error;
    if (entry->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_ENOTDIR;
    const uint8_t *bytes = wasi_mem(env, path, len);
    if (!bytes)
        return WASI_EFAULT;
    if (len == 0)
        return WASI_ENOENT;
    if (len >= WASI_PATH_MAX_GUEST)
        return WASI_ENAMETOOLONG;
    if (memchr(bytes, '\0', len))
        return WASI_EINVAL;
    if (bytes[0] == '/')
        return WASI_ENOTCAPABLE;

    char *work = malloc(len + 1);
    wasi_walk w = {.fds = malloc(16 * sizeof(int)), .capacity = 16};
    if (!work || !w.fds) {
        free(work);
        free(w.fds);
        return WASI_ENOMEM;
    }
    memcpy(work, bytes, len);
    work[len] = '\0';
    w.fds[0] = entry->host;

    error = wasi_path_walk(&w, &work, follow, out);
    free(work);
    if (error) {
        wasi_walk_abandon(&w);
        free(out->name);
        *out = (wasi_resolved){.dirfd = -1};
        return error;
    }
    out->dirfd = wasi_walk_top(&w);
    out->dirfd_owned = w.depth > 0;
    wasi_walk_finish(&w);
    return WASI_ESUCCESS;
}

/* Whether `name` in `dirfd` is a directory (not following a link). */
static bool wasi_path_is_dir(int dirfd, const char *name)
{
    struct stat st;
    return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static uint32_t wasi_path_result(int rc)
{
    return rc == 0 ? WASI_ESUCCESS : waot_rt_wasi_errno(errno);
}

/* ---- path_open ---- */

static uint32_t wasi_path_open(wasi_env *env, const waot_abi_value *a)
{
    int32_t dirfd = a[0].i32;
    uint32_t lookup = (uint32_t)a[1].i32;
    uint32_t path = (uint32_t)a[2].i32, path_len = (uint32_t)a[3].i32;
    uint32_t oflags = (uint32_t)a[4].i32 & 0xffff;
    uint64_t rights_base = (uint64_t)a[5].i64, rights_inheriting = (uint64_t)a[6].i64;
    uint32_t fdflags = (uint32_t)a[7].i32 & 0xffff;
    uint32_t fd_out = (uint32_t)a[8].i32;

    uint64_t needed = WASI_RIGHT_PATH_OPEN;
    if (oflags & WASI_OFLAG_CREAT)
        needed |= WASI_RIGHT_PATH_CREATE_FILE;
    if (oflags & WASI_OFLAG_TRUNC)
        needed |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
    uint32_t error;
    wasi_fd *dir = waot_rt_wasi_fd_get(env->wasi, dirfd, needed, &error);
    if (!dir)
        return error;
    /* The new descriptor gets no right its directory may not hand on.
     * Rights that apply to no file or directory (the socket ones) are
     * dropped quietly, as preview1 allows. */
    const uint64_t meaningful = WASI_RIGHTS_DIRECTORY | WASI_RIGHTS_REGULAR_FILE;
    if ((rights_base | rights_inheriting) & meaningful & ~dir->rights_inheriting)
        return WASI_ENOTCAPABLE;
    if (!wasi_mem_ok(env, fd_out, 4))
        return WASI_EFAULT;

    int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
    bool read = rights_base & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
    bool write = rights_base & (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |
                                WASI_RIGHT_FD_FILESTAT_SET_SIZE);
    if (oflags & WASI_OFLAG_DIRECTORY) {
        flags |= O_RDONLY | O_DIRECTORY;
        if (oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC))
            return WASI_EINVAL;
    } else {
        if ((oflags & WASI_OFLAG_TRUNC) || (fdflags & WASI_FDFLAG_APPEND))
            write = true;
        flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
    }
    if (oflags & WASI_OFLAG_CREAT)
        flags |= O_CREAT;
    if (oflags & WASI_OFLAG_EXCL)
        flags |= O_EXCL;
    if (oflags & WASI_OFLAG_TRUNC)
        flags |= O_TRUNC;
    if (fdflags & WASI_FDFLAG_APPEND)
        flags |= O_APPEND;
    if (fdflags & WASI_FDFLAG_NONBLOCK)
        flags |= O_NONBLOCK;
    if (fdflags & WASI_FDFLAG_DSYNC)
        flags |= O_DSYNC;
    if (fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC))
        flags |= O_SYNC;

    /* O_CREAT | O_EXCL never follows a link at the name: it must not be
     * there at all. */
    bool follow = (lookup & WASI_LOOKUP_SYMLINK_FOLLOW) &&
                  (oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_EXCL)) !=
                      (WASI_OFLAG_CREAT | WASI_OFLAG_EXCL);
    wasi_resolved r;
    error = waot_rt_wasi_resolve(env, dirfd, needed, path, path_len, follow, &r);
    if (error)
        return error;
    if (r.must_be_dir)
        flags |= O_DIRECTORY;
    int host;
    do {
        host = openat(r.dirfd, r.name, flags, 0666);
    } while (host < 0 && errno == EINTR);
    int saved = errno;
    waot_rt_wasi_resolved_close(&r);
    if (host < 0)
        return waot_rt_wasi_errno(saved);

    struct stat st;
    if (fstat(host, &st) != 0) {
        saved = errno;
        close(host);
        return waot_rt_wasi_errno(saved);
    }
    uint8_t filetype = waot_rt_wasi_filetype(st.st_mode);
    uint64_t applicable, applicable_inheriting;
    if (filetype == WASI_FILETYPE_DIRECTORY) {
        applicable = WASI_RIGHTS_DIRECTORY;
        applicable_inheriting = WASI_RIGHTS_DIRECTORY | WASI_RIGHTS_REGULAR_FILE;
    } else if (filetype == WASI_FILETYPE_REGULAR_FILE) {
        applicable = WASI_RIGHTS_REGULAR_FILE;
        applicable_inheriting = 0;
    } else {
        applicable = WASI_RIGHTS_STREAM;
        applicable_inheriting = 0;
    }
    uint32_t guest;
    error = waot_rt_wasi_fd_insert(env->wasi, host, filetype, rights_base & applicable,
                                   rights_inheriting & applicable_inheriting, &guest);
    if (error)
        return error;
    wasi_put_u32(env, fd_out, guest);
    return WASI_ESUCCESS;
}

/* ---- the rest ---- */

static uint32_t wasi_path_create_directory(wasi_env *env, const waot_abi_value *a)
{
    wasi_resolved r;
    uint32_t error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_CREATE_DIRECTORY,
                                          (uint32_t)a[1].i32, (uint32_t)a[2].i32, false, &r);
    if (error)
        return error;
    error = wasi_path_result(mkdirat(r.dirfd, r.name, 0777));
    waot_rt_wasi_resolved_close(&r);
    return error;
}

static uint32_t wasi_path_remove_directory(wasi_env *env, const waot_abi_value *a)
{
    wasi_resolved r;
    uint32_t error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_REMOVE_DIRECTORY,
                                          (uint32_t)a[1].i32, (uint32_t)a[2].i32, false, &r);
    if (error)
        return error;
    error = wasi_path_result(unlinkat(r.dirfd, r.name, AT_REMOVEDIR));
    waot_rt_wasi_resolved_close(&r);
    return error;
}

static uint32_t wasi_path_unlink_file(wasi_env *env, const waot_abi_value *a)
{
    wasi_resolved r;
    uint32_t error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_UNLINK_FILE,
                                          (uint32_t)a[1].i32, (uint32_t)a[2].i32, false, &r);
    if (error)
        return error;
    if (r.must_be_dir)
        error = wasi_path_is_dir(r.dirfd, r.name) ? WASI_EISDIR : WASI_ENOTDIR;
    else
        error = wasi_path_result(unlinkat(r.dirfd, r.name, 0));
    waot_rt_wasi_resolved_close(&r);
    return error;
}

static uint32_t wasi_path_rename(wasi_env *env, const waot_abi_value *a)
{
    wasi_resolved from, to;
    uint32_t error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_RENAME_SOURCE,
                                          (uint32_t)a[1].i32, (uint32_t)a[2].i32, false, &from);
    if (error)
        return error;
    error = waot_rt_wasi_resolve(env, a[3].i32, WASI_RIGHT_PATH_RENAME_TARGET,
                                 (uint32_t)a[4].i32, (uint32_t)a[5].i32, false, &to);
    if (error) {
        waot_rt_wasi_resolved_close(&from);
        return error;
    }
    /* A trailing slash on either side asks for a directory to be moved. */
    if ((from.must_be_dir || to.must_be_dir) && !wasi_path_is_dir(from.dirfd, from.name)) {
        struct stat st;
        error = fstatat(from.dirfd, from.name, &st, AT_SYMLINK_NOFOLLOW) == 0
                    ? WASI_ENOTDIR
                    : waot_rt_wasi_errno(errno);
    } else {
        error = wasi_path_result(renameat(from.dirfd, from.name, to.dirfd, to.name));
    }
    waot_rt_wasi_resolved_close(&from);
    waot_rt_wasi_resolved_close(&to);
    return error;
}

static uint32_t wasi_path_symlink(wasi_env *env, const waot_abi_value *a)
{
    uint32_t old_path = (uint32_t)a[0].i32, old_len = (uint32_t)a[1].i32;
    const uint8_t *bytes = wasi_mem(env, old_path, old_len);
    if (!bytes)
        return WASI_EFAULT;
    if (old_len >= WASI_PATH_MAX_GUEST)
        return WASI_ENAMETOOLONG;
    if (memchr(bytes, '\0', old_len))
        return WASI_EINVAL;
    /* A link out of the sandbox could never be followed here, but would
     * be by the host: do not make one. */
    if (old_len > 0 && bytes[0] == '/')
        return WASI_ENOTCAPABLE;
    char *target = malloc(old_len + 1);
    if (!target)
        return WASI_ENOMEM;
    memcpy(target, bytes, old_len);
    target[old_len] = '\0';
    wasi_resolved r;
    uint32_t error = waot_rt_wasi_resolve(env, a[2].i32, WASI_RIGHT_PATH_SYMLINK,
                                          (uint32_t)a[3].i32, (uint32_t)a[4].i32, false, &r);
    if (!error) {
        error = wasi_path_result(symlinkat(target, r.dirfd, r.name));
        waot_rt_wasi_resolved_close(&r);
    }
    free(target);
    return error;
}

static uint32_t wasi_path_readlink(wasi_env *env, const waot_abi_value *a)
{
    uint32_t buf = (uint32_t)a[3].i32, buf_len = (uint32_t)a[4].i32;
    uint32_t used_ptr = (uint32_t)a[5].i32;
    wasi_resolved r;
    uint32_t error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_READLINK,
                                          (uint32_t)a[1].i32, (uint32_t)a[2].i32, false, &r);
    if (error)
        return error;
    if (!wasi_mem_ok(env, buf, buf_len) || !wasi_mem_ok(env, used_ptr, 4)) {
        waot_rt_wasi_resolved_close(&r);
        return WASI_EFAULT;
    }
    char *target = wasi_path_read_target(r.dirfd, r.name);
    int saved = errno;
    waot_rt_wasi_resolved_close(&r);
    if (!target)
        return waot_rt_wasi_errno(saved);
    size_t n = strlen(target);
    if (n > buf_len)
        n = buf_len; /* cut short, as readlink(2) does */
    memcpy(env->mem + buf, target, n);
    free(target);
    wasi_put_u32(env, used_ptr, (uint32_t)n);
    return WASI_ESUCCESS;
}

static uint32_t wasi_path_filestat_get(wasi_env *env, const waot_abi_value *a)
{
    uint32_t out = (uint32_t)a[4].i32;
    wasi_resolved r;
    uint32_t error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_FILESTAT_GET,
                                          (uint32_t)a[2].i32, (uint32_t)a[3].i32,
                                          (uint32_t)a[1].i32 & WASI_LOOKUP_SYMLINK_FOLLOW, &r);
    if (error)
        return error;
    struct stat st;
    if (fstatat(r.dirfd, r.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        error = waot_rt_wasi_errno(errno);
    else if (r.must_be_dir && !S_ISDIR(st.st_mode))
        error = WASI_ENOTDIR;
    else if (!wasi_mem_ok(env, out, WASI_FILESTAT_SIZE))
        error = WASI_EFAULT;
    else
        waot_rt_wasi_put_filestat(env, out, &st);
    waot_rt_wasi_resolved_close(&r);
    return error;
}

static uint32_t wasi_path_filestat_set_times(wasi_env *env, const waot_abi_value *a)
{
    struct timespec times[2];
    uint32_t error =
        waot_rt_wasi_times((uint64_t)a[4].i64, (uint64_t)a[5].i64, (uint32_t)a[6].i32, times);
    if (error)
        return error;
    wasi_resolved r;
    error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_FILESTAT_SET_TIMES,
                                 (uint32_t)a[2].i32, (uint32_t)a[3].i32,
                                 (uint32_t)a[1].i32 & WASI_LOOKUP_SYMLINK_FOLLOW, &r);
    if (error)
        return error;
    error = wasi_path_result(utimensat(r.dirfd, r.name, times, AT_SYMLINK_NOFOLLOW));
    waot_rt_wasi_resolved_close(&r);
    return error;
}

static uint32_t wasi_path_link(wasi_env *env, const waot_abi_value *a)
{
    wasi_resolved from, to;
    uint32_t error = waot_rt_wasi_resolve(env, a[0].i32, WASI_RIGHT_PATH_LINK_SOURCE,
                                          (uint32_t)a[2].i32, (uint32_t)a[3].i32,
                                          (uint32_t)a[1].i32 & WASI_LOOKUP_SYMLINK_FOLLOW, &from);
    if (error)
        return error;
    error = waot_rt_wasi_resolve(env, a[4].i32, WASI_RIGHT_PATH_LINK_TARGET, (uint32_t)a[5].i32,
                                 (uint32_t)a[6].i32, false, &to);
    if (error) {
        waot_rt_wasi_resolved_close(&from);
        return error;
    }
    if (from.must_be_dir || to.must_be_dir)
        error = WASI_ENOTDIR; /* links to directories do not exist */
    else
        error = wasi_path_result(linkat(from.dirfd, from.name, to.dirfd, to.name, 0));
    waot_rt_wasi_resolved_close(&from);
    waot_rt_wasi_resolved_close(&to);
    return error;
}

const wasi_def waot_rt_wasi_path_defs[] = {
    {"path_create_directory", "iii", wasi_path_create_directory, false},
    {"path_filestat_get", "iiiii", wasi_path_filestat_get, false},
    {"path_filestat_set_times", "iiiiIIi", wasi_path_filestat_set_times, false},
    {"path_link", "iiiiiii", wasi_path_link, false},
    {"path_open", "iiiiiIIii", wasi_path_open, false},
    {"path_readlink", "iiiiii", wasi_path_readlink, false},
    {"path_remove_directory", "iii", wasi_path_remove_directory, false},
    {"path_rename", "iiiiii", wasi_path_rename, false},
    {"path_symlink", "iiiii", wasi_path_symlink, false},
    {"path_unlink_file", "iii", wasi_path_unlink_file, false},
};
const size_t waot_rt_wasi_path_def_count =
    sizeof waot_rt_wasi_path_defs / sizeof waot_rt_wasi_path_defs[0];
