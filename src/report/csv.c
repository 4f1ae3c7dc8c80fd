/* Strict CSV reader. See csv.h. */
#include "report/csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_FIELDS = 4096,
    MAX_RECORD = 16 * 1024 * 1024, /* bytes; a record longer than this is not ours */
};

struct rp_csv {
    FILE *f;
    char *name;
    char *line;        /* getline's buffer */
    size_t line_cap;
    long lineno;       /* lines read so far */
    long rec_line;     /* first line of the current record */
    char *rec;         /* unquoted fields of the current record, each NUL-terminated */
    size_t rec_cap;
    size_t *off;       /* offsets of the fields in rec */
    size_t n_fields;
    size_t off_cap;
    char **cols;       /* header names */
    size_t n_cols;
};

af_status rp_csv_fail(const rp_csv *c, af_error *err, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    af_error_set(err, AF_PARSE, "%s:%ld: %s", c->name, c->rec_line, msg);
    rp_error_place(err, c->name, (int)c->rec_line, 0);
    return AF_PARSE;
}

void rp_error_place(af_error *err, const char *file, int line, int column)
{
    if (!err) return;
    snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, file);
    err->line = line;
    err->column = column;
}

static bool rec_push(rp_csv *c, size_t *len, char ch)
{
    if (*len + 1 >= c->rec_cap) {
        size_t cap = c->rec_cap ? c->rec_cap * 2 : 1024;
        char *p = realloc(c->rec, cap);
        if (!p) return false;
        c->rec = p;
        c->rec_cap = cap;
    }
    c->rec[(*len)++] = ch;
    return true;
}

static bool field_start(rp_csv *c, size_t at)
{
    if (c->n_fields == c->off_cap) {
        size_t cap = c->off_cap ? c->off_cap * 2 : 32;
        size_t *p = realloc(c->off, cap * sizeof *p);
        if (!p) return false;
        c->off = p;
        c->off_cap = cap;
    }
    c->off[c->n_fields++] = at;
    return true;
}

/* Reads one physical line into c->line without its line end; -1 at end of file. */
static long read_line(rp_csv *c)
{
    errno = 0;
    ssize_t n = getline(&c->line, &c->line_cap, c->f);
    if (n < 0) return -1;
    c->lineno++;
    if (n > 0 && c->line[n - 1] == '\n') c->line[--n] = '\0';
    if (n > 0 && c->line[n - 1] == '\r') c->line[--n] = '\0';
    return (long)n;
}

#define NOMEM_RET(c, err) \
    return af_error_set(err, AF_NOMEM, "out of memory reading %s", (c)->name)

af_status rp_csv_next(rp_csv *c, bool *got, af_error *err)
{
    *got = false;
    long n = read_line(c);
    if (n < 0) {
        if (ferror(c->f))
            return af_error_set(err, AF_IO, "cannot read %s: %s", c->name, strerror(errno));
        return AF_OK;
    }
    c->rec_line = c->lineno;
    c->n_fields = 0;
    if (n == 0) return rp_csv_fail(c, err, "empty line");
    size_t len = 0;
    const char *p = c->line;
    if (!field_start(c, 0)) NOMEM_RET(c, err);
    for (;;) {
        if (*p == '"') {
            /* A quoted field: runs to the closing quote, possibly over several lines. */
            p++;
            for (;;) {
                if (*p == '\0') {
                    if (read_line(c) < 0)
                        return rp_csv_fail(c, err, "quoted field not closed before end of file");
                    if (!rec_push(c, &len, '\n')) NOMEM_RET(c, err);
                    p = c->line;
                    continue;
                }
                if (*p == '"') {
                    if (p[1] == '"') {
                        if (!rec_push(c, &len, '"')) NOMEM_RET(c, err);
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (!rec_push(c, &len, *p++)) NOMEM_RET(c, err);
                if (len > MAX_RECORD) return rp_csv_fail(c, err, "record longer than %d bytes", MAX_RECORD);
            }
            if (*p != ',' && *p != '\0')
                return rp_csv_fail(c, err, "field %zu: text after a closing quote", c->n_fields);
        } else {
            while (*p != ',' && *p != '\0') {
                if (*p == '"')
                    return rp_csv_fail(c, err, "field %zu: quote inside an unquoted field", c->n_fields);
                if (!rec_push(c, &len, *p++)) NOMEM_RET(c, err);
            }
            if (len > MAX_RECORD) return rp_csv_fail(c, err, "record longer than %d bytes", MAX_RECORD);
        }
        if (!rec_push(c, &len, '\0')) NOMEM_RET(c, err);
        if (*p == '\0') break;
        p++; /* the comma */
        if (c->n_fields >= MAX_FIELDS) return rp_csv_fail(c, err, "more than %d fields", MAX_FIELDS);
        if (!field_start(c, len)) NOMEM_RET(c, err);
    }
    if (c->n_cols && c->n_fields != c->n_cols)
        return rp_csv_fail(c, err, "expected %zu fields as in the header, found %zu", c->n_cols,
                           c->n_fields);
    *got = true;
    return AF_OK;
}

af_status rp_csv_open(rp_csv **out, const char *path, const char *name, af_error *err)
{
    *out = NULL;
    rp_csv *c = calloc(1, sizeof *c);
    if (!c) return af_error_set(err, AF_NOMEM, "out of memory opening %s", path);
    c->name = strdup(name ? name : path);
    if (!c->name) {
        free(c);
        return af_error_set(err, AF_NOMEM, "out of memory opening %s", path);
    }
    c->f = fopen(path, "r");
    if (!c->f) {
        af_status st = af_error_set(err, AF_IO, "cannot open %s: %s", c->name, strerror(errno));
        rp_csv_close(c);
        return st;
    }
    bool got;
    af_status st = rp_csv_next(c, &got, err);
    if (st == AF_OK && !got) {
        c->rec_line = 1;
        st = rp_csv_fail(c, err, "empty file: expected a header line");
    }
    if (st != AF_OK) {
        rp_csv_close(c);
        return st;
    }
    /* A UTF-8 byte order mark before the first name is not part of it. */
    if (!strncmp(c->rec, "\xEF\xBB\xBF", 3)) memmove(c->rec, c->rec + 3, strlen(c->rec + 3) + 1);
    c->cols = calloc(c->n_fields, sizeof *c->cols);
    if (!c->cols) {
        rp_csv_close(c);
        return af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
    }
    c->n_cols = c->n_fields;
    for (size_t i = 0; i < c->n_cols; i++) {
        const char *f = c->rec + c->off[i];
        if (!*f) {
            st = rp_csv_fail(c, err, "header: column %zu has no name", i + 1);
        } else {
            for (size_t j = 0; j < i && st == AF_OK; j++)
                if (!strcmp(c->cols[j], f)) st = rp_csv_fail(c, err, "header: column '%s' appears twice", f);
        }
        if (st == AF_OK && !(c->cols[i] = strdup(f)))
            st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
        if (st != AF_OK) {
            rp_csv_close(c);
            return st;
        }
    }
    *out = c;
    return AF_OK;
}

void rp_csv_close(rp_csv *c)
{
    if (!c) return;
    if (c->f) fclose(c->f);
    if (c->cols)
        for (size_t i = 0; i < c->n_cols; i++) free(c->cols[i]);
    free(c->cols);
    free(c->line);
    free(c->rec);
    free(c->off);
    free(c->name);
    free(c);
}

size_t rp_csv_ncols(const rp_csv *c) { return c->n_cols; }
const char *rp_csv_colname(const rp_csv *c, size_t i) { return i < c->n_cols ? c->cols[i] : ""; }
long rp_csv_line(const rp_csv *c) { return c->rec_line; }

int rp_csv_col(const rp_csv *c, const char *name)
{
    for (size_t i = 0; i < c->n_cols; i++)
        if (!strcmp(c->cols[i], name)) return (int)i;
    return -1;
}

af_status rp_csv_need(const rp_csv *c, const char *name, int *col, af_error *err)
{
    *col = rp_csv_col(c, name);
    if (*col >= 0) return AF_OK;
    af_error_set(err, AF_PARSE, "%s:1: header: missing column '%s'", c->name, name);
    rp_error_place(err, c->name, 1, 0);
    return AF_PARSE;
}

const char *rp_csv_field(const rp_csv *c, size_t i)
{
    return i < c->n_fields ? c->rec + c->off[i] : "";
}

bool rp_parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    size_t d0 = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d0) return false;
    if (i < n && s[i] == '.') {
        size_t f0 = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == f0) return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t e0 = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == e0) return false;
    }
    if (i != n || n >= 64) return false;
    char tmp[64];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double v = strtod(tmp, NULL);
    if (!isfinite(v)) return false;
    *out = v;
    return true;
}

af_status rp_csv_num(const rp_csv *c, int col, bool allow_empty, double *out, af_error *err)
{
    const char *f = rp_csv_field(c, (size_t)col);
    if (!*f) {
        if (allow_empty) {
            *out = NAN;
            return AF_OK;
        }
        return rp_csv_fail(c, err, "column '%s' is empty; expected a number", c->cols[col]);
    }
    if (!rp_parse_number(f, strlen(f), out))
        return rp_csv_fail(c, err, "column '%s': expected a number, found '%.40s'", c->cols[col], f);
    return AF_OK;
}

af_status rp_csv_uint(const rp_csv *c, int col, long max, long *out, af_error *err)
{
    double v;
    af_status st = rp_csv_num(c, col, false, &v, err);
    if (st != AF_OK) return st;
    if (!(v >= 0 && v <= (double)max && v == floor(v)))
        return rp_csv_fail(c, err, "column '%s': expected a whole number from 0 to %ld, found '%.40s'",
                           c->cols[col], max, rp_csv_field(c, (size_t)col));
    *out = (long)v;
    return AF_OK;
}
