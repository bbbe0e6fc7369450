/*
 * Runs the ld.lld of the LLVM waot was built with (found at configure time,
 * or named by $WAOT_LD_LLD) as a child process: no shell, its diagnostics
 * captured and passed on in the error.  No LLVM library is involved, so this
 * lives in the front end and both the back end (precompiled modules) and
 * `waot build` (executables) use it.
 *
 * A precompiled module is an ordinary shared object, loaded with dlopen;
 * its only undefined symbols are C library routines LLVM may call (memcpy,
 * ceilf, ...).  An executable is linked like a C program: the C runtime's
 * start files, the module's object, the waot archives, then libc and libm.
 * A module compiled in partitions (compile.c) comes as several objects:
 * linked together into the shared object, or merged into one relocatable
 * object for a program to link.
 */
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

enum { LINK_MAX_ARGS = 64 };

static const char *link_lld_path(void)
{
    const char *env = getenv("WAOT_LD_LLD");
    return env && *env ? env : WAOT_LD_LLD;
}

/* Runs lld with `args` (after argv[0]) writing `output_path` atomically. */
static bool link_run(const char *const *args, const char *output_path, aot_error *err)
{
    char temp_path[4096], log_path[] = "/tmp/waot-lld-XXXXXX";
    snprintf(temp_path, sizeof temp_path, "%s.tmp%ld", output_path, (long)getpid());
    size_t count = 0;
    while (args[count])
        count++;
    /* Built before the fork: the child only execs. */
    const char **argv = malloc((count + 4) * sizeof *argv);
    if (!argv)
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    int log_fd = mkstemp(log_path);
    if (log_fd < 0) {
        free(argv);
        return aot_fail(err, AOT_ERR_IO, 0, "cannot create a temporary file: %s", strerror(errno));
    }
    unlink(log_path);

    const char *lld = link_lld_path();
    size_t argc = 0;
    argv[argc++] = lld;
    for (size_t i = 0; i < count; i++)
        argv[argc++] = args[i];
    argv[argc++] = "-o";
    argv[argc++] = temp_path;
    argv[argc] = NULL;

    pid_t pid = fork();
    if (pid < 0) {
        close(log_fd);
        free(argv);
        return aot_fail(err, AOT_ERR_IO, 0, "cannot start the linker: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        execv(lld, (char *const *)argv);
        dprintf(log_fd, "cannot run %s: %s", lld, strerror(errno));
        _exit(127);
    }
    free(argv);
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
    char log[240] = "";
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

/* lld's arguments: the options `head` (NULL-terminated), then the objects. */
static bool link_objects(const char *const *head, const char *const *objects, size_t count,
                         const char *output_path, aot_error *err)
{
    size_t n = 0;
    while (head[n])
        n++;
    const char **args = malloc((n + count + 1) * sizeof *args);
    if (!args)
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    memcpy(args, head, n * sizeof *args);
    memcpy(args + n, objects, count * sizeof *args);
    args[n + count] = NULL;
    bool ok = link_run(args, output_path, err);
    free(args);
    return ok;
}

bool aot_link_shared(const char *const *objects, size_t count, const char *output_path,
                     aot_error *err)
{
    static const char *const head[] = {
        "-shared", "--hash-style=gnu", "-z", "now", "-z", "relro", "-z", "noexecstack",
        "--build-id", NULL,
    };
    return link_objects(head, objects, count, output_path, err);
}

bool aot_link_relocatable(const char *const *objects, size_t count, const char *output_path,
                          aot_error *err)
{
    static const char *const head[] = {"-r", NULL};
    return link_objects(head, objects, count, output_path, err);
}

/* The Debian/Ubuntu multiarch paths of the C runtime for the host. */
typedef struct link_libc {
    const char *dir;
    const char *dynamic_linker;
} link_libc;

static bool link_host_libc(const char *triple, link_libc *out, aot_error *err)
{
    struct utsname host;
    uname(&host);
    if (!triple)
        triple = host.machine;
    size_t arch_len = strcspn(triple, "-");
    if (strlen(host.machine) != arch_len || strncmp(triple, host.machine, arch_len) != 0)
        return aot_fail(err, AOT_ERR_LIMIT, 0,
                        "cannot link an executable for %s on a %s host (no C library for it)",
                        triple, host.machine);
    if (strcmp(host.machine, "x86_64") == 0)
        *out = (link_libc){"/usr/lib/x86_64-linux-gnu", "/lib64/ld-linux-x86-64.so.2"};
    else if (strcmp(host.machine, "aarch64") == 0)
        *out = (link_libc){"/usr/lib/aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1"};
    else
        return aot_fail(err, AOT_ERR_LIMIT, 0, "linking executables on %s is not supported",
                        host.machine);
    char probe[512];
    snprintf(probe, sizeof probe, "%s/Scrt1.o", out->dir);
    if (access(probe, R_OK) != 0)
        return aot_fail(err, AOT_ERR_IO, 0, "cannot find the C runtime (%s): install libc6-dev",
                        probe);
    return true;
}

bool aot_link_executable(const char *object_path, const char *const *archives,
                         const char *triple, const char *output_path, aot_error *err)
{
    link_libc libc = {0};
    if (!link_host_libc(triple, &libc, err))
        return false;
    char scrt1[512], crti[512], crtn[512], search[520];
    snprintf(scrt1, sizeof scrt1, "%s/Scrt1.o", libc.dir);
    snprintf(crti, sizeof crti, "%s/crti.o", libc.dir);
    snprintf(crtn, sizeof crtn, "%s/crtn.o", libc.dir);
    snprintf(search, sizeof search, "-L%s", libc.dir);
    const char *args[LINK_MAX_ARGS];
    int n = 0;
    const char *head[] = {"-pie", "--hash-style=gnu", "--eh-frame-hdr", "-z", "now", "-z",
                          "relro", "-z", "noexecstack", "--build-id", "-dynamic-linker",
                          libc.dynamic_linker, scrt1, crti, search, object_path};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        args[n++] = head[i];
    /* The archives may refer to each other: let lld revisit them. */
    args[n++] = "--start-group";
    for (; *archives && n < LINK_MAX_ARGS - 8; archives++)
        args[n++] = *archives;
    args[n++] = "--end-group";
    args[n++] = "-lm";
    args[n++] = "-lc";
    args[n++] = crtn;
    args[n] = NULL;
    return link_run(args, output_path, err);
}
