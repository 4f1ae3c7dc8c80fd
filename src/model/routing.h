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

/* The route for truck t leaving node t->pos (> 0) of its route now: its own route when the
 * origin's routes that agree with it up to this node do not part here (no uniform drawn),
 * else a decision under the origin's policy among them (one uniform from
 * route/<origin>@<node>). Keeps t->pos valid: the new route has the same nodes up to pos. */
size_t routing_at_node(model *m, const truck *t);

/* Whether routes of `origin` that agree with `route` up to node `pos` (and carry `category`,
 * when use_category) part there. */
bool routing_diverges(const model *m, size_t origin, size_t route, size_t pos, size_t category,
                      bool use_category);

/* Expected minutes from node `from` of `route` to its hub for a truck of `category` leaving
 * now (queues, closures with a known end, mean service, travel and escort waits). */
double routing_expected_delay(const model *m, size_t route, size_t from, size_t category);

/* routing_expected_delay when it is below `limit`; otherwise a value that is not below it
 * (no less, or NaN), often without working out the whole delay (NaN: never cut short). */
double routing_expected_delay_below(const model *m, size_t route, size_t from, size_t category,
                                    double limit);

/* af_dist_mean of leg `leg`'s travel, and of the service of station `station` (not a
 * transfer stage) for `category`, in the scenario in force: the same doubles, from the
 * routing cache when it is made. */
double routing_travel_mean(const model *m, size_t leg);
double routing_service_mean(const model *m, size_t station, size_t category);

/* What divert_best (divert.c) asks of the routes again and again, worked out once with the
 * routing cache for the scenario in force: the same doubles as its own loops.
 *   parts_at[own * n_routes + r]  the node where route r parts from route own (the first
 *                                 leg they do not share), SIZE_MAX when r does not go on
 *                                 from a node of own there
 *   back[(route * max_nodes + k) * max_nodes + pos]   the mean minutes of the legs of route
 *                                 from node k to node pos, added in order from 0 (0 when
 *                                 pos <= k)
 *   slowest[(route * max_nodes + k) * n_categories + c]   the most of mean service / lanes
 *                                 of route's stations after node k for category c (from 0) */
typedef struct routing_divert_tables {
    size_t n_routes, max_nodes, n_categories;
    const size_t *parts_at;
    const double *back;
    const double *slowest;
} routing_divert_tables;

/* The tables, or NULL when the routing cache is not made for the scenario in force. */
const routing_divert_tables *routing_divert(const model *m);

/* Frees what routing worked out once for the scenario in force (model.routing). */
void routing_destroy(model *m);

/* The origin's policy (its own or the scenario's) and, in *tolerance, its tolerance. */
af_scn_policy routing_policy(const model *m, size_t origin, double *tolerance);

#endif
