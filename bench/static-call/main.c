/*
 * bench/static-call: the cost of calling a wasm export through its
 * generated header (`waot compile --emit obj --header`), against a plain C
 * call.  Calls add(i32, i32) N times (default 100M) each way, feeding each
 * result into the next call so nothing is hoisted, and prints ns/call of
 * thread CPU time (steadier than wall time on a shared machine).
 * Build and run with run.sh.
 */
#include "add.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int32_t plain_add(int32_t a, int32_t b);

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000000L;
    add_instance *instance = NULL;
    waot_error err;
    if (add_instantiate(NULL, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "instantiate: %s\n", err.message);
        return 1;
    }
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
    printf("calls            %ld\n", n);
    printf("header (wasm)    %.2f ns/call\n", (t1 - t0) * 1e9 / (double)n);
    printf("plain C          %.2f ns/call\n", (t3 - t2) * 1e9 / (double)n);
    printf("checksum         %s\n", x == y ? "equal" : "DIFFERENT");
    add_free(instance);
    return x == y ? 0 : 1;
}
