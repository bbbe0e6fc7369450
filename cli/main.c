/*
 * The entry point of the `waot` command: the table of subcommands, the
 * global options (--help, --version) and dispatch to the subcommand named
 * by the first argument.  Each subcommand lives in its own cmd_*.c file and
 * parses its own options.
 */
#include "cli.h"

#include "codegen_api.h"

#include <string.h>

#ifndef WAOT_VERSION
#error "WAOT_VERSION must be defined by the build (cli/CMakeLists.txt)"
#endif

static const cli_command *const main_commands[] = {
    &cli_validate_command,
    &cli_inspect_command,
    &cli_compile_command,
    &cli_run_command,
    &cli_build_command,
    &cli_cache_command,
};

enum { MAIN_COMMAND_COUNT = sizeof main_commands / sizeof main_commands[0] };

static const cli_command *main_find_command(const char *name)
{
    for (int i = 0; i < MAIN_COMMAND_COUNT; i++) {
        if (strcmp(main_commands[i]->name, name) == 0)
            return main_commands[i];
    }
    return NULL;
}

static void main_print_help(FILE *out)
{
    fputs("Usage: waot COMMAND [options] [arguments]\n"
          "       waot --help | --version\n"
          "\n"
          "waot is an ahead-of-time compiler for WebAssembly.\n"
          "\n"
          "Commands:\n",
          out);
    for (int i = 0; i < MAIN_COMMAND_COUNT; i++)
        fprintf(out, "  %-10s  %s\n", main_commands[i]->name, main_commands[i]->summary);
    fprintf(out, "  %-10s  show this help, or with a COMMAND that command's help\n", "help");
    fputs("\n"
          "Options:\n"
          "  -h, --help      show this help and exit\n"
          "  -V, --version   show the waot and LLVM versions and exit\n"
          "\n"
          "'waot COMMAND --help' describes a command and its options.\n"
          "Exit status: 0 on success, 1 when a command fails, 2 for a bad command line.\n",
          out);
}

/* The LLVM version comes from the back end, which is loaded only for this
 * (and for compiling); without it waot still knows its own version. */
static int main_print_version(void)
{
    const aot_codegen_api *codegen;
    aot_error err;
    aot_error_clear(&err);
    if (aot_codegen_load(&codegen, &err)) {
        printf("waot %s (LLVM %s)\n", WAOT_VERSION, codegen->llvm_version());
    } else {
        printf("waot %s\n", WAOT_VERSION);
        fputs("waot: warning: ", stderr);
        cli_write_one_line(stderr, err.message);
        fputc('\n', stderr);
    }
    return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

/* `waot help [COMMAND]`. */
static int main_help_command(int argc, char **argv)
{
    if (argc == 0) {
        main_print_help(stdout);
    } else if (argc > 1) {
        return cli_usage_error(NULL, "'help' takes at most one command name");
    } else if (cli_is_help_option(argv[0])) {
        main_print_help(stdout);
    } else {
        const cli_command *command = main_find_command(argv[0]);
        if (!command)
            return cli_usage_error(NULL, "unknown command '%s'", argv[0]);
        command->print_help(stdout);
    }
    return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (cli_is_help_option(first)) {
        main_print_help(stdout);
        return cli_finish_output() ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    }
    if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0)
        return main_print_version();
    if (strcmp(first, "help") == 0)
        return main_help_command(argc - 2, argv + 2);
    if (first[0] == '-')
        return cli_usage_error(NULL, "unknown option '%s'", first);

    const cli_command *command = main_find_command(first);
    if (!command)
        return cli_usage_error(NULL, "unknown command '%s'", first);
    return command->run(argc - 2, argv + 2);
}
