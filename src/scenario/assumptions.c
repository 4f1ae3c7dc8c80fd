/* Assumptions as data (see assumptions.h): the wrapper's grammar, the walk that gives every
 * number of the tree its --set path, the checks of a mark, and writing the marks back. */
#include "scenario/assumptions.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "scenario/units.h"

enum { PATH_MAX_LEN = 512 };

/* What a number at a place of the tree is. */
typedef enum slot_kind {
    K_OTHER,     /* not a number (text, names, enums, hours...) */
    K_INT,       /* a whole number bound by an integer binder */
    K_QUANTITY,  /* bind_quantity: a number with a unit of the field's kind */
    K_DAYS,      /* bind_days: whole days */
    K_DIST_TIME, /* a distribution's parameter that carries the key's unit (minutes) */
    K_DIST_SHAPE /* a distribution's shape: a plain number */
} slot_kind;

struct pending_mark {
    char *path;
    const yt_node *wrap;   /* the wrapper (its mark is the assumption's place) */
    const yt_node *range;  /* the assumption: [lo, hi] list */
    const yt_node *source; /* or NULL */
    const yt_node *prior;  /* or NULL */
    const field *f;
    slot_kind kind;
};

typedef void (*visit_fn)(void *ctx, yt_node **slot, const char *path, const field *f,
                         slot_kind kind);

typedef struct walker {
    visit_fn visit;
    void *ctx;
    char path[PATH_MAX_LEN];
} walker;

static const char *const prior_names[] = {"uniform", "triangular", "log-uniform"};

const char *af_prior_name(af_prior p)
{
    return (unsigned)p < 3 ? prior_names[p] : "uniform";
}

size_t af_scenario_assumption_count(const af_scenario *s) { return s ? s->n_assumptions : 0; }

const af_scn_assumption *af_scenario_assumption(const af_scenario *s, size_t i)
{
    return s && i < s->n_assumptions ? &s->assumptions[i] : NULL;
}

size_t af_scenario_find_assumption(const af_scenario *s, const char *path)
{
    if (!s || !path) return AF_SCN_NONE;
    for (size_t i = 0; i < s->n_assumptions; i++)
        if (!strcmp(s->assumptions[i].path, path)) return i;
    return AF_SCN_NONE;
}

/* ---- the walk ----------------------------------------------------------------------------- */

static bool is_wrapper(const yt_node *v)
{
    return v && v->kind == YT_MAP && yt_map_get(v, "assumption") != NULL;
}

static slot_kind scalar_kind(const field *f)
{
    if (f->bind == bind_unsigned || f->bind == bind_u32 || f->bind == bind_size ||
        f->bind == bind_int || f->bind == bind_count)
        return K_INT;
    if (f->bind == bind_quantity) return K_QUANTITY;
    if (f->bind == bind_days) return K_DAYS;
    return K_OTHER;
}

/* Appends ".seg" (or "seg" at the start) to w->path at length l; the new length, 0 when the
 * path would be too long. */
static size_t push(walker *w, size_t l, const char *seg, size_t len)
{
    size_t need = l + (l ? 1 : 0) + len;
    if (need + 1 > sizeof w->path) return 0;
    if (l) w->path[l++] = '.';
    memcpy(w->path + l, seg, len);
    w->path[need] = '\0';
    return need;
}

static void walk_map(walker *w, yt_node *map, const record *rec, size_t l);

/* A distribution at *slot: a constant (a scalar or a wrapper), or {form: params}. Parameters
 * get the path the canonical writer's form has: `...service` for a constant,
 * `...wait.exponential` for an exponential, `...travel.uniform.low` for the others, however
 * the file wrote them (a list or a mapping). */
static void walk_dist(walker *w, yt_node **slot, const field *f, size_t l)
{
    yt_node *v = *slot;
    if (v->kind == YT_SCALAR || is_wrapper(v)) {
        w->visit(w->ctx, slot, w->path, f, K_DIST_TIME);
        return;
    }
    if (v->kind != YT_MAP || v->n != 1) return;
    yt_pair *p = &v->pairs[0];
    const char *const *pnames;
    size_t n;
    unsigned timed;
    if (!dist_form_params(p->key->str, p->key->len, &pnames, &n, &timed)) return;
    bool constant = !strcmp(pnames[0], "value"), one = n == 1;
    size_t lf = constant ? l : push(w, l, p->key->str, p->key->len);
    if (!lf) return;
    yt_node **params[3] = {NULL, NULL, NULL};
    yt_node *pv = p->value;
    if (one && (pv->kind == YT_SCALAR || is_wrapper(pv))) {
        params[0] = &p->value;
    } else if (pv->kind == YT_SEQ) {
        for (size_t i = 0; i < n && i < pv->n; i++) params[i] = &pv->items[i];
    } else if (pv->kind == YT_MAP) {
        for (size_t k = 0; k < pv->n; k++)
            for (size_t i = 0; i < n; i++)
                if (pv->pairs[k].key->len == strlen(pnames[i]) &&
                    !memcmp(pv->pairs[k].key->str, pnames[i], pv->pairs[k].key->len))
                    params[i] = &pv->pairs[k].value;
    }
    for (size_t i = 0; i < n; i++) {
        if (!params[i]) continue;
        size_t lp = one ? lf : push(w, lf, pnames[i], strlen(pnames[i]));
        if (!lp) continue;
        w->visit(w->ctx, params[i], w->path, f, (timed >> i) & 1 ? K_DIST_TIME : K_DIST_SHAPE);
        w->path[lf] = '\0';
    }
    w->path[l] = '\0';
}

static void walk_value(walker *w, yt_node **slot, const field *f, size_t l)
{
    yt_node *v = *slot;
    char key[96];
    switch (f->shape) {
    case SH_SCALAR: w->visit(w->ctx, slot, w->path, f, scalar_kind(f)); break;
    case SH_RECORD:
        if (f->bind != bind_assignments && f->sub) walk_map(w, v, f->sub, l);
        break;
    case SH_TABLE: {
        if (v->kind != YT_MAP || !f->arg) break;
        const field *elem = ((const table_spec *)f->arg)->elem;
        for (size_t i = 0; i < v->n; i++) {
            size_t lc = push(w, l, v->pairs[i].key->str, v->pairs[i].key->len);
            if (!lc) continue;
            if (elem->bind == bind_dist)
                walk_dist(w, &v->pairs[i].value, elem, lc);
            else
                w->visit(w->ctx, &v->pairs[i].value, w->path, elem, scalar_kind(elem));
            w->path[l] = '\0';
        }
        break;
    }
    case SH_NAMED:
        if (v->kind != YT_SEQ) break;
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->kind != YT_MAP || !schema_item_key(f->sub, v->items[i], key, sizeof key))
                continue;
            size_t li = push(w, l, key, strlen(key));
            if (li) walk_map(w, v->items[i], f->sub, li);
            w->path[l] = '\0';
        }
        break;
    case SH_LIST:
        if (v->kind != YT_SEQ || !f->sub) break;
        for (size_t i = 0; i < v->n; i++) {
            int kl = snprintf(key, sizeof key, "%zu", i);
            size_t li = push(w, l, key, (size_t)kl);
            if (li) walk_map(w, v->items[i], f->sub, li);
            w->path[l] = '\0';
        }
        break;
    case SH_VARIANT:
        if (f->bind == bind_dist) walk_dist(w, slot, f, l);
        else w->visit(w->ctx, slot, w->path, f, K_OTHER);
        break;
    }
}

static void walk_map(walker *w, yt_node *map, const record *rec, size_t l)
{
    if (!map || map->kind != YT_MAP) return;
    for (size_t i = 0; i < map->n; i++) {
        yt_pair *p = &map->pairs[i];
        const field *f = schema_field(rec, p->key->str, p->key->len);
        if (!f || !f->bind) continue;
        size_t lk = push(w, l, p->key->str, p->key->len);
        if (lk) walk_value(w, &p->value, f, lk);
        w->path[l] = '\0';
    }
}

static void walk_tree(yt_node *root, visit_fn visit, void *ctx)
{
    walker w;
    w.visit = visit;
    w.ctx = ctx;
    w.path[0] = '\0';
    walk_map(&w, root, &schema_scenario, 0);
}

/* ---- taking the wrappers out -------------------------------------------------------------- */

typedef struct take_ctx {
    loader *L;
    pending_marks *out;
} take_ctx;

static const char *const wrapper_keys[] = {"value", "assumption", "source", "prior"};

static void take(void *ctx, yt_node **slot, const char *path, const field *f, slot_kind kind)
{
    take_ctx *t = ctx;
    yt_node *v = *slot;
    if (!is_wrapper(v)) return;
    scn_report *r = &t->L->r;
    char buf[64];
    const char *key = f->key[0] ? f->key : path;
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        bool known = false;
        for (size_t k = 0; k < 4; k++) known |= yt_scalar_is(v->pairs[i].key, wrapper_keys[k]);
        if (!known) {
            const yt_node *k = v->pairs[i].key;
            scn_error(r, k->mark, "%s: unknown key '%.*s' in an assumption; expected value, "
                      "assumption, source or prior", key, (int)(k->len < 64 ? k->len : 64),
                      k->str);
            ok = false;
        }
    }
    yt_node *value = yt_map_get(v, "value");
    const yt_node *range = yt_map_get(v, "assumption"), *source = yt_map_get(v, "source"),
                  *prior = yt_map_get(v, "prior");
    if (kind == K_OTHER) {
        scn_error(r, v->mark, "%s: an assumption marks a number, and %s is %s", key, key,
                  f->doc ? f->doc : "not a number");
        ok = false;
    }
    if (!value || value->kind != YT_SCALAR || yt_is_null(value) || yt_scalar_is(value, "none")) {
        scn_error(r, value ? value->mark : v->mark, "%s: an assumption needs its value, a "
                  "number such as {value: 40 min, assumption: [30 min, 60 min]}", key);
        ok = false;
    }
    if (range->kind != YT_SEQ || range->n != 2 || range->items[0]->kind != YT_SCALAR ||
        range->items[1]->kind != YT_SCALAR) {
        scn_error(r, range->mark, "%s: assumption: expected a range [low, high] such as "
                  "[30 min, 60 min], found %s", key, yt_describe(range, buf, sizeof buf));
        ok = false;
    }
    if (source && (source->kind != YT_SCALAR || memchr(source->str, '\0', source->len))) {
        scn_error(r, source->mark, "%s: source: expected a text, found %s", key,
                  yt_describe(source, buf, sizeof buf));
        ok = false;
    }
    if (prior) {
        bool known = false;
        for (size_t k = 0; k < 3; k++) known |= yt_scalar_is(prior, prior_names[k]);
        if (!known) {
            scn_error(r, prior->mark, "%s: prior: expected uniform, triangular or log-uniform, "
                      "found %s", key, yt_describe(prior, buf, sizeof buf));
            ok = false;
        }
    }
    /* The value binds in its place either way, so that its own mistakes are reported too. */
    if (value) *slot = value;
    if (!ok) return;
    pending_marks *out = t->out;
    pending_mark *m = NULL;
    for (size_t i = 0; i < out->n; i++)
        if (!strcmp(out->items[i].path, path)) m = &out->items[i];
    if (!m) {
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            pending_mark *p = arena_calloc(&t->L->tree_mem, cap, sizeof *p);
            if (!p) {
                r->nomem = true;
                return;
            }
            if (out->n) memcpy(p, out->items, out->n * sizeof *p);
            out->items = p;
            out->cap = cap;
        }
        m = &out->items[out->n++];
        m->path = arena_strdup(&t->L->tree_mem, path);
        if (!m->path) {
            r->nomem = true;
            out->n--;
            return;
        }
    }
    m->wrap = v;
    m->range = range;
    m->source = source;
    m->prior = prior;
    m->f = f;
    m->kind = kind;
}

void assumptions_take(loader *L, yt_node *root, pending_marks *out)
{
    if (!root) return;
    take_ctx t = {L, out};
    walk_tree(root, take, &t);
}

/* ---- resolving ---------------------------------------------------------------------------- */

typedef struct found_ctx {
    const pending_marks *marks;
    const yt_node **values; /* [marks->n]: the value at each path now */
} found_ctx;

static void find_values(void *ctx, yt_node **slot, const char *path, const field *f,
                        slot_kind kind)
{
    (void)f;
    found_ctx *c = ctx;
    for (size_t i = 0; i < c->marks->n; i++)
        if (kind == c->marks->items[i].kind && !strcmp(c->marks->items[i].path, path) &&
            (*slot)->kind == YT_SCALAR)
            c->values[i] = *slot;
}

/* Binds scalar v with field f into a scratch item and reads the number back. False when the
 * binder refused it (it reported why). */
static bool number_of(binder *b, const yt_node *v, const field *f, slot_kind kind, double *x)
{
    char buf[64];
    if (yt_scalar_is(v, "none")) {
        scn_error(b->r, v->mark, "%s: an assumption's range needs numbers, found 'none'",
                  f->key);
        return false;
    }
    if (kind == K_DIST_TIME || kind == K_DIST_SHAPE) {
        char msg[160];
        const char *s = bind_scalar_text(b, v, f, "a number");
        if (!s) return false;
        bool ok = kind == K_DIST_TIME
                      ? units_quantity(s, v->len, UNIT_DURATION, f->unit, x, msg, sizeof msg)
                      : (snprintf(msg, sizeof msg, "expected a number"),
                         units_number(s, v->len, x));
        if (!ok || *x < 0) {
            scn_error(b->r, v->mark, "%s: %s, found %s", f->key,
                      ok ? "a distribution's parameter is at least 0" : msg,
                      yt_describe(v, buf, sizeof buf));
            return false;
        }
        return true;
    }
    _Static_assert(sizeof(af_scn_crossing) < 4096 && sizeof(af_scenario) < 4096,
                  "the scratch item holds any record");
    union {
        max_align_t align;
        unsigned char bytes[4096];
    } scratch;
    memset(&scratch, 0, sizeof scratch);
    if (f->offset + sizeof(double) > sizeof scratch.bytes) return false;
    size_t errors = b->r->errors;
    f->bind(b, v, scratch.bytes, f);
    if (b->r->errors != errors) return false;
    const void *at = scratch.bytes + f->offset;
    if (f->bind == bind_unsigned) *x = *(const unsigned *)at;
    else if (f->bind == bind_u32) *x = *(const uint32_t *)at;
    else if (f->bind == bind_size) *x = (double)*(const size_t *)at;
    else if (f->bind == bind_int || f->bind == bind_days) *x = *(const int *)at;
    else *x = *(const double *)at;
    return true;
}

static const char *unit_of(const pending_mark *m)
{
    switch (m->kind) {
    case K_DAYS: return "d";
    case K_DIST_TIME: return "min";
    case K_QUANTITY:
        switch (*(const unit_kind *)m->f->arg) {
        case UNIT_DURATION: return "min";
        case UNIT_RATE: return "/d";
        case UNIT_MASS: return "t";
        case UNIT_MASS_RATE: return "t/d";
        default: return "";
        }
    default: return "";
    }
}

void assumptions_resolve(binder *b, yt_node *root, const pending_marks *marks)
{
    if (!root || !marks->n) return;
    const yt_node **values = arena_calloc(b->tmp, marks->n, sizeof *values);
    af_scn_assumption *out = arena_calloc(b->mem, marks->n, sizeof *out);
    if (!values || !out) {
        b->r->nomem = true;
        return;
    }
    found_ctx c = {marks, values};
    walk_tree(root, find_values, &c);
    size_t n = 0;
    for (size_t i = 0; i < marks->n; i++) {
        const pending_mark *m = &marks->items[i];
        if (!values[i]) continue; /* replaced by a --set of another shape */
        field f = *m->f;
        if (!f.key[0]) f.key = strrchr(m->path, '.') ? strrchr(m->path, '.') + 1 : m->path;
        /* The value was bound already and its mistakes reported: check it quietly. */
        scn_report *loud = b->r, quiet = *b->r;
        quiet.diags = NULL;
        b->r = &quiet;
        double x, lo, hi;
        bool value_ok = number_of(b, values[i], &f, m->kind, &x);
        b->r = loud;
        bool lo_ok = number_of(b, m->range->items[0], &f, m->kind, &lo);
        bool hi_ok = number_of(b, m->range->items[1], &f, m->kind, &hi);
        if (!value_ok || !lo_ok || !hi_ok) continue;
        char a[AF_NUM_SIZE], z[AF_NUM_SIZE], v[AF_NUM_SIZE];
        const char *unit = unit_of(m);
        if (!(lo < hi)) {
            scn_error(b->r, m->range->mark, "%s: assumption: expected a range [low, high] "
                      "with low below high, found %s to %s%s%s", f.key,
                      af_fmt_num(a, sizeof a, lo), af_fmt_num(z, sizeof z, hi),
                      unit[0] ? " " : "", unit);
            continue;
        }
        const scn_source *vsrc = b->r->src ? sources_get(b->r->src, values[i]->mark.file) : NULL;
        bool from_set = vsrc && vsrc->name && !strcmp(vsrc->name, "<--set>") &&
                        !(m->wrap->mark.file == values[i]->mark.file);
        if ((x < lo || x > hi) && from_set) continue; /* a --set beyond it: the mark is dropped */
        if (x < lo || x > hi) {
            scn_error(b->r, values[i]->mark, "%s: the value %s%s%s is outside its assumption's "
                      "range [%s, %s]; widen the range or write the value inside it",
                      f.key, af_fmt_num(v, sizeof v, x), unit[0] ? " " : "", unit,
                      af_fmt_num(a, sizeof a, lo), af_fmt_num(z, sizeof z, hi));
            scn_note(b->r, m->range->mark, "the range is given here");
            continue;
        }
        af_prior prior = AF_PRIOR_UNIFORM;
        for (int k = 0; k < 3 && m->prior; k++)
            if (yt_scalar_is(m->prior, prior_names[k])) prior = (af_prior)k;
        if (prior == AF_PRIOR_LOG_UNIFORM && !(lo > 0)) {
            scn_error(b->r, m->prior->mark, "%s: prior: log-uniform needs a range above 0, "
                      "found a low of %s", f.key, af_fmt_num(a, sizeof a, lo));
            continue;
        }
        const scn_source *src = b->r->src ? sources_get(b->r->src, m->wrap->mark.file) : NULL;
        af_scn_assumption *o = &out[n];
        o->path = arena_strdup(b->mem, m->path);
        o->value = x;
        o->lo = lo;
        o->hi = hi;
        o->unit = unit;
        o->integer = m->kind == K_INT || m->kind == K_DAYS;
        o->prior = prior;
        o->source = m->source ? arena_strndup(b->mem, m->source->str, m->source->len) : "";
        o->file = arena_strdup(b->mem, src && src->name ? src->name : "");
        o->line = (int)m->wrap->mark.line;
        o->column = (int)m->wrap->mark.col;
        if (!o->path || !o->source || !o->file) {
            b->r->nomem = true;
            return;
        }
        n++;
    }
    b->s->n_assumptions = n;
    b->s->assumptions = out;
}

/* ---- writing the marks back --------------------------------------------------------------- */

typedef struct splice {
    size_t at, len;    /* the value's bytes in the text */
    const af_scn_assumption *a;
} splice;

typedef struct mark_ctx {
    const af_scenario *s;
    const char *text;
    size_t len;
    size_t *line_start; /* byte offset of each line (1-based index) */
    size_t n_lines;
    splice *sp;
    size_t n, cap;
    bool nomem;
} mark_ctx;

static void mark_visit(void *ctx, yt_node **slot, const char *path, const field *f,
                       slot_kind kind)
{
    (void)f;
    mark_ctx *c = ctx;
    const yt_node *v = *slot;
    if (kind == K_OTHER || v->kind != YT_SCALAR || !v->plain) return;
    size_t i = af_scenario_find_assumption(c->s, path);
    if (i == AF_SCN_NONE || v->mark.line == 0 || v->mark.line > c->n_lines) return;
    /* Columns count characters: walk the line to the byte. */
    size_t at = c->line_start[v->mark.line];
    for (uint32_t col = 1; col < v->mark.col && at < c->len; col++) {
        at++;
        while (at < c->len && ((unsigned char)c->text[at] & 0xC0) == 0x80) at++;
    }
    if (at + v->len > c->len || memcmp(c->text + at, v->str, v->len)) return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        splice *p = realloc(c->sp, cap * sizeof *p);
        if (!p) {
            c->nomem = true;
            return;
        }
        c->sp = p;
        c->cap = cap;
    }
    c->sp[c->n++] = (splice){at, v->len, &c->s->assumptions[i]};
}

static int by_offset(const void *a, const void *b)
{
    size_t x = ((const splice *)a)->at, y = ((const splice *)b)->at;
    return x < y ? -1 : x > y;
}

static void put_bound(af_buf *b, double x, const char *unit)
{
    char n[AF_NUM_SIZE];
    if (x == 0) x = 0;
    af_buf_put(b, af_fmt_num(n, sizeof n, x));
    if (unit[0]) af_buf_printf(b, " %s", unit);
}

char *assumptions_mark_yaml(const af_scenario *s, const char *text, size_t len,
                            size_t *out_len)
{
    mark_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.text = text;
    c.len = len;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    c.line_start = calloc(lines + 2, sizeof *c.line_start);
    if (!c.line_start) return NULL;
    c.n_lines = lines;
    size_t ln = 1;
    c.line_start[1] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') c.line_start[++ln] = i + 1;

    arena mem;
    arena_init(&mem);
    scn_report quiet = {NULL, NULL, 0, false, false};
    yt_node *root = yt_parse(&mem, &quiet, 0, text, len, 0);
    if (root) walk_tree(root, mark_visit, &c);
    arena_free(&mem);
    free(c.line_start);
    if (c.nomem || (!root && quiet.nomem)) {
        free(c.sp);
        return NULL;
    }
    if (c.n) qsort(c.sp, c.n, sizeof *c.sp, by_offset);
    af_buf b = {0};
    size_t pos = 0;
    for (size_t i = 0; i < c.n; i++) {
        const splice *p = &c.sp[i];
        const af_scn_assumption *a = p->a;
        af_buf_putn(&b, text + pos, p->at - pos);
        af_buf_put(&b, "{value: ");
        af_buf_putn(&b, text + p->at, p->len);
        af_buf_put(&b, ", assumption: [");
        put_bound(&b, a->lo, a->unit);
        af_buf_put(&b, ", ");
        put_bound(&b, a->hi, a->unit);
        af_buf_put(&b, "]");
        if (a->prior != AF_PRIOR_UNIFORM) af_buf_printf(&b, ", prior: %s", af_prior_name(a->prior));
        if (a->source && a->source[0]) {
            af_buf_put(&b, ", source: ");
            af_buf_json(&b, a->source);
        }
        af_buf_put(&b, "}");
        pos = p->at + p->len;
    }
    af_buf_putn(&b, text + pos, len - pos);
    free(c.sp);
    return af_buf_take(&b, out_len);
}
