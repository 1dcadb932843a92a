/* Every bad-input fixture in tests/fixtures/studies/ is refused with the
 * expected `file:line:col: error: message`: at load time (the scenario
 * loader) or, for names only the profiles can check, when the studies run
 * on the toy profiles of tests/unit/test_study_toy.h. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <dirent.h>

#include "tests/unit/test_study_toy.h"

#define FIX "tests/fixtures/studies/"

typedef struct bad_case {
  const char *file;  /* fixture name */
  int at_run;        /* 1: found when the studies run */
  const char *other; /* the file the error names, when not the fixture */
  const char *where; /* "line:col", "line" or "" */
  const char *msg;   /* start of the message */
} bad_case;

static const bad_case cases[] = {
    {"baseline_duplicate.yaml", 0, NULL, "9:28",
     "purchase.baseline.device: system 'dev' is listed twice"},
    {"baseline_no_device.yaml", 0, NULL, "9:13",
     "purchase.baseline: tier 'device' (the data source) needs at "
     "least one system"},
    {"baseline_unknown_system.yaml", 1, NULL, "9:37",
     "unknown system 'c9': the embedded default store has no such "
     "system (known systems: dev, e1, c1, e2)"},
    {"block_sigma_negative.yaml", 0, NULL, "9:16",
     "uncertainty.block_sigma must be >= 0, got -0.1"},
    {"block_times_unknown.yaml", 0, NULL, "9:16",
     "uncertainty.block_times: unknown mode 'measured' (valid: "
     "fixed, profile, samples)"},
    {"budget_too_many.yaml", 0, NULL, "9:11",
     "purchase.budget: more than 200000 option sets are "
     "affordable; lower the budget or drop options"},
    {"deadline_no_units.yaml", 0, NULL, "9:3",
     "uncertainty.deadline: a deadline needs its unit in the key: "
     "write deadline_ms: <milliseconds>"},
    {"deadline_seconds.yaml", 0, NULL, "9:3",
     "uncertainty.deadline_s: a deadline needs its unit in the "
     "key: write deadline_ms: <milliseconds>"},
    {"deadline_text.yaml", 0, NULL, "9:16",
     "uncertainty.deadline_ms: expected a number, got '500ms'"},
    {"deadline_zero.yaml", 0, NULL, "9:16",
     "uncertainty.deadline_ms must be > 0, got 0"},
    {"dist_missing.yaml", 0, NULL, "10:39",
     "uncertainty.params.links.device-edge.bandwidth_mbps: "
     "missing 'dist' (normal, lognormal, uniform or trace)"},
    {"dist_missing_key.yaml", 0, NULL, "10:39",
     "uncertainty.params.links.device-edge.bandwidth_mbps: a "
     "normal distribution needs 'sd'"},
    {"dist_wrong_key.yaml", 0, NULL, "10:54",
     "uncertainty.params.links.device-edge.bandwidth_mbps: "
     "'median' does not apply to a normal distribution (it"},
    {"distribution_typo.yaml", 0, NULL, "10:46",
     "uncertainty.params.links.device-edge.bandwidth_mbps: "
     "unknown distribution 'lognormel'; did you mean"},
    {"lognormal_zero_median.yaml", 0, NULL, "10:61",
     "uncertainty.params.links.device-edge.latency_ms.median must "
     "be > 0, got 0"},
    {"negative_price.yaml", 0, NULL, "10:48",
     "purchase.options.A.price must be >= 0, got -5"},
    {"normal_bad_mean.yaml", 0, NULL, "10:60",
     "uncertainty.params.links.device-edge.bandwidth_mbps.mean: "
     "bandwidth_mbps must be > 0, got 0"},
    {"normal_negative_sd.yaml", 0, NULL, "10:63",
     "uncertainty.params.links.device-edge.latency_ms.sd must be "
     ">= 0, got -1"},
    {"option_duplicate_name.yaml", 0, NULL, "11:14",
     "purchase.options: name 'A' is used twice (first at 10:7)"},
    {"option_missing_price.yaml", 0, NULL, "10:7",
     "purchase.options item 1: missing 'price' (an option needs "
     "name, tier, system and price)"},
    {"option_no_link.yaml", 1, NULL, "9:38",
     "purchase option 'B': no link from 'dev' (device) to 'e2' "
     "(cloud): latency_ms and bandwidth_mbps not set; add"},
    {"option_plus_name.yaml", 0, NULL, "10:14",
     "purchase.options: name 'A+B' contains '+', which joins the "
     "names of combined options"},
    {"option_unknown_key.yaml", 0, NULL, "10:51",
     "unknown key 'yearly' in purchase.options item 1; did you "
     "mean 'yearly_cost'?"},
    {"option_unknown_system.yaml", 1, NULL, "10:37",
     "unknown system 'e9': the embedded default store has no such "
     "system (known systems: dev, e1, c1, e2)"},
    {"option_unknown_tier.yaml", 0, NULL, "10:23",
     "purchase.options.A: unknown tier 'egde'; did you mean "
     "'edge'? (tiers: device, edge, cloud)"},
    {"purchase_no_options.yaml", 0, NULL, "8:1",
     "purchase: missing 'options' (a list of {name, tier, system, "
     "price} to compare)"},
    {"purchase_unknown_key.yaml", 0, NULL, "9:3",
     "unknown key 'budjet' in purchase; did you mean 'budget'?"},
    {"range_pct_100.yaml", 0, NULL, "8:26",
     "sensitivity.range_pct: the move in percent must be in (0, "
     "100), got 100"},
    {"samples_too_many_kept.yaml", 0, NULL, "8:1",
     "uncertainty: samples x (2 top_k + 1) = 2010000000 is more "
     "than the limit of 20000000 kept values; lower"},
    {"samples_zero.yaml", 0, NULL, "9:12",
     "uncertainty.samples: must be between 1 and 10000000, got 0"},
    {"scale_negative.yaml", 0, NULL, "10:58",
     "purchase.options.A.scale: scale multiplies the block times "
     "and must be > 0, got -0.5"},
    {"scale_zero.yaml", 0, NULL, "10:58",
     "purchase.options.A.scale: scale multiplies the block times "
     "and must be > 0, got 0"},
    {"sensitivity_bad_param.yaml", 0, NULL, "8:24",
     "sensitivity.params: 'constraints.min_blocks.device' cannot "
     "be moved (only link latency and bandwidth,"},
    {"sensitivity_no_value.yaml", 1, NULL, "8:24",
     "sensitivity.params: 'links.e1-c1.latency_ms' has no value "
     "in the scenario to move (set it under links:, or"},
    {"sensitivity_not_bool.yaml", 0, NULL, "8:14",
     "sensitivity: expected true or false, got 'yes'"},
    {"trace_bad_value.yaml", 0, "traces/bad-value.txt", "3",
     "trace for links.device-edge.bandwidth_mbps: expected one "
     "number per line, got 'fast'"},
    {"trace_empty.yaml", 0, "traces/empty.txt", "",
     "trace for links.device-edge.bandwidth_mbps holds no values "
     "(one number per line)"},
    {"trace_missing.yaml", 0, NULL, "10:59",
     "uncertainty.params.links.device-edge.bandwidth_mbps: trace "
     "file 'no-such-trace.txt' not found (relative paths"},
    {"trace_negative.yaml", 0, "traces/negative.txt", "3",
     "trace for links.device-edge.bandwidth_mbps: bandwidth_mbps "
     "must be > 0, got -1"},
    {"uncertain_input.yaml", 0, NULL, "10:5",
     "uncertainty.params: 'input_mb' cannot be uncertain (only "
     "links.<pair>.latency_ms, links.<pair>.bandwidth_mbps"},
    {"uncertain_twice.yaml", 0, NULL, "11:5",
     "uncertainty.params: 'links.edge-device.latency_ms' is the "
     "same parameter as 'links.device-edge.latency_ms'"},
    {"uncertain_unknown_path.yaml", 0, NULL, "10:5",
     "unknown parameter path 'link.device-edge.latency_ms'; did "
     "you mean 'links.device-edge.latency_ms'? (valid"},
    {"uncertainty_unknown_key.yaml", 0, NULL, "9:3",
     "unknown key 'seeds' in uncertainty; did you mean 'seed'?"},
    {"uniform_out_of_range.yaml", 0, NULL, "10:53",
     "uncertainty.params.availability.e1.max: availability must "
     "be in (0, 1], got 1.5"},
    {"uniform_reversed.yaml", 0, NULL, "10:60",
     "uncertainty.params.links.device-edge.bandwidth_mbps: min 5 "
     "is greater than max 1"},
    {"unknown_distribution.yaml", 0, NULL, "10:46",
     "uncertainty.params.links.device-edge.bandwidth_mbps: "
     "unknown distribution 'gaussian' (valid: normal,"},
    {"workload_negative.yaml", 0, NULL, "10:17",
     "purchase.workload.a must be >= 0, got -1"},
    {"workload_unknown_model.yaml", 0, NULL, "10:20",
     "purchase.workload: model 'c' is not in models: (add it "
     "there or write models: all)"},
    {"workload_unprofiled.yaml", 1, NULL, "10:14",
     "model 'zz' is not profiled on system 'dev'"},
    {"workload_zero.yaml", 0, NULL, "10:13",
     "purchase.workload: the weights sum to 0; give at least one "
     "model a weight > 0"},
    {"years_zero.yaml", 0, NULL, "10:10", "purchase.years must be > 0, got 0"},
};

#define N_CASES (sizeof cases / sizeof *cases)

static void check_case(const bad_case *c) {
  char path[512], line[4096], want[2048];
  snprintf(path, sizeof path, FIX "%s", c->file);
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  int rc = scn_load(path, &s, &err);
  if (c->at_run) {
    if (rc != 0) {
      ss_error_format(&err, line, sizeof line);
      fail_msg("%s: should load, got: %s", c->file, line);
    }
    prof_set *set = toy_study_set();
    sim_engine *e = toy_engine(s, set);
    char *dir = toy_dir();
    rc = sim_write_studies(e, s, set, dir, NULL, &err);
    toy_rmdir(dir);
    free(dir);
    sim_engine_free(e);
    prof_set_free(set);
    scn_free(s);
    if (rc == 0)
      fail_msg("%s: the studies should fail", c->file);
  } else if (rc == 0) {
    scn_free(s);
    fail_msg("%s: should be refused", c->file);
  }
  ss_error_format(&err, line, sizeof line);
  if (c->other)
    snprintf(path, sizeof path, FIX "%s", c->other);
  snprintf(want, sizeof want, "%s%s%s: error: %s", path, c->where[0] ? ":" : "",
           c->where, c->msg);
  if (strncmp(line, want, strlen(want)) != 0)
    fail_msg("%s:\n  got  %s\n  want %s...", c->file, line, want);
}

static void test_fixtures(void **state) {
  (void)state;
  for (size_t i = 0; i < N_CASES; i++)
    check_case(&cases[i]);
}

/* Every fixture file has a case (a new fixture cannot be forgotten). */
static void test_all_listed(void **state) {
  (void)state;
  DIR *d = opendir(FIX);
  assert_non_null(d);
  struct dirent *de;
  size_t n = 0;
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
      continue;
    n++;
    size_t i = 0;
    while (i < N_CASES && strcmp(cases[i].file, de->d_name) != 0)
      i++;
    if (i == N_CASES)
      fail_msg("fixture %s has no case in test_study_errors.c", de->d_name);
  }
  closedir(d);
  assert_int_equal(n, N_CASES);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixtures),
      cmocka_unit_test(test_all_listed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
