/* A small strict CSV reader for the files aidflow writes (RFC 4180: comma-separated, fields
 * optionally in double quotes with "" for a quote, CRLF or LF line ends).
 *
 * Strict means: every record has exactly as many fields as the header, no empty lines, and a
 * number column holds a plain decimal number. Every mistake is reported as "FILE:LINE: what",
 * with the line where the offending record starts. Columns are found by name, so a writer may
 * add columns without breaking the reader.
 */
#ifndef AF_REPORT_CSV_H
#define AF_REPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"

typedef struct rp_csv rp_csv;

/* Opens `path` and reads its header. `name` is how errors call the file (the path if NULL).
 * AF_IO if it cannot be opened, AF_PARSE if the header is missing or malformed. */
af_status rp_csv_open(rp_csv **out, const char *path, const char *name, af_error *err);
void rp_csv_close(rp_csv *c);

size_t rp_csv_ncols(const rp_csv *c);
/* The header's name of column i. */
const char *rp_csv_colname(const rp_csv *c, size_t i);
/* The index of the column named `name`, or -1. */
int rp_csv_col(const rp_csv *c, const char *name);
/* Like rp_csv_col, but a missing column is an AF_PARSE error naming the file and column. */
af_status rp_csv_need(const rp_csv *c, const char *name, int *col, af_error *err);

/* Reads the next record. *got is false at the end of the file. */
af_status rp_csv_next(rp_csv *c, bool *got, af_error *err);
/* The current record's field i (NUL-terminated; quotes removed). */
const char *rp_csv_field(const rp_csv *c, size_t i);
/* The line on which the current record starts (1-based; the header is line 1). */
long rp_csv_line(const rp_csv *c);

/* The current record's field `col` as a number. An empty field gives NaN when allow_empty,
 * and an error otherwise. */
af_status rp_csv_num(const rp_csv *c, int col, bool allow_empty, double *out, af_error *err);
/* The field as a non-negative integer no larger than max. */
af_status rp_csv_uint(const rp_csv *c, int col, long max, long *out, af_error *err);

/* Fills err with "FILE:LINE: message" for the current record; returns AF_PARSE. */
af_status rp_csv_fail(const rp_csv *c, af_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Records the place of an error in err (file, line, column; 0 when unknown). */
void rp_error_place(af_error *err, const char *file, int line, int column);

/* True if `s` is a strict decimal number (JSON's grammar) and stores its value. */
bool rp_parse_number(const char *s, size_t n, double *out);

#endif
