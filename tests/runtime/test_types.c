/*
 * Canonical type ids: equal types get equal ids across modules and
 * threads, different types different ids.
 */
#include <criterion/criterion.h>
#include <pthread.h>

#include "types_internal.h"
#include "waot_abi.h"

static uint32_t intern(const uint8_t *types, uint32_t params, uint32_t results)
{
    uint32_t id = 0;
    cr_assert(waot_rt_type_intern(types, params, results, &id));
    cr_assert_neq(id, 0);
    return id;
}

Test(types, equal_types_equal_ids)
{
    const uint8_t a[] = {WAOT_ABI_I32, WAOT_ABI_I64, WAOT_ABI_F32};
    const uint8_t b[] = {WAOT_ABI_I32, WAOT_ABI_I64, WAOT_ABI_F32};
    cr_assert_eq(intern(a, 2, 1), intern(b, 2, 1));
    cr_assert_eq(intern(NULL, 0, 0), intern(NULL, 0, 0));
}

Test(types, params_and_results_are_told_apart)
{
    const uint8_t t[] = {WAOT_ABI_I32, WAOT_ABI_I32};
    uint32_t ids[] = {intern(t, 2, 0), intern(t, 1, 1), intern(t, 0, 2), intern(t, 1, 0),
                      intern(t, 0, 1), intern(NULL, 0, 0)};
    for (size_t i = 0; i < 6; i++) {
        for (size_t k = i + 1; k < 6; k++)
            cr_assert_neq(ids[i], ids[k], "%zu and %zu", i, k);
    }
    const uint8_t f[] = {WAOT_ABI_F32, WAOT_ABI_I32};
    cr_assert_neq(intern(t, 1, 1), intern(f, 1, 1));
}

#define TYPES_PER_THREAD 3000

/* Type number n: n in base 7 over the seven value types, as params. */
static uint32_t types_encode(uint32_t n, uint8_t *out)
{
    static const uint8_t codes[] = {WAOT_ABI_I32, WAOT_ABI_I64, WAOT_ABI_F32, WAOT_ABI_F64,
                                    WAOT_ABI_V128, WAOT_ABI_FUNCREF, WAOT_ABI_EXTERNREF};
    uint32_t len = 0;
    do {
        out[len++] = codes[n % 7];
        n /= 7;
    } while (n);
    return len;
}

typedef struct types_worker {
    bool backwards;
    uint32_t ids[TYPES_PER_THREAD];
} types_worker;

static void *types_worker_run(void *arg)
{
    types_worker *w = arg;
    for (uint32_t i = 0; i < TYPES_PER_THREAD; i++) {
        uint32_t n = w->backwards ? TYPES_PER_THREAD - 1 - i : i;
        uint8_t types[16];
        uint32_t len = types_encode(n, types);
        waot_rt_type_intern(types, len, 0, &w->ids[n]);
    }
    return NULL;
}

Test(types, concurrent_interning_agrees)
{
    static types_worker workers[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        workers[i].backwards = i & 1;
        cr_assert_eq(pthread_create(&threads[i], NULL, types_worker_run, &workers[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    for (uint32_t n = 0; n < TYPES_PER_THREAD; n++) {
        cr_assert_neq(workers[0].ids[n], 0);
        for (int i = 1; i < 4; i++)
            cr_assert_eq(workers[i].ids[n], workers[0].ids[n], "type %u", n);
        if (n)
            cr_assert_neq(workers[0].ids[n], workers[0].ids[n - 1]);
    }
}
