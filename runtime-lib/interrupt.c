/*
 * Stopping running code (waot_instance_interrupt, waot_instance_set_deadline).
 *
 * Code compiled with interruption checks polls its context's `interrupt`
 * word at every function entry and loop head (aot/lower_control.c) and
 * traps with WAOT_TRAP_INTERRUPTED when it is set, clearing it.  Asking is
 * therefore one store, safe from any thread or a signal handler.
 *
 * Deadlines are kept by one watchdog thread, started by the first deadline:
 * a list of armed instances under a lock, and a condition variable on the
 * monotonic clock that wakes the watchdog for the earliest one or for a
 * change of the list.  An instance leaves the list when its deadline fires,
 * when it is disarmed, and before its record is freed.
 */
#include "interrupt_internal.h"

#include "error_internal.h"
#include "instance_internal.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

static pthread_mutex_t interrupt_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t interrupt_wake;
static bool interrupt_watchdog_running;
static waot_instance *interrupt_armed; /* linked through deadline_next */

static uint64_t interrupt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void interrupt_request(waot_instance *instance)
{
    __atomic_store_n(&instance->ctx.interrupt, 1u, __ATOMIC_RELAXED);
}

/* Takes `instance` off the armed list; the lock is held. */
static void interrupt_unlist(waot_instance *instance)
{
    for (waot_instance **p = &interrupt_armed; *p; p = &(*p)->deadline_next) {
        if (*p == instance) {
            *p = instance->deadline_next;
            break;
        }
    }
    instance->deadline_next = NULL;
    /* Release: whoever reads false without the lock (waot_rt_interrupt_forget,
     * about to free the instance) comes after every access made here. */
    atomic_store_explicit(&instance->deadline_armed, false, memory_order_release);
}

static void *interrupt_watchdog(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&interrupt_lock);
    for (;;) {
        uint64_t now = interrupt_now(), earliest = UINT64_MAX;
        for (waot_instance **p = &interrupt_armed; *p;) {
            waot_instance *instance = *p;
            if (instance->deadline_ns <= now) {
                interrupt_request(instance);
                interrupt_unlist(instance);
                continue; /* *p is the next one now */
            }
            if (instance->deadline_ns < earliest)
                earliest = instance->deadline_ns;
            p = &instance->deadline_next;
        }
        if (earliest == UINT64_MAX) {
            pthread_cond_wait(&interrupt_wake, &interrupt_lock);
        } else {
            struct timespec until = {.tv_sec = (time_t)(earliest / 1000000000u),
                                     .tv_nsec = (long)(earliest % 1000000000u)};
            pthread_cond_timedwait(&interrupt_wake, &interrupt_lock, &until);
        }
    }
    return NULL;
}

/* Starts the watchdog once; the lock is held. */
static bool interrupt_start_watchdog(void)
{
    if (interrupt_watchdog_running)
        return true;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&interrupt_wake, &attr);
    pthread_condattr_destroy(&attr);
    /* The host's signals go to its own threads, never to the watchdog. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t thread;
    bool started = pthread_create(&thread, NULL, interrupt_watchdog, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        pthread_cond_destroy(&interrupt_wake);
        return false;
    }
    pthread_detach(thread);
    interrupt_watchdog_running = true;
    return true;
}

static bool interrupt_supported(const waot_instance *instance)
{
    return instance->module->descriptor->flags & WAOT_ABI_MODULE_INTERRUPTIBLE;
}

waot_status waot_instance_interrupt(waot_instance *instance)
{
    if (!instance || !interrupt_supported(instance))
        return WAOT_ERROR_ARGUMENT;
    interrupt_request(instance);
    return WAOT_OK;
}

waot_status waot_instance_set_deadline(waot_instance *instance, uint64_t nanoseconds)
{
    if (!instance || !interrupt_supported(instance))
        return WAOT_ERROR_ARGUMENT;
    pthread_mutex_lock(&interrupt_lock);
    if (atomic_load_explicit(&instance->deadline_armed, memory_order_relaxed))
        interrupt_unlist(instance);
    /* A request left over from before (the call it was meant for had
     * returned) must not stop the calls the new deadline is for. */
    __atomic_store_n(&instance->ctx.interrupt, 0u, __ATOMIC_RELAXED);
    waot_status status = WAOT_OK;
    if (nanoseconds) {
        if (interrupt_start_watchdog()) {
            uint64_t now = interrupt_now();
            instance->deadline_ns = nanoseconds > UINT64_MAX - now ? UINT64_MAX : now + nanoseconds;
            instance->deadline_next = interrupt_armed;
            interrupt_armed = instance;
            atomic_store_explicit(&instance->deadline_armed, true, memory_order_relaxed);
            pthread_cond_signal(&interrupt_wake);
        } else {
            status = WAOT_ERROR_NOMEM;
        }
    }
    pthread_mutex_unlock(&interrupt_lock);
    return status;
}

void waot_rt_interrupt_forget(waot_instance *instance)
{
    /* Acquire, paired with interrupt_unlist: a deadline that fired was
     * done with the instance before the caller frees it. */
    if (!atomic_load_explicit(&instance->deadline_armed, memory_order_acquire))
        return;
    pthread_mutex_lock(&interrupt_lock);
    if (atomic_load_explicit(&instance->deadline_armed, memory_order_relaxed))
        interrupt_unlist(instance);
    pthread_mutex_unlock(&interrupt_lock);
}
