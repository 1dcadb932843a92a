/* The report's headline (plots/plot_findings.c, plot_place.c) and the
 * chart of purchase_sweep.csv (plot_chart_purchase_sweep.c) on a
 * hand-written output folder: the decision rule per model in short
 * placements ("Device 0-3 + Edge(e1) 4-6 + ..."), read from best.csv's
 * per-tier columns, and from the text for a placement only breakpoints.csv
 * names (system names with ", " and parentheses); the purchasing,
 * sensitivity and robustness sentences computed by hand from their tables;
 * and which option the purchase chart shades where, on the reference line
 * only. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <unistd.h>

#include "common/ss_io.h"
#include "plots/plot_internal.h"
#include "plots/plot_script.h"
#include "plots/plots.h"
#include "sim/sim.h"

#define A_                                                                     \
  "\"Device(dev) = 0 - 9, Edge(None) = -1 - -1, Cloud(None) = -1 - -1\""
#define A_T "dev,0,9,,-1,-1,,-1,-1"
#define B_                                                                     \
  "\"Device(dev) = 0 - 3, Edge(e1) = 4 - 6, Cloud(6700k(GPU)) = 7 - 9\""
#define B_T "dev,0,3,e1,4,6,6700k(GPU),7,9"
#define D_ "\"Device(dev) = -1 - -1, Edge(e2) = 0 - 9, Cloud(None) = -1 - -1\""
#define D_T ",-1,-1,e2,0,9,,-1,-1"
#define M2_                                                                    \
  "\"Device(dev) = -1 - -1, Edge(None) = -1 - -1, Cloud(a, b) = 0 - 4\""
#define M2_T ",-1,-1,,-1,-1,\"a, b\",0,4"

/* Two axes: the device-edge bandwidth (10, 20, 40; the decision axis) and
 * the device-edge latency (5: the reference line, point 0's; and 50). */
static const char BEST[] =
    "point,links.device-edge.bandwidth_mbps,links.device-edge.latency_ms,"
    "model,placement,system.device,first_layer.device,last_layer.device,"
    "system.edge,first_layer.edge,last_layer.edge,system.cloud,"
    "first_layer.cloud,last_layer.cloud,latency_s,compute_s.device,"
    "compute_s.edge,compute_s.cloud,objective\n"
    "0,10,5,m1," A_ "," A_T ",1.0,1.0,0,0,1.0\n"
    "0,10,5,m2," M2_ "," M2_T ",0.5,0,0,0.5,0.5\n"
    "1,20,5,m1," B_ "," B_T ",0.8,0.3,0.3,0.2,0.8\n"
    "1,20,5,m2," M2_ "," M2_T ",0.5,0,0,0.5,0.5\n"
    "2,40,5,m1," D_ "," D_T ",0.6,0,0.6,0,0.6\n"
    "2,40,5,m2," M2_ "," M2_T ",0.5,0,0,0.5,0.5\n"
    "3,10,50,m1," A_ "," A_T ",1.0,1.0,0,0,1.0\n"
    "3,10,50,m2," M2_ "," M2_T ",0.5,0,0,0.5,0.5\n"
    "4,20,50,m1," A_ "," A_T ",1.0,1.0,0,0,1.0\n"
    "4,20,50,m2," M2_ "," M2_T ",0.5,0,0,0.5,0.5\n"
    "5,40,50,m1," A_ "," A_T ",1.0,1.0,0,0,1.0\n"
    "5,40,50,m2," M2_ "," M2_T ",0.5,0,0,0.5,0.5\n";

/* C lies between grid points: only breakpoints.csv names it. The row on
 * the latency-50 line is not on the reference line. */
#define C_                                                                     \
  "\"Device(dev) = 0 - 1, Edge(e1) = 2 - 6, Cloud(6700k(GPU)) = 7 - 9\""
static const char BREAKS[] =
    "model,axis,fixed,value,exact,placement_before,placement_after,"
    "objective_at_value\n"
    "m1,links.device-edge.bandwidth_mbps,links.device-edge.latency_ms=5.0,"
    "12.5,1," A_ "," C_ ",1.0\n"
    "m1,links.device-edge.bandwidth_mbps,links.device-edge.latency_ms=5.0,"
    "15,1," C_ "," B_ ",0.9\n"
    "m1,links.device-edge.bandwidth_mbps,links.device-edge.latency_ms=5.0,"
    "30,1," B_ "," D_ ",0.7\n"
    "m1,links.device-edge.bandwidth_mbps,links.device-edge.latency_ms=50.0,"
    "33,1," A_ "," B_ ",1.0\n";

static const char PURCHASE[] =
    "option,n_options,price,yearly_cost,horizon_years,tco,weighted_latency_s,"
    "gain_s,gain_pct,gain_per_tco,pareto,sweep_points,points_fastest,"
    "mean_gain_s,mean_gain_pct\n"
    "baseline,0,0,0,3,0,1.0,0,0,,1,6,1,0,0\n"
    "fast,1,100,0,3,100,0.8,0.2,20,0.002,1,6,2,0.1,10\n"
    "slow,1,50,0,3,50,0.99,0.01,1,0.0002,1,6,3,0.005,0.5\n";

static const char SENS[] =
    "parameter,base,low_value,high_value,best_low_s,best_base_s,best_high_s,"
    "effect_s\n"
    "links.device-cloud.bandwidth_mbps,10,5,15,1.5,1.0,0.5,1.0\n"
    "input_mb,0.15,0.075,0.225,0.9,1.0,1.1,0.2\n"
    "availability.dev,1,0.5,1,1.0,1.0,1.0,0\n";

static const char ROBUST[] =
    "model,rank,placement,nominal_latency_s,nominal_best,mean_latency_s,"
    "p95_latency_s,p_meet_deadline,robust\n"
    "m1,1," B_ ",0.85,0,0.86,0.9,0.99,1\n"
    "m1,2," A_ ",0.8,1,0.95,1.2,0.9,0\n"
    "m2,1," M2_ ",0.5,1,0.5,0.5,1,1\n";

/* On the reference line (latency 5): baseline fastest at 10, fast at 20
 * and 40; on the other line slow is fastest everywhere (not drawn). */
static const char PSWEEP[] =
    "point,links.device-edge.bandwidth_mbps,links.device-edge.latency_ms,"
    "option,price,tco,weighted_latency_s,gain_s,gain_pct,gain_per_tco,"
    "weighted_throughput_per_s,pareto,fastest,best_value,estimated\n"
    "0,10,5,baseline,0,0,1.0,0,0,,1,1,1,0,0\n"
    "0,10,5,fast,100,100,1.1,-0.1,-10,,1,0,0,0,0\n"
    "0,10,5,slow,50,50,1.05,-0.05,-5,,1,0,0,0,0\n"
    "1,20,5,baseline,0,0,1.0,0,0,,1,1,0,0,0\n"
    "1,20,5,fast,100,100,0.8,0.2,20,0.002,1,1,1,1,0\n"
    "1,20,5,slow,50,50,0.9,0.1,10,0.002,1,1,0,0,0\n"
    "2,40,5,baseline,0,0,1.0,0,0,,1,1,0,0,0\n"
    "2,40,5,fast,100,100,0.6,0.4,40,0.004,1,1,1,1,0\n"
    "2,40,5,slow,50,50,0.9,0.1,10,0.002,1,1,0,0,0\n"
    "3,10,50,baseline,0,0,1.0,0,0,,1,1,0,0,0\n"
    "3,10,50,fast,100,100,1.0,0,0,0,1,0,0,0,0\n"
    "3,10,50,slow,50,50,0.5,0.5,50,0.01,1,1,1,1,0\n"
    "4,20,50,baseline,0,0,1.0,0,0,,1,1,0,0,0\n"
    "4,20,50,fast,100,100,1.0,0,0,0,1,0,0,0,0\n"
    "4,20,50,slow,50,50,0.5,0.5,50,0.01,1,1,1,1,0\n"
    "5,40,50,baseline,0,0,1.0,0,0,,1,1,0,0,0\n"
    "5,40,50,fast,100,100,1.0,0,0,0,1,0,0,0,0\n"
    "5,40,50,slow,50,50,0.5,0.5,50,0.01,1,1,1,1,0\n";

static void put(const char *dir, const char *name, const char *text) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  fputs(text, fp);
  assert_int_equal(fclose(fp), 0);
}

static char *get(const char *dir, const char *name) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *t = ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
  if (!t)
    fail_msg("cannot read %s", path);
  return t;
}

static char *fixture(void) {
  char *dir = strdup("/tmp/test_findings_XXXXXX");
  assert_non_null(dir);
  assert_non_null(mkdtemp(dir));
  put(dir, "best.csv", BEST);
  put(dir, "breakpoints.csv", BREAKS);
  put(dir, "purchase.csv", PURCHASE);
  put(dir, "sensitivity.csv", SENS);
  put(dir, "robust.csv", ROBUST);
  put(dir, "purchase_sweep.csv", PSWEEP);
  return dir;
}

static void load(plot_data *d, const char *dir) {
  ss_error err;
  if (plot_data_load(d, dir, PLOT_POINT_AUTO, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
}

static void expect(char *got, const char *want) {
  assert_non_null(got);
  if (strcmp(got, want) != 0)
    fail_msg("got:  %s\nwant: %s", got, want);
  free(got);
}

/* Short placements: only the tiers used, "first-last"; the edge and cloud
 * tiers name their system (two systems each over the placements), the
 * device tier does not (one). */
static void test_rules(void **state) {
  (void)state;
  char *dir = fixture();
  plot_data d;
  load(&d, dir);
  assert_int_equal(plot_decision_axis(&d), 0);
  expect(plot_rule_text(&d, 0),
         "m1: Device 0-9 below 12.5 Mbps; Device 0-1 + Edge(e1) 2-6 + "
         "Cloud(6700k(GPU)) 7-9 from 12.5 to 15 Mbps; Device 0-3 + Edge(e1) "
         "4-6 + Cloud(6700k(GPU)) 7-9 from 15 to 30 Mbps; Edge(e2) 0-9 above "
         "30 Mbps");
  expect(plot_rule_text(&d, 1), "m2: Cloud(a, b) 0-4 all along");
  /* the per-tier form of a best.csv placement is best.csv's columns */
  plot_tier_range *r = plot_place_ranges(&d, &d.models[1], 0);
  assert_non_null(r);
  assert_string_equal(r[2].system, "a, b");
  assert_int_equal(r[2].used, 1);
  assert_int_equal(r[0].used, 0);
  plot_tier_ranges_free(r, d.n_tiers);
  char buf[200];
  plot_place_title(&d.models[0], 1, buf, sizeof buf);
  assert_string_equal(buf, "B: Device 0-3 + Edge(e1) 4-6 + "
                           "Cloud(6700k(GPU)) 7-9");
  plot_data_free(&d);
  sim_remove_tree(dir, NULL);
  free(dir);
}

static void test_recommendations(void **state) {
  (void)state;
  char *dir = fixture();
  plot_data d;
  load(&d, dir);
  /* fast: the best gain per tco among the options gaining >= 1% */
  expect(plot_purchase_text(&d),
         "Purchasing: buy fast: 20% lower weighted latency (0.2 s) at the "
         "reference point for a 3-year cost of ownership of 100. Across the "
         "6 sweep points, what you have is the fastest at 1; of the "
         "purchases, slow is the fastest at 3 (mean gain over the sweep "
         "0.5%).");
  /* 1.0 s / 0.2 s = 5 times the next and the largest purchase gain */
  expect(plot_sensitivity_text(&d),
         "Sensitivity: the \xC2\xB1"
         "50% swing of device-cloud bandwidth (Mbps) moves the weighted best "
         "latency most, by 1 s (1.5 s to 0.5 s), 5 times the next (model "
         "input size (MB), 0.2 s) and 5 times the gain of any purchase (0.2 "
         "s); 1 of 3 parameters do not move it.");
  expect(plot_robust_text(&d),
         "Robustness: for m1 prefer Device 0-3 + Edge(e1) 4-6 + "
         "Cloud(6700k(GPU)) 7-9: p95 0.9 s instead of 1.2 s, meets the "
         "deadline in 99% of samples instead of 90%. For the other 1 of 2 "
         "models the optimum at the reference point is also the robust "
         "choice.");
  plot_data_free(&d);
  /* without the studies: no sentences */
  put(dir, "sensitivity.csv", "parameter,effect_s\n");
  char path[600];
  snprintf(path, sizeof path, "%s/robust.csv", dir);
  unlink(path);
  load(&d, dir);
  assert_null(plot_sensitivity_text(&d));
  assert_null(plot_robust_text(&d));
  plot_data_free(&d);
  sim_remove_tree(dir, NULL);
  free(dir);
}

/* The purchase chart: the reference line's fastest options, shaded
 * half-way between points (linear axis: 10 | 15 | 40), the legend's counts
 * from purchase.csv; "slow" (fastest only off the line) is not drawn. The
 * report shows it in the purchasing section with the recommendations. */
static void test_purchase_sweep_chart(void **state) {
  (void)state;
  char *dir = fixture();
  plot_options opt;
  plot_options_init(&opt);
  opt.no_render = 1;
  ss_error err;
  if (plot_scenario_outputs(dir, &opt, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  char *dat = get(dir, "charts/purchase-sweep.dat");
  const char *body = strchr(dat, '\n') + 1;
  assert_string_equal(body,
                      "10 1\n20 1\n40 1\n\n\n10 1.1\n20 0.8\n40 0.6\n\n\n");
  free(dat);
  char *gp = get(dir, "charts/purchase-sweep.gp");
  assert_non_null(strstr(gp, "set object 1 rect from first 10, graph 0 to "
                             "first 15, graph 1"));
  assert_non_null(strstr(gp, "set label 1 'A' at first 12.5,"));
  assert_non_null(strstr(gp, "set object 2 rect from first 15, graph 0 to "
                             "first 40, graph 1"));
  assert_non_null(strstr(gp, "set label 2 'B' at first 27.5,"));
  assert_null(strstr(gp, "set object 3 "));
  assert_non_null(strstr(gp, "'A: baseline (fastest at 1 of 6 sweep points)'"));
  assert_non_null(strstr(gp, "'B: fast (fastest at 2 of 6 sweep points)'"));
  assert_null(strstr(gp, "slow"));
  assert_non_null(strstr(gp, "at the reference point: device-edge latency "
                             "(ms) = 5"));
  assert_non_null(strstr(gp, "set yrange [0:"));
  free(gp);
  char *md = get(dir, "report.md");
  char *rules = strstr(md, "- m1: Device 0-9 below 12.5 Mbps;");
  char *purchase = strstr(md, "Purchasing: buy fast");
  char *sens = strstr(md, "Sensitivity: the ");
  char *rob = strstr(md, "Robustness: for m1");
  char *contents = strstr(md, "Contents: [Findings](#findings)");
  char *charts = strstr(md, "\n## Charts\n");
  char *section = strstr(md, "### Purchasing study");
  char *left_out = strstr(md, "### Charts left out (");
  char *tables = strstr(md, "\n## Tables\n");
  assert_non_null(rules);
  assert_true(purchase > rules && sens > purchase && rob > sens);
  /* report.md: the findings, the contents, the charts, then what was
   * left out, then the tables */
  assert_true(contents > rob && charts > contents && section > charts);
  assert_true(left_out > section && tables > left_out);
  /* the letters: short form and full text (C, only in breakpoints.csv,
   * comes after the three of best.csv) */
  assert_non_null(strstr(md, "| m1 | D | Device 0-1 + Edge(e1) 2-6 + "
                             "Cloud(6700k(GPU)) 7-9 | Device(dev) = 0 - 1, "
                             "Edge(e1) = 2 - 6, Cloud(6700k(GPU)) = 7 - 9 |"));
  char *pareto = strstr(section, "(charts/pareto.");
  char *sweep = strstr(section, "(charts/purchase-sweep.");
  assert_true(pareto && sweep && sweep > pareto);
  free(md);
  sim_remove_tree(dir, NULL);
  free(dir);
}

/* A purchase_sweep.csv without its columns fails with the file and
 * column named. */
static void test_purchase_sweep_bad(void **state) {
  (void)state;
  char *dir = fixture();
  put(dir, "purchase_sweep.csv",
      "point,links.device-edge.bandwidth_mbps,links.device-edge.latency_ms,"
      "option,weighted_latency_s\n0,10,5,baseline,1\n");
  plot_options opt;
  plot_options_init(&opt);
  opt.no_render = 1;
  ss_error err;
  assert_int_equal(plot_charts(dir, &opt, NULL, &err), -1);
  assert_non_null(strstr(err.file, "purchase_sweep.csv"));
  assert_non_null(strstr(err.msg, "missing column 'fastest'"));
  sim_remove_tree(dir, NULL);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rules),
      cmocka_unit_test(test_recommendations),
      cmocka_unit_test(test_purchase_sweep_chart),
      cmocka_unit_test(test_purchase_sweep_bad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
