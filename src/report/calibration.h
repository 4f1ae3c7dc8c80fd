/* The report's section of a calibration directory (aidflow calibrate): calibration.csv (each
 * observed figure against the simulated one) and parameters.csv (the fitted values). */
#ifndef AF_REPORT_CALIBRATION_H
#define AF_REPORT_CALIBRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"

typedef struct rp_cal_figure {
    char *id, *basis, *from, *to, *source, *unit;
    double observed, sigma, simulated, ci_low, ci_high, residual, z;
    bool held_out;
} rp_cal_figure;

typedef struct rp_cal_param {
    char *path, *unit;
    double lo, hi, start, value, se;
    bool at_bound;
} rp_cal_param;

typedef struct rp_calibration {
    char *dir;
    size_t n_figures, n_params;
    rp_cal_figure *figures;
    rp_cal_param *params;
} rp_calibration;

af_status rp_calibration_load(rp_calibration *c, const char *dir, af_error *err);
void rp_calibration_free(rp_calibration *c);

struct rp_ctx;
void rp_calibration_sections(struct rp_ctx *cx);

#endif
