/* End-to-end times of trucks (times.h). Each entry and delivery of the day is kept with its
 * cell (the hub its route leads to, and its category); at midnight the day's list is grouped
 * by cell and sorted by time within each cell, each cell's mean and nearest-rank 95th
 * percentile are written to the daily rows of the regions the hub serves, and the times join
 * the horizon's lists, which are sorted once at the end. Memory: two doubles per truck that
 * entered or was delivered in the horizon (and as many again while the horizon's lists are
 * sorted).
 *
 * Sorting. A mean is summed in ascending order of the times, as it always was, so that its
 * bits do not depend on the order the trucks arrived in; the order is made by a radix sort
 * of the doubles' bits (times are never negative or NaN, but the key is made monotone for
 * every double), by insertion for short runs. Equal doubles are indistinguishable, so any
 * correct sort gives the same sequence, and the same sums, as the comparison sort did. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/times.h"

typedef struct obs {
    size_t cell;    /* hub * n_categories + category */
    double minutes; /* since first dispatch */
} obs;

typedef struct obs_list {
    obs *v;
    size_t n, cap;
} obs_list;

typedef struct dbl_list {
    double *v;
    size_t n, cap;
} dbl_list;

struct times_log {
    obs_list today[2];   /* [0] entries, [1] deliveries */
    dbl_list horizon[2];
    size_t n_cells;      /* hubs * categories */
    size_t *cell_start;  /* [n_cells + 1]: scratch of the day's grouping by cell */
};

af_status times_init(model *m)
{
    m->times = calloc(1, sizeof *m->times);
    if (!m->times) return AF_NOMEM;
    m->times->n_cells = m->scn->n_hubs * m->scn->n_categories;
    m->times->cell_start = calloc(m->times->n_cells + 1, sizeof *m->times->cell_start);
    return m->times->cell_start ? AF_OK : AF_NOMEM;
}

void times_destroy(model *m)
{
    if (!m->times) return;
    for (int k = 0; k < 2; k++) {
        free(m->times->today[k].v);
        free(m->times->horizon[k].v);
    }
    free(m->times->cell_start);
    free(m->times);
    m->times = NULL;
}

static void note(model *m, const truck *t, int k)
{
    obs_list *l = &m->times->today[k];
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        obs *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            model_fail(m);
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    size_t hub = m->scn->routes[t->route].hub;
    l->v[l->n++] = (obs){hub * m->scn->n_categories + t->category,
                         af_sim_now(m->sim) - t->dispatched_at};
}

void times_entered(model *m, const truck *t) { note(m, t, 0); }
void times_delivered(model *m, const truck *t) { note(m, t, 1); }

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The bits of x as an unsigned key in the order of the doubles (NaN aside): negative
 * numbers have every bit flipped, the others their sign bit set. */
static uint64_t key_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

static double double_of(uint64_t k)
{
    uint64_t u = k >> 63 ? k & ~((uint64_t)1 << 63) : ~k;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static void insertion_sort(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Sorts v[0..n) ascending by merging, with tmp[0..n) as scratch: runs of up to 16 by
 * insertion. */
static void merge_sort(double *v, double *tmp, size_t n)
{
    if (n <= 16) {
        insertion_sort(v, n);
        return;
    }
    size_t h = n / 2;
    merge_sort(v, tmp, h);
    merge_sort(v + h, tmp, n - h);
    if (!(v[h] < v[h - 1])) return; /* already in order */
    memcpy(tmp, v, h * sizeof *v);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) v[k++] = v[j] < tmp[i] ? v[j++] : tmp[i++];
    while (i < h) v[k++] = tmp[i++];
}

/* Sorts v[0..n) ascending: by merging below 1024 values (a day's cell), else by a
 * least significant digit first radix sort of the keys, skipping the digits every key
 * shares; by qsort when the scratch space cannot be had. */
void times_sort(double *v, size_t n)
{
    if (n < 1024) {
        double tmp[512];
        merge_sort(v, tmp, n);
        return;
    }
    /* Digits of 11 bits (the last of 9): six passes at most, the sign and the top of the
     * exponent, alike in every time, usually skipped. Counts in 32 bits. */
    enum { BITS = 11, DIGITS = 6, RADIX = 1 << BITS };
    uint64_t *a = n < UINT32_MAX ? malloc(2 * n * sizeof *a) : NULL;
    uint32_t *count = calloc((size_t)DIGITS * RADIX, sizeof *count);
    if (!a || !count) {
        free(a);
        free(count);
        qsort(v, n, sizeof *v, by_value);
        return;
    }
    uint64_t *b = a + n;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key_of(v[i]);
        a[i] = k;
        for (int d = 0; d < DIGITS; d++) count[d * RADIX + ((k >> (BITS * d)) & (RADIX - 1))]++;
    }
    for (int d = 0; d < DIGITS; d++) {
        uint32_t *c = count + d * RADIX;
        int shift = BITS * d;
        if (c[(a[0] >> shift) & (RADIX - 1)] == n) continue; /* every key has this digit */
        uint32_t sum = 0;
        for (int x = 0; x < RADIX; x++) {
            uint32_t here = c[x];
            c[x] = sum;
            sum += here;
        }
        for (size_t i = 0; i < n; i++) b[c[(a[i] >> shift) & (RADIX - 1)]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++) v[i] = double_of(a[i]);
    free(a < b ? a : b);
    free(count);
}

double times_percentile(const double *sorted, size_t n, unsigned p)
{
    if (n == 0) return NAN;
    size_t rank = (p * n + 99) / 100; /* ceil(p n / 100), in integers: no rounding */
    if (rank < 1) rank = 1;
    return sorted[rank - 1];
}

/* Room for `more` values after the n in l. */
static bool reserve(dbl_list *l, size_t more)
{
    if (l->n + more <= l->cap) return true;
    size_t cap = l->cap ? 2 * l->cap : 1024;
    while (cap < l->n + more) cap *= 2;
    double *v = realloc(l->v, cap * sizeof *v);
    if (!v) return false;
    l->v = v;
    l->cap = cap;
    return true;
}

/* Writes the mean and p95 (hours) of one hub cell into the daily rows of its regions. */
static void write_cell(model *m, int day, size_t cell, int k, double mean_h, double p95_h)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories, hub = cell / nc, c = cell % nc;
    for (size_t g = 0; g < s->n_regions; g++) {
        if (s->regions[g].hub != hub) continue;
        af_daily_cell *x = &m->res->daily[((size_t)day * s->n_regions + g) * nc + c];
        if (k == 0) {
            x->entry_time_mean_h = mean_h;
            x->entry_time_p95_h = p95_h;
        } else {
            x->delivery_time_mean_h = mean_h;
            x->delivery_time_p95_h = p95_h;
        }
    }
}

void times_close_day(model *m, int day)
{
    struct times_log *tl = m->times;
    const af_scenario *s = m->scn;
    size_t cells = (size_t)s->n_regions * s->n_categories;
    for (int k = 0; k < 2; k++) {
        obs_list *l = &tl->today[k];
        if (day < 0) {
            l->n = 0;
            continue;
        }
        if (m->res->daily) {
            af_daily_cell *row = &m->res->daily[(size_t)day * cells];
            for (size_t i = 0; i < cells; i++) {
                if (k == 0) row[i].entry_time_mean_h = row[i].entry_time_p95_h = NAN;
                else row[i].delivery_time_mean_h = row[i].delivery_time_p95_h = NAN;
            }
        }
        /* The day's times go into the horizon list grouped by cell (a counting sort, in
         * the order of the cells), then each cell's run is sorted. */
        dbl_list *h = &tl->horizon[k];
        size_t first = h->n;
        if (!reserve(h, l->n)) {
            model_fail(m);
            return;
        }
        size_t *start = tl->cell_start;
        memset(start, 0, (tl->n_cells + 1) * sizeof *start);
        for (size_t i = 0; i < l->n; i++) start[l->v[i].cell + 1]++;
        for (size_t c = 0; c < tl->n_cells; c++) start[c + 1] += start[c];
        double *v = h->v + first;
        for (size_t i = 0; i < l->n; i++) v[start[l->v[i].cell]++] = l->v[i].minutes;
        h->n += l->n;
        /* start[c] is now the end of cell c's run. */
        for (size_t c = 0, i = 0; c < tl->n_cells; c++) {
            size_t j = start[c], n = j - i;
            if (n == 0) continue;
            times_sort(v + i, n);
            double sum = 0;
            for (size_t q = i; q < j; q++) sum += v[q];
            if (m->res->daily)
                write_cell(m, day, c, k, sum / (double)n / 60, times_percentile(v + i, n, 95) / 60);
            i = j;
        }
        l->n = 0;
    }
}

void times_horizon(model *m, bool delivery, double *mean_h, double *p95_h)
{
    dbl_list *l = &m->times->horizon[delivery ? 1 : 0];
    times_sort(l->v, l->n);
    double sum = 0;
    for (size_t i = 0; i < l->n; i++) sum += l->v[i];
    *mean_h = l->n ? sum / (double)l->n / 60 : NAN;
    *p95_h = times_percentile(l->v, l->n, 95) / 60;
}
