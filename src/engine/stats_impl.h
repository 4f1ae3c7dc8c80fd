/* The updates of af_tally and af_timeavg as inline functions, for the engine's own files:
 * stats.c's public af_tally_add and af_timeavg_set are these, and station.c, which updates
 * five collectors an event, calls them here so that the compiler inlines them (the same
 * arithmetic in the same order, so the same bits). Not a public header. */
#ifndef AF_ENGINE_STATS_IMPL_H
#define AF_ENGINE_STATS_IMPL_H

#include <stdint.h>

#include "aidflow/stats.h"

/* Welford's update (stats.c says why). */
static inline void af_tally_add_inline(af_tally *t, double x)
{
    t->n++;
    double d = x - t->mean;
    /* n counts observations in memory, far below 2^63: the signed conversion gives the same
     * double without the unsigned one's test of the top bit. */
    t->mean += d / (double)(int64_t)t->n;
    t->m2 += d * (x - t->mean);
    /* Stored whether or not they change (the same values as `if (x < min) min = x`, NaN
     * included), so that the compiler selects instead of branching. */
    double lo = t->min, hi = t->max;
    t->min = x < lo ? x : lo;
    t->max = x > hi ? x : hi;
}

static inline void af_timeavg_set_inline(af_timeavg *a, af_time t, double v)
{
    if (t > a->t_last) {
        a->area += a->value * (t - a->t_last);
        a->t_last = t;
    }
    a->value = v;
    double lo = a->min, hi = a->max;
    a->min = v < lo ? v : lo;
    a->max = v > hi ? v : hi;
}

#endif
