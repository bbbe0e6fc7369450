/*
 * A small, strict JSON reader for the spec runner: it reads the command
 * lists that wast2json writes (RFC 8259, nothing more and nothing less).
 *
 * A parsed document owns every value in it; values are read-only views that
 * live until json_free.  Numbers are kept as their source text, so the caller
 * decides how to convert them.  Strings are decoded (escapes resolved,
 * surrogate pairs joined into UTF-8) and NUL-terminated, but may contain NUL
 * bytes themselves ("\u0000"), so their length is kept as well.
 */
#ifndef WAOT_SPEC_JSON_H
#define WAOT_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum json_kind {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER, /* as.text holds the number exactly as written */
    JSON_STRING, /* as.text holds the decoded string */
    JSON_ARRAY,
    JSON_OBJECT,
} json_kind;

typedef struct json_value json_value;
typedef struct json_member json_member;

struct json_value {
    json_kind kind;
    union {
        struct {
            const char *chars; /* NUL-terminated; may hold NULs of its own */
            size_t length;     /* in bytes, without the terminating NUL */
        } text;
        struct {
            const json_value *items;
            size_t count;
        } array;
        struct {
            const json_member *members; /* in document order, keys unique */
            size_t count;
        } object;
    } as;
};

struct json_member {
    const char *key; /* decoded, NUL-terminated */
    size_t key_length;
    json_value value;
};

/* Where and why a text is not JSON.  The caller owns it. */
typedef struct json_error {
    size_t offset;       /* byte offset of the problem in the text */
    unsigned line;       /* 1-based */
    unsigned column;     /* 1-based, in bytes */
    char message[160];
} json_error;

typedef struct json_document json_document;

/* Parses `length` bytes of `text` (which need not be NUL-terminated) as one
 * JSON value with optional white space around it.  Rejects anything RFC 8259
 * does not allow, and also duplicate keys in an object, invalid UTF-8 and
 * nesting deeper than 512 levels.  On success the caller frees *out with
 * json_free; on failure *out is NULL and err says what and where. */
bool json_parse(const char *text, size_t length, json_document **out, json_error *err);

/* The document's top-level value. */
const json_value *json_root(const json_document *doc);

/* Frees the document and every value in it.  Accepts NULL. */
void json_free(json_document *doc);

/* The value of member `key` of `object`, or NULL if `object` is not an
 * object or has no such member. */
const json_value *json_get(const json_value *object, const char *key);

/* The string member `key` of `object`, or NULL if absent or not a string. */
const char *json_get_string(const json_value *object, const char *key);

/* "null", "false", "true", "number", "string", "array" or "object". */
const char *json_kind_name(json_kind kind);

#endif
