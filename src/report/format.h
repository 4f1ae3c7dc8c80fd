/* Numbers for people, in the report's text and charts: significant digits, thousands
 * separators, millions as "M". (Numbers for programs, shortest and exact: base/num.h.) */
#ifndef AF_REPORT_FORMAT_H
#define AF_REPORT_FORMAT_H

#include <stddef.h>

/* Formats a number for people: up to `sig` significant digits (trailing zeros dropped),
 * thousands separated by commas, millions as "2.18M". "–" for NaN. out has size >= 48. */
void rp_fmt_num(char *out, size_t size, double v, int sig);
/* v / scale with exactly `decimals` decimals, thousands separated by commas, then suffix. */
void rp_fmt_fixed(char *out, size_t size, double v, int decimals, double scale, const char *suffix);
/* The decimals, scale and suffix that show `ref` with `sig` significant digits (millions as M):
 * so that a mean and its interval bounds can be written alike. */
void rp_fmt_scale(double ref, int sig, int *decimals, double *scale, const char **suffix);

#endif
