/* What the experiment subcommands (run, sweep, compare, target, merge) share: signals,
 * progress on standard error, the command line for provenance, option parsing, exit
 * statuses, MPI start-up. */
#ifndef AF_CLI_EXP_CLI_H
#define AF_CLI_EXP_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/experiment.h"
#include "cli/cli_util.h"

/* Set by SIGINT/SIGTERM once exp_cli_catch_signals has run. */
extern volatile int exp_cli_interrupted;
void exp_cli_catch_signals(void);

/* Progress on stderr: a bar when stderr is a terminal, a plain line every 10% or 10 s
 * otherwise, nothing when quiet. Pass exp_cli_progress and the struct to af_exp_options. */
typedef struct exp_cli_progress_state {
    const char *cmd;
    bool quiet;
    bool tty;
    double last;        /* when the last report was printed (monotonic seconds) */
    size_t last_decile; /* the last 10% step reported in plain mode */
    bool open_line;     /* a bar is drawn without its newline */
} exp_cli_progress_state;

void exp_cli_progress_init(exp_cli_progress_state *s, const char *cmd, bool quiet);
void exp_cli_progress(void *ctx, const af_exp_progress *p);
/* Ends a bar's line before other output. */
void exp_cli_progress_break(exp_cli_progress_state *s);

/* The command line without the options that do not change the results (--jobs, --out,
 * --quiet, --fresh, --shard, --stop-after, --max-memory, --report), so that provenance is the
 * same for a resumed, a sharded or a differently threaded run. Static storage. */
const char *exp_cli_command(int argc, char **argv, const char *cmd);

/* The options that run, sweep, compare and target share (--set 's', --replications 'r',
 * --seed 'S', --jobs 'j', --out 'o', --shard 'k', --fresh/--force 'F', --quiet 'q',
 * --stop-after 'x', --xlsx 'X': these getopt codes in each command's option table), parsed in one place
 * into the command's own variables. --stop-after K (for tests) stops after K new jobs are
 * stored, exactly as an interruption there would. */
/* Their entries of a struct option table, and the short options, for every command's getopt. */
#define EXP_CLI_COMMON_OPTIONS                                                                  \
    {"set", required_argument, NULL, 's'}, {"replications", required_argument, NULL, 'r'},     \
        {"seed", required_argument, NULL, 'S'}, {"jobs", required_argument, NULL, 'j'},        \
        {"out", required_argument, NULL, 'o'}, {"shard", required_argument, NULL, 'k'},        \
        {"fresh", no_argument, NULL, 'F'}, {"force", no_argument, NULL, 'F'},                  \
        {"quiet", no_argument, NULL, 'q'}, {"stop-after", required_argument, NULL, 'x'},       \
        {"xlsx", required_argument, NULL, 'X'}, {"help", no_argument, NULL, 'h'}
#define EXP_CLI_SHORT_OPTIONS "hqj:o:"

typedef struct exp_cli_common {
    af_cli_overrides *sets;
    unsigned *replications;
    uint64_t *seed;
    bool *has_seed;
    af_exp_options *opts;
    bool *jobs_given;
    const char **out;
    bool *quiet;
    const char **xlsx; /* --xlsx FILE: the output folder as an Excel workbook too */
} exp_cli_common;

/* Handles getopt code c if it is a shared option: 1 when handled, 0 when c is not one of them,
 * -1 when its value is malformed (printed). */
int exp_cli_common_option(const char *cmd, int c, const char *arg, const exp_cli_common *co);

/* A number for the terminal: 4 significant digits, but whole (never e-notation) from 10,000
 * on, so that counts of trucks and tonnes read as counts ("14540", not "1.454e+04"). */
const char *exp_cli_num(char *buf, size_t size, double v);

/* The documented unit of a bare number at scenario PATH ("min" for
 * inspections.NAME.service.lognormal.mean), "" when the key takes a plain number (lanes) or
 * the path is not known. From the scenario's schema tables. */
const char *exp_cli_path_unit(const char *path);

/* Parses "I/K" with 0 <= I < K. -1 (printed) when malformed. */
int exp_cli_parse_shard(const char *cmd, const char *text, unsigned *shard, unsigned *shards);
/* A whole number in [lo, hi] (printed when not). */
int exp_cli_parse_u64(const char *cmd, const char *opt, const char *text, uint64_t lo,
                      uint64_t hi, uint64_t *out);

/* True when exactly one argument, the scenario, follows the options (argv[optind]); else
 * says on stderr, for `cmd`, that none or more than one was given, and false (the caller
 * prints its usage). */
bool exp_cli_one_scenario(const char *cmd, int argc, char **argv, int optind);

/* The exit status for a library status: 0, 2 for mistakes in the input, 130 interrupted, 1. */
int exp_cli_exit(af_status st);
/* Prints "aidflow CMD: error" (multi-line diagnostics as they are) and the resume hint for
 * an interruption; returns the exit status. */
int exp_cli_fail(const char *cmd, af_status st, const af_error *err, const char *out_dir);

/* What every experiment command does first: catch signals, make the scenario model and start
 * MPI. Returns true when the command must return *status at once (the model could not be made,
 * or this is an MPI rank other than 0, which has served its jobs); otherwise the caller owns
 * *model. */
bool exp_cli_begin(const char *cmd, int *argc, char ***argv, af_exp_model *model, int *mpi_size,
                   int *status);

/* MPI: starts it when launched by mpirun. On ranks other than 0 it serves jobs and returns
 * true with *status set: the command should return that status at once. */
bool exp_cli_mpi_start(int *argc, char ***argv, const af_exp_model *model, int *size,
                       int *status);

/* "out/NAME-SUFFIX" for a scenario path .../NAME.yaml. */
void exp_cli_default_out(const char *scenario, const char *suffix, char *buf, size_t size);

#endif
