/* The growable buffer and its encodings. See buf.h. */
#include "base/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/atomic_file.h"
#include "base/num.h"

void af_buf_init(af_buf *b) { memset(b, 0, sizeof *b); }

void af_buf_free(af_buf *b)
{
    free(b->data);
    af_buf_init(b);
}

char *af_buf_take(af_buf *b, size_t *len)
{
    if (len) *len = 0;
    if (b->failed) {
        af_buf_free(b);
        return NULL;
    }
    char *s = b->data ? b->data : calloc(1, 1);
    if (s && len) *len = b->len;
    af_buf_init(b);
    return s;
}

const char *af_buf_str(const af_buf *b) { return b->data ? b->data : ""; }

/* Room for `extra` more bytes and the NUL; false (and `failed`) when there is none. */
static bool reserve(af_buf *b, size_t extra)
{
    if (b->failed) return false;
    if (extra < SIZE_MAX - b->len && b->len + extra + 1 <= b->cap) return true;
    if (extra >= SIZE_MAX - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void af_buf_putn(af_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n)) return;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void af_buf_put(af_buf *b, const char *s)
{
    if (s) af_buf_putn(b, s, strlen(s));
}

void af_buf_putc(af_buf *b, char c) { af_buf_putn(b, &c, 1); }

void af_buf_printf(af_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        af_buf_putn(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void af_buf_csv(af_buf *b, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) {
        af_buf_put(b, s);
        return;
    }
    af_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') af_buf_putc(b, '"');
        af_buf_putc(b, *p);
    }
    af_buf_putc(b, '"');
}

/* The length of the well-formed UTF-8 sequence at p (whose first byte is >= 0x80), or 0
 * when it is not one: a stray continuation byte, a cut sequence, an overlong form, a
 * surrogate or a code point past U+10FFFF. */
static size_t utf8_length(const unsigned char *p)
{
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    unsigned cp = c & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0; /* the NUL at the end stops here too */
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

void af_buf_json(af_buf *b, const char *s)
{
    af_buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *run = p; /* bytes [run, p) are plain and not yet copied */
    for (; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        default:
            if (*p >= 0x80) {
                size_t n = utf8_length(p);
                if (n) {
                    p += n - 1;
                    continue;
                }
                /* Not UTF-8 (a path in another encoding): JSON must be, so U+FFFD. */
                rep = "\\ufffd";
                break;
            }
            if (*p >= 0x20) continue;
        }
        af_buf_putn(b, (const char *)run, (size_t)(p - run));
        run = p + 1;
        if (rep)
            af_buf_put(b, rep);
        else
            af_buf_printf(b, "\\u%04x", *p);
    }
    af_buf_putn(b, (const char *)run, (size_t)(p - run));
    af_buf_putc(b, '"');
}

void af_buf_num(af_buf *b, double v, const char *nan_text)
{
    if (!isfinite(v)) {
        af_buf_put(b, nan_text);
        return;
    }
    char tmp[AF_NUM_SIZE];
    af_buf_put(b, af_fmt_num(tmp, sizeof tmp, v));
}

af_status af_buf_write(const af_buf *b, const char *path, af_error *err)
{
    if (b->failed) return af_error_set(err, AF_NOMEM, "out of memory writing %s", path);
    return af_atomic_write(path, b->data ? b->data : "", b->len, err);
}
