/* Dated changes (`changes:`): binding a change's `set:` as written, the checks of one change,
 * and resolving the changes into the scenario in force from each date.
 *
 *     changes:
 *       - at: 2024-04-01
 *         set:
 *           crossings.kerem_shalom.lanes: 11
 *           inspections.kerem_shalom_inspection.service: {lognormal: {mean: 30 min, sd: 10 min}}
 *
 * A key of `set:` is a path of the `--set` grammar (overrides.c); only the paths of
 * changeable_path() may change on a date. Resolving (changes_resolve) applies the changes to
 * the merged tree in date order and binds the whole scenario again after each, so a value in
 * a change is checked exactly as it would be in the file, with its place; the model switches
 * to each change's `in_force` scenario at its date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "scenario/bind.h"
#include "scenario/changes.h"
#include "scenario/validate.h"

/* ---- the value as written ----------------------------------------------------------------- */

static bool plain_safe(const yt_node *n)
{
    if (!n->plain || n->len == 0) return false;
    for (size_t i = 0; i < n->len; i++) {
        unsigned char c = (unsigned char)n->str[i];
        if (!(c == ' ' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '-' ||
              (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
    }
    /* ": " would start a mapping inside a flow collection */
    for (size_t i = 0; i + 1 < n->len; i++)
        if (n->str[i] == ':' && n->str[i + 1] == ' ') return false;
    return n->str[n->len - 1] != ':';
}

/* The node as one line of flow YAML that reads back as the same tree. */
static void flow(af_buf *b, const yt_node *n)
{
    switch (n->kind) {
    case YT_SCALAR:
        if (plain_safe(n)) {
            af_buf_putn(b, n->str, n->len);
            break;
        }
        af_buf_put(b, "\"");
        for (size_t i = 0; i < n->len; i++) {
            unsigned char c = (unsigned char)n->str[i];
            if (c == '"' || c == '\\')
                af_buf_printf(b, "\\%c", c);
            else if (c < 0x20 || c == 0x7F)
                af_buf_printf(b, "\\x%02X", c);
            else
                af_buf_putn(b, (const char *)&n->str[i], 1);
        }
        af_buf_put(b, "\"");
        break;
    case YT_MAP:
        af_buf_put(b, "{");
        for (size_t i = 0; i < n->n; i++) {
            if (i) af_buf_put(b, ", ");
            flow(b, n->pairs[i].key);
            af_buf_put(b, ": ");
            flow(b, n->pairs[i].value);
        }
        af_buf_put(b, "}");
        break;
    case YT_SEQ:
        af_buf_put(b, "[");
        for (size_t i = 0; i < n->n; i++) {
            if (i) af_buf_put(b, ", ");
            flow(b, n->items[i]);
        }
        af_buf_put(b, "]");
        break;
    }
}

/* ---- what may change on a date ------------------------------------------------------------ */

static const char *const station_keys[] = {"lanes", "service", "service_by_category",
                                           "hours", "daily_cap", "queue_limit", NULL};
static const char *const inspection_keys[] = {"flags", "hold", NULL};
static const char *const crossing_keys[] = {"transfer", NULL};
/* Of a crossing's Gaza side, the probabilities read at each movement or offloading (not
 * `collection`, whose slots are laid out ahead, nor `waiting_area`, `pauses`: dated already). */
static const char *const gaza_side_keys[] = {"denial", "commercial_denial", "interception",
                                             "return_rate", NULL};
static const char *const leg_keys[] = {"travel", "capacity", "loss", "escort", NULL};
static const char *const route_keys[] = {"share", NULL};
static const char *const origin_keys[] = {"plan", "stock", "replenish", NULL};
static const char *const region_keys[] = {"population", NULL};
static const char *const hold_keys[] = {"duration", "cleared", "partial", "rejected",
                                        "offload_fraction", "on_reject", "repack", NULL};

static bool in_list(const char *const *keys, const char *s, size_t len)
{
    for (; keys && *keys; keys++)
        if (strlen(*keys) == len && !memcmp(*keys, s, len)) return true;
    return false;
}

static bool seg_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && !memcmp(s, word, len);
}

/* True when `path` names something that may change on a date: a station's lanes, service,
 * daily cap, queue limit (and an inspection's flags and hold, a crossing's transfer and its
 * Gaza side's denial, commercial_denial, interception and return_rate), a
 * leg's travel, capacity, loss and escort, a route's share, the routing policy, an origin's
 * plan, stock and replenishment, a region's population, a hold's parameters; a station's
 * hours too. The path's
 * own mistakes (unknown names and keys) are the walk's to report. */
static bool changeable_path(const char *path, size_t len)
{
    const char *parts[4];
    size_t lens[4], n = 0;
    const char *p = path, *end = path + len;
    while (n < 4 && p <= end) {
        const char *e = memchr(p, '.', (size_t)(end - p));
        if (!e) e = end;
        parts[n] = p;
        lens[n] = (size_t)(e - p);
        n++;
        p = e + 1;
    }
    if (n >= 2 && seg_is(parts[0], lens[0], "routing")) return seg_is(parts[1], lens[1], "policy");
    if (n < 3) return false;
    const char *k = parts[2];
    size_t kl = lens[2];
    if (seg_is(parts[0], lens[0], "crossings") && seg_is(k, kl, "gaza_side"))
        return n == 4 && in_list(gaza_side_keys, parts[3], lens[3]);
    if (seg_is(parts[0], lens[0], "crossings"))
        return in_list(station_keys, k, kl) || in_list(crossing_keys, k, kl);
    if (seg_is(parts[0], lens[0], "inspections"))
        return in_list(station_keys, k, kl) || in_list(inspection_keys, k, kl);
    if (seg_is(parts[0], lens[0], "legs")) return in_list(leg_keys, k, kl);
    if (seg_is(parts[0], lens[0], "routes")) return in_list(route_keys, k, kl);
    if (seg_is(parts[0], lens[0], "origins")) return in_list(origin_keys, k, kl);
    if (seg_is(parts[0], lens[0], "regions")) return in_list(region_keys, k, kl);
    if (seg_is(parts[0], lens[0], "holds")) return in_list(hold_keys, k, kl);
    return false;
}

/* ---- binding ------------------------------------------------------------------------------ */

void bind_assignments(binder *b, const yt_node *v, void *item, const field *f)
{
    char buf[64];
    if (v->kind != YT_MAP || v->n == 0) {
        bind_expected(b, v, f, "a mapping of paths to values, such as "
                      "{crossings.kerem_shalom.lanes: 11}");
        return;
    }
    af_scn_assignment *a = arena_calloc(b->mem, v->n, sizeof *a);
    if (!a) {
        b->r->nomem = true;
        return;
    }
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const yt_node *key = v->pairs[i].key;
        if (memchr(key->str, '\0', key->len)) {
            scn_error(b->r, key->mark, "set: expected a path such as crossings.NAME.lanes, "
                      "found %s", yt_describe(key, buf, sizeof buf));
            ok = false;
            continue;
        }
        af_buf text = {0};
        flow(&text, v->pairs[i].value);
        size_t tl;
        char *t = af_buf_take(&text, &tl);
        char *path = arena_calloc(b->mem, key->len + 1, 1);
        char *val = t ? arena_calloc(b->mem, tl + 1, 1) : NULL;
        if (!path || !val) {
            free(t);
            b->r->nomem = true;
            return;
        }
        memcpy(path, key->str, key->len + 1);
        memcpy(val, t, tl + 1);
        free(t);
        a[i].path = path;
        a[i].value = val;
    }
    if (!ok) return;
    *(af_scn_assignment **)((char *)item + f->offset) = a;
    *(size_t *)((char *)item + f->aux - 1) = v->n;
}

void check_change(binder *b, const yt_node *map, void *item)
{
    const af_scn_change *c = item;
    const yt_node *at = yt_map_get(map, "at");
    if (!at || !b->have_start) return;
    double begin = -(double)b->s->warmup_days * 1440, end = (double)b->s->horizon_days * 1440;
    if (c->at < begin || c->at >= end) {
        const af_scenario *s = b->s;
        scn_error(b->r, at->mark, "at: the change is outside the simulated days, which are the "
                  "%d days of warm-up before %04d-%02d-%02d and the %d of the horizon from it; "
                  "a change before them belongs in the scenario itself", s->warmup_days,
                  s->start_year, s->start_month, s->start_day, s->horizon_days);
    }
}

/* ---- resolving ---------------------------------------------------------------------------- */

static int cmp_at(const void *x, const void *y)
{
    const af_scn_change *a = *(af_scn_change *const *)x, *b = *(af_scn_change *const *)y;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    return (a > b) - (a < b); /* file order at one time */
}

bool changes_resolve(loader *L, yt_node *root, af_scenario *s, arena *mem, af_dist ***owned,
                     size_t *n_owned)
{
    size_t n = s->n_changes;
    if (n == 0) return true;
    yt_node *list = yt_map_get(root, "changes");
    if (!list || list->kind != YT_SEQ || list->n != n) return false;
    const yt_node **items = malloc(n * sizeof *items);
    af_scn_change **order = malloc(n * sizeof *order);
    af_scn_change *sorted = arena_calloc(mem, n, sizeof *sorted);
    if (!items || !order || !sorted) {
        free(items);
        free(order);
        L->r.nomem = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        items[i] = list->items[i];
        order[i] = &s->changes[i];
    }
    qsort(order, n, sizeof *order, cmp_at);
    /* The changes leave the tree: each scenario in force is the network alone. */
    for (size_t i = 0; i < root->n; i++)
        if (yt_scalar_is(root->pairs[i].key, "changes")) {
            yt_map_remove(root, i);
            break;
        }
    bool ok = true;
    for (size_t k = 0; k < n && !L->r.nomem && !scn_full(&L->r); k++) {
        bool this_ok = true;
        size_t idx = (size_t)(order[k] - s->changes);
        const yt_node *set = yt_map_get(items[idx], "set");
        /* Two changes of one path at one time: which holds would depend on file order. */
        for (size_t j = k; j-- > 0 && order[j]->at == order[k]->at;) {
            for (size_t a = 0; a < order[k]->n_set; a++)
                for (size_t c = 0; c < order[j]->n_set; c++)
                    if (!strcmp(order[k]->set[a].path, order[j]->set[c].path)) {
                        scn_error(&L->r, set->pairs[a].key->mark, "set: %s already changes at "
                                  "this time in an earlier change; give one value",
                                  order[k]->set[a].path);
                        this_ok = false;
                    }
        }
        for (size_t a = 0; a < set->n; a++) {
            const yt_node *key = set->pairs[a].key;
            bool applied = apply_path(L, root, key->str, key->len, key->mark, set->pairs[a].value);
            this_ok &= applied;
            if (applied && !changeable_path(key->str, key->len)) {
                char buf[64];
                scn_error(&L->r, key->mark, "set: %s cannot change on a date; what can: a "
                          "station's lanes, service, service_by_category, hours, daily_cap, "
                          "queue_limit (an inspection's flags and hold, a crossing's transfer and "
                          "gaza_side.denial, commercial_denial, interception, return_rate), "
                          "a leg's travel, capacity, loss, escort, a route's share, "
                          "routing.policy, an origin's plan, stock, replenish, a region's "
                          "population, a hold's keys", yt_describe(key, buf, sizeof buf));
                this_ok = false;
            }
        }
        if (!this_ok) {
            ok = false;
            continue;
        }
        af_scenario *e = arena_calloc(mem, 1, sizeof *e);
        if (!e) {
            L->r.nomem = true;
            break;
        }
        binder b;
        memset(&b, 0, sizeof b);
        b.mem = mem;
        b.tmp = &L->tree_mem;
        b.r = &L->r;
        b.s = e;
        names_init(&b.names);
        size_t before = L->r.errors;
        L->r.no_warnings = true;
        bind_scenario(&b, root);
        if (!L->r.nomem && L->r.errors == before) validate_scenario(&b);
        names_free(&b.names);
        L->r.no_warnings = false;
        if (b.n_owned) {
            af_dist **grown = realloc(*owned, (*n_owned + b.n_owned) * sizeof *grown);
            if (!grown) {
                for (size_t i = 0; i < b.n_owned; i++) af_dist_free(b.owned[i]);
                L->r.nomem = true;
            } else {
                memcpy(grown + *n_owned, b.owned, b.n_owned * sizeof *grown);
                *owned = grown;
                *n_owned += b.n_owned;
            }
        }
        free(b.owned);
        if (L->r.errors != before) {
            scn_note(&L->r, items[idx]->mark, "in the scenario as this change leaves it");
            ok = false;
            break; /* later scenarios would repeat the mistake */
        }
        sorted[k] = *order[k];
        sorted[k].in_force = e;
    }
    if (ok) s->changes = sorted;
    free(items);
    free(order);
    return ok;
}
