/* Load simulator benchmarks (make bench), the targets on one core:
 *   1. events per second: >= 5 x 10^6;
 *   2. 10^6 requests through three tiers (device compute, uplink, edge
 *      station with 4 servers, edge-cloud link, cloud station: 8 events
 *      per request; no warm-up, so 10^6 requests in all): <= 0.5 s;
 *   3. memory independent of the number of requests: peak RSS after 10^5
 *      and after 4 x 10^6 requests.
 * Compared with the only published figure of the edge simulators people
 * use: PureEdgeSim, 1.13 M tasks in 58 s (19,500 tasks/s on an i7-8550U).
 * Usage: bench_load [REQUESTS] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/sim_load.h"
#include "tests/bench/bench_util.h"

#define PUREEDGESIM_TASKS_PER_S (1.13e6 / 58.0)

/* CPU time of this process: the figure "on one core", robust to other
 * programs sharing the machine. */
static long peak_rss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static sim_load_link link_of(const char *name, double latency_s, double bw) {
  sim_load_link l;
  l.name = name;
  sim_link_params_default(&l.params);
  l.params.latency_s = latency_s;
  l.params.bandwidth_bytes_per_s = bw;
  return l;
}

/* 64 cameras at 15 fps (960 rps): edge 4 x 3 ms (util 0.72), cloud 0.8 ms
 * (util 0.77), uplink 1 Gbit/s with 60 kB frames (0.46). */
static int run(uint64_t requests, sim_load_service svc, double *secs,
               uint64_t *events) {
  sim_load_station st[2] = {{"edge", 4, 0}, {"cloud", 1, 0}};
  sim_load_link lk[2] = {link_of("device-edge", 0.002, 125e6),
                         link_of("edge-cloud", 0.010, 1250e6)};
  sim_load_stage sg[5] = {{SIM_LOAD_DELAY, 0, 0.004, 0.2, 0},
                          {SIM_LOAD_LINK, 0, 0, 0, 60000},
                          {SIM_LOAD_STATION, 0, 0.003, 0.2, 0},
                          {SIM_LOAD_LINK, 1, 0, 0, 200000},
                          {SIM_LOAD_STATION, 1, 0.0008, 0.2, 0}};
  sim_load_route rt = {5, sg};
  sim_load_group g = {64, SIM_LOAD_POISSON, 15, 0, 0.1, 1, &rt};
  sim_load_config cf = {2, st, 2, lk, 1, &g, svc, requests, 0, 0, 0, 1, 0};
  ss_error err;
  sim_load_result *r = sim_load_result_new(&cf, &err);
  if (!r)
    return -1;
  double t0 = now_s();
  int rc = sim_load_run(&cf, 0, r, &err);
  *secs = now_s() - t0;
  *events = r->events;
  if (rc != 0)
    fprintf(stderr, "bench_load: %s\n", err.msg);
  else if (r->groups[0].completed != requests || r->stop != SIM_LOAD_DONE)
    rc = -1;
  sim_load_result_free(r);
  return rc;
}

int main(int argc, char **argv) {
  uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
  double secs;
  uint64_t ev;
  if (run(100000, SIM_LOAD_DETERMINISTIC, &secs, &ev) != 0)
    return 1;
  long rss_small = peak_rss_kib();
  int fail = 0;
  const char *names[] = {"deterministic", "exponential", "lognormal"};
  for (int k = 0; k < 3; k++) {
    if (run(n, (sim_load_service)k, &secs, &ev) != 0)
      return 1;
    double eps = (double)ev / secs, rps = (double)n / secs;
    printf("load: %llu requests through 3 tiers, %s service: "
           "%.3f s, %.2f M events/s, %.2f M requests/s (%.0fx PureEdgeSim's "
           "1.13 M tasks in 58 s)\n",
           (unsigned long long)n, names[k], secs, eps / 1e6, rps / 1e6,
           rps / PUREEDGESIM_TASKS_PER_S);
    /* The targets, for the default (deterministic) service. */
    if (n == 1000000 && k == 0 && (secs > 0.5 || eps < 5e6)) {
      printf("load: target missed (<= 0.5 s and >= 5 M events/s)\n");
      fail = 1;
    }
  }
  if (run(4 * n, SIM_LOAD_EXPONENTIAL, &secs, &ev) != 0)
    return 1;
  long rss_big = peak_rss_kib();
  printf("load: peak RSS %ld KiB after 10^5 requests, %ld KiB after %llu "
         "(memory independent of the request count)\n",
         rss_small, rss_big, (unsigned long long)(4 * n));
  if (rss_big > rss_small + 8192) {
    printf("load: memory grew with the request count\n");
    fail = 1;
  }
  return fail;
}
