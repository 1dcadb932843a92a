/* The MPI transport of work units (tools/mpi_units.h): a rank-0 dispatcher
 * over MPI point-to-point messages. Compiled with mpicc and SPLITSIM_MPI
 * when MPI is installed; otherwise only the "no MPI" answers below. */
#define _XOPEN_SOURCE 700 /* nanosleep */
#include "mpi_units.h"

#include <stdlib.h>
#include <string.h>

int mpi_units_built(void);

#ifndef SPLITSIM_MPI

#define NO_MPI                                                                 \
  "this splitsim was built without MPI (install openmpi-bin and "              \
  "libopenmpi-dev, then rebuild with make)"

int mpi_units_built(void) { return 0; }
int mpi_units_init(int *argc, char ***argv, int *rank, int *size,
                   ss_error *err) {
  (void)argc;
  (void)argv;
  *rank = 0;
  *size = 1;
  return ss_error_set(err, NULL, NULL, NO_MPI);
}
int mpi_units_new(const volatile sig_atomic_t *cancel, mpi_units **out,
                  ss_error *err) {
  (void)cancel;
  *out = NULL;
  return ss_error_set(err, NULL, NULL, NO_MPI);
}
void mpi_units_scenario(mpi_units *mu, size_t scn, sim_shard_io *journal) {
  (void)mu;
  (void)scn;
  (void)journal;
}
sim_unit_io mpi_units_io(mpi_units *mu) {
  sim_unit_io io;
  memset(&io, 0, sizeof io);
  io.ctx = mu;
  return io;
}
int mpi_units_scenario_end(mpi_units *mu, size_t scn, ss_error *err) {
  (void)mu;
  (void)scn;
  return ss_error_set(err, NULL, NULL, NO_MPI);
}
void mpi_units_free(mpi_units *mu) { (void)mu; }
void mpi_units_finalize(void) {}
void mpi_units_abort(int code) { exit(code); }

#else /* SPLITSIM_MPI */

#include <mpi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum { TAG_REQ = 11, TAG_TASK = 12, TAG_RES = 13, TAG_END = 14 };

struct mpi_units {
  int rank, size;
  const volatile sig_atomic_t *cancel;
  uint64_t scn, seq, n_tasks;
  char *buf; /* receive buffer */
  size_t cap;
  /* rank 0 */
  sim_shard_io *journal;
  sim_unit_io jio;
  pthread_mutex_t mu;
  size_t *queue; /* tasks to hand out, largest first */
  size_t n_queue, next_q, remaining;
  int failed;
  long *assigned;        /* per rank: task it computes, -1 */
  uint64_t (*pend)[3];   /* per rank: a request for a later phase */
  int *has_pend;         /* per rank */
  uint64_t *ended_below; /* per rank: scenarios < this are over there */
  const double *cost;
};

int mpi_units_built(void) { return 1; }

static void nap(void) {
  struct timespec ts = {0, 200000}; /* 0.2 ms */
  nanosleep(&ts, NULL);
}

int mpi_units_init(int *argc, char ***argv, int *rank, int *size,
                   ss_error *err) {
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) !=
      MPI_SUCCESS)
    return ss_error_set(err, NULL, NULL, "MPI_Init failed");
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  if (provided < MPI_THREAD_SERIALIZED)
    return ss_error_set(err, NULL, NULL,
                        "this MPI gives no MPI_THREAD_SERIALIZED support");
  return 0;
}

void mpi_units_finalize(void) { MPI_Finalize(); }
void mpi_units_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

int mpi_units_new(const volatile sig_atomic_t *cancel, mpi_units **out,
                  ss_error *err) {
  mpi_units *m = calloc(1, sizeof *m);
  if (!m)
    return ss_error_set(err, NULL, NULL, "out of memory");
  MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &m->size);
  m->cancel = cancel;
  pthread_mutex_init(&m->mu, NULL);
  size_t n = (size_t)m->size;
  m->assigned = malloc(n * sizeof *m->assigned);
  m->pend = calloc(n, sizeof *m->pend);
  m->has_pend = calloc(n, sizeof *m->has_pend);
  m->ended_below = calloc(n, sizeof *m->ended_below);
  if (!m->assigned || !m->pend || !m->has_pend || !m->ended_below) {
    mpi_units_free(m);
    return ss_error_set(err, NULL, NULL, "out of memory");
  }
  for (size_t r = 0; r < n; r++)
    m->assigned[r] = -1;
  *out = m;
  return 0;
}

void mpi_units_free(mpi_units *m) {
  if (!m)
    return;
  pthread_mutex_destroy(&m->mu);
  free(m->buf);
  free(m->queue);
  free(m->assigned);
  free(m->pend);
  free(m->has_pend);
  free(m->ended_below);
  free(m);
}

void mpi_units_scenario(mpi_units *m, size_t scn, sim_shard_io *journal) {
  m->scn = scn;
  m->seq = 0;
  m->journal = journal;
  m->failed = 0;
  if (journal)
    m->jio = sim_shard_io_get(journal);
}

static int cancelled(const mpi_units *m, ss_error *err) {
  if (m->cancel && *m->cancel)
    return ss_error_set(err, NULL, NULL, "interrupted");
  return 0;
}

/* Receive the message probed in st into m->buf; its length. */
static int recv_probed(mpi_units *m, const MPI_Status *st, size_t *len,
                       ss_error *err) {
  int count = 0;
  MPI_Get_count(st, MPI_BYTE, &count);
  if ((size_t)count + 1 > m->cap) {
    char *nb = realloc(m->buf, (size_t)count + 1);
    if (!nb)
      return ss_error_set(err, NULL, NULL, "out of memory");
    m->buf = nb;
    m->cap = (size_t)count + 1;
  }
  MPI_Recv(m->buf, count, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  *len = (size_t)count;
  return 0;
}

static void send_task(int dest, int64_t task) {
  MPI_Send(&task, 8, MPI_BYTE, dest, TAG_TASK, MPI_COMM_WORLD);
}

/* ---- rank 0 ------------------------------------------------------------- */

static int cmp_cost_desc(const void *a, const void *b, const double *cost) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  double cx = cost ? cost[x] : 1, cy = cost ? cost[y] : 1;
  if (cx != cy)
    return cx > cy ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* Insertion sort (queues are short): largest cost first, then task order. */
static void sort_queue(size_t *q, size_t n, const double *cost) {
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && cmp_cost_desc(&q[j], &q[j - 1], cost) < 0;
         j--) {
      size_t t = q[j];
      q[j] = q[j - 1];
      q[j - 1] = t;
    }
}

static int r0_begin(void *ctx, const sim_identity *id, const char *outdir,
                    ss_error *err) {
  mpi_units *m = ctx;
  return m->jio.begin(m->jio.ctx, id, outdir, err);
}

static int r0_phase(void *ctx, const char *name, size_t n_tasks,
                    const double *cost, ss_error *err) {
  mpi_units *m = ctx;
  m->seq++;
  m->n_tasks = n_tasks;
  if (m->jio.phase(m->jio.ctx, name, n_tasks, cost, err) != 0)
    return -1;
  free(m->queue);
  if (!(m->queue = malloc((n_tasks + 1) * sizeof *m->queue)))
    return ss_error_set(err, NULL, NULL, "out of memory");
  m->n_queue = m->next_q = 0;
  size_t t;
  while (m->jio.next(m->jio.ctx, &t, err) == 1)
    m->queue[m->n_queue++] = t;
  sort_queue(m->queue, m->n_queue, cost);
  m->remaining = m->n_queue;
  return 0;
}

static int pop(mpi_units *m, size_t *task) {
  pthread_mutex_lock(&m->mu);
  int got = m->next_q < m->n_queue;
  if (got)
    *task = m->queue[m->next_q++];
  pthread_mutex_unlock(&m->mu);
  return got;
}

static int r0_next(void *ctx, size_t *task, ss_error *err) {
  (void)err;
  return pop(ctx, task);
}

static int r0_done(void *ctx, size_t task, const char *out, size_t out_len,
                   const char *aux, size_t aux_len, ss_error *err) {
  mpi_units *m = ctx;
  pthread_mutex_lock(&m->mu);
  int rc = m->jio.done(m->jio.ctx, task, out, out_len, aux, aux_len, err);
  if (rc == 0)
    m->remaining--;
  pthread_mutex_unlock(&m->mu);
  return rc;
}

static void r0_fail(void *ctx) {
  mpi_units *m = ctx;
  pthread_mutex_lock(&m->mu);
  m->failed = 1;
  pthread_mutex_unlock(&m->mu);
}

/* A request of rank r for (scn, seq, n): answer it now or keep it. */
static int answer(mpi_units *m, int r, const uint64_t req[3], ss_error *err) {
  if (req[0] > m->scn || (req[0] == m->scn && req[1] > m->seq)) {
    memcpy(m->pend[r], req, sizeof m->pend[r]);
    m->has_pend[r] = 1;
    return 0;
  }
  m->has_pend[r] = 0;
  if (req[0] < m->scn || req[1] < m->seq) {
    send_task(r, -1);
    return 0;
  }
  if (req[2] != m->n_tasks)
    return ss_error_set(err, NULL, NULL,
                        "rank %d sees other inputs than rank 0 (a phase "
                        "of %llu units there, %llu here); give every rank "
                        "the same scenario and profiles",
                        r, (unsigned long long)req[2],
                        (unsigned long long)m->n_tasks);
  size_t t;
  if (pop(m, &t)) {
    m->assigned[r] = (long)t;
    send_task(r, (int64_t)t);
  } else {
    send_task(r, -1);
  }
  return 0;
}

static int take_result(mpi_units *m, int r, size_t len, int keep,
                       ss_error *err) {
  uint64_t h[3];
  if (len < sizeof h)
    return ss_error_set(err, NULL, NULL, "rank %d sent a short unit", r);
  memcpy(h, m->buf, sizeof h);
  if (h[1] + h[2] != len - sizeof h || (long)h[0] != m->assigned[r])
    return ss_error_set(err, NULL, NULL, "rank %d sent a damaged unit", r);
  m->assigned[r] = -1;
  if (!keep)
    return 0;
  const char *out = m->buf + sizeof h;
  return r0_done(m, (size_t)h[0], out, (size_t)h[1], out + h[1], (size_t)h[2],
                 err);
}

/* Handle one message if there is one (keep: results count; else they are
 * dropped). Returns 1 handled, 0 none, -1 error. */
static int handle_one(mpi_units *m, int keep, ss_error *err) {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (!flag)
    return 0;
  size_t len = 0;
  if (recv_probed(m, &st, &len, err) != 0)
    return -1;
  int r = st.MPI_SOURCE;
  if (st.MPI_TAG == TAG_REQ && len == 24) {
    uint64_t req[3];
    memcpy(req, m->buf, sizeof req);
    return answer(m, r, req, err) == 0 ? 1 : -1;
  }
  if (st.MPI_TAG == TAG_RES)
    return take_result(m, r, len, keep, err) == 0 ? 1 : -1;
  if (st.MPI_TAG == TAG_END && len == 8) {
    uint64_t scn;
    memcpy(&scn, m->buf, 8);
    if (m->assigned[r] >= 0) { /* it gave up its unit: hand it out again */
      pthread_mutex_lock(&m->mu);
      m->queue[--m->next_q] = (size_t)m->assigned[r];
      pthread_mutex_unlock(&m->mu);
      m->assigned[r] = -1;
    }
    if (scn + 1 > m->ended_below[r])
      m->ended_below[r] = scn + 1;
    return 1;
  }
  return ss_error_set(err, NULL, NULL, "unexpected MPI message from rank %d",
                      r);
}

static int busy(mpi_units *m) {
  for (int r = 1; r < m->size; r++)
    if (m->assigned[r] >= 0)
      return 1;
  return 0;
}

static int r0_serve(void *ctx, ss_error *err) {
  mpi_units *m = ctx;
  for (int r = 1; r < m->size; r++)
    if (m->has_pend[r] && answer(m, r, m->pend[r], err) != 0)
      return -1;
  for (;;) {
    pthread_mutex_lock(&m->mu);
    int failed = m->failed, left = m->remaining != 0;
    pthread_mutex_unlock(&m->mu);
    if (failed)
      return ss_error_set(err, NULL, NULL, "a unit failed on rank 0");
    if (!left && !busy(m))
      return 0;
    if (cancelled(m, err) != 0)
      return -1;
    int h = handle_one(m, 1, err);
    if (h < 0)
      return -1;
    if (h == 0)
      nap();
  }
}

/* ---- ranks > 0 ------------------------------------------------------------
 */

static int w_begin(void *ctx, const sim_identity *id, const char *outdir,
                   ss_error *err) {
  (void)id;
  (void)outdir;
  (void)err;
  ((mpi_units *)ctx)->seq = 0;
  return 0;
}

static int w_phase(void *ctx, const char *name, size_t n_tasks,
                   const double *cost, ss_error *err) {
  (void)name;
  (void)cost;
  (void)err;
  mpi_units *m = ctx;
  m->seq++;
  m->n_tasks = n_tasks;
  return 0;
}

static int w_next(void *ctx, size_t *task, ss_error *err) {
  mpi_units *m = ctx;
  uint64_t req[3] = {m->scn, m->seq, m->n_tasks};
  MPI_Send(req, 24, MPI_BYTE, 0, TAG_REQ, MPI_COMM_WORLD);
  for (;;) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(0, TAG_TASK, MPI_COMM_WORLD, &flag, &st);
    if (flag)
      break;
    if (cancelled(m, err) != 0)
      return -1;
    nap();
  }
  int64_t t;
  MPI_Recv(&t, 8, MPI_BYTE, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (t < 0)
    return 0;
  *task = (size_t)t;
  return 1;
}

static int w_done(void *ctx, size_t task, const char *out, size_t out_len,
                  const char *aux, size_t aux_len, ss_error *err) {
  mpi_units *m = ctx;
  size_t len = 24 + out_len + aux_len;
  if (len > (size_t)INT32_MAX)
    return ss_error_set(err, NULL, NULL, "unit %zu too large for MPI", task);
  if (len > m->cap) {
    char *nb = realloc(m->buf, len);
    if (!nb)
      return ss_error_set(err, NULL, NULL, "out of memory");
    m->buf = nb;
    m->cap = len;
  }
  uint64_t h[3] = {task, out_len, aux_len};
  memcpy(m->buf, h, 24);
  memcpy(m->buf + 24, out, out_len);
  memcpy(m->buf + 24 + out_len, aux, aux_len);
  MPI_Send(m->buf, (int)len, MPI_BYTE, 0, TAG_RES, MPI_COMM_WORLD);
  return 0;
}

sim_unit_io mpi_units_io(mpi_units *m) {
  sim_unit_io io;
  memset(&io, 0, sizeof io);
  io.ctx = m;
  if (m->rank == 0) {
    io.begin = r0_begin;
    io.phase = r0_phase;
    io.next = r0_next;
    io.done = r0_done;
    io.serve = r0_serve;
    io.fail = r0_fail;
  } else {
    io.begin = w_begin;
    io.phase = w_phase;
    io.next = w_next;
    io.done = w_done;
  }
  return io;
}

int mpi_units_scenario_end(mpi_units *m, size_t scn, ss_error *err) {
  if (m->rank != 0) {
    uint64_t s = scn;
    MPI_Send(&s, 8, MPI_BYTE, 0, TAG_END, MPI_COMM_WORLD);
    return 0;
  }
  m->scn = scn;
  m->seq = UINT64_MAX; /* every request of this scenario: no more units */
  for (int r = 1; r < m->size; r++)
    if (m->has_pend[r] && answer(m, r, m->pend[r], err) != 0)
      return -1;
  for (;;) {
    int all = 1;
    for (int r = 1; r < m->size; r++)
      all &= m->ended_below[r] > scn;
    if (all)
      return 0;
    if (cancelled(m, err) != 0)
      return -1;
    int h = handle_one(m, 0, err);
    if (h < 0)
      return -1;
    if (h == 0)
      nap();
  }
}

#endif
