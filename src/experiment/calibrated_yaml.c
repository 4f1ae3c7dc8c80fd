/* The calibrated scenario: DIR/base.yaml, the scenario as resolved (the canonical form
 * `aidflow show` writes, with the calibration's --set overrides), and DIR/calibrated.yaml,
 * which `extends: base.yaml` and holds only the fitted values.
 *
 * Why a copy of the base: `extends:` may name only files in the folder of the first scenario
 * file or below it (README, Hardening), and the output folder is seldom below the scenario's.
 *
 * What is written is what differs between the canonical forms of the base and of the fitted
 * scenario: named lists merge by name and records key by key, so a changed item is written by
 * its name with its changed keys, a changed record key by key, anything else (a distribution,
 * hours, a plain list) whole. Comparing the two forms rather than following the fitted paths
 * also catches values derived from a fitted one (an inspection's flags from a category's
 * dual_use), which the canonical form writes out. The result is checked by the caller: it must
 * resolve to the fitted scenario. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "aidflow/scenario.h"
#include "experiment/calibrate_internal.h"

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool is_index(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

/* The item of a sequence named by `seg`: by index, or the mapping whose name is seg. */
static yaml_node_t *seq_item(yaml_document_t *doc, yaml_node_t *seq, const char *seg)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE) return NULL;
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (is_index(seg)) {
        size_t i = strtoul(seg, NULL, 10);
        return i < n ? yaml_document_get_node(doc, seq->data.sequence.items.start[i]) : NULL;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *it = yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
        const char *name = scalar(map_get(doc, it, "name"));
        if (name && !strcmp(name, seg)) return it;
    }
    return NULL;
}

static yaml_node_t *child(yaml_document_t *doc, yaml_node_t *n, const char *seg)
{
    if (!n) return NULL;
    if (n->type == YAML_MAPPING_NODE) return map_get(doc, n, seg);
    if (n->type == YAML_SEQUENCE_NODE) return seq_item(doc, n, seg);
    return NULL;
}

/* Splits PATH into at most 32 segments in buf. */
static size_t split_path(const char *path, char *buf, size_t size, char **seg)
{
    snprintf(buf, size, "%s", path);
    size_t n = 0;
    for (char *p = buf; n < 32;) {
        seg[n++] = p;
        char *dot = strchr(p, '.');
        if (!dot) break;
        *dot = '\0';
        p = dot + 1;
    }
    return n;
}

static bool parse_doc(const char *text, size_t len, yaml_document_t *doc)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return false;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    bool ok = yaml_parser_load(&p, doc) && yaml_document_get_root_node(doc);
    yaml_parser_delete(&p);
    return ok;
}

af_status cal_yaml_value(const char *canonical, const char *path, char *out, size_t size)
{
    yaml_document_t doc;
    if (!parse_doc(canonical, strlen(canonical), &doc)) return AF_INTERNAL;
    char buf[512], *seg[32];
    size_t n = split_path(path, buf, sizeof buf, seg);
    yaml_node_t *node = yaml_document_get_root_node(&doc);
    for (size_t i = 0; i < n && node; i++) node = child(&doc, node, seg[i]);
    const char *v = scalar(node);
    af_status st = v ? AF_OK : AF_NOTFOUND;
    if (v) snprintf(out, size, "%s", v);
    yaml_document_delete(&doc);
    return st;
}

/* A scalar as flow YAML: plain when that reads back as the same text, else double-quoted. */
static void put_scalar(af_buf *b, yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;
    bool plain = *s && n->data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
                 n->data.scalar.style != YAML_SINGLE_QUOTED_SCALAR_STYLE &&
                 !strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]);
    for (const char *p = s; plain && *p; p++)
        if (strchr(":,[]{}#\"'\\", *p) || (unsigned char)*p < 0x20) plain = false;
    if (plain && s[strlen(s) - 1] == ' ') plain = false;
    if (plain) {
        af_buf_put(b, s);
        return;
    }
    af_buf_put(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            af_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            af_buf_put(b, "\\n");
        else if ((unsigned char)*p < 0x20)
            af_buf_printf(b, "\\x%02x", (unsigned char)*p);
        else
            af_buf_printf(b, "%c", *p);
    }
    af_buf_put(b, "\"");
}

static void put_flow(af_buf *b, yaml_document_t *doc, yaml_node_t *n)
{
    if (!n) {
        af_buf_put(b, "null");
        return;
    }
    if (n->type == YAML_SCALAR_NODE) {
        put_scalar(b, n);
    } else if (n->type == YAML_SEQUENCE_NODE) {
        af_buf_put(b, "[");
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
             i++) {
            if (i != n->data.sequence.items.start) af_buf_put(b, ", ");
            put_flow(b, doc, yaml_document_get_node(doc, *i));
        }
        af_buf_put(b, "]");
    } else if (n->type == YAML_MAPPING_NODE) {
        af_buf_put(b, "{");
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            if (p != n->data.mapping.pairs.start) af_buf_put(b, ", ");
            put_flow(b, doc, yaml_document_get_node(doc, p->key));
            af_buf_put(b, ": ");
            put_flow(b, doc, yaml_document_get_node(doc, p->value));
        }
        af_buf_put(b, "}");
    }
}

/* The flow text of a node (for comparing two values). NULL when out of memory. */
static char *flow_text(yaml_document_t *doc, yaml_node_t *n)
{
    af_buf b;
    af_buf_init(&b);
    af_buf_put(&b, "");
    put_flow(&b, doc, n);
    if (b.failed) {
        af_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* 1 when the two values differ, 0 when they are the same, -1 out of memory. */
static int differs(yaml_document_t *da, yaml_node_t *a, yaml_document_t *db, yaml_node_t *b)
{
    char *ta = flow_text(da, a), *tb = flow_text(db, b);
    int r = !ta || !tb ? -1 : strcmp(ta, tb) != 0;
    free(ta);
    free(tb);
    return r;
}

static bool named_list(yaml_document_t *doc, yaml_node_t *n)
{
    if (!n || n->type != YAML_SEQUENCE_NODE) return false;
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
        if (!scalar(map_get(doc, yaml_document_get_node(doc, *i), "name"))) return false;
    return true;
}

/* Appends the keys of mapping `f` whose values differ from those of `b` (any when b is
 * NULL), each on its own line after `indent`; *first_prefix replaces the indent of the first
 * one written (a list item's "  - "), and is cleared once used. */
static int put_changed_keys(af_buf *out, yaml_document_t *fd, yaml_node_t *f, yaml_document_t *bd,
                            yaml_node_t *b, const char *indent, const char **first_prefix)
{
    for (yaml_node_pair_t *p = f->data.mapping.pairs.start; p < f->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(fd, p->key);
        yaml_node_t *v = yaml_document_get_node(fd, p->value);
        const char *key = scalar(k);
        if (!key) continue;
        int dif = b ? differs(fd, v, bd, map_get(bd, b, key)) : 1;
        if (dif < 0) return -1;
        if (!dif) continue;
        af_buf_put(out, *first_prefix ? *first_prefix : indent);
        *first_prefix = NULL;
        put_flow(out, fd, k);
        af_buf_put(out, ": ");
        put_flow(out, fd, v);
        af_buf_put(out, "\n");
    }
    return 0;
}

af_status cal_write_calibrated(const char *base_canonical, const char *fitted_canonical,
                               const char *const *paths, size_t n_paths, const char *header,
                               af_buf *out)
{
    (void)paths;
    (void)n_paths;
    yaml_document_t fd, bd;
    if (!parse_doc(fitted_canonical, strlen(fitted_canonical), &fd)) return AF_INTERNAL;
    if (!parse_doc(base_canonical, strlen(base_canonical), &bd)) {
        yaml_document_delete(&fd);
        return AF_INTERNAL;
    }
    af_buf_put(out, header);
    af_buf_put(out, "extends: base.yaml\n");
    yaml_node_t *froot = yaml_document_get_root_node(&fd), *broot = yaml_document_get_root_node(&bd);
    int bad = froot->type == YAML_MAPPING_NODE ? 0 : -1;
    /* What differs, and only that: named lists by name, records key by key, anything else
     * whole (a derived value, such as an inspection's flags from a category's dual_use,
     * differs too and is written with the fitted ones). */
    for (yaml_node_pair_t *p = froot->data.mapping.pairs.start;
         !bad && p < froot->data.mapping.pairs.top; p++) {
        const char *key = scalar(yaml_document_get_node(&fd, p->key));
        yaml_node_t *fv = yaml_document_get_node(&fd, p->value);
        yaml_node_t *bv = key ? map_get(&bd, broot, key) : NULL;
        if (!key) continue;
        int dif = bv ? differs(&fd, fv, &bd, bv) : 1;
        if (dif <= 0) {
            bad = dif;
            continue;
        }
        if (bv && fv->type == YAML_MAPPING_NODE && bv->type == YAML_MAPPING_NODE) {
            af_buf_printf(out, "%s:\n", key);
            const char *none = NULL;
            bad = put_changed_keys(out, &fd, fv, &bd, bv, "  ", &none);
        } else if (bv && named_list(&fd, fv) && named_list(&bd, bv)) {
            af_buf_printf(out, "%s:\n", key);
            for (yaml_node_item_t *i = fv->data.sequence.items.start;
                 !bad && i < fv->data.sequence.items.top; i++) {
                yaml_node_t *it = yaml_document_get_node(&fd, *i);
                yaml_node_t *bit = seq_item(&bd, bv, scalar(map_get(&fd, it, "name")));
                int d = bit ? differs(&fd, it, &bd, bit) : 1;
                if (d <= 0) {
                    bad = d;
                    continue;
                }
                af_buf_put(out, "  - name: ");
                put_flow(out, &fd, map_get(&fd, it, "name"));
                af_buf_put(out, "\n");
                const char *none = NULL;
                bad = put_changed_keys(out, &fd, it, &bd, bit, "    ", &none);
            }
        } else {
            af_buf_printf(out, "%s: ", key);
            put_flow(out, &fd, fv);
            af_buf_put(out, "\n");
        }
    }
    yaml_document_delete(&fd);
    yaml_document_delete(&bd);
    if (bad) return AF_NOMEM;
    return out->failed ? AF_NOMEM : AF_OK;
}
