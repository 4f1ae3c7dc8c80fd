/* Checks across the keys of one item, run after the item is bound. */
#include <math.h>
#include <string.h>

#include "scenario/bind.h"

void check_shift(binder *b, const yt_node *map, void *item)
{
    af_scn_shift *sh = item;
    const yt_node *people = yt_map_get(map, "people"), *share = yt_map_get(map, "share");
    if (people && share) {
        scn_error(b->r, share->mark, "a shift gives either people or share, not both");
    } else if (!people && !share) {
        scn_error(b->r, map->mark, "a shift needs people (a number) or share (a fraction)");
    }
    sh->by_share = share != NULL;
}

void check_origin(binder *b, const yt_node *map, void *item)
{
    af_scn_origin *o = item;
    const yt_node *rep = yt_pair_key_of(map, "replenish");
    if (rep && !yt_map_get(map, "stock"))
        scn_error(b->r, rep->mark, "replenish needs a stock to add to; give stock as well");
    if (o->has_stock && !o->replenish) {
        o->replenish = arena_calloc(b->mem, b->s->n_categories, sizeof *o->replenish);
        if (!o->replenish) b->r->nomem = true;
    }
    /* Humanitarian cargo reaches people through distribution, all of it; commercial cargo
     * in the share the scenario gives per category (1 where it gives none). */
    const yt_node *reach = yt_pair_key_of(map, "reaches_people");
    if (reach && o->sender != AF_SCN_COMMERCIAL)
        scn_error(b->r, reach->mark, "reaches_people is for commercial cargo (sender: "
                  "commercial); humanitarian cargo reaches people through distribution");
    if (!o->reaches_people && b->s->n_categories) {
        o->reaches_people = arena_calloc(b->mem, b->s->n_categories, sizeof *o->reaches_people);
        if (!o->reaches_people) {
            b->r->nomem = true;
            return;
        }
        for (size_t c = 0; c < b->s->n_categories; c++) o->reaches_people[c] = NAN;
    }
    for (size_t c = 0; c < b->s->n_categories; c++)
        if (o->reaches_people && isnan(o->reaches_people[c])) o->reaches_people[c] = 1;
    const yt_node *plan = yt_map_get(map, "plan");
    if (!plan || plan->kind != YT_SEQ || !o->steps || o->n_steps != plan->n) return;
    for (size_t i = 1; i < o->n_steps; i++) {
        const yt_node *from = yt_map_get(plan->items[i], "from");
        if (from && o->steps[i].day <= o->steps[i - 1].day &&
            yt_map_get(plan->items[i - 1], "from"))
            scn_error(b->r, from->mark, "plan: steps must be in date order, each after the one "
                      "before");
    }
}

void check_hold(binder *b, const yt_node *map, void *item)
{
    af_scn_hold *h = item;
    const yt_node *cleared = yt_map_get(map, "cleared");
    const yt_node *partial = yt_map_get(map, "partial");
    const yt_node *rejected = yt_map_get(map, "rejected");
    const yt_node *on_reject = yt_map_get(map, "on_reject");
    const yt_node *repack = yt_map_get(map, "repack");
    if (cleared) {
        double sum = h->cleared + h->partial + h->rejected;
        if (fabs(sum - 1) > 1e-9)
            scn_error(b->r, cleared->mark, "cleared + partial + rejected must add up to 1, "
                      "found %.10g", sum);
    }
    if (partial && h->partial > 0 && !yt_map_get(map, "offload_fraction"))
        scn_error(b->r, partial->mark, "partial > 0 needs offload_fraction, the fraction of "
                  "the cargo removed");
    if (!on_reject) {
        if (rejected && h->rejected > 0)
            scn_error(b->r, rejected->mark, "rejected > 0 needs on_reject: redispatch or "
                      "write_off");
        h->on_reject = AF_SCN_WRITE_OFF;
    }
    if (h->on_reject == AF_SCN_REDISPATCH && on_reject && !repack)
        scn_error(b->r, on_reject->mark, "on_reject: redispatch needs repack, the delay "
                  "before the cargo leaves again");
    if (h->on_reject == AF_SCN_WRITE_OFF && repack)
        scn_error(b->r, yt_pair_key_of(map, "repack")->mark,
                  "repack is used only with on_reject: redispatch");
}

void check_gaza_side(binder *b, const yt_node *map, void *item)
{
    (void)b;
    (void)map;
    af_scn_crossing *cx = item;
    /* Commercial movements are denied as often as humanitarian ones unless it says. */
    if (isnan(cx->gs_denial_commercial)) cx->gs_denial_commercial = cx->gs_denial;
}
