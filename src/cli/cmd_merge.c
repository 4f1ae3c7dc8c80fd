/* `aidflow merge OUT SHARD_DIR...`: joins the stores of the shards of one experiment (run
 * with --shard I/K, e.g. as a job array) into OUT/results.sqlite and, when together they
 * hold every job, writes OUT's files exactly as the unsharded run would have. */
#include <stdio.h>
#include <string.h>

#include "aidflow/experiment.h"
#include "cli/commands.h"
#include "cli/exp_cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow merge OUT SHARD_DIR...\n"
            "  Merges the result stores (SHARD_DIR/results.sqlite) of the shards of one run,\n"
            "  sweep, comparison or target into OUT/results.sqlite and, once every job is there,\n"
            "  writes OUT's CSV and JSON files, byte for byte those of the same experiment run in\n"
            "  one go.\n"
            "  Merging again with more shards adds them; stores of different experiments are\n"
            "  refused.\n");
}

int af_cmd_merge(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return AF_EXIT_OK;
    }
    if (argc < 3 || argv[1][0] == '-') {
        usage(stderr);
        return AF_EXIT_USAGE;
    }
    const char *out = argv[1];
    af_exp_summary sum;
    af_error err;
    af_error_clear(&err);
    af_status st = af_exp_merge(out, (const char *const *)argv + 2, (size_t)(argc - 2), &sum,
                                &err);
    if (st == AF_NOTFOUND) {
        fprintf(stderr, "aidflow merge: %s\n", err.message);
        return AF_EXIT_FAIL;
    }
    if (st != AF_OK) return exp_cli_fail("merge", st, &err, out);
    printf("merge: %d stores, %zu jobs (%zu design points x %u replications) in "
           "%s/results.sqlite\n",
           argc - 2, sum.jobs, sum.points, sum.replications, out);
    if (sum.exported) printf("wrote the output files to %s\n", out);
    return AF_EXIT_OK;
}
