/* Analytics over the sweep grid: exact breakpoints (lower envelope of
 * affine costs, bisection otherwise), curves along each axis, elasticities,
 * and the summary table; plus sim_write_tables, which writes all tables.
 * The method is documented in docs/sweeps.md. */
#include "../common/ss_csv.h"
#include "../common/ss_mem.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_analysis_internal.h"
#include "sim_columns.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"
#include "sim_sweep_internal.h"
#include "sim_units_internal.h"
#include "sim_zipline_internal.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/ss_io.h"

/* ---- lower envelope ---------------------------------------------------- */

static int near(double x, double y, double scale) {
  return fabs(x - y) <= 1e-12 * (fabs(x) + fabs(y) + scale);
}

int sim_envelope(const double *a, const double *b, const unsigned char *use,
                 size_t n, double ulo, double uhi, size_t *start,
                 sim_break **out, size_t *n_out) {
  *out = NULL;
  *n_out = 0;
  size_t c = n;
  double yc = 0;
  for (size_t i = 0; i < n; i++) {
    if (!use[i])
      continue;
    double y = a[i] + b[i] * ulo;
    if (c == n || (y < yc && !near(y, yc, 0))) {
      c = i;
      yc = y;
    }
  }
  if (c == n)
    return -1;
  size_t cap = 0;
  double span = uhi - ulo;
  double u0 = ulo;
  *start = c;
  for (;;) {
    double best_u = INFINITY;
    size_t nxt = n;
    for (size_t j = 0; j < n; j++) {
      if (!use[j] || j == c)
        continue;
      if (near(a[j], a[c], 0) && near(b[j], b[c], 0))
        continue; /* the same line */
      double db = b[c] - b[j];
      if (!(db > 1e-12 * (fabs(b[c]) + fabs(b[j]))))
        continue; /* j never overtakes c going right */
      double uj = (a[j] - a[c]) / db;
      if (uj < u0)
        uj = u0;
      int tie = nxt != n && near(uj, best_u, span);
      if (nxt == n || (uj < best_u && !tie)) {
        best_u = uj;
        nxt = j;
      } else if (tie && b[j] < b[nxt] && !near(b[j], b[nxt], 0)) {
        nxt = j; /* same crossing: the flatter line stays lowest */
      } else if (tie && near(b[j], b[nxt], 0) && j < nxt) {
        nxt = j; /* the same line twice: the lower index */
      }
    }
    if (nxt == n || best_u >= uhi)
      break;
    if (best_u > ulo && !near(best_u, ulo, span)) {
      void *nb = *out;
      if (ss_grow(&nb, &cap, *n_out + 1, sizeof **out, 8) != 0) {
        free(*out);
        *out = NULL;
        *n_out = 0;
        return -1;
      }
      *out = nb;
      (*out)[*n_out].u = best_u;
      (*out)[*n_out].before = c;
      (*out)[*n_out].after = nxt;
      (*n_out)++;
    } else {
      *start = nxt;
    }
    c = nxt;
    u0 = best_u;
  }
  return 0;
}

/* ---- analysis workers -------------------------------------------------- */

/* An optimum seen along a line: a placement or "infeasible". */
typedef struct ident {
  int feasible;
  solver_placement pl;
  double objective;
  size_t index; /* in the sweep it came from */
} ident;

typedef struct analyst {
  const sim_engine *e;
  sim_ctx *c;
  double *vals; /* n_axes */
  double *lo_vals, *hi_vals, *mid_vals;
  double *y[3]; /* per-placement values at three samples */
  size_t y_cap[3];
  double *ca, *cb; /* affine coefficients */
  unsigned char *use;
  size_t coef_cap;
  size_t *order; /* positions along a group */
  int *opt_id;   /* curves: optimum per position */
  ident *ids;    /* curves: distinct optima */
  size_t n_ids, ids_cap;
  size_t order_cap;
} analyst;

typedef struct task_map {
  size_t n_models, n_axes;
  size_t *offset; /* n_models * n_axes + 1 cumulative task counts */
} task_map;

static size_t group_len(const scn_scenario *s, size_t k) {
  return s->groups[s->axes[k].group].n_values;
}

static int integer_kind(scn_param_kind k) {
  return k == SCN_PARAM_MIN_BLOCKS || k == SCN_PARAM_MAX_BLOCKS;
}

/* Parameters the cost may be affine in (u = value or 1/value). */
static int affine_kind(scn_param_kind k) {
  switch (k) {
  case SCN_PARAM_INPUT_MB:
  case SCN_PARAM_RESULT_MB:
  case SCN_PARAM_LINK_LATENCY_MS:
  case SCN_PARAM_LINK_BANDWIDTH_MBPS:
  case SCN_PARAM_AVAILABILITY:
  case SCN_PARAM_COMPUTE_POWER_W:
  case SCN_PARAM_RADIO_POWER_W:
    return 1;
  default:
    return 0;
  }
}

/* Evaluate the optimum of model m at values v. */
static int optimum(analyst *w, size_t m, const double *v, ident *id,
                   ss_error *err) {
  if (sim_ctx_set(w->c, v, err) != 0)
    return -1;
  solver_result r;
  size_t idx = 0;
  int rc = sim_ctx_best(w->c, m, &r, &idx, err);
  if (rc < 0)
    return -1;
  memset(id, 0, sizeof *id);
  id->feasible = rc == 1;
  if (rc == 1) {
    id->pl = r.p;
    id->objective = r.objective;
    id->index = idx;
  }
  return 0;
}

/* Room for one more placement identity in w->ids; -1 when out of memory. */
static int ids_room(analyst *w) {
  void *ids = w->ids;
  if (ss_grow(&ids, &w->ids_cap, w->n_ids + 1, sizeof *w->ids, 8) != 0)
    return -1;
  w->ids = ids;
  return 0;
}

static int same_ident(const ident *a, const ident *b, size_t K) {
  if (a->feasible != b->feasible)
    return 0;
  if (!a->feasible)
    return 1;
  for (size_t t = 0; t < K; t++)
    if (a->pl.sys[t] != b->pl.sys[t] || a->pl.first[t] != b->pl.first[t] ||
        a->pl.last[t] != b->pl.last[t])
      return 0;
  return 1;
}

/* Append the CSV cell of an optimum's placement text. */
static void ident_cell(analyst *w, size_t m, const ident *id, ss_buf *b) {
  if (!id->feasible) {
    ss_buf_str(b, "infeasible");
    return;
  }
  char txt[2048];
  sim_placement_text(&w->c->ms[m].pb.p, &id->pl, txt, sizeof txt);
  ss_csv_field(b, txt);
}

/* The `fixed` cell: path=value;... for the axes outside group g. */
static void fixed_cell(const scn_scenario *s, size_t g, const double *v,
                       ss_buf *b) {
  ss_buf cell = {0};
  int first = 1;
  for (size_t k = 0; k < s->n_axes; k++) {
    if (s->axes[k].group == g)
      continue;
    if (!first)
      ss_buf_char(&cell, ';');
    first = 0;
    ss_buf_str(&cell, s->axes[k].param);
    ss_buf_char(&cell, '=');
    sim_buf_num(&cell, v[k]);
  }
  if (cell.p)
    ss_csv_field(b, cell.p);
  b->oom |= cell.oom;
  ss_buf_free(&cell);
}

static void bp_row(analyst *w, size_t m, size_t k, size_t g, const double *fv,
                   double value, int exact, const ident *before,
                   const ident *after, double objective, ss_buf *b) {
  const scn_scenario *s = w->e->scn;
  ss_buf_str(b, w->e->models[m].cell);
  ss_buf_char(b, ',');
  ss_csv_field(b, s->axes[k].param);
  ss_buf_char(b, ',');
  fixed_cell(s, g, fv, b);
  ss_buf_char(b, ',');
  sim_buf_num(b, value);
  ss_buf_str(b, exact ? ",1," : ",0,");
  ident_cell(w, m, before, b);
  ss_buf_char(b, ',');
  ident_cell(w, m, after, b);
  ss_buf_char(b, ',');
  sim_buf_num(b, objective);
  ss_buf_char(b, '\n');
}

/* Exact breakpoints of axis k (a single-axis group) along one line.
 * Returns 1 when done, 0 when the cost is not affine here (use bisection),
 * -1 on error. */
/* The cost of model m's placements at three values of axis k (its ends
 * and, in u, the middle) along one line, into w->y[0..2] (n[j] each). */
static int sample_three(analyst *w, size_t m, size_t k, size_t line,
                        const double us[3], double vmin, double vmax, int inv,
                        size_t n[3], ss_error *err) {
  const scn_scenario *s = w->e->scn;
  sim_point_values(s, sim_line_point(s, s->axes[k].group, line, 0), w->vals);
  for (int j = 0; j < 3; j++) {
    w->vals[k] = inv ? 1 / us[j] : us[j];
    if (j == 0)
      w->vals[k] = vmin;
    if (j == 1)
      w->vals[k] = vmax;
    if (sim_ctx_set(w->c, w->vals, err) != 0)
      return -1;
    if (sim_ctx_values(w->c, m, &w->y[j], &w->y_cap[j], &n[j], err) != 0)
      return -1;
  }
  return 0;
}

/* Room for np lines' coefficients. */
static int grow_coefs(analyst *w, size_t np, ss_error *err) {
  if (np <= w->coef_cap && w->ca)
    return 0;
  double *na = realloc(w->ca, np * sizeof *na);
  if (na)
    w->ca = na;
  double *nb = realloc(w->cb, np * sizeof *nb);
  if (nb)
    w->cb = nb;
  unsigned char *nu = realloc(w->use, np);
  if (nu)
    w->use = nu;
  if (!na || !nb || !nu)
    return ss_error_oom(err, NULL, NULL);
  w->coef_cap = np;
  return 0;
}

/* Each placement's cost as a line icpt + slope u through the samples at
 * u1 and u2 (w->ca, w->cb; w->use where finite). Returns 0 when the middle
 * sample u3 is off a line (not affine), else 1 (*used: lines kept). */
static int fit_lines(analyst *w, size_t np, double u1, double u2, double u3,
                     size_t *used) {
  *used = 0;
  for (size_t i = 0; i < np; i++) {
    double y1 = w->y[0][i], y2 = w->y[1][i], y3 = w->y[2][i];
    w->use[i] = isfinite(y1) && isfinite(y2) && isfinite(y3);
    if (!w->use[i])
      continue;
    (*used)++;
    double slope = (y2 - y1) / (u2 - u1);
    double icpt = y1 - slope * u1;
    double pred = icpt + slope * u3;
    if (fabs(pred - y3) > 1e-9 * (fabs(y1) + fabs(y2) + fabs(y3)) + 1e-300)
      return 0; /* not affine in u */
    w->ca[i] = icpt;
    w->cb[i] = slope;
  }
  return 1;
}

/* The rows of the envelope's breaks br[0..nbr-1] (in u) along one line. */
static int write_breaks(analyst *w, size_t m, size_t k, size_t line, int inv,
                        const sim_break *br, size_t nbr, ss_buf *b,
                        ss_error *err) {
  const scn_scenario *s = w->e->scn;
  size_t g = s->axes[k].group;
  double *fv = w->lo_vals;
  sim_point_values(s, sim_line_point(s, g, line, 0), fv);
  for (size_t q = 0; q < nbr; q++) {
    /* increasing parameter value: reversed when u = 1/value */
    const sim_break *bk = &br[inv ? nbr - 1 - q : q];
    double value = inv ? 1 / bk->u : bk->u;
    size_t before = inv ? bk->after : bk->before;
    size_t after = inv ? bk->before : bk->after;
    memcpy(w->vals, fv, s->n_axes * sizeof *w->vals);
    w->vals[k] = value;
    if (sim_ctx_set(w->c, w->vals, err) != 0 ||
        sim_ctx_prepare(w->c, m, err) != 0)
      return -1;
    solver_result rb, ra;
    ident ib, ia;
    memset(&ib, 0, sizeof ib);
    memset(&ia, 0, sizeof ia);
    if (solver_sweep_describe(w->c->ms[m].sw, before, &rb, NULL) != 0 ||
        solver_sweep_describe(w->c->ms[m].sw, after, &ra, NULL) != 0)
      continue;
    ib.feasible = ia.feasible = 1;
    ib.pl = rb.p;
    ia.pl = ra.p;
    if (same_ident(&ib, &ia, s->n_tiers))
      continue;
    bp_row(w, m, k, g, fv, value, 1, &ib, &ia, ra.objective, b);
  }
  return 1;
}

static int exact_line(analyst *w, size_t m, size_t k, size_t line, ss_buf *b,
                      ss_error *err) {
  const scn_axis *ax = &w->e->scn->axes[k];
  double vmin = INFINITY, vmax = -INFINITY;
  for (size_t i = 0; i < ax->n_values; i++) {
    if (ax->values[i] < vmin)
      vmin = ax->values[i];
    if (ax->values[i] > vmax)
      vmax = ax->values[i];
  }
  if (!(vmin < vmax))
    return 1;
  int inv = sim_param_inverse(ax->target.kind);
  double u1 = inv ? 1 / vmin : vmin, u2 = inv ? 1 / vmax : vmax;
  double u3 = 0.5 * (u1 + u2);
  double us[3] = {u1, u2, u3};
  size_t n[3], used;
  if (sample_three(w, m, k, line, us, vmin, vmax, inv, n, err) != 0)
    return -1;
  if (n[0] != n[1] || n[0] != n[2])
    return 0;
  size_t np = n[0];
  if (np == 0)
    return 1;
  if (grow_coefs(w, np, err) != 0)
    return -1;
  if (fit_lines(w, np, u1, u2, u3, &used) == 0)
    return 0;
  if (used == 0)
    return 1;
  double ulo = u1 < u2 ? u1 : u2, uhi = u1 < u2 ? u2 : u1;
  size_t start;
  sim_break *br = NULL;
  size_t nbr = 0;
  if (sim_envelope(w->ca, w->cb, w->use, np, ulo, uhi, &start, &br, &nbr) != 0)
    return ss_error_oom(err, NULL, NULL);
  int rc = write_breaks(w, m, k, line, inv, br, nbr, b, err);
  free(br);
  return rc;
}

/* Locate the change between positions with optima ia (at va) and ib (at
 * vb) by bisection; writes the row for axis k. */
static int bisect_change(analyst *w, size_t m, size_t k, size_t g,
                         const double *va, const double *vb, const ident *ia,
                         const ident *ib, ss_buf *b, ss_error *err) {
  const scn_scenario *s = w->e->scn;
  const scn_group *grp = &s->groups[g];
  size_t K = s->n_tiers;
  ident lo_id = *ia, hi_id = *ib, mid_id;
  double *lo = w->lo_vals, *hi = w->hi_vals, *mid = w->mid_vals;
  memcpy(lo, va, s->n_axes * sizeof *lo);
  memcpy(hi, vb, s->n_axes * sizeof *hi);
  int integer = 0;
  for (size_t j = 0; j < grp->n_axes; j++)
    integer |= integer_kind(s->axes[grp->axes[j]].target.kind);
  double value;
  if (integer && grp->n_axes == 1) {
    /* whole numbers: the first value where the new optimum holds */
    double a = lo[k], c = hi[k];
    while (fabs(c - a) > 1) {
      double md = floor((a + c) / 2);
      memcpy(mid, lo, s->n_axes * sizeof *mid);
      mid[k] = md;
      if (optimum(w, m, mid, &mid_id, err) != 0)
        return -1;
      if (same_ident(&mid_id, &lo_id, K))
        a = md;
      else {
        c = md;
        hi_id = mid_id;
      }
    }
    value = c;
    memcpy(mid, lo, s->n_axes * sizeof *mid);
    mid[k] = value;
  } else if (integer) {
    value = hi[k]; /* zipped with whole numbers: report the grid value */
    memcpy(mid, hi, s->n_axes * sizeof *mid);
  } else {
    double ta = 0, tb = 1;
    for (int it = 0; it < 64; it++) {
      sim_group_interpolate(s, g, va, vb, ta, lo);
      sim_group_interpolate(s, g, va, vb, tb, hi);
      int close = 1;
      for (size_t j = 0; j < grp->n_axes && close; j++) {
        size_t q = grp->axes[j];
        close =
            fabs(hi[q] - lo[q]) <= 1e-12 * (fabs(hi[q]) + fabs(lo[q])) + 1e-300;
      }
      if (close)
        break;
      double tm = 0.5 * (ta + tb);
      memcpy(mid, va, s->n_axes * sizeof *mid);
      sim_group_interpolate(s, g, va, vb, tm, mid);
      if (optimum(w, m, mid, &mid_id, err) != 0)
        return -1;
      if (same_ident(&mid_id, &lo_id, K)) {
        ta = tm;
      } else {
        tb = tm;
        hi_id = mid_id;
      }
    }
    memcpy(mid, va, s->n_axes * sizeof *mid);
    sim_group_interpolate(s, g, va, vb, 0.5 * (ta + tb), mid);
    value = mid[k];
  }
  ident at;
  if (optimum(w, m, mid, &at, err) != 0)
    return -1;
  const ident *before = &lo_id, *after = &hi_id;
  if (vb[k] < va[k]) { /* report in increasing value of this axis */
    before = &hi_id;
    after = &lo_id;
  }
  bp_row(w, m, k, g, va, value, 0, before, after,
         at.feasible ? at.objective : NAN, b);
  return 0;
}

static int grow_order(analyst *w, size_t n) {
  if (w->order && n <= w->order_cap)
    return 0;
  size_t *no = realloc(w->order, (n + 1) * sizeof *no);
  if (!no)
    return -1;
  w->order = no;
  int *ni = realloc(w->opt_id, (n + 1) * sizeof *ni);
  if (!ni)
    return -1;
  w->opt_id = ni;
  w->order_cap = n;
  return 0;
}

/* Positions of a group's axis in increasing value (a stable merge sort;
 * qsort has no context argument and a global would not be thread-safe). */
static void sort_positions(size_t *pos, size_t *tmp, size_t n,
                           const double *v) {
  if (n < 2)
    return;
  size_t h = n / 2;
  sort_positions(pos, tmp, h, v);
  sort_positions(pos + h, tmp, n - h, v);
  size_t i = 0, j = h, o = 0;
  while (i < h && j < n) {
    size_t a = pos[i], bb = pos[j];
    if (v[bb] < v[a])
      tmp[o++] = pos[j++];
    else
      tmp[o++] = pos[i++];
  }
  while (i < h)
    tmp[o++] = pos[i++];
  while (j < n)
    tmp[o++] = pos[j++];
  memcpy(pos, tmp, n * sizeof *pos);
}

/* Breakpoints of axis k along one line by walking the grid in increasing
 * value (zipped groups: grid order) and bisecting each change. */
static int bisect_line(analyst *w, size_t m, size_t k, size_t line, ss_buf *b,
                       ss_error *err) {
  const scn_scenario *s = w->e->scn;
  const scn_axis *ax = &s->axes[k];
  size_t g = ax->group, ng = group_len(s, k);
  const scn_group *grp = &s->groups[g];
  if (grow_order(w, ng) != 0)
    return ss_error_oom(err, NULL, NULL);
  for (size_t i = 0; i < ng; i++)
    w->order[i] = i;
  if (grp->n_axes == 1) {
    size_t *tmp = malloc((ng + 1) * sizeof *tmp);
    if (!tmp)
      return ss_error_oom(err, NULL, NULL);
    sort_positions(w->order, tmp, ng, ax->values);
    free(tmp);
  }
  double *va = malloc((s->n_axes + 1) * sizeof *va);
  double *vb = malloc((s->n_axes + 1) * sizeof *vb);
  int rc = -1;
  if (!va || !vb) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  ident prev, cur;
  for (size_t q = 0; q < ng; q++) {
    size_t i = w->order[q];
    sim_point_values(s, sim_line_point(s, g, line, i), vb);
    if (optimum(w, m, vb, &cur, err) != 0)
      goto done;
    if (q > 0 && !same_ident(&prev, &cur, s->n_tiers) && va[k] != vb[k]) {
      if (bisect_change(w, m, k, g, va, vb, &prev, &cur, b, err) != 0)
        goto done;
    }
    prev = cur;
    memcpy(va, vb, s->n_axes * sizeof *va);
  }
  rc = 0;
done:
  free(va);
  free(vb);
  return rc;
}

/* Breakpoints of axis k (in a zipped group) along one line from the exact
 * changes of sim_zip_changes. Returns 1 when done, 0 when the method does
 * not apply (bisect), -1 on error. */
static int exact_zip_line(analyst *w, size_t m, size_t k, size_t line,
                          ss_buf *b, ss_error *err) {
  const scn_scenario *s = w->e->scn;
  size_t g = s->axes[k].group;
  sim_zchange *ch = NULL;
  size_t n = 0;
  int rc = sim_zip_changes(w->c, m, g, line, &ch, &n, err);
  if (rc != 1)
    return rc;
  double *va = w->lo_vals, *vb = w->hi_vals, *vt = w->mid_vals;
  size_t K = s->n_tiers;
  for (size_t i = 0; i < n && rc == 1; i++) {
    const sim_zchange *z = &ch[i];
    sim_point_values(s, sim_line_point(s, g, line, z->interval), va);
    sim_point_values(s, sim_line_point(s, g, line, z->interval + 1), vb);
    memcpy(vt, va, s->n_axes * sizeof *vt);
    sim_group_interpolate(s, g, va, vb, z->t, vt);
    solver_result rb, ra;
    ident ib, ia;
    memset(&ib, 0, sizeof ib);
    memset(&ia, 0, sizeof ia);
    if (sim_ctx_set(w->c, vt, err) != 0 || sim_ctx_prepare(w->c, m, err) != 0 ||
        solver_sweep_describe(w->c->ms[m].sw, z->before, &rb, err) != 0 ||
        solver_sweep_describe(w->c->ms[m].sw, z->after, &ra, err) != 0) {
      rc = -1;
      break;
    }
    ib.feasible = ia.feasible = 1;
    ib.pl = rb.p;
    ia.pl = ra.p;
    if (same_ident(&ib, &ia, K))
      continue;
    if (vb[k] < va[k]) /* report in increasing value of this axis */
      bp_row(w, m, k, g, va, vt[k], 1, &ia, &ib, rb.objective, b);
    else
      bp_row(w, m, k, g, va, vt[k], 1, &ib, &ia, ra.objective, b);
  }
  free(ch);
  return rc;
}

static void task_decode(const task_map *tm, size_t task, size_t *m, size_t *k,
                        size_t *line) {
  size_t n = tm->n_models * tm->n_axes;
  size_t lo = 0, hi = n; /* last slot with offset <= task */
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (tm->offset[mid] <= task)
      lo = mid;
    else
      hi = mid;
  }
  *m = lo / tm->n_axes;
  *k = lo % tm->n_axes;
  *line = task - tm->offset[lo];
}

static int bp_task_run(analyst *w, const task_map *tm, size_t task, ss_buf *out,
                       ss_error *err) {
  size_t m, k, line;
  task_decode(tm, task, &m, &k, &line);
  const scn_scenario *s = w->e->scn;
  const scn_axis *ax = &s->axes[k];
  if (group_len(s, k) < 2)
    return 0;
  if (s->groups[ax->group].n_axes == 1 && affine_kind(ax->target.kind) &&
      solver_objective_info_of(w->e->obj)->additive) {
    int rc = exact_line(w, m, k, line, out, err);
    if (rc != 0)
      return rc < 0 ? -1 : 0;
  }
  if (s->groups[ax->group].n_axes > 1) {
    int rc = exact_zip_line(w, m, k, line, out, err);
    if (rc != 0)
      return rc < 0 ? -1 : 0;
  }
  return bisect_line(w, m, k, line, out, err);
}

typedef struct an_worker {
  analyst *a;
  const task_map *tm;
} an_worker;

static int bp_task(void *worker, size_t task, ss_buf *out, ss_error *err) {
  an_worker *aw = worker;
  return bp_task_run(aw->a, aw->tm, task, out, err);
}

/* Values at position i of group g with every other axis at its reference
 * value (the line of the curves). */
static void reference_line_point(const scn_scenario *s, size_t g, size_t i,
                                 double *vals) {
  sim_point_values(s, sim_line_point(s, g, 0, i), vals);
  for (size_t a = 0; a < s->n_axes; a++)
    if (s->axes[a].group != g)
      vals[a] = s->reference[a];
}

/* The grid line of group g through the reference point, when the
 * reference is a sweep point (the default, or `point: N`); -1 otherwise. */
static long reference_line(const scn_scenario *s, size_t g) {
  size_t P;
  if (s->reference_kind == SCN_REF_MIDDLE)
    P = scn_reference_middle_point(s);
  else if (s->reference_kind == SCN_REF_POINT)
    P = s->reference_point;
  else
    return -1;
  size_t pos[SCN_MAX_AXES];
  for (size_t h = s->n_groups; h-- > 0;) {
    pos[h] = P % s->groups[h].n_values;
    P /= s->groups[h].n_values;
  }
  size_t line = 0;
  for (size_t h = 0; h < s->n_groups; h++)
    if (h != g)
      line = line * s->groups[h].n_values + pos[h];
  return (long)line;
}

/* Add to the curve's placements those optimal only between grid values of
 * the reference line (exact changes, sim_zip_changes), so that every
 * region of the chart has its placement's curve. */
static int add_between_optima(analyst *w, size_t m, size_t g, ss_error *err) {
  const scn_scenario *s = w->e->scn;
  long line = reference_line(s, g);
  if (line < 0)
    return 0;
  sim_zchange *ch = NULL;
  size_t n = 0;
  int rc = sim_zip_changes(w->c, m, g, (size_t)line, &ch, &n, err);
  if (rc <= 0)
    return rc;
  for (size_t i = 0; i < 2 * n; i++) {
    size_t idx = i % 2 ? ch[i / 2].after : ch[i / 2].before;
    solver_result r;
    if (sim_ctx_prepare(w->c, m, err) != 0 ||
        solver_sweep_describe(w->c->ms[m].sw, idx, &r, err) != 0) {
      free(ch);
      return -1;
    }
    ident id;
    memset(&id, 0, sizeof id);
    id.feasible = 1;
    id.pl = r.p;
    size_t j = 0;
    while (j < w->n_ids && !same_ident(&w->ids[j], &id, s->n_tiers))
      j++;
    if (j < w->n_ids)
      continue;
    if (ids_room(w) != 0) {
      free(ch);
      return ss_error_oom(err, NULL, NULL);
    }
    w->ids[w->n_ids++] = id;
  }
  free(ch);
  return 0;
}

/* Curves of model m along axis k through the reference point. */
static int curve_task_run(analyst *w, size_t m, size_t k, ss_buf *b,
                          ss_error *err) {
  const scn_scenario *s = w->e->scn;
  const scn_axis *ax = &s->axes[k];
  size_t g = ax->group, ng = group_len(s, k), K = s->n_tiers;
  if (grow_order(w, ng) != 0)
    return ss_error_oom(err, NULL, NULL);
  w->n_ids = 0;
  for (size_t i = 0; i < ng; i++) {
    reference_line_point(s, g, i, w->vals);
    ident id;
    if (optimum(w, m, w->vals, &id, err) != 0)
      return -1;
    w->opt_id[i] = -1;
    if (!id.feasible)
      continue;
    size_t j = 0;
    while (j < w->n_ids && !same_ident(&w->ids[j], &id, K))
      j++;
    if (j == w->n_ids) {
      if (ids_room(w) != 0)
        return ss_error_oom(err, NULL, NULL);
      w->ids[w->n_ids++] = id;
    }
    w->opt_id[i] = (int)j;
  }
  if (add_between_optima(w, m, g, err) != 0)
    return -1;
  for (size_t j = 0; j < w->n_ids; j++) {
    ss_buf cell = {0};
    ident_cell(w, m, &w->ids[j], &cell);
    if (cell.oom) {
      ss_buf_free(&cell);
      return ss_error_oom(err, NULL, NULL);
    }
    for (size_t i = 0; i < ng; i++) {
      reference_line_point(s, g, i, w->vals);
      if (sim_ctx_set(w->c, w->vals, err) != 0) {
        ss_buf_free(&cell);
        return -1;
      }
      if (sim_ctx_model(w->c, m, err) != 0) {
        ss_buf_free(&cell);
        return -1;
      }
      sim_mstate *ms = &w->c->ms[m];
      solver_result r;
      double obj = NAN;
      if (solver_evaluate(&ms->pb.p, &w->ids[j].pl, w->e->obj, &r, NULL) == 0 &&
          solver_satisfies(&ms->pb.p, &ms->cons, &r))
        obj = r.objective;
      ss_buf_str(b, w->e->models[m].cell);
      ss_buf_char(b, ',');
      ss_csv_field(b, ax->param);
      ss_buf_char(b, ',');
      sim_buf_num(b, w->vals[k]);
      ss_buf_char(b, ',');
      ss_buf_str(b, cell.p);
      ss_buf_char(b, ',');
      sim_buf_num(b, obj);
      ss_buf_str(b, w->opt_id[i] == (int)j ? ",1\n" : ",0\n");
    }
    ss_buf_free(&cell);
  }
  return 0;
}

static int curve_task(void *worker, size_t task, ss_buf *out, ss_error *err) {
  an_worker *aw = worker;
  size_t na = aw->a->e->scn->n_axes;
  return curve_task_run(aw->a, task / na, task % na, out, err);
}

typedef struct file_commit {
  FILE *fp;
  const char *name;
} file_commit;

static int file_commit_fn(void *ctx, void *worker, size_t task,
                          const ss_buf *out, ss_error *err) {
  (void)worker;
  (void)task;
  file_commit *fc = ctx;
  if (out->len && fwrite(out->p, 1, out->len, fc->fp) != out->len)
    return ss_error_set(err, NULL, NULL, "cannot write %s", fc->name);
  return 0;
}

static void analyst_free(analyst *w) {
  if (!w)
    return;
  free(w->vals);
  free(w->lo_vals);
  free(w->hi_vals);
  free(w->mid_vals);
  for (int j = 0; j < 3; j++)
    free(w->y[j]);
  free(w->ca);
  free(w->cb);
  free(w->use);
  free(w->order);
  free(w->opt_id);
  free(w->ids);
}

static int analyst_init(analyst *w, const sim_engine *e, sim_ctx *c) {
  memset(w, 0, sizeof *w);
  w->e = e;
  w->c = c;
  size_t na = e->scn->n_axes + 1;
  w->vals = calloc(na, sizeof *w->vals);
  w->lo_vals = calloc(na, sizeof *w->lo_vals);
  w->hi_vals = calloc(na, sizeof *w->hi_vals);
  w->mid_vals = calloc(na, sizeof *w->mid_vals);
  return w->vals && w->lo_vals && w->hi_vals && w->mid_vals ? 0 : -1;
}

/* ---- elasticity and summary -------------------------------------------- */

static double opt_at(analyst *w, size_t m, const double *v, int *ok) {
  ss_error e2;
  ident id;
  *ok = 0;
  if (optimum(w, m, v, &id, &e2) != 0 || !id.feasible)
    return NAN;
  *ok = 1;
  return id.objective;
}

/* d ln f / d ln p at the reference point by central difference (+-1%);
 * one-sided when one side is outside the parameter's range. */
static double elasticity(analyst *w, size_t m, size_t k) {
  const scn_scenario *s = w->e->scn;
  const scn_axis *ax = &s->axes[k];
  if (integer_kind(ax->target.kind))
    return NAN;
  memcpy(w->vals, s->reference, s->n_axes * sizeof *w->vals);
  double p = w->vals[k];
  if (!(p != 0) || !isfinite(p))
    return NAN;
  int ok0, okp, okm;
  double f0 = opt_at(w, m, w->vals, &ok0);
  w->vals[k] = p * 1.01;
  double fp = opt_at(w, m, w->vals, &okp);
  w->vals[k] = p * 0.99;
  double fm = opt_at(w, m, w->vals, &okm);
  w->vals[k] = p;
  okp = okp && fp > 0 && isfinite(fp);
  okm = okm && fm > 0 && isfinite(fm);
  ok0 = ok0 && f0 > 0 && isfinite(f0);
  if (okp && okm)
    return (log(fp) - log(fm)) / (log(1.01) - log(0.99));
  if (okp && ok0)
    return (log(fp) - log(f0)) / log(1.01);
  if (okm && ok0)
    return (log(f0) - log(fm)) / (-log(0.99));
  return NAN;
}

/* One header cell: prefix + param + suffix, quoted as CSV needs. */
static void summary_cell(ss_buf *b, const char *prefix, const char *param,
                         const char *suffix) {
  ss_buf name = {0};
  ss_buf_str(&name, prefix);
  ss_buf_str(&name, param);
  ss_buf_str(&name, suffix);
  ss_buf_char(b, ',');
  if (name.p)
    ss_csv_field(b, name.p);
  b->oom |= name.oom;
  ss_buf_free(&name);
}

static void summary_header(ss_buf *b, const scn_scenario *s) {
  ss_buf_str(b, "model,placement,points,share");
  for (size_t k = 0; k < s->n_axes; k++)
    for (int mx = 0; mx < 2; mx++)
      summary_cell(b, "", s->axes[k].param, mx ? ".max" : ".min");
  ss_buf_str(b, ",best_objective,worst_objective");
  for (size_t k = 0; k < s->n_axes; k++)
    summary_cell(b, "elasticity.", s->axes[k].param, "");
  ss_buf_char(b, '\n');
}

/* Model m's rows: one per placement that is best somewhere (el: the
 * model's elasticity per axis). */
static void summary_rows(const sim_engine *e, size_t m, const sim_msum *sm,
                         const double *el, ss_buf *b) {
  size_t na = e->scn->n_axes;
  int maxim = solver_objective_info_of(e->obj)->maximise;
  double best = maxim ? sm->obj_max : sm->obj_min;
  double worst = maxim ? sm->obj_min : sm->obj_max;
  for (size_t i = 0; i < sm->n; i++) {
    const sim_pstat *ps = &sm->v[i];
    ss_buf_str(b, e->models[m].cell);
    ss_buf_char(b, ',');
    ss_buf_str(b, ps->cell);
    ss_buf_char(b, ',');
    sim_buf_u64(b, ps->points);
    ss_buf_char(b, ',');
    sim_buf_num(b, (double)ps->points / (double)e->n_points);
    for (size_t k = 0; k < na; k++) {
      ss_buf_char(b, ',');
      sim_buf_num(b, ps->vmin[k]);
      ss_buf_char(b, ',');
      sim_buf_num(b, ps->vmax[k]);
    }
    ss_buf_char(b, ',');
    sim_buf_num(b, best);
    ss_buf_char(b, ',');
    sim_buf_num(b, worst);
    sim_buf_nums(b, el, na);
    ss_buf_char(b, '\n');
  }
}

static int write_summary(analyst *w, const sim_msum *sums, FILE *fp,
                         ss_error *err) {
  const sim_engine *e = w->e;
  size_t na = e->scn->n_axes;
  ss_buf b = {0};
  double *el = calloc(na + 1, sizeof *el);
  int rc = -1;
  if (!el) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  summary_header(&b, e->scn);
  for (size_t m = 0; m < e->n_models; m++) {
    for (size_t k = 0; k < na; k++)
      el[k] = elasticity(w, m, k);
    summary_rows(e, m, &sums[m], el, &b);
  }
  if (b.oom) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  if (fwrite(b.p, 1, b.len, fp) != b.len) {
    ss_error_set(err, NULL, NULL, "cannot write summary.csv");
    goto done;
  }
  rc = 0;
done:
  free(el);
  ss_buf_free(&b);
  return rc;
}

/* ---- all tables -------------------------------------------------------- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int open_table(ss_atomic_file *af, const char *dir, const char *name,
                      ss_error *err) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
    return ss_error_set(err, dir, NULL, "path too long");
  return ss_atomic_open(af, path, err);
}

static int write_text(FILE *fp, const char *text) {
  size_t n = strlen(text);
  return fwrite(text, 1, n, fp) == n ? 0 : -1;
}

/* What writing the tables shares: one sweep context, analyst and phase
 * worker per job, the per-model sums of the sweep, the breakpoint tasks. */
typedef struct tables_run {
  const sim_engine *e;
  const char *outdir;
  const sim_options *opt;
  size_t jobs;
  sim_ctx **ctxs;
  analyst *an;
  an_worker *aw;
  void **wp;
  sim_msum *sums;
  task_map tm;
} tables_run;

static int tables_setup(tables_run *tr, ss_error *err) {
  size_t jobs = tr->jobs;
  tr->ctxs = calloc(jobs, sizeof *tr->ctxs);
  tr->an = calloc(jobs, sizeof *tr->an);
  tr->aw = calloc(jobs, sizeof *tr->aw);
  tr->wp = calloc(jobs, sizeof *tr->wp);
  tr->sums = calloc(tr->e->n_models + 1, sizeof *tr->sums);
  if (!tr->ctxs || !tr->an || !tr->aw || !tr->wp || !tr->sums)
    return ss_error_oom(err, NULL, NULL);
  for (size_t i = 0; i < jobs; i++) {
    if (sim_ctx_new(tr->e, &tr->ctxs[i], err) != 0)
      return -1;
    if (analyst_init(&tr->an[i], tr->e, tr->ctxs[i]) != 0)
      return ss_error_oom(err, NULL, NULL);
  }
  return 0;
}

static void tables_free(tables_run *tr) {
  free(tr->tm.offset);
  if (tr->an)
    for (size_t i = 0; i < tr->jobs; i++)
      analyst_free(&tr->an[i]);
  if (tr->ctxs)
    for (size_t i = 0; i < tr->jobs; i++)
      sim_ctx_free(tr->ctxs[i]);
  sim_msum_free(tr->sums, tr->e->n_models);
  free(tr->ctxs);
  free(tr->an);
  free(tr->aw);
  free(tr->wp);
}

/* best.csv (+ top.csv) and the counts: the sweep itself. */
static int write_best(tables_run *tr, ss_error *err) {
  ss_atomic_file best, top;
  int open_top = 0;
  if (open_table(&best, tr->outdir, "best.csv", err) != 0)
    return -1;
  if (tr->e->scn->top_k > 1) {
    if (open_table(&top, tr->outdir, "top.csv", err) != 0) {
      ss_atomic_abort(&best);
      return -1;
    }
    open_top = 1;
  }
  if (sim_sweep_all(tr->e, tr->ctxs, tr->jobs, best.fp,
                    open_top ? top.fp : NULL, tr->sums, tr->opt, err) != 0) {
    ss_atomic_abort(&best);
    if (open_top)
      ss_atomic_abort(&top);
    return -1;
  }
  if (ss_atomic_commit(&best, err) != 0) {
    if (open_top)
      ss_atomic_abort(&top);
    return -1;
  }
  return open_top ? ss_atomic_commit(&top, err) : 0;
}

/* The breakpoint tasks: per model and axis, one per line of the other
 * axes' groups; and the phase workers. */
static int breakpoint_tasks(tables_run *tr, ss_error *err) {
  const sim_engine *e = tr->e;
  const scn_scenario *s = e->scn;
  tr->tm.offset = calloc(e->n_models * s->n_axes + 1, sizeof *tr->tm.offset);
  if (!tr->tm.offset)
    return ss_error_oom(err, NULL, NULL);
  for (size_t m = 0, acc = 0; m < e->n_models; m++)
    for (size_t k = 0; k < s->n_axes; k++) {
      tr->tm.offset[m * s->n_axes + k] = acc;
      acc += e->n_points / group_len(s, k);
      tr->tm.offset[m * s->n_axes + k + 1] = acc;
    }
  for (size_t i = 0; i < tr->jobs; i++) {
    tr->aw[i].a = &tr->an[i];
    tr->aw[i].tm = &tr->tm;
    tr->wp[i] = &tr->aw[i];
  }
  return 0;
}

/* Table `name` with its header, then the rows that the tasks of phase
 * `phase` write in task order. */
static int write_phase_table(tables_run *tr, const char *name,
                             const char *header, const char *phase,
                             size_t n_tasks, sim_task_fn fn, ss_error *err) {
  ss_atomic_file af;
  if (open_table(&af, tr->outdir, name, err) != 0)
    return -1;
  if (write_text(af.fp, header) != 0) {
    ss_error_set(err, NULL, NULL, "cannot write %s", name);
    ss_atomic_abort(&af);
    return -1;
  }
  file_commit fc = {af.fp, name};
  sim_phase ph = {phase, n_tasks, fn,   file_commit_fn, &fc,
                  NULL,  NULL,    NULL, NULL,           0};
  if (sim_run_phase(&ph, tr->jobs, tr->wp, tr->opt, err) != 0) {
    ss_atomic_abort(&af);
    return -1;
  }
  return ss_atomic_commit(&af, err);
}

static int write_summary_table(tables_run *tr, ss_error *err) {
  ss_atomic_file sm;
  if (tr->opt && tr->opt->cancel && *tr->opt->cancel)
    return ss_error_interrupted(err);
  if (open_table(&sm, tr->outdir, "summary.csv", err) != 0)
    return -1;
  if (write_summary(&tr->an[0], tr->sums, sm.fp, err) != 0) {
    ss_atomic_abort(&sm);
    return -1;
  }
  return ss_atomic_commit(&sm, err);
}

int sim_write_tables(const sim_engine *e, const char *outdir,
                     const sim_options *opt, sim_timings *t, ss_error *err) {
  const scn_scenario *s = e->scn;
  tables_run tr;
  memset(&tr, 0, sizeof tr);
  tr.e = e;
  tr.outdir = outdir;
  tr.opt = opt;
  tr.jobs = opt && opt->jobs > 1 ? opt->jobs : 1;
  tr.tm.n_models = e->n_models;
  tr.tm.n_axes = s->n_axes;
  int rc = -1;
  double t0 = now_s(), t1 = t0;
  if (tables_setup(&tr, err) != 0 || write_best(&tr, err) != 0)
    goto done;
  t1 = now_s();
  if (breakpoint_tasks(&tr, err) != 0)
    goto done;
  size_t n_bp_tasks = s->n_axes ? tr.tm.offset[e->n_models * s->n_axes] : 0;
  if (write_phase_table(&tr, "breakpoints.csv", SIM_BREAKPOINTS_HEADER,
                        "breakpoints", n_bp_tasks, bp_task, err) != 0 ||
      write_phase_table(&tr, "curves.csv", SIM_CURVES_HEADER, "curves",
                        e->n_models * s->n_axes, curve_task, err) != 0 ||
      write_summary_table(&tr, err) != 0)
    goto done;
  rc = 0;
done:
  if (t) {
    double t2 = now_s();
    t->sweep_s = t1 - t0;
    t->analysis_s = rc == 0 ? t2 - t1 : 0;
  }
  tables_free(&tr);
  return rc;
}
