/* sim_dist: a run cut into work units that any process can compute, and the
 * unit journals (shard files) that carry them to the process that writes
 * the outputs. docs/cluster.md describes the design.
 *
 * A run is a fixed sequence of *phases* (best.csv blocks of 512 sweep
 * points, breakpoint lines, curves, ...). Each phase is a numbered list of
 * tasks whose outputs are committed strictly in task order; a task's output
 * depends only on the inputs and the task number (random streams are
 * seeded from the task, never from a thread, shard or rank). A *unit* is
 * one task of a phase that can be shipped: its output bytes plus the few
 * bytes of worker state its commit needs ("aux").
 *
 * Three modes (sim_options.dist):
 *   - none (NULL): every phase runs on local threads, as always;
 *   - collect: the phases run, but each process computes only the units
 *     that io.next hands it and gives them to io.done (a shard journal, or
 *     the MPI dispatcher); no output file is written;
 *   - replay: the phases run, taking the units from the journals instead
 *     of computing them, and commit them through the same writers a
 *     single process uses. Phases the journals do not hold run locally.
 *
 * Library code: never prints, never exits. */
#ifndef SIM_SIM_DIST_H
#define SIM_SIM_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"
#include "../common/ss_manifest.h"

/* What a unit journal must agree on with the run that reads it. */
typedef struct sim_identity {
  char version[64];
  char scenario_file[4096]; /* absolute path when known */
  char scenario_sha[65];
  char profiles[4096];
  int profiles_default; /* the default store was used */
  char profiles_sha[65];
  char network[4096]; /* "" when none */
  char network_sha[65];
  int report; /* the run writes charts and a report */
} sim_identity;

/* Where units come from and go to in collect mode. Calls of next and done
 * are serialised by the engine (one at a time); serve runs concurrently
 * with them. */
typedef struct sim_unit_io {
  void *ctx;
  /* Once per scenario before any phase: the run's identity and its output
   * folder OUTROOT/<name>. May be NULL. */
  int (*begin)(void *ctx, const sim_identity *id, const char *outdir,
               ss_error *err);
  /* A phase starts: its name, task count and per-task cost estimates
   * (cost may be NULL: all equal). */
  int (*phase)(void *ctx, const char *name, size_t n_tasks, const double *cost,
               ss_error *err);
  /* The next task of the phase to compute into *task: 1, 0 when this
   * process has no more, -1 on error. */
  int (*next)(void *ctx, size_t *task, ss_error *err);
  /* A computed unit. */
  int (*done)(void *ctx, size_t task, const char *out, size_t out_len,
              const char *aux, size_t aux_len, ss_error *err);
  /* When not NULL, runs on the calling thread while compute threads call
   * next/done, and returns once the phase is complete everywhere (the MPI
   * dispatcher). */
  int (*serve)(void *ctx, ss_error *err);
  /* A local compute thread failed: serve must return soon. May be NULL. */
  void (*fail)(void *ctx);
  /* After a phase: unit `task` of it, read back (out and aux are sim_bufs
   * of sim/; opaque here). Only where this process holds every unit of
   * the phase (a 1-way journal, MPI rank 0); else NULL. */
  int (*fetch)(void *ctx, size_t task, void *out, void *aux, ss_error *err);
  /* Make the bytes *data (malloc'd, *len of them) on every process equal
   * to those of the process that can fetch (MPI: rank 0 sends, the others
   * receive; a receiver replaces *data, freeing the old). NULL: this
   * process has no peers. */
  int (*sync)(void *ctx, char **data, size_t *len, ss_error *err);
} sim_unit_io;

typedef struct sim_shards sim_shards;

typedef enum sim_dist_mode {
  SIM_DIST_COLLECT = 1,
  SIM_DIST_REPLAY = 2
} sim_dist_mode;

typedef struct sim_dist {
  sim_dist_mode mode;
  sim_unit_io io;           /* collect */
  const sim_shards *shards; /* replay */
  unsigned long long units; /* out: units computed (collect) or read */
} sim_dist;

/* ---- shard journals --------------------------------------------------- */

/* File name of shard k of n inside OUTROOT/<name>/. */
void sim_shard_name(size_t k, size_t n, char *buf, size_t size);

/* A unit_io that computes shard k of n (k < n): in each phase the tasks
 * whose cost midpoint falls in [k/n, (k+1)/n) of the phase's total cost,
 * appended to OUTROOT/<name>/shard-K-of-N.units as they finish. With
 * resume, units already in a journal of the same identity are kept and
 * not computed again. Free with sim_shard_io_free (after the run). */
typedef struct sim_shard_io sim_shard_io;
int sim_shard_io_new(size_t k, size_t n, int resume, sim_shard_io **out,
                     ss_error *err);
void sim_shard_io_free(sim_shard_io *s); /* NULL is a no-op */
/* The unit_io to put in sim_dist.io. */
sim_unit_io sim_shard_io_get(sim_shard_io *s);
/* After the run: seal the journal (0) or leave it resumable. */
int sim_shard_io_finish(sim_shard_io *s, int ok, ss_error *err);
/* Units kept from an earlier journal (resume) and units computed now. */
void sim_shard_io_counts(const sim_shard_io *s, size_t *kept, size_t *computed);
/* The journal file (valid after begin). */
const char *sim_shard_io_path(const sim_shard_io *s);

/* Open every shard journal in the folder dir (OUTROOT/<name>) for a merge.
 * Refuses, naming the file, a missing shard, an unfinished one, or one
 * from another scenario, input or version. only: when not NULL, just
 * that one file (which must be complete). */
int sim_shards_open(const char *dir, const char *only, sim_shards **out,
                    ss_error *err);
void sim_shards_free(sim_shards *s); /* NULL is a no-op */
/* The identity all the shards share (borrowed). */
const sim_identity *sim_shards_identity(const sim_shards *s);
size_t sim_shards_count(const sim_shards *s);
/* 0 when id matches the shards' identity, else -1 naming what changed. */
int sim_shards_check(const sim_shards *s, const sim_identity *id,
                     ss_error *err);
/* Remove the shard files (after a successful merge; those already gone
 * are fine). */
int sim_shards_remove(const sim_shards *s, ss_error *err);
/* Add the shard journals in dir (shard-K-of-N.units whose first line
 * proves splitsim wrote it) to m: a scenario folder holding them is
 * splitsim's. */
int sim_shards_claim(const char *dir, ss_manifest *m, ss_error *err);

#endif
