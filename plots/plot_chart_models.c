/* The model comparison at the chosen point: best latency of every model,
 * split into compute per tier and transfer. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Everything the comparison is drawn from. */
typedef struct models_chart {
  const plot_data *d;
  const plot_chart *c;
  size_t nt, nm, ncomp; /* components: tiers, transfers, result download */
  double *tot;          /* per component: total over the models */
  double *comp;         /* scratch: one model's components */
  double lmin, lmax;    /* latency range */
  size_t maxname;       /* longest name shown */
} models_chart;

/* One model's row: y, latency, then each component's share as from% to%
 * (stacked). */
static void models_row(models_chart *M, FILE *dat, size_t i) {
  const plot_best *b = &M->d->models[i].at;
  size_t nt = M->nt;
  double sum = 0, tr = 0;
  for (size_t t = 0; t < nt; t++) {
    M->comp[t] = isfinite(b->compute_s[t]) ? b->compute_s[t] : 0;
    sum += M->comp[t];
  }
  for (size_t k = 0; k < nt * nt; k++)
    if (isfinite(b->transfer_s[k]))
      tr += b->transfer_s[k];
  M->comp[nt] = tr;
  M->comp[nt + 1] = isfinite(b->return_s) ? b->return_s : 0;
  sum += tr + M->comp[nt + 1];
  plot_gp_num(dat, (double)(M->nm - 1 - i));
  fputc(' ', dat);
  plot_gp_num(dat, b->latency_s);
  double acc = 0;
  for (size_t k = 0; k < M->ncomp; k++) {
    double share = sum > 0 ? 100.0 * M->comp[k] / sum : 0;
    fputc(' ', dat);
    plot_gp_num(dat, acc);
    fputc(' ', dat);
    acc += share;
    plot_gp_num(dat, acc);
    M->tot[k] += M->comp[k];
  }
  fputc('\n', dat);
  M->lmin = fmin(M->lmin, b->latency_s);
  M->lmax = fmax(M->lmax, b->latency_s);
}

static void models_data(models_chart *M, FILE *dat) {
  fputs("# model comparison: y latency_s, then for each component (tiers in "
        "order, transfers, result download) its share of the latency as "
        "from% to% (stacked)\n",
        dat);
  for (size_t i = 0; i < M->nm; i++) {
    const plot_model *m = &M->d->models[i];
    size_t len = strlen(m->name);
    if (len > M->maxname)
      M->maxname = len > PLOT_NAME_CHARS ? PLOT_NAME_CHARS : len;
    if (!m->at.found || m->at.place < 0 || !(m->at.latency_s > 0))
      continue;
    models_row(M, dat, i);
  }
  fputs("\n\n", dat);
  if (!isfinite(M->lmin)) {
    M->lmin = 1e-3;
    M->lmax = 1;
  }
}

/* The left panel: model names and latency bars (log scale). */
static void models_left(const models_chart *M, FILE *gp, int h) {
  const plot_data *d = M->d;
  size_t nm = M->nm;
  double xlo = pow(10, floor(log10(M->lmin)));
  /* room right of the longest bar for its " 0.123 s" label */
  double xhi = pow(10, ceil(log10(M->lmax * 3)));
  plot_gp_num(gp, xlo);
  fputc('\n', gp);
  plot_gp_loop_open(gp, M->c->base, 1150, h);
  fputs("  set multiplot title TITLE\n"
        "  set tmargin at screen T; set bmargin at screen B\n"
        "  set lmargin at screen L0; set rmargin at screen L1\n"
        "  set logscale x; set format x '%g'\n",
        gp);
  fputs("  set xrange [", gp);
  plot_gp_num(gp, xlo);
  fputc(':', gp);
  plot_gp_num(gp, xhi);
  fputs("]\n  set xlabel 'best end-to-end latency (s, log scale)'\n"
        "  set grid xtics lc rgb '#E6E6E6' lw 1 dt solid\n"
        "  unset key\n",
        gp);
  /* model names left of the bars (left panel only). Labels, not tic
   * labels: gnuplot reads a tic label as a format for the tic's value and
   * cuts the result at about 50 bytes when it holds a '%'. */
  fprintf(gp, "  set ytics 0,1,%zu format '' scale 0.6\n", nm ? nm - 1 : 0);
  for (size_t i = 0; i < nm; i++) {
    const plot_model *m = &d->models[i];
    char txt[300];
    snprintf(txt, sizeof txt, "%.*s%s", PLOT_NAME_CHARS, m->name,
             (m->at.found && m->at.place >= 0) ? "" : " (infeasible)");
    fprintf(gp, "  set label %zu ", i + 1);
    plot_gp_str(gp, txt, 0);
    fprintf(gp, " at graph 0, first %zu right offset char -1,0\n", nm - 1 - i);
  }
  fputs("  plot '", gp);
  fprintf(gp,
          "%s.dat' index 0 using 2:1:(%s):2:($1-0.36):($1+0.36) with "
          "boxxyerror fs solid 0.85 noborder lc rgb '#5A5A5A' notitle, \\\n"
          "    '' index 0 using 2:1:(sprintf(' %%.3g s', $2)) with labels "
          "left font ',9' notitle\n",
          M->c->base, "XLOW");
}

/* The right panel: each component's share, stacked, with a legend. */
static void models_right(const models_chart *M, FILE *gp) {
  const plot_data *d = M->d;
  size_t nt = M->nt;
  fputs("  set lmargin at screen R0; set rmargin at screen R1\n"
        "  unset logscale x; set format x '%g'; set xrange [0:100]\n"
        "  set xlabel 'share of the latency (%)'\n"
        "  unset ytics; unset label\n"
        "  set key at screen R0, screen 8.0/H left bottom horizontal "
        "Left reverse maxrows 1 samplen 1.5 width 1\n",
        gp);
  fputs("  plot \\\n", gp);
  int first = 1;
  for (size_t k = 0; k < M->ncomp; k++) {
    if (k >= nt && !(M->tot[k] > 0))
      continue;
    char txt[300];
    const char *colour;
    if (k < nt) {
      snprintf(txt, sizeof txt, "%s compute", d->tiers[k]);
      colour = plot_tier_colour(d->tiers[k], k);
    } else if (k == nt) {
      snprintf(txt, sizeof txt, "transfers");
      colour = PLOT_TRANSFER_COLOUR;
    } else {
      snprintf(txt, sizeof txt, "result download");
      colour = PLOT_RETURN_COLOUR;
    }
    fprintf(gp,
            "%s    '%s.dat' index 0 using (($%zu+$%zu)/2):1:%zu:%zu:($1-0.36):"
            "($1+0.36) with boxxyerror fs solid 0.9 noborder lc rgb '%s' "
            "title ",
            first ? "" : ", \\\n", M->c->base, 3 + 2 * k, 4 + 2 * k, 3 + 2 * k,
            4 + 2 * k, colour);
    plot_gp_str(gp, txt, 60);
    first = 0;
  }
  fputs("\n  unset multiplot\n", gp);
}

/* The script: title and layout, then the two panels. */
static void models_script(const models_chart *M, FILE *gp) {
  const plot_data *d = M->d;
  char line1[400], other[400], at[48] = "";
  plot_other_axes_text(d, -1, -1, d->point_values, other, sizeof other);
  if (d->n_points > 1)
    snprintf(at, sizeof at, " at point %zu", d->point);
  snprintf(line1, sizeof line1,
           "Best placement per model%s: latency and where it goes", at);
  plot_gp_begin(gp, M->c->base, "model comparison at one sweep point");
  plot_gp_colours(gp, d);
  int tlines = plot_gp_title(gp, "TITLE =", line1, other, 1150);
  int top = 39 + 18 * tlines; /* pixels above the panels for the title */
  double left = 0.03 + 0.0068 * (double)(M->maxname + 2);
  if (left > 0.34)
    left = 0.34;
  int h = 174 + top + 30 * (int)M->nm;
  if (h < 430)
    h = 430;
  fprintf(gp,
          "set yrange [-0.6:%zu-0.4]\nset border 3\nset tics out nomirror\n"
          "L0 = %.3f; L1 = L0 + 0.26; R0 = L1 + 0.05; R1 = 0.97\n"
          "T = 1 - %d.0/%d; B = 120.0/%d\nXLOW = ",
          M->nm, left, top, h, h);
  models_left(M, gp, h);
  models_right(M, gp);
  plot_gp_loop_close(gp);
}

static int write_models(FILE *gp, FILE *dat, const plot_data *d,
                        const plot_plan *p, const plot_chart *c,
                        ss_error *err) {
  (void)p;
  models_chart M;
  memset(&M, 0, sizeof M);
  M.d = d;
  M.c = c;
  M.nt = d->n_tiers;
  M.nm = d->n_models;
  M.ncomp = M.nt + 2;
  M.lmin = INFINITY;
  M.maxname = 4;
  M.tot = calloc(M.ncomp, sizeof *M.tot);
  M.comp = calloc(M.ncomp, sizeof *M.comp);
  int rc = 0;
  if (!M.tot || !M.comp) {
    rc = ss_error_oom(err, d->charts, c->base);
  } else {
    models_data(&M, dat);
    models_script(&M, gp);
  }
  free(M.tot);
  free(M.comp);
  return rc;
}

/* ---- plan, caption, kind ------------------------------------------------ */

/* The comparison first: the overview. */
static int plan_models(plot_plan *p, const plot_data *d,
                       const plot_options *opt) {
  (void)opt;
  if (d->point_found && plot_plan_add(p, PLOT_MODELS, 0, 0, "models", 1) != 0)
    return -1;
  return 0;
}

static void caption_models(const plot_data *d, const plot_chart *c, char *buf,
                           size_t bufsize) {
  (void)c;
  char at[48] = "";
  if (d->n_points > 1)
    snprintf(at, sizeof at, " at point %zu", d->point);
  snprintf(buf, bufsize,
           "Every model%s: the best end-to-end latency and the share of "
           "it spent computing on each tier and transferring.",
           at);
}

const plot_kind_ops plot_chart_models = {
    PLOT_MODELS, "Model comparison", plan_models, caption_models, write_models};
