/* `aidflow sweep SCENARIO --vary PATH=VALUES ... [--design lhs:N] [--replications N] ...`
 *
 * Runs every replication of every design point (a full grid of the --vary values, or a Latin
 * hypercube over their ranges) on all cores, storing each as it finishes in
 * OUT/results.sqlite; the same command run again resumes. Writes OUT/sweep.csv,
 * OUT/replications.csv and OUT/provenance.json, and prints one metric's table. */
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
            "usage: aidflow sweep SCENARIO.yaml --vary PATH=VALUES [--vary PATH=VALUES]...\n"
            "                    [--design grid|lhs:N] [--set PATH=VALUE]... [--replications N]\n"
            "                    [--seed N] [--jobs N] [--out DIR] [--shard I/K] [--fresh]\n"
            "                    [--show METRIC] [--xlsx FILE] [--quiet]\n"
            "  Runs the scenario at every design point and writes DIR/sweep.csv (mean, sd and\n"
            "  confidence interval per point and metric), DIR/replications.csv (every\n"
            "  replication) and DIR/provenance.json. Default DIR: out/NAME-sweep.\n"
            "  --vary PATH=VALUES  a list (2,4,6), a range (2:12:2) or one value; several\n"
            "                      --vary make a full grid, e.g. --vary inspections.nitzana.lanes=4:10:2\n"
            "  --design lhs:N      a Latin hypercube of N points over the ranges instead (LO:HI,\n"
            "                      or LO:HI:STEP to stay on a step's grid)\n"
            "  --set PATH=VALUE    a fixed override for every point\n"
            "  --replications N    per point (default: the scenario's); replication r of every\n"
            "                      point uses the same random numbers (common random numbers)\n"
            "  --seed N            the seed (default: the scenario's)\n"
            "  --jobs N            replications run at once (default: all cores); same output\n"
            "  --shard I/K         run only jobs I, I+K, I+2K...; join shards with aidflow merge\n"
            "  --fresh             discard the results stored in DIR by another experiment\n"
            "  --show METRIC       the metric tabulated on standard output (default coverage.all)\n"
            "  --xlsx FILE         also write the tables as an Excel workbook FILE\n"
            "  --quiet             no progress and no table\n"
            "  Every finished replication is stored at once in DIR/results.sqlite: after Ctrl-C,\n"
            "  kill -9 or a power cut, the same command resumes where it stopped.\n"
            "  Under MPI, 'mpirun -n K aidflow sweep ...' spreads the jobs over K ranks.\n");
}

/* Splits one CSV line into fields (quotes removed) in place; the write position never passes
 * the read position. */
static size_t split_csv(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *r = line, *w = line;
    while (n < max) {
        fields[n++] = w;
        if (*r == '"') {
            r++;
            while (*r) {
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
        }
        while (*r && *r != ',') *w++ = *r++;
        if (*r != ',') {
            *w = '\0';
            break;
        }
        *w++ = '\0';
        r++;
    }
    return n;
}

static int width(const char *header)
{
    size_t n = strlen(header);
    return n < 10 ? 10 : n > 60 ? 60 : (int)n;
}

/* The table of one metric from sweep.csv. */
static void print_table(const char *dir, const char *metric, double confidence)
{
    char path[4200];
    int len = snprintf(path, sizeof path, "%s/sweep.csv", dir);
    if (len < 0 || (size_t)len >= sizeof path) return;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[8192], head[8192] = "";
    char *hf[64], *rf[64];
    size_t nh = 0, shown = 0;
    if (fgets(head, sizeof head, f)) {
        head[strcspn(head, "\r\n")] = '\0';
        nh = split_csv(head, hf, 64);
    }
    /* run_id, point, factors..., metric, mean, sd, ci_low, ci_high, n (found by the header:
     * a sweep.csv without run_id has one column fewer) */
    size_t o = nh > 0 && !strcmp(hf[0], "run_id") ? 1 : 0;
    if (nh < 8 + o) {
        fclose(f);
        return;
    }
    size_t nf = nh - 7 - o;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (split_csv(line, rf, 64) != nh || strcmp(rf[o + nf + 1], metric) != 0) continue;
        if (shown++ == 0) {
            printf("\n%s, mean and %g%% confidence interval:\n", metric, confidence * 100);
            for (size_t k = o + 1; k <= o + nf; k++) printf("%-*s  ", width(hf[k]), hf[k]);
            printf("%12s  %s\n", "mean", "interval");
        }
        for (size_t k = o + 1; k <= o + nf; k++) printf("%-*s  ", width(hf[k]), rf[k]);
        double mean = strtod(rf[o + nf + 2], NULL);
        if (*rf[o + nf + 4])
            printf("%12.5g  [%.5g, %.5g]\n", mean, strtod(rf[o + nf + 4], NULL),
                   strtod(rf[o + nf + 5], NULL));
        else
            printf("%12.5g\n", mean);
    }
    fclose(f);
    if (!shown) printf("\n(no metric '%s' to show; see %s for all of them)\n", metric, path);
}

int af_cmd_sweep(int argc, char **argv)
{
    af_exp_model model;
    int mpi_size, status;
    if (exp_cli_begin("sweep", &argc, &argv, &model, &mpi_size, &status)) return status;
    af_error err;
    af_error_clear(&err);
    const char *command = exp_cli_command(argc, argv, "sweep");

    af_cli_overrides sets = {0}, vary = {0};
    af_sweep_config cfg;
    memset(&cfg, 0, sizeof cfg);
    af_exp_options opts;
    af_exp_options_init(&opts);
    const char *out = NULL, *show = "coverage.all", *xlsx = NULL;
    bool quiet = false, jobs_given = false;
    static const struct option longopts[] = {
        EXP_CLI_COMMON_OPTIONS,
        {"vary", required_argument, NULL, 'v'},
        {"design", required_argument, NULL, 'd'},
        {"show", required_argument, NULL, 'w'},
        {NULL, 0, NULL, 0}};
    int c;
    const exp_cli_common co = {&sets, &cfg.replications, &cfg.seed, &cfg.has_seed, &opts,
                               &jobs_given, &out, &quiet, &xlsx};
    optind = 1;
    while ((c = getopt_long(argc, argv, EXP_CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'v': bad = af_cli_overrides_add(&vary, optarg); break;
        case 'd': cfg.design = optarg; break;
        case 'w': show = optarg; break;
        case 'h':
            usage(stdout);
            status = AF_EXIT_OK;
            goto done;
        default: {
            int r = exp_cli_common_option("sweep", c, optarg, &co);
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
    if (!exp_cli_one_scenario("sweep", argc, argv, optind)) {
        usage(stderr);
        goto done;
    }
    if (vary.n == 0) {
        fprintf(stderr, "aidflow sweep: nothing to vary: give at least one --vary PATH=VALUES\n");
        goto done;
    }
    char scn_buf[4096];
    if (!(cfg.scenario = af_cli_find_scenario("sweep", argv[optind], scn_buf, sizeof scn_buf))) goto done;
    /* Mistakes in the base scenario are shown in full, with the line and a caret. */
    af_scenario *base = NULL;
    if ((status = af_cli_load_scenario(cfg.scenario, &sets, &base)) != AF_EXIT_OK) goto done;
    double confidence = base->confidence;
    af_scenario_free(base);

    char out_buf[4200];
    if (!out) {
        exp_cli_default_out(cfg.scenario, "sweep", out_buf, sizeof out_buf);
        out = out_buf;
    }
    cfg.sets = sets.items;
    cfg.n_sets = sets.n;
    cfg.vary = vary.items;
    cfg.n_vary = vary.n;
    cfg.out_dir = out;
    if (mpi_size > 1 && !jobs_given) opts.jobs = 1; /* one rank a core: one thread on rank 0 */
    exp_cli_progress_state prog;
    exp_cli_progress_init(&prog, "sweep", quiet);
    opts.progress = exp_cli_progress;
    opts.progress_ctx = &prog;
    opts.interrupt = &exp_cli_interrupted;
    opts.command = command;

    af_exp_summary sum;
    af_status st = af_sweep_run(&cfg, &model, &opts, &sum, &err);
    exp_cli_progress_break(&prog);
    if (st != AF_OK) {
        status = exp_cli_fail("sweep", st, &err, out);
        goto done;
    }
    status = sum.exported ? af_cli_write_xlsx("sweep", out, xlsx) : AF_EXIT_OK;
    if (quiet || status != AF_EXIT_OK) goto done;
    printf("sweep: %zu design points x %u replications = %zu jobs (%zu run now, %zu found in the "
           "store), seed %llu\n",
           sum.points, sum.replications, sum.jobs, sum.ran, sum.resumed,
           (unsigned long long)sum.seed);
    if (sum.exported) {
        print_table(out, show, confidence);
        printf("\nwrote %s/sweep.csv, %s/replications.csv, %s/provenance.json\n", out, out, out);
    } else {
        printf("shard %u/%u done: its jobs are in %s/results.sqlite; when every shard is done,\n"
               "join them with: aidflow merge OUT SHARD_DIR...\n",
               opts.shard, opts.shards, out);
    }
done:
    af_cli_overrides_free(&sets);
    af_cli_overrides_free(&vary);
    af_exp_mpi_finalize();
    af_exp_model_destroy(&model);
    return status;
}
