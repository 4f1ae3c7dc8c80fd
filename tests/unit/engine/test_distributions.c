/* Tests of src/engine/distributions.c: parameter checks, sampling, exact moments, ownership. */
#include "af_test.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "aidflow/random.h"

enum { N = 200000 };
static double xs[N];

struct moments {
    double mean, var, m4;
};

/* Two-pass sample moments: mean, unbiased variance, fourth central moment. */
static struct moments sample_moments(const double *x, size_t n)
{
    struct moments m = {0, 0, 0};
    for (size_t i = 0; i < n; i++) m.mean += x[i];
    m.mean /= (double)n;
    double s2 = 0, s4 = 0;
    for (size_t i = 0; i < n; i++) {
        double dev = x[i] - m.mean, dev2 = dev * dev;
        s2 += dev2;
        s4 += dev2 * dev2;
    }
    m.var = s2 / (double)(n - 1);
    m.m4 = s4 / (double)n;
    return m;
}

static void draw(const af_dist *d, uint64_t rep, const char *purpose)
{
    af_rng *r = af_rng_create(20240601, rep, purpose);
    assert_non_null(r);
    for (size_t i = 0; i < N; i++) xs[i] = af_dist_sample(d, r);
    af_rng_destroy(r);
}

/* Draws N samples and compares their mean and variance with af_dist_mean/af_dist_variance.
 *
 * Mean: the standard error is sqrt(sigma^2 / N) with the exact sigma^2; 4 of them.
 *
 * Variance: Var(s^2) = (mu4 - sigma^4 (N-3)/(N-1)) / N, with mu4 the fourth central moment.
 * mu4 is taken from the sample (the library does not expose it), which for the heavy-tailed
 * cases here (lognormal with cv 1, weibull with shape 0.8) tends to come out low, because
 * the rare large values that make mu4 large are under-represented; so the band is 5 standard
 * errors instead of 4. For these parameter sets that is 0.2% to 7% relative, always tighter
 * than a blanket tolerance would be for the light-tailed ones.
 *
 * A small absolute slack covers the rounding of the sums (relevant only when sigma is 0). */
static void check_moments(const af_dist *d, uint64_t rep)
{
    draw(d, rep, af_dist_kind_name(d->kind));
    struct moments m = sample_moments(xs, N);
    double mu = af_dist_mean(d), var = af_dist_variance(d);
    double slack = 1e-12 * fabs(mu) + 1e-300;

    double se_mean = sqrt(var / N);
    if (!(fabs(m.mean - mu) <= 4 * se_mean + slack))
        fail_msg("%s (%g, %g, %g): sample mean %.8g vs %.8g, %.2f standard errors apart",
                 af_dist_kind_name(d->kind), d->p[0], d->p[1], d->p[2], m.mean, mu,
                 fabs(m.mean - mu) / se_mean);

    double var_of_var = (m.m4 - var * var * (N - 3.0) / (N - 1.0)) / N;
    double se_var = sqrt(fmax(var_of_var, 0.0));
    if (getenv("AF_TEST_VERBOSE"))
        printf("%-12s (%g, %g, %g): mean z %+.2f, variance z %+.2f (band %.2g%%)\n",
               af_dist_kind_name(d->kind), d->p[0], d->p[1], d->p[2],
               se_mean > 0 ? (m.mean - mu) / se_mean : 0.0,
               se_var > 0 ? (m.var - var) / se_var : 0.0, var > 0 ? 500 * se_var / var : 0.0);
    if (!(fabs(m.var - var) <= 5 * se_var + 1e-12 * mu * mu))
        fail_msg("%s (%g, %g, %g): sample variance %.8g vs %.8g, %.2f standard errors apart",
                 af_dist_kind_name(d->kind), d->p[0], d->p[1], d->p[2], m.var, var,
                 fabs(m.var - var) / se_var);
}

static void check_support(double lo, double hi)
{
    for (size_t i = 0; i < N; i++)
        if (!(xs[i] >= lo && xs[i] <= hi))
            fail_msg("sample %zu = %.17g outside [%.17g, %.17g]", i, xs[i], lo, hi);
}

static void test_constant(void **state)
{
    (void)state;
    const double values[] = {3.5, -2.0, 0.0};
    for (size_t k = 0; k < 3; k++) {
        af_dist d = af_dist_constant(values[k]);
        assert_int_equal(d.kind, AF_DIST_CONSTANT);
        af_assert_close(af_dist_mean(&d), values[k], 0, 0);
        af_assert_close(af_dist_variance(&d), 0, 0, 0);
        draw(&d, k, "constant");
        for (size_t i = 0; i < N; i++)
            if (xs[i] != values[k]) fail_msg("sample %zu = %.17g, not %g", i, xs[i], values[k]);
    }
}

static void test_exponential(void **state)
{
    (void)state;
    const double means[] = {1.0, 0.25, 1000.0};
    for (size_t k = 0; k < 3; k++) {
        af_dist d;
        assert_int_equal(af_dist_exponential(&d, means[k], NULL), AF_OK);
        af_assert_close(af_dist_mean(&d), means[k], 1e-15, 0);
        af_assert_close(af_dist_variance(&d), means[k] * means[k], 1e-15, 0);
        check_moments(&d, k);
        check_support(0, INFINITY);
    }
}

static void test_uniform(void **state)
{
    (void)state;
    const double p[][2] = {{0, 1}, {-5, 20}, {4, 4}};
    for (size_t k = 0; k < 3; k++) {
        af_dist d;
        assert_int_equal(af_dist_uniform(&d, p[k][0], p[k][1], NULL), AF_OK);
        af_assert_close(af_dist_mean(&d), (p[k][0] + p[k][1]) / 2, 1e-15, 0);
        af_assert_close(af_dist_variance(&d), (p[k][1] - p[k][0]) * (p[k][1] - p[k][0]) / 12,
                        1e-15, 0);
        check_moments(&d, k);
        check_support(p[k][0], p[k][1]);
    }
}

static void test_triangular(void **state)
{
    (void)state;
    /* Symmetric, mode at low, mode at high, skewed. */
    const double p[][3] = {{0, 0.5, 1}, {1, 1, 4}, {2, 7, 7}, {-3, 0, 10}};
    for (size_t k = 0; k < 4; k++) {
        af_dist d;
        double a = p[k][0], c = p[k][1], b = p[k][2];
        assert_int_equal(af_dist_triangular(&d, a, c, b, NULL), AF_OK);
        af_assert_close(af_dist_mean(&d), (a + b + c) / 3, 1e-15, 1e-15);
        check_moments(&d, k);
        check_support(a, b);
    }
    af_dist d;
    assert_int_equal(af_dist_triangular(&d, 0, 0.5, 1, NULL), AF_OK);
    af_assert_close(af_dist_variance(&d), 1.0 / 24.0, 1e-14, 0);
}

static void test_lognormal(void **state)
{
    (void)state;
    /* cv 0.3, cv 1 (heavy tail), and sd 0. */
    const double p[][2] = {{10, 3}, {2, 2}, {5, 0}};
    for (size_t k = 0; k < 3; k++) {
        af_dist d;
        assert_int_equal(af_dist_lognormal(&d, p[k][0], p[k][1], NULL), AF_OK);
        af_assert_close(af_dist_mean(&d), p[k][0], 1e-15, 0);
        af_assert_close(af_dist_variance(&d), p[k][1] * p[k][1], 1e-15, 0);
        check_moments(&d, k);
        check_support(DBL_MIN, INFINITY);
    }
    /* sd == 0 is a constant at the mean, exactly. */
    af_dist d;
    assert_int_equal(af_dist_lognormal(&d, 5, 0, NULL), AF_OK);
    draw(&d, 9, "lognormal-sd0");
    for (size_t i = 0; i < N; i++) assert_true(xs[i] == 5.0);
}

static void test_gamma(void **state)
{
    (void)state;
    /* shape < 1, integer shape, shape > 1 fractional, large shape. */
    const double p[][2] = {{0.5, 2}, {1, 4}, {3.7, 1.5}, {12.5, 0.1}};
    for (size_t k = 0; k < 4; k++) {
        af_dist d;
        assert_int_equal(af_dist_gamma(&d, p[k][0], p[k][1], NULL), AF_OK);
        af_assert_close(af_dist_mean(&d), p[k][0] * p[k][1], 1e-15, 0);
        af_assert_close(af_dist_variance(&d), p[k][0] * p[k][1] * p[k][1], 1e-15, 0);
        check_moments(&d, k);
        check_support(0, INFINITY);
    }
}

static void test_weibull(void **state)
{
    (void)state;
    /* shape < 1 (decreasing hazard), 1 (exponential), 2 (Rayleigh), 5 (peaked). */
    const double p[][2] = {{0.8, 2}, {1, 5}, {2, 3}, {5, 1}};
    for (size_t k = 0; k < 4; k++) {
        af_dist d;
        assert_int_equal(af_dist_weibull(&d, p[k][0], p[k][1], NULL), AF_OK);
        check_moments(&d, k);
        check_support(0, INFINITY);
    }
    /* Closed forms, which also catch GSL's (scale, shape) order being swapped. */
    af_dist d;
    assert_int_equal(af_dist_weibull(&d, 1, 5, NULL), AF_OK);
    af_assert_close(af_dist_mean(&d), 5, 1e-14, 0);
    af_assert_close(af_dist_variance(&d), 25, 1e-14, 0);
    assert_int_equal(af_dist_weibull(&d, 2, 3, NULL), AF_OK);
    af_assert_close(af_dist_mean(&d), 3 * sqrt(M_PI) / 2, 1e-14, 0);
    af_assert_close(af_dist_variance(&d), 9 * (1 - M_PI / 4), 1e-13, 0);
    /* Shapes small enough that Gamma(1 + 2/k) overflows: no abort from GSL's error handler,
     * and the mean still comes out where it is representable. */
    assert_int_equal(af_dist_weibull(&d, 0.005, 1e-300, NULL), AF_OK);
    af_assert_close(af_dist_mean(&d), exp(log(1e-300) + gsl_sf_lngamma(201)), 1e-12, 0);
    af_assert_close(af_dist_variance(&d), exp(2 * log(1e-300) + gsl_sf_lngamma(401)), 1e-12, 0);
    assert_int_equal(af_dist_weibull(&d, 0.004, 1, NULL), AF_OK);
    assert_true(isinf(af_dist_mean(&d)));
}

static int in_table(double x, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x == v[i]) return 1;
    return 0;
}

static void test_empirical(void **state)
{
    (void)state;
    static const double v1[] = {1, 2, 5}, w1[] = {1, 2, 1};
    static const double v2[] = {10, 20, 30, 40}, w2[] = {0.5, 0, 3, 1.5};
    static const double v3[] = {-1.5, 0, 2.5, 100}, w3[] = {3, 3, 3, 0.3};
    static const double v4[] = {7.25}, w4[] = {1e-300};
    static const double v5[] = {1, 2, 3, 4}, w5[] = {0, 2, 2, 0}; /* zero rows at both ends */
    struct {
        const double *v, *w;
        size_t n;
    } t[] = {{v1, w1, 3}, {v2, w2, 4}, {v3, w3, 4}, {v4, w4, 1}, {v5, w5, 4}};
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        af_dist d;
        assert_int_equal(af_dist_empirical(&d, t[k].v, t[k].w, t[k].n, NULL), AF_OK);
        assert_int_equal(d.kind, AF_DIST_EMPIRICAL);
        assert_true(d.cum[d.n - 1] == 1.0);
        check_moments(&d, k);
        /* Only table values, and never a row of weight 0. */
        for (size_t i = 0; i < N; i++) {
            if (!in_table(xs[i], t[k].v, t[k].n))
                fail_msg("table %zu: sample %.17g is not a table value", k, xs[i]);
            for (size_t j = 0; j < t[k].n; j++)
                if (t[k].w[j] == 0 && xs[i] == t[k].v[j])
                    fail_msg("table %zu: drew %g, whose weight is 0", k, xs[i]);
        }
        af_dist_free(&d);
    }

    af_dist d;
    assert_int_equal(af_dist_empirical(&d, v1, w1, 3, NULL), AF_OK);
    af_assert_close(af_dist_mean(&d), 2.5, 1e-15, 0);
    af_assert_close(af_dist_variance(&d), 2.25, 1e-15, 0);
    af_dist_free(&d);
    /* Weights near DBL_MAX must not overflow their sum. */
    static const double big[] = {DBL_MAX, DBL_MAX, DBL_MAX};
    assert_int_equal(af_dist_empirical(&d, v1, big, 3, NULL), AF_OK);
    af_assert_close(af_dist_mean(&d), 8.0 / 3.0, 1e-15, 0);
    af_dist_free(&d);
}

/* Samplers documented to use a fixed number of uniforms must use exactly that many: a
 * stream that drew one sample is then in step with a twin that drew that many uniforms. */
static void check_budget(const af_dist *d, int uniforms)
{
    af_rng *a = af_rng_create(5, 5, "budget");
    af_rng *b = af_rng_create(5, 5, "budget");
    assert_non_null(a);
    assert_non_null(b);
    for (int round = 0; round < 1000; round++) {
        af_dist_sample(d, a);
        for (int i = 0; i < uniforms; i++) af_rng_uniform(b);
        if (af_rng_uniform(a) != af_rng_uniform(b))
            fail_msg("%s: not %d uniform(s) per sample (round %d)", af_dist_kind_name(d->kind),
                     uniforms, round);
    }
    af_rng_destroy(a);
    af_rng_destroy(b);
}

static void test_uniform_budget(void **state)
{
    (void)state;
    static const double v[] = {1, 2, 3}, w[] = {1, 1, 1};
    af_dist d;
    d = af_dist_constant(4);
    check_budget(&d, 0);
    assert_int_equal(af_dist_lognormal(&d, 4, 0, NULL), AF_OK);
    check_budget(&d, 0);
    assert_int_equal(af_dist_lognormal(&d, 45, 20, NULL), AF_OK);
    check_budget(&d, 1);
    assert_int_equal(af_dist_exponential(&d, 2, NULL), AF_OK);
    check_budget(&d, 1);
    assert_int_equal(af_dist_uniform(&d, 1, 9, NULL), AF_OK);
    check_budget(&d, 1);
    assert_int_equal(af_dist_triangular(&d, 1, 2, 9, NULL), AF_OK);
    check_budget(&d, 1);
    assert_int_equal(af_dist_weibull(&d, 1.5, 2, NULL), AF_OK);
    check_budget(&d, 1);
    assert_int_equal(af_dist_empirical(&d, v, w, 3, NULL), AF_OK);
    check_budget(&d, 1);
    af_dist_free(&d);
}

/* af_dist_sample writes out what it once called in GSL (gsl_ran_exponential, gsl_ran_flat, a
 * lognormal's log and log1p a sample, fmin and fmax): the numbers must not change. On twin
 * streams, each sample must equal, bit for bit, what GSL's functions (or the old formula,
 * with GSL's uniforms) give on the twin's gsl_rng. */
enum { TWIN_DRAWS = 200000 };

static double old_triangular(double a, double c, double b, double u)
{
    double x;
    if (u * (b - a) < c - a)
        x = a + sqrt(u * (b - a) * (c - a));
    else
        x = b - sqrt((1.0 - u) * (b - a) * (b - c));
    return fmin(fmax(x, a), b);
}

static double old_lognormal(double mean, double sd, gsl_rng *g)
{
    double r = sd / mean;
    double s2 = r > 1e150 ? 2.0 * log(r) : log1p(r * r);
    return exp(log(mean) - 0.5 * s2 + sqrt(s2) * gsl_cdf_ugaussian_Pinv(gsl_rng_uniform_pos(g)));
}

static double gsl_reference(const af_dist *d, gsl_rng *g)
{
    switch (d->kind) {
    case AF_DIST_EXPONENTIAL: return gsl_ran_exponential(g, d->p[0]);
    case AF_DIST_UNIFORM: return gsl_ran_flat(g, d->p[0], d->p[1]);
    case AF_DIST_TRIANGULAR: return old_triangular(d->p[0], d->p[1], d->p[2], gsl_rng_uniform(g));
    case AF_DIST_LOGNORMAL: return old_lognormal(d->p[0], d->p[1], g);
    case AF_DIST_GAMMA: return gsl_ran_gamma(g, d->p[0], d->p[1]);
    case AF_DIST_WEIBULL: return gsl_ran_weibull(g, d->p[1], d->p[0]);
    default: return NAN;
    }
}

static void check_twin(const af_dist *d, int *checked)
{
    af_rng *a = af_rng_create(11, 4, "twin");
    af_rng *b = af_rng_create(11, 4, "twin");
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < TWIN_DRAWS; i++) {
        double x = af_dist_sample(d, a), want = gsl_reference(d, af_rng_gsl(b));
        if (memcmp(&x, &want, sizeof x) != 0)
            fail_msg("%s(%g, %g, %g) sample %d: %.17g, GSL %.17g", af_dist_kind_name(d->kind),
                     d->p[0], d->p[1], d->p[2], i, x, want);
    }
    af_rng_destroy(a);
    af_rng_destroy(b);
    (*checked)++;
}

static void test_samples_match_gsl(void **state)
{
    (void)state;
    int checked = 0;
    af_dist d;
    static const double exp_means[] = {1.0, 1 / 0.9, 45.0, 1e-300, 1e300};
    for (size_t i = 0; i < sizeof exp_means / sizeof exp_means[0]; i++) {
        assert_int_equal(af_dist_exponential(&d, exp_means[i], NULL), AF_OK);
        check_twin(&d, &checked);
    }
    static const double unif[][2] = {{0, 1}, {-3, 7.5}, {5, 5}, {-1e300, 1e300}};
    for (size_t i = 0; i < sizeof unif / sizeof unif[0]; i++) {
        assert_int_equal(af_dist_uniform(&d, unif[i][0], unif[i][1], NULL), AF_OK);
        check_twin(&d, &checked);
    }
    /* The mode at either end and inside, a signed zero at the low end, and a mode an ulp from
     * the high end. */
    static const double tri[][3] = {{1, 2, 9}, {0, 0, 1}, {0, 1, 1}, {-0.0, 0.0, 1e-3},
                                    {-5, 0.3, 0.30000000000000004}};
    for (size_t i = 0; i < sizeof tri / sizeof tri[0]; i++) {
        assert_int_equal(af_dist_triangular(&d, tri[i][0], tri[i][1], tri[i][2], NULL), AF_OK);
        check_twin(&d, &checked);
    }
    /* Coefficients of variation small, ordinary, large and past 1e150 (the 2 ln r branch). */
    static const double logn[][2] = {{45, 20}, {10, 3}, {2, 7}, {1, 1e-9}, {1e-200, 1e-40}};
    for (size_t i = 0; i < sizeof logn / sizeof logn[0]; i++) {
        assert_int_equal(af_dist_lognormal(&d, logn[i][0], logn[i][1], NULL), AF_OK);
        check_twin(&d, &checked);
    }
    assert_int_equal(af_dist_gamma(&d, 2.5, 3, NULL), AF_OK);
    check_twin(&d, &checked);
    assert_int_equal(af_dist_gamma(&d, 0.4, 1, NULL), AF_OK);
    check_twin(&d, &checked);
    assert_int_equal(af_dist_weibull(&d, 1.5, 2, NULL), AF_OK);
    check_twin(&d, &checked);
    assert_int_equal(checked, 22);
}

/* Lognormal (any sd > 0) and gamma (same shape) use a variable number of uniforms, but the
 * count does not depend on mean, sd or scale: two scenarios that differ only there stay in
 * step on a shared stream, which is what common random numbers need. */
static void check_in_step(const af_dist *x, const af_dist *y)
{
    af_rng *a = af_rng_create(8, 2, "in-step");
    af_rng *b = af_rng_create(8, 2, "in-step");
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < 5000; i++) {
        af_dist_sample(x, a);
        af_dist_sample(y, b);
    }
    assert_true(af_rng_uniform(a) == af_rng_uniform(b));
    af_rng_destroy(a);
    af_rng_destroy(b);
}

static void test_parameters_keep_streams_in_step(void **state)
{
    (void)state;
    af_dist x, y;
    assert_int_equal(af_dist_lognormal(&x, 10, 3, NULL), AF_OK);
    assert_int_equal(af_dist_lognormal(&y, 2, 7, NULL), AF_OK);
    check_in_step(&x, &y);
    assert_int_equal(af_dist_gamma(&x, 2.5, 1, NULL), AF_OK);
    assert_int_equal(af_dist_gamma(&y, 2.5, 40, NULL), AF_OK);
    check_in_step(&x, &y);
}

static void test_deterministic(void **state)
{
    (void)state;
    static const double v[] = {1, 2, 3}, w[] = {1, 5, 1};
    af_dist ds[8];
    ds[0] = af_dist_constant(1);
    assert_int_equal(af_dist_exponential(&ds[1], 2, NULL), AF_OK);
    assert_int_equal(af_dist_uniform(&ds[2], 0, 3, NULL), AF_OK);
    assert_int_equal(af_dist_triangular(&ds[3], 0, 1, 3, NULL), AF_OK);
    assert_int_equal(af_dist_lognormal(&ds[4], 3, 1, NULL), AF_OK);
    assert_int_equal(af_dist_gamma(&ds[5], 0.7, 2, NULL), AF_OK);
    assert_int_equal(af_dist_weibull(&ds[6], 1.3, 2, NULL), AF_OK);
    assert_int_equal(af_dist_empirical(&ds[7], v, w, 3, NULL), AF_OK);
    double first[8][100];
    for (int pass = 0; pass < 2; pass++) {
        af_rng *r = af_rng_create(3, 1, "det");
        assert_non_null(r);
        for (int i = 0; i < 100; i++)
            for (int k = 0; k < 8; k++) {
                double x = af_dist_sample(&ds[k], r);
                if (pass == 0)
                    first[k][i] = x;
                else if (x != first[k][i])
                    fail_msg("%s: draw %d differs on rerun", af_dist_kind_name(ds[k].kind), i);
            }
        af_rng_destroy(r);
    }
    af_dist_free(&ds[7]);
}

/* Runs a constructor expected to fail; checks the status, that the message names `param`,
 * and that *d was left a constant 0 (safe to free). */
#define EXPECT_RANGE(call, param)                                                           \
    do {                                                                                    \
        af_error err_;                                                                      \
        af_error_clear(&err_);                                                              \
        d = af_dist_constant(99);                                                           \
        af_status st_ = (call);                                                             \
        if (st_ != AF_RANGE) fail_msg("%s returned %s", #call, af_status_name(st_));        \
        assert_int_equal(err_.status, AF_RANGE);                                            \
        if (!strstr(err_.message, (param)))                                                 \
            fail_msg("%s: message \"%s\" does not name %s", #call, err_.message, (param));  \
        assert_int_equal(d.kind, AF_DIST_CONSTANT);                                         \
        assert_true(d.p[0] == 0.0);                                                         \
    } while (0)

static void test_invalid_parameters(void **state)
{
    (void)state;
    af_dist d;
    EXPECT_RANGE(af_dist_exponential(&d, 0, &err_), "mean");
    EXPECT_RANGE(af_dist_exponential(&d, -1, &err_), "mean");
    EXPECT_RANGE(af_dist_exponential(&d, NAN, &err_), "mean");
    EXPECT_RANGE(af_dist_exponential(&d, INFINITY, &err_), "mean");

    EXPECT_RANGE(af_dist_uniform(&d, 3, 1, &err_), "low");
    EXPECT_RANGE(af_dist_uniform(&d, NAN, 1, &err_), "low");
    EXPECT_RANGE(af_dist_uniform(&d, 0, INFINITY, &err_), "high");
    EXPECT_RANGE(af_dist_uniform(&d, -INFINITY, 0, &err_), "low");

    EXPECT_RANGE(af_dist_triangular(&d, 0, -1, 2, &err_), "mode");
    EXPECT_RANGE(af_dist_triangular(&d, 0, 3, 2, &err_), "mode");
    EXPECT_RANGE(af_dist_triangular(&d, 2, 2, 2, &err_), "low");
    EXPECT_RANGE(af_dist_triangular(&d, 3, 2, 1, &err_), "high");
    EXPECT_RANGE(af_dist_triangular(&d, 0, NAN, 1, &err_), "mode");
    EXPECT_RANGE(af_dist_triangular(&d, 0, 0.5, INFINITY, &err_), "high");
    EXPECT_RANGE(af_dist_triangular(&d, -DBL_MAX, 0, DBL_MAX, &err_), "high - low");

    EXPECT_RANGE(af_dist_lognormal(&d, 0, 1, &err_), "mean");
    EXPECT_RANGE(af_dist_lognormal(&d, -2, 1, &err_), "mean");
    EXPECT_RANGE(af_dist_lognormal(&d, 2, -3, &err_), "sd");
    EXPECT_RANGE(af_dist_lognormal(&d, 2, NAN, &err_), "sd");
    EXPECT_RANGE(af_dist_lognormal(&d, INFINITY, 1, &err_), "mean");

    EXPECT_RANGE(af_dist_gamma(&d, 0, 1, &err_), "shape");
    EXPECT_RANGE(af_dist_gamma(&d, 2, -1, &err_), "scale");
    EXPECT_RANGE(af_dist_gamma(&d, NAN, 1, &err_), "shape");
    EXPECT_RANGE(af_dist_gamma(&d, 2, INFINITY, &err_), "scale");

    EXPECT_RANGE(af_dist_weibull(&d, -0.5, 1, &err_), "shape");
    EXPECT_RANGE(af_dist_weibull(&d, 2, 0, &err_), "scale");
    EXPECT_RANGE(af_dist_weibull(&d, INFINITY, 1, &err_), "shape");
    EXPECT_RANGE(af_dist_weibull(&d, 1, NAN, &err_), "scale");

    static const double v[] = {1, 2, 3}, w[] = {1, 1, 1};
    static const double vnan[] = {1, NAN, 3}, winf[] = {1, INFINITY, 1};
    static const double wneg[] = {1, 1, -0.5}, wzero[] = {0, 0, 0}, wnan[] = {NAN, 1, 1};
    EXPECT_RANGE(af_dist_empirical(&d, v, w, 0, &err_), "n >= 1");
    EXPECT_RANGE(af_dist_empirical(&d, vnan, w, 3, &err_), "values[1]");
    EXPECT_RANGE(af_dist_empirical(&d, v, winf, 3, &err_), "weights[1]");
    EXPECT_RANGE(af_dist_empirical(&d, v, wneg, 3, &err_), "weights[2]");
    EXPECT_RANGE(af_dist_empirical(&d, v, wnan, 3, &err_), "weights[0]");
    EXPECT_RANGE(af_dist_empirical(&d, v, wzero, 3, &err_), "weights");

    /* The message says what was found and what was expected. */
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_dist_lognormal(&d, 2, -3, &err), AF_RANGE);
    assert_string_equal(err.message, "lognormal sd must be >= 0, got -3");
    assert_int_equal(af_dist_uniform(&d, 3, 1, &err), AF_RANGE);
    assert_string_equal(err.message, "uniform low must be <= high, got low 3 and high 1");
    assert_int_equal(af_dist_gamma(&d, 2, NAN, &err), AF_RANGE);
    assert_string_equal(err.message, "gamma scale must be finite, got nan");

    /* Boundaries that are valid. */
    assert_int_equal(af_dist_uniform(&d, 2, 2, NULL), AF_OK);
    assert_int_equal(af_dist_triangular(&d, 0, 0, 1, NULL), AF_OK);
    assert_int_equal(af_dist_triangular(&d, 0, 1, 1, NULL), AF_OK);
    assert_int_equal(af_dist_lognormal(&d, 1, 0, NULL), AF_OK);

    /* Programming errors rather than bad parameters. */
    assert_int_equal(af_dist_exponential(NULL, 1, NULL), AF_INVAL);
    assert_int_equal(af_dist_empirical(&d, NULL, w, 3, NULL), AF_INVAL);
    assert_int_equal(af_dist_empirical(&d, v, NULL, 3, NULL), AF_INVAL);
}

static void test_copy_and_free(void **state)
{
    (void)state;
    static const double v[] = {1, 2, 5, 8}, w[] = {1, 2, 1, 0.5};
    af_dist src, dst;
    assert_int_equal(af_dist_empirical(&src, v, w, 4, NULL), AF_OK);
    assert_int_equal(af_dist_copy(&dst, &src), AF_OK);
    assert_int_equal(dst.kind, AF_DIST_EMPIRICAL);
    assert_int_equal(dst.n, 4);
    assert_ptr_not_equal(dst.values, src.values);
    assert_ptr_not_equal(dst.cum, src.cum);
    assert_memory_equal(dst.values, src.values, 4 * sizeof(double));
    assert_memory_equal(dst.cum, src.cum, 4 * sizeof(double));
    double mean = af_dist_mean(&src);

    /* The copy outlives its source (AddressSanitizer would catch a shallow copy here). */
    af_dist_free(&src);
    assert_int_equal(src.kind, AF_DIST_CONSTANT);
    assert_true(src.p[0] == 0.0);
    assert_null(src.values);
    assert_null(src.cum);
    assert_int_equal(src.n, 0);
    af_assert_close(af_dist_mean(&dst), mean, 0, 0);
    af_rng *r = af_rng_create(1, 1, "copy");
    assert_non_null(r);
    for (int i = 0; i < 1000; i++) assert_true(in_table(af_dist_sample(&dst, r), v, 4));
    af_rng_destroy(r);

    /* Copying onto itself keeps the one table (LeakSanitizer would see an orphaned one). */
    double *before = dst.values;
    assert_int_equal(af_dist_copy(&dst, &dst), AF_OK);
    assert_ptr_equal(dst.values, before);
    af_dist_free(&dst);
    af_dist_free(&dst); /* a freed distribution is a constant: freeing again is harmless */

    /* Other kinds copy as plain data, and free leaves a constant 0. */
    assert_int_equal(af_dist_triangular(&src, 1, 2, 4, NULL), AF_OK);
    assert_int_equal(af_dist_copy(&dst, &src), AF_OK);
    assert_int_equal(dst.kind, AF_DIST_TRIANGULAR);
    assert_memory_equal(dst.p, src.p, sizeof src.p);
    af_dist_free(&dst);
    assert_int_equal(dst.kind, AF_DIST_CONSTANT);
    assert_true(dst.p[0] == 0.0);
    af_dist_free(NULL);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(af_dist_kind_name(AF_DIST_CONSTANT), "constant");
    assert_string_equal(af_dist_kind_name(AF_DIST_EXPONENTIAL), "exponential");
    assert_string_equal(af_dist_kind_name(AF_DIST_UNIFORM), "uniform");
    assert_string_equal(af_dist_kind_name(AF_DIST_TRIANGULAR), "triangular");
    assert_string_equal(af_dist_kind_name(AF_DIST_LOGNORMAL), "lognormal");
    assert_string_equal(af_dist_kind_name(AF_DIST_GAMMA), "gamma");
    assert_string_equal(af_dist_kind_name(AF_DIST_WEIBULL), "weibull");
    assert_string_equal(af_dist_kind_name(AF_DIST_EMPIRICAL), "empirical");
    assert_string_equal(af_dist_kind_name((af_dist_kind)42), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant),
        cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_triangular),
        cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_gamma),
        cmocka_unit_test(test_weibull),
        cmocka_unit_test(test_empirical),
        cmocka_unit_test(test_uniform_budget),
        cmocka_unit_test(test_parameters_keep_streams_in_step),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_invalid_parameters),
        cmocka_unit_test(test_copy_and_free),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_samples_match_gsl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
