/* End-to-end times of trucks (times.h). Each entry and delivery of the day is kept with its
 * cell (the hub its route leads to, and its category); at midnight the day's list is sorted
 * by cell and time, each cell's mean and nearest-rank 95th percentile are written to the
 * daily rows of the regions the hub serves, and the times join the horizon's lists, which
 * are sorted once at the end. Memory: two doubles per truck that entered or was delivered in
 * the horizon. */
#include <math.h>
#include <stdlib.h>

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
};

af_status times_init(model *m)
{
    m->times = calloc(1, sizeof *m->times);
    return m->times ? AF_OK : AF_NOMEM;
}

void times_destroy(model *m)
{
    if (!m->times) return;
    for (int k = 0; k < 2; k++) {
        free(m->times->today[k].v);
        free(m->times->horizon[k].v);
    }
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

static int by_cell_then_time(const void *pa, const void *pb)
{
    const obs *a = pa, *b = pb;
    if (a->cell != b->cell) return a->cell < b->cell ? -1 : 1;
    return (a->minutes > b->minutes) - (a->minutes < b->minutes);
}

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

double times_percentile(const double *sorted, size_t n, unsigned p)
{
    if (n == 0) return NAN;
    size_t rank = (p * n + 99) / 100; /* ceil(p n / 100), in integers: no rounding */
    if (rank < 1) rank = 1;
    return sorted[rank - 1];
}

static bool append(dbl_list *l, double x)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        double *v = realloc(l->v, cap * sizeof *v);
        if (!v) return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
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
        if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, by_cell_then_time);
        size_t first = tl->horizon[k].n;
        for (size_t i = 0; i < l->n; i++)
            if (!append(&tl->horizon[k], l->v[i].minutes)) {
                model_fail(m);
                return;
            }
        /* The day's times are in the horizon list, grouped by cell and sorted within it. */
        const double *v = tl->horizon[k].v + first;
        for (size_t i = 0; m->res->daily && i < l->n;) {
            size_t j = i;
            double sum = 0;
            while (j < l->n && l->v[j].cell == l->v[i].cell) sum += v[j++];
            size_t n = j - i;
            write_cell(m, day, l->v[i].cell, k, sum / (double)n / 60,
                       times_percentile(v + i, n, 95) / 60);
            i = j;
        }
        l->n = 0;
    }
}

void times_horizon(model *m, bool delivery, double *mean_h, double *p95_h)
{
    dbl_list *l = &m->times->horizon[delivery ? 1 : 0];
    if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, by_value);
    double sum = 0;
    for (size_t i = 0; i < l->n; i++) sum += l->v[i];
    *mean_h = l->n ? sum / (double)l->n / 60 : NAN;
    *p95_h = times_percentile(l->v, l->n, 95) / 60;
}
