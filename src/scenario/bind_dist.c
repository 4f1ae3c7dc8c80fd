/* Distributions as planners write them:
 *     45 min                                a constant
 *     {exponential: 30 min}                 or {exponential: {mean: 30 min}}
 *     {uniform: [10, 20]}                   or {uniform: {low: 10, high: 20}}
 *     {triangular: [10, 20, 60]}            or {triangular: {low:, mode:, high:}}
 *     {lognormal: {mean: 45, sd: 20}}       or {lognormal: [45, 20]}
 *     {gamma: {shape: 2, scale: 20 min}}    {weibull: {shape: 1.5, scale: 1 h}}
 *     {empirical: [[30, 0.5], [60, 0.5]]}   rows of [value, weight]
 * Values with time carry the key's default unit (minutes); shapes and weights have none.
 * Durations cannot be negative, so every parameter that bounds a sample is checked >= 0
 * here, with the place of the parameter; the af_dist constructors check the rest. */
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Bounds that keep every event time finite (see param and check_params). */
#define AF_SCN_MAX_DURATION_MIN 52596000.0 /* 100 years of 365.25 days */
#define AF_SCN_MIN_SHAPE 0.05

#include "scenario/bind.h"
#include "scenario/units.h"

typedef struct dist_form {
    const char *name;
    af_dist_kind kind;
    size_t n;                 /* parameters */
    const char *params[3];
    unsigned timed;           /* bit i: parameter i carries the unit */
} dist_form;

static const dist_form forms[] = {
    {"constant", AF_DIST_CONSTANT, 1, {"value"}, 1},
    {"exponential", AF_DIST_EXPONENTIAL, 1, {"mean"}, 1},
    {"uniform", AF_DIST_UNIFORM, 2, {"low", "high"}, 3},
    {"triangular", AF_DIST_TRIANGULAR, 3, {"low", "mode", "high"}, 7},
    {"lognormal", AF_DIST_LOGNORMAL, 2, {"mean", "sd"}, 3},
    {"gamma", AF_DIST_GAMMA, 2, {"shape", "scale"}, 2},
    {"weibull", AF_DIST_WEIBULL, 2, {"shape", "scale"}, 2},
    {"empirical", AF_DIST_EMPIRICAL, 0, {NULL}, 0},
};
enum { N_FORMS = sizeof forms / sizeof forms[0], MAX_ROWS = 10000 };

bool dist_form_params(const char *form, size_t flen, const char *const **params, size_t *n,
                      unsigned *timed)
{
    for (size_t i = 0; i + 1 < N_FORMS; i++)
        if (strlen(forms[i].name) == flen && !memcmp(forms[i].name, form, flen)) {
            *params = forms[i].params;
            *n = forms[i].n;
            *timed = forms[i].timed;
            return true;
        }
    return false;
}

static const char *const form_names[N_FORMS] = {"constant", "exponential", "uniform",
                                                "triangular", "lognormal", "gamma",
                                                "weibull", "empirical"};

/* One parameter: a number, with the key's unit if timed. */
static bool param(binder *b, const yt_node *v, const field *f, const dist_form *form, size_t i,
                  bool timed, double *out)
{
    char msg[256], buf[64];
    const char *pname = form->params[i] ? form->params[i] : "value";
    if (v->kind != YT_SCALAR || yt_is_null(v)) {
        scn_error(b->r, v->mark, "%s: %s %s: expected a number, found %s", f->key, form->name,
                  pname, yt_describe(v, buf, sizeof buf));
        return false;
    }
    bool ok = timed ? units_quantity(v->str, v->len, UNIT_DURATION, f->unit, out, msg, sizeof msg)
                    : units_quantity(v->str, v->len, UNIT_NONE, NULL, out, msg, sizeof msg);
    if (!ok) {
        if (form->kind == AF_DIST_CONSTANT)
            scn_error(b->r, v->mark, "%s: %s, found %s", f->key, msg,
                      yt_describe(v, buf, sizeof buf));
        else
            scn_error(b->r, v->mark, "%s: %s %s: %s, found %s", f->key, form->name, pname, msg,
                      yt_describe(v, buf, sizeof buf));
        return false;
    }
    /* Bounded so that every draw, and every event time made of draws, is finite: a duration
     * of 1e308 min is a valid double but no time at all. */
    if (timed && fabs(*out) > AF_SCN_MAX_DURATION_MIN) {
        scn_error(b->r, v->mark, "%s: %s %s: at most %.0f min (100 years), found %s", f->key,
                  form->name, pname, AF_SCN_MAX_DURATION_MIN, yt_describe(v, buf, sizeof buf));
        return false;
    }
    return true;
}

static bool nonneg(binder *b, const yt_node *v, const field *f, const char *what, double x)
{
    if (x >= 0) return true;
    char buf[64];
    scn_error(b->r, v->mark, "%s: %s cannot be negative, found %s", f->key, what,
              yt_describe(v, buf, sizeof buf));
    return false;
}

static bool positive(binder *b, const yt_node *v, const field *f, const char *what, double x)
{
    if (x > 0) return true;
    char buf[64];
    scn_error(b->r, v->mark, "%s: %s must be above 0, found %s", f->key, what,
              yt_describe(v, buf, sizeof buf));
    return false;
}

/* Parameters given as a list [a, b, c], a mapping {low: a, ...} or, for one, a scalar. */
static bool params_of(binder *b, const yt_node *v, const field *f, const dist_form *form,
                      double p[3], const yt_node *where[3])
{
    char buf[64];
    if (v->kind == YT_SCALAR && form->n == 1) {
        where[0] = v;
        return param(b, v, f, form, 0, form->timed & 1, &p[0]);
    }
    if (v->kind == YT_SEQ) {
        if (v->n != form->n) {
            char listed[64] = "";
            for (size_t i = 0; i < form->n; i++) {
                strncat(listed, form->params[i], sizeof listed - strlen(listed) - 1);
                if (i + 1 < form->n) strncat(listed, ", ", sizeof listed - strlen(listed) - 1);
            }
            scn_error(b->r, v->mark, "%s: %s takes %zu parameter%s [%s], found %zu", f->key,
                      form->name, form->n, form->n == 1 ? "" : "s", listed, v->n);
            return false;
        }
        bool ok = true;
        for (size_t i = 0; i < form->n; i++) {
            where[i] = v->items[i];
            ok &= param(b, v->items[i], f, form, i, (form->timed >> i) & 1, &p[i]);
        }
        return ok;
    }
    if (v->kind == YT_MAP) {
        bool ok = true;
        for (size_t k = 0; k < v->n; k++) {
            const yt_node *key = v->pairs[k].key;
            size_t i = 0;
            while (i < form->n && !yt_scalar_is(key, form->params[i])) i++;
            if (i == form->n) {
                const char *hint = suggest_closest(key->str, key->len, form->params, form->n);
                scn_error(b->r, key->mark, "%s: %s has no parameter %s%s%s%s", f->key,
                          form->name, yt_describe(key, buf, sizeof buf),
                          hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
                ok = false;
                continue;
            }
            where[i] = v->pairs[k].value;
            ok &= param(b, v->pairs[k].value, f, form, i, (form->timed >> i) & 1, &p[i]);
        }
        for (size_t i = 0; i < form->n; i++)
            if (!where[i]) {
                scn_error(b->r, v->mark, "%s: %s needs '%s'", f->key, form->name,
                          form->params[i]);
                ok = false;
            }
        return ok;
    }
    scn_error(b->r, v->mark, "%s: expected the parameters of %s, found %s", f->key, form->name,
              yt_describe(v, buf, sizeof buf));
    return false;
}

static bool empirical(binder *b, const yt_node *v, const field *f, af_scn_dist *d)
{
    char buf[64];
    const dist_form *form = &forms[AF_DIST_EMPIRICAL];
    if (v->kind != YT_SEQ || v->n == 0) {
        scn_error(b->r, v->mark, "%s: empirical: expected a list of [value, weight] rows, found %s",
                  f->key, v->kind == YT_SEQ ? "an empty list" : yt_describe(v, buf, sizeof buf));
        return false;
    }
    if (v->n > MAX_ROWS) {
        scn_error(b->r, v->mark, "%s: empirical: more than %d rows", f->key, MAX_ROWS);
        return false;
    }
    double *values = arena_calloc(b->mem, v->n, sizeof *values);
    double *weights = arena_calloc(b->mem, v->n, sizeof *weights);
    if (!values || !weights) {
        b->r->nomem = true;
        return false;
    }
    bool ok = true;
    double total = 0;
    for (size_t i = 0; i < v->n; i++) {
        const yt_node *row = v->items[i], *val = NULL, *w = NULL;
        if (row->kind == YT_SEQ && row->n == 2) {
            val = row->items[0];
            w = row->items[1];
        } else if (row->kind == YT_MAP && row->n == 2 && yt_map_get(row, "value") &&
                   yt_map_get(row, "weight")) {
            val = yt_map_get(row, "value");
            w = yt_map_get(row, "weight");
        } else {
            scn_error(b->r, row->mark, "%s: empirical: expected a row [value, weight], found %s",
                      f->key, yt_describe(row, buf, sizeof buf));
            ok = false;
            continue;
        }
        if (!param(b, val, f, form, 0, true, &values[i]) ||
            !nonneg(b, val, f, "an empirical value", values[i]))
            ok = false;
        dist_form wf = {"empirical", AF_DIST_EMPIRICAL, 2, {"value", "weight"}, 0};
        if (!param(b, w, f, &wf, 1, false, &weights[i]) ||
            !nonneg(b, w, f, "a weight", weights[i]))
            ok = false;
        else
            total += weights[i];
    }
    if (ok && !(total > 0) ) {
        scn_error(b->r, v->mark, "%s: empirical: the weights add up to 0", f->key);
        ok = false;
    }
    if (!ok) return false;
    d->n = v->n;
    d->values = values;
    d->weights = weights;
    return true;
}

/* Checks that keep samples of a duration non-negative, pointing at the parameter. */
static bool check_params(binder *b, const field *f, const dist_form *form, const double p[3],
                         const yt_node *const where[3])
{
    switch (form->kind) {
    case AF_DIST_CONSTANT: return nonneg(b, where[0], f, "a duration", p[0]);
    case AF_DIST_EXPONENTIAL: return positive(b, where[0], f, "the mean", p[0]);
    case AF_DIST_UNIFORM:
        if (!nonneg(b, where[0], f, "low", p[0])) return false;
        if (p[1] < p[0]) {
            scn_error(b->r, where[1]->mark, "%s: uniform high (%g) is below low (%g)", f->key,
                      p[1], p[0]);
            return false;
        }
        return true;
    case AF_DIST_TRIANGULAR:
        if (!nonneg(b, where[0], f, "low", p[0])) return false;
        if (p[1] < p[0] || p[2] < p[1] || !(p[2] > p[0])) {
            scn_error(b->r, where[1]->mark,
                      "%s: triangular needs low <= mode <= high and low < high, found %g, %g, %g",
                      f->key, p[0], p[1], p[2]);
            return false;
        }
        return true;
    case AF_DIST_LOGNORMAL: {
        /* Both checked, so that both mistakes are reported at once. */
        bool mean_ok = positive(b, where[0], f, "the mean", p[0]);
        bool sd_ok = nonneg(b, where[1], f, "the standard deviation (sd)", p[1]);
        /* sd/mean past 1e6 makes sigma so wide that draws overflow to infinity. */
        if (mean_ok && sd_ok && p[1] > 1e6 * p[0]) {
            scn_error(b->r, where[1]->mark,
                      "%s: lognormal sd (%g) is more than a million times the mean (%g)",
                      f->key, p[1], p[0]);
            return false;
        }
        return mean_ok && sd_ok;
    }
    case AF_DIST_GAMMA:
    case AF_DIST_WEIBULL: {
        bool shape_ok = positive(b, where[0], f, "the shape", p[0]);
        bool scale_ok = positive(b, where[1], f, "the scale", p[1]);
        /* A Weibull draw is scale * E^(1/shape): shape 1e-300 makes it infinite. */
        if (shape_ok && (p[0] < AF_SCN_MIN_SHAPE || p[0] > 1e6)) {
            scn_error(b->r, where[0]->mark, "%s: %s shape: from %g to 1e6, found %g", f->key,
                      form->name, AF_SCN_MIN_SHAPE, p[0]);
            shape_ok = false;
        }
        return shape_ok && scale_ok;
    }
    default: return true;
    }
}

static af_status construct(af_scn_dist *d, af_error *err)
{
    const double *p = d->param;
    switch (d->kind) {
    case AF_DIST_CONSTANT: d->dist = af_dist_constant(p[0]); return AF_OK;
    case AF_DIST_EXPONENTIAL: return af_dist_exponential(&d->dist, p[0], err);
    case AF_DIST_UNIFORM: return af_dist_uniform(&d->dist, p[0], p[1], err);
    case AF_DIST_TRIANGULAR: return af_dist_triangular(&d->dist, p[0], p[1], p[2], err);
    case AF_DIST_LOGNORMAL: return af_dist_lognormal(&d->dist, p[0], p[1], err);
    case AF_DIST_GAMMA: return af_dist_gamma(&d->dist, p[0], p[1], err);
    case AF_DIST_WEIBULL: return af_dist_weibull(&d->dist, p[0], p[1], err);
    case AF_DIST_EMPIRICAL: return af_dist_empirical(&d->dist, d->values, d->weights, d->n, err);
    }
    return af_error_set(err, AF_INVAL, "unknown distribution kind");
}

void bind_dist(binder *b, const yt_node *v, void *item, const field *f)
{
    af_scn_dist *out = (af_scn_dist *)((char *)item + f->offset);
    af_scn_dist d;
    memset(&d, 0, sizeof d);
    char buf[64];
    const yt_node *where[3] = {NULL, NULL, NULL};

    if (v->kind == YT_SCALAR && !yt_is_null(v)) {
        d.kind = AF_DIST_CONSTANT;
        where[0] = v;
        if (!param(b, v, f, &forms[0], 0, true, &d.param[0]) ||
            !check_params(b, f, &forms[0], d.param, where))
            return;
    } else if (v->kind == YT_MAP && v->n == 1) {
        const yt_node *key = v->pairs[0].key;
        const dist_form *form = NULL;
        for (size_t i = 0; i < N_FORMS; i++)
            if (yt_scalar_is(key, forms[i].name)) form = &forms[i];
        if (!form) {
            const char *hint = suggest_closest(key->str, key->len, form_names, N_FORMS);
            scn_error(b->r, key->mark,
                      "%s: unknown distribution %s%s%s%s (constant, exponential, uniform, "
                      "triangular, lognormal, gamma, weibull or empirical)",
                      f->key, yt_describe(key, buf, sizeof buf), hint ? "; did you mean '" : "",
                      hint ? hint : "", hint ? "'?" : "");
            return;
        }
        d.kind = form->kind;
        if (form->kind == AF_DIST_EMPIRICAL) {
            if (!empirical(b, v->pairs[0].value, f, &d)) return;
        } else if (!params_of(b, v->pairs[0].value, f, form, d.param, where) ||
                   !check_params(b, f, form, d.param, where)) {
            return;
        }
    } else {
        scn_error(b->r, v->mark,
                  "%s: expected a distribution such as '45 min' or {lognormal: {mean: 45, sd: "
                  "20}}, found %s",
                  f->key, v->kind == YT_MAP ? (v->n ? "a mapping with several keys"
                                                     : "an empty mapping")
                                            : yt_describe(v, buf, sizeof buf));
        return;
    }

    af_error err;
    af_error_clear(&err);
    if (construct(&d, &err) != AF_OK) {
        if (err.status == AF_NOMEM) {
            b->r->nomem = true;
            return;
        }
        scn_error(b->r, v->mark, "%s: %s", f->key,
                  err.message[0] ? err.message : "invalid distribution parameters");
        return;
    }
    *out = d;
    if (d.kind == AF_DIST_EMPIRICAL) bind_own_dist(b, &out->dist);
}
