/* sim: the scenario engine. Turns a loaded scenario and a profile set into
 * solver problems, runs every sweep point, and writes the output tables
 * (docs/outputs.md): best.csv, breakpoints.csv, curves.csv, summary.csv,
 * scenario.resolved.yaml and run.json.
 *
 * Library code: never prints, never exits; errors fill an ss_error. The
 * engine knows nothing about the command line: the caller passes paths
 * (e.g. the default profile store) and a cancel flag. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"
#include "../profiles/network.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"

/* ---- the engine: a scenario resolved against profiles ------------------ */

typedef struct sim_engine sim_engine;

/* Resolve a scenario against a profile set and an optional network table
 * (NULL: links come from the scenario only). Checks that every system and
 * model exists (errors point at the scenario entry and list the known
 * names), that all systems agree on each model's blocks, and that every
 * pair of systems of different tiers has a link (latency and bandwidth)
 * at the first sweep point. The engine copies what it needs from s and set;
 * both may be freed afterwards. Caller frees *out with sim_engine_free. */
int sim_engine_new(const scn_scenario *s, const prof_set *set,
                   const prof_network *net, sim_engine **out, ss_error *err);
void sim_engine_free(sim_engine *e); /* NULL is a no-op */

size_t sim_engine_n_models(const sim_engine *e);
const char *sim_engine_model(const sim_engine *e, size_t m); /* borrowed */
/* Number of sweep points (1 without axes). */
size_t sim_engine_n_points(const sim_engine *e);

/* Best placement of model m at sweep point `point`, evaluated exactly.
 * Returns 1 when one exists (into *out), 0 when no placement is feasible,
 * -1 on error. For tests and one-off queries (prepares a fresh solver
 * sweep each call). */
int sim_engine_best_at(const sim_engine *e, size_t point, size_t m,
                       solver_result *out, ss_error *err);

/* ---- writing the tables ------------------------------------------------ */

typedef void (*sim_progress_fn)(void *ctx, uint64_t done, uint64_t total);

typedef struct sim_options {
  unsigned jobs; /* threads; 0 or 1 = one */
  /* Nonzero stops the run cleanly (the call then fails with "interrupted"
   * and sim_interrupted() is 1 for that error). May be NULL. */
  const volatile sig_atomic_t *cancel;
  /* Called with the rows written so far (points x models) and the total,
   * from the writing thread. May be NULL. */
  sim_progress_fn progress;
  void *progress_ctx;
  /* Work units shipped between processes (sim_dist.h); NULL: none. */
  struct sim_dist *dist;
} sim_options;

/* Timings of one run, seconds. */
typedef struct sim_timings {
  double load_s;     /* profiles, network, checksums, engine */
  double sweep_s;    /* best.csv (+ top.csv) and the summary counts */
  double analysis_s; /* breakpoints, curves, elasticities */
  double finish_s;   /* the finish hook (charts and report) */
  double total_s;
} sim_timings;

/* Write best.csv (and top.csv when the scenario's top_k > 1),
 * breakpoints.csv, curves.csv and summary.csv into the existing folder
 * outdir. Every file is written under a temporary name and renamed. */
int sim_write_tables(const sim_engine *e, const char *outdir,
                     const sim_options *opt, sim_timings *t, ss_error *err);

/* The load simulation (docs/simulation.md): when the scenario has a
 * workload: section, write sim.csv and sim_cdf.csv into outdir (no-op
 * otherwise). *n_unstable counts point x policy runs that hit a cap or whose
 * predicted utilisation reached 1 (each also says so in its status column). */
int sim_write_load(const sim_engine *e, const char *outdir,
                   const sim_options *opt, size_t *n_unstable, ss_error *err);

/* 1 when err came from a cancelled run. */
int sim_interrupted(const ss_error *err);

/* ---- one whole scenario run -------------------------------------------- */

typedef struct sim_run_options {
  sim_options base;
  const char *outroot; /* folder of the scenario folders ("out") */
  /* Store used when the scenario has no `profiles:` (an HDF5 file). NULL:
   * such a scenario fails with a message naming the missing store. */
  const char *default_profiles;
  const char *default_profiles_hint; /* extra words for that message */
  int resume; /* skip when OUTROOT/<name>/run.json matches the inputs */
  /* OUTROOT/<name> holding files splitsim did not write (its manifest,
   * splitsim-manifest.txt, does not list them) stops the run before any
   * work; 1: write beside them, leaving them untouched. */
  int force;
  /* Refuse a run whose output is estimated (sim_estimate_output_bytes)
   * above this many bytes; 0: SIM_MAX_OUTPUT_BYTES_DEFAULT. A run is also
   * refused when the estimate exceeds the free space of OUTROOT. */
  double max_output_bytes;
  /* Called with the temporary folder once the tables, the resolved
   * scenario and a provisional run.json are in it, before the folder is
   * moved into place (tools/ uses it for charts and the report, plots/).
   * When it fails the tables are still moved into place, run.json records
   * "report": "failed" (so --resume runs the scenario again), and sim_run
   * returns -1 with report_failed set and err from the hook. NULL: none. */
  int (*finish)(void *ctx, const char *dir, const prof_set *profiles,
                ss_error *err); /* profiles: the set the run used */
  void *finish_ctx;
} sim_run_options;

#define SIM_MAX_OUTPUT_BYTES_DEFAULT 10e9

/* Estimated bytes of the tables a run of e writes (best.csv, top.csv,
 * curves.csv; the others are small): rows times a per-row size from the
 * columns, on the high side of what is written (measured 1.0-1.4x). */
double sim_estimate_output_bytes(const sim_engine *e);

typedef struct sim_run_report {
  char outdir[4096]; /* OUTROOT/<name> */
  int skipped;       /* 1: --resume found it complete */
  int report_failed; /* 1: the tables are in place, the finish hook failed */
  size_t n_unstable; /* load simulation: unstable or capped runs */
  size_t n_points;
  size_t n_models;
  sim_timings t;
} sim_run_report;

/* Load the profiles and network of s, resolve it, and write all its files
 * into a marked temporary folder OUTROOT/.splitsim-tmp-XXXXXX/ (common/
 * ss_tmp.h), list them in its splitsim-manifest.txt, then move that folder
 * to OUTROOT/<name>/ so that the final folder is always complete: an old
 * output is moved aside and only the files of its manifest are removed; a
 * folder holding anything else is refused before any work (opt->force:
 * the new files are moved in one by one beside the others). An old output
 * that cannot be removed is an error. With opt->resume, a folder whose
 * run.json records the same splitsim version, scenario file path and
 * SHA-256 of the scenario file, profile store and network file (and a
 * written report when a finish hook is given) is kept and rep->skipped
 * set. Stale temporaries of killed runs in OUTROOT are removed first. On
 * failure or cancel the temporary folder is removed and an old
 * OUTROOT/<name>/ stays as it was. */
int sim_run(const scn_scenario *s, const sim_run_options *opt,
            sim_run_report *rep, ss_error *err);

/* The reader of run.json (which sim_run writes): the string value of the
 * first member named `key`, JSON escapes decoded; NULL when absent, not a
 * string (null), or out of memory. Caller frees. */
char *sim_run_json_string(const char *text, const char *key);

/* Remove a folder and everything in it (no error when absent). */
int sim_remove_tree(const char *path, ss_error *err);

#endif
