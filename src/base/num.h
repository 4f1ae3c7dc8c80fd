/* Numbers as text, for files that are read back by programs: the shortest form that reads
 * back as the same double (0.95, not 0.94999999999999996), and 64-bit values in hex. */
#ifndef AF_BASE_NUM_H
#define AF_BASE_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Room for any af_fmt_num text and its NUL. */
#define AF_NUM_SIZE 40

/* Writes v to buf (size >= AF_NUM_SIZE) with the fewest significant digits, at least 15, at
 * most 17, that strtod reads back as exactly v ("%.15g" .. "%.17g"): whole numbers below 1e15
 * come out without an exponent or a point. NaN gives "", the infinities "inf" and "-inf".
 * Returns buf. */
char *af_fmt_num(char *buf, size_t size, double v);

/* Writes v as 16 lower-case hex digits and a NUL. Returns buf. */
char *af_fmt_hex64(uint64_t v, char buf[17]);

#endif
