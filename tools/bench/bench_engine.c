/* Engine benchmarks. Prints one figure a line as `name: value unit`.
 *
 *   mmc_trucks_per_s     M/M/5 queue, arrival rate 4.5, service rate 1.0, 500,000 trucks,
 *                        one replication, through af_station and af_dist (what a model pays)
 *   hold_events_per_s    the classic hold model: 1,000 pending events, each rescheduling
 *                        itself at now + Exp(1), on the af_sim calendar
 *   bare_heap_events_per_s  the same hold model on a bare binary heap of doubles: the
 *                        floor against which the calendar's overhead is judged
 *   hold_overhead_ratio  bare heap rate / calendar rate (the target is below 3)
 *   mm1_customers_per_s  M/M/1 queue, arrival rate 0.9, service rate 1, 1,000,000 customers,
 *                        on the public engine API (af_sim, af_station, af_dist)
 *   lindley_customers_per_s  the same queue by Lindley's recursion
 *                        W(n+1) = max(0, W(n) + S(n) - A(n+1)), with the same streams and
 *                        distribution code and no event list: the floor for one queue
 *   mm1_vs_floor         M/M/1 wall time / Lindley wall time (the target is at most 2)
 *
 * Each timed figure is the best of BEST_OF runs in this process (the machine's speed drifts).
 * The M/M/1, Lindley, hold and bare-heap figures are also given on this thread's CPU time
 * (`..._cpu` names), which other jobs on a shared machine disturb far less than wall time.
 *
 * Usage: bench_engine [trucks [part]] — a smaller count for a quick look; part is mmc, mm1 or
 * hold to run only that benchmark (for a profiler), all by default.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aidflow/aidflow.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the calling thread. */
static double cpu_seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall and CPU seconds of one timed stretch. */
typedef struct span {
    double wall;
    double cpu;
} span;

static span span_start(void)
{
    return (span){seconds_now(), cpu_seconds_now()};
}

static span span_since(span t0)
{
    return (span){seconds_now() - t0.wall, cpu_seconds_now() - t0.cpu};
}

static void span_best(span *best, span s)
{
    if (s.wall < best->wall) best->wall = s.wall;
    if (s.cpu < best->cpu) best->cpu = s.cpu;
}

typedef struct mmc {
    af_sim *sim;
    af_station *st;
    af_rng *arrivals_rng;
    af_rng *service_rng;
    af_dist interarrival;
    af_dist service;
    uint64_t next_id;
    uint64_t target;
    uint64_t served;
    double wait_sum;
} mmc;

static void mmc_arrival(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mmc *m = ctx;
    if (af_station_arrive(m->st, m->next_id++, 0, af_dist_sample(&m->service, m->service_rng)) != AF_OK)
        af_sim_stop(sim);
    if (m->next_id < m->target)
        af_sim_schedule(sim, af_dist_sample(&m->interarrival, m->arrivals_rng), mmc_arrival, m, 0);
}

static void mmc_started(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited)
{
    (void)sim, (void)st, (void)entity;
    mmc *m = ctx;
    m->wait_sum += waited;
}

static void mmc_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity)
{
    (void)sim, (void)st, (void)entity;
    mmc *m = ctx;
    m->served++;
}

static int bench_mmc(uint64_t trucks)
{
    mmc m = {0};
    m.target = trucks;
    m.sim = af_sim_create(64);
    m.arrivals_rng = af_rng_create(1, 0, "arrivals");
    m.service_rng = af_rng_create(1, 0, "service");
    if (!m.sim || !m.arrivals_rng || !m.service_rng) return 1;
    if (af_dist_exponential(&m.interarrival, 1 / 4.5, NULL) != AF_OK ||
        af_dist_exponential(&m.service, 1.0, NULL) != AF_OK)
        return 1;
    af_station_config cfg = {.name = "mmc", .lanes = 5, .discipline = AF_QUEUE_FCFS};
    af_station_hooks hooks = {.started = mmc_started, .done = mmc_done, .ctx = &m};
    if (af_station_create(&m.st, m.sim, &cfg, &hooks, NULL) != AF_OK) return 1;

    double t0 = seconds_now();
    af_sim_schedule(m.sim, 0, mmc_arrival, &m, 0);
    af_sim_run_until(m.sim, 1e300);
    double dt = seconds_now() - t0;

    /* A sanity figure: Erlang C gives Wq = 1.5250 for this queue. */
    printf("mmc_trucks: %llu trucks\n", (unsigned long long)m.served);
    printf("mmc_mean_wait: %.4f time units\n", m.wait_sum / (double)m.served);
    printf("mmc_events: %llu events\n", (unsigned long long)af_sim_events_run(m.sim));
    printf("mmc_trucks_per_s: %.0f trucks/s\n", (double)m.served / dt);
    af_station_destroy(m.st);
    af_rng_destroy(m.arrivals_rng);
    af_rng_destroy(m.service_rng);
    af_sim_destroy(m.sim);
    return m.served == trucks ? 0 : 1;
}

#define BEST_OF 5

/* The M/M/1 queue on the engine: one station, arrivals scheduled one ahead. The waits are
 * the station's own tally (af_station_get_stats), which it keeps for every station: no hook
 * adds them up a second time. */
typedef struct mm1 {
    af_rng *arrivals_rng;
    af_rng *service_rng;
    af_dist interarrival;
    af_dist service;
    af_station *st;
    uint64_t next_id;
    uint64_t target;
} mm1;

static void mm1_arrival(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mm1 *m = ctx;
    /* The gap to the next arrival is drawn first (the streams are separate, so the numbers are
     * the same in either order): its log1p then runs beside the station's work instead of
     * just before the comparison that places the next arrival. */
    double gap = af_dist_sample(&m->interarrival, m->arrivals_rng);
    if (af_station_arrive(m->st, m->next_id++, 0, af_dist_sample(&m->service, m->service_rng)) != AF_OK)
        af_sim_stop(sim);
    if (m->next_id < m->target) af_sim_schedule(sim, gap, mm1_arrival, m, 0);
}

/* Seconds for `n` customers of the M/M/1 queue on the engine (wall < 0 on failure);
 * *mean_wait gets Wq. */
static span run_mm1(uint64_t n, double *mean_wait)
{
    mm1 m = {.target = n};
    af_sim *sim = af_sim_create(64);
    m.arrivals_rng = af_rng_create(3, 0, "arrivals");
    m.service_rng = af_rng_create(3, 0, "service");
    if (!sim || !m.arrivals_rng || !m.service_rng ||
        af_dist_exponential(&m.interarrival, 1 / 0.9, NULL) != AF_OK ||
        af_dist_exponential(&m.service, 1.0, NULL) != AF_OK)
        return (span){-1, -1};
    af_station_config cfg = {.name = "mm1", .lanes = 1, .discipline = AF_QUEUE_FCFS};
    af_station_hooks hooks = {.ctx = &m};
    if (af_station_create(&m.st, sim, &cfg, &hooks, NULL) != AF_OK) return (span){-1, -1};
    span t0 = span_start();
    af_sim_schedule(sim, 0, mm1_arrival, &m, 0);
    af_sim_run_until(sim, 1e300);
    span dt = span_since(t0);
    const af_station_stats *stats = af_station_get_stats(m.st);
    *mean_wait = af_tally_mean(&stats->wait);
    bool ok = stats->served == n && stats->wait.n == n;
    af_station_destroy(m.st);
    af_rng_destroy(m.arrivals_rng);
    af_rng_destroy(m.service_rng);
    af_sim_destroy(sim);
    return ok ? dt : (span){-1, -1};
}

/* Seconds for `n` customers by Lindley's recursion, drawing in the order the engine run
 * draws (customer n's service, then the gap to customer n+1); *mean_wait gets Wq. */
static span run_lindley(uint64_t n, double *mean_wait)
{
    af_rng *arr = af_rng_create(3, 0, "arrivals");
    af_rng *svc = af_rng_create(3, 0, "service");
    af_dist ia, sv;
    if (!arr || !svc || af_dist_exponential(&ia, 1 / 0.9, NULL) != AF_OK ||
        af_dist_exponential(&sv, 1.0, NULL) != AF_OK)
        return (span){-1, -1};
    span t0 = span_start();
    double w = 0, sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        sum += w;
        double s = af_dist_sample(&sv, svc);
        if (i + 1 < n) {
            double a = af_dist_sample(&ia, arr);
            w = w + s - a;
            if (w < 0) w = 0;
        }
    }
    span dt = span_since(t0);
    *mean_wait = sum / (double)n;
    af_rng_destroy(arr);
    af_rng_destroy(svc);
    return dt;
}

static int bench_mm1(uint64_t n)
{
    span best_q = {INFINITY, INFINITY}, best_l = {INFINITY, INFINITY};
    double wq = 0, wl = 0;
    for (int k = 0; k < BEST_OF; k++) {
        span q = run_mm1(n, &wq), l = run_lindley(n, &wl);
        if (q.wall < 0 || l.wall < 0) return 1;
        span_best(&best_q, q);
        span_best(&best_l, l);
    }
    /* Both see the same customers, so the mean waits agree (to rounding); M/M/1 theory gives
     * Wq = rho / (mu - lambda) = 9. */
    printf("mm1_customers: %llu customers\n", (unsigned long long)n);
    printf("mm1_mean_wait: %.4f time units\n", wq);
    printf("lindley_mean_wait: %.4f time units\n", wl);
    printf("mm1_customers_per_s: %.0f customers/s\n", (double)n / best_q.wall);
    printf("lindley_customers_per_s: %.0f customers/s\n", (double)n / best_l.wall);
    printf("mm1_vs_floor: %.2f x\n", best_q.wall / best_l.wall);
    printf("mm1_customers_per_cpu_s: %.0f customers/s\n", (double)n / best_q.cpu);
    printf("lindley_customers_per_cpu_s: %.0f customers/s\n", (double)n / best_l.cpu);
    printf("mm1_vs_floor_cpu: %.2f x\n", best_q.cpu / best_l.cpu);
    return fabs(wq - wl) < 1e-6 * (1 + wl) ? 0 : 1;
}

typedef struct hold {
    af_rng *rng;
    af_dist delay;
    uint64_t left;
} hold;

static void hold_event(af_sim *sim, void *ctx, uint64_t arg)
{
    hold *h = ctx;
    if (h->left == 0) return;
    h->left--;
    af_sim_schedule(sim, af_dist_sample(&h->delay, h->rng), hold_event, h, arg);
}

/* Events a second of one hold run, on wall and CPU time (0 on failure). */
static span bench_hold(uint64_t events, size_t pending)
{
    hold h = {.left = events};
    h.rng = af_rng_create(2, 0, "hold");
    af_sim *sim = af_sim_create(pending);
    if (!sim || !h.rng || af_dist_exponential(&h.delay, 1.0, NULL) != AF_OK) return (span){0, 0};
    for (size_t i = 0; i < pending; i++)
        af_sim_schedule(sim, af_dist_sample(&h.delay, h.rng), hold_event, &h, i);
    span t0 = span_start();
    af_sim_run_until(sim, 1e300);
    span dt = span_since(t0);
    uint64_t ran = af_sim_events_run(sim);
    af_sim_destroy(sim);
    af_rng_destroy(h.rng);
    return (span){(double)ran / dt.wall, (double)ran / dt.cpu};
}

/* A bare binary min-heap of doubles: no sequence numbers, no handles, no callbacks. */
static span bench_bare_heap(uint64_t events, size_t pending)
{
    double *heap = malloc(pending * sizeof *heap);
    af_rng *rng = af_rng_create(2, 0, "hold");
    af_dist delay;
    if (!heap || !rng || af_dist_exponential(&delay, 1.0, NULL) != AF_OK) return (span){0, 0};
    size_t n = 0;
    for (size_t i = 0; i < pending; i++) {
        double t = af_dist_sample(&delay, rng);
        size_t k = n++;
        while (k > 0 && heap[(k - 1) / 2] > t) {
            heap[k] = heap[(k - 1) / 2];
            k = (k - 1) / 2;
        }
        heap[k] = t;
    }
    span t0 = span_start();
    uint64_t ran = 0;
    for (uint64_t e = 0; e < events; e++) {
        /* Pop the minimum and push now + delay in one replace-top operation. */
        double now = heap[0];
        double t = now + af_dist_sample(&delay, rng);
        size_t k = 0;
        for (;;) {
            size_t c = 2 * k + 1;
            if (c >= n) break;
            if (c + 1 < n && heap[c + 1] < heap[c]) c++;
            if (heap[c] >= t) break;
            heap[k] = heap[c];
            k = c;
        }
        heap[k] = t;
        ran++;
    }
    span dt = span_since(t0);
    volatile double sink = heap[0];
    (void)sink;
    free(heap);
    af_rng_destroy(rng);
    return (span){(double)ran / dt.wall, (double)ran / dt.cpu};
}

/* The best rates of BEST_OF hold runs on the calendar and on the bare heap, alternated. */
static int bench_hold_pair(uint64_t events, size_t pending)
{
    span hold_rate = {0, 0}, bare_rate = {0, 0};
    for (int k = 0; k < BEST_OF; k++) {
        span h = bench_hold(events, pending), b = bench_bare_heap(events, pending);
        if (!(h.wall > 0) || !(b.wall > 0)) return 1;
        if (h.wall > hold_rate.wall) hold_rate.wall = h.wall;
        if (h.cpu > hold_rate.cpu) hold_rate.cpu = h.cpu;
        if (b.wall > bare_rate.wall) bare_rate.wall = b.wall;
        if (b.cpu > bare_rate.cpu) bare_rate.cpu = b.cpu;
    }
    printf("hold_events_per_s: %.0f events/s\n", hold_rate.wall);
    printf("bare_heap_events_per_s: %.0f events/s\n", bare_rate.wall);
    printf("hold_overhead_ratio: %.2f x\n", bare_rate.wall / hold_rate.wall);
    printf("hold_events_per_cpu_s: %.0f events/s\n", hold_rate.cpu);
    printf("bare_heap_events_per_cpu_s: %.0f events/s\n", bare_rate.cpu);
    printf("hold_overhead_ratio_cpu: %.2f x\n", bare_rate.cpu / hold_rate.cpu);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t trucks = argc > 1 ? strtoull(argv[1], NULL, 10) : 500000;
    if (trucks == 0) trucks = 500000;
    const char *part = argc > 2 ? argv[2] : "all";
    bool all = strcmp(part, "all") == 0;
    if (!all && strcmp(part, "mmc") != 0 && strcmp(part, "mm1") != 0 &&
        strcmp(part, "hold") != 0) {
        fprintf(stderr, "bench_engine: unknown part '%s', expected mmc, mm1, hold or all\n",
                part);
        return 2;
    }
    if ((all || strcmp(part, "mmc") == 0) && bench_mmc(trucks) != 0) {
        fprintf(stderr, "bench_engine: the M/M/5 run failed\n");
        return 1;
    }
    if ((all || strcmp(part, "mm1") == 0) && bench_mm1(trucks * 2) != 0) {
        fprintf(stderr, "bench_engine: the M/M/1 run and Lindley's recursion disagree\n");
        return 1;
    }
    if ((all || strcmp(part, "hold") == 0) && bench_hold_pair(trucks * 10, 1000) != 0) {
        fprintf(stderr, "bench_engine: a hold run failed\n");
        return 1;
    }
    return 0;
}
