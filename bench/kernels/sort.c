/*
 * sort: sorts argv[1] pseudo-random 32-bit ints twice, once with an
 * in-place quicksort (median-of-three, Hoare partition, insertion sort
 * for short ranges, recursion on the smaller side) and once with a
 * bottom-up merge sort using a scratch buffer, then checks that both
 * agree.  Stresses unpredictable compare branches, recursion, and
 * sequential 32-bit loads/stores over arrays larger than the caches.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x736f727430303031ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void insertion_sort(int32_t *a, int32_t lo, int32_t hi)
{
    for (int32_t i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        int32_t j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static inline void swap32(int32_t *a, int32_t i, int32_t j)
{
    int32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quick_sort(int32_t *a, int32_t lo, int32_t hi)
{
    while (hi - lo > 16) {
        int32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo])
            swap32(a, mid, lo);
        if (a[hi] < a[lo])
            swap32(a, hi, lo);
        if (a[hi] < a[mid])
            swap32(a, hi, mid);
        int32_t pivot = a[mid];
        int32_t i = lo - 1, j = hi + 1;
        for (;;) {
            do
                i++;
            while (a[i] < pivot);
            do
                j--;
            while (a[j] > pivot);
            if (i >= j)
                break;
            swap32(a, i, j);
        }
        /* [lo, j] and [j+1, hi]: recurse into the smaller part */
        if (j - lo < hi - j) {
            quick_sort(a, lo, j);
            lo = j + 1;
        } else {
            quick_sort(a, j + 1, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

static void merge_sort(int32_t *a, int32_t *tmp, int32_t n)
{
    const int32_t run = 32;
    for (int32_t lo = 0; lo < n; lo += run) {
        int32_t hi = lo + run - 1 < n - 1 ? lo + run - 1 : n - 1;
        insertion_sort(a, lo, hi);
    }
    int32_t *src = a, *dst = tmp;
    for (int32_t width = run; width < n; width *= 2) {
        for (int32_t lo = 0; lo < n; lo += 2 * width) {
            int32_t mid = lo + width < n ? lo + width : n;
            int32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        int32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, (size_t)n * sizeof(int32_t));
}

int main(int argc, char **argv)
{
    int32_t n = argc > 1 ? atoi(argv[1]) : 4000000;
    if (n < 1)
        n = 1;
    int32_t *a = malloc((size_t)n * sizeof(int32_t));
    int32_t *b = malloc((size_t)n * sizeof(int32_t));
    int32_t *tmp = malloc((size_t)n * sizeof(int32_t));
    if (!a || !b || !tmp) {
        fprintf(stderr, "sort: out of memory\n");
        return 1;
    }
    /* random keys, with every other key reduced to 12 bits so that the
       input also has many duplicates (exercises equal-key handling) */
    for (int32_t i = 0; i < n; i++) {
        int32_t v = (int32_t)(uint32_t)(rng_next() >> 32);
        a[i] = (i & 1) ? v : (v & 0xfff);
    }
    memcpy(b, a, (size_t)n * sizeof(int32_t));

    quick_sort(a, 0, n - 1);
    merge_sort(b, tmp, n);

    uint64_t h = 0xcbf29ce484222325ull;
    int ok = 1;
    for (int32_t i = 0; i < n; i++)
        if (a[i] != b[i] || (i > 0 && a[i - 1] > a[i]))
            ok = 0;
    for (int32_t i = 0; i < n; i += 7) {
        h = (h ^ (uint32_t)a[i]) * 0x100000001b3ull;
    }
    h ^= (uint64_t)ok << 63;
    printf("sort %016" PRIx64 "\n", h);
    free(a);
    free(b);
    free(tmp);
    return ok ? 0 : 1;
}
