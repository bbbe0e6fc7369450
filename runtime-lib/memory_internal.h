/*
 * Linear memories: a fixed reservation of address space per memory whose
 * accessible prefix grows by changing page protection, so the base never
 * moves and out-of-bounds accesses land in PROT_NONE pages.
 */
#ifndef WAOT_MEMORY_INTERNAL_H
#define WAOT_MEMORY_INTERNAL_H

#include "waot.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* What every memory reserves: 4 GiB of addressable space, a 4 GiB guard so
 * that base + zext(addr) + offset (both 32-bit) stays inside, and one more
 * page for the bytes of the widest access (v128) at the last such address. */
#define WAOT_RT_MEMORY_RESERVATION_BYTES (((uint64_t)8 << 30) + 65536)

typedef struct waot_rt_memory {
    waot_abi_memory abi;         /* first: contexts point at it, and back */
    uint64_t declared_max_pages; /* as declared, for import matching */
    bool has_max;
    atomic_uint refs;            /* instances and linkers holding it */
} waot_rt_memory;

static inline waot_rt_memory *waot_rt_memory_of(waot_abi_memory *abi)
{
    return (waot_rt_memory *)abi;
}

/* Reserves a memory of `min_pages` accessible pages, zeroed, with one
 * reference.  Fails with WAOT_ERROR_NOMEM when the address space cannot be
 * had or min_pages exceeds the configured page limit. */
waot_status waot_rt_memory_new(uint64_t min_pages, uint64_t max_pages, bool has_max,
                               waot_rt_memory **out, waot_error *err);
void waot_rt_memory_retain(waot_rt_memory *memory);
/* Drops a reference; the last one unmaps the reservation. */
void waot_rt_memory_release(waot_rt_memory *memory);

/* memory.grow: the old size in pages, or -1 when the new size would pass
 * the maximum (declared or configured) or the pages cannot be committed. */
int32_t waot_rt_memory_grow(waot_rt_memory *memory, uint32_t delta_pages);

/* Whether bytes [offset, offset + n) are all accessible; n == 0 still
 * requires offset <= size, as the bulk operations do. */
static inline bool waot_rt_memory_in_bounds(const waot_abi_memory *memory, uint64_t offset,
                                            uint64_t n)
{
    return offset <= memory->size && n <= memory->size - offset;
}

static inline uint64_t waot_rt_memory_pages(const waot_abi_memory *memory)
{
    return memory->size / 65536;
}

#endif
