/* Observed figures and calibration (include/aidflow/calibrate.h), through the C API on the
 * logistics model.
 *
 * Recovery: a small network (an origin dispatching 200 trucks a day, above what the one
 * inspection can take: 4 lanes, 10 open hours, lognormal service of mean M; a share F of the
 * trucks is flagged and every flagged truck rejected). Saturated, the inspection serves about
 * 4 x 600 / M trucks a day (80 at M = 30 min) and (1 - F) of them enter, so the two bases
 * trucks_per_day.inspected and trucks_per_day.entered identify M and F. Observed figures are
 * made by the model itself at M = 30 min and F = 0.2 on another seed (8 replications; each
 * figure's uncertainty the standard error of its mean), and the calibration starts from the
 * scenario's M = 40 and F = 0.05. It must recover both within 3 of its standard errors (a
 * 99.7% interval), and those must be small (under 5% of the ranges) for that to mean
 * something. The calibrated scenario must resolve to the fitted one and reproduce its
 * figures; a second call resumes; a held-out figure is out of the objective. */
#include "exp_test_util.h"

#include <math.h>

#include "aidflow/calibrate.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"

static const char *const yaml =
    "name: synthetic calibration\n"
    "start: 2024-03-04\n"
    "horizon: 28 d\n"
    "warmup: 3 d\n"
    "seed: 7\n"
    "replications: 4\n"
    "categories:\n"
    "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg, dual_use: 0.05}\n"
    "regions:\n"
    "  - {name: south, population: 720000}\n"
    "holds:\n"
    "  - {name: review, duration: 1 h, cleared: 0, rejected: 1, on_reject: write_off}\n"
    "hubs:\n"
    "  - {name: hub, serves: [south]}\n"
    "origins:\n"
    "  - name: arish\n"
    "    dispatch: poisson\n"
    "    plan:\n"
    "      - {from: 2024-02-01, trucks: {food: 200}}\n"
    "inspections:\n"
    "  - name: insp\n"
    "    lanes: 4\n"
    "    service: {lognormal: {mean: 40 min, sd: 10 min}}\n"
    "    hours: \"08:00-18:00\"\n"
    "    hold: review\n"
    "crossings:\n"
    "  - {name: gate, lanes: 20, service: 5 min}\n"
    "legs:\n"
    "  - {name: a, from: arish, to: insp, travel: 1 h}\n"
    "  - {name: b, from: insp, to: gate, travel: 1 h}\n"
    "  - {name: c, from: gate, to: hub, travel: 1 h}\n"
    "routes:\n"
    "  - {name: main, origin: arish, via: [insp, gate], hub: hub}\n";

#define MEAN_PATH "inspections.insp.service.lognormal.mean"
#define FLAG_PATH "categories.food.dual_use"

static const char *const windows[] = {
    "trucks_per_day.inspected@2024-03-04..2024-03-17",
    "trucks_per_day.inspected@2024-03-18..2024-03-31",
    "trucks_per_day.entered@2024-03-04..2024-03-17",
    "trucks_per_day.entered@2024-03-18..2024-03-31",
};
#define N_WINDOWS 4

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static af_scenario *load(const char *path, const char *const *sets, size_t n)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(path, sets, n, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        fail_msg("%s does not load", path);
    }
    af_diagnostics_destroy(d);
    return s;
}

/* Means (and standard errors) of the windows over replications 0..reps-1 with `seed`. */
static void simulate(const af_scenario *s, uint64_t seed, unsigned reps, double *mean, double *se)
{
    af_tally t[N_WINDOWS];
    for (int w = 0; w < N_WINDOWS; w++) af_tally_reset(&t[w]);
    af_model_options o = {.windows = windows, .n_windows = N_WINDOWS};
    for (unsigned r = 0; r < reps; r++) {
        af_result *res = NULL;
        af_error err;
        if (af_model_run(s, seed, r, &o, &res, &err) != AF_OK) fail_msg("%s", err.message);
        for (int w = 0; w < N_WINDOWS; w++) af_tally_add(&t[w], res->metrics[af_result_metric(res, windows[w])]);
        af_result_free(res);
    }
    for (int w = 0; w < N_WINDOWS; w++) {
        mean[w] = af_tally_mean(&t[w]);
        if (se) se[w] = af_tally_sd(&t[w]) / sqrt((double)reps);
    }
}

/* The scenario, and observed figures made by the model at the true values on seed 1001. */
static void make_inputs(void)
{
    write_text(scratch("syn.yaml"), yaml);
    const char *truth[] = {MEAN_PATH "=30", FLAG_PATH "=0.2"};
    af_scenario *s = load(scratch("syn.yaml"), truth, 2);
    double mean[N_WINDOWS], se[N_WINDOWS];
    simulate(s, 1001, 8, mean, se);
    af_scenario_free(s);
    char csv[4096];
    int n = snprintf(csv, sizeof csv, "# made by the model at M = 30 min, F = 0.2\n"
                                      "id,from,to,basis,value,unit,uncertainty,source\n");
    for (int w = 0; w < N_WINDOWS; w++) {
        const char *at = strchr(windows[w], '@');
        n += snprintf(csv + n, sizeof csv - (size_t)n, "w%d,%.10s,%.10s,%.*s,%.17g,trucks/day,%.17g,synthetic\n",
                      w, at + 1, at + 13, (int)(at - windows[w]), windows[w], mean[w], se[w]);
    }
    write_text(scratch("syn.csv"), csv);
}

static af_status calibrate(const char *out, const char *const *hold, size_t n_hold,
                           af_calibrate_result **res, af_error *err)
{
    af_exp_model m;
    af_error_clear(err);
    assert_int_equal(af_exp_model_scenario(&m, NULL, err), AF_OK);
    const char *fit[] = {MEAN_PATH "=20:60", FLAG_PATH "=0:0.5"};
    af_calibrate_config cfg = {.scenario = scratch("syn.yaml"), .observed = scratch("syn.csv"),
                               .fit = fit, .n_fit = 2, .hold_out = hold, .n_hold_out = n_hold,
                               .out_dir = out};
    af_exp_options o;
    af_exp_options_init(&o);
    o.jobs = 2;
    o.command = "aidflow calibrate";
    af_status st = af_calibrate_run(&cfg, &m, &o, res, err);
    af_exp_model_destroy(&m);
    return st;
}

static void test_recovers_the_values_that_made_the_figures(void **state)
{
    (void)state;
    make_inputs();
    af_calibrate_result *res = NULL;
    af_error err;
    if (calibrate(scratch("fit"), NULL, 0, &res, &err) != AF_OK) fail_msg("%s", err.message);
    const double truth[] = {30, 0.2};
    assert_int_equal(res->n_params, 2);
    assert_true(res->converged);
    for (size_t k = 0; k < 2; k++) {
        const af_calibrate_param *p = &res->params[k];
        printf("# %s: fitted %.5g, standard error %.3g, true %g, started at %g\n", p->path,
               p->value, p->se, truth[k], p->start);
        assert_true(isfinite(p->se) && p->se > 0);
        assert_true(p->se < 0.05 * (p->hi - p->lo));
        if (!(fabs(p->value - truth[k]) <= 3 * p->se))
            fail_msg("%s: %g is %.2f standard errors from the true %g", p->path, p->value,
                     fabs(p->value - truth[k]) / p->se, truth[k]);
    }
    assert_true(fabs(res->params[0].start - 40) < 1e-9 && fabs(res->params[1].start - 0.05) < 1e-9);
    assert_int_equal(res->n_rows, N_WINDOWS);
    for (size_t i = 0; i < res->n_rows; i++) assert_false(res->rows[i].held_out);

    /* calibrated.yaml resolves to the scenario with the fitted values, and reproduces the
     * fitted figures bit for bit (same seed, same replications). */
    char set0[300], set1[300];
    snprintf(set0, sizeof set0, "%s=%.7g", MEAN_PATH, res->params[0].value);
    snprintf(set1, sizeof set1, "%s=%.7g", FLAG_PATH, res->params[1].value);
    const char *sets[] = {set0, set1};
    af_scenario *fitted = load(scratch("syn.yaml"), sets, 2);
    af_scenario *cal = load(scratch("fit/calibrated.yaml"), NULL, 0);
    assert_true(af_scenario_hash(cal) == af_scenario_hash(fitted));
    double mean[N_WINDOWS];
    simulate(cal, 7, 4, mean, NULL);
    for (int w = 0; w < N_WINDOWS; w++) assert_true(mean[w] == res->rows[w].mean);
    af_scenario_free(cal);
    af_scenario_free(fitted);
    char *text = slurp(scratch("fit/calibrated.yaml"), NULL);
    assert_non_null(strstr(text, "extends: base.yaml"));
    assert_null(strstr(text, "origins:")); /* only what the fit changed */
    free(text);

    /* Again on the same folder: everything is found in the store, the same answer. */
    af_calibrate_result *again = NULL;
    if (calibrate(scratch("fit"), NULL, 0, &again, &err) != AF_OK) fail_msg("%s", err.message);
    assert_int_equal(again->summary.ran, 0);
    for (size_t k = 0; k < 2; k++) assert_true(again->params[k].value == res->params[k].value);
    assert_same_file(scratch("fit"), scratch("fit"), "calibration.csv");
    af_calibrate_free(again);
    af_calibrate_free(res);
}

/* Holding out the second fortnight keeps its two figures out of the objective: the fitted
 * objective is the sum over the first fortnight's, and the held-out ones are reported. */
static void test_hold_out(void **state)
{
    (void)state;
    const char *hold[] = {"2024-03-18..2024-03-31"};
    af_calibrate_result *res = NULL;
    af_error err;
    if (calibrate(scratch("held"), hold, 1, &res, &err) != AF_OK) fail_msg("%s", err.message);
    double sum = 0;
    for (size_t i = 0; i < res->n_rows; i++) {
        const af_calibrate_row *r = &res->rows[i];
        assert_true(r->held_out == (i == 1 || i == 3));
        double z = (r->mean - r->obs->value) / r->sigma;
        if (!r->held_out) sum += z * z;
        assert_true(isfinite(r->z));
    }
    af_assert_close(res->objective, sum, 1e-9, 1e-12);
    af_calibrate_free(res);
    /* A hold-out that names nothing is a mistake. */
    const char *none[] = {"no_such_figure"};
    assert_int_equal(calibrate(scratch("none"), none, 1, &res, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "no_such_figure"));
}

/* `--fit PATH` alone fits a value the scenario marks as an assumption over its marked range,
 * from its value; a path with no mark needs its range. */
static void test_fit_a_marked_assumption(void **state)
{
    (void)state;
    char *marked = strdup(yaml);
    assert_non_null(marked);
    const char *plain = "service: {lognormal: {mean: 40 min, sd: 10 min}}";
    char *at = strstr(marked, plain);
    assert_non_null(at);
    char text[4096];
    snprintf(text, sizeof text, "%.*sservice: {lognormal: {mean: {value: 40 min, assumption: "
             "[25 min, 55 min]}, sd: 10 min}}%s", (int)(at - marked), marked, at + strlen(plain));
    free(marked);
    write_text(scratch("marked.yaml"), text);
    af_exp_model m;
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_exp_model_scenario(&m, NULL, &err), AF_OK);
    const char *fit[] = {MEAN_PATH};
    af_calibrate_config cfg = {.scenario = scratch("marked.yaml"), .observed = scratch("syn.csv"),
                               .fit = fit, .n_fit = 1, .max_evaluations = 3, .replications = 2,
                               .out_dir = scratch("marked")};
    af_exp_options o;
    af_exp_options_init(&o);
    o.command = "aidflow calibrate";
    af_calibrate_result *res = NULL;
    if (af_calibrate_run(&cfg, &m, &o, &res, &err) != AF_OK) fail_msg("%s", err.message);
    assert_true(res->params[0].lo == 25 && res->params[0].hi == 55);
    assert_true(res->params[0].start == 40);
    assert_true(res->params[0].value >= 25 && res->params[0].value <= 55);
    af_calibrate_free(res);
    const char *unmarked[] = {FLAG_PATH};
    cfg.fit = unmarked;
    cfg.out_dir = scratch("unmarked");
    assert_int_equal(af_calibrate_run(&cfg, &m, &o, &res, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "marks no assumption"));
    af_exp_model_destroy(&m);
}

/* A --fit path as long as the parameter's path field (256 characters, no room for its end)
 * is refused as a malformed PATH=LO:HI; one character shorter it is read, and refused only
 * because the scenario has no such path. */
static void test_fit_path_length(void **state)
{
    (void)state;
    af_exp_model m;
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_exp_model_scenario(&m, NULL, &err), AF_OK);
    char too_long[300], longest[300];
    memset(too_long, 'a', 256);
    snprintf(too_long + 256, sizeof too_long - 256, "=1:2");
    memset(longest, 'a', 255);
    snprintf(longest + 255, sizeof longest - 255, "=1:2");
    const char *fit[1];
    af_calibrate_config cfg = {.scenario = scratch("syn.yaml"), .observed = scratch("syn.csv"),
                               .fit = fit, .n_fit = 1, .max_evaluations = 3, .replications = 2,
                               .out_dir = scratch("long")};
    af_exp_options o;
    af_exp_options_init(&o);
    o.command = "aidflow calibrate";
    af_calibrate_result *res = NULL;
    fit[0] = too_long;
    assert_int_equal(af_calibrate_run(&cfg, &m, &o, &res, &err), AF_INVAL);
    if (!strstr(err.message, "expected PATH=LO:HI (a --set path and its range)"))
        fail_msg("256 characters: %s", err.message);
    fit[0] = longest;
    af_error_clear(&err);
    assert_int_equal(af_calibrate_run(&cfg, &m, &o, &res, &err), AF_INVAL);
    if (strstr(err.message, "expected PATH=LO:HI") || !strstr(err.message, "aaaa"))
        fail_msg("255 characters: %s", err.message);
    af_exp_model_destroy(&m);
}

/* Mistakes in an observed file: each reported with its line and column. */
static void test_observed_file_errors(void **state)
{
    (void)state;
    write_text(scratch("bad.csv"),
               "id,from,to,basis,category,region,value,unit,uncertainty,source\n"
               "a,2024-03-01,2024-03-31,trucks_per_day.entered,,,200,trucks/day,10%,s3\n"
               "b,2024-02-30,2024-03-31,trucks_per_day.entered,,,200,trucks/day,,s3\n"
               "c,2024-03-01,2024-03-31,trucks_per_day.parked,,,200,trucks/day,,s3\n"
               "d,2024-03-01,2024-03-31,trucks_per_day.entered,,,200,t/day,,s3\n"
               "a,2024-03-01,2024-03-31,need_met,food,north,85,%,5,s3\n");
    af_diagnostics *d = af_diagnostics_create(0);
    af_observed *o = NULL;
    assert_int_equal(af_observed_load(scratch("bad.csv"), &o, d), AF_PARSE);
    assert_null(o);
    struct { int line, column; const char *says; } want[] = {
        {3, 3, "from '2024-02-30': expected a date"},
        {4, 25, "basis 'trucks_per_day.parked'"},
        {5, 54, "unit 't/day': basis trucks_per_day.entered is in trucks/day"},
        {6, 1, "id 'a' is given twice (first on line 2)"},
    };
    assert_int_equal(af_diagnostics_error_count(d), 4);
    for (size_t i = 0; i < 4; i++) {
        const af_diagnostic *g = af_diagnostics_get(d, i);
        if (g->line != want[i].line || g->column != want[i].column || !strstr(g->message, want[i].says))
            fail_msg("diagnostic %zu: %d:%d %s", i, g->line, g->column, g->message);
    }
    af_diagnostics_destroy(d);
    /* need_met in % with an absolute uncertainty in points: both as fractions. */
    write_text(scratch("good.csv"),
               "id,from,to,basis,category,region,value,unit,uncertainty,source\n"
               "n,2024-03-04,2024-03-10,need_met,food,south,85,%,5,s3\n");
    d = af_diagnostics_create(0);
    assert_int_equal(af_observed_load(scratch("good.csv"), &o, d), AF_OK);
    assert_string_equal(o->rows[0].window, "need_met.food.south@2024-03-04..2024-03-10");
    af_assert_close(o->rows[0].value, 0.85, 1e-12, 0);
    af_assert_close(af_observed_sigma(&o->rows[0]), 0.05, 1e-12, 0);
    /* Checked against a scenario: a period outside its horizon, a region it lacks. */
    af_scenario *s = load(scratch("syn.yaml"), NULL, 0);
    assert_int_equal(af_observed_check(o, s, d), AF_OK);
    o->rows[0].window[strlen("need_met.food.")] = 'X';
    assert_int_equal(af_observed_check(o, s, d), AF_PARSE);
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    assert_int_equal(g->line, 2);
    assert_int_equal(g->column, 3);
    af_scenario_free(s);
    af_observed_free(o);
    af_diagnostics_destroy(d);
}

/* Every bundled observed file loads and fits its scenario (scenarios/observed/NAME.csv for
 * scenarios/NAME.yaml), and cites docs/SOURCES.md. */
static void test_bundled_observed_files(void **state)
{
    (void)state;
    static const char *const names[] = {"spring_2024", "autumn_2024", "prewar_2023", "ceasefire_2025"};
    char *sources = NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/SOURCES.md", AF_SOURCE_DIR);
    assert_non_null(sources = slurp(path, NULL));
    size_t found = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/scenarios/observed/%s.csv", AF_SOURCE_DIR, names[i]);
        af_diagnostics *d = af_diagnostics_create(0);
        af_observed *o = NULL;
        char spath[1024];
        snprintf(spath, sizeof spath, "%s/scenarios/%s.yaml", AF_SOURCE_DIR, names[i]);
        af_scenario *s = load(spath, NULL, 0);
        if (af_observed_load(path, &o, d) != AF_OK || af_observed_check(o, s, d) != AF_OK) {
            af_diagnostics_print(d, stderr);
            fail_msg("%s", path);
        }
        for (size_t r = 0; r < o->n; r++) {
            char anchor[128];
            snprintf(anchor, sizeof anchor, "<a id=\"%s\"></a>", o->rows[r].source);
            if (!strstr(sources, anchor)) fail_msg("%s: %s cites no entry of docs/SOURCES.md", path, o->rows[r].id);
            found++;
        }
        af_observed_free(o);
        af_scenario_free(s);
        af_diagnostics_destroy(d);
    }
    assert_true(found >= 8);
    free(sources);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_the_values_that_made_the_figures),
        cmocka_unit_test(test_hold_out),
        cmocka_unit_test(test_fit_a_marked_assumption),
        cmocka_unit_test(test_fit_path_length),
        cmocka_unit_test(test_observed_file_errors),
        cmocka_unit_test(test_bundled_observed_files),
    };
    return cmocka_run_group_tests_name("calibrate", tests, scratch_setup, scratch_teardown);
}
