/* End-to-end times of trucks: from first dispatch to passing a crossing (entry) and to
 * unloading at the hub (delivery), everything on the way included (queues, time blocked
 * upstream, holds, repacking, convoy waits, closures, the Gaza side). journey.c reports the
 * two moments; the day's times go into the daily table by the day of the entry or delivery,
 * the horizon's into the per-run metrics, both written when the run ends (times_finish).
 * Percentiles are exact order statistics. */
#ifndef AF_MODEL_TIMES_H
#define AF_MODEL_TIMES_H

#include "model/model_state.h"

af_status times_init(model *m);
void times_destroy(model *m);

/* Truck t passed a crossing, or was unloaded at its hub, now. */
void times_entered(model *m, const truck *t);
void times_delivered(model *m, const truck *t);

/* At the end of a day: the day's times belong to reported day `report_day` (negative: a
 * warm-up day, dropped) and to the horizon. Days close in order, 0 first. */
void times_close_day(model *m, int report_day);

/* When the run ends: writes every closed day's times into its daily rows (empty, NaN, where
 * no truck) and takes the horizon's figures for times_horizon. An allocation failure marks
 * the run failed. */
void times_finish(model *m);

/* Sorts v[0..n) ascending (any doubles but NaN): what the means and percentiles above are
 * taken from, the means summed in this order, by the same sort times_finish uses: the
 * doubles' bits by their most significant digits, insertion for short runs. */
void times_sort(double *v, size_t n);

/* The nearest-rank p-th percentile (0 < p <= 100) of x[0..n) sorted ascending: the
 * ceil(p n / 100)-th smallest. NaN when n is 0. */
double times_percentile(const double *sorted, size_t n, unsigned p);

/* Over the reported horizon, hours (after times_finish): `delivery` false for dispatch to
 * entry, true for dispatch to delivery. NaN when no truck. */
void times_horizon(const model *m, bool delivery, double *mean_h, double *p95_h);

#endif
