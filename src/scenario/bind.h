/* Binding: from the merged YAML tree to the resolved af_scenario, reporting every mistake
 * with the place of the node that holds it. The field binders named in schema.c live in
 * bind_*.c; the cross-checks that need the whole scenario live in validate.c. */
#ifndef AF_SCENARIO_BIND_H
#define AF_SCENARIO_BIND_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/scenario.h"
#include "scenario/arena.h"
#include "scenario/diag.h"
#include "scenario/names.h"
#include "scenario/schema.h"
#include "scenario/yaml_tree.h"

enum {
    MAX_CATEGORIES = 256,
    MAX_SCENARIO_BYTES = 512 * 1024 * 1024, /* the resolved scenario, all arrays together */
};

/* The lists whose item mappings validate.c needs again, for its messages. */
typedef enum list_id {
    L_CATEGORY,
    L_REGION,
    L_HOLD,
    L_ORIGIN,
    L_INSPECTION,
    L_CROSSING,
    L_HUB,
    L_LEG,
    L_ROUTE,
    L_COUNT_
} list_id;

typedef struct bound_items {
    const yt_node *list; /* the list node (NULL when absent) */
    const yt_node **items;
    size_t n;
    bool had_errors; /* checks that build on this list would only repeat its errors */
} bound_items;

/* A default value parsed once per field. */
typedef struct default_node {
    const field *f;
    yt_node *node;
} default_node;

struct binder {
    arena *mem;  /* the scenario's arena */
    arena *tmp;  /* the tree's arena: defaults are parsed into it */
    scn_report *r;
    af_scenario *s;
    names names;
    bool have_start;
    long start_days; /* days since 1970-01-01 of the start date */
    size_t nodes_cap;
    bool ns_broken[NS_COUNT_]; /* a list was not a list: do not report every reference to it */
    bound_items lists[L_COUNT_];
    default_node defaults[64];
    size_t n_defaults;
    /* empirical distributions own malloc'd tables: af_scenario_free must free them */
    af_dist **owned;
    size_t n_owned, cap_owned;
};

/* Binds the whole document into b->s; errors go to b->r. */
void bind_scenario(binder *b, const yt_node *root);
/* Binds the mapping v against record r into item (file order, or table order). */
void bind_record(binder *b, const yt_node *v, const record *r, void *item, const char *item_name);

/* Reports "KEY: expected ..., found X" at v. */
void bind_expected(binder *b, const yt_node *v, const field *f, const char *expected);
/* A scalar's text with no NUL inside; reports and returns NULL otherwise. */
const char *bind_scalar_text(binder *b, const yt_node *v, const field *f, const char *expected);
/* Checks an identifier: a letter then letters, digits and '_', at most 64 characters. */
bool bind_is_identifier(const char *s, size_t len);
/* Resolves a reference (a scalar naming something of namespace ns); reports an undefined
 * name with a suggestion. Returns the entry or NULL. */
const name_entry *bind_lookup(binder *b, const yt_node *v, int ns, const char *what,
                              const field *f);

/* Field binders (see schema.c for the rows that use them). */
void bind_text(binder *b, const yt_node *v, void *item, const field *f);
void bind_text_list(binder *b, const yt_node *v, void *item, const field *f);
void bind_item_name(binder *b, const yt_node *v, void *item, const field *f);
void bind_unsigned(binder *b, const yt_node *v, void *item, const field *f);
void bind_u32(binder *b, const yt_node *v, void *item, const field *f);
void bind_size(binder *b, const yt_node *v, void *item, const field *f);
void bind_u64(binder *b, const yt_node *v, void *item, const field *f);
void bind_int(binder *b, const yt_node *v, void *item, const field *f);
void bind_count(binder *b, const yt_node *v, void *item, const field *f);
void bind_quantity(binder *b, const yt_node *v, void *item, const field *f);
void bind_days(binder *b, const yt_node *v, void *item, const field *f);
void bind_start(binder *b, const yt_node *v, void *item, const field *f);
void bind_date_day(binder *b, const yt_node *v, void *item, const field *f);
void bind_enum(binder *b, const yt_node *v, void *item, const field *f);
void bind_dist(binder *b, const yt_node *v, void *item, const field *f);
void bind_hours(binder *b, const yt_node *v, void *item, const field *f);
void bind_closures(binder *b, const yt_node *v, void *item, const field *f);
void bind_instant(binder *b, const yt_node *v, void *item, const field *f);
void bind_assignments(binder *b, const yt_node *v, void *item, const field *f);
void bind_dispatch(binder *b, const yt_node *v, void *item, const field *f);
void bind_subrecord(binder *b, const yt_node *v, void *item, const field *f);
void bind_named_list(binder *b, const yt_node *v, void *item, const field *f);
void bind_record_list(binder *b, const yt_node *v, void *item, const field *f);
void bind_cat_numbers(binder *b, const yt_node *v, void *item, const field *f);
void bind_cat_dists(binder *b, const yt_node *v, void *item, const field *f);
void bind_cat_list(binder *b, const yt_node *v, void *item, const field *f);
void bind_ref(binder *b, const yt_node *v, void *item, const field *f);
void bind_ref_list(binder *b, const yt_node *v, void *item, const field *f);

/* An enum's spellings and values (arg of bind_enum). */
typedef struct enum_table {
    const char *const *names;
    const int *values;
    size_t n;
} enum_table;

/* What a reference may point at (arg of bind_ref and bind_ref_list). */
typedef struct ref_spec {
    int ns;
    const char *what;    /* "region", "node" */
    int kind_mask;       /* NS_NODE: allowed node kinds as bits (1 << AF_SCN_HUB), 0: any */
    bool kind_index;     /* store the index within the node's kind instead of the node's */
} ref_spec;

/* A named list's item layout (arg of bind_named_list and bind_record_list). */
typedef struct list_spec {
    int list;            /* list_id, or -1 */
    size_t item_size;
    int ns;              /* -1: items are not named */
    int node_kind;       /* -1: not a node kind; else items are nodes (af_scn_node_kind) */
    size_t name_offset;  /* const char * of the item's name (ns >= 0 and not a node) */
    size_t node_offset;  /* size_t node index in the item (node kinds) */
    bool nonempty;       /* at least one item */
} list_spec;

/* Cross-field checks of single items (records' check hooks). */
void check_shift(binder *b, const yt_node *map, void *item);
void check_origin(binder *b, const yt_node *map, void *item);
void check_hold(binder *b, const yt_node *map, void *item);
void check_gaza_side(binder *b, const yt_node *map, void *item);
void check_change(binder *b, const yt_node *map, void *item);

/* Remembers an empirical distribution whose table the scenario must free. */
void bind_own_dist(binder *b, af_dist *d);

/* Element binder of a category table (arg of bind_cat_numbers / bind_cat_dists). */
typedef struct table_spec {
    const field *elem;   /* how one value is bound: bind, unit, lo, hi, doc */
} table_spec;

#endif
