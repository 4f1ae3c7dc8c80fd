/* The report's section on a sensitivity folder (`aidflow sensitivity`): per output, the
 * assumptions ranked by mu* with their intervals as horizontal bars, and a table of those
 * that matter most. It reads sensitivity.csv alone (docs/OUTPUTS.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "report/csv.h"
#include "report/report_internal.h"
#include "report/svg.h"

enum { TOP_CHART = 12, TOP_TABLE = 5 };

void rp_sens_free(rp_sens *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->assumption[i]);
        free(s->output[i]);
    }
    free(s->assumption);
    free(s->output);
    free(s->mu_star);
    free(s->lo);
    free(s->hi);
    free(s->rank);
    free(s->dir);
    memset(s, 0, sizeof *s);
}

af_status rp_sens_load(rp_sens *s, const char *dir, af_error *err)
{
    memset(s, 0, sizeof *s);
    char path[4096];
    if (!af_path_join_to(path, sizeof path, dir, "sensitivity.csv"))
        return af_error_set(err, AF_INVAL, "path too long: %s", dir);
    if (!(s->dir = strdup(dir))) return af_error_set(err, AF_NOMEM, "out of memory");
    rp_csv *c = NULL;
    af_status st = rp_csv_open(&c, path, "sensitivity.csv", err);
    int ca, co, cm, cl, ch, cr;
    if (st == AF_OK) st = rp_csv_need(c, "assumption", &ca, err);
    if (st == AF_OK) st = rp_csv_need(c, "output", &co, err);
    if (st == AF_OK) st = rp_csv_need(c, "mu_star", &cm, err);
    if (st == AF_OK) st = rp_csv_need(c, "mu_star_lo", &cl, err);
    if (st == AF_OK) st = rp_csv_need(c, "mu_star_hi", &ch, err);
    if (st == AF_OK) st = rp_csv_need(c, "rank", &cr, err);
    size_t cap = 0;
    while (st == AF_OK) {
        bool got;
        if ((st = rp_csv_next(c, &got, err)) != AF_OK || !got) break;
        if (s->n == cap) {
            cap = cap ? 2 * cap : 64;
            char **a = realloc(s->assumption, cap * sizeof *a);
            if (a) s->assumption = a;
            char **o = realloc(s->output, cap * sizeof *o);
            if (o) s->output = o;
            double *m = realloc(s->mu_star, cap * sizeof *m);
            if (m) s->mu_star = m;
            double *l = realloc(s->lo, cap * sizeof *l);
            if (l) s->lo = l;
            double *h = realloc(s->hi, cap * sizeof *h);
            if (h) s->hi = h;
            long *r = realloc(s->rank, cap * sizeof *r);
            if (r) s->rank = r;
            if (!a || !o || !m || !l || !h || !r) {
                st = af_error_set(err, AF_NOMEM, "out of memory");
                break;
            }
        }
        size_t i = s->n;
        s->assumption[i] = strdup(rp_csv_field(c, (size_t)ca));
        s->output[i] = strdup(rp_csv_field(c, (size_t)co));
        s->n++;
        if (!s->assumption[i] || !s->output[i]) {
            st = af_error_set(err, AF_NOMEM, "out of memory");
            break;
        }
        if (st == AF_OK) st = rp_csv_num(c, cm, true, &s->mu_star[i], err);
        if (st == AF_OK) st = rp_csv_num(c, cl, true, &s->lo[i], err);
        if (st == AF_OK) st = rp_csv_num(c, ch, true, &s->hi[i], err);
        if (st == AF_OK) st = rp_csv_uint(c, cr, 1000000, &s->rank[i], err);
    }
    rp_csv_close(c);
    return st;
}

/* The rows of output `o` (by its first row), at most max, in rank order (the file's). */
static size_t rows_of(const rp_sens *s, const char *o, size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n && n < max; i++)
        if (!strcmp(s->output[i], o)) idx[n++] = i;
    return n;
}

static void sens_section(rp_ctx *cx, const rp_sens *s)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<section class=\"sensitivity\">\n<h2>Which assumptions matter: Morris screening of ");
    rp_esc(b, s->dir);
    af_buf_put(b, "</h2>\n<p>Each assumption the scenario marks with a range was moved one at a time "
                  "along random trajectories over a grid of its range, every point on the same "
                  "replications and random numbers. <em>mu*</em> is the mean absolute change of an "
                  "output over the whole range of the assumption; the bars are its bootstrap interval "
                  "over the trajectories. An interval that reaches 0 cannot be told from no effect.</p>\n");
    size_t *idx = malloc((s->n ? s->n : 1) * sizeof *idx);
    if (!idx) {
        cx->pool.nomem = true;
        return;
    }
    /* One chart per output, in the order of the file. */
    for (size_t i = 0; i < s->n; i++) {
        bool first = true;
        for (size_t k = 0; k < i && first; k++) first = strcmp(s->output[k], s->output[i]) != 0;
        if (!first) continue;
        size_t n = rows_of(s, s->output[i], idx, TOP_CHART);
        const char **labels = rp_alloc(&cx->pool, n, sizeof *labels);
        double *est = rp_alloc(&cx->pool, n, sizeof *est), *lo = rp_alloc(&cx->pool, n, sizeof *lo),
               *hi = rp_alloc(&cx->pool, n, sizeof *hi);
        if (!labels || !est || !lo || !hi) break;
        for (size_t k = 0; k < n; k++) {
            labels[k] = s->assumption[idx[k]];
            est[k] = s->mu_star[idx[k]];
            lo[k] = isnan(s->lo[idx[k]]) ? est[k] : s->lo[idx[k]];
            hi[k] = isnan(s->hi[idx[k]]) ? est[k] : s->hi[idx[k]];
        }
        char id[32], title[300], cap[400];
        snprintf(title, sizeof title, "%s: the assumptions that change it most", s->output[i]);
        rp_figure_open(cx, "sensitivity", id, sizeof id);
        rp_forest f = {.id = id, .title = title, .x_label = "mu* (change of the output over the range)",
                       .n = n, .labels = labels, .est = est, .lo = lo, .hi = hi, .ref_x = 0,
                       .x_percent = !strncmp(s->output[i], "need_met.", 9) ||
                                    !strncmp(s->output[i], "coverage.", 9)};
        rp_svg_forest(b, &f);
        snprintf(cap, sizeof cap, "The %zu assumptions with the largest mu* for %s, largest first, "
                 "with the interval of mu*.", n, s->output[i]);
        rp_figure_close(cx, cap);
    }
    /* The table: the first few of every output. */
    af_buf_put(b, "<table class=\"sens\">\n<thead><tr><th>output</th><th class=\"n\">rank</th>"
                  "<th>assumption</th><th class=\"n\">mu* (interval)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < s->n; i++) {
        if (s->rank[i] > TOP_TABLE) continue;
        af_buf_put(b, "<tr><td>");
        rp_esc(b, s->output[i]);
        af_buf_printf(b, "</td><td class=\"n\">%ld</td><td><code>", s->rank[i]);
        rp_esc(b, s->assumption[i]);
        af_buf_put(b, "</code></td><td class=\"n\">");
        rp_cell_metric(b, s->mu_star[i], s->lo[i], s->hi[i], RP_NUM);
        af_buf_put(b, "</td></tr>\n");
    }
    af_buf_put(b, "</tbody>\n</table>\n</section>\n");
    free(idx);
}

void rp_sens_sections(rp_ctx *cx)
{
    for (size_t i = 0; i < cx->n_sens; i++) sens_section(cx, &cx->sens[i]);
}
