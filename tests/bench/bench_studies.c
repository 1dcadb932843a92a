/* Study benchmarks (make bench), the targets on 2 cores:
 *   1. Monte Carlo: 10^5 samples over all placements of resnet50 with
 *      1 device x 2 edge x 2 cloud systems, uncertain links and block
 *      times: <= 5 s.
 *   2. Purchasing: 20 options with a budget over all 19 embedded default
 *      models: <= 2 s.
 * Profiles for 1: Scission's (raspi4; 2500, vm2Core; 6700k GPU/CPU, block
 * spread 10%) when ../shared/data/scission exists, else the embedded
 * default profiles (xeon-1t; xeon-16t, h200-gpu; h200-gpu, xeon-16t, block
 * spread from their p10/p90). Profiles for 2: the embedded default ones.
 * Usage: bench_studies [SAMPLES [JOBS]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "profiles/import.h"
#include "scenarios/scenario.h"
#include "sim/sim.h"
#include "sim/sim_study.h"
#include "tests/bench/bench_util.h"

static void die(const char *what, const ss_error *err) {
  bench_die("bench_studies", what, err);
}

static prof_set *default_set(void) {
  ss_error err;
  prof_set *set = prof_set_new();
  const char *files[] = {"profiles/default/xeon-1t.csv",
                         "profiles/default/xeon-16t.csv",
                         "profiles/default/h200-gpu.csv"};
  for (size_t i = 0; i < 3; i++)
    if (prof_import_measured_csv(files[i], set, &err) != 0)
      die(files[i], &err);
  return set;
}

static sim_engine *engine(const char *text, const prof_set *set,
                          scn_scenario **s) {
  ss_error err;
  if (scn_load_text(text, strlen(text), "bench.yaml", NULL, s, &err) != 0)
    die("scenario", &err);
  sim_engine *e = NULL;
  if (sim_engine_new(*s, set, NULL, &e, &err) != 0)
    die("engine", &err);
  return e;
}

static int bench_robust(long samples, unsigned jobs) {
  ss_error err;
  struct stat st;
  int scission = stat("../shared/data/scission", &st) == 0;
  prof_set *set = NULL;
  const char *tiers;
  if (scission) {
    if (prof_load_path("../shared/data/scission", &set, &err) != 0)
      die("loading ../shared/data/scission", &err);
    tiers = "  device: [raspi4]\n"
            "  edge: [\"2500\", vm2Core]\n"
            "  cloud: [\"6700k(GPU)\", \"6700k(NoGPU)\"]\n";
  } else {
    set = default_set();
    tiers = "  device: [xeon-1t]\n"
            "  edge: [xeon-16t, h200-gpu]\n"
            "  cloud: [h200-gpu, xeon-16t]\n";
  }
  char text[4096];
  snprintf(text, sizeof text,
           "name: bench-robust\n"
           "models: [resnet50]\n"
           "tiers:\n%s"
           "links:\n"
           "  device-edge: {latency_ms: 5, bandwidth_mbps: 100}\n"
           "  device-cloud: {latency_ms: 40, bandwidth_mbps: 50}\n"
           "  edge-cloud: {latency_ms: 10, bandwidth_mbps: 1000}\n"
           "uncertainty:\n"
           "  samples: %ld\n"
           "  seed: 1\n"
           "  deadline_ms: 200\n"
           "  block_sigma: 0.1\n"
           "  params:\n"
           "    links.device-edge.bandwidth_mbps: {dist: lognormal, median: "
           "100, sigma: 0.5}\n"
           "    links.device-edge.latency_ms: {dist: normal, mean: 5, sd: 2}\n"
           "    links.device-cloud.bandwidth_mbps: {dist: uniform, min: 20, "
           "max: 80}\n",
           tiers, samples);
  scn_scenario *s = NULL;
  sim_engine *e = engine(text, set, &s);
  sim_options opt;
  memset(&opt, 0, sizeof opt);
  opt.jobs = jobs;
  sim_robust_result *r = NULL;
  double t0 = now_s();
  if (sim_robust_run(e, s, set, &opt, &r, &err) != 0)
    die("robust", &err);
  double secs = now_s() - t0;
  printf("monte carlo: %ld samples x all %zu placements of resnet50 x (1 "
         "device x 2 edge x 2 cloud) [%s], %u thread%s\n",
         samples, r->n_placements[0],
         scission ? "Scission profiles" : "embedded default profiles", jobs,
         jobs == 1 ? "" : "s");
  printf("  robust.csv data: %.2f s  %.0f samples/s  %.2e placement "
         "evaluations/s  (target <= 5 s on 2 cores: %s)\n",
         secs, (double)samples / secs,
         (double)samples * (double)r->n_placements[0] / secs,
         secs <= 5 ? "met" : "MISSED");
  if (r->n_rows)
    printf("  robust pick: %s  (p95 %.4f s, P(meet 200 ms) %.3f)\n",
           r->rows[0].placement, r->rows[0].p95_s, r->rows[0].p_meet_deadline);
  int ok = secs <= 5;
  sim_robust_result_free(r);
  sim_engine_free(e);
  scn_free(s);
  prof_set_free(set);
  return ok;
}

static int bench_purchase(unsigned jobs) {
  ss_error err;
  prof_set *set = default_set();
  /* 20 options: the two stronger machines at 10 scales each, on the edge
   * and in the cloud; prices so that the budget allows up to 3 of them */
  char text[8192];
  size_t len = (size_t)snprintf(
      text, sizeof text,
      "name: bench-purchase\n"
      "models: all\n"
      "tiers: {device: [xeon-1t], edge: [xeon-16t], cloud: [h200-gpu]}\n"
      "links:\n"
      "  device-edge: {latency_ms: 20, bandwidth_mbps: 20}\n"
      "  device-cloud: {latency_ms: 45, bandwidth_mbps: 20}\n"
      "  edge-cloud: {latency_ms: 5, bandwidth_mbps: 1000}\n"
      "purchase:\n"
      "  baseline: {device: [xeon-1t]}\n"
      "  budget: 10000\n"
      "  options:\n");
  for (int i = 0; i < 20; i++) {
    const char *tier = i % 2 ? "cloud" : "edge";
    const char *sys = i % 4 < 2 ? "xeon-16t" : "h200-gpu";
    double scale = 0.5 + 0.15 * (i / 2);
    len += (size_t)snprintf(text + len, sizeof text - len,
                            "    - {name: opt%d, tier: %s, system: %s, scale: "
                            "%g, price: %d}\n",
                            i, tier, sys, scale, 2500 + 137 * i);
  }
  scn_scenario *s = NULL;
  sim_engine *e = engine(text, set, &s);
  sim_options opt;
  memset(&opt, 0, sizeof opt);
  opt.jobs = jobs;
  sim_purchase_result *r = NULL;
  double t0 = now_s();
  if (sim_purchase_run(e, s, set, &opt, &r, &err) != 0)
    die("purchase", &err);
  double secs = now_s() - t0;
  size_t front = 0;
  for (size_t k = 0; k < r->n_rows; k++)
    front += r->rows[k].pareto[0];
  printf("purchasing: 20 options, budget 10000 -> %zu option sets x %zu "
         "models [embedded default profiles], %u thread%s\n",
         r->n_rows, r->n_models, jobs, jobs == 1 ? "" : "s");
  printf("  purchase.csv data: %.2f s  (%zu on the Pareto front; target <= "
         "2 s on 2 cores: %s)\n",
         secs, front, secs <= 2 ? "met" : "MISSED");
  int ok = secs <= 2;
  sim_purchase_result_free(r);
  sim_engine_free(e);
  scn_free(s);
  prof_set_free(set);
  return ok;
}

int main(int argc, char **argv) {
  long samples = argc > 1 ? atol(argv[1]) : 100000;
  unsigned jobs = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
  if (samples < 1 || jobs < 1) {
    fprintf(stderr, "usage: bench_studies [SAMPLES [JOBS]]\n");
    return 2;
  }
  int ok = bench_robust(samples, jobs);
  ok &= bench_purchase(jobs);
  return ok ? 0 : 1;
}
