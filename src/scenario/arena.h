/* A bump allocator: everything a load builds (the YAML tree, the resolved scenario) lives in
 * an arena and is freed at once, so that the many error paths of a loader need no cleanup. */
#ifndef AF_SCENARIO_ARENA_H
#define AF_SCENARIO_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
    arena_block *head;
    size_t used;    /* bytes used in head */
    size_t total;   /* bytes handed out, for the size limits of the loader */
    size_t limit;   /* 0: none; past it allocations fail and over_limit is set */
    bool over_limit;
} arena;

void arena_init(arena *a);
void arena_free(arena *a);
/* Zeroed memory aligned for any type; NULL when out of memory or when n * size overflows. */
void *arena_calloc(arena *a, size_t n, size_t size);
/* Copy of s[0..len) with a NUL appended; NULL when out of memory. */
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_strdup(arena *a, const char *s);
/* Copies n * size bytes (n may be 0: returns a valid non-NULL pointer). */
void *arena_memdup(arena *a, const void *p, size_t n, size_t size);

#endif
