/* Origins: dispatch plans (Poisson or a daily window), stock with replenishment, and the
 * routing policy that sends each truck on one of its origin's routes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/model_internal.h"

af_status dispatch_init(model *m)
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
        }
    }
    return AF_OK;
}

/* Trucks per day of category c at origin o on scenario day `day`: the last plan step that has
 * begun; before the first step, the first step (so that a warm-up runs on the opening plan). */
static double planned_rate(const af_scn_origin *o, size_t c, int day)
{
    size_t k = 0;
    for (size_t i = 0; i < o->n_steps; i++)
        if (o->steps[i].day <= day) k = i;
    return o->steps[k].trucks[c];
}

static void dispatch_one(model *m, size_t o, size_t c)
{
    const af_scenario *s = m->scn;
    double tonnes = s->categories[c].tonnes_per_truck;
    size_t k = o * s->n_categories + c;
    if (s->origins[o].has_stock) {
        if (m->origin_stock[k] + 1e-9 < tonnes) {
            m->all.trucks_unsupplied++;
            return;
        }
        m->origin_stock[k] -= tonnes;
    }
    uint32_t id = model_new_truck(m);
    if (id == NO_TRUCK) {
        m->failed = true;
        af_sim_stop(m->sim);
        return;
    }
    truck *t = &m->trucks[id];
    t->category = (uint32_t)c;
    t->origin = (uint32_t)o;
    t->tonnes = tonnes;
    m->all.trucks_dispatched++;
    m->all.tonnes_dispatched += tonnes;
    if (!route_choose(m, id)) {
        /* The loader guarantees a route for every category an origin plans; a scenario built
         * in C might not. Such cargo never leaves: count it as written off. */
        m->all.trucks_written_off++;
        m->all.tonnes_written_off += tonnes;
        model_free_truck(m, id);
        return;
    }
    move_depart(m, id);
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

void dispatch_start_day(model *m, int sim_day)
{
    const af_scenario *s = m->scn;
    int day = sim_day - s->warmup_days;
    af_time now = af_sim_now(m->sim);
    for (size_t o = 0; o < s->n_origins; o++) {
        const af_scn_origin *org = &s->origins[o];
        for (size_t c = 0; c < s->n_categories; c++) {
            dispatcher *d = &m->dispatchers[o * s->n_categories + c];
            if (org->has_stock && sim_day > 0) m->origin_stock[o * s->n_categories + c] += org->replenish[c];
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
                long n = (long)whole + (af_rng_uniform(d->rng) < rate - whole ? 1 : 0);
                double span = org->window_close - org->window_open;
                for (long i = 0; i < n; i++) {
                    af_time t = now + org->window_open + af_rng_uniform(d->rng) * span;
                    if (!af_sim_schedule_at(m->sim, t, ev_window, d, 0)) m->failed = true;
                }
            }
        }
    }
}

/* Weight of each candidate route under fixed shares: the routes' own shares, and what is left
 * of 1 split equally among routes that give none; all equal if that leaves nothing. */
static size_t candidates(const model *m, const truck *t, size_t *cand, double *w)
{
    const af_scn_origin *org = &m->scn->origins[t->origin];
    size_t n = 0, n_unset = 0;
    double given = 0;
    for (size_t i = 0; i < org->n_routes; i++) {
        const af_scn_route *r = &m->scn->routes[org->routes[i]];
        if (!r->carries[t->category]) continue;
        cand[n] = org->routes[i];
        w[n] = r->has_share ? r->share : -1;
        if (r->has_share)
            given += r->share;
        else
            n_unset++;
        n++;
    }
    double rest = given < 1 ? 1 - given : 0;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < 0) w[i] = n_unset ? rest / (double)n_unset : 0;
        total += w[i];
    }
    if (!(total > 0))
        for (size_t i = 0; i < n; i++) w[i] = 1;
    return n;
}

static size_t pick(const size_t *cand, const double *w, const bool *ok, size_t n, double u)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        if (!ok || ok[i]) total += w[i];
    double x = u * total, acc = 0;
    size_t last = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (ok && !ok[i]) continue;
        last = i;
        acc += w[i];
        if (x < acc) return cand[i];
    }
    return last == SIZE_MAX ? SIZE_MAX : cand[last];
}

bool route_choose(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    const af_scn_origin *org = &m->scn->origins[t->origin];
    enum { STACK = 64 };
    size_t cand_s[STACK];
    double w_s[STACK];
    bool ok_s[STACK];
    size_t *cand = cand_s;
    double *w = w_s;
    bool *ok = ok_s;
    size_t cap = org->n_routes;
    if (cap > STACK) {
        cand = malloc(cap * sizeof *cand);
        w = malloc(cap * sizeof *w);
        ok = malloc(cap * sizeof *ok);
        if (!cand || !w || !ok) {
            m->failed = true;
            af_sim_stop(m->sim);
            if (cand != cand_s) free(cand);
            if (w != w_s) free(w);
            if (ok != ok_s) free(ok);
            return false;
        }
    }
    size_t n = candidates(m, t, cand, w);
    /* One uniform per decision whatever the policy, so that streams stay in step between
     * scenarios compared on common random numbers. */
    double u = af_rng_uniform(m->route_rngs[t->origin]);
    size_t chosen = SIZE_MAX;
    if (n > 0) {
        switch (m->scn->policy) {
        case AF_SCN_FIXED_SHARES:
            chosen = pick(cand, w, NULL, n, u);
            break;
        case AF_SCN_SHORTEST_DELAY: {
            double best = INFINITY;
            for (size_t i = 0; i < n; i++) {
                double d = route_expected_delay(m, cand[i], t->category);
                if (d < best) {
                    best = d;
                    chosen = cand[i];
                }
            }
            if (chosen == SIZE_MAX) chosen = cand[0];
            break;
        }
        case AF_SCN_REROUTE_ON_CLOSURE: {
            chosen = pick(cand, w, NULL, n, u);
            af_time now = af_sim_now(m->sim);
            if (node_or_leg_closed(m, chosen, now)) {
                bool any = false;
                for (size_t i = 0; i < n; i++) {
                    ok[i] = !node_or_leg_closed(m, cand[i], now);
                    any |= ok[i];
                }
                if (any) chosen = pick(cand, w, ok, n, u);
            }
            break;
        }
        }
    }
    if (cand != cand_s) free(cand);
    if (w != w_s) free(w);
    if (ok != ok_s) free(ok);
    if (chosen == SIZE_MAX) return false;
    t->route = (uint32_t)chosen;
    t->pos = 0;
    return true;
}
