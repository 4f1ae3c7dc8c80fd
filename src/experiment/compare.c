/* Paired comparisons: A and B on common random numbers (same seed, same replication
 * numbers), the difference B - A taken replication by replication. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/version.h"
#include "experiment/exp_internal.h"

void af_compare_free(af_compare_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_rows; i++) free((char *)r->rows[i].metric);
    free(r->rows);
    free(r);
}

af_status af_compare_run(const af_compare_config *cfg, const af_exp_model *model,
                         const af_exp_options *opts, af_compare_result **out, af_error *err)
{
    if (out) *out = NULL;
    if (!cfg || !cfg->a || !cfg->b || !cfg->out_dir || !model || !out)
        return af_error_set(err, AF_INVAL, "af_compare_run: missing scenarios, output or model");
    af_exp_point_info ia, ib;
    af_status st = exp_prepare_base(model, cfg->a, cfg->sets, cfg->n_sets, &ia, err);
    if (st != AF_OK) return st;
    if ((st = exp_prepare_base(model, cfg->b, cfg->sets, cfg->n_sets, &ib, err)) != AF_OK)
        return st;
    unsigned reps = cfg->replications ? cfg->replications : ia.replications;
    uint64_t seed = cfg->has_seed ? cfg->seed : ia.seed;

    static const char *const label_path[] = {"scenario"};
    static const char *const label_a[] = {"A"}, *const label_b[] = {"B"};
    static const double no_value[] = {NAN};
    exp_point points[2];
    memset(points, 0, sizeof points);
    exp_store *store = NULL;
    char *sets = NULL;
    af_buf id;
    af_buf_init(&id);
    af_compare_result *res = calloc(1, sizeof *res);
    if (!res || exp_point_build(&points[0], cfg->a, cfg->sets, cfg->n_sets, NULL, label_a,
                                no_value, 1) != AF_OK ||
        exp_point_build(&points[1], cfg->b, cfg->sets, cfg->n_sets, NULL, label_b, no_value,
                        1) != AF_OK) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    points[0].hash = ia.hash;
    points[1].hash = ib.hash;

    char ha[17], hb[17], reps_s[24], seed_s[24], conf_s[40];
    exp_identity_common(&id, "compare", reps, seed, ia.confidence, cfg->sets, cfg->n_sets);
    af_buf_printf(&id, "scenario_hash=%s\nscenario_b_hash=%s\n", af_fmt_hex64(ia.hash, ha),
                   af_fmt_hex64(ib.hash, hb));
    sets = exp_join_lines(cfg->sets, cfg->n_sets);
    snprintf(reps_s, sizeof reps_s, "%u", reps);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    af_fmt_num(conf_s, sizeof conf_s, ia.confidence);
    if (id.failed || !sets) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    const char *meta[] = {"kind", "compare", "version", af_version(),
                          "command", opts && opts->command ? opts->command : "",
                          "scenario", cfg->a, "scenario_hash", ha,
                          "scenario_b", cfg->b, "scenario_b_hash", hb, "sets", sets,
                          "replications", reps_s, "seed", seed_s, "confidence", conf_s,
                          "points", "2", NULL};
    if ((st = exp_open_claim(&store, cfg->out_dir, opts, id.data, meta, err)) != AF_OK ||
        (st = exp_store_put_factors(store, label_path, 1, err)) != AF_OK ||
        (st = exp_store_put_points(store, points, 2, err)) != AF_OK)
        goto done;

    exp_run run = {.model = model, .opts = opts, .store = store, .points = points,
                   .first = 0, .n = 2, .replications = reps, .seed = seed,
                   /* A and B keep their daily tables for the folder's A/ and B/ runs (the
                     * report draws the network's difference from them). */
                   .tables = true, .tables_optional = true};
    st = exp_run_jobs(&run, err);
    exp_summary_fill(&res->summary, 2, reps, seed, ia.confidence, &run);
    if (st == AF_OK && exp_store_count_jobs(store) == 2 * (size_t)reps) {
        if ((st = exp_export(store, cfg->out_dir, exp_export_threads(opts), err)) == AF_OK &&
            (st = exp_compare_table(store, res, err)) == AF_OK)
            res->summary.exported = true;
    }
done:
    for (size_t i = 0; i < 2; i++) {
        for (size_t k = 0; k < points[i].n_overrides; k++) free(points[i].overrides[k]);
        free(points[i].overrides);
    }
    af_buf_free(&id);
    free(sets);
    exp_store_close(store);
    if (st != AF_OK && st != AF_INTERRUPTED) {
        af_compare_free(res);
        return st;
    }
    *out = res;
    return st;
}
