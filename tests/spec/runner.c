/*
 * waot-spec, the spec-suite runner: reads the command line, lists the
 * scripts to run, converts them with wast2json a few at a time (in child
 * processes) while checking the ones already converted in order, and prints
 * the totals.  What each command means is script.c's business; running
 * wast2json is convert.c's.
 *
 * The last line of the output is always "N passed, N failed, N skipped", and
 * the exit status is 0 exactly when nothing failed.  A missing test suite is
 * not a failure: everything is skipped.
 */
#include "convert.h"
#include "script.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef WAOT_TESTSUITE_DIR
#define WAOT_TESTSUITE_DIR "../shared/testsuite"
#endif
#ifndef WAOT_WAST2JSON
#define WAOT_WAST2JSON "wast2json"
#endif

/* The folder of the suite that holds the core scripts. */
#define RUNNER_CORE_FOLDER "wasm-2.0"
#define RUNNER_DEFAULT_WORK "waot-spec-work"

/* Conversions running at once, at most and at least. */
enum { RUNNER_MAX_CONVERSIONS = 4, RUNNER_MIN_CONVERSIONS = 2 };

enum { RUNNER_PROBLEM_SIZE = 1024 };

typedef struct runner_options {
    const char *testsuite; /* the folder holding wasm-2.0/ */
    const char *work;      /* where the converted scripts go */
    const char *wast2json;
    bool verbose;
    char **names; /* the SCRIPT arguments */
    size_t name_count;
} runner_options;

typedef struct runner_script {
    char *path;    /* the .wast file */
    char *stem;    /* the work subfolder and output name: "binary" */
    char *display; /* how messages name it: "binary.wast", or the path given */
    convert_job job;
    bool broken;   /* cannot be converted; `problem` says why */
    char problem[RUNNER_PROBLEM_SIZE];
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
        "usage: waot-spec [--testsuite DIR] [--work DIR] [--wast2json PATH] [-v] [SCRIPT...]\n"
        "\n"
        "Runs the WebAssembly 2.0 spec test suite against waot's decoder and validator.\n"
        "Each script is converted with wast2json into WORK/NAME/, then its commands are\n"
        "checked:\n"
        "  module                  must decode and validate\n"
        "  assert_malformed        (binary) must be rejected as malformed, with a message\n"
        "                          that starts with the expected text\n"
        "  assert_invalid          must be rejected as invalid, likewise\n"
        "  text-format modules     skipped: waot reads binaries\n"
        "  every other command     not run: it needs execution (assert_return,\n"
        "                          assert_trap, assert_exhaustion, assert_unlinkable,\n"
        "                          assert_uninstantiable, action, register)\n"
        "It prints one line per failure, \"FILE.wast:LINE: COMMAND: expected ..., got ...\",\n"
        "then the counts; the last line is \"N passed, N failed, N skipped\", where the\n"
        "skipped are the text-format modules and the commands not run.  The exit\n"
        "status is 0 when nothing failed.  Without a test suite everything is skipped.\n"
        "\n"
        "options:\n"
        "  --testsuite DIR   the test suite: the folder holding " RUNNER_CORE_FOLDER "/\n"
        "                    (default %s)\n"
        "  --work DIR        where the converted scripts go (default ./" RUNNER_DEFAULT_WORK ")\n"
        "  --wast2json PATH  WABT's wast2json (default %s)\n"
        "  -v, --verbose     also a summary line per script and counts per command type\n"
        "  -h, --help        show this text\n"
        "\n"
        "SCRIPT is a script of DIR/" RUNNER_CORE_FOLDER " by name (\"binary\" or \"binary.wast\"),\n"
        "or the path of a .wast file if it contains a '/'.  Without SCRIPTs: every .wast\n"
        "file in DIR/" RUNNER_CORE_FOLDER ", in name order.\n",
        WAOT_TESTSUITE_DIR, wast2json);
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

static runner_usage runner_parse_args(int argc, char **argv, runner_options *opt)
{
    *opt = (runner_options){
        .testsuite = WAOT_TESTSUITE_DIR,
        .work = RUNNER_DEFAULT_WORK,
        .wast2json = WAOT_WAST2JSON[0] ? WAOT_WAST2JSON : "wast2json",
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
static bool runner_list_suite(const char *core_dir, runner_script_list *list)
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

/* "120 passed, 0 failed, 3 skipped (2 text-format, 1 not run)" */
static void runner_print_counts(const script_counts *c)
{
    printf("%lu passed, %lu failed, %lu skipped", c->passed, c->failed,
           c->skipped_text + c->not_run + c->lossy);
    if (c->skipped_text && c->not_run)
        printf(" (%lu text-format, %lu not run)", c->skipped_text, c->not_run);
    else if (c->skipped_text)
        printf(" (text-format)");
    else if (c->not_run)
        printf(" (not run)");
}

/* Waits for a script's conversion and checks its commands. */
static void runner_check_script(runner_script *s, const runner_options *opt,
                                script_tally *total)
{
    script_tally tally = {0};
    if (!s->broken && !convert_finish(&s->job, s->problem, sizeof s->problem))
        s->broken = true;
    if (s->broken) {
        tally.script_failures++;
        printf("%s: %s\n", s->display, s->problem);
    } else {
        script_check(s->display, s->job.json_path, &tally);
    }
    if (opt->verbose) {
        script_counts counts = script_tally_total(&tally);
        printf("%s: ", s->display);
        runner_print_counts(&counts);
        putchar('\n');
    }
    fflush(stdout);
    script_tally_add(total, &tally);
}

static void runner_print_table(const script_tally *tally)
{
    printf("by command type:\n");
    for (int c = 0; c < SCRIPT_COMMAND_COUNT; c++) {
        const script_counts *counts = &tally->by_command[c];
        if (!counts->passed && !counts->failed && !counts->skipped_text && !counts->not_run)
            continue;
        printf("  %-22s ", script_command_name((script_command)c));
        runner_print_counts(counts);
        putchar('\n');
    }
    if (tally->script_failures)
        printf("  %-22s %lu failed\n", "whole scripts", tally->script_failures);
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
    bool listed = true;
    if (opt.name_count == 0) {
        listed = runner_list_suite(core_dir, &scripts);
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

    if (ready) {
        unsigned slots = runner_conversion_slots();
        size_t next_to_start = 0;
        for (size_t i = 0; i < scripts.count; i++) {
            while (next_to_start < scripts.count && next_to_start < i + slots)
                runner_start_conversion(&scripts.items[next_to_start++], &opt, wast2json);
            runner_check_script(&scripts.items[i], &opt, &total);
        }
    } else {
        total.script_failures++;
    }

    script_counts sum = script_tally_total(&total);
    if (opt.verbose) {
        runner_print_table(&total);
        printf("%zu scripts in %.1f s\n", scripts.count, runner_seconds_since(&start));
    }
    printf("not run (need execution): %lu, text-format modules: %lu, lost in conversion: %lu "
           "(together: skipped)\n", sum.not_run, sum.skipped_text, sum.lossy);
    printf("%lu passed, %lu failed, %lu skipped\n", sum.passed, sum.failed,
           sum.skipped_text + sum.not_run + sum.lossy);

    runner_free_scripts(&scripts);
    free(wast2json);
    free(opt.names);
    return sum.failed == 0 ? 0 : 1;
}
