/* The load simulation's charts (sim.csv, sim_cdf.csv; docs/simulation.md):
 * the latency CDF of every policy at one point, the p99 of every policy
 * against the offered load with the idle-world analytical latency, and the
 * utilisation of every shared system and link against the load. Also the
 * sentences of the report saying where each policy breaks down. */
#include "plot_script.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SIM_W 900
#define SIM_H 560
#define SIM_MAX_POLICIES 8
#define SIM_MAX_UTIL 64

typedef struct simcols {
  long point, policy, group, offered, p99, idle, status, miss;
  size_t n_util;
  size_t util[SIM_MAX_UTIL];
} simcols;

static int sim_cols(const plot_data *d, simcols *c) {
  const plot_table *t = &d->sim;
  if (!d->has_sim)
    return 0;
  c->point = plot_table_col(t, SIM_COL_POINT);
  c->policy = plot_table_col(t, SIM_COL_POLICY);
  c->group = plot_table_col(t, SIM_COL_GROUP);
  c->offered = plot_table_col(t, SIM_COL_OFFERED_RPS);
  c->p99 = plot_table_col(t, SIM_COL_LATENCY_P99_S);
  c->idle = plot_table_col(t, SIM_COL_IDLE_LATENCY_S);
  c->status = plot_table_col(t, SIM_COL_STATUS);
  c->miss = plot_table_col(t, SIM_COL_DEADLINE_MISS_RATIO);
  c->n_util = 0;
  for (size_t k = 0; k < t->n_cols && c->n_util < SIM_MAX_UTIL; k++)
    if (strncmp(t->header[k], SIM_COL_UTIL, strlen(SIM_COL_UTIL)) == 0)
      c->util[c->n_util++] = k;
  return c->point >= 0 && c->policy >= 0 && c->group >= 0 && c->offered >= 0 &&
         c->p99 >= 0 && c->idle >= 0 && c->status >= 0 && c->miss >= 0;
}

static size_t sim_row_point(const plot_data *d, const simcols *c, size_t r) {
  double v;
  if (plot_parse_cell(plot_table_get(&d->sim, r, (size_t)c->point), &v) != 0 ||
      !(v >= 0) || v > 1e12)
    return SIZE_MAX;
  return (size_t)v;
}

static int sim_group0(const plot_data *d, const simcols *c, size_t r) {
  return strcmp(plot_table_get(&d->sim, r, (size_t)c->group), "0") == 0;
}

static double sim_num(const plot_data *d, size_t r, long col) {
  double v;
  if (plot_parse_cell(plot_table_get(&d->sim, r, (size_t)col), &v) != 0)
    return NAN;
  return v;
}

/* Distinct policies in order of appearance. */
static size_t sim_policies(const plot_data *d, const simcols *c,
                           const char **pol) {
  size_t n = 0;
  for (size_t r = 0; r < d->sim.n_rows; r++) {
    const char *p = plot_table_get(&d->sim, r, (size_t)c->policy);
    size_t k = 0;
    while (k < n && strcmp(pol[k], p) != 0)
      k++;
    if (k == n && n < SIM_MAX_POLICIES)
      pol[n++] = p;
  }
  return n;
}

static int sim_is_policy(const plot_data *d, const simcols *c, size_t r,
                         const char *pol) {
  return strcmp(plot_table_get(&d->sim, r, (size_t)c->policy), pol) == 0;
}

/* Offered load of every point (all groups, rows of the first policy):
 * *loads malloc'd, n_points entries (NaN when a point has no row). */
static size_t sim_loads(const plot_data *d, const simcols *c, double **loads) {
  size_t np = 0;
  const char *pol[SIM_MAX_POLICIES];
  *loads = NULL;
  if (!sim_policies(d, c, pol))
    return 0;
  for (size_t r = 0; r < d->sim.n_rows; r++) {
    size_t pt = sim_row_point(d, c, r);
    if (pt != SIZE_MAX && pt + 1 > np)
      np = pt + 1;
  }
  if (!np || np > d->sim.n_rows || !(*loads = malloc(np * sizeof **loads)))
    return 0;
  for (size_t i = 0; i < np; i++)
    (*loads)[i] = NAN;
  for (size_t r = 0; r < d->sim.n_rows; r++) {
    size_t pt = sim_row_point(d, c, r);
    double v = sim_num(d, r, c->offered);
    if (pt == SIZE_MAX || !sim_is_policy(d, c, r, pol[0]) || !isfinite(v))
      continue;
    (*loads)[pt] = isnan((*loads)[pt]) ? v : (*loads)[pt] + v;
  }
  return np;
}

size_t plot_sim_points(const plot_data *d) {
  simcols c;
  double *loads;
  if (!sim_cols(d, &c))
    return 0;
  size_t np = sim_loads(d, &c, &loads);
  free(loads);
  return np;
}

size_t plot_sim_cdf_point(const plot_data *d, double *load_rps) {
  simcols c;
  double *loads = NULL;
  *load_rps = NAN;
  size_t np = sim_cols(d, &c) ? sim_loads(d, &c, &loads) : 0;
  size_t best[2] = {SIZE_MAX, SIZE_MAX}; /* all ok, one ok */
  for (size_t pt = 0; pt < np; pt++) {
    int all = 1, one = 0, seen = 0;
    for (size_t r = 0; r < d->sim.n_rows; r++) {
      if (sim_row_point(d, &c, r) != pt || !sim_group0(d, &c, r))
        continue;
      int ok = strcmp(plot_table_get(&d->sim, r, (size_t)c.status),
                      SIM_STATUS_OK) == 0;
      seen = 1;
      all &= ok;
      one |= ok;
    }
    for (int k = 0; k < 2; k++)
      if (seen && (k ? one : all) && isfinite(loads[pt]) &&
          (best[k] == SIZE_MAX || loads[pt] > loads[best[k]]))
        best[k] = pt;
  }
  size_t pt = best[0] != SIZE_MAX ? best[0] : best[1] != SIZE_MAX ? best[1] : 0;
  if (pt < np)
    *load_rps = loads[pt];
  free(loads);
  return pt;
}

static const char *sim_colour(size_t i) {
  static const char *const c[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                  "#E69F00", "#56B4E9", "#000000", "#8C8C8C"};
  return c[i % 8];
}

static void sim_head(FILE *gp, const plot_chart *c, const char *what,
                     const char *title, const char *sub) {
  plot_gp_begin(gp, c->base, what);
  plot_gp_title(gp, "set title", title, sub, SIM_W);
  fputs("set border 3\nset tics out nomirror\n"
        "set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n"
        "set key outside right top Left reverse samplen 3 width 1\n",
        gp);
}

/* One data block per series, sorted by x (an empty one: a NaN row). */
static void sim_block(FILE *dat, plot_series *s) {
  plot_sort(s->p, s->n, sizeof(plot_xy), plot_cmp_xy);
  plot_gp_xy_block(dat, s);
  s->n = 0;
}

static void sim_plot_item(FILE *gp, const plot_chart *c, size_t block,
                          const char *style, const char *colour,
                          const char *title, int last) {
  fprintf(gp, "%s'%s.dat' index %zu using 1:2 %s lc rgb '%s' title ",
          block ? "    " : "  plot ", c->base, block, style, colour);
  plot_gp_str(gp, title, 60);
  fputs(last ? "\n" : ", \\\n", gp);
}

static int write_sim_cdf(FILE *gp, FILE *dat, const plot_data *d,
                         const plot_plan *p, const plot_chart *c,
                         ss_error *err) {
  (void)p;
  simcols sc;
  const char *pol[SIM_MAX_POLICIES];
  const plot_table *t = &d->sim_cdf;
  long cp = plot_table_col(t, SIM_COL_POINT),
       cpol = plot_table_col(t, SIM_COL_POLICY),
       cg = plot_table_col(t, SIM_COL_GROUP),
       cq = plot_table_col(t, SIM_COL_QUANTILE),
       cl = plot_table_col(t, SIM_COL_LATENCY_S);
  if (!sim_cols(d, &sc) || cp < 0 || cpol < 0 || cg < 0 || cq < 0 || cl < 0)
    return ss_error_set(err, d->outdir, "sim_cdf.csv",
                        "a column the chart needs is missing");
  size_t np = sim_policies(d, &sc, pol);
  double load;
  size_t pt = plot_sim_cdf_point(d, &load);
  char want[32], sub[200];
  snprintf(want, sizeof want, "%zu", pt);
  plot_series s = {0, 0, 0, NULL};
  fputs("# latency CDF: one block per policy (latency_s quantile)\n", dat);
  for (size_t k = 0; k < np; k++) {
    for (size_t r = 0; r < t->n_rows; r++) {
      double x, y;
      if (strcmp(plot_table_get(t, r, (size_t)cp), want) != 0 ||
          strcmp(plot_table_get(t, r, (size_t)cg), "0") != 0 ||
          strcmp(plot_table_get(t, r, (size_t)cpol), pol[k]) != 0)
        continue;
      if (plot_table_num(t, r, (size_t)cl, &x, err) != 0 ||
          plot_table_num(t, r, (size_t)cq, &y, err) != 0) {
        free(s.p);
        return -1;
      }
      if (x > 0 && plot_series_push(&s, x, y) != 0) {
        free(s.p);
        return ss_error_set(err, d->charts, c->base, "out of memory");
      }
    }
    sim_block(dat, &s);
  }
  free(s.p);
  snprintf(sub, sizeof sub,
           "client group 0 at point %zu, offered load %.4g "
           "requests/s",
           pt, load);
  sim_head(gp, c, "latency CDF per policy", "Latency distribution per policy",
           sub);
  fputs("set logscale x\nset xlabel 'end-to-end latency (s)'\n"
        "set ylabel 'share of requests'\nset yrange [0:1]\n",
        gp);
  plot_gp_loop_open(gp, c->base, SIM_W, SIM_H);
  for (size_t k = 0; k < np; k++)
    sim_plot_item(gp, c, k, "with lines lw 2", sim_colour(k), pol[k],
                  k + 1 == np);
  if (!np)
    fputs("  plot NaN notitle\n", gp);
  plot_gp_loop_close(gp);
  return 0;
}

/* Largest value of column col over the rows. */
static double sim_col_max(const plot_data *d, size_t col) {
  double m = 0;
  for (size_t r = 0; r < d->sim.n_rows; r++) {
    double v = sim_num(d, r, (long)col);
    if (v > m)
      m = v;
  }
  return m;
}

/* One load chart (p99 latency or utilisation against the offered load):
 * the columns, the policies and the series write_sim_load's steps share.
 * Series: p99: each policy, then the idle latency; util: each resource
 * used x each policy. */
typedef struct {
  const plot_data *d;
  const plot_chart *c;
  simcols sc;
  const char *pol[SIM_MAX_POLICIES];
  size_t np;
  int p99;
  size_t used[SIM_MAX_UTIL], n_used;
  size_t n_series;
} sim_load_chart;

/* Writes the data file: one block per series, in the script's order. */
static int sim_load_data(FILE *dat, const sim_load_chart *l, ss_error *err) {
  const plot_data *d = l->d;
  const simcols *sc = &l->sc;
  size_t np = l->np;
  int p99 = l->p99;
  double *loads = NULL;
  size_t npt = sim_loads(d, sc, &loads);
  plot_series s = {0, 0, 0, NULL};
  fprintf(dat,
          "# %s against the offered load (requests/s): one block per "
          "series, in the order of the script's plot command\n",
          p99 ? "p99 latency (s)" : "utilisation");
  for (size_t i = 0; i < l->n_series; i++) {
    const char *pk = l->pol[p99 ? (i < np ? i : 0) : i % np];
    long col =
        p99 ? (i < np ? sc->p99 : sc->idle) : (long)sc->util[l->used[i / np]];
    for (size_t r = 0; r < d->sim.n_rows; r++) {
      size_t pt = sim_row_point(d, sc, r);
      double y = sim_num(d, r, col);
      if (pt >= npt || !sim_is_policy(d, sc, r, pk) ||
          (p99 && !sim_group0(d, sc, r)) || !isfinite(loads[pt]) ||
          !isfinite(y) || (!p99 && !sim_group0(d, sc, r)))
        continue;
      if (plot_series_push(&s, loads[pt], y) != 0) {
        free(s.p);
        free(loads);
        return ss_error_set(err, d->charts, l->c->base, "out of memory");
      }
    }
    sim_block(dat, &s);
  }
  free(s.p);
  free(loads);
  return 0;
}

/* Writes the script: the heading, the axes and one plot item per series. */
static void sim_load_script(FILE *gp, const sim_load_chart *l) {
  const plot_chart *c = l->c;
  size_t np = l->np;
  int p99 = l->p99;
  if (p99) {
    sim_head(gp, c, "p99 latency against the offered load",
             "p99 latency against the offered load",
             "client group 0; dashed: the idle-world analytical latency");
    fputs("set logscale y\nset ylabel '99th percentile latency (s)'\n", gp);
  } else {
    sim_head(gp, c, "utilisation against the offered load",
             "Utilisation of the shared systems and links",
             "colour: resource; line style: policy");
    fputs("set ylabel 'utilisation'\nset yrange [0:1.05]\n", gp);
  }
  fputs("set xlabel 'offered load, all clients (requests/s)'\n", gp);
  plot_gp_loop_open(gp, c->base, SIM_W, SIM_H);
  for (size_t i = 0; i < l->n_series; i++) {
    char title[300], style[80];
    size_t k = p99 ? i : i % np;
    if (p99 && i == np) {
      snprintf(title, sizeof title, "idle world (analytical)");
      snprintf(style, sizeof style, "with lines lw 2 dt 2");
    } else if (p99) {
      snprintf(title, sizeof title, "%s", l->pol[k]);
      snprintf(style, sizeof style, "with linespoints lw 2 pt 7 ps 0.8");
    } else {
      snprintf(title, sizeof title, "%s, %s",
               l->d->sim.header[l->sc.util[l->used[i / np]]] +
                   strlen(SIM_COL_UTIL),
               l->pol[k]);
      snprintf(style, sizeof style, "with linespoints lw 2 dt %zu pt 7 ps 0.6",
               k + 1);
    }
    sim_plot_item(gp, c, i, style,
                  p99 ? (i == np ? "#000000" : sim_colour(k))
                      : sim_colour(i / np),
                  title, i + 1 == l->n_series);
  }
  if (!l->n_series)
    fputs("  plot NaN notitle\n", gp);
  plot_gp_loop_close(gp);
}

static int write_sim_load(FILE *gp, FILE *dat, const plot_data *d,
                          const plot_plan *p, const plot_chart *c,
                          ss_error *err) {
  (void)p;
  sim_load_chart l;
  memset(&l, 0, sizeof l);
  l.d = d;
  l.c = c;
  if (!sim_cols(d, &l.sc))
    return ss_error_set(err, d->outdir, "sim.csv",
                        "a column the chart needs is missing");
  l.np = sim_policies(d, &l.sc, l.pol);
  l.p99 = c->kind == PLOT_SIM_P99;
  for (size_t u = 0; !l.p99 && u < l.sc.n_util; u++)
    if (sim_col_max(d, l.sc.util[u]) > 0.005)
      l.used[l.n_used++] = u;
  l.n_series = l.p99 ? l.np + 1 : l.n_used * l.np;
  if (sim_load_data(dat, &l, err) != 0)
    return -1;
  sim_load_script(gp, &l);
  return 0;
}

size_t plot_sim_breakdown(const plot_data *d, char *lines, size_t max,
                          size_t line_size) {
  simcols sc;
  const char *pol[SIM_MAX_POLICIES];
  double *loads = NULL;
  if (!sim_cols(d, &sc))
    return 0;
  size_t np = sim_policies(d, &sc, pol), npt = sim_loads(d, &sc, &loads);
  size_t n = 0;
  for (size_t k = 0; k < np && n < max && npt; k++, n++) {
    double ok_max = -1, bad_load = INFINITY;
    const char *why = "";
    char whybuf[200];
    for (size_t r = 0; r < d->sim.n_rows; r++) {
      size_t pt = sim_row_point(d, &sc, r);
      if (pt >= npt || !sim_group0(d, &sc, r) ||
          !sim_is_policy(d, &sc, r, pol[k]) || !isfinite(loads[pt]))
        continue;
      const char *st = plot_table_get(&d->sim, r, (size_t)sc.status);
      double miss = sim_num(d, r, sc.miss);
      int bad = strcmp(st, SIM_STATUS_OK) != 0 || miss > 0.01;
      if (bad && loads[pt] < bad_load) {
        bad_load = loads[pt];
        if (strcmp(st, SIM_STATUS_OK) != 0) {
          why = st;
        } else {
          snprintf(whybuf, sizeof whybuf, "%.3g%% of the deadlines missed",
                   100 * miss);
          why = whybuf;
        }
      }
      if (!bad && loads[pt] > ok_max)
        ok_max = loads[pt];
    }
    char *out = lines + n * line_size;
    if (isinf(bad_load))
      snprintf(out, line_size,
               "%.40s: stable up to the highest load "
               "simulated (%.4g requests/s).",
               pol[k], ok_max);
    else if (ok_max < 0 || ok_max > bad_load)
      snprintf(out, line_size,
               "%.40s: breaks down already at %.4g "
               "requests/s (%.200s).",
               pol[k], bad_load, why);
    else
      snprintf(out, line_size,
               "%.40s: stable up to %.4g requests/s; breaks "
               "down at %.4g requests/s (%.200s).",
               pol[k], ok_max, bad_load, why);
  }
  free(loads);
  return n;
}

/* ---- the kinds ----------------------------------------------------------- */

static int plan_sim_cdf(plot_plan *p, const plot_data *d,
                        const plot_options *opt) {
  (void)opt;
  if (!d->has_sim)
    return 0;
  if (plot_sim_points(d) == 0) {
    plot_plan_note(p, "load simulation charts skipped: sim.csv lacks a "
                      "column they need");
    return 0;
  }
  return d->has_sim_cdf ? plot_plan_add(p, PLOT_SIM_CDF, 0, 0, "sim-cdf", 1)
                        : 0;
}

static int plan_sim_load(plot_plan *p, const plot_data *d, plot_kind kind,
                         const char *base) {
  if (!d->has_sim)
    return 0;
  size_t np = plot_sim_points(d);
  if (np == 1 && kind == PLOT_SIM_P99)
    plot_plan_note(p, "load simulation: p99 and utilisation against the "
                      "offered load need a sweep (one point here)");
  return np >= 2 ? plot_plan_add(p, kind, 0, 0, base, 1) : 0;
}

static int plan_sim_p99(plot_plan *p, const plot_data *d,
                        const plot_options *opt) {
  (void)opt;
  return plan_sim_load(p, d, PLOT_SIM_P99, "sim-p99");
}

static int plan_sim_util(plot_plan *p, const plot_data *d,
                         const plot_options *opt) {
  (void)opt;
  return plan_sim_load(p, d, PLOT_SIM_UTIL, "sim-util");
}

static void caption_sim_cdf(const plot_data *d, const plot_chart *c, char *buf,
                            size_t bufsize) {
  (void)c;
  double load;
  size_t pt = plot_sim_cdf_point(d, &load);
  snprintf(buf, bufsize,
           "Load simulation: the distribution of end-to-end latency of "
           "client group 0 under each policy at point %zu (offered load "
           "%.4g requests/s: the highest load at which the policies are "
           "stable), from sim_cdf.csv (log time axis).",
           pt, load);
}

static void caption_sim_p99(const plot_data *d, const plot_chart *c, char *buf,
                            size_t bufsize) {
  (void)d;
  (void)c;
  snprintf(buf, bufsize,
           "Load simulation: the 99th percentile of end-to-end latency of "
           "client group 0 under each policy against the offered load of "
           "all clients (log axis), with the idle-world analytical latency "
           "of the static placement (what the solver alone predicts).");
}

static void caption_sim_util(const plot_data *d, const plot_chart *c, char *buf,
                             size_t bufsize) {
  (void)d;
  (void)c;
  snprintf(buf, bufsize,
           "Load simulation: the measured utilisation of every shared "
           "system and link against the offered load; colour: the "
           "resource, line style: the policy. A resource at 1 is "
           "saturated and its queue grows.");
}

const plot_kind_ops plot_chart_sim_p99 = {
    PLOT_SIM_P99, "Load simulation: p99 against the offered load", plan_sim_p99,
    caption_sim_p99, write_sim_load};
const plot_kind_ops plot_chart_sim_cdf = {
    PLOT_SIM_CDF, "Load simulation: latency distribution", plan_sim_cdf,
    caption_sim_cdf, write_sim_cdf};
const plot_kind_ops plot_chart_sim_util = {
    PLOT_SIM_UTIL, "Load simulation: utilisation", plan_sim_util,
    caption_sim_util, write_sim_load};
