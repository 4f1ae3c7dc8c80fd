/* Population shifts: on its date a shift moves people (a number, or a share of the region's
 * population at that moment) from one region to another, before that day's consumption, so
 * that each region's need follows its people. A hub serving several regions shares its
 * deliveries between them by need.
 *
 * The regions: north 1,000,000 people, south 500,000, both needing 1 kg a day. On 2024-03-14
 * (day 10) 300,000 people move north -> south; on 2024-03-24 (day 20) half of the south
 * (then 800,000: 400,000 people) moves south -> north. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30

static af_scenario *network(bool one_hub)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: shifts\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - name: north\n"
             "    population: 1000000\n"
             "    shifts: [{date: 2024-03-14, to: south, people: 300000}]\n"
             "  - name: south\n"
             "    population: 500000\n"
             "    shifts: [{date: 2024-03-24, to: north, share: 50%%}]\n"
             "hubs:\n"
             "%s"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: 48}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 10, service: 10 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub_n, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub_n}\n",
             DAYS,
             one_hub ? "  - {name: hub_n, serves: [north, south]}\n"
                     : "  - {name: hub_n, serves: [north]}\n"
                       "  - {name: hub_s, serves: [south]}\n");
    return load_text(yaml);
}

/* North's need: 1,000 t on days 0-9, 700 t on days 10-19, 1,100 t from day 20.
 * South's:        500 t,            800 t,             400 t.
 * South has no deliveries (its hub has no route): all its need is unmet. */
static void test_need_follows_the_people(void **state)
{
    (void)state;
    af_scenario *s = network(false);
    af_result *r = run_rep(s, 2, 0);
    for (int d = 0; d < DAYS; d++) {
        double north = d < 10 ? 1000 : d < 20 ? 700 : 1100;
        double south = d < 10 ? 500 : d < 20 ? 800 : 400;
        af_assert_close(daily_cell(r, d, 0, 0)->need_tonnes, north, 1e-12, 0);
        af_assert_close(daily_cell(r, d, 1, 0)->need_tonnes, south, 1e-12, 0);
        af_assert_close(daily_cell(r, d, 1, 0)->unmet_tonnes, south, 1e-12, 0);
        /* North gets 48 x 15 = 720 t a day: all of it eaten while the need is higher; on days
         * 10-19 it eats its 700 t and 20 t a day are left, 200 t by day 19, so on day 20 it
         * eats 720 + 200 = 920 t. */
        double eaten = d < 10 ? 720 : d < 20 ? 700 : d == 20 ? 920 : 720;
        af_assert_close(daily_cell(r, d, 0, 0)->consumed_tonnes, eaten, 1e-12, 0);
    }
    /* The people move; the total need does not: 1,500 t a day. */
    af_assert_close(metric(r, "tonnes.need"), 1500.0 * DAYS, 1e-12, 0);
    /* South: 10 x 500 + 10 x 800 + 10 x 400 = 17,000 t unmet = 17e6 person-days; north:
     * 10 x 280 + 0 + 10 x 380 = 6,600 t (on days 10-19 the north has 20 t over each day,
     * which its hub keeps: 200 t, eaten on day 20 when it needs 1,100: unmet 180 that day). */
    af_assert_close(metric(r, "tonnes.unmet"), 17000 + 2800 + 3800 - 200, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* One hub for both regions: its 48 trucks a day are shared by need, so the north's share is
 * 1000/1500, then 700/1500, then 1100/1500 of 48 trucks. */
static void test_shared_hub_follows_the_shift(void **state)
{
    (void)state;
    af_scenario *s = network(true);
    af_result *r = run_rep(s, 2, 0);
    for (int d = 0; d < DAYS; d++) {
        double north = d < 10 ? 1000 : d < 20 ? 700 : 1100;
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 48 * north / 1500, 1e-12, 0);
        af_assert_close(daily_cell(r, d, 1, 0)->trucks_delivered, 48 * (1500 - north) / 1500, 1e-12, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_need_follows_the_people),
        cmocka_unit_test(test_shared_hub_follows_the_shift),
    };
    return cmocka_run_group_tests_name("shifts", tests, NULL, NULL);
}
