/* Charts as inline SVG: line charts in panels (with replication bands, shaded closures and a
 * reference line), horizontal stacked bars, and interval ("forest") plots.
 *
 * Every chart is one <svg> element with a <title>, a visible title, axes with ticks, axis
 * labels with units, and a legend. Coordinates are in a fixed 760-unit-wide viewBox and the
 * element scales to the page's width, so the same markup fits a screen and an A4 page. Text
 * from the inputs is escaped. No scripts, no external references.
 */
#ifndef AF_REPORT_SVG_H
#define AF_REPORT_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "report/escape.h"
#include "report/format.h"

enum { RP_PALETTE_SIZE = 10, RP_BLACK = -1, RP_GREY = -2, RP_RED = -3 };

/* The colour of palette index i (negative: the named colours above), "#rrggbb". */
const char *rp_color(int i);

typedef enum rp_dash { RP_SOLID, RP_DASHED, RP_DOTTED } rp_dash;

/* One line: y[i] at x[i]; NaN y leaves a gap. lo/hi (may be NULL) draw a shaded band, or with
 * markers a whisker at each point. */
typedef struct rp_line {
    int n;
    const double *x, *y, *lo, *hi;
    int color;
    rp_dash dash;
    bool markers;
    bool no_line;   /* markers only */
} rp_line;

typedef struct rp_panel {
    const char *title;          /* above the panel; NULL for none */
    const rp_line *lines;
    size_t n_lines;
    /* Shaded days: shade[i] in [0, 1] is the share of replications in which x = shade_x0 + i
     * was a closure; drawn as a grey column whose darkness follows the share. */
    const double *shade;
    int n_shade;
    double shade_x0;
    double ref_y;               /* a horizontal reference line (a target), NaN for none */
} rp_panel;

typedef enum rp_legend_kind { RP_LEG_LINE, RP_LEG_BAND, RP_LEG_SHADE, RP_LEG_REF, RP_LEG_BOX, RP_LEG_MARKER } rp_legend_kind;

typedef struct rp_legend {
    rp_legend_kind kind;
    const char *label;
    int color;
    rp_dash dash;
} rp_legend;

/* A dated event on a time axis: a line at x0 and, when x1 > x0, a band to x1 (day numbers);
 * number is the label drawn at its top (1-based, explained in the caption). */
typedef struct rp_mark {
    double x0, x1;
    int number;
} rp_mark;

typedef struct rp_chart {
    const char *id;             /* element id (ASCII, from our code, not escaped) */
    const char *title;
    const char *x_label, *y_label; /* with units */
    const rp_panel *panels;
    size_t n_panels;
    int columns;                /* panels per row */
    int panel_height;           /* plot area height; 0 for a default */
    bool x_days;                /* x is a day number: ticks at multiples of a week */
    long x_day1;                /* with x_days: the day number (base/date.h) of x = 1, labelled as dates; 0 none */
    const rp_mark *marks;       /* dated events, drawn in every panel */
    size_t n_marks;
    bool y_zero;                /* the y range includes 0 */
    bool y_percent;             /* y ticks as percentages of 1 */
    double x_lo, x_hi;          /* the x range shared by all panels, if x_hi > x_lo */
    const char *const *x_cats;  /* x is categorical: x = i is labelled x_cats[i]; NULL if not */
    int n_x_cats;
    const rp_legend *legend;
    size_t n_legend;
} rp_chart;

void rp_svg_lines(af_buf *b, const rp_chart *c);

/* Horizontal stacked bars: values[bar * n_segs + seg]. */
typedef struct rp_bars {
    const char *id, *title, *x_label;
    size_t n_bars;
    const char *const *bar_labels;
    size_t n_segs;
    const char *const *seg_labels;
    const int *seg_colors;
    const double *values;
} rp_bars;

void rp_svg_stacked_bars(af_buf *b, const rp_bars *c);

/* Estimates with intervals, one row each, against a vertical reference at ref_x (NaN none). */
typedef struct rp_forest {
    const char *id, *title, *x_label;
    size_t n;
    const char *const *labels;
    const double *est, *lo, *hi;
    const bool *highlight;      /* rows drawn in the accent colour (significant); may be NULL */
    double ref_x;
    bool x_percent;
    const rp_legend *legend;
    size_t n_legend;
} rp_forest;

void rp_svg_forest(af_buf *b, const rp_forest *c);

/* Tick positions for [lo, hi]: about `target` ticks at 1, 2 or 5 times a power of ten (or, for
 * days, multiples of a week). Returns the number written to ticks (at most max). */
int rp_ticks(double lo, double hi, int target, bool days, double *ticks, int max);
/* A tick label: compact (12k, 3.4M) on axes reaching 10,000 or a million; `step` sets the
 * decimals and axis_max, the axis's largest magnitude, the style, alike for all its ticks. */
void rp_tick_label(char *out, size_t size, double v, double step, double axis_max, bool percent);

#endif
