/* --shard K/N, --mpi and merge: sim/sim_dist.h wired to the command line. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "run_dist.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sim/sim_dist.h"
#include "mpi_units.h"

static int run_shard(const scn_scenario *s, sim_run_options *ro,
                     const run_dist *d, sim_run_report *rep, char *note,
                     size_t note_size, ss_error *err) {
  sim_shard_io *sh = NULL;
  if (sim_shard_io_new(d->k, d->n, ro->resume, &sh, err) != 0)
    return -1;
  sim_dist dist;
  memset(&dist, 0, sizeof dist);
  dist.mode = SIM_DIST_COLLECT;
  dist.io = sim_shard_io_get(sh);
  ro->base.dist = &dist;
  int rc = sim_run(s, ro, rep, err);
  ro->base.dist = NULL;
  ss_error ferr;
  if (sim_shard_io_finish(sh, rc == 0 && !rep->skipped, &ferr) != 0 &&
      rc == 0) {
    *err = ferr;
    rc = -1;
  }
  size_t kept, computed;
  sim_shard_io_counts(sh, &kept, &computed);
  if (rc == 0 && !rep->skipped)
    snprintf(note, note_size,
             "%s: shard %zu/%zu: %zu unit%s computed, %zu kept -> %s", s->name,
             d->k, d->n, computed, computed == 1 ? "" : "s", kept,
             sim_shard_io_path(sh));
  sim_shard_io_free(sh);
  return rc;
}

/* MPI: every rank collects units through the dispatcher; rank 0 journals
 * them (shard 0 of 1) and then merges its journal. */
static int run_mpi(const scn_scenario *s, sim_run_options *ro,
                   const run_dist *d, size_t scn, sim_run_report *rep,
                   char *note, size_t note_size, ss_error *err) {
  sim_shard_io *sh = NULL;
  int rc = -1;
  if (d->rank == 0 && sim_shard_io_new(0, 1, ro->resume, &sh, err) != 0)
    return -1;
  sim_dist dist;
  memset(&dist, 0, sizeof dist);
  dist.mode = SIM_DIST_COLLECT;
  mpi_units_scenario(d->mu, scn, sh);
  dist.io = mpi_units_io(d->mu);
  ro->base.dist = &dist;
  int resume = ro->resume;
  if (d->rank != 0)
    ro->resume = 0; /* rank 0 decides; the others follow its dispatch */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = sim_run(s, ro, rep, err);
  ro->resume = resume;
  ro->base.dist = NULL;
  if (d->rank != 0)
    return rc;
  ss_error ferr;
  if (sim_shard_io_finish(sh, rc == 0 && !rep->skipped, &ferr) != 0 &&
      rc == 0) {
    *err = ferr;
    rc = -1;
  }
  size_t kept = 0, computed = 0;
  sim_shard_io_counts(sh, &kept, &computed);
  char journal[4400];
  snprintf(journal, sizeof journal, "%s", sim_shard_io_path(sh));
  sim_shard_io_free(sh);
  if (rc != 0 || rep->skipped)
    return rc;
  unsigned long long units = 0;
  size_t n_shards = 0;
  sim_run_report mrep;
  rc = run_dist_merge(rep->outdir, journal, ro->base.jobs, ro->base.cancel,
                      ro->finish != NULL, &mrep, &n_shards, &units, err);
  *rep = mrep;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double wall_s = (double)(t1.tv_sec - t0.tv_sec) +
                  1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  if (rc == 0)
    snprintf(note, note_size,
             "%s: %zu point%s x %zu model%s on %d rank%s: %zu unit%s "
             "computed, %zu kept -> %s/ (%.2f s)",
             s->name, rep->n_points, rep->n_points == 1 ? "" : "s",
             rep->n_models, rep->n_models == 1 ? "" : "s", d->size,
             d->size == 1 ? "" : "s", computed, computed == 1 ? "" : "s", kept,
             rep->outdir, wall_s);
  return rc;
}

int run_dist_scenario(const scn_scenario *s, sim_run_options *ro,
                      const run_dist *d, size_t scn, sim_run_report *rep,
                      char *note, size_t note_size, ss_error *err) {
  note[0] = '\0';
  if (d->mpi)
    return run_mpi(s, ro, d, scn, rep, note, note_size, err);
  return run_shard(s, ro, d, rep, note, note_size, err);
}

/* OUTROOT and the scenario name of the folder dir. */
static int split_dir(const char *dir, char *root, size_t rsize, char *name,
                     size_t nsize, ss_error *err) {
  char buf[PATH_MAX];
  size_t len = strlen(dir);
  if (len == 0 || len >= sizeof buf)
    return ss_error_set(err, dir, NULL, "not a scenario output folder");
  memcpy(buf, dir, len + 1);
  while (len > 1 && buf[len - 1] == '/')
    buf[--len] = '\0';
  char *slash = strrchr(buf, '/');
  const char *base = slash ? slash + 1 : buf;
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    return ss_error_set(err, dir, NULL,
                        "give the scenario folder OUTROOT/<name>");
  snprintf(name, nsize, "%s", base);
  if (!slash)
    snprintf(root, rsize, ".");
  else if (slash == buf)
    snprintf(root, rsize, "/");
  else {
    *slash = '\0';
    snprintf(root, rsize, "%s", buf);
  }
  return 0;
}

int run_dist_merge(const char *dir, const char *only, unsigned jobs,
                   const volatile sig_atomic_t *cancel, int with_report,
                   sim_run_report *rep, size_t *n_shards,
                   unsigned long long *n_units, ss_error *err) {
  memset(rep, 0, sizeof *rep);
  char root[PATH_MAX], name[PATH_MAX];
  if (split_dir(dir, root, sizeof root, name, sizeof name, err) != 0)
    return -1;
  sim_shards *sh = NULL;
  scn_scenario *s = NULL;
  int rc = -1;
  if (sim_shards_open(dir, only, &sh, err) != 0)
    return -1;
  const sim_identity *id = sim_shards_identity(sh);
  if (scn_load(id->scenario_file, &s, err) != 0) {
    ss_error_prefix(err, "the scenario the shards were computed from");
    goto done;
  }
  if (strcmp(s->name, name) != 0) {
    ss_error_set(err, dir, NULL,
                 "holds shards of scenario '%s' (%s); merge it as "
                 "%s/%s",
                 s->name, id->scenario_file, root, s->name);
    goto done;
  }
  sim_dist dist;
  memset(&dist, 0, sizeof dist);
  dist.mode = SIM_DIST_REPLAY;
  dist.shards = sh;
  sim_run_options ro;
  memset(&ro, 0, sizeof ro);
  ro.base.jobs = jobs;
  ro.base.cancel = cancel;
  ro.base.dist = &dist;
  ro.outroot = root;
  ro.default_profiles = id->profiles_default ? id->profiles : NULL;
  run_finish_ctx fin = {id->profiles_default ? id->profiles : NULL, 0, NULL};
  if (id->report && with_report) {
    ro.finish = run_finish_charts;
    ro.finish_ctx = &fin;
  } else if (id->report) {
    ss_error_set(err, dir, NULL,
                 "the shards were run with charts and a report; merge "
                 "without --no-report");
    goto done;
  }
  rc = sim_run(s, &ro, rep, err);
  if (rc == 0 && sim_shards_remove(sh, err) != 0)
    rc = -1;
  *n_shards = sim_shards_count(sh);
  *n_units = dist.units;
done:
  scn_free(s);
  sim_shards_free(sh);
  return rc;
}
