/* af_report_write: recognise each directory, read it, compose the page, write it atomically. */
#include "aidflow/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aidflow/atomic_file.h"
#include "base/path.h"
#include "report/report_internal.h"

/* What a directory holds, from the names of the files in it. */
typedef struct dir_kind {
    bool run, compare, sweep, target, sensitivity, calibration;
} dir_kind;

static af_status classify(const char *dir, dir_kind *k, af_error *err)
{
    memset(k, 0, sizeof *k);
    struct stat st;
    if (stat(dir, &st) != 0)
        return af_error_set(err, errno == ENOENT ? AF_NOTFOUND : AF_IO, "cannot open %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return af_error_set(err, AF_INVAL, "%s is not a directory", dir);
    char path[4096];
    static const char *const run_files[] = {"summary.json", "daily.csv", "stations.csv"};
    for (size_t i = 0; i < 3; i++) {
        if (!af_path_join_to(path, sizeof path, dir, run_files[i])) return af_error_set(err, AF_INVAL, "path too long: %s", dir);
        k->run |= rp_file_exists(path);
    }
    af_path_join_to(path, sizeof path, dir, "compare.csv");
    k->compare = rp_file_exists(path);
    af_path_join_to(path, sizeof path, dir, "sweep.csv");
    k->sweep = rp_file_exists(path);
    af_path_join_to(path, sizeof path, dir, "target.csv");
    k->target = rp_file_exists(path);
    /* A sensitivity's summary.json and sweep.csv are not a run's nor a sweep's to draw. */
    af_path_join_to(path, sizeof path, dir, "sensitivity.csv");
    if ((k->sensitivity = rp_file_exists(path))) k->run = k->sweep = false;
    af_path_join_to(path, sizeof path, dir, "calibration.csv");
    k->calibration = rp_file_exists(path);
    if (!k->run && !k->compare && !k->sweep && !k->target && !k->sensitivity && !k->calibration)
        return af_error_set(err, AF_INVAL,
                            "%s holds no aidflow output (summary.json, daily.csv, stations.csv, compare.csv, "
                            "sweep.csv, target.csv, sensitivity.csv or calibration.csv)",
                            dir);
    return AF_OK;
}

static void ctx_free(rp_ctx *cx)
{
    for (size_t i = 0; i < cx->n_runs; i++) rp_run_free(&cx->runs[i]);
    for (size_t i = 0; i < cx->n_compares; i++) rp_compare_free(&cx->compares[i]);
    for (size_t i = 0; i < cx->n_sweeps; i++) rp_sweep_free(&cx->sweeps[i]);
    for (size_t i = 0; i < cx->n_sens; i++) rp_sens_free(&cx->sens[i]);
    free(cx->sens);
    free(cx->runs);
    free(cx->compares);
    free(cx->sweeps);
    for (size_t i = 0; i < cx->n_calibrations; i++) rp_calibration_free(&cx->calibrations[i]);
    free(cx->calibrations);
    rp_pool_free(&cx->pool);
}

static af_status load_all(rp_ctx *cx, const char *const *dirs, const char *const *labels, size_t n_dirs,
                          af_error *err)
{
    cx->runs = calloc(n_dirs, sizeof *cx->runs);
    cx->compares = calloc(n_dirs, sizeof *cx->compares);
    cx->sweeps = calloc(2 * n_dirs, sizeof *cx->sweeps);
    cx->sens = calloc(n_dirs, sizeof *cx->sens);
    cx->calibrations = calloc(n_dirs, sizeof *cx->calibrations);
    if (!cx->runs || !cx->compares || !cx->sweeps || !cx->sens || !cx->calibrations)
        return af_error_set(err, AF_NOMEM, "out of memory");
    af_status st = AF_OK;
    for (size_t i = 0; i < n_dirs && st == AF_OK; i++) {
        if (!dirs[i]) return af_error_set(err, AF_INVAL, "directory %zu is NULL", i);
        dir_kind k;
        if ((st = classify(dirs[i], &k, err)) != AF_OK) return st;
        if (k.run) {
            rp_run *r = &cx->runs[cx->n_runs];
            st = rp_run_load(r, dirs[i], err);
            cx->n_runs++; /* counted even on failure, so that it is freed */
            if (st == AF_OK && labels && labels[i]) {
                char *l = strdup(labels[i]);
                if (!l) return af_error_set(err, AF_NOMEM, "out of memory");
                free(r->label);
                r->label = l;
            }
        }
        if (st == AF_OK && k.compare) st = rp_compare_load(&cx->compares[cx->n_compares++], dirs[i], err);
        if (st == AF_OK && k.sweep) st = rp_sweep_load(&cx->sweeps[cx->n_sweeps++], dirs[i], false, err);
        if (st == AF_OK && k.target) st = rp_sweep_load(&cx->sweeps[cx->n_sweeps++], dirs[i], true, err);
        if (st == AF_OK && k.sensitivity) st = rp_sens_load(&cx->sens[cx->n_sens++], dirs[i], err);
        if (st == AF_OK && k.calibration)
            st = rp_calibration_load(&cx->calibrations[cx->n_calibrations++], dirs[i], err);
    }
    return st;
}

/* The report never writes over a file it reads (`-o DIR/daily.csv` would destroy its input). */
static af_status check_not_an_input(const char *const *dirs, size_t n_dirs, const char *out_path, af_error *err)
{
    static const char *const inputs[] = {"summary.json", "daily.csv",  "stations.csv",    "compare.csv",
                                         "sweep.csv",    "target.csv", "replications.csv", "provenance.json",
                                         "results.sqlite", "metrics.csv", "points.csv", "sensitivity.csv",
                                         "calibration.csv", "parameters.csv",
                                         /* a comparison's runs */
                                         "A/summary.json", "A/daily.csv", "A/stations.csv",
                                         "B/summary.json", "B/daily.csv", "B/stations.csv"};
    char path[4096];
    for (size_t d = 0; d < n_dirs; d++) {
        if (dirs[d] && af_path_same_file(dirs[d], out_path))
            return af_error_set(err, AF_INVAL, "%s is one of the directories to report on, not a file to write", out_path);
        for (size_t i = 0; dirs[d] && i < sizeof inputs / sizeof inputs[0]; i++)
            if (af_path_join_to(path, sizeof path, dirs[d], inputs[i]) && af_path_same_file(path, out_path))
                return af_error_set(err, AF_INVAL, "%s is an input of this report (%s): refusing to write over it",
                                    out_path, path);
    }
    return AF_OK;
}

af_status af_report_write(const char *const *dirs, size_t n_dirs, const char *out_path, af_error *err)
{
    return af_report_write_labelled(dirs, NULL, n_dirs, out_path, err);
}

af_status af_report_write_labelled(const char *const *dirs, const char *const *labels, size_t n_dirs,
                                   const char *out_path, af_error *err)
{
    af_error_clear(err);
    if (!dirs || n_dirs == 0) return af_error_set(err, AF_INVAL, "no directory to report on");
    if (!out_path || !*out_path) return af_error_set(err, AF_INVAL, "no output file");
    af_status st = check_not_an_input(dirs, n_dirs, out_path, err);
    if (st == AF_OK) st = af_output_check(out_path, err);
    if (st != AF_OK) return st;
    af_buf b = {0};
    rp_ctx cx = {.b = &b};
    st = load_all(&cx, dirs, labels, n_dirs, err);
    if (st == AF_OK) {
        cx.analysis = rp_alloc(&cx.pool, cx.n_runs, sizeof *cx.analysis);
        for (size_t i = 0; cx.analysis && i < cx.n_runs; i++) rp_analyse(&cx, &cx.runs[i], &cx.analysis[i]);
        rp_page_open(&cx);
        rp_answer_section(&cx);
        rp_network_section(&cx);
        rp_page_summary(&cx);
        rp_experiment_sections(&cx);
        rp_sens_sections(&cx);
        rp_run_sections(&cx);
        rp_page_close(&cx, dirs, n_dirs);
        if (b.failed || cx.pool.nomem) st = af_error_set(err, AF_NOMEM, "out of memory composing the report");
    }
    if (st == AF_OK) st = af_atomic_write(out_path, b.data, b.len, err);
    af_buf_free(&b);
    ctx_free(&cx);
    return st;
}
