/* Private to sim/ (and its tests): phases, ordered tasks that may be
 * shipped as units (sim_units.c; the interface is sim_dist.h). */
#ifndef SIM_UNITS_INTERNAL_H
#define SIM_UNITS_INTERNAL_H

#include <stddef.h>

#include "../common/ss_error.h"
#include "../common/ss_mem.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "sim.h"
#include "sim_tasks_internal.h"

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

/* Raw values in a unit's aux bytes (the writer's byte order; journals
 * record it). sim_aux_get returns -1 when fewer than n bytes are left. */
void sim_aux_put(ss_buf *b, const void *p, size_t n);
int sim_aux_get(const char **p, const char *end, void *dst, size_t n);

#endif
