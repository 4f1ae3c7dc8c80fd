/* aidflow CLI — one function per subcommand, each in its own file (cmd_NAME.c).
 * A subcommand returns the process exit status: 0 success, 1 failure of the run itself,
 * 2 bad input (usage, scenario errors), 130 interrupted. */
#ifndef AF_CLI_COMMANDS_H
#define AF_CLI_COMMANDS_H

#include <stdio.h>

enum { AF_EXIT_OK = 0, AF_EXIT_FAIL = 1, AF_EXIT_USAGE = 2, AF_EXIT_INTERRUPTED = 130 };

typedef struct af_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand's name */
} af_command;

int af_cmd_demo(int argc, char **argv);
int af_cmd_validate(int argc, char **argv);
int af_cmd_show(int argc, char **argv);
int af_cmd_run(int argc, char **argv);
int af_cmd_report(int argc, char **argv);
int af_cmd_sweep(int argc, char **argv);
int af_cmd_compare(int argc, char **argv);
int af_cmd_target(int argc, char **argv);
int af_cmd_calibrate(int argc, char **argv);
int af_cmd_merge(int argc, char **argv);
int af_cmd_schema(int argc, char **argv);
int af_cmd_assumptions(int argc, char **argv);
int af_cmd_sensitivity(int argc, char **argv);

#endif
