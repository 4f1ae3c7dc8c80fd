/* Designs: parsing "PATH=VALUES", full grids and Latin hypercubes. */
#include <ctype.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/random.h"
#include "experiment/exp_internal.h"
#include "scenario/bind.h"
#include "scenario/schema.h"
#include "scenario/units.h"

#define MAX_VALUES 1000000u /* per factor and points per design: a typo guard */

typedef struct factor {
    char *path;
    bool is_range;
    bool has_step;
    double lo, hi, step;
    size_t n;      /* list items (a range with a step: its grid) */
    char **texts;
    double *values;
} factor;

struct af_design {
    size_t n_factors;
    factor *factors;
    size_t n_points;
    char **texts;   /* [n_points * n_factors] */
    double *values; /* [n_points * n_factors] */
    char *describe;
};

static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* A finite number filling the whole text; NaN otherwise. */
static double number_of(const char *s)
{
    if (!*s) return NAN;
    char *end;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end)) end++;
    if (end == s || *end || !isfinite(v)) return NAN;
    return v;
}

/* A value computed from a range, written so that it reads back as the value it says
 * (0.1 * 3 gives "0.3", not "0.30000000000000004"). */
static char *range_text(double v)
{
    char buf[40];
    if (v == 0) v = 0; /* no "-0" */
    snprintf(buf, sizeof buf, "%.12g", v);
    return strdup(buf);
}

static void factor_free(factor *f)
{
    free(f->path);
    for (size_t i = 0; i < f->n; i++) free(f->texts[i]);
    free(f->texts);
    free(f->values);
    memset(f, 0, sizeof *f);
}

static af_status add_value(factor *f, char *text, af_error *err)
{
    if (!text) return af_error_set(err, AF_NOMEM, "out of memory");
    char **t = realloc(f->texts, (f->n + 1) * sizeof *t);
    if (t) f->texts = t;
    double *v = realloc(f->values, (f->n + 1) * sizeof *v);
    if (v) f->values = v;
    if (!t || !v) {
        free(text);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    f->texts[f->n] = text;
    f->values[f->n] = number_of(text);
    f->n++;
    return AF_OK;
}

static af_status parse_factor(const char *spec, bool lhs, factor *f, af_error *err)
{
    memset(f, 0, sizeof *f);
    const char *eq = strchr(spec, '=');
    if (!eq)
        return af_error_set(err, AF_INVAL, "--vary '%s': expected PATH=VALUES", spec);
    f->path = trimmed(spec, (size_t)(eq - spec));
    if (!f->path) return af_error_set(err, AF_NOMEM, "out of memory");
    if (!*f->path) {
        factor_free(f);
        return af_error_set(err, AF_INVAL, "--vary '%s': the path before '=' is empty", spec);
    }
    const char *vals = eq + 1;
    af_status st = AF_OK;
    if (strchr(vals, ',')) {
        /* A list: items as written. */
        const char *p = vals;
        for (;;) {
            const char *c = strchr(p, ',');
            size_t len = c ? (size_t)(c - p) : strlen(p);
            char *item = trimmed(p, len);
            if (item && !*item) {
                free(item);
                factor_free(f);
                return af_error_set(err, AF_INVAL, "--vary '%s': empty item in the list",
                                    spec);
            }
            if ((st = add_value(f, item, err)) != AF_OK) break;
            if (f->n > MAX_VALUES) {
                st = af_error_set(err, AF_INVAL, "--vary '%s': more than %u values", spec,
                                  MAX_VALUES);
                break;
            }
            if (!c) break;
            p = c + 1;
        }
        if (st != AF_OK) factor_free(f);
        return st;
    }
    char *whole = trimmed(vals, strlen(vals));
    if (!whole) {
        factor_free(f);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    if (!*whole) {
        free(whole);
        factor_free(f);
        return af_error_set(err, AF_INVAL, "--vary '%s': no values after '='", spec);
    }
    /* A range LO:HI[:STEP] when every part is a number; otherwise a single value. */
    double part[3];
    size_t n_parts = 0;
    bool numeric = strchr(whole, ':') != NULL;
    for (const char *p = whole; numeric;) {
        const char *c = strchr(p, ':');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char *piece = trimmed(p, len);
        if (!piece) {
            free(whole);
            factor_free(f);
            return af_error_set(err, AF_NOMEM, "out of memory");
        }
        double v = number_of(piece);
        free(piece);
        if (isnan(v) || n_parts == 3) {
            numeric = false;
            break;
        }
        part[n_parts++] = v;
        if (!c) break;
        p = c + 1;
    }
    if (!numeric || n_parts < 2) {
        if (strchr(whole, ':') && n_parts >= 1 && n_parts <= 3) {
            /* Looks like a range with a part that is not a number. */
            af_status e = af_error_set(err, AF_INVAL,
                                       "--vary '%s': a range is LO:HI or LO:HI:STEP with numbers",
                                       spec);
            free(whole);
            factor_free(f);
            return e;
        }
        st = add_value(f, whole, err);
        if (st != AF_OK) factor_free(f);
        return st;
    }
    free(whole);
    f->is_range = true;
    f->lo = part[0];
    f->hi = part[1];
    if (f->hi < f->lo) {
        factor_free(f);
        return af_error_set(err, AF_INVAL, "--vary '%s': the range ends (%g) below its start (%g)",
                            spec, part[1], part[0]);
    }
    if (n_parts == 3) {
        f->has_step = true;
        f->step = part[2];
        if (!(f->step > 0)) {
            factor_free(f);
            return af_error_set(err, AF_INVAL, "--vary '%s': the step must be > 0, got %g", spec,
                                part[2]);
        }
        double count = floor((f->hi - f->lo) / f->step + 1e-9) + 1;
        if (count > MAX_VALUES) {
            factor_free(f);
            return af_error_set(err, AF_INVAL, "--vary '%s': %.0f values is more than %u", spec,
                                count, MAX_VALUES);
        }
        for (size_t i = 0; i < (size_t)count; i++) {
            if ((st = add_value(f, range_text(f->lo + (double)i * f->step), err)) != AF_OK) {
                factor_free(f);
                return st;
            }
        }
    } else if (!lhs) {
        factor_free(f);
        return af_error_set(err, AF_INVAL,
                            "--vary '%s': a range in a grid needs a step (LO:HI:STEP); "
                            "a bare LO:HI is for --design lhs:N",
                            spec);
    }
    return AF_OK;
}

void af_design_free(af_design *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n_factors; i++) factor_free(&d->factors[i]);
    free(d->factors);
    if (d->texts)
        for (size_t i = 0; i < d->n_points * d->n_factors; i++) free(d->texts[i]);
    free(d->texts);
    free(d->values);
    free(d->describe);
    free(d);
}

static af_status alloc_points(af_design *d, af_error *err)
{
    size_t cells = d->n_points * d->n_factors;
    d->texts = calloc(cells ? cells : 1, sizeof *d->texts);
    d->values = calloc(cells ? cells : 1, sizeof *d->values);
    if (!d->texts || !d->values) return af_error_set(err, AF_NOMEM, "out of memory");
    return AF_OK;
}

static af_status build_grid(af_design *d, af_error *err)
{
    double total = 1;
    for (size_t f = 0; f < d->n_factors; f++) total *= (double)d->factors[f].n;
    if (total > MAX_VALUES)
        return af_error_set(err, AF_INVAL, "the grid has %.0f points, more than %u", total,
                            MAX_VALUES);
    d->n_points = (size_t)total;
    af_status st = alloc_points(d, err);
    if (st != AF_OK) return st;
    for (size_t p = 0; p < d->n_points; p++) {
        /* Row-major: the last factor varies fastest. */
        size_t rest = p;
        for (size_t f = d->n_factors; f-- > 0;) {
            const factor *fa = &d->factors[f];
            size_t i = rest % fa->n;
            rest /= fa->n;
            d->texts[p * d->n_factors + f] = strdup(fa->texts[i]);
            d->values[p * d->n_factors + f] = fa->values[i];
            if (!d->texts[p * d->n_factors + f])
                return af_error_set(err, AF_NOMEM, "out of memory");
        }
    }
    return AF_OK;
}

static af_status build_lhs(af_design *d, size_t n, uint64_t seed, af_error *err)
{
    d->n_points = n;
    af_status st = alloc_points(d, err);
    if (st != AF_OK) return st;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t *perm = malloc(n * sizeof *perm);
    if (!r || !perm) {
        gsl_rng_free(r);
        free(perm);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    gsl_rng_set(r, (unsigned long)af_stream_seed(seed, 0, "design/lhs"));
    for (size_t f = 0; f < d->n_factors && st == AF_OK; f++) {
        const factor *fa = &d->factors[f];
        for (size_t i = 0; i < n; i++) perm[i] = i;
        gsl_ran_shuffle(r, perm, n, sizeof *perm);
        for (size_t i = 0; i < n; i++) {
            /* A point in stratum perm[i] of [0, 1). */
            double u = ((double)perm[i] + gsl_rng_uniform(r)) / (double)n;
            char *text;
            if (fa->is_range && !fa->has_step) {
                text = range_text(fa->lo + u * (fa->hi - fa->lo));
            } else if (fa->is_range) {
                double v = fa->lo + u * (fa->hi - fa->lo);
                double k = floor((v - fa->lo) / fa->step + 0.5);
                if (k > (double)(fa->n - 1)) k = (double)(fa->n - 1);
                text = strdup(fa->texts[(size_t)k]);
            } else {
                size_t k = (size_t)floor(u * (double)fa->n);
                if (k >= fa->n) k = fa->n - 1;
                text = strdup(fa->texts[k]);
            }
            if (!text) {
                st = af_error_set(err, AF_NOMEM, "out of memory");
                break;
            }
            d->texts[i * d->n_factors + f] = text;
            d->values[i * d->n_factors + f] = number_of(text);
        }
    }
    free(perm);
    gsl_rng_free(r);
    return st;
}

static af_status describe(af_design *d, bool lhs, size_t n, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    if (lhs)
        af_buf_printf(&b, "lhs:%zu", n);
    else
        af_buf_put(&b, "grid");
    for (size_t f = 0; f < d->n_factors; f++) {
        const factor *fa = &d->factors[f];
        af_buf_printf(&b, "; %s=", fa->path);
        if (fa->is_range && !fa->has_step) {
            char lo[40], hi[40];
            af_fmt_num(lo, sizeof lo, fa->lo);
            af_fmt_num(hi, sizeof hi, fa->hi);
            af_buf_printf(&b, "%s:%s", lo, hi);
            continue;
        }
        for (size_t i = 0; i < fa->n; i++) {
            if (i) af_buf_put(&b, ",");
            af_buf_put(&b, fa->texts[i]);
        }
    }
    if (b.failed) {
        af_buf_free(&b);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    d->describe = b.data;
    return AF_OK;
}

af_status af_design_create(af_design **out, const char *const *vary, size_t n_vary,
                           const char *design, uint64_t seed, af_error *err)
{
    if (!out) return af_error_set(err, AF_INVAL, "af_design_create: no output");
    *out = NULL;
    bool lhs = false;
    size_t n_lhs = 0;
    if (design && strcmp(design, "grid") != 0) {
        if (strncmp(design, "lhs:", 4) != 0)
            return af_error_set(err, AF_INVAL,
                                "--design '%s': expected 'grid' or 'lhs:N' (N points)", design);
        double v = number_of(design + 4);
        if (!(v >= 1 && v <= MAX_VALUES) || v != floor(v))
            return af_error_set(err, AF_INVAL,
                                "--design '%s': N must be a whole number from 1 to %u", design,
                                MAX_VALUES);
        lhs = true;
        n_lhs = (size_t)v;
    }
    if (n_vary == 0)
        return af_error_set(err, AF_INVAL, "nothing to vary: give at least one --vary PATH=VALUES");
    af_design *d = calloc(1, sizeof *d);
    if (!d) return af_error_set(err, AF_NOMEM, "out of memory");
    d->factors = calloc(n_vary, sizeof *d->factors);
    if (!d->factors) {
        free(d);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    af_status st = AF_OK;
    for (size_t i = 0; i < n_vary && st == AF_OK; i++) {
        st = parse_factor(vary[i], lhs, &d->factors[i], err);
        if (st != AF_OK) break;
        d->n_factors++;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(d->factors[j].path, d->factors[i].path))
                st = af_error_set(err, AF_INVAL, "--vary: '%s' is varied twice",
                                  d->factors[i].path);
    }
    if (st == AF_OK) st = lhs ? build_lhs(d, n_lhs, seed, err) : build_grid(d, err);
    if (st == AF_OK) st = describe(d, lhs, n_lhs, err);
    if (st != AF_OK) {
        af_design_free(d);
        return st;
    }
    *out = d;
    return AF_OK;
}

size_t af_design_n_factors(const af_design *d) { return d->n_factors; }
const char *af_design_path(const af_design *d, size_t f) { return d->factors[f].path; }
size_t af_design_n_points(const af_design *d) { return d->n_points; }
const char *af_design_describe(const af_design *d) { return d->describe; }

const char *af_design_text(const af_design *d, size_t point, size_t f)
{
    return d->texts[point * d->n_factors + f];
}

double af_design_value(const af_design *d, size_t point, size_t f)
{
    return d->values[point * d->n_factors + f];
}

/* ---- units of scenario paths ---- */

/* The field a value at PATH is bound by, walking the scenario's key tables: named lists take
 * an item name (names have no dots), category tables a category; a distribution's parameter
 * (service.lognormal.mean) is in the distribution key's unit. *param: the path goes on into a
 * distribution's parameters (whose unit is the key's only for the time-like ones). */
static const field *path_field(const char *path, bool *param, const char **rest)
{
    const record *r = &schema_scenario;
    const char *p = path;
    *param = false;
    while (r && *p) {
        size_t len = strcspn(p, ".");
        const field *f = schema_field(r, p, len);
        if (!f) return NULL;
        p += len + (p[len] == '.');
        switch (f->shape) {
        case SH_NAMED:
            p += strcspn(p, ".");
            if (*p == '.') p++;
            r = f->sub;
            break;
        case SH_RECORD: r = f->sub; break;
        case SH_TABLE: {
            const field *e = f->arg ? ((const table_spec *)f->arg)->elem : NULL;
            p += strcspn(p, ".");
            if (*p == '.') p++;
            if (!e) return *p ? NULL : f;
            *param = *p != '\0';
            *rest = p;
            return e;
        }
        case SH_VARIANT:
            *param = *p != '\0';
            *rest = p;
            return f;
        default: return *p ? NULL : f;
        }
    }
    return NULL;
}

static bool time_like_param(const char *rest)
{
    const char *last = strrchr(rest, '.');
    last = last ? last + 1 : rest;
    /* the parameters bind_dist.c gives the key's unit (shape and weight have none) */
    static const char *const timed[] = {"mean", "sd", "mode", "value", "scale", "low", "high"};
    for (size_t i = 0; i < sizeof timed / sizeof timed[0]; i++)
        if (!strcmp(last, timed[i])) return true;
    return false;
}

const char *af_design_path_unit(const char *path)
{
    bool param;
    const char *rest = "";
    const field *f = path ? path_field(path, &param, &rest) : NULL;
    if (!f || !f->unit) return "";
    if (param && !time_like_param(rest)) return "";
    return f->unit;
}

double af_design_path_number(const char *path, const char *text)
{
    if (!text) return NAN;
    size_t len = strlen(text);
    double v;
    if (units_number(text, len, &v)) return v; /* a bare number is in the documented unit */
    bool param;
    const char *rest = "";
    const field *f = path ? path_field(path, &param, &rest) : NULL;
    if (!f || !f->unit || (param && !time_like_param(rest))) return NAN;
    schema_key k;
    schema_describe(f, &k);
    unit_kind kind = k.type == ST_QUANTITY ? (unit_kind)k.quantity : UNIT_DURATION;
    double to_doc = units_factor(kind, f->unit);
    char msg[200];
    if (!(to_doc > 0) || !units_quantity(text, len, kind, f->unit, &v, msg, sizeof msg))
        return NAN;
    return v / to_doc;
}
