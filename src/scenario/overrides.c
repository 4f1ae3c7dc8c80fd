/* `--set path.to.field=value`: one change to the merged tree before it is bound, so that the
 * value is checked like a value in the file and its errors point into the argument
 * (`<--set>:1:COL`). Lists of named things are addressed by name
 * (`crossings.kerem_shalom.lanes=6`), other lists by position from 0
 * (`origins.al_arish.plan.0.trucks.food=150`). The value is YAML: `6`, `45 min`,
 * `{lognormal: {mean: 50, sd: 20}}`, `[2024-01-01, 2024-01-03]`. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "scenario/bind.h"
#include "scenario/load.h"
#include "scenario/schema.h"

typedef struct seg {
    const char *s;
    size_t len;
    scn_mark mark; /* where the segment is written (the argument, or a key in a file) */
} seg;

enum { MAX_SEGS = 32 };

static scn_mark seg_mark(uint32_t file, const seg *g)
{
    (void)file;
    return g->mark;
}

/* "crossings.kerem_shalom" for messages: the path up to (not including) segment i. */
static void path_upto(const seg *segs, size_t i, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t k = 0; k < i; k++) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s%.*s", k ? "." : "", (int)segs[k].len, segs[k].s);
    }
    if (!buf[0]) snprintf(buf, size, "the scenario");
}

static yt_pair *find_pair(const yt_node *map, const seg *g)
{
    for (size_t i = 0; i < map->n; i++)
        if (map->pairs[i].key->len == g->len && !memcmp(map->pairs[i].key->str, g->s, g->len))
            return &map->pairs[i];
    return NULL;
}

/* Sets map[g] = value, creating the key (marked in the argument) when absent. */
static bool set_key(loader *L, yt_node *map, const seg *g, uint32_t file, yt_node *value)
{
    yt_pair *p = find_pair(map, g);
    if (p) {
        p->value = value;
        return true;
    }
    yt_node *key = yt_new_scalar(&L->tree_mem, seg_mark(file, g), g->s, g->len, true);
    if (!key || !yt_map_append(&L->tree_mem, map, key, value)) {
        L->r.nomem = true;
        return false;
    }
    return true;
}

static bool parse_index(const seg *g, size_t *out)
{
    if (g->len == 0 || g->len > 9) return false;
    size_t v = 0;
    for (size_t i = 0; i < g->len; i++) {
        if (!isdigit((unsigned char)g->s[i])) return false;
        v = v * 10 + (size_t)(g->s[i] - '0');
    }
    *out = v;
    return true;
}

/* Walks a part of the tree the schema does not describe (inside a distribution or hours). */
static bool walk_plain(loader *L, yt_node *node, const seg *segs, size_t i, size_t n,
                       uint32_t file, yt_node *value)
{
    char where[256], buf[64];
    for (; i < n; i++) {
        const seg *g = &segs[i];
        path_upto(segs, i, where, sizeof where);
        bool last = i + 1 == n;
        if (node->kind == YT_MAP) {
            yt_pair *p = find_pair(node, g);
            if (last) return set_key(L, node, g, file, value);
            if (!p) {
                scn_error(&L->r, seg_mark(file, g), "%s has no key '%.*s'", where, (int)g->len,
                          g->s);
                return false;
            }
            node = p->value;
        } else if (node->kind == YT_SEQ) {
            size_t idx;
            seg named;
            /* A distribution's parameter by name in a list form ({uniform: [a, b]}): the
             * paths of marks (af_scn_assumption) name it as the canonical form does. */
            const char *const *pnames;
            size_t n_names;
            unsigned timed;
            if (i > 0 && !parse_index(g, &idx) &&
                dist_form_params(segs[i - 1].s, segs[i - 1].len, &pnames, &n_names, &timed))
                for (size_t k = 0; k < n_names; k++)
                    if (strlen(pnames[k]) == g->len && !memcmp(pnames[k], g->s, g->len)) {
                        static const char digits[] = "0123456789";
                        named = (seg){digits + k, 1, g->mark};
                        g = &named;
                    }
            if (!parse_index(g, &idx) || idx >= node->n) {
                scn_error(&L->r, seg_mark(file, g), "%s is a list of %zu; expected a position "
                          "from 0 to %zu, found '%.*s'", where, node->n,
                          node->n ? node->n - 1 : 0, (int)g->len, g->s);
                return false;
            }
            if (last) {
                node->items[idx] = value;
                return true;
            }
            node = node->items[idx];
        } else {
            scn_error(&L->r, seg_mark(file, g), "%s is %s, which has no parts to set", where,
                      yt_describe(node, buf, sizeof buf));
            return false;
        }
    }
    return false;
}

static bool walk(loader *L, yt_node *node, const record *rec, const seg *segs, size_t n,
                 uint32_t file, yt_node *value)
{
    char where[256], buf[64];
    for (size_t i = 0; i < n; i++) {
        const seg *g = &segs[i];
        bool last = i + 1 == n;
        path_upto(segs, i, where, sizeof where);
        if (node->kind != YT_MAP) {
            scn_error(&L->r, seg_mark(file, g), "%s is %s, not a mapping with keys", where,
                      yt_describe(node, buf, sizeof buf));
            return false;
        }
        const field *f = schema_field(rec, g->s, g->len);
        if (!f || !f->bind) {
            char key[SCHEMA_KEY_SIZE];
            snprintf(key, sizeof key, "%.*s", (int)(g->len < 64 ? g->len : 64), g->s);
            const char *hint = f ? NULL : schema_suggest(rec, key);
            if (f)
                scn_error(&L->r, seg_mark(file, g), "'%s' cannot be set from the command line",
                          key);
            else if (hint)
                scn_error(&L->r, seg_mark(file, g), "unknown key '%s' in %s; did you mean "
                          "'%s'?", key, where, hint);
            else
                scn_error(&L->r, seg_mark(file, g), "unknown key '%s' in %s", key, where);
            return false;
        }
        if (last) return set_key(L, node, g, file, value);
        yt_pair *p = find_pair(node, g);
        switch (f->shape) {
        case SH_RECORD:
        case SH_TABLE:
            if (!p) {
                /* Setting one key of a record the file leaves out creates the record. */
                yt_node *m = yt_new_map(&L->tree_mem, seg_mark(file, g));
                if (!m || !set_key(L, node, g, file, m)) {
                    L->r.nomem = true;
                    return false;
                }
                p = find_pair(node, g);
            }
            if (f->bind == bind_assignments) {
                /* The rest of the path is one key of the change's set: a path itself. */
                const seg *first = &segs[i + 1], *lastg = &segs[n - 1];
                seg whole = {first->s, (size_t)(lastg->s + lastg->len - first->s), first->mark};
                if (p->value->kind != YT_MAP) {
                    scn_error(&L->r, seg_mark(file, first), "%s is not a mapping of paths",
                              where);
                    return false;
                }
                return set_key(L, p->value, &whole, file, value);
            }
            if (f->shape == SH_TABLE) return walk_plain(L, p->value, segs, i + 1, n, file, value);
            rec = f->sub;
            node = p->value;
            break;
        case SH_NAMED: {
            const seg *ng = &segs[i + 1];
            if (!p || p->value->kind != YT_SEQ) {
                scn_error(&L->r, seg_mark(file, ng), "there is no list of %ss to find '%.*s' in",
                          f->sub->name, (int)ng->len, ng->s);
                return false;
            }
            yt_node *list = p->value, *found = NULL;
            char key[SCHEMA_KEY_SIZE], name[SCHEMA_KEY_SIZE];
            snprintf(name, sizeof name, "%.*s", (int)(ng->len < SCHEMA_KEY_SIZE - 1 ? ng->len : SCHEMA_KEY_SIZE - 1), ng->s);
            const char *cand[256];
            char keys[256][SCHEMA_KEY_SIZE];
            size_t nc = 0;
            for (size_t k = 0; k < list->n; k++) {
                if (!schema_item_key(f->sub, list->items[k], key, sizeof key)) continue;
                if (!strcmp(key, name)) found = list->items[k];
                if (nc < 256) {
                    memcpy(keys[nc], key, sizeof key);
                    cand[nc] = keys[nc];
                    nc++;
                }
            }
            if (!found) {
                const char *hint = suggest_closest(name, strlen(name), cand, nc);
                scn_error(&L->r, seg_mark(file, ng), "no %s is named '%s'%s%s%s", f->sub->name,
                          name, hint ? "; did you mean '" : "", hint ? hint : "",
                          hint ? "'?" : "");
                return false;
            }
            if (i + 2 == n) {
                const record *shown = f->sub->base ? f->sub->base : f->sub;
                scn_error(&L->r, seg_mark(file, ng), "name a key of %s '%s' to set, such as "
                          "%.*s.%s.%s=...", f->sub->name, name, (int)g->len, g->s, name,
                          shown->n_fields > 1 ? shown->fields[1].key : shown->fields[0].key);
                return false;
            }
            node = found;
            rec = f->sub;
            i++;
            break;
        }
        case SH_LIST: {
            if (!p) {
                scn_error(&L->r, seg_mark(file, g), "%s has no '%.*s' list to change", where,
                          (int)g->len, g->s);
                return false;
            }
            if (!f->sub) return walk_plain(L, p->value, segs, i + 1, n, file, value);
            const seg *ig = &segs[i + 1];
            size_t idx;
            yt_node *list = p->value;
            if (list->kind != YT_SEQ || !parse_index(ig, &idx) || idx >= list->n) {
                scn_error(&L->r, seg_mark(file, ig), "expected a position in the list from 0 "
                          "to %zu, found '%.*s'", list->kind == YT_SEQ && list->n ? list->n - 1 : 0,
                          (int)ig->len, ig->s);
                return false;
            }
            if (i + 2 == n) {
                list->items[idx] = value;
                return true;
            }
            node = list->items[idx];
            rec = f->sub;
            i++;
            break;
        }
        default:
            if (!p) {
                scn_error(&L->r, seg_mark(file, &segs[i + 1]), "%s is not given, so it has no "
                          "parts to set; set the whole value instead",
                          (path_upto(segs, i + 1, where, sizeof where), where));
                return false;
            }
            return walk_plain(L, p->value, segs, i + 1, n, file, value);
        }
    }
    return false;
}

/* Splits `path` (len bytes, written at `at`) on dots into segs; false after reporting. */
static bool split_path(loader *L, const char *path, size_t len, scn_mark at, seg *segs,
                       size_t *n_out)
{
    size_t n = 0;
    const char *end = path + len;
    for (const char *p = path; p <= end;) {
        const char *e = p;
        while (e < end && *e != '.') e++;
        scn_mark mk = {at.file, at.line, at.col + (uint32_t)(p - path)};
        if (n == MAX_SEGS) {
            scn_error(&L->r, mk, "the path has more than %d parts", MAX_SEGS);
            return false;
        }
        segs[n] = (seg){p, (size_t)(e - p), mk};
        bool blank = segs[n].len == 0;
        for (size_t k = 0; k < segs[n].len; k++)
            if (isspace((unsigned char)p[k])) blank = true;
        if (blank) {
            scn_error(&L->r, mk, "expected a key or a name in the path, found '%.*s'",
                      (int)segs[n].len, p);
            return false;
        }
        n++;
        p = e + 1;
    }
    *n_out = n;
    return true;
}

bool apply_path(loader *L, yt_node *root, const char *path, size_t len, scn_mark at,
                yt_node *value)
{
    seg segs[MAX_SEGS];
    size_t n;
    if (!split_path(L, path, len, at, segs, &n)) return false;
    return walk(L, root, &schema_scenario, segs, n, at.file, value);
}

bool apply_override(loader *L, yt_node *root, const char *arg)
{
    size_t len = strlen(arg);
    long file = sources_add(&L->src, "<--set>", arg, len);
    if (file < 0) {
        L->r.nomem = true;
        return false;
    }
    uint32_t fi = (uint32_t)file;
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        scn_error(&L->r, (scn_mark){fi, 1, 1}, "expected path.to.key=value, such as "
                  "crossings.kerem_shalom.lanes=6");
        return false;
    }
    seg segs[MAX_SEGS];
    size_t n = 0;
    if (!split_path(L, arg, (size_t)(eq - arg), (scn_mark){fi, 1, 1}, segs, &n)) return false;
    size_t vlen = len - (size_t)(eq + 1 - arg);
    yt_node *value = yt_parse(&L->tree_mem, &L->r, fi, eq + 1, vlen, (uint32_t)(eq + 1 - arg));
    if (!value) return false;
    if (!root) return false;
    return walk(L, root, &schema_scenario, segs, n, fi, value);
}
