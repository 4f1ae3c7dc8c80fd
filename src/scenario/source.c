#include "scenario/source.h"

#include <string.h>

void sources_init(scn_sources *s, arena *mem)
{
    memset(s, 0, sizeof *s);
    s->mem = mem;
}

long sources_add(scn_sources *s, const char *name, const char *data, size_t len)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        scn_source *f = arena_calloc(s->mem, cap, sizeof *f);
        if (!f) return -1;
        if (s->n) memcpy(f, s->files, s->n * sizeof *f);
        s->files = f;
        s->cap = cap;
    }
    char *copy = arena_strndup(s->mem, data, len);
    char *nm = arena_strdup(s->mem, name);
    if (!copy || !nm) return -1;
    s->files[s->n] = (scn_source){nm, copy, len};
    return (long)s->n++;
}

const scn_source *sources_get(const scn_sources *s, uint32_t file)
{
    return s && file < s->n ? &s->files[file] : NULL;
}

const char *sources_line(const scn_sources *s, uint32_t file, uint32_t line, size_t *len)
{
    const scn_source *f = sources_get(s, file);
    if (!f || line == 0) return NULL;
    const char *p = f->data, *end = f->data + f->len;
    /* libyaml counts CR, LF and CRLF as one break each; so do we. */
    for (uint32_t l = 1; l < line; l++) {
        while (p < end && *p != '\n' && *p != '\r') p++;
        if (p == end) return NULL;
        if (*p == '\r' && p + 1 < end && p[1] == '\n') p++;
        p++;
    }
    const char *q = p;
    while (q < end && *q != '\n' && *q != '\r') q++;
    *len = (size_t)(q - p);
    return p;
}
