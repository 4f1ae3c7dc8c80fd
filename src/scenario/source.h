/* The texts a load reads (scenario files, `--set` arguments), so that a diagnostic found long
 * after parsing can quote its source line. Marks name a text by its index here. */
#ifndef AF_SCENARIO_SOURCE_H
#define AF_SCENARIO_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario/arena.h"

/* A place in a source: 1-based line and column; line 0 means "no place" (a default value). */
typedef struct scn_mark {
    uint32_t file;
    uint32_t line;
    uint32_t col;
} scn_mark;

typedef struct scn_source {
    const char *name;
    const char *data; /* not NUL-terminated */
    size_t len;
} scn_source;

typedef struct scn_sources {
    arena *mem;
    scn_source *files;
    size_t n;
    size_t cap;
} scn_sources;

void sources_init(scn_sources *s, arena *mem);
/* Registers a text (the bytes are copied into the arena). Returns its index, or -1 when out
 * of memory. */
long sources_add(scn_sources *s, const char *name, const char *data, size_t len);
const scn_source *sources_get(const scn_sources *s, uint32_t file);
/* The text of line `line` (1-based) of a source without its line break, or NULL. */
const char *sources_line(const scn_sources *s, uint32_t file, uint32_t line, size_t *len);

#endif
