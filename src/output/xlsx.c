/* An output folder as one Excel workbook (libxlsxwriter). See aidflow/xlsx.h.
 *
 * The tables are read back from the folder with the report's strict readers rather than taken
 * from memory, so that one function serves every command and the workbook always shows what
 * the CSV files say. */
#include "aidflow/xlsx.h"

#ifndef AF_HAVE_XLSXWRITER

bool af_xlsx_available(void) { return false; }

af_status af_xlsx_write(const char *dir, const char *path, af_error *err)
{
    (void)dir;
    (void)path;
    return af_error_set(err, AF_INVAL, "this aidflow was built without libxlsxwriter: no --xlsx");
}

#else

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "aidflow/atomic_file.h"
#include "base/path.h"
#include "report/csv.h"
#include "report/json.h"

bool af_xlsx_available(void) { return true; }

typedef struct formats {
    lxw_format *header;
    lxw_format *percent;
} formats;

/* The unit of a column of daily.csv or stations.csv, or NULL. */
static const char *column_unit(const char *col)
{
    static const char *const units[][2] = {
        {"trucks_delivered", "trucks"}, {"tonnes_delivered", "t"}, {"need_tonnes", "t"},
        {"consumed_tonnes", "t"},       {"unmet_tonnes", "t"},     {"stock_tonnes", "t"},
        {"coverage", "fraction"},       {"arrivals", "trucks"},    {"served", "trucks"},
        {"flagged", "trucks"},          {"rejected", "trucks"},    {"blocked", "trucks"},
        {"queue_mean", "trucks"},       {"queue_midnight", "trucks"},
        {"wait_mean_min", "min"},       {"utilisation", "fraction"}, {"open_hours", "h"},
        {"dispatch_to_entry_mean_h", "h"}, {"dispatch_to_entry_p95_h", "h"},
        {"dispatch_to_delivery_mean_h", "h"}, {"dispatch_to_delivery_p95_h", "h"},
        {"trucks_inspected", "trucks"}, {"trucks_entered", "trucks"},
        {"trucks_offloaded", "trucks"}, {"trucks_collected", "trucks"},
        {"tonnes_distributed", "t"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(col, units[i][0])) return units[i][1];
    return NULL;
}

static bool starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }
static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* The unit of a metric (docs/OUTPUTS.md, Metrics), "" when it has none. */
static const char *metric_unit(const char *m)
{
    if (ends(m, ".binding_share") || starts(m, "binding.")) return "fraction";
    if (starts(m, "time.")) return "h";
    if (starts(m, "station.") || starts(m, "bottleneck.")) {
        if (ends(m, ".utilisation")) return "fraction";
        if (ends(m, ".wait_mean_min") || ends(m, ".blocked_mean_min") ||
            ends(m, ".wait_incl_blocked_mean_min"))
            return "min";
        if (ends(m, ".served_per_day")) return "trucks/day";
        return "";
    }
    if (starts(m, "trucks_per_day.")) return "trucks/day";
    if (starts(m, "gaza_side.")) return "trucks";
    if (starts(m, "trucks.")) return "trucks";
    if (starts(m, "tonnes.")) return "t";
    if (starts(m, "tonnes_per_day.")) return "t/day";
    if (starts(m, "coverage.") || starts(m, "need_met.")) return "fraction";
    if (starts(m, "unmet_person_days.")) return "person-days";
    if (starts(m, "days_to_target.")) return "day";
    if (starts(m, "days_below_target.")) return "days";
    return "";
}

/* The columns of a metric table that hold the metric's value or a statistic of it. */
static bool stat_column(const char *col)
{
    static const char *const names[] = {"mean",   "sd",       "ci_low",    "ci_high",
                                        "value",  "mean_a",   "ci_low_a",  "ci_high_a",
                                        "mean_b", "ci_low_b", "ci_high_b", "diff"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(col, names[i])) return true;
    return false;
}

/* Columns that hold names or words, never numbers (a region called "2" stays text). */
static bool text_column(const char *col)
{
    static const char *const names[] = {"date",   "region",      "category", "station", "metric",
                                        "scenario", "significant", "meets",   "unit",
                                        "run_id",   "run_id_a",    "run_id_b"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(col, names[i])) return true;
    return false;
}

static af_status lxw_fail(af_error *err, lxw_error e, const char *what)
{
    return af_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? AF_NOMEM : AF_IO,
                        "writing the workbook (%s): %s", what, lxw_strerror(e));
}

/* One cell from CSV text: a number when it is one, blank when empty, text otherwise. */
static lxw_error put_field(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, bool text,
                           lxw_format *fmt)
{
    double v;
    if (!*s) return LXW_NO_ERROR;
    if (!text && rp_parse_number(s, strlen(s), &v)) return worksheet_write_number(ws, r, c, v, fmt);
    return worksheet_write_string(ws, r, c, s, NULL);
}

static lxw_error put_number(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *fmt)
{
    return isfinite(v) ? worksheet_write_number(ws, r, c, v, fmt) : LXW_NO_ERROR;
}

/* Column widths from the header texts, the freeze and the filter: what every sheet has. */
static void sheet_frame(lxw_worksheet *ws, const char *const *headers, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double w = (double)strlen(headers[i]) + 3;
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, w < 10 ? 10 : w, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

enum { RUN_TABLE, METRIC_TABLE };

/* A CSV file as a sheet. RUN_TABLE: units added to the headers. METRIC_TABLE: a `unit` column
 * after `metric`, and a row whose unit is a fraction shown as percentages. */
static af_status csv_sheet(lxw_workbook *wb, const formats *fm, const char *sheet,
                           const char *path, const char *name, int mode, af_error *err)
{
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, name, err);
    if (st != AF_OK) return st;
    size_t nc = rp_csv_ncols(c);
    int metric_col = mode == METRIC_TABLE ? rp_csv_col(c, "metric") : -1;
    size_t out_cols = nc + (metric_col >= 0);
    char **headers = calloc(out_cols, sizeof *headers);
    bool *text = calloc(nc, sizeof *text), *pct = calloc(nc, sizeof *pct);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    if (!headers || !text || !pct || !ws) {
        st = af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
        goto done;
    }
    for (size_t i = 0, o = 0; i < nc; i++) {
        const char *col = rp_csv_colname(c, i);
        const char *unit = mode == RUN_TABLE ? column_unit(col) : NULL;
        size_t len = strlen(col) + (unit ? strlen(unit) + 3 : 0) + 1;
        headers[o] = malloc(len);
        if (!headers[o]) {
            st = af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
            goto done;
        }
        snprintf(headers[o], len, unit ? "%s (%s)" : "%s", col, unit ? unit : "");
        text[i] = text_column(col);
        pct[i] = unit && !strcmp(unit, "fraction");
        o++;
        if ((int)i == metric_col) headers[o++] = strdup("unit");
    }
    for (size_t o = 0; o < out_cols; o++)
        if (!headers[o]) {
            st = af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
            goto done;
        }
    sheet_frame(ws, (const char *const *)headers, out_cols);
    lxw_error e = LXW_NO_ERROR;
    for (size_t o = 0; o < out_cols && !e; o++)
        e = worksheet_write_string(ws, 0, (lxw_col_t)o, headers[o], fm->header);
    lxw_row_t row = 0;
    for (;;) {
        bool got;
        if ((st = rp_csv_next(c, &got, err)) != AF_OK) goto done;
        if (!got) break;
        if (row + 1 >= LXW_ROW_MAX) {
            st = af_error_set(err, AF_LIMIT,
                              "%s has more rows than a worksheet holds (%d); use the CSV file",
                              name, LXW_ROW_MAX - 1);
            goto done;
        }
        row++;
        bool row_pct = false;
        const char *unit = NULL;
        if (metric_col >= 0) {
            unit = metric_unit(rp_csv_field(c, (size_t)metric_col));
            row_pct = !strcmp(unit, "fraction");
        }
        for (size_t i = 0, o = 0; i < nc && !e; i++, o++) {
            lxw_format *f = pct[i] || (row_pct && stat_column(rp_csv_colname(c, i)))
                                ? fm->percent : NULL;
            e = put_field(ws, row, (lxw_col_t)o, rp_csv_field(c, i), text[i], f);
            if (!e && (int)i == metric_col)
                e = worksheet_write_string(ws, row, (lxw_col_t)++o, unit, NULL);
        }
        if (e) break;
    }
    if (!e) e = worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(out_cols - 1));
    if (e) st = lxw_fail(err, e, sheet);
done:
    for (size_t o = 0; headers && o < out_cols; o++) free(headers[o]);
    free(headers);
    free(text);
    free(pct);
    rp_csv_close(c);
    return st;
}

/* summary.json's metrics: metric, mean, low, high, n, unit. */
static af_status summary_sheet(lxw_workbook *wb, const formats *fm, const rp_json *summary,
                               const char *name, af_error *err)
{
    const rp_json *metrics = rp_json_get(summary, "metrics");
    if (!metrics || metrics->type != RP_JSON_OBJECT)
        return af_error_set(err, AF_PARSE, "%s: no \"metrics\" object", name);
    double conf = rp_json_num(summary, "confidence");
    char low[64], high[64];
    snprintf(low, sizeof low, "low (%g%%)", isfinite(conf) ? conf * 100 : 95.0);
    snprintf(high, sizeof high, "high (%g%%)", isfinite(conf) ? conf * 100 : 95.0);
    const char *headers[] = {"metric", "mean", low, high, "n", "unit"};
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Summary");
    if (!ws) return af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
    sheet_frame(ws, headers, 6);
    worksheet_set_column(ws, 0, 0, 36, NULL);
    lxw_error e = LXW_NO_ERROR;
    for (lxw_col_t i = 0; i < 6 && !e; i++) e = worksheet_write_string(ws, 0, i, headers[i], fm->header);
    for (size_t k = 0; k < metrics->n && !e; k++) {
        const rp_json *m = &metrics->items[k];
        const char *unit = metric_unit(metrics->keys[k]);
        lxw_format *f = !strcmp(unit, "fraction") ? fm->percent : NULL;
        lxw_row_t r = (lxw_row_t)k + 1;
        e = worksheet_write_string(ws, r, 0, metrics->keys[k], NULL);
        if (!e) e = put_number(ws, r, 1, rp_json_num(m, "mean"), f);
        if (!e) e = put_number(ws, r, 2, rp_json_num(m, "ci_low"), f);
        if (!e) e = put_number(ws, r, 3, rp_json_num(m, "ci_high"), f);
        if (!e) e = put_number(ws, r, 4, rp_json_num(m, "n"), NULL);
        if (!e) e = worksheet_write_string(ws, r, 5, unit, NULL);
    }
    if (!e) e = worksheet_autofilter(ws, 0, 0, (lxw_row_t)metrics->n, 5);
    return e ? lxw_fail(err, e, "Summary") : AF_OK;
}

/* The top-level scalars of a JSON object and those one object down ("scenario.file"). */
static af_status about_sheet(lxw_workbook *wb, const formats *fm, const rp_json *doc, af_error *err)
{
    const char *headers[] = {"item", "value"};
    lxw_worksheet *ws = workbook_add_worksheet(wb, "About");
    if (!ws) return af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
    sheet_frame(ws, headers, 2);
    worksheet_set_column(ws, 0, 0, 24, NULL);
    worksheet_set_column(ws, 1, 1, 60, NULL);
    lxw_error e = worksheet_write_string(ws, 0, 0, "item", fm->header);
    if (!e) e = worksheet_write_string(ws, 0, 1, "value", fm->header);
    lxw_row_t row = 0;
    for (size_t i = 0; doc->type == RP_JSON_OBJECT && i < doc->n && !e; i++) {
        const rp_json *v = &doc->items[i];
        size_t n = v->type == RP_JSON_OBJECT ? v->n : 1;
        for (size_t j = 0; j < n && !e; j++) {
            const rp_json *x = v->type == RP_JSON_OBJECT ? &v->items[j] : v;
            char key[256];
            if (v->type == RP_JSON_OBJECT)
                snprintf(key, sizeof key, "%s.%s", doc->keys[i], v->keys[j]);
            else
                snprintf(key, sizeof key, "%s", doc->keys[i]);
            if (x->type == RP_JSON_STRING) {
                e = worksheet_write_string(ws, ++row, 0, key, NULL);
                if (!e) e = worksheet_write_string(ws, row, 1, x->string, NULL);
            } else if (x->type == RP_JSON_NUMBER) {
                e = worksheet_write_string(ws, ++row, 0, key, NULL);
                if (!e) e = worksheet_write_number(ws, row, 1, x->number, NULL);
            }
        }
    }
    return e ? lxw_fail(err, e, "About") : AF_OK;
}

/* Totals per region and category over the horizon, summed over replications. */
typedef struct need_row {
    char *region, *category;
    double need, delivered, consumed, unmet;
} need_row;

static af_status need_met_sheet(lxw_workbook *wb, const formats *fm, const char *path,
                                const char *name, af_error *err)
{
    rp_csv *c;
    af_status st = rp_csv_open(&c, path, name, err);
    if (st != AF_OK) return st;
    int col[7];
    static const char *const cols[] = {"replication", "region", "category", "need_tonnes",
                                       "tonnes_delivered", "consumed_tonnes", "unmet_tonnes"};
    for (int i = 0; i < 7 && st == AF_OK; i++) st = rp_csv_need(c, cols[i], &col[i], err);
    need_row *rows = NULL;
    size_t n = 0, cap = 0, hint = 0;
    long max_rep = -1;
    while (st == AF_OK) {
        bool got;
        if ((st = rp_csv_next(c, &got, err)) != AF_OK || !got) break;
        long rep;
        double v[4];
        if ((st = rp_csv_uint(c, col[0], 1000000000L, &rep, err)) != AF_OK) break;
        for (int k = 0; k < 4 && st == AF_OK; k++) st = rp_csv_num(c, col[3 + k], false, &v[k], err);
        if (st != AF_OK) break;
        if (rep > max_rep) max_rep = rep;
        const char *g = rp_csv_field(c, (size_t)col[1]), *k = rp_csv_field(c, (size_t)col[2]);
        /* Rows come in the same order every day: look where the last one was first. */
        size_t i = n;
        for (size_t t = 0; t < n; t++) {
            size_t j = (hint + t) % n;
            if (!strcmp(rows[j].region, g) && !strcmp(rows[j].category, k)) {
                i = j;
                break;
            }
        }
        if (i == n) {
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                need_row *p = realloc(rows, nc * sizeof *p);
                if (!p) {
                    st = af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
                    break;
                }
                rows = p;
                cap = nc;
            }
            rows[n] = (need_row){strdup(g), strdup(k), 0, 0, 0, 0};
            if (!rows[n].region || !rows[n].category) {
                free(rows[n].region);
                free(rows[n].category);
                st = af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
                break;
            }
            n++;
        }
        rows[i].need += v[0];
        rows[i].delivered += v[1];
        rows[i].consumed += v[2];
        rows[i].unmet += v[3];
        hint = i + 1;
    }
    rp_csv_close(c);
    if (st == AF_OK) {
        const char *headers[] = {"region", "category", "need (t)", "delivered (t)", "consumed (t)",
                                 "unmet (t)", "need met (fraction)", "coverage (fraction)"};
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Need met");
        if (!ws) {
            st = af_error_set(err, AF_NOMEM, "out of memory writing the workbook");
        } else {
            sheet_frame(ws, headers, 8);
            lxw_error e = LXW_NO_ERROR;
            for (lxw_col_t i = 0; i < 8 && !e; i++)
                e = worksheet_write_string(ws, 0, i, headers[i], fm->header);
            double reps = (double)(max_rep + 1);
            for (size_t i = 0; i < n && !e; i++) {
                const need_row *x = &rows[i];
                lxw_row_t r = (lxw_row_t)i + 1;
                e = worksheet_write_string(ws, r, 0, x->region, NULL);
                if (!e) e = worksheet_write_string(ws, r, 1, x->category, NULL);
                if (!e) e = put_number(ws, r, 2, x->need / reps, NULL);
                if (!e) e = put_number(ws, r, 3, x->delivered / reps, NULL);
                if (!e) e = put_number(ws, r, 4, x->consumed / reps, NULL);
                if (!e) e = put_number(ws, r, 5, x->unmet / reps, NULL);
                if (!e && x->need > 0) e = put_number(ws, r, 6, x->consumed / x->need, fm->percent);
                if (!e && x->need > 0) e = put_number(ws, r, 7, x->delivered / x->need, fm->percent);
            }
            if (!e) e = worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, 7);
            if (e) st = lxw_fail(err, e, "Need met");
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(rows[i].region);
        free(rows[i].category);
    }
    free(rows);
    return st;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Fills the workbook from the folder. */
static af_status fill(lxw_workbook *wb, const formats *fm, const char *dir, af_error *err)
{
    char *summary = join(dir, "summary.json"), *prov = join(dir, "provenance.json");
    af_status st = summary && prov ? AF_OK : af_error_set(err, AF_NOMEM, "out of memory");
    rp_json *doc = NULL;
    /* A sensitivity's summary.json is not a run's: a run's folder has daily.csv too. */
    char *daily_probe = join(dir, "daily.csv");
    bool run = daily_probe && exists(daily_probe);
    free(daily_probe);
    if (st == AF_OK && exists(summary) && (run || !exists(prov))) {
        char *daily = join(dir, "daily.csv"), *stations = join(dir, "stations.csv");
        if (!daily || !stations) st = af_error_set(err, AF_NOMEM, "out of memory");
        if (st == AF_OK) st = rp_json_load(&doc, summary, summary, err);
        if (st == AF_OK) st = summary_sheet(wb, fm, doc, summary, err);
        if (st == AF_OK) st = need_met_sheet(wb, fm, daily, daily, err);
        if (st == AF_OK) st = csv_sheet(wb, fm, "Daily", daily, daily, RUN_TABLE, err);
        if (st == AF_OK) st = csv_sheet(wb, fm, "Stations", stations, stations, RUN_TABLE, err);
        free(daily);
        free(stations);
    } else if (st == AF_OK && exists(prov)) {
        static const char *const tables[][2] = {{"compare.csv", "Compare"}, {"target.csv", "Target"},
                                                {"sweep.csv", "Sweep"},
                                                {"replications.csv", "Replications"}};
        st = rp_json_load(&doc, prov, prov, err);
        for (size_t i = 0; i < sizeof tables / sizeof tables[0] && st == AF_OK; i++) {
            char *p = join(dir, tables[i][0]);
            if (!p) st = af_error_set(err, AF_NOMEM, "out of memory");
            else if (exists(p)) st = csv_sheet(wb, fm, tables[i][1], p, p, METRIC_TABLE, err);
            free(p);
        }
    } else if (st == AF_OK) {
        st = af_error_set(err, AF_NOTFOUND,
                          "%s holds neither summary.json (aidflow run) nor provenance.json (sweep, "
                          "compare, target): no tables for a workbook", dir);
    }
    if (st == AF_OK) st = about_sheet(wb, fm, doc, err);
    rp_json_free(doc);
    free(summary);
    free(prov);
    return st;
}

/* The workbook is made from the folder's files: it never replaces one of them (`--xlsx
 * DIR/daily.csv`), nor a target that is not a regular file (a FIFO, a device). */
static af_status check_target(const char *dir, const char *path, af_error *err)
{
    static const char *const inputs[] = {"summary.json", "daily.csv",  "stations.csv",    "compare.csv",
                                         "sweep.csv",    "target.csv", "replications.csv", "provenance.json",
                                         "results.sqlite"};
    if (af_path_same_file(dir, path))
        return af_error_set(err, AF_INVAL, "%s is the folder the workbook is made from, not a file", path);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *p = af_path_join(dir, inputs[i]);
        bool same = p && af_path_same_file(p, path);
        free(p);
        if (same)
            return af_error_set(err, AF_INVAL,
                                "%s is one of the files the workbook is made from: refusing to write over it", path);
    }
    return af_output_check(path, err);
}

af_status af_xlsx_write(const char *dir, const char *path, af_error *err)
{
    if (!dir || !path || !*path) return af_error_set(err, AF_INVAL, "no folder or workbook path");
    af_status checked = check_target(dir, path, err);
    if (checked != AF_OK) return checked;
    /* The atomic writer's temporary (named so that a later writer removes it if this process
     * is killed), which libxlsxwriter then fills by its name; commit syncs and renames it. */
    af_atomic_file *af;
    af_status opened = af_atomic_open(&af, path, err);
    if (opened != AF_OK) return opened;
    const char *tmp = af_atomic_temp_path(af);

    /* constant_memory: each row goes to a temporary file as it is written, so a long daily
     * table does not sit in memory. */
    lxw_workbook_options opts = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(tmp, &opts);
    af_status st = AF_OK;
    formats fm = {0};
    if (!wb) st = af_error_set(err, AF_NOMEM, "cannot start the workbook %s", path);
    if (st == AF_OK) {
        fm.header = workbook_add_format(wb);
        fm.percent = workbook_add_format(wb);
        if (!fm.header || !fm.percent) st = af_error_set(err, AF_NOMEM, "out of memory");
    }
    if (st == AF_OK) {
        format_set_bold(fm.header);
        format_set_bottom(fm.header, LXW_BORDER_THIN);
        format_set_num_format(fm.percent, "0.0%");
        st = fill(wb, &fm, dir, err);
    }
    if (wb) {
        lxw_error e = workbook_close(wb);
        if (e && st == AF_OK) st = lxw_fail(err, e, path);
    }
    if (st != AF_OK) {
        af_atomic_abort(af);
        return st;
    }
    return af_atomic_commit(af, err); /* fsync of the same file, then the rename */
}

#endif
