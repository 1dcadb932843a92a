/* Running a scenario as shards (--shard K/N) or over MPI (--mpi), and
 * merging shard journals: the tools/ side of sim/sim_dist.h. */
#ifndef TOOLS_RUN_DIST_H
#define TOOLS_RUN_DIST_H

#include <stddef.h>

#include "../sim/sim.h"
#include "cli.h"

typedef struct run_dist {
  int shard;
  size_t k, n; /* --shard K/N */
  int mpi;     /* --mpi */
  int rank, size;
  struct mpi_units *mu; /* the MPI transport (tools/mpi_units.c) */
} run_dist;

/* Run scenario s (index scn in the batch) as a shard or an MPI rank.
 * note gets a one-line summary for stdout (empty on MPI ranks > 0). */
int run_dist_scenario(const scn_scenario *s, sim_run_options *ro,
                      const run_dist *d, size_t scn, sim_run_report *rep,
                      char *note, size_t note_size, ss_error *err);

/* Merge the shard journals of one scenario folder (OUTROOT/<name>, or
 * only the journal file `only` in it) into the outputs a single process
 * writes, through sim_run; then remove the journals. */
int run_dist_merge(const char *dir, const char *only, unsigned jobs,
                   const volatile sig_atomic_t *cancel, int with_report,
                   sim_run_report *rep, size_t *n_shards,
                   unsigned long long *n_units, ss_error *err);

/* What the finish hook needs: the profile store path when the scenario
 * uses the default store (its resolved YAML then has no path for plots to
 * read), else NULL; gnuplot runs at once (0: the plots default, the CPUs
 * up to 8); the progress line (NULL: none). */
typedef struct run_finish_ctx {
  const char *store;
  int jobs;
  cli_progress *progress;
} run_finish_ctx;

/* The finish hook of `splitsim run` (charts and report; cmd_run.c); ctx is
 * a run_finish_ctx. */
int run_finish_charts(void *ctx, const char *dir, const prof_set *profiles,
                      ss_error *err);

#endif
