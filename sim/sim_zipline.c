/* Exact changes of the optimum along a zipped group (several axes that
 * advance together), between grid points included.
 *
 * On a path through the group's grid, every axis moves monotonically
 * between two neighbouring grid points (linear or geometric interpolation,
 * as the axis is written). When the objective is affine in each axis's
 * u_j (the value, or 1/value for bandwidth and availability), the cost of
 * placement p along the path is f_p(t) = a_p + sum_j b_pj u_j(t), with
 * every u_j monotone in t. The coefficients come from n + 1 evaluations of
 * every placement and are checked at one more point. Then each interval is
 * searched with certified bounds: over [t0, t1] the difference
 * f_r - f_p is at least (a_r - a_p) + sum_j min over the two ends of
 * (b_rj - b_pj) u_j, so a placement whose bound stays above the incumbent
 * cannot become optimal there; intervals that cannot be certified are
 * halved until every change is located to ~1e-12 relative. docs/sweeps.md
 * describes the method. */
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_engine_internal.h"
#include "sim_zipline_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_mem.h"

/* Refinement calls per line before giving up (then the caller bisects). */
#define ZIP_MAX_CALLS 200000
#define ZIP_MAX_DEPTH 64

void sim_group_interpolate(const scn_scenario *s, size_t g, const double *va,
                           const double *vb, double t, double *out) {
  const scn_group *grp = &s->groups[g];
  for (size_t j = 0; j < grp->n_axes; j++) {
    size_t k = grp->axes[j];
    double a = va[k], bv = vb[k];
    if (t <= 0)
      out[k] = a;
    else if (t >= 1)
      out[k] = bv;
    else if (s->axes[k].form == SCN_AXIS_LOG && a > 0 && bv > 0)
      out[k] = exp(log(a) + (log(bv) - log(a)) * t);
    else
      out[k] = a + (bv - a) * t;
  }
}

int sim_param_inverse(scn_param_kind k) {
  return k == SCN_PARAM_LINK_BANDWIDTH_MBPS || k == SCN_PARAM_AVAILABILITY;
}

/* Axes whose change reaches the cost affinely and leaves the prepared
 * sweep (and so the placement indices) as it is. */
static int zip_axis_ok(const sim_engine *e, size_t k) {
  scn_param_kind kind = e->scn->axes[k].target.kind;
  int cls = e->axis_class[k];
  return (kind == SCN_PARAM_LINK_LATENCY_MS ||
          kind == SCN_PARAM_LINK_BANDWIDTH_MBPS ||
          kind == SCN_PARAM_AVAILABILITY) &&
         (cls == SIM_CLASS_LINK || cls == SIM_CLASS_AVAIL);
}

typedef struct zline {
  sim_ctx *c;
  size_t m, g, na;
  const size_t *axes; /* the group's axes */
  size_t np;
  double *a, *b; /* np, np * na */
  unsigned char *use;
  double *u0, *u1, *um; /* na: u at the interval ends and middle */
  double *ya, *yb;      /* np: the model at the interval ends */
  double *vt;           /* n_axes scratch */
  const double *va, *vb;
  size_t *cand; /* candidate stack */
  size_t cand_len, cand_cap;
  size_t n_use; /* cand[0..n_use): the usable placements */
  size_t calls;
  sim_zchange *out;
  size_t n_out, cap_out;
  size_t q; /* interval being searched */
} zline;

static double u_of(const scn_scenario *s, size_t k, double v) {
  return sim_param_inverse(s->axes[k].target.kind) ? 1 / v : v;
}

static void u_at(zline *z, double t, double *u) {
  const scn_scenario *s = z->c->e->scn;
  sim_group_interpolate(s, z->g, z->va, z->vb, t, z->vt);
  for (size_t j = 0; j < z->na; j++)
    u[j] = u_of(s, z->axes[j], z->vt[z->axes[j]]);
}

static double f_at(const zline *z, size_t p, const double *u) {
  double y = z->a[p];
  for (size_t j = 0; j < z->na; j++)
    y += z->b[p * z->na + j] * u[j];
  return y;
}

static int near_rel(double x, double y, double rel) {
  return fabs(x - y) <= rel * (fabs(x) + fabs(y)) + 1e-300;
}

/* Values of every placement at vals into y (n placements). */
static int values_at(zline *z, const double *vals, double **y, size_t *cap,
                     size_t *n, ss_error *err) {
  if (sim_ctx_set(z->c, vals, err) != 0)
    return -1;
  return sim_ctx_values(z->c, z->m, y, cap, n, err);
}

/* Another value of axis k on the group, as far as possible in u from v0. */
static double far_value(const scn_scenario *s, size_t k, double v0) {
  const scn_axis *ax = &s->axes[k];
  double best = v0, d = 0;
  for (size_t i = 0; i < ax->n_values; i++) {
    double di = fabs(u_of(s, k, ax->values[i]) - u_of(s, k, v0));
    if (di > d) {
      d = di;
      best = ax->values[i];
    }
  }
  return best;
}

/* Fit a_p, b_pj from evaluations around base (all axes at their base
 * values, then one axis moved at a time) and check at a point where all
 * axes move. 1: fitted, 0: not affine or feasibility moves, -1: error. */
static int zip_fit(zline *z, const double *base, ss_error *err) {
  const scn_scenario *s = z->c->e->scn;
  size_t na = z->na, nax = s->n_axes;
  double *vals = malloc((nax + 1) * sizeof *vals);
  double *y0 = NULL, *y1 = NULL;
  size_t c0 = 0, c1 = 0, n0 = 0, n1 = 0;
  int rc = -1;
  if (!vals)
    goto oom;
  memcpy(vals, base, nax * sizeof *vals);
  if (values_at(z, vals, &y0, &c0, &n0, err) != 0)
    goto done;
  z->np = n0;
  z->a = malloc((n0 + 1) * sizeof *z->a);
  z->b = calloc((n0 + 1) * na, sizeof *z->b);
  z->use = malloc(n0 + 1);
  if (!z->a || !z->b || !z->use)
    goto oom;
  for (size_t p = 0; p < n0; p++) {
    z->use[p] = isfinite(y0[p]) != 0;
    z->a[p] = y0[p];
  }
  rc = 0;
  for (size_t j = 0; j < na; j++) {
    size_t k = z->axes[j];
    double alt = far_value(s, k, base[k]);
    double du = u_of(s, k, alt) - u_of(s, k, base[k]);
    if (du == 0)
      continue;
    memcpy(vals, base, nax * sizeof *vals);
    vals[k] = alt;
    if (values_at(z, vals, &y1, &c1, &n1, err) != 0) {
      rc = -1;
      goto done;
    }
    if (n1 != n0)
      goto done;
    for (size_t p = 0; p < n0; p++) {
      if ((isfinite(y1[p]) != 0) != z->use[p])
        goto done; /* feasibility depends on the axis */
      if (!z->use[p])
        continue;
      double slope = (y1[p] - y0[p]) / du;
      z->b[p * na + j] = slope;
      z->a[p] -= slope * u_of(s, k, base[k]);
    }
  }
  /* check: every axis halfway (in u) to its far value */
  double *uc = z->um;
  memcpy(vals, base, nax * sizeof *vals);
  for (size_t j = 0; j < na; j++) {
    size_t k = z->axes[j];
    double alt = far_value(s, k, base[k]);
    uc[j] = 0.5 * (u_of(s, k, alt) + u_of(s, k, base[k]));
    vals[k] = sim_param_inverse(s->axes[k].target.kind) ? 1 / uc[j] : uc[j];
  }
  if (values_at(z, vals, &y1, &c1, &n1, err) != 0) {
    rc = -1;
    goto done;
  }
  if (n1 != n0)
    goto done;
  for (size_t p = 0; p < n0; p++) {
    if ((isfinite(y1[p]) != 0) != z->use[p])
      goto done;
    if (z->use[p] && !near_rel(f_at(z, p, uc), y1[p], 1e-9))
      goto done;
  }
  rc = 1;
  goto done;
oom:
  rc = ss_error_set(err, NULL, NULL, "out of memory");
done:
  free(vals);
  free(y0);
  free(y1);
  return rc;
}

static int push_change(zline *z, double t, size_t before, size_t after,
                       double objective) {
  void *out = z->out;
  if (ss_grow(&out, &z->cap_out, z->n_out + 1, sizeof *z->out, 8) != 0)
    return -1;
  z->out = out;
  sim_zchange *ch = &z->out[z->n_out++];
  ch->interval = z->q;
  ch->t = t;
  ch->before = before;
  ch->after = after;
  ch->objective = objective;
  return 0;
}

/* Lowest of p0 and the candidates cand[off..off+nc) at u; p0, then p1,
 * wins a tie within 1e-12 relative (so no change is made up from ties). */
static size_t argmin_at(const zline *z, size_t off, size_t nc, const double *u,
                        size_t p0, size_t p1) {
  size_t best = p0;
  double yb = f_at(z, p0, u);
  for (size_t i = 0; i < nc; i++) {
    size_t r = z->cand[off + i];
    double y = f_at(z, r, u);
    if (y < yb) {
      best = r;
      yb = y;
    }
  }
  if (near_rel(f_at(z, p0, u), yb, 1e-12))
    return p0;
  if (near_rel(f_at(z, p1, u), yb, 1e-12))
    return p1;
  return best;
}

/* Lower bound of f_r - f_p over the interval with ends u0, u1. */
static double diff_lower(const zline *z, size_t r, size_t p, const double *u0,
                         const double *u1) {
  double d = z->a[r] - z->a[p];
  for (size_t j = 0; j < z->na; j++) {
    double db = z->b[r * z->na + j] - z->b[p * z->na + j];
    double x = db * u0[j], y = db * u1[j];
    d += x < y ? x : y;
  }
  return d;
}

static int ends_close(zline *z, double t0, double t1) {
  const scn_scenario *s = z->c->e->scn;
  double *v0 = z->vt;
  int close = 1;
  for (size_t j = 0; j < z->na && close; j++) {
    size_t k = z->axes[j];
    sim_group_interpolate(s, z->g, z->va, z->vb, t0, v0);
    double x = v0[k];
    sim_group_interpolate(s, z->g, z->va, z->vb, t1, v0);
    close = near_rel(x, v0[k], 1e-12);
  }
  return close;
}

/* Search [t0, t1] with optimum p0 at t0 and p1 at t1 among the candidates
 * cand[off..off+nc). 0 ok, -1 out of memory, 1 gave up (too much work). */
static int refine(zline *z, double t0, double t1, size_t p0, size_t p1,
                  size_t off, size_t nc, int depth) {
  if (++z->calls > ZIP_MAX_CALLS)
    return 1;
  double *u0 = z->u0, *u1 = z->u1;
  u_at(z, t0, u0);
  u_at(z, t1, u1);
  double scale = fabs(f_at(z, p0, u0)) + fabs(f_at(z, p0, u1));
  double tol = 1e-12 * scale + 1e-300;
  /* keep the candidates that may beat p0 somewhere in [t0, t1] */
  size_t noff = z->cand_len;
  void *cand = z->cand;
  if (ss_grow(&cand, &z->cand_cap, z->cand_len + nc, sizeof *z->cand, 16) != 0)
    return -1;
  z->cand = cand;
  size_t kept = 0;
  for (size_t i = 0; i < nc; i++) {
    size_t r = z->cand[off + i];
    if (r == p0)
      continue;
    if (r == p1 || diff_lower(z, r, p0, u0, u1) < -tol)
      z->cand[noff + kept++] = r;
  }
  z->cand_len += kept;
  int rc = 0;
  if (kept == 0)
    goto out; /* p0 optimal throughout */
  if (p0 != p1 && (depth >= ZIP_MAX_DEPTH || ends_close(z, t0, t1))) {
    double tm = 0.5 * (t0 + t1);
    u_at(z, tm, z->um);
    rc = push_change(z, tm, p0, p1, f_at(z, p1, z->um));
    goto out;
  }
  if (depth >= ZIP_MAX_DEPTH || ends_close(z, t0, t1))
    goto out; /* a touch too small to place */
  double tm = 0.5 * (t0 + t1);
  u_at(z, tm, z->um);
  size_t pm = argmin_at(z, noff, kept, z->um, p0, p1);
  rc = refine(z, t0, tm, p0, pm, noff, kept, depth + 1);
  if (rc == 0)
    rc = refine(z, tm, t1, pm, p1, noff, kept, depth + 1);
out:
  z->cand_len = noff;
  return rc < 0 ? -1 : rc;
}

/* The model must agree with the solver's optimum at a grid point. */
static int anchor_ok(const zline *z, size_t idx, const double *vals) {
  const scn_scenario *s = z->c->e->scn;
  double *u = z->um;
  for (size_t j = 0; j < z->na; j++)
    u[j] = u_of(s, z->axes[j], vals[z->axes[j]]);
  if (idx >= z->np || !z->use[idx])
    return 0;
  double y = f_at(z, idx, u);
  for (size_t p = 0; p < z->np; p++)
    if (z->use[p] && f_at(z, p, u) < y && !near_rel(f_at(z, p, u), y, 1e-9))
      return 0;
  return 1;
}

static void zline_free(zline *z) {
  free(z->a);
  free(z->b);
  free(z->use);
  free(z->u0);
  free(z->u1);
  free(z->um);
  free(z->vt);
  free(z->cand);
}

/* Optimum index at flat point pt: 1 found, 0 infeasible, -1 error. */
static int anchor(zline *z, double *vals, size_t *idx, ss_error *err) {
  if (sim_ctx_set(z->c, vals, err) != 0)
    return -1;
  solver_result r;
  return sim_ctx_best(z->c, z->m, &r, idx, err);
}

static int zip_search(zline *z, size_t line, double *va, double *vb,
                      ss_error *err) {
  const scn_scenario *s = z->c->e->scn;
  size_t ng = s->groups[z->g].n_values;
  size_t ia = 0, ib = 0;
  sim_point_values(s, sim_line_point(s, z->g, line, 0), va);
  int fa = anchor(z, va, &ia, err);
  if (fa < 0)
    return -1;
  for (size_t i = 0; i + 1 < ng; i++) {
    sim_point_values(s, sim_line_point(s, z->g, line, i + 1), vb);
    int fb = anchor(z, vb, &ib, err);
    if (fb < 0)
      return -1;
    if (fa != fb || (fa && (!anchor_ok(z, ia, va) || !anchor_ok(z, ib, vb))))
      return 0; /* feasibility moves, or the model disagrees: bisect */
    if (fa) {
      z->va = va;
      z->vb = vb;
      z->q = i;
      z->cand_len = z->n_use;
      int rc = refine(z, 0, 1, ia, ib, 0, z->n_use, 0);
      if (rc != 0)
        return rc < 0 ? ss_error_set(err, NULL, NULL, "out of memory") : 0;
    }
    memcpy(va, vb, s->n_axes * sizeof *va);
    ia = ib;
    fa = fb;
  }
  return 1;
}

int sim_zip_changes(sim_ctx *c, size_t m, size_t g, size_t line,
                    sim_zchange **out, size_t *n_out, ss_error *err) {
  *out = NULL;
  *n_out = 0;
  const sim_engine *e = c->e;
  const scn_scenario *s = e->scn;
  const scn_group *grp = &s->groups[g];
  if (e->obj == SOLVER_OBJ_THROUGHPUT || grp->n_values < 2)
    return 0;
  for (size_t j = 0; j < grp->n_axes; j++)
    if (!zip_axis_ok(e, grp->axes[j]))
      return 0;
  zline z;
  memset(&z, 0, sizeof z);
  z.c = c;
  z.m = m;
  z.g = g;
  z.na = grp->n_axes;
  z.axes = grp->axes;
  size_t nax = s->n_axes + 1;
  double *va = malloc(nax * sizeof *va), *vb = malloc(nax * sizeof *vb);
  z.u0 = malloc((z.na + 1) * sizeof *z.u0);
  z.u1 = malloc((z.na + 1) * sizeof *z.u1);
  z.um = malloc((z.na + 1) * sizeof *z.um);
  z.vt = malloc(nax * sizeof *z.vt);
  int rc = -1;
  if (!va || !vb || !z.u0 || !z.u1 || !z.um || !z.vt) {
    ss_error_set(err, NULL, NULL, "out of memory");
    goto done;
  }
  sim_point_values(s, sim_line_point(s, g, line, 0), va);
  memcpy(z.vt, va, s->n_axes * sizeof *va);
  rc = zip_fit(&z, va, err);
  if (rc != 1)
    goto done;
  z.cand = malloc((z.np + 1) * sizeof *z.cand);
  if (!z.cand) {
    rc = ss_error_set(err, NULL, NULL, "out of memory");
    goto done;
  }
  z.cand_cap = z.np;
  for (size_t p = 0; p < z.np; p++)
    if (z.use[p])
      z.cand[z.cand_len++] = p;
  z.n_use = z.cand_len;
  rc = zip_search(&z, line, va, vb, err);
done:
  if (rc == 1) {
    *out = z.out;
    *n_out = z.n_out;
  } else {
    free(z.out);
  }
  zline_free(&z);
  free(va);
  free(vb);
  return rc;
}
