/* Model benchmark: 365-day replications of bundled scenarios. Prints one figure a line as
 * `name: value unit`:
 *   year_run_s           wall seconds for one replication of the first scenario (the default
 *                        in meson's benchmark; target under 0.05 s)
 *   year_run_cpu_s       the same run's CPU time (user + system of the process), which the
 *                        other programs on a shared machine disturb far less than wall time
 *   year_run_s_largest, year_run_cpu_s_largest  the same for the second scenario given (the
 *                        largest bundled one by trucks dispatched a year, ceasefire_2025, in
 *                        meson's benchmark)
 *   trucks_per_s, model_events_per_s  trucks dispatched and engine events per wall second in
 *                        the first scenario's run
 *   hold_events_per_s    the engine's hold model (1,000 pending events rescheduling at
 *                        now + Exp(1)), measured in the same process
 *   model_vs_hold        hold_events_per_s / model_events_per_s (target at most 2);
 *                        model_vs_hold_cpu the same ratio on CPU time
 *   bytes_per_truck      the million-truck run's growth of the peak RSS over its trucks in the
 *                        system (below); bytes_per_truck_years: the peak RSS growth from the
 *                        1-year to the 4-year run over the growth of the backlog (trucks
 *                        dispatched, not yet in Gaza), which counts the daily records too
 *   million_trucks_in_system, million_peak_rss  the default scenario with 100,000 Egyptian
 *                        food trucks a day for 10 days: trucks still waiting at the end and the
 *                        process's peak RSS (target: within 1 GiB)
 *   Cost linearity, on CPU time: the first scenario over 2 and 4 years, and over one year
 *   as the same network carrying 2 and 4 times the trucks (scale_network: every origin's
 *   trucks a day and every capacity on their way times the factor, so that the same stations
 *   are full and the work grows by the factor; times the trucks alone, the default's full
 *   crossings and the Al-Arish yard would hold the extra trucks back, and the work would not
 *   double): year_run_cpu_s_2_years, _4_years, _2x_trucks, _4x_trucks, and each over the
 *   1-year 1x time times the factor: year_run_ratio_2_years, _4_years, _2x_trucks,
 *   _4x_trucks (1.00 is linear; the target is within 10%). The events of each run are
 *   printed beside them (year_events_...), with their ratio to linear
 *   (year_events_ratio_..., 1.00: the work is the factor times as much), and the CPU time an
 *   event over the 1x 1-year run's (year_event_cost_ratio_...).
 *
 * Each time, wall and CPU, is the least of `runs` replications (default 5): other load only
 * ever slows a run down.
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

/* User + system CPU seconds of this process so far. */
static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

typedef struct year_fig {
    double best_s;
    double best_cpu_s;
    double trucks;
    double events;
    double backlog; /* trucks dispatched but not yet entered Gaza at the end */
    long peak_rss_kb; /* the process's peak RSS after the runs */
    char name[128];
} year_fig;

/* A whole number of places, lanes or trucks a day times k (0, "none" or "no limit", stays 0). */
static double scaled(double v, double k)
{
    return round(v * k);
}

static void scale_station(af_scn_station *st, double k)
{
    st->lanes = (unsigned)scaled(st->lanes, k);
    st->daily_cap = (uint32_t)scaled(st->daily_cap, k);
    st->queue_limit = (size_t)scaled((double)st->queue_limit, k);
}

/* The same network carrying k times the trucks, so that it stays in the same regime (the same
 * stations full, the same ones idle) and the work is k times as much: every origin's trucks a
 * day (every step of its plan), its stock and replenishment and its holding yard; every
 * inspection's and crossing's lanes, daily cap and queue limit, transfer lanes, Gaza-side
 * waiting area and collection movements; every leg's trucks a day; every hub's storage,
 * distribution and stock; every region's people (so that need, and coverage, scale too). The
 * same in the scenario each dated change switches to. */
static void scale_network(af_scenario *s, double k)
{
    size_t nc = s->n_categories;
    for (size_t o = 0; o < s->n_origins; o++) {
        af_scn_origin *g = &s->origins[o];
        for (size_t i = 0; i < g->n_steps; i++)
            for (size_t c = 0; c < nc; c++) g->steps[i].trucks[c] *= k;
        for (size_t c = 0; g->has_stock && c < nc; c++) {
            g->stock[c] *= k;
            g->replenish[c] *= k;
        }
        if (g->has_yard) g->yard_capacity = (size_t)scaled((double)g->yard_capacity, k);
    }
    for (size_t i = 0; i < s->n_inspections; i++) scale_station(&s->inspections[i].st, k);
    for (size_t i = 0; i < s->n_crossings; i++) {
        af_scn_crossing *x = &s->crossings[i];
        scale_station(&x->st, k);
        if (x->has_transfer) x->transfer_lanes = (unsigned)scaled(x->transfer_lanes, k);
        if (x->has_gaza_side) {
            x->gs_waiting_area = (size_t)scaled((double)x->gs_waiting_area, k);
            x->gs_collection = (unsigned)scaled(x->gs_collection, k);
        }
    }
    for (size_t i = 0; i < s->n_legs; i++) s->legs[i].capacity = (uint32_t)scaled(s->legs[i].capacity, k);
    for (size_t h = 0; h < s->n_hubs; h++) {
        af_scn_hub *hub = &s->hubs[h];
        hub->capacity *= k;
        hub->distribution *= k;
        for (size_t c = 0; c < nc; c++) hub->stock[c] *= k;
    }
    for (size_t r = 0; r < s->n_regions; r++) {
        af_scn_region *g = &s->regions[r];
        g->population *= k;
        for (size_t i = 0; i < g->n_shifts; i++)
            if (!g->shifts[i].by_share) g->shifts[i].people *= k;
    }
    for (size_t i = 0; i < s->n_changes; i++)
        if (s->changes[i].in_force) scale_network((af_scenario *)s->changes[i].in_force, k);
}

/* Least wall and CPU times of `runs` replications of `path` over `days` days (no warm-up),
 * with the extra overrides `more` (NULL for none) and the network scaled by `k`
 * (scale_network). */
/* `more`: further --set overrides, NULL-terminated (or NULL). */
static int year_run_scaled(const char *path, int days, int runs, const char *const *more, double k,
                           year_fig *out)
{
    char horizon[32];
    snprintf(horizon, sizeof horizon, "horizon=%d d", days);
    const char *set[8] = {horizon, "warmup=0 d"};
    size_t n_set = 2;
    for (size_t i = 0; more && more[i] && n_set < 8; i++) set[n_set++] = more[i];
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(path, set, n_set, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        af_diagnostics_destroy(d);
        return 2;
    }
    af_diagnostics_destroy(d);
    if (k != 1) scale_network(s, k);
    out->best_s = INFINITY;
    out->best_cpu_s = INFINITY;
    snprintf(out->name, sizeof out->name, "%s", s->name);
    af_model_options o = {.keep_daily = true};
    for (int i = 0; i < runs; i++) {
        af_result *r = NULL;
        af_error err;
        double c0 = cpu_now(), t0 = seconds_now();
        if (af_model_run(s, s->seed, 0, &o, &r, &err) != AF_OK) {
            fprintf(stderr, "bench_model: %s\n", err.message);
            af_scenario_free(s);
            return 1;
        }
        double t = seconds_now() - t0, c = cpu_now() - c0;
        if (t < out->best_s) out->best_s = t;
        if (c < out->best_cpu_s) out->best_cpu_s = c;
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

static int year_run_set(const char *path, int days, int runs, const char *const *more,
                        year_fig *out)
{
    return year_run_scaled(path, days, runs, more, 1, out);
}

static int year_run(const char *path, int days, int runs, year_fig *out)
{
    return year_run_set(path, days, runs, NULL, out);
}

/* The linearity figures of run `y` against the 1-year, 1x run `y1`, `factor` times the work. */
static void print_linearity(const char *suffix, const year_fig *y, const year_fig *y1, double factor)
{
    printf("year_run_cpu_s_%s: %.4f s\n", suffix, y->best_cpu_s);
    printf("year_events_%s: %.0f events\n", suffix, y->events);
    printf("year_run_ratio_%s: %.2f x\n", suffix, y->best_cpu_s / (factor * y1->best_cpu_s));
    printf("year_events_ratio_%s: %.2f x\n", suffix, y->events / (factor * y1->events));
    printf("year_event_cost_ratio_%s: %.2f x\n", suffix,
           (y->best_cpu_s / y->events) / (y1->best_cpu_s / y1->events));
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

/* The hold model of bench_engine, events a wall second (best of `runs`); *cpu_rate gets the
 * best events a CPU second. */
static double hold_rate(uint64_t events, size_t pending, int runs, double *cpu_rate)
{
    double best = 0;
    *cpu_rate = 0;
    for (int k = 0; k < runs; k++) {
        hold_model h = {.left = events};
        h.rng = af_rng_create(2, 0, "hold");
        af_sim *sim = af_sim_create(pending);
        if (!sim || !h.rng || af_dist_exponential(&h.delay, 1.0, NULL) != AF_OK) return 0;
        for (size_t i = 0; i < pending; i++)
            af_sim_schedule(sim, af_dist_sample(&h.delay, h.rng), hold_event, &h, i);
        double c0 = cpu_now(), t0 = seconds_now();
        af_sim_run_until(sim, 1e300);
        double rate = (double)af_sim_events_run(sim) / (seconds_now() - t0);
        double cpu = (double)af_sim_events_run(sim) / (cpu_now() - c0);
        if (rate > best) best = rate;
        if (cpu > *cpu_rate) *cpu_rate = cpu;
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
    double hold_cpu;
    double hold = hold_rate(5000000, 1000, runs, &hold_cpu);
    double model_rate = y1.events / y1.best_s;
    printf("year_scenario: %s\n", y1.name);
    printf("year_trucks: %.0f trucks\n", y1.trucks);
    printf("year_events: %.0f events\n", y1.events);
    printf("year_run_s: %.4f s\n", y1.best_s);
    printf("year_run_cpu_s: %.4f s\n", y1.best_cpu_s);
    printf("trucks_per_s: %.0f trucks/s\n", y1.trucks / y1.best_s);
    printf("model_events_per_s: %.0f events/s\n", model_rate);
    printf("hold_events_per_s: %.0f events/s\n", hold);
    printf("model_vs_hold: %.2f x\n", hold / model_rate);
    printf("model_events_per_cpu_s: %.0f events/s\n", y1.events / y1.best_cpu_s);
    printf("hold_events_per_cpu_s: %.0f events/s\n", hold_cpu);
    printf("model_vs_hold_cpu: %.2f x\n", hold_cpu / (y1.events / y1.best_cpu_s));

    /* Cost against the horizon: 1, 2 and 4 years of the first scenario. */
    year_fig y2, y4;
    if ((rc = year_run(argv[1], 730, runs, &y2)) || (rc = year_run(argv[1], 1460, runs, &y4)))
        return rc;
    print_linearity("2_years", &y2, &y1, 2);
    print_linearity("4_years", &y4, &y1, 4);
    /* Cost against the traffic: one year with 2 and 4 times the trucks a day. */
    year_fig t2, t4;
    if ((rc = year_run_scaled(argv[1], 365, runs, NULL, 2, &t2)) ||
        (rc = year_run_scaled(argv[1], 365, runs, NULL, 4, &t4)))
        return rc;
    printf("year_trucks_2x_trucks: %.0f trucks\n", t2.trucks);
    printf("year_trucks_4x_trucks: %.0f trucks\n", t4.trucks);
    print_linearity("2x_trucks", &t2, &y1, 2);
    print_linearity("4x_trucks", &t4, &y1, 4);
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
        printf("year_run_cpu_s_largest: %.4f s\n", yl.best_cpu_s);
    }

    /* A million trucks in the system at once: the default scenario's Egyptian food trucks at
     * 100,000 a day for 10 days, far beyond what the crossings pass, so nearly all of them are
     * still waiting at the end (in a holding yard made large enough to take them: the
     * scenario's 6,000 places would hold the rest back). The peak RSS is the whole process's
     * (target: within 1 GiB). */
    static const char *const million[] = {"origins.al_arish.plan.0.trucks.food=100000 /d",
                                          "origins.al_arish.yard.capacity=2000000", NULL};
    struct rusage before;
    getrusage(RUSAGE_SELF, &before);
    year_fig ym;
    if ((rc = year_run_set(argv[1], 10, 1, million, &ym)))
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
