/*
 * `waot validate FILE...`: decodes and validates each file, as
 * WebAssembly.validate does, and says nothing about the good ones unless
 * asked (-v).  Each bad file gets one line on stderr naming the byte offset,
 * the spec's message and the function, and the other files are still
 * checked; the exit status is 1 when any file failed.
 */
#include "cli.h"

#include <string.h>

static void validate_print_help(FILE *out)
{
    fputs("Usage: waot validate [options] FILE.wasm...\n"
          "\n"
          "Decode and validate each binary module against WebAssembly 2.0, the\n"
          "way WebAssembly.validate does.  Valid modules are passed silently.\n"
          "For each malformed or invalid module one line goes to stderr:\n"
          "\n"
          "  FILE:0xOFFSET: error: MESSAGE (function N)\n"
          "\n"
          "where OFFSET is the byte offset in the file and the function index\n"
          "(imports counted) is given when the error is inside a function.\n"
          "A file that cannot be read is reported as 'FILE: error: MESSAGE'.\n"
          "Every file is checked even after one fails.\n"
          "\n"
          "Options:\n"
          "  -v, --verbose   also print 'FILE: valid' for each valid module\n"
          "  -h, --help      show this help and exit\n"
          "  --              treat every later argument as a file\n"
          "\n"
          "Exit status: 0 if every module is valid, 1 if any is not or could\n"
          "not be read, 2 for a bad command line.\n",
          out);
}

static int validate_run(int argc, char **argv)
{
    bool verbose = false;
    bool options_ended = false;
    int file_count = 0;

    /* Options first, wherever they appear, so a bad one fails before any work. */
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_ended || arg[0] != '-' || arg[1] == '\0') {
            file_count++;
        } else if (strcmp(arg, "--") == 0) {
            options_ended = true;
        } else if (cli_is_help_option(arg)) {
            validate_print_help(stdout);
            return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            verbose = true;
        } else {
            return cli_usage_error("validate", "unknown option '%s'", arg);
        }
    }
    if (file_count == 0)
        return cli_usage_error("validate", "no input files");

    int status = CLI_EXIT_OK;
    options_ended = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_ended && arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "--") == 0)
                options_ended = true;
            continue;
        }
        cli_loaded_module loaded;
        if (!cli_load_module(arg, &loaded)) {
            status = CLI_EXIT_FAILURE;
            continue;
        }
        cli_loaded_module_free(&loaded);
        if (verbose) {
            cli_write_one_line(stdout, arg);
            fputs(": valid\n", stdout);
            fflush(stdout); /* keep the order of stdout and stderr lines */
        }
    }
    if (!cli_finish_output())
        status = CLI_EXIT_FAILURE;
    return status;
}

const cli_command cli_validate_command = {
    .name = "validate",
    .summary = "check that modules are well-formed and valid",
    .run = validate_run,
    .print_help = validate_print_help,
};
