/* What a run's tables say about its network, reduced for the answer and the diagram: each
 * station's daily means over the horizon, the days it held trucks back, and the trucks a day
 * on each leg derived from the stations' counts. See report_internal.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

/* The mean over the horizon of a station series' daily means (NaN if it has none). */
static double horizon_mean(const rp_set *set, uint64_t key)
{
    const rp_series *s = rp_set_find(set, key);
    double sum = 0;
    int n = 0;
    for (int d = 0; s && d < s->n_days && d < set->n_days; d++)
        if (s->acc[d].n > 0 && isfinite(s->acc[d].mean)) {
            sum += s->acc[d].mean;
            n++;
        }
    return n ? sum / n : NAN;
}

static double day_mean(const rp_set *set, uint64_t key, int d)
{
    const rp_series *s = rp_set_find(set, key);
    return s && d < s->n_days && s->acc[d].n > 0 ? s->acc[d].mean : NAN;
}

long rp_node_find(const rp_run *r, const char *name)
{
    for (size_t i = 0; i < r->n_nodes; i++)
        if (!strcmp(r->nodes[i].name, name)) return (long)i;
    return -1;
}

static void station_stats(const rp_run *r, size_t k, rp_station_stats *o)
{
    const rp_set *set = &r->st;
    memset(o, 0, sizeof *o);
    o->station = r->stations.v[k];
    const char *dot = strrchr(o->station, '.');
    char base[256];
    snprintf(base, sizeof base, "%.*s", dot && !strcmp(dot, ".transfer") ? (int)(dot - o->station) : 255, o->station);
    o->transfer = dot && !strcmp(dot, ".transfer");
    o->node = rp_node_find(r, base);
    o->arrivals = horizon_mean(set, rp_key(RP_K_ARRIVALS, (unsigned)k, 0));
    o->served = horizon_mean(set, rp_key(RP_K_SERVED, (unsigned)k, 0));
    o->rejected = horizon_mean(set, rp_key(RP_K_REJECTED, (unsigned)k, 0));
    o->blocked = horizon_mean(set, rp_key(RP_K_BLOCKED, (unsigned)k, 0));
    o->queue = horizon_mean(set, rp_key(RP_K_QUEUE, (unsigned)k, 0));
    o->waiting = horizon_mean(set, rp_key(r->has_qmid ? RP_K_QMID : RP_K_QUEUE, (unsigned)k, 0));
    o->wait_min = horizon_mean(set, rp_key(RP_K_WAIT, (unsigned)k, 0));
    const rp_node *nd = o->node >= 0 && !o->transfer ? &r->nodes[o->node] : NULL;
    o->queue_limit = nd ? nd->queue_limit : NAN;
    o->daily_cap = nd ? nd->daily_cap : NAN;
    o->upstream = isfinite(o->queue_limit) && o->waiting > o->queue_limit ? o->waiting - o->queue_limit : 0;
    /* Utilisation while open, and the days the station held trucks back: trucks waiting at
     * midnight while it worked at 90% or more of its open lanes, or served its daily cap. */
    double usum = 0;
    int un = 0, run = 0;
    o->first_bound = o->last_bound = -1;
    for (int d = 0; d < set->n_days; d++) {
        double open = day_mean(set, rp_key(RP_K_OPEN, (unsigned)k, 0), d);
        double util = day_mean(set, rp_key(RP_K_UTIL, (unsigned)k, 0), d);
        double wait = day_mean(set, rp_key(r->has_qmid ? RP_K_QMID : RP_K_QUEUE, (unsigned)k, 0), d);
        double served = day_mean(set, rp_key(RP_K_SERVED, (unsigned)k, 0), d);
        if (isnan(util) && isnan(wait)) continue;
        o->days++;
        bool is_open = !(open == 0);
        if (!is_open) o->closed_days++;
        if (is_open && isfinite(util)) {
            usum += util;
            un++;
        }
        bool at_cap = isfinite(o->daily_cap) && served >= o->daily_cap - 0.5;
        bool bound = wait >= 1 && ((is_open && util >= 0.9) || at_cap);
        if (at_cap && wait >= 1) o->cap_days++;
        if (bound) {
            o->bound_days++;
            if (o->first_bound < 0) o->first_bound = d;
            o->last_bound = d;
            if (++run > o->longest) o->longest = run;
        } else {
            run = 0;
        }
    }
    o->util_open = un ? usum / un : NAN;
}

/* Trucks a day started on each leg, from conservation at the nodes: the legs into a station
 * bring its arrivals, the legs out of it take what it served (less the holds that ended in
 * rejection, which go back to their origin), the legs into a hub bring its deliveries (before
 * their losses). A leg is found when it is the only one unknown on a side of a node whose
 * total is known; those left are shared equally among the unknown legs of a side. */
static void leg_flows(rp_ctx *cx, const rp_run *r, rp_analysis *a)
{
    size_t nn = r->n_nodes, nl = r->n_legs;
    double *in = rp_alloc(&cx->pool, nn, sizeof *in), *out = rp_alloc(&cx->pool, nn, sizeof *out);
    a->leg_flow = rp_alloc(&cx->pool, nl, sizeof *a->leg_flow);
    if (!in || !out || !a->leg_flow) return;
    for (size_t i = 0; i < nn; i++) in[i] = out[i] = NAN;
    for (size_t l = 0; l < nl; l++) a->leg_flow[l] = NAN;
    for (size_t s = 0; s < a->n_stations; s++) {
        const rp_station_stats *st = &a->stations[s];
        if (st->node < 0) continue;
        const rp_node *nd = &r->nodes[st->node];
        if (!st->transfer) in[st->node] = st->arrivals;
        double leaving = st->served - (isfinite(st->rejected) ? st->rejected : 0);
        bool has_transfer = false;
        char tname[300];
        snprintf(tname, sizeof tname, "%s.transfer", nd->name);
        has_transfer = rp_names_find(&r->stations, tname) >= 0;
        if (st->transfer || !has_transfer) out[st->node] = leaving;
    }
    for (size_t i = 0; i < nn; i++) {
        const rp_node *nd = &r->nodes[i];
        if (strcmp(nd->kind, "hub") || !nd->serves) continue;
        double t = 0;
        bool any = false;
        for (size_t k = 0; k < nd->serves->n; k++) {
            if (nd->serves->items[k].type != RP_JSON_STRING) continue;
            long g = rp_names_find(&r->regions, nd->serves->items[k].string);
            double v = g >= 0 ? horizon_mean(&r->daily, rp_key(RP_K_HUB_TRUCKS, (unsigned)g, 0)) : NAN;
            if (isfinite(v)) {
                t += v;
                any = true;
            }
        }
        if (any) in[i] = t;
    }
    for (int pass = 0; pass < 2; pass++) {
        bool changed = true;
        while (changed) {
            changed = false;
            for (size_t i = 0; i < nn; i++)
                for (int side = 0; side < 2; side++) {
                    double total = side ? out[i] : in[i];
                    if (!isfinite(total)) continue;
                    double known = 0;
                    size_t unknown = 0;
                    for (size_t l = 0; l < nl; l++) {
                        const rp_leg *lg = &r->legs[l];
                        if ((long)i != (side ? lg->from : lg->to)) continue;
                        double keep = side ? 1 : 1 - lg->loss;
                        if (isfinite(a->leg_flow[l])) known += a->leg_flow[l] * keep;
                        else unknown++;
                    }
                    if (!unknown || (pass == 0 && unknown > 1)) continue;
                    for (size_t l = 0; l < nl; l++) {
                        const rp_leg *lg = &r->legs[l];
                        if ((long)i != (side ? lg->from : lg->to) || isfinite(a->leg_flow[l])) continue;
                        double keep = side ? 1 : 1 - lg->loss;
                        a->leg_flow[l] = fmax(total - known, 0) / (double)unknown / (keep > 0 ? keep : 1);
                        changed = true;
                    }
                }
        }
    }
}

void rp_analyse(rp_ctx *cx, const rp_run *r, rp_analysis *a)
{
    memset(a, 0, sizeof *a);
    a->binding = -1;
    if (!r->has_stations) return;
    a->n_stations = r->stations.n;
    a->stations = rp_alloc(&cx->pool, a->n_stations, sizeof *a->stations);
    if (!a->stations) return;
    for (size_t k = 0; k < a->n_stations; k++) {
        station_stats(r, k, &a->stations[k]);
        const rp_station_stats *s = &a->stations[k];
        if (s->bound_days > 0 &&
            (a->binding < 0 || s->bound_days > a->stations[a->binding].bound_days ||
             (s->bound_days == a->stations[a->binding].bound_days && s->waiting > a->stations[a->binding].waiting)))
            a->binding = (long)k;
    }
    if (r->n_nodes && r->n_legs) leg_flows(cx, r, a);
}

/* Waiting at a node: the largest of its stages (a crossing and its transfer). */
double rp_node_waiting(const rp_analysis *a, long node, double *util)
{
    double w = NAN;
    if (util) *util = NAN;
    for (size_t s = 0; s < a->n_stations; s++) {
        if (a->stations[s].node != node) continue;
        if (isfinite(a->stations[s].waiting) && !(w >= a->stations[s].waiting)) w = a->stations[s].waiting;
        if (util && isfinite(a->stations[s].util_open) && !(*util >= a->stations[s].util_open))
            *util = a->stations[s].util_open;
    }
    return w;
}
