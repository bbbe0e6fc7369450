/*
 * Host->wasm entries and traps (entry_internal.h).
 *
 * An entry costs nothing beyond its call sequence (WAOT_STATIC_CALL_SEQUENCE):
 * the work happens only when a trap unwinds.  Then a walk over frame
 * records ([0] the caller's record, [1] the return address; compiled code,
 * its trampolines and adapters, and this runtime all keep frame pointers,
 * except compiled leaves that can neither trap nor call, which never start
 * a walk with %rbp changed: aot/lower_control.c) finds the first wasm frame
 * the host called: the last record, climbing from the trap, whose return
 * address is outside compiled code.  That address must be an entry
 * sequence's marker (xor %r11d, %r11d); the trap resumes just past it with
 * the stack pointer the call left, the frame pointer the wasm function
 * saved, and the trap in %r11.  Every other
 * register is the call sequence's clobber, so nothing else needs restoring,
 * and nested host->wasm->host->wasm calls each stop at their own entry.
 *
 * Where a walk starts: a fault in compiled code, at the faulting frame (the
 * handler rewrites the signal context and returns through the kernel); a
 * trap raised by compiled code through the runtime table, at the runtime's
 * own frame, climbing its C frames first; a trap raised inside a host
 * function (whose frames may have no records), at the innermost exit record,
 * which waot_rt_host_shim leaves for the duration of every host call.
 *
 * The stack limit: when a thread first enters wasm, the current frame minus
 * the configured budget, but never closer than a margin to the thread's
 * real stack end, which host functions called from wasm and the dynamic
 * linker still need.  It stays for the thread's life, so a host function
 * cannot reset the budget by calling back into wasm.
 */
#include "entry_internal.h"

#include "address_ranges_internal.h"
#include "config_internal.h"
#include "error_internal.h"
#include "signals_internal.h"
#include "waot_static.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#if !defined(__x86_64__)
#error "entry.c: the entry sequence and the resume are x86-64 code; port them first"
#endif

#define TLS_MODEL __attribute__((tls_model("initial-exec")))

/* AddressSanitizer must forget the frames a resume skips: the runtime's own
 * frames, on the way from waot_rt_trap to the entry, are instrumented in a
 * sanitizer build, and their redzones would outlive them.  A fault needs
 * nothing of the kind: the frames between it and its entry are all
 * compiled code's, which no sanitizer instruments. */
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
/* Runtime frames a trap climbs before it reaches compiled code. */
#define ENTRY_MAX_HOST_FRAMES 64

/* What every entry sequence's call returns to. */
static const uint8_t entry_marker[3] = {0x45, 0x31, 0xdb}; /* xor %r11d, %r11d */

/* A host function in progress, in waot_rt_host_shim's frame. */
typedef struct entry_exit {
    struct entry_exit *outer;
    const uintptr_t *frame; /* the shim's frame record */
} entry_exit;

typedef struct entry_thread {
    bool prepared;
    uintptr_t stack_low;  /* lowest usable stack address; 0 when unknown */
    uintptr_t stack_high; /* one past the highest; 0 when unknown */
    uintptr_t guard_low;  /* faults in [guard_low, stack_low + page) are overflow */
    entry_exit *exit;     /* the innermost host function called from wasm */
    int64_t trap_element; /* the table element the last trap named, or -1 */
    int exit_code;        /* of the last waot_rt_exit */
} entry_thread;

/* Where a trap resumes: just past an entry sequence's call. */
typedef struct entry_resume {
    uintptr_t sp, fp, pc;
} entry_resume;

__thread waot_static_thread waot_static_this_thread TLS_MODEL;
static _Thread_local entry_thread entry_this_thread TLS_MODEL = {.trap_element = -1};

static uintptr_t entry_limit_below(uintptr_t frame)
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
    /* 0 means "not prepared" to the inline entries. */
    return limit ? limit : 1;
}

uintptr_t waot_static_prepare_thread(void)
{
    entry_thread *t = &entry_this_thread;
    if (!t->prepared) {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            void *addr = NULL;
            size_t size = 0, guard = 0;
            if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
                pthread_attr_getguardsize(&attr, &guard);
                if (guard < ENTRY_MIN_GUARD_BYTES)
                    guard = ENTRY_MIN_GUARD_BYTES;
                t->stack_low = (uintptr_t)addr;
                t->stack_high = t->stack_low + size;
                t->guard_low = t->stack_low > guard ? t->stack_low - guard : 0;
            }
            pthread_attr_destroy(&attr);
        }
        waot_rt_signals_prepare_thread();
        t->prepared = true;
    }
    if (!waot_static_this_thread.stack_limit)
        waot_static_this_thread.stack_limit =
            entry_limit_below((uintptr_t)__builtin_frame_address(0));
    return waot_static_this_thread.stack_limit;
}

WAOT_RT_TRAP_PATH void waot_rt_host_shim(waot_abi_host_closure *closure,
                                         const waot_abi_value *args, waot_abi_value *results)
{
    entry_thread *t = &entry_this_thread;
    entry_exit exit = {.outer = t->exit, .frame = __builtin_frame_address(0)};
    t->exit = &exit;
    closure->target(closure, args, results);
    t->exit = exit.outer;
}

void waot_static_trapped(waot_static_instance *owner, uint64_t trap)
{
    owner->status = waot_rt_fail_trap(&owner->error, (waot_abi_trap)trap);
}

/* ---- Finding the entry ---- */

static bool entry_in_code(uintptr_t pc)
{
    return waot_rt_range_contains(&waot_rt_code_ranges, pc);
}

/* Whether `next` can be the record of the frame above `record`'s. */
static bool entry_plausible_caller(uintptr_t record, uintptr_t next)
{
    const entry_thread *t = &entry_this_thread;
    return next > record && (next & 7) == 0 && (!t->stack_high || next < t->stack_high);
}

/* From the record of a frame of compiled code, the entry its call chain
 * started at. */
static bool entry_find_from_wasm(uintptr_t record, entry_resume *out)
{
    for (;;) {
        const uintptr_t *r = (const uintptr_t *)record;
        uintptr_t return_address = r[1];
        if (!entry_in_code(return_address)) {
            if (memcmp((const void *)return_address, entry_marker, sizeof entry_marker) != 0)
                return false;
            out->sp = record + 2 * sizeof(uintptr_t);
            out->fp = r[0];
            out->pc = return_address + sizeof entry_marker;
            return true;
        }
        if (!entry_plausible_caller(record, r[0]))
            return false;
        record = r[0];
    }
}

/* From the record of a runtime frame: climbs to the one compiled code
 * called, then as above. */
static bool entry_find_from_runtime(uintptr_t record, entry_resume *out)
{
    for (int depth = 0; depth < ENTRY_MAX_HOST_FRAMES; depth++) {
        const uintptr_t *r = (const uintptr_t *)record;
        if (entry_in_code(r[1]))
            return entry_plausible_caller(record, r[0]) && entry_find_from_wasm(r[0], out);
        if (!entry_plausible_caller(record, r[0]))
            return false;
        record = r[0];
    }
    return false;
}

__attribute__((noreturn)) static void entry_lost(void)
{
    static const char message[] = "waot: trap outside of any call into wasm\n";
    ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
    abort();
}

/* Host functions whose frames a resume to `sp` abandons are over. */
static void entry_forget_exits_below(uintptr_t sp)
{
    entry_thread *t = &entry_this_thread;
    while (t->exit && (uintptr_t)t->exit < sp)
        t->exit = t->exit->outer;
}

WAOT_RT_TRAP_PATH __attribute__((noreturn)) static void entry_resume_at(const entry_resume *to,
                                                                       waot_abi_trap trap)
{
    entry_forget_exits_below(to->sp);
#ifdef ENTRY_ASAN
    __asan_handle_no_return();
#endif
    register uint64_t sp __asm__("rax") = to->sp;
    register uint64_t fp __asm__("rdx") = to->fp;
    register uint64_t pc __asm__("rcx") = to->pc;
    register uint64_t code __asm__("r11") = (uint64_t)trap;
    __asm__ volatile("mov %%rax, %%rsp\n\t"
                     "mov %%rdx, %%rbp\n\t"
                     "jmp *%%rcx"
                     :
                     : "r"(sp), "r"(fp), "r"(pc), "r"(code)
                     : "memory");
    __builtin_unreachable();
}

/* Unwinds from runtime code compiled code called, directly or through
 * more runtime frames.  noinline: its own frame record is the start. */
WAOT_RT_TRAP_PATH __attribute__((noreturn, noinline)) static void
entry_unwind_runtime(waot_abi_trap trap)
{
    entry_resume to;
    if (!entry_find_from_runtime((uintptr_t)__builtin_frame_address(0), &to))
        entry_lost();
    entry_resume_at(&to, trap);
}

WAOT_RT_TRAP_PATH void waot_rt_unwind_host(waot_abi_trap trap)
{
    if (trap != WAOT_RT_UNWIND_EXIT)
        entry_this_thread.trap_element = -1;
    const entry_exit *exit = entry_this_thread.exit;
    entry_resume to;
    if (!exit || !entry_find_from_runtime((uintptr_t)exit->frame, &to))
        entry_lost();
    entry_resume_at(&to, trap);
}

void waot_rt_trap_in_context(void *ucontext, waot_abi_trap trap)
{
    ucontext_t *uc = ucontext;
    entry_resume to;
    entry_this_thread.trap_element = -1;
    if (!entry_find_from_wasm((uintptr_t)uc->uc_mcontext.gregs[REG_RBP], &to))
        entry_lost();
    entry_forget_exits_below(to.sp);
    uc->uc_mcontext.gregs[REG_RSP] = (greg_t)to.sp;
    uc->uc_mcontext.gregs[REG_RBP] = (greg_t)to.fp;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)to.pc;
    uc->uc_mcontext.gregs[REG_R11] = (greg_t)trap;
}

/* ---- Raising ---- */

WAOT_RT_TRAP_PATH void waot_rt_trap(waot_abi_context *ctx, uint32_t trap)
{
    (void)ctx;
    entry_this_thread.trap_element = -1;
    if (trap == WAOT_TRAP_NONE || trap >= WAOT_TRAP_COUNT)
        trap = WAOT_TRAP_COUNT;
    entry_unwind_runtime((waot_abi_trap)trap);
}

WAOT_RT_TRAP_PATH void waot_rt_trap_element(waot_abi_context *ctx, uint32_t trap,
                                            uint32_t index)
{
    (void)ctx;
    if (trap == WAOT_TRAP_NONE || trap >= WAOT_TRAP_COUNT)
        trap = WAOT_TRAP_COUNT;
    entry_this_thread.trap_element = index;
    entry_unwind_runtime((waot_abi_trap)trap);
}

WAOT_RT_TRAP_PATH void waot_rt_exit(int code)
{
    entry_this_thread.trap_element = -1;
    entry_this_thread.exit_code = code;
    waot_rt_unwind_host(WAOT_RT_UNWIND_EXIT);
}

int waot_rt_exit_code(void)
{
    return entry_this_thread.exit_code;
}

int64_t waot_rt_take_trap_element(void)
{
    int64_t index = entry_this_thread.trap_element;
    entry_this_thread.trap_element = -1;
    return index;
}

bool waot_rt_thread_stack_guard_contains(uintptr_t address)
{
    const entry_thread *t = &entry_this_thread;
    return t->stack_low && address >= t->guard_low && address < t->stack_low + 4096;
}
