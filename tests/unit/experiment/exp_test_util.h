/* Helpers of the experiment tests: scratch directories and byte-for-byte file comparison. */
#ifndef AF_EXP_TEST_UTIL_H
#define AF_EXP_TEST_UTIL_H

#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "af_test.h"

static char scratch_root[256];

static inline int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline int scratch_setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(scratch_root, sizeof scratch_root, "%s/af-exp-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(scratch_root) ? 0 : -1;
}

static inline int scratch_teardown(void **state)
{
    (void)state;
    if (scratch_root[0]) nftw(scratch_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* A path inside the scratch directory (a few rotating buffers). */
static inline const char *scratch(const char *name)
{
    static char bufs[8][512];
    static int at;
    char *b = bufs[at++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", scratch_root, name);
    return b;
}

static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap + 1);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *t = realloc(s, 2 * cap + 1);
            if (!t) {
                free(s);
                s = NULL;
                break;
            }
            s = t;
            cap *= 2;
        }
    }
    fclose(f);
    if (s) s[n] = '\0';
    if (len) *len = n;
    return s;
}

/* Fails unless dir_a/name and dir_b/name exist and hold the same bytes. */
static inline void assert_same_file(const char *dir_a, const char *dir_b, const char *name)
{
    char pa[600], pb[600];
    snprintf(pa, sizeof pa, "%s/%s", dir_a, name);
    snprintf(pb, sizeof pb, "%s/%s", dir_b, name);
    size_t la = 0, lb = 0;
    char *a = slurp(pa, &la), *b = slurp(pb, &lb);
    if (!a || !b) fail_msg("cannot read %s or %s", pa, pb);
    if (la != lb || memcmp(a, b, la) != 0) {
        size_t i = 0;
        while (i < la && i < lb && a[i] == b[i]) i++;
        fail_msg("%s and %s differ at byte %zu (sizes %zu and %zu)", pa, pb, i, la, lb);
    }
    free(a);
    free(b);
}

static inline bool file_exists(const char *dir, const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

#endif
