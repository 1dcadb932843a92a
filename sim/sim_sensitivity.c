/* Sensitivity: move one scenario parameter at a time to base x (1 - X%)
 * and base x (1 + X%) (X = range_pct) at the reference point and record the
 * best latency of every model and of the workload mix, sorted by how much
 * the parameter moves it (a tornado chart's data).
 *
 * Parameters, unless listed: every link value set in the scenario, every
 * link value of a system pair that comes from the network file only (as
 * links.<a>-<b>.<field>), every system's availability (the high value is
 * capped at 1), input_mb when the scenario sets it (else input_scale: a
 * factor on every model's profile input size, base 1), and result_mb when
 * it is > 0. */
#include "../common/ss_csv.h"
#include "../common/ss_mem.h"
#include "sim_columns.h"
#include "sim_fmt_internal.h"
#include "sim_study_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SP_SCN = 0, SP_NET, SP_INPUT_SCALE };

typedef struct sparam {
  char *name;
  int kind;
  scn_param target;  /* SP_SCN */
  const char *a, *b; /* SP_NET: profile system names (borrowed) */
  int bandwidth;     /* SP_NET: 1 bandwidth_mbps, 0 latency_ms */
  double base;
} sparam;

typedef struct splist {
  sparam *v;
  size_t n, cap;
} splist;

static int sp_add(splist *l, const char *name, int kind, double base,
                  sparam **out) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i].name, name) == 0) {
      *out = NULL;
      return 0; /* already listed */
    }
  void *v = l->v;
  if (ss_grow(&v, &l->cap, l->n + 1, sizeof *l->v, 32) != 0)
    return -1;
  l->v = v;
  sparam *p = &l->v[l->n];
  memset(p, 0, sizeof *p);
  if (!(p->name = ss_strdup(name)))
    return -1;
  p->kind = kind;
  p->base = base;
  l->n++;
  *out = p;
  return 0;
}

static void sp_free(splist *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i].name);
  free(l->v);
}

static const char *const link_field[] = {"latency_ms", "bandwidth_mbps"};

/* The latency and bandwidth that links: sets, one parameter each. */
static int discover_links(const scn_scenario *s, splist *l) {
  char name[1200];
  sparam *p;
  for (size_t i = 0; i < s->n_links; i++) {
    const scn_link *k = &s->links[i];
    for (int f = 0; f < 2; f++) {
      int has = f ? k->has_bandwidth_mbps : k->has_latency_ms;
      if (!has)
        continue;
      snprintf(name, sizeof name, "links.%s.%s", k->key, link_field[f]);
      if (sp_add(l, name, SP_SCN, f ? k->bandwidth_mbps : k->latency_ms, &p))
        return -1;
      if (p) {
        p->target.kind =
            f ? SCN_PARAM_LINK_BANDWIDTH_MBPS : SCN_PARAM_LINK_LATENCY_MS;
        p->target.index = i;
      }
    }
  }
  return 0;
}

/* System pair (sa on tier ta, sb on tier tb): the values that come from
 * the network file only (links: sets neither its tiers nor its systems). */
static int discover_net_pair(const sim_study_world *w, size_t ta, size_t tb,
                             size_t sa, size_t sb, splist *l) {
  const scn_scenario *s = w->s;
  char name[1200];
  sparam *p;
  const char *na = s->systems[sa].name, *nb = s->systems[sb].name;
  const prof_link *row = prof_network_find(w->net, na, nb);
  if (!row)
    row = prof_network_find(w->net, nb, na);
  if (!row)
    return 0;
  const scn_link *tl = scn_link_find(s, SCN_LINK_TIERS, ta, tb);
  const scn_link *sl = scn_link_find(s, SCN_LINK_SYSTEMS, sa, sb);
  for (int f = 0; f < 2; f++) {
    int set = 0;
    if (tl)
      set |= f ? tl->has_bandwidth_mbps : tl->has_latency_ms;
    if (sl)
      set |= f ? sl->has_bandwidth_mbps : sl->has_latency_ms;
    if (set)
      continue;
    snprintf(name, sizeof name, "links.%s-%s.%s", na, nb, link_field[f]);
    if (sp_add(l, name, SP_NET, f ? row->bandwidth_mbps : row->ping_ms, &p))
      return -1;
    if (p) {
      p->a = na;
      p->b = nb;
      p->bandwidth = f;
    }
  }
  return 0;
}

/* Every system pair whose value comes from the network file only. */
static int discover_net(const sim_study_world *w, splist *l) {
  const scn_scenario *s = w->s;
  for (size_t ta = 0; w->net && ta < s->n_tiers; ta++)
    for (size_t tb = ta + 1; tb < s->n_tiers; tb++)
      for (size_t i = 0; i < s->tiers[ta].n_systems; i++)
        for (size_t j = 0; j < s->tiers[tb].n_systems; j++) {
          size_t sa = s->tiers[ta].systems[i], sb = s->tiers[tb].systems[j];
          if (sa != sb && discover_net_pair(w, ta, tb, sa, sb, l) != 0)
            return -1;
        }
  return 0;
}

/* Availabilities, the input size (or its scale) and the result size. */
static int discover_scalars(const scn_scenario *s, splist *l) {
  char name[1200];
  sparam *p;
  for (size_t i = 0; i < s->n_systems; i++) {
    snprintf(name, sizeof name, "availability.%s", s->systems[i].name);
    if (sp_add(l, name, SP_SCN, s->systems[i].availability, &p))
      return -1;
    if (p) {
      p->target.kind = SCN_PARAM_AVAILABILITY;
      p->target.index = i;
    }
  }
  if (s->input_mb_set) {
    if (sp_add(l, "input_mb", SP_SCN, s->input_mb, &p))
      return -1;
    if (p)
      p->target.kind = SCN_PARAM_INPUT_MB;
  } else if (sp_add(l, "input_scale", SP_INPUT_SCALE, 1, &p)) {
    return -1;
  }
  if (s->result_mb > 0) {
    if (sp_add(l, "result_mb", SP_SCN, s->result_mb, &p))
      return -1;
    if (p)
      p->target.kind = SCN_PARAM_RESULT_MB;
  }
  return 0;
}

/* Every parameter of the scenario (see the top of this file). */
static int discover(const sim_study_world *w, splist *l, ss_error *err) {
  if (discover_links(w->s, l) != 0 || discover_net(w, l) != 0 ||
      discover_scalars(w->s, l) != 0)
    return ss_error_oom(err, NULL, NULL);
  return 0;
}

/* The parameters listed in sensitivity.params. */
static int listed(const sim_study_world *w, const scn_sensitivity *v, splist *l,
                  ss_error *err) {
  const scn_scenario *s = w->s;
  for (size_t i = 0; i < v->n_params; i++) {
    const scn_param *t = &v->targets[i];
    sparam *p;
    if (t->kind == SCN_PARAM_INPUT_MB && !s->input_mb_set) {
      if (sp_add(l, "input_scale", SP_INPUT_SCALE, 1, &p))
        return ss_error_oom(err, NULL, NULL);
      continue;
    }
    double base = scn_param_get(s, t);
    if (isnan(base))
      return scn_error_at(err, s, v->param_pos[i],
                          "sensitivity.params: '%s' has no value in the "
                          "scenario to move (set it under links:, or list "
                          "the system pair whose value the network file "
                          "gives)",
                          v->params[i]);
    if (sp_add(l, v->params[i], SP_SCN, base, &p))
      return ss_error_oom(err, NULL, NULL);
    if (p)
      p->target = *t;
  }
  return 0;
}

typedef struct sstate {
  sim_study_world *w;
  sim_study_prob *pr; /* per model */
  double input_scale;
} sstate;

/* Best latency of every model at the world's current values (NaN when
 * infeasible) into out[n_models]. */
static int best_all(sstate *st, double *out, ss_error *err) {
  sim_study_world *w = st->w;
  for (size_t m = 0; m < w->n_models; m++) {
    sim_study_prob *pr = &st->pr[m];
    if (sim_study_prob_refresh(w, w->s, pr, err) != 0)
      return -1;
    pr->pb.p.input_bytes *= st->input_scale;
    solver_result r;
    int rc =
        solver_best(&pr->pb.p, &pr->cons, SOLVER_OBJ_LATENCY, &r, NULL, err);
    if (rc < 0)
      return ss_error_prefix(err, "sensitivity: model '%s'", w->models[m].name);
    out[m] = rc ? r.latency_s : NAN;
  }
  return 0;
}

/* Set parameter p to value, evaluate, and put the base value back. */
static int at_value(sstate *st, const sparam *p, double value, double *out,
                    ss_error *err) {
  sim_study_world *w = st->w;
  int rc = 0;
  switch (p->kind) {
  case SP_SCN:
    if (scn_param_set(w->s, &p->target, value, err) != 0)
      return ss_error_prefix(err, "sensitivity: %s", p->name);
    rc = best_all(st, out, err);
    if (scn_param_set(w->s, &p->target, p->base, rc ? NULL : err) != 0)
      rc = -1;
    break;
  case SP_NET:
    w->ovr.active = 1;
    w->ovr.a = p->a;
    w->ovr.b = p->b;
    w->ovr.bandwidth = p->bandwidth;
    w->ovr.value = value;
    rc = best_all(st, out, err);
    w->ovr.active = 0;
    break;
  case SP_INPUT_SCALE:
    st->input_scale = value;
    rc = best_all(st, out, err);
    st->input_scale = 1;
    break;
  }
  return rc;
}

static double weighted(const double *v, const double *wt, size_t n) {
  double sum = 0, W = 0;
  for (size_t m = 0; m < n; m++) {
    if (!(wt[m] > 0))
      continue;
    if (isnan(v[m]))
      return NAN;
    sum += wt[m] * v[m];
    W += wt[m];
  }
  return W > 0 ? sum / W : NAN;
}

void sim_sens_result_free(sim_sens_result *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_rows; i++) {
    free(r->rows[i].parameter);
    free(r->rows[i].model_low_s);
    free(r->rows[i].model_base_s);
    free(r->rows[i].model_high_s);
  }
  free(r->rows);
  if (r->models)
    for (size_t m = 0; m < r->n_models; m++)
      free(r->models[m]);
  free(r->models);
  free(r->weights);
  free(r);
}

static int by_effect(const sim_sens_row *a, size_t ia, const sim_sens_row *b,
                     size_t ib, double ea, double eb) {
  (void)a;
  (void)b;
  int na = isnan(ea), nb = isnan(eb);
  if (na != nb)
    return na ? 1 : -1;
  if (!na && ea != eb)
    return ea > eb ? -1 : 1;
  return ia < ib ? -1 : ia > ib;
}

/* Sort row indices by effect (largest first, NaN last, then list order). */
static void sort_idx(const sim_sens_result *r, size_t *idx, long model) {
  size_t n = r->n_rows;
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  /* insertion sort: few rows, stable */
  for (size_t i = 1; i < n; i++) {
    size_t x = idx[i], j = i;
    while (j > 0) {
      size_t y = idx[j - 1];
      const sim_sens_row *a = &r->rows[x], *b = &r->rows[y];
      double ea = model < 0
                      ? a->effect_s
                      : fabs(a->model_high_s[model] - a->model_low_s[model]);
      double eb = model < 0
                      ? b->effect_s
                      : fabs(b->model_high_s[model] - b->model_low_s[model]);
      if (by_effect(a, x, b, y, ea, eb) >= 0)
        break;
      idx[j] = y;
      j--;
    }
    idx[j] = x;
  }
}

/* The study's world (its workload: sensitivity's, else purchase's), the
 * result's model names and weights, and one problem per model. */
static int sens_setup(const sim_engine *e, const scn_scenario *s,
                      const prof_set *set, sstate *st, sim_sens_result *r,
                      ss_error *err) {
  const scn_sensitivity *v = s->sensitivity;
  const scn_weight *wl = v->n_workload ? v->workload
                         : s->purchase ? s->purchase->workload
                                       : NULL;
  size_t nwl = v->n_workload ? v->n_workload
               : s->purchase ? s->purchase->n_workload
                             : 0;
  if (sim_study_world_new(s, set, &st->w, err) != 0 ||
      sim_study_world_models(st->w, wl, nwl, e, err) != 0)
    return -1;
  size_t M = st->w->n_models;
  r->n_models = M;
  r->models = calloc(M + 1, sizeof *r->models);
  r->weights = calloc(M + 1, sizeof *r->weights);
  st->pr = calloc(M + 1, sizeof *st->pr);
  if (!r->models || !r->weights || !st->pr)
    return ss_error_oom(err, NULL, NULL);
  const size_t *ts[SOLVER_MAX_TIERS];
  size_t nts[SOLVER_MAX_TIERS];
  sim_study_scenario_tiers(st->w, ts, nts);
  for (size_t m = 0; m < M; m++) {
    r->weights[m] = st->w->models[m].weight;
    if (!(r->models[m] = ss_strdup(st->w->models[m].name)))
      return ss_error_oom(err, NULL, NULL);
    if (sim_study_prob_build(st->w, st->w->s, m, ts, nts, &st->pr[m], err) != 0)
      return -1;
  }
  return 0;
}

/* Row x: parameter p moved f (a fraction) down and up from its base;
 * base holds every model's latency at the reference. */
static int sens_row(sstate *st, const sparam *p, double f, const double *base,
                    const sim_sens_result *r, sim_sens_row *x, ss_error *err) {
  size_t M = r->n_models;
  if (!(x->parameter = ss_strdup(p->name)) ||
      !(x->model_low_s = calloc(M + 1, sizeof(double))) ||
      !(x->model_base_s = calloc(M + 1, sizeof(double))) ||
      !(x->model_high_s = calloc(M + 1, sizeof(double))))
    return ss_error_oom(err, NULL, NULL);
  x->base = p->base;
  x->low_value = p->base * (1 - f);
  x->high_value = p->base * (1 + f);
  if (p->kind == SP_SCN && p->target.kind == SCN_PARAM_AVAILABILITY &&
      x->high_value > 1)
    x->high_value = 1;
  memcpy(x->model_base_s, base, M * sizeof *base);
  if (at_value(st, p, x->low_value, x->model_low_s, err) != 0 ||
      at_value(st, p, x->high_value, x->model_high_s, err) != 0)
    return -1;
  x->best_low_s = weighted(x->model_low_s, r->weights, M);
  x->best_base_s = weighted(base, r->weights, M);
  x->best_high_s = weighted(x->model_high_s, r->weights, M);
  x->effect_s = fabs(x->best_high_s - x->best_low_s);
  return 0;
}

/* Every row of parameter list l into r->rows, in l's order. */
static int sens_rows(sstate *st, const scn_sensitivity *v, const splist *l,
                     const double *base, const sim_options *opt,
                     sim_sens_result *r, ss_error *err) {
  sim_sens_row *rows = calloc(l->n + 1, sizeof *rows);
  if (!rows)
    return ss_error_oom(err, NULL, NULL);
  r->rows = rows;
  double f = v->range_pct / 100;
  for (size_t i = 0; i < l->n; i++) {
    if (opt && opt->cancel && *opt->cancel)
      return ss_error_interrupted(err);
    r->n_rows = i + 1;
    if (sens_row(st, &l->v[i], f, base, r, &rows[i], err) != 0)
      return -1;
  }
  return 0;
}

/* The rows sorted by effect, largest first. */
static int sort_rows(sim_sens_result *r, ss_error *err) {
  size_t *idx = malloc((r->n_rows + 1) * sizeof *idx);
  sim_sens_row *sorted = calloc(r->n_rows + 1, sizeof *sorted);
  if (!idx || !sorted) {
    free(idx);
    free(sorted);
    return ss_error_oom(err, NULL, NULL);
  }
  sort_idx(r, idx, -1);
  for (size_t i = 0; i < r->n_rows; i++)
    sorted[i] = r->rows[idx[i]];
  free(r->rows);
  free(idx);
  r->rows = sorted;
  return 0;
}

int sim_sensitivity_run(const sim_engine *e, const scn_scenario *s,
                        const prof_set *set, const sim_options *opt,
                        sim_sens_result **out, ss_error *err) {
  *out = NULL;
  const scn_sensitivity *v = s->sensitivity;
  if (!v)
    return ss_error_set(err, s->file, NULL, "the scenario has no sensitivity:");
  sstate st;
  memset(&st, 0, sizeof st);
  st.input_scale = 1;
  splist l = {NULL, 0, 0};
  double *base = NULL;
  int rc = -1;
  sim_sens_result *r = calloc(1, sizeof *r);
  if (!r)
    return ss_error_oom(err, NULL, NULL);
  r->range_pct = v->range_pct;
  if (sens_setup(e, s, set, &st, r, err) != 0)
    goto done;
  if (!(base = calloc(st.w->n_models + 1, sizeof *base))) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  if ((v->n_params ? listed(st.w, v, &l, err) : discover(st.w, &l, err)) == 0 &&
      best_all(&st, base, err) == 0 &&
      sens_rows(&st, v, &l, base, opt, r, err) == 0 && sort_rows(r, err) == 0)
    rc = 0;
done:
  sp_free(&l);
  free(base);
  if (st.pr && st.w)
    for (size_t m = 0; m < st.w->n_models; m++)
      sim_study_prob_free(&st.pr[m]);
  free(st.pr);
  sim_study_world_free(st.w);
  if (rc == 0)
    *out = r;
  else
    sim_sens_result_free(r);
  return rc;
}

static void put_row(ss_buf *b, const sim_sens_row *x, double lo, double ba,
                    double hi) {
  ss_csv_field(b, x->parameter);
  const double v[] = {x->base, x->low_value, x->high_value, lo,
                      ba,      hi,           fabs(hi - lo)};
  sim_buf_nums(b, v, sizeof v / sizeof *v);
  ss_buf_char(b, '\n');
}

int sim_sensitivity_write(const sim_sens_result *r, const char *outdir,
                          ss_error *err) {
  static const char head[] = SIM_SENSITIVITY_HEADER;
  ss_buf b = {NULL, 0, 0, 0};
  size_t *idx = malloc((r->n_rows + 1) * sizeof *idx);
  if (!idx)
    return ss_error_oom(err, NULL, NULL);
  ss_buf_str(&b, head);
  for (size_t i = 0; i < r->n_rows; i++) {
    const sim_sens_row *x = &r->rows[i];
    put_row(&b, x, x->best_low_s, x->best_base_s, x->best_high_s);
  }
  if (sim_study_save(outdir, "sensitivity.csv", &b, err) != 0)
    goto fail;
  b.len = 0;
  ss_buf_str(&b, "model,");
  ss_buf_str(&b, head);
  for (size_t m = 0; m < r->n_models; m++) {
    sort_idx(r, idx, (long)m);
    for (size_t i = 0; i < r->n_rows; i++) {
      const sim_sens_row *x = &r->rows[idx[i]];
      ss_csv_field(&b, r->models[m]);
      ss_buf_char(&b, ',');
      put_row(&b, x, x->model_low_s[m], x->model_base_s[m], x->model_high_s[m]);
    }
  }
  if (sim_study_save(outdir, "sensitivity_models.csv", &b, err) != 0)
    goto fail;
  free(idx);
  ss_buf_free(&b);
  return 0;
fail:
  free(idx);
  ss_buf_free(&b);
  return -1;
}

/* ---- the study's row ---------------------------------------------------- */

static int sensitivity_present(const scn_scenario *s) {
  return s->sensitivity != NULL;
}

static int sensitivity_run(const sim_engine *e, const scn_scenario *s,
                           const prof_set *set, const sim_options *opt,
                           void **result, ss_error *err) {
  sim_sens_result *r = NULL;
  int rc = sim_sensitivity_run(e, s, set, opt, &r, err);
  *result = r;
  return rc;
}

static int sensitivity_write(const void *result, const scn_scenario *s,
                             const char *outdir, ss_error *err) {
  (void)s;
  return sim_sensitivity_write(result, outdir, err);
}

static void sensitivity_free(void *result) { sim_sens_result_free(result); }

const sim_study_ops sim_study_sensitivity = {
    "sensitivity",
    sensitivity_present,
    sensitivity_run,
    sensitivity_write,
    sensitivity_free,
    {"sensitivity.csv", "sensitivity_models.csv", NULL},
    NULL};
