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

/* Everything one latency chart is drawn from, step by step. */
typedef struct lat_chart {
  const plot_data *d;
  const plot_chart *c;
  const plot_model *m;
  const plot_axis *ax;
  plot_series *ser; /* per placement: (x, objective) along the axis */
  plot_series grid; /* optimal placement per x (y = index) */
  plot_bp *bps;     /* exact breakpoints on the reference line */
  size_t n_bps;
  region *reg; /* where each placement is optimal */
  size_t n_reg;
  double xmin, xmax, ymax_all;
  double env_min, env_max;              /* range of the bold envelope */
  int *ser_index, *reg_index, bp_index; /* data blocks (-1: none) */
  int any_exact, any_bisect;
  int ylog;
  double ylo, yhi;
} lat_chart;

static void lat_free(lat_chart *L) {
  if (L->ser)
    for (size_t i = 0; i <= L->m->n_places; i++)
      free(L->ser[i].p);
  free(L->ser);
  free(L->grid.p);
  free(L->bps);
  free(L->reg);
  free(L->ser_index);
  free(L->reg_index);
}

/* The model's curves along the axis from curves.csv. -1 with err. */
static int lat_series(lat_chart *L, ss_error *err) {
  const plot_table *t = &L->d->curves;
  const plot_model *m = L->m;
  long cm = plot_table_col(t, SIM_COL_MODEL),
       ca = plot_table_col(t, SIM_COL_AXIS),
       cv = plot_table_col(t, SIM_COL_VALUE),
       cp = plot_table_col(t, SIM_COL_PLACEMENT),
       co = plot_table_col(t, SIM_COL_OBJECTIVE),
       copt = plot_table_col(t, SIM_COL_OPTIMAL);
  L->xmin = INFINITY, L->xmax = -INFINITY, L->ymax_all = -INFINITY;
  const size_t *rows;
  size_t n_rows = plot_rows_of(&L->d->curves_rows, L->c->model, &rows);
  for (size_t k = 0; cm >= 0 && k < n_rows; k++) {
    size_t r = rows[k];
    if (strcmp(plot_table_get(t, r, (size_t)ca), L->ax->param) != 0)
      continue;
    double x, y, o;
    if (plot_table_num(t, r, (size_t)cv, &x, err) != 0 ||
        plot_table_num(t, r, (size_t)co, &y, err) != 0 ||
        plot_table_num(t, r, (size_t)copt, &o, err) != 0)
      return -1;
    if (isnan(x))
      continue;
    int pi = plot_model_place(m, plot_table_get(t, r, (size_t)cp));
    if (pi < 0)
      continue;
    if (plot_series_push(&L->ser[pi], x, y) != 0 ||
        (o == 1 && plot_series_push(&L->grid, x, pi) != 0))
      return ss_error_oom(err, L->d->charts, L->c->base);
    L->xmin = fmin(L->xmin, x);
    L->xmax = fmax(L->xmax, x);
    if (isfinite(y))
      L->ymax_all = fmax(L->ymax_all, y);
  }
  if (!(L->xmin < L->xmax))
    return ss_error_set(err, t->path, NULL, "no curve for model %s along %s",
                        m->name, L->ax->param);
  for (size_t i = 0; i < m->n_places; i++)
    plot_sort(L->ser[i].p, L->ser[i].n, sizeof(plot_xy), plot_cmp_xy);
  plot_sort(L->grid.p, L->grid.n, sizeof(plot_xy), plot_cmp_xy);
  return 0;
}

/* The exact breakpoints of the model on the reference line, sorted. */
static int lat_breakpoints(lat_chart *L, ss_error *err) {
  const plot_data *d = L->d;
  if (!d->has_breakpoints)
    return 0;
  const plot_table *b = &d->breakpoints;
  long bm = plot_table_col(b, SIM_COL_MODEL),
       ba = plot_table_col(b, SIM_COL_AXIS),
       bf = plot_table_col(b, SIM_COL_FIXED),
       bv = plot_table_col(b, SIM_COL_VALUE),
       be = plot_table_col(b, SIM_COL_EXACT),
       bb = plot_table_col(b, SIM_COL_PLACEMENT_BEFORE),
       bA = plot_table_col(b, SIM_COL_PLACEMENT_AFTER),
       bo = plot_table_col(b, SIM_COL_OBJECTIVE_AT_VALUE);
  if (bm < 0 || ba < 0 || bf < 0 || bv < 0 || bb < 0 || bA < 0)
    return 0;
  if (!(L->bps = calloc(b->n_rows + 1, sizeof *L->bps)))
    return ss_error_oom(err, d->charts, L->c->base);
  const size_t *rows;
  size_t n_rows = plot_rows_of(&d->breakpoints_rows, L->c->model, &rows);
  for (size_t k = 0; k < n_rows; k++) {
    size_t r = rows[k];
    if (strcmp(plot_table_get(b, r, (size_t)ba), L->ax->param) != 0 ||
        !plot_fixed_matches(d, plot_table_get(b, r, (size_t)bf), L->c->axis,
                            NULL))
      continue;
    plot_bp *q = &L->bps[L->n_bps];
    double e = 1;
    q->y = NAN;
    if (plot_table_num(b, r, (size_t)bv, &q->x, err) != 0 ||
        (be >= 0 && plot_table_num(b, r, (size_t)be, &e, err) != 0) ||
        (bo >= 0 && plot_table_num(b, r, (size_t)bo, &q->y, err) != 0))
      return -1;
    if (isnan(q->x) || q->x < L->xmin || q->x > L->xmax)
      continue;
    q->exact = e == 1;
    q->before = plot_model_place(L->m, plot_table_get(b, r, (size_t)bb));
    q->after = plot_model_place(L->m, plot_table_get(b, r, (size_t)bA));
    L->n_bps++;
  }
  plot_sort(L->bps, L->n_bps, sizeof *L->bps, plot_cmp_bp);
  return 0;
}

/* Regions of the optimum: from the breakpoints when there are any, else
 * from the grid with boundaries half-way between grid points. */
static int lat_regions(lat_chart *L) {
  const plot_series *grid = &L->grid;
  if (!(L->reg = calloc(L->n_bps + grid->n + 2, sizeof *L->reg)))
    return -1;
  double lo = L->xmin;
  if (L->n_bps) {
    for (size_t i = 0; i < L->n_bps; i++) {
      L->reg[L->n_reg++] = (region){lo, L->bps[i].x, L->bps[i].before};
      lo = L->bps[i].x;
    }
    L->reg[L->n_reg++] = (region){lo, L->xmax, L->bps[L->n_bps - 1].after};
  } else if (grid->n) {
    for (size_t i = 0; i + 1 < grid->n; i++)
      if (grid->p[i + 1].y != grid->p[i].y) {
        double b = plot_mid(grid->p[i].x, grid->p[i + 1].x, L->ax->is_log);
        L->reg[L->n_reg++] = (region){lo, b, (int)grid->p[i].y};
        lo = b;
      }
    L->reg[L->n_reg++] = (region){lo, L->xmax, (int)grid->p[grid->n - 1].y};
  }
  return 0;
}

static void put_xy(FILE *dat, double x, double y) {
  plot_gp_num(dat, x);
  fputc(' ', dat);
  plot_gp_num(dat, y);
}

/* Data blocks: one per placement curve. */
static void lat_write_curves(lat_chart *L, FILE *dat, int *idx) {
  for (size_t i = 0; i < L->m->n_places; i++) {
    const plot_series *s = &L->ser[i];
    L->ser_index[i] = -1;
    if (!s->n)
      continue;
    L->ser_index[i] = (*idx)++;
    for (size_t k = 0; k < s->n; k++) {
      if (isfinite(s->p[k].y))
        put_xy(dat, s->p[k].x, s->p[k].y);
      fputc('\n', dat);
    }
    fputs("\n\n", dat);
  }
}

/* The envelope of region r: its placement's curve from boundary to
 * boundary (the breakpoints' own values at the ends). -1: no memory. */
static int lat_envelope(const lat_chart *L, size_t r, plot_series *env) {
  const region *g = &L->reg[r];
  double ylo = NAN, yhi = NAN;
  for (size_t i = 0; i < L->n_bps; i++) {
    if (L->bps[i].x == g->lo && r > 0)
      ylo = L->bps[i].y;
    if (L->bps[i].x == g->hi && r + 1 < L->n_reg)
      yhi = L->bps[i].y;
  }
  int bad = 0;
  if (isfinite(ylo))
    bad |= plot_series_push(env, g->lo, ylo);
  if (g->place >= 0)
    for (size_t k = 0; k < L->ser[g->place].n; k++) {
      const plot_xy *q = &L->ser[g->place].p[k];
      int inside = (q->x > g->lo || (r == 0 && q->x == g->lo)) &&
                   (q->x < g->hi || (r + 1 == L->n_reg && q->x == g->hi));
      if (inside && isfinite(q->y))
        bad |= plot_series_push(env, q->x, q->y);
    }
  if (isfinite(yhi))
    bad |= plot_series_push(env, g->hi, yhi);
  return bad ? -1 : 0;
}

/* Data blocks: one per region's envelope (the bold optimum). */
static int lat_write_envelope(lat_chart *L, FILE *dat, int *idx) {
  L->env_min = INFINITY, L->env_max = -INFINITY;
  for (size_t r = 0; r < L->n_reg; r++) {
    plot_series env = {0, 0, 0, NULL};
    if (lat_envelope(L, r, &env) != 0) {
      free(env.p);
      return -1;
    }
    L->reg_index[r] = -1;
    if (env.n) {
      L->reg_index[r] = (*idx)++;
      for (size_t k = 0; k < env.n; k++) {
        put_xy(dat, env.p[k].x, env.p[k].y);
        fputc('\n', dat);
        L->env_min = fmin(L->env_min, env.p[k].y);
        L->env_max = fmax(L->env_max, env.p[k].y);
      }
      fputs("\n\n", dat);
    }
    free(env.p);
  }
  return 0;
}

/* Data block: the breakpoints with a value (x objective exact). */
static void lat_write_breakpoints(lat_chart *L, FILE *dat, int *idx) {
  size_t n_finite = 0;
  L->bp_index = -1;
  for (size_t i = 0; i < L->n_bps; i++)
    n_finite += isfinite(L->bps[i].y) != 0;
  if (!n_finite)
    return;
  L->bp_index = (*idx)++;
  for (size_t i = 0; i < L->n_bps; i++) {
    if (!isfinite(L->bps[i].y))
      continue;
    put_xy(dat, L->bps[i].x, L->bps[i].y);
    fprintf(dat, " %d\n", L->bps[i].exact);
    L->any_exact |= L->bps[i].exact;
    L->any_bisect |= !L->bps[i].exact;
  }
  fputs("\n\n", dat);
}

static int lat_write_data(lat_chart *L, FILE *dat) {
  int idx = 0;
  L->ser_index = calloc(L->m->n_places + 1, sizeof *L->ser_index);
  L->reg_index = calloc(L->n_reg + 1, sizeof *L->reg_index);
  if (!L->ser_index || !L->reg_index)
    return -1;
  fputs("# latency chart: one block per placement curve (x objective), then "
        "one per optimal region (the bold envelope), then the breakpoints "
        "(x objective exact)\n",
        dat);
  lat_write_curves(L, dat, &idx);
  if (lat_write_envelope(L, dat, &idx) != 0)
    return -1;
  lat_write_breakpoints(L, dat, &idx);
  return 0;
}

/* y range: the envelope with room above for the alternatives (capped so
 * that far-off curves do not squash it) and for the region letters. */
static void lat_y_range(lat_chart *L) {
  if (!isfinite(L->env_min)) /* no envelope: scale on every curve */
    for (size_t i = 0; i < L->m->n_places; i++)
      for (size_t k = 0; k < L->ser[i].n; k++)
        if (isfinite(L->ser[i].p[k].y)) {
          L->env_min = fmin(L->env_min, L->ser[i].p[k].y);
          L->env_max = fmax(L->env_max, L->ser[i].p[k].y);
        }
  double env_min = L->env_min, env_max = L->env_max;
  L->ylog = 0, L->ylo = 0, L->yhi = 1;
  if (!isfinite(env_min))
    return;
  double top = fmax(env_max, L->ymax_all);
  if (env_min > 0 && fmin(top, env_max * 8) / env_min > 30) {
    L->ylog = 1;
    L->ylo = env_min / 1.6;
    L->yhi = fmax(env_max, fmin(top, env_max * 8)) * 2.2;
  } else {
    /* never a degenerate axis: a flat (or nearly flat, 0.04427 +- 1e-14)
     * optimum gets at least 5% of its value as span, so the tick labels
     * differ */
    double span = env_max - env_min;
    if (span < 0.05 * fabs(env_max))
      span = 0.05 * fabs(env_max);
    if (!(span > 0))
      span = 1;
    L->yhi = fmax(env_max, fmin(top, env_max + 1.5 * span)) + 0.25 * span;
    L->ylo = env_min - 0.15 * span;
    if (env_min >= 0 && L->ylo < 0)
      L->ylo = 0;
  }
}

/* Title, labels, axes and ranges; returns the legend's entries. */
static size_t lat_script_head(const lat_chart *L, FILE *gp) {
  const plot_data *d = L->d;
  char line1[512], line2[600], lab[256];
  plot_param_label(L->ax->param, lab, sizeof lab);
  snprintf(line1, sizeof line1, "%.*s: %s vs %s", PLOT_NAME_CHARS, L->m->name,
           plot_objective_name(d->objective), lab);
  plot_axis_label(d, L->c->axis, lab, sizeof lab);
  plot_other_line(d, (long)L->c->axis, -1, line2, sizeof line2);
  size_t n_entries = 1 + (size_t)L->any_exact + (size_t)L->any_bisect;
  for (size_t i = 0; i < L->m->n_places; i++)
    n_entries += L->ser_index[i] >= 0;
  plot_gp_begin(gp, L->c->base, "objective vs one swept parameter, one model");
  plot_gp_colours(gp, d);
  plot_gp_place_types(gp, L->m);
  plot_gp_title(gp, "set title", line1, line2, 1100);
  fputs("set xlabel ", gp);
  plot_gp_str(gp, lab, 160);
  fputs("\nset ylabel ", gp);
  plot_gp_str(gp, plot_objective_label(d->objective), 0);
  fputc('\n', gp);
  if (L->ax->is_log)
    fputs("set logscale x\nset format x '%g'\n", gp);
  if (L->ylog)
    fputs("set logscale y\nset format y '%g'\n", gp);
  fputs("set xrange [", gp);
  plot_gp_num(gp, L->xmin);
  fputc(':', gp);
  plot_gp_num(gp, L->xmax);
  fputs("]\nset yrange [", gp);
  plot_gp_num(gp, L->ylo);
  fputc(':', gp);
  plot_gp_num(gp, L->yhi);
  fputs("]\n"
        "set border 3\nset tics nomirror out\n"
        "set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  plot_gp_key_below(gp, n_entries, NULL);
  return n_entries;
}

/* Regions: shading and letters; breakpoints: vertical lines. */
static void lat_script_regions(const lat_chart *L, FILE *gp) {
  const plot_axis *ax = L->ax;
  double lx0 = ax->is_log ? log10(L->xmin) : L->xmin;
  double lx1 = ax->is_log ? log10(L->xmax) : L->xmax;
  int prev_narrow = 0;
  for (size_t r = 0; r < L->n_reg; r++) {
    const region *g = &L->reg[r];
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
  for (size_t i = 0; i < L->n_bps; i++) {
    fprintf(gp, "set arrow %zu from first ", i + 1);
    plot_gp_num(gp, L->bps[i].x);
    fputs(", graph 0 to first ", gp);
    plot_gp_num(gp, L->bps[i].x);
    fprintf(gp, ", graph 1 nohead lc rgb '#707070' lw 1 dt %d back\n",
            L->bps[i].exact ? 2 : 3);
  }
}

/* The plot command: curves, the bold envelope, the breakpoints. */
static void lat_script_plot(const lat_chart *L, FILE *gp, size_t n_entries) {
  const char *base = L->c->base;
  int h = 560 + 22 * (int)n_entries, first = 1;
  plot_gp_loop_open(gp, base, 1100, h);
  fputs("  plot \\\n", gp);
  for (size_t i = 0; i < L->m->n_places; i++) {
    if (L->ser_index[i] < 0)
      continue;
    char title[700];
    plot_place_title(L->m, (int)i, title, sizeof title);
    fprintf(gp,
            "%s    '%s.dat' index %d using 1:2 with lines lt %zu lw 1.3 "
            "title ",
            first ? "" : ", \\\n", base, L->ser_index[i], i + 1);
    plot_gp_str(gp, title, PLOT_PLACE_CHARS + 4);
    first = 0;
  }
  for (size_t r = 0; r < L->n_reg; r++) {
    if (L->reg_index[r] < 0)
      continue;
    fprintf(gp,
            "%s    '%s.dat' index %d using 1:2 with lines lt %d lw 4.5 "
            "notitle",
            first ? "" : ", \\\n", base, L->reg_index[r],
            plot_lt_of(L->m, L->reg[r].place));
    first = 0;
  }
  fprintf(gp,
          "%s    keyentry with lines lc rgb '#333333' lw 4.5 title "
          "'bold: the optimal placement (letters: regions where it is "
          "optimal)'",
          first ? "" : ", \\\n");
  if (L->bp_index >= 0 && L->any_exact)
    fprintf(gp,
            ", \\\n    '%s.dat' index %d using 1:($3 == 1 ? $2 : NaN) with "
            "points pt 7 ps 1.2 lc rgb '#000000' title 'breakpoint (exact)'",
            base, L->bp_index);
  if (L->bp_index >= 0 && L->any_bisect)
    fprintf(gp,
            ", \\\n    '%s.dat' index %d using 1:($3 == 1 ? NaN : $2) with "
            "points pt 6 ps 1.2 lc rgb '#000000' title 'breakpoint (located "
            "by bisection)'",
            base, L->bp_index);
  fputc('\n', gp);
  plot_gp_loop_close(gp);
}

/* Collect the series, breakpoints and regions, write the data, then the
 * script. */
static int write_latency(FILE *gp, FILE *dat, const plot_data *d,
                         const plot_plan *p, const plot_chart *c,
                         ss_error *err) {
  (void)p;
  lat_chart L;
  memset(&L, 0, sizeof L);
  L.d = d;
  L.c = c;
  L.m = &d->models[c->model];
  L.ax = &d->axes[c->axis];
  int rc = -1;
  if (!(L.ser = calloc(L.m->n_places + 1, sizeof *L.ser))) {
    rc = ss_error_oom(err, d->charts, c->base);
  } else if (lat_series(&L, err) == 0 && lat_breakpoints(&L, err) == 0) {
    if (lat_regions(&L) != 0 || lat_write_data(&L, dat) != 0) {
      rc = ss_error_oom(err, d->charts, c->base);
    } else {
      lat_y_range(&L);
      size_t n_entries = lat_script_head(&L, gp);
      lat_script_regions(&L, gp);
      lat_script_plot(&L, gp, n_entries);
      rc = 0;
    }
  }
  lat_free(&L);
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
                   "the reference point) and the %s does not change "
                   "(curves.csv has "
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
           "%s (other parameters at the reference point). Bold: the "
           "optimum; letters "
           "and shading: where each placement is optimal; dots: the "
           "breakpoints.",
           d->models[c->model].name, plot_objective_name(d->objective), lab);
}

const plot_kind_ops plot_chart_latency = {
    PLOT_LATENCY, "Objective against each swept parameter", plan_latency,
    caption_latency, write_latency};
