/* The engine: a scenario resolved against profiles (systems, models,
 * links), and per-thread contexts that apply sweep values to a scenario
 * copy and keep one prepared solver sweep per model up to date. */
#include "sim_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ----------------------------------------------------- */

/* "a, b, c" into buf, cut with ", ..." when it does not fit. */
static void join_names(char *buf, size_t size, const char *const *names,
                       size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    size_t need = strlen(names[i]) + (i ? 2 : 0);
    if (len + need + 6 >= size) {
      snprintf(buf + len, size - len, "%s...", i ? ", " : "");
      return;
    }
    len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                            names[i]);
  }
}

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

static int oom(ss_error *err) {
  return ss_error_set(err, NULL, NULL, "out of memory");
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

static void model_clear(sim_model *m, size_t n_sys) {
  free(m->name);
  free(m->cell);
  free(m->output_bytes);
  free(m->first_layer);
  free(m->last_layer);
  if (m->time_s)
    for (size_t i = 0; i < n_sys; i++)
      free(m->time_s[i]);
  free(m->time_s);
}

void sim_engine_free(sim_engine *e) {
  if (!e)
    return;
  size_t n_sys = e->scn ? e->scn->n_systems : 0;
  for (size_t i = 0; i < e->n_models; i++)
    model_clear(&e->models[i], n_sys);
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
    return oom(err);
  for (size_t k = 0; k < set->n_systems; k++)
    names[k] = set->systems[k].name;
  char list[700];
  join_names(list, sizeof list, names, set->n_systems);
  free(names);
  return scn_error_at(err, s, system_pos(s, i),
                      "unknown system '%s': %s has no such system (known "
                      "systems: %s)",
                      s->systems[i].name, store_name(s),
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
  join_names(buf, size, names, sys->n_models);
  free(names);
}

/* Every model name of the set (first-seen order) for messages. */
static void all_model_list(const prof_set *set, char *buf, size_t size) {
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
  join_names(buf, size, names, n);
  free(names);
}

/* Copy one model's tables out of the profiles. */
static int model_fill(sim_engine *e, const scn_scenario *s,
                      const prof_system **psys, const char *name, scn_pos pos,
                      sim_model *m, ss_error *err) {
  const prof_model *ref = prof_system_find_model(psys[0], name);
  size_t nb = ref->n_blocks;
  if (nb == 0)
    return scn_error_at(err, s, pos, "model '%s' of system '%s' has no blocks",
                        name, s->systems[0].name);
  for (size_t i = 1; i < s->n_systems; i++) {
    const prof_model *pm = prof_system_find_model(psys[i], name);
    if (pm->n_blocks != nb)
      return scn_error_at(err, s, pos,
                          "model '%s': system '%s' has %zu blocks but '%s' "
                          "has %zu; all systems must share block boundaries",
                          name, s->systems[0].name, nb, s->systems[i].name,
                          pm->n_blocks);
    for (size_t b = 0; b < nb; b++)
      if (pm->blocks[b].first_layer != ref->blocks[b].first_layer ||
          pm->blocks[b].last_layer != ref->blocks[b].last_layer)
        return scn_error_at(
            err, s, pos,
            "model '%s': block %zu covers layers %lld-%lld on '%s' but "
            "%lld-%lld on '%s'; all systems must share block boundaries",
            name, b, (long long)ref->blocks[b].first_layer,
            (long long)ref->blocks[b].last_layer, s->systems[0].name,
            (long long)pm->blocks[b].first_layer,
            (long long)pm->blocks[b].last_layer, s->systems[i].name);
  }
  m->n_blocks = nb;
  m->name = prof_strdup(name);
  m->cell = sim_csv_cell(name);
  m->output_bytes = malloc(nb * sizeof *m->output_bytes);
  m->first_layer = malloc(nb * sizeof *m->first_layer);
  m->last_layer = malloc(nb * sizeof *m->last_layer);
  m->time_s = calloc(s->n_systems, sizeof *m->time_s);
  if (!m->name || !m->cell || !m->output_bytes || !m->first_layer ||
      !m->last_layer || !m->time_s)
    return oom(err);
  for (size_t b = 0; b < nb; b++) {
    m->output_bytes[b] = (double)ref->blocks[b].output_bytes;
    m->first_layer[b] = ref->blocks[b].first_layer;
    m->last_layer[b] = ref->blocks[b].last_layer;
  }
  m->profile_input_bytes = -1;
  for (size_t i = 0; i < s->n_systems; i++) {
    const prof_model *pm = prof_system_find_model(psys[i], name);
    if (!(m->time_s[i] = malloc(nb * sizeof(double))))
      return oom(err);
    /* Opt-in: rescale to the measured whole-model time. */
    double scale = s->calibrate ? prof_model_calibration(pm) : 1.0;
    for (size_t b = 0; b < nb; b++)
      m->time_s[i][b] = pm->blocks[b].time_s * scale;
    if (m->profile_input_bytes < 0 && pm->input_bytes >= 0)
      m->profile_input_bytes = (double)pm->input_bytes;
  }
  (void)e;
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
      return oom(err);
    for (size_t k = 0; k < first->n_models; k++) {
      const char *name = first->models[k].name;
      int everywhere = 1;
      for (size_t i = 0; i < s->n_systems && everywhere; i++)
        everywhere = prof_system_find_model(psys[i], name) != NULL;
      if (!everywhere)
        continue;
      if (model_fill(e, s, psys, name, s->models_pos, &e->models[e->n_models++],
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
    return oom(err);
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
      all_model_list(set, list, sizeof list);
      return scn_error_at(err, s, s->models[k].pos,
                          "unknown model '%s': no system of the scenario has "
                          "it in %s (known models: %s)",
                          name, store_name(s), list);
    }
    if (missing) {
      const prof_system *ps = psys[missing - 1];
      model_list(ps, list, sizeof list);
      return scn_error_at(err, s, s->models[k].pos,
                          "model '%s' is not profiled on system '%s' (its "
                          "models: %s)",
                          name, ps->name, ps->n_models ? list : "none");
    }
    if (model_fill(e, s, psys, name, s->models[k].pos,
                   &e->models[e->n_models++], err) != 0)
      return -1;
  }
  return 0;
}

static solver_objective objective_of(scn_objective o) {
  switch (o) {
  case SCN_OBJ_THROUGHPUT:
    return SOLVER_OBJ_THROUGHPUT;
  case SCN_OBJ_BYTES:
    return SOLVER_OBJ_BYTES;
  case SCN_OBJ_DEVICE_ENERGY:
    return SOLVER_OBJ_DEVICE_ENERGY;
  case SCN_OBJ_LATENCY:
  default:
    return SOLVER_OBJ_LATENCY;
  }
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

/* The link of global pair (ga, gb) under scenario values s: network row,
 * then the tier-pair link, then the system-pair link, field by field. */
static solver_link merge_pair(const sim_engine *e, const scn_scenario *s,
                              size_t ga, size_t gb) {
  const sim_pair *pr = &e->pairs[ga * e->n_total + gb];
  solver_link l = {pr->net_latency_s, pr->net_bandwidth};
  long idx[2] = {pr->tier_link, pr->sys_link};
  for (int k = 0; k < 2; k++) {
    if (idx[k] < 0)
      continue;
    const scn_link *sl = &s->links[idx[k]];
    if (sl->has_latency_ms)
      l.latency_s = sl->latency_ms / 1000.0;
    if (sl->has_bandwidth_mbps)
      l.bandwidth_bytes_per_s = sl->bandwidth_mbps * 125000.0;
  }
  return l;
}

static int build_pairs(sim_engine *e, const scn_scenario *s,
                       const prof_network *net) {
  size_t n = e->n_total;
  e->pairs = calloc(n * n, sizeof *e->pairs);
  if (!e->pairs)
    return -1;
  for (size_t ga = 0; ga < n; ga++)
    for (size_t gb = 0; gb < n; gb++) {
      sim_pair *pr = &e->pairs[ga * n + gb];
      pr->net_latency_s = NAN;
      pr->net_bandwidth = NAN;
      pr->tier_link = pr->sys_link = -1;
      size_t ta = e->g_tier[ga], tb = e->g_tier[gb];
      if (ta >= tb)
        continue;
      size_t sa = e->g_sys[ga], sb = e->g_sys[gb];
      const char *na = s->systems[sa].name, *nb = s->systems[sb].name;
      const prof_link *row = NULL;
      if (net) {
        row = prof_network_find(net, na, nb);
        if (!row)
          row = prof_network_find(net, nb, na);
      }
      if (row) {
        pr->net_latency_s = row->ping_ms / 1000.0;
        pr->net_bandwidth = row->bandwidth_mbps * 125000.0;
      }
      const scn_link *tl = scn_link_find(s, SCN_LINK_TIERS, ta, tb);
      if (tl)
        pr->tier_link = (long)(tl - s->links);
      if (sa != sb) {
        const scn_link *sl = scn_link_find(s, SCN_LINK_SYSTEMS, sa, sb);
        if (sl)
          pr->sys_link = (long)(sl - s->links);
      }
    }
  return 0;
}

/* Every pair of systems of different tiers needs a complete link at the
 * first sweep point (later points only change values that are set). */
static int check_links(const sim_engine *e, ss_error *err) {
  const scn_scenario *s0 = e->scn;
  scn_scenario *s = scn_copy(s0);
  if (!s)
    return oom(err);
  int rc = -1;
  if (e->n_points > 0 && scn_apply_point(s, 0, err) != 0)
    goto done;
  for (size_t ga = 0; ga < e->n_total; ga++)
    for (size_t gb = ga + 1; gb < e->n_total; gb++) {
      size_t ta = e->g_tier[ga], tb = e->g_tier[gb];
      if (ta >= tb)
        continue;
      solver_link l = merge_pair(e, s, ga, gb);
      int no_lat = isnan(l.latency_s), no_bw = isnan(l.bandwidth_bytes_per_s);
      if (!no_lat && !no_bw)
        continue;
      size_t sa = e->g_sys[ga], sb = e->g_sys[gb];
      const char *what = no_lat && no_bw ? "latency_ms and bandwidth_mbps"
                         : no_lat        ? "latency_ms"
                                         : "bandwidth_mbps";
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
    return oom(err);
  if (!(e->scn = scn_copy(s)))
    goto oom;
  e->obj = objective_of(s->objective);
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
  oom(err);
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
      free(c->ms[m].sys);
    }
  free(c->ms);
  free(c->links);
  free(c->cur);
  scn_free(c->s);
  free(c);
}

/* Rebuild what a structural parameter may change: input and result bytes,
 * powers, constraints. Drops the prepared sweeps. */
static void rebuild(sim_ctx *c) {
  const sim_engine *e = c->e;
  const scn_scenario *s = c->s;
  for (size_t m = 0; m < e->n_models; m++) {
    sim_mstate *ms = &c->ms[m];
    const sim_model *md = &e->models[m];
    solver_sweep_free(ms->sw);
    ms->sw = NULL;
    text_cache_clear(ms);
    if (s->input_mb_set)
      ms->prob.input_bytes = s->input_mb * 1e6;
    else if (md->profile_input_bytes >= 0)
      ms->prob.input_bytes = md->profile_input_bytes;
    else
      ms->prob.input_bytes = SCN_DEFAULT_INPUT_MB * 1e6;
    ms->prob.result_bytes = s->result_mb * 1e6;
    for (size_t g = 0; g < e->n_total; g++) {
      const scn_system *ss = &s->systems[e->g_sys[g]];
      ms->sys[g].compute_power_w = ss->compute_power_w;
      ms->sys[g].radio_power_w = ss->radio_power_w;
    }
    sim_constraints_from_scenario(s, &ms->cons);
  }
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
    double bytes = l->mb * 1e6;
    if (bytes < cn->max_upload_bytes[t])
      cn->max_upload_bytes[t] = bytes;
  }
}

static int same_link(solver_link a, solver_link b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

static int ctx_sync(sim_ctx *c, int classes, ss_error *err) {
  const sim_engine *e = c->e;
  size_t n = e->n_total;
  if (classes & SIM_CLASS_STRUCT)
    rebuild(c);
  if (classes & (SIM_CLASS_LINK | SIM_CLASS_STRUCT)) {
    for (size_t ga = 0; ga < n; ga++)
      for (size_t gb = ga + 1; gb < n; gb++) {
        if (e->g_tier[ga] >= e->g_tier[gb])
          continue;
        solver_link l = merge_pair(e, c->s, ga, gb);
        if (same_link(l, c->links[ga * n + gb]))
          continue;
        c->links[ga * n + gb] = l;
        c->links[gb * n + ga] = l;
        for (size_t m = 0; m < e->n_models; m++)
          if (c->ms[m].sw && solver_sweep_set_link(c->ms[m].sw, ga, gb, l))
            return ss_error_set(err, c->s->file, NULL,
                                "invalid link value between '%s' and '%s'",
                                c->s->systems[e->g_sys[ga]].name,
                                c->s->systems[e->g_sys[gb]].name);
      }
  }
  if (classes & (SIM_CLASS_AVAIL | SIM_CLASS_STRUCT)) {
    for (size_t g = 0; g < n; g++) {
      double a = c->s->systems[e->g_sys[g]].availability;
      for (size_t m = 0; m < e->n_models; m++) {
        sim_mstate *ms = &c->ms[m];
        if (ms->sys[g].availability == a)
          continue;
        ms->sys[g].availability = a;
        if (ms->sw && solver_sweep_set_availability(ms->sw, g, a))
          return ss_error_set(err, c->s->file, NULL,
                              "invalid availability %g of '%s'", a,
                              c->s->systems[e->g_sys[g]].name);
      }
    }
  }
  return 0;
}

int sim_ctx_new(const sim_engine *e, sim_ctx **out, ss_error *err) {
  *out = NULL;
  const scn_scenario *s = e->scn;
  size_t n = e->n_total;
  sim_ctx *c = calloc(1, sizeof *c);
  if (!c)
    return oom(err);
  c->e = e;
  c->s = scn_copy(s);
  c->cur = malloc((s->n_axes + 1) * sizeof *c->cur);
  c->links = calloc(n * n, sizeof *c->links);
  c->ms = calloc(e->n_models, sizeof *c->ms);
  if (!c->s || !c->cur || !c->links || !c->ms)
    goto oom;
  for (size_t k = 0; k < s->n_axes; k++)
    c->cur[k] = NAN;
  for (size_t i = 0; i < n * n; i++) {
    c->links[i].latency_s = NAN;
    c->links[i].bandwidth_bytes_per_s = NAN;
  }
  for (size_t m = 0; m < e->n_models; m++) {
    sim_mstate *ms = &c->ms[m];
    const sim_model *md = &e->models[m];
    if (!(ms->sys = calloc(n, sizeof *ms->sys)))
      goto oom;
    for (size_t g = 0; g < n; g++) {
      ms->sys[g].name = s->systems[e->g_sys[g]].name;
      ms->sys[g].time_s = md->time_s[e->g_sys[g]];
      ms->sys[g].availability = NAN; /* set by the first sync */
    }
    solver_problem *p = &ms->prob;
    p->n_blocks = md->n_blocks;
    p->output_bytes = md->output_bytes;
    p->first_layer = md->first_layer;
    p->last_layer = md->last_layer;
    p->n_tiers = s->n_tiers;
    for (size_t t = 0; t < s->n_tiers; t++) {
      p->tiers[t].name = s->tiers[t].name;
      p->tiers[t].n_systems = s->tiers[t].n_systems;
      p->tiers[t].systems = ms->sys + e->base[t];
    }
    p->links = c->links;
    p->scission_quirks = 0;
  }
  if (ctx_sync(c, SIM_CLASS_STRUCT, err) != 0)
    goto fail;
  *out = c;
  return 0;
oom:
  oom(err);
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

int sim_ctx_prepare(sim_ctx *c, size_t m, ss_error *err) {
  sim_mstate *ms = &c->ms[m];
  if (ms->sw)
    return 0;
  if (solver_sweep_prepare(&ms->prob, &ms->cons, c->e->obj, &ms->sw, err) !=
      0) {
    ms->sw = NULL;
    return ss_error_prefix(err, "model '%s'", c->e->models[m].name);
  }
  ms->gen++;
  ms->n_place = solver_sweep_size(ms->sw);
  ms->text = calloc(ms->n_place + 1, sizeof *ms->text);
  if (!ms->text)
    return oom(err);
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
      return oom(err);
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
  sim_placement_text(&ms->prob, pl, buf, sizeof buf);
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
    oom(err);
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
