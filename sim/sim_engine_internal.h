/* Private to sim/ (and its tests): the engine (sim_engine.c): models of a
 * scenario, the per-thread evaluation context and sweep points. */
#ifndef SIM_ENGINE_INTERNAL_H
#define SIM_ENGINE_INTERNAL_H

#include <stddef.h>

#include "../common/ss_error.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_problem.h"

/* The solver constraints a scenario asks for (privacy, block counts per
 * tier, tier-pair byte limits as upload caps of the earlier tier). Shared by
 * the engine and the studies. */
void sim_constraints_from_scenario(const scn_scenario *s,
                                   solver_constraints *cn);

typedef struct sim_model {
  char *name;
  char *cell;        /* CSV cell text of the name */
  sim_blocks blocks; /* source i = scenario system i */
} sim_model;

/* Parameter classes by how a change reaches the solver. */
enum { SIM_CLASS_LINK = 1, SIM_CLASS_AVAIL = 2, SIM_CLASS_STRUCT = 4 };

struct sim_engine {
  scn_scenario *scn; /* private copy (unapplied) */
  solver_objective obj;
  size_t n_models;
  sim_model *models;
  size_t n_total; /* systems over all tiers (global indices) */
  size_t *g_tier; /* n_total: tier of global system g */
  size_t *g_sys;  /* n_total: scenario system index of g */
  size_t base[SOLVER_MAX_TIERS + 1];
  sim_link_source *pairs; /* n_total^2, [ga * n_total + gb], ga before gb */
  size_t n_points;
  int *axis_class;  /* n_axes: SIM_CLASS_* */
  char **pair_name; /* n_tiers^2: "a-b" for tier pairs a < b */
};

/* Per-model solver state of a context. */
typedef struct sim_mstate {
  sim_problem pb; /* pb.p is the model's solver problem */
  solver_constraints cons;
  solver_sweep *sw; /* NULL until needed after a structural change */
  unsigned gen;     /* bumped at every prepare */
  size_t n_place;
  char **text; /* n_place CSV cells of placement text, lazily */
  /* The context's change counts this model has taken in (sim_ctx_model):
   * a change of a sweep value reaches a model only when it is used, so one
   * change costs the same with 10 models or 4096. */
  unsigned long struct_seen, link_seen, avail_seen;
} sim_mstate;

/* One thread's view: a scenario copy that sweep values are applied to, the
 * current links and a prepared sweep per model. */
typedef struct sim_ctx {
  const sim_engine *e;
  scn_scenario *s;
  double *cur;        /* n_axes values now applied (NaN: none yet) */
  solver_link *links; /* n_total^2 current links */
  sim_mstate *ms;     /* n_models */
  int struct_dirty;
  /* Change counts (bumped when a structural, link or availability value
   * changes) and, per link pair / system, the count of its last change. */
  unsigned long struct_gen, link_gen, avail_gen;
  unsigned long *link_changed;  /* n_total^2 */
  sim_link_spec *link_spec;     /* n_total^2: the pair's link parameters */
  unsigned long *avail_changed; /* n_total */
} sim_ctx;

int sim_ctx_new(const sim_engine *e, sim_ctx **out, ss_error *err);
void sim_ctx_free(sim_ctx *c);
/* Apply axis values (n_axes). */
int sim_ctx_set(sim_ctx *c, const double *vals, ss_error *err);
/* Best placement of model m at the current values: 1 found, 0 none, -1. */
int sim_ctx_best(sim_ctx *c, size_t m, solver_result *r, size_t *index,
                 ss_error *err);
/* Objective of every kept placement of model m (array of *n values, owned
 * by the caller, grown as needed). */
int sim_ctx_values(sim_ctx *c, size_t m, double **vals, size_t *cap, size_t *n,
                   ss_error *err);
/* Model m's problem at the current values (links, availabilities, bytes
 * as the last sim_ctx_set left them): borrowed, valid until the next
 * sim_ctx_set. For per-stage costs of a placement, sim_problem_stages. */
const sim_problem *sim_ctx_problem(const sim_ctx *c, size_t m);
/* Ensure model m's sweep is prepared. */
int sim_ctx_prepare(sim_ctx *c, size_t m, ss_error *err);
/* Bring model m's problem (and its sweep when prepared) up to the values
 * now applied; needed before reading c->ms[m] or sim_ctx_problem directly
 * (sim_ctx_prepare, _best and _values do it). */
int sim_ctx_model(sim_ctx *c, size_t m, ss_error *err);
/* CSV cell of the text of placement pl, index i of model m's current sweep
 * (cached until the next prepare; borrowed). NULL when out of memory. */
const char *sim_ctx_text(sim_ctx *c, size_t m, size_t i,
                         const solver_placement *pl);

/* Placement text like predict's:
 * "Device(raspi4) = 0 - 6, Edge(None) = -1 - -1, Cloud(x) = 7 - 25". */
void sim_placement_text(const solver_problem *p, const solver_placement *pl,
                        char *buf, size_t size);

/* Values of every axis at flat point index. */
void sim_point_values(const scn_scenario *s, size_t index, double *vals);
/* Flat index of the point where group g is at position i and the other
 * groups are at the combination numbered `line` (0-based, in flat order of
 * the other groups). */
size_t sim_line_point(const scn_scenario *s, size_t g, size_t line, size_t i);

#endif
