/* aidflow schema — the scenario language described from its own tables (src/scenario/schema.c),
 * so that what editors, shells and manuals are told cannot drift from what the loader accepts:
 *
 *   aidflow schema                  a JSON Schema (draft-07) of scenario files, for editors
 *                                   (yaml-language-server); scenarios/aidflow.schema.json
 *   aidflow schema --keys           every key of every mapping, one a line, tab-separated:
 *                                   mapping, key, type, unit, default, range (the man page);
 *                                   keys shared with a base mapping are listed under it
 *   aidflow schema --paths FILE     the --set/--vary paths of one scenario, one a line, with
 *                                   its item names (bash completion)
 *
 * The JSON Schema is written by schema_json.c; --keys and --paths are here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "cli/commands.h"
#include "cli/schema_json.h"
#include "scenario/arena.h"
#include "scenario/assumptions.h"
#include "scenario/schema.h"
#include "scenario/units.h"
#include "scenario/yaml_tree.h"

static void schema_usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow schema [--keys | --paths FILE [--set PATH=VALUE]...]\n"
            "  Describes the scenario language from the tables the loader uses.\n"
            "  (no option)   a JSON Schema (draft-07) of scenario files for editors, e.g.\n"
            "                # yaml-language-server: $schema=aidflow.schema.json\n"
            "  --keys        every key: mapping, key, type, unit, default, range (tab-separated)\n"
            "  --paths FILE  the paths --set and --vary accept in FILE, one a line\n"
            "  --set PATH=VALUE  with --paths: overrides applied first\n");
}

/* ---- --keys ------------------------------------------------------------------------------- */

static const char *resolved_unit(const schema_key *k)
{
    if (k->type == ST_DAYS) return " d";
    if (k->type != ST_QUANTITY) return "";
    switch (k->quantity) {
    case UNIT_DURATION: return " min";
    case UNIT_RATE: return " /d";
    case UNIT_MASS: return " t";
    case UNIT_MASS_RATE: return " t/d";
    default: return "";
    }
}

static void range_text(const schema_key *k, char *buf, size_t size)
{
    buf[0] = '\0';
    if (k->type != ST_INT && k->type != ST_QUANTITY && k->type != ST_DAYS) return;
    if (k->lo == 0 && k->hi == 0) {
        snprintf(buf, size, "0 or more");
        return;
    }
    snprintf(buf, size, "%s%.10g to %.10g%s", k->lo_open ? "above " : "", k->lo, k->hi,
             resolved_unit(k));
}

typedef struct keys_ctx {
    const record *r;
} keys_ctx;

static void visit_key(const schema_key *k, void *ctx)
{
    const keys_ctx *c = ctx;
    char range[96];
    range_text(k, range, sizeof range);
    if (k->type == ST_CAT_TABLE) {
        schema_key e;
        schema_describe(k->elem, &e);
        range_text(&e, range, sizeof range);
        printf("%s\t%s\t%s\t%s\t%s\t%s\n", c->r->name, k->key, k->doc, e.unit ? e.unit : "",
               k->dflt, range);
        return;
    }
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", c->r->name, k->key, k->doc, k->unit ? k->unit : "",
           k->dflt, range);
}

static int print_keys(void)
{
    /* each mapping's own keys: those it shares with a base (the station keys of crossings
     * and inspection sites) are listed under the base */
    for (const record *const *r = schema_records; *r; r++) {
        keys_ctx c = {*r};
        for (size_t i = 0; i < (*r)->n_fields; i++) {
            schema_key k;
            schema_describe(&(*r)->fields[i], &k);
            visit_key(&k, &c);
        }
    }
    return AF_EXIT_OK;
}

/* ---- --paths ------------------------------------------------------------------------------ */

/* Every key below a node that is not one of the language's mappings (a distribution): the
 * path follows the keys written. */
static void paths_free_form(const yt_node *v, char *path, size_t at, size_t size)
{
    if (!v || v->kind != YT_MAP) return;
    for (size_t i = 0; i < v->n; i++) {
        int n = snprintf(path + at, size - at, ".%s", v->pairs[i].key->str);
        if (n < 0 || (size_t)n >= size - at) continue;
        puts(path);
        paths_free_form(v->pairs[i].value, path, at + (size_t)n, size);
    }
    path[at] = '\0';
}

static void paths_record(const yt_node *map, const record *r, char *path, size_t at,
                         size_t size);

static void paths_value(const yt_node *v, const field *f, char *path, size_t at, size_t size)
{
    schema_key k;
    schema_describe(f, &k);
    puts(path);
    switch (k.type) {
    case ST_RECORD: paths_record(v, k.sub, path, at, size); break;
    case ST_NAMED_LIST:
    case ST_RECORD_LIST:
        if (!v || v->kind != YT_SEQ) break;
        for (size_t i = 0; i < v->n; i++) {
            char id[96];
            if (k.type == ST_NAMED_LIST) {
                if (!schema_item_key(k.sub, v->items[i], id, sizeof id)) continue;
            } else {
                snprintf(id, sizeof id, "%zu", i);
            }
            int n = snprintf(path + at, size - at, ".%s", id);
            if (n < 0 || (size_t)n >= size - at) continue;
            puts(path);
            paths_record(v->items[i], k.sub, path, at + (size_t)n, size);
        }
        break;
    case ST_CAT_TABLE:
    case ST_DIST: paths_free_form(v, path, at, size); break;
    default: break;
    }
    path[at] = '\0';
}

static void paths_record(const yt_node *map, const record *r, char *path, size_t at,
                         size_t size)
{
    if (!map || map->kind != YT_MAP) return;
    for (size_t i = 0; i < map->n; i++) {
        const yt_node *kn = map->pairs[i].key;
        const field *f = schema_field(r, kn->str, kn->len);
        if (!f) continue;
        int n = snprintf(path + at, size - at, "%s%s", at ? "." : "", kn->str);
        if (n < 0 || (size_t)n >= size - at) continue;
        paths_value(map->pairs[i].value, f, path, at + (size_t)n, size);
    }
    path[at] = '\0';
}

static int print_paths(const char *file, const char *const *sets, size_t n_sets)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    af_status st = d ? af_scenario_load(file, sets, n_sets, &s, d) : AF_NOMEM;
    af_diagnostics_print(d, stderr);
    af_diagnostics_destroy(d);
    if (st != AF_OK) return st == AF_NOMEM ? AF_EXIT_FAIL : AF_EXIT_USAGE;
    size_t len = 0;
    char *yaml = scenario_plain_yaml(s, &len); /* the --set paths of values, marks left out */
    af_scenario_free(s);
    if (!yaml) {
        fprintf(stderr, "aidflow schema: out of memory\n");
        return AF_EXIT_FAIL;
    }
    arena mem;
    arena_init(&mem);
    scn_report quiet = {NULL, NULL, 0, false, false};
    yt_node *root = yt_parse(&mem, &quiet, 0, yaml, len, 0);
    int status = AF_EXIT_OK;
    if (!root) {
        fprintf(stderr, "aidflow schema: internal error: the resolved scenario does not parse\n");
        status = AF_EXIT_FAIL;
    } else {
        char path[1024] = "";
        paths_record(root, &schema_scenario, path, 0, sizeof path);
    }
    arena_free(&mem);
    free(yaml);
    return status;
}

int af_cmd_schema(int argc, char **argv)
{
    const char **sets = calloc((size_t)argc, sizeof *sets);
    if (!sets) {
        fprintf(stderr, "aidflow schema: out of memory\n");
        return AF_EXIT_FAIL;
    }
    size_t n_sets = 0;
    const char *paths_of = NULL;
    bool keys = false, paths = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            schema_usage(stdout);
            free(sets);
            return AF_EXIT_OK;
        } else if (!strcmp(a, "--keys")) {
            keys = true;
        } else if (!strcmp(a, "--paths") && i + 1 < argc) {
            paths = true;
            paths_of = argv[++i];
        } else if (!strcmp(a, "--set") && i + 1 < argc) {
            sets[n_sets++] = argv[++i];
        } else if (!strncmp(a, "--set=", 6)) {
            sets[n_sets++] = a + 6;
        } else {
            fprintf(stderr, "aidflow schema: unexpected argument '%s'\n", a);
            schema_usage(stderr);
            free(sets);
            return AF_EXIT_USAGE;
        }
    }
    int status;
    if ((keys && paths) || (n_sets && !paths)) {
        schema_usage(stderr);
        status = AF_EXIT_USAGE;
    } else if (keys) {
        status = print_keys();
    } else if (paths) {
        status = print_paths(paths_of, sets, n_sets);
    } else {
        status = af_schema_print_json(stdout);
    }
    free(sets);
    return status;
}
