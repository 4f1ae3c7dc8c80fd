/* A growing text buffer for the report, and escaping for HTML and SVG text.
 *
 * The report is composed in memory and written in one atomic step at the end. Appending never
 * fails loudly: on an allocation failure the buffer remembers it (`nomem`) and ignores further
 * appends, so composing code need not check every call; the writer checks once at the end.
 */
#ifndef AF_REPORT_BUF_H
#define AF_REPORT_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rp_buf {
    char *data;
    size_t len;
    size_t cap;
    bool nomem;
} rp_buf;

void rp_buf_free(rp_buf *b);
void rp_put(rp_buf *b, const char *s);
void rp_putn(rp_buf *b, const char *s, size_t n);
void rp_printf(rp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends `s` escaped for HTML text and attribute values (& < > " '). Invalid UTF-8 and
 * control characters other than tab and newline become U+FFFD, so that no input can break the
 * markup or the document's encoding. NULL appends nothing. */
void rp_esc(rp_buf *b, const char *s);
/* Like rp_esc for the first `n` bytes of `s`. */
void rp_escn(rp_buf *b, const char *s, size_t n);

/* Formats a number for people: up to `sig` significant digits (trailing zeros dropped),
 * thousands separated by commas, millions as "2.18M". "–" for NaN. out has size >= 48. */
void rp_fmt_num(char *out, size_t size, double v, int sig);
/* v / scale with exactly `decimals` decimals, thousands separated by commas, then suffix. */
void rp_fmt_fixed(char *out, size_t size, double v, int decimals, double scale, const char *suffix);
/* The decimals, scale and suffix that show `ref` with `sig` significant digits (millions as M):
 * so that a mean and its interval bounds can be written alike. */
void rp_fmt_scale(double ref, int sig, int *decimals, double *scale, const char **suffix);

#endif
