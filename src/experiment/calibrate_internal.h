/* Internals of calibration (calibrate.c, calibrated_yaml.c). */
#ifndef AF_EXP_CALIBRATE_INTERNAL_H
#define AF_EXP_CALIBRATE_INTERNAL_H

#include "experiment/exp_internal.h"

/* The scalar at --set PATH in a scenario's canonical YAML (af_scenario_to_yaml) into out:
 * AF_NOTFOUND when the path leads to no scalar. */
af_status cal_yaml_value(const char *canonical, const char *path, char *out, size_t size);
/* Appends to `out` the text of calibrated.yaml: `header` (comment lines), `extends:
 * base.yaml`, and for each fitted path the smallest piece of the fitted scenario's canonical
 * YAML that extends: merges to its value. AF_NOTFOUND when a path is not in it. */
af_status cal_write_calibrated(const char *base_canonical, const char *fitted_canonical,
                               const char *const *paths, size_t n_paths, const char *header,
                               af_buf *out);

#endif
