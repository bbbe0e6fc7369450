/*
 * Reading a module file into memory in one piece, with the failures a user
 * can cause (missing file, directory, unreadable) told apart.  An empty file
 * reads fine: that it is no module is the decoder's to say.
 */
#include "aot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool aot_read_file(const char *path, uint8_t **bytes, size_t *size, aot_error *err)
{
    *bytes = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aot_fail(err, AOT_ERR_IO, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return aot_fail(err, AOT_ERR_IO, 0, "cannot stat: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        return aot_fail(err, AOT_ERR_IO, 0, "is a directory");
    }
    /* Read to the end rather than trusting st_size: pipes and /proc files
     * report 0 or a stale size. */
    size_t capacity = st.st_size > 0 ? (size_t)st.st_size : 4096, used = 0;
    uint8_t *buf = malloc(capacity ? capacity : 1);
    if (!buf) {
        fclose(f);
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory reading %zu bytes", capacity);
    }
    for (;;) {
        if (used == capacity) {
            size_t grown = capacity * 2;
            uint8_t *bigger = grown > capacity ? realloc(buf, grown) : NULL;
            if (!bigger) {
                free(buf);
                fclose(f);
                return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory reading the file");
            }
            buf = bigger;
            capacity = grown;
        }
        size_t got = fread(buf + used, 1, capacity - used, f);
        used += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f);
    int e = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return aot_fail(err, AOT_ERR_IO, 0, "read error: %s", strerror(e));
    }
    *bytes = buf;
    *size = used;
    return true;
}
