/* Legs between nodes: convoy slots per day, escorts, travel time and loss. Decisions only:
 * journey.c moves the trucks. */
#ifndef AF_MODEL_LEGS_H
#define AF_MODEL_LEGS_H

#include "model/model_state.h"

/* A trip about to start on a leg. */
typedef struct leg_trip {
    double minutes; /* escort wait (if any) and travel, never negative */
    bool lost;      /* the truck and its cargo are lost on the way (takes effect on arrival) */
} leg_trip;

/* Whether leg `leg` has a convoy slot left today (always, for a leg without a capacity). */
static inline bool legs_has_slot(const model *m, size_t leg)
{
    const leg_state *l = &m->legs[leg];
    return !l->cfg->capacity || l->started_today < l->cfg->capacity;
}

/* Takes a slot and draws the trip: travel, escort wait, loss. Call only when legs_has_slot. */
leg_trip legs_start_trip(model *m, size_t leg);

/* At midnight: the leg's convoy slots are free again. */
void legs_new_day(model *m, size_t leg);

#endif
