/* Fuzz harness: bandwidth traces (sim/sim_trace.c) and the shared link
 * over them (sim/sim_link.c). A trace that reads must have strictly
 * increasing times from 0, finite bandwidths >= 0 and non-decreasing prefix
 * sums; serving never goes backwards in time, more bytes never finish
 * earlier, and a fair link serving transfers started together finishes the
 * last when the trace has delivered their total, up to a relative 1e-9 of
 * bytes (work conservation), without hanging. */
#include "tests/fuzz/fuzz_util.h"

#include <math.h>

#include "sim/sim_link.h"
#include "sim/sim_trace.h"

static void check_link(const sim_trace *t) {
  sim_link_params p;
  sim_link_params_default(&p);
  p.trace = t;
  p.sharing = SIM_LINK_FAIR;
  ss_error err;
  sim_link *l = sim_link_new(&p, &err);
  sim_trace_use u = {t, 1, 0, 1};
  if (!l) {
    if (!sim_trace_can_stall(&u))
      fz_fail("a link was refused on a trace that cannot stall", err.msg);
    return;
  }
  double total = 0;
  for (uint64_t i = 0; i < 4; i++) {
    double b = 1000.0 * (double)(i + 1);
    total += b;
    if (sim_link_start(l, 0, b, i) != 0)
      fz_fail("a transfer could not start", NULL);
  }
  /* up to rounding: when the total lands within rounding of the start of
   * an outage, either side of it is right */
  double lo = sim_link_solo_finish_s(&p, 0, total * (1 - 1e-9)),
         hi = sim_link_solo_finish_s(&p, 0, total * (1 + 1e-9)), last = 0;
  for (int k = 0; k < 4; k++) {
    double te = sim_link_next_event_s(l);
    uint64_t tag;
    if (!isfinite(te) || te < last || sim_link_advance(l, te, &tag) != 1)
      fz_fail("a transfer did not finish in order", NULL);
    last = te;
  }
  if (!(last >= lo * (1 - 1e-12) && last <= hi * (1 + 1e-12)))
    fz_fail("the fair link's last completion is not when the trace has "
            "delivered the total",
            NULL);
  sim_link_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sim_trace *t = NULL;
  ss_error err;
  ss_error_clear(&err);
  int rc = sim_trace_parse((const char *)data, size, "trace.txt", &t, &err);
  fz_note(rc == 0 ? NULL : &err);
  if (rc != 0) {
    if (t || !err.msg[0])
      fz_fail("a failed read returned a trace or left no message", NULL);
    return 0;
  }
  if (t->n_rows == 0 || t->time_s[0] != 0 || !(t->duration_s > 0))
    fz_fail("a trace that reads must start at 0 and last", NULL);
  for (size_t i = 0; i < t->n_rows; i++) {
    if (!(t->bandwidth_bytes_per_s[i] >= 0) ||
        !isfinite(t->bandwidth_bytes_per_s[i]) ||
        (i && !(t->time_s[i] > t->time_s[i - 1])) ||
        !(t->cum_bytes[i + 1] >= t->cum_bytes[i]))
      fz_fail("a row with a bad time, bandwidth or prefix sum", NULL);
  }
  sim_trace_use u = {t, 1, 0, 1};
  double prev = 0;
  for (int k = 1; k <= 8; k++) {
    double f = sim_trace_finish_s(&u, 0.5, 1000.0 * k * k);
    if (f < prev || f < 0.5)
      fz_fail("more bytes finished earlier, or before they started", NULL);
    prev = f;
  }
  check_link(t);
  sim_trace_free(t);
  return 0;
}
