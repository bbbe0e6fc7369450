/*
 * How the runtime reports failures: every public function that can fail
 * fills the caller's waot_error through these helpers, so that messages are
 * always one line, never overflow, and quote wasm names the same way.
 */
#ifndef WAOT_ERROR_INTERNAL_H
#define WAOT_ERROR_INTERNAL_H

#include "waot.h"

#include <stddef.h>

/* Fills `err` (when not NULL) with `status` and the formatted message, and
 * returns `status`, so a failing path reads `return waot_rt_fail(...)`.
 * Newlines in the message (dlerror() text, names) become spaces. */
waot_status waot_rt_fail(waot_error *err, waot_status status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills `err` for how a guarded call ended (waot_rt_call_guarded's
 * result, not WAOT_TRAP_NONE): for a trap, WAOT_ERROR_TRAP, the trap code
 * and its spec message; for WAOT_RT_UNWIND_EXIT, WAOT_ERROR_EXIT and the
 * exit code.  Returns that status. */
waot_status waot_rt_fail_trap(waot_error *err, waot_abi_trap trap);

/* Resets `err` to WAOT_OK with an empty message.  Inline: every
 * successful call ends with it. */
static inline void waot_rt_error_clear(waot_error *err)
{
    if (!err)
        return;
    err->status = WAOT_OK;
    err->trap = WAOT_TRAP_NONE;
    err->message[0] = '\0';
}

/* Writes `bytes` as a double-quoted name into out[cap] (always terminated),
 * escaping quotes, backslashes and control bytes as \hh like the text
 * format, so any wasm name prints on one line.  Returns `out`. */
char *waot_rt_quote_name(char *out, size_t cap, const char *bytes, size_t len);

#endif
