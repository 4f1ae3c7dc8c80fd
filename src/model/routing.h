/* Which route a truck takes from its origin: the candidates (routes of the origin that carry
 * its category), their shares, and the scenario's policy: fixed_shares, shortest_delay or
 * reroute_on_closure. */
#ifndef AF_MODEL_ROUTING_H
#define AF_MODEL_ROUTING_H

#include "model/model_state.h"

/* The route for truck t leaving its origin now, or SIZE_MAX when none carries its category
 * (or out of memory, which also fails the run). Draws one uniform from the origin's route
 * stream whatever the policy and the outcome. */
size_t routing_choose(model *m, const truck *t);

#endif
