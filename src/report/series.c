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
    double *den = s->kind == RP_RATIO ? realloc(s->den, (size_t)cap * sizeof *den) : NULL;
    if (den) s->den = den;
    if (!cur || !seen || !acc || (s->kind == RP_RATIO && !den)) return false;
    size_t from = (size_t)s->n_days, add = (size_t)(cap - s->n_days);
    memset(s->cur + from, 0, add * sizeof *s->cur);
    memset(s->seen + from, 0, add);
    for (size_t i = from; i < from + add; i++) af_tally_reset(&s->acc[i]);
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
                if (d < set->n_days) af_tally_add(&s->acc[d], run);
            } else if (s->seen[d]) {
                if (s->kind == RP_RATIO) {
                    if (s->den[d] > 0) af_tally_add(&s->acc[d], s->cur[d] / s->den[d]);
                } else {
                    af_tally_add(&s->acc[d], s->cur[d]);
                }
            }
            s->cur[d] = 0;
            s->seen[d] = 0;
            if (s->den) s->den[d] = 0;
        }
    }
}
