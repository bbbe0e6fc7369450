/*
 * waot-spec, the spec-suite runner: reads the command line, lists the
 * scripts to run, converts them with wast2json a few at a time (in child
 * processes) while checking the ones already converted, several at once (in
 * child processes too), reports each script in order, and prints the totals.
 * What each command means is script.c's business; running wast2json is
 * convert.c's; compiling modules is cwasm.c's.
 *
 * The last line of the output is always "N passed, N failed, N skipped", and
 * the exit status is 0 exactly when nothing failed.  A missing test suite is
 * not a failure: everything is skipped.
 */
#include "convert.h"
#include "cwasm.h"
#include "script.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef WAOT_TESTSUITE_DIR
#define WAOT_TESTSUITE_DIR "../shared/testsuite"
#endif
#ifndef WAOT_WAST2JSON
#define WAOT_WAST2JSON "wast2json"
#endif
/* The back end built with the runner, used unless $WAOT_CODEGEN names one. */
#ifndef WAOT_SPEC_CODEGEN
#define WAOT_SPEC_CODEGEN ""
#endif

/* The folder of the suite that holds the core scripts. */
#define RUNNER_CORE_FOLDER "wasm-2.0"
#define RUNNER_DEFAULT_WORK "waot-spec-work"

/* Conversions running ahead of the checks, at most and at least. */
enum { RUNNER_MAX_CONVERSIONS = 4, RUNNER_MIN_CONVERSIONS = 2 };

/* The default time limit of one script's check: compiling the modules of a
 * big script takes a while, and a slow machine may run two at once. */
enum { RUNNER_DEFAULT_TIME_LIMIT = 600, RUNNER_DEFAULT_OPT_LEVEL = 2, RUNNER_MAX_JOBS = 64 };

enum { RUNNER_PROBLEM_SIZE = 1024 };

typedef struct runner_options {
    const char *testsuite; /* the folder holding wasm-2.0/ */
    const char *work;      /* where the converted scripts go */
    const char *wast2json;
    unsigned opt_level;  /* --opt */
    unsigned jobs;       /* scripts checked at once */
    unsigned time_limit; /* seconds per script */
    bool verbose;
    char **names; /* the SCRIPT arguments */
    size_t name_count;
    const char *exclude; /* --exclude: leave out suite scripts named PREFIX* */
} runner_options;

typedef struct runner_script {
    char *path;    /* the .wast file */
    char *stem;    /* the work subfolder and output name: "binary" */
    char *display; /* how messages name it: "binary.wast", or the path given */
    convert_job job;
    bool converted; /* its conversion has been waited for */
    bool broken;    /* cannot be converted or checked; `problem` says why */
    char problem[RUNNER_PROBLEM_SIZE];
    script_job check;
    bool done;       /* checked (or broken): its turn to be reported may come */
    int wait_status; /* of the checking child */
} runner_script;

typedef struct runner_script_list {
    runner_script *items;
    size_t count;
    size_t capacity;
} runner_script_list;

typedef enum runner_usage {
    RUNNER_USAGE_OK,
    RUNNER_USAGE_HELP,
    RUNNER_USAGE_ERROR,
} runner_usage;

static void runner_print_help(FILE *out)
{
    const char *wast2json = WAOT_WAST2JSON[0] ? WAOT_WAST2JSON : "wast2json";
    fprintf(out,
        "usage: waot-spec [--testsuite DIR] [--work DIR] [--wast2json PATH] [--opt N]\n"
        "                 [--exclude PREFIX] [--jobs N] [--timeout SECONDS] [-v] [SCRIPT...]\n"
        "\n"
        "Runs the WebAssembly 2.0 spec test suite through waot: decoder, validator, LLVM\n"
        "back end and runtime.  Each script is converted with wast2json into WORK/NAME/;\n"
        "each module it instantiates is compiled to a precompiled module\n"
        "(WORK/NAME/NAME.N.cwasm), loaded and instantiated against a linker holding the\n"
        "spectest module and the registered instances.  The commands:\n"
        "  module                  must instantiate; it becomes the current module\n"
        "  assert_malformed        (binary) must be rejected as malformed, with a message\n"
        "                          that starts with the expected text\n"
        "  assert_invalid          must be rejected as invalid, likewise\n"
        "  assert_unlinkable       must fail to instantiate with a link error, likewise\n"
        "  assert_uninstantiable   must trap while instantiating, likewise\n"
        "  register                makes an instance's exports importable\n"
        "  action                  an invoke or a global get that must not trap\n"
        "  assert_return           must return exactly the expected values (floats by\n"
        "                          bits, or the NaN pattern)\n"
        "  assert_trap             must trap with a message that starts with the text\n"
        "  assert_exhaustion       must trap with \"call stack exhausted\"\n"
        "  text-format modules     skipped: waot reads binaries\n"
        "It prints one line per failure, \"FILE.wast:LINE: COMMAND: expected ..., got ...\",\n"
        "then the counts; the last line is \"N passed, N failed, N skipped\", where the\n"
        "skipped are the text-format modules and the conversions known to be lossy.\n"
        "The exit status is 0 when nothing failed.  Without a test suite everything is\n"
        "skipped.  Compiled modules are cached in WORK/cache, keyed by the SHA-256 of\n"
        "the .wasm, of the back end and the optimisation level, so a re-run only\n"
        "compiles what changed.  The back end is $WAOT_CODEGEN if set, else the one\n"
        "built with this program (%s).\n"
        "\n"
        "options:\n"
        "  --testsuite DIR   the test suite: the folder holding " RUNNER_CORE_FOLDER "/\n"
        "                    (default %s)\n"
        "  --work DIR        where the converted scripts go (default ./" RUNNER_DEFAULT_WORK ")\n"
        "  --wast2json PATH  WABT's wast2json (default %s)\n"
        "  --exclude PREFIX  leave out the suite's scripts whose names start with PREFIX\n"
        "  --opt N           optimisation level of the back end, 0 to 3 (default %d)\n"
        "  -j, --jobs N      scripts checked at once (default: the number of CPUs)\n"
        "  --timeout SECONDS time limit of one script's check (default %d)\n"
        "  -v, --verbose     also a summary line per script and counts per command type\n"
        "  -h, --help        show this text\n"
        "\n"
        "SCRIPT is a script of DIR/" RUNNER_CORE_FOLDER " by name (\"binary\" or \"binary.wast\"),\n"
        "or the path of a .wast file if it contains a '/'.  Without SCRIPTs: every .wast\n"
        "file in DIR/" RUNNER_CORE_FOLDER ", in name order.\n",
        WAOT_SPEC_CODEGEN[0] ? WAOT_SPEC_CODEGEN : "none", WAOT_TESTSUITE_DIR, wast2json,
        RUNNER_DEFAULT_OPT_LEVEL, RUNNER_DEFAULT_TIME_LIMIT);
}

/* Takes the value of an option given as "--name VALUE" or "--name=VALUE". */
static bool runner_option_value(const char *name, int argc, char **argv, int *i,
                                const char **value)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return true;
    }
    if (arg[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

/* A number option's value: a decimal from `min` to `max`. */
static bool runner_number(const char *option, const char *value, unsigned min, unsigned max,
                          unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = value && value[0] >= '0' && value[0] <= '9' ? strtoul(value, &end, 10) : 0;
    if (!value || value[0] < '0' || value[0] > '9' || errno || *end != '\0' || n < min ||
        n > max) {
        fprintf(stderr, "waot-spec: %s needs a number from %u to %u (see --help)\n", option,
                min, max);
        return false;
    }
    *out = (unsigned)n;
    return true;
}

static unsigned runner_cpus(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        return 1;
    return cpus > RUNNER_MAX_JOBS ? RUNNER_MAX_JOBS : (unsigned)cpus;
}

static runner_usage runner_parse_args(int argc, char **argv, runner_options *opt)
{
    *opt = (runner_options){
        .testsuite = WAOT_TESTSUITE_DIR,
        .work = RUNNER_DEFAULT_WORK,
        .wast2json = WAOT_WAST2JSON[0] ? WAOT_WAST2JSON : "wast2json",
        .opt_level = RUNNER_DEFAULT_OPT_LEVEL,
        .jobs = runner_cpus(),
        .time_limit = RUNNER_DEFAULT_TIME_LIMIT,
    };
    opt->names = calloc((size_t)argc, sizeof *opt->names);
    if (!opt->names) {
        fprintf(stderr, "waot-spec: out of memory\n");
        return RUNNER_USAGE_ERROR;
    }
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        const char **target = NULL;
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            opt->names[opt->name_count++] = argv[i];
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            return RUNNER_USAGE_HELP;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            opt->verbose = true;
        } else if (runner_option_value("--testsuite", argc, argv, &i, &value)) {
            target = &opt->testsuite;
        } else if (runner_option_value("--work", argc, argv, &i, &value)) {
            target = &opt->work;
        } else if (runner_option_value("--wast2json", argc, argv, &i, &value)) {
            target = &opt->wast2json;
        } else if (runner_option_value("--exclude", argc, argv, &i, &value)) {
            target = &opt->exclude;
        } else if (runner_option_value("--opt", argc, argv, &i, &value)) {
            if (!runner_number("--opt", value, 0, 3, &opt->opt_level))
                return RUNNER_USAGE_ERROR;
        } else if (runner_option_value("--jobs", argc, argv, &i, &value) ||
                   runner_option_value("-j", argc, argv, &i, &value)) {
            if (!runner_number("--jobs", value, 1, RUNNER_MAX_JOBS, &opt->jobs))
                return RUNNER_USAGE_ERROR;
        } else if (runner_option_value("--timeout", argc, argv, &i, &value)) {
            if (!runner_number("--timeout", value, 1, 86400, &opt->time_limit))
                return RUNNER_USAGE_ERROR;
        } else {
            fprintf(stderr, "waot-spec: unknown option %s (see --help)\n", arg);
            return RUNNER_USAGE_ERROR;
        }
        if (target) {
            if (!value || !*value) {
                fprintf(stderr, "waot-spec: %s needs a value (see --help)\n", arg);
                return RUNNER_USAGE_ERROR;
            }
            *target = value;
        }
    }
    return RUNNER_USAGE_OK;
}

/* ---- the list of scripts --------------------------------------------------- */

static char *runner_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A malloc'd printf, or NULL when out of memory. */
static char *runner_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : text;
}

static bool runner_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool runner_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool runner_ends_with(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcmp(text + n - m, suffix) == 0;
}

/* Adds a script; `stem` is made unique among the scripts listed so far so
 * that two scripts never share a work folder. */
static bool runner_add_script(runner_script_list *list, const char *path, const char *stem,
                              const char *display)
{
    if (list->count == list->capacity) {
        size_t grown = list->capacity ? list->capacity * 2 : 256;
        runner_script *bigger = realloc(list->items, grown * sizeof *bigger);
        if (!bigger)
            return false;
        list->items = bigger;
        list->capacity = grown;
    }
    runner_script *s = &list->items[list->count];
    *s = (runner_script){0};
    s->path = strdup(path);
    s->display = strdup(display);
    s->stem = strdup(stem);
    for (unsigned copy = 2; s->stem; copy++) {
        bool taken = false;
        for (size_t i = 0; i < list->count && !taken; i++)
            taken = strcmp(list->items[i].stem, s->stem) == 0;
        if (!taken)
            break;
        free(s->stem);
        s->stem = runner_format("%s-%u", stem, copy);
    }
    list->count++; /* counted even if incomplete, so that it is freed */
    return s->path && s->display && s->stem;
}

static int runner_compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .wast file of the suite's core folder, in name order. */
static bool runner_list_suite(const char *core_dir, const char *exclude, size_t *excluded,
                              runner_script_list *list)
{
    DIR *dir = opendir(core_dir);
    if (!dir) {
        printf("waot-spec: cannot read %s: %s\n", core_dir, strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t count = 0, capacity = 0;
    bool ok = true;
    struct dirent *entry;
    while (ok && (entry = readdir(dir)) != NULL) {
        if (!runner_ends_with(entry->d_name, ".wast") || entry->d_name[0] == '.')
            continue;
        if (exclude && strncmp(entry->d_name, exclude, strlen(exclude)) == 0) {
            (*excluded)++;
            continue;
        }
        if (count == capacity) {
            size_t grown = capacity ? capacity * 2 : 256;
            char **bigger = realloc(names, grown * sizeof *bigger);
            if (!bigger) {
                ok = false;
                break;
            }
            names = bigger;
            capacity = grown;
        }
        names[count] = strdup(entry->d_name);
        ok = names[count++] != NULL;
    }
    closedir(dir);
    if (ok)
        qsort(names, count, sizeof *names, runner_compare_names);
    for (size_t i = 0; i < count; i++) {
        if (ok && names[i]) {
            char *path = runner_format("%s/%s", core_dir, names[i]);
            char *stem = strndup(names[i], strlen(names[i]) - strlen(".wast"));
            ok = path && stem && runner_add_script(list, path, stem, names[i]);
            free(path);
            free(stem);
        }
        free(names[i]);
    }
    free(names);
    if (!ok)
        printf("waot-spec: out of memory listing %s\n", core_dir);
    return ok;
}

/* A SCRIPT argument: a path if it has a slash, else a name in the suite.  A
 * script that does not exist is listed as broken, to fail in its turn. */
static bool runner_add_named(const char *core_dir, const char *arg, runner_script_list *list)
{
    bool is_path = strchr(arg, '/') != NULL;
    const char *base = is_path ? strrchr(arg, '/') + 1 : arg;
    size_t stem_length = strlen(base);
    if (runner_ends_with(base, ".wast"))
        stem_length -= strlen(".wast");
    char *stem = strndup(base, stem_length);
    char *path = is_path ? strdup(arg) : runner_format("%s/%s.wast", core_dir, stem);
    char *display = is_path ? strdup(arg) : runner_format("%s.wast", stem);
    bool ok = stem && path && display && runner_add_script(list, path, stem[0] ? stem : "script", display);
    if (ok && !runner_is_file(path)) {
        runner_script *s = &list->items[list->count - 1];
        s->broken = true;
        snprintf(s->problem, sizeof s->problem, "no such script: %s", path);
    }
    free(stem);
    free(path);
    free(display);
    if (!ok)
        printf("waot-spec: out of memory\n");
    return ok;
}

static void runner_free_scripts(runner_script_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        convert_job_free(&list->items[i].job);
        script_job_free(&list->items[i].check);
        free(list->items[i].path);
        free(list->items[i].stem);
        free(list->items[i].display);
    }
    free(list->items);
    *list = (runner_script_list){0};
}

/* ---- running ------------------------------------------------------------------- */

static unsigned runner_conversion_slots(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < RUNNER_MIN_CONVERSIONS)
        return RUNNER_MIN_CONVERSIONS;
    return cpus > RUNNER_MAX_CONVERSIONS ? RUNNER_MAX_CONVERSIONS : (unsigned)cpus;
}

static void runner_start_conversion(runner_script *s, const runner_options *opt,
                                    const char *wast2json)
{
    if (s->broken)
        return;
    char *out_dir = runner_format("%s/%s", opt->work, s->stem);
    if (!out_dir) {
        s->broken = true;
        snprintf(s->problem, sizeof s->problem, "out of memory");
        return;
    }
    if (!convert_start(&s->job, wast2json, s->path, out_dir, s->stem, s->problem,
                       sizeof s->problem))
        s->broken = true;
    free(out_dir);
}

/* Waits for a script's conversion, if it has not been waited for. */
static void runner_finish_conversion(runner_script *s)
{
    if (!s->converted && !s->broken && !convert_finish(&s->job, s->problem, sizeof s->problem))
        s->broken = true;
    s->converted = true;
}

/* Starts checking a script once it is converted.  True if a checking child
 * runs now; otherwise the script is broken and done. */
static bool runner_start_check(runner_script *s, const runner_options *opt,
                               const cwasm_settings *settings)
{
    runner_finish_conversion(s);
    if (!s->broken && !script_check_start(&s->check, s->display, s->job.json_path, settings,
                                          opt->time_limit, s->problem, sizeof s->problem))
        s->broken = true;
    if (s->broken) {
        s->done = true;
        return false;
    }
    return true;
}

/* Waits for any child to end: a conversion is waited for (and so reaped),
 * a check is reaped and its script is done.  False if there is no child to
 * wait for, which would be a bug of the runner. */
static bool runner_wait_any(runner_script_list *scripts, unsigned *running)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    /* WNOWAIT: the child stays to be reaped by whoever owns it. */
    while (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR)
            return false;
    }
    pid_t pid = info.si_pid;
    for (size_t i = 0; i < scripts->count; i++) {
        runner_script *s = &scripts->items[i];
        if (s->job.pid == pid) {
            runner_finish_conversion(s);
            return true;
        }
        if (s->check.pid == pid) {
            while (waitpid(pid, &s->wait_status, 0) < 0 && errno == EINTR)
                continue;
            s->check.pid = 0;
            s->done = true;
            (*running)--;
            return true;
        }
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) /* not ours: never expected */
        continue;
    return true;
}

/* "120 passed, 0 failed, 3 skipped (2 text-format, 1 lossy conversion)" */
static void runner_print_counts(const script_counts *c)
{
    printf("%lu passed, %lu failed, %lu skipped", c->passed, c->failed,
           c->skipped_text + c->lossy);
    if (c->skipped_text && c->lossy)
        printf(" (%lu text-format, %lu lossy conversion)", c->skipped_text, c->lossy);
    else if (c->skipped_text)
        printf(" (text-format)");
    else if (c->lossy)
        printf(" (lossy conversion)");
}

/* "; modules: 12 compiled, 3 from the cache, 0.8 s in the back end" */
static void runner_print_compile(const cwasm_stats *stats)
{
    if (stats->compiled || stats->cached || stats->compile_seconds > 0)
        printf("; modules: %lu compiled, %lu from the cache, %.1f s in the back end",
               stats->compiled, stats->cached, stats->compile_seconds);
}

/* Prints what a script's check found, and adds it to the totals. */
static void runner_report_script(runner_script *s, const runner_options *opt,
                                 script_tally *total)
{
    script_tally tally = {0};
    if (s->broken) {
        tally.script_failures++;
        printf("%s: %s\n", s->display, s->problem);
    } else {
        script_check_finish(&s->check, s->display, s->wait_status, opt->time_limit, &tally);
    }
    script_job_free(&s->check);
    if (opt->verbose) {
        script_counts counts = script_tally_total(&tally);
        printf("%s: ", s->display);
        runner_print_counts(&counts);
        runner_print_compile(&tally.compile);
        putchar('\n');
    }
    fflush(stdout);
    script_tally_add(total, &tally);
}

/*
 * Converts and checks every script: conversions run a few scripts ahead of
 * the checks, `jobs` checks run at once, and the scripts are reported in
 * order as their checks end, so the output does not depend on timing.
 */
static void runner_run(runner_script_list *scripts, const runner_options *opt,
                       const char *wast2json, const cwasm_settings *settings,
                       script_tally *total)
{
    unsigned conversions = runner_conversion_slots();
    size_t next_convert = 0, next_check = 0, next_report = 0;
    unsigned running = 0;
    while (next_report < scripts->count) {
        while (next_convert < scripts->count && next_convert < next_check + conversions)
            runner_start_conversion(&scripts->items[next_convert++], opt, wast2json);
        if (scripts->items[next_report].done) {
            runner_report_script(&scripts->items[next_report++], opt, total);
        } else if (running < opt->jobs && next_check < scripts->count) {
            if (runner_start_check(&scripts->items[next_check++], opt, settings))
                running++;
        } else if (!runner_wait_any(scripts, &running)) {
            for (size_t i = next_report; i < scripts->count; i++) {
                runner_script *s = &scripts->items[i];
                if (!s->done) {
                    s->broken = s->done = true;
                    snprintf(s->problem, sizeof s->problem, "the runner lost its checker: %s",
                             strerror(errno));
                }
            }
        }
    }
}

static void runner_print_table(const script_tally *tally)
{
    printf("by command type:\n");
    for (int c = 0; c < SCRIPT_COMMAND_COUNT; c++) {
        const script_counts *counts = &tally->by_command[c];
        if (!counts->passed && !counts->failed && !counts->skipped_text && !counts->lossy)
            continue;
        printf("  %-22s ", script_command_name((script_command)c));
        runner_print_counts(counts);
        putchar('\n');
    }
    if (tally->script_failures)
        printf("  %-22s %lu failed\n", "whole scripts", tally->script_failures);
}

/* Identifies the back end for the cache and makes the cache folder.  A back
 * end that cannot be loaded is said once here; each module then fails to
 * compile with the same message. */
static void runner_prepare_compiling(const runner_options *opt, char **cache_dir,
                                     cwasm_settings *settings)
{
    char problem[RUNNER_PROBLEM_SIZE];
    *settings = (cwasm_settings){.opt_level = opt->opt_level};
    *cache_dir = NULL;
    /* aot_codegen_load looks beside the executable, but the build tree has
     * the back end elsewhere: name it through the documented override. */
    const char *chosen = getenv("WAOT_CODEGEN");
    if ((!chosen || !*chosen) && WAOT_SPEC_CODEGEN[0] != '\0' && runner_is_file(WAOT_SPEC_CODEGEN))
        setenv("WAOT_CODEGEN", WAOT_SPEC_CODEGEN, 1);
    if (!cwasm_backend_id(settings->backend_id, problem, sizeof problem)) {
        printf("waot-spec: modules cannot be compiled: %s\n", problem);
        return;
    }
    *cache_dir = runner_format("%s/cache", opt->work);
    if (*cache_dir && !convert_make_dirs(*cache_dir, problem, sizeof problem)) {
        printf("waot-spec: compiled modules are not cached: %s\n", problem);
        free(*cache_dir);
        *cache_dir = NULL;
    }
    settings->cache_dir = *cache_dir;
}

static double runner_seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);

    runner_options opt;
    runner_usage usage = runner_parse_args(argc, argv, &opt);
    if (usage != RUNNER_USAGE_OK) {
        if (usage == RUNNER_USAGE_HELP)
            runner_print_help(stdout);
        free(opt.names);
        return usage == RUNNER_USAGE_HELP ? 0 : 2;
    }

    char *core_dir = runner_format("%s/%s", opt.testsuite, RUNNER_CORE_FOLDER);
    if (!core_dir) {
        free(opt.names);
        printf("waot-spec: out of memory\n0 passed, 1 failed, 0 skipped\n");
        return 1;
    }

    /* Scripts named without a path live in the suite; without it, skip. */
    bool needs_suite = opt.name_count == 0;
    for (size_t i = 0; i < opt.name_count; i++)
        needs_suite |= strchr(opt.names[i], '/') == NULL;
    if (needs_suite && !runner_is_dir(core_dir)) {
        printf("waot-spec: no test suite at %s (see --testsuite); everything is skipped\n",
               core_dir);
        printf("0 passed, 0 failed, 1 skipped\n");
        free(core_dir);
        free(opt.names);
        return 0;
    }

    script_tally total = {0};
    runner_script_list scripts = {0};
    size_t excluded = 0;
    bool listed = true;
    if (opt.name_count == 0) {
        listed = runner_list_suite(core_dir, opt.exclude, &excluded, &scripts);
    } else {
        for (size_t i = 0; i < opt.name_count && listed; i++)
            listed = runner_add_named(core_dir, opt.names[i], &scripts);
    }
    free(core_dir);

    char problem[RUNNER_PROBLEM_SIZE];
    char *wast2json = NULL;
    bool ready = listed;
    if (ready && !convert_find_program(opt.wast2json, &wast2json, problem, sizeof problem)) {
        printf("waot-spec: cannot convert scripts: %s (see --wast2json)\n", problem);
        ready = false;
    }
    if (ready && !convert_make_dirs(opt.work, problem, sizeof problem)) {
        printf("waot-spec: %s (see --work)\n", problem);
        ready = false;
    }

    char *cache_dir = NULL;
    if (ready) {
        cwasm_settings settings;
        runner_prepare_compiling(&opt, &cache_dir, &settings);
        runner_run(&scripts, &opt, wast2json, &settings, &total);
    } else {
        total.script_failures++;
    }

    script_counts sum = script_tally_total(&total);
    if (opt.verbose) {
        runner_print_table(&total);
        printf("%zu scripts in %.1f s\n", scripts.count, runner_seconds_since(&start));
    }
    printf("modules: %lu compiled, %lu from the cache, %.1f s in the back end; skipped: %lu "
           "text-format modules, %lu lost in conversion\n", total.compile.compiled,
           total.compile.cached, total.compile.compile_seconds, sum.skipped_text, sum.lossy);
    if (excluded)
        printf("excluded: %zu scripts named %s* (--exclude), not run and not counted\n",
               excluded, opt.exclude);
    printf("%lu passed, %lu failed, %lu skipped\n", sum.passed, sum.failed,
           sum.skipped_text + sum.lossy);

    runner_free_scripts(&scripts);
    free(cache_dir);
    free(wast2json);
    free(opt.names);
    return sum.failed == 0 ? 0 : 1;
}
