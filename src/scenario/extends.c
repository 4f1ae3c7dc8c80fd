/* realpath() is X/Open, beyond the POSIX level the project asks for. */
#define _XOPEN_SOURCE 700
/* `extends:` — a scenario built on another. The base is loaded first (following its own
 * extends), then the file is merged onto it:
 *   - mappings merge key by key (records such as `report`, and category tables);
 *   - named lists (categories, regions, hubs, ...) merge by name: an item whose name is in
 *     the base changes only the keys it gives, a new name is appended, and an item with
 *     `remove: true` deletes the base item of that name;
 *   - everything else (numbers, distributions, hours, other lists) replaces the base value.
 * Paths are relative to the file that holds the `extends:`. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "scenario/load.h"
#include "scenario/names.h"
#include "scenario/schema.h"

/* ---- merging -------------------------------------------------------------------------------- */

static yt_node *merge_table(loader *L, yt_node *base, yt_node *over)
{
    yt_node *m = yt_new_map(&L->tree_mem, over->mark);
    if (!m) return NULL;
    for (size_t i = 0; i < base->n; i++)
        if (!yt_map_append(&L->tree_mem, m, base->pairs[i].key, base->pairs[i].value))
            return NULL;
    for (size_t i = 0; i < over->n; i++) {
        yt_pair *p = yt_map_find(m, over->pairs[i].key->str);
        if (p && p->key->len == over->pairs[i].key->len) {
            *p = over->pairs[i];
        } else if (!yt_map_append(&L->tree_mem, m, over->pairs[i].key, over->pairs[i].value)) {
            return NULL;
        }
    }
    return m;
}

/* A copy of an item without its `remove:` key. */
static yt_node *without_remove(loader *L, yt_node *item)
{
    if (!yt_map_find(item, "remove")) return item;
    yt_node *m = yt_new_map(&L->tree_mem, item->mark);
    if (!m) return NULL;
    for (size_t i = 0; i < item->n; i++)
        if (!yt_scalar_is(item->pairs[i].key, "remove") &&
            !yt_map_append(&L->tree_mem, m, item->pairs[i].key, item->pairs[i].value))
            return NULL;
    return m;
}

/* -1: not a valid remove; 0: remove: false (or absent); 1: remove: true. */
static int remove_flag(loader *L, const yt_node *item)
{
    const yt_node *v = yt_map_get(item, "remove");
    if (!v) return 0;
    if (yt_scalar_is(v, "true") && v->plain) return 1;
    if (yt_scalar_is(v, "false") && v->plain) return 0;
    char buf[64];
    scn_error(&L->r, v->mark, "remove: expected true or false, found %s",
              yt_describe(v, buf, sizeof buf));
    return -1;
}

/* Items are found by name through a hash table, so that merging stays linear whatever the
 * size of the lists. A removed item leaves a hole that is closed at the end. */
static yt_node *merge_named(loader *L, const record *rec, yt_node *base, yt_node *over)
{
    yt_node *seq = yt_new_seq(&L->tree_mem, over->mark);
    names index;
    names_init(&index);
    if (!seq) return NULL;
    bool nomem = false;
    char key[SCHEMA_KEY_SIZE];
    for (size_t i = 0; i < base->n && !nomem; i++) {
        if (!yt_seq_append(&L->tree_mem, seq, base->items[i])) nomem = true;
        if (!schema_item_key(rec, base->items[i], key, sizeof key)) continue;
        const char *k = arena_strdup(&L->tree_mem, key);
        bool added;
        if (!k || !names_add(&index, 0, k, i, base->items[i]->mark, &added, &nomem))
            nomem = true;
    }
    for (size_t i = 0; i < over->n && !nomem; i++) {
        yt_node *item = over->items[i];
        if (item->kind != YT_MAP || !schema_item_key(rec, item, key, sizeof key)) {
            if (!yt_seq_append(&L->tree_mem, seq, item)) nomem = true;
            continue;
        }
        name_entry *e = names_lookup(&index, 0, key, strlen(key));
        size_t found = e && e->index != AF_SCN_NONE ? e->index : AF_SCN_NONE;
        int rm = remove_flag(L, item);
        if (rm < 0) continue;
        if (rm == 1) {
            for (size_t k = 0; k < item->n; k++) {
                const yt_node *kk = item->pairs[k].key;
                if (!yt_scalar_is(kk, "remove") && !yt_scalar_is(kk, "name") &&
                    !(rec->item_key && (yt_scalar_is(kk, "from") || yt_scalar_is(kk, "to"))))
                    scn_error(&L->r, kk->mark, "'%s' has no effect: remove: true deletes the "
                              "whole %s", kk->str, rec->name);
            }
            if (found == AF_SCN_NONE) {
                scn_error(&L->r, yt_map_get(item, "remove")->mark,
                          "remove: the base has no %s named '%s'", rec->name, key);
                continue;
            }
            seq->items[found] = NULL;
            e->index = AF_SCN_NONE;
            continue;
        }
        yt_node *clean = without_remove(L, item);
        if (!clean) {
            nomem = true;
        } else if (found == AF_SCN_NONE) {
            /* New names are not indexed: two new items of one name are the binder's
             * "used twice", not a silent merge. */
            if (!yt_seq_append(&L->tree_mem, seq, clean)) nomem = true;
        } else {
            yt_node *m = merge_record(L, rec, seq->items[found], clean);
            if (!m) nomem = true;
            seq->items[found] = m;
        }
    }
    names_free(&index);
    if (nomem) return NULL;
    size_t kept = 0;
    for (size_t i = 0; i < seq->n; i++)
        if (seq->items[i]) seq->items[kept++] = seq->items[i];
    seq->n = kept;
    return seq;
}

yt_node *merge_record(loader *L, const void *recp, yt_node *base, yt_node *over)
{
    const record *rec = recp;
    if (base->kind != YT_MAP || over->kind != YT_MAP) return over;
    yt_node *m = yt_new_map(&L->tree_mem, over->mark);
    if (!m) return NULL;
    for (size_t i = 0; i < base->n; i++)
        if (!yt_map_append(&L->tree_mem, m, base->pairs[i].key, base->pairs[i].value))
            return NULL;
    for (size_t i = 0; i < over->n; i++) {
        yt_node *key = over->pairs[i].key, *v = over->pairs[i].value;
        yt_pair *p = NULL;
        for (size_t k = 0; k < m->n; k++)
            if (m->pairs[k].key->len == key->len &&
                !memcmp(m->pairs[k].key->str, key->str, key->len))
                p = &m->pairs[k];
        if (!p) {
            if (!yt_map_append(&L->tree_mem, m, key, v)) return NULL;
            continue;
        }
        const field *f = schema_field(rec, key->str, key->len);
        yt_node *merged = v;
        if (f && f->shape == SH_RECORD && p->value->kind == YT_MAP && v->kind == YT_MAP)
            merged = merge_record(L, f->sub, p->value, v);
        else if (f && f->shape == SH_TABLE && p->value->kind == YT_MAP && v->kind == YT_MAP)
            merged = merge_table(L, p->value, v);
        else if (f && f->shape == SH_NAMED && p->value->kind == YT_SEQ && v->kind == YT_SEQ)
            merged = merge_named(L, f->sub, p->value, v);
        if (!merged) return NULL;
        p->key = key;
        p->value = merged;
    }
    return m;
}

void check_no_removes(loader *L, yt_node *root)
{
    if (!root || root->kind != YT_MAP) return;
    for (size_t i = 0; i < root->n; i++) {
        const field *f = schema_field(&schema_scenario, root->pairs[i].key->str,
                                      root->pairs[i].key->len);
        yt_node *v = root->pairs[i].value;
        if (!f || f->shape != SH_NAMED || v->kind != YT_SEQ) continue;
        size_t kept = 0;
        for (size_t k = 0; k < v->n; k++) {
            const yt_node *key = yt_pair_key_of(v->items[k], "remove");
            if (key)
                scn_error(&L->r, key->mark, "remove: only a file with extends: can remove "
                          "an item of its base");
            else
                v->items[kept++] = v->items[k]; /* the item was meant to go: checking it
                                                   would only add errors */
        }
        v->n = kept;
    }
}

/* ---- reading files -------------------------------------------------------------------------- */

static bool read_all(const char *path, char **data, size_t *len, char *msg, size_t size)
{
    /* Opened without blocking and checked before reading: a FIFO, a device or a directory
     * would hang the read or make no sense as a scenario. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(msg, size, "cannot open '%s': %s", path, strerror(errno));
        return false;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(msg, size, "'%s' is not a regular file (a scenario is read from a file)", path);
        close(fd);
        return false;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(msg, size, "cannot open '%s': %s", path, strerror(errno));
        close(fd);
        return false;
    }
    int e;
    af_status st = af_read_stream(f, MAX_FILE_BYTES - 1, data, len, &e);
    fclose(f);
    if (st == AF_LIMIT)
        snprintf(msg, size, "'%s' is larger than %d MiB", path, MAX_FILE_BYTES >> 20);
    else if (st == AF_IO)
        snprintf(msg, size, "cannot read '%s': %s", path, strerror(e));
    else if (st != AF_OK)
        snprintf(msg, size, "out of memory");
    return st == AF_OK;
}

static void report_at(loader *L, scn_mark from, const char *path, const char *msg)
{
    if (from.line) {
        scn_error(&L->r, from, "%s", msg);
    } else {
        L->r.errors++;
        diag_add(L->r.diags, AF_DIAG_ERROR, path, 0, 0, NULL, 0, msg);
    }
}

/* The directory part of a path with its slash ("dir/" for "dir/a.yaml", "" for "a.yaml"). */
static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

static yt_node *parse_and_extend(loader *L, const char *name, const char *real, const char *data,
                                 size_t len);

/* True when `real` (a resolved path) is in the folder of the first file of the chain, or
 * below it. */
static bool inside_tree(const loader *L, const char *real)
{
    const char *top = L->chain_real[0];
    char *dir = NULL;
    if (top[0] == '/') {
        size_t n = dir_len(top);
        dir = malloc(n + 1);
        if (dir) {
            memcpy(dir, top, n);
            dir[n] = '\0';
        }
    } else { /* text loaded under a name that is not a file: its name's folder */
        size_t n = dir_len(L->chain[0]);
        char *d = malloc(n + 2);
        if (d) {
            memcpy(d, L->chain[0], n);
            memcpy(d + n, ".", 2);
            char *r = realpath(d, NULL);
            free(d);
            if (r) {
                dir = malloc(strlen(r) + 2);
                if (dir) sprintf(dir, "%s%s", r, strcmp(r, "/") ? "/" : "");
                free(r);
            }
        }
    }
    bool in = dir && strncmp(real, dir, strlen(dir)) == 0;
    free(dir);
    return in;
}

yt_node *load_file(loader *L, const char *path, scn_mark from)
{
    char msg[PATH_MAX + 128];
    char *data;
    size_t len;
    if (!read_all(path, &data, &len, msg, sizeof msg)) {
        if (!strcmp(msg, "out of memory"))
            L->r.nomem = true;
        else
            report_at(L, from, path, msg);
        if (!from.line) L->io_failed = true;
        return NULL;
    }
    char *real = realpath(path, NULL);
    yt_node *root = parse_and_extend(L, path, real ? real : path, data, len);
    free(real);
    free(data);
    return root;
}

yt_node *load_text(loader *L, const char *name, const char *data, size_t len)
{
    char *real = realpath(name, NULL);
    yt_node *root = parse_and_extend(L, name, real ? real : name, data, len);
    free(real);
    return root;
}

static yt_node *parse_and_extend(loader *L, const char *name, const char *real, const char *data,
                                 size_t len)
{
    long file = sources_add(&L->src, name, data, len);
    if (file < 0) {
        L->r.nomem = true;
        return NULL;
    }
    const char *name_copy = sources_get(&L->src, (uint32_t)file)->name;
    const char *real_copy = arena_strdup(&L->tree_mem, real);
    if (!real_copy) {
        L->r.nomem = true;
        return NULL;
    }
    size_t first_diag = af_diagnostics_count(L->r.diags), errors = L->r.errors;
    yt_node *root = yt_parse(&L->tree_mem, &L->r, (uint32_t)file,
                             sources_get(&L->src, (uint32_t)file)->data, len, 0);
    /* A base that is not YAML is not quoted (it may be any file, a secret one included). */
    if (L->depth > 0 && (!root || L->r.errors > errors))
        diag_forget_lines(L->r.diags, first_diag);
    if (!root) return NULL;

    yt_pair *ext = root->kind == YT_MAP ? yt_map_find(root, "extends") : NULL;
    if (!ext) {
        check_no_removes(L, root);
        return root;
    }
    const yt_node *v = ext->value;
    char buf[64];
    if (v->kind != YT_SCALAR || yt_is_null(v) || memchr(v->str, '\0', v->len)) {
        scn_error(&L->r, v->mark, "extends: expected a file name, found %s",
                  yt_describe(v, buf, sizeof buf));
        return root;
    }
    if (L->flags & AF_LOAD_NO_FILES) {
        scn_error(&L->r, v->mark, "extends: reading other files is turned off for this load");
        return root;
    }
    if (L->depth >= MAX_EXTENDS_DEPTH) {
        scn_error(&L->r, v->mark, "extends: more than %d files deep", MAX_EXTENDS_DEPTH);
        return NULL;
    }
    /* The base path, relative to this file's directory. */
    size_t dl = v->str[0] == '/' ? 0 : dir_len(name_copy);
    char *base_path = arena_calloc(&L->tree_mem, dl + v->len + 1, 1);
    if (!base_path) {
        L->r.nomem = true;
        return NULL;
    }
    memcpy(base_path, name_copy, dl);
    memcpy(base_path + dl, v->str, v->len + 1);

    L->chain[L->depth] = name_copy;
    L->chain_real[L->depth] = real_copy;
    L->depth++;
    char *base_real = realpath(base_path, NULL);
    for (size_t i = 0; base_real && i < L->depth; i++) {
        if (strcmp(L->chain_real[i], base_real)) continue;
        char cycle[1024] = "";
        for (size_t k = i; k < L->depth; k++) {
            strncat(cycle, L->chain[k], sizeof cycle - strlen(cycle) - 1);
            strncat(cycle, " -> ", sizeof cycle - strlen(cycle) - 1);
        }
        strncat(cycle, base_path, sizeof cycle - strlen(cycle) - 1);
        scn_error(&L->r, v->mark, "extends: a cycle of files: %s", cycle);
        free(base_real);
        L->depth--;
        return NULL;
    }
    if (base_real && !(L->flags & AF_LOAD_EXTENDS_ANYWHERE) && !inside_tree(L, base_real)) {
        scn_error(&L->r, v->mark,
                  "extends: '%s' is outside the folder of %s; a base must be in that folder "
                  "or below it (AIDFLOW_EXTENDS_ANYWHERE=1 allows any file)",
                  base_path, L->chain[0]);
        free(base_real);
        L->depth--;
        return NULL;
    }
    free(base_real);
    yt_node *base = load_file(L, base_path, v->mark);
    L->depth--;
    if (!base) return NULL;
    if (base->kind != YT_MAP) {
        scn_error(&L->r, base->mark, "expected a mapping of scenario keys, found %s",
                  yt_describe(base, buf, sizeof buf));
        return NULL;
    }

    yt_node *over = yt_new_map(&L->tree_mem, root->mark);
    if (!over) {
        L->r.nomem = true;
        return NULL;
    }
    for (size_t i = 0; i < root->n; i++)
        if (&root->pairs[i] != ext &&
            !yt_map_append(&L->tree_mem, over, root->pairs[i].key, root->pairs[i].value)) {
            L->r.nomem = true;
            return NULL;
        }
    yt_node *merged = merge_record(L, &schema_scenario, base, over);
    if (!merged) L->r.nomem = true;
    return merged;
}
