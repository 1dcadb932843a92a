/* sim_link: one network link in simulated time: a constant or trace-driven
 * bandwidth shared by the transfers in flight, then a fixed propagation
 * latency. Event-exact: no time stepping anywhere.
 *
 * A transfer's bytes are first *served* by the link, then the transfer
 * *arrives* latency_s later (propagation does not occupy the link). Alone on
 * an idle constant link a transfer of B bytes therefore arrives
 * latency_s + B / bandwidth after it starts: Scission's hop cost.
 *
 * Sharing:
 *   fifo: one transfer at a time, in start order; the others wait.
 *   fair: processor sharing; the n transfers in flight each get bandwidth/n,
 *         recomputed exactly at every start and finish (and across every
 *         trace step, by integrating the trace: sim_trace.h).
 *
 * Times are seconds of simulated time (link time 0 = the trace's offset),
 * sizes bytes, bandwidth bytes/s (from Mbit/s: common/ss_units.h).
 *
 * Use (the caller owns the event loop):
 *   sim_link_start(l, now, bytes, tag) when a transfer begins;
 *   t = sim_link_next_event_s(l): the next time a transfer finishes serving
 *       (INFINITY when none is in flight or none can ever finish);
 *   at that time (or any time <= it), sim_link_advance(l, t, &tag) returns 1
 *   and the finished transfer's tag, once per finished transfer (call again
 *   until it returns 0: transfers may finish together); the caller schedules
 *   its arrival at t + sim_link_latency_s(l).
 * Calls must come in non-decreasing `now_s`. Rate changes of a trace need no
 * events: the next completion is computed across them. */
#ifndef SIM_LINK_H
#define SIM_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"
#include "sim_trace.h"

typedef enum sim_link_sharing {
  SIM_LINK_FIFO = 0, /* one at a time, in start order (default) */
  SIM_LINK_FAIR      /* processor sharing: bandwidth / n each */
} sim_link_sharing;

/* "fifo" / "fair"; and back (-1 when unknown). */
const char *sim_link_sharing_name(sim_link_sharing s);
int sim_link_sharing_parse(const char *name, sim_link_sharing *out);

typedef struct sim_link_params {
  double latency_s;             /* >= 0: propagation after serving */
  double bandwidth_bytes_per_s; /* > 0; used when trace is NULL */
  const sim_trace *trace;       /* borrowed (outlives the link); NULL =
                                   constant bandwidth_bytes_per_s */
  double trace_scale;           /* > 0: trace bandwidth multiplier; 1 */
  double trace_offset_s;        /* >= 0: start this far into the trace; 0 */
  int repeat;                   /* 1 (default): the trace repeats at its
                                   end; 0: its last row holds for ever */
  sim_link_sharing sharing;     /* default fifo */
} sim_link_params;

/* Defaults: latency 0, bandwidth 1 Mbps, no trace, scale 1, offset 0,
 * repeat, fifo. */
void sim_link_params_default(sim_link_params *p);

typedef struct sim_link sim_link;

/* A new idle link (caller frees with sim_link_free). NULL with err filled on
 * invalid parameters; in particular a trace on which a transfer could never
 * finish (all rows 0 with repeat, or a last row of 0 without repeat) is
 * refused, so that no simulation can wait for ever. */
sim_link *sim_link_new(const sim_link_params *p, ss_error *err);
void sim_link_free(sim_link *l); /* NULL is a no-op */

/* Start a transfer of bytes (>= 0; 0 finishes at once) at now_s, with a tag
 * the caller chooses. 0 on success; -1 (err-less: out of memory, or now_s
 * earlier than a previous call, or bytes not finite) on failure. */
int sim_link_start(sim_link *l, double now_s, double bytes, uint64_t tag);

/* Next time a transfer finishes serving; INFINITY when none is in flight. */
double sim_link_next_event_s(const sim_link *l);

/* Move the link to now_s. Returns 1 and sets *done_tag when a transfer has
 * finished serving at or before now_s (one per call, in finishing order),
 * else 0; -1 when now_s goes backwards. A completion that happened before a
 * later sim_link_start is still returned, with now_s = its own time
 * (sim_link_next_event_s) or any later time. */
int sim_link_advance(sim_link *l, double now_s, uint64_t *done_tag);

/* Exact time at which the transfer last returned by sim_link_advance
 * finished serving (= now_s when the caller advances to
 * sim_link_next_event_s); NaN before the first. */
double sim_link_done_s(const sim_link *l);

size_t sim_link_in_flight(const sim_link *l); /* transfers being served */
double sim_link_latency_s(const sim_link *l);
/* Total bytes the link could serve from link time a_s to b_s. */
double sim_link_capacity_bytes(const sim_link *l, double a_s, double b_s);

/* Single client: time at which `bytes` started at start_s on an idle link
 * finish serving (add latency_s for the arrival). Exact across trace steps
 * and outages; INFINITY when it never finishes. */
double sim_link_solo_finish_s(const sim_link_params *p, double start_s,
                              double bytes);

#endif
