/* The decision map: the optimal placement over two swept axes, one model,
 * with cell borders at the exact breakpoints where known. Up to
 * PLOT_MAP_MAX_DOTS sweep points the cells are drawn as rectangles with
 * every sweep point as a dot; beyond, the map is a raster of
 * MAP_RASTER_W x MAP_RASTER_H cells sampled from the same cells (one
 * embedded image in the SVG, no dots), so a 10^6-point map stays small. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_MAP_MAX_DOTS 4096 /* sweep points drawn as dots, at most */
#define MAP_RASTER_W 1000
#define MAP_RASTER_H 600

typedef struct seg {
  double lo, hi;
  int place;
} seg;

/* Move a cell's upper edge a hair outwards (0.2 % of the axis) so that
 * neighbouring cells overlap and no anti-aliasing seam shows between them;
 * the boundary is still exact to the eye. */
static double grow_edge(double v, const plot_axis *a) {
  double lo = a->values[0], hi = a->values[a->n_values - 1];
  if (a->is_log && lo > 0)
    return v * pow(hi / lo, 0.002);
  return v + 0.002 * (hi - lo);
}

/* Everything one decision map is drawn from. */
typedef struct map_chart {
  const plot_data *d;
  const plot_chart *c;
  const plot_model *m;
  const plot_axis *ax, *ay;
  size_t nx, ny;
  long col[6]; /* breakpoints.csv: model axis fixed value before after;
                  col[0] < 0 when not usable */
  plot_bp *bps;
  seg *segs;
  int *used;  /* per placement (and infeasible last): drawn somewhere */
  int raster; /* drawn as a raster image, without the sweep points */
} map_chart;

/* The exact breakpoints along x on row yi, sorted; their count, or -1
 * with err. */
static long map_row_breakpoints(map_chart *M, size_t yi, ss_error *err) {
  const plot_data *d = M->d;
  const plot_table *b = &d->breakpoints;
  const long *k = M->col;
  size_t n = 0;
  if (k[0] < 0)
    return 0;
  const size_t *rows;
  size_t n_rows = plot_rows_of(&d->breakpoints_rows, M->c->model, &rows);
  for (size_t i = 0; i < n_rows; i++) {
    size_t r = rows[i];
    if (strcmp(plot_table_get(b, r, (size_t)k[1]), M->ax->param) != 0 ||
        !plot_fixed_matches(d, plot_table_get(b, r, (size_t)k[2]),
                            (size_t)d->map_x, d->map_rows + yi * d->n_axes))
      continue;
    double v;
    if (plot_table_num(b, r, (size_t)k[3], &v, err) != 0)
      return -1;
    if (isnan(v))
      continue;
    M->bps[n].x = v;
    M->bps[n].before =
        plot_model_place(M->m, plot_table_get(b, r, (size_t)k[4]));
    M->bps[n].after =
        plot_model_place(M->m, plot_table_get(b, r, (size_t)k[5]));
    n++;
  }
  plot_sort(M->bps, n, sizeof *M->bps, plot_cmp_bp);
  return (long)n;
}

/* Row yi as segments of one placement each: cell borders at the exact
 * breakpoints when they chain the two neighbours, else half-way. */
static size_t map_row_segments(map_chart *M, size_t yi, size_t n_bps) {
  const plot_axis *ax = M->ax;
  const plot_bp *bps = M->bps;
  const int *row = M->m->map + yi * M->nx;
  size_t ns = 0, nx = M->nx;
  double lo = ax->values[0];
  for (size_t xi = 0; xi + 1 < nx; xi++) {
    if (row[xi + 1] == row[xi])
      continue;
    double x0 = ax->values[xi], x1 = ax->values[xi + 1];
    size_t k0 = 0, k1;
    while (k0 < n_bps && bps[k0].x <= x0)
      k0++;
    k1 = k0;
    while (k1 < n_bps && bps[k1].x < x1)
      k1++;
    int chain = k1 > k0 && bps[k0].before == row[xi] &&
                bps[k1 - 1].after == row[xi + 1];
    for (size_t k = k0; chain && k + 1 < k1; k++)
      chain = bps[k].after == bps[k + 1].before;
    if (chain) {
      int pl = row[xi];
      for (size_t k = k0; k < k1; k++) {
        M->segs[ns++] = (seg){lo, bps[k].x, pl};
        lo = bps[k].x;
        pl = bps[k].after;
      }
    } else {
      double bnd = plot_mid(x0, x1, ax->is_log);
      M->segs[ns++] = (seg){lo, bnd, row[xi]};
      lo = bnd;
    }
  }
  M->segs[ns++] = (seg){lo, ax->values[nx - 1], row[nx - 1]};
  return ns;
}

/* Block 0: the cells of every row; block 1: the sweep points. */
static int map_data(map_chart *M, FILE *dat, ss_error *err) {
  const plot_axis *ax = M->ax, *ay = M->ay;
  size_t nx = M->nx, ny = M->ny;
  fputs("# decision map: block 0 = cells (xlow xhigh ylow yhigh linetype = "
        "placement number), block 1 = sweep points (x y)\n",
        dat);
  for (size_t yi = 0; yi < ny; yi++) {
    double yv = ay->values[yi];
    double ylo = yi ? plot_mid(ay->values[yi - 1], yv, ay->is_log) : yv;
    double yhi =
        yi + 1 < ny ? plot_mid(yv, ay->values[yi + 1], ay->is_log) : yv;
    if (ny == 1)
      ylo = yhi = yv;
    long n_bps = map_row_breakpoints(M, yi, err);
    if (n_bps < 0)
      return -1;
    size_t ns = map_row_segments(M, yi, (size_t)n_bps);
    for (size_t s = 0; s < ns; s++) {
      const seg *g = &M->segs[s];
      if (!(g->hi > g->lo) && nx > 1)
        continue;
      plot_gp_num(dat, g->lo);
      fputc(' ', dat);
      plot_gp_num(dat, grow_edge(g->hi, ax));
      fputc(' ', dat);
      plot_gp_num(dat, ylo);
      fputc(' ', dat);
      plot_gp_num(dat, grow_edge(yhi, ay));
      fprintf(dat, " %d\n", plot_lt_of(M->m, g->place));
      M->used[g->place < 0 ? M->m->n_places : (size_t)g->place] = 1;
    }
  }
  fputs("\n\n", dat);
  for (size_t yi = 0; yi < ny; yi++)
    for (size_t xi = 0; xi < nx; xi++) {
      plot_gp_num(dat, ax->values[xi]);
      fputc(' ', dat);
      plot_gp_num(dat, ay->values[yi]);
      fputc('\n', dat);
    }
  fputs("\n\n", dat);
  return 0;
}

/* A value as a chart coordinate (its log on a log axis), and back. */
static int map_log(const plot_axis *a) { return a->is_log && a->values[0] > 0; }
static double map_u(const plot_axis *a, double v) {
  return map_log(a) ? log(v) : v;
}
static double map_v(const plot_axis *a, double u) {
  return map_log(a) ? exp(u) : u;
}

/* The centre of raster cell k of n along axis a, as an axis value. */
static double map_cell_centre(const plot_axis *a, size_t k, size_t n) {
  double u0 = map_u(a, a->values[0]), u1 = map_u(a, a->values[a->n_values - 1]);
  return map_v(a, u0 + ((double)k + 0.5) / (double)n * (u1 - u0));
}

/* One raster row: the linetype of the segment holding each column's centre. */
static void map_raster_row(map_chart *M, size_t ns, FILE *dat) {
  size_t s = 0;
  for (size_t i = 0; i < MAP_RASTER_W; i++) {
    double x = map_cell_centre(M->ax, i, MAP_RASTER_W);
    while (s + 1 < ns && x >= M->segs[s].hi)
      s++;
    fprintf(dat, i ? " %d" : "%d", plot_lt_of(M->m, M->segs[s].place));
  }
  fputc('\n', dat);
}

/* The map as a raster (gnuplot `matrix`): row 0 at the bottom, column 0 at
 * the left, cells uniform in the chart's coordinates; each cell takes the
 * placement of the grid cell (with exact breakpoints along x) at its
 * centre. */
static int map_raster(map_chart *M, FILE *dat, ss_error *err) {
  const plot_axis *ay = M->ay;
  size_t yi = 0, ns = 0;
  long cur = -1;
  fprintf(dat,
          "# decision map raster: %d rows (bottom up) of %d cells (left to "
          "right), uniform on the chart's axes (log where the axis is); "
          "each = linetype = placement number at the cell's centre\n",
          MAP_RASTER_H, MAP_RASTER_W);
  for (size_t j = 0; j < MAP_RASTER_H; j++) {
    double y = map_cell_centre(ay, j, MAP_RASTER_H);
    while (yi + 1 < M->ny &&
           y > plot_mid(ay->values[yi], ay->values[yi + 1], ay->is_log))
      yi++;
    if ((long)yi != cur) {
      long n_bps = map_row_breakpoints(M, yi, err);
      if (n_bps < 0)
        return -1;
      ns = map_row_segments(M, yi, (size_t)n_bps);
      for (size_t s = 0; s < ns; s++)
        if (M->segs[s].hi > M->segs[s].lo)
          M->used[M->segs[s].place < 0 ? M->m->n_places
                                       : (size_t)M->segs[s].place] = 1;
      cur = (long)yi;
    }
    map_raster_row(M, ns, dat);
  }
  return 0;
}

/* The raster's axes (x2, y2: one unit per cell, so it fills the plot) and
 * its colours (a palette of one colour per linetype). */
static void map_script_raster(const map_chart *M, FILE *gp) {
  size_t n = M->m->n_places + 1;
  fprintf(gp,
          "set x2range [-0.5:%d.5]\nset y2range [-0.5:%d.5]\n"
          "unset colorbox\nset palette maxcolors %zu\n"
          "set cbrange [0.5:%zu.5]\nset palette defined (",
          MAP_RASTER_W - 1, MAP_RASTER_H - 1, n, n);
  for (size_t i = 0; i < n; i++)
    fprintf(gp, "%s%zu '%s'", i ? ", " : "", i + 1,
            plot_place_colour(i + 1 < n ? (int)i : PLOT_INFEASIBLE));
  fputs(")\n", gp);
}

/* Title, axes and ranges; returns the placements drawn. */
static size_t map_script_head(const map_chart *M, FILE *gp) {
  const plot_data *d = M->d;
  const plot_axis *ax = M->ax, *ay = M->ay;
  char lx[256], ly[256], line1[512], line2[600];
  plot_axis_label(d, (size_t)d->map_x, lx, sizeof lx);
  plot_axis_label(d, (size_t)d->map_y, ly, sizeof ly);
  snprintf(line1, sizeof line1, "%.*s: optimal placement (%s)", PLOT_NAME_CHARS,
           M->m->name, plot_objective_name(d->objective));
  plot_other_line(d, d->map_x, d->map_y, line2, sizeof line2);
  size_t n_used = 0;
  for (size_t i = 0; i <= M->m->n_places; i++)
    n_used += M->used[i] != 0;
  plot_gp_begin(gp, M->c->base,
                "decision map (optimal placement over two axes)");
  plot_gp_place_types(gp, M->m);
  plot_gp_title(gp, "set title", line1, line2, 1000);
  fputs("set xlabel ", gp);
  plot_gp_str(gp, lx, 160);
  fputs("\nset ylabel ", gp);
  plot_gp_str(gp, ly, 160);
  fputc('\n', gp);
  if (ax->is_log)
    fputs("set logscale x\nset format x '%g'\n", gp);
  if (ay->is_log)
    fputs("set logscale y\nset format y '%g'\n", gp);
  fputs("set xrange [", gp);
  plot_gp_num(gp, ax->values[0]);
  fputc(':', gp);
  plot_gp_num(gp, ax->values[M->nx - 1]);
  fputs("]\nset yrange [", gp);
  plot_gp_num(gp, ay->values[0]);
  fputc(':', gp);
  plot_gp_num(gp, ay->values[M->ny - 1]);
  fputs("]\nset border 15 front\nset tics out nomirror front\n", gp);
  if (M->raster)
    map_script_raster(M, gp);
  plot_gp_key_below(gp, n_used + !M->raster, NULL);
  return n_used;
}

static void map_script_plot(const map_chart *M, FILE *gp, size_t n_used) {
  const char *base = M->c->base;
  const plot_model *m = M->m;
  plot_gp_loop_open(gp, base, 1000, 620 + 22 * (int)(n_used + !M->raster));
  if (M->raster)
    fprintf(gp, "  plot \\\n    '%s.dat' matrix axes x2y2 with image notitle",
            base);
  else
    fprintf(gp,
            "  plot \\\n    '%s.dat' index 0 using (($1+$2)/2):(($3+$4)/2):"
            "1:2:3:4:5 with boxxyerror fs solid 1.0 noborder lc variable "
            "notitle, \\\n    '%s.dat' index 1 using 1:2 with points pt 7 "
            "ps 0.35 lc rgb '#333333' title 'sweep point'",
            base, base);
  for (size_t i = 0; i <= m->n_places; i++) {
    if (!M->used[i])
      continue;
    int place = i == m->n_places ? PLOT_INFEASIBLE : (int)i;
    char title[700];
    plot_place_title(m, place, title, sizeof title);
    fprintf(gp, ", \\\n    keyentry with boxes fs solid 1.0 lt %d title ",
            plot_lt_of(m, place));
    plot_gp_str(gp, title, PLOT_PLACE_CHARS + 4);
  }
  fputc('\n', gp);
  plot_gp_loop_close(gp);
}

/* Breakpoint columns, data, then the script. */
static int write_map(FILE *gp, FILE *dat, const plot_data *d,
                     const plot_plan *p, const plot_chart *c, ss_error *err) {
  (void)p;
  map_chart M;
  memset(&M, 0, sizeof M);
  M.d = d;
  M.c = c;
  M.m = &d->models[c->model];
  M.ax = &d->axes[d->map_x];
  M.ay = &d->axes[d->map_y];
  M.nx = M.ax->n_values;
  M.ny = M.ay->n_values;
  M.raster = M.nx * M.ny > PLOT_MAP_MAX_DOTS;
  M.col[0] = -1;
  const plot_table *b = &d->breakpoints;
  static const char *const names[6] = {SIM_COL_MODEL,
                                       SIM_COL_AXIS,
                                       SIM_COL_FIXED,
                                       SIM_COL_VALUE,
                                       SIM_COL_PLACEMENT_BEFORE,
                                       SIM_COL_PLACEMENT_AFTER};
  int usable = d->has_breakpoints;
  for (size_t k = 0; usable && k < 6; k++)
    usable = (M.col[k] = plot_table_col(b, names[k])) >= 0;
  if (!usable)
    M.col[0] = -1;
  int rc = -1;
  M.used = calloc(M.m->n_places + 2, sizeof *M.used);
  M.segs = calloc(M.nx + (usable ? b->n_rows : 0) + 2, sizeof *M.segs);
  if (usable)
    M.bps = calloc(b->n_rows + 1, sizeof *M.bps);
  if (!M.used || !M.segs || (usable && !M.bps)) {
    rc = ss_error_oom(err, d->charts, c->base);
  } else if ((M.raster ? map_raster(&M, dat, err) : map_data(&M, dat, err)) ==
             0) {
    size_t n_used = map_script_head(&M, gp);
    map_script_plot(&M, gp, n_used);
    rc = 0;
  }
  free(M.used);
  free(M.segs);
  free(M.bps);
  return rc;
}

/* ---- plan, caption, kind ------------------------------------------------ */

/* One map per model, unless one placement is optimal over the whole
 * plane (then a note says so). */
static int plan_map(plot_plan *p, const plot_data *d, const plot_options *opt) {
  (void)opt;
  if (d->map_x < 0) {
    if (d->map_note)
      plot_plan_note(p, "%s", d->map_note);
    return 0;
  }
  size_t ncells = d->axes[d->map_x].n_values * d->axes[d->map_y].n_values,
         n_one = 0;
  char names[900] = "", base[160];
  size_t kn = 0;
  int width = plot_index_width(d);
  for (size_t i = 0; i < d->n_models; i++) {
    const int *map = d->models[i].map;
    if (!map)
      continue;
    /* one placement over the whole plane: the note says it all */
    size_t c = 1;
    while (c < ncells && map[c] == map[0])
      c++;
    if (c == ncells && ncells > 1) {
      if (kn + 80 < sizeof names)
        kn += (size_t)snprintf(names + kn, sizeof names - kn, "%s%.60s",
                               n_one ? ", " : "", d->models[i].name);
      else if (kn + 5 < sizeof names && names[kn - 1] != '.')
        kn += (size_t)snprintf(names + kn, sizeof names - kn, ", ...");
      n_one++;
      continue;
    }
    snprintf(base, sizeof base, "map-%0*zu-%s", width, i + 1,
             d->models[i].slug);
    if (plot_plan_add(p, PLOT_MAP, i, 0, base, 1) != 0)
      return -1;
  }
  if (n_one)
    plot_plan_note(p,
                   "No decision map for %s: one placement is optimal over "
                   "the whole plane (see Placements; best.csv has the "
                   "numbers).",
                   names);
  return 0;
}

static void caption_map(const plot_data *d, const plot_chart *c, char *buf,
                        size_t bufsize) {
  char lab[256], lab2[256];
  plot_axis_label(d, (size_t)d->map_x, lab, sizeof lab);
  plot_axis_label(d, (size_t)d->map_y, lab2, sizeof lab2);
  snprintf(buf, bufsize,
           "%.80s: the optimal placement over %s and %s (cell borders "
           "along x at the exact breakpoints where known).",
           d->models[c->model].name, lab, lab2);
}

const plot_kind_ops plot_chart_map = {PLOT_MAP, "Decision maps", plan_map,
                                      caption_map, write_map};
