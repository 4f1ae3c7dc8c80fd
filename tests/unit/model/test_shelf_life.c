/* Shelf life at hubs: stock in lots by delivery day, handed out oldest first; what is left of
 * a lot after the consumption at the end of its last day spoils.
 *
 * The network: 12 food trucks of 15 t a day (180 t) leave `arish` between 06:00 and 12:00,
 * 1 h to `gate` (10 lanes, 10 min), 30 min to the hub: every truck is delivered the day it
 * leaves. `south` needs 120,000 x 1 kg = 120 t a day. Food keeps L = 2 days: a lot delivered
 * on day a can be handed out at the ends of days a and a + 1, and what is left then spoils.
 *
 *   day 0: lot0 180; 120 handed out from it: lot0 60.                        spoiled 0
 *   day 1: lot1 180; 120 out: lot0's 60 and 60 of lot1: lot1 120.            spoiled 0
 *   day 2: lot2 180; 120 out of lot1: lot1 0.                               spoiled 0
 *   day 3: lot3 180; 120 out of lot2: lot2 60, its last day: spoiled 60; stock 180 (lot3)
 *   day d >= 3: the same: 60 spoiled a day, 180 in stock at midnight.
 * Over D days: spoiled 60 (D - 3); the need is met in full every day. Handing out the newest
 * first (not FIFO) would spoil 60 from day 1 on; without a shelf life nothing spoils and the
 * stock grows by 60 a day. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 10

#define YAML_FMT \
    "name: shelf life\n" \
    "start: 2024-03-04\n" \
    "horizon: %d d\n" \
    "categories:\n" \
    "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg%s}\n" \
    "regions:\n" \
    "  - {name: south, population: 120000}\n" \
    "hubs:\n" \
    "  - {name: hub, serves: [south]}\n" \
    "origins:\n" \
    "  - name: arish\n" \
    "    dispatch: 06:00-12:00\n" \
    "    plan: [{from: 2024-03-04, trucks: {food: 12}}]\n" \
    "crossings:\n" \
    "  - {name: gate, lanes: 10, service: 10 min}\n" \
    "legs:\n" \
    "  - {name: in, from: arish, to: gate, travel: 1 h}\n" \
    "  - {name: out, from: gate, to: hub, travel: 30 min}\n" \
    "routes:\n" \
    "  - {name: main, origin: arish, via: [gate], hub: hub}\n"

static af_scenario *load_net(const char *extra)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, DAYS, extra);
    return load_text(yaml);
}

typedef struct worst {
    double tonnes, stock;
    int midnights;
} worst;

static void on_midnight(void *ctx, int day, double residual, double stock_residual)
{
    (void)day;
    worst *w = ctx;
    if (fabs(residual) > w->tonnes) w->tonnes = fabs(residual);
    if (fabs(stock_residual) > w->stock) w->stock = fabs(stock_residual);
    w->midnights++;
}

/* Runs with conservation checked at every midnight: hub stock = initial + delivered -
 * consumed - spoiled. */
static af_result *run_checked(const af_scenario *s)
{
    worst w = {0};
    af_model_options o = {.keep_daily = true, .on_midnight = on_midnight, .ctx = &w};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    if (af_model_run(s, 31, 0, &o, &r, &err) != AF_OK) fail_msg("run failed: %s", err.message);
    assert_int_equal(w.midnights, DAYS);
    af_assert_close(w.tonnes, 0, 0, 1e-9);
    af_assert_close(w.stock, 0, 0, 1e-9);
    return r;
}

static void test_spoiled_fifo(void **state)
{
    (void)state;
    af_scenario *s = load_net(", shelf_life: 2 d");
    assert_int_equal(s->categories[0].shelf_life_days, 2);
    af_result *r = run_checked(s);
    af_assert_close(metric(r, "tonnes.delivered"), 180.0 * DAYS, 1e-12, 0);
    af_assert_close(metric(r, "tonnes.spoiled"), 60.0 * (DAYS - 3), 1e-12, 0);
    af_assert_close(metric(r, "need_met.food"), 1, 1e-12, 0);
    af_assert_close(daily_cell(r, 0, 0, 0)->stock_tonnes, 60, 1e-12, 0);
    af_assert_close(daily_cell(r, 1, 0, 0)->stock_tonnes, 120, 1e-12, 0);
    for (int d = 2; d < DAYS; d++) af_assert_close(daily_cell(r, d, 0, 0)->stock_tonnes, 180, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Without a shelf life nothing spoils and the stock grows by 60 t a day. */
static void test_no_shelf_life(void **state)
{
    (void)state;
    af_scenario *s = load_net("");
    af_result *r = run_checked(s);
    af_assert_close(metric(r, "tonnes.spoiled"), 0, 0, 0);
    af_assert_close(daily_cell(r, DAYS - 1, 0, 0)->stock_tonnes, 60.0 * DAYS, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* `aidflow show` writes shelf_life back. */
static void test_round_trip(void **state)
{
    (void)state;
    af_scenario *s = load_net(", shelf_life: 2 d");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(af_scenario_write(s, f), AF_OK);
    fclose(f);
    assert_non_null(strstr(text, "shelf_life: 2 d"));
    af_scenario *t = load_text(text);
    assert_true(af_scenario_equal(s, t));
    free(text);
    af_scenario_free(t);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spoiled_fifo),
        cmocka_unit_test(test_no_shelf_life),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests_name("shelf_life", tests, NULL, NULL);
}
