/* Shelf life at hubs (shelf_life.h has the contract). */
#include <stdlib.h>

#include "model/shelf_life.h"

static int life_of(const model *m, size_t c) { return m->scn->categories[c].shelf_life_days; }

static lot_fifo *lots_of(model *m, size_t hub, size_t c)
{
    return &m->lots[hub * m->scn->n_categories + c];
}

static lot *lot_at(lot_fifo *f, size_t i) { return &f->v[(f->head + i) % f->cap]; }

static bool push(lot_fifo *f, int day, double tonnes)
{
    if (f->len == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        lot *v = malloc(cap * sizeof *v);
        if (!v) return false;
        for (size_t i = 0; i < f->len; i++) v[i] = *lot_at(f, i);
        free(f->v);
        f->v = v;
        f->cap = cap;
        f->head = 0;
    }
    f->v[(f->head + f->len) % f->cap] = (lot){day, tonnes};
    f->len++;
    return true;
}

af_status shelf_life_build(model *m)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories;
    m->lots = calloc(s->n_hubs * nc + 1, sizeof *m->lots);
    if (!m->lots) return AF_NOMEM;
    for (size_t h = 0; h < s->n_hubs; h++)
        for (size_t c = 0; c < nc; c++) {
            double t = m->hub_stock[h * nc + c];
            if (life_of(m, c) > 0 && t > 0 && !push(lots_of(m, h, c), 0, t)) return AF_NOMEM;
        }
    return AF_OK;
}

void shelf_life_destroy(model *m)
{
    if (!m->lots) return;
    for (size_t i = 0; i < m->scn->n_hubs * m->scn->n_categories; i++) free(m->lots[i].v);
    free(m->lots);
    m->lots = NULL;
}

void shelf_life_add(model *m, size_t hub, size_t c, int day, double tonnes)
{
    if (life_of(m, c) <= 0 || tonnes <= 0) return;
    lot_fifo *f = lots_of(m, hub, c);
    if (f->len > 0 && lot_at(f, f->len - 1)->day == day) {
        lot_at(f, f->len - 1)->tonnes += tonnes;
        return;
    }
    if (!push(f, day, tonnes)) model_fail(m);
}

void shelf_life_take(model *m, size_t hub, size_t c, double tonnes)
{
    if (life_of(m, c) <= 0) return;
    lot_fifo *f = lots_of(m, hub, c);
    while (tonnes > 0 && f->len > 0) {
        lot *first = lot_at(f, 0);
        double t = first->tonnes < tonnes ? first->tonnes : tonnes;
        first->tonnes -= t;
        tonnes -= t;
        if (first->tonnes <= 1e-9) {
            /* Rounding: what is left of an emptied lot goes with the next take. */
            tonnes += first->tonnes;
            f->head = (f->head + 1) % f->cap;
            f->len--;
        }
    }
}

double shelf_life_expire(model *m, size_t hub, size_t c, int day)
{
    int life = life_of(m, c);
    if (life <= 0) return 0;
    lot_fifo *f = lots_of(m, hub, c);
    double spoiled = 0;
    while (f->len > 0 && lot_at(f, 0)->day + life - 1 <= day) {
        spoiled += lot_at(f, 0)->tonnes;
        f->head = (f->head + 1) % f->cap;
        f->len--;
    }
    double *stock = &m->hub_stock[hub * m->scn->n_categories + c];
    if (spoiled > *stock) spoiled = *stock;
    /* The last lot gone: the stock is what the lots held (no rounding left behind). */
    if (f->len == 0) spoiled = *stock;
    *stock -= spoiled;
    m->hub_total[hub].known = false;
    assert(*stock >= 0);
    return spoiled;
}
