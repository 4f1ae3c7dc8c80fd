/* Helpers shared by the scenario tests: where the sources are, reading files, loading. */
#ifndef AF_SCN_TEST_H
#define AF_SCN_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "base/file.h"

/* The source tree (meson passes AF_SOURCE_ROOT). */
static inline const char *scn_root(void)
{
    const char *r = getenv("AF_SOURCE_ROOT");
    return r ? r : ".";
}

/* ROOT/rel in a static buffer (one at a time). */
static inline const char *scn_path(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", scn_root(), rel);
    return buf;
}

/* The whole file, NUL-terminated; NULL if it cannot be read. */
static inline char *scn_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf;
    size_t n;
    af_status st = af_read_stream(f, (size_t)-1 / 2, &buf, &n, NULL);
    fclose(f);
    if (len) *len = st == AF_OK ? n : 0;
    return st == AF_OK ? buf : NULL;
}

/* Every diagnostic as "file:line:col: severity: message" lines, for failure messages. */
static inline void scn_dump(const af_diagnostics *d)
{
    af_diagnostics_print(d, stderr);
}

#endif
