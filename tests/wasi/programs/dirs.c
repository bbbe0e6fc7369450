/*
 * Directories in a preopened directory (argv[1]): mkdir, listing (sorted,
 * with "." and ".." and entry types), a listing long enough to take several
 * fd_readdir calls, telldir/seekdir and rewinddir (cookies), rename within
 * and across directories, and removal.
 */
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static const char *at(const char *rel)
{
    static char buf[4][512];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 512, "%s/%s", root, rel);
    return p;
}

static void touch(const char *rel)
{
    int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0)
        close(fd);
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the sorted listing of `rel` with a type letter per entry. */
static void list(const char *rel)
{
    DIR *d = opendir(at(rel));
    if (!d) {
        printf("FAIL opendir %s\n", rel);
        check_failures++;
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char type = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f'
                  : e->d_type == DT_LNK ? 'l' : '?';
        names[n] = malloc(strlen(e->d_name) + 3);
        sprintf(names[n], "%c %s", type, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], compare);
    printf("listing %s:", rel);
    for (int i = 0; i < n; i++) {
        printf(" [%s]", names[i]);
        free(names[i]);
    }
    printf("\n");
}

/* The number of entries of `rel`; *dup set when a name came twice. */
static int count_entries(const char *rel, int *dup)
{
    static char seen[2000];
    memset(seen, 0, sizeof seen);
    *dup = 0;
    DIR *d = opendir(at(rel));
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        n++;
        int k;
        if (sscanf(e->d_name, "file-with-a-long-name-%d", &k) == 1 && k >= 0 && k < 2000) {
            if (seen[k])
                *dup = 1;
            seen[k] = 1;
        }
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    root = argv[1];
    CHECK(mkdir(at("top"), 0755) == 0, "mkdir top");
    CHECK_ERRNO(mkdir(at("top"), 0755), EEXIST, "mkdir top again");
    CHECK(mkdir(at("top/sub"), 0755) == 0, "mkdir top/sub");
    touch("top/b.txt");
    touch("top/a.txt");
    list("top");

    CHECK(rename(at("top/a.txt"), at("top/c.txt")) == 0, "rename a.txt to c.txt");
    CHECK(rename(at("top/b.txt"), at("top/sub/moved.txt")) == 0, "rename into sub/");
    list("top");
    list("top/sub");
    CHECK(rename(at("top/sub"), at("top/sub2")) == 0, "rename a directory");
    struct stat st;
    CHECK(stat(at("top/sub2/moved.txt"), &st) == 0, "its content moved with it");
    CHECK_ERRNO(rename(at("top/nothing"), at("top/x")), ENOENT, "rename what is not there");

    /* Enough entries for several fd_readdir buffers. */
    CHECK(mkdir(at("many"), 0755) == 0, "mkdir many");
    char name[64];
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "many/file-with-a-long-name-%d", i);
        touch(name);
    }
    int dup;
    int n = count_entries("many", &dup);
    printf("many: %d entries\n", n);
    CHECK(n == 502 && !dup, "each of 500 files listed once, with . and ..");

    /* telldir / seekdir: come back to an entry by its cookie. */
    DIR *d = opendir(at("many"));
    for (int i = 0; i < 200; i++)
        readdir(d);
    long pos = telldir(d);
    struct dirent *e = readdir(d);
    char remembered[256];
    snprintf(remembered, sizeof remembered, "%s", e ? e->d_name : "");
    for (int i = 0; i < 100; i++)
        readdir(d);
    seekdir(d, pos);
    e = readdir(d);
    CHECK(e && !strcmp(e->d_name, remembered), "seekdir returns to the same entry");
    touch("many/late-arrival");
    rewinddir(d);
    int after = 0, late = 0;
    while ((e = readdir(d))) {
        after++;
        late |= !strcmp(e->d_name, "late-arrival");
    }
    closedir(d);
    CHECK(after == 503 && late, "rewinddir sees a new entry");

    CHECK_ERRNO(rmdir(at("top")), ENOTEMPTY, "rmdir a non-empty directory");
    CHECK_ERRNO(unlink(at("top/sub2")), EISDIR, "unlink a directory");
    CHECK_ERRNO(rmdir(at("top/c.txt")), ENOTDIR, "rmdir a file");
    CHECK(unlink(at("top/c.txt")) == 0, "unlink c.txt");
    CHECK(unlink(at("top/sub2/moved.txt")) == 0, "unlink moved.txt");
    CHECK(rmdir(at("top/sub2")) == 0, "rmdir sub2");
    CHECK(rmdir(at("top")) == 0, "rmdir top");
    list(".");
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "many/file-with-a-long-name-%d", i);
        unlink(at(name));
    }
    unlink(at("many/late-arrival"));
    CHECK(rmdir(at("many")) == 0, "rmdir many");
    return check_done();
}
