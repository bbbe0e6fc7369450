/*
 * A streaming JSON writer for `waot inspect --json`: it tracks nesting so
 * callers never place a comma, and it escapes strings.  Module names are
 * byte strings that can hold anything, so escaping is strict: quotes,
 * backslashes, control characters and DEL are escaped, well-formed UTF-8
 * passes through, and a byte that is not part of well-formed UTF-8 becomes
 * U+FFFD, because a JSON document must be valid UTF-8.
 */
#include "cli.h"

#include <string.h>

void cli_json_write_escaped(FILE *out, const uint8_t *bytes, size_t len)
{
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        uint8_t c = bytes[i];
        if (c >= 0x80) {
            size_t n = cli_utf8_sequence_length(bytes + i, len - i);
            if (n > 0) {
                fwrite(bytes + i, 1, n, out);
                i += n;
            } else {
                fputs("\\ufffd", out);
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
        i++;
    }
    fputc('"', out);
}

void cli_json_init(cli_json *j, FILE *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

static void json_newline_and_indent(cli_json *j, int depth)
{
    fputc('\n', j->out);
    for (int i = 0; i < depth; i++)
        fputs("  ", j->out);
}

/* Writes what goes between the previous member and the next value or key. */
static void json_separate(cli_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0)
        return;
    if (j->has_members[j->depth])
        fputc(',', j->out);
    if (j->is_inline[j->depth]) {
        if (j->has_members[j->depth])
            fputc(' ', j->out);
    } else {
        json_newline_and_indent(j, j->depth);
    }
    j->has_members[j->depth] = true;
}

static void json_begin(cli_json *j, char open, bool inline_layout)
{
    json_separate(j);
    fputc(open, j->out);
    if (j->depth + 1 >= CLI_JSON_MAX_DEPTH)
        return; /* deeper than any caller nests; keep the arrays in bounds */
    bool outer_inline = j->depth > 0 && j->is_inline[j->depth];
    j->depth++;
    j->has_members[j->depth] = false;
    j->is_inline[j->depth] = inline_layout || outer_inline;
}

static void json_end(cli_json *j, char close)
{
    if (j->depth > 0) {
        if (!j->is_inline[j->depth] && j->has_members[j->depth])
            json_newline_and_indent(j, j->depth - 1);
        j->depth--;
    }
    fputc(close, j->out);
}

void cli_json_begin_object(cli_json *j, bool inline_layout)
{
    json_begin(j, '{', inline_layout);
}

void cli_json_end_object(cli_json *j)
{
    json_end(j, '}');
}

void cli_json_begin_array(cli_json *j, bool inline_layout)
{
    json_begin(j, '[', inline_layout);
}

void cli_json_end_array(cli_json *j)
{
    json_end(j, ']');
}

void cli_json_key(cli_json *j, const char *key)
{
    json_separate(j);
    cli_json_write_escaped(j->out, (const uint8_t *)key, strlen(key));
    fputs(": ", j->out);
    j->after_key = true;
}

void cli_json_bytes(cli_json *j, const uint8_t *bytes, size_t len)
{
    json_separate(j);
    cli_json_write_escaped(j->out, bytes, len);
}

void cli_json_string(cli_json *j, const char *s)
{
    cli_json_bytes(j, (const uint8_t *)s, strlen(s));
}

void cli_json_name(cli_json *j, const aot_name *name)
{
    cli_json_bytes(j, name->bytes, name->len);
}

void cli_json_uint(cli_json *j, uint64_t value)
{
    json_separate(j);
    fprintf(j->out, "%llu", (unsigned long long)value);
}

void cli_json_bool(cli_json *j, bool value)
{
    json_separate(j);
    fputs(value ? "true" : "false", j->out);
}

void cli_json_null(cli_json *j)
{
    json_separate(j);
    fputs("null", j->out);
}

void cli_json_finish(cli_json *j)
{
    fputc('\n', j->out);
}
