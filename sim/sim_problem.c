/* The one cost-model builder (sim_problem.h): link parameters, block
 * tables, solver problems and the per-stage costs of a placement. */
#include "sim_problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_units.h"

/* ---- link parameters ---------------------------------------------------- */

sim_link_spec sim_link_unset(void) {
  sim_link_spec l = {NAN, NAN, NAN, NAN};
  return l;
}

sim_link_spec sim_link_of_scenario(const scn_link *l) {
  sim_link_spec p = sim_link_unset();
  if (!l)
    return p;
  if (l->has_latency_ms)
    p.latency_ms = l->latency_ms;
  if (l->has_bandwidth_mbps)
    p.bandwidth_mbps = l->bandwidth_mbps;
  if (l->has_efficiency)
    p.efficiency = l->efficiency;
  if (l->has_overhead_ms)
    p.overhead_ms = l->overhead_ms;
  return p;
}

sim_link_spec sim_link_of_row(const prof_link *row) {
  sim_link_spec p = sim_link_unset();
  if (row) {
    p.latency_ms = row->ping_ms;
    p.bandwidth_mbps = row->bandwidth_mbps;
  }
  return p;
}

sim_link_spec sim_link_of_network(const prof_network *net, const char *a,
                                  const char *b) {
  const prof_link *row = NULL;
  if (net) {
    row = prof_network_find(net, a, b);
    if (!row)
      row = prof_network_find(net, b, a);
  }
  return sim_link_of_row(row);
}

void sim_link_overlay(sim_link_spec *base, const sim_link_spec *over) {
  if (!isnan(over->latency_ms))
    base->latency_ms = over->latency_ms;
  if (!isnan(over->bandwidth_mbps))
    base->bandwidth_mbps = over->bandwidth_mbps;
  if (!isnan(over->efficiency))
    base->efficiency = over->efficiency;
  if (!isnan(over->overhead_ms))
    base->overhead_ms = over->overhead_ms;
}

const char *sim_link_missing(const sim_link_spec *l) {
  int no_lat = isnan(l->latency_ms), no_bw = isnan(l->bandwidth_mbps);
  if (no_lat && no_bw)
    return "latency_ms and bandwidth_mbps";
  if (no_lat)
    return "latency_ms";
  if (no_bw)
    return "bandwidth_mbps";
  return NULL;
}

solver_link sim_link_cost(const sim_link_spec *l, int scission_rounding) {
  solver_link c;
  double latency_ms = l->latency_ms;
  if (l->overhead_ms > 0) /* unset (NaN) or 0: no overhead */
    latency_ms += l->overhead_ms;
  c.latency_s = ss_ms_to_s(latency_ms);
  c.bandwidth_bytes_per_s = ss_mbps_to_bytes_per_s(l->bandwidth_mbps);
  if (scission_rounding)
    c.bandwidth_bytes_per_s = nearbyint(c.bandwidth_bytes_per_s);
  if (l->efficiency > 0) /* unset (NaN) or 0: efficiency 1 */
    c.bandwidth_bytes_per_s *= l->efficiency;
  return c;
}

sim_link_source sim_link_source_find(const scn_scenario *s,
                                     const prof_network *net, const char *a,
                                     size_t ta, long scn_a, const char *b,
                                     size_t tb, long scn_b) {
  sim_link_source src;
  src.net = sim_link_of_network(net, a, b);
  src.tier_link = src.sys_link = -1;
  const scn_link *tl = scn_link_find(s, SCN_LINK_TIERS, ta, tb);
  if (tl)
    src.tier_link = (long)(tl - s->links);
  if (scn_a >= 0 && scn_b >= 0 && scn_a != scn_b) {
    const scn_link *sl =
        scn_link_find(s, SCN_LINK_SYSTEMS, (size_t)scn_a, (size_t)scn_b);
    if (sl)
      src.sys_link = (long)(sl - s->links);
  }
  return src;
}

sim_link_spec sim_link_source_params(const sim_link_source *src,
                                     const scn_link *links) {
  sim_link_spec l = src->net;
  long idx[2] = {src->tier_link, src->sys_link};
  for (int k = 0; k < 2; k++)
    if (idx[k] >= 0) {
      sim_link_spec over = sim_link_of_scenario(&links[idx[k]]);
      sim_link_overlay(&l, &over);
    }
  return l;
}

/* ---- block tables ------------------------------------------------------- */

void sim_blocks_free(sim_blocks *b) {
  if (!b)
    return;
  free(b->system);
  free(b->time_s);
  free(b->time_s_p10);
  free(b->time_s_p90);
  free(b->output_bytes);
  free(b->first_layer);
  free(b->last_layer);
  memset(b, 0, sizeof *b);
}

/* Source i has the same blocks as source 0, or an error says where not. */
static int same_blocks(const char *name, const sim_blocks_source *src, size_t i,
                       ss_error *err) {
  const prof_model *ref = src[0].model, *pm = src[i].model;
  if (pm->n_blocks != ref->n_blocks)
    return ss_error_setk(err, SS_ERR_FORMAT, NULL, NULL,
                         "model '%s': system '%s' has %zu blocks but '%s' "
                         "has %zu; all systems must share block boundaries",
                         name, src[0].system, ref->n_blocks, src[i].system,
                         pm->n_blocks);
  for (size_t b = 0; b < ref->n_blocks; b++) {
    const prof_block *x = &ref->blocks[b], *y = &pm->blocks[b];
    if (x->first_layer != y->first_layer || x->last_layer != y->last_layer)
      return ss_error_setk(
          err, SS_ERR_FORMAT, NULL, NULL,
          "model '%s': block %zu covers layers %lld-%lld on '%s' but "
          "%lld-%lld on '%s'; all systems must share block boundaries",
          name, b, (long long)x->first_layer, (long long)x->last_layer,
          src[0].system, (long long)y->first_layer, (long long)y->last_layer,
          src[i].system);
    if (x->output_bytes != y->output_bytes)
      return ss_error_setk(err, SS_ERR_FORMAT, NULL, NULL,
                           "model '%s': block %zu outputs %lld bytes on '%s' "
                           "but %lld on '%s'",
                           name, b, (long long)x->output_bytes, src[0].system,
                           (long long)y->output_bytes, src[i].system);
  }
  return 0;
}

static int blocks_alloc(sim_blocks *out, size_t nb, size_t n, ss_error *err) {
  out->n_blocks = nb;
  out->n_systems = n;
  out->system = calloc(n, sizeof *out->system);
  out->time_s = malloc(n * nb * sizeof *out->time_s);
  out->time_s_p10 = malloc(n * nb * sizeof *out->time_s_p10);
  out->time_s_p90 = malloc(n * nb * sizeof *out->time_s_p90);
  out->output_bytes = malloc(nb * sizeof *out->output_bytes);
  out->first_layer = malloc(nb * sizeof *out->first_layer);
  out->last_layer = malloc(nb * sizeof *out->last_layer);
  if (!out->system || !out->time_s || !out->time_s_p10 || !out->time_s_p90 ||
      !out->output_bytes || !out->first_layer || !out->last_layer) {
    sim_blocks_free(out);
    return ss_error_oom(err, NULL, NULL);
  }
  return 0;
}

int sim_blocks_build(const char *name, const sim_blocks_source *src, size_t n,
                     sim_blocks *out, ss_error *err) {
  memset(out, 0, sizeof *out);
  if (n == 0)
    return ss_error_setk(err, SS_ERR_INVALID, NULL, NULL,
                         "model '%s': no system to place it on", name);
  const prof_model *ref = src[0].model;
  size_t nb = ref->n_blocks;
  if (nb == 0)
    return ss_error_setk(err, SS_ERR_FORMAT, NULL, NULL,
                         "model '%s' of system '%s' has no blocks", name,
                         src[0].system);
  for (size_t i = 1; i < n; i++)
    if (same_blocks(name, src, i, err) != 0)
      return -1;
  if (blocks_alloc(out, nb, n, err) != 0)
    return -1;
  for (size_t b = 0; b < nb; b++) {
    out->output_bytes[b] = (double)ref->blocks[b].output_bytes;
    out->first_layer[b] = ref->blocks[b].first_layer;
    out->last_layer[b] = ref->blocks[b].last_layer;
  }
  out->profile_input_bytes = -1;
  for (size_t i = 0; i < n; i++) {
    const prof_model *pm = src[i].model;
    out->system[i] = src[i].system;
    for (size_t b = 0; b < nb; b++) {
      const prof_block *k = &pm->blocks[b];
      out->time_s[i * nb + b] = k->time_s * src[i].time_scale;
      out->time_s_p10[i * nb + b] = k->time_s_p10 * src[i].time_scale;
      out->time_s_p90[i * nb + b] = k->time_s_p90 * src[i].time_scale;
    }
    if (out->profile_input_bytes < 0 && pm->input_bytes >= 0)
      out->profile_input_bytes = (double)pm->input_bytes;
  }
  return 0;
}

/* z of the 90th percentile of the standard normal. */
#define SIM_Z90 1.2815515655446004

double sim_blocks_sigma_ln(const sim_blocks *b, size_t i, int first, int last,
                           double fallback) {
  if (!b->time_s_p10 || !b->time_s_p90 || i >= b->n_systems || first < 0 ||
      last < first || (size_t)last >= b->n_blocks)
    return fallback;
  double p10 = 0, p90 = 0;
  for (int k = first; k <= last; k++) {
    double lo = b->time_s_p10[i * b->n_blocks + (size_t)k];
    double hi = b->time_s_p90[i * b->n_blocks + (size_t)k];
    if (!(lo > 0) || !(hi >= lo) || !isfinite(hi))
      return fallback;
    p10 += lo;
    p90 += hi;
  }
  return log(p90 / p10) / (2 * SIM_Z90);
}

/* ---- problems ----------------------------------------------------------- */

void sim_problem_free(sim_problem *pb) {
  if (!pb)
    return;
  free(pb->g_source);
  free(pb->g_tier);
  free(pb->sys);
  free(pb->links);
  memset(pb, 0, sizeof *pb);
}

static int problem_alloc(sim_problem *pb, size_t n, ss_error *err) {
  pb->n_total = n;
  pb->g_source = calloc(n + 1, sizeof *pb->g_source);
  pb->g_tier = calloc(n + 1, sizeof *pb->g_tier);
  pb->sys = calloc(n + 1, sizeof *pb->sys);
  pb->links = malloc((n * n + 1) * sizeof *pb->links);
  if (!pb->g_source || !pb->g_tier || !pb->sys || !pb->links) {
    sim_problem_free(pb);
    return ss_error_oom(err, NULL, NULL);
  }
  for (size_t i = 0; i < n * n; i++)
    pb->links[i].latency_s = pb->links[i].bandwidth_bytes_per_s = NAN;
  return 0;
}

int sim_problem_build(const sim_problem_spec *spec, sim_problem *out,
                      ss_error *err) {
  memset(out, 0, sizeof *out);
  const sim_blocks *bl = spec->blocks;
  if (spec->n_tiers < 1 || spec->n_tiers > SOLVER_MAX_TIERS)
    return ss_error_setk(err, SS_ERR_INVALID, NULL, NULL,
                         "a problem needs 1 to %d tiers", SOLVER_MAX_TIERS);
  size_t n = 0;
  for (size_t t = 0; t < spec->n_tiers; t++)
    n += spec->tiers[t].n_systems;
  if (problem_alloc(out, n, err) != 0)
    return -1;
  out->scission = spec->scission;
  solver_problem *p = &out->p;
  p->n_blocks = bl->n_blocks;
  p->output_bytes = bl->output_bytes;
  p->first_layer = bl->first_layer;
  p->last_layer = bl->last_layer;
  p->n_tiers = spec->n_tiers;
  p->links = out->links;
  p->scission_quirks = spec->scission;
  size_t g = 0;
  for (size_t t = 0; t < spec->n_tiers; t++) {
    const sim_problem_tier *st = &spec->tiers[t];
    p->tiers[t].name = st->name;
    p->tiers[t].n_systems = st->n_systems;
    p->tiers[t].systems = out->sys + g;
    for (size_t j = 0; j < st->n_systems; j++, g++) {
      size_t k = st->systems[j];
      out->g_source[g] = k;
      out->g_tier[g] = t;
      out->sys[g].name = bl->system[k];
      out->sys[g].time_s = &bl->time_s[k * bl->n_blocks];
      out->sys[g].availability = 1;
    }
  }
  return 0;
}

solver_link sim_problem_set_link(sim_problem *pb, size_t ga, size_t gb,
                                 const sim_link_spec *l) {
  solver_link c = sim_link_cost(l, pb->scission);
  pb->links[ga * pb->n_total + gb] = c;
  pb->links[gb * pb->n_total + ga] = c;
  return c;
}

void sim_problem_set_availability(sim_problem *pb, size_t g,
                                  double availability) {
  pb->sys[g].availability = availability;
}

void sim_problem_set_power(sim_problem *pb, size_t g, double compute_power_w,
                           double radio_power_w) {
  pb->sys[g].compute_power_w = compute_power_w;
  pb->sys[g].radio_power_w = radio_power_w;
}

void sim_problem_set_bytes(sim_problem *pb, double input_bytes,
                           double result_bytes) {
  pb->p.input_bytes = input_bytes;
  pb->p.result_bytes = result_bytes;
}

double sim_scenario_input_bytes(const scn_scenario *s,
                                double profile_input_bytes) {
  if (s->input_mb_set)
    return ss_mb_to_bytes(s->input_mb);
  if (profile_input_bytes >= 0)
    return profile_input_bytes;
  return ss_mb_to_bytes(SCN_DEFAULT_INPUT_MB);
}

/* ---- stages ------------------------------------------------------------- */

static void add_hop(const solver_problem *p, const solver_placement *pl,
                    sim_stages *out, sim_stage_kind kind, int from, int to,
                    double bytes, double transfer_s) {
  size_t n = 0;
  for (size_t t = 0; t < p->n_tiers; t++)
    n += p->tiers[t].n_systems;
  sim_stage *st = &out->stage[out->n++];
  memset(st, 0, sizeof *st);
  st->kind = kind;
  st->tier = st->system = -1;
  st->from_tier = from;
  st->to_tier = to;
  st->from_g = solver_global_index(p, (size_t)from, (size_t)pl->sys[from]);
  st->to_g = solver_global_index(p, (size_t)to, (size_t)pl->sys[to]);
  const solver_link *l = &p->links[st->from_g * n + st->to_g];
  st->bytes = bytes;
  st->latency_s = l->latency_s;
  st->bandwidth_bytes_per_s = l->bandwidth_bytes_per_s;
  st->transfer_s = transfer_s;
}

static void add_compute(const solver_problem *p, const solver_placement *pl,
                        const solver_result *r, size_t t, sim_stages *out) {
  sim_stage *st = &out->stage[out->n++];
  memset(st, 0, sizeof *st);
  st->kind = SIM_STAGE_COMPUTE;
  st->tier = (int)t;
  st->system = pl->sys[t];
  st->g = solver_global_index(p, t, (size_t)pl->sys[t]);
  st->first_block = pl->first[t];
  st->last_block = pl->last[t];
  st->availability = p->tiers[t].systems[pl->sys[t]].availability;
  st->compute_s = r->compute_s[t];
  st->from_tier = st->to_tier = -1;
}

int sim_problem_stages(const solver_problem *p, const solver_placement *pl,
                       sim_stages *out, ss_error *err) {
  solver_result r;
  memset(out, 0, sizeof *out);
  if (solver_evaluate(p, pl, SOLVER_OBJ_LATENCY, &r, err) != 0)
    return -1;
  int h = 0;
  for (size_t t = 0; t < p->n_tiers; t++) {
    for (; h < r.n_hops && r.hop_to[h] == (int)t; h++)
      add_hop(p, pl, out, SIM_STAGE_HOP, r.hop_from[h], r.hop_to[h],
              r.hop_bytes[h], r.hop_s[h]);
    if (pl->sys[t] >= 0 && pl->first[t] >= 0)
      add_compute(p, pl, &r, t, out);
  }
  if (p->result_bytes > 0 && r.n_hops > 0)
    add_hop(p, pl, out, SIM_STAGE_RETURN, r.hop_to[r.n_hops - 1], 0,
            p->result_bytes, r.return_s);
  out->latency_s = r.latency_s;
  return 0;
}
