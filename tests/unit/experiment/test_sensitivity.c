/* The sensitivity kind (af_sensitivity_run) on the logistics model and the network of
 * tests/data/model/sensitivity_known.yaml, whose answer is known (see its comment):
 *
 * - trucks_per_day.entered is 24 a day per lane of the inspection `check` (fixed 60 min a
 *   truck, open around the clock, saturated by 100 arrivals a day: 24 c < 100 for c <= 4).
 *   Its range [1, 4] on a 4-level grid moves it by 2 lanes over 2/3 of the range, so each
 *   elementary effect is 48 / (2/3) = 72 trucks a day per range, a little less for the
 *   trucks still in service at the horizon: mu* in [65, 72], rank 1.
 * - the gate's lanes (at least 6, with at most 4 arrivals an hour served in 10 min: no truck
 *   ever waits) and the need per person (nothing upstream of the hub reads it) change no
 *   truck's journey. On common random numbers every replication is the same at both ends of
 *   their steps, so their effects on trucks a day are exactly 0 (mu* and its interval), and
 *   they rank last.
 * - need met in the north (need 5,000 t a day, above what arrives) moves with the lanes and
 *   the need, not with the gate: the gate's mu* is 0 there too, and ranks last.
 * - stopped after some jobs and resumed, it writes the same bytes as an uninterrupted run.
 *
 * Run as: test_exp_sensitivity SCENARIO.yaml */
#include "exp_test_util.h"

#include <math.h>

#include "aidflow/experiment.h"

static const char *scenario;

static af_status sens(const char *out, const af_exp_options *extra, af_exp_summary *sum,
                      af_error *err)
{
    af_exp_model m;
    af_error_clear(err);
    assert_int_equal(af_exp_model_scenario(&m, NULL, err), AF_OK);
    static const char *const outputs[] = {"trucks_per_day.entered", "need_met.food.north"};
    af_sensitivity_config cfg = {.scenario = scenario, .outputs = outputs, .n_outputs = 2,
                                 .trajectories = 4, .levels = 4, .replications = 2,
                                 .out_dir = out};
    af_exp_options o;
    if (extra)
        o = *extra;
    else
        af_exp_options_init(&o);
    if (!o.jobs) o.jobs = 2;
    o.command = "aidflow sensitivity";
    af_status st = af_sensitivity_run(&cfg, &m, &o, sum, err);
    af_exp_model_destroy(&m);
    return st;
}

typedef struct row {
    char assumption[128], output[128];
    double mu_star, lo, hi, mu, sigma;
    int rank;
} row;

/* The rows of DIR/sensitivity.csv (at most cap). */
static size_t read_rows(const char *dir, row *rows, size_t cap)
{
    char path[600];
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    char *text = slurp(path, NULL);
    assert_non_null(text);
    size_t n = 0;
    char *line = strchr(text, '\n');
    assert_non_null(line);
    for (line++; *line && n < cap;) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        row *r = &rows[n];
        int got = sscanf(line, "%127[^,],%127[^,],%lf,%lf,%lf,%lf,%lf,%d", r->assumption,
                         r->output, &r->mu_star, &r->lo, &r->hi, &r->mu, &r->sigma, &r->rank);
        assert_int_equal(got, 8);
        n++;
        line = end ? end + 1 : line + strlen(line);
    }
    free(text);
    return n;
}

static const row *find(const row *rows, size_t n, const char *assumption, const char *output)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].assumption, assumption) && !strcmp(rows[i].output, output))
            return &rows[i];
    fail_msg("no row for %s on %s", assumption, output);
    return NULL;
}

/* Every ranking entry of DIR/summary.json, in order, with the output it ranks for, checked
 * field by field against the same row of sensitivity.csv (rows[k]: the CSV lists the same
 * entries in the same order). Returns the entries found. */
static size_t check_json_against_csv(const char *dir, const row *rows, size_t n_rows)
{
    char path[600];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *text = slurp(path, NULL);
    assert_non_null(text);
    char output[128] = "";
    size_t k = 0;
    for (const char *at = text; (at = strstr(at, "{\"")) != NULL; at++) {
        if (!strncmp(at, "{\"output\": \"", 12)) {
            assert_int_equal(sscanf(at + 12, "%127[^\"]", output), 1);
            continue;
        }
        if (strncmp(at, "{\"assumption\": \"", 16) != 0) continue;
        row e;
        int trajectories = 0;
        int got = sscanf(at + 16,
                         "%127[^\"]\", \"rank\": %d, \"mu_star\": %lf, \"mu_star_lo\": %lf, "
                         "\"mu_star_hi\": %lf, \"mu\": %lf, \"sigma\": %lf, \"trajectories\": %d}",
                         e.assumption, &e.rank, &e.mu_star, &e.lo, &e.hi, &e.mu, &e.sigma,
                         &trajectories);
        if (got != 8) fail_msg("summary.json entry %zu: %d fields read of 8: %.160s", k, got, at);
        assert_true(k < n_rows);
        const row *c = &rows[k];
        if (strcmp(e.assumption, c->assumption) || strcmp(output, c->output) ||
            e.rank != c->rank || e.mu_star != c->mu_star || e.lo != c->lo || e.hi != c->hi ||
            e.mu != c->mu || e.sigma != c->sigma)
            fail_msg("summary.json entry %zu (%s on %s) differs from sensitivity.csv's", k,
                     e.assumption, output);
        assert_true(trajectories > 0);
        k++;
    }
    free(text);
    return k;
}

static void test_known_answer(void **state)
{
    (void)state;
    af_error err;
    af_exp_summary sum;
    if (sens(scratch("whole"), NULL, &sum, &err) != AF_OK) fail_msg("%s", err.message);
    assert_true(sum.exported);
    assert_int_equal(sum.points, 4 * (3 + 1));
    row rows[16];
    size_t n = read_rows(scratch("whole"), rows, 16);
    assert_int_equal(n, 6); /* 3 assumptions x 2 outputs */

    const row *lanes = find(rows, n, "inspections.check.lanes", "trucks_per_day.entered");
    assert_int_equal(lanes->rank, 1);
    if (!(lanes->mu_star >= 65 && lanes->mu_star <= 72))
        fail_msg("mu* of the bottleneck's lanes: %g, expected in [65, 72]", lanes->mu_star);
    assert_true(lanes->lo > 0); /* distinguishable from zero */
    assert_true(lanes->mu > 0); /* more lanes, more trucks */
    const char *none[] = {"crossings.gate.lanes", "categories.food.daily_need"};
    for (size_t i = 0; i < 2; i++) {
        const row *r = find(rows, n, none[i], "trucks_per_day.entered");
        assert_true(r->mu_star == 0 && r->lo == 0 && r->hi == 0 && r->mu == 0);
        assert_true(r->rank >= 2);
    }
    const row *gate = find(rows, n, "crossings.gate.lanes", "need_met.food.north");
    assert_true(gate->mu_star == 0 && gate->hi == 0);
    assert_int_equal(gate->rank, 3);
    const row *need = find(rows, n, "categories.food.daily_need", "need_met.food.north");
    assert_true(need->mu_star > 0 && need->mu < 0); /* more need, less of it met */
    assert_true(find(rows, n, "inspections.check.lanes", "need_met.food.north")->mu_star > 0);
    /* summary.json gives the same ranking with the same figures. */
    assert_int_equal(check_json_against_csv(scratch("whole"), rows, n), n);
}

static void test_resume_gives_the_same_bytes(void **state)
{
    (void)state;
    af_error err;
    af_exp_summary sum;
    if (sens(scratch("once"), NULL, &sum, &err) != AF_OK) fail_msg("%s", err.message);
    af_exp_options o;
    af_exp_options_init(&o);
    o.jobs = 1;
    o.stop_after = 5;
    assert_int_equal(sens(scratch("stopped"), &o, &sum, &err), AF_INTERRUPTED);
    assert_int_equal(sum.ran, 5);
    assert_false(sum.exported);
    if (sens(scratch("stopped"), NULL, &sum, &err) != AF_OK) fail_msg("%s", err.message);
    assert_int_equal(sum.resumed, 5);
    assert_int_equal(sum.ran, 16 * 2 - 5);
    assert_true(sum.exported);
    assert_same_file(scratch("once"), scratch("stopped"), "sensitivity.csv");
    assert_same_file(scratch("once"), scratch("stopped"), "summary.json");
    assert_same_file(scratch("once"), scratch("stopped"), "sweep.csv");
}

static void test_refusals(void **state)
{
    (void)state;
    af_exp_model m;
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_exp_model_scenario(&m, NULL, &err), AF_OK);
    static const char *const only[] = {"crossings.gate.service"};
    af_sensitivity_config cfg = {.scenario = scenario, .only = only, .n_only = 1,
                                 .trajectories = 2, .out_dir = scratch("refused")};
    af_exp_options o;
    af_exp_options_init(&o);
    assert_int_equal(af_sensitivity_run(&cfg, &m, &o, NULL, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "not an assumption"));
    cfg.n_only = 0;
    cfg.levels = 3;
    assert_int_equal(af_sensitivity_run(&cfg, &m, &o, NULL, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "even"));
    af_exp_model_destroy(&m);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_exp_sensitivity SCENARIO.yaml\n");
        return 2;
    }
    scenario = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_resume_gives_the_same_bytes),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
