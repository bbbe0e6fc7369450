/*
 * Runs wast2json on one script: makes the output folder, forks and execs the
 * program with its output sent to a log file beside the JSON, waits for it,
 * and on failure sums up what it printed.  Also finds the program up front,
 * so that a missing wast2json is one clear error rather than one per script.
 */
#include "convert.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* How much of the log the failure summary looks at. */
enum { CONVERT_LOG_READ_LIMIT = 16 * 1024, CONVERT_SUMMARY_LIMIT = 300 };

static bool convert_fail(char *problem, size_t problem_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool convert_fail(char *problem, size_t problem_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, problem_size, fmt, ap);
    va_end(ap);
    return false;
}

static char *convert_join(const char *dir, const char *name, const char *suffix)
{
    size_t size = strlen(dir) + 1 + strlen(name) + strlen(suffix) + 1;
    char *path = malloc(size);
    if (path)
        snprintf(path, size, "%s/%s%s", dir, name, suffix);
    return path;
}

bool convert_make_dirs(const char *dir, char *problem, size_t problem_size)
{
    char *path = strdup(dir);
    if (!path)
        return convert_fail(problem, problem_size, "out of memory");
    size_t length = strlen(path);
    /* Create each prefix that ends before a slash, then the whole path. */
    for (size_t i = 1; i <= length; i++) {
        if (i < length && path[i] != '/')
            continue;
        char saved = path[i];
        path[i] = '\0';
        bool made = mkdir(path, 0777) == 0 || errno == EEXIST;
        struct stat st;
        if (made && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))) {
            errno = ENOTDIR;
            made = false;
        }
        if (!made) {
            convert_fail(problem, problem_size, "cannot create folder %s: %s", path,
                         strerror(errno));
            free(path);
            return false;
        }
        path[i] = saved;
    }
    free(path);
    return true;
}

static bool convert_is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

bool convert_find_program(const char *program, char **resolved, char *problem,
                          size_t problem_size)
{
    *resolved = NULL;
    if (program[0] == '\0')
        return convert_fail(problem, problem_size, "no wast2json given");
    if (strchr(program, '/')) {
        if (!convert_is_executable_file(program))
            return convert_fail(problem, problem_size, "%s is not an executable file",
                                program);
        *resolved = strdup(program);
        return *resolved ? true : convert_fail(problem, problem_size, "out of memory");
    }
    const char *search = getenv("PATH");
    if (!search || !*search)
        search = "/usr/local/bin:/usr/bin:/bin";
    while (*search) {
        size_t n = strcspn(search, ":");
        char *dir = strndup(search, n);
        if (!dir)
            return convert_fail(problem, problem_size, "out of memory");
        char *candidate = convert_join(n ? dir : ".", program, "");
        free(dir);
        if (!candidate)
            return convert_fail(problem, problem_size, "out of memory");
        if (convert_is_executable_file(candidate)) {
            *resolved = candidate;
            return true;
        }
        free(candidate);
        search += n;
        if (*search == ':')
            search++;
    }
    return convert_fail(problem, problem_size, "%s not found in PATH", program);
}

bool convert_start(convert_job *job, const char *wast2json, const char *script_path,
                   const char *out_dir, const char *name, char *problem,
                   size_t problem_size)
{
    if (!convert_make_dirs(out_dir, problem, problem_size))
        return false;
    free(job->json_path);
    free(job->log_path);
    job->json_path = convert_join(out_dir, name, ".json");
    job->log_path = convert_join(out_dir, name, ".wast2json.log");
    if (!job->json_path || !job->log_path)
        return convert_fail(problem, problem_size, "out of memory");
    if (unlink(job->json_path) != 0 && errno != ENOENT)
        return convert_fail(problem, problem_size, "cannot remove the old %s: %s",
                            job->json_path, strerror(errno));

    int log = open(job->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (log < 0)
        return convert_fail(problem, problem_size, "cannot create %s: %s", job->log_path,
                            strerror(errno));

    char *argv[] = {(char *)wast2json, (char *)script_path, "-o", job->json_path, NULL};
    pid_t pid = fork();
    if (pid < 0) {
        close(log);
        return convert_fail(problem, problem_size, "cannot fork wast2json: %s",
                            strerror(errno));
    }
    if (pid == 0) {
        /* Only async-signal-safe calls from here on. */
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        execv(wast2json, argv);
        static const char message[] = "waot-spec: cannot execute wast2json\n";
        ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
        _exit(127);
    }
    close(log);
    job->pid = pid;
    return true;
}

/* Puts the first non-empty line of the log into `summary`. */
static void convert_summarize_log(const char *log_path, char *summary, size_t summary_size)
{
    summary[0] = '\0';
    FILE *log = fopen(log_path, "r");
    if (!log)
        return;
    char *text = malloc(CONVERT_LOG_READ_LIMIT + 1);
    if (!text) {
        fclose(log);
        return;
    }
    size_t n = fread(text, 1, CONVERT_LOG_READ_LIMIT, log);
    fclose(log);
    text[n] = '\0';
    const char *line = text;
    while (*line == '\n' || *line == '\r' || *line == ' ')
        line++;
    size_t length = strcspn(line, "\r\n");
    if (length > CONVERT_SUMMARY_LIMIT)
        length = CONVERT_SUMMARY_LIMIT;
    snprintf(summary, summary_size, "%.*s", (int)length, line);
    free(text);
}

bool convert_finish(convert_job *job, char *problem, size_t problem_size)
{
    if (job->pid <= 0)
        return convert_fail(problem, problem_size, "wast2json was not started");
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(job->pid, &status, 0)) < 0 && errno == EINTR)
        continue;
    job->pid = 0;
    if (waited < 0)
        return convert_fail(problem, problem_size, "cannot wait for wast2json: %s",
                            strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;

    char how[64];
    if (WIFEXITED(status))
        snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(how, sizeof how, "signal %d", WTERMSIG(status));
    else
        snprintf(how, sizeof how, "wait status 0x%x", status);
    char summary[CONVERT_SUMMARY_LIMIT + 1];
    convert_summarize_log(job->log_path, summary, sizeof summary);
    return convert_fail(problem, problem_size, "wast2json failed (%s): %s [all of it in %s]",
                        how, summary[0] ? summary : "it printed nothing", job->log_path);
}

void convert_job_free(convert_job *job)
{
    if (job->pid > 0) {
        kill(job->pid, SIGKILL);
        while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        job->pid = 0;
    }
    free(job->json_path);
    free(job->log_path);
    job->json_path = NULL;
    job->log_path = NULL;
}
