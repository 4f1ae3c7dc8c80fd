/* aidflow — experiments: sweeps, paired comparisons and targets over many replications.
 *
 * An experiment is a set of jobs, each one replication of one design point. A design point is
 * a scenario loaded with extra "path=value" overrides (the --set mechanism of scenario.h).
 * Jobs run on a pool of threads (or MPI ranks); each job's random numbers depend only on
 * (seed, replication), never on the design point or on which thread ran it, so
 *   - results are the same whatever the number of threads or ranks, and
 *   - replication r of every design point shares its random numbers with replication r of
 *     every other point (common random numbers): differences between points are paired.
 *
 * The kinds are run (the replications of one scenario, with their daily tables), sweep,
 * compare and target. All share one runner, one store and one export path, so each can be
 * resumed, sharded (--shard I/K, then af_exp_merge) and spread over MPI ranks.
 *
 * Every finished job is committed at once to a SQLite store, DIR/results.sqlite, in its own
 * transaction. Running the same experiment again on the same DIR finds the finished jobs and
 * runs only the others; the output files (CSV, JSON) are exported from the store at the end,
 * so an interrupted and resumed experiment ends with the same bytes as an uninterrupted one.
 * docs/OUTPUTS.md describes the files.
 *
 * The library never prints and never exits: progress goes to a callback, errors to af_error.
 * What the model is comes in through af_exp_model, so the machinery can be driven by the
 * logistics model (af_exp_model_scenario) or by any toy model in a test.
 */
#ifndef AIDFLOW_EXPERIMENT_H
#define AIDFLOW_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- designs ------------------------------------------------------------------------------ */

/* A design: factors (the varied scenario paths) and the design points (one value per factor).
 *
 * A factor is written "PATH=VALUES" where VALUES is
 *   - a list            2,4,6        (items are kept as written; they need not be numbers)
 *   - a range           2:12:2       (LO:HI:STEP, HI included when a step lands on it)
 *   - a single value    6
 *   - a bare range      0.1:0.5      (LO:HI; only in a Latin hypercube, which samples it)
 * `design` is NULL or "grid" for the full grid (the first factor varies slowest), or "lhs:N"
 * for a Latin hypercube of N points: each factor's range is cut into N equal strata and each
 * stratum is used by exactly one point; a range with a step snaps the sampled value to the
 * step's grid, a list picks the item whose share of [0, 1) holds the sample. The hypercube is
 * drawn from a GSL generator seeded from `seed`, so the same seed gives the same design.
 * Mistakes (no '=', an empty list, a step <= 0, HI < LO, a path given twice, ...) are
 * AF_INVAL with a message that quotes the specification. */
typedef struct af_design af_design;

AF_API af_status af_design_create(af_design **out, const char *const *vary, size_t n_vary,
                                  const char *design, uint64_t seed, af_error *err);
AF_API void af_design_free(af_design *d);
AF_API size_t af_design_n_factors(const af_design *d);
AF_API const char *af_design_path(const af_design *d, size_t factor);
AF_API size_t af_design_n_points(const af_design *d);
/* The value of a factor at a point as it goes into the override ("6", "0.25", "fcfs"). */
AF_API const char *af_design_text(const af_design *d, size_t point, size_t factor);
/* The same as a number; NaN when the text is not one. */
AF_API double af_design_value(const af_design *d, size_t point, size_t factor);
/* The documented unit of a bare number at scenario PATH, from the scenario's key tables: "min"
 * for inspections.NAME.service.lognormal.mean, "trucks/d" for a daily cap, "" for a plain
 * number (lanes) or a path the tables do not know. */
AF_API const char *af_design_path_unit(const char *path);
/* A value of PATH as written ("40 min", "0.5 h", "40") as a number in the path's documented
 * unit (40, 30, 40); NaN when the text is not a number or a quantity of the path's kind. */
AF_API double af_design_path_number(const char *path, const char *text);
/* A canonical one-line description ("grid; a=2,4,6; b=0.1,0.2"), used to recognise the same
 * experiment when a run is resumed. */
AF_API const char *af_design_describe(const af_design *d);

/* ---- the model an experiment drives -------------------------------------------------------- */

/* Where a replication puts its results: named metrics, in an order that is the same for every
 * replication of a point. Names are copied. */
typedef struct af_exp_metrics af_exp_metrics;
AF_API af_status af_exp_metrics_add(af_exp_metrics *m, const char *name, double value);

/* The run kind (af_run_experiment) keeps every replication's daily tables, not only its
 * metrics. Its replicate calls find af_exp_metrics_wants_result true; a model that has such
 * tables then runs with them and hands the whole result over with af_exp_metrics_keep_result
 * (besides adding the metrics as always). Ownership passes to the experiment, also when the
 * call fails (AF_INVAL for NULL or a result without daily tables, AF_NOMEM). Models without
 * daily tables (the toy models of the tests) ignore both; a run on them fails with AF_INVAL. */
struct af_result;
AF_API bool af_exp_metrics_wants_result(const af_exp_metrics *m);
AF_API af_status af_exp_metrics_keep_result(af_exp_metrics *m, struct af_result *r);

/* What preparing a point says about it. The seed, replications and confidence of the base
 * scenario are the defaults of an experiment. */
typedef struct af_exp_point_info {
    uint64_t hash;         /* fingerprint of the resolved point (af_scenario_hash) */
    uint64_t seed;
    unsigned replications;
    double confidence;     /* level of the confidence intervals, e.g. 0.95 */
} af_exp_point_info;

/* A model: prepare turns (scenario file, overrides) into a point handle, replicate runs one
 * replication of a point. Both are called from worker threads at the same time, with the
 * same ctx: they must not share mutable state. A point handle is shared (read-only) by the
 * threads that run its replications. When prepare fails because of the input it returns
 * AF_PARSE or AF_INVAL with the reason (the diagnostics) in err. */
typedef struct af_exp_model {
    af_status (*prepare)(void *ctx, const char *scenario, const char *const *overrides,
                         size_t n_overrides, void **point, af_exp_point_info *info,
                         af_error *err);
    void (*release)(void *ctx, void *point);
    af_status (*replicate)(void *ctx, const void *point, uint64_t seed, unsigned replication,
                           af_exp_metrics *out, af_error *err);
    void (*destroy)(void *ctx); /* may be NULL */
    void *ctx;
} af_exp_model;

/* The logistics model: af_scenario_load + af_model_run (totals only, or with the daily tables
 * when the experiment wants them, see above). A replication stops with
 * AF_INTERRUPTED as soon as *interrupt becomes non-zero (NULL: never). */
AF_API af_status af_exp_model_scenario(af_exp_model *m, volatile int *interrupt, af_error *err);
/* Turns on the model's conservation check at every midnight for the logistics model `m` (made
 * by af_exp_model_scenario): a replication in which, at some midnight, more than `tolerance`
 * times the tonnes it dispatched (at least 1 t) are not accounted for (on trucks, in stock,
 * delivered, consumed or lost) fails with AF_INVAL, the worst day, the replication and the
 * residuals in err. A negative tolerance fails every check (for tests of the failure). */
AF_API void af_exp_model_check_conservation(af_exp_model *m, double tolerance);
AF_API void af_exp_model_destroy(af_exp_model *m);

/* ---- running ------------------------------------------------------------------------------- */

typedef struct af_exp_progress {
    size_t done;    /* jobs finished, those found in the store included */
    size_t total;   /* jobs of this run (of this shard) */
    size_t resumed; /* jobs that were already in the store when the run started */
    double elapsed; /* seconds since the run started */
    bool finished;  /* the last report of the run */
} af_exp_progress;

typedef struct af_exp_options {
    unsigned jobs;            /* worker threads; 0 = every online processor */
    unsigned shard, shards;   /* run only the jobs with index % shards == shard; shards <= 1: all */
    bool fresh;               /* discard an existing store in the output directory first */
    volatile int *interrupt;  /* when set non-zero (by a signal handler), stop taking jobs; the
                                 run returns AF_INTERRUPTED with all finished jobs stored */
    size_t stop_after;        /* for tests: stop (AF_INTERRUPTED) after storing this many new
                                 jobs; 0 = no limit */
    void (*progress)(void *ctx, const af_exp_progress *p); /* called from the calling thread */
    void *progress_ctx;
    const char *command;      /* the command line, for provenance (without --jobs, --out, ...) */
} af_exp_options;

AF_API void af_exp_options_init(af_exp_options *o);

/* What a run did. */
typedef struct af_exp_summary {
    size_t points;
    size_t jobs;        /* jobs of the experiment (all shards) */
    size_t ran;         /* jobs run now */
    size_t resumed;     /* jobs found in the store */
    uint64_t seed;
    unsigned replications;
    double confidence;
    bool exported;      /* the output files were written (a complete, unsharded experiment) */
} af_exp_summary;

/* ---- run ---------------------------------------------------------------------------------- */

/* The replications of one scenario: `aidflow run`. */
typedef struct af_run_config {
    const char *scenario;          /* the scenario file */
    const char *const *sets;       /* "path=value" overrides */
    size_t n_sets;
    unsigned replications;         /* 0: the scenario's */
    bool has_seed;                 /* otherwise the scenario's seed */
    uint64_t seed;
    const char *out_dir;
} af_run_config;

typedef struct af_run_result {
    af_exp_summary summary;
    size_t n;                      /* replications in `results` (0 unless summary.exported) */
    struct af_result **results;    /* [n], replication i at i, with its daily tables */
} af_run_result;

/* Runs every replication of the scenario that is not in OUT/results.sqlite yet, each kept
 * with its daily tables as it finishes, then writes daily.csv, stations.csv and summary.json
 * to OUT (docs/OUTPUTS.md) from the store. Interrupted (opts->interrupt, opts->stop_after):
 * AF_INTERRUPTED, every finished replication kept, and the same call again runs only the
 * others and writes the same bytes as an uninterrupted run. A shard (opts->shards > 1) runs
 * its replications and exports only when the directory then holds all of them; af_exp_merge
 * joins shards' stores. A store of another experiment (an earlier run of another scenario,
 * overrides, seed or number of replications, or any other kind) is refused, AF_INVAL naming
 * --fresh, and the folder is left as it was; opts->fresh discards it. The model must
 * hand back its daily tables (af_exp_model_scenario does). On success and on AF_INTERRUPTED
 * *out (out may be NULL) holds the summary and, when exported, the results; free it with
 * af_run_free. */
AF_API af_status af_run_experiment(const af_run_config *cfg, const af_exp_model *model,
                                   const af_exp_options *opts, af_run_result **out,
                                   af_error *err);
AF_API void af_run_free(af_run_result *r);

/* ---- sweep --------------------------------------------------------------------------------- */

typedef struct af_sweep_config {
    const char *scenario;          /* the base scenario file */
    const char *const *sets;       /* overrides applied to every point */
    size_t n_sets;
    const char *const *vary;       /* "PATH=VALUES", see af_design_create */
    size_t n_vary;
    const char *design;            /* NULL or "grid", "lhs:N" */
    unsigned replications;         /* 0: the scenario's */
    bool has_seed;                 /* otherwise the scenario's seed */
    uint64_t seed;
    const char *out_dir;
} af_sweep_config;

/* Runs every replication of every design point that is not in OUT/results.sqlite yet, then
 * writes sweep.csv, replications.csv and provenance.json to OUT. AF_INVAL when the store holds
 * another experiment (opts->fresh discards it). */
AF_API af_status af_sweep_run(const af_sweep_config *cfg, const af_exp_model *model,
                              const af_exp_options *opts, af_exp_summary *summary,
                              af_error *err);

/* ---- sensitivity ---------------------------------------------------------------------------- */

/* Screening of a scenario's marked assumptions (af_scn_assumption) by Morris elementary
 * effects: `aidflow sensitivity`. */
typedef struct af_sensitivity_config {
    const char *scenario;          /* the base scenario file */
    const char *const *sets;       /* overrides applied to every point */
    size_t n_sets;
    const char *const *only;       /* the assumption paths to screen; none: every one */
    size_t n_only;
    const char *const *outputs;    /* the metrics to rank by; none: need_met.CATEGORY.REGION
                                      and trucks_per_day.BASIS */
    size_t n_outputs;
    unsigned trajectories;         /* r; 0: 10 */
    unsigned levels;               /* p, even; 0: 4 */
    unsigned replications;         /* per point; 0: the scenario's */
    bool has_seed;                 /* otherwise the scenario's seed (also the design's) */
    uint64_t seed;
    const char *out_dir;
} af_sensitivity_config;

/* Runs the r (k + 1) points of a Morris design over the k assumptions' ranges (every point on
 * the same replications and seeds: common random numbers), like a sweep: stored job by job,
 * resumed, sharded and merged, under MPI. Then writes sensitivity.csv (per output, every
 * assumption ranked by mu* with a bootstrap interval, mu and sigma) and summary.json besides
 * the sweep's files (sweep.csv, replications.csv, metrics.csv, points.csv, provenance.json).
 * The outputs are not part of the experiment's identity: the same command with other
 * --outputs re-ranks the stored runs. AF_INVAL when the scenario marks no assumption, an
 * --only path is not one, or an output is not a metric the model reports. */
AF_API af_status af_sensitivity_run(const af_sensitivity_config *cfg, const af_exp_model *model,
                                    const af_exp_options *opts, af_exp_summary *summary,
                                    af_error *err);

/* ---- compare ------------------------------------------------------------------------------- */

typedef struct af_compare_config {
    const char *a;
    const char *b;
    const char *const *sets;       /* overrides applied to both */
    size_t n_sets;
    unsigned replications;         /* 0: A's */
    bool has_seed;                 /* otherwise A's seed */
    uint64_t seed;
    const char *out_dir;
} af_compare_config;

/* One metric compared: the paired difference B - A over replications. */
typedef struct af_compare_row {
    const char *metric;
    double mean_a, ci_low_a, ci_high_a; /* A alone, with its interval (NaN with n < 2) */
    double mean_b, ci_low_b, ci_high_b;
    double diff, sd, ci_low, ci_high; /* of B - A; sd and the interval NaN with n < 2 */
    size_t n;
    int significant;                  /* 1 when the interval excludes 0, 0 when not, -1 n < 2 */
    bool headline;                    /* not a per-station metric */
    char only;                        /* 'A' or 'B' when only that scenario reports the metric
                                         (the other side's figures and the difference NaN,
                                         n 0); 0 when both do */
} af_compare_row;

typedef struct af_compare_result {
    double confidence;
    size_t n_rows;
    af_compare_row *rows;             /* every metric either scenario reports: A's in A's
                                         order, then those only B has, in B's order */
    af_exp_summary summary;
} af_compare_result;

/* Runs A and B on common random numbers and writes compare.csv, replications.csv and
 * provenance.json to OUT. On success *out holds the table (free with af_compare_free). */
AF_API af_status af_compare_run(const af_compare_config *cfg, const af_exp_model *model,
                                const af_exp_options *opts, af_compare_result **out,
                                af_error *err);
AF_API void af_compare_free(af_compare_result *r);

/* ---- target -------------------------------------------------------------------------------- */

typedef enum af_goal_op { AF_GOAL_GE, AF_GOAL_GT, AF_GOAL_LE, AF_GOAL_LT } af_goal_op;

typedef struct af_goal {
    char metric[256];
    af_goal_op op;
    double threshold; /* as a fraction when written in percent: "90%" is 0.9 */
    bool percent;     /* written "90%" */
    double written;   /* the number as written (90 for "90%") */
} af_goal;

/* Parses "coverage.food >= 0.95" or "coverage.food >= 95%" (operators >=, >, <=, <). */
AF_API af_status af_goal_parse(const char *text, af_goal *goal, af_error *err);
AF_API const char *af_goal_op_text(af_goal_op op);
/* The goal in canonical form ("coverage.food >= 0.95", "coverage.food >= 95%"), numbers in
 * the shortest form that reads back exactly; parsing it gives the same goal. */
AF_API void af_goal_text(const af_goal *goal, char *buf, size_t size);

/* The most goals a target takes at once. */
#define AF_TARGET_MAX_GOALS 32

/* One goal at one evaluated value. */
typedef struct af_target_goal_value {
    double mean, sd, ci_low, ci_high;
    size_t n;
    bool meets;         /* the goal holds at the interval's bound on the safe side */
} af_target_goal_value;

/* One evaluated value of the parameter. */
typedef struct af_target_step {
    double value;
    char text[64];      /* the value as passed in the override */
    size_t order;       /* 0-based order of evaluation */
    double mean, sd, ci_low, ci_high; /* of the first goal's metric */
    size_t n;
    bool meets;         /* every goal holds at its interval's bound on the safe side */
    size_t n_goals;
    af_target_goal_value goals[AF_TARGET_MAX_GOALS]; /* per goal, in the order given */
} af_target_step;

/* Which end of the range a target looks for. AUTO: found from the two ends (the end that
 * meets the goals is the good side; when both or neither do, from the first goal's trend). */
typedef enum af_target_direction {
    AF_TARGET_AUTO,
    AF_TARGET_SMALLEST, /* the goals, once met, stay met for larger values */
    AF_TARGET_LARGEST   /* the goals, once met, stay met for smaller values */
} af_target_direction;

typedef struct af_target_config {
    const char *scenario;
    const char *const *sets;
    size_t n_sets;
    const char *vary;              /* "PATH=LO:HI" */
    const char *goal;              /* "METRIC OP VALUE" (used when n_goals is 0) */
    const char *const *goals;      /* several goals, all of which must hold */
    size_t n_goals;
    af_target_direction direction;
    bool integer;                  /* bisect on integers */
    double tolerance;              /* stop when HI - LO <= tolerance; 0: (HI - LO) / 100 */
    unsigned replications;         /* 0: the scenario's (at least 2 are needed) */
    bool has_seed;
    uint64_t seed;
    const char *out_dir;
    /* Called after each evaluation, in order (NULL for none). */
    void (*on_step)(void *ctx, const af_target_step *step);
    void *step_ctx;
} af_target_config;

typedef struct af_target_result {
    bool found;            /* the goals are met somewhere in [LO, HI] */
    af_target_step answer; /* the smallest (largest) value found that meets them (when found) */
    bool lower_bound;      /* the first goal was judged on the interval's lower bound (>=, >) */
    bool largest;          /* the answer is the largest value meeting the goals */
    bool whole_range;      /* both ends meet the goals */
    af_goal goal;          /* the first goal */
    size_t n_goals;
    af_goal goals[AF_TARGET_MAX_GOALS];
    char path[256];
    double lo, hi;
    double confidence;
    size_t n_steps;
    af_target_step *steps; /* every evaluation, by increasing value */
    af_exp_summary summary;
} af_target_result;

/* Finds the smallest (or the largest) value in [LO, HI] at which every goal holds with the
 * scenario's confidence: each goal is judged on the safe side of its interval (the lower bound
 * for >= and >, the upper bound for <= and <). The direction is the config's, or, for AUTO,
 * found by evaluating both ends first: when HI meets the goals and LO does not, the smallest;
 * when LO does and HI does not, the largest. Bisection on replicated runs, all stored; writes
 * target.csv, replications.csv and provenance.json to OUT.
 * Before anything runs or the store is touched, the goals are parsed and one replication of
 * the base scenario is run to check that the model reports every goal's metric: an unknown
 * metric is AF_INVAL naming the closest metrics it has, and leaves OUT as it was. */
AF_API af_status af_target_run(const af_target_config *cfg, const af_exp_model *model,
                               const af_exp_options *opts, af_target_result **out,
                               af_error *err);
AF_API void af_target_free(af_target_result *r);

/* ---- stores -------------------------------------------------------------------------------- */

/* Merges the stores of shards (each DIR/results.sqlite) of one experiment (of any kind) into
 * OUT/results.sqlite and, when together they hold every job, exports OUT's files as the
 * unsharded run would. AF_INVAL when the stores hold different experiments. */
AF_API af_status af_exp_merge(const char *out_dir, const char *const *dirs, size_t n_dirs,
                              af_exp_summary *summary, af_error *err);

/* ---- MPI ----------------------------------------------------------------------------------- */

/* True when the library was built with MPI (meson -Dmpi=enabled). */
AF_API bool af_exp_mpi_built(void);
/* Starts MPI when the process was launched by mpirun/mpiexec (nothing otherwise) and gives
 * this process's rank and the number of ranks (0 and 1 without MPI). Call once, early. */
AF_API af_status af_exp_mpi_init(int *argc, char ***argv, int *rank, int *size, af_error *err);
/* On ranks other than 0: runs the jobs rank 0 sends until it says stop. */
AF_API af_status af_exp_mpi_serve(const af_exp_model *model, af_error *err);
/* On rank 0: tells the other ranks to stop (harmless when already told). Then, on every rank,
 * shuts MPI down. Call on every exit path after af_exp_mpi_init. */
AF_API void af_exp_mpi_finalize(void);

#ifdef __cplusplus
}
#endif
#endif
