/* sim_calibrate: read validation.csv and fit the link parameters (see
 * sim_calibrate.h). */
#include "sim_calibrate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"
#include "../common/ss_mem.h"
#include "../common/ss_yaml.h"
#include "../solver/solver.h"
#include "sim_problem.h"

const char *const sim_val_required_columns[] = {"model",
                                                "cut_block",
                                                "bytes",
                                                "bandwidth_mbps",
                                                "latency_ms",
                                                "predicted_s",
                                                "measured_s",
                                                "predicted_device_s",
                                                "predicted_edge_s",
                                                NULL};

enum {
  COL_MODEL,
  COL_CUT,
  COL_BYTES,
  COL_BW,
  COL_LAT,
  COL_PRED,
  COL_MEAS,
  COL_DEV,
  COL_EDGE,
  N_COLS
};

/* ---- reading ---- */

/* Where the columns are in the header. */
typedef struct val_cols {
  int idx[N_COLS];
  long device_system, edge_system; /* optional: -1 when absent */
  size_t n;                        /* fields of the header */
} val_cols;

static long column_of(const ss_csv_reader *r, const char *name) {
  long at = -1;
  for (size_t i = 0; i < r->n_fields; i++)
    if (strcmp(r->fields[i].text, name) == 0)
      at = (long)i;
  return at;
}

static int find_columns(const ss_csv_reader *r, val_cols *c, ss_error *err) {
  c->n = r->n_fields;
  c->device_system = column_of(r, "device_system");
  c->edge_system = column_of(r, "edge_system");
  for (int i = 0; i < N_COLS; i++) {
    long at = column_of(r, sim_val_required_columns[i]);
    if (at < 0)
      return ss_error_line(err, SS_ERR_FORMAT, r->path, 1,
                           "missing column '%s' (a validation.csv from "
                           "tools/splitsim-validate has it)",
                           sim_val_required_columns[i]);
    c->idx[i] = (int)at;
  }
  return 0;
}

static int row_number(const char *text, const char *path, long line,
                      const char *name, double lo, int strict, double *out,
                      ss_error *err) {
  double v;
  if (ss_parse_double(text, &v) != 0)
    return ss_error_line(err, SS_ERR_FORMAT, path, line,
                         "column '%s': not a finite number: '%s'", name, text);
  if (v < lo || (strict && v == lo)) {
    char what[64];
    snprintf(what, sizeof what, "%s %g, found %s",
             strict ? "must be above" : "must be at least", lo, text);
    return ss_error_line(err, SS_ERR_FORMAT, path, line, "column '%s': %s",
                         name, what);
  }
  *out = v;
  return 0;
}

static int parse_row(const ss_csv_reader *rd, const val_cols *c, sim_val_row *r,
                     ss_error *err) {
  const char *const *nm = sim_val_required_columns;
  const char *path = rd->path;
  long line = rd->rec_line;
  const ss_csv_cell *cell = rd->fields;
  const int *idx = c->idx;
  r->line = line;
  const char *model = cell[idx[COL_MODEL]].text;
  if (!model[0])
    return ss_error_line(err, SS_ERR_FORMAT, path, line, "column '%s': empty",
                         nm[COL_MODEL]);
  double cut;
  struct {
    int col;
    double lo;
    int strict;
    double *out;
  } f[] = {{COL_CUT, 0, 0, &cut},
           {COL_BYTES, 0, 0, &r->bytes},
           {COL_BW, 0, 1, &r->bandwidth_mbps},
           {COL_LAT, 0, 0, &r->latency_ms},
           {COL_PRED, 0, 1, &r->predicted_s},
           {COL_MEAS, 0, 1, &r->measured_s},
           {COL_DEV, 0, 0, &r->device_s},
           {COL_EDGE, 0, 0, &r->edge_s}};
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (row_number(cell[idx[f[i].col]].text, path, line, nm[f[i].col], f[i].lo,
                   f[i].strict, f[i].out, err) != 0)
      return -1;
  if (cut != floor(cut) || cut > 1e9)
    return ss_error_line(err, SS_ERR_FORMAT, path, line,
                         "column '%s': not a block number: '%s'", nm[COL_CUT],
                         cell[idx[COL_CUT]].text);
  r->cut_block = (long)cut;
  if (!(r->model = ss_strdup(model))) /* last: nothing to free on failure */
    return ss_error_oom(err, path, NULL);
  return 0;
}

static int add_row(sim_val_data *d, size_t *cap, ss_error *err,
                   const char *path) {
  if (ss_grow((void **)&d->rows, cap, d->n + 1, sizeof *d->rows, 64) != 0)
    return ss_error_oom(err, path, NULL);
  return 0;
}

/* The optional system-name column col of the first row into *out (NULL
 * when absent or empty); -1 when out of memory. */
static int keep_system(const ss_csv_reader *r, long col, char **out) {
  if (col < 0 || !r->fields[col].text[0])
    return 0;
  return (*out = ss_strdup(r->fields[col].text)) ? 0 : -1;
}

static int parse_rows(ss_csv_reader *r, const val_cols *c, sim_val_data *out,
                      ss_error *err) {
  size_t cap = 0;
  int got;
  while ((got = ss_csv_next(r, err)) == 1) {
    if (ss_csv_check_width(r, c->n, err) != 0)
      return -1;
    if (add_row(out, &cap, err, r->path) != 0)
      return -1;
    if (parse_row(r, c, &out->rows[out->n], err) != 0)
      return -1;
    if (out->n++ == 0 &&
        (keep_system(r, c->device_system, &out->device_system) != 0 ||
         keep_system(r, c->edge_system, &out->edge_system) != 0))
      return ss_error_oom(err, r->path, NULL);
  }
  if (got < 0)
    return -1;
  if (out->n < 3) /* at the last line of the file */
    return ss_error_line(err, SS_ERR_FORMAT, r->path, r->line - 1,
                         "%s; calibrate needs at least 3 rows",
                         out->n == 0   ? "no rows after the header"
                         : out->n == 1 ? "only one row"
                                       : "only two rows");
  return 0;
}

int sim_val_parse(const char *path, const char *text, size_t len,
                  sim_val_data *out, ss_error *err) {
  memset(out, 0, sizeof *out);
  ss_csv_reader r;
  val_cols c;
  if (ss_csv_open_text(&r, path, text, len, err) != 0)
    return -1;
  int rc = ss_csv_next(&r, err);
  if (rc == 0)
    rc = ss_error_line(err, SS_ERR_FORMAT, path, 1,
                       "empty file: expected the header of a validation.csv "
                       "(tools/splitsim-validate)");
  else if (rc == 1 && find_columns(&r, &c, err) == 0)
    rc = parse_rows(&r, &c, out, err);
  else
    rc = -1;
  ss_csv_close(&r);
  if (rc != 0)
    sim_val_free(out);
  return rc;
}

int sim_val_read(const char *path, sim_val_data *out, ss_error *err) {
  memset(out, 0, sizeof *out);
  size_t len = 0;
  char *text = ss_read_file(path, SIM_VALIDATION_MAX_BYTES, &len, err);
  if (!text)
    return -1;
  int rc = sim_val_parse(path, text, len, out, err);
  free(text);
  return rc;
}

void sim_val_free(sim_val_data *d) {
  if (!d)
    return;
  for (size_t i = 0; d->rows && i < d->n; i++)
    free(d->rows[i].model);
  free(d->rows);
  free(d->device_system);
  free(d->edge_system);
  memset(d, 0, sizeof *d);
}

/* ---- the fit ---- */

/* The link of a row with the given parameters, through the one cost
 * model (sim_link_cost). */
static solver_link link_of(const sim_val_row *r, double efficiency,
                           double overhead_ms) {
  sim_link_spec l = sim_link_unset();
  l.latency_ms = r->latency_ms;
  l.bandwidth_mbps = r->bandwidth_mbps;
  l.efficiency = efficiency;
  l.overhead_ms = overhead_ms;
  return sim_link_cost(&l, 0);
}

static double hop_s(const sim_val_row *r, double efficiency,
                    double overhead_ms) {
  solver_link l = link_of(r, efficiency, overhead_ms);
  return solver_hop_s(&l, r->bytes);
}

double sim_calibrated_s(const sim_val_row *r, const sim_calibration *c) {
  return c->device_scale * r->device_s + c->edge_scale * r->edge_s +
         hop_s(r, c->efficiency, c->overhead_ms);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void sim_val_errors(const sim_val_data *d, const double *predicted,
                    double *median, double *max) {
  *median = *max = NAN;
  double *e = malloc((d->n ? d->n : 1) * sizeof *e);
  if (!e || d->n == 0) {
    free(e);
    return;
  }
  for (size_t i = 0; i < d->n; i++) {
    double p = predicted ? predicted[i] : d->rows[i].predicted_s;
    e[i] = fabs(p / d->rows[i].measured_s - 1.0);
  }
  qsort(e, d->n, sizeof *e, cmp_double);
  size_t m = d->n / 2;
  *median = d->n % 2 ? e[m] : 0.5 * (e[m - 1] + e[m]);
  *max = e[d->n - 1];
  free(e);
}

/* Every row's predicted_s must be its compute plus its hop: a row that is
 * not what splitsim predicted would make "before" meaningless. */
static int check_rows(const sim_val_data *d, const char *path, ss_error *err) {
  for (size_t i = 0; i < d->n; i++) {
    const sim_val_row *r = &d->rows[i];
    double want = r->device_s + r->edge_s + hop_s(r, 1.0, 0.0);
    if (fabs(want / r->predicted_s - 1.0) > 1e-5)
      return ss_error_line(err, SS_ERR_FORMAT, path, r->line,
                           "predicted_s %.9g is not predicted_device_s + "
                           "predicted_edge_s + latency + bytes / bandwidth "
                           "(%.9g)",
                           r->predicted_s, want);
  }
  return 0;
}

/* Weighted linear least squares of y on the columns of X (GSL). */
static int wls(const gsl_matrix *X, const gsl_vector *y, const gsl_vector *w,
               gsl_vector *c, double *chisq) {
  gsl_matrix *cov = gsl_matrix_alloc(X->size2, X->size2);
  gsl_multifit_linear_workspace *ws =
      gsl_multifit_linear_alloc(X->size1, X->size2);
  int rc = -1;
  if (cov && ws)
    rc = gsl_multifit_wlinear(X, w, y, c, cov, chisq, ws) == GSL_SUCCESS ? 0
                                                                         : -1;
  gsl_multifit_linear_free(ws);
  gsl_matrix_free(cov);
  return rc;
}

/* The fit's parameters, in this order; each multiplies one column. */
enum { P_INV_EFF, P_OVERHEAD_S, P_DEVICE, P_EDGE, N_PARAMS };

/* Column `k` of row r: what parameter k multiplies. */
static double column(const sim_val_row *r, int k) {
  solver_link nominal = link_of(r, 1.0, 0.0);
  switch (k) {
  case P_INV_EFF: /* bytes / nominal rate */
    return solver_hop_s(&nominal, r->bytes) - nominal.latency_s;
  case P_OVERHEAD_S:
    return 1.0;
  case P_DEVICE:
    return r->device_s;
  default:
    return r->edge_s;
  }
}

/* One weighted fit of the free parameters (free[k]); the fixed ones keep
 * val[k]. Rows are weighted by 1 / measured^2 (relative error). val gets
 * the fitted values. */
static int fit_free(const sim_val_data *d, const int *free_p, double *val,
                    double *chisq) {
  size_t n = d->n, p = 0;
  int map[N_PARAMS];
  for (int k = 0; k < N_PARAMS; k++)
    map[k] = free_p[k] ? (int)p++ : -1;
  gsl_matrix *X = gsl_matrix_alloc(n, p);
  gsl_vector *y = gsl_vector_alloc(n), *w = gsl_vector_alloc(n);
  gsl_vector *c = gsl_vector_alloc(p);
  int rc = -1;
  if (X && y && w && c) {
    for (size_t i = 0; i < n; i++) {
      const sim_val_row *r = &d->rows[i];
      solver_link nominal = link_of(r, 1.0, 0.0);
      double yi = r->measured_s - nominal.latency_s;
      for (int k = 0; k < N_PARAMS; k++) {
        if (map[k] >= 0)
          gsl_matrix_set(X, i, (size_t)map[k], column(r, k));
        else
          yi -= val[k] * column(r, k);
      }
      gsl_vector_set(y, i, yi);
      gsl_vector_set(w, i, 1.0 / (r->measured_s * r->measured_s));
    }
    rc = wls(X, y, w, c, chisq);
    for (int k = 0; rc == 0 && k < N_PARAMS; k++)
      if (map[k] >= 0)
        val[k] = gsl_vector_get(c, (size_t)map[k]);
  }
  gsl_vector_free(c);
  gsl_vector_free(w);
  gsl_vector_free(y);
  gsl_matrix_free(X);
  return rc;
}

/* Fit with bounds: overhead >= 0 and compute scales >= 1 (the scenario
 * expresses a slower compute as availability 1 / scale <= 1). A parameter
 * that leaves its bound is fixed there and the rest fitted again. */
static int fit_bounded(const sim_val_data *d, int fit_compute,
                       sim_calibration *out) {
  int free_p[N_PARAMS] = {1, 1, fit_compute, fit_compute};
  double val[N_PARAMS] = {1.0, 0.0, 1.0, 1.0};
  static const double bound[N_PARAMS] = {-INFINITY, 0.0, 1.0, 1.0};
  for (int round = 0; round <= N_PARAMS; round++) {
    if (fit_free(d, free_p, val, &out->chisq) != 0)
      return -1;
    int moved = 0;
    for (int k = 0; k < N_PARAMS; k++)
      if (free_p[k] && val[k] < bound[k]) {
        free_p[k] = 0;
        val[k] = bound[k];
        moved = 1;
      }
    if (!moved)
      break;
  }
  out->n_free = 0;
  for (int k = 0; k < N_PARAMS; k++)
    out->n_free += free_p[k];
  out->efficiency = val[P_INV_EFF] > 0 ? 1.0 / val[P_INV_EFF] : NAN;
  out->overhead_ms = 1000.0 * val[P_OVERHEAD_S];
  out->device_scale = val[P_DEVICE];
  out->edge_scale = val[P_EDGE];
  out->fit_compute = fit_compute;
  return 0;
}

/* The rows must be able to tell the parameters apart. */
static int check_spread(const sim_val_data *d, size_t n_params,
                        const char *path, ss_error *err) {
  if (d->n <= n_params)
    return ss_error_set(err, path, NULL,
                        "%zu rows; fitting %zu parameters needs at least %zu "
                        "(measure more cuts or bandwidths)",
                        d->n, n_params, n_params + 1);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < d->n; i++) {
    double t = column(&d->rows[i], P_INV_EFF);
    lo = t < lo ? t : lo;
    hi = t > hi ? t : hi;
  }
  if (!(hi > lo * (1 + 1e-9)) || hi <= 0)
    return ss_error_set(err, path, NULL,
                        "every row has the same transfer time (%g s): the "
                        "rows cannot tell efficiency from overhead; measure "
                        "several cuts or bandwidths",
                        hi);
  return 0;
}

/* The F test of nested least-squares fits: how likely the drop in the
 * residual from `small` to `big` (more free parameters) is by chance. */
static double compute_p_value(size_t n, const sim_calibration *small,
                              const sim_calibration *big) {
  double dp = big->n_free - small->n_free, dof = (double)n - big->n_free;
  /* Rows the smaller fit already explains to rounding leave nothing to
   * explain. */
  if (dp <= 0 || dof <= 0 || !(small->chisq > 1e-20 * (double)n))
    return 1.0;
  if (!(big->chisq > 0))
    return 0.0;
  double f = ((small->chisq - big->chisq) / dp) / (big->chisq / dof);
  return f <= 0 ? 1.0 : gsl_cdf_fdist_Q(f, dp, dof);
}

static int fit_checked(const sim_val_data *d, int fit_compute,
                       sim_calibration *out, const char *path, ss_error *err) {
  gsl_error_handler_t *old = gsl_set_error_handler_off();
  int rc = fit_bounded(d, fit_compute, out);
  gsl_set_error_handler(old);
  if (rc != 0)
    return ss_error_set(err, path, NULL, "the least-squares fit failed");
  if (!(out->efficiency > 0 && out->efficiency <= SIM_EFFICIENCY_MAX))
    return ss_error_set(err, path, NULL,
                        "the fit is not physical (efficiency %g): the "
                        "measurements do not follow the model; look at the "
                        "rows with the largest error",
                        out->efficiency);
  return 0;
}

int sim_calibrate_fit(const sim_val_data *d, sim_calibrate_compute mode,
                      sim_calibration *out, double *calibrated_s,
                      const char *path, ss_error *err) {
  memset(out, 0, sizeof *out);
  size_t n_params = mode == SIM_CALIBRATE_LINK ? 2 : 4;
  if (mode == SIM_CALIBRATE_AUTO && d->n <= 4)
    n_params = 2;
  if (check_spread(d, n_params, path, err) != 0 ||
      check_rows(d, path, err) != 0)
    return -1;
  if (fit_checked(d, mode == SIM_CALIBRATE_COMPUTE, out, path, err) != 0)
    return -1;
  out->chisq_link_only = mode == SIM_CALIBRATE_COMPUTE ? NAN : out->chisq;
  out->p_value = NAN;
  if (mode == SIM_CALIBRATE_AUTO && n_params == 4) {
    sim_calibration with;
    ss_error e2;
    if (fit_checked(d, 1, &with, path, &e2) == 0 && with.n_free > out->n_free) {
      with.chisq_link_only = out->chisq;
      with.p_value = compute_p_value(d->n, out, &with);
      if (with.p_value < SIM_CALIBRATE_AUTO_P)
        *out = with;
      else
        out->p_value = with.p_value;
    }
  }
  double *cal = malloc(d->n * sizeof *cal);
  if (!cal)
    return ss_error_set(err, path, NULL, "out of memory");
  for (size_t i = 0; i < d->n; i++)
    cal[i] = sim_calibrated_s(&d->rows[i], out);
  sim_val_errors(d, NULL, &out->before_median, &out->before_max);
  sim_val_errors(d, cal, &out->after_median, &out->after_max);
  if (calibrated_s)
    memcpy(calibrated_s, cal, d->n * sizeof *cal);
  free(cal);
  return 0;
}

void sim_calibration_snippet(FILE *fp, const sim_val_data *d,
                             const sim_calibration *c, const char *link) {
  fprintf(fp,
          "# Scenario snippet: add to the link you measured (keep its "
          "latency_ms and\n# bandwidth_mbps).%s\nlinks:\n  ",
          c->fit_compute ? " availability: 1 / how much slower the blocks "
                           "ran split\n# than profiled."
                         : "");
  ss_yaml_name(fp, link);
  fprintf(fp, ": {efficiency: %.4f, overhead_ms: %.3f}\n", c->efficiency,
          c->overhead_ms);
  fprintf(fp,
          "# (splitsim predict: --link-efficiency %.4f --link-overhead-ms "
          "%.3f)\n",
          c->efficiency, c->overhead_ms);
  if (!c->fit_compute)
    return;
  fputs("availability: {", fp);
  ss_yaml_name(fp, d->device_system ? d->device_system : "DEVICE");
  fprintf(fp, ": %.4f, ", 1.0 / c->device_scale);
  ss_yaml_name(fp, d->edge_system ? d->edge_system : "EDGE");
  fprintf(fp, ": %.4f}\n", 1.0 / c->edge_scale);
}
