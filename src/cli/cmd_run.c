/* `aidflow run SCENARIO [--set k=v]... [--seed N] [--replications N] [--jobs N] [--out DIR]`
 *
 * Runs the replications (on worker threads; each replication depends only on the scenario,
 * the seed and its number, so the output is the same whatever --jobs is), writes daily.csv,
 * stations.csv and summary.json into DIR, and prints a short summary. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aidflow/aidflow.h"
#include "aidflow/model.h"
#include "aidflow/report.h"
#include "aidflow/run_output.h"
#include "aidflow/run_store.h"
#include "aidflow/scenario.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

static volatile int interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct pool {
    const af_scenario *scn;
    uint64_t seed;
    unsigned n;
    af_result **results;  /* kept from an earlier run, or computed now */
    af_status *status;
    af_error *errors;
    unsigned next;
    pthread_mutex_t lock; /* guards next, the store and the counters below */
    af_run_store *store;
    unsigned saved;
    long stop_after;      /* test hook: behave as if interrupted after this many saves */
    bool kill_after;      /* test hook: SIGKILL itself instead (as kill -9 would) */
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    af_model_options opts = {.keep_daily = true, .interrupt = &interrupted};
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->next < p->n && p->results[p->next]) p->next++; /* kept from before */
        unsigned rep = p->next < p->n && !interrupted ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (rep >= p->n) return NULL;
        af_error_clear(&p->errors[rep]);
        p->status[rep] = af_model_run(p->scn, p->seed, rep, &opts, &p->results[rep], &p->errors[rep]);
        if (p->status[rep] != AF_OK) continue;
        /* Keep it at once: an interruption from now on loses nothing of this replication. */
        pthread_mutex_lock(&p->lock);
        p->status[rep] = af_run_store_save(p->store, p->results[rep], &p->errors[rep]);
        if (p->status[rep] == AF_OK && ++p->saved == p->stop_after) {
            if (p->kill_after) raise(SIGKILL);
            interrupted = 1;
        }
        pthread_mutex_unlock(&p->lock);
    }
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow run SCENARIO.yaml [--set PATH=VALUE]... [--seed N] [--replications N]\n"
            "                  [--jobs N] [--out DIR] [--report] [--xlsx FILE] [--quiet]\n"
            "  Runs the scenario and writes DIR/daily.csv, DIR/stations.csv, DIR/summary.json\n"
            "  (default DIR: out/NAME, NAME the scenario file's name without .yaml).\n"
            "  --set PATH=VALUE   override a value of the scenario, e.g. crossings.kerem_shalom.lanes=6\n"
            "  --seed N           the seed (default: the scenario's)\n"
            "  --replications N   independent replications (default: the scenario's)\n"
            "  --jobs N           replications run at once (default: all cores); same output\n"
            "  --max-memory SIZE  refuse a run estimated to need more (default 8G; K, M, G, T)\n"
            "  --report           also write DIR/report.html (see aidflow report)\n"
            "  --xlsx FILE        also write the tables as an Excel workbook FILE\n"
            "  --quiet            print nothing but errors\n");
}

static void print_ci(const char *label, af_metric_summary s, double scale, const char *unit)
{
    printf("  %-28s %12.4g%s", label, s.mean * scale, unit);
    if (isfinite(s.ci_low))
        printf("   [%.4g%s, %.4g%s]", s.ci_low * scale, unit, s.ci_high * scale, unit);
    printf("\n");
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
    printf("coverage (tonnes delivered / tonnes needed):\n");
    for (size_t c = 0; c <= scn->n_categories; c++) {
        char name[300];
        snprintf(name, sizeof name, "coverage.%s", c < scn->n_categories ? scn->categories[c].name : "all");
        size_t k = af_result_metric(res[0], name);
        if (k == (size_t)-1) continue;
        af_metric_summary sum = af_summarise_metric(res, n, k, conf);
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
    static const char *const headline[] = {"trucks_per_day.entered", "trucks.dispatched",
                                           "trucks.delivered", "trucks.held", "trucks.rejected",
                                           "trucks.lost", "trucks.in_system"};
    for (size_t i = 0; i < sizeof headline / sizeof headline[0]; i++) {
        size_t k = af_result_metric(res[0], headline[i]);
        if (k != (size_t)-1) print_ci(headline[i], af_summarise_metric(res, n, k, conf), 1, "");
    }
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
}

int af_cmd_run(int argc, char **argv)
{
    af_cli_overrides sets = {0};
    const char *out_dir = NULL, *xlsx = NULL;
    long long seed = -1, reps = -1, jobs = 0;
    bool quiet = false, report = false;
    double max_memory = 8.0 * 1024 * 1024 * 1024;
    static const struct option longopts[] = {
        {"set", required_argument, NULL, 'S'},          {"seed", required_argument, NULL, 's'},
        {"replications", required_argument, NULL, 'r'}, {"jobs", required_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},          {"quiet", no_argument, NULL, 'q'},
        {"max-memory", required_argument, NULL, 'M'},   {"report", no_argument, NULL, 'R'},
        {"xlsx", required_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},               {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:qj:", longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'S': bad = af_cli_overrides_add(&sets, optarg); break;
        case 's': bad = af_cli_parse_int("run", "--seed", optarg, 0, INT64_MAX, &seed); break;
        case 'r': bad = af_cli_parse_int("run", "--replications", optarg, 1, 1000000, &reps); break;
        case 'j': bad = af_cli_parse_int("run", "--jobs", optarg, 1, 4096, &jobs); break;
        case 'o': out_dir = optarg; break;
        case 'M': bad = af_cli_parse_size("run", "--max-memory", optarg, &max_memory); break;
        case 'q': quiet = true; break;
        case 'R': report = true; break;
        case 'X': xlsx = optarg; break;
        case 'h': usage(stdout); af_cli_overrides_free(&sets); return AF_EXIT_OK;
        default: usage(stderr); af_cli_overrides_free(&sets); return AF_EXIT_USAGE;
        }
        if (bad) {
            af_cli_overrides_free(&sets);
            return AF_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "aidflow run: expected one scenario file, got %d\n", argc - optind);
        usage(stderr);
        af_cli_overrides_free(&sets);
        return AF_EXIT_USAGE;
    }
    char path_buf[4096];
    const char *path = af_cli_find_scenario("run", argv[optind], path_buf, sizeof path_buf);
    if (!path) {
        af_cli_overrides_free(&sets);
        return AF_EXIT_USAGE;
    }
    af_scenario *scn = NULL;
    int code = af_cli_load_scenario(path, &sets, &scn);
    af_cli_overrides_free(&sets);
    if (code != AF_EXIT_OK) return code;

    char default_dir[4096];
    if (!out_dir) {
        af_cli_default_out_dir(path, default_dir, sizeof default_dir);
        out_dir = default_dir;
    }
    unsigned n = reps > 0 ? (unsigned)reps : scn->replications;
    if (n == 0) n = 1;
    uint64_t run_seed = seed >= 0 ? (uint64_t)seed : scn->seed;
    if (jobs <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? cores : 1;
    }
    if ((unsigned long long)jobs > n) jobs = n;

    /* Say what a legal but enormous run will cost before starting it, and refuse past the
     * limit: all replications' daily tables are held until the files are written. */
    double bytes, events;
    af_model_estimate(scn, &bytes, &events);
    double total_bytes = bytes * (double)jobs + af_cli_daily_table_bytes(scn) * (double)n;
    double seconds = events * (double)n / (5e6 * (double)jobs);
    if (total_bytes > max_memory) {
        fprintf(stderr,
                "aidflow run: this run would need about %s of memory (%u replication%s, %lld at once)"
                " and about %s; the limit is %s. Raise it with --max-memory, or run fewer"
                " replications or jobs.\n",
                af_cli_format_bytes(total_bytes), n, n == 1 ? "" : "s", jobs,
                af_cli_format_seconds(seconds), af_cli_format_bytes(max_memory));
        af_scenario_free(scn);
        return AF_EXIT_USAGE;
    }
    if (!quiet && (total_bytes > 1e9 || seconds > 60))
        fprintf(stderr, "aidflow run: expect about %s of memory and %s\n",
                af_cli_format_bytes(total_bytes), af_cli_format_seconds(seconds));

    pool p = {.scn = scn, .seed = run_seed, .n = n};
    p.results = calloc(n, sizeof *p.results);
    p.status = calloc(n, sizeof *p.status);
    p.errors = calloc(n, sizeof *p.errors);
    pthread_t *threads = calloc((size_t)jobs, sizeof *threads);
    if (!p.results || !p.status || !p.errors || !threads) {
        fprintf(stderr, "aidflow run: out of memory\n");
        code = AF_EXIT_FAIL;
        goto done;
    }
    af_error err;
    af_error_clear(&err);
    if (af_run_store_open(&p.store, out_dir, af_scenario_hash(scn), run_seed, &err) != AF_OK) {
        fprintf(stderr, "aidflow run: %s\n", err.message);
        code = AF_EXIT_FAIL;
        goto done;
    }
    unsigned kept = 0;
    for (unsigned i = 0; i < n; i++) {
        af_status st = af_run_store_load(p.store, i, &p.results[i], &err);
        if (st == AF_OK) {
            kept++;
        } else if (st != AF_NOTFOUND) {
            fprintf(stderr, "aidflow run: %s\n", err.message);
            code = AF_EXIT_FAIL;
            goto done;
        }
    }
    if (kept && !quiet)
        fprintf(stderr, "aidflow run: resuming: %u of %u replications were kept from an earlier run\n",
                kept, n);
    /* Tests interrupt a run at a known point instead of racing a signal against it:
     * AIDFLOW_TEST_INTERRUPT_AFTER=K acts like Ctrl-C after the K-th replication is kept,
     * K:kill like kill -9. */
    const char *hook = getenv("AIDFLOW_TEST_INTERRUPT_AFTER");
    p.stop_after = hook ? atol(hook) : -1;
    p.kill_after = hook && strstr(hook, ":kill");
    pthread_mutex_init(&p.lock, NULL);
    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    long started = 0;
    for (long i = 0; i < jobs; i++, started++)
        if (pthread_create(&threads[i], NULL, worker, &p) != 0) break;
    if (started == 0) worker(&p);
    for (long i = 0; i < started; i++) pthread_join(threads[i], NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    pthread_mutex_destroy(&p.lock);

    if (interrupted) {
        unsigned have = 0;
        for (unsigned i = 0; i < n; i++) have += p.results[i] && p.status[i] == AF_OK;
        fprintf(stderr,
                "aidflow run: interrupted: %u of %u replications are kept in %s/run.sqlite; run the"
                " same command again to finish\n",
                have, n, out_dir);
        code = AF_EXIT_INTERRUPTED;
        goto done;
    }
    for (unsigned i = 0; i < n; i++) {
        if (p.status[i] != AF_OK) {
            fprintf(stderr, "aidflow run: replication %u: %s\n", i,
                    p.errors[i].message[0] ? p.errors[i].message : af_strerror(p.status[i]));
            code = AF_EXIT_FAIL;
            goto done;
        }
    }
    af_provenance prov = {.command = af_cli_command_line(), .scenario_file = path};
    if (af_write_run_outputs(out_dir, scn, p.results, n, &prov, &err) != AF_OK) {
        fprintf(stderr, "aidflow run: %s\n", err.message);
        code = AF_EXIT_FAIL;
        goto done;
    }
    char report_path[4200];
    if (report) {
        snprintf(report_path, sizeof report_path, "%s/report.html", out_dir);
        const char *dirs[] = {out_dir};
        if (af_report_write(dirs, 1, report_path, &err) != AF_OK) {
            fprintf(stderr, "aidflow run: the tables are written, but not the report: %s\n", err.message);
            code = AF_EXIT_FAIL;
            goto done;
        }
    }
    if ((code = af_cli_write_xlsx("run", out_dir, xlsx)) != AF_EXIT_OK) goto done;
    if (!quiet) {
        print_summary(scn, p.results, n);
        printf("\nwrote %s/daily.csv, %s/stations.csv, %s/summary.json%s%s%s%s\n", out_dir, out_dir,
               out_dir, report ? ", " : "", report ? report_path : "", xlsx ? ", " : "", xlsx ? xlsx : "");
    }
    code = AF_EXIT_OK;
done:
    af_run_store_close(p.store);
    for (unsigned i = 0; p.results && i < n; i++) af_result_free(p.results[i]);
    free(p.results);
    free(p.status);
    free(p.errors);
    free(threads);
    af_scenario_free(scn);
    return code;
}
