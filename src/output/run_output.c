/* daily.csv, stations.csv, positions.csv and summary.json for `aidflow run` (formats:
 * docs/OUTPUTS.md).
 * The tables are streamed to their files (they can be large); summary.json is composed in a
 * buffer with the shared JSON encodings of src/base/buf.h. Each file is written atomically. */
#include "aidflow/run_output.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aidflow/atomic_file.h"
#include "aidflow/stats.h"
#include "aidflow/version.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"
#include "base/path.h"

void af_scenario_date(const af_scenario *scn, int days, char buf[11])
{
    af_iso_date(af_days_from_civil(scn->start_year, scn->start_month, scn->start_day) + days, buf);
}

af_summary af_summarise_metric(af_result *const *results, size_t n, size_t k, double confidence)
{
    af_tally t;
    af_tally_reset(&t);
    for (size_t i = 0; i < n; i++)
        if (isfinite(results[i]->metrics[k])) af_tally_add(&t, results[i]->metrics[k]);
    return af_tally_summary(&t, confidence);
}

size_t af_binding_metric(af_result *const *results, size_t n, char kind[16], char name[256])
{
    static const char suffix[] = ".binding_share";
    size_t best = (size_t)-1;
    double best_mean = 0;
    for (size_t k = 0; n && k < results[0]->n_metrics; k++) {
        const char *m = results[0]->metric_names[k];
        size_t len = strlen(m);
        if (len <= sizeof suffix - 1 || strcmp(m + len - (sizeof suffix - 1), suffix)) continue;
        af_summary s = af_summarise_metric(results, n, k, 0.95);
        if (s.n > 0 && s.mean > best_mean) {
            best = k;
            best_mean = s.mean;
        }
    }
    if (best != (size_t)-1) {
        const char *m = results[0]->metric_names[best], *dot = strchr(m, '.');
        size_t len = strlen(m) - (sizeof suffix - 1);
        if (kind) snprintf(kind, 16, "%.*s", (int)(dot - m), m);
        if (name) snprintf(name, 256, "%.*s", (int)(len - (size_t)(dot + 1 - m)), dot + 1);
    }
    return best;
}

/* "binding": the element that bound on the largest mean share of the horizon, its share
 * with its interval, and the share on which nothing bound (docs/OUTPUTS.md). */
static void write_binding(af_buf *b, af_result *const *res, size_t n, double confidence)
{
    char kind[16], name[256];
    size_t k = af_binding_metric(res, n, kind, name);
    af_buf_put(b, "  \"binding\": {\"kind\": ");
    if (k == (size_t)-1) {
        af_buf_put(b, "null, \"name\": null, \"share\": 0, \"ci_low\": null, \"ci_high\": null");
    } else {
        af_summary s = af_summarise_metric(res, n, k, confidence);
        af_buf_json(b, kind);
        af_buf_put(b, ", \"name\": ");
        af_buf_json(b, name);
        af_buf_put(b, ", \"share\": ");
        af_buf_num(b, s.mean, "null");
        af_buf_put(b, ", \"ci_low\": ");
        af_buf_num(b, s.ci_low, "null");
        af_buf_put(b, ", \"ci_high\": ");
        af_buf_num(b, s.ci_high, "null");
    }
    size_t none = n ? af_result_metric(res[0], "binding.none_share") : (size_t)-1;
    af_buf_put(b, ", \"none_share\": ");
    af_buf_num(b, none == (size_t)-1 ? NAN : af_summarise_metric(res, n, none, confidence).mean, "null");
    af_buf_put(b, "},\n");
}

/* The CSV fields of n names (af_buf_csv), each its own NUL-terminated string in one buffer:
 * encoded once per file instead of once per row. names(i) gives the i-th. */
typedef struct csv_names {
    af_buf text;
    size_t *at;
} csv_names;

static bool csv_names_make(csv_names *c, size_t n, const char *(*name)(const void *, size_t),
                           const void *ctx)
{
    af_buf_init(&c->text);
    c->at = malloc((n ? n : 1) * sizeof *c->at);
    for (size_t i = 0; c->at && i < n; i++) {
        c->at[i] = c->text.len;
        af_buf_csv(&c->text, name(ctx, i));
        af_buf_putc(&c->text, '\0');
    }
    return c->at && !c->text.failed;
}

static const char *csv_name(const csv_names *c, size_t i) { return c->text.data + c->at[i]; }

static void csv_names_free(csv_names *c)
{
    af_buf_free(&c->text);
    free(c->at);
}

static const char *region_name(const void *scn, size_t i)
{
    return ((const af_scenario *)scn)->regions[i].name;
}
static const char *category_name(const void *scn, size_t i)
{
    return ((const af_scenario *)scn)->categories[i].name;
}
static const char *station_name(const void *res, size_t i)
{
    return ((const af_result *)res)->station_names[i];
}

/* A number for a CSV cell: empty when not finite, a whole number without a point, otherwise
 * 10 significant digits (%.10g). Not the shortest exact form of the JSON files: the tables'
 * tonnes and minutes need no more, and the files stay readable. */
static void csv_num(FILE *f, double x)
{
    if (!isfinite(x)) return;
    char buf[AF_NUM_SIZE]; /* the formats' exact bytes, without printf (base/num.c) */
    if (x == floor(x) && fabs(x) < 1e15)
        fputs(af_fmt_int(buf, x), f);
    else
        fputs(af_fmt_g(buf, x, 10), f);
}

/* Every table of a run starts with its `run_id` (HASH-SEED, the run's id in metrics.csv): a
 * table writer calls run_id_cell with "run_id" first in its header and with the id first in
 * each row, so that rows of different runs can be told apart once tables are put together. */
static void run_id_cell(FILE *f, const char *text)
{
    fputs(text, f);
    fputc(',', f);
}

void af_run_id(char buf[AF_RUN_ID_SIZE], const char *hash_hex, uint64_t seed)
{
    snprintf(buf, AF_RUN_ID_SIZE, "%s-%" PRIu64, hash_hex ? hash_hex : "", seed);
}

static af_status write_daily(const char *path, const af_scenario *scn, af_result *const *res,
                             size_t n, const char *run_id, af_error *err)
{
    af_atomic_file *af;
    af_status st = af_atomic_open(&af, path, err);
    if (st != AF_OK) return st;
    FILE *f = af_atomic_stream(af);
    csv_names regions, categories;
    bool ok = csv_names_make(&regions, scn->n_regions, region_name, scn) &
              csv_names_make(&categories, scn->n_categories, category_name, scn);
    if (!ok) {
        csv_names_free(&regions);
        csv_names_free(&categories);
        af_atomic_abort(af);
        return af_error_set(err, AF_NOMEM, "out of memory writing %s", path);
    }
    run_id_cell(f, "run_id");
    fputs("replication,day,date,region,category,trucks_delivered,tonnes_delivered,need_tonnes,"
          "consumed_tonnes,unmet_tonnes,stock_tonnes,coverage,dispatch_to_entry_mean_h,"
          "dispatch_to_entry_p95_h,dispatch_to_delivery_mean_h,dispatch_to_delivery_p95_h,"
          "trucks_inspected,trucks_entered,trucks_offloaded,trucks_collected,tonnes_distributed\n", f);
    for (size_t i = 0; i < n; i++) {
        const af_result *r = res[i];
        for (int d = 0; d < r->n_days; d++) {
            char date[11];
            af_scenario_date(scn, d, date);
            for (size_t g = 0; g < r->n_regions; g++) {
                for (size_t c = 0; c < r->n_categories; c++) {
                    const af_daily_cell *x = &r->daily[((size_t)d * r->n_regions + g) * r->n_categories + c];
                    run_id_cell(f, run_id);
                    fprintf(f, "%u,%d,%s,", r->replication, d + 1, date);
                    fputs(csv_name(&regions, g), f);
                    fputc(',', f);
                    fputs(csv_name(&categories, c), f);
                    const double v[] = {x->trucks_delivered, x->tonnes_delivered, x->need_tonnes,
                                        x->consumed_tonnes, x->unmet_tonnes, x->stock_tonnes,
                                        x->need_tonnes > 0 ? x->tonnes_delivered / x->need_tonnes : NAN,
                                        x->entry_time_mean_h, x->entry_time_p95_h,
                                        x->delivery_time_mean_h, x->delivery_time_p95_h,
                                        x->trucks_inspected, x->trucks_entered, x->trucks_offloaded,
                                        x->trucks_collected, x->tonnes_distributed};
                    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
                        fputc(',', f);
                        csv_num(f, v[k]);
                    }
                    fputc('\n', f);
                }
            }
        }
    }
    csv_names_free(&regions);
    csv_names_free(&categories);
    return af_atomic_commit(af, err);
}

static af_status write_stations(const char *path, const af_scenario *scn, af_result *const *res,
                                size_t n, const char *run_id, af_error *err)
{
    af_atomic_file *af;
    af_status st = af_atomic_open(&af, path, err);
    if (st != AF_OK) return st;
    FILE *f = af_atomic_stream(af);
    run_id_cell(f, "run_id");
    fputs("replication,day,date,station,arrivals,served,flagged,rejected,blocked,queue_mean,"
          "queue_midnight,wait_mean_min,utilisation,open_hours\n", f);
    for (size_t i = 0; i < n; i++) {
        const af_result *r = res[i];
        csv_names names;
        if (!csv_names_make(&names, r->n_stations, station_name, r)) {
            csv_names_free(&names);
            af_atomic_abort(af);
            return af_error_set(err, AF_NOMEM, "out of memory writing %s", path);
        }
        for (int d = 0; d < r->n_days; d++) {
            char date[11];
            af_scenario_date(scn, d, date);
            for (size_t s = 0; s < r->n_stations; s++) {
                const af_station_day *x = &r->stations[(size_t)d * r->n_stations + s];
                run_id_cell(f, run_id);
                fprintf(f, "%u,%d,%s,", r->replication, d + 1, date);
                fputs(csv_name(&names, s), f);
                const double v[] = {x->arrivals, x->served, x->flagged, x->rejected, x->blocked,
                                    x->queue_mean, x->queue_midnight, x->wait_mean_min,
                                    x->utilisation, x->open_hours};
                for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
                    fputc(',', f);
                    csv_num(f, v[k]);
                }
                fputc('\n', f);
            }
        }
        csv_names_free(&names);
    }
    return af_atomic_commit(af, err);
}

/* ---- where the trucks are (positions.csv, summary.json's "positions") ---- */

/* Every result has positions of the same shape (a store written before positions has none). */
static bool have_positions(af_result *const *res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!res[i]->positions || res[i]->n_nodes != res[0]->n_nodes || res[i]->n_days != res[0]->n_days)
            return false;
    return n > 0;
}

/* Trucks at (day, node, state) across the replications; false when none had any, so that
 * the tables list only the places where trucks are. */
static bool position_summary(af_result *const *res, size_t n, int day, size_t node, int state,
                             double confidence, af_summary *out)
{
#define POSITION(i) \
    res[i]->positions[((size_t)day * res[i]->n_nodes + node) * AF_N_POSITIONS + (size_t)state]
    bool any = false;
    for (size_t i = 0; i < n && !any; i++) any = POSITION(i) != 0;
    if (!any) return false; /* not written: no summary needed */
    af_tally t;
    af_tally_reset(&t);
    for (size_t i = 0; i < n; i++) af_tally_add(&t, POSITION(i));
#undef POSITION
    *out = af_tally_summary(&t, confidence);
    return true;
}

static af_status write_positions(const char *path, const af_scenario *scn, af_result *const *res,
                                 size_t n, const char *run_id, af_error *err)
{
    af_atomic_file *af;
    af_status st = af_atomic_open(&af, path, err);
    if (st != AF_OK) return st;
    FILE *f = af_atomic_stream(af);
    run_id_cell(f, "run_id");
    fputs("day,date,node,state,trucks_mean,trucks_ci_low,trucks_ci_high,replications\n", f);
    const af_result *r0 = res[0];
    af_buf node;
    af_buf_init(&node);
    for (int d = 0; d < r0->n_days; d++) {
        char date[11];
        af_scenario_date(scn, d + 1, date); /* the midnight that ends day d + 1 */
        for (size_t k = 0; k < r0->n_nodes; k++) {
            node.len = 0;
            af_buf_csv(&node, r0->node_names[k]);
            af_buf_putc(&node, '\0');
            for (int s = 0; s < AF_N_POSITIONS; s++) {
                af_summary x;
                if (!position_summary(res, n, d, k, s, scn->confidence, &x)) continue;
                run_id_cell(f, run_id);
                fprintf(f, "%d,%s,%s,%s,", d + 1, date, node.failed ? "" : node.data, af_position_name(s));
                csv_num(f, x.mean);
                fputc(',', f);
                csv_num(f, x.ci_low);
                fputc(',', f);
                csv_num(f, x.ci_high);
                fprintf(f, ",%zu\n", x.n);
            }
        }
    }
    bool failed = node.failed;
    af_buf_free(&node);
    if (failed) {
        af_atomic_abort(af);
        return af_error_set(err, AF_NOMEM, "out of memory writing %s", path);
    }
    return af_atomic_commit(af, err);
}

/* summary.json's "positions": where the trucks are at the end (the last midnight). */
static void write_positions_json(af_buf *b, const af_scenario *scn, af_result *const *res, size_t n)
{
    if (!have_positions(res, n) || res[0]->n_days < 1) return;
    char date[11];
    int last = res[0]->n_days - 1;
    af_scenario_date(scn, last + 1, date);
    af_buf_printf(b, ",\n  \"positions\": {\"at\": \"%s\", \"trucks\": [", date);
    bool first = true;
    for (size_t k = 0; k < res[0]->n_nodes; k++)
        for (int s = 0; s < AF_N_POSITIONS; s++) {
            af_summary x;
            if (!position_summary(res, n, last, k, s, scn->confidence, &x)) continue;
            af_buf_put(b, first ? "\n    {\"node\": " : ",\n    {\"node\": ");
            first = false;
            af_buf_json(b, res[0]->node_names[k]);
            af_buf_put(b, ", \"state\": ");
            af_buf_json(b, af_position_name(s));
            af_buf_put(b, ", \"trucks_mean\": ");
            af_buf_num(b, x.mean, "null");
            af_buf_put(b, ", \"trucks_ci_low\": ");
            af_buf_num(b, x.ci_low, "null");
            af_buf_put(b, ", \"trucks_ci_high\": ");
            af_buf_num(b, x.ci_high, "null");
            af_buf_putc(b, '}');
        }
    af_buf_put(b, "]}");
}

/* ---- the network and the dated events (summary.json's "network" and "events") ---- */

static const char *const node_kinds[] = {"origin", "inspection", "crossing", "hub"};

/* The date (and time when not midnight) of an instant in minutes since the start date. */
static void instant_text(const af_scenario *scn, double minutes, char out[24])
{
    double day = floor(minutes / 1440);
    char date[11];
    af_scenario_date(scn, (int)day, date);
    double m = minutes - day * 1440;
    if (m > 0)
        snprintf(out, 24, "%s %02d:%02d", date, (int)(m / 60), (int)fmod(m, 60));
    else
        snprintf(out, 24, "%s", date);
}

static void put_event(af_buf *b, bool *first, const af_scenario *scn, const char *name, double from, double to,
                      const char *kind)
{
    char f[24], t[24];
    instant_text(scn, from, f);
    instant_text(scn, to, t);
    af_buf_put(b, *first ? "\n    {\"station\": " : ",\n    {\"station\": ");
    *first = false;
    af_buf_json(b, name);
    af_buf_printf(b, ", \"from\": \"%s\", \"to\": \"%s\", \"kind\": \"%s\"}", f, t, kind);
}

/* "network": nodes with their kind, area ("outside" for origins and inspections, "crossing",
 * "gaza" for hubs, with the regions a hub serves) and, for stations, lanes, queue limit and
 * daily cap (null: none);
 * legs with from, to, their daily capacity (null: unlimited) and loss probability. "events": the dated closures
 * of stations and legs and the changes of origins' dispatch plans ("opening" when an origin
 * that dispatched nothing starts, "stop" when it stops, "plan change" otherwise), each from
 * its date to the next change or the end of the horizon. */
static void write_network(af_buf *b, const af_scenario *scn)
{
    af_buf_put(b, "],\n  \"network\": {\"nodes\": [");
    for (size_t i = 0; i < scn->n_nodes; i++) {
        const af_scn_node *nd = &scn->nodes[i];
        af_buf_put(b, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
        af_buf_json(b, nd->name);
        static const char *const areas[] = {"outside", "outside", "crossing", "gaza"};
        af_buf_printf(b, ", \"kind\": \"%s\", \"area\": \"%s\"", node_kinds[nd->kind], areas[nd->kind]);
        const af_scn_station *st = af_scenario_station(scn, i);
        if (st) {
            af_buf_printf(b, ", \"lanes\": %u, \"queue_limit\": ", st->lanes);
            if (st->queue_limit) af_buf_printf(b, "%zu", st->queue_limit);
            else af_buf_put(b, "null");
            af_buf_put(b, ", \"daily_cap\": ");
            if (st->daily_cap) af_buf_printf(b, "%u", (unsigned)st->daily_cap);
            else af_buf_put(b, "null");
        }
        if (nd->kind == AF_SCN_CROSSING && scn->crossings[nd->index].has_transfer)
            af_buf_printf(b, ", \"transfer_lanes\": %u", scn->crossings[nd->index].transfer_lanes);
        if (nd->kind == AF_SCN_HUB) {
            const af_scn_hub *h = &scn->hubs[nd->index];
            af_buf_put(b, ", \"serves\": [");
            for (size_t k = 0; k < h->n_serves; k++) {
                if (k) af_buf_put(b, ", ");
                af_buf_json(b, scn->regions[h->serves[k]].name);
            }
            af_buf_putc(b, ']');
        }
        af_buf_putc(b, '}');
    }
    af_buf_put(b, "],\n    \"legs\": [");
    for (size_t l = 0; l < scn->n_legs; l++) {
        const af_scn_leg *lg = &scn->legs[l];
        af_buf_put(b, l ? ",\n    {\"from\": " : "\n    {\"from\": ");
        af_buf_json(b, scn->nodes[lg->from].name);
        af_buf_put(b, ", \"to\": ");
        af_buf_json(b, scn->nodes[lg->to].name);
        af_buf_put(b, ", \"capacity_per_day\": ");
        if (lg->capacity) af_buf_printf(b, "%u", (unsigned)lg->capacity);
        else af_buf_put(b, "null");
        af_buf_put(b, ", \"loss\": ");
        af_buf_num(b, lg->loss, "null");
        af_buf_putc(b, '}');
    }
    af_buf_put(b, "]},\n  \"events\": [");
    bool first = true;
    for (size_t i = 0; i < scn->n_nodes; i++) {
        const af_scn_station *st = af_scenario_station(scn, i);
        for (size_t k = 0; st && k < st->n_closures; k++)
            put_event(b, &first, scn, scn->nodes[i].name, st->closures[k].from, st->closures[k].to, "closure");
    }
    for (size_t l = 0; l < scn->n_legs; l++) {
        const af_scn_leg *lg = &scn->legs[l];
        for (size_t k = 0; k < lg->n_closures; k++) {
            char name[512];
            if (lg->name && *lg->name) snprintf(name, sizeof name, "%s", lg->name);
            else snprintf(name, sizeof name, "%s-%s", scn->nodes[lg->from].name, scn->nodes[lg->to].name);
            put_event(b, &first, scn, name, lg->closures[k].from, lg->closures[k].to, "leg closure");
        }
    }
    for (size_t o = 0; o < scn->n_origins; o++) {
        const af_scn_origin *og = &scn->origins[o];
        for (size_t k = 1; k < og->n_steps; k++) {
            double from = og->steps[k].day * 1440.0;
            double to = k + 1 < og->n_steps ? og->steps[k + 1].day * 1440.0 : (scn->horizon_days) * 1440.0;
            double before = 0, after = 0;
            for (size_t c = 0; c < scn->n_categories; c++) {
                before += og->steps[k - 1].trucks[c];
                after += og->steps[k].trucks[c];
            }
            put_event(b, &first, scn, scn->nodes[og->node].name, from, to,
                      before == 0 && after > 0 ? "opening" : after == 0 ? "stop" : "plan change");
        }
    }
}

static af_status write_summary(const char *path, const af_scenario *scn, af_result *const *res,
                               size_t n, const af_provenance *prov, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    char start[11];
    af_scenario_date(scn, 0, start);
    af_buf_put(&b, "{\n  \"aidflow\": {\"version\": ");
    af_buf_json(&b, af_version());
    af_buf_put(&b, ", \"command\": ");
    af_buf_json(&b, prov && prov->command ? prov->command : "");
    af_buf_put(&b, "},\n  \"scenario\": {\"name\": ");
    af_buf_json(&b, scn->name);
    af_buf_put(&b, ", \"file\": ");
    af_buf_json(&b, prov && prov->scenario_file ? prov->scenario_file : "");
    af_buf_printf(&b, ", \"hash\": \"%016" PRIx64 "\", \"description\": ", af_scenario_hash(scn));
    af_buf_json(&b, scn->description);
    af_buf_put(&b, ",\n    \"sources\": [");
    for (size_t i = 0; i < scn->n_sources; i++) {
        if (i) af_buf_put(&b, ", ");
        af_buf_json(&b, scn->sources[i]);
    }
    af_buf_printf(&b, "],\n    \"start\": \"%s\", \"horizon_days\": %d, \"warmup_days\": %d, \"coverage_target\": ",
                  start, scn->horizon_days, scn->warmup_days);
    af_buf_num(&b, scn->coverage_target, "null");
    af_buf_put(&b, "},\n");
    af_buf_put(&b, "  \"categories\": [");
    for (size_t c = 0; c < scn->n_categories; c++) {
        af_buf_put(&b, c ? ",\n    {\"name\": " : "\n    {\"name\": ");
        af_buf_json(&b, scn->categories[c].name);
        af_buf_put(&b, ", \"daily_need_t_per_person\": ");
        af_buf_num(&b, scn->categories[c].daily_need, "null");
        af_buf_put(&b, ", \"tonnes_per_truck\": ");
        af_buf_num(&b, scn->categories[c].tonnes_per_truck, "null");
        af_buf_putc(&b, '}');
    }
    af_buf_put(&b, "],\n  \"regions\": [");
    for (size_t g = 0; g < scn->n_regions; g++) {
        af_buf_put(&b, g ? ",\n    {\"name\": " : "\n    {\"name\": ");
        af_buf_json(&b, scn->regions[g].name);
        af_buf_put(&b, ", \"population\": ");
        af_buf_num(&b, scn->regions[g].population, "null");
        af_buf_putc(&b, '}');
    }
    af_buf_put(&b, "],\n  \"stations\": [");
    for (size_t s = 0; n && s < res[0]->n_stations; s++) {
        if (s) af_buf_put(&b, ", ");
        af_buf_json(&b, res[0]->station_names[s]);
    }
    write_network(&b, scn);
    uint64_t seed = n ? res[0]->seed : scn->seed;
    af_buf_printf(&b, "],\n  \"seed\": %" PRIu64 ",\n  \"replications\": %zu,\n  \"confidence\": ", seed, n);
    af_buf_num(&b, scn->confidence, "null");
    af_buf_put(&b, ",\n  \"metrics\": {");
    size_t nm = n ? res[0]->n_metrics : 0;
    for (size_t k = 0; k < nm; k++) {
        af_summary s = af_summarise_metric(res, n, k, scn->confidence);
        af_buf_put(&b, k ? ",\n    " : "\n    ");
        af_buf_json(&b, res[0]->metric_names[k]);
        af_buf_put(&b, ": {\"mean\": ");
        af_buf_num(&b, s.mean, "null");
        af_buf_put(&b, ", \"sd\": ");
        af_buf_num(&b, s.sd, "null");
        af_buf_put(&b, ", \"ci_low\": ");
        af_buf_num(&b, s.ci_low, "null");
        af_buf_put(&b, ", \"ci_high\": ");
        af_buf_num(&b, s.ci_high, "null");
        af_buf_printf(&b, ", \"n\": %zu}", s.n);
    }
    /* The station that was the bottleneck most often (the first such on ties). */
    size_t best = SIZE_MAX, best_times = 0;
    for (size_t s = 0; n && s < res[0]->n_stations; s++) {
        size_t times = 0;
        for (size_t i = 0; i < n; i++) times += res[i]->bottleneck == s;
        if (times > best_times) {
            best = s;
            best_times = times;
        }
    }
    af_buf_put(&b, "\n  },\n  \"bottleneck\": {\"station\": ");
    if (best == SIZE_MAX)
        af_buf_put(&b, "null");
    else
        af_buf_json(&b, res[0]->station_names[best]);
    af_buf_printf(&b, ", \"times\": %zu}", best_times);
    write_positions_json(&b, scn, res, n);
    af_buf_put(&b, ",\n");
    write_binding(&b, res, n, scn->confidence);
    af_buf_put(&b, "  \"per_replication\": [");
    for (size_t i = 0; i < n; i++) {
        const af_result *r = res[i];
        af_buf_printf(&b, "%s\n    {\"replication\": %u, \"seed\": %" PRIu64 ", \"bottleneck\": ",
                i ? "," : "", r->replication, r->seed);
        if (r->bottleneck < r->n_stations)
            af_buf_json(&b, r->station_names[r->bottleneck]);
        else
            af_buf_put(&b, "null");
        af_buf_put(&b, ", \"metrics\": {");
        for (size_t k = 0; k < r->n_metrics; k++) {
            if (k) af_buf_put(&b, ", ");
            af_buf_json(&b, r->metric_names[k]);
            af_buf_put(&b, ": ");
            af_buf_num(&b, r->metrics[k], "null");
        }
        af_buf_put(&b, "}}");
    }
    af_buf_put(&b, "\n  ]\n}\n");
    af_status st = af_buf_write(&b, path, err);
    af_buf_free(&b);
    return st;
}

af_status af_write_run_outputs(const char *dir, const af_scenario *scn, af_result *const *results,
                               size_t n, const af_provenance *prov, af_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!results[i]->daily || !results[i]->stations)
            return af_error_set(err, AF_INVAL, "replication %zu was run without its daily tables", i);
    af_status st = af_make_directories(dir, err);
    if (st != AF_OK) return st;
    char *daily = af_path_join(dir, "daily.csv"), *stations = af_path_join(dir, "stations.csv"),
         *summary = af_path_join(dir, "summary.json");
    if (!daily || !stations || !summary)
        st = af_error_set(err, AF_NOMEM, "out of memory");
    char hash[17], run_id[AF_RUN_ID_SIZE];
    af_run_id(run_id, af_fmt_hex64(af_scenario_hash(scn), hash), n ? results[0]->seed : scn->seed);
    if (st == AF_OK) st = write_daily(daily, scn, results, n, run_id, err);
    if (st == AF_OK) st = write_stations(stations, scn, results, n, run_id, err);
    if (st == AF_OK && have_positions(results, n)) {
        char *positions = af_path_join(dir, "positions.csv");
        st = positions ? write_positions(positions, scn, results, n, run_id, err)
                       : af_error_set(err, AF_NOMEM, "out of memory");
        free(positions);
    }
    /* summary.json last: its presence says the run's files are all there. */
    if (st == AF_OK) st = write_summary(summary, scn, results, n, prov, err);
    free(daily);
    free(stations);
    free(summary);
    return st;
}
