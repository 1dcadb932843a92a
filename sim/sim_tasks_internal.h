/* Private to sim/ (and its tests): ordered parallel tasks (sim_tasks.c). */
#ifndef SIM_TASKS_INTERNAL_H
#define SIM_TASKS_INTERNAL_H

#include <signal.h>
#include <stddef.h>

#include "../common/ss_error.h"
#include "../common/ss_mem.h"

typedef int (*sim_task_fn)(void *worker, size_t task, ss_buf *out,
                           ss_error *err);
typedef int (*sim_commit_fn)(void *ctx, void *worker, size_t task,
                             const ss_buf *out, ss_error *err);
/* Run tasks 0..n_tasks-1 on n_workers threads (worker i gets workers[i]),
 * committing their output strictly in task order (commit runs under a
 * lock and also gets the worker that produced the output). Stops at the first
 * error or when *cancel becomes nonzero (error "interrupted"). */
int sim_run_tasks(size_t n_tasks, size_t n_workers, void **workers,
                  sim_task_fn fn, sim_commit_fn commit, void *commit_ctx,
                  const volatile sig_atomic_t *cancel, ss_error *err);

#endif
