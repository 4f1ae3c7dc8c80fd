/* The canonical YAML of a resolved scenario: every value explicit, in the resolved units,
 * keys in a fixed order and numbers in their shortest exact form, so that loading it gives
 * the same scenario and writing that gives the same bytes (the hash depends on it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/hash.h"
#include "base/num.h"
#include "scenario/assumptions.h"
#include "scenario/units.h"

/* The shortest text that reads back as exactly x (af_fmt_num), but zero is never "-0". */
static const char *num(double x, char buf[AF_NUM_SIZE])
{
    if (x == 0) x = 0;
    if (isnan(x)) return "nan";
    return af_fmt_num(buf, AF_NUM_SIZE, x);
}

static void indent(af_buf *b, int n)
{
    for (int i = 0; i < n; i++) af_buf_putn(b, " ", 1);
}

/* A double-quoted YAML string. Code points libyaml would refuse to read raw (controls, C1,
 * BOM, non-characters) are escaped. */
static void quoted(af_buf *b, const char *s)
{
    af_buf_put(b, "\"");
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t n = 1;
        unsigned cp = c;
        if (c >= 0xF0 && p[1] && p[2] && p[3]) {
            cp = ((c & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u);
            n = 4;
        } else if (c >= 0xE0 && p[1] && p[2]) {
            cp = ((c & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
            n = 3;
        } else if (c >= 0xC0 && p[1]) {
            cp = ((c & 31u) << 6) | (p[1] & 63u);
            n = 2;
        }
        bool printable = cp == 0x09 || (cp >= 0x20 && cp <= 0x7E) || cp == 0x85 ||
                         (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD && cp != 0xFEFF) ||
                         (cp >= 0x10000 && cp <= 0x10FFFF);
        if (cp == '"' || cp == '\\') {
            af_buf_printf(b, "\\%c", (char)cp);
        } else if (cp == '\n') {
            af_buf_put(b, "\\n");
        } else if (!printable || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
            if (cp <= 0xFF)
                af_buf_printf(b, "\\x%02X", cp);
            else if (cp <= 0xFFFF)
                af_buf_printf(b, "\\u%04X", cp);
            else
                af_buf_printf(b, "\\U%08X", cp);
        } else {
            af_buf_putn(b, (const char *)p, n);
        }
        p += n;
    }
    af_buf_put(b, "\"");
}

static void date(af_buf *b, const af_scenario *s, long day)
{
    char iso[11];
    af_iso_date(af_days_from_civil(s->start_year, s->start_month, s->start_day) + day, iso);
    af_buf_put(b, iso);
}

static void hhmm(af_buf *b, double minutes)
{
    int m = (int)minutes;
    af_buf_printf(b, "%02d:%02d", m / 60, m % 60);
}

static void dist(af_buf *b, const af_scn_dist *d)
{
    char x[AF_NUM_SIZE], y[AF_NUM_SIZE], z[AF_NUM_SIZE];
    const double *p = d->param;
    switch (d->kind) {
    case AF_DIST_CONSTANT: af_buf_printf(b, "%s min", num(p[0], x)); break;
    case AF_DIST_EXPONENTIAL: af_buf_printf(b, "{exponential: %s min}", num(p[0], x)); break;
    case AF_DIST_UNIFORM:
        af_buf_printf(b, "{uniform: {low: %s min, high: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_TRIANGULAR:
        af_buf_printf(b, "{triangular: {low: %s min, mode: %s min, high: %s min}}", num(p[0], x),
                num(p[1], y), num(p[2], z));
        break;
    case AF_DIST_LOGNORMAL:
        af_buf_printf(b, "{lognormal: {mean: %s min, sd: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_GAMMA:
        af_buf_printf(b, "{gamma: {shape: %s, scale: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_WEIBULL:
        af_buf_printf(b, "{weibull: {shape: %s, scale: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_EMPIRICAL:
        af_buf_put(b, "{empirical: [");
        for (size_t i = 0; i < d->n; i++)
            af_buf_printf(b, "%s[%s min, %s]", i ? ", " : "", num(d->values[i], x),
                    num(d->weights[i], y));
        af_buf_put(b, "]}");
        break;
    }
}

/* {food: 12 /d, water: 0 /d}: every category, in category order. */
static void table(af_buf *b, const af_scenario *s, const double *v, const char *unit)
{
    char x[AF_NUM_SIZE];
    af_buf_put(b, "{");
    for (size_t c = 0; c < s->n_categories; c++)
        af_buf_printf(b, "%s%s: %s%s", c ? ", " : "", s->categories[c].name, num(v ? v[c] : 0, x),
                unit);
    af_buf_put(b, "}");
}

/* A time since the start: the date alone at midnight, else "YYYY-MM-DD HH:MM". */
static void instant(af_buf *b, const af_scenario *s, double minutes)
{
    long day = (long)floor(minutes / 1440);
    if (fmod(minutes, 1440) == 0) {
        date(b, s, day);
        return;
    }
    af_buf_put(b, "\"");
    date(b, s, day);
    af_buf_put(b, " ");
    hhmm(b, minutes - (double)day * 1440);
    af_buf_put(b, "\"");
}

static void closures(af_buf *b, const af_scenario *s, const af_scn_period *p, size_t n, int ind)
{
    if (n == 0) {
        af_buf_put(b, " []\n");
        return;
    }
    af_buf_put(b, "\n");
    for (size_t i = 0; i < n; i++) {
        indent(b, ind);
        if (isinf(p[i].to)) {
            af_buf_put(b, "- {from: ");
            instant(b, s, p[i].from);
            af_buf_put(b, "}\n");
            continue;
        }
        af_buf_put(b, "- [");
        bool whole = fmod(p[i].from, 1440) == 0 && fmod(p[i].to, 1440) == 0;
        if (whole) {
            date(b, s, (long)floor(p[i].from / 1440));
            af_buf_put(b, ", ");
            date(b, s, (long)floor(p[i].to / 1440) - 1);
        } else {
            const double ends[2] = {p[i].from, p[i].to};
            for (int k = 0; k < 2; k++) {
                long day = (long)floor(ends[k] / 1440);
                af_buf_put(b, k ? ", \"" : "\"");
                date(b, s, day);
                af_buf_put(b, " ");
                hhmm(b, ends[k] - (double)day * 1440);
                af_buf_put(b, "\"");
            }
        }
        af_buf_put(b, "]\n");
    }
}

static void hours(af_buf *b, const af_scn_hours *h, int ind)
{
    if (!h->weekly) {
        af_buf_put(b, " always\n");
        return;
    }
    af_buf_put(b, "\n");
    for (int d = 0; d < 7; d++) {
        indent(b, ind);
        af_buf_printf(b, "%s:", units_weekday_name(d));
        if (h->n[d] == 0) {
            af_buf_put(b, " closed\n");
            continue;
        }
        af_buf_put(b, " [");
        for (size_t i = 0; i < h->n[d]; i++) {
            af_buf_put(b, i ? ", \"" : "\"");
            hhmm(b, h->intervals[d][i].open);
            af_buf_put(b, "-");
            hhmm(b, h->intervals[d][i].close);
            af_buf_put(b, "\"");
        }
        af_buf_put(b, "]\n");
    }
}

static void station(af_buf *b, const af_scenario *s, const af_scn_station *st)
{
    char x[AF_NUM_SIZE];
    af_buf_printf(b, "  - name: %s\n", s->nodes[st->node].name);
    af_buf_printf(b, "    lanes: %u\n", st->lanes);
    af_buf_put(b, "    service: ");
    dist(b, &st->service);
    af_buf_put(b, "\n    service_by_category: {");
    bool first = true;
    for (size_t c = 0; c < s->n_categories; c++) {
        if (!st->has_category_service || !st->has_category_service[c]) continue;
        af_buf_printf(b, "%s%s: ", first ? "" : ", ", s->categories[c].name);
        dist(b, &st->category_service[c]);
        first = false;
    }
    af_buf_put(b, "}\n    hours:");
    hours(b, &st->hours, 6);
    af_buf_put(b, "    closures:");
    closures(b, s, st->closures, st->n_closures, 6);
    if (st->has_random_closures) {
        af_buf_printf(b, "    random_closures: {rate: %s /d, duration: ", num(st->closure_rate, x));
        dist(b, &st->closure_duration);
        af_buf_put(b, "}\n");
    }
    if (st->daily_cap)
        af_buf_printf(b, "    daily_cap: %u\n", (unsigned)st->daily_cap);
    else
        af_buf_put(b, "    daily_cap: none\n");
    if (st->queue_limit)
        af_buf_printf(b, "    queue_limit: %zu\n", st->queue_limit);
    else
        af_buf_put(b, "    queue_limit: none\n");
    af_buf_printf(b, "    discipline: %s\n", st->discipline == AF_QUEUE_PRIORITY ? "priority" : "fcfs");
    af_buf_printf(b, "    at_closing: %s\n", st->at_closing == AF_WIP_SUSPEND ? "suspend" : "finish");
    if (st->has_opens) {
        af_buf_put(b, "    opens: ");
        instant(b, s, st->opens);
        af_buf_put(b, "\n");
    }
}

static void names_list(af_buf *b, const af_scenario *s, const size_t *idx, size_t n, bool nodes)
{
    af_buf_put(b, "[");
    for (size_t i = 0; i < n; i++)
        af_buf_printf(b, "%s%s", i ? ", " : "",
                nodes ? s->nodes[idx[i]].name : s->regions[idx[i]].name);
    af_buf_put(b, "]");
}

static void write_all(af_buf *b, const af_scenario *s)
{
    char x[AF_NUM_SIZE];
    af_buf_put(b, "name: ");
    quoted(b, s->name);
    af_buf_put(b, "\ndescription: ");
    quoted(b, s->description ? s->description : "");
    af_buf_put(b, "\nsources:");
    if (!s->n_sources) af_buf_put(b, " []");
    for (size_t i = 0; i < s->n_sources; i++) {
        af_buf_put(b, "\n  - ");
        quoted(b, s->sources[i]);
    }
    af_buf_printf(b, "\nstart: %04d-%02d-%02d\n", s->start_year, s->start_month, s->start_day);
    af_buf_printf(b, "horizon: %d d\nwarmup: %d d\n", s->horizon_days, s->warmup_days);
    af_buf_printf(b, "seed: %llu\nreplications: %u\n", (unsigned long long)s->seed, s->replications);
    af_buf_printf(b, "report:\n  coverage_target: %s\n", num(s->coverage_target, x));
    af_buf_printf(b, "  confidence: %s\n", num(s->confidence, x));
    static const char *const policies[] = {"fixed_shares", "shortest_delay",
                                           "reroute_on_closure", "shares_within"};
    af_buf_printf(b, "routing:\n  policy: %s\n", policies[s->policy]);
    if (s->policy_tolerance != 0)
        af_buf_printf(b, "  tolerance: %s min\n", num(s->policy_tolerance, x));
    static const char *const on_closure[] = {"wait", "divert", "return"};
    if (s->on_closure != AF_SCN_CLOSURE_DIVERT)
        af_buf_printf(b, "  on_closure: %s\n", on_closure[s->on_closure]);
    if (s->patience != 360) af_buf_printf(b, "  patience: %s min\n", num(s->patience, x));

    af_buf_put(b, "categories:\n");
    for (size_t i = 0; i < s->n_categories; i++) {
        const af_scn_category *c = &s->categories[i];
        af_buf_printf(b, "  - name: %s\n", c->name);
        af_buf_printf(b, "    tonnes_per_truck: %s t\n", num(c->tonnes_per_truck, x));
        af_buf_printf(b, "    daily_need: %s t\n", num(c->daily_need, x));
        af_buf_printf(b, "    dual_use: %s\n", num(c->dual_use, x));
        af_buf_printf(b, "    priority: %d\n", c->priority);
        if (c->shelf_life_days > 0) af_buf_printf(b, "    shelf_life: %d d\n", c->shelf_life_days);
    }

    af_buf_put(b, "regions:\n");
    for (size_t i = 0; i < s->n_regions; i++) {
        const af_scn_region *r = &s->regions[i];
        af_buf_printf(b, "  - name: %s\n    population: %s\n    shifts:", r->name,
                num(r->population, x));
        if (!r->n_shifts) af_buf_put(b, " []");
        for (size_t k = 0; k < r->n_shifts; k++) {
            const af_scn_shift *sh = &r->shifts[k];
            af_buf_put(b, "\n      - {date: ");
            date(b, s, sh->day);
            af_buf_printf(b, ", to: %s, ", s->regions[sh->to].name);
            if (sh->by_share)
                af_buf_printf(b, "share: %s}", num(sh->share, x));
            else
                af_buf_printf(b, "people: %s}", num(sh->people, x));
        }
        af_buf_put(b, "\n");
        bool local = false;
        for (size_t c = 0; r->local_supply && c < s->n_categories; c++)
            local = local || r->local_supply[c] != 0;
        if (local) {
            af_buf_put(b, "    local_supply: ");
            table(b, s, r->local_supply, " t");
            af_buf_put(b, "\n");
        }
        bool kept = false;
        for (size_t c = 0; r->stock_days && c < s->n_categories; c++)
            kept = kept || r->stock_days[c] != 0;
        if (kept) {
            af_buf_put(b, "    stock_days: ");
            table(b, s, r->stock_days, " min");
            af_buf_put(b, "\n");
        }
    }

    af_buf_put(b, "holds:");
    if (!s->n_holds) af_buf_put(b, " []");
    af_buf_put(b, "\n");
    for (size_t i = 0; i < s->n_holds; i++) {
        const af_scn_hold *h = &s->holds[i];
        af_buf_printf(b, "  - name: %s\n    duration: ", h->name);
        dist(b, &h->duration);
        af_buf_printf(b, "\n    cleared: %s\n", num(h->cleared, x));
        af_buf_printf(b, "    partial: %s\n", num(h->partial, x));
        af_buf_printf(b, "    rejected: %s\n", num(h->rejected, x));
        af_buf_printf(b, "    offload_fraction: %s\n", num(h->offload_fraction, x));
        af_buf_printf(b, "    on_reject: %s\n",
                h->on_reject == AF_SCN_REDISPATCH ? "redispatch" : "write_off");
        if (h->on_reject == AF_SCN_REDISPATCH) {
            af_buf_put(b, "    repack: ");
            dist(b, &h->repack);
            af_buf_put(b, "\n");
        }
    }

    af_buf_put(b, "origins:\n");
    for (size_t i = 0; i < s->n_origins; i++) {
        const af_scn_origin *o = &s->origins[i];
        af_buf_printf(b, "  - name: %s\n    dispatch: ", s->nodes[o->node].name);
        if (o->dispatch == AF_SCN_DISPATCH_POISSON) {
            af_buf_put(b, "poisson\n");
        } else {
            af_buf_put(b, "\"");
            hhmm(b, o->window_open);
            af_buf_put(b, "-");
            hhmm(b, o->window_close);
            af_buf_put(b, "\"\n");
        }
        if (o->policy != AF_SCN_POLICY_OF_SCENARIO)
            af_buf_printf(b, "    policy: %s\n", policies[o->policy]);
        if (!isnan(o->policy_tolerance))
            af_buf_printf(b, "    tolerance: %s min\n", num(o->policy_tolerance, x));
        if (o->on_closure != AF_SCN_POLICY_OF_SCENARIO)
            af_buf_printf(b, "    on_closure: %s\n", on_closure[o->on_closure]);
        if (!isnan(o->patience)) af_buf_printf(b, "    patience: %s min\n", num(o->patience, x));
        if (o->sender == AF_SCN_COMMERCIAL) {
            af_buf_put(b, "    sender: commercial\n");
            bool some = false;
            for (size_t c = 0; o->reaches_people && c < s->n_categories; c++)
                some = some || o->reaches_people[c] != 1;
            if (some) {
                af_buf_put(b, "    reaches_people: ");
                table(b, s, o->reaches_people, "");
                af_buf_put(b, "\n");
            }
        }
        if (o->has_yard) af_buf_printf(b, "    yard: {capacity: %zu}\n", o->yard_capacity);
        af_buf_put(b, "    plan:\n");
        for (size_t k = 0; k < o->n_steps; k++) {
            af_buf_put(b, "      - from: ");
            date(b, s, o->steps[k].day);
            af_buf_put(b, "\n        trucks: ");
            table(b, s, o->steps[k].trucks, " /d");
            af_buf_put(b, "\n");
        }
        if (o->has_stock) {
            af_buf_put(b, "    stock: ");
            table(b, s, o->stock, " t");
            af_buf_put(b, "\n    replenish: ");
            table(b, s, o->replenish, " t/d");
            af_buf_put(b, "\n");
        }
    }

    af_buf_put(b, "inspections:");
    if (!s->n_inspections) af_buf_put(b, " []");
    af_buf_put(b, "\n");
    for (size_t i = 0; i < s->n_inspections; i++) {
        const af_scn_inspection *in = &s->inspections[i];
        station(b, s, &in->st);
        af_buf_put(b, "    flags: ");
        table(b, s, in->flag, "");
        af_buf_put(b, "\n");
        if (in->hold != AF_SCN_NONE) af_buf_printf(b, "    hold: %s\n", s->holds[in->hold].name);
    }

    af_buf_put(b, "crossings:\n");
    for (size_t i = 0; i < s->n_crossings; i++) {
        const af_scn_crossing *c = &s->crossings[i];
        station(b, s, &c->st);
        if (c->has_transfer) {
            af_buf_printf(b, "    transfer: {lanes: %u, service: ", c->transfer_lanes);
            dist(b, &c->transfer_service);
            af_buf_put(b, "}\n");
        }
        if (c->has_gaza_side) {
            char y[AF_NUM_SIZE];
            af_buf_put(b, "    gaza_side:\n");
            if (c->gs_waiting_area)
                af_buf_printf(b, "      waiting_area: %zu\n", c->gs_waiting_area);
            else
                af_buf_put(b, "      waiting_area: none\n");
            af_buf_printf(b, "      collection: %u\n", c->gs_collection);
            af_buf_printf(b, "      denial: %s\n", num(c->gs_denial, y));
            if (c->gs_denial_commercial != c->gs_denial)
                af_buf_printf(b, "      commercial_denial: %s\n", num(c->gs_denial_commercial, y));
            af_buf_printf(b, "      interception: %s\n", num(c->gs_interception, y));
            af_buf_printf(b, "      return_rate: %s\n", num(c->gs_return, y));
            af_buf_put(b, "      pauses:");
            closures(b, s, c->gs_pauses, c->gs_n_pauses, 8);
        }
    }

    af_buf_put(b, "hubs:\n");
    for (size_t i = 0; i < s->n_hubs; i++) {
        const af_scn_hub *h = &s->hubs[i];
        af_buf_printf(b, "  - name: %s\n    serves: ", s->nodes[h->node].name);
        names_list(b, s, h->serves, h->n_serves, false);
        af_buf_put(b, "\n    stock: ");
        table(b, s, h->stock, " t");
        if (h->capacity > 0)
            af_buf_printf(b, "\n    capacity: %s t\n", num(h->capacity, x));
        else
            af_buf_put(b, "\n    capacity: none\n");
        if (h->distribution > 0) af_buf_printf(b, "    distribution: %s t/d\n", num(h->distribution, x));
    }

    af_buf_put(b, "legs:\n");
    for (size_t i = 0; i < s->n_legs; i++) {
        const af_scn_leg *l = &s->legs[i];
        af_buf_printf(b, "  - name: %s\n    from: %s\n    to: %s\n    travel: ", l->name,
                s->nodes[l->from].name, s->nodes[l->to].name);
        dist(b, &l->travel);
        if (l->capacity)
            af_buf_printf(b, "\n    capacity: %u\n", (unsigned)l->capacity);
        else
            af_buf_put(b, "\n    capacity: none\n");
        af_buf_printf(b, "    loss: %s\n", num(l->loss, x));
        if (l->has_escort) {
            af_buf_put(b, "    escort: {wait: ");
            dist(b, &l->escort_wait);
            af_buf_put(b, "}\n");
        }
        af_buf_put(b, "    closures:");
        closures(b, s, l->closures, l->n_closures, 6);
        if (l->has_opens) {
            af_buf_put(b, "    opens: ");
            instant(b, s, l->opens);
            af_buf_put(b, "\n");
        }
    }

    af_buf_put(b, "routes:\n");
    for (size_t i = 0; i < s->n_routes; i++) {
        const af_scn_route *r = &s->routes[i];
        af_buf_printf(b, "  - name: %s\n    origin: %s\n    via: ", r->name,
                s->nodes[s->origins[r->origin].node].name);
        names_list(b, s, r->nodes + 1, r->n_nodes - 2, true);
        af_buf_printf(b, "\n    hub: %s\n", s->nodes[s->hubs[r->hub].node].name);
        if (r->has_share) af_buf_printf(b, "    share: %s\n", num(r->share, x));
        bool all = true;
        for (size_t c = 0; c < s->n_categories; c++) all &= r->carries[c];
        if (all) {
            af_buf_put(b, "    categories: all\n");
        } else {
            af_buf_put(b, "    categories: [");
            bool first = true;
            for (size_t c = 0; c < s->n_categories; c++) {
                if (!r->carries[c]) continue;
                af_buf_printf(b, "%s%s", first ? "" : ", ", s->categories[c].name);
                first = false;
            }
            af_buf_put(b, "]\n");
        }
    }

    /* Written only when there are some, so that scenarios without keep their hash. */
    if (s->n_changes) af_buf_put(b, "changes:\n");
    for (size_t i = 0; i < s->n_changes; i++) {
        const af_scn_change *c = &s->changes[i];
        af_buf_put(b, "  - at: ");
        instant(b, s, c->at);
        af_buf_put(b, "\n    set:\n");
        for (size_t k = 0; k < c->n_set; k++)
            af_buf_printf(b, "      %s: %s\n", c->set[k].path, c->set[k].value);
    }
}

char *scenario_plain_yaml(const af_scenario *s, size_t *len)
{
    if (!s) return NULL;
    af_buf b = {0};
    write_all(&b, s);
    return af_buf_take(&b, len);
}

/* The marks of assumptions are written back around their values (assumptions.c), and only
 * here: the hash is of the values alone, so that marking a value changes no output. */
char *af_scenario_to_yaml(const af_scenario *s, size_t *len)
{
    size_t n = 0;
    char *text = scenario_plain_yaml(s, &n);
    if (!text || !s->n_assumptions) {
        if (len) *len = n;
        return text;
    }
    char *marked = assumptions_mark_yaml(s, text, n, len);
    free(text);
    return marked;
}

af_status af_scenario_write(const af_scenario *s, FILE *out)
{
    size_t len;
    char *text = af_scenario_to_yaml(s, &len);
    if (!text) return AF_NOMEM;
    size_t w = fwrite(text, 1, len, out);
    free(text);
    return w == len && !ferror(out) ? AF_OK : AF_IO;
}

uint64_t af_scenario_hash(const af_scenario *s)
{
    size_t len;
    char *text = scenario_plain_yaml(s, &len);
    if (!text) return 0;
    /* FNV-1a from 1469598103934665603, not the standard basis 14695981039346656037 (a digit
     * short): every output since the first carries this hash, so it stays. */
    uint64_t h = af_fnv1a(UINT64_C(1469598103934665603), text, len);
    free(text);
    return h;
}
