/* `aidflow sensitivity SCENARIO [--outputs METRIC,...] [--trajectories R] [--levels P]
 *  [--only PATH,...] [--replications N] ...`
 *
 * Screens the scenario's marked assumptions with Morris elementary effects on the experiment
 * runner (stored job by job, resumed, sharded, merged, MPI) and prints, per output, the
 * assumptions that matter most. Writes OUT/sensitivity.csv and OUT/summary.json besides the
 * sweep's files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/experiment.h"
#include "aidflow/scenario.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/exp_cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow sensitivity SCENARIO.yaml [--outputs METRIC,...] [--trajectories R]\n"
            "                    [--levels P] [--only PATH,...] [--set PATH=VALUE]...\n"
            "                    [--replications N] [--seed N] [--jobs N] [--out DIR]\n"
            "                    [--shard I/K] [--fresh] [--xlsx FILE] [--quiet]\n"
            "  Screens every assumption the scenario marks ({value: V, assumption: [LO, HI]};\n"
            "  aidflow assumptions lists them) by Morris elementary effects: R trajectories\n"
            "  (default 10) on a P-level grid (default 4) over each range, every point on the\n"
            "  same replications and seeds. Ranks them per output by mu*, the mean absolute\n"
            "  change of the output over each assumption's whole range, with a bootstrap\n"
            "  interval, and writes DIR/sensitivity.csv and DIR/summary.json (and the sweep's\n"
            "  files). Default DIR: out/NAME-sensitivity. R (k + 1) points for k assumptions.\n"
            "  --outputs METRIC,...  the metrics to rank by (default: need_met.CATEGORY.REGION\n"
            "                        and trucks_per_day.BASIS); changing them re-ranks the runs\n"
            "                        already stored\n"
            "  --only PATH,...       screen these assumptions only\n"
            "  --replications N      per point (default: the scenario's)\n"
            "  The other options are those of aidflow sweep: the same command resumes after an\n"
            "  interruption; --shard I/K and aidflow merge split it; mpirun -n K spreads it.\n");
}

/* Adds the comma-separated items of text (an argv string, split in place) to list. */
static int add_list(af_cli_overrides *list, char *text)
{
    for (char *p = text; p && *p;) {
        char *e = strchr(p, ',');
        if (e) *e = '\0';
        if (*p && af_cli_overrides_add(list, p)) return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* The first output's ranking from sensitivity.csv (its first rows). */
static void print_top(const char *dir, size_t max_rows)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[4096], first_out[1024] = "";
    size_t shown = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return;
    }
    while (fgets(line, sizeof line, f)) {
        char *fields[12];
        size_t n = 0;
        for (char *q = line; n < 12;) {
            fields[n++] = q;
            char *c = strchr(q, ',');
            if (!c) break;
            *c = '\0';
            q = c + 1;
        }
        if (n < 8) continue;
        if (!first_out[0]) {
            snprintf(first_out, sizeof first_out, "%s", fields[1]);
            printf("\n%s: the assumptions that change it most (mu*, change over each range):\n",
                   first_out);
            printf("%4s  %-60s  %12s  %s\n", "rank", "assumption", "mu*", "interval");
        }
        if (strcmp(fields[1], first_out) || shown >= max_rows) continue;
        printf("%4s  %-60s  %12.5g  [%.5g, %.5g]\n", fields[7], fields[0], strtod(fields[2], NULL),
               strtod(fields[3], NULL), strtod(fields[4], NULL));
        shown++;
    }
    fclose(f);
}

int af_cmd_sensitivity(int argc, char **argv)
{
    af_exp_model model;
    int mpi_size, status;
    if (exp_cli_begin("sensitivity", &argc, &argv, &model, &mpi_size, &status)) return status;
    af_error err;
    af_error_clear(&err);
    const char *command = exp_cli_command(argc, argv, "sensitivity");
    af_cli_overrides sets = {0}, only = {0}, outputs = {0};
    af_sensitivity_config cfg;
    memset(&cfg, 0, sizeof cfg);
    af_exp_options opts;
    af_exp_options_init(&opts);
    const char *out = NULL, *xlsx = NULL;
    bool quiet = false, jobs_given = false;
    static const struct option longopts[] = {
        EXP_CLI_COMMON_OPTIONS,
        {"outputs", required_argument, NULL, 'O'},
        {"trajectories", required_argument, NULL, 'T'},
        {"levels", required_argument, NULL, 'L'},
        {"only", required_argument, NULL, 'N'},
        {NULL, 0, NULL, 0}};
    int c;
    const exp_cli_common co = {&sets, &cfg.replications, &cfg.seed, &cfg.has_seed, &opts,
                               &jobs_given, &out, &quiet, &xlsx};
    status = AF_EXIT_USAGE;
    optind = 1;
    while ((c = getopt_long(argc, argv, EXP_CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
        int bad = 0;
        uint64_t v;
        switch (c) {
        case 'O': bad = add_list(&outputs, optarg); break;
        case 'N': bad = add_list(&only, optarg); break;
        case 'T':
            bad = exp_cli_parse_u64("sensitivity", "--trajectories", optarg, 1, 100000, &v) != 0;
            cfg.trajectories = (unsigned)v;
            break;
        case 'L':
            bad = exp_cli_parse_u64("sensitivity", "--levels", optarg, 2, 1000, &v) != 0;
            if (!bad && v % 2) {
                fprintf(stderr, "aidflow sensitivity: --levels: expected an even number, found "
                        "%s\n", optarg);
                bad = 1;
            }
            cfg.levels = (unsigned)v;
            break;
        case 'h':
            usage(stdout);
            status = AF_EXIT_OK;
            goto done;
        default: {
            int r = exp_cli_common_option("sensitivity", c, optarg, &co);
            if (r == 0) {
                usage(stderr);
                goto done;
            }
            bad = r < 0;
            break;
        }
        }
        if (bad) goto done;
    }
    if (!exp_cli_one_scenario("sensitivity", argc, argv, optind)) {
        usage(stderr);
        goto done;
    }
    char scn_buf[4096];
    if (!(cfg.scenario = af_cli_find_scenario("sensitivity", argv[optind], scn_buf, sizeof scn_buf)))
        goto done;
    af_scenario *base = NULL;
    if ((status = af_cli_load_scenario(cfg.scenario, &sets, &base)) != AF_EXIT_OK) goto done;
    af_scenario_free(base);
    status = AF_EXIT_USAGE;
    char out_buf[4200];
    if (!out) {
        exp_cli_default_out(cfg.scenario, "sensitivity", out_buf, sizeof out_buf);
        out = out_buf;
    }
    cfg.sets = sets.items;
    cfg.n_sets = sets.n;
    cfg.only = only.items;
    cfg.n_only = only.n;
    cfg.outputs = outputs.items;
    cfg.n_outputs = outputs.n;
    cfg.out_dir = out;
    if (mpi_size > 1 && !jobs_given) opts.jobs = 1;
    exp_cli_progress_state prog;
    exp_cli_progress_init(&prog, "sensitivity", quiet);
    opts.progress = exp_cli_progress;
    opts.progress_ctx = &prog;
    opts.interrupt = &exp_cli_interrupted;
    opts.command = command;
    af_exp_summary sum;
    af_status st = af_sensitivity_run(&cfg, &model, &opts, &sum, &err);
    exp_cli_progress_break(&prog);
    if (st != AF_OK) {
        status = exp_cli_fail("sensitivity", st, &err, out);
        goto done;
    }
    status = sum.exported ? af_cli_write_xlsx("sensitivity", out, xlsx) : AF_EXIT_OK;
    if (quiet || status != AF_EXIT_OK) goto done;
    printf("sensitivity: %zu design points x %u replications = %zu jobs (%zu run now, %zu found "
           "in the store), seed %llu\n",
           sum.points, sum.replications, sum.jobs, sum.ran, sum.resumed,
           (unsigned long long)sum.seed);
    if (sum.exported) {
        print_top(out, 10);
        printf("\nwrote %s/sensitivity.csv, %s/summary.json, %s/sweep.csv\n", out, out, out);
    } else {
        printf("shard %u/%u done: its jobs are in %s/results.sqlite; when every shard is done,\n"
               "join them with: aidflow merge OUT SHARD_DIR...\n",
               opts.shard, opts.shards, out);
    }
done:
    af_cli_overrides_free(&sets);
    af_cli_overrides_free(&only);
    af_cli_overrides_free(&outputs);
    af_exp_mpi_finalize();
    af_exp_model_destroy(&model);
    return status;
}
