/* Holds: an inspection flags a truck of category c with the inspection's flag rate for c; a
 * flagged truck is held for a time drawn from its hold's duration, and the hold ends cleared,
 * partially offloaded or rejected with the hold's probabilities. A rejected truck is written
 * off or repacked at its origin, which takes a time drawn from the hold's repack
 * distribution. */
#include "model/holds.h"

double holds_flag(model *m, mstation *ms, const truck *t)
{
    assert(ms->kind == MS_INSPECTION);
    const af_scn_inspection *in = &m->scn->inspections[ms->scn_index];
    double p = in->flag[t->category];
    /* The draw is skipped for a category never flagged here. */
    if (p > 0 && af_rng_uniform(ms->flag_rng) < p && in->hold != AF_SCN_NONE) {
        const af_scn_hold *h = &m->scn->holds[in->hold];
        double d = af_dist_sample(&h->duration.dist, ms->flag_rng);
        return d > 0 ? d : 0;
    }
    return -1;
}

hold_end holds_end(model *m, mstation *ms, const truck *t)
{
    const af_scn_hold *h = &m->scn->holds[m->scn->inspections[ms->scn_index].hold];
    double u = af_rng_uniform(ms->flag_rng);
    hold_end e = {.kind = HOLD_CLEARED};
    if (u < h->cleared) {
        e.kind = HOLD_CLEARED;
    } else if (u < h->cleared + h->partial) {
        e.kind = HOLD_PARTIAL;
        e.offloaded = t->tonnes * h->offload_fraction;
    } else if (h->on_reject == AF_SCN_WRITE_OFF) {
        e.kind = HOLD_REJECT_WRITE_OFF;
    } else {
        e.kind = HOLD_REJECT_REPACK;
        double delay = af_dist_sample(&h->repack.dist, m->repack_rngs[t->origin]);
        e.repack_minutes = delay > 0 ? delay : 0;
    }
    return e;
}
