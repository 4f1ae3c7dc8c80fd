/* aidflow show — print the fully resolved scenario (after extends and --set) as YAML. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

static void show_usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow show FILE [--set PATH=VALUE]... [--hash]\n\n"
            "Prints the scenario with its extends chain and overrides resolved: every value\n"
            "explicit, times in minutes, rates per day, masses in tonnes. The output loads\n"
            "back to the same scenario. --hash prints only its 64-bit fingerprint.\n"
            "Example: aidflow show base.yaml --set crossings.kerem_shalom.lanes=6\n");
}

int af_cmd_show(int argc, char **argv)
{
    const char **sets = calloc((size_t)argc, sizeof *sets);
    if (!sets) {
        fprintf(stderr, "aidflow show: out of memory\n");
        return AF_EXIT_FAIL;
    }
    size_t n_sets = 0;
    const char *file = NULL;
    bool hash_only = false;
    int status = AF_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            show_usage(stdout);
            free(sets);
            return AF_EXIT_OK;
        } else if (!strcmp(a, "--set") && i + 1 < argc) {
            sets[n_sets++] = argv[++i];
        } else if (!strncmp(a, "--set=", 6)) {
            sets[n_sets++] = a + 6;
        } else if (!strcmp(a, "--hash")) {
            hash_only = true;
        } else if ((a[0] == '-' && a[1]) || file) {
            fprintf(stderr, "aidflow show: unexpected argument '%s'\n", a);
            show_usage(stderr);
            free(sets);
            return AF_EXIT_USAGE;
        } else {
            file = a;
        }
    }
    if (!file) {
        show_usage(stderr);
        free(sets);
        return AF_EXIT_USAGE;
    }
    char file_buf[4096];
    if (!(file = af_cli_find_scenario("show", file, file_buf, sizeof file_buf))) {
        free(sets);
        return AF_EXIT_USAGE;
    }
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    af_status st = d ? af_scenario_load(file, sets, n_sets, &s, d) : AF_NOMEM;
    af_diagnostics_print(d, stderr);
    if (st == AF_OK) {
        if (hash_only)
            printf("%016" PRIx64 "\n", af_scenario_hash(s));
        else if (af_scenario_write(s, stdout) != AF_OK || fflush(stdout) != 0)
            status = AF_EXIT_FAIL;
    } else if (st == AF_NOMEM) {
        fprintf(stderr, "aidflow show: out of memory\n");
        status = AF_EXIT_FAIL;
    } else {
        status = AF_EXIT_USAGE;
    }
    af_scenario_free(s);
    af_diagnostics_destroy(d);
    free(sets);
    return status;
}
