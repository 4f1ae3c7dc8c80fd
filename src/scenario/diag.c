#include "scenario/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    af_diagnostic pub;
    char *buf; /* owns file, message and source_line */
} entry;

struct af_diagnostics {
    entry *items;
    size_t n;
    size_t cap;
    size_t max_errors;
    size_t errors;
    bool overflowed; /* "too many errors" was added: drop everything after it */
};

enum { DEFAULT_MAX_ERRORS = 50 };

af_diagnostics *af_diagnostics_create(size_t max_errors)
{
    af_diagnostics *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->max_errors = max_errors ? max_errors : DEFAULT_MAX_ERRORS;
    return d;
}

void af_diagnostics_clear(af_diagnostics *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) free(d->items[i].buf);
    d->n = 0;
    d->errors = 0;
    d->overflowed = false;
}

void af_diagnostics_destroy(af_diagnostics *d)
{
    if (!d) return;
    af_diagnostics_clear(d);
    free(d->items);
    free(d);
}

size_t af_diagnostics_count(const af_diagnostics *d) { return d ? d->n : 0; }
size_t af_diagnostics_error_count(const af_diagnostics *d) { return d ? d->errors : 0; }

const af_diagnostic *af_diagnostics_get(const af_diagnostics *d, size_t i)
{
    return d && i < d->n ? &d->items[i].pub : NULL;
}

/* Stores one entry; out of memory loses the entry, never the count of errors. */
static void push(af_diagnostics *d, af_diag_severity sev, const char *file, int line, int col,
                 const char *src, size_t src_len, const char *msg)
{
    if (sev == AF_DIAG_ERROR) d->errors++;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        entry *items = realloc(d->items, cap * sizeof *items);
        if (!items) return;
        d->items = items;
        d->cap = cap;
    }
    size_t lf = strlen(file), lm = strlen(msg);
    char *buf = malloc(lf + 1 + lm + 1 + (src ? src_len + 1 : 0));
    if (!buf) return;
    char *pf = buf, *pm = buf + lf + 1, *ps = pm + lm + 1;
    memcpy(pf, file, lf + 1);
    memcpy(pm, msg, lm + 1);
    if (src) {
        memcpy(ps, src, src_len);
        ps[src_len] = '\0';
    }
    d->items[d->n++] = (entry){{sev, pf, line, col, pm, src ? ps : NULL}, buf};
}

void diag_add(af_diagnostics *d, af_diag_severity sev, const char *file, int line, int col,
              const char *source_line, size_t source_len, const char *message)
{
    if (!d || d->overflowed) return; /* past the limit: errors and their notes alike */
    if (sev == AF_DIAG_ERROR && d->errors >= d->max_errors) {
        push(d, AF_DIAG_ERROR, "", 0, 0, NULL, 0, "too many errors; stopping here");
        d->overflowed = true;
        return;
    }
    push(d, sev, file, line, col, source_line, source_len, message);
}

void diag_forget_lines(af_diagnostics *d, size_t first)
{
    for (size_t i = first; d && i < d->n; i++) d->items[i].pub.source_line = NULL;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 0)))
#endif
static void vreport(scn_report *r, af_diag_severity sev, scn_mark m, const char *fmt,
                    va_list ap)
{
    if (sev == AF_DIAG_ERROR) r->errors++;
    if (!r->diags) return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    const scn_source *f = m.line ? sources_get(r->src, m.file) : NULL;
    size_t len = 0;
    const char *line = f ? sources_line(r->src, m.file, m.line, &len) : NULL;
    diag_add(r->diags, sev, f ? f->name : "", f ? (int)m.line : 0, f ? (int)m.col : 0, line,
             len, msg);
}

void scn_error(scn_report *r, scn_mark m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(r, AF_DIAG_ERROR, m, fmt, ap);
    va_end(ap);
}

void scn_note(scn_report *r, scn_mark m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(r, AF_DIAG_NOTE, m, fmt, ap);
    va_end(ap);
}

void scn_warning(scn_report *r, scn_mark m, const char *fmt, ...)
{
    if (r->no_warnings) return;
    va_list ap;
    va_start(ap, fmt);
    vreport(r, AF_DIAG_WARNING, m, fmt, ap);
    va_end(ap);
}

bool scn_full(const scn_report *r)
{
    /* Without a collection the errors are only counted; stop at the default limit anyway, so
     * that nobody pays for thousands of suggestions nobody will read. */
    size_t max = r->diags ? r->diags->max_errors : DEFAULT_MAX_ERRORS;
    return r->errors > max;
}

static const char *severity_name(af_diag_severity s)
{
    switch (s) {
    case AF_DIAG_ERROR: return "error";
    case AF_DIAG_WARNING: return "warning";
    default: return "note";
    }
}

/* Tabs in the quoted line become spaces so that the caret lines up whatever the tab width. */
/* Prints the source line with a caret under the column. Columns count characters, so UTF-8
 * continuation bytes are skipped when counting. A long line (a hostile file can hold megabytes
 * on one line) is shown as a window of WINDOW characters around the column, with "..." where it
 * was cut. */
enum { WINDOW = 120 };

static void print_source(FILE *out, const af_diagnostic *g)
{
    if (!g->source_line || g->column <= 0) return;
    long chars = 0;
    for (const unsigned char *p = (const unsigned char *)g->source_line; *p; p++)
        if ((*p & 0xC0) != 0x80) chars++;
    long first = 1, last = chars; /* the window, in 1-based characters */
    if (chars > WINDOW) {
        first = g->column - WINDOW / 2;
        if (first < 1) first = 1;
        last = first + WINDOW - 1;
        if (last > chars) {
            last = chars;
            first = last - WINDOW + 1;
        }
    }
    fputs(first > 1 ? "    ..." : "    ", out);
    long col = 0;
    for (const unsigned char *p = (const unsigned char *)g->source_line; *p; p++) {
        if ((*p & 0xC0) != 0x80) col++;
        if (col < first) continue;
        if (col > last) break;
        fputc(*p == '\t' ? ' ' : *p, out);
    }
    fputs(last < chars ? "...\n    " : "\n    ", out);
    if (first > 1) fputs("   ", out);
    for (long c = first; c < g->column && c <= last + 1; c++) fputc(' ', out);
    fputs("^\n", out);
}

void af_diagnostics_print(const af_diagnostics *d, FILE *out)
{
    if (!d || !out) return;
    for (size_t i = 0; i < d->n; i++) {
        const af_diagnostic *g = &d->items[i].pub;
        if (g->file[0] && g->line > 0)
            fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line, g->column,
                    severity_name(g->severity), g->message);
        else if (g->file[0])
            fprintf(out, "%s: %s: %s\n", g->file, severity_name(g->severity), g->message);
        else
            fprintf(out, "%s: %s\n", severity_name(g->severity), g->message);
        print_source(out, g);
    }
}
