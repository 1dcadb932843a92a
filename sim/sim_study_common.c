/* What the studies share: the study world (scenario at a point, profiles,
 * network), study systems with scaled times, link lookup, solver problems
 * for any choice of systems per tier, atomic table writing and a small
 * deterministic thread helper. */
#include "sim_study_internal.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_units.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"

/* ---- world ------------------------------------------------------------- */

static void model_clear(sim_study_model *m) {
  free(m->name);
  free(m->cell);
  sim_blocks_free(&m->blocks);
  free(m->prof);
}

void sim_study_world_free(sim_study_world *w) {
  if (!w)
    return;
  for (size_t i = 0; i < w->n_models; i++)
    model_clear(&w->models[i]);
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
                        sim_study_world **out, ss_error *err) {
  *out = NULL;
  sim_study_world *w = calloc(1, sizeof *w);
  if (!w)
    return ss_error_oom(err, NULL, NULL);
  w->set = set;
  if (!(w->s = scn_copy(s))) {
    ss_error_oom(err, NULL, NULL);
    goto fail;
  }
  if (s->n_axes && scn_apply_reference(w->s, err) != 0)
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
    return ss_strdup(base);
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
  void *sys = w->sys;
  if (ss_grow(&sys, &w->cap_sys, w->n_sys + 1, sizeof *w->sys, 16) != 0)
    return ss_error_oom(err, NULL, NULL);
  w->sys = sys;
  sim_study_sys *x = &w->sys[w->n_sys];
  memset(x, 0, sizeof *x);
  x->name = scaled_name(base, scale);
  x->base = ss_strdup(base);
  if (!x->name || !x->base) {
    free(x->name);
    free(x->base);
    return ss_error_oom(err, NULL, NULL);
  }
  x->prof = ps;
  x->scale = scale;
  x->scn_sys = scn_system_index(w->s, base);
  return (long)w->n_sys++;
}

static int model_fill(sim_study_world *w, sim_study_model *m, const char *name,
                      scn_pos pos, ss_error *err) {
  sim_blocks_source *src = calloc(w->n_sys + 1, sizeof *src);
  if (!(m->name = ss_strdup(name)) || !(m->cell = sim_csv_cell(name)) ||
      !(m->prof = calloc(w->n_sys, sizeof *m->prof)) || !src) {
    free(src);
    return ss_error_oom(err, NULL, NULL);
  }
  m->pos = pos;
  for (size_t i = 0; i < w->n_sys; i++) {
    const prof_model *pm = prof_system_find_model(w->sys[i].prof, name);
    if (!pm) {
      free(src);
      return scn_error_at(err, w->s, pos,
                          "model '%s' is not profiled on system '%s'", name,
                          w->sys[i].base);
    }
    m->prof[i] = pm;
    src[i] = (sim_blocks_source){w->sys[i].name, pm, w->sys[i].scale};
  }
  int rc = sim_blocks_build(name, src, w->n_sys, &m->blocks, err);
  free(src);
  if (rc != 0 && ss_error_kind_of(err) != SS_ERR_OOM)
    return scn_error_place(err, w->s, pos);
  return rc;
}

int sim_study_world_models(sim_study_world *w, const scn_weight *weights,
                           size_t n_weights, const sim_engine *e,
                           ss_error *err) {
  size_t n = n_weights ? n_weights : sim_engine_n_models(e);
  if (!(w->models = calloc(n + 1, sizeof *w->models)))
    return ss_error_oom(err, NULL, NULL);
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

sim_link_spec sim_study_link(const sim_study_world *w, const scn_scenario *s,
                             size_t a, size_t ta, size_t b, size_t tb) {
  const sim_study_sys *x = &w->sys[a], *y = &w->sys[b];
  sim_link_source src = sim_link_source_find(s, w->net, x->base, ta, x->scn_sys,
                                             y->base, tb, y->scn_sys);
  const sim_study_override *o = &w->ovr;
  if (o->active &&
      ((strcmp(o->a, x->base) == 0 && strcmp(o->b, y->base) == 0) ||
       (strcmp(o->a, y->base) == 0 && strcmp(o->b, x->base) == 0))) {
    if (o->bandwidth)
      src.net.bandwidth_mbps = o->value;
    else
      src.net.latency_ms = o->value;
  }
  return sim_link_source_params(&src, s->links);
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
  sim_problem_free(&pr->pb);
  memset(pr, 0, sizeof *pr);
}

static int no_link(const scn_scenario *s, const sim_study_sys *x,
                   const sim_study_sys *y, size_t ta, size_t tb,
                   const char *what, ss_error *err) {
  return scn_error_at(err, s, s->tiers_pos,
                      "no link from '%s' (%s) to '%s' (%s): %s not "
                      "set; add links.%s-%s to the scenario%s%s",
                      x->name, s->tiers[ta].name, y->name, s->tiers[tb].name,
                      what, s->tiers[ta].name, s->tiers[tb].name,
                      s->network ? " or a row to " : " or a network file",
                      s->network ? s->network : "");
}

int sim_study_prob_refresh(const sim_study_world *w, const scn_scenario *s,
                           sim_study_prob *pr, ss_error *err) {
  const sim_study_model *md = &w->models[pr->model];
  sim_problem *pb = &pr->pb;
  size_t n = pb->n_total;
  for (size_t g = 0; g < n; g++)
    sim_problem_set_availability(pb, g,
                                 sim_study_availability(w, s, pb->g_source[g]));
  for (size_t ga = 0; ga < n; ga++)
    for (size_t gb = ga + 1; gb < n; gb++) {
      size_t ta = pb->g_tier[ga], tb = pb->g_tier[gb];
      if (ta >= tb)
        continue;
      size_t a = pb->g_source[ga], b = pb->g_source[gb];
      sim_link_spec l = sim_study_link(w, s, a, ta, b, tb);
      const char *what = sim_link_missing(&l);
      if (what)
        return no_link(s, &w->sys[a], &w->sys[b], ta, tb, what, err);
      sim_problem_set_link(pb, ga, gb, &l);
    }
  sim_problem_set_bytes(
      pb, sim_scenario_input_bytes(s, md->blocks.profile_input_bytes),
      ss_mb_to_bytes(s->result_mb));
  for (size_t g = 0; g < n; g++) {
    long si = w->sys[pb->g_source[g]].scn_sys;
    sim_problem_set_power(pb, g, si >= 0 ? s->systems[si].compute_power_w : 0,
                          si >= 0 ? s->systems[si].radio_power_w : 0);
  }
  sim_constraints_from_scenario(s, &pr->cons);
  return 0;
}

int sim_study_prob_build(const sim_study_world *w, const scn_scenario *s,
                         size_t m, const size_t *const *tier_sys,
                         const size_t *n_tier_sys, sim_study_prob *out,
                         ss_error *err) {
  memset(out, 0, sizeof *out);
  out->model = m;
  sim_problem_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.blocks = &w->models[m].blocks;
  spec.n_tiers = s->n_tiers;
  for (size_t t = 0; t < s->n_tiers; t++)
    spec.tiers[t] =
        (sim_problem_tier){s->tiers[t].name, n_tier_sys[t], tier_sys[t]};
  if (sim_problem_build(&spec, &out->pb, err) != 0)
    return -1;
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

int sim_study_save(const char *dir, const char *name, const ss_buf *b,
                   ss_error *err) {
  if (b->oom)
    return ss_error_oom(err, NULL, NULL);
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
    return ss_error_interrupted(err);
  return 0;
}

/* ---- all studies of a scenario ----------------------------------------- */

const sim_study_ops *const sim_study_table[] = {
    &sim_study_purchase, &sim_study_robust, &sim_study_sensitivity};
const size_t sim_n_studies = sizeof sim_study_table / sizeof sim_study_table[0];

int sim_studies_present(const scn_scenario *s) {
  for (size_t i = 0; i < sim_n_studies; i++)
    if (sim_study_table[i]->present(s))
      return 1;
  return 0;
}

int sim_write_studies(const sim_engine *e, const scn_scenario *s,
                      const prof_set *set, const char *outdir,
                      const sim_options *opt, ss_error *err) {
  for (size_t i = 0; i < sim_n_studies; i++) {
    const sim_study_ops *st = sim_study_table[i];
    void *r = NULL;
    if (!st->present(s))
      continue;
    if (st->run(e, s, set, opt, &r, err) != 0)
      return -1;
    int rc = st->write(r, s, outdir, err);
    st->free_result(r);
    if (rc != 0)
      return -1;
  }
  return 0;
}
