/* sim_replay: re-partitioning policies replayed over bandwidth traces
 * (docs/traces.md).
 *
 * One client sends requests periodically (rate_hz) along a trace, once
 * through it (link time 0 up to the trace's duration). Only one link, the
 * *traced* link, follows the trace; everything else is as in the scenario.
 * Each request is served alone (no queueing between requests: contention
 * is the load simulator's business), so its latency with a placement is
 *
 *     pre_s + (finish of bytes started at t + pre_s on the trace) - (t +
 *     pre_s) + post_s
 *
 * where pre_s is what happens before the traced transfer starts (compute on
 * the tiers before it and the hops before it), bytes what crosses the
 * traced link, and post_s the rest (the link's latency, later tiers, later
 * hops, the result's return). A placement that does not cross the traced
 * link has bytes = 0 and a constant latency pre_s + post_s. The three
 * numbers come from the solver's own evaluation of each placement (one cost
 * model), at the scenario's values.
 *
 * Policies, compared on the same requests:
 *   static   one placement for the whole trace: the best at the trace's
 *            time-weighted mean bandwidth (or static_bandwidth_mbps);
 *   periodic at every multiple of interval_s the best placement for an
 *            estimate of the bandwidth (estimators below); a change of
 *            placement adds switch_cost_ms to the next request;
 *   oracle   the best placement for every request, knowing the trace
 *            (a lower bound: never worse than any policy on any request).
 * Estimators over the window (d - interval_s, d] before a decision at d
 * (clipped at 0; at d = 0 every estimator uses the sample holding at 0):
 *   last      the bandwidth of the row holding at d;
 *   mean      bytes the link delivered in the window / window length;
 *   harmonic  window length / integral of 1/bandwidth (0 when the window
 *             holds an outage): what a fixed-size transfer would see.
 *
 * Speed: candidates are first pruned to those not dominated in (pre_s,
 * bytes, post_s) (a placement that starts its transfer no later, with no
 * more bytes, and finishes no later after it is never worse on any
 * trace); the oracle then evaluates them in order of a lower bound (the
 * latency at the trace's largest bandwidth) and stops when the bound
 * exceeds the best so far. Both are exact. */
#ifndef SIM_REPLAY_H
#define SIM_REPLAY_H

#include <stddef.h>

#include "../common/ss_error.h"
#include "../scenarios/scenario.h"
#include "sim.h"
#include "sim_columns.h"
#include "sim_trace.h"

/* A placement as the traced link sees it. */
typedef struct sim_replay_cand {
  double pre_s;     /* before the traced transfer starts */
  double bytes;     /* on the traced link; 0 = the link is not used */
  double post_s;    /* after it is served (the link latency included) */
  size_t placement; /* the caller's index of the placement */
} sim_replay_cand;

/* Latency of a request made at link time t_s (INFINITY if the transfer can
 * never finish). */
double sim_replay_latency_s(const sim_trace_use *u, const sim_replay_cand *c,
                            double t_s);

/* Drop dominated candidates in place (order kept); returns how many stay.
 * c is dropped when some d has pre_s, bytes and post_s all <= c's (ties:
 * the earlier one stays). */
size_t sim_replay_prune(sim_replay_cand *c, size_t n);

/* Index of the best candidate at a constant bandwidth (bytes/s; 0 = an
 * outage: only candidates without the traced link are finite, and when
 * none exists the one with fewest bytes, then least pre + post). */
size_t sim_replay_best_at(const sim_replay_cand *c, size_t n,
                          double bandwidth_bytes_per_s);

/* Oracle for one request: index of the candidate with the least latency at
 * t_s, latency into *latency_s. bandwidth_max = the trace's largest
 * bandwidth (bytes/s, after scale) bounds the search. order[n]: candidate
 * indices sorted by pre_s + post_s + bytes / bandwidth_max (see
 * sim_replay_order). */
size_t sim_replay_oracle(const sim_trace_use *u, const sim_replay_cand *c,
                         const size_t *order, size_t n, double bandwidth_max,
                         double t_s, double *latency_s);
/* Fill order[n] for sim_replay_oracle. */
void sim_replay_order(const sim_replay_cand *c, size_t n, double bandwidth_max,
                      size_t *order);

/* Largest bandwidth of a trace use (bytes/s). */
double sim_replay_bandwidth_max(const sim_trace_use *u);

/* Estimate of the bandwidth (bytes/s) at decision time d_s over a window. */
double sim_replay_estimate(const sim_trace_use *u, scn_estimator est,
                           double d_s, double window_s);

typedef struct sim_replay_config {
  double rate_hz;    /* > 0 */
  double interval_s; /* > 0 */
  scn_estimator estimator;
  double switch_cost_s;                /* >= 0 */
  double static_bandwidth_bytes_per_s; /* NaN: the trace's mean */
} sim_replay_config;

/* Per-request results of the three policies on one trace (policy index =
 * scn_replay_policy). All three are always computed (the regret needs the
 * oracle). */
typedef struct sim_replay_series {
  size_t n_requests;
  double duration_s;
  double bandwidth_mean_bytes_per_s;
  double *latency_s[SCN_N_REPLAY_POLICIES]; /* n_requests each */
  size_t *choice[SCN_N_REPLAY_POLICIES];    /* candidate index per request */
  size_t switches[SCN_N_REPLAY_POLICIES];   /* placement changes */
} sim_replay_series;

/* Requests one trace of duration_s gets at rate_hz: at 0, 1/rate_hz, ...
 * strictly before duration_s (at least 1); 0 when over 1e9. */
size_t sim_replay_n_requests(double duration_s, double rate_hz);

/* Replay one trace use with candidates c[n] (pruned or not; n >= 1). */
int sim_replay_run(const sim_replay_config *cfg, const sim_trace_use *u,
                   const sim_replay_cand *c, size_t n, sim_replay_series *out,
                   ss_error *err);
void sim_replay_series_free(sim_replay_series *s); /* zeroes it */

/* Candidates of model m of an engine for a replay over the traced links
 * links[n_links] (indices into the engine's scenario links): one per
 * placement the solver keeps, placement = its sweep index, at the engine's
 * first sweep point. Caller frees *out. */
int sim_replay_candidates(const sim_engine *e, size_t m, const size_t *links,
                          size_t n_links, sim_replay_cand **out, size_t *n_out,
                          ss_error *err);

/* Copy of s where every link with a trace and no bandwidth_mbps gets the
 * trace's mean (after trace_scale), and each of the replay's links, when it
 * has neither, the mean over the replay's traces, so that the analytic tables
 * can be computed. *out = NULL when nothing needed filling. */
int sim_replay_fill_bandwidths(const scn_scenario *s, scn_scenario **out,
                               ss_error *err);

/* Run s's replay: section with the engine built from it; writes
 * replay.csv (and the chart data replay_series_<k>.csv for the first
 * replay.charts traces) into the existing folder outdir, atomically. Every
 * trace is read and checked before anything is written. */
int sim_replay_write(const sim_engine *e, const scn_scenario *s,
                     const char *outdir, const sim_options *opt, ss_error *err);

/* Most requests one model replays over all traces at one sweep point
 * (the pooled summary keeps 32 bytes per request: 640 MB). */
#define SIM_REPLAY_MAX_REQUESTS ((size_t)20000000)

/* replay.csv columns, in order: SIM_REPLAY_HEADER (sim_columns.h). */

#endif
