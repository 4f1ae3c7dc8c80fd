/* Binders of single values: text, whole numbers, quantities with units, dates, enums. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "scenario/bind.h"
#include "scenario/units.h"

#define AT(item, f, type) ((type *)((char *)(item) + (f)->offset))

/* Text is printed (validate, run, the report, terminals): a control character in it could
 * retitle a terminal or forge lines, so none is allowed but a tab or a line break, and a name
 * takes no line break either. C1 controls (U+0080 to U+009F) count as control characters. */
static bool text_is_printable(binder *b, const yt_node *v, const field *f)
{
    bool is_name = !strcmp(f->key, "name");
    for (size_t i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)v->str[i];
        bool ctl = (c < 0x20 && c != '\t' && (c != '\n' || is_name)) || c == 0x7f ||
                   (c == 0xc2 && i + 1 < v->len && (unsigned char)v->str[i + 1] >= 0x80 &&
                    (unsigned char)v->str[i + 1] <= 0x9f);
        if (ctl) {
            unsigned code = c == 0xc2 ? (unsigned char)v->str[i + 1] : c;
            scn_error(b->r, v->mark,
                      "%s: the text contains the control character U+%04X; write it without "
                      "control characters%s",
                      f->key, code, is_name ? " (a name is one line)" : "");
            return false;
        }
    }
    return true;
}

void bind_text(binder *b, const yt_node *v, void *item, const field *f)
{
    const char *s = bind_scalar_text(b, v, f, "text");
    if (!s || !text_is_printable(b, v, f)) return;
    const char *copy = arena_strndup(b->mem, s, v->len);
    if (!copy) b->r->nomem = true;
    *AT(item, f, const char *) = copy;
}

void bind_text_list(binder *b, const yt_node *v, void *item, const field *f)
{
    if (v->kind != YT_SEQ) {
        bind_expected(b, v, f, "a list of text");
        return;
    }
    const char **arr = arena_calloc(b->mem, v->n, sizeof *arr);
    if (!arr) {
        b->r->nomem = true;
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const char *s = bind_scalar_text(b, v->items[i], f, "text");
        if (s && !text_is_printable(b, v->items[i], f)) s = NULL;
        arr[i] = s ? arena_strndup(b->mem, s, v->items[i]->len) : "";
        if (!arr[i]) b->r->nomem = true;
    }
    *AT(item, f, const char **) = arr;
    *(size_t *)((char *)item + f->aux - 1) = v->n;
}

void bind_item_name(binder *b, const yt_node *v, void *item, const field *f)
{
    /* Names are checked and registered by bind_named_list before the items are bound. */
    (void)b;
    (void)v;
    (void)item;
    (void)f;
}

/* ---- numbers -------------------------------------------------------------------------------- */

static bool is_none(const yt_node *v)
{
    return v->kind == YT_SCALAR && v->plain && yt_scalar_is(v, "none");
}

static void range_text(const field *f, const char *unit, char *buf, size_t size)
{
    const char *u = unit ? unit : "";
    const char *sp = unit && unit[0] != '/' ? " " : "";
    if (f->flags & F_LO_OPEN)
        snprintf(buf, size, "above %.10g%s%s and at most %.10g%s%s", f->lo, sp, u, f->hi, sp, u);
    else
        snprintf(buf, size, "from %.10g%s%s to %.10g%s%s", f->lo, sp, u, f->hi, sp, u);
}

static bool in_range(const field *f, double x)
{
    if (f->flags & F_LO_OPEN ? !(x > f->lo) : !(x >= f->lo)) return false;
    return x <= f->hi;
}

/* A whole number in [lo, hi] (or 'none' -> 0 when allowed). */
static bool whole(binder *b, const yt_node *v, const field *f, double *out)
{
    char expected[160], range[96];
    range_text(f, NULL, range, sizeof range);
    snprintf(expected, sizeof expected, "a whole number %s%s", range,
             f->flags & F_NONE_OK ? " or 'none'" : "");
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        bind_expected(b, v, f, expected);
        return false;
    }
    if ((f->flags & F_NONE_OK) && is_none(v)) {
        *out = 0;
        return true;
    }
    double x;
    if (!units_number(v->str, v->len, &x) || x != floor(x) || !in_range(f, x)) {
        bind_expected(b, v, f, expected);
        return false;
    }
    *out = x;
    return true;
}

void bind_unsigned(binder *b, const yt_node *v, void *item, const field *f)
{
    double x;
    if (whole(b, v, f, &x)) *AT(item, f, unsigned) = (unsigned)x;
}

void bind_u32(binder *b, const yt_node *v, void *item, const field *f)
{
    double x;
    if (whole(b, v, f, &x)) *AT(item, f, uint32_t) = (uint32_t)x;
}

void bind_size(binder *b, const yt_node *v, void *item, const field *f)
{
    double x;
    if (whole(b, v, f, &x)) *AT(item, f, size_t) = (size_t)x;
}

void bind_int(binder *b, const yt_node *v, void *item, const field *f)
{
    double x;
    if (whole(b, v, f, &x)) *AT(item, f, int) = (int)x;
}

void bind_count(binder *b, const yt_node *v, void *item, const field *f)
{
    double x;
    if (whole(b, v, f, &x)) *AT(item, f, double) = x;
}

/* Seeds use the whole 64-bit range, which a double cannot hold: read the digits. */
void bind_u64(binder *b, const yt_node *v, void *item, const field *f)
{
    const char *expected = "a whole number from 0 to 18446744073709551615";
    if (v->kind != YT_SCALAR || v->len == 0 || v->len > 20) {
        bind_expected(b, v, f, expected);
        return;
    }
    uint64_t x = 0;
    for (size_t i = 0; i < v->len; i++) {
        char c = v->str[i];
        if (c < '0' || c > '9' || x > (UINT64_MAX - (uint64_t)(c - '0')) / 10) {
            bind_expected(b, v, f, expected);
            return;
        }
        x = x * 10 + (uint64_t)(c - '0');
    }
    *AT(item, f, uint64_t) = x;
}

static const char *resolved_unit(unit_kind k)
{
    switch (k) {
    case UNIT_DURATION: return "min";
    case UNIT_RATE: return "/d";
    case UNIT_MASS: return "t";
    case UNIT_MASS_RATE: return "t/d";
    default: return NULL;
    }
}

/* A quantity in the resolved unit, range-checked. */
static bool quantity(binder *b, const yt_node *v, const field *f, unit_kind k, double *out)
{
    char msg[256], buf[64];
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        snprintf(msg, sizeof msg, "%s%s", unit_kind_name(k),
                 f->flags & F_NONE_OK ? " or 'none'" : "");
        bind_expected(b, v, f, msg);
        return false;
    }
    if ((f->flags & F_NONE_OK) && is_none(v)) {
        *out = 0;
        return true;
    }
    double x;
    if (!units_quantity(v->str, v->len, k, f->unit, &x, msg, sizeof msg)) {
        if (!strncmp(msg, "expected ", 9))
            bind_expected(b, v, f, msg + 9);
        else
            scn_error(b->r, v->mark, "%s%s%s", f->key, f->key[0] ? ": " : "", msg);
        return false;
    }
    if (!in_range(f, x)) {
        char range[96];
        range_text(f, resolved_unit(k), range, sizeof range);
        snprintf(msg, sizeof msg, "%s %s", unit_kind_name(k), range);
        scn_error(b->r, v->mark, "%s%sexpected %s, found %s", f->key, f->key[0] ? ": " : "",
                  msg, yt_describe(v, buf, sizeof buf));
        return false;
    }
    *out = x;
    return true;
}

void bind_quantity(binder *b, const yt_node *v, void *item, const field *f)
{
    double x;
    if (!quantity(b, v, f, *(const unit_kind *)f->arg, &x)) return;
    /* A rate per day is the inverse of a time: below one in a million days (2,700 years)
     * the time between events is no longer a finite time of the simulation. */
    if (f->unit && !strcmp(f->unit, "/d") && x > 0 && x < 1e-6) {
        char buf[64];
        scn_error(b->r, v->mark, "%s: a rate is 0 or at least 1e-06 a day, found %s",
                  f->key[0] ? f->key : "rate", yt_describe(v, buf, sizeof buf));
        return;
    }
    *AT(item, f, double) = x;
    if (f->aux) *(bool *)((char *)item + f->aux - 1) = true;
}

void bind_days(binder *b, const yt_node *v, void *item, const field *f)
{
    field in_minutes = *f;
    in_minutes.lo = f->lo * 1440;
    in_minutes.hi = f->hi * 1440;
    double x;
    if (!quantity(b, v, &in_minutes, UNIT_DURATION, &x)) return;
    if (fmod(x, 1440) != 0) {
        char buf[64];
        scn_error(b->r, v->mark, "%s: expected a whole number of days, found %s", f->key,
                  yt_describe(v, buf, sizeof buf));
        return;
    }
    *AT(item, f, int) = (int)(x / 1440);
}

static bool date_value(binder *b, const yt_node *v, const field *f, long *days)
{
    char msg[128];
    int y, m, d;
    const char *s = bind_scalar_text(b, v, f, "a date written YYYY-MM-DD");
    if (!s) return false;
    if (!units_date(s, v->len, &y, &m, &d, msg, sizeof msg)) {
        if (!strncmp(msg, "expected ", 9))
            bind_expected(b, v, f, msg + 9);
        else
            scn_error(b->r, v->mark, "%s: %s", f->key, msg);
        return false;
    }
    *days = af_days_from_civil(y, m, d);
    return true;
}

void bind_start(binder *b, const yt_node *v, void *item, const field *f)
{
    (void)item;
    long days;
    if (!date_value(b, v, f, &days)) return;
    af_scenario *s = b->s;
    af_civil_from_days(days, &s->start_year, &s->start_month, &s->start_day);
    s->start_weekday = af_weekday(days);
    b->have_start = true;
    b->start_days = days;
}

void bind_date_day(binder *b, const yt_node *v, void *item, const field *f)
{
    long days;
    if (!date_value(b, v, f, &days) || !b->have_start) return;
    long off = days - b->start_days;
    if ((f->flags & F_AFTER_START) && off < 0) {
        const af_scenario *s = b->s;
        scn_error(b->r, v->mark, "%s: %.10s is before the start date %04d-%02d-%02d", f->key,
                  v->str, s->start_year, s->start_month, s->start_day);
        return;
    }
    *AT(item, f, int) = (int)off;
}

void bind_enum(binder *b, const yt_node *v, void *item, const field *f)
{
    const enum_table *t = f->arg;
    char expected[160] = "";
    for (size_t i = 0; i < t->n; i++) {
        strncat(expected, t->names[i], sizeof expected - strlen(expected) - 1);
        strncat(expected, i + 2 < t->n ? ", " : (i + 2 == t->n ? " or " : ""),
                sizeof expected - strlen(expected) - 1);
    }
    const char *s = bind_scalar_text(b, v, f, expected);
    if (!s) return;
    for (size_t i = 0; i < t->n; i++)
        if (yt_scalar_is(v, t->names[i])) {
            *AT(item, f, int) = t->values[i];
            return;
        }
    const char *hint = suggest_closest(s, v->len, t->names, t->n);
    char buf[64];
    if (hint)
        scn_error(b->r, v->mark, "%s: expected %s, found %s; did you mean '%s'?", f->key,
                  expected, yt_describe(v, buf, sizeof buf), hint);
    else
        bind_expected(b, v, f, expected);
}
