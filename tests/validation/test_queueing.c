/* Validation of stations against queueing theory.
 *
 * M/M/c: the mean wait in queue Wq and mean queue length Lq from the Erlang C formula must lie
 * inside the 95% confidence interval (Student t over independent replications) of the
 * simulated values, at utilisations 0.5, 0.8 and 0.95 and with 1, 3 and 8 lanes.
 *
 * The intervals are simultaneous: 95% for the whole family of CHECKS comparisons (Bonferroni,
 * each at 1 - 0.05/CHECKS). Twenty-two separate 95% intervals would miss somewhere two times
 * in three even with a perfect engine; simultaneous ones miss anywhere only one time in
 * twenty. Each configuration draws its own streams (its own seed), so the checks are
 * independent rather than all sharing the luck of one set of replications.
 * M/D/1: Wq from the Pollaczek-Khinchine formula, the same way.
 * Little's law: on a closed run (arrivals stop, the system empties) L = lambda W holds exactly.
 *
 * Each replication starts empty, discards a warm-up of 10% of its length (the slowest case,
 * M/M/1 at 0.95, relaxes in about 1/(1-sqrt(rho))^2 = 1,560 service times, far less than the
 * warm-up), and then measures the rest.
 */
#include "af_test.h"

#include "mmc_model.h"

enum { REPS = 10, CHECKS = 22 /* 9 M/M/c and 2 M/D/1 configurations, Wq and Lq each */ };

static uint64_t config_seed = 20240301;

/* Erlang C: the probability that an arrival waits, for c servers and offered load a. */
static double erlang_c(unsigned c, double a)
{
    /* Erlang B by its stable recursion, then C from B. */
    double b = 1.0;
    for (unsigned k = 1; k <= c; k++) b = a * b / (k + a * b);
    double rho = a / c;
    return b / (1 - rho + rho * b);
}

typedef struct rep_result {
    double wq; /* mean wait in queue */
    double lq; /* time-average queue length */
} rep_result;

/* One replication of M/G/c with Poisson(lambda) arrivals, measured over [warm, warm+len]. */
static rep_result run_rep(unsigned c, double lambda, const af_dist *service, double warm,
                          double len, uint64_t rep)
{
    qmodel m;
    assert_int_equal(qmodel_init(&m, c, lambda, service, config_seed, rep, NULL, AF_WIP_FINISH), 0);
    af_sim_run_until(m.sim, warm);
    af_station_reset_stats(m.st);
    af_sim_run_until(m.sim, warm + len);
    const af_station_stats *s = af_station_get_stats(m.st);
    rep_result r = {af_tally_mean(&s->wait), af_timeavg_mean(&s->queue, af_sim_now(m.sim))};
    qmodel_free(&m);
    return r;
}

static void check_against(const char *what, unsigned c, double rho, double wq_theory,
                          double lq_theory, const af_dist *service, double lambda,
                          double customers)
{
    double len = customers / lambda;
    double wq[REPS], lq[REPS];
    config_seed++;
    for (int r = 0; r < REPS; r++) {
        rep_result res = run_rep(c, lambda, service, len / 10, len, (uint64_t)r);
        wq[r] = res.wq;
        lq[r] = res.lq;
    }
    double wq_mean, wq_half, lq_mean, lq_half;
    const double level = 1 - 0.05 / CHECKS;
    af_confidence_interval(wq, REPS, level, &wq_mean, &wq_half);
    af_confidence_interval(lq, REPS, level, &lq_mean, &lq_half);
    printf("# %s c=%u rho=%.2f  Wq theory %.4f sim %.4f +- %.4f   Lq theory %.4f sim %.4f +- %.4f\n",
           what, c, rho, wq_theory, wq_mean, wq_half, lq_theory, lq_mean, lq_half);
    af_assert_in_range(wq_theory, wq_mean - wq_half, wq_mean + wq_half);
    af_assert_in_range(lq_theory, lq_mean - lq_half, lq_mean + lq_half);
    /* And the interval is informative: narrower than a quarter of the value. */
    assert_true(wq_half < 0.25 * wq_theory);
}

static void check_mmc(unsigned c, double rho)
{
    const double mu = 1.0;
    double lambda = rho * c * mu;
    double wq = erlang_c(c, lambda / mu) / (c * mu - lambda);
    af_dist service;
    assert_int_equal(af_dist_exponential(&service, 1 / mu, NULL), AF_OK);
    /* Heavier traffic needs longer runs for the same precision. */
    double customers = rho < 0.9 ? 100000 : 400000;
    check_against("M/M/c", c, rho, wq, lambda * wq, &service, lambda, customers);
}

static void test_erlang_c_reference_values(void **state)
{
    (void)state;
    /* Published values: M/M/1 C = rho; M/M/2 with a = 1: C = 1/3; M/M/5 with a = 4.5:
     * C = 0.7625 (Wq = 1.5250 at mu = 1). */
    af_assert_close(erlang_c(1, 0.8), 0.8, 1e-12, 0);
    af_assert_close(erlang_c(2, 1.0), 1.0 / 3, 1e-12, 0);
    af_assert_close(erlang_c(5, 4.5) / (5 - 4.5), 1.5250, 1e-3, 0);
}

static void test_mmc_rho_050(void **state)
{
    (void)state;
    check_mmc(1, 0.5);
    check_mmc(3, 0.5);
    check_mmc(8, 0.5);
}

static void test_mmc_rho_080(void **state)
{
    (void)state;
    check_mmc(1, 0.8);
    check_mmc(3, 0.8);
    check_mmc(8, 0.8);
}

static void test_mmc_rho_095(void **state)
{
    (void)state;
    check_mmc(1, 0.95);
    check_mmc(3, 0.95);
    check_mmc(8, 0.95);
}

static void test_md1_pollaczek_khinchine(void **state)
{
    (void)state;
    af_dist service = af_dist_constant(1.0);
    for (int i = 0; i < 2; i++) {
        double rho = i == 0 ? 0.5 : 0.8;
        /* P-K with zero service variance: Wq = rho / (2 mu (1 - rho)). */
        double wq = rho / (2 * (1 - rho));
        check_against("M/D/1", 1, rho, wq, rho * wq, &service, rho, 100000);
    }
}

static void test_littles_law_closed_run(void **state)
{
    (void)state;
    af_dist service;
    assert_int_equal(af_dist_lognormal(&service, 40, 25, NULL), AF_OK);
    qmodel m;
    assert_int_equal(qmodel_init(&m, 3, 3.0 / 50, &service, 7, 0, NULL, AF_WIP_FINISH), 0);
    m.stop_arrivals_at = 200000;
    af_sim_run_until(m.sim, INFINITY);
    assert_int_equal(af_sim_pending(m.sim), 0);
    af_time end = af_sim_now(m.sim);
    const af_station_stats *s = af_station_get_stats(m.st);
    assert_int_equal(s->served, m.arrived);
    assert_int_equal(s->sojourn.n, m.arrived);
    /* Number in system = waiting + in service; over a run that starts and ends empty, its
     * integral equals the sum of the sojourn times, so L = lambda W with lambda = N / T. */
    double area = af_timeavg_area(&s->queue, end) + af_timeavg_area(&s->busy, end);
    double lambda = (double)m.arrived / end;
    double L = area / end, W = af_tally_mean(&s->sojourn);
    printf("# Little: N=%llu T=%.1f L=%.6f lambda*W=%.6f\n", (unsigned long long)m.arrived, end, L,
           lambda * W);
    af_assert_close(L, lambda * W, 1e-9, 0);
    /* The same for the queue alone: Lq = lambda Wq. */
    af_assert_close(af_timeavg_area(&s->queue, end) / end, lambda * af_tally_mean(&s->wait), 1e-9, 0);
    qmodel_free(&m);
    af_dist_free(&service);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_c_reference_values),
        cmocka_unit_test(test_mmc_rho_050),
        cmocka_unit_test(test_mmc_rho_080),
        cmocka_unit_test(test_mmc_rho_095),
        cmocka_unit_test(test_md1_pollaczek_khinchine),
        cmocka_unit_test(test_littles_law_closed_run),
    };
    return cmocka_run_group_tests_name("queueing", tests, NULL, NULL);
}
