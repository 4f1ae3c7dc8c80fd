/* Loading scenarios written inline in tests, and running them. */
#ifndef AF_MODEL_FIXTURE_H
#define AF_MODEL_FIXTURE_H

#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario.h"

/* Loads YAML text; fails the test with the diagnostics if it does not load. */
static af_scenario *load_text(const char *yaml)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    af_status st = af_scenario_load_buffer("test.yaml", yaml, strlen(yaml), NULL, 0,
                                           AF_LOAD_NO_FILES, &s, d);
    if (st != AF_OK) {
        af_diagnostics_print(d, stderr);
        af_diagnostics_destroy(d);
        fail_msg("scenario did not load: %s", af_strerror(st));
    }
    af_diagnostics_destroy(d);
    return s;
}

static af_result *run_rep(const af_scenario *s, uint64_t seed, unsigned rep)
{
    af_model_options o = {.keep_daily = true};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    af_status st = af_model_run(s, seed, rep, &o, &r, &err);
    if (st != AF_OK) fail_msg("model run failed: %s", err.message);
    return r;
}

static double metric(const af_result *r, const char *name)
{
    size_t k = af_result_metric(r, name);
    if (k == (size_t)-1) fail_msg("no metric %s", name);
    return r->metrics[k];
}

#endif
