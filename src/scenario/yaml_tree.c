#include "scenario/yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct frame {
    yt_node *node;
    yt_node *key;       /* map: the key waiting for its value */
    bool skip_value;    /* map: the key was not a scalar; drop the value that follows */
    long anchor;        /* index in the anchor table, or -1 */
    size_t nodes_at_start;
} frame;

typedef struct anchor_def {
    char *name;
    yt_node *node;
    bool complete;
    size_t size; /* nodes in the subtree, counting expanded aliases */
} anchor_def;

typedef struct parser {
    arena *mem;
    scn_report *r;
    uint32_t file;
    uint32_t col_shift;
    frame stack[YT_MAX_DEPTH + 1];
    size_t depth;
    yt_node *root;
    size_t nodes;
    anchor_def anchors[YT_MAX_ANCHORS];
    size_t n_anchors;
    bool failed; /* stop: an error that leaves the tree unusable */
} parser;

static scn_mark mark_of(const parser *p, yaml_mark_t m)
{
    scn_mark s = {p->file, (uint32_t)m.line + 1, (uint32_t)m.column + 1};
    if (s.line == 1) s.col += p->col_shift;
    return s;
}

/* ---- nodes ---------------------------------------------------------------------------- */

static yt_node *new_node(arena *mem, yt_kind kind, scn_mark m)
{
    yt_node *n = arena_calloc(mem, 1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->mark = m;
    return n;
}

yt_node *yt_new_scalar(arena *mem, scn_mark m, const char *s, size_t len, bool plain)
{
    yt_node *n = new_node(mem, YT_SCALAR, m);
    if (!n) return NULL;
    n->str = arena_strndup(mem, s, len);
    if (!n->str) return NULL;
    n->len = len;
    n->plain = plain;
    return n;
}

yt_node *yt_new_map(arena *mem, scn_mark m) { return new_node(mem, YT_MAP, m); }
yt_node *yt_new_seq(arena *mem, scn_mark m) { return new_node(mem, YT_SEQ, m); }

/* Grows an array kept in the arena; the old block stays in the arena until the load ends,
 * which costs at most twice the final size. */
static bool grow(arena *mem, void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return true;
    size_t c = *cap ? *cap * 2 : 4;
    void *a = arena_calloc(mem, c, size);
    if (!a) return false;
    if (n) memcpy(a, *arr, n * size);
    *arr = a;
    *cap = c;
    return true;
}

bool yt_map_append(arena *mem, yt_node *map, yt_node *key, yt_node *value)
{
    void *arr = map->pairs;
    if (!grow(mem, &arr, &map->cap, map->n, sizeof(yt_pair))) return false;
    map->pairs = arr;
    map->pairs[map->n++] = (yt_pair){key, value};
    return true;
}

bool yt_seq_append(arena *mem, yt_node *seq, yt_node *item)
{
    void *arr = seq->items;
    if (!grow(mem, &arr, &seq->cap, seq->n, sizeof(yt_node *))) return false;
    seq->items = arr;
    seq->items[seq->n++] = item;
    return true;
}

yt_pair *yt_map_find(const yt_node *map, const char *key)
{
    if (!map || map->kind != YT_MAP) return NULL;
    size_t len = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const yt_node *k = map->pairs[i].key;
        if (k->len == len && !memcmp(k->str, key, len)) return &map->pairs[i];
    }
    return NULL;
}

yt_node *yt_map_get(const yt_node *map, const char *key)
{
    yt_pair *p = yt_map_find(map, key);
    return p ? p->value : NULL;
}

const yt_node *yt_pair_key_of(const yt_node *map, const char *key)
{
    yt_pair *p = yt_map_find(map, key);
    return p ? p->key : NULL;
}

void yt_map_remove(yt_node *map, size_t i)
{
    if (i >= map->n) return;
    memmove(&map->pairs[i], &map->pairs[i + 1], (map->n - i - 1) * sizeof map->pairs[0]);
    map->n--;
}

bool yt_is_null(const yt_node *n)
{
    if (!n || n->kind != YT_SCALAR || !n->plain) return false;
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (!strcmp(n->str, nulls[i])) return true;
    return false;
}

bool yt_scalar_is(const yt_node *n, const char *s)
{
    return n && n->kind == YT_SCALAR && n->len == strlen(s) && !memcmp(n->str, s, n->len);
}

const char *yt_describe(const yt_node *n, char *buf, size_t size)
{
    if (!n) return "nothing";
    if (n->kind == YT_MAP) return "a mapping";
    if (n->kind == YT_SEQ) return "a list";
    if (yt_is_null(n)) return "nothing (null)";
    /* Quote the text, cut long values and show control characters as '?'. */
    size_t max = size > 40 ? 32 : (size > 8 ? size - 8 : 0), j = 0;
    if (size < 4) return "a value";
    buf[j++] = '\'';
    size_t i = 0;
    for (; i < n->len && j < max; i++) {
        unsigned char c = (unsigned char)n->str[i];
        buf[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (i < n->len) {
        /* Do not cut a UTF-8 sequence in half. */
        while (j > 1 && ((unsigned char)buf[j - 1] & 0xC0) == 0x80) j--;
        if (j > 1 && ((unsigned char)buf[j - 1] & 0xC0) == 0xC0) j--;
        memcpy(buf + j, "...", 3);
        j += 3;
    }
    buf[j++] = '\'';
    buf[j] = '\0';
    return buf;
}

/* ---- duplicate keys ------------------------------------------------------------------- */

typedef struct key_ref {
    const yt_node *key;
    size_t idx;
} key_ref;

static int key_cmp(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    size_t n = x->key->len < y->key->len ? x->key->len : y->key->len;
    int c = memcmp(x->key->str, y->key->str, n);
    if (c) return c;
    if (x->key->len != y->key->len) return x->key->len < y->key->len ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* Reports every repeated key in document order and keeps only the first of each: sorting
 * keeps this O(n log n) for the huge maps a fuzzer writes. */
static void check_duplicates(parser *p, yt_node *map)
{
    if (map->n < 2) return;
    key_ref *refs = malloc(map->n * sizeof *refs);
    size_t *first = malloc(map->n * sizeof *first);
    if (!refs || !first) {
        free(refs);
        free(first);
        p->r->nomem = true;
        return;
    }
    for (size_t i = 0; i < map->n; i++) {
        refs[i] = (key_ref){map->pairs[i].key, i};
        first[i] = i;
    }
    qsort(refs, map->n, sizeof *refs, key_cmp);
    bool any = false;
    for (size_t i = 1; i < map->n; i++) {
        const yt_node *a = refs[i - 1].key, *b = refs[i].key;
        if (a->len == b->len && !memcmp(a->str, b->str, a->len)) {
            first[refs[i].idx] = first[refs[i - 1].idx];
            any = true;
        }
    }
    if (any) {
        size_t j = 0;
        for (size_t i = 0; i < map->n; i++) {
            if (first[i] != i) {
                char buf[64];
                const yt_node *k = map->pairs[i].key;
                scn_error(p->r, k->mark, "duplicate key %s in this mapping",
                          yt_describe(k, buf, sizeof buf));
                scn_note(p->r, map->pairs[first[i]].key->mark, "first given here");
                continue;
            }
            map->pairs[j++] = map->pairs[i];
        }
        map->n = j;
    }
    free(refs);
    free(first);
}

/* ---- aliases -------------------------------------------------------------------------- */

static yt_node *copy_tree(arena *mem, const yt_node *n)
{
    yt_node *c = arena_memdup(mem, n, 1, sizeof *n);
    if (!c) return NULL;
    c->cap = n->n;
    if (n->kind == YT_MAP) {
        c->pairs = arena_calloc(mem, n->n, sizeof *c->pairs);
        if (!c->pairs) return NULL;
        for (size_t i = 0; i < n->n; i++) {
            c->pairs[i].key = n->pairs[i].key; /* keys are never modified: share them */
            c->pairs[i].value = copy_tree(mem, n->pairs[i].value);
            if (!c->pairs[i].value) return NULL;
        }
    } else if (n->kind == YT_SEQ) {
        c->items = arena_calloc(mem, n->n, sizeof *c->items);
        if (!c->items) return NULL;
        for (size_t i = 0; i < n->n; i++) {
            c->items[i] = copy_tree(mem, n->items[i]);
            if (!c->items[i]) return NULL;
        }
    }
    return c;
}

static long register_anchor(parser *p, const yaml_char_t *name, yt_node *node, scn_mark m)
{
    if (!name) return -1;
    if (p->n_anchors == YT_MAX_ANCHORS) {
        scn_error(p->r, m, "more than %d anchors in one file", YT_MAX_ANCHORS);
        p->failed = true;
        return -1;
    }
    anchor_def *a = &p->anchors[p->n_anchors];
    a->name = arena_strdup(p->mem, (const char *)name);
    if (!a->name) {
        p->r->nomem = true;
        return -1;
    }
    a->node = node;
    a->complete = false;
    a->size = 1;
    return (long)p->n_anchors++;
}

/* ---- building ------------------------------------------------------------------------- */

static void attach(parser *p, yt_node *n)
{
    if (p->depth == 0) {
        p->root = n;
        return;
    }
    frame *f = &p->stack[p->depth - 1];
    if (f->node->kind == YT_SEQ) {
        if (!yt_seq_append(p->mem, f->node, n)) p->r->nomem = true;
        return;
    }
    if (f->skip_value) {
        f->skip_value = false;
        return;
    }
    if (!f->key) {
        if (n->kind != YT_SCALAR) {
            scn_error(p->r, n->mark, "a key must be a plain name, found %s",
                      n->kind == YT_MAP ? "a mapping" : "a list");
            f->skip_value = true;
            return;
        }
        f->key = n;
        return;
    }
    if (!yt_map_append(p->mem, f->node, f->key, n)) p->r->nomem = true;
    f->key = NULL;
}

static bool count_nodes(parser *p, size_t k, scn_mark m)
{
    if (p->nodes > YT_MAX_NODES - k) {
        scn_error(p->r, m, "the document has more than %d values (aliases count as copies)",
                  YT_MAX_NODES);
        p->failed = true;
        return false;
    }
    p->nodes += k;
    return true;
}

static void check_tag(parser *p, const yaml_char_t *tag, scn_mark m)
{
    if (!tag) return;
    /* libyaml hands over the expanded tag; show it the way it was most likely written. */
    const char *t = (const char *)tag, *core = "tag:yaml.org,2002:";
    bool is_core = !strncmp(t, core, strlen(core));
    scn_error(p->r, m, "YAML tags such as '%s%.40s' are not supported; write the value without "
              "a tag", is_core ? "!!" : "", is_core ? t + strlen(core) : t);
}

static void open_container(parser *p, yt_kind kind, const yaml_event_t *ev, const yaml_char_t *anchor,
                           const yaml_char_t *tag)
{
    scn_mark m = mark_of(p, ev->start_mark);
    if (p->depth >= YT_MAX_DEPTH) {
        scn_error(p->r, m, "values nested more than %d levels deep", YT_MAX_DEPTH);
        p->failed = true;
        return;
    }
    check_tag(p, tag, m);
    if (!count_nodes(p, 1, m)) return;
    yt_node *n = new_node(p->mem, kind, m);
    if (!n) {
        p->r->nomem = true;
        return;
    }
    frame *f = &p->stack[p->depth++];
    *f = (frame){n, NULL, false, register_anchor(p, anchor, n, m), p->nodes - 1};
}

static void close_container(parser *p)
{
    frame f = p->stack[--p->depth];
    if (f.node->kind == YT_MAP) {
        if (f.key && !f.skip_value) {
            /* Cannot happen with libyaml (a key always gets a value, possibly null). */
            scn_error(p->r, f.key->mark, "key without a value");
        }
        check_duplicates(p, f.node);
    }
    if (f.anchor >= 0) {
        anchor_def *a = &p->anchors[f.anchor];
        a->complete = true;
        a->size = p->nodes - f.nodes_at_start;
    }
    attach(p, f.node);
}

static size_t height_of(const yt_node *n)
{
    size_t h = 0;
    if (n->kind == YT_MAP)
        for (size_t i = 0; i < n->n; i++) {
            size_t c = height_of(n->pairs[i].value);
            if (c > h) h = c;
        }
    else if (n->kind == YT_SEQ)
        for (size_t i = 0; i < n->n; i++) {
            size_t c = height_of(n->items[i]);
            if (c > h) h = c;
        }
    return h + 1;
}

static void on_alias(parser *p, const yaml_event_t *ev)
{
    scn_mark m = mark_of(p, ev->start_mark);
    const char *name = (const char *)ev->data.alias.anchor;
    anchor_def *a = NULL;
    for (size_t i = p->n_anchors; i-- > 0;)
        if (!strcmp(p->anchors[i].name, name)) {
            a = &p->anchors[i];
            break;
        }
    if (!a) {
        scn_error(p->r, m, "alias '*%.40s' refers to no anchor defined before it", name);
        p->failed = true;
        return;
    }
    if (!a->complete) {
        scn_error(p->r, m, "alias '*%.40s' is inside the value it refers to", name);
        p->failed = true;
        return;
    }
    if (p->depth + height_of(a->node) > YT_MAX_DEPTH) {
        scn_error(p->r, m, "values nested more than %d levels deep", YT_MAX_DEPTH);
        p->failed = true;
        return;
    }
    if (!count_nodes(p, a->size, m)) return;
    yt_node *c = copy_tree(p->mem, a->node);
    if (!c) {
        p->r->nomem = true;
        return;
    }
    c->mark = m;
    attach(p, c);
}

static void on_scalar(parser *p, const yaml_event_t *ev)
{
    scn_mark m = mark_of(p, ev->start_mark);
    check_tag(p, ev->data.scalar.tag, m);
    if (!count_nodes(p, 1, m)) return;
    yt_node *n = yt_new_scalar(p->mem, m, (const char *)ev->data.scalar.value,
                               ev->data.scalar.length,
                               ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
    if (!n) {
        p->r->nomem = true;
        return;
    }
    long a = register_anchor(p, ev->data.scalar.anchor, n, m);
    if (a >= 0) p->anchors[a].complete = true;
    attach(p, n);
}

/* Line and column of a byte offset, counted the way libyaml counts them. */
static scn_mark offset_mark(const parser *p, const char *data, size_t len, size_t off)
{
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n' || (c == '\r' && !(i + 1 < len && data[i + 1] == '\n'))) {
            line++;
            col = 1;
        } else if ((c & 0xC0) != 0x80 && c != '\r') {
            col++;
        }
    }
    scn_mark m = {p->file, line, col};
    if (line == 1) m.col += p->col_shift;
    return m;
}

/* libyaml moves to a new line at the end of the stream, so an error there would point at a
 * line that does not exist; point just after the last character instead. */
static scn_mark clamp_to_end(const parser *p, scn_mark m, const char *data, size_t len)
{
    size_t end = len;
    while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r')) end--;
    scn_mark e = offset_mark(p, data, len, end);
    if (m.line > e.line || (m.line == e.line && m.col > e.col)) return e;
    return m;
}

static void report_yaml_error(parser *p, const yaml_parser_t *yp, const char *data, size_t len)
{
    switch (yp->error) {
    case YAML_MEMORY_ERROR:
        p->r->nomem = true;
        break;
    case YAML_READER_ERROR:
        if (yp->problem_value != -1)
            scn_error(p->r, offset_mark(p, data, len, yp->problem_offset),
                      "cannot read the text: %s (byte 0x%02X)",
                      yp->problem ? yp->problem : "invalid input", yp->problem_value & 0xFF);
        else
            scn_error(p->r, offset_mark(p, data, len, yp->problem_offset),
                      "cannot read the text: %s", yp->problem ? yp->problem : "invalid input");
        break;
    default:
        scn_error(p->r, clamp_to_end(p, mark_of(p, yp->problem_mark), data, len),
                  "syntax error: %s", yp->problem ? yp->problem : "invalid YAML");
        if (yp->context)
            scn_note(p->r, clamp_to_end(p, mark_of(p, yp->context_mark), data, len),
                     "%s that started here", yp->context);
        break;
    }
}

yt_node *yt_parse(arena *mem, scn_report *r, uint32_t file, const char *data, size_t len,
                  uint32_t col_shift)
{
    parser *p = calloc(1, sizeof *p);
    if (!p) {
        r->nomem = true;
        return NULL;
    }
    p->mem = mem;
    p->r = r;
    p->file = file;
    p->col_shift = col_shift;

    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp)) {
        free(p);
        r->nomem = true;
        return NULL;
    }
    yaml_parser_set_input_string(&yp, (const unsigned char *)data, len);

    size_t documents = 0;
    bool ok = false;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&yp, &ev)) {
            report_yaml_error(p, &yp, data, len);
            break;
        }
        yaml_event_type_t type = ev.type;
        switch (type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                scn_error(r, mark_of(p, ev.start_mark),
                          "a second YAML document ('---'); a scenario is one document");
                p->failed = true;
            }
            break;
        case YAML_MAPPING_START_EVENT:
            open_container(p, YT_MAP, &ev, ev.data.mapping_start.anchor,
                           ev.data.mapping_start.tag);
            break;
        case YAML_SEQUENCE_START_EVENT:
            open_container(p, YT_SEQ, &ev, ev.data.sequence_start.anchor,
                           ev.data.sequence_start.tag);
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            close_container(p);
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(p, &ev);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(p, &ev);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (p->failed || r->nomem) break;
        if (type == YAML_STREAM_END_EVENT) {
            ok = true;
            break;
        }
    }
    yaml_parser_delete(&yp);

    yt_node *root = NULL;
    if (ok && !r->nomem) {
        root = p->root;
        if (!root) {
            scn_mark m = {file, 1, 1 + col_shift};
            root = yt_new_scalar(mem, m, "", 0, true);
            if (!root) r->nomem = true;
        }
    }
    /* Errors that do not spoil the tree (tags, duplicate keys) still fail the load later, but
     * the tree is returned so that the rest of the file is checked as well. */
    free(p);
    return root;
}
