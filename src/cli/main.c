/* aidflow — the command-line front end: a thin layer that parses arguments and calls the
 * library. Each subcommand lives in cmd_NAME.c. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

#include "aidflow/version.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

static const af_command commands[] = {
    {"run", "run a scenario: daily deliveries against need, per region and category", af_cmd_run},
    {"demo", "run the engine's demo model: one crossing, lanes and opening hours", af_cmd_demo},
    {"validate", "check scenario files and summarise each valid one", af_cmd_validate},
    {"show", "print a scenario fully resolved (extends and --set applied) as YAML", af_cmd_show},
    {"assumptions", "list the values a scenario marks as assumptions, with their ranges",
     af_cmd_assumptions},
    {"report", "write an HTML report with charts from output directories", af_cmd_report},
    {"sweep", "run a scenario over a grid or Latin hypercube of parameter values", af_cmd_sweep},
    {"sensitivity", "rank a scenario's assumptions by their effect on outputs (Morris screening)",
     af_cmd_sensitivity},
    {"compare", "compare two scenarios on common random numbers: paired differences", af_cmd_compare},
    {"target", "find the smallest parameter value that meets a goal with confidence", af_cmd_target},
    {"calibrate", "fit parameters to observed figures on their counting bases", af_cmd_calibrate},
    {"merge", "merge the result stores of sweep shards (--shard I/K) and export", af_cmd_merge},
    {"schema", "describe the scenario language: JSON Schema, keys, --set paths", af_cmd_schema},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: aidflow COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-12s %s\n", "version", "print the version (also -V, --version)");
    fprintf(out, "\n'aidflow COMMAND --help' describes a command; man aidflow, and\n"
                 "man aidflow-scenario for the scenario language.\n");
}

/* A command whose standard output could not be written (a full disk, a closed pipe, /dev/full)
 * has not done what it says: the status is a failure, with the reason. */
static int stdout_status(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) return status;
    fprintf(stderr, "aidflow: cannot write to standard output: %s\n",
            errno ? strerror(errno) : "write error");
    return status == AF_EXIT_OK ? AF_EXIT_FAIL : status;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; the library checks every status itself. */
    gsl_set_error_handler_off();
#ifdef __GLIBC__
    /* Replication after replication allocates and frees the same large arrays. glibc would
     * give that memory back to the system at each free (blocks from 128 KiB up are mapped
     * apart, and the heap is trimmed beyond 128 KiB free) and fault it in again at the next
     * replication: about 39,000 page faults in a 280-job sweep of spring_2024, 5,900 with
     * these settings, and 5 to 8% less time, more with two threads, whose faults contend
     * for the process's memory map. Blocks under 32 MiB come from the heap, which keeps up
     * to 256 MiB free; the peak is the same. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif

    if (argc < 2) {
        usage(stderr);
        return AF_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return AF_EXIT_OK;
    }
    if (!strcmp(name, "version") || !strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("aidflow %s\n", af_version());
        return stdout_status(AF_EXIT_OK);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return stdout_status(commands[i].run(argc - 1, argv + 1));
    fprintf(stderr, "aidflow: unknown command '%s'\n", name);
    usage(stderr);
    return AF_EXIT_USAGE;
}
