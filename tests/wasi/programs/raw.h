/*
 * The wasi_snapshot_preview1 functions declared here directly, with
 * explicit lengths and plain integer types, so tests can pass what libc
 * never would: paths with NUL bytes, pointers outside memory, unknown
 * flags.  Each returns the WASI errno.
 */
#ifndef WASI_TEST_RAW_H
#define WASI_TEST_RAW_H

#include <stdint.h>

#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

RAW(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, uint32_t path, uint32_t len,
                                     int32_t oflags, int64_t base, int64_t inheriting,
                                     int32_t fdflags, uint32_t fd_out);
RAW(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, uint32_t path,
                                                     uint32_t len, uint32_t out);
RAW(path_create_directory) int32_t raw_path_create_directory(int32_t fd, uint32_t path,
                                                             uint32_t len);
RAW(path_remove_directory) int32_t raw_path_remove_directory(int32_t fd, uint32_t path,
                                                             uint32_t len);
RAW(path_unlink_file) int32_t raw_path_unlink_file(int32_t fd, uint32_t path, uint32_t len);
RAW(path_readlink) int32_t raw_path_readlink(int32_t fd, uint32_t path, uint32_t len,
                                             uint32_t buf, uint32_t buf_len, uint32_t used);
RAW(path_symlink) int32_t raw_path_symlink(uint32_t old_path, uint32_t old_len, int32_t fd,
                                           uint32_t path, uint32_t len);
RAW(path_link) int32_t raw_path_link(int32_t old_fd, int32_t old_flags, uint32_t old_path,
                                     uint32_t old_len, int32_t new_fd, uint32_t new_path,
                                     uint32_t new_len);
RAW(path_rename) int32_t raw_path_rename(int32_t fd, uint32_t old_path, uint32_t old_len,
                                         int32_t new_fd, uint32_t new_path, uint32_t new_len);
RAW(path_filestat_set_times) int32_t raw_path_filestat_set_times(int32_t fd, int32_t flags,
                                                                 uint32_t path, uint32_t len,
                                                                 int64_t atim, int64_t mtim,
                                                                 int32_t fstflags);
RAW(fd_close) int32_t raw_fd_close(int32_t fd);
RAW(fd_read) int32_t raw_fd_read(int32_t fd, uint32_t iovs, uint32_t count, uint32_t nread);
RAW(fd_write) int32_t raw_fd_write(int32_t fd, uint32_t iovs, uint32_t count, uint32_t nwritten);
RAW(fd_pread) int32_t raw_fd_pread(int32_t fd, uint32_t iovs, uint32_t count, int64_t offset,
                                   uint32_t nread);
RAW(fd_seek) int32_t raw_fd_seek(int32_t fd, int64_t offset, int32_t whence, uint32_t out);
RAW(fd_tell) int32_t raw_fd_tell(int32_t fd, uint32_t out);
RAW(fd_fdstat_get) int32_t raw_fd_fdstat_get(int32_t fd, uint32_t out);
RAW(fd_fdstat_set_flags) int32_t raw_fd_fdstat_set_flags(int32_t fd, int32_t flags);
RAW(fd_fdstat_set_rights) int32_t raw_fd_fdstat_set_rights(int32_t fd, int64_t base,
                                                           int64_t inheriting);
RAW(fd_filestat_get) int32_t raw_fd_filestat_get(int32_t fd, uint32_t out);
RAW(fd_filestat_set_size) int32_t raw_fd_filestat_set_size(int32_t fd, int64_t size);
RAW(fd_filestat_set_times) int32_t raw_fd_filestat_set_times(int32_t fd, int64_t atim,
                                                             int64_t mtim, int32_t fstflags);
RAW(fd_advise) int32_t raw_fd_advise(int32_t fd, int64_t offset, int64_t len, int32_t advice);
RAW(fd_allocate) int32_t raw_fd_allocate(int32_t fd, int64_t offset, int64_t len);
RAW(fd_sync) int32_t raw_fd_sync(int32_t fd);
RAW(fd_datasync) int32_t raw_fd_datasync(int32_t fd);
RAW(fd_renumber) int32_t raw_fd_renumber(int32_t from, int32_t to);
RAW(fd_readdir) int32_t raw_fd_readdir(int32_t fd, uint32_t buf, uint32_t len, int64_t cookie,
                                       uint32_t used);
RAW(fd_prestat_get) int32_t raw_fd_prestat_get(int32_t fd, uint32_t out);
RAW(fd_prestat_dir_name) int32_t raw_fd_prestat_dir_name(int32_t fd, uint32_t out, uint32_t len);
RAW(args_sizes_get) int32_t raw_args_sizes_get(uint32_t count, uint32_t size);
RAW(args_get) int32_t raw_args_get(uint32_t argv, uint32_t buf);
RAW(environ_sizes_get) int32_t raw_environ_sizes_get(uint32_t count, uint32_t size);
RAW(environ_get) int32_t raw_environ_get(uint32_t env, uint32_t buf);
RAW(clock_res_get) int32_t raw_clock_res_get(int32_t id, uint32_t out);
RAW(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t precision, uint32_t out);
RAW(random_get) int32_t raw_random_get(uint32_t buf, uint32_t len);
RAW(poll_oneoff) int32_t raw_poll_oneoff(uint32_t in, uint32_t out, uint32_t count,
                                         uint32_t nevents);
RAW(proc_raise) int32_t raw_proc_raise(int32_t signal);
RAW(sched_yield) int32_t raw_sched_yield(void);
RAW(sock_accept) int32_t raw_sock_accept(int32_t fd, int32_t flags, uint32_t fd_out);
RAW(sock_recv) int32_t raw_sock_recv(int32_t fd, uint32_t iovs, uint32_t count, int32_t flags,
                                     uint32_t len_out, uint32_t flags_out);
RAW(sock_send) int32_t raw_sock_send(int32_t fd, uint32_t iovs, uint32_t count, int32_t flags,
                                     uint32_t len_out);
RAW(sock_shutdown) int32_t raw_sock_shutdown(int32_t fd, int32_t how);

/* A guest address as the i32 the functions take. */
#define P(x) ((uint32_t)(uintptr_t)(x))
/* An address far beyond any memory a test program has. */
#define WILD 0xfffffff0u

/* WASI errno values (preview1 numbering) the tests expect. */
enum {
    WE_OK = 0, WE_BADF = 8, WE_EXIST = 20, WE_FAULT = 21, WE_INVAL = 28, WE_ISDIR = 31,
    WE_LOOP = 32, WE_NAMETOOLONG = 37, WE_NOENT = 44, WE_NOSYS = 52, WE_NOTDIR = 54,
    WE_NOTEMPTY = 55, WE_NOTSUP = 58, WE_NOTCAPABLE = 76,
};

/* "ok WHAT" when the call returned `want`, else a FAIL line. */
#define EXPECT(call, want, what)                                                          \
    do {                                                                                  \
        int32_t expect_got_ = (call);                                                     \
        if (expect_got_ == (want)) {                                                      \
            printf("ok %s = %d\n", what, (int)(want));                                    \
        } else {                                                                          \
            printf("FAIL %s: got %d, want %d (line %d)\n", what, (int)expect_got_,        \
                   (int)(want), __LINE__);                                                \
            check_failures++;                                                             \
        }                                                                                 \
    } while (0)

#endif
