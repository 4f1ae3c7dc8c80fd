/* Closures of stations and legs: the dated ones of the scenario, and random station closures
 * drawn as a Poisson process with a duration distribution. */
#ifndef AF_MODEL_CLOSURES_H
#define AF_MODEL_CLOSURES_H

#include "model/model_state.h"

/* The engine schedule of a station: its weekly hours, its opening date and its dated
 * closures, shifted by the warm-up. NULL after setting err. */
af_schedule *closures_build_schedule(const model *m, const af_scn_station *cfg, af_error *err);

/* The end of the dated closure among `periods` that covers simulation time t, following
 * overlapping and touching closures; t itself when none covers it; INFINITY for a closure
 * without end. */
af_time closures_closed_until(const model *m, const af_scn_period *periods, size_t n, af_time t);

/* When leg `leg` is next open at or after t (t when open now). Inline: most legs have no
 * opening date and no closures, and then the answer is t without a call (what the dated
 * answer, closures_leg_open_dated, gives them too). */
af_time closures_leg_open_dated(const model *m, size_t leg, af_time t);
static inline af_time closures_leg_open_at(const model *m, size_t leg, af_time t)
{
    const af_scn_leg *cfg = m->legs[leg].cfg;
    return cfg->n_closures == 0 && !cfg->has_opens ? t : closures_leg_open_dated(m, leg, t);
}

/* Whether any station after node `from` of `route` or any leg of it from that node on is
 * closed at t, by a dated closure (or its opening date) or (stations) a random closure in
 * force. Works it out from tables made once for the scenario in force (model.closure_tables). */
bool closures_route_closed_from(model *m, size_t route, size_t from, af_time t);

/* Frees model.closure_tables. */
void closures_destroy(model *m);

/* Whether any station of scenario s can ever be closed, under s or under the scenario in
 * force after any of its dated changes: by weekly hours, an opening date, a dated closure,
 * random closures, or (a crossing) a Gaza-side waiting area with a limit, which shuts it when
 * full. A crossing's transfer stage keeps the crossing's schedule. False: every station is
 * open throughout every run of s, so no truck ever waits at a closed one. */
bool closures_any_station_may_close(const af_scenario *s);

/* Schedules the first random closure of a station whose scenario asks for them; AF_OK when
 * it has none. */
af_status closures_start_random(model *m, mstation *ms);

/* At midnight: books the scheduled-open minutes lost so far to random closures in force into
 * today's count, so that each day reports its own share. */
void closures_day_end(model *m);

#endif
