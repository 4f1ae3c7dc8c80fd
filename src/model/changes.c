/* Dated changes (`changes:` of the scenario). Each change carries the whole scenario in force
 * from its date (the scenario layer resolved it); applying it points the model at that
 * scenario, so every parameter read afterwards (a service time, a flag
 * rate, a leg's capacity, travel, loss and escort, route shares, the policy, a hold, an
 * origin's plan and replenishment) is the new one. What the engine or the model keeps
 * besides is set here through small setters:
 *
 *   lanes            af_station_set_lanes: more lanes start waiting trucks at once; with
 *                    fewer, trucks in service on the lanes given up finish, then the lane
 *                    takes no one (a crossing closing a lane to new trucks)
 *   hours            a schedule built from the new hours (with the same closures and opening
 *                    date) replaces the station's (af_station_set_schedule); a change during
 *                    a day reports that day's open hours from the new schedule
 *   daily_cap        af_station_set_daily_cap, counted against today's starts so far
 *   queue_limit      af_station_set_queue_limit: more room admits blocked trucks at once
 *   origin stock     the stock becomes the new table's (a delivery or a loss of stock)
 *   population       the region's population becomes the new value (people already moved
 *                    by shifts are replaced by it)
 *   service          drawn at arrival as always; a truck that starts service after its
 *                    station's service time changed is served with a new draw from the time
 *                    in force (journey_station_service, stream service_redraw/<station>)
 *
 * Timing: a change at midnight is applied in the midnight phase apply_changes, after the
 * day before was recorded and before the day's dispatch; a change at another time is a
 * calendar event at that minute. A plan step changed on a date takes effect at the next
 * midnight, when origins read their plan. Dates are scenario times, shifted by the warm-up.
 */
#include <assert.h>
#include <math.h>

#include "model/changes.h"
#include "model/closures.h"

static void ev_change(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    changes_apply_due(ctx);
}

af_status changes_schedule(model *m)
{
    for (size_t k = 0; k < m->base->n_changes; k++) {
        double at = m->base->changes[k].at;
        if (fmod(at, AF_MINUTES_PER_DAY) == 0) continue; /* the midnight phase applies it */
        af_time t = model_sim_time_of_scn_minutes(m, at);
        if (!af_sim_schedule_at(m->sim, t, ev_change, m, k)) return AF_NOMEM;
    }
    return AF_OK;
}

static const af_scn_station *station_cfg(const af_scenario *s, const mstation *ms)
{
    switch (ms->kind) {
    case MS_INSPECTION: return &s->inspections[ms->scn_index].st;
    case MS_CROSSING: return &s->crossings[ms->scn_index].st;
    case MS_TRANSFER: break;
    }
    return NULL;
}

static void set_lanes(model *m, mstation *ms, unsigned lanes)
{
    if (lanes == ms->lanes) return;
    if (af_station_set_lanes(ms->st, lanes) != AF_OK) {
        model_fail(m);
        return;
    }
    ms->lanes = lanes;
    ms->lanes_varied = true;
}

static bool same_hours(const af_scn_hours *a, const af_scn_hours *b)
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

/* New opening hours: a schedule built from the scenario in force replaces the station's. */
static void set_hours(model *m, mstation *ms, const af_scn_station *now)
{
    af_error err;
    af_error_clear(&err);
    af_schedule *s = closures_build_schedule(m, now, &err);
    if (!s) {
        model_fail(m);
        return;
    }
    af_station_set_schedule(ms->st, s);
    af_schedule_destroy(ms->sched);
    ms->sched = s;
    ms->open_known = false; /* the closure check's answer was the old schedule's */
}

static void switch_to(model *m, const af_scenario *to)
{
    const af_scenario *from = m->scn;
    size_t nc = to->n_categories;
    for (size_t i = 0; i < m->n_stations; i++) {
        mstation *ms = &m->stations[i];
        if (ms->kind == MS_TRANSFER) {
            /* A transfer stage keeps its crossing's hours. */
            const af_scn_station *was = &from->crossings[ms->scn_index].st;
            const af_scn_station *now = &to->crossings[ms->scn_index].st;
            set_lanes(m, ms, to->crossings[ms->scn_index].transfer_lanes);
            if (!same_hours(&was->hours, &now->hours)) set_hours(m, ms, now);
            continue;
        }
        const af_scn_station *was = ms->cfg, *now = station_cfg(to, ms);
        set_lanes(m, ms, now->lanes);
        if (!same_hours(&was->hours, &now->hours)) set_hours(m, ms, now);
        if (now->daily_cap != was->daily_cap) af_station_set_daily_cap(ms->st, now->daily_cap);
        if (now->queue_limit != was->queue_limit)
            af_station_set_queue_limit(ms->st, now->queue_limit);
        ms->cfg = now;
    }
    for (size_t i = 0; i < to->n_legs; i++) {
        leg_state *l = &m->legs[i];
        l->cfg = &to->legs[i];
        if (l->cfg->has_escort && !l->escort_rng) {
            l->escort_rng = model_stream(m, "escort", to->legs[i].name, NULL);
            if (!l->escort_rng) model_fail(m);
        }
    }
    for (size_t o = 0; o < to->n_origins; o++) {
        const af_scn_origin *was = &from->origins[o], *now = &to->origins[o];
        if (!now->has_stock) continue;
        bool same = was->has_stock;
        for (size_t c = 0; same && c < nc; c++) same = was->stock[c] == now->stock[c];
        if (!same)
            for (size_t c = 0; c < nc; c++) m->origin_stock[o * nc + c] = now->stock[c];
    }
    for (size_t r = 0; r < to->n_regions; r++)
        if (to->regions[r].population != from->regions[r].population)
            m->population[r] = to->regions[r].population;
    m->scn = to;
}

void changes_apply_due(model *m)
{
    const af_scenario *b = m->base;
    af_time now = af_sim_now(m->sim);
    while (m->changes_applied < b->n_changes &&
           model_sim_time_of_scn_minutes(m, b->changes[m->changes_applied].at) <= now) {
        /* Every change puts a scenario of its own in force: what is kept per scenario in
         * force (routing.c's cache and its opening memo) is then made afresh. */
        assert(b->changes[m->changes_applied].in_force != m->scn);
        switch_to(m, b->changes[m->changes_applied].in_force);
        m->changes_applied++;
    }
}
