/*
 * Copy-on-write memory images (memory_image_internal.h).
 *
 * A module's image is built at its second instantiation, when it starts to
 * pay: an anonymous memory file (memfd) as long as the furthest byte any
 * active data segment writes, rounded up to host pages, holding the
 * segments written in order, so a later one overwrites an earlier one as
 * instantiation would.  Every later instance maps it MAP_PRIVATE | MAP_FIXED
 * over the start of its fresh memory: pages it only reads stay shared, a
 * page it writes is copied then.  What the instance sees is exactly what
 * copying the segments would give, and since a qualifying module's segments
 * all fit the initial memory, applying them could not have trapped.
 */
#include "memory_image_internal.h"

#include <sys/mman.h>
#include <unistd.h>

/* Whether every active segment writes memory 0 inside its initial size at
 * a constant offset, and how far they reach and how much they write. */
static bool image_qualifies(const waot_abi_module *d, uint64_t *end, uint64_t *written)
{
    if (d->memory_count == 0 || d->memories[0].imported)
        return false;
    uint64_t size = d->memories[0].limits.min * 65536;
    *end = *written = 0;
    for (uint32_t i = 0; i < d->data_count; i++) {
        const waot_abi_data *s = &d->datas[i];
        if (s->mode != WAOT_ABI_SEGMENT_ACTIVE)
            continue;
        if (s->memory_index != 0 || s->offset.kind != WAOT_ABI_CONST_VALUE)
            return false;
        uint64_t at = (uint32_t)s->offset.value.i32;
        if (at + s->size > size)
            return false;
        if (at + s->size > *end)
            *end = at + s->size;
        *written += s->size;
    }
    return *written >= WAOT_RT_MEMORY_IMAGE_MIN_BYTES;
}

static int image_build(const waot_abi_module *d, uint64_t *bytes)
{
    uint64_t end, written;
    if (!image_qualifies(d, &end, &written))
        return -1;
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t length = (end + page - 1) / page * page;
    int fd = memfd_create("waot-memory-image", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)length) != 0)
        goto fail;
    for (uint32_t i = 0; i < d->data_count; i++) {
        const waot_abi_data *s = &d->datas[i];
        if (s->mode != WAOT_ABI_SEGMENT_ACTIVE)
            continue;
        off_t at = (off_t)(uint32_t)s->offset.value.i32;
        for (uint32_t done = 0; done < s->size;) {
            ssize_t n = pwrite(fd, s->bytes + done, s->size - done, at + done);
            if (n <= 0)
                goto fail;
            done += (uint32_t)n;
        }
    }
    *bytes = length;
    return fd;
fail:
    close(fd);
    return -1;
}

int waot_rt_memory_image_for(waot_rt_memory_image *image, const waot_abi_module *d,
                             uint64_t *bytes)
{
    pthread_mutex_lock(&image->lock);
    if (image->uses < 2)
        image->uses++;
    if (image->uses == 2 && !image->built) {
        image->fd = image_build(d, &image->bytes);
        image->built = true;
    }
    int fd = image->uses == 2 ? image->fd : -1;
    *bytes = image->bytes;
    pthread_mutex_unlock(&image->lock);
    return fd;
}

bool waot_rt_memory_map_image(waot_rt_memory *memory, int fd, uint64_t bytes, bool *mapped)
{
    void *base = memory->abi.base;
    *mapped = bytes <= memory->abi.size &&
              mmap(base, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == base;
    if (*mapped || bytes > memory->abi.size)
        return true;
    /* A failed MAP_FIXED may have unmapped the range: put back fresh zero
     * pages, and the caller copies the segments after all. */
    return mmap(base, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                0) == base;
}

void waot_rt_memory_image_dispose(waot_rt_memory_image *image)
{
    if (image->fd >= 0)
        close(image->fd);
    image->fd = -1;
    pthread_mutex_destroy(&image->lock);
}
