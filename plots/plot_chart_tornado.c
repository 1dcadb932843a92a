/* The sensitivity tornado: best latency when one parameter moves to its
 * low or high value, largest effect on top. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TORNADO_MAX_ROWS                                                       \
  30 /* parameters drawn; the rest are named in a note                         \
      */
#define TORNADO_LOW_COLOUR "#0072B2"
#define TORNADO_HIGH_COLOUR "#D55E00"

typedef struct trow {
  size_t row;                          /* row of sensitivity.csv */
  double base, lo_v, hi_v;             /* parameter values */
  double lo_s, base_s, hi_s, effect_s; /* best latency */
} trow;

static int cmp_trow(const void *a, const void *b) {
  const trow *x = a, *y = b;
  int nx = isnan(x->effect_s), ny = isnan(y->effect_s);
  if (nx != ny)
    return nx ? 1 : -1;
  if (!nx && x->effect_s != y->effect_s)
    return x->effect_s > y->effect_s ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* The rows of sensitivity.csv sorted by effect (largest first, NaN last,
 * ties in file order). *out is malloc'd (n_rows + 1 entries). Returns -1
 * (err filled) on a missing column, a cell that is not a number, or no
 * memory. */
static int tornado_rows(const plot_data *d, trow **out, size_t *n_out,
                        ss_error *err) {
  const plot_table *t = &d->sensitivity;
  static const char *const need[] = {"parameter", "best_low_s", "best_base_s",
                                     "best_high_s"};
  *out = NULL;
  *n_out = 0;
  for (size_t i = 0; i < 4; i++)
    if (plot_table_col(t, need[i]) < 0)
      return ss_error_set(err, t->path, "1", "missing column '%s'", need[i]);
  long cb = plot_table_col(t, SIM_COL_BASE),
       clv = plot_table_col(t, SIM_COL_LOW_VALUE),
       chv = plot_table_col(t, SIM_COL_HIGH_VALUE),
       cls = plot_table_col(t, SIM_COL_BEST_LOW_S),
       cbs = plot_table_col(t, SIM_COL_BEST_BASE_S),
       chs = plot_table_col(t, SIM_COL_BEST_HIGH_S);
  trow *rows = calloc(t->n_rows + 1, sizeof *rows);
  if (!rows)
    return ss_error_oom(err, t->path, NULL);
  for (size_t r = 0; r < t->n_rows; r++) {
    trow *x = &rows[r];
    x->row = r;
    x->base = x->lo_v = x->hi_v = NAN;
    if ((cb >= 0 && plot_table_num(t, r, (size_t)cb, &x->base, err) != 0) ||
        (clv >= 0 && plot_table_num(t, r, (size_t)clv, &x->lo_v, err) != 0) ||
        (chv >= 0 && plot_table_num(t, r, (size_t)chv, &x->hi_v, err) != 0) ||
        plot_table_num(t, r, (size_t)cls, &x->lo_s, err) != 0 ||
        plot_table_num(t, r, (size_t)cbs, &x->base_s, err) != 0 ||
        plot_table_num(t, r, (size_t)chs, &x->hi_s, err) != 0) {
      free(rows);
      return -1;
    }
    /* the effect as sensitivity.csv defines it, from the latencies (so a
     * hand-edited file is still drawn in order) */
    x->effect_s = fabs(x->hi_s - x->lo_s);
  }
  plot_sort(rows, t->n_rows, sizeof *rows, cmp_trow);
  *out = rows;
  *n_out = t->n_rows;
  return 0;
}

int plot_tornado_possible(const plot_data *d, char *why, size_t whysize) {
  trow *rows = NULL;
  size_t n = 0;
  ss_error err;
  why[0] = 0;
  if (tornado_rows(d, &rows, &n, &err) != 0) {
    snprintf(why, whysize, "%.300s%s%.40s: %.300s", err.file,
             err.where[0] ? ":" : "", err.where, err.msg);
    return 0;
  }
  int finite = 0;
  for (size_t i = 0; i < n; i++)
    finite |= isfinite(rows[i].lo_s) || isfinite(rows[i].base_s) ||
              isfinite(rows[i].hi_s);
  free(rows);
  if (!finite)
    snprintf(why, whysize, "sensitivity.csv has no finite latency (%s)",
             n ? "every weighted model is infeasible" : "no rows");
  return finite;
}

/* "-50 %" with a real minus sign, from a value and its base; empty when the
 * base is 0 or unknown. */
static void pct_text(double v, double base, char *buf, size_t size) {
  buf[0] = 0;
  if (!isfinite(v) || !isfinite(base) || base == 0)
    return;
  double p = 100 * (v / base - 1);
  if (fabs(p) < 0.05)
    p = 0;
  snprintf(buf, size, "%s%.3g %%", p < 0 ? "\xE2\x88\x92" : "+", fabs(p));
}

/* A label at the end of a bar, outside it: the parameter value there. */
static void tornado_end_label(FILE *gp, size_t *nlab, double x, double y,
                              double base_s, const char *text) {
  int right = x >= base_s;
  fprintf(gp, "set label %zu ", (*nlab)++);
  plot_gp_str(gp, text, 40);
  fputs(" at first ", gp);
  plot_gp_num(gp, x);
  fputs(", first ", gp);
  plot_gp_num(gp, y);
  fprintf(gp, " %s offset char %s,0 font ',9' tc rgb '#333333' front\n",
          right ? "left" : "right", right ? "0.5" : "-0.5");
}

/* Everything the tornado is drawn from. */
typedef struct tornado_chart {
  const plot_data *d;
  const plot_chart *c;
  trow *rows;
  size_t n, n_all; /* rows drawn, rows in the table */
  double base_s, lo, hi, span;
  int w, h;
} tornado_chart;

/* The base line (the first finite base latency: every row has the same
 * one, the scenario as written) and the x range. */
static void tornado_range(tornado_chart *T) {
  double base_s = NAN, lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < T->n; i++) {
    const trow *x = &T->rows[i];
    const double v[] = {x->lo_s, x->base_s, x->hi_s};
    if (isnan(base_s) && isfinite(x->base_s))
      base_s = x->base_s;
    for (size_t k = 0; k < 3; k++)
      if (isfinite(v[k])) {
        lo = fmin(lo, v[k]);
        hi = fmax(hi, v[k]);
      }
  }
  if (!isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (isnan(base_s))
    base_s = 0.5 * (lo + hi);
  double span = hi - lo;
  if (!(span > 0))
    span = fabs(hi) > 0 ? 0.2 * fabs(hi) : 1;
  T->base_s = base_s, T->lo = lo, T->hi = hi, T->span = span;
}

static void tornado_data(const tornado_chart *T, FILE *dat) {
  size_t n = T->n;
  fputs("# tornado: y (top = largest effect) base_s low_s high_s low_value "
        "high_value; one row per parameter\n",
        dat);
  for (size_t i = 0; i < n; i++) {
    const trow *x = &T->rows[i];
    const double v[] = {
        (double)(n - 1 - i), x->base_s, x->lo_s, x->hi_s, x->lo_v, x->hi_v};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
      if (k)
        fputc(' ', dat);
      plot_gp_num(dat, v[k]);
    }
    fputc('\n', dat);
  }
  if (!n)
    fputs("NaN NaN NaN NaN NaN NaN\n", dat);
  fputs("\n\n", dat);
}

/* Title, axes and ranges. */
static void tornado_head(tornado_chart *T, FILE *gp) {
  size_t n = T->n;
  char line2[700];
  size_t k2 = (size_t)snprintf(
      line2, sizeof line2,
      "workload-weighted mean over the models; the others at their base "
      "values\nnumbers at the bar ends: the parameter's low and high values");
  if (n < T->n_all && k2 < sizeof line2)
    snprintf(line2 + k2, sizeof line2 - k2,
             "\nthe %zu parameters with the smallest effect are left out "
             "(see sensitivity.csv)",
             T->n_all - n);
  T->w = 1100, T->h = 230 + 34 * (int)(n ? n : 1);
  if (T->h < 440)
    T->h = 440;
  plot_gp_begin(gp, T->c->base,
                "sensitivity tornado (best latency, one parameter "
                "moved at a time)");
  /* the title is centred over the plot, right of the long tic labels:
   * lines are kept short */
  plot_gp_title(gp, "set title",
                "Sensitivity: best latency, one parameter moved at a time",
                line2, 760);
  fputs("set xlabel 'best latency (s)'\n"
        "set border 3\nset tics out nomirror\n"
        "set grid xtics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  fputs("set xrange [", gp);
  plot_gp_num(gp, T->lo - 0.16 * T->span);
  fputc(':', gp);
  plot_gp_num(gp, T->hi + 0.16 * T->span);
  /* room above the top bar for the base line's label */
  fprintf(gp, "]\nset yrange [-0.7:%zu-0.05]\n", n ? n : 1);
}

/* Parameter names (from the scenario: safe literals) and moves, as labels
 * left of the axis (not tic labels: see write_models), and the margin they
 * need. */
static void tornado_names(const tornado_chart *T, FILE *gp) {
  const plot_table *t = &T->d->sensitivity;
  long cp = plot_table_col(t, SIM_COL_PARAMETER);
  size_t n = T->n, maxlab = 10;
  fprintf(gp, "set ytics 0,1,%zu format '' scale 0.6\n", n ? n - 1 : 0);
  for (size_t i = 0; i < n; i++) {
    const trow *x = &T->rows[i];
    char lab[300], lp[32], hp[32], txt[400];
    plot_param_label(plot_table_get(t, x->row, (size_t)cp), lab, sizeof lab);
    pct_text(x->lo_v, x->base, lp, sizeof lp);
    pct_text(x->hi_v, x->base, hp, sizeof hp);
    if (lp[0] && hp[0])
      snprintf(txt, sizeof txt, "%.70s = %.4g, %s / %s", lab, x->base, lp, hp);
    else if (isfinite(x->base))
      snprintf(txt, sizeof txt, "%.70s = %.4g", lab, x->base);
    else
      snprintf(txt, sizeof txt, "%.70s", lab);
    size_t chars = 0;
    for (const char *q = txt; *q; q++)
      chars += ((unsigned char)*q & 0xC0) != 0x80;
    if (chars > maxlab)
      maxlab = chars;
    fprintf(gp, "set label %zu ", i + 1);
    plot_gp_str(gp, txt, 0);
    fprintf(gp, " at graph 0, first %zu right offset char -1,0 font ',10'\n",
            n - 1 - i);
  }
  /* room for the labels: about 7.3 pixels a character at 10 points */
  double lm = (7.3 * (double)maxlab + 30) / (double)T->w;
  fprintf(gp, "set lmargin at screen %.3f\nset rmargin at screen 0.97\n",
          lm < 0.6 ? lm : 0.6);
}

/* The labels at the bar ends (values, "no effect", "infeasible"). */
static void tornado_ends(const tornado_chart *T, FILE *gp, size_t *nlab) {
  size_t n = T->n;
  for (size_t i = 0; i < n; i++) {
    const trow *x = &T->rows[i];
    double y = (double)(n - 1 - i);
    double b = isfinite(x->base_s) ? x->base_s : T->base_s;
    char num[64];
    int lo_ok = isfinite(x->lo_s), hi_ok = isfinite(x->hi_s);
    if (lo_ok && hi_ok && x->lo_s == b && x->hi_s == b) {
      tornado_end_label(gp, nlab, b, y, -INFINITY, "no effect");
      continue;
    }
    const double end[2] = {x->lo_s, x->hi_s}, val[2] = {x->lo_v, x->hi_v};
    for (size_t s = 0; s < 2; s++) {
      if (isfinite(end[s]) && end[s] != b) {
        if (isfinite(val[s])) {
          snprintf(num, sizeof num, "%.4g", val[s]);
          tornado_end_label(gp, nlab, end[s], y, b, num);
        }
      } else if (!isfinite(end[s])) {
        if (isfinite(val[s]))
          snprintf(num, sizeof num, "infeasible at %.4g", val[s]);
        else
          snprintf(num, sizeof num, "infeasible");
        /* on the side the other end is not on */
        int other_right = isfinite(end[1 - s]) && end[1 - s] > b;
        tornado_end_label(gp, nlab, b, y, other_right ? INFINITY : -INFINITY,
                          num);
      }
    }
  }
}

/* The base line with its label, then the plot command. */
static void tornado_plot(const tornado_chart *T, FILE *gp, size_t nlab) {
  const char *base = T->c->base;
  fputs("set arrow 1 from first ", gp);
  plot_gp_num(gp, T->base_s);
  fputs(", graph 0 to first ", gp);
  plot_gp_num(gp, T->base_s);
  fputs(", graph 1 nohead lc rgb '#222222' lw 1.5 front\n", gp);
  tornado_ends(T, gp, &nlab);
  char basetxt[80];
  snprintf(basetxt, sizeof basetxt, "base: %.4g s", T->base_s);
  fprintf(gp, "set label %zu ", nlab++);
  plot_gp_str(gp, basetxt, 0);
  fputs(" at first ", gp);
  plot_gp_num(gp, T->base_s);
  fputs(", graph 1 left offset char 0.6,-0.8 font ',10' tc rgb '#222222' "
        "front\n",
        gp);
  plot_gp_key_below(gp, 3, NULL);
  plot_gp_loop_open(gp, base, T->w, T->h);
  fprintf(gp,
          "  plot '%s.dat' index 0 using (($2+$3)/2):1:($2<$3?$2:$3):"
          "($2<$3?$3:$2):($1-0.34):($1+0.34) with boxxyerror fs solid 0.85 "
          "noborder lc rgb '%s' title 'parameter at its low value', \\\n"
          "    '%s.dat' index 0 using (($2+$4)/2):1:($2<$4?$2:$4):"
          "($2<$4?$4:$2):($1-0.34):($1+0.34) with boxxyerror fs solid 0.85 "
          "noborder lc rgb '%s' title 'parameter at its high value', \\\n"
          "    keyentry with lines lc rgb '#222222' lw 1.5 title "
          "'base: every parameter at its base value'\n",
          base, TORNADO_LOW_COLOUR, base, TORNADO_HIGH_COLOUR);
  plot_gp_loop_close(gp);
}

static int write_tornado(FILE *gp, FILE *dat, const plot_data *d,
                         const plot_plan *p, const plot_chart *c,
                         ss_error *err) {
  (void)p;
  tornado_chart T;
  memset(&T, 0, sizeof T);
  T.d = d;
  T.c = c;
  if (tornado_rows(d, &T.rows, &T.n_all, err) != 0)
    return -1;
  T.n = T.n_all < TORNADO_MAX_ROWS ? T.n_all : TORNADO_MAX_ROWS;
  tornado_range(&T);
  tornado_data(&T, dat);
  tornado_head(&T, gp);
  tornado_names(&T, gp);
  tornado_plot(&T, gp, T.n + 1);
  free(T.rows);
  return 0;
}

/* ---- plan, caption, kind ------------------------------------------------ */

static int plan_tornado(plot_plan *p, const plot_data *d,
                        const plot_options *opt) {
  (void)opt;
  if (!d->has_sensitivity)
    return 0;
  char why[800];
  if (plot_tornado_possible(d, why, sizeof why))
    return plot_plan_add(p, PLOT_TORNADO, 0, 0, "tornado", 1);
  plot_plan_note(p, "sensitivity tornado chart skipped: %s", why);
  return 0;
}

static void caption_tornado(const plot_data *d, const plot_chart *c, char *buf,
                            size_t bufsize) {
  (void)d;
  (void)c;
  snprintf(buf, bufsize,
           "Sensitivity (tornado): the best latency (workload-weighted "
           "mean over the models) when one parameter moves to its low "
           "(blue) or high (orange) value, the others at their base "
           "values; largest effect on top. The numbers are in "
           "sensitivity.csv below.");
}

const plot_kind_ops plot_chart_tornado = {PLOT_TORNADO, "Sensitivity study",
                                          plan_tornado, caption_tornado,
                                          write_tornado};
