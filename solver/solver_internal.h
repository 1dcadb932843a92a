/* Private to solver/ (and its tests): precomputed tables shared by the
 * exhaustive search (solver.c) and the sweep (solver_sweep.c). */
#ifndef SOLVER_INTERNAL_H
#define SOLVER_INTERNAL_H

#include <math.h>

#include "solver.h"

/* Per-problem tables, built once per search. */
typedef struct solver_prep {
  const solver_problem *p;
  size_t n_blocks, n_tiers, n_total;
  size_t base[SOLVER_MAX_TIERS + 1]; /* global index of tier t's system 0 */
  double *prefix;    /* n_total rows of n_blocks+1: sum of times before b */
  uint32_t *nonzero; /* same shape: count of blocks with time > 0 before b */
  double *inv_avail; /* per global system; 0 when down */
  /* Bound on |prefix-sum compute seconds - left-to-right compute seconds|
   * summed over any set of tiers. */
  double margin_s;
  double max_compute_power_w;
} solver_prep;

int solver_prep_init(solver_prep *sp, const solver_problem *p, ss_error *err);
void solver_prep_free(solver_prep *sp);

static inline const double *solver_prep_prefix(const solver_prep *sp,
                                               size_t g) {
  return sp->prefix + g * (sp->n_blocks + 1);
}
static inline const uint32_t *solver_prep_nonzero(const solver_prep *sp,
                                                  size_t g) {
  return sp->nonzero + g * (sp->n_blocks + 1);
}

static inline int solver_link_usable(const solver_link *l) {
  return l->bandwidth_bytes_per_s > 0 && l->latency_s >= 0 &&
         isfinite(l->latency_s);
}

/* Constraints resolved against a problem. */
typedef struct solver_rcons {
  const solver_constraints *c;     /* NULL = none */
  unsigned char *sys_ok;           /* n_total: system criteria allow it */
  int unused_ok[SOLVER_MAX_TIERS]; /* tier may run no block */
  size_t min_blocks[SOLVER_MAX_TIERS], max_blocks[SOLVER_MAX_TIERS];
  double max_upload[SOLVER_MAX_TIERS]; /* INFINITY when unlimited */
  double max_time[SOLVER_MAX_TIERS];
  double max_pct[SOLVER_MAX_TIERS];
  int has_layers[SOLVER_MAX_TIERS];
  int has_time_limits; /* any max_time_s or max_time_pct set */
  int has_pct;
  int has_upload;
} solver_rcons;

int solver_rcons_init(solver_rcons *rc, const solver_prep *sp,
                      const solver_constraints *c, ss_error *err);
void solver_rcons_free(solver_rcons *rc);

/* Tier-local static checks for tier t running [first, last] on global system
 * g (first = -1: runs nothing): system criteria, block counts, layers. */
int solver_range_ok(const solver_rcons *rc, const solver_prep *sp, size_t t,
                    size_t g, int first, int last);

/* Exact evaluation (left-to-right sums) with the given inverse availability
 * source: avail[g] per global system and links[ga*n_total+gb]. Returns -1
 * when the placement needs a missing link or a down system. */
int solver_eval_with(const solver_prep *sp, const double *avail,
                     const solver_link *links, const solver_placement *pl,
                     solver_objective obj, solver_result *r);

/* Quantity minimised for an objective (throughput: slowest stage). */
double solver_result_cost(const solver_result *r, solver_objective obj);

/* Static constraints (everything but time limits) on a whole placement.
 * Does not look at availability or links. */
int solver_static_ok(const solver_rcons *rc, const solver_prep *sp,
                     const solver_placement *pl);

/* Sweep kernels: which instruction set solver_sweep_best uses. The best
 * available is chosen at prepare; tests force the others. */
enum { SOLVER_SIMD_NONE = 0, SOLVER_SIMD_SSE2 = 1, SOLVER_SIMD_AVX2 = 2 };
int solver_simd_best(void);
int solver_sweep_set_simd(solver_sweep *sw, int simd);

#endif
