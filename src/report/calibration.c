/* The report's section of a calibration directory: the fitted values with their standard
 * errors, the observed-against-simulated table, and a chart of each figure's residual with
 * the simulation's interval (docs/OUTPUTS.md, `aidflow calibrate`). */
#include "report/calibration.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "report/csv.h"
#include "report/report_internal.h"
#include "report/svg.h"

static char *dup_field(const rp_csv *c, int col)
{
    return strdup(col >= 0 ? rp_csv_field(c, (size_t)col) : "");
}

static af_status load_figures(rp_calibration *cal, const char *dir, af_error *err)
{
    char path[4096];
    if (!af_path_join_to(path, sizeof path, dir, "calibration.csv"))
        return af_error_set(err, AF_INVAL, "path too long: %s", dir);
    rp_csv *c = NULL;
    af_status st = rp_csv_open(&c, path, NULL, err);
    if (st != AF_OK) return st;
    static const char *const names[] = {"id", "from", "to", "basis", "observed", "unit", "sigma",
                                        "source", "simulated", "ci_low", "ci_high", "residual",
                                        "z", "in_fit"};
    int col[14];
    for (size_t i = 0; i < 14 && st == AF_OK; i++) st = rp_csv_need(c, names[i], &col[i], err);
    size_t cap = 0;
    bool got = true;
    while (st == AF_OK && (st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        if (cal->n_figures == cap) {
            cap = cap ? 2 * cap : 8;
            rp_cal_figure *f = realloc(cal->figures, cap * sizeof *f);
            if (!f) {
                st = af_error_set(err, AF_NOMEM, "out of memory");
                break;
            }
            cal->figures = f;
        }
        rp_cal_figure *f = &cal->figures[cal->n_figures++];
        memset(f, 0, sizeof *f);
        f->id = dup_field(c, col[0]);
        f->from = dup_field(c, col[1]);
        f->to = dup_field(c, col[2]);
        f->basis = dup_field(c, col[3]);
        f->unit = dup_field(c, col[5]);
        f->source = dup_field(c, col[7]);
        if (!f->id || !f->from || !f->to || !f->basis || !f->unit || !f->source) {
            st = af_error_set(err, AF_NOMEM, "out of memory");
            break;
        }
        double *nums[] = {&f->observed, &f->sigma, &f->simulated, &f->ci_low, &f->ci_high,
                          &f->residual, &f->z};
        int ncol[] = {col[4], col[6], col[8], col[9], col[10], col[11], col[12]};
        for (size_t i = 0; i < 7 && st == AF_OK; i++)
            st = rp_csv_num(c, ncol[i], i >= 3, nums[i], err);
        const char *fit = rp_csv_field(c, (size_t)col[13]);
        if (st == AF_OK && strcmp(fit, "yes") && strcmp(fit, "held out"))
            st = rp_csv_fail(c, err, "column 'in_fit': expected yes or held out, found '%s'", fit);
        f->held_out = !strcmp(fit, "held out");
    }
    rp_csv_close(c);
    return st;
}

static af_status load_params(rp_calibration *cal, const char *dir, af_error *err)
{
    char path[4096];
    if (!af_path_join_to(path, sizeof path, dir, "parameters.csv"))
        return af_error_set(err, AF_INVAL, "path too long: %s", dir);
    rp_csv *c = NULL;
    af_status st = rp_csv_open(&c, path, NULL, err);
    if (st != AF_OK) return st;
    static const char *const names[] = {"path", "unit", "lo", "hi", "start", "value", "se",
                                        "at_bound"};
    int col[8];
    for (size_t i = 0; i < 8 && st == AF_OK; i++) st = rp_csv_need(c, names[i], &col[i], err);
    size_t cap = 0;
    bool got = true;
    while (st == AF_OK && (st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        if (cal->n_params == cap) {
            cap = cap ? 2 * cap : 8;
            rp_cal_param *p = realloc(cal->params, cap * sizeof *p);
            if (!p) {
                st = af_error_set(err, AF_NOMEM, "out of memory");
                break;
            }
            cal->params = p;
        }
        rp_cal_param *p = &cal->params[cal->n_params++];
        memset(p, 0, sizeof *p);
        p->path = dup_field(c, col[0]);
        p->unit = dup_field(c, col[1]);
        if (!p->path || !p->unit) {
            st = af_error_set(err, AF_NOMEM, "out of memory");
            break;
        }
        double *nums[] = {&p->lo, &p->hi, &p->start, &p->value, &p->se};
        for (size_t i = 0; i < 5 && st == AF_OK; i++)
            st = rp_csv_num(c, col[2 + i], i == 4, nums[i], err);
        p->at_bound = !strcmp(rp_csv_field(c, (size_t)col[7]), "yes");
    }
    rp_csv_close(c);
    return st;
}

af_status rp_calibration_load(rp_calibration *c, const char *dir, af_error *err)
{
    memset(c, 0, sizeof *c);
    if (!(c->dir = strdup(dir))) return af_error_set(err, AF_NOMEM, "out of memory");
    af_status st = load_figures(c, dir, err);
    if (st == AF_OK) st = load_params(c, dir, err);
    return st;
}

void rp_calibration_free(rp_calibration *c)
{
    for (size_t i = 0; i < c->n_figures; i++) {
        rp_cal_figure *f = &c->figures[i];
        free(f->id);
        free(f->from);
        free(f->to);
        free(f->basis);
        free(f->unit);
        free(f->source);
    }
    for (size_t i = 0; i < c->n_params; i++) {
        free(c->params[i].path);
        free(c->params[i].unit);
    }
    free(c->figures);
    free(c->params);
    free(c->dir);
    memset(c, 0, sizeof *c);
}

static void num_cell(af_buf *b, double v)
{
    char s[48];
    rp_fmt_num(s, sizeof s, v, 4);
    af_buf_put(b, "<td class=\"num\">");
    af_buf_put(b, isfinite(v) ? s : "&ndash;");
    af_buf_put(b, "</td>");
}

static void section(struct rp_ctx *cx, const rp_calibration *c)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<section class=\"calibration\">\n<h2>Calibration to observed figures</h2>\n");
    af_buf_put(b, "<p>Output directory <code>");
    rp_esc(b, c->dir);
    af_buf_put(b, "</code>. Fitted values, each with its standard error (the Gauss&ndash;Newton "
                  "covariance at the optimum, from the figures' and the simulation's variance):</p>\n");
    af_buf_put(b, "<table class=\"keep\">\n<thead><tr><th>parameter</th><th>fitted</th><th>standard "
                  "error</th><th>start</th><th>range</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < c->n_params; i++) {
        const rp_cal_param *p = &c->params[i];
        af_buf_put(b, "<tr><td><code>");
        rp_esc(b, p->path);
        af_buf_put(b, "</code></td>");
        num_cell(b, p->value);
        num_cell(b, p->se);
        num_cell(b, p->start);
        char lo[48], hi[48];
        rp_fmt_num(lo, sizeof lo, p->lo, 6);
        rp_fmt_num(hi, sizeof hi, p->hi, 6);
        af_buf_printf(b, "<td>%s to %s ", lo, hi);
        rp_esc(b, p->unit);
        af_buf_put(b, p->at_bound ? " <strong>(at a bound)</strong></td></tr>\n" : "</td></tr>\n");
    }
    af_buf_put(b, "</tbody>\n</table>\n");
    af_buf_put(b, "<table class=\"keep\">\n<thead><tr><th>figure</th><th>period</th><th>basis</th>"
                  "<th>observed</th><th>simulated (interval)</th><th>residual</th><th></th>"
                  "<th>source</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < c->n_figures; i++) {
        const rp_cal_figure *f = &c->figures[i];
        af_buf_put(b, "<tr><td>");
        rp_esc(b, f->id);
        af_buf_put(b, "</td><td>");
        rp_esc(b, f->from);
        af_buf_put(b, " to ");
        rp_esc(b, f->to);
        af_buf_put(b, "</td><td><code>");
        rp_esc(b, f->basis);
        af_buf_put(b, "</code></td>");
        num_cell(b, f->observed);
        rp_cell_metric(b, f->simulated, f->ci_low, f->ci_high, RP_NUM);
        af_buf_printf(b, "<td class=\"num\">%+.1f%%</td><td>%s</td><td>", 100 * f->residual,
                      f->held_out ? "held out" : "in fit");
        rp_esc(b, f->source);
        af_buf_put(b, "</td></tr>\n");
    }
    af_buf_put(b, "</tbody>\n</table>\n");
    /* The chart: simulated against observed, each figure's residual with its interval. */
    size_t n = c->n_figures;
    const char **labels = rp_alloc(&cx->pool, n + 1, sizeof *labels);
    double *est = rp_alloc(&cx->pool, n + 1, sizeof *est);
    double *lo = rp_alloc(&cx->pool, n + 1, sizeof *lo);
    double *hi = rp_alloc(&cx->pool, n + 1, sizeof *hi);
    bool *held = rp_alloc(&cx->pool, n + 1, sizeof *held);
    if (!labels || !est || !lo || !hi || !held) {
        af_buf_put(b, "</section>\n");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const rp_cal_figure *f = &c->figures[i];
        labels[i] = f->id;
        bool ok = f->observed > 0;
        est[i] = ok ? f->simulated / f->observed - 1 : NAN;
        lo[i] = ok ? f->ci_low / f->observed - 1 : NAN;
        hi[i] = ok ? f->ci_high / f->observed - 1 : NAN;
        held[i] = f->held_out;
    }
    char id[32];
    rp_figure_open(cx, "calibration", id, sizeof id);
    rp_legend leg[] = {{RP_LEG_MARKER, "in the fit", RP_GREY, RP_SOLID},
                       {RP_LEG_MARKER, "held out", RP_RED, RP_SOLID}};
    rp_forest fo = {.id = id, .title = "Simulated against observed, at the fitted values",
                    .x_label = "(simulated - observed) / observed", .n = n, .labels = labels,
                    .est = est, .lo = lo, .hi = hi, .highlight = held, .ref_x = 0,
                    .x_percent = true, .legend = leg, .n_legend = 2};
    rp_svg_forest(b, &fo);
    rp_figure_close(cx, "Each observed figure: the relative difference of the simulated mean "
                        "from it, with the simulation's interval over replications; 0 is a "
                        "perfect fit. Held-out figures were not used in the fit.");
    af_buf_put(b, "</section>\n");
}

void rp_calibration_sections(struct rp_ctx *cx)
{
    for (size_t i = 0; i < cx->n_calibrations; i++) section(cx, &cx->calibrations[i]);
}
