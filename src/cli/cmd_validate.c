/* aidflow validate — check scenario files and summarise each valid one. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

static void validate_usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow validate [--set PATH=VALUE]... FILE...\n\n"
            "Checks each scenario file (with its extends chain and the overrides) and prints\n"
            "one line per valid file. Mistakes go to standard error as file:line:col: error:\n"
            "messages. Exit status 0 when every file is valid, 2 otherwise.\n");
}

static void summary(const char *path, const af_scenario *s)
{
    printf("%s: ok: '%s', %zu nodes (%zu origins, %zu inspections, %zu crossings, %zu hubs), "
           "%zu legs, %zu routes, horizon %d d from %04d-%02d-%02d, hash %016" PRIx64 "\n",
           path, s->name, s->n_nodes, s->n_origins, s->n_inspections, s->n_crossings,
           s->n_hubs, s->n_legs, s->n_routes, s->horizon_days, s->start_year, s->start_month,
           s->start_day, af_scenario_hash(s));
}

int af_cmd_validate(int argc, char **argv)
{
    const char **sets = calloc((size_t)argc, sizeof *sets);
    const char **files = calloc((size_t)argc, sizeof *files);
    size_t n_sets = 0, n_files = 0;
    if (!sets || !files) {
        free(sets);
        free(files);
        fprintf(stderr, "aidflow validate: out of memory\n");
        return AF_EXIT_FAIL;
    }
    int status = AF_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            validate_usage(stdout);
            goto done;
        } else if (!strcmp(a, "--set") && i + 1 < argc) {
            sets[n_sets++] = argv[++i];
        } else if (!strncmp(a, "--set=", 6)) {
            sets[n_sets++] = a + 6;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "aidflow validate: unknown option '%s'\n", a);
            validate_usage(stderr);
            status = AF_EXIT_USAGE;
            goto done;
        } else {
            files[n_files++] = a;
        }
    }
    if (n_files == 0) {
        validate_usage(stderr);
        status = AF_EXIT_USAGE;
        goto done;
    }
    for (size_t i = 0; i < n_files; i++) {
        char file_buf[4096];
        if (!(files[i] = af_cli_find_scenario("validate", files[i], file_buf, sizeof file_buf))) {
            status = AF_EXIT_USAGE;
            continue;
        }
        af_diagnostics *d = af_diagnostics_create(0);
        af_scenario *s = NULL;
        af_status st = d ? af_scenario_load(files[i], sets, n_sets, &s, d) : AF_NOMEM;
        af_diagnostics_print(d, stderr);
        if (st == AF_OK) {
            summary(files[i], s);
        } else if (st == AF_NOMEM) {
            fprintf(stderr, "aidflow validate: %s: out of memory\n", files[i]);
            if (status == AF_EXIT_OK) status = AF_EXIT_FAIL;
        } else {
            size_t n = af_diagnostics_error_count(d);
            fprintf(stderr, "%s: invalid: %zu error%s\n", files[i], n, n == 1 ? "" : "s");
            status = AF_EXIT_USAGE;
        }
        af_scenario_free(s);
        af_diagnostics_destroy(d);
    }
done:
    free(sets);
    free(files);
    return status;
}
