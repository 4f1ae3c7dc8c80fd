/* Numbers for people. See format.h. */
#include "report/format.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Writes v / scale with `decimals` decimals, commas between thousands, then suffix. */
void rp_fmt_fixed(char *out, size_t size, double v, int decimals, double scale, const char *suffix)
{
    if (size < 48) {
        if (size) out[0] = '\0';
        return;
    }
    if (isnan(v)) {
        snprintf(out, size, "\xE2\x80\x93");
        return;
    }
    if (isinf(v)) {
        snprintf(out, size, v > 0 ? "\xE2\x88\x9E" : "-\xE2\x88\x9E");
        return;
    }
    if (decimals < 0) decimals = 0;
    if (decimals > 8) decimals = 8;
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v / scale);
    /* "-0.00" is zero. */
    bool zero = true;
    for (const char *p = tmp; *p; p++)
        if (*p >= '1' && *p <= '9') zero = false;
    const char *digits = tmp[0] == '-' ? tmp + 1 : tmp;
    size_t int_len = strcspn(digits, ".");
    size_t o = 0;
    if (tmp[0] == '-' && !zero) out[o++] = '-';
    for (size_t k = 0; k < int_len && o + 2 < size; k++) {
        out[o++] = digits[k];
        size_t left = int_len - k - 1;
        if (left > 0 && left % 3 == 0) out[o++] = ',';
    }
    snprintf(out + o, size - o, "%.20s%.8s", digits + int_len, suffix ? suffix : "");
}

void rp_fmt_scale(double ref, int sig, int *decimals, double *scale, const char **suffix)
{
    double a = fabs(ref);
    *scale = 1;
    *suffix = "";
    if (a >= 1e6 && isfinite(a)) {
        *scale = 1e6;
        *suffix = "M";
        a /= 1e6;
    }
    if (!(a > 0) || !isfinite(a)) {
        *decimals = 0;
        return;
    }
    int d = sig - 1 - (int)floor(log10(a));
    *decimals = d < 0 ? 0 : d > 6 ? 6 : d;
}

void rp_fmt_num(char *out, size_t size, double v, int sig)
{
    int dec;
    double scale;
    const char *suffix;
    if (fabs(v) != 0 && fabs(v) < 1e-4) {
        snprintf(out, size, "%.*g", sig, v);
        return;
    }
    rp_fmt_scale(v, sig, &dec, &scale, &suffix);
    if (*suffix) {
        rp_fmt_fixed(out, size, v, dec, scale, suffix);
        return;
    }
    rp_fmt_fixed(out, size, v, dec, 1, "");
    /* Trim trailing zeros after a decimal point. */
    char *dot = strchr(out, '.');
    if (dot) {
        char *end = out + strlen(out) - 1;
        while (end > dot && *end == '0') *end-- = '\0';
        if (end == dot) *end = '\0';
    }
}
