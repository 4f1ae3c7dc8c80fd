/* aidflow — the logistics model: one replication of a scenario.
 *
 * af_model_run simulates trucks from origins through inspections, holds, crossings and legs to
 * hubs, and regions consuming from hub stock against their need, for the scenario's warm-up
 * plus horizon. It returns everything a writer or an experiment needs: the daily table per
 * region and category, the daily table per station, and per-run totals as named metrics.
 *
 * A replication is a pure function of (scenario, seed, replication): same inputs, same build,
 * bit-identical result. Nothing is shared between calls, so replications run on threads side
 * by side.
 */
#ifndef AIDFLOW_MODEL_H
#define AIDFLOW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/export.h"
#include "aidflow/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One reported day of one region and one category. Tonnes throughout. */
typedef struct af_daily_cell {
    double trucks_delivered; /* trucks unloaded at the region's hub, apportioned by need share
                                when a hub serves several regions (so it can be fractional) */
    double tonnes_delivered;
    double need_tonnes;      /* population x per-person daily need */
    double consumed_tonnes;  /* min(need, what the hub had), shared by need between regions */
    double unmet_tonnes;     /* need - consumed */
    double stock_tonnes;     /* the region's share of its hub's stock after consumption */
    /* End-to-end times, hours, of the trucks of this category bound for the region's hub
     * (not apportioned: every region of a hub has the hub's figures): from first dispatch to
     * passing a crossing, of the trucks that crossed this day, and from first dispatch to
     * unloading at the hub, of the trucks unloaded this day. Mean and 95th percentile
     * (nearest rank: the ceil(0.95 n)-th smallest); NaN when no truck did. */
    double entry_time_mean_h, entry_time_p95_h;
    double delivery_time_mean_h, delivery_time_p95_h;
    /* The day's counting bases (docs/OUTPUTS.md), of the trucks bound for the region's hub,
     * apportioned like trucks_delivered: inspection services completed, trucks that crossed,
     * offloaded and collected on the Gaza side; and tonnes handed out from the hub (consumed
     * less what came other than by truck). */
    double trucks_inspected, trucks_entered, trucks_offloaded, trucks_collected;
    double tonnes_distributed;
} af_daily_cell;

/* One reported day of one station (inspection, crossing, or a crossing's transfer stage). */
typedef struct af_station_day {
    double arrivals;       /* trucks that arrived (including those blocked upstream) */
    double served;         /* services completed */
    double flagged;        /* trucks flagged for a hold (inspections) */
    double rejected;       /* holds that ended in rejection (inspections) */
    double blocked;        /* arrivals that found the queue full and waited upstream */
    double queue_mean;     /* time-average number waiting */
    double queue_midnight; /* number waiting (and blocked) at the day's end */
    double wait_mean_min;  /* mean queue wait of the trucks that started service that day;
                              NaN if none did */
    double utilisation;    /* busy lane-minutes / (lanes x open minutes); 0 when closed all day */
    double open_hours;     /* hours the station was open that day */
} af_station_day;

/* Where a truck is at a midnight (positions.csv): the states of the journey, by node. */
typedef enum af_position {
    AF_POS_HELD_BACK,          /* at an origin, not in the system: planned since the horizon
                                  began and not dispatched because the yard was full */
    AF_POS_IN_YARD,            /* in its origin's yard: waiting there for its first leg, or
                                  for a place in its first station's queue (at the origin) */
    AF_POS_WAITING_LEG,        /* at a leg's start (at that node): closed, or no convoy slot */
    AF_POS_TRAVELLING,         /* on a leg, at the node it is driving to */
    AF_POS_QUEUED,             /* in a station's queue */
    AF_POS_BLOCKED,            /* before a station whose queue is full, on the road */
    AF_POS_IN_SERVICE,         /* being served (or its service suspended) at a station */
    AF_POS_HELD,               /* held at an inspection after a dual-use flag */
    AF_POS_REPACKING,          /* rejected, being repacked at its origin */
    AF_POS_AWAITING_COLLECTION,/* offloaded on a crossing's Gaza side, not yet collected */
    AF_POS_AWAITING_STORAGE,   /* at its hub, loaded, waiting for room */
    AF_POS_TURNING_BACK,       /* driving back from a closure, at the node it turns back to */
    AF_N_POSITIONS
} af_position;

/* The name of a position state in positions.csv ("in_yard", ...); NULL out of range. */
AF_API const char *af_position_name(int position);

/* The result of one replication. Arrays are owned; free with af_result_free. */
typedef struct af_result {
    uint64_t seed;
    unsigned replication;
    int n_days;          /* reported days (the horizon) */
    size_t n_regions;
    size_t n_categories;
    size_t n_stations;   /* inspections, then crossings, then transfer stages */
    const char **station_names; /* [n_stations], "kerem_shalom" or "kerem_shalom.transfer" */

    /* daily[(day * n_regions + region) * n_categories + category] */
    af_daily_cell *daily;
    /* stations[day * n_stations + station] */
    af_station_day *stations;

    /* Per-run totals as named metrics, in a fixed order for a given scenario. See
     * docs/OUTPUTS.md for the list and meanings. */
    size_t n_metrics;
    const char **metric_names;
    double *metrics;

    /* Where the trucks are at the midnight ending each reported day (the last is the end):
     * positions[(day * n_nodes + node) * AF_N_POSITIONS + state], trucks. NULL when not kept
     * (no daily tables, or tables read back from a store written before positions). */
    size_t n_nodes;
    const char **node_names; /* [n_nodes], the scenario's nodes */
    double *positions;

    size_t bottleneck; /* station index with the highest utilisation while open */
    uint64_t events;   /* engine events run (for benchmarks) */
} af_result;

typedef struct af_model_options {
    bool keep_daily;    /* fill daily[] and stations[] (false: totals only, for big sweeps) */
    /* Called at every midnight with the conservation residuals (tonnes); NULL for none. Tests
     * use it to assert that every tonne is accounted for at every midnight. */
    void (*on_midnight)(void *ctx, int day, double tonnes_residual, double stock_residual);
    void *ctx;
    volatile int *interrupt; /* when not NULL and set non-zero, the run stops: AF_INTERRUPTED */
    /* Window metrics (af_model_window_parse): each is added to the result's metrics under its
     * spec as the name, after the ordinary ones. NULL/0: none (the metrics are as without). */
    const char *const *windows;
    size_t n_windows;
} af_model_options;

/* A figure over a date window: "BASIS@FROM..TO", FROM and TO ISO dates, both days included,
 * e.g. "trucks_per_day.entered@2024-03-01..2024-03-31": the mean per day over the window of
 * the basis, counted as the per-run metric of that name counts it over the horizon. BASIS is
 * one of trucks_per_day.{dispatched,inspected,entered,offloaded,collected,delivered},
 * tonnes_per_day.distributed, need_met.CATEGORY and need_met.CATEGORY.REGION (tonnes consumed
 * over tonnes needed in the window). The window must lie within the reported horizon. */
typedef struct af_model_window {
    char basis[200];
    long from, to;  /* day numbers (days since 1970-01-01), from <= to */
} af_model_window;

/* Parses a window spec; AF_INVAL with what is wrong and what was expected. */
AF_API af_status af_model_window_parse(const char *spec, af_model_window *w, af_error *err);
/* Checks that a window's basis names a category or region of `scn` where it must, and that
 * its days lie within the reported horizon. */
AF_API af_status af_model_window_check(const af_scenario *scn, const af_model_window *w,
                                       af_error *err);

/* Runs replication `replication` of `scn` with `seed`. On success *out is the result. */
AF_API af_status af_model_run(const af_scenario *scn, uint64_t seed, unsigned replication,
                              const af_model_options *opts, af_result **out, af_error *err);
AF_API void af_result_free(af_result *r);

/* Index of a metric by name, or (size_t)-1. */
AF_API size_t af_result_metric(const af_result *r, const char *name);

/* An estimate of the memory (bytes) and engine events one replication needs, from the
 * scenario's sizes and rates, so that a front end can refuse an enormous run before it
 * starts. */
AF_API void af_model_estimate(const af_scenario *scn, double *bytes, double *events);

#ifdef __cplusplus
}
#endif
#endif
