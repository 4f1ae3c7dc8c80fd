/* Calibration: the bundled spring-2024 and autumn-2024 scenarios reproduce the average daily
 * truck entries reported for their periods within 15% (mean over the scenario's replications,
 * at least 5), as issue 4 asks. The targets and why they were chosen are in the scenario files'
 * comments:
 *   spring_2024.yaml  185 a day: March-April 2024, the day-weighted mean of ~200 a day in March
 *                     (US defense official, FIGURES.md) and 169 a day in April (OCHA,
 *                     GAZA_LOGISTICS.md s.3); the test also prints the distance to each report.
 *   autumn_2024.yaml   93 a day: December 2024, UNRWA (GAZA_LOGISTICS.md s.3), which also gives
 *                      72 a day collected (the UN basis): the model's trucks_per_day.collected
 *                      is held to it with the same tolerance.
 *   cmcc_2025.yaml    two counts of the same weeks, 12 October - 7 December 2025 (AP,
 *                     GAZA_LOGISTICS.md s.0 and s.7): 459 a day crossing by COGAT's data
 *                     (trucks_per_day.entered, every sender) and 113 a day offloaded by the
 *                     UN2720 mechanism, which counts the UN and its partners only
 *                     (trucks_per_day.offloaded.humanitarian: the un_* origins are the
 *                     humanitarian senders, the private sector the commercial ones). Both are
 *                     held to 15%. Here COGAT's daily caps set the entries, and the plans
 *                     exceed them (OCHA's ~190,000 t waiting), which the test checks too.
 * Both scenarios dispatch more than the stations can take (thousands queued in Egypt), so the
 * entries come from the modelled stations and not from the plans; the test checks that too. */
#include "af_test.h"

#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario.h"
#include "aidflow/stats.h"

#define TOLERANCE 0.15
#define MIN_REPLICATIONS 5u

/* Two-sided 95% Student t quantiles for 1..30 degrees of freedom; 1.96 beyond. */
static double t95(unsigned df)
{
    static const double q[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
                               2.228,  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
                               2.093,  2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
                               2.048,  2.045, 2.042};
    return df >= 1 && df <= 30 ? q[df - 1] : 1.96;
}

typedef struct estimate {
    af_tally entered;    /* trucks_per_day.entered, one value per replication */
    af_tally collected;  /* trucks_per_day.collected: collected on the Gaza side of crossings */
    af_tally dispatched; /* trucks_per_day dispatched */
    af_tally un_offloaded; /* trucks_per_day.offloaded.humanitarian, when the scenario has it */
    af_tally backlog;    /* trucks in the system at the end */
    unsigned n;
    int horizon_days;
} estimate;

static double metric(const af_result *r, const char *name)
{
    size_t k = af_result_metric(r, name);
    if (k == (size_t)-1) fail_msg("no metric %s", name);
    return r->metrics[k];
}

static estimate run_scenario(const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s", AF_SOURCE_DIR, file);
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(path, NULL, 0, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        fail_msg("%s does not load", path);
    }
    af_diagnostics_destroy(d);

    estimate e;
    memset(&e, 0, sizeof e);
    af_tally_reset(&e.entered);
    af_tally_reset(&e.collected);
    af_tally_reset(&e.dispatched);
    af_tally_reset(&e.backlog);
    af_tally_reset(&e.un_offloaded);
    e.n = s->replications > MIN_REPLICATIONS ? s->replications : MIN_REPLICATIONS;
    e.horizon_days = s->horizon_days;
    af_model_options o = {.keep_daily = false};
    for (unsigned rep = 0; rep < e.n; rep++) {
        af_result *r = NULL;
        af_error err;
        af_error_clear(&err);
        if (af_model_run(s, s->seed, rep, &o, &r, &err) != AF_OK)
            fail_msg("%s replication %u: %s", file, rep, err.message);
        double days = s->horizon_days;
        af_tally_add(&e.entered, metric(r, "trucks_per_day.entered"));
        af_tally_add(&e.collected, metric(r, "trucks_per_day.collected"));
        af_tally_add(&e.dispatched, metric(r, "trucks.dispatched") / days);
        af_tally_add(&e.backlog, metric(r, "trucks.in_system"));
        if (af_result_metric(r, "trucks_per_day.offloaded.humanitarian") != (size_t)-1)
            af_tally_add(&e.un_offloaded, metric(r, "trucks_per_day.offloaded.humanitarian"));
        af_result_free(r);
    }
    af_scenario_free(s);
    return e;
}

static void half_width(const af_tally *t, unsigned n, double *mean, double *hw)
{
    *mean = af_tally_mean(t);
    *hw = n > 1 ? t95(n - 1) * af_tally_sd(t) / sqrt((double)n) : NAN;
}

/* Prints target, mean with its 95% interval and the relative error; asserts within 15%. */
static void check(const char *file, const estimate *e, double target)
{
    double mean, hw;
    half_width(&e->entered, e->n, &mean, &hw);
    double rel = mean / target - 1;
    printf("# %s: trucks_per_day.entered = %.1f [%.1f, %.1f] (95%% CI, %u replications, %d days); "
           "target %.1f; error %+.1f%% (tolerance %.0f%%)\n",
           file, mean, mean - hw, mean + hw, e->n, e->horizon_days, target, 100 * rel,
           100 * TOLERANCE);
    if (!(fabs(rel) <= TOLERANCE))
        fail_msg("%s: %.1f trucks a day entered, %+.1f%% from the reported %.1f", file, mean,
                 100 * rel, target);
    /* The plan must exceed what enters: the throughput comes from the stations. */
    double dispatched = af_tally_mean(&e->dispatched);
    printf("#   dispatched %.1f a day; %.0f trucks still in the system at the end (the backlog)\n",
           dispatched, af_tally_mean(&e->backlog));
    assert_true(dispatched > 1.1 * mean);
}

static void test_spring_2024(void **state)
{
    (void)state;
    estimate e = run_scenario("spring_2024.yaml");
    /* (31 days x 200 + 30 days x 169) / 61 days */
    double target = (31 * 200.0 + 30 * 169.0) / 61;
    check("spring_2024.yaml", &e, target);
    double mean = af_tally_mean(&e.entered);
    printf("#   against each report: %+.1f%% from ~200 (March, US official), %+.1f%% from 169 (April, OCHA)\n",
           100 * (mean / 200 - 1), 100 * (mean / 169 - 1));
}

static void test_autumn_2024(void **state)
{
    (void)state;
    estimate e = run_scenario("autumn_2024.yaml");
    check("autumn_2024.yaml", &e, 93);
    double mean, hw;
    half_width(&e.collected, e.n, &mean, &hw);
    printf("#   trucks_per_day.collected %.1f [%.1f, %.1f] a day; reported 72 (%+.1f%%, tolerance "
           "%.0f%%)\n", mean, mean - hw, mean + hw, 100 * (mean / 72 - 1), 100 * TOLERANCE);
    if (!(fabs(mean / 72 - 1) <= TOLERANCE))
        fail_msg("autumn_2024.yaml: %.1f trucks a day collected, %+.1f%% from the reported 72", mean,
                 100 * (mean / 72 - 1));
    /* Both bases, and the gap between them is the Gaza side's backlog. */
    assert_true(af_tally_mean(&e.collected) < af_tally_mean(&e.entered));
}

static void test_cmcc_2025(void **state)
{
    (void)state;
    estimate e = run_scenario("cmcc_2025.yaml");
    check("cmcc_2025.yaml", &e, 459);
    assert_int_equal(e.un_offloaded.n, e.n);
    double mean, hw;
    half_width(&e.un_offloaded, e.n, &mean, &hw);
    double rel = mean / 113 - 1;
    printf("#   trucks_per_day.offloaded.humanitarian %.1f [%.1f, %.1f] a day; UN2720 reported 113 "
           "(%+.1f%%, tolerance %.0f%%)\n", mean, mean - hw, mean + hw, 100 * rel, 100 * TOLERANCE);
    if (!(fabs(rel) <= TOLERANCE))
        fail_msg("cmcc_2025.yaml: %.1f UN trucks a day offloaded, %+.1f%% from the reported 113", mean,
                 100 * rel);
    /* COGAT's basis counts every sender, UN2720's the UN and partners only: about fourfold. */
    assert_true(af_tally_mean(&e.un_offloaded) < 0.5 * af_tally_mean(&e.entered));
    half_width(&e.collected, e.n, &mean, &hw);
    printf("#   trucks_per_day.collected (every sender) %.1f [%.1f, %.1f] a day (not reported)\n", mean,
           mean - hw, mean + hw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spring_2024),
        cmocka_unit_test(test_autumn_2024),
        cmocka_unit_test(test_cmcc_2025),
    };
    return cmocka_run_group_tests_name("calibration", tests, NULL, NULL);
}
