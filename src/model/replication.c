/* One replication: building it from the scenario, its day cycle, the run loop, and tearing it
 * down. See model_state.h for the map of src/model/.
 *
 * The day cycle. Every midnight runs these phases, in this order (ev_midnight):
 *
 *   1. close_day        (not at time 0) random closures book today's lost minutes; regions
 *                       consume from their hubs; stock past its shelf life spoils; the
 *                       day's hub and station rows are recorded, with which element bound
 *                       (binding.c); the day's end-to-end times are closed (times.c, which
 *                       writes their daily rows when the run ends); the conservation check
 *                       is reported
 *   2. warmup_snapshot  at the end of the warm-up the ledger is copied, so that per-run
 *                       metrics count the horizon only
 *   3. reset_stations   stations start the new day's counts
 *   4. stop?            after the last day, or when interrupted, the run stops here
 *   5. apply_changes    dated changes due at this midnight take effect (changes.c); those
 *                       at another minute are calendar events of their own
 *   6. shift_population people move between regions on the shifts dated today
 *   7. unload_hubs      consumption made room: trucks waiting at full hubs unload first
 *   8. dispatch         origins replenish stock and follow today's plan step
 *   9. release_legs     convoy slots are free again; trucks held back for them start first
 *  10. next midnight    scheduled
 *
 * Between midnights the calendar runs the trucks' events (journey.c), station services
 * (the engine), Poisson dispatches (origins.c) and random closures (closures.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/binding.h"
#include "model/changes.h"
#include "model/closures.h"
#include "model/windows.h"
#include "model/gaza_side.h"
#include "model/hubs.h"
#include "model/journey.h"
#include "model/model_state.h"
#include "model/origins.h"
#include "model/positions.h"
#include "model/results.h"
#include "model/routing.h"
#include "model/times.h"
#include "model/shelf_life.h"
#include "model/trucks.h"

static af_status add_station(model *m, mstation_kind kind, size_t scn_index,
                             const af_scn_station *cfg, const char *name, af_error *err)
{
    mstation *ms = &m->stations[m->n_stations];
    memset(ms, 0, sizeof *ms);
    ms->m = m;
    ms->kind = kind;
    ms->scn_index = scn_index;
    ms->cfg = cfg;
    ms->transfer = SIZE_MAX;
    af_tally_reset(&ms->wait_total);
    af_tally_reset(&ms->blocked_total);
    const af_scn_crossing *cx = kind == MS_TRANSFER ? &m->scn->crossings[scn_index] : NULL;
    size_t len = strlen(name) + sizeof ".transfer";
    ms->name = malloc(len);
    if (!ms->name) return af_error_set(err, AF_NOMEM, "out of memory");
    snprintf(ms->name, len, "%s%s", name, kind == MS_TRANSFER ? ".transfer" : "");
    /* A transfer stage keeps the crossing's hours and closures. */
    ms->sched = closures_build_schedule(m, kind == MS_TRANSFER ? &cx->st : cfg, err);
    ms->service_rng = model_stream(m, "service", ms->name, NULL);
    bool holds_ok = true;
    if (kind == MS_INSPECTION) {
        size_t nc = m->scn->n_categories;
        ms->holds = calloc(nc + 1, sizeof *ms->holds);
        holds_ok = ms->holds != NULL;
        for (size_t c = 0; holds_ok && c < nc; c++) {
            char cat[300];
            snprintf(cat, sizeof cat, "/%s", m->scn->categories[c].name);
            hold_streams *hs = &ms->holds[c];
            hs->flag = model_stream(m, "flag", name, cat);
            hs->duration = model_stream(m, "hold_duration", name, cat);
            hs->outcome = model_stream(m, "hold_outcome", name, cat);
            holds_ok = hs->flag && hs->duration && hs->outcome;
        }
    }
    ms->closure_rng = kind != MS_TRANSFER ? model_stream(m, "closure", name, NULL) : NULL;
    if (!ms->sched || !ms->service_rng || !holds_ok || (kind != MS_TRANSFER && !ms->closure_rng))
        return err && err->status != AF_OK ? err->status
                                           : af_error_set(err, AF_NOMEM, "out of memory");
    /* A station without hours, opening date or dated closures (a transfer stage: its
     * crossing's) is open whenever it is not closed by the model (random closures, a full
     * Gaza side): its schedule is open at every time, and the engine is given none, which
     * answers the same and lets it take its short way for a station without one. The model
     * keeps the schedule (ms->sched) for its own counts; a dated change that gives the
     * station hours gives the engine the new schedule (changes.c). */
    const af_scn_station *own = kind == MS_TRANSFER ? &cx->st : cfg;
    bool always_open = !own->hours.weekly && !own->has_opens && own->n_closures == 0;
    af_station_config sc = {.name = ms->name,
                            .lanes = kind == MS_TRANSFER ? cx->transfer_lanes : cfg->lanes,
                            .discipline = kind == MS_TRANSFER ? AF_QUEUE_FCFS : cfg->discipline,
                            .queue_limit = kind == MS_TRANSFER ? 0 : cfg->queue_limit,
                            .daily_cap = kind == MS_TRANSFER ? 0 : cfg->daily_cap,
                            .schedule = always_open ? NULL : ms->sched,
                            .wip = kind == MS_TRANSFER ? cx->st.at_closing : cfg->at_closing};
    ms->lanes = sc.lanes;
    af_station_hooks hooks = {.done = journey_station_done, .admitted = journey_station_admitted,
                              .ctx = ms};
    if (m->base->n_changes) hooks.service = journey_station_service;
    /* At a crossing with a Gaza side, a truck takes a place in its waiting area when it starts. */
    if (kind == MS_CROSSING && m->scn->crossings[scn_index].has_gaza_side)
        hooks.started = journey_station_started;
    af_status st = af_station_create(&ms->st, m->sim, &sc, &hooks, err);
    if (st != AF_OK) return st;
    m->n_stations++;
    if (closures_start_random(m, ms) != AF_OK) return af_error_set(err, AF_NOMEM, "out of memory");
    return AF_OK;
}

static af_status build(model *m, af_error *err)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories;
    m->warmup_minutes = s->warmup_days * AF_MINUTES_PER_DAY;
    m->total_days = s->warmup_days + s->horizon_days;
    m->free_truck = NO_TRUCK;
    m->sim = af_sim_create(4096);
    size_t n_transfer = 0;
    for (size_t i = 0; i < s->n_crossings; i++) n_transfer += s->crossings[i].has_transfer;
    m->stations = calloc(s->n_inspections + s->n_crossings + n_transfer + 1, sizeof *m->stations);
    m->node_station = malloc((s->n_nodes + 1) * sizeof *m->node_station);
    m->legs = calloc(s->n_legs + 1, sizeof *m->legs);
    m->dispatchers = calloc(s->n_origins * nc + 1, sizeof *m->dispatchers);
    m->route_rngs = calloc(s->n_origins + 1, sizeof *m->route_rngs);
    m->repack_rngs = calloc(s->n_origins * nc + 1, sizeof *m->repack_rngs);
    m->origin_stock = calloc(s->n_origins * nc + 1, sizeof *m->origin_stock);
    m->yard_held = calloc(s->n_origins + 1, sizeof *m->yard_held);
    m->held_back = calloc(2 * s->n_origins + 1, sizeof *m->held_back);
    m->place_trucks = calloc(s->n_nodes * AF_N_POSITIONS + 1, sizeof *m->place_trucks);
    m->leg_waiting = calloc(s->n_legs + 1, sizeof *m->leg_waiting);
    m->population = calloc(s->n_regions + 1, sizeof *m->population);
    m->people_stock = calloc(s->n_regions * nc + 1, sizeof *m->people_stock);
    m->people_took = calloc(s->n_regions * nc + 1, sizeof *m->people_took);
    m->people_used = calloc(s->n_regions * nc + 1, sizeof *m->people_used);
    m->people_today = calloc(s->n_hubs * nc + 1, sizeof *m->people_today);
    m->hub_stock = calloc(s->n_hubs * nc + 1, sizeof *m->hub_stock);
    m->hub_total = calloc(s->n_hubs + 1, sizeof *m->hub_total); /* none known */
    m->hub_in_trucks = calloc(s->n_hubs * nc + 1, sizeof *m->hub_in_trucks);
    m->hub_in_tonnes = calloc(s->n_hubs * nc + 1, sizeof *m->hub_in_tonnes);
    m->hub_day_basis = calloc(s->n_hubs * nc * N_BASES + 1, sizeof *m->hub_day_basis);
    m->hub_wait = calloc(s->n_hubs + 1, sizeof *m->hub_wait);
    if (!m->hub_total || !m->hub_wait || !m->sim || !m->stations || !m->node_station || !m->legs || !m->dispatchers ||
        !m->route_rngs || !m->repack_rngs || !m->origin_stock || !m->yard_held || !m->held_back || !m->place_trucks || !m->leg_waiting || !m->population || !m->hub_stock ||
        !m->people_stock || !m->people_took || !m->people_used || !m->people_today ||
        !m->hub_in_trucks || !m->hub_in_tonnes || !m->hub_day_basis)
        return af_error_set(err, AF_NOMEM, "out of memory building the model");

    for (size_t n = 0; n < s->n_nodes; n++) m->node_station[n] = SIZE_MAX;
    af_status st;
    for (size_t i = 0; i < s->n_inspections; i++) {
        const af_scn_inspection *in = &s->inspections[i];
        m->node_station[in->st.node] = m->n_stations;
        if ((st = add_station(m, MS_INSPECTION, i, &in->st, s->nodes[in->st.node].name, err)) != AF_OK)
            return st;
    }
    for (size_t i = 0; i < s->n_crossings; i++) {
        const af_scn_crossing *cx = &s->crossings[i];
        m->node_station[cx->st.node] = m->n_stations;
        if ((st = add_station(m, MS_CROSSING, i, &cx->st, s->nodes[cx->st.node].name, err)) != AF_OK)
            return st;
    }
    for (size_t i = 0; i < s->n_crossings; i++) {
        const af_scn_crossing *cx = &s->crossings[i];
        if (!cx->has_transfer) continue;
        m->stations[m->node_station[cx->st.node]].transfer = m->n_stations;
        if ((st = add_station(m, MS_TRANSFER, i, NULL, s->nodes[cx->st.node].name, err)) != AF_OK)
            return st;
    }
    for (size_t i = 0; i < s->n_legs; i++) {
        leg_state *l = &m->legs[i];
        l->cfg = &s->legs[i];
        l->travel_rng = model_stream(m, "travel", s->legs[i].name, NULL);
        l->loss_rng = model_stream(m, "loss", s->legs[i].name, NULL);
        if (s->legs[i].has_escort) l->escort_rng = model_stream(m, "escort", s->legs[i].name, NULL);
        if (!l->travel_rng || !l->loss_rng || (s->legs[i].has_escort && !l->escort_rng))
            return af_error_set(err, AF_NOMEM, "out of memory");
    }
    for (size_t o = 0; o < s->n_origins; o++) {
        const char *name = s->nodes[s->origins[o].node].name;
        m->route_rngs[o] = model_stream(m, "route", name, NULL);
        if (!m->route_rngs[o]) return af_error_set(err, AF_NOMEM, "out of memory");
        for (size_t c = 0; c < nc; c++) {
            char cat[300];
            snprintf(cat, sizeof cat, "/%s", s->categories[c].name);
            m->repack_rngs[o * nc + c] = model_stream(m, "repack", name, cat);
            if (!m->repack_rngs[o * nc + c]) return af_error_set(err, AF_NOMEM, "out of memory");
            if (s->origins[o].has_stock) m->origin_stock[o * nc + c] = s->origins[o].stock[c];
        }
    }
    m->node_route_rngs = calloc(s->n_origins * s->n_nodes + 1, sizeof *m->node_route_rngs);
    m->heading = calloc(s->n_routes + 1, sizeof *m->heading);
    if (!m->node_route_rngs || !m->heading) return af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t o = 0; o < s->n_origins; o++) {
        const af_scn_origin *org = &s->origins[o];
        for (size_t k = 0; k < org->n_routes; k++) {
            const af_scn_route *r = &s->routes[org->routes[k]];
            for (size_t pos = 1; pos + 1 < r->n_nodes; pos++) {
                af_rng **slot = &m->node_route_rngs[o * s->n_nodes + r->nodes[pos]];
                if (*slot || !routing_diverges(m, o, org->routes[k], pos, 0, false)) continue;
                char at[300];
                snprintf(at, sizeof at, "@%s", s->nodes[r->nodes[pos]].name);
                *slot = model_stream(m, "route", s->nodes[org->node].name, at);
                if (!*slot) return af_error_set(err, AF_NOMEM, "out of memory");
            }
        }
    }
    for (size_t r = 0; r < s->n_regions; r++) m->population[r] = s->regions[r].population;
    for (size_t h = 0; h < s->n_hubs; h++)
        for (size_t c = 0; c < nc; c++) {
            m->hub_stock[h * nc + c] = s->hubs[h].stock[c];
            m->initial_hub_stock += s->hubs[h].stock[c];
        }
    if ((st = shelf_life_build(m)) != AF_OK) return af_error_set(err, st, "out of memory");
    if ((st = origins_init(m)) != AF_OK) return af_error_set(err, st, "out of memory");
    if (changes_schedule(m) != AF_OK) return af_error_set(err, AF_NOMEM, "out of memory");
    if ((st = gaza_side_build(m)) != AF_OK) return af_error_set(err, st, "out of memory");
    if ((st = times_init(m)) != AF_OK || (st = binding_init(m)) != AF_OK)
        return af_error_set(err, st, "out of memory");
    if ((st = results_init(m)) != AF_OK) return st;
    return windows_init(m, err);
}

/* What add_station made besides the engine station (NULL parts are skipped). */
static void destroy_station_parts(const model *m, mstation *ms)
{
    af_schedule_destroy(ms->sched);
    af_rng_destroy(ms->service_rng);
    af_rng_destroy(ms->redraw_rng);
    for (size_t c = 0; ms->holds && c < m->scn->n_categories; c++) {
        af_rng_destroy(ms->holds[c].flag);
        af_rng_destroy(ms->holds[c].duration);
        af_rng_destroy(ms->holds[c].outcome);
    }
    free(ms->holds);
    af_rng_destroy(ms->closure_rng);
    free(ms->name);
}

static void destroy(model *m)
{
    times_destroy(m);
    routing_destroy(m);
    closures_destroy(m);
    binding_destroy(m);
    for (size_t i = 0; i < m->n_stations; i++) {
        af_station_destroy(m->stations[i].st);
        destroy_station_parts(m, &m->stations[i]);
    }
    /* A station that failed half-way through add_station is not counted; free its parts. */
    if (m->stations) destroy_station_parts(m, &m->stations[m->n_stations]);
    for (size_t i = 0; m->legs && i < m->scn->n_legs; i++) {
        af_rng_destroy(m->legs[i].travel_rng);
        af_rng_destroy(m->legs[i].escort_rng);
        af_rng_destroy(m->legs[i].loss_rng);
        free(m->legs[i].wait.ids);
    }
    size_t nd = m->scn->n_origins * m->scn->n_categories;
    for (size_t i = 0; m->dispatchers && i < nd; i++) {
        af_rng_destroy(m->dispatchers[i].rng);
        af_rng_destroy(m->dispatchers[i].count_rng);
    }
    for (size_t i = 0; m->repack_rngs && i < nd; i++) af_rng_destroy(m->repack_rngs[i]);
    for (size_t o = 0; m->route_rngs && o < m->scn->n_origins; o++) af_rng_destroy(m->route_rngs[o]);
    free(m->stations);
    free(m->node_station);
    free(m->legs);
    free(m->dispatchers);
    free(m->route_rngs);
    if (m->node_route_rngs)
        for (size_t i = 0; i < m->scn->n_origins * m->scn->n_nodes; i++)
            af_rng_destroy(m->node_route_rngs[i]);
    free(m->node_route_rngs);
    free(m->heading);
    free(m->repack_rngs);
    free(m->origin_stock);
    free(m->yard_held);
    free(m->held_back);
    free(m->place_trucks);
    free(m->leg_waiting);
    free(m->population);
    free(m->people_stock);
    free(m->people_took);
    free(m->people_used);
    free(m->people_today);
    free(m->hub_stock);
    free(m->hub_total);
    free(m->hub_in_trucks);
    free(m->hub_in_tonnes);
    free(m->hub_day_basis);
    for (size_t h = 0; m->hub_wait && h < m->scn->n_hubs; h++) free(m->hub_wait[h].ids);
    free(m->hub_wait);
    gaza_side_destroy(m);
    shelf_life_destroy(m);
    free(m->trucks);
    free(m->cov_day_delivered);
    free(m->cov_day_need);
    free(m->consumed_by_category);
    free(m->region_need);
    free(m->region_consumed);
    free(m->region_delivered);
    free(m->region_days_below);
    windows_free(m);
    af_sim_destroy(m->sim);
}

#ifndef NDEBUG
/* Every count of the ledger only grows from 0. */
static bool ledger_non_negative(const ledger *l)
{
    return l->trucks_dispatched >= 0 && l->trucks_redispatched >= 0 && l->trucks_entered >= 0 &&
           l->trucks_delivered >= 0 && l->trucks_held >= 0 && l->trucks_cleared_after_hold >= 0 &&
           l->trucks_rejected >= 0 && l->trucks_written_off >= 0 && l->trucks_lost >= 0 &&
           l->trucks_unsupplied >= 0 && l->tonnes_dispatched >= 0 && l->tonnes_delivered >= 0 &&
           l->tonnes_lost >= 0 && l->tonnes_written_off >= 0 && l->tonnes_offloaded >= 0 &&
           l->tonnes_consumed >= 0 && l->tonnes_need >= 0;
}
#endif

#ifndef NDEBUG
/* Truck by truck, on the Gaza side: every truck that entered was offloaded or returned, and
 * every one offloaded and not yet collected is in a waiting area, in state OFFLOADED. */
static bool gaza_side_counts_hold(const model *m)
{
    ledger all = model_ledger_all(m);
    const ledger *a = &all;
    size_t offloaded_state = 0;
    for (uint32_t i = 0; i < m->n_trucks_cap; i++)
        if (m->trucks[i].alive && m->trucks[i].state == TRUCK_OFFLOADED) offloaded_state++;
    size_t waiting = gaza_side_waiting(m);
    return a->trucks_entered == a->trucks_offloaded + a->trucks_returned &&
           a->trucks_offloaded - a->trucks_collected == (double)waiting && offloaded_state == waiting;
}
#endif

/* Tonnes dispatched less every place they can be: 0 when every tonne is accounted for. */
static double tonnes_residual(const ledger *a, double in_system)
{
    return a->tonnes_dispatched -
           (a->tonnes_delivered + a->tonnes_lost + a->tonnes_written_off + a->tonnes_offloaded +
            a->tonnes_returned + a->tonnes_returned_to_origin + in_system);
}

#ifndef NDEBUG
/* Trucks dispatched less those gone (delivered, lost, written off, returned at offloading or
 * to their origin) are the live trucks: for all of them and for each sender class. */
static bool trucks_conserved(const model *m)
{
    double live[AF_SCN_N_SENDERS] = {0};
    for (uint32_t i = 0; i < m->n_trucks_cap; i++)
        if (m->trucks[i].alive) live[m->trucks[i].sender]++;
    double all = 0;
    ledger total = model_ledger_all(m);
    for (int k = 0; k <= AF_SCN_N_SENDERS; k++) {
        const ledger *l = k < AF_SCN_N_SENDERS ? &m->by_sender[k] : &total;
        double n = k < AF_SCN_N_SENDERS ? live[k] : all;
        if (k < AF_SCN_N_SENDERS) all += live[k];
        if (l->trucks_dispatched - (l->trucks_delivered + l->trucks_lost + l->trucks_written_off +
                                    l->trucks_returned + l->trucks_returned_to_origin) != n)
            return false;
    }
    return all == (double)m->live_trucks;
}
#endif

static void check_conservation(model *m, int report_day)
{
#ifndef NDEBUG
    ledger total = model_ledger_all(m);
    assert(ledger_non_negative(&total));
#endif
#ifndef NDEBUG
    /* A pass over the whole pool, which grows with the backlog: taken at a midnight once at
     * least as many events have run since the last one as the pool has trucks, so that it
     * costs O(1) an event and a long run stays linear. */
    uint64_t ran = af_sim_events_run(m->sim);
    if (ran - m->pool_checked_at >= m->n_trucks_cap) {
        m->pool_checked_at = ran;
        assert(gaza_side_counts_hold(m));
        assert(trucks_conserved(m));
        assert(positions_check(m));
    }
#endif
    if (!m->opts || !m->opts->on_midnight) return;
    ledger all = model_ledger_all(m);
    const ledger *a = &all;
    /* The tonnes in the system, of every live truck and of each sender class's, counted
     * truck by truck in one pass over the pool, each sum in the pool's order (the order
     * trucks_tonnes_in_system sums in). */
    double in_system = 0, mine[AF_SCN_N_SENDERS] = {0};
    for (uint32_t i = 0; i < m->n_trucks_cap; i++) {
        const truck *t = &m->trucks[i];
        if (!t->alive) continue;
        in_system += t->tonnes;
        mine[t->sender] += t->tonnes;
    }
    double residual = tonnes_residual(a, in_system);
    /* And for each sender class: the residual reported is the largest. */
    for (int k = 0; k < AF_SCN_N_SENDERS; k++) {
        double r = tonnes_residual(&m->by_sender[k], mine[k]);
        if (fabs(r) > fabs(residual) || isnan(r)) residual = r;
    }
    double stock = 0;
    size_t n = m->scn->n_hubs * m->scn->n_categories;
    for (size_t i = 0; i < n; i++) stock += m->hub_stock[i];
    /* What people keep at home counts with the hubs' stock (0 without stock_days). */
    for (size_t i = 0; i < m->scn->n_regions * m->scn->n_categories; i++) stock += m->people_stock[i];
    double stock_residual = stock - (m->initial_hub_stock + a->tonnes_delivered -
                                     a->tonnes_outside_need - a->tonnes_consumed -
                                     a->tonnes_spoiled);
    m->opts->on_midnight(m->opts->ctx, report_day, residual, stock_residual);
}

/* Phase 1: the end of a day. Regions consume from their hubs; the reported day (negative
 * during the warm-up: not recorded) is recorded; the conservation residuals are reported. */
static void close_day(model *m, int report_day)
{
    const af_scenario *s = m->scn;
    closures_day_end(m);
    for (size_t h = 0; h < s->n_hubs; h++) {
        for (size_t c = 0; c < s->n_categories; c++) {
            double need, used;
            hubs_consume(m, h, c, &need, &used);
            hubs_spoil(m, h, c, report_day + s->warmup_days);
            if (report_day >= 0) results_record_hub(m, report_day, h, c, need, used);
        }
    }
    if (report_day >= 0) results_record_stations(m, report_day);
    if (report_day >= 0 && m->res->positions) positions_record(m, report_day);
    times_close_day(m, report_day);
    binding_close_day(m, report_day);
    windows_record_day(m, report_day);
    hubs_clear_day(m);
    check_conservation(m, report_day);
}

/* Phase 3. */
static void reset_stations(model *m)
{
    for (size_t i = 0; i < m->n_stations; i++) {
        mstation *ms = &m->stations[i];
        af_station_reset_stats(ms->st);
        ms->flagged_today = ms->rejected_today = 0;
        ms->closed_minutes_today = 0;
    }
}

static void ev_midnight(af_sim *sim, void *ctx, uint64_t arg)
{
    model *m = ctx;
    int sim_day = (int)arg; /* the day that starts now */
    int warm = m->scn->warmup_days;
    if (sim_day > 0) close_day(m, sim_day - 1 - warm);
    if (sim_day == warm) { /* warmup_snapshot */
        m->at_warmup = model_ledger_all(m);
        memcpy(m->by_sender_at_warmup, m->by_sender, sizeof m->by_sender);
        memcpy(m->held_back + m->scn->n_origins, m->held_back, m->scn->n_origins * sizeof *m->held_back);
        m->start_trucks = (double)m->live_trucks;
        m->start_tonnes = trucks_tonnes_in_system(m);
        trucks_by_stage(m, m->start_stage_trucks, m->start_stage_tonnes);
    }
    reset_stations(m);
    if (sim_day >= m->total_days || (m->opts && m->opts->interrupt && *m->opts->interrupt)) {
        af_sim_stop(sim);
        return;
    }
    changes_apply_due(m);
    int scn_day = sim_day - warm;
    if (scn_day >= 0) hubs_apply_shifts(m, scn_day);
    journey_unload_waiting(m);
    origins_start_day(m, sim_day);
    journey_release_leg_queues(m);
    journey_wake_collection(m);
    if (!af_sim_schedule_at(sim, (sim_day + 1) * AF_MINUTES_PER_DAY, ev_midnight, m, (uint64_t)sim_day + 1))
        m->failed = true;
}

af_status af_model_run(const af_scenario *scn, uint64_t seed, unsigned replication,
                       const af_model_options *opts, af_result **out, af_error *err)
{
    *out = NULL;
    if (!scn) return af_error_set(err, AF_INVAL, "no scenario");
    model m;
    memset(&m, 0, sizeof m);
    m.scn = scn;
    m.base = scn;
    m.opts = opts;
    m.seed = seed;
    m.rep = replication;
    af_status st = build(&m, err);
    if (st == AF_OK) {
        if (!af_sim_schedule_at(m.sim, 0, ev_midnight, &m, 0) ||
            !journey_start_closure_checks(&m)) {
            st = af_error_set(err, AF_NOMEM, "out of memory");
        } else {
            /* The last midnight stops the run; events scheduled beyond it stay pending. */
            af_sim_run_until(m.sim, INFINITY);
            /* Once a run at least, however short: where the trucks are, truck by truck. */
            assert(m.failed || positions_check(&m));
            bool interrupted = opts && opts->interrupt && *opts->interrupt;
            /* Naming the metrics allocates too: its failure is a failure of the run. */
            if (!m.failed && !interrupted) results_finish(&m);
            if (m.failed)
                st = af_error_set(err, AF_NOMEM, "out of memory during the run");
            else if (interrupted)
                st = af_error_set(err, AF_INTERRUPTED, "interrupted");
        }
    }
    if (st == AF_OK) {
        *out = m.res;
        m.res = NULL;
    }
    af_result_free(m.res);
    destroy(&m);
    return st;
}

void af_model_estimate(const af_scenario *s, double *bytes, double *events)
{
    double trucks_per_day = 0, max_rate = 0;
    for (size_t o = 0; o < s->n_origins; o++)
        for (size_t k = 0; k < s->origins[o].n_steps; k++) {
            double day = 0;
            for (size_t c = 0; c < s->n_categories; c++) day += s->origins[o].steps[k].trucks[c];
            if (day > max_rate) max_rate = day;
            trucks_per_day += day / (double)s->origins[o].n_steps;
        }
    (void)max_rate;
    double days = (double)s->horizon_days + s->warmup_days;
    double hops = 2;
    for (size_t i = 0; i < s->n_routes; i++)
        if ((double)s->routes[i].n_nodes > hops) hops = (double)s->routes[i].n_nodes;
    double n_stations = (double)(s->n_inspections + 2 * s->n_crossings);
    /* Engine events: per truck a dispatch, an arrival per leg, a completion per station, a
     * hold end now and then; per day a midnight. */
    if (events) *events = trucks_per_day * days * (2 * hops + 1) + days;
    /* Memory: trucks that may pile up (a worst case of every truck of the run in queues),
     * the daily tables, and 5 KB of generator state per random stream. */
    double streams = (double)(s->n_origins * (3 * s->n_categories + 1) + 2 * n_stations +
                              3 * s->n_inspections * s->n_categories + 3 * s->n_legs);
    double daily = (double)s->horizon_days *
                   ((double)(s->n_regions * s->n_categories) * sizeof(af_daily_cell) +
                    n_stations * sizeof(af_station_day));
    if (bytes) *bytes = trucks_per_day * days * 64 + daily + streams * 5200 + 1e6;
}
