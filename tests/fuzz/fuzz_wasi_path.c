/*
 * fuzz_wasi_path: arbitrary guest paths through the WASI path resolver
 * (waot_rt_wasi_resolve, wasi_path.c), the one place every path_*
 * function passes before touching the file system.
 *
 * The harness builds a small tree in a temporary directory: a sandbox
 * holding files, subdirectories and symlinks (relative and absolute ones
 * that lead outside, `..` links, a loop, a dangling link, a chain), and
 * beside it an `outside` directory.  The sandbox is preopened as guest fd 3
 * and its subdirectory `sub` as fd 4.  An input is one control byte (bit 0:
 * follow a symlink in the last component; bit 1: resolve against fd 4
 * instead of fd 3) and the path.  What must hold:
 *   - a resolved path names something inside the directory it was resolved
 *     against: the directory it returns is that one or beneath it (checked
 *     with the kernel's name for the descriptor), its last component is one
 *     name (no slash, never `..`), a directory there is inside too
 *     (realpath), and when links are followed it is not a symlink;
 *   - absolute paths are ENOTCAPABLE, an empty one ENOENT, a NUL EINVAL;
 *   - no descriptor leaks, whatever the outcome.
 * Escapes by `..` or by links come out as one of these invariants broken.
 */
#include "fuzz.h"

#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <unistd.h>

static char fuzz_base[PATH_MAX];         /* the temporary directory */
static char fuzz_root[2][PATH_MAX];      /* real paths of the two preopens */
static waot_wasi *fuzz_wasi;

static int fuzz_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

static void fuzz_cleanup(void)
{
    waot_wasi_free(fuzz_wasi);
    if (fuzz_base[0])
        nftw(fuzz_base, fuzz_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fuzz_make(const char *relative, const char *kind, const char *target)
{
    char path[2 * PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", fuzz_base, relative);
    int rc;
    if (!strcmp(kind, "dir")) {
        rc = mkdir(path, 0755);
    } else if (!strcmp(kind, "file")) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        rc = fd < 0 ? -1 : close(fd);
    } else {
        rc = symlink(target, path);
    }
    if (rc != 0) {
        fprintf(stderr, "fuzz_wasi_path: cannot make %s: %s\n", path, strerror(errno));
        exit(2);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_base, sizeof fuzz_base, "%s/waot-fuzz-wasi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_base)) {
        fprintf(stderr, "fuzz_wasi_path: cannot make %s: %s\n", fuzz_base, strerror(errno));
        exit(2);
    }
    atexit(fuzz_cleanup);
    char outside[PATH_MAX + 16];
    snprintf(outside, sizeof outside, "%s/outside", fuzz_base);
    fuzz_make("outside", "dir", NULL);
    fuzz_make("outside/secret", "file", NULL);
    fuzz_make("sandbox", "dir", NULL);
    fuzz_make("sandbox/file.txt", "file", NULL);
    fuzz_make("sandbox/dir2", "dir", NULL);
    fuzz_make("sandbox/sub", "dir", NULL);
    fuzz_make("sandbox/sub/inner.txt", "file", NULL);
    fuzz_make("sandbox/sub/deeper", "dir", NULL);
    fuzz_make("sandbox/sub/deeper/leaf.txt", "file", NULL);
    fuzz_make("sandbox/sub/up", "link", "..");
    fuzz_make("sandbox/sub/top", "link", "../..");
    fuzz_make("sandbox/sub/deeper/back", "link", "../inner.txt");
    fuzz_make("sandbox/link_file", "link", "file.txt");
    fuzz_make("sandbox/link_dir", "link", "sub");
    fuzz_make("sandbox/link_deeper", "link", "sub/deeper/");
    fuzz_make("sandbox/dotdot", "link", "..");
    fuzz_make("sandbox/escape_rel", "link", "../outside");
    fuzz_make("sandbox/escape_sneaky", "link", "sub/../../outside/secret");
    fuzz_make("sandbox/escape_abs", "link", outside);
    fuzz_make("sandbox/escape_root", "link", "/");
    fuzz_make("sandbox/loop_a", "link", "loop_b");
    fuzz_make("sandbox/loop_b", "link", "loop_a");
    fuzz_make("sandbox/self", "link", "self");
    fuzz_make("sandbox/dangling", "link", "missing");
    fuzz_make("sandbox/chain1", "link", "chain2");
    fuzz_make("sandbox/chain2", "link", "link_dir/up");
    fuzz_make("sandbox/empty_name_dir", "link", "./");

    char sandbox[PATH_MAX + 16], sub[PATH_MAX + 16];
    snprintf(sandbox, sizeof sandbox, "%s/sandbox", fuzz_base);
    snprintf(sub, sizeof sub, "%s/sandbox/sub", fuzz_base);
    if (!realpath(sandbox, fuzz_root[0]) || !realpath(sub, fuzz_root[1])) {
        fprintf(stderr, "fuzz_wasi_path: realpath: %s\n", strerror(errno));
        exit(2);
    }
    const waot_wasi_preopen preopens[] = {{sandbox, "/sandbox"}, {sub, "/sub"}};
    waot_wasi_config config = {.preopens = preopens,
                               .preopen_count = 2,
                               .stdin_fd = -1,
                               .stdout_fd = -1,
                               .stderr_fd = -1};
    waot_error err;
    if (waot_wasi_new(&config, &fuzz_wasi, &err) != WAOT_OK) {
        fprintf(stderr, "fuzz_wasi_path: %s\n", err.message);
        exit(2);
    }
    return 0;
}

/* The lowest free descriptor number: changes when one leaks. */
static int fuzz_lowest_free_fd(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    FUZZ_REQUIRE(fd >= 0, "cannot open /dev/null: %s", strerror(errno));
    close(fd);
    return fd;
}

static bool fuzz_inside(const char *path, const char *root)
{
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Checks what a successful resolution returned, against `root`. */
static void fuzz_check_resolved(const wasi_resolved *r, const char *root, bool follow,
                                const char *shown)
{
    FUZZ_REQUIRE(r->dirfd >= 0, "%s: resolved without a directory", shown);
    FUZZ_REQUIRE(r->name && r->name[0] != '\0', "%s: resolved to an empty name", shown);
    FUZZ_REQUIRE(!strchr(r->name, '/'), "%s: resolved name \"%s\" has a slash", shown, r->name);
    FUZZ_REQUIRE(strcmp(r->name, ".."), "%s: resolved name is \"..\"", shown);

    char link[64], dir[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", r->dirfd);
    ssize_t n = readlink(link, dir, sizeof dir - 1);
    FUZZ_REQUIRE(n > 0, "%s: cannot name the resolved directory: %s", shown, strerror(errno));
    dir[n] = '\0';
    FUZZ_REQUIRE(fuzz_inside(dir, root), "%s: resolved directory %s is outside %s", shown, dir,
                 root);

    struct stat st;
    if (fstatat(r->dirfd, r->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return; /* not there: an operation may create it, inside */
    FUZZ_REQUIRE(!(follow && S_ISLNK(st.st_mode)),
                 "%s: links are followed, yet it resolved to the link %s/%s", shown, dir,
                 r->name);
    if (S_ISDIR(st.st_mode)) {
        char joined[2 * PATH_MAX + 2], real[PATH_MAX];
        snprintf(joined, sizeof joined, "%s/%s", dir, r->name);
        FUZZ_REQUIRE(realpath(joined, real), "%s: realpath %s: %s", shown, joined,
                     strerror(errno));
        FUZZ_REQUIRE(fuzz_inside(real, root), "%s: resolved to directory %s, outside %s", shown,
                     real, root);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return -1;
    bool follow = data[0] & 1;
    int which = (data[0] >> 1) & 1;
    const uint8_t *path = data + 1;
    size_t len = size - 1;
    if (len > UINT32_MAX)
        return -1;
    /* The guest's memory is exactly the path, so a read past it is one for
     * ASan. */
    uint8_t *mem = malloc(len ? len : 1);
    FUZZ_REQUIRE(mem, "out of memory");
    memcpy(mem, path, len);
    char shown[96];
    snprintf(shown, sizeof shown, "fd %d path \"%.*s\"%s", 3 + which, (int)(len < 60 ? len : 60),
             (const char *)path, follow ? " (follow)" : "");

    int lowest = fuzz_lowest_free_fd();
    wasi_env env = {.wasi = fuzz_wasi, .mem = mem, .mem_size = len};
    wasi_resolved r;
    uint32_t error = waot_rt_wasi_resolve(&env, 3 + which, WASI_RIGHT_PATH_FILESTAT_GET, 0,
                                          (uint32_t)len, follow, &r);
    if (len == 0)
        FUZZ_REQUIRE(error == WASI_ENOENT, "%s: an empty path gave errno %u", shown, error);
    else if (len < PATH_MAX && memchr(path, '\0', len))
        FUZZ_REQUIRE(error == WASI_EINVAL, "%s: a path with NUL gave errno %u", shown, error);
    else if (len < PATH_MAX && path[0] == '/')
        FUZZ_REQUIRE(error == WASI_ENOTCAPABLE, "%s: an absolute path gave errno %u", shown,
                     error);
    if (error == WASI_ESUCCESS) {
        fuzz_check_resolved(&r, fuzz_root[which], follow, shown);
        waot_rt_wasi_resolved_close(&r);
    } else {
        FUZZ_REQUIRE(r.dirfd == -1 && !r.name, "%s: errno %u left a result behind", shown, error);
    }
    FUZZ_REQUIRE(fuzz_lowest_free_fd() == lowest, "%s: a descriptor leaked (errno %u)", shown,
                 error);
    free(mem);
    return 0;
}
