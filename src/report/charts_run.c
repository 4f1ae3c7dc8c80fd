/* The charts of run directories: deliveries against need, coverage and unmet need by region,
 * queues and waits at stations, and truck fates. Several runs are overlaid, a colour each. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/svg.h"
#include "base/date.h"

/* ---- pool ---- */

void *rp_alloc(rp_pool *pool, size_t n, size_t size)
{
    if (pool->nomem) return NULL;
    if (n == 0) n = 1;
    if (pool->n == pool->cap) {
        size_t cap = pool->cap ? pool->cap * 2 : 64;
        void **p = realloc(pool->p, cap * sizeof *p);
        if (!p) {
            pool->nomem = true;
            return NULL;
        }
        pool->p = p;
        pool->cap = cap;
    }
    void *m = calloc(n, size);
    if (!m) {
        pool->nomem = true;
        return NULL;
    }
    pool->p[pool->n++] = m;
    return m;
}

void rp_pool_free(rp_pool *pool)
{
    for (size_t i = 0; i < pool->n; i++) free(pool->p[i]);
    free(pool->p);
    memset(pool, 0, sizeof *pool);
}

/* ---- series to lines ---- */

/* A line from the series `key` of `set`: the mean per day and, if band, the band, each
 * multiplied by scale. False if out of memory. A missing series gives an empty line. */
static bool series_line(rp_ctx *cx, const rp_set *set, uint64_t key, double confidence, double scale, bool band,
                        rp_line *out)
{
    (void)confidence; /* the band is of the replications, not an interval at a confidence */
    memset(out, 0, sizeof *out);
    const rp_series *s = rp_set_find(set, key);
    int n = set->n_days;
    if (!s || n <= 0) return true;
    double *x = rp_alloc(&cx->pool, (size_t)n, sizeof *x), *y = rp_alloc(&cx->pool, (size_t)n, sizeof *y);
    double *lo = band ? rp_alloc(&cx->pool, (size_t)n, sizeof *lo) : NULL;
    double *hi = band ? rp_alloc(&cx->pool, (size_t)n, sizeof *hi) : NULL;
    if (!x || !y || (band && (!lo || !hi))) return false;
    for (int d = 0; d < n; d++) {
        x[d] = d + 1;
        y[d] = NAN;
        if (band) lo[d] = hi[d] = NAN;
        if (d >= s->n_days || s->acc[d].n <= 0) continue;
        y[d] = s->acc[d].mean * scale;
        if (band) {
            /* The 10th to 90th percentile of the replications that day (rp_series_band): one
             * odd replication does not spread the band over the chart as a t interval of the
             * mean of few replications would. None on a day every replication agrees. */
            double a, b;
            if (rp_series_band(s, d, &a, &b)) {
                lo[d] = fmax(a * scale, 0);
                hi[d] = b * scale;
            }
        }
    }
    out->n = n;
    out->x = x;
    out->y = y;
    out->lo = lo;
    out->hi = hi;
    return true;
}

static double series_max_mean(const rp_set *set, uint64_t key)
{
    const rp_series *s = rp_set_find(set, key);
    double m = 0;
    for (int d = 0; s && d < s->n_days && d < set->n_days; d++)
        if (s->acc[d].n > 0 && s->acc[d].mean > m) m = s->acc[d].mean;
    return m;
}

/* The last reported day over all runs: day charts share the x range 1..that. */
static double days_span(const rp_ctx *cx, bool stations)
{
    int n = 0;
    for (size_t i = 0; i < cx->n_runs; i++) {
        int d = stations ? cx->runs[i].st.n_days : cx->runs[i].daily.n_days;
        if (d > n) n = d;
    }
    return n > 1 ? n : 0;
}

/* ---- shared wording ---- */

/* The legend of the band of every daily chart (rp_series_band). */
#define BAND_LABEL "10th\xE2\x80\x93" "90th percentile of replications"

static void x_label(rp_ctx *cx, char *out, size_t size)
{
    /* Day 1's date when every run starts on the same one. */
    const char *date = NULL;
    bool same = true;
    for (size_t i = 0; i < cx->n_runs; i++) {
        const rp_run *r = &cx->runs[i];
        if (!(r->has_daily || r->has_stations)) continue;
        const char *d = r->n_dates > 0 ? r->dates[0] : NULL;
        if (!d || (date && strcmp(d, date))) same = false;
        if (!date) date = d;
    }
    if (date && same) snprintf(out, size, "date (the horizon starts on %.40s)", date);
    else if (cx->n_runs > 1) snprintf(out, size, "day of the horizon (day 1 = each scenario's first reported day)");
    else snprintf(out, size, "day of the horizon");
}

static double min_reps(const rp_ctx *cx, bool stations)
{
    double m = INFINITY;
    for (size_t i = 0; i < cx->n_runs; i++) {
        const rp_run *r = &cx->runs[i];
        if (stations ? r->has_stations : r->has_daily) m = fmin(m, (double)(stations ? r->station_reps : r->daily_reps));
    }
    return m;
}

static void band_caption(rp_ctx *cx, char *out, size_t size, bool stations)
{
    double reps = min_reps(cx, stations);
    if (reps >= 2)
        snprintf(out, size, "Lines are means over %s%.0f replications; the shaded band around each holds the middle "
                            "80%% of the replications that day (their 10th to 90th percentile), so that one odd "
                            "replication does not fill the chart.",
                 cx->n_runs > 1 ? "at least " : "", reps);
    else
        snprintf(out, size, "One replication: no band can be drawn.");
}

/* a followed by b, in the pool (legend labels live until the report is written). */
static const char *pool_cat(rp_ctx *cx, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = rp_alloc(&cx->pool, la + lb + 1, 1);
    if (!s) return "";
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
    return s;
}

/* The day number (base/date.h) of an ISO date, or 0 when it is not one. */
static long iso_day(const char *iso)
{
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return 0;
    return af_days_from_civil(y, m, d);
}

/* Dates on a chart's time axis when every run starts on the same day, and the runs' dated
 * events (summary.json's "events") as numbered marks, explained at the end of the caption. */
static void time_axis(rp_ctx *cx, rp_chart *c, char *cap, size_t cap_size)
{
    long day1 = 0;
    for (size_t i = 0; i < cx->n_runs; i++) {
        const rp_run *r = &cx->runs[i];
        if (!(r->has_daily || r->has_stations)) continue;
        long d = r->n_dates > 0 ? iso_day(r->dates[0]) : 0;
        if (!d || (day1 && d != day1)) return;
        day1 = d;
    }
    if (!day1) return;
    c->x_day1 = day1;
    size_t total = 0;
    for (size_t i = 0; i < cx->n_runs; i++) total += cx->runs[i].n_events;
    if (!total) return;
    rp_mark *marks = rp_alloc(&cx->pool, total, sizeof *marks);
    if (!marks) return;
    size_t n = 0;
    af_buf t = {0};
    double last = c->x_hi > c->x_lo ? c->x_hi : INFINITY;
    for (size_t i = 0; i < cx->n_runs; i++)
        for (size_t e = 0; e < cx->runs[i].n_events; e++) {
            const rp_event *ev = &cx->runs[i].events[e];
            long a = iso_day(ev->from), z = iso_day(ev->to);
            if (!a || !z) continue;
            double x0 = (double)(a - day1 + 1), x1 = (double)(z - day1 + 1);
            if (x1 <= 1 || x0 > last) continue;
            /* The same event in several runs is marked once. */
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                for (size_t f = 0; f < cx->runs[j].n_events && !seen; f++) {
                    const rp_event *o = &cx->runs[j].events[f];
                    seen = !strcmp(o->station, ev->station) && !strcmp(o->from, ev->from) && !strcmp(o->to, ev->to) &&
                           !strcmp(o->kind, ev->kind);
                }
            if (seen) continue;
            bool closure = strstr(ev->kind, "closure") != NULL;
            marks[n] = (rp_mark){.x0 = fmax(x0, 1), .x1 = closure ? x1 : x0, .number = (int)n + 1};
            if (closure) {
                /* `to` is exclusive: a closure to midnight lasts to the end of the day before. */
                char end[24];
                snprintf(end, sizeof end, "%s", ev->to);
                if (strlen(ev->to) == 10) af_iso_date(z - 1, end);
                if (strcmp(end, ev->from))
                    af_buf_printf(&t, "%s%zu: %s closed from %s to %s", n ? "; " : "", n + 1, ev->station, ev->from, end);
                else
                    af_buf_printf(&t, "%s%zu: %s closed on %s", n ? "; " : "", n + 1, ev->station, ev->from);
            } else {
                af_buf_printf(&t, "%s%zu: %s %s %.10s", n ? "; " : "", n + 1, ev->station,
                              !strcmp(ev->kind, "opening") ? "opens on"
                              : !strcmp(ev->kind, "stop")  ? "stops on"
                                                           : "changes its dispatch plan on",
                              ev->from);
            }
            if (cx->n_runs > 1) af_buf_printf(&t, " (%s)", cx->runs[i].label);
            n++;
        }
    c->marks = marks;
    c->n_marks = n;
    if (n && t.data) {
        size_t len = strlen(cap);
        snprintf(cap + len, cap_size - len, " Dated events (purple, numbered): %s.", t.data);
    }
    af_buf_free(&t);
}

static int run_color(const rp_ctx *cx, size_t i) { return cx->n_runs > 1 ? (int)i : 0; }

/* ---- deliveries against need ---- */

static void chart_deliveries(rp_ctx *cx)
{
    rp_names cats = {0};
    for (size_t i = 0; i < cx->n_runs; i++)
        for (size_t k = 0; k < cx->runs[i].categories.n; k++)
            if (rp_names_intern(&cats, cx->runs[i].categories.v[k], 100000) < 0) cx->pool.nomem = true;
    size_t np = cats.n + 1;
    rp_panel *panels = rp_alloc(&cx->pool, np, sizeof *panels);
    rp_legend *leg = rp_alloc(&cx->pool, 2 * cx->n_runs + 2, sizeof *leg);
    if (!panels || !leg) {
        rp_names_free(&cats);
        return;
    }
    for (size_t p = 0; p < np; p++) {
        rp_line *lines = rp_alloc(&cx->pool, 2 * cx->n_runs, sizeof *lines);
        if (!lines) break;
        panels[p].title = p == 0 ? "All categories" : cats.v[p - 1];
        panels[p].ref_y = NAN;
        panels[p].lines = lines;
        for (size_t i = 0; i < cx->n_runs; i++) {
            const rp_run *r = &cx->runs[i];
            if (!r->has_daily) continue;
            long k = p == 0 ? 0 : rp_names_find(&r->categories, cats.v[p - 1]);
            if (k < 0) continue;
            uint64_t kd = p == 0 ? rp_key(RP_K_DELIV_ALL, 0, 0) : rp_key(RP_K_DELIV_CAT, (unsigned)k, 0);
            uint64_t kn = p == 0 ? rp_key(RP_K_NEED_ALL, 0, 0) : rp_key(RP_K_NEED_CAT, (unsigned)k, 0);
            rp_line *d = &lines[panels[p].n_lines++];
            if (!series_line(cx, &r->daily, kd, r->confidence, 1, true, d)) break;
            d->color = run_color(cx, i);
            rp_line *nd = &lines[panels[p].n_lines++];
            if (!series_line(cx, &r->daily, kn, r->confidence, 1, false, nd)) break;
            nd->color = cx->n_runs > 1 ? (int)i : RP_BLACK;
            nd->dash = RP_DASHED;
        }
    }
    size_t nl = 0;
    for (size_t i = 0; i < cx->n_runs; i++) {
        if (!cx->runs[i].has_daily) continue;
        const char *lab = cx->runs[i].label;
        leg[nl++] = (rp_legend){RP_LEG_LINE, cx->n_runs > 1 ? pool_cat(cx, lab, ": delivered") : "delivered (mean)",
                                run_color(cx, i), RP_SOLID};
        leg[nl++] = (rp_legend){RP_LEG_LINE, cx->n_runs > 1 ? pool_cat(cx, lab, ": need") : "need",
                                cx->n_runs > 1 ? (int)i : RP_BLACK, RP_DASHED};
    }
    if (min_reps(cx, false) >= 2)
        leg[nl++] = (rp_legend){RP_LEG_BAND, BAND_LABEL, 0, RP_SOLID};
    char xl[96], cap[2400], id[32];
    x_label(cx, xl, sizeof xl);
    band_caption(cx, cap, sizeof cap, false);
    strncat(cap, " Deliveries are tonnes unloaded at the hubs each day; need is population \xC3\x97 per-person daily need.",
            sizeof cap - strlen(cap) - 1);
    af_buf_put(cx->b, "<section id=\"deliveries\">\n<h2>Deliveries against need</h2>\n");
    rp_figure_open(cx, "deliveries", id, sizeof id);
    rp_chart c = {.id = id, .title = "Tonnes delivered and needed per day, by category",
                  .x_label = xl, .y_label = "tonnes per day", .panels = panels, .n_panels = np,
                  .columns = np > 6 ? 4 : 3, .x_days = true, .x_lo = 1, .x_hi = days_span(cx, false), .y_zero = true,
                  .legend = leg, .n_legend = nl};
    time_axis(cx, &c, cap, sizeof cap);
    if (!cx->pool.nomem) rp_svg_lines(cx->b, &c);
    rp_figure_close(cx, cap);
    af_buf_put(cx->b, "</section>\n");
    rp_names_free(&cats);
}

/* ---- coverage and unmet need by region ---- */

static void regions_union(rp_ctx *cx, rp_names *out)
{
    for (size_t i = 0; i < cx->n_runs; i++)
        for (size_t k = 0; k < cx->runs[i].regions.n; k++)
            if (rp_names_intern(out, cx->runs[i].regions.v[k], 100000) < 0) cx->pool.nomem = true;
}

static void chart_coverage(rp_ctx *cx)
{
    rp_names regs = {0};
    regions_union(cx, &regs);
    rp_panel *panels = rp_alloc(&cx->pool, regs.n, sizeof *panels);
    rp_legend *leg = rp_alloc(&cx->pool, cx->n_runs + 2, sizeof *leg);
    if (!panels || !leg) {
        rp_names_free(&regs);
        return;
    }
    double target = isfinite(cx->runs[0].coverage_target) ? cx->runs[0].coverage_target : 1.0;
    for (size_t p = 0; p < regs.n; p++) {
        rp_line *lines = rp_alloc(&cx->pool, cx->n_runs, sizeof *lines);
        if (!lines) break;
        panels[p].title = regs.v[p];
        panels[p].ref_y = target;
        panels[p].lines = lines;
        for (size_t i = 0; i < cx->n_runs; i++) {
            const rp_run *r = &cx->runs[i];
            long k = rp_names_find(&r->regions, regs.v[p]);
            if (!r->has_daily || k < 0) continue;
            rp_line *l = &lines[panels[p].n_lines++];
            if (!series_line(cx, &r->daily, rp_key(RP_K_COV_REGION, (unsigned)k, 0), r->confidence, 1, true, l)) break;
            l->color = run_color(cx, i);
        }
    }
    size_t nl = 0;
    for (size_t i = 0; i < cx->n_runs; i++)
        if (cx->runs[i].has_daily)
            leg[nl++] = (rp_legend){RP_LEG_LINE, cx->n_runs > 1 ? cx->runs[i].label : "coverage (mean)", run_color(cx, i),
                                    RP_SOLID};
    if (min_reps(cx, false) >= 2) leg[nl++] = (rp_legend){RP_LEG_BAND, BAND_LABEL, 0, RP_SOLID};
    char t[64];
    snprintf(t, sizeof t, "%g%%", target * 100);
    leg[nl++] = (rp_legend){RP_LEG_REF, isfinite(cx->runs[0].coverage_target) ? pool_cat(cx, pool_cat(cx, "coverage target (", t), ")")
                                                                               : "need fully covered (100%)",
                            RP_RED, RP_DASHED};
    char xl[96], cap[2400], id[32];
    x_label(cx, xl, sizeof xl);
    band_caption(cx, cap, sizeof cap, false);
    strncat(cap, " Coverage is the day's tonnes delivered \xC3\xB7 tonnes needed over all categories.",
            sizeof cap - strlen(cap) - 1);
    af_buf_put(cx->b, "<section id=\"regions\">\n<h2>Coverage and unmet need by region</h2>\n");
    rp_figure_open(cx, "coverage", id, sizeof id);
    rp_chart c = {.id = id, .title = "Daily coverage by region", .x_label = xl,
                  .y_label = "delivered \xC3\xB7 need (%)", .panels = panels, .n_panels = regs.n, .columns = 3,
                  .x_days = true, .x_lo = 1, .x_hi = days_span(cx, false), .y_zero = true, .y_percent = true, .legend = leg, .n_legend = nl};
    time_axis(cx, &c, cap, sizeof cap);
    if (!cx->pool.nomem) rp_svg_lines(cx->b, &c);
    rp_figure_close(cx, cap);
    rp_names_free(&regs);
}

static void chart_unmet(rp_ctx *cx)
{
    rp_names regs = {0}, cats = {0};
    regions_union(cx, &regs);
    for (size_t i = 0; i < cx->n_runs; i++)
        for (size_t k = 0; k < cx->runs[i].categories.n; k++)
            if (rp_names_intern(&cats, cx->runs[i].categories.v[k], 100000) < 0) cx->pool.nomem = true;
    /* Person-days when every category's per-person need is known in every run. */
    bool person_days = true;
    for (size_t i = 0; i < cx->n_runs; i++)
        for (size_t k = 0; k < cx->runs[i].categories.n; k++)
            if (isnan(cx->runs[i].per_person[k])) person_days = false;
    /* A panel per region and category, a colour per run: colour means the scenario in every
     * chart of the report. */
    size_t np = regs.n * cats.n;
    rp_panel *panels = rp_alloc(&cx->pool, np, sizeof *panels);
    rp_legend *leg = rp_alloc(&cx->pool, cx->n_runs + 2, sizeof *leg);
    bool band = min_reps(cx, false) >= 2;
    for (size_t p = 0; panels && leg && p < np; p++) {
        size_t g = p / (cats.n ? cats.n : 1), kk = p % (cats.n ? cats.n : 1);
        rp_line *lines = rp_alloc(&cx->pool, cx->n_runs, sizeof *lines);
        if (!lines) break;
        panels[p].title = pool_cat(cx, pool_cat(cx, regs.v[g], " \xC2\xB7 "), cats.v[kk]);
        panels[p].ref_y = NAN;
        panels[p].lines = lines;
        for (size_t i = 0; i < cx->n_runs; i++) {
            const rp_run *r = &cx->runs[i];
            long k = rp_names_find(&r->categories, cats.v[kk]);
            long rr = rp_names_find(&r->regions, regs.v[g]);
            if (!r->has_daily || k < 0 || rr < 0) continue;
            double pp = r->per_person[k];
            double scale = !person_days ? 1 : isinf(pp) ? 0 : 1 / pp;
            rp_line *l = &lines[panels[p].n_lines++];
            if (!series_line(cx, &r->daily, rp_key(RP_K_UNMET_RC, (unsigned)rr, (unsigned)k), r->confidence, scale,
                             band, l))
                break;
            l->color = run_color(cx, i);
        }
    }
    size_t nl = 0;
    for (size_t i = 0; leg && i < cx->n_runs; i++)
        leg[nl++] = (rp_legend){RP_LEG_LINE, cx->n_runs > 1 ? cx->runs[i].label : "unmet need, running total (mean)",
                                run_color(cx, i), RP_SOLID};
    if (leg && band) leg[nl++] = (rp_legend){RP_LEG_BAND, BAND_LABEL, 0, RP_SOLID};
    char xl[96], cap[2400], id[32];
    x_label(cx, xl, sizeof xl);
    if (person_days)
        snprintf(cap, sizeof cap, "Running total of unmet need since day 1, in person-days without that category: "
                                  "unmet tonnes \xC3\xB7 the per-person daily need (as summary.json gives it, or derived "
                                  "from its person-days of unmet need).%s",
                 band ? " Shaded: the 10th to 90th percentile of the replications." : "");
    else
        snprintf(cap, sizeof cap, "Running total of unmet need since day 1, in tonnes: summary.json gives neither the "
                                  "per-person daily need nor person-days of unmet need to derive it from, so "
                                  "person-days cannot be shown.%s",
                 band ? " Shaded: the 10th to 90th percentile of the replications." : "");
    rp_figure_open(cx, "unmet", id, sizeof id);
    rp_chart c = {.id = id, .title = person_days ? "Cumulative unmet need by region, person-days"
                                                 : "Cumulative unmet need by region, tonnes",
                  .x_label = xl, .y_label = person_days ? "person-days" : "tonnes", .panels = panels,
                  .n_panels = np, .columns = cats.n <= 4 ? (int)cats.n : 3, .panel_height = 100, .x_days = true, .x_lo = 1,
                  .x_hi = days_span(cx, false), .y_zero = true, .legend = leg, .n_legend = nl};
    time_axis(cx, &c, cap, sizeof cap);
    if (!cx->pool.nomem) rp_svg_lines(cx->b, &c);
    rp_figure_close(cx, cap);
    af_buf_put(cx->b, "</section>\n");
    rp_names_free(&regs);
    rp_names_free(&cats);
}

/* ---- stations ---- */

static void chart_stations(rp_ctx *cx, bool wait)
{
    rp_names sts = {0};
    for (size_t i = 0; i < cx->n_runs; i++)
        for (size_t k = 0; k < cx->runs[i].stations.n; k++)
            if (rp_names_intern(&sts, cx->runs[i].stations.v[k], 100000) < 0) cx->pool.nomem = true;
    /* Waits in hours when they run long. */
    double scale = 1;
    if (wait) {
        double m = 0;
        for (size_t i = 0; i < cx->n_runs; i++)
            for (size_t k = 0; k < cx->runs[i].stations.n; k++)
                m = fmax(m, series_max_mean(&cx->runs[i].st, rp_key(RP_K_WAIT, (unsigned)k, 0)));
        if (m > 600) scale = 1.0 / 60;
    }
    rp_panel *panels = rp_alloc(&cx->pool, sts.n, sizeof *panels);
    rp_legend *leg = rp_alloc(&cx->pool, 2 * cx->n_runs + 4, sizeof *leg);
    bool shaded = false, limits = false;
    /* Queues: everything waiting at midnight (the queue and the trucks blocked upstream behind
     * a full staging area), with the time-average queue dashed under it. */
    bool upstream = !wait;
    for (size_t i = 0; i < cx->n_runs; i++) upstream &= !cx->runs[i].has_stations || cx->runs[i].has_qmid;
    for (size_t p = 0; panels && leg && p < sts.n; p++) {
        rp_line *lines = rp_alloc(&cx->pool, 2 * cx->n_runs, sizeof *lines);
        if (!lines) break;
        panels[p].title = sts.v[p];
        panels[p].ref_y = NAN;
        panels[p].lines = lines;
        for (size_t i = 0; i < cx->n_runs; i++) {
            const rp_run *r = &cx->runs[i];
            long k = rp_names_find(&r->stations, sts.v[p]);
            if (!r->has_stations || k < 0) continue;
            rp_line *l = &lines[panels[p].n_lines++];
            if (!series_line(cx, &r->st, rp_key(wait ? RP_K_WAIT : upstream ? RP_K_QMID : RP_K_QUEUE, (unsigned)k, 0),
                             r->confidence, scale, true, l))
                break;
            l->color = run_color(cx, i);
            if (upstream) {
                rp_line *q = &lines[panels[p].n_lines++];
                if (!series_line(cx, &r->st, rp_key(RP_K_QUEUE, (unsigned)k, 0), r->confidence, 1, false, q)) break;
                q->color = run_color(cx, i);
                q->dash = RP_DOTTED;
                long nd = rp_node_find(r, sts.v[p]);
                if (nd >= 0 && isfinite(r->nodes[nd].queue_limit) && isnan(panels[p].ref_y)) {
                    panels[p].ref_y = r->nodes[nd].queue_limit;
                    limits = true;
                }
            }
            /* Closures of the first run that has this station. */
            if (!panels[p].shade && r->has_open_hours) {
                rp_line cl;
                if (!series_line(cx, &r->st, rp_key(RP_K_CLOSED, (unsigned)k, 0), 0.95, 1, false, &cl)) break;
                if (cl.n) {
                    double *sh = rp_alloc(&cx->pool, (size_t)cl.n, sizeof *sh);
                    if (!sh) break;
                    for (int d = 0; d < cl.n; d++) {
                        sh[d] = isfinite(cl.y[d]) ? cl.y[d] : 0;
                        if (sh[d] > 0) shaded = true;
                    }
                    panels[p].shade = sh;
                    panels[p].n_shade = cl.n;
                    panels[p].shade_x0 = 1;
                }
            }
        }
    }
    size_t nl = 0;
    for (size_t i = 0; leg && i < cx->n_runs; i++)
        if (cx->runs[i].has_stations)
            leg[nl++] = (rp_legend){RP_LEG_LINE,
                                    cx->n_runs > 1 ? cx->runs[i].label
                                    : wait         ? "mean wait"
                                    : upstream     ? "waiting at midnight, in the queue and blocked upstream"
                                                   : "mean queue",
                                    run_color(cx, i), RP_SOLID};
    if (leg && upstream)
        leg[nl++] = (rp_legend){RP_LEG_LINE, "in the queue (time-average)", cx->n_runs > 1 ? RP_GREY : 0, RP_DOTTED};
    if (leg && limits) leg[nl++] = (rp_legend){RP_LEG_REF, "queue limit: beyond it trucks wait upstream", RP_RED, RP_DASHED};
    if (leg && min_reps(cx, true) >= 2) leg[nl++] = (rp_legend){RP_LEG_BAND, BAND_LABEL, 0, RP_SOLID};
    if (leg && shaded)
        leg[nl++] = (rp_legend){RP_LEG_SHADE, "closed all day (darker: in more replications)", RP_GREY, RP_SOLID};
    char xl[96], cap[2400], id[32];
    x_label(cx, xl, sizeof xl);
    band_caption(cx, cap, sizeof cap, true);
    if (wait)
        strncat(cap, " Wait: mean time in the queue of the trucks that started service that day (days when none did "
                     "are gaps).",
                sizeof cap - strlen(cap) - 1);
    else
        strncat(cap, upstream ? " Solid: trucks waiting at midnight, in the queue plus those blocked upstream because "
                                "the queue was full (stations.csv's queue_midnight); dotted: the time-average number in "
                                "the queue, which cannot pass the queue limit."
                              : " Queue: time-average number of trucks waiting for a lane over the day.",
                sizeof cap - strlen(cap) - 1);
    if (shaded && cx->n_runs > 1)
        strncat(cap, " Closures shown are those of the first run listed.", sizeof cap - strlen(cap) - 1);
    if (!wait) af_buf_put(cx->b, "<section id=\"stations\">\n<h2>Queues and waits at stations</h2>\n");
    rp_figure_open(cx, wait ? "waits" : "queues", id, sizeof id);
    rp_chart c = {.id = id,
                  .title = wait ? "Waiting time per station" : upstream ? "Trucks waiting per station, upstream included" : "Queue length per station",
                  .x_label = xl,
                  .y_label = wait ? (scale == 1 ? "minutes" : "hours") : "trucks waiting",
                  .panels = panels, .n_panels = sts.n, .columns = sts.n > 6 ? 4 : 3, .panel_height = 110,
                  .x_days = true, .x_lo = 1, .x_hi = days_span(cx, true), .y_zero = true, .legend = leg, .n_legend = nl};
    time_axis(cx, &c, cap, sizeof cap);
    if (!cx->pool.nomem && panels && leg) rp_svg_lines(cx->b, &c);
    rp_figure_close(cx, cap);
    if (wait) af_buf_put(cx->b, "</section>\n");
    rp_names_free(&sts);
}

/* ---- truck fates ---- */

static void chart_fates(rp_ctx *cx)
{
    enum { NS = 5 };
    static const char *const seg_labels[NS] = {"delivered without a hold", "held, then cleared", "rejected at a hold",
                                               "lost on the way", "still on the way at the end"};
    static const int seg_colors[NS] = {2, 0, 3, 1, 9};
    size_t nb = 0;
    const char **labels = rp_alloc(&cx->pool, cx->n_runs, sizeof *labels);
    double *values = rp_alloc(&cx->pool, cx->n_runs * NS, sizeof *values);
    if (!labels || !values) return;
    for (size_t i = 0; i < cx->n_runs; i++) {
        const rp_run *r = &cx->runs[i];
        af_summary del, clr, rej, lost, ins;
        if (!rp_run_metric(r, "trucks.delivered", &del)) continue;
        double c = rp_run_metric(r, "trucks.cleared_after_hold", &clr) ? clr.mean : 0;
        double *v = values + nb * NS;
        v[0] = fmax(del.mean - c, 0);
        v[1] = fmin(c, del.mean);
        v[2] = rp_run_metric(r, "trucks.rejected", &rej) ? rej.mean : 0;
        v[3] = rp_run_metric(r, "trucks.lost", &lost) ? lost.mean : 0;
        v[4] = rp_run_metric(r, "trucks.in_system", &ins) ? ins.mean : 0;
        labels[nb++] = r->label;
    }
    if (!nb) return;
    char id[32];
    af_buf_put(cx->b, "<section id=\"fates\">\n<h2>What became of the trucks</h2>\n");
    rp_figure_open(cx, "fates", id, sizeof id);
    rp_bars c = {.id = id, .title = "Truck fates over the horizon (mean per replication)", .x_label = "trucks",
                 .n_bars = nb, .bar_labels = labels, .n_segs = NS, .seg_labels = seg_labels, .seg_colors = seg_colors,
                 .values = values};
    rp_svg_stacked_bars(cx->b, &c);
    rp_figure_close(cx, "From summary.json: trucks delivered to hubs split into those never held and those held "
                        "then cleared (cleared or partly offloaded), holds that ended in rejection (a rejected "
                        "truck may be repacked and sent again), trucks lost on legs, and trucks still on their way "
                        "when the horizon ended.");
    af_buf_put(cx->b, "</section>\n");
}

void rp_run_sections(rp_ctx *cx)
{
    bool daily = false, stations = false;
    for (size_t i = 0; i < cx->n_runs; i++) {
        daily |= cx->runs[i].has_daily;
        stations |= cx->runs[i].has_stations;
    }
    if (daily) {
        chart_deliveries(cx);
        chart_coverage(cx);
        chart_unmet(cx);
    }
    if (stations) {
        chart_stations(cx, false);
        chart_stations(cx, true);
    }
    chart_fates(cx);
    if (cx->n_runs && !daily && !stations)
        af_buf_put(cx->b, "<p class=\"note\">No daily.csv or stations.csv: only the summary can be shown.</p>\n");
}
