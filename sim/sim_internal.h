/* Private to sim/ (and its tests): text buffers, fast number text, the
 * per-thread evaluation context, the lower envelope and the ordered task
 * runner. */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/ss_csv.h"
#include "../common/ss_mem.h"
#include "../common/ss_sha256.h"
#include "../profiles/network.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_columns.h"
#include "sim_problem.h"

/* ---- text buffers and numbers (sim_fmt.c) ------------------------------ */

/* The solver constraints a scenario asks for (privacy, block counts per
 * tier, tier-pair byte limits as upload caps of the earlier tier). Shared by
 * the engine and the studies. */
void sim_constraints_from_scenario(const scn_scenario *s,
                                   solver_constraints *cn);

void sim_buf_u64(ss_buf *b, uint64_t v);
/* A number as CSV text: empty for NaN, else sim_fmt_double with ".0"
 * appended to whole numbers (a float column always reads as floats). */
void sim_buf_num(ss_buf *b, double x);

/* The same bytes as ss_fmt_double (shortest of %.15g/%.16g/%.17g that reads
 * back exactly), computed with integer arithmetic for the common range and
 * falling back to ss_fmt_double elsewhere. buf holds SS_DOUBLE_BUFSIZE
 * bytes. Returns the length. */
size_t sim_fmt_double(char *buf, double x);

/* A one-entry cache per column: reformat only when the value changes. */
typedef struct sim_numcache {
  uint64_t bits;
  int valid;
  unsigned char len;
  char txt[32];
} sim_numcache;
void sim_buf_num_cached(ss_buf *b, sim_numcache *c, double x);

/* Newly allocated CSV cell text of s (quoted when needed). */
char *sim_csv_cell(const char *s);

/* ---- engine (sim_engine.c) --------------------------------------------- */

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

/* ---- lower envelope (sim_analysis.c) ----------------------------------- */

typedef struct sim_break {
  double u;
  size_t before, after;
} sim_break;

/* Lower envelope of lines y_i = a[i] + b[i] * u for the i with use[i] != 0
 * over [ulo, uhi]: the u strictly inside where the lowest line changes,
 * increasing, into *out (malloc'd, caller frees), count in *n_out.
 * *start gets the lowest line just after ulo. Lines closer than a relative
 * 1e-12 count as the same line (the lower index wins). Returns 0, or -1
 * when out of memory or no line is used. */
int sim_envelope(const double *a, const double *b, const unsigned char *use,
                 size_t n, double ulo, double uhi, size_t *start,
                 sim_break **out, size_t *n_out);

/* ---- exact changes along a zipped group (sim_zipline.c) ---------------- */

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

/* ---- ordered parallel tasks (sim_sweep.c) ------------------------------ */

typedef int (*sim_task_fn)(void *worker, size_t task, ss_buf *out,
                           ss_error *err);
typedef int (*sim_commit_fn)(void *ctx, void *worker, size_t task,
                             const ss_buf *out, ss_error *err);
/* Run tasks 0..n_tasks-1 on n_workers threads (worker i gets workers[i]),
 * committing their output strictly in task order (commit runs under a
 * lock and also gets the worker that produced the output). Stops at the first
 * error or when *cancel becomes nonzero (error "interrupted"). */
int sim_run_tasks(size_t n_tasks, size_t n_workers, void **workers,
                  sim_task_fn fn, sim_commit_fn commit, void *commit_ctx,
                  const volatile sig_atomic_t *cancel, ss_error *err);

/* ---- phases: ordered tasks that may be shipped as units (sim_units.c) --- */

/* One phase of a run (sim_dist.h). name is unique within a run. pack
 * appends to aux the worker state that commit needs besides the task's
 * output and resets it; unpack restores it into a worker before commit
 * (both NULL when the output is all). cost: estimated work of each task
 * (NULL: all equal), used to balance shards. */
typedef struct sim_phase {
  const char *name;
  size_t n_tasks;
  sim_task_fn fn;
  sim_commit_fn commit;
  void *commit_ctx;
  int (*pack)(void *worker, size_t task, ss_buf *aux, ss_error *err);
  int (*unpack)(void *worker, size_t task, const char *aux, size_t len,
                ss_error *err);
  double (*cost)(const void *ctx, size_t task);
  const void *cost_ctx;
  /* Later phases need this phase's commits: in collect mode a process that
   * holds every unit (MPI rank 0, a 1-way shard) commits them too. */
  int reduce;
} sim_phase;

/* Run a phase: on local threads (opt->dist NULL), computing only the units
 * the dist's io hands out (collect), or committing units read from the
 * shards (replay; a phase they do not hold runs locally). */
int sim_run_phase(const sim_phase *ph, size_t n_workers, void **workers,
                  const sim_options *opt, ss_error *err);

/* 1 when opt asks to collect units (tables are not written then). */
int sim_collecting(const sim_options *opt);
/* Collect mode: 1 when this process can go on past a reduce phase (it
 * holds every unit, or receives what depends on them with sim_dist_sync). */
int sim_dist_can_reduce(const sim_options *opt);
/* Collect mode: replace blob with that of the process holding every unit
 * (no-op without peers or outside collect mode). */
int sim_dist_sync(const sim_options *opt, ss_buf *blob, ss_error *err);

/* Collect mode of a scenario run: io.begin, then every table phase with
 * its units handed to the io (the tables go to a scratch folder that is
 * removed), then the Monte Carlo pass-1 chunks of the robustness study. */
struct sim_identity;
int sim_collect_units(const sim_engine *e, const scn_scenario *s,
                      const prof_set *set, const struct sim_identity *id,
                      const char *outdir, const sim_options *opt,
                      sim_timings *t, ss_error *err);

/* Shard lookups for the replay (sim_shard.c): sim_shards_phase returns 1
 * when the shards hold the phase (with the same task count), 0 when not,
 * -1 on a mismatch; sim_shards_read fills out and aux with unit `task`. */
struct sim_shards;
int sim_shards_phase(const struct sim_shards *s, const char *name,
                     size_t n_tasks, ss_error *err);
int sim_shards_read(const struct sim_shards *s, const char *name, size_t task,
                    ss_buf *out, ss_buf *aux, ss_error *err);

/* Raw values in a unit's aux bytes (the writer's byte order; journals
 * record it). sim_aux_get returns -1 when fewer than n bytes are left. */
void sim_aux_put(ss_buf *b, const void *p, size_t n);
int sim_aux_get(const char **p, const char *end, void *dst, size_t n);

/* ---- the sweep over all points (sim_sweep.c) ---------------------------- */

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
