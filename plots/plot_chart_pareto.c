/* The purchasing study: price against the weighted latency of the
 * workload mix, the Pareto-optimal options joined, labels placed without
 * overlap. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pbox {
  double x0, y0, x1, y1; /* pixels, y down */
} pbox;

static int pbox_overlap(const pbox *a, const pbox *b) {
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Options at the same (price, latency) share one label of several lines. */
typedef struct pgroup {
  double x, y;      /* data */
  double px, py;    /* pixels */
  int pareto;       /* any member Pareto-optimal */
  size_t n, shown;  /* members, members named */
  size_t rows[4];   /* first members (Pareto ones first) */
  size_t max_chars; /* longest line */
} pgroup;

#define PARETO_W 1000
#define PARETO_H 650
#define PARETO_L 110.0 /* plot area in pixels (explicit margins) */
#define PARETO_R 970.0
#define PARETO_T 80.0
#define PARETO_B 540.0
#define PARETO_CHAR_PX 6.6   /* a character at 9 points */
#define PARETO_LINE_PX 13.0  /* a line at 9 points */
#define PARETO_NAME_CHARS 40 /* longest option name shown */

static size_t utf8_chars(const char *s, size_t cap) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n < cap ? n : cap + 3; /* a cut name ends in "..." */
}

/* Try the places around a point (right or left, above, below or level);
 * the first that stays inside the plot and clear of the placed labels and
 * the other points wins. Returns 1 with *out set, else 0. */
static int place_label(const pgroup *g, size_t lines, const pbox *taken,
                       size_t n_taken, const pbox *points, size_t n_points,
                       size_t self, pbox *out) {
  double w = (double)g->max_chars * PARETO_CHAR_PX + 4;
  double h = (double)lines * PARETO_LINE_PX;
  static const double dx[] = {1, 1, -1, -1, 1, -1};
  static const int dy[] = {-1, 1, -1, 1, 0, 0};
  for (size_t k = 0; k < 6; k++) {
    pbox b;
    b.x0 = dx[k] > 0 ? g->px + 7 : g->px - 7 - w;
    b.x1 = b.x0 + w;
    b.y0 = dy[k] < 0 ? g->py - 7 - h : dy[k] > 0 ? g->py + 7 : g->py - h / 2;
    b.y1 = b.y0 + h;
    if (b.x0 < PARETO_L || b.x1 > PARETO_R || b.y0 < PARETO_T ||
        b.y1 > PARETO_B)
      continue;
    int clear = 1;
    for (size_t i = 0; clear && i < n_taken; i++)
      clear = !pbox_overlap(&b, &taken[i]);
    for (size_t i = 0; clear && i < n_points; i++)
      clear = i == self || !pbox_overlap(&b, &points[i]);
    if (clear) {
      *out = b;
      return 1;
    }
  }
  return 0;
}

static int cmp_pgroup(const void *a, const void *b) {
  const pgroup *x = a, *y = b;
  if (x->pareto != y->pareto) /* Pareto-optimal ones are placed first */
    return x->pareto ? -1 : 1;
  if (x->x != y->x)
    return x->x < y->x ? -1 : 1;
  return (x->y > y->y) - (x->y < y->y);
}

/* The chart's frame: value ranges and the columns of purchase.csv. */
typedef struct pareto_frame {
  const plot_table *t;
  long co, cpr, cl, cp; /* option, price, weighted latency, pareto */
  double xlo, xhi, ylo, yhi;
} pareto_frame;

static double px_of(const pareto_frame *F, double x) {
  return PARETO_L + (x - F->xlo) / (F->xhi - F->xlo) * (PARETO_R - PARETO_L);
}

static double py_of(const pareto_frame *F, double y) {
  return PARETO_T + (F->yhi - y) / (F->yhi - F->ylo) * (PARETO_B - PARETO_T);
}

/* Options grouped by point, Pareto-optimal members first; their count. */
static size_t pareto_groups(const pareto_frame *F, pgroup *g) {
  const plot_table *t = F->t;
  size_t ng = 0;
  for (int pass = 1; pass >= 0; pass--) /* Pareto-optimal members first */
    for (size_t r = 0; r < t->n_rows; r++) {
      double pr, l, pa = 0;
      if (plot_parse_cell(plot_table_get(t, r, (size_t)F->cpr), &pr) != 0 ||
          plot_parse_cell(plot_table_get(t, r, (size_t)F->cl), &l) != 0 ||
          !isfinite(pr) || !isfinite(l))
        continue;
      if (F->cp >= 0)
        plot_parse_cell(plot_table_get(t, r, (size_t)F->cp), &pa);
      if ((pa == 1) != pass)
        continue;
      size_t k = 0;
      while (k < ng && !(g[k].x == pr && g[k].y == l))
        k++;
      if (k == ng) {
        g[ng].x = pr;
        g[ng].y = l;
        g[ng].px = px_of(F, pr);
        g[ng].py = py_of(F, l);
        ng++;
      }
      g[k].pareto |= pa == 1;
      if (g[k].n < 3) {
        g[k].rows[g[k].n] = r;
        size_t ch = F->co >= 0 ? utf8_chars(plot_table_get(t, r, (size_t)F->co),
                                            PARETO_NAME_CHARS)
                               : 1;
        if (ch > g[k].max_chars)
          g[k].max_chars = ch;
      }
      g[k].n++;
    }
  plot_sort(g, ng, sizeof *g, cmp_pgroup);
  return ng;
}

/* Obstacles for the labels: every point, and the Pareto line sampled
 * every few pixels (at most cap boxes). Their count. */
static size_t pareto_obstacles(const pareto_frame *F, const pgroup *g,
                               size_t ng, const plot_series *front,
                               pbox *points, size_t cap) {
  for (size_t i = 0; i < ng; i++)
    points[i] = (pbox){g[i].px - 6, g[i].py - 6, g[i].px + 6, g[i].py + 6};
  size_t n_obst = ng;
  for (size_t k = 0; k + 1 < front->n; k++) {
    double ax = px_of(F, front->p[k].x), ay = py_of(F, front->p[k].y),
           bx = px_of(F, front->p[k + 1].x), by = py_of(F, front->p[k + 1].y);
    size_t steps = (size_t)(hypot(bx - ax, by - ay) / 6) + 1;
    for (size_t j = 0; j <= steps && n_obst < cap; j++) {
      double f = (double)j / (double)steps;
      double x = ax + f * (bx - ax), y = ay + f * (by - ay);
      points[n_obst++] = (pbox){x - 2, y - 2, x + 2, y + 2};
    }
  }
  return n_obst;
}

/* The names of group q in box b, one line each ("and N more" last). */
static void pareto_names(FILE *gp, const pareto_frame *F, const pgroup *q,
                         const pbox *b, size_t named, size_t lines,
                         size_t *nlab) {
  for (size_t j = 0; j < lines; j++) {
    char more[64];
    const char *text;
    if (j < named) {
      text = F->co >= 0 ? plot_table_get(F->t, q->rows[j], (size_t)F->co) : "?";
    } else {
      snprintf(more, sizeof more, "and %zu more", q->n - named);
      text = more;
    }
    double cy = b->y0 + ((double)j + 0.5) * PARETO_LINE_PX;
    fprintf(gp, "set label %zu ", (*nlab)++);
    plot_gp_str(gp, text, PARETO_NAME_CHARS);
    fprintf(gp,
            " at screen %.4f, screen %.4f left font ',9' tc rgb '%s' "
            "front\n",
            (b->x0 + 2) / PARETO_W, 1 - cy / PARETO_H,
            q->pareto ? "#000000" : "#707070");
  }
}

/* No room for the names: a short tag, the row in purchase.csv, when that
 * fits. 1 when placed (in *b). */
static int pareto_tag(FILE *gp, const pgroup *q, const pbox *taken,
                      size_t n_taken, const pbox *points, size_t n_obst,
                      size_t self, pbox *b, size_t *nlab) {
  pgroup tag = *q;
  char tagtxt[48];
  if (q->n > 1)
    snprintf(tagtxt, sizeof tagtxt, "#%zu +%zu", q->rows[0] + 1, q->n - 1);
  else
    snprintf(tagtxt, sizeof tagtxt, "#%zu", q->rows[0] + 1);
  tag.max_chars = strlen(tagtxt);
  if (!place_label(&tag, 1, taken, n_taken, points, n_obst, self, b))
    return 0;
  fprintf(gp, "set label %zu ", (*nlab)++);
  plot_gp_str(gp, tagtxt, 0);
  fprintf(gp,
          " at screen %.4f, screen %.4f left font ',9' tc rgb "
          "'#707070' front\n",
          (b->x0 + 2) / PARETO_W,
          1 - (b->y0 + 0.5 * PARETO_LINE_PX) / PARETO_H);
  return 1;
}

/* Write `set label` commands naming the options next to their points,
 * without overlaps: options at the same point share a label (up to 3
 * names, then "and N more"); Pareto-optimal options are placed first and
 * always labelled, others when there is room (and there are at most 40
 * options), else tagged "#n" (their row in purchase.csv) when that fits
 * (*tagged counts those). Returns the number of options left unmarked, or
 * -1 when out of memory. */
static long pareto_labels(FILE *gp, const pareto_frame *F,
                          const plot_series *front, size_t *tagged) {
  const plot_table *t = F->t;
  size_t n_line = 0;
  for (size_t k = 0; k + 1 < front->n; k++) {
    double w = (front->p[k + 1].x - front->p[k].x) / (F->xhi - F->xlo) *
               (PARETO_R - PARETO_L);
    double h = (front->p[k + 1].y - front->p[k].y) / (F->yhi - F->ylo) *
               (PARETO_B - PARETO_T);
    n_line += (size_t)(sqrt(w * w + h * h) / 6) + 2;
  }
  pgroup *g = calloc(t->n_rows + 1, sizeof *g);
  pbox *taken = calloc(t->n_rows + 1, sizeof *taken);
  pbox *points = calloc(t->n_rows + n_line + 1, sizeof *points);
  size_t n_taken = 0, nlab = 1;
  long unnamed = 0;
  if (!g || !taken || !points) {
    free(g);
    free(taken);
    free(points);
    return -1;
  }
  size_t ng = pareto_groups(F, g);
  size_t n_obst =
      pareto_obstacles(F, g, ng, front, points, t->n_rows + n_line + 1);
  int label_others = t->n_rows <= 40;
  for (size_t i = 0; i < ng; i++) {
    pgroup *q = &g[i];
    size_t named = q->n < 3 ? q->n : 3;
    size_t lines = named + (q->n > named);
    if (q->n > named && q->max_chars < 12)
      q->max_chars = 12; /* "and 12 more" */
    pbox b;
    int ok = (q->pareto || label_others) &&
             place_label(q, lines, taken, n_taken, points, n_obst, i, &b);
    if (!ok && q->pareto) { /* always named: right of the point */
      double w = (double)q->max_chars * PARETO_CHAR_PX + 4;
      b = (pbox){q->px + 7, q->py - 3 - (double)lines * PARETO_LINE_PX,
                 q->px + 7 + w, q->py - 3};
      ok = 1;
    }
    if (ok) {
      taken[n_taken++] = b;
      pareto_names(gp, F, q, &b, named, lines, &nlab);
    } else if (pareto_tag(gp, q, taken, n_taken, points, n_obst, i, &b,
                          &nlab)) {
      taken[n_taken++] = b;
      (*tagged)++;
    } else {
      unnamed += (long)q->n;
    }
  }
  free(g);
  free(taken);
  free(points);
  return unnamed;
}

/* ---- 5. purchasing Pareto chart ---------------------------------------- */

/* Every option (all), the others and the Pareto front, from purchase.csv;
 * the data file. -1 with err. */
static int pareto_data(const pareto_frame *F, FILE *dat, plot_series *all,
                       plot_series *others, plot_series *front,
                       const plot_chart *c, const plot_data *d, ss_error *err) {
  const plot_table *t = F->t;
  fputs("# purchasing options: block 0 = the options not Pareto-optimal "
        "(price weighted_latency_s), block 1 = the Pareto-optimal ones by "
        "price\n",
        dat);
  for (size_t r = 0; r < t->n_rows; r++) {
    double pr, l, pa = 0;
    if (plot_table_num(t, r, (size_t)F->cpr, &pr, err) != 0 ||
        plot_table_num(t, r, (size_t)F->cl, &l, err) != 0 ||
        (F->cp >= 0 && plot_table_num(t, r, (size_t)F->cp, &pa, err) != 0))
      return -1;
    if (!isfinite(pr) || !isfinite(l))
      continue;
    if (plot_series_push(all, pr, l) != 0 ||
        (pa != 1 && plot_series_push(others, pr, l) != 0) ||
        (pa == 1 && plot_series_push(front, pr, l) != 0))
      return ss_error_oom(err, d->charts, c->base);
  }
  plot_gp_xy_block(dat, others);
  plot_sort(front->p, front->n, sizeof(plot_xy), plot_cmp_xy);
  plot_gp_xy_block(dat, front);
  return 0;
}

/* Room around the points for the labels. */
static void pareto_ranges(pareto_frame *F, const plot_series *all) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t k = 0; k < all->n; k++) {
    x0 = fmin(x0, all->p[k].x);
    x1 = fmax(x1, all->p[k].x);
    y0 = fmin(y0, all->p[k].y);
    y1 = fmax(y1, all->p[k].y);
  }
  if (!all->n)
    x0 = y0 = 0, x1 = y1 = 1;
  double sx = x1 > x0 ? x1 - x0 : fabs(x1) + 1;
  double sy = y1 > y0 ? y1 - y0 : fabs(y1) * 0.1 + 1e-9;
  F->xlo = x0 - 0.06 * sx, F->xhi = x1 + 0.25 * sx;
  /* the latency axis starts at 0: a 5% gain must look like 5% */
  F->ylo = y0 >= 0 ? 0 : y0 - 0.12 * sy, F->yhi = y1 + 0.12 * sy;
}

/* The script around the labels (written first: the subtitle says how many
 * options are left unnamed). */
static void pareto_script(FILE *gp, const pareto_frame *F, const char *sub,
                          const char *labels, size_t labels_len,
                          const char *base) {
  /* the cost axis: the total cost of ownership over purchase.csv's
   * horizon (a rented machine's running cost counts), else the price */
  double years = NAN;
  long cy = plot_table_col(F->t, "horizon_years");
  if (cy >= 0 && F->t->n_rows)
    plot_table_num(F->t, 0, (size_t)cy, &years, NULL);
  int tco = plot_table_col(F->t, SIM_COL_TCO) >= 0 && !isnan(years);
  char head[200], xl[200];
  if (tco) {
    snprintf(head, sizeof head,
             "Purchasing: %g-year cost of ownership vs weighted latency",
             years);
    snprintf(xl, sizeof xl,
             "set xlabel 'total cost of ownership: price + yearly cost x %g "
             "(currency of purchase.csv)'\n",
             years);
  } else {
    snprintf(head, sizeof head, "Purchasing: price vs weighted latency");
    snprintf(xl, sizeof xl,
             "set xlabel 'price (currency units of purchase.csv)'\n");
  }
  plot_gp_begin(gp, base, "purchasing options, cost vs weighted latency");
  plot_gp_title(gp, "set title", head, sub, PARETO_W);
  fputs(xl, gp);
  fputs("set ylabel 'weighted latency over the workload mix (s)'\n"
        "set border 3\nset tics out nomirror\n"
        "set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n"
        "set key below left Left reverse horizontal samplen 2 width 2\n",
        gp);
  /* fixed plot area, so that the labels can be placed in pixels */
  fprintf(gp,
          "set lmargin at screen %.4f; set rmargin at screen %.4f\n"
          "set tmargin at screen %.4f; set bmargin at screen %.4f\n",
          PARETO_L / PARETO_W, PARETO_R / PARETO_W, 1 - PARETO_T / PARETO_H,
          1 - PARETO_B / PARETO_H);
  fputs("set xrange [", gp);
  plot_gp_num(gp, F->xlo);
  fputc(':', gp);
  plot_gp_num(gp, F->xhi);
  fputs("]\nset yrange [", gp);
  plot_gp_num(gp, F->ylo);
  fputc(':', gp);
  plot_gp_num(gp, F->yhi);
  fputs("]\n", gp);
  fwrite(labels, 1, labels_len, gp);
  plot_gp_loop_open(gp, base, PARETO_W, PARETO_H);
  fprintf(gp,
          "  plot '%s.dat' index 0 using 1:2 with points pt 6 ps 1.4 lc rgb "
          "'#8C8C8C' title 'other option', \\\n"
          "    '%s.dat' index 1 using 1:2 with linespoints pt 7 ps 1.6 lw 2 "
          "lc rgb '#D55E00' title 'Pareto-optimal'\n",
          base, base);
  plot_gp_loop_close(gp);
}

/* The subtitle: what the line means, and what is tagged or left out. */
static void pareto_subtitle(char *sub, size_t size, size_t tagged,
                            long unnamed) {
  snprintf(sub, size, "%s",
           "at the reference point; joined: the Pareto-optimal options");
  if (tagged) {
    size_t k = strlen(sub);
    snprintf(sub + k, size - k, "; #n: row n of purchase.csv");
  }
  if (unnamed > 0) {
    size_t k = strlen(sub);
    snprintf(sub + k, size - k, "; %ld not marked (no room)", unnamed);
  }
}

static int write_pareto(FILE *gp, FILE *dat, const plot_data *d,
                        const plot_plan *p, const plot_chart *c,
                        ss_error *err) {
  (void)p;
  pareto_frame F;
  memset(&F, 0, sizeof F);
  F.t = &d->purchase;
  F.co = plot_table_col(F.t, SIM_COL_OPTION);
  F.cpr = plot_table_col(F.t, SIM_COL_TCO) >= 0
              ? plot_table_col(F.t, SIM_COL_TCO)
              : plot_table_col(F.t, SIM_COL_PRICE);
  F.cl = plot_table_col(F.t, SIM_COL_WEIGHTED_LATENCY_S);
  F.cp = plot_table_col(F.t, SIM_COL_PARETO);
  plot_series all = {0, 0, 0, NULL}, front = {0, 0, 0, NULL};
  plot_series others = {0, 0, 0, NULL};
  char *labels = NULL;
  size_t labels_len = 0, tagged = 0;
  int rc = -1;
  if (pareto_data(&F, dat, &all, &others, &front, c, d, err) != 0)
    goto out;
  pareto_ranges(&F, &all);
  FILE *lf = open_memstream(&labels, &labels_len);
  long unnamed = lf ? pareto_labels(lf, &F, &front, &tagged) : -1;
  if (lf)
    fclose(lf);
  if (unnamed < 0) {
    rc = ss_error_oom(err, d->charts, c->base);
    goto out;
  }
  char sub[300];
  pareto_subtitle(sub, sizeof sub, tagged, unnamed);
  pareto_script(gp, &F, sub, labels, labels_len, c->base);
  rc = 0;
out:
  free(labels);
  free(all.p);
  free(others.p);
  free(front.p);
  return rc;
}

/* ---- plan, caption, kind ------------------------------------------------ */

static int plan_pareto(plot_plan *p, const plot_data *d,
                       const plot_options *opt) {
  (void)opt;
  if (!d->has_purchase)
    return 0;
  if (plot_table_col(&d->purchase, SIM_COL_PRICE) >= 0 &&
      plot_table_col(&d->purchase, SIM_COL_WEIGHTED_LATENCY_S) >= 0)
    return plot_plan_add(p, PLOT_PARETO, 0, 0, "pareto", 1);
  plot_plan_note(p, "purchasing chart skipped: purchase.csv lacks the "
                    "columns price and weighted_latency_s");
  return 0;
}

static void caption_pareto(const plot_data *d, const plot_chart *c, char *buf,
                           size_t bufsize) {
  (void)d;
  (void)c;
  snprintf(buf, bufsize,
           "Purchasing options: price against the weighted latency of the "
           "workload mix; the Pareto-optimal options are joined.");
}

const plot_kind_ops plot_chart_pareto = {
    PLOT_PARETO, "Purchasing study", plan_pareto, caption_pareto, write_pareto};
