/* End-to-end times of trucks (times.h). Each entry and delivery is kept as it happens, with
 * its cell (the hub its route leads to, and its category), in blocks that are never moved;
 * at midnight the day's times are tagged with their reported day (a warm-up day's are
 * dropped). When the run ends (times_finish) every time of the horizon is sorted once, with
 * its tag: the sorted list gives the horizon's mean and 95th percentile, and a stable pass by
 * tag splits it into each day's and cell's times, already in order, for the daily rows of
 * the regions the hub serves. Memory: 12 bytes per truck that entered or was delivered in
 * the horizon, and about 32 each instead while they are sorted.
 *
 * Sorting. A mean is summed in ascending order of the times, as it always was, so that its
 * bits do not depend on the order the trucks arrived in. A time is kept as the bits of its
 * double, which order doubles that are not negative as unsigned integers do (times never
 * are, but any negative double is made a key in the order of the doubles before sorting and
 * back after). The keys are sorted by their most significant digits first: about n / 16
 * coarse buckets over the range the keys span, each split into about as many fine buckets
 * as it holds keys, one pass counting and one distributing into them, then one pass of
 * insertion over the whole list, which only ever moves a key within its fine bucket (a fine
 * bucket holding many keys is sorted again the same way first). Equal doubles are
 * indistinguishable, so any correct sort gives the same sequence, and the same sums, as the
 * comparison sort and then the radix sort before it did. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/calendar_impl.h"
#include "model/times.h"

enum { BLOCK_BITS = 12, BLOCK = 1 << BLOCK_BITS }; /* times a block */

typedef struct time_block {
    uint64_t key[BLOCK]; /* bits_of(minutes since first dispatch) */
    uint32_t tag[BLOCK]; /* cell (hub * n_categories + category) until the day closes, then
                          * day * n_cells + cell; unused without the daily table */
} time_block;

/* One kind of time (entries or deliveries) over the run: time i is in blocks[i / BLOCK]. */
typedef struct time_list {
    time_block **blocks;
    size_t n_blocks, blocks_cap;
    size_t n;
    size_t closed;        /* times [0, closed) are of reported days, tagged */
    double mean_h, p95_h; /* over the horizon, once finished */
} time_list;

struct times_log {
    time_list l[2]; /* [0] entries, [1] deliveries */
    size_t n_cells; /* hubs * categories */
    int days;       /* reported days closed */
};

af_status times_init(model *m)
{
    m->times = calloc(1, sizeof *m->times);
    if (!m->times) return AF_NOMEM;
    m->times->n_cells = m->scn->n_hubs * m->scn->n_categories;
    for (int k = 0; k < 2; k++) m->times->l[k].mean_h = m->times->l[k].p95_h = NAN;
    return AF_OK;
}

static void free_blocks(time_list *l)
{
    for (size_t b = 0; b < l->n_blocks; b++) free(l->blocks[b]);
    free(l->blocks);
    l->blocks = NULL;
    l->n_blocks = l->blocks_cap = 0;
}

void times_destroy(model *m)
{
    if (!m->times) return;
    for (int k = 0; k < 2; k++) free_blocks(&m->times->l[k]);
    free(m->times);
    m->times = NULL;
}

/* A time is kept as the bits of its double: for doubles that are not negative (nor -0), in
 * the order of the doubles as unsigned integers. */
static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double double_of(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The bits of a double made into a key in the order of every double (NaN aside), and
 * back: negative numbers have every bit flipped, the others their sign bit set. */
static uint64_t key_of(uint64_t u) { return u >> 63 ? ~u : u | (uint64_t)1 << 63; }
static uint64_t bits_of_key(uint64_t k) { return k >> 63 ? k & ~((uint64_t)1 << 63) : ~k; }

/* One more block in l; false, the run failed, when it cannot be had. Out of the way of
 * note's usual path. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static bool grow(model *m, time_list *l)
{
    if (l->n_blocks == l->blocks_cap) {
        size_t cap = l->blocks_cap ? 2 * l->blocks_cap : 16;
        time_block **b = realloc(l->blocks, cap * sizeof *b);
        if (!b) {
            model_fail(m);
            return false;
        }
        l->blocks = b;
        l->blocks_cap = cap;
    }
    time_block *b = malloc(sizeof *b);
    if (!b) {
        model_fail(m);
        return false;
    }
    l->blocks[l->n_blocks++] = b;
    return true;
}

static inline __attribute__((always_inline)) void note(model *m, const truck *t, int k)
{
    time_list *l = &m->times->l[k];
    size_t b = l->n >> BLOCK_BITS, i = l->n & (BLOCK - 1);
    if (b == l->n_blocks && !grow(m, l)) return;
    time_block *blk = l->blocks[b];
    blk->key[i] = bits_of(af_sim_clock(m->sim) - t->dispatched_at);
    blk->tag[i] = (uint32_t)(m->scn->routes[t->route].hub * m->scn->n_categories + t->category);
    l->n++;
}

void times_entered(model *m, const truck *t) { note(m, t, 0); }
void times_delivered(model *m, const truck *t) { note(m, t, 1); }

void times_close_day(model *m, int day)
{
    struct times_log *tl = m->times;
    if (day >= 0 && (size_t)(day + 1) * tl->n_cells > UINT32_MAX) { /* tags in 32 bits */
        model_fail(m);
        return;
    }
    for (int k = 0; k < 2; k++) {
        time_list *l = &tl->l[k];
        if (day < 0) {
            l->n = l->closed;
            continue;
        }
        uint32_t first = (uint32_t)((size_t)day * tl->n_cells);
        for (size_t i = l->closed; i < l->n;) {
            uint32_t *tag = l->blocks[i >> BLOCK_BITS]->tag;
            size_t j = i & (BLOCK - 1), stop = BLOCK - j < l->n - i ? BLOCK : j + (l->n - i);
            for (size_t q = j; q < stop; q++) tag[q] += first;
            i += stop - j;
        }
        l->closed = l->n;
    }
    if (day >= 0) tl->days = day + 1;
}

/* Sorts a[0..n) ascending by insertion, the tags (when any) with their keys: in n steps
 * and the moves, which are few where each key is near its place. Stops, false, once more
 * than `budget` moves were made: a[0..n) then holds the same keys, each no further from
 * the keys below it. */
static bool insertion_sort(uint64_t *a, uint32_t *at, size_t n, size_t budget)
{
    size_t moves = 0;
    for (size_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        if (!(x < a[i - 1])) continue;
        size_t j = i;
        if (at) {
            uint32_t xt = at[i];
            do {
                a[j] = a[j - 1];
                at[j] = at[j - 1];
                j--;
            } while (j > 0 && a[j - 1] > x);
            at[j] = xt;
        } else {
            do {
                a[j] = a[j - 1];
                j--;
            } while (j > 0 && a[j - 1] > x);
        }
        a[j] = x;
        moves += i - j;
        if (moves > budget) return false;
    }
    return true;
}

enum { SMALL = 32 }; /* lists up to this long are sorted by insertion */

/* Sorts the keys src[0..n) (tags st, or NULL), lo the least and hi the greatest, ascending
 * into dst (tags dt): src is scratch after. By the most significant digits, as above; false
 * when the counts cannot be had. */
static bool sort_keys(uint64_t *src, uint32_t *st, uint64_t *dst, uint32_t *dt, size_t n,
                      uint64_t lo, uint64_t hi)
{
    if (n <= SMALL || lo == hi) { /* short, or all equal */
        memcpy(dst, src, n * sizeof *dst);
        if (st) memcpy(dt, st, n * sizeof *dt);
        if (lo != hi) insertion_sort(dst, dt, n, SIZE_MAX);
        return true;
    }
    if (n >= UINT32_MAX) return false; /* counts in 32 bits */
    /* Two levels of buckets over [lo, hi]: about n / 16 coarse ones of 2^cs keys each, then
     * within each coarse bucket holding m keys, the largest power of two not above m fine
     * ones of 2^fine_shift[c] keys: about one key a fine bucket where the keys crowd as
     * where they are sparse. */
    unsigned want = 0, span = 0;
    while (((size_t)2 << want) <= n) want++; /* 2^want <= n */
    for (uint64_t r = hi - lo; r; r >>= 1) span++;
    unsigned cbits = want > 4 ? want - 4 : 0;
    if (cbits > span) cbits = span;
    unsigned cs = span - cbits;
    uint64_t cmask = cs ? ((uint64_t)1 << cs) - 1 : 0;
    size_t nc = (size_t)((hi - lo) >> cs) + 1;
    uint32_t *coarse = calloc(2 * nc + 1, sizeof *coarse); /* counts, then first fine bucket */
    unsigned char *fine_shift = malloc(nc + 1);
    uint32_t *fine = malloc(n * sizeof *fine);
    uint32_t *end = NULL;
    bool ok = coarse && fine_shift && fine;
    size_t nf = 0;
    if (ok) {
        uint32_t *base = coarse + nc;
        for (size_t i = 0; i < n; i++) coarse[(src[i] - lo) >> cs]++;
        for (size_t c = 0; c < nc; c++) {
            unsigned fb = 0;
            while (((size_t)2 << fb) <= coarse[c]) fb++;
            if (fb > cs) fb = cs;
            fine_shift[c] = (unsigned char)(cs - fb);
            base[c] = (uint32_t)nf;
            nf += coarse[c] ? (size_t)1 << fb : 0;
        }
        end = calloc(nf + 1, sizeof *end);
        ok = end != NULL;
        if (ok)
            for (size_t i = 0; i < n; i++) {
                uint64_t d = src[i] - lo;
                size_t c = (size_t)(d >> cs);
                uint32_t f = base[c] + (uint32_t)((d & cmask) >> fine_shift[c]);
                fine[i] = f;
                end[f + 1]++;
            }
    }
    if (ok) {
        for (size_t b = 0; b < nf; b++) end[b + 1] += end[b];
        /* end[b] is the start of fine bucket b; after distributing, its end. */
        if (st) {
            for (size_t i = 0; i < n; i++) {
                uint32_t j = end[fine[i]]++;
                dst[j] = src[i];
                dt[j] = st[i];
            }
        } else {
            for (size_t i = 0; i < n; i++) dst[end[fine[i]]++] = src[i];
        }
        /* Every key of a fine bucket is below every key of the next, so one insertion pass
         * over the whole list sorts it, in about n steps while the buckets hold a few keys
         * each. Past 8 moves a key, the buckets holding many are sorted again first. */
        if (!insertion_sort(dst, dt, n, 8 * n)) {
            for (size_t b = 0, i = 0; b < nf && ok; b++) {
                size_t j = end[b];
                if (j - i > SMALL) {
                    /* Many keys in one bucket: again, over the bucket's own range. */
                    uint64_t blo = dst[i], bhi = dst[i];
                    for (size_t q = i + 1; q < j; q++) {
                        if (dst[q] < blo) blo = dst[q];
                        if (dst[q] > bhi) bhi = dst[q];
                    }
                    memcpy(src + i, dst + i, (j - i) * sizeof *src);
                    if (st) memcpy(st + i, dt + i, (j - i) * sizeof *st);
                    ok = sort_keys(src + i, st ? st + i : NULL, dst + i, dt ? dt + i : NULL, j - i, blo, bhi);
                }
                i = j;
            }
            if (ok) insertion_sort(dst, dt, n, SIZE_MAX);
        }
    }
    free(end);
    free(fine);
    free(coarse);
    free(fine_shift);
    return ok;
}

/* Sorts the times src[0..n) (bits_of, tags st or NULL) ascending into dst (tags dt), src
 * scratch after, given the OR of their bits and the least and greatest: as they are when
 * none is negative, else made keys and back. */
static bool sort_times(uint64_t *src, uint32_t *st, uint64_t *dst, uint32_t *dt, size_t n,
                       uint64_t any, uint64_t lo, uint64_t hi)
{
    if (n == 0) return true;
    if (!(any >> 63)) return sort_keys(src, st, dst, dt, n, lo, hi);
    lo = hi = key_of(src[0]);
    for (size_t i = 0; i < n; i++) {
        src[i] = key_of(src[i]);
        if (src[i] < lo) lo = src[i];
        if (src[i] > hi) hi = src[i];
    }
    bool ok = sort_keys(src, st, dst, dt, n, lo, hi);
    for (size_t i = 0; i < n; i++) dst[i] = bits_of_key(dst[i]);
    return ok;
}

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

void times_sort(double *v, size_t n)
{
    uint64_t *a = malloc((2 * n + 1) * sizeof *a);
    if (!a) {
        qsort(v, n, sizeof *v, by_value);
        return;
    }
    uint64_t *b = a + n, any = 0, lo = n ? bits_of(v[0]) : 0, hi = lo;
    for (size_t i = 0; i < n; i++) {
        a[i] = bits_of(v[i]);
        any |= a[i];
        if (a[i] < lo) lo = a[i];
        if (a[i] > hi) hi = a[i];
    }
    if (!sort_times(a, NULL, b, NULL, n, any, lo, hi)) {
        free(a);
        qsort(v, n, sizeof *v, by_value);
        return;
    }
    for (size_t i = 0; i < n; i++) v[i] = double_of(b[i]);
    free(a);
}

/* The nearest rank of the p-th percentile of n > 0 values: ceil(p n / 100), in integers
 * (no rounding), at least 1. */
static size_t rank_of(size_t n, unsigned p)
{
    size_t rank = (p * n + 99) / 100;
    return rank < 1 ? 1 : rank;
}

double times_percentile(const double *sorted, size_t n, unsigned p)
{
    return n == 0 ? NAN : sorted[rank_of(n, p) - 1];
}

/* The same on the bits of the doubles. */
static double key_percentile(const uint64_t *sorted, size_t n, unsigned p)
{
    return n == 0 ? NAN : double_of(sorted[rank_of(n, p) - 1]);
}

/* The mean of the n sorted times, summed in their order, and their p95, in hours. */
static void mean_p95(const uint64_t *sorted, size_t n, double *mean_h, double *p95_h)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += double_of(sorted[i]);
    *mean_h = n ? sum / (double)n / 60 : NAN;
    *p95_h = key_percentile(sorted, n, 95) / 60;
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

/* One kind: sorts its times, and writes the horizon's figures and the daily rows. */
static bool finish(model *m, int k)
{
    struct times_log *tl = m->times;
    time_list *l = &tl->l[k];
    size_t n = l->closed;
    bool daily = m->res->daily != NULL;
    if (daily) {
        size_t cells = (size_t)tl->days * m->scn->n_regions * m->scn->n_categories;
        for (size_t i = 0; i < cells; i++) {
            af_daily_cell *x = &m->res->daily[i];
            if (k == 0) x->entry_time_mean_h = x->entry_time_p95_h = NAN;
            else x->delivery_time_mean_h = x->delivery_time_p95_h = NAN;
        }
    }
    if (n == 0) return true;
    /* The times out of their blocks, each block freed once read. */
    uint64_t *key = malloc(2 * n * sizeof *key), *sorted = key ? key + n : NULL;
    uint32_t *tag = daily ? malloc(2 * n * sizeof *tag) : NULL, *stag = tag ? tag + n : NULL;
    if (!key || (daily && !tag)) {
        free(key);
        free(tag);
        return false;
    }
    uint64_t any = 0, lo = l->blocks[0]->key[0], hi = lo;
    for (size_t b = 0; b * BLOCK < n; b++) {
        size_t first = b * BLOCK, len = n - first < BLOCK ? n - first : BLOCK;
        const time_block *blk = l->blocks[b];
        for (size_t i = 0; i < len; i++) {
            uint64_t x = blk->key[i];
            key[first + i] = x;
            any |= x;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        if (daily)
            for (size_t i = 0; i < len; i++) tag[first + i] = blk->tag[i];
        free(l->blocks[b]);
        l->blocks[b] = NULL;
    }
    free_blocks(l);
    bool ok = sort_times(key, tag, sorted, stag, n, any, lo, hi);
    if (ok) mean_p95(sorted, n, &l->mean_h, &l->p95_h);
    if (ok && daily) {
        /* Stably by day and cell into key (scratch now): each run is in order. */
        size_t groups = (size_t)tl->days * tl->n_cells;
        size_t *end = calloc(groups + 1, sizeof *end);
        ok = end != NULL;
        if (ok) {
            for (size_t i = 0; i < n; i++) end[stag[i] + 1]++;
            for (size_t g = 0; g < groups; g++) end[g + 1] += end[g];
            for (size_t i = 0; i < n; i++) key[end[stag[i]]++] = sorted[i];
            for (size_t g = 0, i = 0; g < groups; g++) {
                size_t j = end[g];
                if (j > i) {
                    double mean_h, p95_h;
                    mean_p95(key + i, j - i, &mean_h, &p95_h);
                    write_cell(m, (int)(g / tl->n_cells), g % tl->n_cells, k, mean_h, p95_h);
                }
                i = j;
            }
        }
        free(end);
    }
    free(key);
    free(tag);
    return ok;
}

void times_finish(model *m)
{
    for (int k = 0; k < 2; k++)
        if (!finish(m, k)) model_fail(m);
}

void times_horizon(const model *m, bool delivery, double *mean_h, double *p95_h)
{
    const time_list *l = &m->times->l[delivery ? 1 : 0];
    *mean_h = l->mean_h;
    *p95_h = l->p95_h;
}
