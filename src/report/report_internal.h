/* What the parts of the report share: the inputs as read, the output buffer, and a pool
 * for the arrays the charts are drawn from. */
#ifndef AF_REPORT_INTERNAL_H
#define AF_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"
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

typedef struct rp_ctx {
    af_buf *b;
    rp_pool pool;
    rp_run *runs;          /* run directories, in the order given */
    size_t n_runs;
    rp_compare *compares;  /* compare directories */
    size_t n_compares;
    rp_sweep *sweeps;      /* sweep and target directories */
    size_t n_sweeps;
    int chart_no;          /* for unique element ids */
} rp_ctx;

/* The page around the sections, and the summary at the top. */
void rp_page_open(rp_ctx *cx);
void rp_page_summary(rp_ctx *cx);
void rp_page_close(rp_ctx *cx, const char *const *dirs, size_t n_dirs);

/* Sections of run directories: deliveries, coverage, unmet need, stations, truck fates. */
void rp_run_sections(rp_ctx *cx);

/* Sections of compare, sweep and target directories. */
void rp_experiment_sections(rp_ctx *cx);

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
