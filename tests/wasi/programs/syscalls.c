/*
 * The preview1 calls one by one, through their raw imports, with exact
 * errno expectations: bad descriptors, pointers outside memory (EFAULT,
 * never a crash of the host), rights (fd_fdstat_set_rights may only drop
 * rights, and a dropped right is ENOTCAPABLE), the fd_readdir dirent layout
 * and cookies, preopen queries, renumbering, flags, times, poll_oneoff,
 * and the calls waot does not support.  Run with /data preopened (fd 3).
 */
#include "check.h"
#include "raw.h"

#include <stdlib.h>

#define PRE 3

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t inheriting_of(int32_t fd)
{
    static uint8_t st[24];
    raw_fd_fdstat_get(fd, P(st));
    return get64(st + 16);
}

static int32_t open_at(int32_t dir, const char *path, int oflags, uint64_t rights, int32_t *fd)
{
    return raw_path_open(dir, 1, P(path), (uint32_t)strlen(path), oflags, (int64_t)rights,
                         (int64_t)inheriting_of(dir), 0, P(fd));
}

/* Finds `name` in a readdir buffer; returns its d_next or 0. */
static uint64_t find_dirent(const uint8_t *buf, uint32_t used, const char *name, uint8_t *type)
{
    uint32_t at = 0;
    while (at + 24 <= used) {
        uint32_t len = get32(buf + at + 16);
        if (at + 24 + len > used)
            break;
        if (len == strlen(name) && !memcmp(buf + at + 24, name, len)) {
            *type = buf[at + 20];
            return get64(buf + at);
        }
        at += 24 + len;
    }
    return 0;
}

int main(void)
{
    static uint8_t buf[4096];
    uint32_t n32 = 0;
    uint64_t n64 = 0;

    /* Bad descriptors. */
    EXPECT(raw_fd_close(99), WE_BADF, "fd_close of an unused descriptor");
    EXPECT(raw_fd_close(-1), WE_BADF, "fd_close(-1)");
    EXPECT(raw_fd_write(1234567, P(buf), 0, P(&n32)), WE_BADF, "fd_write to a bad descriptor");
    EXPECT(raw_fd_prestat_get(0, P(buf)), WE_BADF, "fd_prestat_get of stdin");

    /* Pointers outside memory. */
    EXPECT(raw_fd_write(1, WILD, 1, P(&n32)), WE_FAULT, "fd_write with iovecs past memory");
    uint32_t iov[2] = {WILD, 16};
    EXPECT(raw_fd_write(1, P(iov), 1, P(&n32)), WE_FAULT, "fd_write of a buffer past memory");
    iov[0] = P(buf);
    iov[1] = 0xffffffffu;
    EXPECT(raw_fd_write(1, P(iov), 1, P(&n32)), WE_FAULT, "fd_write of a buffer too long");
    iov[1] = 0;
    EXPECT(raw_fd_write(1, P(iov), 1, WILD), WE_FAULT, "fd_write with nwritten past memory");
    EXPECT(raw_fd_read(0, P(iov), 0x20000000u, P(&n32)), WE_FAULT, "fd_read with 2^29 iovecs");
    EXPECT(raw_clock_time_get(1, 0, WILD), WE_FAULT, "clock_time_get into past memory");
    EXPECT(raw_random_get(WILD, 100), WE_FAULT, "random_get past memory");
    EXPECT(raw_args_sizes_get(WILD, P(&n32)), WE_FAULT, "args_sizes_get past memory");
    EXPECT(raw_args_get(WILD, WILD), WE_FAULT, "args_get past memory");
    EXPECT(raw_environ_get(P(buf), WILD), WE_FAULT, "environ_get past memory");
    EXPECT(raw_fd_prestat_dir_name(PRE, WILD, 100), WE_FAULT, "fd_prestat_dir_name past memory");
    EXPECT(raw_fd_fdstat_get(1, WILD), WE_FAULT, "fd_fdstat_get past memory");
    EXPECT(raw_fd_filestat_get(PRE, WILD), WE_FAULT, "fd_filestat_get past memory");
    EXPECT(raw_poll_oneoff(WILD, P(buf), 1, P(&n32)), WE_FAULT, "poll_oneoff past memory");
    EXPECT(raw_path_filestat_get(PRE, 0, P("."), 1, WILD), WE_FAULT,
           "path_filestat_get past memory");
    EXPECT(raw_path_readlink(PRE, WILD, 4, P(buf), 10, P(&n32)), WE_FAULT,
           "path_readlink of a path past memory");

    /* Preopens. */
    EXPECT(raw_fd_prestat_get(PRE, P(buf)), WE_OK, "fd_prestat_get of the preopen");
    CHECK(buf[0] == 0 && get32(buf + 4) == 5, "a directory named with 5 bytes");
    EXPECT(raw_fd_prestat_dir_name(PRE, P(buf), 4), WE_NAMETOOLONG,
           "fd_prestat_dir_name with too little room");
    EXPECT(raw_fd_prestat_dir_name(PRE, P(buf), 5), WE_OK, "fd_prestat_dir_name");
    CHECK(!memcmp(buf, "/data", 5), "its name is /data");
    EXPECT(raw_fd_prestat_get(PRE + 1, P(buf)), WE_BADF, "no second preopen");

    /* A file, its rights and flags. */
    int32_t fd = -1;
    uint64_t file_rights = inheriting_of(PRE) & ((1u << 30) - 1) & ~(uint64_t)(1u << 14);
    EXPECT(open_at(PRE, "sys.txt", 1 | 8, file_rights, &fd), WE_OK, "path_open creating sys.txt");
    uint8_t *fdstat = buf;
    EXPECT(raw_fd_fdstat_get(fd, P(fdstat)), WE_OK, "fd_fdstat_get");
    CHECK(fdstat[0] == 4, "filetype regular file");
    CHECK(get64(fdstat + 8) & (1u << 6), "has fd_write");
    static const char text[] = "0123456789";
    uint32_t wiov[2] = {P(text), 10};
    EXPECT(raw_fd_write(fd, P(wiov), 1, P(&n32)), WE_OK, "fd_write");
    CHECK(n32 == 10, "10 bytes written");
    EXPECT(raw_fd_tell(fd, P(&n64)), WE_OK, "fd_tell");
    CHECK(n64 == 10, "at 10");
    EXPECT(raw_fd_seek(fd, 0, 3, P(&n64)), WE_INVAL, "fd_seek with a bad whence");
    EXPECT(raw_fd_seek(fd, -20, 1, P(&n64)), WE_INVAL, "fd_seek before the start");
    char small[4] = {0};
    uint32_t riov[2] = {P(small), 3};
    EXPECT(raw_fd_pread(fd, P(riov), 1, 4, P(&n32)), WE_OK, "fd_pread at 4");
    CHECK(n32 == 3 && !memcmp(small, "456", 3), "read 456");
    EXPECT(raw_fd_advise(fd, 0, 10, 1), WE_OK, "fd_advise sequential");
    EXPECT(raw_fd_advise(fd, 0, 10, 9), WE_INVAL, "fd_advise with unknown advice");
    EXPECT(raw_fd_allocate(fd, 0, 4096), WE_OK, "fd_allocate 4096");
    static uint8_t filestat[64];
    EXPECT(raw_fd_filestat_get(fd, P(filestat)), WE_OK, "fd_filestat_get");
    CHECK(get64(filestat + 32) == 4096 && filestat[16] == 4, "4096 bytes, regular");
    EXPECT(raw_fd_filestat_set_size(fd, 3), WE_OK, "fd_filestat_set_size 3");
    EXPECT(raw_fd_filestat_set_times(fd, 1000000000, 2000000000ll * 1000000000ll, 1 | 4),
           WE_OK, "fd_filestat_set_times");
    EXPECT(raw_fd_filestat_get(fd, P(filestat)), WE_OK, "fd_filestat_get again");
    CHECK(get64(filestat + 32) == 3, "size 3");
    CHECK(get64(filestat + 40) == 1000000000 && get64(filestat + 48) == 2000000000ull * 1000000000ull,
          "atime and mtime as set");
    EXPECT(raw_fd_filestat_set_times(fd, 1, 1, 1 | 2), WE_INVAL, "atim and atim_now together");
    EXPECT(raw_fd_sync(fd), WE_OK, "fd_sync");
    EXPECT(raw_fd_datasync(fd), WE_OK, "fd_datasync");
    EXPECT(raw_fd_fdstat_set_flags(fd, 1), WE_OK, "fd_fdstat_set_flags append");
    EXPECT(raw_fd_fdstat_get(fd, P(fdstat)), WE_OK, "fd_fdstat_get after");
    CHECK((fdstat[2] & 1) == 1, "append is set");
    EXPECT(raw_fd_fdstat_set_flags(fd, 0), WE_OK, "fd_fdstat_set_flags none");
    EXPECT(raw_fd_readdir(fd, P(buf), sizeof buf, 0, P(&n32)), WE_NOTCAPABLE,
           "fd_readdir of a file (no readdir right)");

    /* Rights only shrink. */
    uint64_t base = get64(fdstat + 8);
    uint64_t no_seek = base & ~(uint64_t)(1u << 2) & ~(uint64_t)(1u << 5);
    EXPECT(raw_fd_fdstat_set_rights(fd, (int64_t)no_seek, 0), WE_OK, "drop seek and tell rights");
    EXPECT(raw_fd_seek(fd, 0, 0, P(&n64)), WE_NOTCAPABLE, "fd_seek without the right");
    EXPECT(raw_fd_tell(fd, P(&n64)), WE_NOTCAPABLE, "fd_tell without the right");
    EXPECT(raw_fd_pread(fd, P(riov), 1, 0, P(&n32)), WE_NOTCAPABLE, "fd_pread without seek");
    EXPECT(raw_fd_fdstat_set_rights(fd, (int64_t)base, 0), WE_NOTCAPABLE,
           "taking dropped rights back");
    EXPECT(raw_fd_fdstat_set_rights(fd, 0, 0), WE_OK, "drop every right");
    EXPECT(raw_fd_write(fd, P(wiov), 1, P(&n32)), WE_NOTCAPABLE, "fd_write without the right");

    /* Renumbering. */
    int32_t fd2 = -1;
    EXPECT(open_at(PRE, "sys.txt", 0, file_rights, &fd2), WE_OK, "open sys.txt again");
    EXPECT(raw_fd_renumber(fd2, 77), WE_BADF, "fd_renumber onto a closed descriptor");
    EXPECT(raw_fd_renumber(fd2, fd), WE_OK, "fd_renumber onto the first");
    EXPECT(raw_fd_close(fd2), WE_BADF, "the old number is closed");
    EXPECT(raw_fd_pread(fd, P(riov), 1, 0, P(&n32)), WE_OK, "the new number reads");
    CHECK(n32 == 3 && !memcmp(small, "012", 3), "read 012");
    EXPECT(raw_fd_close(fd), WE_OK, "fd_close");

    /* Directories: the dirent layout, cookies, . and .. */
    EXPECT(raw_path_create_directory(PRE, P("list"), 4), WE_OK, "path_create_directory list");
    EXPECT(raw_path_create_directory(PRE, P("list"), 4), WE_EXIST, "again: EEXIST");
    EXPECT(raw_path_create_directory(PRE, P("list/sub"), 8), WE_OK, "list/sub");
    EXPECT(open_at(PRE, "list/file", 1, file_rights, &fd), WE_OK, "create list/file");
    raw_fd_close(fd);
    int32_t dir = -1;
    EXPECT(raw_path_open(PRE, 0, P("list"), 4, 2, (int64_t)inheriting_of(PRE),
                         (int64_t)inheriting_of(PRE), 0, P(&dir)),
           WE_OK, "path_open list as a directory");
    EXPECT(raw_fd_readdir(dir, P(buf), sizeof buf, 0, P(&n32)), WE_OK, "fd_readdir");
    uint8_t type = 0;
    uint64_t next_dot = find_dirent(buf, n32, ".", &type);
    CHECK(next_dot && type == 3, ". is listed, a directory");
    CHECK(find_dirent(buf, n32, "..", &type) && type == 3, ".. is listed, a directory");
    uint64_t next_sub = find_dirent(buf, n32, "sub", &type);
    CHECK(next_sub && type == 3, "sub is listed, a directory");
    uint64_t next_file = find_dirent(buf, n32, "file", &type);
    CHECK(next_file && type == 4, "file is listed, a regular file");
    CHECK(n32 == 4 * 24 + 1 + 2 + 3 + 4, "four entries, nothing else");
    uint32_t whole = n32;
    /* Resuming at each cookie lists the rest. */
    uint32_t last_len = get32(buf + 16);
    uint64_t first_next = get64(buf);
    EXPECT(raw_fd_readdir(dir, P(buf), sizeof buf, (int64_t)first_next, P(&n32)), WE_OK,
           "fd_readdir from the first cookie");
    CHECK(n32 == whole - 24 - last_len, "the rest after the first entry");
    EXPECT(raw_fd_readdir(dir, P(buf), sizeof buf, 4, P(&n32)), WE_OK, "fd_readdir at the end");
    CHECK(n32 == 0, "nothing at the end");
    EXPECT(raw_fd_readdir(dir, P(buf), 30, 0, P(&n32)), WE_OK, "fd_readdir into 30 bytes");
    CHECK(n32 == 30, "a full buffer says there is more");
    EXPECT(raw_fd_readdir(dir, P(buf), 10, 0, P(&n32)), WE_OK, "fd_readdir into 10 bytes");
    CHECK(n32 == 10, "even a cut header fills it");
    EXPECT(raw_fd_readdir(dir, WILD, 100, 0, P(&n32)), WE_FAULT, "fd_readdir past memory");
    EXPECT(raw_path_remove_directory(dir, P("."), 1), WE_INVAL, "rmdir .");
    raw_fd_close(dir);
    EXPECT(raw_path_remove_directory(PRE, P("list"), 4), WE_NOTEMPTY, "rmdir list: not empty");
    EXPECT(raw_path_unlink_file(PRE, P("list/sub"), 8), WE_ISDIR, "unlink a directory");
    EXPECT(raw_path_unlink_file(PRE, P("list/file/"), 10), WE_NOTDIR, "unlink file/");
    EXPECT(raw_path_unlink_file(PRE, P("list/file"), 9), WE_OK, "unlink list/file");
    EXPECT(raw_path_remove_directory(PRE, P("list/sub/"), 9), WE_OK, "rmdir list/sub/");
    EXPECT(raw_path_remove_directory(PRE, P("list"), 4), WE_OK, "rmdir list");

    /* Links, symlinks, renames, times by path. */
    EXPECT(raw_path_symlink(P("sys.txt"), 7, PRE, P("sym"), 3), WE_OK, "path_symlink");
    EXPECT(raw_path_readlink(PRE, P("sym"), 3, P(buf), sizeof buf, P(&n32)), WE_OK,
           "path_readlink");
    CHECK(n32 == 7 && !memcmp(buf, "sys.txt", 7), "the target is sys.txt");
    EXPECT(raw_path_readlink(PRE, P("sym"), 3, P(buf), 3, P(&n32)), WE_OK,
           "path_readlink into 3 bytes");
    CHECK(n32 == 3 && !memcmp(buf, "sys", 3), "cut to 3 bytes");
    EXPECT(raw_path_readlink(PRE, P("sys.txt"), 7, P(buf), 3, P(&n32)), WE_INVAL,
           "path_readlink of a file");
    EXPECT(raw_path_filestat_get(PRE, 1, P("sym"), 3, P(filestat)), WE_OK,
           "path_filestat_get following");
    CHECK(filestat[16] == 4 && get64(filestat + 32) == 3, "the file: regular, 3 bytes");
    EXPECT(raw_path_filestat_get(PRE, 0, P("sym"), 3, P(filestat)), WE_OK,
           "path_filestat_get not following");
    CHECK(filestat[16] == 7 && get64(filestat + 32) == 7, "the link: 7 bytes of target");
    EXPECT(raw_path_filestat_set_times(PRE, 1, P("sym"), 3, 5000000000ll, 0, 1), WE_OK,
           "path_filestat_set_times following");
    EXPECT(raw_path_filestat_get(PRE, 1, P("sym"), 3, P(filestat)), WE_OK, "stat it");
    CHECK(get64(filestat + 40) == 5000000000ull, "the file's atime changed");
    EXPECT(raw_path_link(PRE, 0, P("sys.txt"), 7, PRE, P("hard"), 4), WE_OK, "path_link");
    EXPECT(raw_path_filestat_get(PRE, 0, P("hard"), 4, P(filestat)), WE_OK, "stat the link");
    CHECK(get64(filestat + 24) == 2, "two links");
    EXPECT(raw_path_link(PRE, 0, P("sys.txt"), 7, PRE, P("hard"), 4), WE_EXIST, "link again");
    EXPECT(raw_path_rename(PRE, P("hard"), 4, PRE, P("moved"), 5), WE_OK, "path_rename");
    EXPECT(raw_path_rename(PRE, P("hard"), 4, PRE, P("moved"), 5), WE_NOENT,
           "path_rename of what is gone");
    EXPECT(raw_path_unlink_file(PRE, P("moved"), 5), WE_OK, "unlink moved");
    EXPECT(raw_path_unlink_file(PRE, P("sym"), 3), WE_OK, "unlink sym (not its target)");
    EXPECT(raw_path_filestat_get(PRE, 0, P("sys.txt"), 7, P(filestat)), WE_OK,
           "the target is still there");
    EXPECT(raw_path_unlink_file(PRE, P("sys.txt"), 7), WE_OK, "unlink sys.txt");

    /* Args and environment, raw. */
    EXPECT(raw_args_sizes_get(P(&n32), P(buf)), WE_OK, "args_sizes_get");
    CHECK(n32 >= 1, "at least argv[0]");
    EXPECT(raw_environ_sizes_get(P(&n32), P(buf)), WE_OK, "environ_sizes_get");
    CHECK(n32 == 1 && get32(buf) == 7, "one variable, A=BCDE and its NUL");
    uint32_t env_ptrs[1];
    EXPECT(raw_environ_get(P(env_ptrs), P(buf + 100)), WE_OK, "environ_get");
    CHECK(env_ptrs[0] == P(buf + 100) && !strcmp((char *)buf + 100, "A=BCDE"), "A=BCDE");

    /* Clocks, raw. */
    EXPECT(raw_clock_res_get(1, P(&n64)), WE_OK, "clock_res_get monotonic");
    CHECK(n64 > 0 && n64 <= 1000000, "a resolution of at most 1 ms");
    EXPECT(raw_clock_time_get(9, 0, P(&n64)), WE_INVAL, "clock_time_get of an unknown clock");
    EXPECT(raw_clock_res_get(9, P(&n64)), WE_INVAL, "clock_res_get of an unknown clock");
    for (int id = 0; id < 4; id++)
        EXPECT(raw_clock_time_get(id, 1, P(&n64)), WE_OK, "clock_time_get of each clock");

    /* poll_oneoff. */
    static uint8_t subs[3 * 48], events[3 * 32];
    EXPECT(raw_poll_oneoff(P(subs), P(events), 0, P(&n32)), WE_INVAL, "poll_oneoff of nothing");
    memset(subs, 0, sizeof subs);
    uint64_t ud = 0x1111, timeout = 5000000000ull;
    memcpy(subs, &ud, 8);               /* a clock in 5 s */
    subs[8] = 0;
    uint32_t id = 1;
    memcpy(subs + 16, &id, 4);
    memcpy(subs + 24, &timeout, 8);
    ud = 0x2222;                        /* stdout (a pipe or file) writable */
    memcpy(subs + 48, &ud, 8);
    subs[48 + 8] = 2;
    uint32_t one = 1;
    memcpy(subs + 48 + 16, &one, 4);
    ud = 0x3333;                        /* a descriptor that is not open */
    memcpy(subs + 96, &ud, 8);
    subs[96 + 8] = 1;
    uint32_t bad = 55;
    memcpy(subs + 96 + 16, &bad, 4);
    EXPECT(raw_poll_oneoff(P(subs), P(events), 3, P(&n32)), WE_OK, "poll_oneoff");
    CHECK(n32 == 2, "two events at once, the clock not among them");
    int saw_write = 0, saw_bad = 0;
    for (uint32_t i = 0; i < n32 && i < 3; i++) {
        uint64_t u = get64(events + i * 32);
        uint16_t err;
        memcpy(&err, events + i * 32 + 8, 2);
        if (u == 0x2222 && err == 0 && events[i * 32 + 10] == 2)
            saw_write = 1;
        if (u == 0x3333 && err == WE_BADF && events[i * 32 + 10] == 1)
            saw_bad = 1;
    }
    CHECK(saw_write, "stdout is writable");
    CHECK(saw_bad, "the closed descriptor is EBADF");
    subs[8] = 7;
    EXPECT(raw_poll_oneoff(P(subs), P(events), 1, P(&n32)), WE_INVAL,
           "poll_oneoff with an unknown event type");
    /* A file is always ready; nbytes is what is left to read. */
    EXPECT(open_at(PRE, "poll.txt", 1, file_rights, &fd), WE_OK, "create poll.txt");
    EXPECT(raw_fd_write(fd, P(wiov), 1, P(&n32)), WE_OK, "write 10 bytes");
    EXPECT(raw_fd_seek(fd, 4, 0, P(&n64)), WE_OK, "seek to 4");
    memset(subs, 0, 48);
    subs[8] = 1;
    memcpy(subs + 16, &fd, 4);
    EXPECT(raw_poll_oneoff(P(subs), P(events), 1, P(&n32)), WE_OK, "poll_oneoff fd_read on a file");
    CHECK(n32 == 1 && events[10] == 1 && get64(events + 16) == 6, "readable, 6 bytes left");
    raw_fd_close(fd);
    EXPECT(raw_path_unlink_file(PRE, P("poll.txt"), 8), WE_OK, "unlink poll.txt");

    /* What waot does not do. */
    EXPECT(raw_proc_raise(2), WE_NOSYS, "proc_raise");
    EXPECT(raw_sched_yield(), WE_OK, "sched_yield");
    EXPECT(raw_sock_accept(PRE, 0, P(&n32)), WE_NOTSUP, "sock_accept");
    EXPECT(raw_sock_accept(99, 0, P(&n32)), WE_BADF, "sock_accept on a bad descriptor");
    EXPECT(raw_sock_recv(0, P(riov), 1, 0, P(&n32), P(buf)), WE_NOTSUP, "sock_recv");
    EXPECT(raw_sock_send(1, P(wiov), 1, 0, P(&n32)), WE_NOTSUP, "sock_send");
    EXPECT(raw_sock_shutdown(1, 3), WE_NOTSUP, "sock_shutdown");
    EXPECT(raw_sock_shutdown(-5, 3), WE_BADF, "sock_shutdown on a bad descriptor");

    /* A directory's rights bound what is opened through it. */
    static uint8_t pst[24];
    raw_fd_fdstat_get(PRE, P(pst));
    uint64_t pre_base = get64(pst + 8), pre_inheriting = get64(pst + 16);
    EXPECT(raw_fd_fdstat_set_rights(PRE, (int64_t)(pre_base & ~(uint64_t)(1u << 10)),
                                    (int64_t)(pre_inheriting & ~(uint64_t)(1u << 6))),
           WE_OK, "the preopen drops path_create_file and inherited fd_write");
    EXPECT(open_at(PRE, "new.txt", 1, 1u << 1, &fd), WE_NOTCAPABLE,
           "path_open creating without the right");
    EXPECT(raw_path_open(PRE, 0, P("."), 1, 2, 1u << 6, 0, 0, P(&fd)), WE_NOTCAPABLE,
           "path_open asking for fd_write it may not hand on");
    EXPECT(raw_path_open(PRE, 0, P("."), 1, 2, (int64_t)((1u << 14) | (1ull << 29)), 0, 0, P(&fd)),
           WE_OK, "path_open with a right that applies to no file");
    EXPECT(raw_fd_fdstat_get(fd, P(pst)), WE_OK, "its fdstat");
    CHECK(get64(pst + 8) == (1u << 14), "only fd_readdir: sock_accept was dropped");
    raw_fd_close(fd);

    /* Closing the preopen is allowed; then it is gone. */
    EXPECT(raw_fd_close(PRE), WE_OK, "fd_close of the preopen");
    EXPECT(raw_fd_prestat_get(PRE, P(buf)), WE_BADF, "the preopen is gone");
    return check_done();
}
