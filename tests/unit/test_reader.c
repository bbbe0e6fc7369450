/*
 * Unit tests for aot/reader.c: the bounds-checked cursor.
 *
 * Covers LEB128 decoding in every width the binary format uses (u32, s32,
 * s33, u64, s64): minimal and maximal encodings, over-long but in-range
 * (padded) encodings, which the format allows up to ceil(N/7) bytes, the
 * "integer representation too long" and "integer too large" rules including
 * the sign-extension rule for signed values, and truncation.  Every row also
 * checks the cursor contract: on success `p` advances by exactly the bytes
 * of the value, on failure `p` stays put, the error is AOT_ERR_MALFORMED,
 * names what was being read and carries the right offset (the start of the
 * value for a bad encoding, the point where the input ran out for a
 * truncated LEB128, the start of the value for a short fixed-width read),
 * and an error already recorded is never overwritten.  Then lengths
 * (aot_read_len), names and UTF-8 (aot_read_name, aot_utf8_valid), the
 * little-endian float bit patterns, single bytes and byte runs.
 *
 * Every value read sits a few bytes into its buffer (so offsets are
 * counted from `base`, not from the value), and the bytes after the reader's
 * `end` are ones that would complete a truncated value, so reading past the
 * end would be noticed.
 */
#include <criterion/criterion.h>

#include "reader.h"
#include "unit_wasm.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Bytes before the value under test, and filler after its end. */
enum { PREFIX = 3, TRAILER = 12 };

typedef struct fixture {
    uint8_t buf[PREFIX + 64 + TRAILER];
    aot_error err;
    aot_reader r;
} fixture;

/* Lays `bytes` out at buf + PREFIX, with a reader over exactly them. */
static void fixture_init(fixture *f, const uint8_t *bytes, size_t len)
{
    cr_assert_leq(len, 64, "test data too long");
    memset(f->buf, 0xaa, PREFIX);
    if (len)
        memcpy(f->buf + PREFIX, bytes, len);
    /* 0x00 would end any unfinished LEB128 and complete any short float. */
    memset(f->buf + PREFIX + len, 0x00, TRAILER);
    aot_error_clear(&f->err);
    f->r = (aot_reader){.p = f->buf + PREFIX, .end = f->buf + PREFIX + len,
                        .base = f->buf, .err = &f->err};
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------ */
/* LEB128                                                              */
/* ------------------------------------------------------------------ */

typedef enum leb_width { W_U32, W_S32, W_S33, W_U64, W_S64 } leb_width;

static const char *const width_names[] = {"u32", "s32", "s33", "u64", "s64"};

typedef struct leb_case {
    const char *name;
    leb_width width;
    const uint8_t *bytes;
    size_t len;
    const char *error;  /* expected message prefix, NULL for success */
    uint64_t value;     /* expected value; signed ones sign-extended to 64 bits */
    size_t consumed;    /* bytes the value takes, on success */
    size_t error_at;    /* offset of the error from the value's first byte */
} leb_case;

#define OK(w, name, s, v, n)     {name, w, UW_STR(s), NULL, (uint64_t)(v), n, 0}
#define BAD(w, name, s, msg, at) {name, w, UW_STR(s), msg, 0, 0, at}

static const char TOO_LONG[] = "integer representation too long";
static const char TOO_LARGE[] = "integer too large";
static const char EOS[] = "unexpected end";

static const leb_case leb_cases[] = {
    /* u32 */
    OK(W_U32, "zero", "\x00", 0, 1),
    OK(W_U32, "largest one-byte", "\x7f", 127, 1),
    OK(W_U32, "smallest two-byte", "\x80\x01", 128, 2),
    OK(W_U32, "three bytes", "\xe5\x8e\x26", 624485, 3),
    OK(W_U32, "max", "\xff\xff\xff\xff\x0f", UINT32_MAX, 5),
    OK(W_U32, "2^31", "\x80\x80\x80\x80\x08", UINT32_C(0x80000000), 5),
    OK(W_U32, "padded zero, 5 bytes", "\x80\x80\x80\x80\x00", 0, 5),
    OK(W_U32, "padded 3, 4 bytes", "\x83\x80\x80\x00", 3, 4),
    OK(W_U32, "padded 127, 2 bytes", "\xff\x00", 127, 2),
    OK(W_U32, "stops at the last byte", "\x05\x85", 5, 1),
    BAD(W_U32, "bit 32 set", "\xff\xff\xff\xff\x1f", TOO_LARGE, 0),
    BAD(W_U32, "bit 36 set", "\x80\x80\x80\x80\x10", TOO_LARGE, 0),
    BAD(W_U32, "all unused bits set", "\x80\x80\x80\x80\x70", TOO_LARGE, 0),
    BAD(W_U32, "unused bit 38 set on zero", "\x80\x80\x80\x80\x40", TOO_LARGE, 0),
    BAD(W_U32, "6 bytes", "\x80\x80\x80\x80\x80\x00", TOO_LONG, 0),
    BAD(W_U32, "continuation on the 5th byte", "\xff\xff\xff\xff\x8f\x00", TOO_LONG, 0),
    BAD(W_U32, "empty", "", EOS, 0),
    BAD(W_U32, "truncated after 1 byte", "\x80", EOS, 1),
    BAD(W_U32, "truncated after 4 bytes", "\x80\x80\x80\x80", EOS, 4),

    /* s32 */
    OK(W_S32, "zero", "\x00", 0, 1),
    OK(W_S32, "63", "\x3f", 63, 1),
    OK(W_S32, "-64", "\x40", -64, 1),
    OK(W_S32, "-1", "\x7f", -1, 1),
    OK(W_S32, "64", "\xc0\x00", 64, 2),
    OK(W_S32, "-65", "\xbf\x7f", -65, 2),
    OK(W_S32, "-128", "\x80\x7f", -128, 2),
    OK(W_S32, "127", "\xff\x00", 127, 2),
    OK(W_S32, "INT32_MAX", "\xff\xff\xff\xff\x07", INT32_MAX, 5),
    OK(W_S32, "INT32_MIN", "\x80\x80\x80\x80\x78", INT32_MIN, 5),
    OK(W_S32, "padded -1, 5 bytes", "\xff\xff\xff\xff\x7f", -1, 5),
    OK(W_S32, "padded zero, 5 bytes", "\x80\x80\x80\x80\x00", 0, 5),
    OK(W_S32, "padded -1, 2 bytes", "\xff\x7f", -1, 2),
    BAD(W_S32, "sign set, unused bits clear", "\xff\xff\xff\xff\x0f", TOO_LARGE, 0),
    BAD(W_S32, "sign clear, unused bits set", "\x80\x80\x80\x80\x70", TOO_LARGE, 0),
    BAD(W_S32, "2^31 as positive", "\x80\x80\x80\x80\x08", TOO_LARGE, 0),
    BAD(W_S32, "sign set, one unused bit set", "\xff\xff\xff\xff\x4f", TOO_LARGE, 0),
    BAD(W_S32, "sign clear, top unused bit set", "\xff\xff\xff\xff\x47", TOO_LARGE, 0),
    BAD(W_S32, "6 bytes", "\xff\xff\xff\xff\xff\x7f", TOO_LONG, 0),
    BAD(W_S32, "padded zero, 6 bytes", "\x80\x80\x80\x80\x80\x00", TOO_LONG, 0),
    BAD(W_S32, "empty", "", EOS, 0),
    BAD(W_S32, "truncated after 1 byte", "\xff", EOS, 1),
    BAD(W_S32, "truncated after 4 bytes", "\xff\xff\xff\xff", EOS, 4),

    /* s33 (block types) */
    OK(W_S33, "empty block type byte", "\x40", -64, 1),
    OK(W_S33, "i32 value type byte", "\x7f", -1, 1),
    OK(W_S33, "type index 0", "\x00", 0, 1),
    OK(W_S33, "type index 128", "\x80\x01", 128, 2),
    OK(W_S33, "2^32 - 1", "\xff\xff\xff\xff\x0f", UINT32_MAX, 5),
    OK(W_S33, "padded -1, 5 bytes", "\xff\xff\xff\xff\x7f", -1, 5),
    OK(W_S33, "minimum -2^32", "\x80\x80\x80\x80\x70", -(INT64_C(1) << 32), 5),
    OK(W_S33, "padded zero", "\x80\x80\x80\x80\x00", 0, 5),
    BAD(W_S33, "sign set, unused bits clear", "\xff\xff\xff\xff\x1f", TOO_LARGE, 0),
    BAD(W_S33, "sign clear, unused bits set", "\x80\x80\x80\x80\x60", TOO_LARGE, 0),
    BAD(W_S33, "sign clear, one unused bit set", "\x80\x80\x80\x80\x40", TOO_LARGE, 0),
    BAD(W_S33, "6 bytes", "\x80\x80\x80\x80\x80\x00", TOO_LONG, 0),
    BAD(W_S33, "truncated", "\x80\x80", EOS, 2),

    /* u64 */
    OK(W_U64, "zero", "\x00", 0, 1),
    OK(W_U64, "2^32", "\x80\x80\x80\x80\x10", UINT64_C(1) << 32, 5),
    OK(W_U64, "max", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", UINT64_MAX, 10),
    OK(W_U64, "2^63", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", UINT64_C(1) << 63, 10),
    OK(W_U64, "padded zero, 10 bytes", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 0, 10),
    BAD(W_U64, "bit 64 set", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", TOO_LARGE, 0),
    BAD(W_U64, "all unused bits set", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", TOO_LARGE, 0),
    BAD(W_U64, "11 bytes", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", TOO_LONG, 0),
    BAD(W_U64, "truncated after 9 bytes", "\x80\x80\x80\x80\x80\x80\x80\x80\x80", EOS, 9),

    /* s64 */
    OK(W_S64, "-1", "\x7f", -1, 1),
    OK(W_S64, "-64", "\x40", -64, 1),
    OK(W_S64, "INT64_MAX", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", INT64_MAX, 10),
    OK(W_S64, "INT64_MIN", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f", INT64_MIN, 10),
    OK(W_S64, "padded -1, 10 bytes", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", -1, 10),
    OK(W_S64, "padded zero, 10 bytes", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 0, 10),
    OK(W_S64, "-2^32", "\x80\x80\x80\x80\x70", -(INT64_C(1) << 32), 5),
    BAD(W_S64, "sign set, unused bits clear", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
        TOO_LARGE, 0),
    BAD(W_S64, "sign clear, unused bits set", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7e",
        TOO_LARGE, 0),
    BAD(W_S64, "sign set, one unused bit set", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x41",
        TOO_LARGE, 0),
    BAD(W_S64, "11 bytes", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", TOO_LONG, 0),
    BAD(W_S64, "empty", "", EOS, 0),
    BAD(W_S64, "truncated after 3 bytes", "\xff\xff\xff", EOS, 3),
};

/* The entry points of one width: the inline reader and, for u32/s32, the
 * out-of-line one that handles multi-byte values. */
static bool leb_read(leb_width w, bool slow, aot_reader *r, uint64_t *out, const char *what)
{
    switch (w) {
    case W_U32: {
        uint32_t v = 0;
        bool ok = slow ? aot_read_u32_slow(r, &v, what) : aot_read_u32(r, &v, what);
        *out = v;
        return ok;
    }
    case W_S32: {
        int32_t v = 0;
        bool ok = slow ? aot_read_s32_slow(r, &v, what) : aot_read_s32(r, &v, what);
        *out = (uint64_t)(int64_t)v;
        return ok;
    }
    case W_S33: {
        int64_t v = 0;
        bool ok = aot_read_s33(r, &v, what);
        *out = (uint64_t)v;
        return ok;
    }
    case W_U64:
        return aot_read_u64(r, out, what);
    case W_S64: {
        int64_t v = 0;
        bool ok = aot_read_s64(r, &v, what);
        *out = (uint64_t)v;
        return ok;
    }
    }
    return false;
}

static void check_leb_row(const leb_case *c, bool slow)
{
    static const char what[] = "test integer";
    fixture f;
    fixture_init(&f, c->bytes, c->len);
    const uint8_t *start = f.r.p;
    uint64_t got = 0xdeadbeef;
    bool ok = leb_read(c->width, slow, &f.r, &got, what);
    const char *entry = slow ? " (slow path)" : "";

    if (!c->error) {
        cr_expect(ok, "%s %s%s: read failed: %s", width_names[c->width], c->name, entry,
                  f.err.message);
        cr_expect_eq(got, c->value, "%s %s%s: value 0x%" PRIx64 ", expected 0x%" PRIx64,
                     width_names[c->width], c->name, entry, got, c->value);
        cr_expect_eq(f.r.p, start + c->consumed, "%s %s%s: cursor moved %td bytes, expected %zu",
                     width_names[c->width], c->name, entry, f.r.p - start, c->consumed);
        cr_expect_eq(f.err.kind, AOT_OK, "%s %s%s: error recorded on success",
                     width_names[c->width], c->name, entry);
        return;
    }
    cr_expect(!ok, "%s %s%s: read succeeded with 0x%" PRIx64, width_names[c->width], c->name,
              entry, got);
    cr_expect_eq(f.r.p, start, "%s %s%s: cursor moved %td bytes on failure",
                 width_names[c->width], c->name, entry, f.r.p - start);
    cr_expect_eq(f.err.kind, AOT_ERR_MALFORMED, "%s %s%s: kind %d", width_names[c->width],
                 c->name, entry, f.err.kind);
    cr_expect(starts_with(f.err.message, c->error), "%s %s%s: message \"%s\", expected \"%s...\"",
              width_names[c->width], c->name, entry, f.err.message, c->error);
    cr_expect(strstr(f.err.message, what) != NULL,
              "%s %s%s: message \"%s\" does not say what was read", width_names[c->width],
              c->name, entry, f.err.message);
    cr_expect_eq(f.err.offset, PREFIX + c->error_at, "%s %s%s: offset %zu, expected %zu",
                 width_names[c->width], c->name, entry, f.err.offset,
                 (size_t)(PREFIX + c->error_at));
}

Test(reader_leb128, table)
{
    for (size_t i = 0; i < sizeof leb_cases / sizeof leb_cases[0]; i++) {
        check_leb_row(&leb_cases[i], false);
        if (leb_cases[i].width == W_U32 || leb_cases[i].width == W_S32)
            check_leb_row(&leb_cases[i], true);
    }
}

/* A value read after another one starts where the first ended. */
Test(reader_leb128, consecutive_values)
{
    fixture f;
    fixture_init(&f, UW_STR("\xe5\x8e\x26\x7f\x80\x01"));
    uint32_t a = 0;
    int32_t b = 0;
    uint64_t c = 0;
    cr_assert(aot_read_u32(&f.r, &a, "a"));
    cr_assert(aot_read_s32(&f.r, &b, "b"));
    cr_assert(aot_read_u64(&f.r, &c, "c"));
    cr_expect_eq(a, 624485);
    cr_expect_eq(b, -1);
    cr_expect_eq(c, 128);
    cr_expect(aot_reader_at_end(&f.r));
    cr_expect_eq(aot_reader_offset(&f.r), PREFIX + 6);
}

/* ------------------------------------------------------------------ */
/* The first error is kept                                             */
/* ------------------------------------------------------------------ */

typedef enum kept_op { K_U32, K_S32, K_S64, K_LEN, K_NAME, K_F32, K_U8 } kept_op;

typedef struct kept_case {
    const char *name;
    kept_op op;
    const uint8_t *bytes;
    size_t len;
} kept_case;

static const kept_case kept_cases[] = {
    {"u32 too long", K_U32, UW_STR("\x80\x80\x80\x80\x80\x00")},
    {"s32 too large", K_S32, UW_STR("\xff\xff\xff\xff\x0f")},
    {"s64 truncated", K_S64, UW_STR("\xff")},
    {"length out of bounds", K_LEN, UW_STR("\x05\x00")},
    {"bad UTF-8 name", K_NAME, UW_STR("\x01\xff")},
    {"short f32", K_F32, UW_STR("\x00\x00")},
    {"u8 at end", K_U8, UW_STR("")},
};

Test(reader_errors, first_error_is_kept)
{
    for (size_t i = 0; i < sizeof kept_cases / sizeof kept_cases[0]; i++) {
        const kept_case *c = &kept_cases[i];
        fixture f;
        fixture_init(&f, c->bytes, c->len);
        aot_fail(&f.err, AOT_ERR_INVALID, 1, "first failure");
        const uint8_t *start = f.r.p;
        bool ok = true;
        uint32_t u32;
        int32_t s32;
        int64_t s64;
        aot_name name;
        uint8_t u8;
        switch (c->op) {
        case K_U32: ok = aot_read_u32(&f.r, &u32, "x"); break;
        case K_S32: ok = aot_read_s32(&f.r, &s32, "x"); break;
        case K_S64: ok = aot_read_s64(&f.r, &s64, "x"); break;
        case K_LEN: ok = aot_read_len(&f.r, &u32, "x"); break;
        case K_NAME: ok = aot_read_name(&f.r, &name, "x"); break;
        case K_F32: ok = aot_read_f32_bits(&f.r, &u32, "x"); break;
        case K_U8: ok = aot_read_u8(&f.r, &u8, "x"); break;
        }
        cr_expect(!ok, "%s: second read succeeded", c->name);
        cr_expect_eq(f.r.p, start, "%s: cursor moved", c->name);
        cr_expect_eq(f.err.kind, AOT_ERR_INVALID, "%s: kind overwritten", c->name);
        cr_expect_eq(f.err.offset, 1, "%s: offset overwritten (%zu)", c->name, f.err.offset);
        cr_expect_str_eq(f.err.message, "first failure", "%s: message overwritten", c->name);
    }
}

/* aot_fail itself: returns false, records once. */
Test(reader_errors, aot_fail_records_once)
{
    aot_error err;
    aot_error_clear(&err);
    cr_expect_eq(err.kind, AOT_OK);
    cr_expect_eq(err.func_index, AOT_NO_FUNC);
    cr_expect_eq(err.section, AOT_NO_SECTION);
    cr_expect(!aot_fail(&err, AOT_ERR_MALFORMED, 7, "one %d", 1));
    cr_expect(!aot_fail(&err, AOT_ERR_INVALID, 9, "two %d", 2));
    cr_expect_eq(err.kind, AOT_ERR_MALFORMED);
    cr_expect_eq(err.offset, 7);
    cr_expect_str_eq(err.message, "one 1");
    cr_expect_str_eq(aot_error_kind_name(AOT_ERR_MALFORMED), "malformed");
    cr_expect_str_eq(aot_error_kind_name(AOT_ERR_INVALID), "invalid");
}

/* ------------------------------------------------------------------ */
/* Lengths                                                             */
/* ------------------------------------------------------------------ */

typedef struct len_case {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    const char *error;
    uint32_t value;
    size_t consumed;
} len_case;

static const len_case len_cases[] = {
    {"zero", UW_STR("\x00"), NULL, 0, 1},
    {"exactly the bytes left", UW_STR("\x03\x61\x62\x63"), NULL, 3, 1},
    {"fewer than the bytes left", UW_STR("\x02\x61\x62\x63"), NULL, 2, 1},
    {"padded length", UW_STR("\x83\x80\x00\x61\x62\x63"), NULL, 3, 3},
    {"one more than left", UW_STR("\x04\x61\x62\x63"), "length out of bounds", 0, 0},
    {"zero left", UW_STR("\x01"), "length out of bounds", 0, 0},
    {"huge", UW_STR("\xff\xff\xff\xff\x0f"), "length out of bounds", 0, 0},
    {"bad LEB128", UW_STR("\x80\x80\x80\x80\x80\x00"), TOO_LONG, 0, 0},
    {"missing", UW_STR(""), EOS, 0, 0},
};

Test(reader_len, table)
{
    for (size_t i = 0; i < sizeof len_cases / sizeof len_cases[0]; i++) {
        const len_case *c = &len_cases[i];
        fixture f;
        fixture_init(&f, c->bytes, c->len);
        const uint8_t *start = f.r.p;
        uint32_t got = 0xdead;
        bool ok = aot_read_len(&f.r, &got, "test length");
        if (!c->error) {
            cr_expect(ok, "%s: failed: %s", c->name, f.err.message);
            cr_expect_eq(got, c->value, "%s: length %u", c->name, got);
            cr_expect_eq(f.r.p, start + c->consumed, "%s: cursor moved %td", c->name,
                         f.r.p - start);
            continue;
        }
        cr_expect(!ok, "%s: succeeded with %u", c->name, got);
        cr_expect_eq(f.r.p, start, "%s: cursor moved", c->name);
        cr_expect_eq(f.err.kind, AOT_ERR_MALFORMED, "%s: kind %d", c->name, f.err.kind);
        cr_expect(starts_with(f.err.message, c->error), "%s: message \"%s\", expected \"%s...\"",
                  c->name, f.err.message, c->error);
        cr_expect(strstr(f.err.message, "test length") != NULL, "%s: \"%s\" lacks what", c->name,
                  f.err.message);
        if (starts_with(c->error, "length"))
            cr_expect_eq(f.err.offset, PREFIX, "%s: offset %zu", c->name, f.err.offset);
    }
}

/* ------------------------------------------------------------------ */
/* UTF-8 and names                                                     */
/* ------------------------------------------------------------------ */

typedef struct utf8_case {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    bool valid;
} utf8_case;

static const utf8_case utf8_cases[] = {
    {"empty", UW_STR(""), true},
    {"ASCII", UW_STR("\x61\x62\x63"), true},
    {"NUL is a character", UW_STR("\x00"), true},
    {"DEL", UW_STR("\x7f"), true},
    {"U+0080, smallest 2-byte", UW_STR("\xc2\x80"), true},
    {"U+00E9", UW_STR("\xc3\xa9"), true},
    {"U+07FF, largest 2-byte", UW_STR("\xdf\xbf"), true},
    {"U+0800, smallest 3-byte", UW_STR("\xe0\xa0\x80"), true},
    {"U+20AC euro sign", UW_STR("\xe2\x82\xac"), true},
    {"U+D7FF, below the surrogates", UW_STR("\xed\x9f\xbf"), true},
    {"U+E000, above the surrogates", UW_STR("\xee\x80\x80"), true},
    {"U+FFFF", UW_STR("\xef\xbf\xbf"), true},
    {"U+10000, smallest 4-byte", UW_STR("\xf0\x90\x80\x80"), true},
    {"U+1F600", UW_STR("\xf0\x9f\x98\x80"), true},
    {"U+10FFFF, largest", UW_STR("\xf4\x8f\xbf\xbf"), true},
    {"mixed", UW_STR("\x61\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7a"), true},
    {"overlong NUL", UW_STR("\xc0\x80"), false},
    {"overlong U+007F", UW_STR("\xc1\xbf"), false},
    {"overlong 3-byte U+0000", UW_STR("\xe0\x80\x80"), false},
    {"overlong 3-byte U+07FF", UW_STR("\xe0\x9f\xbf"), false},
    {"overlong 4-byte U+FFFF", UW_STR("\xf0\x8f\xbf\xbf"), false},
    {"surrogate U+D800", UW_STR("\xed\xa0\x80"), false},
    {"surrogate U+DBFF", UW_STR("\xed\xaf\xbf"), false},
    {"surrogate U+DC00", UW_STR("\xed\xb0\x80"), false},
    {"surrogate U+DFFF", UW_STR("\xed\xbf\xbf"), false},
    {"U+110000", UW_STR("\xf4\x90\x80\x80"), false},
    {"lead byte 0xF5", UW_STR("\xf5\x80\x80\x80"), false},
    {"lead byte 0xF7, largest 4-byte form", UW_STR("\xf7\xbf\xbf\xbf"), false},
    {"5-byte form", UW_STR("\xf8\x88\x80\x80\x80"), false},
    {"6-byte form", UW_STR("\xfc\x84\x80\x80\x80\x80"), false},
    {"byte 0xFE", UW_STR("\xfe"), false},
    {"byte 0xFF", UW_STR("\xff"), false},
    {"lone continuation 0x80", UW_STR("\x80"), false},
    {"lone continuation 0xBF after ASCII", UW_STR("\x61\xbf"), false},
    {"truncated 2-byte", UW_STR("\xc3"), false},
    {"truncated 3-byte after 1", UW_STR("\xe2"), false},
    {"truncated 3-byte after 2", UW_STR("\xe2\x82"), false},
    {"truncated 4-byte after 3", UW_STR("\xf0\x9f\x98"), false},
    {"2-byte with ASCII continuation", UW_STR("\xc3\x41"), false},
    {"3-byte with bad second byte", UW_STR("\xe2\x28\xa1"), false},
    {"3-byte with bad third byte", UW_STR("\xe2\x82\x28"), false},
    {"4-byte with bad fourth byte", UW_STR("\xf0\x9f\x98\xc0"), false},
};

Test(reader_utf8, valid_table)
{
    for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
        const utf8_case *c = &utf8_cases[i];
        cr_expect_eq(aot_utf8_valid(c->bytes, c->len), c->valid, "%s: expected %s", c->name,
                     c->valid ? "valid" : "invalid");
    }
}

/* The check looks only at [s, s+len): a sequence cut by `len` is invalid
 * even when the bytes after it would complete it. */
Test(reader_utf8, length_bounds_the_check)
{
    static const uint8_t euro[] = {0xe2, 0x82, 0xac};
    cr_expect(aot_utf8_valid(euro, 3));
    cr_expect(!aot_utf8_valid(euro, 2));
    cr_expect(!aot_utf8_valid(euro, 1));
    cr_expect(aot_utf8_valid(euro, 0));
}

/* Names: the same table, length-prefixed, through aot_read_name. */
Test(reader_name, utf8_table)
{
    for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
        const utf8_case *c = &utf8_cases[i];
        uint8_t enc[64];
        enc[0] = (uint8_t)c->len; /* all rows are < 128 bytes */
        memcpy(enc + 1, c->bytes, c->len);
        fixture f;
        fixture_init(&f, enc, c->len + 1);
        const uint8_t *start = f.r.p;
        aot_name name = {0};
        bool ok = aot_read_name(&f.r, &name, "test name");
        if (c->valid) {
            cr_expect(ok, "%s: failed: %s", c->name, f.err.message);
            cr_expect_eq(name.len, c->len, "%s: length %u", c->name, name.len);
            cr_expect_eq(name.bytes, start + 1, "%s: bytes do not point into the buffer", c->name);
            cr_expect_eq(f.r.p, start + 1 + c->len, "%s: cursor moved %td", c->name,
                         f.r.p - start);
            continue;
        }
        cr_expect(!ok, "%s: accepted", c->name);
        cr_expect_eq(f.r.p, start, "%s: cursor moved on failure", c->name);
        cr_expect_eq(f.err.kind, AOT_ERR_MALFORMED, "%s: kind %d", c->name, f.err.kind);
        cr_expect(starts_with(f.err.message, "malformed UTF-8 encoding"),
                  "%s: message \"%s\"", c->name, f.err.message);
        cr_expect(strstr(f.err.message, "test name") != NULL, "%s: \"%s\" lacks what", c->name,
                  f.err.message);
        cr_expect_eq(f.err.offset, PREFIX, "%s: offset %zu", c->name, f.err.offset);
    }
}

typedef struct name_case {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    const char *error;
    uint32_t name_len;
    size_t consumed;
} name_case;

static const name_case name_cases[] = {
    {"empty name", UW_STR("\x00\x61"), NULL, 0, 1},
    {"stops at its length", UW_STR("\x02\x61\x62\x63"), NULL, 2, 3},
    {"padded length prefix", UW_STR("\x82\x00\x61\x62"), NULL, 2, 4},
    /* The length cuts "é" (C3 A9) in half, though A9 follows. */
    {"length splits a sequence", UW_STR("\x01\xc3\xa9"), "malformed UTF-8 encoding", 0, 0},
    {"length beyond the end", UW_STR("\x05\x61\x62"), "length out of bounds", 0, 0},
    {"no length", UW_STR(""), EOS, 0, 0},
    {"bad length LEB128", UW_STR("\xff\xff\xff\xff\x7f"), TOO_LARGE, 0, 0},
};

Test(reader_name, table)
{
    for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
        const name_case *c = &name_cases[i];
        fixture f;
        fixture_init(&f, c->bytes, c->len);
        const uint8_t *start = f.r.p;
        aot_name name = {0};
        bool ok = aot_read_name(&f.r, &name, "test name");
        if (!c->error) {
            cr_expect(ok, "%s: failed: %s", c->name, f.err.message);
            cr_expect_eq(name.len, c->name_len, "%s: length %u", c->name, name.len);
            cr_expect_eq(name.bytes, start + c->consumed - c->name_len, "%s: bytes", c->name);
            cr_expect_eq(f.r.p, start + c->consumed, "%s: cursor moved %td", c->name,
                         f.r.p - start);
            continue;
        }
        cr_expect(!ok, "%s: accepted", c->name);
        cr_expect_eq(f.r.p, start, "%s: cursor moved on failure", c->name);
        cr_expect_eq(f.err.kind, AOT_ERR_MALFORMED, "%s: kind %d", c->name, f.err.kind);
        cr_expect(starts_with(f.err.message, c->error), "%s: message \"%s\", expected \"%s...\"",
                  c->name, f.err.message, c->error);
    }
}

/* ------------------------------------------------------------------ */
/* Floats, bytes                                                       */
/* ------------------------------------------------------------------ */

typedef struct float_case {
    const char *name;
    bool is_f64;
    const uint8_t *bytes;
    size_t len;
    bool ok;
    uint64_t bits;
} float_case;

static const float_case float_cases[] = {
    {"f32 1.0", false, UW_STR("\x00\x00\x80\x3f"), true, 0x3f800000},
    {"f32 -0.0", false, UW_STR("\x00\x00\x00\x80"), true, 0x80000000},
    {"f32 NaN payload kept", false, UW_STR("\x01\x00\xc0\x7f"), true, 0x7fc00001},
    {"f32 signalling NaN kept", false, UW_STR("\x01\x00\x80\xff"), true, 0xff800001},
    {"f32 byte order", false, UW_STR("\x01\x02\x03\x04"), true, 0x04030201},
    {"f32 3 bytes", false, UW_STR("\x00\x00\x80"), false, 0},
    {"f32 no bytes", false, UW_STR(""), false, 0},
    {"f64 1.0", true, UW_STR("\x00\x00\x00\x00\x00\x00\xf0\x3f"), true,
     UINT64_C(0x3ff0000000000000)},
    {"f64 NaN payload kept", true, UW_STR("\x01\x00\x00\x00\x00\x00\xf8\x7f"), true,
     UINT64_C(0x7ff8000000000001)},
    {"f64 byte order", true, UW_STR("\x01\x02\x03\x04\x05\x06\x07\x08"), true,
     UINT64_C(0x0807060504030201)},
    {"f64 7 bytes", true, UW_STR("\x00\x00\x00\x00\x00\x00\xf0"), false, 0},
};

Test(reader_float, table)
{
    for (size_t i = 0; i < sizeof float_cases / sizeof float_cases[0]; i++) {
        const float_case *c = &float_cases[i];
        fixture f;
        fixture_init(&f, c->bytes, c->len);
        const uint8_t *start = f.r.p;
        uint64_t got = 0;
        bool ok;
        if (c->is_f64) {
            ok = aot_read_f64_bits(&f.r, &got, "test float");
        } else {
            uint32_t bits = 0;
            ok = aot_read_f32_bits(&f.r, &bits, "test float");
            got = bits;
        }
        size_t width = c->is_f64 ? 8 : 4;
        if (c->ok) {
            cr_expect(ok, "%s: failed: %s", c->name, f.err.message);
            cr_expect_eq(got, c->bits, "%s: bits 0x%" PRIx64, c->name, got);
            cr_expect_eq(f.r.p, start + width, "%s: cursor moved %td", c->name, f.r.p - start);
            continue;
        }
        cr_expect(!ok, "%s: accepted", c->name);
        cr_expect_eq(f.r.p, start, "%s: cursor moved on failure", c->name);
        cr_expect_eq(f.err.kind, AOT_ERR_MALFORMED, "%s: kind %d", c->name, f.err.kind);
        cr_expect(starts_with(f.err.message, EOS), "%s: message \"%s\"", c->name, f.err.message);
        cr_expect(strstr(f.err.message, "test float") != NULL, "%s: \"%s\" lacks what", c->name,
                  f.err.message);
        cr_expect_eq(f.err.offset, PREFIX, "%s: offset %zu", c->name, f.err.offset);
    }
}

Test(reader_bytes, u8_and_runs)
{
    fixture f;
    fixture_init(&f, UW_STR("\x11\x22\x33\x44"));
    uint8_t b = 0;
    const uint8_t *run = NULL;

    cr_expect(aot_read_u8(&f.r, &b, "byte"));
    cr_expect_eq(b, 0x11);
    cr_expect_eq(aot_reader_offset(&f.r), PREFIX + 1);

    /* Asking for more than is left fails without moving. */
    cr_expect(!aot_read_bytes(&f.r, 4, &run, "run"));
    cr_expect_eq(aot_reader_offset(&f.r), PREFIX + 1);
    cr_expect_eq(f.err.kind, AOT_ERR_MALFORMED);
    cr_expect(starts_with(f.err.message, EOS), "message \"%s\"", f.err.message);
    cr_expect_eq(f.err.offset, PREFIX + 1);

    aot_error_clear(&f.err);
    cr_expect(aot_read_bytes(&f.r, 0, &run, "empty run"));
    cr_expect_eq(run, f.buf + PREFIX + 1);
    cr_expect(aot_read_bytes(&f.r, 3, &run, "run"));
    cr_expect_eq(run, f.buf + PREFIX + 1);
    cr_expect(aot_reader_at_end(&f.r));

    cr_expect(!aot_read_u8(&f.r, &b, "byte at end"));
    cr_expect_eq(f.err.kind, AOT_ERR_MALFORMED);
    cr_expect(starts_with(f.err.message, EOS), "message \"%s\"", f.err.message);
    cr_expect_eq(f.err.offset, PREFIX + 4);
    cr_expect_eq(aot_reader_offset(&f.r), PREFIX + 4);
}
