/* aidflow — plain accessors for bindings (the Python module's ctypes) that should not copy
 * struct layouts: every value of a scenario's names, a result's tables and metrics, and the
 * error and diagnostics texts, through functions of scalars, strings and arrays of doubles.
 *
 * Nothing here is new behaviour: each function reads what af_scenario, af_result, af_error and
 * af_diagnostics already hold (aidflow/scenario.h, model.h, error.h).
 */
#ifndef AIDFLOW_ACCESS_H
#define AIDFLOW_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/export.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Frees what the functions below return as "freed with af_free". NULL is allowed. */
AF_API void af_free(void *p);

/* ---- errors and diagnostics --------------------------------------------------------------- */

/* sizeof(af_error), for a caller that allocates one as bytes. */
AF_API size_t af_error_size(void);
AF_API af_status af_error_status(const af_error *err);
AF_API const char *af_error_message(const af_error *err);
/* Every diagnostic as af_diagnostics_print writes it ("file:line:col: error: ...", the source
 * line, the caret), in one NUL-terminated string freed with af_free; NULL when out of memory. */
AF_API char *af_diagnostics_text(const af_diagnostics *d);

/* ---- the scenario ------------------------------------------------------------------------ */

AF_API const char *af_scenario_name(const af_scenario *s);
AF_API uint64_t af_scenario_seed(const af_scenario *s);
AF_API unsigned af_scenario_replications(const af_scenario *s);
AF_API double af_scenario_confidence(const af_scenario *s);
AF_API int af_scenario_horizon_days(const af_scenario *s);
AF_API size_t af_scenario_n_regions(const af_scenario *s);
AF_API size_t af_scenario_n_categories(const af_scenario *s);
/* Names by index; NULL when out of range. */
AF_API const char *af_scenario_region_name(const af_scenario *s, size_t i);
AF_API const char *af_scenario_category_name(const af_scenario *s, size_t i);

/* ---- one replication --------------------------------------------------------------------- */

/* af_model_run with its daily tables kept and no callbacks (what `aidflow run` does), stopped
 * early when *interrupt (if not NULL) becomes non-zero. */
AF_API af_status af_model_run_daily(const af_scenario *s, uint64_t seed, unsigned replication,
                                    volatile int *interrupt, af_result **out, af_error *err);

AF_API uint64_t af_result_seed(const af_result *r);
AF_API unsigned af_result_replication(const af_result *r);
AF_API int af_result_n_days(const af_result *r);
AF_API size_t af_result_n_regions(const af_result *r);
AF_API size_t af_result_n_categories(const af_result *r);
AF_API size_t af_result_n_stations(const af_result *r);
AF_API const char *af_result_station_name(const af_result *r, size_t i);
AF_API size_t af_result_bottleneck(const af_result *r);
AF_API size_t af_result_n_metrics(const af_result *r);
AF_API const char *af_result_metric_name(const af_result *r, size_t k);
/* NaN when k is out of range. */
AF_API double af_result_metric_value(const af_result *r, size_t k);

#define AF_DAILY_FIELDS 15   /* trucks, tonnes delivered, need, consumed, unmet, stock, the
                                hours dispatch to entry (mean, p95) and to delivery (mean, p95),
                                trucks inspected, entered, offloaded, collected, tonnes
                                distributed */
#define AF_STATION_FIELDS 10 /* arrivals ... open_hours, in af_station_day's order */

/* The daily table as n_days x n_regions x n_categories rows of AF_DAILY_FIELDS doubles in
 * af_daily_cell's order, into out[cap]. Returns the number of doubles the table has; copies
 * only when cap is at least that (0 when the result has no daily table). */
AF_API size_t af_result_daily_values(const af_result *r, double *out, size_t cap);
/* The same for the stations: n_days x n_stations rows of AF_STATION_FIELDS. */
AF_API size_t af_result_station_values(const af_result *r, double *out, size_t cap);

/* af_summarise_metric into out[5] = mean, sd, ci_low, ci_high, n. */
AF_API void af_summarise_metric_values(af_result *const *results, size_t n, size_t k,
                                       double confidence, double out[5]);

#ifdef __cplusplus
}
#endif
#endif
