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
  const size_t *rows;
  size_t n_rows = plot_rows_of(&d->curves_rows, m, &rows);
  for (size_t k = 0; k < n_rows; k++) {
    size_t r = rows[k];
    if (strcmp(plot_table_get(t, r, (size_t)ca), d->axes[a].param) != 0 ||
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

/* The unit of axis a's values, from its label ("Mbps" of "device-edge
 * bandwidth (Mbps)"); empty when there is none or it is not a unit. */
static void axis_unit(const plot_data *d, size_t a, char *buf, size_t size) {
  char lab[256];
  plot_param_label(d->axes[a].param, lab, sizeof lab);
  buf[0] = 0;
  char *open = strrchr(lab, '(');
  size_t n = strlen(lab);
  if (!open || n < 2 || lab[n - 1] != ')')
    return;
  lab[n - 1] = 0;
  if (strcmp(open + 1, "share") != 0 && strcmp(open + 1, "factor") != 0)
    snprintf(buf, size, " %s", open + 1);
}

/* "A below X u; B from X to Y u; C above Y u" from the breakpoints of
 * model m along axis a on the reference line; how many it found. */
static size_t rule_changes(FILE *fp, const plot_data *d, size_t m, size_t a) {
  const plot_model *pm = &d->models[m];
  const plot_table *t = &d->breakpoints;
  long bm = plot_table_col(t, SIM_COL_MODEL), ba = plot_table_col(t, "axis"),
       bf = plot_table_col(t, "fixed"), bv = plot_table_col(t, SIM_COL_VALUE),
       bb = plot_table_col(t, "placement_before"),
       bA = plot_table_col(t, "placement_after");
  if (!d->has_breakpoints || bm < 0 || ba < 0 || bf < 0 || bv < 0 || bb < 0 ||
      bA < 0)
    return 0;
  char unit[64], sp[512];
  axis_unit(d, a, unit, sizeof unit);
  double prev = NAN;
  const char *after = NULL;
  size_t n = 0;
  const size_t *rows;
  size_t n_rows = plot_rows_of(&d->breakpoints_rows, m, &rows);
  for (size_t k = 0; k < n_rows; k++) {
    size_t r = rows[k];
    if (strcmp(plot_table_get(t, r, (size_t)ba), d->axes[a].param) != 0 ||
        !plot_fixed_matches(d, plot_table_get(t, r, (size_t)bf), a, NULL))
      continue;
    double v = cell_num(t, r, bv);
    plot_place_brief(d, pm, plot_table_get(t, r, (size_t)bb), sp, sizeof sp);
    if (n == 0)
      fprintf(fp, " %s below %.4g%s", sp, v, unit);
    else
      fprintf(fp, "; %s from %.4g to %.4g%s", sp, prev, v, unit);
    prev = v;
    after = plot_table_get(t, r, (size_t)bA);
    n++;
  }
  if (n) {
    plot_place_brief(d, pm, after, sp, sizeof sp);
    fprintf(fp, "; %s above %.4g%s", sp, prev, unit);
  }
  return n;
}

char *plot_rule_text(const plot_data *d, size_t m) {
  long a = plot_decision_axis(d);
  const plot_model *pm = &d->models[m];
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  if (!fp)
    return NULL;
  char sp[512];
  fprintf(fp, "%s:", pm->name);
  if (a < 0) {
    const char *pl = pm->n_places ? pm->places[0] : "infeasible";
    plot_place_brief(d, pm, pl, sp, sizeof sp);
    fprintf(fp, " %s", sp);
  } else if (rule_changes(fp, d, m, (size_t)a) == 0) {
    const char *pl = reference_place(d, m, (size_t)a);
    plot_place_brief(d, pm, pl ? pl : (pm->n_places ? pm->places[0] : "?"), sp,
                     sizeof sp);
    fprintf(fp, " %s all along", sp);
  }
  if (fclose(fp) != 0) {
    free(buf);
    return NULL;
  }
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
  /* across the sweep: the purchase fastest at the most points (row 0 is
   * the baseline: what is owned today) */
  long f = -1;
  double fn = 0;
  for (size_t r = 1; r < t->n_rows; r++)
    if (cell_num(t, r, cf) > fn) {
      fn = cell_num(t, r, cf);
      f = (long)r;
    }
  double np = cell_num(t, 0, cn), nb = cell_num(t, 0, cf);
  if (np > 1 && nb > 0)
    fprintf(fp,
            " Across the %g sweep points, what you have is the fastest "
            "at %g",
            np, nb);
  else if (np > 1)
    fprintf(fp, " Across the %g sweep points", np);
  if (np > 1 && f >= 0)
    fprintf(fp, "%s %s is the fastest at %g (mean gain over the sweep %.3g%%).",
            nb > 0 ? "; of the purchases," : ",",
            plot_table_get(t, (size_t)f, (size_t)co), fn,
            cell_num(t, (size_t)f, cm));
  else if (np > 1)
    fputs(nb > 0 ? "; no purchase is ever faster." : ".", fp);
  fclose(fp);
  return buf;
}

/* "5", "1.4", "120": how many times one effect is another. */
static void times_text(double ratio, char *buf, size_t size) {
  if (ratio >= 10)
    snprintf(buf, size, "%.0f", ratio);
  else
    snprintf(buf, size, "%.2g", ratio);
}

/* The largest gain of any option set at the reference point (purchase.csv
 * gain_s); NaN without a purchasing study. */
static double best_purchase_gain(const plot_data *d) {
  const plot_table *t = &d->purchase;
  long cs = plot_table_col(t, "gain_s");
  double g = NAN;
  for (size_t r = 0; d->has_purchase && cs >= 0 && r < t->n_rows; r++) {
    double v = cell_num(t, r, cs);
    if (!isnan(v) && (isnan(g) || v > g))
      g = v;
  }
  return g;
}

char *plot_sensitivity_text(const plot_data *d) {
  const plot_table *s = &d->sensitivity;
  long sp = plot_table_col(s, SIM_COL_PARAMETER),
       se = plot_table_col(s, "effect_s"), sb = plot_table_col(s, SIM_COL_BASE),
       sl = plot_table_col(s, SIM_COL_LOW_VALUE),
       slo = plot_table_col(s, SIM_COL_BEST_LOW_S),
       shi = plot_table_col(s, SIM_COL_BEST_HIGH_S);
  if (!d->has_sensitivity || sp < 0 || se < 0 || sb < 0 || sl < 0 || slo < 0 ||
      shi < 0 || s->n_rows == 0)
    return NULL;
  /* rows are sorted by effect, largest first */
  double e0 = cell_num(s, 0, se), base = cell_num(s, 0, sb);
  double pct = base != 0 ? 100 * (1 - cell_num(s, 0, sl) / base) : NAN;
  size_t n_none = 0;
  for (size_t r = 0; r < s->n_rows; r++)
    n_none += cell_num(s, r, se) == 0;
  char lab[256];
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  if (!fp)
    return NULL;
  plot_param_label(plot_table_get(s, 0, (size_t)sp), lab, sizeof lab);
  if (!(e0 > 0)) {
    fprintf(fp,
            "Sensitivity: no parameter moved alone by \xC2\xB1"
            "%.3g%% changes the "
            "weighted best latency at the reference point.",
            pct);
  } else {
    fprintf(fp,
            "Sensitivity: the \xC2\xB1"
            "%.3g%% swing of %s moves the weighted best "
            "latency most, by %.3g s (%.3g s to %.3g s)",
            pct, lab, e0, cell_num(s, 0, slo), cell_num(s, 0, shi));
    char times[32];
    if (s->n_rows > 1 && cell_num(s, 1, se) > 0) {
      plot_param_label(plot_table_get(s, 1, (size_t)sp), lab, sizeof lab);
      times_text(e0 / cell_num(s, 1, se), times, sizeof times);
      fprintf(fp, ", %s times the next (%s, %.3g s)", times, lab,
              cell_num(s, 1, se));
    }
    double g = best_purchase_gain(d);
    times_text(e0 / g, times, sizeof times);
    if (g > 0)
      fprintf(fp, " and %s times the gain of any purchase (%.3g s)", times, g);
    else if (g == 0)
      fputs("; no purchase gains anything there", fp);
    fprintf(fp, "; %zu of %zu parameters do not move it.", n_none, s->n_rows);
  }
  if (fclose(fp) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* robust.csv's columns the robustness sentence reads. */
typedef struct robust_cols {
  long model, place, nominal, robust, p95, meet;
} robust_cols;

/* Rows of the nominal optimum and of the robust placement of the model
 * whose rows start at r0 (rows of one model are consecutive); the first
 * row of the next model. */
static size_t robust_pair(const plot_table *t, const robust_cols *c, size_t r0,
                          long *nom, long *rob) {
  const char *m = plot_table_get(t, r0, (size_t)c->model);
  size_t r = r0;
  *nom = *rob = -1;
  for (;
       r < t->n_rows && strcmp(plot_table_get(t, r, (size_t)c->model), m) == 0;
       r++) {
    if (cell_num(t, r, c->nominal) == 1)
      *nom = (long)r;
    if (cell_num(t, r, c->robust) == 1)
      *rob = (long)r;
  }
  return r;
}

/* "for vgg19 prefer X: p95 a s instead of b s, meets the deadline in p%
 * of samples instead of q%" */
static void robust_change(FILE *fp, const plot_data *d, const plot_table *t,
                          const robust_cols *c, long nom, long rob) {
  const char *mname = plot_table_get(t, (size_t)rob, (size_t)c->model);
  long mi = plot_model_index(d, mname);
  char sp[512];
  if (mi >= 0)
    plot_place_brief(d, &d->models[mi],
                     plot_table_get(t, (size_t)rob, (size_t)c->place), sp,
                     sizeof sp);
  else
    plot_short_place(plot_table_get(t, (size_t)rob, (size_t)c->place), sp,
                     sizeof sp);
  fprintf(fp, "for %s prefer %s: p95 %.3g s instead of %.3g s", mname, sp,
          cell_num(t, (size_t)rob, c->p95), cell_num(t, (size_t)nom, c->p95));
  double pm = cell_num(t, (size_t)rob, c->meet),
         pn = cell_num(t, (size_t)nom, c->meet);
  if (!isnan(pm) && !isnan(pn))
    fprintf(fp, ", meets the deadline in %.4g%% of samples instead of %.4g%%",
            100 * pm, 100 * pn);
}

char *plot_robust_text(const plot_data *d) {
  const plot_table *t = &d->robust;
  robust_cols c = {
      plot_table_col(t, SIM_COL_MODEL),   plot_table_col(t, SIM_COL_PLACEMENT),
      plot_table_col(t, "nominal_best"),  plot_table_col(t, "robust"),
      plot_table_col(t, "p95_latency_s"), plot_table_col(t, "p_meet_deadline")};
  if (!d->has_robust || c.model < 0 || c.place < 0 || c.nominal < 0 ||
      c.robust < 0 || c.p95 < 0 || t->n_rows == 0)
    return NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  if (!fp)
    return NULL;
  size_t n_models = 0, n_same = 0, n_shown = 0;
  fputs("Robustness: ", fp);
  for (size_t r = 0; r < t->n_rows;) {
    long nom, rob;
    r = robust_pair(t, &c, r, &nom, &rob);
    n_models++;
    if (nom < 0 || rob < 0 || nom == rob) {
      n_same += nom == rob && nom >= 0;
      continue;
    }
    if (n_shown < 3) {
      fputs(n_shown ? "; " : "", fp);
      robust_change(fp, d, t, &c, nom, rob);
    }
    n_shown++;
  }
  if (n_shown > 3)
    fprintf(fp, "; and %zu more models (robust.csv)", n_shown - 3);
  if (n_shown && n_same)
    fprintf(fp,
            ". For the other %zu of %zu models the optimum at the reference "
            "point is also the robust choice.",
            n_same, n_models);
  else if (n_shown)
    fputs(".", fp);
  else
    fprintf(fp,
            "keep the optimum at the reference point: it is also the most "
            "robust placement under the uncertainty for %s%zu %s.",
            n_same == n_models ? "all " : "", n_same,
            n_same == 1 ? "model" : "models");
  if (fclose(fp) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}
