/*
 * Bump allocation for things that die together: everything a decoded module
 * points to lives in the module's arena, and a validator's per-function
 * scratch lives in one that is reset after each function.  Allocations are
 * 16-byte aligned and are never freed one by one.
 */
#ifndef AOT_ARENA_H
#define AOT_ARENA_H

#include <stddef.h>

typedef struct aot_arena_chunk aot_arena_chunk;

typedef struct aot_arena {
    aot_arena_chunk *chunks; /* newest first; the oldest is kept by reset */
} aot_arena;

#define AOT_ARENA_INIT { 0 }

/* NULL when out of memory. */
void *aot_arena_alloc(aot_arena *a, size_t size);
/* Zero-filled `count * size` bytes; NULL on overflow or out of memory. */
void *aot_arena_calloc(aot_arena *a, size_t count, size_t size);
/* Frees all but the first chunk, which is kept for reuse. */
void aot_arena_reset(aot_arena *a);
void aot_arena_free(aot_arena *a);

#endif
