/* Loading scenarios written inline in tests, running them, and reading their results through
 * the public API only (include/aidflow/scenario.h and include/aidflow/model.h), so that the
 * tests do not depend on how src/model/ is split into files.
 *
 * Include after af_test.h. Every helper is static inline, so a test file that uses only some
 * of them compiles without unused-function warnings. */
#ifndef AF_MODEL_FIXTURE_H
#define AF_MODEL_FIXTURE_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario.h"

/* Loads YAML text; fails the test with the diagnostics if it does not load. */
static inline af_scenario *load_text(const char *yaml)
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

static inline af_result *run_rep(const af_scenario *s, uint64_t seed, unsigned rep)
{
    af_model_options o = {.keep_daily = true};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    af_status st = af_model_run(s, seed, rep, &o, &r, &err);
    if (st != AF_OK) fail_msg("model run failed: %s", err.message);
    return r;
}

static inline double metric(const af_result *r, const char *name)
{
    size_t k = af_result_metric(r, name);
    if (k == (size_t)-1) fail_msg("no metric %s", name);
    return r->metrics[k];
}

/* Index of a station by its reported name ("gate", "gate.transfer"); fails if absent. */
static inline size_t station_index(const af_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_stations; i++)
        if (!strcmp(r->station_names[i], name)) return i;
    fail_msg("no station %s", name);
    return 0;
}

/* One reported day of a station. */
static inline const af_station_day *station_day(const af_result *r, int day, const char *name)
{
    return &r->stations[(size_t)day * r->n_stations + station_index(r, name)];
}

/* One reported day of a region (by index, in scenario order) and a category. */
static inline const af_daily_cell *daily_cell(const af_result *r, int day, size_t region,
                                              size_t category)
{
    return &r->daily[((size_t)day * r->n_regions + region) * r->n_categories + category];
}

/* A station's daily field summed over reported days [from, to): FIELD is a member of
 * af_station_day, given as offsetof(af_station_day, FIELD) through STATION_SUM. */
static inline double station_sum_at(const af_result *r, const char *name, size_t offset,
                                    int from, int to)
{
    double sum = 0;
    for (int d = from; d < to; d++) {
        double v;
        memcpy(&v, (const char *)station_day(r, d, name) + offset, sizeof v);
        sum += v;
    }
    return sum;
}
#define STATION_SUM(r, name, field, from, to)                                                 \
    station_sum_at((r), (name), offsetof(af_station_day, field), (from), (to))

/* A daily-table field of one region and category summed over reported days [from, to). */
static inline double daily_sum_at(const af_result *r, size_t region, size_t category,
                                  size_t offset, int from, int to)
{
    double sum = 0;
    for (int d = from; d < to; d++) {
        double v;
        memcpy(&v, (const char *)daily_cell(r, d, region, category) + offset, sizeof v);
        sum += v;
    }
    return sum;
}
#define DAILY_SUM(r, region, category, field, from, to)                                       \
    daily_sum_at((r), (region), (category), offsetof(af_daily_cell, field), (from), (to))

/* k successes out of n trials with probability p: |k - np| <= z sqrt(np(1-p)). z is chosen by
 * the caller (4 standard deviations: a two-sided false alarm of 6e-5 per check, before any
 * Bonferroni correction the caller applies). */
#define assert_binomial(k, n, p, z)                                                           \
    do {                                                                                      \
        double bk_ = (k), bn_ = (n), bp_ = (p), bz_ = (z);                                    \
        double bsd_ = sqrt(bn_ * bp_ * (1 - bp_));                                            \
        if (!(fabs(bk_ - bn_ * bp_) <= bz_ * bsd_))                                           \
            fail_msg("%s = %.10g of %s = %.10g: expected %.10g +- %.3g (p %g, z %g)", #k, bk_, \
                     #n, bn_, bn_ * bp_, bz_ * bsd_, bp_, bz_);                               \
    } while (0)

#endif
