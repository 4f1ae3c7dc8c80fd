/* Holding yards: an origin's loaded trucks waiting for a place in a limited queue on their
 * route (scenarios/README.md, "Holding yard"). */
#ifndef AF_MODEL_YARDS_H
#define AF_MODEL_YARDS_H

#include "model/model_state.h"

/* True when origin `o` has a yard and every place in it is taken: its next planned truck is
 * held back. */
static inline bool yards_full(const model *m, size_t o)
{
    const af_scn_origin *org = &m->scn->origins[o];
    return org->has_yard && m->yard_held[o] >= org->yard_capacity;
}
/* Truck `id`, just dispatched, takes a place in its origin's yard (if the origin has one). */
void yards_take(model *m, uint32_t id);
/* Truck `id`, without a place, comes to a limited station after an earlier one admitted it:
 * it takes a place again (if its origin has a yard), marked yard_again, until admitted. */
void yards_take_again(model *m, uint32_t id);
/* Truck `id` took a place in a limited queue: it gives up its yard place, if it held one. */
void yards_leave(model *m, uint32_t id);
/* Whether any origin has a yard, in the scenario as loaded or after a dated change. */
bool yards_any(const model *m);

#endif
