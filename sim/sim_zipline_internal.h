/* Private to sim/ (and its tests): exact changes along a zipped group
 * (sim_zipline.c). */
#ifndef SIM_ZIPLINE_INTERNAL_H
#define SIM_ZIPLINE_INTERNAL_H

#include <stddef.h>

#include "../common/ss_error.h"
#include "../scenarios/scenario.h"
#include "sim_engine_internal.h"

/* One change of the optimum on the path between grid positions interval
 * and interval + 1 of a group's line, at fraction t of that step: the
 * placement indices (of the model's prepared sweep) before and after, and
 * the objective of `after` there. */
typedef struct sim_zchange {
  size_t interval;
  double t;
  size_t before, after;
  double objective;
} sim_zchange;

/* Every change of model m's optimum along line `line` of group g, between
 * grid points included, from the exact cost of every placement (see the
 * file's comment). Returns 1 with the changes in path order in *out
 * (caller frees), 0 when the method does not apply (the throughput
 * objective, an axis the cost is not affine in, feasibility that moves
 * along the line; the caller then bisects), -1 on error. */
int sim_zip_changes(sim_ctx *c, size_t m, size_t g, size_t line,
                    sim_zchange **out, size_t *n_out, ss_error *err);
/* Values of group g's axes at fraction t between the grid values va and
 * vb (geometric for log axes, else linear) into out (other entries kept). */
void sim_group_interpolate(const scn_scenario *s, size_t g, const double *va,
                           const double *vb, double t, double *out);
/* 1 when the cost is affine in 1/value of this parameter (bandwidth,
 * availability) rather than in the value. */
int sim_param_inverse(scn_param_kind k);

#endif
