/* Private to plots/: the script parts every chart kind shares
 * (plot_script.c): series of points, the head and render loop of a gnuplot
 * script, titles, legends and placement names. */
#ifndef PLOT_SCRIPT_H
#define PLOT_SCRIPT_H

#include <stddef.h>
#include <stdio.h>

#include "plot_internal.h"

#define PLOT_NAME_CHARS 60   /* longest model / system name shown */
#define PLOT_PLACE_CHARS 100 /* longest placement text shown in a legend */

typedef struct plot_xy {
  double x, y;
} plot_xy;

typedef struct plot_series {
  int place;
  size_t n, cap;
  plot_xy *p;
} plot_series;

/* A breakpoint along an axis: x, the objective there, whether it is exact
 * and the placements before and after it. */
typedef struct plot_bp {
  double x, y;
  int exact, before, after;
} plot_bp;

/* qsort order of breakpoints by x. */
int plot_cmp_bp(const void *a, const void *b);

/* Append (x, y); -1 when out of memory. */
int plot_series_push(plot_series *s, double x, double y);
/* qsort order of points by x. */
int plot_cmp_xy(const void *a, const void *b);
/* Midpoint between two axis values (geometric on a log axis). */
double plot_mid(double a, double b, int is_log);

/* The script's head: what it draws, how to render it. */
void plot_gp_begin(FILE *fp, const char *base, const char *what);
/* The same for chart c (names its one output with c->single_format). */
void plot_gp_begin_chart(FILE *fp, const plot_chart *c, const char *what);
/* The tier colours as comments. */
void plot_gp_colours(FILE *fp, const plot_data *d);
/* The loop that renders PNG and SVG of w x h pixels, and its end. */
void plot_gp_loop_open(FILE *fp, const char *base, int w, int h);
void plot_gp_loop_close(FILE *fp);
/* The same for chart c: the loop, or its one format (c->single_format). */
void plot_gp_output_open(FILE *fp, const plot_chart *c, int w, int h);
void plot_gp_output_close(FILE *fp, const plot_chart *c);
/* A number as data text. */
void plot_gp_num(FILE *fp, double v);
/* A data block of (x, y) rows, a NaN row when empty, then the two blank
 * lines that end a gnuplot index block. */
void plot_gp_xy_block(FILE *fp, const plot_series *s);
/* A legend of `rows` lines under the x label. */
void plot_gp_key_below(FILE *fp, size_t rows, const char *extra);
/* `cmd` with a title of line1 and the lines of line2, broken to fit a
 * chart w pixels wide (at most 6 lines). Returns the number of lines. */
int plot_gp_title(FILE *fp, const char *cmd, const char *line1,
                  const char *line2, int w);
/* "%.4g". */
void plot_fmt_g(char *buf, size_t size, double v);
/* "param = value, ..." for the other axes at the reference point (or at
 * `at`). */
void plot_other_axes_text(const plot_data *d, long skip1, long skip2,
                          const double *at, char *buf, size_t size);
/* "at the reference point: ..." (the other parameters) or empty when there
 * are none. */
void plot_other_line(const plot_data *d, long skip1, long skip2, char *buf,
                     size_t size);
/* "A: Device(x) = 0 - 3, ..." for placement `place` of m (or infeasible). */
void plot_place_title(const plot_model *m, int place, char *buf, size_t size);
/* linetype N = placement N-1 of the model; infeasible = n_places + 1. */
void plot_gp_place_types(FILE *fp, const plot_model *m);
int plot_lt_of(const plot_model *m, int place);

#endif
