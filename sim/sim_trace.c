/* sim_trace: reading a bandwidth trace and integrating it exactly
 * (sim_trace.h). */
#include "sim_trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_mem.h"
#include "../common/ss_units.h"

void sim_trace_free(sim_trace *t) {
  if (!t)
    return;
  free(t->file);
  free(t->time_s);
  free(t->bandwidth_bytes_per_s);
  free(t->line);
  free(t->cum_bytes);
  free(t);
}

/* ---- building ------------------------------------------------------------ */

typedef struct trace_rows {
  size_t n, cap;
  double *time_s, *bw;
  int *line;
} trace_rows;

static int rows_push(trace_rows *r, double t, double bw, int line) {
  if (r->n == r->cap) { /* three arrays, one capacity */
    size_t cap_t = r->cap, cap_b = r->cap, cap_l = r->cap;
    void *t_s = r->time_s, *b = r->bw, *l = r->line;
    int ok = ss_grow(&t_s, &cap_t, r->n + 1, sizeof *r->time_s, 256) == 0 &&
             ss_grow(&b, &cap_b, r->n + 1, sizeof *r->bw, 256) == 0 &&
             ss_grow(&l, &cap_l, r->n + 1, sizeof *r->line, 256) == 0;
    r->time_s = t_s;
    r->bw = b;
    r->line = l;
    if (!ok)
      return -1;
    r->cap = cap_t;
  }
  r->time_s[r->n] = t;
  r->bw[r->n] = bw;
  r->line[r->n] = line;
  r->n++;
  return 0;
}

static void rows_free(trace_rows *r) {
  free(r->time_s);
  free(r->bw);
  free(r->line);
}

/* Take the rows (absolute times, bytes/s) into a new trace: times made
 * relative to the first row, the prefix sums filled in. */
static sim_trace *trace_build(trace_rows *r, const char *file) {
  sim_trace *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->file = ss_strdup(file ? file : "trace");
  t->cum_bytes = malloc((r->n + 1) * sizeof *t->cum_bytes);
  if (!t->file || !t->cum_bytes) {
    sim_trace_free(t);
    return NULL;
  }
  t->n_rows = r->n;
  t->time_s = r->time_s;
  t->bandwidth_bytes_per_s = r->bw;
  t->line = r->line;
  r->time_s = NULL;
  r->bw = NULL;
  r->line = NULL;
  double t0 = t->time_s[0];
  for (size_t i = 0; i < t->n_rows; i++)
    t->time_s[i] -= t0;
  size_t n = t->n_rows;
  double last_len_s = n > 1 ? t->time_s[n - 1] - t->time_s[n - 2] : 1.0;
  t->duration_s = t->time_s[n - 1] + last_len_s;
  t->cum_bytes[0] = 0;
  for (size_t i = 0; i < n; i++) {
    double end_s = i + 1 < n ? t->time_s[i + 1] : t->duration_s;
    t->cum_bytes[i + 1] =
        t->cum_bytes[i] + t->bandwidth_bytes_per_s[i] * (end_s - t->time_s[i]);
  }
  t->mean_bandwidth_bytes_per_s = t->cum_bytes[n] / t->duration_s;
  return t;
}

int sim_trace_from_arrays(const double *time_s,
                          const double *bandwidth_bytes_per_s, size_t n_rows,
                          const char *file, sim_trace **out, ss_error *err) {
  *out = NULL;
  const char *name = file ? file : "trace";
  if (n_rows == 0)
    return ss_error_set(err, name, NULL, "trace has no rows");
  trace_rows r = {0};
  for (size_t i = 0; i < n_rows; i++) {
    char where[32];
    snprintf(where, sizeof where, "row %zu", i + 1);
    if (!isfinite(time_s[i]) || (i > 0 && !(time_s[i] > time_s[i - 1]))) {
      rows_free(&r);
      return ss_error_set(err, name, where, "time does not increase");
    }
    double v = bandwidth_bytes_per_s[i] / SS_BYTES_PER_S_PER_MBPS;
    if (!(v >= 0) || (v > 0 && v < SIM_TRACE_MIN_MBPS) ||
        !(bandwidth_bytes_per_s[i] <=
          SIM_TRACE_MAX_MBPS * SS_BYTES_PER_S_PER_MBPS) ||
        !(fabs(time_s[i]) <= SIM_TRACE_MAX_TIME_S) ||
        (i > 0 && !((time_s[i] - time_s[0]) - (time_s[i - 1] - time_s[0]) >=
                    SIM_TRACE_MIN_STEP_S))) {
      rows_free(&r);
      return ss_error_set(err, name, where, "time or bandwidth out of range");
    }
    if (rows_push(&r, time_s[i], bandwidth_bytes_per_s[i], (int)(i + 1))) {
      rows_free(&r);
      return ss_error_set(err, name, NULL, "out of memory");
    }
  }
  *out = trace_build(&r, name);
  rows_free(&r);
  return *out ? 0 : ss_error_set(err, name, NULL, "out of memory");
}

/* ---- parsing ------------------------------------------------------------- */

/* Copy a token for a message: at most 24 characters, unprintable as '?'. */
static void token_quote(char *dst, size_t cap, const char *s, size_t len) {
  size_t n = len < 24 ? len : 24, j = 0;
  for (size_t i = 0; i < n && j + 1 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    dst[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  if (len > n && j + 4 < cap) {
    memcpy(dst + j, "...", 3);
    j += 3;
  }
  dst[j] = '\0';
}

/* Parse one number token; a message into msg on failure. */
static int parse_number(const char *s, size_t len, const char *what,
                        double *out, char *msg, size_t msgcap) {
  char buf[64], shown[32];
  token_quote(shown, sizeof shown, s, len);
  if (len >= sizeof buf) {
    snprintf(msg, msgcap, "%s is not a number: '%s'", what, shown);
    return -1;
  }
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (ss_parse_double(buf, out) == 0)
    return 0;
  char *end;
  double v = strtod(buf, &end);
  if (end != buf && *end == '\0' && isnan(v))
    snprintf(msg, msgcap, "%s is NaN", what);
  else if (end != buf && *end == '\0' && isinf(v))
    snprintf(msg, msgcap, "%s is infinite", what);
  else
    snprintf(msg, msgcap, "%s is not a number: '%s'", what, shown);
  return -1;
}

/* Split a line (comment already cut) into at most 3 tokens. */
static size_t split_tokens(const char *s, size_t len, const char *tok[3],
                           size_t tok_len[3]) {
  size_t n = 0, i = 0;
  while (i < len) {
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
      i++;
    if (i >= len)
      break;
    size_t start = i;
    while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      i++;
    if (n == 3)
      return 4;
    tok[n] = s + start;
    tok_len[n] = i - start;
    n++;
  }
  return n;
}

/* Parse one line into the rows; msg explains a failure. */
static int parse_line(trace_rows *r, const char *s, size_t len, int line,
                      char *msg, size_t msgcap) {
  const char *hash = memchr(s, '#', len);
  if (hash)
    len = (size_t)(hash - s);
  const char *tok[3];
  size_t tok_len[3];
  size_t n = split_tokens(s, len, tok, tok_len);
  if (n == 0)
    return 0;
  if (n != 2) {
    snprintf(msg, msgcap, "expected two numbers 'time_s mbps', got %s",
             n == 1 ? "one" : "more than two");
    return -1;
  }
  double t, mbps;
  if (parse_number(tok[0], tok_len[0], "time", &t, msg, msgcap) ||
      parse_number(tok[1], tok_len[1], "bandwidth", &mbps, msg, msgcap))
    return -1;
  if (mbps < 0) {
    snprintf(msg, msgcap, "bandwidth is negative (%g Mbps)", mbps);
    return -1;
  }
  if (mbps > 0 && mbps < SIM_TRACE_MIN_MBPS) {
    snprintf(msg, msgcap,
             "bandwidth %g Mbps is below the smallest non-zero value %g "
             "(write 0 for an outage)",
             mbps, SIM_TRACE_MIN_MBPS);
    return -1;
  }
  if (mbps > SIM_TRACE_MAX_MBPS || fabs(t) > SIM_TRACE_MAX_TIME_S) {
    snprintf(msg, msgcap, "%s is out of range (at most %g %s)",
             mbps > SIM_TRACE_MAX_MBPS ? "bandwidth" : "time",
             mbps > SIM_TRACE_MAX_MBPS ? SIM_TRACE_MAX_MBPS
                                       : SIM_TRACE_MAX_TIME_S,
             mbps > SIM_TRACE_MAX_MBPS ? "Mbps" : "s in magnitude");
    return -1;
  }
  /* times are used relative to the first row: they must still increase,
   * by at least SIM_TRACE_MIN_STEP_S */
  if (r->n > 0 && t > r->time_s[r->n - 1] &&
      !((t - r->time_s[0]) - (r->time_s[r->n - 1] - r->time_s[0]) >=
        SIM_TRACE_MIN_STEP_S)) {
    snprintf(msg, msgcap,
             "time %g is less than %g s after the previous row (line %d)", t,
             SIM_TRACE_MIN_STEP_S, r->line[r->n - 1]);
    return -1;
  }
  if (r->n > 0 && !(t > r->time_s[r->n - 1])) {
    snprintf(msg, msgcap,
             "time %g does not increase (previous row, line %d, is at %g)", t,
             r->line[r->n - 1], r->time_s[r->n - 1]);
    return -1;
  }
  if (r->n >= SIM_TRACE_MAX_ROWS) {
    snprintf(msg, msgcap, "more than %zu rows", SIM_TRACE_MAX_ROWS);
    return -1;
  }
  if (rows_push(r, t, ss_mbps_to_bytes_per_s(mbps), line)) {
    snprintf(msg, msgcap, "out of memory");
    return -1;
  }
  return 0;
}

int sim_trace_parse(const char *text, size_t len, const char *file,
                    sim_trace **out, ss_error *err) {
  *out = NULL;
  const char *name = file ? file : "trace";
  trace_rows r = {0};
  char msg[256];
  int line = 1;
  for (size_t pos = 0; pos < len; line++) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    char where[32];
    snprintf(where, sizeof where, "%d", line);
    if (memchr(text + pos, '\0', end - pos)) {
      rows_free(&r);
      return ss_error_set(err, name, where,
                          "binary data (a NUL byte), not a text trace");
    }
    if (parse_line(&r, text + pos, end - pos, line, msg, sizeof msg)) {
      rows_free(&r);
      return ss_error_set(err, name, where, "%s", msg);
    }
    pos = end + 1;
  }
  if (r.n == 0) {
    rows_free(&r);
    return ss_error_set(err, name, "1",
                        "no rows: a trace needs at least one 'time_s mbps' "
                        "row");
  }
  *out = trace_build(&r, name);
  rows_free(&r);
  return *out ? 0 : ss_error_set(err, name, NULL, "out of memory");
}

int sim_trace_load(const char *path, sim_trace **out, ss_error *err) {
  *out = NULL;
  size_t len = 0;
  char *text = ss_read_file(path, SIM_TRACE_MAX_BYTES, &len, err);
  if (!text)
    return -1;
  int rc = sim_trace_parse(text, len, path, out, err);
  free(text);
  return rc;
}

/* ---- integration --------------------------------------------------------- */

/* Largest row k with time_s[k] <= r (0 when r < 0). */
static size_t row_at(const sim_trace *t, double r) {
  size_t lo = 0, hi = t->n_rows; /* answer in [lo, hi) */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->time_s[mid] <= r)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* Trace bytes from trace time 0 to tau >= 0 (unscaled). */
static double trace_cum(const sim_trace *t, int repeat, double tau) {
  if (!isfinite(tau))
    return INFINITY;
  double base = 0;
  if (repeat && tau >= t->duration_s) {
    double m = floor(tau / t->duration_s);
    tau -= m * t->duration_s;
    if (tau < 0)
      tau = 0;
    base = m * t->cum_bytes[t->n_rows];
  }
  size_t k = row_at(t, tau);
  if (repeat && k + 1 == t->n_rows && tau > t->duration_s)
    tau = t->duration_s;
  return base + t->cum_bytes[k] +
         t->bandwidth_bytes_per_s[k] * (tau - t->time_s[k]);
}

/* Bytes are "reached" within this relative tolerance: a target that
 * rounding put a hair past the bytes delivered before an outage finishes
 * before the outage, not after it. */
#define REACH_RTOL 1e-12

/* Earliest trace time within rows [0, n) where the cumulative reaches y
 * (0 <= y) within tol bytes; the last row extends as far as needed. */
static double trace_inverse_rows(const sim_trace *t, size_t n, double y,
                                 double tol) {
  size_t lo = 0, hi = n - 1; /* smallest k with cum[k + 1] >= y - tol */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->cum_bytes[mid + 1] >= y - tol)
      hi = mid;
    else
      lo = mid + 1;
  }
  double excess = y - t->cum_bytes[lo];
  if (excess <= 0)
    return t->time_s[lo];
  double v = t->bandwidth_bytes_per_s[lo];
  if (v <= 0)
    return lo + 1 < n ? t->time_s[lo] : INFINITY;
  double r = t->time_s[lo] + excess / v;
  if (lo + 1 < n && r > t->time_s[lo + 1]) /* within tol past the row */
    r = t->time_s[lo + 1];
  return r;
}

/* Earliest trace time tau with trace_cum(tau) >= y (unscaled bytes). */
static double trace_inverse(const sim_trace *t, int repeat, double y) {
  if (!(y > 0))
    return 0;
  if (!isfinite(y))
    return INFINITY;
  double tol = REACH_RTOL * y;
  size_t n = t->n_rows;
  if (!repeat) {
    if (y - tol > t->cum_bytes[n - 1]) {
      double v = t->bandwidth_bytes_per_s[n - 1];
      return v > 0 ? t->time_s[n - 1] + (y - t->cum_bytes[n - 1]) / v
                   : INFINITY;
    }
    return trace_inverse_rows(t, n, y, tol);
  }
  double per_period = t->cum_bytes[n];
  if (!(per_period > 0))
    return INFINITY;
  double m = floor(y / per_period);
  double rest = y - m * per_period;
  if (rest <= tol && m > 0) { /* reached at the end of the previous period */
    m -= 1;
    rest += per_period;
  }
  double r = trace_inverse_rows(t, n, rest, tol);
  if (r > t->duration_s)
    r = t->duration_s;
  return m * t->duration_s + r;
}

double sim_trace_bandwidth_at(const sim_trace_use *u, double t_s) {
  const sim_trace *t = u->trace;
  double tau = t_s + u->offset_s;
  if (u->repeat && tau >= t->duration_s)
    tau -= floor(tau / t->duration_s) * t->duration_s;
  return u->scale * t->bandwidth_bytes_per_s[row_at(t, tau)];
}

double sim_trace_bytes_until(const sim_trace_use *u, double t_s) {
  double a = trace_cum(u->trace, u->repeat, u->offset_s);
  double b = trace_cum(u->trace, u->repeat, u->offset_s + t_s);
  double d = u->scale * (b - a);
  return d > 0 ? d : 0;
}

double sim_trace_time_for_bytes(const sim_trace_use *u, double bytes) {
  return sim_trace_finish_s(u, 0, bytes);
}

double sim_trace_finish_s(const sim_trace_use *u, double start_s,
                          double bytes) {
  if (!(bytes > 0))
    return start_s;
  double tau0 = start_s + u->offset_s;
  double y = trace_cum(u->trace, u->repeat, tau0) + bytes / u->scale;
  double tau1 = trace_inverse(u->trace, u->repeat, y);
  if (!isfinite(tau1))
    return INFINITY;
  double finish_s = tau1 - u->offset_s;
  return finish_s > start_s ? finish_s : start_s;
}

int sim_trace_can_stall(const sim_trace_use *u) {
  const sim_trace *t = u->trace;
  if (u->repeat)
    return !(t->cum_bytes[t->n_rows] > 0);
  return !(t->bandwidth_bytes_per_s[t->n_rows - 1] > 0);
}

double sim_trace_harmonic_bytes_per_s(const sim_trace_use *u, double a_s,
                                      double b_s) {
  const sim_trace *t = u->trace;
  if (!(b_s > a_s))
    return sim_trace_bandwidth_at(u, a_s);
  double ta = a_s + u->offset_s, tb = b_s + u->offset_s;
  double period = u->repeat ? floor(ta / t->duration_s) : 0;
  size_t k = row_at(t, ta - period * t->duration_s);
  double inv_sum = 0; /* integral of 1 / bandwidth (unscaled) */
  for (double pos = ta; pos < tb;) {
    double base = period * t->duration_s;
    double end = k + 1 < t->n_rows ? base + t->time_s[k + 1]
                 : u->repeat       ? base + t->duration_s
                                   : INFINITY;
    double seg_end = end < tb ? end : tb;
    double v = t->bandwidth_bytes_per_s[k];
    if (seg_end > pos) {
      if (!(v > 0))
        return 0;
      inv_sum += (seg_end - pos) / v;
      pos = seg_end;
    }
    if (pos < tb && ++k == t->n_rows) {
      k = 0;
      period += 1;
    }
    if (end >= tb)
      break;
  }
  return inv_sum > 0 ? u->scale * (tb - ta) / inv_sum
                     : sim_trace_bandwidth_at(u, a_s);
}

double sim_trace_max_bytes_per_s(const sim_trace_use *u) {
  const sim_trace *t = u->trace;
  double m = 0;
  for (size_t i = 0; i < t->n_rows; i++)
    if (t->bandwidth_bytes_per_s[i] > m)
      m = t->bandwidth_bytes_per_s[i];
  return m * u->scale;
}
