/* A YAML document as a tree that keeps the place of every node, so that checks made long
 * after parsing (a route that does not reach a hub) can still point at the right column.
 *
 * The parser is libyaml's event API. It refuses what a scenario never needs and what would
 * let a small input do unbounded work: more than one document, tags, nesting deeper than
 * YT_MAX_DEPTH, more than YT_MAX_NODES nodes (aliases count as the copies they expand to),
 * keys that are not scalars. Duplicate keys are reported and the first one is kept.
 */
#ifndef AF_SCENARIO_YAML_TREE_H
#define AF_SCENARIO_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/arena.h"
#include "scenario/diag.h"
#include "scenario/source.h"

enum { YT_MAX_DEPTH = 64, YT_MAX_NODES = 500000, YT_MAX_ANCHORS = 1000 };

typedef enum yt_kind { YT_SCALAR, YT_MAP, YT_SEQ } yt_kind;

typedef struct yt_node yt_node;

typedef struct yt_pair {
    yt_node *key; /* always a scalar */
    yt_node *value;
} yt_pair;

struct yt_node {
    yt_kind kind;
    scn_mark mark;
    bool plain;      /* scalar written without quotes: may be a number, a bool or null */
    const char *str; /* scalar text, NUL-terminated (it may also hold NULs: see len) */
    size_t len;
    yt_pair *pairs;  /* map */
    yt_node **items; /* sequence */
    size_t n;
    size_t cap;
};

/* Parses `len` bytes of source `file` (already registered in r->src). Columns of line 1 are
 * shifted right by `col_shift` (a `--set` value quoted from the middle of its argument).
 * Returns the root node, or NULL after reporting why (syntax error, limits) or on out of
 * memory (r->nomem). An empty document gives an empty map marked at line 1. */
yt_node *yt_parse(arena *mem, scn_report *r, uint32_t file, const char *data, size_t len,
                  uint32_t col_shift);

/* Construction and lookup, for merging and overrides. All return NULL when out of memory. */
yt_node *yt_new_scalar(arena *mem, scn_mark m, const char *s, size_t len, bool plain);
yt_node *yt_new_map(arena *mem, scn_mark m);
yt_node *yt_new_seq(arena *mem, scn_mark m);
bool yt_map_append(arena *mem, yt_node *map, yt_node *key, yt_node *value);
bool yt_seq_append(arena *mem, yt_node *seq, yt_node *item);
/* The value for `key` in a map, or NULL (also when `map` is not a map). */
yt_node *yt_map_get(const yt_node *map, const char *key);
yt_pair *yt_map_find(const yt_node *map, const char *key);
/* The key node of `key` in a map (for messages about the key itself), or NULL. */
const yt_node *yt_pair_key_of(const yt_node *map, const char *key);
/* Removes the pair at index i, keeping the order of the others. */
void yt_map_remove(yt_node *map, size_t i);

/* Scalar tests. A null is a plain "", "~", "null", "Null" or "NULL". */
bool yt_is_null(const yt_node *n);
bool yt_scalar_is(const yt_node *n, const char *s);

/* A short description of what a node is, for "expected X, found Y" messages: "a mapping",
 * "a list", "nothing (null)", "'45 kg'" (quoted and cut to a readable length). */
const char *yt_describe(const yt_node *n, char *buf, size_t size);

#endif
