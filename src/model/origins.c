/* Origins: dispatch plans (Poisson or a daily window) and stock with replenishment. A truck
 * leaves when its origin has the cargo for it; otherwise it is counted as unsupplied and
 * never exists. A truck that leaves is handed to the journey. */
#include <math.h>
#include <stdio.h>

#include "engine/calendar_impl.h"
#include "model/journey.h"
#include "model/origins.h"
#include "model/yards.h"

af_status origins_init(model *m)
{
    const af_scenario *s = m->scn;
    for (size_t o = 0; o < s->n_origins; o++) {
        for (size_t c = 0; c < s->n_categories; c++) {
            dispatcher *d = &m->dispatchers[o * s->n_categories + c];
            d->m = m;
            d->origin = o;
            d->category = c;
            d->rate = -1; /* not yet set: the first day always (re)starts the process */
            char buf[512];
            snprintf(buf, sizeof buf, "dispatch/%s/%s", s->nodes[s->origins[o].node].name,
                     s->categories[c].name);
            d->rng = af_rng_create(m->seed, m->rep, buf);
            if (!d->rng) return AF_NOMEM;
            if (s->origins[o].dispatch != AF_SCN_DISPATCH_POISSON) {
                /* How many trucks leave today gets its own stream: one uniform a day. */
                snprintf(buf, sizeof buf, "dispatch_count/%s/%s", s->nodes[s->origins[o].node].name,
                         s->categories[c].name);
                d->count_rng = af_rng_create(m->seed, m->rep, buf);
                if (!d->count_rng) return AF_NOMEM;
            }
        }
    }
    return AF_OK;
}

/* Trucks per day of category c at origin o on scenario day `day` (0 is `start`, the warm-up
 * before it): the last plan step that has begun. Before the first step, the first step if it
 * begins by `start` (so that a warm-up runs on the opening plan), and none if it begins later:
 * an origin whose plan starts on a date after `start` dispatches nothing before that date. */
static double planned_rate(const af_scn_origin *o, size_t c, int day)
{
    size_t k = 0;
    for (size_t i = 0; i < o->n_steps; i++)
        if (o->steps[i].day <= day) k = i;
    if (o->steps[k].day > day && o->steps[k].day > 0) return 0;
    return o->steps[k].trucks[c];
}

static void dispatch_one(model *m, size_t o, size_t c)
{
    const af_scenario *s = m->scn;
    double tonnes = s->categories[c].tonnes_per_truck;
    size_t k = o * s->n_categories + c;
    if (yards_full(m, o)) {
        /* The yard is full: the truck is not loaded nor dispatched, now or later. */
        m->by_sender[s->origins[o].sender].trucks_held_back++;
        m->held_back[o]++;
        return;
    }
    if (s->origins[o].has_stock) {
        if (m->origin_stock[k] + 1e-9 < tonnes) {
            m->by_sender[s->origins[o].sender].trucks_unsupplied++;
            return;
        }
        m->origin_stock[k] -= tonnes;
        assert(m->origin_stock[k] >= -1e-9);
    }
    journey_dispatch(m, o, c, tonnes);
}

static void ev_poisson(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    dispatcher *d = ctx;
    d->next = 0;
    if (d->rate > 0) {
        double gap = -log(af_rng_uniform_pos(d->rng)) * AF_MINUTES_PER_DAY / d->rate;
        d->next = af_sim_schedule(sim, gap, ev_poisson, d, 0);
    }
    dispatch_one(d->m, d->origin, d->category);
}

static void ev_window(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim, (void)arg;
    dispatcher *d = ctx;
    dispatch_one(d->m, d->origin, d->category);
}

void origins_start_day(model *m, int sim_day)
{
    const af_scenario *s = m->scn;
    int day = sim_day - s->warmup_days;
    af_time now = af_sim_clock(m->sim);
    for (size_t o = 0; o < s->n_origins; o++) {
        const af_scn_origin *org = &s->origins[o];
        for (size_t c = 0; c < s->n_categories; c++) {
            dispatcher *d = &m->dispatchers[o * s->n_categories + c];
            if (org->has_stock && sim_day > 0) m->origin_stock[o * s->n_categories + c] += org->replenish[c];
            assert(m->origin_stock[o * s->n_categories + c] >= -1e-9);
            double rate = planned_rate(org, c, day);
            if (org->dispatch == AF_SCN_DISPATCH_POISSON) {
                /* Memoryless: restarting the process when the rate changes is exact. */
                if (rate == d->rate) continue;
                d->rate = rate;
                af_sim_cancel(m->sim, d->next);
                d->next = 0;
                if (rate > 0) {
                    double gap = -log(af_rng_uniform_pos(d->rng)) * AF_MINUTES_PER_DAY / rate;
                    d->next = af_sim_schedule(m->sim, gap, ev_poisson, d, 0);
                    if (!d->next) m->failed = true;
                }
            } else {
                d->rate = rate;
                double whole = floor(rate);
                long n = (long)whole + (af_rng_uniform(d->count_rng) < rate - whole ? 1 : 0);
                double span = org->window_close - org->window_open;
                for (long i = 0; i < n; i++) {
                    af_time t = now + org->window_open + af_rng_uniform(d->rng) * span;
                    if (!af_sim_schedule_at(m->sim, t, ev_window, d, 0)) m->failed = true;
                }
            }
        }
    }
}
