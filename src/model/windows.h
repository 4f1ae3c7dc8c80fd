/* Window metrics: a figure over a date window of the horizon (af_model_window_parse), from a
 * snapshot of the ledger at every reported midnight and each region's need and consumption
 * per day. Nothing is kept unless the run's options ask for windows. */
#ifndef AF_MODEL_WINDOWS_H
#define AF_MODEL_WINDOWS_H

#include "model/model_state.h"

/* Parses and checks the options' windows and allocates the daily records (after
 * results_init). AF_INVAL names the window that is wrong. */
af_status windows_init(model *m, af_error *err);
/* The ledger at the end of reported day `report_day` (in close_day, after consumption). */
void windows_record_day(model *m, int report_day);
/* What region `region` needed and consumed of `category` on reported day `report_day`. */
void windows_record_region(model *m, int report_day, size_t region, size_t category,
                           double need, double consumed);
/* The number of windows, and the value of window i over the run (after the last day). */
size_t windows_count(const model *m);
double windows_value(const model *m, size_t i);
void windows_free(model *m);

#endif
