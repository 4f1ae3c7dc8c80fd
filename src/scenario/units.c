#include "scenario/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct unit_name {
    const char *name;
    double factor; /* to the resolved unit */
} unit_name;

/* Units of time in days: rates divide by these. */
static const unit_name per_time[] = {
    {"min", 1.0 / 1440}, {"minute", 1.0 / 1440}, {"h", 1.0 / 24}, {"hr", 1.0 / 24},
    {"hour", 1.0 / 24},  {"d", 1},               {"day", 1},      {"wk", 7},
    {"week", 7},         {NULL, 0},
};

static const unit_name durations[] = {
    {"min", 1},       {"mins", 1},       {"minute", 1},   {"minutes", 1},  {"h", 60},
    {"hr", 60},       {"hrs", 60},       {"hour", 60},    {"hours", 60},   {"d", 1440},
    {"day", 1440},    {"days", 1440},    {"wk", 10080},   {"week", 10080}, {"weeks", 10080},
    {NULL, 0},
};

static const unit_name masses[] = {
    {"t", 1}, {"tonne", 1}, {"tonnes", 1}, {"kg", 0.001}, {NULL, 0},
};

/* Words allowed before the '/' of a rate: what is counted. */
static const char *const counted[] = {"", "truck", "trucks", "closure", "closures", "convoy",
                                      "convoys", NULL};

static const struct {
    const char *name;
    const char *units;
    const char *example;
} kinds[UNIT_KIND_COUNT_] = {
    [UNIT_NONE] = {"a number", "no unit", "'6'"},
    [UNIT_DURATION] = {"a duration", "min, h, d, week", "'45 min', '2 h' or '3 d'"},
    [UNIT_RATE] = {"a rate", "/d, /h, /week (optionally 'trucks/d')", "'120 trucks/d' or '2 /week'"},
    [UNIT_MASS] = {"a mass", "t, kg", "'15 t' or '0.98 kg'"},
    [UNIT_MASS_RATE] = {"a mass per time", "t/d, kg/d, t/week", "'200 t/d'"},
    [UNIT_FRACTION] = {"a probability", "a number in [0, 1] or a percentage", "'0.05' or '5%'"},
};

const char *unit_kind_name(unit_kind k) { return k < UNIT_KIND_COUNT_ ? kinds[k].name : "?"; }
const char *unit_kind_units(unit_kind k) { return k < UNIT_KIND_COUNT_ ? kinds[k].units : "?"; }

static double lookup(const unit_name *t, const char *s, size_t len)
{
    for (; t->name; t++)
        if (strlen(t->name) == len && !memcmp(t->name, s, len)) return t->factor;
    return 0;
}

bool units_number(const char *s, size_t len, double *out)
{
    char buf[128];
    size_t j = 0, i = 0;
    if (len == 0 || len >= sizeof buf) return false;
    if (s[i] == '+' || s[i] == '-') buf[j++] = s[i++];
    bool digits = false, prev_digit = false;
    for (; i < len && (isdigit((unsigned char)s[i]) || s[i] == '_'); i++) {
        if (s[i] == '_') {
            /* '_' only between digits: 2_300_000 */
            if (!prev_digit || i + 1 >= len || !isdigit((unsigned char)s[i + 1])) return false;
            prev_digit = false;
            continue;
        }
        buf[j++] = s[i];
        digits = prev_digit = true;
    }
    if (i < len && s[i] == '.') {
        buf[j++] = s[i++];
        for (; i < len && isdigit((unsigned char)s[i]); i++) {
            buf[j++] = s[i];
            digits = true;
        }
    }
    if (!digits) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        buf[j++] = s[i++];
        if (i < len && (s[i] == '+' || s[i] == '-')) buf[j++] = s[i++];
        bool exp_digits = false;
        for (; i < len && isdigit((unsigned char)s[i]); i++) {
            buf[j++] = s[i];
            exp_digits = true;
        }
        if (!exp_digits) return false;
    }
    if (i != len) return false;
    buf[j] = '\0';
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (*end || !isfinite(v)) return false;
    /* strtod sets ERANGE on underflow too; a tiny value is still a number. */
    *out = v;
    return true;
}

/* Splits "  12.5 trucks/d " into number text and unit text (both trimmed). */
static void split_quantity(const char *s, size_t len, size_t *num_len, const char **unit,
                           size_t *unit_len)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == '_')) i++;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        /* An exponent only if digits follow; "3 d" must not lose its unit. */
        size_t k = i + 1;
        if (k < len && (s[k] == '+' || s[k] == '-')) k++;
        if (k < len && isdigit((unsigned char)s[k])) {
            i = k;
            while (i < len && isdigit((unsigned char)s[i])) i++;
        }
    }
    *num_len = i;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t e = len;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    *unit = s + i;
    *unit_len = e - i;
}

/* The factor of a rate unit such as "trucks/d", "/week", "t/d" (mass rates), or 0. */
static double rate_factor(const char *u, size_t len, bool mass)
{
    const char *slash = memchr(u, '/', len);
    if (!slash) return 0;
    size_t before = (size_t)(slash - u);
    while (before > 0 && (u[before - 1] == ' ' || u[before - 1] == '\t')) before--;
    const char *t = slash + 1;
    size_t tl = len - (size_t)(t - u);
    while (tl > 0 && (*t == ' ' || *t == '\t')) {
        t++;
        tl--;
    }
    double per = lookup(per_time, t, tl);
    if (per == 0) return 0;
    double num;
    if (mass) {
        num = lookup(masses, u, before);
        if (num == 0) return 0;
    } else {
        bool ok = false;
        for (const char *const *c = counted; *c; c++)
            if (strlen(*c) == before && !memcmp(*c, u, before)) ok = true;
        if (!ok) return 0;
        num = 1;
    }
    return num / per;
}

double units_factor(unit_kind k, const char *unit)
{
    size_t len = strlen(unit);
    switch (k) {
    case UNIT_DURATION: return lookup(durations, unit, len);
    case UNIT_MASS: return lookup(masses, unit, len);
    case UNIT_RATE: return rate_factor(unit, len, false);
    case UNIT_MASS_RATE: return rate_factor(unit, len, true);
    case UNIT_FRACTION: return len == 1 && unit[0] == '%' ? 0.01 : 0;
    default: return 0;
    }
}

/* What kind a misplaced unit is, to say "'kg' is a mass". */
static const char *kind_of_unit(const char *u, size_t len)
{
    if (lookup(durations, u, len)) return kinds[UNIT_DURATION].name;
    if (lookup(masses, u, len)) return kinds[UNIT_MASS].name;
    if (rate_factor(u, len, true)) return kinds[UNIT_MASS_RATE].name;
    if (rate_factor(u, len, false)) return kinds[UNIT_RATE].name;
    if (len == 1 && u[0] == '%') return "a percentage";
    return NULL;
}

bool units_quantity(const char *s, size_t len, unit_kind k, const char *default_unit,
                    double *out, char *msg, size_t msg_size)
{
    size_t num_len, unit_len;
    const char *unit;
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    split_quantity(s, len, &num_len, &unit, &unit_len);
    double v;
    if (k >= UNIT_KIND_COUNT_) k = UNIT_NONE;
    if (!units_number(s, num_len, &v)) {
        if (k == UNIT_NONE)
            snprintf(msg, msg_size, "expected a number");
        else
            snprintf(msg, msg_size, "expected %s such as %s", kinds[k].name, kinds[k].example);
        return false;
    }
    double f;
    if (unit_len == 0) {
        f = default_unit ? units_factor(k, default_unit) : 1;
    } else {
        char u[64];
        if (unit_len >= sizeof u) unit_len = sizeof u - 1;
        memcpy(u, unit, unit_len);
        u[unit_len] = '\0';
        f = k == UNIT_NONE ? 0 : units_factor(k, u);
        if (f == 0) {
            const char *other = kind_of_unit(unit, unit_len);
            if (k == UNIT_NONE)
                snprintf(msg, msg_size, "expected a plain number without a unit");
            else if (other)
                snprintf(msg, msg_size, "'%s' is a unit of %s; expected %s (%s)", u,
                         other + (other[0] == 'a' && other[1] == ' ' ? 2 : 0), kinds[k].name,
                         kinds[k].units);
            else
                snprintf(msg, msg_size, "unknown unit '%s'; expected %s (%s)", u,
                         kinds[k].name, kinds[k].units);
            return false;
        }
    }
    double r = v * f;
    /* Divide by 1000 rather than multiply by 0.001: 0.98 kg gives the closest double. */
    if (f == 0.001) r = v / 1000;
    if (!isfinite(r)) {
        snprintf(msg, msg_size, "the value is too large");
        return false;
    }
    *out = r;
    return true;
}

/* ---- calendar --------------------------------------------------------------------------- */

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

bool units_date(const char *s, size_t len, int *y, int *m, int *d, char *msg, size_t msg_size)
{
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, y) || !digits(s + 5, 2, m) ||
        !digits(s + 8, 2, d)) {
        snprintf(msg, msg_size, "expected a date written YYYY-MM-DD");
        return false;
    }
    if (*y < 1900 || *y > 2199) {
        snprintf(msg, msg_size, "the year %d is outside 1900-2199", *y);
        return false;
    }
    if (*m < 1 || *m > 12) {
        snprintf(msg, msg_size, "there is no month %d", *m);
        return false;
    }
    if (*d < 1 || *d > days_in_month(*y, *m)) {
        snprintf(msg, msg_size, "%04d-%02d has no day %d", *y, *m, *d);
        return false;
    }
    return true;
}

bool units_time_of_day(const char *s, size_t len, int *minutes)
{
    int h, m;
    if (len == 4 && s[1] == ':') {
        if (!digits(s, 1, &h) || !digits(s + 2, 2, &m)) return false;
    } else if (len == 5 && s[2] == ':') {
        if (!digits(s, 2, &h) || !digits(s + 3, 2, &m)) return false;
    } else {
        return false;
    }
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
    *minutes = h * 60 + m;
    return true;
}

bool units_datetime(const char *s, size_t len, int *y, int *m, int *d, int *minute, char *msg,
                    size_t msg_size)
{
    size_t i = 10;
    if (len < 11 || (s[10] != ' ' && s[10] != 'T')) {
        snprintf(msg, msg_size, "expected a date and time written YYYY-MM-DD HH:MM");
        return false;
    }
    if (!units_date(s, 10, y, m, d, msg, msg_size)) return false;
    while (i < len && (s[i] == ' ' || s[i] == 'T')) i++;
    if (!units_time_of_day(s + i, len - i, minute) || *minute == 1440) {
        snprintf(msg, msg_size, "expected a time of day HH:MM (00:00 to 23:59) after the date");
        return false;
    }
    return true;
}

bool units_time_window(const char *s, size_t len, int *open, int *close, char *msg,
                       size_t msg_size)
{
    const char *dash = memchr(s, '-', len);
    if (!dash) {
        snprintf(msg, msg_size, "expected hours written HH:MM-HH:MM");
        return false;
    }
    size_t a = (size_t)(dash - s), b0 = a + 1, b1 = len;
    while (a > 0 && s[a - 1] == ' ') a--;
    while (b0 < len && s[b0] == ' ') b0++;
    while (b1 > b0 && s[b1 - 1] == ' ') b1--;
    size_t a0 = 0;
    while (a0 < a && s[a0] == ' ') a0++;
    if (!units_time_of_day(s + a0, a - a0, open) || !units_time_of_day(s + b0, b1 - b0, close)) {
        snprintf(msg, msg_size, "expected hours written HH:MM-HH:MM with times from 00:00 to "
                 "24:00");
        return false;
    }
    if (*open == *close) {
        snprintf(msg, msg_size, "the hours open and close at the same time");
        return false;
    }
    if (*open == 1440) {
        snprintf(msg, msg_size, "the hours cannot open at 24:00");
        return false;
    }
    return true;
}

static const char *const day_short[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_long[7] = {"monday", "tuesday", "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};

const char *units_weekday_name(int d) { return d >= 0 && d < 7 ? day_short[d] : "?"; }

static int day_index(const char *s, size_t len)
{
    char low[16];
    if (len == 0 || len >= sizeof low) return -1;
    for (size_t i = 0; i < len; i++) low[i] = (char)tolower((unsigned char)s[i]);
    for (int d = 0; d < 7; d++)
        if ((len == 3 && !memcmp(low, day_short[d], 3)) ||
            (len == strlen(day_long[d]) && !memcmp(low, day_long[d], len)))
            return d;
    return -1;
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) (*len)--;
}

bool units_weekdays(const char *s, size_t len, bool days[7], char *msg, size_t msg_size)
{
    for (int d = 0; d < 7; d++) days[d] = false;
    size_t i = 0;
    bool any = false;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != ',') j++;
        const char *part = s + i;
        size_t plen = j - i;
        trim(&part, &plen);
        const char *dash = memchr(part, '-', plen);
        int a, b;
        if (dash) {
            const char *p1 = part, *p2 = dash + 1;
            size_t l1 = (size_t)(dash - part), l2 = plen - l1 - 1;
            trim(&p1, &l1);
            trim(&p2, &l2);
            a = day_index(p1, l1);
            b = day_index(p2, l2);
        } else {
            a = b = day_index(part, plen);
        }
        if (a < 0 || b < 0) {
            snprintf(msg, msg_size, "expected weekdays such as 'mon', 'sun-thu' or 'mon, wed' "
                     "(mon tue wed thu fri sat sun)");
            return false;
        }
        /* Ranges wrap: 'sun-thu' is the working week of many places. */
        for (int d = a;; d = (d + 1) % 7) {
            days[d] = true;
            if (d == b) break;
        }
        any = true;
        i = j + 1;
    }
    return any;
}
