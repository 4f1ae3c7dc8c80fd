#include "scenario/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    arena_block *next;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

void arena_init(arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->total = 0;
    a->limit = 0;
    a->over_limit = false;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    size_t limit = a->limit;
    arena_init(a);
    a->limit = limit;
}

void *arena_calloc(arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    const size_t align = alignof(max_align_t);
    if (bytes > SIZE_MAX - align) return NULL;
    bytes = (bytes + align - 1) / align * align;
    if (bytes == 0) bytes = align;
    if (a->limit && (bytes > a->limit || a->total > a->limit - bytes)) {
        a->over_limit = true;
        return NULL;
    }

    if (!a->head || a->head->size - a->used < bytes) {
        /* Large requests get a block of their own so that the current block stays usable. */
        size_t cap = bytes > ARENA_BLOCK / 4 ? bytes : ARENA_BLOCK;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->size = cap;
        if (cap == bytes && a->head) {
            b->next = a->head->next;
            a->head->next = b;
            memset(b->data, 0, bytes);
            a->total += bytes;
            return b->data;
        }
        b->next = a->head;
        a->head = b;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += bytes;
    a->total += bytes;
    memset(p, 0, bytes);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX) return NULL;
    char *p = arena_calloc(a, len + 1, 1);
    if (!p) return NULL;
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

void *arena_memdup(arena *a, const void *p, size_t n, size_t size)
{
    void *q = arena_calloc(a, n, size);
    if (q && n && size) memcpy(q, p, n * size);
    return q;
}
