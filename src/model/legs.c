/* Legs: a leg with a capacity starts at most that many trucks a day (convoy slots); a trip
 * takes the escort wait (for a leg with an escort) plus the travel time, and a truck is lost
 * on it with the leg's loss probability. */
#include "model/legs.h"

leg_trip legs_start_trip(model *m, size_t leg)
{
    leg_state *l = &m->legs[leg];
    const af_scn_leg *cfg = l->cfg;
    assert(legs_has_slot(m, leg));
    l->started_today++;
    double delay = af_dist_sample(&cfg->travel.dist, l->travel_rng);
    if (cfg->has_escort) delay += af_dist_sample(&cfg->escort_wait.dist, l->escort_rng);
    leg_trip trip = {.minutes = delay < 0 ? 0 : delay};
    /* One uniform per trip, whatever the loss rate (0 included) and the outcome. */
    trip.lost = af_rng_uniform(l->loss_rng) < cfg->loss;
    return trip;
}

void legs_new_day(model *m, size_t leg) { m->legs[leg].started_today = 0; }
