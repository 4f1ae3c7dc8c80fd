/* Reading and drawing the outputs of compare, sweep and target. See experiments.h. */
#include "report/experiments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/csv.h"
#include "report/report_internal.h"
#include "report/svg.h"

/* The first of several possible column names that the file has, or -1. */
static int col_any(const rp_csv *c, const char *const *names)
{
    for (; *names; names++) {
        int i = rp_csv_col(c, *names);
        if (i >= 0) return i;
    }
    return -1;
}

static af_status col_need_any(const rp_csv *c, const char *const *names, const char *path, int *out, af_error *err)
{
    *out = col_any(c, names);
    if (*out >= 0) return AF_OK;
    af_error_set(err, AF_PARSE, "%s:1: header: missing column '%s'", path, names[0]);
    rp_error_place(err, path, 1, 0);
    return AF_PARSE;
}

static af_status opt_num(const rp_csv *c, int col, double *out, af_error *err)
{
    if (col < 0) {
        *out = NAN;
        return AF_OK;
    }
    return rp_csv_num(c, col, true, out, err);
}

static af_status flag(const rp_csv *c, int col, signed char *out, af_error *err)
{
    *out = -1;
    if (col < 0) return AF_OK;
    const char *f = rp_csv_field(c, (size_t)col);
    if (!*f) return AF_OK;
    if (!strcmp(f, "1") || !strcmp(f, "true") || !strcmp(f, "yes")) *out = 1;
    else if (!strcmp(f, "0") || !strcmp(f, "false") || !strcmp(f, "no")) *out = 0;
    else
        return rp_csv_fail(c, err, "column '%s': expected true or false, found '%.40s'", rp_csv_colname(c, (size_t)col), f);
    return AF_OK;
}

/* Resizes a typed array to nc items; clears ok on failure (the old array stays valid). */
#define RESIZE(ok, ptr, nc)                                        \
    do {                                                           \
        void *q_ = realloc((ptr), (nc) * sizeof *(ptr));           \
        if (q_) (ptr) = q_;                                        \
        else (ok) = false;                                         \
    } while (0)

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- compare ---- */

static const char *const K_METRIC[] = {"metric", NULL};
static const char *const K_A_MEAN[] = {"a_mean", "mean_a", NULL};
static const char *const K_A_LO[] = {"a_ci_low", "ci_low_a", NULL};
static const char *const K_A_HI[] = {"a_ci_high", "ci_high_a", NULL};
static const char *const K_B_MEAN[] = {"b_mean", "mean_b", NULL};
static const char *const K_B_LO[] = {"b_ci_low", "ci_low_b", NULL};
static const char *const K_B_HI[] = {"b_ci_high", "ci_high_b", NULL};
static const char *const K_D_MEAN[] = {"diff_mean", "diff", "difference", "mean_diff", NULL};
static const char *const K_D_LO[] = {"diff_ci_low", "ci_low", NULL};
static const char *const K_D_HI[] = {"diff_ci_high", "ci_high", NULL};
static const char *const K_N[] = {"n", "pairs", "replications", NULL};
static const char *const K_SIG[] = {"significant", NULL};

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

af_status rp_compare_load(rp_compare *cmp, const char *dir, af_error *err)
{
    memset(cmp, 0, sizeof *cmp);
    char path[4096];
    cmp->dir = strdup(dir);
    if (!cmp->dir || !rp_path_join(path, sizeof path, dir, "compare.csv"))
        return af_error_set(err, AF_NOMEM, "out of memory");
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, path, err);
    if (st != AF_OK) return st;
    int cm, cd, cdl, cdh, cam, cal, cah, cbm, cbl, cbh, cn, cs;
    if ((st = col_need_any(c, K_METRIC, path, &cm, err)) || (st = col_need_any(c, K_D_MEAN, path, &cd, err))) {
        rp_csv_close(c);
        return st;
    }
    cdl = col_any(c, K_D_LO), cdh = col_any(c, K_D_HI), cam = col_any(c, K_A_MEAN), cal = col_any(c, K_A_LO),
    cah = col_any(c, K_A_HI), cbm = col_any(c, K_B_MEAN), cbl = col_any(c, K_B_LO), cbh = col_any(c, K_B_HI),
    cn = col_any(c, K_N), cs = col_any(c, K_SIG);
    size_t cap = 0;
    bool got;
    while ((st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        size_t n = cmp->n;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            bool ok = true;
            RESIZE(ok, cmp->metric, nc);
            RESIZE(ok, cmp->a_mean, nc); RESIZE(ok, cmp->a_lo, nc); RESIZE(ok, cmp->a_hi, nc);
            RESIZE(ok, cmp->b_mean, nc); RESIZE(ok, cmp->b_lo, nc); RESIZE(ok, cmp->b_hi, nc);
            RESIZE(ok, cmp->d_mean, nc); RESIZE(ok, cmp->d_lo, nc); RESIZE(ok, cmp->d_hi, nc);
            RESIZE(ok, cmp->n_pairs, nc); RESIZE(ok, cmp->significant, nc);
            if (!ok) {
                st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
                break;
            }
            cap = nc;
        }
        const char *m = rp_csv_field(c, (size_t)cm);
        if (!*m) {
            st = rp_csv_fail(c, err, "column 'metric' is empty");
            break;
        }
        if ((st = rp_csv_num(c, cd, false, &cmp->d_mean[n], err)) || (st = opt_num(c, cdl, &cmp->d_lo[n], err)) ||
            (st = opt_num(c, cdh, &cmp->d_hi[n], err)) || (st = opt_num(c, cam, &cmp->a_mean[n], err)) ||
            (st = opt_num(c, cal, &cmp->a_lo[n], err)) || (st = opt_num(c, cah, &cmp->a_hi[n], err)) ||
            (st = opt_num(c, cbm, &cmp->b_mean[n], err)) || (st = opt_num(c, cbl, &cmp->b_lo[n], err)) ||
            (st = opt_num(c, cbh, &cmp->b_hi[n], err)) || (st = opt_num(c, cn, &cmp->n_pairs[n], err)) ||
            (st = flag(c, cs, &cmp->significant[n], err)))
            break;
        if (!(cmp->metric[n] = strdup(m))) {
            st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
            break;
        }
        cmp->n++;
    }
    rp_csv_close(c);
    if (st != AF_OK) return st;
    /* Names and provenance, if the directory has them. */
    const char *metas[] = {"compare.json", "summary.json"};
    for (size_t i = 0; i < 2 && !cmp->meta; i++) {
        rp_path_join(path, sizeof path, dir, metas[i]);
        if (rp_file_exists(path) && (st = rp_json_load(&cmp->meta, path, path, err)) != AF_OK) return st;
    }
    const char *la = NULL, *lb = NULL;
    if (cmp->meta) {
        const rp_json *a = rp_json_get(cmp->meta, "a"), *b = rp_json_get(cmp->meta, "b");
        la = rp_json_str(a, "name");
        lb = rp_json_str(b, "name");
        if (!la) la = rp_json_str(rp_json_get(a, "scenario"), "name");
        if (!lb) lb = rp_json_str(rp_json_get(b, "scenario"), "name");
    }
    /* Run outputs of A and B in subdirectories. */
    static const char *const subs[2][3] = {{"a", "A", "scenario_a"}, {"b", "B", "scenario_b"}};
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < 3 && !cmp->has_run[k]; j++) {
            char sub[4096], sum[4096];
            if (!rp_path_join(sub, sizeof sub, dir, subs[k][j]) || !is_dir(sub)) continue;
            rp_path_join(sum, sizeof sum, sub, "summary.json");
            char daily[4096];
            rp_path_join(daily, sizeof daily, sub, "daily.csv");
            if (!rp_file_exists(sum) && !rp_file_exists(daily)) continue;
            if ((st = rp_run_load(&cmp->runs[k], sub, err)) != AF_OK) return st;
            cmp->has_run[k] = true;
        }
    if (!la && cmp->has_run[0]) la = cmp->runs[0].label;
    if (!lb && cmp->has_run[1]) lb = cmp->runs[1].label;
    cmp->label_a = xstrdup(la ? la : "A");
    cmp->label_b = xstrdup(lb ? lb : "B");
    if (!cmp->label_a || !cmp->label_b) return af_error_set(err, AF_NOMEM, "out of memory");
    return AF_OK;
}

void rp_compare_free(rp_compare *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->metric[i]);
    free(c->metric);
    free(c->a_mean); free(c->a_lo); free(c->a_hi);
    free(c->b_mean); free(c->b_lo); free(c->b_hi);
    free(c->d_mean); free(c->d_lo); free(c->d_hi);
    free(c->n_pairs);
    free(c->significant);
    free(c->dir);
    free(c->label_a);
    free(c->label_b);
    rp_json_free(c->meta);
    for (int k = 0; k < 2; k++)
        if (c->has_run[k]) rp_run_free(&c->runs[k]);
    memset(c, 0, sizeof *c);
}

/* ---- sweep and target ---- */

/* Columns that are not varied parameters. */
static const char *const sweep_known[] = {
    "point", "design_point", "metric", "mean", "sd", "ci_low", "ci_high", "n", "replications", "meets",
    "meets_goal", "met", "iteration", "step", "seed", "hash", NULL};

static bool known_col(const char *name)
{
    for (const char *const *k = sweep_known; *k; k++)
        if (!strcmp(*k, name)) return true;
    return false;
}

af_status rp_sweep_load(rp_sweep *s, const char *dir, bool target, af_error *err)
{
    memset(s, 0, sizeof *s);
    s->is_target = target;
    s->goal_value = s->answer = NAN;
    char path[4096];
    s->dir = strdup(dir);
    if (!s->dir || !rp_path_join(path, sizeof path, dir, target ? "target.csv" : "sweep.csv"))
        return af_error_set(err, AF_NOMEM, "out of memory");
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, path, err);
    if (st != AF_OK) return st;
    int cm = rp_csv_col(c, "metric"), cmean, clo = rp_csv_col(c, "ci_low"), chi = rp_csv_col(c, "ci_high"),
        cn = col_any(c, K_N);
    static const char *const K_MEET[] = {"meets", "meets_goal", "met", NULL};
    int cmeet = col_any(c, K_MEET);
    if ((st = rp_csv_need(c, "mean", &cmean, err)) != AF_OK) {
        rp_csv_close(c);
        return st;
    }
    size_t nc = rp_csv_ncols(c);
    int *pcols = calloc(nc ? nc : 1, sizeof *pcols);
    s->params = calloc(nc ? nc : 1, sizeof *s->params);
    if (!pcols || !s->params) {
        free(pcols);
        rp_csv_close(c);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < nc; i++)
        if (!known_col(rp_csv_colname(c, i))) {
            pcols[s->n_params] = (int)i;
            if (!(s->params[s->n_params++] = strdup(rp_csv_colname(c, i)))) st = AF_NOMEM;
        }
    if (st == AF_OK && s->n_params == 0) {
        af_error_set(err, AF_PARSE, "%s:1: header: no column for a varied parameter", path);
        rp_error_place(err, path, 1, 0);
        st = AF_PARSE;
    }
    size_t cap = 0;
    bool got;
    while (st == AF_OK && (st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        size_t n = s->n_rows;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            bool ok = true;
            RESIZE(ok, s->metric, ncap); RESIZE(ok, s->mean, ncap); RESIZE(ok, s->lo, ncap); RESIZE(ok, s->hi, ncap);
            RESIZE(ok, s->n, ncap); RESIZE(ok, s->meets, ncap); RESIZE(ok, s->values, ncap * s->n_params);
            if (!ok) {
                st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
                break;
            }
            cap = ncap;
        }
        for (size_t p = 0; p < s->n_params && st == AF_OK; p++)
            st = rp_csv_num(c, pcols[p], false, &s->values[n * s->n_params + p], err);
        if (st != AF_OK) break;
        const char *m = cm >= 0 ? rp_csv_field(c, (size_t)cm) : "value";
        if (!*m) {
            st = rp_csv_fail(c, err, "column 'metric' is empty");
            break;
        }
        long mi = rp_names_intern(&s->metrics, m, 100000);
        if (mi < 0) {
            st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
            break;
        }
        s->metric[n] = (size_t)mi;
        if ((st = rp_csv_num(c, cmean, true, &s->mean[n], err)) || (st = opt_num(c, clo, &s->lo[n], err)) ||
            (st = opt_num(c, chi, &s->hi[n], err)) || (st = opt_num(c, cn, &s->n[n], err)) ||
            (st = flag(c, cmeet, &s->meets[n], err)))
            break;
        s->n_rows++;
    }
    if (st == AF_NOMEM && err && err->status != AF_NOMEM) af_error_set(err, AF_NOMEM, "out of memory");
    free(pcols);
    rp_csv_close(c);
    if (st != AF_OK) return st;
    const char *metas[] = {target ? "target.json" : "sweep.json", "summary.json"};
    for (size_t i = 0; i < 2 && !s->meta; i++) {
        rp_path_join(path, sizeof path, dir, metas[i]);
        if (rp_file_exists(path) && (st = rp_json_load(&s->meta, path, path, err)) != AF_OK) return st;
    }
    /* The goal: {"goal": {"metric": "coverage.food", "op": ">=", "value": 0.95}, "answer": 7}. */
    const rp_json *goal = rp_json_get(s->meta, "goal");
    if (goal && goal->type == RP_JSON_OBJECT) {
        s->goal_metric = xstrdup(rp_json_str(goal, "metric"));
        s->goal_op = xstrdup(rp_json_str(goal, "op"));
        s->goal_value = rp_json_num(goal, "value");
    }
    s->answer = rp_json_num(s->meta, "answer");
    return AF_OK;
}

void rp_sweep_free(rp_sweep *s)
{
    for (size_t i = 0; i < s->n_params; i++) free(s->params[i]);
    free(s->params);
    free(s->values);
    free(s->metric);
    free(s->mean); free(s->lo); free(s->hi); free(s->n);
    free(s->meets);
    rp_names_free(&s->metrics);
    free(s->goal_metric);
    free(s->goal_op);
    rp_json_free(s->meta);
    free(s->dir);
    memset(s, 0, sizeof *s);
}

/* ---- compare sections ---- */

static bool is_percent_metric(const char *m)
{
    return !strncmp(m, "coverage.", 9) || !strncmp(m, "need_met.", 9) || strstr(m, "utilisation") != NULL;
}

static void compare_section(rp_ctx *cx, const rp_compare *cmp)
{
    rp_buf *b = cx->b;
    rp_put(b, "<section class=\"compare\">\n<h2>Paired comparison: ");
    rp_esc(b, cmp->label_b);
    rp_put(b, " against ");
    rp_esc(b, cmp->label_a);
    rp_put(b, "</h2>\n");
    /* Relative differences in one chart: metrics of different units share an axis. */
    size_t n = 0;
    const char **labels = rp_alloc(&cx->pool, cmp->n, sizeof *labels);
    double *est = rp_alloc(&cx->pool, cmp->n, sizeof *est), *lo = rp_alloc(&cx->pool, cmp->n, sizeof *lo),
           *hi = rp_alloc(&cx->pool, cmp->n, sizeof *hi);
    bool *sig = rp_alloc(&cx->pool, cmp->n, sizeof *sig);
    if (!labels || !est || !lo || !hi || !sig) return;
    for (size_t i = 0; i < cmp->n; i++) {
        double a = cmp->a_mean[i];
        if (!(isfinite(a) && a != 0) || strncmp(cmp->metric[i], "station.", 8) == 0) continue;
        labels[n] = cmp->metric[i];
        est[n] = cmp->d_mean[i] / fabs(a);
        lo[n] = cmp->d_lo[i] / fabs(a);
        hi[n] = cmp->d_hi[i] / fabs(a);
        sig[n] = cmp->significant[i] == 1 ||
                 (cmp->significant[i] < 0 && isfinite(lo[n]) && isfinite(hi[n]) && (lo[n] > 0 || hi[n] < 0));
        n++;
    }
    char id[32];
    if (n) {
        rp_legend leg[2] = {{RP_LEG_MARKER, "difference not significant", 0, RP_SOLID},
                            {RP_LEG_MARKER, "significant (interval excludes 0)", 3, RP_SOLID}};
        rp_figure_open(cx, "compare", id, sizeof id);
        char *xl = rp_alloc(&cx->pool, 600, 1);
        if (!xl) return;
        snprintf(xl, 600, "(%s \xE2\x88\x92 %s) \xC3\xB7 %s, paired over common random numbers", cmp->label_b,
                 cmp->label_a, cmp->label_a);
        rp_forest f = {.id = id, .title = "Paired differences with their intervals, relative to the first scenario",
                       .x_label = xl, .n = n, .labels = labels, .est = est, .lo = lo, .hi = hi, .highlight = sig,
                       .ref_x = 0, .x_percent = true, .legend = leg, .n_legend = 2};
        rp_svg_forest(b, &f);
        rp_figure_close(cx, "Each row: the mean over replications of the paired difference B \xE2\x88\x92 A, with its "
                            "confidence interval, divided by A's mean so that metrics of different units share one "
                            "axis. Station metrics are in the table below.");
    }
    /* Everything in a table. */
    rp_put(b, "<table class=\"cmp\">\n<thead><tr><th>metric</th><th class=\"n\">");
    rp_esc(b, cmp->label_a);
    rp_put(b, "</th><th class=\"n\">");
    rp_esc(b, cmp->label_b);
    rp_put(b, "</th><th class=\"n\">difference (interval)</th><th>significant</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < cmp->n; i++) {
        bool pc = is_percent_metric(cmp->metric[i]);
        rp_put(b, "<tr><td>");
        rp_esc(b, cmp->metric[i]);
        rp_put(b, "</td>");
        rp_cell_metric(b, cmp->a_mean[i], cmp->a_lo[i], cmp->a_hi[i], pc);
        rp_cell_metric(b, cmp->b_mean[i], cmp->b_lo[i], cmp->b_hi[i], pc);
        rp_cell_metric(b, cmp->d_mean[i], cmp->d_lo[i], cmp->d_hi[i], pc);
        bool s = cmp->significant[i] == 1 ||
                 (cmp->significant[i] < 0 && (cmp->d_lo[i] > 0 || cmp->d_hi[i] < 0));
        rp_printf(b, "<td%s>%s</td></tr>\n", s ? " class=\"sig\"" : "",
                  cmp->significant[i] < 0 && !isfinite(cmp->d_lo[i]) ? "\xE2\x80\x93" : s ? "yes" : "no");
    }
    rp_put(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- sweep sections ---- */

static void sweep_chart(rp_ctx *cx, const rp_sweep *s, bool coverage)
{
    /* Which metrics: the goal's first, then the headline ones. */
    size_t nm = s->metrics.n;
    size_t *pick = rp_alloc(&cx->pool, nm, sizeof *pick);
    if (!pick) return;
    size_t np = 0;
    static const char *const cov_prefixes[] = {"coverage.", "need_met.", NULL};
    static const char *const other_prefixes[] = {"trucks_per_day.entered", "unmet_person_days.", "days_to_target.",
                                                 "bottleneck.utilisation", "value", NULL};
    const char *const *prefixes = coverage ? cov_prefixes : other_prefixes;
    long gi = s->goal_metric ? rp_names_find(&s->metrics, s->goal_metric) : -1;
    if (gi >= 0 && (is_percent_metric(s->goal_metric) == coverage)) pick[np++] = (size_t)gi;
    for (const char *const *pf = prefixes; *pf; pf++)
        for (size_t m = 0; m < nm && np < 12; m++) {
            if ((long)m == gi || strncmp(s->metrics.v[m], *pf, strlen(*pf))) continue;
            if (!strcmp(*pf, "value") && strcmp(s->metrics.v[m], "value")) continue;
            pick[np++] = m;
        }
    if (!np) return;
    /* Series: one per combination of the other parameters' values. */
    size_t n_rows = s->n_rows;
    size_t *group = rp_alloc(&cx->pool, n_rows, sizeof *group);
    size_t *first = rp_alloc(&cx->pool, n_rows, sizeof *first); /* first row of each group */
    if (!group || !first) return;
    size_t ng = 0;
    for (size_t r = 0; r < n_rows; r++) {
        size_t g = 0;
        for (; g < ng; g++) {
            bool same = true;
            for (size_t p = 1; p < s->n_params && same; p++)
                same = s->values[first[g] * s->n_params + p] == s->values[r * s->n_params + p];
            if (same) break;
        }
        if (g == ng) first[ng++] = r;
        group[r] = g;
    }
    size_t shown_groups = ng > RP_PALETTE_SIZE ? RP_PALETTE_SIZE : ng;
    rp_panel *panels = rp_alloc(&cx->pool, np, sizeof *panels);
    if (!panels) return;
    for (size_t q = 0; q < np; q++) {
        size_t m = pick[q];
        rp_line *lines = rp_alloc(&cx->pool, shown_groups, sizeof *lines);
        if (!lines) return;
        panels[q].title = s->metrics.v[m];
        panels[q].lines = lines;
        panels[q].n_lines = shown_groups;
        panels[q].ref_y = (long)m == gi ? s->goal_value : NAN;
        for (size_t g = 0; g < shown_groups; g++) {
            double *x = rp_alloc(&cx->pool, n_rows, sizeof *x), *y = rp_alloc(&cx->pool, n_rows, sizeof *y),
                   *lo = rp_alloc(&cx->pool, n_rows, sizeof *lo), *hi = rp_alloc(&cx->pool, n_rows, sizeof *hi);
            if (!x || !y || !lo || !hi) return;
            int k = 0;
            for (size_t r = 0; r < n_rows; r++) {
                if (s->metric[r] != m || group[r] != g) continue;
                /* Keep x ascending (insertion sort: design points are few). */
                double xv = s->values[r * s->n_params];
                int j = k++;
                while (j > 0 && x[j - 1] > xv) {
                    x[j] = x[j - 1];
                    y[j] = y[j - 1];
                    lo[j] = lo[j - 1];
                    hi[j] = hi[j - 1];
                    j--;
                }
                x[j] = xv;
                y[j] = s->mean[r];
                lo[j] = s->lo[r];
                hi[j] = s->hi[r];
            }
            lines[g] = (rp_line){.n = k, .x = x, .y = y, .lo = lo, .hi = hi, .color = (int)g, .markers = true};
        }
    }
    rp_legend *leg = rp_alloc(&cx->pool, shown_groups + 2, sizeof *leg);
    if (!leg) return;
    size_t nl = 0;
    for (size_t g = 0; g < shown_groups; g++) {
        if (s->n_params < 2) {
            leg[nl++] = (rp_legend){RP_LEG_MARKER, "mean with interval", 0, RP_SOLID};
            break;
        }
        rp_buf t = {0};
        for (size_t p = 1; p < s->n_params; p++) {
            char v[48];
            rp_fmt_num(v, sizeof v, s->values[first[g] * s->n_params + p], 6);
            rp_printf(&t, "%s%s = %s", p > 1 ? ", " : "", s->params[p], v);
        }
        char *lab = rp_alloc(&cx->pool, t.len + 1, 1);
        if (lab && t.data) memcpy(lab, t.data, t.len + 1);
        rp_buf_free(&t);
        leg[nl++] = (rp_legend){RP_LEG_MARKER, lab ? lab : "", (int)g, RP_SOLID};
    }
    bool has_goal = false;
    for (size_t q = 0; q < np; q++) has_goal |= isfinite(panels[q].ref_y);
    if (has_goal) {
        char *lab = rp_alloc(&cx->pool, 300, 1);
        if (!lab) return;
        snprintf(lab, 300, "target: %s %s %g", s->goal_metric, s->goal_op ? s->goal_op : "", s->goal_value);
        leg[nl++] = (rp_legend){RP_LEG_REF, lab, RP_RED, RP_DASHED};
    }
    char id[32];
    rp_figure_open(cx, coverage ? "sweep-cov" : "sweep", id, sizeof id);
    rp_chart c = {.id = id,
                  .title = coverage ? "Coverage against the varied parameter" : "Other metrics against the varied parameter",
                  .x_label = s->params[0], .y_label = coverage ? "share of need" : "value of the metric (see panel)",
                  .panels = panels, .n_panels = np, .columns = np == 1 ? 1 : np == 2 ? 2 : 3,
                  .panel_height = np == 1 ? 200 : 120, .y_zero = coverage, .y_percent = coverage, .legend = leg,
                  .n_legend = nl};
    rp_svg_lines(cx->b, &c);
    rp_figure_close(cx, ng > shown_groups ? "Points: the mean over replications at each design point; whiskers: its "
                                            "confidence interval. Only the first ten combinations of the other "
                                            "parameters are drawn."
                                          : "Points: the mean over replications at each design point; whiskers: its "
                                            "confidence interval.");
}

static void sweep_section(rp_ctx *cx, const rp_sweep *s)
{
    rp_buf *b = cx->b;
    rp_put(b, "<section class=\"sweep\">\n<h2>");
    rp_put(b, s->is_target ? "Target search over " : "Sweep of ");
    for (size_t p = 0; p < s->n_params; p++) {
        if (p) rp_put(b, " \xC3\x97 ");
        rp_esc(b, s->params[p]);
    }
    rp_put(b, "</h2>\n");
    if (s->is_target && s->goal_metric) {
        rp_put(b, "<p>Goal: <code>");
        rp_esc(b, s->goal_metric);
        rp_put(b, " ");
        rp_esc(b, s->goal_op);
        rp_printf(b, " %g</code> with 95%% confidence.", s->goal_value);
        if (isfinite(s->answer)) {
            rp_put(b, " Smallest value meeting it: <strong>");
            rp_printf(b, "%g", s->answer);
            rp_put(b, "</strong>.");
        }
        rp_put(b, "</p>\n");
    }
    sweep_chart(cx, s, true);
    sweep_chart(cx, s, false);
    rp_put(b, "</section>\n");
}

void rp_experiment_sections(rp_ctx *cx)
{
    for (size_t i = 0; i < cx->n_compares; i++) compare_section(cx, &cx->compares[i]);
    for (size_t i = 0; i < cx->n_sweeps; i++) sweep_section(cx, &cx->sweeps[i]);
}
