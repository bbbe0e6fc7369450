/*
 * `waot cache dir|list|clean`: shows where the compiled-module cache of
 * `waot run` lives, lists its entries with what their descriptors say, and
 * removes them.  The layout and the checks are cache.c's; this file only
 * walks the directory and prints.  `clean` removes only files named the way
 * the cache names its entries and temporaries, nothing else in the
 * directory.
 */
#include "cache.h"
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void cache_cmd_print_help(FILE *out)
{
    fputs("Usage: waot cache dir|list|clean [--cache-dir DIR]\n"
          "\n"
          "Manage the cache of compiled modules that `waot run` keeps for .wasm\n"
          "files, so that running a module again does not compile it again.\n"
          "\n"
          "Commands:\n"
          "  dir     print the cache directory\n"
          "  list    one line per entry: key, size in bytes, modification time,\n"
          "          SHA-256 of the source module and the compiler version (or why\n"
          "          the entry is unusable)\n"
          "  clean   remove every entry (and leftover temporary files), saying how\n"
          "          many and how many bytes; nothing else in the directory is touched\n"
          "\n"
          "Options:\n"
          "  --cache-dir DIR   use DIR instead of the default cache directory\n"
          "  -h, --help        show this help and exit ('waot cache COMMAND --help'\n"
          "                    shows one command's)\n"
          "\n"
          "The default directory is $XDG_CACHE_HOME/waot, or ~/.cache/waot when\n"
          "XDG_CACHE_HOME is not set.  An entry is named after the SHA-256 of the\n"
          "module's bytes together with everything that changes its code: waot's\n"
          "version, the LLVM version and build of the back end, the ABI version,\n"
          "this host's target, CPU and CPU features, and the optimisation level.\n"
          "\n"
          "Exit status: 0 on success, 1 if the directory cannot be read or an\n"
          "entry cannot be removed, 2 for a bad command line.\n",
          out);
}

static void cache_cmd_print_sub_help(const char *sub, FILE *out)
{
    if (strcmp(sub, "dir") == 0)
        fputs("Usage: waot cache dir [--cache-dir DIR]\n"
              "\n"
              "Print the directory of the compiled-module cache ($XDG_CACHE_HOME/waot,\n"
              "else ~/.cache/waot, or DIR).  It need not exist yet.\n",
              out);
    else if (strcmp(sub, "list") == 0)
        fputs("Usage: waot cache list [--cache-dir DIR]\n"
              "\n"
              "Print one line per cache entry, sorted by key:\n"
              "  KEY SIZE YYYY-MM-DD HH:MM:SS SOURCE-SHA256 COMPILER-VERSION\n"
              "with SIZE in bytes and the time local.  The source hash and compiler\n"
              "version come from the entry's descriptor, read without running any of\n"
              "its code, after its integrity is checked; an entry that fails a check\n"
              "or cannot be loaded on this host shows 'unusable: REASON' instead.\n",
              out);
    else
        fputs("Usage: waot cache clean [--cache-dir DIR]\n"
              "\n"
              "Remove every cache entry (KEY.cwasm) and every leftover temporary file\n"
              "(KEY.tmp.*) and report how many files and bytes were removed.  Other\n"
              "files in the directory are left alone.\n",
              out);
}

static int cache_cmd_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in `dir` that `want` accepts, sorted; *count 0 and true when
 * the directory does not exist. */
static bool cache_cmd_scan(const char *dir, bool (*want)(const char *), char ***names,
                           size_t *count)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return true;
        fputs("waot cache: cannot read ", stderr);
        cli_write_one_line(stderr, dir);
        fprintf(stderr, ": %s\n", strerror(errno));
        return false;
    }
    size_t capacity = 0;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (!want(e->d_name))
            continue;
        if (*count == capacity) {
            capacity = capacity ? 2 * capacity : 16;
            char **grown = realloc(*names, capacity * sizeof *grown);
            ok = grown != NULL;
            if (ok)
                *names = grown;
        }
        char *copy = ok ? strdup(e->d_name) : NULL;
        ok = copy != NULL;
        if (ok)
            (*names)[(*count)++] = copy;
    }
    closedir(d);
    if (!ok)
        fputs("waot cache: out of memory\n", stderr);
    if (*count)
        qsort(*names, *count, sizeof **names, cache_cmd_compare);
    return ok;
}

static void cache_cmd_free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

static bool cache_cmd_is_cache_file(const char *name)
{
    return cli_cache_is_entry_name(name) || cli_cache_is_temporary_name(name) ||
           cli_cache_is_memo_name(name);
}

static bool cache_cmd_path(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

/* One line for the entry `name` in `dir`. */
static void cache_cmd_list_entry(const char *dir, const char *name)
{
    char path[CLI_CACHE_PATH_SIZE], key[65], why[320];
    if (!cache_cmd_path(path, sizeof path, dir, name))
        return;
    memcpy(key, name, 64);
    key[64] = '\0';
    struct stat st;
    if (lstat(path, &st) != 0)
        return; /* removed since the directory was read */
    char when[32] = "?";
    struct tm tm;
    if (localtime_r(&st.st_mtime, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    printf("%s %jd %s ", key, (intmax_t)st.st_size, when);
    waot_module *module = NULL;
    waot_error err;
    if (!cli_cache_check_entry_file(path, key, why, sizeof why)) {
        fputs("unusable: ", stdout);
        cli_write_one_line(stdout, why);
    } else if (waot_module_load(path, &module, &err) != WAOT_OK) {
        fputs("unusable: ", stdout);
        size_t n = strlen(path);
        const char *message = err.message;
        if (strncmp(message, path, n) == 0 && message[n] == ':' && message[n + 1] == ' ')
            message += n + 2;
        cli_write_one_line(stdout, message);
    } else {
        const waot_abi_module *d = waot_module_descriptor(module);
        char hex[65];
        cli_cache_hex(d->wasm_sha256, 32, hex);
        printf("%s ", hex);
        cli_write_one_line(stdout, d->compiler_version ? d->compiler_version : "?");
        waot_module_free(module);
    }
    putchar('\n');
}

static int cache_cmd_list(const char *dir)
{
    char **names;
    size_t count;
    if (!cache_cmd_scan(dir, cli_cache_is_entry_name, &names, &count))
        return CLI_EXIT_FAILURE;
    for (size_t i = 0; i < count; i++)
        cache_cmd_list_entry(dir, names[i]);
    cache_cmd_free_names(names, count);
    return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

static int cache_cmd_clean(const char *dir)
{
    char **names;
    size_t count;
    if (!cache_cmd_scan(dir, cache_cmd_is_cache_file, &names, &count))
        return CLI_EXIT_FAILURE;
    size_t entries = 0, temporaries = 0, memos = 0;
    uintmax_t bytes = 0;
    int status = CLI_EXIT_OK;
    for (size_t i = 0; i < count; i++) {
        char path[CLI_CACHE_PATH_SIZE];
        struct stat st;
        if (!cache_cmd_path(path, sizeof path, dir, names[i]) || lstat(path, &st) != 0 ||
            S_ISDIR(st.st_mode))
            continue; /* gone already, or not ours to remove */
        if (unlink(path) != 0) {
            if (errno == ENOENT)
                continue;
            fputs("waot cache: cannot remove ", stderr);
            cli_write_one_line(stderr, path);
            fprintf(stderr, ": %s\n", strerror(errno));
            status = CLI_EXIT_FAILURE;
            continue;
        }
        bytes += S_ISREG(st.st_mode) ? (uintmax_t)st.st_size : 0;
        if (cli_cache_is_entry_name(names[i]))
            entries++;
        else if (cli_cache_is_memo_name(names[i]))
            memos++;
        else
            temporaries++;
    }
    cache_cmd_free_names(names, count);
    printf("removed %zu entr%s", entries, entries == 1 ? "y" : "ies");
    if (temporaries)
        printf(" and %zu temporary file%s", temporaries, temporaries == 1 ? "" : "s");
    if (memos)
        printf(" and %zu host description%s", memos, memos == 1 ? "" : "s");
    printf(" (%ju bytes) from ", bytes);
    cli_write_one_line(stdout, dir);
    putchar('\n');
    return cli_finish_output() ? status : CLI_EXIT_FAILURE;
}

static int cache_cmd_run(int argc, char **argv)
{
    const char *sub = NULL, *explicit_dir = NULL;
    bool help = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (cli_is_help_option(arg)) {
            help = true;
        } else if (strcmp(arg, "--cache-dir") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return cli_usage_error("cache", "--cache-dir needs a directory");
            explicit_dir = argv[++i];
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("cache", "unknown option '%s'", arg);
        } else if (sub) {
            return cli_usage_error("cache", "one command at a time ('%s' and '%s')", sub, arg);
        } else if (strcmp(arg, "dir") == 0 || strcmp(arg, "list") == 0 ||
                   strcmp(arg, "clean") == 0) {
            sub = arg;
        } else {
            return cli_usage_error("cache", "unknown cache command '%s' (dir, list, clean)", arg);
        }
    }
    if (help) {
        if (sub)
            cache_cmd_print_sub_help(sub, stdout);
        else
            cache_cmd_print_help(stdout);
        return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    }
    if (!sub)
        return cli_usage_error("cache", "no command (dir, list or clean)");

    char dir[CLI_CACHE_PATH_SIZE], why[320];
    if (!cli_cache_dir(explicit_dir, dir, sizeof dir, why, sizeof why)) {
        fputs("waot cache: no cache directory: ", stderr);
        cli_write_one_line(stderr, why);
        fputc('\n', stderr);
        return CLI_EXIT_FAILURE;
    }
    if (strcmp(sub, "dir") == 0) {
        cli_write_one_line(stdout, dir);
        putchar('\n');
        return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    }
    return strcmp(sub, "list") == 0 ? cache_cmd_list(dir) : cache_cmd_clean(dir);
}

const cli_command cli_cache_command = {
    .name = "cache",
    .summary = "show, list or clean the compiled-module cache of `waot run`",
    .run = cache_cmd_run,
    .print_help = cache_cmd_print_help,
};
