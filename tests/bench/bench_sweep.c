/* Scenario sweep benchmark (make bench): 10^6 sweep points x resnet50 x
 * (1 device x 2 edge x 2 cloud systems), best.csv written to a real file,
 * on 2 threads; the target is <= 10 s on 2 cores. Prints the time,
 * points per second, the size of best.csv and the peak memory (which must
 * not grow with the number of points: rows are streamed).
 *
 * Profiles: Scission's resnet50 (raspi4; 2500, vm2Core; 6700k GPU/CPU) when
 * ../shared/data/scission exists, else the embedded default profiles
 * (the CSV files in profiles/default: xeon-1t; xeon-16t, h200-gpu;
 * h200-gpu, xeon-16t).
 * Usage: bench_sweep [POINTS [JOBS]]   (POINTS is rounded to a square) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "profiles/import.h"
#include "profiles/profile.h"
#include "scenarios/scenario.h"
#include "sim/sim.h"
#include "sim/sim_engine_internal.h"
#include "sim/sim_sweep_internal.h"
#include "tests/bench/bench_util.h"

static void die(const char *what, const ss_error *err) {
  bench_die("bench_sweep", what, err);
}

static long max_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

int main(int argc, char **argv) {
  long points = argc > 1 ? atol(argv[1]) : 1000000;
  unsigned jobs = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
  if (points < 1 || jobs < 1) {
    fprintf(stderr, "usage: bench_sweep [POINTS [JOBS]]\n");
    return 2;
  }
  long side = (long)ceil(sqrt((double)points));
  ss_error err;
  ss_error_clear(&err);
  prof_set *set = NULL;
  struct stat st;
  int scission = stat("../shared/data/scission", &st) == 0;
  const char *tiers;
  if (scission) {
    if (prof_load_path("../shared/data/scission", &set, &err) != 0)
      die("loading ../shared/data/scission", &err);
    tiers = "  device: [raspi4]\n"
            "  edge: [\"2500\", vm2Core]\n"
            "  cloud: [\"6700k(GPU)\", \"6700k(NoGPU)\"]\n";
  } else {
    set = prof_set_new();
    const char *files[] = {"profiles/default/xeon-1t.csv",
                           "profiles/default/xeon-16t.csv",
                           "profiles/default/h200-gpu.csv"};
    for (size_t i = 0; i < 3; i++)
      if (prof_import_measured_csv(files[i], set, &err) != 0)
        die(files[i], &err);
    tiers = "  device: [xeon-1t]\n"
            "  edge: [xeon-16t, h200-gpu]\n"
            "  cloud: [h200-gpu, xeon-16t]\n";
  }
  char text[2048];
  snprintf(text, sizeof text,
           "name: bench\n"
           "models: [resnet50]\n"
           "tiers:\n%s"
           "links:\n"
           "  device-edge: {latency_ms: 5, bandwidth_mbps: 100}\n"
           "  device-cloud: {latency_ms: 40, bandwidth_mbps: 50}\n"
           "  edge-cloud: {latency_ms: 10, bandwidth_mbps: 1000}\n"
           "sweep:\n"
           "  - param: links.device-edge.bandwidth_mbps\n"
           "    log: [0.1, 1000, %ld]\n"
           "  - param: links.device-edge.latency_ms\n"
           "    linear: [0, 100, %ld]\n",
           tiers, side, side);
  scn_scenario *s = NULL;
  if (scn_load_text(text, strlen(text), "bench.yaml", NULL, &s, &err) != 0)
    die("scenario", &err);
  sim_engine *e = NULL;
  if (sim_engine_new(s, set, NULL, &e, &err) != 0)
    die("engine", &err);
  prof_set_free(set);
  long rss0 = max_rss_kb();

  char dir[] = "/tmp/bench_sweep_XXXXXX";
  if (!mkdtemp(dir))
    die("mkdtemp", NULL);
  char path[256];
  snprintf(path, sizeof path, "%s/best.csv", dir);
  FILE *fp = fopen(path, "w");
  if (!fp)
    die(path, NULL);
  sim_ctx **ctxs = calloc(jobs, sizeof *ctxs);
  sim_msum *sums = calloc(1, sizeof *sums);
  for (unsigned i = 0; i < jobs; i++)
    if (sim_ctx_new(e, &ctxs[i], &err) != 0)
      die("context", &err);
  sim_options opt;
  memset(&opt, 0, sizeof opt);
  opt.jobs = jobs;
  size_t n = sim_engine_n_points(e);
  double t0 = now_s();
  if (sim_sweep_all(e, ctxs, jobs, fp, NULL, sums, &opt, &err) != 0)
    die("sweep", &err);
  if (fflush(fp) != 0)
    die("writing best.csv", NULL);
  double t1 = now_s();
  long bytes = ftell(fp);
  fclose(fp);
  long rss1 = max_rss_kb();

  /* The rest of the tables (breakpoints, curves, summary) for scale. */
  sim_timings tm;
  memset(&tm, 0, sizeof tm);
  double t2 = now_s();
  if (sim_write_tables(e, dir, &opt, &tm, &err) != 0)
    die("tables", &err);
  double t3 = now_s();

  double secs = t1 - t0;
  printf("sweep: %zu points x resnet50 x (1 device x 2 edge x 2 cloud) "
         "[%s], %u thread%s\n",
         n, scission ? "Scission profiles" : "embedded default profiles", jobs,
         jobs == 1 ? "" : "s");
  printf("  best.csv:        %.2f s  %.0f points/s  %.1f MB  (target <= 10 s "
         "on 2 cores: %s)\n",
         secs, (double)n / secs, (double)bytes / 1e6,
         secs <= 10 ? "met" : "MISSED");
  printf("  all tables:      %.2f s  (sweep %.2f s + breakpoints, curves, "
         "summary %.2f s)\n",
         t3 - t2, tm.sweep_s, tm.analysis_s);
  printf("  peak memory:     %.1f MB before the sweep, %.1f MB after "
         "(rows are streamed)\n",
         (double)rss0 / 1024, (double)rss1 / 1024);

  sim_msum_free(sums, sim_engine_n_models(e));
  for (unsigned i = 0; i < jobs; i++)
    sim_ctx_free(ctxs[i]);
  free(ctxs);
  sim_remove_tree(dir, NULL);
  sim_engine_free(e);
  scn_free(s);
  return 0;
}
