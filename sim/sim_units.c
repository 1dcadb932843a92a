/* Phases as work units (sim_dist.h): run a phase locally, collect the
 * units this process is handed, or replay units from shard journals. */
#include "../common/ss_mem.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "sim.h"
#include "sim_shard_internal.h"
#include "sim_tasks_internal.h"
#include "sim_units_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_dist.h"
#include "sim_study.h"

void sim_aux_put(ss_buf *b, const void *p, size_t n) {
  ss_buf_add(b, (const char *)p, n);
}

int sim_aux_get(const char **p, const char *end, void *dst, size_t n) {
  if ((size_t)(end - *p) < n)
    return -1;
  memcpy(dst, *p, n);
  *p += n;
  return 0;
}

int sim_collecting(const sim_options *opt) {
  return opt && opt->dist && opt->dist->mode == SIM_DIST_COLLECT;
}

int sim_dist_can_reduce(const sim_options *opt) {
  return sim_collecting(opt) && (opt->dist->io.fetch || opt->dist->io.sync);
}

int sim_dist_sync(const sim_options *opt, ss_buf *blob, ss_error *err) {
  if (!sim_collecting(opt) || !opt->dist->io.sync)
    return 0;
  size_t len = blob->len;
  char *data = malloc(len + 1);
  if (!data)
    return ss_error_set(err, NULL, NULL, "out of memory");
  memcpy(data, blob->p ? blob->p : "", len);
  int rc = opt->dist->io.sync(opt->dist->io.ctx, &data, &len, err);
  if (rc == 0) {
    blob->len = 0;
    ss_buf_add(blob, data, len);
    if (blob->oom)
      rc = ss_error_set(err, NULL, NULL, "out of memory");
  }
  free(data);
  return rc;
}

/* After a reduce phase, where this process holds every unit: commit them
 * in order, as a single process would have. */
static int commit_fetched(const sim_phase *ph, void *worker, sim_dist *d,
                          ss_error *err) {
  ss_buf out = {0}, aux = {0};
  int rc = 0;
  for (size_t t = 0; t < ph->n_tasks && rc == 0; t++) {
    rc = d->io.fetch(d->io.ctx, t, &out, &aux, err);
    if (rc == 0 && ph->unpack)
      rc = ph->unpack(worker, t, aux.p, aux.len, err);
    if (rc == 0)
      rc = ph->commit(ph->commit_ctx, worker, t, &out, err);
  }
  ss_buf_free(&out);
  ss_buf_free(&aux);
  return rc;
}

/* ---- collect ------------------------------------------------------------- */

typedef struct collector {
  const sim_phase *ph;
  sim_dist *d;
  pthread_mutex_t mu;
  int failed;
  ss_error err;
  const volatile sig_atomic_t *cancel;
} collector;

typedef struct cslot {
  collector *c;
  void *worker;
} cslot;

static void collect_fail(collector *c, const ss_error *err) {
  if (!c->failed) {
    c->failed = 1;
    c->err = *err;
    if (c->d->io.fail)
      c->d->io.fail(c->d->io.ctx);
  }
}

static void *collect_loop(void *arg) {
  cslot *sl = arg;
  collector *c = sl->c;
  const sim_phase *ph = c->ph;
  const sim_unit_io *io = &c->d->io;
  ss_buf out = {0}, aux = {0};
  ss_error err;
  ss_error_clear(&err);
  for (;;) {
    size_t t = 0;
    pthread_mutex_lock(&c->mu);
    int rc = 0;
    if (!c->failed && c->cancel && *c->cancel) {
      ss_error_set(&err, NULL, NULL, "interrupted");
      collect_fail(c, &err);
    }
    if (!c->failed && (rc = io->next(io->ctx, &t, &err)) < 0)
      collect_fail(c, &err);
    pthread_mutex_unlock(&c->mu);
    if (c->failed || rc <= 0)
      break;
    out.len = aux.len = 0;
    rc = ph->fn(sl->worker, t, &out, &err);
    if (rc == 0 && ph->pack)
      rc = ph->pack(sl->worker, t, &aux, &err);
    if (rc == 0 && (out.oom || aux.oom))
      rc = ss_error_set(&err, NULL, NULL, "out of memory");
    pthread_mutex_lock(&c->mu);
    if (rc == 0 && !c->failed)
      rc = io->done(io->ctx, t, out.p ? out.p : "", out.len, aux.p ? aux.p : "",
                    aux.len, &err);
    if (rc != 0)
      collect_fail(c, &err);
    else
      c->d->units++;
    pthread_mutex_unlock(&c->mu);
    if (rc != 0)
      break;
  }
  ss_buf_free(&out);
  ss_buf_free(&aux);
  return NULL;
}

static int run_collect(const sim_phase *ph, size_t n_workers, void **workers,
                       const sim_options *opt, ss_error *err) {
  sim_dist *d = opt->dist;
  double *cost = NULL;
  if (ph->cost && ph->n_tasks) {
    if (!(cost = malloc(ph->n_tasks * sizeof *cost)))
      return ss_error_set(err, NULL, NULL, "out of memory");
    for (size_t t = 0; t < ph->n_tasks; t++)
      cost[t] = ph->cost(ph->cost_ctx, t);
  }
  int rc = d->io.phase(d->io.ctx, ph->name, ph->n_tasks, cost, err);
  free(cost);
  if (rc != 0)
    return -1;
  collector c;
  memset(&c, 0, sizeof c);
  c.ph = ph;
  c.d = d;
  c.cancel = opt->cancel;
  pthread_mutex_init(&c.mu, NULL);
  size_t nt = n_workers < 1 ? 1 : n_workers;
  cslot *slots = calloc(nt, sizeof *slots);
  pthread_t *th = calloc(nt, sizeof *th);
  size_t started = 0;
  if (!slots || !th) {
    ss_error_set(err, NULL, NULL, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < nt; i++) {
    slots[i].c = &c;
    slots[i].worker = workers[i];
  }
  if (!d->io.serve && nt == 1) {
    collect_loop(&slots[0]);
  } else {
    for (size_t i = 0; i < nt; i++)
      if (pthread_create(&th[i], NULL, collect_loop, &slots[i]) == 0)
        started++;
    if (started == 0)
      collect_loop(&slots[0]);
    if (d->io.serve) {
      ss_error serr;
      ss_error_clear(&serr);
      if (d->io.serve(d->io.ctx, &serr) != 0) {
        pthread_mutex_lock(&c.mu);
        collect_fail(&c, &serr);
        pthread_mutex_unlock(&c.mu);
      }
    }
    for (size_t i = 0; i < started; i++)
      pthread_join(th[i], NULL);
  }
  if (c.failed && err)
    *err = c.err;
  if (!c.failed && ph->reduce && d->io.fetch &&
      commit_fetched(ph, workers[0], d, err) != 0)
    c.failed = 1;
done:
  free(slots);
  free(th);
  pthread_mutex_destroy(&c.mu);
  return c.failed || !slots || !th ? -1 : 0;
}

/* ---- replay -------------------------------------------------------------- */

static int run_replay(const sim_phase *ph, void *worker, const sim_options *opt,
                      ss_error *err) {
  sim_dist *d = opt->dist;
  ss_buf out = {0}, aux = {0};
  int rc = 0;
  for (size_t t = 0; t < ph->n_tasks && rc == 0; t++) {
    if (opt->cancel && *opt->cancel) {
      rc = ss_error_set(err, NULL, NULL, "interrupted");
      break;
    }
    rc = sim_shards_read(d->shards, ph->name, t, &out, &aux, err);
    if (rc == 0 && ph->unpack)
      rc = ph->unpack(worker, t, aux.p, aux.len, err);
    if (rc == 0)
      rc = ph->commit(ph->commit_ctx, worker, t, &out, err);
    if (rc == 0)
      d->units++;
  }
  ss_buf_free(&out);
  ss_buf_free(&aux);
  return rc;
}

int sim_run_phase(const sim_phase *ph, size_t n_workers, void **workers,
                  const sim_options *opt, ss_error *err) {
  const volatile sig_atomic_t *cancel = opt ? opt->cancel : NULL;
  sim_dist *d = opt ? opt->dist : NULL;
  if (d && d->mode == SIM_DIST_COLLECT)
    return run_collect(ph, n_workers, workers, opt, err);
  if (d && d->mode == SIM_DIST_REPLAY) {
    int held = sim_shards_phase(d->shards, ph->name, ph->n_tasks, err);
    if (held < 0)
      return -1;
    if (held)
      return run_replay(ph, workers[0], opt, err);
  }
  return sim_run_tasks(ph->n_tasks, n_workers, workers, ph->fn, ph->commit,
                       ph->commit_ctx, cancel, err);
}

/* ---- collect mode of a whole scenario ----------------------------------- */

int sim_collect_units(const sim_engine *e, const scn_scenario *s,
                      const prof_set *set, const sim_identity *id,
                      const char *outdir, const sim_options *opt,
                      sim_timings *t, ss_error *err) {
  sim_dist *d = opt->dist;
  if (d->io.begin && d->io.begin(d->io.ctx, id, outdir, err) != 0)
    return -1;
  const char *tmp = getenv("TMPDIR");
  char scratch[4096];
  if ((size_t)snprintf(scratch, sizeof scratch, "%s/splitsim-units-XXXXXX",
                       tmp && *tmp ? tmp : "/tmp") >= sizeof scratch)
    return ss_error_set(err, tmp, NULL, "TMPDIR path too long");
  if (!mkdtemp(scratch))
    return ss_error_set(err, scratch, NULL, "cannot create folder: %s",
                        strerror(errno));
  int rc = sim_write_tables(e, scratch, opt, t, err);
  if (rc == 0 && s->workload) { /* load-simulation points */
    size_t n_unstable = 0;
    rc = sim_write_load(e, scratch, opt, &n_unstable, err);
  }
  if (rc == 0 && s->uncertainty) { /* Monte Carlo chunks */
    sim_robust_result *r = NULL;
    rc = sim_robust_run(e, s, set, opt, &r, err);
    sim_robust_result_free(r);
  }
  sim_remove_tree(scratch, NULL);
  return rc;
}
