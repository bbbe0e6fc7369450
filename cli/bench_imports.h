/*
 * `waot run --bench`: the host side of the `bench.start` and `bench.end`
 * imports that published wasm benchmarks put around their kernel, and the
 * timing report `waot run` prints on stderr after the run (how long getting
 * the module, instantiating it and the start-to-end interval took).  The
 * phases are timed by cmd_run.c; this file owns the record they go in, the
 * two host functions and how it all is reported.
 */
#ifndef WAOT_CLI_BENCH_IMPORTS_H
#define WAOT_CLI_BENCH_IMPORTS_H

#include "waot.h"

#include <stdbool.h>
#include <stdint.h>

/* How the module was obtained, for the first line of the report. */
typedef enum cli_bench_source {
    CLI_BENCH_NOT_LOADED,  /* loading failed: no line */
    CLI_BENCH_PRECOMPILED, /* a .cwasm, loaded as it is */
    CLI_BENCH_CACHED,      /* a .wasm whose compiled module the cache had */
    CLI_BENCH_COMPILED,    /* a .wasm compiled by this run (then loaded) */
} cli_bench_source;

/* One run's measurements; zero-initialise it.  Times are in milliseconds
 * on CLOCK_MONOTONIC.  The host functions write the bench.* fields while
 * wasm runs, on the one thread that runs it. */
typedef struct cli_bench {
    cli_bench_source source;
    double load_ms;        /* compiling (if it did) and loading */
    bool instantiated;     /* waot_instantiate was called */
    double instantiate_ms; /* resolving imports, allocating, start function */
    bool running;          /* bench.start called and not yet ended */
    double start_ms;       /* when the open bench.start was called */
    uint64_t intervals;    /* completed bench.start -> bench.end intervals */
    double last_ms;        /* the length of the last one */
    uint64_t stray_ends;   /* bench.end calls with no open bench.start */
} cli_bench;

/* Now, in milliseconds on CLOCK_MONOTONIC. */
double cli_bench_now(void);

/* Defines bench.start and bench.end ([] -> []) in `linker`, recording into
 * `bench`, which must outlive the instances that import them.  False when
 * out of memory. */
bool cli_bench_define(waot_linker *linker, cli_bench *bench);

/* Prints the report on stderr, one line per phase, and returns the exit
 * status the run ends with: `status`, or CLI_EXIT_FAILURE in place of a
 * success when bench.end was called without bench.start. */
int cli_bench_report(const cli_bench *bench, int status);

#endif
