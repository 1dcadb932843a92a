/* sim_replay: the policies over one trace, the candidates from the engine
 * (sim_replay.h). The scenario-level writer is in sim_replay_out.c. */
#include "sim_replay.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_engine_internal.h"
#include "sim_problem.h"
#include "sim_replay_internal.h"

double sim_replay_latency_s(const sim_trace_use *u, const sim_replay_cand *c,
                            double t_s) {
  if (!(c->bytes > 0))
    return c->pre_s + c->post_s;
  double start_s = t_s + c->pre_s;
  double end_s = sim_trace_finish_s(u, start_s, c->bytes);
  return c->pre_s + (end_s - start_s) + c->post_s;
}

/* d dominates c (d never worse on any trace). */
static int dominates(const sim_replay_cand *d, const sim_replay_cand *c) {
  return d->pre_s <= c->pre_s && d->bytes <= c->bytes && d->post_s <= c->post_s;
}

size_t sim_replay_prune(sim_replay_cand *c, size_t n) {
  /* Placements without the traced link: only the fastest can win. */
  size_t best_flat = n;
  for (size_t i = 0; i < n; i++)
    if (!(c[i].bytes > 0) &&
        (best_flat == n ||
         c[i].pre_s + c[i].post_s < c[best_flat].pre_s + c[best_flat].post_s))
      best_flat = i;
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(c[i].bytes > 0) && i != best_flat)
      continue;
    if (!(c[i].bytes > 0)) { /* as pre = total, post = 0 */
      sim_replay_cand f = c[i];
      f.pre_s += f.post_s;
      f.post_s = 0;
      c[i] = f;
    }
    int dominated = 0;
    for (size_t j = 0; j < kept && !dominated; j++)
      dominated = dominates(&c[j], &c[i]);
    if (dominated)
      continue;
    /* drop the kept ones that c[i] dominates strictly */
    size_t w = 0;
    for (size_t j = 0; j < kept; j++)
      if (!dominates(&c[i], &c[j]))
        c[w++] = c[j];
    kept = w;
    c[kept++] = c[i];
  }
  return kept;
}

size_t sim_replay_best_at(const sim_replay_cand *c, size_t n,
                          double bandwidth_bytes_per_s) {
  size_t best = 0;
  double best_v = INFINITY;
  int found = 0;
  for (size_t i = 0; i < n; i++) {
    double v = c[i].pre_s + c[i].post_s;
    if (c[i].bytes > 0)
      v += bandwidth_bytes_per_s > 0 ? c[i].bytes / bandwidth_bytes_per_s
                                     : INFINITY;
    if (v < best_v) {
      best_v = v;
      best = i;
      found = 1;
    }
  }
  if (found)
    return best;
  for (size_t i = 1; i < n; i++) /* an outage and every one needs the link */
    if (c[i].bytes < c[best].bytes ||
        (c[i].bytes == c[best].bytes &&
         c[i].pre_s + c[i].post_s < c[best].pre_s + c[best].post_s))
      best = i;
  return best;
}

static double lower_bound(const sim_replay_cand *c, double bandwidth_max) {
  double v = c->pre_s + c->post_s;
  if (c->bytes > 0)
    v += bandwidth_max > 0 ? c->bytes / bandwidth_max : INFINITY;
  return v;
}

typedef struct bound_key {
  double bound;
  size_t index;
} bound_key;

static int cmp_bound(const void *a, const void *b) {
  const bound_key *x = a, *y = b;
  if (x->bound != y->bound)
    return x->bound < y->bound ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

void sim_replay_order(const sim_replay_cand *c, size_t n, double bandwidth_max,
                      size_t *order) {
  bound_key *k = malloc(n * sizeof *k);
  if (!k) { /* fall back to the given order (still exact, slower) */
    for (size_t i = 0; i < n; i++)
      order[i] = i;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    k[i].bound = lower_bound(&c[i], bandwidth_max);
    k[i].index = i;
  }
  qsort(k, n, sizeof *k, cmp_bound);
  for (size_t i = 0; i < n; i++)
    order[i] = k[i].index;
  free(k);
}

size_t sim_replay_oracle(const sim_trace_use *u, const sim_replay_cand *c,
                         const size_t *order, size_t n, double bandwidth_max,
                         double t_s, double *latency_s) {
  size_t best = order[0];
  double best_v = INFINITY;
  for (size_t r = 0; r < n; r++) {
    size_t i = order[r];
    if (lower_bound(&c[i], bandwidth_max) > best_v)
      break; /* every later one is bounded below by at least this */
    double v = sim_replay_latency_s(u, &c[i], t_s);
    if (v < best_v || (v == best_v && i < best)) {
      best_v = v;
      best = i;
    }
  }
  *latency_s = best_v;
  return best;
}

double sim_replay_bandwidth_max(const sim_trace_use *u) {
  return sim_trace_max_bytes_per_s(u);
}

double sim_replay_estimate(const sim_trace_use *u, scn_estimator est,
                           double d_s, double window_s) {
  double a_s = d_s - window_s > 0 ? d_s - window_s : 0;
  if (est == SCN_ESTIMATOR_LAST || !(d_s > a_s))
    return sim_trace_bandwidth_at(u, d_s);
  if (est == SCN_ESTIMATOR_MEAN)
    return (sim_trace_bytes_until(u, d_s) - sim_trace_bytes_until(u, a_s)) /
           (d_s - a_s);
  return sim_trace_harmonic_bytes_per_s(u, a_s, d_s);
}

void sim_replay_series_free(sim_replay_series *s) {
  for (size_t p = 0; p < SCN_N_REPLAY_POLICIES; p++) {
    free(s->latency_s[p]);
    free(s->choice[p]);
  }
  memset(s, 0, sizeof *s);
}

/* Periodic: decide at every multiple of interval_s up to t_s. */
typedef struct periodic_state {
  size_t next_k; /* next decision: next_k * interval_s */
  size_t current;
  int started;
  int pay_switch;
} periodic_state;

static void periodic_step(const sim_replay_config *cfg, const sim_trace_use *u,
                          const sim_replay_cand *c, size_t n, double t_s,
                          periodic_state *ps, size_t *switches) {
  for (;;) {
    double d_s = (double)ps->next_k * cfg->interval_s;
    if (d_s > t_s)
      break;
    double bw = sim_replay_estimate(u, cfg->estimator, d_s, cfg->interval_s);
    size_t choice = sim_replay_best_at(c, n, bw);
    if (ps->started && choice != ps->current) {
      (*switches)++;
      ps->pay_switch = 1;
    }
    ps->current = choice;
    ps->started = 1;
    ps->next_k++;
  }
}

size_t sim_replay_n_requests(double duration_s, double rate_hz) {
  double count = ceil(duration_s * rate_hz);
  if (!(count >= 1))
    return 1;
  if (count > 1e9)
    return 0;
  size_t n = (size_t)count;
  while (n > 1 && (double)(n - 1) / rate_hz >= duration_s)
    n--;
  return n;
}

int sim_replay_run(const sim_replay_config *cfg, const sim_trace_use *u,
                   const sim_replay_cand *c, size_t n, sim_replay_series *out,
                   ss_error *err) {
  memset(out, 0, sizeof *out);
  const sim_trace *t = u->trace;
  out->duration_s = t->duration_s;
  out->bandwidth_mean_bytes_per_s =
      sim_trace_bytes_until(u, t->duration_s) / t->duration_s;
  size_t nreq = sim_replay_n_requests(t->duration_s, cfg->rate_hz);
  if (nreq == 0 || n == 0)
    return ss_error_set(err, t->file, NULL,
                        n == 0 ? "no placement to replay"
                               : "too many requests (rate_hz x duration)");
  out->n_requests = nreq;
  for (size_t p = 0; p < SCN_N_REPLAY_POLICIES; p++) {
    out->latency_s[p] = malloc(nreq * sizeof *out->latency_s[p]);
    out->choice[p] = malloc(nreq * sizeof *out->choice[p]);
    if (!out->latency_s[p] || !out->choice[p]) {
      sim_replay_series_free(out);
      return ss_error_set(err, t->file, NULL, "out of memory");
    }
  }
  size_t *order = malloc(n * sizeof *order);
  if (!order) {
    sim_replay_series_free(out);
    return ss_error_set(err, t->file, NULL, "out of memory");
  }
  double bw_max = sim_replay_bandwidth_max(u);
  sim_replay_order(c, n, bw_max, order);
  double static_bw = isnan(cfg->static_bandwidth_bytes_per_s)
                         ? out->bandwidth_mean_bytes_per_s
                         : cfg->static_bandwidth_bytes_per_s;
  size_t st = sim_replay_best_at(c, n, static_bw);
  periodic_state ps = {0, 0, 0, 0};
  for (size_t i = 0; i < nreq; i++) {
    double t_s = (double)i / cfg->rate_hz;
    out->choice[SCN_REPLAY_STATIC][i] = st;
    out->latency_s[SCN_REPLAY_STATIC][i] = sim_replay_latency_s(u, &c[st], t_s);
    periodic_step(cfg, u, c, n, t_s, &ps, &out->switches[SCN_REPLAY_PERIODIC]);
    double lp = sim_replay_latency_s(u, &c[ps.current], t_s);
    if (ps.pay_switch) {
      lp += cfg->switch_cost_s;
      ps.pay_switch = 0;
    }
    out->choice[SCN_REPLAY_PERIODIC][i] = ps.current;
    out->latency_s[SCN_REPLAY_PERIODIC][i] = lp;
    double lo;
    size_t oc = sim_replay_oracle(u, c, order, n, bw_max, t_s, &lo);
    out->choice[SCN_REPLAY_ORACLE][i] = oc;
    out->latency_s[SCN_REPLAY_ORACLE][i] = lo;
    if (i > 0 && oc != out->choice[SCN_REPLAY_ORACLE][i - 1])
      out->switches[SCN_REPLAY_ORACLE]++;
  }
  free(order);
  return 0;
}

/* ---- candidates from the engine ------------------------------------------ */

/* 1 when the bandwidth of global pair (ga, gb) comes from one of the
 * scenario links L[n_L]. */
static int pair_traced(const sim_engine *e, size_t ga, size_t gb,
                       const size_t *L, size_t n_L) {
  if (gb < ga) {
    size_t x = ga;
    ga = gb;
    gb = x;
  }
  const sim_link_source *pr = &e->pairs[ga * e->n_total + gb];
  const scn_link *links = e->scn->links;
  long from = -1;
  if (pr->sys_link >= 0 && links[pr->sys_link].has_bandwidth_mbps)
    from = pr->sys_link;
  else if (pr->tier_link >= 0)
    from = pr->tier_link;
  for (size_t i = 0; from >= 0 && i < n_L; i++)
    if ((size_t)from == L[i])
      return 1;
  return 0;
}

/* One placement's (pre, bytes, post) from its evaluation. */
static int cand_from_result(const sim_engine *e, const sim_ctx *c,
                            const solver_result *r, const size_t *L, size_t n_L,
                            sim_replay_cand *out, ss_error *err) {
  size_t g[SOLVER_MAX_TIERS];
  for (size_t t = 0; t < e->scn->n_tiers; t++)
    g[t] = r->p.sys[t] >= 0 ? e->base[t] + (size_t)r->p.sys[t] : 0;
  int h_traced = -1;
  for (int h = 0; h < r->n_hops; h++)
    if (pair_traced(e, g[r->hop_from[h]], g[r->hop_to[h]], L, n_L)) {
      if (h_traced >= 0)
        return ss_error_set(err, e->scn->file, NULL,
                            "replay: a placement crosses two traced links "
                            "(tiers %d-%d and %d-%d); trace links that no "
                            "placement crosses twice, e.g. the device's "
                            "uplinks",
                            r->hop_from[h_traced], r->hop_to[h_traced],
                            r->hop_from[h], r->hop_to[h]);
      h_traced = h;
    }
  out->bytes = 0;
  out->pre_s = r->latency_s;
  out->post_s = 0;
  if (r->return_s > 0) {
    int last = r->n_hops > 0 ? r->hop_to[r->n_hops - 1] : 0;
    if (last != 0 && pair_traced(e, g[0], g[last], L, n_L))
      return ss_error_set(err, e->scn->file, NULL,
                          "replay: the result returns over a traced link "
                          "(result_mb > 0); not supported, set result_mb: 0");
  }
  if (h_traced < 0)
    return 0;
  int from = r->hop_from[h_traced], to = r->hop_to[h_traced];
  double pre = 0, post = 0;
  for (int t = 0; t <= from; t++)
    pre += r->compute_s[t];
  for (int h = 0; h < h_traced; h++)
    pre += r->hop_s[h];
  size_t ga = g[from], gb = g[to];
  post = c->links[ga * e->n_total + gb].latency_s;
  for (size_t t = (size_t)to; t < e->scn->n_tiers; t++)
    post += r->compute_s[t];
  for (int h = h_traced + 1; h < r->n_hops; h++)
    post += r->hop_s[h];
  post += r->return_s;
  out->pre_s = pre;
  out->bytes = r->hop_bytes[h_traced];
  out->post_s = post;
  return 0;
}

int sim_replay_ctx_candidates(sim_ctx *c, size_t m, const size_t *links,
                              size_t n_links, sim_replay_cand **out,
                              size_t *n_out, ss_error *err) {
  const sim_engine *e = c->e;
  *out = NULL;
  *n_out = 0;
  if (sim_ctx_prepare(c, m, err) != 0)
    return -1;
  solver_sweep *sw = c->ms[m].sw;
  size_t n = solver_sweep_size(sw), k = 0;
  sim_replay_cand *v = malloc((n + 1) * sizeof *v);
  if (!v)
    return ss_error_set(err, NULL, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    solver_result r;
    ss_error scratch;
    if (solver_sweep_describe(sw, i, &r, &scratch) != 0)
      continue; /* unavailable at these values */
    if (cand_from_result(e, c, &r, links, n_links, &v[k], err) != 0) {
      free(v);
      return -1;
    }
    v[k++].placement = i;
  }
  if (k == 0) {
    free(v);
    return ss_error_set(err, e->scn->file, NULL,
                        "replay: model '%s' has no feasible placement",
                        e->models[m].name);
  }
  *out = v;
  *n_out = k;
  return 0;
}

int sim_replay_candidates(const sim_engine *e, size_t m, const size_t *links,
                          size_t n_links, sim_replay_cand **out, size_t *n_out,
                          ss_error *err) {
  *out = NULL;
  *n_out = 0;
  sim_ctx *c = NULL;
  double *vals = malloc((e->scn->n_axes + 1) * sizeof *vals);
  int rc = -1;
  if (!vals) {
    ss_error_set(err, NULL, NULL, "out of memory");
    goto done;
  }
  if (sim_ctx_new(e, &c, err) != 0)
    goto done;
  sim_point_values(e->scn, 0, vals);
  if (sim_ctx_set(c, vals, err) != 0)
    goto done;
  rc = sim_replay_ctx_candidates(c, m, links, n_links, out, n_out, err);
done:
  free(vals);
  sim_ctx_free(c);
  return rc;
}
