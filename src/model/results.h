/* What a replication reports: the daily tables and the named per-run metrics. */
#ifndef AF_MODEL_RESULTS_H
#define AF_MODEL_RESULTS_H

#include "model/model_state.h"

/* Allocates the result and the per-day tallies (after the stations are built). */
af_status results_init(model *m);
/* Records reported day `report_day` of one hub and category (before today's deliveries are
 * cleared): what it received, needed and used. */
void results_record_hub(model *m, int report_day, size_t hub, size_t category, double need,
                        double used);
/* Records reported day `report_day` of every station and adds it to the horizon totals;
 * keeps each station's open minutes of the day (open_today) for binding_close_day. */
void results_record_stations(model *m, int report_day);
/* Names the per-run metrics. An allocation failure marks the run failed (m->failed). */
void results_finish(model *m);

#endif
