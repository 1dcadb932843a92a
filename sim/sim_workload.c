/* The load simulation of a scenario with workload: (docs/simulation.md).
 *
 * At every sweep point: the cost model (the solver, through the engine's
 * context) gives each client group's candidate placements with their
 * per-tier compute seconds and per-hop bytes; they become routes of stages
 * (sim_load.h): the device's compute as a private delay, each shared
 * system as an FCFS station, each tier pair as one shared link. Every
 * policy then runs `replications` independent replications and the rows of
 * sim.csv / sim_cdf.csv are written in point order, whatever --jobs. */
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_engine_internal.h"
#include "sim_load.h"
#include "sim_problem.h"
#include "sim_workload_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int oom(ss_error *err) {
  return ss_error_set(err, NULL, NULL, "out of memory");
}

/* ---- shape: stations, links, groups ------------------------------------ */

void wl_shape_free(wl_shape *sh) {
  if (!sh)
    return;
  free(sh->stations);
  free(sh->links);
  free(sh->pair_link);
  free(sh->group_model);
  free(sh);
}

static int find_model(const sim_engine *e, const scn_clients *c, size_t i,
                      size_t *m, ss_error *err) {
  for (size_t k = 0; k < e->n_models; k++)
    if (strcmp(e->models[k].name, c->model) == 0) {
      *m = k;
      return 0;
    }
  char list[600];
  size_t len = 0;
  list[0] = '\0';
  for (size_t k = 0; k < e->n_models && len + 80 < sizeof list; k++)
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                            k ? ", " : "", e->models[k].name);
  return scn_error_at(err, e->scn, c->model_pos,
                      "workload.clients.%zu.model: '%s' is not one of the "
                      "scenario's models (%s)",
                      i, c->model, list);
}

int wl_shape_new(const sim_engine *e, wl_shape **out, ss_error *err) {
  const scn_scenario *s = e->scn;
  const scn_workload *w = s->workload;
  size_t K = s->n_tiers;
  wl_shape *sh = calloc(1, sizeof *sh);
  if (!sh)
    return oom(err);
  sh->n_stations = e->n_total - e->base[1 < K ? 1 : K];
  sh->first_station = e->base[1 < K ? 1 : K];
  sh->stations = calloc(sh->n_stations + 1, sizeof *sh->stations);
  sh->links = calloc(K * K + 1, sizeof *sh->links);
  sh->pair_link = malloc((K * K + 1) * sizeof *sh->pair_link);
  sh->group_model = calloc(w->n_clients + 1, sizeof *sh->group_model);
  if (!sh->stations || !sh->links || !sh->pair_link || !sh->group_model) {
    wl_shape_free(sh);
    return oom(err);
  }
  for (size_t i = 0; i < sh->n_stations; i++) {
    size_t sys = e->g_sys[sh->first_station + i];
    sh->stations[i].name = s->systems[sys].name;
  }
  for (size_t a = 0; a < K; a++)
    for (size_t b = 0; b < K; b++) {
      sh->pair_link[a * K + b] = SIZE_MAX;
      if (a < b) {
        sh->pair_link[a * K + b] = sh->n_links;
        sim_link_params_default(&sh->links[sh->n_links].params);
        sh->links[sh->n_links++].name = e->pair_name[a * K + b];
      }
    }
  for (size_t a = 0; a < K; a++)
    for (size_t b = 0; b < a; b++)
      sh->pair_link[a * K + b] = sh->pair_link[b * K + a];
  for (size_t g = 0; g < w->n_clients; g++)
    if (find_model(e, &w->clients[g], g, &sh->group_model[g], err) != 0) {
      wl_shape_free(sh);
      return -1;
    }
  *out = sh;
  return 0;
}

/* Servers, queue limits and link values at the context's current point.
 * Every system pair of a tier pair must share one link (the simulator has
 * one link object per tier pair). */
int wl_shape_sync(wl_shape *sh, const sim_engine *e, const sim_ctx *c,
                  ss_error *err) {
  const scn_scenario *s = c->s;
  const scn_workload *w = s->workload;
  size_t K = s->n_tiers, n = e->n_total;
  for (size_t i = 0; i < sh->n_stations; i++) {
    size_t sys = e->g_sys[sh->first_station + i];
    sh->stations[i].servers = (unsigned)w->servers[sys];
    sh->stations[i].queue_limit = (uint64_t)w->queue_limit[sys];
  }
  for (size_t ga = 0; ga < n; ga++)
    for (size_t gb = 0; gb < n; gb++) {
      size_t ta = e->g_tier[ga], tb = e->g_tier[gb];
      if (ta >= tb)
        continue;
      const solver_link *l = &c->links[ga * n + gb];
      sim_link_params *p = &sh->links[sh->pair_link[ta * K + tb]].params;
      if (ga == e->base[ta] && gb == e->base[tb]) {
        p->latency_s = l->latency_s;
        p->bandwidth_bytes_per_s = l->bandwidth_bytes_per_s;
      } else if (p->latency_s != l->latency_s ||
                 p->bandwidth_bytes_per_s != l->bandwidth_bytes_per_s) {
        return scn_error_at(err, s, w->pos,
                            "workload: the links between tiers '%s' and "
                            "'%s' differ per system pair; the load "
                            "simulation needs one link per tier pair",
                            s->tiers[ta].name, s->tiers[tb].name);
      }
    }
  return 0;
}

/* ---- candidates: placements as routes -------------------------------- */

/* Stages of placement pl as the cost model gives them (sim_problem_stages,
 * in the order a request meets them): the device's compute as a private
 * delay, every other tier's compute at its system's station, every hop and
 * the return on its tier pair's link. */
int wl_stages(const wl_shape *sh, const sim_problem *pb, const sim_blocks *bl,
              const solver_placement *pl, double sigma_ln, wl_cand *cd,
              ss_error *err) {
  const solver_problem *p = &pb->p;
  sim_stages ss;
  if (sim_problem_stages(p, pl, &ss, err) != 0)
    return -1;
  size_t K = p->n_tiers;
  cd->n_stages = 0;
  for (size_t i = 0; i < ss.n && i < WL_MAX_STAGES; i++) {
    const sim_stage *x = &ss.stage[i];
    sim_load_stage *y = &cd->st[cd->n_stages++];
    memset(y, 0, sizeof *y);
    if (x->kind == SIM_STAGE_COMPUTE) {
      y->kind = x->tier == 0 ? SIM_LOAD_DELAY : SIM_LOAD_STATION;
      y->resource = x->tier == 0 ? 0 : x->g - sh->first_station;
      y->service_s = x->compute_s;
      y->sigma_ln =
          x->g < pb->n_total
              ? sim_blocks_sigma_ln(bl, pb->g_source[x->g], x->first_block,
                                    x->last_block, sigma_ln)
              : sigma_ln;
    } else {
      y->kind = SIM_LOAD_LINK;
      y->resource =
          sh->pair_link[(size_t)x->from_tier * K + (size_t)x->to_tier];
      y->bytes = x->bytes;
    }
  }
  return 0;
}
