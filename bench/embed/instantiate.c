/*
 * bench/embed/instantiate: the cost of waot_instantiate.  Loads one
 * precompiled module without imports, then instantiates and frees it COUNT
 * times (default 10000), timing each instantiation alone, and prints the
 * minimum, median, p99 and maximum in microseconds on one line:
 *   instantiate xCOUNT: min A us  median B us  p99 C us  max D us
 * Each instance gets a fresh memory (a reservation of 8 GiB of address
 * space plus mprotect of its pages), its globals, tables and segments, so
 * the time grows with the data segments' size.  bench/embed.sh runs it on
 * small.wat; bench/suite.py on an empty module, a one-page module and one
 * with several MiB of data segments (bench/embed/gen-modules.py).
 *
 * Usage: instantiate MODULE.cwasm [COUNT]
 */
#include "waot.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double instantiate_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int instantiate_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODULE.cwasm [COUNT]\n", argv[0]);
        return 2;
    }
    size_t count = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
    if (count == 0)
        count = 1;
    waot_error err;
    waot_module *module;
    if (waot_module_load(argv[1], &module, &err) != WAOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double *times = malloc(count * sizeof *times);
    if (!times)
        return 1;
    for (size_t i = 0; i < count; i++) {
        waot_instance *instance;
        double t0 = instantiate_now_us();
        waot_status status = waot_instantiate(NULL, module, &instance, &err);
        double t1 = instantiate_now_us();
        if (status != WAOT_OK) {
            fprintf(stderr, "instantiate: %s\n", err.message);
            return 1;
        }
        times[i] = t1 - t0;
        waot_instance_free(instance);
    }
    qsort(times, count, sizeof *times, instantiate_compare);
    printf("instantiate x%zu: min %.2f us  median %.2f us  p99 %.2f us  max %.2f us\n", count,
           times[0], times[count / 2], times[count * 99 / 100], times[count - 1]);
    free(times);
    waot_module_free(module);
    return 0;
}
