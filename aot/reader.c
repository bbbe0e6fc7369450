/*
 * The reader's out-of-line reads: multi-byte LEB128 in all its widths,
 * fixed-size floats, byte runs, lengths and UTF-8 names.  Every function
 * here decodes into locals and commits `r->p` only after the value is known
 * good, which is what lets callers report a failed read at the byte where
 * the value started.
 */
#include "reader.h"

#include <string.h>

static const char EOS_MESSAGE[] = "unexpected end of section or function";

bool aot_reader_fail_eos(aot_reader *r, const char *what)
{
    return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r), "%s (reading %s)",
                    EOS_MESSAGE, what);
}

bool aot_read_u8(aot_reader *r, uint8_t *out, const char *what)
{
    if (r->p >= r->end)
        return aot_reader_fail_eos(r, what);
    *out = *r->p++;
    return true;
}

/*
 * Decodes an LEB128 of at most `bits` bits.  For an unsigned value the bits of
 * the last allowed byte above `bits` must be zero; for a signed one they must
 * all equal the sign bit.  Returns the raw value (not sign-extended).
 */
static bool reader_leb(aot_reader *r, unsigned bits, bool is_signed, uint64_t *out,
                       const char *what)
{
    const unsigned max_bytes = (bits + 6) / 7;
    const uint8_t *p = r->p;
    uint64_t value = 0;
    unsigned shift = 0;

    for (unsigned i = 0;; i++) {
        if (p >= r->end)
            return aot_fail(r->err, AOT_ERR_MALFORMED, (size_t)(p - r->base),
                            "%s (reading %s)", EOS_MESSAGE, what);
        uint8_t byte = *p++;
        if (i == max_bytes - 1) {
            if (byte & 0x80)
                return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                                "integer representation too long (reading %s)", what);
            /* Bits of this byte that lie beyond `bits`. */
            unsigned used = bits - shift;
            uint8_t extra_mask = (uint8_t)(0x7f & ~((1u << used) - 1));
            uint8_t extra = byte & extra_mask;
            if (is_signed) {
                bool negative = (byte >> (used - 1)) & 1;
                if (extra != (negative ? extra_mask : 0))
                    return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                                    "integer too large (reading %s)", what);
            } else if (extra) {
                return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                                "integer too large (reading %s)", what);
            }
            value |= (uint64_t)(byte & ((1u << used) - 1)) << shift;
            shift += used;
            break;
        }
        value |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80))
            break;
    }
    if (is_signed && shift < 64 && (value >> (shift - 1)) & 1)
        value |= ~UINT64_C(0) << shift;
    r->p = p;
    *out = value;
    return true;
}

bool aot_read_u32_slow(aot_reader *r, uint32_t *out, const char *what)
{
    uint64_t v;
    if (!reader_leb(r, 32, false, &v, what))
        return false;
    *out = (uint32_t)v;
    return true;
}

bool aot_read_s32_slow(aot_reader *r, int32_t *out, const char *what)
{
    uint64_t v;
    if (!reader_leb(r, 32, true, &v, what))
        return false;
    *out = (int32_t)(uint32_t)v;
    return true;
}

bool aot_read_s33(aot_reader *r, int64_t *out, const char *what)
{
    uint64_t v = 0;
    if (!reader_leb(r, 33, true, &v, what))
        return false;
    *out = (int64_t)v;
    return true;
}

bool aot_read_u64(aot_reader *r, uint64_t *out, const char *what)
{
    return reader_leb(r, 64, false, out, what);
}

bool aot_read_s64(aot_reader *r, int64_t *out, const char *what)
{
    uint64_t v;
    if (!reader_leb(r, 64, true, &v, what))
        return false;
    *out = (int64_t)v;
    return true;
}

bool aot_read_f32_bits(aot_reader *r, uint32_t *out, const char *what)
{
    if (r->end - r->p < 4)
        return aot_reader_fail_eos(r, what);
    const uint8_t *p = r->p;
    *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    r->p += 4;
    return true;
}

bool aot_read_f64_bits(aot_reader *r, uint64_t *out, const char *what)
{
    if (r->end - r->p < 8)
        return aot_reader_fail_eos(r, what);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | r->p[i];
    *out = v;
    r->p += 8;
    return true;
}

bool aot_read_bytes(aot_reader *r, size_t n, const uint8_t **out, const char *what)
{
    if ((size_t)(r->end - r->p) < n)
        return aot_reader_fail_eos(r, what);
    *out = r->p;
    r->p += n;
    return true;
}

bool aot_read_len(aot_reader *r, uint32_t *out, const char *what)
{
    const uint8_t *start = r->p;
    uint32_t n;
    if (!aot_read_u32(r, &n, what))
        return false;
    size_t left = (size_t)(r->end - r->p);
    if (n > left) {
        r->p = start;
        return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                        "length out of bounds (reading %s: %u bytes, %zu left)", what, n, left);
    }
    *out = n;
    return true;
}

bool aot_read_name(aot_reader *r, aot_name *out, const char *what)
{
    const uint8_t *start = r->p;
    uint32_t len;
    if (!aot_read_len(r, &len, what))
        return false;
    if (!aot_utf8_valid(r->p, len)) {
        r->p = start;
        return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                        "malformed UTF-8 encoding (reading %s)", what);
    }
    out->bytes = r->p;
    out->len = len;
    r->p += len;
    return true;
}

bool aot_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            n = 2, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (len - i < n)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n;
    }
    return true;
}
