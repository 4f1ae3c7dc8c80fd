/* The answer first: a paragraph in plain words per run (the share of each region's need met
 * per category, where the trucks wait, what limits deliveries and for how long), then the
 * region x category table of need met (consumed / need over the horizon, from daily.csv). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/svg.h"

/* "2024-03-01" as "1 Mar 2024"; other text as it is. */
static void nice_date(char *out, size_t size, const char *iso)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, d;
    if (iso && strlen(iso) >= 10 && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12)
        snprintf(out, size, "%d %s %d", d, months[m - 1], y);
    else
        snprintf(out, size, "%s", iso ? iso : "");
}

static const char *day_date(const rp_run *r, int d)
{
    return d >= 0 && d < r->n_dates ? r->dates[d] : NULL;
}

/* A share for a sentence: "all", "under 1%", "37%". */
static void share_words(char *out, size_t size, double v)
{
    if (!isfinite(v)) snprintf(out, size, "an unknown share");
    else if (v >= 0.995) snprintf(out, size, "all");
    else if (v > 0 && v < 0.005) snprintf(out, size, "under 1%%");
    else snprintf(out, size, "%.0f%%", v * 100);
}

static bool need_met(const rp_run *r, size_t g, size_t k, af_summary *out)
{
    const rp_series *s = rp_set_find(&r->daily, rp_key(RP_K_MET_RC, (unsigned)g, (unsigned)k));
    if (!s || s->n_days < 1 || s->acc[0].n == 0) return false;
    *out = af_tally_summary(&s->acc[0], r->confidence);
    /* No interval on a constant. */
    if (!(out->sd > 0)) out->ci_low = out->ci_high = NAN;
    return true;
}

static void hours_words(char *out, size_t size, double minutes)
{
    if (!isfinite(minutes)) snprintf(out, size, "an unknown time");
    else if (minutes < 90) snprintf(out, size, "%.0f min", minutes);
    else if (minutes < 2 * 1440) snprintf(out, size, "%.0f h", minutes / 60);
    else snprintf(out, size, "%.1f days", minutes / 1440);
}

static void count_words(char *out, size_t size, double v)
{
    rp_fmt_num(out, size, v >= 10 ? round(v) : v, v >= 10 ? 6 : 2);
}

static void run_paragraph(rp_ctx *cx, size_t i)
{
    af_buf *b = cx->b;
    const rp_run *r = &cx->runs[i];
    const rp_analysis *a = &cx->analysis[i];
    char d0[40], d1[40], t[64];
    af_buf_put(b, "<div class=\"answer\">\n");
    if (cx->n_runs > 1) {
        af_buf_put(b, "<h3>");
        rp_esc(b, r->label);
        af_buf_put(b, "</h3>\n");
    }
    /* Need met, per region. */
    if (r->has_daily && r->has_consumed && r->regions.n) {
        int last = r->daily.n_days - 1;
        nice_date(d0, sizeof d0, day_date(r, 0));
        nice_date(d1, sizeof d1, day_date(r, last));
        af_buf_put(b, "<p><strong>Need met.</strong> ");
        if (*d0 && *d1) af_buf_printf(b, "From %s to %s (%d days), ", d0, d1, last + 1);
        else af_buf_printf(b, "Over the %d days reported, ", last + 1);
        for (size_t g = 0; g < r->regions.n; g++) {
            af_buf_put(b, g == 0 ? "the " : g + 1 == r->regions.n ? "; and the " : "; the ");
            rp_esc(b, r->regions.v[g]);
            af_buf_put(b, " got ");
            size_t said = 0;
            for (size_t k = 0; k < r->categories.n; k++) {
                af_summary m;
                if (!need_met(r, g, k, &m)) continue;
                share_words(t, sizeof t, m.mean);
                af_buf_put(b, said ? ", " : "");
                af_buf_printf(b, "%s of its ", t);
                rp_esc(b, r->categories.v[k]);
                said++;
            }
            if (!said) af_buf_put(b, "nothing it needed (no need recorded)");
        }
        af_buf_put(b, ".</p>\n");
    }
    /* Where the trucks wait. */
    if (a->n_stations) {
        size_t order[3];
        size_t n = 0;
        for (size_t pick = 0; pick < 3; pick++) {
            long best = -1;
            for (size_t s = 0; s < a->n_stations; s++) {
                bool used = false;
                for (size_t q = 0; q < n; q++) used |= order[q] == s;
                if (used || !(a->stations[s].waiting >= 1)) continue;
                if (best < 0 || a->stations[s].waiting > a->stations[best].waiting) best = (long)s;
            }
            if (best >= 0) order[n++] = (size_t)best;
        }
        af_buf_put(b, "<p><strong>Where the trucks wait.</strong> ");
        if (!n) af_buf_put(b, "Nowhere for long: no station had a truck waiting at midnight on average.");
        for (size_t q = 0; q < n; q++) {
            const rp_station_stats *s = &a->stations[order[q]];
            char w[48], h[48], u[48], lim[48];
            count_words(w, sizeof w, s->waiting);
            hours_words(h, sizeof h, s->wait_min);
            af_buf_put(b, q == 0 ? "Most at <strong>" : q + 1 == n ? "; and at <strong>" : "; then at <strong>");
            rp_esc(b, s->station);
            af_buf_printf(b, "</strong>: %s trucks waiting at midnight on average", w);
            if (s->upstream >= 1) {
                count_words(u, sizeof u, s->upstream);
                count_words(lim, sizeof lim, s->queue_limit);
                af_buf_printf(b, ", %s of them upstream because its %s-truck queue is full", u, lim);
            }
            if (isfinite(s->wait_min)) af_buf_printf(b, ", a mean wait of %s", h);
        }
        if (n) af_buf_put(b, ".");
        af_buf_put(b, "</p>\n");
        /* What limits deliveries: the model's binding constraint (summary.json's binding),
         * with this station's days from stations.csv; older files without it: the station
         * that held trucks back on the most days. */
        af_buf_put(b, "<p><strong>What limits deliveries.</strong> ");
        long binding = a->binding;
        if (r->has_binding) {
            binding = -1;
            for (size_t k = 0; r->binding_name && r->binding_kind && !strcmp(r->binding_kind, "station") &&
                               k < a->n_stations; k++)
                if (!strcmp(a->stations[k].station, r->binding_name)) binding = (long)k;
        }
        if (r->has_binding && !r->binding_name) {
            af_buf_put(b, "Nothing held trucks back on any day (no station, leg or Gaza-side area had trucks waiting "
                          "at midnight while closed, saturated or at its capacity): deliveries are limited by what "
                          "the origins dispatch.");
        } else if (r->has_binding && binding < 0) {
            share_words(t, sizeof t, r->binding_share);
            af_buf_put(b, !strcmp(r->binding_kind ? r->binding_kind : "", "leg") ? "The leg <strong>"
                          : !strcmp(r->binding_kind ? r->binding_kind : "", "gaza_side") ? "The Gaza side of <strong>"
                                                                                         : "<strong>");
            rp_esc(b, r->binding_name);
            af_buf_printf(b, "</strong> bound on %s of the horizon, with trucks waiting at its start or in its "
                             "waiting area at midnight.", t);
        } else if (binding < 0) {
            af_buf_put(b, "No station held trucks back (none had trucks waiting while it worked at 90% or more of its "
                          "open lanes or served its daily cap): deliveries are limited by what the origins dispatch.");
        } else {
            const rp_station_stats *s = &a->stations[binding];
            af_buf_put(b, "<strong>");
            rp_esc(b, s->station);
            af_buf_put(b, "</strong>");
            if (s->cap_days * 2 >= s->bound_days && isfinite(s->daily_cap))
                af_buf_printf(b, ", at its daily cap of %.0f trucks", s->daily_cap);
            else if (isfinite(s->util_open))
                af_buf_printf(b, ", its lanes busy %.0f%% of the open hours%s", s->util_open * 100,
                              s->util_open > 1 ? " (work started before closing runs past it)" : "");
            af_buf_printf(b, ", with trucks waiting, on %d of the %d days", s->bound_days, s->days);
            if (s->longest > 1) {
                nice_date(d0, sizeof d0, day_date(r, s->first_bound));
                nice_date(d1, sizeof d1, day_date(r, s->last_bound));
                af_buf_printf(b, " (the longest stretch %d days in a row; first %s, last %s)", s->longest, d0, d1);
            }
            af_buf_put(b, ".");
            if (r->has_binding && isfinite(r->binding_share)) {
                share_words(t, sizeof t, r->binding_share);
                af_buf_printf(b, " It is the binding constraint (the most downstream element holding trucks back) "
                                 "on %s of the horizon.", t);
            }
            if (r->bottleneck && strcmp(r->bottleneck, s->station)) {
                af_buf_put(b, " (The station with the highest utilisation, ");
                rp_esc(b, r->bottleneck);
                af_buf_put(b, ", is not the one that holds trucks back most often.)");
            }
        }
        af_buf_put(b, "</p>\n");
    }
    af_buf_put(b, "</div>\n");
}

static void need_met_table(rp_ctx *cx)
{
    af_buf *b = cx->b;
    rp_names regs = {0}, cats = {0};
    bool any = false;
    for (size_t i = 0; i < cx->n_runs; i++) {
        const rp_run *r = &cx->runs[i];
        if (!r->has_daily || !r->has_consumed) continue;
        any = true;
        for (size_t g = 0; g < r->regions.n; g++)
            if (rp_names_intern(&regs, r->regions.v[g], 100000) < 0) cx->pool.nomem = true;
        for (size_t k = 0; k < r->categories.n; k++)
            if (rp_names_intern(&cats, r->categories.v[k], 100000) < 0) cx->pool.nomem = true;
    }
    if (any) {
        char conf[32];
        snprintf(conf, sizeof conf, "%g%%", cx->runs[0].confidence * 100);
        af_buf_put(b, "<h3>Need met, by region and category</h3>\n<table class=\"needmet\">\n<thead><tr><th>region</th>");
        if (cx->n_runs > 1) af_buf_put(b, "<th>scenario</th>");
        for (size_t k = 0; k < cats.n; k++) {
            af_buf_put(b, "<th class=\"n\">");
            rp_esc(b, cats.v[k]);
            af_buf_put(b, "</th>");
        }
        af_buf_put(b, "</tr></thead>\n<tbody>\n");
        for (size_t g = 0; g < regs.n; g++)
            for (size_t i = 0; i < cx->n_runs; i++) {
                const rp_run *r = &cx->runs[i];
                if (!r->has_daily || !r->has_consumed) continue;
                long rg = rp_names_find(&r->regions, regs.v[g]);
                af_buf_put(b, "<tr><th scope=\"row\">");
                rp_esc(b, regs.v[g]);
                af_buf_put(b, "</th>");
                if (cx->n_runs > 1) {
                    af_buf_printf(b, "<td><span class=\"sw\" style=\"background:%s\"></span>", rp_color((int)i));
                    rp_esc(b, r->label);
                    af_buf_put(b, "</td>");
                }
                for (size_t k = 0; k < cats.n; k++) {
                    long kc = rp_names_find(&r->categories, cats.v[k]);
                    af_summary m;
                    if (rg < 0 || kc < 0 || !need_met(r, (size_t)rg, (size_t)kc, &m))
                        af_buf_put(b, "<td class=\"n\">\xE2\x80\x93</td>");
                    else
                        rp_cell_metric(b, m.mean, m.ci_low, m.ci_high, RP_PCT);
                }
                af_buf_put(b, "</tr>\n");
            }
        af_buf_put(b, "</tbody>\n</table>\n");
        af_buf_printf(b, "<p class=\"ci\">Need met: tonnes consumed \xC3\xB7 tonnes needed over the horizon, for each "
                         "region and category (daily.csv), the mean over replications with the two-sided %s Student t "
                         "interval in brackets where the replications differ. \xE2\x80\x93: no need.</p>\n",
                      conf);
    }
    rp_names_free(&regs);
    rp_names_free(&cats);
}

void rp_answer_section(rp_ctx *cx)
{
    if (!cx->n_runs) return;
    bool any = false;
    for (size_t i = 0; i < cx->n_runs; i++) any |= cx->runs[i].has_daily || cx->runs[i].has_stations;
    if (!any) return;
    af_buf_put(cx->b, "<section id=\"answer\">\n<h2>The answer</h2>\n");
    for (size_t i = 0; i < cx->n_runs; i++) run_paragraph(cx, i);
    need_met_table(cx);
    af_buf_put(cx->b, "</section>\n");
}
