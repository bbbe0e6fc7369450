/*
 * bench/static-call: the cost of calling a wasm export through its
 * generated header (`waot compile --emit obj --header`), against a plain C
 * call.  Calls add(i32, i32) N times (default 100M) each way in each of R
 * rounds (default 11), interleaved so machine noise hits both alike, each
 * call taking the previous result so nothing is hoisted.  Prints
 * min/median/max ns per call of thread CPU time (steadier than wall time
 * on a shared machine).  Build and run with run.sh.
 */
#include "add.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_MAX_ROUNDS 101

int32_t plain_add(int32_t a, int32_t b);

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double bench_report(const char *what, double *ns, int rounds)
{
    qsort(ns, (size_t)rounds, sizeof *ns, bench_compare);
    double median = ns[rounds / 2];
    printf("%-14s min %5.2f  median %5.2f  max %5.2f ns/call\n", what, ns[0], median,
           ns[rounds - 1]);
    return median;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000000L;
    int rounds = argc > 2 ? atoi(argv[2]) : 11;
    if (n <= 0)
        n = 1;
    if (rounds <= 0 || rounds > BENCH_MAX_ROUNDS)
        rounds = 11;
    add_instance *instance = NULL;
    waot_error err;
    if (add_instantiate(NULL, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "instantiate: %s\n", err.message);
        return 1;
    }
    double header[BENCH_MAX_ROUNDS], plain[BENCH_MAX_ROUNDS];
    for (int r = 0; r < rounds; r++) {
        int32_t x = 0;
        double t0 = bench_now();
        for (long i = 0; i < n; i++)
            x = add_add(instance, x, (int32_t)i);
        double t1 = bench_now();
        if (add_last_status(instance, &err) != WAOT_OK) {
            fprintf(stderr, "call: %s\n", err.message);
            return 1;
        }
        int32_t y = 0;
        double t2 = bench_now();
        for (long i = 0; i < n; i++)
            y = plain_add(y, (int32_t)i);
        double t3 = bench_now();
        if (x != y) {
            fprintf(stderr, "different sums: %d, %d\n", (int)x, (int)y);
            return 1;
        }
        header[r] = (t1 - t0) * 1e9 / (double)n;
        plain[r] = (t3 - t2) * 1e9 / (double)n;
    }
    printf("add(i32, i32): %ld calls x %d rounds\n", n, rounds);
    double header_ns = bench_report("header (wasm)", header, rounds);
    double plain_ns = bench_report("plain C", plain, rounds);
    printf("median over the C call: +%.2f ns\n", header_ns - plain_ns);
    add_free(instance);
    return 0;
}
