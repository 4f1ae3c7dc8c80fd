/* Loss on legs: each truck that starts a leg with loss p is lost (intercepted, looted) with
 * probability p, independently; the loss takes effect on arrival, and its tonnes are counted
 * as lost.
 *
 * The network: 100 food trucks a day leave between 06:00 and 12:00, 1 h to `gate` (20 lanes,
 * 5 min: no queue), 1 h to the hub, for 40 days: every truck has arrived or been lost by its
 * day's end, so nothing is left in the system and the counts below are exact sums. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 40
#define PER_DAY 100

static af_scenario *network(const char *in_loss, const char *out_loss)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: loss\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 1500000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: %d}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 20, service: 5 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h, loss: %s}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h, loss: %s}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, PER_DAY, in_loss, out_loss);
    return load_text(yaml);
}

/* Loss 20% on `out`: of the 4,000 trucks that start it, the number lost is Binomial(4000,
 * 0.2), mean 800, sd sqrt(4000 x 0.2 x 0.8) = 25.3; checked at 4 sd (false alarm 6e-5).
 * Exactly: every dispatched truck is delivered or lost, and a lost truck's 15 t are lost. */
static void test_loss_fraction_on_a_leg(void **state)
{
    (void)state;
    af_scenario *s = network("0", "20%");
    af_result *r = run_rep(s, 21, 0);
    double dispatched = metric(r, "trucks.dispatched");
    double lost = metric(r, "trucks.lost");
    af_assert_close(dispatched, DAYS * PER_DAY, 0, 0);
    assert_binomial(lost, dispatched, 0.2, 4);
    af_assert_close(metric(r, "trucks.delivered") + lost, dispatched, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 0, 0, 0);
    af_assert_close(metric(r, "tonnes.lost"), 15 * lost, 1e-12, 0);
    af_assert_close(metric(r, "tonnes.delivered"), 15 * (dispatched - lost), 1e-12, 0);
    /* Lost on the leg after the crossing: every truck still entered Gaza. */
    af_assert_close(metric(r, "trucks.entered"), dispatched, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Losses on two legs in series: 10% on `in` and 25% on `out`. The crossing serves the trucks
 * that survived `in`: dispatched - served ~ Binomial(4000, 0.1); of those served, the number
 * lost on `out` ~ Binomial(served, 0.25). Two checks at 4 sd each (Bonferroni: 1.3e-4 in
 * all). The overall survival is 0.9 x 0.75 = 0.675, checked against the binomial interval of
 * the product (sd sqrt(4000 x 0.675 x 0.325) = 29.6, the two stages being independent). */
static void test_losses_in_series(void **state)
{
    (void)state;
    af_scenario *s = network("10%", "25%");
    af_result *r = run_rep(s, 22, 0);
    double dispatched = metric(r, "trucks.dispatched");
    double served = STATION_SUM(r, "gate", served, 0, DAYS);
    double delivered = metric(r, "trucks.delivered");
    assert_binomial(dispatched - served, dispatched, 0.1, 4);
    assert_binomial(served - delivered, served, 0.25, 4);
    assert_binomial(delivered, dispatched, 0.675, 4);
    af_assert_close(metric(r, "trucks.lost"), dispatched - delivered, 0, 0);
    af_assert_close(metric(r, "trucks.entered"), served, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_fraction_on_a_leg),
        cmocka_unit_test(test_losses_in_series),
    };
    return cmocka_run_group_tests_name("loss", tests, NULL, NULL);
}
