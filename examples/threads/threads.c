/*
 * examples/threads: one precompiled module, many instances, many threads.
 *
 * Usage: waot-example-threads WORK.cwasm [THREADS]
 *
 * Loads the module once and starts THREADS (default 8) pthreads; each
 * instantiates the shared module, calls `work` with its own seeds many
 * times, traps once on purpose in the middle (traps are per thread and
 * per call), and checks every result and its instance's running total
 * against the same computation in C.  A module is immutable and shared;
 * each instance is used by the one thread that made it.  Exits 0 when
 * every thread got every answer right.
 */
#include "waot.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS_MAX 64
#define THREADS_ROUNDS 200
#define THREADS_WORDS 16384

typedef struct threads_job {
    waot_module *module;       /* shared by every thread */
    unsigned id;
    int64_t total;             /* the instance's `total` global at the end */
    unsigned wrong;            /* checks that failed */
} threads_job;

/* What `work(seed, n)` returns, computed in C. */
static uint64_t threads_expected(uint32_t seed, uint32_t n)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += (uint32_t)(seed * i + 1u);
    return sum;
}

static void *threads_run(void *arg)
{
    threads_job *job = arg;
    waot_error err;
    waot_instance *instance;
    if (waot_instantiate(NULL, job->module, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "thread %u: %s\n", job->id, err.message);
        job->wrong++;
        return NULL;
    }
    uint64_t expected_total = 0;
    for (uint32_t round = 0; round < THREADS_ROUNDS; round++) {
        uint32_t seed = job->id * 1000u + round;
        waot_value args[2] = {{.type = WAOT_ABI_I32, .of.i32 = (int32_t)seed},
                              {.type = WAOT_ABI_I32, .of.i32 = THREADS_WORDS}};
        waot_value result;
        uint64_t expected = threads_expected(seed, THREADS_WORDS);
        expected_total += expected;
        if (waot_call(instance, "work", args, 2, &result, 1, &err) != WAOT_OK ||
            (uint64_t)result.of.i64 != expected)
            job->wrong++;
        if (round == THREADS_ROUNDS / 2) {
            waot_value div[2] = {{.type = WAOT_ABI_I32, .of.i32 = 1},
                                 {.type = WAOT_ABI_I32, .of.i32 = 0}};
            if (waot_call(instance, "divide", div, 2, &result, 1, &err) != WAOT_ERROR_TRAP ||
                err.trap != WAOT_TRAP_DIVIDE_BY_ZERO)
                job->wrong++;
        }
    }
    waot_value total;
    if (waot_global_get(instance, "total", &total) != WAOT_OK ||
        (uint64_t)total.of.i64 != expected_total)
        job->wrong++;
    job->total = total.of.i64;
    waot_instance_free(instance);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s WORK.cwasm [THREADS]\n", argv[0]);
        return 2;
    }
    unsigned count = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 8;
    if (count == 0 || count > THREADS_MAX)
        count = 8;
    waot_error err;
    waot_module *module;
    if (waot_module_load(argv[1], &module, &err) != WAOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    threads_job jobs[THREADS_MAX] = {0};
    pthread_t threads[THREADS_MAX];
    for (unsigned i = 0; i < count; i++) {
        jobs[i] = (threads_job){.module = module, .id = i};
        if (pthread_create(&threads[i], NULL, threads_run, &jobs[i]) != 0) {
            fprintf(stderr, "cannot start thread %u\n", i);
            return 1;
        }
    }
    unsigned wrong = 0;
    for (unsigned i = 0; i < count; i++) {
        pthread_join(threads[i], NULL);
        printf("thread %u: total %" PRId64 "%s\n", i, jobs[i].total,
               jobs[i].wrong ? " WRONG" : "");
        wrong += jobs[i].wrong;
    }
    waot_module_free(module);
    if (wrong) {
        fprintf(stderr, "%u wrong results\n", wrong);
        return 1;
    }
    printf("threads: %u instances on %u threads, all results right\n", count, count);
    return 0;
}
