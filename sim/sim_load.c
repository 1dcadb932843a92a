/* The discrete-event core of the load simulator: one binary heap of events
 * (time, sequence number; no allocation per event), a pool of request
 * records reused through a free list, FCFS multi-server stations with ring
 * buffer queues, and sim_link objects for the shared links.
 *
 * Events: an arrival (per Poisson group, or per periodic client), the end
 * of a private delay (device compute, or a link's propagation latency), the
 * end of a service at a station, and a link's next event (its time is the
 * link's own sim_link_next_event_s; stale heap entries are skipped). Ties in
 * time go to the event pushed first, so a run is a pure function of its
 * configuration and RNG stream. */
#include "sim_load.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_mem.h"

enum { EV_ARRIVAL = 0, EV_DELAY, EV_STATION, EV_LINK };

/* An event. The key is (time, sequence number): times are never negative,
 * so the bits of the double order like the number, and one 128-bit integer
 * comparison orders two events (no floating-point branches). */
typedef struct ev {
  uint64_t t_bits;
  uint64_t seq;
  uint32_t kind, id;
} ev;

__extension__ typedef unsigned __int128 ev_key;

/* A 4-ary min-heap: half the levels of a binary heap. */
typedef struct heap {
  ev *a;
  size_t n, cap;
  uint64_t seq;
} heap;

typedef struct source {
  uint32_t group;
  double period_s; /* periodic: 1 / rate; Poisson: mean gap of the group */
  double phase_s;
  uint64_t k;
} source;

typedef struct req {
  double t_arrival_s;
  double t_enter_s; /* entered the current station or link */
  double t_start_s; /* service started (stations) */
  double service_s; /* sampled service of the current station stage */
  const sim_load_stage *sg, *sg_end; /* current stage, end of the route */
  uint32_t group, next_free;
  uint16_t route;
} req;

/* Integrals of a resource over time, kept up to date lazily. */
typedef struct integ {
  double last_s, area, busy, area0, busy0;
} integ;

typedef struct station_st {
  unsigned servers, busy;
  uint64_t limit;
  uint32_t *q; /* ring buffer of waiting requests */
  size_t head, n, cap;
  double queued_work_s, sum_end_s;
  integ in;
} station_st;

typedef struct link_st {
  sim_link *l;
  double latency_s, bandwidth;
  double sched_t; /* time of the live heap entry, NaN when none */
  size_t n_in;
  double bytes_in;
  integ in;
} link_st;

typedef struct ld {
  const sim_load_config *c;
  sim_load_result *res;
  gsl_rng *rng;
  heap h;
  source *src;
  size_t n_src;
  req *rq;
  size_t rq_cap;
  uint32_t free_head;
  uint64_t in_flight, max_in_flight;
  station_st *st;
  link_st *lk;
  uint64_t *done_tags;
  size_t done_cap;
  uint64_t completed_all, measured;
  int measuring, finished, oom;
  double t0_s;
} ld;

/* ---- heap -----------------------------------------------------------------
 */

static inline ev_key key_of(const ev *e) {
  return ((ev_key)e->t_bits << 64) | e->seq;
}

static inline double ev_time(const ev *e) {
  double t;
  memcpy(&t, &e->t_bits, sizeof t);
  return t;
}

static int heap_push(ld *s, double t, uint32_t kind, uint32_t id) {
  heap *h = &s->h;
  void *a = h->a;
  if (ss_grow(&a, &h->cap, h->n + 1, sizeof *h->a, 64) != 0) {
    s->oom = 1;
    return -1;
  }
  h->a = a;
  ev e;
  t += 0.0; /* -0.0 -> +0.0: equal bits for equal times */
  memcpy(&e.t_bits, &t, sizeof t);
  e.seq = h->seq++;
  e.kind = kind;
  e.id = id;
  ev_key k = key_of(&e);
  size_t i = h->n++;
  while (i > 0) {
    size_t p = (i - 1) / 4;
    if (key_of(&h->a[p]) <= k)
      break;
    h->a[i] = h->a[p];
    i = p;
  }
  h->a[i] = e;
  return 0;
}

static ev heap_pop(heap *h) {
  ev top = h->a[0];
  ev last = h->a[--h->n];
  ev_key lk = key_of(&last);
  size_t i = 0, n = h->n;
  for (;;) {
    size_t c = 4 * i + 1;
    if (c >= n)
      break;
    size_t m = c;
    ev_key mk = key_of(&h->a[c]);
    size_t end = c + 4 < n ? c + 4 : n;
    for (size_t j = c + 1; j < end; j++) {
      ev_key jk = key_of(&h->a[j]);
      if (jk < mk) {
        mk = jk;
        m = j;
      }
    }
    if (lk <= mk)
      break;
    h->a[i] = h->a[m];
    i = m;
  }
  if (n)
    h->a[i] = last;
  return top;
}

/* ---- helpers --------------------------------------------------------------
 */

static inline void integ_to(integ *in, double now, double n, double busy) {
  double dt = now - in->last_s;
  in->area += n * dt;
  in->busy += busy * dt;
  in->last_s = now;
}

static double sample(ld *s, const sim_load_stage *st) {
  double m = st->service_s;
  if (m <= 0)
    return 0;
  switch (s->c->service) {
  case SIM_LOAD_EXPONENTIAL:
    return -m * log(gsl_rng_uniform_pos(s->rng));
  case SIM_LOAD_LOGNORMAL: {
    double sg = st->sigma_ln;
    if (sg <= 0)
      return m;
    return exp(log(m) - 0.5 * sg * sg + sg * gsl_ran_ugaussian(s->rng));
  }
  case SIM_LOAD_DETERMINISTIC:
  default:
    return m;
  }
}

static uint32_t req_alloc(ld *s) {
  if (s->free_head == UINT32_MAX) {
    size_t old_cap = s->rq_cap;
    void *rq = s->rq;
    if (ss_grow(&rq, &s->rq_cap, old_cap + 1, sizeof *s->rq, 256) != 0) {
      s->oom = 1;
      return UINT32_MAX;
    }
    s->rq = rq;
    for (size_t i = old_cap; i < s->rq_cap; i++)
      s->rq[i].next_free = i + 1 < s->rq_cap ? (uint32_t)(i + 1) : UINT32_MAX;
    s->free_head = (uint32_t)old_cap;
  }
  uint32_t r = s->free_head;
  s->free_head = s->rq[r].next_free;
  s->in_flight++;
  return r;
}

static void req_free(ld *s, uint32_t r) {
  s->rq[r].next_free = s->free_head;
  s->free_head = r;
  s->in_flight--;
}

/* Warm-up over: start the window, snapshot every integral. */
static void start_window(ld *s, double now) {
  s->measuring = 1;
  s->t0_s = now;
  for (size_t i = 0; i < s->c->n_stations; i++) {
    station_st *t = &s->st[i];
    integ_to(&t->in, now, (double)(t->busy + t->n), t->busy);
    t->in.area0 = t->in.area;
    t->in.busy0 = t->in.busy;
  }
  for (size_t i = 0; i < s->c->n_links; i++) {
    link_st *l = &s->lk[i];
    integ_to(&l->in, now, (double)l->n_in, l->n_in > 0);
    l->in.area0 = l->in.area;
    l->in.busy0 = l->in.busy;
  }
}

static void complete(ld *s, uint32_t r, double now) {
  req *q = &s->rq[r];
  if (s->measuring) {
    const sim_load_group *g = &s->c->groups[q->group];
    sim_load_group_result *gr = &s->res->groups[q->group];
    double lat = now - q->t_arrival_s;
    gr->completed++;
    gr->latency_sum_s += lat;
    sim_hist_add(&gr->latency, lat);
    if (lat > g->deadline_s)
      gr->missed++;
    gr->route_used[q->route]++;
    if (s->c->duration_s <= 0 && ++s->measured >= s->c->requests)
      s->finished = 1;
  }
  req_free(s, r);
  if (++s->completed_all == s->c->warmup_requests && !s->measuring)
    start_window(s, now);
}

static void drop(ld *s, uint32_t r, sim_load_res_result *rr) {
  if (s->measuring) {
    s->res->groups[s->rq[r].group].dropped++;
    rr->dropped++;
  }
  req_free(s, r);
}

/* ---- stations -------------------------------------------------------------
 */

static void station_serve(ld *s, station_st *t, uint32_t r, double now) {
  req *q = &s->rq[r];
  t->busy++;
  q->t_start_s = now;
  double end = now + q->service_s;
  t->sum_end_s += end;
  heap_push(s, end, EV_STATION, r);
}

static void station_enter(ld *s, uint32_t r, const sim_load_stage *sg,
                          double now) {
  station_st *t = &s->st[sg->resource];
  req *q = &s->rq[r];
  integ_to(&t->in, now, (double)(t->busy + t->n), t->busy);
  q->t_enter_s = now;
  q->service_s = sample(s, sg);
  if (t->busy < t->servers) {
    station_serve(s, t, r, now);
    return;
  }
  if (t->limit && t->n >= t->limit) {
    drop(s, r, &s->res->stations[sg->resource]);
    return;
  }
  if (t->n == t->cap) {
    size_t nc = t->cap ? 2 * t->cap : 64;
    uint32_t *nq = malloc(nc * sizeof *nq);
    if (!nq) {
      s->oom = 1;
      return;
    }
    for (size_t i = 0; i < t->n; i++)
      nq[i] = t->q[(t->head + i) % t->cap];
    free(t->q);
    t->q = nq;
    t->head = 0;
    t->cap = nc;
  }
  t->q[(t->head + t->n) % t->cap] = r;
  t->n++;
  t->queued_work_s += q->service_s;
}

static void req_next(ld *s, uint32_t r, double now);

static void station_done(ld *s, uint32_t r, double now) {
  req *q = &s->rq[r];
  const sim_load_stage *sg = q->sg;
  station_st *t = &s->st[sg->resource];
  integ_to(&t->in, now, (double)(t->busy + t->n), t->busy);
  t->busy--;
  t->sum_end_s -= now;
  if (t->busy == 0)
    t->sum_end_s = 0;
  if (s->measuring) {
    sim_load_res_result *rr = &s->res->stations[sg->resource];
    rr->departed++;
    rr->sojourn_sum_s += now - q->t_enter_s;
    rr->wait_sum_s += q->t_start_s - q->t_enter_s;
  }
  if (t->n) {
    uint32_t r2 = t->q[t->head];
    t->head = (t->head + 1) % t->cap;
    t->n--;
    t->queued_work_s = t->n ? t->queued_work_s - s->rq[r2].service_s : 0;
    station_serve(s, t, r2, now);
  }
  q->sg++;
  req_next(s, r, now);
}

/* ---- links ----------------------------------------------------------------
 */

static void link_resched(ld *s, size_t i, double now) {
  link_st *l = &s->lk[i];
  double t = sim_link_next_event_s(l->l);
  if (t < now)
    t = now;
  if (t == l->sched_t || !isfinite(t))
    return;
  l->sched_t = t;
  heap_push(s, t, EV_LINK, (uint32_t)i);
}

static void link_enter(ld *s, uint32_t r, const sim_load_stage *sg,
                       double now) {
  link_st *l = &s->lk[sg->resource];
  integ_to(&l->in, now, (double)l->n_in, l->n_in > 0);
  l->n_in++;
  l->bytes_in += sg->bytes;
  s->rq[r].t_enter_s = now;
  if (sim_link_start(l->l, now, sg->bytes, r) != 0) {
    s->oom = 1;
    return;
  }
  link_resched(s, sg->resource, now);
}

/* One transfer has left link i at now: propagation, then the next stage. */
static void link_served(ld *s, size_t i, uint32_t r, double now) {
  link_st *l = &s->lk[i];
  req *q = &s->rq[r];
  const sim_load_stage *sg = q->sg;
  integ_to(&l->in, now, (double)l->n_in, l->n_in > 0);
  l->n_in--;
  l->bytes_in = l->n_in ? l->bytes_in - sg->bytes : 0;
  if (s->measuring) {
    sim_load_res_result *rr = &s->res->links[i];
    rr->departed++;
    rr->sojourn_sum_s += now - q->t_enter_s;
  }
  if (l->latency_s > 0) {
    heap_push(s, now + l->latency_s, EV_DELAY, r);
    return;
  }
  q->sg++;
  req_next(s, r, now);
}

static void link_event(ld *s, size_t i, double now) {
  link_st *l = &s->lk[i];
  if (now != l->sched_t)
    return; /* stale */
  l->sched_t = NAN;
  size_t n = 0;
  uint64_t tag;
  while (sim_link_advance(l->l, now, &tag) == 1) {
    void *tags = s->done_tags;
    if (ss_grow(&tags, &s->done_cap, n + 1, sizeof *s->done_tags, 16) != 0) {
      s->oom = 1;
      return;
    }
    s->done_tags = tags;
    s->done_tags[n++] = tag;
  }
  link_resched(s, i, now);
  for (size_t k = 0; k < n; k++)
    link_served(s, i, (uint32_t)s->done_tags[k], now);
}

/* ---- requests -------------------------------------------------------------
 */

/* Run request r from its current stage until it waits for an event. */
static void req_next(ld *s, uint32_t r, double now) {
  for (;;) {
    req *q = &s->rq[r];
    if (q->sg == q->sg_end) {
      complete(s, r, now);
      return;
    }
    const sim_load_stage *sg = q->sg;
    switch (sg->kind) {
    case SIM_LOAD_STATION:
      station_enter(s, r, sg, now);
      return;
    case SIM_LOAD_LINK:
      link_enter(s, r, sg, now);
      return;
    case SIM_LOAD_DELAY:
    default: {
      double d = sample(s, sg);
      if (d > 0) {
        heap_push(s, now + d, EV_DELAY, r);
        return;
      }
      q->sg++;
    }
    }
  }
}

/* Expected finish of route rt for a request starting now, from the current
 * backlogs (work queued and in service at stations, bytes in links). */
static double route_estimate(const ld *s, const sim_load_route *rt,
                             double now) {
  double est = 0;
  for (size_t k = 0; k < rt->n_stages; k++) {
    const sim_load_stage *sg = &rt->stages[k];
    if (sg->kind == SIM_LOAD_STATION) {
      const station_st *t = &s->st[sg->resource];
      double wait = 0;
      if (t->busy >= t->servers)
        wait = (t->queued_work_s + t->sum_end_s - t->busy * now) / t->servers;
      est += (wait > 0 ? wait : 0) + sg->service_s;
    } else if (sg->kind == SIM_LOAD_LINK) {
      const link_st *l = &s->lk[sg->resource];
      est += (l->bytes_in + sg->bytes) / l->bandwidth + l->latency_s;
    } else {
      est += sg->service_s;
    }
  }
  return est;
}

static uint16_t choose_route(const ld *s, const sim_load_group *g, double now) {
  if (g->n_routes <= 1)
    return 0;
  size_t best = 0;
  double best_t = INFINITY;
  for (size_t k = 0; k < g->n_routes; k++) {
    double t = route_estimate(s, &g->routes[k], now);
    if (t < best_t) {
      best_t = t;
      best = k;
    }
  }
  return (uint16_t)best;
}

static void arrival(ld *s, uint32_t id, double now) {
  source *sr = &s->src[id];
  const sim_load_group *g = &s->c->groups[sr->group];
  double next;
  if (g->arrival == SIM_LOAD_POISSON) {
    next = now - sr->period_s * log(gsl_rng_uniform_pos(s->rng));
  } else {
    sr->k++;
    double j = g->jitter_s < sr->period_s ? g->jitter_s : sr->period_s;
    next = sr->phase_s + (double)sr->k * sr->period_s +
           (j > 0 ? j * gsl_rng_uniform(s->rng) : 0);
  }
  heap_push(s, next, EV_ARRIVAL, id);
  if (s->in_flight >= s->max_in_flight) {
    s->res->stop = SIM_LOAD_IN_FLIGHT_CAP;
    s->finished = 1;
    return;
  }
  uint32_t r = req_alloc(s);
  if (r == UINT32_MAX)
    return;
  req *q = &s->rq[r];
  q->t_arrival_s = now;
  q->group = sr->group;
  q->route = choose_route(s, g, now);
  q->sg = g->routes[q->route].stages;
  q->sg_end = q->sg + g->routes[q->route].n_stages;
  req_next(s, r, now);
}

/* ---- setup and the loop ---------------------------------------------------
 */

static void ld_free(ld *s) {
  if (s->st)
    for (size_t i = 0; i < s->c->n_stations; i++)
      free(s->st[i].q);
  if (s->lk)
    for (size_t i = 0; i < s->c->n_links; i++)
      sim_link_free(s->lk[i].l);
  free(s->st);
  free(s->lk);
  free(s->src);
  free(s->rq);
  free(s->h.a);
  free(s->done_tags);
  if (s->rng)
    gsl_rng_free(s->rng);
}

/* Arrival sources: one per Poisson group (the superposition of its
 * clients), one per periodic client. */
static int make_sources(ld *s) {
  const sim_load_config *c = s->c;
  size_t n = 0;
  for (size_t g = 0; g < c->n_groups; g++)
    n += c->groups[g].arrival == SIM_LOAD_POISSON ? 1 : c->groups[g].count;
  if (!(s->src = calloc(n + 1, sizeof *s->src)))
    return -1;
  s->n_src = n;
  size_t k = 0;
  for (size_t g = 0; g < c->n_groups; g++) {
    const sim_load_group *gr = &c->groups[g];
    size_t m = gr->arrival == SIM_LOAD_POISSON ? 1 : gr->count;
    for (size_t i = 0; i < m; i++, k++) {
      source *sr = &s->src[k];
      sr->group = (uint32_t)g;
      if (gr->arrival == SIM_LOAD_POISSON) {
        sr->period_s = 1.0 / ((double)gr->count * gr->rate_hz);
        sr->phase_s = -sr->period_s * log(gsl_rng_uniform_pos(s->rng));
      } else {
        sr->period_s = 1.0 / gr->rate_hz;
        sr->phase_s = sr->period_s * gsl_rng_uniform(s->rng);
      }
      double t = sr->phase_s;
      double j = gr->jitter_s < sr->period_s ? gr->jitter_s : sr->period_s;
      if (gr->arrival == SIM_LOAD_PERIODIC && j > 0)
        t += j * gsl_rng_uniform(s->rng);
      if (heap_push(s, t, EV_ARRIVAL, (uint32_t)k) != 0)
        return -1;
    }
  }
  return 0;
}

static int ld_init(ld *s, const sim_load_config *c, uint64_t stream,
                   sim_load_result *res, ss_error *err) {
  memset(s, 0, sizeof *s);
  s->c = c;
  s->res = res;
  s->free_head = UINT32_MAX;
  s->max_in_flight = c->max_in_flight ? c->max_in_flight : 100000;
  if (s->max_in_flight > UINT32_MAX - 1)
    s->max_in_flight = UINT32_MAX - 1;
  if (!(s->rng = gsl_rng_alloc(gsl_rng_mt19937)))
    goto oom;
  gsl_rng_set(s->rng, (unsigned long)sim_load_mix(c->seed, stream, 0x51ULL));
  s->st = calloc(c->n_stations + 1, sizeof *s->st);
  s->lk = calloc(c->n_links + 1, sizeof *s->lk);
  if (!s->st || !s->lk)
    goto oom;
  for (size_t i = 0; i < c->n_stations; i++) {
    s->st[i].servers = c->stations[i].servers;
    s->st[i].limit = c->stations[i].queue_limit;
  }
  for (size_t i = 0; i < c->n_links; i++) {
    link_st *l = &s->lk[i];
    l->latency_s = c->links[i].params.latency_s;
    l->bandwidth = c->links[i].params.bandwidth_bytes_per_s;
    l->sched_t = NAN;
    if (!(l->l = sim_link_new(&c->links[i].params, err)))
      return ss_error_prefix(err, "link '%s'", c->links[i].name);
  }
  if (make_sources(s) != 0)
    goto oom;
  return 0;
oom:
  return ss_error_set(err, NULL, NULL, "out of memory");
}

static double default_time_cap(const sim_load_config *c) {
  double rate = 0;
  for (size_t g = 0; g < c->n_groups; g++)
    rate += (double)c->groups[g].count * c->groups[g].rate_hz;
  double n = (double)c->warmup_requests;
  if (c->duration_s > 0)
    n += c->duration_s * rate;
  else
    n += (double)c->requests;
  double t = 50.0 * n / rate;
  return t > 1.0 ? t : 1.0;
}

static void finish_window(ld *s, double now) {
  sim_load_result *res = s->res;
  res->end_s = now;
  if (!s->measuring)
    return;
  res->window_s = now - s->t0_s;
  for (size_t i = 0; i < s->c->n_stations; i++) {
    station_st *t = &s->st[i];
    integ_to(&t->in, now, (double)(t->busy + t->n), t->busy);
    res->stations[i].area_s = t->in.area - t->in.area0;
    res->stations[i].busy_s = t->in.busy - t->in.busy0;
  }
  for (size_t i = 0; i < s->c->n_links; i++) {
    link_st *l = &s->lk[i];
    integ_to(&l->in, now, (double)l->n_in, l->n_in > 0);
    res->links[i].area_s = l->in.area - l->in.area0;
    res->links[i].busy_s = l->in.busy - l->in.busy0;
  }
}

int sim_load_run(const sim_load_config *c, uint64_t stream,
                 sim_load_result *res, ss_error *err) {
  if (sim_load_validate(c, err) != 0)
    return -1;
  sim_load_result_reset(res);
  ld s;
  int rc = -1;
  if (ld_init(&s, c, stream, res, err) != 0)
    goto done;
  double cap = c->max_time_s > 0 ? c->max_time_s : default_time_cap(c);
  if (c->warmup_requests == 0)
    start_window(&s, 0.0);
  double now = 0;
  while (!s.finished && !s.oom && s.h.n) {
    ev e = heap_pop(&s.h);
    double t = ev_time(&e);
    if (s.measuring && c->duration_s > 0 && t > s.t0_s + c->duration_s) {
      now = s.t0_s + c->duration_s; /* the window ends between events */
      break;
    }
    if (t > cap) {
      res->stop = SIM_LOAD_TIME_CAP;
      now = cap;
      break;
    }
    now = t;
    res->events++;
    switch (e.kind) {
    case EV_ARRIVAL:
      arrival(&s, e.id, now);
      break;
    case EV_DELAY:
      s.rq[e.id].sg++;
      req_next(&s, e.id, now);
      break;
    case EV_STATION:
      station_done(&s, e.id, now);
      break;
    case EV_LINK:
    default:
      link_event(&s, e.id, now);
      break;
    }
  }
  if (s.oom) {
    ss_error_set(err, NULL, NULL, "out of memory");
    goto done;
  }
  finish_window(&s, now);
  rc = 0;
done:
  ld_free(&s);
  return rc;
}
