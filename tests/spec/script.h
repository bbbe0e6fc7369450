/*
 * Checking the commands of one converted spec script (the JSON command list
 * wast2json writes) against the compiler library, and counting the results.
 */
#ifndef WAOT_SPEC_SCRIPT_H
#define WAOT_SPEC_SCRIPT_H

#include <stdbool.h>

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
    unsigned long not_run;      /* needs execution, which the runner lacks */
    unsigned long lossy;        /* wast2json's binary lost what the command tests */
} script_counts;

/* The results of one or more scripts. */
typedef struct script_tally {
    script_counts by_command[SCRIPT_COMMAND_COUNT];
    /* Failures of a whole script rather than one command: it did not
     * convert, its JSON is broken, or the check crashed or hung. */
    unsigned long script_failures;
} script_tally;

/* The command type's name as the JSON spells it ("assert_invalid"). */
const char *script_command_name(script_command command);

/* Adds every count of `part` to `sum`. */
void script_tally_add(script_tally *sum, const script_tally *part);

/* The totals over all command types (script failures count as failed). */
script_counts script_tally_total(const script_tally *tally);

/* Checks every command of a converted script: `json_path` is the command
 * list, whose module files lie beside it; `display_name` names the script in
 * the messages ("binary.wast").  Prints one line per failure to stdout and
 * adds the results to *tally.
 *
 * The check runs in a child process with a time limit, so a crash or a hang
 * in the library costs this script one failure (naming the command being
 * checked) instead of the whole run. */
void script_check(const char *display_name, const char *json_path, script_tally *tally);

#endif
