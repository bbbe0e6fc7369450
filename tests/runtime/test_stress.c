/*
 * runtime.stress: many threads at once instantiating, calling, trapping,
 * growing and freeing instances of shared modules, with every result
 * checked.  The modules are real compiled code (stress_*.wat, compiled by
 * this build's `waot compile`); a plain program rather than a Criterion
 * suite, so that it runs under ThreadSanitizer too, which scripts/test.sh
 * does, as it runs it under AddressSanitizer and LeakSanitizer with the
 * rest of the suite.
 *
 * Usage: runtime_test_stress WORK LIB USER IMAGE [THREADS [ITERATIONS]]
 * (the four .cwasm files; 8 threads of 40 iterations by default).
 *
 * All threads start together.  Each iteration of a thread, on modules the
 * threads share (and now and then on its own fresh load of the same file,
 * which must map to the same module):
 *   - instantiates the work module through one linker every thread uses,
 *     computes (recursion, a memory loop, a per-instance global, a host
 *     import), traps in each way a call can (unreachable, division by zero
 *     and overflow, a load past memory in the guard pages, recursion past
 *     the stack limit, a null and an out-of-range call_indirect, a host
 *     function's trap), each followed by a call that must work, and grows
 *     memory up to its maximum and past it;
 *   - instantiates the image module twice (its 128 KiB of data make every
 *     instance after a module's first map a shared copy-on-write image)
 *     and checks that each sees the data and only its own writes;
 *   - links an instance of the user module to one of the lib module
 *     through a linker of its own (calls into the other instance, its trap,
 *     its memory) and frees them in either order.
 * Then each thread traps STRESS_TRAP_STORM times in a row, every way a
 * trap unwinds (raised by compiled code, by a runtime-table function, by a
 * host function, and by a fault): more traps than ThreadSanitizer's
 * per-thread shadow stack has entries, so a runtime frame that a trap
 * abandons and that is instrumented (see WAOT_RT_TRAP_PATH in
 * entry_internal.h) overflows it.
 * Prints each failed check (the first few) and "N passed, N failed"; exits
 * 0 only when nothing failed.  What leaks or races is the sanitizers'.
 */
#include "waot.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRESS_DEFAULT_THREADS 8
#define STRESS_DEFAULT_ITERATIONS 40
#define STRESS_MAX_THREADS 64
/* Failures printed per thread; the rest are only counted. */
#define STRESS_PRINTED_FAILURES 5
#define STRESS_PAGE 65536
/* stress_image.wat (tests/runtime/CMakeLists.txt): STRESS_IMAGE_ALPHABET
 * repeated from this offset, STRESS_IMAGE_BYTES bytes of it. */
#define STRESS_IMAGE_AT 4096
#define STRESS_IMAGE_PERIOD ((uint32_t)(sizeof STRESS_IMAGE_ALPHABET - 1))
/* Traps per thread at the end: ThreadSanitizer's shadow stack holds 64Ki
 * entries.  AddressSanitizer sweeps its fake stacks at every trap (in
 * __asan_handle_no_return, some 0.1 ms), so there a tenth will do: the
 * storm is for ThreadSanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#define STRESS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRESS_UNDER_ASAN 1
#endif
#endif
#ifdef STRESS_UNDER_ASAN
#define STRESS_TRAP_STORM 10000
#else
#define STRESS_TRAP_STORM 100000
#endif

/* For the host function the storm traps through: host code that traps
 * leaves its frame behind, like the runtime's raising functions, so under
 * ThreadSanitizer it stays uninstrumented like them (WAOT_RT_TRAP_PATH). */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRESS_TRAPPING_HOST __attribute__((disable_sanitizer_instrumentation))
#endif
#endif
#ifndef STRESS_TRAPPING_HOST
#define STRESS_TRAPPING_HOST
#endif

typedef struct stress_shared {
    const char *work_path, *lib_path, *user_path, *image_path;
    waot_module *work, *lib, *user, *image;
    waot_linker *linker; /* host.twice; every thread instantiates through it */
    atomic_uint host_calls;
    pthread_barrier_t start;
    unsigned iterations;
} stress_shared;

typedef struct stress_worker {
    stress_shared *shared;
    pthread_t thread;
    unsigned id;
    unsigned passed, failed;
    unsigned host_calls; /* host.twice calls this thread's wasm made */
} stress_worker;

static pthread_mutex_t stress_print_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((format(printf, 3, 4))) static bool stress_check(stress_worker *w, bool ok,
                                                               const char *what, ...)
{
    if (ok) {
        w->passed++;
        return true;
    }
    if (w->failed++ < STRESS_PRINTED_FAILURES) {
        va_list ap;
        va_start(ap, what);
        pthread_mutex_lock(&stress_print_lock);
        printf("FAIL thread %u: ", w->id);
        vprintf(what, ap);
        putchar('\n');
        fflush(stdout);
        pthread_mutex_unlock(&stress_print_lock);
        va_end(ap);
    }
    return false;
}

static waot_value stress_i32(int32_t v)
{
    return (waot_value){.type = WAOT_ABI_I32, .of.i32 = v};
}

/* Calls `name` with i32 arguments and at most one i32 result. */
static waot_status stress_call(waot_instance *instance, const char *name, const int32_t *args,
                               size_t arg_count, size_t result_count, int32_t *result,
                               waot_error *err)
{
    waot_value values[4], out = {0};
    for (size_t i = 0; i < arg_count; i++)
        values[i] = stress_i32(args[i]);
    waot_status status = waot_call(instance, name, values, arg_count, &out, result_count, err);
    if (result)
        *result = status == WAOT_OK && result_count ? out.of.i32 : INT32_MIN;
    return status;
}

/* Checks that `name(args)` returns `expected`. */
static void stress_expect(stress_worker *w, waot_instance *instance, const char *name,
                          const int32_t *args, size_t arg_count, int32_t expected)
{
    waot_error err = {0};
    int32_t result;
    waot_status status = stress_call(instance, name, args, arg_count, 1, &result, &err);
    stress_check(w, status == WAOT_OK && result == expected, "%s: expected %d, got %s %d (%s)",
                 name, expected, waot_status_name(status), result,
                 status == WAOT_OK ? "" : err.message);
}

/* Checks that `name(args)` traps with `trap`. */
static void stress_expect_trap(stress_worker *w, waot_instance *instance, const char *name,
                               const int32_t *args, size_t arg_count, size_t result_count,
                               waot_abi_trap trap)
{
    waot_error err = {0};
    waot_status status = stress_call(instance, name, args, arg_count, result_count, NULL, &err);
    stress_check(w, status == WAOT_ERROR_TRAP && err.trap == trap,
                 "%s: expected trap \"%s\", got %s (%s)", name, waot_abi_trap_message(trap),
                 waot_status_name(status), status == WAOT_OK ? "" : err.message);
}

/* host.twice(x) = 2x; a negative x is the host's failure, a trap. */
static void stress_twice(waot_abi_host_closure *closure, const waot_abi_value *args,
                         waot_abi_value *results)
{
    stress_shared *shared = closure->user;
    atomic_fetch_add_explicit(&shared->host_calls, 1, memory_order_relaxed);
    if (args[0].i32 < 0)
        waot_host_trap(closure);
    results[0].i32 = args[0].i32 * 2;
}

/* host.fail: always the host's failure. */
STRESS_TRAPPING_HOST static void stress_fail(waot_abi_host_closure *closure,
                                             const waot_abi_value *args, waot_abi_value *results)
{
    waot_host_trap(closure);
}

/* A module the thread shares with the others, or now and then its own
 * load of the same file: the same file maps to the same module. */
static waot_module *stress_module(stress_worker *w, waot_module *shared, const char *path,
                                  bool fresh, bool *owned)
{
    *owned = false;
    if (!fresh)
        return shared;
    waot_module *module;
    waot_error err = {0};
    if (!stress_check(w, waot_module_load(path, &module, &err) == WAOT_OK, "loading %s: %s", path,
                      err.message))
        return shared;
    stress_check(w, waot_module_descriptor(module) == waot_module_descriptor(shared),
                 "a second load of %s maps another copy", path);
    *owned = true;
    return module;
}

static uint32_t stress_fib(uint32_t n)
{
    return n < 2 ? n : stress_fib(n - 1) + stress_fib(n - 2);
}

static void stress_work(stress_worker *w, unsigned iteration)
{
    stress_shared *s = w->shared;
    bool owned;
    waot_module *module = stress_module(w, s->work, s->work_path, iteration % 4 == 1, &owned);
    waot_instance *instance;
    waot_error err = {0};
    if (!stress_check(w, waot_instantiate(s->linker, module, &instance, &err) == WAOT_OK,
                      "instantiating the work module: %s", err.message)) {
        if (owned)
            waot_module_free(module);
        return;
    }
    /* An owned module may go at once: the instance keeps its code. */
    if (owned)
        waot_module_free(module);

    int32_t n = (int32_t)(12 + (w->id + iteration) % 8);
    stress_expect(w, instance, "fib", &n, 1, (int32_t)stress_fib((uint32_t)n));
    int32_t seed = (int32_t)(w->id * 100000 + iteration), count = 1000 + (int32_t)iteration;
    uint32_t sum = 0;
    for (int32_t i = 0; i < count; i++)
        sum += (uint32_t)(seed + i);
    stress_expect(w, instance, "fill_and_sum", (int32_t[]){seed, count}, 2, (int32_t)sum);
    for (int32_t i = 1; i <= 3; i++)
        stress_expect(w, instance, "bump", NULL, 0, i);
    int32_t x = (int32_t)iteration;
    stress_expect(w, instance, "via_host", &x, 1, 2 * x + 1);
    w->host_calls++;

    /* Each trap, then a call that must still work. */
    stress_expect_trap(w, instance, "unreachable", NULL, 0, 0, WAOT_TRAP_UNREACHABLE);
    stress_expect_trap(w, instance, "div", (int32_t[]){7, 0}, 2, 1, WAOT_TRAP_DIVIDE_BY_ZERO);
    stress_expect_trap(w, instance, "div", (int32_t[]){INT32_MIN, -1}, 2, 1,
                       WAOT_TRAP_INTEGER_OVERFLOW);
    stress_expect(w, instance, "div", (int32_t[]){-7, 2}, 2, -3);
    stress_expect_trap(w, instance, "load", (int32_t[]){STRESS_PAGE}, 1, 1,
                       WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    stress_expect_trap(w, instance, "load", (int32_t[]){-4}, 1, 1,
                       WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    stress_expect(w, instance, "load", (int32_t[]){4}, 1, seed + 1);
    stress_expect_trap(w, instance, "recurse", (int32_t[]){0}, 1, 1, WAOT_TRAP_STACK_EXHAUSTED);
    stress_expect(w, instance, "indirect", (int32_t[]){0, 10}, 2, 55);
    stress_expect_trap(w, instance, "indirect", (int32_t[]){1, 10}, 2, 1,
                       WAOT_TRAP_UNINITIALIZED_ELEMENT);
    stress_expect_trap(w, instance, "indirect", (int32_t[]){2, 10}, 2, 1,
                       WAOT_TRAP_UNDEFINED_ELEMENT);
    stress_expect_trap(w, instance, "via_host", (int32_t[]){-1}, 1, 1, WAOT_TRAP_HOST);
    w->host_calls++;
    stress_expect(w, instance, "bump", NULL, 0, 4);

    /* memory.grow to the maximum (4 pages) and past it. */
    stress_expect(w, instance, "pages", NULL, 0, 1);
    stress_expect(w, instance, "grow", (int32_t[]){1}, 1, 1);
    int32_t marker = seed ^ 0x5a5a5a5a;
    waot_status stored =
        stress_call(instance, "store", (int32_t[]){STRESS_PAGE + 8, marker}, 2, 0, NULL, &err);
    stress_check(w, stored == WAOT_OK, "store in the grown page: %s", err.message);
    stress_expect(w, instance, "load", (int32_t[]){STRESS_PAGE + 8}, 1, marker);
    stress_expect_trap(w, instance, "load", (int32_t[]){2 * STRESS_PAGE}, 1, 1,
                       WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    stress_expect(w, instance, "grow", (int32_t[]){3}, 1, -1);
    stress_expect(w, instance, "grow", (int32_t[]){2}, 1, 2);
    stress_expect(w, instance, "pages", NULL, 0, 4);
    stress_expect(w, instance, "load", (int32_t[]){4 * STRESS_PAGE - 4}, 1, 0);
    stress_expect_trap(w, instance, "load", (int32_t[]){4 * STRESS_PAGE - 3}, 1, 1,
                       WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    waot_instance_free(instance);
}

/* The byte the image module's data puts at `address`. */
static int32_t stress_image_byte(uint32_t address)
{
    return (uint8_t)STRESS_IMAGE_ALPHABET[(address - STRESS_IMAGE_AT) % STRESS_IMAGE_PERIOD];
}

static void stress_image(stress_worker *w, unsigned iteration)
{
    stress_shared *s = w->shared;
    bool owned;
    waot_module *module = stress_module(w, s->image, s->image_path, iteration % 3 == 2, &owned);
    waot_instance *a = NULL, *b = NULL;
    waot_error err = {0};
    bool made = stress_check(w, waot_instantiate(NULL, module, &a, &err) == WAOT_OK,
                             "instantiating the image module: %s", err.message) &&
                stress_check(w, waot_instantiate(NULL, module, &b, &err) == WAOT_OK,
                             "instantiating the image module again: %s", err.message);
    if (made) {
        /* Bytes across the whole image, a page apart and then some. */
        for (uint32_t k = 0; k < STRESS_IMAGE_BYTES; k += 4096 + 7) {
            uint32_t address = STRESS_IMAGE_AT + k;
            stress_expect(w, a, "byte", (int32_t[]){(int32_t)address}, 1,
                          stress_image_byte(address));
        }
        stress_expect(w, a, "byte", (int32_t[]){STRESS_IMAGE_AT - 1}, 1, 0);
        stress_expect(w, a, "byte", (int32_t[]){STRESS_IMAGE_AT + STRESS_IMAGE_BYTES}, 1, 0);
        /* A write is the writer's own. */
        uint32_t address = STRESS_IMAGE_AT + (w->id * 7919 + iteration * 104729) %
                                                 STRESS_IMAGE_BYTES;
        waot_status poked =
            stress_call(a, "poke", (int32_t[]){(int32_t)address, 0x01}, 2, 0, NULL, &err);
        stress_check(w, poked == WAOT_OK, "poke: %s", err.message);
        stress_expect(w, a, "byte", (int32_t[]){(int32_t)address}, 1, 0x01);
        stress_expect(w, b, "byte", (int32_t[]){(int32_t)address}, 1,
                      stress_image_byte(address));
    }
    waot_instance_free(a);
    if (owned)
        waot_module_free(module);
    if (b) {
        /* With the other instance and this load gone, the image stays. */
        stress_expect(w, b, "byte", (int32_t[]){STRESS_IMAGE_AT + 1}, 1,
                      stress_image_byte(STRESS_IMAGE_AT + 1));
        waot_instance_free(b);
    }
}

static void stress_cross_instance(stress_worker *w, unsigned iteration)
{
    stress_shared *s = w->shared;
    waot_linker *linker = NULL;
    waot_instance *lib = NULL, *user = NULL;
    waot_error err = {0};
    if (!stress_check(w, waot_linker_new(&linker) == WAOT_OK, "a new linker") ||
        !stress_check(w, waot_instantiate(NULL, s->lib, &lib, &err) == WAOT_OK,
                      "instantiating lib: %s", err.message) ||
        !stress_check(w, waot_linker_define_instance(linker, "lib", lib) == WAOT_OK,
                      "defining lib") ||
        !stress_check(w, waot_instantiate(linker, s->user, &user, &err) == WAOT_OK,
                      "instantiating user: %s", err.message)) {
        waot_instance_free(lib);
        waot_linker_free(linker);
        return;
    }
    /* The linker's reference keeps lib alive as long as user needs it. */
    waot_linker_free(linker);
    int32_t n = 50 + (int32_t)(iteration % 50);
    stress_expect(w, user, "sum_to", &n, 1, n * (n + 1) / 2);
    int32_t address = (int32_t)(8 * (w->id + 1)), value = (int32_t)(w->id << 16 | iteration);
    waot_status poked = stress_call(lib, "poke", (int32_t[]){address, value}, 2, 0, NULL, &err);
    stress_check(w, poked == WAOT_OK, "lib.poke: %s", err.message);
    stress_expect(w, user, "peek", &address, 1, value);
    stress_expect_trap(w, user, "trap_in_lib", NULL, 0, 0, WAOT_TRAP_UNREACHABLE);
    stress_expect(w, user, "sum_to", &n, 1, n * (n + 1) / 2);
    /* Exporters outlive their importers, whichever goes first. */
    if (iteration % 2) {
        waot_instance_free(lib);
        stress_expect(w, user, "peek", &address, 1, value);
        waot_instance_free(user);
    } else {
        waot_instance_free(user);
        stress_expect(w, lib, "add", (int32_t[]){n, 1}, 2, n + 1);
        waot_instance_free(lib);
    }
}

static void stress_trap_storm(stress_worker *w)
{
    static const struct {
        const char *name;
        int32_t args[2];
        size_t arg_count, result_count;
        waot_abi_trap trap;
    } kinds[] = {
        {"unreachable", {0}, 0, 0, WAOT_TRAP_UNREACHABLE},             /* compiled code */
        {"div", {1, 0}, 2, 1, WAOT_TRAP_DIVIDE_BY_ZERO},               /* compiled code */
        {"indirect", {1, 0}, 2, 1, WAOT_TRAP_UNINITIALIZED_ELEMENT},   /* trap_element */
        {"fill_table", {5}, 1, 0, WAOT_TRAP_TABLE_OUT_OF_BOUNDS},      /* runtime table */
        {"host_fail", {0}, 0, 0, WAOT_TRAP_HOST},                      /* host function */
        {"load", {STRESS_PAGE}, 1, 1, WAOT_TRAP_MEMORY_OUT_OF_BOUNDS}, /* fault */
    };
    enum { KINDS = sizeof kinds / sizeof kinds[0] };
    waot_instance *instance;
    waot_error err = {0};
    if (!stress_check(w, waot_instantiate(w->shared->linker, w->shared->work, &instance, &err) ==
                             WAOT_OK,
                      "instantiating the work module for the storm: %s", err.message))
        return;
    unsigned right[KINDS] = {0};
    for (unsigned i = 0; i < STRESS_TRAP_STORM; i++) {
        unsigned k = i % KINDS;
        waot_status status = stress_call(instance, kinds[k].name, kinds[k].args,
                                         kinds[k].arg_count, kinds[k].result_count, NULL, &err);
        right[k] += status == WAOT_ERROR_TRAP && err.trap == kinds[k].trap;
    }
    for (unsigned k = 0; k < KINDS; k++) {
        unsigned expected = STRESS_TRAP_STORM / KINDS + (k < STRESS_TRAP_STORM % KINDS);
        stress_check(w, right[k] == expected, "storm: %u of %u calls of %s trapped with \"%s\"",
                     right[k], expected, kinds[k].name, waot_abi_trap_message(kinds[k].trap));
    }
    int32_t n = 20;
    stress_expect(w, instance, "fib", &n, 1, 6765);
    waot_instance_free(instance);
}

static void *stress_run(void *arg)
{
    stress_worker *w = arg;
    pthread_barrier_wait(&w->shared->start);
    for (unsigned i = 0; i < w->shared->iterations; i++) {
        stress_work(w, i);
        stress_image(w, i);
        stress_cross_instance(w, i);
    }
    stress_trap_storm(w);
    return NULL;
}

static bool stress_load(const char *path, waot_module **out)
{
    waot_error err = {0};
    if (waot_module_load(path, out, &err) == WAOT_OK)
        return true;
    fprintf(stderr, "runtime_test_stress: %s: %s\n", path, err.message);
    return false;
}

static unsigned stress_number(const char *text, unsigned fallback, unsigned max)
{
    if (!text)
        return fallback;
    char *end;
    unsigned long n = strtoul(text, &end, 10);
    return *end || n == 0 || n > max ? fallback : (unsigned)n;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s WORK LIB USER IMAGE [THREADS [ITERATIONS]]\n", argv[0]);
        return 2;
    }
    static stress_shared s;
    s.work_path = argv[1];
    s.lib_path = argv[2];
    s.user_path = argv[3];
    s.image_path = argv[4];
    unsigned threads = stress_number(argc > 5 ? argv[5] : NULL, STRESS_DEFAULT_THREADS,
                                     STRESS_MAX_THREADS);
    s.iterations = stress_number(argc > 6 ? argv[6] : NULL, STRESS_DEFAULT_ITERATIONS, 1000000);
    static const uint8_t i32[] = {WAOT_ABI_I32};
    if (!stress_load(s.work_path, &s.work) || !stress_load(s.lib_path, &s.lib) ||
        !stress_load(s.user_path, &s.user) || !stress_load(s.image_path, &s.image) ||
        waot_linker_new(&s.linker) != WAOT_OK ||
        waot_linker_define_func(s.linker, "host", "twice", i32, 1, i32, 1, stress_twice, &s) !=
            WAOT_OK ||
        waot_linker_define_func(s.linker, "host", "fail", NULL, 0, NULL, 0, stress_fail, NULL) !=
            WAOT_OK)
        return 1;

    stress_worker workers[STRESS_MAX_THREADS] = {0};
    pthread_barrier_init(&s.start, NULL, threads);
    unsigned started = 0;
    for (; started < threads; started++) {
        workers[started] = (stress_worker){.shared = &s, .id = started};
        if (pthread_create(&workers[started].thread, NULL, stress_run, &workers[started]) != 0)
            break;
    }
    if (started < threads) {
        /* The barrier waits for `threads`: without them all, give up. */
        fprintf(stderr, "runtime_test_stress: could start only %u threads\n", started);
        return 1;
    }
    unsigned passed = 0, failed = 0, host_calls = 0;
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        passed += workers[i].passed;
        failed += workers[i].failed;
        host_calls += workers[i].host_calls;
    }
    pthread_barrier_destroy(&s.start);
    /* Every host call counted once, whichever thread made it. */
    unsigned counted = atomic_load(&s.host_calls);
    if (counted == host_calls) {
        passed++;
    } else {
        failed++;
        printf("FAIL host.twice ran %u times, the threads called it %u times\n", counted,
               host_calls);
    }
    waot_linker_free(s.linker);
    waot_module_free(s.work);
    waot_module_free(s.lib);
    waot_module_free(s.user);
    waot_module_free(s.image);
    printf("runtime.stress: %u threads x %u iterations\n", threads, s.iterations);
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
