/* What every file of the model uses: named random streams and abandoning a run. See
 * model_state.h for the map of src/model/. */
#include <stdio.h>

#include "model/model_state.h"

void model_fail(model *m)
{
    m->failed = true;
    af_sim_stop(m->sim);
}

af_rng *model_stream(const model *m, const char *purpose, const char *name, const char *suffix)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s/%s%s", purpose, name, suffix ? suffix : "");
    return af_rng_create(m->seed, m->rep, buf);
}

ledger model_ledger_all(const model *m)
{
    ledger a = m->all;
#define SUM(field)                                                                  \
    do {                                                                            \
        double n = 0;                                                               \
        for (int k = 0; k < AF_SCN_N_SENDERS; k++) n += m->by_sender[k].field;      \
        a.field = n;                                                                \
    } while (0)
    SUM(trucks_dispatched);
    SUM(trucks_redispatched);
    SUM(trucks_entered);
    SUM(trucks_delivered);
    SUM(trucks_held);
    SUM(trucks_cleared_after_hold);
    SUM(trucks_rejected);
    SUM(trucks_written_off);
    SUM(trucks_lost);
    SUM(trucks_unsupplied);
    SUM(trucks_held_back);
    SUM(trucks_inspected);
    SUM(trucks_offloaded);
    SUM(trucks_returned);
    SUM(trucks_collected);
    SUM(trucks_denied);
    SUM(trucks_intercepted);
    SUM(trucks_diverted);
    SUM(trucks_returned_to_origin);
#undef SUM
    return a;
}
