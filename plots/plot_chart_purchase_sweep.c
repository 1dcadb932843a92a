/* Purchasing across the sweep (purchase_sweep.csv): which option set is
 * the fastest buy where along the decision axis, the other parameters at
 * the reference point. Shading and letters: the fastest option at each
 * sweep point (boundaries half-way between points); lines: the weighted
 * latency of the baseline and of every option fastest somewhere (at most
 * PS_MAX_LINES). purchase_sweep.csv is streamed twice (it may hold
 * millions of rows); only the reference line is kept. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PS_FILE "purchase_sweep.csv"
#define PS_MAX_LINES 8
#define PS_W 1100

/* The columns of purchase_sweep.csv the chart reads. */
typedef struct ps_cols {
  long point, option, latency, fastest;
  long *axis; /* per axis of d (-1: absent) */
} ps_cols;

typedef struct ps_chart {
  const plot_data *d;
  const plot_chart *c;
  size_t a; /* the axis along which the options are compared */
  ps_cols col;
  char **names; /* option sets: [0] the baseline, then the fastest ones */
  size_t n_names;
  plot_series fastest; /* (x, index into names) per point of the line */
  plot_series *lines;  /* per name (the first PS_MAX_LINES) */
  double ymax;
} ps_chart;

static void ps_free(ps_chart *P) {
  for (size_t i = 0; i < P->n_names; i++)
    free(P->names[i]);
  free(P->names);
  free(P->fastest.p);
  if (P->lines)
    for (size_t i = 0; i < P->n_names && i < PS_MAX_LINES; i++)
      free(P->lines[i].p);
  free(P->lines);
  free(P->col.axis);
}

static long csv_col(const plot_csv *c, const char *name) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->fields[i], name) == 0)
      return (long)i;
  return -1;
}

/* Open purchase_sweep.csv and read its header into *col; -1 with err
 * (a missing column names the file). */
static int ps_open(const plot_data *d, plot_csv *c, ps_cols *col,
                   ss_error *err) {
  char *path = plot_path_join(d->outdir, PS_FILE);
  if (!path)
    return ss_error_oom(err, d->outdir, NULL);
  int rc = plot_csv_open(c, path, err);
  free(path);
  if (rc != 0)
    return -1;
  rc = plot_csv_next(c, err);
  if (rc <= 0) {
    if (rc == 0)
      ss_error_set(err, c->path, NULL, "empty file: expected a header row");
    plot_csv_close(c);
    return -1;
  }
  col->point = csv_col(c, SIM_COL_POINT);
  col->option = csv_col(c, SIM_COL_OPTION);
  col->latency = csv_col(c, SIM_COL_WEIGHTED_LATENCY_S);
  col->fastest = csv_col(c, SIM_COL_FASTEST);
  if (!col->axis && !(col->axis = calloc(d->n_axes + 1, sizeof *col->axis))) {
    plot_csv_close(c);
    return ss_error_oom(err, d->outdir, NULL);
  }
  for (size_t a = 0; a < d->n_axes; a++)
    col->axis[a] = csv_col(c, d->axes[a].param);
  const char *need[] = {SIM_COL_OPTION, SIM_COL_WEIGHTED_LATENCY_S,
                        SIM_COL_FASTEST};
  long have[] = {col->option, col->latency, col->fastest};
  for (size_t i = 0; i < 3; i++)
    if (have[i] < 0) {
      ss_error_set(err, c->path, "1", "missing column '%s'", need[i]);
      plot_csv_close(c);
      return -1;
    }
  for (size_t a = 0; a < d->n_axes; a++)
    if (col->axis[a] < 0) {
      ss_error_set(err, c->path, "1", "missing column '%s'", d->axes[a].param);
      plot_csv_close(c);
      return -1;
    }
  return 0;
}

/* 1 when the row lies on the reference line of axis a (every axis outside
 * a's zip group at its reference value), with *x its value on a. */
static int ps_on_line(const ps_chart *P, const plot_csv *c, double *x) {
  const plot_data *d = P->d;
  for (size_t b = 0; b < d->n_axes; b++) {
    double v;
    if (plot_parse_cell(c->fields[P->col.axis[b]], &v) != 0 || isnan(v))
      return 0;
    if (b == P->a)
      *x = v;
    else if (!plot_same_group(d, b, P->a) &&
             fabs(v - d->axes[b].ref) > 1e-9 * fabs(d->axes[b].ref))
      return 0;
  }
  return 1;
}

static long ps_name_index(const ps_chart *P, const char *name) {
  for (size_t i = 0; i < P->n_names; i++)
    if (strcmp(P->names[i], name) == 0)
      return (long)i;
  return -1;
}

static int ps_add_name(ps_chart *P, const char *name) {
  char **nn = realloc(P->names, (P->n_names + 1) * sizeof *nn);
  if (!nn)
    return -1;
  P->names = nn;
  if (!(P->names[P->n_names] = ss_strdup(name)))
    return -1;
  P->n_names++;
  return 0;
}

/* A row's number, or an error naming the file, line and column. */
static int ps_num(const plot_csv *c, long col, double *v, ss_error *err) {
  if (plot_parse_cell(c->fields[col], v) == 0)
    return 0;
  char where[32];
  snprintf(where, sizeof where, "%ld", c->line);
  return ss_error_set(err, c->path, where, "not a number: '%.40s'",
                      c->fields[col]);
}

/* Pass 1: the fastest option at each point of the line, sorted by x;
 * names[0] is the baseline (the first row on the line), then the fastest
 * ones in file order. */
static int ps_pass_fastest(ps_chart *P, ss_error *err) {
  plot_csv c;
  if (ps_open(P->d, &c, &P->col, err) != 0)
    return -1;
  int rc;
  size_t ncols = c.n;
  while ((rc = plot_csv_next(&c, err)) == 1) {
    double x, f;
    if (c.n != ncols || !ps_on_line(P, &c, &x))
      continue;
    const char *name = c.fields[P->col.option];
    if (P->n_names == 0 && ps_add_name(P, name) != 0)
      goto nomem;
    if (ps_num(&c, P->col.fastest, &f, err) != 0)
      goto fail;
    if (f != 1)
      continue;
    long k = ps_name_index(P, name);
    if (k < 0) {
      if (ps_add_name(P, name) != 0)
        goto nomem;
      k = (long)P->n_names - 1;
    }
    if (plot_series_push(&P->fastest, x, (double)k) != 0)
      goto nomem;
  }
  if (rc < 0)
    goto fail;
  plot_sort(P->fastest.p, P->fastest.n, sizeof(plot_xy), plot_cmp_xy);
  plot_csv_close(&c);
  return 0;
nomem:
  ss_error_oom(err, c.path, NULL);
fail:
  plot_csv_close(&c);
  return -1;
}

/* Pass 2: the weighted latency of the named options along the line. */
static int ps_pass_lines(ps_chart *P, ss_error *err) {
  size_t nl = P->n_names < PS_MAX_LINES ? P->n_names : PS_MAX_LINES;
  if (!(P->lines = calloc(nl + 1, sizeof *P->lines)))
    return ss_error_oom(err, P->d->outdir, NULL);
  plot_csv c;
  if (ps_open(P->d, &c, &P->col, err) != 0)
    return -1;
  int rc;
  size_t ncols = c.n;
  P->ymax = 0;
  while ((rc = plot_csv_next(&c, err)) == 1) {
    double x, y;
    if (c.n != ncols || !ps_on_line(P, &c, &x))
      continue;
    long k = ps_name_index(P, c.fields[P->col.option]);
    if (k < 0 || (size_t)k >= nl)
      continue;
    if (ps_num(&c, P->col.latency, &y, err) != 0) {
      rc = -1;
      break;
    }
    if (plot_series_push(&P->lines[k], x, y) != 0) {
      rc = ss_error_oom(err, c.path, NULL);
      break;
    }
    if (isfinite(y))
      P->ymax = fmax(P->ymax, y);
  }
  plot_csv_close(&c);
  for (size_t i = 0; i < nl; i++)
    plot_sort(P->lines[i].p, P->lines[i].n, sizeof(plot_xy), plot_cmp_xy);
  return rc < 0 ? -1 : 0;
}

static void ps_data(const ps_chart *P, FILE *dat) {
  size_t nl = P->n_names < PS_MAX_LINES ? P->n_names : PS_MAX_LINES;
  fputs("# purchasing across the sweep: one block per option set drawn "
        "(x weighted_latency_s), in the order of the legend\n",
        dat);
  for (size_t i = 0; i < nl; i++)
    plot_gp_xy_block(dat, &P->lines[i]);
}

/* The shading: one rectangle and letter per run of points where the same
 * option is fastest, boundaries half-way between points. */
static void ps_regions(const ps_chart *P, FILE *gp) {
  const plot_series *f = &P->fastest;
  int is_log = P->d->axes[P->a].is_log;
  size_t obj = 1;
  for (size_t i = 0; i < f->n;) {
    size_t j = i;
    while (j + 1 < f->n && f->p[j + 1].y == f->p[i].y)
      j++;
    double lo = i ? plot_mid(f->p[i - 1].x, f->p[i].x, is_log) : f->p[0].x;
    double hi =
        j + 1 < f->n ? plot_mid(f->p[j].x, f->p[j + 1].x, is_log) : f->p[j].x;
    int k = (int)f->p[i].y;
    char letter[8];
    plot_place_letter((size_t)(k < 0 ? 0 : k), letter, sizeof letter);
    fprintf(gp, "set object %zu rect from first ", obj);
    plot_gp_num(gp, lo);
    fputs(", graph 0 to first ", gp);
    plot_gp_num(gp, hi);
    fprintf(gp,
            ", graph 1 fc rgb '%s' fs transparent solid 0.12 noborder "
            "behind\n",
            plot_place_colour(k));
    fprintf(gp, "set label %zu '%s' at first ", obj, letter);
    plot_gp_num(gp, plot_mid(lo, hi, is_log));
    fprintf(gp, ", graph 0.95 center font ',13' tc rgb '%s' front\n",
            plot_place_colour(k));
    obj++;
    i = j + 1;
  }
  /* the reference point of this axis */
  fprintf(gp, "set arrow %zu from first ", (size_t)1);
  plot_gp_num(gp, P->d->axes[P->a].ref);
  fputs(", graph 0 to first ", gp);
  plot_gp_num(gp, P->d->axes[P->a].ref);
  fputs(", graph 0.9 nohead lc rgb '#404040' lw 1 dt 3 front\n", gp);
}

/* Legend text of option i: "A: name (fastest at n of N sweep points)",
 * the counts over the whole sweep from purchase.csv. */
static void ps_entry(const ps_chart *P, size_t i, char *buf, size_t size) {
  const plot_table *t = &P->d->purchase;
  long co = plot_table_col(t, SIM_COL_OPTION),
       cf = plot_table_col(t, SIM_COL_POINTS_FASTEST),
       cn = plot_table_col(t, "sweep_points");
  char letter[8];
  plot_place_letter(i, letter, sizeof letter);
  int k = snprintf(buf, size, "%s: %.*s", letter, PLOT_NAME_CHARS, P->names[i]);
  for (size_t r = 0; P->d->has_purchase && co >= 0 && cf >= 0 && cn >= 0 &&
                     r < t->n_rows && k > 0 && (size_t)k < size;
       r++)
    if (strcmp(plot_table_get(t, r, (size_t)co), P->names[i]) == 0) {
      snprintf(buf + k, size - (size_t)k, " (fastest at %s of %s sweep points)",
               plot_table_get(t, r, (size_t)cf),
               plot_table_get(t, r, (size_t)cn));
      break;
    }
}

static void ps_script(const ps_chart *P, FILE *gp) {
  const plot_data *d = P->d;
  const plot_axis *ax = &d->axes[P->a];
  size_t nl = P->n_names < PS_MAX_LINES ? P->n_names : PS_MAX_LINES;
  char lab[256], line1[600], line2[900], other[600], ref[32];
  plot_axis_label(d, P->a, lab, sizeof lab);
  plot_fmt_g(ref, sizeof ref, ax->ref);
  plot_other_line(d, (long)P->a, -1, other, sizeof other);
  snprintf(line1, sizeof line1,
           "Purchasing across the sweep: the fastest option along %s", lab);
  snprintf(line2, sizeof line2,
           "%s%sdotted line: its reference value, %s; letters and shading: the "
           "fastest option at each sweep point",
           other, other[0] ? "; " : "", ref);
  plot_gp_begin(gp, P->c->base, "purchasing options across the sweep");
  plot_gp_title(gp, "set title", line1, line2, PS_W);
  fputs("set xlabel ", gp);
  plot_gp_str(gp, lab, 160);
  fputs("\nset ylabel 'weighted latency over the workload mix (s)'\n", gp);
  if (ax->is_log)
    fputs("set logscale x\nset format x '%g'\n", gp);
  fputs("set xrange [", gp);
  plot_gp_num(gp, ax->values[0]);
  fputc(':', gp);
  plot_gp_num(gp, ax->values[ax->n_values - 1]);
  /* from 0: a 5% gain looks like 5% */
  fputs("]\nset yrange [0:", gp);
  plot_gp_num(gp, P->ymax > 0 ? P->ymax * 1.2 : 1);
  fputs("]\nset border 3\nset tics nomirror out\n"
        "set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  plot_gp_key_below(gp, nl + (P->n_names > nl), NULL);
  ps_regions(P, gp);
  plot_gp_loop_open(gp, P->c->base, PS_W, 560 + 22 * (int)nl);
  fputs("  plot \\\n", gp);
  for (size_t i = 0; i < nl; i++) {
    char title[300];
    ps_entry(P, i, title, sizeof title);
    fprintf(gp,
            "%s    '%s.dat' index %zu using 1:2 with linespoints lc rgb '%s' "
            "lw %s pt 7 ps 0.6 title ",
            i ? ", \\\n" : "", P->c->base, i, plot_place_colour((int)i),
            i ? "2" : "1.5 dt 2");
    plot_gp_str(gp, title, 0);
  }
  if (P->n_names > nl)
    fprintf(gp, ", \\\n    keyentry with lines lc rgb '#FFFFFF' title "
                "'(more options are fastest somewhere: purchase_sweep.csv)'");
  fputc('\n', gp);
  plot_gp_loop_close(gp);
}

static int write_purchase_sweep(FILE *gp, FILE *dat, const plot_data *d,
                                const plot_plan *p, const plot_chart *c,
                                ss_error *err) {
  (void)p;
  ps_chart P;
  memset(&P, 0, sizeof P);
  P.d = d;
  P.c = c;
  P.a = c->axis;
  int rc = -1;
  if (ps_pass_fastest(&P, err) == 0 && ps_pass_lines(&P, err) == 0) {
    ps_data(&P, dat);
    ps_script(&P, gp);
    rc = 0;
  }
  ps_free(&P);
  return rc;
}

/* ---- plan, caption, kind ------------------------------------------------ */

static int plan_purchase_sweep(plot_plan *p, const plot_data *d,
                               const plot_options *opt) {
  (void)opt;
  char *path = plot_path_join(d->outdir, PS_FILE);
  if (!path)
    return -1;
  int have = plot_file_exists(path);
  free(path);
  long a = plot_decision_axis(d);
  if (!have)
    return 0;
  if (a < 0) {
    plot_plan_note(p, "no chart of purchase_sweep.csv: no swept parameter "
                      "takes two or more values");
    return 0;
  }
  return plot_plan_add(p, PLOT_PURCHASE_SWEEP, 0, (size_t)a, "purchase-sweep",
                       1);
}

static void caption_purchase_sweep(const plot_data *d, const plot_chart *c,
                                   char *buf, size_t bufsize) {
  char lab[256];
  plot_axis_label(d, c->axis, lab, sizeof lab);
  snprintf(buf, bufsize,
           "Purchasing across the sweep: which option is the fastest buy "
           "where along %s (the other parameters at the reference point, "
           "dotted); lines: the weighted latency of the baseline and of each "
           "option that is fastest somewhere; the legend counts the points "
           "where each is fastest over the whole sweep (purchase.csv).",
           lab);
}

const plot_kind_ops plot_chart_purchase_sweep = {
    PLOT_PURCHASE_SWEEP, "Purchasing study", plan_purchase_sweep,
    caption_purchase_sweep, write_purchase_sweep};
