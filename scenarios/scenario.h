/* scenario: load a scenario file (YAML, or JSON which is YAML flow syntax)
 * into a validated struct, expand its sweep axes, set numeric parameters by
 * path, and write the scenario back with every default filled in.
 *
 * Reference: docs/scenarios.md. libyaml handles never leave this folder.
 *
 * Everything a scenario owns (strings, arrays) is malloc'd and freed by
 * scn_free. Positions (scn_pos) are 1-based line:column of the node in the
 * scenario file, kept so that later stages (the engine) can report semantic
 * errors such as an unknown model or system as `file:line:col: error: ...`
 * through scn_error_at. A position of {0, 0} means "not from the file" (a
 * default, or an entry created by a sweep axis). */
#ifndef SCN_SCENARIO_H
#define SCN_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

#include "../common/ss_error.h"
#include "../solver/solver.h"

/* Largest scenario file accepted (bytes). */
#define SCN_MAX_FILE_BYTES ((size_t)1024 * 1024)
/* Deepest nesting of mappings and lists accepted. */
#define SCN_MAX_DEPTH 32
/* Most tiers (equals the solver's SOLVER_MAX_TIERS). */
#define SCN_MAX_TIERS 8
/* Sanity limits that keep every check fast on a file of the largest size. */
#define SCN_MAX_SYSTEMS 1024 /* distinct systems over all tiers */
#define SCN_MAX_MODELS 4096
#define SCN_MAX_LINKS 4096 /* entries of links: */
#define SCN_MAX_AXES 256   /* sweep axes */
/* Most values one sweep axis may generate, and most sweep points in all. */
#define SCN_MAX_AXIS_VALUES ((size_t)10000000)
/* Most values all sweep axes of one scenario may generate together. */
#define SCN_MAX_TOTAL_AXIS_VALUES ((size_t)10000000)
#define SCN_MAX_SWEEP_POINTS ((size_t)1000000000000ULL)
/* Default model input when neither the scenario nor the profile has one. */
#define SCN_DEFAULT_INPUT_MB 0.15

typedef struct scn_pos {
  int line;   /* 1-based; 0 = not from the file */
  int column; /* 1-based */
} scn_pos;

/* A name with the place it was written. */
typedef struct scn_name {
  char *name;
  scn_pos pos;
} scn_name;

/* A machine named in tiers:, with its per-system parameters. Every system of
 * every tier has exactly one entry (defaults filled in). */
typedef struct scn_system {
  char *name;
  double availability;      /* share of the machine, (0, 1]; default 1 */
  double compute_power_w;   /* watts while computing; default 0 = unknown */
  double radio_power_w;     /* watts while sending; default 0 = unknown */
  scn_pos availability_pos; /* key in availability:, or {0,0} */
  scn_pos power_pos;        /* key in power:, or {0,0} */
} scn_system;

/* A tier: its name and candidate systems, in file order. */
typedef struct scn_tier {
  char *name;
  scn_pos pos;         /* the tier's key */
  size_t n_systems;    /* >= 1 */
  size_t *systems;     /* indices into scn_scenario.systems */
  scn_pos *system_pos; /* where each entry was written */
} scn_tier;

typedef enum scn_link_kind {
  SCN_LINK_TIERS = 0, /* a, b are tier indices: the default for every pair of
                         systems of those two tiers */
  SCN_LINK_SYSTEMS    /* a, b are system indices: overrides the tier pair */
} scn_link_kind;

/* How a link shares its bandwidth among transfers in flight (used where
 * several transfers overlap: the load simulator). */
typedef enum scn_sharing {
  SCN_SHARING_FIFO = 0, /* one at a time, in start order */
  SCN_SHARING_FAIR      /* processor sharing: bandwidth / n each */
} scn_sharing;

/* A link entry `a-b` of links:. Links are undirected: `edge-device` is the
 * same link as `device-edge` (a second one is a duplicate). A value that is
 * not set here comes from the network file (the engine's job). */
typedef struct scn_link {
  char *key; /* as written, e.g. "device-edge", "raspi4-2500" */
  scn_link_kind kind;
  size_t a, b; /* split of the key (tier or system indices), a != b */
  int has_latency_ms;
  int has_bandwidth_mbps;
  double latency_ms;     /* >= 0, one-way, added once per hop used; NaN
                            when not set */
  double bandwidth_mbps; /* > 0, Mbit/s (common/ss_units.h); NaN when unset */
  /* Opt-in calibration (splitsim calibrate, docs/validation.md): the share
   * of the nominal rate that carries payload, in (0, SCN_EFFICIENCY_MAX],
   * and a fixed cost per transfer, >= 0. Unset (has_* 0, NaN): 1 and 0,
   * the plain Scission hop. Not sweep parameters. */
  int has_efficiency;
  int has_overhead_ms;
  double efficiency;
  double overhead_ms;
  scn_pos pos; /* the key (or the sweep param that created it) */
  /* Time-varying bandwidth (docs/traces.md): where time matters (replay:,
   * the load simulator) the link's bandwidth follows this trace file
   * (`time_s mbps` rows, read by sim/sim_trace.h); the analytic tables use
   * bandwidth_mbps, or the trace's mean when that is unset. */
  char *trace;           /* absolute path, or NULL */
  char *trace_raw;       /* as written, or NULL */
  scn_pos trace_pos;     /* the trace value */
  double trace_scale;    /* > 0: multiplies every trace value; default 1 */
  double trace_offset_s; /* >= 0: start this far into the trace; default 0 */
  int repeat;            /* 1 (default): the trace repeats at its end; 0: its
                            last row holds */
  scn_sharing sharing;   /* transfers in flight: fifo (default) or fair */
} scn_link;

/* Largest link efficiency a scenario accepts (above 1: the nominal rate
 * understates the link). */
#define SCN_EFFICIENCY_MAX 2.0

/* constraints.max_link_mb entry: at most `mb` MB (10^6 bytes) may cross
 * the tier pair (a, b) (undirected). */
typedef struct scn_link_limit {
  char *key;
  size_t a, b; /* tier indices */
  double mb;   /* >= 0; NaN when created by a sweep axis, before a point */
  scn_pos pos;
} scn_link_limit;

typedef struct scn_constraints {
  int privacy;             /* 1: tier 0 runs at least one block (the raw input
                              never leaves it); default 0 */
  long long *min_blocks;   /* n_tiers entries, >= 0; default 0 */
  long long *max_blocks;   /* n_tiers entries, >= 0; -1 = no limit (default) */
  scn_pos *min_blocks_pos; /* n_tiers, {0,0} when default */
  scn_pos *max_blocks_pos;
  size_t n_link_limits;
  scn_link_limit *link_limits;
} scn_constraints;

typedef enum scn_param_kind {
  SCN_PARAM_INPUT_MB = 0,
  SCN_PARAM_RESULT_MB,
  SCN_PARAM_LINK_LATENCY_MS,     /* index: link */
  SCN_PARAM_LINK_BANDWIDTH_MBPS, /* index: link */
  SCN_PARAM_AVAILABILITY,        /* index: system */
  SCN_PARAM_COMPUTE_POWER_W,     /* index: system */
  SCN_PARAM_RADIO_POWER_W,       /* index: system */
  SCN_PARAM_MIN_BLOCKS,          /* index: tier (whole numbers only) */
  SCN_PARAM_MAX_BLOCKS,          /* index: tier (whole numbers only) */
  SCN_PARAM_MAX_LINK_MB,         /* index: link limit */
  SCN_PARAM_CLIENT_COUNT,        /* index: workload client group */
  SCN_PARAM_CLIENT_RATE_HZ,      /* index: client group (poisson/periodic) */
  SCN_PARAM_CLIENT_JITTER_MS,    /* index: client group */
  SCN_PARAM_CLIENT_DEADLINE_MS,  /* index: client group */
  SCN_PARAM_SERVERS,             /* index: system (whole numbers >= 1) */
  SCN_PARAM_QUEUE_LIMIT,         /* index: system (whole numbers >= 0) */
  SCN_PARAM_DURATION_S,          /* workload.duration_s (index 0) */
  SCN_PARAM_LINK_TRACE_SCALE,    /* index: link */
  SCN_PARAM_LINK_TRACE_OFFSET_S  /* index: link */
} scn_param_kind;

/* A numeric parameter resolved from its path (see scn_param_resolve). Valid
 * for the scenario it was resolved on and for copies made afterwards. */
typedef struct scn_param {
  scn_param_kind kind;
  size_t index;
} scn_param;

typedef enum scn_axis_form {
  SCN_AXIS_VALUES = 0, /* values: [v, ...] */
  SCN_AXIS_LINEAR,     /* linear: [from, to, n] evenly spaced */
  SCN_AXIS_LOG         /* log: [from, to, n] evenly spaced in log10 */
} scn_axis_form;

/* One sweep axis: a parameter and the values it takes. */
typedef struct scn_axis {
  char *param; /* path as written, e.g. "links.device-edge.bandwidth_mbps" */
  scn_param target; /* resolved path */
  scn_pos pos;      /* the param value */
  scn_axis_form form;
  double from, to; /* linear/log ends (both 0 for values:) */
  size_t n_values; /* >= 1 */
  double *values;  /* generated values, in order */
  char *zip;       /* zip group name, or NULL */
  size_t group;    /* index into scn_scenario.groups */
} scn_axis;

/* Axes that advance together: one zip group, or a single unzipped axis.
 * Groups are ordered by their first axis; the sweep is the cartesian product
 * of the groups with the last group varying fastest. */
typedef struct scn_group {
  size_t n_values; /* common length of its axes */
  size_t n_axes;
  size_t *axes; /* indices into scn_scenario.axes, in file order */
} scn_group;

/* How the reference point was chosen. */
typedef enum scn_reference_kind {
  SCN_REF_MIDDLE = 0, /* default: the middle of each axis */
  SCN_REF_VALUES,     /* reference: {param: value, ...} */
  SCN_REF_POINT       /* reference: {point: N} */
} scn_reference_kind;

typedef struct scn_scenario {
  char *file; /* path given to scn_load (for messages) */
  char *name; /* default: the file name without its extension */
  scn_pos name_pos;

  char *profiles;     /* absolute path of the store (HDF5 file or folder of
                         .dat files); NULL = the embedded default store */
  char *profiles_raw; /* as written, or NULL */
  scn_pos profiles_pos;
  char *network; /* absolute path of a network CSV, or NULL */
  char *network_raw;
  scn_pos network_pos;

  int all_models; /* models: all (n_models is then 0) */
  size_t n_models;
  scn_name *models;
  scn_pos models_pos;

  int input_mb_set; /* 0: per-model input size from the profile, or
                       SCN_DEFAULT_INPUT_MB when the profile lacks one */
  double input_mb;  /* MB = 10^6 bytes; valid when input_mb_set */
  scn_pos input_mb_pos;
  double result_mb; /* result sent back to tier 0; default 0 */

  size_t n_tiers; /* 1..SCN_MAX_TIERS; tier 0 is the data source */
  scn_tier *tiers;
  scn_pos tiers_pos;
  size_t n_systems; /* distinct systems of all tiers, first-seen order */
  scn_system *systems;

  size_t n_links;
  scn_link *links;

  solver_objective objective; /* default latency (solver_objectives) */
  scn_pos objective_pos;
  scn_constraints constraints;
  size_t top_k;  /* >= 1; default 1 */
  int calibrate; /* 1: scale each system's block times of a model so they
                    sum to its measured whole-model time (when known);
                    default 0 */

  size_t n_axes;
  scn_axis *axes;
  size_t n_groups;
  scn_group *groups;

  /* The reference point (scn_reference.c): one value per axis (NULL
   * without axes), where curves, elasticities and the studies are
   * evaluated. */
  double *reference;
  scn_reference_kind reference_kind;
  size_t reference_point; /* with SCN_REF_POINT */

  /* Studies (docs/studies.md); NULL when the section is absent. */
  struct scn_purchase *purchase;
  struct scn_uncertainty *uncertainty;
  struct scn_sensitivity *sensitivity;
  /* Load simulation (docs/simulation.md); NULL when absent. */
  struct scn_workload *workload;
  /* Re-partitioning policies replayed over traces (docs/traces.md); NULL
   * when the section is absent. */
  struct scn_replay *replay;
} scn_scenario;

/* Load and validate a scenario file (at most SCN_MAX_FILE_BYTES). Relative
 * paths inside resolve against the file's folder; the profiles and network
 * paths must exist. On success *out is a new scenario (caller frees with
 * scn_free). On failure returns -1, *out = NULL and err holds
 * file, "line:col" and the message. */
int scn_load(const char *path, scn_scenario **out, ss_error *err);

/* The same for text in memory. `file` names it in messages and gives the
 * default name (may be NULL: "scenario"); relative paths resolve against
 * base_dir (NULL: the current folder). */
int scn_load_text(const char *text, size_t len, const char *file,
                  const char *base_dir, scn_scenario **out, ss_error *err);

void scn_free(scn_scenario *s); /* NULL is a no-op */

/* Deep copy (NULL when out of memory). Resolved scn_param values of s stay
 * valid on the copy. Caller frees with scn_free. */
scn_scenario *scn_copy(const scn_scenario *s);

/* 1 when a and b describe the same scenario (positions, the file name and
 * the raw path texts are ignored; doubles compare exactly). */
int scn_equal(const scn_scenario *a, const scn_scenario *b);

/* Number of sweep points: product of the group lengths (1 without axes). */
size_t scn_sweep_count(const scn_scenario *s);
/* Values of every axis (values[n_axes]) at flat point index
 * (0 <= index < scn_sweep_count; last group fastest). */
void scn_sweep_point(const scn_scenario *s, size_t index, double *values);
/* Set every swept parameter of s to its value at point index. */
int scn_apply_point(scn_scenario *s, size_t index, ss_error *err);

/* The middle of n values in sweep order: index (n - 1) / 2, the lower
 * middle one for an even count (0 for n = 0). The one definition of "the
 * middle of an axis", also for plots/ when scenario.resolved.yaml does not
 * name the reference. */
size_t scn_middle_index(size_t n_values);
/* The default reference point: the sweep point with every zip group or
 * axis at its middle value (scn_middle_index). */
size_t scn_reference_middle_point(const scn_scenario *s);
/* Set every swept parameter of s to its reference value. */
int scn_apply_reference(scn_scenario *s, ss_error *err);
/* "middle of each axis", "given" or "sweep point". */
const char *scn_reference_how(const scn_scenario *s);
/* "param=value, ..." (values %.6g) into buf; returns the length. */
size_t scn_reference_text(const scn_scenario *s, char *buf, size_t size);

/* Resolve a parameter path: input_mb, result_mb,
 * links.<pair>.latency_ms, links.<pair>.bandwidth_mbps,
 * links.<pair>.trace_scale, links.<pair>.trace_offset_s,
 * availability.<system>, power.<system>.compute_power_w,
 * power.<system>.radio_power_w, constraints.min_blocks.<tier>,
 * constraints.max_blocks.<tier>, constraints.max_link_mb.<tier pair>.
 * <pair> is `tierA-tierB` or `systemA-systemB`; a link or link limit that is
 * not in s yet is created (with no values set). */
int scn_param_resolve(scn_scenario *s, const char *path, scn_param *out,
                      ss_error *err);
/* Set a resolved parameter after checking the value's range (e.g.
 * bandwidth > 0, availability in (0, 1], block counts whole). */
int scn_param_set(scn_scenario *s, const scn_param *p, double value,
                  ss_error *err);
/* Current value (NaN when a link value is not set). */
double scn_param_get(const scn_scenario *s, const scn_param *p);
/* scn_param_resolve + scn_param_set. */
int scn_set_param(scn_scenario *s, const char *path, double value,
                  ss_error *err);

/* Lookups (NULL / -1 when absent). Links match in either direction. */
long scn_tier_index(const scn_scenario *s, const char *name);
long scn_system_index(const scn_scenario *s, const char *name);
const scn_link *scn_link_find(const scn_scenario *s, scn_link_kind kind,
                              size_t a, size_t b);

/* Fill err with s->file, "line:col" of pos (empty when pos is {0,0}) and the
 * formatted message. Returns -1. For semantic errors found later. */
int scn_error_at(ss_error *err, const scn_scenario *s, scn_pos pos,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Place an error found by a lower layer (which knows no file) at pos of
 * s: sets its file and "line:col", keeps its kind and message. -1. */
int scn_error_place(ss_error *err, const scn_scenario *s, scn_pos pos);

/* Write the scenario as YAML with every default filled in and absolute
 * paths; reading it back gives an equal scenario (scn_equal). */
int scn_write_resolved_yaml(const scn_scenario *s, FILE *fp, ss_error *err);
/* The same into a file, atomically (temporary name + rename). */
int scn_save_resolved_yaml(const scn_scenario *s, const char *path,
                           ss_error *err);

/* ---- studies: purchase:, uncertainty:, sensitivity: (scn_study.c) ------
 * Loaded with the scenario, freed by scn_free, copied by scn_copy, compared
 * by scn_equal and written by scn_write_resolved_yaml. Reference:
 * docs/studies.md. */

/* Most options of a purchasing study, and most option sets it evaluates
 * (the options alone plus, with a budget, every affordable combination). */
#define SCN_MAX_OPTIONS 48
#define SCN_MAX_PURCHASE_SETS ((size_t)200000)
/* Monte Carlo limits: samples, and samples x kept placements (memory). */
#define SCN_MAX_MC_SAMPLES ((size_t)10000000)
#define SCN_MAX_MC_STORED ((size_t)20000000)
/* Most values read from one trace file. */
#define SCN_MAX_TRACE_VALUES ((size_t)10000000)

/* A system of a tier, as named in purchase.baseline. */
typedef struct scn_tier_system {
  size_t tier; /* index into scn_scenario.tiers */
  char *system;
  scn_pos pos;
} scn_tier_system;

/* One purchasing option: a machine bought for a tier. */
typedef struct scn_option {
  char *name; /* unique, no '+' (combinations join names with '+') */
  scn_pos pos;
  size_t tier;
  scn_pos tier_pos;
  char *system; /* a system of the profile store */
  scn_pos system_pos;
  double price;       /* >= 0, in the user's currency */
  double yearly_cost; /* >= 0 per year; default 0 */
  double power_w;     /* >= 0; default 0 (unknown); reported only */
  double scale;       /* > 0; block times x scale; 1 = as measured */
  scn_pos scale_pos;
} scn_option;

/* A model of a workload mix and its weight (or requests per second). */
typedef struct scn_weight {
  char *model;
  double weight; /* >= 0; the weights of a workload sum to > 0 */
  scn_pos pos;
} scn_weight;

typedef struct scn_purchase {
  scn_pos pos; /* the purchase: key */
  /* What is owned today, file order; default (and when written back): the
   * scenario's tiers. Tier 0 needs at least one system. */
  size_t n_baseline;
  scn_tier_system *baseline;
  size_t n_options; /* 1..SCN_MAX_OPTIONS */
  scn_option *options;
  /* Workload mix; 0 entries = every model of the run, weight 1. */
  size_t n_workload;
  scn_weight *workload;
  int has_budget; /* 1: also every affordable combination of options */
  double budget;  /* >= 0 */
  scn_pos budget_pos;
  /* > 0: horizon of the total cost of ownership, price + yearly_cost x
   * years (`horizon_years:`, older name `years:`); default 3 */
  double years;
} scn_purchase;

typedef enum scn_dist_kind {
  SCN_DIST_NORMAL = 0, /* a = mean, b = sd (>= 0) */
  SCN_DIST_LOGNORMAL,  /* a = median (> 0), b = sigma of ln x (>= 0) */
  SCN_DIST_UNIFORM,    /* a = min, b = max (a <= b) */
  SCN_DIST_TRACE       /* values drawn uniformly from a trace file */
} scn_dist_kind;

/* The distribution of one uncertain parameter. */
typedef struct scn_dist {
  char *param;      /* path as written */
  scn_param target; /* link latency/bandwidth or availability */
  scn_pos pos;      /* the path (key) */
  scn_dist_kind kind;
  double a, b;
  char *file;      /* trace: absolute path; else NULL */
  char *file_raw;  /* trace: as written */
  size_t n_values; /* trace: values read (each valid for the parameter) */
  double *values;
} scn_dist;

typedef enum scn_block_times {
  SCN_BLOCKS_FIXED = 0, /* block times are the profile medians */
  SCN_BLOCKS_PROFILE,   /* lognormal fitted to the profile's p10/p90 */
  SCN_BLOCKS_SAMPLES    /* the profile's raw samples when present */
} scn_block_times;

typedef struct scn_uncertainty {
  scn_pos pos;
  size_t samples;     /* 1..SCN_MAX_MC_SAMPLES; default 10000 */
  unsigned long seed; /* default 1 */
  int has_deadline;
  double deadline_ms;          /* > 0 */
  size_t top_k;                /* placements reported per model; default 10 */
  scn_block_times block_times; /* default profile */
  double block_sigma; /* >= 0: sigma of ln t for blocks without p10/p90;
                         default 0 */
  size_t n_dists;
  scn_dist *dists;
} scn_uncertainty;

typedef struct scn_sensitivity {
  scn_pos pos;
  double range_pct; /* in (0, 100); default 50 */
  /* Parameters to move; 0 = every link value, availability and the input
   * size (found when the study runs). */
  size_t n_params;
  char **params;
  scn_param *targets;
  scn_pos *param_pos;
  /* Workload weights; 0 entries = purchase.workload, else weight 1. */
  size_t n_workload;
  scn_weight *workload;
} scn_sensitivity;

/* Name of a distribution kind ("normal", ...) and of a block-time mode. */
const char *scn_dist_name(scn_dist_kind k);
const char *scn_block_times_name(scn_block_times m);

/* Name of an option's system as the studies use it: the system's name, or
 * "<system>*<scale>" when scale != 1 (an estimate). Caller frees. */
char *scn_option_system_name(const scn_option *o);

/* ---- load simulation: workload:, servers:, queue_limit: (scn_workload.c)
 * Loaded with the scenario, freed, copied, compared and written like the
 * studies. Reference: docs/simulation.md. */

#define SCN_MAX_CLIENT_GROUPS 64
#define SCN_MAX_CLIENTS 1000000 /* clients of one group */
#define SCN_MAX_REPLICATIONS 1000
#define SCN_MAX_SIM_REQUESTS 1000000000ULL
#define SCN_MAX_SIM_TOP_K 64

typedef enum scn_arrival {
  SCN_ARRIVAL_POISSON = 0, /* {poisson: RATE_HZ} per client */
  SCN_ARRIVAL_PERIODIC     /* {periodic: FPS, jitter_ms: J} per client */
} scn_arrival;

typedef enum scn_service {
  SCN_SERVICE_DETERMINISTIC = 0,
  SCN_SERVICE_EXPONENTIAL,
  SCN_SERVICE_LOGNORMAL
} scn_service;

/* Rows of policy_table (scenarios/scn_workload.c: name, description) and of
 * wl_policy_table (sim/sim_workload_run.c: how it picks routes), in this
 * order. */
typedef enum scn_policy {
  SCN_POLICY_STATIC = 0, /* the idle-world optimum */
  SCN_POLICY_LOAD_AWARE, /* re-ranked with queueing delays, fixed point */
  SCN_POLICY_ADAPTIVE,   /* per request among the top-k */
  SCN_N_POLICIES
} scn_policy;

/* A group of identical clients (devices). */
typedef struct scn_clients {
  scn_pos pos;  /* the list item */
  double count; /* whole, >= 1 (a double so that sweeps can set it) */
  scn_pos count_pos;
  char *model; /* one of the scenario's models */
  scn_pos model_pos;
  scn_arrival arrival;
  double rate_hz;   /* per client, > 0 */
  double jitter_ms; /* periodic: >= 0; default 0 */
  scn_pos arrival_pos;
  double deadline_ms; /* > 0; INFINITY when absent */
  scn_pos deadline_pos;
} scn_clients;

typedef struct scn_workload {
  scn_pos pos; /* the workload: key */
  size_t n_clients;
  scn_clients *clients;
  /* What is measured after the warm-up: `requests` completions (default
   * 20000) or, when duration_s > 0, duration_s simulated seconds (exactly
   * one of the two keys; duration_s is 0 when requests is used). */
  unsigned long long requests;
  double duration_s;
  scn_pos duration_pos;
  /* Default requests / 10, or with duration_s 10% of the completions
   * expected in it (duration_s x the clients' total rate, rounded). */
  unsigned long long warmup_requests;
  size_t replications; /* default 5 */
  unsigned long seed;  /* default 1 */
  scn_service service; /* default deterministic */
  /* lognormal: sigma of ln(block time) where a block has no p10/p90;
   * default 0.1 */
  double service_sigma;
  size_t n_policies; /* default 1: static */
  scn_policy policies[SCN_N_POLICIES];
  size_t top_k; /* adaptive: candidate placements; default 3 */
  /* Per scenario system (n_systems entries): parallel servers (whole,
   * >= 1; default 1) and the most requests waiting (whole, >= 0; 0 = no
   * limit, the default). Positions {0,0} when default. */
  double *servers;
  double *queue_limit;
  scn_pos *servers_pos;
  scn_pos *queue_limit_pos;
} scn_workload;

const char *scn_policy_name(scn_policy p); /* "static", "load-aware", ... */
const char *scn_policy_description(scn_policy p); /* one line */
const char *scn_service_name(scn_service s);      /* "deterministic", ... */
const char *scn_arrival_name(scn_arrival a);      /* "poisson", "periodic" */
/* ---- replay: re-partitioning policies over traces (scn_replay.c) ------
 * Reference: docs/traces.md. */

/* Most trace files one replay may name. */
#define SCN_MAX_REPLAY_TRACES ((size_t)100000)
/* Most links one replay may trace. */
#define SCN_MAX_REPLAY_LINKS 16

typedef enum scn_replay_policy {
  SCN_REPLAY_STATIC = 0, /* one placement for the whole trace */
  SCN_REPLAY_PERIODIC,   /* re-decided every interval_s on an estimate */
  SCN_REPLAY_ORACLE      /* the best placement for every request */
} scn_replay_policy;
#define SCN_N_REPLAY_POLICIES 3

typedef enum scn_estimator {
  SCN_ESTIMATOR_LAST = 0, /* the sample holding at the decision time */
  SCN_ESTIMATOR_MEAN,     /* time-weighted mean over the last interval */
  SCN_ESTIMATOR_HARMONIC  /* time-weighted harmonic mean over it */
} scn_estimator;

typedef struct scn_replay {
  scn_pos pos; /* the replay: key */
  /* The traced links: their bandwidth follows each trace (one shared
   * access network, e.g. [device-edge, device-cloud]); a placement may cross
   * at most one of them. trace_scale, trace_offset_s and repeat come from
   * the first. */
  size_t n_links;     /* 1..SCN_MAX_REPLAY_LINKS */
  char **link_keys;   /* as written */
  size_t *link_index; /* into scn_scenario.links */
  scn_pos link_pos;
  char **traces_raw; /* as written: files, folders or globs */
  size_t n_traces_raw;
  scn_pos traces_pos;
  char **traces;     /* expanded: absolute paths, sorted, no duplicates */
  size_t n_traces;   /* >= 1 */
  double rate_hz;    /* > 0: requests per second; default 10 */
  size_t n_policies; /* 1..SCN_N_REPLAY_POLICIES, no duplicates */
  scn_replay_policy
      policies[SCN_N_REPLAY_POLICIES]; /* default static, periodic, oracle */
  double interval_s;       /* > 0: periodic re-decision interval; default 5 */
  scn_estimator estimator; /* default harmonic */
  double switch_cost_ms;   /* >= 0: paid when the placement changes */
  int has_deadline;
  double deadline_ms;           /* > 0 */
  int has_static_bandwidth;     /* 0: static uses each trace's mean */
  double static_bandwidth_mbps; /* > 0 */
  size_t charts;                /* most per-trace charts; default 8 */
} scn_replay;

/* "static", "periodic", "oracle"; "last", "mean", "harmonic". */
const char *scn_replay_policy_name(scn_replay_policy p);
const char *scn_estimator_name(scn_estimator e);
const char *scn_sharing_name(scn_sharing s);

#endif
