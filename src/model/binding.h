/* The binding constraint: which station, leg or Gaza-side waiting area limits throughput,
 * decided day by day, and the share of the reported horizon each one bound.
 *
 * At the end of each reported day, an element is a candidate when trucks are waiting at it
 * at midnight and it held them back that day:
 *   a station (inspection, crossing, transfer stage): trucks queued or blocked upstream at
 *     midnight, and it was closed all day, or worked at 90% or more of its open lane-minutes
 *     (utilisation while open >= 0.9), or served its daily cap;
 *   a leg: trucks waiting at its start at midnight (its convoy slots of the day were used,
 *     or it is closed);
 *   a crossing's Gaza side: trucks awaiting collection at midnight, and its waiting area was
 *     full (the crossing shut) at some time that day.
 * A candidate with another candidate downstream of it on one of the routes through it does
 * not bind: what waits upstream waits for the downstream one (along a route a truck meets a
 * node's station, then a crossing's transfer stage, then its Gaza side, then the leg to the
 * next node). Of the candidates left (one per saturated branch, e.g. parallel crossings) the
 * one with the most trucks waiting at midnight binds, the first in the metrics' order on
 * ties. A day with no candidate is limited by what the origins dispatch (`none`). */
#ifndef AF_MODEL_BINDING_H
#define AF_MODEL_BINDING_H

#include "model/model_state.h"

af_status binding_init(model *m);
void binding_destroy(model *m);

/* At the end of reported day `report_day` (negative: warm-up, not counted), before the
 * stations' day counts are reset and after results_record_stations took the day's open
 * minutes. */
void binding_close_day(model *m, int report_day);

/* The elements, in the metrics' order: stations, then legs, then Gaza sides. */
size_t binding_count(const model *m);
/* Days element i bound over the horizon; the name of its metric is written to buf. Returns
 * false for an element that reports no metric (a crossing without a Gaza side). */
bool binding_element(const model *m, size_t i, double *days, char *buf, size_t len);
/* Days nothing bound. */
double binding_none_days(const model *m);

#endif
