/* sim_trace: a measured bandwidth time series, read from a text file, and
 * exact integration of it over time.
 *
 * File format (docs/traces.md): one row per sample, `time_s mbps`, two
 * numbers separated by spaces or tabs; `#` starts a comment; blank lines are
 * skipped. Times strictly increase; bandwidths are finite and >= 0 (0 is an
 * outage); Mbit/s become bytes/s through common/ss_units.h. The series is
 * piecewise constant: row i holds from its time to the next row's time; the
 * last row lasts as long as the row before it (one row alone lasts 1 s), so the
 * trace's duration is last time - first time + last spacing. Times are taken
 * relative to the first row (a trace whose first row is at 3.5 s starts there).
 *
 * Using a trace: `scale` multiplies every bandwidth (> 0), `offset_s` (>= 0)
 * starts the link that far into the trace, and `repeat` says what happens
 * after the end: 1 = the trace starts again (periodic), 0 = the last row's
 * bandwidth holds for ever.
 *
 * Every computation here is exact up to floating-point rounding: bytes are
 * integrated as a prefix sum of rows (no time stepping), and the time at
 * which a given number of bytes has been delivered is found by binary
 * search over that prefix sum. Never divides by zero: a transfer that could
 * never finish (all rows 0, or a held last row of 0) finishes at INFINITY. */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stddef.h>

#include "../common/ss_error.h"

/* Largest trace file accepted (bytes): about 200 times the largest real
 * trace in ../shared/data/traces. */
#define SIM_TRACE_MAX_BYTES ((size_t)16 * 1024 * 1024)
/* Most rows in one trace. */
#define SIM_TRACE_MAX_ROWS ((size_t)2000000)
/* Largest bandwidth (Mbps) and time (|s|) a row may hold: keeps every
 * prefix sum finite (10^12 Mbps = 1 Ebit/s; 10^9 s = 31.7 years). */
#define SIM_TRACE_MAX_MBPS 1e12
#define SIM_TRACE_MAX_TIME_S 1e9
/* Smallest time between two rows (s). */
#define SIM_TRACE_MIN_STEP_S 1e-6
/* Smallest non-zero bandwidth (Mbps; 1 bit per 1000 s): below it a
 * transfer's time could overflow. 0 stays an outage. The real traces'
 * smallest non-zero value is 0.000176 Mbps. */
#define SIM_TRACE_MIN_MBPS 1e-9

typedef struct sim_trace {
  char *file;                    /* path as given (for messages); owned */
  size_t n_rows;                 /* >= 1 */
  double *time_s;                /* n_rows, relative to the first row (0) */
  double *bandwidth_bytes_per_s; /* n_rows, >= 0 */
  int *line;                     /* n_rows: line of each row in the file */
  double duration_s;             /* > 0: end of the last row */
  /* n_rows + 1: bytes delivered from time 0 to the start of row i;
   * cum_bytes[n_rows] = bytes over one whole duration. */
  double *cum_bytes;
  double mean_bandwidth_bytes_per_s; /* time-weighted over the duration */
} sim_trace;

/* Read and validate a trace file. On success *out is a new trace (caller
 * frees with sim_trace_free). On failure returns -1, *out = NULL, and err
 * names the file and line ("file:line: error: ..."). */
int sim_trace_load(const char *path, sim_trace **out, ss_error *err);

/* The same for text in memory; `file` names it in messages. */
int sim_trace_parse(const char *text, size_t len, const char *file,
                    sim_trace **out, ss_error *err);

/* A trace from arrays (time_s strictly increasing, bandwidth >= 0, in
 * bytes/s); for tests and generated traces. `file` may be NULL. */
int sim_trace_from_arrays(const double *time_s,
                          const double *bandwidth_bytes_per_s, size_t n_rows,
                          const char *file, sim_trace **out, ss_error *err);

void sim_trace_free(sim_trace *t); /* NULL is a no-op */

/* How a link uses a trace (borrowed, not owned). */
typedef struct sim_trace_use {
  const sim_trace *trace;
  double scale;    /* > 0: bandwidth multiplier */
  double offset_s; /* >= 0: link time 0 is this far into the trace */
  int repeat;      /* 1: periodic; 0: the last row holds for ever */
} sim_trace_use;

/* Bandwidth (bytes/s) at link time t_s >= 0 (the row holding at t_s). */
double sim_trace_bandwidth_at(const sim_trace_use *u, double t_s);

/* Bytes the link delivers from link time 0 to t_s >= 0 (a non-decreasing
 * function; INFINITY only when t_s is). */
double sim_trace_bytes_until(const sim_trace_use *u, double t_s);

/* Earliest link time t >= 0 with sim_trace_bytes_until(t) >= bytes; 0 for
 * bytes <= 0; INFINITY when the link never delivers that much. */
double sim_trace_time_for_bytes(const sim_trace_use *u, double bytes);

/* Single-client transfer: link time at which `bytes` started alone at
 * start_s (>= 0) have all been served (exact, across steps and outages);
 * start_s for bytes <= 0; INFINITY when it never finishes. */
double sim_trace_finish_s(const sim_trace_use *u, double start_s, double bytes);

/* Time-weighted harmonic mean of the bandwidth (bytes/s) over link time
 * [a_s, b_s) (a_s < b_s): (b_s - a_s) / integral of 1 / bandwidth; 0 when
 * the window holds an outage. */
double sim_trace_harmonic_bytes_per_s(const sim_trace_use *u, double a_s,
                                      double b_s);

/* Largest bandwidth of the trace after scale (bytes/s). */
double sim_trace_max_bytes_per_s(const sim_trace_use *u);

/* 1 when some transfer could never finish on this use of the trace (every
 * row 0 and repeat, or a held last row of 0 without repeat). */
int sim_trace_can_stall(const sim_trace_use *u);

#endif
