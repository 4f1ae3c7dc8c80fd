/* Dated changes: from each change's date on, the model reads the scenario in force. */
#ifndef AF_MODEL_CHANGES_H
#define AF_MODEL_CHANGES_H

#include "model/model_state.h"

/* Schedules the changes that fall between midnights as calendar events. Call once at build,
 * before the first midnight is scheduled. AF_NOMEM when the calendar cannot grow. */
af_status changes_schedule(model *m);

/* Applies every change of the base scenario due by now (the midnight phase apply_changes,
 * and the events of changes_schedule). */
void changes_apply_due(model *m);

#endif
