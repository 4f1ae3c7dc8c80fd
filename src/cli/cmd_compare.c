/* `aidflow compare A.yaml B.yaml [--replications N] [--jobs N] [--out DIR]`
 *
 * Runs A and B on common random numbers (the same seed and replication numbers, so the same
 * arrivals, service times and holds wherever the two agree) and reports, for each headline
 * metric, the paired difference B - A with its confidence interval and whether it is
 * significant (the interval excludes 0). Writes OUT/compare.csv, OUT/replications.csv and
 * OUT/provenance.json; resumable like a sweep. */
#include <getopt.h>
#include <math.h>
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
            "usage: aidflow compare A.yaml B.yaml [--set PATH=VALUE]... [--replications N]\n"
            "                      [--seed N] [--jobs N] [--out DIR] [--shard I/K] [--fresh]\n"
            "                      [--all] [--xlsx FILE] [--quiet]\n"
            "  Runs A and B on common random numbers and prints the paired difference B - A of\n"
            "  each headline metric, its confidence interval and whether it is significant.\n"
            "  Writes DIR/compare.csv (every metric both report), DIR/replications.csv and\n"
            "  DIR/provenance.json. Default DIR: out/A-compare.\n"
            "  --set PATH=VALUE   an override applied to both\n"
            "  --replications N   (default: A's); --seed N (default: A's)\n"
            "  --jobs N           replications run at once (default: all cores); same output\n"
            "  --all              print the per-station metrics too\n"
            "  --xlsx FILE        also write the tables as an Excel workbook FILE\n"
            "  --fresh, --shard, --quiet as for aidflow sweep; rerunning resumes.\n");
}

static void num(char *buf, size_t size, double v, bool sign)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, sign ? "%+.4g" : "%.4g", v);
}

static void print_table(const af_compare_result *r, bool all)
{
    printf("\n%-36s %11s %11s %11s  %-26s %s\n", "metric", "mean A", "mean B", "B - A",
           "confidence interval", "significant");
    for (size_t i = 0; i < r->n_rows; i++) {
        const af_compare_row *x = &r->rows[i];
        if (!x->headline && !all) continue;
        char a[32], b[32], d[32], lo[32], hi[32], ci[80];
        num(a, sizeof a, x->mean_a, false);
        num(b, sizeof b, x->mean_b, false);
        num(d, sizeof d, x->diff, true);
        num(lo, sizeof lo, x->ci_low, true);
        num(hi, sizeof hi, x->ci_high, true);
        if (isnan(x->ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        printf("%-36s %11s %11s %11s  %-26s %s\n", x->metric, a, b, d, ci,
               x->significant > 0 ? "yes" : x->significant == 0 ? "no" : "-");
    }
}

int af_cmd_compare(int argc, char **argv)
{
    af_exp_model model;
    int mpi_size, status;
    if (exp_cli_begin("compare", &argc, &argv, &model, &mpi_size, &status)) return status;
    af_error err;
    af_error_clear(&err);
    const char *command = exp_cli_command(argc, argv, "compare");
    af_cli_overrides sets = {0};
    af_compare_config cfg;
    memset(&cfg, 0, sizeof cfg);
    af_exp_options opts;
    af_exp_options_init(&opts);
    const char *out = NULL, *xlsx = NULL;
    bool quiet = false, all = false, jobs_given = false;
    static const struct option longopts[] = {
        EXP_CLI_COMMON_OPTIONS,
        {"all", no_argument, NULL, 'a'},
        {NULL, 0, NULL, 0}};
    int c;
    const exp_cli_common co = {&sets, &cfg.replications, &cfg.seed, &cfg.has_seed, &opts,
                               &jobs_given, &out, &quiet, &xlsx};
    optind = 1;
    while ((c = getopt_long(argc, argv, EXP_CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'a': all = true; break;
        case 'h':
            usage(stdout);
            status = AF_EXIT_OK;
            goto done;
        default: {
            int r = exp_cli_common_option("compare", c, optarg, &co);
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
    if (optind + 2 != argc) {
        fprintf(stderr, "aidflow compare: expected two scenarios, A and B\n");
        usage(stderr);
        goto done;
    }
    char scn_buf[2][4096];
    if (!(cfg.a = af_cli_find_scenario("compare", argv[optind], scn_buf[0], sizeof scn_buf[0])) ||
        !(cfg.b = af_cli_find_scenario("compare", argv[optind + 1], scn_buf[1], sizeof scn_buf[1])))
        goto done;
    for (int i = 0; i < 2; i++) {
        af_scenario *s = NULL;
        status = af_cli_load_scenario(i ? cfg.b : cfg.a, &sets, &s);
        af_scenario_free(s);
        if (status != AF_EXIT_OK) goto done;
    }
    char out_buf[4200];
    if (!out) {
        exp_cli_default_out(cfg.a, "compare", out_buf, sizeof out_buf);
        out = out_buf;
    }
    cfg.sets = sets.items;
    cfg.n_sets = sets.n;
    cfg.out_dir = out;
    if (mpi_size > 1 && !jobs_given) opts.jobs = 1;
    exp_cli_progress_state prog;
    exp_cli_progress_init(&prog, "compare", quiet);
    opts.progress = exp_cli_progress;
    opts.progress_ctx = &prog;
    opts.interrupt = &exp_cli_interrupted;
    opts.command = command;

    af_compare_result *res = NULL;
    af_status st = af_compare_run(&cfg, &model, &opts, &res, &err);
    exp_cli_progress_break(&prog);
    if (st != AF_OK) {
        status = exp_cli_fail("compare", st, &err, out);
        af_compare_free(res);
        goto done;
    }
    status = res->summary.exported ? af_cli_write_xlsx("compare", out, xlsx) : AF_EXIT_OK;
    if (!quiet && status == AF_EXIT_OK) {
        printf("compare: A = %s, B = %s\n%u replications each on common random numbers (seed "
               "%llu); %zu run now, %zu found in the store\n",
               cfg.a, cfg.b, res->summary.replications,
               (unsigned long long)res->summary.seed, res->summary.ran, res->summary.resumed);
        if (res->summary.exported) {
            printf("paired difference B - A: mean and %g%% confidence interval; significant when "
                   "the interval excludes 0\n",
                   res->confidence * 100);
            print_table(res, all);
            printf("\nwrote %s/compare.csv, %s/replications.csv, %s/provenance.json\n", out, out,
                   out);
        } else {
            printf("shard %u/%u done; join the shards with: aidflow merge OUT SHARD_DIR...\n",
                   opts.shard, opts.shards);
        }
    }
    af_compare_free(res);
done:
    af_cli_overrides_free(&sets);
    af_exp_mpi_finalize();
    af_exp_model_destroy(&model);
    return status;
}
