/* Private to sim/ (and its tests): the pieces of the load simulation of a
 * scenario (sim_workload*.c). */
#ifndef SIM_WORKLOAD_INTERNAL_H
#define SIM_WORKLOAD_INTERNAL_H

#include "../solver/solver.h"
#include "sim.h"
#include "sim_engine_internal.h"
#include "sim_load.h"
#include "sim_problem.h"

/* Most stages of one placement: compute per tier, a hop per tier, return
 * (the cost model's SIM_MAX_STAGES). */
#define WL_MAX_STAGES SIM_MAX_STAGES
/* Candidate placements the load-aware policy re-ranks per client group. */
#define WL_LOAD_AWARE_CANDIDATES 32
/* Fixed-point iterations of the load-aware policy before it gives up. */
#define WL_LOAD_AWARE_MAX_ITER 50

/* Resources of the simulation: one station per system of tiers 1..k-1, one
 * link per tier pair. */
typedef struct wl_shape {
  size_t n_stations, first_station; /* global index of station 0 */
  sim_load_station *stations;
  size_t n_links;
  sim_load_link *links;
  size_t *pair_link;   /* n_tiers^2: link of a tier pair (either order) */
  size_t *group_model; /* per client group: engine model index */
} wl_shape;

int wl_shape_new(const sim_engine *e, wl_shape **out, ss_error *err);
void wl_shape_free(wl_shape *sh);
int wl_shape_sync(wl_shape *sh, const sim_engine *e, const sim_ctx *c,
                  ss_error *err);

/* A placement with its stages. */
typedef struct wl_cand {
  solver_result r;
  size_t n_stages;
  sim_load_stage st[WL_MAX_STAGES];
} wl_cand;

/* The stages of placement pl from the cost model (sim_problem_stages) into
 * cd->st / cd->n_stages. A compute stage's lognormal sigma is fitted from
 * the p10/p90 of its blocks (sim_blocks_sigma_ln on bl, source
 * pb->g_source[g]); sigma_ln where they are not profiled. */
int wl_stages(const wl_shape *sh, const sim_problem *pb, const sim_blocks *bl,
              const solver_placement *pl, double sigma_ln, wl_cand *cd,
              ss_error *err);

/* The load-aware policy (sim_workload_policy.c): a fixed point of every
 * group's best response, where a placement costs its idle latency plus the
 * predicted queueing delay (M/G/c) of every station and link it visits at
 * the loads all groups' current choices put on them. cands[g][0..n[g]) are
 * group g's candidates, rate_hz[g] its total arrival rate. Writes
 * choice[g]; returns 1 when converged (no group changes), 0 when it
 * stopped after WL_LOAD_AWARE_MAX_ITER rounds. */
int wl_load_aware(const wl_shape *sh, sim_load_service svc, size_t n_groups,
                  wl_cand *const *cands, const size_t *n, const double *rate_hz,
                  size_t *choice);

/* Predicted largest utilisation of any station or link when each group g
 * uses route cands[g][choice[g]] (name of that resource into *which). */
double wl_max_util(const wl_shape *sh, size_t n_groups, wl_cand *const *cands,
                   const size_t *choice, const double *rate_hz,
                   const char **which);

/* M/G/c mean wait (Erlang C x (1 + cs^2) / 2; exact for M/M/c and M/G/1):
 * c servers, offered load a = lambda E[S] erlangs, mean service m1_s and
 * second moment m2_s2. INFINITY when a >= c. */
double wl_mgc_wait_s(unsigned c, double a, double m1_s, double m2_s2);

#endif
