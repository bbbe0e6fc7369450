/*
 * sieve: sieve of Eratosthenes over a byte array of argv[1] entries.
 * Stresses memory bandwidth and the cache hierarchy: the marking loops
 * stride through an array much larger than the caches with byte stores,
 * and the final scan streams the whole array again.  The checksum mixes
 * the number of primes, their sum and the largest prime found.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    uint32_t limit = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 60000000u;
    if (limit < 2)
        limit = 2;
    uint8_t *composite = malloc((size_t)limit + 1);
    if (!composite) {
        fprintf(stderr, "sieve: out of memory\n");
        return 1;
    }
    memset(composite, 0, (size_t)limit + 1);
    for (uint32_t i = 2; (uint64_t)i * i <= limit; i++) {
        if (composite[i])
            continue;
        for (uint32_t j = i * i; j <= limit && j >= i; j += i)
            composite[j] = 1;
    }
    uint64_t count = 0, sum = 0, last = 0;
    for (uint32_t i = 2; i <= limit; i++) {
        if (!composite[i]) {
            count++;
            sum += i;
            last = i;
        }
        if (i == UINT32_MAX)
            break;
    }
    uint64_t h = 0xcbf29ce484222325ull;
    h = (h ^ count) * 0x100000001b3ull;
    h = (h ^ sum) * 0x100000001b3ull;
    h = (h ^ last) * 0x100000001b3ull;
    printf("sieve %016" PRIx64 "\n", h);
    free(composite);
    return 0;
}
