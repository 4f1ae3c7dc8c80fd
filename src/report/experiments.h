/* The outputs of `aidflow compare`, `aidflow sweep` and `aidflow target` read back.
 *
 * Their CSV files are read by column name; see docs/OUTPUTS.md. Columns this reader does not
 * know are ignored, so the writers may add some.
 */
#ifndef AF_REPORT_EXPERIMENTS_H
#define AF_REPORT_EXPERIMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"
#include "report/json.h"
#include "report/run.h"

/* compare.csv: one row per metric, A and B on common random numbers, and their paired
 * difference B - A. */
typedef struct rp_compare {
    char *dir;
    char *label_a, *label_b;   /* the scenarios' names, or "A" and "B" */
    size_t n;
    char **metric;
    double *a_mean, *a_lo, *a_hi;
    double *b_mean, *b_lo, *b_hi;
    double *d_mean, *d_lo, *d_hi;
    double *n_pairs;
    signed char *significant;  /* 1, 0, or -1 when the file does not say */
    rp_json *meta;             /* compare.json or summary.json beside it, if any */
    rp_run runs[2];            /* run outputs of A and B in subdirectories, if any */
    bool has_run[2];
} rp_compare;

/* sweep.csv or target.csv: one row per design point and metric. */
typedef struct rp_sweep {
    char *dir;
    bool is_target;
    size_t n_params;
    char **params;             /* the varied parameters' paths (column names) */
    size_t n_rows;
    double *values;            /* [row * n_params + p] */
    size_t *metric;            /* [row]: index into metrics */
    double *mean, *lo, *hi, *n;
    signed char *meets;        /* target: 1 if the point meets the goal, -1 unknown */
    rp_names metrics;
    /* The goal of a target search ("coverage.food >= 0.95"), if known. */
    char *goal_metric;
    char *goal_op;
    double goal_value;
    double answer;             /* the smallest value meeting the goal, NaN if unknown */
    rp_json *meta;
} rp_sweep;

af_status rp_compare_load(rp_compare *c, const char *dir, af_error *err);
void rp_compare_free(rp_compare *c);
af_status rp_sweep_load(rp_sweep *s, const char *dir, bool target, af_error *err);
void rp_sweep_free(rp_sweep *s);

#endif
