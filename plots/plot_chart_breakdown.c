/* The per-block breakdown of the best placement of one model at the
 * chosen point: every block's time on its tier, and the transfers (needs
 * the profile store). */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_units.h"
#include "../profiles/import.h"
#include "../profiles/profile.h"

/* The profiled model of a used tier's system, or NULL. */
static const prof_model *
tier_model(const prof_set *set, const plot_tier_range *r, const char *model) {
  const prof_system *s = prof_set_find_system(set, r->system);
  return s ? prof_system_find_model(s, model) : NULL;
}

int plot_breakdown_possible(const plot_data *d, const prof_set *profiles,
                            size_t model, char *why, size_t whysize) {
  const plot_model *m = &d->models[model];
  const prof_set *set = profiles;
  why[0] = 0;
  if (!m->at.found || m->at.place < 0) {
    snprintf(why, whysize, "no feasible placement at point %zu", d->point);
    return 0;
  }
  plot_tier_range *r = plot_place_ranges(d, m, m->at.place);
  if (!r) {
    snprintf(why, whysize, "cannot read the placement text");
    return 0;
  }
  int ok = 1;
  for (size_t t = 0; t < d->n_tiers && ok; t++) {
    if (!r[t].used)
      continue;
    if (!tier_model(set, &r[t], m->name)) {
      snprintf(why, whysize,
               "the profile store has no model '%.60s' on "
               "system '%.60s'",
               m->name, r[t].system);
      ok = 0;
    }
  }
  plot_tier_ranges_free(r, d->n_tiers);
  return ok;
}

/* A transfer bar's label: where the bytes go (NaN bytes: the result). */
typedef struct tlabel {
  double x, y;
  size_t a, b;
  double bytes;
} tlabel;

/* Everything one breakdown chart is drawn from, step by step. */
typedef struct bd_chart {
  const plot_data *d;
  const plot_chart *c;
  const plot_model *m;
  const plot_best *bb;
  const prof_set *set;
  size_t nt;
  plot_tier_range *r;      /* per tier: system and layer range */
  double *scale;           /* per tier: engine time / profile time */
  double *sec_lo, *sec_hi; /* per tier: slot range, for the labels */
  tlabel *tl;              /* transfer and return bars */
  size_t n_tl;
  double slot, tmin, tmax, last_tic;
  char xt[8192]; /* the x tics */
  size_t xk;
  double ybot, ytop;
  int w; /* pixels */
} bd_chart;

static void bd_free(bd_chart *B) {
  free(B->scale);
  free(B->sec_lo);
  free(B->sec_hi);
  free(B->tl);
  plot_tier_ranges_free(B->r, B->nt);
}

/* Per-tier scale: the engine's compute time over the profile's sum (the
 * share of the machine, availability, is in the engine's number). */
static void bd_scales(bd_chart *B) {
  for (size_t t = 0; t < B->nt; t++) {
    B->scale[t] = 1;
    if (!B->r[t].used)
      continue;
    const prof_model *pm = tier_model(B->set, &B->r[t], B->m->name);
    double sum = 0;
    for (size_t k = 0; pm && k < pm->n_blocks; k++)
      if (pm->blocks[k].first_layer >= B->r[t].first &&
          pm->blocks[k].last_layer <= B->r[t].last)
        sum += pm->blocks[k].time_s;
    if (sum > 0 && isfinite(B->bb->compute_s[t]) && B->bb->compute_s[t] > 0)
      B->scale[t] = B->bb->compute_s[t] / sum;
  }
}

/* One bar of height v at the current slot, linetype lt. */
static void bd_bar(bd_chart *B, FILE *dat, double v, size_t lt) {
  plot_gp_num(dat, B->slot);
  fputc(' ', dat);
  plot_gp_num(dat, v);
  fputc(' ', dat);
  plot_gp_num(dat, B->slot - 0.4);
  fputc(' ', dat);
  plot_gp_num(dat, B->slot + 0.4);
  fputs(" 0 ", dat);
  plot_gp_num(dat, v);
  fprintf(dat, " %zu\n", lt);
  B->tmin = fmin(B->tmin, v);
  B->tmax = fmax(B->tmax, v);
}

/* The bars of tier t's blocks, with a tic now and then. */
static void bd_blocks(bd_chart *B, FILE *dat, size_t t) {
  const prof_model *pm = tier_model(B->set, &B->r[t], B->m->name);
  B->sec_lo[t] = B->slot - 0.5;
  size_t nb = 0;
  for (size_t k = 0; pm && k < pm->n_blocks; k++) {
    const prof_block *blk = &pm->blocks[k];
    if (blk->first_layer < B->r[t].first || blk->last_layer > B->r[t].last)
      continue;
    double tt = blk->time_s * B->scale[t];
    if (tt > 0 && isfinite(tt))
      bd_bar(B, dat, tt, t + 1);
    size_t every = pm->n_blocks > 60 ? 10 : pm->n_blocks > 25 ? 5 : 2;
    /* a tier's first block always gets a tic; a regular one is left out
     * when it would crowd the previous tic */
    if ((nb == 0 || (k % every == 0 && B->slot - B->last_tic >= 2)) &&
        B->xk + 40 < sizeof B->xt) {
      B->last_tic = B->slot;
      int n = snprintf(B->xt + B->xk, sizeof B->xt - B->xk, "%s'%zu' ",
                       B->xk ? ", " : "", k);
      B->xk += (size_t)n;
      char num[SS_DOUBLE_BUFSIZE];
      n = snprintf(B->xt + B->xk, sizeof B->xt - B->xk, "%s",
                   ss_fmt_double(num, B->slot));
      B->xk += (size_t)n;
    }
    nb++;
    B->slot += 1;
  }
  B->sec_hi[t] = B->slot - 0.5;
}

/* The data: per used tier the transfer into it, then its blocks; the
 * result's return last. */
static void bd_data(bd_chart *B, FILE *dat) {
  const plot_best *bb = B->bb;
  size_t nt = B->nt, prev = 0;
  fputs("# per-block breakdown: x y xlow xhigh ylow(=0, replaced in the "
        "script) yhigh linetype (tier number, then transfer, return); one "
        "row per block or transfer\n",
        dat);
  /* the raw input leaves tier 0 when tier 0 runs nothing */
  int have_prev = !B->r[0].used;
  for (size_t t = 0; t < nt; t++) {
    if (!B->r[t].used)
      continue;
    double tr = have_prev ? bb->transfer_s[prev * nt + t] : NAN;
    if (isfinite(tr) && tr > 0) { /* transfer prev -> t */
      bd_bar(B, dat, tr, nt + 1);
      B->tl[B->n_tl++] =
          (tlabel){B->slot, tr, prev, t, bb->bytes[prev * nt + t]};
      B->slot += 1;
    }
    bd_blocks(B, dat, t);
    prev = t;
    have_prev = 1;
  }
  if (isfinite(bb->return_s) && bb->return_s > 0) {
    bd_bar(B, dat, bb->return_s, nt + 2);
    B->tl[B->n_tl++] = (tlabel){B->slot, bb->return_s, prev, 0, NAN};
    B->slot += 1;
  }
  fputs("\n\n", dat);
}

/* Log y range with room for the rotated labels; the width in pixels. */
static void bd_ranges(bd_chart *B) {
  if (!isfinite(B->tmin)) {
    B->tmin = 1e-6;
    B->tmax = 1e-3;
  }
  B->ybot = pow(10, floor(log10(B->tmin / 1.5)));
  double ytop = B->tmax * 6;
  for (size_t i = 0; i < B->n_tl; i++) /* room for the rotated labels */
    ytop = fmax(ytop, B->tl[i].y * 1.3 * 40);
  B->ytop = pow(10, ceil(log10(ytop)));
  B->w = 900 + (int)(B->slot > 40 ? (B->slot - 40) * 10 : 0);
  if (B->w > 1800)
    B->w = 1800;
}

/* Title, tier colours, axes; returns the legend's entries. */
static size_t bd_script_head(const bd_chart *B, FILE *gp) {
  const plot_data *d = B->d;
  const plot_best *bb = B->bb;
  size_t nt = B->nt;
  char line1[512], line2[700], shortp[512], other[400], at[48] = "";
  plot_place_brief(d, B->m, B->m->places[bb->place], shortp, sizeof shortp);
  plot_other_axes_text(d, -1, -1, d->point_values, other, sizeof other);
  if (d->n_points > 1)
    snprintf(at, sizeof at, " at point %zu", d->point);
  snprintf(line1, sizeof line1,
           "%.*s: time per block of the best placement%s; latency %.4g s",
           PLOT_NAME_CHARS, B->m->name, at, bb->latency_s);
  snprintf(line2, sizeof line2, "%.*s", PLOT_PLACE_CHARS, shortp);
  if (other[0]) {
    size_t k = strlen(line2);
    snprintf(line2 + k, sizeof line2 - k, "\n%s", other);
  }
  plot_gp_begin_chart(gp, B->c, "per-block breakdown of the best placement");
  plot_gp_colours(gp, d);
  for (size_t t = 0; t < nt; t++)
    fprintf(gp, "set linetype %zu lc rgb '%s'\n", t + 1,
            plot_tier_colour(d->tiers[t], t));
  fprintf(gp, "set linetype %zu lc rgb '%s'\nset linetype %zu lc rgb '%s'\n",
          nt + 1, PLOT_TRANSFER_COLOUR, nt + 2, PLOT_RETURN_COLOUR);
  plot_gp_title(gp, "set title", line1, line2, B->w);
  fputs("set xlabel 'block (in model order; grey bars: transfers between "
        "tiers)'\nset ylabel 'time (s, log scale)'\n"
        "set logscale y\nset format y '%g'\n",
        gp);
  fprintf(gp, "YBOT = ");
  plot_gp_num(gp, B->ybot);
  fputs("\nset yrange [YBOT:", gp);
  plot_gp_num(gp, B->ytop);
  fputs("]\nset xrange [-0.8:", gp);
  plot_gp_num(gp, B->slot - 0.2);
  fprintf(gp, "]\nset xtics (%s) out nomirror font ',9'\n", B->xt);
  fputs("set ytics out nomirror\nset border 3\n"
        "set grid ytics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  size_t n_keys = B->n_tl ? 1 : 0;
  for (size_t t = 0; t < nt; t++)
    n_keys += B->r[t].used != 0;
  n_keys += isfinite(bb->return_s) && bb->return_s > 0;
  plot_gp_key_below(gp, n_keys, NULL);
  return n_keys;
}

/* Tier names over their bars (when they fit) and the transfer labels. */
static void bd_script_labels(const bd_chart *B, FILE *gp) {
  const plot_data *d = B->d;
  size_t nlab = 1;
  for (size_t t = 0; t < B->nt; t++) {
    if (!B->r[t].used)
      continue;
    char txt[400];
    snprintf(txt, sizeof txt, "%s: %.*s", d->tiers[t], PLOT_NAME_CHARS,
             B->r[t].system);
    /* only when it fits over the tier's bars (about 7 px a character;
     * the legend names every tier anyway) */
    double px_per_slot = (double)(B->w - 170) / (B->slot + 0.6);
    if ((double)strlen(txt) * 7.0 > (B->sec_hi[t] - B->sec_lo[t]) * px_per_slot)
      continue;
    fprintf(gp, "set label %zu ", nlab++);
    plot_gp_str(gp, txt, 0);
    fputs(" at first ", gp);
    plot_gp_num(gp, 0.5 * (B->sec_lo[t] + B->sec_hi[t]));
    fprintf(gp, ", graph 0.96 center tc rgb '%s' font ',11' boxed front\n",
            plot_tier_colour(d->tiers[t], t));
  }
  for (size_t i = 0; i < B->n_tl; i++) {
    const tlabel *l = &B->tl[i];
    char txt[700];
    if (isnan(l->bytes))
      snprintf(txt, sizeof txt, "result back to %s", d->tiers[0]);
    else
      snprintf(txt, sizeof txt, "to %s: %.3g MB", d->tiers[l->b],
               ss_bytes_to_mb(l->bytes));
    fprintf(gp, "set label %zu ", nlab++);
    plot_gp_str(gp, txt, 80);
    fputs(" at first ", gp);
    plot_gp_num(gp, l->x);
    fputs(", first ", gp);
    plot_gp_num(gp, l->y * 1.3);
    fputs(" rotate by 90 left font ',9' tc rgb '#404040' front\n", gp);
  }
}

/* The plot command: the bars, then a legend entry per tier and kind. */
static void bd_script_plot(const bd_chart *B, FILE *gp, size_t n_keys) {
  const char *base = B->c->base;
  size_t nt = B->nt;
  plot_gp_output_open(gp, B->c, B->w, 600 + 22 * (int)n_keys);
  fprintf(gp,
          "  plot '%s.dat' index 0 using 1:2:3:4:(YBOT):6:7 with boxxyerror "
          "fs solid 0.9 noborder lc variable notitle",
          base);
  for (size_t t = 0; t < nt; t++) {
    if (!B->r[t].used)
      continue;
    char txt[400];
    snprintf(txt, sizeof txt, "%s compute (%.*s)", B->d->tiers[t],
             PLOT_NAME_CHARS, B->r[t].system);
    fprintf(gp, ", \\\n    keyentry with boxes fs solid 0.9 lt %zu title ",
            t + 1);
    plot_gp_str(gp, txt, 0);
  }
  if (B->n_tl)
    fprintf(gp,
            ", \\\n    keyentry with boxes fs solid 0.9 lt %zu title "
            "'transfer (link latency + bytes / bandwidth)'",
            nt + 1);
  if (isfinite(B->bb->return_s) && B->bb->return_s > 0)
    fprintf(gp,
            ", \\\n    keyentry with boxes fs solid 0.9 lt %zu title "
            "'result download'",
            nt + 2);
  fputc('\n', gp);
  plot_gp_output_close(gp, B->c);
}

/* Scales, data, ranges, then the script. */
static int write_breakdown(FILE *gp, FILE *dat, const plot_data *d,
                           const plot_plan *p, const plot_chart *c,
                           ss_error *err) {
  bd_chart B;
  memset(&B, 0, sizeof B);
  B.d = d;
  B.c = c;
  B.m = &d->models[c->model];
  B.bb = &B.m->at;
  B.set = p->profiles;
  B.nt = d->n_tiers;
  B.tmin = INFINITY;
  B.last_tic = -10;
  if (!(B.r = plot_place_ranges(d, B.m, B.bb->place)))
    return ss_error_set(err, d->charts, c->base,
                        "cannot read the placement text of model %s",
                        B.m->name);
  B.scale = calloc(B.nt + 1, sizeof *B.scale);
  B.sec_lo = calloc(B.nt + 1, sizeof *B.sec_lo);
  B.sec_hi = calloc(B.nt + 1, sizeof *B.sec_hi);
  B.tl = calloc(B.nt + 2, sizeof *B.tl);
  int rc = 0;
  if (!B.scale || !B.sec_lo || !B.sec_hi || !B.tl) {
    rc = ss_error_oom(err, d->charts, c->base);
  } else {
    bd_scales(&B);
    bd_data(&B, dat);
    bd_ranges(&B);
    size_t n_keys = bd_script_head(&B, gp);
    bd_script_labels(&B, gp);
    bd_script_plot(&B, gp, n_keys);
  }
  bd_free(&B);
  return rc;
}

/* ---- plan, caption, kind ------------------------------------------------ */

/* Load the profile store the breakdowns need into p->profiles; when it
 * cannot be had, why (for the note). */
static void load_store(plot_plan *p, const plot_data *d,
                       const plot_options *opt, char *why, size_t size) {
  const char *store = opt && opt->profiles ? opt->profiles : d->profiles;
  int any_feasible = 0;
  for (size_t i = 0; i < d->n_models; i++)
    any_feasible |= d->models[i].at.found && d->models[i].at.place >= 0;
  why[0] = 0;
  if (any_feasible && opt && opt->profile_set) { /* splitsim run's own */
    p->profiles = (prof_set *)opt->profile_set;
    p->profiles_borrowed = 1;
  } else if (any_feasible && store) { /* (plot_data_load found the point) */
    prof_set *set = NULL;
    ss_error perr;
    ss_error_clear(&perr);
    int rc = prof_load_path(store, &set, &perr);
    if (plot_cancelled()) { /* the store read cannot stop midway */
      prof_set_free(set);
    } else if (rc == 0) {
      p->profiles = set;
    } else {
      char msg[1900];
      ss_error_format(&perr, msg, sizeof msg);
      snprintf(why, size, "cannot read the profile store: %.1000s", msg);
    }
  } else if (any_feasible) {
    snprintf(why, size, "%s",
             d->profiles_embedded
                 ? "the scenario uses the embedded default profile "
                   "store; give its path with `splitsim plot "
                   "--profiles PATH`"
                 : "the profile store is not known (no "
                   "scenario.resolved.yaml); give it with "
                   "`splitsim plot --profiles PATH`");
  }
}

static int plan_breakdown(plot_plan *p, const plot_data *d,
                          const plot_options *opt) {
  char why_store[1200];
  load_store(p, d, opt, why_store, sizeof why_store);
  int noted_store = 0, width = plot_index_width(d);
  char base[160];
  for (size_t i = 0; d->point_found && i < d->n_models; i++) {
    const plot_model *m = &d->models[i];
    char why[400] = "";
    snprintf(base, sizeof base, "breakdown-%0*zu-%s", width, i + 1, m->slug);
    int ok = 0;
    if (!m->at.found || m->at.place < 0)
      continue; /* nothing to break down; the comparison says infeasible */
    if (p->profiles)
      ok = plot_breakdown_possible(d, p->profiles, i, why, sizeof why);
    if (ok) {
      if (plot_plan_add(p, PLOT_BREAKDOWN, i, 0, base, 1) != 0)
        return -1;
    } else if (opt && opt->keep_scripts && plot_chart_files_exist(d, base)) {
      if (plot_plan_add(p, PLOT_BREAKDOWN, i, 0, base, 0) != 0)
        return -1;
    } else if (!p->profiles) {
      if (!noted_store)
        plot_plan_note(p, "per-block breakdown charts skipped: %s",
                       why_store[0] ? why_store : "no profile store");
      noted_store = 1;
    } else {
      plot_plan_note(p, "per-block breakdown of model %.60s skipped: %s",
                     m->name, why);
    }
  }
  return 0;
}

static void caption_breakdown(const plot_data *d, const plot_chart *c,
                              char *buf, size_t bufsize) {
  char at[48] = "";
  if (d->n_points > 1)
    snprintf(at, sizeof at, " at point %zu", d->point);
  snprintf(buf, bufsize,
           "%.80s: time of every block of the best placement%s, "
           "coloured by tier, with the transfers between tiers (log time "
           "axis).",
           d->models[c->model].name, at);
}

const plot_kind_ops plot_chart_breakdown = {
    PLOT_BREAKDOWN, "Per-block breakdown of the best placement", plan_breakdown,
    caption_breakdown, write_breakdown};
