/* Observed figures: the tidy CSV file of reported figures (include/aidflow/calibrate.h,
 * docs/OUTPUTS.md "Observed figures"). A header row names the columns, in any order:
 *   id, from, to, basis, value, unit, source     required
 *   category, region, uncertainty, note          optional
 * Lines starting with '#' are comments; fields may be quoted ("a, b" with "" for a quote).
 * Every mistake is reported with its line and column, all of them, and the load fails. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/calibrate.h"
#include "aidflow/model.h"
#include "base/date.h"
#include "base/file.h"
#include "scenario/diag.h"

enum { C_ID, C_FROM, C_TO, C_BASIS, C_CATEGORY, C_REGION, C_VALUE, C_UNIT, C_UNCERTAINTY,
       C_SOURCE, C_NOTE, N_COLUMNS };
static const char *const column_names[N_COLUMNS] = {
    "id", "from", "to", "basis", "category", "region", "value", "unit", "uncertainty",
    "source", "note"};
static const bool column_required[N_COLUMNS] = {true, true, true, true, false, false,
                                                true, true, false, true, false};

#define MAX_FIELDS 32

typedef struct field {
    char text[512];
    int column; /* 1-based */
} field;

typedef struct reader {
    const char *file;
    af_diagnostics *d;
    size_t errors;
    const char *line; /* the current line, for the caret */
    size_t line_len;
    int lineno;
} reader;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void report(reader *r, int column, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->errors++;
    diag_add(r->d, AF_DIAG_ERROR, r->file, r->lineno, column, r->line, r->line_len, msg);
}

/* Splits one line into fields; false (reported) on an unterminated quote or too many. */
static bool split(reader *r, const char *s, size_t len, field *f, size_t *n)
{
    *n = 0;
    size_t i = 0;
    for (;;) {
        if (*n == MAX_FIELDS) {
            report(r, (int)i + 1, "more than %d fields", MAX_FIELDS);
            return false;
        }
        field *fl = &f[(*n)++];
        fl->column = (int)i + 1;
        size_t k = 0;
        if (i < len && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    report(r, fl->column, "a quoted field is not closed on its line");
                    return false;
                }
                if (s[i] == '"') {
                    if (i + 1 < len && s[i + 1] == '"') {
                        if (k + 1 < sizeof fl->text) fl->text[k++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (k + 1 < sizeof fl->text) fl->text[k++] = s[i];
                i++;
            }
            if (i < len && s[i] != ',') {
                report(r, (int)i + 1, "expected ',' after a quoted field");
                return false;
            }
        } else {
            while (i < len && s[i] != ',') {
                if (k + 1 < sizeof fl->text) fl->text[k++] = s[i];
                i++;
            }
        }
        fl->text[k] = '\0';
        /* Trim spaces around unquoted text. */
        char *t = fl->text;
        size_t tl = strlen(t);
        while (tl && isspace((unsigned char)t[tl - 1])) t[--tl] = '\0';
        size_t lead = 0;
        while (t[lead] && isspace((unsigned char)t[lead])) lead++;
        if (lead) {
            memmove(t, t + lead, tl - lead + 1);
            fl->column += (int)lead;
        }
        if (i >= len) return true;
        i++; /* the comma */
    }
}

static bool parse_date(const char *p, long *day)
{
    if (strlen(p) != 10 || p[4] != '-' || p[7] != '-') return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)p[i])) return false;
    int y = atoi(p), mo = atoi(p + 5), d = atoi(p + 8);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap) return false;
    *day = af_days_from_civil(y, mo, d);
    return true;
}

static bool parse_number(const char *s, double *v)
{
    if (!*s) return false;
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && errno == 0 && isfinite(*v);
}

static bool name_ok(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-') return false;
    return true;
}

/* The unit a basis is reported in. */
static const char *basis_unit(const char *basis)
{
    if (!strncmp(basis, "trucks_per_day.", 15)) return "trucks/day";
    if (!strcmp(basis, "tonnes_per_day.distributed")) return "t/day";
    return "fraction";
}

/* Fills one row from the fields; reports every mistake. */
static void parse_row(reader *r, const field *f, size_t nf, const int *col, af_observed_row *row)
{
    memset(row, 0, sizeof *row);
    row->line = r->lineno;
    row->uncertainty = NAN;
    const char *v[N_COLUMNS];
    int at[N_COLUMNS];
    for (int c = 0; c < N_COLUMNS; c++) {
        v[c] = col[c] >= 0 && (size_t)col[c] < nf ? f[col[c]].text : "";
        at[c] = col[c] >= 0 && (size_t)col[c] < nf ? f[col[c]].column : (int)r->line_len + 1;
    }
    row->from_column = at[C_FROM];
    if (!name_ok(v[C_ID]) || strlen(v[C_ID]) >= sizeof row->id)
        report(r, at[C_ID], "id '%s': expected a name of letters, digits, '_' and '-' (at most "
                            "63), unique in the file", v[C_ID]);
    else
        snprintf(row->id, sizeof row->id, "%s", v[C_ID]);
    bool dates = true;
    if (!parse_date(v[C_FROM], &row->from)) {
        report(r, at[C_FROM], "from '%s': expected a date YYYY-MM-DD", v[C_FROM]);
        dates = false;
    }
    if (!parse_date(v[C_TO], &row->to)) {
        report(r, at[C_TO], "to '%s': expected a date YYYY-MM-DD (the period's last day, "
                            "included)", v[C_TO]);
        dates = false;
    }
    if (dates && row->to < row->from)
        report(r, at[C_TO], "to %s is before from %s: expected the period's last day",
               v[C_TO], v[C_FROM]);
    /* The basis, with category and region where it takes them. */
    const char *b = v[C_BASIS];
    bool need_met = !strcmp(b, "need_met");
    if (need_met) {
        if (!name_ok(v[C_CATEGORY]))
            report(r, at[C_CATEGORY], "basis need_met needs a category (e.g. food)");
        if (*v[C_REGION] && !name_ok(v[C_REGION]))
            report(r, at[C_REGION], "region '%s': expected a region's name", v[C_REGION]);
        snprintf(row->basis, sizeof row->basis, "need_met.%s%s%s", v[C_CATEGORY],
                 *v[C_REGION] ? "." : "", v[C_REGION]);
    } else {
        char spec[300];
        snprintf(spec, sizeof spec, "%s@2000-01-01..2000-01-01", b);
        af_model_window w;
        af_error e;
        if (!*b || !strncmp(b, "need_met.", 9) ||
            af_model_window_parse(spec, &w, &e) != AF_OK)
            report(r, at[C_BASIS],
                   "basis '%s': expected trucks_per_day.dispatched, .inspected, .entered, "
                   ".offloaded, .collected, .delivered, tonnes_per_day.distributed or need_met "
                   "(docs/OUTPUTS.md, Counting bases)", b);
        if (*v[C_CATEGORY])
            report(r, at[C_CATEGORY], "basis %s is counted over every category: leave the "
                                      "category empty", b);
        if (*v[C_REGION])
            report(r, at[C_REGION], "basis %s is counted over every region: leave the region "
                                    "empty", b);
        snprintf(row->basis, sizeof row->basis, "%s", b);
    }
    const char *unit = basis_unit(row->basis);
    snprintf(row->unit, sizeof row->unit, "%s", v[C_UNIT]);
    bool percent = need_met && !strcmp(v[C_UNIT], "%");
    if (strcmp(v[C_UNIT], unit) && !percent)
        report(r, at[C_UNIT], "unit '%s': basis %s is in %s%s", v[C_UNIT], row->basis, unit,
               need_met ? " (or %)" : "");
    if (!parse_number(v[C_VALUE], &row->value) || row->value < 0)
        report(r, at[C_VALUE], "value '%s': expected a number >= 0", v[C_VALUE]);
    else if (percent)
        row->value /= 100;
    const char *u = v[C_UNCERTAINTY];
    if (*u) {
        char num[64];
        snprintf(num, sizeof num, "%s", u);
        size_t ul = strlen(num);
        row->relative = ul && num[ul - 1] == '%';
        if (row->relative) num[--ul] = '\0';
        double x;
        if (!parse_number(num, &x) || !(x > 0))
            report(r, at[C_UNCERTAINTY],
                   "uncertainty '%s': expected a number > 0 in the value's unit, or a "
                   "percentage of the value (10%%)", u);
        else if (row->relative)
            row->uncertainty = x / 100 * row->value;
        else
            row->uncertainty = percent ? x / 100 : x;
    }
    if (!*v[C_SOURCE] || strlen(v[C_SOURCE]) >= sizeof row->source)
        report(r, at[C_SOURCE], "source: expected a cite key of docs/SOURCES.md (e.g. "
                                "s3-apr-2024)");
    else
        snprintf(row->source, sizeof row->source, "%s", v[C_SOURCE]);
    snprintf(row->note, sizeof row->note, "%s", v[C_NOTE]);
    char from[11], to[11];
    af_iso_date(row->from, from);
    af_iso_date(row->to, to);
    snprintf(row->window, sizeof row->window, "%s@%s..%s", row->basis, from, to);
}

af_status af_observed_load(const char *path, af_observed **out, af_diagnostics *d)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    reader r = {.file = path, .d = d};
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot open the observed figures: %s", strerror(errno));
        diag_add(d, AF_DIAG_ERROR, path, 0, 0, NULL, 0, msg);
        return AF_IO;
    }
    af_status st = af_read_stream(fp, 16u << 20, &text, &len, NULL);
    fclose(fp);
    if (st != AF_OK) {
        diag_add(d, AF_DIAG_ERROR, path, 0, 0, NULL, 0,
                 st == AF_LIMIT ? "the observed figures file is over 16 MiB"
                                : "cannot read the observed figures");
        return st == AF_NOMEM ? AF_NOMEM : AF_IO;
    }
    af_observed *o = calloc(1, sizeof *o);
    if (!o) {
        free(text);
        return AF_NOMEM;
    }
    snprintf(o->file, sizeof o->file, "%s", path);
    size_t cap = 0;
    int col[N_COLUMNS];
    bool have_header = false;
    field *fields = calloc(MAX_FIELDS, sizeof *fields);
    if (!fields) {
        free(text);
        free(o);
        return AF_NOMEM;
    }
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n') end++;
        size_t ll = end - pos;
        if (ll && text[pos + ll - 1] == '\r') ll--;
        r.lineno++;
        r.line = text + pos;
        r.line_len = ll;
        const char *s = text + pos;
        pos = end + 1;
        size_t k = 0;
        while (k < ll && isspace((unsigned char)s[k])) k++;
        if (k == ll || s[k] == '#') continue;
        if (memchr(s, '\0', ll)) {
            report(&r, 1, "a NUL byte: expected text");
            continue;
        }
        size_t nf;
        if (!split(&r, s, ll, fields, &nf)) continue;
        if (!have_header) {
            have_header = true;
            for (int c = 0; c < N_COLUMNS; c++) col[c] = -1;
            for (size_t i = 0; i < nf; i++) {
                int c = 0;
                while (c < N_COLUMNS && strcmp(fields[i].text, column_names[c])) c++;
                if (c == N_COLUMNS)
                    report(&r, fields[i].column,
                           "unknown column '%s' (expected id, from, to, basis, category, "
                           "region, value, unit, uncertainty, source, note)",
                           fields[i].text);
                else if (col[c] >= 0)
                    report(&r, fields[i].column, "column '%s' given twice", fields[i].text);
                else
                    col[c] = (int)i;
            }
            for (int c = 0; c < N_COLUMNS; c++)
                if (column_required[c] && col[c] < 0)
                    report(&r, 1, "the header has no column '%s' (required: id, from, to, "
                                  "basis, value, unit, source)", column_names[c]);
            continue;
        }
        size_t before = r.errors;
        int nh = 0;
        for (int c = 0; c < N_COLUMNS; c++) nh = col[c] + 1 > nh ? col[c] + 1 : nh;
        if (nf > (size_t)nh)
            report(&r, fields[nh].column, "%zu fields, the header has %d", nf, nh);
        if (o->n == cap) {
            cap = cap ? 2 * cap : 16;
            af_observed_row *rows = realloc(o->rows, cap * sizeof *rows);
            if (!rows) {
                st = AF_NOMEM;
                break;
            }
            o->rows = rows;
        }
        af_observed_row *row = &o->rows[o->n];
        parse_row(&r, fields, nf, col, row);
        for (size_t i = 0; i < o->n && r.errors == before; i++)
            if (!strcmp(o->rows[i].id, row->id))
                report(&r, col[C_ID] >= 0 ? fields[col[C_ID]].column : 1,
                       "id '%s' is given twice (first on line %d)", row->id, o->rows[i].line);
        o->n++;
    }
    free(fields);
    free(text);
    if (st == AF_OK && !have_header) {
        r.lineno = 0;
        report(&r, 0, "no header row: expected id,from,to,basis,category,region,value,unit,"
                      "uncertainty,source,note");
    } else if (st == AF_OK && o->n == 0) {
        report(&r, 0, "no figures: expected a row after the header");
    }
    if (st != AF_OK || r.errors) {
        af_observed_free(o);
        return st != AF_OK ? st : AF_PARSE;
    }
    *out = o;
    return AF_OK;
}

af_status af_observed_check(const af_observed *o, const af_scenario *s, af_diagnostics *d)
{
    size_t errors = 0;
    for (size_t i = 0; i < o->n; i++) {
        const af_observed_row *row = &o->rows[i];
        af_model_window w;
        af_error e;
        af_error_clear(&e);
        af_status st = af_model_window_parse(row->window, &w, &e);
        if (st == AF_OK) st = af_model_window_check(s, &w, &e);
        if (st != AF_OK) {
            char msg[2048];
            snprintf(msg, sizeof msg, "%s: %s (scenario %s)", row->id, e.message, s->name);
            diag_add(d, AF_DIAG_ERROR, o->file, row->line, row->from_column, NULL, 0, msg);
            errors++;
        }
    }
    return errors ? AF_PARSE : AF_OK;
}

void af_observed_free(af_observed *o)
{
    if (!o) return;
    free(o->rows);
    free(o);
}

double af_observed_sigma(const af_observed_row *row)
{
    return isfinite(row->uncertainty) ? row->uncertainty : 0.1 * row->value;
}
