/*
 * Text forms of the pieces of a module, in the spelling of the WebAssembly
 * text format where it has one: quoted strings and $identifiers for names,
 * "(i32) -> (i64)" for function types, "min 1 max 2" for limits, and
 * constant expressions as their instructions ("i32.const 1024").  Both
 * outputs of `waot inspect` use them, the JSON one as string values.
 */
#include "cli.h"

#include "instr.h"

#include <string.h>

void cli_text_init(cli_text *t)
{
    t->buf[0] = '\0';
    t->len = 0;
    t->truncated = false;
}

void cli_text_append(cli_text *t, const char *fmt, ...)
{
    if (t->truncated)
        return;
    size_t room = sizeof t->buf - t->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->buf[t->len] = '\0';
        t->truncated = true;
    } else if ((size_t)n >= room) {
        t->len = sizeof t->buf - 1;
        t->truncated = true;
    } else {
        t->len += (size_t)n;
    }
}

const char *cli_text_str(cli_text *t)
{
    if (t->truncated) {
        /* Overwrite the tail with the marker; calling again changes nothing. */
        static const char marker[] = "...";
        size_t at = sizeof t->buf - sizeof marker;
        memcpy(t->buf + at, marker, sizeof marker);
        t->len = at + sizeof marker - 1;
    }
    return t->buf;
}

size_t cli_utf8_sequence_length(const uint8_t *s, size_t left)
{
    size_t n;
    if (s[0] < 0x80)
        n = 1;
    else if ((s[0] & 0xe0) == 0xc0)
        n = 2;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3;
    else if ((s[0] & 0xf8) == 0xf0)
        n = 4;
    else
        return 0;
    if (n > left || !aot_utf8_valid(s, n))
        return 0;
    return n;
}

void cli_write_quoted(FILE *out, const uint8_t *bytes, size_t len)
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
                fprintf(out, "\\%02x", c);
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\t': fputs("\\t", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\%02x", c);
            else
                fputc(c, out);
        }
        i++;
    }
    fputc('"', out);
}

/* The text format's idchar: printable ASCII except space, quotes and the
 * punctuation that delimits tokens. */
static bool format_is_identifier_char(uint8_t c)
{
    if (c <= 0x20 || c >= 0x7f)
        return false;
    return strchr("\",;[]{}()", c) == NULL;
}

void cli_write_identifier(FILE *out, const aot_name *name)
{
    bool plain = name->len > 0;
    for (uint32_t i = 0; i < name->len && plain; i++)
        plain = format_is_identifier_char(name->bytes[i]);
    fputc('$', out);
    if (plain)
        fwrite(name->bytes, 1, name->len, out);
    else
        cli_write_quoted(out, name->bytes, name->len);
}

static void format_valtype_list(cli_text *t, const aot_valtype *types, uint32_t count)
{
    cli_text_append(t, "(");
    for (uint32_t i = 0; i < count; i++)
        cli_text_append(t, "%s%s", i ? ", " : "", aot_valtype_name(types[i]));
    cli_text_append(t, ")");
}

void cli_format_functype(cli_text *t, const aot_functype *type)
{
    format_valtype_list(t, type->params, type->param_count);
    cli_text_append(t, " -> ");
    format_valtype_list(t, type->results, type->result_count);
}

void cli_format_limits(cli_text *t, const aot_limits *limits)
{
    cli_text_append(t, "min %llu", (unsigned long long)limits->min);
    if (limits->has_max)
        cli_text_append(t, " max %llu", (unsigned long long)limits->max);
}

/* A float the way the text format writes it: inf, nan, nan:0xPAYLOAD or
 * the shortest decimal that reads back as the same bits. */
static void format_float(cli_text *t, bool negative, bool is_special, uint64_t mantissa,
                         uint64_t canonical_nan, double value, int digits)
{
    if (is_special) {
        cli_text_append(t, "%s", negative ? "-" : "");
        if (mantissa == 0)
            cli_text_append(t, "inf");
        else if (mantissa == canonical_nan)
            cli_text_append(t, "nan");
        else
            cli_text_append(t, "nan:0x%llx", (unsigned long long)mantissa);
        return;
    }
    cli_text_append(t, "%.*g", digits, value);
}

static void format_f32(cli_text *t, uint32_t bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    format_float(t, bits >> 31, ((bits >> 23) & 0xff) == 0xff, bits & 0x7fffff,
                 0x400000, value, 9);
}

static void format_f64(cli_text *t, uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof value);
    format_float(t, bits >> 63, ((bits >> 52) & 0x7ff) == 0x7ff, bits & 0xfffffffffffffull,
                 0x8000000000000ull, value, 17);
}

/* One instruction with its immediates. */
static void format_instr(cli_text *t, const aot_instr *in)
{
    const aot_opcode_info *info = &aot_opcode_infos[in->op];
    cli_text_append(t, "%s", info->text);
    switch ((aot_imm_kind)info->imm) {
    case AOT_IMM_I32:
        cli_text_append(t, " %d", in->imm.i32);
        break;
    case AOT_IMM_I64:
        cli_text_append(t, " %lld", (long long)in->imm.i64);
        break;
    case AOT_IMM_F32:
        cli_text_append(t, " ");
        format_f32(t, in->imm.f32_bits);
        break;
    case AOT_IMM_F64:
        cli_text_append(t, " ");
        format_f64(t, in->imm.f64_bits);
        break;
    case AOT_IMM_V128: {
        cli_text_append(t, " i32x4");
        for (int lane = 0; lane < 4; lane++) {
            const uint8_t *b = in->imm.bytes16 + 4 * lane;
            uint32_t word = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                            (uint32_t)b[3] << 24;
            cli_text_append(t, " 0x%08x", word);
        }
        break;
    }
    case AOT_IMM_REFTYPE:
        cli_text_append(t, " %s", in->imm.reftype == AOT_VT_EXTERNREF ? "extern" : "func");
        break;
    case AOT_IMM_FUNC:
    case AOT_IMM_GLOBAL:
    case AOT_IMM_LOCAL:
    case AOT_IMM_LABEL:
    case AOT_IMM_TABLE:
    case AOT_IMM_DATA:
    case AOT_IMM_ELEM:
        cli_text_append(t, " %u", in->imm.index);
        break;
    default:
        /* Not a constant instruction; a valid module has none here. */
        break;
    }
}

void cli_format_const_expr(cli_text *t, const aot_module *m, aot_const_expr expr)
{
    aot_error err;
    aot_error_clear(&err);
    aot_reader r = { .p = expr.start, .end = expr.end, .base = m->bytes, .err = &err };
    bool first = true;

    while (!aot_reader_at_end(&r)) {
        aot_instr in;
        if (!aot_read_instr(&r, &in)) {
            cli_text_append(t, "%s<malformed>", first ? "" : " ");
            return;
        }
        if (in.op == AOT_OP_END && aot_reader_at_end(&r))
            break;
        if (!first)
            cli_text_append(t, " ");
        format_instr(t, &in);
        first = false;
    }
    if (first)
        cli_text_append(t, "<empty>");
}
