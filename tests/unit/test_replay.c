/* replay: (sim_replay.h): the scenario section's bad-input fixtures, the
 * estimators and switch costs on hand-worked numbers, a constant trace
 * against the fixed-link answer, the pruned oracle against brute force,
 * the oracle as a lower bound, periodic(last) = oracle, and replay.csv. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "sim/sim_replay.h"
#include "tests/unit/test_study_toy.h"

#define FIX "tests/fixtures/replay/"
#define MB 125000.0

/* ---- fixtures -------------------------------------------------------------
 */

typedef struct bad_case {
  const char *file, *where, *msg;
} bad_case;

static const bad_case bad[] = {
    {"replay_unknown_policy.yaml", "15:22",
     "replay.policies: unknown value 'orcale'; did you mean 'oracle'? "
     "(valid: static, periodic, oracle)"},
    {"replay_policy_twice.yaml", "15:30",
     "replay.policies: 'oracle' is listed twice"},
    {"replay_no_link.yaml", "12:1",
     "replay: needs link: (the link whose bandwidth follows the traces, e.g. "
     "device-edge)"},
    {"replay_bad_link.yaml", "13:9", "unknown link 'device-moon'"},
    {"replay_no_match.yaml", "14:11",
     "replay.traces: no trace file matches 'nothing-*.txt'"},
    {"replay_rate_zero.yaml", "15:12", "replay.rate_hz must be > 0, got 0"},
    {"replay_estimator.yaml", "15:14",
     "replay.estimator: unknown value 'median'; did you mean 'mean'?"},
    {"replay_unknown_key.yaml", "15:3",
     "unknown key 'intervall_s' in replay; did you mean 'interval_s'?"},
    {"replay_no_traces.yaml", "12:1",
     "replay: needs traces: (a file, a folder or a glob), or a trace: on "
     "links.device-edge"},
    {"replay_link_twice.yaml", "13:23",
     "replay.link: 'edge-device' is listed twice"},
    {"link_sharing.yaml", "9:59",
     "links.device-edge.sharing: unknown sharing 'fiar'; did you mean "
     "'fair'? (valid: fifo, fair)"},
    {"link_trace_missing.yaml", "9:40",
     "links.device-edge.trace: 'nope.txt' not found"},
    {"link_trace_scale_zero.yaml", "9:63",
     "links.device-edge.trace_scale: trace_scale must be > 0, got 0"},
    {"link_trace_offset_negative.yaml", "9:66",
     "links.device-edge.trace_offset_s: trace_offset_s must be >= 0, got -1"},
    {"link_repeat_bad.yaml", "9:58",
     "links.device-edge.repeat: expected true or false, got 'sometimes'"},
};

static void test_bad_fixtures(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char path[256];
    snprintf(path, sizeof path, FIX "%s", bad[i].file);
    scn_scenario *s = NULL;
    ss_error err;
    ss_error_clear(&err);
    assert_int_equal(scn_load(path, &s, &err), -1);
    assert_null(s);
    assert_string_equal(err.file, path);
    if (strcmp(err.where, bad[i].where) != 0 ||
        strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
      fail_msg("%s: got %s: %s", bad[i].file, err.where, err.msg);
  }
}

/* A bad trace is found before anything is written: file:line, and the
 * output folder stays empty. */
static void test_bad_trace_writes_nothing(void **state) {
  (void)state;
  scn_scenario *s = NULL, *filled = NULL;
  ss_error err;
  assert_int_equal(scn_load(FIX "replay_bad_trace.yaml", &s, &err), 0);
  assert_int_equal(sim_replay_fill_bandwidths(s, &filled, &err), -1);
  assert_non_null(strstr(err.file, "tests/fixtures/traces/negative.txt"));
  assert_string_equal(err.where, "3");
  assert_string_equal(err.msg, "bandwidth is negative (-0.5 Mbps)");
  /* with a bandwidth on the link the engine builds; the replay then fails
   * on the same line and writes nothing */
  s->links[0].bandwidth_mbps = 2;
  s->links[0].has_bandwidth_mbps = 1;
  prof_set *set = toy_study_set();
  sim_engine *e = toy_engine(s, set);
  char *dir = toy_dir();
  assert_int_equal(sim_replay_write(e, s, dir, NULL, &err), -1);
  assert_string_equal(err.where, "3");
  char cmd[600];
  snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir);
  assert_int_equal(system(cmd), 0);
  toy_rmdir(dir);
  free(dir);
  sim_engine_free(e);
  prof_set_free(set);
  scn_free(s);
}

/* The resolved YAML reads back to the same scenario. */
static void test_resolved_roundtrip(void **state) {
  (void)state;
  scn_scenario *s = NULL, *t = NULL;
  ss_error err;
  assert_int_equal(scn_load(FIX "ok.yaml", &s, &err), 0);
  assert_int_equal(s->replay->n_links, 2);
  assert_int_equal(s->replay->estimator, SCN_ESTIMATOR_LAST);
  assert_int_equal(s->links[0].sharing, SCN_SHARING_FAIR);
  char *dir = toy_dir();
  char path[600];
  snprintf(path, sizeof path, "%s/r.yaml", dir);
  assert_int_equal(scn_save_resolved_yaml(s, path, &err), 0);
  if (scn_load(path, &t, &err) != 0)
    toy_fail("resolved", &err);
  assert_true(scn_equal(s, t));
  scn_scenario *c = scn_copy(s);
  assert_true(scn_equal(s, c));
  scn_free(c);
  scn_free(t);
  scn_free(s);
  toy_rmdir(dir);
  free(dir);
}

/* ---- hand-worked numbers ---------------------------------------------------
 */

static sim_trace *trace_of(const double *t, const double *mbps, size_t n) {
  double bw[256];
  for (size_t i = 0; i < n; i++)
    bw[i] = mbps[i] * MB;
  sim_trace *tr = NULL;
  ss_error err;
  assert_int_equal(sim_trace_from_arrays(t, bw, n, "t", &tr, &err), 0);
  return tr;
}

/* Rows 2, 0.2, 0, 4, 2 Mbps at 0..4 s (250000, 25000, 0, 500000, 250000
 * bytes/s). Window [0, 2) before d = 2: mean (250000 + 25000) / 2 = 137500;
 * harmonic 2 / (1/250000 + 1/25000) = 45454.54...; last = the row at 2 s =
 * 0. Window [1, 3) before d = 3: mean 12500, harmonic 0 (an outage), last
 * 500000. At d = 0 every estimator gives the first row. */
static void test_estimators(void **state) {
  (void)state;
  double t[] = {0, 1, 2, 3, 4}, v[] = {2, 0.2, 0, 4, 2};
  sim_trace *tr = trace_of(t, v, 5);
  sim_trace_use u = {tr, 1, 0, 1};
  assert_close(sim_replay_estimate(&u, SCN_ESTIMATOR_MEAN, 2, 2), 137500, 1e-9);
  assert_close(sim_replay_estimate(&u, SCN_ESTIMATOR_HARMONIC, 2, 2),
               2.0 / (1 / 250000.0 + 1 / 25000.0), 1e-9);
  assert_close(sim_replay_estimate(&u, SCN_ESTIMATOR_LAST, 2, 2), 0, 0);
  assert_close(sim_replay_estimate(&u, SCN_ESTIMATOR_MEAN, 3, 2), 12500, 1e-9);
  assert_close(sim_replay_estimate(&u, SCN_ESTIMATOR_HARMONIC, 3, 2), 0, 0);
  assert_close(sim_replay_estimate(&u, SCN_ESTIMATOR_LAST, 3, 2), 500000, 0);
  for (int e = 0; e < 3; e++)
    assert_close(sim_replay_estimate(&u, (scn_estimator)e, 0, 2), 250000, 0);
  /* across the period end (repeat): window [4, 6) = rows 2 Mbps, 2 Mbps */
  assert_close(sim_replay_estimate(&u, SCN_ESTIMATOR_HARMONIC, 6, 2), 250000,
               1e-9);
  sim_trace_free(tr);
}

/* Two placements: A runs locally (1 s, no link); B sends 125000 bytes then
 * takes 0.1 s. At 1 Mbps B takes 1.1 s (A wins), at 10 Mbps 0.2 s (B wins).
 * Rows 1, 10, 1, 10 Mbps, one request per second, decisions every second on
 * the last sample, 50 ms per switch: A, B (+0.05), A (+0.05), B (+0.05):
 * latencies 1, 0.25, 1.05, 0.25; 3 switches. Static (mean 5.5 Mbps) picks
 * B: 1.1, 0.2, 1.1, 0.2. The oracle: 1, 0.2, 1, 0.2. */
static void test_switch_cost(void **state) {
  (void)state;
  double t[] = {0, 1, 2, 3}, v[] = {1, 10, 1, 10};
  sim_trace *tr = trace_of(t, v, 4);
  sim_trace_use u = {tr, 1, 0, 1};
  sim_replay_cand c[] = {{1.0, 0, 0, 0}, {0, 125000, 0.1, 1}};
  sim_replay_config cfg = {1, 1, SCN_ESTIMATOR_LAST, 0.05, NAN};
  sim_replay_series s;
  ss_error err;
  assert_int_equal(sim_replay_run(&cfg, &u, c, 2, &s, &err), 0);
  assert_int_equal(s.n_requests, 4);
  double per[] = {1, 0.25, 1.05, 0.25}, st[] = {1.1, 0.2, 1.1, 0.2},
         orc[] = {1, 0.2, 1, 0.2};
  for (size_t i = 0; i < 4; i++) {
    assert_close(s.latency_s[SCN_REPLAY_PERIODIC][i], per[i], 1e-12);
    assert_close(s.latency_s[SCN_REPLAY_STATIC][i], st[i], 1e-12);
    assert_close(s.latency_s[SCN_REPLAY_ORACLE][i], orc[i], 1e-12);
  }
  assert_int_equal(s.switches[SCN_REPLAY_PERIODIC], 3);
  assert_int_equal(s.switches[SCN_REPLAY_STATIC], 0);
  assert_int_equal(s.switches[SCN_REPLAY_ORACLE], 3);
  sim_replay_series_free(&s);
  sim_trace_free(tr);
}

/* ---- properties ------------------------------------------------------------
 */

static uint64_t rng = 88172645463325252ULL;
static double unif(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

/* Random trace of n rows spaced dt_s, values in [0, 8) Mbps, some 0. */
static sim_trace *random_trace(size_t n, double dt_s, int outages) {
  double t[256], v[256];
  for (size_t i = 0; i < n; i++) {
    t[i] = (double)i * dt_s;
    v[i] = outages && unif() < 0.15 ? 0 : 0.05 + 8 * unif();
  }
  return trace_of(t, v, n);
}

static void random_cands(sim_replay_cand *c, size_t n) {
  for (size_t i = 0; i < n; i++) {
    c[i].pre_s = unif() * 0.5;
    c[i].bytes = unif() < 0.1 ? 0 : unif() * 4e5;
    c[i].post_s = unif() * 0.5;
    c[i].placement = i;
  }
}

/* The pruned oracle equals brute force over every candidate, request by
 * request, and is never worse than static or periodic on any request. */
static void test_oracle_exact_and_lowest(void **state) {
  (void)state;
  for (int round = 0; round < 30; round++) {
    sim_trace *tr = random_trace(40, round % 2 ? 1.0 : 5.0, 1);
    sim_trace_use u = {tr, 0.5 + unif(), 3 * unif(), 1};
    sim_replay_cand all[60], pruned[60];
    random_cands(all, 60);
    memcpy(pruned, all, sizeof all);
    size_t np = sim_replay_prune(pruned, 60);
    assert_true(np >= 1 && np <= 60);
    sim_replay_config cfg = {7, 2.5, (scn_estimator)(round % 3), 0.01, NAN};
    sim_replay_series s;
    ss_error err;
    assert_int_equal(sim_replay_run(&cfg, &u, pruned, np, &s, &err), 0);
    for (size_t i = 0; i < s.n_requests; i++) {
      double t_s = (double)i / cfg.rate_hz, brute = INFINITY;
      for (size_t k = 0; k < 60; k++) {
        double l = sim_replay_latency_s(&u, &all[k], t_s);
        brute = l < brute ? l : brute;
      }
      double o = s.latency_s[SCN_REPLAY_ORACLE][i];
      assert_close(o, brute, 1e-12 * brute);
      assert_true(o <= s.latency_s[SCN_REPLAY_STATIC][i]);
      assert_true(o <= s.latency_s[SCN_REPLAY_PERIODIC][i]);
    }
    sim_replay_series_free(&s);
    sim_trace_free(tr);
  }
}

/* Periodic with the last sample, no switch cost and the interval equal to
 * the row spacing equals the oracle on every request, when each request's
 * transfer ends within the row it starts in (one request per row here,
 * transfers under 0.6 s on 1 s rows). */
static void test_periodic_last_is_oracle(void **state) {
  (void)state;
  for (int round = 0; round < 20; round++) {
    double t[100], v[100];
    for (size_t i = 0; i < 100; i++) {
      t[i] = (double)i;
      v[i] = 1 + 7 * unif(); /* >= 1 Mbps */
    }
    sim_trace *tr = trace_of(t, v, 100);
    sim_trace_use u = {tr, 1, 0, 1};
    sim_replay_cand c[20];
    for (size_t i = 0; i < 20; i++) {
      c[i].pre_s = 0.2 * unif();
      c[i].bytes = unif() < 0.2 ? 0 : 50000 * unif(); /* < 0.4 s */
      c[i].post_s = 0.5 * unif();
      c[i].placement = i;
    }
    sim_replay_config cfg = {1, 1, SCN_ESTIMATOR_LAST, 0, NAN};
    sim_replay_series s;
    ss_error err;
    assert_int_equal(sim_replay_run(&cfg, &u, c, 20, &s, &err), 0);
    assert_int_equal(s.n_requests, 100);
    for (size_t i = 0; i < s.n_requests; i++)
      assert_close(s.latency_s[SCN_REPLAY_PERIODIC][i],
                   s.latency_s[SCN_REPLAY_ORACLE][i], 1e-12);
    sim_replay_series_free(&s);
    sim_trace_free(tr);
  }
}

/* ---- with the engine -------------------------------------------------------
 */

#define TOY_TEXT                                                               \
  "models: [a, b]\n"                                                           \
  "tiers: {device: [dev], edge: [e1, e2], cloud: [c1]}\n"                      \
  "links:\n"                                                                   \
  "  device-edge: {latency_ms: 10, bandwidth_mbps: 3.2}\n"                     \
  "  device-cloud: {latency_ms: 30, bandwidth_mbps: 3.2}\n"                    \
  "  edge-cloud: {latency_ms: 5, bandwidth_mbps: 100}\n"                       \
  "replay:\n"                                                                  \
  "  link: [device-edge, device-cloud]\n"                                      \
  "  traces: %s\n"                                                             \
  "  rate_hz: 3\n"                                                             \
  "  interval_s: 2\n"                                                          \
  "  deadline_ms: 1500\n"

static scn_scenario *toy_with_trace(const char *trace) {
  char text[2048];
  snprintf(text, sizeof text, TOY_TEXT, trace);
  return toy_load(text);
}

/* traces: a folder gives its regular, non-hidden files, sorted (not its
 * subfolders). */
static void test_traces_folder(void **state) {
  (void)state;
  char *dir = toy_dir();
  static const char *const files[] = {"b.txt", "a.txt", ".hidden.txt"};
  char path[600];
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("0 3.2\n10 3.2\n", fp);
    fclose(fp);
  }
  snprintf(path, sizeof path, "%s/sub.txt", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  scn_scenario *s = toy_with_trace(dir);
  assert_int_equal(s->replay->n_traces, 2);
  const char *a = strrchr(s->replay->traces[0], '/');
  const char *b = strrchr(s->replay->traces[1], '/');
  assert_non_null(a);
  assert_non_null(b);
  assert_string_equal(a, "/a.txt");
  assert_string_equal(b, "/b.txt");
  scn_free(s);
  toy_rmdir(dir);
  free(dir);
}

/* A constant 3.2 Mbps trace gives, for every policy and request, exactly
 * the latency of the solver's best placement on the fixed 3.2 Mbps links
 * (1e-9 relative); the engine's candidates, pruned or not, agree. */
static void test_constant_trace_is_fixed(void **state) {
  (void)state;
  char *dir = toy_dir();
  char tpath[600];
  snprintf(tpath, sizeof tpath, "%s/const.txt", dir);
  FILE *fp = fopen(tpath, "w");
  assert_non_null(fp);
  fputs("0 3.2\n10 3.2\n", fp);
  fclose(fp);
  scn_scenario *s = toy_with_trace(tpath);
  prof_set *set = toy_study_set();
  sim_engine *e = toy_engine(s, set);
  ss_error err;
  for (size_t m = 0; m < 2; m++) {
    solver_result best;
    assert_int_equal(sim_engine_best_at(e, 0, m, &best, &err), 1);
    sim_replay_cand *c = NULL;
    size_t n = 0;
    if (sim_replay_candidates(e, m, s->replay->link_index, 2, &c, &n, &err))
      toy_fail("candidates", &err);
    sim_trace *tr = NULL;
    assert_int_equal(sim_trace_load(tpath, &tr, &err), 0);
    sim_trace_use u = {tr, 1, 0, 1};
    /* every candidate's latency on the constant trace is its fixed one */
    double lowest = INFINITY;
    for (size_t i = 0; i < n; i++) {
      double l = sim_replay_latency_s(&u, &c[i], 1.7);
      lowest = l < lowest ? l : lowest;
    }
    assert_close(lowest, best.latency_s, 1e-9 * best.latency_s);
    size_t np = sim_replay_prune(c, n);
    sim_replay_config cfg = {3, 2, SCN_ESTIMATOR_HARMONIC, 0, NAN};
    sim_replay_series sr;
    assert_int_equal(sim_replay_run(&cfg, &u, c, np, &sr, &err), 0);
    for (size_t p = 0; p < SCN_N_REPLAY_POLICIES; p++)
      for (size_t i = 0; i < sr.n_requests; i++)
        assert_close(sr.latency_s[p][i], best.latency_s, 1e-9 * best.latency_s);
    sim_replay_series_free(&sr);
    sim_trace_free(tr);
    free(c);
  }
  sim_engine_free(e);
  prof_set_free(set);
  scn_free(s);
  toy_rmdir(dir);
  free(dir);
}

/* replay.csv on the step trace: the columns, one row per trace x policy x
 * model plus the summaries, the oracle's regret 0, identical bytes with 1
 * and 2 threads; links without a bandwidth take the trace's mean. */
static void test_replay_csv(void **state) {
  (void)state;
  scn_scenario *s = toy_with_trace(FIX "step.txt"), *filled = NULL;
  ss_error err;
  s->links[0].has_bandwidth_mbps = 0;
  assert_int_equal(sim_replay_fill_bandwidths(s, &filled, &err), 0);
  assert_non_null(filled);
  /* (250000 + 25000 + 0 + 500000 + 250000) bytes / 5 s = 1.64 Mbps */
  assert_close(filled->links[0].bandwidth_mbps, 1.64, 1e-12);
  prof_set *set = toy_study_set();
  sim_engine *e = toy_engine(filled, set);
  char *d1 = toy_dir(), *d2 = toy_dir();
  sim_options o1, o2;
  memset(&o1, 0, sizeof o1);
  memset(&o2, 0, sizeof o2);
  o1.jobs = 1;
  o2.jobs = 2;
  if (sim_replay_write(e, filled, d1, &o1, &err) ||
      sim_replay_write(e, filled, d2, &o2, &err))
    toy_fail("replay", &err);
  char *a = toy_read(d1, "replay.csv"), *b = toy_read(d2, "replay.csv");
  assert_string_equal(a, b);
  assert_int_equal(
      strncmp(a, SIM_REPLAY_HEADER "\n", strlen(SIM_REPLAY_HEADER) + 1), 0);
  assert_int_equal(toy_lines(a), 1 + 2 * 3 + 2 * 3);
  for (size_t row = 1; row <= 12; row++) {
    char *pol = toy_cell(a, row, 1);
    assert_close(toy_num(a, row, "requests"), 15, 0); /* 5 s x 3 Hz */
    if (strcmp(pol, "oracle") == 0)
      assert_close(toy_num(a, row, "regret_mean_s"), 0, 0);
    assert_true(toy_num(a, row, "regret_mean_s") >= 0);
    double miss = toy_num(a, row, "deadline_miss_ratio");
    assert_true(miss >= 0 && miss <= 1);
    assert_true(toy_num(a, row, "latency_p50_s") <=
                toy_num(a, row, "latency_p99_s"));
    free(pol);
  }
  char *cell = toy_cell(a, 4, 0);
  assert_string_equal(cell, "all");
  free(cell);
  char *idx = toy_read(d1, "replay_charts.csv");
  assert_int_equal(toy_lines(idx), 3);
  char *ser = toy_read(d1, "replay_series_1.csv");
  assert_int_equal(toy_lines(ser), 16);
  free(ser);
  free(idx);
  free(a);
  free(b);
  toy_rmdir(d1);
  toy_rmdir(d2);
  free(d1);
  free(d2);
  sim_engine_free(e);
  prof_set_free(set);
  scn_free(filled);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_fixtures),
      cmocka_unit_test(test_bad_trace_writes_nothing),
      cmocka_unit_test(test_resolved_roundtrip),
      cmocka_unit_test(test_estimators),
      cmocka_unit_test(test_switch_cost),
      cmocka_unit_test(test_oracle_exact_and_lowest),
      cmocka_unit_test(test_periodic_last_is_oracle),
      cmocka_unit_test(test_traces_folder),
      cmocka_unit_test(test_constant_trace_is_fixed),
      cmocka_unit_test(test_replay_csv),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
