/*
 * What the WASI test programs share: CHECK prints one "ok"/"FAIL" line per
 * expectation (so a failure says which), errno values by their symbolic
 * names (the numbers differ between WASI and a native libc), and the exit
 * status that says whether every check passed.
 */
#ifndef WASI_TEST_CHECK_H
#define WASI_TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond, what)                                                                 \
    do {                                                                                  \
        if (cond) {                                                                       \
            printf("ok %s\n", what);                                                      \
        } else {                                                                          \
            printf("FAIL %s (line %d)\n", what, __LINE__);                                \
            check_failures++;                                                             \
        }                                                                                 \
    } while (0)

__attribute__((unused)) static const char *errno_name(int e)
{
    switch (e) {
    case 0: return "0";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOENT: return "ENOENT";
    case ENOSYS: return "ENOSYS";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EPERM: return "EPERM";
    case ESPIPE: return "ESPIPE";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: return "other";
    }
}

/* "ok WHAT" when `rc` failed with errno `want`, else a FAIL line with what
 * happened. */
#define CHECK_ERRNO(rc, want, what)                                                       \
    do {                                                                                  \
        int check_rc_ = (rc);                                                             \
        int check_errno_ = errno;                                                         \
        if (check_rc_ < 0 && check_errno_ == (want)) {                                    \
            printf("ok %s -> %s\n", what, errno_name(want));                              \
        } else {                                                                          \
            printf("FAIL %s: rc %d errno %s, want %s (line %d)\n", what, check_rc_,        \
                   check_rc_ < 0 ? errno_name(check_errno_) : "-", errno_name(want),      \
                   __LINE__);                                                             \
            check_failures++;                                                             \
        }                                                                                 \
    } while (0)

static int check_done(void)
{
    printf("%s\n", check_failures ? "SOME CHECKS FAILED" : "all checks passed");
    return check_failures ? 1 : 0;
}

#endif
