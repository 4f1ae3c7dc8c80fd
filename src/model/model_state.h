/* The logistics model's state: what one replication keeps, shared by the files of src/model/.
 *
 * One concept per file, each with its own header that declares what it offers:
 *
 *   replication.c  building one replication, its day cycle (the midnight phases, in order),
 *                  the run loop, af_model_run, af_model_estimate
 *   origins.c      dispatch plans (Poisson or a daily window), origin stock and replenishment
 *   journey.c      a truck's journey as one state machine: the only code that moves a truck
 *                  from one state to another (dispatched, at a leg's start, on a leg, at a
 *                  station, held, repacking, waiting at its hub; delivered, lost, written off)
 *   routing.c      candidate routes and shares, the policies, expected route delay
 *   holds.c        the dual-use flag, hold duration, hold outcome, repack delay
 *   legs.c         convoy slots per day, escorts, travel time, loss
 *   hubs.c         hub storage and room, unloading, consumption against need, people's
 *                  stocks at home (stock_days), population shifts
 *   shelf_life.c   hub stock in lots by delivery day (first in, first out) and its spoilage
 *   gaza_side.c    a crossing's Gaza side: the waiting area (its room shuts the crossing when
 *                  full), returns at offloading, collection slots, denials, pauses, interception
 *   closures.c     dated closures of stations and legs, opening dates, random closures
 *   changes.c      dated changes: switching to the scenario in force at each change's date
 *   divert.c       what a truck waiting at a closure does: wait, divert or return
 *   yards.c        holding yards: places an origin's trucks take until their first queue
 *   positions.c    where the trucks are at a midnight, by node and state
 *   trucks.c       the truck pool, trucks waiting in arrival order (FIFO), tonnes on trucks
 *   results.c      the daily tables and the named per-run metrics
 *   times.c        end-to-end times (dispatch to entry, to delivery) and blocked time
 *   binding.c      the binding constraint: which station, leg or Gaza side limits, each day
 *   model_state.c  named random streams, abandoning a run
 *
 * Layers, top to bottom. A file includes only headers of layers below its own, so there is
 * no circle (replication, at the top, uses several):
 *
 *   replication
 *   changes
 *   origins                                  results  binding  positions
 *   journey                                     |
 *   divert                                      |
 *   routing  holds  legs  hubs  gaza_side  yards |
 *                         shelf_life            |
 *   closures  times                             |
 *   trucks  <-----------------------------------+
 *   model_state                      (every file)
 *
 * Decisions sit below the journey, not beside it: routing, holds, legs and hubs are asked a
 * question about a truck (which route, flagged or not and for how long, how the hold ends,
 * how long the trip is and whether it is lost, is there room) and return the answer; they
 * never call back into the journey. Counting what happens to trucks (the ledger) is the
 * journey's, done where the state changes.
 *
 * Simulation time 0 is midnight of the first warm-up day; the scenario's start date is at
 * W = warmup_days * 1440 minutes. Scenario dates (days and minutes since the start) are shifted
 * by W when they are turned into simulation times.
 */
#ifndef AF_MODEL_STATE_H
#define AF_MODEL_STATE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/calendar.h"
#include "aidflow/error.h"
#include "aidflow/random.h"
#include "aidflow/schedule.h"
#include "aidflow/station.h"
#include "aidflow/stats.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"

#define NO_TRUCK UINT32_MAX
#define NO_PLACE UINT32_MAX

typedef struct model model;

/* Where a truck is in its journey (journey.c moves it between these). Delivered, lost and
 * written-off trucks go back to the pool: TRUCK_FREE. */
typedef enum truck_state {
    TRUCK_FREE,          /* in the pool, not in use */
    TRUCK_DISPATCHED,    /* just loaded at its origin (or repacked), no route yet */
    TRUCK_AT_LEG_START,  /* at the start of its next leg: closed, or waiting for a convoy slot */
    TRUCK_ON_LEG,        /* travelling; whether it is lost was decided at departure */
    TRUCK_AT_STATION,    /* queued, blocked upstream or in service at a station */
    TRUCK_HELD,          /* held after a dual-use flag */
    TRUCK_REPACKING,     /* rejected, being repacked at its origin */
    TRUCK_AT_HUB,        /* at its hub, loaded, waiting for storage room */
    TRUCK_OFFLOADED,     /* offloaded in a crossing's Gaza-side waiting area, not collected */
    TRUCK_TURNING_BACK,  /* driving back from a closure to where it diverts, or to its origin */
} truck_state;

typedef struct truck {
    uint32_t category;
    uint32_t origin;
    uint32_t route;
    uint32_t pos;      /* index in the route's nodes of the node it is at or heading to */
    union {
        uint32_t next_free; /* free-list link while not in use */
        uint32_t line_next; /* AT_STATION: the next truck in its station's line */
    };
    bool alive;
    bool lost_on_leg;  /* decided at departure, takes effect on arrival */
    uint8_t sender;    /* af_scn_sender, its origin's when dispatched */
    bool yard;         /* holds a place in its origin's yard (dispatched, not yet admitted to
                          the queue of a station with a queue limit) */
    bool blocked;      /* at a station, not yet admitted to its queue (waiting upstream) */
    bool yard_again;   /* its yard place was taken again at a later limited station: it waits
                          on the road before that station, counted against the yard */
    uint8_t state;     /* truck_state, in a byte: the record stays 72 bytes */
    uint32_t line_prev; /* AT_STATION: the previous truck in its station's line */
    uint32_t place;     /* where it was last counted (trucks_moved): a cell of
                           model.place_trucks, NO_PLACE for none */
    uint32_t leg_waiting; /* AT_LEG_START: the leg it was last counted waiting at
                             (model.leg_waiting), else NO_PLACE */
    double tonnes;
    const af_scn_dist *service_from; /* the distribution its station service was drawn from */
    af_time waiting_since; /* joined the station it is queued at */
    af_time dispatched_at; /* first dispatched (a repacked truck keeps it): times.c */
} truck;

/* The trucks at one station (queued, blocked upstream or in service; for a crossing, its
 * transfer stage too) in arrival order: by waiting_since, then by id. A list linked through
 * the trucks' line_prev and line_next, kept by trucks.c; head and tail mean something only
 * while len > 0. It spares the hourly closure check a pass over the whole pool. */
typedef struct truck_line {
    uint32_t head, tail;
    size_t len;
} truck_line;

typedef enum mstation_kind { MS_INSPECTION, MS_CROSSING, MS_TRANSFER } mstation_kind;

/* The random streams of one category's holds at one inspection, one per decision, so that a
 * decision about one category never takes numbers meant for another. */
typedef struct hold_streams {
    af_rng *flag;     /* flag/<inspection>/<category>: one uniform per inspected truck */
    af_rng *duration; /* hold_duration/<inspection>/<category>: one draw per hold */
    af_rng *outcome;  /* hold_outcome/<inspection>/<category>: one uniform per hold's end */
} hold_streams;

/* A station of the network with what the model keeps beside the engine's af_station. */
typedef struct mstation {
    model *m;
    af_station *st;
    af_schedule *sched;
    const af_scn_station *cfg;  /* NULL for a transfer stage */
    mstation_kind kind;
    size_t scn_index;           /* inspection or crossing index */
    size_t transfer;            /* for a crossing with transfer: its stage's index; else SIZE_MAX */
    unsigned lanes;
    char *name;
    af_rng *service_rng;
    af_rng *redraw_rng;         /* service_redraw/<station>: after a dated service change,
                                   created when first needed */
    hold_streams *holds;        /* inspections: [n_categories] */
    af_rng *closure_rng;        /* random closures */
    int closed_depth;           /* overlapping random closures in force */
    af_time closed_since;
    double closed_minutes_today; /* scheduled-open minutes lost to random closures today */
    double open_today;  /* minutes open in the day just ended, less closures (at least 0):
                         * set at midnight by results_record_stations, read by binding.c */
    bool gate_shut;             /* a crossing closed because its Gaza-side waiting area is full */
    /* The closure check's last af_schedule_next_open of sched: asked at open_asked, the
     * answer open_at; the same answer for any time in between (the schedule is closed
     * there). open_known false until asked, and again when the schedule is replaced. */
    bool open_known;
    af_time open_asked, open_at;
    /* today's counts not kept by af_station */
    double flagged_today;
    double rejected_today;
    /* horizon totals */
    double served_total;
    double busy_area_total;     /* lane-minutes busy */
    af_tally wait_total;
    af_tally blocked_total;     /* minutes blocked upstream, per truck that was (times.c) */
    double open_minutes_total;  /* minutes the station was open */
    double lane_open_minutes_total; /* lanes times open minutes, day by day */
    bool lanes_varied;          /* a dated change gave it another number of lanes */
    truck_line line;            /* the trucks at it, in arrival order */
} mstation;

/* Trucks waiting in arrival order (for a convoy slot, or for room at a full hub): a ring
 * buffer that grows by doubling. trucks.c keeps it. */
typedef struct truck_fifo {
    uint32_t *ids;
    size_t cap, head, len;
} truck_fifo;

/* A leg, and the trucks waiting for a convoy slot on it. */
typedef struct leg_state {
    const af_scn_leg *cfg;
    af_rng *travel_rng;         /* travel/<leg>: one draw per trip */
    af_rng *escort_rng;         /* escort/<leg> (legs with an escort): one draw per trip */
    af_rng *loss_rng;           /* loss/<leg>: one uniform per trip */
    uint32_t started_today;
    truck_fifo wait;
} leg_state;

/* The Gaza side of one crossing (gaza_side.c): trucks offloaded and waiting for collection. */
typedef struct gaza_side {
    bool on;                    /* the crossing has a gaza_side block */
    size_t station;             /* the crossing's station: shut while the area is full */
    truck_fifo *wait;           /* [n_hubs]: offloaded trucks bound for each hub, in arrival order */
    truck_fifo *order;          /* [n_hubs]: beside wait, each truck's arrival number */
    uint32_t arrivals;          /* offloaded trucks so far (their arrival numbers, modulo 2^32) */
    size_t waiting;             /* offloaded trucks waiting, over every hub */
    size_t committed;           /* started at the crossing, not yet offloaded or returned */
    uint64_t slot;              /* the next collection slot that may be taken (slot i is at
                                   (i + 1/2) / k days) */
    bool armed;                 /* a collection slot is scheduled (only while trucks wait) */
    af_rng *return_rng;         /* gaza_return/<crossing>: one uniform per offloaded truck */
    af_rng *denial_rng;         /* gaza_denial/<crossing>: one uniform per movement */
    af_rng *intercept_rng;      /* gaza_interception/<crossing>: one uniform per collection */
    bool shut_today;            /* the area was full (the crossing shut) at some time today */
} gaza_side;

/* Stock of one category at one hub delivered on one day (shelf_life.c). */
typedef struct lot {
    int day;        /* simulation day of delivery */
    double tonnes;  /* left of it */
} lot;

/* Lots in delivery order: a ring buffer that grows by doubling. */
typedef struct lot_fifo {
    lot *v;
    size_t cap, head, len;
} lot_fifo;

/* One origin's dispatch of one category. */
typedef struct dispatcher {
    model *m;
    size_t origin;
    size_t category;
    af_rng *rng;        /* dispatch/<origin>/<category>: Poisson gaps, window times */
    af_rng *count_rng;  /* dispatch_count/<origin>/<category> (window): one uniform a day */
    double rate;        /* trucks per day now */
    af_event_id next;   /* pending Poisson dispatch */
} dispatcher;

/* Cumulative tonnes and truck counts since time 0. */
typedef struct ledger {
    double trucks_dispatched, trucks_redispatched, trucks_entered, trucks_delivered;
    double trucks_held, trucks_cleared_after_hold, trucks_rejected, trucks_written_off;
    double trucks_lost, trucks_unsupplied;
    double trucks_held_back;    /* planned, not dispatched: the origin's yard was full */
    double trucks_inspected;    /* inspection services completed */
    double trucks_offloaded, trucks_returned, trucks_collected, trucks_denied, trucks_intercepted;
    double tonnes_returned;     /* returned at offloading (with trucks_returned) */
    double trucks_diverted, trucks_returned_to_origin, tonnes_returned_to_origin; /* turned back at a closure */
    double tonnes_dispatched, tonnes_delivered, tonnes_lost, tonnes_written_off;
    double tonnes_offloaded, tonnes_consumed, tonnes_need;
    double tonnes_outside_need; /* delivered commercial cargo beyond its share reaches_people */
    double tonnes_spoiled;      /* hub stock past its category's shelf life */
    double tonnes_distributed;  /* handed out from hubs to people (to their stock, hubs.c) */
} ledger;

/* Counts `v` of `field` in the ledger of all trucks and in that of truck t's sender class. */
#define LEDGER_ADD(m, t, field, v) \
    ((m)->all.field += (v), (m)->by_sender[(t)->sender].field += (v))
/* Counts one truck in `field` (a trucks_ field) of truck t's sender class. The ledger of all
 * trucks keeps no truck counts during the run: model_ledger_all sums them over the classes,
 * which gives the same doubles (whole numbers below 2^53 add exactly in any order). */
#define LEDGER_COUNT(m, t, field) ((m)->by_sender[(t)->sender].field += 1)

struct model {
    /* The scenario in force: the base scenario, then each dated change's in_force from its
     * date (changes.c). Every parameter is read through it (and through the stations' and
     * legs' cfg pointers into it), so a change takes effect wherever the value is next used. */
    const af_scenario *scn;
    const af_scenario *base;  /* as loaded; its changes list is the one applied */
    size_t changes_applied;   /* changes of base already in force */
    const af_model_options *opts;
    af_sim *sim;
    uint64_t seed;
    unsigned rep;
    af_time warmup_minutes;
    int total_days;          /* warm-up + horizon */
    bool failed;             /* an allocation failed inside an event: the run is abandoned */
    uint64_t pool_checked_at; /* engine events run when the debug build last checked the
                                 trucks one by one (replication.c) */

    truck *trucks;
    uint32_t n_trucks_cap;
    uint32_t free_truck;
    size_t live_trucks;

    size_t n_stations;
    mstation *stations;
    /* The trucks at each station are kept in its line (mstation.line): only the hourly
     * closure check reads the lines, and when no station can ever close it finds nothing
     * to do (journey_start_closure_checks sets it before the run). */
    bool lines_kept;
    size_t *node_station;    /* node index -> station index, SIZE_MAX for origins and hubs */

    leg_state *legs;
    dispatcher *dispatchers; /* [n_origins * n_categories] */
    af_rng **route_rngs;
    af_rng **node_route_rngs; /* route/<origin>@<node>: [n_origins * n_nodes], NULL where the
                                 origin's routes do not part at the node */
    uint32_t *heading;       /* [n_routes]: trucks turning back to divert onto each route */
    af_rng **repack_rngs;    /* repack/<origin>/<category>: [n_origins * n_categories] */
    double *origin_stock;    /* [n_origins * n_categories] */
    size_t *yard_held;       /* [n_origins]: places taken in each origin's yard */
    double *held_back;       /* [2 * n_origins]: trucks held back by each origin since time 0,
                                then the same at the end of the warm-up */
    /* Where the live trucks are, kept as they move (trucks_moved): by node and position
     * (place_trucks[node * AF_N_POSITIONS + position], every admitted truck at a station
     * counted in service) and, of those at a leg's start, by leg. positions.c and binding.c
     * read them at midnight instead of a pass over the pool; a debug build recounts them
     * truck by truck now and then (positions_check). */
    size_t *place_trucks;      /* [n_nodes * AF_N_POSITIONS] */
    size_t *leg_waiting;       /* [n_legs] */

    double *population;      /* [n_regions], after shifts */
    double *people_stock;    /* [n_regions * n_categories]: tonnes people keep at home, after
                                the day's consumption (hubs.c; 0 where stock_days is 0) */
    double *people_took;     /* [n_regions * n_categories]: today's hand-out and consumption */
    double *people_used;     /*   of each region, for regions that keep a stock (hubs.c) */
    bool *people_today;      /* [n_hubs * n_categories]: today's consumption went through the
                                people's stocks (hubs.c; results.c reads people_took/used) */
    double *hub_stock;       /* [n_hubs * n_categories] */
    /* [n_hubs]: hubs_total_stock's last sum of each hub's stock, while `known` (every writer
     * of hub_stock sets it false: hubs.c, shelf_life.c and the initial stock). */
    struct hub_total {
        double sum;
        bool known;
    } *hub_total;
    double *hub_in_trucks;   /* today's deliveries [n_hubs * n_categories] */
    double *hub_in_tonnes;
    double *hub_day_basis;   /* today's trucks inspected, entered, offloaded and collected, by
                                the hub of the truck's route: [(hub * n_categories + c) *
                                N_BASES + basis] */
    truck_fifo *hub_wait;    /* [n_hubs]: trucks waiting for storage space */
    lot_fifo *lots;          /* [n_hubs * n_categories]: stock by delivery day, for categories
                                with a shelf life (shelf_life.c) */
    gaza_side *gaza;         /* [n_crossings] */
    double initial_hub_stock;

    ledger all;              /* since time 0; its truck counts (trucks_ fields) are not kept:
                                read it through model_ledger_all */
    ledger at_warmup;        /* snapshot at the end of the warm-up */
    ledger by_sender[AF_SCN_N_SENDERS];        /* the trucks' counts by sender class (their
                                                  consumption and need are not split) */
    ledger by_sender_at_warmup[AF_SCN_N_SENDERS];
    /* The backlog the measured period starts with, at the same snapshot: live trucks and
     * their tonnes by stage (trucks_by_stage), in total and per stage. */
    double start_trucks, start_tonnes;
    double start_stage_trucks[8], start_stage_tonnes[8];

    af_result *res;
    double *cov_day_delivered; /* per reported day and category, for days_to_target */
    double *cov_day_need;
    double *consumed_by_category; /* [n_categories], over the reported horizon */
    /* [n_regions * n_categories], over the reported horizon: the region's share of its hub's
     * need, consumption and deliveries, and the days its consumption fell short of the
     * report's coverage_target share of its need. */
    double *region_need, *region_consumed, *region_delivered, *region_days_below;

    struct routing_cache *routing; /* candidates and parting nodes of the scenario in force
                                      (routing.c), made when first needed */
    struct closure_tables *closure_tables; /* what closures_route_closed_from asks of the
                                              scenario in force (closures.c), made when
                                              first needed */
    struct times_log *times;     /* end-to-end times of trucks (times.c) */
    struct binding_log *binding; /* the binding constraint day by day (binding.c) */
    struct windows_state *win; /* window metrics asked for by the options (windows.c); NULL: none */
};

/* The counting bases a day's table splits by hub and category (results.c). */
enum { BASIS_INSPECTED, BASIS_ENTERED, BASIS_OFFLOADED, BASIS_COLLECTED, N_BASES };

/* Counts truck t today on `basis`, under the hub of its route and its category. */
static inline void model_count_basis(model *m, const truck *t, int basis)
{
    size_t hub = m->scn->routes[t->route].hub;
    m->hub_day_basis[(hub * m->scn->n_categories + t->category) * N_BASES + (size_t)basis] += 1;
}

/* The simulation time of a scenario time (minutes since the scenario's start). */
static inline af_time model_sim_time_of_scn_minutes(const model *m, double minutes)
{
    return minutes + m->warmup_minutes;
}

/* The ledger of all trucks since time 0: model.all with each truck count (the trucks_
 * fields, counted by LEDGER_COUNT) the sum of the sender classes' counts. */
ledger model_ledger_all(const model *m);

/* An allocation failed inside an event: mark the run failed and stop the calendar.
 * af_model_run then reports AF_NOMEM. */
void model_fail(model *m);

/* The random stream "<purpose>/<name><suffix>" of this replication (suffix may be NULL);
 * NULL when out of memory. */
af_rng *model_stream(const model *m, const char *purpose, const char *name, const char *suffix);

#endif
