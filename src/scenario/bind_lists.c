/* Binders of lists and tables: named lists, record lists, category tables, references. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/bind.h"

static void set_count(void *item, const field *f, size_t n)
{
    if (f->aux) *(size_t *)((char *)item + f->aux - 1) = n;
}

static const char *const kind_names[] = {"an origin", "an inspection site", "a crossing",
                                         "a hub"};

static size_t add_node(binder *b, int kind, size_t index, const char *name)
{
    af_scenario *s = b->s;
    if (s->n_nodes == b->nodes_cap) {
        size_t cap = b->nodes_cap ? b->nodes_cap * 2 : 16;
        af_scn_node *n = arena_calloc(b->mem, cap, sizeof *n);
        if (!n) {
            b->r->nomem = true;
            return AF_SCN_NONE;
        }
        if (s->n_nodes) memcpy(n, s->nodes, s->n_nodes * sizeof *n);
        s->nodes = n;
        b->nodes_cap = cap;
    }
    s->nodes[s->n_nodes] = (af_scn_node){name, (af_scn_node_kind)kind, index};
    return s->n_nodes++;
}

/* Checks and registers the name of item i; returns the interned name ("" when it has none). */
static const char *register_name(binder *b, const yt_node *it, const record *rec,
                                 const list_spec *spec, size_t i, void *item)
{
    char key[SCHEMA_KEY_SIZE], buf[64];
    const yt_node *nn = yt_map_get(it, "name");
    if (nn && (nn->kind != YT_SCALAR || !bind_is_identifier(nn->str, nn->len))) {
        scn_error(b->r, nn->mark, "name: expected a name made of letters, digits and '_' that "
                  "starts with a letter (at most 64), found %s", yt_describe(nn, buf, sizeof buf));
        /* References to it would all be "undefined": say it once. */
        b->ns_broken[spec->ns] = true;
        return "";
    }
    /* A name given is at most 64 characters; an unnamed leg's FROM_to_TO, made of two names,
     * may be longer (two 64-character nodes): it must still be a name, or it would be "". */
    if (!schema_item_key(rec, it, key, sizeof key) ||
        !(nn ? bind_is_identifier(key, strlen(key)) : bind_is_name_of_any_length(key)))
        return ""; /* missing name: bind_record reports it */
    const char *name = arena_strdup(b->mem, key);
    if (!name) {
        b->r->nomem = true;
        return "";
    }
    const yt_node *at = nn ? nn : it;
    size_t index = i;
    if (spec->node_kind >= 0) {
        index = add_node(b, spec->node_kind, i, name);
        if (index == AF_SCN_NONE) return "";
        *(size_t *)((char *)item + spec->node_offset) = index;
    } else {
        *(const char **)((char *)item + spec->name_offset) = name;
    }
    bool added = false, nomem = false;
    const name_entry *e = names_add(&b->names, spec->ns, name, index, at->mark, &added, &nomem);
    if (nomem) {
        b->r->nomem = true;
        return name;
    }
    if (!added) {
        if (spec->ns == NS_NODE) {
            const af_scn_node *other = &b->s->nodes[e->index];
            scn_error(b->r, at->mark, "'%s' is already the name of %s", name,
                      kind_names[other->kind]);
        } else {
            scn_error(b->r, at->mark, "%s name '%s' is used twice", rec->name, name);
        }
        scn_note(b->r, e->mark, "first defined here");
    }
    return name;
}

void bind_named_list(binder *b, const yt_node *v, void *item, const field *f)
{
    const list_spec *spec = f->arg;
    const record *rec = f->sub;
    if (v->kind != YT_SEQ) {
        char expected[96];
        snprintf(expected, sizeof expected, "a %s", f->doc);
        bind_expected(b, v, f, expected);
        if (spec->ns >= 0) b->ns_broken[spec->ns] = true;
        return;
    }
    if (spec->nonempty && v->n == 0) {
        scn_error(b->r, v->mark, "%s: the list is empty; at least one %s is needed", f->key,
                  rec->name);
        if (spec->ns >= 0) b->ns_broken[spec->ns] = true;
        return;
    }
    /* Every station, hub and plan step holds a value per category: bound them. */
    if (spec->list == L_CATEGORY && v->n > MAX_CATEGORIES) {
        scn_error(b->r, v->mark, "%s: more than %d categories", f->key, MAX_CATEGORIES);
        b->ns_broken[NS_CATEGORY] = true;
        return;
    }
    char *arr = arena_calloc(b->mem, v->n, spec->item_size);
    const char **item_names = arena_calloc(b->mem, v->n, sizeof *item_names);
    if (!arr || !item_names) {
        b->r->nomem = true;
        return;
    }
    *(void **)((char *)item + f->offset) = arr;
    set_count(item, f, v->n);
    if (spec->list >= 0) {
        b->lists[spec->list].list = v;
        b->lists[spec->list].items = (const yt_node **)v->items;
        b->lists[spec->list].n = v->n;
    }
    /* Names first, so that items may refer to one another (a shift to another region). */
    for (size_t i = 0; i < v->n; i++) {
        char *it = arr + i * spec->item_size;
        item_names[i] = "";
        if (v->items[i]->kind == YT_MAP)
            item_names[i] = register_name(b, v->items[i], rec, spec, i, it);
        /* An item without a usable name must not pass for node 0 or print as "(null)". */
        if (!item_names[i][0]) {
            if (spec->node_kind >= 0)
                *(size_t *)(it + spec->node_offset) = AF_SCN_NONE;
            else
                *(const char **)(it + spec->name_offset) = "";
        }
    }
    size_t before = b->r->errors;
    for (size_t i = 0; i < v->n && !scn_full(b->r); i++)
        bind_record(b, v->items[i], rec, arr + i * spec->item_size, item_names[i]);
    if (spec->list >= 0 && b->r->errors != before) b->lists[spec->list].had_errors = true;
}

void bind_record_list(binder *b, const yt_node *v, void *item, const field *f)
{
    const list_spec *spec = f->arg;
    const record *rec = f->sub;
    if (v->kind != YT_SEQ) {
        char expected[96];
        snprintf(expected, sizeof expected, "a %s", f->doc);
        bind_expected(b, v, f, expected);
        return;
    }
    if (spec->nonempty && v->n == 0) {
        scn_error(b->r, v->mark, "%s: the list is empty", f->key);
        return;
    }
    char *arr = arena_calloc(b->mem, v->n, spec->item_size);
    if (!arr) {
        b->r->nomem = true;
        return;
    }
    *(void **)((char *)item + f->offset) = arr;
    set_count(item, f, v->n);
    for (size_t i = 0; i < v->n && !scn_full(b->r); i++)
        bind_record(b, v->items[i], rec, arr + i * spec->item_size, NULL);
}

/* ---- category tables ------------------------------------------------------------------------ */

/* The category a table key names, or -1 after reporting. */
static long category_of(binder *b, const yt_node *key, const field *f)
{
    const name_entry *e = names_find(&b->names, NS_CATEGORY, key->str, key->len);
    if (e) return (long)e->index;
    if (b->ns_broken[NS_CATEGORY]) return -1;
    char buf[64];
    const char *hint =
        scn_full(b->r) ? NULL : names_suggest(&b->names, NS_CATEGORY, key->str, key->len);
    scn_error(b->r, key->mark, "%s: no category is named %s%s%s%s", f->key,
              yt_describe(key, buf, sizeof buf), hint ? "; did you mean '" : "",
              hint ? hint : "", hint ? "'?" : "");
    return -1;
}

static bool table_map(binder *b, const yt_node *v, const field *f)
{
    if (v->kind == YT_MAP) return true;
    bind_expected(b, v, f, "a mapping from category names to values");
    return false;
}

void bind_cat_numbers(binder *b, const yt_node *v, void *item, const field *f)
{
    if (!table_map(b, v, f)) return;
    const table_spec *t = f->arg;
    size_t n = b->s->n_categories;
    double *arr = arena_calloc(b->mem, n, sizeof *arr);
    if (!arr) {
        b->r->nomem = true;
        return;
    }
    if (f->flags & F_UNSET_NAN)
        for (size_t c = 0; c < n; c++) arr[c] = NAN;
    field elem = *t->elem;
    elem.key = f->key;
    for (size_t i = 0; i < v->n; i++) {
        long c = category_of(b, v->pairs[i].key, f);
        if (c < 0) continue;
        elem.bind(b, v->pairs[i].value, &arr[c], &elem);
    }
    *(double **)((char *)item + f->offset) = arr;
    if (f->aux) *(bool *)((char *)item + f->aux - 1) = true;
}

void bind_cat_dists(binder *b, const yt_node *v, void *item, const field *f)
{
    if (!table_map(b, v, f)) return;
    const table_spec *t = f->arg;
    size_t n = b->s->n_categories;
    af_scn_dist *arr = arena_calloc(b->mem, n, sizeof *arr);
    bool *has = arena_calloc(b->mem, n, sizeof *has);
    if (!arr || !has) {
        b->r->nomem = true;
        return;
    }
    field elem = *t->elem;
    elem.key = f->key;
    /* The arrays are in place before binding: bind_dist records where an empirical table
     * lives, and that must be its final address. */
    *(af_scn_dist **)((char *)item + f->offset) = arr;
    *(bool **)((char *)item + f->aux - 1) = has;
    for (size_t i = 0; i < v->n; i++) {
        long c = category_of(b, v->pairs[i].key, f);
        if (c < 0) continue;
        size_t before = b->r->errors;
        elem.bind(b, v->pairs[i].value, &arr[c], &elem);
        if (b->r->errors == before) has[c] = true;
    }
}

void bind_cat_list(binder *b, const yt_node *v, void *item, const field *f)
{
    size_t n = b->s->n_categories;
    bool *mask = arena_calloc(b->mem, n, sizeof *mask);
    if (!mask) {
        b->r->nomem = true;
        return;
    }
    *(bool **)((char *)item + f->offset) = mask;
    if (v->kind == YT_SCALAR && yt_scalar_is(v, "all")) {
        for (size_t c = 0; c < n; c++) mask[c] = true;
        return;
    }
    if (v->kind != YT_SEQ || v->n == 0) {
        bind_expected(b, v, f, "all or a list of category names");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const yt_node *it = v->items[i];
        const name_entry *e = bind_lookup(b, it, NS_CATEGORY, "category", f);
        if (!e) continue;
        if (mask[e->index]) {
            scn_error(b->r, it->mark, "%s: '%s' is listed twice", f->key, e->name);
            continue;
        }
        mask[e->index] = true;
    }
}

/* ---- references ----------------------------------------------------------------------------- */

/* Resolves one reference to the index to store, or AF_SCN_NONE after reporting. */
static size_t resolve(binder *b, const yt_node *v, const ref_spec *spec, const field *f)
{
    const name_entry *e = bind_lookup(b, v, spec->ns, spec->what, f);
    if (!e) return AF_SCN_NONE;
    if (spec->ns != NS_NODE) return e->index;
    const af_scn_node *node = &b->s->nodes[e->index];
    if (spec->kind_mask && !(spec->kind_mask & (1 << node->kind))) {
        scn_error(b->r, v->mark, "%s: '%s' is %s, not %s %s", f->key, node->name,
                  kind_names[node->kind], strchr("aeiou", spec->what[0]) ? "an" : "a",
                  spec->what);
        return AF_SCN_NONE;
    }
    return spec->kind_index ? node->index : e->index;
}

void bind_ref(binder *b, const yt_node *v, void *item, const field *f)
{
    size_t idx = resolve(b, v, f->arg, f);
    if (idx != AF_SCN_NONE) *(size_t *)((char *)item + f->offset) = idx;
}

void bind_ref_list(binder *b, const yt_node *v, void *item, const field *f)
{
    const ref_spec *spec = f->arg;
    /* One name is a list of one: `serves: north`. */
    const yt_node *const *items = (const yt_node *const *)&v;
    size_t n = 1;
    if (v->kind == YT_SEQ) {
        items = (const yt_node *const *)v->items;
        n = v->n;
    } else if (v->kind != YT_SCALAR || yt_is_null(v)) {
        char expected[96];
        snprintf(expected, sizeof expected, "a list of %s names", spec->what);
        bind_expected(b, v, f, expected);
        return;
    }
    size_t *arr = arena_calloc(b->mem, n, sizeof *arr);
    if (!arr) {
        b->r->nomem = true;
        return;
    }
    for (size_t i = 0; i < n; i++) arr[i] = resolve(b, items[i], spec, f);
    *(size_t **)((char *)item + f->offset) = arr;
    set_count(item, f, n);
}
