/* Helpers shared by the subcommands: number parsing, --set collection, scenario loading with
 * diagnostics, sizes and durations for messages, default output directories. */
#ifndef AF_CLI_UTIL_H
#define AF_CLI_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "aidflow/scenario.h"

typedef struct af_cli_overrides {
    const char **items;
    size_t n, cap;
} af_cli_overrides;

/* Appends one "path=value" (not copied: argv strings live long enough). 0 or -1 (printed). */
int af_cli_overrides_add(af_cli_overrides *o, const char *item);
void af_cli_overrides_free(af_cli_overrides *o);

/* Parses a whole decimal integer in [lo, hi]; prints "aidflow CMD: OPT expects ..." and
 * returns -1 otherwise. */
int af_cli_parse_int(const char *cmd, const char *opt, const char *text, long long lo,
                     long long hi, long long *out);

/* Loads a scenario with overrides, printing diagnostics to stderr. Returns AF_EXIT_OK, or
 * AF_EXIT_USAGE for mistakes in the input, AF_EXIT_FAIL for other failures. */
int af_cli_load_scenario(const char *path, const af_cli_overrides *o, af_scenario **out);

/* The scenario file for a name given on the command line (see aidflow/scenario_path.h:
 * "default" finds default.yaml in ., $AIDFLOW_SCENARIO_PATH or the installed scenarios), in
 * buf[size]. NULL after printing "aidflow CMD: ..." with the places looked when none is found. */
const char *af_cli_find_scenario(const char *cmd, const char *name, char *buf, size_t size);

/* --xlsx: writes the workbook of output folder `dir` to `path` (aidflow/xlsx.h). AF_EXIT_OK,
 * or prints "aidflow CMD: ..." and returns AF_EXIT_FAIL. A NULL path does nothing. */
int af_cli_write_xlsx(const char *cmd, const char *dir, const char *path);

/* Parses a size such as 512M, 8G or 1000000 (bytes); prints and returns -1 when malformed. */
int af_cli_parse_size(const char *cmd, const char *opt, const char *text, double *out);
/* "1.5 GiB", "20 s", "3.2 h": into a static buffer, for messages. */
const char *af_cli_format_bytes(double bytes);
const char *af_cli_format_seconds(double seconds);
/* Bytes of the daily tables one replication keeps. */
double af_cli_daily_table_bytes(const af_scenario *scn);

/* out/NAME for a scenario path .../NAME.yaml. */
void af_cli_default_out_dir(const char *path, char *buf, size_t size);

#endif
