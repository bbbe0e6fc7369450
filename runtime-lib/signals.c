/*
 * The fault handler (signals_internal.h).
 *
 * A SIGSEGV or SIGBUS becomes a wasm trap only when both of these hold: the
 * faulting instruction is in registered wasm code, and the address is in a linear memory's reservation
 * (out of bounds access) or at the thread's stack guard (stack overflow the
 * prologue checks missed).  Anything else is not ours: the handler that was
 * installed before runs, or, when that was the default, the default action
 * is restored and the faulting instruction re-executes and kills the
 * process with the original signal, so a host bug still crashes as one.
 *
 * The handler runs on a per-thread alternate stack (a stack overflow leaves
 * no room on the thread's own) and uses only async-signal-safe operations:
 * TLS reads, lock-free range lookups, reads of the stack, sigaction.  A trap
 * returns from the handler into a rewritten context (entry.c), so the
 * kernel restores the signal mask and leaves the alternate stack.
 */
#include "signals_internal.h"

#include "address_ranges_internal.h"
#include "entry_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* Room for the kernel's signal frame (AVX-512 and AMX state are large), our
 * handler, and a chained handler that may print a report. */
#define SIGNALS_STACK_BYTES ((size_t)128 << 10)

static pthread_once_t signals_once = PTHREAD_ONCE_INIT;
static pthread_key_t signals_stack_key;
static bool signals_stack_key_made;
static struct sigaction signals_previous_segv;
static struct sigaction signals_previous_bus;

static uintptr_t signals_fault_pc(const ucontext_t *uc)
{
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
}

/* Hands a fault that is not a wasm trap to whoever would have had it. */
static void signals_chain(int signal, siginfo_t *info, void *context)
{
    const struct sigaction *previous =
        signal == SIGSEGV ? &signals_previous_segv : &signals_previous_bus;
    if (previous->sa_flags & SA_SIGINFO) {
        previous->sa_sigaction(signal, info, context);
        return;
    }
    if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
        previous->sa_handler(signal);
        return;
    }
    /* Ignoring a fault would loop forever; both mean the default. */
    int saved_errno = errno;
    struct sigaction default_action = {.sa_handler = SIG_DFL};
    sigemptyset(&default_action.sa_mask);
    sigaction(signal, &default_action, NULL);
    /* A fault re-raises itself when the instruction re-executes; a signal
     * sent by kill() does not, so send it again. */
    if (info->si_code <= 0)
        raise(signal);
    errno = saved_errno;
}

static void signals_handle_fault(int signal, siginfo_t *info, void *context)
{
    if (waot_rt_range_contains(&waot_rt_code_ranges, signals_fault_pc(context))) {
        uintptr_t address = (uintptr_t)info->si_addr;
        if (waot_rt_range_contains(&waot_rt_memory_reservations, address)) {
            waot_rt_trap_in_context(context, WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
            return;
        }
        if (waot_rt_thread_stack_guard_contains(address)) {
            waot_rt_trap_in_context(context, WAOT_TRAP_STACK_EXHAUSTED);
            return;
        }
    }
    signals_chain(signal, info, context);
}

static size_t signals_page_size(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096;
}

/* Thread exit: drop this thread's alternate stack, unless someone replaced
 * it meanwhile. */
static void signals_free_thread_stack(void *mapping)
{
    size_t guard = signals_page_size();
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && current.ss_sp == (char *)mapping + guard) {
        stack_t disable = {.ss_flags = SS_DISABLE};
        sigaltstack(&disable, NULL);
    }
    munmap(mapping, guard + SIGNALS_STACK_BYTES);
}

static void signals_install(void)
{
    signals_stack_key_made = pthread_key_create(&signals_stack_key,
                                                signals_free_thread_stack) == 0;
    struct sigaction action = {.sa_sigaction = signals_handle_fault,
                               .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &signals_previous_segv);
    sigaction(SIGBUS, &action, &signals_previous_bus);
}

void waot_rt_signals_prepare_thread(void)
{
    pthread_once(&signals_once, signals_install);
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE))
        return;
    /* A PROT_NONE page below catches an overflow of the alternate stack. */
    size_t guard = signals_page_size();
    char *mapping = mmap(NULL, guard + SIGNALS_STACK_BYTES, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return;
    mprotect(mapping, guard, PROT_NONE);
    stack_t stack = {.ss_sp = mapping + guard, .ss_size = SIGNALS_STACK_BYTES};
    if (sigaltstack(&stack, NULL) != 0) {
        munmap(mapping, guard + SIGNALS_STACK_BYTES);
        return;
    }
    if (signals_stack_key_made)
        pthread_setspecific(signals_stack_key, mapping);
}
