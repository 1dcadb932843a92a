/* sim_calibrate: fit the opt-in link parameters (efficiency, overhead_ms)
 * and, when asked, a compute scale to measurements of real split execution
 * (validation.csv, written by tools/splitsim-validate; see
 * docs/validation.md).
 *
 * Model fitted (the one cost model, sim_problem.h, with the fields set):
 *
 *   latency = device_scale * device_s + edge_scale * edge_s
 *             + hop(latency_ms + overhead_ms, efficiency * bandwidth_mbps)
 *
 * hop() is sim_link_cost + solver_hop_s: latency + bytes / bandwidth. The
 * fit is linear in (1 / efficiency, overhead, device_scale, edge_scale)
 * and weighted by 1 / measured, so it minimises the squared relative error
 * (GSL gsl_multifit_wlinear). A compute scale s >= 1 is what a scenario
 * says with availability 1 / s.
 *
 * Library code: never prints; errors fill an ss_error with the file and
 * the line. */
#ifndef SIM_CALIBRATE_H
#define SIM_CALIBRATE_H

#include <stddef.h>
#include <stdio.h>

#include "../common/ss_error.h"

/* Largest validation.csv read (bytes). */
#define SIM_VALIDATION_MAX_BYTES (64u << 20)
/* Largest efficiency the fit accepts (above 1: the nominal rate
 * understates the link). */
#define SIM_EFFICIENCY_MAX 2.0

/* One measured placement: device runs blocks 0..cut_block-1, the edge the
 * rest, over a link of bandwidth_mbps and latency_ms. */
typedef struct sim_val_row {
  long line;   /* in the file, for messages */
  char *model; /* any length; owned (sim_val_free) */
  long cut_block;
  double bytes;          /* sent from device to edge */
  double bandwidth_mbps; /* nominal link rate */
  double latency_ms;     /* one-way, as predicted */
  double device_s;       /* predicted compute on the device */
  double edge_s;         /* predicted compute on the edge */
  double predicted_s;    /* splitsim's prediction (uncalibrated) */
  double measured_s;     /* median of the real requests */
} sim_val_row;

typedef struct sim_val_data {
  size_t n;
  sim_val_row *rows;
  /* The optional columns device_system / edge_system of the first row
   * (any length; NULL when absent or empty). Owned (sim_val_free). */
  char *device_system;
  char *edge_system;
} sim_val_data;

/* The columns a validation.csv must have (others are ignored). */
extern const char *const sim_val_required_columns[];

/* Read a validation.csv. Errors name the file and the line: empty file,
 * a missing column, a row with the wrong number of fields, a value that is
 * not a finite number (NaN, inf) or out of range, fewer than 3 rows. */
int sim_val_read(const char *path, sim_val_data *out, ss_error *err);
/* Parse the text of a validation.csv (path only names it in messages). */
int sim_val_parse(const char *path, const char *text, size_t len,
                  sim_val_data *out, ss_error *err);
void sim_val_free(sim_val_data *d);

/* Which compute parameters to fit. */
typedef enum sim_calibrate_compute {
  SIM_CALIBRATE_AUTO = 0, /* the link, and the compute scales when an F
                             test says they explain the data better
                             (p < SIM_CALIBRATE_AUTO_P) */
  SIM_CALIBRATE_LINK,     /* the link only (compute scales 1) */
  SIM_CALIBRATE_COMPUTE   /* the link and both compute scales */
} sim_calibrate_compute;

/* AUTO keeps the compute scales when the F test of the fit with them
 * against the link-only fit gives p below this. */
#define SIM_CALIBRATE_AUTO_P 0.05

/* What the fit found. */
typedef struct sim_calibration {
  double efficiency;      /* share of the nominal rate carrying payload */
  double overhead_ms;     /* per transfer, on top of the link's latency, >= 0 */
  double device_scale;    /* device compute x this (>= 1; 1 unless fitted) */
  double edge_scale;      /* edge compute x this (>= 1; 1 unless fitted) */
  int fit_compute;        /* whether the compute scales were fitted */
  double chisq;           /* weighted residual sum of squares */
  double chisq_link_only; /* the same with the link only (NaN: not fitted) */
  int n_free;             /* parameters fitted (not held at a bound) */
  double p_value; /* AUTO: F test of the compute scales (NaN: not run) */
  /* |predicted / measured - 1| over the rows, as fractions. */
  double before_median, before_max;
  double after_median, after_max;
} sim_calibration;

/* Fit over all rows (see the model above; bounds: overhead_ms >= 0,
 * compute scales >= 1, a parameter at its bound is fixed there).
 * calibrated_s (n entries, may be NULL) receives each row's calibrated
 * prediction. Fails when the rows cannot tell the parameters apart (one
 * transfer size, too few rows) or the fit is not physical (efficiency
 * outside (0, SIM_EFFICIENCY_MAX]), with a message that says what to
 * measure. path names the file in messages. */
int sim_calibrate_fit(const sim_val_data *d, sim_calibrate_compute mode,
                      sim_calibration *out, double *calibrated_s,
                      const char *path, ss_error *err);

/* A row's prediction with the calibrated parameters, through the one cost
 * model. */
double sim_calibrated_s(const sim_val_row *r, const sim_calibration *c);

/* Median and maximum of |predicted[i] / measured[i] - 1| over n rows
 * (predicted NULL: the rows' own predicted_s). */
void sim_val_errors(const sim_val_data *d, const double *predicted,
                    double *median, double *max);

/* Write the scenario snippet of a fit on fp: the `links:` entry of link
 * (efficiency, overhead_ms), the matching `splitsim predict` options, and,
 * when the compute scales were fitted, `availability:` for the systems of
 * d (DEVICE / EDGE when unnamed). Names are written so that they read back
 * unchanged (ss_yaml_name): the text pastes into a scenario as it is. */
void sim_calibration_snippet(FILE *fp, const sim_val_data *d,
                             const sim_calibration *c, const char *link);

#endif
