/* Numbers as text, for files that are read back by programs: the shortest form that reads
 * back as the same double (0.95, not 0.94999999999999996), and 64-bit values in hex. */
#ifndef AF_BASE_NUM_H
#define AF_BASE_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Room for any af_fmt_num text and its NUL. */
#define AF_NUM_SIZE 40

/* Writes v to buf (size >= AF_NUM_SIZE) as "%.Pg" with the fewest significant digits P (at
 * most 17) that strtod reads back as exactly v: 0.95, 0.30000000000000004, 1e+15, 2.5e-07;
 * whole numbers below 1e15 without an exponent or a point (42). -0 gives "-0", NaN "", the
 * infinities "inf" and "-inf". Returns buf. */
char *af_fmt_num(char *buf, size_t size, double v);

/* Writes v to buf as snprintf's "%.*g" with precision prec would, byte for byte, without
 * going through printf where it can (1e-5 <= |v| < 1e17, 1 <= prec <= 17: the rounding is
 * done exactly in integers, half to even as printf does in the default rounding mode).
 * Returns buf. */
char *af_fmt_g(char buf[AF_NUM_SIZE], double v, int prec);

/* Writes v as snprintf's "%.0f" would; without printf for whole numbers below 1e15.
 * Returns buf. */
char *af_fmt_int(char buf[AF_NUM_SIZE], double v);

/* Writes v as 16 lower-case hex digits and a NUL. Returns buf. */
char *af_fmt_hex64(uint64_t v, char buf[17]);

#endif
