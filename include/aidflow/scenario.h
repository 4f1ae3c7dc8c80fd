/* aidflow — scenarios: loading, checking and writing the YAML language of scenarios/README.md.
 *
 * A scenario is loaded from a file (following its `extends:` chain), `--set` overrides are
 * applied, and the result is checked and resolved into an af_scenario: plain typed structs in
 * which every name is interned and every reference is an integer index. The model reads it
 * directly; nothing in it changes after loading.
 *
 * Units in the resolved scenario, whatever the file wrote:
 *   times and durations      minutes (double); distributions of durations sample minutes
 *   dates                    whole days since the start date (int; negative = before start)
 *   dated instants           minutes since midnight of the start date (double)
 *   rates                    per day (trucks per day, closures per day, tonnes per day)
 *   masses                   tonnes
 *   probabilities            in [0, 1]
 *
 * Mistakes in a file are not reported through af_error: they are collected in an
 * af_diagnostics (all of them, up to a limit), each with file, line, column and the text of
 * the source line, so that a caller can print `file:line:col: error: ...` with a caret.
 */
#ifndef AIDFLOW_SCENARIO_H
#define AIDFLOW_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aidflow/error.h"
#include "aidflow/export.h"
#include "aidflow/random.h"
#include "aidflow/station.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- diagnostics ------------------------------------------------------------------------ */

typedef enum af_diag_severity {
    AF_DIAG_ERROR,
    AF_DIAG_WARNING,
    AF_DIAG_NOTE /* more about the error before it ("the list started here") */
} af_diag_severity;

typedef struct af_diagnostic {
    af_diag_severity severity;
    const char *file;        /* "" when unknown; "<--set>" for a command-line override */
    int line;                /* 1-based; 0 when unknown */
    int column;              /* 1-based; 0 when unknown */
    const char *message;
    const char *source_line; /* the text of that line without its newline, or NULL */
} af_diagnostic;

typedef struct af_diagnostics af_diagnostics;

/* Collects at most `max_errors` errors (0 means the default, 50); one more error past the
 * limit is replaced by a final "too many errors" and later ones are dropped. NULL when out
 * of memory. */
AF_API af_diagnostics *af_diagnostics_create(size_t max_errors);
AF_API void af_diagnostics_destroy(af_diagnostics *d);
/* Forgets every diagnostic (the limit stays). */
AF_API void af_diagnostics_clear(af_diagnostics *d);
AF_API size_t af_diagnostics_count(const af_diagnostics *d);
AF_API size_t af_diagnostics_error_count(const af_diagnostics *d);
/* The i-th diagnostic, in the order found; NULL when i is out of range. Valid until the
 * collection is cleared or destroyed. */
AF_API const af_diagnostic *af_diagnostics_get(const af_diagnostics *d, size_t i);
/* Writes every diagnostic to `out` the way compilers do:
 *     file:line:col: error: message
 *         source line
 *             ^
 * The library itself never prints; this writes only where the caller says. */
AF_API void af_diagnostics_print(const af_diagnostics *d, FILE *out);

/* ---- the resolved scenario ---------------------------------------------------------------- */

#define AF_SCN_NONE ((size_t)-1) /* an absent reference */

/* A distribution as the file wrote it (in the key's resolved unit) and the af_dist the model
 * samples from. param[] is laid out as in af_dist_kind; an empirical one keeps its rows as
 * written (values[i] with weights[i]), so that writing it back is exact. */
typedef struct af_scn_dist {
    af_dist_kind kind;
    double param[3];
    size_t n;        /* empirical rows */
    double *values;  /* empirical: n values */
    double *weights; /* empirical: n weights as written (not normalised) */
    af_dist dist;    /* built from the above with the af_dist_* constructors */
} af_scn_dist;

/* An interval of one day, in minutes after midnight: [open, close), 0 <= open < close <= 1440. */
typedef struct af_scn_interval {
    double open;
    double close;
} af_scn_interval;

/* Weekly opening hours. When `weekly` is false the site is open around the clock (apart from
 * closures). Otherwise day d (0 = Monday) is open in intervals[d][0..n[d]-1], sorted and
 * disjoint, and closed at every other time; a day with n[d] == 0 is closed all day. */
typedef struct af_scn_hours {
    bool weekly;
    size_t n[7];
    af_scn_interval *intervals[7];
} af_scn_hours;

/* A closure over [from, to) in minutes since the start; from may be negative; to is
 * INFINITY for a closure without an end ("closed from this date on"). */
typedef struct af_scn_period {
    double from;
    double to;
} af_scn_period;

typedef enum af_scn_node_kind {
    AF_SCN_ORIGIN,
    AF_SCN_INSPECTION,
    AF_SCN_CROSSING,
    AF_SCN_HUB
} af_scn_node_kind;

/* Every place a truck can be. Nodes are numbered origins first, then inspections, crossings
 * and hubs, each in file order; `index` is the position in the array of its kind. */
typedef struct af_scn_node {
    const char *name;
    af_scn_node_kind kind;
    size_t index;
} af_scn_node;

typedef struct af_scn_category {
    const char *name;
    double tonnes_per_truck; /* t, > 0 */
    double daily_need;       /* t per person per day, >= 0 */
    double dual_use;         /* default probability that an inspection flags a truck of it */
    int priority;            /* lower is served first under the priority discipline */
    int shelf_life_days;     /* days its stock keeps at a hub before it spoils; 0: keeps */
} af_scn_category;

/* People moving from a region to another on a date. */
typedef struct af_scn_shift {
    int day;        /* days since start, >= 0 */
    size_t to;      /* region index */
    bool by_share;  /* true: `share` of the region's population then; false: `people` */
    double people;  /* number of people (by_share false) */
    double share;   /* fraction in [0, 1] (by_share true) */
} af_scn_shift;

typedef struct af_scn_region {
    const char *name;
    double population; /* people at the start, a whole number */
    size_t hub;        /* index of the hub that serves it */
    size_t n_shifts;   /* sorted by day, in file order within a day */
    af_scn_shift *shifts;
    double *local_supply; /* [n_categories] tonnes per person per day supplied other than by
                             truck (wells, desalination, pipelines, local produce); 0 = none */
    double *stock_days;   /* [n_categories] how long a stock the people keep at home, in
                             minutes of their daily need (YAML stock_days, in days); 0 = none:
                             what the hub hands out is consumed the same day */
} af_scn_region;

typedef struct af_scn_hub {
    size_t node;
    size_t n_serves;
    size_t *serves;   /* region indices */
    double *stock;    /* [n_categories] t at the start */
    double capacity;  /* t of storage, all categories together; 0 = unlimited */
    double distribution; /* t a day handed out to the regions it serves, all categories
                            together, shared by their need; 0 = unlimited */
} af_scn_hub;

typedef enum af_scn_dispatch_mode {
    AF_SCN_DISPATCH_POISSON, /* a Poisson process at the day's rate over the whole day */
    AF_SCN_DISPATCH_WINDOW   /* the day's trucks at uniform random times in [open, close) */
} af_scn_dispatch_mode;

/* From `day` on (until the next step) the origin dispatches trucks[c] trucks per day of
 * category c. A step replaces the whole plan: a category it does not name dispatches none. */
typedef struct af_scn_plan_step {
    int day;
    double *trucks; /* [n_categories] trucks per day, >= 0 */
} af_scn_plan_step;

/* Who sends an origin's trucks (origin `sender:`). Humanitarian cargo (UN agencies, NGOs,
 * governments' donations) is handed out free through the hubs; commercial cargo (private
 * traders) is sold, and only its share reaches_people counts toward need. */
typedef enum af_scn_sender {
    AF_SCN_HUMANITARIAN,
    AF_SCN_COMMERCIAL
} af_scn_sender;
#define AF_SCN_N_SENDERS 2
/* "humanitarian" or "commercial": the name the scenario language and the metric names use;
 * "" for a value that is not a sender class. */
AF_API const char *af_scn_sender_name(int sender);

typedef struct af_scn_origin {
    size_t node;
    af_scn_dispatch_mode dispatch;
    double window_open;  /* minutes after midnight (window mode) */
    double window_close;
    size_t n_steps;      /* >= 1, strictly increasing days */
    af_scn_plan_step *steps;
    bool has_stock;      /* false: supply is unlimited, the plan alone decides */
    double *stock;       /* [n_categories] t at the start (has_stock) */
    double *replenish;   /* [n_categories] t per day added to the stock (has_stock) */
    size_t n_routes;
    size_t *routes;      /* route indices, in file order */
    int policy;          /* af_scn_policy, or AF_SCN_POLICY_OF_SCENARIO */
    double policy_tolerance; /* minutes; NaN: the scenario's */
    int on_closure;      /* af_scn_on_closure, or AF_SCN_POLICY_OF_SCENARIO for the scenario's */
    double patience;     /* minutes; NaN: the scenario's */
    int sender;          /* af_scn_sender of every truck it dispatches */
    double *reaches_people; /* [n_categories] share of its delivered tonnes that reaches people
                               (counts toward need); 1 but where a commercial origin says
                               otherwise; NULL (a scenario built in C): 1 */
    bool has_yard;       /* a holding yard: dispatch waits while it is full */
    size_t yard_capacity;/* trucks the yard holds (has_yard), >= 1 */
} af_scn_origin;

typedef struct af_scn_station {
    size_t node;
    unsigned lanes;
    af_scn_dist service;            /* minutes per truck */
    bool *has_category_service;     /* [n_categories] */
    af_scn_dist *category_service;  /* [n_categories]; entry c used when has_category_service[c] */
    af_scn_hours hours;
    size_t n_closures;
    af_scn_period *closures;        /* sorted by `from` */
    bool has_random_closures;
    double closure_rate;            /* onsets per day */
    af_scn_dist closure_duration;   /* minutes */
    uint32_t daily_cap;             /* trucks per day; 0 = no cap */
    size_t queue_limit;             /* trucks waiting; 0 = no limit */
    af_queue_discipline discipline;
    af_wip_policy at_closing;
    bool has_opens;                 /* `opens:` given: closed before it */
    double opens;                   /* minutes since the start */
} af_scn_station;

typedef struct af_scn_inspection {
    af_scn_station st;
    double *flag; /* [n_categories] probability a truck is flagged (category default applied) */
    size_t hold;  /* hold index; AF_SCN_NONE only when every flag is 0 */
} af_scn_inspection;

typedef struct af_scn_crossing {
    af_scn_station st;
    bool has_transfer;       /* back-to-back: cargo is moved to Gaza-side trucks here */
    unsigned transfer_lanes;
    af_scn_dist transfer_service; /* minutes per truck */
    /* The Gaza side (optional): cargo that crossed is offloaded into a waiting area and waits
     * there to be collected and driven on to its hub. */
    bool has_gaza_side;
    size_t gs_waiting_area;       /* truckloads the waiting area holds; 0 = no limit */
    unsigned gs_collection;       /* collection movements a day, >= 1 */
    double gs_denial;             /* probability a collection movement is denied (humanitarian
                                     cargo, and commercial unless gs_denial_commercial says) */
    double gs_denial_commercial;  /* the same for commercial cargo (the loader fills it with
                                     gs_denial when not given) */
    double gs_interception;       /* probability a collected truck is intercepted on the road */
    double gs_return;             /* probability cargo is returned at offloading */
    size_t gs_n_pauses;
    af_scn_period *gs_pauses;     /* security pauses of collection, sorted by `from` */
} af_scn_crossing;

typedef enum af_scn_reject_action {
    AF_SCN_REDISPATCH, /* back to the origin, repacked (repack delay), dispatched again */
    AF_SCN_WRITE_OFF   /* the cargo is written off */
} af_scn_reject_action;

typedef struct af_scn_hold {
    const char *name;
    af_scn_dist duration;   /* minutes */
    double cleared;         /* the three outcome probabilities sum to 1 */
    double partial;
    double rejected;
    double offload_fraction;/* of the cargo removed when partially offloaded */
    af_scn_reject_action on_reject;
    af_scn_dist repack;     /* minutes; meaningful when on_reject is AF_SCN_REDISPATCH */
} af_scn_hold;

typedef struct af_scn_leg {
    const char *name;
    size_t from;          /* node indices */
    size_t to;
    af_scn_dist travel;   /* minutes */
    uint32_t capacity;    /* trucks per day that may start the leg; 0 = unlimited */
    double loss;          /* probability a truck is lost on the leg */
    bool has_escort;
    af_scn_dist escort_wait; /* minutes waited for an escort before leaving */
    size_t n_closures;
    af_scn_period *closures;
    bool has_opens;       /* `opens:` given: closed before it */
    double opens;         /* minutes since the start */
} af_scn_leg;

typedef struct af_scn_route {
    const char *name;
    size_t origin;     /* origin index */
    size_t hub;        /* hub index */
    size_t n_nodes;    /* >= 2: nodes[0] is the origin's node, nodes[n_nodes-1] the hub's */
    size_t *nodes;     /* node indices */
    size_t *legs;      /* n_nodes - 1 leg indices: legs[i] goes nodes[i] -> nodes[i+1] */
    bool has_share;
    double share;      /* fraction of the origin's trucks of a category this route carries */
    bool *carries;     /* [n_categories] */
} af_scn_route;

typedef enum af_scn_policy {
    AF_SCN_FIXED_SHARES,
    AF_SCN_SHORTEST_DELAY,
    AF_SCN_REROUTE_ON_CLOSURE,
    AF_SCN_SHARES_WITHIN /* by shares among the routes within `tolerance` of the least delay */
} af_scn_policy;

/* What a truck waiting at a closed station or leg does (routing.on_closure, origin on_closure). */
typedef enum af_scn_on_closure {
    AF_SCN_CLOSURE_WAIT,   /* waits for it to open */
    AF_SCN_CLOSURE_DIVERT, /* after its patience, takes the best open alternative from there */
    AF_SCN_CLOSURE_RETURN  /* after its patience, goes back to its origin and is unloaded */
} af_scn_on_closure;

/* An origin's policy: one of af_scn_policy, or this for the scenario's (routing.policy). */
#define AF_SCN_POLICY_OF_SCENARIO (-1)

/* How an assumption's plausible values are spread over its range, for methods that sample it
 * (sensitivity, calibration): uniform over [lo, hi], triangular with its mode at the value,
 * or log-uniform (uniform in log; lo > 0). */
typedef enum af_prior { AF_PRIOR_UNIFORM, AF_PRIOR_TRIANGULAR, AF_PRIOR_LOG_UNIFORM } af_prior;

/* A value the file marks as an assumption: `{value: 40 min, assumption: [30 min, 60 min]}`.
 * value, lo and hi are numbers in the key's resolved unit (see the top of this file; whole
 * days for `horizon`/`warmup`), and `unit` is that unit as `--set` reads it after the number
 * ("min", "d", "/d", "t", "t/d", or "" for fractions and plain numbers), so that
 * "PATH=VALUE UNIT" sets it. lo < hi and lo <= value <= hi. */
typedef struct af_scn_assumption {
    const char *path;   /* the --set path that reaches it: "crossings.kerem_shalom.lanes",
                           "inspections.nitzana.service.lognormal.mean" */
    double value;
    double lo, hi;
    const char *unit;
    bool integer;       /* a whole number (lanes, caps): lo, hi and value are whole */
    af_prior prior;
    const char *source; /* "" when the file gives none */
    const char *file;   /* where the mark is written ("<--set>" for a command line) */
    int line, column;
} af_scn_assumption;

typedef struct af_scenario af_scenario;

/* One `--set`-style assignment of a dated change, kept as written for writing back. */
typedef struct af_scn_assignment {
    const char *path;  /* "crossings.kerem_shalom.lanes" */
    const char *value; /* the value as YAML flow text, as written: "11", "{fixed: 30 min}" */
} af_scn_assignment;

/* A dated change: from `at` on, the assignments hold (until a later change of the same
 * path). `in_force` is the whole scenario as it is from `at` on, every change up to and
 * including this one applied; the model switches to it at `at`. Changes are sorted by `at`,
 * in file order at one time. */
typedef struct af_scn_change {
    double at;                   /* minutes since the start, in [0, horizon) */
    size_t n_set;
    af_scn_assignment *set;
    const af_scenario *in_force; /* its own n_changes is 0 */
} af_scn_change;

struct af_scenario {
    const char *name;
    const char *description;
    size_t n_sources;
    const char **sources;

    int start_year, start_month, start_day;
    int start_weekday; /* 0 = Monday, as in schedule.h */
    int horizon_days;  /* >= 1, reported */
    int warmup_days;   /* >= 0, simulated before the horizon and not reported */
    uint64_t seed;
    unsigned replications;
    double coverage_target; /* for "days to reach coverage" */
    double confidence;      /* level of the confidence intervals */
    af_scn_policy policy;
    double policy_tolerance; /* minutes, for AF_SCN_SHARES_WITHIN */
    int on_closure;          /* af_scn_on_closure */
    double patience;         /* minutes */

    size_t n_categories;
    af_scn_category *categories;
    size_t n_regions;
    af_scn_region *regions;
    size_t n_holds;
    af_scn_hold *holds;

    size_t n_nodes;
    af_scn_node *nodes;
    size_t n_origins;
    af_scn_origin *origins;
    size_t n_inspections;
    af_scn_inspection *inspections;
    size_t n_crossings;
    af_scn_crossing *crossings;
    size_t n_hubs;
    af_scn_hub *hubs;

    size_t n_legs;
    af_scn_leg *legs;
    size_t n_routes;
    af_scn_route *routes;

    size_t n_changes;
    af_scn_change *changes;

    size_t n_assumptions; /* in file order; the in_force scenarios of changes have none */
    af_scn_assumption *assumptions;

    void *impl_; /* owned memory; not for the model */
};

/* The service-time distribution of a station for a cargo category. */
static inline const af_scn_dist *af_scn_station_service(const af_scn_station *st, size_t category)
{
    return st->has_category_service[category] ? &st->category_service[category] : &st->service;
}

/* The station behind a node, or NULL for origins and hubs. */
AF_API const af_scn_station *af_scenario_station(const af_scenario *s, size_t node);
/* Index of a node, category, region, hold, leg or route by name; AF_SCN_NONE if absent. */
AF_API size_t af_scenario_find_node(const af_scenario *s, const char *name);
AF_API size_t af_scenario_find_category(const af_scenario *s, const char *name);
AF_API size_t af_scenario_find_region(const af_scenario *s, const char *name);
AF_API size_t af_scenario_find_leg(const af_scenario *s, const char *name);
AF_API size_t af_scenario_find_route(const af_scenario *s, const char *name);

/* The scenario's assumptions (af_scn_assumption), in the order of the file. */
AF_API size_t af_scenario_assumption_count(const af_scenario *s);
/* The i-th assumption, or NULL when i is out of range. */
AF_API const af_scn_assumption *af_scenario_assumption(const af_scenario *s, size_t i);
/* The index of the assumption at `path`, or AF_SCN_NONE. */
AF_API size_t af_scenario_find_assumption(const af_scenario *s, const char *path);
/* "uniform", "triangular", "log-uniform". */
AF_API const char *af_prior_name(af_prior p);

/* ---- loading ------------------------------------------------------------------------------ */

enum {
    /* Refuse `extends:` instead of reading files (loading untrusted text from memory). */
    AF_LOAD_NO_FILES = 1u << 0,
    /* Let `extends:` read files outside the folder tree of the first file (by default a base
     * must be in that folder or below it; af_scenario_load also allows it when the
     * environment has AIDFLOW_EXTENDS_ANYWHERE=1). */
    AF_LOAD_EXTENDS_ANYWHERE = 1u << 1
};

/* Loads the scenario at `path`, follows its `extends:` chain, applies the overrides (each
 * "path.to.field=value", in order) and checks the result. On success returns AF_OK and sets
 * *out (free it with af_scenario_free). Otherwise *out is NULL and the status is AF_PARSE
 * (mistakes in the input, described in `diags`), AF_IO (also described in `diags`), AF_NOMEM
 * or AF_INVAL (bad arguments). `diags` may be NULL when the caller does not care why. */
AF_API af_status af_scenario_load(const char *path, const char *const *overrides,
                                  size_t n_overrides, af_scenario **out,
                                  af_diagnostics *diags);

/* The same from text in memory (`len` bytes, need not end in NUL). `name` is what
 * diagnostics call the text and the directory `extends:` paths are relative to. */
AF_API af_status af_scenario_load_buffer(const char *name, const char *data, size_t len,
                                         const char *const *overrides, size_t n_overrides,
                                         unsigned flags, af_scenario **out,
                                         af_diagnostics *diags);

AF_API void af_scenario_free(af_scenario *s);

/* ---- writing and comparing ---------------------------------------------------------------- */

/* The fully resolved scenario as YAML (every value explicit, resolved units, no extends) in a
 * NUL-terminated string the caller frees with free(). Loading it gives an equal scenario, and
 * writing that again gives the same bytes. NULL when out of memory. */
AF_API char *af_scenario_to_yaml(const af_scenario *s, size_t *len);
AF_API af_status af_scenario_write(const af_scenario *s, FILE *out);

/* FNV-1a 64 of the canonical YAML: a stable fingerprint for provenance. 0 when out of memory. */
AF_API uint64_t af_scenario_hash(const af_scenario *s);

/* True when every resolved value is the same (names compared as strings). */
AF_API bool af_scenario_equal(const af_scenario *a, const af_scenario *b);

#ifdef __cplusplus
}
#endif
#endif
