/* The default model of experiments: a design point is a scenario loaded with its overrides,
 * a replication is af_model_run, with totals only unless the experiment keeps the daily
 * tables (the run kind), in which case the whole result is handed over with them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario.h"
#include "aidflow/calibrate.h"
#include "experiment/exp_internal.h"

typedef struct bridge {
    volatile int *interrupt;
    bool check;       /* af_exp_model_check_conservation */
    double tolerance; /* a fraction of the tonnes dispatched */
    char **windows;   /* af_exp_model_windows: window metrics every replication reports */
    size_t n_windows;
} bridge;

/* The worst midnight of a replication, for the check after it. */
typedef struct conservation {
    bool seen;
    int day;
    double tonnes, stock, worst;
} conservation;

static void on_midnight(void *ctx, int day, double tonnes_residual, double stock_residual)
{
    conservation *c = ctx;
    double w = fmax(fabs(tonnes_residual), fabs(stock_residual));
    if (isnan(tonnes_residual) || isnan(stock_residual)) w = INFINITY;
    if (!c->seen || w > c->worst) {
        c->seen = true;
        c->day = day;
        c->tonnes = tonnes_residual;
        c->stock = stock_residual;
        c->worst = w;
    }
}

void exp_diags_to_error(af_diagnostics *d, af_status st, af_error *err)
{
    if (!err) return;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        af_diagnostics_print(d, f);
        fclose(f);
    }
    while (len && text && (text[len - 1] == '\n')) text[--len] = '\0';
    af_error_set(err, st, "%s", text && len ? text : af_strerror(st));
    free(text);
}

static af_status bridge_prepare(void *ctx, const char *scenario, const char *const *overrides,
                                size_t n_overrides, void **point, af_exp_point_info *info,
                                af_error *err)
{
    (void)ctx;
    *point = NULL;
    af_diagnostics *d = af_diagnostics_create(10);
    if (!d) return af_error_set(err, AF_NOMEM, "out of memory");
    af_scenario *s = NULL;
    af_status st = af_scenario_load(scenario, overrides, n_overrides, &s, d);
    if (st != AF_OK) {
        exp_diags_to_error(d, st, err);
        af_diagnostics_destroy(d);
        return st;
    }
    af_diagnostics_destroy(d);
    info->hash = af_scenario_hash(s);
    info->seed = s->seed;
    info->replications = s->replications;
    info->confidence = s->confidence;
    if (info->hash == 0) {
        af_scenario_free(s);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    *point = s;
    return AF_OK;
}

static void bridge_release(void *ctx, void *point)
{
    (void)ctx;
    af_scenario_free(point);
}

static af_status bridge_replicate(void *ctx, const void *point, uint64_t seed,
                                  unsigned replication, af_exp_metrics *out, af_error *err)
{
    bridge *b = ctx;
    af_model_options o;
    memset(&o, 0, sizeof o);
    /* Sweeps, comparisons and targets keep per-run totals only; a run keeps the tables. */
    o.keep_daily = af_exp_metrics_wants_result(out);
    o.interrupt = b->interrupt;
    o.windows = (const char *const *)b->windows;
    o.n_windows = b->n_windows;
    conservation cons = {0};
    if (b->check) {
        o.on_midnight = on_midnight;
        o.ctx = &cons;
    }
    af_result *r = NULL;
    af_status st = af_model_run(point, seed, replication, &o, &r, err);
    if (st != AF_OK) return st;
    if (b->check && cons.seen) {
        /* Relative to the tonnes dispatched: sums of millions of tonnes round. */
        double scale = 1;
        for (size_t i = 0; i < r->n_metrics; i++)
            if (!strcmp(r->metric_names[i], "tonnes.dispatched") && r->metrics[i] > scale)
                scale = r->metrics[i];
        if (!(cons.worst <= b->tolerance * scale)) {
            af_result_free(r);
            return af_error_set(err, AF_INVAL,
                                "conservation check failed: replication %u, day %d: %.6g t of "
                                "cargo and %.6g t of hub stock are not accounted for (allowed: "
                                "%g of the %.6g t dispatched)",
                                replication, cons.day, cons.tonnes, cons.stock, b->tolerance,
                                scale);
        }
    }
    for (size_t i = 0; i < r->n_metrics && st == AF_OK; i++)
        if (af_exp_metrics_add(out, r->metric_names[i], r->metrics[i]) != AF_OK)
            st = af_error_set(err, AF_NOMEM, "out of memory");
    if (st == AF_OK && o.keep_daily) {
        if (af_exp_metrics_keep_result(out, r) != AF_OK)
            st = af_error_set(err, AF_NOMEM, "out of memory");
        return st;
    }
    af_result_free(r);
    return st;
}

static void bridge_destroy(void *ctx)
{
    bridge *b = ctx;
    for (size_t i = 0; b && i < b->n_windows; i++) free(b->windows[i]);
    if (b) free(b->windows);
    free(ctx);
}

af_status af_exp_model_windows(af_exp_model *m, const char *const *specs, size_t n,
                               af_error *err)
{
    if (!m || m->prepare != bridge_prepare || !m->ctx)
        return af_error_set(err, AF_INVAL, "window metrics need the logistics model");
    bridge *b = m->ctx;
    for (size_t i = 0; i < n; i++) {
        af_model_window w;
        af_status st = af_model_window_parse(specs[i], &w, err);
        if (st != AF_OK) return st;
    }
    char **copy = calloc(n + 1, sizeof *copy);
    if (!copy) return af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!(copy[i] = strdup(specs[i]))) {
            for (size_t k = 0; k < i; k++) free(copy[k]);
            free(copy);
            return af_error_set(err, AF_NOMEM, "out of memory");
        }
    for (size_t i = 0; i < b->n_windows; i++) free(b->windows[i]);
    free(b->windows);
    b->windows = copy;
    b->n_windows = n;
    return AF_OK;
}

af_status af_exp_model_scenario(af_exp_model *m, volatile int *interrupt, af_error *err)
{
    memset(m, 0, sizeof *m);
    bridge *b = calloc(1, sizeof *b);
    if (!b) return af_error_set(err, AF_NOMEM, "out of memory");
    b->interrupt = interrupt;
    m->prepare = bridge_prepare;
    m->release = bridge_release;
    m->replicate = bridge_replicate;
    m->destroy = bridge_destroy;
    m->ctx = b;
    return AF_OK;
}

void af_exp_model_check_conservation(af_exp_model *m, double tolerance)
{
    if (!m || m->prepare != bridge_prepare || !m->ctx) return;
    bridge *b = m->ctx;
    b->check = true;
    b->tolerance = tolerance;
}

void af_exp_model_destroy(af_exp_model *m)
{
    if (!m) return;
    if (m->destroy) m->destroy(m->ctx);
    memset(m, 0, sizeof *m);
}
