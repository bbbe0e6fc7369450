/*
 * The bounds-checked cursor every byte of a module is read through.
 *
 * A reader walks [p, end) of a buffer whose first byte is `base`, so that
 * every error can name its byte offset.  Each read either succeeds, stores
 * its result and advances `p`, or fails, records an error (the spec's message
 * followed by what was being read) and leaves `p` where it was.  LEB128
 * integers are checked the way the binary format demands: no more bytes
 * than ceil(N/7), and no set bits beyond N in the last byte ("integer
 * representation too long" / "integer too large").
 *
 * The one-byte forms of the integer reads are inline because they are what
 * nearly every read in a real module is.
 */
#ifndef AOT_READER_H
#define AOT_READER_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct aot_reader {
    const uint8_t *p;    /* next unread byte */
    const uint8_t *end;  /* one past the last byte this reader may read */
    const uint8_t *base; /* first byte of the module: offsets count from here */
    aot_error *err;      /* where failures are recorded (owned by the caller) */
} aot_reader;

/* A name: bytes inside the module buffer, checked to be UTF-8.  Not NUL
 * terminated; it lives as long as the buffer. */
typedef struct aot_name {
    const uint8_t *bytes;
    uint32_t len;
} aot_name;

static inline size_t aot_reader_offset(const aot_reader *r)
{
    return (size_t)(r->p - r->base);
}

static inline bool aot_reader_at_end(const aot_reader *r)
{
    return r->p >= r->end;
}

/* Fails with "unexpected end of section or function" at the reader's position. */
bool aot_reader_fail_eos(aot_reader *r, const char *what);

bool aot_read_u8(aot_reader *r, uint8_t *out, const char *what);
bool aot_read_u32_slow(aot_reader *r, uint32_t *out, const char *what);
bool aot_read_s32_slow(aot_reader *r, int32_t *out, const char *what);
/* The signed 33-bit integer of block types; the result is sign-extended. */
bool aot_read_s33(aot_reader *r, int64_t *out, const char *what);
bool aot_read_u64(aot_reader *r, uint64_t *out, const char *what);
bool aot_read_s64(aot_reader *r, int64_t *out, const char *what);
/* IEEE 754 values are kept as their bit patterns so NaN payloads survive. */
bool aot_read_f32_bits(aot_reader *r, uint32_t *out, const char *what);
bool aot_read_f64_bits(aot_reader *r, uint64_t *out, const char *what);
/* `n` raw bytes; *out points into the buffer. */
bool aot_read_bytes(aot_reader *r, size_t n, const uint8_t **out, const char *what);
/* A u32 length that must not exceed the bytes left ("length out of bounds"). */
bool aot_read_len(aot_reader *r, uint32_t *out, const char *what);
/* A length-prefixed UTF-8 name ("malformed UTF-8 encoding"). */
bool aot_read_name(aot_reader *r, aot_name *out, const char *what);

static inline bool aot_read_u32(aot_reader *r, uint32_t *out, const char *what)
{
    if (r->p < r->end && *r->p < 0x80) {
        *out = *r->p++;
        return true;
    }
    return aot_read_u32_slow(r, out, what);
}

static inline bool aot_read_s32(aot_reader *r, int32_t *out, const char *what)
{
    if (r->p < r->end && *r->p < 0x80) {
        /* bit 6 is the sign of a one-byte value */
        *out = (int32_t)((uint32_t)*r->p << 25) >> 25;
        r->p++;
        return true;
    }
    return aot_read_s32_slow(r, out, what);
}

/* True when [s, s+len) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF). */
bool aot_utf8_valid(const uint8_t *s, size_t len);

#endif
