/* Running the load simulation over every sweep point and writing sim.csv
 * and sim_cdf.csv (columns: docs/outputs.md and docs/simulation.md). */
#include "sim_columns.h"
#include "sim_workload_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"
#include "sim_units_internal.h"

/* Quantiles written to sim_cdf.csv for each point x policy x group. */
#define WL_CDF_STEPS 100

static int oom(ss_error *err) {
  return ss_error_set(err, NULL, NULL, "out of memory");
}

typedef struct wl_worker {
  const sim_engine *e;
  wl_shape *sh;
  sim_ctx *ctx;
  double *vals;
  size_t n_groups, n_cap; /* groups; candidates kept per group */
  wl_cand **cands;        /* [g][0..n_cands[g]) */
  size_t *n_cands;
  solver_result *tmp;      /* n_cap */
  sim_load_route **routes; /* [g][0..top_k) */
  sim_load_group *groups;
  size_t *choice;
  double *rate_hz; /* per group: count x rate */
  sim_load_result *res;
  sim_hist *merged; /* per group */
  double *rep_lat;  /* [g * R + r] */
  double *rep_thr;  /* [g * R + r] */
  uint64_t *sums;   /* per group: completed, dropped, missed */
  uint64_t *used;   /* [g * top_k + k] */
  double *util;     /* stations then links: sum over replications */
  int stop_any;     /* a replication hit a cap */
  ss_buf cdf;
  size_t n_unstable;
} wl_worker;

static void worker_free(wl_worker *w) {
  if (!w)
    return;
  for (size_t g = 0; g < w->n_groups; g++) {
    if (w->cands)
      free(w->cands[g]);
    if (w->routes)
      free(w->routes[g]);
    if (w->merged)
      sim_hist_free(&w->merged[g]);
  }
  free(w->cands);
  free(w->routes);
  free(w->merged);
  free(w->n_cands);
  free(w->tmp);
  free(w->groups);
  free(w->choice);
  free(w->rate_hz);
  free(w->rep_lat);
  free(w->rep_thr);
  free(w->sums);
  free(w->used);
  free(w->util);
  free(w->vals);
  sim_load_result_free(w->res);
  sim_ctx_free(w->ctx);
  wl_shape_free(w->sh);
  ss_buf_free(&w->cdf);
  free(w);
}

static int worker_arrays(wl_worker *w, const scn_workload *wl) {
  size_t G = w->n_groups, K = wl->top_k, R = wl->replications;
  w->cands = calloc(G, sizeof *w->cands);
  w->routes = calloc(G, sizeof *w->routes);
  w->merged = calloc(G, sizeof *w->merged);
  w->n_cands = calloc(G, sizeof *w->n_cands);
  w->tmp = calloc(w->n_cap, sizeof *w->tmp);
  w->groups = calloc(G, sizeof *w->groups);
  w->choice = calloc(G, sizeof *w->choice);
  w->rate_hz = calloc(G, sizeof *w->rate_hz);
  w->rep_lat = calloc(G * R, sizeof *w->rep_lat);
  w->rep_thr = calloc(G * R, sizeof *w->rep_thr);
  w->sums = calloc(3 * G, sizeof *w->sums);
  w->used = calloc(G * K, sizeof *w->used);
  w->util = calloc(w->sh->n_stations + w->sh->n_links + 1, sizeof *w->util);
  if (!w->cands || !w->routes || !w->merged || !w->n_cands || !w->tmp ||
      !w->groups || !w->choice || !w->rate_hz || !w->rep_lat || !w->rep_thr ||
      !w->sums || !w->used || !w->util)
    return -1;
  for (size_t g = 0; g < G; g++) {
    w->cands[g] = calloc(w->n_cap, sizeof **w->cands);
    w->routes[g] = calloc(K, sizeof **w->routes);
    if (!w->cands[g] || !w->routes[g] || sim_hist_init(&w->merged[g]) != 0)
      return -1;
  }
  return 0;
}

static int worker_new(const sim_engine *e, wl_worker **out, ss_error *err) {
  const scn_workload *wl = e->scn->workload;
  wl_worker *w = calloc(1, sizeof *w);
  if (!w)
    return oom(err);
  w->e = e;
  w->n_groups = wl->n_clients;
  w->n_cap = wl->top_k > WL_LOAD_AWARE_CANDIDATES ? wl->top_k
                                                  : WL_LOAD_AWARE_CANDIDATES;
  w->vals = calloc(e->scn->n_axes + 1, sizeof *w->vals);
  if (!w->vals || wl_shape_new(e, &w->sh, err) != 0 ||
      sim_ctx_new(e, &w->ctx, err) != 0)
    goto fail;
  if (worker_arrays(w, wl) != 0)
    goto oom;
  /* A result shaped for top_k routes per group fits every policy. */
  for (size_t g = 0; g < w->n_groups; g++)
    w->groups[g].n_routes = wl->top_k;
  sim_load_config cf = {0};
  cf.n_groups = w->n_groups;
  cf.groups = w->groups;
  cf.n_stations = w->sh->n_stations;
  cf.n_links = w->sh->n_links;
  if (!(w->res = sim_load_result_new(&cf, err)))
    goto fail;
  *out = w;
  return 0;
oom:
  oom(err);
fail:
  worker_free(w);
  return -1;
}

/* ---- one point ----------------------------------------------------------- */

/* Candidates of every group at the current point (best first). */
static int point_candidates(wl_worker *w, size_t point, ss_error *err) {
  const sim_engine *e = w->e;
  const scn_workload *wl = w->ctx->s->workload; /* this point's values */
  for (size_t g = 0; g < w->n_groups; g++) {
    size_t m = w->sh->group_model[g], n = 0;
    if (sim_ctx_model(w->ctx, m, err) != 0) /* the values of this point */
      return -1;
    sim_mstate *ms = &w->ctx->ms[m];
    if (solver_top_k(&ms->pb.p, &ms->cons, e->obj, w->n_cap, w->tmp, &n, NULL,
                     err) != 0)
      return ss_error_prefix(err, "model '%s'", e->models[m].name);
    if (n == 0)
      return scn_error_at(err, e->scn, wl->clients[g].model_pos,
                          "workload: model '%s' has no feasible placement "
                          "at sweep point %zu",
                          e->models[m].name, point);
    for (size_t k = 0; k < n; k++) {
      wl_cand *cd = &w->cands[g][k];
      cd->r = w->tmp[k];
      if (wl_stages(w->sh, &ms->pb, &e->models[m].blocks, &cd->r.p,
                    wl->service_sigma, cd, err) != 0)
        return ss_error_prefix(err, "model '%s'", e->models[m].name);
    }
    w->n_cands[g] = n;
    const scn_clients *c = &wl->clients[g];
    w->rate_hz[g] = c->count * c->rate_hz;
  }
  return 0;
}

/* ---- the policies ----------------------------------------------------------
 * One row per scn_policy (in its order): how the policy picks routes. A
 * pick function writes each group's first candidate into w->choice[g] and
 * how many candidates from there are its routes into n_routes[g] (more than
 * one: the core chooses per request, by expected finish time); it returns 0
 * when an iterative choice did not converge, else 1. */

typedef struct wl_policy {
  scn_policy id;
  int (*pick)(wl_worker *w, size_t *n_routes);
  /* 1: no predicted utilisation (the routes are chosen per request);
   * stability is judged from the measured throughput instead */
  int measured_stability;
} wl_policy;

static int pick_static(wl_worker *w, size_t *n_routes) {
  for (size_t g = 0; g < w->n_groups; g++) {
    w->choice[g] = 0;
    n_routes[g] = 1;
  }
  return 1;
}

static int pick_load_aware(wl_worker *w, size_t *n_routes) {
  const scn_workload *wl = w->ctx->s->workload;
  int converged =
      wl_load_aware(w->sh, (sim_load_service)wl->service, w->n_groups, w->cands,
                    w->n_cands, w->rate_hz, w->choice);
  for (size_t g = 0; g < w->n_groups; g++)
    n_routes[g] = 1;
  return converged;
}

static int pick_adaptive(wl_worker *w, size_t *n_routes) {
  const scn_workload *wl = w->ctx->s->workload;
  for (size_t g = 0; g < w->n_groups; g++) {
    w->choice[g] = 0;
    n_routes[g] = w->n_cands[g] < wl->top_k ? w->n_cands[g] : wl->top_k;
  }
  return 1;
}

static const wl_policy wl_policy_table[] = {
    {SCN_POLICY_STATIC, pick_static, 0},
    {SCN_POLICY_LOAD_AWARE, pick_load_aware, 0},
    {SCN_POLICY_ADAPTIVE, pick_adaptive, 1},
};
_Static_assert(sizeof wl_policy_table / sizeof *wl_policy_table ==
                   SCN_N_POLICIES,
               "one wl_policy_table row per scn_policy");

/* Routes of every group for a policy; returns its pick's convergence. */
static int set_routes(wl_worker *w, const wl_policy *pol) {
  const scn_workload *wl = w->ctx->s->workload;
  size_t nr[SCN_MAX_CLIENT_GROUPS];
  int converged = pol->pick(w, nr);
  for (size_t g = 0; g < w->n_groups; g++) {
    for (size_t k = 0; k < nr[g]; k++) {
      const wl_cand *cd = &w->cands[g][w->choice[g] + k];
      w->routes[g][k].n_stages = cd->n_stages;
      w->routes[g][k].stages = cd->st;
    }
    const scn_clients *c = &wl->clients[g];
    sim_load_group *gr = &w->groups[g];
    gr->count = (size_t)c->count;
    gr->arrival = c->arrival == SCN_ARRIVAL_PERIODIC ? SIM_LOAD_PERIODIC
                                                     : SIM_LOAD_POISSON;
    gr->rate_hz = c->rate_hz;
    gr->jitter_s = c->jitter_ms / 1000.0;
    gr->deadline_s = c->deadline_ms / 1000.0;
    gr->n_routes = nr[g];
    gr->routes = w->routes[g];
  }
  return converged;
}

static void clear_sums(wl_worker *w) {
  const scn_workload *wl = w->e->scn->workload;
  size_t G = w->n_groups;
  for (size_t g = 0; g < G; g++)
    sim_hist_reset(&w->merged[g]);
  memset(w->sums, 0, 3 * G * sizeof *w->sums);
  memset(w->used, 0, G * wl->top_k * sizeof *w->used);
  memset(w->util, 0, (w->sh->n_stations + w->sh->n_links) * sizeof *w->util);
  w->stop_any = 0;
}

static void collect(wl_worker *w, size_t r) {
  const scn_workload *wl = w->e->scn->workload;
  const sim_load_result *res = w->res;
  size_t R = wl->replications;
  double win = res->window_s;
  for (size_t g = 0; g < w->n_groups; g++) {
    const sim_load_group_result *gr = &res->groups[g];
    w->rep_lat[g * R + r] =
        gr->completed ? gr->latency_sum_s / (double)gr->completed : NAN;
    w->rep_thr[g * R + r] = win > 0 ? (double)gr->completed / win : NAN;
    sim_hist_merge(&w->merged[g], &gr->latency);
    w->sums[3 * g] += gr->completed;
    w->sums[3 * g + 1] += gr->dropped;
    w->sums[3 * g + 2] += gr->missed;
    for (size_t k = 0; k < w->groups[g].n_routes; k++)
      w->used[g * wl->top_k + k] += gr->route_used[k];
  }
  for (size_t i = 0; i < w->sh->n_stations; i++)
    w->util[i] +=
        win > 0 ? res->stations[i].busy_s / (win * w->sh->stations[i].servers)
                : NAN;
  for (size_t i = 0; i < w->sh->n_links; i++)
    w->util[w->sh->n_stations + i] +=
        win > 0 ? res->links[i].busy_s / win : NAN;
  if (res->stop != SIM_LOAD_DONE)
    w->stop_any = res->stop;
}

static int run_policy(wl_worker *w, size_t point, ss_error *err) {
  const scn_workload *wl = w->ctx->s->workload; /* this point's values */
  sim_load_config cf = {0};
  cf.n_stations = w->sh->n_stations;
  cf.stations = w->sh->stations;
  cf.n_links = w->sh->n_links;
  cf.links = w->sh->links;
  cf.n_groups = w->n_groups;
  cf.groups = w->groups;
  cf.service = (sim_load_service)wl->service;
  cf.requests = wl->requests;
  cf.duration_s = wl->duration_s;
  cf.warmup_requests = wl->warmup_requests;
  cf.seed = wl->seed;
  clear_sums(w);
  for (size_t r = 0; r < wl->replications; r++) {
    /* Streams from (point, replication): the same for every policy (common
     * random numbers) and independent of the thread. */
    uint64_t stream = (uint64_t)point * SCN_MAX_REPLICATIONS + r;
    if (sim_load_run(&cf, stream, w->res, err) != 0)
      return -1;
    collect(w, r);
  }
  return 0;
}

/* ---- rows ------------------------------------------------------------------
 */

static void put_axes(wl_worker *w, size_t point, ss_buf *b) {
  sim_buf_u64(b, point);
  sim_buf_nums(b, w->vals, w->e->scn->n_axes);
}

/* Route index of group g reported as `placement`: the one used (static,
 * load-aware) or the most used (adaptive). */
static size_t reported_route(const wl_worker *w, size_t g) {
  const scn_workload *wl = w->e->scn->workload;
  size_t best = 0;
  for (size_t k = 1; k < w->groups[g].n_routes; k++)
    if (w->used[g * wl->top_k + k] > w->used[g * wl->top_k + best])
      best = k;
  return best;
}

static void status_text(const wl_worker *w, double max_util, const char *which,
                        int converged, char *txt, size_t size) {
  size_t n = 0;
  txt[0] = '\0';
  if (w->stop_any)
    n += (size_t)snprintf(txt + n, size - n, "%s; ",
                          w->stop_any == SIM_LOAD_TIME_CAP
                              ? "capped: simulated time limit"
                              : "capped: too many requests in flight");
  if (max_util >= 1 && n < size)
    n += (size_t)snprintf(txt + n, size - n, "unstable: util.%s %.3g >= 1%s; ",
                          which, max_util, max_util == 1 ? " (measured)" : "");
  if (!converged && n < size)
    n += (size_t)snprintf(txt + n, size - n,
                          "load-aware: no fixed point after %d rounds; ",
                          WL_LOAD_AWARE_MAX_ITER);
  if (n >= 2 && n < size)
    txt[n - 2] = '\0';
  if (!n)
    snprintf(txt, size, SIM_STATUS_OK);
}

static void put_row(wl_worker *w, size_t point, scn_policy pol, size_t g,
                    const char *status, ss_buf *b) {
  const sim_engine *e = w->e;
  const scn_workload *wl = w->ctx->s->workload;
  size_t R = wl->replications, m = w->sh->group_model[g];
  double mean, hw, thr, thr_hw;
  const sim_hist *h = &w->merged[g];
  uint64_t done = w->sums[3 * g], drop = w->sums[3 * g + 1];
  put_axes(w, point, b);
  ss_buf_char(b, ',');
  ss_buf_str(b, scn_policy_name(pol));
  ss_buf_char(b, ',');
  sim_buf_u64(b, g);
  ss_buf_char(b, ',');
  ss_buf_str(b, e->models[m].cell);
  ss_buf_char(b, ',');
  sim_buf_num(b, w->rate_hz[g]);
  sim_load_mean_ci95(w->rep_thr + g * R, R, &thr, &thr_hw);
  sim_load_mean_ci95(w->rep_lat + g * R, R, &mean, &hw);
  double cells[] = {thr,
                    (double)done,
                    (double)drop,
                    mean,
                    hw,
                    sim_hist_quantile(h, 0.50),
                    sim_hist_quantile(h, 0.95),
                    sim_hist_quantile(h, 0.99),
                    isfinite(wl->clients[g].deadline_ms)
                        ? (double)(w->sums[3 * g + 2] + drop) /
                              (double)(done + drop)
                        : NAN};
  sim_buf_nums(b, cells, sizeof cells / sizeof *cells);
  for (size_t i = 0; i < w->sh->n_stations + w->sh->n_links; i++) {
    ss_buf_char(b, ',');
    sim_buf_num(b, w->util[i] / (double)R);
  }
  const wl_cand *cd = &w->cands[g][w->choice[g] + reported_route(w, g)];
  char text[2048];
  sim_placement_text(&w->ctx->ms[m].pb.p, &cd->r.p, text, sizeof text);
  ss_buf_char(b, ',');
  ss_csv_field(b, text);
  ss_buf_char(b, ',');
  sim_buf_num(b, cd->r.latency_s);
  ss_buf_char(b, ',');
  ss_csv_field(b, status);
  ss_buf_char(b, '\n');
}

static void put_cdf(wl_worker *w, size_t point, scn_policy pol, size_t g) {
  const sim_engine *e = w->e;
  /* 0, 0.01, ..., 0.99, then 0.999 and 1. */
  for (int q = 0; q <= WL_CDF_STEPS + 1; q++) {
    double p = q < WL_CDF_STEPS    ? (double)q / WL_CDF_STEPS
               : q == WL_CDF_STEPS ? 0.999
                                   : 1.0;
    sim_buf_u64(&w->cdf, point);
    ss_buf_char(&w->cdf, ',');
    ss_buf_str(&w->cdf, scn_policy_name(pol));
    ss_buf_char(&w->cdf, ',');
    sim_buf_u64(&w->cdf, g);
    ss_buf_char(&w->cdf, ',');
    ss_buf_str(&w->cdf, e->models[w->sh->group_model[g]].cell);
    ss_buf_char(&w->cdf, ',');
    sim_buf_num(&w->cdf, p);
    ss_buf_char(&w->cdf, ',');
    sim_buf_num(&w->cdf, sim_hist_quantile(&w->merged[g], p));
    ss_buf_char(&w->cdf, '\n');
  }
}

/* A policy without a prediction (measured_stability) counts as unstable
 * when the measured throughput of all groups falls 3% or more below the
 * offered load (the queues grow); *ratio = throughput / offered. */
static int measured_unstable(const wl_worker *w, double *ratio) {
  const scn_workload *wl = w->e->scn->workload;
  size_t R = wl->replications;
  double thr = 0, off = 0;
  for (size_t g = 0; g < w->n_groups; g++) {
    double m, hw;
    sim_load_mean_ci95(w->rep_thr + g * R, R, &m, &hw);
    thr += m;
    off += w->rate_hz[g];
  }
  *ratio = off > 0 ? thr / off : 1;
  return !(*ratio >= 0.97);
}

static int wl_task(void *worker, size_t point, ss_buf *out, ss_error *err) {
  wl_worker *w = worker;
  const sim_engine *e = w->e;
  const scn_workload *wl = e->scn->workload;
  w->cdf.len = 0;
  sim_point_values(e->scn, point, w->vals);
  if (sim_ctx_set(w->ctx, w->vals, err) != 0 ||
      wl_shape_sync(w->sh, e, w->ctx, err) != 0 ||
      point_candidates(w, point, err) != 0)
    return -1;
  for (size_t p = 0; p < wl->n_policies; p++) {
    scn_policy pol = wl->policies[p];
    const wl_policy *pp = &wl_policy_table[pol];
    int converged = set_routes(w, pp);
    const char *which = "";
    double mu = pp->measured_stability
                    ? 0
                    : wl_max_util(w->sh, w->n_groups, w->cands, w->choice,
                                  w->rate_hz, &which);
    if (run_policy(w, point, err) != 0)
      return -1;
    double ratio = 1;
    int measured_bad = pp->measured_stability && measured_unstable(w, &ratio);
    char status[400];
    status_text(w, mu, which, converged, status, sizeof status);
    if (measured_bad)
      snprintf(status, sizeof status,
               "%s%sunstable: throughput %.3g of the offered load (measured)",
               strcmp(status, SIM_STATUS_OK) ? status : "",
               strcmp(status, SIM_STATUS_OK) ? "; " : "", ratio);
    if (w->stop_any || mu >= 1 || measured_bad)
      w->n_unstable++;
    for (size_t g = 0; g < w->n_groups; g++) {
      put_row(w, point, pol, g, status, out);
      put_cdf(w, point, pol, g);
    }
  }
  return w->cdf.oom ? oom(err) : 0;
}

/* ---- the files -------------------------------------------------------------
 */

typedef struct wl_files {
  FILE *sim, *cdf;
} wl_files;

static int wl_commit(void *ctx, void *worker, size_t task, const ss_buf *out,
                     ss_error *err) {
  wl_files *f = ctx;
  wl_worker *w = worker;
  (void)task;
  if (fwrite(out->p, 1, out->len, f->sim) != out->len ||
      fwrite(w->cdf.p, 1, w->cdf.len, f->cdf) != w->cdf.len)
    return ss_error_set(err, NULL, NULL, "cannot write sim.csv");
  return 0;
}

/* A point as a work unit (sim_dist.h): its sim_cdf.csv rows and whether it
 * was unstable travel as aux. */
static int wl_pack(void *worker, size_t task, ss_buf *aux, ss_error *err) {
  (void)task;
  (void)err;
  wl_worker *w = worker;
  uint64_t n = w->cdf.len, unstable = w->n_unstable;
  sim_aux_put(aux, &unstable, sizeof unstable);
  sim_aux_put(aux, &n, sizeof n);
  sim_aux_put(aux, w->cdf.p, w->cdf.len);
  w->n_unstable = 0;
  return 0;
}

static int wl_unpack(void *worker, size_t task, const char *aux, size_t len,
                     ss_error *err) {
  wl_worker *w = worker;
  const char *p = aux, *end = aux + len;
  uint64_t unstable, n;
  if (sim_aux_get(&p, end, &unstable, sizeof unstable) != 0 ||
      sim_aux_get(&p, end, &n, sizeof n) != 0 || (uint64_t)(end - p) != n)
    return ss_error_set(err, NULL, NULL, "damaged load-simulation unit %zu",
                        task);
  w->n_unstable += (size_t)unstable;
  w->cdf.len = 0;
  ss_buf_add(&w->cdf, p, (size_t)n);
  return w->cdf.oom ? oom(err) : 0;
}

static void sim_header(const wl_worker *w, ss_buf *b) {
  const scn_scenario *s = w->e->scn;
  ss_buf_str(b, SIM_COL_POINT);
  for (size_t k = 0; k < s->n_axes; k++) {
    ss_buf_char(b, ',');
    ss_csv_field(b, s->axes[k].param);
  }
  ss_buf_str(b, "," SIM_SIM_HEADER_MID);
  for (size_t i = 0; i < w->sh->n_stations; i++) {
    ss_buf_str(b, "," SIM_COL_UTIL);
    ss_buf_str(b, w->sh->stations[i].name);
  }
  for (size_t i = 0; i < w->sh->n_links; i++) {
    ss_buf_str(b, "," SIM_COL_UTIL);
    ss_buf_str(b, w->sh->links[i].name);
  }
  ss_buf_str(b, "," SIM_SIM_HEADER_END);
}

static int open_pair(const char *outdir, ss_atomic_file *a, ss_atomic_file *c,
                     ss_error *err) {
  char path[4200];
  snprintf(path, sizeof path, "%s/sim.csv", outdir);
  if (ss_atomic_open(a, path, err) != 0)
    return -1;
  snprintf(path, sizeof path, "%s/sim_cdf.csv", outdir);
  if (ss_atomic_open(c, path, err) != 0) {
    ss_atomic_abort(a);
    return -1;
  }
  return 0;
}

static int write_headers(wl_worker *w, FILE *sim, FILE *cdf, ss_error *err) {
  ss_buf head = {0};
  sim_header(w, &head);
  int bad = head.oom || fwrite(head.p, 1, head.len, sim) != head.len ||
            fputs(SIM_SIM_CDF_HEADER, cdf) < 0;
  ss_buf_free(&head);
  return bad ? ss_error_set(err, NULL, NULL, "cannot write sim.csv") : 0;
}

int sim_write_load(const sim_engine *e, const char *outdir,
                   const sim_options *opt, size_t *n_unstable, ss_error *err) {
  *n_unstable = 0;
  if (!e->scn->workload)
    return 0;
  size_t n_w = opt && opt->jobs > 1 ? opt->jobs : 1;
  if (n_w > e->n_points)
    n_w = e->n_points;
  wl_worker **ws = calloc(n_w, sizeof *ws);
  ss_atomic_file a, c;
  int rc = -1, opened = 0;
  if (!ws)
    return oom(err);
  for (size_t i = 0; i < n_w; i++)
    if (worker_new(e, &ws[i], err) != 0)
      goto done;
  if (open_pair(outdir, &a, &c, err) != 0)
    goto done;
  opened = 1;
  wl_files f = {a.fp, c.fp};
  /* one unit per sweep point: every policy and replication of it (the
   * same cost at every point) */
  sim_phase ph = {"load",  e->n_points, wl_task, wl_commit, &f,
                  wl_pack, wl_unpack,   NULL,    NULL,      0};
  if (write_headers(ws[0], a.fp, c.fp, err) != 0 ||
      sim_run_phase(&ph, n_w, (void **)ws, opt, err) != 0)
    goto done;
  opened = 0;
  if (ss_atomic_commit(&a, err) != 0) {
    ss_atomic_abort(&c);
    goto done;
  }
  if (ss_atomic_commit(&c, err) != 0)
    goto done;
  for (size_t i = 0; i < n_w; i++)
    *n_unstable += ws[i]->n_unstable;
  rc = 0;
done:
  if (opened) {
    ss_atomic_abort(&a);
    ss_atomic_abort(&c);
  }
  for (size_t i = 0; i < n_w; i++)
    worker_free(ws[i]);
  free(ws);
  return rc;
}
