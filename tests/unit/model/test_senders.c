/* Sender classes: a truck is humanitarian or commercial (its origin's `sender:`); need is met
 * only by the cargo that reaches people (all humanitarian cargo, the share reaches_people of
 * commercial cargo); every counting basis is reported per class; Gaza-side denials may differ
 * by class (commercial_denial).
 *
 * The network: `un` (humanitarian) sends 10 food trucks of 15 t a day and `traders`
 * (commercial) 20, both between 06:00 and 12:00, 1 h to the inspection `check` (10 lanes,
 * 5 min, nothing flagged), 1 h to the crossing `gate` (10 lanes, 10 min), 30 min to the hub
 * that serves `south`: 300,000 people needing 1 kg of food a day, 300 t. Every truck is
 * delivered by 14:00 (the last leaves before 12:00 and needs 2 h 45 min at most with at most
 * 30 trucks in 6 hours on 10 lanes: no queue lasts), so each day the hub receives 150 t of
 * humanitarian food and 300 t of commercial food before consumption at midnight.
 *
 *   reaches_people food 0:    the hub stocks 150 t a day; need 300 t: need met 150/300 = 0.5,
 *                             and 300 t a day are outside_need.
 *   reaches_people food 0.25: the hub stocks 150 + 75 = 225 t: need met 0.75; outside 225 t.
 *   no reaches_people:        all 450 t count; the need (300 t) is met in full: 1.
 * Nothing is left over to carry to the next day in the first two cases (stock is consumed
 * to 0 each midnight: 150 or 225 t < 300 t), so need met is exactly those ratios. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 10

#define YAML_FMT \
    "name: senders\n" \
    "start: 2024-03-04\n" \
    "horizon: %d d\n" \
    "categories:\n" \
    "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n" \
    "regions:\n" \
    "  - {name: south, population: 300000}\n" \
    "hubs:\n" \
    "  - {name: hub, serves: [south]}\n" \
    "origins:\n" \
    "  - name: un\n" \
    "    dispatch: 06:00-12:00\n" \
    "    plan: [{from: 2024-03-04, trucks: {food: %d}}]\n" \
    "  - name: traders\n" \
    "    dispatch: 06:00-12:00\n" \
    "    sender: commercial\n" \
    "%s" \
    "    plan: [{from: 2024-03-04, trucks: {food: %d}}]\n" \
    "inspections:\n" \
    "  - {name: check, lanes: 10, service: 5 min}\n" \
    "crossings:\n" \
    "  - name: gate\n" \
    "    lanes: 10\n" \
    "    service: 10 min\n" \
    "%s" \
    "  - name: gate2\n" \
    "    lanes: 10\n" \
    "    service: 10 min\n" \
    "%s" \
    "legs:\n" \
    "  - {name: a, from: un, to: check, travel: 1 h}\n" \
    "  - {name: b, from: traders, to: check, travel: 1 h}\n" \
    "  - {name: c, from: check, to: gate, travel: 1 h}\n" \
    "  - {name: d, from: gate, to: hub, travel: 30 min}\n" \
    "  - {name: e, from: traders, to: gate2, travel: 1 h}\n" \
    "  - {name: f, from: gate2, to: hub, travel: 30 min}\n" \
    "routes:\n" \
    "  - {name: un_main, origin: un, via: [check, gate], hub: hub}\n" \
    "  - {name: traders_main, origin: traders, via: %s, hub: hub}\n"

typedef struct net {
    int days;
    int un, traders;       /* trucks a day */
    const char *reach;     /* the traders' reaches_people line, or "" */
    const char *gaza;      /* gate's gaza_side block, or "" */
    const char *gaza2;     /* gate2's */
    const char *via;       /* the traders' route: "[check, gate]" or "[gate2]" */
} net;

static af_scenario *load_net(net n)
{
    char yaml[8192];
    snprintf(yaml, sizeof yaml, YAML_FMT, n.days ? n.days : DAYS, n.un ? n.un : 10,
             n.reach ? n.reach : "", n.traders ? n.traders : 20, n.gaza ? n.gaza : "",
             n.gaza2 ? n.gaza2 : "", n.via ? n.via : "[check, gate]");
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

/* Runs with the conservation residuals (all trucks and each sender class: the model reports
 * the worst) checked at every midnight, and checks trucks per class at the end: dispatched =
 * delivered + lost + written off + returned + returned to origin + in the system. */
static af_result *run_checked(const af_scenario *s, uint64_t seed)
{
    worst w = {0};
    af_model_options o = {.keep_daily = true, .on_midnight = on_midnight, .ctx = &w};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    if (af_model_run(s, seed, 0, &o, &r, &err) != AF_OK) fail_msg("run failed: %s", err.message);
    assert_true(w.midnights >= s->horizon_days);
    af_assert_close(w.tonnes, 0, 0, 1e-6);
    af_assert_close(w.stock, 0, 0, 1e-6);
    static const char *const who[] = {"humanitarian", "commercial"};
    for (int k = 0; k < 2; k++) {
        char name[128];
        double gone = 0;
        static const char *const ways[] = {"delivered", "lost", "written_off", "returned",
                                           "returned_to_origin", "in_system"};
        for (size_t i = 0; i < sizeof ways / sizeof *ways; i++) {
            snprintf(name, sizeof name, "trucks.%s.%s", ways[i], who[k]);
            gone += metric(r, name);
        }
        snprintf(name, sizeof name, "trucks.dispatched.%s", who[k]);
        af_assert_close(metric(r, name), gone, 0, 0);
    }
    return r;
}

/* Need met counts only what reaches people (the header's derivation). */
static void test_commercial_share_of_need(void **state)
{
    (void)state;
    static const struct {
        const char *reach;
        double met, outside_per_day;
    } cases[] = {
        {"    reaches_people: {food: 0}\n", 0.5, 300},
        {"    reaches_people: {food: 0.25}\n", 0.75, 225},
        {"", 1.0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        af_scenario *s = load_net((net){.reach = cases[i].reach});
        af_result *r = run_checked(s, 21);
        af_assert_close(metric(r, "need_met.food"), cases[i].met, 1e-12, 0);
        af_assert_close(metric(r, "need_met.food.south"), cases[i].met, 1e-12, 0);
        af_assert_close(metric(r, "tonnes.outside_need"), cases[i].outside_per_day * DAYS, 1e-12, 0);
        af_assert_close(metric(r, "tonnes.outside_need.commercial"), cases[i].outside_per_day * DAYS, 1e-12, 0);
        af_assert_close(metric(r, "tonnes.outside_need.humanitarian"), 0, 0, 0);
        /* Delivered counts every tonne that reached the hub, of both classes. */
        af_assert_close(metric(r, "tonnes.delivered"), 450.0 * DAYS, 1e-12, 0);
        af_assert_close(metric(r, "tonnes.delivered.humanitarian"), 150.0 * DAYS, 1e-12, 0);
        af_assert_close(metric(r, "tonnes.delivered.commercial"), 300.0 * DAYS, 1e-12, 0);
        af_result_free(r);
        af_scenario_free(s);
    }
}

/* Every counting basis per class: 10 humanitarian and 20 commercial trucks a day are
 * inspected, enter, are offloaded, collected and delivered (no Gaza side: offloaded and
 * collected as they cross); the classes add up to the totals. */
static void test_bases_per_sender(void **state)
{
    (void)state;
    af_scenario *s = load_net((net){0});
    af_result *r = run_checked(s, 22);
    static const char *const bases[] = {"inspected", "entered", "offloaded", "collected", "delivered"};
    for (size_t i = 0; i < sizeof bases / sizeof *bases; i++) {
        char name[128];
        snprintf(name, sizeof name, "trucks.%s.humanitarian", bases[i]);
        af_assert_close(metric(r, name), 10 * DAYS, 0, 0);
        snprintf(name, sizeof name, "trucks.%s.commercial", bases[i]);
        af_assert_close(metric(r, name), 20 * DAYS, 0, 0);
        snprintf(name, sizeof name, "trucks_per_day.%s.humanitarian", bases[i]);
        af_assert_close(metric(r, name), 10, 1e-12, 0);
        snprintf(name, sizeof name, "trucks_per_day.%s.commercial", bases[i]);
        af_assert_close(metric(r, name), 20, 1e-12, 0);
        snprintf(name, sizeof name, "trucks_per_day.%s", bases[i]);
        af_assert_close(metric(r, name), 30, 1e-12, 0);
    }
    af_assert_close(metric(r, "trucks.dispatched.humanitarian"), 10 * DAYS, 0, 0);
    af_assert_close(metric(r, "trucks.dispatched.commercial"), 20 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

#define GAZA(k, area, extra) \
    "    gaza_side:\n      collection: " #k "\n      waiting_area: " #area "\n" extra

/* Denial by sender class. The humanitarian trucks cross at `gate`, the commercial at `gate2`,
 * 200 a day each (far above collection, so each waiting area of 50 stays full from the first
 * morning and every slot from day 1 on finds a truck); both Gaza sides collect k = 100 a day
 * with denial 0.3 and commercial_denial 0. At gate collections are Binomial(attempts, 0.7);
 * at gate2 no commercial movement is denied: every attempt collects. Without
 * commercial_denial gate2 would be denied like gate. */
static void test_denial_by_sender(void **state)
{
    (void)state;
    af_scenario *s = load_net((net){.days = 30, .un = 200, .traders = 200, .via = "[gate2]",
                                    .gaza = GAZA(100, 50, "      denial: 0.3\n      commercial_denial: 0\n"),
                                    .gaza2 = GAZA(100, 50, "      denial: 0.3\n      commercial_denial: 0\n")});
    af_result *r = run_checked(s, 23);
    double hc = metric(r, "trucks.collected.humanitarian"), hd = metric(r, "trucks.denied.humanitarian");
    assert_true(hc + hd >= 100 * 29 && hc + hd <= 100 * 30);
    assert_binomial(hc, hc + hd, 0.7, 4);
    af_assert_close(metric(r, "trucks.denied.commercial"), 0, 0, 0);
    double cc = metric(r, "trucks.collected.commercial");
    assert_true(cc >= 100 * 29 && cc <= 100 * 30);
    af_assert_close(metric(r, "trucks.denied"), hd, 0, 0);
    af_assert_close(metric(r, "trucks.collected"), hc + cc, 0, 0);
    af_result_free(r);
    af_scenario_free(s);

    /* Without commercial_denial, commercial movements are denied at `denial`. */
    s = load_net((net){.days = 30, .un = 200, .traders = 200, .via = "[gate2]",
                       .gaza = GAZA(100, 50, "      denial: 0.3\n"),
                       .gaza2 = GAZA(100, 50, "      denial: 0.3\n")});
    assert_true(s->crossings[1].gs_denial_commercial == 0.3);
    r = run_checked(s, 23);
    cc = metric(r, "trucks.collected.commercial");
    double cd = metric(r, "trucks.denied.commercial");
    assert_binomial(cc, cc + cd, 0.7, 4);
    af_result_free(r);
    af_scenario_free(s);
}

/* reaches_people belongs to commercial origins: on a humanitarian one it is an error. */
static void test_reaches_people_needs_commercial(void **state)
{
    (void)state;
    const char *yaml =
        "name: bad\nstart: 2024-03-04\nhorizon: 2 d\n"
        "categories: [{name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}]\n"
        "regions: [{name: south, population: 1000}]\n"
        "hubs: [{name: hub, serves: [south]}]\n"
        "origins:\n"
        "  - {name: un, reaches_people: {food: 0.5}, plan: [{from: 2024-03-04, trucks: {food: 1}}]}\n"
        "crossings: [{name: gate, lanes: 1, service: 10 min}]\n"
        "legs: [{from: un, to: gate, travel: 1 h}, {from: gate, to: hub, travel: 1 h}]\n"
        "routes: [{name: main, origin: un, via: [gate], hub: hub}]\n";
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    assert_int_not_equal(af_scenario_load_buffer("bad.yaml", yaml, strlen(yaml), NULL, 0,
                                                 AF_LOAD_NO_FILES, &s, d),
                         AF_OK);
    assert_null(s);
    af_diagnostics_destroy(d);
}

/* `aidflow show` writes sender, reaches_people and commercial_denial back, and the text loads
 * to the same scenario; a humanitarian origin writes none of them. */
static void test_round_trip(void **state)
{
    (void)state;
    af_scenario *s = load_net((net){.reach = "    reaches_people: {food: 0.25}\n", .via = "[gate2]",
                                    .gaza2 = GAZA(10, 5, "      denial: 0.3\n      commercial_denial: 0.1\n")});
    assert_int_equal(s->origins[0].sender, AF_SCN_HUMANITARIAN);
    assert_int_equal(s->origins[1].sender, AF_SCN_COMMERCIAL);
    af_assert_close(s->origins[0].reaches_people[0], 1, 0, 0);
    af_assert_close(s->origins[1].reaches_people[0], 0.25, 0, 0);
    af_assert_close(s->crossings[1].gs_denial_commercial, 0.1, 0, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(af_scenario_write(s, f), AF_OK);
    fclose(f);
    assert_non_null(strstr(text, "sender: commercial"));
    assert_non_null(strstr(text, "reaches_people: {food: 0.25}"));
    assert_non_null(strstr(text, "commercial_denial: 0.1"));
    assert_null(strstr(text, "sender: humanitarian"));
    af_scenario *t = load_text(text);
    assert_true(af_scenario_equal(s, t));
    free(text);
    af_scenario_free(t);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commercial_share_of_need),
        cmocka_unit_test(test_bases_per_sender),
        cmocka_unit_test(test_denial_by_sender),
        cmocka_unit_test(test_reaches_people_needs_commercial),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests_name("senders", tests, NULL, NULL);
}
