/*
 * matmul: dense double-precision matrix multiply C = A * B on N x N
 * matrices (argv[1] = N).  Stresses floating-point multiply/add
 * throughput, auto-vectorisation of the inner i-k-j loop into 128-bit
 * f64x2 operations, and streaming loads/stores over rows that do not fit
 * in L1/L2.  The inputs are small multiples of 1/1024, so every product
 * and partial sum is exactly representable: the result is exact and the
 * checksum does not depend on evaluation order or FMA contraction.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state = 0x6d61746d756c3031ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rand_elem(void)
{
    int v = (int)((rng_next() >> 40) % 2001u) - 1000;
    return (double)v / 1024.0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1100;
    if (n < 1)
        n = 1;
    size_t nn = (size_t)n * (size_t)n;
    double *a = malloc(nn * sizeof(double));
    double *b = malloc(nn * sizeof(double));
    double *c = calloc(nn, sizeof(double));
    if (!a || !b || !c) {
        fprintf(stderr, "matmul: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < nn; i++)
        a[i] = rand_elem();
    for (size_t i = 0; i < nn; i++)
        b[i] = rand_elem();

    for (int i = 0; i < n; i++) {
        double *crow = c + (size_t)i * n;
        const double *arow = a + (size_t)i * n;
        for (int k = 0; k < n; k++) {
            const double aik = arow[k];
            const double *brow = b + (size_t)k * n;
            for (int j = 0; j < n; j++)
                crow[j] += aik * brow[j];
        }
    }

    /* Every c[i] is an exact multiple of 2^-20: hash the integer numerators. */
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < nn; i++) {
        int64_t q = (int64_t)(c[i] * 1048576.0);
        h = (h ^ (uint64_t)q) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    printf("matmul %016" PRIx64 "\n", h);
    free(a);
    free(b);
    free(c);
    return 0;
}
