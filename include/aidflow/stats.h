/* aidflow — statistics collectors: counts, tallies and time-weighted averages.
 *
 * These are plain structs so that a model can embed thousands of them without allocating;
 * they carry no pointers and can be copied. Every collector can be reset, which is how the
 * end of a warm-up period is handled. af_tally and af_summary are the project's one running
 * mean and variance and its one mean/sd/interval: the model, the experiments and the report
 * all use them (DESIGN.md, "Layers").
 */
#ifndef AIDFLOW_STATS_H
#define AIDFLOW_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "aidflow/calendar.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Running mean and variance of observations (Welford's algorithm), with min and max. */
typedef struct af_tally {
    uint64_t n;
    double mean;
    double m2; /* sum of squared deviations from the mean */
    double min;
    double max;
} af_tally;

AF_API void af_tally_reset(af_tally *t);
AF_API void af_tally_add(af_tally *t, double x);
AF_API double af_tally_mean(const af_tally *t);     /* NaN when n == 0 */
AF_API double af_tally_variance(const af_tally *t); /* sample variance (n-1); NaN when n < 2 */
AF_API double af_tally_sd(const af_tally *t);
/* Merges `b` into `a` (Chan et al.'s parallel update). */
AF_API void af_tally_merge(af_tally *a, const af_tally *b);

/* Time-weighted average of a piecewise-constant quantity (queue length, busy lanes). */
typedef struct af_timeavg {
    af_time t_start; /* start of the observation window (last reset) */
    af_time t_last;  /* time of the last change */
    double value;    /* current value */
    double area;     /* integral of value over [t_start, t_last] */
    double min;
    double max;
} af_timeavg;

/* Starts observing at time t0 with value v0. */
AF_API void af_timeavg_init(af_timeavg *a, af_time t0, double v0);
/* The quantity changes to v at time t (t >= t_last). */
AF_API void af_timeavg_set(af_timeavg *a, af_time t, double v);
/* Adds delta to the current value at time t. */
AF_API void af_timeavg_add(af_timeavg *a, af_time t, double delta);
/* Time average over [t_start, now]; the current value if the window is empty. */
AF_API double af_timeavg_mean(const af_timeavg *a, af_time now);
/* Integral of the value over [t_start, now]. */
AF_API double af_timeavg_area(const af_timeavg *a, af_time now);
/* Restarts the window at `now`, keeping the current value (end of warm-up, start of a day). */
AF_API void af_timeavg_reset(af_timeavg *a, af_time now);

/* What is said of a quantity over replications: its mean, its sample standard deviation and
 * the two-sided Student t confidence interval for the mean, over n observations. sd and the
 * interval are NaN with n < 2 (and the interval with a level outside (0, 1)); all four are NaN
 * with n == 0. The one summary of the model's, the experiments' and the report's outputs. */
typedef struct af_summary {
    double mean;
    double sd;
    double ci_low;
    double ci_high;
    size_t n;
} af_summary;

/* The Student t quantile of a two-sided interval at `level` (0.95) with n - 1 degrees of
 * freedom (GSL's gsl_cdf_tdist_Pinv). NaN when n < 2 or level is outside (0, 1). */
AF_API double af_t_quantile(double level, double n);
/* The summary of a tally's observations at `level`: mean ± af_t_quantile * sd / sqrt(n). */
AF_API af_summary af_tally_summary(const af_tally *t, double level);
/* The summary of the finite values among x[0..n-1] (NaN and infinities are left out; n of
 * the result counts the values kept). */
AF_API af_summary af_summarise(const double *x, size_t n, double level);

/* Mean and half-width of a two-sided confidence interval for the mean of x[0..n-1], from
 * Student's t with n-1 degrees of freedom (GSL). level is e.g. 0.95. With n < 2 the
 * half-width is NaN. (All of x is used, NaN included: af_summarise leaves NaN out.) */
AF_API void af_confidence_interval(const double *x, size_t n, double level, double *mean,
                                   double *half_width);

#ifdef __cplusplus
}
#endif
#endif
