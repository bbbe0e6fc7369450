/*
 * fannkuch: for every permutation of 0..n-1 (argv[1] = n), repeatedly
 * reverse the prefix whose length is given by the first element until the
 * first element is 0, counting the reversals.  Permutations are generated
 * with Heap's algorithm (one swap per permutation); all n! permutations
 * are visited twice, from two different starting arrangements.
 * Stresses tight integer loops over tiny arrays, unpredictable
 * data-dependent branches and short variable-length copy/reverse loops.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXN 16

static int count_flips(const int *perm, int n)
{
    int w[MAXN];
    for (int i = 0; i < n; i++)
        w[i] = perm[i];
    int flips = 0;
    int first = w[0];
    while (first != 0) {
        int lo = 0, hi = first;
        while (lo < hi) {
            int t = w[lo];
            w[lo] = w[hi];
            w[hi] = t;
            lo++;
            hi--;
        }
        flips++;
        first = w[0];
    }
    return flips;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10;
    if (n < 1)
        n = 1;
    if (n > 13)
        n = 13;
    int64_t signed_sum = 0;
    int maxflips = 0;
    uint64_t count = 0;

    /* Two passes over all n! permutations, starting Heap's algorithm from
       the identity and from the identity rotated by one place, which
       visits the permutations in a different order. */
    for (int pass = 0; pass < 2; pass++) {
        int perm[MAXN], c[MAXN];
        for (int i = 0; i < n; i++) {
            perm[i] = (i + pass) % n;
            c[i] = 0;
        }
        int sign = 1;
        /* Heap's algorithm: each new permutation differs by one swap, so
           the permutation parity alternates and gives the sign of its
           term. */
        for (;;) {
            int f = count_flips(perm, n);
            if (f > maxflips)
                maxflips = f;
            signed_sum += sign * f;
            sign = -sign;
            count++;

            int i = 1;
            while (i < n && c[i] >= i) {
                c[i] = 0;
                i++;
            }
            if (i >= n)
                break;
            int j = (i & 1) ? c[i] : 0;
            int t = perm[j];
            perm[j] = perm[i];
            perm[i] = t;
            c[i]++;
        }
        signed_sum *= 3;
    }

    uint64_t h = 0xcbf29ce484222325ull;
    h = (h ^ (uint64_t)signed_sum) * 0x100000001b3ull;
    h = (h ^ (uint64_t)maxflips) * 0x100000001b3ull;
    h = (h ^ count) * 0x100000001b3ull;
    printf("fannkuch %016" PRIx64 "\n", h);
    return 0;
}
