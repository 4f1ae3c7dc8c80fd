/* Calibration: fitting parameters of a scenario to observed figures on their counting bases
 * (include/aidflow/calibrate.h has the method; docs/OUTPUTS.md the files).
 *
 * Every evaluation is a design point of an experiment store, numbered in order of evaluation,
 * its factors the fitted paths. The values are rounded to 7 significant digits before they
 * become overrides, so a point is a text and a resumed calibration, which replays the same
 * deterministic minimiser on the same stored numbers, asks for the same points and finds them
 * done. Every point runs replications 0..R-1 with the same seed: common random numbers, so
 * the objective is a deterministic function of the parameters and its differences are paired.
 *
 * The objective is the weighted sum of squares over the figures in the fit,
 *   S(x) = sum_i ((m_i(x) - y_i) / sigma_i)^2,
 * m_i the mean over replications of figure i's window metric, y_i the figure and sigma_i its
 * stated uncertainty (10% of it when the file states none). Nelder-Mead (GSL nmsimplex2) works
 * on u_k = logit((x_k - lo_k) / (hi_k - lo_k)), so every point tried lies inside the ranges.
 * Then J_ik = dm_i/dx_k by central differences (h = 2% of the range, one-sided at a bound),
 * and Cov(x) = s2 (J'WJ)^-1 with W = diag(1 / (sigma_i^2 + sd_i^2 / R)): the observation's and
 * the simulation's variance of figure i; s2 = max(1, S / (n - K)) when there are more figures
 * in the fit than parameters (a fit worse than the stated uncertainties widens the
 * intervals), else 1. A bootstrap over replications would say more about the simulation's
 * part only, at R times the cost. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/calibrate.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"
#include "aidflow/version.h"
#include "experiment/calibrate_internal.h"

#define MAX_EVALS_CAP 2000

typedef struct eval_rec {
    double x[AF_CALIBRATE_MAX_PARAMS];
    char texts[AF_CALIBRATE_MAX_PARAMS][32];
    double objective;
    double *mean, *sd; /* [n_rows] */
    size_t *n;
    const char *why;
} eval_rec;

typedef struct cal {
    const af_calibrate_config *cfg;
    af_exp_model *model;
    const af_exp_options *opts;
    exp_store *store;
    size_t K;
    af_calibrate_param *par;
    const char *paths[AF_CALIBRATE_MAX_PARAMS];
    af_observed *obs;
    bool *held;
    unsigned reps;
    uint64_t seed;
    double confidence;
    exp_point *points;
    eval_rec *evals;
    size_t n, cap;
    size_t max_evals, simplex_evals;
    const char *why;
    af_status st; /* the first failure inside the minimiser's callback */
    af_error *err;
    af_exp_summary *summary;
} cal;

/* A --fit: PATH=LO:HI, or PATH alone for a value the scenario marks as an assumption, whose
 * range is then the range fitted (scenarios/README.md, "Assumptions"). */
static af_status parse_fit(const char *spec, const af_scenario *scn, af_calibrate_param *p,
                           af_error *err)
{
    memset(p, 0, sizeof *p);
    const char *eq = spec ? strchr(spec, '=') : NULL;
    if (spec && !eq && *spec && strlen(spec) < sizeof p->path) {
        size_t i = af_scenario_find_assumption(scn, spec);
        const af_scn_assumption *a = i == AF_SCN_NONE ? NULL : af_scenario_assumption(scn, i);
        if (!a)
            return af_error_set(err, AF_INVAL,
                                "--fit '%s': the scenario marks no assumption at this path; "
                                "give its range, PATH=LO:HI (aidflow assumptions SCENARIO "
                                "lists the marked ones)",
                                spec);
        snprintf(p->path, sizeof p->path, "%s", spec);
        p->lo = a->lo;
        p->hi = a->hi;
        snprintf(p->unit, sizeof p->unit, "%s", af_design_path_unit(p->path));
        return AF_OK;
    }
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof p->path)
        return af_error_set(err, AF_INVAL,
                            "--fit '%s': expected PATH=LO:HI (a --set path and its range)",
                            spec ? spec : "");
    memcpy(p->path, spec, (size_t)(eq - spec));
    char *end;
    p->lo = strtod(eq + 1, &end);
    if (end == eq + 1 || *end != ':' || !isfinite(p->lo))
        return af_error_set(err, AF_INVAL, "--fit '%s': expected PATH=LO:HI with numbers", spec);
    const char *h = end + 1;
    p->hi = strtod(h, &end);
    if (end == h || *end || !isfinite(p->hi))
        return af_error_set(err, AF_INVAL, "--fit '%s': expected PATH=LO:HI with numbers", spec);
    if (!(p->hi > p->lo))
        return af_error_set(err, AF_INVAL, "--fit '%s': HI must be above LO", spec);
    snprintf(p->unit, sizeof p->unit, "%s", af_design_path_unit(p->path));
    return AF_OK;
}

static double to_x(const af_calibrate_param *p, double u)
{
    return p->lo + (p->hi - p->lo) / (1 + exp(-u));
}

static double to_u(const af_calibrate_param *p, double x)
{
    double t = (x - p->lo) / (p->hi - p->lo);
    return log(t / (1 - t));
}

static void round_text(double x, char *text, size_t size, double *back)
{
    snprintf(text, size, "%.7g", x);
    *back = strtod(text, NULL);
}

static void free_points(cal *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; k < c->points[i].n_overrides; k++) free(c->points[i].overrides[k]);
        free(c->points[i].overrides);
        free((void *)c->points[i].texts);
        free((void *)c->points[i].values);
        free(c->evals[i].mean);
        free(c->evals[i].sd);
        free(c->evals[i].n);
    }
    free(c->points);
    free(c->evals);
}

/* Evaluates x (rounded), or finds it evaluated; *index is its evaluation. */
static af_status evaluate(cal *c, const double *xin, size_t *index)
{
    af_error *err = c->err;
    char texts[AF_CALIBRATE_MAX_PARAMS][32];
    double x[AF_CALIBRATE_MAX_PARAMS];
    for (size_t k = 0; k < c->K; k++) round_text(xin[k], texts[k], sizeof texts[k], &x[k]);
    for (size_t i = 0; i < c->n; i++) {
        bool same = true;
        for (size_t k = 0; k < c->K && same; k++) same = !strcmp(c->evals[i].texts[k], texts[k]);
        if (same) {
            *index = i;
            return AF_OK;
        }
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        exp_point *p = realloc(c->points, cap * sizeof *p);
        if (p) c->points = p;
        eval_rec *e = realloc(c->evals, cap * sizeof *e);
        if (e) c->evals = e;
        if (!p || !e) return af_error_set(err, AF_NOMEM, "out of memory");
        c->cap = cap;
    }
    size_t k0 = c->n;
    eval_rec *e = &c->evals[k0];
    memset(e, 0, sizeof *e);
    const char **tp = calloc(c->K, sizeof *tp);
    double *vp = calloc(c->K, sizeof *vp);
    e->mean = calloc(c->obs->n, sizeof *e->mean);
    e->sd = calloc(c->obs->n, sizeof *e->sd);
    e->n = calloc(c->obs->n, sizeof *e->n);
    exp_point *pt = &c->points[k0];
    memset(pt, 0, sizeof *pt);
    c->n++; /* owned from here on */
    pt->texts = tp;
    pt->values = vp;
    if (!tp || !vp || !e->mean || !e->sd || !e->n)
        return af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t k = 0; k < c->K; k++) {
        memcpy(e->texts[k], texts[k], sizeof texts[k]);
        e->x[k] = x[k];
        tp[k] = e->texts[k];
        vp[k] = x[k];
    }
    e->why = c->why;
    af_status st = exp_point_build(pt, c->cfg->scenario, c->cfg->sets, c->cfg->n_sets, c->paths,
                                   tp, vp, c->K);
    pt->texts = tp;
    pt->values = vp;
    if (st != AF_OK) return af_error_set(err, AF_NOMEM, "out of memory");
    if ((st = exp_point_check(c->model, pt, NULL, err)) != AF_OK) {
        exp_point_error(err, k0, pt);
        return st;
    }
    if ((st = exp_store_put_point(c->store, k0, pt, err)) != AF_OK) return st;
    exp_run run = {.model = c->model, .opts = c->opts, .store = c->store, .points = c->points,
                   .first = k0, .n = 1, .replications = c->reps, .seed = c->seed,
                   .earlier = c->summary->ran};
    st = exp_run_jobs(&run, err);
    exp_summary_fill(c->summary, c->n, c->reps, c->seed, c->confidence, &run);
    if (st != AF_OK) return st;
    exp_point_data d;
    if ((st = exp_store_point_data(c->store, k0, c->reps, &d, err)) != AF_OK) return st;
    e->objective = 0;
    for (size_t i = 0; i < c->obs->n; i++) {
        const af_observed_row *row = &c->obs->rows[i];
        size_t m = 0;
        while (m < d.n_metrics && strcmp(d.names[m], row->window)) m++;
        if (m == d.n_metrics) {
            exp_point_data_free(&d);
            return af_error_set(err, AF_INTERNAL, "the model did not report %s", row->window);
        }
        af_summary s = af_summarise(d.values + m * d.n_reps, d.n_reps, c->confidence);
        e->mean[i] = s.mean;
        e->sd[i] = s.sd;
        e->n[i] = s.n;
        if (c->held[i]) continue;
        double r = (s.mean - row->value) / af_observed_sigma(row);
        e->objective += isfinite(r) ? r * r : 1e30;
    }
    exp_point_data_free(&d);
    if (c->cfg->on_eval) {
        af_calibrate_eval ev = {.index = k0, .objective = e->objective, .why = e->why};
        memcpy(ev.values, e->x, sizeof ev.values);
        c->cfg->on_eval(c->cfg->eval_ctx, &ev);
    }
    *index = k0;
    return AF_OK;
}

static double objective_u(const gsl_vector *u, void *ctx)
{
    cal *c = ctx;
    if (c->st != AF_OK || c->simplex_evals >= c->max_evals) return GSL_NAN;
    double x[AF_CALIBRATE_MAX_PARAMS];
    for (size_t k = 0; k < c->K; k++) x[k] = to_x(&c->par[k], gsl_vector_get(u, k));
    size_t before = c->n, i;
    if ((c->st = evaluate(c, x, &i)) != AF_OK) return GSL_NAN;
    if (c->n > before) c->simplex_evals++;
    return c->evals[i].objective;
}

static size_t best_eval(const cal *c)
{
    size_t b = 0;
    for (size_t i = 1; i < c->n; i++)
        if (c->evals[i].objective < c->evals[b].objective) b = i;
    return b;
}

/* The simplex from the start values. */
static af_status minimise(cal *c, bool *converged)
{
    *converged = false;
    gsl_vector *u = gsl_vector_alloc(c->K), *step = gsl_vector_alloc(c->K);
    gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
                                                                 c->K);
    if (!u || !step || !mz) {
        gsl_vector_free(u);
        gsl_vector_free(step);
        if (mz) gsl_multimin_fminimizer_free(mz);
        return af_error_set(c->err, AF_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < c->K; k++) {
        gsl_vector_set(u, k, to_u(&c->par[k], c->par[k].start));
        gsl_vector_set(step, k, 1.0); /* about a quarter of the range near its middle */
    }
    gsl_multimin_function f = {.f = objective_u, .n = c->K, .params = c};
    c->why = "simplex";
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int status = gsl_multimin_fminimizer_set(mz, &f, u, step);
    for (int iter = 0; status == GSL_SUCCESS && c->st == AF_OK && iter < 10000; iter++) {
        if (c->simplex_evals >= c->max_evals) break;
        status = gsl_multimin_fminimizer_iterate(mz);
        if (status != GSL_SUCCESS || c->st != AF_OK) break;
        double size = gsl_multimin_fminimizer_size(mz);
        if (gsl_multimin_test_size(size, 0.02) == GSL_SUCCESS) {
            *converged = true;
            break;
        }
    }
    gsl_set_error_handler(old);
    gsl_multimin_fminimizer_free(mz);
    gsl_vector_free(u);
    gsl_vector_free(step);
    return c->st;
}

/* The Jacobian at the best point and the covariance of the fitted values. */
static af_status uncertainty(cal *c, size_t best, af_calibrate_result *res)
{
    size_t K = c->K, n = c->obs->n;
    double *J = calloc(n * K + 1, sizeof *J);
    if (!J) return af_error_set(c->err, AF_NOMEM, "out of memory");
    c->why = "jacobian";
    af_status st = AF_OK;
    for (size_t k = 0; k < K && st == AF_OK; k++) {
        const af_calibrate_param *p = &c->par[k];
        double h = 0.02 * (p->hi - p->lo);
        double xp[AF_CALIBRATE_MAX_PARAMS], xm[AF_CALIBRATE_MAX_PARAMS];
        memcpy(xp, c->evals[best].x, sizeof xp);
        memcpy(xm, c->evals[best].x, sizeof xm);
        xp[k] = fmin(p->hi, xp[k] + h);
        xm[k] = fmax(p->lo, xm[k] - h);
        size_t ip, im;
        if ((st = evaluate(c, xp, &ip)) != AF_OK || (st = evaluate(c, xm, &im)) != AF_OK) break;
        double dx = c->evals[ip].x[k] - c->evals[im].x[k];
        for (size_t i = 0; i < n; i++)
            J[i * K + k] = dx > 0 ? (c->evals[ip].mean[i] - c->evals[im].mean[i]) / dx : NAN;
    }
    if (st == AF_OK) {
        gsl_matrix *A = gsl_matrix_calloc(K, K);
        size_t used = 0;
        const eval_rec *b = &c->evals[best];
        for (size_t i = 0; i < n; i++) {
            if (c->held[i]) continue;
            used++;
            double sig = af_observed_sigma(&c->obs->rows[i]);
            double var = sig * sig + (b->n[i] > 1 && isfinite(b->sd[i])
                                          ? b->sd[i] * b->sd[i] / (double)b->n[i]
                                          : 0);
            for (size_t k = 0; k < K; k++)
                for (size_t l = 0; l < K; l++)
                    gsl_matrix_set(A, k, l,
                                   gsl_matrix_get(A, k, l) + J[i * K + k] * J[i * K + l] / var);
        }
        res->chi2_dof = used > K ? b->objective / (double)(used - K) : NAN;
        double s2 = used > K && res->chi2_dof > 1 ? res->chi2_dof : 1;
        gsl_permutation *perm = gsl_permutation_alloc(K);
        gsl_matrix *inv = gsl_matrix_alloc(K, K);
        int sign = 0;
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        bool ok = A && perm && inv && gsl_linalg_LU_decomp(A, perm, &sign) == GSL_SUCCESS &&
                  fabs(gsl_linalg_LU_det(A, sign)) > 0 &&
                  gsl_linalg_LU_invert(A, perm, inv) == GSL_SUCCESS;
        gsl_set_error_handler(old);
        for (size_t k = 0; k < K; k++) {
            double v = ok ? gsl_matrix_get(inv, k, k) * s2 : NAN;
            for (size_t i = 0; i < n && ok; i++)
                if (!isfinite(J[i * K + k])) v = NAN;
            res->params[k].se = v >= 0 ? sqrt(v) : NAN;
        }
        gsl_matrix_free(A);
        gsl_matrix_free(inv);
        gsl_permutation_free(perm);
    }
    free(J);
    return st;
}

/* Does `spec` (an id, or FROM..TO) name row r? */
static bool holds_out(const char *spec, const af_observed_row *r)
{
    if (!strcmp(spec, r->id)) return true;
    const char *dots = strstr(spec, "..");
    if (!dots) return false;
    char spec_window[300];
    af_model_window w;
    af_error e;
    snprintf(spec_window, sizeof spec_window, "trucks_per_day.entered@%s", spec);
    if (af_model_window_parse(spec_window, &w, &e) != AF_OK) return false;
    return r->from >= w.from && r->to <= w.to;
}

static void csv_num(af_buf *b, double v)
{
    af_buf_put(b, ",");
    af_buf_num(b, v, "");
}

static af_status write_out(const char *dir, const char *name, const af_buf *b, af_error *err)
{
    char *path = af_path_join(dir, name);
    if (!path) return af_error_set(err, AF_NOMEM, "out of memory");
    af_status st = b->failed ? af_error_set(err, AF_NOMEM, "out of memory")
                             : af_buf_write(b, path, err);
    free(path);
    return st;
}

/* The canonical YAML of the scenario with `sets` (and `extra`). */
static af_status canonical(const char *scenario, const char *const *sets, size_t n_sets,
                           const char *const *extra, size_t n_extra, char **yaml,
                           uint64_t *hash, af_error *err)
{
    const char **all = calloc(n_sets + n_extra + 1, sizeof *all);
    if (!all) return af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; i < n_sets; i++) all[i] = sets[i];
    for (size_t i = 0; i < n_extra; i++) all[n_sets + i] = extra[i];
    af_diagnostics *d = af_diagnostics_create(10);
    af_scenario *s = NULL;
    af_status st = d ? af_scenario_load(scenario, all, n_sets + n_extra, &s, d) : AF_NOMEM;
    if (st != AF_OK) {
        exp_diags_to_error(d, st, err);
    } else {
        size_t len;
        *yaml = af_scenario_to_yaml(s, &len);
        if (hash) *hash = af_scenario_hash(s);
        if (!*yaml) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    af_scenario_free(s);
    af_diagnostics_destroy(d);
    free(all);
    return st;
}

/* base.yaml and calibrated.yaml, checked to resolve to the fitted scenario. */
static af_status write_scenarios(cal *c, size_t best, af_error *err)
{
    const af_calibrate_config *cfg = c->cfg;
    char *base = NULL, *fitted = NULL;
    uint64_t fitted_hash = 0, back_hash = 0;
    char ov[AF_CALIBRATE_MAX_PARAMS][300];
    const char *ovp[AF_CALIBRATE_MAX_PARAMS];
    for (size_t k = 0; k < c->K; k++) {
        snprintf(ov[k], sizeof ov[k], "%s=%s", c->paths[k], c->evals[best].texts[k]);
        ovp[k] = ov[k];
    }
    af_status st = canonical(cfg->scenario, cfg->sets, cfg->n_sets, NULL, 0, &base, NULL, err);
    if (st == AF_OK)
        st = canonical(cfg->scenario, cfg->sets, cfg->n_sets, ovp, c->K, &fitted, &fitted_hash,
                       err);
    af_buf hb, cb, bb;
    af_buf_init(&hb);
    af_buf_init(&cb);
    af_buf_init(&bb);
    if (st == AF_OK) {
        af_buf_printf(&bb, "# %s as resolved (aidflow show%s), the base of calibrated.yaml: "
                           "extends: may only\n# name files in the folder of the first "
                           "scenario file or below it.\n",
                      cfg->scenario, cfg->n_sets ? " with the calibration's --set" : "");
        for (size_t i = 0; i < cfg->n_sets; i++) af_buf_printf(&bb, "#   --set %s\n", cfg->sets[i]);
        af_buf_put(&bb, base);
        af_buf_printf(&hb, "# Calibrated by aidflow %s: %s fitted to %s (%s).\n", af_version(),
                      cfg->scenario, cfg->observed, "calibration.csv, parameters.csv");
        for (size_t k = 0; k < c->K; k++) {
            char se[40];
            af_fmt_num(se, sizeof se, c->par[k].se);
            af_buf_printf(&hb, "#   %s = %s%s%s (standard error %s; range %g:%g)\n",
                          c->paths[k], c->evals[best].texts[k], *c->par[k].unit ? " " : "",
                          c->par[k].unit, isfinite(c->par[k].se) ? se : "unknown", c->par[k].lo,
                          c->par[k].hi);
        }
        st = cal_write_calibrated(base, fitted, c->paths, c->K, hb.data ? hb.data : "", &cb);
        if (st == AF_NOTFOUND)
            st = af_error_set(err, AF_INVAL, "a fitted path is not in the scenario's canonical "
                                             "form: calibrated.yaml cannot be written");
        else if (st != AF_OK)
            st = af_error_set(err, st, "calibrated.yaml: %s", af_strerror(st));
    }
    if (st == AF_OK) st = write_out(cfg->out_dir, "base.yaml", &bb, err);
    if (st == AF_OK) st = write_out(cfg->out_dir, "calibrated.yaml", &cb, err);
    if (st == AF_OK) {
        char *path = af_path_join(cfg->out_dir, "calibrated.yaml");
        char *back = NULL;
        st = path ? canonical(path, NULL, 0, NULL, 0, &back, &back_hash, err)
                  : af_error_set(err, AF_NOMEM, "out of memory");
        if (st == AF_OK && back_hash != fitted_hash)
            st = af_error_set(err, AF_INTERNAL,
                              "%s does not resolve to the fitted scenario (a bug: please "
                              "report it)", path);
        free(back);
        free(path);
    }
    af_buf_free(&hb);
    af_buf_free(&cb);
    af_buf_free(&bb);
    free(base);
    free(fitted);
    return st;
}

static af_status write_tables(cal *c, size_t best, const af_calibrate_result *res, af_error *err)
{
    const af_calibrate_config *cfg = c->cfg;
    af_buf t, p, e;
    af_buf_init(&t);
    af_buf_init(&p);
    af_buf_init(&e);
    af_buf_put(&t, "id,from,to,basis,observed,unit,sigma,source,simulated,sd,ci_low,ci_high,n,"
                   "residual,z,in_fit\n");
    for (size_t i = 0; i < res->n_rows; i++) {
        const af_calibrate_row *r = &res->rows[i];
        const char *w = strchr(r->obs->window, '@') + 1;
        af_buf_csv(&t, r->obs->id);
        af_buf_printf(&t, ",%.10s,%.10s,", w, w + 12);
        af_buf_csv(&t, r->obs->basis);
        csv_num(&t, r->obs->value);
        af_buf_put(&t, ",");
        af_buf_csv(&t, strncmp(r->obs->basis, "need_met", 8) ? r->obs->unit : "fraction");
        csv_num(&t, r->sigma);
        af_buf_put(&t, ",");
        af_buf_csv(&t, r->obs->source);
        csv_num(&t, r->mean);
        csv_num(&t, r->sd);
        csv_num(&t, r->ci_low);
        csv_num(&t, r->ci_high);
        af_buf_printf(&t, ",%zu", r->n);
        csv_num(&t, r->residual);
        csv_num(&t, r->z);
        af_buf_put(&t, r->held_out ? ",held out\n" : ",yes\n");
    }
    af_buf_put(&p, "path,unit,lo,hi,start,value,se,ci_low,ci_high,at_bound\n");
    double z = gsl_cdf_ugaussian_Pinv(0.5 + c->confidence / 2);
    for (size_t k = 0; k < res->n_params; k++) {
        const af_calibrate_param *q = &res->params[k];
        af_buf_csv(&p, q->path);
        af_buf_put(&p, ",");
        af_buf_csv(&p, q->unit);
        csv_num(&p, q->lo);
        csv_num(&p, q->hi);
        csv_num(&p, q->start);
        csv_num(&p, q->value);
        csv_num(&p, q->se);
        csv_num(&p, q->value - z * q->se);
        csv_num(&p, q->value + z * q->se);
        af_buf_put(&p, q->at_bound ? ",yes\n" : ",no\n");
    }
    af_buf_put(&e, "evaluation,stage");
    for (size_t k = 0; k < c->K; k++) {
        af_buf_put(&e, ",");
        af_buf_csv(&e, c->paths[k]);
    }
    af_buf_put(&e, ",objective,best\n");
    for (size_t i = 0; i < c->n; i++) {
        af_buf_printf(&e, "%zu,%s", i, c->evals[i].why);
        for (size_t k = 0; k < c->K; k++) af_buf_printf(&e, ",%s", c->evals[i].texts[k]);
        csv_num(&e, c->evals[i].objective);
        af_buf_put(&e, i == best ? ",yes\n" : ",no\n");
    }
    af_status st = write_out(cfg->out_dir, "calibration.csv", &t, err);
    if (st == AF_OK) st = write_out(cfg->out_dir, "parameters.csv", &p, err);
    if (st == AF_OK) st = write_out(cfg->out_dir, "evaluations.csv", &e, err);
    af_buf_free(&t);
    af_buf_free(&p);
    af_buf_free(&e);
    return st;
}

void af_calibrate_free(af_calibrate_result *r)
{
    if (!r) return;
    free(r->rows);
    af_observed_free(r->observed);
    free(r);
}

af_status af_calibrate_run(const af_calibrate_config *cfg, af_exp_model *model,
                           const af_exp_options *opts, af_calibrate_result **out, af_error *err)
{
    if (out) *out = NULL;
    if (!cfg || !cfg->scenario || !cfg->out_dir || !cfg->observed || !model || !out)
        return af_error_set(err, AF_INVAL,
                            "af_calibrate_run: missing scenario, observed figures, output or "
                            "model");
    if (opts && opts->shards > 1)
        return af_error_set(err, AF_INVAL, "--shard does not apply to calibrate: each "
                                           "evaluation depends on the ones before");
    if (exp_mpi_size() > 1)
        return af_error_set(err, AF_INVAL, "calibrate runs in one process (use --jobs)");
    if (cfg->n_fit == 0 || cfg->n_fit > AF_CALIBRATE_MAX_PARAMS)
        return af_error_set(err, AF_INVAL, "calibrate: give 1 to %d --fit PATH=LO:HI",
                            AF_CALIBRATE_MAX_PARAMS);
    af_calibrate_result *res = calloc(1, sizeof *res);
    if (!res) return af_error_set(err, AF_NOMEM, "out of memory");
    cal c;
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    c.model = model;
    c.opts = opts;
    c.err = err;
    c.K = cfg->n_fit;
    c.par = res->params;
    c.summary = &res->summary;
    res->n_params = c.K;
    af_status st = AF_OK;
    /* The observed figures, read and checked against the scenario (file:line:col). */
    af_diagnostics *own = NULL, *d = cfg->diags;
    if (st == AF_OK && !d && !(d = own = af_diagnostics_create(10)))
        st = af_error_set(err, AF_NOMEM, "out of memory");
    af_scenario *scn = NULL;
    if (st == AF_OK) {
        af_diagnostics *sd = af_diagnostics_create(10);
        st = sd ? af_scenario_load(cfg->scenario, cfg->sets, cfg->n_sets, &scn, sd) : AF_NOMEM;
        if (st != AF_OK) exp_diags_to_error(sd, st, err);
        af_diagnostics_destroy(sd);
    }
    for (size_t k = 0; k < c.K && st == AF_OK; k++) {
        st = parse_fit(cfg->fit[k], scn, &res->params[k], err);
        c.paths[k] = res->params[k].path;
        for (size_t j = 0; j < k && st == AF_OK; j++)
            if (!strcmp(c.paths[j], c.paths[k]))
                st = af_error_set(err, AF_INVAL, "--fit %s is given twice", c.paths[k]);
    }
    if (st == AF_OK) {
        st = af_observed_load(cfg->observed, &c.obs, d);
        if (st == AF_OK) st = af_observed_check(c.obs, scn, d);
        if (st != AF_OK) {
            if (own)
                exp_diags_to_error(own, st, err);
            else
                af_error_set(err, st, "%s: the observed figures have errors", cfg->observed);
            if (st != AF_NOMEM) st = AF_PARSE;
        }
    }
    res->observed = c.obs;
    af_diagnostics_destroy(own);
    /* The start values: the scenario's, moved 1% of the range inside it. */
    char *canon = NULL;
    size_t canon_len = 0;
    if (st == AF_OK && !(canon = af_scenario_to_yaml(scn, &canon_len)))
        st = af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t k = 0; k < c.K && st == AF_OK; k++) {
        af_calibrate_param *p = &res->params[k];
        char text[256];
        double v = NAN;
        size_t ai = af_scenario_find_assumption(scn, p->path);
        if (ai != AF_SCN_NONE)
            v = af_scenario_assumption(scn, ai)->value; /* marked: {value: V, assumption: ...} */
        else if (cal_yaml_value(canon, p->path, text, sizeof text) == AF_OK)
            v = af_design_path_number(p->path, text);
        if (!isfinite(v))
            st = af_error_set(err, AF_INVAL, "--fit %s: the scenario has no number at this "
                                             "path (aidflow schema --paths SCENARIO lists them)",
                              p->path);
        double margin = 0.01 * (p->hi - p->lo);
        p->start = fmin(fmax(v, p->lo + margin), p->hi - margin);
    }
    free(canon);
    af_scenario_free(scn);
    if (st == AF_OK) {
        c.held = calloc(c.obs->n + 1, sizeof *c.held);
        if (!c.held) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    size_t in_fit = 0;
    for (size_t h = 0; h < cfg->n_hold_out && st == AF_OK; h++) {
        bool any = false;
        for (size_t i = 0; i < c.obs->n; i++)
            if (holds_out(cfg->hold_out[h], &c.obs->rows[i])) c.held[i] = any = true;
        if (!any)
            st = af_error_set(err, AF_INVAL, "--hold-out %s: no figure of %s has that id or "
                                             "lies within that period FROM..TO",
                              cfg->hold_out[h], cfg->observed);
    }
    for (size_t i = 0; st == AF_OK && i < c.obs->n; i++) in_fit += !c.held[i];
    if (st == AF_OK && in_fit == 0)
        st = af_error_set(err, AF_INVAL, "calibrate: every figure is held out; nothing to fit");
    /* Every replication reports the figures' windows. */
    const char **windows = st == AF_OK ? calloc(c.obs->n, sizeof *windows) : NULL;
    if (st == AF_OK && !windows) st = af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; st == AF_OK && i < c.obs->n; i++) windows[i] = c.obs->rows[i].window;
    if (st == AF_OK) st = af_exp_model_windows(model, windows, c.obs->n, err);
    free(windows);
    af_exp_point_info base;
    if (st == AF_OK)
        st = exp_prepare_base(model, cfg->scenario, cfg->sets, cfg->n_sets, &base, err);
    if (st == AF_OK) {
        c.reps = cfg->replications ? cfg->replications : base.replications;
        c.seed = cfg->has_seed ? cfg->seed : base.seed;
        c.confidence = base.confidence;
        c.max_evals = cfg->max_evaluations ? cfg->max_evaluations : 40 + 20 * c.K;
        if (c.max_evals > MAX_EVALS_CAP) c.max_evals = MAX_EVALS_CAP;
        if (c.reps < 2)
            st = af_error_set(err, AF_INVAL, "calibrate needs at least 2 replications "
                                             "(--replications N)");
    }
    /* The store: its identity is everything the evaluations depend on. */
    af_buf id;
    af_buf_init(&id);
    char *sets = NULL;
    if (st == AF_OK) {
        char hash[17], num[40];
        exp_identity_common(&id, "calibrate", c.reps, c.seed, c.confidence, cfg->sets,
                            cfg->n_sets);
        af_buf_printf(&id, "scenario_hash=%s\nmax_evaluations=%zu\n",
                      af_fmt_hex64(base.hash, hash), c.max_evals);
        for (size_t k = 0; k < c.K; k++) {
            af_buf_printf(&id, "fit=%s=%.17g:%.17g start %.17g\n", c.paths[k], res->params[k].lo,
                          res->params[k].hi, res->params[k].start);
        }
        for (size_t i = 0; i < c.obs->n; i++) {
            af_fmt_num(num, sizeof num, af_observed_sigma(&c.obs->rows[i]));
            af_buf_printf(&id, "observed=%s %.17g sigma %s%s\n", c.obs->rows[i].window,
                          c.obs->rows[i].value, num, c.held[i] ? " held out" : "");
        }
        sets = exp_join_lines(cfg->sets, cfg->n_sets);
        char reps_s[24], seed_s[24], conf_s[40];
        snprintf(reps_s, sizeof reps_s, "%u", c.reps);
        snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)c.seed);
        af_fmt_num(conf_s, sizeof conf_s, c.confidence);
        af_buf design;
        af_buf_init(&design);
        af_buf_put(&design, "calibration; nmsimplex2");
        for (size_t k = 0; k < c.K; k++)
            af_buf_printf(&design, "; %s=%g:%g", c.paths[k], res->params[k].lo,
                          res->params[k].hi);
        af_buf_printf(&design, "; observed %s", cfg->observed);
        const char *meta[] = {"kind", "calibrate", "version", af_version(),
                              "command", opts && opts->command ? opts->command : "",
                              "scenario", cfg->scenario, "scenario_hash", hash,
                              "design", design.data ? design.data : "", "sets", sets ? sets : "",
                              "replications", reps_s, "seed", seed_s, "confidence", conf_s,
                              NULL};
        if (id.failed || design.failed || !sets)
            st = af_error_set(err, AF_NOMEM, "out of memory");
        else if ((st = exp_open_claim(&c.store, cfg->out_dir, opts, id.data, meta, err)) == AF_OK)
            st = exp_store_put_factors(c.store, c.paths, c.K, err);
        af_buf_free(&design);
    }
    bool converged = false;
    size_t best = 0;
    if (st == AF_OK) {
        size_t i0;
        double x0[AF_CALIBRATE_MAX_PARAMS];
        for (size_t k = 0; k < c.K; k++) x0[k] = res->params[k].start;
        c.why = "start";
        st = evaluate(&c, x0, &i0);
    }
    if (st == AF_OK) st = minimise(&c, &converged);
    if (st == AF_OK) {
        best = best_eval(&c);
        st = uncertainty(&c, best, res);
    }
    if (st == AF_OK) {
        res->converged = converged;
        res->evaluations = c.n;
        res->objective = c.evals[best].objective;
        for (size_t k = 0; k < c.K; k++) {
            af_calibrate_param *p = &res->params[k];
            p->value = c.evals[best].x[k];
            double edge = 0.005 * (p->hi - p->lo);
            p->at_bound = p->value - p->lo < edge || p->hi - p->value < edge;
        }
        res->n_rows = c.obs->n;
        res->rows = calloc(c.obs->n, sizeof *res->rows);
        if (!res->rows) st = af_error_set(err, AF_NOMEM, "out of memory");
        double tq = af_t_quantile(c.confidence, (double)c.reps);
        for (size_t i = 0; st == AF_OK && i < c.obs->n; i++) {
            af_calibrate_row *r = &res->rows[i];
            const eval_rec *b = &c.evals[best];
            r->obs = &c.obs->rows[i];
            r->held_out = c.held[i];
            r->sigma = af_observed_sigma(r->obs);
            r->mean = b->mean[i];
            r->sd = b->sd[i];
            r->n = b->n[i];
            double hw = r->n > 1 ? tq * r->sd / sqrt((double)r->n) : NAN;
            r->ci_low = r->mean - hw;
            r->ci_high = r->mean + hw;
            r->residual = r->obs->value > 0 ? (r->mean - r->obs->value) / r->obs->value : NAN;
            double var = r->sigma * r->sigma + (r->n > 1 ? r->sd * r->sd / (double)r->n : 0);
            r->z = (r->mean - r->obs->value) / sqrt(var);
        }
    }
    if (st == AF_OK) {
        res->summary.points = c.n;
        res->summary.jobs = c.n * c.reps;
        if ((st = exp_export(c.store, cfg->out_dir, exp_export_threads(c.opts), err)) == AF_OK)
            res->summary.exported = true;
    }
    if (st == AF_OK) st = write_tables(&c, best, res, err);
    if (st == AF_OK) st = write_scenarios(&c, best, err);
    af_buf_free(&id);
    free(sets);
    free(c.held);
    free_points(&c);
    exp_store_close(c.store);
    if (st != AF_OK && st != AF_INTERRUPTED) {
        af_calibrate_free(res);
        return st;
    }
    *out = res;
    return st;
}
