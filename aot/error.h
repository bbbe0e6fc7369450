/*
 * The error record every fallible compiler function fills in.
 *
 * A failure is described once, where it is detected, with what went wrong
 * (the spec's own wording where the spec has one), where (byte offset into
 * the module, the section being read, the function index) and which kind of
 * failure it is.  The caller owns the record; the first error written is the
 * one kept, so later failures on the unwinding path cannot bury the cause.
 */
#ifndef AOT_ERROR_H
#define AOT_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum aot_error_kind {
    AOT_OK = 0,
    AOT_ERR_MALFORMED, /* the bytes are not a well-formed binary module */
    AOT_ERR_INVALID,   /* well-formed, but breaks a validation rule */
    AOT_ERR_LIMIT,     /* exceeds an implementation limit of waot */
    AOT_ERR_IO,        /* the file could not be read */
    AOT_ERR_NOMEM,     /* an allocation failed */
} aot_error_kind;

/* "no section" / "no function" markers for the location fields. */
#define AOT_NO_SECTION (-1)
#define AOT_NO_FUNC    (-1)

typedef struct aot_error {
    aot_error_kind kind;
    size_t offset;       /* byte offset into the module where it was found */
    int section;         /* section id being read, or AOT_NO_SECTION */
    int64_t func_index;  /* function index (imports included), or AOT_NO_FUNC */
    char message[256];   /* starts with the spec's wording, then detail */
} aot_error;

/* Resets to "no error". */
void aot_error_clear(aot_error *err);

/* Records an error unless one is already recorded; always returns false so
 * that `return aot_fail(...)` reads as a failing return. */
bool aot_fail(aot_error *err, aot_error_kind kind, size_t offset,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool aot_vfail(aot_error *err, aot_error_kind kind, size_t offset,
               const char *fmt, va_list ap);

/* A short lower-case name for the kind: "malformed", "invalid", ... */
const char *aot_error_kind_name(aot_error_kind kind);

#endif
