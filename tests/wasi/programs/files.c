/*
 * File I/O in a preopened directory (argv[1], its guest path): write a
 * file, read it back, seek and tell, stat, truncate, append, positioned
 * reads and writes, and the errors of opening what is not there or is
 * there already.
 */
#include "check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 2;
    }
    char path[512], other[512];
    snprintf(path, sizeof path, "%s/notes.txt", argv[1]);
    snprintf(other, sizeof other, "%s/missing/notes.txt", argv[1]);

    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "create notes.txt");
    if (!f)
        return check_done();
    fputs("hello, wasi\nsecond line\n", f);
    CHECK(fclose(f) == 0, "close after writing");

    f = fopen(path, "r");
    CHECK(f != NULL, "open for reading");
    if (!f)
        return check_done();
    char line[64];
    while (fgets(line, sizeof line, f))
        printf("read: %s", line);
    CHECK(fseek(f, 7, SEEK_SET) == 0, "seek to 7");
    CHECK(ftell(f) == 7, "tell is 7");
    CHECK(fgets(line, sizeof line, f) && !strcmp(line, "wasi\n"), "read after seek");
    CHECK(fseek(f, -5, SEEK_END) == 0 && ftell(f) == 19, "seek from the end");
    CHECK(fseek(f, 0, SEEK_END) == 0 && ftell(f) == 24, "size by seeking");
    fclose(f);

    struct stat st;
    CHECK(stat(path, &st) == 0, "stat");
    CHECK(S_ISREG(st.st_mode), "is a regular file");
    CHECK(st.st_size == 24, "size 24");
    CHECK(st.st_nlink == 1, "one link");

    CHECK(truncate(path, 5) == 0, "truncate to 5");
    CHECK(stat(path, &st) == 0 && st.st_size == 5, "size 5 after truncate");

    f = fopen(path, "a");
    CHECK(f && fputs("!!", f) >= 0 && fclose(f) == 0, "append");

    int fd = open(path, O_RDWR);
    CHECK(fd >= 0, "open read-write");
    char buf[32] = {0};
    CHECK(pwrite(fd, "J", 1, 0) == 1, "pwrite at 0");
    CHECK(pread(fd, buf, sizeof buf - 1, 0) == 7, "pread 7 bytes");
    printf("content: %s\n", buf);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0, "positioned I/O leaves the offset");
    CHECK(write(fd, "Y", 1) == 1 && lseek(fd, 0, SEEK_CUR) == 1, "write moves the offset");
    struct stat fst;
    CHECK(fstat(fd, &fst) == 0 && fst.st_size == 7 && fst.st_ino == st.st_ino, "fstat");
    CHECK(ftruncate(fd, 0) == 0 && fstat(fd, &fst) == 0 && fst.st_size == 0, "ftruncate to 0");
    CHECK(fsync(fd) == 0, "fsync");
    CHECK(close(fd) == 0, "close");
    CHECK_ERRNO(close(fd), EBADF, "close twice");

    CHECK_ERRNO(open(path, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST, "O_EXCL on an existing file");
    CHECK_ERRNO(open(other, O_RDONLY), ENOENT, "open in a missing directory");
    CHECK_ERRNO(open(argv[1], O_WRONLY), EISDIR, "open a directory for writing");
    snprintf(other, sizeof other, "%s/notes.txt/x", argv[1]);
    CHECK_ERRNO(open(other, O_RDONLY), ENOTDIR, "a file used as a directory");

    /* A large write and read back through several iovecs. */
    fd = open(path, O_RDWR | O_TRUNC);
    static char big[200000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    CHECK(write(fd, big, sizeof big) == (ssize_t)sizeof big, "write 200000 bytes");
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "rewind");
    static char back[200000];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, back + got, sizeof back - got)) > 0)
        got += (size_t)n;
    CHECK(got == sizeof big && !memcmp(big, back, sizeof big), "read them back");
    close(fd);

    CHECK(unlink(path) == 0, "unlink");
    CHECK_ERRNO(stat(path, &st), ENOENT, "gone after unlink");
    return check_done();
}
