/* The Monte Carlo study (robust.csv) on toy profiles: deterministic answers
 * when every distribution has zero width, statistics against closed forms,
 * the block-time fit to p10/p90, raw samples, and determinism for a seed
 * and for any number of threads. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include "tests/unit/test_study_toy.h"

static sim_robust_result *robust(const char *text, prof_set *set,
                                 unsigned jobs) {
  scn_scenario *s = toy_load(text);
  sim_engine *e = toy_engine(s, set);
  sim_options opt;
  memset(&opt, 0, sizeof opt);
  opt.jobs = jobs;
  sim_robust_result *r = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (sim_robust_run(e, s, set, &opt, &r, &err) != 0)
    toy_fail("robust", &err);
  sim_engine_free(e);
  scn_free(s);
  return r;
}

/* robust.csv of a scenario as text. */
static char *robust_csv(const char *text, unsigned jobs) {
  prof_set *set = toy_study_set();
  sim_robust_result *r = robust(text, set, jobs);
  char *dir = toy_dir();
  ss_error err;
  scn_scenario *s = toy_load(text);
  if (sim_robust_write(r, s, dir, &err) != 0)
    toy_fail("write", &err);
  char *csv = toy_read(dir, "robust.csv");
  toy_rmdir(dir);
  free(dir);
  scn_free(s);
  sim_robust_result_free(r);
  prof_set_free(set);
  return csv;
}

#define LINKS                                                                  \
  "links:\n"                                                                   \
  "  device-edge: {latency_ms: 0, bandwidth_mbps: 8}\n"                        \
  "  device-cloud: {latency_ms: 0, bandwidth_mbps: 8}\n"                       \
  "  edge-cloud: {latency_ms: 0, bandwidth_mbps: 80}\n"

/* Zero-width distributions: every sample is the nominal case. Model a's six
 * placements (compute, then hops; 1e6-byte input; 8 Mbps = 1e6 bytes/s):
 *   c1 all 1.2 | dev 0, c1 1: 1.5 | e1 0, c1 1: 1 + 0.5 + 0.04 + 0.1 = 1.64
 *   dev 0, e1 1: 1.9 | dev all 2 | e1 all 2
 * With a 1500 ms deadline the robust order is: P(meet) first (1.2, 1.5),
 * then p95 (1.64, 1.9, 2, 2; the tie by mean, then enumeration). */
static void test_zero_width(void **state) {
  (void)state;
  static const char *text =
      "models: [a]\ninput_mb: 1\n"
      "tiers: {device: [dev], edge: [e1], cloud: [c1]}\n" LINKS "uncertainty:\n"
      "  samples: 1500\n"
      "  deadline_ms: 1500\n"
      "  block_times: fixed\n"
      "  params:\n"
      "    links.device-edge.bandwidth_mbps: {dist: normal, mean: 8, sd: 0}\n"
      "    links.edge-cloud.latency_ms: {dist: uniform, min: 0, max: 0}\n"
      "    availability.c1: {dist: lognormal, median: 1, sigma: 0}\n";
  prof_set *set = toy_study_set();
  sim_robust_result *r = robust(text, set, 2);
  assert_int_equal(r->n_models, 1);
  assert_int_equal(r->n_placements[0], 6);
  assert_int_equal(r->n_rows, 6);
  static const double want[6] = {1.2, 1.5, 1.64, 1.9, 2, 2};
  for (size_t i = 0; i < 6; i++) {
    const sim_robust_row *x = &r->rows[i];
    assert_int_equal(x->rank, i + 1);
    assert_close(x->nominal_latency_s, want[i], 1e-12);
    assert_close(x->mean_s, want[i], 1e-12);
    assert_close(x->p50_s, want[i], 1e-12);
    assert_close(x->p95_s, want[i], 1e-12);
    assert_close(x->p99_s, want[i], 1e-12);
    assert_close(x->sd_s, 0, 1e-12);
    assert_close(x->p_meet_deadline, want[i] <= 1.5 ? 1 : 0, 0);
    assert_close(x->p_optimal, i == 0 ? 1 : 0, 0);
    assert_close(x->expected_regret_s, want[i] - 1.2, 1e-12);
    assert_int_equal(x->nominal_best, i == 0);
  }
  assert_string_equal(r->rows[0].placement,
                      "Device(dev) = -1 - -1, Edge(None) = -1 - -1, "
                      "Cloud(c1) = 0 - 1");
  /* the tie at 2 s: device all comes before edge all in enumeration */
  assert_string_equal(r->rows[4].placement,
                      "Device(dev) = 0 - 1, Edge(None) = -1 - -1, "
                      "Cloud(None) = -1 - -1");
  sim_robust_result_free(r);
  prof_set_free(set);
}

/* Device + cloud, bandwidth uniform on [4, 12] Mbps: cloud-all latency is
 * 0.2 + 8/bw s: mean 0.2 + ln 3, median at bw = 8: 1.2, p95 at bw = 4.4:
 * 0.2 + 8/4.4. Device 0 | cloud 1 (1.1 + 3.2/bw) wins below 16/3 Mbps:
 * P(optimal) 1/6 for it, 5/6 for cloud all. */
static void test_uniform_stats(void **state) {
  (void)state;
  static const char *text =
      "models: [a]\ninput_mb: 1\n"
      "tiers: {device: [dev], cloud: [c1]}\n"
      "links: {device-cloud: {latency_ms: 0, bandwidth_mbps: 8}}\n"
      "uncertainty:\n"
      "  samples: 40000\n"
      "  seed: 3\n"
      "  top_k: 2\n"
      "  params:\n"
      "    links.device-cloud.bandwidth_mbps: {dist: uniform, min: 4, max: "
      "12}\n";
  prof_set *set = toy_study_set();
  sim_robust_result *r = robust(text, set, 2);
  assert_int_equal(r->n_placements[0], 3);
  assert_int_equal(r->n_rows, 2);
  /* robust (lowest p95, no deadline): device 0 | cloud 1, whose p95 is
   * 1.1 + 3.2/4.4 = 1.83 against 2.02; the nominal optimum (at 8 Mbps) is
   * cloud all */
  const sim_robust_row *d = &r->rows[0], *c = &r->rows[1];
  assert_string_equal(d->placement, "Device(dev) = 0 - 0, Cloud(c1) = 1 - 1");
  assert_string_equal(c->placement, "Device(dev) = -1 - -1, Cloud(c1) = 0 - 1");
  assert_int_equal(c->nominal_best, 1);
  assert_int_equal(d->nominal_best, 0);
  assert_close(c->mean_s, 0.2 + log(3.0), 0.01);
  assert_close(c->p50_s, 1.2, 0.01);
  assert_close(c->p95_s, 0.2 + 8 / 4.4, 0.01);
  assert_close(d->p95_s, 1.1 + 3.2 / 4.4, 0.01);
  assert_close(d->mean_s, 1.1 + 0.4 * log(3.0), 0.01);
  assert_close(c->p_optimal, 5.0 / 6, 0.01);
  assert_true(isnan(c->p_meet_deadline));
  assert_close(d->p_optimal, 1.0 / 6, 0.01);
  /* E[regret] of cloud all: E[max(0, (0.2 + 8/bw) - (1.1 + 3.2/bw))] over
   * bw < 16/3: integral of (4.8/bw - 0.9) / 8 from 4 to 16/3 */
  double lo = 4, hi = 16.0 / 3;
  double want = (4.8 * log(hi / lo) - 0.9 * (hi - lo)) / 8;
  assert_close(c->expected_regret_s, want, 0.003);
  sim_robust_result_free(r);
  prof_set_free(set);
}

/* A trace with two values: half the samples each. */
static void test_trace(void **state) {
  (void)state;
  char *dir = toy_dir();
  char path[600], text[2048];
  snprintf(path, sizeof path, "%s/bw.txt", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("4\n8\n", fp);
  fclose(fp);
  snprintf(text, sizeof text,
           "models: [a]\ninput_mb: 1\n"
           "tiers: {device: [dev], cloud: [c1]}\n"
           "links: {device-cloud: {latency_ms: 0, bandwidth_mbps: 8}}\n"
           "uncertainty:\n"
           "  samples: 20000\n"
           "  params:\n"
           "    links.device-cloud.bandwidth_mbps: {dist: trace, file: %s}\n",
           path);
  prof_set *set = toy_study_set();
  sim_robust_result *r = robust(text, set, 1);
  /* cloud all: 2.2 at 4 Mbps, 1.2 at 8; dev 0 | cloud 1: 1.9 / 1.5 */
  for (size_t i = 0; i < r->n_rows; i++) {
    const sim_robust_row *x = &r->rows[i];
    if (strcmp(x->placement, "Device(dev) = -1 - -1, Cloud(c1) = 0 - 1") == 0) {
      assert_close(x->mean_s, 1.7, 0.02);
      assert_close(x->p_optimal, 0.5, 0.02);
      assert_close(x->p99_s, 2.2, 1e-12);
    }
  }
  sim_robust_result_free(r);
  prof_set_free(set);
  toy_rmdir(dir);
  free(dir);
}

/* Block times: a lognormal whose 10th/90th percentiles are the profile's
 * p10/p90 around the median: the device-only latency of model a (two 1 s
 * blocks with sigma 0.5) has mean 2 exp(0.125); raw samples (0.5 and 1.5
 * with equal weight) give mean 2. */
static void test_block_times(void **state) {
  (void)state;
#define BLOCKS_FMT                                                             \
  "models: [a]\ninput_mb: 1\n"                                                 \
  "tiers: {device: [dev]}\n"                                                   \
  "uncertainty:\n"                                                             \
  "  samples: 40000\n"                                                         \
  "  block_times: %s\n"
  prof_set *set = toy_study_set();
  prof_model *m = prof_system_find_model(prof_set_find_system(set, "dev"), "a");
  for (size_t b = 0; b < 2; b++) {
    m->blocks[b].time_s_p10 = exp(-1.2815515655446004 * 0.5);
    m->blocks[b].time_s_p90 = exp(1.2815515655446004 * 0.5);
    m->blocks[b].n_samples = 2;
    m->blocks[b].samples_s = malloc(2 * sizeof(double));
    m->blocks[b].samples_s[0] = 0.5;
    m->blocks[b].samples_s[1] = 1.5;
  }
  char text[1024];
  snprintf(text, sizeof text, BLOCKS_FMT, "profile");
  sim_robust_result *r = robust(text, set, 2);
  assert_int_equal(r->n_rows, 1);
  assert_close(r->rows[0].mean_s, 2 * exp(0.125), 0.01);
  assert_close(r->rows[0].nominal_latency_s, 2, 1e-12);
  sim_robust_result_free(r);
  snprintf(text, sizeof text, BLOCKS_FMT, "samples");
  r = robust(text, set, 2);
  assert_close(r->rows[0].mean_s, 2, 0.01);
  assert_close(r->rows[0].p50_s, 2, 1e-12);
  assert_close(r->rows[0].p99_s, 3, 1e-12);
  sim_robust_result_free(r);
  snprintf(text, sizeof text, BLOCKS_FMT, "fixed");
  r = robust(text, set, 2);
  assert_close(r->rows[0].sd_s, 0, 0);
  sim_robust_result_free(r);
  prof_set_free(set);
}

/* The same seed gives the same bytes, with 1 or 3 threads; another seed
 * other bytes. */
static void test_determinism(void **state) {
  (void)state;
#define DET_FMT                                                                \
  "models: [a, b]\ninput_mb: 1\n"                                              \
  "tiers: {device: [dev], edge: [e1, e2], cloud: [c1]}\n" LINKS                \
  "uncertainty:\n"                                                             \
  "  samples: 5000\n"                                                          \
  "  seed: %d\n"                                                               \
  "  deadline_ms: 1600\n"                                                      \
  "  block_sigma: 0.2\n"                                                       \
  "  top_k: 3\n"                                                               \
  "  params:\n"                                                                \
  "    links.device-edge.bandwidth_mbps: {dist: lognormal, median: 8, "        \
  "sigma: 0.5}\n"                                                              \
  "    links.device-cloud.latency_ms: {dist: normal, mean: 20, sd: 30}\n"      \
  "    availability.e2: {dist: uniform, min: 0.3, max: 1}\n"
  char text[2048];
  snprintf(text, sizeof text, DET_FMT, 42);
  char *a = robust_csv(text, 1);
  char *b = robust_csv(text, 3);
  char *c = robust_csv(text, 1);
  assert_string_equal(a, b);
  assert_string_equal(a, c);
  snprintf(text, sizeof text, DET_FMT, 43);
  char *d = robust_csv(text, 2);
  assert_string_not_equal(a, d);
  /* header and the robust marker on rank 1 of each model */
  char *h = toy_cell(a, 0, 13);
  assert_string_equal(h, "robust");
  free(h);
  assert_close(toy_num(a, 1, "robust"), 1, 0);
  assert_close(toy_num(a, 1, "rank"), 1, 0);
  assert_close(toy_num(a, 2, "robust"), 0, 0);
  free(a);
  free(b);
  free(c);
  free(d);
}

/* No feasible placement: the model has no rows. */
static void test_infeasible(void **state) {
  (void)state;
  static const char *text =
      "models: [a]\ninput_mb: 1\n"
      "tiers: {device: [dev], cloud: [c1]}\n"
      "links: {device-cloud: {latency_ms: 0, bandwidth_mbps: 8}}\n"
      "constraints: {max_blocks: {device: 0, cloud: 0}}\n"
      "uncertainty: {samples: 10}\n";
  prof_set *set = toy_study_set();
  sim_robust_result *r = robust(text, set, 1);
  assert_int_equal(r->n_placements[0], 0);
  assert_int_equal(r->n_rows, 0);
  sim_robust_result_free(r);
  prof_set_free(set);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zero_width),  cmocka_unit_test(test_uniform_stats),
      cmocka_unit_test(test_trace),       cmocka_unit_test(test_block_times),
      cmocka_unit_test(test_determinism), cmocka_unit_test(test_infeasible),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
