/* What sweep, compare and target share: preparing points, identities, summaries. */
#include <stdlib.h>
#include <string.h>

#include "aidflow/version.h"
#include "experiment/exp_internal.h"

af_status exp_prepare_base(const af_exp_model *m, const char *scenario, const char *const *sets,
                           size_t n_sets, af_exp_point_info *info, af_error *err)
{
    memset(info, 0, sizeof *info);
    void *h = NULL;
    af_status st = m->prepare(m->ctx, scenario, sets, n_sets, &h, info, err);
    if (st != AF_OK) return st;
    m->release(m->ctx, h);
    if (info->replications == 0) info->replications = 1;
    if (!(info->confidence > 0 && info->confidence < 1)) info->confidence = 0.95;
    return AF_OK;
}

void exp_points_free(exp_point *p, size_t n)
{
    if (!p) return;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < p[i].n_overrides; k++) free(p[i].overrides[k]);
        free(p[i].overrides);
    }
    free(p);
}

af_status exp_point_build(exp_point *p, const char *scenario, const char *const *sets,
                          size_t n_sets, const char *const *paths, const char *const *texts,
                          const double *values, size_t n_factors)
{
    memset(p, 0, sizeof *p);
    p->scenario = scenario;
    p->n_factors = n_factors;
    p->texts = texts;
    p->values = values;
    size_t n = n_sets + (paths ? n_factors : 0);
    p->overrides = calloc(n ? n : 1, sizeof *p->overrides);
    if (!p->overrides) return AF_NOMEM;
    for (size_t i = 0; i < n_sets; i++) {
        if (!(p->overrides[p->n_overrides] = strdup(sets[i]))) return AF_NOMEM;
        p->n_overrides++;
    }
    for (size_t f = 0; paths && f < n_factors; f++) {
        size_t len = strlen(paths[f]) + strlen(texts[f]) + 2;
        char *o = malloc(len);
        if (!o) return AF_NOMEM;
        snprintf(o, len, "%s=%s", paths[f], texts[f]);
        p->overrides[p->n_overrides++] = o;
    }
    return AF_OK;
}

char *exp_point_overrides_text(const exp_point *p)
{
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "");
    for (size_t i = 0; i < p->n_overrides; i++) {
        if (i) af_buf_put(&b, "\n");
        af_buf_put(&b, p->overrides[i]);
    }
    if (b.failed) {
        af_buf_free(&b);
        return NULL;
    }
    return b.data;
}

af_status exp_point_check(const af_exp_model *m, exp_point *p, af_exp_point_info *info,
                          af_error *err)
{
    void *h = NULL;
    af_exp_point_info tmp;
    if (!info) info = &tmp;
    memset(info, 0, sizeof *info);
    af_status st = m->prepare(m->ctx, p->scenario, (const char *const *)p->overrides,
                              p->n_overrides, &h, info, err);
    if (st != AF_OK) return st;
    m->release(m->ctx, h);
    p->hash = info->hash;
    return AF_OK;
}

af_status exp_point_check_keep(const af_exp_model *m, exp_point *p, af_error *err)
{
    af_exp_point_info info;
    memset(&info, 0, sizeof info);
    void *h = NULL;
    af_status st = m->prepare(m->ctx, p->scenario, (const char *const *)p->overrides,
                              p->n_overrides, &h, &info, err);
    if (st != AF_OK) return st;
    p->hash = info.hash;
    p->prepared = h;
    return AF_OK;
}

void exp_points_release(const af_exp_model *m, exp_point *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        if (p[i].prepared) {
            m->release(m->ctx, p[i].prepared);
            p[i].prepared = NULL;
        }
}

void exp_identity_common(af_buf *b, const char *kind, unsigned reps, uint64_t seed,
                         double confidence, const char *const *sets, size_t n_sets)
{
    char conf[40];
    af_fmt_num(conf, sizeof conf, confidence);
    af_buf_printf(b, "kind=%s\naidflow=%s\nreplications=%u\nseed=%llu\nconfidence=%s\n", kind,
                   af_version(), reps, (unsigned long long)seed, conf);
    for (size_t i = 0; i < n_sets; i++) af_buf_printf(b, "set=%s\n", sets[i]);
}

void exp_summary_fill(af_exp_summary *s, size_t points, unsigned reps, uint64_t seed,
                      double confidence, const exp_run *run)
{
    if (!s) return;
    s->points = points;
    s->jobs = points * reps;
    s->replications = reps;
    s->seed = seed;
    s->confidence = confidence;
    if (run) {
        s->ran += run->ran;
        s->resumed += run->resumed;
    }
}

char *exp_join_lines(const char *const *s, size_t n)
{
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i) af_buf_put(&b, "\n");
        af_buf_put(&b, s[i]);
    }
    if (b.failed) {
        af_buf_free(&b);
        return NULL;
    }
    return b.data;
}

af_status exp_open_claim(exp_store **out, const char *dir, const af_exp_options *opts,
                         const char *identity, const char *const *meta, af_error *err)
{
    if (opts && opts->shards > 1 && opts->shard >= opts->shards)
        return af_error_set(err, AF_INVAL, "--shard %u/%u: the shard must be below %u",
                            opts->shard, opts->shards, opts->shards);
    af_status st = exp_store_open(out, dir, opts && opts->fresh, true, err);
    if (st != AF_OK) return st;
    if ((st = exp_store_claim(*out, identity, meta, err)) == AF_OK)
        st = exp_store_add_session(*out, opts ? opts->command : NULL, err);
    if (st != AF_OK) {
        exp_store_close(*out);
        *out = NULL;
    }
    return st;
}

/* Adds "while loading design point N (overrides)" to a point's error. */
void exp_point_error(af_error *err, size_t point, const exp_point *p)
{
    if (!err) return;
    char ov[300] = "";
    size_t at = 0;
    for (size_t i = 0; i < p->n_overrides && at < sizeof ov - 1; i++)
        at += (size_t)snprintf(ov + at, sizeof ov - at, "%s%s", i ? " " : "", p->overrides[i]);
    char *msg = strdup(err->message);
    if (!msg) return;
    int n = snprintf(err->message, sizeof err->message, "design point %zu (%s): ", point, ov);
    if (n > 0 && (size_t)n < sizeof err->message)
        snprintf(err->message + n, sizeof err->message - (size_t)n, "%s", msg);
    free(msg);
}
