/*
 * Host->wasm entries and traps (entry_internal.h).
 *
 * Per thread: the innermost entry record and the stack bounds, in
 * initial-exec TLS so the fault handler can read them without calling into
 * the dynamic linker.  Records live in the frames of waot_rt_call_guarded,
 * so nested host->wasm->host->wasm calls each catch their own traps and a
 * trap never crosses a thread.
 *
 * An exit (waot_rt_exit, for WASI's proc_exit) unwinds the same way with a
 * value outside the trap enum, the exit code kept in TLS beside it.
 *
 * Jump buffers do not save the signal mask (no syscall per call): the fault
 * handler is installed with SA_NODEFER and an empty sa_mask, so jumping out
 * of it leaves the mask as the call found it.
 *
 * The stack limit: at a thread's outermost entry, the current frame minus
 * the configured budget, but never closer than a margin to the thread's
 * real stack end, which host functions called from wasm and the dynamic
 * linker still need.  Nested entries keep that limit, so a host function
 * cannot reset the budget by calling back into wasm.
 */
#include "entry_internal.h"

#include "config_internal.h"
#include "signals_internal.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <unistd.h>

#define TLS_MODEL __attribute__((tls_model("initial-exec")))

/* Stack kept free below the limit for host code, at most half the stack. */
#define ENTRY_HOST_STACK_MARGIN ((uintptr_t)256 << 10)
/* The kernel's gap below a growing stack, when pthreads reports no guard. */
#define ENTRY_MIN_GUARD_BYTES ((uintptr_t)1 << 20)

typedef struct entry_record {
    sigjmp_buf jump;
    struct entry_record *outer;
} entry_record;

typedef struct entry_thread {
    bool prepared;
    uintptr_t stack_low;   /* lowest usable stack address; 0 when unknown */
    uintptr_t guard_low;   /* faults in [guard_low, stack_low + page) are overflow */
    uintptr_t limit;       /* fixed at the outermost entry */
} entry_thread;

static _Thread_local entry_record *entry_innermost TLS_MODEL;
static _Thread_local entry_thread entry_this_thread TLS_MODEL;
/* The table element the last trap was about, or -1. */
static _Thread_local int64_t entry_trap_element TLS_MODEL = -1;
/* The status of the last waot_rt_exit. */
static _Thread_local int entry_exit_code TLS_MODEL;

static void entry_prepare_thread(void)
{
    entry_thread *t = &entry_this_thread;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *addr = NULL;
        size_t size = 0, guard = 0;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            pthread_attr_getguardsize(&attr, &guard);
            if (guard < ENTRY_MIN_GUARD_BYTES)
                guard = ENTRY_MIN_GUARD_BYTES;
            t->stack_low = (uintptr_t)addr;
            t->guard_low = t->stack_low > guard ? t->stack_low - guard : 0;
        }
        pthread_attr_destroy(&attr);
    }
    waot_rt_signals_prepare_thread();
    t->prepared = true;
}

static uintptr_t entry_outermost_limit(uintptr_t frame)
{
    const entry_thread *t = &entry_this_thread;
    size_t budget = waot_rt_config_max_stack_bytes();
    uintptr_t limit = frame > budget ? frame - budget : 0;
    if (t->stack_low && frame > t->stack_low) {
        uintptr_t margin = (frame - t->stack_low) / 2;
        if (margin > ENTRY_HOST_STACK_MARGIN)
            margin = ENTRY_HOST_STACK_MARGIN;
        if (limit < t->stack_low + margin)
            limit = t->stack_low + margin;
    }
    return limit;
}

waot_abi_trap waot_rt_call_guarded(waot_abi_context *caller, const waot_abi_funcref *callee,
                                   bool callee_is_host, waot_abi_trampoline trampoline,
                                   const waot_abi_value *args, waot_abi_value *results)
{
    if (!entry_this_thread.prepared)
        entry_prepare_thread();
    entry_record record;
    record.outer = entry_innermost;
    if (!record.outer)
        entry_this_thread.limit = entry_outermost_limit((uintptr_t)__builtin_frame_address(0));
    caller->stack_limit = entry_this_thread.limit;
    if (!callee_is_host)
        ((waot_abi_context *)callee->ctx)->stack_limit = entry_this_thread.limit;

    entry_trap_element = -1;
    int trap = sigsetjmp(record.jump, 0);
    if (trap == 0) {
        entry_innermost = &record;
        trampoline(callee->code, callee->ctx, args, results);
        entry_innermost = record.outer;
        return WAOT_TRAP_NONE;
    }
    /* Only `record`, untouched since sigsetjmp, is read after the jump. */
    entry_innermost = record.outer;
    return (waot_abi_trap)trap;
}

void waot_rt_trap(waot_abi_context *ctx, uint32_t trap)
{
    (void)ctx;
    entry_trap_element = -1;
    if (trap == WAOT_TRAP_NONE || trap >= WAOT_TRAP_COUNT)
        trap = WAOT_TRAP_COUNT;
    waot_rt_unwind((waot_abi_trap)trap);
}

void waot_rt_trap_element(waot_abi_context *ctx, uint32_t trap, uint32_t index)
{
    (void)ctx;
    if (trap == WAOT_TRAP_NONE || trap >= WAOT_TRAP_COUNT)
        trap = WAOT_TRAP_COUNT;
    entry_trap_element = index;
    waot_rt_unwind((waot_abi_trap)trap);
}

void waot_rt_exit(int code)
{
    entry_trap_element = -1;
    entry_exit_code = code;
    waot_rt_unwind(WAOT_RT_UNWIND_EXIT);
}

int waot_rt_exit_code(void)
{
    return entry_exit_code;
}

int64_t waot_rt_take_trap_element(void)
{
    int64_t index = entry_trap_element;
    entry_trap_element = -1;
    return index;
}

void waot_rt_unwind(waot_abi_trap trap)
{
    entry_record *record = entry_innermost;
    if (!record) {
        static const char message[] = "waot: trap outside of any call into wasm\n";
        ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
        abort();
    }
    siglongjmp(record->jump, (int)trap);
}

bool waot_rt_thread_in_wasm(void)
{
    return entry_innermost != NULL;
}

bool waot_rt_thread_stack_guard_contains(uintptr_t address)
{
    const entry_thread *t = &entry_this_thread;
    return t->stack_low && address >= t->guard_low && address < t->stack_low + 4096;
}
