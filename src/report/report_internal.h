/* What the parts of the report share: the inputs as read, the output buffer, and a pool
 * for the arrays the charts are drawn from. */
#ifndef AF_REPORT_INTERNAL_H
#define AF_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"
#include "report/calibration.h"
#include "report/escape.h"
#include "report/format.h"
#include "report/experiments.h"
#include "report/run.h"

/* Allocations that live until the report is written; freed together. */
typedef struct rp_pool {
    void **p;
    size_t n, cap;
    bool nomem;
} rp_pool;

/* Zeroed memory for n items of size bytes, or NULL (and pool->nomem) on failure. */
void *rp_alloc(rp_pool *pool, size_t n, size_t size);
void rp_pool_free(rp_pool *pool);

/* sensitivity.csv of a sensitivity folder (sensitivity.c): rows in the file's order (per
 * output, by rank). */
typedef struct rp_sens {
    char *dir;
    size_t n;
    char **assumption, **output;
    double *mu_star, *lo, *hi;
    long *rank;
} rp_sens;

typedef struct rp_ctx {
    af_buf *b;
    rp_pool pool;
    rp_run *runs;          /* run directories, in the order given */
    size_t n_runs;
    rp_compare *compares;  /* compare directories */
    size_t n_compares;
    rp_sweep *sweeps;      /* sweep and target directories */
    size_t n_sweeps;
    rp_sens *sens;         /* sensitivity directories */
    size_t n_sens;
    rp_calibration *calibrations; /* calibration directories */
    size_t n_calibrations;
    int chart_no;          /* for unique element ids */
    struct rp_analysis *analysis; /* [n_runs], from rp_analyse */
} rp_ctx;

/* A station over the horizon (means per day over the days and the replications). */
typedef struct rp_station_stats {
    const char *station;       /* its name in stations.csv */
    long node;                 /* its node in the run's network, -1 if unknown */
    bool transfer;             /* a crossing's transfer stage */
    double arrivals, served, rejected, blocked; /* per day */
    double queue;              /* time-average number in the queue */
    double waiting;            /* waiting at midnight, queue plus blocked upstream */
    double upstream;           /* of those, beyond the queue limit (0 without one) */
    double wait_min;           /* mean wait, minutes */
    double util_open;          /* mean utilisation over the days it was open */
    double queue_limit, daily_cap; /* NaN: none */
    int days, closed_days;
    int bound_days;            /* trucks waiting while it worked at >= 90% or served its cap */
    int cap_days;              /* of those, at its daily cap */
    int longest;               /* the longest stretch of such days */
    int first_bound, last_bound; /* day indices, -1 if none */
} rp_station_stats;

typedef struct rp_analysis {
    rp_station_stats *stations; /* [n_stations], the order of stations.csv */
    size_t n_stations;
    long binding;               /* the station that held trucks back on the most days, -1 none */
    double *leg_flow;           /* [run's n_legs]: trucks a day started, NaN unknown; NULL without a network */
} rp_analysis;

/* Reduces a run's station tables (memory from the pool). */
void rp_analyse(rp_ctx *cx, const rp_run *r, rp_analysis *a);
long rp_node_find(const rp_run *r, const char *name);
/* The largest waiting (and, in *util, utilisation while open) of a node's stations; NaN none. */
double rp_node_waiting(const rp_analysis *a, long node, double *util);

/* The answer at the top of a report of runs: the paragraph, then the need-met table. */
void rp_answer_section(rp_ctx *cx);
/* The network diagram of the runs (one run: its network; two: the difference B - A). */
void rp_network_section(rp_ctx *cx);

/* The page around the sections, and the summary at the top. */
void rp_page_open(rp_ctx *cx);
void rp_page_summary(rp_ctx *cx);
void rp_page_close(rp_ctx *cx, const char *const *dirs, size_t n_dirs);

/* Sections of run directories: deliveries, coverage, unmet need, stations, truck fates. */
void rp_run_sections(rp_ctx *cx);

/* Sections of compare, sweep and target directories. */
void rp_experiment_sections(rp_ctx *cx);

af_status rp_sens_load(rp_sens *s, const char *dir, af_error *err);
void rp_sens_free(rp_sens *s);
/* A section per sensitivity directory. */
void rp_sens_sections(rp_ctx *cx);

/* Opens <figure> with an id of the form PREFIX-N and writes it into id (size >= 32). */
void rp_figure_open(rp_ctx *cx, const char *prefix, char *id, size_t size);
/* Closes the figure with a caption (plain text, escaped; NULL for none). */
void rp_figure_close(rp_ctx *cx, const char *caption);

/* How a number in a table reads: a count or amount, a share as a percentage, a difference of
 * shares in percentage points; RP_SIGNED adds "+" to positive means (for differences). */
enum { RP_NUM = 0, RP_PCT = 1, RP_PP = 2, RP_SIGNED = 8 };
/* A metric as "mean (low–high)" in a table cell, the bounds written like the mean; negative
 * numbers with a true minus sign, and "to" between bounds when one is negative. */
void rp_cell_metric(af_buf *b, double mean, double lo, double hi, int unit);

#endif
