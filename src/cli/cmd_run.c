/* `aidflow run SCENARIO [--set k=v]... [--seed N] [--replications N] [--jobs N] [--out DIR]
 *                       [--shard I/K] [--fresh] [--max-memory SIZE] [--report] [--quiet]`
 *
 * The run kind of experiment (af_run_experiment): the replications run on the experiments'
 * runner (threads, or MPI ranks under mpirun), each kept with its daily tables in
 * DIR/results.sqlite as it finishes, so that Ctrl-C or kill -9 loses nothing finished and the
 * same command resumes. Each replication depends only on the scenario, the seed and its
 * number, so the files are the same whatever --jobs, --shard or the number of ranks. Writes
 * daily.csv, stations.csv and summary.json into DIR and prints a short summary. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aidflow/aidflow.h"
#include "aidflow/experiment.h"
#include "aidflow/model.h"
#include "aidflow/report.h"
#include "aidflow/run_output.h"
#include "aidflow/scenario.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/exp_cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow run SCENARIO.yaml [--set PATH=VALUE]... [--seed N] [--replications N]\n"
            "                  [--jobs N] [--out DIR] [--shard I/K] [--fresh] [--report] [--xlsx FILE]\n"
            "                  [--quiet]\n"
            "  Runs the scenario and writes DIR/daily.csv, DIR/stations.csv, DIR/summary.json\n"
            "  (default DIR: out/NAME, NAME the scenario file's name without .yaml).\n"
            "  --set PATH=VALUE   override a value of the scenario, e.g. crossings.kerem_shalom.lanes=6\n"
            "  --seed N           the seed (default: the scenario's)\n"
            "  --replications N   independent replications (default: the scenario's)\n"
            "  --jobs N           replications run at once (default: all cores); same output\n"
            "  --shard I/K        run only replications I, I+K, I+2K...; join shards with aidflow merge\n"
            "  --fresh            discard the replications kept in DIR/results.sqlite first\n"
            "                     (needed when DIR holds another scenario's, overrides' or\n"
            "                     seed's results: they are never replaced silently)\n"
            "  --max-memory SIZE  refuse a run estimated to need more (default 8G; K, M, G, T)\n"
            "  --report           also write DIR/report.html (see aidflow report)\n"
            "  --check-conservation  check at every midnight that every tonne is accounted\n"
            "                     for; a residual fails the run (exit 2)\n"
            "  --xlsx FILE        also write the tables as an Excel workbook FILE\n"
            "  --quiet            print nothing but errors\n"
            "  Every finished replication is kept at once in DIR/results.sqlite: after Ctrl-C,\n"
            "  kill -9 or a power cut, the same command resumes where it stopped.\n"
            "  Under MPI, 'mpirun -n K aidflow run ...' spreads the replications over K ranks.\n");
}

static void print_ci(const char *label, af_summary s, double scale, const char *unit)
{
    char m[40], lo[40], hi[40];
    printf("  %-28s %12s%s", label, exp_cli_num(m, sizeof m, s.mean * scale), unit);
    if (isfinite(s.ci_low))
        printf("   [%s%s, %s%s]", exp_cli_num(lo, sizeof lo, s.ci_low * scale), unit,
               exp_cli_num(hi, sizeof hi, s.ci_high * scale), unit);
    printf("\n");
}

/* Where the trucks are at the end: the places holding most trucks (positions.csv's last day),
 * at most 6 lines, with the trucks held back first (they are the plan not met). */
static void print_positions(af_result *const *res, unsigned n, double conf)
{
    const af_result *r0 = res[0];
    if (!r0->positions || r0->n_days < 1) return;
    for (unsigned i = 0; i < n; i++)
        if (!res[i]->positions || res[i]->n_nodes != r0->n_nodes) return;
    size_t cells = r0->n_nodes * AF_N_POSITIONS, last = (size_t)(r0->n_days - 1) * cells;
    size_t top[6];
    double top_mean[6];
    bool top_held[6];
    size_t n_top = 0;
    for (size_t c = 0; c < cells; c++) {
        double mean = 0;
        for (unsigned i = 0; i < n; i++) mean += res[i]->positions[last + c] / n;
        if (!(mean > 0)) continue;
        /* Held back ranks first, then by mean: insertion into the top list. (Two keys, not
         * one: a held-back count folded in as mean + 1e300 made every held-back count equal.) */
        bool held = c % AF_N_POSITIONS == AF_POS_HELD_BACK;
        size_t at = n_top;
        while (at > 0 && (top_held[at - 1] < held ||
                          (top_held[at - 1] == held && top_mean[at - 1] < mean)))
            at--;
        if (at >= 6) continue;
        for (size_t j = n_top < 6 ? n_top : 5; j > at; j--) {
            top[j] = top[j - 1];
            top_mean[j] = top_mean[j - 1];
            top_held[j] = top_held[j - 1];
        }
        top[at] = c;
        top_mean[at] = mean;
        top_held[at] = held;
        if (n_top < 6) n_top++;
    }
    if (!n_top) return;
    printf("where the trucks are at the end (positions.csv):\n");
    for (size_t j = 0; j < n_top; j++) {
        af_tally t;
        af_tally_reset(&t);
        for (unsigned i = 0; i < n; i++) af_tally_add(&t, res[i]->positions[last + top[j]]);
        char label[300];
        snprintf(label, sizeof label, "%s %s", r0->node_names[top[j] / AF_N_POSITIONS],
                 af_position_name((int)(top[j] % AF_N_POSITIONS)));
        print_ci(label, af_tally_summary(&t, conf), 1, "");
    }
}

/* End-to-end times and the binding constraint (docs/OUTPUTS.md). */
static void print_times_and_binding(af_result *const *res, unsigned n, double conf)
{
    static const char *const times[][2] = {
        {"time.dispatch_to_entry.mean", "dispatch to entry, mean"},
        {"time.dispatch_to_entry.p95", "dispatch to entry, p95"},
        {"time.dispatch_to_delivery.mean", "dispatch to delivery, mean"},
        {"time.dispatch_to_delivery.p95", "dispatch to delivery, p95"}};
    bool said = false;
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        size_t k = af_result_metric(res[0], times[i][0]);
        if (k == (size_t)-1) continue;
        af_summary s = af_summarise_metric(res, n, k, conf);
        if (s.n == 0) continue;
        if (!said) printf("end-to-end times (hours, blocked time included):\n");
        said = true;
        print_ci(times[i][1], s, 1, " h");
    }
    char kind[16], name[256];
    size_t k = af_binding_metric(res, n, kind, name);
    if (k == (size_t)-1) {
        printf("binding constraint: none (throughput limited by what the origins dispatch)\n");
        return;
    }
    printf("binding constraint: %s %s\n", !strcmp(kind, "gaza_side") ? "Gaza side of" : kind, name);
    print_ci("share of the horizon", af_summarise_metric(res, n, k, conf), 100, "%");
}

static void print_summary(const af_scenario *scn, af_result *const *res, unsigned n)
{
    char start[11], end[11];
    af_scenario_date(scn, 0, start);
    af_scenario_date(scn, scn->horizon_days - 1, end);
    double conf = scn->confidence;
    printf("aidflow %s: %s, %s to %s (%d days after %d warm-up), seed %" PRIu64
           ", %u replication%s\n",
           af_version(), scn->name, start, end, scn->horizon_days, scn->warmup_days, res[0]->seed,
           n, n == 1 ? "" : "s");
    printf("mean and %.0f%% confidence interval across replications\n\n", conf * 100);
    /* The headline: need met by category and region, the worst region first. A pooled figure
     * hides a region that starves beside one with a surplus. */
    printf("need met (tonnes consumed / tonnes needed, capped each day in each region):\n");
    for (size_t c = 0; c < scn->n_categories; c++) {
        if (!(scn->categories[c].daily_need > 0)) continue;
        const char *cat = scn->categories[c].name;
        char name[300];
        snprintf(name, sizeof name, "need_met.%s", cat);
        size_t k = af_result_metric(res[0], name);
        if (k != (size_t)-1) print_ci(cat, af_summarise_metric(res, n, k, conf), 100, "%");
        for (size_t g = 0; g <= scn->n_regions && scn->n_regions > 1; g++) {
            const char *reg = g < scn->n_regions ? scn->regions[g].name : "min_region";
            snprintf(name, sizeof name, "need_met.%s.%s", cat, reg);
            k = af_result_metric(res[0], name);
            if (k == (size_t)-1) continue;
            af_summary sum = af_summarise_metric(res, n, k, conf);
            if (sum.n == 0) continue; /* the region needs none */
            char label[300];
            snprintf(label, sizeof label, "  %s", reg);
            print_ci(label, sum, 100, "%");
        }
    }
    printf("coverage (tonnes delivered / tonnes needed):\n");
    for (size_t c = 0; c <= scn->n_categories; c++) {
        char name[300];
        snprintf(name, sizeof name, "coverage.%s", c < scn->n_categories ? scn->categories[c].name : "all");
        size_t k = af_result_metric(res[0], name);
        if (k == (size_t)-1) continue;
        af_summary sum = af_summarise_metric(res, n, k, conf);
        if (sum.n == 0) continue; /* no need for this category: no coverage to show */
        print_ci(name + 9, sum, 100, "%");
    }
    printf("unmet need (person-days):\n");
    for (size_t c = 0; c < scn->n_categories; c++) {
        char name[300];
        snprintf(name, sizeof name, "unmet_person_days.%s", scn->categories[c].name);
        size_t k = af_result_metric(res[0], name);
        if (k != (size_t)-1 && scn->categories[c].daily_need > 0)
            print_ci(scn->categories[c].name, af_summarise_metric(res, n, k, conf), 1, "");
    }
    printf("trucks:\n");
    static const char *const headline[] = {"trucks_per_day.inspected", "trucks_per_day.entered",
                                           "trucks_per_day.collected", "trucks_per_day.delivered",
                                           "trucks.awaiting_collection", "trucks.dispatched",
                                           "trucks.delivered", "trucks.held", "trucks.rejected",
                                           "trucks.lost", "trucks.in_system", "trucks.held_back",
                                           "trucks.in_yard"};
    for (size_t i = 0; i < sizeof headline / sizeof headline[0]; i++) {
        size_t k = af_result_metric(res[0], headline[i]);
        if (k != (size_t)-1) print_ci(headline[i], af_summarise_metric(res, n, k, conf), 1, "");
    }
    print_positions(res, n, conf);
    size_t counts[256] = {0}, best = SIZE_MAX;
    for (unsigned i = 0; i < n; i++)
        if (res[i]->bottleneck < 256) counts[res[i]->bottleneck]++;
    for (size_t s = 0; s < res[0]->n_stations && s < 256; s++)
        if (best == SIZE_MAX || counts[s] > counts[best]) best = s;
    if (best != SIZE_MAX) {
        char name[300];
        snprintf(name, sizeof name, "station.%s.utilisation", res[0]->station_names[best]);
        size_t k = af_result_metric(res[0], name);
        printf("bottleneck: %s in %zu of %u replications\n", res[0]->station_names[best], counts[best], n);
        if (k != (size_t)-1) print_ci("utilisation", af_summarise_metric(res, n, k, conf), 100, "%");
    }
    print_times_and_binding(res, n, conf);
}

/* Progress of a run: only the line that says what an earlier run left (runs are short). */
typedef struct run_progress {
    bool quiet, said;
} run_progress;

static void on_progress(void *ctx, const af_exp_progress *p)
{
    run_progress *rp = ctx;
    if (rp->said || rp->quiet) return;
    rp->said = true;
    if (p->resumed)
        fprintf(stderr, "aidflow run: resuming: %zu of %zu replications were kept from an earlier run\n",
                p->resumed, p->total);
}

int af_cmd_run(int argc, char **argv)
{
    af_exp_model model;
    int mpi_size, status;
    if (exp_cli_begin("run", &argc, &argv, &model, &mpi_size, &status)) return status;
    const char *command = exp_cli_command(argc, argv, "run");
    af_cli_overrides sets = {0};
    af_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    af_exp_options opts;
    af_exp_options_init(&opts);
    const char *out_dir = NULL, *xlsx = NULL;
    bool quiet = false, report = false, jobs_given = false;
    double max_memory = 8.0 * 1024 * 1024 * 1024;
    af_scenario *scn = NULL;
    af_run_result *res = NULL;
    static const struct option longopts[] = {
        EXP_CLI_COMMON_OPTIONS,
        {"max-memory", required_argument, NULL, 'M'},
        {"report", no_argument, NULL, 'R'},
        {"check-conservation", no_argument, NULL, 'C'},
        {NULL, 0, NULL, 0}};
    const exp_cli_common co = {&sets, &cfg.replications, &cfg.seed, &cfg.has_seed, &opts,
                               &jobs_given, &out_dir, &quiet, &xlsx};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, EXP_CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'M': bad = af_cli_parse_size("run", "--max-memory", optarg, &max_memory); break;
        case 'R': report = true; break;
        case 'C': af_exp_model_check_conservation(&model, 1e-9); break;
        case 'h':
            usage(stdout);
            status = AF_EXIT_OK;
            goto done;
        default: {
            int r = exp_cli_common_option("run", c, optarg, &co);
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
    if (optind + 1 != argc) {
        fprintf(stderr, "aidflow run: expected one scenario file, got %d\n", argc - optind);
        usage(stderr);
        goto done;
    }
    char scn_buf[4096];
    if (!(cfg.scenario = af_cli_find_scenario("run", argv[optind], scn_buf, sizeof scn_buf))) goto done;
    /* Mistakes in the scenario are shown in full, with the line and a caret. */
    if ((status = af_cli_load_scenario(cfg.scenario, &sets, &scn)) != AF_EXIT_OK) goto done;
    status = AF_EXIT_FAIL;

    char default_dir[4096];
    if (!out_dir) {
        af_cli_default_out_dir(cfg.scenario, default_dir, sizeof default_dir);
        out_dir = default_dir;
    }
    unsigned n = cfg.replications ? cfg.replications : scn->replications;
    if (n == 0) n = 1;
    if (mpi_size > 1 && !jobs_given) opts.jobs = 1; /* one rank a core: one thread on rank 0 */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long long jobs = opts.jobs ? opts.jobs : cores > 0 ? (unsigned long long)cores : 1;
    if (jobs > n) jobs = n;

    /* Say what a legal but enormous run will cost before starting it, and refuse past the
     * limit: all replications' daily tables are held while the files are written. */
    double bytes, events;
    af_model_estimate(scn, &bytes, &events);
    double total_bytes = bytes * (double)jobs + af_cli_daily_table_bytes(scn) * (double)n;
    double seconds = events * (double)n / (5e6 * (double)jobs);
    if (total_bytes > max_memory) {
        fprintf(stderr,
                "aidflow run: this run would need about %s of memory (%u replication%s, %llu at once)"
                " and about %s; the limit is %s. Raise it with --max-memory, or run fewer"
                " replications or jobs.\n",
                af_cli_format_bytes(total_bytes), n, n == 1 ? "" : "s", jobs,
                af_cli_format_seconds(seconds), af_cli_format_bytes(max_memory));
        status = AF_EXIT_USAGE;
        goto done;
    }
    if (!quiet && (total_bytes > 1e9 || seconds > 60))
        fprintf(stderr, "aidflow run: expect about %s of memory and %s\n",
                af_cli_format_bytes(total_bytes), af_cli_format_seconds(seconds));

    cfg.sets = sets.items;
    cfg.n_sets = sets.n;
    cfg.out_dir = out_dir;
    run_progress prog = {.quiet = quiet};
    opts.progress = on_progress;
    opts.progress_ctx = &prog;
    opts.interrupt = &exp_cli_interrupted;
    opts.command = command;
    af_error err;
    af_error_clear(&err);
    af_status st = af_run_experiment(&cfg, &model, &opts, &res, &err);
    if (st == AF_INTERRUPTED && res) {
        fprintf(stderr,
                "aidflow run: interrupted: %zu of %u replications are kept in %s/results.sqlite;"
                " run the same command again to finish\n",
                res->summary.ran + res->summary.resumed, n, out_dir);
        status = AF_EXIT_INTERRUPTED;
        goto done;
    }
    if (st != AF_OK) {
        status = exp_cli_fail("run", st, &err, out_dir);
        goto done;
    }
    if (!res->summary.exported) {
        if (!quiet)
            printf("shard %u/%u done: its replications are in %s/results.sqlite; when every shard\n"
                   "is done, join them with: aidflow merge OUT SHARD_DIR...\n",
                   opts.shard, opts.shards, out_dir);
        status = AF_EXIT_OK;
        goto done;
    }
    char report_path[4200];
    if (report) {
        snprintf(report_path, sizeof report_path, "%s/report.html", out_dir);
        const char *dirs[] = {out_dir};
        if (af_report_write(dirs, 1, report_path, &err) != AF_OK) {
            fprintf(stderr, "aidflow run: the tables are written, but not the report: %s\n", err.message);
            goto done;
        }
    }
    if ((status = af_cli_write_xlsx("run", out_dir, xlsx)) != AF_EXIT_OK) goto done;
    if (!quiet) {
        print_summary(scn, res->results, (unsigned)res->n);
        printf("\nwrote %s/daily.csv, %s/stations.csv, %s/positions.csv, %s/summary.json, %s/metrics.csv%s%s%s%s\n",
               out_dir, out_dir, out_dir, out_dir, out_dir, report ? ", " : "", report ? report_path : "",
               xlsx ? ", " : "", xlsx ? xlsx : "");
    }
    status = AF_EXIT_OK;
done:
    af_run_free(res);
    af_scenario_free(scn);
    af_cli_overrides_free(&sets);
    af_exp_mpi_finalize();
    af_exp_model_destroy(&model);
    return status;
}
