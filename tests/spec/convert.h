/*
 * Converting a .wast script with WABT's wast2json into the JSON command list
 * and the module files the runner checks, as a child process, so that several
 * scripts can convert at once while earlier ones are being checked.
 */
#ifndef WAOT_SPEC_CONVERT_H
#define WAOT_SPEC_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One conversion.  Zero-initialise it; convert_job_free releases it. */
typedef struct convert_job {
    pid_t pid;       /* the running wast2json, or 0 */
    char *json_path; /* OUT_DIR/NAME.json: the command list it writes */
    char *log_path;  /* OUT_DIR/NAME.wast2json.log: what it printed */
} convert_job;

/* Creates `dir` and any missing parents, like `mkdir -p`. */
bool convert_make_dirs(const char *dir, char *problem, size_t problem_size);

/* Finds the wast2json program: a name with a slash must be an executable
 * file; a bare name is looked up in PATH.  On success *resolved is a
 * malloc'd path the caller frees. */
bool convert_find_program(const char *program, char **resolved, char *problem,
                          size_t problem_size);

/* Starts `wast2json SCRIPT_PATH -o OUT_DIR/NAME.json` (no shell), creating
 * OUT_DIR and removing a JSON file left by an earlier run.  `wast2json` is a
 * path from convert_find_program. */
bool convert_start(convert_job *job, const char *wast2json, const char *script_path,
                   const char *out_dir, const char *name, char *problem,
                   size_t problem_size);

/* Waits for a started conversion.  False if wast2json failed, with the
 * first line it printed as the problem. */
bool convert_finish(convert_job *job, char *problem, size_t problem_size);

/* Frees the paths; kills and reaps the child if it is still running. */
void convert_job_free(convert_job *job);

#endif
