/* The outputs of `aidflow compare`, `aidflow sweep` and `aidflow target` read back: the
 * result table (compare.csv, sweep.csv, target.csv), provenance.json and, for a comparison,
 * replications.csv. See docs/OUTPUTS.md.
 *
 * Columns are found by name and unknown ones are ignored, so the writers may add some. In
 * sweep.csv and target.csv every column that is not one of the known result columns is a
 * varied parameter (its header is the parameter's path); a parameter whose values are not all
 * numbers is drawn as categories.
 */
#ifndef AF_REPORT_EXPERIMENTS_H
#define AF_REPORT_EXPERIMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"
#include "report/json.h"
#include "report/run.h"
#include "report/series.h"

/* provenance.json, shared by the three kinds. */
typedef struct rp_provenance {
    rp_json *json;              /* NULL when the directory has none */
    const char *kind, *version, *command, *design, *goal;
    const char *file_a, *hash_a, *file_b, *hash_b;
    const rp_json *sets;        /* array of "path=value" strings, or NULL */
    double seed, replications, confidence;
} rp_provenance;

/* compare.csv: one row per metric; A and B ran on common random numbers; diff = B - A. */
typedef struct rp_compare {
    char *dir;
    char *label_a, *label_b;    /* scenario file names without folder and .yaml, or "A"/"B" */
    size_t n;
    char **metric;
    double *a_mean, *a_lo, *a_hi;  /* each scenario's mean and interval (NaN if not given) */
    double *b_mean, *b_lo, *b_hi;
    double *d_mean, *d_lo, *d_hi, *n_pairs;
    signed char *significant;   /* 1, 0, or -1 when the file leaves it empty */
    /* From replications.csv, when present: each scenario's spread, for intervals that
     * compare.csv does not give. */
    af_tally *acc_a, *acc_b;      /* [n], by metric row */
    bool has_reps;
    rp_provenance prov;
    /* A and B as runs (the folder's A/ and B/, which aidflow compare writes from the daily
     * tables of its jobs): the report draws the network's difference B - A from them. */
    rp_run runs[2];
    bool has_runs;
} rp_compare;

/* sweep.csv or target.csv: one row per design point and metric. */
typedef struct rp_sweep {
    char *dir;
    bool is_target;
    size_t n_params;
    char **params;              /* the varied parameters' paths (column names) */
    bool *categorical;          /* [n_params]: some value is not a number */
    rp_names *levels;           /* [n_params]: the texts of each parameter, first seen first */
    size_t n_rows;
    double *values;             /* [row * n_params + p]: the number, or the level's index */
    size_t *metric;             /* [row]: index into metrics */
    double *mean, *lo, *hi, *n;
    signed char *meets;         /* target: 1 if the point meets the goal, 0 if not, -1 unknown */
    rp_names metrics;
    /* The goal of a target search ("coverage.food >= 0.95"), parsed from provenance.json. */
    char goal_metric[128];
    char goal_op[3];
    double goal_value;          /* NaN when there is no goal */
    double answer;              /* the smallest explored value that meets it, NaN if none */
    rp_provenance prov;
} rp_sweep;

af_status rp_compare_load(rp_compare *c, const char *dir, af_error *err);
void rp_compare_free(rp_compare *c);
af_status rp_sweep_load(rp_sweep *s, const char *dir, bool target, af_error *err);
void rp_sweep_free(rp_sweep *s);

#endif
