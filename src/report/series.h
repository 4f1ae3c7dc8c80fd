/* Daily series accumulated over replications.
 *
 * A series is one quantity per reported day (tonnes of food delivered, the queue at one
 * station...). While a replication's rows are read, contributions are summed into the
 * replication's own values; when the replication ends (rp_set_flush), each day's value joins
 * that day's running mean and variance across replications (Welford). Memory is therefore per
 * day and series for the mean, and each replication's value of each day is kept as well (8
 * bytes a value, less than the CSV text it came from) for the band of the daily charts, the
 * 10th to 90th percentile of the replications (rp_series_band).
 */
#ifndef AF_REPORT_SERIES_H
#define AF_REPORT_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/stats.h"

typedef enum rp_series_kind {
    RP_DAILY,      /* the day's value */
    RP_CUMULATIVE, /* the running total from the first reported day */
    RP_RATIO,      /* numerator / denominator of the day (skipped when the denominator is 0) */
} rp_series_kind;

typedef struct rp_series {
    uint64_t key;
    rp_series_kind kind;
    int n_days;    /* days with storage */
    double *cur;   /* this replication's sums (numerators for RP_RATIO) */
    double *den;   /* denominators, RP_RATIO only */
    unsigned char *seen;
    af_tally *acc; /* across replications, per day (af_tally_summary for the interval) */
    struct rp_values *vals; /* per day: every replication's value, for percentiles */
} rp_series;

typedef struct rp_values {
    double *x;
    size_t n, cap;
} rp_values;

typedef struct rp_set {
    rp_series *s;
    size_t n, cap;
    size_t *slots;   /* open-addressing hash of keys -> index + 1 */
    size_t n_slots;
    int n_days;      /* highest day seen + 1 */
    bool nomem;
} rp_set;

/* Keys pack a kind of quantity and up to two name indices. */
static inline uint64_t rp_key(unsigned what, unsigned a, unsigned b)
{
    return ((uint64_t)what << 48) | ((uint64_t)a << 24) | (uint64_t)b;
}

void rp_set_free(rp_set *set);
/* Adds x (or x / den for RP_RATIO) to the series `key` on day index `day` (0-based) of the
 * current replication, creating the series on first use. NaN contributions are ignored.
 * False on out of memory. */
bool rp_set_add(rp_set *set, uint64_t key, rp_series_kind kind, int day, double x, double den);
/* Ends the current replication. */
void rp_set_flush(rp_set *set);
/* The p-quantile (0 <= p <= 1) of the replications' values on day index `day`, by linear
 * interpolation between order statistics (Hyndman and Fan's type 7, R's and numpy's default):
 * with the values sorted x[0] <= ... <= x[n-1] and h = p (n - 1), x[floor h] + (h - floor h)
 * (x[floor h + 1] - x[floor h]). NaN when the day has no value. */
double rp_series_quantile(const rp_series *s, int day, double p);
/* The band drawn around a daily mean: the 10th and 90th percentiles (RP_BAND_LO, RP_BAND_HI) of
 * the replications' values that day, so that one odd replication among ten moves the band by
 * a tenth of its distance from the others instead of spreading a t interval over the chart.
 * False (lo, hi NaN) when the day has fewer than two values or they are all equal. */
#define RP_BAND_LO 0.10
#define RP_BAND_HI 0.90
bool rp_series_band(const rp_series *s, int day, double *lo, double *hi);
/* The series with that key, or NULL. */
const rp_series *rp_set_find(const rp_set *set, uint64_t key);

#endif
