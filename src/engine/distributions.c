/* Distributions: checked constructors, sampling on an af_rng, exact moments.
 *
 * Uniforms consumed per sample (what keeps common random numbers in step between scenarios
 * that change a parameter but not the kind):
 *   constant       0
 *   exponential    1  (as gsl_ran_exponential: one gsl_rng_uniform)
 *   uniform        1  (as gsl_ran_flat: one gsl_rng_uniform)
 *   triangular     1  (inverse CDF)
 *   lognormal      0 when sd == 0; otherwise 1 (inverse normal CDF of one gsl_rng_uniform_pos),
 *                  so that a lognormal and an exponential service time, say, draw in step in
 *                  two scenarios compared on common random numbers
 *   gamma          variable (GSL's Marsaglia-Tsang rejection; depends on shape, not on scale)
 *   weibull        1  (gsl_ran_weibull: one gsl_rng_uniform_pos, which redraws only on an exact 0)
 *   empirical      1  (binary search of the cumulative table)
 */
#include "aidflow/random.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "engine/random_impl.h"

static af_dist dist_zero(void)
{
    af_dist d;
    memset(&d, 0, sizeof d);
    d.kind = AF_DIST_CONSTANT;
    return d;
}

af_dist af_dist_constant(double value)
{
    af_dist d = dist_zero();
    d.p[0] = value;
    return d;
}

/* A failed constructor leaves *d a constant 0, so af_dist_free on it is always safe. Used as
 * `return reject(d, af_error_set(err, ...))`: the message is written first. */
static af_status reject(af_dist *d, af_status status)
{
    if (d) *d = dist_zero();
    return status;
}

/* name is "<kind> <param>" as it appears in messages. */
static af_status check_finite(af_dist *d, af_error *err, const char *name, double v)
{
    if (isfinite(v)) return AF_OK;
    return reject(d, af_error_set(err, AF_RANGE, "%s must be finite, got %g", name, v));
}

static af_status check_positive(af_dist *d, af_error *err, const char *name, double v)
{
    af_status st = check_finite(d, err, name, v);
    if (st != AF_OK) return st;
    if (v > 0) return AF_OK;
    return reject(d, af_error_set(err, AF_RANGE, "%s must be > 0, got %g", name, v));
}

static af_status null_dist(af_error *err, const char *what)
{
    return af_error_set(err, AF_INVAL, "%s: the distribution pointer is NULL", what);
}

af_status af_dist_exponential(af_dist *d, double mean, af_error *err)
{
    if (!d) return null_dist(err, "exponential");
    af_status st = check_positive(d, err, "exponential mean", mean);
    if (st != AF_OK) return st;
    *d = dist_zero();
    d->kind = AF_DIST_EXPONENTIAL;
    d->p[0] = mean;
    return AF_OK;
}

af_status af_dist_uniform(af_dist *d, double low, double high, af_error *err)
{
    if (!d) return null_dist(err, "uniform");
    af_status st;
    if ((st = check_finite(d, err, "uniform low", low)) != AF_OK) return st;
    if ((st = check_finite(d, err, "uniform high", high)) != AF_OK) return st;
    if (!(low <= high))
        return reject(d, af_error_set(err, AF_RANGE,
                                      "uniform low must be <= high, got low %g and high %g", low,
                                      high));
    *d = dist_zero();
    d->kind = AF_DIST_UNIFORM;
    d->p[0] = low;
    d->p[1] = high;
    return AF_OK;
}

af_status af_dist_triangular(af_dist *d, double low, double mode, double high, af_error *err)
{
    if (!d) return null_dist(err, "triangular");
    af_status st;
    if ((st = check_finite(d, err, "triangular low", low)) != AF_OK) return st;
    if ((st = check_finite(d, err, "triangular mode", mode)) != AF_OK) return st;
    if ((st = check_finite(d, err, "triangular high", high)) != AF_OK) return st;
    if (!(low < high))
        return reject(d, af_error_set(err, AF_RANGE,
                                      "triangular low must be < high, got low %g and high %g",
                                      low, high));
    /* The inverse CDF works with high - low; past DBL_MAX it would turn into inf and NaN. */
    if (!isfinite(high - low))
        return reject(d, af_error_set(err, AF_RANGE,
                                      "triangular high - low must be finite, got low %g and "
                                      "high %g",
                                      low, high));
    if (!(low <= mode && mode <= high))
        return reject(d, af_error_set(err, AF_RANGE,
                                      "triangular mode must be within [low, high] = [%g, %g], "
                                      "got %g",
                                      low, high, mode));
    *d = dist_zero();
    d->kind = AF_DIST_TRIANGULAR;
    d->p[0] = low;
    d->p[1] = mode;
    d->p[2] = high;
    return AF_OK;
}

/* sigma^2 of the underlying normal: ln(1 + (sd/mean)^2). For a coefficient of variation past
 * 1e150 the square would overflow, and there ln(1 + r^2) equals 2 ln r to double precision. */
static double lognormal_sigma2(double mean, double sd)
{
    double r = sd / mean;
    return r > 1e150 ? 2.0 * log(r) : log1p(r * r);
}

af_status af_dist_lognormal(af_dist *d, double mean, double sd, af_error *err)
{
    if (!d) return null_dist(err, "lognormal");
    af_status st;
    if ((st = check_positive(d, err, "lognormal mean", mean)) != AF_OK) return st;
    if ((st = check_finite(d, err, "lognormal sd", sd)) != AF_OK) return st;
    if (!(sd >= 0))
        return reject(d, af_error_set(err, AF_RANGE, "lognormal sd must be >= 0, got %g", sd));
    *d = dist_zero();
    d->kind = AF_DIST_LOGNORMAL;
    d->p[0] = mean;
    d->p[1] = sd;
    /* What af_dist_sample needs of a lognormal, once here instead of a log and a log1p a
     * sample: exp(q[0] + q[1] z) is the exp(log(mean) - s2/2 + sqrt(s2) z) it computed, the
     * same operations in the same order. */
    double s2 = lognormal_sigma2(mean, sd);
    d->q[0] = log(mean) - 0.5 * s2;
    d->q[1] = sqrt(s2);
    return AF_OK;
}

af_status af_dist_gamma(af_dist *d, double shape, double scale, af_error *err)
{
    if (!d) return null_dist(err, "gamma");
    af_status st;
    if ((st = check_positive(d, err, "gamma shape", shape)) != AF_OK) return st;
    if ((st = check_positive(d, err, "gamma scale", scale)) != AF_OK) return st;
    *d = dist_zero();
    d->kind = AF_DIST_GAMMA;
    d->p[0] = shape;
    d->p[1] = scale;
    return AF_OK;
}

af_status af_dist_weibull(af_dist *d, double shape, double scale, af_error *err)
{
    if (!d) return null_dist(err, "weibull");
    af_status st;
    if ((st = check_positive(d, err, "weibull shape", shape)) != AF_OK) return st;
    if ((st = check_positive(d, err, "weibull scale", scale)) != AF_OK) return st;
    *d = dist_zero();
    d->kind = AF_DIST_WEIBULL;
    d->p[0] = shape;
    d->p[1] = scale;
    return AF_OK;
}

af_status af_dist_empirical(af_dist *d, const double *values, const double *weights, size_t n,
                            af_error *err)
{
    if (!d) return null_dist(err, "empirical");
    if (n == 0)
        return reject(d, af_error_set(err, AF_RANGE,
                                      "empirical table must have n >= 1 rows, got n = 0"));
    if (!values || !weights)
        return reject(d, af_error_set(err, AF_INVAL, "empirical %s is NULL",
                                      !values ? "values" : "weights"));
    /* Weights are normalised by their largest one before summing, so that finite weights
     * near DBL_MAX cannot overflow the sum. */
    double wmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            return reject(d, af_error_set(err, AF_RANGE,
                                          "empirical values[%zu] must be finite, got %g", i,
                                          values[i]));
        if (!isfinite(weights[i]) || !(weights[i] >= 0))
            return reject(d, af_error_set(err, AF_RANGE,
                                          "empirical weights[%zu] must be finite and >= 0, got %g",
                                          i, weights[i]));
        if (weights[i] > wmax) wmax = weights[i];
    }
    if (!(wmax > 0))
        return reject(d, af_error_set(err, AF_RANGE,
                                      "empirical weights must have a positive sum, got %zu "
                                      "zero weights",
                                      n));
    if (n > SIZE_MAX / sizeof(double))
        return reject(d, af_error_set(err, AF_NOMEM, "empirical table of %zu rows is too large",
                                      n));
    double *vals = malloc(n * sizeof *vals);
    double *cum = malloc(n * sizeof *cum);
    if (!vals || !cum) {
        free(vals);
        free(cum);
        return reject(d, af_error_set(err, AF_NOMEM,
                                      "empirical table of %zu rows: out of memory", n));
    }
    double total = 0;
    for (size_t i = 0; i < n; i++) total += weights[i] / wmax;
    double run = 0;
    size_t last = 0; /* last row with a positive weight */
    for (size_t i = 0; i < n; i++) {
        vals[i] = values[i];
        run += weights[i] / wmax;
        cum[i] = run / total;
        if (weights[i] > 0) last = i;
    }
    /* From the last positive row on, cum is exactly 1: rounding must neither leave a gap
     * above the last real row nor give a trailing zero-weight row a sliver of probability. */
    for (size_t i = last; i < n; i++) cum[i] = 1.0;

    *d = dist_zero();
    d->kind = AF_DIST_EMPIRICAL;
    d->n = n;
    d->values = vals;
    d->cum = cum;
    return AF_OK;
}

af_status af_dist_copy(af_dist *dst, const af_dist *src)
{
    if (!dst || !src) return AF_INVAL;
    /* Copying onto itself would orphan the table it owns; it is already its own copy. */
    if (dst == src) return AF_OK;
    if (src->kind != AF_DIST_EMPIRICAL) {
        *dst = *src;
        dst->n = 0;
        dst->values = NULL;
        dst->cum = NULL;
        return AF_OK;
    }
    size_t n = src->n;
    if (n == 0 || n > SIZE_MAX / sizeof(double) || !src->values || !src->cum) {
        *dst = dist_zero();
        return AF_INVAL;
    }
    double *vals = malloc(n * sizeof *vals);
    double *cum = malloc(n * sizeof *cum);
    if (!vals || !cum) {
        free(vals);
        free(cum);
        *dst = dist_zero();
        return AF_NOMEM;
    }
    memcpy(vals, src->values, n * sizeof *vals);
    memcpy(cum, src->cum, n * sizeof *cum);
    *dst = *src;
    dst->values = vals;
    dst->cum = cum;
    return AF_OK;
}

void af_dist_free(af_dist *d)
{
    if (!d) return;
    if (d->kind == AF_DIST_EMPIRICAL) {
        free(d->values);
        free(d->cum);
    }
    *d = dist_zero();
}

static double sample_triangular(double a, double c, double b, double u)
{
    double x;
    if (u * (b - a) < c - a)
        x = a + sqrt(u * (b - a) * (c - a));
    else
        x = b - sqrt((1.0 - u) * (b - a) * (b - c));
    /* Rounding in the square roots may step an ulp outside; the support is a promise. These
     * are fmin(fmax(x, a), b) without the two calls: x, a and b are never NaN (the
     * constructor keeps a, c, b finite and both radicands are >= 0), and x86-64's fmax(x, a)
     * and fmin(x, b) are maxsd and minsd, which return the second operand on a tie, so
     * signed zeros come out as they did. */
    x = x > a ? x : a;
    return x < b ? x : b;
}

static double sample_empirical(const af_dist *d, double u)
{
    /* Smallest i with u < cum[i]; cum[n-1] == 1 > u, so it exists, and a zero-weight row
     * (cum[i] == cum[i-1]) can never be it. */
    size_t lo = 0, hi = d->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < d->cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return d->values[lo];
}

/* The uniforms come from random_impl.h's inline draws (the numbers of gsl_rng_uniform and
 * gsl_rng_uniform_pos on the stream). Exponential and uniform are GSL's gsl_ran_exponential
 * and gsl_ran_flat written out (GSL 2.x's randist/exponential.c and flat.c: the same operations
 * in the same order, so the same bits; the distributions test compares them with GSL's, draw
 * for draw); gamma and weibull call GSL on the stream's gsl_rng. */
double af_dist_sample(const af_dist *d, af_rng *rng)
{
    switch (d->kind) {
    case AF_DIST_CONSTANT:
        return d->p[0];
    case AF_DIST_EXPONENTIAL:
        return -d->p[0] * log1p(-af_rng_uniform_inline(rng));
    case AF_DIST_UNIFORM: {
        double u = af_rng_uniform_inline(rng);
        return d->p[0] * (1 - u) + d->p[1] * u;
    }
    case AF_DIST_TRIANGULAR:
        return sample_triangular(d->p[0], d->p[1], d->p[2], af_rng_uniform_inline(rng));
    case AF_DIST_LOGNORMAL: {
        if (d->p[1] == 0) return d->p[0];
        return exp(d->q[0] + d->q[1] * gsl_cdf_ugaussian_Pinv(af_rng_uniform_pos_inline(rng)));
    }
    case AF_DIST_GAMMA:
        return gsl_ran_gamma(af_rng_gsl(rng), d->p[0], d->p[1]);
    case AF_DIST_WEIBULL:
        /* GSL takes (scale, shape), the reverse of af_dist's (shape, scale). */
        return gsl_ran_weibull(af_rng_gsl(rng), d->p[1], d->p[0]);
    case AF_DIST_EMPIRICAL:
        return sample_empirical(d, af_rng_uniform_inline(rng));
    }
    return NAN;
}

/* Past GSL_SF_GAMMA_XMAX gsl_sf_gamma overflows and calls the GSL error handler, which aborts
 * unless the program turned it off; shapes that small (below about 0.012 for the variance,
 * 0.006 for the mean) go through logs instead. */
static double weibull_mean(double k, double lambda)
{
    double x = 1.0 + 1.0 / k;
    if (x < GSL_SF_GAMMA_XMAX) return lambda * gsl_sf_gamma(x);
    return exp(log(lambda) + gsl_sf_lngamma(x));
}

static double weibull_variance(double k, double lambda)
{
    double x1 = 1.0 + 1.0 / k, x2 = 1.0 + 2.0 / k;
    if (x2 < GSL_SF_GAMMA_XMAX) {
        double g1 = gsl_sf_gamma(x1);
        return lambda * lambda * (gsl_sf_gamma(x2) - g1 * g1);
    }
    /* lambda^2 Gamma(x2) (1 - Gamma(x1)^2 / Gamma(x2)) in logs: both gammas overflow here,
     * their ratio does not. */
    double lg1 = gsl_sf_lngamma(x1), lg2 = gsl_sf_lngamma(x2);
    return exp(2.0 * log(lambda) + lg2) * -expm1(2.0 * lg1 - lg2);
}

double af_dist_mean(const af_dist *d)
{
    switch (d->kind) {
    case AF_DIST_CONSTANT:
    case AF_DIST_EXPONENTIAL:
    case AF_DIST_LOGNORMAL:
        return d->p[0];
    case AF_DIST_UNIFORM:
        return 0.5 * d->p[0] + 0.5 * d->p[1];
    case AF_DIST_TRIANGULAR:
        return (d->p[0] + d->p[1] + d->p[2]) / 3.0;
    case AF_DIST_GAMMA:
        return d->p[0] * d->p[1];
    case AF_DIST_WEIBULL:
        return weibull_mean(d->p[0], d->p[1]);
    case AF_DIST_EMPIRICAL: {
        double m = 0, prev = 0;
        for (size_t i = 0; i < d->n; i++) {
            m += (d->cum[i] - prev) * d->values[i];
            prev = d->cum[i];
        }
        return m;
    }
    }
    return NAN;
}

double af_dist_variance(const af_dist *d)
{
    switch (d->kind) {
    case AF_DIST_CONSTANT:
        return 0.0;
    case AF_DIST_EXPONENTIAL:
        return d->p[0] * d->p[0];
    case AF_DIST_UNIFORM: {
        double w = d->p[1] - d->p[0];
        return w * w / 12.0;
    }
    case AF_DIST_TRIANGULAR: {
        double a = d->p[0], c = d->p[1], b = d->p[2];
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case AF_DIST_LOGNORMAL:
        return d->p[1] * d->p[1];
    case AF_DIST_GAMMA:
        return d->p[0] * d->p[1] * d->p[1];
    case AF_DIST_WEIBULL:
        return weibull_variance(d->p[0], d->p[1]);
    case AF_DIST_EMPIRICAL: {
        /* Two passes: the mean first, then squared deviations, which stays accurate when the
         * values sit far from 0 compared with their spread. */
        double m = af_dist_mean(d), v = 0, prev = 0;
        for (size_t i = 0; i < d->n; i++) {
            double dev = d->values[i] - m;
            v += (d->cum[i] - prev) * dev * dev;
            prev = d->cum[i];
        }
        return v;
    }
    }
    return NAN;
}

const char *af_dist_kind_name(af_dist_kind kind)
{
    switch (kind) {
    case AF_DIST_CONSTANT: return "constant";
    case AF_DIST_EXPONENTIAL: return "exponential";
    case AF_DIST_UNIFORM: return "uniform";
    case AF_DIST_TRIANGULAR: return "triangular";
    case AF_DIST_LOGNORMAL: return "lognormal";
    case AF_DIST_GAMMA: return "gamma";
    case AF_DIST_WEIBULL: return "weibull";
    case AF_DIST_EMPIRICAL: return "empirical";
    }
    return "unknown";
}
