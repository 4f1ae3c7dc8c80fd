/* Reading the output of `aidflow run`. See run.h. */
#include "report/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/path.h"
#include "report/csv.h"

enum {
    MAX_NAMES = 100000,  /* regions, categories or stations: far more than any scenario has */
    MAX_DAY = 100000,    /* days of horizon: 270 years */
    MAX_REP = 100000000,
};

/* ---- names ---- */

static size_t name_hash(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * UINT64_C(0x100000001b3);
    return (size_t)h;
}

long rp_names_find(const rp_names *names, const char *s)
{
    if (names->last < names->n && !strcmp(names->v[names->last], s)) return (long)names->last;
    if (!names->n_slots) return -1;
    for (size_t h = name_hash(s) & (names->n_slots - 1);; h = (h + 1) & (names->n_slots - 1)) {
        size_t i = names->slot[h];
        if (!i) return -1;
        if (!strcmp(names->v[i - 1], s)) return (long)(i - 1);
    }
}

/* Keeps the table at most half full. */
static bool slots_fit(rp_names *names)
{
    if (2 * (names->n + 1) <= names->n_slots) return true;
    size_t n_slots = names->n_slots ? 2 * names->n_slots : 32;
    size_t *slot = calloc(n_slots, sizeof *slot);
    if (!slot) return false;
    for (size_t i = 0; i < names->n; i++) {
        size_t h = name_hash(names->v[i]) & (n_slots - 1);
        while (slot[h]) h = (h + 1) & (n_slots - 1);
        slot[h] = i + 1;
    }
    free(names->slot);
    names->slot = slot;
    names->n_slots = n_slots;
    return true;
}

long rp_names_intern(rp_names *names, const char *s, size_t limit)
{
    long i = rp_names_find(names, s);
    if (i >= 0) {
        names->last = (size_t)i;
        return i;
    }
    if (names->n >= limit) return -1;
    if (names->n == names->cap) {
        size_t cap = names->cap ? names->cap * 2 : 16;
        char **v = realloc(names->v, cap * sizeof *v);
        if (!v) return -1;
        names->v = v;
        names->cap = cap;
    }
    if (!slots_fit(names)) return -1;
    char *copy = strdup(s);
    if (!copy) return -1;
    names->v[names->n] = copy;
    size_t h = name_hash(s) & (names->n_slots - 1);
    while (names->slot[h]) h = (h + 1) & (names->n_slots - 1);
    names->slot[h] = names->n + 1;
    names->last = names->n;
    return (long)names->n++;
}

void rp_names_free(rp_names *names)
{
    for (size_t i = 0; i < names->n; i++) free(names->v[i]);
    free(names->v);
    free(names->slot);
    memset(names, 0, sizeof *names);
}

/* ---- paths ---- */

bool rp_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- summary.json ---- */

static af_status json_type_error(af_error *err, const char *file, const rp_json *v, const char *what,
                                 const char *expected)
{
    af_error_set(err, AF_PARSE, "%s:%d: %s must be %s", file, v->line, what, expected);
    rp_error_place(err, file, v->line, 0);
    return AF_PARSE;
}

/* Checks that obj[key], if present, has the type; stores it in *out (NULL if absent). */
static af_status member(const rp_json *obj, const char *key, rp_json_type type, const char *file,
                        const char *path, const rp_json **out, af_error *err)
{
    *out = NULL;
    const rp_json *m = rp_json_get(obj, key);
    if (!m) return AF_OK;
    static const char *const names[] = {"null", "true or false", "a number", "a string", "an array", "an object"};
    if (m->type != type) return json_type_error(err, file, m, path, names[type]);
    *out = m;
    return AF_OK;
}

/* summary.json's "network" and "events" (both optional: older files have neither). */
static af_status load_network(rp_run *run, const rp_json *root, const char *path, af_error *err)
{
    const rp_json *net = NULL, *nodes = NULL, *legs = NULL, *events = NULL, *m;
    af_status st;
    if ((st = member(root, "network", RP_JSON_OBJECT, path, "'network'", &net, err)) ||
        (st = member(root, "events", RP_JSON_ARRAY, path, "'events'", &events, err)))
        return st;
    if (net && ((st = member(net, "nodes", RP_JSON_ARRAY, path, "'network.nodes'", &nodes, err)) ||
                (st = member(net, "legs", RP_JSON_ARRAY, path, "'network.legs'", &legs, err))))
        return st;
    if (nodes) {
        run->nodes = calloc(nodes->n ? nodes->n : 1, sizeof *run->nodes);
        if (!run->nodes) return af_error_set(err, AF_NOMEM, "out of memory");
        for (size_t i = 0; i < nodes->n; i++) {
            const rp_json *nd = &nodes->items[i];
            rp_node *o = &run->nodes[i];
            if (nd->type != RP_JSON_OBJECT) return json_type_error(err, path, nd, "each of 'network.nodes'", "an object");
            if ((st = member(nd, "name", RP_JSON_STRING, path, "'network.nodes[].name'", &m, err))) return st;
            if (!m) return json_type_error(err, path, nd, "'network.nodes[].name'", "present");
            o->name = m->string;
            if ((st = member(nd, "kind", RP_JSON_STRING, path, "'network.nodes[].kind'", &m, err))) return st;
            o->kind = m ? m->string : "";
            if ((st = member(nd, "area", RP_JSON_STRING, path, "'network.nodes[].area'", &m, err))) return st;
            o->area = m ? m->string : "";
            if ((st = member(nd, "serves", RP_JSON_ARRAY, path, "'network.nodes[].serves'", &o->serves, err))) return st;
            o->lanes = rp_json_num(nd, "lanes");
            o->queue_limit = rp_json_num(nd, "queue_limit");
            o->daily_cap = rp_json_num(nd, "daily_cap");
        }
        run->n_nodes = nodes->n;
    }
    if (legs && run->nodes) {
        run->legs = calloc(legs->n ? legs->n : 1, sizeof *run->legs);
        if (!run->legs) return af_error_set(err, AF_NOMEM, "out of memory");
        for (size_t i = 0; i < legs->n; i++) {
            const rp_json *lg = &legs->items[i];
            if (lg->type != RP_JSON_OBJECT) return json_type_error(err, path, lg, "each of 'network.legs'", "an object");
            const char *from = rp_json_str(lg, "from"), *to = rp_json_str(lg, "to");
            long a = -1, b = -1;
            for (size_t k = 0; k < run->n_nodes; k++) {
                if (from && !strcmp(run->nodes[k].name, from)) a = (long)k;
                if (to && !strcmp(run->nodes[k].name, to)) b = (long)k;
            }
            if (a < 0 || b < 0)
                return json_type_error(err, path, lg, "'network.legs[].from' and '.to'", "names of network nodes");
            double loss = rp_json_num(lg, "loss");
            run->legs[i] = (rp_leg){a, b, rp_json_num(lg, "capacity_per_day"), loss >= 0 && loss < 1 ? loss : 0};
        }
        run->n_legs = legs->n;
    }
    if (events) {
        run->events = calloc(events->n ? events->n : 1, sizeof *run->events);
        if (!run->events) return af_error_set(err, AF_NOMEM, "out of memory");
        for (size_t i = 0; i < events->n; i++) {
            const rp_json *ev = &events->items[i];
            rp_event *o = &run->events[i];
            if (ev->type != RP_JSON_OBJECT) return json_type_error(err, path, ev, "each of 'events'", "an object");
            o->station = rp_json_str(ev, "station");
            o->from = rp_json_str(ev, "from");
            o->to = rp_json_str(ev, "to");
            o->kind = rp_json_str(ev, "kind");
            if (!o->station || !o->from || !o->to || !o->kind)
                return json_type_error(err, path, ev, "each of 'events'",
                                       "an object with the strings station, from, to and kind");
        }
        run->n_events = events->n;
    }
    return AF_OK;
}

/* summary.json's "binding" (optional: older files have none). */
static af_status load_binding(rp_run *run, const rp_json *root, const char *path, af_error *err)
{
    const rp_json *b = NULL, *m;
    af_status st = member(root, "binding", RP_JSON_OBJECT, path, "'binding'", &b, err);
    if (st || !b) return st;
    run->has_binding = true;
    run->binding_share = run->binding_none_share = NAN;
    const rp_json *kind = rp_json_get(b, "kind"), *name = rp_json_get(b, "name");
    if (kind && kind->type != RP_JSON_NULL &&
        (st = member(b, "kind", RP_JSON_STRING, path, "'binding.kind'", &m, err)))
        return st;
    if (name && name->type != RP_JSON_NULL &&
        (st = member(b, "name", RP_JSON_STRING, path, "'binding.name'", &m, err)))
        return st;
    run->binding_kind = kind && kind->type == RP_JSON_STRING ? kind->string : NULL;
    run->binding_name = name && name->type == RP_JSON_STRING ? name->string : NULL;
    const rp_json *share = rp_json_get(b, "share"), *none = rp_json_get(b, "none_share");
    if (share && share->type == RP_JSON_NUMBER) run->binding_share = share->number;
    if (none && none->type == RP_JSON_NUMBER) run->binding_none_share = none->number;
    return AF_OK;
}

static af_status load_summary(rp_run *run, const char *path, af_error *err)
{
    af_status st = rp_json_load(&run->summary, path, path, err);
    if (st != AF_OK) return st;
    const rp_json *root = run->summary, *m;
    if (root->type != RP_JSON_OBJECT) return json_type_error(err, path, root, "the top level", "an object");

    const rp_json *af = NULL, *scn = NULL, *bott = NULL;
    if ((st = member(root, "aidflow", RP_JSON_OBJECT, path, "'aidflow'", &af, err))) return st;
    if ((st = member(root, "scenario", RP_JSON_OBJECT, path, "'scenario'", &scn, err))) return st;
    if ((st = member(root, "metrics", RP_JSON_OBJECT, path, "'metrics'", &run->metrics, err))) return st;
    if ((st = member(root, "bottleneck", RP_JSON_OBJECT, path, "'bottleneck'", &bott, err))) return st;

    static const struct { const char *obj, *key; size_t off; } strs[] = {
        {"aidflow", "version", offsetof(rp_run, version)}, {"aidflow", "command", offsetof(rp_run, command)},
        {"scenario", "name", offsetof(rp_run, name)}, {"scenario", "file", offsetof(rp_run, file)},
        {"scenario", "hash", offsetof(rp_run, hash)}, {"scenario", "description", offsetof(rp_run, description)},
        {"scenario", "start", offsetof(rp_run, start)}, {"bottleneck", "station", offsetof(rp_run, bottleneck)},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const rp_json *o = !strcmp(strs[i].obj, "aidflow") ? af : !strcmp(strs[i].obj, "scenario") ? scn : bott;
        char what[96];
        snprintf(what, sizeof what, "'%s.%s'", strs[i].obj, strs[i].key);
        if ((st = member(o, strs[i].key, RP_JSON_STRING, path, what, &m, err))) return st;
        *(const char **)((char *)run + strs[i].off) = m ? m->string : NULL;
    }
    static const struct { const char *obj, *key; size_t off; double def; } nums[] = {
        {NULL, "seed", offsetof(rp_run, seed), NAN},
        {NULL, "replications", offsetof(rp_run, replications), NAN},
        {NULL, "confidence", offsetof(rp_run, confidence), 0.95},
        {"scenario", "horizon_days", offsetof(rp_run, horizon_days), NAN},
        {"scenario", "warmup_days", offsetof(rp_run, warmup_days), NAN},
        {"scenario", "coverage_target", offsetof(rp_run, coverage_target), NAN},
        {"bottleneck", "times", offsetof(rp_run, bottleneck_times), NAN},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        const rp_json *o = !nums[i].obj ? root : !strcmp(nums[i].obj, "scenario") ? scn : bott;
        char what[96];
        snprintf(what, sizeof what, "'%s%s%s'", nums[i].obj ? nums[i].obj : "", nums[i].obj ? "." : "", nums[i].key);
        if ((st = member(o, nums[i].key, RP_JSON_NUMBER, path, what, &m, err))) return st;
        *(double *)((char *)run + nums[i].off) = m ? m->number : nums[i].def;
    }
    if ((st = load_binding(run, root, path, err))) return st;
    if (!(run->confidence > 0 && run->confidence < 1))
        return json_type_error(err, path, rp_json_get(root, "confidence"), "'confidence'", "between 0 and 1");
    if ((st = member(root, "categories", RP_JSON_ARRAY, path, "'categories'", &run->category_info, err))) return st;
    for (size_t i = 0; run->category_info && i < run->category_info->n; i++) {
        const rp_json *ci = &run->category_info->items[i];
        if (ci->type != RP_JSON_OBJECT) return json_type_error(err, path, ci, "each of 'categories'", "an object");
        if ((st = member(ci, "name", RP_JSON_STRING, path, "'categories[].name'", &m, err)) ||
            (st = member(ci, "daily_need_t_per_person", RP_JSON_NUMBER, path,
                         "'categories[].daily_need_t_per_person'", &m, err)))
            return st;
    }
    if ((st = member(scn, "sources", RP_JSON_ARRAY, path, "'scenario.sources'", &run->sources, err))) return st;
    for (size_t i = 0; run->sources && i < run->sources->n; i++)
        if (run->sources->items[i].type != RP_JSON_STRING)
            return json_type_error(err, path, &run->sources->items[i], "each of 'scenario.sources'", "a string");
    for (size_t i = 0; run->metrics && i < run->metrics->n; i++) {
        const rp_json *v = &run->metrics->items[i];
        char what[160];
        snprintf(what, sizeof what, "'metrics.%.100s'", run->metrics->keys[i]);
        if (v->type != RP_JSON_OBJECT) return json_type_error(err, path, v, what, "an object");
        for (size_t k = 0; k < v->n; k++)
            if (v->items[k].type != RP_JSON_NUMBER && v->items[k].type != RP_JSON_NULL) {
                snprintf(what, sizeof what, "'metrics.%.100s.%.40s'", run->metrics->keys[i], v->keys[k]);
                return json_type_error(err, path, &v->items[k], what, "a number or null");
            }
    }
    return load_network(run, root, path, err);
}

bool rp_run_metric(const rp_run *run, const char *name, af_summary *out)
{
    const rp_json *m = rp_json_get(run->metrics, name);
    if (!m) return false;
    out->mean = rp_json_num(m, "mean");
    out->sd = rp_json_num(m, "sd");
    out->ci_low = rp_json_num(m, "ci_low");
    out->ci_high = rp_json_num(m, "ci_high");
    double n = rp_json_num(m, "n");
    out->n = n >= 0 && n <= 1e15 ? (size_t)n : 0;
    return isfinite(out->mean);
}

/* ---- daily.csv ---- */

/* Common per-row bookkeeping: replication grouping and day range. */
typedef struct rep_track {
    long rep;      /* current replication, -1 before the first row */
    long count;    /* replications seen */
    long day;      /* last day within the replication */
} rep_track;

static af_status track_row(rp_csv *c, rep_track *t, rp_set *set, long rep, long day, af_error *err)
{
    if (rep != t->rep) {
        if (t->rep >= 0 && rep < t->rep)
            return rp_csv_fail(c, err, "replication %ld after replication %ld: rows must be grouped by "
                                       "replication in increasing order", rep, t->rep);
        if (t->rep >= 0) rp_set_flush(set);
        t->rep = rep;
        t->count++;
        t->day = 0;
    }
    if (day < t->day)
        return rp_csv_fail(c, err, "day %ld after day %ld of replication %ld: rows must be in day order", day,
                           t->day, rep);
    t->day = day;
    return AF_OK;
}

static af_status name_field(rp_csv *c, int col, rp_names *names, long *out, af_error *err)
{
    const char *s = rp_csv_field(c, (size_t)col);
    if (!*s) return rp_csv_fail(c, err, "column '%s' is empty; expected a name", rp_csv_colname(c, (size_t)col));
    *out = rp_names_intern(names, s, MAX_NAMES);
    if (*out < 0)
        return names->n >= MAX_NAMES
                   ? rp_csv_fail(c, err, "more than %d different names in column '%s'", MAX_NAMES,
                                 rp_csv_colname(c, (size_t)col))
                   : af_error_set(err, AF_NOMEM, "out of memory");
    return AF_OK;
}

static af_status remember_date(rp_run *run, long day_index, const char *date)
{
    if (day_index < run->n_dates && run->dates[day_index]) return AF_OK;
    if (day_index >= run->n_dates) {
        int n = run->n_dates ? run->n_dates : 64;
        while (n <= day_index) n *= 2;
        char **d = realloc(run->dates, (size_t)n * sizeof *d);
        if (!d) return AF_NOMEM;
        memset(d + run->n_dates, 0, (size_t)(n - run->n_dates) * sizeof *d);
        run->dates = d;
        run->n_dates = n;
    }
    run->dates[day_index] = strdup(date);
    return run->dates[day_index] ? AF_OK : AF_NOMEM;
}

/* The run_id column (docs/OUTPUTS.md): every row of daily.csv and stations.csv names the same
 * run, and it is the run of summary.json (its scenario hash, and its seed when summary.json
 * holds it exactly): tables of different runs put in one folder are an error, not a chart of
 * their mixture. A table without the column (an older aidflow's) is read as it is. */
static af_status check_run_id(rp_run *run, const rp_csv *c, int col, af_error *err)
{
    if (col < 0) return AF_OK;
    const char *id = rp_csv_field(c, (size_t)col);
    if (run->run_id) {
        if (!strcmp(id, run->run_id)) return AF_OK;
        return rp_csv_fail(c, err, "column 'run_id': '%.60s' is another run than '%.60s' of the rows before; "
                                   "expected the tables of one run", id, run->run_id);
    }
    if (run->hash && *run->hash) {
        char want[128];
        if (isfinite(run->seed) && run->seed >= 0 && run->seed < 9007199254740992.0)
            snprintf(want, sizeof want, "%.40s-%.0f", run->hash, run->seed);
        else
            snprintf(want, sizeof want, "%.40s-", run->hash);
        if (strncmp(id, want, strlen(want)) || (want[strlen(want) - 1] != '-' && strlen(id) != strlen(want)))
            return rp_csv_fail(c, err, "column 'run_id': '%.60s' is not the run of summary.json (%s...); "
                                       "expected the tables of the same run", id, want);
    }
    run->run_id = strdup(id);
    return run->run_id ? AF_OK : af_error_set(err, AF_NOMEM, "out of memory");
}

static af_status load_daily(rp_run *run, const char *path, af_error *err)
{
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, path, err);
    if (st != AF_OK) return st;
    int c_rep, c_day, c_region, c_cat, c_deliv, c_need, c_unmet;
    if ((st = rp_csv_need(c, "replication", &c_rep, err)) || (st = rp_csv_need(c, "day", &c_day, err)) ||
        (st = rp_csv_need(c, "region", &c_region, err)) || (st = rp_csv_need(c, "category", &c_cat, err)) ||
        (st = rp_csv_need(c, "tonnes_delivered", &c_deliv, err)) ||
        (st = rp_csv_need(c, "need_tonnes", &c_need, err)) || (st = rp_csv_need(c, "unmet_tonnes", &c_unmet, err))) {
        rp_csv_close(c);
        return st;
    }
    int c_date = rp_csv_col(c, "date"), c_cons = rp_csv_col(c, "consumed_tonnes"),
        c_trucks = rp_csv_col(c, "trucks_delivered"), c_id = rp_csv_col(c, "run_id");
    run->has_consumed = c_cons >= 0;
    rep_track t = {.rep = -1};
    bool got;
    while ((st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        long rep, day, r, k;
        double deliv, need, unmet, cons = NAN, trucks = NAN;
        if ((st = check_run_id(run, c, c_id, err)) ||
            (st = rp_csv_uint(c, c_rep, MAX_REP, &rep, err)) || (st = rp_csv_uint(c, c_day, MAX_DAY, &day, err)))
            break;
        if (day < 1) {
            st = rp_csv_fail(c, err, "column 'day': days are numbered from 1, found 0");
            break;
        }
        if ((st = name_field(c, c_region, &run->regions, &r, err)) ||
            (st = name_field(c, c_cat, &run->categories, &k, err)) ||
            (st = rp_csv_num(c, c_deliv, false, &deliv, err)) || (st = rp_csv_num(c, c_need, false, &need, err)) ||
            (st = rp_csv_num(c, c_unmet, false, &unmet, err)) ||
            (c_cons >= 0 && (st = rp_csv_num(c, c_cons, false, &cons, err))) ||
            (c_trucks >= 0 && (st = rp_csv_num(c, c_trucks, false, &trucks, err))) ||
            (st = track_row(c, &t, &run->daily, rep, day, err)))
            break;
        int d = (int)day - 1;
        if (c_date >= 0 && (st = remember_date(run, d, rp_csv_field(c, (size_t)c_date))) != AF_OK) {
            st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
            break;
        }
        rp_set *s = &run->daily;
        rp_set_add(s, rp_key(RP_K_DELIV_CAT, (unsigned)k, 0), RP_DAILY, d, deliv, 0);
        rp_set_add(s, rp_key(RP_K_NEED_CAT, (unsigned)k, 0), RP_DAILY, d, need, 0);
        rp_set_add(s, rp_key(RP_K_DELIV_ALL, 0, 0), RP_DAILY, d, deliv, 0);
        rp_set_add(s, rp_key(RP_K_NEED_ALL, 0, 0), RP_DAILY, d, need, 0);
        rp_set_add(s, rp_key(RP_K_COV_REGION, (unsigned)r, 0), RP_RATIO, d, deliv, need);
        rp_set_add(s, rp_key(RP_K_UNMET_RC, (unsigned)r, (unsigned)k), RP_CUMULATIVE, d, unmet, 0);
        /* Need met over the horizon: every day's tonnes summed into day index 0. */
        rp_set_add(s, rp_key(RP_K_MET_RC, (unsigned)r, (unsigned)k), RP_RATIO, 0, cons, need);
        rp_set_add(s, rp_key(RP_K_DELIV_REGION, (unsigned)r, 0), RP_DAILY, d, deliv, 0);
        rp_set_add(s, rp_key(RP_K_HUB_TRUCKS, (unsigned)r, 0), RP_DAILY, d, trucks, 0);
        if (s->nomem) {
            st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
            break;
        }
    }
    if (st == AF_OK && t.rep >= 0) rp_set_flush(&run->daily);
    if (st == AF_OK && run->daily.nomem) st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
    run->daily_reps = t.count;
    rp_csv_close(c);
    return st;
}

/* ---- stations.csv ---- */

static af_status load_stations(rp_run *run, const char *path, af_error *err)
{
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, path, err);
    if (st != AF_OK) return st;
    int c_rep, c_day, c_station, c_queue, c_wait;
    if ((st = rp_csv_need(c, "replication", &c_rep, err)) || (st = rp_csv_need(c, "day", &c_day, err)) ||
        (st = rp_csv_need(c, "station", &c_station, err)) || (st = rp_csv_need(c, "queue_mean", &c_queue, err)) ||
        (st = rp_csv_need(c, "wait_mean_min", &c_wait, err))) {
        rp_csv_close(c);
        return st;
    }
    int c_open = rp_csv_col(c, "open_hours"), c_qmid = rp_csv_col(c, "queue_midnight"),
        c_util = rp_csv_col(c, "utilisation"), c_arr = rp_csv_col(c, "arrivals"), c_served = rp_csv_col(c, "served"),
        c_rej = rp_csv_col(c, "rejected"), c_blocked = rp_csv_col(c, "blocked"), c_id = rp_csv_col(c, "run_id");
    run->has_qmid = c_qmid >= 0;
    run->has_open_hours = c_open >= 0;
    rep_track t = {.rep = -1};
    bool got;
    while ((st = rp_csv_next(c, &got, err)) == AF_OK && got) {
        long rep, day, s;
        double queue, wait, open = NAN, qmid = NAN, util = NAN, arr = NAN, served = NAN, rej = NAN, blocked = NAN;
        if ((st = check_run_id(run, c, c_id, err)) ||
            (st = rp_csv_uint(c, c_rep, MAX_REP, &rep, err)) || (st = rp_csv_uint(c, c_day, MAX_DAY, &day, err)))
            break;
        if (day < 1) {
            st = rp_csv_fail(c, err, "column 'day': days are numbered from 1, found 0");
            break;
        }
        if ((st = name_field(c, c_station, &run->stations, &s, err)) ||
            (st = rp_csv_num(c, c_queue, false, &queue, err)) || (st = rp_csv_num(c, c_wait, true, &wait, err)) ||
            (c_open >= 0 && (st = rp_csv_num(c, c_open, false, &open, err))) ||
            (c_qmid >= 0 && (st = rp_csv_num(c, c_qmid, false, &qmid, err))) ||
            (c_util >= 0 && (st = rp_csv_num(c, c_util, true, &util, err))) ||
            (c_arr >= 0 && (st = rp_csv_num(c, c_arr, false, &arr, err))) ||
            (c_served >= 0 && (st = rp_csv_num(c, c_served, false, &served, err))) ||
            (c_rej >= 0 && (st = rp_csv_num(c, c_rej, false, &rej, err))) ||
            (c_blocked >= 0 && (st = rp_csv_num(c, c_blocked, false, &blocked, err))) ||
            (st = track_row(c, &t, &run->st, rep, day, err)))
            break;
        int d = (int)day - 1;
        rp_set *set = &run->st;
        rp_set_add(set, rp_key(RP_K_QUEUE, (unsigned)s, 0), RP_DAILY, d, queue, 0);
        rp_set_add(set, rp_key(RP_K_WAIT, (unsigned)s, 0), RP_DAILY, d, wait, 0);
        rp_set_add(set, rp_key(RP_K_QMID, (unsigned)s, 0), RP_DAILY, d, qmid, 0);
        rp_set_add(set, rp_key(RP_K_UTIL, (unsigned)s, 0), RP_DAILY, d, util, 0);
        rp_set_add(set, rp_key(RP_K_ARRIVALS, (unsigned)s, 0), RP_DAILY, d, arr, 0);
        rp_set_add(set, rp_key(RP_K_SERVED, (unsigned)s, 0), RP_DAILY, d, served, 0);
        rp_set_add(set, rp_key(RP_K_REJECTED, (unsigned)s, 0), RP_DAILY, d, rej, 0);
        rp_set_add(set, rp_key(RP_K_BLOCKED, (unsigned)s, 0), RP_DAILY, d, blocked, 0);
        rp_set_add(set, rp_key(RP_K_OPEN, (unsigned)s, 0), RP_DAILY, d, open, 0);
        if (c_open >= 0) rp_set_add(set, rp_key(RP_K_CLOSED, (unsigned)s, 0), RP_DAILY, d, open == 0 ? 1 : 0, 0);
        if (set->nomem) {
            st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
            break;
        }
    }
    if (st == AF_OK && t.rep >= 0) rp_set_flush(&run->st);
    if (st == AF_OK && run->st.nomem) st = af_error_set(err, AF_NOMEM, "out of memory reading %s", path);
    run->station_reps = t.count;
    rp_csv_close(c);
    return st;
}

/* Tonnes per person per day of each category: from summary.json's person-days of unmet need
 * and the unmet tonnes in daily.csv (person-days = tonnes / per-person need, so the ratio of
 * their means is the per-person need). Left NaN where it cannot be derived. */
static af_status derive_per_person(rp_run *run)
{
    size_t nc = run->categories.n;
    run->per_person = malloc((nc ? nc : 1) * sizeof *run->per_person);
    if (!run->per_person) return AF_NOMEM;
    int last = run->daily.n_days - 1;
    for (size_t k = 0; k < nc; k++) {
        run->per_person[k] = NAN;
        double tonnes = 0;
        for (size_t r = 0; r < run->regions.n && last >= 0; r++) {
            const rp_series *s = rp_set_find(&run->daily, rp_key(RP_K_UNMET_RC, (unsigned)r, (unsigned)k));
            if (s && last < s->n_days && s->acc[last].n > 0) tonnes += s->acc[last].mean;
        }
        /* Given by summary.json? */
        for (size_t i = 0; run->category_info && i < run->category_info->n; i++) {
            const rp_json *ci = &run->category_info->items[i];
            const char *nm = rp_json_str(ci, "name");
            double pp = rp_json_num(ci, "daily_need_t_per_person");
            if (nm && !strcmp(nm, run->categories.v[k]) && pp > 0) run->per_person[k] = pp;
        }
        if (!isnan(run->per_person[k])) continue;
        char name[256];
        snprintf(name, sizeof name, "unmet_person_days.%s", run->categories.v[k]);
        af_summary m;
        if (rp_run_metric(run, name, &m) && m.mean > 0 && tonnes > 0) run->per_person[k] = tonnes / m.mean;
        else if (tonnes == 0) run->per_person[k] = INFINITY; /* nothing unmet: zero person-days whatever the need */
    }
    return AF_OK;
}

/* The scenario's name with the overrides of the command that made the run, so that two runs
 * that differ by a --set do not share a label: "default (nitzana.lanes=12)". The first part
 * of each path (inspections., crossings. ...) is left out. */
static char *variant_label(const char *name, const char *command)
{
    af_buf b = {0};
    af_buf_put(&b, name);
    size_t n_sets = 0;
    const char *p = command ? command : "";
    while (*p) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        const char *val = NULL, *val_end = NULL;
        if ((size_t)(e - p) == 5 && !strncmp(p, "--set", 5)) {
            val = e;
            while (*val == ' ') val++;
            val_end = val;
            while (*val_end && *val_end != ' ') val_end++;
            e = val_end;
        } else if (e - p > 6 && !strncmp(p, "--set=", 6)) {
            val = p + 6;
            val_end = e;
        }
        if (val && val_end > val) {
            const char *eq = memchr(val, '=', (size_t)(val_end - val));
            const char *dot = memchr(val, '.', (size_t)((eq ? eq : val_end) - val));
            const char *from = dot && eq && memchr(dot + 1, '.', (size_t)(eq - dot - 1)) ? dot + 1 : val;
            af_buf_put(&b, n_sets++ ? ", " : " (");
            af_buf_putn(&b, from, (size_t)(val_end - from));
        }
        p = e;
    }
    if (n_sets) af_buf_putc(&b, ')');
    if (b.failed) {
        af_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static char *dir_label(const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    size_t s = n;
    while (s > 0 && dir[s - 1] != '/') s--;
    char *out = malloc(n - s + 1);
    if (out) {
        memcpy(out, dir + s, n - s);
        out[n - s] = '\0';
    }
    return out;
}

af_status rp_run_load(rp_run *run, const char *dir, af_error *err)
{
    memset(run, 0, sizeof *run);
    run->confidence = 0.95;
    run->seed = run->replications = run->horizon_days = run->warmup_days = NAN;
    run->coverage_target = run->bottleneck_times = NAN;
    run->dir = strdup(dir);
    if (!run->dir) return af_error_set(err, AF_NOMEM, "out of memory");
    char path[4096];
    af_status st = AF_OK;
    if (!af_path_join_to(path, sizeof path, dir, "summary.json")) return af_error_set(err, AF_INVAL, "path too long: %s", dir);
    if (rp_file_exists(path) && (st = load_summary(run, path, err)) != AF_OK) return st;
    af_path_join_to(path, sizeof path, dir, "daily.csv");
    if (rp_file_exists(path)) {
        if ((st = load_daily(run, path, err)) != AF_OK) return st;
        run->has_daily = true;
    }
    af_path_join_to(path, sizeof path, dir, "stations.csv");
    if (rp_file_exists(path)) {
        if ((st = load_stations(run, path, err)) != AF_OK) return st;
        run->has_stations = true;
    }
    if (derive_per_person(run) != AF_OK) return af_error_set(err, AF_NOMEM, "out of memory");
    run->label = run->name && *run->name ? variant_label(run->name, run->command) : dir_label(dir);
    if (!run->label) return af_error_set(err, AF_NOMEM, "out of memory");
    return AF_OK;
}

void rp_run_free(rp_run *run)
{
    free(run->dir);
    free(run->label);
    free(run->run_id);
    rp_json_free(run->summary);
    rp_names_free(&run->regions);
    rp_names_free(&run->categories);
    rp_names_free(&run->stations);
    rp_set_free(&run->daily);
    rp_set_free(&run->st);
    for (int i = 0; i < run->n_dates; i++) free(run->dates[i]);
    free(run->dates);
    free(run->per_person);
    free(run->nodes);
    free(run->legs);
    free(run->events);
    memset(run, 0, sizeof *run);
}
