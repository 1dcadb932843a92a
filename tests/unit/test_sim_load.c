/* The load simulator's core against closed forms (docs/simulation.md):
 * M/D/1 (Pollaczek-Khinchine) and M/M/c (Erlang C) mean waits inside the
 * 95% confidence interval, M/M/1 sojourn percentiles, Little's law on every
 * resource, a vanishing load equal to the sum of the stages, drops at a
 * queue limit, caps on unstable runs, the adaptive choice, determinism. */
/* cmocka.h needs these four headers first. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <gsl/gsl_rng.h>

#include "sim/sim_load.h"

/* Under AddressSanitizer (about 5x slower) the statistical cases run with
 * 1/20 of the requests for the memory checks: they then accept the exact
 * value within 3 CI half-widths and do not demand a CI under 1%. The
 * optimised build (make unit / make check) checks the 95% CI itself. */
#if defined(__SANITIZE_ADDRESS__)
#define SCALE 20
#define CI_WIDTHS 3
#else
#define SCALE 1
#define CI_WIDTHS 1
#endif
#define REPS 10

static sim_load_link mk_link(const char *name, double latency_s, double bw) {
  sim_load_link l;
  l.name = name;
  sim_link_params_default(&l.params);
  l.params.latency_s = latency_s;
  l.params.bandwidth_bytes_per_s = bw;
  return l;
}

/* One station with c servers, Poisson arrivals of rate lambda, service
 * mean 1 s. Mean wait per replication into w[REPS]. */
static void one_station(unsigned c, double lambda, sim_load_service svc,
                        uint64_t n, double *w, double *lw_rel_max) {
  sim_load_station st = {"s", c, 0};
  sim_load_stage sg = {SIM_LOAD_STATION, 0, 1.0, 0, 0};
  sim_load_route rt = {1, &sg};
  sim_load_group g = {1, SIM_LOAD_POISSON, lambda, 0, INFINITY, 1, &rt};
  sim_load_config cf = {1, &st, 0, NULL, 1, &g, svc, n, n / 10, 0, 0, 7, 0};
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  assert_non_null(r);
  *lw_rel_max = 0;
  for (int i = 0; i < REPS; i++) {
    assert_int_equal(sim_load_run(&cf, (uint64_t)i, r, &e), 0);
    assert_int_equal(r->stop, SIM_LOAD_DONE);
    const sim_load_res_result *s = &r->stations[0];
    w[i] = s->wait_sum_s / (double)s->departed;
    /* Little: time-average number in = throughput x mean sojourn. */
    double L = s->area_s / r->window_s;
    double XW = (double)s->departed / r->window_s *
                (s->sojourn_sum_s / (double)s->departed);
    double rel = fabs(L - XW) / XW;
    if (rel > *lw_rel_max)
      *lw_rel_max = rel;
  }
  sim_load_result_free(r);
}

static void check_wait(unsigned c, double lambda, sim_load_service svc,
                       uint64_t n, double exact) {
  double w[REPS], mean, hw, little;
  one_station(c, lambda, svc, n / SCALE, w, &little);
  sim_load_mean_ci95(w, REPS, &mean, &hw);
  print_message("c=%u lambda=%g: W_q %.5f +- %.5f (%.2f%%), exact %.5f\n", c,
                lambda, mean, hw, 100 * hw / exact, exact);
  if (!(fabs(mean - exact) <= CI_WIDTHS * hw))
    fail_msg("mean wait %.6f +- %.6f does not contain %.6f", mean, hw, exact);
  if (SCALE == 1 && !(hw < 0.01 * exact))
    fail_msg("CI %.3f%% is not under 1%%", 100 * hw / exact);
  assert_true(little < 1e-3);
}

static double erlang_c_wait(unsigned c, double lambda, double mu) {
  double a = lambda / mu, term = 1, sum = 0;
  for (unsigned k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  double top = term * c / (c - a);
  return top / (sum + top) / (c * mu - lambda);
}

static void test_md1(void **state) {
  (void)state;
  for (int k = 0; k < 2; k++) {
    double rho = k ? 0.9 : 0.5;
    check_wait(1, rho, SIM_LOAD_DETERMINISTIC, k ? 1400000 : 150000,
               rho / (2 * (1 - rho)));
  }
}

static void test_mmc(void **state) {
  (void)state;
  for (int k = 0; k < 2; k++) {
    double rho = k ? 0.9 : 0.5;
    check_wait(2, 2 * rho, SIM_LOAD_EXPONENTIAL, k ? 3000000 : 400000,
               erlang_c_wait(2, 2 * rho, 1.0));
  }
}

/* M/M/1 sojourn is Exp(mu - lambda): p95 = 3.00 / (mu - lambda), p99 =
 * 4.61 / (mu - lambda); within 2%. */
static void test_mm1_percentiles(void **state) {
  (void)state;
  sim_load_station st = {"s", 1, 0};
  sim_load_stage sg = {SIM_LOAD_STATION, 0, 1.0, 0, 0};
  sim_load_route rt = {1, &sg};
  sim_load_group g = {1, SIM_LOAD_POISSON, 0.8, 0, INFINITY, 1, &rt};
  uint64_t n = 4000000 / SCALE;
  sim_load_config cf = {1,     &st,    0, NULL, 1, &g, SIM_LOAD_EXPONENTIAL,
                        n / 2, n / 20, 0, 0,    3, 0};
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  sim_hist all;
  assert_int_equal(sim_hist_init(&all), 0);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(sim_load_run(&cf, (uint64_t)i, r, &e), 0);
    sim_hist_merge(&all, &r->groups[0].latency);
  }
  double p95 = sim_hist_quantile(&all, 0.95),
         p99 = sim_hist_quantile(&all, 0.99);
  double tol = SCALE == 1 ? 0.02 : 0.08;
  print_message("M/M/1 rho 0.8: p95 %.4f (exact %.4f), p99 %.4f (exact %.4f)\n",
                p95, -log(0.05) / 0.2, p99, -log(0.01) / 0.2);
  assert_close(p95, -log(0.05) / 0.2, tol * -log(0.05) / 0.2);
  assert_close(p99, -log(0.01) / 0.2, tol * -log(0.01) / 0.2);
  sim_hist_free(&all);
  sim_load_result_free(r);
}

/* Three tiers: device delay, uplink, edge (2 servers), link, cloud, return
 * link; 8 Poisson clients. Little's law on every station and link; the
 * utilisation of each station equals its offered load. */
static void test_little_tandem(void **state) {
  (void)state;
  sim_load_station st[2] = {{"edge", 2, 0}, {"cloud", 1, 0}};
  sim_load_link lk[2] = {mk_link("device-edge", 0.002, 1e7),
                         mk_link("edge-cloud", 0.010, 5e7)};
  sim_load_stage sg[6] = {
      {SIM_LOAD_DELAY, 0, 0.004, 0, 0},   {SIM_LOAD_LINK, 0, 0, 0, 50000},
      {SIM_LOAD_STATION, 0, 0.012, 0, 0}, {SIM_LOAD_LINK, 1, 0, 0, 200000},
      {SIM_LOAD_STATION, 1, 0.005, 0, 0}, {SIM_LOAD_LINK, 1, 0, 0, 1000}};
  sim_load_route rt = {6, sg};
  sim_load_group g = {8, SIM_LOAD_POISSON, 10, 0, 0.06, 1, &rt};
  sim_load_config cf = {
      2, st, 2,  lk, 1, &g, SIM_LOAD_EXPONENTIAL, 400000 / SCALE, 20000 / SCALE,
      0, 0,  11, 0};
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  assert_int_equal(sim_load_run(&cf, 0, r, &e), 0);
  const sim_load_res_result *res[4] = {&r->stations[0], &r->stations[1],
                                       &r->links[0], &r->links[1]};
  for (int i = 0; i < 4; i++) {
    double L = res[i]->area_s / r->window_s;
    double X = (double)res[i]->departed / r->window_s;
    double W = res[i]->sojourn_sum_s / (double)res[i]->departed;
    print_message("resource %d: L %.5f, X W %.5f\n", i, L, X * W);
    assert_close(L, X * W, 0.01 * L);
  }
  /* Utilisation = lambda x service / servers (80 rps offered). */
  double lam = 80.0;
  assert_close(r->stations[0].busy_s / r->window_s / 2, lam * 0.012 / 2,
               0.02 * 0.48);
  assert_close(r->stations[1].busy_s / r->window_s, lam * 0.005, 0.02 * 0.4);
  /* A FIFO link is busy while it sends: 80 x 50000 / 1e7. */
  assert_close(r->links[0].busy_s / r->window_s, lam * 0.005, 0.02 * 0.4);
  assert_true(r->groups[0].completed == 400000 / SCALE);
  /* idle latency 0.052 s: some requests make the 60 ms deadline, some not */
  assert_true(r->groups[0].missed > 0 &&
              r->groups[0].missed < r->groups[0].completed);
  sim_load_result_free(r);
}

/* A vanishing load: every request finds idle resources, so each latency is
 * exactly the sum of its stages (device, hops with latency + bytes / bw). */
static void test_vanishing_load(void **state) {
  (void)state;
  sim_load_station st[2] = {{"edge", 1, 0}, {"cloud", 1, 0}};
  sim_load_link lk[2] = {mk_link("a", 0.0123, 1.25e6),
                         mk_link("b", 0.031, 3.3e6)};
  sim_load_stage sg[5] = {{SIM_LOAD_DELAY, 0, 0.0317, 0, 0},
                          {SIM_LOAD_LINK, 0, 0, 0, 150528},
                          {SIM_LOAD_STATION, 0, 0.0071, 0, 0},
                          {SIM_LOAD_LINK, 1, 0, 0, 8192},
                          {SIM_LOAD_STATION, 1, 0.0029, 0, 0}};
  double exact = 0.0317 + 0.0071 + 0.0029 + (0.0123 + 150528 / 1.25e6) +
                 (0.031 + 8192 / 3.3e6);
  sim_load_route rt = {5, sg};
  sim_load_group g = {1, SIM_LOAD_PERIODIC, 0.1, 0, INFINITY, 1, &rt};
  sim_load_config cf = {2,  st, 2, lk, 1, &g, SIM_LOAD_DETERMINISTIC,
                        50, 0,  0, 0,  1, 0};
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  assert_int_equal(sim_load_run(&cf, 0, r, &e), 0);
  const sim_load_group_result *gr = &r->groups[0];
  assert_int_equal(gr->completed, 50);
  double mean = gr->latency_sum_s / (double)gr->completed;
  assert_close(mean, exact, 1e-12 * exact);
  assert_close(gr->latency.min_s, exact, 1e-12 * exact);
  assert_close(gr->latency.max_s, exact, 1e-12 * exact);
  assert_close(r->stations[0].wait_sum_s, 0, 0);
  sim_load_result_free(r);
}

/* Periodic 2 Hz into a 1 s deterministic server with room for one waiting
 * request: in steady state every second arrival is dropped. */
static void test_queue_limit_drops(void **state) {
  (void)state;
  sim_load_station st = {"s", 1, 1};
  sim_load_stage sg = {SIM_LOAD_STATION, 0, 1.0, 0, 0};
  sim_load_route rt = {1, &sg};
  sim_load_group g = {1, SIM_LOAD_PERIODIC, 2, 0, INFINITY, 1, &rt};
  sim_load_config cf = {1,    &st, 0, NULL, 1, &g, SIM_LOAD_DETERMINISTIC,
                        1000, 10,  0, 0,    1, 0};
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  assert_int_equal(sim_load_run(&cf, 0, r, &e), 0);
  uint64_t d = r->groups[0].dropped, c = r->groups[0].completed;
  assert_int_equal(c, 1000);
  assert_true(d >= 999 && d <= 1001);
  assert_int_equal(r->stations[0].dropped, d);
  assert_close(r->stations[0].busy_s / r->window_s, 1.0, 1e-9);
  sim_load_result_free(r);
}

/* Utilisation 2: the run stops at a cap instead of hanging. */
static void test_unstable_capped(void **state) {
  (void)state;
  sim_load_station st = {"s", 1, 0};
  sim_load_stage sg = {SIM_LOAD_STATION, 0, 1.0, 0, 0};
  sim_load_route rt = {1, &sg};
  sim_load_group g = {4, SIM_LOAD_POISSON, 0.5, 0, INFINITY, 1, &rt};
  sim_load_config cf = {1,       &st, 0, NULL, 1, &g, SIM_LOAD_DETERMINISTIC,
                        1000000, 100, 0, 5000, 1, 0};
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  assert_int_equal(sim_load_run(&cf, 0, r, &e), 0);
  assert_int_equal(r->stop, SIM_LOAD_IN_FLIGHT_CAP);
  assert_true(r->groups[0].completed < 1000000);
  cf.max_in_flight = 0;
  cf.max_time_s = 500;
  assert_int_equal(sim_load_run(&cf, 0, r, &e), 0);
  assert_int_equal(r->stop, SIM_LOAD_TIME_CAP);
  assert_true(r->end_s <= 500);
  sim_load_result_free(r);
}

/* Two equal stations as two routes: the adaptive choice shares the load
 * and waits far less than always taking the first. */
static void test_adaptive_balances(void **state) {
  (void)state;
  sim_load_station st[2] = {{"a", 1, 0}, {"b", 1, 0}};
  sim_load_stage sa = {SIM_LOAD_STATION, 0, 1.0, 0, 0};
  sim_load_stage sb = {SIM_LOAD_STATION, 1, 1.0, 0, 0};
  sim_load_route rt[2] = {{1, &sa}, {1, &sb}};
  sim_load_group g = {1, SIM_LOAD_POISSON, 0.8, 0, INFINITY, 2, rt};
  sim_load_config cf = {
      2,    st, 0, NULL, 1, &g, SIM_LOAD_EXPONENTIAL, 100000 / SCALE,
      1000, 0,  0, 5,    0};
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  assert_int_equal(sim_load_run(&cf, 0, r, &e), 0);
  double ua = r->stations[0].busy_s / r->window_s;
  double ub = r->stations[1].busy_s / r->window_s;
  /* Ties (both idle) go to the first route, so a carries more. */
  assert_close(ua + ub, 0.8, 0.03);
  assert_true(ua > ub && ub > 0.2);
  uint64_t *u = r->groups[0].route_used;
  assert_true(u[0] > 0 && u[1] > 0);
  double adaptive = r->groups[0].latency_sum_s / (double)r->groups[0].completed;
  /* Join-the-shortest-queue beats M/M/1 at rho 0.8 (sojourn 5 s) by far. */
  assert_true(adaptive < 2.5);
  sim_load_result_free(r);
}

static void test_deterministic_streams(void **state) {
  (void)state;
  sim_load_station st = {"s", 2, 0};
  sim_load_stage sg = {SIM_LOAD_STATION, 0, 1.0, 0.5, 0};
  sim_load_route rt = {1, &sg};
  sim_load_group g = {3, SIM_LOAD_PERIODIC, 0.5, 0.3, 2.0, 1, &rt};
  sim_load_config cf = {1,     &st, 0, NULL, 1, &g, SIM_LOAD_LOGNORMAL,
                        20000, 100, 0, 0,    9, 0};
  ss_error e;
  sim_load_result *a = sim_load_result_new(&cf, &e);
  sim_load_result *b = sim_load_result_new(&cf, &e);
  assert_int_equal(sim_load_run(&cf, 4, a, &e), 0);
  assert_int_equal(sim_load_run(&cf, 4, b, &e), 0);
  assert_true(a->groups[0].latency_sum_s == b->groups[0].latency_sum_s);
  assert_true(a->events == b->events);
  assert_int_equal(sim_load_run(&cf, 5, b, &e), 0);
  assert_true(a->groups[0].latency_sum_s != b->groups[0].latency_sum_s);
  /* Lognormal service keeps its mean: utilisation = 3 x 0.5 x 1 / 2. */
  assert_close(a->stations[0].busy_s / a->window_s / 2, 0.75, 0.03);
  sim_load_result_free(a);
  sim_load_result_free(b);
}

/* Quantiles against a sorted sample: within the documented 1/1024. */
static void test_hist_quantiles(void **state) {
  (void)state;
  enum { N = 20001 };
  static double x[N];
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  sim_hist h;
  assert_int_equal(sim_hist_init(&h), 0);
  for (int i = 0; i < N; i++) {
    x[i] = exp(8 * gsl_rng_uniform(rng) - 6);
    sim_hist_add(&h, x[i]);
  }
  for (int i = 1; i < N; i++) /* insertion sort is fine for a test */
    for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
      double t = x[j];
      x[j] = x[j - 1];
      x[j - 1] = t;
    }
  double qs[] = {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999};
  for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
    double exact = x[(size_t)ceil(qs[k] * N) - 1];
    assert_close(sim_hist_quantile(&h, qs[k]), exact, exact / 1024.0);
  }
  assert_true(sim_hist_quantile(&h, 0) == x[0]);
  assert_true(sim_hist_quantile(&h, 1) == x[N - 1]);
  sim_hist_add(&h, 0.0);
  assert_true(sim_hist_quantile(&h, 0) == 0.0);
  sim_hist_free(&h);
  gsl_rng_free(rng);
}

static void test_validate(void **state) {
  (void)state;
  sim_load_station st = {"s", 0, 0};
  sim_load_stage sg = {SIM_LOAD_STATION, 0, 1.0, 0, 0};
  sim_load_route rt = {1, &sg};
  sim_load_group g = {1, SIM_LOAD_POISSON, 1, 0, INFINITY, 1, &rt};
  sim_load_config cf = {1,  &st, 0, NULL, 1, &g, SIM_LOAD_DETERMINISTIC,
                        10, 0,   0, 0,    1, 0};
  ss_error e;
  assert_int_equal(sim_load_validate(&cf, &e), -1);
  assert_non_null(strstr(e.msg, "servers must be >= 1"));
  st.servers = 1;
  g.rate_hz = 0;
  assert_int_equal(sim_load_validate(&cf, &e), -1);
  g.rate_hz = 1;
  g.deadline_s = 0;
  assert_int_equal(sim_load_validate(&cf, &e), -1);
  g.deadline_s = 1;
  sg.resource = 3;
  assert_int_equal(sim_load_validate(&cf, &e), -1);
  sg.resource = 0;
  assert_int_equal(sim_load_validate(&cf, &e), 0);
  cf.duration_s = NAN;
  assert_int_equal(sim_load_validate(&cf, &e), -1);
  assert_non_null(strstr(e.msg, "duration_s"));
  cf.duration_s = -1;
  assert_int_equal(sim_load_validate(&cf, &e), -1);
  cf.requests = 0; /* neither requests nor a duration */
  cf.duration_s = 0;
  assert_int_equal(sim_load_validate(&cf, &e), -1);
  cf.duration_s = 5; /* a duration alone is enough */
  assert_int_equal(sim_load_validate(&cf, &e), 0);
}

/* duration_s: the window is exactly that long, whatever the requests, and a
 * periodic client with no jitter completes exactly duration x rate requests
 * in it (duration chosen between two completions). */
static void test_duration_window(void **state) {
  (void)state;
  sim_load_station st = {"s", 1, 0};
  sim_load_stage sg = {SIM_LOAD_STATION, 0, 0.01, 0, 0};
  sim_load_route rt = {1, &sg};
  sim_load_group g = {1, SIM_LOAD_PERIODIC, 10, 0, INFINITY, 1, &rt};
  sim_load_config cf = {1, &st, 0, NULL, 1, &g, SIM_LOAD_DETERMINISTIC,
                        0, 5,   0, 0,    3, 0};
  cf.duration_s = 2.05;
  ss_error e;
  sim_load_result *r = sim_load_result_new(&cf, &e);
  assert_non_null(r);
  assert_int_equal(sim_load_run(&cf, 0, r, &e), 0);
  assert_int_equal(r->stop, SIM_LOAD_DONE);
  assert_true(r->window_s == 2.05);
  assert_int_equal(r->groups[0].completed, 20);
  /* busy 0.01 s per request served in the window: 20 or 21 services */
  assert_true(r->stations[0].busy_s > 0.199 && r->stations[0].busy_s < 0.211);
  /* Poisson at 50 Hz for 200 s: about 10000 completions (5 sigma: 7%). */
  g.arrival = SIM_LOAD_POISSON;
  g.rate_hz = 50;
  cf.duration_s = 200;
  assert_int_equal(sim_load_run(&cf, 1, r, &e), 0);
  assert_true(r->window_s == 200);
  assert_true(fabs((double)r->groups[0].completed - 10000) < 700);
  sim_load_result_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hist_quantiles),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_duration_window),
      cmocka_unit_test(test_vanishing_load),
      cmocka_unit_test(test_queue_limit_drops),
      cmocka_unit_test(test_unstable_capped),
      cmocka_unit_test(test_deterministic_streams),
      cmocka_unit_test(test_adaptive_balances),
      cmocka_unit_test(test_little_tandem),
      cmocka_unit_test(test_mm1_percentiles),
      cmocka_unit_test(test_md1),
      cmocka_unit_test(test_mmc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
