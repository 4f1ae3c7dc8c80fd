/* Checks that need the whole scenario (routes follow legs, shares add up, every region has a
 * hub), and the last steps of resolving (category defaults of flags, each origin's routes).
 * It runs even when binding found errors, to report as much as possible at once, so every
 * reference may be AF_SCN_NONE and every array may be missing: each check guards itself. */
#include "scenario/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NS_LEG_PAIR = NS_COUNT_ }; /* legs by (from, to), in the same name table */

static const yt_node *item_node(const binder *b, list_id l, size_t i)
{
    return i < b->lists[l].n ? b->lists[l].items[i] : NULL;
}

static scn_mark mark_of_key(const binder *b, list_id l, size_t i, const char *key)
{
    const yt_node *it = item_node(b, l, i);
    const yt_node *v = it ? yt_map_get(it, key) : NULL;
    if (v) return v->mark;
    return it ? it->mark : (scn_mark){0, 0, 0};
}

static const char *node_name(const af_scenario *s, size_t node)
{
    return node < s->n_nodes ? s->nodes[node].name : "";
}

/* ---- regions and hubs ----------------------------------------------------------------------- */

typedef struct shift_ref {
    af_scn_shift sh;
    size_t idx;
} shift_ref;

static int cmp_shift(const void *a, const void *b)
{
    const shift_ref *x = a, *y = b;
    if (x->sh.day != y->sh.day) return x->sh.day < y->sh.day ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static void regions_and_hubs(binder *b)
{
    af_scenario *s = b->s;
    bool unresolved = false; /* a hub names an unknown region: "no hub serves" would repeat it */
    for (size_t r = 0; r < s->n_regions; r++) s->regions[r].hub = AF_SCN_NONE;
    for (size_t h = 0; h < s->n_hubs; h++) {
        const af_scn_hub *hub = &s->hubs[h];
        const yt_node *serves = yt_map_get(item_node(b, L_HUB, h), "serves");
        if (!hub->serves) unresolved = true;
        for (size_t k = 0; k < hub->n_serves; k++) {
            size_t r = hub->serves[k];
            if (r >= s->n_regions) {
                unresolved = true;
                continue;
            }
            const yt_node *at = serves && serves->kind == YT_SEQ && k < serves->n
                                    ? serves->items[k] : serves;
            scn_mark m = at ? at->mark : mark_of_key(b, L_HUB, h, "serves");
            af_scn_region *reg = &s->regions[r];
            if (reg->hub == h) {
                scn_error(b->r, m, "serves: region '%s' is listed twice", reg->name);
            } else if (reg->hub != AF_SCN_NONE) {
                scn_error(b->r, m, "region '%s' is already served by hub '%s'; a region has "
                          "one hub", reg->name, node_name(s, s->hubs[reg->hub].node));
            } else {
                reg->hub = h;
            }
        }
        if (hub->capacity > 0 && hub->stock) {
            double total = 0;
            for (size_t c = 0; c < s->n_categories; c++) total += hub->stock[c];
            if (total > hub->capacity)
                scn_error(b->r, mark_of_key(b, L_HUB, h, "stock"),
                          "stock: %g t is more than the hub's capacity of %g t", total,
                          hub->capacity);
        }
    }
    if (b->ns_broken[NS_NODE]) return;
    for (size_t r = 0; r < s->n_regions; r++) {
        af_scn_region *reg = &s->regions[r];
        if (reg->hub == AF_SCN_NONE && reg->name[0] && !unresolved && !b->lists[L_HUB].had_errors)
            scn_error(b->r, mark_of_key(b, L_REGION, r, "name"),
                      "no hub serves region '%s'; list it in a hub's serves", reg->name);
        /* Shifts in date order (file order within a day), so the model applies them in turn. */
        const yt_node *shifts = yt_map_get(item_node(b, L_REGION, r), "shifts");
        for (size_t k = 0; k < reg->n_shifts; k++) {
            if (reg->shifts[k].to != r) continue;
            const yt_node *sh = shifts && shifts->kind == YT_SEQ && k < shifts->n
                                    ? shifts->items[k] : NULL;
            const yt_node *to = sh ? yt_map_get(sh, "to") : NULL;
            scn_error(b->r, to ? to->mark : (sh ? sh->mark : mark_of_key(b, L_REGION, r, "name")),
                      "to: a shift cannot move people from '%s' to itself", reg->name);
        }
        /* People's stocks at home do not spoil (the model applies shelf life at hubs only):
         * a stock kept longer than the category keeps is worth a word. */
        for (size_t c = 0; reg->stock_days && c < s->n_categories; c++) {
            int keeps = s->categories[c].shelf_life_days;
            if (keeps > 0 && reg->stock_days[c] >= (double)keeps * 1440)
                scn_warning(b->r, mark_of_key(b, L_REGION, r, "stock_days"),
                            "region '%s' keeps %g days of %s at home, not below its shelf_life "
                            "of %d days; stocks at home do not spoil in the model",
                            reg->name, reg->stock_days[c] / 1440, s->categories[c].name, keeps);
        }
        if (reg->n_shifts > 1) {
            shift_ref *tmp = malloc(reg->n_shifts * sizeof *tmp);
            if (!tmp) {
                b->r->nomem = true;
                return;
            }
            for (size_t k = 0; k < reg->n_shifts; k++) tmp[k] = (shift_ref){reg->shifts[k], k};
            qsort(tmp, reg->n_shifts, sizeof *tmp, cmp_shift);
            for (size_t k = 0; k < reg->n_shifts; k++) reg->shifts[k] = tmp[k].sh;
            free(tmp);
        }
    }
}

/* ---- inspections ---------------------------------------------------------------------------- */

static void inspections(binder *b)
{
    af_scenario *s = b->s;
    for (size_t i = 0; i < s->n_inspections; i++) {
        af_scn_inspection *in = &s->inspections[i];
        if (!in->flag) {
            in->flag = arena_calloc(b->mem, s->n_categories, sizeof *in->flag);
            if (!in->flag) {
                b->r->nomem = true;
                return;
            }
            for (size_t c = 0; c < s->n_categories; c++) in->flag[c] = NAN;
        }
        const char *flagged = NULL;
        double p = 0;
        for (size_t c = 0; c < s->n_categories; c++) {
            if (isnan(in->flag[c])) in->flag[c] = s->categories[c].dual_use;
            if (in->flag[c] > 0 && !flagged) {
                flagged = s->categories[c].name;
                p = in->flag[c];
            }
        }
        const yt_node *it = item_node(b, L_INSPECTION, i);
        if (flagged && in->hold == AF_SCN_NONE && it && !yt_map_get(it, "hold") &&
            !b->ns_broken[NS_HOLD])
            scn_error(b->r, mark_of_key(b, L_INSPECTION, i, "name"),
                      "inspection site '%s' flags trucks (%s with probability %g) but names "
                      "no hold for them; add hold: NAME",
                      node_name(s, in->st.node), flagged, p);
    }
}

/* ---- legs ----------------------------------------------------------------------------------- */

static void pair_key(size_t from, size_t to, char *buf, size_t size)
{
    snprintf(buf, size, "%zu>%zu", from, to);
}

static void legs(binder *b)
{
    af_scenario *s = b->s;
    for (size_t l = 0; l < s->n_legs; l++) {
        const af_scn_leg *leg = &s->legs[l];
        if (leg->from >= s->n_nodes || leg->to >= s->n_nodes) continue;
        const af_scn_node *from = &s->nodes[leg->from], *to = &s->nodes[leg->to];
        if (leg->from == leg->to) {
            scn_error(b->r, mark_of_key(b, L_LEG, l, "to"), "to: a leg cannot go from '%s' to "
                      "itself", from->name);
            continue;
        }
        if (from->kind == AF_SCN_HUB) {
            scn_error(b->r, mark_of_key(b, L_LEG, l, "from"),
                      "from: '%s' is a hub; routes end at hubs, so no leg leaves one", from->name);
            continue;
        }
        if (to->kind == AF_SCN_ORIGIN) {
            scn_error(b->r, mark_of_key(b, L_LEG, l, "to"),
                      "to: '%s' is an origin; routes start at origins, so no leg enters one",
                      to->name);
            continue;
        }
        char key[64];
        pair_key(leg->from, leg->to, key, sizeof key);
        const char *k = arena_strdup(b->mem, key);
        if (!k) {
            b->r->nomem = true;
            return;
        }
        bool added = false, nomem = false;
        scn_mark m = item_node(b, L_LEG, l) ? item_node(b, L_LEG, l)->mark : (scn_mark){0, 0, 0};
        const name_entry *e = names_add(&b->names, NS_LEG_PAIR, k, l, m, &added, &nomem);
        if (nomem) {
            b->r->nomem = true;
            return;
        }
        if (!added) {
            scn_error(b->r, m, "a second leg from '%s' to '%s'; routes could not tell them "
                      "apart", from->name, to->name);
            scn_note(b->r, e->mark, "the first one is here");
        }
    }
}

static size_t find_leg(const binder *b, size_t from, size_t to)
{
    char key[64];
    pair_key(from, to, key, sizeof key);
    const name_entry *e = names_find(&b->names, NS_LEG_PAIR, key, strlen(key));
    return e ? e->index : AF_SCN_NONE;
}

/* ---- routes --------------------------------------------------------------------------------- */

static const char *const policy_word[] = {"fixed_shares", "shortest_delay", "reroute_on_closure",
                                          "shares_within"};

static void route_paths(binder *b)
{
    af_scenario *s = b->s;
    /* With a leg in error, a missing connection is more likely that leg than the route. */
    bool check = !b->lists[L_LEG].had_errors;
    for (size_t r = 0; r < s->n_routes; r++) {
        af_scn_route *rt = &s->routes[r];
        const yt_node *it = item_node(b, L_ROUTE, r);
        size_t n_via = rt->n_nodes;
        size_t *via = rt->nodes;
        rt->nodes = NULL;
        rt->n_nodes = 0;
        if (rt->origin >= s->n_origins || rt->hub >= s->n_hubs || !it) continue;
        if (s->origins[rt->origin].node >= s->n_nodes || s->hubs[rt->hub].node >= s->n_nodes)
            continue;
        const yt_node *via_node = yt_map_get(it, "via");
        bool broken = false;
        for (size_t k = 0; k < n_via; k++) broken |= via[k] >= s->n_nodes;
        /* A `via` that failed to bind must not read as "no stops": it would add errors. */
        if (via_node && (via_node->kind == YT_SEQ ? via_node->n != n_via : n_via != 1))
            broken = true;
        if (broken) continue;
        size_t n = n_via + 2;
        size_t *nodes = arena_calloc(b->mem, n, sizeof *nodes);
        size_t *lg = arena_calloc(b->mem, n - 1, sizeof *lg);
        if (!nodes || !lg) {
            b->r->nomem = true;
            return;
        }
        nodes[0] = s->origins[rt->origin].node;
        for (size_t k = 0; k < n_via; k++) nodes[k + 1] = via[k];
        nodes[n - 1] = s->hubs[rt->hub].node;
        bool ok = true, crossing = false;
        for (size_t k = 0; k + 1 < n; k++) {
            if (s->nodes[nodes[k + 1]].kind == AF_SCN_CROSSING) crossing = true;
            lg[k] = find_leg(b, nodes[k], nodes[k + 1]);
            if (lg[k] != AF_SCN_NONE || !check) continue;
            /* Point at the node the missing leg should reach. */
            const yt_node *at = yt_map_get(it, "hub");
            if (k + 1 < n - 1 && via_node)
                at = via_node->kind == YT_SEQ ? via_node->items[k] : via_node;
            scn_error(b->r, at ? at->mark : it->mark,
                      "route '%s' is not connected: no leg goes from '%s' to '%s'", rt->name,
                      node_name(s, nodes[k]), node_name(s, nodes[k + 1]));
            ok = false;
        }
        if (ok && check && !crossing)
            scn_error(b->r, mark_of_key(b, L_ROUTE, r, "hub"),
                      "route '%s' reaches hub '%s' without passing a crossing", rt->name,
                      node_name(s, nodes[n - 1]));
        rt->nodes = nodes;
        rt->n_nodes = n;
        rt->legs = lg;
    }
}

static void origin_routes(binder *b)
{
    af_scenario *s = b->s;
    for (size_t r = 0; r < s->n_routes; r++) {
        size_t o = s->routes[r].origin;
        if (o < s->n_origins) s->origins[o].n_routes++;
    }
    for (size_t o = 0; o < s->n_origins; o++) {
        af_scn_origin *org = &s->origins[o];
        org->routes = arena_calloc(b->mem, org->n_routes, sizeof *org->routes);
        if (!org->routes) {
            b->r->nomem = true;
            return;
        }
        org->n_routes = 0;
    }
    for (size_t r = 0; r < s->n_routes; r++) {
        size_t o = s->routes[r].origin;
        if (o < s->n_origins) s->origins[o].routes[s->origins[o].n_routes++] = r;
    }
    /* A route that failed to bind may be the one that was meant to serve an origin. */
    if (b->ns_broken[NS_ROUTE] || b->lists[L_ROUTE].had_errors) return;

    for (size_t o = 0; o < s->n_origins; o++) {
        af_scn_origin *org = &s->origins[o];
        scn_mark om = mark_of_key(b, L_ORIGIN, o, "name");
        const char *oname = node_name(s, org->node);
        if (!oname[0]) continue;
        /* Shares are needed unless the origin's policy ignores them. */
        int policy = org->policy == AF_SCN_POLICY_OF_SCENARIO ? (int)s->policy : org->policy;
        bool fixed = policy != AF_SCN_SHORTEST_DELAY;
        if (org->n_routes == 0) {
            scn_error(b->r, om, "no route starts at origin '%s'; add a route with origin: %s",
                      oname, oname);
            continue;
        }
        if (fixed) {
            for (size_t k = 0; k < org->n_routes; k++) {
                af_scn_route *rt = &s->routes[org->routes[k]];
                if (rt->has_share) continue;
                if (org->n_routes == 1) {
                    rt->has_share = true;
                    rt->share = 1;
                } else {
                    scn_error(b->r, mark_of_key(b, L_ROUTE, org->routes[k], "name"),
                              "route '%s' needs a share: origin '%s' has %zu routes and the "
                              "routing policy is %s",
                              rt->name, oname, org->n_routes, policy_word[policy]);
                }
            }
        }
        /* Every category the plan dispatches needs a route that carries it, and under fixed
         * shares the shares of those routes must add up to 1. */
        for (size_t c = 0; c < s->n_categories; c++) {
            bool dispatched = false;
            for (size_t k = 0; k < org->n_steps; k++)
                if (org->steps[k].trucks && org->steps[k].trucks[c] > 0) dispatched = true;
            if (!dispatched) continue;
            size_t carriers = 0;
            double sum = 0;
            bool all_shares = true;
            for (size_t k = 0; k < org->n_routes; k++) {
                const af_scn_route *rt = &s->routes[org->routes[k]];
                if (!rt->carries || !rt->carries[c]) continue;
                carriers++;
                sum += rt->share;
                all_shares &= rt->has_share;
            }
            const char *cname = s->categories[c].name;
            if (carriers == 0) {
                scn_error(b->r, om, "origin '%s' dispatches %s but none of its routes carries "
                          "it", oname, cname);
            } else if (fixed && all_shares && fabs(sum - 1) > 1e-9) {
                scn_error(b->r, om, "the shares of the routes from '%s' that carry %s add up "
                          "to %.10g, not 1", oname, cname, sum);
            }
        }
    }
}

/* The first of `n` closures that lasts to the end of the horizon (ends at or after it), or
 * NULL. */
static const af_scn_period *closed_to_the_end(const af_scenario *s, const af_scn_period *p,
                                              size_t n)
{
    double end = (double)s->horizon_days * 1440;
    for (size_t i = 0; i < n; i++)
        if (p[i].from < end && p[i].to >= end) return &p[i];
    return NULL;
}

/* A route through a station or leg closed to the end of the horizon: legal (a planner's
 * "Rafah closes on 7 May"), but its trucks wait or divert from then on; say so. */
static void closed_routes(binder *b)
{
    af_scenario *s = b->s;
    for (size_t r = 0; r < s->n_routes; r++) {
        const af_scn_route *rt = &s->routes[r];
        if (!rt->nodes || !rt->legs) continue;
        for (size_t k = 0; k < rt->n_nodes; k++) {
            const af_scn_node *node = &s->nodes[rt->nodes[k]];
            const af_scn_station *st = node->kind == AF_SCN_INSPECTION ? &s->inspections[node->index].st
                                       : node->kind == AF_SCN_CROSSING ? &s->crossings[node->index].st
                                                                       : NULL;
            if (!st || !closed_to_the_end(s, st->closures, st->n_closures)) continue;
            scn_warning(b->r, mark_of_key(b, L_ROUTE, r, "name"),
                        "route '%s' passes '%s', closed to the end of the horizon; its trucks "
                        "%s from then on (routing.on_closure)",
                        rt->name, node->name,
                        s->on_closure == AF_SCN_CLOSURE_WAIT ? "wait there" : "divert or wait");
        }
        for (size_t k = 0; k + 1 < rt->n_nodes; k++) {
            const af_scn_leg *l = &s->legs[rt->legs[k]];
            if (!closed_to_the_end(s, l->closures, l->n_closures)) continue;
            scn_warning(b->r, mark_of_key(b, L_ROUTE, r, "name"),
                        "route '%s' takes leg '%s', closed to the end of the horizon", rt->name,
                        l->name);
        }
    }
}

/* Parts no route uses: legal, but in a hand-written network usually a slip. */
static void unused_parts(binder *b)
{
    af_scenario *s = b->s;
    bool *node_used = calloc(s->n_nodes + 1, sizeof *node_used);
    bool *leg_used = calloc(s->n_legs + 1, sizeof *leg_used);
    if (node_used && leg_used) {
        for (size_t r = 0; r < s->n_routes; r++) {
            const af_scn_route *rt = &s->routes[r];
            for (size_t k = 0; k < rt->n_nodes; k++) node_used[rt->nodes[k]] = true;
            for (size_t k = 0; k + 1 < rt->n_nodes; k++) leg_used[rt->legs[k]] = true;
        }
        static const list_id lists[] = {L_ORIGIN, L_INSPECTION, L_CROSSING, L_HUB};
        static const char *const what[] = {"origin", "inspection site", "crossing", "hub"};
        for (size_t n = 0; n < s->n_nodes; n++) {
            const af_scn_node *node = &s->nodes[n];
            if (node_used[n] || node->kind == AF_SCN_ORIGIN) continue; /* origins: an error */
            scn_warning(b->r, mark_of_key(b, lists[node->kind], node->index, "name"),
                        "%s '%s' is on no route", what[node->kind], node->name);
        }
        for (size_t l = 0; l < s->n_legs; l++)
            if (!leg_used[l])
                scn_warning(b->r, item_node(b, L_LEG, l) ? item_node(b, L_LEG, l)->mark
                                                         : (scn_mark){0, 0, 0},
                            "leg '%s' is on no route", s->legs[l].name);
    } else {
        b->r->nomem = true;
    }
    free(node_used);
    free(leg_used);
}

void validate_scenario(binder *b)
{
    if (b->r->nomem) return;
    regions_and_hubs(b);
    if (b->r->nomem) return;
    inspections(b);
    if (b->r->nomem) return;
    legs(b);
    if (b->r->nomem) return;
    route_paths(b);
    if (b->r->nomem) return;
    origin_routes(b);
    if (!b->r->nomem && !b->r->errors) unused_parts(b);
    if (!b->r->nomem && !b->r->errors) closed_routes(b);
}
