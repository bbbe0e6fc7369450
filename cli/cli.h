/*
 * What the files of the `waot` command share: the command table entry each
 * subcommand file exports, the exit statuses, loading a module with the
 * one-line error report every command prints, and the small formatters
 * (names, types, constant expressions, JSON) that the inspect output is
 * built from.  None of it knows anything about WebAssembly that the
 * library does not already say; it only decides how it is shown.
 */
#ifndef WAOT_CLI_H
#define WAOT_CLI_H

#include "aot.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses of every command. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILURE = 1, /* a file was bad, unreadable, or output failed */
    CLI_EXIT_USAGE = 2,   /* the command line itself was wrong */
};

/* One subcommand.  `run` gets the arguments after the command's name and
 * returns an exit status; `print_help` writes the full help text. */
typedef struct cli_command {
    const char *name;
    const char *summary; /* one line for `waot --help` */
    int (*run)(int argc, char **argv);
    void (*print_help)(FILE *out);
} cli_command;

extern const cli_command cli_validate_command;
extern const cli_command cli_inspect_command;
extern const cli_command cli_compile_command;
extern const cli_command cli_run_command;
extern const cli_command cli_cache_command;
extern const cli_command cli_build_command;

/* Prints "waot: MESSAGE" (or "waot COMMAND: MESSAGE") and a hint to --help
 * on stderr; returns CLI_EXIT_USAGE.  `command` may be NULL. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* True when `arg` is "-h" or "--help". */
bool cli_is_help_option(const char *arg);

/* True when `arg` is "-j" or "--jobs", whose value is the number of threads
 * compiling a module (aot_compile_options.jobs). */
bool cli_is_jobs_option(const char *arg);

/* The value of --jobs: a whole number from 1 to CLI_MAX_JOBS.  False when
 * `text` is anything else. */
bool cli_parse_jobs(const char *text, unsigned *out);

#define CLI_MAX_JOBS 256

/* A file read into memory and, when it decoded and validated, its module. */
typedef struct cli_loaded_module {
    uint8_t *bytes;
    size_t size;
    aot_module *module;
} cli_loaded_module;

/* Reads, decodes and validates `path`.  On failure prints the one-line
 * report (cli_report_error) and leaves nothing to free. */
bool cli_load_module(const char *path, cli_loaded_module *out);
void cli_loaded_module_free(cli_loaded_module *loaded);

/* The one-line report on stderr:
 *   PATH:0xOFFSET: error: MESSAGE (function N)   for a bad module
 *   PATH: error: MESSAGE                         for I/O and memory errors */
void cli_report_error(const char *path, const aot_error *err);

/* Writes `s` with every control character replaced by '?', so a path or a
 * message can never break a line. */
void cli_write_one_line(FILE *out, const char *s);

/* Flushes stdout; on a write error prints "waot: error writing output" and
 * returns false. */
bool cli_finish_output(void);

/* ---- format.c: text forms of module pieces ---- */

/* A bounded text buffer; what does not fit is dropped and marked "...". */
typedef struct cli_text {
    char buf[512];
    size_t len;
    bool truncated;
} cli_text;

void cli_text_init(cli_text *t);
void cli_text_append(cli_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The NUL-terminated contents, with "..." at the end when truncated. */
const char *cli_text_str(cli_text *t);

/* The length of the well-formed UTF-8 sequence at s[0], `left` bytes
 * available (> 0), or 0 when s[0] does not start one. */
size_t cli_utf8_sequence_length(const uint8_t *s, size_t left);

/* A byte string as a double-quoted text-format string: printable ASCII and
 * well-formed UTF-8 as they are, `"` and `\` escaped, everything else as
 * \t \n \r or \hh. */
void cli_write_quoted(FILE *out, const uint8_t *bytes, size_t len);

/* A name as a text-format identifier: `$name` when every byte is an
 * identifier character, `$"..."` otherwise. */
void cli_write_identifier(FILE *out, const aot_name *name);

/* "(i32, i64) -> (f32)". */
void cli_format_functype(cli_text *t, const aot_functype *type);

/* "min 1 max 16" or "min 1". */
void cli_format_limits(cli_text *t, const aot_limits *limits);

/* The instructions of a constant expression without the final `end`, e.g.
 * "i32.const 1024", "global.get 0", "ref.func 3", "ref.null func". */
void cli_format_const_expr(cli_text *t, const aot_module *m, aot_const_expr expr);

/* ---- json.c: a streaming JSON writer ---- */

#define CLI_JSON_MAX_DEPTH 16

/* Containers are opened "block" (one member per line, indented) or "inline"
 * (all on one line); anything opened inside an inline container is inline.
 * The writer puts the commas, colons and newlines in. */
typedef struct cli_json {
    FILE *out;
    int depth;
    bool has_members[CLI_JSON_MAX_DEPTH];
    bool is_inline[CLI_JSON_MAX_DEPTH];
    bool after_key; /* a key was written; the value comes next */
} cli_json;

void cli_json_init(cli_json *j, FILE *out);
void cli_json_begin_object(cli_json *j, bool inline_layout);
void cli_json_end_object(cli_json *j);
void cli_json_begin_array(cli_json *j, bool inline_layout);
void cli_json_end_array(cli_json *j);
/* The key of the next object member. */
void cli_json_key(cli_json *j, const char *key);
/* A byte string, escaped: quotes, backslashes and control characters
 * escaped, well-formed UTF-8 kept, any other byte written as U+FFFD. */
void cli_json_bytes(cli_json *j, const uint8_t *bytes, size_t len);
void cli_json_string(cli_json *j, const char *s);
void cli_json_name(cli_json *j, const aot_name *name);
void cli_json_uint(cli_json *j, uint64_t value);
void cli_json_bool(cli_json *j, bool value);
void cli_json_null(cli_json *j);
/* Ends the document with a newline. */
void cli_json_finish(cli_json *j);

/* The escaping alone, quotes included, for callers without a writer. */
void cli_json_write_escaped(FILE *out, const uint8_t *bytes, size_t len);

#endif
