/* Routing: a truck leaving an origin (or leaving again after a repack) is given one of the
 * origin's routes that carry its category, and at every node where the routes of its origin
 * that agree with its way so far part, it chooses again with the state at that moment, under
 * its origin's policy (the origin's own `policy`, or the scenario's):
 *
 *   fixed_shares        by the routes' shares (a route without a share takes an equal part of
 *                       what the others leave)
 *   shortest_delay      the route with the least expected delay now (route_expected_delay)
 *   reroute_on_closure  by shares, but a route closed now is replaced by an open one, drawn by
 *                       shares among the open ones with the same uniform
 *   shares_within       by shares among the routes whose expected delay is within the
 *                       tolerance of the least
 *
 * Fixed shares draw the whole route at the origin and keep it at later parting points (the
 * same law as drawing each branch there). Every decision draws one uniform: at the origin
 * from route/<origin>, at a later parting node from route/<origin>@<node>, so that the
 * origin's stream is the same whatever happens further on.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/station_view.h"
#include "model/closures.h"
#include "model/routing.h"

/* What the routing of the scenario in force asks of it again and again, worked out once
 * (again after a dated change puts another scenario in force): each origin's candidates
 * and fixed-share weights by category (candidates()), and whether routes part at each node
 * of each route for each category (routing_diverges with use_category). */
/* A stop of a route's walk: its station (the engine's, its index, and its lanes as the
 * double routing_expected_delay divides by: the conversion of mstation.lanes, which a dated
 * change sets only together with the scenario in force the cache is made for). */
typedef struct routing_stop {
    const af_station *sp;
    double lanes;
    size_t st;
} routing_stop;

struct routing_cache {
    const af_scenario *scn; /* the scenario in force it was made for */
    size_t stride;          /* the most routes of an origin */
    size_t *n;              /* [n_origins * n_categories]: candidates */
    size_t *cand;           /* [(origin * n_categories + category) * stride + i] */
    double *w;              /* the same, weights */
    size_t max_nodes;       /* the most nodes of a route */
    bool *parts;            /* [(route * max_nodes + pos) * n_categories + category] */
    /* Means of the distributions routing_expected_delay adds up (af_dist_mean of the same
     * distributions: the same doubles, added in the same order). */
    double *service_mean;   /* [station * n_categories + category]; a transfer stage's for
                               every category */
    double *travel_mean;    /* [leg] */
    double *escort_mean;    /* [leg], for legs with an escort */
    /* routing_expected_delay's walk of each route, laid out once: the stations after each
     * node in order (a crossing's transfer stage right after the crossing), and the leg means
     * from each node on in the order they are added (travel, then escort). Route r's stops
     * are stops[stop_at[r * max_nodes + pos] .. stop_end[r]), its terms likewise. */
    size_t *stop;           /* station indices */
    routing_stop *walk;     /* [stop]: what delay_walk reads of each stop's station */
    double *stop_mean;      /* [category * n_stops + stop]: service_mean of each stop */
    size_t n_stops;
    size_t *stop_at;        /* [route * max_nodes + pos]: first stop after node pos */
    size_t *stop_end;       /* [route] */
    double *term;           /* leg means */
    size_t *term_at;        /* [route * max_nodes + pos]: first term of leg pos */
    size_t *term_end;       /* [route] */
    /* Every mean above is a number >= 0 (not NaN, not infinite): each station's part of an
     * expected delay is then at least its mean service, and every part is >= 0 (or NaN), so
     * a delay only grows (or turns NaN) as parts are added, rounding included. */
    bool nonneg;
    /* [(route * max_nodes + pos) * n_categories + category]: the least expected delay from
     * node pos, the same additions with no truck ahead and every station open (only
     * meaningful when nonneg). */
    double *floor_delay;
    /* [station]: when the station's schedule, found closed, next opens, as
     * af_station_next_scheduled_open answered; the same answer until then, as the schedule
     * stays closed up to it (times only grow), so it is not asked again before. A dated
     * change may replace the schedule, but every change puts another scenario in force, for
     * which cache_if_made has no cache: the memo starts afresh with the new cache. */
    af_time *opens_at;
    /* What divert_best asks of routes (routing_divert_tables): the same doubles its own
     * loops work out, for the lanes of the scenario in force (set with it by switch_to). */
    routing_divert_tables divert;
    size_t *parts_at; /* divert.parts_at */
    double *back;     /* divert.back */
    double *slowest;  /* divert.slowest */
};

void routing_destroy(model *m)
{
    struct routing_cache *c = m->routing;
    if (!c) return;
    free(c->n);
    free(c->cand);
    free(c->w);
    free(c->parts);
    free(c->service_mean);
    free(c->travel_mean);
    free(c->escort_mean);
    free(c->stop);
    free(c->walk);
    free(c->stop_mean);
    free(c->stop_at);
    free(c->stop_end);
    free(c->term);
    free(c->term_at);
    free(c->term_end);
    free(c->floor_delay);
    free(c->opens_at);
    free(c->parts_at);
    free(c->back);
    free(c->slowest);
    free(c);
    m->routing = NULL;
}

static size_t candidates(const model *m, const truck *t, size_t *cand, double *w);
static void lay_out_routes(const model *m, struct routing_cache *c);
static void lay_out_divert(const model *m, struct routing_cache *c);

/* Makes the cache for the scenario in force; NULL when out of memory. */
static const struct routing_cache *make_cache(model *m)
{
    const af_scenario *s = m->scn;
    routing_destroy(m);
    struct routing_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    for (size_t o = 0; o < s->n_origins; o++)
        if (s->origins[o].n_routes > c->stride) c->stride = s->origins[o].n_routes;
    for (size_t r = 0; r < s->n_routes; r++)
        if (s->routes[r].n_nodes > c->max_nodes) c->max_nodes = s->routes[r].n_nodes;
    size_t nc = s->n_categories, oc = s->n_origins * nc;
    c->n = calloc(oc + 1, sizeof *c->n);
    c->cand = calloc(oc * c->stride + 1, sizeof *c->cand);
    c->w = calloc(oc * c->stride + 1, sizeof *c->w);
    c->parts = calloc(s->n_routes * c->max_nodes * nc + 1, sizeof *c->parts);
    c->service_mean = calloc(m->n_stations * nc + 1, sizeof *c->service_mean);
    c->travel_mean = calloc(s->n_legs + 1, sizeof *c->travel_mean);
    c->escort_mean = calloc(s->n_legs + 1, sizeof *c->escort_mean);
    size_t n_stops = 0, n_terms = 0;
    for (size_t r = 0; r < s->n_routes; r++)
        for (size_t i = 0; i < s->routes[r].n_nodes; i++) {
            size_t st = m->node_station[s->routes[r].nodes[i]];
            if (st != SIZE_MAX) n_stops += m->stations[st].transfer != SIZE_MAX ? 2 : 1;
            if (i + 1 < s->routes[r].n_nodes) n_terms += 2;
        }
    size_t rn = s->n_routes * c->max_nodes;
    c->stop = calloc(n_stops + 1, sizeof *c->stop);
    c->walk = calloc(n_stops + 1, sizeof *c->walk);
    c->stop_mean = calloc(n_stops * nc + 1, sizeof *c->stop_mean);
    c->n_stops = n_stops;
    c->stop_at = calloc(rn + 1, sizeof *c->stop_at);
    c->stop_end = calloc(s->n_routes + 1, sizeof *c->stop_end);
    c->term = calloc(n_terms + 1, sizeof *c->term);
    c->term_at = calloc(rn + 1, sizeof *c->term_at);
    c->term_end = calloc(s->n_routes + 1, sizeof *c->term_end);
    c->floor_delay = calloc(rn * nc + 1, sizeof *c->floor_delay);
    c->opens_at = calloc(m->n_stations + 1, sizeof *c->opens_at);
    c->parts_at = calloc(s->n_routes * s->n_routes + 1, sizeof *c->parts_at);
    c->back = calloc(rn * c->max_nodes + 1, sizeof *c->back);
    c->slowest = calloc(rn * nc + 1, sizeof *c->slowest);
    if (!c->walk || !c->stop_mean || !c->parts_at || !c->back || !c->slowest || !c->n || !c->cand || !c->w || !c->parts || !c->service_mean || !c->travel_mean ||
        !c->escort_mean || !c->stop || !c->stop_at || !c->stop_end || !c->term || !c->term_at ||
        !c->term_end || !c->floor_delay || !c->opens_at) {
        m->routing = c;
        routing_destroy(m);
        return NULL;
    }
    for (size_t o = 0; o < s->n_origins; o++)
        for (size_t k = 0; k < nc; k++) {
            truck t = {.origin = (uint32_t)o, .category = (uint32_t)k};
            size_t at = o * nc + k;
            c->n[at] = candidates(m, &t, c->cand + at * c->stride, c->w + at * c->stride);
        }
    for (size_t r = 0; r < s->n_routes; r++)
        for (size_t pos = 0; pos < s->routes[r].n_nodes; pos++)
            for (size_t k = 0; k < nc; k++)
                c->parts[(r * c->max_nodes + pos) * nc + k] =
                    routing_diverges(m, s->routes[r].origin, r, pos, k, true);
    for (size_t st = 0; st < m->n_stations; st++) {
        const mstation *ms = &m->stations[st];
        for (size_t k = 0; k < nc; k++)
            c->service_mean[st * nc + k] =
                ms->kind == MS_TRANSFER
                    ? af_dist_mean(&s->crossings[ms->scn_index].transfer_service.dist)
                    : af_dist_mean(&af_scn_station_service(ms->cfg, k)->dist);
    }
    for (size_t l = 0; l < s->n_legs; l++) {
        c->travel_mean[l] = af_dist_mean(&s->legs[l].travel.dist);
        if (s->legs[l].has_escort) c->escort_mean[l] = af_dist_mean(&s->legs[l].escort_wait.dist);
    }
    lay_out_routes(m, c);
    lay_out_divert(m, c);
    for (size_t st = 0; st < m->n_stations; st++) c->opens_at[st] = -INFINITY;
    c->scn = s;
    m->routing = c;
    return c;
}

/* A mean that keeps the pruning of routes sound: a number >= 0. */
static bool usable_mean(double x) { return x >= 0 && isfinite(x); }

/* Fills the stops, terms and floor delays of every route (the rest of the cache is made). */
static void lay_out_routes(const model *m, struct routing_cache *c)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories, n_stops = 0, n_terms = 0;
    c->nonneg = true;
    for (size_t i = 0; i < m->n_stations * nc; i++) c->nonneg &= usable_mean(c->service_mean[i]);
    for (size_t r = 0; r < s->n_routes; r++) {
        const af_scn_route *rt = &s->routes[r];
        /* Stops after node pos: those of nodes pos+1..; filled from the last node back. */
        for (size_t i = 0; i < rt->n_nodes; i++) {
            c->stop_at[r * c->max_nodes + i] = n_stops;
            c->term_at[r * c->max_nodes + i] = n_terms;
            if (i + 1 < rt->n_nodes) {
                size_t st = m->node_station[rt->nodes[i + 1]];
                if (st != SIZE_MAX) {
                    c->stop[n_stops++] = st;
                    if (m->stations[st].transfer != SIZE_MAX)
                        c->stop[n_stops++] = m->stations[st].transfer;
                }
                size_t leg = rt->legs[i];
                c->term[n_terms++] = c->travel_mean[leg];
                c->nonneg &= usable_mean(c->travel_mean[leg]);
                if (s->legs[leg].has_escort) {
                    c->term[n_terms++] = c->escort_mean[leg];
                    c->nonneg &= usable_mean(c->escort_mean[leg]);
                }
            }
        }
        c->stop_end[r] = n_stops;
        c->term_end[r] = n_terms;
    }
    for (size_t j = 0; j < n_stops; j++) {
        const mstation *ms = &m->stations[c->stop[j]];
        c->walk[j] = (routing_stop){.sp = ms->st, .lanes = ms->lanes, .st = c->stop[j]};
        for (size_t k = 0; k < nc; k++) c->stop_mean[k * n_stops + j] = c->service_mean[c->stop[j] * nc + k];
    }
    for (size_t r = 0; r < s->n_routes; r++)
        for (size_t pos = 0; pos < s->routes[r].n_nodes; pos++)
            for (size_t k = 0; k < nc; k++) {
                double d = 0;
                for (size_t j = c->stop_at[r * c->max_nodes + pos]; j < c->stop_end[r]; j++)
                    d += c->service_mean[c->stop[j] * nc + k];
                for (size_t j = c->term_at[r * c->max_nodes + pos]; j < c->term_end[r]; j++)
                    d += c->term[j];
                c->floor_delay[(r * c->max_nodes + pos) * nc + k] = d;
            }
}

/* Fills the divert tables (routing.h says what each holds) the way divert.c's loops work
 * them out without the cache. */
static void lay_out_divert(const model *m, struct routing_cache *c)
{
    const af_scenario *s = m->scn;
    size_t nr = s->n_routes, mn = c->max_nodes, nc = s->n_categories;
    for (size_t a = 0; a < nr; a++) {
        const af_scn_route *own = &s->routes[a];
        for (size_t b = 0; b < nr; b++) {
            const af_scn_route *r = &s->routes[b];
            size_t k = 0;
            while (k + 1 < r->n_nodes && k + 1 < own->n_nodes && r->nodes[k] == own->nodes[k] &&
                   r->legs[k] == own->legs[k])
                k++;
            c->parts_at[a * nr + b] =
                r->nodes[k] != own->nodes[k] || k + 1 >= r->n_nodes ? SIZE_MAX : k;
        }
    }
    for (size_t r = 0; r < nr; r++) {
        const af_scn_route *rt = &s->routes[r];
        for (size_t k = 0; k < mn; k++) {
            for (size_t pos = 0; pos < mn; pos++) {
                double t = 0;
                for (size_t i = k; i < pos && i + 1 < rt->n_nodes; i++)
                    t += c->travel_mean[rt->legs[i]];
                c->back[(r * mn + k) * mn + pos] = t;
            }
            for (size_t cat = 0; cat < nc; cat++) {
                double worst = 0;
                for (size_t i = k + 1; i < rt->n_nodes; i++) {
                    size_t st = m->node_station[rt->nodes[i]];
                    if (st == SIZE_MAX) continue;
                    double x = c->service_mean[st * nc + cat] / m->stations[st].lanes;
                    if (x > worst) worst = x;
                }
                c->slowest[(r * mn + k) * nc + cat] = worst;
            }
        }
    }
    c->divert = (routing_divert_tables){.n_routes = nr, .max_nodes = mn, .n_categories = nc,
                                        .parts_at = c->parts_at, .back = c->back,
                                        .slowest = c->slowest};
}

/* The cache if it is up to date (made, and for the scenario in force), else NULL. Its
 * opening memo (opens_at) may be written through a const model: it caches answers. */
static inline struct routing_cache *cache_if_made(const model *m)
{
    return m->routing && m->routing->scn == m->scn ? m->routing : NULL;
}

/* The cache for the scenario in force, made when first needed; NULL when out of memory
 * (callers then work it out as they go). */
static inline const struct routing_cache *routing_cache(model *m)
{
    const struct routing_cache *c = cache_if_made(m);
    return c ? c : make_cache(m);
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

/* Expected minutes from joining a station's queue to leaving it: the trucks ahead (queued and
 * blocked upstream) served by its lanes, one's own service, and the wait until it opens. */
static inline __attribute__((always_inline)) double station_delay(const mstation *ms, double mean,
                                                                   af_time now)
{
    /* The engine's inline queries (engine/station_view.h): the same answers as
     * af_station_queue_length and its companions, without four calls per station. */
    double ahead = (double)(af_station_queued(ms->st) + af_station_blocked(ms->st));
    double delay = ahead * mean / ms->lanes + mean;
    if (!af_station_open(ms->st)) {
        af_time open = af_station_next_open(ms->st);
        delay += isfinite(open) ? open - now : 1e12;
    }
    return delay;
}

/* routing_expected_delay without the cache: the means worked out as it goes. */
static double expected_delay_uncached(const model *m, size_t route, size_t from, size_t category)
{
    const af_scn_route *r = &m->scn->routes[route];
    af_time now = af_sim_clock(m->sim);
    double delay = 0;
    for (size_t i = from + 1; i < r->n_nodes; i++) {
        size_t st = m->node_station[r->nodes[i]];
        if (st == SIZE_MAX) continue;
        const mstation *ms = &m->stations[st];
        delay += station_delay(ms, af_dist_mean(&af_scn_station_service(ms->cfg, category)->dist),
                               now);
        /* A crossing's back-to-back transfer stage is not a node of the route, but its queue
         * delays the truck all the same. */
        if (ms->transfer != SIZE_MAX)
            delay += station_delay(&m->stations[ms->transfer],
                                   af_dist_mean(&m->scn->crossings[ms->scn_index].transfer_service.dist),
                                   now);
    }
    for (size_t i = from; i + 1 < r->n_nodes; i++) {
        const af_scn_leg *l = &m->scn->legs[r->legs[i]];
        delay += af_dist_mean(&l->travel.dist);
        if (l->has_escort) delay += af_dist_mean(&l->escort_wait.dist);
    }
    return delay;
}

/* expected_delay_uncached with the cache c (of the scenario in force: cache_if_made), in
 * the same order of the same additions, so the same double, except that once the sum
 * reaches `limit` (when c->nonneg; NaN: never) it may stop and return what it has: the whole
 * sum would be no less (or NaN), as every part left is >= 0 (or NaN). A station's part is
 * station_delay's: the wait for its opening comes from the memo while it is closed until a
 * time it remembers, and otherwise from af_station_next_open, which is now (a wait of +0,
 * not added) when the station is open. */
static inline __attribute__((always_inline)) double
delay_walk(const model *m, struct routing_cache *c, size_t route, size_t from, size_t category,
           af_time now, double limit)
{
    size_t at = route * c->max_nodes + from;
    const double *means = c->stop_mean + category * c->n_stops;
    double delay = 0;
    for (size_t j = c->stop_at[at], end = c->stop_end[route]; j < end; j++) {
        const routing_stop *w = &c->walk[j];
        double mean = means[j];
        /* Converted through a signed integer: the same double for any count below 2^63,
         * in fewer instructions than from an unsigned one. */
        const af_station *sp = w->sp;
        double ahead = (double)(int64_t)(af_station_queued(sp) + af_station_blocked(sp));
        double part = ahead * mean / w->lanes + mean;
        size_t st = w->st;
        af_time open = c->opens_at[st];
        if (now < open) {
            /* Closed until the memo's opening (> now: a number or +INFINITY). */
            part += open < INFINITY ? open - now : 1e12;
        } else {
            open = af_station_next_open(sp);
            if (open > now) c->opens_at[st] = open;
            /* Open now (open == now): the wait is +0, which leaves the sum as it is (the
             * delay starts at +0 and is never -0, so adding a -0 part or not is the same). */
            if (open != now) part += isfinite(open) ? open - now : 1e12;
        }
        delay += part;
        if (delay >= limit) return delay;
    }
    for (size_t j = c->term_at[at], end = c->term_end[route]; j < end; j++) delay += c->term[j];
    return delay;
}

static double expected_delay_cached(const model *m, struct routing_cache *c, size_t route,
                                    size_t from, size_t category, af_time now, double limit)
{
    return delay_walk(m, c, route, from, category, now, limit);
}

/* Expected minutes from node `from` of `route` to its hub for a truck of `category` leaving
 * now: at each station after `from` the trucks ahead served by its lanes plus its own
 * service, and the wait for it to open; plus each leg's mean travel and escort wait. */
double routing_expected_delay(const model *m, size_t route, size_t from, size_t category)
{
    struct routing_cache *c = cache_if_made(m);
    return c ? expected_delay_cached(m, c, route, from, category, af_sim_clock(m->sim), NAN)
             : expected_delay_uncached(m, route, from, category);
}

double routing_expected_delay_below(const model *m, size_t route, size_t from, size_t category,
                                    double limit)
{
    struct routing_cache *c = cache_if_made(m);
    if (!c) return expected_delay_uncached(m, route, from, category);
    if (!c->nonneg) {
        limit = NAN;
    } else {
        /* The delay is no less than its floor (or NaN): not below the limit either. */
        double floor = c->floor_delay[(route * c->max_nodes + from) * m->scn->n_categories + category];
        if (floor >= limit) return floor;
    }
    return expected_delay_cached(m, c, route, from, category, af_sim_clock(m->sim), limit);
}

const routing_divert_tables *routing_divert(const model *m)
{
    const struct routing_cache *c = cache_if_made(m);
    return c ? &c->divert : NULL;
}

double routing_travel_mean(const model *m, size_t leg)
{
    const struct routing_cache *c = cache_if_made(m);
    return c ? c->travel_mean[leg] : af_dist_mean(&m->scn->legs[leg].travel.dist);
}

double routing_service_mean(const model *m, size_t station, size_t category)
{
    const struct routing_cache *c = cache_if_made(m);
    return c ? c->service_mean[station * m->scn->n_categories + category]
             : af_dist_mean(&af_scn_station_service(m->stations[station].cfg, category)->dist);
}

af_scn_policy routing_policy(const model *m, size_t origin, double *tolerance)
{
    const af_scn_origin *org = &m->scn->origins[origin];
    bool own = org->policy != AF_SCN_POLICY_OF_SCENARIO;
    if (tolerance)
        *tolerance = !isnan(org->policy_tolerance) ? org->policy_tolerance
                                                   : m->scn->policy_tolerance;
    return own ? (af_scn_policy)org->policy : m->scn->policy;
}

/* Route r agrees with the truck's route on every node up to and including `pos` and goes on
 * from there. */
static bool same_prefix(const af_scn_route *a, const af_scn_route *r, size_t pos)
{
    if (r->n_nodes <= pos + 1) return false;
    for (size_t i = 0; i <= pos; i++)
        if (r->nodes[i] != a->nodes[i]) return false;
    return true;
}

bool routing_diverges(const model *m, size_t origin, size_t route, size_t pos, size_t category,
                      bool use_category)
{
    const af_scn_origin *org = &m->scn->origins[origin];
    const af_scn_route *a = &m->scn->routes[route];
    if (pos + 1 >= a->n_nodes) return false;
    for (size_t i = 0; i < org->n_routes; i++) {
        const af_scn_route *r = &m->scn->routes[org->routes[i]];
        if (use_category && !r->carries[category]) continue;
        if (same_prefix(a, r, pos) && r->legs[pos] != a->legs[pos]) return true;
    }
    return false;
}

/* The least expected delay among the consistent candidates (consistent NULL: all), the
 * first of them on a tie; the first consistent one when none has a delay below INFINITY.
 * With the cache, a candidate is passed over without its delay when it cannot be below the
 * least so far: when its floor delay is no less (its delay, a sum of parts each at least the
 * floor's, is no less or NaN), or once its sum reaches it (expected_delay_cached). With a
 * single consistent candidate, nothing is worked out: it is the answer either way. */
static size_t shortest(model *m, const truck *t, const size_t *cand, const bool *consistent,
                       size_t n, size_t pos)
{
    size_t n_con = 0, only = SIZE_MAX;
    for (size_t i = 0; i < n && n_con < 2; i++)
        if (!consistent || consistent[i]) {
            n_con++;
            only = cand[i];
        }
    if (n_con < 2) return only;
    struct routing_cache *c = cache_if_made(m);
    af_time now = af_sim_clock(m->sim);
    size_t nc = m->scn->n_categories;
    double best = INFINITY;
    size_t chosen = SIZE_MAX, first = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (consistent && !consistent[i]) continue;
        if (first == SIZE_MAX) first = cand[i];
        double d;
        if (!c) {
            d = expected_delay_uncached(m, cand[i], pos, t->category);
        } else if (c->nonneg) {
            if (c->floor_delay[(cand[i] * c->max_nodes + pos) * nc + t->category] >= best) continue;
            d = delay_walk(m, c, cand[i], pos, t->category, now, best);
        } else {
            d = delay_walk(m, c, cand[i], pos, t->category, now, NAN);
        }
        if (d < best) {
            best = d;
            chosen = cand[i];
        }
    }
    return chosen != SIZE_MAX ? chosen : first;
}

/* The choice among the candidates cand[0..n) (weights w, consistent[i] false for those that
 * do not agree with the truck's way so far; consistent NULL: all agree) for a truck at node
 * `pos` of its route, drawn with the uniform u (ok: room for n flags). At the origin
 * (`at_origin`) fixed shares draw the route; further on, fixed shares keep the route drawn at
 * the origin (drawing it there by the shares is the same, in law, as drawing each branch by
 * the shares of the routes beyond it). */
static size_t decide(model *m, const truck *t, const size_t *cand, const double *w,
                     const bool *consistent, bool *ok, size_t n, double u, size_t pos,
                     bool at_origin)
{
    double tol;
    af_scn_policy pol = routing_policy(m, t->origin, &tol);
    af_time now = af_sim_clock(m->sim);
    switch (pol) {
    case AF_SCN_FIXED_SHARES:
        return at_origin ? pick(cand, w, consistent, n, u) : t->route;
    case AF_SCN_SHORTEST_DELAY:
        return shortest(m, t, cand, consistent, n, pos);
    case AF_SCN_REROUTE_ON_CLOSURE: {
        size_t chosen = at_origin ? pick(cand, w, consistent, n, u) : t->route;
        if (closures_route_closed_from(m, chosen, pos, now)) {
            bool any = false;
            for (size_t i = 0; i < n; i++) {
                ok[i] = (!consistent || consistent[i]) &&
                        !closures_route_closed_from(m, cand[i], pos, now);
                any |= ok[i];
            }
            if (any) chosen = pick(cand, w, ok, n, u);
        }
        return chosen;
    }
    case AF_SCN_SHARES_WITHIN: {
        double best = INFINITY;
        double *d = malloc(n * sizeof *d);
        if (!d) {
            model_fail(m);
            return t->route;
        }
        for (size_t i = 0; i < n; i++) {
            d[i] = !consistent || consistent[i] ? routing_expected_delay(m, cand[i], pos, t->category)
                                                : INFINITY;
            if (d[i] < best) best = d[i];
        }
        for (size_t i = 0; i < n; i++) ok[i] = (!consistent || consistent[i]) && d[i] <= best + tol;
        free(d);
        return pick(cand, w, ok, n, u);
    }
    }
    return t->route;
}

/* One decision for truck t at node `pos` of its route (0: leaving its origin). Out of line:
 * its frame (room for 64 candidates) would otherwise be set up on its callers' short ways. */
static __attribute__((noinline)) size_t choose(model *m, const truck *t, size_t pos, af_rng *rng)
{
    const af_scn_origin *org = &m->scn->origins[t->origin];
    enum { STACK = 64 };
    size_t cand_s[STACK];
    double w_s[STACK];
    bool ok_s[STACK], con_s[STACK];
    size_t *cand = cand_s;
    double *w = w_s;
    bool *ok = ok_s, *con = con_s;
    size_t cap = org->n_routes;
    if (cap > STACK) {
        cand = malloc(cap * sizeof *cand);
        w = malloc(cap * sizeof *w);
        ok = malloc(cap * sizeof *ok);
        con = malloc(cap * sizeof *con);
        if (!cand || !w || !ok || !con) {
            model_fail(m);
            if (cand != cand_s) free(cand);
            if (w != w_s) free(w);
            if (ok != ok_s) free(ok);
            if (con != con_s) free(con);
            return SIZE_MAX;
        }
    }
    /* The candidates: the cache's own, or worked out into cand and w. */
    const struct routing_cache *c = routing_cache(m);
    const size_t *cc;
    const double *cw;
    size_t n;
    if (c) {
        size_t at = t->origin * m->scn->n_categories + t->category;
        n = c->n[at];
        cc = c->cand + at * c->stride;
        cw = c->w + at * c->stride;
    } else {
        n = candidates(m, t, cand, w);
        cc = cand;
        cw = w;
    }
    bool at_origin = pos == 0;
    /* At the origin every candidate agrees with the truck's way so far. */
    const bool *consistent = NULL;
    if (!at_origin) {
        for (size_t i = 0; i < n; i++)
            con[i] = same_prefix(&m->scn->routes[t->route], &m->scn->routes[cc[i]], pos);
        consistent = con;
    }
    /* One uniform per decision whatever the policy, so that streams stay in step between
     * scenarios compared on common random numbers. */
    double u = af_rng_uniform(rng);
    size_t chosen = n > 0 ? decide(m, t, cc, cw, consistent, ok, n, u, pos, at_origin) : SIZE_MAX;
    if (chosen == SIZE_MAX && !at_origin) chosen = t->route;
    if (cand != cand_s) free(cand);
    if (w != w_s) free(w);
    if (ok != ok_s) free(ok);
    if (con != con_s) free(con);
    return chosen;
}

size_t routing_choose(model *m, const truck *t)
{
    af_rng *rng = m->route_rngs[t->origin];
    const struct routing_cache *c;
    af_scn_policy pol = routing_policy(m, t->origin, NULL);
    if (pol == AF_SCN_FIXED_SHARES && (c = routing_cache(m))) {
        /* choose's way for fixed shares at the origin, with the candidates worked out once:
         * every candidate is consistent, one uniform, a pick by shares. */
        size_t at = t->origin * m->scn->n_categories + t->category;
        double u = af_rng_uniform(rng);
        return c->n[at] ? pick(c->cand + at * c->stride, c->w + at * c->stride, NULL, c->n[at], u)
                        : SIZE_MAX;
    }
    if (pol == AF_SCN_SHORTEST_DELAY && (c = routing_cache(m))) {
        /* The same for the shortest expected delay: one uniform, then the shortest. */
        size_t at = t->origin * m->scn->n_categories + t->category;
        (void)af_rng_uniform(rng);
        return c->n[at] ? shortest(m, t, c->cand + at * c->stride, NULL, c->n[at], 0) : SIZE_MAX;
    }
    return choose(m, t, 0, rng);
}

static size_t at_parting_node(model *m, const truck *t, const af_scn_route *r);

size_t routing_at_node(model *m, const truck *t)
{
    const af_scn_route *r = &m->scn->routes[t->route];
    if (t->pos == 0 || t->pos + 1 >= r->n_nodes) return t->route;
    /* The usual answer, from the cache: the routes do not part here. */
    const struct routing_cache *c = cache_if_made(m);
    if (c && r->origin == t->origin &&
        !c->parts[(t->route * c->max_nodes + t->pos) * m->scn->n_categories + t->category])
        return t->route;
    return at_parting_node(m, t, r);
}

/* routing_at_node past its first tests, out of line so that its usual way (the routes do not
 * part) costs no stack frame. */
static __attribute__((noinline)) size_t at_parting_node(model *m, const truck *t,
                                                       const af_scn_route *r)
{
    const struct routing_cache *c = r->origin == t->origin ? routing_cache(m) : NULL;
    bool parts = c ? c->parts[(t->route * c->max_nodes + t->pos) * m->scn->n_categories + t->category]
                   : routing_diverges(m, t->origin, t->route, t->pos, t->category, true);
    if (!parts) return t->route;
    af_rng *rng = m->node_route_rngs[t->origin * m->scn->n_nodes + r->nodes[t->pos]];
    assert(rng);
    /* Fixed shares keep the route drawn at the origin; the decision's uniform is drawn all
     * the same (choose would draw it and return t->route). */
    if (routing_policy(m, t->origin, NULL) == AF_SCN_FIXED_SHARES) {
        (void)af_rng_uniform(rng);
        return t->route;
    }
    return choose(m, t, t->pos, rng);
}
