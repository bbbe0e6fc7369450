/*
 * Checks the commands of one converted spec script against the compiler and
 * the runtime, and counts what happened to each, by command type.
 *
 * Modules go through the pipeline a user's would: decode and validate, compile
 * to a precompiled module (cwasm.c), load it with the runtime and instantiate
 * it against a linker that holds the spectest module (spectest.c) and the
 * instances the script registered.  What each command means here:
 *   module                 must instantiate; it becomes the current module,
 *                          and with a "name" actions can name it
 *   assert_malformed       (binary) must be rejected by the decoder, and
 *   assert_invalid         by the validator, with a message that starts with
 *                          the expected text (the reference interpreter's rule)
 *   assert_unlinkable      must fail to instantiate with a link error,
 *   assert_uninstantiable  and with a trap (also assert_trap of a module),
 *                          the message starting with the expected text
 *   register               makes an instance's exports importable under a name
 *   action                 an invoke or get that must not trap
 *   assert_return          must return exactly the expected values (floats
 *                          by bits, or a NaN pattern)
 *   assert_trap            must trap with a message that starts with the text;
 *   assert_exhaustion      likewise, "call stack exhausted"
 * A text-format module is skipped, because waot reads binaries.
 *
 * The commands are checked in a child process that shares its counts with
 * the parent through an anonymous shared mapping, together with the line of
 * the command being checked, so that a crash or a hang is reported against
 * that command and the run goes on with the next script.  The child prints
 * into a log file that the parent copies to stdout when the script's turn
 * comes, so that several scripts can be checked at once.
 */
#include "script.h"

#include "aot.h"
#include "json.h"
#include "spectest.h"
#include "value.h"
#include "waot.h"

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
#include <time.h>
#include <unistd.h>

/* Room for a library message (256 bytes) once quoted and escaped, and for
 * that with its kind and location (which take at most about 110 bytes, so
 * the appends in script_describe_error never truncate). */
enum { SCRIPT_QUOTED_SIZE = 1100, SCRIPT_DESCRIBED_SIZE = SCRIPT_QUOTED_SIZE + 160 };

/* Room for an action with its arguments, or a list of values. */
enum { SCRIPT_TEXT_SIZE = 4096 };

/* How long one instantiation or call may run.  Each takes milliseconds; one
 * that runs this long hangs, and stopping it here spares the rest of the
 * script's time limit, which is there for compiling. */
enum { SCRIPT_RUN_TIME_LIMIT = 30 };

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
struct script_progress {
    script_tally tally;
    unsigned long line; /* of the command being checked; 0 before the first */
    bool finished;      /* the child got through every command */
    bool running_wasm;  /* the alarm is SCRIPT_RUN_TIME_LIMIT, for wasm code running */
};

/* A module the script named ("$Mf"), with the instance it became. */
typedef struct script_named {
    char *name;
    waot_instance *instance; /* NULL when the module did not instantiate */
    unsigned long line;      /* of its module command */
} script_named;

/* What the commands of a script have made so far.  Everything is kept to
 * the end of the script: other instances may hold references into an
 * instance or module (imports, table elements), even into one whose
 * instantiation failed half-way. */
typedef struct script_state {
    waot_linker *linker; /* spectest and the registered instances, made at first use */
    bool linker_tried;
    waot_module **modules;
    size_t module_count, module_capacity;
    waot_instance **instances;
    size_t instance_count, instance_capacity;
    script_named *named;
    size_t named_count, named_capacity;
    waot_instance *current;     /* of the last module command, NULL if that failed */
    unsigned long current_line; /* of the last module command, 0 before the first */
} script_state;

/* What the checks of one script need to know. */
typedef struct script_context {
    const char *display_name; /* "binary.wast" */
    const char *module_dir;   /* the folder of the JSON file, "" or ending in '/' */
    const cwasm_settings *settings;
    script_progress *progress;
    script_state *state;
    double deadline; /* when the script's time is up, in CLOCK_MONOTONIC seconds */
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
        sum->by_command[c].lossy += part->by_command[c].lossy;
    }
    sum->script_failures += part->script_failures;
    sum->compile.compiled += part->compile.compiled;
    sum->compile.cached += part->compile.cached;
    sum->compile.compile_seconds += part->compile.compile_seconds;
}

script_counts script_tally_total(const script_tally *tally)
{
    script_counts total = {.failed = tally->script_failures};
    for (int c = 0; c < SCRIPT_COMMAND_COUNT; c++) {
        total.passed += tally->by_command[c].passed;
        total.failed += tally->by_command[c].failed;
        total.skipped_text += tally->by_command[c].skipped_text;
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

static const char *script_status_name(waot_status status)
{
    switch (status) {
    case WAOT_OK:
        return "success";
    case WAOT_ERROR_LOAD:
        return "load error";
    case WAOT_ERROR_LINK:
        return "link error";
    case WAOT_ERROR_TRAP:
        return "trap";
    case WAOT_ERROR_NOT_FOUND:
        return "not found";
    case WAOT_ERROR_ARGUMENT:
        return "argument error";
    case WAOT_ERROR_NOMEM:
        return "out of memory";
    case WAOT_ERROR_EXIT:
        return "exit";
    case WAOT_ERROR_WASI:
        return "WASI error";
    }
    return "unknown status";
}

/* "trap "integer divide by zero"" */
static const char *script_describe_status(const waot_error *err,
                                          char out[static SCRIPT_DESCRIBED_SIZE])
{
    char quoted[SCRIPT_QUOTED_SIZE];
    if (err->status == WAOT_OK)
        snprintf(out, SCRIPT_DESCRIBED_SIZE, "success");
    else
        snprintf(out, SCRIPT_DESCRIBED_SIZE, "%s %s", script_status_name(err->status),
                 script_quote(err->message, quoted));
    return out;
}

static bool script_starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
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

/* The path of a module file of the script (malloc'd, NULL when out of
 * memory); with `compiled`, of its precompiled module: NAME.N.cwasm for
 * NAME.N.wasm. */
static char *script_module_path(const script_context *ctx, const char *filename, bool compiled)
{
    size_t stem = strlen(filename);
    if (compiled && stem >= 5 && strcmp(filename + stem - 5, ".wasm") == 0)
        stem -= 5;
    const char *suffix = compiled ? ".cwasm" : filename + stem;
    size_t path_size = strlen(ctx->module_dir) + stem + strlen(suffix) + 1;
    char *path = malloc(path_size);
    if (path)
        snprintf(path, path_size, "%s%.*s%s", ctx->module_dir, (int)stem, filename, suffix);
    return path;
}

/* Reads, decodes and validates one module file of the script.  On success
 * the caller frees *module and then *bytes; otherwise *err says why (kind
 * AOT_ERR_IO if the file could not be read). */
static bool script_decode(const script_context *ctx, const char *filename, unsigned char **bytes,
                          size_t *size, aot_module **module, aot_error *err)
{
    aot_error_clear(err);
    *module = NULL;
    char *path = script_module_path(ctx, filename, false);
    if (!path)
        return aot_fail(err, AOT_ERR_NOMEM, 0, "no memory for the module path");
    if (!script_read_file(path, bytes, size)) {
        aot_fail(err, AOT_ERR_IO, 0, "cannot read %s: %s", path, strerror(errno));
        free(path);
        return false;
    }
    free(path);
    if (!aot_load(*bytes, *size, module, err)) {
        free(*bytes);
        *bytes = NULL;
        return false;
    }
    return true;
}

/* Whether a module file decodes and validates; if not, *err says why. */
static bool script_load(const script_context *ctx, const char *filename, aot_error *err)
{
    unsigned char *bytes;
    size_t size;
    aot_module *module;
    if (!script_decode(ctx, filename, &bytes, &size, &module, err))
        return false;
    aot_module_free(module);
    free(bytes);
    return true;
}

/* ---- time limits ----------------------------------------------------------- */

static double script_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sets the alarm that ends the child: at the script's deadline, or, while
 * wasm code runs (`running_wasm`), SCRIPT_RUN_TIME_LIMIT seconds from now if
 * that comes first. */
static void script_arm_alarm(const script_context *ctx, bool running_wasm)
{
    double left = ctx->deadline - script_now();
    unsigned seconds = left < 1 ? 1 : (unsigned)left;
    ctx->progress->running_wasm = running_wasm && seconds > SCRIPT_RUN_TIME_LIMIT;
    if (ctx->progress->running_wasm)
        seconds = SCRIPT_RUN_TIME_LIMIT;
    alarm(seconds);
}

/* ---- what the script has made --------------------------------------------- */

static bool script_keep_module(script_state *state, waot_module *module)
{
    if (state->module_count == state->module_capacity) {
        size_t grown = state->module_capacity ? state->module_capacity * 2 : 16;
        waot_module **bigger = realloc(state->modules, grown * sizeof *bigger);
        if (!bigger)
            return false;
        state->modules = bigger;
        state->module_capacity = grown;
    }
    state->modules[state->module_count++] = module;
    return true;
}

static bool script_keep_instance(script_state *state, waot_instance *instance)
{
    if (state->instance_count == state->instance_capacity) {
        size_t grown = state->instance_capacity ? state->instance_capacity * 2 : 16;
        waot_instance **bigger = realloc(state->instances, grown * sizeof *bigger);
        if (!bigger)
            return false;
        state->instances = bigger;
        state->instance_capacity = grown;
    }
    state->instances[state->instance_count++] = instance;
    return true;
}

static bool script_name_instance(script_state *state, const char *name, waot_instance *instance,
                                 unsigned long line)
{
    if (state->named_count == state->named_capacity) {
        size_t grown = state->named_capacity ? state->named_capacity * 2 : 8;
        script_named *bigger = realloc(state->named, grown * sizeof *bigger);
        if (!bigger)
            return false;
        state->named = bigger;
        state->named_capacity = grown;
    }
    char *copy = strdup(name);
    if (!copy)
        return false;
    state->named[state->named_count++] = (script_named){copy, instance, line};
    return true;
}

/* Frees the instances (the last made first: importers before exporters),
 * then the linker, then the modules. */
static void script_state_free(script_state *state)
{
    for (size_t i = state->instance_count; i-- > 0;)
        waot_instance_free(state->instances[i]);
    if (state->linker)
        waot_linker_free(state->linker);
    for (size_t i = state->module_count; i-- > 0;)
        waot_module_free(state->modules[i]);
    for (size_t i = 0; i < state->named_count; i++)
        free(state->named[i].name);
    free(state->instances);
    free(state->modules);
    free(state->named);
    *state = (script_state){0};
}

/* The script's linker, made with the spectest module the first time it is
 * needed.  If the runtime refuses, that is one failure of the script, and
 * modules that import are left to fail to link. */
static waot_linker *script_linker(const script_context *ctx)
{
    script_state *state = ctx->state;
    if (state->linker_tried)
        return state->linker;
    state->linker_tried = true;
    waot_status status = waot_linker_new(&state->linker);
    char problem[256];
    if (status != WAOT_OK) {
        state->linker = NULL;
        ctx->progress->tally.script_failures++;
        script_report(ctx, 0, "spectest", "cannot make a linker: %s", script_status_name(status));
    } else if (!spectest_define(state->linker, problem, sizeof problem)) {
        ctx->progress->tally.script_failures++;
        script_report(ctx, 0, "spectest", "%s", problem);
    }
    return state->linker;
}

/* The instance a command names ("$Mf"), or without a name the current one.
 * False, with why in problem[problem_size], when there is none. */
static bool script_find_instance(const script_context *ctx, const char *name,
                                 waot_instance **out, char *problem, size_t problem_size)
{
    const script_state *state = ctx->state;
    *out = NULL;
    if (name) {
        for (size_t i = state->named_count; i-- > 0;) {
            const script_named *named = &state->named[i];
            if (strcmp(named->name, name) != 0)
                continue;
            if (!named->instance) {
                snprintf(problem, problem_size, "module %s (line %lu) did not instantiate", name,
                         named->line);
                return false;
            }
            *out = named->instance;
            return true;
        }
        snprintf(problem, problem_size, "no module is named %s", name);
        return false;
    }
    if (!state->current) {
        if (state->current_line)
            snprintf(problem, problem_size, "the current module (line %lu) did not instantiate",
                     state->current_line);
        else
            snprintf(problem, problem_size, "no module has been instantiated");
        return false;
    }
    *out = state->current;
    return true;
}

/* Takes a binary module of the script through the pipeline up to a loaded
 * precompiled module: decode and validate, compile (or take it from the
 * cache), load.  On failure returns NULL and writes what failed into
 * got[got_size]. */
static waot_module *script_prepare(const script_context *ctx, const char *filename, char *got,
                                   size_t got_size)
{
    char described[SCRIPT_DESCRIBED_SIZE];
    unsigned char *bytes;
    size_t size;
    aot_module *m;
    aot_error err;
    if (!script_decode(ctx, filename, &bytes, &size, &m, &err)) {
        snprintf(got, got_size, "%s", script_describe_error(&err, described));
        return NULL;
    }
    char *cwasm_path = script_module_path(ctx, filename, true);
    bool built = cwasm_path && cwasm_build(ctx->settings, m, bytes, size, cwasm_path,
                                           &ctx->progress->tally.compile, &err);
    aot_module_free(m);
    free(bytes);
    if (!built) {
        if (cwasm_path)
            snprintf(got, got_size, "compile error: %s", script_describe_error(&err, described));
        else
            snprintf(got, got_size, "the runner is out of memory");
        free(cwasm_path);
        return NULL;
    }

    waot_module *module = NULL;
    waot_error werr = {0};
    werr.status = waot_module_load(cwasm_path, &module, &werr);
    free(cwasm_path);
    if (werr.status != WAOT_OK) {
        snprintf(got, got_size, "%s", script_describe_status(&werr, described));
        return NULL;
    }
    if (!script_keep_module(ctx->state, module)) {
        waot_module_free(module);
        snprintf(got, got_size, "the runner is out of memory");
        return NULL;
    }
    return module;
}

/* Prepares a module and instantiates it against the script's linker.  False
 * if it could not be prepared, with `got` saying why; otherwise *err is the
 * instantiation's outcome, and on success *out the instance. */
static bool script_instantiate(const script_context *ctx, const char *filename,
                               waot_instance **out, waot_error *err, char *got, size_t got_size)
{
    *out = NULL;
    waot_module *module = script_prepare(ctx, filename, got, got_size);
    if (!module)
        return false;
    waot_linker *linker = script_linker(ctx);
    *err = (waot_error){0};
    script_arm_alarm(ctx, true);
    err->status = waot_instantiate(linker, module, out, err);
    script_arm_alarm(ctx, false);
    if (err->status != WAOT_OK) {
        *out = NULL;
    } else if (!script_keep_instance(ctx->state, *out)) {
        waot_instance_free(*out);
        *out = NULL;
        err->status = WAOT_ERROR_NOMEM;
        snprintf(err->message, sizeof err->message, "the runner is out of memory");
    }
    return true;
}

/* ---- module commands ------------------------------------------------------- */

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

/* `module`: the module must instantiate.  It becomes the current module,
 * and the named one if it has a name, whether it instantiated or not. */
static void script_run_module(const script_context *ctx, unsigned long line,
                              const char *filename, const char *name, script_counts *counts)
{
    waot_instance *instance;
    waot_error err;
    char got[SCRIPT_DESCRIBED_SIZE];
    if (!script_instantiate(ctx, filename, &instance, &err, got, sizeof got)) {
        counts->failed++;
        script_report(ctx, line, "module", "expected success, got %s [%s]", got, filename);
    } else if (err.status != WAOT_OK) {
        counts->failed++;
        script_report(ctx, line, "module", "expected success, got %s [%s]",
                      script_describe_status(&err, got), filename);
    } else {
        counts->passed++;
    }
    ctx->state->current = instance;
    ctx->state->current_line = line;
    if (name && !script_name_instance(ctx->state, name, instance, line))
        script_report(ctx, line, "module", "the runner is out of memory naming %s", name);
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
    if (!loaded && err.kind == expected_kind && script_starts_with(err.message, expected_text)) {
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

/* `assert_unlinkable`, `assert_uninstantiable` and `assert_trap` of a
 * module: the module must compile and load, then fail to instantiate with
 * `expected_status` and a message that starts with the command's text. */
static void script_check_uninstantiable(const script_context *ctx, unsigned long line,
                                        const char *command_name, const char *filename,
                                        const char *expected_text, waot_status expected_status,
                                        script_counts *counts)
{
    waot_instance *instance;
    waot_error err;
    char got[SCRIPT_DESCRIBED_SIZE];
    bool prepared = script_instantiate(ctx, filename, &instance, &err, got, sizeof got);
    if (prepared && err.status == expected_status &&
        script_starts_with(err.message, expected_text)) {
        counts->passed++;
        return;
    }
    if (prepared)
        script_describe_status(&err, got);
    char expected[SCRIPT_QUOTED_SIZE];
    counts->failed++;
    script_report(ctx, line, command_name, "expected %s %s, got %s [%s]",
                  script_status_name(expected_status), script_quote(expected_text, expected),
                  got, filename);
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

/* A command with a module file: module, assert_malformed, assert_invalid,
 * assert_unlinkable, assert_uninstantiable, assert_trap of a module. */
static void script_check_module_command(const script_context *ctx, unsigned long line,
                                        script_command kind, const json_value *command,
                                        script_counts *counts)
{
    const char *type = script_command_name(kind);
    const char *filename = json_get_string(command, "filename");
    const char *text = json_get_string(command, "text");
    bool is_text = false;
    if (!script_module_format(ctx, line, type, command, &is_text)) {
        counts->failed++;
    } else if (is_text) {
        counts->skipped_text++;
        if (kind == SCRIPT_MODULE) { /* what follows cannot use it */
            ctx->state->current = NULL;
            ctx->state->current_line = line;
        }
    } else if (!filename || (kind != SCRIPT_MODULE && !text)) {
        counts->failed++;
        script_report(ctx, line, type, "the command has no \"filename\"%s",
                      kind != SCRIPT_MODULE ? " or no \"text\"" : "");
    } else if (script_lossy_reason(ctx, line)) {
        counts->lossy++;
        script_report(ctx, line, type, "skipped: %s", script_lossy_reason(ctx, line));
    } else if (kind == SCRIPT_MODULE) {
        script_run_module(ctx, line, filename, json_get_string(command, "name"), counts);
    } else if (kind == SCRIPT_ASSERT_MALFORMED || kind == SCRIPT_ASSERT_INVALID) {
        script_check_rejected(ctx, line, type, filename, text,
                              kind == SCRIPT_ASSERT_MALFORMED ? AOT_ERR_MALFORMED
                                                              : AOT_ERR_INVALID,
                              counts);
    } else {
        script_check_uninstantiable(ctx, line, type, filename, text,
                                    kind == SCRIPT_ASSERT_UNLINKABLE ? WAOT_ERROR_LINK
                                                                     : WAOT_ERROR_TRAP,
                                    counts);
    }
}

/* `register`: the current or named instance's exports become importable as
 * module "as". */
static void script_run_register(const script_context *ctx, unsigned long line,
                                const json_value *command, script_counts *counts)
{
    const char *as = json_get_string(command, "as");
    const char *name = json_get_string(command, "name");
    char problem[512];
    waot_instance *instance;
    if (!as) {
        counts->failed++;
        script_report(ctx, line, "register", "the command has no \"as\"");
        return;
    }
    if (!script_find_instance(ctx, name, &instance, problem, sizeof problem)) {
        counts->failed++;
        script_report(ctx, line, "register", "cannot register \"%s\": %s", as, problem);
        return;
    }
    waot_linker *linker = script_linker(ctx);
    waot_status status = linker ? waot_linker_define_instance(linker, as, instance)
                                : WAOT_ERROR_NOMEM;
    if (status != WAOT_OK) {
        counts->failed++;
        script_report(ctx, line, "register", "expected success, got %s registering \"%s\"",
                      script_status_name(status), as);
        return;
    }
    counts->passed++;
}

/* ---- actions --------------------------------------------------------------- */

/* What an action did. */
typedef struct script_outcome {
    waot_error err;      /* status WAOT_OK when it ran to its end */
    waot_value *results; /* then its results (malloc'd) */
    size_t result_count;
} script_outcome;

/* Appends an export name of `length` bytes: as it is when it is plain,
 * otherwise quoted, with quotes, backslashes and control bytes (NUL too)
 * escaped. */
static void script_append_name(char *out, size_t size, const char *name, size_t length)
{
    bool plain = length > 0;
    for (size_t i = 0; i < length && plain; i++)
        plain = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
                (name[i] >= '0' && name[i] <= '9') ||
                (name[i] != '\0' && strchr("_.$-", name[i]) != NULL);
    if (plain) {
        value_append(out, size, "%s", name);
        return;
    }
    value_append(out, size, "\"");
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '"' || c == '\\')
            value_append(out, size, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            value_append(out, size, "\\x%02x", c);
        else
            value_append(out, size, "%c", c);
    }
    value_append(out, size, "\"");
}

/*
 * Runs the action of a command: "invoke" (field, args) or "get" (field) on
 * the current or the named instance, writing what it is into what[what_size]
 * ("$Mf.call(i32:1)", "global $Mg.glob").  False, with why in
 * problem[problem_size], when it cannot be run at all (a malformed action,
 * no such module); otherwise *out is what happened, and the caller frees
 * out->results.
 */
static bool script_run_action(const script_context *ctx, const json_value *action,
                              script_outcome *out, char *what, size_t what_size, char *problem,
                              size_t problem_size)
{
    *out = (script_outcome){0};
    what[0] = '\0';
    const char *type = json_get_string(action, "type");
    const char *module = json_get_string(action, "module");
    const json_value *field = json_get(action, "field");
    bool invoke = type && strcmp(type, "invoke") == 0;
    if (!type || (!invoke && strcmp(type, "get") != 0) || !field || field->kind != JSON_STRING) {
        snprintf(problem, problem_size, "the action is neither an \"invoke\" nor a \"get\" of a "
                 "\"field\"");
        return false;
    }
    if (!invoke)
        value_append(what, what_size, "global ");
    if (module)
        value_append(what, what_size, "%s.", module);
    script_append_name(what, what_size, field->as.text.chars, field->as.text.length);

    const json_value *args = invoke ? json_get(action, "args") : NULL;
    size_t arg_count = args && args->kind == JSON_ARRAY ? args->as.array.count : 0;
    if (args && args->kind != JSON_ARRAY) {
        snprintf(problem, problem_size, "the action's \"args\" is not a list");
        return false;
    }
    waot_value *arg_values = calloc(arg_count ? arg_count : 1, sizeof *arg_values);
    if (!arg_values) {
        snprintf(problem, problem_size, "the runner is out of memory");
        return false;
    }
    if (invoke)
        value_append(what, what_size, "(");
    for (size_t i = 0; i < arg_count; i++) {
        char why[256];
        value_expected arg;
        if (!value_parse_arg(&args->as.array.items[i], &arg, why, sizeof why)) {
            snprintf(problem, problem_size, "argument %zu: %s", i + 1, why);
            free(arg_values);
            return false;
        }
        arg_values[i] = arg.value;
        value_append(what, what_size, "%s", i ? ", " : "");
        value_append_value(what, what_size, &arg_values[i], &arg);
    }
    if (invoke)
        value_append(what, what_size, ")");

    waot_instance *instance;
    if (!script_find_instance(ctx, module, &instance, problem, problem_size)) {
        free(arg_values);
        return false;
    }

    /* Export names may hold NUL bytes: pass them with their length. */
    const char *name = field->as.text.chars;
    size_t name_len = field->as.text.length;
    if (!invoke) {
        out->results = calloc(1, sizeof *out->results);
        if (!out->results) {
            snprintf(problem, problem_size, "the runner is out of memory");
            free(arg_values);
            return false;
        }
        script_arm_alarm(ctx, true);
        out->err.status = waot_global_get_n(instance, name, name_len, &out->results[0]);
        script_arm_alarm(ctx, false);
        if (out->err.status == WAOT_OK)
            out->result_count = 1;
        else
            snprintf(out->err.message, sizeof out->err.message, "waot_global_get failed");
        free(arg_values);
        return true;
    }

    const waot_abi_functype *functype = NULL;
    out->err.status = waot_func_type_n(instance, name, name_len, &functype);
    if (out->err.status != WAOT_OK || !functype) {
        if (out->err.status == WAOT_OK)
            out->err.status = WAOT_ERROR_NOT_FOUND;
        snprintf(out->err.message, sizeof out->err.message, "waot_func_type failed");
        free(arg_values);
        return true;
    }
    size_t result_count = functype->result_count;
    out->results = calloc(result_count ? result_count : 1, sizeof *out->results);
    if (!out->results) {
        snprintf(problem, problem_size, "the runner is out of memory");
        free(arg_values);
        return false;
    }
    for (size_t i = 0; i < result_count; i++)
        out->results[i].type = functype->types[functype->param_count + i];
    script_arm_alarm(ctx, true);
    out->err.status = waot_call_n(instance, name, name_len, arg_values, arg_count, out->results,
                                  result_count, &out->err);
    script_arm_alarm(ctx, false);
    if (out->err.status == WAOT_OK)
        out->result_count = result_count;
    free(arg_values);
    return true;
}

/* Appends a list of values, "(a, b)", or one value without parentheses;
 * v128 values are shown in the lanes of the matching expectation. */
static void script_append_results(char *out, size_t size, const waot_value *values,
                                  size_t count, const value_expected *shapes,
                                  size_t shape_count)
{
    if (count != 1)
        value_append(out, size, "(");
    for (size_t i = 0; i < count; i++) {
        value_append(out, size, "%s", i ? ", " : "");
        value_append_value(out, size, &values[i], i < shape_count ? &shapes[i] : NULL);
    }
    if (count != 1)
        value_append(out, size, ")");
}

/* `assert_return`: the results must be the expected ones. */
static void script_check_return(const script_context *ctx, unsigned long line,
                                const json_value *command, const script_outcome *outcome,
                                const char *what, script_counts *counts)
{
    const json_value *list = json_get(command, "expected");
    size_t count = list && list->kind == JSON_ARRAY ? list->as.array.count : 0;
    value_expected *expected = calloc(count ? count : 1, sizeof *expected);
    char problem[256] = "";
    if (!expected)
        snprintf(problem, sizeof problem, "the runner is out of memory");
    else if (!list || list->kind != JSON_ARRAY)
        snprintf(problem, sizeof problem, "the command has no \"expected\" list");
    for (size_t i = 0; !problem[0] && i < count; i++) {
        char why[200];
        if (!value_parse_expected(&list->as.array.items[i], &expected[i], why, sizeof why))
            snprintf(problem, sizeof problem, "expected value %zu: %s", i + 1, why);
    }
    if (problem[0]) {
        counts->failed++;
        script_report(ctx, line, "assert_return", "%s: %s", what, problem);
        free(expected);
        return;
    }

    bool ok = outcome->err.status == WAOT_OK && outcome->result_count == count;
    for (size_t i = 0; ok && i < count; i++)
        ok = value_matches(&expected[i], &outcome->results[i]);
    if (ok) {
        counts->passed++;
        free(expected);
        return;
    }
    char *wanted = calloc(2, SCRIPT_TEXT_SIZE);
    if (!wanted) {
        counts->failed++;
        script_report(ctx, line, "assert_return", "%s: the runner is out of memory", what);
        free(expected);
        return;
    }
    char *got = wanted + SCRIPT_TEXT_SIZE;
    if (count != 1)
        value_append(wanted, SCRIPT_TEXT_SIZE, "(");
    for (size_t i = 0; i < count; i++) {
        value_append(wanted, SCRIPT_TEXT_SIZE, "%s", i ? ", " : "");
        value_append_expected(wanted, SCRIPT_TEXT_SIZE, &expected[i]);
    }
    if (count != 1)
        value_append(wanted, SCRIPT_TEXT_SIZE, ")");
    if (outcome->err.status == WAOT_OK) {
        script_append_results(got, SCRIPT_TEXT_SIZE, outcome->results, outcome->result_count,
                              expected, count);
    } else {
        char described[SCRIPT_DESCRIBED_SIZE];
        value_append(got, SCRIPT_TEXT_SIZE, "%s", script_describe_status(&outcome->err, described));
    }
    counts->failed++;
    script_report(ctx, line, "assert_return", "%s: expected %s, got %s", what, wanted, got);
    free(wanted);
    free(expected);
}

/* A command with an action: action, assert_return, assert_trap of an action
 * and assert_exhaustion. */
static void script_check_action_command(const script_context *ctx, unsigned long line,
                                        script_command kind, const json_value *command,
                                        script_counts *counts)
{
    const char *type = script_command_name(kind);
    const char *text = json_get_string(command, "text");
    bool traps = kind == SCRIPT_ASSERT_TRAP || kind == SCRIPT_ASSERT_EXHAUSTION;
    char what[SCRIPT_TEXT_SIZE] = "";
    char problem[SCRIPT_TEXT_SIZE];
    script_outcome outcome;
    const json_value *action = json_get(command, "action");
    if (!action || (traps && !text)) {
        counts->failed++;
        script_report(ctx, line, type, "the command has no \"action\"%s",
                      traps ? " or no \"text\"" : "");
        return;
    }
    if (!script_run_action(ctx, action, &outcome, what, sizeof what, problem, sizeof problem)) {
        counts->failed++;
        script_report(ctx, line, type, "%s: cannot run: %s", what, problem);
        return;
    }

    if (kind == SCRIPT_ASSERT_RETURN) {
        script_check_return(ctx, line, command, &outcome, what, counts);
    } else if (traps ? outcome.err.status == WAOT_ERROR_TRAP &&
                           script_starts_with(outcome.err.message, text)
                     : outcome.err.status == WAOT_OK) {
        counts->passed++;
    } else {
        char got[SCRIPT_TEXT_SIZE] = "";
        char quoted[SCRIPT_QUOTED_SIZE];
        if (outcome.err.status == WAOT_OK && traps) {
            script_append_results(got, sizeof got, outcome.results, outcome.result_count, NULL, 0);
        } else {
            char described[SCRIPT_DESCRIBED_SIZE];
            value_append(got, sizeof got, "%s", script_describe_status(&outcome.err, described));
        }
        counts->failed++;
        if (traps)
            script_report(ctx, line, type, "%s: expected trap %s, got %s", what,
                          script_quote(text, quoted), got);
        else
            script_report(ctx, line, type, "%s: expected success, got %s", what, got);
    }
    free(outcome.results);
}

/* ---- commands -------------------------------------------------------------- */

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
    switch (kind) {
    case SCRIPT_MODULE:
    case SCRIPT_ASSERT_MALFORMED:
    case SCRIPT_ASSERT_INVALID:
    case SCRIPT_ASSERT_UNLINKABLE:
    case SCRIPT_ASSERT_UNINSTANTIABLE:
        script_check_module_command(ctx, line, kind, command, counts);
        break;
    case SCRIPT_ASSERT_TRAP:
        if (json_get(command, "filename"))
            script_check_module_command(ctx, line, kind, command, counts);
        else
            script_check_action_command(ctx, line, kind, command, counts);
        break;
    case SCRIPT_ASSERT_RETURN:
    case SCRIPT_ASSERT_EXHAUSTION:
    case SCRIPT_ACTION:
        script_check_action_command(ctx, line, kind, command, counts);
        break;
    case SCRIPT_REGISTER:
        script_run_register(ctx, line, command, counts);
        break;
    case SCRIPT_UNKNOWN:
    case SCRIPT_COMMAND_COUNT: {
        char quoted[SCRIPT_QUOTED_SIZE];
        counts->failed++;
        script_report(ctx, line, "unknown command", "command type %s is not known",
                      script_quote(type, quoted));
        break;
    }
    }
}

/* Runs in the child: reads the JSON and checks every command. */
static void script_check_all(const char *display_name, const char *json_path,
                             const cwasm_settings *settings, unsigned time_limit,
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
    script_state state = {0};
    script_context ctx = {
        .display_name = display_name,
        .module_dir = module_dir,
        .settings = settings,
        .progress = progress,
        .state = &state,
        .deadline = script_now() + time_limit,
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
    /* A crash while freeing is not one of the commands'. */
    progress->finished = true;
    script_state_free(&state);
    json_free(doc);
    free(module_dir);
}

/* ---- the child ------------------------------------------------------------- */

/* NAME.check.log for NAME.json (malloc'd). */
static char *script_log_path(const char *json_path)
{
    size_t stem = strlen(json_path);
    if (stem >= 5 && strcmp(json_path + stem - 5, ".json") == 0)
        stem -= 5;
    size_t size = stem + sizeof ".check.log";
    char *path = malloc(size);
    if (path)
        snprintf(path, size, "%.*s.check.log", (int)stem, json_path);
    return path;
}

bool script_check_start(script_job *job, const char *display_name, const char *json_path,
                        const cwasm_settings *settings, unsigned time_limit, char *problem,
                        size_t problem_size)
{
    script_job_free(job);
    job->log_path = script_log_path(json_path);
    if (!job->log_path) {
        snprintf(problem, problem_size, "out of memory");
        return false;
    }
    int log = open(job->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (log < 0) {
        snprintf(problem, problem_size, "cannot create %s: %s", job->log_path, strerror(errno));
        return false;
    }
    job->progress = mmap(NULL, sizeof *job->progress, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (job->progress == MAP_FAILED) {
        job->progress = NULL;
        close(log);
        snprintf(problem, problem_size, "cannot map memory to share with the checker: %s",
                 strerror(errno));
        return false;
    }
    memset(job->progress, 0, sizeof *job->progress);

    fflush(stdout); /* or the child would print the parent's buffer again */
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(log);
        snprintf(problem, problem_size, "cannot fork the checker: %s", strerror(errno));
        return false;
    }
    if (pid == 0) {
        /* Everything the child and what it runs print goes to the log. */
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        close(log);
        alarm(time_limit);
        script_check_all(display_name, json_path, settings, time_limit, job->progress);
        job->progress->finished = true;
        fflush(stdout);
        exit(0); /* exit, not _exit: leak checkers run at exit */
    }
    close(log);
    job->pid = pid;
    return true;
}

/* Copies what the child printed to stdout. */
static void script_print_log(const char *log_path)
{
    FILE *log = fopen(log_path, "r");
    if (!log)
        return;
    char buffer[8192];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, log)) > 0)
        fwrite(buffer, 1, n, stdout);
    fclose(log);
}

void script_check_finish(script_job *job, const char *display_name, int wait_status,
                         unsigned time_limit, script_tally *tally)
{
    job->pid = 0;
    if (job->log_path)
        script_print_log(job->log_path);
    if (!job->progress) {
        tally->script_failures++;
        printf("%s: the check did not start\n", display_name);
        fflush(stdout);
        return;
    }
    const script_progress *progress = job->progress;
    script_tally_add(tally, &progress->tally);

    bool clean = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0 && progress->finished;
    if (!clean) {
        char where[64] = "";
        char what[128];
        if (progress->line)
            snprintf(where, sizeof where, ":%lu", progress->line);
        if (WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGALRM &&
            progress->running_wasm)
            snprintf(what, sizeof what, "timed out: wasm code ran for %d s", SCRIPT_RUN_TIME_LIMIT);
        else if (WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGALRM)
            snprintf(what, sizeof what, "timed out after %u s", time_limit);
        else if (WIFSIGNALED(wait_status))
            snprintf(what, sizeof what, "crashed (signal %d, %s)", WTERMSIG(wait_status),
                     strsignal(WTERMSIG(wait_status)));
        else if (WIFEXITED(wait_status))
            snprintf(what, sizeof what, "exited with status %d", WEXITSTATUS(wait_status));
        else
            snprintf(what, sizeof what, "stopped unexpectedly (wait status 0x%x)", wait_status);
        tally->script_failures++;
        if (progress->finished)
            printf("%s: the check %s after the last command\n", display_name, what);
        else if (progress->line)
            printf("%s%s: the check %s while checking this command; the rest of the script "
                   "is not counted\n", display_name, where, what);
        else
            printf("%s: the check %s; the rest of the script is not counted\n", display_name,
                   what);
    }
    fflush(stdout);
}

void script_job_free(script_job *job)
{
    if (job->pid > 0) {
        kill(job->pid, SIGKILL);
        while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
            continue;
    }
    if (job->progress)
        munmap(job->progress, sizeof *job->progress);
    free(job->log_path);
    *job = (script_job){0};
}
