/* The JSON Schema (draft-07) of the scenario language, written from the loader's tables
 * (schema_walk, src/scenario/schema.h) for editors that validate and complete YAML
 * (yaml-language-server): `aidflow schema`, and the copy scenarios/aidflow.schema.json.
 *
 * What it checks is what can be checked without binding: keys (unknown keys are refused, as
 * the loader refuses them), types, units as patterns ("40 min"), enums, ranges of bare
 * numbers, required keys, defaults offered to editors. References between items (a route
 * naming a hub that exists) are left to `aidflow validate`. A file with `extends:` holds
 * only what differs from its base, so it is checked against the same mappings with nothing
 * required, and its named items may carry `remove: true`.
 */
#include "cli/schema_json.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "scenario/schema.h"
#include "scenario/units.h"

/* ---- a growing text buffer ---------------------------------------------------------------- */

typedef struct text {
    char *s;
    size_t len, cap;
    bool nomem;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    if (t->nomem) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->nomem = true;
            return;
        }
        if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
        char *p = realloc(t->s, cap);
        if (!p) {
            t->nomem = true;
            return;
        }
        t->s = p;
        t->cap = cap;
    }
}

/* JSON, written compact: sep() puts the comma an element or a key needs. Keys come from the
 * tables (letters, digits, '_', '$'); values are escaped by jstring. */
static void sep(text *t)
{
    if (t->len && t->s[t->len - 1] != '{' && t->s[t->len - 1] != '[' && t->s[t->len - 1] != ':')
        put(t, ",");
}
static void key(text *t, const char *k)
{
    sep(t);
    put(t, "\"%s\":", k);
}
/* A JSON string: quotes, backslashes and control characters escaped. */
static void jstring(text *t, const char *v)
{
    put(t, "\"");
    for (const char *p = v; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') put(t, "\\%c", c);
        else if (c < 0x20) put(t, "\\u%04x", c);
        else put(t, "%c", c);
    }
    put(t, "\"");
}
static void kstr(text *t, const char *k, const char *v)
{
    key(t, k);
    jstring(t, v);
}
static void knum(text *t, const char *k, double v)
{
    key(t, k);
    put(t, "%.10g", v);
}
static void open_obj(text *t, const char *k)
{
    if (k) key(t, k);
    else sep(t);
    put(t, "{");
}
static void close_obj(text *t) { put(t, "}"); }
static void open_arr(text *t, const char *k)
{
    if (k) key(t, k);
    else sep(t);
    put(t, "[");
}
static void close_arr(text *t) { put(t, "]"); }
static void astr(text *t, const char *v)
{
    sep(t);
    jstring(t, v);
}
static void kref(text *t, const char *def)
{
    key(t, "$ref");
    put(t, "\"#/definitions/%s\"", def);
}
static void kfalse(text *t, const char *k)
{
    key(t, k);
    put(t, "false");
}
static void ref(text *t, const char *def)
{
    open_obj(t, NULL);
    kref(t, def);
    close_obj(t);
}

/* Re-indents compact JSON with two spaces; arrays holding no array or object stay on one
 * line. */
static void pretty(const text *in, FILE *out)
{
    int depth = 0;
    bool inline_arr = false;
    for (size_t i = 0; i < in->len; i++) {
        char c = in->s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < in->len && in->s[j] != '"') j += in->s[j] == '\\' ? 2 : 1;
            fwrite(in->s + i, 1, j - i + 1, out);
            i = j;
        } else if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            if (i + 1 < in->len && in->s[i + 1] == close) {
                fprintf(out, "%c%c", c, close);
                i++;
                continue;
            }
            if (c == '[') {
                /* inline when no nested container before the matching ']' */
                bool nested = false;
                bool str = false;
                for (size_t j = i + 1; j < in->len; j++) {
                    char d = in->s[j];
                    if (str) {
                        if (d == '\\') j++;
                        else if (d == '"') str = false;
                    } else if (d == '"') str = true;
                    else if (d == '{' || d == '[') {
                        nested = true;
                        break;
                    } else if (d == ']') break;
                }
                if (!nested) {
                    inline_arr = true;
                    fputc('[', out);
                    continue;
                }
            }
            depth++;
            fprintf(out, "%c\n%*s", c, 2 * depth, "");
        } else if (c == '}' || c == ']') {
            if (inline_arr && c == ']') {
                inline_arr = false;
                fputc(']', out);
                continue;
            }
            depth--;
            fprintf(out, "\n%*s%c", 2 * depth, "", c);
        } else if (c == ',') {
            if (inline_arr) fputs(", ", out);
            else fprintf(out, ",\n%*s", 2 * depth, "");
        } else if (c == ':') {
            fputs(": ", out);
        } else {
            fputc(c, out);
        }
    }
    fputc('\n', out);
}

/* ---- the JSON Schema ---------------------------------------------------------------------- */

/* A decimal number as the loader reads it: '_' between digits, a fraction, an exponent. */
#define NUM "[+-]?[0-9](_?[0-9])*(\\.[0-9](_?[0-9])*)?([eE][+-]?[0-9]+)?"
#define SP "[ \\t]*"
#define DUR_UNITS "(min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|wk|week|weeks)"
#define PER_UNITS "(min|minute|h|hr|hour|d|day|wk|week)"
#define MASS_UNITS "(t|tonne|tonnes|kg)"
#define COUNTED "(truck|trucks|closure|closures|convoy|convoys)?"
#define WINDOW "^[0-9]{1,2}:[0-9]{2}" SP "-" SP "[0-9]{1,2}:[0-9]{2}$"
#define DATE "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#define DATETIME "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{1,2}:[0-9]{2})?$"
#define NAME "^[A-Za-z][A-Za-z0-9_]{0,63}$"
#define WEEKDAYS "^[a-z]+(" SP "-" SP "[a-z]+)?(" SP "," SP "[a-z]+(" SP "-" SP "[a-z]+)?)*$"

/* The pattern of a quantity of kind k written with its unit. */
static const char *unit_pattern(int k)
{
    switch (k) {
    case UNIT_DURATION: return "^" SP NUM SP DUR_UNITS SP "$";
    case UNIT_RATE: return "^" SP NUM SP COUNTED SP "/" SP PER_UNITS SP "$";
    case UNIT_MASS: return "^" SP NUM SP MASS_UNITS SP "$";
    case UNIT_MASS_RATE: return "^" SP NUM SP MASS_UNITS SP "/" SP PER_UNITS SP "$";
    case UNIT_FRACTION: return "^" SP NUM SP "%" SP "$";
    default: return "^" SP NUM SP "$";
    }
}

/* A bare number (also as text: YAML 1.2 reads 2_300_000 as text) within [lo, hi] of the
 * resolved unit, converted to the key's default unit; hi 0: no upper bound. */
static void bare_number(text *t, const char *type, double lo, double hi, bool lo_open,
                        double factor)
{
    open_obj(t, NULL);
    kstr(t, "type", type);
    if (factor > 0) {
        knum(t, lo_open ? "exclusiveMinimum" : "minimum", lo / factor);
        if (hi > lo) knum(t, "maximum", hi / factor);
    }
    close_obj(t);
    open_obj(t, NULL);
    kstr(t, "type", "string");
    kstr(t, "pattern", "^" SP NUM SP "$");
    close_obj(t);
}

static void describe(text *t, const schema_key *k)
{
    char d[256];
    snprintf(d, sizeof d, "%s%s%s; default: %s", k->doc, k->unit ? ", bare numbers in " : "",
             k->unit ? k->unit : "", k->dflt);
    kstr(t, "description", d);
}

static void value_schema(text *t, const schema_key *k, bool partial);

static void quantity(text *t, int kind, const char *unit, double lo, double hi, bool lo_open)
{
    double factor = unit ? units_factor((unit_kind)kind, unit) : 1;
    open_arr(t, "anyOf");
    bare_number(t, "number", lo, hi, lo_open, factor);
    open_obj(t, NULL);
    kstr(t, "type", "string");
    kstr(t, "pattern", unit_pattern(kind));
    close_obj(t);
    ref(t, "assumed");
    close_arr(t);
}

/* A $ref beside other keywords (description, default): draft-07 ignores the siblings of a
 * $ref, so it goes in an allOf. */
static void kref_in(text *t, const char *def)
{
    open_arr(t, "allOf");
    ref(t, def);
    close_arr(t);
}


/* A quantity, or the word none where the key takes it. */
static void quantity_or_none(text *t, int kind, const char *unit, double lo, double hi,
                             bool lo_open, bool none_ok)
{
    if (!none_ok) {
        quantity(t, kind, unit, lo, hi, lo_open);
        return;
    }
    open_arr(t, "anyOf");
    open_obj(t, NULL);
    quantity(t, kind, unit, lo, hi, lo_open);
    close_obj(t);
    open_obj(t, NULL);
    put(t, "\"const\":\"none\"");
    close_obj(t);
    close_arr(t);
}
static void value_schema(text *t, const schema_key *k, bool partial)
{
    const char *suffix = partial ? ".partial" : "";
    char def[96];
    switch (k->type) {
    case ST_TEXT:
    case ST_FILE: kstr(t, "type", "string"); break;
    case ST_TEXT_LIST:
        kstr(t, "type", "array");
        open_obj(t, "items");
        kstr(t, "type", "string");
        close_obj(t);
        break;
    case ST_NAME:
    case ST_REF: kref_in(t, "name"); break;
    case ST_REF_LIST: /* one name may stand for a list of one */
        open_arr(t, "anyOf");
        ref(t, "name");
        open_obj(t, NULL);
        kstr(t, "type", "array");
        key(t, "items");
        ref(t, "name");
        close_obj(t);
        close_arr(t);
        break;
    case ST_CAT_LIST:
        open_arr(t, "anyOf");
        open_obj(t, NULL);
        put(t, "\"const\":\"all\"");
        close_obj(t);
        open_obj(t, NULL);
        kstr(t, "type", "array");
        key(t, "items");
        ref(t, "name");
        close_obj(t);
        close_arr(t);
        break;
    case ST_INT:
        open_arr(t, "anyOf");
        bare_number(t, "integer", k->lo, k->hi, k->lo_open, 1);
        ref(t, "assumed");
        if (k->none_ok) {
            open_obj(t, NULL);
            put(t, "\"const\":\"none\"");
            close_obj(t);
        }
        close_arr(t);
        break;
    case ST_QUANTITY:
        quantity_or_none(t, k->quantity, k->unit, k->lo, k->hi, k->lo_open, k->none_ok);
        break;
    case ST_DAYS:
        quantity_or_none(t, UNIT_DURATION, "d", k->lo * 1440, k->hi * 1440, false, k->none_ok);
        break;
    case ST_DATE:
        kstr(t, "type", "string");
        kstr(t, "pattern", DATE);
        break;
    case ST_INSTANT:
        kstr(t, "type", "string");
        kstr(t, "pattern", DATETIME);
        break;
    case ST_ASSIGNMENTS:
        kstr(t, "type", "object");
        kstr(t, "description", "--set paths (crossings.NAME.lanes) to their values from this date");
        knum(t, "minProperties", 1);
        break;
    case ST_ENUM:
        open_arr(t, "enum");
        for (size_t i = 0; i < k->n_enum; i++) astr(t, k->enum_names[i]);
        close_arr(t);
        break;
    case ST_DIST: kref_in(t, "distribution"); break;
    case ST_HOURS: kref_in(t, "hours"); break;
    case ST_CLOSURES: kref_in(t, "closures"); break;
    case ST_DISPATCH:
        open_arr(t, "anyOf");
        open_obj(t, NULL);
        put(t, "\"const\":\"poisson\"");
        close_obj(t);
        open_obj(t, NULL);
        kstr(t, "type", "string");
        kstr(t, "pattern", WINDOW);
        close_obj(t);
        close_arr(t);
        break;
    case ST_RECORD:
        snprintf(def, sizeof def, "%s%s", k->sub->name, suffix);
        kref_in(t, def);
        break;
    case ST_NAMED_LIST:
    case ST_RECORD_LIST:
        kstr(t, "type", "array");
        if (k->nonempty && !partial) knum(t, "minItems", 1);
        snprintf(def, sizeof def, "%s%s", k->sub->name,
                 k->type == ST_NAMED_LIST && partial ? ".item" : suffix);
        key(t, "items");
        ref(t, def);
        break;
    case ST_CAT_TABLE: {
        schema_key e;
        schema_describe(k->elem, &e);
        kstr(t, "type", "object");
        key(t, "propertyNames");
        ref(t, "name");
        open_obj(t, "additionalProperties");
        value_schema(t, &e, partial);
        close_obj(t);
        break;
    }
    }
}

typedef struct rec_ctx {
    text *t;
    bool partial;
    int pass; /* 0: required keys, 1: properties */
    size_t n;
} rec_ctx;

static void visit_required(const schema_key *k, void *ctx)
{
    rec_ctx *c = ctx;
    if (!k->required) return;
    if (!c->n++) open_arr(c->t, "required");
    astr(c->t, k->key);
}

/* The default as a JSON value, for editors that offer it: a number, [] or {} as written, ""
 * as written, any other word as a string. */
static void json_default(text *t, const char *y)
{
    char *end;
    size_t len = strlen(y);
    (void)strtod(y, &end);
    key(t, "default");
    if ((len && *end == '\0' && strspn(y, "0123456789.-+eE") == len) || !strcmp(y, "[]") ||
        !strcmp(y, "{}") || !strcmp(y, "\"\""))
        put(t, "%s", y);
    else
        jstring(t, y);
}

static void visit_property(const schema_key *k, void *ctx)
{
    rec_ctx *c = ctx;
    open_obj(c->t, k->key);
    describe(c->t, k);
    if (k->yaml_default) json_default(c->t, k->yaml_default);
    value_schema(c->t, k, c->partial);
    close_obj(c->t);
}

/* The mapping of record r. partial: nothing required (a file with extends); item: also the
 * `remove: true` of an item of a named list in such a file. */
static void record_schema(text *t, const record *r, bool partial, bool item)
{
    char def[96];
    snprintf(def, sizeof def, "%s%s", r->name, item ? ".item" : partial ? ".partial" : "");
    open_obj(t, def);
    kstr(t, "description", r->what);
    kstr(t, "type", "object");
    kfalse(t, "additionalProperties");
    rec_ctx c = {t, partial, 0, 0};
    if (!partial) {
        schema_walk(r, visit_required, &c);
        if (c.n) close_arr(t);
    }
    open_obj(t, "properties");
    schema_walk(r, visit_property, &c);
    if (item) {
        open_obj(t, "remove");
        kstr(t, "description", "true deletes the base's item of this name");
        kstr(t, "type", "boolean");
        close_obj(t);
    }
    close_obj(t);
    close_obj(t);
}

/* A parameter of a distribution: a number, or a duration with its unit; a named parameter
 * may be marked as an assumption, an empirical row's entries may not. */
static void param_schema(text *t, bool markable)
{
    open_obj(t, NULL);
    open_arr(t, "anyOf");
    open_obj(t, NULL);
    kstr(t, "type", "number");
    close_obj(t);
    open_obj(t, NULL);
    kstr(t, "type", "string");
    kstr(t, "pattern", "^" SP NUM SP DUR_UNITS "?" SP "$");
    close_obj(t);
    if (markable) ref(t, "assumed");
    close_arr(t);
    close_obj(t);
}
static void dist_param(text *t) { param_schema(t, true); }

/* {value: V, assumption: [LO, HI], source:, prior:}: a number marked as an assumption. */
static void assumed_definition(text *t)
{
    open_obj(t, "assumed");
    kstr(t, "description", "a value marked as an assumption with its plausible range, "
                           "such as {value: 40 min, assumption: [30 min, 60 min]}");
    kstr(t, "type", "object");
    kfalse(t, "additionalProperties");
    open_arr(t, "required");
    astr(t, "value");
    astr(t, "assumption");
    close_arr(t);
    open_obj(t, "properties");
    open_obj(t, "value");
    open_arr(t, "type");
    astr(t, "number");
    astr(t, "string");
    close_arr(t);
    close_obj(t);
    open_obj(t, "assumption");
    kstr(t, "type", "array");
    knum(t, "minItems", 2);
    knum(t, "maxItems", 2);
    open_obj(t, "items");
    open_arr(t, "type");
    astr(t, "number");
    astr(t, "string");
    close_arr(t);
    close_obj(t);
    close_obj(t);
    open_obj(t, "source");
    kstr(t, "type", "string");
    close_obj(t);
    open_obj(t, "prior");
    open_arr(t, "enum");
    astr(t, "uniform");
    astr(t, "triangular");
    astr(t, "log-uniform");
    close_arr(t);
    close_obj(t);
    close_obj(t);
    close_obj(t);
}

/* {form: [p1, p2]} or {form: {name1: p1, name2: p2}} (or {form: p} for one parameter). */
static void dist_form(text *t, const char *form, const char *const *params, size_t n)
{
    open_obj(t, NULL);
    kstr(t, "type", "object");
    kfalse(t, "additionalProperties");
    open_arr(t, "required");
    astr(t, form);
    close_arr(t);
    open_obj(t, "properties");
    open_obj(t, form);
    open_arr(t, "anyOf");
    if (n == 1) dist_param(t);
    open_obj(t, NULL);
    kstr(t, "type", "array");
    knum(t, "minItems", (double)n);
    knum(t, "maxItems", (double)n);
    key(t, "items");
    dist_param(t);
    close_obj(t);
    open_obj(t, NULL);
    kstr(t, "type", "object");
    kfalse(t, "additionalProperties");
    open_arr(t, "required");
    for (size_t i = 0; i < n; i++) astr(t, params[i]);
    close_arr(t);
    open_obj(t, "properties");
    for (size_t i = 0; i < n; i++) {
        key(t, params[i]);
        dist_param(t);
    }
    close_obj(t);
    close_obj(t);
    close_arr(t);
    close_obj(t);
    close_obj(t);
    close_obj(t);
}


/* The two things one day's hours can be, as alternatives of an anyOf: "open" or "closed", or
 * a window (a definition of the schema). */
static void open_closed_or_window(text *t)
{
    open_obj(t, NULL);
    open_arr(t, "enum");
    astr(t, "open");
    astr(t, "closed");
    close_arr(t);
    close_obj(t);
    ref(t, "window");
}
static void definitions_common(text *t)
{
    assumed_definition(t);
    open_obj(t, "name");
    kstr(t, "description", "a letter, then letters, digits and '_', at most 64 characters");
    kstr(t, "type", "string");
    kstr(t, "pattern", NAME);
    close_obj(t);

    static const char *const value[] = {"value"}, *const mean[] = {"mean"},
                             *const uniform[] = {"low", "high"},
                             *const tri[] = {"low", "mode", "high"},
                             *const logn[] = {"mean", "sd"},
                             *const shape_scale[] = {"shape", "scale"};
    open_obj(t, "distribution");
    kstr(t, "description", "a distribution: a constant duration, or one form mapping to its "
                           "parameters (see aidflow-scenario(5))");
    open_arr(t, "anyOf");
    dist_param(t);
    dist_form(t, "constant", value, 1);
    dist_form(t, "exponential", mean, 1);
    dist_form(t, "uniform", uniform, 2);
    dist_form(t, "triangular", tri, 3);
    dist_form(t, "lognormal", logn, 2);
    dist_form(t, "gamma", shape_scale, 2);
    dist_form(t, "weibull", shape_scale, 2);
    /* empirical: rows [value, weight] or {value, weight} */
    static const char *const row[] = {"value", "weight"};
    open_obj(t, NULL);
    kstr(t, "type", "object");
    kfalse(t, "additionalProperties");
    open_arr(t, "required");
    astr(t, "empirical");
    close_arr(t);
    open_obj(t, "properties");
    open_obj(t, "empirical");
    kstr(t, "type", "array");
    knum(t, "minItems", 1);
    open_obj(t, "items");
    open_arr(t, "anyOf");
    open_obj(t, NULL);
    kstr(t, "type", "array");
    knum(t, "minItems", 2);
    knum(t, "maxItems", 2);
    key(t, "items");
    param_schema(t, false);
    close_obj(t);
    open_obj(t, NULL);
    kstr(t, "type", "object");
    kfalse(t, "additionalProperties");
    open_arr(t, "required");
    astr(t, row[0]);
    astr(t, row[1]);
    close_arr(t);
    open_obj(t, "properties");
    key(t, row[0]);
    param_schema(t, false);
    key(t, row[1]);
    param_schema(t, false);
    close_obj(t);
    close_obj(t);
    close_arr(t);
    close_obj(t);
    close_obj(t);
    close_obj(t);
    close_obj(t);
    close_arr(t);
    close_obj(t);

    open_obj(t, "window");
    kstr(t, "type", "string");
    kstr(t, "pattern", WINDOW);
    close_obj(t);
    open_obj(t, "day_hours");
    open_arr(t, "anyOf");
    open_closed_or_window(t);
    open_obj(t, NULL);
    kstr(t, "type", "array");
    open_obj(t, "items");
    open_arr(t, "anyOf");
    open_closed_or_window(t);
    close_arr(t);
    close_obj(t);
    close_obj(t);
    close_arr(t);
    close_obj(t);
    open_obj(t, "hours");
    kstr(t, "description", "always, one window 'HH:MM-HH:MM' every day, or a mapping from "
                           "weekdays (mon, sun-thu, 'mon, wed') to windows, open or closed");
    open_arr(t, "anyOf");
    open_obj(t, NULL);
    open_arr(t, "enum");
    astr(t, "always");
    astr(t, "open");
    astr(t, "closed");
    close_arr(t);
    close_obj(t);
    ref(t, "window");
    open_obj(t, NULL);
    kstr(t, "type", "object");
    open_obj(t, "propertyNames");
    kstr(t, "pattern", WEEKDAYS);
    close_obj(t);
    key(t, "additionalProperties");
    ref(t, "day_hours");
    close_obj(t);
    close_arr(t);
    close_obj(t);

    open_obj(t, "date");
    kstr(t, "type", "string");
    kstr(t, "pattern", DATE);
    close_obj(t);
    open_obj(t, "datetime");
    kstr(t, "type", "string");
    kstr(t, "pattern", DATETIME);
    close_obj(t);
    open_obj(t, "closures");
    kstr(t, "description", "whole days (a date, or [first, last]) or {from, to} to the minute "
                           "(YYYY-MM-DD HH:MM); {from} alone: closed to the end");
    kstr(t, "type", "array");
    open_obj(t, "items");
    open_arr(t, "anyOf");
    ref(t, "date");
    open_obj(t, NULL);
    kstr(t, "type", "array");
    knum(t, "minItems", 2);
    knum(t, "maxItems", 2);
    key(t, "items");
    ref(t, "datetime");
    close_obj(t);
    open_obj(t, NULL);
    kstr(t, "type", "object");
    kfalse(t, "additionalProperties");
    open_arr(t, "required");
    astr(t, "from");
    close_arr(t);
    open_obj(t, "properties");
    key(t, "from");
    ref(t, "datetime");
    key(t, "to");
    ref(t, "datetime");
    close_obj(t);
    close_obj(t);
    close_arr(t);
    close_obj(t);
    close_obj(t);
}

static bool is_named_item(const record *r)
{
    /* the records of the top level's named lists */
    for (size_t i = 0; i < schema_scenario.n_fields; i++) {
        schema_key k;
        schema_describe(&schema_scenario.fields[i], &k);
        if (k.type == ST_NAMED_LIST && k.sub == r) return true;
    }
    return false;
}

int af_schema_print_json(FILE *out)
{
    text t = {0};
    open_obj(&t, NULL);
    kstr(&t, "$schema", "http://json-schema.org/draft-07/schema#");
    kstr(&t, "title", "aidflow scenario");
    kstr(&t, "description", "A scenario file of aidflow, generated by 'aidflow schema' from the "
                            "tables the loader uses. A file with extends: holds only what "
                            "differs from its base, so nothing is required in it.");
    open_obj(&t, "if");
    open_arr(&t, "required");
    astr(&t, "extends");
    close_arr(&t);
    close_obj(&t);
    key(&t, "then");
    ref(&t, "scenario.partial");
    key(&t, "else");
    ref(&t, "scenario");
    open_obj(&t, "definitions");
    definitions_common(&t);
    for (const record *const *r = schema_records; *r; r++) {
        record_schema(&t, *r, false, false);
        record_schema(&t, *r, true, false);
        if (is_named_item(*r)) record_schema(&t, *r, true, true);
    }
    close_obj(&t);
    close_obj(&t);
    if (t.nomem) {
        free(t.s);
        fprintf(stderr, "aidflow schema: out of memory\n");
        return AF_EXIT_FAIL;
    }
    pretty(&t, out);
    free(t.s);
    return AF_EXIT_OK;
}
