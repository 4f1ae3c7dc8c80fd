/* Names defined in a scenario, by namespace, for resolving references in O(1) whatever the
 * size of the file. The strings are the interned copies the resolved scenario points to. */
#ifndef AF_SCENARIO_NAMES_H
#define AF_SCENARIO_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/source.h"

typedef enum name_space {
    NS_CATEGORY,
    NS_REGION,
    NS_HOLD,
    NS_NODE, /* origins, inspections, crossings and hubs share one namespace */
    NS_LEG,
    NS_ROUTE,
    NS_COUNT_
} name_space;

typedef struct name_entry {
    const char *name; /* NULL: empty slot */
    uint64_t hash;
    int ns;
    size_t index;
    scn_mark mark;
} name_entry;

typedef struct names {
    name_entry *slots;
    size_t cap;
    size_t n;
} names;

void names_init(names *t);
void names_free(names *t);
/* Adds a name; when it is already defined returns that entry (and adds nothing). Returns
 * NULL on out of memory, setting *nomem. On success *added says whether it was new. */
const name_entry *names_add(names *t, int ns, const char *name, size_t index, scn_mark m,
                            bool *added, bool *nomem);
const name_entry *names_find(const names *t, int ns, const char *name, size_t len);
/* The same, for a caller that owns the table and updates the index it holds. */
name_entry *names_lookup(names *t, int ns, const char *name, size_t len);
/* The defined name of namespace ns closest to `s` (distance <= 2), or NULL. */
const char *names_suggest(const names *t, int ns, const char *s, size_t len);

#endif
