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
int mpi_units_abandoned(const mpi_units *mu) {
  (void)mu;
  return 0;
}
void mpi_units_finalize(void) {}
void mpi_units_abort(int code) { exit(code); }

#else /* SPLITSIM_MPI */

#include <mpi.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mpi_dl.h" /* libmpi is loaded here, not linked */

enum {
  TAG_REQ = 11,  /* rank > 0: (scenario, phase, units) - a batch please */
  TAG_TASK = 12, /* rank 0: the batch (empty: no more in this phase) */
  TAG_RES = 13,  /* rank > 0: one unit's bytes */
  TAG_END = 14,  /* rank > 0: done with a scenario */
  TAG_SYNC = 15, /* rank 0: what a phase needs from an earlier one */
  TAG_OVER = 16  /* rank 0: a scenario is over (done, skipped or failed) */
};

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
  size_t **held; /* per rank: the units it computes now */
  size_t *n_held, *cap_held;
  double *cost_copy; /* the phase's costs (NULL: all equal) */
  double left_cost;  /* cost of the units still in the queue */
  /* ranks > 0: the batch being computed */
  int64_t *batch;
  size_t n_batch, i_batch, cap_batch;
  char *out_buf[2]; /* results on their way to rank 0 */
  size_t out_cap[2];
  MPI_Request out_req[2];
  int slot;
  uint64_t over_below;   /* OVER received for scenarios < this */
  int abandoned;         /* rank 0 ended this scenario under our feet */
  uint64_t (*pend)[3];   /* per rank: a request for a later phase */
  int *has_pend;         /* per rank */
  uint64_t *ended_below; /* per rank: scenarios < this are over there */
  const double *cost;
  char *sync_buf;        /* rank 0: the last blob sent (kept until sent) */
  MPI_Request *sync_req; /* per rank */
  /* fault injection for the tests: rank 1 kills itself (SIGKILL) after
   * sending this many units ($SPLITSIM_TEST_RANK1_DIES_AFTER; 0 = never) */
  unsigned long die_after, n_sent;
};

int mpi_units_built(void) { return 1; }

/* Sleep between polls: from 20 us, doubling while idle up to 1 ms (a
 * request then waits at most 1 ms; batches keep requests rare). */
static void nap(long *ns) {
  if (*ns < 20000)
    *ns = 20000;
  struct timespec ts = {0, *ns};
  nanosleep(&ts, NULL);
  if (*ns < 1000000)
    *ns *= 2;
}

int mpi_units_init(int *argc, char ***argv, int *rank, int *size,
                   ss_error *err) {
  int provided = 0;
  if (mpi_dl_load(err) != 0)
    return -1;
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

void mpi_units_finalize(void) {
  if (mpi_dl_loaded())
    MPI_Finalize();
}
void mpi_units_abort(int code) {
  if (mpi_dl_loaded())
    MPI_Abort(MPI_COMM_WORLD, code);
  exit(code);
}

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
  m->held = calloc(n, sizeof *m->held);
  m->n_held = calloc(n, sizeof *m->n_held);
  m->cap_held = calloc(n, sizeof *m->cap_held);
  m->pend = calloc(n, sizeof *m->pend);
  m->has_pend = calloc(n, sizeof *m->has_pend);
  m->ended_below = calloc(n, sizeof *m->ended_below);
  m->sync_req = malloc(n * sizeof *m->sync_req);
  if (!m->held || !m->n_held || !m->cap_held || !m->pend || !m->has_pend ||
      !m->ended_below || !m->sync_req) {
    mpi_units_free(m);
    return ss_error_set(err, NULL, NULL, "out of memory");
  }
  for (size_t r = 0; r < n; r++)
    m->sync_req[r] = MPI_REQUEST_NULL;
  m->out_req[0] = m->out_req[1] = MPI_REQUEST_NULL;
  const char *die = getenv("SPLITSIM_TEST_RANK1_DIES_AFTER");
  if (die && m->rank == 1)
    m->die_after = strtoul(die, NULL, 10);
  *out = m;
  return 0;
}

void mpi_units_free(mpi_units *m) {
  if (!m)
    return;
  pthread_mutex_destroy(&m->mu);
  if (m->sync_req)
    MPI_Waitall(m->size, m->sync_req, MPI_STATUSES_IGNORE);
  MPI_Waitall(2, m->out_req, MPI_STATUSES_IGNORE);
  free(m->out_buf[0]);
  free(m->out_buf[1]);
  free(m->sync_req);
  free(m->sync_buf);
  free(m->buf);
  free(m->queue);
  if (m->held)
    for (int r = 0; r < m->size; r++)
      free(m->held[r]);
  free(m->held);
  free(m->n_held);
  free(m->cap_held);
  free(m->cost_copy);
  free(m->batch);
  free(m->pend);
  free(m->has_pend);
  free(m->ended_below);
  free(m);
}

void mpi_units_scenario(mpi_units *m, size_t scn, sim_shard_io *journal) {
  m->abandoned = 0;
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

/* A batch of units (none: the phase has no more for this rank). */
static void send_tasks(int dest, const int64_t *tasks, size_t n) {
  MPI_Send(tasks, (int)(8 * n), MPI_BYTE, dest, TAG_TASK, MPI_COMM_WORLD);
}

/* ---- rank 0 ------------------------------------------------------------- */

static const double *sort_cost; /* qsort has no context (main thread) */

static int cmp_cost_desc(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  double cx = sort_cost ? sort_cost[x] : 1, cy = sort_cost ? sort_cost[y] : 1;
  if (cx != cy)
    return cx > cy ? -1 : 1;
  return x < y ? -1 : x > y;
}

static double cost_of(const mpi_units *m, size_t t) {
  return m->cost_copy ? m->cost_copy[t] : 1.0;
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
  free(m->cost_copy);
  m->cost_copy = NULL;
  if (cost && n_tasks) {
    if (!(m->cost_copy = malloc(n_tasks * sizeof *m->cost_copy)))
      return ss_error_set(err, NULL, NULL, "out of memory");
    memcpy(m->cost_copy, cost, n_tasks * sizeof *cost);
  }
  size_t t;
  m->left_cost = 0;
  while (m->jio.next(m->jio.ctx, &t, err) == 1) {
    m->queue[m->n_queue++] = t;
    m->left_cost += cost_of(m, t);
  }
  sort_cost = m->cost_copy; /* largest first: the tail balances */
  qsort(m->queue, m->n_queue, sizeof *m->queue, cmp_cost_desc);
  m->remaining = m->n_queue;
  return 0;
}

static int pop_locked(mpi_units *m, size_t *task) {
  if (m->next_q >= m->n_queue)
    return 0;
  *task = m->queue[m->next_q++];
  m->left_cost -= cost_of(m, *task);
  return 1;
}

static int pop(mpi_units *m, size_t *task) {
  pthread_mutex_lock(&m->mu);
  int got = pop_locked(m, task);
  pthread_mutex_unlock(&m->mu);
  return got;
}

static int hold(mpi_units *m, int r, size_t t) {
  if (m->n_held[r] == m->cap_held[r]) {
    size_t nc = m->cap_held[r] ? 2 * m->cap_held[r] : 16;
    size_t *nh = realloc(m->held[r], nc * sizeof *nh);
    if (!nh)
      return -1;
    m->held[r] = nh;
    m->cap_held[r] = nc;
  }
  m->held[r][m->n_held[r]++] = t;
  return 0;
}

/* Guided self-scheduling: a batch worth 1/(2 x ranks) of the work left
 * (at least one unit), so that messages stay few and the end balances. */
static int send_batch(mpi_units *m, int r, ss_error *err) {
  size_t cap = 1 + m->n_queue - m->next_q;
  int64_t *b = malloc(cap * sizeof *b);
  if (!b)
    return ss_error_set(err, NULL, NULL, "out of memory");
  size_t n = 0;
  pthread_mutex_lock(&m->mu);
  double share = m->left_cost / (2.0 * m->size), got = 0;
  size_t t;
  while ((n == 0 || got < share) && pop_locked(m, &t)) {
    b[n++] = (int64_t)t;
    got += cost_of(m, t);
  }
  pthread_mutex_unlock(&m->mu);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++)
    rc = hold(m, r, (size_t)b[i]);
  if (rc == 0)
    send_tasks(r, b, n);
  free(b);
  return rc == 0 ? 0 : ss_error_set(err, NULL, NULL, "out of memory");
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
    send_tasks(r, NULL, 0);
    return 0;
  }
  if (req[2] != m->n_tasks)
    return ss_error_set(err, NULL, NULL,
                        "rank %d sees other inputs than rank 0 (a phase "
                        "of %llu units there, %llu here); give every rank "
                        "the same scenario and profiles",
                        r, (unsigned long long)req[2],
                        (unsigned long long)m->n_tasks);
  return send_batch(m, r, err);
}

static int take_result(mpi_units *m, int r, size_t len, int keep,
                       ss_error *err) {
  uint64_t h[3];
  if (len < sizeof h)
    return ss_error_set(err, NULL, NULL, "rank %d sent a short unit", r);
  memcpy(h, m->buf, sizeof h);
  size_t i = 0;
  while (i < m->n_held[r] && m->held[r][i] != h[0])
    i++;
  if (h[1] + h[2] != len - sizeof h || i == m->n_held[r])
    return ss_error_set(err, NULL, NULL, "rank %d sent a damaged unit", r);
  m->held[r][i] = m->held[r][--m->n_held[r]];
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
    pthread_mutex_lock(&m->mu); /* it gave up its units: hand them out */
    while (m->n_held[r] > 0) {
      size_t t = m->held[r][--m->n_held[r]];
      m->queue[--m->next_q] = t;
      m->left_cost += cost_of(m, t);
    }
    pthread_mutex_unlock(&m->mu);
    if (scn + 1 > m->ended_below[r])
      m->ended_below[r] = scn + 1;
    return 1;
  }
  return ss_error_set(err, NULL, NULL, "unexpected MPI message from rank %d",
                      r);
}

/* One step of rank 0's serving loop: stop when cancelled, else handle a
 * message (keep: as handle_one) or nap a little longer when there was
 * none. 0, or -1 with err. */
static int serve_step(mpi_units *m, int keep, long *idle_ns, ss_error *err) {
  if (cancelled(m, err) != 0)
    return -1;
  int h = handle_one(m, keep, err);
  if (h < 0)
    return -1;
  if (h == 0)
    nap(idle_ns);
  else
    *idle_ns = 0;
  return 0;
}

static int busy(mpi_units *m) {
  for (int r = 1; r < m->size; r++)
    if (m->n_held[r] > 0)
      return 1;
  return 0;
}

static int r0_serve(void *ctx, ss_error *err) {
  mpi_units *m = ctx;
  long idle_ns = 0;
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
    if (serve_step(m, 1, &idle_ns, err) != 0)
      return -1;
  }
}

static int r0_fetch(void *ctx, size_t task, void *out, void *aux,
                    ss_error *err) {
  mpi_units *m = ctx;
  pthread_mutex_lock(&m->mu);
  int rc = m->jio.fetch(m->jio.ctx, task, out, aux, err);
  pthread_mutex_unlock(&m->mu);
  return rc;
}

/* Send the blob to every other rank (kept until the sends complete). */
static int r0_sync(void *ctx, char **data, size_t *len, ss_error *err) {
  mpi_units *m = ctx;
  MPI_Waitall(m->size, m->sync_req, MPI_STATUSES_IGNORE);
  free(m->sync_buf);
  if (!(m->sync_buf = malloc(*len + 1)))
    return ss_error_set(err, NULL, NULL, "out of memory");
  memcpy(m->sync_buf, *data, *len);
  for (int r = 1; r < m->size; r++)
    MPI_Isend(m->sync_buf, (int)*len, MPI_BYTE, r, TAG_SYNC, MPI_COMM_WORLD,
              &m->sync_req[r]);
  return 0;
}

/* ---- ranks > 0 ---------------------------------------------------------- */

/* Take an OVER message if one is there: 1 when it ends the scenario this
 * rank is in. */
static int take_over(mpi_units *m) {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(0, TAG_OVER, MPI_COMM_WORLD, &flag, &st);
  if (!flag)
    return 0;
  uint64_t scn;
  MPI_Recv(&scn, 8, MPI_BYTE, 0, TAG_OVER, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (scn + 1 > m->over_below)
    m->over_below = scn + 1;
  return scn == m->scn;
}

/* Wait for a message of tag from rank 0 into *st; -1 when stopped, or
 * (abandon_on_over) when rank 0 ended the scenario: m->abandoned. Rank 0
 * answers every request, so waits for a batch never abandon. */
static int w_wait(mpi_units *m, int tag, int abandon_on_over, MPI_Status *st,
                  ss_error *err) {
  long idle_ns = 0;
  for (;;) {
    int flag = 0;
    MPI_Iprobe(0, tag, MPI_COMM_WORLD, &flag, st);
    if (flag)
      return 0;
    if (cancelled(m, err) != 0)
      return -1;
    take_over(m);
    if (abandon_on_over && m->over_below > m->scn) {
      m->abandoned = 1;
      return ss_error_set(err, NULL, NULL, "rank 0 ended the scenario");
    }
    nap(&idle_ns);
  }
}

int mpi_units_abandoned(const mpi_units *m) { return m && m->abandoned; }

static int w_sync(void *ctx, char **data, size_t *len, ss_error *err) {
  mpi_units *m = ctx;
  MPI_Status st;
  if (w_wait(m, TAG_SYNC, 1, &st, err) != 0)
    return -1;
  size_t n = 0;
  if (recv_probed(m, &st, &n, err) != 0)
    return -1;
  char *p = malloc(n + 1);
  if (!p)
    return ss_error_set(err, NULL, NULL, "out of memory");
  memcpy(p, m->buf, n);
  free(*data);
  *data = p;
  *len = n;
  return 0;
}

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
  m->n_batch = m->i_batch = 0;
  return 0;
}

static int w_next(void *ctx, size_t *task, ss_error *err) {
  mpi_units *m = ctx;
  if (m->i_batch < m->n_batch) {
    *task = (size_t)m->batch[m->i_batch++];
    return 1;
  }
  uint64_t req[3] = {m->scn, m->seq, m->n_tasks};
  MPI_Send(req, 24, MPI_BYTE, 0, TAG_REQ, MPI_COMM_WORLD);
  MPI_Status st;
  if (w_wait(m, TAG_TASK, 0, &st, err) != 0)
    return -1;
  size_t len = 0;
  if (recv_probed(m, &st, &len, err) != 0)
    return -1;
  size_t n = len / 8;
  if (n > m->cap_batch) {
    int64_t *nb = realloc(m->batch, n * sizeof *nb);
    if (!nb)
      return ss_error_set(err, NULL, NULL, "out of memory");
    m->batch = nb;
    m->cap_batch = n;
  }
  if (n)
    memcpy(m->batch, m->buf, n * 8);
  m->n_batch = n;
  m->i_batch = 0;
  if (n == 0)
    return 0;
  *task = (size_t)m->batch[m->i_batch++];
  return 1;
}

static int w_done(void *ctx, size_t task, const char *out, size_t out_len,
                  const char *aux, size_t aux_len, ss_error *err) {
  mpi_units *m = ctx;
  size_t len = 24 + out_len + aux_len;
  if (len > (size_t)INT32_MAX)
    return ss_error_set(err, NULL, NULL, "unit %zu too large for MPI", task);
  /* two send buffers: the next unit is computed while one travels */
  int sl = m->slot;
  MPI_Wait(&m->out_req[sl], MPI_STATUS_IGNORE);
  if (len > m->out_cap[sl]) {
    char *nb = realloc(m->out_buf[sl], len);
    if (!nb)
      return ss_error_set(err, NULL, NULL, "out of memory");
    m->out_buf[sl] = nb;
    m->out_cap[sl] = len;
  }
  char *b = m->out_buf[sl];
  uint64_t h[3] = {task, out_len, aux_len};
  memcpy(b, h, 24);
  memcpy(b + 24, out, out_len);
  memcpy(b + 24 + out_len, aux, aux_len);
  MPI_Isend(b, (int)len, MPI_BYTE, 0, TAG_RES, MPI_COMM_WORLD, &m->out_req[sl]);
  m->slot = 1 - sl;
  if (m->die_after && ++m->n_sent >= m->die_after)
    raise(SIGKILL); /* a rank that dies mid-run, for the tests */
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
    io.serve = m->size > 1 ? r0_serve : NULL; /* alone: just compute */
    io.fail = r0_fail;
    io.fetch = r0_fetch;
    io.sync = r0_sync;
  } else {
    io.begin = w_begin;
    io.phase = w_phase;
    io.next = w_next;
    io.done = w_done;
    io.sync = w_sync;
  }
  return io;
}

int mpi_units_scenario_end(mpi_units *m, size_t scn, ss_error *err) {
  long idle_ns = 0;
  if (m->rank != 0) { /* tell rank 0, then hear that it is over there */
    uint64_t s = scn;
    MPI_Send(&s, 8, MPI_BYTE, 0, TAG_END, MPI_COMM_WORLD);
    while (m->over_below <= scn) {
      if (cancelled(m, err) != 0)
        return -1;
      if (!take_over(m))
        nap(&idle_ns);
    }
    return 0;
  }
  for (int r = 1; r < m->size; r++) {
    uint64_t s = scn;
    MPI_Send(&s, 8, MPI_BYTE, r, TAG_OVER, MPI_COMM_WORLD);
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
    if (serve_step(m, 0, &idle_ns, err) != 0)
      return -1;
  }
}

#endif
