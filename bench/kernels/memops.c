/*
 * memops: shuffles data between two 8 MiB buffers with argv[1] rounds of
 * pseudo-random memcpy (between buffers), memmove (overlapping, within a
 * buffer) and memset operations of lengths from 1 byte to 64 KiB, then
 * hashes both buffers.  Stresses the C library's bulk memory routines
 * (or bulk-memory instructions in wasm), their small/large size
 * dispatch, unaligned heads and tails, and memory bandwidth.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x6d656d6f70733031ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#define BUFSZ (8u << 20)

static uint64_t hash_buf(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 32;
    }
    return h;
}

int main(int argc, char **argv)
{
    uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 300000u;
    uint8_t *a = malloc(BUFSZ);
    uint8_t *b = malloc(BUFSZ);
    if (!a || !b) {
        fprintf(stderr, "memops: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < BUFSZ; i += 8) {
        uint64_t r = rng_next();
        memcpy(a + i, &r, 8);
    }
    memset(b, 0x5a, BUFSZ);

    for (uint32_t r = 0; r < rounds; r++) {
        uint64_t x = rng_next();
        /* length: 2^k plus jitter, k in [0, 16] */
        uint32_t k = (uint32_t)(x % 17);
        uint32_t len = (1u << k) + (uint32_t)((x >> 8) & ((1u << k) - 1));
        if (len > 65536)
            len = 65536;
        uint32_t src = (uint32_t)((x >> 24) % (BUFSZ - len));
        uint32_t dst = (uint32_t)((x >> 40) % (BUFSZ - len));
        uint8_t *p = (r & 1) ? a : b;
        uint8_t *q = (r & 1) ? b : a;
        uint32_t kind = (uint32_t)(x >> 5) & 7;
        if (kind >= 6 && ((x >> 48) & 31) != 0)
            kind = 0; /* large block operations only 1 time in 32 */
        switch (kind) {
        case 0:
        case 1:
        case 2:
            memcpy(q + dst, p + src, len);
            break;
        case 3:
        case 4:
            memmove(p + dst, p + src, len);
            break;
        case 5:
            memset(q + dst, (int)(x >> 56), len);
            break;
        case 6:
            /* bulk copy of a large block: pure bandwidth */
            memcpy(q + (dst & ~4095u) / 2, p + (src & ~4095u) / 2, BUFSZ / 4);
            break;
        default:
            memmove(p + (dst & 63), p + (src & 63) + 64, BUFSZ / 8);
            break;
        }
    }

    uint64_t h = 0xcbf29ce484222325ull;
    h = hash_buf(h, a, BUFSZ);
    h = hash_buf(h, b, BUFSZ);
    printf("memops %016" PRIx64 "\n", h);
    free(a);
    free(b);
    return 0;
}
