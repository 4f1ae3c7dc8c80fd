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
