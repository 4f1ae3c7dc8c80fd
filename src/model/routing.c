/* Routing: a truck leaving an origin (or leaving again after a repack) is given one of the
 * origin's routes that carry its category.
 *
 *   fixed_shares        by the routes' shares (a route without a share takes an equal part of
 *                       what the others leave)
 *   shortest_delay      the route with the least expected delay now (route_expected_delay)
 *   reroute_on_closure  by shares, but a route closed now is replaced by an open one, drawn by
 *                       shares among the open ones with the same uniform
 */
#include <math.h>
#include <stdlib.h>

#include "model/closures.h"
#include "model/routing.h"

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

/* Expected minutes from the origin to the hub on `route` for a truck of `category` leaving
 * now: at each station the trucks ahead (queued and blocked) served by its lanes plus its own
 * service, and the wait for the station to open if it is closed; plus each leg's mean travel
 * and escort wait. */
/* Expected minutes from joining a station's queue to leaving it: the trucks ahead (queued and
 * blocked upstream) served by its lanes, one's own service, and the wait until it opens. */
static double station_delay(const mstation *ms, double mean, af_time now)
{
    double ahead = (double)(af_station_queue_length(ms->st) + af_station_blocked_count(ms->st));
    double delay = ahead * mean / ms->lanes + mean;
    if (!af_station_is_open(ms->st)) {
        af_time open = af_station_next_scheduled_open(ms->st);
        delay += isfinite(open) ? open - now : 1e12;
    }
    return delay;
}

static double route_expected_delay(const model *m, size_t route, size_t category)
{
    const af_scn_route *r = &m->scn->routes[route];
    af_time now = af_sim_now(m->sim);
    double delay = 0;
    for (size_t i = 0; i < r->n_nodes; i++) {
        size_t st = m->node_station[r->nodes[i]];
        if (st == SIZE_MAX) continue;
        const mstation *ms = &m->stations[st];
        double mean = af_dist_mean(&af_scn_station_service(ms->cfg, category)->dist);
        delay += station_delay(ms, mean, now);
        /* A crossing's back-to-back transfer stage is not a node of the route, but its queue
         * delays the truck all the same. */
        if (ms->transfer != SIZE_MAX) {
            const mstation *tr = &m->stations[ms->transfer];
            double tmean = af_dist_mean(&m->scn->crossings[ms->scn_index].transfer_service.dist);
            delay += station_delay(tr, tmean, now);
        }
    }
    for (size_t i = 0; i + 1 < r->n_nodes; i++) {
        const af_scn_leg *l = &m->scn->legs[r->legs[i]];
        delay += af_dist_mean(&l->travel.dist);
        if (l->has_escort) delay += af_dist_mean(&l->escort_wait.dist);
    }
    return delay;
}

size_t routing_choose(model *m, const truck *t)
{
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
            model_fail(m);
            if (cand != cand_s) free(cand);
            if (w != w_s) free(w);
            if (ok != ok_s) free(ok);
            return SIZE_MAX;
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
            if (closures_route_closed(m, chosen, now)) {
                bool any = false;
                for (size_t i = 0; i < n; i++) {
                    ok[i] = !closures_route_closed(m, cand[i], now);
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
    return chosen;
}
