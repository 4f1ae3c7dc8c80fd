/* Model benchmark: 365-day replications of bundled scenarios. Prints one figure a line as
 * `name: value unit`:
 *   year_run_s           wall seconds for one replication of the first scenario (the default
 *                        in meson's benchmark; target under 0.05 s)
 *   year_run_s_largest   the same for the second scenario given (the largest bundled one by
 *                        trucks dispatched a year, ceasefire_2025, in meson's benchmark)
 *   trucks_per_s, model_events_per_s  trucks dispatched and engine events per wall second in
 *                        the first scenario's run
 *   hold_events_per_s    the engine's hold model (1,000 pending events rescheduling at
 *                        now + Exp(1)), measured in the same process
 *   model_vs_hold        hold_events_per_s / model_events_per_s (target at most 2)
 *   bytes_per_truck      the million-truck run's growth of the peak RSS over its trucks in the
 *                        system (below); bytes_per_truck_years: the peak RSS growth from the
 *                        1-year to the 4-year run over the growth of the backlog (trucks
 *                        dispatched, not yet in Gaza), which counts the daily records too
 *   million_trucks_in_system, million_peak_rss  the default scenario with 100,000 Egyptian
 *                        food trucks a day for 10 days: trucks still waiting at the end and the
 *                        process's peak RSS (target: within 1 GiB)
 *   year_run_s_1y, _2y, _4y and years_cost_ratio_2y, _4y   the first scenario over 1, 2 and 4
 *                        years, and each time over the 1-year time divided by the years
 *                        (1.00 is linear; the target is within 10%)
 *
 * Each time is the best of `runs` replications (default 5): the machine's speed drifts.
 * Usage: bench_model SCENARIO.yaml [LARGEST.yaml] [runs]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/resource.h>

#include "aidflow/aidflow.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct year_fig {
    double best_s;
    double trucks;
    double events;
    double backlog; /* trucks dispatched but not yet entered Gaza at the end */
    long peak_rss_kb; /* the process's peak RSS after the runs */
    char name[128];
} year_fig;

/* Best wall time of `runs` replications of `path` over `days` days (no warm-up), with the
 * extra overrides `more` (NULL for none). */
static int year_run_set(const char *path, int days, int runs, const char *more, year_fig *out)
{
    char horizon[32];
    snprintf(horizon, sizeof horizon, "horizon=%d d", days);
    const char *set[] = {horizon, "warmup=0 d", more};
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(path, set, more ? 3 : 2, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        af_diagnostics_destroy(d);
        return 2;
    }
    af_diagnostics_destroy(d);
    out->best_s = INFINITY;
    snprintf(out->name, sizeof out->name, "%s", s->name);
    af_model_options o = {.keep_daily = true};
    for (int i = 0; i < runs; i++) {
        af_result *r = NULL;
        af_error err;
        double t0 = seconds_now();
        if (af_model_run(s, s->seed, 0, &o, &r, &err) != AF_OK) {
            fprintf(stderr, "bench_model: %s\n", err.message);
            af_scenario_free(s);
            return 1;
        }
        double t = seconds_now() - t0;
        if (t < out->best_s) out->best_s = t;
        out->trucks = r->metrics[af_result_metric(r, "trucks.dispatched")];
        out->events = (double)r->events;
        out->backlog = out->trucks - r->metrics[af_result_metric(r, "trucks.entered")];
        af_result_free(r);
    }
    af_scenario_free(s);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    out->peak_rss_kb = ru.ru_maxrss;
    return 0;
}

static int year_run(const char *path, int days, int runs, year_fig *out)
{
    return year_run_set(path, days, runs, NULL, out);
}

typedef struct hold_model {
    af_rng *rng;
    af_dist delay;
    uint64_t left;
} hold_model;

static void hold_event(af_sim *sim, void *ctx, uint64_t arg)
{
    hold_model *h = ctx;
    if (h->left == 0) return;
    h->left--;
    af_sim_schedule(sim, af_dist_sample(&h->delay, h->rng), hold_event, h, arg);
}

/* The hold model of bench_engine, events a second (best of `runs`). */
static double hold_rate(uint64_t events, size_t pending, int runs)
{
    double best = 0;
    for (int k = 0; k < runs; k++) {
        hold_model h = {.left = events};
        h.rng = af_rng_create(2, 0, "hold");
        af_sim *sim = af_sim_create(pending);
        if (!sim || !h.rng || af_dist_exponential(&h.delay, 1.0, NULL) != AF_OK) return 0;
        for (size_t i = 0; i < pending; i++)
            af_sim_schedule(sim, af_dist_sample(&h.delay, h.rng), hold_event, &h, i);
        double t0 = seconds_now();
        af_sim_run_until(sim, 1e300);
        double rate = (double)af_sim_events_run(sim) / (seconds_now() - t0);
        if (rate > best) best = rate;
        af_sim_destroy(sim);
        af_rng_destroy(h.rng);
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_model SCENARIO.yaml [LARGEST.yaml] [runs]\n");
        return 2;
    }
    const char *largest = argc > 2 && strstr(argv[2], ".yaml") ? argv[2] : NULL;
    const char *runs_arg = largest ? (argc > 3 ? argv[3] : NULL) : (argc > 2 ? argv[2] : NULL);
    int runs = runs_arg ? atoi(runs_arg) : 5;
    if (runs < 1 || runs > 101) runs = 5;

    year_fig y1;
    int rc = year_run(argv[1], 365, runs, &y1);
    if (rc) return rc;
    double hold = hold_rate(5000000, 1000, runs);
    double model_rate = y1.events / y1.best_s;
    printf("year_scenario: %s\n", y1.name);
    printf("year_trucks: %.0f trucks\n", y1.trucks);
    printf("year_events: %.0f events\n", y1.events);
    printf("year_run_s: %.4f s\n", y1.best_s);
    printf("trucks_per_s: %.0f trucks/s\n", y1.trucks / y1.best_s);
    printf("model_events_per_s: %.0f events/s\n", model_rate);
    printf("hold_events_per_s: %.0f events/s\n", hold);
    printf("model_vs_hold: %.2f x\n", hold / model_rate);

    /* Cost against the horizon: 1, 2 and 4 years of the first scenario. */
    year_fig y2, y4;
    if ((rc = year_run(argv[1], 730, runs, &y2)) || (rc = year_run(argv[1], 1460, runs, &y4)))
        return rc;
    printf("year_run_s_1y: %.4f s\n", y1.best_s);
    printf("year_run_s_2y: %.4f s\n", y2.best_s);
    printf("year_run_s_4y: %.4f s\n", y4.best_s);
    printf("year_events_2y: %.0f events\n", y2.events);
    printf("year_events_4y: %.0f events\n", y4.events);
    printf("years_cost_ratio_2y: %.2f x\n", y2.best_s / (2 * y1.best_s));
    printf("years_cost_ratio_4y: %.2f x\n", y4.best_s / (4 * y1.best_s));
    /* Memory: the default scenario's backlog (trucks dispatched, not yet in Gaza) grows over
     * the years; the peak RSS grows with it. An upper bound of a truck's cost, since the
     * daily records of the longer run count too. */
    printf("backlog_trucks_1y: %.0f trucks\n", y1.backlog);
    printf("backlog_trucks_4y: %.0f trucks\n", y4.backlog);
    printf("peak_rss_1y: %ld KiB\n", y1.peak_rss_kb);
    printf("peak_rss_4y: %ld KiB\n", y4.peak_rss_kb);
    if (y4.backlog > y1.backlog)
        printf("bytes_per_truck_years: %.0f bytes\n",
               1024.0 * (double)(y4.peak_rss_kb - y1.peak_rss_kb) / (y4.backlog - y1.backlog));
    if (largest) {
        year_fig yl;
        rc = year_run(largest, 365, runs, &yl);
        if (rc) return rc;
        printf("largest_scenario: %s\n", yl.name);
        printf("largest_trucks: %.0f trucks\n", yl.trucks);
        printf("year_run_s_largest: %.4f s\n", yl.best_s);
    }

    /* A million trucks in the system at once: the default scenario's Egyptian food trucks at
     * 100,000 a day for 10 days, far beyond what the crossings pass, so nearly all of them are
     * still waiting at the end. The peak RSS is the whole process's (target: within 1 GiB). */
    struct rusage before;
    getrusage(RUSAGE_SELF, &before);
    year_fig ym;
    if ((rc = year_run_set(argv[1], 10, 1, "origins.al_arish.plan.0.trucks.food=100000 /d", &ym)))
        return rc;
    printf("million_trucks_in_system: %.0f trucks\n", ym.backlog);
    printf("million_run_s: %.3f s\n", ym.best_s);
    printf("million_peak_rss: %.1f MiB\n", (double)ym.peak_rss_kb / 1024.0);
    /* The process's peak before this run was at most what the earlier runs needed, so the
     * growth is what the million trucks (and the run's daily records) cost. */
    if (ym.backlog > 0)
        printf("bytes_per_truck: %.0f bytes\n",
               1024.0 * (double)(ym.peak_rss_kb - before.ru_maxrss) / ym.backlog);

    return 0;
}
