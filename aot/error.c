/*
 * Filling in and naming error records (see error.h).  The first error wins:
 * the location fields that the caller set before the failure (section and
 * function) stay as they were, the kind, offset and message are written.
 */
#include "error.h"

#include <stdio.h>

void aot_error_clear(aot_error *err)
{
    err->kind = AOT_OK;
    err->offset = 0;
    err->section = AOT_NO_SECTION;
    err->func_index = AOT_NO_FUNC;
    err->message[0] = '\0';
}

bool aot_vfail(aot_error *err, aot_error_kind kind, size_t offset,
               const char *fmt, va_list ap)
{
    if (err->kind != AOT_OK)
        return false;
    err->kind = kind;
    err->offset = offset;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return false;
}

bool aot_fail(aot_error *err, aot_error_kind kind, size_t offset,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    aot_vfail(err, kind, offset, fmt, ap);
    va_end(ap);
    return false;
}

const char *aot_error_kind_name(aot_error_kind kind)
{
    switch (kind) {
    case AOT_OK: return "ok";
    case AOT_ERR_MALFORMED: return "malformed";
    case AOT_ERR_INVALID: return "invalid";
    case AOT_ERR_LIMIT: return "limit";
    case AOT_ERR_IO: return "io";
    case AOT_ERR_NOMEM: return "out of memory";
    }
    return "unknown";
}
