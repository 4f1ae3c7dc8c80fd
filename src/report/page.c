/* The page: head and style, the summary at the top, the footer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/version.h"
#include "report/report_internal.h"

/* System fonts only, and print rules for A4: nothing is fetched from anywhere. */
static const char style[] =
    ":root{color-scheme:light}\n"
    "*{box-sizing:border-box}\n"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"Liberation Sans\","
    "\"DejaVu Sans\",Arial,sans-serif;color:#1d1d1d;background:#fff;margin:0 auto;max-width:1080px;"
    "padding:20px 28px 40px;line-height:1.4;font-size:14px}\n"
    "h1{font-size:24px;margin:0 0 2px}\n"
    "h2{font-size:18px;margin:26px 0 6px;border-bottom:1px solid #d8d8d8;padding-bottom:3px;"
    "break-after:avoid;page-break-after:avoid}\n"
    "h3{font-size:14px;margin:14px 0 4px}\n"
    "p{margin:4px 0 8px}\n"
    ".sub{color:#555;margin:0 0 10px}\n"
    ".kind{color:#666;font-size:12px;text-transform:uppercase;letter-spacing:.06em;margin:0}\n"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}\n"
    "th,td{text-align:left;padding:3px 14px 3px 0;border-bottom:1px solid #ececec;vertical-align:top;"
    "overflow-wrap:anywhere}\n"
    "table{max-width:100%}\n"
    "thead th{border-bottom:1px solid #bbb;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    /* A narrow column: a number's interval goes under it rather than past the column, and
     * the first column keeps room for a short name whole (a long one wraps anywhere). */
    ".grid td.n{white-space:normal}\n"
    "td .ci{white-space:nowrap}\n"
    "td:first-child,th:first-child{min-width:6.5em}\n"
    "th.n{text-align:right}\n"
    "td.nm{white-space:normal}\n"
    ".ci{color:#666;font-size:12px}\n"
    ".sig{color:#b03a2e;font-weight:600}\n"
    "table.prov td:first-child{color:#555;white-space:nowrap}\n"
    "table.headline td:first-child{min-width:15em}\n"
    "table.prov td{word-break:break-word}\n"
    "code{font-family:ui-monospace,\"DejaVu Sans Mono\",\"Liberation Mono\",monospace;font-size:12px}\n"
    ".grid{display:flex;flex-wrap:wrap;gap:0 36px}\n"
    ".grid>div{flex:1 1 420px;min-width:0}\n"
    "ol.src{font-size:12px;color:#333;padding-left:20px;margin:4px 0 12px}\n"
    "figure{margin:10px 0 22px;break-inside:avoid;page-break-inside:avoid}\n"
    "figcaption{font-size:12px;color:#555;margin-top:2px}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg text{font-family:inherit;font-size:11px;fill:#333}\n"
    "svg .ct{font-size:14px;font-weight:600;fill:#1d1d1d}\n"
    "svg .pt{font-size:11.5px;font-weight:600}\n"
    "svg .tk{font-size:10px;fill:#555}\n"
    "svg .bv{font-size:10px;fill:#fff}\n"
    "svg .ev{font-size:9px;fill:#8e44ad;font-weight:600}\n"
    "svg .band{font-size:11px;fill:#7a6a45;font-style:italic}\n"
    "svg .fl{font-size:10px;fill:#2b3d55}\n"
    "svg .nn{font-size:10.5px;font-weight:600;fill:#1d1d1d}\n"
    "svg .nf{font-size:9.5px;fill:#444}\n"
    "svg .ne{font-size:9.5px;fill:#b03a2e}\n"
    ".answer p{margin:4px 0 6px}\n"
    ".sw{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}\n"
    "table.needmet th[scope=row]{font-weight:600}\n"
    ".note{font-size:12px;color:#6b4e00;background:#fff8e1;border-left:3px solid #e0b000;padding:4px 8px}\n"
    "footer{margin-top:28px;font-size:11px;color:#777;border-top:1px solid #e4e4e4;padding-top:6px}\n"
    "@page{size:A4;margin:14mm 12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:11px}"
    "table{font-size:10.5px}figure,table,.keep{break-inside:avoid;page-break-inside:avoid}"
    "h2{break-after:avoid;page-break-after:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

void rp_figure_open(rp_ctx *cx, const char *prefix, char *id, size_t size)
{
    snprintf(id, size, "%s-%d", prefix, ++cx->chart_no);
    af_buf_printf(cx->b, "<figure id=\"fig-%s\">\n", id);
}

void rp_figure_close(rp_ctx *cx, const char *caption)
{
    if (caption) {
        af_buf_put(cx->b, "<figcaption>");
        rp_esc(cx->b, caption);
        af_buf_put(cx->b, "</figcaption>\n");
    }
    af_buf_put(cx->b, "</figure>\n");
}

/* Replaces a leading '-' by U+2212 (the minus sign), in place; out has room (size >= 64). */
static void true_minus(char *s)
{
    if (s[0] != '-') return;
    size_t n = strlen(s);
    memmove(s + 3, s + 1, n);
    memcpy(s, "\xE2\x88\x92", 3);
}

void rp_cell_metric(af_buf *b, double mean, double lo, double hi, int unit)
{
    char m[72], l[72], h[72];
    int kind = unit & 7;
    int dec = 1;
    double scale = 0.01;
    const char *suffix = kind == RP_PP ? " pp" : "%";
    if (kind == RP_NUM) {
        double ref = isfinite(mean) && mean != 0 ? mean : fmax(fabs(lo), fabs(hi));
        rp_fmt_scale(ref, 3, &dec, &scale, &suffix);
        if (scale == 1 && fabs(ref) >= 100) dec = 0;
    }
    rp_fmt_fixed(m, 64, mean, dec, scale, isfinite(mean) ? suffix : "");
    rp_fmt_fixed(l, 64, lo, dec, scale, kind == RP_NUM ? suffix : "");
    rp_fmt_fixed(h, 64, hi, dec, scale, suffix);
    true_minus(m);
    true_minus(l);
    true_minus(h);
    af_buf_printf(b, "<td class=\"n\">%s%s", (unit & RP_SIGNED) && mean > 0 && m[0] != '0' ? "+" : "", m);
    /* No interval on a constant (every replication gave the same number). */
    if (isfinite(lo) && isfinite(hi) && lo != hi)
        af_buf_printf(b, " <span class=\"ci\">(%s%s%s)</span>", l, lo < 0 || hi < 0 ? " to " : "\xE2\x80\x93", h);
    af_buf_put(b, "</td>");
}

static const char *page_title(const rp_ctx *cx)
{
    if (cx->n_runs == 1 && !cx->n_compares && !cx->n_sweeps) return cx->runs[0].label;
    return NULL;
}

void rp_page_open(rp_ctx *cx)
{
    af_buf *b = cx->b;
    const char *t = page_title(cx);
    af_buf_put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"aidflow ");
    rp_esc(b, af_version());
    af_buf_put(b, "\">\n<title>aidflow report");
    if (t) {
        af_buf_put(b, ": ");
        rp_esc(b, t);
    }
    af_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<p class=\"kind\">aidflow report</p>\n<h1>", style);
    if (t) {
        rp_esc(b, t);
    } else {
        /* Name what is in it: the scenarios of the runs and the experiments. */
        size_t shown = 0;
        for (size_t i = 0; i < cx->n_runs && shown < 4; i++, shown++) {
            if (shown) af_buf_put(b, cx->n_runs == 2 && !cx->n_compares ? " vs " : ", ");
            rp_esc(b, cx->runs[i].label);
        }
        for (size_t i = 0; i < cx->n_compares && shown < 4; i++, shown++) {
            if (shown) af_buf_put(b, ", ");
            rp_esc(b, cx->compares[i].label_a);
            af_buf_put(b, " vs ");
            rp_esc(b, cx->compares[i].label_b);
        }
        for (size_t i = 0; i < cx->n_sweeps && shown < 4; i++, shown++) {
            if (shown) af_buf_put(b, ", ");
            af_buf_put(b, cx->sweeps[i].is_target ? "Target search over " : "Sweep of ");
            for (size_t p = 0; p < cx->sweeps[i].n_params; p++) {
                if (p) af_buf_put(b, " \xC3\x97 ");
                rp_esc(b, cx->sweeps[i].params[p]);
            }
        }
        if (!shown) af_buf_put(b, "aidflow report");
    }
    af_buf_put(b, "</h1>\n");
    if (cx->n_runs == 1 && cx->runs[0].description && !cx->n_compares && !cx->n_sweeps) {
        af_buf_put(b, "<p class=\"sub\">");
        rp_esc(b, cx->runs[0].description);
        af_buf_put(b, "</p>\n");
    }
    af_buf_put(b, "</header>\n");
}

/* ---- the summary of runs ---- */

typedef struct headline {
    const char *metric;
    const char *label;
    bool percent;
} headline;

static const headline headlines[] = {
    {"coverage.all", "Coverage, all categories (delivered \xC3\xB7 need)", true},
    {"trucks_per_day.entered", "Trucks entering Gaza per day", false},
    {"trucks.delivered", "Trucks delivered to hubs", false},
    {"tonnes.delivered", "Tonnes delivered", false},
    {"tonnes.need", "Tonnes needed", false},
    {"tonnes.unmet", "Tonnes of unmet need", false},
    {"trucks.held", "Trucks held as dual-use", false},
    {"trucks.rejected", "Holds ended in rejection", false},
    {"trucks.lost", "Trucks lost on the way", false},
    {"bottleneck.utilisation", "Highest utilisation of a station while open", true},
};

static bool any_metric(const rp_ctx *cx, const char *name)
{
    af_summary m;
    for (size_t i = 0; i < cx->n_runs; i++)
        if (rp_run_metric(&cx->runs[i], name, &m)) return true;
    return false;
}

static void metric_row(rp_ctx *cx, const char *name, const char *label, bool percent)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<tr><td>");
    rp_esc(b, label);
    af_buf_put(b, "</td>");
    for (size_t i = 0; i < cx->n_runs; i++) {
        af_summary m;
        if (rp_run_metric(&cx->runs[i], name, &m)) rp_cell_metric(b, m.mean, m.ci_low, m.ci_high, percent ? RP_PCT : RP_NUM);
        else af_buf_put(b, "<td class=\"n\">\xE2\x80\x93</td>");
    }
    af_buf_put(b, "</tr>\n");
}

static void runs_header(rp_ctx *cx, const char *first)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<thead><tr><th>");
    rp_esc(b, first);
    af_buf_put(b, "</th>");
    for (size_t i = 0; i < cx->n_runs; i++) {
        af_buf_put(b, "<th class=\"n\">");
        rp_esc(b, cx->n_runs > 1 ? cx->runs[i].label : "mean (95% interval)");
        af_buf_put(b, "</th>");
    }
    af_buf_put(b, "</tr></thead>\n");
}

/* The union of the runs' category names, in first-seen order. */
static void categories_union(rp_ctx *cx, rp_names *out)
{
    for (size_t i = 0; i < cx->n_runs; i++)
        for (size_t k = 0; k < cx->runs[i].categories.n; k++)
            if (rp_names_intern(out, cx->runs[i].categories.v[k], 100000) < 0) cx->pool.nomem = true;
    /* Without daily.csv the categories still show in the metrics' names. */
    for (size_t i = 0; i < cx->n_runs; i++) {
        const rp_json *m = cx->runs[i].metrics;
        for (size_t k = 0; m && k < m->n; k++)
            /* coverage.CATEGORY, not coverage.all nor coverage.CATEGORY.REGION */
            if (!strncmp(m->keys[k], "coverage.", 9) && strcmp(m->keys[k], "coverage.all") &&
                !strchr(m->keys[k] + 9, '.'))
                if (rp_names_intern(out, m->keys[k] + 9, 100000) < 0) cx->pool.nomem = true;
    }
}

static void run_headline_tables(rp_ctx *cx)
{
    af_buf *b = cx->b;
    bool any = false;
    for (size_t i = 0; i < sizeof headlines / sizeof headlines[0]; i++) any |= any_metric(cx, headlines[i].metric);
    if (!any) return;
    char conf[32];
    snprintf(conf, sizeof conf, "%g%%", cx->runs[0].confidence * 100);
    /* One run: the two tables side by side; several: one under the other, a column per run. */
    af_buf_put(b, cx->n_runs == 1 ? "<div class=\"grid\">\n" : "<div>\n");
    af_buf_put(b, "<div class=\"keep\">\n<h3>Headline numbers</h3>\n<table class=\"headline\">\n");
    runs_header(cx, "over the horizon, per replication");
    af_buf_put(b, "<tbody>\n");
    /* First, need met in the worst-served region of each category: a pooled figure hides a
     * region that starves beside one with a surplus. */
    rp_names need_cats = {0};
    categories_union(cx, &need_cats);
    for (size_t k = 0; k < need_cats.n; k++) {
        char name[300], label[340];
        snprintf(name, sizeof name, "need_met.%s.min_region", need_cats.v[k]);
        snprintf(label, sizeof label, "Need met, %s, worst region (consumed \xC3\xB7 need)", need_cats.v[k]);
        if (any_metric(cx, name)) metric_row(cx, name, label, true);
    }
    rp_names_free(&need_cats);
    for (size_t i = 0; i < sizeof headlines / sizeof headlines[0]; i++)
        if (any_metric(cx, headlines[i].metric)) metric_row(cx, headlines[i].metric, headlines[i].label, headlines[i].percent);
    /* The bottleneck station by name. */
    bool has_bott = false;
    for (size_t i = 0; i < cx->n_runs; i++) has_bott |= cx->runs[i].bottleneck != NULL;
    if (has_bott) {
        af_buf_put(b, "<tr><td>Station busiest while open (replications)</td>");
        for (size_t i = 0; i < cx->n_runs; i++) {
            const rp_run *r = &cx->runs[i];
            af_buf_put(b, "<td class=\"n nm\">"); /* a name: right-aligned, but it wraps */
            rp_esc(b, r->bottleneck ? r->bottleneck : "\xE2\x80\x93");
            if (r->bottleneck && isfinite(r->bottleneck_times) && isfinite(r->replications))
                af_buf_printf(b, " <span class=\"ci\">(%g of %g)</span>", r->bottleneck_times, r->replications);
            af_buf_put(b, "</td>");
        }
        af_buf_put(b, "</tr>\n");
    }
    af_buf_put(b, "</tbody>\n</table>\n</div>\n");

    rp_names cats = {0};
    categories_union(cx, &cats);
    /* Columns per run: coverage, unmet person-days, and with one run the first day at target. */
    static const char *const col_names[] = {"coverage", "unmet person-days", "first day at target"};
    static const char *const prefixes[] = {"coverage.", "unmet_person_days.", "days_to_target."};
    bool show[3] = {true, true, false};
    for (size_t k = 0; k < cats.n && cx->n_runs == 1; k++) {
        char name[300];
        snprintf(name, sizeof name, "days_to_target.%s", cats.v[k]);
        show[2] |= any_metric(cx, name);
    }
    if (cats.n) {
        af_buf_put(b, "<div class=\"keep\">\n<h3>By category</h3>\n<table class=\"bycat\">\n<thead><tr><th>category</th>");
        for (size_t i = 0; i < cx->n_runs; i++)
            for (size_t c = 0; c < 3; c++) {
                if (!show[c]) continue;
                af_buf_put(b, "<th class=\"n\">");
                if (cx->n_runs > 1) {
                    rp_esc(b, cx->runs[i].label);
                    af_buf_put(b, ": ");
                }
                af_buf_put(b, col_names[c]);
                af_buf_put(b, "</th>");
            }
        af_buf_put(b, "</tr></thead>\n<tbody>\n");
        for (size_t k = 0; k < cats.n; k++) {
            af_buf_put(b, "<tr><td>");
            rp_esc(b, cats.v[k]);
            af_buf_put(b, "</td>");
            for (size_t i = 0; i < cx->n_runs; i++)
                for (size_t c = 0; c < 3; c++) {
                    if (!show[c]) continue;
                    char name[300];
                    snprintf(name, sizeof name, "%s%s", prefixes[c], cats.v[k]);
                    af_summary m;
                    const rp_run *r = &cx->runs[i];
                    if (!rp_run_metric(r, name, &m)) af_buf_put(b, "<td class=\"n\">\xE2\x80\x93</td>");
                    else if (c == 2 && isfinite(r->horizon_days) && m.mean >= r->horizon_days + 1)
                        af_buf_put(b, "<td class=\"n\">not reached</td>");
                    else rp_cell_metric(b, m.mean, m.ci_low, m.ci_high, c == 0 ? RP_PCT : RP_NUM);
                }
            af_buf_put(b, "</tr>\n");
        }
        af_buf_put(b, "</tbody>\n</table>\n</div>\n");
    }
    rp_names_free(&cats);
    af_buf_put(b, "</div>\n");
    af_buf_printf(b, "<p class=\"ci\">Means over replications, with the two-sided %s Student t interval of the mean in "
                 "brackets.%s</p>\n", conf,
              show[2] ? " First day at target: the first day whose coverage reached the scenario's coverage target, "
                        "averaged counting a replication that never reached it as horizon + 1."
                      : "");
}

static void prov_row(af_buf *b, const char *key, const char *value, bool code)
{
    if (!value) return;
    af_buf_put(b, "<tr><td>");
    rp_esc(b, key);
    af_buf_put(b, code ? "</td><td><code>" : "</td><td>");
    rp_esc(b, value);
    af_buf_put(b, code ? "</code></td></tr>\n" : "</td></tr>\n");
}

static void run_provenance(rp_ctx *cx, const rp_run *r)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<div>\n");
    if (cx->n_runs > 1) {
        af_buf_put(b, "<h3>");
        rp_esc(b, r->label);
        af_buf_put(b, "</h3>\n");
    } else {
        af_buf_put(b, "<h3>Scenario and provenance</h3>\n");
    }
    af_buf_put(b, "<table class=\"prov\">\n<tbody>\n");
    prov_row(b, "Scenario", r->name, false);
    if (cx->n_runs > 1) prov_row(b, "Description", r->description, false);
    prov_row(b, "Scenario file", r->file, true);
    char tmp[160];
    if (r->start || isfinite(r->horizon_days)) {
        char h[48] = "", w[48] = "";
        if (isfinite(r->horizon_days)) snprintf(h, sizeof h, "%g days", r->horizon_days);
        if (isfinite(r->warmup_days) && r->warmup_days > 0) snprintf(w, sizeof w, " after %g days of warm-up", r->warmup_days);
        af_buf_put(b, "<tr><td>Period</td><td>");
        if (r->start) {
            af_buf_put(b, "start ");
            rp_esc(b, r->start);
            af_buf_put(b, ", ");
        }
        rp_esc(b, h);
        rp_esc(b, w);
        af_buf_put(b, "</td></tr>\n");
    }
    if (isfinite(r->replications)) {
        snprintf(tmp, sizeof tmp, "%.0f", r->replications);
        prov_row(b, "Replications", tmp, false);
    }
    if (isfinite(r->seed)) {
        snprintf(tmp, sizeof tmp, "%.0f", r->seed);
        prov_row(b, "Seed", tmp, true);
    }
    prov_row(b, "Scenario hash", r->hash, true);
    prov_row(b, "Run id (run_id in the tables)", r->run_id, true);
    prov_row(b, "aidflow version", r->version, true);
    prov_row(b, "Command", r->command, true);
    prov_row(b, "Output directory", r->dir, true);
    af_buf_put(b, "</tbody>\n</table>\n");
    if (r->sources && r->sources->n) {
        /* One run: the sources beside its provenance. */
        if (cx->n_runs == 1) af_buf_put(b, "</div>\n<div>\n<h3>Sources cited by the scenario</h3>\n<ol class=\"src\">\n");
        else af_buf_put(b, "<p>Sources cited by the scenario:</p>\n<ol class=\"src\">\n");
        for (size_t i = 0; i < r->sources->n; i++) {
            af_buf_put(b, "<li>");
            rp_esc(b, r->sources->items[i].string);
            af_buf_put(b, "</li>\n");
        }
        af_buf_put(b, "</ol>\n");
    }
    if (!r->summary)
        af_buf_put(b, "<p class=\"note\">This directory has no summary.json: no headline numbers or provenance.</p>\n");
    af_buf_put(b, "</div>\n");
}

void rp_page_summary(rp_ctx *cx)
{
    if (!cx->n_runs) return;
    af_buf *b = cx->b;
    af_buf_put(b, "<section id=\"summary\">\n<h2>Summary</h2>\n");
    run_headline_tables(cx);
    af_buf_put(b, "<div class=\"grid\">\n");
    for (size_t i = 0; i < cx->n_runs; i++) run_provenance(cx, &cx->runs[i]);
    af_buf_put(b, "</div>\n</section>\n");
}

void rp_page_close(rp_ctx *cx, const char *const *dirs, size_t n_dirs)
{
    af_buf *b = cx->b;
    af_buf_put(b, "<footer>Written by aidflow ");
    rp_esc(b, af_version());
    af_buf_put(b, " from ");
    for (size_t i = 0; i < n_dirs; i++) {
        if (i) af_buf_put(b, ", ");
        af_buf_put(b, "<code>");
        rp_esc(b, dirs[i]);
        af_buf_put(b, "</code>");
    }
    af_buf_put(b, ". Self-contained: no script, no network request; charts are inline SVG.</footer>\n</body>\n</html>\n");
}
