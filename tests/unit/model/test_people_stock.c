/* People's stocks at home (regions.X.stock_days): a region keeps up to stock_days of its need
 * at home; its hub hands out the day's need plus what tops that stock up, people eat the day's
 * need from it, and live on it when the hub runs dry.
 *
 * The network: 8 food trucks of 25 t a day leave between 06:00 and 12:00, 1 h to `gate` (10
 * lanes, 10 min), 1 h to the hub, all arriving the day they leave: 200 t a day, from day 0 to
 * day S - 1 = 9 (the plan stops on 2024-03-14, day 10). The region: 100,000 people needing
 * 1 kg a day, n = 100 t a day, keeping stock_days d = 5 days: at most 500 t at home.
 *
 * Day by day (k from 0; "people" and "hub" after the day's consumption):
 *   k < d:        the people ask 100 (need) + 100 k (top-up to 500 less what they hold
 *                 after eating, 100 k) ... = 600 - 100 k >= 200: they get all 200, eat 100,
 *                 hold 100 (k + 1); the hub keeps nothing.
 *   d <= k < S:   they hold 500 and ask only the day's 100: handed out 100, the hub keeps
 *                 100 a day, 100 (k - d + 1) after day k: 500 t after day S - 1.
 *   S <= k < 2S - d: no more deliveries; the hub hands out 100 a day from its 500 t (5 days),
 *                 the people hold 500.
 *   2S - d <= k < 2S: the hub is empty; the people eat 100 a day from home: 400, 300, ... 0.
 *   k >= 2S:      nothing left: consumed 0.
 * So consumption is the full need on days 0 to 2S - 1 = 19 and 0 after; what was handed out is
 * 200, 200, 200, 200, 200, then 100 to day 2S - d - 1 = 14, then 0. Without stock_days the hub
 * would keep 100 (k + 1) after day k < S and hand out 100 a day (the last two tests). */
#include "af_test.h"

#include "model_fixture.h"

#define S 10
#define D 5

#define YAML_FMT \
    "name: people's stock\n" \
    "start: 2024-03-04\n" \
    "horizon: %d d\n" \
    "categories:\n" \
    "  - {name: food, tonnes_per_truck: 25 t, daily_need: 1 kg}\n" \
    "regions:\n" \
    "  - {name: south, population: 100000%s}\n" \
    "hubs:\n" \
    "  - {name: hub, serves: [south]%s}\n" \
    "origins:\n" \
    "  - name: arish\n" \
    "    dispatch: 06:00-12:00\n" \
    "    plan:\n" \
    "      - {from: 2024-03-04, trucks: {food: 8}}\n" \
    "      - {from: 2024-03-14, trucks: {food: 0}}\n" \
    "crossings:\n" \
    "  - {name: gate, lanes: 10, service: 10 min}\n" \
    "legs:\n" \
    "  - {name: in, from: arish, to: gate, travel: 1 h}\n" \
    "  - {name: out, from: gate, to: hub, travel: 1 h}\n" \
    "routes:\n" \
    "  - {name: main, origin: arish, via: [gate], hub: hub}\n"

static af_result *run_with(int days, const char *region_keys, const char *hub_keys,
                           af_scenario **s)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, days, region_keys, hub_keys);
    *s = load_text(yaml);
    return run_rep(*s, 7, 0);
}

static double handed_out(int k)
{
    return k < D ? 200 : k < 2 * S - D ? 100 : 0;
}

static double hub_after(int k)
{
    return k < D ? 0 : k < S ? 100.0 * (k - D + 1) : k < 2 * S - D ? 100.0 * (2 * S - D - 1 - k) : 0;
}

static void test_stock_fills_then_hub_keeps_then_people_live_on_it(void **state)
{
    (void)state;
    af_scenario *s;
    int days = 2 * S + 5;
    af_result *r = run_with(days, ", stock_days: {food: 5 d}", "", &s);
    for (int k = 0; k < days; k++) {
        const af_daily_cell *c = daily_cell(r, k, 0, 0);
        af_assert_close(c->tonnes_delivered, k < S ? 200 : 0, 1e-12, 0);
        af_assert_close(c->need_tonnes, 100, 1e-12, 0);
        af_assert_close(c->consumed_tonnes, k < 2 * S ? 100 : 0, 1e-12, 1e-9);
        af_assert_close(c->tonnes_distributed, handed_out(k), 1e-12, 1e-9);
        af_assert_close(c->stock_tonnes, hub_after(k), 1e-12, 1e-9);
    }
    /* need met: 2S days of 100 out of `days` of need. */
    af_assert_close(metric(r, "need_met.food.south"), 2.0 * S / days, 1e-12, 0);
    af_assert_close(metric(r, "tonnes.consumed"), 100.0 * 2 * S, 1e-12, 0);
    af_assert_close(metric(r, "tonnes.distributed"), 200.0 * S, 1e-12, 0);
    af_assert_close(metric(r, "tonnes.people_stock.food"), 0, 0, 1e-9);
    af_result_free(r);
    af_scenario_free(s);
}

/* Stopped after day 11 (12 days): the people hold d n = 500 t; the hub 500 - 2 x 100 = 300 t. */
static void test_stock_reported_at_the_end(void **state)
{
    (void)state;
    af_scenario *s;
    af_result *r = run_with(12, ", stock_days: {food: 5 d}", "", &s);
    af_assert_close(metric(r, "tonnes.people_stock.food"), 500, 1e-12, 0);
    af_assert_close(metric(r, "tonnes.people_stock"), 500, 1e-12, 0);
    af_assert_close(daily_cell(r, 11, 0, 0)->stock_tonnes, 300, 1e-12, 0);
    af_assert_close(metric(r, "tonnes.distributed"), 5 * 200.0 + 7 * 100.0, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A distribution capacity of 150 t a day: the people get 150 a day while they ask more (ask
 * 600 - 50 k on day k, after holding 50 k), eat 100 and hold 50 (k + 1): 500 after day 9 = S - 1;
 * the hub keeps 50 a day, 50 (k + 1) after day k < S: 500 t after day 9. From day S on, nothing
 * arrives and they ask 100 a day: the hub's 500 t last days 10 to 14, then the people's to
 * day 19. */
static void test_distribution_capacity_limits_the_hand_out(void **state)
{
    (void)state;
    af_scenario *s;
    int days = 2 * S + 2;
    af_result *r = run_with(days, ", stock_days: {food: 5 d}", ", distribution: 150 t/d", &s);
    for (int k = 0; k < days; k++) {
        const af_daily_cell *c = daily_cell(r, k, 0, 0);
        double out = k < S ? 150 : k < 15 ? 100 : 0;
        double hub = k < S ? 50.0 * (k + 1) : k < 15 ? 100.0 * (14 - k) : 0;
        af_assert_close(c->tonnes_distributed, out, 1e-12, 1e-9);
        af_assert_close(c->stock_tonnes, hub, 1e-12, 1e-9);
        af_assert_close(c->consumed_tonnes, k < 2 * S ? 100 : 0, 1e-12, 1e-9);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* Without stock_days (the default): the hub keeps 100 (k + 1) after day k < S and hands out
 * the day's need only; no people_stock metric. */
static void test_without_stock_days_the_hub_keeps_it(void **state)
{
    (void)state;
    af_scenario *s;
    af_result *r = run_with(12, "", "", &s);
    for (int k = 0; k < 12; k++) {
        const af_daily_cell *c = daily_cell(r, k, 0, 0);
        af_assert_close(c->tonnes_distributed, 100, 1e-12, 0);
        af_assert_close(c->stock_tonnes, k < S ? 100.0 * (k + 1) : 100.0 * (2 * S - 1 - k), 1e-12, 0);
    }
    assert_true(af_result_metric(r, "tonnes.people_stock") == (size_t)-1);
    af_result_free(r);
    af_scenario_free(s);
}

/* People who move take their share of the stock: two regions of one hub, north empty; on day
 * 12 (2024-03-16) half of south's 100,000 move north. South held 500 t; 250 t go with them.
 * From then each region needs 50 t a day and holds 5 days of it, 250 t: nobody asks a top-up,
 * the hub (300 t after day 11, see above) hands out 100 a day for 3 days (days 12 to 14), then
 * both regions eat their 250 t for 5 days (15 to 19). Consumed in all: 100 a day to day 19. */
static void test_shift_takes_stock_along(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, 2 * S + 2,
             ", stock_days: {food: 5 d}, shifts: [{date: 2024-03-16, to: north, share: 0.5}]}\n"
             "  - {name: north, population: 0, stock_days: {food: 5 d}",
             "");
    /* The hub serves both. */
    char *at = strstr(yaml, "serves: [south]");
    assert_non_null(at);
    char fixed[4200];
    snprintf(fixed, sizeof fixed, "%.*sserves: [south, north]%s", (int)(at - yaml), yaml,
             at + strlen("serves: [south]"));
    af_scenario *s = load_text(fixed);
    af_result *r = run_rep(s, 7, 0);
    for (int k = 12; k < 2 * S + 2; k++) {
        for (size_t g = 0; g < 2; g++) {
            const af_daily_cell *c = daily_cell(r, k, g, 0);
            af_assert_close(c->consumed_tonnes, k < 2 * S ? 50 : 0, 1e-12, 1e-9);
            af_assert_close(c->tonnes_distributed, k < 15 ? 50 : 0, 1e-12, 1e-9);
        }
    }
    af_assert_close(metric(r, "need_met.food.north"), 8.0 / 10, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stock_fills_then_hub_keeps_then_people_live_on_it),
        cmocka_unit_test(test_stock_reported_at_the_end),
        cmocka_unit_test(test_distribution_capacity_limits_the_hand_out),
        cmocka_unit_test(test_without_stock_days_the_hub_keeps_it),
        cmocka_unit_test(test_shift_takes_stock_along),
    };
    return cmocka_run_group_tests_name("people_stock", tests, NULL, NULL);
}
