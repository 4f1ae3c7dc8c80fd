/* aidflow — random streams and distributions, on GSL generators.
 *
 * A stream is derived from (seed, replication, purpose). The purpose is a string such as
 * "arrivals/al_arish" or "service/kerem_shalom": replication k can be rerun alone, and two
 * scenarios that share a purpose string draw the same numbers for it (common random numbers).
 * The derivation mixes the three with splitmix64 and seeds an MT19937 that draws exactly the
 * numbers GSL's gsl_rng_mt19937 would from that state (aidflow computes it itself, for speed).
 */
#ifndef AIDFLOW_RANDOM_H
#define AIDFLOW_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_rng af_rng;

/* The 64-bit seed of the stream for (seed, replication, purpose). Pure function. */
AF_API uint64_t af_stream_seed(uint64_t seed, uint64_t replication, const char *purpose);

/* Creates the stream for (seed, replication, purpose). NULL when out of memory. */
AF_API af_rng *af_rng_create(uint64_t seed, uint64_t replication, const char *purpose);
AF_API void af_rng_destroy(af_rng *rng);
/* Uniform on [0, 1). */
AF_API double af_rng_uniform(af_rng *rng);
/* Uniform on (0, 1). */
AF_API double af_rng_uniform_pos(af_rng *rng);
/* The stream as a GSL generator (a gsl_rng *, of a type named "mt19937" that draws as GSL's
 * does), for callers that use gsl_ran_* directly: its draws and af_rng_uniform's are one
 * sequence. Owned by the stream: do not gsl_rng_free it. */
AF_API void *af_rng_gsl(af_rng *rng);

typedef enum af_dist_kind {
    AF_DIST_CONSTANT,    /* p[0] = value */
    AF_DIST_EXPONENTIAL, /* p[0] = mean */
    AF_DIST_UNIFORM,     /* p[0] = low, p[1] = high */
    AF_DIST_TRIANGULAR,  /* p[0] = low, p[1] = mode, p[2] = high */
    AF_DIST_LOGNORMAL,   /* p[0] = mean, p[1] = sd (of the variable itself, not of its log) */
    AF_DIST_GAMMA,       /* p[0] = shape k, p[1] = scale theta (mean k*theta) */
    AF_DIST_WEIBULL,     /* p[0] = shape k, p[1] = scale lambda */
    AF_DIST_EMPIRICAL    /* table of (value, weight): a discrete distribution on the values */
} af_dist_kind;

/* A distribution. Plain data: copy it freely, but an empirical one owns its table (see
 * af_dist_copy / af_dist_free). Build it with the af_dist_* constructors, which check the
 * parameters. */
typedef struct af_dist {
    af_dist_kind kind;
    double p[3];
    double q[2];    /* derived from p by the constructor for af_dist_sample: lognormal: the
                       mean and sd of the log, log(p[0]) - sigma^2/2 and sigma; else 0 */
    size_t n;       /* empirical: number of rows */
    double *values; /* empirical: values[n] */
    double *cum;    /* empirical: cumulative normalised weights, cum[n-1] == 1 */
} af_dist;

AF_API af_dist af_dist_constant(double value);
/* Each constructor below returns AF_OK and fills *d, or AF_RANGE with a message in err when
 * the parameters are invalid (mean <= 0, sd < 0, low > high, ...). Non-finite parameters
 * are always invalid. */
AF_API af_status af_dist_exponential(af_dist *d, double mean, af_error *err);
AF_API af_status af_dist_uniform(af_dist *d, double low, double high, af_error *err);
AF_API af_status af_dist_triangular(af_dist *d, double low, double mode, double high,
                                    af_error *err);
AF_API af_status af_dist_lognormal(af_dist *d, double mean, double sd, af_error *err);
AF_API af_status af_dist_gamma(af_dist *d, double shape, double scale, af_error *err);
AF_API af_status af_dist_weibull(af_dist *d, double shape, double scale, af_error *err);
/* Copies the table. Weights must be >= 0 with a positive sum; values finite. */
AF_API af_status af_dist_empirical(af_dist *d, const double *values, const double *weights,
                                   size_t n, af_error *err);
/* Deep copy (the empirical table is duplicated). */
AF_API af_status af_dist_copy(af_dist *dst, const af_dist *src);
/* Frees an empirical table; harmless on other kinds. Leaves *d a constant 0. */
AF_API void af_dist_free(af_dist *d);

AF_API double af_dist_sample(const af_dist *d, af_rng *rng);
/* Theoretical mean and variance. */
AF_API double af_dist_mean(const af_dist *d);
AF_API double af_dist_variance(const af_dist *d);
/* Short name of the kind ("lognormal"). */
AF_API const char *af_dist_kind_name(af_dist_kind kind);

#ifdef __cplusplus
}
#endif
#endif
