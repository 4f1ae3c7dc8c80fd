/* What a truck waiting at a closure does: the origin's on_closure action and patience, and the
 * best open alternative from where the truck is (asked by the journey, which moves it). */
#ifndef AF_MODEL_DIVERT_H
#define AF_MODEL_DIVERT_H

#include "model/model_state.h"

/* A way out of a closure: go back `back_minutes` to node `at` of `route` (a route of the
 * truck's origin that agrees with its own up to that node) and go on from there. */
typedef struct divert_plan {
    bool go;
    size_t route;
    size_t at;
    double back_minutes;
} divert_plan;

/* The origin's action at a closure (its own or the scenario's) and, in *patience, its
 * patience in minutes. */
af_scn_on_closure divert_action(const model *m, size_t origin, double *patience);

/* The best way out for a truck of `category` from `origin` at node `pos` of `route`, held
 * there by a closure it expects to keep it `stay` more minutes (INFINITY: unknown or for
 * good). `at_leg`: it is at the start of the closed leg from node pos (an alternative may
 * leave from node pos itself); else it is queued at the closed station at node pos. The
 * alternatives part from the truck's route at or before where it is, are open now from
 * there on, and are expected (mean travel back, then route delay) to be quicker than
 * staying. Under `return`, the way out is back to the origin (node 0), whatever is open. */
divert_plan divert_best(model *m, size_t origin, size_t category, size_t route, size_t pos,
                        bool at_leg, double stay, af_scn_on_closure action);

#endif
