/* Hubs and need: storage at hubs, what regions consume from them, and population shifts. */
#ifndef AF_MODEL_HUBS_H
#define AF_MODEL_HUBS_H

#include "model/model_state.h"

/* The stock of `hub`, all categories together (summed in category order). */
double hubs_total_stock(const model *m, size_t hub);

/* Whether `tonnes` more fit in `hub`'s storage now (for the truck first in its queue). */
bool hubs_has_room(const model *m, size_t hub, double tonnes);

/* Whether a truck with `tonnes` arriving now at `hub` unloads at once: the hub has no storage
 * limit, or nobody is waiting before it and its cargo fits. */
static inline bool hubs_admits(const model *m, size_t hub, double tonnes)
{
    double cap = m->scn->hubs[hub].capacity;
    if (!(cap > 0)) return true;
    if (m->hub_wait[hub].len > 0) return false;
    return !(hubs_total_stock(m, hub) + tonnes > cap + 1e-9);
}

/* Puts a truck's cargo in stock and counts it in today's deliveries. */
void hubs_store(model *m, size_t hub, size_t category, double tonnes);

/* What a person of `region` gets of `category` a day other than by truck (its local_supply,
 * at most the need). */
double hubs_local_per_person(const model *m, size_t region, size_t category);

/* The day's consumption of `category` at `hub`: the need the regions it serves put on it (their
 * need less their local supply), and what was used. Without stocks at home: that need, or the
 * hub's stock if less (or the category's share of the hub's distribution capacity), taken from
 * the hub's stock. Where the regions keep a stock (stock_days): the hub hands out, as far as its
 * stock and distribution share go, a day's need plus what tops the people's stock up to
 * stock_days of need (people_took), and people consume the day's need from their stock
 * (people_used; `used` is their sum). */
void hubs_consume(model *m, size_t hub, size_t category, double *need, double *used);

/* Whether people of a region hub h serves keep a stock of category c at home (a stock_days,
 * or a stock left from one before a dated change). */
bool hubs_people_keep_stock(const model *m, size_t hub, size_t c);

/* Whether any region keeps a stock at home (any stock_days in the scenario in force). */
bool hubs_any_people_stock(const model *m);

/* At the end of simulation day `sim_day`, after consumption: stock of category c at hub h
 * past its shelf life is spoiled (shelf_life.c), counted tonnes_spoiled. */
void hubs_spoil(model *m, size_t hub, size_t c, int sim_day);

/* Forgets today's deliveries and counting bases (after they are recorded). */
void hubs_clear_day(model *m);

/* Moves people between regions by the shifts dated scenario day `scn_day`. */
void hubs_apply_shifts(model *m, int scn_day);

#endif
