/* sim_link: a shared, possibly trace-driven link in simulated time
 * (sim_link.h).
 *
 * State. `last_s` is the time the state was last brought forward to.
 * fair: every transfer in flight has received the same service since it
 *   started, so one number, the virtual service `virtual_bytes` (bytes each
 *   transfer got since the link was made), describes them all; a transfer
 *   started at virtual service V with B bytes finishes when it reaches
 *   V + B. They sit in a min-heap on that finish mark (ties: start order).
 * fifo: a queue; only the head is served, `head_left_bytes` is its rest.
 * In both cases the next completion needs `need` more bytes of link capacity
 * from last_s (n x the smallest mark's rest for fair, the head's rest for
 * fifo) and happens at sim_link_solo_finish_s(last_s, need): exact across
 * trace steps. Completions up to a time are moved to a small `done` queue in
 * order, so that starting a transfer late never loses one. */
#include "sim_link.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_units.h"

typedef struct link_job {
  double mark;   /* fair: finish mark (virtual bytes); fifo: bytes */
  uint64_t seq;  /* start order */
  uint64_t tag;  /* the caller's */
  double time_s; /* done queue: finish time */
} link_job;

/* A growable array used as heap (fair), ring (fifo) or queue (done). */
typedef struct job_vec {
  link_job *v;
  size_t head, n, cap; /* ring: items v[(head + i) % cap] */
} job_vec;

struct sim_link {
  sim_link_params p;
  sim_trace_use use;
  double last_s;
  double virtual_bytes;   /* fair */
  double head_left_bytes; /* fifo: rest of the head transfer */
  double next_s;          /* next completion, INFINITY when none */
  double done_s;          /* finish time of the last one advance returned */
  uint64_t seq;
  job_vec active; /* fair: heap (head = 0); fifo: ring */
  job_vec done;   /* ring */
};

const char *sim_link_sharing_name(sim_link_sharing s) {
  return s == SIM_LINK_FAIR ? "fair" : "fifo";
}

int sim_link_sharing_parse(const char *name, sim_link_sharing *out) {
  if (strcmp(name, "fifo") == 0)
    *out = SIM_LINK_FIFO;
  else if (strcmp(name, "fair") == 0)
    *out = SIM_LINK_FAIR;
  else
    return -1;
  return 0;
}

void sim_link_params_default(sim_link_params *p) {
  memset(p, 0, sizeof *p);
  p->latency_s = 0;
  p->bandwidth_bytes_per_s = ss_mbps_to_bytes_per_s(1);
  p->trace = NULL;
  p->trace_scale = 1;
  p->trace_offset_s = 0;
  p->repeat = 1;
  p->sharing = SIM_LINK_FIFO;
}

static sim_trace_use params_use(const sim_link_params *p) {
  sim_trace_use u = {p->trace, p->trace_scale, p->trace_offset_s, p->repeat};
  return u;
}

double sim_link_solo_finish_s(const sim_link_params *p, double start_s,
                              double bytes) {
  if (!(bytes > 0))
    return start_s;
  if (!p->trace)
    return start_s + bytes / p->bandwidth_bytes_per_s;
  sim_trace_use u = params_use(p);
  return sim_trace_finish_s(&u, start_s, bytes);
}

double sim_link_capacity_bytes(const sim_link *l, double a_s, double b_s) {
  if (!(b_s > a_s))
    return 0;
  if (!l->p.trace)
    return (b_s - a_s) * l->p.bandwidth_bytes_per_s;
  double d =
      sim_trace_bytes_until(&l->use, b_s) - sim_trace_bytes_until(&l->use, a_s);
  return d > 0 ? d : 0;
}

static int params_check(const sim_link_params *p, ss_error *err) {
  if (!(p->latency_s >= 0) || !isfinite(p->latency_s))
    return ss_error_set(err, NULL, "latency_s", "must be finite and >= 0");
  if (p->sharing != SIM_LINK_FIFO && p->sharing != SIM_LINK_FAIR)
    return ss_error_set(err, NULL, "sharing", "must be fifo or fair");
  if (!p->trace) {
    if (!(p->bandwidth_bytes_per_s > 0) || !isfinite(p->bandwidth_bytes_per_s))
      return ss_error_set(err, NULL, "bandwidth", "must be finite and > 0");
    return 0;
  }
  if (!(p->trace_scale > 0) || !isfinite(p->trace_scale))
    return ss_error_set(err, p->trace->file, NULL,
                        "trace_scale must be finite and > 0");
  if (!(p->trace_offset_s >= 0) || !isfinite(p->trace_offset_s))
    return ss_error_set(err, p->trace->file, NULL,
                        "trace_offset_s must be finite and >= 0");
  sim_trace_use u = params_use(p);
  if (sim_trace_can_stall(&u))
    return ss_error_set(
        err, p->trace->file, NULL, "%s",
        p->repeat ? "every row has bandwidth 0: a transfer would never finish"
                  : "the last row has bandwidth 0 and repeat is off: a "
                    "transfer could never finish");
  return 0;
}

sim_link *sim_link_new(const sim_link_params *p, ss_error *err) {
  if (params_check(p, err))
    return NULL;
  sim_link *l = calloc(1, sizeof *l);
  if (!l) {
    ss_error_set(err, NULL, NULL, "out of memory");
    return NULL;
  }
  l->p = *p;
  l->use = params_use(p);
  l->next_s = INFINITY;
  l->done_s = NAN;
  return l;
}

void sim_link_free(sim_link *l) {
  if (!l)
    return;
  free(l->active.v);
  free(l->done.v);
  free(l);
}

size_t sim_link_in_flight(const sim_link *l) { return l->active.n; }
double sim_link_latency_s(const sim_link *l) { return l->p.latency_s; }

/* ---- containers ---------------------------------------------------------- */

static int vec_reserve(job_vec *q) {
  if (q->n < q->cap)
    return 0;
  size_t cap = q->cap ? q->cap * 2 : 16;
  link_job *v = malloc(cap * sizeof *v);
  if (!v)
    return -1;
  for (size_t i = 0; i < q->n; i++) /* unroll the ring */
    v[i] = q->v[(q->head + i) % q->cap];
  free(q->v);
  q->v = v;
  q->head = 0;
  q->cap = cap;
  return 0;
}

static link_job *ring_at(const job_vec *q, size_t i) {
  return &q->v[(q->head + i) % q->cap];
}

static int ring_push(job_vec *q, link_job j) {
  if (vec_reserve(q))
    return -1;
  *ring_at(q, q->n) = j;
  q->n++;
  return 0;
}

static link_job ring_pop(job_vec *q) {
  link_job j = *ring_at(q, 0);
  q->head = (q->head + 1) % q->cap;
  q->n--;
  return j;
}

static int job_less(const link_job *a, const link_job *b) {
  return a->mark < b->mark || (a->mark == b->mark && a->seq < b->seq);
}

static int heap_push(job_vec *h, link_job j) {
  if (vec_reserve(h))
    return -1;
  size_t i = h->n++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!job_less(&j, &h->v[parent]))
      break;
    h->v[i] = h->v[parent];
    i = parent;
  }
  h->v[i] = j;
  return 0;
}

static link_job heap_pop(job_vec *h) {
  link_job top = h->v[0], last = h->v[--h->n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= h->n)
      break;
    if (c + 1 < h->n && job_less(&h->v[c + 1], &h->v[c]))
      c++;
    if (!job_less(&h->v[c], &last))
      break;
    h->v[i] = h->v[c];
    i = c;
  }
  if (h->n > 0)
    h->v[i] = last;
  return top;
}

/* ---- events -------------------------------------------------------------- */

/* Recompute next_s from the state at last_s. */
static void link_plan(sim_link *l) {
  if (l->active.n == 0) {
    l->next_s = INFINITY;
    return;
  }
  double need;
  if (l->p.sharing == SIM_LINK_FAIR)
    need = (double)l->active.n * (l->active.v[0].mark - l->virtual_bytes);
  else
    need = l->head_left_bytes;
  l->next_s = sim_link_solo_finish_s(&l->p, l->last_s, need);
}

/* Finish the transfer due at next_s: into the done queue. */
static int link_finish_next(sim_link *l) {
  link_job j;
  if (l->p.sharing == SIM_LINK_FAIR) {
    j = heap_pop(&l->active);
    l->virtual_bytes = j.mark;
  } else {
    j = ring_pop(&l->active);
    l->head_left_bytes = l->active.n ? ring_at(&l->active, 0)->mark : 0;
  }
  if (l->active.n == 0)
    l->virtual_bytes = 0; /* idle: restart the marks (keeps precision) */
  l->last_s = l->next_s;
  j.time_s = l->next_s;
  if (ring_push(&l->done, j))
    return -1;
  link_plan(l);
  return 0;
}

/* Bring the state forward to now_s, queueing the completions on the way. */
static int link_settle(sim_link *l, double now_s) {
  if (!(now_s >= l->last_s) || !isfinite(now_s))
    return -1;
  while (l->next_s <= now_s)
    if (link_finish_next(l))
      return -1;
  if (l->active.n > 0) {
    double served = sim_link_capacity_bytes(l, l->last_s, now_s);
    if (l->p.sharing == SIM_LINK_FAIR)
      l->virtual_bytes += served / (double)l->active.n;
    else
      l->head_left_bytes -= served;
    if (l->head_left_bytes < 0)
      l->head_left_bytes = 0;
  }
  l->last_s = now_s;
  return 0;
}

int sim_link_start(sim_link *l, double now_s, double bytes, uint64_t tag) {
  if (!(bytes >= 0) || !isfinite(bytes) || link_settle(l, now_s))
    return -1;
  link_job j = {0, l->seq++, tag, 0};
  int rc;
  if (l->p.sharing == SIM_LINK_FAIR) {
    j.mark = l->virtual_bytes + bytes;
    rc = heap_push(&l->active, j);
  } else {
    j.mark = bytes;
    if (l->active.n == 0)
      l->head_left_bytes = bytes;
    rc = ring_push(&l->active, j);
  }
  if (rc)
    return -1;
  link_plan(l);
  return 0;
}

double sim_link_next_event_s(const sim_link *l) {
  if (l->done.n > 0)
    return ring_at(&l->done, 0)->time_s;
  return l->next_s;
}

int sim_link_advance(sim_link *l, double now_s, uint64_t *done_tag) {
  /* a completion already queued (a start came after it) needs no settling */
  if (!(l->done.n > 0 && ring_at(&l->done, 0)->time_s <= now_s) &&
      link_settle(l, now_s))
    return -1;
  if (l->done.n == 0)
    return 0;
  link_job j = ring_pop(&l->done);
  l->done_s = j.time_s;
  if (done_tag)
    *done_tag = j.tag;
  return 1;
}

double sim_link_done_s(const sim_link *l) { return l->done_s; }
