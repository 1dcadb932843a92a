/* Replay benchmark (make bench), the target on 2 cores: all 127
 * real traces of ../shared/data/traces (about 79,000 rows, 1.5 million
 * requests at 10 per second) with the three policies, resnet50 on three
 * tiers of the embedded default profiles, both device uplinks traced:
 * <= 2 s for replay.csv (traces read, candidates, every request, the
 * summary rows and 8 chart series). Baseline in the same run: the oracle
 * by brute force over every placement the solver keeps (no pruning, no
 * bound), on the same requests.
 * Usage: bench_replay [JOBS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "profiles/import.h"
#include "scenarios/scenario.h"
#include "sim/sim.h"
#include "sim/sim_replay.h"
#include "tests/bench/bench_util.h"

#define TRACES "../shared/data/traces/pensieve/cooked"

static void die(const char *what, const ss_error *err) {
  bench_die("bench_replay", what, err);
}

static const char *scenario =
    "models: [resnet50]\n"
    "tiers: {device: [xeon-1t], edge: [xeon-16t], cloud: [h200-gpu]}\n"
    "availability: {xeon-1t: 0.09}\n"
    "links:\n"
    "  device-edge: {latency_ms: 20, bandwidth_mbps: 5}\n"
    "  device-cloud: {latency_ms: 45, bandwidth_mbps: 5}\n"
    "  edge-cloud: {latency_ms: 5, bandwidth_mbps: 1000}\n"
    "replay:\n"
    "  link: [device-edge, device-cloud]\n"
    "  traces: " TRACES "\n"
    "  rate_hz: 10\n"
    "  interval_s: 5\n"
    "  deadline_ms: 1000\n";

/* The first n_traces traces: the pruned replay (all three policies) and,
 * as the baseline, the oracle alone by brute force over every candidate;
 * seconds of each into *fast_s and *brute_s. */
static void baseline(const scn_scenario *s, sim_replay_cand *c, size_t n,
                     size_t n_traces, double *fast_s, double *brute_s) {
  sim_replay_cand *pruned = malloc(n * sizeof *pruned);
  if (!pruned)
    die("out of memory", NULL);
  memcpy(pruned, c, n * sizeof *c);
  size_t np = sim_replay_prune(pruned, n);
  *fast_s = *brute_s = 0;
  double check = 0;
  for (size_t k = 0; k < n_traces && k < s->replay->n_traces; k++) {
    sim_trace *tr = NULL;
    ss_error err;
    if (sim_trace_load(s->replay->traces[k], &tr, &err) != 0)
      die("trace", &err);
    sim_trace_use u = {tr, 1, 0, 1};
    sim_replay_config cfg = {10, 5, SCN_ESTIMATOR_HARMONIC, 0, NAN};
    sim_replay_series sr;
    double t0 = now_s();
    if (sim_replay_run(&cfg, &u, pruned, np, &sr, &err) != 0)
      die("replay", &err);
    *fast_s += now_s() - t0;
    t0 = now_s();
    for (size_t i = 0; i < sr.n_requests; i++) {
      double t = (double)i / 10, best = INFINITY;
      for (size_t j = 0; j < n; j++) {
        double l = sim_replay_latency_s(&u, &c[j], t);
        best = l < best ? l : best;
      }
      check += fabs(best - sr.latency_s[SCN_REPLAY_ORACLE][i]);
    }
    *brute_s += now_s() - t0;
    sim_replay_series_free(&sr);
    sim_trace_free(tr);
  }
  if (check > 1e-6)
    die("the pruned oracle differs from brute force", NULL);
  free(pruned);
}

int main(int argc, char **argv) {
  unsigned jobs = argc > 1 ? (unsigned)atoi(argv[1]) : 2;
  struct stat st;
  if (stat(TRACES, &st) != 0) {
    printf("replay: skipped: %s not found\n", TRACES);
    return 0;
  }
  ss_error err;
  prof_set *set = prof_set_new();
  const char *files[] = {"profiles/default/xeon-1t.csv",
                         "profiles/default/xeon-16t.csv",
                         "profiles/default/h200-gpu.csv"};
  for (size_t i = 0; i < 3; i++)
    if (prof_import_measured_csv(files[i], set, &err) != 0)
      die(files[i], &err);
  scn_scenario *s = NULL;
  if (scn_load_text(scenario, strlen(scenario), "bench.yaml", NULL, &s, &err))
    die("scenario", &err);
  sim_engine *e = NULL;
  if (sim_engine_new(s, set, NULL, &e, &err) != 0)
    die("engine", &err);
  char dir[] = "/tmp/bench_replay_XXXXXX";
  if (!mkdtemp(dir))
    die("mkdtemp", NULL);
  double best_s[2] = {INFINITY, INFINITY}, best_cpu = INFINITY;
  for (unsigned j = 1; j <= 2; j++)
    for (int rep = 0; rep < 3; rep++) {
      sim_options opt;
      memset(&opt, 0, sizeof opt);
      opt.jobs = j == 1 ? 1 : jobs;
      double t0 = now_s(), c0 = cpu_s();
      if (sim_replay_write(e, s, dir, &opt, &err) != 0)
        die("replay", &err);
      double dt = now_s() - t0, dc = cpu_s() - c0;
      if (j == 1 && dc < best_cpu)
        best_cpu = dc;
      best_s[j - 1] = dt < best_s[j - 1] ? dt : best_s[j - 1];
    }
  sim_replay_cand *c = NULL;
  size_t n = 0;
  if (sim_replay_candidates(e, 0, s->replay->link_index, s->replay->n_links, &c,
                            &n, &err) != 0)
    die("candidates", &err);
  double fast = 0, brute = 0;
  if (!getenv("BENCH_REPLAY_NO_BASELINE"))
    baseline(s, c, n, 4, &fast, &brute);
  printf("replay: %zu traces x 10 req/s x 3 policies, resnet50 on 3 tiers "
         "(%zu placements, pruned to those that can win)\n",
         s->replay->n_traces, n);
  printf("  replay.csv: %.3f s with 1 thread (%.3f s of CPU), %.3f s with "
         "%u (target <= 2 s; best of 3)\n",
         best_s[0], best_cpu, best_s[1], jobs);
  printf("  baseline on the first 4 traces: the oracle alone by brute force "
         "over all %zu placements %.3f s, the pruned replay of all three "
         "policies %.3f s (%.0fx faster)\n",
         n, brute, fast, brute / fast);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "bench_replay: could not remove %s\n", dir);
  free(c);
  sim_engine_free(e);
  scn_free(s);
  prof_set_free(set);
  return 0;
}
