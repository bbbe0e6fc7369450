/*
 * Copy-on-write images of a module's initial memory 0: the bytes its active
 * data segments write, in one memory file that each new instance maps
 * privately over the start of its memory instead of copying the segments.
 */
#ifndef WAOT_MEMORY_IMAGE_INTERNAL_H
#define WAOT_MEMORY_IMAGE_INTERNAL_H

#include "memory_internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Below this many bytes of active data, copying is as fast as mapping. */
#define WAOT_RT_MEMORY_IMAGE_MIN_BYTES ((uint64_t)128 << 10)

typedef struct waot_rt_memory_image {
    pthread_mutex_t lock;
    bool built;      /* tried: fd is the image, or -1 when the module has none */
    int fd;
    uint64_t bytes;  /* the image's length, whole host pages */
    uint32_t uses;   /* instances of the module made so far, up to 2 */
} waot_rt_memory_image;

#define WAOT_RT_MEMORY_IMAGE_INIT {PTHREAD_MUTEX_INITIALIZER, false, -1, 0, 0}

/* The image for a new instance of the module with descriptor `d`, or -1
 * when there is none: the module defines memory 0, every active data
 * segment writes memory 0 at a constant offset inside its initial size,
 * there is enough of them, and this is not the module's first instance
 * (a module instantiated once never pays for building one).  Thread-safe. */
int waot_rt_memory_image_for(waot_rt_memory_image *image, const waot_abi_module *d,
                             uint64_t *bytes);

/* Maps `bytes` of image `fd` privately over the start of `memory`; *mapped
 * says whether it worked: the memory then reads as if the segments had
 * been copied in, and a write copies only the page it touches.  False only
 * when the memory is unusable afterwards (a failed mapping took its pages
 * and they could not be put back). */
bool waot_rt_memory_map_image(waot_rt_memory *memory, int fd, uint64_t bytes, bool *mapped);

void waot_rt_memory_image_dispose(waot_rt_memory_image *image);

#endif
