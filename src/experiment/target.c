/* Targets: the smallest value of one parameter at which a goal holds with confidence, by
 * bisection on replicated runs. Each evaluated value is a design point in the store (numbered
 * in order of evaluation); the search is deterministic, so a resumed search walks the same
 * values and finds their replications already done. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/version.h"
#include "experiment/exp_internal.h"

static const char *const op_texts[] = {">=", ">", "<=", "<"};

const char *af_goal_op_text(af_goal_op op)
{
    return (unsigned)op < 4 ? op_texts[op] : "?";
}

af_status af_goal_parse(const char *text, af_goal *g, af_error *err)
{
    memset(g, 0, sizeof *g);
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    const char *m = p;
    while (*p && !isspace((unsigned char)*p) && !strchr("<>=!", *p)) p++;
    size_t len = (size_t)(p - m);
    if (len == 0 || len >= sizeof g->metric)
        return af_error_set(err, AF_INVAL,
                            "--goal '%s': expected METRIC OP VALUE, e.g. 'coverage.food >= 0.95'",
                            text);
    memcpy(g->metric, m, len);
    while (isspace((unsigned char)*p)) p++;
    if (!strncmp(p, ">=", 2))
        g->op = AF_GOAL_GE, p += 2;
    else if (!strncmp(p, "<=", 2))
        g->op = AF_GOAL_LE, p += 2;
    else if (*p == '>')
        g->op = AF_GOAL_GT, p++;
    else if (*p == '<')
        g->op = AF_GOAL_LT, p++;
    else
        return af_error_set(err, AF_INVAL, "--goal '%s': the operator must be >=, >, <= or <",
                            text);
    char *end;
    g->threshold = strtod(p, &end);
    while (isspace((unsigned char)*end)) end++;
    if (end == p || *end || !isfinite(g->threshold))
        return af_error_set(err, AF_INVAL, "--goal '%s': the value after '%s' is not a number",
                            text, op_texts[g->op]);
    return AF_OK;
}

void af_target_free(af_target_result *r)
{
    if (!r) return;
    free(r->steps);
    free(r);
}

typedef struct search {
    const af_target_config *cfg;
    const af_exp_model *model;
    const af_exp_options *opts;
    exp_store *store;
    char path[256];
    bool integer;
    unsigned reps;
    uint64_t seed;
    double confidence;
    af_goal goal;
    exp_point *points;
    size_t n, cap;
    af_target_step *steps; /* in order of evaluation */
    size_t n_steps;        /* evaluated (steps[0..n_steps-1] are filled) */
    af_exp_summary *summary;
} search;

static af_status parse_range(const char *vary, char *path, size_t size, double *lo, double *hi,
                             af_error *err)
{
    const char *eq = vary ? strchr(vary, '=') : NULL;
    if (!eq || eq == vary || (size_t)(eq - vary) >= size)
        return af_error_set(err, AF_INVAL, "--vary '%s': expected PATH=LO:HI",
                            vary ? vary : "");
    memcpy(path, vary, (size_t)(eq - vary));
    path[eq - vary] = '\0';
    char *end;
    *lo = strtod(eq + 1, &end);
    if (end == eq + 1 || *end != ':' || !isfinite(*lo))
        return af_error_set(err, AF_INVAL, "--vary '%s': expected PATH=LO:HI with numbers", vary);
    const char *h = end + 1;
    *hi = strtod(h, &end);
    while (isspace((unsigned char)*end)) end++;
    if (end == h || *end || !isfinite(*hi))
        return af_error_set(err, AF_INVAL, "--vary '%s': expected PATH=LO:HI with numbers", vary);
    if (*hi < *lo)
        return af_error_set(err, AF_INVAL, "--vary '%s': HI (%g) is below LO (%g)", vary, *hi,
                            *lo);
    return AF_OK;
}

static void free_points(search *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free((void *)s->points[i].texts[0]);
        free((void *)s->points[i].texts);
        free((void *)s->points[i].values);
        for (size_t k = 0; k < s->points[i].n_overrides; k++) free(s->points[i].overrides[k]);
        free(s->points[i].overrides);
    }
    free(s->points);
}

/* Names the metrics that look like the one asked for, for the error message. */
static void missing_metric(af_error *err, const char *metric, const exp_point_data *d)
{
    size_t prefix = strcspn(metric, ".");
    af_buf b;
    af_buf_init(&b);
    size_t shown = 0;
    for (int pass = 0; pass < 2 && shown == 0; pass++)
        for (size_t i = 0; i < d->n_metrics && shown < 12; i++) {
            if (pass == 0 && strncmp(d->names[i], metric, prefix + 1) != 0) continue;
            af_buf_printf(&b, "%s%s", shown ? ", " : "", d->names[i]);
            shown++;
        }
    af_error_set(err, AF_INVAL, "--goal: the model reports no metric '%s' (it has %s%s)", metric,
                 b.data ? b.data : "none", shown == 12 ? ", ..." : "");
    af_buf_free(&b);
}

/* Runs the replications of one value and judges the goal there. */
static af_status evaluate(search *s, double v, size_t *index, af_error *err)
{
    char text[64];
    if (s->integer)
        snprintf(text, sizeof text, "%.0f", v);
    else
        snprintf(text, sizeof text, "%.12g", v);
    for (size_t i = 0; i < s->n_steps; i++)
        if (!strcmp(s->steps[i].text, text)) {
            *index = i;
            return AF_OK;
        }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        exp_point *p = realloc(s->points, cap * sizeof *p);
        if (p) s->points = p;
        af_target_step *t = realloc(s->steps, cap * sizeof *t);
        if (t) s->steps = t;
        if (!p || !t) return af_error_set(err, AF_NOMEM, "out of memory");
        s->cap = cap;
    }
    size_t k = s->n;
    const char **tp = malloc(sizeof *tp);
    double *vp = malloc(sizeof *vp);
    char *tcopy = strdup(text);
    const char *path = s->path;
    if (!tp || !vp || !tcopy) {
        free(tp);
        free(vp);
        free(tcopy);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    tp[0] = tcopy;
    vp[0] = strtod(text, NULL);
    exp_point *pt = &s->points[k];
    af_status st = exp_point_build(pt, s->cfg->scenario, s->cfg->sets, s->cfg->n_sets, &path, tp,
                                   vp, 1);
    s->n++; /* owned from here on, freed with the others */
    if (st != AF_OK) return af_error_set(err, AF_NOMEM, "out of memory");
    if ((st = exp_point_check(s->model, pt, NULL, err)) != AF_OK) {
        exp_point_error(err, k, pt);
        if (!s->integer && vp[0] != floor(vp[0])) {
            size_t len = strlen(err->message);
            snprintf(err->message + len, sizeof err->message - len,
                     " (if %s takes whole numbers, use --integer)", s->path);
        }
        return st;
    }
    if ((st = exp_store_put_point(s->store, k, pt, err)) != AF_OK) return st;
    exp_run run = {.model = s->model, .opts = s->opts, .store = s->store, .points = s->points,
                   .first = k, .n = 1, .replications = s->reps, .seed = s->seed,
                   .earlier = s->summary->ran};
    st = exp_run_jobs(&run, err);
    exp_summary_fill(s->summary, 0, s->reps, s->seed, s->confidence, &run);
    if (st != AF_OK) return st;

    exp_point_data d;
    if ((st = exp_store_point_data(s->store, k, s->reps, &d, err)) != AF_OK) return st;
    size_t m = 0;
    while (m < d.n_metrics && strcmp(d.names[m], s->goal.metric) != 0) m++;
    if (m == d.n_metrics) {
        missing_metric(err, s->goal.metric, &d);
        exp_point_data_free(&d);
        return AF_INVAL;
    }
    af_summary stt = af_summarise(d.values + m * d.n_reps, d.n_reps, s->confidence);
    exp_point_data_free(&d);
    af_target_step *step = &s->steps[k];
    memset(step, 0, sizeof *step);
    step->value = vp[0];
    snprintf(step->text, sizeof step->text, "%s", text);
    step->order = k;
    step->mean = stt.mean;
    step->sd = stt.sd;
    step->ci_low = stt.ci_low;
    step->ci_high = stt.ci_high;
    step->n = stt.n;
    step->meets = exp_goal_meets(&s->goal, &stt);
    s->n_steps = k + 1;
    if (s->cfg->on_step) s->cfg->on_step(s->cfg->step_ctx, step);
    *index = k;
    return AF_OK;
}

static af_status bisect(search *s, double lo, double hi, double tol, af_target_result *res,
                        af_error *err)
{
    size_t i;
    af_status st = evaluate(s, hi, &i, err);
    if (st != AF_OK || !s->steps[i].meets) return st; /* not found */
    size_t best = i;
    if (lo < hi) {
        if ((st = evaluate(s, lo, &i, err)) != AF_OK) return st;
        if (s->steps[i].meets) {
            best = i;
        } else {
            for (int iter = 0; iter < 200; iter++) {
                double mid;
                if (s->integer) {
                    if (hi - lo <= 1) break;
                    mid = lo + floor((hi - lo) / 2);
                } else {
                    if (hi - lo <= tol) break;
                    char text[64];
                    snprintf(text, sizeof text, "%.12g", (lo + hi) / 2);
                    mid = strtod(text, NULL);
                    if (!(mid > lo && mid < hi)) break;
                }
                if ((st = evaluate(s, mid, &i, err)) != AF_OK) return st;
                if (s->steps[i].meets) {
                    hi = mid;
                    best = i;
                } else {
                    lo = mid;
                }
            }
        }
    }
    res->found = true;
    res->answer = s->steps[best];
    return AF_OK;
}

af_status af_target_run(const af_target_config *cfg, const af_exp_model *model,
                        const af_exp_options *opts, af_target_result **out, af_error *err)
{
    if (out) *out = NULL;
    if (!cfg || !cfg->scenario || !cfg->out_dir || !model || !out)
        return af_error_set(err, AF_INVAL, "af_target_run: missing scenario, output or model");
    if (opts && opts->shards > 1)
        return af_error_set(err, AF_INVAL,
                            "--shard does not apply to target: each step depends on the one "
                            "before (use MPI or --jobs to spread a target search)");
    search s;
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.model = model;
    s.opts = opts;
    s.integer = cfg->integer;
    double lo = 0, hi = 0;
    af_status st = af_goal_parse(cfg->goal ? cfg->goal : "", &s.goal, err);
    if (st != AF_OK) return st;
    if ((st = parse_range(cfg->vary, s.path, sizeof s.path, &lo, &hi, err)) != AF_OK) return st;
    if (s.integer && (lo != floor(lo) || hi != floor(hi)))
        return af_error_set(err, AF_INVAL, "--vary '%s': --integer needs whole LO and HI",
                            cfg->vary);
    double tol = cfg->tolerance > 0 ? cfg->tolerance : (hi - lo) / 100;
    af_exp_point_info base;
    if ((st = exp_prepare_base(model, cfg->scenario, cfg->sets, cfg->n_sets, &base, err)) != AF_OK)
        return st;
    s.reps = cfg->replications ? cfg->replications : base.replications;
    s.seed = cfg->has_seed ? cfg->seed : base.seed;
    s.confidence = base.confidence;
    if (s.reps < 2)
        return af_error_set(err, AF_INVAL,
                            "target needs at least 2 replications for a confidence interval "
                            "(--replications N)");
    af_target_result *res = calloc(1, sizeof *res);
    if (!res) return af_error_set(err, AF_NOMEM, "out of memory");
    s.summary = &res->summary;
    res->goal = s.goal;
    res->lower_bound = s.goal.op == AF_GOAL_GE || s.goal.op == AF_GOAL_GT;
    res->confidence = s.confidence;
    snprintf(res->path, sizeof res->path, "%s", s.path);

    af_buf id;
    af_buf_init(&id);
    char hash[17], reps_s[24], seed_s[24], conf_s[40], lo_s[40], hi_s[40], tol_s[40];
    af_fmt_num(lo_s, sizeof lo_s, lo);
    af_fmt_num(hi_s, sizeof hi_s, hi);
    af_fmt_num(tol_s, sizeof tol_s, tol);
    char goal_text[400];
    snprintf(goal_text, sizeof goal_text, "%s %s %.17g", s.goal.metric,
             af_goal_op_text(s.goal.op), s.goal.threshold);
    exp_identity_common(&id, "target", s.reps, s.seed, s.confidence, cfg->sets, cfg->n_sets);
    af_buf_printf(&id, "scenario_hash=%s\ntarget=%s=%s:%s%s tolerance %s\ngoal=%s\n",
                   af_fmt_hex64(base.hash, hash), s.path, lo_s, hi_s,
                   s.integer ? " integer" : "", tol_s, goal_text);
    char *sets = exp_join_lines(cfg->sets, cfg->n_sets);
    snprintf(reps_s, sizeof reps_s, "%u", s.reps);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)s.seed);
    af_fmt_num(conf_s, sizeof conf_s, s.confidence);
    char design[400];
    snprintf(design, sizeof design, "bisection; %s=%s:%s%s", s.path, lo_s, hi_s,
             s.integer ? " (integers)" : "");
    const char *meta[] = {"kind", "target", "version", af_version(),
                          "command", opts && opts->command ? opts->command : "",
                          "scenario", cfg->scenario, "scenario_hash", hash,
                          "design", design, "sets", sets ? sets : "",
                          "goal", goal_text, "target_path", s.path,
                          "replications", reps_s, "seed", seed_s, "confidence", conf_s, NULL};
    const char *paths[] = {s.path};
    if (id.failed || !sets)
        st = af_error_set(err, AF_NOMEM, "out of memory");
    else if ((st = exp_open_claim(&s.store, cfg->out_dir, opts, id.data, meta, NULL, err)) == AF_OK &&
             (st = exp_store_put_factors(s.store, paths, 1, err)) == AF_OK)
        st = bisect(&s, lo, hi, tol, res, err);
    if (st == AF_OK) {
        res->summary.points = s.n;
        res->summary.jobs = s.n * s.reps;
        if ((st = exp_export(s.store, cfg->out_dir, err)) == AF_OK) res->summary.exported = true;
    }
    if (st == AF_OK || st == AF_INTERRUPTED) {
        /* The curve, by increasing value. */
        res->n_steps = s.n_steps;
        res->steps = malloc((s.n_steps ? s.n_steps : 1) * sizeof *res->steps);
        if (res->steps) {
            if (s.n_steps) memcpy(res->steps, s.steps, s.n_steps * sizeof *s.steps);
            for (size_t i = 1; i < s.n_steps; i++)
                for (size_t j = i; j > 0 && res->steps[j - 1].value > res->steps[j].value; j--) {
                    af_target_step t = res->steps[j];
                    res->steps[j] = res->steps[j - 1];
                    res->steps[j - 1] = t;
                }
        } else {
            res->n_steps = 0;
        }
    }
    af_buf_free(&id);
    free(sets);
    free_points(&s);
    free(s.steps);
    exp_store_close(s.store);
    if (st != AF_OK && st != AF_INTERRUPTED) {
        af_target_free(res);
        return st;
    }
    *out = res;
    return st;
}
