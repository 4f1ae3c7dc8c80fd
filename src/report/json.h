/* A small strict JSON reader (RFC 8259) for summary.json and the experiments' JSON files.
 *
 * The whole text becomes a tree of rp_json values; object members keep their order. Errors
 * say "FILE:LINE:COL: what". Nesting deeper than 64 levels is refused (no stack overflow on
 * hostile input), as are duplicate keys, trailing commas, comments and anything after the
 * top-level value.
 */
#ifndef AF_REPORT_JSON_H
#define AF_REPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"

typedef enum rp_json_type {
    RP_JSON_NULL,
    RP_JSON_BOOL,
    RP_JSON_NUMBER,
    RP_JSON_STRING,
    RP_JSON_ARRAY,
    RP_JSON_OBJECT,
} rp_json_type;

typedef struct rp_json rp_json;
struct rp_json {
    rp_json_type type;
    int line;          /* where the value starts */
    bool boolean;
    double number;
    char *string;      /* NUL-terminated UTF-8 (a \u0000 escape is refused) */
    size_t n;          /* items (array) or members (object) */
    rp_json *items;    /* [n] */
    char **keys;       /* [n], objects only */
};

/* Parses `len` bytes of `text`; `name` is used in errors. *out is freed with rp_json_free. */
af_status rp_json_parse(rp_json **out, const char *text, size_t len, const char *name,
                        af_error *err);
/* Reads and parses a file. AF_IO if it cannot be read. */
af_status rp_json_load(rp_json **out, const char *path, const char *name, af_error *err);
void rp_json_free(rp_json *v);

/* The member `key` of an object, or NULL (also when v is NULL or not an object). */
const rp_json *rp_json_get(const rp_json *v, const char *key);
/* The member's string, or NULL if absent or not a string. */
const char *rp_json_str(const rp_json *v, const char *key);
/* The member's number, or NaN if absent or not a number (null included). */
double rp_json_num(const rp_json *v, const char *key);

#endif
