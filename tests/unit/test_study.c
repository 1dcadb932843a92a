/* The purchasing and sensitivity studies on toy profiles, every column
 * checked against answers computed by hand (tests/unit/test_study_toy.h has
 * the profiles), and the study sections of a scenario: defaults, round trip
 * through the resolved YAML, copy and compare. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <unistd.h>

#include "tests/unit/test_study_toy.h"

/* Links: device-edge and device-cloud 8 Mbps (1e6 bytes/s), edge-cloud
 * 80 Mbps (1e7 bytes/s), no latency. Owned today: the device only.
 *
 * Best latency by hand (compute, then hops):
 *   baseline   a: device runs all 2            b: 4
 *   A (e1)     a: dev 0 | e1 1: 1+0.5+0.4=1.9  b: e1 runs all: 0.4+1 = 1.4
 *   B (c1)     a: c1 runs all: 0.2+1 = 1.2     b: c1 all: 0.6+1 = 1.6
 *   C (c1*2)   a: c1*2 all: 0.4+1 = 1.4        b: 1.2+1 = 2.2
 *   A+B        a: 1.2                          b: 1.4 (e1 0 | c1 1: 1.51)
 *   A+C        a: 1.4                          b: 1.4
 *   B+C        a: 1.2                          b: 1.6
 * Weights a 1, b 3: weighted latency = (a + 3 b) / 4:
 *   baseline 3.5, A 1.525, B 1.5, C 2.0, A+B 1.35, A+C 1.4, B+C 1.5.
 * Budget 450 allows A+B (400), A+C (250), B+C (450), not A+B+C (550).
 * Pareto (price, latency): baseline (0, 3.5), A (100, 1.525),
 * A+C (250, 1.4), A+B (400, 1.35); C is beaten by A, B and B+C by A+C. */
static const char *PURCHASE =
    "name: shop\n"
    "models: [a, b]\n"
    "input_mb: 1\n"
    "tiers:\n"
    "  device: [dev]\n"
    "  edge: [e1]\n"
    "  cloud: [c1]\n"
    "links:\n"
    "  device-edge: {latency_ms: 0, bandwidth_mbps: 8}\n"
    "  device-cloud: {latency_ms: 0, bandwidth_mbps: 8}\n"
    "  edge-cloud: {latency_ms: 0, bandwidth_mbps: 80}\n"
    "purchase:\n"
    "  baseline: {device: [dev], edge: [], cloud: []}\n"
    "  options:\n"
    "    - {name: A, tier: edge, system: e1, price: 100}\n"
    "    - {name: B, tier: cloud, system: c1, price: 300, yearly_cost: 50,\n"
    "       power_w: 250}\n"
    "    - {name: C, tier: cloud, system: c1, scale: 2, price: 150}\n"
    "  workload: {a: 1, b: 3}\n"
    "  budget: 450\n";

typedef struct want_row {
  const char *option;
  double n, price, yearly, cpy, power, wl, gain, gpp, gpy, thr;
  int pareto, est;
} want_row;

static void check_purchase_csv(const char *dir) {
  /* cost per year = price / 3 + yearly cost; throughput of each model's
   * chosen placement = 1 / its slowest stage (baseline: a 0.5, b 0.25;
   * C: b computes 1.2 s on c1*2; every other: 1, the 1 s upload) */
  const want_row want[] = {
      {"baseline", 0, 0, 0, 0, 0, 3.5, 0, NAN, NAN, (0.5 + 0.75) / 4, 1, 0},
      {"A", 1, 100, 0, 100.0 / 3, 0, 1.525, 1.975, 1.975 / 100,
       1.975 / (100.0 / 3), 1, 1, 0},
      {"B", 1, 300, 50, 150, 250, 1.5, 2.0, 2.0 / 300, 2.0 / 150, 1, 0, 0},
      {"C", 1, 150, 0, 50, 0, 2.0, 1.5, 0.01, 0.03, (1 + 3 / 1.2) / 4, 0, 1},
      {"A+B", 2, 400, 50, 400.0 / 3 + 50, 250, 1.35, 2.15, 2.15 / 400,
       2.15 / (400.0 / 3 + 50), 1, 1, 0},
      {"A+C", 2, 250, 0, 250.0 / 3, 0, 1.4, 2.1, 2.1 / 250, 2.1 / (250.0 / 3),
       1, 1, 1},
      {"B+C", 2, 450, 50, 200, 250, 1.5, 2.0, 2.0 / 450, 0.01, 1, 0, 1},
  };
  char *t = toy_read(dir, "purchase.csv");
  assert_int_equal(toy_lines(t), 1 + 7);
  char *h = toy_cell(t, 0, 0);
  assert_string_equal(h, "option");
  free(h);
  for (size_t i = 0; i < 7; i++) {
    const want_row *w = &want[i];
    size_t r = i + 1;
    char *o = toy_cell(t, r, toy_col(t, "option"));
    assert_string_equal(o, w->option);
    free(o);
    assert_close(toy_num(t, r, "n_options"), w->n, 0);
    assert_close(toy_num(t, r, "price"), w->price, 0);
    assert_close(toy_num(t, r, "yearly_cost"), w->yearly, 0);
    assert_close(toy_num(t, r, "cost_per_year"), w->cpy, 1e-12);
    assert_close(toy_num(t, r, "power_w"), w->power, 0);
    assert_close(toy_num(t, r, "weighted_latency_s"), w->wl, 1e-12);
    assert_close(toy_num(t, r, "gain_s"), w->gain, 1e-12);
    if (isnan(w->gpp)) {
      assert_true(isnan(toy_num(t, r, "gain_per_price")));
      assert_true(isnan(toy_num(t, r, "gain_per_year_cost")));
    } else {
      assert_close(toy_num(t, r, "gain_per_price"), w->gpp, 1e-14);
      assert_close(toy_num(t, r, "gain_per_year_cost"), w->gpy, 1e-14);
    }
    assert_close(toy_num(t, r, "weighted_throughput_per_s"), w->thr, 1e-12);
    assert_close(toy_num(t, r, "pareto"), w->pareto, 0);
    assert_close(toy_num(t, r, "estimated"), w->est, 0);
    assert_close(toy_num(t, r, "within_budget"), 1, 0);
  }
  free(t);

  /* per model picks */
  t = toy_read(dir, "purchase_models.csv");
  assert_int_equal(toy_lines(t), 1 + 7 * 2);
  char *c = toy_cell(t, 0, 3);
  assert_string_equal(c, "placement");
  free(c);
  /* row 3 = option A, model a; row 8 = option C, model b */
  c = toy_cell(t, 3, 3);
  assert_string_equal(c, "Device(dev) = 0 - 0, Edge(e1) = 1 - 1, "
                         "Cloud(None) = -1 - -1");
  free(c);
  assert_close(toy_num(t, 3, "latency_s"), 1.9, 1e-12);
  assert_close(toy_num(t, 3, "estimated"), 0, 0);
  c = toy_cell(t, 8, 3);
  assert_string_equal(c, "Device(dev) = -1 - -1, Edge(None) = -1 - -1, "
                         "Cloud(c1*2) = 0 - 1");
  free(c);
  assert_close(toy_num(t, 8, "latency_s"), 2.2, 1e-12);
  assert_close(toy_num(t, 8, "estimated"), 1, 0);
  assert_close(toy_num(t, 8, "weight"), 3, 0);
  free(t);
}

static void run_purchase(const char *text, unsigned jobs, const char *dir) {
  scn_scenario *s = toy_load(text);
  prof_set *set = toy_study_set();
  sim_engine *e = toy_engine(s, set);
  sim_options opt;
  memset(&opt, 0, sizeof opt);
  opt.jobs = jobs;
  ss_error err;
  ss_error_clear(&err);
  if (sim_write_studies(e, s, set, dir, &opt, &err) != 0)
    toy_fail("studies", &err);
  sim_engine_free(e);
  prof_set_free(set);
  scn_free(s);
}

static void test_purchase_known(void **state) {
  (void)state;
  char *dir = toy_dir();
  run_purchase(PURCHASE, 1, dir);
  check_purchase_csv(dir);
  /* no sweep: no purchase_sweep.csv */
  char path[512];
  snprintf(path, sizeof path, "%s/purchase_sweep.csv", dir);
  assert_int_not_equal(access(path, F_OK), 0);
  toy_rmdir(dir);
  free(dir);
}

/* The same bytes with two threads. */
static void test_purchase_jobs(void **state) {
  (void)state;
  char *d1 = toy_dir(), *d2 = toy_dir();
  run_purchase(PURCHASE, 1, d1);
  run_purchase(PURCHASE, 2, d2);
  static const char *const files[] = {"purchase.csv", "purchase_models.csv"};
  for (int i = 0; i < 2; i++) {
    char *a = toy_read(d1, files[i]), *b = toy_read(d2, files[i]);
    assert_string_equal(a, b);
    free(a);
    free(b);
  }
  toy_rmdir(d1);
  toy_rmdir(d2);
  free(d1);
  free(d2);
}

/* In-memory results and a crafted Pareto case with ties: two options at
 * the same price and latency are both on the front; a dearer one that is
 * no faster is not; without a budget only the options alone. */
static void test_pareto_crafted(void **state) {
  (void)state;
  static const char *text =
      "name: ties\n"
      "models: [a]\n"
      "input_mb: 1\n"
      "tiers: {device: [dev], edge: [e1, e2], cloud: [c1]}\n"
      "links:\n"
      "  device-edge: {latency_ms: 0, bandwidth_mbps: 8}\n"
      "  device-cloud: {latency_ms: 0, bandwidth_mbps: 8}\n"
      "  edge-cloud: {latency_ms: 0, bandwidth_mbps: 80}\n"
      "purchase:\n"
      "  baseline: {device: [dev]}\n"
      "  options:\n"
      "    - {name: x, tier: edge, system: e1, price: 100}\n"
      "    - {name: y, tier: edge, system: e1, price: 100}\n"
      "    - {name: z, tier: edge, system: e1, price: 200}\n"
      "    - {name: w, tier: edge, system: e2, price: 200}\n";
  /* a with e2 (0.4 per block): dev 0 | e2 1 = 1 + 0.4 + 0.4 = 1.8;
   * e2 all = 1 + 0.8 = 1.8 (tie; the solver keeps the first) */
  scn_scenario *s = toy_load(text);
  prof_set *set = toy_study_set();
  sim_engine *e = toy_engine(s, set);
  sim_purchase_result *r = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (sim_purchase_run(e, s, set, NULL, &r, &err) != 0)
    toy_fail("purchase", &err);
  assert_int_equal(r->n_rows, 5);
  assert_int_equal(r->n_points, 1);
  static const char *const names[] = {"baseline", "x", "y", "z", "w"};
  static const double wl[] = {2, 1.9, 1.9, 1.9, 1.8};
  static const int pareto[] = {1, 1, 1, 0, 1};
  for (size_t k = 0; k < 5; k++) {
    assert_string_equal(r->rows[k].option, names[k]);
    assert_close(r->rows[k].weighted_latency_s[0], wl[k], 1e-12);
    assert_int_equal(r->rows[k].pareto[0], pareto[k]);
    assert_int_equal(r->rows[k].within_budget, -1);
  }
  assert_int_equal(r->n_models, 1);
  assert_true(r->picks[4].feasible);
  assert_close(r->picks[4].latency_s, 1.8, 1e-12);
  sim_purchase_result_free(r);
  sim_engine_free(e);
  prof_set_free(set);
  scn_free(s);
}

/* A sweep gives purchase_sweep.csv: which purchase wins at which uplink
 * to the cloud; purchase.csv holds the reference point (the first). */
static void test_purchase_sweep(void **state) {
  (void)state;
  static const char *text =
      "name: shop\n"
      "models: [a]\n"
      "input_mb: 1\n"
      "tiers: {device: [dev], edge: [e1], cloud: [c1]}\n"
      "links:\n"
      "  device-edge: {latency_ms: 0, bandwidth_mbps: 8}\n"
      "  device-cloud: {latency_ms: 0, bandwidth_mbps: 8}\n"
      "  edge-cloud: {latency_ms: 0, bandwidth_mbps: 80}\n"
      "sweep:\n"
      "  - param: links.device-cloud.bandwidth_mbps\n"
      "    values: [0.8, 8, 80]\n"
      "purchase:\n"
      "  baseline: {device: [dev]}\n"
      "  options:\n"
      "    - {name: A, tier: edge, system: e1, price: 100}\n"
      "    - {name: B, tier: cloud, system: c1, price: 300, yearly_cost: 50}\n"
      "  horizon_years: 2\n";
  /* model a: A = 1.9 at every point (device-edge fixed); B = cloud all:
   * 0.2 + 1e6/bw: 0.8 Mbps -> 10.2 (dev 0 | c1 1: 1 + 4 + 0.1 = 5.1; best
   * is the device alone, 2), 8 -> 1.2, 80 -> 0.3. Total cost of ownership
   * over 2 years: A 100, B 300 + 2 x 50 = 400. */
  char *dir = toy_dir();
  run_purchase(text, 2, dir);
  char *t = toy_read(dir, "purchase_sweep.csv");
  assert_int_equal(toy_lines(t), 1 + 3 * 3);
  char *h = toy_cell(t, 0, 1);
  assert_string_equal(h, "links.device-cloud.bandwidth_mbps");
  free(h);
  static const double want_b[3] = {2, 1.2, 0.3};
  static const char *const fastest[3] = {"A", "B", "B"};
  for (size_t p = 0; p < 3; p++) {
    assert_close(toy_num(t, 1 + 3 * p, "weighted_latency_s"), 2, 1e-12);
    assert_close(toy_num(t, 2 + 3 * p, "weighted_latency_s"), 1.9, 1e-12);
    assert_close(toy_num(t, 3 + 3 * p, "weighted_latency_s"), want_b[p], 1e-12);
    for (size_t k = 0; k < 3; k++)
      if (toy_num(t, 1 + 3 * p + k, "fastest") == 1) {
        char *o = toy_cell(t, 1 + 3 * p + k, toy_col(t, "option"));
        assert_string_equal(o, fastest[p]);
        free(o);
      }
  }
  /* at 0.8 Mbps B (2 for 400) is dominated by the baseline (2 for 0) */
  assert_close(toy_num(t, 3, "tco"), 400, 0);
  assert_close(toy_num(t, 3, "pareto"), 0, 0);
  assert_close(toy_num(t, 6, "pareto"), 1, 0);
  free(t);
  /* purchase.csv holds the reference point: the middle of the axis, 8 Mbps */
  t = toy_read(dir, "purchase.csv");
  assert_close(toy_num(t, 3, "horizon_years"), 2, 0);
  assert_close(toy_num(t, 3, "tco"), 400, 0);
  assert_close(toy_num(t, 3, "weighted_latency_s"), 1.2, 1e-12);
  assert_close(toy_num(t, 3, "gain_s"), 0.8, 1e-12);
  assert_close(toy_num(t, 3, "gain_pct"), 40, 1e-9);
  assert_close(toy_num(t, 3, "gain_per_tco"), 0.8 / 400, 1e-15);
  assert_close(toy_num(t, 3, "pareto"), 1, 0);
  assert_close(toy_num(t, 2, "gain_pct"), 5, 1e-9);
  /* across the sweep: A fastest at 0.8, B at 8 and 80; mean gains over
   * the three points: A 0.1 s (5%), B (0 + 0.8 + 1.7) / 3 s, (0 + 40 +
   * 85) / 3 % */
  static const double fastest_n[3] = {0, 1, 2};
  static const double mean_s[3] = {0, 0.1, 2.5 / 3};
  static const double mean_pct[3] = {0, 5, 125.0 / 3};
  for (size_t k = 0; k < 3; k++) {
    assert_close(toy_num(t, 1 + k, "sweep_points"), 3, 0);
    assert_close(toy_num(t, 1 + k, "points_fastest"), fastest_n[k], 0);
    assert_close(toy_num(t, 1 + k, "mean_gain_s"), mean_s[k], 1e-12);
    assert_close(toy_num(t, 1 + k, "mean_gain_pct"), mean_pct[k], 1e-9);
  }
  free(t);
  toy_rmdir(dir);
  assert_int_equal(mkdir(dir, 0700), 0);
  /* an explicit reference moves purchase.csv, not the sweep figures */
  char *text2 = malloc(strlen(text) + 64);
  assert_non_null(text2);
  strcpy(text2, text);
  strcat(text2, "reference: {links.device-cloud.bandwidth_mbps: 0.8}\n");
  run_purchase(text2, 1, dir);
  t = toy_read(dir, "purchase.csv");
  assert_close(toy_num(t, 3, "weighted_latency_s"), 2, 1e-12);
  assert_close(toy_num(t, 3, "gain_s"), 0, 1e-12);
  assert_close(toy_num(t, 3, "pareto"), 0, 0);
  assert_close(toy_num(t, 3, "points_fastest"), 2, 0);
  free(t);
  free(text2);
  toy_rmdir(dir);
  free(dir);
}

/* Infeasible placements: a constraint no placement of an option set meets
 * leaves its latency empty and off the front. */
static void test_purchase_infeasible(void **state) {
  (void)state;
  static const char *text =
      "models: [a]\n"
      "input_mb: 1\n"
      "tiers: {device: [dev], edge: [e1], cloud: [c1]}\n"
      "links: {device-edge: {latency_ms: 0, bandwidth_mbps: 8},\n"
      "        device-cloud: {latency_ms: 0, bandwidth_mbps: 8},\n"
      "        edge-cloud: {latency_ms: 0, bandwidth_mbps: 80}}\n"
      "constraints: {min_blocks: {cloud: 1}}\n"
      "purchase:\n"
      "  baseline: {device: [dev], edge: [e1]}\n"
      "  options: [{name: B, tier: cloud, system: c1, price: 10}]\n";
  scn_scenario *s = toy_load(text);
  prof_set *set = toy_study_set();
  sim_engine *e = toy_engine(s, set);
  sim_purchase_result *r = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (sim_purchase_run(e, s, set, NULL, &r, &err) != 0)
    toy_fail("purchase", &err);
  assert_true(isnan(r->rows[0].weighted_latency_s[0]));
  assert_false(r->picks[0].feasible);
  assert_int_equal(r->rows[0].pareto[0], 0);
  /* B: c1 all 1.2; e1 0 | c1 1: 1 + 0.5 + 0.04 + 0.1 = 1.64 */
  assert_close(r->rows[1].weighted_latency_s[0], 1.2, 1e-12);
  assert_int_equal(r->rows[1].pareto[0], 1);
  assert_true(isnan(r->rows[1].gain_s[0]));
  sim_purchase_result_free(r);
  sim_engine_free(e);
  prof_set_free(set);
  scn_free(s);
}

/* Sensitivity by hand: model a alone, device + cloud, 8 Mbps link with
 * 100 ms latency. Best: c1 all = 0.2 + 0.1 + 1 = 1.3 s (device all 2,
 * dev 0 | c1 1 = 1 + 0.1 + 0.1 + 0.4 = 1.6).
 *   latency_ms 50 / 150: 1.25 / 1.35           effect 0.1
 *   bandwidth 4 / 12 Mbps: device all 2 (dev 0 | c1 1: 1.2 + 0.8 = 2,
 *     c1 all 2.3) / c1 all 0.3 + 1e6/1.5e6 = 0.9667      effect 1.0333
 *   availability.c1 0.5 / 1 (capped): 0.4+1.1 = 1.5 / 1.3   effect 0.2
 *   availability.dev 0.5 / 1: unchanged 1.3 / 1.3          effect 0
 *   input_mb 0.5 / 1.5: c1 all 0.3 + 0.5 = 0.8 / dev 0 | c1 1 = 1.6
 *     (c1 all 1.8)                                          effect 0.8 */
static void test_sensitivity_known(void **state) {
  (void)state;
  static const char *text =
      "name: sens\n"
      "models: [a]\n"
      "input_mb: 1\n"
      "tiers: {device: [dev], cloud: [c1]}\n"
      "links: {device-cloud: {latency_ms: 100, bandwidth_mbps: 8}}\n"
      "sensitivity: true\n";
  char *dir = toy_dir();
  run_purchase(text, 1, dir);
  char *t = toy_read(dir, "sensitivity.csv");
  assert_int_equal(toy_lines(t), 1 + 5);
  static const char *const order[] = {
      "links.device-cloud.bandwidth_mbps", "input_mb", "availability.c1",
      "links.device-cloud.latency_ms", "availability.dev"};
  static const double base[] = {8, 1, 1, 100, 1};
  static const double lo[] = {4, 0.5, 0.5, 50, 0.5};
  static const double hi[] = {12, 1.5, 1, 150, 1};
  static const double blo[] = {2.0, 0.8, 1.5, 1.25, 1.3};
  static const double bhi[] = {0.3 + 1.0 / 1.5, 1.6, 1.3, 1.35, 1.3};
  for (size_t i = 0; i < 5; i++) {
    char *p = toy_cell(t, i + 1, 0);
    assert_string_equal(p, order[i]);
    free(p);
    assert_close(toy_num(t, i + 1, "base"), base[i], 1e-12);
    assert_close(toy_num(t, i + 1, "low_value"), lo[i], 1e-12);
    assert_close(toy_num(t, i + 1, "high_value"), hi[i], 1e-12);
    assert_close(toy_num(t, i + 1, "best_low_s"), blo[i], 1e-12);
    assert_close(toy_num(t, i + 1, "best_base_s"), 1.3, 1e-12);
    assert_close(toy_num(t, i + 1, "best_high_s"), bhi[i], 1e-12);
    assert_close(toy_num(t, i + 1, "effect_s"), fabs(bhi[i] - blo[i]), 1e-12);
  }
  free(t);
  t = toy_read(dir, "sensitivity_models.csv");
  assert_int_equal(toy_lines(t), 1 + 5);
  char *m = toy_cell(t, 1, 0);
  assert_string_equal(m, "a");
  free(m);
  free(t);
  toy_rmdir(dir);
  free(dir);
}

/* Parameters from the network file appear as system pairs; the profile
 * input size is moved by input_scale; a workload weighs the models. */
static void test_sensitivity_network(void **state) {
  (void)state;
  char *dir = toy_dir();
  char net[600], yaml[2048];
  snprintf(net, sizeof net, "%s/net.csv", dir);
  FILE *fp = fopen(net, "w");
  assert_non_null(fp);
  fputs("source,destination,ping(ms),bandwidth(mbps)\n"
        "dev,c1,0,8\n",
        fp);
  fclose(fp);
  snprintf(yaml, sizeof yaml,
           "models: [a, b]\n"
           "network: %s\n"
           "tiers: {device: [dev], cloud: [c1]}\n"
           "sensitivity: {range_pct: 50, workload: {a: 1, b: 0}}\n",
           net);
  run_purchase(yaml, 1, dir);
  char *t = toy_read(dir, "sensitivity.csv");
  /* bandwidth from the network, availability x2, input_scale */
  assert_int_equal(toy_lines(t), 1 + 5);
  int seen_bw = 0, seen_in = 0;
  for (size_t i = 1; i <= 5; i++) {
    char *p = toy_cell(t, i, 0);
    if (strcmp(p, "links.dev-c1.bandwidth_mbps") == 0) {
      seen_bw = 1;
      /* a only (b weighs 0): at 4 Mbps dev 0 | c1 1 = 1 + 0.1 + 4e5/5e5 =
       * 1.9 (c1 all 0.2 + 2 = 2.2, device 2) */
      assert_close(toy_num(t, i, "best_low_s"), 1.9, 1e-12);
      assert_close(toy_num(t, i, "best_base_s"), 1.2, 1e-12);
    }
    if (strcmp(p, "input_scale") == 0) {
      seen_in = 1;
      assert_close(toy_num(t, i, "base"), 1, 0);
      assert_close(toy_num(t, i, "best_low_s"), 0.7, 1e-12);
    }
    free(p);
  }
  assert_true(seen_bw && seen_in);
  free(t);
  t = toy_read(dir, "sensitivity_models.csv");
  assert_int_equal(toy_lines(t), 1 + 2 * 5);
  free(t);
  toy_rmdir(dir);
  free(dir);
}

/* The study sections: defaults, resolved YAML round trip, copy, equal. */
static void test_sections_roundtrip(void **state) {
  (void)state;
  char *dir = toy_dir();
  char trace[600], yaml[4096];
  snprintf(trace, sizeof trace, "%s/bw.txt", dir);
  FILE *fp = fopen(trace, "w");
  assert_non_null(fp);
  fputs("# uplink samples, Mbps\n5\n 6.5 \n\n7\n", fp);
  fclose(fp);
  snprintf(yaml, sizeof yaml,
           "%s"
           "uncertainty:\n"
           "  samples: 500\n"
           "  seed: 7\n"
           "  deadline_ms: 1500\n"
           "  params:\n"
           "    links.device-edge.bandwidth_mbps: {dist: trace, file: bw.txt}\n"
           "    links.edge-cloud.latency_ms: {dist: normal, mean: 5, sd: 1}\n"
           "    availability.c1: {dist: uniform, min: 0.5, max: 1}\n"
           "    links.dev-c1.bandwidth_mbps: {dist: lognormal, median: 8, "
           "sigma: 0.3}\n"
           "sensitivity: {range_pct: 20, params: [input_mb, "
           "links.device-edge.latency_ms]}\n",
           PURCHASE);
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  char file[700];
  snprintf(file, sizeof file, "%s/s.yaml", dir);
  if (scn_load_text(yaml, strlen(yaml), file, dir, &s, &err) != 0)
    toy_fail("load", &err);
  const scn_purchase *p = s->purchase;
  assert_non_null(p);
  assert_int_equal(p->n_baseline, 1);
  assert_int_equal(p->n_options, 3);
  assert_close(p->years, 3, 0);
  assert_close(p->options[2].scale, 2, 0);
  char *sn = scn_option_system_name(&p->options[2]);
  assert_string_equal(sn, "c1*2");
  free(sn);
  const scn_uncertainty *u = s->uncertainty;
  assert_non_null(u);
  assert_int_equal(u->n_dists, 4);
  assert_int_equal(u->dists[0].kind, SCN_DIST_TRACE);
  assert_int_equal(u->dists[0].n_values, 3);
  assert_close(u->dists[0].values[1], 6.5, 0);
  assert_int_equal(u->top_k, 10);
  assert_int_equal(u->block_times, SCN_BLOCKS_PROFILE);
  assert_int_equal(s->sensitivity->n_params, 2);
  /* the resolved YAML reads back equal */
  char out[700];
  snprintf(out, sizeof out, "%s/resolved.yaml", dir);
  assert_int_equal(scn_save_resolved_yaml(s, out, &err), 0);
  scn_scenario *t = NULL;
  if (scn_load(out, &t, &err) != 0)
    toy_fail("reload", &err);
  assert_true(scn_equal(s, t));
  scn_scenario *c = scn_copy(s);
  assert_non_null(c);
  assert_true(scn_equal(s, c));
  c->purchase->options[1].price = 301;
  assert_false(scn_equal(s, c));
  c->purchase->options[1].price = 300;
  c->uncertainty->dists[0].values[2] = 8;
  assert_false(scn_equal(s, c));
  scn_free(c);
  scn_free(t);
  scn_free(s);
  /* default baseline: the scenario's tiers; sensitivity: false is off */
  s = toy_load("tiers: {device: [dev], edge: [e1, e2]}\n"
               "purchase: {options: [{name: x, tier: edge, system: c1, "
               "price: 1}]}\n"
               "sensitivity: false\n");
  assert_int_equal(s->purchase->n_baseline, 3);
  assert_string_equal(s->purchase->baseline[2].system, "e2");
  assert_int_equal(s->purchase->baseline[2].tier, 1);
  assert_null(s->sensitivity);
  scn_free(s);
  toy_rmdir(dir);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_purchase_known),
      cmocka_unit_test(test_purchase_jobs),
      cmocka_unit_test(test_pareto_crafted),
      cmocka_unit_test(test_purchase_sweep),
      cmocka_unit_test(test_purchase_infeasible),
      cmocka_unit_test(test_sensitivity_known),
      cmocka_unit_test(test_sensitivity_network),
      cmocka_unit_test(test_sections_roundtrip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
