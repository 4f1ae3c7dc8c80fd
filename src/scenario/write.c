/* The canonical YAML of a resolved scenario: every value explicit, in the resolved units,
 * keys in a fixed order and numbers in their shortest exact form, so that loading it gives
 * the same scenario and writing that gives the same bytes (the hash depends on it). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "scenario/units.h"

typedef struct sb {
    char *buf;
    size_t len;
    size_t cap;
    bool failed;
} sb;

static void put(sb *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        char *nb = realloc(b->buf, cap);
        if (!nb) {
            b->failed = true;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void puts_(sb *b, const char *s) { put(b, s, strlen(s)); }

static void printf_(sb *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void printf_(sb *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
    } else if ((size_t)n < sizeof tmp) {
        put(b, tmp, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            put(b, big, (size_t)n);
            free(big);
        } else {
            b->failed = true;
        }
    }
    va_end(again);
}

/* The shortest text that reads back as exactly x; whole numbers without an exponent. */
static const char *num(double x, char buf[40])
{
    if (x == 0) x = 0; /* no "-0" */
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, 40, "%.0f", x);
        return buf;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, 40, "%.*g", p, x);
        if (strtod(buf, NULL) == x) break;
    }
    return buf;
}

static void indent(sb *b, int n)
{
    for (int i = 0; i < n; i++) put(b, " ", 1);
}

/* A double-quoted YAML string. Code points libyaml would refuse to read raw (controls, C1,
 * BOM, non-characters) are escaped. */
static void quoted(sb *b, const char *s)
{
    puts_(b, "\"");
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
            printf_(b, "\\%c", (char)cp);
        } else if (cp == '\n') {
            puts_(b, "\\n");
        } else if (!printable || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
            if (cp <= 0xFF)
                printf_(b, "\\x%02X", cp);
            else if (cp <= 0xFFFF)
                printf_(b, "\\u%04X", cp);
            else
                printf_(b, "\\U%08X", cp);
        } else {
            put(b, (const char *)p, n);
        }
        p += n;
    }
    puts_(b, "\"");
}

static void date(sb *b, const af_scenario *s, long day)
{
    int y, m, d;
    units_civil_from_days(units_days_from_civil(s->start_year, s->start_month, s->start_day) + day,
                          &y, &m, &d);
    printf_(b, "%04d-%02d-%02d", y, m, d);
}

static void hhmm(sb *b, double minutes)
{
    int m = (int)minutes;
    printf_(b, "%02d:%02d", m / 60, m % 60);
}

static void dist(sb *b, const af_scn_dist *d)
{
    char x[40], y[40], z[40];
    const double *p = d->param;
    switch (d->kind) {
    case AF_DIST_CONSTANT: printf_(b, "%s min", num(p[0], x)); break;
    case AF_DIST_EXPONENTIAL: printf_(b, "{exponential: %s min}", num(p[0], x)); break;
    case AF_DIST_UNIFORM:
        printf_(b, "{uniform: {low: %s min, high: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_TRIANGULAR:
        printf_(b, "{triangular: {low: %s min, mode: %s min, high: %s min}}", num(p[0], x),
                num(p[1], y), num(p[2], z));
        break;
    case AF_DIST_LOGNORMAL:
        printf_(b, "{lognormal: {mean: %s min, sd: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_GAMMA:
        printf_(b, "{gamma: {shape: %s, scale: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_WEIBULL:
        printf_(b, "{weibull: {shape: %s, scale: %s min}}", num(p[0], x), num(p[1], y));
        break;
    case AF_DIST_EMPIRICAL:
        puts_(b, "{empirical: [");
        for (size_t i = 0; i < d->n; i++)
            printf_(b, "%s[%s min, %s]", i ? ", " : "", num(d->values[i], x),
                    num(d->weights[i], y));
        puts_(b, "]}");
        break;
    }
}

/* {food: 12 /d, water: 0 /d}: every category, in category order. */
static void table(sb *b, const af_scenario *s, const double *v, const char *unit)
{
    char x[40];
    puts_(b, "{");
    for (size_t c = 0; c < s->n_categories; c++)
        printf_(b, "%s%s: %s%s", c ? ", " : "", s->categories[c].name, num(v ? v[c] : 0, x),
                unit);
    puts_(b, "}");
}

static void closures(sb *b, const af_scenario *s, const af_scn_period *p, size_t n, int ind)
{
    if (n == 0) {
        puts_(b, " []\n");
        return;
    }
    puts_(b, "\n");
    for (size_t i = 0; i < n; i++) {
        indent(b, ind);
        puts_(b, "- [");
        bool whole = fmod(p[i].from, 1440) == 0 && fmod(p[i].to, 1440) == 0;
        if (whole) {
            date(b, s, (long)floor(p[i].from / 1440));
            puts_(b, ", ");
            date(b, s, (long)floor(p[i].to / 1440) - 1);
        } else {
            const double ends[2] = {p[i].from, p[i].to};
            for (int k = 0; k < 2; k++) {
                long day = (long)floor(ends[k] / 1440);
                puts_(b, k ? ", \"" : "\"");
                date(b, s, day);
                puts_(b, " ");
                hhmm(b, ends[k] - (double)day * 1440);
                puts_(b, "\"");
            }
        }
        puts_(b, "]\n");
    }
}

static void hours(sb *b, const af_scn_hours *h, int ind)
{
    if (!h->weekly) {
        puts_(b, " always\n");
        return;
    }
    puts_(b, "\n");
    for (int d = 0; d < 7; d++) {
        indent(b, ind);
        printf_(b, "%s:", units_weekday_name(d));
        if (h->n[d] == 0) {
            puts_(b, " closed\n");
            continue;
        }
        puts_(b, " [");
        for (size_t i = 0; i < h->n[d]; i++) {
            puts_(b, i ? ", \"" : "\"");
            hhmm(b, h->intervals[d][i].open);
            puts_(b, "-");
            hhmm(b, h->intervals[d][i].close);
            puts_(b, "\"");
        }
        puts_(b, "]\n");
    }
}

static void station(sb *b, const af_scenario *s, const af_scn_station *st)
{
    char x[40];
    printf_(b, "  - name: %s\n", s->nodes[st->node].name);
    printf_(b, "    lanes: %u\n", st->lanes);
    puts_(b, "    service: ");
    dist(b, &st->service);
    puts_(b, "\n    service_by_category: {");
    bool first = true;
    for (size_t c = 0; c < s->n_categories; c++) {
        if (!st->has_category_service || !st->has_category_service[c]) continue;
        printf_(b, "%s%s: ", first ? "" : ", ", s->categories[c].name);
        dist(b, &st->category_service[c]);
        first = false;
    }
    puts_(b, "}\n    hours:");
    hours(b, &st->hours, 6);
    puts_(b, "    closures:");
    closures(b, s, st->closures, st->n_closures, 6);
    if (st->has_random_closures) {
        printf_(b, "    random_closures: {rate: %s /d, duration: ", num(st->closure_rate, x));
        dist(b, &st->closure_duration);
        puts_(b, "}\n");
    }
    if (st->daily_cap)
        printf_(b, "    daily_cap: %u\n", (unsigned)st->daily_cap);
    else
        puts_(b, "    daily_cap: none\n");
    if (st->queue_limit)
        printf_(b, "    queue_limit: %zu\n", st->queue_limit);
    else
        puts_(b, "    queue_limit: none\n");
    printf_(b, "    discipline: %s\n", st->discipline == AF_QUEUE_PRIORITY ? "priority" : "fcfs");
    printf_(b, "    at_closing: %s\n", st->at_closing == AF_WIP_SUSPEND ? "suspend" : "finish");
}

static void names_list(sb *b, const af_scenario *s, const size_t *idx, size_t n, bool nodes)
{
    puts_(b, "[");
    for (size_t i = 0; i < n; i++)
        printf_(b, "%s%s", i ? ", " : "",
                nodes ? s->nodes[idx[i]].name : s->regions[idx[i]].name);
    puts_(b, "]");
}

static void write_all(sb *b, const af_scenario *s)
{
    char x[40];
    puts_(b, "name: ");
    quoted(b, s->name);
    puts_(b, "\ndescription: ");
    quoted(b, s->description ? s->description : "");
    puts_(b, "\nsources:");
    if (!s->n_sources) puts_(b, " []");
    for (size_t i = 0; i < s->n_sources; i++) {
        puts_(b, "\n  - ");
        quoted(b, s->sources[i]);
    }
    printf_(b, "\nstart: %04d-%02d-%02d\n", s->start_year, s->start_month, s->start_day);
    printf_(b, "horizon: %d d\nwarmup: %d d\n", s->horizon_days, s->warmup_days);
    printf_(b, "seed: %llu\nreplications: %u\n", (unsigned long long)s->seed, s->replications);
    printf_(b, "report:\n  coverage_target: %s\n", num(s->coverage_target, x));
    printf_(b, "  confidence: %s\n", num(s->confidence, x));
    static const char *const policies[] = {"fixed_shares", "shortest_delay",
                                           "reroute_on_closure"};
    printf_(b, "routing:\n  policy: %s\n", policies[s->policy]);

    puts_(b, "categories:\n");
    for (size_t i = 0; i < s->n_categories; i++) {
        const af_scn_category *c = &s->categories[i];
        printf_(b, "  - name: %s\n", c->name);
        printf_(b, "    tonnes_per_truck: %s t\n", num(c->tonnes_per_truck, x));
        printf_(b, "    daily_need: %s t\n", num(c->daily_need, x));
        printf_(b, "    dual_use: %s\n", num(c->dual_use, x));
        printf_(b, "    priority: %d\n", c->priority);
    }

    puts_(b, "regions:\n");
    for (size_t i = 0; i < s->n_regions; i++) {
        const af_scn_region *r = &s->regions[i];
        printf_(b, "  - name: %s\n    population: %s\n    shifts:", r->name,
                num(r->population, x));
        if (!r->n_shifts) puts_(b, " []");
        for (size_t k = 0; k < r->n_shifts; k++) {
            const af_scn_shift *sh = &r->shifts[k];
            puts_(b, "\n      - {date: ");
            date(b, s, sh->day);
            printf_(b, ", to: %s, ", s->regions[sh->to].name);
            if (sh->by_share)
                printf_(b, "share: %s}", num(sh->share, x));
            else
                printf_(b, "people: %s}", num(sh->people, x));
        }
        puts_(b, "\n");
    }

    puts_(b, "holds:");
    if (!s->n_holds) puts_(b, " []");
    puts_(b, "\n");
    for (size_t i = 0; i < s->n_holds; i++) {
        const af_scn_hold *h = &s->holds[i];
        printf_(b, "  - name: %s\n    duration: ", h->name);
        dist(b, &h->duration);
        printf_(b, "\n    cleared: %s\n", num(h->cleared, x));
        printf_(b, "    partial: %s\n", num(h->partial, x));
        printf_(b, "    rejected: %s\n", num(h->rejected, x));
        printf_(b, "    offload_fraction: %s\n", num(h->offload_fraction, x));
        printf_(b, "    on_reject: %s\n",
                h->on_reject == AF_SCN_REDISPATCH ? "redispatch" : "write_off");
        if (h->on_reject == AF_SCN_REDISPATCH) {
            puts_(b, "    repack: ");
            dist(b, &h->repack);
            puts_(b, "\n");
        }
    }

    puts_(b, "origins:\n");
    for (size_t i = 0; i < s->n_origins; i++) {
        const af_scn_origin *o = &s->origins[i];
        printf_(b, "  - name: %s\n    dispatch: ", s->nodes[o->node].name);
        if (o->dispatch == AF_SCN_DISPATCH_POISSON) {
            puts_(b, "poisson\n");
        } else {
            puts_(b, "\"");
            hhmm(b, o->window_open);
            puts_(b, "-");
            hhmm(b, o->window_close);
            puts_(b, "\"\n");
        }
        puts_(b, "    plan:\n");
        for (size_t k = 0; k < o->n_steps; k++) {
            puts_(b, "      - from: ");
            date(b, s, o->steps[k].day);
            puts_(b, "\n        trucks: ");
            table(b, s, o->steps[k].trucks, " /d");
            puts_(b, "\n");
        }
        if (o->has_stock) {
            puts_(b, "    stock: ");
            table(b, s, o->stock, " t");
            puts_(b, "\n    replenish: ");
            table(b, s, o->replenish, " t/d");
            puts_(b, "\n");
        }
    }

    puts_(b, "inspections:");
    if (!s->n_inspections) puts_(b, " []");
    puts_(b, "\n");
    for (size_t i = 0; i < s->n_inspections; i++) {
        const af_scn_inspection *in = &s->inspections[i];
        station(b, s, &in->st);
        puts_(b, "    flags: ");
        table(b, s, in->flag, "");
        puts_(b, "\n");
        if (in->hold != AF_SCN_NONE) printf_(b, "    hold: %s\n", s->holds[in->hold].name);
    }

    puts_(b, "crossings:\n");
    for (size_t i = 0; i < s->n_crossings; i++) {
        const af_scn_crossing *c = &s->crossings[i];
        station(b, s, &c->st);
        if (c->has_transfer) {
            printf_(b, "    transfer: {lanes: %u, service: ", c->transfer_lanes);
            dist(b, &c->transfer_service);
            puts_(b, "}\n");
        }
    }

    puts_(b, "hubs:\n");
    for (size_t i = 0; i < s->n_hubs; i++) {
        const af_scn_hub *h = &s->hubs[i];
        printf_(b, "  - name: %s\n    serves: ", s->nodes[h->node].name);
        names_list(b, s, h->serves, h->n_serves, false);
        puts_(b, "\n    stock: ");
        table(b, s, h->stock, " t");
        if (h->capacity > 0)
            printf_(b, "\n    capacity: %s t\n", num(h->capacity, x));
        else
            puts_(b, "\n    capacity: none\n");
    }

    puts_(b, "legs:\n");
    for (size_t i = 0; i < s->n_legs; i++) {
        const af_scn_leg *l = &s->legs[i];
        printf_(b, "  - name: %s\n    from: %s\n    to: %s\n    travel: ", l->name,
                s->nodes[l->from].name, s->nodes[l->to].name);
        dist(b, &l->travel);
        if (l->capacity)
            printf_(b, "\n    capacity: %u\n", (unsigned)l->capacity);
        else
            puts_(b, "\n    capacity: none\n");
        printf_(b, "    loss: %s\n", num(l->loss, x));
        if (l->has_escort) {
            puts_(b, "    escort: {wait: ");
            dist(b, &l->escort_wait);
            puts_(b, "}\n");
        }
        puts_(b, "    closures:");
        closures(b, s, l->closures, l->n_closures, 6);
    }

    puts_(b, "routes:\n");
    for (size_t i = 0; i < s->n_routes; i++) {
        const af_scn_route *r = &s->routes[i];
        printf_(b, "  - name: %s\n    origin: %s\n    via: ", r->name,
                s->nodes[s->origins[r->origin].node].name);
        names_list(b, s, r->nodes + 1, r->n_nodes - 2, true);
        printf_(b, "\n    hub: %s\n", s->nodes[s->hubs[r->hub].node].name);
        if (r->has_share) printf_(b, "    share: %s\n", num(r->share, x));
        bool all = true;
        for (size_t c = 0; c < s->n_categories; c++) all &= r->carries[c];
        if (all) {
            puts_(b, "    categories: all\n");
        } else {
            puts_(b, "    categories: [");
            bool first = true;
            for (size_t c = 0; c < s->n_categories; c++) {
                if (!r->carries[c]) continue;
                printf_(b, "%s%s", first ? "" : ", ", s->categories[c].name);
                first = false;
            }
            puts_(b, "]\n");
        }
    }
}

char *af_scenario_to_yaml(const af_scenario *s, size_t *len)
{
    if (!s) return NULL;
    sb b = {NULL, 0, 0, false};
    write_all(&b, s);
    if (b.failed) {
        free(b.buf);
        return NULL;
    }
    if (len) *len = b.len;
    return b.buf;
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
    char *text = af_scenario_to_yaml(s, &len);
    if (!text) return 0;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ull;
    }
    free(text);
    return h;
}
