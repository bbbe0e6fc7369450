/*
 * Escape attempts from the preopened directory /data (guest fd 3): every
 * one must be refused, and the driver checks afterwards that nothing
 * outside changed.  The host side provides /data/etc_link -> /etc and
 * ../secret.txt beside the preopened directory; this program makes the
 * relative links itself.
 */
#include "check.h"
#include "raw.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define PRE 3 /* the preopened directory's descriptor */

/* path_open with every right the directory can hand on. */
static int32_t raw_open(int32_t dirfd, const char *path, uint32_t len, int follow, int oflags,
                        int32_t *fd)
{
    static uint8_t fdstat[24];
    uint64_t inheriting = 0;
    if (raw_fd_fdstat_get(dirfd, P(fdstat)) == 0)
        memcpy(&inheriting, fdstat + 16, 8);
    return raw_path_open(dirfd, follow, P(path), len, oflags, (int64_t)inheriting,
                         (int64_t)inheriting, 0, P(fd));
}

static int slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return n >= 0 ? 0 : -1;
}

int main(void)
{
    /* Fixtures inside the sandbox. */
    mkdir("/data/inner", 0755);
    int fd = open("/data/inner/file.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        write(fd, "inside\n", 7);
        close(fd);
    }
    CHECK(symlink("../..", "/data/inner/up2") == 0, "make inner/up2 -> ../..");
    CHECK(symlink("..", "/data/inner/up1") == 0, "make inner/up1 -> ..");
    CHECK(symlink("inner/file.txt", "/data/ok_link") == 0, "make ok_link -> inner/file.txt");
    CHECK(symlink("../secret.txt", "/data/rel_escape") == 0, "make rel_escape -> ../secret.txt");
    CHECK(symlink("inner/../../secret.txt", "/data/deep_escape") == 0, "make deep_escape");
    CHECK(symlink("loop2", "/data/loop1") == 0 && symlink("loop1", "/data/loop2") == 0,
          "make loop1 <-> loop2");

    char buf[256];
    struct stat st;

    /* What stays inside works. */
    CHECK(slurp("/data/ok_link", buf, sizeof buf) == 0 && !strcmp(buf, "inside\n"),
          "read through a link inside");
    CHECK(slurp("/data/inner/up1/inner/file.txt", buf, sizeof buf) == 0 &&
              !strcmp(buf, "inside\n"),
          "read through .. that stays inside");
    CHECK(slurp("/data/inner/../inner/./file.txt", buf, sizeof buf) == 0, "a path with . and ..");
    CHECK(lstat("/data/etc_link", &st) == 0 && S_ISLNK(st.st_mode), "lstat of the link to /etc");
    ssize_t n = readlink("/data/etc_link", buf, sizeof buf - 1);
    CHECK(n == 4 && !memcmp(buf, "/etc", 4), "readlink of the link to /etc");

    /* Escapes, through libc. */
    CHECK_ERRNO(open("/data/../secret.txt", O_RDONLY), ENOTCAPABLE, "open ../secret.txt");
    CHECK_ERRNO(open("/etc/passwd", O_RDONLY), ENOTCAPABLE, "open /etc/passwd");
    CHECK_ERRNO(open("/data/etc_link/passwd", O_RDONLY), ENOTCAPABLE, "open etc_link/passwd");
    CHECK_ERRNO(open("/data/etc_link", O_RDONLY), ENOTCAPABLE, "open etc_link");
    CHECK_ERRNO(stat("/data/etc_link/passwd", &st), ENOTCAPABLE, "stat etc_link/passwd");
    CHECK(opendir("/data/etc_link") == NULL && errno == ENOTCAPABLE, "opendir etc_link");
    CHECK_ERRNO(open("/data/inner/up2/secret.txt", O_RDONLY), ENOTCAPABLE,
                "open inner/up2/secret.txt (link to ../..)");
    CHECK_ERRNO(open("/data/rel_escape", O_RDONLY), ENOTCAPABLE, "open rel_escape");
    CHECK_ERRNO(open("/data/deep_escape", O_RDONLY), ENOTCAPABLE, "open deep_escape");
    CHECK_ERRNO(stat("/data/rel_escape", &st), ENOTCAPABLE, "stat rel_escape");
    CHECK(lstat("/data/rel_escape", &st) == 0 && S_ISLNK(st.st_mode), "lstat rel_escape");
    CHECK_ERRNO(open("/data/loop1", O_RDONLY), ELOOP, "open a link loop");
    CHECK_ERRNO(open("/data/ok_link", O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a link");
    CHECK_ERRNO(mkdir("/data/../made-outside", 0755), ENOTCAPABLE, "mkdir ../made-outside");
    CHECK_ERRNO(mkdir("/data/inner/up2/made-outside", 0755), ENOTCAPABLE,
                "mkdir through inner/up2");
    CHECK_ERRNO(open("/data/../made-outside.txt", O_WRONLY | O_CREAT, 0644), ENOTCAPABLE,
                "create ../made-outside.txt");
    CHECK_ERRNO(open("/data/rel_escape", O_WRONLY | O_TRUNC), ENOTCAPABLE,
                "truncate through rel_escape");
    CHECK_ERRNO(rename("/data/inner/file.txt", "/data/../stolen.txt"), ENOTCAPABLE,
                "rename to ../stolen.txt");
    CHECK_ERRNO(rename("/data/inner/up2/secret.txt", "/data/stolen.txt"), ENOTCAPABLE,
                "rename from outside");
    CHECK_ERRNO(link("/data/inner/file.txt", "/data/inner/up2/linked.txt"), ENOTCAPABLE,
                "link to outside");
    /* link() links a symlink itself (Linux semantics): harmless, the new
     * name is a link that leads outside just the same. */
    CHECK(link("/data/rel_escape", "/data/hard.txt") == 0, "hard link to a symlink");
    CHECK_ERRNO(open("/data/hard.txt", O_RDONLY), ENOTCAPABLE, "open the linked symlink");
    EXPECT(raw_path_link(PRE, 1, P("rel_escape"), 10, PRE, P("hard2.txt"), 9), WE_NOTCAPABLE,
           "path_link following rel_escape");
    CHECK_ERRNO(unlink("/data/inner/up2/secret.txt"), ENOTCAPABLE, "unlink outside");
    CHECK_ERRNO(rmdir("/data/inner/up2/data"), ENOTCAPABLE, "rmdir outside");
    CHECK_ERRNO(symlink("/etc", "/data/abs_link"), ENOTCAPABLE, "make a link to /etc");
    CHECK_ERRNO(truncate("/data/deep_escape", 0), ENOTCAPABLE, "truncate deep_escape");

    /* Escapes, through the raw calls: absolute paths, NUL, .., and a
     * descriptor that is not the preopen. */
    int32_t got = -1;
    static const char etc_passwd[] = "/etc/passwd";
    EXPECT(raw_open(PRE, etc_passwd, sizeof etc_passwd - 1, 1, 0, &got), WE_NOTCAPABLE,
           "path_open /etc/passwd");
    static const char with_nul[] = "inner\0/../../secret.txt";
    EXPECT(raw_open(PRE, with_nul, sizeof with_nul - 1, 1, 0, &got), WE_INVAL,
           "path_open with a NUL byte");
    EXPECT(raw_open(PRE, "..", 2, 1, 2, &got), WE_NOTCAPABLE, "path_open ..");
    EXPECT(raw_open(PRE, "inner/../..", 11, 1, 2, &got), WE_NOTCAPABLE, "path_open inner/../..");
    EXPECT(raw_open(PRE, "", 0, 1, 0, &got), WE_NOENT, "path_open of an empty path");
    EXPECT(raw_open(PRE, "inner", (uint32_t)WILD, 1, 0, &got), WE_FAULT,
           "path_open with a length past memory");
    EXPECT(raw_path_filestat_get(PRE, 1, P("etc_link"), 8, P(buf)), WE_NOTCAPABLE,
           "path_filestat_get following etc_link");
    static uint8_t filestat[64];
    EXPECT(raw_path_filestat_get(PRE, 0, P("etc_link"), 8, P(filestat)), WE_OK,
           "path_filestat_get of etc_link itself");
    CHECK(filestat[16] == 7, "it is a symbolic link");
    int32_t inner = -1;
    EXPECT(raw_open(PRE, "inner", 5, 1, 2, &inner), WE_OK, "path_open inner");
    EXPECT(raw_open(inner, "../ok_link", 10, 1, 0, &got), WE_NOTCAPABLE,
           "from inner: ../ok_link leaves inner");
    EXPECT(raw_open(inner, "up1/ok_link", 11, 1, 0, &got), WE_NOTCAPABLE,
           "from inner: up1 leaves inner");
    EXPECT(raw_open(inner, "file.txt", 8, 1, 0, &got), WE_OK, "from inner: file.txt");
    raw_fd_close(got);
    EXPECT(raw_open(inner, "./file.txt/..", 13, 1, 0, &got), WE_NOTDIR, "from inner: file.txt/..");
    EXPECT(raw_path_create_directory(inner, P("../x"), 4), WE_NOTCAPABLE,
           "from inner: mkdir ../x");
    raw_fd_close(inner);

    /* Cleanup, so the driver sees only what it made. */
    const char *links[] = {"/data/inner/up2", "/data/inner/up1", "/data/ok_link",
                           "/data/rel_escape", "/data/deep_escape", "/data/loop1",
                           "/data/loop2", "/data/inner/file.txt", "/data/hard.txt"};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        CHECK(unlink(links[i]) == 0, "clean up");
    CHECK(rmdir("/data/inner") == 0, "clean up inner");
    return check_done();
}
