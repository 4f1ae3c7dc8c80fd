/* Shared internals of src/experiment/: the metrics buffer, design points, the store, the
 * runner, the daily tables of the run kind, exports and the MPI transport. Nothing here is
 * part of the public API. */
#ifndef AF_EXP_INTERNAL_H
#define AF_EXP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aidflow/experiment.h"
#include "aidflow/stats.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/num.h"
#include "base/path.h"

/* Text buffers, numbers, hashes and paths come from src/base/ (af_buf, af_fmt_num,
 * af_fmt_hex64, af_fnv1a, af_path_join); statistics from aidflow/stats.h (af_summary). */

double exp_now(void); /* monotonic seconds (exp_util.c) */

/* ---- metrics (metrics.c) ----------------------------------------------------------------- */

struct af_exp_metrics {
    size_t n, cap;
    double *values;
    size_t *name_at; /* offsets into names */
    char *names;
    size_t names_len, names_cap;
    bool failed;
    bool want_result;          /* the experiment keeps each replication's daily tables */
    struct af_result *result;  /* handed over by the model (af_exp_metrics_keep_result) */
};

void exp_metrics_init(af_exp_metrics *m);
/* Empties the buffer for the next job (a result handed over is freed; want_result stays). */
void exp_metrics_reset(af_exp_metrics *m);
void exp_metrics_free(af_exp_metrics *m);
static inline const char *exp_metrics_name(const af_exp_metrics *m, size_t i)
{
    return m->names + m->name_at[i];
}

/* A metric's dotted name split by its known structure (docs/OUTPUTS.md, Metrics):
 *   station.NAME.MEASURE           entity NAME, one of `stations` (the longest that fits:
 *                                  names may hold dots); a station not listed ends at the
 *                                  last dot (measures are one word); kind "station"
 *   leg.NAME.MEASURE, gaza_side.CROSSING.MEASURE
 *                                  entity NAME (up to the last dot), kind "leg" or "gaza_side"
 *   time.WHAT.STAT                 entity "network", measure "WHAT_STAT" (hours)
 *   trucks.X, tonnes.X, trucks_per_day.X, bottleneck.X, binding.X
 *                                  entity "network", measure "trucks_X" ...
 *   MEASURE.CATEGORY               entity "network", the category ("all" for coverage.all)
 *   MEASURE.CATEGORY.REGION        entity and region REGION, kind "region"
 * with the measure's unit ("" when it has none). */
typedef struct exp_metric_parts {
    const char *kind; /* "network", "station", "leg", "gaza_side" or "region" */
    char entity[256];
    char measure[128];
    char category[128];
    char region[128];
    const char *unit;
} exp_metric_parts;
void exp_metric_split(const char *name, const char *const *stations, size_t n_stations,
                      exp_metric_parts *p);
/* The model's stations, from its metrics (every station reports station.NAME.utilisation):
 * the names, malloc'ed, into out[0..k) (room for n); returns k. */
size_t exp_metric_stations(const char *const *names, size_t n, char **out);

/* ---- design points ----------------------------------------------------------------------- */

/* One design point as the runner sees it: which scenario file, which overrides. */
typedef struct exp_point {
    const char *scenario;
    size_t n_overrides;
    char **overrides;       /* "path=value", the experiment's sets first */
    size_t n_factors;
    const char *const *texts; /* [n_factors] the factor values as written */
    const double *values;     /* [n_factors] the same as numbers (NaN: not a number) */
    uint64_t hash;            /* filled by preparing it */
    void *prepared;           /* the point as exp_point_check_keep prepared it, for the runner
                                 (which takes it over); NULL: the runner prepares it */
} exp_point;

/* Prepares a point to learn its hash (and check it), then releases it. */
af_status exp_point_check(const af_exp_model *m, exp_point *p, af_exp_point_info *info,
                          af_error *err);
/* The same, keeping the prepared point in p->prepared for the runner, so that it is not
 * prepared twice. */
af_status exp_point_check_keep(const af_exp_model *m, exp_point *p, af_error *err);
/* Releases the prepared points the runner did not take over. */
void exp_points_release(const af_exp_model *m, exp_point *p, size_t n);
/* The overrides as one string, each on its own line (for the store). */
char *exp_point_overrides_text(const exp_point *p);

/* ---- the store (store.c) ----------------------------------------------------------------- */

typedef struct exp_store exp_store;

/* One finished job on its way to the store. */
typedef struct exp_job_result {
    uint64_t job;
    size_t point;
    unsigned replication;
    uint64_t seed;
    double seconds;
    int rank;         /* the MPI rank that ran it (0: this process) */
    af_status status;
    af_error err;
    af_exp_metrics metrics;
    af_buf tables;   /* the packed daily tables (tables.c) when the experiment keeps them */
    struct exp_job_result *next;
} exp_job_result;

/* Opens DIR/results.sqlite (creating DIR and the store), locked against other processes.
 * `fresh` deletes an existing store first. `create` false: the store must exist. */
af_status exp_store_open(exp_store **out, const char *dir, bool fresh, bool create,
                         af_error *err);
void exp_store_close(exp_store *s);
const char *exp_store_path(const exp_store *s);

/* Meta data: a string per key. *value is malloc'ed, or NULL when absent. */
af_status exp_store_get_meta(exp_store *s, const char *key, char **value, af_error *err);
af_status exp_store_set_meta(exp_store *s, const char *key, const char *value, af_error *err);

/* A new store takes the identity (and the provenance in `meta`, key/value pairs ending with a
 * NULL key); an existing one must have the same identity, or AF_INVAL says what differs. */
af_status exp_store_claim(exp_store *s, const char *identity, const char *const *meta,
                          af_error *err);

/* Records the factors (paths) once; an existing store must have the same ones. */
af_status exp_store_put_factors(exp_store *s, const char *const *paths, size_t n,
                                af_error *err);
af_status exp_store_add_session(exp_store *s, const char *command, af_error *err);
/* Records a point, or checks that the stored one is the same (AF_INVAL if not). */
af_status exp_store_put_point(exp_store *s, size_t point, const exp_point *p, af_error *err);
af_status exp_store_put_points(exp_store *s, const exp_point *points, size_t n, af_error *err);

/* Checks every job against its checksum and finds rows of jobs that are not there (see
 * store.c): AF_INVAL naming the store and the job when it is damaged. */
af_status exp_store_verify(exp_store *s, af_error *err);
/* done[job] = true for every job of index < n_jobs that is in the store, after
 * exp_store_verify. */
af_status exp_store_done(exp_store *s, bool *done, size_t n_jobs, af_error *err);
size_t exp_store_count_jobs(exp_store *s);
/* Finished jobs numbered below n. */
size_t exp_store_count_jobs_below(exp_store *s, uint64_t n);
/* Commits one job, its metrics and its packed daily tables (when r->tables holds any) in one
 * transaction. */
af_status exp_store_put_job(exp_store *s, const exp_job_result *r, af_error *err);
/* Commits n jobs as exp_store_put_job does, all in one transaction (one sync of the log for
 * all of them): when it returns AF_OK every one is durable; on an error none is stored. */
af_status exp_store_put_jobs(exp_store *s, const exp_job_result *const *r, size_t n,
                             af_error *err);
/* The packed daily tables of a job: AF_OK with *data malloc'ed, AF_NOTFOUND when the job has
 * none, or an error. */
af_status exp_store_get_tables(exp_store *s, uint64_t job, unsigned char **data, size_t *len,
                               af_error *err);

/* The metrics of one point: names in the model's order, values[metric * n_reps + rep] for
 * replications 0..n_reps-1 (NaN where missing). */
typedef struct exp_point_data {
    size_t n_metrics;
    char **names;
    size_t n_reps;
    double *values;
} exp_point_data;
af_status exp_store_point_data(exp_store *s, size_t point, unsigned replications,
                               exp_point_data *out, af_error *err);
void exp_point_data_free(exp_point_data *d);

/* Copies everything from the store in `src_dir` into s (same identity required). */
af_status exp_store_absorb(exp_store *s, const char *src_dir, af_error *err);

struct sqlite3;
struct sqlite3 *exp_store_db(exp_store *s);

/* ---- daily tables (tables.c) ---------------------------------------------------------- */

/* A replication's whole result (daily tables, station tables, metrics, bottleneck) as one
 * blob: a header of counts and struct sizes, the names, then the doubles exactly as they are
 * in memory, so that unpacking gives back the same bits. A blob of another build (other
 * struct sizes) or a damaged one is refused by unpack (AF_IO). */
af_status exp_tables_pack(const struct af_result *r, af_buf *out, af_error *err);
af_status exp_tables_unpack(const unsigned char *blob, size_t len, struct af_result **out,
                            af_error *err);

/* The diagnostics of a scenario that failed to load, as the compiler-style text
 * af_diagnostics_print gives, into err (model_bridge.c). */
struct af_diagnostics;
void exp_diags_to_error(struct af_diagnostics *d, af_status st, af_error *err);

/* The run kind's export (run.c): daily.csv, stations.csv and summary.json from the store. */
af_status exp_export_run(exp_store *s, const char *dir, af_error *err);
/* A comparison's A and B as runs, into dir/A and dir/B (daily.csv, stations.csv,
 * summary.json each), from the tables its jobs kept; nothing when they kept none. */
af_status exp_export_compare_runs(exp_store *s, const char *dir, size_t replications,
                                  af_error *err);

/* ---- exports (export.c) ------------------------------------------------------------------- */

/* Writes the files of a complete experiment from its store: by the store's kind, sweep.csv or
 * compare.csv or target.csv, and replications.csv and provenance.json. The long tables are
 * made on `threads` threads (the bytes do not depend on how many). */
af_status exp_export(exp_store *s, const char *dir, unsigned threads, af_error *err);

/* v as af_buf_num(b, v, "") writes it: "" for NaN and the infinities, else af_fmt_num (which
 * writes whole numbers, half the values, without printf). num has room for AF_NUM_SIZE. */
void exp_num_text(char *num, double v);

/* metrics.csv (every kind: each replication's metrics in long form, with run_id, entity,
 * measure, category, region and unit) and, when factors were varied, points.csv. */
af_status exp_export_tidy(exp_store *s, const char *dir, unsigned threads, af_error *err);

/* The threads an export after a run of jobs with these options may use: the jobs' threads,
 * and under MPI as many as there are ranks (idle by then), no more than the cores. */
unsigned exp_export_threads(const af_exp_options *o);

/* sensitivity.csv and summary.json of a sensitivity from its store (sensitivity.c). */
af_status exp_export_sensitivity(exp_store *s, const char *dir, af_error *err);
/* The compare table from the store. */
af_status exp_compare_table(exp_store *s, af_compare_result *res, af_error *err);
/* The target curve from the store, sorted by value. */
af_status exp_target_curve(exp_store *s, const af_goal *goals, size_t n_goals, double level,
                           af_target_step **steps, size_t *n, af_error *err);
bool exp_goal_meets(const af_goal *g, const af_summary *st);
/* Fills t's per-goal statistics (and the first goal's in t->mean...) from a point's data and
 * sets t->meets when every goal holds. Returns the first goal's metric the data lacks (that
 * goal then does not hold), or NULL. */
const char *exp_step_judge(af_target_step *t, const exp_point_data *d, const af_goal *goals,
                           size_t n_goals, double level);
/* Parses the goals of a store's "goal" text ("G1; G2"); at most `cap`. */
af_status exp_goals_parse(const char *text, af_goal *goals, size_t cap, size_t *n,
                          af_error *err);

/* ---- the runner (runner.c) ---------------------------------------------------------------- */

/* Runs the jobs point * replications + rep of the points [first, first + n) that are not in
 * the store (and belong to the shard), committing each as it finishes. */
typedef struct exp_run {
    const af_exp_model *model;
    const af_exp_options *opts;
    exp_store *store;
    exp_point *points; /* the experiment's points, indexed by point number */
    size_t first, n;
    unsigned replications;
    uint64_t seed;
    bool tables;         /* keep each job's daily tables (the run kind) */
    bool tables_optional; /* ...when the model keeps them (compare: a toy model has none) */
    size_t earlier;      /* jobs this experiment already ran in earlier runs of this call,
                            counted against opts->stop_after */
    size_t ran, resumed; /* out */
} exp_run;

af_status exp_run_jobs(exp_run *run, af_error *err);
/* After a job's replicate: when the tables are wanted, packs the result the model handed
 * over into r->tables and frees it (a model that handed none fails the job, unless they are
 * optional: then the job has none). Returns r->status. Used by the workers and by the MPI
 * servers. */
af_status exp_job_take_tables(exp_job_result *r, bool wanted, bool optional);

/* Every online processor. */
unsigned exp_default_jobs(void);

/* ---- MPI (mpi.c) -------------------------------------------------------------------------- */

int exp_mpi_size(void); /* 1 without MPI */

/* Rank 0's side of a run with other ranks: hands jobs to them as they ask and receives their
 * results. The runner calls these from its coordinating thread only. */
typedef struct exp_mpi_job {
    uint64_t job;
    size_t point;
    unsigned replication;
    uint64_t seed;
    bool tables;      /* the rank sends the job's packed daily tables back too */
    bool tables_optional; /* ...when the model kept them */
    const exp_point *p;
} exp_mpi_job;
/* Free remote slots: over the ranks that said hello, `depth` less the jobs each has in hand
 * (a rank given a second job while it runs one finds it waiting when it finishes). */
size_t exp_mpi_idle(unsigned depth);
/* Jobs sent to ranks and not yet back. */
size_t exp_mpi_busy(void);
/* Sends the job to the rank with the fewest jobs in hand (fewer than `depth`). */
af_status exp_mpi_send_job(const exp_mpi_job *job, unsigned depth, af_error *err);
/* A finished job if one has arrived (*r NULL otherwise); *r is malloc'ed. */
af_status exp_mpi_poll(exp_job_result **r, af_error *err);

/* Shared helpers of the drivers (drivers.c). */
af_status exp_prepare_base(const af_exp_model *m, const char *scenario, const char *const *sets,
                           size_t n_sets, af_exp_point_info *info, af_error *err);
void exp_summary_fill(af_exp_summary *s, size_t points, unsigned reps, uint64_t seed,
                      double confidence, const exp_run *run);
void exp_points_free(exp_point *p, size_t n);
/* point->overrides = sets + "path=text" of each factor. */
af_status exp_point_build(exp_point *p, const char *scenario, const char *const *sets,
                          size_t n_sets, const char *const *paths, const char *const *texts,
                          const double *values, size_t n_factors);
char *exp_join_lines(const char *const *s, size_t n);
/* Opens (creating) DIR's store, claims it for the identity, records the session. A store that
 * holds another experiment (of any kind, a run of another scenario, overrides, seed or number
 * of replications included) is AF_INVAL naming --fresh; opts->fresh discards it first. */
af_status exp_open_claim(exp_store **out, const char *dir, const af_exp_options *opts,
                         const char *identity, const char *const *meta, af_error *err);
void exp_point_error(af_error *err, size_t point, const exp_point *p);
/* The identity lines common to every kind. */
void exp_identity_common(af_buf *b, const char *kind, unsigned reps, uint64_t seed,
                         double confidence, const char *const *sets, size_t n_sets);

#endif
