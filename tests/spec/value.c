/*
 * Values as the spec scripts write them and as the runtime passes them.
 *
 * wast2json writes every number as the decimal of its unsigned bit pattern
 * ("4294967295" is i32 -1; f32 1.0 is "1065353216"), a v128 as a list of
 * lanes in the same form, and references as "null" or, for externref, the
 * number N of ref.extern N.  Expected floats may be a NaN pattern instead of
 * bits.  Floats are moved as bits (memcpy into the value's bytes), never
 * through a floating-point register, so signalling NaNs keep their payload.
 */
#include "value.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    uint32_t type;
} value_types[] = {
    {"i32", WAOT_ABI_I32},           {"i64", WAOT_ABI_I64},
    {"f32", WAOT_ABI_F32},           {"f64", WAOT_ABI_F64},
    {"v128", WAOT_ABI_V128},         {"funcref", WAOT_ABI_FUNCREF},
    {"externref", WAOT_ABI_EXTERNREF},
};

static const struct {
    const char *name;
    unsigned bits;
    bool is_float;
} value_lane_shapes[] = {
    {"i8", 8, false},   {"i16", 16, false}, {"i32", 32, false},
    {"i64", 64, false}, {"f32", 32, true},  {"f64", 64, true},
};

void *value_extern_ref(uint64_t n)
{
    return (void *)(uintptr_t)(n + 1);
}

const char *value_type_name(uint32_t type)
{
    for (size_t i = 0; i < sizeof value_types / sizeof value_types[0]; i++)
        if (value_types[i].type == type)
            return value_types[i].name;
    return "an unknown type";
}

static bool value_fail(char *problem, size_t problem_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool value_fail(char *problem, size_t problem_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, problem_size, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- reading ------------------------------------------------------------- */

/* A decimal without sign or spaces, at most `max`. */
static bool value_parse_decimal(const char *text, uint64_t max, uint64_t *out)
{
    if (text[0] < '0' || text[0] > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno || *end != '\0' || n > max)
        return false;
    *out = n;
    return true;
}

static uint64_t value_width_max(unsigned bits)
{
    return bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
}

/* Stores the low `bits` bits of `n` little-endian at `bytes`. */
static void value_store_bits(uint8_t *bytes, unsigned bits, uint64_t n)
{
    for (unsigned b = 0; b < bits / 8; b++)
        bytes[b] = (uint8_t)(n >> (8 * b));
}

static uint64_t value_load_bits(const uint8_t *bytes, unsigned bits)
{
    uint64_t n = 0;
    for (unsigned b = 0; b < bits / 8; b++)
        n |= (uint64_t)bytes[b] << (8 * b);
    return n;
}

/* A NaN pattern, if `text` is one. */
static bool value_parse_nan(const char *text, value_match *match)
{
    if (strcmp(text, "nan:canonical") == 0)
        *match = VALUE_MATCH_NAN_CANONICAL;
    else if (strcmp(text, "nan:arithmetic") == 0)
        *match = VALUE_MATCH_NAN_ARITHMETIC;
    else
        return false;
    return true;
}

static bool value_parse_v128(const json_value *v, value_expected *out, char *problem,
                             size_t problem_size)
{
    const char *lane_type = json_get_string(v, "lane_type");
    const json_value *lanes = json_get(v, "value");
    if (!lanes) { /* a type only (assert_trap): any value, shown as i32x4 */
        out->match = VALUE_MATCH_ANY;
        out->lane_bits = 32;
        for (size_t i = 0; i < 4; i++)
            out->lanes[i] = VALUE_MATCH_ANY;
        return true;
    }
    size_t shape = sizeof value_lane_shapes / sizeof value_lane_shapes[0];
    for (size_t i = 0; lane_type && i < sizeof value_lane_shapes / sizeof value_lane_shapes[0]; i++)
        if (strcmp(value_lane_shapes[i].name, lane_type) == 0)
            shape = i;
    if (shape == sizeof value_lane_shapes / sizeof value_lane_shapes[0])
        return value_fail(problem, problem_size, "a v128 value without a known \"lane_type\"");
    out->lane_bits = value_lane_shapes[shape].bits;
    out->lane_float = value_lane_shapes[shape].is_float;
    size_t count = 128 / out->lane_bits;
    if (lanes->kind != JSON_ARRAY || lanes->as.array.count != count)
        return value_fail(problem, problem_size, "a v128 value of %s lanes needs a list of %zu",
                          lane_type, count);
    for (size_t i = 0; i < count; i++) {
        const json_value *lane = &lanes->as.array.items[i];
        uint64_t n = 0;
        out->lanes[i] = VALUE_MATCH_EXACT;
        if (lane->kind != JSON_STRING ||
            !((out->lane_float && value_parse_nan(lane->as.text.chars, &out->lanes[i])) ||
              value_parse_decimal(lane->as.text.chars, value_width_max(out->lane_bits), &n)))
            return value_fail(problem, problem_size, "lane %zu of a v128 value is not a %s", i,
                              lane_type);
        value_store_bits(out->value.of.v128 + i * (out->lane_bits / 8), out->lane_bits, n);
    }
    return true;
}

bool value_parse_expected(const json_value *v, value_expected *out, char *problem,
                          size_t problem_size)
{
    memset(out, 0, sizeof *out);
    const char *type = json_get_string(v, "type");
    size_t t = sizeof value_types / sizeof value_types[0];
    for (size_t i = 0; type && i < sizeof value_types / sizeof value_types[0]; i++)
        if (strcmp(value_types[i].name, type) == 0)
            t = i;
    if (t == sizeof value_types / sizeof value_types[0])
        return value_fail(problem, problem_size, "a value without a known \"type\"");
    out->value.type = value_types[t].type;
    out->match = VALUE_MATCH_EXACT;
    if (out->value.type == WAOT_ABI_V128)
        return value_parse_v128(v, out, problem, problem_size);

    const json_value *given = json_get(v, "value");
    if (!given) {
        out->match = VALUE_MATCH_ANY;
        return true;
    }
    if (given->kind != JSON_STRING)
        return value_fail(problem, problem_size, "a %s value that is not a string", type);
    const char *text = given->as.text.chars;
    uint64_t n = 0;
    switch (out->value.type) {
    case WAOT_ABI_I32:
    case WAOT_ABI_I64:
    case WAOT_ABI_F32:
    case WAOT_ABI_F64: {
        bool wide = out->value.type == WAOT_ABI_I64 || out->value.type == WAOT_ABI_F64;
        bool is_float = out->value.type == WAOT_ABI_F32 || out->value.type == WAOT_ABI_F64;
        if (is_float && value_parse_nan(text, &out->match))
            return true;
        if (!value_parse_decimal(text, value_width_max(wide ? 64 : 32), &n))
            return value_fail(problem, problem_size, "%s value \"%s\" is not a %d-bit pattern",
                              type, text, wide ? 64 : 32);
        value_store_bits((uint8_t *)&out->value.of, wide ? 64 : 32, n);
        return true;
    }
    case WAOT_ABI_EXTERNREF:
        if (strcmp(text, "null") == 0) {
            out->value.of.ref = NULL;
            return true;
        }
        if (!value_parse_decimal(text, UINT64_MAX - 1, &n))
            return value_fail(problem, problem_size, "externref value \"%s\" is neither "
                              "\"null\" nor a number", text);
        out->value.of.ref = value_extern_ref(n);
        return true;
    default: /* funcref: only the null reference can be written down */
        if (strcmp(text, "null") == 0)
            out->value.of.ref = NULL;
        else
            out->match = VALUE_MATCH_NON_NULL;
        return true;
    }
}

bool value_parse_arg(const json_value *v, value_expected *out, char *problem,
                     size_t problem_size)
{
    if (!value_parse_expected(v, out, problem, problem_size))
        return false;
    bool exact = out->match == VALUE_MATCH_EXACT;
    for (size_t i = 0; exact && out->value.type == WAOT_ABI_V128 && i < 128 / out->lane_bits; i++)
        exact = out->lanes[i] == VALUE_MATCH_EXACT;
    if (!exact)
        return value_fail(problem, problem_size, "an argument of type %s without a value to pass",
                          value_type_name(out->value.type));
    return true;
}

/* ---- matching ------------------------------------------------------------ */

/* Whether float bits of width 32 or 64 match the pattern. */
static bool value_float_matches(value_match match, uint64_t bits, uint64_t expected,
                                unsigned width)
{
    uint64_t sign = (uint64_t)1 << (width - 1);
    uint64_t quiet = width == 32 ? 0x7fc00000u : UINT64_C(0x7ff8000000000000);
    switch (match) {
    case VALUE_MATCH_EXACT:
        return bits == expected;
    case VALUE_MATCH_NAN_CANONICAL:
        return (bits & ~sign) == quiet;
    case VALUE_MATCH_NAN_ARITHMETIC:
        return (bits & quiet) == quiet;
    case VALUE_MATCH_ANY:
        return true;
    case VALUE_MATCH_NON_NULL:
        break;
    }
    return false;
}

static bool value_v128_matches(const value_expected *e, const uint8_t *got)
{
    unsigned step = e->lane_bits / 8;
    for (unsigned i = 0; i < 128 / e->lane_bits; i++) {
        uint64_t bits = value_load_bits(got + i * step, e->lane_bits);
        uint64_t expected = value_load_bits(e->value.of.v128 + i * step, e->lane_bits);
        bool ok = e->lane_float ? value_float_matches(e->lanes[i], bits, expected, e->lane_bits)
                                : e->lanes[i] == VALUE_MATCH_ANY || bits == expected;
        if (!ok)
            return false;
    }
    return true;
}

bool value_matches(const value_expected *e, const waot_value *got)
{
    if (got->type != e->value.type)
        return false;
    if (e->match == VALUE_MATCH_ANY)
        return true;
    const uint8_t *got_bytes = (const uint8_t *)&got->of;
    const uint8_t *expected_bytes = (const uint8_t *)&e->value.of;
    switch (got->type) {
    case WAOT_ABI_I32:
        return value_load_bits(got_bytes, 32) == value_load_bits(expected_bytes, 32);
    case WAOT_ABI_I64:
        return value_load_bits(got_bytes, 64) == value_load_bits(expected_bytes, 64);
    case WAOT_ABI_F32:
        return value_float_matches(e->match, value_load_bits(got_bytes, 32),
                                   value_load_bits(expected_bytes, 32), 32);
    case WAOT_ABI_F64:
        return value_float_matches(e->match, value_load_bits(got_bytes, 64),
                                   value_load_bits(expected_bytes, 64), 64);
    case WAOT_ABI_V128:
        return value_v128_matches(e, got->of.v128);
    default:
        return e->match == VALUE_MATCH_NON_NULL ? got->of.ref != NULL
                                                : got->of.ref == e->value.of.ref;
    }
}

/* ---- writing ------------------------------------------------------------- */

void value_append(char *out, size_t size, const char *fmt, ...)
{
    size_t used = strnlen(out, size);
    if (size < 4 || used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + used, size - used, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= size - used)
        memcpy(out + size - 4, "...", 4);
}

static const char *value_match_name(value_match match)
{
    switch (match) {
    case VALUE_MATCH_NAN_CANONICAL:
        return "nan:canonical";
    case VALUE_MATCH_NAN_ARITHMETIC:
        return "nan:arithmetic";
    case VALUE_MATCH_NON_NULL:
        return "non-null";
    case VALUE_MATCH_ANY:
        return "any";
    case VALUE_MATCH_EXACT:
        break;
    }
    return "exact";
}

static bool value_is_nan(uint64_t bits, unsigned width)
{
    uint64_t exponent = width == 32 ? 0x7f800000u : UINT64_C(0x7ff0000000000000);
    uint64_t fraction = width == 32 ? 0x007fffffu : UINT64_C(0x000fffffffffffff);
    return (bits & exponent) == exponent && (bits & fraction) != 0;
}

/* A float of width 32 or 64 given by its bits: "1.5", or "nan:0x7fc00000"
 * for a NaN, whose payload is the point. */
static void value_append_float(char *out, size_t size, uint64_t bits, unsigned width)
{
    if (value_is_nan(bits, width)) {
        value_append(out, size, "nan:0x%0*" PRIx64, (int)width / 4, bits);
        return;
    }
    double d;
    if (width == 32) {
        uint32_t b = (uint32_t)bits;
        float f;
        memcpy(&f, &b, sizeof f);
        d = f;
    } else {
        memcpy(&d, &bits, sizeof d);
    }
    value_append(out, size, width == 32 ? "%.9g" : "%.17g", d);
}

/* The lanes of a v128: `lanes` says what each must be, or is NULL for a
 * value that is what it is. */
static void value_append_v128(char *out, size_t size, const uint8_t *bytes, unsigned lane_bits,
                              bool lane_float, const value_match *lanes)
{
    value_append(out, size, "v128:%c%ux%u[", lane_float ? 'f' : 'i', lane_bits, 128 / lane_bits);
    for (unsigned i = 0; i < 128 / lane_bits; i++) {
        uint64_t bits = value_load_bits(bytes + i * (lane_bits / 8), lane_bits);
        if (i)
            value_append(out, size, " ");
        if (lanes && lanes[i] != VALUE_MATCH_EXACT)
            value_append(out, size, "%s", value_match_name(lanes[i]));
        else if (lane_float)
            value_append_float(out, size, bits, lane_bits);
        else
            value_append(out, size, "%" PRIu64, bits);
    }
    value_append(out, size, "]");
}

static void value_append_ref(char *out, size_t size, uint32_t type, const void *ref)
{
    if (type == WAOT_ABI_EXTERNREF && ref)
        value_append(out, size, "ref.extern %" PRIuPTR, (uintptr_t)ref - 1);
    else if (type == WAOT_ABI_EXTERNREF)
        value_append(out, size, "ref.null extern");
    else if (ref)
        value_append(out, size, "ref.func %p", ref);
    else
        value_append(out, size, "ref.null func");
}

void value_append_value(char *out, size_t size, const waot_value *v,
                        const value_expected *shape)
{
    const uint8_t *bytes = (const uint8_t *)&v->of;
    switch (v->type) {
    case WAOT_ABI_I32:
    case WAOT_ABI_I64: {
        unsigned width = v->type == WAOT_ABI_I32 ? 32 : 64;
        uint64_t bits = value_load_bits(bytes, width);
        bool negative = bits >> (width - 1);
        int64_t n = width == 32 ? (int64_t)(int32_t)(uint32_t)bits : (int64_t)bits;
        value_append(out, size, "%s:%" PRId64, value_type_name(v->type), n);
        if (negative)
            value_append(out, size, " (0x%0*" PRIx64 ")", (int)width / 4, bits);
        return;
    }
    case WAOT_ABI_F32:
    case WAOT_ABI_F64: {
        unsigned width = v->type == WAOT_ABI_F32 ? 32 : 64;
        uint64_t bits = value_load_bits(bytes, width);
        value_append(out, size, "%s:", value_type_name(v->type));
        value_append_float(out, size, bits, width);
        if (!value_is_nan(bits, width)) /* a NaN shows its bits already */
            value_append(out, size, " (0x%0*" PRIx64 ")", (int)width / 4, bits);
        return;
    }
    case WAOT_ABI_V128:
        if (shape && shape->value.type == WAOT_ABI_V128)
            value_append_v128(out, size, v->of.v128, shape->lane_bits, shape->lane_float, NULL);
        else
            value_append_v128(out, size, v->of.v128, 32, false, NULL);
        return;
    case WAOT_ABI_FUNCREF:
    case WAOT_ABI_EXTERNREF:
        value_append_ref(out, size, v->type, v->of.ref);
        return;
    default:
        value_append(out, size, "(a value of %s)", value_type_name(v->type));
        return;
    }
}

void value_append_expected(char *out, size_t size, const value_expected *e)
{
    if (e->value.type == WAOT_ABI_V128 && e->match != VALUE_MATCH_ANY)
        value_append_v128(out, size, e->value.of.v128, e->lane_bits, e->lane_float, e->lanes);
    else if (e->match == VALUE_MATCH_EXACT)
        value_append_value(out, size, &e->value, e);
    else if (e->match == VALUE_MATCH_NON_NULL)
        value_append(out, size, "a non-null %s", value_type_name(e->value.type));
    else if (e->match == VALUE_MATCH_ANY)
        value_append(out, size, "any %s", value_type_name(e->value.type));
    else
        value_append(out, size, "%s:%s", value_type_name(e->value.type),
                     value_match_name(e->match));
}
