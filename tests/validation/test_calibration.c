/* Calibration: the bundled spring-2024, autumn-2024 and CMCC-2025 scenarios reproduce the figures
 * reported for their periods within 15% (mean over the scenario's replications, at least 5),
 * as issue 4 asks. The targets are read from the observed figures of each scenario,
 * scenarios/observed/NAME.csv (issue 18), whose rows cite docs/SOURCES.md:
 *   spring_2024.csv  about 200 a day entered in March 2024 (US defense official) and 169 in
 *                    April (OCHA); the target is their day-weighted mean over the horizon,
 *                    (31 x 200 + 30 x 169) / 61 = 184.8, against the model's entries over the
 *                    same days; the test also prints the distance to each month's figure.
 *   autumn_2024.csv  93 a day entered and 72 collected in December 2024 (UNRWA): the model's
 *                    trucks_per_day.entered and .collected over December.
 *   cmcc_2025.csv    two counts of 12 October - 7 December 2025 (AP; the UN2720 mechanism):
 *                    459 a day crossing by COGAT's data (trucks_per_day.entered, every sender)
 *                    and 113 a day offloaded, the UN and its partners only
 *                    (trucks_per_day.offloaded.humanitarian: the scenario's un_* origins are
 *                    the humanitarian senders, the private sector's the commercial ones).
 *                    Here COGAT's daily caps set the entries, and the plans exceed them.
 * For each basis the rows of that basis are combined day-weighted and compared with the
 * model's window metric over the days they cover (af_model_options.windows); a basis whose
 * rows leave a gap or overlap is a mistake of the file and fails the test.
 * All three dispatch more than the stations can take (thousands queued in Egypt), so the
 * entries come from the modelled stations and not from the plans; the test checks that too. */
#include "af_test.h"

#include <stdlib.h>
#include <string.h>

#include "aidflow/calibrate.h"
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

#define MAX_WINDOWS 32

typedef struct basis_target {
    char basis[200];
    char window[256]; /* the basis over the days its rows cover */
    double target;    /* the rows' day-weighted mean */
    size_t n_rows;
    long from, to;
} basis_target;

typedef struct estimate {
    af_observed *obs;
    size_t n_bases;
    basis_target bases[MAX_WINDOWS];
    const char *windows[2 * MAX_WINDOWS]; /* each row's window, then each basis's */
    size_t n_windows;
    af_tally sim[2 * MAX_WINDOWS];        /* one value per replication, per window */
    af_tally dispatched;                  /* trucks a day dispatched */
    af_tally entered;                     /* trucks_per_day.entered over the horizon */
    af_tally backlog;                     /* trucks in the system at the end */
    unsigned n;
    int horizon_days;
} estimate;

static double metric(const af_result *r, const char *name)
{
    size_t k = af_result_metric(r, name);
    if (k == (size_t)-1) fail_msg("no metric %s", name);
    return r->metrics[k];
}

/* Reads the observed figures of `name` and groups them by basis. */
static void read_targets(const char *name, const af_scenario *s, estimate *e)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/observed/%s.csv", AF_SOURCE_DIR, name);
    af_diagnostics *d = af_diagnostics_create(0);
    if (af_observed_load(path, &e->obs, d) != AF_OK || af_observed_check(e->obs, s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        fail_msg("%s does not load or does not fit its scenario", path);
    }
    af_diagnostics_destroy(d);
    assert_true(e->obs->n > 0 && e->obs->n <= MAX_WINDOWS);
    for (size_t i = 0; i < e->obs->n; i++) {
        const af_observed_row *row = &e->obs->rows[i];
        e->windows[e->n_windows++] = row->window;
        size_t b = 0;
        while (b < e->n_bases && strcmp(e->bases[b].basis, row->basis)) b++;
        if (b == e->n_bases) {
            basis_target *t = &e->bases[e->n_bases++];
            snprintf(t->basis, sizeof t->basis, "%s", row->basis);
            t->from = row->from;
            t->to = row->to;
        }
        basis_target *t = &e->bases[b];
        if (row->from < t->from) t->from = row->from;
        if (row->to > t->to) t->to = row->to;
    }
    for (size_t b = 0; b < e->n_bases; b++) {
        basis_target *t = &e->bases[b];
        double days = 0, sum = 0;
        for (size_t i = 0; i < e->obs->n; i++) {
            const af_observed_row *row = &e->obs->rows[i];
            if (strcmp(row->basis, t->basis)) continue;
            double n = (double)(row->to - row->from + 1);
            days += n;
            sum += n * row->value;
            t->n_rows++;
        }
        if (days != (double)(t->to - t->from + 1))
            fail_msg("%s: the rows of %s leave a gap or overlap", path, t->basis);
        t->target = sum / days;
        char from[32], to[32];
        long span[2] = {t->from, t->to};
        for (int k = 0; k < 2; k++) {
            /* The row whose from (to) is the span's gives the date text. */
            for (size_t i = 0; i < e->obs->n; i++) {
                const af_observed_row *row = &e->obs->rows[i];
                const char *w = strchr(row->window, '@') + 1;
                if (k == 0 && row->from == span[0]) snprintf(from, sizeof from, "%.10s", w);
                if (k == 1 && row->to == span[1]) snprintf(to, sizeof to, "%.10s", w + 12);
            }
        }
        snprintf(t->window, sizeof t->window, "%s@%s..%s", t->basis, from, to);
        e->windows[e->n_windows++] = t->window;
    }
}

static estimate *run_scenario(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s.yaml", AF_SOURCE_DIR, name);
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(path, NULL, 0, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        fail_msg("%s does not load", path);
    }
    af_diagnostics_destroy(d);

    estimate *e = calloc(1, sizeof *e);
    assert_non_null(e);
    read_targets(name, s, e);
    for (size_t w = 0; w < e->n_windows; w++) af_tally_reset(&e->sim[w]);
    af_tally_reset(&e->dispatched);
    af_tally_reset(&e->entered);
    af_tally_reset(&e->backlog);
    e->n = s->replications > MIN_REPLICATIONS ? s->replications : MIN_REPLICATIONS;
    e->horizon_days = s->horizon_days;
    af_model_options o = {.keep_daily = false, .windows = e->windows, .n_windows = e->n_windows};
    for (unsigned rep = 0; rep < e->n; rep++) {
        af_result *r = NULL;
        af_error err;
        af_error_clear(&err);
        if (af_model_run(s, s->seed, rep, &o, &r, &err) != AF_OK)
            fail_msg("%s replication %u: %s", name, rep, err.message);
        for (size_t w = 0; w < e->n_windows; w++) af_tally_add(&e->sim[w], metric(r, e->windows[w]));
        af_tally_add(&e->dispatched, metric(r, "trucks.dispatched") / s->horizon_days);
        af_tally_add(&e->entered, metric(r, "trucks_per_day.entered"));
        af_tally_add(&e->backlog, metric(r, "trucks.in_system"));
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

/* Prints, per basis, the target, the mean with its 95% interval and the relative error, and
 * each row's; asserts each basis within 15%, and that the plan exceeds what enters. */
static void check(const char *name, estimate *e)
{
    size_t rows = e->obs->n;
    for (size_t b = 0; b < e->n_bases; b++) {
        const basis_target *t = &e->bases[b];
        double mean, hw;
        half_width(&e->sim[rows + b], e->n, &mean, &hw);
        double rel = mean / t->target - 1;
        printf("# %s: %s = %.1f [%.1f, %.1f] (95%% CI, %u replications); observed %.1f "
               "(day-weighted over %zu figure(s)); error %+.1f%% (tolerance %.0f%%)\n",
               name, t->window, mean, mean - hw, mean + hw, e->n, t->target,
               t->n_rows, 100 * rel, 100 * TOLERANCE);
        if (!(fabs(rel) <= TOLERANCE))
            fail_msg("%s: %s is %.1f, %+.1f%% from the observed %.1f", name, t->window, mean,
                     100 * rel, t->target);
    }
    for (size_t i = 0; i < rows; i++) {
        const af_observed_row *row = &e->obs->rows[i];
        double mean = af_tally_mean(&e->sim[i]);
        printf("#   %s (%s): %.1f against %g reported (%+.1f%%)\n", row->id, row->window, mean,
               row->value, 100 * (mean / row->value - 1));
    }
    /* The plan must exceed what enters: the throughput comes from the stations. */
    double dispatched = af_tally_mean(&e->dispatched), entered = af_tally_mean(&e->entered);
    printf("#   dispatched %.1f a day; %.0f trucks still in the system at the end (the backlog)\n",
           dispatched, af_tally_mean(&e->backlog));
    assert_true(dispatched > 1.1 * entered);
}

static double basis_mean(const estimate *e, const char *basis)
{
    for (size_t b = 0; b < e->n_bases; b++)
        if (!strcmp(e->bases[b].basis, basis)) return af_tally_mean(&e->sim[e->obs->n + b]);
    fail_msg("no observed figure on %s", basis);
    return NAN;
}

static void finish(estimate *e)
{
    af_observed_free(e->obs);
    free(e);
}

static void test_spring_2024(void **state)
{
    (void)state;
    estimate *e = run_scenario("spring_2024");
    /* The rows cover the whole horizon: the window is the per-run metric. */
    assert_int_equal(e->n_bases, 1);
    assert_true(basis_mean(e, "trucks_per_day.entered") == af_tally_mean(&e->entered));
    check("spring_2024", e);
    finish(e);
}

static void test_autumn_2024(void **state)
{
    (void)state;
    estimate *e = run_scenario("autumn_2024");
    check("autumn_2024", e);
    /* Both bases, and the gap between them is the Gaza side's backlog. */
    assert_true(basis_mean(e, "trucks_per_day.collected") < basis_mean(e, "trucks_per_day.entered"));
    finish(e);
}

/* The CMCC period: COGAT's 459 a day crossing (every sender) and UN2720's 113 a day offloaded
 * (the UN and its partners: trucks_per_day.offloaded.humanitarian) over the same weeks. */
static void test_cmcc_2025(void **state)
{
    (void)state;
    estimate *e = run_scenario("cmcc_2025");
    assert_int_equal(e->n_bases, 2);
    check("cmcc_2025", e);
    /* COGAT's basis counts every sender, UN2720's the UN and partners only: about fourfold. */
    assert_true(basis_mean(e, "trucks_per_day.offloaded.humanitarian") <
                0.5 * basis_mean(e, "trucks_per_day.entered"));
    finish(e);
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
