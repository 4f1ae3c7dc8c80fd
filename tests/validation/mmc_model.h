/* A small queueing model used by the validation tests: Poisson arrivals to one af_station
 * with a given service distribution. Header-only so each test binary stays self-contained. */
#ifndef AF_MMC_MODEL_H
#define AF_MMC_MODEL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "aidflow/aidflow.h"

typedef struct qmodel {
    af_sim *sim;
    af_station *st;
    af_rng *arr_rng;
    af_rng *svc_rng;
    af_dist interarrival;
    af_dist service;
    uint64_t arrived;
    uint64_t max_arrivals; /* stop generating after this many */
    af_time stop_arrivals_at; /* or after this time */
} qmodel;

static void qmodel_arrival(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    qmodel *m = ctx;
    af_station_arrive(m->st, m->arrived++, 0, af_dist_sample(&m->service, m->svc_rng));
    if (m->arrived >= m->max_arrivals) return;
    af_time next = af_sim_now(sim) + af_dist_sample(&m->interarrival, m->arr_rng);
    if (next < m->stop_arrivals_at) af_sim_schedule_at(sim, next, qmodel_arrival, m, 0);
}

/* Sets up the model; the station gets `lanes` lanes and an optional schedule. Returns 0 on
 * success. Streams derive from (seed, replication, "arrivals"/"service"). */
static int qmodel_init(qmodel *m, unsigned lanes, double lambda, const af_dist *service,
                       uint64_t seed, uint64_t rep, const af_schedule *sched, af_wip_policy wip)
{
    memset(m, 0, sizeof *m);
    m->max_arrivals = UINT64_MAX;
    m->stop_arrivals_at = INFINITY;
    m->sim = af_sim_create(256);
    m->arr_rng = af_rng_create(seed, rep, "arrivals");
    m->svc_rng = af_rng_create(seed, rep, "service");
    if (!m->sim || !m->arr_rng || !m->svc_rng) return -1;
    if (af_dist_exponential(&m->interarrival, 1.0 / lambda, NULL) != AF_OK) return -1;
    if (af_dist_copy(&m->service, service) != AF_OK) return -1;
    af_station_config cfg = {.name = "q", .lanes = lanes, .discipline = AF_QUEUE_FCFS,
                             .schedule = sched, .wip = wip};
    if (af_station_create(&m->st, m->sim, &cfg, NULL, NULL) != AF_OK) return -1;
    af_sim_schedule(m->sim, af_dist_sample(&m->interarrival, m->arr_rng), qmodel_arrival, m, 0);
    return 0;
}

static void qmodel_free(qmodel *m)
{
    af_station_destroy(m->st);
    af_rng_destroy(m->arr_rng);
    af_rng_destroy(m->svc_rng);
    af_dist_free(&m->service);
    af_sim_destroy(m->sim);
}

#endif
