/* The network diagram: origins, inspections, crossings and hubs on a schematic of the region
 * (the sea, north and south Gaza, Israel, Jordan, Egypt), legs drawn with the trucks a day
 * that started them, stations coloured by utilisation and sized by the trucks waiting, closed
 * nodes marked. With two runs that both have a network, the difference B - A.
 *
 * Placement is automatic so that any scenario draws: each node gets an area (from summary.json,
 * refined by well-known place names for the outside nodes, else inherited along the legs), a
 * column by its kind within its area, and a height from the hubs it leads to (north above
 * south), spread so that labels do not overlap. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/svg.h"
#include "base/date.h"

enum { NW = 760, NH = 470, TOP = 26, LAND_X = 320, GAZA_X0 = 150, SEA_X1 = 150, EGYPT_Y = 392 };
enum area { A_SEA, A_ISRAEL, A_JORDAN, A_EGYPT, A_OUTSIDE, A_CROSSING, A_GAZA };

typedef struct gnode {
    const char *name, *kind;
    long ia, ib;         /* index in run A's / B's nodes, -1 if absent */
    enum area area;
    bool sea_side, egypt_side; /* crossings: on the coast, on the Egypt border */
    double want, x, y;
} gnode;

typedef struct gleg {
    long from, to;       /* gnode indices */
    double fa, fb;       /* trucks a day in A and B (NaN unknown or absent) */
    bool in_a, in_b;
} gleg;

static bool has_word(const char *name, const char *const *words)
{
    for (const char *const *w = words; *w; w++)
        if (strstr(name, *w)) return true;
    return false;
}

static enum area name_area(const char *name)
{
    static const char *const sea[] = {"larnaca", "cyprus", "limassol", "sea", "pier", "jlots", "ship", "maritime", NULL};
    static const char *const jordan[] = {"amman", "jordan", "allenby", "zarqa", "aqaba", "king_hussein", NULL};
    static const char *const egypt[] = {"arish", "egypt", "cairo", "port_said", "sinai", NULL};
    static const char *const israel[] = {"ashdod", "israel", "nitzana", "kerem", "erez", "zikim", "kissufim", "gate",
                                         "haifa", "tarqumiya", "beersheba", "karni", "ks_", NULL};
    if (has_word(name, sea)) return A_SEA;
    if (has_word(name, jordan)) return A_JORDAN;
    if (has_word(name, egypt)) return A_EGYPT;
    if (has_word(name, israel)) return A_ISRAEL;
    return A_OUTSIDE;
}

static enum area explicit_area(const char *area)
{
    if (!area) return A_OUTSIDE;
    if (strstr(area, "sea")) return A_SEA;
    if (strstr(area, "jordan")) return A_JORDAN;
    if (strstr(area, "egypt")) return A_EGYPT;
    if (strstr(area, "israel")) return A_ISRAEL;
    return A_OUTSIDE;
}

/* North (-1), south (+1) or unknown (0) from the region names a hub serves. */
static int hub_side(const rp_run *r, long i)
{
    if (i < 0) return 0;
    const rp_json *sv = r->nodes[i].serves;
    int north = 0, south = 0;
    for (size_t k = 0; sv && k < sv->n; k++) {
        const char *s = sv->items[k].type == RP_JSON_STRING ? sv->items[k].string : "";
        static const char *const n[] = {"north", "gaza_city", "city", "jabalia", "beit", NULL};
        static const char *const so[] = {"south", "rafah", "khan", "deir", "middle", "mawasi", NULL};
        if (has_word(s, n)) north++;
        else if (has_word(s, so)) south++;
    }
    return north > south ? -1 : south > north ? 1 : 0;
}

typedef struct layout {
    gnode *n;
    size_t nn;
    gleg *l;
    size_t nl;
} layout;

static long gfind(const layout *g, const char *name)
{
    for (size_t i = 0; i < g->nn; i++)
        if (!strcmp(g->n[i].name, name)) return (long)i;
    return -1;
}

static const rp_run *run_of(const gnode *nd, const rp_run *a, const rp_run *b, long *idx)
{
    if (nd->ib >= 0 && b) {
        *idx = nd->ib;
        return b;
    }
    *idx = nd->ia;
    return a;
}

static bool build(rp_ctx *cx, layout *g, const rp_run *a, const rp_analysis *aa, const rp_run *b,
                  const rp_analysis *ab)
{
    size_t cap = a->n_nodes + (b ? b->n_nodes : 0), lcap = a->n_legs + (b ? b->n_legs : 0);
    g->n = rp_alloc(&cx->pool, cap, sizeof *g->n);
    g->l = rp_alloc(&cx->pool, lcap, sizeof *g->l);
    if (!g->n || !g->l) return false;
    for (int side = 0; side < 2; side++) {
        const rp_run *r = side ? b : a;
        for (size_t i = 0; r && i < r->n_nodes; i++) {
            long k = gfind(g, r->nodes[i].name);
            if (k < 0) {
                k = (long)g->nn++;
                g->n[k] = (gnode){.name = r->nodes[i].name, .kind = r->nodes[i].kind, .ia = -1, .ib = -1};
            }
            if (side) g->n[k].ib = (long)i;
            else g->n[k].ia = (long)i;
        }
    }
    for (int side = 0; side < 2; side++) {
        const rp_run *r = side ? b : a;
        const rp_analysis *an = side ? ab : aa;
        for (size_t i = 0; r && i < r->n_legs; i++) {
            long f = gfind(g, r->nodes[r->legs[i].from].name), t = gfind(g, r->nodes[r->legs[i].to].name);
            size_t k = 0;
            while (k < g->nl && !(g->l[k].from == f && g->l[k].to == t)) k++;
            if (k == g->nl) g->l[g->nl++] = (gleg){.from = f, .to = t, .fa = NAN, .fb = NAN};
            double flow = an && an->leg_flow ? an->leg_flow[i] : NAN;
            if (side) {
                g->l[k].in_b = true;
                g->l[k].fb = isfinite(g->l[k].fb) ? g->l[k].fb + flow : flow;
            } else {
                g->l[k].in_a = true;
                g->l[k].fa = isfinite(g->l[k].fa) ? g->l[k].fa + flow : flow;
            }
        }
    }
    /* Areas. */
    for (size_t i = 0; i < g->nn; i++) {
        gnode *nd = &g->n[i];
        long idx;
        const rp_run *r = run_of(nd, a, b, &idx);
        const char *area = r->nodes[idx].area;
        if (!strcmp(nd->kind, "hub")) nd->area = A_GAZA;
        else if (!strcmp(nd->kind, "crossing")) nd->area = A_CROSSING;
        else {
            nd->area = explicit_area(area);
            if (nd->area == A_OUTSIDE) nd->area = name_area(nd->name);
        }
    }
    /* Unknown outside nodes take the area of a neighbour outside Gaza (twice: chains). */
    for (int pass = 0; pass < 3; pass++)
        for (size_t k = 0; k < g->nl; k++) {
            gnode *f = &g->n[g->l[k].from], *t = &g->n[g->l[k].to];
            if (f->area == A_OUTSIDE && t->area < A_OUTSIDE) f->area = t->area;
            if (t->area == A_OUTSIDE && f->area < A_OUTSIDE) t->area = f->area;
        }
    /* Crossings: on the coast when fed from the sea; on the Egypt border when named so. */
    for (size_t i = 0; i < g->nn; i++) {
        gnode *nd = &g->n[i];
        if (nd->area != A_CROSSING) continue;
        bool sea = false, land = false;
        for (size_t k = 0; k < g->nl; k++)
            if (g->l[k].to == (long)i) {
                enum area up = g->n[g->l[k].from].area;
                if (up == A_SEA) sea = true;
                else land = true;
            }
        nd->sea_side = sea && !land;
        static const char *const egypt_border[] = {"rafah", "salah", "egypt", NULL};
        nd->egypt_side = !nd->sea_side && has_word(nd->name, egypt_border);
    }
    return true;
}

/* The column (x) of a node, by its area and kind. */
static double column_x(const gnode *nd)
{
    bool origin = !strcmp(nd->kind, "origin");
    switch (nd->area) {
    case A_SEA: return origin ? 38 : 108;
    case A_JORDAN: return origin ? 718 : 656;
    case A_EGYPT: return origin ? 560 : 430;
    case A_CROSSING: return nd->sea_side ? GAZA_X0 : nd->egypt_side ? 250 : LAND_X;
    case A_GAZA: return 235;
    default: return origin ? 560 : 430;
    }
}

static void band_range(const gnode *nd, double *lo, double *hi)
{
    switch (nd->area) {
    case A_EGYPT:
        *lo = *hi = EGYPT_Y + 34;
        return;
    case A_CROSSING:
        if (nd->egypt_side) {
            *lo = *hi = EGYPT_Y;
            return;
        }
        *lo = TOP + 30;
        *hi = EGYPT_Y - 30;
        return;
    default:
        *lo = TOP + 30;
        *hi = EGYPT_Y - 30;
        return;
    }
}

/* Heights: hubs by the side they serve; every other node at the mean height of the hubs it
 * reaches; then nodes sharing a column are spread at least `gap` apart within their band. */
static void place(layout *g, const rp_run *a, const rp_run *b)
{
    const double north = TOP + 90, south = EGYPT_Y - 90, mid = (north + south) / 2;
    for (size_t i = 0; i < g->nn; i++) {
        gnode *nd = &g->n[i];
        nd->x = column_x(nd);
        if (nd->area == A_GAZA) {
            long idx;
            const rp_run *r = run_of(nd, a, b, &idx);
            int side = hub_side(r, idx);
            nd->want = side < 0 ? north : side > 0 ? south : mid;
        } else {
            nd->want = NAN;
        }
    }
    /* Reachability by relaxation: a node's height is the mean of its successors'. */
    for (int pass = 0; pass < 8; pass++)
        for (size_t i = 0; i < g->nn; i++) {
            gnode *nd = &g->n[i];
            if (nd->area == A_GAZA) continue;
            double s = 0;
            int n = 0;
            for (size_t k = 0; k < g->nl; k++)
                if (g->l[k].from == (long)i && isfinite(g->n[g->l[k].to].want)) {
                    s += g->n[g->l[k].to].want;
                    n++;
                }
            if (n) nd->want = s / n;
        }
    for (size_t i = 0; i < g->nn; i++) {
        gnode *nd = &g->n[i];
        double lo, hi;
        band_range(nd, &lo, &hi);
        if (!isfinite(nd->want)) nd->want = (lo + hi) / 2;
        nd->y = fmin(fmax(nd->want, lo), hi);
    }
    /* Spread each column: sort by wanted height, push apart, shift back into the band. */
    const double gap = 110;
    for (size_t i = 0; i < g->nn; i++) {
        size_t col[64], n = 0;
        bool first = true;
        for (size_t j = 0; j < i; j++)
            if (g->n[j].x == g->n[i].x && fabs(g->n[j].y - g->n[i].y) < 1e6 &&
                (g->n[j].area == A_EGYPT) == (g->n[i].area == A_EGYPT))
                first = false;
        if (!first) continue;
        for (size_t j = 0; j < g->nn && n < 64; j++)
            if (g->n[j].x == g->n[i].x && (g->n[j].area == A_EGYPT) == (g->n[i].area == A_EGYPT)) col[n++] = j;
        for (size_t p = 1; p < n; p++)
            for (size_t q = p; q > 0 && g->n[col[q - 1]].y > g->n[col[q]].y; q--) {
                size_t t = col[q];
                col[q] = col[q - 1];
                col[q - 1] = t;
            }
        if (n < 2) continue;
        bool horizontal = g->n[col[0]].area == A_EGYPT || g->n[col[0]].egypt_side;
        if (horizontal) {
            /* A band one node high: spread sideways instead. */
            for (size_t p = 0; p < n; p++) g->n[col[p]].x += ((double)p - (n - 1) / 2.0) * 110;
            continue;
        }
        double wanted = 0, placed = 0;
        for (size_t p = 0; p < n; p++) wanted += g->n[col[p]].y;
        for (size_t p = 1; p < n; p++)
            if (g->n[col[p]].y < g->n[col[p - 1]].y + gap) g->n[col[p]].y = g->n[col[p - 1]].y + gap;
        for (size_t p = 0; p < n; p++) placed += g->n[col[p]].y;
        for (size_t p = 0; p < n; p++) g->n[col[p]].y -= (placed - wanted) / (double)n;
        double lo, hi;
        band_range(&g->n[col[0]], &lo, &hi);
        double over = g->n[col[n - 1]].y - hi;
        if (over > 0)
            for (size_t p = 0; p < n; p++) g->n[col[p]].y -= over;
        double under = lo - g->n[col[0]].y;
        if (under > 0) {
            /* Too many for the band: squeeze evenly. */
            for (size_t p = 0; p < n; p++) g->n[col[p]].y = lo + (hi - lo) * (double)p / (double)(n - 1);
        }
    }
}

/* Utilisation while open as a colour: light to dark red. */
static const char *util_color(double u)
{
    if (!isfinite(u)) return "#ffffff";
    if (u < 0.5) return "#fef0d9";
    if (u < 0.75) return "#fdcc8a";
    if (u < 0.9) return "#fc8d59";
    if (u < 0.98) return "#e34a33";
    return "#b30000";
}

/* A difference of utilisation: blue for lower, red for higher. */
static const char *diff_color(double d)
{
    if (!isfinite(d)) return "#ffffff";
    if (d <= -0.15) return "#2166ac";
    if (d <= -0.03) return "#92c5de";
    if (d < 0.03) return "#f7f7f7";
    if (d < 0.15) return "#f4a582";
    return "#b2182b";
}

static void fmt_flow(char *out, size_t size, double v, bool signed_)
{
    char num[48];
    double a = fabs(v);
    rp_fmt_num(num, sizeof num, a >= 10 ? round(a) : round(a * 10) / 10, 3);
    if (signed_) snprintf(out, size, "%s%s/d", v > 0.05 ? "+" : v < -0.05 ? "\xE2\x88\x92" : "\xC2\xB1", num);
    else snprintf(out, size, "%s/d", num);
}

/* A change as a whole number with its sign: "+3", "\xE2\x88\x92" "28", "\xC2\xB1" "0". */
static void signed_whole(char *out, size_t size, double v)
{
    double r = round(v);
    if (r == 0) snprintf(out, size, "\xC2\xB1" "0");
    else snprintf(out, size, "%s%.0f", r > 0 ? "+" : "\xE2\x88\x92", fabs(r));
}

/* The short texts of a node's dated events within the horizon, e.g. "closed 16 Jan–18 Jan". */
static void node_events(const rp_run *r, const char *name, char *out, size_t size)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    out[0] = '\0';
    size_t shown = 0;
    for (size_t e = 0; r && e < r->n_events && shown < 2; e++) {
        const rp_event *ev = &r->events[e];
        if (strcmp(ev->station, name)) continue;
        int y1, m1, d1, y2, m2, d2;
        if (sscanf(ev->from, "%d-%d-%d", &y1, &m1, &d1) != 3 || sscanf(ev->to, "%d-%d-%d", &y2, &m2, &d2) != 3) continue;
        if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) continue;
        /* Only what touches the reported days. */
        if (r->n_dates > 0 && r->dates[0] && strcmp(ev->to, r->dates[0]) <= 0) continue;
        size_t len = strlen(out);
        const char *what = !strcmp(ev->kind, "closure") || !strcmp(ev->kind, "leg closure") ? "closed"
                           : !strcmp(ev->kind, "opening")                                    ? "opens"
                           : !strcmp(ev->kind, "stop")                                       ? "stops"
                                                                                             : "plan changes";
        if (!strcmp(what, "closed") && strlen(ev->to) == 10) {
            /* `to` is exclusive: a closure to midnight ends on the day before. */
            long last = af_days_from_civil(y2, m2, d2) - 1;
            af_civil_from_days(last, &y2, &m2, &d2);
        }
        if (!strcmp(what, "closed") && (d2 != d1 || m2 != m1 || y2 != y1))
            snprintf(out + len, size - len, "%s%s %d %s\xE2\x80\x93%d %s", shown ? "; " : "", what, d1, months[m1 - 1], d2,
                     months[m2 - 1]);
        else
            snprintf(out + len, size - len, "%s%s %d %s", shown ? "; " : "", what, d1, months[m1 - 1]);
        shown++;
    }
}

static bool has_closure(const rp_run *r, const char *name)
{
    for (size_t e = 0; r && e < r->n_events; e++)
        if (!strcmp(r->events[e].station, name) && !strcmp(r->events[e].kind, "closure") &&
            !(r->n_dates > 0 && r->dates[0] && strcmp(r->events[e].to, r->dates[0]) <= 0))
            return true;
    return false;
}

/* A station node's figures in a run: waiting, utilisation, closed all horizon. */
static bool node_figures(const rp_run *r, const rp_analysis *an, long idx, double *wait, double *util, bool *closed)
{
    *wait = *util = NAN;
    *closed = false;
    if (!r || idx < 0 || !an) return false;
    *wait = rp_node_waiting(an, idx, util);
    bool any = false, open = false;
    for (size_t s = 0; s < an->n_stations; s++)
        if (an->stations[s].node == idx && !an->stations[s].transfer) {
            any = true;
            open |= an->stations[s].closed_days < an->stations[s].days;
        }
    *closed = any && !open;
    return any;
}

static void draw_bands(af_buf *b, const layout *g)
{
    bool jordan = false, egypt = false;
    for (size_t i = 0; i < g->nn; i++) {
        jordan |= g->n[i].area == A_JORDAN;
        egypt |= g->n[i].area == A_EGYPT || g->n[i].egypt_side;
    }
    (void)egypt;
    double land_x1 = jordan ? 622 : NW;
    /* Sea, Gaza (north above south), Israel, Jordan, Egypt. */
    af_buf_printf(b, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#e3f0fa\"/>\n", TOP, SEA_X1, EGYPT_Y - TOP);
    af_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f6efe2\"/>\n", GAZA_X0, TOP,
                  LAND_X - GAZA_X0, EGYPT_Y - TOP);
    af_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c9b98f\" stroke-dasharray=\"4 3\"/>\n",
                  GAZA_X0, (TOP + EGYPT_Y) / 2, LAND_X, (TOP + EGYPT_Y) / 2);
    af_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"#f3f3f3\"/>\n", LAND_X, TOP,
                  land_x1 - LAND_X, EGYPT_Y - TOP);
    if (jordan)
        af_buf_printf(b, "<rect x=\"%.0f\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"#eef3e6\"/>\n", land_x1, TOP,
                      NW - land_x1, EGYPT_Y - TOP);
    af_buf_printf(b, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7f1e8\"/>\n", EGYPT_Y, NW,
                  NH - EGYPT_Y - 34);
    af_buf_printf(b, "<path d=\"M%d,%d V%d H%d M%d,%d V%d\" fill=\"none\" stroke=\"#9c8a5e\" stroke-width=\"1.5\"/>\n",
                  GAZA_X0, TOP, EGYPT_Y, LAND_X, LAND_X, TOP, EGYPT_Y);
    af_buf_printf(b, "<text class=\"band\" x=\"8\" y=\"%d\">Mediterranean Sea</text>\n", TOP + 16);
    af_buf_printf(b, "<text class=\"band\" x=\"%d\" y=\"%d\">North Gaza</text>\n", GAZA_X0 + 8, TOP + 16);
    af_buf_printf(b, "<text class=\"band\" x=\"%d\" y=\"%d\">South Gaza</text>\n", GAZA_X0 + 8, (TOP + EGYPT_Y) / 2 + 16);
    af_buf_printf(b, "<text class=\"band\" x=\"%d\" y=\"%d\">Israel</text>\n", LAND_X + 8, TOP + 16);
    if (jordan) af_buf_printf(b, "<text class=\"band\" x=\"%.0f\" y=\"%d\">Jordan</text>\n", land_x1 + 8, TOP + 16);
    af_buf_printf(b, "<text class=\"band\" x=\"8\" y=\"%d\">Egypt</text>\n", NH - 40);
}

static void draw(rp_ctx *cx, const char *id, const char *title, const layout *g, const rp_run *a,
                 const rp_analysis *aa, const rp_run *b, const rp_analysis *ab)
{
    af_buf *o = cx->b;
    bool diff = b != NULL;
    af_buf_printf(o, "<svg id=\"%s\" class=\"chart network\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t\">\n"
                     "<title id=\"%s-t\">",
                  id, NW, NH, id, id);
    rp_esc(o, title);
    af_buf_put(o, "</title>\n");
    af_buf_put(o, "<text class=\"ct\" x=\"4\" y=\"16\">");
    rp_esc(o, title);
    af_buf_put(o, "</text>\n");
    draw_bands(o, g);
    /* Node radii: by the trucks waiting (or the change in them). */
    double wmax = 1;
    double *wait = rp_alloc(&cx->pool, g->nn, sizeof *wait), *util = rp_alloc(&cx->pool, g->nn, sizeof *util);
    bool *closed = rp_alloc(&cx->pool, g->nn, sizeof *closed), *station = rp_alloc(&cx->pool, g->nn, sizeof *station);
    if (!wait || !util || !closed || !station) return;
    for (size_t i = 0; i < g->nn; i++) {
        double wa, ua, wb, ub;
        bool ca, cb;
        bool sa = node_figures(a, aa, g->n[i].ia, &wa, &ua, &ca);
        bool sb = diff && node_figures(b, ab, g->n[i].ib, &wb, &ub, &cb);
        station[i] = sa || sb || !strcmp(g->n[i].kind, "inspection") || !strcmp(g->n[i].kind, "crossing");
        if (!diff) {
            wait[i] = wa;
            util[i] = ua;
            closed[i] = ca;
        } else {
            wait[i] = sa && sb ? wb - wa : NAN;
            util[i] = sa && sb ? ub - ua : NAN;
            closed[i] = sb && cb;
        }
        if (isfinite(wait[i])) wmax = fmax(wmax, fabs(wait[i]));
    }
    double fmax_ = 1;
    for (size_t k = 0; k < g->nl; k++) {
        double f = diff ? fabs((isfinite(g->l[k].fb) ? g->l[k].fb : 0) - (isfinite(g->l[k].fa) ? g->l[k].fa : 0))
                        : g->l[k].fa;
        if (isfinite(f)) fmax_ = fmax(fmax_, f);
    }
    /* Legs under the nodes. */
    for (size_t k = 0; k < g->nl; k++) {
        const gleg *l = &g->l[k];
        const gnode *f = &g->n[l->from], *t = &g->n[l->to];
        double v = !diff ? l->fa
                         : (l->in_a && l->in_b) ? l->fb - l->fa
                         : l->in_b              ? l->fb
                                                : -l->fa;
        double w = isfinite(v) ? 1.2 + 7 * sqrt(fabs(v) / fmax_) : 1.2;
        const char *col = !diff ? "#5b6f8c" : !isfinite(v) || fabs(v) < 0.05 ? "#9a9a9a" : v > 0 ? "#2c7bb6" : "#d7191c";
        bool only = diff && !(l->in_a && l->in_b);
        af_buf_printf(o, "<line class=\"leg\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                         "stroke-width=\"%.1f\" stroke-opacity=\"0.75\"%s/>\n",
                      f->x, f->y, t->x, t->y, col, w, only ? " stroke-dasharray=\"6 4\"" : "");
        /* An arrowhead two thirds of the way. */
        double dx = t->x - f->x, dy = t->y - f->y, len = hypot(dx, dy);
        if (len > 1) {
            double ux = dx / len, uy = dy / len, px = f->x + dx * 0.4, py = f->y + dy * 0.4, s = 5 + w / 2;
            af_buf_printf(o, "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z\" fill=\"%s\"/>\n", px + ux * s, py + uy * s,
                          px - ux * s - uy * s * 0.7, py - uy * s + ux * s * 0.7, px - ux * s + uy * s * 0.7,
                          py - uy * s - ux * s * 0.7, col);
        }
        if (isfinite(v)) {
            char lab[64];
            fmt_flow(lab, sizeof lab, v, diff);
            double mx = f->x + dx * 0.6, my = f->y + dy * 0.6;
            af_buf_printf(o, "<text class=\"fl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" paint-order=\"stroke\" "
                             "stroke=\"#ffffff\" stroke-width=\"3\">%s</text>\n",
                          mx, my - 3, lab);
        }
    }
    /* Nodes. */
    for (size_t i = 0; i < g->nn; i++) {
        const gnode *nd = &g->n[i];
        double x = nd->x, y = nd->y;
        bool dashed = diff && (nd->ia < 0 || nd->ib < 0);
        const char *dash = dashed ? " stroke-dasharray=\"3 2\"" : "";
        double rad = 9;
        af_buf_put(o, "<g class=\"node\">");
        af_buf_put(o, "<title>");
        rp_esc(o, nd->name);
        af_buf_put(o, " (");
        rp_esc(o, nd->kind);
        af_buf_put(o, ")</title>");
        if (!strcmp(nd->kind, "origin")) {
            af_buf_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"16\" fill=\"#6d6d6d\" stroke=\"#333\"%s/>",
                          x - 8, y - 8, dash);
        } else if (!strcmp(nd->kind, "hub")) {
            af_buf_printf(o, "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z\" fill=\"#3b6e8f\" stroke=\"#1f3e52\"%s/>",
                          x, y - 11, x + 11, y, x, y + 11, x - 11, y, dash);
            rad = 11;
        } else {
            rad = isfinite(wait[i]) ? 7 + 17 * sqrt(fabs(wait[i]) / wmax) : 7;
            const char *fill = closed[i] ? "#bdbdbd" : diff ? diff_color(util[i]) : util_color(util[i]);
            af_buf_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"#333\" stroke-width=\"1.2\"%s/>",
                          x, y, rad, fill, dash);
            if (closed[i])
                af_buf_printf(o, "<path d=\"M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f\" stroke=\"#c0392b\" stroke-width=\"2\"/>",
                              x - rad * 0.7, y - rad * 0.7, x + rad * 0.7, y + rad * 0.7, x - rad * 0.7, y + rad * 0.7,
                              x + rad * 0.7, y - rad * 0.7);
            const rp_run *er = diff ? b : a;
            if (has_closure(er, nd->name))
                af_buf_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" "
                                 "stroke-dasharray=\"3 2\"/>",
                              x, y, rad + 3.5);
        }
        /* The label: the name, then the figures. */
        /* Origins are labelled above (their neighbours in the column beside them are labelled
         * below), everything else below. */
        bool above = !strcmp(nd->kind, "origin");
        char ev[200];
        node_events(diff ? b : a, nd->name, ev, sizeof ev);
        double ly = above ? y - rad - 5 - (*ev ? 11 : 0) : y + rad + 12;
        af_buf_printf(o, "<text class=\"nn\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" paint-order=\"stroke\" "
                         "stroke=\"#ffffff\" stroke-width=\"3\">",
                      x, ly);
        rp_esc_trunc(o, nd->name, 24); /* the full name is in the node's <title> */
        af_buf_put(o, "</text>");
        char fig[160] = "";
        if (station[i] && closed[i]) snprintf(fig, sizeof fig, "closed");
        else if (station[i] && !diff && isfinite(util[i]))
            snprintf(fig, sizeof fig, "%.0f%% busy \xC2\xB7 %.0f waiting", util[i] * 100, isfinite(wait[i]) ? wait[i] : 0);
        else if (station[i] && diff && isfinite(util[i])) {
            char du[32], dw[32];
            signed_whole(du, sizeof du, util[i] * 100);
            signed_whole(dw, sizeof dw, isfinite(wait[i]) ? wait[i] : 0);
            snprintf(fig, sizeof fig, "%s pp busy \xC2\xB7 %s waiting", du, dw);
        }
        if (diff && nd->ia < 0) snprintf(fig, sizeof fig, "only in B");
        if (diff && nd->ib < 0) snprintf(fig, sizeof fig, "only in A");
        if (*fig) {
            ly += 11;
            af_buf_printf(o, "<text class=\"nf\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" paint-order=\"stroke\" "
                             "stroke=\"#ffffff\" stroke-width=\"3\">%s</text>",
                          x, ly, fig);
        }
        if (*ev) {
            ly += 11;
            af_buf_printf(o, "<text class=\"ne\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" paint-order=\"stroke\" "
                             "stroke=\"#ffffff\" stroke-width=\"3\">",
                          x, ly);
            rp_esc(o, ev);
            af_buf_put(o, "</text>");
        }
        af_buf_put(o, "</g>\n");
    }
    /* Legend along the bottom. */
    double lx = 8, ly = NH - 14;
    if (!diff) {
        static const double us[] = {0.3, 0.6, 0.8, 0.95, 1};
        static const char *const ul[] = {"<50%", "50\xE2\x80\x93" "75%", "75\xE2\x80\x93" "90%", "90\xE2\x80\x93" "98%", "\xE2\x89\xA5" "98%"};
        af_buf_printf(o, "<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">busy while open:</text>", lx, ly);
        lx += 100;
        for (int k = 0; k < 5; k++) {
            af_buf_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#333\"/>"
                             "<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">%s</text>",
                          lx, ly - 10, util_color(us[k]), lx + 15, ly, ul[k]);
            lx += 58;
        }
    } else {
        static const double ds[] = {-0.2, -0.05, 0, 0.05, 0.2};
        static const char *const dl[] = {"much less", "less", "same", "more", "much more"};
        af_buf_printf(o, "<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">busy, B vs A:</text>", lx, ly);
        lx += 90;
        for (int k = 0; k < 5; k++) {
            af_buf_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#333\"/>"
                             "<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">%s</text>",
                          lx, ly - 10, diff_color(ds[k]), lx + 15, ly, dl[k]);
            lx += 26 + 6.2 * (double)strlen(dl[k]);
        }
    }
    af_buf_printf(o, "<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">size: trucks waiting%s \xC2\xB7 "
                     "\xE2\x96\xA0 origin \xC2\xB7 \xE2\x97\x86 hub \xC2\xB7 red ring: closure</text>\n",
                  lx + 6, ly, diff ? " (change)" : "");
    af_buf_put(o, "</svg>\n");
}

/* One diagram: a's network, or with b the difference b - a, labelled with the runs' labels
 * (or la, lb when given: a comparison's scenario names). */
static bool network_figure(rp_ctx *cx, const rp_run *a, const rp_analysis *aa, const rp_run *b,
                           const rp_analysis *ab, const char *la, const char *lb)
{
    layout g = {0};
    if (!build(cx, &g, a, aa, b, ab)) return false;
    place(&g, a, b);
    char id[32], title[400];
    if (b) snprintf(title, sizeof title, "Network: %.150s against %.150s (B \xE2\x88\x92 A)", lb ? lb : b->label, la ? la : a->label);
    else snprintf(title, sizeof title, "Network: %.300s", a->label);
    rp_figure_open(cx, "network", id, sizeof id);
    draw(cx, id, title, &g, a, aa, b, ab);
    rp_figure_close(cx, b ? "The difference B \xE2\x88\x92 A of two runs: legs coloured by the change in trucks a day "
                            "(blue more, red fewer; dashed: a leg or node only one has), stations by the change in "
                            "utilisation while open, sized by the change in trucks waiting at midnight."
                          : "Nodes placed by kind within their area (origins, inspections, crossings on the border, "
                            "hubs in Gaza by the region they serve). Legs: trucks a day that started them, derived "
                            "from the stations' arrivals and services and the hubs' deliveries (daily means over "
                            "the horizon and the replications). Stations: colour, utilisation while open; size, "
                            "trucks waiting at midnight (queue and blocked upstream); grey with a cross, closed "
                            "all horizon.");
    return true;
}

void rp_network_section(rp_ctx *cx)
{
    size_t with[64], n = 0, n_cmp = 0;
    for (size_t i = 0; i < cx->n_runs && n < 64; i++)
        if (cx->runs[i].n_nodes) with[n++] = i;
    for (size_t i = 0; i < cx->n_compares; i++)
        if (cx->compares[i].has_runs && cx->compares[i].runs[0].n_nodes && cx->compares[i].runs[1].n_nodes) n_cmp++;
    if (!n && !n_cmp) return;
    af_buf_put(cx->b, "<section id=\"network\">\n<h2>The network</h2>\n");
    /* Each run's network; with two, then the difference. */
    for (size_t q = 0; q < n + (n == 2); q++) {
        bool diff = q == n;
        const rp_run *a = &cx->runs[with[diff ? 0 : q]];
        const rp_analysis *aa = &cx->analysis[with[diff ? 0 : q]];
        const rp_run *b = diff ? &cx->runs[with[1]] : NULL;
        const rp_analysis *ab = diff ? &cx->analysis[with[1]] : NULL;
        if (!network_figure(cx, a, aa, b, ab, NULL, NULL)) return;
    }
    /* A comparison's folder: the difference B - A of its A/ and B/ runs. */
    for (size_t i = 0; i < cx->n_compares; i++) {
        rp_compare *c = &cx->compares[i];
        if (!(c->has_runs && c->runs[0].n_nodes && c->runs[1].n_nodes)) continue;
        rp_analysis *an = rp_alloc(&cx->pool, 2, sizeof *an);
        if (!an) return;
        rp_analyse(cx, &c->runs[0], &an[0]);
        rp_analyse(cx, &c->runs[1], &an[1]);
        if (!network_figure(cx, &c->runs[0], &an[0], &c->runs[1], &an[1], c->label_a, c->label_b)) return;
    }
    af_buf_put(cx->b, "</section>\n");
}
