/* The main sweep: every point x model, best placement, one best.csv row
 * each (and top-k rows when asked), plus the per-placement counts that
 * summary.csv reports. Points are cut into blocks run by the ordered task
 * runner, so rows stream out in point order whatever the thread count. */
#include "../common/ss_csv.h"
#include "../common/ss_mem.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_columns.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"
#include "sim_sweep_internal.h"
#include "sim_units_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Points per task: small enough to stream, large enough to amortise the
 * hand-over between threads. */
#define BLOCK_POINTS 512

typedef struct sweeper {
  const sim_engine *e;
  sim_ctx *c;
  double *vals;           /* n_axes */
  sim_msum *sums;         /* n_models, this thread's counts */
  sim_numcache *axcache;  /* n_axes */
  sim_numcache *colcache; /* n_models * n_cols */
  size_t n_cols;
  size_t top_k;
  ss_buf top;     /* top.csv rows of the current task */
  double *values; /* solver_sweep_values scratch */
  size_t values_cap;
  size_t *pick;       /* top_k scratch */
  solver_result *res; /* top_k scratch */
} sweeper;

typedef struct commit_ctx {
  FILE *best, *top;
  const sim_options *opt;
  uint64_t done, total;
  size_t n_points, n_models;
} commit_ctx;

static size_t n_pairs(size_t K) { return K * (K - 1) / 2; }

void sim_best_header(const sim_engine *e, int rank, ss_buf *b) {
  const scn_scenario *s = e->scn;
  size_t K = s->n_tiers;
  ss_buf_str(b, SIM_COL_POINT);
  for (size_t k = 0; k < s->n_axes; k++) {
    ss_buf_char(b, ',');
    ss_csv_field(b, s->axes[k].param);
  }
  ss_buf_str(b, rank ? "," SIM_COL_MODEL "," SIM_COL_RANK "," SIM_COL_PLACEMENT
                     : "," SIM_COL_MODEL "," SIM_COL_PLACEMENT);
  for (size_t t = 0; t < K; t++) {
    static const char *const col[] = {
        "," SIM_COL_SYSTEM, "," SIM_COL_FIRST_LAYER, "," SIM_COL_LAST_LAYER};
    for (int c = 0; c < 3; c++) {
      ss_buf_str(b, col[c]);
      ss_csv_field(b, s->tiers[t].name);
    }
  }
  ss_buf_str(b, "," SIM_COL_LATENCY_S);
  for (size_t t = 0; t < K; t++) {
    ss_buf_str(b, "," SIM_COL_COMPUTE_S);
    ss_csv_field(b, s->tiers[t].name);
  }
  for (size_t a = 0; a < K; a++)
    for (size_t bb = a + 1; bb < K; bb++) {
      const char *pn = e->pair_name[a * K + bb];
      ss_buf_str(b, "," SIM_COL_TRANSFER_S);
      ss_csv_field(b, pn);
      ss_buf_str(b, "," SIM_COL_BYTES);
      ss_csv_field(b, pn);
    }
  ss_buf_str(b, "," SIM_COL_RETURN_S "," SIM_COL_TOTAL_BYTES
                "," SIM_COL_THROUGHPUT_PER_S "," SIM_COL_DEVICE_ENERGY_J
                "," SIM_COL_OBJECTIVE "\n");
}

void sim_msum_free(sim_msum *s, size_t n_models) {
  if (!s)
    return;
  for (size_t m = 0; m < n_models; m++) {
    for (size_t i = 0; i < s[m].n; i++) {
      free(s[m].v[i].cell);
      free(s[m].v[i].vmin);
      free(s[m].v[i].vmax);
    }
    free(s[m].v);
  }
  free(s);
}

static int same_placement(const solver_placement *a, const solver_placement *b,
                          size_t K) {
  for (size_t t = 0; t < K; t++)
    if (a->sys[t] != b->sys[t] || a->first[t] != b->first[t] ||
        a->last[t] != b->last[t])
      return 0;
  return 1;
}

/* Entry of placement pl (or the infeasible entry when pl is NULL). */
static sim_pstat *msum_entry(sim_msum *ms, const solver_placement *pl,
                             const char *cell, size_t K, size_t n_axes) {
  for (size_t i = 0; i < ms->n; i++) {
    sim_pstat *ps = &ms->v[i];
    if (pl ? !ps->infeasible && same_placement(&ps->pl, pl, K) : ps->infeasible)
      return ps;
  }
  void *v = ms->v;
  if (ss_grow(&v, &ms->cap, ms->n + 1, sizeof *ms->v, 8) != 0)
    return NULL;
  ms->v = v;
  sim_pstat *ps = &ms->v[ms->n];
  memset(ps, 0, sizeof *ps);
  if (pl)
    ps->pl = *pl;
  ps->infeasible = pl == NULL;
  ps->cell = ss_strdup(pl ? cell : "infeasible");
  ps->vmin = malloc((n_axes + 1) * sizeof *ps->vmin);
  ps->vmax = malloc((n_axes + 1) * sizeof *ps->vmax);
  if (!ps->cell || !ps->vmin || !ps->vmax) {
    free(ps->cell);
    free(ps->vmin);
    free(ps->vmax);
    return NULL;
  }
  for (size_t k = 0; k < n_axes; k++) {
    ps->vmin[k] = INFINITY;
    ps->vmax[k] = -INFINITY;
  }
  ps->first_point = UINT64_MAX;
  ms->n++;
  ms->hit_entry = -1;
  return ps;
}

static void pstat_count(sim_pstat *ps, uint64_t point, const double *vals,
                        size_t n_axes) {
  ps->points++;
  if (point < ps->first_point)
    ps->first_point = point;
  for (size_t k = 0; k < n_axes; k++) {
    if (vals[k] < ps->vmin[k])
      ps->vmin[k] = vals[k];
    if (vals[k] > ps->vmax[k])
      ps->vmax[k] = vals[k];
  }
}

/* One row's leading cells: point, axis values, model (, rank). */
static void row_head(sweeper *w, size_t point, size_t m, size_t rank,
                     ss_buf *b) {
  const scn_scenario *s = w->e->scn;
  sim_buf_u64(b, point);
  for (size_t k = 0; k < s->n_axes; k++) {
    ss_buf_char(b, ',');
    sim_buf_num_cached(b, &w->axcache[k], w->vals[k]);
  }
  ss_buf_char(b, ',');
  ss_buf_str(b, w->e->models[m].cell);
  if (rank) {
    ss_buf_char(b, ',');
    sim_buf_u64(b, rank);
  }
  ss_buf_char(b, ',');
}

static void buf_i64(ss_buf *b, int64_t v) {
  if (v < 0) {
    ss_buf_char(b, '-');
    sim_buf_u64(b, (uint64_t)(-(v + 1)) + 1);
  } else {
    sim_buf_u64(b, (uint64_t)v);
  }
}

/* Per tier, beside the placement text: the system that runs blocks there
 * (empty when the tier runs none) and the first and last layer it runs (-1
 * when none); all empty when r is NULL (infeasible). */
static void row_tiers(sweeper *w, size_t m, const solver_result *r, ss_buf *b) {
  const solver_problem *p = &w->c->ms[m].pb.p;
  for (size_t t = 0; t < p->n_tiers; t++) {
    if (!r) {
      ss_buf_str(b, ",,,");
      continue;
    }
    int64_t lo = -1, hi = -1;
    if (r->p.sys[t] >= 0)
      solver_tier_layers(p, &r->p, t, &lo, &hi);
    ss_buf_char(b, ',');
    if (lo >= 0)
      ss_csv_field(b, p->tiers[t].systems[r->p.sys[t]].name);
    ss_buf_char(b, ',');
    buf_i64(b, lo);
    ss_buf_char(b, ',');
    buf_i64(b, hi);
  }
}

/* The numeric cells of a result (all empty when r is NULL). */
static void row_numbers(sweeper *w, size_t m, const solver_result *r,
                        ss_buf *b) {
  size_t K = w->e->scn->n_tiers, np = n_pairs(K);
  if (!r) {
    for (size_t j = 0; j < w->n_cols; j++)
      ss_buf_char(b, ',');
    ss_buf_char(b, '\n');
    return;
  }
  double col[1 + SOLVER_MAX_TIERS + SOLVER_MAX_TIERS * SOLVER_MAX_TIERS + 5];
  size_t j = 0;
  col[j++] = r->latency_s;
  for (size_t t = 0; t < K; t++)
    col[j++] = r->compute_s[t];
  double *pairs = col + j;
  for (size_t i = 0; i < 2 * np; i++)
    pairs[i] = 0;
  for (int h = 0; h < r->n_hops; h++) {
    size_t a = (size_t)r->hop_from[h], bb = (size_t)r->hop_to[h];
    /* index of pair (a, bb) in a-outer, b-inner order */
    size_t idx = a * K - a * (a + 1) / 2 + (bb - a - 1);
    pairs[2 * idx] = r->hop_s[h];
    pairs[2 * idx + 1] = r->hop_bytes[h];
  }
  j += 2 * np;
  col[j++] = r->return_s;
  col[j++] = r->total_bytes;
  col[j++] = r->throughput_per_s;
  col[j++] = r->device_energy_j;
  col[j++] = r->objective;
  sim_numcache *cc = &w->colcache[m * w->n_cols];
  for (size_t i = 0; i < j; i++) {
    ss_buf_char(b, ',');
    sim_buf_num_cached(b, &cc[i], col[i]);
  }
  ss_buf_char(b, '\n');
}

static int better(solver_objective obj, double a, double b) {
  return obj == SOLVER_OBJ_THROUGHPUT ? a > b : a < b;
}

static int usable(solver_objective obj, double v) {
  return obj == SOLVER_OBJ_THROUGHPUT ? v > 0 && !isnan(v) : isfinite(v);
}

static int cmp_result(const solver_result *a, const solver_result *b,
                      solver_objective obj) {
  if (better(obj, a->objective, b->objective))
    return -1;
  if (better(obj, b->objective, a->objective))
    return 1;
  if (a->latency_s < b->latency_s)
    return -1;
  if (a->latency_s > b->latency_s)
    return 1;
  return 0;
}

/* top_k rows of model m at the current point. */
static int top_rows(sweeper *w, size_t point, size_t m, ss_error *err) {
  const sim_engine *e = w->e;
  size_t n;
  if (sim_ctx_values(w->c, m, &w->values, &w->values_cap, &n, err) != 0)
    return -1;
  size_t got = 0;
  /* keep the best k by value, ties by index (insertion into a sorted list) */
  for (size_t i = 0; i < n; i++) {
    double v = w->values[i];
    if (!usable(e->obj, v))
      continue;
    size_t pos = got;
    while (pos > 0 && better(e->obj, v, w->values[w->pick[pos - 1]]))
      pos--;
    if (pos >= w->top_k)
      continue;
    if (got < w->top_k)
      got++;
    memmove(&w->pick[pos + 1], &w->pick[pos],
            (got - 1 - pos) * sizeof *w->pick);
    w->pick[pos] = i;
  }
  size_t ok = 0;
  for (size_t i = 0; i < got; i++)
    if (solver_sweep_describe(w->c->ms[m].sw, w->pick[i], &w->res[ok], NULL) ==
        0)
      w->pick[ok] = w->pick[i], ok++;
  /* exact order: objective, then latency, then enumeration index */
  for (size_t i = 1; i < ok; i++)
    for (size_t j = i; j > 0; j--) {
      int c = cmp_result(&w->res[j], &w->res[j - 1], e->obj);
      if (c > 0 || (c == 0 && w->pick[j] > w->pick[j - 1]))
        break;
      solver_result tr = w->res[j];
      w->res[j] = w->res[j - 1];
      w->res[j - 1] = tr;
      size_t tp = w->pick[j];
      w->pick[j] = w->pick[j - 1];
      w->pick[j - 1] = tp;
    }
  if (ok == 0) {
    row_head(w, point, m, 1, &w->top);
    ss_buf_str(&w->top, "infeasible");
    row_tiers(w, m, NULL, &w->top);
    row_numbers(w, m, NULL, &w->top);
    return 0;
  }
  for (size_t i = 0; i < ok; i++) {
    const char *cell = sim_ctx_text(w->c, m, w->pick[i], &w->res[i].p);
    if (!cell)
      return ss_error_oom(err, NULL, NULL);
    row_head(w, point, m, i + 1, &w->top);
    ss_buf_str(&w->top, cell);
    row_tiers(w, m, &w->res[i], &w->top);
    row_numbers(w, m, &w->res[i], &w->top);
  }
  return 0;
}

static int sweep_task(void *worker, size_t task, ss_buf *out, ss_error *err) {
  sweeper *w = worker;
  const sim_engine *e = w->e;
  const scn_scenario *s = e->scn;
  size_t K = s->n_tiers;
  size_t lo = task * BLOCK_POINTS, hi = lo + BLOCK_POINTS;
  if (hi > e->n_points)
    hi = e->n_points;
  w->top.len = 0;
  ss_buf_reserve(out, (hi - lo) * e->n_models * 160);
  for (size_t pt = lo; pt < hi; pt++) {
    sim_point_values(s, pt, w->vals);
    if (sim_ctx_set(w->c, w->vals, err) != 0)
      return -1;
    for (size_t m = 0; m < e->n_models; m++) {
      solver_result r;
      size_t idx = 0;
      int rc = sim_ctx_best(w->c, m, &r, &idx, err);
      if (rc < 0)
        return -1;
      sim_msum *sm = &w->sums[m];
      row_head(w, pt, m, 0, out);
      if (rc == 0) {
        ss_buf_str(out, "infeasible");
        row_tiers(w, m, NULL, out);
        row_numbers(w, m, NULL, out);
        sim_pstat *ps = msum_entry(sm, NULL, NULL, K, s->n_axes);
        if (!ps)
          return ss_error_oom(err, NULL, NULL);
        pstat_count(ps, pt, w->vals, s->n_axes);
      } else {
        const char *cell = sim_ctx_text(w->c, m, idx, &r.p);
        if (!cell)
          return ss_error_oom(err, NULL, NULL);
        ss_buf_str(out, cell);
        row_tiers(w, m, &r, out);
        row_numbers(w, m, &r, out);
        sim_mstate *mst = &w->c->ms[m];
        sim_pstat *ps = NULL;
        if (sm->hit_entry >= 0 && sm->hit_gen == mst->gen &&
            sm->hit_idx == idx) {
          ps = &sm->v[sm->hit_entry];
        } else {
          ps = msum_entry(sm, &r.p, cell, K, s->n_axes);
          if (!ps)
            return ss_error_oom(err, NULL, NULL);
          sm->hit_gen = mst->gen;
          sm->hit_idx = idx;
          sm->hit_entry = (long)(ps - sm->v);
        }
        pstat_count(ps, pt, w->vals, s->n_axes);
        sm->feasible++;
        if (isnan(sm->obj_min) || r.objective < sm->obj_min)
          sm->obj_min = r.objective;
        if (isnan(sm->obj_max) || r.objective > sm->obj_max)
          sm->obj_max = r.objective;
      }
      if (w->top_k > 1 && top_rows(w, pt, m, err) != 0)
        return -1;
    }
  }
  if (w->top.oom)
    return ss_error_oom(err, NULL, NULL);
  return 0;
}

static int sweep_commit(void *ctx, void *worker, size_t task, const ss_buf *out,
                        ss_error *err) {
  commit_ctx *cc = ctx;
  sweeper *w = worker;
  if (out->len && fwrite(out->p, 1, out->len, cc->best) != out->len)
    return ss_error_set(err, NULL, NULL, "cannot write best.csv");
  if (cc->top && w->top.len &&
      fwrite(w->top.p, 1, w->top.len, cc->top) != w->top.len)
    return ss_error_set(err, NULL, NULL, "cannot write top.csv");
  size_t lo = task * BLOCK_POINTS, hi = lo + BLOCK_POINTS;
  if (hi > cc->n_points)
    hi = cc->n_points;
  cc->done += (uint64_t)(hi - lo) * cc->n_models;
  if (cc->opt && cc->opt->progress)
    cc->opt->progress(cc->opt->progress_ctx, cc->done, cc->total);
  return 0;
}

/* ---- a block as a work unit (sim_dist.h) --------------------------------
 * aux = top.csv rows, then per model the counts of the block: feasible,
 * objective range, and each placement entry. */

static double block_cost(const void *ctx, size_t task) {
  const sim_engine *e = ctx;
  size_t lo = task * BLOCK_POINTS, hi = lo + BLOCK_POINTS;
  if (hi > e->n_points)
    hi = e->n_points;
  return (double)(hi - lo) * (double)e->n_models;
}

static void msum_reset(sim_msum *ms) {
  for (size_t i = 0; i < ms->n; i++) {
    free(ms->v[i].cell);
    free(ms->v[i].vmin);
    free(ms->v[i].vmax);
  }
  ms->n = 0;
  ms->feasible = 0;
  ms->obj_min = ms->obj_max = NAN;
  ms->hit_entry = -1;
}

static void pack_entry(ss_buf *b, const sim_pstat *ps, size_t K, size_t na) {
  int32_t inf = ps->infeasible;
  sim_aux_put(b, &inf, sizeof inf);
  for (size_t t = 0; t < K; t++) {
    int32_t v[3] = {ps->pl.sys[t], ps->pl.first[t], ps->pl.last[t]};
    sim_aux_put(b, v, sizeof v);
  }
  uint64_t cl = strlen(ps->cell);
  sim_aux_put(b, &cl, sizeof cl);
  sim_aux_put(b, ps->cell, (size_t)cl);
  sim_aux_put(b, &ps->points, sizeof ps->points);
  sim_aux_put(b, &ps->first_point, sizeof ps->first_point);
  sim_aux_put(b, ps->vmin, na * sizeof *ps->vmin);
  sim_aux_put(b, ps->vmax, na * sizeof *ps->vmax);
}

static int sweep_pack(void *worker, size_t task, ss_buf *aux, ss_error *err) {
  (void)task;
  (void)err;
  sweeper *w = worker;
  size_t K = w->e->scn->n_tiers, na = w->e->scn->n_axes;
  uint64_t tl = w->top.len;
  sim_aux_put(aux, &tl, sizeof tl);
  sim_aux_put(aux, w->top.p, w->top.len);
  for (size_t m = 0; m < w->e->n_models; m++) {
    sim_msum *ms = &w->sums[m];
    uint64_t n = ms->n;
    sim_aux_put(aux, &ms->feasible, sizeof ms->feasible);
    sim_aux_put(aux, &ms->obj_min, sizeof ms->obj_min);
    sim_aux_put(aux, &ms->obj_max, sizeof ms->obj_max);
    sim_aux_put(aux, &n, sizeof n);
    for (size_t i = 0; i < ms->n; i++)
      pack_entry(aux, &ms->v[i], K, na);
    msum_reset(ms);
  }
  return 0;
}

static int msum_merge(sim_msum *dst, const sim_msum *src, size_t K,
                      size_t n_axes);

/* One placement entry of aux into ms (as a one-entry sum merged in). */
static int unpack_entry(const char **p, const char *end, sim_msum *ms, size_t K,
                        size_t na) {
  sim_pstat ps;
  memset(&ps, 0, sizeof ps);
  int32_t inf;
  uint64_t cl;
  if (sim_aux_get(p, end, &inf, sizeof inf) != 0)
    return -1;
  for (size_t t = 0; t < K; t++) {
    int32_t v[3];
    if (sim_aux_get(p, end, v, sizeof v) != 0)
      return -1;
    ps.pl.sys[t] = v[0];
    ps.pl.first[t] = v[1];
    ps.pl.last[t] = v[2];
  }
  if (sim_aux_get(p, end, &cl, sizeof cl) != 0 || (uint64_t)(end - *p) < cl)
    return -1;
  ps.infeasible = inf;
  ps.cell = malloc((size_t)cl + 1);
  ps.vmin = malloc((na + 1) * sizeof *ps.vmin);
  ps.vmax = malloc((na + 1) * sizeof *ps.vmax);
  int rc = -1;
  if (ps.cell && ps.vmin && ps.vmax) {
    memcpy(ps.cell, *p, (size_t)cl);
    ps.cell[cl] = '\0';
    *p += cl;
    if (sim_aux_get(p, end, &ps.points, sizeof ps.points) == 0 &&
        sim_aux_get(p, end, &ps.first_point, sizeof ps.first_point) == 0 &&
        sim_aux_get(p, end, ps.vmin, na * sizeof *ps.vmin) == 0 &&
        sim_aux_get(p, end, ps.vmax, na * sizeof *ps.vmax) == 0) {
      sim_msum one = {1, 1, &ps, 0, NAN, NAN, 0, 0, -1};
      rc = msum_merge(ms, &one, K, na);
    }
  }
  free(ps.cell);
  free(ps.vmin);
  free(ps.vmax);
  return rc;
}

static int sweep_unpack(void *worker, size_t task, const char *aux, size_t len,
                        ss_error *err) {
  sweeper *w = worker;
  size_t K = w->e->scn->n_tiers, na = w->e->scn->n_axes;
  const char *p = aux, *end = aux + len;
  uint64_t tl;
  w->top.len = 0;
  if (sim_aux_get(&p, end, &tl, sizeof tl) != 0 || (uint64_t)(end - p) < tl)
    goto bad;
  ss_buf_add(&w->top, p, (size_t)tl);
  p += tl;
  for (size_t m = 0; m < w->e->n_models; m++) {
    sim_msum *ms = &w->sums[m];
    uint64_t feasible, n;
    double lo, hi;
    if (sim_aux_get(&p, end, &feasible, sizeof feasible) != 0 ||
        sim_aux_get(&p, end, &lo, sizeof lo) != 0 ||
        sim_aux_get(&p, end, &hi, sizeof hi) != 0 ||
        sim_aux_get(&p, end, &n, sizeof n) != 0)
      goto bad;
    for (uint64_t i = 0; i < n; i++)
      if (unpack_entry(&p, end, ms, K, na) != 0)
        goto bad;
    sim_msum range = {0, 0, NULL, feasible, lo, hi, 0, 0, -1};
    if (msum_merge(ms, &range, K, na) != 0)
      goto bad;
  }
  if (p != end || w->top.oom)
    goto bad;
  return 0;
bad:
  return ss_error_set(err, NULL, NULL, "damaged unit best#%zu", task);
}

static void sweeper_free(sweeper *w, size_t n_models) {
  if (!w)
    return;
  free(w->vals);
  sim_msum_free(w->sums, n_models);
  free(w->axcache);
  free(w->colcache);
  ss_buf_free(&w->top);
  free(w->values);
  free(w->pick);
  free(w->res);
}

/* Fold src's counts into dst. */
static int msum_merge(sim_msum *dst, const sim_msum *src, size_t K,
                      size_t n_axes) {
  for (size_t i = 0; i < src->n; i++) {
    const sim_pstat *ps = &src->v[i];
    sim_pstat *d =
        msum_entry(dst, ps->infeasible ? NULL : &ps->pl, ps->cell, K, n_axes);
    if (!d)
      return -1;
    d->points += ps->points;
    if (ps->first_point < d->first_point)
      d->first_point = ps->first_point;
    for (size_t k = 0; k < n_axes; k++) {
      if (ps->vmin[k] < d->vmin[k])
        d->vmin[k] = ps->vmin[k];
      if (ps->vmax[k] > d->vmax[k])
        d->vmax[k] = ps->vmax[k];
    }
  }
  dst->feasible += src->feasible;
  if (!isnan(src->obj_min) &&
      (isnan(dst->obj_min) || src->obj_min < dst->obj_min))
    dst->obj_min = src->obj_min;
  if (!isnan(src->obj_max) &&
      (isnan(dst->obj_max) || src->obj_max > dst->obj_max))
    dst->obj_max = src->obj_max;
  return 0;
}

static int cmp_first(const void *a, const void *b) {
  const sim_pstat *x = a, *y = b;
  return x->first_point < y->first_point   ? -1
         : x->first_point > y->first_point ? 1
                                           : 0;
}

int sim_sweep_all(const sim_engine *e, sim_ctx **ctxs, size_t n_ctx, FILE *best,
                  FILE *top, sim_msum *sums, const sim_options *opt,
                  ss_error *err) {
  const scn_scenario *s = e->scn;
  size_t K = s->n_tiers, nm = e->n_models;
  size_t n_cols = 1 + K + 2 * n_pairs(K) + 5;
  int rc = -1;
  sweeper *ws = calloc(n_ctx, sizeof *ws);
  void **wp = calloc(n_ctx, sizeof *wp);
  if (!ws || !wp)
    goto oom;
  size_t top_k = top ? s->top_k : 1;
  for (size_t i = 0; i < n_ctx; i++) {
    sweeper *w = &ws[i];
    w->e = e;
    w->c = ctxs[i];
    w->n_cols = n_cols;
    w->top_k = top_k;
    w->vals = calloc(s->n_axes + 1, sizeof *w->vals);
    w->sums = calloc(nm, sizeof *w->sums);
    w->axcache = calloc(s->n_axes + 1, sizeof *w->axcache);
    w->colcache = calloc(nm * n_cols, sizeof *w->colcache);
    w->pick = calloc(top_k + 1, sizeof *w->pick);
    w->res = calloc(top_k + 1, sizeof *w->res);
    if (!w->vals || !w->sums || !w->axcache || !w->colcache || !w->pick ||
        !w->res)
      goto oom;
    for (size_t m = 0; m < nm; m++) {
      w->sums[m].obj_min = w->sums[m].obj_max = NAN;
      w->sums[m].hit_entry = -1;
    }
    wp[i] = w;
  }
  ss_buf head = {0};
  sim_best_header(e, 0, &head);
  if (head.oom || fwrite(head.p, 1, head.len, best) != head.len) {
    ss_buf_free(&head);
    ss_error_set(err, NULL, NULL, "cannot write best.csv");
    goto done;
  }
  ss_buf_free(&head);
  if (top) {
    sim_best_header(e, 1, &head);
    int bad = head.oom || fwrite(head.p, 1, head.len, top) != head.len;
    ss_buf_free(&head);
    if (bad) {
      ss_error_set(err, NULL, NULL, "cannot write top.csv");
      goto done;
    }
  }
  commit_ctx cc = {best,        top, opt, 0, (uint64_t)e->n_points * nm,
                   e->n_points, nm};
  size_t n_tasks = (e->n_points + BLOCK_POINTS - 1) / BLOCK_POINTS;
  sim_phase ph = {"best", n_tasks,    sweep_task,   sweep_commit,
                  &cc,    sweep_pack, sweep_unpack, block_cost,
                  e,      0};
  if (sim_run_phase(&ph, n_ctx, wp, opt, err) != 0)
    goto done;
  for (size_t m = 0; m < nm; m++) {
    sums[m].obj_min = sums[m].obj_max = NAN;
    sums[m].hit_entry = -1;
    for (size_t i = 0; i < n_ctx; i++)
      if (msum_merge(&sums[m], &ws[i].sums[m], K, s->n_axes) != 0)
        goto oom;
    if (sums[m].n > 1)
      qsort(sums[m].v, sums[m].n, sizeof *sums[m].v, cmp_first);
  }
  rc = 0;
  goto done;
oom:
  ss_error_oom(err, NULL, NULL);
done:
  if (ws)
    for (size_t i = 0; i < n_ctx; i++)
      sweeper_free(&ws[i], nm);
  free(ws);
  free(wp);
  return rc;
}
