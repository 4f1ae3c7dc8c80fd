#include "scenario/bind.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers shared by the field binders ---------------------------------------------------- */

void bind_expected(binder *b, const yt_node *v, const field *f, const char *expected)
{
    char buf[64];
    if (f && f->key[0])
        scn_error(b->r, v->mark, "%s: expected %s, found %s", f->key, expected,
                  yt_describe(v, buf, sizeof buf));
    else
        scn_error(b->r, v->mark, "expected %s, found %s", expected,
                  yt_describe(v, buf, sizeof buf));
}

const char *bind_scalar_text(binder *b, const yt_node *v, const field *f, const char *expected)
{
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        bind_expected(b, v, f, expected);
        return NULL;
    }
    if (memchr(v->str, '\0', v->len)) {
        scn_error(b->r, v->mark, "%s%sthe text contains a NUL character", f ? f->key : "",
                  f && f->key[0] ? ": " : "");
        return NULL;
    }
    return v->str;
}

bool bind_is_identifier(const char *s, size_t len)
{
    if (len == 0 || len > 64 || !isalpha((unsigned char)s[0])) return false;
    for (size_t i = 1; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_') return false;
    return true;
}

bool bind_is_name_of_any_length(const char *s)
{
    if (!isalpha((unsigned char)s[0])) return false;
    for (size_t i = 1; s[i]; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_') return false;
    return true;
}

const name_entry *bind_lookup(binder *b, const yt_node *v, int ns, const char *what,
                              const field *f)
{
    char expected[96];
    snprintf(expected, sizeof expected, "the name of %s %s",
             strchr("aeiou", what[0]) ? "an" : "a", what);
    const char *s = bind_scalar_text(b, v, f, expected);
    if (!s) return NULL;
    const name_entry *e = names_find(&b->names, ns, s, v->len);
    if (e) return e;
    if (b->ns_broken[ns]) return NULL;
    /* Suggestions scan every name: not worth it once no more errors are shown. */
    const char *hint = scn_full(b->r) ? NULL : names_suggest(&b->names, ns, s, v->len);
    char buf[64];
    if (hint)
        scn_error(b->r, v->mark, "%s%sno %s is named %s; did you mean '%s'?", f ? f->key : "",
                  f && f->key[0] ? ": " : "", what, yt_describe(v, buf, sizeof buf), hint);
    else
        scn_error(b->r, v->mark, "%s%sno %s is named %s", f ? f->key : "",
                  f && f->key[0] ? ": " : "", what, yt_describe(v, buf, sizeof buf));
    return NULL;
}

void bind_own_dist(binder *b, af_dist *d)
{
    if (b->n_owned == b->cap_owned) {
        size_t cap = b->cap_owned ? b->cap_owned * 2 : 16;
        af_dist **o = realloc(b->owned, cap * sizeof *o);
        if (!o) {
            /* The table cannot be remembered: free it now rather than leak it. */
            af_dist_free(d);
            b->r->nomem = true;
            return;
        }
        b->owned = o;
        b->cap_owned = cap;
    }
    b->owned[b->n_owned++] = d;
}

/* ---- defaults ------------------------------------------------------------------------------- */

static void unmark(yt_node *n)
{
    n->mark.line = 0;
    if (n->kind == YT_MAP)
        for (size_t i = 0; i < n->n; i++) {
            unmark(n->pairs[i].key);
            unmark(n->pairs[i].value);
        }
    else if (n->kind == YT_SEQ)
        for (size_t i = 0; i < n->n; i++) unmark(n->items[i]);
}

/* The default of f as a tree, parsed once. Defaults are written in the language itself so
 * that the value a planner gets by leaving a key out is the one they would get by writing
 * the documented default. */
static const yt_node *default_of(binder *b, const field *f)
{
    for (size_t i = 0; i < b->n_defaults; i++)
        if (b->defaults[i].f == f) return b->defaults[i].node;
    scn_report quiet = {NULL, NULL, 0, false, false};
    yt_node *n = yt_parse(b->tmp, &quiet, UINT32_MAX, f->dflt, strlen(f->dflt), 0);
    if (quiet.nomem) b->r->nomem = true;
    if (!n) {
        if (!quiet.nomem)
            scn_error(b->r, (scn_mark){0, 0, 0}, "internal error: bad default for '%s'",
                      f->key);
        return NULL;
    }
    unmark(n);
    if (b->n_defaults < sizeof b->defaults / sizeof b->defaults[0])
        b->defaults[b->n_defaults++] = (default_node){f, n};
    return n;
}

/* ---- records -------------------------------------------------------------------------------- */

static void describe_item(const record *r, const char *item_name, char *buf, size_t size)
{
    if (item_name && item_name[0])
        snprintf(buf, size, "%s '%s'", r->name, item_name);
    else
        snprintf(buf, size, "%s", r->what);
}

static const char *unknown_key(binder *b, const record *r, const yt_node *key, const char *where)
{
    char buf[64];
    const char *hint = NULL;
    if (memchr(key->str, '\0', key->len) == NULL) hint = schema_suggest(r, key->str);
    if (hint)
        scn_error(b->r, key->mark, "unknown key %s in %s; did you mean '%s'?",
                  yt_describe(key, buf, sizeof buf), where, hint);
    else
        scn_error(b->r, key->mark, "unknown key %s in %s", yt_describe(key, buf, sizeof buf),
                  where);
    return hint;
}

static void bind_field(binder *b, const yt_node *v, const field *f, void *item)
{
    if (f->bind) f->bind(b, v, item, f);
}

/* Fields of r then of its base, so that tables are walked in one order everywhere. */
static size_t all_fields(const record *r, const field **out, size_t max)
{
    size_t n = 0;
    const record *chain[4];
    size_t depth = 0;
    for (const record *x = r; x && depth < 4; x = x->base) chain[depth++] = x;
    while (depth-- > 0)
        for (size_t i = 0; i < chain[depth]->n_fields && n < max; i++)
            out[n++] = &chain[depth]->fields[i];
    return n;
}

void bind_record(binder *b, const yt_node *v, const record *r, void *item, const char *item_name)
{
    char where[128];
    describe_item(r, item_name, where, sizeof where);
    if (v->kind != YT_MAP) {
        char buf[64];
        scn_error(b->r, v->mark, "expected %s (a mapping of keys), found %s", r->what,
                  yt_describe(v, buf, sizeof buf));
        return;
    }
    const field *fields[64];
    size_t nf = all_fields(r, fields, 64);
    bool present[64] = {false};
    /* A misspelt key already said "did you mean 'lanes'?": not also "missing 'lanes'". */
    const char *suggested[8];
    size_t n_suggested = 0;
    /* A reference not given or not resolved must not read as index 0, a real item. */
    for (size_t k = 0; k < nf; k++)
        if (fields[k]->bind == bind_ref)
            *(size_t *)((char *)item + fields[k]->offset) = AF_SCN_NONE;
    if (r->init) r->init(item);

    for (size_t i = 0; i < v->n; i++) {
        const yt_node *key = v->pairs[i].key;
        const field *f = schema_field(r, key->str, key->len);
        if (!f) {
            const char *hint = unknown_key(b, r, key, where);
            if (hint && n_suggested < 8) suggested[n_suggested++] = hint;
            continue;
        }
        for (size_t k = 0; k < nf; k++)
            if (fields[k] == f) present[k] = true;
        if (!r->table_order) bind_field(b, v->pairs[i].value, f, item);
    }
    for (size_t k = 0; k < nf; k++) {
        const field *f = fields[k];
        if (present[k]) {
            if (r->table_order) bind_field(b, yt_map_get(v, f->key), f, item);
            continue;
        }
        if (f->flags & F_REQUIRED) {
            bool hinted = false;
            for (size_t k2 = 0; k2 < n_suggested; k2++) hinted |= !strcmp(suggested[k2], f->key);
            if (f->bind && !hinted)
                scn_error(b->r, v->mark, "missing key '%s' in %s", f->key, where);
            if (f->sub && f->shape == SH_NAMED && f->arg) {
                const list_spec *spec = f->arg;
                if (spec->ns >= 0) b->ns_broken[spec->ns] = true;
            }
        } else if (f->dflt) {
            const yt_node *d = default_of(b, f);
            if (d) bind_field(b, d, f, item);
        }
    }
    if (r->check) r->check(b, v, item);
}

void bind_subrecord(binder *b, const yt_node *v, void *item, const field *f)
{
    if (v->kind != YT_MAP) {
        bind_expected(b, v, f, "a mapping of keys");
        return;
    }
    if (f->aux) *(bool *)((char *)item + f->aux - 1) = true;
    bind_record(b, v, f->sub, item, NULL);
}

void bind_scenario(binder *b, const yt_node *root)
{
    if (root->kind != YT_MAP) {
        char buf[64];
        scn_error(b->r, root->mark,
                  "expected a mapping of scenario keys (name:, start:, ...), found %s",
                  yt_describe(root, buf, sizeof buf));
        return;
    }
    bind_record(b, root, &schema_scenario, b->s, NULL);
}
