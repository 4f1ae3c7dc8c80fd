/* Daily series across replications. See series.h. */
#include "report/series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rp_set_free(rp_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->s[i].cur);
        free(set->s[i].den);
        free(set->s[i].seen);
        free(set->s[i].acc);
        for (int d = 0; set->s[i].vals && d < set->s[i].n_days; d++) free(set->s[i].vals[d].x);
        free(set->s[i].vals);
    }
    free(set->s);
    free(set->slots);
    memset(set, 0, sizeof *set);
}

static size_t hash_key(uint64_t k, size_t n_slots)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)(k & (n_slots - 1));
}

static bool rehash(rp_set *set, size_t n_slots)
{
    size_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots) return false;
    for (size_t i = 0; i < set->n; i++) {
        size_t h = hash_key(set->s[i].key, n_slots);
        while (slots[h]) h = (h + 1) & (n_slots - 1);
        slots[h] = i + 1;
    }
    free(set->slots);
    set->slots = slots;
    set->n_slots = n_slots;
    return true;
}

static long find_index(const rp_set *set, uint64_t key)
{
    if (!set->n_slots) return -1;
    size_t h = hash_key(key, set->n_slots);
    while (set->slots[h]) {
        if (set->s[set->slots[h] - 1].key == key) return (long)(set->slots[h] - 1);
        h = (h + 1) & (set->n_slots - 1);
    }
    return -1;
}

const rp_series *rp_set_find(const rp_set *set, uint64_t key)
{
    long i = find_index(set, key);
    return i < 0 ? NULL : &set->s[i];
}

static bool grow_days(rp_series *s, int n_days)
{
    if (n_days <= s->n_days) return true;
    int cap = s->n_days ? s->n_days : 64;
    while (cap < n_days) cap *= 2;
    double *cur = realloc(s->cur, (size_t)cap * sizeof *cur);
    if (cur) s->cur = cur;
    unsigned char *seen = realloc(s->seen, (size_t)cap);
    if (seen) s->seen = seen;
    af_tally *acc = realloc(s->acc, (size_t)cap * sizeof *acc);
    if (acc) s->acc = acc;
    rp_values *vals = realloc(s->vals, (size_t)cap * sizeof *vals);
    if (vals) s->vals = vals;
    double *den = s->kind == RP_RATIO ? realloc(s->den, (size_t)cap * sizeof *den) : NULL;
    if (den) s->den = den;
    if (!cur || !seen || !acc || !vals || (s->kind == RP_RATIO && !den)) return false;
    size_t from = (size_t)s->n_days, add = (size_t)(cap - s->n_days);
    memset(s->cur + from, 0, add * sizeof *s->cur);
    memset(s->seen + from, 0, add);
    for (size_t i = from; i < from + add; i++) af_tally_reset(&s->acc[i]);
    memset(s->vals + from, 0, add * sizeof *s->vals);
    if (s->den) memset(s->den + from, 0, add * sizeof *s->den);
    s->n_days = cap;
    return true;
}

bool rp_set_add(rp_set *set, uint64_t key, rp_series_kind kind, int day, double x, double den)
{
    if (set->nomem) return false;
    if (day < 0 || isnan(x) || (kind == RP_RATIO && isnan(den))) return true;
    long i = find_index(set, key);
    if (i < 0) {
        if ((set->n + 1) * 2 > set->n_slots && !rehash(set, set->n_slots ? set->n_slots * 2 : 64)) {
            set->nomem = true;
            return false;
        }
        if (set->n == set->cap) {
            size_t cap = set->cap ? set->cap * 2 : 32;
            rp_series *s = realloc(set->s, cap * sizeof *s);
            if (!s) {
                set->nomem = true;
                return false;
            }
            set->s = s;
            set->cap = cap;
        }
        i = (long)set->n++;
        memset(&set->s[i], 0, sizeof set->s[i]);
        set->s[i].key = key;
        set->s[i].kind = kind;
        size_t h = hash_key(key, set->n_slots);
        while (set->slots[h]) h = (h + 1) & (set->n_slots - 1);
        set->slots[h] = (size_t)i + 1;
    }
    rp_series *s = &set->s[i];
    if (!grow_days(s, day + 1)) {
        set->nomem = true;
        return false;
    }
    if (day + 1 > set->n_days) set->n_days = day + 1;
    s->cur[day] += x;
    if (s->den) s->den[day] += den;
    s->seen[day] = 1;
    return true;
}

/* One replication's value of a day: into the running mean and the kept values. */
static bool keep(rp_series *s, int d, double v)
{
    af_tally_add(&s->acc[d], v);
    rp_values *w = &s->vals[d];
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        double *x = realloc(w->x, cap * sizeof *x);
        if (!x) return false;
        w->x = x;
        w->cap = cap;
    }
    w->x[w->n++] = v;
    return true;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorted on demand: the values of a day are sorted once, the first time a quantile is asked
 * (a later flush appends and the order is restored the next time). */
double rp_series_quantile(const rp_series *s, int day, double p)
{
    if (!s || day < 0 || day >= s->n_days || !s->vals || s->vals[day].n == 0) return NAN;
    rp_values *w = &s->vals[day];
    qsort(w->x, w->n, sizeof *w->x, cmp_double);
    double h = p * (double)(w->n - 1);
    size_t k = (size_t)floor(h);
    if (k + 1 >= w->n) return w->x[w->n - 1];
    return w->x[k] + (h - (double)k) * (w->x[k + 1] - w->x[k]);
}

bool rp_series_band(const rp_series *s, int day, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (!s || day < 0 || day >= s->n_days || !s->vals || s->vals[day].n < 2) return false;
    double a = rp_series_quantile(s, day, RP_BAND_LO), b = rp_series_quantile(s, day, RP_BAND_HI);
    const rp_values *w = &s->vals[day];
    if (w->x[0] == w->x[w->n - 1]) return false; /* no band on a constant */
    *lo = a;
    *hi = b;
    return true;
}

void rp_set_flush(rp_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        rp_series *s = &set->s[i];
        if (s->kind == RP_CUMULATIVE && !grow_days(s, set->n_days)) set->nomem = true;
        double run = 0;
        for (int d = 0; d < s->n_days; d++) {
            if (s->kind == RP_CUMULATIVE) {
                /* A day without rows adds nothing to the running total, but still has one. */
                run += s->cur[d];
                if (d < set->n_days && !keep(s, d, run)) set->nomem = true;
            } else if (s->seen[d]) {
                if (s->kind == RP_RATIO) {
                    if (s->den[d] > 0 && !keep(s, d, s->cur[d] / s->den[d])) set->nomem = true;
                } else if (!keep(s, d, s->cur[d])) {
                    set->nomem = true;
                }
            }
            s->cur[d] = 0;
            s->seen[d] = 0;
            if (s->den) s->den[d] = 0;
        }
    }
}
