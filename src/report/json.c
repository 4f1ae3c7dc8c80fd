/* Strict JSON reader. See json.h. */
#include "report/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "report/csv.h" /* rp_parse_number */

enum { MAX_DEPTH = 64, MAX_FILE = 256 * 1024 * 1024 };

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
    const char *name;
    af_error *err;
    af_status status;
} parser;

static af_status fail(parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static af_status fail(parser *p, const char *fmt, ...)
{
    if (p->status != AF_OK) return p->status;
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int col = (int)(p->pos - p->line_start) + 1;
    af_error_set(p->err, AF_PARSE, "%s:%d:%d: %s", p->name, p->line, col, msg);
    rp_error_place(p->err, p->name, p->line, col);
    p->status = AF_PARSE;
    return AF_PARSE;
}

static af_status nomem(parser *p)
{
    if (p->status != AF_OK) return p->status;
    p->status = af_error_set(p->err, AF_NOMEM, "out of memory reading %s", p->name);
    return p->status;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
            p->line_start = p->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
        p->pos++;
    }
}

static void value_free(rp_json *v)
{
    free(v->string);
    for (size_t i = 0; i < v->n; i++) {
        value_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

void rp_json_free(rp_json *v)
{
    if (!v) return;
    value_free(v);
    free(v);
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string at p->pos (on the opening quote) into a new NUL-terminated copy. */
static af_status parse_string(parser *p, char **out)
{
    *out = NULL;
    size_t start = ++p->pos;
    /* The decoded text is never longer than the source text. */
    size_t end = start;
    while (end < p->len && p->s[end] != '"') end += (p->s[end] == '\\') ? 2 : 1;
    if (end >= p->len) {
        p->pos = start - 1;
        return fail(p, "string not closed before end of file");
    }
    char *o = malloc(end - start + 1);
    if (!o) return nomem(p);
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) {
            free(o);
            return fail(p, "control character in a string (write it as \\u%04x)", c);
        }
        if (c != '\\') {
            o[n++] = (char)c;
            p->pos++;
            continue;
        }
        char e = p->s[p->pos + 1];
        p->pos += 2;
        switch (e) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            int cp = p->pos + 4 <= p->len ? hex4(p->s + p->pos) : -1;
            if (cp < 0) {
                free(o);
                return fail(p, "\\u must be followed by four hex digits");
            }
            p->pos += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int lo = (p->pos + 6 <= p->len && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u')
                             ? hex4(p->s + p->pos + 2)
                             : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    free(o);
                    return fail(p, "unpaired UTF-16 surrogate in \\u escape");
                }
                p->pos += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                free(o);
                return fail(p, "unpaired UTF-16 surrogate in \\u escape");
            } else if (cp == 0) {
                free(o);
                return fail(p, "\\u0000 is not allowed in a string");
            }
            /* 6 or 12 source bytes become at most 4: it still fits. */
            n += put_utf8(o + n, (unsigned)cp);
            break;
        }
        default:
            p->pos -= 2;
            free(o);
            return fail(p, "unknown escape '\\%c' in a string", e);
        }
    }
    if (p->pos > end) { /* an escape ran over the closing quote: "\" */
        free(o);
        return fail(p, "string not closed before end of file");
    }
    o[n] = '\0';
    p->pos = end + 1;
    *out = o;
    return AF_OK;
}

static af_status parse_value(parser *p, rp_json *v, int depth);

static af_status parse_container(parser *p, rp_json *v, int depth, bool object)
{
    char close = object ? '}' : ']';
    size_t cap = 0;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return AF_OK;
    }
    for (;;) {
        if (v->n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            rp_json *items = realloc(v->items, nc * sizeof *items);
            if (!items) return nomem(p);
            v->items = items;
            if (object) {
                char **keys = realloc(v->keys, nc * sizeof *keys);
                if (!keys) return nomem(p);
                v->keys = keys;
            }
            cap = nc;
        }
        if (object) {
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return fail(p, p->pos < p->len && p->s[p->pos] == '}' ? "trailing comma in an object"
                                                                      : "expected a member name in double quotes");
            char *key;
            size_t key_pos = p->pos;
            if (parse_string(p, &key) != AF_OK) return p->status;
            for (size_t i = 0; i < v->n; i++)
                if (!strcmp(v->keys[i], key)) {
                    p->pos = key_pos;
                    fail(p, "duplicate key \"%.80s\"", key);
                    free(key);
                    return p->status;
                }
            v->keys[v->n] = key;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                memset(&v->items[v->n], 0, sizeof v->items[v->n]);
                v->n++;
                return fail(p, "expected ':' after a member name");
            }
            p->pos++;
        }
        memset(&v->items[v->n], 0, sizeof v->items[v->n]);
        v->n++;
        skip_ws(p);
        if (!object && p->pos < p->len && p->s[p->pos] == ']')
            return fail(p, "trailing comma in an array");
        if (parse_value(p, &v->items[v->n - 1], depth + 1) != AF_OK) return p->status;
        skip_ws(p);
        if (p->pos >= p->len) return fail(p, "%s not closed before end of file", object ? "object" : "array");
        char c = p->s[p->pos];
        if (c == ',') {
            p->pos++;
            continue;
        }
        if (c == close) {
            p->pos++;
            return AF_OK;
        }
        return fail(p, "expected ',' or '%c'", close);
    }
}

static af_status parse_value(parser *p, rp_json *v, int depth)
{
    skip_ws(p);
    v->line = p->line;
    if (p->pos >= p->len) return fail(p, "expected a value, found end of file");
    if (depth > MAX_DEPTH) return fail(p, "nested deeper than %d levels", MAX_DEPTH);
    char c = p->s[p->pos];
    switch (c) {
    case '{': v->type = RP_JSON_OBJECT; return parse_container(p, v, depth, true);
    case '[': v->type = RP_JSON_ARRAY; return parse_container(p, v, depth, false);
    case '"': v->type = RP_JSON_STRING; return parse_string(p, &v->string);
    default: break;
    }
    static const struct { const char *word; rp_json_type type; bool b; } words[] = {
        {"null", RP_JSON_NULL, false}, {"true", RP_JSON_BOOL, true}, {"false", RP_JSON_BOOL, false}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if (p->len - p->pos >= n && !memcmp(p->s + p->pos, words[i].word, n)) {
            v->type = words[i].type;
            v->boolean = words[i].b;
            p->pos += n;
            return AF_OK;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        size_t end = p->pos;
        while (end < p->len && p->s[end] && strchr("+-.eE0123456789", p->s[end])) end++;
        double d;
        if (!rp_parse_number(p->s + p->pos, end - p->pos, &d)) return fail(p, "malformed number");
        /* JSON forbids leading zeros ("01"). */
        size_t d0 = p->pos + (c == '-');
        if (p->s[d0] == '0' && d0 + 1 < end && p->s[d0 + 1] >= '0' && p->s[d0 + 1] <= '9')
            return fail(p, "malformed number (leading zero)");
        v->type = RP_JSON_NUMBER;
        v->number = d;
        p->pos = end;
        return AF_OK;
    }
    if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7F)
        return fail(p, "unexpected character '%c'", c);
    return fail(p, "unexpected byte 0x%02x", (unsigned char)c);
}

af_status rp_json_parse(rp_json **out, const char *text, size_t len, const char *name, af_error *err)
{
    *out = NULL;
    parser p = {.s = text, .len = len, .line = 1, .name = name, .err = err, .status = AF_OK};
    rp_json *v = calloc(1, sizeof *v);
    if (!v) return nomem(&p);
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) p.pos = p.line_start = 3;
    if (memchr(text, '\0', len)) {
        p.pos = (size_t)((const char *)memchr(text, '\0', len) - text);
        /* Count lines up to the NUL for the message. */
        for (size_t i = 0; i < p.pos; i++)
            if (text[i] == '\n') {
                p.line++;
                p.line_start = i + 1;
            }
        fail(&p, "NUL byte in the text");
    } else if (parse_value(&p, v, 0) == AF_OK) {
        skip_ws(&p);
        if (p.pos < p.len) fail(&p, "text after the end of the JSON value");
    }
    if (p.status != AF_OK) {
        rp_json_free(v);
        return p.status;
    }
    *out = v;
    return AF_OK;
}

af_status rp_json_load(rp_json **out, const char *path, const char *name, af_error *err)
{
    *out = NULL;
    if (!name) name = path;
    FILE *f = fopen(path, "rb");
    if (!f) return af_error_set(err, AF_IO, "cannot open %s: %s", name, strerror(errno));
    char *buf;
    size_t len;
    int e;
    af_status st = af_read_stream(f, MAX_FILE - 1, &buf, &len, &e);
    fclose(f);
    if (st == AF_LIMIT) st = af_error_set(err, AF_PARSE, "%s: larger than %d MB", name, MAX_FILE >> 20);
    else if (st == AF_IO) st = af_error_set(err, AF_IO, "cannot read %s: %s", name, strerror(e));
    else if (st != AF_OK) st = af_error_set(err, AF_NOMEM, "out of memory reading %s", name);
    if (st == AF_OK) st = rp_json_parse(out, buf, len, name, err);
    free(buf);
    return st;
}

const rp_json *rp_json_get(const rp_json *v, const char *key)
{
    if (!v || v->type != RP_JSON_OBJECT) return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->keys[i], key)) return &v->items[i];
    return NULL;
}

const char *rp_json_str(const rp_json *v, const char *key)
{
    const rp_json *m = rp_json_get(v, key);
    return m && m->type == RP_JSON_STRING ? m->string : NULL;
}

double rp_json_num(const rp_json *v, const char *key)
{
    const rp_json *m = rp_json_get(v, key);
    return m && m->type == RP_JSON_NUMBER ? m->number : NAN;
}
