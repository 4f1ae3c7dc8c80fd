#include "scenario/names.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "scenario/schema.h"

void names_init(names *t) { memset(t, 0, sizeof *t); }

void names_free(names *t)
{
    free(t->slots);
    names_init(t);
}

static uint64_t hash_of(int ns, const char *s, size_t len)
{
    return af_fnv1a(AF_FNV1A_INIT ^ (uint64_t)ns, s, len);
}

static name_entry *probe(name_entry *slots, size_t cap, int ns, const char *s, size_t len,
                         uint64_t h)
{
    for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        name_entry *e = &slots[i];
        if (!e->name) return e;
        if (e->hash == h && e->ns == ns && strlen(e->name) == len && !memcmp(e->name, s, len))
            return e;
    }
}

static bool grow(names *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    name_entry *slots = calloc(cap, sizeof *slots);
    if (!slots) return false;
    for (size_t i = 0; i < t->cap; i++) {
        name_entry *e = &t->slots[i];
        if (e->name) *probe(slots, cap, e->ns, e->name, strlen(e->name), e->hash) = *e;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return true;
}

const name_entry *names_add(names *t, int ns, const char *name, size_t index, scn_mark m,
                            bool *added, bool *nomem)
{
    *added = false;
    if ((t->n + 1) * 2 > t->cap && !grow(t)) {
        *nomem = true;
        return NULL;
    }
    size_t len = strlen(name);
    uint64_t h = hash_of(ns, name, len);
    name_entry *e = probe(t->slots, t->cap, ns, name, len, h);
    if (e->name) return e;
    *e = (name_entry){name, h, ns, index, m};
    t->n++;
    *added = true;
    return e;
}

const name_entry *names_find(const names *t, int ns, const char *name, size_t len)
{
    if (!t->cap) return NULL;
    name_entry *e = probe(t->slots, t->cap, ns, name, len, hash_of(ns, name, len));
    return e->name ? e : NULL;
}

name_entry *names_lookup(names *t, int ns, const char *name, size_t len)
{
    if (!t->cap) return NULL;
    name_entry *e = probe(t->slots, t->cap, ns, name, len, hash_of(ns, name, len));
    return e->name ? e : NULL;
}

const char *names_suggest(const names *t, int ns, const char *s, size_t len)
{
    const char *best = NULL;
    size_t best_d = 3, best_index = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const name_entry *e = &t->slots[i];
        if (!e->name || e->ns != ns) continue;
        size_t el = strlen(e->name);
        size_t d = levenshtein(s, len, e->name, el, 2);
        if (!suggestion_close(d, len, el)) continue;
        /* Ties go to the name defined first, so the suggestion does not depend on hashing. */
        if (d < best_d || (d == best_d && best && e->index < best_index)) {
            best_d = d;
            best = e->name;
            best_index = e->index;
        }
    }
    return best_d <= 2 ? best : NULL;
}
