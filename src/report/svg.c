/* SVG charts. See svg.h. */
#include "report/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"

enum {
    W = 760,           /* viewBox width */
    PAD_L = 20,        /* room for the rotated y label */
    PAD_R = 6,
    TITLE_H = 24,
    LEG_ROW = 17,
    PANEL_TOP = 18,    /* panel title */
    PANEL_BOTTOM = 20, /* x tick labels */
    PLOT_L = 46,       /* y tick labels, inside the panel */
    PLOT_R = 12,
    XLABEL_H = 20,
};

static const char *const palette[RP_PALETTE_SIZE] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
    "#76b7b2", "#9c755f", "#edc948", "#ff9da7", "#bab0ac",
};

const char *rp_color(int i)
{
    switch (i) {
    case RP_BLACK: return "#222222";
    case RP_GREY: return "#8a8a8a";
    case RP_RED: return "#c0392b";
    default: break;
    }
    if (i < 0) i = -i;
    return palette[i % RP_PALETTE_SIZE];
}

static const char *dash_attr(rp_dash d)
{
    switch (d) {
    case RP_DASHED: return " stroke-dasharray=\"6 3\"";
    case RP_DOTTED: return " stroke-dasharray=\"1.5 2.5\"";
    default: return "";
    }
}

/* ---- ticks ---- */

/* A round step for about `target` ticks over [lo, hi]; days: multiples of a week when the
 * step passes a few days; integer: at least 1. */
static double nice_step_int(double lo, double hi, int target, bool days, bool integer);

static double nice_step(double lo, double hi, int target, bool days)
{
    return nice_step_int(lo, hi, target, days, days);
}

static double nice_step_int(double lo, double hi, int target, bool days, bool integer)
{
    double raw = (hi - lo) / (target > 0 ? target : 5);
    if (!(raw > 0) || !isfinite(raw)) return 1;
    if (days && raw >= 3.5) {
        static const double week_steps[] = {7, 14, 28, 56, 91, 182, 364, 728, 1456, 3640};
        /* The multiple of a week nearest (by ratio) to the raw step. */
        double best = week_steps[0];
        for (size_t i = 1; i < sizeof week_steps / sizeof week_steps[0]; i++)
            if (fabs(log(week_steps[i] / raw)) < fabs(log(best / raw))) best = week_steps[i];
        return best;
    }
    double p = pow(10, floor(log10(raw)));
    double f = raw / p;
    double s = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
    double step = s * p;
    if (integer && step < 1) step = 1;
    return step;
}

int rp_ticks(double lo, double hi, int target, bool days, double *ticks, int max)
{
    if (!(hi >= lo) || !isfinite(lo) || !isfinite(hi)) return 0;
    double step = nice_step(lo, hi, target, days);
    double v = ceil(lo / step - 1e-9) * step;
    int n = 0;
    while (v <= hi + 1e-9 * step && n < max) {
        ticks[n++] = fabs(v) < 1e-12 * step ? 0 : v;
        v += step;
    }
    return n;
}

void rp_tick_label(char *out, size_t size, double v, double step, double axis_max, bool percent)
{
    if (v == 0) {
        snprintf(out, size, "0%s", percent ? "%" : "");
        return;
    }
    /* One style for the whole axis, chosen by its largest tick: 0, 5k, 10k, not 0, 5,000, 10k. */
    const char *suffix = "";
    double scale = 1, m = fmax(fabs(axis_max), fabs(v));
    if (percent) {
        scale = 100;
        suffix = "%";
    } else if (m >= 1e6 && step >= 1e5) {
        scale = 1e-6;
        suffix = "M";
    } else if (m >= 1e4 && step >= 1e3) {
        scale = 1e-3;
        suffix = "k";
    }
    double s = step * scale, x = v * scale;
    int dec = s > 0 ? (int)ceil(-log10(s) - 1e-9) : 0;
    if (dec < 0) dec = 0;
    if (dec > 6) dec = 6;
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.*f", dec, x);
    if (!strcmp(tmp, "-0") || !strcmp(tmp, "-0.0") || !strcmp(tmp, "-0.00")) memmove(tmp, tmp + 1, strlen(tmp));
    /* Group thousands in the integer part. */
    const char *d = tmp[0] == '-' ? tmp + 1 : tmp;
    size_t il = strcspn(d, "."), o = 0;
    if (tmp[0] == '-' && o + 1 < size) out[o++] = '-';
    for (size_t k = 0; k < il && o + 2 < size; k++) {
        out[o++] = d[k];
        size_t left = il - k - 1;
        if (left && left % 3 == 0) out[o++] = ',';
    }
    snprintf(out + o, size - o, "%s%s", d + il, suffix);
}

/* ---- text helpers ---- */

/* A rough width of text at 11px in the system sans-serif: enough to lay out a legend. */
static double text_width(const char *s, double px)
{
    double n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if ((*p & 0xC0) != 0x80) n += (*p >= 'A' && *p <= 'Z') || *p == 'm' || *p == 'w' ? 0.72 : 0.55;
    return n * px;
}

static void svg_open(af_buf *b, const char *id, const char *title, int height)
{
    af_buf_printf(b, "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" "
                 "role=\"img\" aria-labelledby=\"%s-t\">\n<title id=\"%s-t\">",
              id, W, height, id, id);
    rp_esc(b, title);
    af_buf_put(b, "</title>\n<text class=\"ct\" x=\"4\" y=\"16\">");
    rp_esc(b, title);
    af_buf_put(b, "</text>\n");
}

/* ---- legend ---- */

static int legend_height(const rp_legend *items, size_t n, double width)
{
    if (!n) return 0;
    double x = 0;
    int rows = 1;
    for (size_t i = 0; i < n; i++) {
        double w = 26 + text_width(items[i].label, 11) + 14;
        if (x > 0 && x + w > width) {
            rows++;
            x = 0;
        }
        x += w;
    }
    return rows * LEG_ROW + 4;
}

static void legend_draw(af_buf *b, const rp_legend *items, size_t n, double x0, double y0, double width)
{
    double x = 0, y = y0;
    for (size_t i = 0; i < n; i++) {
        const rp_legend *it = &items[i];
        double w = 26 + text_width(it->label, 11) + 14;
        if (x > 0 && x + w > width) {
            y += LEG_ROW;
            x = 0;
        }
        double sx = x0 + x, cy = y + 8;
        const char *col = rp_color(it->color);
        switch (it->kind) {
        case RP_LEG_LINE:
            af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>",
                      sx, cy, sx + 20, cy, col, dash_attr(it->dash));
            break;
        case RP_LEG_BAND:
            af_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"20\" height=\"10\" fill=\"%s\" fill-opacity=\"0.22\"/>",
                      sx, cy - 5, col);
            break;
        case RP_LEG_SHADE:
            af_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"20\" height=\"10\" fill=\"#8a8a8a\" fill-opacity=\"0.35\"/>",
                      sx, cy - 5);
            break;
        case RP_LEG_REF:
            af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>",
                      sx, cy, sx + 20, cy, rp_color(RP_RED));
            break;
        case RP_LEG_BOX:
            af_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"20\" height=\"10\" fill=\"%s\"/>", sx, cy - 5, col);
            break;
        case RP_LEG_MARKER:
            af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.2\"/>"
                         "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                      sx + 2, cy, sx + 18, cy, col, sx + 10, cy, col);
            break;
        }
        af_buf_printf(b, "<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">", sx + 26, cy + 4);
        rp_esc(b, it->label);
        af_buf_put(b, "</text>\n");
        x += w;
    }
}

/* ---- line charts ---- */

typedef struct frame {
    double x0, x1, y0, y1; /* plot area in SVG units (y0 top) */
    double dx0, dx1, dy0, dy1; /* data ranges */
} frame;

/* Values past +-1e300 are drawn as +-1e300, so that no span of the axes overflows to
 * infinity (1e308 - -1e308 does) and no coordinate is NaN; a coordinate is kept within a
 * page's reach of the frame. No NaN or infinity reaches the SVG. */
static double chart_value(double v) { return v > 1e300 ? 1e300 : v < -1e300 ? -1e300 : v; }

static double on_page(double px, double a, double b)
{
    double lo = fmin(a, b) - 10000, hi = fmax(a, b) + 10000;
    return isnan(px) ? (a + b) / 2 : px < lo ? lo : px > hi ? hi : px;
}

static double fx(const frame *f, double x)
{
    x = chart_value(x);
    return on_page(f->dx1 > f->dx0 ? f->x0 + (x - f->dx0) / (f->dx1 - f->dx0) * (f->x1 - f->x0) : (f->x0 + f->x1) / 2,
                   f->x0, f->x1);
}

static double fy(const frame *f, double y)
{
    y = chart_value(y);
    return on_page(f->dy1 > f->dy0 ? f->y1 - (y - f->dy0) / (f->dy1 - f->dy0) * (f->y1 - f->y0) : (f->y0 + f->y1) / 2,
                   f->y0, f->y1);
}

static void widen(double *lo, double *hi, double v)
{
    if (!isfinite(v)) return;
    v = chart_value(v);
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

/* y in the plot area, clamped to its frame (a band never spills out of its panel). */
static double fyc(const frame *f, double y)
{
    return fy(f, fmin(fmax(y, f->dy0), f->dy1));
}

static void draw_band(af_buf *b, const frame *f, const rp_line *l)
{
    int i = 0;
    while (i < l->n) {
        while (i < l->n && !(isfinite(l->lo[i]) && isfinite(l->hi[i]) && isfinite(l->x[i]))) i++;
        int j = i;
        while (j < l->n && isfinite(l->lo[j]) && isfinite(l->hi[j]) && isfinite(l->x[j])) j++;
        if (j - i >= 2) {
            af_buf_printf(b, "<path fill=\"%s\" fill-opacity=\"0.22\" stroke=\"none\" d=\"M", rp_color(l->color));
            for (int k = i; k < j; k++) af_buf_printf(b, "%s%.1f,%.1f", k > i ? " " : "", fx(f, l->x[k]), fyc(f, l->hi[k]));
            for (int k = j - 1; k >= i; k--) af_buf_printf(b, " %.1f,%.1f", fx(f, l->x[k]), fyc(f, l->lo[k]));
            af_buf_put(b, "Z\"/>\n");
        }
        i = j;
    }
}

static void draw_line(af_buf *b, const frame *f, const rp_line *l)
{
    const char *col = rp_color(l->color);
    if (l->markers) {
        for (int k = 0; k < l->n; k++) {
            if (!isfinite(l->y[k]) || !isfinite(l->x[k])) continue;
            double x = fx(f, l->x[k]);
            if (l->lo && l->hi && isfinite(l->lo[k]) && isfinite(l->hi[k])) {
                double a = fyc(f, l->lo[k]), c = fyc(f, l->hi[k]);
                af_buf_printf(b, "<path stroke=\"%s\" stroke-width=\"1.2\" fill=\"none\" d=\"M%.1f,%.1f V%.1f M%.1f,%.1f H%.1f M%.1f,%.1f H%.1f\"/>",
                          col, x, a, c, x - 3, a, x + 3, x - 3, c, x + 3);
            }
            af_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.8\" fill=\"%s\"/>\n", x, fy(f, l->y[k]), col);
        }
    }
    bool open = false, pen = false;
    for (int k = 0; k < l->n && !l->no_line; k++) {
        if (!isfinite(l->y[k]) || !isfinite(l->x[k])) {
            pen = false;
            continue;
        }
        if (!open) {
            af_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linejoin=\"round\"%s d=\"",
                      col, l->markers ? "1.2" : "1.6", dash_attr(l->dash));
            open = true;
        }
        af_buf_printf(b, "%s%.1f,%.1f", pen ? " L" : (k ? " M" : "M"), fx(f, l->x[k]), fy(f, l->y[k]));
        pen = true;
    }
    if (open) af_buf_put(b, "\"/>\n");
}

static void draw_panel(af_buf *b, const rp_chart *c, const rp_panel *p, double px, double py, double pw, int ph,
                       bool x_label_row)
{
    frame f = {.x0 = px + PLOT_L, .x1 = px + pw - PLOT_R, .y0 = py + PANEL_TOP, .y1 = py + PANEL_TOP + ph};
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    double mlo = INFINITY, mhi = -INFINITY; /* the means alone */
    for (size_t i = 0; i < p->n_lines; i++) {
        const rp_line *l = &p->lines[i];
        for (int k = 0; k < l->n; k++)
            if (isfinite(l->x[k])) widen(&mlo, &mhi, l->y[k]);
    }
    if (c->y_zero) widen(&mlo, &mhi, 0);
    /* Bands (and whiskers) widen the axis by at most half the means' span: one odd replication
     * must not flatten every line of the panel; what is beyond is clipped. */
    double reach = mhi >= mlo ? 0.5 * fmax(mhi - mlo, 1e-9 + fabs(mhi) * 0.1) : INFINITY;
    for (size_t i = 0; i < p->n_lines; i++) {
        const rp_line *l = &p->lines[i];
        for (int k = 0; k < l->n; k++) {
            if (!isfinite(l->x[k])) continue;
            if (!isfinite(l->y[k]) && !(l->lo && isfinite(l->lo[k]))) continue;
            widen(&xlo, &xhi, l->x[k]);
            widen(&ylo, &yhi, l->y[k]);
            if (l->lo && isfinite(l->lo[k])) widen(&ylo, &yhi, fmax(l->lo[k], mlo - reach));
            if (l->hi && isfinite(l->hi[k])) widen(&ylo, &yhi, fmin(l->hi[k], mhi + reach));
        }
    }
    widen(&ylo, &yhi, p->ref_y);
    if (c->y_zero) widen(&ylo, &yhi, 0);
    bool empty = !(xhi >= xlo);
    if (empty) {
        xlo = 0;
        xhi = 1;
    }
    if (!(yhi >= ylo)) {
        ylo = 0;
        yhi = 1;
    }
    if (yhi - ylo < 1e-12 * fmax(1, fabs(yhi))) {
        if (ylo == 0) yhi = 1;
        else {
            double d = fabs(ylo) * 0.1;
            ylo -= d;
            yhi += d;
        }
    }
    if (xhi == xlo) {
        xlo -= 1;
        xhi += 1;
    }
    if (c->x_cats && c->n_x_cats > 0) {
        xlo = -0.5;
        xhi = c->n_x_cats - 0.5;
    } else if (c->x_hi > c->x_lo) {
        xlo = c->x_lo;
        xhi = c->x_hi;
        empty = false;
    }
    int yt_target = ph >= 180 ? 6 : 4;
    double ystep = nice_step(ylo, yhi, yt_target, false);
    f.dy0 = floor(ylo / ystep + 1e-9) * ystep;
    f.dy1 = ceil(yhi / ystep - 1e-9) * ystep;
    f.dx0 = xlo;
    f.dx1 = xhi;

    /* Panel title. */
    if (p->title) {
        /* Long titles start over the tick labels, and are cut to the panel's width. */
        double room = f.x1 - f.x0 + 8;
        double tx = text_width(p->title, 12) > room ? px + 6 : f.x0;
        af_buf_printf(b, "<text class=\"pt\" x=\"%.1f\" y=\"%.1f\">", tx, py + 13);
        rp_esc_trunc(b, p->title, (size_t)((px + pw - tx - 6) / 7.4));
        af_buf_put(b, "</text>\n");
    }
    /* Frame and grid. */
    af_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ffffff\" stroke=\"#d0d0d0\"/>\n",
              f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
    /* Closures, under everything else. */
    if (p->shade) {
        int k = 0;
        while (k < p->n_shade) {
            if (!(p->shade[k] > 0)) {
                k++;
                continue;
            }
            int j = k;
            while (j + 1 < p->n_shade && p->shade[j + 1] == p->shade[k]) j++;
            double a = fmax(p->shade_x0 + k - 0.5, f.dx0), z = fmin(p->shade_x0 + j + 0.5, f.dx1);
            if (z > a)
                af_buf_printf(b, "<rect class=\"closed\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#8a8a8a\" fill-opacity=\"%.2f\"/>\n",
                          fx(&f, a), f.y0, fmax(fx(&f, z) - fx(&f, a), 0.6), f.y1 - f.y0, 0.12 + 0.28 * fmin(p->shade[k], 1));
            k = j + 1;
        }
    }
    /* Dated events: a band over their days, a line at their start, their number on top. */
    for (size_t m = 0; m < c->n_marks; m++) {
        const rp_mark *mk = &c->marks[m];
        if (!(mk->x0 <= f.dx1) || !(mk->x1 >= f.dx0 || mk->x0 >= f.dx0)) continue;
        double a = fmax(mk->x0 - 0.5, f.dx0), z = fmin(fmax(mk->x1, mk->x0) - 0.5, f.dx1);
        if (z > a + 0.5)
            af_buf_printf(b, "<rect class=\"event\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#8e44ad\" fill-opacity=\"0.07\"/>\n",
                          fx(&f, a), f.y0, fx(&f, z) - fx(&f, a), f.y1 - f.y0);
        if (mk->x0 >= f.dx0) {
            double x = fx(&f, a);
            af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#8e44ad\" stroke-width=\"1\" stroke-dasharray=\"2 2\"/>"
                             "<text class=\"ev\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
                          x, f.y0, x, f.y1, x, f.y0 + 9, mk->number);
        }
    }
    double ticks[32];
    int nt = rp_ticks(f.dy0, f.dy1, yt_target, false, ticks, 32);
    for (int i = 0; i < nt; i++) {
        double y = fy(&f, ticks[i]);
        char lab[48];
        rp_tick_label(lab, sizeof lab, ticks[i], ystep, fmax(fabs(f.dy0), fabs(f.dy1)), c->y_percent);
        af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ececec\"/>"
                     "<text class=\"tk\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                  f.x0, y, f.x1, y, f.x0 - 4, y + 3.5, lab);
    }
    int xt_target = c->x_days && c->x_day1 ? (int)fmax(2, (pw - PLOT_L - PLOT_R) / 62) : pw > 500 ? 10 : 6;
    /* Whole-number x (days, lanes, trucks) gets whole-number ticks. */
    bool x_whole = true;
    for (size_t i = 0; i < p->n_lines && x_whole; i++)
        for (int k = 0; k < p->lines[i].n && x_whole; k++)
            x_whole = !isfinite(p->lines[i].x[k]) || p->lines[i].x[k] == floor(p->lines[i].x[k]);
    double xstep = nice_step_int(f.dx0, f.dx1, xt_target, c->x_days, x_whole);
    nt = 0;
    if (!c->x_cats)
        for (double v = c->x_days && c->x_day1 ? f.dx0 : ceil(f.dx0 / xstep - 1e-9) * xstep;
             v <= f.dx1 + 1e-9 * xstep && nt < 32; v += xstep)
            ticks[nt++] = fabs(v) < 1e-12 * xstep ? 0 : v;
    for (int i = 0; c->x_cats && i < c->n_x_cats; i++) {
        double x = fx(&f, i);
        af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>"
                     "<text class=\"tk\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                  x, f.y1, x, f.y1 + 4, x, f.y1 + 14);
        rp_esc_trunc(b, c->x_cats[i], (size_t)fmax(3, (f.x1 - f.x0) / c->n_x_cats / 5.5));
        af_buf_put(b, "</text>\n");
    }
    for (int i = 0; i < nt; i++) {
        double x = fx(&f, ticks[i]);
        char lab[48];
        if (c->x_days && c->x_day1) {
            static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            int yy, mm, dd;
            af_civil_from_days(c->x_day1 + (long)ticks[i] - 1, &yy, &mm, &dd);
            snprintf(lab, sizeof lab, "%d %s", dd, months[(mm - 1) % 12]);
        } else {
            rp_tick_label(lab, sizeof lab, ticks[i], xstep, fmax(fabs(f.dx0), fabs(f.dx1)), false);
        }
        af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>"
                     "<text class=\"tk\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                  x, f.y1, x, f.y1 + 4, x, f.y1 + 14, lab);
    }
    (void)x_label_row;
    /* Bands, then lines on top. */
    for (size_t i = 0; i < p->n_lines; i++)
        if (p->lines[i].lo && p->lines[i].hi && !p->lines[i].markers) draw_band(b, &f, &p->lines[i]);
    if (isfinite(p->ref_y))
        af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n",
                  f.x0, fy(&f, p->ref_y), f.x1, fy(&f, p->ref_y), rp_color(RP_RED));
    for (size_t i = 0; i < p->n_lines; i++) draw_line(b, &f, &p->lines[i]);
    if (empty)
        af_buf_printf(b, "<text class=\"tk\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no data</text>\n",
                  (f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2);
    /* Axes. */
    af_buf_printf(b, "<path d=\"M%.1f,%.1f V%.1f H%.1f\" fill=\"none\" stroke=\"#555\"/>\n", f.x0, f.y0, f.y1, f.x1);
}

void rp_svg_lines(af_buf *b, const rp_chart *c)
{
    int cols = c->columns > 0 ? c->columns : 1;
    if ((size_t)cols > c->n_panels && c->n_panels > 0) cols = (int)c->n_panels;
    int rows = c->n_panels ? (int)((c->n_panels + (size_t)cols - 1) / (size_t)cols) : 1;
    int ph = c->panel_height > 0 ? c->panel_height : (cols == 1 ? 220 : 130);
    double grid_w = W - PAD_L - PAD_R, pw = grid_w / cols;
    int leg_h = legend_height(c->legend, c->n_legend, W - PAD_L - 8);
    double top = TITLE_H + leg_h;
    double cell_h = PANEL_TOP + ph + PANEL_BOTTOM;
    int height = (int)ceil(top + rows * cell_h + XLABEL_H);
    svg_open(b, c->id, c->title, height);
    legend_draw(b, c->legend, c->n_legend, PAD_L + 4, TITLE_H, W - PAD_L - 8);
    for (size_t i = 0; i < c->n_panels; i++) {
        int r = (int)(i / (size_t)cols), col = (int)(i % (size_t)cols);
        draw_panel(b, c, &c->panels[i], PAD_L + col * pw, top + r * cell_h, pw, ph, r == rows - 1);
    }
    double gy = top + rows * cell_h / 2;
    af_buf_printf(b, "<text class=\"al\" transform=\"translate(12,%.1f) rotate(-90)\" text-anchor=\"middle\">", gy);
    rp_esc(b, c->y_label);
    af_buf_printf(b, "</text>\n<text class=\"al\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", PAD_L + grid_w / 2,
              height - 5);
    rp_esc(b, c->x_label);
    af_buf_put(b, "</text>\n</svg>\n");
}

/* ---- stacked bars ---- */

void rp_svg_stacked_bars(af_buf *b, const rp_bars *c)
{
    rp_legend leg[16];
    size_t nl = c->n_segs < 16 ? c->n_segs : 16;
    for (size_t i = 0; i < nl; i++) leg[i] = (rp_legend){RP_LEG_BOX, c->seg_labels[i], c->seg_colors[i], RP_SOLID};
    int leg_h = legend_height(leg, nl, W - 12);
    const double label_w = 170, bar_h = 22, gap = 10;
    double x0 = label_w + 8, x1 = W - 16;
    double top = TITLE_H + leg_h + 4;
    int height = (int)ceil(top + c->n_bars * (bar_h + gap) + 24 + XLABEL_H);
    svg_open(b, c->id, c->title, height);
    legend_draw(b, leg, nl, 8, TITLE_H, W - 12);
    double max = 0;
    for (size_t i = 0; i < c->n_bars; i++) {
        double t = 0;
        for (size_t s = 0; s < c->n_segs; s++) {
            double v = c->values[i * c->n_segs + s];
            if (isfinite(v) && v > 0) t += v;
        }
        if (t > max) max = t;
    }
    if (!(max > 0)) max = 1;
    double step = nice_step(0, max, 6, false);
    double dmax = ceil(max / step - 1e-9) * step;
    double y_axis = top + c->n_bars * (bar_h + gap);
    double ticks[32];
    int nt = rp_ticks(0, dmax, 6, false, ticks, 32);
    for (int i = 0; i < nt; i++) {
        double x = x0 + ticks[i] / dmax * (x1 - x0);
        char lab[48];
        rp_tick_label(lab, sizeof lab, ticks[i], step, dmax, false);
        af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ececec\"/>"
                     "<text class=\"tk\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                  x, top - 4, x, y_axis + 4, x, y_axis + 15, lab);
    }
    for (size_t i = 0; i < c->n_bars; i++) {
        double y = top + i * (bar_h + gap);
        af_buf_printf(b, "<text class=\"bl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w, y + bar_h / 2 + 4);
        rp_esc_trunc(b, c->bar_labels[i], 28);
        af_buf_put(b, "</text>\n");
        double acc = 0;
        for (size_t s = 0; s < c->n_segs; s++) {
            double v = c->values[i * c->n_segs + s];
            if (!(isfinite(v) && v > 0)) continue;
            double xa = x0 + acc / dmax * (x1 - x0), w = v / dmax * (x1 - x0);
            char num[48];
            rp_fmt_num(num, sizeof num, v, 3);
            af_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", xa, y, w,
                      bar_h, rp_color(c->seg_colors[s]));
            rp_esc(b, c->seg_labels[s]);
            af_buf_printf(b, ": %s</title></rect>\n", num);
            if (w > text_width(num, 10) + 6)
                af_buf_printf(b, "<text class=\"bv\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", xa + w / 2,
                          y + bar_h / 2 + 3.5, num);
            acc += v;
        }
    }
    af_buf_printf(b, "<path d=\"M%.1f,%.1f V%.1f H%.1f\" fill=\"none\" stroke=\"#555\"/>\n", x0, top - 4, y_axis, x1);
    af_buf_printf(b, "<text class=\"al\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", (x0 + x1) / 2, height - 5);
    rp_esc(b, c->x_label);
    af_buf_put(b, "</text>\n</svg>\n");
}

/* ---- intervals ---- */

void rp_svg_forest(af_buf *b, const rp_forest *c)
{
    int leg_h = legend_height(c->legend, c->n_legend, W - 12);
    const double label_w = 230, row_h = 18;
    double x0 = label_w + 10, x1 = W - 20;
    double top = TITLE_H + leg_h + 6;
    int height = (int)ceil(top + c->n * row_h + 24 + XLABEL_H);
    svg_open(b, c->id, c->title, height);
    legend_draw(b, c->legend, c->n_legend, 8, TITLE_H, W - 12);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        widen(&lo, &hi, c->est[i]);
        widen(&lo, &hi, c->lo[i]);
        widen(&lo, &hi, c->hi[i]);
    }
    widen(&lo, &hi, c->ref_x);
    if (!(hi >= lo)) {
        lo = -1;
        hi = 1;
    }
    if (hi == lo) {
        lo -= 1;
        hi += 1;
    }
    double step = nice_step(lo, hi, 6, false);
    frame f = {.x0 = x0, .x1 = x1, .y0 = top, .y1 = top + c->n * row_h};
    f.dx0 = floor(lo / step + 1e-9) * step;
    f.dx1 = ceil(hi / step - 1e-9) * step;
    double ticks[32];
    int nt = rp_ticks(f.dx0, f.dx1, 6, false, ticks, 32);
    for (int i = 0; i < nt; i++) {
        double x = fx(&f, ticks[i]);
        char lab[48];
        rp_tick_label(lab, sizeof lab, ticks[i], step, fmax(fabs(f.dx0), fabs(f.dx1)), c->x_percent);
        af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ececec\"/>"
                     "<text class=\"tk\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                  x, f.y0, x, f.y1 + 4, x, f.y1 + 15, lab);
    }
    if (isfinite(c->ref_x))
        af_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"3 3\"/>\n",
                  fx(&f, c->ref_x), f.y0, fx(&f, c->ref_x), f.y1);
    for (size_t i = 0; i < c->n; i++) {
        double y = top + i * row_h + row_h / 2;
        /* Grey and red, not the palette: its colours mean scenarios elsewhere in the report. */
        const char *col = rp_color(c->highlight && c->highlight[i] ? RP_RED : RP_GREY);
        af_buf_printf(b, "<text class=\"bl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w, y + 4);
        rp_esc_trunc(b, c->labels[i], 36);
        af_buf_put(b, "</text>\n");
        if (isfinite(c->lo[i]) && isfinite(c->hi[i]))
            af_buf_printf(b, "<path stroke=\"%s\" stroke-width=\"1.6\" d=\"M%.1f,%.1f H%.1f M%.1f,%.1f V%.1f M%.1f,%.1f V%.1f\"/>",
                      col, fx(&f, c->lo[i]), y, fx(&f, c->hi[i]), fx(&f, c->lo[i]), y - 4, y + 4, fx(&f, c->hi[i]),
                      y - 4, y + 4);
        if (isfinite(c->est[i]))
            af_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>", fx(&f, c->est[i]), y, col);
        af_buf_put(b, "\n");
    }
    af_buf_printf(b, "<path d=\"M%.1f,%.1f V%.1f H%.1f\" fill=\"none\" stroke=\"#555\"/>\n", f.x0, f.y0, f.y1, f.x1);
    af_buf_printf(b, "<text class=\"al\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", (x0 + x1) / 2, height - 5);
    rp_esc(b, c->x_label);
    af_buf_put(b, "</text>\n</svg>\n");
}
