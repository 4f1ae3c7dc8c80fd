/* Window metrics (include/aidflow/model.h, af_model_window): the mean per day of a counting
 * basis over [FROM, TO], or need met over it, from the ledger as it stood at each reported
 * midnight: the count at the end of TO less the count at the start of FROM (the end of the
 * warm-up for the first reported day), over the window's days. A window over the whole
 * horizon is the per-run metric of the same basis. A truck basis may name a sender class,
 * `trucks_per_day.offloaded.humanitarian`, counted from that class's ledger. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "model/windows.h"

typedef enum basis_kind { B_LEDGER, B_NEED_MET } basis_kind;

typedef struct window {
    af_model_window w;
    basis_kind kind;
    size_t field;    /* B_LEDGER: offset of the count in the ledger */
    int sender;      /* B_LEDGER: the sender class counted, -1 for every truck */
    double per;      /* B_LEDGER: 1 */
    size_t category; /* B_NEED_MET */
    size_t region;   /* B_NEED_MET: SIZE_MAX for every region */
    int first, last; /* reported days */
} window;

struct windows_state {
    size_t n;
    window *w;
    ledger *snap;            /* [(horizon + 1) * LEDGERS]: at the end of reported day d,
                                snap[(d + 1) * LEDGERS]: every truck, then each sender class */
    double *need, *consumed; /* [(day * n_regions + region) * n_categories + category] */
};

static const struct {
    const char *name;
    size_t field;
} ledger_bases[] = {
    {"trucks_per_day.dispatched", offsetof(ledger, trucks_dispatched)},
    {"trucks_per_day.inspected", offsetof(ledger, trucks_inspected)},
    {"trucks_per_day.entered", offsetof(ledger, trucks_entered)},
    {"trucks_per_day.offloaded", offsetof(ledger, trucks_offloaded)},
    {"trucks_per_day.collected", offsetof(ledger, trucks_collected)},
    {"trucks_per_day.delivered", offsetof(ledger, trucks_delivered)},
    {"tonnes_per_day.distributed", offsetof(ledger, tonnes_distributed)},
};

enum { LEDGERS = 1 + AF_SCN_N_SENDERS };

/* The ledger basis `basis` names, with or without a sender class suffix: its index in
 * ledger_bases (or -1) and the class (-1: every truck). */
static int ledger_basis(const char *basis, int *sender)
{
    *sender = -1;
    for (size_t i = 0; i < sizeof ledger_bases / sizeof *ledger_bases; i++) {
        size_t n = strlen(ledger_bases[i].name);
        if (strncmp(basis, ledger_bases[i].name, n) != 0) continue;
        if (!basis[n]) return (int)i;
        if (basis[n] != '.' || strncmp(basis, "trucks_", 7) != 0) continue;
        for (int k = 0; k < AF_SCN_N_SENDERS; k++)
            if (!strcmp(basis + n + 1, af_scn_sender_name(k))) {
                *sender = k;
                return (int)i;
            }
    }
    return -1;
}

static bool parse_date(const char *p, size_t len, long *day)
{
    if (len != 10 || p[4] != '-' || p[7] != '-') return false;
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

af_status af_model_window_parse(const char *spec, af_model_window *w, af_error *err)
{
    memset(w, 0, sizeof *w);
    const char *at = spec ? strchr(spec, '@') : NULL;
    const char *dots = at ? strstr(at, "..") : NULL;
    if (!at || !dots || at == spec || (size_t)(at - spec) >= sizeof w->basis)
        return af_error_set(err, AF_INVAL,
                            "window '%s': expected BASIS@FROM..TO, e.g. "
                            "trucks_per_day.entered@2024-03-01..2024-03-31",
                            spec ? spec : "");
    memcpy(w->basis, spec, (size_t)(at - spec));
    if (!parse_date(at + 1, (size_t)(dots - at - 1), &w->from) ||
        !parse_date(dots + 2, strlen(dots + 2), &w->to))
        return af_error_set(err, AF_INVAL,
                            "window '%s': FROM and TO must be dates YYYY-MM-DD", spec);
    if (w->to < w->from)
        return af_error_set(err, AF_INVAL, "window '%s': TO is before FROM", spec);
    int sender;
    bool known = (!strncmp(w->basis, "need_met.", 9) && w->basis[9]) ||
                 ledger_basis(w->basis, &sender) >= 0;
    if (!known)
        return af_error_set(err, AF_INVAL,
                            "window '%s': unknown basis '%s' (expected trucks_per_day.dispatched, "
                            ".inspected, .entered, .offloaded, .collected, .delivered (each "
                            "optionally .humanitarian or .commercial), "
                            "tonnes_per_day.distributed, need_met.CATEGORY or "
                            "need_met.CATEGORY.REGION)",
                            spec, w->basis);
    return AF_OK;
}

/* Resolves the basis against the scenario into *out. */
static af_status resolve(const af_scenario *s, const af_model_window *w, window *out,
                         af_error *err)
{
    memset(out, 0, sizeof *out);
    out->w = *w;
    out->region = SIZE_MAX;
    long start = af_days_from_civil(s->start_year, s->start_month, s->start_day);
    char from[11], to[11], first[11], last[11];
    af_iso_date(w->from, from);
    af_iso_date(w->to, to);
    af_iso_date(start, first);
    af_iso_date(start + s->horizon_days - 1, last);
    if (w->from < start || w->to > start + s->horizon_days - 1)
        return af_error_set(err, AF_INVAL,
                            "window %s..%s of %s: outside the reported horizon %s..%s", from,
                            to, w->basis, first, last);
    out->first = (int)(w->from - start);
    out->last = (int)(w->to - start);
    int i = ledger_basis(w->basis, &out->sender);
    if (i >= 0) {
        out->kind = B_LEDGER;
        out->field = ledger_bases[i].field;
        return AF_OK;
    }
    out->kind = B_NEED_MET;
    char cat[200];
    snprintf(cat, sizeof cat, "%s", w->basis + 9);
    char *dot = strchr(cat, '.');
    if (dot) *dot = '\0';
    if ((out->category = af_scenario_find_category(s, cat)) == (size_t)-1)
        return af_error_set(err, AF_INVAL, "window of %s: the scenario has no category '%s'",
                            w->basis, cat);
    if (dot && (out->region = af_scenario_find_region(s, dot + 1)) == (size_t)-1)
        return af_error_set(err, AF_INVAL, "window of %s: the scenario has no region '%s'",
                            w->basis, dot + 1);
    return AF_OK;
}

af_status af_model_window_check(const af_scenario *scn, const af_model_window *w,
                                af_error *err)
{
    window out;
    return resolve(scn, w, &out, err);
}

af_status windows_init(model *m, af_error *err)
{
    const af_model_options *o = m->opts;
    if (!o || !o->n_windows) return AF_OK;
    const af_scenario *s = m->scn;
    struct windows_state *ws = calloc(1, sizeof *ws);
    if (!ws) return af_error_set(err, AF_NOMEM, "out of memory");
    m->win = ws;
    size_t days = (size_t)s->horizon_days, cells = days * s->n_regions * s->n_categories + 1;
    ws->w = calloc(o->n_windows, sizeof *ws->w);
    ws->snap = calloc((days + 1) * LEDGERS, sizeof *ws->snap);
    ws->need = calloc(cells, sizeof *ws->need);
    ws->consumed = calloc(cells, sizeof *ws->consumed);
    if (!ws->w || !ws->snap || !ws->need || !ws->consumed)
        return af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; i < o->n_windows; i++) {
        af_model_window w;
        af_status st = af_model_window_parse(o->windows[i], &w, err);
        if (st == AF_OK) st = resolve(s, &w, &ws->w[i], err);
        if (st != AF_OK) return st;
        ws->n++;
    }
    return AF_OK;
}

void windows_record_day(model *m, int report_day)
{
    if (!m->win || report_day < 0 || report_day >= m->scn->horizon_days) return;
    ledger *at = &m->win->snap[(size_t)(report_day + 1) * LEDGERS];
    at[0] = model_ledger_all(m);
    for (int k = 0; k < AF_SCN_N_SENDERS; k++) at[1 + k] = m->by_sender[k];
}

void windows_record_region(model *m, int day, size_t region, size_t c, double need,
                           double consumed)
{
    struct windows_state *ws = m->win;
    if (!ws || day < 0 || day >= m->scn->horizon_days) return;
    size_t k = ((size_t)day * m->scn->n_regions + region) * m->scn->n_categories + c;
    ws->need[k] += need;
    ws->consumed[k] += consumed;
}

size_t windows_count(const model *m)
{
    return m->win ? m->win->n : 0;
}

double windows_value(const model *m, size_t i)
{
    const struct windows_state *ws = m->win;
    const window *w = &ws->w[i];
    double days = w->last - w->first + 1;
    if (w->kind == B_LEDGER) {
        const ledger *a = w->first != 0 ? &ws->snap[(size_t)w->first * LEDGERS + 1 + w->sender]
                          : w->sender < 0 ? &m->at_warmup
                                          : &m->by_sender_at_warmup[w->sender];
        const ledger *b = &ws->snap[(size_t)(w->last + 1) * LEDGERS + 1 + w->sender];
        double end = *(const double *)((const char *)b + w->field);
        double begin = *(const double *)((const char *)a + w->field);
        return (end - begin) / days;
    }
    const af_scenario *s = m->scn;
    double need = 0, got = 0;
    for (int d = w->first; d <= w->last; d++)
        for (size_t r = 0; r < s->n_regions; r++) {
            if (w->region != SIZE_MAX && r != w->region) continue;
            size_t k = ((size_t)d * s->n_regions + r) * s->n_categories + w->category;
            need += ws->need[k];
            got += ws->consumed[k];
        }
    return need > 0 ? got / need : NAN;
}

void windows_free(model *m)
{
    if (!m->win) return;
    free(m->win->w);
    free(m->win->snap);
    free(m->win->need);
    free(m->win->consumed);
    free(m->win);
    m->win = NULL;
}
