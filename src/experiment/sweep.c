/* Sweeps: every replication of every point of a grid or a Latin hypercube. */
#include <stdlib.h>
#include <string.h>

#include "aidflow/version.h"
#include "experiment/exp_internal.h"

enum { KEEP_PREPARED = 16 };

af_status af_sweep_run(const af_sweep_config *cfg, const af_exp_model *model,
                       const af_exp_options *opts, af_exp_summary *summary, af_error *err)
{
    if (summary) memset(summary, 0, sizeof *summary);
    if (!cfg || !cfg->scenario || !cfg->out_dir || !model)
        return af_error_set(err, AF_INVAL, "af_sweep_run: missing scenario, output or model");
    af_exp_point_info base;
    af_status st = exp_prepare_base(model, cfg->scenario, cfg->sets, cfg->n_sets, &base, err);
    if (st != AF_OK) return st;
    unsigned reps = cfg->replications ? cfg->replications : base.replications;
    uint64_t seed = cfg->has_seed ? cfg->seed : base.seed;

    af_design *d = NULL;
    exp_point *points = NULL;
    exp_store *store = NULL;
    char *sets = NULL, *identity = NULL;
    size_t n_points = 0;
    if ((st = af_design_create(&d, cfg->vary, cfg->n_vary, cfg->design, seed, err)) != AF_OK)
        return st;
    n_points = af_design_n_points(d);
    size_t nf = af_design_n_factors(d);
    const char **paths = calloc(nf, sizeof *paths);
    points = calloc(n_points, sizeof *points);
    if (!paths || !points) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < nf; f++) paths[f] = af_design_path(d, f);
    for (size_t i = 0; i < n_points && st == AF_OK; i++) {
        /* Each point owns its row of texts and values (freed below). */
        const char **t = malloc(nf * sizeof *t);
        double *v = malloc(nf * sizeof *v);
        if (!t || !v) {
            free(t);
            free(v);
            st = af_error_set(err, AF_NOMEM, "out of memory");
            break;
        }
        for (size_t f = 0; f < nf; f++) {
            t[f] = af_design_text(d, i, f);
            v[f] = af_design_value(d, i, f);
        }
        if (exp_point_build(&points[i], cfg->scenario, cfg->sets, cfg->n_sets, paths, t, v, nf) !=
            AF_OK)
            st = af_error_set(err, AF_NOMEM, "out of memory");
        /* The first points are kept prepared for the runner, which would prepare them again
         * (a few: each is a whole scenario in memory until its jobs are done). */
        if (st == AF_OK && (st = i < KEEP_PREPARED ? exp_point_check_keep(model, &points[i], err)
                                                   : exp_point_check(model, &points[i], NULL,
                                                                     err)) != AF_OK)
            exp_point_error(err, i, &points[i]);
    }
    if (st != AF_OK) goto done;

    af_buf id;
    af_buf_init(&id);
    char hash[17], reps_s[24], seed_s[24], conf_s[40], npts[24];
    exp_identity_common(&id, "sweep", reps, seed, base.confidence, cfg->sets, cfg->n_sets);
    af_buf_printf(&id, "scenario_hash=%s\ndesign=%s\n", af_fmt_hex64(base.hash, hash),
                   af_design_describe(d));
    identity = id.data;
    sets = exp_join_lines(cfg->sets, cfg->n_sets);
    snprintf(reps_s, sizeof reps_s, "%u", reps);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    snprintf(npts, sizeof npts, "%zu", n_points);
    af_fmt_num(conf_s, sizeof conf_s, base.confidence);
    if (id.failed || !sets) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    const char *meta[] = {"kind", "sweep", "version", af_version(),
                          "command", opts && opts->command ? opts->command : "",
                          "scenario", cfg->scenario, "scenario_hash", hash,
                          "design", af_design_describe(d), "sets", sets,
                          "replications", reps_s, "seed", seed_s, "confidence", conf_s,
                          "points", npts, NULL};
    if ((st = exp_open_claim(&store, cfg->out_dir, opts, identity, meta, err)) != AF_OK ||
        (st = exp_store_put_factors(store, paths, nf, err)) != AF_OK ||
        (st = exp_store_put_points(store, points, n_points, err)) != AF_OK)
        goto done;

    exp_run run = {.model = model, .opts = opts, .store = store, .points = points,
                   .first = 0, .n = n_points, .replications = reps, .seed = seed};
    st = exp_run_jobs(&run, err);
    exp_summary_fill(summary, n_points, reps, seed, base.confidence, &run);
    if (st == AF_OK && !(opts && opts->shards > 1)) {
        st = exp_export(store, cfg->out_dir, exp_export_threads(opts), err);
        if (st == AF_OK && summary) summary->exported = true;
    } else if (st == AF_OK && exp_store_count_jobs(store) == (size_t)n_points * reps) {
        /* The last shard to finish in a shared directory has everything: export too. */
        st = exp_export(store, cfg->out_dir, exp_export_threads(opts), err);
        if (st == AF_OK && summary) summary->exported = true;
    }
done:
    exp_points_release(model, points, n_points);
    if (points) {
        for (size_t i = 0; i < n_points; i++) {
            free((void *)points[i].texts);
            free((void *)points[i].values);
        }
    }
    exp_points_free(points, n_points);
    free(paths);
    free(identity);
    free(sets);
    exp_store_close(store);
    af_design_free(d);
    return st;
}
