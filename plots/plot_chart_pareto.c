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

/* Write `set label` commands naming the options next to their points,
 * without overlaps: options at the same point share a label (up to 3
 * names, then "and N more"); Pareto-optimal options are placed first and
 * always labelled, others when there is room (and there are at most 40
 * options), else tagged "#n" (their row in purchase.csv) when that fits
 * (*tagged counts those). Returns the number of options left unmarked, or
 * -1 when out of memory. */
static long pareto_labels(FILE *gp, const plot_table *t, long co, long cpr,
                          long cl, long cp, const plot_series *front,
                          double xlo, double xhi, double ylo, double yhi,
                          size_t *tagged) {
  /* obstacles: every point, and the Pareto line sampled every few pixels */
  size_t n_line = 0;
  for (size_t k = 0; k + 1 < front->n; k++) {
    double w = (front->p[k + 1].x - front->p[k].x) / (xhi - xlo) *
               (PARETO_R - PARETO_L);
    double h = (front->p[k + 1].y - front->p[k].y) / (yhi - ylo) *
               (PARETO_B - PARETO_T);
    n_line += (size_t)(sqrt(w * w + h * h) / 6) + 2;
  }
  pgroup *g = calloc(t->n_rows + 1, sizeof *g);
  pbox *taken = calloc(t->n_rows + 1, sizeof *taken);
  pbox *points = calloc(t->n_rows + n_line + 1, sizeof *points);
  size_t ng = 0, n_taken = 0;
  long unnamed = 0;
  if (!g || !taken || !points) {
    free(g);
    free(taken);
    free(points);
    return -1;
  }
  for (int pass = 1; pass >= 0; pass--) /* Pareto-optimal members first */
    for (size_t r = 0; r < t->n_rows; r++) {
      double pr, l, pa = 0;
      if (plot_parse_cell(plot_table_get(t, r, (size_t)cpr), &pr) != 0 ||
          plot_parse_cell(plot_table_get(t, r, (size_t)cl), &l) != 0 ||
          !isfinite(pr) || !isfinite(l))
        continue;
      if (cp >= 0)
        plot_parse_cell(plot_table_get(t, r, (size_t)cp), &pa);
      if ((pa == 1) != pass)
        continue;
      size_t k = 0;
      while (k < ng && !(g[k].x == pr && g[k].y == l))
        k++;
      if (k == ng) {
        g[ng].x = pr;
        g[ng].y = l;
        g[ng].px = PARETO_L + (pr - xlo) / (xhi - xlo) * (PARETO_R - PARETO_L);
        g[ng].py = PARETO_T + (yhi - l) / (yhi - ylo) * (PARETO_B - PARETO_T);
        ng++;
      }
      g[k].pareto |= pa == 1;
      if (g[k].n < 3) {
        g[k].rows[g[k].n] = r;
        size_t ch = co >= 0 ? utf8_chars(plot_table_get(t, r, (size_t)co),
                                         PARETO_NAME_CHARS)
                            : 1;
        if (ch > g[k].max_chars)
          g[k].max_chars = ch;
      }
      g[k].n++;
    }
  plot_sort(g, ng, sizeof *g, cmp_pgroup);
  for (size_t i = 0; i < ng; i++)
    points[i] = (pbox){g[i].px - 6, g[i].py - 6, g[i].px + 6, g[i].py + 6};
  size_t n_obst = ng;
  for (size_t k = 0; k + 1 < front->n; k++) {
    double ax = PARETO_L +
                (front->p[k].x - xlo) / (xhi - xlo) * (PARETO_R - PARETO_L),
           ay = PARETO_T +
                (yhi - front->p[k].y) / (yhi - ylo) * (PARETO_B - PARETO_T),
           bx = PARETO_L +
                (front->p[k + 1].x - xlo) / (xhi - xlo) * (PARETO_R - PARETO_L),
           by = PARETO_T +
                (yhi - front->p[k + 1].y) / (yhi - ylo) * (PARETO_B - PARETO_T);
    size_t steps = (size_t)(hypot(bx - ax, by - ay) / 6) + 1;
    for (size_t j = 0; j <= steps && n_obst < t->n_rows + n_line + 1; j++) {
      double f = (double)j / (double)steps;
      double x = ax + f * (bx - ax), y = ay + f * (by - ay);
      points[n_obst++] = (pbox){x - 2, y - 2, x + 2, y + 2};
    }
  }
  int label_others = t->n_rows <= 40;
  size_t nlab = 1;
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
    if (!ok) {
      /* no room for the names: a short tag, the row in purchase.csv */
      pgroup tag = *q;
      char tagtxt[48];
      if (q->n > 1)
        snprintf(tagtxt, sizeof tagtxt, "#%zu +%zu", q->rows[0] + 1, q->n - 1);
      else
        snprintf(tagtxt, sizeof tagtxt, "#%zu", q->rows[0] + 1);
      tag.max_chars = strlen(tagtxt);
      if (place_label(&tag, 1, taken, n_taken, points, n_obst, i, &b)) {
        taken[n_taken++] = b;
        fprintf(gp, "set label %zu ", nlab++);
        plot_gp_str(gp, tagtxt, 0);
        fprintf(gp,
                " at screen %.4f, screen %.4f left font ',9' tc rgb "
                "'#707070' front\n",
                (b.x0 + 2) / PARETO_W,
                1 - (b.y0 + 0.5 * PARETO_LINE_PX) / PARETO_H);
        (*tagged)++;
      } else {
        unnamed += (long)q->n;
      }
      continue;
    }
    taken[n_taken++] = b;
    for (size_t j = 0; j < lines; j++) {
      char more[64];
      const char *text;
      if (j < named) {
        text = co >= 0 ? plot_table_get(t, q->rows[j], (size_t)co) : "?";
      } else {
        snprintf(more, sizeof more, "and %zu more", q->n - named);
        text = more;
      }
      double cy = b.y0 + ((double)j + 0.5) * PARETO_LINE_PX;
      fprintf(gp, "set label %zu ", nlab++);
      plot_gp_str(gp, text, PARETO_NAME_CHARS);
      fprintf(gp,
              " at screen %.4f, screen %.4f left font ',9' tc rgb '%s' "
              "front\n",
              (b.x0 + 2) / PARETO_W, 1 - cy / PARETO_H,
              q->pareto ? "#000000" : "#707070");
    }
  }
  free(g);
  free(taken);
  free(points);
  return unnamed;
}

/* ---- 5. purchasing Pareto chart ---------------------------------------- */

static int write_pareto(FILE *gp, FILE *dat, const plot_data *d,
                        const plot_plan *p, const plot_chart *c,
                        ss_error *err) {
  (void)p;
  const plot_table *t = &d->purchase;
  long co = plot_table_col(t, SIM_COL_OPTION),
       cpr = plot_table_col(t, SIM_COL_PRICE),
       cl = plot_table_col(t, SIM_COL_WEIGHTED_LATENCY_S),
       cp = plot_table_col(t, SIM_COL_PARETO);
  plot_series all = {0, 0, 0, NULL}, front = {0, 0, 0, NULL};
  plot_series others = {0, 0, 0, NULL};
  int rc = -1;
  size_t *front_row = calloc(t->n_rows + 1, sizeof *front_row);
  size_t n_front_rows = 0;
  if (!front_row)
    return ss_error_oom(err, d->charts, c->base);
  fputs("# purchasing options: block 0 = the options not Pareto-optimal "
        "(price weighted_latency_s), block 1 = the Pareto-optimal ones by "
        "price\n",
        dat);
  for (size_t r = 0; r < t->n_rows; r++) {
    double pr, l, pa = 0;
    if (plot_table_num(t, r, (size_t)cpr, &pr, err) != 0 ||
        plot_table_num(t, r, (size_t)cl, &l, err) != 0 ||
        (cp >= 0 && plot_table_num(t, r, (size_t)cp, &pa, err) != 0))
      goto out;
    if (!isfinite(pr) || !isfinite(l))
      continue;
    if (plot_series_push(&all, pr, l) != 0)
      goto nomem;
    if (pa != 1 && plot_series_push(&others, pr, l) != 0)
      goto nomem;
    if (pa == 1) {
      if (plot_series_push(&front, pr, l) != 0)
        goto nomem;
      front_row[n_front_rows++] = r;
    }
  }
  for (size_t k = 0; k < others.n; k++) {
    plot_gp_num(dat, others.p[k].x);
    fputc(' ', dat);
    plot_gp_num(dat, others.p[k].y);
    fputc('\n', dat);
  }
  if (!others.n)
    fputs("NaN NaN\n", dat);
  fputs("\n\n", dat);
  plot_sort(front.p, front.n, sizeof(plot_xy), plot_cmp_xy);
  for (size_t k = 0; k < front.n; k++) {
    plot_gp_num(dat, front.p[k].x);
    fputc(' ', dat);
    plot_gp_num(dat, front.p[k].y);
    fputc('\n', dat);
  }
  if (!front.n)
    fputs("NaN NaN\n", dat);
  fputs("\n\n", dat);

  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t k = 0; k < all.n; k++) {
    x0 = fmin(x0, all.p[k].x);
    x1 = fmax(x1, all.p[k].x);
    y0 = fmin(y0, all.p[k].y);
    y1 = fmax(y1, all.p[k].y);
  }
  if (!all.n)
    x0 = y0 = 0, x1 = y1 = 1;
  double sx = x1 > x0 ? x1 - x0 : fabs(x1) + 1;
  double sy = y1 > y0 ? y1 - y0 : fabs(y1) * 0.1 + 1e-9;
  /* room around the points for the labels */
  double xlo = x0 - 0.06 * sx, xhi = x1 + 0.25 * sx;
  double ylo = y0 - 0.12 * sy, yhi = y1 + 0.12 * sy;
  char sub[300];
  snprintf(sub, sizeof sub, "%s",
           "joined: the Pareto-optimal options (no other is both cheaper "
           "and faster)");
  /* the labels first: the subtitle says how many are left unnamed */
  char *labels = NULL;
  size_t labels_len = 0;
  FILE *lf = open_memstream(&labels, &labels_len);
  if (!lf)
    goto nomem;
  size_t tagged = 0;
  long unnamed = pareto_labels(lf, t, co, cpr, cl, cp, &front, xlo, xhi, ylo,
                               yhi, &tagged);
  fclose(lf);
  if (unnamed < 0) {
    free(labels);
    goto nomem;
  }
  if (tagged) {
    size_t k = strlen(sub);
    snprintf(sub + k, sizeof sub - k,
             "\n#n: the option on row n of purchase.csv (no room for its "
             "name)");
  }
  if (unnamed > 0) {
    size_t k = strlen(sub);
    snprintf(sub + k, sizeof sub - k,
             "\n%ld options are not marked for lack of room (see "
             "purchase.csv)",
             unnamed);
  }
  plot_gp_begin(gp, c->base, "purchasing options, price vs weighted latency");
  plot_gp_title(gp, "set title",
                "Purchasing options: price vs weighted latency", sub, PARETO_W);
  fputs("set xlabel 'price (currency units of purchase.csv)'\n"
        "set ylabel 'weighted latency over the workload mix (s)'\n"
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
  plot_gp_num(gp, xlo);
  fputc(':', gp);
  plot_gp_num(gp, xhi);
  fputs("]\nset yrange [", gp);
  plot_gp_num(gp, ylo);
  fputc(':', gp);
  plot_gp_num(gp, yhi);
  fputs("]\n", gp);
  fwrite(labels, 1, labels_len, gp);
  free(labels);
  plot_gp_loop_open(gp, c->base, PARETO_W, PARETO_H);
  fprintf(gp,
          "  plot '%s.dat' index 0 using 1:2 with points pt 6 ps 1.4 lc rgb "
          "'#8C8C8C' title 'other option', \\\n"
          "    '%s.dat' index 1 using 1:2 with linespoints pt 7 ps 1.6 lw 2 "
          "lc rgb '#D55E00' title 'Pareto-optimal'\n",
          c->base, c->base);
  plot_gp_loop_close(gp);
  rc = 0;
  goto out;
nomem:
  rc = ss_error_oom(err, d->charts, c->base);
out:
  free(all.p);
  free(others.p);
  free(front.p);
  free(front_row);
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
