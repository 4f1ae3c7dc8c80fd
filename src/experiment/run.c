/* The run kind: the replications of one scenario, each kept with its daily tables.
 *
 * A run is an experiment of one design point (the scenario with its --set overrides) and R
 * jobs, job r being replication r. It goes through the same runner, store and MPI transport
 * as a sweep; what is particular is that every job also stores its packed daily tables
 * (job_tables, see tables.c), and that the export writes daily.csv, stations.csv and
 * summary.json (src/output/run_output.c) from them.
 *
 * The identity of a run leaves the number of replications out: job r is replication r
 * whatever R is, so a run asked for more replications keeps those it has and runs the others,
 * and one asked for fewer exports the first R. A store holding an earlier run of another
 * scenario or seed is discarded, as `aidflow run` always did; a store of another kind is
 * refused. The export reads the scenario file again (its region and category names, dates and
 * description go into the files) and checks that it still has the hash of the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/run_output.h"
#include "aidflow/scenario.h"
#include "aidflow/version.h"
#include "experiment/exp_internal.h"

/* Splits the store's "sets" text (one override a line) into an array; *n may be 0. */
static char **split_lines(const char *text, size_t *n)
{
    *n = 0;
    size_t lines = 1;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    char **v = calloc(lines, sizeof *v);
    if (!v) return NULL;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        v[*n] = malloc(len + 1);
        if (!v[*n]) break;
        memcpy(v[*n], p, len);
        v[(*n)++][len] = '\0';
        p += len + (e ? 1 : 0);
    }
    return v;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

static void free_results(af_result **r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) af_result_free(r[i]);
    free(r);
}

/* Reads a design point's replications back from the store (its jobs first_job, first_job + 1,
 * ...: replication i at first_job + i; its scenario and hash the meta keys scenario_key and
 * hash_key) and writes its three run files to dir; with `keep`, hands the results
 * (replication i at i) to the caller. */
static af_status export_point(exp_store *s, const char *scenario_key, const char *hash_key,
                              uint64_t first_job, const char *dir, af_result ***keep,
                              size_t *n_keep, af_error *err)
{
    if (keep) {
        *keep = NULL;
        *n_keep = 0;
    }
    char *scenario = NULL, *sets = NULL, *hash = NULL, *reps = NULL, *command = NULL;
    af_status st = exp_store_get_meta(s, scenario_key, &scenario, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "sets", &sets, err);
    if (st == AF_OK) st = exp_store_get_meta(s, hash_key, &hash, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "replications", &reps, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "command", &command, err);
    if (st == AF_OK && (!scenario || !hash || !reps))
        st = af_error_set(err, AF_INVAL, "%s does not describe a run", exp_store_path(s));
    size_t n_sets = 0, n = reps ? (size_t)strtoull(reps, NULL, 10) : 0;
    char **set_v = NULL;
    af_scenario *scn = NULL;
    af_result **res = NULL;
    if (st == AF_OK && !(set_v = split_lines(sets ? sets : "", &n_sets)))
        st = af_error_set(err, AF_NOMEM, "out of memory");
    if (st == AF_OK) {
        af_diagnostics *d = af_diagnostics_create(10);
        if (!d) {
            st = af_error_set(err, AF_NOMEM, "out of memory");
        } else {
            st = af_scenario_load(scenario, (const char *const *)set_v, n_sets, &scn, d);
            if (st != AF_OK) exp_diags_to_error(d, st, err);
            af_diagnostics_destroy(d);
        }
    }
    char now[17];
    if (st == AF_OK && strcmp(af_fmt_hex64(af_scenario_hash(scn), now), hash) != 0)
        st = af_error_set(err, AF_INVAL,
                          "%s: the scenario has changed since its replications were run (hash "
                          "%s, now %s); run it again to replace them",
                          scenario, hash, now);
    if (st == AF_OK && !(res = calloc(n ? n : 1, sizeof *res)))
        st = af_error_set(err, AF_NOMEM, "out of memory");
    for (size_t i = 0; i < n && st == AF_OK; i++) {
        unsigned char *blob = NULL;
        size_t len = 0;
        st = exp_store_get_tables(s, first_job + i, &blob, &len, err);
        if (st == AF_NOTFOUND)
            st = af_error_set(err, AF_NOTFOUND, "%s: replication %zu is not in the store",
                              exp_store_path(s), i);
        else if (st == AF_OK && (st = exp_tables_unpack(blob, len, &res[i], err)) != AF_OK)
            af_error_set(err, st, "%s: replication %zu: %s; delete the store to start over",
                         exp_store_path(s), i, err ? err->message : "damaged");
        else if (st == AF_OK && res[i]->replication != i)
            st = af_error_set(err, AF_INVAL, "%s: replication %zu holds replication %u",
                              exp_store_path(s), i, res[i]->replication);
        /* The sizes must be the scenario's (its names index the tables) and the same in
         * every replication (the files put them side by side). */
        else if (st == AF_OK &&
                 (res[i]->n_regions != scn->n_regions ||
                  res[i]->n_categories != scn->n_categories ||
                  res[i]->n_days != res[0]->n_days || res[i]->n_stations != res[0]->n_stations ||
                  res[i]->n_metrics != res[0]->n_metrics || res[i]->n_days != scn->horizon_days))
            st = af_error_set(err, AF_INVAL,
                              "%s: replication %zu: its tables' sizes are not those of the "
                              "scenario; delete the store to start over",
                              exp_store_path(s), i);
        free(blob);
    }
    if (st == AF_OK) {
        af_provenance prov = {.command = command ? command : "", .scenario_file = scenario};
        st = af_write_run_outputs(dir, scn, res, n, &prov, err);
    }
    if (st == AF_OK && keep) {
        *keep = res;
        *n_keep = n;
        res = NULL;
    }
    free_results(res, n);
    af_scenario_free(scn);
    free_lines(set_v, n_sets);
    free(scenario);
    free(sets);
    free(hash);
    free(reps);
    free(command);
    return st;
}

static af_status export_run(exp_store *s, const char *dir, af_result ***keep, size_t *n_keep,
                            af_error *err)
{
    return export_point(s, "scenario", "scenario_hash", 0, dir, keep, n_keep, err);
}

af_status exp_export_run(exp_store *s, const char *dir, af_error *err)
{
    return export_run(s, dir, NULL, NULL, err);
}

af_status exp_export_compare_runs(exp_store *s, const char *dir, size_t replications,
                                  af_error *err)
{
    /* Only when every job kept its tables (a store of an earlier aidflow, or of a model
     * without tables, has none: the comparison's own files are all it gets). */
    for (uint64_t j = 0; j < 2 * (uint64_t)replications; j++) {
        unsigned char *blob = NULL;
        size_t len = 0;
        af_status st = exp_store_get_tables(s, j, &blob, &len, err);
        free(blob);
        if (st == AF_NOTFOUND) {
            af_error_clear(err);
            return AF_OK;
        }
        if (st != AF_OK) return st;
    }
    static const char *const sides[2][3] = {{"A", "scenario", "scenario_hash"},
                                            {"B", "scenario_b", "scenario_b_hash"}};
    af_status st = AF_OK;
    for (size_t k = 0; k < 2 && st == AF_OK; k++) {
        char *sub = af_path_join(dir, sides[k][0]);
        if (!sub) return af_error_set(err, AF_NOMEM, "out of memory");
        st = export_point(s, sides[k][1], sides[k][2], k * replications, sub, NULL, NULL, err);
        free(sub);
    }
    return st;
}

void af_run_free(af_run_result *r)
{
    if (!r) return;
    free_results(r->results, r->n);
    free(r);
}

af_status af_run_experiment(const af_run_config *cfg, const af_exp_model *model,
                            const af_exp_options *opts, af_run_result **out, af_error *err)
{
    if (out) *out = NULL;
    if (!cfg || !cfg->scenario || !cfg->out_dir || !model)
        return af_error_set(err, AF_INVAL, "af_run_experiment: missing scenario, output or model");
    af_run_result *res = calloc(1, sizeof *res);
    if (!res) return af_error_set(err, AF_NOMEM, "out of memory");
    af_exp_point_info base;
    af_status st = exp_prepare_base(model, cfg->scenario, cfg->sets, cfg->n_sets, &base, err);
    if (st != AF_OK) {
        free(res);
        return st;
    }
    unsigned reps = cfg->replications ? cfg->replications : base.replications;
    uint64_t seed = cfg->has_seed ? cfg->seed : base.seed;

    exp_point point;
    exp_store *store = NULL;
    af_buf id;
    af_buf_init(&id);
    char *sets = NULL;
    if (exp_point_build(&point, cfg->scenario, cfg->sets, cfg->n_sets, NULL, NULL, NULL, 0) !=
        AF_OK) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    point.hash = base.hash;
    char hash[17], reps_s[24], seed_s[24], conf_s[40];
    af_fmt_hex64(base.hash, hash);
    snprintf(reps_s, sizeof reps_s, "%u", reps);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    af_fmt_num(conf_s, sizeof conf_s, base.confidence);
    /* The identity without the number of replications (see the top of the file). */
    af_buf_printf(&id, "kind=run\naidflow=%s\nseed=%s\nconfidence=%s\n", af_version(), seed_s,
                   conf_s);
    for (size_t i = 0; i < cfg->n_sets; i++) af_buf_printf(&id, "set=%s\n", cfg->sets[i]);
    af_buf_printf(&id, "scenario_hash=%s\n", hash);
    sets = exp_join_lines(cfg->sets, cfg->n_sets);
    if (id.failed || !sets) {
        st = af_error_set(err, AF_NOMEM, "out of memory");
        goto done;
    }
    const char *command = opts && opts->command ? opts->command : "";
    const char *meta[] = {"kind", "run", "version", af_version(), "command", command,
                          "scenario", cfg->scenario, "scenario_hash", hash, "sets", sets,
                          "replications", reps_s, "seed", seed_s, "confidence", conf_s,
                          "points", "1", NULL};
    if ((st = exp_open_claim(&store, cfg->out_dir, opts, id.data, meta, err)) != AF_OK ||
        (st = exp_store_put_points(store, &point, 1, err)) != AF_OK ||
        /* This run's count and command line are the ones its files report. */
        (st = exp_store_set_meta(store, "replications", reps_s, err)) != AF_OK ||
        (st = exp_store_set_meta(store, "command", command, err)) != AF_OK)
        goto done;

    exp_run run = {.model = model, .opts = opts, .store = store, .points = &point,
                   .first = 0, .n = 1, .replications = reps, .seed = seed, .tables = true};
    st = exp_run_jobs(&run, err);
    exp_summary_fill(&res->summary, 1, reps, seed, base.confidence, &run);
    /* A shard exports too when it completes what the directory holds (shards sharing one). */
    if (st == AF_OK &&
        (!(opts && opts->shards > 1) || exp_store_count_jobs_below(store, reps) == reps)) {
        st = export_run(store, cfg->out_dir, &res->results, &res->n, err);
        if (st == AF_OK) st = exp_export_tidy(store, cfg->out_dir, exp_export_threads(opts), err);
        if (st == AF_OK) res->summary.exported = true;
    }
done:
    for (size_t k = 0; k < point.n_overrides; k++) free(point.overrides[k]);
    free(point.overrides);
    af_buf_free(&id);
    free(sets);
    exp_store_close(store);
    if ((st == AF_OK || st == AF_INTERRUPTED) && out)
        *out = res;
    else
        af_run_free(res);
    return st;
}
