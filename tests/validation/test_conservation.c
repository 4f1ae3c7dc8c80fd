/* Conservation: at every midnight of every replication, of the test network that uses every
 * model feature and of every bundled scenario,
 *     tonnes dispatched = delivered + lost + written off + offloaded + on trucks in the system
 *     hub stock         = initial stock + delivered - consumed
 *   (+ people's stock at home, where regions keep one)
 * and the same scenario, seed and replication give bit-identical results. Where the trucks are
 * (the positions) adds up at the end to the trucks in the system, and the trucks held back by
 * full yards to trucks.held_back; on a network with a yard and no warm-up (everything_yards),
 *     trucks dispatched = in the system + delivered + lost + written off + returned
 *                         + returned to origin
 * and what was planned is what was dispatched or held back. (The model itself asserts, at
 * every midnight, that the positions add up to the trucks in the system, truck by truck.) */
#include "af_test.h"

#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario.h"

typedef struct residuals {
    int midnights;
    double worst_tonnes;
    double worst_stock;
} residuals;

static void on_midnight(void *ctx, int day, double tonnes, double stock)
{
    (void)day;
    residuals *r = ctx;
    r->midnights++;
    if (fabs(tonnes) > r->worst_tonnes) r->worst_tonnes = fabs(tonnes);
    if (fabs(stock) > r->worst_stock) r->worst_stock = fabs(stock);
}

static af_scenario *load(const char *path)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(path, NULL, 0, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        fail_msg("%s does not load", path);
    }
    af_diagnostics_destroy(d);
    return s;
}

static double metric_or(const af_result *r, const char *name, double none)
{
    size_t k = af_result_metric(r, name);
    return k == (size_t)-1 ? none : r->metrics[k];
}

/* The positions at the end: every state but held_back adds up to the trucks in the system;
 * held_back to trucks.held_back (0 without a yard); in_yard to trucks.in_yard. */
static void check_positions(const char *path, const af_result *r)
{
    assert_non_null(r->positions);
    const double *p = &r->positions[(size_t)(r->n_days - 1) * r->n_nodes * AF_N_POSITIONS];
    double in_system = 0, held_back = 0, in_yard = 0;
    for (size_t n = 0; n < r->n_nodes; n++)
        for (int k = 0; k < AF_N_POSITIONS; k++) {
            double x = p[n * AF_N_POSITIONS + (size_t)k];
            assert_true(x >= 0);
            if (k == AF_POS_HELD_BACK) held_back += x;
            else in_system += x;
            if (k == AF_POS_IN_YARD) in_yard += x;
        }
    printf("# %s: %.0f trucks in the system by position, %.0f held back, %.0f in yards\n", path,
           in_system, held_back, in_yard);
    assert_true(in_system == r->metrics[af_result_metric(r, "trucks.in_system")]);
    assert_true(held_back == metric_or(r, "trucks.held_back", 0));
    assert_true(in_yard == metric_or(r, "trucks.in_yard", 0));
}

static void check_file(const char *path, unsigned reps)
{
    af_scenario *s = load(path);
    for (unsigned rep = 0; rep < reps; rep++) {
        residuals res = {0};
        af_model_options o = {.keep_daily = true, .on_midnight = on_midnight, .ctx = &res};
        af_result *r = NULL;
        af_error err;
        if (af_model_run(s, s->seed, rep, &o, &r, &err) != AF_OK) fail_msg("%s: %s", path, err.message);
        size_t k = af_result_metric(r, "tonnes.dispatched");
        double scale = fmax(1, r->metrics[k]);
        printf("# %s rep %u: %d midnights, worst residuals %.3g t (of %.6g t dispatched), stock %.3g t\n",
               path, rep, res.midnights, res.worst_tonnes, r->metrics[k], res.worst_stock);
        assert_int_equal(res.midnights, s->warmup_days + s->horizon_days);
        /* Sums of millions of doubles: allow rounding, relative to the tonnage handled. */
        assert_true(res.worst_tonnes <= 1e-9 * scale);
        assert_true(res.worst_stock <= 1e-9 * scale);
        /* Truck by truck across the counting bases: what entered was offloaded or returned
         * (the model also asserts, at every midnight, that what was offloaded and not
         * collected is in the waiting areas, truck by truck). */
        double entered = r->metrics[af_result_metric(r, "trucks.entered")];
        double offloaded = r->metrics[af_result_metric(r, "trucks.offloaded")];
        double returned = r->metrics[af_result_metric(r, "trucks.returned")];
        assert_true(entered == offloaded + returned);
        check_positions(path, r);
        /* The daily table's counting bases add up to the run's (each day's trucks are shared
         * among the regions of their hub, so the sums are of fractions). */
        static const struct {
            const char *metric;
            size_t offset;
        } bases[] = {
            {"trucks.inspected", offsetof(af_daily_cell, trucks_inspected)},
            {"trucks.entered", offsetof(af_daily_cell, trucks_entered)},
            {"trucks.offloaded", offsetof(af_daily_cell, trucks_offloaded)},
            {"trucks.collected", offsetof(af_daily_cell, trucks_collected)},
            {"trucks.delivered", offsetof(af_daily_cell, trucks_delivered)},
            {"tonnes.distributed", offsetof(af_daily_cell, tonnes_distributed)},
        };
        size_t n_cells = (size_t)r->n_days * r->n_regions * r->n_categories;
        for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
            double sum = 0, v;
            for (size_t i = 0; i < n_cells; i++) {
                memcpy(&v, (const char *)&r->daily[i] + bases[b].offset, sizeof v);
                sum += v;
            }
            double want = r->metrics[af_result_metric(r, bases[b].metric)];
            if (!(fabs(sum - want) <= 1e-9 * fmax(1, want)))
                fail_msg("%s: daily %s sums to %.10g, the run's is %.10g", path, bases[b].metric,
                         sum, want);
        }

        /* Determinism: a second run is bit-identical. */
        af_result *again = NULL;
        assert_int_equal(af_model_run(s, s->seed, rep, &o, &again, &err), AF_OK);
        assert_int_equal(again->n_metrics, r->n_metrics);
        assert_memory_equal(again->metrics, r->metrics, r->n_metrics * sizeof *r->metrics);
        size_t cells = (size_t)r->n_days * r->n_regions * r->n_categories;
        assert_memory_equal(again->daily, r->daily, cells * sizeof *r->daily);
        assert_int_equal(again->events, r->events);
        af_result_free(again);
        af_result_free(r);
    }
    af_scenario_free(s);
}

static void test_everything_network(void **state)
{
    (void)state;
    check_file(AF_SOURCE_DIR "/tests/data/model/everything.yaml", 3);
}

/* The same network with people's stocks at home: hub stock + people's stock = initial stock +
 * delivered - outside need - consumed - spoiled. */
static void test_everything_with_people_stock(void **state)
{
    (void)state;
    check_file(AF_SOURCE_DIR "/tests/data/model/everything_stocks.yaml", 3);
}

/* A yard that fills (held_back > 0, trucks in the yard): with no warm-up every truck counted
 * by the horizon's metrics is accounted for, truck by truck, and the yard never holds more
 * than its 300 places at any midnight. */
static void test_yards_network(void **state)
{
    (void)state;
    const char *path = AF_SOURCE_DIR "/tests/data/model/everything_yards.yaml";
    check_file(path, 3);
    af_scenario *s = load(path);
    for (unsigned rep = 0; rep < 3; rep++) {
        af_model_options o = {.keep_daily = true};
        af_result *r = NULL;
        af_error err;
        assert_int_equal(af_model_run(s, s->seed, rep, &o, &r, &err), AF_OK);
        double dispatched = metric_or(r, "trucks.dispatched", NAN);
        double accounted = metric_or(r, "trucks.in_system", NAN) + metric_or(r, "trucks.delivered", NAN) +
                           metric_or(r, "trucks.lost", NAN) + metric_or(r, "trucks.written_off", NAN) +
                           metric_or(r, "trucks.returned", NAN) +
                           metric_or(r, "trucks.returned_to_origin", NAN);
        printf("# yards rep %u: %.0f dispatched, %.0f accounted for, %.0f held back, %.0f in the yard\n",
               rep, dispatched, accounted, metric_or(r, "trucks.held_back", NAN),
               metric_or(r, "trucks.in_yard", NAN));
        assert_true(dispatched == accounted);
        /* The yard filled: trucks were held back and trucks wait in it, never more than 300. */
        assert_true(metric_or(r, "trucks.held_back", 0) > 0);
        assert_true(metric_or(r, "trucks.in_yard", 0) > 0 && metric_or(r, "trucks.in_yard", 0) <= 300);
        for (int d = 0; d < r->n_days; d++) {
            size_t arish = 0;
            while (strcmp(r->node_names[arish], "al_arish")) arish++;
            assert_true(r->positions[((size_t)d * r->n_nodes + arish) * AF_N_POSITIONS + AF_POS_IN_YARD] <= 300);
        }
        af_result_free(r);
    }
    af_scenario_free(s);
}

static void test_bundled_scenarios(void **state)
{
    (void)state;
    const char *dir = AF_SOURCE_DIR "/scenarios";
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    assert_true(n >= 1); /* a loop over no files would check nothing */
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        check_file(path, 2);
        free(names[i]);
    }
    printf("# %zu bundled scenarios checked\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_everything_network),
        cmocka_unit_test(test_everything_with_people_stock),
        cmocka_unit_test(test_yards_network),
        cmocka_unit_test(test_bundled_scenarios),
    };
    return cmocka_run_group_tests_name("conservation", tests, NULL, NULL);
}
