/* The engine: a scenario resolved against profiles (systems, models,
 * links), and per-thread contexts that apply sweep values to a scenario
 * copy and keep one prepared solver sweep per model up to date. */
#include "../common/ss_mem.h"
#include "../profiles/network.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_engine_internal.h"
#include "sim_fmt_internal.h"
#include "sim_problem.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_text.h"
#include "../common/ss_units.h"

/* ---- small helpers ----------------------------------------------------- */

static scn_pos system_pos(const scn_scenario *s, size_t sys) {
  for (size_t t = 0; t < s->n_tiers; t++)
    for (size_t j = 0; j < s->tiers[t].n_systems; j++)
      if (s->tiers[t].systems[j] == sys)
        return s->tiers[t].system_pos[j];
  scn_pos none = {0, 0};
  return none;
}

static const char *store_name(const scn_scenario *s) {
  return s->profiles ? s->profiles : "the embedded default store";
}

/* ---- placement text ---------------------------------------------------- */

void sim_placement_text(const solver_problem *p, const solver_placement *pl,
                        char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t t = 0; t < p->n_tiers && len < size; t++) {
    const char *tn = p->tiers[t].name ? p->tiers[t].name : "tier";
    const char *sn = "None";
    if (pl->sys[t] >= 0)
      sn = p->tiers[t].systems[pl->sys[t]].name;
    int64_t lo = -1, hi = -1;
    if (pl->sys[t] >= 0)
      solver_tier_layers(p, pl, t, &lo, &hi);
    len +=
        (size_t)snprintf(buf + len, size - len, "%s%c%s(%s) = %lld - %lld",
                         t ? ", " : "", toupper((unsigned char)tn[0]),
                         tn[0] ? tn + 1 : "", sn, (long long)lo, (long long)hi);
  }
}

/* ---- sweep point helpers ----------------------------------------------- */

void sim_point_values(const scn_scenario *s, size_t index, double *vals) {
  if (s->n_axes)
    scn_sweep_point(s, index, vals);
}

size_t sim_line_point(const scn_scenario *s, size_t g, size_t line, size_t i) {
  size_t idx = 0, stride = 1;
  for (size_t h = s->n_groups; h-- > 0;) {
    size_t n = s->groups[h].n_values, k;
    if (h == g) {
      k = i;
    } else {
      k = line % n;
      line /= n;
    }
    idx += k * stride;
    stride *= n;
  }
  return idx;
}

/* ---- engine ------------------------------------------------------------ */

static void model_clear(sim_model *m) {
  free(m->name);
  free(m->cell);
  sim_blocks_free(&m->blocks);
}

void sim_engine_free(sim_engine *e) {
  if (!e)
    return;
  for (size_t i = 0; i < e->n_models; i++)
    model_clear(&e->models[i]);
  free(e->models);
  free(e->g_tier);
  free(e->g_sys);
  free(e->pairs);
  free(e->axis_class);
  if (e->pair_name && e->scn)
    for (size_t i = 0; i < e->scn->n_tiers * e->scn->n_tiers; i++)
      free(e->pair_name[i]);
  free(e->pair_name);
  scn_free(e->scn);
  free(e);
}

size_t sim_engine_n_models(const sim_engine *e) { return e->n_models; }
const char *sim_engine_model(const sim_engine *e, size_t m) {
  return e->models[m].name;
}
size_t sim_engine_n_points(const sim_engine *e) { return e->n_points; }

static int unknown_system(const scn_scenario *s, const prof_set *set, size_t i,
                          ss_error *err) {
  const char **names = calloc(set->n_systems + 1, sizeof *names);
  if (!names)
    return ss_error_oom(err, NULL, NULL);
  for (size_t k = 0; k < set->n_systems; k++)
    names[k] = set->systems[k].name;
  char list[700], hint[300] = "";
  ss_join(list, sizeof list, names, set->n_systems);
  const char *best = ss_suggest(s->systems[i].name, names, set->n_systems);
  if (best)
    snprintf(hint, sizeof hint, " (did you mean '%s'?)", best);
  free(names);
  return scn_error_at(err, s, system_pos(s, i),
                      "unknown system '%s'%s: %s has no such system (known "
                      "systems: %s)",
                      s->systems[i].name, hint, store_name(s),
                      set->n_systems ? list : "none");
}

/* Models of one system as a list for messages. */
static void model_list(const prof_system *sys, char *buf, size_t size) {
  const char **names = calloc(sys->n_models + 1, sizeof *names);
  if (!names) {
    snprintf(buf, size, "?");
    return;
  }
  for (size_t k = 0; k < sys->n_models; k++)
    names[k] = sys->models[k].name;
  ss_join(buf, size, names, sys->n_models);
  free(names);
}

/* Every model name of the set (first-seen order) for messages, and in
 * hint " (did you mean 'x'?)" when one is close to word. */
static void all_model_list(const prof_set *set, const char *word, char *buf,
                           size_t size, char *hint, size_t hint_size) {
  size_t total = 0;
  for (size_t i = 0; i < set->n_systems; i++)
    total += set->systems[i].n_models;
  const char **names = calloc(total + 1, sizeof *names);
  if (!names) {
    snprintf(buf, size, "?");
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < set->n_systems; i++)
    for (size_t k = 0; k < set->systems[i].n_models; k++) {
      const char *nm = set->systems[i].models[k].name;
      size_t j = 0;
      while (j < n && strcmp(names[j], nm) != 0)
        j++;
      if (j == n)
        names[n++] = nm;
    }
  ss_join(buf, size, names, n);
  const char *best = ss_suggest(word, names, n);
  if (best)
    snprintf(hint, hint_size, " (did you mean '%s'?)", best);
  free(names);
}

/* One model's block tables on every scenario system (the builder checks
 * that they share blocks; its message is placed at pos). */
static int model_fill(sim_engine *e, const prof_system **psys, const char *name,
                      scn_pos pos, sim_model *m, ss_error *err) {
  const scn_scenario *s = e->scn;
  sim_blocks_source *src = calloc(s->n_systems + 1, sizeof *src);
  if (!src)
    return ss_error_oom(err, NULL, NULL);
  for (size_t i = 0; i < s->n_systems; i++) {
    const prof_model *pm = prof_system_find_model(psys[i], name);
    /* Opt-in: rescale to the measured whole-model time. */
    double scale = s->calibrate ? prof_model_calibration(pm) : 1.0;
    src[i] = (sim_blocks_source){s->systems[i].name, pm, scale};
  }
  int rc = sim_blocks_build(name, src, s->n_systems, &m->blocks, err);
  free(src);
  if (rc != 0)
    return ss_error_kind_of(err) == SS_ERR_OOM ? -1
                                               : scn_error_place(err, s, pos);
  m->name = ss_strdup(name);
  m->cell = sim_csv_cell(name);
  if (!m->name || !m->cell)
    return ss_error_oom(err, NULL, NULL);
  return 0;
}

static int resolve_models(sim_engine *e, const scn_scenario *s,
                          const prof_set *set, const prof_system **psys,
                          ss_error *err) {
  char list[700];
  if (s->all_models) {
    const prof_system *first = psys[s->tiers[0].systems[0]];
    e->models = calloc(first->n_models + 1, sizeof *e->models);
    if (!e->models)
      return ss_error_oom(err, NULL, NULL);
    for (size_t k = 0; k < first->n_models; k++) {
      const char *name = first->models[k].name;
      int everywhere = 1;
      for (size_t i = 0; i < s->n_systems && everywhere; i++)
        everywhere = prof_system_find_model(psys[i], name) != NULL;
      if (!everywhere)
        continue;
      if (model_fill(e, psys, name, s->models_pos, &e->models[e->n_models++],
                     err) != 0)
        return -1;
    }
    if (e->n_models == 0)
      return scn_error_at(err, s, s->models_pos,
                          "models: all: no model is profiled on every "
                          "system of the scenario (%s)",
                          store_name(s));
    return 0;
  }
  e->models = calloc(s->n_models + 1, sizeof *e->models);
  if (!e->models)
    return ss_error_oom(err, NULL, NULL);
  for (size_t k = 0; k < s->n_models; k++) {
    const char *name = s->models[k].name;
    size_t have = 0, missing = 0;
    for (size_t i = 0; i < s->n_systems; i++) {
      if (prof_system_find_model(psys[i], name))
        have++;
      else if (!missing)
        missing = i + 1;
    }
    if (have == 0) {
      char hint[300] = "";
      all_model_list(set, name, list, sizeof list, hint, sizeof hint);
      return scn_error_at(err, s, s->models[k].pos,
                          "unknown model '%s'%s: no system of the scenario "
                          "has it in %s (known models: %s)",
                          name, hint, store_name(s), list);
    }
    if (missing) {
      const prof_system *ps = psys[missing - 1];
      model_list(ps, list, sizeof list);
      return scn_error_at(err, s, s->models[k].pos,
                          "model '%s' is not profiled on system '%s' (its "
                          "models: %s)",
                          name, ps->name, ps->n_models ? list : "none");
    }
    if (model_fill(e, psys, name, s->models[k].pos, &e->models[e->n_models++],
                   err) != 0)
      return -1;
  }
  return 0;
}

static int class_of(scn_param_kind k) {
  switch (k) {
  case SCN_PARAM_LINK_LATENCY_MS:
  case SCN_PARAM_LINK_BANDWIDTH_MBPS:
    return SIM_CLASS_LINK;
  case SCN_PARAM_AVAILABILITY:
    return SIM_CLASS_AVAIL;
  default:
    return SIM_CLASS_STRUCT;
  }
}

/* The parameters of the link of global pair (ga, gb) under scenario
 * values s. */
static sim_link_spec pair_params(const sim_engine *e, const scn_scenario *s,
                                 size_t ga, size_t gb) {
  return sim_link_source_params(&e->pairs[ga * e->n_total + gb], s->links);
}

static int build_pairs(sim_engine *e, const scn_scenario *s,
                       const prof_network *net) {
  size_t n = e->n_total;
  e->pairs = calloc(n * n, sizeof *e->pairs);
  if (!e->pairs)
    return -1;
  for (size_t ga = 0; ga < n; ga++)
    for (size_t gb = 0; gb < n; gb++) {
      size_t ta = e->g_tier[ga], tb = e->g_tier[gb];
      if (ta >= tb)
        continue;
      size_t sa = e->g_sys[ga], sb = e->g_sys[gb];
      e->pairs[ga * n + gb] =
          sim_link_source_find(s, net, s->systems[sa].name, ta, (long)sa,
                               s->systems[sb].name, tb, (long)sb);
    }
  return 0;
}

/* Every pair of systems of different tiers needs a complete link at the
 * first sweep point (later points only change values that are set). */
static int check_links(const sim_engine *e, ss_error *err) {
  const scn_scenario *s0 = e->scn;
  scn_scenario *s = scn_copy(s0);
  if (!s)
    return ss_error_oom(err, NULL, NULL);
  int rc = -1;
  if (e->n_points > 0 && scn_apply_point(s, 0, err) != 0)
    goto done;
  for (size_t ga = 0; ga < e->n_total; ga++)
    for (size_t gb = ga + 1; gb < e->n_total; gb++) {
      size_t ta = e->g_tier[ga], tb = e->g_tier[gb];
      if (ta >= tb)
        continue;
      sim_link_spec l = pair_params(e, s, ga, gb);
      const char *what = sim_link_missing(&l);
      if (!what)
        continue;
      size_t sa = e->g_sys[ga], sb = e->g_sys[gb];
      char sys_hint[600] = "";
      if (sa != sb)
        snprintf(sys_hint, sizeof sys_hint, " or links.%s-%s",
                 s->systems[sa].name, s->systems[sb].name);
      scn_error_at(err, s, system_pos(s, sb),
                   "no link from '%s' (%s) to '%s' (%s): %s not set; add "
                   "links.%s-%s%s to the scenario%s%s",
                   s->systems[sa].name, s->tiers[ta].name, s->systems[sb].name,
                   s->tiers[tb].name, what, s->tiers[ta].name,
                   s->tiers[tb].name, sys_hint,
                   s->network ? " or a row to " : " or a network file",
                   s->network ? s->network : "");
      goto done;
    }
  rc = 0;
done:
  scn_free(s);
  return rc;
}

int sim_engine_new(const scn_scenario *s, const prof_set *set,
                   const prof_network *net, sim_engine **out, ss_error *err) {
  *out = NULL;
  const prof_system **psys = NULL;
  sim_engine *e = calloc(1, sizeof *e);
  if (!e)
    return ss_error_oom(err, NULL, NULL);
  if (!(e->scn = scn_copy(s)))
    goto oom;
  e->obj = s->objective;
  if (s->n_tiers < 1 || s->n_tiers > SOLVER_MAX_TIERS) {
    scn_error_at(err, s, s->tiers_pos, "a scenario needs 1 to %d tiers",
                 SOLVER_MAX_TIERS);
    goto fail;
  }
  psys = calloc(s->n_systems + 1, sizeof *psys);
  if (!psys)
    goto oom;
  for (size_t i = 0; i < s->n_systems; i++)
    if (!(psys[i] = prof_set_find_system(set, s->systems[i].name))) {
      unknown_system(s, set, i, err);
      goto fail;
    }
  if (resolve_models(e, s, set, psys, err) != 0)
    goto fail;
  e->n_total = 0;
  for (size_t t = 0; t < s->n_tiers; t++) {
    e->base[t] = e->n_total;
    e->n_total += s->tiers[t].n_systems;
  }
  e->base[s->n_tiers] = e->n_total;
  e->g_tier = calloc(e->n_total, sizeof *e->g_tier);
  e->g_sys = calloc(e->n_total, sizeof *e->g_sys);
  e->axis_class = calloc(s->n_axes + 1, sizeof *e->axis_class);
  e->pair_name = calloc(s->n_tiers * s->n_tiers, sizeof *e->pair_name);
  if (!e->g_tier || !e->g_sys || !e->axis_class || !e->pair_name)
    goto oom;
  for (size_t t = 0; t < s->n_tiers; t++)
    for (size_t j = 0; j < s->tiers[t].n_systems; j++) {
      e->g_tier[e->base[t] + j] = t;
      e->g_sys[e->base[t] + j] = s->tiers[t].systems[j];
    }
  for (size_t a = 0; a < s->n_tiers; a++)
    for (size_t b = a + 1; b < s->n_tiers; b++) {
      size_t len = strlen(s->tiers[a].name) + strlen(s->tiers[b].name) + 2;
      char *nm = malloc(len);
      if (!nm)
        goto oom;
      snprintf(nm, len, "%s-%s", s->tiers[a].name, s->tiers[b].name);
      e->pair_name[a * s->n_tiers + b] = nm;
    }
  for (size_t k = 0; k < s->n_axes; k++)
    e->axis_class[k] = class_of(s->axes[k].target.kind);
  if (build_pairs(e, s, net) != 0)
    goto oom;
  e->n_points = scn_sweep_count(s);
  if (check_links(e, err) != 0)
    goto fail;
  free(psys);
  *out = e;
  return 0;
oom:
  ss_error_oom(err, NULL, NULL);
fail:
  free(psys);
  sim_engine_free(e);
  return -1;
}

/* ---- contexts ---------------------------------------------------------- */

static void text_cache_clear(sim_mstate *ms) {
  if (ms->text)
    for (size_t i = 0; i < ms->n_place; i++)
      free(ms->text[i]);
  free(ms->text);
  ms->text = NULL;
  ms->n_place = 0;
}

void sim_ctx_free(sim_ctx *c) {
  if (!c)
    return;
  if (c->ms)
    for (size_t m = 0; m < c->e->n_models; m++) {
      solver_sweep_free(c->ms[m].sw);
      text_cache_clear(&c->ms[m]);
      sim_problem_free(&c->ms[m].pb);
    }
  free(c->ms);
  free(c->links);
  free(c->link_changed);
  free(c->link_spec);
  free(c->avail_changed);
  free(c->cur);
  scn_free(c->s);
  free(c);
}

/* Rebuild what a structural parameter may change of model m: input and
 * result bytes, powers, constraints. Drops its prepared sweep. */
static void rebuild_model(sim_ctx *c, size_t m) {
  const sim_engine *e = c->e;
  const scn_scenario *s = c->s;
  sim_mstate *ms = &c->ms[m];
  const sim_model *md = &e->models[m];
  solver_sweep_free(ms->sw);
  ms->sw = NULL;
  text_cache_clear(ms);
  sim_problem_set_bytes(
      &ms->pb, sim_scenario_input_bytes(s, md->blocks.profile_input_bytes),
      ss_mb_to_bytes(s->result_mb));
  for (size_t g = 0; g < e->n_total; g++) {
    const scn_system *ss = &s->systems[e->g_sys[g]];
    sim_problem_set_power(&ms->pb, g, ss->compute_power_w, ss->radio_power_w);
  }
  sim_constraints_from_scenario(s, &ms->cons);
}

void sim_constraints_from_scenario(const scn_scenario *s,
                                   solver_constraints *cn) {
  solver_constraints_init(cn);
  cn->privacy = s->constraints.privacy;
  for (size_t t = 0; t < s->n_tiers; t++) {
    long long lo = s->constraints.min_blocks ? s->constraints.min_blocks[t] : 0;
    long long hi =
        s->constraints.max_blocks ? s->constraints.max_blocks[t] : -1;
    cn->min_blocks[t] = lo > 0 ? (size_t)lo : 0;
    cn->max_blocks[t] = hi < 0 ? SIZE_MAX : (size_t)hi;
  }
  /* A tier-pair byte limit caps what the earlier tier uploads. */
  for (size_t i = 0; i < s->constraints.n_link_limits; i++) {
    const scn_link_limit *l = &s->constraints.link_limits[i];
    if (isnan(l->mb))
      continue;
    size_t t = l->a < l->b ? l->a : l->b;
    double bytes = ss_mb_to_bytes(l->mb);
    if (bytes < cn->max_upload_bytes[t])
      cn->max_upload_bytes[t] = bytes;
  }
}

static int same_link(solver_link a, solver_link b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

/* Record what the applied values change; each model takes it in when it
 * is next used (sim_ctx_model): the work per change does not grow with the
 * number of models. */
static int ctx_sync(sim_ctx *c, int classes, ss_error *err) {
  const sim_engine *e = c->e;
  size_t n = e->n_total;
  (void)err;
  if (classes & SIM_CLASS_STRUCT)
    c->struct_gen++;
  if (classes & (SIM_CLASS_LINK | SIM_CLASS_STRUCT)) {
    c->link_gen++;
    for (size_t ga = 0; ga < n; ga++)
      for (size_t gb = ga + 1; gb < n; gb++) {
        if (e->g_tier[ga] >= e->g_tier[gb])
          continue;
        sim_link_spec lp = pair_params(e, c->s, ga, gb);
        solver_link l = sim_link_cost(&lp, 0);
        if (same_link(l, c->links[ga * n + gb]))
          continue;
        c->links[ga * n + gb] = l;
        c->links[gb * n + ga] = l;
        c->link_spec[ga * n + gb] = lp;
        c->link_changed[ga * n + gb] = c->link_gen;
      }
  }
  if (classes & (SIM_CLASS_AVAIL | SIM_CLASS_STRUCT)) {
    c->avail_gen++;
    for (size_t g = 0; g < n; g++)
      c->avail_changed[g] = c->avail_gen;
  }
  return 0;
}

static int model_links(sim_ctx *c, sim_mstate *ms, ss_error *err) {
  const sim_engine *e = c->e;
  size_t n = e->n_total;
  for (size_t ga = 0; ga < n; ga++)
    for (size_t gb = ga + 1; gb < n; gb++) {
      size_t i = ga * n + gb;
      if (e->g_tier[ga] >= e->g_tier[gb] || c->link_changed[i] <= ms->link_seen)
        continue;
      sim_problem_set_link(&ms->pb, ga, gb, &c->link_spec[i]);
      if (ms->sw && solver_sweep_set_link(ms->sw, ga, gb, c->links[i]))
        return ss_error_setk(err, SS_ERR_INVALID, c->s->file, NULL,
                             "invalid link value between '%s' and '%s'",
                             c->s->systems[e->g_sys[ga]].name,
                             c->s->systems[e->g_sys[gb]].name);
    }
  ms->link_seen = c->link_gen;
  return 0;
}

int sim_ctx_model(sim_ctx *c, size_t m, ss_error *err) {
  const sim_engine *e = c->e;
  sim_mstate *ms = &c->ms[m];
  if (ms->struct_seen != c->struct_gen) {
    rebuild_model(c, m); /* drops the sweep */
    ms->struct_seen = c->struct_gen;
  }
  if (ms->avail_seen != c->avail_gen) {
    for (size_t g = 0; g < e->n_total; g++) {
      double a = c->s->systems[e->g_sys[g]].availability;
      if (c->avail_changed[g] <= ms->avail_seen ||
          ms->pb.sys[g].availability == a)
        continue;
      sim_problem_set_availability(&ms->pb, g, a);
      if (ms->sw && solver_sweep_set_availability(ms->sw, g, a))
        return ss_error_set(err, c->s->file, NULL,
                            "invalid availability %g of '%s'", a,
                            c->s->systems[e->g_sys[g]].name);
    }
    ms->avail_seen = c->avail_gen;
  }
  return ms->link_seen != c->link_gen ? model_links(c, ms, err) : 0;
}

int sim_ctx_new(const sim_engine *e, sim_ctx **out, ss_error *err) {
  *out = NULL;
  const scn_scenario *s = e->scn;
  size_t n = e->n_total;
  sim_ctx *c = calloc(1, sizeof *c);
  if (!c)
    return ss_error_oom(err, NULL, NULL);
  c->e = e;
  c->s = scn_copy(s);
  c->cur = malloc((s->n_axes + 1) * sizeof *c->cur);
  c->links = calloc(n * n, sizeof *c->links);
  c->link_changed = calloc(n * n, sizeof *c->link_changed);
  c->link_spec = calloc(n * n, sizeof *c->link_spec);
  c->avail_changed = calloc(n, sizeof *c->avail_changed);
  c->ms = calloc(e->n_models, sizeof *c->ms);
  if (!c->s || !c->cur || !c->links || !c->ms || !c->link_changed ||
      !c->link_spec || !c->avail_changed)
    goto oom;
  for (size_t k = 0; k < s->n_axes; k++)
    c->cur[k] = NAN;
  for (size_t i = 0; i < n * n; i++) {
    c->links[i].latency_s = NAN;
    c->links[i].bandwidth_bytes_per_s = NAN;
  }
  sim_problem_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.n_tiers = s->n_tiers;
  for (size_t t = 0; t < s->n_tiers; t++)
    spec.tiers[t] = (sim_problem_tier){s->tiers[t].name, s->tiers[t].n_systems,
                                       s->tiers[t].systems};
  for (size_t m = 0; m < e->n_models; m++) {
    sim_mstate *ms = &c->ms[m];
    spec.blocks = &e->models[m].blocks;
    if (sim_problem_build(&spec, &ms->pb, err) != 0)
      goto fail;
    for (size_t g = 0; g < n; g++) /* set by the first sync */
      sim_problem_set_availability(&ms->pb, g, NAN);
  }
  if (ctx_sync(c, SIM_CLASS_STRUCT, err) != 0)
    goto fail;
  *out = c;
  return 0;
oom:
  ss_error_oom(err, NULL, NULL);
fail:
  sim_ctx_free(c);
  return -1;
}

static int same_value(double a, double b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

int sim_ctx_set(sim_ctx *c, const double *vals, ss_error *err) {
  const scn_scenario *s = c->s;
  int classes = 0;
  for (size_t k = 0; k < s->n_axes; k++) {
    if (same_value(vals[k], c->cur[k]))
      continue;
    const scn_axis *ax = &s->axes[k];
    if (scn_param_set(c->s, &ax->target, vals[k], err) != 0)
      return ss_error_prefix(err, "%s", ax->param);
    c->cur[k] = vals[k];
    classes |= c->e->axis_class[k];
  }
  return classes ? ctx_sync(c, classes, err) : 0;
}

const sim_problem *sim_ctx_problem(const sim_ctx *c, size_t m) {
  return &c->ms[m].pb;
}

int sim_ctx_prepare(sim_ctx *c, size_t m, ss_error *err) {
  sim_mstate *ms = &c->ms[m];
  if (sim_ctx_model(c, m, err) != 0)
    return -1;
  if (ms->sw)
    return 0;
  if (solver_sweep_prepare(&ms->pb.p, &ms->cons, c->e->obj, &ms->sw, err) !=
      0) {
    ms->sw = NULL;
    return ss_error_prefix(err, "model '%s'", c->e->models[m].name);
  }
  ms->gen++;
  ms->n_place = solver_sweep_size(ms->sw);
  ms->text = calloc(ms->n_place + 1, sizeof *ms->text);
  if (!ms->text)
    return ss_error_oom(err, NULL, NULL);
  return 0;
}

int sim_ctx_best(sim_ctx *c, size_t m, solver_result *r, size_t *index,
                 ss_error *err) {
  if (sim_ctx_prepare(c, m, err) != 0)
    return -1;
  size_t idx;
  double v;
  int rc = solver_sweep_best(c->ms[m].sw, &idx, &v);
  if (rc <= 0)
    return rc < 0 ? ss_error_set(err, c->s->file, NULL, "sweep failed") : 0;
  if (solver_sweep_describe(c->ms[m].sw, idx, r, err) != 0)
    return ss_error_prefix(err, "model '%s'", c->e->models[m].name);
  if (index)
    *index = idx;
  return 1;
}

int sim_ctx_values(sim_ctx *c, size_t m, double **vals, size_t *cap, size_t *n,
                   ss_error *err) {
  if (sim_ctx_prepare(c, m, err) != 0)
    return -1;
  size_t need = c->ms[m].n_place;
  if (need > *cap || !*vals) {
    double *nv = realloc(*vals, (need + 1) * sizeof *nv);
    if (!nv)
      return ss_error_oom(err, NULL, NULL);
    *vals = nv;
    *cap = need;
  }
  if (need)
    solver_sweep_values(c->ms[m].sw, *vals);
  *n = need;
  return 0;
}

const char *sim_ctx_text(sim_ctx *c, size_t m, size_t i,
                         const solver_placement *pl) {
  sim_mstate *ms = &c->ms[m];
  if (i < ms->n_place && ms->text[i])
    return ms->text[i];
  char buf[2048];
  sim_placement_text(&ms->pb.p, pl, buf, sizeof buf);
  char *cell = sim_csv_cell(buf);
  if (!cell)
    return NULL;
  if (i < ms->n_place) {
    ms->text[i] = cell;
    return cell;
  }
  free(cell);
  return NULL;
}

int sim_engine_best_at(const sim_engine *e, size_t point, size_t m,
                       solver_result *out, ss_error *err) {
  if (point >= e->n_points || m >= e->n_models)
    return ss_error_set(err, NULL, NULL, "point or model out of range");
  sim_ctx *c = NULL;
  double *vals = malloc((e->scn->n_axes + 1) * sizeof *vals);
  int rc = -1;
  if (!vals) {
    ss_error_oom(err, NULL, NULL);
    goto done;
  }
  if (sim_ctx_new(e, &c, err) != 0)
    goto done;
  sim_point_values(e->scn, point, vals);
  if (sim_ctx_set(c, vals, err) != 0)
    goto done;
  rc = sim_ctx_best(c, m, out, NULL, err);
done:
  free(vals);
  sim_ctx_free(c);
  return rc;
}
