/*
 * `waot run --bench`: the bench.start / bench.end host functions and the
 * timing report (see bench_imports.h).  bench.start (re)starts the clock;
 * bench.end closes the interval the last bench.start opened.  A bench.end
 * with nothing open does not trap the program, which would hide whatever
 * it does next: it is counted and reported as an error after the run.
 */
#include "bench_imports.h"
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

double cli_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static void bench_start(waot_abi_host_closure *closure, const waot_abi_value *args,
                        waot_abi_value *results)
{
    (void)args;
    (void)results;
    cli_bench *b = closure->user;
    b->running = true;
    b->start_ms = cli_bench_now();
}

static void bench_end(waot_abi_host_closure *closure, const waot_abi_value *args,
                      waot_abi_value *results)
{
    /* Read the clock first: the bookkeeping is not part of the kernel. */
    double now = cli_bench_now();
    (void)args;
    (void)results;
    cli_bench *b = closure->user;
    if (!b->running) {
        b->stray_ends++;
        return;
    }
    b->running = false;
    b->last_ms = now - b->start_ms;
    b->intervals++;
}

bool cli_bench_define(waot_linker *linker, cli_bench *bench)
{
    return waot_linker_define_func(linker, "bench", "start", NULL, 0, NULL, 0, bench_start,
                                   bench) == WAOT_OK &&
           waot_linker_define_func(linker, "bench", "end", NULL, 0, NULL, 0, bench_end, bench) ==
               WAOT_OK;
}

int cli_bench_report(const cli_bench *b, int status)
{
    switch (b->source) {
    case CLI_BENCH_NOT_LOADED:
        break;
    case CLI_BENCH_PRECOMPILED:
        fprintf(stderr, "waot run: bench: load: %.3f ms\n", b->load_ms);
        break;
    case CLI_BENCH_CACHED:
        fprintf(stderr, "waot run: bench: load: %.3f ms (from the cache)\n", b->load_ms);
        break;
    case CLI_BENCH_COMPILED:
        /* The cache compiles and loads in one step; loading is a small part. */
        fprintf(stderr, "waot run: bench: compile: %.3f ms (compiled now, loading included)\n",
                b->load_ms);
        break;
    }
    if (b->instantiated)
        fprintf(stderr, "waot run: bench: instantiate: %.3f ms\n", b->instantiate_ms);
    if (b->source == CLI_BENCH_NOT_LOADED)
        return status;
    if (b->intervals == 0 && !b->running && b->stray_ends == 0)
        fputs("waot run: bench: bench.start/bench.end not called\n", stderr);
    if (b->intervals == 1)
        fprintf(stderr, "waot run: bench: start-end: %.3f ms\n", b->last_ms);
    else if (b->intervals > 1)
        fprintf(stderr, "waot run: bench: start-end: %.3f ms (the last of %" PRIu64 ")\n",
                b->last_ms, b->intervals);
    if (b->running)
        fputs("waot run: bench: the last bench.start had no bench.end\n", stderr);
    if (b->stray_ends) {
        fprintf(stderr, "waot run: error: bench.end called without bench.start (%" PRIu64
                        " time%s)\n", b->stray_ends, b->stray_ends == 1 ? "" : "s");
        if (status == CLI_EXIT_OK)
            status = CLI_EXIT_FAILURE;
    }
    return status;
}
