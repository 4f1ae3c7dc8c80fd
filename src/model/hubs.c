/* Hubs and need. A hub with a storage capacity (tonnes, all categories together) takes a
 * truck only while there is room; otherwise the truck waits, loaded, until consumption makes
 * room (what reports call cargo left uncollected for want of warehouse space). Each day the
 * regions a hub serves need population x per-person need of each category, less what reaches
 * them other than by truck (the region's local_supply: wells, desalination, pipelines), and
 * consume that from the hub's stock as far as it goes and, where the hub has a distribution
 * capacity (tonnes a day, all categories), as far as its share of that capacity goes.
 *
 * People's stocks at home: a region with stock_days of a category keeps up to that many days
 * of its need at home. The hub hands out the day's need plus what tops that stock up, people
 * eat the day's need from it, and when the hub runs dry they live on it. Shelf life applies at
 * the hub only: what is handed out leaves the hub's lots (oldest first) and is not spoiled at
 * home, where it is eaten first in first out within stock_days (scenarios/README.md asks for a
 * stock_days below the shelf life). Population shifts move people between regions on their
 * dates, with their share of their region's stock at home. */
#include <math.h>

#include "engine/calendar_impl.h"
#include "model/hubs.h"
#include "model/shelf_life.h"

static double sum_stock(const model *m, size_t hub)
{
    double sum = 0;
    for (size_t c = 0; c < m->scn->n_categories; c++) sum += m->hub_stock[hub * m->scn->n_categories + c];
    return sum;
}

/* The sum is kept until the hub's stock changes (model.hub_total): a full hub is asked again
 * and again, at every collection slot and every truck that reaches it, between deliveries. */
double hubs_total_stock(const model *m, size_t hub)
{
    struct hub_total *k = &m->hub_total[hub];
    if (!k->known) {
        k->sum = sum_stock(m, hub);
        k->known = true;
    }
    /* The debug build checks the kept sum against the stock. */
    assert(k->sum == sum_stock(m, hub));
    return k->sum;
}

bool hubs_has_room(const model *m, size_t hub, double tonnes)
{
    return hubs_total_stock(m, hub) + tonnes <= m->scn->hubs[hub].capacity + 1e-9;
}

void hubs_store(model *m, size_t hub, size_t category, double tonnes)
{
    size_t k = hub * m->scn->n_categories + category;
    /* Where storage is limited, a truck is only unloaded into room. */
    assert(tonnes >= 0 && (!(m->scn->hubs[hub].capacity > 0) || hubs_has_room(m, hub, tonnes)));
    m->hub_stock[k] += tonnes;
    m->hub_total[hub].known = false;
    shelf_life_add(m, hub, category, (int)floor(af_sim_clock(m->sim) / AF_MINUTES_PER_DAY), tonnes);
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

/* Days of need region r keeps of category c at home (0: none). */
static double stock_days(const model *m, size_t r, size_t c)
{
    const double *d = m->scn->regions[r].stock_days;
    return d ? d[c] / AF_MINUTES_PER_DAY : 0;
}

bool hubs_people_keep_stock(const model *m, size_t h, size_t c)
{
    const af_scenario *s = m->scn;
    for (size_t r = 0; r < s->n_regions; r++)
        if (s->regions[r].hub == h && (stock_days(m, r, c) > 0 || m->people_stock[r * s->n_categories + c] > 0))
            return true;
    return false;
}

bool hubs_any_people_stock(const model *m)
{
    const af_scenario *s = m->scn;
    for (size_t r = 0; r < s->n_regions; r++)
        for (size_t c = 0; c < s->n_categories; c++)
            if (stock_days(m, r, c) > 0) return true;
    return false;
}

/* The need the regions of hub h put on it for category c a day (their need less their local
 * supply). */
static double hub_need(const model *m, size_t h, size_t c)
{
    const af_scenario *s = m->scn;
    double need = 0;
    for (size_t r = 0; r < s->n_regions; r++)
        if (s->regions[r].hub == h)
            need += m->population[r] * (s->categories[c].daily_need - hubs_local_per_person(m, r, c));
    return need;
}

/* What hub h may hand out of category c today for a need of `need`: its share of the hub's
 * distribution capacity, shared between categories by what the regions need of the hub
 * (INFINITY without a distribution capacity). */
static double distribution_share(const model *m, size_t h, double need)
{
    double cap = m->scn->hubs[h].distribution;
    if (!(cap > 0)) return INFINITY;
    const af_scenario *s = m->scn;
    double all = 0;
    for (size_t k = 0; k < s->n_categories; k++)
        for (size_t r = 0; r < s->n_regions; r++)
            if (s->regions[r].hub == h)
                all += m->population[r] * (s->categories[k].daily_need - hubs_local_per_person(m, r, k));
    return all > 0 ? cap * need / all : cap;
}

/* Regions of hub h that keep a stock of category c: the hub hands out what each asks for (a
 * day's need plus what tops its stock up to stock_days of need), shared in proportion to what
 * they ask when the hub's stock or its distribution share is short; then people consume the
 * day's need from their own stock, as far as it goes. */
static void consume_with_stocks(model *m, size_t h, size_t c, double need, double *used_out)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories;
    double ask = 0;
    for (size_t r = 0; r < s->n_regions; r++) {
        if (s->regions[r].hub != h) continue;
        size_t rc = r * nc + c;
        double need_r = m->population[r] * (s->categories[c].daily_need - hubs_local_per_person(m, r, c));
        double want = need_r * (1 + stock_days(m, r, c)) - m->people_stock[rc];
        m->people_took[rc] = want > 0 ? want : 0;
        ask += m->people_took[rc];
    }
    double *stock = &m->hub_stock[h * nc + c];
    double give = ask < *stock ? ask : *stock;
    double share = distribution_share(m, h, need);
    if (give > share) give = share;
    double used = 0;
    for (size_t r = 0; r < s->n_regions; r++) {
        if (s->regions[r].hub != h) continue;
        size_t rc = r * nc + c;
        m->people_took[rc] = give < ask ? give * (m->people_took[rc] / ask) : m->people_took[rc];
        m->people_stock[rc] += m->people_took[rc];
        double need_r = m->population[r] * (s->categories[c].daily_need - hubs_local_per_person(m, r, c));
        double eat = need_r < m->people_stock[rc] ? need_r : m->people_stock[rc];
        m->people_stock[rc] -= eat;
        m->people_used[rc] = eat;
        used += eat;
    }
    *stock -= give;
    if (*stock < 0) *stock = 0; /* rounding of the shares */
    m->hub_total[h].known = false;
    shelf_life_take(m, h, c, give);
    m->all.tonnes_distributed += give;
    *used_out = used;
}

void hubs_consume(model *m, size_t h, size_t c, double *need_out, double *used_out)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories;
    double need = hub_need(m, h, c);
    double used;
    m->people_today[h * nc + c] = hubs_people_keep_stock(m, h, c);
    if (m->people_today[h * nc + c]) {
        consume_with_stocks(m, h, c, need, &used);
    } else {
        double *stock = &m->hub_stock[h * nc + c];
        used = need < *stock ? need : *stock;
        double share = distribution_share(m, h, need);
        if (used > 0 && used > share) used = share;
        *stock -= used;
        m->hub_total[h].known = false;
        assert(*stock >= 0);
        shelf_life_take(m, h, c, used);
        m->all.tonnes_distributed += used;
    }
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
            /* People take their share of the region's stock at home with them. */
            size_t nc = s->n_categories;
            for (size_t c = 0; moved > 0 && c < nc; c++) {
                double *from = &m->people_stock[r * nc + c];
                if (!(*from > 0)) continue;
                double carried = *from * (moved / m->population[r]);
                *from -= carried;
                m->people_stock[sh->to * nc + c] += carried;
            }
            m->population[r] -= moved;
            m->population[sh->to] += moved;
            assert(m->population[r] >= 0);
        }
    }
}
