/* The purchasing study: for the baseline (what is owned), each option
 * bought alone, and with a budget every affordable combination, the best
 * placement of every workload model, the workload-weighted latency and
 * throughput, the gain over the baseline per unit of money, and the Pareto
 * front of price vs weighted latency.
 *
 * How: an option set owns, per tier, a subset of the union of all systems
 * the baseline and the options bring. Its best placement is the best over
 * its "full tuples" (one owned system per tier that owns any, no system on
 * the others) of the best placement that uses at most those systems. So the
 * solver runs once per tuple that some set needs (and per model and sweep
 * point) and every set is a minimum over a few tuples. */
#include "../common/ss_csv.h"
#include "../common/ss_mem.h"
#include "sim_columns.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"
#include "sim_study_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TUPLES ((size_t)1 << 22)
/* Most (option sets + tuples) x sweep points kept in memory. */
#define MAX_CELLS ((size_t)50000000)

typedef struct ptier {
  size_t n;        /* systems of the tier over the baseline and all options */
  size_t sys[64];  /* study system indices */
  scn_pos pos[64]; /* where each was first named */
  const char *what[64]; /* the option's name; NULL: the baseline */
  uint64_t base;        /* bits of the baseline's systems */
} ptier;

typedef struct pstudy {
  const scn_scenario *s;
  const scn_purchase *P;
  sim_study_world *w;
  size_t K;
  ptier tier[SOLVER_MAX_TIERS];
  uint64_t opt_bit[SCN_MAX_OPTIONS]; /* the option's system in its tier */
  size_t radix[SOLVER_MAX_TIERS], stride[SOLVER_MAX_TIERS];
  size_t n_tuples;
  long *slot_of; /* n_tuples: slot of a needed tuple, or -1 */
  size_t n_slots;
  size_t *slot_tuple;
  size_t *set_off, *set_list; /* per row: its tuples' slots */
  size_t n_points; /* evaluations: the sweep points, then the reference */
  size_t n_sweep;  /* sweep points */
  int use_sweep;
  unsigned jobs;
  scn_scenario **wscn; /* per thread: scenario copy for applying points */
  /* per slot (x point) results of the current model */
  size_t model;
  double *t_lat, *t_thr;
  unsigned char *t_est;
  char **t_text; /* reference point placement text */
  sim_purchase_result *r;
  double *lat_sum, *thr_sum; /* [row * n_points + p] */
  unsigned char *bad;        /* some weighted model infeasible */
} pstudy;

void sim_purchase_result_free(sim_purchase_result *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_rows; i++) {
    sim_purchase_row *x = &r->rows[i];
    free(x->option);
    free(x->weighted_latency_s);
    free(x->weighted_throughput_per_s);
    free(x->gain_s);
    free(x->gain_pct);
    free(x->pareto);
  }
  free(r->rows);
  if (r->picks)
    for (size_t i = 0; i < r->n_rows * r->n_models; i++)
      free(r->picks[i].placement);
  free(r->picks);
  if (r->models)
    for (size_t m = 0; m < r->n_models; m++)
      free(r->models[m]);
  free(r->models);
  free(r->weights);
  free(r);
}

/* ---- option sets ------------------------------------------------------- */

static int popcount64(uint64_t x) {
  int n = 0;
  for (; x; x &= x - 1)
    n++;
  return n;
}

/* Order: by size, then lexicographically by option indices. */
static int cmp_set(const void *pa, const void *pb) {
  uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
  int ca = popcount64(a), cb = popcount64(b);
  if (ca != cb)
    return ca < cb ? -1 : 1;
  if (a == b)
    return 0;
  uint64_t x = a ^ b, low = x & (~x + 1);
  return (a & low) ? -1 : 1;
}

typedef struct setlist {
  uint64_t *v;
  size_t n, cap;
  int oom;
} setlist;

static void set_push(setlist *l, uint64_t m) {
  if (l->oom)
    return;
  void *v = l->v;
  if (ss_grow(&v, &l->cap, l->n + 1, sizeof *l->v, 64) != 0) {
    l->oom = 1;
    return;
  }
  l->v = v;
  l->v[l->n++] = m;
}

/* Every affordable combination of two or more options. */
static void combos(const scn_purchase *P, size_t from, uint64_t mask,
                   double sum, int size, setlist *out) {
  for (size_t j = from; j < P->n_options && !out->oom; j++) {
    double s = sum + P->options[j].price;
    if (s > P->budget)
      continue;
    uint64_t m = mask | ((uint64_t)1 << j);
    if (size + 1 >= 2) {
      if (out->n > SCN_MAX_PURCHASE_SETS) /* checked at load; stay bounded */
        return;
      set_push(out, m);
    }
    combos(P, j + 1, m, s, size + 1, out);
  }
}

static int make_rows(pstudy *ps, ss_error *err) {
  const scn_purchase *P = ps->P;
  sim_purchase_result *r = ps->r;
  setlist l = {NULL, 0, 0, 0};
  set_push(&l, 0);
  for (size_t i = 0; i < P->n_options; i++)
    set_push(&l, (uint64_t)1 << i);
  if (P->has_budget) {
    size_t first = l.n;
    combos(P, 0, 0, 0, 0, &l);
    if (!l.oom)
      qsort(l.v + first, l.n - first, sizeof *l.v, cmp_set);
  }
  if (l.oom) {
    free(l.v);
    return ss_error_oom(err, NULL, NULL);
  }
  if (!(r->rows = calloc(l.n, sizeof *r->rows))) {
    free(l.v);
    return ss_error_oom(err, NULL, NULL);
  }
  r->n_rows = l.n;
  size_t np = ps->n_points;
  for (size_t k = 0; k < l.n; k++) {
    sim_purchase_row *x = &r->rows[k];
    x->options = l.v[k];
    size_t len = k ? 1 : sizeof "baseline";
    for (size_t i = 0; i < P->n_options; i++) {
      if (!(x->options >> i & 1))
        continue;
      const scn_option *o = &P->options[i];
      x->n_options++;
      x->price += o->price;
      x->yearly_cost += o->yearly_cost;
      x->power_w += o->power_w;
      if (o->scale != 1.0)
        x->estimated = 1;
      len += strlen(o->name) + 1;
    }
    x->cost_per_year = x->price / P->years + x->yearly_cost;
    x->tco = x->price + x->yearly_cost * P->years;
    x->within_budget = P->has_budget ? x->price <= P->budget : -1;
    x->option = malloc(len + 1);
    x->weighted_latency_s = malloc(np * sizeof(double));
    x->weighted_throughput_per_s = malloc(np * sizeof(double));
    x->gain_s = malloc(np * sizeof(double));
    x->pareto = calloc(np, 1);
    x->gain_pct = malloc(np * sizeof(double));
    if (!x->option || !x->weighted_latency_s || !x->weighted_throughput_per_s ||
        !x->gain_s || !x->pareto || !x->gain_pct) {
      free(l.v);
      return ss_error_oom(err, NULL, NULL);
    }
    if (k == 0) {
      strcpy(x->option, "baseline");
      continue;
    }
    x->option[0] = '\0';
    for (size_t i = 0; i < P->n_options; i++)
      if (x->options >> i & 1) {
        if (x->option[0])
          strcat(x->option, "+");
        strcat(x->option, P->options[i].name);
      }
  }
  free(l.v);
  return 0;
}

/* ---- systems and tuples ------------------------------------------------ */

static int tier_add(pstudy *ps, size_t t, size_t sys, scn_pos pos,
                    const char *what, uint64_t *bit, ss_error *err) {
  ptier *pt = &ps->tier[t];
  for (size_t j = 0; j < pt->n; j++)
    if (pt->sys[j] == sys) {
      *bit = (uint64_t)1 << j;
      return 0;
    }
  if (pt->n == 63)
    return scn_error_at(err, ps->s, pos,
                        "purchase: more than 63 systems on tier '%s' over "
                        "the baseline and the options",
                        ps->s->tiers[t].name);
  *bit = (uint64_t)1 << pt->n;
  pt->pos[pt->n] = pos;
  pt->what[pt->n] = what;
  pt->sys[pt->n++] = sys;
  return 0;
}

/* Every pair of systems on two tiers needs a link at the first point;
 * the error points at where the later one was named. */
static int check_links(pstudy *ps, ss_error *err) {
  const scn_scenario *s = ps->w->s;
  for (size_t ta = 0; ta < ps->K; ta++)
    for (size_t tb = ta + 1; tb < ps->K; tb++)
      for (size_t i = 0; i < ps->tier[ta].n; i++)
        for (size_t j = 0; j < ps->tier[tb].n; j++) {
          const ptier *a = &ps->tier[ta], *b = &ps->tier[tb];
          sim_link_spec l =
              sim_study_link(ps->w, s, a->sys[i], ta, b->sys[j], tb);
          const char *what = sim_link_missing(&l);
          if (!what)
            continue;
          int later = b->pos[j].line > a->pos[i].line ||
                      (b->pos[j].line == a->pos[i].line &&
                       b->pos[j].column > a->pos[i].column);
          const char *who = later ? b->what[j] : a->what[i];
          return scn_error_at(
              err, s, later ? b->pos[j] : a->pos[i],
              "purchase%s%s%s: no link from '%s' (%s) to '%s' (%s): %s not "
              "set; add links.%s-%s to the scenario%s%s",
              who ? " option '" : " baseline", who ? who : "", who ? "'" : "",
              ps->w->sys[a->sys[i]].name, s->tiers[ta].name,
              ps->w->sys[b->sys[j]].name, s->tiers[tb].name, what,
              s->tiers[ta].name, s->tiers[tb].name,
              s->network ? " or a row to " : " or a network file",
              s->network ? s->network : "");
        }
  return 0;
}

static int setup_systems(pstudy *ps, ss_error *err) {
  const scn_purchase *P = ps->P;
  for (size_t i = 0; i < P->n_baseline; i++) {
    const scn_tier_system *b = &P->baseline[i];
    long k = sim_study_add_sys(ps->w, b->system, 1.0, b->pos, err);
    uint64_t bit;
    if (k < 0 || tier_add(ps, b->tier, (size_t)k, b->pos, "the baseline", &bit,
                          err) != 0)
      return -1;
    ps->tier[b->tier].base |= bit;
  }
  for (size_t i = 0; i < P->n_options; i++) {
    const scn_option *o = &P->options[i];
    long k = sim_study_add_sys(ps->w, o->system, o->scale, o->system_pos, err);
    if (k < 0 || tier_add(ps, o->tier, (size_t)k, o->system_pos, o->name,
                          &ps->opt_bit[i], err) != 0)
      return -1;
  }
  if (check_links(ps, err) != 0)
    return -1;
  size_t total = 1;
  for (size_t t = ps->K; t-- > 0;) {
    ps->radix[t] = ps->tier[t].n + 1;
    ps->stride[t] = total;
    if (total > MAX_TUPLES / ps->radix[t])
      return scn_error_at(err, ps->s, P->pos,
                          "purchase: too many combinations of systems over "
                          "the tiers (more than %zu)",
                          MAX_TUPLES);
    total *= ps->radix[t];
  }
  ps->n_tuples = total;
  return 0;
}

/* Owned systems of tier t under option set `set`. */
static uint64_t owned(const pstudy *ps, size_t t, uint64_t set) {
  uint64_t m = ps->tier[t].base;
  for (size_t i = 0; i < ps->P->n_options; i++)
    if ((set >> i & 1) && ps->P->options[i].tier == t)
      m |= ps->opt_bit[i];
  return m;
}

/* Call fn for every full tuple of the set: one owned system per tier that
 * owns any, none on the others (tier 0 outermost, the last tier fastest). */
static int for_tuples(const pstudy *ps, uint64_t set, int (*fn)(void *, size_t),
                      void *ctx) {
  unsigned char choice[SOLVER_MAX_TIERS][64];
  size_t nc[SOLVER_MAX_TIERS], at[SOLVER_MAX_TIERS];
  for (size_t t = 0; t < ps->K; t++) {
    uint64_t own = owned(ps, t, set);
    nc[t] = 0;
    at[t] = 0;
    for (unsigned j = 0; j < 64; j++)
      if (own >> j & 1)
        choice[t][nc[t]++] = (unsigned char)(j + 1);
    if (nc[t] == 0)
      choice[t][nc[t]++] = 0; /* digit 0: the tier is not used */
  }
  for (;;) {
    size_t idx = 0;
    for (size_t t = 0; t < ps->K; t++)
      idx += choice[t][at[t]] * ps->stride[t];
    if (fn(ctx, idx) != 0)
      return -1;
    int t = (int)ps->K - 1;
    for (; t >= 0; t--) {
      if (++at[t] < nc[t])
        break;
      at[t] = 0;
    }
    if (t < 0)
      return 0;
  }
}

typedef struct mark_ctx {
  pstudy *ps;
  size_t n, cap;
  int oom;
} mark_ctx;

static int mark_tuple(void *ctx, size_t idx) {
  mark_ctx *mc = ctx;
  pstudy *ps = mc->ps;
  if (ps->slot_of[idx] < 0) {
    ps->slot_of[idx] = (long)ps->n_slots;
    ps->slot_tuple[ps->n_slots++] = idx;
  }
  void *list = ps->set_list;
  if (ss_grow(&list, &mc->cap, mc->n + 1, sizeof *ps->set_list, 256) != 0) {
    mc->oom = 1;
    return -1;
  }
  ps->set_list = list;
  ps->set_list[mc->n++] = (size_t)ps->slot_of[idx];
  return 0;
}

static int setup_slots(pstudy *ps, ss_error *err) {
  sim_purchase_result *r = ps->r;
  ps->slot_of = malloc(ps->n_tuples * sizeof *ps->slot_of);
  ps->slot_tuple = malloc(ps->n_tuples * sizeof *ps->slot_tuple);
  ps->set_off = malloc((r->n_rows + 1) * sizeof *ps->set_off);
  if (!ps->slot_of || !ps->slot_tuple || !ps->set_off)
    return ss_error_oom(err, NULL, NULL);
  for (size_t i = 0; i < ps->n_tuples; i++)
    ps->slot_of[i] = -1;
  mark_ctx mc = {ps, 0, 0, 0};
  for (size_t k = 0; k < r->n_rows; k++) {
    ps->set_off[k] = mc.n;
    if (for_tuples(ps, r->rows[k].options, mark_tuple, &mc) != 0)
      return ss_error_oom(err, NULL, NULL);
  }
  ps->set_off[r->n_rows] = mc.n;
  size_t np = ps->n_points;
  if ((r->n_rows + ps->n_slots) > MAX_CELLS / np)
    return scn_error_at(err, ps->s, ps->P->pos,
                        "purchase: %zu option sets and %zu system "
                        "combinations over %zu sweep points is more than "
                        "the study keeps in memory; use fewer sweep points "
                        "or a lower budget",
                        r->n_rows, ps->n_slots, np);
  ps->t_lat = malloc(ps->n_slots * np * sizeof *ps->t_lat);
  ps->t_thr = malloc(ps->n_slots * np * sizeof *ps->t_thr);
  ps->t_est = malloc(ps->n_slots * np);
  ps->t_text = calloc(ps->n_slots, sizeof *ps->t_text);
  ps->lat_sum = calloc(r->n_rows * np, sizeof *ps->lat_sum);
  ps->thr_sum = calloc(r->n_rows * np, sizeof *ps->thr_sum);
  ps->bad = calloc(r->n_rows * np, 1);
  if (!ps->t_lat || !ps->t_thr || !ps->t_est || !ps->t_text || !ps->lat_sum ||
      !ps->thr_sum || !ps->bad)
    return ss_error_oom(err, NULL, NULL);
  return 0;
}

/* ---- solving ----------------------------------------------------------- */

static int push_values(solver_sweep *sw, const sim_study_prob *pr) {
  size_t n = pr->pb.n_total;
  for (size_t ga = 0; ga < n; ga++) {
    if (solver_sweep_set_availability(sw, ga, pr->pb.sys[ga].availability) != 0)
      return -1;
    for (size_t gb = ga + 1; gb < n; gb++)
      if (pr->pb.g_tier[ga] < pr->pb.g_tier[gb] &&
          solver_sweep_set_link(sw, ga, gb, pr->pb.links[ga * n + gb]) != 0)
        return -1;
  }
  return 0;
}

/* Apply evaluation p: sweep point p, or the reference point after them. */
static int apply_eval(const pstudy *ps, scn_scenario *s, size_t p,
                      ss_error *err) {
  if (p < ps->n_sweep)
    return scn_apply_point(s, p, err);
  return scn_apply_reference(s, err);
}

/* Solve one tuple for the current model at every sweep point and at the
 * reference point. */
static int slot_task(void *ctx, size_t k, ss_error *err) {
  pstudy *ps = ctx;
  const sim_study_world *w = ps->w;
  scn_scenario *s = ps->wscn[k % ps->jobs];
  size_t tuple = ps->slot_tuple[k], np = ps->n_points;
  size_t one[SOLVER_MAX_TIERS], nts[SOLVER_MAX_TIERS];
  const size_t *ts[SOLVER_MAX_TIERS];
  for (size_t t = 0; t < ps->K; t++) {
    size_t d = tuple / ps->stride[t] % ps->radix[t];
    nts[t] = d ? 1 : 0;
    one[t] = d ? ps->tier[t].sys[d - 1] : 0;
    ts[t] = &one[t];
  }
  if (s->n_axes && apply_eval(ps, s, 0, err) != 0)
    return -1;
  sim_study_prob pr;
  solver_sweep *sw = NULL;
  int rc = -1;
  if (sim_study_prob_build(w, s, ps->model, ts, nts, &pr, err) != 0)
    return -1;
  if (ps->use_sweep && solver_sweep_prepare(&pr.pb.p, &pr.cons,
                                            SOLVER_OBJ_LATENCY, &sw, err) != 0)
    goto done;
  for (size_t p = 0; p < np; p++) {
    if (p > 0) {
      if (apply_eval(ps, s, p, err) != 0 ||
          sim_study_prob_refresh(w, s, &pr, err) != 0)
        goto done;
      if (sw && push_values(sw, &pr) != 0) {
        ss_error_set(err, s->file, NULL, "invalid link or availability");
        goto done;
      }
    }
    solver_result r;
    int found;
    if (sw) {
      size_t idx;
      double v;
      found = solver_sweep_best(sw, &idx, &v);
      if (found == 1 && solver_sweep_describe(sw, idx, &r, err) != 0)
        goto done;
    } else {
      found =
          solver_best(&pr.pb.p, &pr.cons, SOLVER_OBJ_LATENCY, &r, NULL, err);
    }
    if (found < 0)
      goto done;
    size_t c = k * np + p;
    ps->t_lat[c] = found ? r.latency_s : NAN;
    ps->t_thr[c] = found ? r.throughput_per_s : NAN;
    ps->t_est[c] = 0;
    for (size_t t = 0; found && t < ps->K; t++)
      if (r.p.sys[t] >= 0 && r.p.first[t] >= 0 && w->sys[one[t]].scale != 1.0)
        ps->t_est[c] = 1;
    if (p == ps->n_sweep) { /* the reference point */
      free(ps->t_text[k]);
      ps->t_text[k] = NULL;
      if (found) {
        char buf[2048];
        sim_placement_text(&pr.pb.p, &r.p, buf, sizeof buf);
        if (!(ps->t_text[k] = ss_strdup(buf))) {
          ss_error_oom(err, NULL, NULL);
          goto done;
        }
      }
    }
  }
  rc = 0;
done:
  solver_sweep_free(sw);
  sim_study_prob_free(&pr);
  if (rc != 0)
    ss_error_prefix(err, "purchase: model '%s'", w->models[ps->model].name);
  return rc;
}

/* Each option set's best for the current model, added to the sums. */
static int combine(pstudy *ps, ss_error *err) {
  sim_purchase_result *r = ps->r;
  size_t m = ps->model, np = ps->n_points;
  double wgt = ps->w->models[m].weight;
  for (size_t k = 0; k < r->n_rows; k++)
    for (size_t p = 0; p < np; p++) {
      double best = NAN;
      long bs = -1;
      for (size_t j = ps->set_off[k]; j < ps->set_off[k + 1]; j++) {
        size_t sl = ps->set_list[j];
        double L = ps->t_lat[sl * np + p];
        if (!isnan(L) && (bs < 0 || L < best)) {
          best = L;
          bs = (long)sl;
        }
      }
      size_t c = k * np + p;
      if (wgt > 0) {
        if (bs < 0) {
          ps->bad[c] = 1;
        } else {
          ps->lat_sum[c] += wgt * best;
          ps->thr_sum[c] += wgt * ps->t_thr[(size_t)bs * np + p];
        }
      }
      if (p != ps->n_sweep)
        continue;
      sim_purchase_pick *pk = &r->picks[k * r->n_models + m];
      pk->feasible = bs >= 0;
      if (bs < 0) {
        pk->latency_s = pk->throughput_per_s = NAN;
        continue;
      }
      pk->latency_s = best;
      pk->throughput_per_s = ps->t_thr[(size_t)bs * np + p];
      pk->estimated = ps->t_est[(size_t)bs * np + p];
      if (!(pk->placement = ss_strdup(ps->t_text[bs])))
        return ss_error_oom(err, NULL, NULL);
    }
  return 0;
}

typedef struct pareto_item {
  double price, lat;
  size_t row;
} pareto_item;

static int cmp_pareto(const void *pa, const void *pb) {
  const pareto_item *a = pa, *b = pb;
  if (a->price != b->price)
    return a->price < b->price ? -1 : 1;
  if (a->lat != b->lat)
    return a->lat < b->lat ? -1 : 1;
  return a->row < b->row ? -1 : a->row > b->row;
}

/* Pareto front of total cost of ownership vs weighted latency at point p:
 * rows that no other row beats on one and matches or beats on the other. */
static int mark_pareto(sim_purchase_result *r, size_t p, ss_error *err) {
  pareto_item *it = malloc((r->n_rows + 1) * sizeof *it);
  if (!it)
    return ss_error_oom(err, NULL, NULL);
  size_t n = 0;
  for (size_t k = 0; k < r->n_rows; k++) {
    r->rows[k].pareto[p] = 0;
    double L = r->rows[k].weighted_latency_s[p];
    if (isnan(L))
      continue;
    it[n].price = r->rows[k].tco;
    it[n].lat = L;
    it[n].row = k;
    n++;
  }
  qsort(it, n, sizeof *it, cmp_pareto);
  double best = INFINITY; /* lowest latency of strictly cheaper rows */
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && it[j].price == it[i].price)
      j++;
    double low = it[i].lat; /* sorted: the group's lowest first */
    for (size_t q = i; q < j && it[q].lat == low; q++)
      if (low < best)
        r->rows[it[q].row].pareto[p] = 1;
    if (low < best)
      best = low;
    i = j;
  }
  free(it);
  return 0;
}

static void pstudy_clear(pstudy *ps) {
  if (ps->wscn)
    for (unsigned j = 0; j < ps->jobs; j++)
      scn_free(ps->wscn[j]);
  free(ps->wscn);
  free(ps->slot_of);
  free(ps->slot_tuple);
  free(ps->set_off);
  free(ps->set_list);
  free(ps->t_lat);
  free(ps->t_thr);
  free(ps->t_est);
  if (ps->t_text)
    for (size_t k = 0; k < ps->n_slots; k++)
      free(ps->t_text[k]);
  free(ps->t_text);
  free(ps->lat_sum);
  free(ps->thr_sum);
  free(ps->bad);
  sim_study_world_free(ps->w);
}

/* The fastest row at sweep point p: lowest weighted latency, then lowest
 * total cost of ownership, then row order; -1 when every row is
 * infeasible. */
long sim_purchase_fastest(const sim_purchase_result *r, size_t p) {
  long fast = -1;
  for (size_t k = 0; k < r->n_rows; k++) {
    const sim_purchase_row *x = &r->rows[k];
    double L = x->weighted_latency_s[p];
    if (isnan(L))
      continue;
    if (fast < 0) {
      fast = (long)k;
      continue;
    }
    const sim_purchase_row *f = &r->rows[fast];
    double Lf = f->weighted_latency_s[p];
    if (L < Lf || (L == Lf && x->tco < f->tco))
      fast = (long)k;
  }
  return fast;
}

/* Per row over the sweep points: where it is the fastest, and its mean
 * gain (every point counts once; points where it is infeasible are left
 * out of the mean). */
static void sweep_summary(sim_purchase_result *r) {
  for (size_t k = 0; k < r->n_rows; k++) {
    sim_purchase_row *x = &r->rows[k];
    x->points_fastest = 0;
    double sum = 0, sum_pct = 0;
    size_t n = 0;
    for (size_t p = 0; p < r->n_points; p++) {
      if (isnan(x->gain_s[p]))
        continue;
      sum += x->gain_s[p];
      sum_pct += x->gain_pct[p];
      n++;
    }
    x->mean_gain_s = n ? sum / (double)n : NAN;
    x->mean_gain_pct = n ? sum_pct / (double)n : NAN;
  }
  for (size_t p = 0; p < r->n_points; p++) {
    long f = sim_purchase_fastest(r, p);
    if (f >= 0)
      r->rows[f].points_fastest++;
  }
}

/* The study's shape: sweep points (+1: the reference), jobs, and whether
 * the sweep is studied too (only link and availability axes). */
static void pstudy_init(pstudy *ps, const scn_scenario *s,
                        const sim_options *opt) {
  memset(ps, 0, sizeof *ps);
  ps->s = s;
  ps->P = s->purchase;
  ps->K = s->n_tiers;
  ps->n_sweep = scn_sweep_count(s);
  ps->n_points = ps->n_sweep + 1;
  ps->jobs = opt && opt->jobs > 1 ? opt->jobs : 1;
  ps->use_sweep = ps->n_sweep > 1;
  for (size_t a = 0; a < s->n_axes; a++) {
    scn_param_kind k = s->axes[a].target.kind;
    if (k != SCN_PARAM_LINK_LATENCY_MS && k != SCN_PARAM_LINK_BANDWIDTH_MBPS &&
        k != SCN_PARAM_AVAILABILITY)
      ps->use_sweep = 0;
  }
}

/* The result's models, weights and picks, and a scenario copy per job. */
static int purchase_models(pstudy *ps, ss_error *err) {
  sim_purchase_result *r = ps->r;
  size_t M = ps->w->n_models;
  r->n_models = M;
  r->models = calloc(M + 1, sizeof *r->models);
  r->weights = calloc(M + 1, sizeof *r->weights);
  r->picks = calloc(r->n_rows * M + 1, sizeof *r->picks);
  ps->wscn = calloc(ps->jobs, sizeof *ps->wscn);
  if (!r->models || !r->weights || !r->picks || !ps->wscn)
    return ss_error_oom(err, NULL, NULL);
  for (unsigned j = 0; j < ps->jobs; j++)
    if (!(ps->wscn[j] = scn_copy(ps->s)))
      return ss_error_oom(err, NULL, NULL);
  for (size_t m = 0; m < M; m++) {
    r->weights[m] = ps->w->models[m].weight;
    if (!(r->models[m] = ss_strdup(ps->w->models[m].name)))
      return ss_error_oom(err, NULL, NULL);
  }
  return 0;
}

/* Each row's weighted latency and throughput, its gain over the baseline
 * row and the Pareto marks, at every point. */
static int weigh_rows(const pstudy *ps, ss_error *err) {
  sim_purchase_result *r = ps->r;
  double W = 0;
  for (size_t m = 0; m < r->n_models; m++)
    if (r->weights[m] > 0)
      W += r->weights[m];
  size_t np = ps->n_points;
  for (size_t k = 0; k < r->n_rows; k++)
    for (size_t p = 0; p < np; p++) {
      size_t c = k * np + p;
      sim_purchase_row *x = &r->rows[k];
      x->weighted_latency_s[p] = ps->bad[c] ? NAN : ps->lat_sum[c] / W;
      x->weighted_throughput_per_s[p] = ps->bad[c] ? NAN : ps->thr_sum[c] / W;
    }
  for (size_t p = 0; p < np; p++) {
    double base = r->rows[0].weighted_latency_s[p];
    for (size_t k = 0; k < r->n_rows; k++) {
      sim_purchase_row *x = &r->rows[k];
      x->gain_s[p] = base - x->weighted_latency_s[p];
      x->gain_pct[p] = base > 0 ? 100 * x->gain_s[p] / base : NAN;
    }
    if (mark_pareto(r, p, err) != 0)
      return -1;
  }
  return 0;
}

int sim_purchase_run(const sim_engine *e, const scn_scenario *s,
                     const prof_set *set, const sim_options *opt,
                     sim_purchase_result **out, ss_error *err) {
  *out = NULL;
  if (!s->purchase)
    return ss_error_set(err, s->file, NULL, "the scenario has no purchase:");
  pstudy ps;
  pstudy_init(&ps, s, opt);
  sim_purchase_result *r = calloc(1, sizeof *r);
  if (!r)
    return ss_error_oom(err, NULL, NULL);
  ps.r = r;
  r->n_points = ps.n_sweep;
  r->ref = ps.n_sweep;
  r->horizon_years = s->purchase->years;
  if (sim_study_world_new(s, set, &ps.w, err) != 0 ||
      setup_systems(&ps, err) != 0 ||
      sim_study_world_models(ps.w, ps.P->workload, ps.P->n_workload, e, err) !=
          0 ||
      make_rows(&ps, err) != 0 || purchase_models(&ps, err) != 0 ||
      setup_slots(&ps, err) != 0)
    goto fail;
  for (size_t m = 0; m < ps.w->n_models; m++) {
    ps.model = m;
    if (sim_study_parallel(ps.n_slots, ps.jobs, slot_task, &ps,
                           opt ? opt->cancel : NULL, err) != 0 ||
        combine(&ps, err) != 0)
      goto fail;
  }
  if (weigh_rows(&ps, err) != 0)
    goto fail;
  sweep_summary(r);
  pstudy_clear(&ps);
  *out = r;
  return 0;
fail:
  pstudy_clear(&ps);
  sim_purchase_result_free(r);
  return -1;
}

/* ---- tables ------------------------------------------------------------ */

static double ratio(double gain, double cost) {
  if (isnan(gain) || (gain == 0 && cost == 0))
    return NAN;
  return gain / cost;
}

/* purchase.csv: one row per option set at the reference point, with its
 * sweep-wide figures. */
static void purchase_table(const sim_purchase_result *r, ss_buf *b) {
  ss_buf_str(b, SIM_PURCHASE_HEADER);
  size_t f = r->ref;
  for (size_t k = 0; k < r->n_rows; k++) {
    const sim_purchase_row *x = &r->rows[k];
    ss_csv_field(b, x->option);
    ss_buf_char(b, ',');
    sim_buf_u64(b, x->n_options);
    const double v[] = {x->price,
                        x->yearly_cost,
                        r->horizon_years,
                        x->tco,
                        x->cost_per_year,
                        x->power_w,
                        x->weighted_latency_s[f],
                        x->gain_s[f],
                        x->gain_pct[f],
                        ratio(x->gain_s[f], x->tco),
                        ratio(x->gain_s[f], x->price),
                        ratio(x->gain_s[f], x->cost_per_year),
                        x->weighted_throughput_per_s[f]};
    sim_buf_nums(b, v, sizeof v / sizeof *v);
    ss_buf_str(b, x->pareto[f] ? ",1," : ",0,");
    ss_buf_str(b, x->estimated ? "1," : "0,");
    if (x->within_budget >= 0)
      ss_buf_str(b, x->within_budget ? "1" : "0");
    ss_buf_char(b, ',');
    sim_buf_u64(b, r->n_points);
    ss_buf_char(b, ',');
    sim_buf_u64(b, x->points_fastest);
    ss_buf_char(b, ',');
    sim_buf_num(b, x->mean_gain_s);
    ss_buf_char(b, ',');
    sim_buf_num(b, x->mean_gain_pct);
    ss_buf_char(b, '\n');
  }
}

/* purchase_models.csv: each option's pick per model. */
static void models_table(const sim_purchase_result *r, ss_buf *b) {
  ss_buf_str(b, "option,model,weight,placement,latency_s,throughput_per_s,"
                "estimated\n");
  for (size_t k = 0; k < r->n_rows; k++)
    for (size_t m = 0; m < r->n_models; m++) {
      const sim_purchase_pick *pk = &r->picks[k * r->n_models + m];
      ss_csv_field(b, r->rows[k].option);
      ss_buf_char(b, ',');
      ss_csv_field(b, r->models[m]);
      ss_buf_char(b, ',');
      sim_buf_num(b, r->weights[m]);
      ss_buf_char(b, ',');
      ss_csv_field(b, pk->feasible ? pk->placement : "infeasible");
      ss_buf_char(b, ',');
      sim_buf_num(b, pk->latency_s);
      ss_buf_char(b, ',');
      sim_buf_num(b, pk->throughput_per_s);
      ss_buf_str(b, pk->feasible && pk->estimated ? ",1\n" : ",0\n");
    }
}

/* The best value at point p: the highest gain per tco among the rows that
 * gain; -1 when none does. */
static long best_value(const sim_purchase_result *r, size_t p) {
  long value = -1;
  for (size_t k = 1; k < r->n_rows; k++) {
    const sim_purchase_row *x = &r->rows[k];
    double g = ratio(x->gain_s[p], x->tco);
    if (x->gain_s[p] > 0 &&
        (value < 0 || g > ratio(r->rows[value].gain_s[p], r->rows[value].tco)))
      value = (long)k;
  }
  return value;
}

/* purchase_sweep.csv's rows of point p (vals: its axis values). */
static void sweep_rows(const sim_purchase_result *r, const scn_scenario *s,
                       size_t p, const double *vals, ss_buf *b) {
  long fast = sim_purchase_fastest(r, p), value = best_value(r, p);
  for (size_t k = 0; k < r->n_rows; k++) {
    const sim_purchase_row *x = &r->rows[k];
    sim_buf_u64(b, p);
    sim_buf_nums(b, vals, s->n_axes);
    ss_buf_char(b, ',');
    ss_csv_field(b, x->option);
    const double v[] = {x->price,
                        x->tco,
                        x->weighted_latency_s[p],
                        x->gain_s[p],
                        x->gain_pct[p],
                        ratio(x->gain_s[p], x->tco),
                        x->weighted_throughput_per_s[p]};
    sim_buf_nums(b, v, sizeof v / sizeof *v);
    ss_buf_str(b, x->pareto[p] ? ",1" : ",0");
    ss_buf_str(b, (long)k == fast ? ",1" : ",0");
    ss_buf_str(b, (long)k == value ? ",1" : ",0");
    ss_buf_str(b, x->estimated ? ",1\n" : ",0\n");
  }
}

/* purchase_sweep.csv: every row at every sweep point. */
static int sweep_table(const sim_purchase_result *r, const scn_scenario *s,
                       ss_buf *b, ss_error *err) {
  double *vals = malloc((s->n_axes + 1) * sizeof *vals);
  if (!vals)
    return ss_error_oom(err, NULL, NULL);
  ss_buf_str(b, "point");
  for (size_t a = 0; a < s->n_axes; a++) {
    ss_buf_char(b, ',');
    ss_csv_field(b, s->axes[a].param);
  }
  ss_buf_str(b, "," SIM_PURCHASE_SWEEP_COLUMNS);
  for (size_t p = 0; p < r->n_points; p++) {
    scn_sweep_point(s, p, vals);
    sweep_rows(r, s, p, vals, b);
  }
  free(vals);
  return 0;
}

int sim_purchase_write(const sim_purchase_result *r, const scn_scenario *s,
                       const char *outdir, ss_error *err) {
  ss_buf b = {NULL, 0, 0, 0};
  int rc = -1;
  purchase_table(r, &b);
  if (sim_study_save(outdir, "purchase.csv", &b, err) != 0)
    goto done;
  b.len = 0;
  models_table(r, &b);
  if (sim_study_save(outdir, "purchase_models.csv", &b, err) != 0)
    goto done;
  if (r->n_points > 1) {
    b.len = 0;
    if (sweep_table(r, s, &b, err) != 0 ||
        sim_study_save(outdir, "purchase_sweep.csv", &b, err) != 0)
      goto done;
  }
  rc = 0;
done:
  ss_buf_free(&b);
  return rc;
}

/* ---- the study's row ---------------------------------------------------- */

static int purchase_present(const scn_scenario *s) {
  return s->purchase != NULL;
}

static int purchase_run(const sim_engine *e, const scn_scenario *s,
                        const prof_set *set, const sim_options *opt,
                        void **result, ss_error *err) {
  sim_purchase_result *r = NULL;
  int rc = sim_purchase_run(e, s, set, opt, &r, err);
  *result = r;
  return rc;
}

static int purchase_write(const void *result, const scn_scenario *s,
                          const char *outdir, ss_error *err) {
  return sim_purchase_write(result, s, outdir, err);
}

static void purchase_free(void *result) { sim_purchase_result_free(result); }

const sim_study_ops sim_study_purchase = {
    "purchase",          purchase_present,
    purchase_run,        purchase_write,
    purchase_free,       {"purchase.csv", "purchase_models.csv", NULL},
    "purchase_sweep.csv"};
