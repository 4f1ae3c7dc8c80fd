/* Reading and drawing the outputs of compare, sweep and target. See experiments.h. */
#include "report/experiments.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "report/csv.h"
#include "report/report_internal.h"
#include "report/svg.h"

/* Resizes a typed array to nc items; clears ok on failure (the old array stays valid). */
#define RESIZE(ok, ptr, nc)                                        \
    do {                                                           \
        void *q_ = realloc((ptr), (nc) * sizeof *(ptr));           \
        if (q_) (ptr) = q_;                                        \
        else (ok) = false;                                         \
    } while (0)

static af_status nomem(af_error *err) { return af_error_set(err, AF_NOMEM, "out of memory"); }

/* The first of several possible column names that the file has, or -1. */
static int col_any(const rp_csv *c, const char *const *names)
{
    for (; *names; names++) {
        int i = rp_csv_col(c, *names);
        if (i >= 0) return i;
    }
    return -1;
}

static af_status opt_num(const rp_csv *c, int col, double *out, af_error *err)
{
    if (col < 0) {
        *out = NAN;
        return AF_OK;
    }
    return rp_csv_num(c, col, true, out, err);
}

/* yes/no (also true/false, 1/0); empty is unknown. */
static af_status flag(const rp_csv *c, int col, signed char *out, af_error *err)
{
    *out = -1;
    if (col < 0) return AF_OK;
    const char *f = rp_csv_field(c, (size_t)col);
    if (!*f) return AF_OK;
    if (!strcmp(f, "yes") || !strcmp(f, "true") || !strcmp(f, "1")) *out = 1;
    else if (!strcmp(f, "no") || !strcmp(f, "false") || !strcmp(f, "0")) *out = 0;
    else
        return rp_csv_fail(c, err, "column '%s': expected yes or no, found '%.40s'", rp_csv_colname(c, (size_t)col), f);
    return AF_OK;
}

/* ---- provenance.json ---- */

static af_status load_provenance(rp_provenance *p, const char *dir, af_error *err)
{
    memset(p, 0, sizeof *p);
    p->seed = p->replications = NAN;
    p->confidence = 0.95;
    char path[4096];
    if (!af_path_join_to(path, sizeof path, dir, "provenance.json")) return af_error_set(err, AF_INVAL, "path too long: %s", dir);
    if (!rp_file_exists(path)) return AF_OK;
    af_status st = rp_json_load(&p->json, path, path, err);
    if (st != AF_OK) return st;
    const rp_json *j = p->json;
    if (j->type != RP_JSON_OBJECT) {
        af_error_set(err, AF_PARSE, "%s:%d: the top level must be an object", path, j->line);
        rp_error_place(err, path, j->line, 0);
        return AF_PARSE;
    }
    const rp_json *af = rp_json_get(j, "aidflow"), *a = rp_json_get(j, "scenario"), *b = rp_json_get(j, "scenario_b");
    p->version = rp_json_str(af, "version");
    p->command = rp_json_str(af, "command");
    p->kind = rp_json_str(j, "kind");
    p->design = rp_json_str(j, "design");
    p->goal = rp_json_str(j, "goal");
    p->file_a = rp_json_str(a, "file");
    p->hash_a = rp_json_str(a, "hash");
    p->file_b = rp_json_str(b, "file");
    p->hash_b = rp_json_str(b, "hash");
    const rp_json *sets = rp_json_get(j, "sets");
    if (sets && sets->type == RP_JSON_ARRAY) p->sets = sets;
    p->seed = rp_json_num(j, "seed");
    p->replications = rp_json_num(j, "replications");
    double c = rp_json_num(j, "confidence");
    if (c > 0 && c < 1) p->confidence = c;
    return AF_OK;
}

/* "scenarios/what_if.yaml" -> "what_if". */
static char *file_label(const char *file, const char *fallback)
{
    if (!file || !*file) return strdup(fallback);
    const char *s = strrchr(file, '/');
    s = s ? s + 1 : file;
    size_t n = strlen(s);
    if (n > 5 && !strcmp(s + n - 5, ".yaml")) n -= 5;
    else if (n > 4 && !strcmp(s + n - 4, ".yml")) n -= 4;
    if (n == 0) return strdup(fallback);
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* ---- compare ---- */

static const char *const K_METRIC[] = {"metric", NULL};
static const char *const K_A_MEAN[] = {"mean_a", "a_mean", NULL};
static const char *const K_B_MEAN[] = {"mean_b", "b_mean", NULL};
static const char *const K_A_LO[] = {"ci_low_a", NULL}, *const K_A_HI[] = {"ci_high_a", NULL};
static const char *const K_B_LO[] = {"ci_low_b", NULL}, *const K_B_HI[] = {"ci_high_b", NULL};
static const char *const K_D_MEAN[] = {"diff", "diff_mean", NULL};
static const char *const K_D_LO[] = {"ci_low", "diff_ci_low", NULL};
static const char *const K_D_HI[] = {"ci_high", "diff_ci_high", NULL};
static const char *const K_N[] = {"n", NULL};
static const char *const K_SIG[] = {"significant", NULL};

static af_status need_col(const rp_csv *c, const char *const *names, int *out, af_error *err)
{
    *out = col_any(c, names);
    return *out >= 0 ? AF_OK : rp_csv_need(c, names[0], out, err);
}

/* Per-replication values of A (point 0) and B (point 1), for each metric of compare.csv. */
static af_status load_compare_reps(rp_compare *cmp, const char *path, af_error *err)
{
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, path, err);
    if (st != AF_OK) return st;
    int cp, cm, cv;
    if ((st = rp_csv_need(c, "point", &cp, err)) || (st = rp_csv_need(c, "metric", &cm, err)) ||
        (st = rp_csv_need(c, "value", &cv, err))) {
        rp_csv_close(c);
        return st;
    }
    cmp->acc_a = calloc(cmp->n ? cmp->n : 1, sizeof *cmp->acc_a);
    cmp->acc_b = calloc(cmp->n ? cmp->n : 1, sizeof *cmp->acc_b);
    if (!cmp->acc_a || !cmp->acc_b) st = nomem(err);
    for (size_t k = 0; st == AF_OK && k < (cmp->n ? cmp->n : 1); k++) {
        af_tally_reset(&cmp->acc_a[k]);
        af_tally_reset(&cmp->acc_b[k]);
    }
    size_t last = 0;
    bool got;
    while (st == AF_OK && (st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        long point;
        double v;
        if ((st = rp_csv_uint(c, cp, 1, &point, err)) || (st = rp_csv_num(c, cv, true, &v, err))) break;
        const char *m = rp_csv_field(c, (size_t)cm);
        /* Metrics come in the same order for every replication: look from the last one. */
        size_t k = last, tries = 0;
        while (tries < cmp->n && strcmp(cmp->metric[k], m)) {
            k = (k + 1) % cmp->n;
            tries++;
        }
        if (tries == cmp->n || isnan(v)) continue; /* a metric compare.csv leaves out */
        last = k;
        af_tally_add(point == 0 ? &cmp->acc_a[k] : &cmp->acc_b[k], v);
    }
    rp_csv_close(c);
    cmp->has_reps = st == AF_OK;
    return st;
}

af_status rp_compare_load(rp_compare *cmp, const char *dir, af_error *err)
{
    memset(cmp, 0, sizeof *cmp);
    char path[4096];
    cmp->dir = strdup(dir);
    if (!cmp->dir) return nomem(err);
    if (!af_path_join_to(path, sizeof path, dir, "compare.csv")) return af_error_set(err, AF_INVAL, "path too long: %s", dir);
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, path, err);
    if (st != AF_OK) return st;
    int cm, cd, cdl, cdh, cam, cbm, cn, cs, cal, cah, cbl, cbh;
    if ((st = need_col(c, K_METRIC, &cm, err)) || (st = need_col(c, K_D_MEAN, &cd, err))) {
        rp_csv_close(c);
        return st;
    }
    cdl = col_any(c, K_D_LO), cdh = col_any(c, K_D_HI), cam = col_any(c, K_A_MEAN), cbm = col_any(c, K_B_MEAN),
    cn = col_any(c, K_N), cs = col_any(c, K_SIG), cal = col_any(c, K_A_LO), cah = col_any(c, K_A_HI),
    cbl = col_any(c, K_B_LO), cbh = col_any(c, K_B_HI);
    size_t cap = 0;
    bool got;
    while ((st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        size_t n = cmp->n;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            bool ok = true;
            RESIZE(ok, cmp->metric, nc);
            RESIZE(ok, cmp->a_mean, nc);
            RESIZE(ok, cmp->a_lo, nc);
            RESIZE(ok, cmp->a_hi, nc);
            RESIZE(ok, cmp->b_mean, nc);
            RESIZE(ok, cmp->b_lo, nc);
            RESIZE(ok, cmp->b_hi, nc);
            RESIZE(ok, cmp->d_mean, nc);
            RESIZE(ok, cmp->d_lo, nc);
            RESIZE(ok, cmp->d_hi, nc);
            RESIZE(ok, cmp->n_pairs, nc);
            RESIZE(ok, cmp->significant, nc);
            if (!ok) {
                st = nomem(err);
                break;
            }
            cap = nc;
        }
        const char *m = rp_csv_field(c, (size_t)cm);
        if (!*m) {
            st = rp_csv_fail(c, err, "column 'metric' is empty");
            break;
        }
        if ((st = rp_csv_num(c, cd, true, &cmp->d_mean[n], err)) || (st = opt_num(c, cdl, &cmp->d_lo[n], err)) ||
            (st = opt_num(c, cdh, &cmp->d_hi[n], err)) || (st = opt_num(c, cam, &cmp->a_mean[n], err)) ||
            (st = opt_num(c, cbm, &cmp->b_mean[n], err)) || (st = opt_num(c, cal, &cmp->a_lo[n], err)) ||
            (st = opt_num(c, cah, &cmp->a_hi[n], err)) || (st = opt_num(c, cbl, &cmp->b_lo[n], err)) ||
            (st = opt_num(c, cbh, &cmp->b_hi[n], err)) || (st = opt_num(c, cn, &cmp->n_pairs[n], err)) ||
            (st = flag(c, cs, &cmp->significant[n], err)))
            break;
        if (!(cmp->metric[n] = strdup(m))) {
            st = nomem(err);
            break;
        }
        cmp->n++;
    }
    rp_csv_close(c);
    if (st != AF_OK) return st;
    if ((st = load_provenance(&cmp->prov, dir, err)) != AF_OK) return st;
    cmp->label_a = file_label(cmp->prov.file_a, "A");
    cmp->label_b = file_label(cmp->prov.file_b, "B");
    if (!cmp->label_a || !cmp->label_b) return nomem(err);
    if (cmp->label_a && cmp->label_b && !strcmp(cmp->label_a, cmp->label_b)) {
        free(cmp->label_a);
        free(cmp->label_b);
        cmp->label_a = strdup("A");
        cmp->label_b = strdup("B");
        if (!cmp->label_a || !cmp->label_b) return nomem(err);
    }
    af_path_join_to(path, sizeof path, dir, "replications.csv");
    if (rp_file_exists(path) && (st = load_compare_reps(cmp, path, err)) != AF_OK) return st;
    /* A/ and B/: the two scenarios as runs, when both are there. */
    char sub[2][4096], summary[4096];
    bool both = true;
    for (int k = 0; k < 2; k++) {
        if (!af_path_join_to(sub[k], sizeof sub[k], dir, k ? "B" : "A") ||
            !af_path_join_to(summary, sizeof summary, sub[k], "summary.json") || !rp_file_exists(summary))
            both = false;
    }
    for (int k = 0; both && k < 2; k++) {
        cmp->has_runs = true; /* set before loading, so that a failed load is freed */
        if ((st = rp_run_load(&cmp->runs[k], sub[k], err)) != AF_OK) return st;
    }
    return AF_OK;
}

void rp_compare_free(rp_compare *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->metric[i]);
    free(c->metric);
    free(c->a_mean);
    free(c->a_lo);
    free(c->a_hi);
    free(c->b_mean);
    free(c->b_lo);
    free(c->b_hi);
    free(c->d_mean);
    free(c->d_lo);
    free(c->d_hi);
    free(c->n_pairs);
    free(c->significant);
    free(c->acc_a);
    free(c->acc_b);
    free(c->dir);
    free(c->label_a);
    free(c->label_b);
    rp_json_free(c->prov.json);
    if (c->has_runs) {
        rp_run_free(&c->runs[0]);
        rp_run_free(&c->runs[1]);
    }
    memset(c, 0, sizeof *c);
}

/* ---- sweep and target ---- */

/* Result columns; every other column of sweep.csv or target.csv is a varied parameter. */
static const char *const result_cols[] = {"run_id", "point", "step", "metric", "mean", "sd", "ci_low", "ci_high",
                                          "n", "meets", NULL};

static bool is_result_col(const char *name)
{
    for (const char *const *k = result_cols; *k; k++)
        if (!strcmp(*k, name)) return true;
    return false;
}

/* "coverage.food >= 0.95" into its parts; false if it does not read so. */
static bool parse_goal(const char *text, rp_sweep *s)
{
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    size_t n = 0;
    while (p[n] && !isspace((unsigned char)p[n]) && !strchr("<>=", p[n])) n++;
    if (n == 0 || n >= sizeof s->goal_metric) return false;
    memcpy(s->goal_metric, p, n);
    s->goal_metric[n] = '\0';
    p += n;
    while (isspace((unsigned char)*p)) p++;
    size_t o = 0;
    while (o < 2 && (p[o] == '<' || p[o] == '>' || p[o] == '=')) o++;
    if (o == 0) return false;
    memcpy(s->goal_op, p, o);
    s->goal_op[o] = '\0';
    p += o;
    while (isspace((unsigned char)*p)) p++;
    size_t e = strlen(p);
    while (e > 0 && isspace((unsigned char)p[e - 1])) e--;
    return rp_parse_number(p, e, &s->goal_value);
}

af_status rp_sweep_load(rp_sweep *s, const char *dir, bool target, af_error *err)
{
    memset(s, 0, sizeof *s);
    s->is_target = target;
    s->goal_value = s->answer = NAN;
    char path[4096];
    s->dir = strdup(dir);
    if (!s->dir) return nomem(err);
    if (!af_path_join_to(path, sizeof path, dir, target ? "target.csv" : "sweep.csv"))
        return af_error_set(err, AF_INVAL, "path too long: %s", dir);
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, path, err);
    if (st != AF_OK) return st;
    int cm = -1, cmean = -1, clo = rp_csv_col(c, "ci_low"), chi = rp_csv_col(c, "ci_high"), cn = rp_csv_col(c, "n"),
        cmeet = rp_csv_col(c, "meets");
    if ((st = rp_csv_need(c, "metric", &cm, err)) || (st = rp_csv_need(c, "mean", &cmean, err))) {
        rp_csv_close(c);
        return st;
    }
    size_t ncols = rp_csv_ncols(c);
    int *pcols = calloc(ncols, sizeof *pcols);
    s->params = calloc(ncols, sizeof *s->params);
    s->categorical = calloc(ncols, sizeof *s->categorical);
    s->levels = calloc(ncols, sizeof *s->levels);
    char **texts = NULL; /* [row * n_params + p], kept until the kinds of parameter are known */
    if (!pcols || !s->params || !s->categorical || !s->levels) st = nomem(err);
    for (size_t i = 0; st == AF_OK && i < ncols; i++)
        if (!is_result_col(rp_csv_colname(c, i))) {
            pcols[s->n_params] = (int)i;
            if (!(s->params[s->n_params++] = strdup(rp_csv_colname(c, i)))) st = nomem(err);
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
            RESIZE(ok, s->metric, ncap);
            RESIZE(ok, s->mean, ncap);
            RESIZE(ok, s->lo, ncap);
            RESIZE(ok, s->hi, ncap);
            RESIZE(ok, s->n, ncap);
            RESIZE(ok, s->meets, ncap);
            RESIZE(ok, s->values, ncap * s->n_params);
            RESIZE(ok, texts, ncap * s->n_params);
            if (!ok) {
                st = nomem(err);
                break;
            }
            cap = ncap;
        }
        for (size_t p = 0; p < s->n_params; p++) {
            const char *f = rp_csv_field(c, (size_t)pcols[p]);
            double v = NAN;
            if (!rp_parse_number(f, strlen(f), &v)) s->categorical[p] = true;
            s->values[n * s->n_params + p] = v;
            long lv = rp_names_intern(&s->levels[p], f, 100000);
            texts[n * s->n_params + p] = lv >= 0 ? s->levels[p].v[lv] : NULL;
            if (lv < 0) st = s->levels[p].n >= 100000 ? rp_csv_fail(c, err, "too many values of '%s'", s->params[p])
                                                      : nomem(err);
        }
        if (st != AF_OK) break;
        const char *m = rp_csv_field(c, (size_t)cm);
        if (!*m) {
            st = rp_csv_fail(c, err, "column 'metric' is empty");
            break;
        }
        long mi = rp_names_intern(&s->metrics, m, 100000);
        if (mi < 0) {
            st = nomem(err);
            break;
        }
        s->metric[n] = (size_t)mi;
        if ((st = rp_csv_num(c, cmean, true, &s->mean[n], err)) || (st = opt_num(c, clo, &s->lo[n], err)) ||
            (st = opt_num(c, chi, &s->hi[n], err)) || (st = opt_num(c, cn, &s->n[n], err)) ||
            (st = flag(c, cmeet, &s->meets[n], err)))
            break;
        s->n_rows++;
    }
    rp_csv_close(c);
    /* A categorical parameter is drawn at its level's index. */
    for (size_t r = 0; st == AF_OK && r < s->n_rows; r++)
        for (size_t p = 0; p < s->n_params; p++)
            if (s->categorical[p])
                s->values[r * s->n_params + p] = (double)rp_names_find(&s->levels[p], texts[r * s->n_params + p]);
    free(texts);
    free(pcols);
    if (st != AF_OK) return st;
    if ((st = load_provenance(&s->prov, dir, err)) != AF_OK) return st;
    if (s->prov.goal && !parse_goal(s->prov.goal, s)) s->goal_value = NAN;
    /* The answer of a target search: the smallest explored value that meets the goal. */
    for (size_t r = 0; r < s->n_rows; r++)
        if (s->meets[r] == 1 && !s->categorical[0] && !(s->values[r * s->n_params] >= s->answer))
            s->answer = s->values[r * s->n_params];
    return AF_OK;
}

void rp_sweep_free(rp_sweep *s)
{
    for (size_t i = 0; i < s->n_params; i++) {
        free(s->params[i]);
        rp_names_free(&s->levels[i]);
    }
    free(s->params);
    free(s->categorical);
    free(s->levels);
    free(s->values);
    free(s->metric);
    free(s->mean);
    free(s->lo);
    free(s->hi);
    free(s->n);
    free(s->meets);
    rp_names_free(&s->metrics);
    rp_json_free(s->prov.json);
    free(s->dir);
    memset(s, 0, sizeof *s);
}

/* ---- shared pieces of the sections ---- */

static bool is_share_metric(const char *m)
{
    return !strncmp(m, "coverage.", 9) || !strncmp(m, "need_met.", 9) || strstr(m, "utilisation") != NULL;
}

/* The metrics worth a chart, in this order; station metrics stay in the tables. */
static const char *const headline_prefixes[] = {"coverage.", "trucks_per_day.entered",
                                                "unmet_person_days.", "days_to_target.", "bottleneck.utilisation",
                                                "tonnes.unmet", NULL};

static bool is_headline(const char *m)
{
    for (const char *const *p = headline_prefixes; *p; p++)
        if (!strncmp(m, *p, strlen(*p))) return true;
    return false;
}

static void prov_row(af_buf *b, const char *key, const char *value, bool code)
{
    if (!value || !*value) return;
    af_buf_put(b, "<tr><td>");
    rp_esc(b, key);
    af_buf_put(b, code ? "</td><td><code>" : "</td><td>");
    rp_esc(b, value);
    af_buf_put(b, code ? "</code></td></tr>\n" : "</td></tr>\n");
}

static void provenance_table(rp_ctx *cx, const rp_provenance *p, const char *dir, const char *label_a,
                             const char *label_b)
{
    af_buf *b = cx->b;
    char tmp[64];
    af_buf_put(b, "<table class=\"prov keep\">\n<tbody>\n");
    if (p->file_b) {
        af_buf_put(b, "<tr><td>Scenario A</td><td>");
        rp_esc(b, label_a);
        af_buf_put(b, " <code>");
        rp_esc(b, p->file_a);
        af_buf_put(b, "</code>");
        if (p->hash_a) {
            af_buf_put(b, " <span class=\"ci\">hash <code>");
            rp_esc(b, p->hash_a);
            af_buf_put(b, "</code></span>");
        }
        af_buf_put(b, "</td></tr>\n<tr><td>Scenario B</td><td>");
        rp_esc(b, label_b);
        af_buf_put(b, " <code>");
        rp_esc(b, p->file_b);
        af_buf_put(b, "</code>");
        if (p->hash_b) {
            af_buf_put(b, " <span class=\"ci\">hash <code>");
            rp_esc(b, p->hash_b);
            af_buf_put(b, "</code></span>");
        }
        af_buf_put(b, "</td></tr>\n");
    } else {
        prov_row(b, "Scenario file", p->file_a, true);
        prov_row(b, "Scenario hash", p->hash_a, true);
    }
    if (p->sets && p->sets->n) {
        af_buf_put(b, "<tr><td>Overrides</td><td>");
        for (size_t i = 0; i < p->sets->n; i++)
            if (p->sets->items[i].type == RP_JSON_STRING) {
                af_buf_put(b, i ? ", <code>" : "<code>");
                rp_esc(b, p->sets->items[i].string);
                af_buf_put(b, "</code>");
            }
        af_buf_put(b, "</td></tr>\n");
    }
    prov_row(b, "Design", p->design, true);
    prov_row(b, "Goal", p->goal, true);
    if (isfinite(p->replications)) {
        snprintf(tmp, sizeof tmp, "%.0f per point", p->replications);
        prov_row(b, "Replications", tmp, false);
    }
    if (isfinite(p->seed)) {
        snprintf(tmp, sizeof tmp, "%.0f", p->seed);
        prov_row(b, "Seed", tmp, true);
    }
    snprintf(tmp, sizeof tmp, "%g%%", p->confidence * 100);
    prov_row(b, "Confidence", tmp, false);
    prov_row(b, "aidflow version", p->version, true);
    prov_row(b, "Command", p->command, true);
    prov_row(b, "Output directory", dir, true);
    af_buf_put(b, "</tbody>\n</table>\n");
    if (!p->json) af_buf_put(b, "<p class=\"note\">This directory has no provenance.json.</p>\n");
}

static char *pool_copy(rp_ctx *cx, const char *s)
{
    size_t n = strlen(s);
    char *d = rp_alloc(&cx->pool, n + 1, 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* ---- compare ---- */

/* Panels of A and B side by side, one per headline metric of the kind (shares or not). */
static void compare_side_by_side(rp_ctx *cx, const rp_compare *cmp, bool shares)
{
    size_t np = 0;
    rp_panel *panels = rp_alloc(&cx->pool, cmp->n, sizeof *panels);
    if (!panels) return;
    double conf = cmp->prov.confidence;
    for (size_t i = 0; i < cmp->n && np < 12; i++) {
        if (!is_headline(cmp->metric[i]) || is_share_metric(cmp->metric[i]) != shares) continue;
        rp_line *lines = rp_alloc(&cx->pool, 2, sizeof *lines);
        double *v = rp_alloc(&cx->pool, 8, sizeof *v);
        if (!lines || !v) return;
        /* v: x_a, y_a, lo_a, hi_a, x_b, y_b, lo_b, hi_b */
        for (int k = 0; k < 2; k++) {
            double *q = v + 4 * k;
            q[0] = k;
            q[1] = k ? cmp->b_mean[i] : cmp->a_mean[i];
            q[2] = k ? cmp->b_lo[i] : cmp->a_lo[i];
            q[3] = k ? cmp->b_hi[i] : cmp->a_hi[i];
            const af_tally *acc = !cmp->has_reps ? NULL : k ? &cmp->acc_b[i] : &cmp->acc_a[i];
            if (acc && acc->n > 0 && !(isfinite(q[2]) && isfinite(q[3]))) {
                if (!isfinite(q[1])) q[1] = acc->mean;
                af_summary sm = af_tally_summary(acc, conf);
                q[2] = sm.ci_low;
                q[3] = sm.ci_high;
            }
            lines[k] = (rp_line){.n = 1, .x = &q[0], .y = &q[1], .lo = &q[2], .hi = &q[3], .color = k, .markers = true};
        }
        panels[np++] = (rp_panel){.title = cmp->metric[i], .lines = lines, .n_lines = 2, .ref_y = NAN};
    }
    if (!np) return;
    const char **cats = rp_alloc(&cx->pool, 2, sizeof *cats);
    rp_legend *leg = rp_alloc(&cx->pool, 2, sizeof *leg);
    if (!cats || !leg) return;
    cats[0] = "A";
    cats[1] = "B";
    char la[300], lb[300];
    snprintf(la, sizeof la, "A: %s", cmp->label_a);
    snprintf(lb, sizeof lb, "B: %s", cmp->label_b);
    leg[0] = (rp_legend){RP_LEG_MARKER, pool_copy(cx, la), 0, RP_SOLID};
    leg[1] = (rp_legend){RP_LEG_MARKER, pool_copy(cx, lb), 1, RP_SOLID};
    char id[32], cap[300];
    rp_figure_open(cx, shares ? "compare-shares" : "compare-metrics", id, sizeof id);
    rp_chart c = {.id = id,
                  .title = shares ? "Both scenarios: coverage and utilisation" : "Both scenarios: other headline metrics",
                  .x_label = "scenario", .y_label = shares ? "share" : "value of the metric (see panel)",
                  .panels = panels, .n_panels = np, .columns = np < 4 ? (int)np : 4, .panel_height = 110,
                  .y_zero = true, .y_percent = shares, .x_cats = cats, .n_x_cats = 2, .legend = leg, .n_legend = 2};
    rp_svg_lines(cx->b, &c);
    snprintf(cap, sizeof cap, "Each scenario's mean over replications with its %g%% Student t interval. The two ran "
                              "on common random numbers: see the paired differences below.",
             conf * 100);
    rp_figure_close(cx, cap);
}

static void compare_section(rp_ctx *cx, const rp_compare *cmp)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<section class=\"compare\">\n<h2>Paired comparison: ");
    rp_esc(b, cmp->label_b);
    af_buf_put(b, " against ");
    rp_esc(b, cmp->label_a);
    af_buf_put(b, "</h2>\n");
    provenance_table(cx, &cmp->prov, cmp->dir, cmp->label_a, cmp->label_b);
    compare_side_by_side(cx, cmp, true);
    compare_side_by_side(cx, cmp, false);
    /* Relative differences in one chart: metrics of different units share an axis. */
    size_t n = 0;
    const char **labels = rp_alloc(&cx->pool, cmp->n, sizeof *labels);
    double *est = rp_alloc(&cx->pool, cmp->n, sizeof *est), *lo = rp_alloc(&cx->pool, cmp->n, sizeof *lo),
           *hi = rp_alloc(&cx->pool, cmp->n, sizeof *hi);
    bool *sig = rp_alloc(&cx->pool, cmp->n, sizeof *sig);
    if (!labels || !est || !lo || !hi || !sig) return;
    for (size_t i = 0; i < cmp->n; i++) {
        double a = cmp->a_mean[i];
        /* Days to target are censored at horizon + 1 and swing widely: they stay in the table. */
        if (!(isfinite(a) && a != 0) || !is_headline(cmp->metric[i]) || !strncmp(cmp->metric[i], "days_to_target.", 15))
            continue;
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
        rp_legend *leg = rp_alloc(&cx->pool, 2, sizeof *leg);
        char *xl = rp_alloc(&cx->pool, 600, 1);
        if (!leg || !xl) return;
        leg[0] = (rp_legend){RP_LEG_MARKER, "difference not significant", RP_GREY, RP_SOLID};
        leg[1] = (rp_legend){RP_LEG_MARKER, "significant (the interval excludes 0)", RP_RED, RP_SOLID};
        snprintf(xl, 600, "(%s \xE2\x88\x92 %s) \xC3\xB7 %s", cmp->label_b, cmp->label_a, cmp->label_a);
        rp_figure_open(cx, "differences", id, sizeof id);
        rp_forest f = {.id = id, .title = "Paired differences with their intervals, relative to the first scenario",
                       .x_label = xl, .n = n, .labels = labels, .est = est, .lo = lo, .hi = hi, .highlight = sig,
                       .ref_x = 0, .x_percent = true, .legend = leg, .n_legend = 2};
        rp_svg_forest(b, &f);
        char cap[300];
        snprintf(cap, sizeof cap, "Each row: the mean over replications of the paired difference B \xE2\x88\x92 A with "
                                  "its %g%% interval, divided by A's mean so that metrics of different units share "
                                  "one axis. Every metric, station metrics included, is in the table below.",
                 cmp->prov.confidence * 100);
        rp_figure_close(cx, cap);
    }
    /* Everything in a table. */
    af_buf_put(b, "<table class=\"cmp\">\n<thead><tr><th>metric</th><th class=\"n\">A: ");
    rp_esc(b, cmp->label_a);
    af_buf_put(b, "</th><th class=\"n\">B: ");
    rp_esc(b, cmp->label_b);
    af_buf_put(b, "</th><th class=\"n\">difference B \xE2\x88\x92 A (interval)</th><th>significant</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < cmp->n; i++) {
        bool pc = is_share_metric(cmp->metric[i]);
        af_buf_put(b, "<tr><td>");
        rp_esc(b, cmp->metric[i]);
        af_buf_put(b, "</td>");
        rp_cell_metric(b, cmp->a_mean[i], cmp->a_lo[i], cmp->a_hi[i], pc ? RP_PCT : RP_NUM);
        rp_cell_metric(b, cmp->b_mean[i], cmp->b_lo[i], cmp->b_hi[i], pc ? RP_PCT : RP_NUM);
        rp_cell_metric(b, cmp->d_mean[i], cmp->d_lo[i], cmp->d_hi[i], (pc ? RP_PP : RP_NUM) | RP_SIGNED);
        int s = cmp->significant[i];
        af_buf_printf(b, "<td%s>%s</td></tr>\n", s == 1 ? " class=\"sig\"" : "",
                  s == 1 ? "yes" : s == 0 ? "no" : "\xE2\x80\x93");
    }
    af_buf_put(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- sweep and target ---- */

static void sweep_chart(rp_ctx *cx, const rp_sweep *s, bool shares)
{
    size_t nm = s->metrics.n;
    size_t *pick = rp_alloc(&cx->pool, nm, sizeof *pick);
    if (!pick) return;
    size_t np = 0;
    /* The goal's metric first, then the headline ones. */
    long gi = s->goal_metric[0] ? rp_names_find(&s->metrics, s->goal_metric) : -1;
    if (gi >= 0 && is_share_metric(s->goal_metric) == shares) pick[np++] = (size_t)gi;
    for (const char *const *pf = headline_prefixes; *pf; pf++)
        for (size_t m = 0; m < nm && np < 12; m++)
            if ((long)m != gi && !strncmp(s->metrics.v[m], *pf, strlen(*pf)) && is_share_metric(s->metrics.v[m]) == shares)
                pick[np++] = m;
    /* A target search reports one metric, whatever it is. */
    if (s->is_target && !shares && np == 0 && gi < 0)
        for (size_t m = 0; m < nm && np < 12; m++)
            if (!is_share_metric(s->metrics.v[m])) pick[np++] = m;
    if (!np) return;
    /* Series: one per combination of the other parameters' values. */
    size_t n_rows = s->n_rows;
    size_t *group = rp_alloc(&cx->pool, n_rows, sizeof *group), *first = rp_alloc(&cx->pool, n_rows, sizeof *first);
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
    size_t shown = ng > RP_PALETTE_SIZE ? RP_PALETTE_SIZE : ng;
    rp_panel *panels = rp_alloc(&cx->pool, np, sizeof *panels);
    if (!panels) return;
    bool target_split = false;
    for (size_t q = 0; q < np; q++) {
        size_t m = pick[q];
        rp_line *lines = rp_alloc(&cx->pool, shown, sizeof *lines);
        if (!lines) return;
        panels[q] = (rp_panel){.title = s->metrics.v[m], .lines = lines, .n_lines = shown,
                               .ref_y = (long)m == gi ? s->goal_value : NAN};
        for (size_t g = 0; g < shown; g++) {
            double *x = rp_alloc(&cx->pool, n_rows, sizeof *x), *y = rp_alloc(&cx->pool, n_rows, sizeof *y),
                   *lo = rp_alloc(&cx->pool, n_rows, sizeof *lo), *hi = rp_alloc(&cx->pool, n_rows, sizeof *hi);
            if (!x || !y || !lo || !hi) return;
            int k = 0;
            for (size_t r = 0; r < n_rows; r++) {
                if (s->metric[r] != m || group[r] != g) continue;
                /* Ascending x (insertion sort: design points are few). */
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
        if (s->is_target && s->n_params == 1 && (long)m == gi) {
            /* The goal's metric of a target search: whether each point meets it, by colour. */
            rp_line *tl = rp_alloc(&cx->pool, 3, sizeof *tl);
            if (!tl) return;
            const rp_line *all = &lines[0];
            tl[0] = (rp_line){.n = all->n, .x = all->x, .y = all->y, .color = RP_GREY};
            for (int w = 0; w < 2; w++) {
                double *y2 = rp_alloc(&cx->pool, (size_t)all->n + 1, sizeof *y2);
                if (!y2) return;
                for (int k = 0; k < all->n; k++) {
                    bool meets = s->goal_op[0] == '>' ? all->lo[k] >= s->goal_value : all->hi[k] <= s->goal_value;
                    if (!strcmp(s->goal_op, ">")) meets = all->lo[k] > s->goal_value;
                    if (!strcmp(s->goal_op, "<")) meets = all->hi[k] < s->goal_value;
                    y2[k] = meets == (w == 0) ? all->y[k] : NAN;
                }
                tl[1 + w] = (rp_line){.n = all->n, .x = all->x, .y = y2, .lo = all->lo, .hi = all->hi,
                                      .color = w == 0 ? 2 : 3, .markers = true, .no_line = true};
            }
            panels[q].lines = tl;
            panels[q].n_lines = 3;
            target_split = true;
        }
    }
    rp_legend *leg = rp_alloc(&cx->pool, shown + 3, sizeof *leg);
    if (!leg) return;
    size_t nl = 0;
    if (target_split) {
        leg[nl++] = (rp_legend){RP_LEG_MARKER, "meets the goal", 2, RP_SOLID};
        leg[nl++] = (rp_legend){RP_LEG_MARKER, "does not meet it", 3, RP_SOLID};
    } else if (s->n_params < 2) {
        leg[nl++] = (rp_legend){RP_LEG_MARKER, "mean over replications, with its interval", 0, RP_SOLID};
    } else {
        for (size_t g = 0; g < shown; g++) {
            af_buf t = {0};
            for (size_t p = 1; p < s->n_params; p++) {
                double v = s->values[first[g] * s->n_params + p];
                af_buf_printf(&t, "%s%s = ", p > 1 ? ", " : "", s->params[p]);
                if (s->categorical[p]) {
                    af_buf_put(&t, s->levels[p].v[(size_t)v]);
                } else {
                    char num[48];
                    rp_fmt_num(num, sizeof num, v, 6);
                    af_buf_put(&t, num);
                }
            }
            leg[nl++] = (rp_legend){RP_LEG_MARKER, t.data ? pool_copy(cx, t.data) : "", (int)g, RP_SOLID};
            af_buf_free(&t);
        }
    }
    bool has_goal = false;
    for (size_t q = 0; q < np; q++) has_goal |= isfinite(panels[q].ref_y);
    if (has_goal) {
        char lab[300];
        snprintf(lab, sizeof lab, "target: %s %s %g", s->goal_metric, s->goal_op, s->goal_value);
        leg[nl++] = (rp_legend){RP_LEG_REF, pool_copy(cx, lab), RP_RED, RP_DASHED};
    }
    char id[32], cap[400];
    rp_figure_open(cx, shares ? "sweep-shares" : "sweep-metrics", id, sizeof id);
    rp_chart c = {.id = id,
                  .title = shares ? "Coverage and utilisation against the varied parameter"
                                  : "Other headline metrics against the varied parameter",
                  .x_label = s->params[0], .y_label = shares ? "share" : "value of the metric (see panel)",
                  .panels = panels, .n_panels = np, .columns = np == 1 ? 1 : np == 2 ? 2 : 3,
                  .panel_height = np == 1 ? 200 : 120, .y_zero = shares, .y_percent = shares,
                  .x_cats = s->categorical[0] ? (const char *const *)s->levels[0].v : NULL,
                  .n_x_cats = s->categorical[0] ? (int)s->levels[0].n : 0, .legend = leg, .n_legend = nl};
    rp_svg_lines(cx->b, &c);
    snprintf(cap, sizeof cap, "Points: the mean over replications at each design point; whiskers: its %g%% Student t "
                              "interval.%s",
             s->prov.confidence * 100,
             ng > shown ? " Only the first ten combinations of the other parameters are drawn." : "");
    rp_figure_close(cx, cap);
}

static void sweep_section(rp_ctx *cx, const rp_sweep *s)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<section class=\"sweep\">\n<h2>");
    af_buf_put(b, s->is_target ? "Target search over " : "Sweep of ");
    for (size_t p = 0; p < s->n_params; p++) {
        if (p) af_buf_put(b, " \xC3\x97 ");
        rp_esc(b, s->params[p]);
    }
    af_buf_put(b, "</h2>\n");
    if (s->goal_metric[0] && isfinite(s->goal_value)) {
        af_buf_put(b, "<p>Goal: <code>");
        rp_esc(b, s->goal_metric);
        af_buf_put(b, " ");
        rp_esc(b, s->goal_op);
        af_buf_printf(b, " %g</code>, met when the whole %g%% interval is on the right side. ", s->goal_value,
                  s->prov.confidence * 100);
        if (isfinite(s->answer)) {
            char num[48];
            rp_fmt_num(num, sizeof num, s->answer, 8);
            af_buf_put(b, "Smallest value explored that meets it: <strong>");
            rp_esc(b, s->params[0]);
            af_buf_printf(b, " = %s</strong>.", num);
        } else if (s->is_target) {
            af_buf_put(b, "<strong>No value explored meets it.</strong>");
        }
        af_buf_put(b, "</p>\n");
    }
    provenance_table(cx, &s->prov, s->dir, NULL, NULL);
    sweep_chart(cx, s, true);
    sweep_chart(cx, s, false);
    af_buf_put(b, "</section>\n");
}

void rp_experiment_sections(rp_ctx *cx)
{
    for (size_t i = 0; i < cx->n_compares; i++) compare_section(cx, &cx->compares[i]);
    for (size_t i = 0; i < cx->n_sweeps; i++) sweep_section(cx, &cx->sweeps[i]);
    rp_calibration_sections(cx);
}
