/* sim_replay_out: a scenario's replay: section run over all its traces,
 * models and sweep points, written as replay.csv (one row per point x model
 * x trace x policy, then a summary row per point x model x policy with
 * trace = all) and chart data for the first replay.charts
 * (point, model, trace) series. Tasks run in parallel, committed in order:
 * the output is byte-identical for any number of jobs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"
#include "../common/ss_mem.h"
#include "../scenarios/scenario.h"
#include "sim.h"
#include "sim_columns.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"
#include "sim_replay.h"
#include "sim_replay_internal.h"
#include "sim_tasks_internal.h"

/* ---- statistics ---------------------------------------------------------- */

static void swap_d(double *a, double *b) {
  double t = *a;
  *a = *b;
  *b = t;
}

/* Put the k-th smallest of x[0..n) at x[k] (smaller before, larger after). */
static void select_kth(double *x, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double pivot = x[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (x[i] < pivot)
        i++;
      while (x[j] > pivot)
        j--;
      if (i <= j) {
        swap_d(&x[i], &x[j]);
        i++;
        if (j == 0)
          break;
        j--;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return;
  }
}

/* Quantile q of x[0..n) (n >= 1), linear between order statistics (numpy's
 * default): position q x (n - 1). Reorders x. */
static double quantile(double *x, size_t n, double q) {
  double pos = q * (double)(n - 1);
  size_t lo = (size_t)floor(pos);
  select_kth(x, n, lo);
  double a = x[lo];
  if (lo + 1 >= n || pos == (double)lo)
    return a;
  double b = x[lo + 1];
  for (size_t i = lo + 2; i < n; i++)
    if (x[i] < b)
      b = x[i];
  return a + (b - a) * (pos - (double)lo);
}

typedef struct row_stats {
  size_t requests;
  double mean_s, p50_s, p95_s, p99_s, miss_ratio, regret_mean_s;
} row_stats;

/* Stats of latencies lat[n] (copied into scratch) against the oracle's. */
static void stats_of(const double *lat, const double *oracle, size_t n,
                     double deadline_s, double *scratch, row_stats *r) {
  double sum = 0, regret = 0;
  size_t miss = 0;
  for (size_t i = 0; i < n; i++) {
    sum += lat[i];
    regret += lat[i] - oracle[i];
    miss += lat[i] > deadline_s;
    scratch[i] = lat[i];
  }
  r->requests = n;
  r->mean_s = sum / (double)n;
  r->regret_mean_s = regret / (double)n;
  r->miss_ratio = isnan(deadline_s) ? NAN : (double)miss / (double)n;
  r->p50_s = quantile(scratch, n, 0.50);
  r->p95_s = quantile(scratch, n, 0.95);
  r->p99_s = quantile(scratch, n, 0.99);
}

/* ---- the job ------------------------------------------------------------- */

typedef struct replay_job {
  const sim_engine *e;
  const scn_replay *r;
  sim_trace **traces;
  size_t n_traces, n_models, n_points;
  sim_replay_config cfg;
  double deadline_s; /* NaN: none */
  const char *outdir;
} replay_job;

typedef struct replay_worker {
  const replay_job *j;
  sim_ctx *c;
  size_t point, model; /* of the cached candidates */
  sim_replay_cand *cands;
  size_t n_cands;
  double scale, offset_s;
  int repeat;
  sim_replay_series series;
  const sim_trace *series_trace; /* the trace of series */
  double *scratch;
  size_t scratch_cap;
} replay_worker;

/* Pooled per (point, model) while its traces are committed. */
typedef struct replay_pool {
  size_t n, cap, expected; /* expected: requests over all traces */
  double *lat[SCN_N_REPLAY_POLICIES], *oracle;
  size_t switches[SCN_N_REPLAY_POLICIES];
  unsigned char *used[SCN_N_REPLAY_POLICIES]; /* per candidate */
  size_t n_used_cap;
  double bytes, seconds;
} replay_pool;

typedef struct replay_commit {
  const replay_job *j;
  FILE *fp;
  replay_pool pool;
  size_t charts_written;
  ss_buf chart_index;
} replay_commit;

static void pool_free(replay_pool *p) {
  size_t expected = p->expected;
  for (size_t k = 0; k < SCN_N_REPLAY_POLICIES; k++) {
    free(p->lat[k]);
    free(p->used[k]);
  }
  free(p->oracle);
  memset(p, 0, sizeof *p);
  p->expected = expected;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Candidates for (point, model) in the worker's cache. */
static int worker_load(replay_worker *w, size_t point, size_t m,
                       ss_error *err) {
  if (w->cands && w->point == point && w->model == m)
    return 0;
  free(w->cands);
  w->cands = NULL;
  const sim_engine *e = w->j->e;
  double vals[SCN_MAX_AXES + 1];
  sim_point_values(e->scn, point, vals);
  if (sim_ctx_set(w->c, vals, err) != 0 ||
      sim_replay_ctx_candidates(w->c, m, w->j->r->link_index, w->j->r->n_links,
                                &w->cands, &w->n_cands, err) != 0)
    return -1;
  w->n_cands = sim_replay_prune(w->cands, w->n_cands);
  const scn_link *l = &w->c->s->links[w->j->r->link_index[0]];
  w->scale = l->trace_scale;
  w->offset_s = l->trace_offset_s;
  w->repeat = l->repeat;
  w->point = point;
  w->model = m;
  return 0;
}

static void put_row(ss_buf *b, const char *trace, scn_replay_policy p,
                    const char *model, const row_stats *st, size_t switches,
                    double bw_mbps, size_t placements, const double *axis,
                    size_t n_axes) {
  ss_csv_field(b, trace);
  ss_buf_char(b, ',');
  ss_buf_str(b, scn_replay_policy_name(p));
  ss_buf_char(b, ',');
  ss_csv_field(b, model);
  ss_buf_char(b, ',');
  sim_buf_u64(b, st->requests);
  double v[] = {st->mean_s, st->p50_s, st->p95_s, st->p99_s, st->miss_ratio};
  sim_buf_nums(b, v, 5);
  ss_buf_char(b, ',');
  sim_buf_u64(b, switches);
  ss_buf_char(b, ',');
  sim_buf_num(b, st->regret_mean_s);
  ss_buf_char(b, ',');
  sim_buf_num(b, bw_mbps);
  ss_buf_char(b, ',');
  sim_buf_u64(b, placements);
  sim_buf_nums(b, axis, n_axes);
  ss_buf_char(b, '\n');
}

static size_t count_used(const size_t *choice, size_t n, size_t n_cands,
                         unsigned char *mark) {
  memset(mark, 0, n_cands);
  size_t used = 0;
  for (size_t i = 0; i < n; i++)
    if (!mark[choice[i]]) {
      mark[choice[i]] = 1;
      used++;
    }
  return used;
}

static int ensure_scratch(replay_worker *w, size_t n) {
  if (n <= w->scratch_cap)
    return 0;
  double *s = realloc(w->scratch, n * sizeof *s);
  if (!s)
    return -1;
  w->scratch = s;
  w->scratch_cap = n;
  return 0;
}

/* One (point, model, trace): replay and its rows. */
static int replay_task(void *worker, size_t task, ss_buf *out, ss_error *err) {
  replay_worker *w = worker;
  const replay_job *j = w->j;
  size_t k = task % j->n_traces, m = (task / j->n_traces) % j->n_models;
  size_t point = task / j->n_traces / j->n_models;
  sim_replay_series_free(&w->series);
  if (worker_load(w, point, m, err) != 0)
    return -1;
  sim_trace_use u = {j->traces[k], w->scale, w->offset_s, w->repeat};
  if (sim_replay_run(&j->cfg, &u, w->cands, w->n_cands, &w->series, err) != 0)
    return -1;
  w->series_trace = j->traces[k];
  const sim_replay_series *s = &w->series;
  if (ensure_scratch(w, s->n_requests + w->n_cands) != 0)
    return ss_error_set(err, NULL, NULL, "out of memory");
  double axis[SCN_MAX_AXES + 1];
  sim_point_values(j->e->scn, point, axis);
  for (size_t i = 0; i < j->r->n_policies; i++) {
    scn_replay_policy p = j->r->policies[i];
    row_stats st;
    stats_of(s->latency_s[p], s->latency_s[SCN_REPLAY_ORACLE], s->n_requests,
             j->deadline_s, w->scratch, &st);
    size_t used = count_used(s->choice[p], s->n_requests, w->n_cands,
                             (unsigned char *)w->scratch);
    put_row(out, base_name(j->traces[k]->file), p, j->e->models[m].name, &st,
            s->switches[p], s->bandwidth_mean_bytes_per_s / 125000.0, used,
            axis, j->e->scn->n_axes);
  }
  return 0;
}

/* Append a trace's requests to the pool of its (point, model). */
static int pool_add(replay_pool *pl, const replay_worker *w) {
  const sim_replay_series *s = &w->series;
  size_t need = pl->n + s->n_requests;
  if (need > pl->cap) { /* sized once: the requests of every trace */
    size_t cap = need > pl->expected ? need : pl->expected;
    for (size_t k = 0; k <= SCN_N_REPLAY_POLICIES; k++) {
      double **a = k < SCN_N_REPLAY_POLICIES ? &pl->lat[k] : &pl->oracle;
      double *v = realloc(*a, cap * sizeof *v);
      if (!v)
        return -1;
      *a = v;
    }
    pl->cap = cap;
  }
  if (w->n_cands > pl->n_used_cap) {
    for (size_t k = 0; k < SCN_N_REPLAY_POLICIES; k++) {
      unsigned char *v = realloc(pl->used[k], w->n_cands);
      if (!v)
        return -1;
      memset(v + pl->n_used_cap, 0, w->n_cands - pl->n_used_cap);
      pl->used[k] = v;
    }
    pl->n_used_cap = w->n_cands;
  }
  for (size_t k = 0; k < SCN_N_REPLAY_POLICIES; k++) {
    memcpy(pl->lat[k] + pl->n, s->latency_s[k], s->n_requests * sizeof(double));
    pl->switches[k] += s->switches[k];
    for (size_t i = 0; i < s->n_requests; i++)
      pl->used[k][s->choice[k][i]] = 1;
  }
  memcpy(pl->oracle + pl->n, s->latency_s[SCN_REPLAY_ORACLE],
         s->n_requests * sizeof(double));
  pl->n = need;
  pl->bytes += s->bandwidth_mean_bytes_per_s * s->duration_s;
  pl->seconds += s->duration_s;
  return 0;
}

/* The summary rows of a finished (point, model). */
static int pool_rows(replay_commit *rc, size_t point, size_t m, size_t n_cands,
                     ss_error *err) {
  const replay_job *j = rc->j;
  replay_pool *pl = &rc->pool;
  double *scratch = malloc(pl->n * sizeof *scratch);
  if (!scratch)
    return ss_error_set(err, NULL, NULL, "out of memory");
  double axis[SCN_MAX_AXES + 1];
  sim_point_values(j->e->scn, point, axis);
  ss_buf b = {0};
  for (size_t i = 0; i < j->r->n_policies; i++) {
    scn_replay_policy p = j->r->policies[i];
    row_stats st;
    stats_of(pl->lat[p], pl->oracle, pl->n, j->deadline_s, scratch, &st);
    size_t used = 0;
    for (size_t c = 0; c < n_cands && c < pl->n_used_cap; c++)
      used += pl->used[p][c];
    put_row(&b, "all", p, j->e->models[m].name, &st, pl->switches[p],
            pl->bytes / pl->seconds / 125000.0, used, axis, j->e->scn->n_axes);
  }
  free(scratch);
  int bad = b.oom || fwrite(b.p, 1, b.len, rc->fp) != b.len;
  ss_buf_free(&b);
  pool_free(pl);
  return bad ? ss_error_set(err, NULL, NULL, "cannot write replay.csv") : 0;
}

static int write_series(const replay_job *j, const replay_worker *w,
                        size_t chart, ss_error *err);

static int replay_commit_fn(void *ctx, void *worker, size_t task,
                            const ss_buf *out, ss_error *err) {
  replay_commit *rc = ctx;
  replay_worker *w = worker;
  const replay_job *j = rc->j;
  if (fwrite(out->p, 1, out->len, rc->fp) != out->len)
    return ss_error_set(err, NULL, NULL, "cannot write replay.csv");
  if (pool_add(&rc->pool, w) != 0)
    return ss_error_set(err, NULL, NULL, "out of memory");
  size_t k = task % j->n_traces, m = (task / j->n_traces) % j->n_models;
  if (rc->charts_written < j->r->charts) {
    size_t chart = ++rc->charts_written;
    if (write_series(j, w, chart, err) != 0)
      return -1;
    char head[64];
    snprintf(head, sizeof head, "%zu,", chart);
    ss_buf_str(&rc->chart_index, head);
    ss_csv_field(&rc->chart_index, base_name(j->traces[k]->file));
    ss_buf_char(&rc->chart_index, ',');
    ss_csv_field(&rc->chart_index, j->e->models[m].name);
    snprintf(head, sizeof head, ",replay_series_%zu.csv\n", chart);
    ss_buf_str(&rc->chart_index, head);
  }
  if (k + 1 == j->n_traces)
    return pool_rows(rc, task / j->n_traces / j->n_models, m, w->n_cands, err);
  return 0;
}

/* Chart data of one series: per request, the bandwidth and, per policy,
 * the latency and the megabytes its placement sends over the traced link
 * (a proxy for where the model is cut). */
static int write_series(const replay_job *j, const replay_worker *w,
                        size_t chart, ss_error *err) {
  char path[4200];
  snprintf(path, sizeof path, "%s/replay_series_%zu.csv", j->outdir, chart);
  const sim_replay_series *s = &w->series;
  ss_buf b = {0};
  ss_buf_str(&b, SIM_COL_TIME_S "," SIM_COL_BANDWIDTH_MBPS);
  for (size_t i = 0; i < j->r->n_policies; i++) {
    const char *p = scn_replay_policy_name(j->r->policies[i]);
    ss_buf_str(&b, "," SIM_COL_LATENCY_S_OF);
    ss_buf_str(&b, p);
    ss_buf_str(&b, "," SIM_COL_LINK_MB_OF);
    ss_buf_str(&b, p);
  }
  ss_buf_char(&b, '\n');
  sim_trace_use u = {w->series_trace, w->scale, w->offset_s, w->repeat};
  for (size_t r = 0; r < s->n_requests; r++) {
    double t_s = (double)r / j->cfg.rate_hz;
    sim_buf_num(&b, t_s);
    ss_buf_char(&b, ',');
    sim_buf_num(&b, sim_trace_bandwidth_at(&u, t_s) / 125000.0);
    for (size_t i = 0; i < j->r->n_policies; i++) {
      scn_replay_policy p = j->r->policies[i];
      ss_buf_char(&b, ',');
      sim_buf_num(&b, s->latency_s[p][r]);
      ss_buf_char(&b, ',');
      sim_buf_num(&b, w->cands[s->choice[p][r]].bytes / 1e6);
    }
    ss_buf_char(&b, '\n');
  }
  ss_atomic_file af;
  int rc = -1;
  if (b.oom) {
    ss_error_set(err, NULL, NULL, "out of memory");
  } else if (ss_atomic_open(&af, path, err) == 0) {
    if (fwrite(b.p, 1, b.len, af.fp) != b.len) {
      ss_atomic_abort(&af);
      ss_error_set(err, path, NULL, "cannot write");
    } else {
      rc = ss_atomic_commit(&af, err);
    }
  }
  ss_buf_free(&b);
  return rc;
}

/* ---- the whole section --------------------------------------------------- */

static void traces_free(sim_trace **t, size_t n) {
  for (size_t i = 0; t && i < n; i++)
    sim_trace_free(t[i]);
  free(t);
}

/* Read every trace of the section (errors name file:line). */
static int load_traces(const scn_replay *r, sim_trace ***out, ss_error *err) {
  sim_trace **t = calloc(r->n_traces, sizeof *t);
  if (!t)
    return ss_error_set(err, NULL, NULL, "out of memory");
  for (size_t i = 0; i < r->n_traces; i++)
    if (sim_trace_load(r->traces[i], &t[i], err) != 0) {
      traces_free(t, r->n_traces);
      return -1;
    }
  *out = t;
  return 0;
}

static void job_config(replay_job *j, const scn_replay *r) {
  j->cfg.rate_hz = r->rate_hz;
  j->cfg.interval_s = r->interval_s;
  j->cfg.estimator = r->estimator;
  j->cfg.switch_cost_s = r->switch_cost_ms / 1000.0;
  j->cfg.static_bandwidth_bytes_per_s =
      r->has_static_bandwidth ? r->static_bandwidth_mbps * 125000.0 : NAN;
  j->deadline_s = r->has_deadline ? r->deadline_ms / 1000.0 : NAN;
}

static int write_header(FILE *fp, const scn_scenario *s) {
  fputs(SIM_REPLAY_HEADER, fp);
  for (size_t k = 0; k < s->n_axes; k++) {
    fputc(',', fp);
    char *cell = sim_csv_cell(s->axes[k].param);
    if (!cell)
      return -1;
    fputs(cell, fp);
    free(cell);
  }
  fputc('\n', fp);
  return ferror(fp) ? -1 : 0;
}

static int run_tasks(replay_job *j, replay_commit *rc, const sim_options *opt,
                     ss_error *err) {
  size_t n_tasks = j->n_points * j->n_models * j->n_traces;
  size_t n_workers = opt && opt->jobs > 1 ? opt->jobs : 1;
  if (n_workers > n_tasks)
    n_workers = n_tasks;
  replay_worker *w = calloc(n_workers, sizeof *w);
  void **wp = calloc(n_workers, sizeof *wp);
  int status = -1;
  if (!w || !wp) {
    ss_error_set(err, NULL, NULL, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n_workers; i++) {
    w[i].j = j;
    wp[i] = &w[i];
    if (sim_ctx_new(j->e, &w[i].c, err) != 0)
      goto done;
  }
  status = sim_run_tasks(n_tasks, n_workers, wp, replay_task, replay_commit_fn,
                         rc, opt ? opt->cancel : NULL, err);
done:
  for (size_t i = 0; w && i < n_workers; i++) {
    sim_ctx_free(w[i].c);
    free(w[i].cands);
    free(w[i].scratch);
    sim_replay_series_free(&w[i].series);
  }
  free(w);
  free(wp);
  return status;
}

static int write_index(const char *outdir, const ss_buf *idx, ss_error *err) {
  char path[4200];
  snprintf(path, sizeof path, "%s/replay_charts.csv", outdir);
  ss_atomic_file af;
  if (ss_atomic_open(&af, path, err) != 0)
    return -1;
  fputs(SIM_REPLAY_CHARTS_HEADER, af.fp);
  if (idx->len)
    fwrite(idx->p, 1, idx->len, af.fp);
  return ss_atomic_commit(&af, err);
}

int sim_replay_write(const sim_engine *e, const scn_scenario *s,
                     const char *outdir, const sim_options *opt,
                     ss_error *err) {
  const scn_replay *r = s->replay;
  if (!r)
    return 0;
  replay_job j;
  memset(&j, 0, sizeof j);
  j.e = e;
  j.r = r;
  j.n_traces = r->n_traces;
  j.n_models = e->n_models;
  j.n_points = e->n_points;
  j.outdir = outdir;
  job_config(&j, r);
  if (load_traces(r, &j.traces, err) != 0)
    return -1;
  replay_commit rc;
  memset(&rc, 0, sizeof rc);
  rc.j = &j;
  for (size_t k = 0; k < j.n_traces; k++) {
    size_t n = sim_replay_n_requests(j.traces[k]->duration_s, j.cfg.rate_hz);
    rc.pool.expected += n;
    if (n == 0 || rc.pool.expected > SIM_REPLAY_MAX_REQUESTS) {
      scn_error_at(err, s, r->pos,
                   "replay: more than %zu requests per model (rate_hz x "
                   "the traces' durations; %s alone lasts %.4g s); lower "
                   "rate_hz or replay fewer traces",
                   SIM_REPLAY_MAX_REQUESTS, j.traces[k]->file,
                   j.traces[k]->duration_s);
      traces_free(j.traces, j.n_traces);
      return -1;
    }
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/replay.csv", outdir);
  ss_atomic_file af;
  int status = -1;
  if (ss_atomic_open(&af, path, err) != 0)
    goto done;
  rc.fp = af.fp;
  if (write_header(af.fp, s) != 0) {
    ss_error_set(err, path, NULL, "cannot write");
    ss_atomic_abort(&af);
    goto done;
  }
  if (run_tasks(&j, &rc, opt, err) != 0) {
    ss_atomic_abort(&af);
    goto done;
  }
  if (ss_atomic_commit(&af, err) != 0 ||
      write_index(outdir, &rc.chart_index, err) != 0)
    goto done;
  status = 0;
done:
  pool_free(&rc.pool);
  ss_buf_free(&rc.chart_index);
  traces_free(j.traces, j.n_traces);
  return status;
}

/* ---- bandwidths for the analytic tables ---------------------------------- */

static int trace_mean_mbps(const char *file, double scale, double *mbps,
                           double *bytes, double *seconds, ss_error *err) {
  sim_trace *t = NULL;
  if (sim_trace_load(file, &t, err) != 0)
    return -1;
  *mbps = t->mean_bandwidth_bytes_per_s * scale / 125000.0;
  if (bytes)
    *bytes += t->cum_bytes[t->n_rows] * scale;
  if (seconds)
    *seconds += t->duration_s;
  sim_trace_free(t);
  return 0;
}

int sim_replay_fill_bandwidths(const scn_scenario *s, scn_scenario **out,
                               ss_error *err) {
  *out = NULL;
  scn_scenario *c = NULL;
  for (size_t i = 0; i < s->n_links; i++) {
    const scn_link *l = &s->links[i];
    int is_replay = 0;
    for (size_t k = 0; s->replay && k < s->replay->n_links; k++)
      is_replay |= s->replay->link_index[k] == i;
    if (l->has_bandwidth_mbps || (!l->trace && !is_replay))
      continue;
    if (!c && !(c = scn_copy(s)))
      return ss_error_set(err, NULL, NULL, "out of memory");
    double mbps = 0, bytes = 0, seconds = 0;
    if (l->trace) {
      if (trace_mean_mbps(l->trace, l->trace_scale, &mbps, NULL, NULL, err))
        goto fail;
    } else {
      for (size_t k = 0; k < s->replay->n_traces; k++)
        if (trace_mean_mbps(s->replay->traces[k], l->trace_scale, &mbps, &bytes,
                            &seconds, err))
          goto fail;
      mbps = bytes / seconds / 125000.0;
    }
    if (!(mbps > 0)) {
      scn_error_at(err, s, l->trace ? l->trace_pos : s->replay->link_pos,
                   "links.%s: the trace's mean bandwidth is 0; give "
                   "bandwidth_mbps for the analytic tables",
                   l->key);
      goto fail;
    }
    c->links[i].bandwidth_mbps = mbps;
    c->links[i].has_bandwidth_mbps = 1;
  }
  *out = c;
  return 0;
fail:
  scn_free(c);
  return -1;
}
