/* Model benchmark: one 365-day replication of a scenario (the default one in meson's
 * benchmark). Prints one figure a line as `name: value unit`:
 *   year_run_s     wall seconds for the replication (target: under 0.2 s)
 *   trucks_per_s   trucks dispatched per wall second in that run
 *   events_per_s   engine events per wall second
 *
 * Usage: bench_model SCENARIO.yaml [runs] — the figure is the median of `runs` (default 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "aidflow/aidflow.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_model SCENARIO.yaml [runs]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 101) runs = 5;
    const char *year[] = {"horizon=365 d", "warmup=0 d"};
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(argv[1], year, 2, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        return 2;
    }
    af_diagnostics_destroy(d);
    double times[101], trucks = 0, events = 0;
    af_model_options o = {.keep_daily = true};
    for (int i = 0; i < runs; i++) {
        af_result *r = NULL;
        af_error err;
        double t0 = seconds_now();
        if (af_model_run(s, s->seed, 0, &o, &r, &err) != AF_OK) {
            fprintf(stderr, "bench_model: %s\n", err.message);
            return 1;
        }
        times[i] = seconds_now() - t0;
        trucks = r->metrics[af_result_metric(r, "trucks.dispatched")];
        events = (double)r->events;
        af_result_free(r);
    }
    qsort(times, (size_t)runs, sizeof times[0], cmp);
    double t = times[runs / 2];
    printf("year_scenario: %s\n", s->name);
    printf("year_trucks: %.0f trucks\n", trucks);
    printf("year_run_s: %.4f s\n", t);
    printf("trucks_per_s: %.0f trucks/s\n", trucks / t);
    printf("events_per_s: %.0f events/s\n", events / t);
    af_scenario_free(s);
    return 0;
}
