/* A time split into whole weeks and the position in the week, for schedule.c (and its test).
 * Not a public header.
 *
 * af_week_split(t, &base) returns u = fmod(t, P) (P = 10080 minutes), moved into [0, P) for a
 * negative t, and sets base = t - u, a whole number of weeks; both exact (fmod is exact, and
 * so is t - fmod(t, P)). The reference is af_week_split_fmod; for 0 <= t < 2^42 minutes
 * (about 8 million years) the same two doubles come from a division and a multiplication:
 *
 *   Let x = t / P (real), m = floor(x), x' = x rounded to a double, n = trunc(x'). As x < 2^29,
 *   x' - x <= x 2^-53 < 1, and rounding is monotonic with m a double, so m <= x' and n is m or
 *   m + 1 (m + 1 only when x' rounded up onto it). n P is an integer below 2^43: exact.
 *   n = m: v = t - m P is fmod's remainder, in [0, P) and a double, so the subtraction
 *   gives it exactly, and base = m P is t - u exactly (a double), as the reference computes
 *   it. n = m + 1 cannot happen: v = t - n P would be negative with |v| = P (n - x) <=
 *   P (x' - x) <= t 2^-53 < ulp(t), yet t and n P are both multiples of ulp(t) (a power of
 *   two <= 2^-10 for t < 2^42, dividing every integer; x' < 1 for a subnormal t). The branch
 *   for u < 0 is a guard that would give the remainder again (v + P = t - m P, exact).
 *   t = -0.0 gives u = -0.0 - 0.0 = -0.0 and base = +0.0, as fmod(-0.0, P) = -0.0 does.
 * Other times (negative, huge, not finite) go the reference's way.
 */
#ifndef AF_ENGINE_WEEK_SPLIT_H
#define AF_ENGINE_WEEK_SPLIT_H

#include <math.h>
#include <stdint.h>

#include "aidflow/schedule.h"

#define AF_WEEK_MINUTES (7.0 * AF_MINUTES_PER_DAY)

static inline double af_week_split_fmod(double t, double *base)
{
    double u = fmod(t, AF_WEEK_MINUTES);
    double b = t - u;
    if (u < 0.0) {
        u += AF_WEEK_MINUTES;
        b -= AF_WEEK_MINUTES;
        if (u >= AF_WEEK_MINUTES) { /* a tiny negative u rounded up to P */
            u = 0.0;
            b += AF_WEEK_MINUTES;
        }
    }
    *base = b;
    return u;
}

static inline double af_week_split(double t, double *base)
{
    if (t >= 0.0 && t < 0x1p42) {
        double n = (double)(int64_t)(t / AF_WEEK_MINUTES);
        double u = t - n * AF_WEEK_MINUTES;
        if (u < 0.0) {
            n -= 1.0;
            u += AF_WEEK_MINUTES;
        }
        *base = n * AF_WEEK_MINUTES;
        return u;
    }
    return af_week_split_fmod(t, base);
}

#endif
