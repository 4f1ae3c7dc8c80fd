/* Targets: the smallest (or the largest) value of one parameter at which every goal holds
 * with confidence, by bisection on replicated runs. Each evaluated value is a design point in the store (numbered
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
    bool number = end != p;
    g->written = g->threshold;
    while (isspace((unsigned char)*end)) end++;
    if (number && *end == '%') {
        g->percent = true;
        g->threshold /= 100;
        end++;
        while (isspace((unsigned char)*end)) end++;
    }
    if (!number || *end || !isfinite(g->threshold))
        return af_error_set(err, AF_INVAL,
                            "--goal '%s': the value after '%s' is not a number (or a "
                            "percentage such as 90%%)",
                            text, op_texts[g->op]);
    return AF_OK;
}

void af_goal_text(const af_goal *g, char *buf, size_t size)
{
    char num[40];
    af_fmt_num(num, sizeof num, g->written);
    snprintf(buf, size, "%s %s %s%s", g->metric, af_goal_op_text(g->op), num,
             g->percent ? "%" : "");
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
    size_t n_goals;
    af_goal goals[AF_TARGET_MAX_GOALS];
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

/* Edit distance, capped (for naming the metrics closest to a misspelt one). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 255 || lb > 255) return 999;
    size_t row[256];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Names the metrics closest to the one asked for (those sharing its first part first, then
 * by edit distance), for the error message. */
static void missing_metric(af_error *err, const char *metric, const af_exp_metrics *m)
{
    size_t prefix = strcspn(metric, ".");
    size_t order[12], score[12], shown = 0;
    for (size_t i = 0; i < m->n; i++) {
        const char *name = exp_metrics_name(m, i);
        size_t sc = distance(metric, name) + (strncmp(name, metric, prefix + 1) ? 1000 : 0);
        size_t at = shown < 12 ? shown : 12;
        while (at > 0 && score[at - 1] > sc) at--;
        if (at >= 12) continue;
        size_t last = shown < 12 ? shown : 11;
        for (size_t k = last; k > at; k--) {
            order[k] = order[k - 1];
            score[k] = score[k - 1];
        }
        order[at] = i;
        score[at] = sc;
        if (shown < 12) shown++;
    }
    af_buf b;
    af_buf_init(&b);
    for (size_t k = 0; k < shown; k++)
        af_buf_printf(&b, "%s%s", k ? ", " : "", exp_metrics_name(m, order[k]));
    af_error_set(err, AF_INVAL,
                 "--goal: the model reports no metric '%s'; the closest it has: %s%s "
                 "(docs/OUTPUTS.md, Metrics)",
                 metric, b.data ? b.data : "none", m->n > shown ? ", ..." : "");
    af_buf_free(&b);
}

/* Runs one replication of the base scenario, outside any store, to check that every goal's
 * metric exists before anything is stored. */
static af_status probe_metrics(const search *s, af_error *err)
{
    void *h = NULL;
    af_exp_point_info info;
    memset(&info, 0, sizeof info);
    af_status st = s->model->prepare(s->model->ctx, s->cfg->scenario, s->cfg->sets,
                                     s->cfg->n_sets, &h, &info, err);
    if (st != AF_OK) return st;
    af_exp_metrics m;
    exp_metrics_init(&m);
    st = s->model->replicate(s->model->ctx, h, s->seed, 0, &m, err);
    s->model->release(s->model->ctx, h);
    if (st == AF_OK && m.failed) st = af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t g = 0; st == AF_OK && g < s->n_goals; g++) {
        size_t i = 0;
        while (i < m.n && strcmp(exp_metrics_name(&m, i), s->goals[g].metric) != 0) i++;
        if (i == m.n) {
            missing_metric(err, s->goals[g].metric, &m);
            st = AF_INVAL;
        }
    }
    exp_metrics_free(&m);
    return st;
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
    af_target_step *step = &s->steps[k];
    memset(step, 0, sizeof *step);
    step->value = vp[0];
    snprintf(step->text, sizeof step->text, "%s", text);
    step->order = k;
    const char *missing = exp_step_judge(step, &d, s->goals, s->n_goals, s->confidence);
    if (missing) {
        st = af_error_set(err, AF_INVAL, "--goal: the model reports no metric '%s' at %s = %s",
                          missing, s->path, text);
        exp_point_data_free(&d);
        return st;
    }
    exp_point_data_free(&d);
    s->n_steps = k + 1;
    if (s->cfg->on_step) s->cfg->on_step(s->cfg->step_ctx, step);
    *index = k;
    return AF_OK;
}

/* Bisects between a value that meets the goals (good) and one that does not (bad). */
static af_status bisect(search *s, double good, size_t best, double bad, double tol,
                        af_target_result *res, af_error *err)
{
    af_status st = AF_OK;
    for (int iter = 0; iter < 200; iter++) {
        double lo = fmin(good, bad), hi = fmax(good, bad), mid;
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
        size_t i;
        if ((st = evaluate(s, mid, &i, err)) != AF_OK) return st;
        if (s->steps[i].meets) {
            good = mid;
            best = i;
        } else {
            bad = mid;
        }
    }
    res->found = true;
    res->answer = s->steps[best];
    return AF_OK;
}

/* The first goal's metric rises with the parameter from LO to HI in a way that helps it. */
static bool better_upwards(const search *s, const af_target_step *lo, const af_target_step *hi)
{
    bool up = hi->goals[0].mean >= lo->goals[0].mean;
    bool ge = s->goals[0].op == AF_GOAL_GE || s->goals[0].op == AF_GOAL_GT;
    return up == ge;
}

/* Evaluates the ends, settles the direction, then bisects. */
static af_status search_run(search *s, double lo, double hi, double tol, af_target_result *res,
                            af_error *err)
{
    af_target_direction dir = s->cfg->direction;
    size_t i_lo = 0, i_hi = 0;
    af_status st;
    /* A stated direction starts from the end that must meet the goals; AUTO from HI. */
    if (dir == AF_TARGET_LARGEST) {
        res->largest = true;
        if ((st = evaluate(s, lo, &i_lo, err)) != AF_OK || !s->steps[i_lo].meets) return st;
        if ((st = evaluate(s, hi, &i_hi, err)) != AF_OK) return st;
    } else {
        if ((st = evaluate(s, hi, &i_hi, err)) != AF_OK) return st;
        if (dir == AF_TARGET_SMALLEST && !s->steps[i_hi].meets) return AF_OK;
        if ((st = evaluate(s, lo, &i_lo, err)) != AF_OK) return st;
    }
    bool m_lo = s->steps[i_lo].meets, m_hi = s->steps[i_hi].meets;
    if (dir == AF_TARGET_AUTO) {
        if (m_hi && !m_lo)
            dir = AF_TARGET_SMALLEST;
        else if (m_lo && !m_hi)
            dir = AF_TARGET_LARGEST;
        else
            dir = better_upwards(s, &s->steps[i_lo], &s->steps[i_hi]) ? AF_TARGET_SMALLEST
                                                                     : AF_TARGET_LARGEST;
    }
    res->largest = dir == AF_TARGET_LARGEST;
    if (!m_lo && !m_hi) return AF_OK; /* not found */
    if (m_lo && m_hi) {
        res->whole_range = true;
        res->found = true;
        res->answer = s->steps[res->largest ? i_hi : i_lo];
        return AF_OK;
    }
    if (res->largest) {
        if (!m_lo) return AF_OK; /* the stated direction's good end fails */
        return bisect(s, lo, i_lo, hi, tol, res, err);
    }
    if (!m_hi) return AF_OK;
    return bisect(s, hi, i_hi, lo, tol, res, err);
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
    af_status st = AF_OK;
    size_t n_goals = cfg->n_goals ? cfg->n_goals : 1;
    if (n_goals > AF_TARGET_MAX_GOALS)
        return af_error_set(err, AF_INVAL, "--goal: at most %d goals at once",
                            AF_TARGET_MAX_GOALS);
    if ((unsigned)cfg->direction > AF_TARGET_LARGEST)
        return af_error_set(err, AF_INVAL, "af_target_run: unknown direction %d",
                            (int)cfg->direction);
    for (size_t g = 0; g < n_goals; g++) {
        const char *text = cfg->n_goals ? cfg->goals[g] : cfg->goal;
        if ((st = af_goal_parse(text ? text : "", &s.goals[g], err)) != AF_OK) return st;
    }
    s.n_goals = n_goals;
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
    /* The goals' metrics exist: checked before the store is opened, so that a misspelt
     * metric leaves nothing behind. */
    if ((st = probe_metrics(&s, err)) != AF_OK) return st;
    af_target_result *res = calloc(1, sizeof *res);
    if (!res) return af_error_set(err, AF_NOMEM, "out of memory");
    s.summary = &res->summary;
    res->goal = s.goals[0];
    res->n_goals = s.n_goals;
    memcpy(res->goals, s.goals, s.n_goals * sizeof *s.goals);
    res->lower_bound = s.goals[0].op == AF_GOAL_GE || s.goals[0].op == AF_GOAL_GT;
    res->lo = lo;
    res->hi = hi;
    res->confidence = s.confidence;
    snprintf(res->path, sizeof res->path, "%s", s.path);

    af_buf id;
    af_buf_init(&id);
    char hash[17], reps_s[24], seed_s[24], conf_s[40], lo_s[40], hi_s[40], tol_s[40];
    af_fmt_num(lo_s, sizeof lo_s, lo);
    af_fmt_num(hi_s, sizeof hi_s, hi);
    af_fmt_num(tol_s, sizeof tol_s, tol);
    af_buf gt;
    af_buf_init(&gt);
    af_buf_put(&gt, "");
    for (size_t g = 0; g < s.n_goals; g++) {
        char one[400];
        af_goal_text(&s.goals[g], one, sizeof one);
        af_buf_printf(&gt, "%s%s", g ? "; " : "", one);
    }
    const char *goal_text = gt.data ? gt.data : "";
    static const char *const dir_text[] = {"", "; smallest", "; largest"};
    exp_identity_common(&id, "target", s.reps, s.seed, s.confidence, cfg->sets, cfg->n_sets);
    af_buf_printf(&id, "scenario_hash=%s\ntarget=%s=%s:%s%s tolerance %s%s\ngoal=%s\n",
                   af_fmt_hex64(base.hash, hash), s.path, lo_s, hi_s,
                   s.integer ? " integer" : "", tol_s, dir_text[cfg->direction], goal_text);
    char *sets = exp_join_lines(cfg->sets, cfg->n_sets);
    snprintf(reps_s, sizeof reps_s, "%u", s.reps);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)s.seed);
    af_fmt_num(conf_s, sizeof conf_s, s.confidence);
    char design[400];
    snprintf(design, sizeof design, "bisection; %s=%s:%s%s%s", s.path, lo_s, hi_s,
             s.integer ? " (integers)" : "", dir_text[cfg->direction]);
    const char *meta[] = {"kind", "target", "version", af_version(),
                          "command", opts && opts->command ? opts->command : "",
                          "scenario", cfg->scenario, "scenario_hash", hash,
                          "design", design, "sets", sets ? sets : "",
                          "goal", goal_text, "target_path", s.path,
                          "replications", reps_s, "seed", seed_s, "confidence", conf_s, NULL};
    const char *paths[] = {s.path};
    if (id.failed || gt.failed || !sets)
        st = af_error_set(err, AF_NOMEM, "out of memory");
    else if ((st = exp_open_claim(&s.store, cfg->out_dir, opts, id.data, meta, err)) == AF_OK &&
             (st = exp_store_put_factors(s.store, paths, 1, err)) == AF_OK)
        st = search_run(&s, lo, hi, tol, res, err);
    if (st == AF_OK) {
        res->summary.points = s.n;
        res->summary.jobs = s.n * s.reps;
        if ((st = exp_export(s.store, cfg->out_dir, exp_export_threads(s.opts), err)) == AF_OK)
            res->summary.exported = true;
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
    af_buf_free(&gt);
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
