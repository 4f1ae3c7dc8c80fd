/* The loading pipeline: read -> parse -> extends (merge) -> --set -> bind -> validate. */
#ifndef AF_SCENARIO_LOAD_H
#define AF_SCENARIO_LOAD_H

#include <stdbool.h>

#include "aidflow/scenario.h"
#include "scenario/arena.h"
#include "scenario/diag.h"
#include "scenario/source.h"
#include "scenario/yaml_tree.h"

enum {
    MAX_EXTENDS_DEPTH = 16,
    MAX_FILE_BYTES = 16 * 1024 * 1024,
};

typedef struct loader {
    arena tree_mem;
    scn_sources src;
    scn_report r;
    unsigned flags;
    const char *chain[MAX_EXTENDS_DEPTH + 1]; /* files being loaded, outermost first */
    const char *chain_real[MAX_EXTENDS_DEPTH + 1];
    size_t depth;
    bool io_failed; /* the top file could not be read */
} loader;

/* Reads, parses and merges a file with its `extends` chain. `from` is the place of the
 * `extends:` that names it (line 0 for the top file). NULL after reporting why. */
yt_node *load_file(loader *L, const char *path, scn_mark from);
/* The same for text in memory named `name`. */
yt_node *load_text(loader *L, const char *name, const char *data, size_t len);

/* Merges `over` (a file that extends) onto `base`, as record rec. Both trees may be reused. */
yt_node *merge_record(loader *L, const void *rec, yt_node *base, yt_node *over);
/* Reports `remove:` in a file that has no base. */
void check_no_removes(loader *L, yt_node *root);

/* Applies one "path.to.field=value" to the tree. False after reporting a mistake. */
bool apply_override(loader *L, yt_node *root, const char *arg);
/* Applies `path` (len bytes, written at `at`: a key of a dated change) = value to the tree,
 * with the grammar of --set. False after reporting a mistake. */
bool apply_path(loader *L, yt_node *root, const char *path, size_t len, scn_mark at,
                yt_node *value);

#endif
