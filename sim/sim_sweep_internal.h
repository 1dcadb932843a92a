/* Private to sim/ (and its tests): the sweep over all points (sim_sweep.c). */
#ifndef SIM_SWEEP_INTERNAL_H
#define SIM_SWEEP_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "../common/ss_error.h"
#include "../common/ss_mem.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_engine_internal.h"

/* A placement that was optimal at some point, with where. */
typedef struct sim_pstat {
  solver_placement pl; /* only the first n_tiers entries are meaningful */
  int infeasible;      /* the "no feasible placement" entry */
  char *cell;          /* CSV cell of its text */
  uint64_t points, first_point;
  double *vmin, *vmax; /* n_axes: range of each axis where it was optimal */
} sim_pstat;

/* Per model: the placements seen and the range of the optimal objective. */
typedef struct sim_msum {
  size_t n, cap;
  sim_pstat *v;
  uint64_t feasible;
  double obj_min, obj_max; /* NaN until a feasible point */
  unsigned hit_gen;        /* last lookup: (prepare generation, index) */
  size_t hit_idx;
  long hit_entry;
} sim_msum;

void sim_msum_free(sim_msum *s, size_t n_models);

/* Run every sweep point on the contexts (one thread each), writing
 * best.csv rows to best and, when top is not NULL, top-k rows to top.
 * Fills sums[n_models] (caller frees with sim_msum_free). */
int sim_sweep_all(const sim_engine *e, sim_ctx **ctxs, size_t n_ctx, FILE *best,
                  FILE *top, sim_msum *sums, const sim_options *opt,
                  ss_error *err);

/* Header line of best.csv (rank != 0: top.csv, with a rank column). */
void sim_best_header(const sim_engine *e, int rank, ss_buf *b);

#endif
