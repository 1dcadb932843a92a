/* The load-aware policy: the solver's candidates re-ranked with predicted
 * queueing delays, iterated to a fixed point (docs/simulation.md). */
#include "sim_workload_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double wl_mgc_wait_s(unsigned c, double a, double m1_s, double m2_s2) {
  if (a <= 0 || m1_s <= 0)
    return 0;
  if (a >= (double)c)
    return INFINITY;
  double b = 1; /* Erlang B by recursion, then Erlang C */
  for (unsigned k = 1; k <= c; k++)
    b = a * b / ((double)k + a * b);
  double ec = (double)c * b / ((double)c - a * (1 - b));
  return ec * m1_s / ((double)c - a) * (m2_s2 / (m1_s * m1_s)) / 2;
}

/* Load on each resource: arrival rate, sum of rate x E[S], of rate x E[S^2]
 * (stations first, then links). */
typedef struct wl_load {
  double lam, m1, m2;
} wl_load;

static void add_route(const wl_shape *sh, sim_load_service svc,
                      const wl_cand *cd, double rate, wl_load *ld) {
  for (size_t k = 0; k < cd->n_stages; k++) {
    const sim_load_stage *sg = &cd->st[k];
    double s, f = 1;
    size_t i;
    if (sg->kind == SIM_LOAD_STATION) {
      i = sg->resource;
      s = sg->service_s;
      if (svc == SIM_LOAD_EXPONENTIAL)
        f = 2;
      else if (svc == SIM_LOAD_LOGNORMAL)
        f = exp(sg->sigma_ln * sg->sigma_ln);
    } else if (sg->kind == SIM_LOAD_LINK) {
      i = sh->n_stations + sg->resource;
      s = sg->bytes / sh->links[sg->resource].params.bandwidth_bytes_per_s;
    } else {
      continue;
    }
    ld[i].lam += rate;
    ld[i].m1 += rate * s;
    ld[i].m2 += rate * s * s * f;
  }
}

static double res_wait(const wl_shape *sh, const wl_load *ld, size_t i) {
  if (ld[i].lam <= 0)
    return 0;
  unsigned c = i < sh->n_stations ? sh->stations[i].servers : 1;
  return wl_mgc_wait_s(c, ld[i].m1, ld[i].m1 / ld[i].lam, ld[i].m2 / ld[i].lam);
}

static double res_util(const wl_shape *sh, const wl_load *ld, size_t i) {
  return i < sh->n_stations ? ld[i].m1 / sh->stations[i].servers : ld[i].m1;
}

/* Idle latency plus the predicted wait at every resource the route visits.
 * A route through an overloaded resource (utilisation >= 1) has no finite
 * wait; it costs WL_OVERLOAD_S x its worst utilisation, so that among
 * overloaded choices the least overloaded wins. */
#define WL_OVERLOAD_S 1e9
static double predicted_s(const wl_shape *sh, const wl_cand *cd,
                          const wl_load *ld) {
  double t = cd->r.latency_s, worst = 0;
  for (size_t k = 0; k < cd->n_stages; k++) {
    const sim_load_stage *sg = &cd->st[k];
    size_t i;
    if (sg->kind == SIM_LOAD_STATION)
      i = sg->resource;
    else if (sg->kind == SIM_LOAD_LINK)
      i = sh->n_stations + sg->resource;
    else
      continue;
    double u = res_util(sh, ld, i);
    if (u > worst)
      worst = u;
    t += res_wait(sh, ld, i);
  }
  return worst >= 1 ? WL_OVERLOAD_S * worst : t;
}

static void loads_of(const wl_shape *sh, sim_load_service svc, size_t n_groups,
                     wl_cand *const *cands, const size_t *choice,
                     const double *rate_hz, size_t skip, wl_load *ld) {
  memset(ld, 0, (sh->n_stations + sh->n_links) * sizeof *ld);
  for (size_t g = 0; g < n_groups; g++)
    if (g != skip)
      add_route(sh, svc, &cands[g][choice[g]], rate_hz[g], ld);
}

/* Group g's best response to the others' choices. */
static size_t best_response(const wl_shape *sh, sim_load_service svc,
                            size_t n_groups, wl_cand *const *cands,
                            const size_t *n, const size_t *choice,
                            const double *rate_hz, size_t g, wl_load *base,
                            wl_load *trial) {
  size_t nr = sh->n_stations + sh->n_links;
  loads_of(sh, svc, n_groups, cands, choice, rate_hz, g, base);
  size_t best = choice[g];
  memcpy(trial, base, nr * sizeof *trial);
  add_route(sh, svc, &cands[g][best], rate_hz[g], trial);
  double best_t = predicted_s(sh, &cands[g][best], trial);
  for (size_t k = 0; k < n[g]; k++) {
    memcpy(trial, base, nr * sizeof *trial);
    add_route(sh, svc, &cands[g][k], rate_hz[g], trial);
    double t = predicted_s(sh, &cands[g][k], trial);
    /* Move only for a real gain: ties and noise keep the current one. */
    if (t < best_t * (1 - 1e-9)) {
      best_t = t;
      best = k;
    }
  }
  return best;
}

int wl_load_aware(const wl_shape *sh, sim_load_service svc, size_t n_groups,
                  wl_cand *const *cands, const size_t *n, const double *rate_hz,
                  size_t *choice) {
  size_t nr = sh->n_stations + sh->n_links;
  wl_load *base = calloc(nr + 1, sizeof *base);
  wl_load *trial = calloc(nr + 1, sizeof *trial);
  int converged = 0;
  for (size_t g = 0; g < n_groups; g++)
    choice[g] = 0;
  if (!base || !trial)
    goto done;
  for (int it = 0; it < WL_LOAD_AWARE_MAX_ITER && !converged; it++) {
    int changed = 0;
    for (size_t g = 0; g < n_groups; g++) {
      size_t b = best_response(sh, svc, n_groups, cands, n, choice, rate_hz, g,
                               base, trial);
      changed |= b != choice[g];
      choice[g] = b;
    }
    converged = !changed;
  }
done:
  free(base);
  free(trial);
  return converged;
}

double wl_max_util(const wl_shape *sh, size_t n_groups, wl_cand *const *cands,
                   const size_t *choice, const double *rate_hz,
                   const char **which) {
  size_t nr = sh->n_stations + sh->n_links;
  wl_load *ld = calloc(nr + 1, sizeof *ld);
  double worst = 0;
  *which = "";
  if (!ld)
    return NAN;
  loads_of(sh, SIM_LOAD_DETERMINISTIC, n_groups, cands, choice, rate_hz,
           SIZE_MAX, ld);
  for (size_t i = 0; i < nr; i++) {
    double u = res_util(sh, ld, i);
    if (u > worst) {
      worst = u;
      *which = i < sh->n_stations ? sh->stations[i].name
                                  : sh->links[i - sh->n_stations].name;
    }
  }
  free(ld);
  return worst;
}
