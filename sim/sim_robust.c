/* Robustness under uncertainty: Monte Carlo over link values,
 * availabilities and block times (GSL's mt19937 and gsl_ran_*), for every
 * placement of each model at the reference point.
 *
 * Each placement's latency is a sum of table entries: for every used tier
 * (prefix time at its end - prefix time at its start) / availability, one
 * entry per hop (latency + bytes at that boundary / bandwidth) and the
 * result's way back. A sample draws the parameters and block times, fills
 * the table, and evaluates every placement with a few loads and adds.
 *
 * Determinism: samples come in chunks of CHUNK; chunk c draws from two
 * mt19937 generators seeded from (seed, c) (one for the parameters, one for
 * the block times, so that every model sees the same parameter draws), and
 * chunk results are merged strictly in chunk order, so the output does not
 * depend on the number of threads. Pass 1 keeps sums per placement (mean,
 * deadline, optimum counts); pass 2 draws the same samples again and keeps
 * every latency of the reported placements for exact quantiles. */
#include "sim_study_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_csv.h"
#include "../common/ss_units.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"
#include "sim_units_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#define CHUNK 1024
/* z of the 90th percentile of the standard normal */
#define Z90 1.2815515655446004
#define MAX_REDRAWS 1000

/* One global system pair's sources of link values. */

/* Placements first .. first + count - 1 share every term but those of
 * their last boundary y (the end of the last tier but one): their latency
 * is base + G[y], with G[y] = its prefix time at y - the last tier's prefix
 * time at y + the hop between them at y, from one table per system pair. */
typedef struct rrow {
  uint32_t first, count;
  uint32_t var; /* table index of G[y] of the first placement */
} rrow;

/* Everything shared by the workers for one model. */
typedef struct rmodel {
  const sim_study_world *w;
  const scn_scenario *s; /* the world's scenario (reference point) */
  const scn_uncertainty *u;
  sim_study_prob pr;
  size_t K, n_total, B;
  size_t n_place;
  size_t nt; /* base terms per row: np_plus then np_minus */
  size_t np_plus;
  size_t n_rows; /* placements that differ only in the last boundary */
  rrow *rows;
  uint32_t *terms;    /* n_rows * nt table indices (0 = the zero entry) */
  uint32_t *row_of;   /* n_place: the row of each placement */
  size_t g_base, n_g; /* boundary tables: n_g of B + 1 entries, 0 = zeros */
  size_t *g_a, *g_b;  /* per boundary table: the two global systems */
  solver_sweep *sw;   /* the placements (nominal values) */
  double *exact;      /* n_place: nominal latency, evaluated exactly */
  size_t n_table;     /* entries of the value table */
  size_t comp_base, hop_base, ret_base;
  long *pair_id; /* [ga * n_total + gb] hop pair index, -1 */
  size_t n_pairs;
  size_t *pair_a, *pair_b; /* per hop pair: global systems */
  sim_link_source *pairs;  /* n_total^2 */
  double *bytes;           /* B + 1: bytes crossing boundary k */
  /* per scenario system (the block times drawn) */
  size_t n_ssys;
  const prof_model **bprof; /* per scenario system */
  double **sigma;           /* per scenario system: per block, or NULL */
  /* pass 2 */
  size_t n_keep;
  const size_t *keep; /* placement indices kept */
  double *kept;       /* n_keep * samples */
  /* totals of pass 1 */
  double *sum;
  uint64_t *meet, *opt;
  double sum_min;
  double deadline_s;
  int pass;
} rmodel;

typedef struct rworker {
  rmodel *rm;
  gsl_rng *rp, *rb;
  double *table;
  double *lat;
  double **times;    /* per scenario system: B */
  double *avail;     /* n_total */
  scn_link *lk;      /* per scenario link: a copy with the sampled values */
  double *sys_avail; /* per scenario system */
  double *sum;
  uint64_t *meet, *opt;
  double sum_min;
} rworker;

/* ---- setup ------------------------------------------------------------- */

static void rmodel_clear(rmodel *rm) {
  sim_study_prob_free(&rm->pr);
  free(rm->terms);
  free(rm->rows);
  free(rm->row_of);
  free(rm->g_a);
  free(rm->g_b);
  free(rm->pair_id);
  free(rm->pair_a);
  free(rm->pair_b);
  solver_sweep_free(rm->sw);
  free(rm->exact);
  free(rm->pairs);
  free(rm->bytes);
  free(rm->bprof);
  if (rm->sigma)
    for (size_t i = 0; i < rm->n_ssys; i++)
      free(rm->sigma[i]);
  free(rm->sigma);
  free(rm->kept);
  free(rm->sum);
  free(rm->meet);
  free(rm->opt);
  memset(rm, 0, sizeof *rm);
}

static int build_pairs(rmodel *rm) {
  const sim_study_world *w = rm->w;
  const scn_scenario *s = rm->s;
  size_t n = rm->n_total;
  rm->pairs = calloc(n * n, sizeof *rm->pairs);
  rm->pair_id = malloc(n * n * sizeof *rm->pair_id);
  rm->pair_a = calloc(n * n + 1, sizeof *rm->pair_a);
  rm->pair_b = calloc(n * n + 1, sizeof *rm->pair_b);
  if (!rm->pairs || !rm->pair_id || !rm->pair_a || !rm->pair_b)
    return -1;
  for (size_t ga = 0; ga < n; ga++)
    for (size_t gb = 0; gb < n; gb++) {
      rm->pair_id[ga * n + gb] = -1;
      size_t ta = rm->pr.pb.g_tier[ga], tb = rm->pr.pb.g_tier[gb];
      if (ta >= tb)
        continue;
      const sim_study_sys *x = &w->sys[rm->pr.pb.g_source[ga]],
                          *y = &w->sys[rm->pr.pb.g_source[gb]];
      rm->pairs[ga * n + gb] = sim_link_source_find(
          s, w->net, x->base, ta, x->scn_sys, y->base, tb, y->scn_sys);
      rm->pair_a[rm->n_pairs] = ga;
      rm->pair_b[rm->n_pairs] = gb;
      rm->pair_id[ga * n + gb] = (long)rm->n_pairs++;
    }
  return 0;
}

/* Table layout: [0] = 0; comp entries (prefix time / availability) per
 * global system and boundary; hop entries per pair and boundary; return
 * entries per pair; boundary tables G (table 0 all zeros). Also prepares
 * the placements (rm->sw) and the boundary tables' systems. */
static int terms_layout(rmodel *rm, ss_error *err) {
  const solver_problem *p = &rm->pr.pb.p;
  size_t n = rm->n_total, B = rm->B;
  rm->comp_base = 1;
  rm->hop_base = rm->comp_base + n * (B + 1);
  rm->ret_base = rm->hop_base + rm->n_pairs * (B + 1);
  rm->g_base = rm->ret_base + rm->n_pairs;
  rm->np_plus = 2 * rm->K;
  rm->nt = rm->np_plus + rm->K;
  if (solver_sweep_prepare(p, &rm->pr.cons, SOLVER_OBJ_LATENCY, &rm->sw, err) !=
      0) {
    rm->sw = NULL;
    return -1;
  }
  rm->n_place = solver_sweep_size(rm->sw);
  if (rm->n_place >= UINT32_MAX ||
      rm->g_base + (rm->n_pairs + 1) * (B + 1) >= UINT32_MAX)
    return ss_error_set(err, NULL, NULL,
                        "too many placements or systems for the Monte Carlo "
                        "study (%zu placements)",
                        rm->n_place);
  rm->n_g = 1;
  rm->g_a = calloc(rm->n_pairs + 1, sizeof *rm->g_a);
  rm->g_b = calloc(rm->n_pairs + 1, sizeof *rm->g_b);
  if (!rm->g_a || !rm->g_b)
    return ss_error_oom(err, NULL, NULL);
  return 0;
}

/* One placement's terms: tp (np_plus added, then K subtracted), its last
 * boundary y and its boundary table gid (0: none). */
typedef struct place_terms {
  uint32_t tp[3 * SOLVER_MAX_TIERS];
  uint32_t y, gid;
} place_terms;

/* The boundary table of the global system pair (ga, gb), made on first
 * use; g_of_pair maps hop pairs to tables. */
static uint32_t boundary_table(rmodel *rm, long *g_of_pair, size_t ga,
                               size_t gb) {
  long pid = rm->pair_id[ga * rm->n_total + gb];
  if (g_of_pair[pid] < 0) {
    g_of_pair[pid] = (long)rm->n_g;
    rm->g_a[rm->n_g] = ga;
    rm->g_b[rm->n_g] = gb;
    rm->n_g++;
  }
  return (uint32_t)g_of_pair[pid];
}

/* The terms of placement r (see rrow). */
static void placement_terms(rmodel *rm, const solver_result *r, long *g_of_pair,
                            place_terms *pt) {
  const solver_problem *p = &rm->pr.pb.p;
  size_t n = rm->n_total, B = rm->B;
  size_t np = 0, nm = 0;
  size_t gsys[SOLVER_MAX_TIERS] = {0};
  long used[SOLVER_MAX_TIERS];
  size_t n_used = 0;
  memset(pt, 0, sizeof *pt);
  for (size_t t = 0; t < rm->K; t++) {
    if (r->p.sys[t] < 0)
      continue;
    gsys[t] = solver_global_index(p, t, (size_t)r->p.sys[t]);
    if (r->p.first[t] >= 0)
      used[n_used++] = (long)t;
  }
  /* the last boundary: between the last two used tiers */
  long tl = n_used ? used[n_used - 1] : -1;
  long tp2 = n_used > 1 ? used[n_used - 2] : -1;
  pt->y = tp2 >= 0 ? (uint32_t)r->p.first[tl] : 0;
  if (tp2 >= 0)
    pt->gid = boundary_table(rm, g_of_pair, gsys[tp2], gsys[tl]);
  for (size_t u = 0; u < n_used; u++) {
    size_t t = (size_t)used[u], g = gsys[t];
    if ((long)t != tp2) /* the end of tier tp2 is in G */
      pt->tp[np++] =
          (uint32_t)(rm->comp_base + g * (B + 1) + (size_t)r->p.last[t] + 1);
    if (!(tp2 >= 0 && (long)t == tl)) /* so is the start of tier tl */
      pt->tp[rm->np_plus + nm++] =
          (uint32_t)(rm->comp_base + g * (B + 1) + (size_t)r->p.first[t]);
  }
  /* a hop into tier b carries what crosses the boundary at b's first
   * block (the raw input when it is block 0); the last one is in G */
  for (int h = 0; h < r->n_hops; h++) {
    size_t ta = (size_t)r->hop_from[h], tb = (size_t)r->hop_to[h];
    if ((long)tb == tl && (long)ta == tp2)
      continue;
    long pid = rm->pair_id[gsys[ta] * n + gsys[tb]];
    size_t k = (size_t)r->p.first[tb];
    pt->tp[np++] = (uint32_t)(rm->hop_base + (size_t)pid * (B + 1) + k);
  }
  if (p->result_bytes > 0 && tl > 0) {
    long pid = rm->pair_id[gsys[0] * n + gsys[tl]];
    pt->tp[np++] = (uint32_t)(rm->ret_base + (size_t)pid);
  }
}

/* Placement i joins the last row when it differs from the placement before
 * only in its last boundary, one block on; else it starts a row. */
static void add_to_rows(rmodel *rm, size_t i, const place_terms *pt,
                        const place_terms *prev) {
  rrow *last = rm->n_rows ? &rm->rows[rm->n_rows - 1] : NULL;
  if (last && pt->gid != 0 && pt->gid == prev->gid && pt->y == prev->y + 1 &&
      memcmp(pt->tp, &rm->terms[(rm->n_rows - 1) * rm->nt],
             rm->nt * sizeof *pt->tp) == 0) {
    last->count++;
  } else {
    rrow *nr = &rm->rows[rm->n_rows];
    memcpy(&rm->terms[rm->n_rows * rm->nt], pt->tp, rm->nt * sizeof *pt->tp);
    nr->first = (uint32_t)i;
    nr->count = 1;
    nr->var = (uint32_t)(rm->g_base + pt->gid * (rm->B + 1) + pt->y);
    rm->n_rows++;
  }
  rm->row_of[i] = (uint32_t)(rm->n_rows - 1);
}

/* Every placement's terms, grouped into rows (see rrow). */
static int build_rows(rmodel *rm, long *g_of_pair, ss_error *err) {
  rm->terms = calloc(rm->n_place * rm->nt, sizeof *rm->terms);
  rm->rows = calloc(rm->n_place, sizeof *rm->rows);
  rm->row_of = malloc(rm->n_place * sizeof *rm->row_of);
  rm->exact = malloc(rm->n_place * sizeof *rm->exact);
  if (!rm->terms || !rm->rows || !rm->row_of || !rm->exact)
    return ss_error_oom(err, NULL, NULL);
  place_terms pt, prev;
  memset(&prev, 0, sizeof prev);
  for (size_t i = 0; i < rm->n_place; i++) {
    solver_result r;
    if (solver_sweep_describe(rm->sw, i, &r, err) != 0)
      return -1;
    rm->exact[i] = r.latency_s;
    placement_terms(rm, &r, g_of_pair, &pt);
    add_to_rows(rm, i, &pt, &prev);
    prev = pt;
  }
  rm->n_table = rm->g_base + rm->n_g * (rm->B + 1);
  /* give back what the rows did not use */
  uint32_t *nt = realloc(rm->terms, rm->n_rows * rm->nt * sizeof *nt);
  if (nt)
    rm->terms = nt;
  return 0;
}

static int build_terms(rmodel *rm, ss_error *err) {
  if (terms_layout(rm, err) != 0)
    return -1;
  long *g_of_pair = malloc((rm->n_pairs + 1) * sizeof *g_of_pair);
  if (!g_of_pair)
    return ss_error_oom(err, NULL, NULL);
  for (size_t h = 0; h < rm->n_pairs; h++)
    g_of_pair[h] = -1;
  int rc = 0;
  if (rm->n_place == 0)
    rm->n_table = rm->g_base + (rm->B + 1);
  else
    rc = build_rows(rm, g_of_pair, err);
  free(g_of_pair);
  return rc;
}

/* Per-block lognormal sigma of ln t, or NULL for fixed times. */
static int build_sigma(rmodel *rm, const sim_study_model *md) {
  const scn_uncertainty *u = rm->u;
  rm->n_ssys = rm->s->n_systems;
  rm->bprof = calloc(rm->n_ssys + 1, sizeof *rm->bprof);
  rm->sigma = calloc(rm->n_ssys + 1, sizeof *rm->sigma);
  if (!rm->bprof || !rm->sigma)
    return -1;
  for (size_t i = 0; i < rm->n_ssys; i++) {
    rm->bprof[i] = md->prof[i]; /* scenario system i is study system i */
    if (u->block_times == SCN_BLOCKS_FIXED)
      continue;
    double *sg = malloc((rm->B + 1) * sizeof *sg);
    if (!sg)
      return -1;
    int any = 0;
    for (size_t b = 0; b < rm->B; b++) {
      const prof_block *bl = &md->prof[i]->blocks[b];
      double s = u->block_sigma;
      if (isfinite(bl->time_s_p10) && isfinite(bl->time_s_p90) &&
          bl->time_s_p10 > 0 && bl->time_s_p90 >= bl->time_s_p10)
        s = log(bl->time_s_p90 / bl->time_s_p10) / (2 * Z90);
      if (u->block_times == SCN_BLOCKS_SAMPLES && bl->n_samples > 0)
        s = 1; /* drawn from the samples */
      sg[b] = s;
      any |= s > 0;
    }
    if (any)
      rm->sigma[i] = sg;
    else
      free(sg);
  }
  return 0;
}

/* ---- one sample -------------------------------------------------------- */

static int param_ok(scn_param_kind k, double v) {
  switch (k) {
  case SCN_PARAM_LINK_LATENCY_MS:
    return v >= 0;
  case SCN_PARAM_LINK_BANDWIDTH_MBPS:
    return v > 0;
  case SCN_PARAM_AVAILABILITY:
    return v > 0 && v <= 1;
  default:
    return 1;
  }
}

static double draw(const scn_dist *d, gsl_rng *r) {
  switch (d->kind) {
  case SCN_DIST_NORMAL:
    return d->b > 0 ? d->a + gsl_ran_gaussian(r, d->b) : d->a;
  case SCN_DIST_LOGNORMAL:
    return d->b > 0 ? d->a * gsl_ran_lognormal(r, 0, d->b) : d->a;
  case SCN_DIST_UNIFORM:
    return d->b > d->a ? gsl_ran_flat(r, d->a, d->b) : d->a;
  case SCN_DIST_TRACE:
    return d->values[gsl_rng_uniform_int(r, d->n_values)];
  }
  return d->a;
}

/* Draw the link and availability parameters of one sample into wk->lk
 * and wk->sys_avail. */
static int draw_params(rworker *wk, ss_error *err) {
  const scn_scenario *s = wk->rm->s;
  const scn_uncertainty *u = wk->rm->u;
  for (size_t i = 0; i < s->n_links; i++)
    wk->lk[i] = s->links[i];
  for (size_t i = 0; i < s->n_systems; i++)
    wk->sys_avail[i] = s->systems[i].availability;
  for (size_t k = 0; k < u->n_dists; k++) {
    const scn_dist *d = &u->dists[k];
    double v = draw(d, wk->rp);
    int tries = 0;
    while (!param_ok(d->target.kind, v)) {
      if (++tries > MAX_REDRAWS)
        return scn_error_at(err, s, d->pos,
                            "uncertainty.params.%s: %d draws in a row fell "
                            "outside the parameter's valid range; narrow the "
                            "distribution",
                            d->param, MAX_REDRAWS);
      v = draw(d, wk->rp);
    }
    size_t i = d->target.index;
    switch (d->target.kind) {
    case SCN_PARAM_LINK_LATENCY_MS:
      wk->lk[i].latency_ms = v;
      wk->lk[i].has_latency_ms = 1;
      break;
    case SCN_PARAM_LINK_BANDWIDTH_MBPS:
      wk->lk[i].bandwidth_mbps = v;
      wk->lk[i].has_bandwidth_mbps = 1;
      break;
    case SCN_PARAM_AVAILABILITY:
      wk->sys_avail[i] = v;
      break;
    default:
      break;
    }
  }
  return 0;
}

/* Draw the block times of one sample, per scenario system. */
static void draw_block_times(rworker *wk) {
  const rmodel *rm = wk->rm;
  for (size_t i = 0; i < rm->n_ssys; i++) {
    const prof_model *pm = rm->bprof[i];
    double *t = wk->times[i];
    const double *sg = rm->sigma[i];
    for (size_t b = 0; b < rm->B; b++) {
      const prof_block *bl = &pm->blocks[b];
      if (!sg || sg[b] == 0) {
        t[b] = bl->time_s;
      } else if (rm->u->block_times == SCN_BLOCKS_SAMPLES &&
                 bl->n_samples > 0) {
        t[b] = bl->samples_s[gsl_rng_uniform_int(wk->rb, bl->n_samples)];
      } else {
        /* lognormal with median time_s; GSL's ziggurat normal is the
         * fast path for these many draws */
        t[b] = bl->time_s * exp(sg[b] * gsl_ran_gaussian_ziggurat(wk->rb, 1));
      }
    }
  }
}

/* The value table of the drawn sample: compute prefixes, hops, returns and
 * boundary tables (layout in build_terms). */
static void fill_table(rworker *wk) {
  const rmodel *rm = wk->rm;
  size_t n = rm->n_total, B = rm->B;
  double *tab = wk->table;
  tab[0] = 0;
  for (size_t g = 0; g < n; g++) {
    size_t st = rm->pr.pb.g_source[g]; /* == scenario system */
    double a = wk->sys_avail[st];
    wk->avail[g] = a;
    const double *t = wk->times[st];
    double *c = &tab[rm->comp_base + g * (B + 1)];
    double acc = 0;
    c[0] = 0;
    for (size_t b = 0; b < B; b++) {
      acc += t[b];
      c[b + 1] = acc / a;
    }
  }
  for (size_t h = 0; h < rm->n_pairs; h++) {
    size_t ga = rm->pair_a[h], gb = rm->pair_b[h];
    sim_link_spec lp = sim_link_source_params(&rm->pairs[ga * n + gb], wk->lk);
    solver_link l = sim_link_cost(&lp, 0);
    double lat = l.latency_s, inv = 1.0 / l.bandwidth_bytes_per_s;
    double *hv = &tab[rm->hop_base + h * (B + 1)];
    for (size_t k = 0; k <= B; k++)
      hv[k] = lat + rm->bytes[k] * inv;
    tab[rm->ret_base + h] = lat + rm->pr.pb.p.result_bytes * inv;
  }
  for (size_t k = 1; k < rm->n_g; k++) {
    const double *ca = &tab[rm->comp_base + rm->g_a[k] * (B + 1)];
    const double *cb = &tab[rm->comp_base + rm->g_b[k] * (B + 1)];
    const double *hv =
        &tab[rm->hop_base +
             (size_t)rm->pair_id[rm->g_a[k] * n + rm->g_b[k]] * (B + 1)];
    double *g = &tab[rm->g_base + k * (B + 1)];
    for (size_t y = 0; y <= B; y++)
      g[y] = ca[y] - cb[y] + hv[y];
  }
}

/* Draw one sample and fill the value table. */
static int sample(rworker *wk, ss_error *err) {
  if (draw_params(wk, err) != 0)
    return -1;
  draw_block_times(wk);
  fill_table(wk);
  return 0;
}

static double row_base(const rmodel *rm, const double *tab, size_t r) {
  const uint32_t *tp = &rm->terms[r * rm->nt];
  double v = 0;
  for (size_t j = 0; j < rm->np_plus; j++)
    v += tab[tp[j]];
  for (size_t j = rm->np_plus; j < rm->nt; j++)
    v -= tab[tp[j]];
  return v;
}

/* Latency of every placement (into lat); returns the index of the best. */
static size_t evaluate(const rmodel *rm, const double *tab, double *lat) {
  size_t best = 0;
  double bv = INFINITY;
  for (size_t r = 0; r < rm->n_rows; r++) {
    const rrow *row = &rm->rows[r];
    double base = row_base(rm, tab, r);
    const double *g = tab + row->var;
    double *l = lat + row->first;
    for (uint32_t j = 0; j < row->count; j++) {
      double v = base + g[j];
      l[j] = v;
      if (v < bv) {
        bv = v;
        best = row->first + j;
      }
    }
  }
  return best;
}

/* Latency of placement i alone. */
static double evaluate_one(const rmodel *rm, const double *tab, size_t i) {
  size_t r = rm->row_of[i];
  return row_base(rm, tab, r) + tab[rm->rows[r].var + (i - rm->rows[r].first)];
}

/* ---- chunks ------------------------------------------------------------ */

static unsigned long stream_seed(unsigned long seed, size_t chunk, int which) {
  /* distinct 32-bit seeds per (chunk, stream); mt19937 uses 32 bits */
  uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
  z ^= z >> 29;
  uint32_t base = (uint32_t)(z ^ (z >> 32));
  uint32_t v = base + (uint32_t)(2 * chunk + (size_t)which);
  return v ? v : 0x5EEDu;
}

static int chunk_task(void *worker, size_t c, ss_buf *out, ss_error *err) {
  (void)out;
  rworker *wk = worker;
  rmodel *rm = wk->rm;
  size_t n0 = c * CHUNK, n1 = n0 + CHUNK;
  if (n1 > rm->u->samples)
    n1 = rm->u->samples;
  gsl_rng_set(wk->rp, stream_seed(rm->u->seed, c, 0));
  gsl_rng_set(wk->rb, stream_seed(rm->u->seed, c, 1));
  if (rm->pass == 1) {
    memset(wk->sum, 0, rm->n_place * sizeof *wk->sum);
    memset(wk->meet, 0, rm->n_place * sizeof *wk->meet);
    memset(wk->opt, 0, rm->n_place * sizeof *wk->opt);
    wk->sum_min = 0;
  }
  for (size_t i = n0; i < n1; i++) {
    if (sample(wk, err) != 0)
      return -1;
    if (rm->pass == 1) {
      size_t best = evaluate(rm, wk->table, wk->lat);
      wk->opt[best]++;
      wk->sum_min += wk->lat[best];
      for (size_t p = 0; p < rm->n_place; p++) {
        wk->sum[p] += wk->lat[p];
        wk->meet[p] += wk->lat[p] <= rm->deadline_s;
      }
    } else {
      for (size_t q = 0; q < rm->n_keep; q++)
        rm->kept[q * rm->u->samples + i] =
            evaluate_one(rm, wk->table, rm->keep[q]);
    }
  }
  return 0;
}

static int chunk_commit(void *ctx, void *worker, size_t c, const ss_buf *out,
                        ss_error *err) {
  (void)c;
  (void)out;
  (void)err;
  rmodel *rm = ctx;
  rworker *wk = worker;
  if (rm->pass != 1)
    return 0;
  for (size_t p = 0; p < rm->n_place; p++) {
    rm->sum[p] += wk->sum[p];
    rm->meet[p] += wk->meet[p];
    rm->opt[p] += wk->opt[p];
  }
  rm->sum_min += wk->sum_min;
  return 0;
}

static void worker_free(rworker *wk) {
  if (!wk)
    return;
  gsl_rng_free(wk->rp);
  gsl_rng_free(wk->rb);
  free(wk->table);
  free(wk->lat);
  if (wk->times)
    for (size_t i = 0; i < wk->rm->n_ssys; i++)
      free(wk->times[i]);
  free(wk->times);
  free(wk->avail);
  free(wk->lk);
  free(wk->sys_avail);
  free(wk->sum);
  free(wk->meet);
  free(wk->opt);
  free(wk);
}

static rworker *worker_new(rmodel *rm) {
  rworker *wk = calloc(1, sizeof *wk);
  if (!wk)
    return NULL;
  wk->rm = rm;
  size_t nl = rm->s->n_links + 1, ns = rm->s->n_systems + 1;
  wk->rp = gsl_rng_alloc(gsl_rng_mt19937);
  wk->rb = gsl_rng_alloc(gsl_rng_mt19937);
  wk->table = calloc(rm->n_table + 1, sizeof *wk->table);
  wk->lat = calloc(rm->n_place + 1, sizeof *wk->lat);
  wk->times = calloc(rm->n_ssys + 1, sizeof *wk->times);
  wk->avail = calloc(rm->n_total + 1, sizeof *wk->avail);
  wk->lk = calloc(nl, sizeof *wk->lk);
  wk->sys_avail = calloc(ns, sizeof *wk->sys_avail);
  wk->sum = calloc(rm->n_place + 1, sizeof *wk->sum);
  wk->meet = calloc(rm->n_place + 1, sizeof *wk->meet);
  wk->opt = calloc(rm->n_place + 1, sizeof *wk->opt);
  if (!wk->rp || !wk->rb || !wk->table || !wk->lat || !wk->times ||
      !wk->avail || !wk->lk || !wk->sys_avail || !wk->sum || !wk->meet ||
      !wk->opt) {
    worker_free(wk);
    return NULL;
  }
  for (size_t i = 0; i < rm->n_ssys; i++)
    if (!(wk->times[i] = calloc(rm->B + 1, sizeof(double)))) {
      worker_free(wk);
      return NULL;
    }
  return wk;
}

/* ---- per model --------------------------------------------------------- */

typedef struct cand {
  size_t place; /* placement index */
  size_t q;     /* index into the kept placements */
  double mean, p_meet, p95;
} cand;

static int cmp_mean(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (a->mean != b->mean)
    return a->mean < b->mean ? -1 : 1;
  return a->place < b->place ? -1 : a->place > b->place;
}

static int cmp_meet(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (a->p_meet != b->p_meet)
    return a->p_meet > b->p_meet ? -1 : 1;
  return cmp_mean(pa, pb);
}

/* The stated criterion: highest P(meet deadline) (with a deadline), then
 * lowest p95, then lowest mean, then enumeration order. */
static int cmp_robust(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (!isnan(a->p_meet) && a->p_meet != b->p_meet)
    return a->p_meet > b->p_meet ? -1 : 1;
  if (a->p95 != b->p95)
    return a->p95 < b->p95 ? -1 : 1;
  return cmp_mean(pa, pb);
}

/* A chunk as a work unit (sim_dist.h): pass 1's sums travel as aux, pass
 * 2's per-sample latencies of the kept placements too. */
static void chunk_range(const rmodel *rm, size_t c, size_t *n0, size_t *n1) {
  *n0 = c * CHUNK;
  *n1 = *n0 + CHUNK;
  if (*n1 > rm->u->samples)
    *n1 = rm->u->samples;
}

/* Counts of one chunk (<= CHUNK each, mostly 0): (index, count) pairs. */
static void put_sparse(ss_buf *b, const uint64_t *v, size_t n) {
  uint32_t nz = 0;
  for (size_t i = 0; i < n; i++)
    nz += v[i] != 0;
  sim_aux_put(b, &nz, sizeof nz);
  for (size_t i = 0; i < n; i++)
    if (v[i]) {
      uint32_t pair[2] = {(uint32_t)i, (uint32_t)v[i]};
      sim_aux_put(b, pair, sizeof pair);
    }
}

static int get_sparse(const char **p, const char *end, uint64_t *v, size_t n) {
  uint32_t nz;
  memset(v, 0, n * sizeof *v);
  if (sim_aux_get(p, end, &nz, sizeof nz) != 0)
    return -1;
  for (uint32_t k = 0; k < nz; k++) {
    uint32_t pair[2];
    if (sim_aux_get(p, end, pair, sizeof pair) != 0 || pair[0] >= n)
      return -1;
    v[pair[0]] = pair[1];
  }
  return 0;
}

static int chunk_pack(void *worker, size_t c, ss_buf *aux, ss_error *err) {
  (void)err;
  rworker *wk = worker;
  const rmodel *rm = wk->rm;
  size_t n = rm->n_place, n0, n1;
  if (rm->pass == 2) {
    chunk_range(rm, c, &n0, &n1);
    for (size_t q = 0; q < rm->n_keep; q++)
      sim_aux_put(aux, &rm->kept[q * rm->u->samples + n0],
                  (n1 - n0) * sizeof *rm->kept);
    return 0;
  }
  sim_aux_put(aux, wk->sum, n * sizeof *wk->sum);
  put_sparse(aux, wk->meet, n);
  put_sparse(aux, wk->opt, n);
  sim_aux_put(aux, &wk->sum_min, sizeof wk->sum_min);
  return 0;
}

static int chunk_unpack(void *worker, size_t c, const char *aux, size_t len,
                        ss_error *err) {
  rworker *wk = worker;
  rmodel *rm = wk->rm;
  size_t n = rm->n_place, n0, n1;
  const char *end = aux + len;
  if (rm->pass == 2) {
    chunk_range(rm, c, &n0, &n1);
    for (size_t q = 0; q < rm->n_keep; q++)
      if (sim_aux_get(&aux, end, &rm->kept[q * rm->u->samples + n0],
                      (n1 - n0) * sizeof *rm->kept) != 0)
        return ss_error_set(err, NULL, NULL, "damaged Monte Carlo unit %zu", c);
    return aux == end ? 0
                      : ss_error_set(err, NULL, NULL,
                                     "damaged Monte Carlo unit %zu", c);
  }
  if (sim_aux_get(&aux, end, wk->sum, n * sizeof *wk->sum) != 0 ||
      get_sparse(&aux, end, wk->meet, n) != 0 ||
      get_sparse(&aux, end, wk->opt, n) != 0 ||
      sim_aux_get(&aux, end, &wk->sum_min, sizeof wk->sum_min) != 0 ||
      aux != end)
    return ss_error_set(err, NULL, NULL, "damaged Monte Carlo unit %zu", c);
  return 0;
}

static double chunk_cost(const void *ctx, size_t c) {
  const rmodel *rm = ctx;
  size_t n0, n1;
  chunk_range(rm, c, &n0, &n1);
  return (double)(n1 - n0) * (double)(rm->pass == 1 ? rm->n_place : rm->n_keep);
}

static int run_pass(rmodel *rm, size_t m, unsigned jobs, const sim_options *opt,
                    ss_error *err) {
  size_t n_chunks = (rm->u->samples + CHUNK - 1) / CHUNK;
  if (jobs > n_chunks)
    jobs = (unsigned)n_chunks;
  rworker **wks = calloc(jobs, sizeof *wks);
  if (!wks)
    return ss_error_oom(err, NULL, NULL);
  int rc = -1;
  for (unsigned j = 0; j < jobs; j++)
    if (!(wks[j] = worker_new(rm))) {
      ss_error_oom(err, NULL, NULL);
      goto done;
    }
  char name[64];
  snprintf(name, sizeof name, "robust.%zu.pass%d", m, rm->pass);
  sim_phase ph = {name, n_chunks,     chunk_task,   chunk_commit,
                  rm,   chunk_pack,   chunk_unpack, chunk_cost,
                  rm,   rm->pass == 1 /* pass 2 needs pass 1's sums */};
  rc = sim_run_phase(&ph, jobs, (void **)wks, opt, err);
done:
  for (unsigned j = 0; j < jobs; j++)
    worker_free(wks[j]);
  free(wks);
  return rc;
}

/* Fill the table with every parameter at its scenario value and every
 * block at its median, evaluate, and check the table against the solver's
 * exact sums. *best gets the nominal optimum (the solver's choice). */
static int nominal_check(rmodel *rm, size_t *best, ss_error *err) {
  scn_uncertainty fixed = *rm->u;
  fixed.n_dists = 0;
  rmodel nm = *rm;
  nm.u = &fixed;
  double **sg = calloc(rm->n_ssys + 1, sizeof *sg);
  nm.sigma = sg;
  rworker *wk = sg ? worker_new(&nm) : NULL;
  int rc = -1;
  if (!wk) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  if (sample(wk, err) != 0)
    goto done;
  evaluate(&nm, wk->table, wk->lat);
  for (size_t i = 0; i < rm->n_place; i++)
    if (!(fabs(wk->lat[i] - rm->exact[i]) <=
          1e-9 * fabs(rm->exact[i]) + 1e-15)) {
      ss_error_set(err, NULL, NULL,
                   "internal: Monte Carlo table gives %.17g s for placement "
                   "%zu, the solver %.17g s",
                   wk->lat[i], i, rm->exact[i]);
      goto done;
    }
  double v;
  if (solver_sweep_best(rm->sw, best, &v) != 1) {
    ss_error_set(err, NULL, NULL, "internal: no nominal optimum");
    goto done;
  }
  rc = 0;
done:
  worker_free(wk);
  free(sg);
  return rc;
}

static int keep_add(size_t *keep, size_t *nk, size_t place) {
  for (size_t j = 0; j < *nk; j++)
    if (keep[j] == place)
      return 0;
  keep[(*nk)++] = place;
  return 1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Rows of model m into res, ranked by the criterion. */
static int make_rows(sim_robust_result *res, rmodel *rm, size_t m,
                     size_t nom_best, ss_error *err) {
  const scn_uncertainty *u = rm->u;
  size_t N = u->samples, nk = rm->n_keep;
  double dn = (double)N;
  cand *kc = calloc(nk + 1, sizeof *kc);
  sim_robust_row *nr = realloc(res->rows, (res->n_rows + nk) * sizeof *nr);
  if (!kc || !nr) {
    free(kc);
    return ss_error_oom(err, NULL, NULL);
  }
  res->rows = nr;
  for (size_t q = 0; q < nk; q++) {
    size_t i = rm->keep[q];
    double *x = &rm->kept[q * N];
    qsort(x, N, sizeof *x, cmp_double); /* ~3x faster than gsl_sort */
    kc[q].place = i;
    kc[q].q = q;
    kc[q].mean = rm->sum[i] / dn;
    kc[q].p_meet = u->has_deadline ? (double)rm->meet[i] / dn : NAN;
    kc[q].p95 = gsl_stats_quantile_from_sorted_data(x, 1, N, 0.95);
  }
  qsort(kc, nk, sizeof *kc, cmp_robust);
  for (size_t r = 0; r < nk; r++) {
    size_t q = kc[r].q, i = kc[r].place;
    const double *x = &rm->kept[q * N];
    solver_result sr;
    if (solver_sweep_describe(rm->sw, i, &sr, err) != 0) {
      free(kc);
      return -1;
    }
    char buf[2048];
    sim_placement_text(&rm->pr.pb.p, &sr.p, buf, sizeof buf);
    sim_robust_row *row = &res->rows[res->n_rows];
    memset(row, 0, sizeof *row);
    if (!(row->placement = ss_strdup(buf))) {
      free(kc);
      return ss_error_oom(err, NULL, NULL);
    }
    res->n_rows++;
    row->model = m;
    row->rank = r + 1;
    row->nominal_latency_s = sr.latency_s;
    row->nominal_best = i == nom_best;
    row->mean_s = kc[r].mean;
    row->sd_s = N > 1 ? gsl_stats_sd_m(x, 1, N, row->mean_s) : 0;
    row->p50_s = gsl_stats_quantile_from_sorted_data(x, 1, N, 0.5);
    row->p95_s = kc[r].p95;
    row->p99_s = gsl_stats_quantile_from_sorted_data(x, 1, N, 0.99);
    row->p_meet_deadline = kc[r].p_meet;
    row->p_optimal = (double)rm->opt[i] / dn;
    row->expected_regret_s = (rm->sum[i] - rm->sum_min) / dn;
    if (row->expected_regret_s < 0) /* rounding of equal sums */
      row->expected_regret_s = 0;
  }
  free(kc);
  return 0;
}

/* Collect mode: every process takes the kept placements of the process
 * that holds all pass-1 units (MPI rank 0). */
static int sync_keep(const sim_options *opt, size_t *keep, size_t *nk,
                     size_t cap, ss_error *err) {
  ss_buf b = {0};
  uint64_t n = *nk;
  sim_aux_put(&b, &n, sizeof n);
  for (size_t i = 0; i < *nk; i++) {
    uint64_t v = keep[i];
    sim_aux_put(&b, &v, sizeof v);
  }
  int rc = b.oom ? ss_error_oom(err, NULL, NULL) : sim_dist_sync(opt, &b, err);
  const char *p = b.p, *end = b.p + b.len;
  if (rc == 0 && (sim_aux_get(&p, end, &n, sizeof n) != 0 || n > cap))
    rc = ss_error_set(err, NULL, NULL, "damaged kept-placement list");
  for (uint64_t i = 0; rc == 0 && i < n; i++) {
    uint64_t v;
    if (sim_aux_get(&p, end, &v, sizeof v) != 0)
      rc = ss_error_set(err, NULL, NULL, "damaged kept-placement list");
    keep[i] = (size_t)v;
  }
  if (rc == 0)
    *nk = (size_t)n;
  ss_buf_free(&b);
  return rc;
}

/* Model m's problem, link pairs, block sigmas, boundary bytes and terms. */
static int rmodel_setup(rmodel *rm, const sim_study_world *w, size_t m,
                        ss_error *err) {
  const scn_scenario *s = w->s;
  const scn_uncertainty *u = s->uncertainty;
  memset(rm, 0, sizeof *rm);
  rm->w = w;
  rm->s = s;
  rm->u = u;
  rm->K = s->n_tiers;
  rm->deadline_s = u->has_deadline ? ss_ms_to_s(u->deadline_ms) : INFINITY;
  const size_t *ts[SOLVER_MAX_TIERS];
  size_t nts[SOLVER_MAX_TIERS];
  sim_study_scenario_tiers(w, ts, nts);
  if (sim_study_prob_build(w, s, m, ts, nts, &rm->pr, err) != 0)
    return -1;
  rm->n_total = rm->pr.pb.n_total;
  rm->B = rm->pr.pb.p.n_blocks;
  if (!(rm->bytes = malloc((rm->B + 1) * sizeof *rm->bytes)) ||
      build_pairs(rm) != 0 || build_sigma(rm, &w->models[m]) != 0)
    return ss_error_oom(err, NULL, NULL);
  rm->bytes[0] = rm->pr.pb.p.input_bytes;
  for (size_t b = 0; b < rm->B; b++)
    rm->bytes[b + 1] = rm->pr.pb.p.output_bytes[b];
  return build_terms(rm, err);
}

/* After pass 1: the placements pass 2 keeps every sample of, into keep:
 * the top_k by mean, the top_k by P(meet deadline), and the nominal
 * optimum. Returns how many. */
static size_t choose_kept(const rmodel *rm, cand *cs, size_t *keep,
                          size_t nom_best) {
  const scn_uncertainty *u = rm->u;
  double dn = (double)u->samples;
  for (size_t i = 0; i < rm->n_place; i++) {
    cs[i].place = i;
    cs[i].mean = rm->sum[i] / dn;
    cs[i].p_meet = u->has_deadline ? (double)rm->meet[i] / dn : NAN;
  }
  size_t nk = 0, k = u->top_k < rm->n_place ? u->top_k : rm->n_place;
  qsort(cs, rm->n_place, sizeof *cs, cmp_mean);
  for (size_t i = 0; i < k; i++)
    keep_add(keep, &nk, cs[i].place);
  if (u->has_deadline) {
    qsort(cs, rm->n_place, sizeof *cs, cmp_meet);
    for (size_t i = 0; i < k; i++)
      keep_add(keep, &nk, cs[i].place);
  }
  keep_add(keep, &nk, nom_best);
  return nk;
}

static int robust_model(sim_robust_result *res, const sim_study_world *w,
                        size_t m, const sim_options *opt, ss_error *err) {
  const scn_uncertainty *u = w->s->uncertainty;
  unsigned jobs = opt && opt->jobs > 1 ? opt->jobs : 1;
  rmodel rm;
  cand *cs = NULL;
  size_t *keep = NULL;
  int rc = -1;
  if (rmodel_setup(&rm, w, m, err) != 0)
    goto done;
  res->n_placements[m] = rm.n_place;
  if (rm.n_place == 0) { /* nothing feasible: no rows */
    rc = 0;
    goto done;
  }
  size_t nom_best;
  if (nominal_check(&rm, &nom_best, err) != 0)
    goto done;
  rm.sum = calloc(rm.n_place, sizeof *rm.sum);
  rm.meet = calloc(rm.n_place, sizeof *rm.meet);
  rm.opt = calloc(rm.n_place, sizeof *rm.opt);
  cs = calloc(rm.n_place, sizeof *cs);
  keep = calloc(2 * u->top_k + 1, sizeof *keep);
  if (!rm.sum || !rm.meet || !rm.opt || !cs || !keep) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  rm.pass = 1;
  if (run_pass(&rm, m, jobs, opt, err) != 0)
    goto done;
  if (sim_collecting(opt) && !sim_dist_can_reduce(opt)) {
    rc = 0; /* pass 2 needs every unit of pass 1: the merge runs it */
    goto done;
  }
  size_t nk = choose_kept(&rm, cs, keep, nom_best);
  if (sim_collecting(opt) && sync_keep(opt, keep, &nk, 2 * u->top_k + 1, err))
    goto done;
  rm.n_keep = nk;
  rm.keep = keep;
  if (!(rm.kept = malloc(nk * u->samples * sizeof *rm.kept))) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  rm.pass = 2;
  if (run_pass(&rm, m, jobs, opt, err) != 0 ||
      (!sim_collecting(opt) && make_rows(res, &rm, m, nom_best, err) != 0))
    goto done;
  rc = 0;
done:
  free(cs);
  free(keep);
  rmodel_clear(&rm);
  if (rc != 0 && !sim_interrupted(err))
    ss_error_prefix(err, "uncertainty: model '%s'", w->models[m].name);
  return rc;
}

void sim_robust_result_free(sim_robust_result *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_rows; i++)
    free(r->rows[i].placement);
  free(r->rows);
  if (r->models)
    for (size_t m = 0; m < r->n_models; m++)
      free(r->models[m]);
  free(r->models);
  free(r->n_placements);
  free(r);
}

int sim_robust_run(const sim_engine *e, const scn_scenario *s,
                   const prof_set *set, const sim_options *opt,
                   sim_robust_result **out, ss_error *err) {
  *out = NULL;
  if (!s->uncertainty)
    return ss_error_set(err, s->file, NULL, "the scenario has no uncertainty:");
  gsl_set_error_handler_off();
  sim_study_world *w = NULL;
  sim_robust_result *r = calloc(1, sizeof *r);
  if (!r)
    return ss_error_oom(err, NULL, NULL);
  r->samples = s->uncertainty->samples;
  if (sim_study_world_new(s, set, &w, err) != 0 ||
      sim_study_world_models(w, NULL, 0, e, err) != 0)
    goto fail;
  r->n_models = w->n_models;
  r->models = calloc(w->n_models + 1, sizeof *r->models);
  r->n_placements = calloc(w->n_models + 1, sizeof *r->n_placements);
  if (!r->models || !r->n_placements) {
    ss_error_oom(err, NULL, NULL);
    goto fail;
  }
  for (size_t m = 0; m < w->n_models; m++)
    if (!(r->models[m] = ss_strdup(w->models[m].name))) {
      ss_error_oom(err, NULL, NULL);
      goto fail;
    }
  for (size_t m = 0; m < w->n_models; m++)
    if (robust_model(r, w, m, opt, err) != 0)
      goto fail;
  sim_study_world_free(w);
  *out = r;
  return 0;
fail:
  sim_study_world_free(w);
  sim_robust_result_free(r);
  return -1;
}

int sim_robust_write(const sim_robust_result *r, const scn_scenario *s,
                     const char *outdir, ss_error *err) {
  (void)s;
  ss_buf b = {NULL, 0, 0, 0};
  ss_buf_str(&b, "model,rank,placement,nominal_latency_s,nominal_best,"
                 "mean_latency_s,sd_latency_s,p50_latency_s,p95_latency_s,"
                 "p99_latency_s,p_meet_deadline,p_optimal,"
                 "expected_regret_s,robust\n");
  for (size_t i = 0; i < r->n_rows; i++) {
    const sim_robust_row *x = &r->rows[i];
    ss_csv_field(&b, r->models[x->model]);
    ss_buf_char(&b, ',');
    sim_buf_u64(&b, x->rank);
    ss_buf_char(&b, ',');
    ss_csv_field(&b, x->placement);
    ss_buf_char(&b, ',');
    sim_buf_num(&b, x->nominal_latency_s);
    ss_buf_str(&b, x->nominal_best ? ",1" : ",0");
    const double v[] = {x->mean_s,    x->sd_s,
                        x->p50_s,     x->p95_s,
                        x->p99_s,     x->p_meet_deadline,
                        x->p_optimal, x->expected_regret_s};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
      ss_buf_char(&b, ',');
      sim_buf_num(&b, v[k]);
    }
    ss_buf_str(&b, x->rank == 1 ? ",1\n" : ",0\n");
  }
  int rc = sim_study_save(outdir, "robust.csv", &b, err);
  ss_buf_free(&b);
  return rc;
}

/* ---- the study's row ---------------------------------------------------- */

static int robust_present(const scn_scenario *s) {
  return s->uncertainty != NULL;
}

static int robust_run(const sim_engine *e, const scn_scenario *s,
                      const prof_set *set, const sim_options *opt,
                      void **result, ss_error *err) {
  sim_robust_result *r = NULL;
  int rc = sim_robust_run(e, s, set, opt, &r, err);
  *result = r;
  return rc;
}

static int robust_write(const void *result, const scn_scenario *s,
                        const char *outdir, ss_error *err) {
  return sim_robust_write(result, s, outdir, err);
}

static void robust_free(void *result) { sim_robust_result_free(result); }

const sim_study_ops sim_study_robust = {
    "uncertainty", robust_present,       robust_run, robust_write,
    robust_free,   {"robust.csv", NULL}, NULL};
