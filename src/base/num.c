/* Shortest exact numbers and hex. See num.h. */
#include "base/num.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* Exact decimal rounding in 128-bit integers (a GCC and Clang extension; __extension__
 * keeps -Wpedantic quiet). */
__extension__ typedef unsigned __int128 u128;

static const uint64_t pow10_u64[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL, 10000000000000000000ULL};

static u128 pow10_u128(int k) /* 0 <= k <= 38 */
{
    u128 r = 1;
    while (k >= 19) {
        r *= pow10_u64[19];
        k -= 19;
    }
    return r * pow10_u64[k];
}

/* x = m 2^ex (m < 2^53) times 10^p, rounded to an integer half to even, as printf rounds
 * in the default rounding mode. The bounds of af_fmt_g's fast path keep every product
 * below 2^128.
 *
 * *back says whether the decimal n 10^-p reads back (strtod, correctly rounded, half to
 * even) as x itself, for a normal x (2^52 <= m < 2^53: x's neighbours are 2^ex away, the one
 * below only 2^(ex-1) when m = 2^52). With s = a / d = x 10^p and e = |n d - a| (so that
 * |n 10^-p - x| = e 10^-p / d), the decimal is within half the gap above x when
 * 2e < K = 10^max(p,0) 2^max(ex,0) (= a / m), within half the gap below a power of two when
 * 4e < K; exactly half way it reads as the neighbour with the even mantissa: x when m is
 * even. */
static uint64_t scaled_round(uint64_t m, int ex, int p, bool *back)
{
    u128 a = m, d = 1, k = 1;
    if (p >= 0) {
        k = pow10_u128(p);
        a *= k;
    } else {
        d = pow10_u128(-p);
    }
    if (ex >= 0) {
        a <<= ex;
        k <<= ex;
    } else {
        d <<= -ex;
    }
    u128 n = a / d, rem = a - n * d;
    bool up = 2 * rem > d || (2 * rem == d && (n & 1));
    if (up) n++;
    u128 e2 = up ? 2 * (d - rem) : 2 * rem;
    /* Below a power of two (no 15- to 17-digit rounding of one in the fast path's range falls
     * between a quarter and half of its gap below, but the rule holds for any precision). */
    if (!up && rem && m == (uint64_t)1 << 52) e2 *= 2;
    *back = e2 < k || (e2 == k && !(m & 1));
    return (uint64_t)n;
}

/* af_fmt_g, and whether the text reads back as v: 1 yes, 0 no, -1 not known (printf wrote
 * it: outside the fast path, or a subnormal). */
static char *fmt_g(char buf[AF_NUM_SIZE], double v, int prec, int *reads_back)
{
    *reads_back = -1;
    double a = fabs(v);
    if (prec < 1 || prec > 17 || !(a >= 1e-5 && a < 1e17)) {
        if (v == 0 && prec >= 1 && prec <= 17) {
            snprintf(buf, AF_NUM_SIZE, signbit(v) ? "-0" : "0");
            *reads_back = 1;
            return buf;
        }
        snprintf(buf, AF_NUM_SIZE, "%.*g", prec, v);
        return buf;
    }
    int ex;
    double fr = frexp(a, &ex); /* a = fr 2^ex, 0.5 <= fr < 1 */
    uint64_t m = (uint64_t)ldexp(fr, 53);
    ex -= 53;
    /* The decimal exponent X of the %e form rounded to prec digits: prec digits in n. */
    int x = (int)floor(log10(a));
    uint64_t n = 0;
    bool back = false;
    for (int tries = 0; tries < 4; tries++) {
        n = scaled_round(m, ex, prec - 1 - x, &back);
        if (n >= pow10_u64[prec]) x++;
        else if (n < pow10_u64[prec - 1]) x--;
        else break;
    }
    if (n == pow10_u64[prec - 1]) {
        /* 1 followed by zeros: either a rounded up into this decade, or x is one too high
         * and a has prec digits of its own a decade below (9.99...98e16 to 16 digits). */
        bool back_below = false;
        uint64_t below = scaled_round(m, ex, prec - x, &back_below);
        if (below < pow10_u64[prec]) {
            x--;
            n = below;
            back = back_below;
        }
    }
    if (n < pow10_u64[prec - 1] || n >= pow10_u64[prec]) { /* not expected: printf decides */
        snprintf(buf, AF_NUM_SIZE, "%.*g", prec, v);
        return buf;
    }
    *reads_back = back;
    char digits[20];
    for (int i = prec - 1; i >= 0; i--) {
        digits[i] = (char)('0' + n % 10);
        n /= 10;
    }
    int nd = prec; /* significant digits left once trailing zeros are dropped */
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    char *o = buf;
    if (signbit(v)) *o++ = '-';
    if (x < -4 || x >= prec) {
        *o++ = digits[0];
        if (nd > 1) {
            *o++ = '.';
            for (int i = 1; i < nd; i++) *o++ = digits[i];
        }
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100) *o++ = (char)('0' + ax / 100);
        *o++ = (char)('0' + ax / 10 % 10);
        *o++ = (char)('0' + ax % 10);
    } else if (x >= 0) {
        for (int i = 0; i <= x; i++) *o++ = digits[i];
        if (nd > x + 1) {
            *o++ = '.';
            for (int i = x + 1; i < nd; i++) *o++ = digits[i];
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++) *o++ = '0';
        for (int i = 0; i < nd; i++) *o++ = digits[i];
    }
    *o = '\0';
    return buf;
}

char *af_fmt_g(char buf[AF_NUM_SIZE], double v, int prec)
{
    int reads_back;
    return fmt_g(buf, v, prec, &reads_back);
}

char *af_fmt_int(char buf[AF_NUM_SIZE], double v)
{
    if (!(fabs(v) < 1e15) || v != floor(v)) {
        snprintf(buf, AF_NUM_SIZE, "%.0f", v);
        return buf;
    }
    char tmp[24];
    int len = 0;
    uint64_t u = (uint64_t)fabs(v);
    do {
        tmp[len++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    char *o = buf;
    if (signbit(v)) *o++ = '-';
    while (len) *o++ = tmp[--len];
    *o = '\0';
    return buf;
}

char *af_fmt_num(char *buf, size_t size, double v)
{
    if (isnan(v)) {
        if (size) buf[0] = '\0';
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
        return buf;
    }
    /* A whole number below 1e15 has at most 15 digits: %.15g, the first try below, writes
     * them as %.0f does and reads back, so they are written directly (counts, half of what
     * the tables hold). */
    if (size >= AF_NUM_SIZE && fabs(v) < 1e15 && v == floor(v)) return af_fmt_int(buf, v);
    /* A normal double carries at least 15 significant decimal digits, so where fewer digits
     * read back, %.15g gives the same text (%g drops trailing zeros): starting at 15 saves
     * the tries. A subnormal carries fewer, so its search starts at one digit. */
    int from = fabs(v) < DBL_MIN && v != 0 ? 1 : 15;
    for (int prec = from; prec <= 17; prec++) {
        /* Whether the text reads back is known from af_fmt_g's exact rounding, where it
         * rounded; strtod reads the text back where printf wrote it. */
        int back = -1;
        if (size >= AF_NUM_SIZE) fmt_g(buf, v, prec, &back);
        else snprintf(buf, size, "%.*g", prec, v);
        if (back < 0) back = strtod(buf, NULL) == v;
        if (back) break;
    }
    return buf;
}

char *af_fmt_hex64(uint64_t v, char buf[17])
{
    snprintf(buf, 17, "%016" PRIx64, v);
    return buf;
}
