/* Dated changes: resolving `changes:` into the scenario in force from each date. */
#ifndef AF_SCENARIO_CHANGES_H
#define AF_SCENARIO_CHANGES_H

#include <stdbool.h>

#include "aidflow/scenario.h"
#include "scenario/load.h"

/* After the scenario `s` was bound from `root` without errors: sorts s->changes by date and
 * gives each its scenario in force, bound (into `mem`) from the tree with every change up to
 * it applied. Empirical distributions of those scenarios are added to *owned. The changes
 * node is removed from root. False after reporting a mistake (or out of memory). */
bool changes_resolve(loader *L, yt_node *root, af_scenario *s, arena *mem, af_dist ***owned,
                     size_t *n_owned);

#endif
