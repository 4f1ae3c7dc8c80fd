/* Closures: wait, divert or return. A truck waiting at a closed station or leg knows how long
 * a scheduled closure (hours, dated closures) lasts, and not how long a random one will. It
 * waits for one it knows ends within its patience; one it knows lasts longer, or a random one
 * that has kept it its patience, it leaves, when its origin says divert, for the best open
 * alternative from where it is: a route of its origin that parts from its own at a node it has
 * passed (or, at a closed leg, the node it is at), open from there on, and expected to be
 * quicker than staying, counting the drive back (mean travel times of the legs between).
 * With no such alternative it waits. Under `return` it drives back to its origin. */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "engine/calendar_impl.h"
#include "model/closures.h"
#include "model/divert.h"
#include "model/routing.h"

af_scn_on_closure divert_action(const model *m, size_t origin, double *patience)
{
    const af_scn_origin *org = &m->scn->origins[origin];
    if (patience) *patience = !isnan(org->patience) ? org->patience : m->scn->patience;
    return org->on_closure != AF_SCN_POLICY_OF_SCENARIO ? (af_scn_on_closure)org->on_closure
                                                        : (af_scn_on_closure)m->scn->on_closure;
}

/* Mean minutes to drive back from node `pos` of `route` to its node `k`. */
static double back_minutes(const model *m, const af_scn_route *r, size_t k, size_t pos)
{
    double t = 0;
    for (size_t i = k; i < pos; i++) t += routing_travel_mean(m, r->legs[i]);
    return t;
}

/* The most minutes per truck (mean service / lanes) of the stations of r after node k. */
static double slowest(const model *m, const af_scn_route *r, size_t k, size_t category)
{
    double worst = 0;
    for (size_t i = k + 1; i < r->n_nodes; i++) {
        size_t st = m->node_station[r->nodes[i]];
        if (st == SIZE_MAX) continue;
        const mstation *ms = &m->stations[st];
        double x = routing_service_mean(m, st, category) / ms->lanes;
        if (x > worst) worst = x;
    }
    return worst;
}

/* divert_best's choice among the alternatives, from where each parts, the drive back and the
 * slowest station as the routing cache has them (dt; the same doubles as back_minutes and
 * slowest). */
static divert_plan best_tabled(model *m, const routing_divert_tables *dt, const af_scn_origin *org,
                               size_t category, size_t route, size_t pos, size_t last,
                               af_time now, double least)
{
    divert_plan best = {.go = false};
    size_t mn = dt->max_nodes, nc = dt->n_categories;
    const size_t *parts_at = dt->parts_at + route * dt->n_routes;
    for (size_t i = 0; i < org->n_routes; i++) {
        size_t ri = org->routes[i];
        if (ri == route || !m->scn->routes[ri].carries[category]) continue;
        size_t k = parts_at[ri];
        if (k == SIZE_MAX || k > last) continue;
        if (closures_route_closed_from(m, ri, k, now)) continue;
        double back = dt->back[(route * mn + k) * mn + pos];
        double queued = (double)m->heading[ri] * dt->slowest[(ri * mn + k) * nc + category];
        double limit = back >= 0 && queued >= 0 ? least : NAN;
        double d = back + routing_expected_delay_below(m, ri, k, category, limit) + queued;
        if (d < least) {
            least = d;
            best = (divert_plan){.go = true, .route = ri, .at = k, .back_minutes = back};
        }
    }
    return best;
}

/* The same choice worked out from the scenario (where the routing cache could not be made;
 * the debug build checks best_tabled against it). */
static divert_plan best_worked_out(model *m, const af_scn_origin *org, size_t category,
                                   size_t route, size_t pos, size_t last, af_time now,
                                   double least)
{
    divert_plan best = {.go = false};
    const af_scn_route *own = &m->scn->routes[route];
    for (size_t i = 0; i < org->n_routes; i++) {
        size_t ri = org->routes[i];
        const af_scn_route *r = &m->scn->routes[ri];
        if (ri == route || !r->carries[category]) continue;
        /* The node where r parts from the truck's route: the first leg they do not share. */
        size_t k = 0;
        while (k + 1 < r->n_nodes && k + 1 < own->n_nodes && r->nodes[k] == own->nodes[k] &&
               r->legs[k] == own->legs[k])
            k++;
        if (r->nodes[k] != own->nodes[k] || k > last || k + 1 >= r->n_nodes) continue;
        if (closures_route_closed_from(m, ri, k, now)) continue;
        /* Trucks already turning back towards r queue ahead at its busiest station. With
         * the drive back and that queue >= 0, a route delay not below `least` cannot make
         * d below it (the sums only grow, rounding included), so it need not be worked out
         * in full. */
        double back = back_minutes(m, own, k, pos);
        double queued = (double)m->heading[ri] * slowest(m, r, k, category);
        double limit = back >= 0 && queued >= 0 ? least : NAN;
        double d = back + routing_expected_delay_below(m, ri, k, category, limit) + queued;
        if (d < least) {
            least = d;
            best = (divert_plan){.go = true, .route = ri, .at = k,
                                 .back_minutes = back_minutes(m, own, k, pos)};
        }
    }
    return best;
}

divert_plan divert_best(model *m, size_t origin, size_t category, size_t route, size_t pos,
                        bool at_leg, double stay, af_scn_on_closure action)
{
    divert_plan best = {.go = false};
    const af_scn_route *own = &m->scn->routes[route];
    if (action == AF_SCN_CLOSURE_RETURN) {
        best.go = true;
        best.route = route;
        best.at = 0;
        best.back_minutes = back_minutes(m, own, 0, pos);
        return best;
    }
    if (action != AF_SCN_CLOSURE_DIVERT) return best;
    const af_scn_origin *org = &m->scn->origins[origin];
    af_time now = af_sim_clock(m->sim);
    size_t last = at_leg ? pos : pos - 1; /* the latest node an alternative may part at */
    const routing_divert_tables *dt = routing_divert(m);
    if (!dt) return best_worked_out(m, org, category, route, pos, last, now, stay);
    best = best_tabled(m, dt, org, category, route, pos, last, now, stay);
#ifndef NDEBUG
    /* The tables give the plan the scenario gives, to the bit. */
    divert_plan w = best_worked_out(m, org, category, route, pos, last, now, stay);
    assert(best.go == w.go);
    assert(!best.go || (best.route == w.route && best.at == w.at &&
                        !memcmp(&best.back_minutes, &w.back_minutes, sizeof w.back_minutes)));
#endif
    return best;
}
