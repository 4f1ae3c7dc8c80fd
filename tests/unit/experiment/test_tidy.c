/* Tidy results: metric names split into entity, measure, category, region and unit; factor
 * values as numbers in their documented unit; metrics.csv and points.csv of a sweep. */
#include "exp_test_util.h"

#include <math.h>

#include "experiment/exp_internal.h"
#include "toy_model.h"

static void split(const char *name, const char *const *st, size_t n, const char *entity,
                  const char *measure, const char *category, const char *region,
                  const char *unit)
{
    exp_metric_parts p;
    exp_metric_split(name, st, n, &p);
    assert_string_equal(p.entity, entity);
    assert_string_equal(p.measure, measure);
    assert_string_equal(p.category, category);
    assert_string_equal(p.region, region);
    assert_string_equal(p.unit, unit);
}

/* Every form of docs/OUTPUTS.md's Metrics table, and a station whose name holds a dot beside
 * one that is its prefix (kerem_shalom.transfer and kerem_shalom). */
static void test_split(void **state)
{
    (void)state;
    static const char *const st[] = {"kerem_shalom", "kerem_shalom.transfer", "nitzana"};
    split("trucks.delivered", st, 3, "network", "trucks_delivered", "", "", "trucks");
    split("trucks_per_day.entered", st, 3, "network", "trucks_per_day_entered", "", "",
          "trucks/day");
    split("tonnes.need", st, 3, "network", "tonnes_need", "", "", "t");
    split("coverage.food", st, 3, "network", "coverage", "food", "", "fraction");
    split("coverage.all", st, 3, "network", "coverage", "all", "", "fraction");
    split("coverage.food.north", st, 3, "north", "coverage", "food", "north", "fraction");
    split("need_met.water", st, 3, "network", "need_met", "water", "", "fraction");
    split("unmet_person_days.food", st, 3, "network", "unmet_person_days", "food", "",
          "person-days");
    split("days_to_target.fuel", st, 3, "network", "days_to_target", "fuel", "", "day");
    split("bottleneck.utilisation", st, 3, "network", "bottleneck_utilisation", "", "",
          "fraction");
    split("station.kerem_shalom.utilisation", st, 3, "kerem_shalom", "utilisation", "", "",
          "fraction");
    split("station.kerem_shalom.transfer.wait_mean_min", st, 3, "kerem_shalom.transfer",
          "wait_mean_min", "", "", "min");
    split("station.nitzana.served_per_day", st, 3, "nitzana", "served_per_day", "", "",
          "trucks/day");
    split("station.kerem_shalom.transfer.wait_incl_blocked_mean_min", st, 3,
          "kerem_shalom.transfer", "wait_incl_blocked_mean_min", "", "", "min");
    split("station.nitzana.binding_share", st, 3, "nitzana", "binding_share", "", "", "fraction");
    split("leg.arish-nitzana.binding_share", st, 3, "arish-nitzana", "binding_share", "", "",
          "fraction");
    split("gaza_side.kerem_shalom.awaiting_collection", st, 3, "kerem_shalom",
          "awaiting_collection", "", "", "trucks");
    split("binding.none_share", st, 3, "network", "binding_none_share", "", "", "fraction");
    split("time.dispatch_to_entry.p95", st, 3, "network", "dispatch_to_entry_p95", "", "", "h");
    split("time.dispatch_to_delivery.mean", st, 3, "network", "dispatch_to_delivery_mean", "", "",
          "h");
    /* Not in the list: the measure is the last word. */
    split("station.a.b.utilisation", NULL, 0, "a.b", "utilisation", "", "", "fraction");

    static const char *const names[] = {"trucks.delivered", "station.kerem_shalom.utilisation",
                                        "station.kerem_shalom.transfer.utilisation",
                                        "station.kerem_shalom.transfer.wait_mean_min"};
    char *out[4];
    size_t n = exp_metric_stations(names, 4, out);
    assert_int_equal(n, 2);
    assert_string_equal(out[0], "kerem_shalom");
    assert_string_equal(out[1], "kerem_shalom.transfer");
    for (size_t i = 0; i < n; i++) free(out[i]);
}

/* exp_num_text writes what af_buf_num(b, v, "") writes: whole numbers by its own digits (on
 * both sides of the 1e15 where "%.15g" turns to an exponent, negative ones, -0), the others
 * and the non-finite through af_fmt_num. */
static void test_num_text(void **state)
{
    (void)state;
    const double v[] = {1, -1, 7, 10, 14101, -14101, 123456789012345.0, 999999999999999.0,
                        -999999999999999.0, 1e15, 1e16, 9007199254740992.0, 0.0, -0.0, 0.5,
                        0.1, 2.0 / 3.0, -1e-300, 4.9e-324, 1e300, 1234.5678, NAN, INFINITY,
                        -INFINITY};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char mine[AF_NUM_SIZE];
        exp_num_text(mine, v[i]);
        af_buf b;
        af_buf_init(&b);
        af_buf_num(&b, v[i], "");
        assert_string_equal(mine, b.data ? b.data : "");
        af_buf_free(&b);
    }
    char s[AF_NUM_SIZE];
    exp_num_text(s, 999999999999999.0);
    assert_string_equal(s, "999999999999999");
    exp_num_text(s, -14101);
    assert_string_equal(s, "-14101");
    exp_num_text(s, 1e15);
    assert_string_equal(s, "1e+15");
    exp_num_text(s, -0.0);
    assert_string_equal(s, "-0");
}

/* Units of scenario paths from the key tables; values with units in the documented one. */
static void test_path_units(void **state)
{
    (void)state;
    const char *mean = "inspections.kerem_shalom_inspection.service.lognormal.mean";
    assert_string_equal(af_design_path_unit(mean), "min");
    assert_string_equal(af_design_path_unit("inspections.nitzana.lanes"), "");
    assert_string_equal(af_design_path_unit("no.such.path"), "");
    af_assert_close(af_design_path_number(mean, "40 min"), 40, 0, 0);
    af_assert_close(af_design_path_number(mean, "1 h"), 60, 0, 0);
    af_assert_close(af_design_path_number(mean, "45"), 45, 0, 0);
    assert_true(isnan(af_design_path_number(mean, "40 t")));
    assert_true(isnan(af_design_path_number("inspections.nitzana.lanes", "fcfs")));
    af_assert_close(af_design_path_number("inspections.nitzana.lanes", "6"), 6, 0, 0);
    /* gamma's shape has no unit, its scale has the key's */
    assert_string_equal(af_design_path_unit("inspections.x.service.gamma.shape"), "");
    assert_string_equal(af_design_path_unit("inspections.x.service.gamma.scale"), "min");
}

/* A sweep writes metrics.csv (long form, one row per replication and metric, run_id = the
 * point's scenario hash and the seed) and points.csv. */
static void test_sweep_tables(void **state)
{
    (void)state;
    static const char *const vary[] = {"x=2,3"};
    const char *out = scratch("tidy");
    af_sweep_config cfg = {.scenario = "base", .vary = vary, .n_vary = 1, .replications = 2,
                           .out_dir = out};
    af_exp_options o;
    af_exp_options_init(&o);
    o.jobs = 2;
    af_error err;
    af_error_clear(&err);
    af_exp_summary sum;
    af_status st = af_sweep_run(&cfg, &toy_model, &o, &sum, &err);
    if (st != AF_OK) fail_msg("%s", err.message);
    char path[600];
    snprintf(path, sizeof path, "%s/provenance.json", out);
    char *prov = slurp(path, NULL);
    assert_non_null(prov);
    /* the hash of point 1 as provenance gives it */
    const char *h = strstr(prov, "{\"point\": 1, \"scenario_hash\": \"");
    assert_non_null(h);
    char hash[17];
    memcpy(hash, h + strlen("{\"point\": 1, \"scenario_hash\": \""), 16);
    hash[16] = '\0';
    free(prov);

    snprintf(path, sizeof path, "%s/metrics.csv", out);
    char *csv = slurp(path, NULL);
    assert_non_null(csv);
    const char *head = "run_id,scenario,point,replication,seed,metric,entity,measure,category,"
                       "region,unit,value\n";
    assert_memory_equal(csv, head, strlen(head));
    char line[300];
    snprintf(line, sizeof line, "\n%s-42,base,1,1,42,toy.rep,network,toy,rep,,,1\n", hash);
    assert_non_null(strstr(csv, line));
    /* 2 points x 2 replications x 4 metrics */
    size_t rows = 0;
    for (const char *c = csv; *c; c++) rows += *c == '\n';
    assert_int_equal(rows, 1 + 2 * 2 * 4);
    free(csv);

    snprintf(path, sizeof path, "%s/points.csv", out);
    csv = slurp(path, NULL);
    assert_non_null(csv);
    const char *phead = "run_id,point,scenario_hash,factor,path,text,value,unit\n";
    assert_memory_equal(csv, phead, strlen(phead));
    snprintf(line, sizeof line, "\n%s-42,1,%s,0,x,3,3,\n", hash, hash);
    if (!strstr(csv, line)) fail_msg("no '%s' in:\n%s", line, csv);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_num_text),
        cmocka_unit_test(test_path_units),
        cmocka_unit_test(test_sweep_tables),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
