#define _XOPEN_SOURCE 700 /* realpath */
/* Merging the stores of shards (`--shard i/K` on a job-array scheduler) into one. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/exp_internal.h"

static bool same_dir(const char *a, const char *b)
{
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    bool same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

af_status af_exp_merge(const char *out_dir, const char *const *dirs, size_t n_dirs,
                       af_exp_summary *summary, af_error *err)
{
    if (summary) memset(summary, 0, sizeof *summary);
    if (!out_dir || (!dirs && n_dirs))
        return af_error_set(err, AF_INVAL, "af_exp_merge: missing directories");
    if (n_dirs == 0) return af_error_set(err, AF_INVAL, "merge: no shard directories given");
    exp_store *s = NULL;
    af_status st = exp_store_open(&s, out_dir, false, true, err);
    for (size_t i = 0; i < n_dirs && st == AF_OK; i++) {
        if (same_dir(out_dir, dirs[i]))
            st = af_error_set(err, AF_INVAL, "merge: '%s' is the output directory itself",
                              dirs[i]);
        else
            st = exp_store_absorb(s, dirs[i], err);
    }
    char *kind = NULL, *points = NULL, *reps = NULL, *seed = NULL, *conf = NULL;
    if (st == AF_OK) st = exp_store_verify(s, err); /* every job merged against its checksum */
    if (st == AF_OK) st = exp_store_get_meta(s, "kind", &kind, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "points", &points, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "replications", &reps, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "seed", &seed, err);
    if (st == AF_OK) st = exp_store_get_meta(s, "confidence", &conf, err);
    if (st == AF_OK && (!kind || !reps || !seed || !conf))
        st = af_error_set(err, AF_INVAL, "merge: the stores describe no experiment");
    if (st == AF_OK) {
        size_t n_points = points ? (size_t)strtoull(points, NULL, 10) : 0;
        unsigned r = (unsigned)strtoul(reps, NULL, 10);
        /* A run's store may hold replications past its count (from a longer earlier run). */
        size_t have = !strcmp(kind, "run") ? exp_store_count_jobs_below(s, (uint64_t)n_points * r)
                                           : exp_store_count_jobs(s);
        size_t want = n_points * r;
        if (summary) {
            summary->points = n_points;
            summary->jobs = want ? want : have;
            summary->resumed = have;
            summary->replications = r;
            summary->seed = strtoull(seed, NULL, 10);
            summary->confidence = strtod(conf, NULL);
        }
        if (!strcmp(kind, "target") || have == want) {
            st = exp_export(s, out_dir, exp_export_threads(NULL), err);
            if (st == AF_OK && summary) summary->exported = true;
        } else if (have < want) {
            st = af_error_set(err, AF_NOTFOUND,
                              "merge: %zu of %zu jobs are in the stores given; merge the "
                              "missing shards too, or rerun the experiment with --out %s to "
                              "run what is missing",
                              have, want, out_dir);
        }
    }
    free(kind);
    free(points);
    free(reps);
    free(seed);
    free(conf);
    exp_store_close(s);
    return st;
}
