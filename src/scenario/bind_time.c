/* Binders of times: weekly hours, dated closures and dispatch windows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "scenario/bind.h"
#include "scenario/units.h"

/* ---- weekly hours --------------------------------------------------------------------------
 *     hours: always
 *     hours: "08:00-16:00"                       every day
 *     hours: {sun-thu: "08:00-16:00", fri: "08:00-12:00", sat: closed}
 *     hours: {mon-fri: ["08:00-12:00", "13:00-17:00"], sat-sun: closed}
 * Every weekday must be said exactly once, so that a forgotten Sunday is an error rather
 * than a closed day nobody meant. Hours past midnight ("22:00-06:00") run into the next day.
 */

typedef struct day_acc {
    af_scn_interval iv[7][64];
    size_t n[7];
} day_acc;

static bool add_interval(binder *b, const yt_node *v, day_acc *acc, int day, int open, int close)
{
    if (acc->n[day] == 64) {
        scn_error(b->r, v->mark, "hours: more than 64 intervals on %s", units_weekday_name(day));
        return false;
    }
    acc->iv[day][acc->n[day]++] = (af_scn_interval){open, close};
    return true;
}

static bool add_window(binder *b, const yt_node *v, const bool days[7], day_acc *acc)
{
    char msg[160], buf[64];
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        scn_error(b->r, v->mark, "hours: expected \"HH:MM-HH:MM\" or closed, found %s",
                  yt_describe(v, buf, sizeof buf));
        return false;
    }
    if (yt_scalar_is(v, "closed")) return true;
    int open, close;
    if (yt_scalar_is(v, "open")) {
        open = 0;
        close = 1440;
    } else if (!units_time_window(v->str, v->len, &open, &close, msg, sizeof msg)) {
        scn_error(b->r, v->mark, "hours: %s, found %s", msg, yt_describe(v, buf, sizeof buf));
        return false;
    }
    for (int d = 0; d < 7; d++) {
        if (!days[d]) continue;
        if (close > open) {
            if (!add_interval(b, v, acc, d, open, close)) return false;
        } else {
            if (!add_interval(b, v, acc, d, open, 1440)) return false;
            if (close > 0 && !add_interval(b, v, acc, (d + 1) % 7, 0, close)) return false;
        }
    }
    return true;
}

static bool add_windows(binder *b, const yt_node *v, const bool days[7], day_acc *acc)
{
    if (v->kind != YT_SEQ) return add_window(b, v, days, acc);
    if (v->n == 0) {
        scn_error(b->r, v->mark, "hours: an empty list; write closed for a closed day");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        if (yt_scalar_is(v->items[i], "closed") || yt_scalar_is(v->items[i], "open")) {
            scn_error(b->r, v->items[i]->mark,
                      "hours: a list holds \"HH:MM-HH:MM\" intervals, not '%s'", v->items[i]->str);
            ok = false;
            continue;
        }
        ok &= add_window(b, v->items[i], days, acc);
    }
    return ok;
}

static int cmp_interval(const void *a, const void *b)
{
    const af_scn_interval *x = a, *y = b;
    if (x->open != y->open) return x->open < y->open ? -1 : 1;
    return (x->close > y->close) - (x->close < y->close);
}

void bind_hours(binder *b, const yt_node *v, void *item, const field *f)
{
    af_scn_hours *h = (af_scn_hours *)((char *)item + f->offset);
    char buf[64];
    if (v->kind == YT_SCALAR && yt_scalar_is(v, "always")) {
        memset(h, 0, sizeof *h);
        return;
    }
    day_acc *acc = calloc(1, sizeof *acc);
    if (!acc) {
        b->r->nomem = true;
        return;
    }
    bool ok = true;
    if (v->kind == YT_SCALAR && !yt_is_null(v)) {
        const bool all[7] = {true, true, true, true, true, true, true};
        ok = add_window(b, v, all, acc);
    } else if (v->kind == YT_MAP) {
        const yt_node *said[7] = {NULL};
        for (size_t i = 0; i < v->n; i++) {
            const yt_node *key = v->pairs[i].key;
            bool days[7];
            char msg[160];
            if (!units_weekdays(key->str, key->len, days, msg, sizeof msg)) {
                scn_error(b->r, key->mark, "hours: %s, found %s", msg,
                          yt_describe(key, buf, sizeof buf));
                ok = false;
                continue;
            }
            for (int d = 0; d < 7; d++) {
                if (!days[d]) continue;
                if (said[d]) {
                    scn_error(b->r, key->mark, "hours: %s is already given by '%s' on line %u",
                              units_weekday_name(d), said[d]->str, (unsigned)said[d]->mark.line);
                    ok = false;
                    days[d] = false;
                    continue;
                }
                said[d] = key;
            }
            ok &= add_windows(b, v->pairs[i].value, days, acc);
        }
        if (ok) {
            char missing[64] = "";
            for (int d = 0; d < 7; d++)
                if (!said[d]) {
                    if (missing[0]) strcat(missing, ", ");
                    strcat(missing, units_weekday_name(d));
                }
            if (missing[0]) {
                scn_error(b->r, v->mark,
                          "hours: nothing is said about %s; give hours or 'closed' for every day",
                          missing);
                ok = false;
            }
        }
    } else {
        scn_error(b->r, v->mark,
                  "hours: expected always, \"HH:MM-HH:MM\" or a mapping of weekdays to hours, "
                  "found %s",
                  yt_describe(v, buf, sizeof buf));
        ok = false;
    }

    af_scn_hours res;
    memset(&res, 0, sizeof res);
    res.weekly = true;
    size_t open_days = 0;
    for (int d = 0; ok && d < 7; d++) {
        af_scn_interval *iv = acc->iv[d];
        size_t n = acc->n[d], m = 0;
        qsort(iv, n, sizeof *iv, cmp_interval);
        for (size_t i = 0; i < n; i++) {
            if (m && iv[i].open <= iv[m - 1].close) {
                if (iv[i].close > iv[m - 1].close) iv[m - 1].close = iv[i].close;
            } else {
                iv[m++] = iv[i];
            }
        }
        res.n[d] = m;
        if (m) {
            open_days++;
            res.intervals[d] = arena_memdup(b->mem, iv, m, sizeof *iv);
            if (!res.intervals[d]) {
                b->r->nomem = true;
                ok = false;
            }
        }
    }
    if (ok && open_days == 0) {
        scn_error(b->r, v->mark, "hours: closed on every day of the week");
        ok = false;
    }
    free(acc);
    if (ok) *h = res;
}

/* ---- closures ------------------------------------------------------------------------------
 *     closures:
 *       - 2024-05-05                            one whole day
 *       - [2023-12-25, 2023-12-28]              whole days, both included
 *       - {from: 2024-02-16 08:00, to: 2024-02-16 14:00}   to the minute, end excluded
 *       - {from: 2024-05-07}                    from that day on, to the end (no `to`)
 */

static bool instant_of(binder *b, const yt_node *v, bool is_end, const char *key,
                       double *minutes)
{
    char msg[128], buf[64];
    int y, m, d, minute = 0;
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        scn_error(b->r, v->mark, "%s: expected a date YYYY-MM-DD or YYYY-MM-DD HH:MM, "
                  "found %s", key, yt_describe(v, buf, sizeof buf));
        return false;
    }
    bool ok = v->len > 10 ? units_datetime(v->str, v->len, &y, &m, &d, &minute, msg, sizeof msg)
                          : units_date(v->str, v->len, &y, &m, &d, msg, sizeof msg);
    if (!ok) {
        scn_error(b->r, v->mark, "%s: %s, found %s", key, msg, yt_describe(v, buf, sizeof buf));
        return false;
    }
    long day = af_days_from_civil(y, m, d) - b->start_days;
    /* A date alone as the end of a range means the end of that day: ranges include it. */
    if (v->len <= 10 && is_end) day += 1;
    *minutes = (double)day * 1440 + minute;
    return true;
}

static bool instant(binder *b, const yt_node *v, bool is_end, double *minutes)
{
    return instant_of(b, v, is_end, "closures", minutes);
}

/* A date and time (`opens: 2024-11-12`, `at: 2024-04-01 06:00`): minutes since the start at
 * the offset; the aux flag, when the row has one, says it was given. */
void bind_instant(binder *b, const yt_node *v, void *item, const field *f)
{
    if (!b->have_start) return;
    double minutes;
    if (!instant_of(b, v, false, f->key, &minutes)) return;
    *(double *)((char *)item + f->offset) = minutes;
    if (f->aux) *(bool *)((char *)item + f->aux - 1) = true;
}

static int cmp_period(const void *a, const void *b)
{
    const af_scn_period *x = a, *y = b;
    if (x->from != y->from) return x->from < y->from ? -1 : 1;
    return (x->to > y->to) - (x->to < y->to);
}

void bind_closures(binder *b, const yt_node *v, void *item, const field *f)
{
    char buf[64];
    if (v->kind != YT_SEQ) {
        bind_expected(b, v, f, "a list of dates or [from, to] ranges");
        return;
    }
    af_scn_period *p = arena_calloc(b->mem, v->n, sizeof *p);
    if (!p) {
        b->r->nomem = true;
        return;
    }
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const yt_node *c = v->items[i], *from = NULL, *to = NULL;
        if (c->kind == YT_SCALAR) {
            from = to = c;
        } else if (c->kind == YT_SEQ && c->n == 2) {
            from = c->items[0];
            to = c->items[1];
        } else if (c->kind == YT_MAP) {
            bool good = true;
            for (size_t k = 0; k < c->n; k++) {
                const yt_node *key = c->pairs[k].key;
                if (yt_scalar_is(key, "from")) {
                    from = c->pairs[k].value;
                } else if (yt_scalar_is(key, "to")) {
                    to = c->pairs[k].value;
                } else {
                    scn_error(b->r, key->mark, "closures: unknown key %s; a closure has from "
                              "and to", yt_describe(key, buf, sizeof buf));
                    good = false;
                }
            }
            if (good && !from) {
                scn_error(b->r, c->mark, "closures: missing key 'from'");
                good = false;
            }
            if (!good) {
                ok = false;
                continue;
            }
        } else {
            scn_error(b->r, c->mark, "closures: expected a date, [from, to] or {from:, to:}, "
                      "found %s", c->kind == YT_SEQ ? "a list that is not [from, to]"
                                                    : yt_describe(c, buf, sizeof buf));
            ok = false;
            continue;
        }
        if (!b->have_start) continue; /* the start date's error is already reported */
        if (!instant(b, from, false, &p[i].from)) {
            ok = false;
            continue;
        }
        if (!to) {
            p[i].to = INFINITY; /* closed from `from` to the end */
            continue;
        }
        if (!instant(b, to, true, &p[i].to)) {
            ok = false;
            continue;
        }
        if (!(p[i].to > p[i].from)) {
            scn_error(b->r, to->mark, "closures: the closure ends before it starts");
            ok = false;
        }
    }
    if (!ok) return;
    qsort(p, v->n, sizeof *p, cmp_period);
    *(af_scn_period **)((char *)item + f->offset) = p;
    *(size_t *)((char *)item + f->aux - 1) = v->n;
}

/* ---- dispatch -------------------------------------------------------------------------------
 *     dispatch: poisson            trucks leave at random through the whole day
 *     dispatch: "06:00-18:00"      the day's trucks leave at uniform times in the window
 */
void bind_dispatch(binder *b, const yt_node *v, void *item, const field *f)
{
    af_scn_origin *o = item;
    const char *expected = "poisson or a window \"HH:MM-HH:MM\"";
    const char *s = bind_scalar_text(b, v, f, expected);
    if (!s) return;
    if (yt_scalar_is(v, "poisson")) {
        o->dispatch = AF_SCN_DISPATCH_POISSON;
        o->window_open = 0;
        o->window_close = 1440;
        return;
    }
    int open, close;
    char msg[160], buf[64];
    if (!units_time_window(s, v->len, &open, &close, msg, sizeof msg)) {
        if (!memchr(s, ':', v->len))
            bind_expected(b, v, f, expected);
        else
            scn_error(b->r, v->mark, "%s: %s, found %s", f->key, msg,
                      yt_describe(v, buf, sizeof buf));
        return;
    }
    if (close < open) {
        scn_error(b->r, v->mark, "%s: the window must close after it opens on the same day",
                  f->key);
        return;
    }
    o->dispatch = AF_SCN_DISPATCH_WINDOW;
    o->window_open = open;
    o->window_close = close;
}
