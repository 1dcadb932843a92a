/* What the studies share: the study world (scenario at a point, profiles,
 * network), study systems with scaled times, link lookup, solver problems
 * for any choice of systems per tier, atomic table writing and a small
 * deterministic thread helper. */
#include "sim_study_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"

static int oom(ss_error *err) {
  return ss_error_set(err, NULL, NULL, "out of memory");
}

/* ---- world ------------------------------------------------------------- */

static void model_clear(sim_study_model *m, size_t n_sys) {
  free(m->name);
  free(m->cell);
  free(m->output_bytes);
  free(m->first_layer);
  free(m->last_layer);
  if (m->time_s)
    for (size_t i = 0; i < n_sys; i++)
      free(m->time_s[i]);
  free(m->time_s);
  free(m->prof);
}

void sim_study_world_free(sim_study_world *w) {
  if (!w)
    return;
  for (size_t i = 0; i < w->n_models; i++)
    model_clear(&w->models[i], w->n_sys);
  free(w->models);
  for (size_t i = 0; i < w->n_sys; i++) {
    free(w->sys[i].name);
    free(w->sys[i].base);
  }
  free(w->sys);
  prof_network_free(w->net);
  scn_free(w->s);
  free(w);
}

int sim_study_world_new(const scn_scenario *s, const prof_set *set,
                        size_t point, sim_study_world **out, ss_error *err) {
  *out = NULL;
  sim_study_world *w = calloc(1, sizeof *w);
  if (!w)
    return oom(err);
  w->set = set;
  if (!(w->s = scn_copy(s))) {
    oom(err);
    goto fail;
  }
  if (s->n_axes && scn_apply_point(w->s, point, err) != 0)
    goto fail;
  if (s->network && prof_network_read(s->network, &w->net, err) != 0)
    goto fail;
  scn_pos none = {0, 0};
  for (size_t i = 0; i < s->n_systems; i++) {
    scn_pos pos = none;
    for (size_t t = 0; t < s->n_tiers; t++)
      for (size_t j = 0; j < s->tiers[t].n_systems; j++)
        if (s->tiers[t].systems[j] == i && pos.line == 0)
          pos = s->tiers[t].system_pos[j];
    if (sim_study_add_sys(w, s->systems[i].name, 1.0, pos, err) < 0)
      goto fail;
  }
  *out = w;
  return 0;
fail:
  sim_study_world_free(w);
  return -1;
}

static char *scaled_name(const char *base, double scale) {
  if (scale == 1.0)
    return prof_strdup(base);
  char num[SS_DOUBLE_BUFSIZE];
  ss_fmt_double(num, scale);
  size_t n = strlen(base) + strlen(num) + 2;
  char *name = malloc(n);
  if (name)
    snprintf(name, n, "%s*%s", base, num);
  return name;
}

long sim_study_add_sys(sim_study_world *w, const char *base, double scale,
                       scn_pos pos, ss_error *err) {
  for (size_t i = 0; i < w->n_sys; i++)
    if (strcmp(w->sys[i].base, base) == 0 && w->sys[i].scale == scale)
      return (long)i;
  const prof_system *ps = prof_set_find_system(w->set, base);
  if (!ps) {
    char list[700] = "";
    size_t len = 0;
    for (size_t k = 0; k < w->set->n_systems && len + 80 < sizeof list; k++)
      len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                              k ? ", " : "", w->set->systems[k].name);
    scn_error_at(err, w->s, pos,
                 "unknown system '%s': %s has no such system (known "
                 "systems: %s)",
                 base,
                 w->s->profiles ? w->s->profiles : "the embedded default store",
                 w->set->n_systems ? list : "none");
    return -1;
  }
  if (w->n_models)
    return ss_error_set(err, NULL, NULL,
                        "internal: study system added after the models");
  if (w->n_sys == w->cap_sys) {
    size_t cap = w->cap_sys ? 2 * w->cap_sys : 16;
    sim_study_sys *ns = realloc(w->sys, cap * sizeof *ns);
    if (!ns)
      return oom(err);
    w->sys = ns;
    w->cap_sys = cap;
  }
  sim_study_sys *x = &w->sys[w->n_sys];
  memset(x, 0, sizeof *x);
  x->name = scaled_name(base, scale);
  x->base = prof_strdup(base);
  if (!x->name || !x->base) {
    free(x->name);
    free(x->base);
    return oom(err);
  }
  x->prof = ps;
  x->scale = scale;
  x->scn_sys = scn_system_index(w->s, base);
  return (long)w->n_sys++;
}

static int model_fill(sim_study_world *w, sim_study_model *m, const char *name,
                      scn_pos pos, ss_error *err) {
  if (!(m->name = prof_strdup(name)) || !(m->cell = sim_csv_cell(name)) ||
      !(m->prof = calloc(w->n_sys, sizeof *m->prof)) ||
      !(m->time_s = calloc(w->n_sys, sizeof *m->time_s)))
    return oom(err);
  m->pos = pos;
  for (size_t i = 0; i < w->n_sys; i++) {
    const prof_model *pm = prof_system_find_model(w->sys[i].prof, name);
    if (!pm)
      return scn_error_at(err, w->s, pos,
                          "model '%s' is not profiled on system '%s'", name,
                          w->sys[i].base);
    m->prof[i] = pm;
  }
  const prof_model *ref = m->prof[0];
  size_t nb = ref->n_blocks;
  if (nb == 0)
    return scn_error_at(err, w->s, pos,
                        "model '%s' of system '%s' has no "
                        "blocks",
                        name, w->sys[0].base);
  for (size_t i = 1; i < w->n_sys; i++) {
    const prof_model *pm = m->prof[i];
    int same = pm->n_blocks == nb;
    for (size_t b = 0; same && b < nb; b++)
      same = pm->blocks[b].first_layer == ref->blocks[b].first_layer &&
             pm->blocks[b].last_layer == ref->blocks[b].last_layer;
    if (!same)
      return scn_error_at(err, w->s, pos,
                          "model '%s': systems '%s' and '%s' do not share "
                          "block boundaries",
                          name, w->sys[0].base, w->sys[i].base);
  }
  m->n_blocks = nb;
  m->output_bytes = malloc(nb * sizeof *m->output_bytes);
  m->first_layer = malloc(nb * sizeof *m->first_layer);
  m->last_layer = malloc(nb * sizeof *m->last_layer);
  if (!m->output_bytes || !m->first_layer || !m->last_layer)
    return oom(err);
  for (size_t b = 0; b < nb; b++) {
    m->output_bytes[b] = (double)ref->blocks[b].output_bytes;
    m->first_layer[b] = ref->blocks[b].first_layer;
    m->last_layer[b] = ref->blocks[b].last_layer;
  }
  m->profile_input_bytes = -1;
  for (size_t i = 0; i < w->n_sys; i++) {
    if (!(m->time_s[i] = malloc(nb * sizeof(double))))
      return oom(err);
    for (size_t b = 0; b < nb; b++)
      m->time_s[i][b] = m->prof[i]->blocks[b].time_s * w->sys[i].scale;
    if (m->profile_input_bytes < 0 && m->prof[i]->input_bytes >= 0)
      m->profile_input_bytes = (double)m->prof[i]->input_bytes;
  }
  return 0;
}

int sim_study_world_models(sim_study_world *w, const scn_weight *weights,
                           size_t n_weights, const sim_engine *e,
                           ss_error *err) {
  size_t n = n_weights ? n_weights : sim_engine_n_models(e);
  if (!(w->models = calloc(n + 1, sizeof *w->models)))
    return oom(err);
  const scn_scenario *s = w->s;
  for (size_t i = 0; i < n; i++) {
    const char *name = n_weights ? weights[i].model : sim_engine_model(e, i);
    /* where the model was named, for messages */
    scn_pos pos = s->models_pos;
    if (n_weights)
      pos = weights[i].pos;
    else if (!s->all_models && i < s->n_models)
      pos = s->models[i].pos;
    sim_study_model *m = &w->models[w->n_models++];
    m->weight = n_weights ? weights[i].weight : 1.0;
    if (model_fill(w, m, name, pos, err) != 0)
      return -1;
  }
  return 0;
}

/* ---- links and availability -------------------------------------------- */

solver_link sim_study_link(const sim_study_world *w, const scn_scenario *s,
                           size_t a, size_t ta, size_t b, size_t tb) {
  const sim_study_sys *x = &w->sys[a], *y = &w->sys[b];
  solver_link l = {NAN, NAN};
  if (w->net) {
    const prof_link *row = prof_network_find(w->net, x->base, y->base);
    if (!row)
      row = prof_network_find(w->net, y->base, x->base);
    if (row) {
      l.latency_s = row->ping_ms / 1000.0;
      l.bandwidth_bytes_per_s = row->bandwidth_mbps * 125000.0;
    }
  }
  const sim_study_override *o = &w->ovr;
  if (o->active &&
      ((strcmp(o->a, x->base) == 0 && strcmp(o->b, y->base) == 0) ||
       (strcmp(o->a, y->base) == 0 && strcmp(o->b, x->base) == 0))) {
    if (o->bandwidth)
      l.bandwidth_bytes_per_s = o->value * 125000.0;
    else
      l.latency_s = o->value / 1000.0;
  }
  const scn_link *sl[2] = {scn_link_find(s, SCN_LINK_TIERS, ta, tb), NULL};
  if (x->scn_sys >= 0 && y->scn_sys >= 0 && x->scn_sys != y->scn_sys)
    sl[1] = scn_link_find(s, SCN_LINK_SYSTEMS, (size_t)x->scn_sys,
                          (size_t)y->scn_sys);
  for (int k = 0; k < 2; k++) {
    if (!sl[k])
      continue;
    if (sl[k]->has_latency_ms)
      l.latency_s = sl[k]->latency_ms / 1000.0;
    if (sl[k]->has_bandwidth_mbps)
      l.bandwidth_bytes_per_s = sl[k]->bandwidth_mbps * 125000.0;
  }
  return l;
}

double sim_study_availability(const sim_study_world *w, const scn_scenario *s,
                              size_t sys) {
  long i = w->sys[sys].scn_sys;
  return i >= 0 ? s->systems[i].availability : 1.0;
}

/* ---- problems ---------------------------------------------------------- */

void sim_study_prob_free(sim_study_prob *pr) {
  if (!pr)
    return;
  free(pr->sys);
  free(pr->g_study);
  free(pr->g_tier);
  free(pr->links);
  memset(pr, 0, sizeof *pr);
}

int sim_study_prob_refresh(const sim_study_world *w, const scn_scenario *s,
                           sim_study_prob *pr, ss_error *err) {
  const sim_study_model *md = &w->models[pr->model];
  size_t n = pr->n_total;
  solver_problem *p = &pr->p;
  for (size_t g = 0; g < n; g++)
    pr->sys[g].availability = sim_study_availability(w, s, pr->g_study[g]);
  for (size_t ga = 0; ga < n; ga++)
    for (size_t gb = ga + 1; gb < n; gb++) {
      size_t ta = pr->g_tier[ga], tb = pr->g_tier[gb];
      if (ta >= tb)
        continue;
      solver_link l =
          sim_study_link(w, s, pr->g_study[ga], ta, pr->g_study[gb], tb);
      if (isnan(l.latency_s) || isnan(l.bandwidth_bytes_per_s)) {
        const sim_study_sys *x = &w->sys[pr->g_study[ga]],
                            *y = &w->sys[pr->g_study[gb]];
        const char *what = isnan(l.latency_s) && isnan(l.bandwidth_bytes_per_s)
                               ? "latency_ms and bandwidth_mbps"
                           : isnan(l.latency_s) ? "latency_ms"
                                                : "bandwidth_mbps";
        return scn_error_at(err, s, s->tiers_pos,
                            "no link from '%s' (%s) to '%s' (%s): %s not "
                            "set; add links.%s-%s to the scenario%s%s",
                            x->name, s->tiers[ta].name, y->name,
                            s->tiers[tb].name, what, s->tiers[ta].name,
                            s->tiers[tb].name,
                            s->network ? " or a row to " : " or a network file",
                            s->network ? s->network : "");
      }
      pr->links[ga * n + gb] = l;
      pr->links[gb * n + ga] = l;
    }
  if (s->input_mb_set)
    p->input_bytes = s->input_mb * 1e6;
  else if (md->profile_input_bytes >= 0)
    p->input_bytes = md->profile_input_bytes;
  else
    p->input_bytes = SCN_DEFAULT_INPUT_MB * 1e6;
  p->result_bytes = s->result_mb * 1e6;
  for (size_t g = 0; g < n; g++) {
    long si = w->sys[pr->g_study[g]].scn_sys;
    pr->sys[g].compute_power_w = si >= 0 ? s->systems[si].compute_power_w : 0;
    pr->sys[g].radio_power_w = si >= 0 ? s->systems[si].radio_power_w : 0;
  }
  sim_constraints_from_scenario(s, &pr->cons);
  return 0;
}

int sim_study_prob_build(const sim_study_world *w, const scn_scenario *s,
                         size_t m, const size_t *const *tier_sys,
                         const size_t *n_tier_sys, sim_study_prob *out,
                         ss_error *err) {
  const sim_study_model *md = &w->models[m];
  memset(out, 0, sizeof *out);
  out->model = m;
  size_t n = 0;
  for (size_t t = 0; t < s->n_tiers; t++)
    n += n_tier_sys[t];
  out->n_total = n;
  out->sys = calloc(n + 1, sizeof *out->sys);
  out->g_study = calloc(n + 1, sizeof *out->g_study);
  out->g_tier = calloc(n + 1, sizeof *out->g_tier);
  out->links = calloc(n * n + 1, sizeof *out->links);
  if (!out->sys || !out->g_study || !out->g_tier || !out->links) {
    sim_study_prob_free(out);
    return oom(err);
  }
  solver_problem *p = &out->p;
  p->n_blocks = md->n_blocks;
  p->output_bytes = md->output_bytes;
  p->first_layer = md->first_layer;
  p->last_layer = md->last_layer;
  p->n_tiers = s->n_tiers;
  p->links = out->links;
  size_t g = 0;
  for (size_t t = 0; t < s->n_tiers; t++) {
    p->tiers[t].name = s->tiers[t].name;
    p->tiers[t].n_systems = n_tier_sys[t];
    p->tiers[t].systems = out->sys + g;
    for (size_t j = 0; j < n_tier_sys[t]; j++, g++) {
      size_t k = tier_sys[t][j];
      out->g_study[g] = k;
      out->g_tier[g] = t;
      out->sys[g].name = w->sys[k].name;
      out->sys[g].time_s = md->time_s[k];
    }
  }
  if (sim_study_prob_refresh(w, s, out, err) != 0) {
    sim_study_prob_free(out);
    return -1;
  }
  return 0;
}

void sim_study_scenario_tiers(const sim_study_world *w,
                              const size_t *tier_sys[SOLVER_MAX_TIERS],
                              size_t n_tier_sys[SOLVER_MAX_TIERS]) {
  for (size_t t = 0; t < w->s->n_tiers; t++) {
    tier_sys[t] = w->s->tiers[t].systems;
    n_tier_sys[t] = w->s->tiers[t].n_systems;
  }
}

/* ---- output ------------------------------------------------------------ */

int sim_study_save(const char *dir, const char *name, const sim_buf *b,
                   ss_error *err) {
  if (b->oom)
    return oom(err);
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
    return ss_error_set(err, dir, NULL, "path too long");
  ss_atomic_file af;
  if (ss_atomic_open(&af, path, err) != 0)
    return -1;
  if (b->len && fwrite(b->p, 1, b->len, af.fp) != b->len) {
    ss_atomic_abort(&af);
    return ss_error_set(err, path, NULL, "cannot write");
  }
  return ss_atomic_commit(&af, err);
}

/* ---- threads ----------------------------------------------------------- */

typedef struct par_state {
  size_t n;
  unsigned jobs;
  sim_study_task_fn fn;
  void *ctx;
  const volatile sig_atomic_t *cancel;
  pthread_mutex_t mu;
  size_t fail_i; /* lowest failing task, n when none */
  ss_error fail_err;
  int cancelled;
} par_state;

typedef struct par_arg {
  par_state *st;
  unsigned id;
} par_arg;

static void *par_main(void *arg) {
  par_arg *a = arg;
  par_state *st = a->st;
  for (size_t i = a->id; i < st->n; i += st->jobs) {
    pthread_mutex_lock(&st->mu);
    int stop = st->fail_i < i || st->cancelled;
    if (!stop && st->cancel && *st->cancel)
      stop = st->cancelled = 1;
    pthread_mutex_unlock(&st->mu);
    if (stop)
      break;
    ss_error e;
    ss_error_clear(&e);
    if (st->fn(st->ctx, i, &e) != 0) {
      pthread_mutex_lock(&st->mu);
      if (i < st->fail_i) {
        st->fail_i = i;
        st->fail_err = e;
      }
      pthread_mutex_unlock(&st->mu);
      break;
    }
  }
  return NULL;
}

int sim_study_parallel(size_t n, unsigned jobs, sim_study_task_fn fn, void *ctx,
                       const volatile sig_atomic_t *cancel, ss_error *err) {
  if (jobs < 1)
    jobs = 1;
  if (jobs > n)
    jobs = n ? (unsigned)n : 1;
  par_state st;
  memset(&st, 0, sizeof st);
  st.n = n;
  st.jobs = jobs;
  st.fn = fn;
  st.ctx = ctx;
  st.cancel = cancel;
  st.fail_i = n;
  if (pthread_mutex_init(&st.mu, NULL) != 0)
    return ss_error_set(err, NULL, NULL, "cannot create a mutex");
  pthread_t th[64];
  par_arg args[64];
  if (jobs > 64)
    jobs = st.jobs = 64;
  unsigned started = 0;
  for (unsigned j = 1; j < jobs; j++) {
    args[j].st = &st;
    args[j].id = j;
    if (pthread_create(&th[j], NULL, par_main, &args[j]) != 0)
      break;
    started = j;
  }
  args[0].st = &st;
  args[0].id = 0;
  par_main(&args[0]);
  for (unsigned j = 1; j <= started; j++)
    pthread_join(th[j], NULL);
  /* the share of threads that could not be started runs here */
  for (unsigned j = started + 1; j < jobs; j++) {
    args[j].st = &st;
    args[j].id = j;
    par_main(&args[j]);
  }
  pthread_mutex_destroy(&st.mu);
  if (st.fail_i < n) {
    if (err)
      *err = st.fail_err;
    return -1;
  }
  if (st.cancelled || (cancel && *cancel))
    return ss_error_set(err, NULL, NULL, "interrupted");
  return 0;
}

/* ---- all studies of a scenario ----------------------------------------- */

int sim_write_studies(const sim_engine *e, const scn_scenario *s,
                      const prof_set *set, const char *outdir,
                      const sim_options *opt, ss_error *err) {
  if (s->purchase) {
    sim_purchase_result *r;
    if (sim_purchase_run(e, s, set, opt, &r, err) != 0)
      return -1;
    int rc = sim_purchase_write(r, s, outdir, err);
    sim_purchase_result_free(r);
    if (rc != 0)
      return -1;
  }
  if (s->uncertainty) {
    sim_robust_result *r;
    if (sim_robust_run(e, s, set, opt, &r, err) != 0)
      return -1;
    int rc = sim_robust_write(r, s, outdir, err);
    sim_robust_result_free(r);
    if (rc != 0)
      return -1;
  }
  if (s->sensitivity) {
    sim_sens_result *r;
    if (sim_sensitivity_run(e, s, set, opt, &r, err) != 0)
      return -1;
    int rc = sim_sensitivity_write(r, outdir, err);
    sim_sens_result_free(r);
    if (rc != 0)
      return -1;
  }
  return 0;
}
