/*
 * Randomness: getentropy (random_get) fills buffers that are not all zero
 * and differ from call to call, including one larger than a single
 * getrandom call returns.
 */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int main(void)
{
    unsigned char a[32] = {0}, b[32] = {0};
    CHECK(getentropy(a, sizeof a) == 0, "getentropy 32 bytes");
    CHECK(getentropy(b, sizeof b) == 0, "getentropy 32 more");
    CHECK(!all_zero(a, sizeof a) && !all_zero(b, sizeof b), "not all zero");
    CHECK(memcmp(a, b, sizeof a) != 0, "two calls differ");
    size_t big = 40 << 20;
    unsigned char *p = calloc(1, big);
    /* getentropy takes at most 256 bytes; arc4random_buf any size. */
    arc4random_buf(p, big);
    CHECK(!all_zero(p + big - 4096, 4096), "the end of 40 MiB of random bytes is set");
    int counts[256] = {0};
    for (size_t i = 0; i < big; i++)
        counts[p[i]]++;
    int spread = 1;
    for (int i = 0; i < 256; i++)
        spread &= counts[i] > (int)(big / 256 * 9 / 10) && counts[i] < (int)(big / 256 * 11 / 10);
    CHECK(spread, "every byte value about equally often");
    free(p);
    return check_done();
}
