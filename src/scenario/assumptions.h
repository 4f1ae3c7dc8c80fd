/* Assumptions as data: a number written `{value: 40 min, assumption: [30 min, 60 min]}`
 * (optionally with `source:` and `prior:`) is the number for everything that binds it, and a
 * mark the scenario keeps (af_scn_assumption).
 *
 * In the loader the marks are taken out of the merged tree before the `--set`s (each wrapper
 * is replaced by its value and remembered by its --set path), again after them (a --set
 * value may itself be a wrapper), and resolved after binding: the value now at each path is
 * checked against its range, which keeps a --set's new value marked. The canonical writer
 * writes the marks back by parsing its own text and wrapping the values at the marked paths,
 * so write.c knows nothing of them and the hash (which leaves them out) is unchanged.
 */
#ifndef AF_SCENARIO_ASSUMPTIONS_H
#define AF_SCENARIO_ASSUMPTIONS_H

#include <stddef.h>

#include "scenario/bind.h"
#include "scenario/load.h"

typedef struct pending_mark pending_mark;

typedef struct pending_marks {
    pending_mark *items;
    size_t n, cap;
} pending_marks;

/* Replaces every wrapper in the tree by its value and remembers it (a later wrapper at the
 * same path replaces an earlier one). Mistakes in a wrapper are reported. */
void assumptions_take(loader *L, yt_node *root, pending_marks *out);

/* After binding: finds the value now at each remembered path, checks it and the range with
 * the key's binder and stores the marks in b->s. A path a --set replaced with a value of
 * another shape (a whole distribution) is dropped. */
void assumptions_resolve(binder *b, yt_node *root, const pending_marks *marks);

/* The canonical YAML `text` (len bytes) with the values of s's assumptions wrapped in their
 * marks; a new malloc'd text (its length in *out_len), or NULL when out of memory. */
char *assumptions_mark_yaml(const af_scenario *s, const char *text, size_t len,
                            size_t *out_len);

/* The canonical YAML without the marks (what the hash is computed on). */
char *scenario_plain_yaml(const af_scenario *s, size_t *len);

#endif
