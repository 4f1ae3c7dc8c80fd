/* The updates of af_tally and af_timeavg as inline functions, for the engine's own files:
 * stats.c's public af_tally_add and af_timeavg_set are these, and station.c, which updates
 * five collectors an event, calls them here so that the compiler inlines them (the same
 * arithmetic in the same order, so the same bits). Not a public header. */
#ifndef AF_ENGINE_STATS_IMPL_H
#define AF_ENGINE_STATS_IMPL_H

#include "aidflow/stats.h"

/* Welford's update (stats.c says why). */
static inline void af_tally_add_inline(af_tally *t, double x)
{
    t->n++;
    double d = x - t->mean;
    t->mean += d / (double)t->n;
    t->m2 += d * (x - t->mean);
    if (x < t->min) t->min = x;
    if (x > t->max) t->max = x;
}

static inline void af_timeavg_set_inline(af_timeavg *a, af_time t, double v)
{
    if (t > a->t_last) {
        a->area += a->value * (t - a->t_last);
        a->t_last = t;
    }
    a->value = v;
    if (v < a->min) a->min = v;
    if (v > a->max) a->max = v;
}

#endif
