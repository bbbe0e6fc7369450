/*
 * Linear memories (memory_internal.h): reserve, grow, free.
 *
 * Each memory maps WAOT_RT_MEMORY_RESERVATION_BYTES of PROT_NONE,
 * MAP_NORESERVE address space once and makes its first `size` bytes
 * read-write; growing mprotects the next pages.  Anonymous pages start
 * zeroed and a memory never shrinks, so no page ever needs clearing.  The
 * reservation is registered with the fault handler, which turns a fault
 * inside it from wasm code into the out-of-bounds trap.
 */
#include "memory_internal.h"

#include "address_ranges_internal.h"
#include "config_internal.h"
#include "error_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

waot_status waot_rt_memory_new(uint64_t min_pages, uint64_t max_pages, bool has_max,
                               waot_rt_memory **out, waot_error *err)
{
    uint64_t limit = waot_rt_config_max_memory_pages();
    if (min_pages > limit)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM,
                            "memory of %llu pages exceeds the limit of %llu pages",
                            (unsigned long long)min_pages, (unsigned long long)limit);
    waot_rt_memory *memory = calloc(1, sizeof *memory);
    if (!memory)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory allocating a memory");
    void *base = mmap(NULL, WAOT_RT_MEMORY_RESERVATION_BYTES, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        int error = errno;
        free(memory);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "cannot reserve %llu bytes for a memory: %s",
                            (unsigned long long)WAOT_RT_MEMORY_RESERVATION_BYTES,
                            strerror(error));
    }
    uint64_t size = min_pages * WAOT_RT_PAGE_BYTES;
    if (size && mprotect(base, size, PROT_READ | PROT_WRITE) != 0) {
        int error = errno;
        munmap(base, WAOT_RT_MEMORY_RESERVATION_BYTES);
        free(memory);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "cannot commit %llu pages of memory: %s",
                            (unsigned long long)min_pages, strerror(error));
    }
    uintptr_t start = (uintptr_t)base;
    if (!waot_rt_range_add(&waot_rt_memory_reservations, start,
                           start + WAOT_RT_MEMORY_RESERVATION_BYTES)) {
        munmap(base, WAOT_RT_MEMORY_RESERVATION_BYTES);
        free(memory);
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory registering a memory");
    }
    memory->abi.base = base;
    memory->abi.size = size;
    memory->abi.max_pages = has_max && max_pages < limit ? max_pages : limit;
    memory->declared_max_pages = max_pages;
    memory->has_max = has_max;
    atomic_init(&memory->refs, 1);
    *out = memory;
    return WAOT_OK;
}

void waot_rt_memory_retain(waot_rt_memory *memory)
{
    atomic_fetch_add_explicit(&memory->refs, 1, memory_order_relaxed);
}

void waot_rt_memory_release(waot_rt_memory *memory)
{
    if (!memory || atomic_fetch_sub_explicit(&memory->refs, 1, memory_order_acq_rel) != 1)
        return;
    uintptr_t start = (uintptr_t)memory->abi.base;
    waot_rt_range_remove(&waot_rt_memory_reservations, start,
                         start + WAOT_RT_MEMORY_RESERVATION_BYTES);
    munmap(memory->abi.base, WAOT_RT_MEMORY_RESERVATION_BYTES);
    free(memory);
}

int32_t waot_rt_memory_grow(waot_rt_memory *memory, uint32_t delta_pages)
{
    uint64_t old_pages = waot_rt_memory_pages(&memory->abi);
    uint64_t max_pages = memory->abi.max_pages;
    if (old_pages > max_pages || delta_pages > max_pages - old_pages)
        return -1;
    if (delta_pages == 0)
        return (int32_t)old_pages;
    uint64_t delta_bytes = (uint64_t)delta_pages * WAOT_RT_PAGE_BYTES;
    if (mprotect(memory->abi.base + memory->abi.size, delta_bytes, PROT_READ | PROT_WRITE) != 0)
        return -1;
    memory->abi.size += delta_bytes;
    return (int32_t)old_pages;
}
