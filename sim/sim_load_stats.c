/* Statistics of the load simulator: the bounded latency histogram, result
 * records, the Student-t confidence interval and the seed mixer. */
#include "sim_load.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- histogram ------------------------------------------------------------
 */

int sim_hist_init(sim_hist *h) {
  h->bins = calloc(SIM_HIST_BINS, sizeof *h->bins);
  h->n = 0;
  h->min_s = INFINITY;
  h->max_s = -INFINITY;
  return h->bins ? 0 : -1;
}

void sim_hist_free(sim_hist *h) {
  if (!h)
    return;
  free(h->bins);
  h->bins = NULL;
}

void sim_hist_reset(sim_hist *h) {
  memset(h->bins, 0, SIM_HIST_BINS * sizeof *h->bins);
  h->n = 0;
  h->min_s = INFINITY;
  h->max_s = -INFINITY;
}

/* Bin 0: below 2^MIN_EXP (and 0); last bin: 2^MAX_EXP and above. Between,
 * the exponent and the top 9 mantissa bits of the double: 512 equal bins
 * per octave. */
static size_t hist_bin(double x) {
  if (!(x >= 0x1p-24))
    return 0;
  if (x >= 0x1p17)
    return SIM_HIST_BINS - 1;
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  uint64_t e = (u >> 52) & 0x7ff, k = (u >> 43) & 0x1ff;
  return 1 + (size_t)(e - (uint64_t)(1023 + SIM_HIST_MIN_EXP)) * 512 +
         (size_t)k;
}

/* Middle of bin b (1 .. BINS-2). */
static double hist_mid(size_t b) {
  size_t o = (b - 1) / 512, k = (b - 1) % 512;
  return ldexp(1.0 + ((double)k + 0.5) / 512.0, SIM_HIST_MIN_EXP + (int)o);
}

void sim_hist_add(sim_hist *h, double x_s) {
  h->bins[hist_bin(x_s)]++;
  h->n++;
  if (x_s < h->min_s)
    h->min_s = x_s;
  if (x_s > h->max_s)
    h->max_s = x_s;
}

void sim_hist_merge(sim_hist *into, const sim_hist *from) {
  if (!from->n)
    return;
  for (size_t b = 0; b < SIM_HIST_BINS; b++)
    into->bins[b] += from->bins[b];
  into->n += from->n;
  if (from->min_s < into->min_s)
    into->min_s = from->min_s;
  if (from->max_s > into->max_s)
    into->max_s = from->max_s;
}

double sim_hist_quantile(const sim_hist *h, double q) {
  if (!h->n)
    return NAN;
  if (q <= 0)
    return h->min_s;
  if (q >= 1)
    return h->max_s;
  /* The smallest x with at least ceil(q n) samples <= x. */
  double need = ceil(q * (double)h->n);
  uint64_t seen = 0;
  size_t b = 0;
  for (; b < SIM_HIST_BINS; b++) {
    seen += h->bins[b];
    if ((double)seen >= need)
      break;
  }
  double x;
  if (b == 0)
    x = h->min_s;
  else if (b >= SIM_HIST_BINS - 1)
    x = h->max_s;
  else
    x = hist_mid(b);
  if (x < h->min_s)
    x = h->min_s;
  if (x > h->max_s)
    x = h->max_s;
  return x;
}

/* ---- results --------------------------------------------------------------
 */

void sim_load_result_free(sim_load_result *r) {
  if (!r)
    return;
  if (r->groups)
    for (size_t g = 0; g < r->n_groups; g++) {
      sim_hist_free(&r->groups[g].latency);
      free(r->groups[g].route_used);
    }
  free(r->groups);
  free(r->stations);
  free(r->links);
  free(r);
}

sim_load_result *sim_load_result_new(const sim_load_config *c, ss_error *err) {
  sim_load_result *r = calloc(1, sizeof *r);
  if (!r)
    goto oom;
  r->n_groups = c->n_groups;
  r->n_stations = c->n_stations;
  r->n_links = c->n_links;
  r->groups = calloc(c->n_groups + 1, sizeof *r->groups);
  r->stations = calloc(c->n_stations + 1, sizeof *r->stations);
  r->links = calloc(c->n_links + 1, sizeof *r->links);
  if (!r->groups || !r->stations || !r->links)
    goto oom;
  for (size_t g = 0; g < c->n_groups; g++) {
    r->groups[g].route_used =
        calloc(c->groups[g].n_routes + 1, sizeof(uint64_t));
    r->groups[g].n_routes = c->groups[g].n_routes;
    if (!r->groups[g].route_used || sim_hist_init(&r->groups[g].latency) != 0)
      goto oom;
  }
  return r;
oom:
  sim_load_result_free(r);
  ss_error_set(err, NULL, NULL, "out of memory");
  return NULL;
}

void sim_load_result_reset(sim_load_result *r) {
  for (size_t g = 0; g < r->n_groups; g++) {
    sim_load_group_result *gr = &r->groups[g];
    gr->completed = gr->dropped = gr->missed = 0;
    gr->latency_sum_s = 0;
    memset(gr->route_used, 0, gr->n_routes * sizeof *gr->route_used);
    sim_hist_reset(&gr->latency);
  }
  memset(r->stations, 0, r->n_stations * sizeof *r->stations);
  memset(r->links, 0, r->n_links * sizeof *r->links);
  r->window_s = r->end_s = 0;
  r->events = 0;
  r->stop = SIM_LOAD_DONE;
}

/* ---- numbers --------------------------------------------------------------
 */

uint64_t sim_load_mix(uint64_t seed, uint64_t a, uint64_t b) {
  uint64_t x = seed;
  uint64_t in[2] = {a, b};
  for (int i = 0; i < 3; i++) {
    x += 0x9e3779b97f4a7c15ULL + (i < 2 ? in[i] * 0xd1b54a32d192ed03ULL : 0);
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    x = z ^ (z >> 31);
  }
  return x;
}

void sim_load_mean_ci95(const double *x, size_t n, double *mean,
                        double *half_width) {
  *mean = NAN;
  *half_width = NAN;
  if (n == 0)
    return;
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += x[i];
  double m = s / (double)n;
  *mean = m;
  if (n < 2)
    return;
  double ss = 0;
  for (size_t i = 0; i < n; i++)
    ss += (x[i] - m) * (x[i] - m);
  double sd = sqrt(ss / (double)(n - 1));
  *half_width =
      gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

/* ---- validation -----------------------------------------------------------
 */

static int bad_num(double x, int allow_zero) {
  return !isfinite(x) || x < 0 || (!allow_zero && x == 0);
}

static int check_route(const sim_load_config *c, size_t g, size_t k,
                       ss_error *err) {
  const sim_load_route *rt = &c->groups[g].routes[k];
  if (rt->n_stages > UINT16_MAX || (rt->n_stages && !rt->stages))
    return ss_error_set(err, NULL, NULL, "group %zu route %zu: bad stages", g,
                        k);
  for (size_t i = 0; i < rt->n_stages; i++) {
    const sim_load_stage *sg = &rt->stages[i];
    size_t lim = sg->kind == SIM_LOAD_STATION ? c->n_stations
                 : sg->kind == SIM_LOAD_LINK  ? c->n_links
                                              : SIZE_MAX;
    if (sg->resource >= lim || bad_num(sg->service_s, 1) ||
        bad_num(sg->sigma_ln, 1) || bad_num(sg->bytes, 1))
      return ss_error_set(err, NULL, NULL,
                          "group %zu route %zu stage %zu: bad resource or "
                          "value",
                          g, k, i);
  }
  return 0;
}

int sim_load_validate(const sim_load_config *c, ss_error *err) {
  if (c->n_groups == 0 || (c->requests == 0 && !(c->duration_s > 0)))
    return ss_error_set(err, NULL, NULL,
                        "a load simulation needs clients and requests");
  if (bad_num(c->duration_s, 1))
    return ss_error_set(err, NULL, NULL, "duration_s must be finite and >= 0");
  for (size_t i = 0; i < c->n_stations; i++)
    if (c->stations[i].servers < 1)
      return ss_error_set(err, NULL, NULL, "station '%s': servers must be >= 1",
                          c->stations[i].name);
  for (size_t i = 0; i < c->n_links; i++) {
    const sim_link_params *p = &c->links[i].params;
    if (bad_num(p->latency_s, 1) || bad_num(p->bandwidth_bytes_per_s, 0))
      return ss_error_set(err, NULL, NULL,
                          "link '%s': latency must be >= 0 and bandwidth > 0",
                          c->links[i].name);
  }
  for (size_t g = 0; g < c->n_groups; g++) {
    const sim_load_group *gr = &c->groups[g];
    if (gr->count < 1 || bad_num(gr->rate_hz, 0) || bad_num(gr->jitter_s, 1) ||
        !(gr->deadline_s > 0) || gr->n_routes < 1 || gr->n_routes > UINT16_MAX)
      return ss_error_set(err, NULL, NULL,
                          "client group %zu: count, rate, jitter, deadline or "
                          "routes out of range",
                          g);
    for (size_t k = 0; k < gr->n_routes; k++)
      if (check_route(c, g, k, err) != 0)
        return -1;
  }
  return 0;
}
