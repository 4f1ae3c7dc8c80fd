/* Shared helpers for the cmocka tests. Include after <cmocka.h>'s prerequisites. */
#ifndef AF_TEST_H
#define AF_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

/* cmocka 1.1.5's assert_float_equal converts to float; compare doubles here instead.
 * Passes when |a - b| <= rel * max(|a|, |b|) or |a - b| <= abs_tol. */
#define af_assert_close(a, b, rel, abs_tol)                                                  \
    do {                                                                                     \
        double af_a_ = (a), af_b_ = (b);                                                     \
        double af_d_ = fabs(af_a_ - af_b_);                                                  \
        double af_m_ = fmax(fabs(af_a_), fabs(af_b_));                                       \
        if (!(af_d_ <= (rel) * af_m_ || af_d_ <= (abs_tol))) {                               \
            fail_msg("%s = %.10g and %s = %.10g differ by %.3g (rel tol %g, abs tol %g)",   \
                     #a, af_a_, #b, af_b_, af_d_, (double)(rel), (double)(abs_tol));         \
        }                                                                                    \
    } while (0)

/* Passes when lo <= x <= hi. */
#define af_assert_in_range(x, lo, hi)                                                        \
    do {                                                                                     \
        double af_x_ = (x), af_lo_ = (lo), af_hi_ = (hi);                                    \
        if (!(af_x_ >= af_lo_ && af_x_ <= af_hi_)) {                                         \
            fail_msg("%s = %.10g is outside [%.10g, %.10g]", #x, af_x_, af_lo_, af_hi_);     \
        }                                                                                    \
    } while (0)

#endif
