/* Small helpers for the experiment module: strings, numbers, paths, files. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "aidflow/atomic_file.h"
#include "experiment/exp_internal.h"

void exp_buf_init(exp_buf *b)
{
    memset(b, 0, sizeof *b);
}

void exp_buf_free(exp_buf *b)
{
    free(b->s);
    exp_buf_init(b);
}

static bool buf_reserve(exp_buf *b, size_t extra)
{
    if (b->failed) return false;
    if (b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->failed = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void exp_buf_putn(exp_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n)) return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void exp_buf_put(exp_buf *b, const char *s)
{
    exp_buf_putn(b, s, strlen(s));
}

void exp_buf_printf(exp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void exp_buf_csv(exp_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        exp_buf_put(b, s);
        return;
    }
    exp_buf_put(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"') exp_buf_put(b, "\"");
        exp_buf_putn(b, p, 1);
    }
    exp_buf_put(b, "\"");
}

void exp_buf_json(exp_buf *b, const char *s)
{
    exp_buf_put(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': exp_buf_put(b, "\\\""); break;
        case '\\': exp_buf_put(b, "\\\\"); break;
        case '\n': exp_buf_put(b, "\\n"); break;
        case '\r': exp_buf_put(b, "\\r"); break;
        case '\t': exp_buf_put(b, "\\t"); break;
        default:
            if (*p < 0x20)
                exp_buf_printf(b, "\\u%04x", *p);
            else
                exp_buf_putn(b, (const char *)p, 1);
        }
    }
    exp_buf_put(b, "\"");
}

void exp_fmt_num(char *buf, size_t size, double v)
{
    if (isnan(v)) {
        if (size) buf[0] = '\0';
        return;
    }
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
        return;
    }
    /* The shortest precision that reads back exactly: readable and lossless. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

void exp_buf_num(exp_buf *b, double v, const char *nan_text)
{
    if (isnan(v) || isinf(v)) {
        exp_buf_put(b, nan_text);
        return;
    }
    char tmp[40];
    exp_fmt_num(tmp, sizeof tmp, v);
    exp_buf_put(b, tmp);
}

char *exp_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

char *exp_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), n = strlen(name);
    char *p = malloc(a + n + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    size_t at = a;
    if (a == 0 || dir[a - 1] != '/') p[at++] = '/';
    memcpy(p + at, name, n + 1);
    return p;
}

double exp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

uint64_t exp_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

char *exp_hex64(uint64_t v, char buf[17])
{
    snprintf(buf, 17, "%016llx", (unsigned long long)v);
    return buf;
}

af_status exp_write_file(const char *dir, const char *name, const exp_buf *b, af_error *err)
{
    if (b->failed) return af_error_set(err, AF_NOMEM, "out of memory writing %s", name);
    char *path = exp_path_join(dir, name);
    if (!path) return af_error_set(err, AF_NOMEM, "out of memory");
    af_status st = af_atomic_write(path, b->s ? b->s : "", b->len, err);
    free(path);
    return st;
}
