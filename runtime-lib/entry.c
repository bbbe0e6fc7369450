/*
 * Host->wasm entries and traps (entry_internal.h).
 *
 * Per thread: the innermost entry record and the stack bounds, in
 * initial-exec TLS so the fault handler can read them without calling into
 * the dynamic linker.  Records live in the frames of waot_rt_call_guarded,
 * so nested host->wasm->host->wasm calls each catch their own traps and a
 * trap never crosses a thread.
 *
 * The generated headers of linked-in modules (waot_static.h) push the same
 * records from their own frames, inline: the innermost entry, the limit and
 * the last trap's element are therefore one public TLS record,
 * waot_static_this_thread; the rest stays here.
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
#include "error_internal.h"
#include "signals_internal.h"
#include "waot_static.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <unistd.h>

#define TLS_MODEL __attribute__((tls_model("initial-exec")))

/* AddressSanitizer must forget the frames a __builtin_longjmp skips (it
 * does so by itself for siglongjmp). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ENTRY_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ENTRY_ASAN 1
#endif
#ifdef ENTRY_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* Stack kept free below the limit for host code, at most half the stack. */
#define ENTRY_HOST_STACK_MARGIN ((uintptr_t)256 << 10)
/* The kernel's gap below a growing stack, when pthreads reports no guard. */
#define ENTRY_MIN_GUARD_BYTES ((uintptr_t)1 << 20)

/* Entries are waot_static.h's guards.  Those of waot_rt_call_guarded have no
 * owner and sit first in this record, whose sigjmp_buf they jump to; the
 * generated headers' ones jump by __builtin_longjmp. */
typedef struct entry_record {
    waot_static_guard guard;
    sigjmp_buf jump;
} entry_record;

typedef struct entry_thread {
    bool prepared;
    uintptr_t stack_low;   /* lowest usable stack address; 0 when unknown */
    uintptr_t guard_low;   /* faults in [guard_low, stack_low + page) are overflow */
} entry_thread;

/* The innermost entry, the stack limit (and for which guard frame
 * waot_static_enter last set it) and the table element the last trap was about (-1: none): public, for
 * the inline guard entries of waot_static.h. */
__thread waot_static_thread waot_static_this_thread TLS_MODEL = {.trap_element = -1};
static _Thread_local entry_thread entry_this_thread TLS_MODEL;
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
    record.guard.owner = NULL;
    record.guard.outer = waot_static_this_thread.innermost;
    if (!record.guard.outer) {
        waot_static_this_thread.limit =
            entry_outermost_limit((uintptr_t)__builtin_frame_address(0));
        waot_static_this_thread.static_frame = 0;
    }
    caller->stack_limit = waot_static_this_thread.limit;
    if (!callee_is_host)
        ((waot_abi_context *)callee->ctx)->stack_limit = waot_static_this_thread.limit;

    waot_static_this_thread.trap_element = -1;
    int trap = sigsetjmp(record.jump, 0);
    if (trap == 0) {
        waot_static_this_thread.innermost = &record.guard;
        trampoline(callee->code, callee->ctx, args, results);
        waot_static_this_thread.innermost = record.guard.outer;
        return WAOT_TRAP_NONE;
    }
    /* Only `record`, untouched since sigsetjmp, is read after the jump. */
    waot_static_this_thread.innermost = record.guard.outer;
    return (waot_abi_trap)trap;
}

void waot_static_enter_slow(uintptr_t frame)
{
    if (!entry_this_thread.prepared)
        entry_prepare_thread();
    waot_static_this_thread.limit = entry_outermost_limit(frame);
    waot_static_this_thread.static_frame = frame;
}

void waot_static_trapped(waot_static_guard *guard)
{
    waot_static_this_thread.innermost = guard->outer;
    waot_static_instance *owner = guard->owner;
    owner->status = waot_rt_fail_trap(&owner->error, (waot_abi_trap)guard->code);
}

void waot_rt_trap(waot_abi_context *ctx, uint32_t trap)
{
    (void)ctx;
    waot_static_this_thread.trap_element = -1;
    if (trap == WAOT_TRAP_NONE || trap >= WAOT_TRAP_COUNT)
        trap = WAOT_TRAP_COUNT;
    waot_rt_unwind((waot_abi_trap)trap);
}

void waot_rt_trap_element(waot_abi_context *ctx, uint32_t trap, uint32_t index)
{
    (void)ctx;
    if (trap == WAOT_TRAP_NONE || trap >= WAOT_TRAP_COUNT)
        trap = WAOT_TRAP_COUNT;
    waot_static_this_thread.trap_element = index;
    waot_rt_unwind((waot_abi_trap)trap);
}

void waot_rt_exit(int code)
{
    waot_static_this_thread.trap_element = -1;
    entry_exit_code = code;
    waot_rt_unwind(WAOT_RT_UNWIND_EXIT);
}

int waot_rt_exit_code(void)
{
    return entry_exit_code;
}

int64_t waot_rt_take_trap_element(void)
{
    int64_t index = waot_static_this_thread.trap_element;
    waot_static_this_thread.trap_element = -1;
    return index;
}

void waot_rt_unwind(waot_abi_trap trap)
{
    waot_static_guard *record = waot_static_this_thread.innermost;
    if (!record) {
        static const char message[] = "waot: trap outside of any call into wasm\n";
        ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
        abort();
    }
    if (record->owner) {
        record->code = (int)trap;
#ifdef ENTRY_ASAN
        __asan_handle_no_return();
#endif
        __builtin_longjmp(record->jump, 1);
    }
    siglongjmp(((entry_record *)record)->jump, (int)trap);
}

bool waot_rt_thread_in_wasm(void)
{
    return waot_static_this_thread.innermost != NULL;
}

bool waot_rt_thread_stack_guard_contains(uintptr_t address)
{
    const entry_thread *t = &entry_this_thread;
    return t->stack_low && address >= t->guard_low && address < t->stack_low + 4096;
}
