/* The public entry points of scenario loading, and the resolved scenario's lifetime. */
#include "scenario/load.h"

#include <stdlib.h>
#include <string.h>

#include "scenario/assumptions.h"
#include "scenario/bind.h"
#include "scenario/changes.h"
#include "scenario/validate.h"

typedef struct scenario_impl {
    arena mem;
    af_dist **owned; /* empirical distributions: their tables are malloc'd by the engine */
    size_t n_owned;
} scenario_impl;

void af_scenario_free(af_scenario *s)
{
    if (!s) return;
    scenario_impl *impl = s->impl_;
    for (size_t i = 0; i < impl->n_owned; i++) af_dist_free(impl->owned[i]);
    free(impl->owned);
    arena_free(&impl->mem);
    free(impl);
}

static void loader_init(loader *L, af_diagnostics *diags, unsigned flags)
{
    memset(L, 0, sizeof *L);
    arena_init(&L->tree_mem);
    sources_init(&L->src, &L->tree_mem);
    L->r.diags = diags;
    L->r.src = &L->src;
    L->flags = flags;
}

/* Overrides, binding and validation of a loaded tree; frees the loader's memory. */
static af_status finish(loader *L, yt_node *root, const char *const *overrides, size_t n_ov,
                        af_scenario **out)
{
    /* Marks are taken out before the --sets, which then replace plain values and so keep
     * them, and again after (a --set value may be a mark itself). */
    pending_marks marks = {NULL, 0, 0};
    assumptions_take(L, root, &marks);
    for (size_t i = 0; i < n_ov && !L->r.nomem; i++) {
        if (!overrides[i]) continue;
        apply_override(L, root, overrides[i]);
    }
    if (n_ov) assumptions_take(L, root, &marks);

    scenario_impl *impl = calloc(1, sizeof *impl);
    af_scenario *s = NULL;
    if (impl) {
        arena_init(&impl->mem);
        impl->mem.limit = MAX_SCENARIO_BYTES;
        s = arena_calloc(&impl->mem, 1, sizeof *s);
    }
    if (!s) {
        if (impl) arena_free(&impl->mem);
        free(impl);
        arena_free(&L->tree_mem);
        return AF_NOMEM;
    }
    s->impl_ = impl;

    binder b;
    memset(&b, 0, sizeof b);
    b.mem = &impl->mem;
    b.tmp = &L->tree_mem;
    b.r = &L->r;
    b.s = s;
    names_init(&b.names);
    if (root && !L->r.nomem) {
        bind_scenario(&b, root);
        if (!L->r.nomem && !scn_full(&L->r)) validate_scenario(&b);
        if (!L->r.nomem && !scn_full(&L->r)) assumptions_resolve(&b, root, &marks);
    }
    names_free(&b.names);
    impl->owned = b.owned;
    impl->n_owned = b.n_owned;
    if (root && !L->r.nomem && !L->r.errors && s->n_changes)
        changes_resolve(L, root, s, &impl->mem, &impl->owned, &impl->n_owned);
    if (impl->mem.over_limit) {
        /* Not a machine out of memory: an input that asks for too much. */
        L->r.nomem = false;
        scn_error(&L->r, (scn_mark){0, 0, 0}, "the scenario would need more than %d MiB once "
                  "resolved", MAX_SCENARIO_BYTES >> 20);
    }
    arena_free(&L->tree_mem);

    af_status st = AF_OK;
    if (L->r.nomem)
        st = AF_NOMEM;
    else if (L->io_failed)
        st = AF_IO;
    else if (L->r.errors || !root)
        st = AF_PARSE;
    if (st != AF_OK) {
        af_scenario_free(s);
        return st;
    }
    *out = s;
    return AF_OK;
}

af_status af_scenario_load(const char *path, const char *const *overrides, size_t n_overrides,
                           af_scenario **out, af_diagnostics *diags)
{
    if (!out || !path || (n_overrides && !overrides)) return AF_INVAL;
    *out = NULL;
    loader L;
    const char *anywhere = getenv("AIDFLOW_EXTENDS_ANYWHERE");
    loader_init(&L, diags, anywhere && !strcmp(anywhere, "1") ? AF_LOAD_EXTENDS_ANYWHERE : 0);
    yt_node *root = load_file(&L, path, (scn_mark){0, 0, 0});
    if (!root && !L.r.errors && !L.r.nomem) L.r.errors++;
    return finish(&L, root, overrides, n_overrides, out);
}

af_status af_scenario_load_buffer(const char *name, const char *data, size_t len,
                                  const char *const *overrides, size_t n_overrides,
                                  unsigned flags, af_scenario **out, af_diagnostics *diags)
{
    if (!out || (!data && len) || (n_overrides && !overrides)) return AF_INVAL;
    *out = NULL;
    if (len > MAX_FILE_BYTES) {
        if (diags)
            diag_add(diags, AF_DIAG_ERROR, name ? name : "<memory>", 0, 0, NULL, 0,
                     "the text is larger than 16 MiB");
        return AF_PARSE;
    }
    loader L;
    loader_init(&L, diags, flags);
    yt_node *root = load_text(&L, name ? name : "<memory>", data ? data : "", len);
    return finish(&L, root, overrides, n_overrides, out);
}

/* ---- lookups -------------------------------------------------------------------------------- */

const af_scn_station *af_scenario_station(const af_scenario *s, size_t node)
{
    if (!s || node >= s->n_nodes) return NULL;
    const af_scn_node *n = &s->nodes[node];
    if (n->kind == AF_SCN_INSPECTION) return &s->inspections[n->index].st;
    if (n->kind == AF_SCN_CROSSING) return &s->crossings[n->index].st;
    return NULL;
}

#define FIND(array, count, name_expr)                                                        \
    do {                                                                                     \
        if (!s || !name) return AF_SCN_NONE;                                                 \
        for (size_t i = 0; i < s->count; i++)                                                \
            if (!strcmp(s->array[i].name_expr, name)) return i;                              \
        return AF_SCN_NONE;                                                                  \
    } while (0)

size_t af_scenario_find_node(const af_scenario *s, const char *name) { FIND(nodes, n_nodes, name); }
size_t af_scenario_find_category(const af_scenario *s, const char *name)
{
    FIND(categories, n_categories, name);
}
size_t af_scenario_find_region(const af_scenario *s, const char *name)
{
    FIND(regions, n_regions, name);
}
size_t af_scenario_find_leg(const af_scenario *s, const char *name) { FIND(legs, n_legs, name); }
size_t af_scenario_find_route(const af_scenario *s, const char *name)
{
    FIND(routes, n_routes, name);
}
