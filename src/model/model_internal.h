/* The logistics model's internal state, shared by the files of src/model/.
 *
 *   model.c     building a replication, the day cycle (midnight), warm-up, the run loop
 *   dispatch.c  origins: dispatch plans, stock, routing a truck to a route
 *   movement.c  a truck's journey: legs, stations, holds, rejection, delivery
 *   results.c   per-day tables and the named per-run metrics
 *
 * Simulation time 0 is midnight of the first warm-up day; the scenario's start date is at
 * W = warmup_days * 1440 minutes. Scenario dates (days and minutes since the start) are shifted
 * by W when they are turned into simulation times.
 */
#ifndef AF_MODEL_INTERNAL_H
#define AF_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/aidflow.h"
#include "aidflow/model.h"
#include "aidflow/scenario.h"

#define NO_TRUCK UINT32_MAX

typedef struct model model;

typedef struct truck {
    uint32_t category;
    uint32_t origin;
    uint32_t route;
    uint32_t pos;      /* index in the route's nodes of the node it is at or heading to */
    uint32_t next_free;/* free-list link while not in use */
    bool alive;
    bool lost_on_leg;  /* decided at departure, takes effect on arrival */
    double tonnes;
} truck;

typedef enum mstation_kind { MS_INSPECTION, MS_CROSSING, MS_TRANSFER } mstation_kind;

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
    af_rng *flag_rng;           /* inspections: flags, hold durations and outcomes */
    af_rng *closure_rng;        /* random closures */
    int closed_depth;           /* overlapping random closures in force */
    af_time closed_since;
    double closed_minutes_today; /* scheduled-open minutes lost to random closures today */
    /* today's counts not kept by af_station */
    double flagged_today;
    double rejected_today;
    /* horizon totals */
    double served_total;
    double busy_area_total;     /* lane-minutes busy */
    af_tally wait_total;
    double open_minutes_total;  /* minutes the station was open */
} mstation;

/* Trucks waiting in arrival order (for a convoy slot, or for room at a full hub): a ring
 * buffer that grows by doubling. */
typedef struct truck_fifo {
    uint32_t *ids;
    size_t cap, head, len;
} truck_fifo;

bool fifo_push(truck_fifo *f, uint32_t id);
uint32_t fifo_pop(truck_fifo *f);

/* A leg, and the trucks waiting for a convoy slot on it. */
typedef struct leg_state {
    const af_scn_leg *cfg;
    af_rng *travel_rng;
    af_rng *loss_rng;
    uint32_t started_today;
    truck_fifo wait;
} leg_state;

/* One origin's dispatch of one category. */
typedef struct dispatcher {
    model *m;
    size_t origin;
    size_t category;
    af_rng *rng;
    double rate;        /* trucks per day now */
    af_event_id next;   /* pending Poisson dispatch */
} dispatcher;

/* Cumulative tonnes and truck counts since time 0. */
typedef struct ledger {
    double trucks_dispatched, trucks_redispatched, trucks_entered, trucks_delivered;
    double trucks_held, trucks_cleared_after_hold, trucks_rejected, trucks_written_off;
    double trucks_lost, trucks_unsupplied;
    double tonnes_dispatched, tonnes_delivered, tonnes_lost, tonnes_written_off;
    double tonnes_offloaded, tonnes_consumed, tonnes_need;
} ledger;

struct model {
    const af_scenario *scn;
    const af_model_options *opts;
    af_sim *sim;
    uint64_t seed;
    unsigned rep;
    af_time warmup_minutes;
    int total_days;          /* warm-up + horizon */
    bool failed;             /* an allocation failed inside an event: the run is abandoned */

    truck *trucks;
    uint32_t n_trucks_cap;
    uint32_t free_truck;
    size_t live_trucks;

    size_t n_stations;
    mstation *stations;
    size_t *node_station;    /* node index -> station index, SIZE_MAX for origins and hubs */

    leg_state *legs;
    dispatcher *dispatchers; /* [n_origins * n_categories] */
    af_rng **route_rngs;
    af_rng **repack_rngs;    /* per origin */
    double *origin_stock;    /* [n_origins * n_categories] */

    double *population;      /* [n_regions], after shifts */
    double *hub_stock;       /* [n_hubs * n_categories] */
    double *hub_in_trucks;   /* today's deliveries [n_hubs * n_categories] */
    double *hub_in_tonnes;
    truck_fifo *hub_wait;    /* [n_hubs]: trucks waiting for storage space */
    double initial_hub_stock;

    ledger all;              /* since time 0 */
    ledger at_warmup;        /* snapshot at the end of the warm-up */

    af_result *res;
    double *cov_day_delivered; /* per reported day and category, for days_to_target */
    double *cov_day_need;
    double *consumed_by_category; /* [n_categories], over the reported horizon */
};

/* model.c */
uint32_t model_new_truck(model *m);
void model_free_truck(model *m, uint32_t id);
af_time model_sim_time_of_scn_minutes(const model *m, double minutes);
/* Tonnes on live trucks, summed truck by truck (independent of the ledger). */
double model_tonnes_in_system(const model *m);

/* dispatch.c */
af_status dispatch_init(model *m);
void dispatch_start_day(model *m, int sim_day);
bool route_choose(model *m, uint32_t id);

/* movement.c */
void move_depart(model *m, uint32_t id);
void move_station_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity);
void move_random_closure_start(af_sim *sim, void *ctx, uint64_t arg);
void legs_start_day(model *m);
void hubs_unload_waiting(model *m);
bool node_or_leg_closed(const model *m, size_t route, af_time t);
double route_expected_delay(const model *m, size_t route, size_t category);

/* results.c */
af_status results_init(model *m);
void results_record_hub(model *m, int report_day, size_t hub, size_t category, double need,
                        double used);
void results_record_stations(model *m, int report_day);
void results_finish(model *m);

#endif
