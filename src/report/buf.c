/* Text buffer and escaping for the report. See buf.h. */
#include "report/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rp_buf_free(rp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static bool reserve(rp_buf *b, size_t extra)
{
    if (b->nomem) return false;
    if (b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->nomem = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->nomem = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void rp_putn(rp_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rp_put(rp_buf *b, const char *s)
{
    if (s) rp_putn(b, s, strlen(s));
}

void rp_printf(rp_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        rp_putn(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) return 0;
    unsigned cp = c & (0x3Fu >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

void rp_escn(rp_buf *b, const char *s, size_t n)
{
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* bytes [i - run, i) are plain and not yet copied */
    while (i < n) {
        const char *rep = NULL;
        size_t adv = 1;
        unsigned c = p[i];
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
                rep = "\xEF\xBF\xBD";
            } else if (c >= 0x80) {
                adv = utf8_len(p + i, n - i);
                if (adv == 0) {
                    rep = "\xEF\xBF\xBD";
                    adv = 1;
                }
            }
        }
        if (rep) {
            rp_putn(b, s + i - run, run);
            run = 0;
            rp_put(b, rep);
            i += adv;
        } else {
            run += adv;
            i += adv;
        }
    }
    rp_putn(b, s + n - run, run);
}

void rp_esc(rp_buf *b, const char *s)
{
    if (s) rp_escn(b, s, strlen(s));
}

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
