/* Distribution from a hub to the regions it serves has its own daily capacity: what is not
 * handed out stays in stock. Same network as test_local_supply.c:
 *
 * The network: 24 water trucks of 15 t a day leave between 06:00 and 12:00, 1 h to `gate`,
 * 1 h to the hub, all arriving the day they leave: 360 t a day. The region: 100,000 people
 * needing 15 L (15 kg) a day, 1,500 t, of which 8 L (800 t) come from wells and desalination.
 * The hub is asked for 700 t a day and has 360: it hands out all 360, every day. Need met =
 * (800 + 360) / 1500 with the local supply. With a distribution capacity of 200 t a day the hub
 * hands out 200 t a day and keeps the other 160 t: need met (800 + 200) / 1500, stock 160 t
 * more each day; coverage (delivered) stays 360 / 1500. */
#include "af_test.h"

#include "model_fixture.h"

#define DAYS 10

#define YAML_FMT \
    "name: distribution\n" \
    "start: 2024-03-04\n" \
    "horizon: %d d\n" \
    "categories:\n" \
    "  - {name: water, tonnes_per_truck: 15 t, daily_need: 15 kg}\n" \
    "regions:\n" \
    "  - {name: south, population: 100000%s}\n" \
    "hubs:\n" \
    "  - {name: hub, serves: [south]%s}\n" \
    "origins:\n" \
    "  - name: arish\n" \
    "    dispatch: 06:00-12:00\n" \
    "    plan:\n" \
    "      - {from: 2024-03-04, trucks: {water: 24}}\n" \
    "crossings:\n" \
    "  - {name: gate, lanes: 10, service: 10 min}\n" \
    "legs:\n" \
    "  - {name: in, from: arish, to: gate, travel: 1 h}\n" \
    "  - {name: out, from: gate, to: hub, travel: 1 h}\n" \
    "routes:\n" \
    "  - {name: main, origin: arish, via: [gate], hub: hub}\n"

static af_result *run_with(const char *region_keys, const char *hub_keys, af_scenario **s)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, DAYS, region_keys, hub_keys);
    *s = load_text(yaml);
    return run_rep(*s, 3, 0);
}

static void test_distribution_limits_consumption(void **state)
{
    (void)state;
    af_scenario *s;
    af_result *r = run_with(", local_supply: {water: 8 kg}", ", distribution: 200 t/d", &s);
    af_assert_close(metric(r, "need_met.water.south"), 1000.0 / 1500, 1e-12, 0);
    af_assert_close(metric(r, "coverage.water.south"), 360.0 / 1500, 1e-12, 0);
    for (int d = 0; d < DAYS; d++) {
        const af_daily_cell *c = daily_cell(r, d, 0, 0);
        af_assert_close(c->consumed_tonnes, 1000, 1e-12, 0);
        af_assert_close(c->stock_tonnes, 160.0 * (d + 1), 1e-12, 0);
    }
    af_assert_close(metric(r, "tonnes.distributed"), 200.0 * DAYS, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A capacity above what is asked of the hub changes nothing: 360 t handed out a day. */
static void test_distribution_not_binding(void **state)
{
    (void)state;
    af_scenario *s;
    af_result *r = run_with("", ", distribution: 5000 t/d", &s);
    af_assert_close(metric(r, "need_met.water"), 360.0 / 1500, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distribution_limits_consumption),
        cmocka_unit_test(test_distribution_not_binding),
    };
    return cmocka_run_group_tests_name("distribution", tests, NULL, NULL);
}
