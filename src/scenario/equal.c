/* Equality of resolved scenarios, value by value: the round-trip tests rely on it, and an
 * experiment can tell whether two variants differ at all. */
#include <math.h>
#include <string.h>

#include "aidflow/scenario.h"

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return !strcmp(a, b);
}

/* Doubles compared bit for bit in value: the writer prints them exactly. NaN never appears
 * in a resolved scenario. */
static bool arr_eq(const double *a, const double *b, size_t n)
{
    if (!n) return true;
    if (!a || !b) return a == b;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

static bool idx_eq(const size_t *a, const size_t *b, size_t n)
{
    if (!n) return true;
    if (!a || !b) return a == b;
    return !memcmp(a, b, n * sizeof *a);
}

static bool bools_eq(const bool *a, const bool *b, size_t n)
{
    if (!n) return true;
    if (!a || !b) return a == b;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

static bool dist_eq(const af_scn_dist *a, const af_scn_dist *b)
{
    if (a->kind != b->kind) return false;
    if (a->kind == AF_DIST_EMPIRICAL)
        return a->n == b->n && arr_eq(a->values, b->values, a->n) &&
               arr_eq(a->weights, b->weights, a->n);
    return arr_eq(a->param, b->param, 3);
}

static bool periods_eq(const af_scn_period *a, size_t na, const af_scn_period *b, size_t nb)
{
    if (na != nb) return false;
    for (size_t i = 0; i < na; i++)
        if (a[i].from != b[i].from || a[i].to != b[i].to) return false;
    return true;
}

static bool hours_eq(const af_scn_hours *a, const af_scn_hours *b)
{
    if (a->weekly != b->weekly) return false;
    if (!a->weekly) return true;
    for (int d = 0; d < 7; d++) {
        if (a->n[d] != b->n[d]) return false;
        for (size_t i = 0; i < a->n[d]; i++)
            if (a->intervals[d][i].open != b->intervals[d][i].open ||
                a->intervals[d][i].close != b->intervals[d][i].close)
                return false;
    }
    return true;
}

static bool station_eq(const af_scn_station *a, const af_scn_station *b, size_t nc)
{
    if (a->node != b->node || a->lanes != b->lanes || !dist_eq(&a->service, &b->service))
        return false;
    if (!bools_eq(a->has_category_service, b->has_category_service, nc)) return false;
    for (size_t c = 0; c < nc; c++)
        if (a->has_category_service[c] &&
            !dist_eq(&a->category_service[c], &b->category_service[c]))
            return false;
    if (!hours_eq(&a->hours, &b->hours)) return false;
    if (!periods_eq(a->closures, a->n_closures, b->closures, b->n_closures)) return false;
    if (a->has_random_closures != b->has_random_closures) return false;
    if (a->has_random_closures && (a->closure_rate != b->closure_rate ||
                                   !dist_eq(&a->closure_duration, &b->closure_duration)))
        return false;
    if (a->has_opens != b->has_opens || (a->has_opens && a->opens != b->opens)) return false;
    return a->daily_cap == b->daily_cap && a->queue_limit == b->queue_limit &&
           a->discipline == b->discipline && a->at_closing == b->at_closing;
}

bool af_scenario_equal(const af_scenario *a, const af_scenario *b)
{
    if (!a || !b) return a == b;
    if (!str_eq(a->name, b->name) || !str_eq(a->description, b->description)) return false;
    if (a->n_sources != b->n_sources) return false;
    for (size_t i = 0; i < a->n_sources; i++)
        if (!str_eq(a->sources[i], b->sources[i])) return false;
    if (a->start_year != b->start_year || a->start_month != b->start_month ||
        a->start_day != b->start_day || a->start_weekday != b->start_weekday ||
        a->horizon_days != b->horizon_days || a->warmup_days != b->warmup_days ||
        a->seed != b->seed || a->replications != b->replications ||
        a->coverage_target != b->coverage_target || a->confidence != b->confidence ||
        a->policy != b->policy || a->policy_tolerance != b->policy_tolerance ||
        a->on_closure != b->on_closure || a->patience != b->patience)
        return false;

    size_t nc = a->n_categories;
    if (nc != b->n_categories) return false;
    for (size_t i = 0; i < nc; i++) {
        const af_scn_category *x = &a->categories[i], *y = &b->categories[i];
        if (!str_eq(x->name, y->name) || x->tonnes_per_truck != y->tonnes_per_truck ||
            x->daily_need != y->daily_need || x->dual_use != y->dual_use ||
            x->priority != y->priority || x->shelf_life_days != y->shelf_life_days)
            return false;
    }
    if (a->n_regions != b->n_regions) return false;
    for (size_t i = 0; i < a->n_regions; i++) {
        const af_scn_region *x = &a->regions[i], *y = &b->regions[i];
        if (!str_eq(x->name, y->name) || x->population != y->population || x->hub != y->hub ||
            x->n_shifts != y->n_shifts || !arr_eq(x->local_supply, y->local_supply, nc) ||
            !arr_eq(x->stock_days, y->stock_days, nc))
            return false;
        for (size_t k = 0; k < x->n_shifts; k++) {
            const af_scn_shift *p = &x->shifts[k], *q = &y->shifts[k];
            if (p->day != q->day || p->to != q->to || p->by_share != q->by_share ||
                p->people != q->people || p->share != q->share)
                return false;
        }
    }
    if (a->n_holds != b->n_holds) return false;
    for (size_t i = 0; i < a->n_holds; i++) {
        const af_scn_hold *x = &a->holds[i], *y = &b->holds[i];
        if (!str_eq(x->name, y->name) || !dist_eq(&x->duration, &y->duration) ||
            x->cleared != y->cleared || x->partial != y->partial || x->rejected != y->rejected ||
            x->offload_fraction != y->offload_fraction || x->on_reject != y->on_reject)
            return false;
        if (x->on_reject == AF_SCN_REDISPATCH && !dist_eq(&x->repack, &y->repack)) return false;
    }
    if (a->n_nodes != b->n_nodes) return false;
    for (size_t i = 0; i < a->n_nodes; i++)
        if (!str_eq(a->nodes[i].name, b->nodes[i].name) || a->nodes[i].kind != b->nodes[i].kind ||
            a->nodes[i].index != b->nodes[i].index)
            return false;
    if (a->n_origins != b->n_origins) return false;
    for (size_t i = 0; i < a->n_origins; i++) {
        const af_scn_origin *x = &a->origins[i], *y = &b->origins[i];
        if (x->node != y->node || x->dispatch != y->dispatch ||
            x->window_open != y->window_open || x->window_close != y->window_close ||
            x->n_steps != y->n_steps || x->has_stock != y->has_stock ||
            x->has_yard != y->has_yard || (x->has_yard && x->yard_capacity != y->yard_capacity) ||
            x->n_routes != y->n_routes || !idx_eq(x->routes, y->routes, x->n_routes))
            return false;
        for (size_t k = 0; k < x->n_steps; k++)
            if (x->steps[k].day != y->steps[k].day ||
                !arr_eq(x->steps[k].trucks, y->steps[k].trucks, nc))
                return false;
        if (x->has_stock &&
            (!arr_eq(x->stock, y->stock, nc) || !arr_eq(x->replenish, y->replenish, nc)))
            return false;
        if (x->sender != y->sender || !arr_eq(x->reaches_people, y->reaches_people, nc))
            return false;
        if (x->on_closure != y->on_closure ||
            !(x->patience == y->patience || (isnan(x->patience) && isnan(y->patience))))
            return false;
        if (x->policy != y->policy ||
            !(x->policy_tolerance == y->policy_tolerance ||
              (isnan(x->policy_tolerance) && isnan(y->policy_tolerance))))
            return false;
    }
    if (a->n_inspections != b->n_inspections) return false;
    for (size_t i = 0; i < a->n_inspections; i++) {
        const af_scn_inspection *x = &a->inspections[i], *y = &b->inspections[i];
        if (!station_eq(&x->st, &y->st, nc) || !arr_eq(x->flag, y->flag, nc) || x->hold != y->hold)
            return false;
    }
    if (a->n_crossings != b->n_crossings) return false;
    for (size_t i = 0; i < a->n_crossings; i++) {
        const af_scn_crossing *x = &a->crossings[i], *y = &b->crossings[i];
        if (!station_eq(&x->st, &y->st, nc) || x->has_transfer != y->has_transfer) return false;
        if (x->has_transfer && (x->transfer_lanes != y->transfer_lanes ||
                                !dist_eq(&x->transfer_service, &y->transfer_service)))
            return false;
        if (x->has_gaza_side != y->has_gaza_side) return false;
        if (x->has_gaza_side &&
            (x->gs_waiting_area != y->gs_waiting_area || x->gs_collection != y->gs_collection ||
             x->gs_denial != y->gs_denial || x->gs_denial_commercial != y->gs_denial_commercial ||
             x->gs_interception != y->gs_interception ||
             x->gs_return != y->gs_return ||
             !periods_eq(x->gs_pauses, x->gs_n_pauses, y->gs_pauses, y->gs_n_pauses)))
            return false;
    }
    if (a->n_hubs != b->n_hubs) return false;
    for (size_t i = 0; i < a->n_hubs; i++) {
        const af_scn_hub *x = &a->hubs[i], *y = &b->hubs[i];
        if (x->node != y->node || x->n_serves != y->n_serves ||
            !idx_eq(x->serves, y->serves, x->n_serves) || !arr_eq(x->stock, y->stock, nc) ||
            x->capacity != y->capacity || x->distribution != y->distribution)
            return false;
    }
    if (a->n_legs != b->n_legs) return false;
    for (size_t i = 0; i < a->n_legs; i++) {
        const af_scn_leg *x = &a->legs[i], *y = &b->legs[i];
        if (!str_eq(x->name, y->name) || x->from != y->from || x->to != y->to ||
            !dist_eq(&x->travel, &y->travel) || x->capacity != y->capacity ||
            x->loss != y->loss || x->has_escort != y->has_escort ||
            (x->has_escort && !dist_eq(&x->escort_wait, &y->escort_wait)) ||
            !periods_eq(x->closures, x->n_closures, y->closures, y->n_closures) ||
            x->has_opens != y->has_opens || (x->has_opens && x->opens != y->opens))
            return false;
    }
    if (a->n_routes != b->n_routes) return false;
    for (size_t i = 0; i < a->n_routes; i++) {
        const af_scn_route *x = &a->routes[i], *y = &b->routes[i];
        if (!str_eq(x->name, y->name) || x->origin != y->origin || x->hub != y->hub ||
            x->n_nodes != y->n_nodes || !idx_eq(x->nodes, y->nodes, x->n_nodes) ||
            !idx_eq(x->legs, y->legs, x->n_nodes ? x->n_nodes - 1 : 0) ||
            x->has_share != y->has_share || (x->has_share && x->share != y->share) ||
            !bools_eq(x->carries, y->carries, nc))
            return false;
    }
    /* Dated changes, as written; what they resolve to follows from them. */
    if (a->n_changes != b->n_changes) return false;
    for (size_t i = 0; i < a->n_changes; i++) {
        const af_scn_change *x = &a->changes[i], *y = &b->changes[i];
        if (x->at != y->at || x->n_set != y->n_set) return false;
        for (size_t k = 0; k < x->n_set; k++)
            if (!str_eq(x->set[k].path, y->set[k].path) ||
                !str_eq(x->set[k].value, y->set[k].value))
                return false;
    }
    /* Assumptions, by path: the canonical writer may put them in another order. */
    if (a->n_assumptions != b->n_assumptions) return false;
    for (size_t i = 0; i < a->n_assumptions; i++) {
        const af_scn_assumption *x = &a->assumptions[i];
        size_t k = af_scenario_find_assumption(b, x->path);
        if (k == AF_SCN_NONE) return false;
        const af_scn_assumption *y = &b->assumptions[k];
        if (x->value != y->value || x->lo != y->lo || x->hi != y->hi ||
            !str_eq(x->unit, y->unit) || x->integer != y->integer || x->prior != y->prior ||
            !str_eq(x->source, y->source))
            return false;
    }
    return true;
}
