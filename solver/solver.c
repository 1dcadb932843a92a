/* Exhaustive partition search: problem checks, exact evaluation, constraint
 * checks and the top-k enumeration. The sweep lives in solver_sweep.c and
 * Scission criteria text in solver_criteria.c. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver_internal.h"

#include "../common/ss_mem.h"

/* ---- problem ------------------------------------------------------------ */

static size_t total_systems(const solver_problem *p) {
  size_t n = 0;
  for (size_t t = 0; t < p->n_tiers && t < SOLVER_MAX_TIERS; t++)
    n += p->tiers[t].n_systems;
  return n;
}

size_t solver_global_index(const solver_problem *p, size_t tier, size_t sys) {
  size_t g = 0;
  for (size_t t = 0; t < tier; t++)
    g += p->tiers[t].n_systems;
  return g + sys;
}

static int finite_nonneg(double x) { return isfinite(x) && x >= 0; }

int solver_validate(const solver_problem *p, ss_error *err) {
  if (!p)
    return ss_error_set(err, NULL, NULL, "no problem given");
  if (p->n_tiers < 1 || p->n_tiers > SOLVER_MAX_TIERS)
    return ss_error_set(err, NULL, "n_tiers", "%zu tiers; need 1 to %d",
                        p->n_tiers, SOLVER_MAX_TIERS);
  if (p->n_blocks < 1 || p->n_blocks > (size_t)INT32_MAX / 2)
    return ss_error_set(err, NULL, "n_blocks", "%zu blocks; need 1 to %d",
                        p->n_blocks, INT32_MAX / 2);
  if (!p->output_bytes)
    return ss_error_set(err, NULL, "output_bytes", "missing block sizes");
  if ((p->first_layer == NULL) != (p->last_layer == NULL))
    return ss_error_set(err, NULL, "first_layer",
                        "give both layer arrays or neither");
  for (size_t b = 0; b < p->n_blocks; b++) {
    if (!finite_nonneg(p->output_bytes[b]))
      return ss_error_set(err, NULL, "output_bytes",
                          "block %zu: output size %g is not a finite "
                          "non-negative number",
                          b, p->output_bytes[b]);
    if (p->first_layer && p->first_layer[b] > p->last_layer[b])
      return ss_error_set(err, NULL, "first_layer",
                          "block %zu: first layer %lld after last layer %lld",
                          b, (long long)p->first_layer[b],
                          (long long)p->last_layer[b]);
  }
  if (!finite_nonneg(p->input_bytes))
    return ss_error_set(err, NULL, "input_bytes", "input size %g is invalid",
                        p->input_bytes);
  if (!finite_nonneg(p->result_bytes))
    return ss_error_set(err, NULL, "result_bytes", "result size %g is invalid",
                        p->result_bytes);
  if (p->tiers[0].n_systems < 1)
    return ss_error_set(err, NULL, "tiers[0]",
                        "tier 0 (%s) has no system: it is the data source",
                        p->tiers[0].name ? p->tiers[0].name : "device");
  if (p->scission_quirks && p->n_tiers != 3)
    return ss_error_set(err, NULL, "scission_quirks",
                        "Scission's rules need exactly 3 tiers, not %zu",
                        p->n_tiers);
  for (size_t t = 0; t < p->n_tiers; t++) {
    const solver_tier *tier = &p->tiers[t];
    if (tier->n_systems > 0 && !tier->systems)
      return ss_error_set(err, NULL, "tiers", "tier %zu has no system array",
                          t);
    if (tier->n_systems > (size_t)INT32_MAX)
      return ss_error_set(err, NULL, "tiers", "tier %zu: too many systems", t);
    for (size_t s = 0; s < tier->n_systems; s++) {
      const solver_system *sys = &tier->systems[s];
      const char *nm = sys->name ? sys->name : "?";
      if (!sys->time_s)
        return ss_error_set(err, NULL, nm, "system has no block times");
      for (size_t b = 0; b < p->n_blocks; b++)
        if (!finite_nonneg(sys->time_s[b]))
          return ss_error_set(err, NULL, nm,
                              "block %zu: time %g s is not a finite "
                              "non-negative number",
                              b, sys->time_s[b]);
      if (!(sys->availability >= 0 && sys->availability <= 1))
        return ss_error_set(err, NULL, nm, "availability %g is outside [0, 1]",
                            sys->availability);
      if (!finite_nonneg(sys->compute_power_w) ||
          !finite_nonneg(sys->radio_power_w))
        return ss_error_set(err, NULL, nm, "powers must be finite and >= 0");
    }
  }
  if (!p->links && total_systems(p) > 1)
    return ss_error_set(err, NULL, "links", "no link table");
  return 0;
}

uint64_t solver_count_placements(const solver_problem *p) {
  /* ways[pos] = placements of tiers t..k-1 over blocks pos..B-1, from the
   * last tier backwards: tier t unused, or on one of its n systems up to
   * some block e >= pos. long double keeps large counts. */
  size_t B = p->n_blocks;
  long double *ways = calloc(B + 2, sizeof *ways);
  long double total = 0;
  if (!ways)
    return UINT64_MAX;
  ways[B] = 1; /* after the last tier only "everything covered" counts */
  for (size_t t = p->n_tiers; t-- > 1;) {
    long double n = (long double)p->tiers[t].n_systems, suffix = 0;
    /* suffix = sum of ways[e + 1] for e = pos..B-1, updated in place */
    for (size_t pos = B + 1; pos-- > 0;) {
      long double w = ways[pos];
      ways[pos] = w + n * suffix;
      suffix += w;
    }
  }
  for (size_t m0 = 0; m0 <= B; m0++)
    total += ways[m0];
  total *= (long double)p->tiers[0].n_systems;
  free(ways);
  if (total >= 18446744073709551615.0L)
    return UINT64_MAX;
  return (uint64_t)total;
}

/* ---- tables ------------------------------------------------------------- */

int solver_prep_init(solver_prep *sp, const solver_problem *p, ss_error *err) {
  memset(sp, 0, sizeof *sp);
  sp->p = p;
  sp->n_blocks = p->n_blocks;
  sp->n_tiers = p->n_tiers;
  size_t g = 0;
  for (size_t t = 0; t < p->n_tiers; t++) {
    sp->base[t] = g;
    g += p->tiers[t].n_systems;
  }
  sp->base[p->n_tiers] = g;
  sp->n_total = g;
  size_t row = p->n_blocks + 1;
  sp->prefix = malloc(g * row * sizeof *sp->prefix);
  sp->nonzero = malloc(g * row * sizeof *sp->nonzero);
  sp->inv_avail = malloc(g * sizeof *sp->inv_avail);
  if (!sp->prefix || !sp->nonzero || !sp->inv_avail) {
    solver_prep_free(sp);
    return ss_error_set(err, NULL, NULL,
                        "out of memory (%zu systems x %zu "
                        "blocks)",
                        g, row);
  }
  double scale = 0;
  for (size_t t = 0; t < p->n_tiers; t++)
    for (size_t s = 0; s < p->tiers[t].n_systems; s++) {
      const solver_system *sys = &p->tiers[t].systems[s];
      size_t gi = sp->base[t] + s;
      double *q = sp->prefix + gi * row;
      uint32_t *nz = sp->nonzero + gi * row;
      q[0] = 0;
      nz[0] = 0;
      for (size_t b = 0; b < p->n_blocks; b++) {
        q[b + 1] = q[b] + sys->time_s[b];
        nz[b + 1] = nz[b] + (sys->time_s[b] > 0);
      }
      double a = sys->availability;
      sp->inv_avail[gi] = a > 0 ? 1.0 / a : 0;
      if (a > 0)
        scale += q[p->n_blocks] / a;
      if (sys->compute_power_w > sp->max_compute_power_w)
        sp->max_compute_power_w = sys->compute_power_w;
    }
  /* Prefix differences and left-to-right sums both stay within
   * ~n_blocks * u * (sum of all times) of the true sums; be generous. */
  sp->margin_s = 4.0 * ((double)p->n_blocks + 4) * DBL_EPSILON * scale;
  return 0;
}

void solver_prep_free(solver_prep *sp) {
  if (!sp)
    return;
  free(sp->prefix);
  free(sp->nonzero);
  free(sp->inv_avail);
  sp->prefix = NULL;
  sp->nonzero = NULL;
  sp->inv_avail = NULL;
}

/* ---- constraints -------------------------------------------------------- */

void solver_constraints_init(solver_constraints *c) {
  memset(c, 0, sizeof *c);
  for (size_t t = 0; t < SOLVER_MAX_TIERS; t++) {
    c->max_blocks[t] = SIZE_MAX;
    c->max_upload_bytes[t] = INFINITY;
    c->max_time_s[t] = INFINITY;
    c->max_time_pct[t] = INFINITY;
  }
}

static void layer_range(const solver_problem *p, int first, int last,
                        int64_t *lo, int64_t *hi) {
  if (first < 0) {
    *lo = -1;
    *hi = -1;
  } else if (p->first_layer) {
    *lo = p->first_layer[first];
    *hi = p->last_layer[last];
  } else {
    *lo = first;
    *hi = last;
  }
}

void solver_tier_layers(const solver_problem *p, const solver_placement *pl,
                        size_t tier, int64_t *lo, int64_t *hi) {
  int used = pl->sys[tier] >= 0 && pl->first[tier] >= 0;
  layer_range(p, used ? pl->first[tier] : -1, used ? pl->last[tier] : -1, lo,
              hi);
}

static int layers_ok(const solver_problem *p, const solver_criteria *cr,
                     int first, int last) {
  if (cr->n_layer_include == 0 && cr->n_layer_exclude == 0)
    return 1;
  int64_t lo, hi;
  layer_range(p, first, last, &lo, &hi);
  for (size_t i = 0; i < cr->n_layer_include; i++) {
    int64_t L = cr->layer_include[i];
    if (L < lo || L > hi)
      return 0;
  }
  for (size_t i = 0; i < cr->n_layer_exclude; i++) {
    int64_t L = cr->layer_exclude[i];
    if (L >= lo && L <= hi)
      return 0;
  }
  return 1;
}

static int name_listed(const char *const *list, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (list[i] && name && strcmp(list[i], name) == 0)
      return 1;
  return 0;
}

int solver_criteria_allow_system(const solver_criteria *cr, const char *name) {
  if (cr->n_system_include &&
      !name_listed(cr->system_include, cr->n_system_include, name))
    return 0;
  if (cr->n_system_exclude &&
      name_listed(cr->system_exclude, cr->n_system_exclude, name))
    return 0;
  return 1;
}

/* A tier that runs nothing: naming a system (either way) needs >= 1 block;
 * its time is 0 (Scission: 0 <= limit). Layers are checked separately. */
static int unused_allowed(const solver_constraints *c, size_t t) {
  const solver_criteria *cr = &c->criteria[t];
  if (cr->n_system_include || cr->n_system_exclude)
    return 0;
  if (c->min_blocks[t] > 0 || (t == 0 && c->privacy))
    return 0;
  if (!(0 <= c->max_time_s[t]))
    return 0;
  return 1;
}

int solver_rcons_init(solver_rcons *rc, const solver_prep *sp,
                      const solver_constraints *c, ss_error *err) {
  const solver_problem *p = sp->p;
  memset(rc, 0, sizeof *rc);
  rc->c = c;
  rc->sys_ok = malloc(sp->n_total ? sp->n_total : 1);
  if (!rc->sys_ok)
    return ss_error_oom(err, NULL, NULL);
  for (size_t t = 0; t < p->n_tiers; t++) {
    rc->min_blocks[t] = 0;
    rc->max_blocks[t] = SIZE_MAX;
    rc->unused_ok[t] = 1;
    rc->max_upload[t] = INFINITY;
    rc->max_time[t] = INFINITY;
    rc->max_pct[t] = INFINITY;
    for (size_t s = 0; s < p->tiers[t].n_systems; s++) {
      const char *name = p->tiers[t].systems[s].name;
      rc->sys_ok[sp->base[t] + s] =
          c ? solver_criteria_allow_system(&c->criteria[t], name) : 1;
    }
    if (!c)
      continue;
    if (isnan(c->max_upload_bytes[t]) || isnan(c->max_time_s[t]) ||
        isnan(c->max_time_pct[t])) {
      solver_rcons_free(rc);
      return ss_error_set(err, NULL, "constraints", "tier %zu: a limit is NaN",
                          t);
    }
    rc->min_blocks[t] = c->min_blocks[t];
    if (t == 0 && c->privacy && rc->min_blocks[t] < 1)
      rc->min_blocks[t] = 1;
    rc->max_blocks[t] = c->max_blocks[t];
    rc->max_upload[t] = c->max_upload_bytes[t];
    rc->max_time[t] = c->max_time_s[t];
    rc->max_pct[t] = c->max_time_pct[t];
    rc->unused_ok[t] = unused_allowed(c, t);
    rc->has_layers[t] =
        c->criteria[t].n_layer_include || c->criteria[t].n_layer_exclude;
    if (c->max_time_s[t] != INFINITY || c->max_time_pct[t] != INFINITY)
      rc->has_time_limits = 1;
    if (c->max_time_pct[t] != INFINITY)
      rc->has_pct = 1;
    if (c->max_upload_bytes[t] != INFINITY)
      rc->has_upload = 1;
  }
  return 0;
}

void solver_rcons_free(solver_rcons *rc) {
  if (!rc)
    return;
  free(rc->sys_ok);
  rc->sys_ok = NULL;
}

int solver_range_ok(const solver_rcons *rc, const solver_prep *sp, size_t t,
                    size_t g, int first, int last) {
  size_t n = first < 0 ? 0 : (size_t)(last - first + 1);
  if (n < rc->min_blocks[t] || n > rc->max_blocks[t])
    return 0;
  if (n == 0) {
    if (!rc->unused_ok[t])
      return 0;
  } else if (!rc->sys_ok[g]) {
    return 0;
  }
  if (rc->has_layers[t] && !layers_ok(sp->p, &rc->c->criteria[t], first, last))
    return 0;
  return 1;
}

/* ---- exact evaluation --------------------------------------------------- */

double solver_result_cost(const solver_result *r, solver_objective obj) {
  return solver_objective_info_of(obj)->cost(r);
}

static double objective_value(const solver_result *r, solver_objective obj) {
  return solver_objective_info_of(obj)->value(r);
}

/* Left-to-right sum of times[first..last], like Python's `total += t`. */
static double sum_range(const double *times, int first, int last) {
  double s = 0;
  for (int b = first; b <= last; b++)
    s += times[b];
  return s;
}

/* What solver_eval_with adds up along a placement. */
typedef struct eval_acc {
  size_t gsys[SOLVER_MAX_TIERS]; /* global system per tier */
  double comp_sum, hop_sum, slowest;
  double d_out, e_out; /* Scission's rules: bytes device and edge send */
  size_t prev;         /* the last tier that runs */
} eval_acc;

/* Each used tier's compute seconds; -1 when a used system is unavailable. */
static int eval_compute(const solver_prep *sp, const double *avail,
                        const solver_placement *pl, solver_result *r,
                        eval_acc *ac) {
  const solver_problem *p = sp->p;
  for (size_t t = 0; t < p->n_tiers; t++) {
    if (pl->sys[t] < 0)
      continue;
    size_t g = sp->base[t] + (size_t)pl->sys[t];
    ac->gsys[t] = g;
    double a = avail[g];
    if (!(a > 0))
      return -1;
    if (pl->first[t] >= 0) {
      const double *times = p->tiers[t].systems[pl->sys[t]].time_s;
      r->compute_s[t] = sum_range(times, pl->first[t], pl->last[t]) / a;
    }
    ac->comp_sum += r->compute_s[t];
  }
  return 0;
}

/* Bytes each sender uploads under Scission's zero-time rules. */
static void scission_uploads(const solver_problem *p,
                             const solver_placement *pl, solver_result *r,
                             eval_acc *ac) {
  ac->d_out = pl->first[0] >= 0 ? p->output_bytes[pl->last[0]] : p->input_bytes;
  ac->e_out = pl->sys[1] >= 0 ? p->output_bytes[pl->last[1]] : 0;
  double E = pl->sys[1] >= 0 ? r->compute_s[1] : 0;
  double C = pl->sys[2] >= 0 ? r->compute_s[2] : 0;
  if (E == 0 && C == 0)
    ac->d_out = 0;
  else if (C == 0)
    ac->e_out = 0;
  r->upload_bytes[0] = ac->d_out;
  r->upload_bytes[1] = ac->e_out;
}

/* The hops between consecutive used tiers; -1 over a link not usable. */
static int eval_hops(const solver_prep *sp, const solver_link *links,
                     const solver_placement *pl, solver_result *r,
                     eval_acc *ac) {
  const solver_problem *p = sp->p;
  size_t n = sp->n_total;
  int pos = pl->first[0] >= 0 ? pl->last[0] + 1 : 0;
  for (size_t t = 1; t < p->n_tiers; t++) {
    if (pl->sys[t] < 0)
      continue;
    double bytes = pos == 0 ? p->input_bytes : p->output_bytes[pos - 1];
    if (p->scission_quirks)
      bytes = ac->prev == 0 ? ac->d_out : ac->e_out;
    else
      r->upload_bytes[ac->prev] = bytes;
    const solver_link *l = &links[ac->gsys[ac->prev] * n + ac->gsys[t]];
    if (!solver_link_usable(l))
      return -1;
    int h = r->n_hops++;
    r->hop_from[h] = (int)ac->prev;
    r->hop_to[h] = (int)t;
    r->hop_bytes[h] = bytes;
    r->hop_s[h] = solver_hop_s(l, bytes);
    ac->hop_sum += r->hop_s[h];
    r->total_bytes += bytes;
    if (r->hop_s[h] > ac->slowest)
      ac->slowest = r->hop_s[h];
    ac->prev = t;
    pos = pl->last[t] + 1;
  }
  return 0;
}

/* The result's way back to tier 0; -1 over a link not usable. */
static int eval_return(const solver_prep *sp, const solver_link *links,
                       solver_result *r, eval_acc *ac) {
  const solver_problem *p = sp->p;
  if (!(p->result_bytes > 0 && ac->prev != 0))
    return 0;
  const solver_link *l = &links[ac->gsys[0] * sp->n_total + ac->gsys[ac->prev]];
  if (!solver_link_usable(l))
    return -1;
  r->return_s = solver_hop_s(l, p->result_bytes);
  r->latency_s += r->return_s;
  r->total_bytes += p->result_bytes;
  if (r->return_s > ac->slowest)
    ac->slowest = r->return_s;
  return 0;
}

/* The device's energy: its compute, and its radio while it sends. */
static void eval_energy(const solver_prep *sp, const solver_link *links,
                        const solver_placement *pl, solver_result *r,
                        const eval_acc *ac) {
  const solver_system *dev = &sp->p->tiers[0].systems[pl->sys[0]];
  r->device_energy_j = dev->compute_power_w * r->compute_s[0];
  if (r->n_hops > 0 && dev->radio_power_w > 0) {
    const solver_link *l =
        &links[ac->gsys[0] * sp->n_total + ac->gsys[r->hop_to[0]]];
    r->device_energy_j +=
        dev->radio_power_w * (r->hop_bytes[0] / l->bandwidth_bytes_per_s);
  }
}

int solver_eval_with(const solver_prep *sp, const double *avail,
                     const solver_link *links, const solver_placement *pl,
                     solver_objective obj, solver_result *r) {
  const solver_problem *p = sp->p;
  eval_acc ac;
  memset(&ac, 0, sizeof ac);
  memset(r, 0, sizeof *r);
  r->p = *pl;
  if (eval_compute(sp, avail, pl, r, &ac) != 0)
    return -1;
  if (p->scission_quirks)
    scission_uploads(p, pl, r, &ac);
  for (size_t t = 0; t < p->n_tiers; t++)
    if ((t == 0 || pl->sys[t] >= 0) && r->compute_s[t] > ac.slowest)
      ac.slowest = r->compute_s[t];
  if (eval_hops(sp, links, pl, r, &ac) != 0)
    return -1;
  r->latency_s = ac.comp_sum + ac.hop_sum;
  if (eval_return(sp, links, r, &ac) != 0)
    return -1;
  r->throughput_per_s = ac.slowest > 0 ? 1.0 / ac.slowest : INFINITY;
  eval_energy(sp, links, pl, r, &ac);
  r->objective = objective_value(r, obj);
  return 0;
}

/* Shape check of a placement given by a caller. */
static int placement_ok(const solver_problem *p, const solver_placement *pl,
                        ss_error *err) {
  size_t K = p->n_tiers;
  int pos = 0;
  if (pl->sys[0] < 0 || (size_t)pl->sys[0] >= p->tiers[0].n_systems)
    return ss_error_set(err, NULL, "placement", "tier 0 needs a system");
  for (size_t t = 0; t < K; t++) {
    if (pl->sys[t] >= 0 && (size_t)pl->sys[t] >= p->tiers[t].n_systems)
      return ss_error_set(err, NULL, "placement",
                          "tier %zu: system %d out of range", t, pl->sys[t]);
    int used = pl->sys[t] >= 0 && pl->first[t] >= 0;
    if (t > 0 && pl->sys[t] >= 0 && pl->first[t] < 0)
      return ss_error_set(err, NULL, "placement",
                          "tier %zu has a system but no blocks", t);
    if (!used)
      continue;
    if (pl->first[t] != pos || pl->last[t] < pl->first[t] ||
        (size_t)pl->last[t] >= p->n_blocks)
      return ss_error_set(err, NULL, "placement",
                          "tier %zu: blocks %d-%d do not continue at block %d",
                          t, pl->first[t], pl->last[t], pos);
    pos = pl->last[t] + 1;
  }
  if ((size_t)pos != p->n_blocks)
    return ss_error_set(err, NULL, "placement", "blocks %d-%zu are not placed",
                        pos, p->n_blocks - 1);
  return 0;
}

int solver_evaluate(const solver_problem *p, const solver_placement *pl,
                    solver_objective obj, solver_result *out, ss_error *err) {
  solver_prep sp;
  double *avail = NULL;
  int rc = -1;
  if (solver_validate(p, err) < 0 || placement_ok(p, pl, err) < 0)
    return -1;
  if (solver_prep_init(&sp, p, err) < 0)
    return -1;
  avail = malloc(sp.n_total * sizeof *avail);
  if (!avail) {
    ss_error_oom(err, NULL, NULL);
    goto fail;
  }
  for (size_t t = 0; t < p->n_tiers; t++)
    for (size_t s = 0; s < p->tiers[t].n_systems; s++)
      avail[sp.base[t] + s] = p->tiers[t].systems[s].availability;
  if (solver_eval_with(&sp, avail, p->links, pl, obj, out) < 0) {
    ss_error_set(err, NULL, "placement",
                 "the placement uses a system that is down or a missing "
                 "link");
    goto fail;
  }
  rc = 0;
fail:
  free(avail);
  solver_prep_free(&sp);
  return rc;
}

int solver_satisfies(const solver_problem *p, const solver_constraints *c,
                     const solver_result *r) {
  if (!c)
    return 1;
  const solver_placement *pl = &r->p;
  double comp_sum = 0;
  for (size_t t = 0; t < p->n_tiers; t++)
    comp_sum += r->compute_s[t];
  for (size_t t = 0; t < p->n_tiers; t++) {
    const solver_criteria *cr = &c->criteria[t];
    int used = pl->sys[t] >= 0 && pl->first[t] >= 0;
    size_t n = used ? (size_t)(pl->last[t] - pl->first[t] + 1) : 0;
    size_t min = c->min_blocks[t];
    if (t == 0 && c->privacy && min < 1)
      min = 1;
    if (n < min || n > c->max_blocks[t])
      return 0;
    if (used &&
        !solver_criteria_allow_system(cr, p->tiers[t].systems[pl->sys[t]].name))
      return 0;
    if (!used && (cr->n_system_include || cr->n_system_exclude))
      return 0;
    if (!layers_ok(p, cr, used ? pl->first[t] : -1, used ? pl->last[t] : -1))
      return 0;
    if (!(r->upload_bytes[t] <= c->max_upload_bytes[t]))
      return 0;
    if (!(r->compute_s[t] <= c->max_time_s[t]))
      return 0;
    if (c->max_time_pct[t] != INFINITY &&
        !((r->compute_s[t] / comp_sum) * 100 <= c->max_time_pct[t]))
      return 0;
  }
  return 1;
}

/* ---- static checks on a whole placement (used by the sweep) ------------- */

int solver_static_ok(const solver_rcons *rc, const solver_prep *sp,
                     const solver_placement *pl) {
  const solver_problem *p = sp->p;
  for (size_t t = 0; t < p->n_tiers; t++) {
    int used = pl->sys[t] >= 0 && pl->first[t] >= 0;
    size_t g = pl->sys[t] >= 0 ? sp->base[t] + (size_t)pl->sys[t] : 0;
    if (!solver_range_ok(rc, sp, t, g, used ? pl->first[t] : -1,
                         used ? pl->last[t] : -1))
      return 0;
  }
  if (!rc->has_upload)
    return 1;
  /* Without quirks the upload of a tier is the output of its last block
   * (the input when tier 0 runs nothing), sent only when a later tier runs. */
  int pos = pl->first[0] >= 0 ? pl->last[0] + 1 : 0;
  size_t prev = 0;
  for (size_t t = 1; t < p->n_tiers; t++) {
    if (pl->sys[t] < 0)
      continue;
    double bytes = pos == 0 ? p->input_bytes : p->output_bytes[pos - 1];
    if (!(bytes <= rc->max_upload[prev]))
      return 0;
    prev = t;
    pos = pl->last[t] + 1;
  }
  return 1;
}

/* ---- the search --------------------------------------------------------- */

typedef struct cand {
  double cost; /* from prefix sums */
  solver_placement pl;
} cand;

typedef struct search {
  const solver_prep *sp;
  const solver_rcons *rc;
  const solver_problem *p;
  double *avail;  /* per global system */
  double *lat_s;  /* n_total^2 link latencies */
  double *inv_bw; /* n_total^2 1/bandwidth; 0 where there is no link */
  unsigned char *link_ok;
  solver_objective obj;
  size_t k;
  int can_use_later[SOLVER_MAX_TIERS]; /* a tier after t could run blocks */
  int unused_ok[SOLVER_MAX_TIERS];     /* tier may run nothing (all checks) */
  /* tiers t..k-1 may all run nothing (index k: always) */
  int rest_unused_ok[SOLVER_MAX_TIERS + 1];
  solver_placement pl;
  size_t gsys[SOLVER_MAX_TIERS];
  double comp[SOLVER_MAX_TIERS]; /* prefix-sum compute seconds per tier */
  uint64_t seq;                  /* placements visited */
  double *pair_phi; /* fast path: a table per (tier k-2, tier k-1) pair */
  double *heap;     /* max-heap of the k best costs so far */
  size_t heap_n;
  cand *cands; /* every placement within the margin of the k-th cost */
  size_t n_cands, cap_cands;
  double margin_abs;
  solver_stats st;
  int oom;
} search;

static double margin_of(const search *s, double cost) {
  return s->margin_abs + 16 * DBL_EPSILON * fabs(cost);
}

static void heap_push(double *h, size_t *n, double v) {
  size_t i = (*n)++;
  h[i] = v;
  while (i > 0) {
    size_t up = (i - 1) / 2;
    if (h[up] >= h[i])
      break;
    double tmp = h[up];
    h[up] = h[i];
    h[i] = tmp;
    i = up;
  }
}

static void heap_replace_top(double *h, size_t n, double v) {
  size_t i = 0;
  h[0] = v;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, big = i;
    if (l < n && h[l] > h[big])
      big = l;
    if (r < n && h[r] > h[big])
      big = r;
    if (big == i)
      break;
    double tmp = h[big];
    h[big] = h[i];
    h[i] = tmp;
    i = big;
  }
}

/* Drop candidates that can no longer reach the top k. */
static void compact(search *s) {
  if (s->heap_n < s->k)
    return;
  double lim = s->heap[0] + margin_of(s, s->heap[0]);
  size_t j = 0;
  for (size_t i = 0; i < s->n_cands; i++)
    if (s->cands[i].cost <= lim)
      s->cands[j++] = s->cands[i];
  s->n_cands = j;
}

static void offer(search *s, double cost) {
  if (s->heap_n == s->k && cost > s->heap[0] + margin_of(s, s->heap[0]))
    return;
  if (s->n_cands == s->cap_cands) {
    compact(s);
    void *cands = s->cands;
    if (s->n_cands * 2 > s->cap_cands &&
        ss_grow(&cands, &s->cap_cands, 2 * s->cap_cands, sizeof *s->cands,
                16) != 0) {
      s->oom = 1;
      return;
    }
    s->cands = cands;
  }
  cand *c = &s->cands[s->n_cands++];
  c->cost = cost;
  c->pl = s->pl;
  if (s->heap_n < s->k)
    heap_push(s->heap, &s->heap_n, cost);
  else if (cost < s->heap[0])
    heap_replace_top(s->heap, s->heap_n, cost);
}

/* Exact compute seconds of tier t of the current placement. */
static double exact_time(const search *s, size_t t) {
  const solver_placement *pl = &s->pl;
  if (pl->sys[t] < 0 || pl->first[t] < 0)
    return 0;
  return sum_range(s->p->tiers[t].systems[pl->sys[t]].time_s, pl->first[t],
                   pl->last[t]) /
         s->avail[s->gsys[t]];
}

/* Absolute time limit of tier t, decided exactly: the prefix-sum value
 * decides unless it lies within the error bound of the limit. */
static int time_ok(search *s, size_t t, double approx) {
  double lim = s->rc->max_time[t], ms = s->sp->margin_s;
  if (lim == INFINITY || approx < lim - ms)
    return 1;
  if (approx > lim + ms)
    return 0;
  s->st.rechecked++;
  return exact_time(s, t) <= lim;
}

/* Percentage limits, decided exactly the same way. */
static int pct_ok(search *s, double comp_sum) {
  const solver_rcons *rc = s->rc;
  size_t K = s->p->n_tiers;
  double ms = s->sp->margin_s;
  int exact = comp_sum <= 4 * ms;
  for (size_t t = 0; t < K && !exact; t++) {
    double lim = rc->max_pct[t];
    if (lim == INFINITY)
      continue;
    double lhs = (s->comp[t] / comp_sum) * 100;
    double band = 200 * ms / (comp_sum - ms) + 8 * DBL_EPSILON * fabs(lim);
    if (fabs(lhs - lim) <= band)
      exact = 1;
    else if (lhs > lim)
      return 0;
  }
  if (!exact)
    return 1;
  double tx[SOLVER_MAX_TIERS], sum = 0;
  s->st.rechecked++;
  for (size_t t = 0; t < K; t++) {
    tx[t] = exact_time(s, t);
    sum += tx[t];
  }
  for (size_t t = 0; t < K; t++)
    if (rc->max_pct[t] != INFINITY && !((tx[t] / sum) * 100 <= rc->max_pct[t]))
      return 0;
  return 1;
}

/* Partial sums carried down the enumeration (prefix-sum values). */
typedef struct partial {
  double comp, hop, slow, bytes; /* compute s, hop s, slowest stage, bytes */
  double tx0_s;                  /* seconds sending out of tier 0 */
  size_t prev_g;                 /* global system of the last participant */
  int prev_t;                    /* its tier */
} partial;

/* Cost of a complete placement from its partial sums (+ the return hop);
 * 0 when it is infeasible. */
static int finish(search *s, const partial *a, double *cost) {
  const solver_problem *p = s->p;
  double latency = a->comp + a->hop, slow = a->slow, bytes = a->bytes;
  if (p->result_bytes > 0 && a->prev_t != 0) {
    size_t li = s->gsys[0] * s->sp->n_total + a->prev_g;
    if (!s->link_ok[li])
      return 0;
    double rs = s->lat_s[li] + p->result_bytes * s->inv_bw[li];
    latency += rs;
    bytes += p->result_bytes;
    slow = rs > slow ? rs : slow;
  }
  if (s->rc->has_pct && !pct_ok(s, a->comp))
    return 0;
  switch (s->obj) {
  case SOLVER_OBJ_THROUGHPUT:
    *cost = slow;
    break;
  case SOLVER_OBJ_BYTES:
    *cost = bytes;
    break;
  case SOLVER_OBJ_DEVICE_ENERGY: {
    const solver_system *dev = &p->tiers[0].systems[s->pl.sys[0]];
    *cost = dev->compute_power_w * s->comp[0] + dev->radio_power_w * a->tx0_s;
    break;
  }
  case SOLVER_OBJ_LATENCY:
  default:
    *cost = latency;
    break;
  }
  return 1;
}

/* Scission's zero-time rules moved bytes: redo the hops of the current
 * placement with the rules' byte counts. */
static int quirk_hops(search *s, double d_out, double e_out, partial *a) {
  const solver_placement *pl = &s->pl;
  size_t n = s->sp->n_total;
  a->hop = a->bytes = a->tx0_s = 0;
  a->slow = 0;
  for (size_t t = 0; t < 3; t++)
    if (s->comp[t] > a->slow)
      a->slow = s->comp[t];
  size_t prev = 0;
  for (size_t t = 1; t < 3; t++) {
    if (pl->sys[t] < 0)
      continue;
    double bytes = prev == 0 ? d_out : e_out;
    size_t li = s->gsys[prev] * n + s->gsys[t];
    double tx = bytes * s->inv_bw[li], hs = s->lat_s[li] + tx;
    if (prev == 0)
      a->tx0_s = tx;
    a->hop += hs;
    a->bytes += bytes;
    a->slow = hs > a->slow ? hs : a->slow;
    prev = t;
  }
  return 1;
}

/* A complete placement: Scission's rules if asked, limits, cost, offer. */
static void leaf(search *s, const partial *a) {
  const solver_problem *p = s->p;
  const solver_placement *pl = &s->pl;
  partial moved;
  double cost;
  s->seq++;
  if (p->scission_quirks) {
    /* Zero compute decided from counts of non-zero blocks: exact. */
    const solver_prep *sp = s->sp;
    int ez = 1, cz = 1;
    if (pl->sys[1] >= 0) {
      const uint32_t *nz = solver_prep_nonzero(sp, s->gsys[1]);
      ez = nz[pl->last[1] + 1] == nz[pl->first[1]];
    }
    if (pl->sys[2] >= 0) {
      const uint32_t *nz = solver_prep_nonzero(sp, s->gsys[2]);
      cz = nz[pl->last[2] + 1] == nz[pl->first[2]];
    }
    double d_out =
        pl->first[0] >= 0 ? p->output_bytes[pl->last[0]] : p->input_bytes;
    double e_out = pl->sys[1] >= 0 ? p->output_bytes[pl->last[1]] : 0;
    if (ez && cz)
      d_out = 0;
    else if (cz)
      e_out = 0;
    if (!(d_out <= s->rc->max_upload[0]) || !(e_out <= s->rc->max_upload[1]))
      return;
    if ((ez && cz) || (cz && pl->sys[2] >= 0)) { /* bytes moved: redo hops */
      moved = *a;
      quirk_hops(s, d_out, e_out, &moved);
      a = &moved;
    }
  }
  if (!finish(s, a, &cost))
    return;
  s->st.feasible++;
  offer(s, cost);
}

/* The last tier t when blocks pos..B-1 (pos < B) remain: it runs them all
 * on one of its systems (only `only` when >= 0). */
static void last_tier(search *s, size_t t, int pos, const partial *a,
                      int only) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  const solver_rcons *rc = s->rc;
  int B = (int)p->n_blocks;
  size_t nb = (size_t)(B - pos), n = sp->n_total;
  if (nb < rc->min_blocks[t] || nb > rc->max_blocks[t])
    return;
  double bytes = pos == 0 ? p->input_bytes : p->output_bytes[pos - 1];
  if (!p->scission_quirks && !(bytes <= rc->max_upload[a->prev_t]))
    return;
  s->pl.first[t] = pos;
  s->pl.last[t] = B - 1;
  size_t s_lo = only >= 0 ? (size_t)only : 0;
  size_t s_hi = only >= 0 ? (size_t)only + 1 : p->tiers[t].n_systems;
  for (size_t si = s_lo; si < s_hi; si++) {
    size_t g = sp->base[t] + si, li = a->prev_g * n + g;
    if (!rc->sys_ok[g] || s->avail[g] <= 0 || !s->link_ok[li])
      continue;
    if (rc->has_layers[t] && !solver_range_ok(rc, sp, t, g, pos, B - 1))
      continue;
    const double *q = solver_prep_prefix(sp, g);
    double c = (q[B] - q[pos]) * sp->inv_avail[g];
    s->pl.sys[t] = (int)si;
    s->gsys[t] = g;
    s->comp[t] = c;
    if (rc->max_time[t] != INFINITY && !time_ok(s, t, c))
      continue;
    double tx = bytes * s->inv_bw[li], hs = s->lat_s[li] + tx;
    double slow = hs > a->slow ? hs : a->slow;
    partial d = {a->comp + c,
                 a->hop + hs,
                 c > slow ? c : slow,
                 a->bytes + bytes,
                 a->prev_t == 0 ? tx : a->tx0_s,
                 g,
                 (int)t};
    leaf(s, &d);
  }
  s->pl.sys[t] = -1;
}

/* Latency fast path for tier t = k-2 on global system g, blocks
 * pos..e for e in [lo, hi] (hi < B-1), the last tier running the rest: the
 * latency separates as base + phi[e + 1] with one table per system pair
 * (see solver_sweep.c). Placements above the current k-th cost are counted
 * and skipped in a tight loop; the others, and those where Scission's
 * zero-time rules may move bytes, take the full path. */
static void fast_pairs(search *s, size_t t, int pos, int lo, int hi, size_t si,
                       const partial *b) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  const solver_rcons *rc = s->rc;
  size_t u = t + 1, n = sp->n_total, g = sp->base[t] + si;
  int B = (int)p->n_blocks;
  const double *q = solver_prep_prefix(sp, g);
  double ia = sp->inv_avail[g];
  /* e in [zlo, zhi] may meet Scission's zero-time rules: full path. */
  int zlo = hi + 1, zhi = hi;
  if (p->scission_quirks) {
    const uint32_t *nz = solver_prep_nonzero(sp, g);
    int e0 = pos; /* edge range pos..e all zero for e < first non-zero */
    while (e0 <= hi && nz[e0 + 1] == nz[pos])
      e0++;
    if (e0 > lo) {
      zlo = lo;
      zhi = e0 - 1;
    }
  }
  for (size_t sj = 0; sj < p->tiers[u].n_systems; sj++) {
    size_t gu = sp->base[u] + sj, li = g * n + gu;
    if (!rc->sys_ok[gu] || s->avail[gu] <= 0 || !s->link_ok[li])
      continue;
    const double *phi =
        s->pair_phi + (si * p->tiers[u].n_systems + sj) * (size_t)(B + 1);
    const double *qu = solver_prep_prefix(sp, gu);
    double base = b->comp + b->hop - ia * q[pos] + s->lat_s[li] +
                  qu[B] * sp->inv_avail[gu];
    /* Scission: a cloud range of zero time also moves bytes. */
    int cut = hi;
    if (p->scission_quirks) {
      const uint32_t *nz = solver_prep_nonzero(sp, gu);
      while (cut >= lo && nz[B] == nz[cut + 1])
        cut--;
    }
    for (int e = lo; e <= hi; e++) {
      int slow = e > cut || (e >= zlo && e <= zhi);
      if (!slow && s->heap_n == s->k) {
        double v = base + phi[e + 1];
        double thr = s->heap[0] + 2 * margin_of(s, s->heap[0]);
        if (v > thr) {
          s->seq++;
          continue;
        }
      }
      /* Full path for this one placement. */
      if (rc->has_layers[t] && !solver_range_ok(rc, sp, t, g, pos, e)) {
        s->seq++;
        continue;
      }
      double c = (q[e + 1] - q[pos]) * ia;
      s->pl.sys[t] = (int)si;
      s->pl.first[t] = pos;
      s->pl.last[t] = e;
      s->gsys[t] = g;
      s->comp[t] = c;
      if (rc->max_time[t] != INFINITY && !time_ok(s, t, c)) {
        s->seq++;
        continue;
      }
      partial d = *b;
      d.comp += c;
      d.slow = c > d.slow ? c : d.slow;
      uint64_t before = s->seq;
      last_tier(s, u, e + 1, &d, (int)sj);
      if (s->seq == before)
        s->seq++; /* ruled out before reaching a leaf: still visited */
    }
  }
}

/* Tiers t..k-1 given that blocks pos.. remain. Enumeration order: unused
 * first, then system index, then last block ascending. */
static void rec(search *s, size_t t, int pos, const partial *a);

/* Tier t's choice in rec: blocks pos..lo-hi on system si (global g). */
typedef struct tier_choice {
  size_t t, si, g;
  int pos, lo, hi;
  int limited;     /* tier t has a compute time limit */
  const double *q; /* g's prefix sums of block times */
  double ia;       /* 1 / g's availability */
} tier_choice;

/* Everything placed at tier t: the later tiers stay unused. */
static void leaf_rest_unused(search *s, size_t t, const partial *d) {
  const solver_problem *p = s->p;
  if (!s->rest_unused_ok[t + 1])
    return;
  for (size_t u = t + 1; u < p->n_tiers; u++) {
    s->pl.sys[u] = s->pl.first[u] = s->pl.last[u] = -1;
    s->comp[u] = 0;
  }
  leaf(s, d);
}

/* Tier t ends at each block e of e_lo..c->hi; then the later tiers. */
static void rec_ends(search *s, const tier_choice *c, int e_lo,
                     const partial *b) {
  const solver_problem *p = s->p;
  const solver_rcons *rc = s->rc;
  size_t t = c->t;
  int B = (int)p->n_blocks, pos = c->pos;
  for (int e = e_lo; e <= c->hi; e++) {
    if (rc->has_layers[t] && !solver_range_ok(rc, s->sp, t, c->g, pos, e))
      continue;
    double comp = (c->q[e + 1] - c->q[pos]) * c->ia;
    s->pl.last[t] = e;
    s->comp[t] = comp;
    if (c->limited && !time_ok(s, t, comp))
      continue;
    partial d = *b;
    d.comp += comp;
    d.slow = comp > d.slow ? comp : d.slow;
    if (e + 1 == B)
      leaf_rest_unused(s, t, &d);
    else if (t + 2 == p->n_tiers)
      last_tier(s, t + 1, e + 1, &d, -1);
    else
      rec(s, t + 1, e + 1, &d);
  }
}

/* Tier t on system c->si, receiving bytes over the hop from a->prev_g. */
static void rec_system(search *s, tier_choice *c, double bytes,
                       const partial *a) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  size_t t = c->t, li = a->prev_g * sp->n_total + c->g;
  c->q = solver_prep_prefix(sp, c->g);
  c->ia = sp->inv_avail[c->g];
  double tx = bytes * s->inv_bw[li], hs = s->lat_s[li] + tx;
  partial b = *a;
  b.hop += hs;
  b.bytes += bytes;
  b.slow = hs > b.slow ? hs : b.slow;
  if (a->prev_t == 0)
    b.tx0_s = tx;
  b.prev_g = c->g;
  b.prev_t = (int)t;
  s->pl.sys[t] = (int)c->si;
  s->pl.first[t] = c->pos;
  s->gsys[t] = c->g;
  int e_lo = c->lo, B = (int)p->n_blocks;
  if (s->pair_phi && t + 2 == p->n_tiers) {
    /* Ends before the last block: the last tier runs the rest. */
    int fhi = c->hi < B - 2 ? c->hi : B - 2;
    if (c->lo <= fhi)
      fast_pairs(s, t, c->pos, c->lo, fhi, c->si, &b);
    s->pl.sys[t] = (int)c->si;
    s->pl.first[t] = c->pos;
    s->gsys[t] = c->g;
    e_lo = fhi + 1 > c->lo ? fhi + 1 : c->lo;
  }
  rec_ends(s, c, e_lo, &b);
}

/* The depth-first search over tiers t.. from block pos. This is the hot
 * path of solver_best/solver_top_k: split into rec_system, rec_ends and
 * leaf_rest_unused, which GCC inlines back into rec (bench_solver, medians
 * of 12 runs: 10.0 vs 10.2 us per query, 0.540 vs 0.539 ms per
 * solver_best point; no slowdown). */
static void rec(search *s, size_t t, int pos, const partial *a) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  const solver_rcons *rc = s->rc;
  int B = (int)p->n_blocks;
  if (t == p->n_tiers) {
    if (pos == B)
      leaf(s, a);
    return;
  }
  if (s->unused_ok[t] && (pos == B || s->can_use_later[t])) {
    s->pl.sys[t] = -1;
    s->pl.first[t] = -1;
    s->pl.last[t] = -1;
    s->comp[t] = 0;
    rec(s, t + 1, pos, a);
  }
  if (pos == B)
    return;
  size_t n = sp->n_total;
  size_t min_n = rc->min_blocks[t] > 1 ? rc->min_blocks[t] : 1;
  if (min_n > (size_t)(B - pos) || rc->max_blocks[t] == 0)
    return;
  tier_choice c;
  c.t = t;
  c.pos = pos;
  c.lo = pos + (int)min_n - 1;
  c.hi = B - 1;
  if (rc->max_blocks[t] < (size_t)(B - pos))
    c.hi = pos + (int)rc->max_blocks[t] - 1;
  if (!s->can_use_later[t])
    c.lo = B - 1;
  c.limited = rc->max_time[t] != INFINITY;
  double bytes = pos == 0 ? p->input_bytes : p->output_bytes[pos - 1];
  /* Without Scission's rules the bytes into this tier are final: an upload
   * limit on the sender rules the whole tier choice out at once. */
  if (!p->scission_quirks && !(bytes <= rc->max_upload[a->prev_t]))
    return;
  for (size_t si = 0; si < p->tiers[t].n_systems; si++) {
    size_t g = sp->base[t] + si;
    if (!rc->sys_ok[g] || s->avail[g] <= 0 || !s->link_ok[a->prev_g * n + g])
      continue;
    c.si = si;
    c.g = g;
    rec_system(s, &c, bytes, a);
  }
  s->pl.sys[t] = -1;
}

static void run(search *s) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  const solver_rcons *rc = s->rc;
  size_t B = p->n_blocks;
  size_t lo = rc->min_blocks[0];
  size_t hi = rc->max_blocks[0] < B ? rc->max_blocks[0] : B;
  if (!s->can_use_later[0] && lo < B)
    lo = B;
  for (size_t si = 0; si < p->tiers[0].n_systems; si++) {
    size_t g = sp->base[0] + si;
    if (s->avail[g] <= 0)
      continue;
    const double *q = solver_prep_prefix(sp, g);
    s->pl.sys[0] = (int)si;
    s->gsys[0] = g;
    for (size_t m0 = lo; m0 <= hi; m0++) {
      int first = m0 ? 0 : -1, last = (int)m0 - 1;
      if (!solver_range_ok(rc, sp, 0, g, first, last))
        continue;
      s->pl.first[0] = first;
      s->pl.last[0] = m0 ? last : -1;
      s->comp[0] = q[m0] * sp->inv_avail[g];
      if (m0 && !time_ok(s, 0, s->comp[0]))
        continue;
      partial a = {s->comp[0], 0, s->comp[0], 0, 0, g, 0};
      rec(s, 1, (int)m0, &a);
      if (s->oom)
        return;
    }
  }
}

typedef struct finalist {
  double key, latency;
  const solver_placement *pl;
  size_t n_tiers;
  size_t idx;
} finalist;

/* Enumeration order (see solver_top_k): tier-0 system, blocks on tier 0,
 * then per later tier unused first, system, last block. */
static int cmp_placement(const solver_placement *a, const solver_placement *b,
                         size_t n_tiers) {
  if (a->sys[0] != b->sys[0])
    return a->sys[0] < b->sys[0] ? -1 : 1;
  if (a->last[0] != b->last[0])
    return a->last[0] < b->last[0] ? -1 : 1; /* -1 when it runs nothing */
  for (size_t t = 1; t < n_tiers; t++) {
    int ua = a->sys[t] >= 0, ub = b->sys[t] >= 0;
    if (ua != ub)
      return ua < ub ? -1 : 1;
    if (!ua)
      continue;
    if (a->sys[t] != b->sys[t])
      return a->sys[t] < b->sys[t] ? -1 : 1;
    if (a->last[t] != b->last[t])
      return a->last[t] < b->last[t] ? -1 : 1;
  }
  return 0;
}

static int cmp_finalist(const void *a, const void *b) {
  const finalist *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  if (x->latency != y->latency)
    return x->latency < y->latency ? -1 : 1;
  return cmp_placement(x->pl, y->pl, x->n_tiers);
}

static void search_free(search *s) {
  free(s->avail);
  free(s->lat_s);
  free(s->inv_bw);
  free(s->link_ok);
  free(s->heap);
  free(s->cands);
  free(s->pair_phi);
}

/* Availability per global system; latency, 1/bandwidth and usability per
 * system pair. */
static void search_links(search *s) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  size_t n = sp->n_total;
  for (size_t t = 0; t < p->n_tiers; t++)
    for (size_t si = 0; si < p->tiers[t].n_systems; si++)
      s->avail[sp->base[t] + si] = p->tiers[t].systems[si].availability;
  for (size_t i = 0; i < n * n; i++) {
    const solver_link *l = p->links ? &p->links[i] : NULL;
    s->link_ok[i] = l && solver_link_usable(l);
    s->lat_s[i] = s->link_ok[i] ? l->latency_s : 0;
    s->inv_bw[i] = s->link_ok[i] ? 1.0 / l->bandwidth_bytes_per_s : 0;
  }
}

/* Which tiers may run nothing, alone or with all after them, and which
 * have a later tier that could run blocks. */
static void search_tier_flags(search *s) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  const solver_rcons *rc = s->rc;
  s->rest_unused_ok[p->n_tiers] = 1;
  for (size_t t = p->n_tiers; t-- > 0;)
    s->rest_unused_ok[t] =
        s->rest_unused_ok[t + 1] && solver_range_ok(rc, sp, t, 0, -1, -1);
  for (size_t t = 0; t < p->n_tiers; t++) {
    s->unused_ok[t] = solver_range_ok(rc, sp, t, 0, -1, -1);
    s->can_use_later[t] = 0;
    for (size_t u = t + 1; u < p->n_tiers; u++)
      for (size_t si = 0; si < p->tiers[u].n_systems; si++)
        if (rc->sys_ok[sp->base[u] + si] && s->avail[sp->base[u] + si] > 0 &&
            rc->max_blocks[u] > 0)
          s->can_use_later[t] = 1;
  }
}

/* Latency fast path tables for (tier k-2, tier k-1) system pairs:
 * phi[b] = ia_s Q_s[b] - ia_u Q_u[b] + bytes(b) / bandwidth_su. */
static int build_pair_phi(search *s) {
  const solver_problem *p = s->p;
  const solver_prep *sp = s->sp;
  size_t n = sp->n_total;
  size_t t = p->n_tiers - 2, u = t + 1, B = p->n_blocks;
  size_t ns = p->tiers[t].n_systems, nu = p->tiers[u].n_systems;
  if (ns * nu == 0)
    return 0;
  s->pair_phi = malloc(ns * nu * (B + 1) * sizeof *s->pair_phi);
  if (!s->pair_phi)
    return -1;
  for (size_t si = 0; si < ns; si++)
    for (size_t sj = 0; sj < nu; sj++) {
      size_t ga = sp->base[t] + si, gb = sp->base[u] + sj;
      const double *qa = solver_prep_prefix(sp, ga);
      const double *qb = solver_prep_prefix(sp, gb);
      double ia = sp->inv_avail[ga], ib = sp->inv_avail[gb];
      double w = s->inv_bw[ga * n + gb];
      double *f = s->pair_phi + (si * nu + sj) * (B + 1);
      f[0] = INFINITY; /* never used: the tier runs >= 1 block */
      for (size_t b = 1; b <= B; b++)
        f[b] = ia * qa[b] - ib * qb[b] + w * p->output_bytes[b - 1];
    }
  return 0;
}

/* How far above the k-th best a candidate may be, in the objective's
 * unit. */
static double search_margin(const solver_prep *sp, solver_objective obj) {
  switch (obj) {
  case SOLVER_OBJ_BYTES:
    return 0;
  case SOLVER_OBJ_DEVICE_ENERGY:
    return sp->margin_s * sp->max_compute_power_w;
  default:
    return sp->margin_s;
  }
}

static int search_init(search *s, const solver_prep *sp, const solver_rcons *rc,
                       solver_objective obj, size_t k, ss_error *err) {
  const solver_problem *p = sp->p;
  size_t n = sp->n_total;
  memset(s, 0, sizeof *s);
  s->sp = sp;
  s->rc = rc;
  s->p = p;
  s->obj = obj;
  s->k = k;
  s->avail = malloc(n * sizeof *s->avail);
  s->lat_s = malloc(n * n * sizeof *s->lat_s);
  s->inv_bw = malloc(n * n * sizeof *s->inv_bw);
  s->link_ok = malloc(n * n);
  s->heap = malloc(k * sizeof *s->heap);
  s->cap_cands = 2 * k + 64;
  s->cands = malloc(s->cap_cands * sizeof *s->cands);
  if (!s->avail || !s->lat_s || !s->inv_bw || !s->link_ok || !s->heap ||
      !s->cands) {
    search_free(s);
    return ss_error_set(err, NULL, NULL, "out of memory (top %zu)", k);
  }
  search_links(s);
  search_tier_flags(s);
  if (obj == SOLVER_OBJ_LATENCY && p->n_tiers >= 3 && build_pair_phi(s) != 0) {
    search_free(s);
    return ss_error_oom(err, NULL, NULL);
  }
  s->margin_abs = search_margin(sp, obj);
  return 0;
}

/* Shared by solver_top_k and solver_best. */
static int top_k(const solver_problem *p, const solver_constraints *c,
                 solver_objective obj, size_t k, solver_result *out,
                 size_t *n_out, solver_stats *stats, ss_error *err) {
  solver_prep sp;
  solver_rcons rc;
  search s;
  finalist *fin = NULL;
  solver_result *res = NULL;
  int ret = -1;
  *n_out = 0;
  if (stats)
    memset(stats, 0, sizeof *stats);
  if (solver_validate(p, err) < 0)
    return -1;
  if ((size_t)obj >= solver_n_objectives)
    return ss_error_set(err, NULL, "objective", "unknown objective %d",
                        (int)obj);
  if (k == 0)
    return 0;
  uint64_t total = solver_count_placements(p);
  if (k > total)
    k = (size_t)total;
  if (solver_prep_init(&sp, p, err) < 0)
    return -1;
  if (solver_rcons_init(&rc, &sp, c, err) < 0) {
    solver_prep_free(&sp);
    return -1;
  }
  if (search_init(&s, &sp, &rc, obj, k, err) < 0)
    goto fail_prep;
  run(&s);
  if (s.oom) {
    ss_error_set(err, NULL, NULL, "out of memory keeping candidates");
    goto fail;
  }
  /* Finalists: everything within the error bound of the k-th cost, re-summed
   * exactly and ordered by the exact values. */
  compact(&s);
  fin = malloc((s.n_cands ? s.n_cands : 1) * sizeof *fin);
  res = malloc((s.n_cands ? s.n_cands : 1) * sizeof *res);
  if (!fin || !res) {
    ss_error_oom(err, NULL, NULL);
    goto fail;
  }
  size_t nf = 0;
  for (size_t i = 0; i < s.n_cands; i++) {
    solver_result *r = &res[nf];
    if (solver_eval_with(&sp, s.avail, p->links, &s.cands[i].pl, obj, r) < 0)
      continue;
    s.st.rechecked++;
    fin[nf].key = obj == SOLVER_OBJ_THROUGHPUT ? -r->throughput_per_s
                                               : solver_result_cost(r, obj);
    fin[nf].latency = r->latency_s;
    fin[nf].pl = &s.cands[i].pl;
    fin[nf].n_tiers = p->n_tiers;
    fin[nf].idx = nf;
    nf++;
  }
  qsort(fin, nf, sizeof *fin, cmp_finalist);
  for (size_t i = 0; i < nf && i < k; i++)
    out[(*n_out)++] = res[fin[i].idx];
  s.st.enumerated = s.seq;
  if (stats)
    *stats = s.st;
  ret = 0;
fail:
  free(fin);
  free(res);
  search_free(&s);
fail_prep:
  solver_rcons_free(&rc);
  solver_prep_free(&sp);
  return ret;
}

int solver_top_k(const solver_problem *p, const solver_constraints *c,
                 solver_objective obj, size_t k, solver_result *out,
                 size_t *n_out, solver_stats *stats, ss_error *err) {
  size_t dummy;
  if (!n_out)
    n_out = &dummy;
  if (k > 0 && !out)
    return ss_error_set(err, NULL, NULL, "no output array");
  return top_k(p, c, obj, k, out, n_out, stats, err);
}

int solver_best(const solver_problem *p, const solver_constraints *c,
                solver_objective obj, solver_result *out, solver_stats *stats,
                ss_error *err) {
  size_t n = 0;
  if (top_k(p, c, obj, 1, out, &n, stats, err) < 0)
    return -1;
  return n > 0;
}
