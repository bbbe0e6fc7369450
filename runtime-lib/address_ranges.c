/*
 * Registries of address ranges (wasm code, memory reservations) that the
 * fault handler reads while it runs in signal context.
 *
 * Readers cannot take locks, so a set is a chain of fixed-size chunks of
 * atomic slots that are never freed: a reader walks the chain with acquire
 * loads and never meets freed memory.  Writers serialise on a mutex, fill
 * a slot's end before publishing its start, and clear start first when
 * removing.  A reader racing with a remove-then-reuse of the same slot can
 * pair an old start with a new end; that only happens while the old range
 * is being torn down, when no code may run in it, so it cannot misclassify
 * a fault that matters.
 */
#include "address_ranges_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define RANGES_PER_CHUNK 128

/* A lock inside an atomic would make the reader unsafe in a signal handler. */
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 &&
                   sizeof(uintptr_t) == sizeof(long),
               "the fault handler needs lock-free pointer-sized atomics");

typedef struct range_chunk {
    _Atomic uintptr_t start[RANGES_PER_CHUNK]; /* 0: free slot */
    _Atomic uintptr_t end[RANGES_PER_CHUNK];
    struct range_chunk *_Atomic next;
} range_chunk;

struct waot_rt_range_set {
    pthread_mutex_t lock;
    range_chunk *_Atomic first;
};

waot_rt_range_set waot_rt_code_ranges = {PTHREAD_MUTEX_INITIALIZER, NULL};
waot_rt_range_set waot_rt_memory_reservations = {PTHREAD_MUTEX_INITIALIZER, NULL};

/* Claims a free slot, appending a chunk when all are taken.  Called with
 * the lock held. */
static bool ranges_claim_slot(waot_rt_range_set *set, range_chunk **chunk_out, int *slot_out)
{
    range_chunk *_Atomic *link = &set->first;
    for (;;) {
        range_chunk *chunk = atomic_load_explicit(link, memory_order_relaxed);
        if (!chunk) {
            chunk = calloc(1, sizeof *chunk);
            if (!chunk)
                return false;
            /* Published whole (all slots free) before a reader can see it. */
            atomic_store_explicit(link, chunk, memory_order_release);
        }
        for (int i = 0; i < RANGES_PER_CHUNK; i++) {
            if (atomic_load_explicit(&chunk->start[i], memory_order_relaxed) == 0) {
                *chunk_out = chunk;
                *slot_out = i;
                return true;
            }
        }
        link = &chunk->next;
    }
}

bool waot_rt_range_add(waot_rt_range_set *set, uintptr_t start, uintptr_t end)
{
    if (start == 0 || end <= start)
        return false;
    pthread_mutex_lock(&set->lock);
    range_chunk *chunk;
    int slot;
    bool claimed = ranges_claim_slot(set, &chunk, &slot);
    if (claimed) {
        atomic_store_explicit(&chunk->end[slot], end, memory_order_relaxed);
        atomic_store_explicit(&chunk->start[slot], start, memory_order_release);
    }
    pthread_mutex_unlock(&set->lock);
    return claimed;
}

void waot_rt_range_remove(waot_rt_range_set *set, uintptr_t start, uintptr_t end)
{
    pthread_mutex_lock(&set->lock);
    for (range_chunk *chunk = atomic_load_explicit(&set->first, memory_order_relaxed); chunk;
         chunk = atomic_load_explicit(&chunk->next, memory_order_relaxed)) {
        for (int i = 0; i < RANGES_PER_CHUNK; i++) {
            if (atomic_load_explicit(&chunk->start[i], memory_order_relaxed) == start &&
                atomic_load_explicit(&chunk->end[i], memory_order_relaxed) == end) {
                atomic_store_explicit(&chunk->start[i], 0, memory_order_release);
                atomic_store_explicit(&chunk->end[i], 0, memory_order_relaxed);
                pthread_mutex_unlock(&set->lock);
                return;
            }
        }
    }
    pthread_mutex_unlock(&set->lock);
}

bool waot_rt_range_contains(waot_rt_range_set *set, uintptr_t address)
{
    for (range_chunk *chunk = atomic_load_explicit(&set->first, memory_order_acquire); chunk;
         chunk = atomic_load_explicit(&chunk->next, memory_order_acquire)) {
        for (int i = 0; i < RANGES_PER_CHUNK; i++) {
            uintptr_t start = atomic_load_explicit(&chunk->start[i], memory_order_acquire);
            if (start == 0 || address < start)
                continue;
            if (address < atomic_load_explicit(&chunk->end[i], memory_order_relaxed))
                return true;
        }
    }
    return false;
}
