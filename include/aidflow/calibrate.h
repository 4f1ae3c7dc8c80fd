/* aidflow — observed figures and calibration.
 *
 * Observed figures are a tidy CSV file of what was reported: one row a figure, with its period
 * (from, to: ISO dates, both days included), its counting basis (the aidflow metric it was
 * counted as: trucks_per_day.entered for COGAT's crossings, trucks_per_day.collected for the
 * UN's "collected", need_met with a category and a region...), the value and its unit, the
 * source (a cite key of docs/SOURCES.md) and optionally an uncertainty. docs/OUTPUTS.md
 * ("Observed figures") describes the columns; scenarios/observed/ holds the bundled files.
 *
 * Calibration (af_calibrate_run, `aidflow calibrate`) fits chosen parameters of a scenario,
 * each within a range, to the observed figures on their bases: every evaluation is a design
 * point of an experiment store (DIR/results.sqlite: resumable, and on common random numbers,
 * replication r of every point using the same streams), the minimiser is GSL's Nelder-Mead
 * simplex (nmsimplex2) on the weighted sum of squared residuals, with each parameter mapped
 * to the real line by a logistic transform so that it never leaves its range. The
 * uncertainty of the fitted values is the Gauss-Newton covariance (J'WJ)^-1 at the optimum,
 * J by central differences (on common random numbers), W from each figure's uncertainty and
 * the simulation's own standard error. */
#ifndef AIDFLOW_CALIBRATE_H
#define AIDFLOW_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/experiment.h"
#include "aidflow/export.h"
#include "aidflow/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- observed figures ---------------------------------------------------------------------- */

typedef struct af_observed_row {
    char id[64];          /* unique in the file: what --hold-out names */
    long from, to;        /* day numbers (days since 1970-01-01), both days included */
    char basis[200];      /* the metric basis with category and region folded in:
                             "trucks_per_day.entered", "need_met.food.north" */
    char window[256];     /* the window metric (af_model_window_parse): basis@from..to */
    double value;         /* in the basis's unit (need_met as a fraction, also when written
                             in %) */
    char unit[16];        /* as written: trucks/day, t/day, fraction or % */
    double uncertainty;   /* absolute, in the basis's unit; NaN when the file gives none */
    bool relative;        /* the uncertainty was written in % of the value */
    char source[64];      /* cite key into docs/SOURCES.md */
    char note[256];
    int line;             /* the row's line in the file */
    int from_column;      /* the column (1-based) where the row's `from` starts */
} af_observed_row;

typedef struct af_observed {
    char file[512];
    size_t n;
    af_observed_row *rows;
} af_observed;

/* Reads an observed-figures file. Every mistake (a missing or unknown column, a date that is
 * not one, a period that ends before it starts, a basis aidflow does not report, a unit that
 * is not the basis's, an id given twice, ...) is an error with its file, line and column in
 * `d` (all of them, up to its limit) and AF_PARSE; AF_IO when the file cannot be read. */
AF_API af_status af_observed_load(const char *path, af_observed **out, af_diagnostics *d);
/* Checks the figures against a scenario: each period within the reported horizon, each
 * category and region known. Errors go to `d` with the row's place (AF_PARSE). */
AF_API af_status af_observed_check(const af_observed *o, const af_scenario *s,
                                   af_diagnostics *d);
AF_API void af_observed_free(af_observed *o);
/* The standard deviation used for row i: its uncertainty, or 10% of its value when the file
 * gives none. */
AF_API double af_observed_sigma(const af_observed_row *row);

/* ---- calibration --------------------------------------------------------------------------- */

#define AF_CALIBRATE_MAX_PARAMS 16

typedef struct af_calibrate_param {
    char path[256];
    double lo, hi;        /* the range, in the path's documented unit */
    char unit[16];        /* "min", "" for a plain number */
    double start;         /* the scenario's value, moved inside the range when it is not */
    double value;         /* fitted */
    double se;            /* its standard error (NaN when J'WJ is singular) */
    bool at_bound;        /* the fit ended within 0.5% of the range's end */
} af_calibrate_param;

typedef struct af_calibrate_row {
    const af_observed_row *obs; /* into the result's copy of the observed figures */
    bool held_out;
    double sigma;               /* the figure's standard deviation used in the fit */
    double mean, sd, ci_low, ci_high; /* simulated at the fitted values, over replications */
    size_t n;
    double residual;            /* (simulated - observed) / observed */
    double z;                   /* (simulated - observed) / sqrt(sigma^2 + sd^2/n) */
} af_calibrate_row;

typedef struct af_calibrate_eval {
    size_t index;               /* 0-based order of evaluation (the store's point) */
    double values[AF_CALIBRATE_MAX_PARAMS];
    double objective;           /* weighted sum of squares over the figures in the fit */
    const char *why;            /* "simplex", "jacobian" or "fitted" */
} af_calibrate_eval;

typedef struct af_calibrate_config {
    const char *scenario;
    const char *const *sets;
    size_t n_sets;
    const char *observed;          /* the observed-figures file */
    const char *const *fit;        /* "PATH=LO:HI" (LO and HI in the path's documented unit) */
    size_t n_fit;
    const char *const *hold_out;   /* row ids, or periods FROM..TO (rows lying within it) */
    size_t n_hold_out;
    unsigned replications;         /* 0: the scenario's (at least 2) */
    bool has_seed;
    uint64_t seed;
    unsigned max_evaluations;      /* of the simplex; 0: 40 + 20 per parameter */
    const char *out_dir;
    /* Called after each new evaluation, in order (NULL for none). */
    void (*on_eval)(void *ctx, const af_calibrate_eval *e);
    void *eval_ctx;
    /* Diagnostics of the observed file (file:line:col); NULL: they go into err's message. */
    af_diagnostics *diags;
} af_calibrate_config;

typedef struct af_calibrate_result {
    size_t n_params;
    af_calibrate_param params[AF_CALIBRATE_MAX_PARAMS];
    size_t n_rows;
    af_calibrate_row *rows;        /* every observed figure, in the file's order */
    af_observed *observed;
    double objective;              /* at the fitted values */
    double chi2_dof;               /* objective / (figures in the fit - parameters); NaN if none */
    size_t evaluations;            /* design points evaluated (simplex and Jacobian) */
    bool converged;                /* the simplex shrank below its tolerance */
    af_exp_summary summary;
} af_calibrate_result;

/* Fits cfg->fit to cfg->observed (less the held-out figures) and writes to OUT:
 * calibration.csv (observed against simulated), parameters.csv, evaluations.csv,
 * calibrated.yaml (extends: base.yaml, the scenario as resolved, and holds only the fitted
 * values), base.yaml, provenance.json, and the store's replications.csv and metrics.csv
 * (docs/OUTPUTS.md). The evaluations are deterministic: run again on the same OUT, the same
 * call finds them in the store. */
AF_API af_status af_calibrate_run(const af_calibrate_config *cfg, af_exp_model *model,
                                  const af_exp_options *opts, af_calibrate_result **out,
                                  af_error *err);
AF_API void af_calibrate_free(af_calibrate_result *r);

/* Window metrics for the logistics model `m` (made by af_exp_model_scenario): every
 * replication also reports these (af_model_window_parse specs). Copied. */
AF_API af_status af_exp_model_windows(af_exp_model *m, const char *const *specs, size_t n,
                                      af_error *err);

#ifdef __cplusplus
}
#endif
#endif
