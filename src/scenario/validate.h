/* Whole-scenario checks and the last resolving steps, after binding. */
#ifndef AF_SCENARIO_VALIDATE_H
#define AF_SCENARIO_VALIDATE_H

#include "scenario/bind.h"

void validate_scenario(binder *b);

#endif
