/* daily.csv, stations.csv and summary.json for `aidflow run` (formats: docs/OUTPUTS.md). */
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

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms): exact for
 * any Gregorian date, no time zones involved. */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

void af_scenario_date(const af_scenario *scn, int days, char buf[11])
{
    long y, m, d;
    civil_from_days(days_from_civil(scn->start_year, scn->start_month, scn->start_day) + days, &y, &m, &d);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04ld-%02ld-%02ld", y % 10000, m, d);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
}

af_metric_summary af_summarise_metric(af_result *const *results, size_t n, size_t k,
                                      double confidence)
{
    af_metric_summary s = {NAN, NAN, NAN, NAN, n};
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x) return s;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(results[i]->metrics[k])) x[m++] = results[i]->metrics[k];
    s.n = m;
    if (m > 0) {
        double half;
        af_confidence_interval(x, m, confidence, &s.mean, &half);
        af_tally t;
        af_tally_reset(&t);
        for (size_t i = 0; i < m; i++) af_tally_add(&t, x[i]);
        s.sd = af_tally_sd(&t);
        s.ci_low = s.mean - half;
        s.ci_high = s.mean + half;
    }
    free(x);
    return s;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A number for a CSV cell: empty when not finite, shortest exact form otherwise. */
static void csv_num(FILE *f, double x)
{
    if (!isfinite(x)) return;
    if (x == floor(x) && fabs(x) < 1e15)
        fprintf(f, "%.0f", x);
    else
        fprintf(f, "%.10g", x);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* The shortest form that reads back as the same double (0.95, not 0.94999999999999996). */
static void json_num(FILE *f, double x)
{
    if (!isfinite(x)) {
        fputs("null", f);
        return;
    }
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    fputs(buf, f);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static af_status write_daily(const char *path, const af_scenario *scn, af_result *const *res,
                             size_t n, af_error *err)
{
    af_atomic_file *af;
    af_status st = af_atomic_open(&af, path, err);
    if (st != AF_OK) return st;
    FILE *f = af_atomic_stream(af);
    fputs("replication,day,date,region,category,trucks_delivered,tonnes_delivered,need_tonnes,"
          "consumed_tonnes,unmet_tonnes,stock_tonnes,coverage\n", f);
    for (size_t i = 0; i < n; i++) {
        const af_result *r = res[i];
        for (int d = 0; d < r->n_days; d++) {
            char date[11];
            af_scenario_date(scn, d, date);
            for (size_t g = 0; g < r->n_regions; g++) {
                for (size_t c = 0; c < r->n_categories; c++) {
                    const af_daily_cell *x = &r->daily[((size_t)d * r->n_regions + g) * r->n_categories + c];
                    fprintf(f, "%u,%d,%s,", r->replication, d + 1, date);
                    csv_str(f, scn->regions[g].name);
                    fputc(',', f);
                    csv_str(f, scn->categories[c].name);
                    const double v[] = {x->trucks_delivered, x->tonnes_delivered, x->need_tonnes,
                                        x->consumed_tonnes, x->unmet_tonnes, x->stock_tonnes,
                                        x->need_tonnes > 0 ? x->tonnes_delivered / x->need_tonnes : NAN};
                    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
                        fputc(',', f);
                        csv_num(f, v[k]);
                    }
                    fputc('\n', f);
                }
            }
        }
    }
    return af_atomic_commit(af, err);
}

static af_status write_stations(const char *path, const af_scenario *scn, af_result *const *res,
                                size_t n, af_error *err)
{
    af_atomic_file *af;
    af_status st = af_atomic_open(&af, path, err);
    if (st != AF_OK) return st;
    FILE *f = af_atomic_stream(af);
    fputs("replication,day,date,station,arrivals,served,flagged,rejected,blocked,queue_mean,"
          "queue_midnight,wait_mean_min,utilisation,open_hours\n", f);
    for (size_t i = 0; i < n; i++) {
        const af_result *r = res[i];
        for (int d = 0; d < r->n_days; d++) {
            char date[11];
            af_scenario_date(scn, d, date);
            for (size_t s = 0; s < r->n_stations; s++) {
                const af_station_day *x = &r->stations[(size_t)d * r->n_stations + s];
                fprintf(f, "%u,%d,%s,", r->replication, d + 1, date);
                csv_str(f, r->station_names[s]);
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
    }
    return af_atomic_commit(af, err);
}

static af_status write_summary(const char *path, const af_scenario *scn, af_result *const *res,
                               size_t n, const af_provenance *prov, af_error *err)
{
    af_atomic_file *af;
    af_status st = af_atomic_open(&af, path, err);
    if (st != AF_OK) return st;
    FILE *f = af_atomic_stream(af);
    char start[11];
    af_scenario_date(scn, 0, start);
    fputs("{\n  \"aidflow\": {\"version\": ", f);
    json_str(f, af_version());
    fputs(", \"command\": ", f);
    json_str(f, prov && prov->command ? prov->command : "");
    fputs("},\n  \"scenario\": {\"name\": ", f);
    json_str(f, scn->name);
    fputs(", \"file\": ", f);
    json_str(f, prov && prov->scenario_file ? prov->scenario_file : "");
    fprintf(f, ", \"hash\": \"%016" PRIx64 "\", \"description\": ", af_scenario_hash(scn));
    json_str(f, scn->description);
    fputs(",\n    \"sources\": [", f);
    for (size_t i = 0; i < scn->n_sources; i++) {
        if (i) fputs(", ", f);
        json_str(f, scn->sources[i]);
    }
    fprintf(f, "],\n    \"start\": \"%s\", \"horizon_days\": %d, \"warmup_days\": %d, \"coverage_target\": ",
            start, scn->horizon_days, scn->warmup_days);
    json_num(f, scn->coverage_target);
    fputs("},\n", f);
    fputs("  \"categories\": [", f);
    for (size_t c = 0; c < scn->n_categories; c++) {
        fputs(c ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        json_str(f, scn->categories[c].name);
        fputs(", \"daily_need_t_per_person\": ", f);
        json_num(f, scn->categories[c].daily_need);
        fputs(", \"tonnes_per_truck\": ", f);
        json_num(f, scn->categories[c].tonnes_per_truck);
        fputc('}', f);
    }
    fputs("],\n  \"regions\": [", f);
    for (size_t g = 0; g < scn->n_regions; g++) {
        fputs(g ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        json_str(f, scn->regions[g].name);
        fputs(", \"population\": ", f);
        json_num(f, scn->regions[g].population);
        fputc('}', f);
    }
    fputs("],\n  \"stations\": [", f);
    for (size_t s = 0; n && s < res[0]->n_stations; s++) {
        if (s) fputs(", ", f);
        json_str(f, res[0]->station_names[s]);
    }
    uint64_t seed = n ? res[0]->seed : scn->seed;
    fprintf(f, "],\n  \"seed\": %" PRIu64 ",\n  \"replications\": %zu,\n  \"confidence\": ", seed, n);
    json_num(f, scn->confidence);
    fputs(",\n  \"metrics\": {", f);
    size_t nm = n ? res[0]->n_metrics : 0;
    for (size_t k = 0; k < nm; k++) {
        af_metric_summary s = af_summarise_metric(res, n, k, scn->confidence);
        fputs(k ? ",\n    " : "\n    ", f);
        json_str(f, res[0]->metric_names[k]);
        fputs(": {\"mean\": ", f);
        json_num(f, s.mean);
        fputs(", \"sd\": ", f);
        json_num(f, s.sd);
        fputs(", \"ci_low\": ", f);
        json_num(f, s.ci_low);
        fputs(", \"ci_high\": ", f);
        json_num(f, s.ci_high);
        fprintf(f, ", \"n\": %zu}", s.n);
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
    fputs("\n  },\n  \"bottleneck\": {\"station\": ", f);
    if (best == SIZE_MAX)
        fputs("null", f);
    else
        json_str(f, res[0]->station_names[best]);
    fprintf(f, ", \"times\": %zu},\n  \"per_replication\": [", best_times);
    for (size_t i = 0; i < n; i++) {
        const af_result *r = res[i];
        fprintf(f, "%s\n    {\"replication\": %u, \"seed\": %" PRIu64 ", \"bottleneck\": ",
                i ? "," : "", r->replication, r->seed);
        if (r->bottleneck < r->n_stations)
            json_str(f, r->station_names[r->bottleneck]);
        else
            fputs("null", f);
        fputs(", \"metrics\": {", f);
        for (size_t k = 0; k < r->n_metrics; k++) {
            if (k) fputs(", ", f);
            json_str(f, r->metric_names[k]);
            fputs(": ", f);
            json_num(f, r->metrics[k]);
        }
        fputs("}}", f);
    }
    fputs("\n  ]\n}\n", f);
    return af_atomic_commit(af, err);
}

af_status af_write_run_outputs(const char *dir, const af_scenario *scn, af_result *const *results,
                               size_t n, const af_provenance *prov, af_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!results[i]->daily || !results[i]->stations)
            return af_error_set(err, AF_INVAL, "replication %zu was run without its daily tables", i);
    af_status st = af_make_directories(dir, err);
    if (st != AF_OK) return st;
    char *daily = join(dir, "daily.csv"), *stations = join(dir, "stations.csv"),
         *summary = join(dir, "summary.json");
    if (!daily || !stations || !summary)
        st = af_error_set(err, AF_NOMEM, "out of memory");
    if (st == AF_OK) st = write_daily(daily, scn, results, n, err);
    if (st == AF_OK) st = write_stations(stations, scn, results, n, err);
    /* summary.json last: its presence says the run's files are all there. */
    if (st == AF_OK) st = write_summary(summary, scn, results, n, prov, err);
    free(daily);
    free(stations);
    free(summary);
    return st;
}
