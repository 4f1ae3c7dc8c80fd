/* Determinism: the same seed and replication give bit-identical statistics; another
 * replication number or seed gives different ones; replication k run alone equals
 * replication k run after others (no hidden state between replications). */
#include "af_test.h"

#include <string.h>

#include "mmc_model.h"

typedef struct snapshot {
    af_station_stats stats;
    uint64_t events;
    double now;
} snapshot;

static snapshot run(uint64_t seed, uint64_t rep)
{
    af_dist service;
    assert_int_equal(af_dist_lognormal(&service, 45, 20, NULL), AF_OK);
    qmodel m;
    assert_int_equal(qmodel_init(&m, 4, 4.5 / 45, &service, seed, rep, NULL, AF_WIP_FINISH), 0);
    af_sim_run_until(m.sim, 30 * AF_MINUTES_PER_DAY);
    snapshot s;
    memset(&s, 0, sizeof s);
    s.stats = *af_station_get_stats(m.st);
    s.events = af_sim_events_run(m.sim);
    s.now = af_sim_now(m.sim);
    qmodel_free(&m);
    af_dist_free(&service);
    return s;
}

static bool same(const snapshot *a, const snapshot *b)
{
    /* Compare field by field (struct padding is not part of the result). */
    const af_station_stats *x = &a->stats, *y = &b->stats;
    return a->events == b->events && memcmp(&a->now, &b->now, sizeof a->now) == 0 &&
           x->arrivals == y->arrivals && x->served == y->served && x->started == y->started &&
           memcmp(&x->wait, &y->wait, sizeof x->wait) == 0 &&
           memcmp(&x->sojourn, &y->sojourn, sizeof x->sojourn) == 0 &&
           memcmp(&x->queue, &y->queue, sizeof x->queue) == 0 &&
           memcmp(&x->busy, &y->busy, sizeof x->busy) == 0;
}

static void test_same_seed_is_bit_identical(void **state)
{
    (void)state;
    snapshot a = run(42, 3);
    snapshot b = run(42, 3);
    assert_true(a.stats.served > 1000);
    assert_true(same(&a, &b));
}

static void test_replication_alone_equals_in_sequence(void **state)
{
    (void)state;
    snapshot seq[4];
    for (uint64_t r = 0; r < 4; r++) seq[r] = run(42, r);
    snapshot alone = run(42, 2);
    assert_true(same(&seq[2], &alone));
}

static void test_other_replication_or_seed_differs(void **state)
{
    (void)state;
    snapshot a = run(42, 3);
    snapshot b = run(42, 4);
    snapshot c = run(43, 3);
    assert_false(same(&a, &b));
    assert_false(same(&a, &c));
    assert_true(af_tally_mean(&a.stats.wait) != af_tally_mean(&b.stats.wait));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_is_bit_identical),
        cmocka_unit_test(test_replication_alone_equals_in_sequence),
        cmocka_unit_test(test_other_replication_or_seed_differs),
    };
    return cmocka_run_group_tests_name("determinism", tests, NULL, NULL);
}
