/* The one cost-model builder (sim/sim_problem.h): unit conversion, link
 * parameter merging, block tables, problems, and the per-stage costs of
 * every placement against the solver's own evaluation and a hand-computed
 * closed form.
 *
 * Toy model: 3 blocks; device 1 s per block, edge 0.5 s, cloud 0.1 s;
 * block outputs 4e6, 1e6, 1e3 bytes; input 8e6 bytes. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include "common/ss_units.h"
#include "sim/sim_problem.h"

static prof_block BLK[3][3];
static prof_model MOD[3];

static void toy_models(void) {
  const double t[3] = {1, 0.5, 0.1};
  const int64_t bytes[3] = {4000000, 1000000, 1000};
  for (int s = 0; s < 3; s++) {
    memset(&MOD[s], 0, sizeof MOD[s]);
    MOD[s].name = (char *)"toy";
    MOD[s].input_bytes = s == 0 ? -1 : 8000000;
    MOD[s].n_blocks = 3;
    MOD[s].blocks = BLK[s];
    for (int b = 0; b < 3; b++) {
      memset(&BLK[s][b], 0, sizeof BLK[s][b]);
      BLK[s][b].first_layer = 10 * b;
      BLK[s][b].last_layer = 10 * b + 9;
      BLK[s][b].time_s = t[s];
      BLK[s][b].output_bytes = bytes[b];
    }
  }
}

static void test_units(void **state) {
  (void)state;
  assert_true(ss_mbps_to_bytes_per_s(8) == 1e6);
  assert_true(ss_ms_to_s(250) == 0.25);
  assert_true(ss_mb_to_bytes(0.15) == 0.15 * 1e6);
  assert_true(ss_scission_mb_to_bytes(0.15) == 0.15 * 1000 * 1000);
  assert_true(ss_bytes_to_mb(2.5e6) == 2.5);
  assert_true(isnan(ss_mbps_to_bytes_per_s(NAN)));
}

static void test_link_params(void **state) {
  (void)state;
  sim_link_spec l = sim_link_unset();
  assert_string_equal(sim_link_missing(&l), "latency_ms and bandwidth_mbps");
  solver_link c = sim_link_cost(&l, 0);
  assert_true(isnan(c.latency_s) && isnan(c.bandwidth_bytes_per_s));
  prof_link row = {(char *)"a", (char *)"b", 20, 100};
  l = sim_link_of_row(&row);
  assert_null(sim_link_missing(&l));
  c = sim_link_cost(&l, 0);
  assert_true(c.latency_s == 0.02);
  assert_true(c.bandwidth_bytes_per_s == 12500000.0);
  /* a scenario link that sets only the bandwidth keeps the row's latency */
  scn_link sl;
  memset(&sl, 0, sizeof sl);
  sl.has_bandwidth_mbps = 1;
  sl.bandwidth_mbps = 8;
  sl.latency_ms = NAN;
  sim_link_spec over = sim_link_of_scenario(&sl);
  assert_string_equal(sim_link_missing(&over), "latency_ms");
  sim_link_overlay(&l, &over);
  assert_true(l.latency_ms == 20 && l.bandwidth_mbps == 8);
  /* Scission's rounding: whole bytes per second, half to even */
  l.bandwidth_mbps = 0.000012; /* 1.5 B/s */
  assert_true(sim_link_cost(&l, 1).bandwidth_bytes_per_s == 2);
  l.bandwidth_mbps = 0.00002; /* 2.5 B/s */
  assert_true(sim_link_cost(&l, 1).bandwidth_bytes_per_s == 2);
  assert_close(sim_link_cost(&l, 0).bandwidth_bytes_per_s, 2.5, 1e-9);
}

/* The opt-in calibration: overhead_ms adds to the latency, efficiency
 * scales the rate after Scission's rounding; unset (NaN) or 0 leave the
 * plain hop to the last bit. */
static void test_link_calibration(void **state) {
  (void)state;
  sim_link_spec l = sim_link_unset();
  l.latency_ms = 20;
  l.bandwidth_mbps = 100;
  solver_link plain = sim_link_cost(&l, 1);
  l.efficiency = 0;
  l.overhead_ms = 0;
  solver_link zero = sim_link_cost(&l, 1);
  assert_memory_equal(&plain, &zero, sizeof plain);
  l.efficiency = 0.95;
  l.overhead_ms = 1.5;
  solver_link c = sim_link_cost(&l, 1);
  assert_true(c.latency_s == 0.0215);
  assert_true(c.bandwidth_bytes_per_s == 12500000.0 * 0.95);
  assert_close(solver_hop_s(&c, 1e6), 0.0215 + 1e6 / 11875000.0, 1e-15);
  /* A scenario link carries them; the overlay keeps what it does not set. */
  scn_link sl;
  memset(&sl, 0, sizeof sl);
  sl.latency_ms = sl.bandwidth_mbps = sl.efficiency = sl.overhead_ms = NAN;
  sl.has_efficiency = 1;
  sl.efficiency = 0.9;
  sim_link_spec over = sim_link_of_scenario(&sl);
  assert_true(isnan(over.overhead_ms) && over.efficiency == 0.9);
  sim_link_overlay(&l, &over);
  assert_true(l.efficiency == 0.9 && l.overhead_ms == 1.5 &&
              l.latency_ms == 20 && l.bandwidth_mbps == 100);
}

static void test_network_either_direction(void **state) {
  (void)state;
  prof_link rows[1] = {{(char *)"edge1", (char *)"dev1", 5, 40}};
  prof_network net = {1, rows};
  sim_link_spec l = sim_link_of_network(&net, "dev1", "edge1");
  assert_true(l.latency_ms == 5 && l.bandwidth_mbps == 40);
  l = sim_link_of_network(&net, "dev1", "cloud1");
  assert_non_null(sim_link_missing(&l));
  l = sim_link_of_network(NULL, "dev1", "edge1");
  assert_non_null(sim_link_missing(&l));
}

static void test_blocks(void **state) {
  (void)state;
  toy_models();
  sim_blocks_source src[3] = {
      {"dev", &MOD[0], 1}, {"edg", &MOD[1], 2}, {"cld", &MOD[2], 1}};
  sim_blocks bl;
  ss_error err;
  assert_int_equal(sim_blocks_build("toy", src, 3, &bl, &err), 0);
  assert_int_equal(bl.n_blocks, 3);
  assert_true(bl.time_s[1 * 3 + 2] == 1.0); /* 0.5 s x scale 2 */
  assert_true(bl.output_bytes[0] == 4e6);
  assert_true(bl.profile_input_bytes == 8e6); /* first one recorded */
  assert_string_equal(bl.system[2], "cld");
  sim_blocks_free(&bl);
  sim_blocks_free(&bl); /* zeroed: a no-op */

  BLK[2][1].last_layer = 18;
  assert_int_equal(sim_blocks_build("toy", src, 3, &bl, &err), -1);
  assert_int_equal(err.kind, SS_ERR_FORMAT);
  assert_non_null(strstr(err.msg, "block 1 covers layers 10-19 on 'dev' but "
                                  "10-18 on 'cld'"));
  BLK[2][1].last_layer = 19;
  BLK[1][2].output_bytes = 7;
  assert_int_equal(sim_blocks_build("toy", src, 3, &bl, &err), -1);
  assert_non_null(strstr(err.msg, "block 2 outputs 1000 bytes on 'dev'"));
  BLK[1][2].output_bytes = 1000;
  MOD[1].n_blocks = 2;
  assert_int_equal(sim_blocks_build("toy", src, 3, &bl, &err), -1);
  assert_non_null(strstr(err.msg, "'dev' has 3 blocks but 'edg' has 2"));
  MOD[0].n_blocks = 0;
  assert_int_equal(sim_blocks_build("toy", src, 1, &bl, &err), -1);
  assert_non_null(strstr(err.msg, "has no blocks"));
}

/* device dev, edge edg, cloud cld; links dev-edg 8 Mbps 10 ms, dev-cld
 * 8 Mbps 50 ms, edg-cld 80 Mbps 5 ms; edge availability 0.5. */
static void toy_problem(sim_blocks *bl, sim_problem *pb, double result) {
  toy_models();
  sim_blocks_source src[3] = {
      {"dev", &MOD[0], 1}, {"edg", &MOD[1], 1}, {"cld", &MOD[2], 1}};
  ss_error err;
  assert_int_equal(sim_blocks_build("toy", src, 3, bl, &err), 0);
  static const size_t idx[3] = {0, 1, 2};
  sim_problem_spec sp = {
      bl,
      3,
      {{"device", 1, &idx[0]}, {"edge", 1, &idx[1]}, {"cloud", 1, &idx[2]}},
      0};
  assert_int_equal(sim_problem_build(&sp, pb, &err), 0);
  sim_link_spec de = {10, 8, NAN, NAN}, dc = {50, 8, NAN, NAN},
                ec = {5, 80, NAN, NAN};
  sim_problem_set_link(pb, 0, 1, &de);
  sim_problem_set_link(pb, 2, 0, &dc); /* either order */
  sim_problem_set_link(pb, 1, 2, &ec);
  sim_problem_set_availability(pb, 1, 0.5);
  sim_problem_set_bytes(pb, 8e6, result);
}

/* A stage's lognormal sigma from a hand-made profile's p10/p90: one block
 * gives back exactly p90 / p10 = e^(2 z90 sigma) (whatever the time scale);
 * a range sums the percentiles; an unprofiled block or system falls back. */
static void test_sigma_from_percentiles(void **state) {
  (void)state;
  toy_models();
  const double z90 = 1.2815515655446004;
  BLK[1][0].time_s_p10 = 0.4;
  BLK[1][0].time_s_p90 = 0.6;
  BLK[1][1].time_s_p10 = 0.3;
  BLK[1][1].time_s_p90 = 0.9;
  BLK[1][2].time_s_p10 = NAN;
  BLK[1][2].time_s_p90 = NAN;
  sim_blocks_source src[3] = {
      {"dev", &MOD[0], 1}, {"edg", &MOD[1], 2}, {"cld", &MOD[2], 1}};
  sim_blocks bl;
  ss_error err;
  assert_int_equal(sim_blocks_build("toy", src, 3, &bl, &err), 0);
  assert_true(bl.time_s_p10[1 * 3 + 0] == 0.8); /* x scale 2 */
  double s0 = sim_blocks_sigma_ln(&bl, 1, 0, 0, 0.1);
  assert_true(fabs(exp(2 * z90 * s0) - 0.6 / 0.4) <= 1e-12);
  assert_true(fabs(s0 - log(1.5) / (2 * z90)) <= 1e-15);
  double s01 = sim_blocks_sigma_ln(&bl, 1, 0, 1, 0.1);
  assert_true(fabs(s01 - log(1.5 / 0.7) / (2 * z90)) <= 1e-15);
  assert_true(sim_blocks_sigma_ln(&bl, 1, 0, 2, 0.1) == 0.1); /* b2: NaN */
  assert_true(sim_blocks_sigma_ln(&bl, 1, 2, 2, 0.25) == 0.25);
  assert_true(sim_blocks_sigma_ln(&bl, 0, 0, 0, 0.1) == 0.1); /* p10 0 */
  assert_true(sim_blocks_sigma_ln(&bl, 1, 1, 3, 0.1) == 0.1); /* range */
  BLK[1][1].time_s_p90 = 0.2; /* p90 < p10: not usable */
  sim_blocks_free(&bl);
  assert_int_equal(sim_blocks_build("toy", src, 3, &bl, &err), 0);
  assert_true(sim_blocks_sigma_ln(&bl, 1, 1, 1, 0.1) == 0.1);
  sim_blocks_free(&bl);
}

static void test_stages_closed_form(void **state) {
  (void)state;
  sim_blocks bl;
  sim_problem pb;
  toy_problem(&bl, &pb, 1e6);
  assert_int_equal(pb.n_total, 3);
  assert_true(pb.p.links[0 * 3 + 1].bandwidth_bytes_per_s == 1e6);
  assert_true(pb.p.links[1 * 3 + 0].latency_s == 0.01);
  /* device block 0, edge block 1, cloud block 2 */
  solver_placement pl = {{0, 0, 0}, {0, 1, 2}, {0, 1, 2}};
  sim_stages st;
  ss_error err;
  assert_int_equal(sim_problem_stages(&pb.p, &pl, &st, &err), 0);
  assert_int_equal(st.n, 6);
  sim_stage_kind kinds[6] = {SIM_STAGE_COMPUTE, SIM_STAGE_HOP,
                             SIM_STAGE_COMPUTE, SIM_STAGE_HOP,
                             SIM_STAGE_COMPUTE, SIM_STAGE_RETURN};
  for (int i = 0; i < 6; i++)
    assert_int_equal(st.stage[i].kind, kinds[i]);
  assert_close(st.stage[0].compute_s, 1.0, 0);
  assert_close(st.stage[2].compute_s, 1.0, 0); /* 0.5 s / availability 0.5 */
  assert_close(st.stage[2].availability, 0.5, 0);
  assert_close(st.stage[4].compute_s, 0.1, 0);
  assert_close(st.stage[1].bytes, 4e6, 0);
  assert_close(st.stage[1].latency_s, 0.01, 0);
  assert_close(st.stage[1].bandwidth_bytes_per_s, 1e6, 0);
  assert_close(st.stage[1].transfer_s, 4.01, 1e-15);
  assert_close(st.stage[3].bytes, 1e6, 0);
  assert_close(st.stage[3].transfer_s, 0.005 + 0.1, 1e-15);
  assert_int_equal(st.stage[5].from_tier, 2);
  assert_int_equal(st.stage[5].to_tier, 0);
  assert_close(st.stage[5].transfer_s, 0.05 + 1.0, 1e-15);
  assert_close(st.latency_s, 1 + 1 + 0.1 + 4.01 + 0.105 + 1.05, 1e-12);
  sim_problem_free(&pb);
  sim_blocks_free(&bl);
}

/* Every placement: the stages add up to the solver's latency, and the
 * raw input is what leaves a device that runs nothing. */
static void test_stages_every_placement(void **state) {
  (void)state;
  sim_blocks bl;
  sim_problem pb;
  toy_problem(&bl, &pb, 0);
  solver_result res[64];
  size_t n = 0;
  ss_error err;
  assert_int_equal(
      solver_top_k(&pb.p, NULL, SOLVER_OBJ_LATENCY, 64, res, &n, NULL, &err),
      0);
  assert_true(n > 8);
  for (size_t i = 0; i < n; i++) {
    sim_stages st;
    assert_int_equal(sim_problem_stages(&pb.p, &res[i].p, &st, &err), 0);
    double sum = 0;
    size_t hops = 0;
    for (size_t k = 0; k < st.n; k++) {
      const sim_stage *s = &st.stage[k];
      sum += s->kind == SIM_STAGE_COMPUTE ? s->compute_s : s->transfer_s;
      if (s->kind == SIM_STAGE_HOP) {
        assert_close(s->transfer_s,
                     s->latency_s + s->bytes / s->bandwidth_bytes_per_s, 0);
        if (hops == 0 && res[i].p.first[0] < 0)
          assert_close(s->bytes, 8e6, 0);
        hops++;
      }
      assert_int_not_equal(s->kind, SIM_STAGE_RETURN);
    }
    assert_int_equal(hops, (size_t)res[i].n_hops);
    assert_close(sum, res[i].latency_s, 1e-12 * res[i].latency_s);
    assert_close(st.latency_s, res[i].latency_s, 0);
  }
  /* a placement over a missing link fails like solver_evaluate */
  pb.links[0 * 3 + 2].bandwidth_bytes_per_s = NAN;
  solver_placement pl = {{0, -1, 0}, {-1, -1, 0}, {-1, -1, 2}};
  sim_stages st;
  assert_int_equal(sim_problem_stages(&pb.p, &pl, &st, &err), -1);
  sim_problem_free(&pb);
  sim_blocks_free(&bl);
}

static void test_scenario_input(void **state) {
  (void)state;
  scn_scenario s;
  memset(&s, 0, sizeof s);
  assert_true(sim_scenario_input_bytes(&s, 5) == 5);
  assert_true(sim_scenario_input_bytes(&s, -1) ==
              ss_mb_to_bytes(SCN_DEFAULT_INPUT_MB));
  s.input_mb_set = 1;
  s.input_mb = 2;
  assert_true(sim_scenario_input_bytes(&s, 5) == 2e6);
}

static void test_error_kinds(void **state) {
  (void)state;
  ss_error e;
  ss_error_clear(&e);
  assert_int_equal(ss_error_kind_of(&e), SS_ERR_NONE);
  assert_int_equal(ss_error_kind_of(NULL), SS_ERR_NONE);
  assert_int_equal(ss_error_oom(&e, "f.csv", "3"), -1);
  assert_int_equal(e.kind, SS_ERR_OOM);
  assert_string_equal(e.msg, "out of memory");
  assert_string_equal(e.file, "f.csv");
  ss_error_prefix(&e, "model '%s'", "x");
  assert_int_equal(e.kind, SS_ERR_OOM); /* context keeps the kind */
  ss_error_set(&e, NULL, NULL, "interrupted");
  assert_int_equal(e.kind, SS_ERR_FAILED); /* text is not a kind */
  ss_error_interrupted(&e);
  assert_int_equal(e.kind, SS_ERR_INTERRUPTED);
  ss_error_setk(&e, SS_ERR_IO, "a", NULL, "cannot read %s", "a");
  assert_int_equal(e.kind, SS_ERR_IO);
  assert_string_equal(e.msg, "cannot read a");
}

/* The objectives table: one row per objective, found by id and by name,
 * and its cost is the value, or the slowest stage for throughput. */
static void test_objective_table(void **state) {
  (void)state;
  assert_true(solver_n_objectives >= 4);
  assert_true(solver_n_objectives <= SOLVER_MAX_OBJECTIVES);
  solver_result r;
  memset(&r, 0, sizeof r);
  r.latency_s = 2;
  r.throughput_per_s = 4;
  r.total_bytes = 5;
  r.device_energy_j = 6;
  for (size_t i = 0; i < solver_n_objectives; i++) {
    const solver_objective_info *o = &solver_objectives[i];
    assert_ptr_equal(solver_objective_info_of(o->id), o);
    assert_ptr_equal(solver_objective_find(o->name), o);
    assert_non_null(strstr(o->label, o->unit));
    double v = o->value(&r), c = o->cost(&r);
    assert_close(c, o->maximise ? 1 / v : v, 0);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(solver_objectives[j].name, o->name);
  }
  assert_null(solver_objective_find("latency_ms"));
  assert_true(solver_objective_info_of(SOLVER_OBJ_THROUGHPUT)->maximise);
  assert_false(solver_objective_info_of(SOLVER_OBJ_THROUGHPUT)->additive);
  assert_string_equal(solver_objective_info_of(SOLVER_OBJ_DEVICE_ENERGY)->name,
                      "device_energy");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_units),
      cmocka_unit_test(test_link_params),
      cmocka_unit_test(test_link_calibration),
      cmocka_unit_test(test_network_either_direction),
      cmocka_unit_test(test_blocks),
      cmocka_unit_test(test_sigma_from_percentiles),
      cmocka_unit_test(test_stages_closed_form),
      cmocka_unit_test(test_stages_every_placement),
      cmocka_unit_test(test_scenario_input),
      cmocka_unit_test(test_error_kinds),
      cmocka_unit_test(test_objective_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
