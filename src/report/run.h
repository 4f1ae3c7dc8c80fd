/* The output of `aidflow run` read back: summary.json, daily.csv and stations.csv of one
 * directory, reduced to what the report draws (means and intervals per day across
 * replications). See docs/OUTPUTS.md for the formats.
 */
#ifndef AF_REPORT_RUN_H
#define AF_REPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"
#include "aidflow/stats.h"
#include "report/json.h"
#include "report/series.h"

/* Names in the order first seen, found by linear search (a scenario has tens, not thousands). */
typedef struct rp_names {
    char **v;
    size_t n, cap;
    size_t last;  /* the index found last: rows repeat names in runs */
    size_t *slot; /* open addressing over v: index + 1, 0 for empty, so finding is O(1) */
    size_t n_slots;
} rp_names;

/* The index of `s`, added if new; -1 on out of memory or past `limit` names. */
long rp_names_intern(rp_names *names, const char *s, size_t limit);
long rp_names_find(const rp_names *names, const char *s);
void rp_names_free(rp_names *names);

/* Series keys (see rp_key). */
enum {
    RP_K_DELIV_CAT = 1, /* tonnes delivered, category a, summed over regions */
    RP_K_NEED_CAT,      /* tonnes needed, category a */
    RP_K_COV_REGION,    /* delivered / needed, all categories, region a */
    RP_K_UNMET_RC,      /* cumulative unmet tonnes, region a, category b */
    RP_K_DELIV_ALL,     /* all categories and regions */
    RP_K_NEED_ALL,
    RP_K_MET_RC,        /* day index 0 only: consumed / need over the horizon, region a, category b */
    RP_K_DELIV_REGION,  /* tonnes delivered, region a, all categories */
    RP_K_QUEUE = 20,    /* time-average queue, station a */
    RP_K_QMID,          /* queue at midnight */
    RP_K_WAIT,          /* mean wait, minutes */
    RP_K_CLOSED,        /* 1 if the station was closed all day (open_hours == 0) */
    RP_K_UTIL,          /* utilisation */
    RP_K_ARRIVALS,      /* trucks arriving, station a */
    RP_K_SERVED,        /* services completed */
    RP_K_REJECTED,      /* holds ended in rejection */
    RP_K_BLOCKED,       /* arrivals that found the queue full */
    RP_K_OPEN,          /* open hours */
    RP_K_HUB_TRUCKS = 40, /* trucks delivered, region a (daily.csv) */
};

/* A node of summary.json's "network" (docs/OUTPUTS.md); strings point into the JSON tree. */
typedef struct rp_node {
    const char *name, *kind, *area;
    double lanes, queue_limit, daily_cap; /* NaN when absent or null */
    const rp_json *serves;                /* hubs: array of region names, or NULL */
} rp_node;

typedef struct rp_leg {
    long from, to;                        /* node indices */
    double capacity;                      /* trucks a day, NaN: unlimited */
    double loss;                          /* probability a truck is lost on it (0 if absent) */
} rp_leg;

typedef struct rp_event {
    const char *station, *from, *to, *kind; /* dates "YYYY-MM-DD[ HH:MM]" */
} rp_event;

typedef struct rp_run {
    char *dir;
    char *label;              /* for legends: the scenario's name, or the directory's */

    rp_json *summary;         /* NULL when the directory has no summary.json */
    const char *name, *file, *description, *hash, *version, *command, *start;
    const rp_json *sources;   /* array of strings, or NULL */
    const rp_json *metrics;   /* object: name -> {mean, sd, ci_low, ci_high, n} */
    const rp_json *category_info; /* array of {name, daily_need_t_per_person, ...}, or NULL */
    const char *bottleneck;
    double bottleneck_times;
    /* summary.json's "binding" (the model's binding constraint): has_binding false in older
     * files; binding_name NULL when nothing bound. */
    bool has_binding;
    const char *binding_kind, *binding_name;
    double binding_share, binding_none_share;
    double seed, replications, confidence, horizon_days, warmup_days, coverage_target;

    char *run_id;             /* the tables' run_id (HASH-SEED), NULL when they have none */

    bool has_daily;
    bool has_consumed;        /* daily.csv has consumed_tonnes (need met) */
    long daily_reps;          /* replications found in daily.csv */
    rp_names regions, categories;
    rp_set daily;
    char **dates;             /* [n_dates]: the ISO date of each day index, or NULL */
    int n_dates;
    double *per_person;       /* [categories.n]: tonnes per person per day, NaN if unknown */

    size_t n_nodes, n_legs, n_events;
    rp_node *nodes;           /* from "network"; NULL when summary.json has none */
    rp_leg *legs;
    rp_event *events;

    bool has_stations;
    long station_reps;
    bool has_open_hours;
    bool has_qmid;            /* stations.csv has queue_midnight (queue plus blocked) */
    rp_names stations;
    rp_set st;
} rp_run;

/* Reads what the directory holds. A missing file leaves its part empty; a malformed one is an
 * AF_PARSE error naming file:line. */
af_status rp_run_load(rp_run *run, const char *dir, af_error *err);
void rp_run_free(rp_run *run);

/* A metric of summary.json: false if absent. ci_low/ci_high are NaN when the interval is null,
 * n is 0 when absent. */
bool rp_run_metric(const rp_run *run, const char *name, af_summary *out);

bool rp_file_exists(const char *path);

#endif
