/*
 * Checks the commands of one converted spec script against the compiler
 * library and counts what happened to each, by command type.
 *
 * What each command means here: a `module` must decode and validate; an
 * `assert_malformed` or `assert_invalid` of a binary module must be rejected
 * with the expected kind and a message that starts with the expected text
 * (the reference interpreter's rule); a text-format module is skipped,
 * because waot reads binaries; every command that needs execution
 * (assert_return, assert_trap, assert_exhaustion, assert_unlinkable,
 * assert_uninstantiable, action, register) is counted as not run.
 *
 * The commands are checked in a child process that shares its counts with
 * the parent through an anonymous shared mapping, together with the line of
 * the command being checked, so that a crash or a hang in the library is
 * reported against that command and the run goes on with the next script.
 */
#include "script.h"

#include "aot.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A script that takes longer than this to check is reported as hung.  The
 * whole suite takes a few seconds. */
enum { SCRIPT_TIME_LIMIT_SECONDS = 120 };

/* Room for a library message (256 bytes) once quoted and escaped, and for
 * that with its kind and location (which take at most about 110 bytes, so
 * the appends in script_describe_error never truncate). */
enum { SCRIPT_QUOTED_SIZE = 1100, SCRIPT_DESCRIBED_SIZE = SCRIPT_QUOTED_SIZE + 160 };

static const char *const script_command_names[SCRIPT_COMMAND_COUNT] = {
    [SCRIPT_MODULE] = "module",
    [SCRIPT_ASSERT_MALFORMED] = "assert_malformed",
    [SCRIPT_ASSERT_INVALID] = "assert_invalid",
    [SCRIPT_ASSERT_UNLINKABLE] = "assert_unlinkable",
    [SCRIPT_ASSERT_UNINSTANTIABLE] = "assert_uninstantiable",
    [SCRIPT_ASSERT_RETURN] = "assert_return",
    [SCRIPT_ASSERT_TRAP] = "assert_trap",
    [SCRIPT_ASSERT_EXHAUSTION] = "assert_exhaustion",
    [SCRIPT_ACTION] = "action",
    [SCRIPT_REGISTER] = "register",
    [SCRIPT_UNKNOWN] = "unknown command",
};

/* What the child shares with the parent. */
typedef struct script_progress {
    script_tally tally;
    unsigned long line; /* of the command being checked; 0 before the first */
    bool finished;      /* the child got through every command */
} script_progress;

/* What the checks of one script need to know. */
typedef struct script_context {
    const char *display_name; /* "binary.wast" */
    const char *module_dir;   /* the folder of the JSON file, "" or ending in '/' */
    script_progress *progress;
} script_context;

const char *script_command_name(script_command command)
{
    return command < SCRIPT_COMMAND_COUNT ? script_command_names[command] : "?";
}

static script_command script_command_from_name(const char *name)
{
    for (int c = 0; c < SCRIPT_UNKNOWN; c++)
        if (strcmp(script_command_names[c], name) == 0)
            return (script_command)c;
    return SCRIPT_UNKNOWN;
}

void script_tally_add(script_tally *sum, const script_tally *part)
{
    for (int c = 0; c < SCRIPT_COMMAND_COUNT; c++) {
        sum->by_command[c].passed += part->by_command[c].passed;
        sum->by_command[c].failed += part->by_command[c].failed;
        sum->by_command[c].skipped_text += part->by_command[c].skipped_text;
        sum->by_command[c].not_run += part->by_command[c].not_run;
        sum->by_command[c].lossy += part->by_command[c].lossy;
    }
    sum->script_failures += part->script_failures;
}

script_counts script_tally_total(const script_tally *tally)
{
    script_counts total = {.failed = tally->script_failures};
    for (int c = 0; c < SCRIPT_COMMAND_COUNT; c++) {
        total.passed += tally->by_command[c].passed;
        total.failed += tally->by_command[c].failed;
        total.skipped_text += tally->by_command[c].skipped_text;
        total.not_run += tally->by_command[c].not_run;
        total.lossy += tally->by_command[c].lossy;
    }
    return total;
}

/* ---- reporting ----------------------------------------------------------- */

/* Prints one failure line, "FILE.wast:LINE: COMMAND: what", and flushes it so
 * that it survives a crash later in the script. */
static void script_report(const script_context *ctx, unsigned long line,
                          const char *command, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void script_report(const script_context *ctx, unsigned long line,
                          const char *command, const char *fmt, ...)
{
    if (line)
        printf("%s:%lu: %s: ", ctx->display_name, line, command);
    else
        printf("%s: %s: ", ctx->display_name, command);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* Writes `text` in double quotes, escaping quotes, backslashes and control
 * characters, so that a message always stays on its line. */
static const char *script_quote(const char *text, char out[static SCRIPT_QUOTED_SIZE])
{
    size_t n = 0;
    const size_t room = SCRIPT_QUOTED_SIZE - 8; /* an escape, "...", quote, NUL */
    out[n++] = '"';
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        if (n >= room) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        if (*s == '"' || *s == '\\') {
            out[n++] = '\\';
            out[n++] = (char)*s;
        } else if (*s < 0x20 || *s == 0x7f) {
            n += (size_t)snprintf(out + n, 5, "\\x%02x", *s);
        } else {
            out[n++] = (char)*s;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

/* "malformed "message" (offset 0x1c, section 10, function 3)" */
static const char *script_describe_error(const aot_error *err,
                                         char out[static SCRIPT_DESCRIBED_SIZE])
{
    char quoted[SCRIPT_QUOTED_SIZE];
    int n = snprintf(out, SCRIPT_DESCRIBED_SIZE, "%s %s (offset 0x%zx",
                     aot_error_kind_name(err->kind), script_quote(err->message, quoted),
                     err->offset);
    if (err->section != AOT_NO_SECTION)
        n += snprintf(out + n, SCRIPT_DESCRIBED_SIZE - (size_t)n, ", section %d", err->section);
    if (err->func_index != AOT_NO_FUNC)
        n += snprintf(out + n, SCRIPT_DESCRIBED_SIZE - (size_t)n, ", function %lld",
                      (long long)err->func_index);
    snprintf(out + n, SCRIPT_DESCRIBED_SIZE - (size_t)n, ")");
    return out;
}

/* ---- files and modules ---------------------------------------------------- */

/* Reads a whole file into a malloc'd buffer (never NULL, even when the file
 * is empty: an empty module is a legitimate malformed case).  On failure
 * returns false with errno set. */
static bool script_read_file(const char *path, unsigned char **bytes, size_t *size)
{
    *bytes = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    int problem = 0;
    if (fstat(fd, &st) != 0)
        problem = errno;
    else if (!S_ISREG(st.st_mode))
        problem = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    if (problem) {
        close(fd);
        errno = problem;
        return false;
    }
    size_t length = (size_t)st.st_size;
    unsigned char *buffer = malloc(length ? length : 1);
    if (!buffer) {
        close(fd);
        errno = ENOMEM;
        return false;
    }
    size_t done = 0;
    while (done < length) {
        ssize_t got = read(fd, buffer + done, length - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            int saved = got < 0 ? errno : EIO; /* shrank while being read */
            free(buffer);
            close(fd);
            errno = saved;
            return false;
        }
        done += (size_t)got;
    }
    close(fd);
    *bytes = buffer;
    *size = length;
    return true;
}

/* Reads, decodes and validates one module file of the script.  Returns true
 * if it loads; otherwise *err says why (kind AOT_ERR_IO if the file could not
 * be read). */
static bool script_load(const script_context *ctx, const char *filename, aot_error *err)
{
    aot_error_clear(err);
    size_t path_size = strlen(ctx->module_dir) + strlen(filename) + 1;
    char *path = malloc(path_size);
    if (!path)
        return aot_fail(err, AOT_ERR_NOMEM, 0, "no memory for the module path");
    snprintf(path, path_size, "%s%s", ctx->module_dir, filename);

    unsigned char *bytes;
    size_t size;
    if (!script_read_file(path, &bytes, &size)) {
        aot_fail(err, AOT_ERR_IO, 0, "cannot read %s: %s", path, strerror(errno));
        free(path);
        return false;
    }
    free(path);

    aot_module *module = NULL;
    bool loaded = aot_load(bytes, size, &module, err);
    if (loaded)
        aot_module_free(module);
    free(bytes);
    return loaded;
}

/* ---- commands -------------------------------------------------------------- */

/* Reads a command's "line": a JSON integer >= 1. */
static bool script_command_line(const json_value *command, unsigned long *line)
{
    const json_value *v = json_get(command, "line");
    if (!v || v->kind != JSON_NUMBER || v->as.text.chars[0] == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long value = strtoul(v->as.text.chars, &end, 10);
    if (errno || *end != '\0' || value == 0)
        return false;
    *line = value;
    return true;
}

/* Whether a command's module is in the text format; false with a failure
 * reported if its "module_type" is neither "binary" nor "text". */
static bool script_module_format(const script_context *ctx, unsigned long line,
                                 const char *command_name, const json_value *command,
                                 bool *is_text)
{
    const json_value *type = json_get(command, "module_type");
    if (!type) {
        const char *filename = json_get_string(command, "filename");
        size_t n = filename ? strlen(filename) : 0;
        *is_text = n >= 4 && strcmp(filename + n - 4, ".wat") == 0;
        return true;
    }
    if (type->kind == JSON_STRING && strcmp(type->as.text.chars, "binary") == 0) {
        *is_text = false;
        return true;
    }
    if (type->kind == JSON_STRING && strcmp(type->as.text.chars, "text") == 0) {
        *is_text = true;
        return true;
    }
    script_report(ctx, line, command_name,
                  "\"module_type\" is neither \"binary\" nor \"text\"");
    return false;
}

/* `module`: the module must decode and validate. */
static void script_check_module(const script_context *ctx, unsigned long line,
                                const char *filename, script_counts *counts)
{
    aot_error err;
    if (script_load(ctx, filename, &err)) {
        counts->passed++;
        return;
    }
    char got[SCRIPT_DESCRIBED_SIZE];
    counts->failed++;
    script_report(ctx, line, "module", "expected success, got %s [%s]",
                  script_describe_error(&err, got), filename);
}

/* `assert_malformed` / `assert_invalid`: the module must be rejected with
 * `expected_kind` and a message that starts with the command's text. */
static void script_check_rejected(const script_context *ctx, unsigned long line,
                                  const char *command_name, const char *filename,
                                  const char *expected_text, aot_error_kind expected_kind,
                                  script_counts *counts)
{
    aot_error err;
    bool loaded = script_load(ctx, filename, &err);
    if (!loaded && err.kind == expected_kind &&
        strncmp(err.message, expected_text, strlen(expected_text)) == 0) {
        counts->passed++;
        return;
    }
    char expected[SCRIPT_QUOTED_SIZE];
    char got[SCRIPT_DESCRIBED_SIZE];
    counts->failed++;
    script_report(ctx, line, command_name, "expected %s %s, got %s [%s]",
                  aot_error_kind_name(expected_kind), script_quote(expected_text, expected),
                  loaded ? "success" : script_describe_error(&err, got), filename);
}

/*
 * Commands whose binary module, as wast2json 1.0.32 writes it, no longer
 * holds what the command tests, so no binary reader could pass them.  Each is
 * skipped with its reason printed, never counted as passed.
 */
static const struct {
    const char *script;
    unsigned long line;
    const char *reason;
} script_lossy_conversions[] = {
    {"select.wast", 324,
     "wast2json writes `select (result)` as the untyped select 0x1b, dropping the empty "
     "result list whose arity the command tests"},
};

static const char *script_lossy_reason(const script_context *ctx, unsigned long line)
{
    for (size_t i = 0; i < sizeof script_lossy_conversions / sizeof script_lossy_conversions[0]; i++)
        if (script_lossy_conversions[i].line == line &&
            strcmp(script_lossy_conversions[i].script, ctx->display_name) == 0)
            return script_lossy_conversions[i].reason;
    return NULL;
}

static void script_check_command(const script_context *ctx, size_t index,
                                 const json_value *command)
{
    script_tally *tally = &ctx->progress->tally;
    const char *type = json_get_string(command, "type"); /* NULL if not an object */
    unsigned long line;
    if (!type || !script_command_line(command, &line)) {
        tally->by_command[SCRIPT_UNKNOWN].failed++;
        script_report(ctx, 0, "unknown command",
                      "command #%zu has no \"type\" string or no positive \"line\"",
                      index + 1);
        return;
    }
    ctx->progress->line = line;

    script_command kind = script_command_from_name(type);
    script_counts *counts = &tally->by_command[kind];
    const char *filename = json_get_string(command, "filename");
    const char *text = json_get_string(command, "text");
    bool is_text = false;
    switch (kind) {
    case SCRIPT_MODULE:
    case SCRIPT_ASSERT_MALFORMED:
    case SCRIPT_ASSERT_INVALID:
        if (!script_module_format(ctx, line, type, command, &is_text)) {
            counts->failed++;
        } else if (is_text) {
            counts->skipped_text++;
        } else if (!filename || (kind != SCRIPT_MODULE && !text)) {
            counts->failed++;
            script_report(ctx, line, type, "the command has no \"filename\"%s",
                          kind != SCRIPT_MODULE ? " or no \"text\"" : "");
        } else if (script_lossy_reason(ctx, line)) {
            counts->lossy++;
            printf("%s:%lu: %s: skipped: %s\n", ctx->display_name, line, type,
                   script_lossy_reason(ctx, line));
        } else if (kind == SCRIPT_MODULE) {
            script_check_module(ctx, line, filename, counts);
        } else {
            script_check_rejected(ctx, line, type, filename, text,
                                  kind == SCRIPT_ASSERT_MALFORMED ? AOT_ERR_MALFORMED
                                                                  : AOT_ERR_INVALID,
                                  counts);
        }
        break;
    case SCRIPT_UNKNOWN: {
        char quoted[SCRIPT_QUOTED_SIZE];
        counts->failed++;
        script_report(ctx, line, "unknown command", "command type %s is not known",
                      script_quote(type, quoted));
        break;
    }
    default:
        counts->not_run++;
        break;
    }
}

/* Runs in the child: reads the JSON and checks every command. */
static void script_check_all(const char *display_name, const char *json_path,
                             script_progress *progress)
{
    size_t dir_length = 0;
    const char *slash = strrchr(json_path, '/');
    if (slash)
        dir_length = (size_t)(slash - json_path) + 1;
    char *module_dir = strndup(json_path, dir_length);
    if (!module_dir) {
        progress->tally.script_failures++;
        printf("%s: out of memory\n", display_name);
        return;
    }
    script_context ctx = {
        .display_name = display_name,
        .module_dir = module_dir,
        .progress = progress,
    };

    unsigned char *text;
    size_t size;
    json_document *doc = NULL;
    json_error jerr;
    if (!script_read_file(json_path, &text, &size)) {
        progress->tally.script_failures++;
        printf("%s: cannot read %s: %s\n", display_name, json_path, strerror(errno));
        free(module_dir);
        return;
    }
    if (!json_parse((const char *)text, size, &doc, &jerr)) {
        progress->tally.script_failures++;
        printf("%s: %s:%u:%u: not valid JSON: %s\n", display_name, json_path, jerr.line,
               jerr.column, jerr.message);
        free(text);
        free(module_dir);
        return;
    }
    free(text);

    const json_value *commands = json_get(json_root(doc), "commands");
    if (!commands || commands->kind != JSON_ARRAY) {
        progress->tally.script_failures++;
        printf("%s: %s: no \"commands\" array at the top level\n", display_name, json_path);
    } else {
        for (size_t i = 0; i < commands->as.array.count; i++)
            script_check_command(&ctx, i, &commands->as.array.items[i]);
    }
    json_free(doc);
    free(module_dir);
}

void script_check(const char *display_name, const char *json_path, script_tally *tally)
{
    script_progress *progress = mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (progress == MAP_FAILED) {
        tally->script_failures++;
        printf("%s: cannot map memory to share with the checker: %s\n", display_name,
               strerror(errno));
        return;
    }
    memset(progress, 0, sizeof *progress);

    fflush(stdout); /* or the child would print the parent's buffer again */
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        tally->script_failures++;
        printf("%s: cannot fork the checker: %s\n", display_name, strerror(errno));
        munmap(progress, sizeof *progress);
        return;
    }
    if (pid == 0) {
        alarm(SCRIPT_TIME_LIMIT_SECONDS);
        script_check_all(display_name, json_path, progress);
        progress->finished = true;
        fflush(stdout);
        exit(0); /* exit, not _exit: leak checkers run at exit */
    }

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    script_tally_add(tally, &progress->tally);

    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0 && progress->finished;
    if (!clean) {
        char where[64] = "";
        char what[128];
        if (progress->line)
            snprintf(where, sizeof where, ":%lu", progress->line);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
            snprintf(what, sizeof what, "timed out after %d s", SCRIPT_TIME_LIMIT_SECONDS);
        else if (WIFSIGNALED(status))
            snprintf(what, sizeof what, "crashed (signal %d, %s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
        else if (WIFEXITED(status))
            snprintf(what, sizeof what, "exited with status %d", WEXITSTATUS(status));
        else
            snprintf(what, sizeof what, "stopped unexpectedly (wait status 0x%x)", status);
        tally->script_failures++;
        printf("%s%s: the check %s%s; the rest of the script is not counted\n",
               display_name, where, what,
               progress->line ? " while checking this command" : "");
    }
    munmap(progress, sizeof *progress);
}
