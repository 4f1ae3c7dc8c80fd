/* What a replication reports: the daily tables and the named per-run metrics
 * (docs/OUTPUTS.md lists them). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/binding.h"
#include "model/gaza_side.h"
#include "model/hubs.h"
#include "model/results.h"
#include "model/times.h"
#include "model/trucks.h"
#include "model/yards.h"
#include "model/windows.h"

af_status results_init(model *m)
{
    const af_scenario *s = m->scn;
    af_result *r = calloc(1, sizeof *r);
    if (!r) return AF_NOMEM;
    m->res = r;
    r->seed = m->seed;
    r->replication = m->rep;
    r->n_days = s->horizon_days;
    r->n_regions = s->n_regions;
    r->n_categories = s->n_categories;
    r->n_stations = m->n_stations;
    r->bottleneck = SIZE_MAX;
    r->station_names = calloc(m->n_stations + 1, sizeof *r->station_names);
    if (!r->station_names) return AF_NOMEM;
    for (size_t i = 0; i < m->n_stations; i++)
        if (!(r->station_names[i] = strdup(m->stations[i].name))) return AF_NOMEM;
    size_t days = (size_t)s->horizon_days;
    if (!m->opts || m->opts->keep_daily) {
        r->daily = calloc(days * s->n_regions * s->n_categories + 1, sizeof *r->daily);
        r->stations = calloc(days * m->n_stations + 1, sizeof *r->stations);
        if (!r->daily || !r->stations) return AF_NOMEM;
        r->n_nodes = s->n_nodes;
        r->node_names = calloc(s->n_nodes + 1, sizeof *r->node_names);
        r->positions = calloc(days * s->n_nodes * AF_N_POSITIONS + 1, sizeof *r->positions);
        if (!r->node_names || !r->positions) return AF_NOMEM;
        for (size_t i = 0; i < s->n_nodes; i++)
            if (!(r->node_names[i] = strdup(s->nodes[i].name))) return AF_NOMEM;
    }
    m->cov_day_delivered = calloc(days * s->n_categories + 1, sizeof *m->cov_day_delivered);
    m->cov_day_need = calloc(days * s->n_categories + 1, sizeof *m->cov_day_need);
    m->consumed_by_category = calloc(s->n_categories + 1, sizeof *m->consumed_by_category);
    if (!m->cov_day_delivered || !m->cov_day_need || !m->consumed_by_category) return AF_NOMEM;
    size_t nrc = s->n_regions * s->n_categories + 1;
    m->region_need = calloc(nrc, sizeof *m->region_need);
    m->region_consumed = calloc(nrc, sizeof *m->region_consumed);
    m->region_delivered = calloc(nrc, sizeof *m->region_delivered);
    m->region_days_below = calloc(nrc, sizeof *m->region_days_below);
    if (!m->region_need || !m->region_consumed || !m->region_delivered || !m->region_days_below)
        return AF_NOMEM;
    return AF_OK;
}

void results_record_hub(model *m, int day, size_t hub, size_t c, double need, double used)
{
    const af_scenario *s = m->scn;
    size_t nc = s->n_categories, k = hub * nc + c;
    /* Need and consumption count what regions get other than by truck too (zero unless a
     * region states a local_supply); `need` and `used` are the hub's part. */
    double local = 0, full = need;
    for (size_t r = 0; r < s->n_regions; r++)
        if (s->regions[r].hub == hub) local += m->population[r] * hubs_local_per_person(m, r, c);
    if (local > 0) full = need + local;
    m->cov_day_delivered[(size_t)day * nc + c] += m->hub_in_tonnes[k];
    m->cov_day_need[(size_t)day * nc + c] += full;
    m->consumed_by_category[c] += local > 0 ? used + local : used;
    af_result *res = m->res;
    /* Regions of the hub share its deliveries, consumption and stock by their need, or by
     * population when nothing is needed, or equally when nobody lives there. Consumption is
     * at most the need each day, so each region's share is at most its own need. */
    double pop = 0;
    size_t n_served = 0;
    for (size_t r = 0; r < s->n_regions; r++)
        if (s->regions[r].hub == hub) {
            pop += m->population[r];
            n_served++;
        }
    for (size_t r = 0; r < s->n_regions; r++) {
        if (s->regions[r].hub != hub) continue;
        double need_r = m->population[r] * s->categories[c].daily_need;
        double local_r = m->population[r] * hubs_local_per_person(m, r, c);
        /* The region's share of the hub: of what it asks of the hub. */
        double share = need > 0 ? (need_r - local_r) / need : pop > 0 ? m->population[r] / pop : 1.0 / (double)n_served;
        /* Where people keep a stock at home, what they ate and what they were handed are
         * their own (hubs.c), not a share of the hub's. */
        bool own = m->people_today[k];
        double got_r = local_r + (own ? m->people_used[r * nc + c] : used * share);
        size_t rc = r * nc + c;
        m->region_need[rc] += need_r;
        m->region_consumed[rc] += got_r;
        m->region_delivered[rc] += m->hub_in_tonnes[k] * share;
        windows_record_region(m, day, r, c, need_r, got_r);
        if (need_r > 0 && got_r < s->coverage_target * need_r * (1 - 1e-12))
            m->region_days_below[rc] += 1;
        if (!res->daily) continue;
        af_daily_cell *cell = &res->daily[((size_t)day * s->n_regions + r) * nc + c];
        cell->trucks_delivered = m->hub_in_trucks[k] * share;
        cell->tonnes_delivered = m->hub_in_tonnes[k] * share;
        cell->need_tonnes = need_r;
        cell->consumed_tonnes = got_r;
        cell->unmet_tonnes = need_r - cell->consumed_tonnes;
        if (cell->unmet_tonnes < 0) cell->unmet_tonnes = 0;
        cell->stock_tonnes = m->hub_stock[k] * share;
        const double *basis = &m->hub_day_basis[k * N_BASES];
        cell->trucks_inspected = basis[BASIS_INSPECTED] * share;
        cell->trucks_entered = basis[BASIS_ENTERED] * share;
        cell->trucks_offloaded = basis[BASIS_OFFLOADED] * share;
        cell->trucks_collected = basis[BASIS_COLLECTED] * share;
        cell->tonnes_distributed = own ? m->people_took[r * nc + c] : used * share;
    }
}

void results_record_stations(model *m, int day)
{
    af_time now = af_sim_now(m->sim);
    af_result *res = m->res;
    for (size_t i = 0; i < m->n_stations; i++) {
        mstation *ms = &m->stations[i];
        const af_station_stats *st = af_station_get_stats(ms->st);
        double busy_area = af_timeavg_area(&st->busy, now);
        double open = af_schedule_open_minutes(ms->sched, now - AF_MINUTES_PER_DAY, now) -
                      ms->closed_minutes_today;
        if (open < 0) open = 0;
        ms->open_today = open;
        ms->served_total += (double)st->served;
        ms->busy_area_total += busy_area;
        ms->open_minutes_total += open;
        ms->lane_open_minutes_total += ms->lanes * open;
        af_tally_merge(&ms->wait_total, &st->wait);
        af_tally_merge(&ms->blocked_total, &st->blocked_wait);
        if (!res->stations) continue;
        af_station_day *d = &res->stations[(size_t)day * m->n_stations + i];
        d->arrivals = (double)st->arrivals;
        d->served = (double)st->served;
        d->flagged = ms->flagged_today;
        d->rejected = ms->rejected_today;
        d->blocked = (double)st->blocked_arrivals;
        d->queue_mean = af_timeavg_mean(&st->queue, now);
        d->queue_midnight = (double)(af_station_queue_length(ms->st) + af_station_blocked_count(ms->st));
        d->wait_mean_min = st->wait.n ? af_tally_mean(&st->wait) : NAN;
        /* Busy lane-minutes over open lane-minutes: a station open 8 hours and busy all of
         * them is at 100%, not 33%. Work that finishes after closing can push it past 1. */
        d->utilisation = open > 0 ? busy_area / (ms->lanes * open) : 0;
        d->open_hours = open / 60;
    }
}

/* Metric names are built with printf-style formats; the result owns every string. */
typedef struct metric_list {
    af_result *r;
    size_t cap;
    bool oom;
} metric_list;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void add(metric_list *l, double value, const char *fmt, ...)
{
    af_result *r = l->r;
    if (l->oom) return;
    if (r->n_metrics == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        const char **names = realloc(r->metric_names, cap * sizeof *names);
        if (names) r->metric_names = names;
        double *vals = names ? realloc(r->metrics, cap * sizeof *vals) : NULL;
        if (vals) r->metrics = vals;
        if (!names || !vals) {
            l->oom = true;
            return;
        }
        l->cap = cap;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *name = strdup(buf);
    if (!name) {
        l->oom = true;
        return;
    }
    r->metric_names[r->n_metrics] = name;
    r->metrics[r->n_metrics] = value;
    r->n_metrics++;
}

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

/* End-to-end times (times.c), the time blocked upstream of each station, and the binding
 * constraint's share of the horizon for every station, leg and Gaza side (binding.c). */
static void times_and_binding(model *m, metric_list *l)
{
    double mean, p95;
    times_finish(m);
    times_horizon(m, false, &mean, &p95);
    add(l, mean, "time.dispatch_to_entry.mean");
    add(l, p95, "time.dispatch_to_entry.p95");
    times_horizon(m, true, &mean, &p95);
    add(l, mean, "time.dispatch_to_delivery.mean");
    add(l, p95, "time.dispatch_to_delivery.p95");
    for (size_t i = 0; i < m->n_stations; i++) {
        const mstation *ms = &m->stations[i];
        /* Minutes blocked upstream per truck that started service: the blocked trucks'
         * total over the trucks the queue wait is the mean of. */
        double n = (double)ms->wait_total.n;
        double blocked = !(n > 0)                  ? NAN
                         : ms->blocked_total.n == 0 ? 0
                                                    : af_tally_mean(&ms->blocked_total) * (double)ms->blocked_total.n / n;
        add(l, blocked, "station.%s.blocked_mean_min", ms->name);
        add(l, n > 0 ? af_tally_mean(&ms->wait_total) + blocked : NAN, "station.%s.wait_incl_blocked_mean_min",
            ms->name);
    }
    double days = m->scn->horizon_days;
    char name[512];
    for (size_t i = 0; i < binding_count(m); i++) {
        double bound;
        if (binding_element(m, i, &bound, name, sizeof name)) add(l, bound / days, "%s", name);
    }
    add(l, binding_none_days(m) / days, "binding.none_share");
}

void results_finish(model *m)
{
    const af_scenario *s = m->scn;
    af_result *r = m->res;
    r->events = af_sim_events_run(m->sim);
    ledger total = model_ledger_all(m);
    const ledger *a = &total, *w = &m->at_warmup;
    double days = s->horizon_days;
    double in_system = trucks_tonnes_in_system(m);
    metric_list l = {.r = r};
#define D(field) (a->field - w->field)
    add(&l, D(trucks_dispatched), "trucks.dispatched");
    add(&l, D(trucks_redispatched), "trucks.redispatched");
    add(&l, D(trucks_entered), "trucks.entered");
    add(&l, D(trucks_entered) / days, "trucks_per_day.entered");
    add(&l, D(trucks_delivered), "trucks.delivered");
    add(&l, D(trucks_held), "trucks.held");
    add(&l, D(trucks_cleared_after_hold), "trucks.cleared_after_hold");
    add(&l, D(trucks_rejected), "trucks.rejected");
    add(&l, D(trucks_written_off), "trucks.written_off");
    add(&l, D(trucks_lost), "trucks.lost");
    add(&l, D(trucks_unsupplied), "trucks.unsupplied");
    add(&l, D(trucks_diverted), "trucks.diverted");
    add(&l, D(trucks_returned_to_origin), "trucks.returned_to_origin");
    add(&l, (double)m->live_trucks, "trucks.in_system");
    if (yards_any(m)) {
        /* Only with a yard, so that scenarios without one keep their metrics. */
        add(&l, D(trucks_held_back), "trucks.held_back");
        /* Waiting in a yard (positions.c's in_yard, counted as the trucks move): holding the
         * place it was dispatched with, at the first leg's start or blocked before a station. */
        double in_yard = 0;
        for (size_t n = 0; n < m->scn->n_nodes; n++)
            in_yard += (double)m->place_trucks[n * AF_N_POSITIONS + AF_POS_IN_YARD];
        add(&l, in_yard, "trucks.in_yard");
    }
    add(&l, D(tonnes_dispatched), "tonnes.dispatched");
    add(&l, D(tonnes_delivered), "tonnes.delivered");
    add(&l, D(tonnes_lost), "tonnes.lost");
    add(&l, D(tonnes_written_off), "tonnes.written_off");
    add(&l, D(tonnes_offloaded), "tonnes.offloaded");
    add(&l, D(tonnes_returned_to_origin), "tonnes.returned_to_origin");
    add(&l, in_system, "tonnes.in_system");
    /* The backlog the measured period started with (at the end of the warm-up), so that
     * conservation closes from the outputs: dispatched - ended + at start = in system. */
    add(&l, m->start_trucks, "trucks.in_system_at_start");
    add(&l, m->start_tonnes, "tonnes.in_system_at_start");
    for (int k = 0; k < TRUCK_STAGES; k++)
        add(&l, m->start_stage_trucks[k], "trucks.at_start_%s", trucks_stage_name(k));
    for (int k = 0; k < TRUCK_STAGES; k++)
        add(&l, m->start_stage_tonnes[k], "tonnes.at_start_%s", trucks_stage_name(k));
    add(&l, D(tonnes_need), "tonnes.need");
    add(&l, D(tonnes_consumed), "tonnes.consumed");
    add(&l, D(tonnes_need) - D(tonnes_consumed), "tonnes.unmet");
    /* Every counting basis, in the order cargo meets them (docs/OUTPUTS.md). */
    add(&l, D(trucks_inspected), "trucks.inspected");
    add(&l, D(trucks_inspected) / days, "trucks_per_day.inspected");
    add(&l, D(trucks_offloaded), "trucks.offloaded");
    add(&l, D(trucks_offloaded) / days, "trucks_per_day.offloaded");
    add(&l, D(trucks_collected), "trucks.collected");
    add(&l, D(trucks_collected) / days, "trucks_per_day.collected");
    add(&l, D(trucks_delivered) / days, "trucks_per_day.delivered");
    add(&l, D(trucks_returned), "trucks.returned");
    add(&l, D(trucks_denied), "trucks.denied");
    add(&l, D(trucks_intercepted), "trucks.intercepted");
    add(&l, (double)gaza_side_waiting(m), "trucks.awaiting_collection");
    add(&l, D(tonnes_returned), "tonnes.returned");
    add(&l, D(tonnes_distributed), "tonnes.distributed");
    add(&l, D(tonnes_distributed) / days, "tonnes_per_day.distributed");
    add(&l, D(tonnes_outside_need), "tonnes.outside_need");
    add(&l, D(tonnes_spoiled), "tonnes.spoiled");
    if (hubs_any_people_stock(m)) {
        /* Only where a region keeps a stock at home, so that other scenarios keep their
         * metrics: that stock at the end, in all and by category. */
        size_t nc = s->n_categories;
        double all = 0;
        for (size_t c = 0; c < nc; c++)
            for (size_t g = 0; g < s->n_regions; g++) all += m->people_stock[g * nc + c];
        add(&l, all, "tonnes.people_stock");
        for (size_t c = 0; c < nc; c++) {
            double sum = 0;
            for (size_t g = 0; g < s->n_regions; g++) sum += m->people_stock[g * nc + c];
            add(&l, sum, "tonnes.people_stock.%s", s->categories[c].name);
        }
    }
#undef D
    /* Each counting basis again by sender class (docs/OUTPUTS.md): the UN's figures count
     * humanitarian cargo, COGAT's everything that crossed. */
    double live[AF_SCN_N_SENDERS] = {0};
    for (uint32_t i = 0; i < m->n_trucks_cap; i++)
        if (m->trucks[i].alive) live[m->trucks[i].sender]++;
    for (int k = 0; k < AF_SCN_N_SENDERS; k++) {
        const ledger *b = &m->by_sender[k], *bw = &m->by_sender_at_warmup[k];
        const char *who = af_scn_sender_name(k);
#define S(field) (b->field - bw->field)
        add(&l, S(trucks_dispatched), "trucks.dispatched.%s", who);
        add(&l, S(trucks_inspected), "trucks.inspected.%s", who);
        add(&l, S(trucks_inspected) / days, "trucks_per_day.inspected.%s", who);
        add(&l, S(trucks_entered), "trucks.entered.%s", who);
        add(&l, S(trucks_entered) / days, "trucks_per_day.entered.%s", who);
        add(&l, S(trucks_offloaded), "trucks.offloaded.%s", who);
        add(&l, S(trucks_offloaded) / days, "trucks_per_day.offloaded.%s", who);
        add(&l, S(trucks_collected), "trucks.collected.%s", who);
        add(&l, S(trucks_collected) / days, "trucks_per_day.collected.%s", who);
        add(&l, S(trucks_delivered), "trucks.delivered.%s", who);
        add(&l, S(trucks_delivered) / days, "trucks_per_day.delivered.%s", who);
        add(&l, S(trucks_denied), "trucks.denied.%s", who);
        add(&l, S(trucks_lost), "trucks.lost.%s", who);
        add(&l, S(trucks_written_off), "trucks.written_off.%s", who);
        add(&l, S(trucks_returned), "trucks.returned.%s", who);
        add(&l, S(trucks_returned_to_origin), "trucks.returned_to_origin.%s", who);
        add(&l, live[k], "trucks.in_system.%s", who);
        add(&l, S(tonnes_dispatched), "tonnes.dispatched.%s", who);
        add(&l, S(tonnes_delivered), "tonnes.delivered.%s", who);
        add(&l, S(tonnes_outside_need), "tonnes.outside_need.%s", who);
#undef S
    }
    size_t nc = s->n_categories;
    double all_del = 0, all_need = 0;
    for (size_t c = 0; c < nc; c++) {
        double del = 0, need = 0;
        for (int d = 0; d < s->horizon_days; d++) {
            del += m->cov_day_delivered[(size_t)d * nc + c];
            need += m->cov_day_need[(size_t)d * nc + c];
        }
        /* A category nobody needs (commercial cargo, say) has no coverage and does not
         * inflate the coverage of all categories. */
        if (need > 0) {
            all_del += del;
            all_need += need;
        }
        add(&l, ratio(del, need), "coverage.%s", s->categories[c].name);
    }
    add(&l, ratio(all_del, all_need), "coverage.all");
    /* Need met and unmet person-days, from the consumption summed per category each day. */
    for (size_t c = 0; c < nc; c++) {
        double need = 0;
        for (int d = 0; d < s->horizon_days; d++) need += m->cov_day_need[(size_t)d * nc + c];
        double consumed = m->consumed_by_category[c];
        add(&l, ratio(consumed, need), "need_met.%s", s->categories[c].name);
        double per_person = s->categories[c].daily_need;
        add(&l, per_person > 0 ? (need - consumed) / per_person : 0, "unmet_person_days.%s",
            s->categories[c].name);
    }
    /* Need met per region: what the region consumed over what it needed (consumption is
     * capped by need each day), coverage per region, the worst region, and the days below
     * the coverage target. A region that needs nothing of a category has none (NaN) and is
     * left out of the minimum. */
    for (size_t c = 0; c < nc; c++) {
        const char *cat = s->categories[c].name;
        double worst = INFINITY;
        for (size_t g = 0; g < s->n_regions; g++) {
            size_t rc = g * nc + c;
            double met = ratio(m->region_consumed[rc], m->region_need[rc]);
            if (met < worst) worst = met;
            add(&l, met, "need_met.%s.%s", cat, s->regions[g].name);
        }
        add(&l, isfinite(worst) ? worst : NAN, "need_met.%s.min_region", cat);
        for (size_t g = 0; g < s->n_regions; g++) {
            size_t rc = g * nc + c;
            add(&l, ratio(m->region_delivered[rc], m->region_need[rc]), "coverage.%s.%s", cat,
                s->regions[g].name);
        }
        for (size_t g = 0; g < s->n_regions; g++)
            add(&l, m->region_days_below[g * nc + c], "days_below_target.%s.%s", cat,
                s->regions[g].name);
    }
    for (size_t c = 0; c < nc; c++) {
        double first = days + 1;
        for (int d = 0; d < s->horizon_days; d++) {
            double need = m->cov_day_need[(size_t)d * nc + c];
            if (need > 0 && m->cov_day_delivered[(size_t)d * nc + c] / need >= s->coverage_target) {
                first = d + 1;
                break;
            }
        }
        add(&l, first, "days_to_target.%s", s->categories[c].name);
    }
    double best = -1;
    for (size_t i = 0; i < m->n_stations; i++) {
        const mstation *ms = &m->stations[i];
        /* With the same lanes throughout, lanes times the open minutes (as it always was);
         * after a dated change of lanes, the open lane-minutes day by day. */
        double open_lane_minutes = ms->lanes_varied ? ms->lane_open_minutes_total
                                                    : ms->lanes * ms->open_minutes_total;
        double util = open_lane_minutes > 0 ? ms->busy_area_total / open_lane_minutes : 0;
        add(&l, util, "station.%s.utilisation", ms->name);
        add(&l, ms->wait_total.n ? af_tally_mean(&ms->wait_total) : NAN, "station.%s.wait_mean_min", ms->name);
        add(&l, ms->served_total / days, "station.%s.served_per_day", ms->name);
        if (util > best) {
            best = util;
            r->bottleneck = i;
        }
    }
    add(&l, best < 0 ? NAN : best, "bottleneck.utilisation");
    for (size_t i = 0; i < s->n_crossings; i++) {
        const gaza_side *g = gaza_side_of(m, i);
        if (g)
            add(&l, (double)g->waiting, "gaza_side.%s.awaiting_collection",
                s->nodes[s->crossings[i].st.node].name);
    }
    times_and_binding(m, &l);
    /* Window metrics, when asked for, after every ordinary one (model/windows.c). */
    for (size_t i = 0; i < windows_count(m); i++)
        add(&l, windows_value(m, i), "%s", m->opts->windows[i]);
    if (l.oom) m->failed = true;
}

void af_result_free(af_result *r)
{
    if (!r) return;
    if (r->station_names)
        for (size_t i = 0; i < r->n_stations; i++) free((char *)r->station_names[i]);
    free(r->station_names);
    for (size_t i = 0; i < r->n_metrics; i++) free((char *)r->metric_names[i]);
    free(r->metric_names);
    free(r->metrics);
    free(r->daily);
    free(r->stations);
    if (r->node_names)
        for (size_t i = 0; i < r->n_nodes; i++) free((char *)r->node_names[i]);
    free(r->node_names);
    free(r->positions);
    free(r);
}

size_t af_result_metric(const af_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_metrics; i++)
        if (!strcmp(r->metric_names[i], name)) return i;
    return (size_t)-1;
}
