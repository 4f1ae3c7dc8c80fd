/* Window metrics: a figure over a date window [FROM, TO] of the horizon (af_model_options
 * .windows, "BASIS@FROM..TO"), the mean per day over the window on the basis named, or need
 * met over it.
 *
 * The network (as test_plan.c): window dispatch 06:00-12:00 of 48 food trucks a day from
 * 2024-03-01, through a three-day warm-up (not reported: a window starting on the first day
 * counts from the end of the warm-up), 24 a day from 2024-03-14 (day 10), none from 2024-03-24 (day 20); 1 h to
 * `gate` (20 lanes, 5 min: never a queue), 1 h to the hub. Every truck enters and is delivered
 * the day it leaves, so each day's count is the plan's: 48, 24 or 0. The region needs 720,000
 * x 1 kg = 720 t a day; 48 trucks x 15 t = 720 t, 24 x 15 = 360 t: need met 1 on days 0-9 and
 * 0.5 on days 10-19 (nothing is left over to carry), 0 after. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30

static af_scenario *network(void)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: windows\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 3 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: \"06:00-12:00\"\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 48}}\n"
             "      - {from: 2024-03-14, trucks: {food: 24}}\n"
             "      - {from: 2024-03-24, trucks: {food: 0}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 20, service: 5 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS);
    return load_text(yaml);
}

static af_result *run_windows(const af_scenario *s, const char *const *w, size_t n)
{
    af_model_options o = {.keep_daily = false, .windows = w, .n_windows = n};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    if (af_model_run(s, 19, 0, &o, &r, &err) != AF_OK) fail_msg("run failed: %s", err.message);
    return r;
}

static void test_windows_are_the_mean_per_day_over_their_days(void **state)
{
    (void)state;
    af_scenario *s = network();
    const char *w[] = {
        "trucks_per_day.entered@2024-03-04..2024-03-13",      /* days 0-9: 48 */
        "trucks_per_day.entered@2024-03-14..2024-03-23",      /* days 10-19: 24 */
        "trucks_per_day.entered@2024-03-09..2024-03-18",      /* 5 x 48 + 5 x 24 over 10: 36 */
        "trucks_per_day.dispatched@2024-03-24..2024-04-02",   /* days 20-29: 0 */
        "trucks_per_day.delivered@2024-03-13..2024-03-14",    /* (48 + 24) / 2 = 36 */
        "tonnes_per_day.distributed@2024-03-14..2024-03-23",  /* 360 t a day */
        "need_met.food@2024-03-04..2024-03-13",               /* 1 */
        "need_met.food.south@2024-03-14..2024-03-23",         /* 0.5 */
        "need_met.food.south@2024-03-04..2024-03-23",         /* (10 x 720 + 10 x 360) / 14,400 = 0.75 */
        "trucks_per_day.entered@2024-03-04..2024-04-02",      /* the horizon: the per-run metric */
    };
    size_t n = sizeof w / sizeof *w;
    af_result *r = run_windows(s, w, n);
    double want[] = {48, 24, 36, 0, 36, 360, 1, 0.5, 0.75, (10 * 48 + 10 * 24) / 30.0};
    for (size_t i = 0; i < n; i++) af_assert_close(metric(r, w[i]), want[i], 1e-12, 1e-9);
    af_assert_close(metric(r, w[n - 1]), metric(r, "trucks_per_day.entered"), 0, 0);
    /* The windows come after every ordinary metric, which are as without them. */
    af_result *plain = run_windows(s, NULL, 0);
    assert_int_equal(r->n_metrics, plain->n_metrics + n);
    for (size_t i = 0; i < plain->n_metrics; i++) {
        assert_string_equal(r->metric_names[i], plain->metric_names[i]);
        assert_true(r->metrics[i] == plain->metrics[i] ||
                    (isnan(r->metrics[i]) && isnan(plain->metrics[i])));
    }
    af_result_free(plain);
    af_result_free(r);
    af_scenario_free(s);
}

/* A truck basis of one sender class counts that class's trucks only. The network above with
 * a commercial origin beside it: `traders`, 10 food trucks a day in the same window, through
 * the same gate (20 lanes of 5 min: no queue). Days 0-9: 48 humanitarian and 10 commercial
 * trucks enter a day, 58 in all; days 10-19: 24 humanitarian. */
static void test_windows_of_a_sender_class(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: windows_senders\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 3 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: \"06:00-12:00\"\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 48}}\n"
             "      - {from: 2024-03-14, trucks: {food: 24}}\n"
             "  - name: traders\n"
             "    sender: commercial\n"
             "    dispatch: \"06:00-12:00\"\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 10}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 20, service: 5 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: in_traders, from: traders, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n"
             "  - {name: trade, origin: traders, via: [gate], hub: hub}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    const char *w[] = {
        "trucks_per_day.entered.humanitarian@2024-03-04..2024-03-13", /* 48 */
        "trucks_per_day.entered.commercial@2024-03-04..2024-03-13",   /* 10 */
        "trucks_per_day.entered@2024-03-04..2024-03-13",              /* 58 */
        "trucks_per_day.entered.humanitarian@2024-03-14..2024-03-23", /* 24 */
        "trucks_per_day.entered.commercial@2024-03-04..2024-04-02",   /* the horizon */
    };
    size_t n = sizeof w / sizeof *w;
    af_result *r = run_windows(s, w, n);
    double want[] = {48, 10, 58, 24, 10};
    for (size_t i = 0; i < n; i++) af_assert_close(metric(r, w[i]), want[i], 1e-12, 1e-9);
    af_assert_close(metric(r, w[n - 1]), metric(r, "trucks_per_day.entered.commercial"), 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

static void test_bad_windows_are_refused(void **state)
{
    (void)state;
    af_scenario *s = network();
    const char *bad[] = {
        "trucks_per_day.entered@2024-03-03..2024-03-10",  /* starts before the horizon */
        "trucks_per_day.entered@2024-03-30..2024-04-03",  /* ends after it */
        "need_met.bread@2024-03-04..2024-03-10",          /* no such category */
        "need_met.food.east@2024-03-04..2024-03-10",      /* no such region */
        "trucks_per_day.parked@2024-03-04..2024-03-10",   /* no such basis */
        "trucks_per_day.entered.traders@2024-03-04..2024-03-10", /* no such sender class */
        "tonnes_per_day.distributed.commercial@2024-03-04..2024-03-10", /* not by sender */
        "trucks_per_day.entered@2024-03-10..2024-03-04",  /* TO before FROM */
        "trucks_per_day.entered@2024-02-30..2024-03-04",  /* not a date */
        "trucks_per_day.entered",                         /* no window */
    };
    const char *says[] = {"outside the reported horizon 2024-03-04..2024-04-02",
                          "outside the reported horizon", "no category 'bread'",
                          "no region 'east'", "unknown basis", "unknown basis",
                          "unknown basis", "TO is before FROM",
                          "must be dates", "expected BASIS@FROM..TO"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        af_model_options o = {.windows = &bad[i], .n_windows = 1};
        af_result *r = NULL;
        af_error err;
        af_error_clear(&err);
        assert_int_equal(af_model_run(s, 1, 0, &o, &r, &err), AF_INVAL);
        assert_null(r);
        if (!strstr(err.message, says[i])) fail_msg("%s: '%s' lacks '%s'", bad[i], err.message, says[i]);
    }
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_are_the_mean_per_day_over_their_days),
        cmocka_unit_test(test_windows_of_a_sender_class),
        cmocka_unit_test(test_bad_windows_are_refused),
    };
    return cmocka_run_group_tests_name("windows", tests, NULL, NULL);
}
