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
            "  Writes DIR/compare.csv (every metric either reports; a metric only one has\n"
            "  leaves the other side empty), DIR/replications.csv and DIR/provenance.json.\n"
            "  Default DIR: out/A-vs-B. Warns when A and B differ in start date, horizon,\n"
            "  warm-up, seed or replications (B runs on A's seed and replications).\n"
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
    else if (fabs(v) >= 1e4) /* counts and tonnes: whole, never in e-notation */
        snprintf(buf, size, sign ? "%+.0f" : "%.0f", v);
    else
        snprintf(buf, size, sign ? "%+.4g" : "%.4g", v);
}

static void print_table(const af_compare_result *r, bool all)
{
    printf("\n%-44s %11s %11s %11s  %-26s %s\n", "metric", "mean A", "mean B", "B - A",
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
        printf("%-44s %11s %11s %11s  %-26s %s\n", x->metric, a, b, d, ci,
               x->only == 'A'   ? "only in A"
               : x->only == 'B' ? "only in B"
               : x->significant > 0 ? "yes"
               : x->significant == 0 ? "no"
                                     : "-");
    }
}

/* Says on stderr where A and B do not describe the same period or the same sampling: the
 * comparison is still made (paired on A's seed), but a difference may be the period's. */
static void warn_differences(const af_scenario *a, const af_scenario *b, bool seed_given,
                             bool reps_given)
{
    if (a->start_year != b->start_year || a->start_month != b->start_month ||
        a->start_day != b->start_day)
        fprintf(stderr,
                "aidflow compare: warning: A starts on %04d-%02d-%02d, B on %04d-%02d-%02d: "
                "the difference includes the change of period\n",
                a->start_year, a->start_month, a->start_day, b->start_year, b->start_month,
                b->start_day);
    if (a->horizon_days != b->horizon_days)
        fprintf(stderr,
                "aidflow compare: warning: A's horizon is %d days, B's %d: totals are over "
                "different lengths\n",
                a->horizon_days, b->horizon_days);
    if (a->warmup_days != b->warmup_days)
        fprintf(stderr, "aidflow compare: warning: A warms up %d days, B %d days\n",
                a->warmup_days, b->warmup_days);
    if (!seed_given && a->seed != b->seed)
        fprintf(stderr,
                "aidflow compare: warning: A's seed is %llu, B's %llu: both run on A's (common "
                "random numbers); --seed N to choose\n",
                (unsigned long long)a->seed, (unsigned long long)b->seed);
    if (!reps_given && a->replications != b->replications)
        fprintf(stderr,
                "aidflow compare: warning: A asks for %u replications, B for %u: both run "
                "%u; --replications N to choose\n",
                a->replications, b->replications, a->replications);
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
    af_scenario *scn[2] = {NULL, NULL};
    int loaded = AF_EXIT_OK;
    for (int i = 0; i < 2 && loaded == AF_EXIT_OK; i++)
        loaded = af_cli_load_scenario(i ? cfg.b : cfg.a, &sets, &scn[i]);
    if (loaded == AF_EXIT_OK)
        warn_differences(scn[0], scn[1], cfg.has_seed, cfg.replications != 0);
    af_scenario_free(scn[0]);
    af_scenario_free(scn[1]);
    if (loaded != AF_EXIT_OK) {
        status = loaded;
        goto done;
    }
    char out_buf[8300];
    if (!out) {
        char a_dir[4096], b_dir[4096];
        af_cli_default_out_dir(cfg.a, a_dir, sizeof a_dir);
        af_cli_default_out_dir(cfg.b, b_dir, sizeof b_dir);
        const char *b_name = strrchr(b_dir, '/');
        snprintf(out_buf, sizeof out_buf, "%s-vs-%s", a_dir, b_name ? b_name + 1 : b_dir);
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
            printf("\nwrote %s/compare.csv, %s/replications.csv, %s/metrics.csv, "
                   "%s/provenance.json\n",
                   out, out, out, out);
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
