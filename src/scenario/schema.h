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
/* The longest key schema_item_key makes, with its terminator: a name is at most 64
 * characters, and an unnamed leg's FROM_to_TO at most 64 + 4 + 64. */
#define SCHEMA_KEY_SIZE 136
bool schema_item_key(const record *r, const yt_node *item, char *buf, size_t size);

/* ---- the tables as a description, for generated references (aidflow schema) ---------- */

/* What kind of value a key holds, as a tool outside the binder needs to know it. */
typedef enum schema_type {
    ST_TEXT,        /* any text */
    ST_TEXT_LIST,   /* a list of text */
    ST_FILE,        /* a file name (extends) */
    ST_NAME,        /* the item's own name: a letter, then letters, digits and '_' */
    ST_REF,         /* the name of another item */
    ST_REF_LIST,    /* a list of names */
    ST_CAT_LIST,    /* a list of category names, or the word all */
    ST_INT,         /* a whole number in [lo, hi] (hi 0: no upper bound), or none if none_ok */
    ST_QUANTITY,    /* a number with an optional unit of kind `quantity` */
    ST_DAYS,        /* a duration in whole days */
    ST_DATE,        /* YYYY-MM-DD */
    ST_ENUM,        /* one of enum_names */
    ST_DIST,        /* a distribution */
    ST_HOURS,       /* opening hours */
    ST_CLOSURES,    /* a list of closures */
    ST_DISPATCH,    /* poisson, or a window HH:MM-HH:MM */
    ST_RECORD,      /* a mapping with the keys of sub */
    ST_NAMED_LIST,  /* a list of mappings of sub, merged by name */
    ST_RECORD_LIST, /* a list of mappings of sub, replaced as a whole */
    ST_CAT_TABLE,   /* a mapping from category names to values described by elem */
    ST_INSTANT,     /* YYYY-MM-DD or YYYY-MM-DD HH:MM */
    ST_ASSIGNMENTS  /* a mapping from --set paths to values (a dated change's set:) */
} schema_type;

typedef struct schema_key {
    const char *key;
    const char *doc;               /* the type as the reference names it */
    schema_type type;
    bool required, none_ok, lo_open;
    bool nonempty;                 /* lists of mappings: at least one item */
    const char *dflt;              /* schema_default_text() */
    const char *yaml_default;      /* the default as YAML text; NULL when required or none */
    const char *unit;              /* default unit of a bare number, or NULL */
    double lo, hi;                 /* range in the resolved unit; both 0 when none applies */
    int quantity;                  /* ST_QUANTITY: a unit_kind (scenario/units.h) */
    const char *const *enum_names; /* ST_ENUM */
    size_t n_enum;
    const record *sub;             /* ST_RECORD, ST_NAMED_LIST, ST_RECORD_LIST */
    const field *elem;             /* ST_CAT_TABLE: the element (describe it with schema_describe) */
} schema_key;

/* Describes field f. */
void schema_describe(const field *f, schema_key *out);
/* Calls visit for every key of r, those of its base first, in table order. */
void schema_walk(const record *r, void (*visit)(const schema_key *k, void *ctx), void *ctx);

/* Edit distance between two strings, capped at cap + 1 (cheap for "did you mean"). */
size_t levenshtein(const char *a, size_t la, const char *b, size_t lb, size_t cap);
/* Whether a distance d between strings of lengths la and lb is worth a "did you mean": at
 * most 2, and small against the words ("ab" is not a misspelling of "cd"). */
bool suggestion_close(size_t d, size_t la, size_t lb);
/* The closest of `n` candidate strings to s within distance 2, or NULL. */
const char *suggest_closest(const char *s, size_t len, const char *const *cand, size_t n);

#endif
