/*
 * The strict JSON reader behind json.h: a recursive-descent parser over a
 * byte range, which builds the whole document in one arena so that freeing
 * it is one walk over a list of blocks.
 *
 * While an array or object is being read, its items wait on a scratch stack
 * shared by all nesting levels; when it closes they are copied into the
 * arena in one piece and the stack shrinks back.  Strings are decoded into a
 * scratch buffer first, for the same reason.  The first error found is the
 * one reported, with its line and column.
 */
#include "json.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JSON_MAX_DEPTH = 512, JSON_BLOCK_SIZE = 64 * 1024 };

typedef struct json_block {
    struct json_block *next;
    size_t used;
    size_t size;
    unsigned char *data;
} json_block;

struct json_document {
    json_value root;
    json_block *blocks; /* newest first */
};

typedef struct json_parser {
    const unsigned char *text;
    size_t length;
    size_t pos;
    unsigned depth;
    json_document *doc;
    json_error *err;
    bool failed;

    json_value *values; /* items of the arrays being read */
    size_t value_count, value_capacity;
    json_member *members; /* members of the objects being read */
    size_t member_count, member_capacity;
    char *chars; /* the string being decoded */
    size_t char_count, char_capacity;
} json_parser;

/* ---- errors ------------------------------------------------------------ */

static bool json_fail_at(json_parser *p, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool json_fail_at(json_parser *p, size_t offset, const char *fmt, ...)
{
    if (p->failed)
        return false;
    p->failed = true;
    json_error *err = p->err;
    err->offset = offset;
    err->line = 1;
    err->column = 1;
    for (size_t i = 0; i < offset && i < p->length; i++) {
        if (p->text[i] == '\n') {
            err->line++;
            err->column = 1;
        } else {
            err->column++;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

/* Names the byte at `offset` for an error message. */
static const char *json_describe_byte(const json_parser *p, size_t offset,
                                      char buf[static 16])
{
    if (offset >= p->length)
        return "end of input";
    unsigned char c = p->text[offset];
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 16, "'%c'", c);
    else
        snprintf(buf, 16, "byte 0x%02x", c);
    return buf;
}

static bool json_fail_expected(json_parser *p, const char *what)
{
    char buf[16];
    return json_fail_at(p, p->pos, "expected %s, found %s", what,
                        json_describe_byte(p, p->pos, buf));
}

/* ---- memory ------------------------------------------------------------ */

static void *json_arena_alloc(json_parser *p, size_t size)
{
    const size_t align = alignof(max_align_t);
    json_block *b = p->doc->blocks;
    if (b) {
        uintptr_t start = (uintptr_t)(b->data + b->used);
        size_t pad = (align - start % align) % align;
        if (pad <= b->size - b->used && size <= b->size - b->used - pad) {
            void *mem = b->data + b->used + pad;
            b->used += pad + size;
            return mem;
        }
    }
    size_t block_size = size > JSON_BLOCK_SIZE ? size : JSON_BLOCK_SIZE;
    b = malloc(sizeof *b);
    unsigned char *data = b ? malloc(block_size) : NULL; /* max-aligned */
    if (!data) {
        free(b);
        json_fail_at(p, p->pos, "out of memory");
        return NULL;
    }
    b->data = data;
    b->size = block_size;
    b->used = size;
    b->next = p->doc->blocks;
    p->doc->blocks = b;
    return data;
}

/* Makes room for one more element in a scratch stack of `count` items:
 * returns the (possibly moved) stack, or NULL when out of memory. */
static void *json_grow(json_parser *p, void *items, size_t *capacity, size_t count,
                       size_t item_size)
{
    if (count < *capacity)
        return items;
    size_t grown = *capacity ? *capacity * 2 : 64;
    void *bigger = realloc(items, grown * item_size);
    if (!bigger) {
        json_fail_at(p, p->pos, "out of memory");
        return NULL;
    }
    *capacity = grown;
    return bigger;
}

static bool json_push_char(json_parser *p, char c)
{
    char *chars = json_grow(p, p->chars, &p->char_capacity, p->char_count, 1);
    if (!chars)
        return false;
    p->chars = chars;
    p->chars[p->char_count++] = c;
    return true;
}

/* Copies `length` bytes into the arena with a terminating NUL. */
static const char *json_copy_text(json_parser *p, const char *text, size_t length)
{
    char *copy = json_arena_alloc(p, length + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

/* ---- lexical pieces ------------------------------------------------------ */

static void json_skip_space(json_parser *p)
{
    while (p->pos < p->length) {
        unsigned char c = p->text[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static bool json_peek_is(const json_parser *p, unsigned char c)
{
    return p->pos < p->length && p->text[p->pos] == c;
}

static bool json_is_digit(const json_parser *p)
{
    return p->pos < p->length && p->text[p->pos] >= '0' && p->text[p->pos] <= '9';
}

static void json_encode_utf8(json_parser *p, uint32_t cp)
{
    if (cp < 0x80) {
        json_push_char(p, (char)cp);
    } else if (cp < 0x800) {
        json_push_char(p, (char)(0xc0 | (cp >> 6)));
        json_push_char(p, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        json_push_char(p, (char)(0xe0 | (cp >> 12)));
        json_push_char(p, (char)(0x80 | ((cp >> 6) & 0x3f)));
        json_push_char(p, (char)(0x80 | (cp & 0x3f)));
    } else {
        json_push_char(p, (char)(0xf0 | (cp >> 18)));
        json_push_char(p, (char)(0x80 | ((cp >> 12) & 0x3f)));
        json_push_char(p, (char)(0x80 | ((cp >> 6) & 0x3f)));
        json_push_char(p, (char)(0x80 | (cp & 0x3f)));
    }
}

/* Reads the four hex digits after "\u"; p->pos is at the first digit. */
static bool json_read_hex4(json_parser *p, uint32_t *out)
{
    uint32_t value = 0;
    for (int i = 0; i < 4; i++) {
        if (p->pos >= p->length)
            return json_fail_at(p, p->pos, "unterminated \\u escape");
        unsigned char c = p->text[p->pos];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return json_fail_expected(p, "a hex digit in a \\u escape");
        value = value * 16 + digit;
        p->pos++;
    }
    *out = value;
    return true;
}

/* Reads an escape; p->pos is at the backslash. */
static bool json_read_escape(json_parser *p)
{
    size_t start = p->pos;
    p->pos++;
    if (p->pos >= p->length)
        return json_fail_at(p, start, "unterminated escape in string");
    unsigned char c = p->text[p->pos++];
    switch (c) {
    case '"': return json_push_char(p, '"');
    case '\\': return json_push_char(p, '\\');
    case '/': return json_push_char(p, '/');
    case 'b': return json_push_char(p, '\b');
    case 'f': return json_push_char(p, '\f');
    case 'n': return json_push_char(p, '\n');
    case 'r': return json_push_char(p, '\r');
    case 't': return json_push_char(p, '\t');
    case 'u': break;
    default: {
        char buf[16];
        return json_fail_at(p, start, "invalid escape: backslash followed by %s",
                            json_describe_byte(p, p->pos - 1, buf));
    }
    }
    uint32_t cp;
    if (!json_read_hex4(p, &cp))
        return false;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return json_fail_at(p, start, "unpaired low surrogate \\u%04X", (unsigned)cp);
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (p->pos + 1 >= p->length || p->text[p->pos] != '\\' ||
            p->text[p->pos + 1] != 'u')
            return json_fail_at(p, start, "unpaired high surrogate \\u%04X", (unsigned)cp);
        p->pos += 2;
        uint32_t low;
        if (!json_read_hex4(p, &low))
            return false;
        if (low < 0xdc00 || low > 0xdfff)
            return json_fail_at(p, start,
                                "high surrogate \\u%04X not followed by a low surrogate",
                                (unsigned)cp);
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    json_encode_utf8(p, cp);
    return !p->failed;
}

/* Copies one UTF-8 encoded character that starts with a byte >= 0x80,
 * rejecting overlong forms, surrogates and code points above U+10FFFF. */
static bool json_read_utf8(json_parser *p)
{
    size_t start = p->pos;
    unsigned char lead = p->text[start];
    size_t extra;
    uint32_t cp, min;
    if (lead >= 0xc2 && lead <= 0xdf) {
        extra = 1, cp = lead & 0x1f, min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        extra = 2, cp = lead & 0x0f, min = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        extra = 3, cp = lead & 0x07, min = 0x10000;
    } else {
        return json_fail_at(p, start, "invalid UTF-8 lead byte 0x%02x", lead);
    }
    if (p->length - start <= extra)
        return json_fail_at(p, start, "truncated UTF-8 sequence");
    for (size_t i = 1; i <= extra; i++) {
        unsigned char c = p->text[start + i];
        if ((c & 0xc0) != 0x80)
            return json_fail_at(p, start + i, "invalid UTF-8 continuation byte 0x%02x", c);
        cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return json_fail_at(p, start, "invalid UTF-8 sequence (U+%04X)", (unsigned)cp);
    for (size_t i = 0; i <= extra; i++)
        if (!json_push_char(p, (char)p->text[start + i]))
            return false;
    p->pos = start + extra + 1;
    return true;
}

/* Reads a string; p->pos is at the opening quote.  The decoded text goes
 * into the arena. */
static bool json_read_string(json_parser *p, const char **chars, size_t *length)
{
    size_t start = p->pos;
    p->pos++;
    p->char_count = 0;
    for (;;) {
        if (p->pos >= p->length)
            return json_fail_at(p, start, "unterminated string");
        unsigned char c = p->text[p->pos];
        bool ok;
        if (c == '"') {
            p->pos++;
            break;
        } else if (c == '\\') {
            ok = json_read_escape(p);
        } else if (c < 0x20) {
            ok = json_fail_at(p, p->pos,
                              "control character U+%04X must be escaped in a string", c);
        } else if (c >= 0x80) {
            ok = json_read_utf8(p);
        } else {
            ok = json_push_char(p, (char)c);
            p->pos++;
        }
        if (!ok)
            return false;
    }
    *chars = json_copy_text(p, p->chars ? p->chars : "", p->char_count);
    *length = p->char_count;
    return *chars != NULL;
}

/* Reads a number, keeping its text; p->pos is at '-' or a digit. */
static bool json_read_number(json_parser *p, json_value *out)
{
    size_t start = p->pos;
    if (json_peek_is(p, '-'))
        p->pos++;
    if (json_peek_is(p, '0')) {
        p->pos++;
        if (json_is_digit(p))
            return json_fail_at(p, start, "leading zeros are not allowed in a number");
    } else if (json_is_digit(p)) {
        while (json_is_digit(p))
            p->pos++;
    } else {
        return json_fail_expected(p, "a digit");
    }
    if (json_peek_is(p, '.')) {
        p->pos++;
        if (!json_is_digit(p))
            return json_fail_expected(p, "a digit after the decimal point");
        while (json_is_digit(p))
            p->pos++;
    }
    if (json_peek_is(p, 'e') || json_peek_is(p, 'E')) {
        p->pos++;
        if (json_peek_is(p, '+') || json_peek_is(p, '-'))
            p->pos++;
        if (!json_is_digit(p))
            return json_fail_expected(p, "a digit in the exponent");
        while (json_is_digit(p))
            p->pos++;
    }
    out->kind = JSON_NUMBER;
    out->as.text.length = p->pos - start;
    out->as.text.chars = json_copy_text(p, (const char *)p->text + start, out->as.text.length);
    return out->as.text.chars != NULL;
}

static bool json_read_literal(json_parser *p, const char *word, json_kind kind,
                              json_value *out)
{
    size_t n = strlen(word);
    if (p->length - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
        return json_fail_at(p, p->pos, "invalid literal (expected \"%s\")", word);
    p->pos += n;
    out->kind = kind;
    return true;
}

/* ---- structure ---------------------------------------------------------- */

static bool json_read_value(json_parser *p, json_value *out);

static bool json_enter(json_parser *p)
{
    if (p->depth >= JSON_MAX_DEPTH)
        return json_fail_at(p, p->pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    p->depth++;
    p->pos++; /* the opening bracket */
    return true;
}

/* p->pos is at '['. */
static bool json_read_array(json_parser *p, json_value *out)
{
    if (!json_enter(p))
        return false;
    size_t base = p->value_count;
    json_skip_space(p);
    if (json_peek_is(p, ']')) {
        p->pos++;
    } else {
        for (;;) {
            json_value item;
            if (!json_read_value(p, &item))
                return false;
            json_value *values = json_grow(p, p->values, &p->value_capacity,
                                           p->value_count, sizeof *values);
            if (!values)
                return false;
            p->values = values;
            p->values[p->value_count++] = item;
            json_skip_space(p);
            if (json_peek_is(p, ',')) {
                p->pos++;
                continue;
            }
            if (json_peek_is(p, ']')) {
                p->pos++;
                break;
            }
            return json_fail_expected(p, "',' or ']' after an array item");
        }
    }
    size_t count = p->value_count - base;
    json_value *items = NULL;
    if (count) {
        items = json_arena_alloc(p, count * sizeof *items);
        if (!items)
            return false;
        memcpy(items, p->values + base, count * sizeof *items);
    }
    p->value_count = base;
    p->depth--;
    out->kind = JSON_ARRAY;
    out->as.array.items = items;
    out->as.array.count = count;
    return true;
}

/* p->pos is at '{'. */
static bool json_read_object(json_parser *p, json_value *out)
{
    if (!json_enter(p))
        return false;
    size_t base = p->member_count;
    json_skip_space(p);
    if (json_peek_is(p, '}')) {
        p->pos++;
    } else {
        for (;;) {
            json_skip_space(p);
            if (!json_peek_is(p, '"'))
                return json_fail_expected(p, "a string as the member name");
            size_t key_offset = p->pos;
            json_member member;
            if (!json_read_string(p, &member.key, &member.key_length))
                return false;
            for (size_t i = base; i < p->member_count; i++) {
                if (p->members[i].key_length == member.key_length &&
                    memcmp(p->members[i].key, member.key, member.key_length) == 0)
                    return json_fail_at(p, key_offset, "duplicate member name \"%s\"",
                                        member.key);
            }
            json_skip_space(p);
            if (!json_peek_is(p, ':'))
                return json_fail_expected(p, "':' after the member name");
            p->pos++;
            if (!json_read_value(p, &member.value))
                return false;
            json_member *members = json_grow(p, p->members, &p->member_capacity,
                                             p->member_count, sizeof *members);
            if (!members)
                return false;
            p->members = members;
            p->members[p->member_count++] = member;
            json_skip_space(p);
            if (json_peek_is(p, ',')) {
                p->pos++;
                continue;
            }
            if (json_peek_is(p, '}')) {
                p->pos++;
                break;
            }
            return json_fail_expected(p, "',' or '}' after an object member");
        }
    }
    size_t count = p->member_count - base;
    json_member *members = NULL;
    if (count) {
        members = json_arena_alloc(p, count * sizeof *members);
        if (!members)
            return false;
        memcpy(members, p->members + base, count * sizeof *members);
    }
    p->member_count = base;
    p->depth--;
    out->kind = JSON_OBJECT;
    out->as.object.members = members;
    out->as.object.count = count;
    return true;
}

static bool json_read_value(json_parser *p, json_value *out)
{
    json_skip_space(p);
    if (p->pos >= p->length)
        return json_fail_expected(p, "a value");
    switch (p->text[p->pos]) {
    case '{': return json_read_object(p, out);
    case '[': return json_read_array(p, out);
    case '"':
        out->kind = JSON_STRING;
        return json_read_string(p, &out->as.text.chars, &out->as.text.length);
    case 't': return json_read_literal(p, "true", JSON_TRUE, out);
    case 'f': return json_read_literal(p, "false", JSON_FALSE, out);
    case 'n': return json_read_literal(p, "null", JSON_NULL, out);
    default:
        if (p->text[p->pos] == '-' || json_is_digit(p))
            return json_read_number(p, out);
        return json_fail_expected(p, "a value");
    }
}

/* ---- public ------------------------------------------------------------- */

bool json_parse(const char *text, size_t length, json_document **out, json_error *err)
{
    *out = NULL;
    err->offset = 0;
    err->line = 0;
    err->column = 0;
    err->message[0] = '\0';

    json_parser p = {
        .text = (const unsigned char *)text,
        .length = length,
        .err = err,
    };
    p.doc = calloc(1, sizeof *p.doc);
    if (!p.doc)
        return json_fail_at(&p, 0, "out of memory");

    bool ok = json_read_value(&p, &p.doc->root);
    if (ok) {
        json_skip_space(&p);
        if (p.pos < p.length)
            ok = json_fail_expected(&p, "the end of input after the value");
    }
    free(p.values);
    free(p.members);
    free(p.chars);
    if (!ok) {
        json_free(p.doc);
        return false;
    }
    *out = p.doc;
    return true;
}

const json_value *json_root(const json_document *doc)
{
    return &doc->root;
}

void json_free(json_document *doc)
{
    if (!doc)
        return;
    json_block *b = doc->blocks;
    while (b) {
        json_block *next = b->next;
        free(b->data);
        free(b);
        b = next;
    }
    free(doc);
}

const json_value *json_get(const json_value *object, const char *key)
{
    if (!object || object->kind != JSON_OBJECT)
        return NULL;
    size_t key_length = strlen(key);
    for (size_t i = 0; i < object->as.object.count; i++) {
        const json_member *m = &object->as.object.members[i];
        if (m->key_length == key_length && memcmp(m->key, key, key_length) == 0)
            return &m->value;
    }
    return NULL;
}

const char *json_get_string(const json_value *object, const char *key)
{
    const json_value *v = json_get(object, key);
    return v && v->kind == JSON_STRING ? v->as.text.chars : NULL;
}

const char *json_kind_name(json_kind kind)
{
    switch (kind) {
    case JSON_NULL: return "null";
    case JSON_FALSE: return "false";
    case JSON_TRUE: return "true";
    case JSON_NUMBER: return "number";
    case JSON_STRING: return "string";
    case JSON_ARRAY: return "array";
    case JSON_OBJECT: return "object";
    }
    return "unknown";
}
