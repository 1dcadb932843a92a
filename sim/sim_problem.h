/* sim_problem: the one cost-model builder. Profiles + tiers + links +
 * availability + options -> a solver_problem, for every caller that asks
 * the solver a question: `splitsim predict`, the scenario engine, every
 * study and the load simulator. Nothing else turns profiles or link values
 * into solver numbers.
 *
 * Units: link parameters are given as users write them (latency_ms,
 * bandwidth_mbps) and converted once, in sim_link_cost, through
 * common/ss_units.h; the solver_problem holds seconds, bytes and bytes per
 * second (solver/solver.h).
 *
 * Ownership: sim_blocks_build and sim_problem_build allocate; free with
 * sim_blocks_free / sim_problem_free (NULL and zeroed structs are no-ops).
 * Names and profile models passed in are borrowed: they must outlive the
 * blocks and the problem. A problem borrows its sim_blocks.
 *
 * Typical use:
 *
 *   sim_blocks_source src[n] = {{"raspi4", model_on_raspi4, 1.0}, ...};
 *   sim_blocks bl;                            one model on n systems
 *   sim_blocks_build("vgg19", src, n, &bl, &err);
 *   sim_problem_spec sp = {&bl, 3, {{"device", 1, dev}, {"edge", ...}}, 0};
 *   sim_problem pb;                           systems chosen per tier
 *   sim_problem_build(&sp, &pb, &err);
 *   sim_problem_set_link(&pb, ga, gb, &params);   every pair of tiers
 *   sim_problem_set_availability(&pb, g, 0.5);     optional
 *   sim_problem_set_bytes(&pb, input_bytes, 0);
 *   solver_top_k(&pb.p, ...);                 ask the solver
 *   sim_problem_stages(&pb.p, &placement, &stages, &err);  per-stage costs
 *   sim_problem_free(&pb); sim_blocks_free(&bl);
 *
 * Library code: never prints; errors fill an ss_error. */
#ifndef SIM_PROBLEM_H
#define SIM_PROBLEM_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"
#include "../profiles/network.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"

/* ---- one link's parameters --------------------------------------------- */

/* Everything that describes one link (a pair of systems on two tiers), in
 * user units. A field that is not set is NaN (a pointer field: NULL). New
 * per-link fields are added here and in the four functions below, and
 * nowhere else. */
typedef struct sim_link_spec {
  double latency_ms;     /* one-way, added once per hop used */
  double bandwidth_mbps; /* nominal rate, Mbit/s */
  /* Opt-in calibration (docs/validation.md, `splitsim calibrate`): the
   * share of the nominal rate that carries payload, and a fixed cost per
   * transfer. Unset (NaN, or 0 in a zero-initialised spec): efficiency 1
   * and no overhead, the hop stays Scission's to the last bit. */
  double efficiency;
  double overhead_ms;
} sim_link_spec;

/* Every field unset. */
sim_link_spec sim_link_unset(void);
/* The values a scenario link sets (its unset values stay unset). */
sim_link_spec sim_link_of_scenario(const scn_link *l);
/* The network file's row for the pair (either direction; a->b first), or
 * every field unset when the file (net may be NULL) has none. */
sim_link_spec sim_link_of_network(const prof_network *net, const char *a,
                                  const char *b);
/* A network row as parameters (row may be NULL: unset). */
sim_link_spec sim_link_of_row(const prof_link *row);
/* Every field set in `over` replaces the one in *base. */
void sim_link_overlay(sim_link_spec *base, const sim_link_spec *over);
/* The fields a usable link lacks as words ("latency_ms and
 * bandwidth_mbps", "latency_ms", "bandwidth_mbps"), or NULL when none. */
const char *sim_link_missing(const sim_link_spec *l);

/* THE per-hop cost model, in one place: a hop that carries `bytes` over
 * link l costs  latency_s + bytes / bandwidth_bytes_per_s  seconds
 * (solver_hop_s evaluates it). This turns parameters into those two solver
 * numbers (units: common/ss_units.h): latency_s from latency_ms (+
 * overhead_ms when set), bandwidth from bandwidth_mbps (x efficiency when
 * set, after Scission's rounding). With scission_rounding the bandwidth
 * is rounded to whole bytes per second, half to even, as
 * scission_predict.py rounds it. An unset value gives NaN: "no link" to
 * the solver. */
solver_link sim_link_cost(const sim_link_spec *l, int scission_rounding);

/* Where a scenario's link between two systems comes from: the network
 * file's row, then the scenario's tier-pair link, then its system-pair
 * link, value by value (later wins). Found once, merged at every point. */
typedef struct sim_link_source {
  sim_link_spec net; /* the network file's row; unset when none */
  long tier_link;    /* index into s->links of links.<tierA>-<tierB>, -1 */
  long sys_link;     /* index of links.<sysA>-<sysB>, -1 */
} sim_link_source;

/* The sources of the link between system a on tier ta and system b on
 * tier tb (ta < tb). scn_a / scn_b: the systems' indices in s->systems, -1
 * when not a scenario system (then no system-pair link applies). */
sim_link_source sim_link_source_find(const scn_scenario *s,
                                     const prof_network *net, const char *a,
                                     size_t ta, long scn_a, const char *b,
                                     size_t tb, long scn_b);
/* The merged parameters with the scenario link values now: `links` is
 * s->links of the same scenario, of a copy with sweep values applied, or
 * of a copy with sampled values (same indices). */
sim_link_spec sim_link_source_params(const sim_link_source *src,
                                     const scn_link *links);

/* ---- one model's block tables ------------------------------------------ */

/* One system's profile of the model. */
typedef struct sim_blocks_source {
  const char *system;      /* name shown in placements (borrowed) */
  const prof_model *model; /* the model as profiled there (borrowed) */
  double time_scale; /* block times x this: 1 as measured; calibration or a
                        study's scaled estimate */
} sim_blocks_source;

/* The block tables of one model over a list of systems. */
typedef struct sim_blocks {
  size_t n_blocks;
  size_t n_systems;
  const char **system;        /* n_systems names (the names borrowed) */
  double *time_s;             /* n_systems x n_blocks: system i at
                                 [i * n_blocks], seconds, x time_scale */
  double *time_s_p10;         /* n_systems x n_blocks like time_s: the
                                 profile's 10th / 90th percentile x */
  double *time_s_p90;         /* time_scale; NaN where not profiled */
  double *output_bytes;       /* n_blocks, bytes out of each block */
  int64_t *first_layer;       /* n_blocks */
  int64_t *last_layer;        /* n_blocks */
  double profile_input_bytes; /* first recorded input size, -1 when none */
} sim_blocks;

/* Copy the tables of model `name` from n >= 1 sources. Every source must
 * have the same blocks (count, layers, output bytes) as the first; else an
 * SS_ERR_FORMAT error naming the model, the block and both systems (no
 * file: the caller says where). A model without blocks is an error. */
int sim_blocks_build(const char *name, const sim_blocks_source *src, size_t n,
                     sim_blocks *out, ss_error *err);
void sim_blocks_free(sim_blocks *b);

/* Lognormal sigma of ln t for the work of blocks first..last on source i,
 * fitted from the profile's percentiles: ln(P90 / P10) / (2 x 1.2816),
 * with P10 and P90 the sums of the blocks' p10 and p90 (exact for one
 * block; for several, as if their times moved together). fallback when
 * some block of the range has no usable p10/p90 (0 < p10 <= p90). */
double sim_blocks_sigma_ln(const sim_blocks *b, size_t i, int first, int last,
                           double fallback);

/* ---- a solver problem -------------------------------------------------- */

typedef struct sim_problem_tier {
  const char *name;      /* "device", ... (borrowed) */
  size_t n_systems;      /* >= 1 for tier 0 */
  const size_t *systems; /* indices into the blocks' systems (read at
                            build time only) */
} sim_problem_tier;

typedef struct sim_problem_spec {
  const sim_blocks *blocks; /* borrowed by the problem */
  size_t n_tiers;           /* 1..SOLVER_MAX_TIERS */
  sim_problem_tier tiers[SOLVER_MAX_TIERS];
  /* Scission's rules (exactly 3 tiers): its zero-compute upload quirks
   * (solver_problem.scission_quirks) and whole-byte bandwidths. */
  int scission;
} sim_problem_spec;

/* A built problem. Global system g (tier 0's systems first, then tier
 * 1's, ...) is blocks system g_source[g] on tier g_tier[g]. */
typedef struct sim_problem {
  solver_problem p;   /* ready for every solver_* call */
  size_t n_total;     /* systems over all tiers */
  size_t *g_source;   /* n_total */
  size_t *g_tier;     /* n_total */
  solver_system *sys; /* n_total (p.tiers point into it) */
  solver_link *links; /* n_total^2 (p.links); NaN = no link until set */
  int scission;
} sim_problem;

/* Build the problem: availability 1, no power figures, no links, input
 * and result 0 bytes until set. */
int sim_problem_build(const sim_problem_spec *spec, sim_problem *out,
                      ss_error *err);
void sim_problem_free(sim_problem *pb);

/* Set the link between global systems ga and gb (different tiers; either
 * order) from its parameters, through sim_link_cost. Returns the solver
 * link now in the problem. */
solver_link sim_problem_set_link(sim_problem *pb, size_t ga, size_t gb,
                                 const sim_link_spec *l);
/* Share of machine g this workload gets, (0,1] (0: down). */
void sim_problem_set_availability(sim_problem *pb, size_t g,
                                  double availability);
/* Power of machine g while computing and while sending, watts (0 =
 * unknown). */
void sim_problem_set_power(sim_problem *pb, size_t g, double compute_power_w,
                           double radio_power_w);
/* Raw model input sent from tier 0, and the result sent back (0 = none),
 * bytes. */
void sim_problem_set_bytes(sim_problem *pb, double input_bytes,
                           double result_bytes);

/* A scenario's model input in bytes: its input_mb when set, else the
 * profile's recorded size (>= 0), else SCN_DEFAULT_INPUT_MB. */
double sim_scenario_input_bytes(const scn_scenario *s,
                                double profile_input_bytes);

/* ---- per-stage costs of one placement ---------------------------------- */

typedef enum sim_stage_kind {
  SIM_STAGE_COMPUTE = 0, /* a tier runs its blocks */
  SIM_STAGE_HOP,         /* data crosses a link toward a later tier */
  SIM_STAGE_RETURN       /* the result goes back to tier 0 */
} sim_stage_kind;

typedef struct sim_stage {
  sim_stage_kind kind;
  /* COMPUTE: tier, system (index within the tier), global system g and
   * blocks first..last; compute_s = sum of block times / availability. */
  int tier, system;
  size_t g;
  int first_block, last_block;
  double availability;
  double compute_s;
  /* HOP and RETURN: from tier/global system to tier/global system, the
   * bytes sent and the link's numbers; transfer_s = latency_s + bytes /
   * bandwidth_bytes_per_s (solver_hop_s), as the solver reports it. */
  int from_tier, to_tier;
  size_t from_g, to_g;
  double bytes;
  double latency_s;
  double bandwidth_bytes_per_s;
  double transfer_s;
} sim_stage;

#define SIM_MAX_STAGES (2 * SOLVER_MAX_TIERS + 1)

/* The stages of a placement in the order a request meets them: compute of
 * each tier that runs blocks and the hops between them, then the return
 * hop when the problem has result bytes. latency_s is the solver's
 * end-to-end latency (the sum of the stages, as solver_evaluate adds
 * them). For the load simulator: it never recomputes a cost itself. */
typedef struct sim_stages {
  size_t n;
  sim_stage stage[SIM_MAX_STAGES];
  double latency_s;
} sim_stages;

/* Fails (like solver_evaluate) when the placement is malformed, needs a
 * missing link or a system that is down. */
int sim_problem_stages(const solver_problem *p, const solver_placement *pl,
                       sim_stages *out, ss_error *err);

#endif
