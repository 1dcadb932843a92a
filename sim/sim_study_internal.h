/* Private to sim/ (and its tests): what the studies (purchase, robust,
 * sensitivity) share. A study "world" is the scenario at one sweep point
 * together with the profile set and the network file: it knows a list of
 * study systems (profile systems, some with scaled times: estimates), the
 * models with their block tables per system, how to find the link between
 * any two systems on two tiers, and builds solver problems for any choice of
 * systems per tier. */
#ifndef SIM_STUDY_INTERNAL_H
#define SIM_STUDY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_mem.h"
#include "../profiles/network.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_problem.h"
#include "sim_study.h"

/* A machine the studies may place blocks on. */
typedef struct sim_study_sys {
  char *name;              /* "2500", or "2500*0.5" for a scaled estimate */
  char *base;              /* the profile system's name */
  const prof_system *prof; /* borrowed from the set */
  double scale;            /* block times x scale; 1 = as measured */
  long scn_sys;            /* index of base in the scenario's systems, -1 */
} sim_study_sys;

typedef struct sim_study_model {
  char *name;
  char *cell; /* CSV cell of the name */
  double weight;
  scn_pos pos;             /* where it was named (workload), or {0,0} */
  sim_blocks blocks;       /* source i = study system i (times x scale) */
  const prof_model **prof; /* per study system (borrowed) */
} sim_study_model;

/* A link value that replaces the network file's value for one pair of
 * systems (by profile name, either order); used by the sensitivity study. */
typedef struct sim_study_override {
  int active;
  const char *a, *b; /* borrowed */
  int bandwidth;     /* 0: latency_ms, 1: bandwidth_mbps */
  double value;
} sim_study_override;

typedef struct sim_study_world {
  scn_scenario *s; /* private copy, sweep point applied */
  const prof_set *set;
  prof_network *net; /* owned; NULL without a network file */
  size_t n_sys, cap_sys;
  sim_study_sys *sys;
  size_t n_models;
  sim_study_model *models; /* built by sim_study_world_models */
  sim_study_override ovr;
} sim_study_world;

/* A world for scenario s at its reference point (scn_apply_reference),
 * with no systems or models yet. The scenario's own tier systems are added
 * first (indices 0.. in scenario system order), so scenario system i is study
 * system i. */
int sim_study_world_new(const scn_scenario *s, const prof_set *set,
                        sim_study_world **out, ss_error *err);
void sim_study_world_free(sim_study_world *w); /* NULL is a no-op */

/* Index of the study system for profile system `base` with times x scale,
 * added when new. An unknown system is an error at pos listing the
 * store's systems. */
long sim_study_add_sys(sim_study_world *w, const char *base, double scale,
                       scn_pos pos, ss_error *err);

/* Set the models: the workload (n_weights entries) when given, else the
 * engine's models with weight 1. Each model must be profiled on every
 * study system added so far, with the same blocks; errors point at pos. */
int sim_study_world_models(sim_study_world *w, const scn_weight *weights,
                           size_t n_weights, const sim_engine *e,
                           ss_error *err);

/* The functions below take the scenario values from s: w->s, or a copy
 * of it with another sweep point applied (one per thread). */

/* The parameters of the link between study systems a (on tier ta) and b
 * (on tier tb > ta): the network file's row (either direction; w->ovr
 * replaces it for its pair), overridden by the scenario's tier-pair link,
 * overridden by its system-pair link, value by value (sim_link_source). */
sim_link_spec sim_study_link(const sim_study_world *w, const scn_scenario *s,
                             size_t a, size_t ta, size_t b, size_t tb);
/* Availability of a study system: the scenario's value for its profile
 * system, else 1. */
double sim_study_availability(const sim_study_world *w, const scn_scenario *s,
                              size_t sys);

/* A solver problem for model m with, for every tier t, the study systems
 * tier_sys[t][0..n_tier_sys[t]) (tier 0 needs at least one). Links and
 * availabilities come from the world; constraints from the scenario. */
typedef struct sim_study_prob {
  size_t model;
  sim_problem pb; /* pb.g_source[g]: the study system of global system g */
  solver_constraints cons;
} sim_study_prob;

int sim_study_prob_build(const sim_study_world *w, const scn_scenario *s,
                         size_t m, const size_t *const *tier_sys,
                         const size_t *n_tier_sys, sim_study_prob *out,
                         ss_error *err);
/* Recompute links, availabilities, input and result sizes and constraints
 * from s and w->ovr (after they changed). Fails when a link has no value. */
int sim_study_prob_refresh(const sim_study_world *w, const scn_scenario *s,
                           sim_study_prob *pr, ss_error *err);
void sim_study_prob_free(sim_study_prob *pr);

/* The scenario's own tiers as study-system lists (scenario system i is
 * study system i): arrays valid while w lives. */
void sim_study_scenario_tiers(const sim_study_world *w,
                              const size_t *tier_sys[SOLVER_MAX_TIERS],
                              size_t n_tier_sys[SOLVER_MAX_TIERS]);

/* Write a finished text buffer as dir/name atomically. */
int sim_study_save(const char *dir, const char *name, const ss_buf *b,
                   ss_error *err);

/* Threads: run fn(ctx, i) for i = 0..n-1 on `jobs` threads (static
 * interleaving), stopping at the first error (the error of the lowest
 * failing i is reported) or when *cancel becomes nonzero. */
typedef int (*sim_study_task_fn)(void *ctx, size_t i, ss_error *err);
int sim_study_parallel(size_t n, unsigned jobs, sim_study_task_fn fn, void *ctx,
                       const volatile sig_atomic_t *cancel, ss_error *err);

#endif
