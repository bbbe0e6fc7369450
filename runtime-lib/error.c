/*
 * Filling the caller's waot_error.  Every failure of the runtime API passes
 * through here, which is where the one-line rule for messages is enforced
 * and where wasm names are quoted for messages.
 */
#include "entry_internal.h"
#include "error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

waot_status waot_rt_fail(waot_error *err, waot_status status, const char *format, ...)
{
    if (!err)
        return status;
    err->status = status;
    err->trap = WAOT_TRAP_NONE;
    va_list args;
    va_start(args, format);
    vsnprintf(err->message, sizeof err->message, format, args);
    va_end(args);
    for (char *c = err->message; *c; c++) {
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    }
    return status;
}

waot_status waot_rt_fail_trap(waot_error *err, waot_abi_trap trap)
{
    if (trap == WAOT_RT_UNWIND_EXIT) {
        int code = waot_rt_exit_code();
        waot_rt_take_trap_element();
        waot_rt_fail(err, WAOT_ERROR_EXIT, "exit with status %d", code);
        if (err)
            err->exit_code = code;
        return WAOT_ERROR_EXIT;
    }
    int64_t element = waot_rt_take_trap_element();
    if (element >= 0)
        waot_rt_fail(err, WAOT_ERROR_TRAP, "%s %lld", waot_abi_trap_message(trap),
                     (long long)element);
    else
        waot_rt_fail(err, WAOT_ERROR_TRAP, "%s", waot_abi_trap_message(trap));
    if (err)
        err->trap = trap;
    return WAOT_ERROR_TRAP;
}

char *waot_rt_quote_name(char *out, size_t cap, const char *bytes, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t used = 0;
    /* Room is kept for the closing quote and the terminator. */
    if (cap < 3) {
        if (cap)
            out[0] = '\0';
        return out;
    }
    out[used++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)bytes[i];
        bool escape = c < 0x20 || c == 0x7f || c == '"' || c == '\\';
        size_t need = escape ? 3 : 1;
        if (used + need + 2 > cap)
            break;
        if (escape) {
            out[used++] = '\\';
            out[used++] = hex[c >> 4];
            out[used++] = hex[c & 15];
        } else {
            out[used++] = (char)c;
        }
    }
    out[used++] = '"';
    out[used] = '\0';
    return out;
}
