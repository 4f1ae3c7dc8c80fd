/* The scenario language as data: one table of keys per kind of mapping (netplan's habit).
 *
 * Binding, `extends` merging and `--set` overrides all read these tables, so that a key is
 * declared once: its name, how its value is bound, whether it is required, its default (as
 * the YAML text a planner would write, bound by the same code as a written value), its
 * default unit, and its shape, which says how `extends` merges it and how a `--set` path
 * walks through it. The reference in scenarios/README.md is checked against these tables.
 */
#ifndef AF_SCENARIO_SCHEMA_H
#define AF_SCENARIO_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/yaml_tree.h"

typedef struct binder binder;
typedef struct field field;
typedef struct record record;

/* Binds value `v` of field `f` into the item being built (`item` is its base address). */
typedef void (*bind_fn)(binder *b, const yt_node *v, void *item, const field *f);

typedef enum shape {
    SH_SCALAR,  /* one value: replaced by extends */
    SH_RECORD,  /* a mapping with its own keys (sub): merged key by key */
    SH_TABLE,   /* a mapping from category names to values: merged key by key */
    SH_NAMED,   /* a list of mappings with names (sub): merged by name */
    SH_LIST,    /* any other list: replaced as a whole (items are sub, if records) */
    SH_VARIANT  /* a value of several forms (distribution, hours): replaced as a whole */
} shape;

enum {
    F_REQUIRED = 1u << 0,
    F_NONE_OK = 1u << 1,   /* the word 'none' is accepted and binds 0 (no cap, no limit) */
    F_LO_OPEN = 1u << 2,   /* the value must be above lo, not equal to it */
    F_UNSET_NAN = 1u << 3, /* category tables: categories not given are NaN (filled later) */
    F_AFTER_START = 1u << 4, /* dates: not before the start date */
};

/* aux holds an offset + 1 so that 0 means "no second offset". */
#define AUX(type, member) (offsetof(type, member) + 1)

struct field {
    const char *key;
    bind_fn bind;       /* NULL: handled outside the binder (extends) */
    size_t offset;      /* of the value in the item */
    size_t aux;         /* a second offset some binders need (a has_X flag) */
    unsigned flags;
    const char *dflt;   /* default as YAML text; NULL: none (absent leaves it unset) */
    const char *unit;   /* default unit of a bare number */
    double lo, hi;      /* accepted range of numbers, in the resolved unit */
    shape shape;
    const record *sub;  /* SH_RECORD, SH_NAMED and record lists: the items' keys */
    const void *arg;    /* binder-specific: an enum table, a namespace, an element binder */
    const char *doc;    /* type as the reference names it: "whole number", "duration" */
};

/* What identifies an item of a named list, for merging and for `--set` paths: its `name`,
 * or for a leg without one "FROM_to_TO". Writes at most size bytes; false when it has none. */
typedef bool (*item_key_fn)(const yt_node *item, char *buf, size_t size);

struct record {
    const char *name;      /* "crossing": names the table in scenarios/README.md */
    const char *what;      /* "a crossing": for messages */
    const field *fields;
    size_t n_fields;
    const record *base;    /* keys shared with another record (station for crossings) */
    item_key_fn item_key;  /* SH_NAMED items */
    bool table_order;      /* bind in table order, not file order (the top level: references
                              need their targets bound first) */
    void (*init)(void *item);                        /* before binding: non-zero defaults */
    void (*check)(binder *b, const yt_node *map, void *item); /* after: cross-field checks */
};

extern const record schema_scenario;

/* Every record, for the reference check: NULL-terminated. */
extern const record *const schema_records[];

/* The field of record r (or its base) called key; NULL if none. */
const field *schema_field(const record *r, const char *key, size_t len);
/* The closest key of r to `key` (Levenshtein distance <= 2), or NULL. */
const char *schema_suggest(const record *r, const char *key);
/* "required", the default text, or "none" (absent means unset). */
const char *schema_default_text(const field *f);

/* The identity of a named-list item under record r. */
bool schema_item_key(const record *r, const yt_node *item, char *buf, size_t size);

/* Edit distance between two strings, capped at cap + 1 (cheap for "did you mean"). */
size_t levenshtein(const char *a, size_t la, const char *b, size_t lb, size_t cap);
/* Whether a distance d between strings of lengths la and lb is worth a "did you mean": at
 * most 2, and small against the words ("ab" is not a misspelling of "cd"). */
bool suggestion_close(size_t d, size_t la, size_t lb);
/* The closest of `n` candidate strings to s within distance 2, or NULL. */
const char *suggest_closest(const char *s, size_t len, const char *const *cand, size_t n);

#endif
