/* Sensitivity: Morris elementary effects of a scenario's marked assumptions
 * (af_scn_assumption), as an experiment kind of its own on the shared runner and store.
 *
 * The design (Morris 1991; Campolongo, Cariboni and Saltelli 2007 for mu*): each of r
 * trajectories starts at a random point of a p-level grid over [0, 1]^k and moves one factor
 * at a time by +-Delta, Delta = p / (2 (p - 1)), in a random order, so that it visits k + 1
 * points and gives one elementary effect per factor. A factor's position x in [0, 1] is the
 * quantile of its prior over its range (uniform: lo + x (hi - lo)); whole-number keys are
 * rounded to the nearest whole number. Every point runs the same replications with the same
 * seeds (common random numbers), and its output is the mean over them. The elementary effect
 * of factor j is the change of an output over the change of x_j, i.e. the output's change per
 * the whole range of the assumption (for a rounded key, over the change its rounded value
 * made in the range). mu* is the mean of |EE| over trajectories, mu the mean, sigma the
 * standard deviation; mu*'s interval is a percentile bootstrap over trajectories at the
 * scenario's confidence level (2,000 resamples from a fixed seed: the same numbers every
 * time). The design is a function of (k, r, p, seed) alone, so the export remakes it from the
 * store's meta data: a resumed, sharded or merged sensitivity writes the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "aidflow/version.h"
#include "experiment/exp_internal.h"

enum { BOOTSTRAP = 2000 };

/* ---- the design ----------------------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A uniform integer in [0, n). */
static size_t below(uint64_t *s, size_t n)
{
    return (size_t)(splitmix(s) % (uint64_t)n);
}

/* x[(t * (k + 1) + s) * k + j]: factor j at step s of trajectory t; moved[t * k + s - 1] the
 * factor step s moves, dir[t * k + j] its direction (+1 or -1). */
typedef struct morris {
    size_t k, r;
    unsigned p;
    double delta;
    double *x;
    size_t *moved;
    int *dir;
} morris;

static void morris_free(morris *m)
{
    free(m->x);
    free(m->moved);
    free(m->dir);
    memset(m, 0, sizeof *m);
}

static af_status morris_make(morris *m, size_t k, size_t r, unsigned p, uint64_t seed)
{
    memset(m, 0, sizeof *m);
    m->k = k;
    m->r = r;
    m->p = p;
    m->delta = (double)p / (2.0 * (p - 1));
    m->x = calloc(r * (k + 1) * k, sizeof *m->x);
    m->moved = calloc(r * k, sizeof *m->moved);
    m->dir = calloc(r * k, sizeof *m->dir);
    if (!m->x || !m->moved || !m->dir) {
        morris_free(m);
        return AF_NOMEM;
    }
    uint64_t s = seed ^ UINT64_C(0x6D6F72726973); /* "morris" */
    for (size_t t = 0; t < r; t++) {
        double *x0 = m->x + t * (k + 1) * k;
        size_t *order = m->moved + t * k;
        int *dir = m->dir + t * k;
        for (size_t j = 0; j < k; j++) order[j] = j;
        for (size_t j = k; j > 1; j--) {
            size_t i = below(&s, j), tmp = order[j - 1];
            order[j - 1] = order[i];
            order[i] = tmp;
        }
        for (size_t j = 0; j < k; j++) {
            double base = (double)below(&s, p / 2) / (p - 1);
            dir[j] = (splitmix(&s) >> 63) ? 1 : -1;
            x0[j] = dir[j] > 0 ? base : base + m->delta;
        }
        for (size_t st = 1; st <= k; st++) {
            double *prev = x0 + (st - 1) * k, *cur = x0 + st * k;
            memcpy(cur, prev, k * sizeof *cur);
            size_t j = order[st - 1];
            cur[j] = prev[j] + dir[j] * m->delta;
            /* Exact grid values: round off the sum's last bit. */
            cur[j] = round(cur[j] * (p - 1)) / (p - 1);
        }
    }
    return AF_OK;
}

/* ---- factors -------------------------------------------------------------------------------- */

typedef struct factor {
    char *path;
    double value, lo, hi;
    char unit[8];
    bool integer;
    af_prior prior;
} factor;

/* The assumption's value at quantile x of its prior. */
static double factor_at(const factor *f, double x)
{
    double lo = f->lo, hi = f->hi, v;
    if (x <= 0) v = lo;
    else if (x >= 1) v = hi;
    else if (f->prior == AF_PRIOR_LOG_UNIFORM) v = exp(log(lo) + x * (log(hi) - log(lo)));
    else if (f->prior == AF_PRIOR_TRIANGULAR) {
        double c = f->value, w = hi - lo;
        v = x < (c - lo) / w ? lo + sqrt(x * w * (c - lo)) : hi - sqrt((1 - x) * w * (hi - c));
    } else {
        v = lo + x * (hi - lo);
    }
    if (f->integer) v = floor(v + 0.5);
    return v < lo ? lo : v > hi ? hi : v;
}

/* The value as --set reads it: "6", "40 min", "0.25". */
static void factor_text(const factor *f, double v, char *buf, size_t size)
{
    char n[AF_NUM_SIZE];
    if (v == 0) v = 0;
    af_fmt_num(n, sizeof n, v);
    snprintf(buf, size, "%s%s%s", n, f->unit[0] ? " " : "", f->unit);
}

/* "path\tvalue\tlo\thi\tunit\tinteger\tprior" lines: the factors in the store's meta data. */
static char *factors_text(const factor *f, size_t k)
{
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "");
    char v[AF_NUM_SIZE], lo[AF_NUM_SIZE], hi[AF_NUM_SIZE];
    for (size_t j = 0; j < k; j++)
        af_buf_printf(&b, "%s%s\t%s\t%s\t%s\t%s\t%d\t%d", j ? "\n" : "", f[j].path,
                      af_fmt_num(v, sizeof v, f[j].value), af_fmt_num(lo, sizeof lo, f[j].lo),
                      af_fmt_num(hi, sizeof hi, f[j].hi), f[j].unit, f[j].integer ? 1 : 0,
                      (int)f[j].prior);
    if (b.failed) {
        af_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static void factors_free(factor *f, size_t k)
{
    for (size_t j = 0; f && j < k; j++) free(f[j].path);
    free(f);
}

static af_status factors_parse(const char *text, factor **out, size_t *k, af_error *err)
{
    size_t n = *text ? 1 : 0;
    for (const char *p = text; *p; p++) n += *p == '\n';
    factor *f = calloc(n ? n : 1, sizeof *f);
    if (!f) return af_error_set(err, AF_NOMEM, "out of memory");
    const char *p = text;
    for (size_t j = 0; j < n; j++) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[1024];
        if (len >= sizeof line) len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        char *fields[7];
        size_t nf = 0;
        for (char *q = line; nf < 7;) {
            fields[nf++] = q;
            char *tab = strchr(q, '\t');
            if (!tab) break;
            *tab = '\0';
            q = tab + 1;
        }
        if (nf != 7) {
            factors_free(f, j);
            return af_error_set(err, AF_INVAL, "the store's sensitivity factors are damaged");
        }
        f[j].path = strdup(fields[0]);
        f[j].value = strtod(fields[1], NULL);
        f[j].lo = strtod(fields[2], NULL);
        f[j].hi = strtod(fields[3], NULL);
        snprintf(f[j].unit, sizeof f[j].unit, "%s", fields[4]);
        f[j].integer = fields[5][0] == '1';
        f[j].prior = (af_prior)atoi(fields[6]);
        if (!f[j].path) {
            factors_free(f, j);
            return af_error_set(err, AF_NOMEM, "out of memory");
        }
        p = e ? e + 1 : p + len;
    }
    *out = f;
    *k = n;
    return AF_OK;
}

/* ---- the driver ----------------------------------------------------------------------------- */

static bool listed(const char *path, const char *const *only, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(only[i], path)) return true;
    return false;
}

af_status af_sensitivity_run(const af_sensitivity_config *cfg, const af_exp_model *model,
                             const af_exp_options *opts, af_exp_summary *summary, af_error *err)
{
    if (summary) memset(summary, 0, sizeof *summary);
    if (!cfg || !cfg->scenario || !cfg->out_dir || !model)
        return af_error_set(err, AF_INVAL, "af_sensitivity_run: missing scenario, output or model");
    unsigned r = cfg->trajectories ? cfg->trajectories : 10;
    unsigned p = cfg->levels ? cfg->levels : 4;
    if (p < 2 || p % 2 || p > 1000)
        return af_error_set(err, AF_INVAL, "levels: expected an even number from 2 to 1000, "
                            "found %u", p);
    if (r > 100000) return af_error_set(err, AF_INVAL, "trajectories: at most 100000");
    af_exp_point_info base;
    af_status st = exp_prepare_base(model, cfg->scenario, cfg->sets, cfg->n_sets, &base, err);
    if (st != AF_OK) return st;
    unsigned reps = cfg->replications ? cfg->replications : base.replications;
    uint64_t seed = cfg->has_seed ? cfg->seed : base.seed;

    /* The assumptions, from the scenario with the experiment's overrides. */
    af_scenario *scn = NULL;
    af_diagnostics *d = af_diagnostics_create(0);
    st = d ? af_scenario_load(cfg->scenario, cfg->sets, cfg->n_sets, &scn, d) : AF_NOMEM;
    if (st != AF_OK) {
        exp_diags_to_error(d, st, err);
        af_diagnostics_destroy(d);
        return st;
    }
    af_diagnostics_destroy(d);
    size_t na = af_scenario_assumption_count(scn), k = 0;
    factor *f = calloc(na ? na : 1, sizeof *f);
    if (!f) {
        af_scenario_free(scn);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < cfg->n_only; i++)
        if (af_scenario_find_assumption(scn, cfg->only[i]) == AF_SCN_NONE) {
            st = af_error_set(err, AF_INVAL, "--only: %s is not an assumption of %s (aidflow "
                              "assumptions lists them)", cfg->only[i], cfg->scenario);
            break;
        }
    for (size_t i = 0; i < na && st == AF_OK; i++) {
        const af_scn_assumption *a = af_scenario_assumption(scn, i);
        if (cfg->n_only && !listed(a->path, cfg->only, cfg->n_only)) continue;
        f[k] = (factor){strdup(a->path), a->value, a->lo, a->hi, "", a->integer, a->prior};
        snprintf(f[k].unit, sizeof f[k].unit, "%s", a->unit);
        if (!f[k++].path) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    af_scenario_free(scn);
    if (st == AF_OK && k == 0)
        st = af_error_set(err, AF_INVAL, "%s marks no assumption to screen: mark values as "
                          "{value: V, assumption: [LO, HI]} (scenarios/README.md)", cfg->scenario);
    if (st != AF_OK) {
        factors_free(f, k);
        return st;
    }

    morris m;
    exp_point *points = NULL;
    exp_store *store = NULL;
    char *sets = NULL, *identity = NULL, *ftext = NULL, *outputs = NULL;
    const char **paths = NULL;
    size_t n_points = (size_t)r * (k + 1);
    if (morris_make(&m, k, r, p, seed) != AF_OK) {
        factors_free(f, k);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    paths = calloc(k, sizeof *paths);
    points = calloc(n_points, sizeof *points);
    ftext = factors_text(f, k);
    outputs = exp_join_lines(cfg->outputs, cfg->n_outputs);
    if (!paths || !points || !ftext || !outputs) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < k; j++) paths[j] = f[j].path;
    for (size_t i = 0; i < n_points && st == AF_OK; i++) {
        const char **t = calloc(k, sizeof *t);
        double *v = malloc(k * sizeof *v);
        if (!t || !v) {
            free(t);
            free(v);
            st = af_error_set(err, AF_NOMEM, "out of memory");
            break;
        }
        for (size_t j = 0; j < k; j++) {
            char buf[64];
            v[j] = factor_at(&f[j], m.x[i * k + j]);
            factor_text(&f[j], v[j], buf, sizeof buf);
            t[j] = strdup(buf);
            if (!t[j]) st = af_error_set(err, AF_NOMEM, "out of memory");
        }
        if (st == AF_OK &&
            exp_point_build(&points[i], cfg->scenario, cfg->sets, cfg->n_sets, paths, t, v, k) !=
                AF_OK)
            st = af_error_set(err, AF_NOMEM, "out of memory");
        if (st != AF_OK) {
            for (size_t j = 0; j < k; j++) free((void *)t[j]);
            free(t);
            free(v);
            points[i].texts = NULL;
            points[i].values = NULL;
            break;
        }
        if ((st = exp_point_check(model, &points[i], NULL, err)) != AF_OK)
            exp_point_error(err, i, &points[i]);
    }
    if (st != AF_OK) goto done;

    af_buf id;
    af_buf_init(&id);
    char hash[17], reps_s[24], seed_s[24], conf_s[40], npts[24], r_s[24], p_s[24];
    exp_identity_common(&id, "sensitivity", reps, seed, base.confidence, cfg->sets, cfg->n_sets);
    af_buf_printf(&id, "scenario_hash=%s\nmethod=morris\ntrajectories=%u\nlevels=%u\nfactors=%s\n",
                  af_fmt_hex64(base.hash, hash), r, p, ftext);
    identity = id.data;
    sets = exp_join_lines(cfg->sets, cfg->n_sets);
    snprintf(reps_s, sizeof reps_s, "%u", reps);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    snprintf(npts, sizeof npts, "%zu", n_points);
    snprintf(r_s, sizeof r_s, "%u", r);
    snprintf(p_s, sizeof p_s, "%u", p);
    af_fmt_num(conf_s, sizeof conf_s, base.confidence);
    if (id.failed || !sets) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    char design[96];
    snprintf(design, sizeof design, "morris; trajectories=%u; levels=%u; factors=%zu", r, p, k);
    const char *meta[] = {"kind", "sensitivity", "version", af_version(),
                          "command", opts && opts->command ? opts->command : "",
                          "scenario", cfg->scenario, "scenario_hash", hash,
                          "design", design, "sets", sets,
                          "replications", reps_s, "seed", seed_s, "confidence", conf_s,
                          "points", npts, "sens_trajectories", r_s, "sens_levels", p_s,
                          "sens_factors", ftext, NULL};
    if ((st = exp_open_claim(&store, cfg->out_dir, opts, identity, meta, err)) != AF_OK ||
        (st = exp_store_set_meta(store, "sens_outputs", outputs, err)) != AF_OK ||
        (st = exp_store_put_factors(store, paths, k, err)) != AF_OK ||
        (st = exp_store_put_points(store, points, n_points, err)) != AF_OK)
        goto done;

    exp_run run = {.model = model, .opts = opts, .store = store, .points = points,
                   .first = 0, .n = n_points, .replications = reps, .seed = seed};
    st = exp_run_jobs(&run, err);
    exp_summary_fill(summary, n_points, reps, seed, base.confidence, &run);
    if (st == AF_OK && (!(opts && opts->shards > 1) ||
                        exp_store_count_jobs(store) == n_points * reps)) {
        st = exp_export(store, cfg->out_dir, exp_export_threads(opts), err);
        if (st == AF_OK && summary) summary->exported = true;
    }
done:
    if (points) {
        for (size_t i = 0; i < n_points; i++) {
            for (size_t j = 0; points[i].texts && j < k; j++) free((void *)points[i].texts[j]);
            free((void *)points[i].texts);
            free((void *)points[i].values);
        }
    }
    exp_points_free(points, n_points);
    morris_free(&m);
    free(paths);
    free(identity);
    free(sets);
    free(ftext);
    free(outputs);
    factors_free(f, k);
    exp_store_close(store);
    return st;
}

/* ---- the export ----------------------------------------------------------------------------- */

/* The default outputs: need met per region and category, trucks a day on each basis. */
static bool default_output(const char *name)
{
    if (!strncmp(name, "trucks_per_day.", 15)) return true;
    if (strncmp(name, "need_met.", 9)) return false;
    const char *dot = strchr(name + 9, '.');
    return dot && !strchr(dot + 1, '.') && strcmp(dot + 1, "min_region") != 0;
}

typedef struct ranked {
    size_t factor;
    double mu_star, lo, hi, mu, sigma;
    size_t n;
} ranked;

static int by_mu_star(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    bool nx = isnan(x->mu_star), ny = isnan(y->mu_star);
    if (nx != ny) return nx ? 1 : -1;
    if (!nx && x->mu_star != y->mu_star) return x->mu_star > y->mu_star ? -1 : 1;
    return x->factor < y->factor ? -1 : x->factor > y->factor;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* mu*, mu, sigma of one factor's effects ee[0..n) and mu*'s bootstrap interval. */
static void effects(const double *ee, size_t n, double level, uint64_t seed, double *boot,
                    ranked *out)
{
    out->n = n;
    if (n == 0) {
        out->mu_star = out->mu = out->sigma = out->lo = out->hi = NAN;
        return;
    }
    double sa = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        sa += fabs(ee[i]);
        s += ee[i];
    }
    out->mu_star = sa / (double)n;
    out->mu = s / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (ee[i] - out->mu) * (ee[i] - out->mu);
    out->sigma = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    if (n < 2) {
        out->lo = out->hi = NAN;
        return;
    }
    uint64_t st = seed;
    for (size_t b = 0; b < BOOTSTRAP; b++) {
        double t = 0;
        for (size_t i = 0; i < n; i++) t += fabs(ee[below(&st, n)]);
        boot[b] = t / (double)n;
    }
    qsort(boot, BOOTSTRAP, sizeof *boot, cmp_double);
    double alpha = (1 - level) / 2;
    size_t ilo = (size_t)floor(alpha * (BOOTSTRAP - 1)),
           ihi = (size_t)ceil((1 - alpha) * (BOOTSTRAP - 1));
    out->lo = boot[ilo];
    out->hi = boot[ihi];
}

static void json_num(af_buf *b, double v) { af_buf_num(b, v, "null"); }

af_status exp_export_sensitivity(exp_store *s, const char *dir, af_error *err)
{
    char *ftext = NULL, *rs = NULL, *ps = NULL, *outs = NULL, *seeds = NULL, *reps_s = NULL,
         *conf_s = NULL, *scenario = NULL, *hash = NULL;
    af_status st = exp_store_get_meta(s, "sens_factors", &ftext, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "sens_trajectories", &rs, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "sens_levels", &ps, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "sens_outputs", &outs, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "seed", &seeds, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "replications", &reps_s, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "confidence", &conf_s, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "scenario", &scenario, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "scenario_hash", &hash, err);
    if (st == AF_OK && (!ftext || !rs || !ps || !seeds || !reps_s || !conf_s))
        st = af_error_set(err, AF_INVAL, "%s does not describe a sensitivity", exp_store_path(s));
    factor *f = NULL;
    size_t k = 0;
    morris m;
    memset(&m, 0, sizeof m);
    exp_point_data *data = NULL;
    size_t n_points = 0;
    double *y = NULL, *ee = NULL, *boot = NULL;
    ranked *rk = NULL;
    char **names = NULL;
    size_t n_out = 0;
    af_buf csv, js;
    af_buf_init(&csv);
    af_buf_init(&js);
    if (st == AF_OK) st = factors_parse(ftext, &f, &k, err);
    unsigned r = rs ? (unsigned)strtoul(rs, NULL, 10) : 0, p = ps ? (unsigned)strtoul(ps, NULL, 10) : 0;
    unsigned reps = reps_s ? (unsigned)strtoul(reps_s, NULL, 10) : 0;
    uint64_t seed = seeds ? strtoull(seeds, NULL, 10) : 0;
    double level = conf_s ? strtod(conf_s, NULL) : 0.95;
    if (st == AF_OK && (r == 0 || p < 2 || k == 0))
        st = af_error_set(err, AF_INVAL, "%s: a sensitivity without trajectories or factors",
                          exp_store_path(s));
    if (st == AF_OK && morris_make(&m, k, r, p, seed) != AF_OK)
        st = af_error_set(err, AF_NOMEM, "out of memory");
    n_points = (size_t)r * (k + 1);
    if (st == AF_OK) {
        data = calloc(n_points, sizeof *data);
        ee = calloc(r, sizeof *ee);
        boot = calloc(BOOTSTRAP, sizeof *boot);
        rk = calloc(k, sizeof *rk);
        if (!data || !ee || !boot || !rk) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n_points && st == AF_OK; i++)
        st = exp_store_point_data(s, i, reps, &data[i], err);

    /* The outputs: those asked for (each must be a metric), or the default ones. */
    if (st == AF_OK) {
        const exp_point_data *d0 = &data[0];
        names = calloc(d0->n_metrics + 1, sizeof *names);
        if (!names) st = af_error_set(err, AF_NOMEM, "out of memory");
        if (st == AF_OK && outs && *outs) {
            for (const char *q = outs; *q && st == AF_OK;) {
                const char *e = strchr(q, '\n');
                size_t len = e ? (size_t)(e - q) : strlen(q);
                bool found = false;
                for (size_t i = 0; i < d0->n_metrics && !found; i++)
                    if (strlen(d0->names[i]) == len && !memcmp(d0->names[i], q, len)) {
                        found = true;
                        if (n_out < d0->n_metrics) names[n_out++] = d0->names[i];
                    }
                if (!found)
                    st = af_error_set(err, AF_INVAL, "--outputs: the model reports no metric "
                                      "'%.*s' (see metrics.csv for their names)", (int)len, q);
                q = e ? e + 1 : q + len;
            }
        } else if (st == AF_OK) {
            for (size_t i = 0; i < d0->n_metrics; i++)
                if (default_output(d0->names[i])) names[n_out++] = d0->names[i];
        }
    }
    if (st == AF_OK) {
        y = calloc(n_points, sizeof *y);
        if (!y) st = af_error_set(err, AF_NOMEM, "out of memory");
    }

    char a[AF_NUM_SIZE];
    if (st == AF_OK) {
        af_buf_put(&csv, "assumption,output,mu_star,mu_star_lo,mu_star_hi,mu,sigma,rank,"
                         "trajectories,low,high,unit\n");
        af_buf_put(&js, "{\n  \"kind\": \"sensitivity\",\n  \"method\": \"morris\",\n  \"scenario\": ");
        af_buf_json(&js, scenario ? scenario : "");
        af_buf_put(&js, ",\n  \"scenario_hash\": ");
        af_buf_json(&js, hash ? hash : "");
        af_buf_printf(&js, ",\n  \"trajectories\": %u,\n  \"levels\": %u,\n  \"replications\": "
                      "%u,\n  \"seed\": %llu,\n  \"confidence\": %s,\n  \"assumptions\": [",
                      r, p, reps, (unsigned long long)seed, af_fmt_num(a, sizeof a, level));
        for (size_t j = 0; j < k; j++) {
            af_buf_put(&js, j ? ",\n    {\"path\": " : "\n    {\"path\": ");
            af_buf_json(&js, f[j].path);
            af_buf_put(&js, ", \"value\": ");
            json_num(&js, f[j].value);
            af_buf_put(&js, ", \"low\": ");
            json_num(&js, f[j].lo);
            af_buf_put(&js, ", \"high\": ");
            json_num(&js, f[j].hi);
            af_buf_put(&js, ", \"unit\": ");
            af_buf_json(&js, f[j].unit);
            af_buf_printf(&js, ", \"prior\": \"%s\"}", af_prior_name(f[j].prior));
        }
        af_buf_put(&js, "\n  ],\n  \"outputs\": [");
    }
    for (size_t o = 0; o < n_out && st == AF_OK; o++) {
        for (size_t i = 0; i < n_points; i++) {
            y[i] = NAN;
            for (size_t mi = 0; mi < data[i].n_metrics; mi++)
                if (!strcmp(data[i].names[mi], names[o])) {
                    double t = 0;
                    size_t c = 0;
                    for (size_t q = 0; q < data[i].n_reps; q++) {
                        double v = data[i].values[mi * data[i].n_reps + q];
                        t += v;
                        c++;
                    }
                    y[i] = c ? t / (double)c : NAN;
                }
        }
        for (size_t j = 0; j < k; j++) {
            size_t n = 0;
            for (size_t t = 0; t < r; t++) {
                const size_t *order = m.moved + t * k;
                size_t stp = 0;
                while (order[stp] != j) stp++;
                size_t before = t * (k + 1) + stp, after = before + 1;
                double dx = m.x[after * k + j] - m.x[before * k + j];
                if (f[j].integer) {
                    double v0 = factor_at(&f[j], m.x[before * k + j]),
                           v1 = factor_at(&f[j], m.x[after * k + j]);
                    dx = (v1 - v0) / (f[j].hi - f[j].lo);
                }
                double e = (y[after] - y[before]) / dx;
                if (dx != 0 && isfinite(e)) ee[n++] = e;
            }
            rk[j].factor = j;
            effects(ee, n, level, seed ^ (UINT64_C(0xB0075) + j * 7919 + o * 104729), boot,
                    &rk[j]);
        }
        qsort(rk, k, sizeof *rk, by_mu_star);
        af_buf_put(&js, o ? ",\n    {\"output\": " : "\n    {\"output\": ");
        af_buf_json(&js, names[o]);
        af_buf_put(&js, ", \"ranking\": [");
        for (size_t i = 0; i < k; i++) {
            const ranked *q = &rk[i];
            const factor *fj = &f[q->factor];
            af_buf_csv(&csv, fj->path);
            af_buf_put(&csv, ",");
            af_buf_csv(&csv, names[o]);
            const double v[] = {q->mu_star, q->lo, q->hi, q->mu, q->sigma};
            for (size_t x = 0; x < 5; x++) {
                af_buf_put(&csv, ",");
                af_buf_num(&csv, v[x], "");
            }
            af_buf_printf(&csv, ",%zu,%zu,", i + 1, q->n);
            af_buf_num(&csv, fj->lo, "");
            af_buf_put(&csv, ",");
            af_buf_num(&csv, fj->hi, "");
            af_buf_put(&csv, ",");
            af_buf_csv(&csv, fj->unit);
            af_buf_put(&csv, "\n");
            af_buf_put(&js, i ? ",\n      {\"assumption\": " : "\n      {\"assumption\": ");
            af_buf_json(&js, fj->path);
            af_buf_printf(&js, ", \"rank\": %zu, \"mu_star\": ", i + 1);
            json_num(&js, q->mu_star);
            af_buf_put(&js, ", \"mu_star_lo\": ");
            json_num(&js, q->lo);
            af_buf_put(&js, ", \"mu_star_hi\": ");
            json_num(&js, q->hi);
            af_buf_put(&js, ", \"mu\": ");
            json_num(&js, q->mu);
            af_buf_put(&js, ", \"sigma\": ");
            json_num(&js, q->sigma);
            af_buf_printf(&js, ", \"trajectories\": %zu}", q->n);
        }
        af_buf_put(&js, "\n    ]}");
    }
    if (st == AF_OK) {
        af_buf_put(&js, n_out ? "\n  ]\n}\n" : "]\n}\n");
        char path[4200];
        snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
        st = af_buf_write(&csv, path, err);
        if (st == AF_OK) {
            snprintf(path, sizeof path, "%s/summary.json", dir);
            st = af_buf_write(&js, path, err);
        }
    }
    for (size_t i = 0; data && i < n_points; i++) exp_point_data_free(&data[i]);
    free(data);
    free(names);
    free(y);
    free(ee);
    free(boot);
    free(rk);
    morris_free(&m);
    factors_free(f, k);
    af_buf_free(&csv);
    af_buf_free(&js);
    free(ftext);
    free(rs);
    free(ps);
    free(outs);
    free(seeds);
    free(reps_s);
    free(conf_s);
    free(scenario);
    free(hash);
    return st;
}
