/*
 * What every subcommand does the same way: loading a module from a file,
 * reporting why a file could not be loaded in exactly one line on stderr,
 * complaining about a bad command line (and reading the options several
 * commands share), and noticing that stdout could not be written.  The
 * commands own their output; this file owns their errors.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    char message[512];

    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    if (command) {
        fprintf(stderr, "waot %s: ", command);
        cli_write_one_line(stderr, message);
        fprintf(stderr, "\nTry 'waot %s --help' for more information.\n", command);
    } else {
        fputs("waot: ", stderr);
        cli_write_one_line(stderr, message);
        fputs("\nTry 'waot --help' for more information.\n", stderr);
    }
    return CLI_EXIT_USAGE;
}

bool cli_is_help_option(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

bool cli_is_jobs_option(const char *arg)
{
    return strcmp(arg, "-j") == 0 || strcmp(arg, "--jobs") == 0;
}

bool cli_parse_jobs(const char *text, unsigned *out)
{
    unsigned long n = 0;
    if (!*text)
        return false;
    for (const char *c = text; *c; c++) {
        if (*c < '0' || *c > '9')
            return false;
        n = n * 10 + (unsigned long)(*c - '0');
        if (n > CLI_MAX_JOBS)
            return false;
    }
    if (n == 0)
        return false;
    *out = (unsigned)n;
    return true;
}

void cli_write_one_line(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
    }
}

void cli_report_error(const char *path, const aot_error *err)
{
    cli_write_one_line(stderr, path);
    bool has_location = err->kind == AOT_ERR_MALFORMED || err->kind == AOT_ERR_INVALID ||
                        err->kind == AOT_ERR_LIMIT;
    if (has_location)
        fprintf(stderr, ":0x%zx", err->offset);
    fputs(": error: ", stderr);
    if (err->message[0])
        cli_write_one_line(stderr, err->message);
    else
        fputs(aot_error_kind_name(err->kind), stderr);
    if (has_location && err->func_index >= 0)
        fprintf(stderr, " (function %lld)", (long long)err->func_index);
    fputc('\n', stderr);
}

bool cli_load_module(const char *path, cli_loaded_module *out)
{
    aot_error err;
    aot_error_clear(&err);
    out->bytes = NULL;
    out->size = 0;
    out->module = NULL;

    if (!aot_read_file(path, &out->bytes, &out->size, &err)) {
        if (err.kind == AOT_OK) /* a failure must never go unreported */
            aot_fail(&err, AOT_ERR_IO, 0, "cannot read file");
        cli_report_error(path, &err);
        free(out->bytes);
        out->bytes = NULL;
        return false;
    }
    if (!aot_load(out->bytes, out->size, &out->module, &err)) {
        if (err.kind == AOT_OK)
            aot_fail(&err, AOT_ERR_MALFORMED, 0, "module could not be loaded");
        cli_report_error(path, &err);
        free(out->bytes);
        out->bytes = NULL;
        out->module = NULL;
        return false;
    }
    return true;
}

void cli_loaded_module_free(cli_loaded_module *loaded)
{
    if (loaded->module)
        aot_module_free(loaded->module);
    free(loaded->bytes);
    loaded->module = NULL;
    loaded->bytes = NULL;
    loaded->size = 0;
}

bool cli_finish_output(void)
{
    errno = 0;
    bool flush_failed = fflush(stdout) != 0;
    int flush_errno = errno;
    if (!flush_failed && !ferror(stdout))
        return true;
    if (flush_failed && flush_errno != 0)
        fprintf(stderr, "waot: error writing output: %s\n", strerror(flush_errno));
    else
        fputs("waot: error writing output\n", stderr);
    return false;
}
