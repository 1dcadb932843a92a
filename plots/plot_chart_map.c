/* The decision map: the optimal placement over two swept axes, one model,
 * with cell borders at the exact breakpoints where known. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

static int write_map(FILE *gp, FILE *dat, const plot_data *d,
                     const plot_plan *p, const plot_chart *c, ss_error *err) {
  (void)p;
  const plot_model *m = &d->models[c->model];
  const plot_axis *ax = &d->axes[d->map_x], *ay = &d->axes[d->map_y];
  size_t nx = ax->n_values, ny = ay->n_values;
  seg *segs = NULL;
  plot_bp *bps = NULL;
  int *used = calloc(m->n_places + 2, sizeof *used);
  int rc = -1;
  if (!used)
    goto nomem;
  const plot_table *b = &d->breakpoints;
  long bm = -1, ba = -1, bf = -1, bv = -1, bb = -1, bA = -1;
  if (d->has_breakpoints) {
    bm = plot_table_col(b, SIM_COL_MODEL);
    ba = plot_table_col(b, SIM_COL_AXIS);
    bf = plot_table_col(b, SIM_COL_FIXED);
    bv = plot_table_col(b, SIM_COL_VALUE);
    bb = plot_table_col(b, SIM_COL_PLACEMENT_BEFORE);
    bA = plot_table_col(b, SIM_COL_PLACEMENT_AFTER);
    if (bm < 0 || ba < 0 || bf < 0 || bv < 0 || bb < 0 || bA < 0)
      bm = -1;
    else if (!(bps = calloc(b->n_rows + 1, sizeof *bps)))
      goto nomem;
  }
  segs = calloc(nx + (bm >= 0 ? b->n_rows : 0) + 2, sizeof *segs);
  if (!segs)
    goto nomem;
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
    /* exact breakpoints along x on this row */
    size_t n_bps = 0;
    if (bm >= 0)
      for (size_t r = 0; r < b->n_rows; r++) {
        if (strcmp(plot_table_get(b, r, (size_t)bm), m->name) != 0 ||
            strcmp(plot_table_get(b, r, (size_t)ba), ax->param) != 0 ||
            !plot_fixed_matches(d, plot_table_get(b, r, (size_t)bf),
                                (size_t)d->map_x, d->map_rows + yi * d->n_axes))
          continue;
        double v;
        if (plot_table_num(b, r, (size_t)bv, &v, err) != 0)
          goto out;
        if (isnan(v))
          continue;
        bps[n_bps].x = v;
        bps[n_bps].before =
            plot_model_place(m, plot_table_get(b, r, (size_t)bb));
        bps[n_bps].after =
            plot_model_place(m, plot_table_get(b, r, (size_t)bA));
        n_bps++;
      }
    plot_sort(bps, n_bps, sizeof *bps, plot_cmp_bp);
    size_t ns = 0;
    const int *row = m->map + yi * nx;
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
          segs[ns++] = (seg){lo, bps[k].x, pl};
          lo = bps[k].x;
          pl = bps[k].after;
        }
      } else {
        double bnd = plot_mid(x0, x1, ax->is_log);
        segs[ns++] = (seg){lo, bnd, row[xi]};
        lo = bnd;
      }
    }
    segs[ns++] = (seg){lo, ax->values[nx - 1], row[nx - 1]};
    for (size_t s = 0; s < ns; s++) {
      if (!(segs[s].hi > segs[s].lo) && nx > 1)
        continue;
      plot_gp_num(dat, segs[s].lo);
      fputc(' ', dat);
      plot_gp_num(dat, grow_edge(segs[s].hi, ax));
      fputc(' ', dat);
      plot_gp_num(dat, ylo);
      fputc(' ', dat);
      plot_gp_num(dat, grow_edge(yhi, ay));
      fprintf(dat, " %d\n", plot_lt_of(m, segs[s].place));
      used[segs[s].place < 0 ? m->n_places : (size_t)segs[s].place] = 1;
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

  char lx[256], ly[256], line1[512], line2[600];
  plot_axis_label(d, (size_t)d->map_x, lx, sizeof lx);
  plot_axis_label(d, (size_t)d->map_y, ly, sizeof ly);
  snprintf(line1, sizeof line1, "%.*s: optimal placement (%s)", PLOT_NAME_CHARS,
           m->name, plot_objective_name(d->objective));
  plot_other_line(d, d->map_x, d->map_y, line2, sizeof line2);
  size_t n_used = 0;
  for (size_t i = 0; i <= m->n_places; i++)
    n_used += used[i] != 0;
  plot_gp_begin(gp, c->base, "decision map (optimal placement over two axes)");
  plot_gp_place_types(gp, m);
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
  plot_gp_num(gp, ax->values[nx - 1]);
  fputs("]\nset yrange [", gp);
  plot_gp_num(gp, ay->values[0]);
  fputc(':', gp);
  plot_gp_num(gp, ay->values[ny - 1]);
  fputs("]\nset border 15 front\nset tics out nomirror front\n", gp);
  plot_gp_key_below(gp, n_used + 1, NULL);
  plot_gp_loop_open(gp, c->base, 1000, 620 + 22 * (int)(n_used + 1));
  fprintf(gp,
          "  plot \\\n    '%s.dat' index 0 using (($1+$2)/2):(($3+$4)/2):1:2:"
          "3:4:5 with boxxyerror fs solid 1.0 noborder lc variable notitle, "
          "\\\n    '%s.dat' index 1 using 1:2 with points pt 7 ps 0.35 lc "
          "rgb '#333333' title 'sweep point'",
          c->base, c->base);
  for (size_t i = 0; i <= m->n_places; i++) {
    if (!used[i])
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
  rc = 0;
  goto out;
nomem:
  rc = ss_error_oom(err, d->charts, c->base);
out:
  free(used);
  free(segs);
  free(bps);
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
