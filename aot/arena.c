/*
 * The arena's chunks: a list of malloc'd blocks, each filled front to back.
 * A request larger than the default chunk gets a chunk of its own size.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK_SIZE = 64 * 1024, ARENA_ALIGN = 16 };

struct aot_arena_chunk {
    aot_arena_chunk *next;
    size_t used, capacity;
    _Alignas(16) unsigned char data[];
};

void *aot_arena_alloc(aot_arena *a, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    aot_arena_chunk *c = a->chunks;
    if (!c || c->capacity - c->used < size) {
        size_t capacity = size > ARENA_CHUNK_SIZE ? size : ARENA_CHUNK_SIZE;
        aot_arena_chunk *fresh = malloc(sizeof *fresh + capacity);
        if (!fresh)
            return NULL;
        fresh->used = 0;
        fresh->capacity = capacity;
        fresh->next = c;
        a->chunks = c = fresh;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

void *aot_arena_calloc(aot_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = aot_arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void aot_arena_reset(aot_arena *a)
{
    aot_arena_chunk *c = a->chunks;
    if (!c)
        return;
    while (c->next) {
        aot_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    c->used = 0;
    a->chunks = c;
}

void aot_arena_free(aot_arena *a)
{
    aot_arena_chunk *c = a->chunks;
    while (c) {
        aot_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->chunks = NULL;
}
