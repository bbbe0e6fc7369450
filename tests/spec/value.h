/*
 * The values of a spec script: reading the arguments and expected results
 * that wast2json writes ({"type": "i32", "value": "42"}) into runtime values,
 * matching results against expectations (exact bits, NaN patterns, null and
 * non-null references, v128 lane by lane), and writing values out for the
 * failure messages.
 */
#ifndef WAOT_SPEC_VALUE_H
#define WAOT_SPEC_VALUE_H

#include "json.h"
#include "waot.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a result (or one lane of a v128 result) must be. */
typedef enum value_match {
    VALUE_MATCH_EXACT,          /* these bits; for a reference, this reference */
    VALUE_MATCH_NAN_CANONICAL,  /* "nan:canonical": the canonical NaN, either sign */
    VALUE_MATCH_NAN_ARITHMETIC, /* "nan:arithmetic": any quiet NaN */
    VALUE_MATCH_NON_NULL,       /* a funcref other than "null": any non-null reference */
    VALUE_MATCH_ANY,            /* no value given (assert_trap): any value of the type */
} value_match;

enum { VALUE_V128_BYTES = 16 };

/* An expected result, or an argument (always VALUE_MATCH_EXACT). */
typedef struct value_expected {
    waot_value value;   /* the type and, for EXACT, the value (all lanes of a v128) */
    value_match match;  /* of a scalar; a v128 matches lane by lane */
    unsigned lane_bits; /* v128: 8, 16, 32 or 64 */
    bool lane_float;    /* v128: f32 or f64 lanes */
    value_match lanes[VALUE_V128_BYTES]; /* v128: what each lane must be */
} value_expected;

/* The externref the scripts write as "N" (ref.extern N): an opaque pointer
 * that encodes N and is never NULL. */
void *value_extern_ref(uint64_t n);

/* Reads one {"type", "value"} object of a command's "expected" list.  On
 * failure writes what is wrong with it into problem[problem_size]. */
bool value_parse_expected(const json_value *v, value_expected *out, char *problem,
                          size_t problem_size);

/* Reads one argument of an "invoke" action: like an expected result, but it
 * must have a value and no NaN pattern (out->value is the argument; the rest
 * says how to show it). */
bool value_parse_arg(const json_value *v, value_expected *out, char *problem,
                     size_t problem_size);

/* Whether `got` is what `expected` asks for.  Types must be equal too. */
bool value_matches(const value_expected *expected, const waot_value *got);

/* The name of a value type code: "i32", "externref"; "type 0xNN" otherwise. */
const char *value_type_name(uint32_t type);

/* Appends printf-formatted text to the NUL-terminated text in out[size],
 * cutting it short with "..." when it does not fit. */
void value_append(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends `v` as "i32:-1 (0xffffffff)", "f32:1.5 (0x3fc00000)",
 * "v128:i32x4[1 2 3 4]" or "ref.extern 7".  A v128 is shown in the lanes of
 * `shape` when given (an expectation of the same type), as i32x4 otherwise. */
void value_append_value(char *out, size_t size, const waot_value *v,
                        const value_expected *shape);

/* Appends an expectation: like a value, with its NaN patterns spelled out
 * ("f32:nan:canonical"). */
void value_append_expected(char *out, size_t size, const value_expected *e);

#endif
