/*
 * Checking the commands of one converted spec script (the JSON command list
 * wast2json writes) against the compiler and the runtime, and counting the
 * results.
 */
#ifndef WAOT_SPEC_SCRIPT_H
#define WAOT_SPEC_SCRIPT_H

#include "cwasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The command types of a script, in the order the summary lists them. */
typedef enum script_command {
    SCRIPT_MODULE,
    SCRIPT_ASSERT_MALFORMED,
    SCRIPT_ASSERT_INVALID,
    SCRIPT_ASSERT_UNLINKABLE,
    SCRIPT_ASSERT_UNINSTANTIABLE,
    SCRIPT_ASSERT_RETURN,
    SCRIPT_ASSERT_TRAP,
    SCRIPT_ASSERT_EXHAUSTION,
    SCRIPT_ACTION,
    SCRIPT_REGISTER,
    SCRIPT_UNKNOWN, /* a type this runner does not know: always a failure */
    SCRIPT_COMMAND_COUNT,
} script_command;

/* What happened to the commands of one type. */
typedef struct script_counts {
    unsigned long passed;
    unsigned long failed;
    unsigned long skipped_text; /* a text-format module: waot reads binaries */
    unsigned long lossy;        /* wast2json's binary lost what the command tests */
} script_counts;

/* The results of one or more scripts. */
typedef struct script_tally {
    script_counts by_command[SCRIPT_COMMAND_COUNT];
    /* Failures of a whole script rather than one command: it did not
     * convert, its JSON is broken, the spectest module could not be defined,
     * or the check crashed or hung. */
    unsigned long script_failures;
    cwasm_stats compile; /* what compiling the modules cost */
} script_tally;

/* The command type's name as the JSON spells it ("assert_invalid"). */
const char *script_command_name(script_command command);

/* Adds every count of `part` to `sum`. */
void script_tally_add(script_tally *sum, const script_tally *part);

/* The totals over all command types (script failures count as failed). */
script_counts script_tally_total(const script_tally *tally);

typedef struct script_progress script_progress;

/* The check of one script, running in a child process.  Zero-initialise it;
 * script_job_free releases it. */
typedef struct script_job {
    pid_t pid;                 /* the checking child until it is reaped, or 0 */
    script_progress *progress; /* counts shared with the child */
    char *log_path;            /* what the child printed: NAME.check.log beside the JSON */
} script_job;

/*
 * Starts checking every command of a converted script in a child process:
 * `json_path` is the command list, whose module files lie beside it;
 * `display_name` names the script in the messages ("binary.wast").  Modules
 * are compiled as `settings` say, each to NAME.N.cwasm beside its .wasm.
 *
 * The child prints one line per failure into the job's log, not to stdout,
 * so that scripts can be checked at once and still be reported in order; it
 * stops after `time_limit` seconds, or when one instantiation or call runs
 * for more than 30 seconds.  The caller reaps the child (job->pid)
 * and passes its wait status to script_check_finish.  False if the child
 * could not be started, with why in problem[problem_size].
 */
bool script_check_start(script_job *job, const char *display_name, const char *json_path,
                        const cwasm_settings *settings, unsigned time_limit, char *problem,
                        size_t problem_size);

/* After the child has been reaped with `wait_status`: prints its log to
 * stdout, and one more failure if it crashed, hung or exited early (naming
 * the command being checked then), and adds its results to *tally.  A crash
 * or a hang in the library thus costs the script one failure, not the run. */
void script_check_finish(script_job *job, const char *display_name, int wait_status,
                         unsigned time_limit, script_tally *tally);

/* Kills and reaps a child still running and frees the job. */
void script_job_free(script_job *job);

#endif
