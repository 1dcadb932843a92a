/* The objective against one swept parameter, one model: every placement
 * that is optimal somewhere along the axis, the optimum in bold, the
 * regions where each placement wins and the exact breakpoints. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct region {
  double lo, hi;
  int place;
} region;

static int write_latency(FILE *gp, FILE *dat, const plot_data *d,
                         const plot_plan *p, const plot_chart *c,
                         ss_error *err) {
  (void)p;
  const plot_model *m = &d->models[c->model];
  const plot_axis *ax = &d->axes[c->axis];
  const plot_table *t = &d->curves;
  plot_series *ser = calloc(m->n_places + 1, sizeof *ser);
  plot_series grid = {0, 0, 0, NULL}; /* optimal placement per x (y = index) */
  plot_bp *bps = NULL;
  region *reg = NULL;
  size_t n_bps = 0, n_reg = 0;
  int rc = -1;
  if (!ser)
    goto nomem;
  long cm = plot_table_col(t, SIM_COL_MODEL),
       ca = plot_table_col(t, SIM_COL_AXIS),
       cv = plot_table_col(t, SIM_COL_VALUE),
       cp = plot_table_col(t, SIM_COL_PLACEMENT),
       co = plot_table_col(t, SIM_COL_OBJECTIVE),
       copt = plot_table_col(t, SIM_COL_OPTIMAL);
  double xmin = INFINITY, xmax = -INFINITY, ymax_all = -INFINITY;
  for (size_t r = 0; r < t->n_rows; r++) {
    if (strcmp(plot_table_get(t, r, (size_t)cm), m->name) != 0 ||
        strcmp(plot_table_get(t, r, (size_t)ca), ax->param) != 0)
      continue;
    double x, y, o;
    if (plot_table_num(t, r, (size_t)cv, &x, err) != 0 ||
        plot_table_num(t, r, (size_t)co, &y, err) != 0 ||
        plot_table_num(t, r, (size_t)copt, &o, err) != 0)
      goto out;
    if (isnan(x))
      continue;
    int pi = plot_model_place(m, plot_table_get(t, r, (size_t)cp));
    if (pi < 0)
      continue;
    if (plot_series_push(&ser[pi], x, y) != 0)
      goto nomem;
    if (o == 1 && plot_series_push(&grid, x, pi) != 0)
      goto nomem;
    xmin = fmin(xmin, x);
    xmax = fmax(xmax, x);
    if (isfinite(y))
      ymax_all = fmax(ymax_all, y);
  }
  if (!(xmin < xmax)) {
    rc = ss_error_set(err, t->path, NULL, "no curve for model %s along %s",
                      m->name, ax->param);
    goto out;
  }
  for (size_t i = 0; i < m->n_places; i++)
    plot_sort(ser[i].p, ser[i].n, sizeof(plot_xy), plot_cmp_xy);
  plot_sort(grid.p, grid.n, sizeof(plot_xy), plot_cmp_xy);

  /* exact breakpoints on the reference line */
  if (d->has_breakpoints) {
    const plot_table *b = &d->breakpoints;
    long bm = plot_table_col(b, SIM_COL_MODEL),
         ba = plot_table_col(b, SIM_COL_AXIS),
         bf = plot_table_col(b, SIM_COL_FIXED),
         bv = plot_table_col(b, SIM_COL_VALUE),
         be = plot_table_col(b, SIM_COL_EXACT),
         bb = plot_table_col(b, SIM_COL_PLACEMENT_BEFORE),
         bA = plot_table_col(b, SIM_COL_PLACEMENT_AFTER),
         bo = plot_table_col(b, SIM_COL_OBJECTIVE_AT_VALUE);
    if (bm >= 0 && ba >= 0 && bf >= 0 && bv >= 0 && bb >= 0 && bA >= 0) {
      bps = calloc(b->n_rows + 1, sizeof *bps);
      if (!bps)
        goto nomem;
      for (size_t r = 0; r < b->n_rows; r++) {
        if (strcmp(plot_table_get(b, r, (size_t)bm), m->name) != 0 ||
            strcmp(plot_table_get(b, r, (size_t)ba), ax->param) != 0 ||
            !plot_fixed_matches(d, plot_table_get(b, r, (size_t)bf), c->axis,
                                NULL))
          continue;
        plot_bp *q = &bps[n_bps];
        double e = 1;
        q->y = NAN;
        if (plot_table_num(b, r, (size_t)bv, &q->x, err) != 0 ||
            (be >= 0 && plot_table_num(b, r, (size_t)be, &e, err) != 0) ||
            (bo >= 0 && plot_table_num(b, r, (size_t)bo, &q->y, err) != 0))
          goto out;
        if (isnan(q->x) || q->x < xmin || q->x > xmax)
          continue;
        q->exact = e == 1;
        q->before = plot_model_place(m, plot_table_get(b, r, (size_t)bb));
        q->after = plot_model_place(m, plot_table_get(b, r, (size_t)bA));
        n_bps++;
      }
      plot_sort(bps, n_bps, sizeof *bps, plot_cmp_bp);
    }
  }

  /* regions of the optimum: from the breakpoints when there are any, else
   * from the grid with boundaries half-way between grid points */
  reg = calloc(n_bps + grid.n + 2, sizeof *reg);
  if (!reg)
    goto nomem;
  if (n_bps) {
    double lo = xmin;
    for (size_t i = 0; i < n_bps; i++) {
      reg[n_reg++] = (region){lo, bps[i].x, bps[i].before};
      lo = bps[i].x;
    }
    reg[n_reg++] = (region){lo, xmax, bps[n_bps - 1].after};
  } else if (grid.n) {
    double lo = xmin;
    for (size_t i = 0; i + 1 < grid.n; i++)
      if (grid.p[i + 1].y != grid.p[i].y) {
        double b = plot_mid(grid.p[i].x, grid.p[i + 1].x, ax->is_log);
        reg[n_reg++] = (region){lo, b, (int)grid.p[i].y};
        lo = b;
      }
    reg[n_reg++] = (region){lo, xmax, (int)grid.p[grid.n - 1].y};
  }

  /* envelope: per region, its placement's curve from boundary to boundary */
  double env_min = INFINITY, env_max = -INFINITY;
  size_t idx = 0;
  int *ser_index = calloc(m->n_places + 1, sizeof *ser_index);
  int *reg_index = calloc(n_reg + 1, sizeof *reg_index);
  if (!ser_index || !reg_index) {
    free(ser_index);
    free(reg_index);
    goto nomem;
  }
  fputs("# latency chart: one block per placement curve (x objective), then "
        "one per optimal region (the bold envelope), then the breakpoints "
        "(x objective exact)\n",
        dat);
  for (size_t i = 0; i < m->n_places; i++) {
    ser_index[i] = -1;
    if (!ser[i].n)
      continue;
    ser_index[i] = (int)idx++;
    for (size_t k = 0; k < ser[i].n; k++) {
      if (!isfinite(ser[i].p[k].y)) {
        fputc('\n', dat);
        continue;
      }
      plot_gp_num(dat, ser[i].p[k].x);
      fputc(' ', dat);
      plot_gp_num(dat, ser[i].p[k].y);
      fputc('\n', dat);
    }
    fputs("\n\n", dat);
  }
  for (size_t r = 0; r < n_reg; r++) {
    const region *g = &reg[r];
    plot_series env = {0, 0, 0, NULL};
    double ylo = NAN, yhi = NAN;
    for (size_t i = 0; i < n_bps; i++) {
      if (bps[i].x == g->lo && r > 0)
        ylo = bps[i].y;
      if (bps[i].x == g->hi && r + 1 < n_reg)
        yhi = bps[i].y;
    }
    int ok = 0;
    if (isfinite(ylo))
      ok |= plot_series_push(&env, g->lo, ylo);
    if (g->place >= 0)
      for (size_t k = 0; k < ser[g->place].n; k++) {
        const plot_xy *q = &ser[g->place].p[k];
        int inside = (q->x > g->lo || (r == 0 && q->x == g->lo)) &&
                     (q->x < g->hi || (r + 1 == n_reg && q->x == g->hi));
        if (inside && isfinite(q->y))
          ok |= plot_series_push(&env, q->x, q->y);
      }
    if (isfinite(yhi))
      ok |= plot_series_push(&env, g->hi, yhi);
    if (ok) {
      free(env.p);
      free(ser_index);
      free(reg_index);
      goto nomem;
    }
    reg_index[r] = -1;
    if (env.n) {
      reg_index[r] = (int)idx++;
      for (size_t k = 0; k < env.n; k++) {
        plot_gp_num(dat, env.p[k].x);
        fputc(' ', dat);
        plot_gp_num(dat, env.p[k].y);
        fputc('\n', dat);
        env_min = fmin(env_min, env.p[k].y);
        env_max = fmax(env_max, env.p[k].y);
      }
      fputs("\n\n", dat);
    }
    free(env.p);
  }
  int bp_index = -1, any_exact = 0, any_bisect = 0;
  size_t n_bp_finite = 0;
  for (size_t i = 0; i < n_bps; i++)
    n_bp_finite += isfinite(bps[i].y) != 0;
  if (n_bp_finite) {
    bp_index = (int)idx++;
    for (size_t i = 0; i < n_bps; i++) {
      if (!isfinite(bps[i].y))
        continue;
      plot_gp_num(dat, bps[i].x);
      fputc(' ', dat);
      plot_gp_num(dat, bps[i].y);
      fprintf(dat, " %d\n", bps[i].exact);
      any_exact |= bps[i].exact;
      any_bisect |= !bps[i].exact;
    }
    fputs("\n\n", dat);
  }
  if (!isfinite(env_min)) { /* no envelope: scale on every curve */
    for (size_t i = 0; i < m->n_places; i++)
      for (size_t k = 0; k < ser[i].n; k++)
        if (isfinite(ser[i].p[k].y)) {
          env_min = fmin(env_min, ser[i].p[k].y);
          env_max = fmax(env_max, ser[i].p[k].y);
        }
  }

  /* y range: the envelope with room above for the alternatives (capped so
   * that far-off curves do not squash it) and for the region letters */
  int ylog = 0;
  double ylo = 0, yhi = 1;
  if (isfinite(env_min)) {
    double top = fmax(env_max, ymax_all);
    if (env_min > 0 && fmin(top, env_max * 8) / env_min > 30) {
      ylog = 1;
      ylo = env_min / 1.6;
      yhi = fmax(env_max, fmin(top, env_max * 8)) * 2.2;
    } else {
      double span = env_max - env_min;
      if (span <= 0)
        span = env_max > 0 ? env_max * 0.2 : 1;
      yhi = fmax(env_max, fmin(top, env_max + 1.5 * span)) + 0.25 * span;
      ylo = env_min - 0.15 * span;
      if (env_min >= 0 && ylo < 0)
        ylo = 0;
    }
  }

  /* the script */
  char line1[512], line2[600], lab[256];
  plot_param_label(ax->param, lab, sizeof lab);
  snprintf(line1, sizeof line1, "%.*s: %s vs %s", PLOT_NAME_CHARS, m->name,
           plot_objective_name(d->objective), lab);
  plot_axis_label(d, c->axis, lab, sizeof lab);
  plot_other_line(d, (long)c->axis, -1, line2, sizeof line2);
  size_t n_entries = 1 + (size_t)any_exact + (size_t)any_bisect;
  for (size_t i = 0; i < m->n_places; i++)
    n_entries += ser_index[i] >= 0;
  plot_gp_begin(gp, c->base, "objective vs one swept parameter, one model");
  plot_gp_colours(gp, d);
  plot_gp_place_types(gp, m);
  plot_gp_title(gp, "set title", line1, line2, 1100);
  fputs("set xlabel ", gp);
  plot_gp_str(gp, lab, 160);
  fputs("\nset ylabel ", gp);
  plot_gp_str(gp, plot_objective_label(d->objective), 0);
  fputc('\n', gp);
  if (ax->is_log)
    fputs("set logscale x\nset format x '%g'\n", gp);
  if (ylog)
    fputs("set logscale y\nset format y '%g'\n", gp);
  fputs("set xrange [", gp);
  plot_gp_num(gp, xmin);
  fputc(':', gp);
  plot_gp_num(gp, xmax);
  fputs("]\nset yrange [", gp);
  plot_gp_num(gp, ylo);
  fputc(':', gp);
  plot_gp_num(gp, yhi);
  fputs("]\n"
        "set border 3\nset tics nomirror out\n"
        "set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  plot_gp_key_below(gp, n_entries, NULL);
  /* regions: shading, letters; breakpoints: vertical lines */
  double lx0 = ax->is_log ? log10(xmin) : xmin;
  double lx1 = ax->is_log ? log10(xmax) : xmax;
  int prev_narrow = 0;
  for (size_t r = 0; r < n_reg; r++) {
    const region *g = &reg[r];
    char letter[8];
    if (g->place >= 0)
      plot_place_letter((size_t)g->place, letter, sizeof letter);
    else
      snprintf(letter, sizeof letter, "-");
    fprintf(gp, "set object %zu rect from first ", r + 1);
    plot_gp_num(gp, g->lo);
    fputs(", graph 0 to first ", gp);
    plot_gp_num(gp, g->hi);
    fprintf(gp,
            ", graph 1 fc rgb '%s' fs transparent solid 0.10 noborder "
            "behind\n",
            plot_place_colour(g->place));
    double a = ax->is_log ? log10(g->lo) : g->lo;
    double b = ax->is_log ? log10(g->hi) : g->hi;
    int narrow = (b - a) < 0.06 * (lx1 - lx0);
    double ypos = (narrow && prev_narrow) ? 0.89 : 0.95;
    prev_narrow = narrow && !prev_narrow;
    fprintf(gp, "set label %zu '%s' at first ", r + 1, letter);
    plot_gp_num(gp, plot_mid(g->lo, g->hi, ax->is_log));
    fprintf(gp, ", graph %.2f center font ',13' tc rgb '%s' front\n", ypos,
            g->place >= 0 ? plot_place_colour(g->place) : "#666666");
  }
  for (size_t i = 0; i < n_bps; i++) {
    fprintf(gp, "set arrow %zu from first ", i + 1);
    plot_gp_num(gp, bps[i].x);
    fputs(", graph 0 to first ", gp);
    plot_gp_num(gp, bps[i].x);
    fprintf(gp, ", graph 1 nohead lc rgb '#707070' lw 1 dt %d back\n",
            bps[i].exact ? 2 : 3);
  }
  int h = 560 + 22 * (int)n_entries;
  plot_gp_loop_open(gp, c->base, 1100, h);
  fputs("  plot \\\n", gp);
  int first = 1;
  for (size_t i = 0; i < m->n_places; i++) {
    if (ser_index[i] < 0)
      continue;
    char title[700];
    plot_place_title(m, (int)i, title, sizeof title);
    fprintf(gp,
            "%s    '%s.dat' index %d using 1:2 with lines lt %zu lw 1.3 "
            "title ",
            first ? "" : ", \\\n", c->base, ser_index[i], i + 1);
    plot_gp_str(gp, title, PLOT_PLACE_CHARS + 4);
    first = 0;
  }
  for (size_t r = 0; r < n_reg; r++) {
    if (reg_index[r] < 0)
      continue;
    fprintf(gp,
            "%s    '%s.dat' index %d using 1:2 with lines lt %d lw 4.5 "
            "notitle",
            first ? "" : ", \\\n", c->base, reg_index[r],
            plot_lt_of(m, reg[r].place));
    first = 0;
  }
  fprintf(gp,
          "%s    keyentry with lines lc rgb '#333333' lw 4.5 title "
          "'bold: the optimal placement (letters: regions where it is "
          "optimal)'",
          first ? "" : ", \\\n");
  if (bp_index >= 0 && any_exact)
    fprintf(gp,
            ", \\\n    '%s.dat' index %d using 1:($3 == 1 ? $2 : NaN) with "
            "points pt 7 ps 1.2 lc rgb '#000000' title 'breakpoint (exact)'",
            c->base, bp_index);
  if (bp_index >= 0 && any_bisect)
    fprintf(gp,
            ", \\\n    '%s.dat' index %d using 1:($3 == 1 ? NaN : $2) with "
            "points pt 6 ps 1.2 lc rgb '#000000' title 'breakpoint (located "
            "by bisection)'",
            c->base, bp_index);
  fputc('\n', gp);
  plot_gp_loop_close(gp);
  free(ser_index);
  free(reg_index);
  rc = 0;
  goto out;
nomem:
  rc = ss_error_oom(err, d->charts, c->base);
out:
  if (ser)
    for (size_t i = 0; i <= m->n_places; i++)
      free(ser[i].p);
  free(ser);
  free(grid.p);
  free(bps);
  free(reg);
  return rc;
}

/* ---- plan, caption, kind ------------------------------------------------ */

/* Which (model, axis) have curves in curves.csv: 0 none, 1 one placement,
 * 2 several; a single placement whose objective does not change is
 * dropped with a note (a flat line says no more than the note). */
typedef struct curve_scan {
  unsigned char *has; /* n_models x n_axes */
  size_t *first_row;  /* curves.csv row of the first placement */
  double *omin, *omax;
} curve_scan;

static void scan_free(curve_scan *cs) {
  free(cs->has);
  free(cs->first_row);
  free(cs->omin);
  free(cs->omax);
}

static void scan_row(const plot_data *d, const plot_table *t, size_t r,
                     const long *col, curve_scan *cs) {
  size_t na = d->n_axes;
  long mi = plot_model_index(d, plot_table_get(t, r, (size_t)col[0]));
  const char *axis = plot_table_get(t, r, (size_t)col[1]);
  for (size_t a = 0; mi >= 0 && a < na; a++) {
    if (strcmp(d->axes[a].param, axis) != 0)
      continue;
    size_t k = (size_t)mi * na + a;
    double o;
    if (plot_parse_cell(plot_table_get(t, r, (size_t)col[3]), &o) != 0)
      o = NAN;
    if (!cs->has[k]) {
      cs->has[k] = 1; /* one placement so far */
      cs->first_row[k] = r;
      cs->omin[k] = cs->omax[k] = o;
    } else if (cs->has[k] == 1) {
      if (strcmp(plot_table_get(t, r, (size_t)col[2]),
                 plot_table_get(t, cs->first_row[k], (size_t)col[2])) != 0)
        cs->has[k] = 2; /* several placements */
      cs->omin[k] = fmin(cs->omin[k], o);
      cs->omax[k] = fmax(cs->omax[k], o);
    }
  }
}

/* One placement with the same objective all along an axis: no chart, a
 * note. */
static void drop_flat(plot_plan *p, const plot_data *d, curve_scan *cs) {
  size_t nm = d->n_models, na = d->n_axes;
  for (size_t a = 0; a < na; a++) {
    char names[900];
    size_t k2 = 0, n_flat = 0;
    names[0] = 0;
    for (size_t i = 0; i < nm; i++) {
      size_t k = i * na + a;
      if (cs->has[k] != 1 || !isfinite(cs->omin[k]) || !isfinite(cs->omax[k]) ||
          fabs(cs->omax[k] - cs->omin[k]) > 1e-9 * fabs(cs->omax[k]) ||
          d->axes[a].n_values < 2 || plot_axis_is_companion(d, a))
        continue;
      cs->has[k] = 0;
      if (k2 + 80 < sizeof names)
        k2 += (size_t)snprintf(names + k2, sizeof names - k2, "%s%.60s",
                               n_flat ? ", " : "", d->models[i].name);
      else if (k2 + 5 < sizeof names && names[k2 - 1] != '.')
        k2 += (size_t)snprintf(names + k2, sizeof names - k2, ", ...");
      n_flat++;
    }
    if (!n_flat)
      continue;
    char lab[256];
    plot_axis_label(d, a, lab, sizeof lab);
    plot_plan_note(p,
                   "No %s chart for %s along %s: one placement is "
                   "optimal all along that line (the other parameters at "
                   "point 0) and the %s does not change (curves.csv has "
                   "the numbers).",
                   plot_objective_name(d->objective), names, lab,
                   plot_objective_name(d->objective));
  }
}

static int scan_curves(plot_plan *p, const plot_data *d, curve_scan *cs) {
  size_t n = d->n_models * (d->n_axes ? d->n_axes : 1) + 1;
  if (!(cs->has = calloc(n, 1)))
    return -1;
  if (!d->has_curves) {
    if (d->n_axes)
      plot_plan_note(p, "latency charts skipped: curves.csv not found");
    return 0;
  }
  const plot_table *t = &d->curves;
  long col[4] = {plot_table_col(t, SIM_COL_MODEL),
                 plot_table_col(t, SIM_COL_AXIS),
                 plot_table_col(t, SIM_COL_PLACEMENT),
                 plot_table_col(t, SIM_COL_OBJECTIVE)};
  int cols_ok = col[0] >= 0 && col[1] >= 0;
  const char *need[] = {SIM_COL_VALUE, SIM_COL_PLACEMENT, SIM_COL_OBJECTIVE,
                        SIM_COL_OPTIMAL};
  for (size_t i = 0; i < 4; i++)
    if (plot_table_col(t, need[i]) < 0)
      cols_ok = 0;
  if (!cols_ok)
    plot_plan_note(p, "latency charts skipped: curves.csv lacks a column "
                      "(model, axis, value, placement, objective, optimal)");
  cs->first_row = malloc(n * sizeof *cs->first_row);
  cs->omin = malloc(n * sizeof *cs->omin);
  cs->omax = malloc(n * sizeof *cs->omax);
  if (!cs->first_row || !cs->omin || !cs->omax)
    return -1;
  for (size_t r = 0; cols_ok && r < t->n_rows; r++)
    scan_row(d, t, r, col, cs);
  drop_flat(p, d, cs);
  return 0;
}

static int plan_latency(plot_plan *p, const plot_data *d,
                        const plot_options *opt) {
  (void)opt;
  curve_scan cs;
  memset(&cs, 0, sizeof cs);
  size_t nm = d->n_models, na = d->n_axes;
  int width = plot_index_width(d), rc = scan_curves(p, d, &cs);
  char base[160];
  for (size_t i = 0; rc == 0 && i < nm; i++) {
    const plot_model *m = &d->models[i];
    for (size_t a = 0; rc == 0 && a < na; a++) {
      if (d->axes[a].n_values < 2 || !cs.has[i * na + a] ||
          plot_axis_is_companion(d, a))
        continue;
      char as[48];
      plot_slug(d->axes[a].param, as, sizeof as);
      snprintf(base, sizeof base, "latency-%0*zu-%s-%s", width, i + 1, m->slug,
               as);
      rc = plot_plan_add(p, PLOT_LATENCY, i, a, base, 1);
    }
  }
  scan_free(&cs);
  return rc;
}

static void caption_latency(const plot_data *d, const plot_chart *c, char *buf,
                            size_t bufsize) {
  char lab[256];
  plot_axis_label(d, c->axis, lab, sizeof lab);
  snprintf(buf, bufsize,
           "%.80s: %s of every placement that is optimal somewhere along "
           "%s (other parameters at point 0). Bold: the optimum; letters "
           "and shading: where each placement is optimal; dots: the "
           "breakpoints.",
           d->models[c->model].name, plot_objective_name(d->objective), lab);
}

const plot_kind_ops plot_chart_latency = {
    PLOT_LATENCY, "Objective against each swept parameter", plan_latency,
    caption_latency, write_latency};
