/* Hubs and need. A hub with a storage capacity (tonnes, all categories together) takes a
 * truck only while there is room; otherwise the truck waits, loaded, until consumption makes
 * room (what reports call cargo left uncollected for want of warehouse space). Each day the
 * regions a hub serves need population x per-person need of each category, less what reaches
 * them other than by truck (the region's local_supply: wells, desalination, pipelines), and
 * consume that from the hub's stock as far as it goes and, where the hub has a distribution
 * capacity (tonnes a day, all categories), as far as its share of that capacity goes. Population shifts move people between regions on their
 * dates. */
#include <math.h>

#include "model/hubs.h"
#include "model/shelf_life.h"

static double hub_total_stock(const model *m, size_t hub)
{
    double sum = 0;
    for (size_t c = 0; c < m->scn->n_categories; c++) sum += m->hub_stock[hub * m->scn->n_categories + c];
    return sum;
}

bool hubs_has_room(const model *m, size_t hub, double tonnes)
{
    return hub_total_stock(m, hub) + tonnes <= m->scn->hubs[hub].capacity + 1e-9;
}

bool hubs_admits(const model *m, size_t hub, double tonnes)
{
    double cap = m->scn->hubs[hub].capacity;
    return !(cap > 0 && (m->hub_wait[hub].len > 0 || hub_total_stock(m, hub) + tonnes > cap + 1e-9));
}

void hubs_store(model *m, size_t hub, size_t category, double tonnes)
{
    size_t k = hub * m->scn->n_categories + category;
    /* Where storage is limited, a truck is only unloaded into room. */
    assert(tonnes >= 0 && (!(m->scn->hubs[hub].capacity > 0) || hubs_has_room(m, hub, tonnes)));
    m->hub_stock[k] += tonnes;
    shelf_life_add(m, hub, category, (int)floor(af_sim_now(m->sim) / AF_MINUTES_PER_DAY), tonnes);
    m->hub_in_trucks[k] += 1;
    m->hub_in_tonnes[k] += tonnes;
}

double hubs_local_per_person(const model *m, size_t region, size_t c)
{
    const af_scn_region *reg = &m->scn->regions[region];
    double need = m->scn->categories[c].daily_need;
    double local = reg->local_supply ? reg->local_supply[c] : 0;
    return local < need ? local : need;
}

void hubs_consume(model *m, size_t h, size_t c, double *need_out, double *used_out)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories;
    double need = 0;
    for (size_t r = 0; r < s->n_regions; r++)
        if (s->regions[r].hub == h)
            need += m->population[r] * (s->categories[c].daily_need - hubs_local_per_person(m, r, c));
    double *stock = &m->hub_stock[h * nc + c];
    double used = need < *stock ? need : *stock;
    double cap = s->hubs[h].distribution;
    if (cap > 0 && used > 0) {
        /* Distribution capacity, shared between categories by what regions ask of the hub. */
        double all = 0;
        for (size_t k = 0; k < nc; k++)
            for (size_t r = 0; r < s->n_regions; r++)
                if (s->regions[r].hub == h)
                    all += m->population[r] * (s->categories[k].daily_need - hubs_local_per_person(m, r, k));
        double share = all > 0 ? cap * need / all : cap;
        if (used > share) used = share;
    }
    *stock -= used;
    assert(*stock >= 0);
    shelf_life_take(m, h, c, used);
    m->all.tonnes_consumed += used;
    m->all.tonnes_need += need;
    *need_out = need;
    *used_out = used;
}

void hubs_spoil(model *m, size_t h, size_t c, int sim_day)
{
    m->all.tonnes_spoiled += shelf_life_expire(m, h, c, sim_day);
}

void hubs_clear_day(model *m)
{
    size_t n = m->scn->n_hubs * m->scn->n_categories;
    for (size_t i = 0; i < n; i++) m->hub_in_trucks[i] = m->hub_in_tonnes[i] = 0;
    for (size_t i = 0; i < n * N_BASES; i++) m->hub_day_basis[i] = 0;
}

void hubs_apply_shifts(model *m, int scn_day)
{
    const af_scenario *s = m->scn;
    for (size_t r = 0; r < s->n_regions; r++) {
        const af_scn_region *reg = &s->regions[r];
        for (size_t i = 0; i < reg->n_shifts; i++) {
            const af_scn_shift *sh = &reg->shifts[i];
            if (sh->day != scn_day) continue;
            double moved = sh->by_share ? m->population[r] * sh->share : sh->people;
            if (moved > m->population[r]) moved = m->population[r];
            m->population[r] -= moved;
            m->population[sh->to] += moved;
            assert(m->population[r] >= 0);
        }
    }
}
