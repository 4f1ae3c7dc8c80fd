/* Building one replication and running its day cycle. See model_internal.h for the map. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

uint32_t model_new_truck(model *m)
{
    if (m->free_truck == NO_TRUCK) {
        uint64_t cap = m->n_trucks_cap ? (uint64_t)m->n_trucks_cap * 2 : 1024;
        if (cap >= NO_TRUCK) return NO_TRUCK;
        truck *t = realloc(m->trucks, (size_t)cap * sizeof *t);
        if (!t) return NO_TRUCK;
        m->trucks = t;
        for (uint64_t i = cap; i-- > m->n_trucks_cap;) {
            t[i].alive = false;
            t[i].next_free = m->free_truck;
            m->free_truck = (uint32_t)i;
        }
        m->n_trucks_cap = (uint32_t)cap;
    }
    uint32_t id = m->free_truck;
    truck *t = &m->trucks[id];
    m->free_truck = t->next_free;
    memset(t, 0, sizeof *t);
    t->alive = true;
    m->live_trucks++;
    return id;
}

void model_free_truck(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    t->alive = false;
    t->tonnes = 0;
    t->next_free = m->free_truck;
    m->free_truck = id;
    m->live_trucks--;
}

af_time model_sim_time_of_scn_minutes(const model *m, double minutes)
{
    return minutes + m->warmup_minutes;
}

/* The engine schedule of a station: weekly hours and dated closures, shifted by the warm-up. */
static af_schedule *build_schedule(const model *m, const af_scn_station *cfg, af_error *err)
{
    int wd0 = ((m->scn->start_weekday - m->scn->warmup_days) % 7 + 7) % 7;
    af_schedule *s = af_schedule_create(wd0);
    if (!s) return NULL;
    if (cfg && cfg->hours.weekly) {
        bool any = false;
        for (int d = 0; d < 7; d++) {
            for (size_t i = 0; i < cfg->hours.n[d]; i++) {
                const af_scn_interval *iv = &cfg->hours.intervals[d][i];
                if (af_schedule_add_hours(s, d, iv->open, iv->close, err) != AF_OK) goto fail;
                any = true;
            }
        }
        /* Closed every day of the week: a closure over all time says so. */
        if (!any && af_schedule_add_closure(s, -INFINITY, INFINITY, err) != AF_OK) goto fail;
    }
    for (size_t i = 0; cfg && i < cfg->n_closures; i++) {
        af_time from = model_sim_time_of_scn_minutes(m, cfg->closures[i].from);
        af_time to = model_sim_time_of_scn_minutes(m, cfg->closures[i].to);
        if (af_schedule_add_closure(s, from, to, err) != AF_OK) goto fail;
    }
    return s;
fail:
    af_schedule_destroy(s);
    return NULL;
}

static af_rng *stream(const model *m, const char *purpose, const char *name, const char *suffix)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s/%s%s", purpose, name, suffix ? suffix : "");
    return af_rng_create(m->seed, m->rep, buf);
}

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
    const af_scn_crossing *cx = kind == MS_TRANSFER ? &m->scn->crossings[scn_index] : NULL;
    size_t len = strlen(name) + sizeof ".transfer";
    ms->name = malloc(len);
    if (!ms->name) return af_error_set(err, AF_NOMEM, "out of memory");
    snprintf(ms->name, len, "%s%s", name, kind == MS_TRANSFER ? ".transfer" : "");
    /* A transfer stage keeps the crossing's hours and closures. */
    ms->sched = build_schedule(m, kind == MS_TRANSFER ? &cx->st : cfg, err);
    ms->service_rng = stream(m, "service", ms->name, NULL);
    ms->flag_rng = kind == MS_INSPECTION ? stream(m, "hold", name, NULL) : NULL;
    ms->closure_rng = kind != MS_TRANSFER ? stream(m, "closure", name, NULL) : NULL;
    if (!ms->sched || !ms->service_rng || (kind == MS_INSPECTION && !ms->flag_rng) ||
        (kind != MS_TRANSFER && !ms->closure_rng))
        return err && err->status != AF_OK ? err->status
                                           : af_error_set(err, AF_NOMEM, "out of memory");
    af_station_config sc = {.name = ms->name,
                            .lanes = kind == MS_TRANSFER ? cx->transfer_lanes : cfg->lanes,
                            .discipline = kind == MS_TRANSFER ? AF_QUEUE_FCFS : cfg->discipline,
                            .queue_limit = kind == MS_TRANSFER ? 0 : cfg->queue_limit,
                            .daily_cap = kind == MS_TRANSFER ? 0 : cfg->daily_cap,
                            .schedule = ms->sched,
                            .wip = kind == MS_TRANSFER ? cx->st.at_closing : cfg->at_closing};
    ms->lanes = sc.lanes;
    af_station_hooks hooks = {.done = move_station_done, .ctx = ms};
    af_status st = af_station_create(&ms->st, m->sim, &sc, &hooks, err);
    if (st != AF_OK) return st;
    m->n_stations++;
    if (kind != MS_TRANSFER && cfg->has_random_closures && cfg->closure_rate > 0) {
        double gap = -log(af_rng_uniform_pos(ms->closure_rng)) * AF_MINUTES_PER_DAY / cfg->closure_rate;
        if (!af_sim_schedule(m->sim, gap, move_random_closure_start, ms, 0))
            return af_error_set(err, AF_NOMEM, "out of memory");
    }
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
    m->repack_rngs = calloc(s->n_origins + 1, sizeof *m->repack_rngs);
    m->origin_stock = calloc(s->n_origins * nc + 1, sizeof *m->origin_stock);
    m->population = calloc(s->n_regions + 1, sizeof *m->population);
    m->hub_stock = calloc(s->n_hubs * nc + 1, sizeof *m->hub_stock);
    m->hub_in_trucks = calloc(s->n_hubs * nc + 1, sizeof *m->hub_in_trucks);
    m->hub_in_tonnes = calloc(s->n_hubs * nc + 1, sizeof *m->hub_in_tonnes);
    m->hub_wait = calloc(s->n_hubs + 1, sizeof *m->hub_wait);
    if (!m->hub_wait || !m->sim || !m->stations || !m->node_station || !m->legs || !m->dispatchers ||
        !m->route_rngs || !m->repack_rngs || !m->origin_stock || !m->population || !m->hub_stock ||
        !m->hub_in_trucks || !m->hub_in_tonnes)
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
        l->travel_rng = stream(m, "travel", s->legs[i].name, NULL);
        l->loss_rng = stream(m, "loss", s->legs[i].name, NULL);
        if (!l->travel_rng || !l->loss_rng) return af_error_set(err, AF_NOMEM, "out of memory");
    }
    for (size_t o = 0; o < s->n_origins; o++) {
        const char *name = s->nodes[s->origins[o].node].name;
        m->route_rngs[o] = stream(m, "route", name, NULL);
        m->repack_rngs[o] = stream(m, "repack", name, NULL);
        if (!m->route_rngs[o] || !m->repack_rngs[o]) return af_error_set(err, AF_NOMEM, "out of memory");
        for (size_t c = 0; c < nc; c++)
            if (s->origins[o].has_stock) m->origin_stock[o * nc + c] = s->origins[o].stock[c];
    }
    for (size_t r = 0; r < s->n_regions; r++) m->population[r] = s->regions[r].population;
    for (size_t h = 0; h < s->n_hubs; h++)
        for (size_t c = 0; c < nc; c++) {
            m->hub_stock[h * nc + c] = s->hubs[h].stock[c];
            m->initial_hub_stock += s->hubs[h].stock[c];
        }
    if ((st = dispatch_init(m)) != AF_OK) return af_error_set(err, st, "out of memory");
    return results_init(m);
}

static void destroy(model *m)
{
    for (size_t i = 0; i < m->n_stations; i++) {
        mstation *ms = &m->stations[i];
        af_station_destroy(ms->st);
        af_schedule_destroy(ms->sched);
        af_rng_destroy(ms->service_rng);
        af_rng_destroy(ms->flag_rng);
        af_rng_destroy(ms->closure_rng);
        free(ms->name);
    }
    /* A station that failed half-way through add_station is not counted; free its parts. */
    if (m->stations) {
        mstation *ms = &m->stations[m->n_stations];
        af_schedule_destroy(ms->sched);
        af_rng_destroy(ms->service_rng);
        af_rng_destroy(ms->flag_rng);
        af_rng_destroy(ms->closure_rng);
        free(ms->name);
    }
    for (size_t i = 0; m->legs && i < m->scn->n_legs; i++) {
        af_rng_destroy(m->legs[i].travel_rng);
        af_rng_destroy(m->legs[i].loss_rng);
        free(m->legs[i].wait.ids);
    }
    size_t nd = m->scn->n_origins * m->scn->n_categories;
    for (size_t i = 0; m->dispatchers && i < nd; i++) af_rng_destroy(m->dispatchers[i].rng);
    for (size_t o = 0; o < m->scn->n_origins; o++) {
        if (m->route_rngs) af_rng_destroy(m->route_rngs[o]);
        if (m->repack_rngs) af_rng_destroy(m->repack_rngs[o]);
    }
    free(m->stations);
    free(m->node_station);
    free(m->legs);
    free(m->dispatchers);
    free(m->route_rngs);
    free(m->repack_rngs);
    free(m->origin_stock);
    free(m->population);
    free(m->hub_stock);
    free(m->hub_in_trucks);
    free(m->hub_in_tonnes);
    for (size_t h = 0; m->hub_wait && h < m->scn->n_hubs; h++) free(m->hub_wait[h].ids);
    free(m->hub_wait);
    free(m->trucks);
    free(m->cov_day_delivered);
    free(m->cov_day_need);
    free(m->consumed_by_category);
    af_sim_destroy(m->sim);
}

/* Tonnes on trucks still on their way, summed truck by truck: an independent count that the
 * conservation check sets against the ledger. */
double model_tonnes_in_system(const model *m)
{
    double sum = 0;
    for (uint32_t i = 0; i < m->n_trucks_cap; i++)
        if (m->trucks[i].alive) sum += m->trucks[i].tonnes;
    return sum;
}

static void check_conservation(model *m, int report_day)
{
    if (!m->opts || !m->opts->on_midnight) return;
    const ledger *a = &m->all;
    double in_system = model_tonnes_in_system(m);
    double residual = a->tonnes_dispatched -
                      (a->tonnes_delivered + a->tonnes_lost + a->tonnes_written_off +
                       a->tonnes_offloaded + in_system);
    double stock = 0;
    size_t n = m->scn->n_hubs * m->scn->n_categories;
    for (size_t i = 0; i < n; i++) stock += m->hub_stock[i];
    double stock_residual = stock - (m->initial_hub_stock + a->tonnes_delivered - a->tonnes_consumed);
    m->opts->on_midnight(m->opts->ctx, report_day, residual, stock_residual);
}

/* The end of a day: regions consume from their hubs; the reported day is recorded. */
static void consume(model *m, int report_day)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories;
    for (size_t h = 0; h < s->n_hubs; h++) {
        for (size_t c = 0; c < nc; c++) {
            double need = 0;
            for (size_t r = 0; r < s->n_regions; r++)
                if (s->regions[r].hub == h) need += m->population[r] * s->categories[c].daily_need;
            double *stock = &m->hub_stock[h * nc + c];
            double used = need < *stock ? need : *stock;
            *stock -= used;
            m->all.tonnes_consumed += used;
            m->all.tonnes_need += need;
            if (report_day >= 0) results_record_hub(m, report_day, h, c, need, used);
        }
    }
    if (report_day >= 0) results_record_stations(m, report_day);
    for (size_t i = 0; i < s->n_hubs * nc; i++) m->hub_in_trucks[i] = m->hub_in_tonnes[i] = 0;
}

static void apply_shifts(model *m, int scn_day)
{
    const af_scenario *s = m->scn;
    for (size_t r = 0; r < s->n_regions; r++) {
        const af_scn_region *reg = &s->regions[r];
        for (size_t i = 0; i < reg->n_shifts; i++) {
            const af_scn_shift *sh = &reg->shifts[i];
            if (sh->day != scn_day) continue;
            double moved = sh->by_share ? m->population[r] * sh->share : sh->people;
            if (moved > m->population[r]) moved = m->population[r];
            m->population[r] -= moved;
            m->population[sh->to] += moved;
        }
    }
}

static void station_day_end(model *m)
{
    af_time now = af_sim_now(m->sim);
    for (size_t i = 0; i < m->n_stations; i++) {
        mstation *ms = &m->stations[i];
        if (ms->closed_depth > 0) {
            ms->closed_minutes_today += af_schedule_open_minutes(ms->sched, ms->closed_since, now);
            ms->closed_since = now;
        }
    }
}

static void station_day_reset(model *m)
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
    if (sim_day > 0) {
        station_day_end(m);
        consume(m, sim_day - 1 - warm);
        check_conservation(m, sim_day - 1 - warm);
    }
    if (sim_day == warm) m->at_warmup = m->all;
    station_day_reset(m);
    if (sim_day >= m->total_days) {
        af_sim_stop(sim);
        return;
    }
    if (m->opts && m->opts->interrupt && *m->opts->interrupt) {
        af_sim_stop(sim);
        return;
    }
    int scn_day = sim_day - warm;
    if (scn_day >= 0) apply_shifts(m, scn_day);
    /* Consumption made room in full warehouses: waiting trucks unload first thing. */
    hubs_unload_waiting(m);
    dispatch_start_day(m, sim_day);
    legs_start_day(m);
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
    m.opts = opts;
    m.seed = seed;
    m.rep = replication;
    af_status st = build(&m, err);
    if (st == AF_OK) {
        if (!af_sim_schedule_at(m.sim, 0, ev_midnight, &m, 0)) {
            st = af_error_set(err, AF_NOMEM, "out of memory");
        } else {
            /* The last midnight stops the run; events scheduled beyond it stay pending. */
            af_sim_run_until(m.sim, INFINITY);
            if (m.failed)
                st = af_error_set(err, AF_NOMEM, "out of memory during the run");
            else if (opts && opts->interrupt && *opts->interrupt)
                st = af_error_set(err, AF_INTERRUPTED, "interrupted");
        }
    }
    if (st == AF_OK) {
        results_finish(&m);
        *out = m.res;
        m.res = NULL;
    }
    af_result_free(m.res);
    destroy(&m);
    return st;
}
