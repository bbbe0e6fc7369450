/*
 * A tiny assembler for the binary modules the unit tests feed the decoder and
 * the validator: a fixed-size byte buffer, LEB128 output, the module header
 * and sections framed as id + size + content.  Test tables spell section
 * contents as string literals of \xNN escapes; UW_STR turns such a literal
 * into the (pointer, length) pair these helpers take.
 */
#ifndef UNIT_WASM_H
#define UNIT_WASM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A string literal as (bytes, length), without its terminating NUL. */
#define UW_STR(s) (const uint8_t *)(s), (sizeof(s) - 1)

typedef struct uw_buf {
    uint8_t bytes[16384];
    size_t len;
} uw_buf;

static inline void uw_bytes(uw_buf *b, const void *p, size_t n)
{
    if (n > sizeof b->bytes - b->len)
        abort(); /* a test built a module larger than the buffer */
    if (n)
        memcpy(b->bytes + b->len, p, n);
    b->len += n;
}

static inline void uw_byte(uw_buf *b, uint8_t v)
{
    uw_bytes(b, &v, 1);
}

/* The shortest unsigned LEB128 encoding of v. */
static inline void uw_u32(uw_buf *b, uint32_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        if (v)
            byte |= 0x80;
        uw_byte(b, byte);
    } while (v);
}

/* "\0asm" and version 1. */
static inline void uw_header(uw_buf *b)
{
    uw_bytes(b, "\x00\x61\x73\x6d\x01\x00\x00\x00", 8);
}

/* A section: its id, the content size as LEB128, then the content. */
static inline void uw_section(uw_buf *b, uint8_t id, const uint8_t *content, size_t n)
{
    uw_byte(b, id);
    uw_u32(b, (uint32_t)n);
    uw_bytes(b, content, n);
}

#endif
