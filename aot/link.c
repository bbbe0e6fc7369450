/*
 * Runs the ld.lld of the LLVM waot was built with (found at configure time,
 * or named by $WAOT_LD_LLD) as a child process: no shell, its diagnostics
 * captured and passed on in the error.  The precompiled module is an ordinary
 * shared object, so the runtime loads it with dlopen; its only undefined
 * symbols are C library routines LLVM may call (memcpy, memset).
 */
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *link_lld_path(void)
{
    const char *env = getenv("WAOT_LD_LLD");
    return env && *env ? env : WAOT_LD_LLD;
}

bool aot_link_shared(const char *object_path, const char *output_path, aot_error *err)
{
    char temp_path[4096], log_path[] = "/tmp/waot-lld-XXXXXX";
    snprintf(temp_path, sizeof temp_path, "%s.tmp%ld", output_path, (long)getpid());
    int log_fd = mkstemp(log_path);
    if (log_fd < 0)
        return aot_fail(err, AOT_ERR_IO, 0, "cannot create a temporary file: %s", strerror(errno));
    unlink(log_path);

    const char *lld = link_lld_path();
    char *const argv[] = {
        (char *)lld, "-shared", "--hash-style=gnu", "-z", "now", "-z", "relro", "-z", "noexecstack",
        "--build-id", "-o", temp_path, (char *)object_path, NULL,
    };
    pid_t pid = fork();
    if (pid < 0) {
        close(log_fd);
        return aot_fail(err, AOT_ERR_IO, 0, "cannot start the linker: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        execv(lld, argv);
        dprintf(log_fd, "cannot run %s: %s", lld, strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        close(log_fd);
        if (rename(temp_path, output_path) != 0) {
            int e = errno;
            unlink(temp_path);
            return aot_fail(err, AOT_ERR_IO, 0, "cannot write %s: %s", output_path, strerror(e));
        }
        return true;
    }
    char log[200] = "";
    lseek(log_fd, 0, SEEK_SET);
    ssize_t n = read(log_fd, log, sizeof log - 1);
    close(log_fd);
    log[n > 0 ? n : 0] = '\0';
    for (char *c = log; *c; c++)
        if (*c == '\n')
            *c = ' ';
    unlink(temp_path);
    return aot_fail(err, AOT_ERR_IO, 0, "linking failed (%s): %s", lld, log);
}
