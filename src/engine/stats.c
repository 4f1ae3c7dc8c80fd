/* Statistics collectors. Welford's update keeps the variance accurate over millions of
 * observations, where the naive sum of squares loses it to cancellation. */
#include "aidflow/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#include "engine/stats_impl.h"

void af_tally_reset(af_tally *t)
{
    t->n = 0;
    t->mean = 0;
    t->m2 = 0;
    t->min = INFINITY;
    t->max = -INFINITY;
}

void af_tally_add(af_tally *t, double x) { af_tally_add_inline(t, x); }

double af_tally_mean(const af_tally *t) { return t->n ? t->mean : NAN; }

double af_tally_variance(const af_tally *t) { return t->n > 1 ? t->m2 / (double)(t->n - 1) : NAN; }

double af_tally_sd(const af_tally *t) { return sqrt(af_tally_variance(t)); }

void af_tally_merge(af_tally *a, const af_tally *b)
{
    if (b->n == 0) return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    double na = (double)a->n, nb = (double)b->n, n = na + nb;
    double d = b->mean - a->mean;
    a->mean += d * nb / n;
    a->m2 += b->m2 + d * d * na * nb / n;
    a->n += b->n;
    if (b->min < a->min) a->min = b->min;
    if (b->max > a->max) a->max = b->max;
}

void af_timeavg_init(af_timeavg *a, af_time t0, double v0)
{
    a->t_start = t0;
    a->t_last = t0;
    a->value = v0;
    a->area = 0;
    a->min = v0;
    a->max = v0;
}

void af_timeavg_set(af_timeavg *a, af_time t, double v) { af_timeavg_set_inline(a, t, v); }

void af_timeavg_add(af_timeavg *a, af_time t, double delta) { af_timeavg_set(a, t, a->value + delta); }

double af_timeavg_area(const af_timeavg *a, af_time now)
{
    double extra = now > a->t_last ? a->value * (now - a->t_last) : 0;
    return a->area + extra;
}

double af_timeavg_mean(const af_timeavg *a, af_time now)
{
    double span = now - a->t_start;
    if (!(span > 0)) return a->value;
    return af_timeavg_area(a, now) / span;
}

void af_timeavg_reset(af_timeavg *a, af_time now)
{
    af_timeavg_init(a, now, a->value);
}

double af_t_quantile(double level, double n)
{
    if (!(n >= 2) || !(level > 0 && level < 1)) return NAN;
    return gsl_cdf_tdist_Pinv(0.5 + level / 2, n - 1);
}

af_summary af_tally_summary(const af_tally *t, double level)
{
    af_summary s = {af_tally_mean(t), af_tally_sd(t), NAN, NAN, (size_t)t->n};
    double q = af_t_quantile(level, (double)t->n);
    if (!isnan(q)) {
        double half = q * s.sd / sqrt((double)t->n);
        s.ci_low = s.mean - half;
        s.ci_high = s.mean + half;
    }
    return s;
}

af_summary af_summarise(const double *x, size_t n, double level)
{
    af_tally t;
    af_tally_reset(&t);
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) af_tally_add(&t, x[i]);
    return af_tally_summary(&t, level);
}

void af_confidence_interval(const double *x, size_t n, double level, double *mean,
                            double *half_width)
{
    af_tally t;
    af_tally_reset(&t);
    for (size_t i = 0; i < n; i++) af_tally_add(&t, x[i]);
    if (mean) *mean = af_tally_mean(&t);
    if (!half_width) return;
    double q = af_t_quantile(level, (double)n);
    *half_width = isnan(q) ? NAN : q * af_tally_sd(&t) / sqrt((double)n);
}
