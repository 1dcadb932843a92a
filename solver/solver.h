/* solver: exhaustive partition search over a chain of ordered tiers.
 *
 * Cost model (docs/cost-model.md): a model is a chain of n_blocks blocks.
 * Tiers are ordered (0 = device ... k-1 = cloud). A placement picks one
 * system for tier 0 (the data source; it may run no block) and, for every
 * other tier, either no system (tier unused) or one system; each used tier
 * runs one contiguous, non-empty range of blocks, in tier order, and all
 * blocks are covered. Block b costs time_s[b] / availability on a system.
 * Each hop between consecutive participating tiers costs
 * latency_s + bytes / bandwidth_bytes_per_s, where bytes is the output of the
 * last block run so far (the raw input when none ran yet). Optionally the
 * result (result_bytes) is sent back from the last tier to tier 0.
 *
 * The solver knows nothing about files: callers fill a solver_problem with
 * borrowed arrays. Units: seconds, bytes, bytes per second, watts.
 *
 * Reported numbers are computed like Scission's scission_predict.py: a
 * tier's compute time is its block times summed left to right (then divided
 * by the availability), latency = (sum of tier times in tier order) + (sum of
 * hop times in hop order) [+ return time]. The search itself uses prefix sums
 * and re-sums its finalists exactly, so the top-k is exact with respect to
 * these reported numbers.
 *
 * Library code: never prints, never exits; errors fill an ss_error. */
#ifndef SOLVER_SOLVER_H
#define SOLVER_SOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"

#define SOLVER_MAX_TIERS 8

typedef enum solver_objective {
  SOLVER_OBJ_LATENCY = 0,  /* end-to-end seconds (minimise) */
  SOLVER_OBJ_THROUGHPUT,   /* 1 / slowest stage incl. transfers (maximise) */
  SOLVER_OBJ_BYTES,        /* total bytes sent over all hops (minimise) */
  SOLVER_OBJ_DEVICE_ENERGY /* joules on tier 0 (minimise) */
} solver_objective;

typedef struct solver_system {
  const char *name;       /* borrowed */
  const double *time_s;   /* n_blocks block times, seconds (borrowed) */
  double availability;    /* share of the machine, (0,1]; 0 = system down */
  double compute_power_w; /* device energy model; 0 when unknown */
  double radio_power_w;   /* power while transmitting; 0 when unknown */
} solver_system;

/* A link with bandwidth_bytes_per_s <= 0 (or NaN), or a latency that is
 * negative or not finite, is "no link": placements that need it are
 * skipped. */
typedef struct solver_link {
  double latency_s;             /* one-way latency added once per hop used */
  double bandwidth_bytes_per_s; /* > 0 */
} solver_link;

/* The per-hop cost: seconds to send `bytes` over link l. Every exact
 * evaluation goes through here; the searches and sweeps use the same affine
 * form prepared as (latency_s, 1 / bandwidth). Link parameters in user
 * units become a solver_link in sim_link_cost (sim/sim_problem.h). */
static inline double solver_hop_s(const solver_link *l, double bytes) {
  return l->latency_s + bytes / l->bandwidth_bytes_per_s;
}

typedef struct solver_tier {
  const char *name;       /* "device", "edge", "cloud", ... (borrowed) */
  size_t n_systems;       /* >= 1 for tier 0; 0 allowed for later tiers */
  solver_system *systems; /* borrowed */
} solver_tier;

typedef struct solver_problem {
  size_t n_blocks;
  const double *output_bytes; /* n_blocks, bytes out of each block */
  const int64_t *first_layer; /* n_blocks, for printing/criteria; may be NULL */
  const int64_t *last_layer;  /* n_blocks; may be NULL (then block numbers) */
  double input_bytes;         /* raw model input */
  double result_bytes;        /* sent back to tier 0 at the end; 0 = none */
  size_t n_tiers;             /* 1..SOLVER_MAX_TIERS */
  solver_tier tiers[SOLVER_MAX_TIERS];
  /* Links between systems, indexed by global system index (systems of tier
   * 0 first, then tier 1, ...): links[ga * n_total + gb] for ga before gb.
   * The result travels back over links[g0 * n_total + g_last] too.
   * Borrowed; n_total = sum of n_systems. May be NULL when n_total == 1. */
  const solver_link *links;
  /* Reproduce scission_predict.py's handling of zero compute time (needs
   * exactly 3 tiers device/edge/cloud). With E and C the edge and cloud
   * compute sums: if E == 0 and C == 0 the device sends 0 bytes; else if
   * C == 0 the edge's upload counts 0 bytes. Pings are still added. */
  int scission_quirks;
} solver_problem;

typedef struct solver_placement {
  int sys[SOLVER_MAX_TIERS];   /* system index within tier; -1 = unused */
  int first[SOLVER_MAX_TIERS]; /* first block on the tier; -1 = none */
  int last[SOLVER_MAX_TIERS];  /* last block (inclusive); -1 = none */
} solver_placement;

/* Everything a user needs to see why a placement wins. Hop h carries data
 * from tier hop_from[h] to tier hop_to[h]. */
typedef struct solver_result {
  solver_placement p;
  double objective; /* value of the chosen objective */
  double latency_s; /* end-to-end */
  double compute_s[SOLVER_MAX_TIERS];
  int n_hops;
  int hop_from[SOLVER_MAX_TIERS], hop_to[SOLVER_MAX_TIERS];
  double hop_bytes[SOLVER_MAX_TIERS];
  double hop_s[SOLVER_MAX_TIERS];
  double return_s;         /* result sent back, seconds (0 if none) */
  double total_bytes;      /* all bytes sent */
  double throughput_per_s; /* 1 / slowest stage (INFINITY when all are 0) */
  double device_energy_j;
  /* Bytes tier t uploads toward later tiers (0 when it sends nothing).
   * This is what upload limits compare. With scission_quirks these are
   * Scission's device_output_size / edge_output_size, which may count edge
   * bytes that no hop carries; Scission's MB column is
   * (upload_bytes[0] + upload_bytes[1]) / 1000 / 1000. */
  double upload_bytes[SOLVER_MAX_TIERS];
} solver_result;

/* ---- objectives --------------------------------------------------------
 *
 * One row per objective (solver_objective.c): its name in scenario files
 * and tables, words and an axis label for people, its unit, whether larger
 * is better, and how to read it from an evaluated result. */
typedef struct solver_objective_info {
  solver_objective id;
  const char *name;  /* "device_energy": scenario files, run.json */
  const char *words; /* "device energy": sentences */
  const char *label; /* "device energy (J)": chart axes */
  const char *unit;  /* "J" */
  int maximise;      /* 1: larger is better (throughput) */
  int additive;      /* 1: a sum over stages, affine in each link's latency
                        and 1/bandwidth (exact breakpoints; sweep tables) */
  double (*value)(const solver_result *r); /* the objective of r */
  double (*cost)(const solver_result *r);  /* smaller is better: the value,
                                              or 1/value when maximised */
} solver_objective_info;

#define SOLVER_MAX_OBJECTIVES 16 /* room for names arrays */
extern const solver_objective_info solver_objectives[];
extern const size_t solver_n_objectives;
/* The row of o (the latency row for a value out of range). */
const solver_objective_info *solver_objective_info_of(solver_objective o);
/* The row named `name`, or NULL. */
const solver_objective_info *solver_objective_find(const char *name);
/* Every name, in table order, into names[solver_n_objectives]. */
void solver_objective_names(const char **names);

/* ---- constraints ------------------------------------------------------ */

/* Scission's per-tier criteria. A tier's layer range is (first layer of its
 * first block, last layer of its last block), or (-1, -1) when it runs no
 * block. Layer include: every listed layer lies inside the range (so -1
 * holds only for a tier that runs nothing). Layer exclude: none does.
 * System include: the tier runs >= 1 block on a listed system. System
 * exclude: the tier runs >= 1 block on a system not listed. Names that no
 * system of the tier has simply never match. Arrays are borrowed, except
 * that solver_criteria_parse fills `owned`, freed by solver_criteria_free. */
typedef struct solver_criteria {
  const int64_t *layer_include;
  size_t n_layer_include;
  const int64_t *layer_exclude;
  size_t n_layer_exclude;
  const char *const *system_include;
  size_t n_system_include;
  const char *const *system_exclude;
  size_t n_system_exclude;
  void *owned; /* storage from solver_criteria_parse, else NULL */
} solver_criteria;

/* Parse Scission's criteria text ("0, !5, 2500, !vm2Core, -1, !-1"): split on
 * ',', strip spaces; a token of digits or "-1" is a layer to include; "!"
 * followed by digits, or any one character followed by "-1", a layer to
 * exclude; another token starting with '!' a system to exclude; anything
 * else a system to include. An empty token is an error. NULL or "" text
 * gives empty criteria. Free with solver_criteria_free. */
int solver_criteria_parse(const char *text, solver_criteria *out,
                          ss_error *err);
/* Free what solver_criteria_parse allocated and zero *c (NULL is a no-op). */
void solver_criteria_free(solver_criteria *c);
/* 1 when the system criteria c allow a tier to run >= 1 block on system
 * `name` (it is listed when a list of systems to include is given, and not
 * excluded), else 0. */
int solver_criteria_allow_system(const solver_criteria *c, const char *name);

/* Constraints on a placement. Start from solver_constraints_init (nothing
 * constrained) and set what you need. Tier t's block count is 0 when it runs
 * nothing. */
typedef struct solver_constraints {
  int privacy; /* raw input never leaves tier 0: tier 0 runs >= 1 block */
  size_t min_blocks[SOLVER_MAX_TIERS]; /* >= 1 forces the tier to be used */
  size_t max_blocks[SOLVER_MAX_TIERS]; /* SIZE_MAX = no limit */
  /* Bytes tier t may upload (result.upload_bytes[t]), i.e. the largest
   * transfer on the link leaving tier t. INFINITY = no limit. */
  double max_upload_bytes[SOLVER_MAX_TIERS];
  /* Tier compute seconds (after availability). INFINITY = no limit. */
  double max_time_s[SOLVER_MAX_TIERS];
  /* Tier compute as a percentage of all compute seconds (transfers
   * excluded): compute_s[t] / sum * 100 <= pct. A placement whose total
   * compute is exactly 0 fails a percentage limit. INFINITY = no limit. */
  double max_time_pct[SOLVER_MAX_TIERS];
  solver_criteria criteria[SOLVER_MAX_TIERS];
} solver_constraints;

void solver_constraints_init(solver_constraints *c);

/* ---- the exhaustive solver ------------------------------------------- */

/* Check a problem's shape and values (finite non-negative times and bytes,
 * availabilities in [0,1], quirks only with 3 tiers, ...). */
int solver_validate(const solver_problem *p, ss_error *err);

/* Number of placements the problem has before constraints (counting every
 * system choice). Saturates at UINT64_MAX. */
uint64_t solver_count_placements(const solver_problem *p);

/* Global index of system `sys` of tier `tier` (index into links). */
size_t solver_global_index(const solver_problem *p, size_t tier, size_t sys);

/* Evaluate one placement exactly (left-to-right sums, see the top of this
 * file). Fails when the placement is malformed or needs a missing link or a
 * system that is down. */
int solver_evaluate(const solver_problem *p, const solver_placement *pl,
                    solver_objective obj, solver_result *out, ss_error *err);

/* 1 when the evaluated result r satisfies c (NULL = no constraints). */
int solver_satisfies(const solver_problem *p, const solver_constraints *c,
                     const solver_result *r);

/* Layer range printed for tier `tier` of a placement: (first layer of its
 * first block, last layer of its last block), or (-1, -1) when it runs no
 * block. Uses block numbers when the problem has no layer arrays. */
void solver_tier_layers(const solver_problem *p, const solver_placement *pl,
                        size_t tier, int64_t *lo, int64_t *hi);

/* Optional counters filled by the searches. */
typedef struct solver_stats {
  uint64_t enumerated; /* placements visited (tier choices that per-tier
                          checks rule out are not counted) */
  uint64_t feasible;   /* placements that satisfied every constraint */
  uint64_t rechecked;  /* placements re-summed exactly (finalists, limits) */
} solver_stats;

/* The k best placements under constraints c (NULL = none), best first, into
 * out[0..*n_out) (*n_out <= k; 0 when nothing satisfies c). Order: by the
 * objective (latency, energy and bytes ascending; throughput descending),
 * ties by latency, remaining ties by enumeration order: tier-0 system index,
 * then the number of blocks on tier 0 (fewest first), then for each later
 * tier in order: unused before used, then system index, then its last block
 * (lowest first). No allocation per placement. stats may be NULL. */
int solver_top_k(const solver_problem *p, const solver_constraints *c,
                 solver_objective obj, size_t k, solver_result *out,
                 size_t *n_out, solver_stats *stats, ss_error *err);

/* Best-only fast path: same answer as solver_top_k with k = 1. Returns 1
 * when a placement was found (written to *out), 0 when nothing satisfies c,
 * -1 on error. */
int solver_best(const solver_problem *p, const solver_constraints *c,
                solver_objective obj, solver_result *out, solver_stats *stats,
                ss_error *err);

/* ---- sweeps ------------------------------------------------------------
 *
 * For the scenario engine: many evaluations of the same placements under
 * different link values and availabilities.
 *
 *   solver_sweep *sw;
 *   solver_sweep_prepare(&problem, &constraints, SOLVER_OBJ_LATENCY, &sw, &e);
 *   for each sweep point:
 *     solver_sweep_set_link(sw, ga, gb, link);        any number of these
 *     solver_sweep_set_availability(sw, g, a);        and these
 *     if (solver_sweep_best(sw, &idx, &value) == 1)
 *       solver_sweep_describe(sw, idx, &result, &e); full breakdown
 *   solver_sweep_free(sw);
 *
 * prepare enumerates every placement once, drops those that fail the
 * constraints that do not depend on link values or availabilities (tier
 * criteria, block counts, privacy, upload limits) and stores what stays in
 * struct-of-arrays form, grouped by system choice, as rows of placements
 * that differ only in their last boundary. The additive objectives separate
 * over the boundaries (docs/cost-model.md): a sweep point builds one table
 * per pair of consecutive systems (O(blocks) each, from the current
 * 1/availability, latency and 1/bandwidth), one base per row, and then each
 * placement costs one add and one min (latency, energy, bytes) or a few max
 * (throughput), branch-free, in AVX2/SSE2 kernels. Values come from prefix
 * sums: they match solver_evaluate to about 1e-12 relative; ties go to the
 * lowest index.
 *
 * Not supported in sweeps (prepare fails with a message): scission_quirks
 * and time limits (max_time_s, max_time_pct).
 *
 * The sweep copies the problem's links and availabilities at prepare and
 * borrows the problem's other arrays (times, bytes, names) until
 * solver_sweep_free. A system with availability 0 and a link without
 * bandwidth make the placements that use them unavailable at that point. */
typedef struct solver_sweep solver_sweep;

int solver_sweep_prepare(const solver_problem *p, const solver_constraints *c,
                         solver_objective obj, solver_sweep **out,
                         ss_error *err);
void solver_sweep_free(solver_sweep *sw); /* NULL is a no-op */

/* Placements kept by prepare; indices run 0..size-1. */
size_t solver_sweep_size(const solver_sweep *sw);

/* Change the link between global systems ga (earlier tier) and gb, or a
 * system's availability, for the next evaluation. -1 on a bad index or
 * value. */
int solver_sweep_set_link(solver_sweep *sw, size_t ga, size_t gb,
                          solver_link link);
int solver_sweep_set_availability(solver_sweep *sw, size_t g,
                                  double availability);

/* Best placement at the current values: 1 and (*index, *value) when one is
 * available, 0 when none is. value is the objective (throughput: 1 / slowest
 * stage; the others: seconds, bytes or joules). */
int solver_sweep_best(solver_sweep *sw, size_t *index, double *value);

/* Every placement's objective value at the current values into
 * values[0..size) (INFINITY for latency/bytes/energy and 0 for throughput
 * when a placement is unavailable). */
void solver_sweep_values(solver_sweep *sw, double *values);

/* Placement `index` and its exact evaluation at the current values. -1 when
 * index is out of range or the placement is unavailable now. */
int solver_sweep_describe(const solver_sweep *sw, size_t index,
                          solver_result *out, ss_error *err);

#endif
