/* Sweep mode: every placement prepared once, re-evaluated cheaply at each
 * sweep point (see solver.h).
 *
 * Layout. Placements are grouped by their system choice (a "group": one
 * system for tier 0 and, for each later tier, a system or nothing). In a
 * group with m used tiers after tier 0 the participants 0..m run
 * [b_{j-1}, b_j) with b_{-1} = 0 and b_m = n_blocks, so a placement is given
 * by its boundaries b_0 <= ... < b_{m-1}. For the additive objectives the
 * value separates over the boundaries:
 *
 *   value = K + sum_{j<m} phi_j[b_j]
 *   phi_j[b] = ia_j Q_j[b] - ia_{j+1} Q_{j+1}[b] + ibw_{j+1} bytes(b)
 *   K = ia_m Q_m[B] + sum of hop latencies (+ the return hop)
 *
 * (Q = prefix times, ia = 1/availability, ibw = 1/bandwidth, bytes(b) = the
 * output of block b-1 or the input). A "row" fixes b_0..b_{m-2}; its
 * placements differ only in b_{m-1} and are stored as "segments", runs of
 * consecutive b_{m-1} that pass the static constraints. At a sweep point
 * each live group builds its phi tables (O(m * n_blocks)), each row its base
 * K + sum_{j<m-1} phi_j[b_j], and each placement costs one add and one min:
 * value = base + phi_{m-1}[b]. Throughput (1 / slowest stage) uses the same
 * rows with max instead of sum. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SW_HAVE_AVX2 1
#endif

#include "solver_internal.h"

#include "../common/ss_mem.h"

/* Entries of +infinity after each table, so kernels can run whole vectors
 * past the end of a row. A multiple of every kernel's step. */
#define SW_PAD 16

typedef struct sweep_group {
  int m;                         /* used tiers after tier 0 */
  int tier[SOLVER_MAX_TIERS];    /* participant j -> tier */
  size_t g[SOLVER_MAX_TIERS];    /* participant j -> global system */
  int sys[SOLVER_MAX_TIERS];     /* tier -> system index or -1 */
  size_t row_first, n_rows;      /* rows of this group */
  size_t seg_first, n_segs;      /* segments of this group */
  size_t b_off;                  /* row boundaries: m-1 per row */
  size_t pair[SOLVER_MAX_TIERS]; /* j -> pair (g[j], g[j+1]) */
} sweep_group;

typedef struct sweep_seg {
  size_t offset; /* index of the placement with b_{m-1} = lo */
  size_t row;
  int32_t lo, hi; /* b_{m-1} range, inclusive */
} sweep_seg;

struct solver_sweep {
  solver_prep sp;
  const solver_problem *p;
  solver_objective obj;
  size_t n_total, B;
  double *avail;      /* current availabilities, per global system */
  solver_link *links; /* current links, n_total^2 */
  double *bytes;      /* bytes(b), b = 0..B */
  sweep_group *groups;
  size_t n_groups, cap_groups;
  int32_t *row_b; /* row boundaries */
  size_t n_row_b, cap_row_b;
  size_t n_rows;
  sweep_seg *segs;
  size_t n_segs, cap_segs;
  size_t n_place;
  double *phi;   /* scratch: 2 tables of `stride` (throughput) */
  size_t stride; /* B real entries, then SW_PAD entries of +infinity */
  /* Sum objectives separate into one table per pair of consecutive
   * participants (ga, gb), shared by every group that has the pair. */
  int *pair_index; /* n_total^2: pair of (ga, gb) or -1 */
  size_t *pair_a, *pair_b;
  size_t n_pairs, cap_pairs, cap_pair_b;
  double *tab;              /* n_pairs tables, then a zero and a bytes table */
  const double **pair_tab;  /* per point: table of each pair */
  unsigned char *pair_live; /* per point: both systems up, link usable */
  int simd;                 /* SOLVER_SIMD_* in use */
  int oom;
};

/* ---- prepare ------------------------------------------------------------ */

/* Placement of group gr with boundaries b[0..m-1]. */
static void group_placement(const solver_sweep *sw, const sweep_group *gr,
                            const int32_t *b, solver_placement *pl) {
  for (size_t t = 0; t < SOLVER_MAX_TIERS; t++) {
    pl->sys[t] = t < sw->p->n_tiers ? gr->sys[t] : -1;
    pl->first[t] = -1;
    pl->last[t] = -1;
  }
  int B = (int)sw->B;
  int b0 = gr->m == 0 ? B : b[0];
  if (b0 > 0) {
    pl->first[0] = 0;
    pl->last[0] = b0 - 1;
  }
  for (int j = 1; j <= gr->m; j++) {
    int t = gr->tier[j];
    pl->first[t] = b[j - 1];
    pl->last[t] = (j == gr->m ? B : b[j]) - 1;
  }
}

/* Add the row with prefix boundaries b[0..m-2] and its segments. */
static void add_row(solver_sweep *sw, const solver_rcons *rc, sweep_group *gr,
                    int32_t *b) {
  int m = gr->m, B = (int)sw->B;
  int lo = m == 1 ? 0 : b[m - 2] + 1;
  size_t row = sw->n_rows;
  int open = 0;
  solver_placement pl;
  for (int e = lo; e <= B - 1; e++) {
    b[m - 1] = e;
    group_placement(sw, gr, b, &pl);
    int ok = solver_static_ok(rc, &sw->sp, &pl);
    if (ok && !open) {
      if (ss_grow((void **)&sw->segs, &sw->cap_segs, sw->n_segs + 1,
                  sizeof *sw->segs, 64) < 0) {
        sw->oom = 1;
        return;
      }
      sweep_seg *s = &sw->segs[sw->n_segs++];
      s->offset = sw->n_place;
      s->row = row;
      s->lo = e;
      s->hi = e;
      gr->n_segs++;
      open = 1;
    } else if (ok) {
      sw->segs[sw->n_segs - 1].hi = e;
    } else {
      open = 0;
    }
    if (ok)
      sw->n_place++;
  }
  if (sw->n_segs == 0 || sw->segs[sw->n_segs - 1].row != row)
    return; /* nothing kept: no row */
  if (ss_grow((void **)&sw->row_b, &sw->cap_row_b, sw->n_row_b + (size_t)m,
              sizeof *sw->row_b, 64) < 0) {
    sw->oom = 1;
    return;
  }
  for (int j = 0; j < m - 1; j++)
    sw->row_b[sw->n_row_b++] = b[j];
  sw->n_rows++;
  gr->n_rows++;
}

/* Rows of a group: every b_0 < b_1 < ... < b_{m-2}, recursively. */
static void add_rows(solver_sweep *sw, const solver_rcons *rc, sweep_group *gr,
                     int32_t *b, int j) {
  int m = gr->m, B = (int)sw->B;
  if (j == m - 1) {
    add_row(sw, rc, gr, b);
    return;
  }
  int lo = j == 0 ? 0 : b[j - 1] + 1;
  for (int v = lo; v <= B - (m - j) && !sw->oom; v++) {
    b[j] = v;
    add_rows(sw, rc, gr, b, j + 1);
  }
}

static void add_group(solver_sweep *sw, const solver_rcons *rc,
                      const int *sys) {
  const solver_problem *p = sw->p;
  sweep_group gr;
  memset(&gr, 0, sizeof gr);
  gr.tier[0] = 0;
  gr.g[0] = sw->sp.base[0] + (size_t)sys[0];
  for (size_t t = 0; t < p->n_tiers; t++) {
    gr.sys[t] = sys[t];
    if (t > 0 && sys[t] >= 0) {
      gr.m++;
      gr.tier[gr.m] = (int)t;
      gr.g[gr.m] = sw->sp.base[t] + (size_t)sys[t];
      if (!rc->sys_ok[gr.g[gr.m]])
        return; /* system criteria exclude the group */
    }
  }
  if ((size_t)gr.m > sw->B)
    return;
  for (int j = 0; j < gr.m; j++) {
    size_t key = gr.g[j] * sw->n_total + gr.g[j + 1];
    if (sw->pair_index[key] < 0) {
      void *pa = sw->pair_a, *pb = sw->pair_b;
      int grown = ss_grow(&pa, &sw->cap_pairs, sw->n_pairs + 1,
                          sizeof *sw->pair_a, 64) == 0 &&
                  ss_grow(&pb, &sw->cap_pair_b, sw->n_pairs + 1,
                          sizeof *sw->pair_b, 64) == 0;
      sw->pair_a = pa;
      sw->pair_b = pb;
      if (!grown) {
        sw->oom = 1;
        return;
      }
      sw->pair_a[sw->n_pairs] = gr.g[j];
      sw->pair_b[sw->n_pairs] = gr.g[j + 1];
      sw->pair_index[key] = (int)sw->n_pairs++;
    }
    gr.pair[j] = (size_t)sw->pair_index[key];
  }
  gr.row_first = sw->n_rows;
  gr.seg_first = sw->n_segs;
  gr.b_off = sw->n_row_b;
  if (gr.m == 0) {
    /* Tier 0 runs everything: one placement, one row, one segment. */
    solver_placement pl;
    group_placement(sw, &gr, NULL, &pl);
    if (!solver_static_ok(rc, &sw->sp, &pl))
      return;
    if (ss_grow((void **)&sw->segs, &sw->cap_segs, sw->n_segs + 1,
                sizeof *sw->segs, 64) < 0) {
      sw->oom = 1;
      return;
    }
    sweep_seg *s = &sw->segs[sw->n_segs++];
    s->offset = sw->n_place++;
    s->row = sw->n_rows++;
    s->lo = s->hi = 0;
    gr.n_rows = gr.n_segs = 1;
  } else {
    int32_t b[SOLVER_MAX_TIERS];
    add_rows(sw, rc, &gr, b, 0);
  }
  if (gr.n_segs == 0 || sw->oom)
    return;
  if (ss_grow((void **)&sw->groups, &sw->cap_groups, sw->n_groups + 1,
              sizeof *sw->groups, 64) < 0) {
    sw->oom = 1;
    return;
  }
  sw->groups[sw->n_groups++] = gr;
}

/* Groups in order: tier-0 system, then per later tier unused first, then
 * system index. */
static void add_groups(solver_sweep *sw, const solver_rcons *rc, int *sys,
                       size_t t) {
  if (sw->oom)
    return;
  if (t == sw->p->n_tiers) {
    add_group(sw, rc, sys);
    return;
  }
  if (t > 0) {
    sys[t] = -1;
    add_groups(sw, rc, sys, t + 1);
  }
  for (size_t s = 0; s < sw->p->tiers[t].n_systems; s++) {
    sys[t] = (int)s;
    add_groups(sw, rc, sys, t + 1);
  }
}

void solver_sweep_free(solver_sweep *sw) {
  if (!sw)
    return;
  solver_prep_free(&sw->sp);
  free(sw->avail);
  free(sw->links);
  free(sw->bytes);
  free(sw->groups);
  free(sw->row_b);
  free(sw->segs);
  free(sw->phi);
  free(sw->pair_index);
  free(sw->pair_a);
  free(sw->pair_b);
  free(sw->tab);
  free(sw->pair_tab);
  free(sw->pair_live);
  free(sw);
}

/* What sweeps do not support, refused before any work. */
static int sweep_check(const solver_problem *p, solver_objective obj,
                       ss_error *err) {
  if (solver_validate(p, err) < 0)
    return -1;
  if ((size_t)obj >= solver_n_objectives)
    return ss_error_set(err, NULL, "objective", "unknown objective %d",
                        (int)obj);
  if (p->scission_quirks)
    return ss_error_set(err, NULL, "scission_quirks",
                        "sweeps do not support Scission's zero-time rules; "
                        "use solver_top_k");
  if (solver_count_placements(p) > ((uint64_t)1 << 32))
    return ss_error_set(err, NULL, NULL,
                        "%llu placements is too many for a sweep (limit 2^32)",
                        (unsigned long long)solver_count_placements(p));
  return 0;
}

/* Availability, links and boundary bytes at the problem's values. */
static int sweep_values(solver_sweep *sw, ss_error *err) {
  const solver_problem *p = sw->p;
  size_t n = sw->n_total;
  sw->avail = malloc(n * sizeof *sw->avail);
  sw->links = malloc((n > 0 ? n * n : 1) * sizeof *sw->links);
  sw->bytes = malloc((sw->B + 1) * sizeof *sw->bytes);
  sw->stride = sw->B + SW_PAD;
  sw->phi = malloc(2 * sw->stride * sizeof *sw->phi);
  sw->pair_index = malloc((n > 0 ? n * n : 1) * sizeof *sw->pair_index);
  if (!sw->avail || !sw->links || !sw->bytes || !sw->phi || !sw->pair_index)
    return ss_error_oom(err, NULL, NULL);
  for (size_t t = 0; t < p->n_tiers; t++)
    for (size_t s = 0; s < p->tiers[t].n_systems; s++)
      sw->avail[sw->sp.base[t] + s] = p->tiers[t].systems[s].availability;
  for (size_t i = 0; i < n * n; i++) {
    if (p->links) {
      sw->links[i] = p->links[i];
    } else {
      sw->links[i].latency_s = 0;
      sw->links[i].bandwidth_bytes_per_s = 0;
    }
  }
  sw->bytes[0] = p->input_bytes;
  for (size_t b = 1; b <= sw->B; b++)
    sw->bytes[b] = p->output_bytes[b - 1];
  for (size_t i = 0; i < n * n; i++)
    sw->pair_index[i] = -1;
  return 0;
}

/* The groups of placements and their tables: one per system pair, then
 * the two fixed ones (zeros and bytes(b), padded with +infinity). */
static int sweep_groups(solver_sweep *sw, const solver_rcons *rc,
                        ss_error *err) {
  int sys[SOLVER_MAX_TIERS];
  add_groups(sw, rc, sys, 0);
  size_t np = sw->n_pairs, W = sw->stride;
  if (!sw->oom) {
    sw->tab = malloc((np + 2) * W * sizeof *sw->tab);
    sw->pair_tab = malloc((np ? np : 1) * sizeof *sw->pair_tab);
    sw->pair_live = malloc(np ? np : 1);
    sw->oom = !sw->tab || !sw->pair_tab || !sw->pair_live;
  }
  if (sw->oom)
    return ss_error_set(err, NULL, NULL, "out of memory preparing the sweep");
  double *zero = sw->tab + np * W, *bt = zero + W;
  for (size_t b = 0; b < W; b++) {
    zero[b] = b < sw->B ? 0 : INFINITY;
    bt[b] = b < sw->B ? sw->bytes[b] : INFINITY;
  }
  return 0;
}

int solver_sweep_prepare(const solver_problem *p, const solver_constraints *c,
                         solver_objective obj, solver_sweep **out,
                         ss_error *err) {
  solver_sweep *sw = NULL;
  solver_rcons rc;
  int have_rc = 0;
  *out = NULL;
  if (sweep_check(p, obj, err) != 0)
    return -1;
  sw = calloc(1, sizeof *sw);
  if (!sw)
    return ss_error_oom(err, NULL, NULL);
  if (solver_prep_init(&sw->sp, p, err) < 0) {
    free(sw);
    return -1;
  }
  sw->p = p;
  sw->obj = obj;
  sw->n_total = sw->sp.n_total;
  sw->B = p->n_blocks;
  if (solver_rcons_init(&rc, &sw->sp, c, err) < 0)
    goto fail;
  have_rc = 1;
  if (rc.has_time_limits) {
    ss_error_set(err, NULL, "constraints",
                 "sweeps do not support time limits (max_time_s, "
                 "max_time_pct); use solver_top_k");
    goto fail;
  }
  if (sweep_values(sw, err) != 0)
    goto fail;
  sw->simd = solver_simd_best();
  if (sweep_groups(sw, &rc, err) != 0)
    goto fail;
  solver_rcons_free(&rc);
  *out = sw;
  return 0;
fail:
  if (have_rc)
    solver_rcons_free(&rc);
  solver_sweep_free(sw);
  return -1;
}

size_t solver_sweep_size(const solver_sweep *sw) { return sw->n_place; }

int solver_sweep_set_link(solver_sweep *sw, size_t ga, size_t gb,
                          solver_link link) {
  if (ga >= sw->n_total || gb >= sw->n_total || isnan(link.latency_s) ||
      isnan(link.bandwidth_bytes_per_s))
    return -1;
  sw->links[ga * sw->n_total + gb] = link;
  return 0;
}

int solver_sweep_set_availability(solver_sweep *sw, size_t g,
                                  double availability) {
  if (g >= sw->n_total || !(availability >= 0 && availability <= 1))
    return -1;
  sw->avail[g] = availability;
  return 0;
}

/* ---- evaluation --------------------------------------------------------- */

int solver_simd_best(void) {
#ifdef SW_HAVE_AVX2
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2"))
    return SOLVER_SIMD_AVX2;
#endif
#if defined(__SSE2__)
  return SOLVER_SIMD_SSE2;
#else
  return SOLVER_SIMD_NONE;
#endif
}

int solver_sweep_set_simd(solver_sweep *sw, int simd) {
  if (simd < SOLVER_SIMD_NONE || simd > solver_simd_best())
    return -1;
  sw->simd = simd;
  return 0;
}

/* Per-point values of one group. */
typedef struct group_eval {
  double K;                            /* constant term (sum objectives) */
  const double *tab[SOLVER_MAX_TIERS]; /* sums: table of b_j, j < m */
  double ia[SOLVER_MAX_TIERS];  /* throughput: participant j 1/availability */
  double lat[SOLVER_MAX_TIERS]; /* throughput: hop j (into participant j) */
  double ibw[SOLVER_MAX_TIERS];
  const double *last; /* table indexed by b_{m-1} (m = 0: the value) */
  const double *aux;  /* throughput: second table */
  double value0;      /* m = 0: the single placement's value */
} group_eval;

static void pad_inf(double *f, size_t from, size_t to) {
  for (size_t b = from; b < to; b++)
    f[b] = INFINITY;
}

static int sum_objective(const solver_sweep *sw) {
  return solver_objective_info_of(sw->obj)->additive;
}

/* Per point, sum objectives: the table of every pair (ga, gb),
 *   latency: ia_a Q_a[b] - ia_b Q_b[b] + bytes(b) / bandwidth_ab
 *   energy:  P_compute ia_a Q_a[b] + P_radio bytes(b) / bandwidth_ab for a
 *            pair leaving tier 0, zeros otherwise
 *   bytes:   bytes(b)
 * for b < B, then +infinity padding. */
static void pairs_setup(solver_sweep *sw) {
  size_t n = sw->n_total, B = sw->B, W = sw->stride, np = sw->n_pairs;
  const double *zero = sw->tab + np * W, *bt = zero + W;
  const double *bytes = sw->bytes;
  for (size_t k = 0; k < np; k++) {
    size_t a = sw->pair_a[k], b = sw->pair_b[k];
    const solver_link *l = &sw->links[a * n + b];
    sw->pair_live[k] =
        sw->avail[a] > 0 && sw->avail[b] > 0 && solver_link_usable(l);
    if (!sw->pair_live[k])
      continue;
    double *f = sw->tab + k * W;
    double ia = 1.0 / sw->avail[a], ib = 1.0 / sw->avail[b];
    double w = 1.0 / l->bandwidth_bytes_per_s;
    const double *qa = solver_prep_prefix(&sw->sp, a);
    const double *qb = solver_prep_prefix(&sw->sp, b);
    switch (sw->obj) {
    case SOLVER_OBJ_BYTES:
      sw->pair_tab[k] = bt;
      continue;
    case SOLVER_OBJ_DEVICE_ENERGY: {
      if (a >= sw->sp.base[1]) {
        sw->pair_tab[k] = zero;
        continue;
      }
      const solver_system *dev = &sw->p->tiers[0].systems[a];
      double wc = dev->compute_power_w * ia, wr = dev->radio_power_w * w;
      for (size_t x = 0; x < B; x++)
        f[x] = wc * qa[x] + wr * bytes[x];
      break;
    }
    default:
      for (size_t x = 0; x < B; x++)
        f[x] = ia * qa[x] - ib * qb[x] + w * bytes[x];
      break;
    }
    pad_inf(f, B, W);
    sw->pair_tab[k] = f;
  }
}

/* Fill ge for group gr at the current values (after pairs_setup for the sum
 * objectives); 0 when the group is unavailable. */
/* A group where tier 0 runs everything: one value. */
static int group_single(const solver_sweep *sw, const sweep_group *gr,
                        group_eval *ge) {
  const solver_system *dev = &sw->p->tiers[0].systems[gr->sys[0]];
  double a = sw->avail[gr->g[0]];
  if (!(a > 0))
    return 0;
  double q = solver_prep_prefix(&sw->sp, gr->g[0])[sw->B] / a;
  ge->value0 = sw->obj == SOLVER_OBJ_BYTES           ? 0
               : sw->obj == SOLVER_OBJ_DEVICE_ENERGY ? dev->compute_power_w * q
                                                     : q;
  ge->last = &ge->value0;
  ge->K = 0;
  return 1;
}

/* Objectives that add up along the placement: the pair tables and the
 * constant K (last tier's compute, hop latencies, return). */
static int group_sum(const solver_sweep *sw, const sweep_group *gr,
                     group_eval *ge, double ret_s, double ret_bytes) {
  size_t n = sw->n_total, m = (size_t)gr->m;
  double lat_sum = 0;
  for (size_t j = 0; j < m; j++) {
    if (!sw->pair_live[gr->pair[j]])
      return 0;
    ge->tab[j] = sw->pair_tab[gr->pair[j]];
    lat_sum += sw->links[gr->g[j] * n + gr->g[j + 1]].latency_s;
  }
  ge->last = ge->tab[m - 1];
  if (sw->obj == SOLVER_OBJ_BYTES)
    ge->K = ret_bytes;
  else if (sw->obj == SOLVER_OBJ_DEVICE_ENERGY)
    ge->K = 0;
  else
    ge->K = solver_prep_prefix(&sw->sp, gr->g[m])[sw->B] / sw->avail[gr->g[m]] +
            lat_sum + ret_s;
  return 1;
}

/* Throughput: tables of this group only. */
static int group_throughput(solver_sweep *sw, const sweep_group *gr,
                            group_eval *ge, double ret_s) {
  size_t n = sw->n_total, B = sw->B, m = (size_t)gr->m, W = sw->stride;
  for (size_t j = 0; j <= m; j++) {
    double a = sw->avail[gr->g[j]];
    if (!(a > 0))
      return 0;
    ge->ia[j] = 1.0 / a;
  }
  for (size_t j = 1; j <= m; j++) {
    const solver_link *l = &sw->links[gr->g[j - 1] * n + gr->g[j]];
    if (!solver_link_usable(l))
      return 0;
    ge->lat[j] = l->latency_s;
    ge->ibw[j] = 1.0 / l->bandwidth_bytes_per_s;
  }
  /* A[b] = ia_{m-1} Q_{m-1}[b];
   * H[b] = max(hop m, participant m's compute, return hop). */
  const double *qa = solver_prep_prefix(&sw->sp, gr->g[m - 1]);
  const double *qm = solver_prep_prefix(&sw->sp, gr->g[m]);
  double *A = sw->phi, *H = sw->phi + W;
  double ia = ge->ia[m - 1], im = ge->ia[m], lat = ge->lat[m];
  double ibw = ge->ibw[m], qb = qm[B];
  const double *bytes = sw->bytes;
  for (size_t b = 0; b < B; b++) {
    A[b] = ia * qa[b];
    double h = lat + ibw * bytes[b];
    double c = im * (qb - qm[b]);
    h = c > h ? c : h;
    H[b] = ret_s > h ? ret_s : h;
  }
  for (size_t b = B; b < W; b++)
    A[b] = 0;
  pad_inf(H, B, W);
  ge->last = A;
  ge->aux = H;
  return 1;
}

static int group_setup(solver_sweep *sw, const sweep_group *gr,
                       group_eval *ge) {
  const solver_problem *p = sw->p;
  size_t m = (size_t)gr->m;
  ge->aux = NULL;
  if (m == 0)
    return group_single(sw, gr, ge);
  double ret_s = 0, ret_bytes = 0;
  if (p->result_bytes > 0) {
    const solver_link *l = &sw->links[gr->g[0] * sw->n_total + gr->g[m]];
    if (!solver_link_usable(l))
      return 0;
    ret_s = solver_hop_s(l, p->result_bytes);
    ret_bytes = p->result_bytes;
  }
  if (sum_objective(sw))
    return group_sum(sw, gr, ge, ret_s, ret_bytes);
  return group_throughput(sw, gr, ge, ret_s);
}

static const int32_t *row_bounds(const solver_sweep *sw, const sweep_group *gr,
                                 size_t row) {
  size_t m = (size_t)gr->m;
  return sw->row_b + gr->b_off + (row - gr->row_first) * (m ? m - 1 : 0);
}

/* Sum objectives: K + sum_{j<m-1} tab_j[b_j]. */
static inline double row_base_sum(const group_eval *ge, size_t m,
                                  const int32_t *b) {
  double v = ge->K;
  for (size_t j = 0; j + 1 < m; j++)
    v += ge->tab[j][b[j]];
  return v;
}

/* Throughput: the slowest stage fixed by b_0..b_{m-2} (participants
 * 0..m-2, hops 1..m-1) in *base, and ia_{m-1} Q_{m-1}[b_{m-2}] in *shift. */
static void row_base_max(const solver_sweep *sw, const sweep_group *gr,
                         const group_eval *ge, const int32_t *b, double *base,
                         double *shift) {
  size_t m = (size_t)gr->m;
  double slow = 0;
  int start = 0;
  *shift = 0;
  *base = 0;
  if (m == 0)
    return;
  for (size_t j = 0; j + 1 < m; j++) {
    const double *q = solver_prep_prefix(&sw->sp, gr->g[j]);
    double c = ge->ia[j] * (q[b[j]] - q[start]);
    double h = ge->lat[j + 1] + ge->ibw[j + 1] * sw->bytes[b[j]];
    slow = c > slow ? c : slow;
    slow = h > slow ? h : slow;
    start = b[j];
  }
  const double *qa = solver_prep_prefix(&sw->sp, gr->g[m - 1]);
  *base = slow;
  *shift = ge->ia[m - 1] * qa[start];
}

/* ---- kernels: min over i < n of base + f[i] (sums) or of
 * max(base, A[i] - shift, H[i]) (throughput). Branch-free; callers may
 * round n up into the +infinity padding. */

#if defined(__GNUC__)
#define SW_INLINE inline __attribute__((always_inline))
#else
#define SW_INLINE inline
#endif

static inline double stage_max(double base, double a, double shift, double h) {
  double v = a - shift;
  v = v > base ? v : base;
  return h > v ? h : v;
}

static SW_INLINE double min_sum_scalar(const double *f, size_t n, double base) {
  double m0 = INFINITY, m1 = INFINITY, m2 = INFINITY, m3 = INFINITY;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    double v0 = base + f[i], v1 = base + f[i + 1];
    double v2 = base + f[i + 2], v3 = base + f[i + 3];
    m0 = v0 < m0 ? v0 : m0;
    m1 = v1 < m1 ? v1 : m1;
    m2 = v2 < m2 ? v2 : m2;
    m3 = v3 < m3 ? v3 : m3;
  }
  for (; i < n; i++) {
    double v = base + f[i];
    m0 = v < m0 ? v : m0;
  }
  m0 = m1 < m0 ? m1 : m0;
  m2 = m3 < m2 ? m3 : m2;
  return m2 < m0 ? m2 : m0;
}

static double min_max_scalar(const double *A, const double *H, size_t n,
                             double base, double shift) {
  double m = INFINITY;
  for (size_t i = 0; i < n; i++) {
    double v = stage_max(base, A[i], shift, H[i]);
    m = v < m ? v : m;
  }
  return m;
}

#if defined(__SSE2__)
static SW_INLINE double hmin_sse2(__m128d v) {
  double l[2];
  _mm_storeu_pd(l, v);
  return l[1] < l[0] ? l[1] : l[0];
}

static SW_INLINE double min_sum_sse2(const double *f, size_t n, double base) {
  __m128d vb = _mm_set1_pd(base), m0 = _mm_set1_pd(INFINITY);
  __m128d m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    m0 = _mm_min_pd(m0, _mm_add_pd(vb, _mm_loadu_pd(f + i)));
    m1 = _mm_min_pd(m1, _mm_add_pd(vb, _mm_loadu_pd(f + i + 2)));
    m2 = _mm_min_pd(m2, _mm_add_pd(vb, _mm_loadu_pd(f + i + 4)));
    m3 = _mm_min_pd(m3, _mm_add_pd(vb, _mm_loadu_pd(f + i + 6)));
  }
  double m = hmin_sse2(_mm_min_pd(_mm_min_pd(m0, m1), _mm_min_pd(m2, m3)));
  double t = min_sum_scalar(f + i, n - i, base);
  return t < m ? t : m;
}

static double min_max_sse2(const double *A, const double *H, size_t n,
                           double base, double shift) {
  __m128d vb = _mm_set1_pd(base), vs = _mm_set1_pd(shift);
  __m128d m0 = _mm_set1_pd(INFINITY), m1 = m0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m128d a0 = _mm_sub_pd(_mm_loadu_pd(A + i), vs);
    __m128d a1 = _mm_sub_pd(_mm_loadu_pd(A + i + 2), vs);
    a0 = _mm_max_pd(_mm_max_pd(a0, vb), _mm_loadu_pd(H + i));
    a1 = _mm_max_pd(_mm_max_pd(a1, vb), _mm_loadu_pd(H + i + 2));
    m0 = _mm_min_pd(m0, a0);
    m1 = _mm_min_pd(m1, a1);
  }
  double m = hmin_sse2(_mm_min_pd(m0, m1));
  double t = min_max_scalar(A + i, H + i, n - i, base, shift);
  return t < m ? t : m;
}
#endif

#ifdef SW_HAVE_AVX2
__attribute__((target("avx2"))) static SW_INLINE double hmin_avx2(__m256d v) {
  double l[4];
  _mm256_storeu_pd(l, v);
  double a = l[1] < l[0] ? l[1] : l[0], b = l[3] < l[2] ? l[3] : l[2];
  return b < a ? b : a;
}

__attribute__((target("avx2"))) static SW_INLINE double
min_sum_avx2(const double *f, size_t n, double base) {
  __m256d vb = _mm256_set1_pd(base), m0 = _mm256_set1_pd(INFINITY);
  __m256d m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    m0 = _mm256_min_pd(m0, _mm256_add_pd(vb, _mm256_loadu_pd(f + i)));
    m1 = _mm256_min_pd(m1, _mm256_add_pd(vb, _mm256_loadu_pd(f + i + 4)));
    m2 = _mm256_min_pd(m2, _mm256_add_pd(vb, _mm256_loadu_pd(f + i + 8)));
    m3 = _mm256_min_pd(m3, _mm256_add_pd(vb, _mm256_loadu_pd(f + i + 12)));
  }
  for (; i + 4 <= n; i += 4)
    m0 = _mm256_min_pd(m0, _mm256_add_pd(vb, _mm256_loadu_pd(f + i)));
  double m =
      hmin_avx2(_mm256_min_pd(_mm256_min_pd(m0, m1), _mm256_min_pd(m2, m3)));
  double t = min_sum_scalar(f + i, n - i, base);
  return t < m ? t : m;
}

__attribute__((target("avx2"))) static double
min_max_avx2(const double *A, const double *H, size_t n, double base,
             double shift) {
  __m256d vb = _mm256_set1_pd(base), vs = _mm256_set1_pd(shift);
  __m256d m0 = _mm256_set1_pd(INFINITY), m1 = m0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256d a0 = _mm256_sub_pd(_mm256_loadu_pd(A + i), vs);
    __m256d a1 = _mm256_sub_pd(_mm256_loadu_pd(A + i + 4), vs);
    a0 = _mm256_max_pd(_mm256_max_pd(a0, vb), _mm256_loadu_pd(H + i));
    a1 = _mm256_max_pd(_mm256_max_pd(a1, vb), _mm256_loadu_pd(H + i + 4));
    m0 = _mm256_min_pd(m0, a0);
    m1 = _mm256_min_pd(m1, a1);
  }
  double m = hmin_avx2(_mm256_min_pd(m0, m1));
  double t = min_max_scalar(A + i, H + i, n - i, base, shift);
  return t < m ? t : m;
}
#endif

/* Value of placement b in a row (same arithmetic as the kernels). */
static inline double point_value(const group_eval *ge, size_t b, double base,
                                 double shift) {
  if (ge->aux)
    return stage_max(base, ge->last[b], shift, ge->aux[b]);
  return base + ge->last[b];
}

typedef struct scan_best {
  double value;
  size_t index;
  int found;
} scan_best;

/* A new minimum m in segment s: the first placement that reaches it. */
static void take_best(scan_best *sb, const group_eval *ge, const sweep_seg *s,
                      size_t lo, double base, double shift, double m) {
  size_t n = (size_t)(s->hi - s->lo) + 1;
  for (size_t i = 0; i < n; i++)
    if (point_value(ge, lo + i, base, shift) == m) {
      sb->index = s->offset + i;
      break;
    }
  sb->value = m;
  sb->found = 1;
}

/* Kernel length for a segment: one that runs to the last block may read
 * whole vectors into the padding (+infinity never wins). */
static inline size_t kernel_len(const solver_sweep *sw, const sweep_group *gr,
                                const sweep_seg *s) {
  size_t n = (size_t)(s->hi - s->lo) + 1;
  if (gr->m > 0 && (size_t)s->hi == sw->B - 1)
    n = (n + SW_PAD - 1) / SW_PAD * SW_PAD;
  return n;
}

/* All segments of a live group, sum objectives; `kern` is a constant at
 * each call site so that it is inlined into the loop. */
static SW_INLINE void scan_sum(const solver_sweep *sw, const sweep_group *gr,
                               const group_eval *ge, scan_best *sb,
                               double (*kern)(const double *, size_t, double)) {
  size_t m = (size_t)gr->m, row = SIZE_MAX;
  double base = 0;
  const sweep_seg *s = sw->segs + gr->seg_first;
  const sweep_seg *end = s + gr->n_segs;
  if (m == 0) {
    if (ge->value0 < sb->value)
      take_best(sb, ge, s, 0, 0, 0, ge->value0);
    return;
  }
  for (; s < end; s++) {
    if (s->row != row) {
      row = s->row;
      base = row_base_sum(ge, m, row_bounds(sw, gr, row));
    }
    double v = kern(ge->last + s->lo, kernel_len(sw, gr, s), base);
    if (v < sb->value)
      take_best(sb, ge, s, (size_t)s->lo, base, 0, v);
  }
}

static void scan_sum_plain(const solver_sweep *sw, const sweep_group *gr,
                           const group_eval *ge, scan_best *sb) {
  scan_sum(sw, gr, ge, sb, min_sum_scalar);
}
#if defined(__SSE2__)
static void scan_sum_sse2(const solver_sweep *sw, const sweep_group *gr,
                          const group_eval *ge, scan_best *sb) {
  scan_sum(sw, gr, ge, sb, min_sum_sse2);
}
#endif
#ifdef SW_HAVE_AVX2
__attribute__((target("avx2"))) static void
scan_sum_avx2(const solver_sweep *sw, const sweep_group *gr,
              const group_eval *ge, scan_best *sb) {
  scan_sum(sw, gr, ge, sb, min_sum_avx2);
}
#endif

static void scan_max(const solver_sweep *sw, const sweep_group *gr,
                     const group_eval *ge, scan_best *sb) {
  size_t row = SIZE_MAX;
  double base = 0, shift = 0;
  const sweep_seg *s = sw->segs + gr->seg_first;
  const sweep_seg *end = s + gr->n_segs;
  if (gr->m == 0) {
    if (ge->value0 < sb->value)
      take_best(sb, ge, s, 0, 0, 0, ge->value0);
    return;
  }
  for (; s < end; s++) {
    if (s->row != row) {
      row = s->row;
      row_base_max(sw, gr, ge, row_bounds(sw, gr, row), &base, &shift);
    }
    const double *A = ge->last + s->lo, *H = ge->aux + s->lo;
    size_t n = kernel_len(sw, gr, s);
    double v;
#ifdef SW_HAVE_AVX2
    if (sw->simd == SOLVER_SIMD_AVX2)
      v = min_max_avx2(A, H, n, base, shift);
    else
#endif
#if defined(__SSE2__)
        if (sw->simd == SOLVER_SIMD_SSE2)
      v = min_max_sse2(A, H, n, base, shift);
    else
#endif
      v = min_max_scalar(A, H, n, base, shift);
    if (v < sb->value)
      take_best(sb, ge, s, (size_t)s->lo, base, shift, v);
  }
}

int solver_sweep_best(solver_sweep *sw, size_t *index, double *value) {
  scan_best sb = {INFINITY, 0, 0};
  group_eval ge;
  int sums = sum_objective(sw);
  if (sums)
    pairs_setup(sw);
  for (size_t gi = 0; gi < sw->n_groups; gi++) {
    const sweep_group *gr = &sw->groups[gi];
    if (!group_setup(sw, gr, &ge))
      continue;
    if (!sums)
      scan_max(sw, gr, &ge, &sb);
#ifdef SW_HAVE_AVX2
    else if (sw->simd == SOLVER_SIMD_AVX2)
      scan_sum_avx2(sw, gr, &ge, &sb);
#endif
#if defined(__SSE2__)
    else if (sw->simd == SOLVER_SIMD_SSE2)
      scan_sum_sse2(sw, gr, &ge, &sb);
#endif
    else
      scan_sum_plain(sw, gr, &ge, &sb);
  }
  if (!sb.found)
    return 0;
  *index = sb.index;
  if (sw->obj == SOLVER_OBJ_THROUGHPUT)
    *value = sb.value > 0 ? 1.0 / sb.value : INFINITY;
  else
    *value = sb.value;
  return 1;
}

void solver_sweep_values(solver_sweep *sw, double *values) {
  group_eval ge;
  int thr = sw->obj == SOLVER_OBJ_THROUGHPUT;
  if (!thr)
    pairs_setup(sw);
  for (size_t gi = 0; gi < sw->n_groups; gi++) {
    const sweep_group *gr = &sw->groups[gi];
    int live = group_setup(sw, gr, &ge);
    size_t row = SIZE_MAX, m = (size_t)gr->m;
    double base = 0, shift = 0;
    for (size_t si = gr->seg_first; si < gr->seg_first + gr->n_segs; si++) {
      const sweep_seg *s = &sw->segs[si];
      size_t lo = m == 0 ? 0 : (size_t)s->lo, n = (size_t)(s->hi - s->lo) + 1;
      double *out = values + s->offset;
      if (!live) {
        for (size_t i = 0; i < n; i++)
          out[i] = thr ? 0 : INFINITY;
        continue;
      }
      if (s->row != row && m > 0) {
        row = s->row;
        if (thr)
          row_base_max(sw, gr, &ge, row_bounds(sw, gr, row), &base, &shift);
        else
          base = row_base_sum(&ge, m, row_bounds(sw, gr, row));
      }
      for (size_t i = 0; i < n; i++) {
        double v = m == 0 ? ge.value0 : point_value(&ge, lo + i, base, shift);
        out[i] = thr ? (v > 0 ? 1.0 / v : INFINITY) : v;
      }
    }
  }
}

int solver_sweep_describe(const solver_sweep *sw, size_t index,
                          solver_result *out, ss_error *err) {
  if (index >= sw->n_place)
    return ss_error_set(err, NULL, "index",
                        "placement %zu out of range (%zu placements)", index,
                        sw->n_place);
  /* Last segment whose offset is <= index. */
  size_t lo = 0, hi = sw->n_segs;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (sw->segs[mid].offset <= index)
      lo = mid;
    else
      hi = mid;
  }
  const sweep_seg *s = &sw->segs[lo];
  size_t glo = 0, ghi = sw->n_groups;
  while (ghi - glo > 1) {
    size_t mid = glo + (ghi - glo) / 2;
    if (sw->groups[mid].seg_first <= lo)
      glo = mid;
    else
      ghi = mid;
  }
  const sweep_group *gr = &sw->groups[glo];
  int32_t b[SOLVER_MAX_TIERS];
  size_t m = (size_t)gr->m;
  solver_placement pl;
  if (m > 0) {
    const int32_t *rb =
        sw->row_b + gr->b_off + (s->row - gr->row_first) * (m - 1);
    for (size_t j = 0; j + 1 < m; j++)
      b[j] = rb[j];
    b[m - 1] = s->lo + (int32_t)(index - s->offset);
  }
  group_placement(sw, gr, b, &pl);
  if (solver_eval_with(&sw->sp, sw->avail, sw->links, &pl, sw->obj, out) < 0)
    return ss_error_set(err, NULL, "index",
                        "placement %zu uses a system that is down or a "
                        "missing link at the current values",
                        index);
  return 0;
}
