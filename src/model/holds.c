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
    const hold_streams *hs = &ms->holds[t->category];
    /* One uniform per inspected truck, flagged or not, whatever the rate (0 included): the
     * n-th truck of a category at an inspection gets the same number in every scenario, and
     * a higher rate flags a superset of the trucks a lower one flags. */
    double u = af_rng_uniform(hs->flag);
    if (u < in->flag[t->category] && in->hold != AF_SCN_NONE) {
        const af_scn_hold *h = &m->scn->holds[in->hold];
        double d = af_dist_sample(&h->duration.dist, hs->duration);
        return d > 0 ? d : 0;
    }
    return -1;
}

hold_end holds_end(model *m, mstation *ms, const truck *t)
{
    const af_scn_hold *h = &m->scn->holds[m->scn->inspections[ms->scn_index].hold];
    /* One uniform per hold's end, whatever the outcome. */
    double u = af_rng_uniform(ms->holds[t->category].outcome);
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
        af_rng *rng = m->repack_rngs[t->origin * m->scn->n_categories + t->category];
        double delay = af_dist_sample(&h->repack.dist, rng);
        e.repack_minutes = delay > 0 ? delay : 0;
    }
    return e;
}
