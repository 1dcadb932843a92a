/* sim_load: a discrete-event load simulator for split DNN inference.
 *
 * Many clients send requests; each request follows a route (a placement
 * turned into stages by the cost model): private delays (the client's own
 * device), FCFS multi-server stations (shared edge and cloud systems) and
 * shared links (sim_link: bytes served at the link's bandwidth, then the
 * link latency). The core knows nothing about models, tiers or files: the
 * caller (sim_workload.c) builds the stages from solver results. Reference:
 * docs/simulation.md.
 *
 * Memory: O(stations + links + requests in flight + histogram bins), never
 * O(requests simulated). No allocation per event.
 *
 * Library code: never prints, never exits; errors fill an ss_error. */
#ifndef SIM_SIM_LOAD_H
#define SIM_SIM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"
#include "sim_link.h"

/* ---- latency histogram (bounded memory) ----------------------------------
 * SIM_HIST_PER_OCTAVE equal-width bins per factor of two (the exponent and
 * the top 9 mantissa bits of the double), from 2^SIM_HIST_MIN_EXP to
 * 2^SIM_HIST_MAX_EXP seconds (60 ns .. 36 h), plus an underflow bin (values
 * below, including 0) and an overflow bin: 168 KiB whatever the number of
 * samples. A quantile is the middle of its bin, clamped to the exact
 * minimum and maximum: relative error <= 1/1024 (0.098%) inside the range. */
#define SIM_HIST_PER_OCTAVE 512
#define SIM_HIST_MIN_EXP (-24)
#define SIM_HIST_MAX_EXP 17
#define SIM_HIST_BINS                                                          \
  ((SIM_HIST_MAX_EXP - SIM_HIST_MIN_EXP) * SIM_HIST_PER_OCTAVE + 2)

typedef struct sim_hist {
  uint64_t n;
  double min_s, max_s; /* exact; min = INFINITY when empty */
  uint64_t *bins;      /* SIM_HIST_BINS counts (owned) */
} sim_hist;

int sim_hist_init(sim_hist *h);  /* 0, or -1 when out of memory */
void sim_hist_free(sim_hist *h); /* NULL is a no-op */
void sim_hist_reset(sim_hist *h);
void sim_hist_add(sim_hist *h, double x_s);
void sim_hist_merge(sim_hist *into, const sim_hist *from);
/* Quantile q in [0, 1] (NaN when empty). */
double sim_hist_quantile(const sim_hist *h, double q);

/* ---- the model ------------------------------------------------------------
 */

typedef enum sim_load_arrival {
  SIM_LOAD_POISSON = 0, /* exponential gaps, rate_hz per client */
  SIM_LOAD_PERIODIC     /* rate_hz frames per second per client, a random
                           phase per client, each arrival delayed by
                           U[0, min(jitter_s, period)) */
} sim_load_arrival;

typedef enum sim_load_service {
  SIM_LOAD_DETERMINISTIC = 0, /* every service takes its mean */
  SIM_LOAD_EXPONENTIAL,       /* exponential with the stage's mean */
  SIM_LOAD_LOGNORMAL          /* lognormal with the stage's mean and
                                 sigma_ln (0: deterministic) */
} sim_load_service;

typedef enum sim_load_stage_kind {
  SIM_LOAD_DELAY = 0, /* private work (the client's device): no queue */
  SIM_LOAD_STATION,   /* a shared FCFS multi-server system */
  SIM_LOAD_LINK       /* a transfer over a shared link */
} sim_load_stage_kind;

typedef struct sim_load_stage {
  sim_load_stage_kind kind;
  size_t resource;  /* station or link index (ignored for DELAY) */
  double service_s; /* DELAY, STATION: mean seconds of work (>= 0) */
  double sigma_ln;  /* lognormal service: sigma of ln(service) (>= 0) */
  double bytes;     /* LINK: bytes sent (>= 0) */
} sim_load_stage;

/* A placement as the stages a request runs through, in order. */
typedef struct sim_load_route {
  size_t n_stages;
  const sim_load_stage *stages; /* borrowed */
} sim_load_route;

typedef struct sim_load_station {
  const char *name;     /* borrowed */
  unsigned servers;     /* parallel workers, >= 1 */
  uint64_t queue_limit; /* most requests waiting (not in service); a
                           request arriving to a full queue is dropped;
                           0 = no limit */
} sim_load_station;

typedef struct sim_load_link {
  const char *name; /* borrowed */
  sim_link_params params;
} sim_load_link;

/* A group of identical clients. With n_routes > 1 each request picks, when
 * it arrives, the route with the lowest expected finish time given the
 * current backlogs (the `adaptive` policy); otherwise route 0. */
typedef struct sim_load_group {
  size_t count; /* clients, >= 1 */
  sim_load_arrival arrival;
  double rate_hz;               /* per client, > 0 */
  double jitter_s;              /* periodic only, >= 0 */
  double deadline_s;            /* > 0, or INFINITY for none */
  size_t n_routes;              /* >= 1 */
  const sim_load_route *routes; /* borrowed */
} sim_load_group;

typedef struct sim_load_config {
  size_t n_stations;
  const sim_load_station *stations;
  size_t n_links;
  const sim_load_link *links;
  size_t n_groups;
  const sim_load_group *groups;
  sim_load_service service;
  uint64_t requests;        /* completions measured (all groups), >= 1; ignored
                               when duration_s > 0 */
  uint64_t warmup_requests; /* completions discarded first */
  /* Caps that stop an unstable run (result.truncated set): simulated
   * seconds (0: 50 x the expected duration of the run at the offered rate,
   * at least 1 s) and requests in flight at once (0: 100000). */
  double max_time_s;
  uint64_t max_in_flight;
  uint64_t seed; /* with the stream number of sim_load_run, picks the RNG */
  /* 0: measure `requests` completions after the warm-up; > 0 (finite):
   * measure duration_s simulated seconds instead (the window ends at
   * exactly warm-up end + duration_s). */
  double duration_s;
} sim_load_config;

/* Check a configuration (ranges, indices). */
int sim_load_validate(const sim_load_config *c, ss_error *err);

/* ---- results of one run (one replication) --------------------------------
 * Measured over the window from the warm-up's last completion to the end. */

typedef struct sim_load_group_result {
  uint64_t completed, dropped;
  uint64_t missed; /* completed later than the deadline */
  double latency_sum_s;
  sim_hist latency; /* end-to-end latency of completed requests */
  size_t n_routes;
  uint64_t *route_used; /* n_routes: measured completions per route */
} sim_load_group_result;

/* Per station or link. "In" the resource = waiting or being served (for a
 * link: queued or being sent; the propagation latency is not in it). */
typedef struct sim_load_res_result {
  double busy_s;     /* server-seconds busy (station) / seconds busy (link) */
  double area_s;     /* integral of the number in the resource over time */
  uint64_t departed; /* left the resource in the window */
  double sojourn_sum_s; /* their time in the resource */
  double wait_sum_s;    /* their time before service (stations only) */
  uint64_t dropped;
} sim_load_res_result;

typedef enum sim_load_stop {
  SIM_LOAD_DONE = 0,     /* measured every requested completion (or
                            the whole duration_s) */
  SIM_LOAD_TIME_CAP,     /* max_time_s reached */
  SIM_LOAD_IN_FLIGHT_CAP /* max_in_flight reached (queues grow) */
} sim_load_stop;

typedef struct sim_load_result {
  size_t n_groups, n_stations, n_links;
  sim_load_group_result *groups;
  sim_load_res_result *stations;
  sim_load_res_result *links;
  double window_s; /* measured simulated time (0 when warm-up never ended) */
  double end_s;    /* simulated time at the end */
  uint64_t events; /* events processed */
  sim_load_stop stop;
} sim_load_result;

/* Allocate a result shaped for c (caller frees with sim_load_result_free). */
sim_load_result *sim_load_result_new(const sim_load_config *c, ss_error *err);
void sim_load_result_free(sim_load_result *r); /* NULL is a no-op */
void sim_load_result_reset(sim_load_result *r);

/* Run one replication. The RNG (GSL mt19937) is seeded from (c->seed,
 * stream) only, so results do not depend on threads or call order. Fills
 * res (reset first). */
int sim_load_run(const sim_load_config *c, uint64_t stream,
                 sim_load_result *res, ss_error *err);

/* Seed for a (seed, a, b) triple: a splitmix64 mix, for deriving stream
 * numbers from (point, replication). */
uint64_t sim_load_mix(uint64_t seed, uint64_t a, uint64_t b);

/* Mean and 95% confidence half-width (Student t, n - 1 degrees of freedom)
 * of x[0..n); half-width NaN when n < 2. */
void sim_load_mean_ci95(const double *x, size_t n, double *mean,
                        double *half_width);

#endif
