/* A toy model for the experiment tests, so that the machinery is tested apart from the
 * logistics model. A point is read from its overrides:
 *   x=NUM      the main parameter (default 1)
 *   noise=NUM  standard deviation of the noise added to `toy.value` (default 0)
 *   lanes=N    servers of an M/M/c queue run on the engine (default 0: no queue)
 *   flip=H     toy.coverage falls with x instead: min(1, max(0, (H - x) / 10))
 *   fail=1     preparing the point fails (a "bad scenario")
 * Metrics:
 *   toy.value     x + noise * N(0, 1), the normal drawn from stream (seed, rep, "toy")
 *   toy.coverage  min(1, x / 10): a deterministic, monotone response
 *   toy.rep       the replication number
 *   toy.missing   NaN (a metric a replication cannot give)
 *   queue.wait    mean wait of 2000 customers in an M/M/c queue with c = lanes at load 0.8
 *                 (lanes > 0), simulated on the engine
 *   toy.extra     1, only in the scenario "extra" (a metric one side of a comparison lacks)
 * The scenario "file" names the base: "base", "other" (other adds 1 to toy.value) or "extra"
 * (as base, with toy.extra).
 */
#ifndef AF_TOY_MODEL_H
#define AF_TOY_MODEL_H

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../validation/mmc_model.h"
#include "aidflow/experiment.h"

typedef struct toy_point {
    double x, noise, offset, flip;
    bool flipped, extra;
    unsigned lanes;
} toy_point;

static af_status toy_prepare(void *ctx, const char *scenario, const char *const *ov, size_t n,
                             void **point, af_exp_point_info *info, af_error *err)
{
    (void)ctx;
    toy_point *p = calloc(1, sizeof *p);
    if (!p) return AF_NOMEM;
    p->x = 1;
    p->offset = strcmp(scenario, "other") == 0 ? 1 : 0;
    p->extra = strcmp(scenario, "extra") == 0;
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *c = scenario; *c; c++) h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
    for (size_t i = 0; i < n; i++) {
        for (const char *c = ov[i]; *c; c++) h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
        h = (h ^ '\n') * 0x100000001b3ull;
        const char *eq = strchr(ov[i], '=');
        if (!eq) {
            free(p);
            return af_error_set(err, AF_PARSE, "<--set>: '%s' has no '='", ov[i]);
        }
        double v = strtod(eq + 1, NULL);
        size_t klen = (size_t)(eq - ov[i]);
        if (klen == 1 && !strncmp(ov[i], "x", 1))
            p->x = v;
        else if (klen == 4 && !strncmp(ov[i], "flip", 4))
            p->flip = v, p->flipped = true;
        else if (klen == 5 && !strncmp(ov[i], "noise", 5))
            p->noise = v;
        else if (klen == 5 && !strncmp(ov[i], "lanes", 5)) {
            if (v != floor(v) || v < 0) {
                free(p);
                return af_error_set(err, AF_PARSE, "<--set>: lanes must be a whole number");
            }
            p->lanes = (unsigned)v;
        } else if (klen == 4 && !strncmp(ov[i], "fail", 4)) {
            free(p);
            return af_error_set(err, AF_PARSE, "<--set>: fail=%g asked for", v);
        } else {
            free(p);
            return af_error_set(err, AF_PARSE, "<--set>: unknown path '%.*s'", (int)klen, ov[i]);
        }
    }
    info->hash = h;
    info->seed = 42;
    info->replications = 5;
    info->confidence = 0.95;
    *point = p;
    return AF_OK;
}

static void toy_release(void *ctx, void *point)
{
    (void)ctx;
    free(point);
}

static double toy_mmc_wait(unsigned lanes, uint64_t seed, unsigned rep)
{
    qmodel m;
    af_dist svc;
    /* rho = 0.8 whatever the lanes: lambda = 1 per minute, mean service 0.8 * lanes */
    if (af_dist_exponential(&svc, 0.8 * lanes, NULL) != AF_OK) return NAN;
    if (qmodel_init(&m, lanes, 1.0, &svc, seed, rep, NULL, AF_WIP_FINISH) != 0) {
        qmodel_free(&m);
        return NAN;
    }
    m.max_arrivals = 2000;
    af_sim_run_until(m.sim, INFINITY);
    double w = af_tally_mean(&af_station_get_stats(m.st)->wait);
    qmodel_free(&m);
    return w;
}

static af_status toy_replicate(void *ctx, const void *point, uint64_t seed, unsigned rep,
                               af_exp_metrics *out, af_error *err)
{
    (void)ctx;
    (void)err;
    const toy_point *p = point;
    af_rng *r = af_rng_create(seed, rep, "toy");
    if (!r) return AF_NOMEM;
    double z = gsl_ran_gaussian(af_rng_gsl(r), 1.0);
    af_rng_destroy(r);
    af_exp_metrics_add(out, "toy.value", p->x + p->offset + p->noise * z);
    af_exp_metrics_add(out, "toy.coverage",
                       p->flipped ? fmin(1.0, fmax(0.0, (p->flip - p->x) / 10))
                                  : fmin(1.0, p->x / 10));
    af_exp_metrics_add(out, "toy.rep", rep);
    af_exp_metrics_add(out, "toy.missing", NAN);
    if (p->extra) af_exp_metrics_add(out, "toy.extra", 1);
    if (p->lanes) af_exp_metrics_add(out, "queue.wait", toy_mmc_wait(p->lanes, seed, rep));
    return AF_OK;
}

static const af_exp_model toy_model = {toy_prepare, toy_release, toy_replicate, NULL, NULL};

#endif
