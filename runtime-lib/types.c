/*
 * Interning of function types into canonical ids (see types_internal.h).
 *
 * One open-addressing hash table for the process, behind a mutex: types are
 * interned when a module is loaded or a host function defined, never on a
 * call path, so a lock is cheap enough.  Entries live as long as the
 * process, which keeps ids stable for modules loaded later.
 */
#include "types_internal.h"

#include "waot_abi.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct type_entry {
    uint32_t id; /* 0: empty slot */
    uint32_t param_count;
    uint32_t result_count;
    uint64_t hash;
    uint8_t *types;
} type_entry;

static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static type_entry *types_table;
static size_t types_capacity; /* a power of two */
static uint32_t types_count;

static uint64_t types_hash(const uint8_t *types, uint32_t param_count, uint32_t result_count)
{
    /* FNV-1a over the counts and the codes. */
    uint64_t h = 0xcbf29ce484222325u;
    uint32_t header[2] = {param_count, result_count};
    const uint8_t *bytes = (const uint8_t *)header;
    for (size_t i = 0; i < sizeof header; i++)
        h = (h ^ bytes[i]) * 0x100000001b3u;
    for (uint64_t i = 0; i < (uint64_t)param_count + result_count; i++)
        h = (h ^ types[i]) * 0x100000001b3u;
    return h;
}

/* Doubles the table (or makes the first one).  Called with the lock held. */
static bool types_grow(void)
{
    size_t capacity = types_capacity ? types_capacity * 2 : 256;
    type_entry *table = calloc(capacity, sizeof *table);
    if (!table)
        return false;
    for (size_t i = 0; i < types_capacity; i++) {
        if (types_table[i].id == 0)
            continue;
        size_t slot = types_table[i].hash & (capacity - 1);
        while (table[slot].id != 0)
            slot = (slot + 1) & (capacity - 1);
        table[slot] = types_table[i];
    }
    free(types_table);
    types_table = table;
    types_capacity = capacity;
    return true;
}

bool waot_rt_type_intern(const uint8_t *types, uint32_t param_count, uint32_t result_count,
                         uint32_t *id)
{
    size_t length = (size_t)param_count + result_count;
    uint64_t hash = types_hash(types, param_count, result_count);
    bool ok = false;
    pthread_mutex_lock(&types_lock);
    /* Kept at most half full so probe chains stay short. */
    if ((size_t)types_count * 2 >= types_capacity && !types_grow())
        goto out;
    size_t slot = hash & (types_capacity - 1);
    for (; types_table[slot].id != 0; slot = (slot + 1) & (types_capacity - 1)) {
        type_entry *e = &types_table[slot];
        if (e->hash == hash && e->param_count == param_count &&
            e->result_count == result_count && (length == 0 || !memcmp(e->types, types, length))) {
            *id = e->id;
            ok = true;
            goto out;
        }
    }
    uint8_t *copy = malloc(length ? length : 1);
    if (!copy)
        goto out;
    if (length)
        memcpy(copy, types, length);
    types_table[slot] = (type_entry){++types_count, param_count, result_count, hash, copy};
    *id = types_table[slot].id;
    ok = true;
out:
    pthread_mutex_unlock(&types_lock);
    return ok;
}

bool waot_rt_value_type_ok(uint32_t type)
{
    switch (type) {
    case WAOT_ABI_I32:
    case WAOT_ABI_I64:
    case WAOT_ABI_F32:
    case WAOT_ABI_F64:
    case WAOT_ABI_V128:
    case WAOT_ABI_FUNCREF:
    case WAOT_ABI_EXTERNREF:
        return true;
    default:
        return false;
    }
}
