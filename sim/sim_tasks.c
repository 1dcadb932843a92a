/* Ordered parallel tasks: N threads take numbered tasks in turn, each fills
 * its own buffer, and buffers are committed strictly in task order. With
 * small tasks this streams (memory ~ threads x task size) and the output is
 * byte-identical whatever the number of threads. */
#include "../common/ss_mem.h"
#include "sim.h"
#include "sim_tasks_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

typedef struct runner {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t n_tasks, next_task, next_commit;
  int failed;
  ss_error err;
  sim_task_fn fn;
  sim_commit_fn commit;
  void *cctx;
  const volatile sig_atomic_t *cancel;
} runner;

typedef struct slot {
  runner *r;
  void *worker;
  ss_buf buf;
} slot;

static void fail_locked(runner *r, const ss_error *err) {
  if (!r->failed) {
    r->failed = 1;
    r->err = *err;
  }
}

static int run_one(runner *r, slot *sl, size_t t, ss_error *err) {
  sl->buf.len = 0;
  if (sl->buf.p)
    sl->buf.p[0] = '\0';
  if (r->fn(sl->worker, t, &sl->buf, err) != 0)
    return -1;
  if (sl->buf.oom)
    return ss_error_oom(err, NULL, NULL);
  return 0;
}

static void *thread_main(void *arg) {
  slot *sl = arg;
  runner *r = sl->r;
  ss_error err;
  ss_error_clear(&err);
  for (;;) {
    pthread_mutex_lock(&r->mu);
    if (!r->failed && r->cancel && *r->cancel) {
      ss_error_interrupted(&err);
      fail_locked(r, &err);
      pthread_cond_broadcast(&r->cv);
    }
    if (r->failed || r->next_task >= r->n_tasks) {
      pthread_mutex_unlock(&r->mu);
      break;
    }
    size_t t = r->next_task++;
    pthread_mutex_unlock(&r->mu);
    int rc = run_one(r, sl, t, &err);
    pthread_mutex_lock(&r->mu);
    while (!r->failed && r->next_commit != t)
      pthread_cond_wait(&r->cv, &r->mu);
    if (!r->failed) {
      if (rc != 0 || r->commit(r->cctx, sl->worker, t, &sl->buf, &err) != 0)
        fail_locked(r, &err);
      else
        r->next_commit++;
    }
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
  }
  return NULL;
}

int sim_run_tasks(size_t n_tasks, size_t n_workers, void **workers,
                  sim_task_fn fn, sim_commit_fn commit, void *commit_ctx,
                  const volatile sig_atomic_t *cancel, ss_error *err) {
  if (n_workers < 1)
    n_workers = 1;
  if (n_workers > n_tasks)
    n_workers = n_tasks ? n_tasks : 1;
  if (n_workers == 1) {
    slot sl = {NULL, workers[0], {0}};
    runner r;
    memset(&r, 0, sizeof r);
    r.fn = fn;
    int rc = 0;
    for (size_t t = 0; t < n_tasks && rc == 0; t++) {
      if (cancel && *cancel) {
        rc = ss_error_interrupted(err);
        break;
      }
      rc = run_one(&r, &sl, t, err);
      if (rc == 0)
        rc = commit(commit_ctx, workers[0], t, &sl.buf, err);
    }
    ss_buf_free(&sl.buf);
    return rc;
  }
  runner r;
  memset(&r, 0, sizeof r);
  r.n_tasks = n_tasks;
  r.fn = fn;
  r.commit = commit;
  r.cctx = commit_ctx;
  r.cancel = cancel;
  ss_error_clear(&r.err);
  slot *slots = calloc(n_workers, sizeof *slots);
  pthread_t *th = calloc(n_workers, sizeof *th);
  if (!slots || !th) {
    free(slots);
    free(th);
    return ss_error_oom(err, NULL, NULL);
  }
  pthread_mutex_init(&r.mu, NULL);
  pthread_cond_init(&r.cv, NULL);
  size_t started = 0;
  for (size_t i = 0; i < n_workers; i++) {
    slots[i].r = &r;
    slots[i].worker = workers[i];
    if (pthread_create(&th[i], NULL, thread_main, &slots[i]) != 0)
      break;
    started++;
  }
  if (started == 0) {
    /* No thread could start: run on this one. */
    slots[0].r = &r;
    thread_main(&slots[0]);
  }
  for (size_t i = 0; i < started; i++)
    pthread_join(th[i], NULL);
  for (size_t i = 0; i < n_workers; i++)
    ss_buf_free(&slots[i].buf);
  free(slots);
  free(th);
  pthread_cond_destroy(&r.cv);
  pthread_mutex_destroy(&r.mu);
  if (r.failed) {
    if (err)
      *err = r.err;
    return -1;
  }
  if (r.next_commit != n_tasks)
    return ss_error_set(err, NULL, NULL, "worker threads stopped early");
  return 0;
}

int sim_interrupted(const ss_error *err) {
  return ss_error_kind_of(err) == SS_ERR_INTERRUPTED;
}
