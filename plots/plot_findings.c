/* The report's headline: what was found, in sentences built from the tables
 * (breakpoints.csv, curves.csv, purchase.csv, sensitivity.csv). Each
 * function returns a new string (caller frees), or NULL when there is
 * nothing to say or no memory. */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_mem.h"

/* The first swept axis with two or more values: the one the decision rules
 * are stated along; -1 when none. */
long plot_decision_axis(const plot_data *d) {
  for (size_t a = 0; a < d->n_axes; a++)
    if (d->axes[a].n_values >= 2)
      return (long)a;
  return -1;
}

static double cell_num(const plot_table *t, size_t r, long c) {
  double v = NAN;
  if (c >= 0)
    plot_parse_cell(plot_table_get(t, r, (size_t)c), &v);
  return v;
}

/* The optimal placement of model m at the reference point along axis a
 * (from curves.csv, the row nearest the reference value). */
static const char *reference_place(const plot_data *d, size_t m, size_t a) {
  const plot_table *t = &d->curves;
  long cm = plot_table_col(t, SIM_COL_MODEL), ca = plot_table_col(t, "axis"),
       cv = plot_table_col(t, SIM_COL_VALUE),
       cp = plot_table_col(t, SIM_COL_PLACEMENT),
       co = plot_table_col(t, "optimal");
  if (!d->has_curves || cm < 0 || ca < 0 || cv < 0 || cp < 0 || co < 0)
    return NULL;
  const char *best = NULL;
  double dist = INFINITY;
  for (size_t r = 0; r < t->n_rows; r++) {
    if (strcmp(plot_table_get(t, r, (size_t)cm), d->models[m].name) != 0 ||
        strcmp(plot_table_get(t, r, (size_t)ca), d->axes[a].param) != 0 ||
        cell_num(t, r, co) != 1)
      continue;
    double x = fabs(cell_num(t, r, cv) - d->axes[a].ref);
    if (x < dist) {
      dist = x;
      best = plot_table_get(t, r, (size_t)cp);
    }
  }
  return best;
}

char *plot_rule_text(const plot_data *d, size_t m) {
  long a = plot_decision_axis(d);
  const plot_model *pm = &d->models[m];
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  if (!fp)
    return NULL;
  char lab[200], sp[512];
  if (a < 0) {
    const char *pl = pm->n_places ? pm->places[0] : "infeasible";
    plot_short_place(pl, sp, sizeof sp);
    fprintf(fp, "%s: %s", pm->name, sp);
    fclose(fp);
    return buf;
  }
  plot_param_label(d->axes[a].param, lab, sizeof lab);
  const plot_table *t = &d->breakpoints;
  long bm = plot_table_col(t, SIM_COL_MODEL), ba = plot_table_col(t, "axis"),
       bf = plot_table_col(t, "fixed"), bv = plot_table_col(t, SIM_COL_VALUE),
       bb = plot_table_col(t, "placement_before"),
       bA = plot_table_col(t, "placement_after");
  size_t n = 0;
  fprintf(fp, "%s, along %s:", pm->name, lab);
  if (d->has_breakpoints && bm >= 0 && ba >= 0 && bf >= 0 && bv >= 0 &&
      bb >= 0 && bA >= 0) {
    double prev = NAN;
    const char *after = NULL;
    for (size_t r = 0; r < t->n_rows; r++) {
      if (strcmp(plot_table_get(t, r, (size_t)bm), pm->name) != 0 ||
          strcmp(plot_table_get(t, r, (size_t)ba), d->axes[a].param) != 0 ||
          !plot_fixed_matches(d, plot_table_get(t, r, (size_t)bf), (size_t)a,
                              NULL))
        continue;
      double v = cell_num(t, r, bv);
      plot_short_place(plot_table_get(t, r, (size_t)bb), sp, sizeof sp);
      if (n == 0)
        fprintf(fp, " below %.4g %s", v, sp);
      else
        fprintf(fp, "; %.4g to %.4g %s", prev, v, sp);
      prev = v;
      after = plot_table_get(t, r, (size_t)bA);
      n++;
    }
    if (n) {
      plot_short_place(after, sp, sizeof sp);
      fprintf(fp, "; above %.4g %s", prev, sp);
    }
  }
  if (n == 0) {
    const char *pl = reference_place(d, m, (size_t)a);
    plot_short_place(pl ? pl : (pm->n_places ? pm->places[0] : "?"), sp,
                     sizeof sp);
    fprintf(fp, " %s all along", sp);
  }
  fclose(fp);
  return buf;
}

/* The purchase to recommend at the reference point: the highest gain per
 * total cost of ownership among the options that cut weighted latency by
 * 1% or more; -1 when none does. */
static long best_buy(const plot_table *t) {
  long cg = plot_table_col(t, "gain_pct"),
       cv = plot_table_col(t, "gain_per_tco");
  long best = -1;
  double bv = -INFINITY;
  for (size_t r = 1; r < t->n_rows; r++) {
    double g = cell_num(t, r, cg), v = cell_num(t, r, cv);
    if (!(g >= 1) || isnan(v))
      continue;
    if (v > bv) {
      bv = v;
      best = (long)r;
    }
  }
  return best;
}

char *plot_purchase_text(const plot_data *d) {
  const plot_table *t = &d->purchase;
  if (!d->has_purchase || plot_table_col(t, "gain_pct") < 0 || t->n_rows < 2)
    return NULL;
  long co = plot_table_col(t, SIM_COL_OPTION), cs = plot_table_col(t, "gain_s"),
       cg = plot_table_col(t, "gain_pct"), ct = plot_table_col(t, "tco"),
       cy = plot_table_col(t, "horizon_years"),
       cf = plot_table_col(t, "points_fastest"),
       cn = plot_table_col(t, "sweep_points"),
       cm = plot_table_col(t, "mean_gain_pct");
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  if (!fp)
    return NULL;
  long b = best_buy(t);
  if (b < 0) {
    fputs("Purchasing: no option cuts the weighted latency by 1% or more at "
          "the reference point; keep what you have.",
          fp);
  } else {
    fprintf(fp,
            "Purchasing: buy %s: %.3g%% lower weighted latency (%.3g s) at "
            "the reference point for a %g-year cost of ownership of %.6g.",
            plot_table_get(t, (size_t)b, (size_t)co),
            cell_num(t, (size_t)b, cg), cell_num(t, (size_t)b, cs),
            cell_num(t, 0, cy), cell_num(t, (size_t)b, ct));
  }
  /* across the sweep: the option fastest at the most points */
  long f = -1;
  double fn = -1;
  for (size_t r = 0; r < t->n_rows; r++)
    if (cell_num(t, r, cf) > fn) {
      fn = cell_num(t, r, cf);
      f = (long)r;
    }
  double np = cell_num(t, 0, cn);
  if (f >= 0 && np > 1)
    fprintf(fp,
            " Across the %g sweep points, %s is the fastest at %g (mean gain "
            "over the sweep %.3g%%).",
            np, plot_table_get(t, (size_t)f, (size_t)co), fn,
            cell_num(t, (size_t)f, cm));
  /* the largest what-if swing against the purchase */
  const plot_table *s = &d->sensitivity;
  long sp = plot_table_col(s, "parameter"), se = plot_table_col(s, "effect_s");
  if (d->has_sensitivity && sp >= 0 && se >= 0 && s->n_rows && b >= 0) {
    double e = cell_num(s, 0, se), g = cell_num(t, (size_t)b, cs);
    if (g > 0 && e > g)
      fprintf(fp,
              " The sensitivity study's swing of %s moves the weighted "
              "latency %.2g times more than that purchase.",
              plot_table_get(s, 0, (size_t)sp), e / g);
  }
  fclose(fp);
  return buf;
}
