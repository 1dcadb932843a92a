/* Every bad-input fixture in tests/fixtures/scenarios/ is refused with the
 * expected `file:line:col: error: message`. */
/* cmocka.h needs these four headers first. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <dirent.h>
#include <unistd.h>

#include "scenarios/scenario.h"

#define FIX "tests/fixtures/scenarios/"

typedef struct bad_case {
  const char *file;  /* fixture name */
  const char *where; /* "line:col" */
  const char *msg;   /* substring of the message */
} bad_case;

static const bad_case cases[] = {
    /* unknown keys, with the nearest valid one */
    {"unknown_key.yaml", "6:1",
     "unknown key 'objectiv'; did you mean 'objective'?"},
    {"unknown_link_field.yaml", "6:33",
     "unknown key 'bandwith_mbps' in links.device-edge; did you mean "
     "'bandwidth_mbps'?"},
    {"unknown_axis_key.yaml", "7:5",
     "unknown key 'valeus' in sweep item 1; did you mean 'values'?"},
    {"json_unknown_key.json", "3:3",
     "unknown key 'objectve'; did you mean 'objective'?"},
    /* wrong types */
    {"type_string_for_number.yaml", "5:11",
     "input_mb: expected a number, got 'fast'"},
    {"type_quoted_number.yaml", "6:49",
     "links.device-edge.bandwidth_mbps: expected a number, got the quoted "
     "text \"1.6\" (write numbers without quotes)"},
    {"type_list_for_mapping.yaml", "1:8",
     "tiers: expected a mapping (key: value), got a list"},
    {"type_mapping_for_number.yaml", "5:12",
     "result_mb: expected a number, got a mapping"},
    {"type_bool.yaml", "6:12",
     "constraints.privacy: expected true or false, got 'yes'"},
    {"type_whole_number.yaml", "5:8",
     "top_k: expected a whole number, got 2.5"},
    {"top_k_zero.yaml", "5:8", "top_k: must be between 1 and 1000000, got 0"},
    {"key_not_scalar.yaml", "6:3", "a key must be a name, not a list"},
    {"null_name.yaml", "2:20",
     "tiers.device: expected a name, got nothing (null)"},
    {"nul_in_name.yaml", "2:12", "text contains a NUL character"},
    {"bad_name.yaml", "1:7", "name '../escape' must not start with '.'"},
    /* empty and reversed ranges */
    {"range_n_zero.yaml", "7:22",
     "sweep input_mb linear: empty range: n must be at least 1, got 0"},
    {"range_n_fraction.yaml", "7:22",
     "n must be a whole number of values, got 2.5"},
    {"range_reversed.yaml", "7:14",
     "reversed range: from 10 is greater than to 1"},
    {"range_log_reversed.yaml", "7:11",
     "reversed range: from 1000 is greater than to 0.1"},
    {"range_log_zero.yaml", "7:11", "a log range needs from > 0, got 0"},
    {"range_empty.yaml", "7:13", "empty range: from and to are both 5"},
    {"range_n_one.yaml", "7:20", "n = 1 cannot span from 1 to 5"},
    {"range_wrong_length.yaml", "7:13",
     "expected [from, to, n], got a list of another length"},
    {"values_empty.yaml", "7:13",
     "sweep input_mb values: empty list of values"},
    {"axis_no_range.yaml", "6:5",
     "missing values: [...], linear: [from, to, n] or log: [from, to, n]"},
    {"axis_two_ranges.yaml", "8:5",
     "give only one of values, linear and log (already have 'values')"},
    {"axis_no_param.yaml", "6:5", "sweep item 1: missing 'param'"},
    {"axis_twice.yaml", "8:12",
     "'links.edge-device.latency_ms' is already swept by "
     "'links.device-edge.latency_ms' at 6:12"},
    /* zero / negative bandwidth and other out-of-range values */
    {"bandwidth_zero.yaml", "6:49", "bandwidth_mbps must be > 0, got 0"},
    {"bandwidth_negative_sweep.yaml", "7:21",
     "value 3: bandwidth_mbps must be > 0, got -1"},
    {"bandwidth_zero_linear.yaml", "7:14",
     "value 1: bandwidth_mbps must be > 0, got 0"},
    {"latency_negative.yaml", "6:28", "latency_ms must be >= 0, got -5"},
    {"efficiency_zero.yaml", "6:44",
     "links.device-edge.efficiency: must be in (0, 2], got 0"},
    {"efficiency_above_max.yaml", "6:29",
     "links.device-edge.efficiency: must be in (0, 2], got 2.5"},
    {"overhead_negative.yaml", "6:29",
     "links.edge-cloud.overhead_ms: must be >= 0, got -1"},
    {"overhead_nan.yaml", "6:29",
     "links.edge-cloud.overhead_ms: '.nan' is not a finite number"},
    {"availability_zero.yaml", "5:36",
     "availability.vm2Core: availability must be in (0, 1], got 0"},
    {"availability_above_one.yaml", "6:12",
     "availability must be in (0, 1], got 1.5"},
    {"availability_sweep_outside.yaml", "7:14",
     "availability must be in (0, 1], got 0"},
    /* sane bounds: tiny divisors and sizes that overflow */
    {"availability_denormal.yaml", "5:36",
     "availability.vm2Core: availability must be at least 1e-06 (a millionth "
     "of the machine), got 1e-309"},
    {"availability_tiny.yaml", "5:24",
     "availability must be at least 1e-06 (a millionth of the machine), got "
     "1e-07"},
    {"bandwidth_denormal.yaml", "5:53",
     "bandwidth_mbps must be at least 1e-06 (one bit per second), got 1e-300"},
    {"input_mb_huge.yaml", "5:11",
     "input_mb must be at most 1e+06 (1 TB), got 1e+308"},
    {"sweep_log_denormal.yaml", "7:11",
     "sweep input_mb log: value 1: input_mb must be 0 or a normal number, not "
     "a denormal, got 4.94065645841247e-324"},
    /* number spellings */
    {"leading_zero.yaml", "5:34",
     "latency_ms: '010' has a leading zero (YAML 1.1 reads 010 as octal 8)"},
    {"hex_number.yaml", "5:34",
     "latency_ms: '0x1p3' is a hex number; write it in decimal"},
    {"max_below_min.yaml", "7:16",
     "max_blocks.edge = 2 is below min_blocks.edge = 3"},
    /* reference: */
    {"reference_bad_value.yaml", "10:47",
     "reference links.device-edge.bandwidth_mbps: bandwidth_mbps must be > 0, "
     "got 0"},
    {"reference_no_sweep.yaml", "3:1", "reference: the scenario has no sweep"},
    {"reference_not_swept.yaml", "11:3",
     "reference: 'links.device-edge.bandwith_mbps' is not a swept parameter; "
     "did you mean 'links.device-edge.bandwidth_mbps'?"},
    {"reference_other_param.yaml", "11:3",
     "reference: 'input_mb' is not a swept parameter (swept: "
     "links.device-edge.bandwidth_mbps)"},
    {"reference_point_and_values.yaml", "10:23",
     "reference: give either point: N or values per swept parameter, not "
     "both"},
    {"reference_point_range.yaml", "10:20",
     "reference point: must be between 0 and 2, got 3"},
    /* NaN and infinity */
    {"nan.yaml", "6:29",
     "'.nan' is not a finite number (NaN and infinity are not allowed)"},
    {"inf.yaml", "8:21", "'.inf' is not a finite number"},
    {"nan_in_values.yaml", "7:19", "'NaN' is not a finite number"},
    {"huge_number.yaml", "5:11", "'1e999' is out of range of a double"},
    /* duplicates */
    {"duplicate_key.yaml", "6:1",
     "duplicate key 'objective' (first given at 1:1)"},
    {"duplicate_nested_key.yaml", "6:32",
     "duplicate key 'latency_ms' (first given at 6:17)"},
    {"json_duplicate_key.json", "2:14",
     "duplicate key 'top_k' (first given at 2:2)"},
    {"duplicate_link.yaml", "7:3",
     "'edge-device' is the same link as 'device-edge' (at 6:3)"},
    {"duplicate_model.yaml", "5:27",
     "models: 'vgg19' is listed twice (first at 5:10)"},
    {"duplicate_system.yaml", "3:25",
     "tiers.edge: system '2500' is listed twice (first at 3:10)"},
    /* aliases, anchors, tags, depth */
    {"alias.yaml", "7:15", "alias '*fast' refused: aliases are not allowed"},
    {"anchor.yaml", "6:16", "anchor '&fast' refused: aliases are not allowed"},
    {"tag.yaml", "5:11", "tags are not supported"},
    {"too_deep.yaml", "6:58", "nesting deeper than 32 levels"},
    /* missing files */
    {"missing_profiles.yaml", "2:11",
     "profiles: 'no/such/folder' not found (relative paths resolve against "
     "the scenario file's folder: looked for "
     "'tests/fixtures/scenarios/no/such/folder')"},
    {"missing_network.yaml", "5:10", "network: 'nowhere.csv' not found"},
    {"network_is_folder.yaml", "5:10", "network: '.' is not a regular file"},
    /* unknown names */
    {"availability_unknown_system.yaml", "5:16",
     "availability: unknown system 'vm2core'; did you mean 'vm2Core'? "
     "(systems in tiers: raspi4, 2500, vm2Core, 6700k(GPU))"},
    {"unknown_objective.yaml", "5:12",
     "unknown objective 'fastest' (valid: latency, throughput, bytes, "
     "device_energy)"},
    {"unknown_link.yaml", "6:3",
     "unknown link 'device-edje'; did you mean 'device-edge'?"},
    {"self_link.yaml", "6:3", "link 'edge-edge' joins 'edge' to itself"},
    {"ambiguous_link.yaml", "7:3",
     "link 'a-b-c' is ambiguous: it reads as 'a' + 'b-c' and as 'a-b' + 'c'"},
    {"link_limit_system_pair.yaml", "6:17",
     "unknown tier pair 'raspi4-2500' (expected <tier>-<tier>; tiers: "
     "device, edge, cloud)"},
    {"unknown_tier_constraint.yaml", "6:16",
     "constraints.min_blocks: unknown tier 'devise'; did you mean 'device'?"},
    /* sweeps */
    {"zip_unequal.yaml", "11:10",
     "zip group 'pair': axis 'availability.vm2Core' has 3 values but "
     "'links.device-edge.bandwidth_mbps' (at 6:12) has 200; zipped axes "
     "must have equal lengths"},
    {"unknown_sweep_path.yaml", "6:12",
     "unknown parameter path 'link.device-edge.bandwidth_mbps'; did you mean "
     "'links.device-edge.bandwidth_mbps'? (valid forms: input_mb, result_mb, "
     "links.<tier>-<tier>.latency_ms"},
    {"unknown_sweep_field.yaml", "6:12",
     "unknown field 'bandwith_mbps' in parameter path "
     "'links.device-edge.bandwith_mbps'; did you mean 'bandwidth_mbps'?"},
    {"unknown_sweep_system.yaml", "6:12",
     "unknown system 'rasp4' in 'availability.rasp4'; did you mean 'raspi4'?"},
    /* shape of the file */
    {"top_not_mapping.yaml", "1:1",
     "the top level must be a mapping of keys (name:, tiers:, ...), got a "
     "list"},
    {"top_scalar.yaml", "1:1", "got 'just some text'"},
    {"empty.yaml", "1:1", "empty scenario file"},
    {"comments_only.yaml", "4:1", "empty scenario file"},
    {"two_documents.yaml", "5:1", "more than one YAML document"},
    {"missing_tiers.yaml", "1:1", "missing required key 'tiers'"},
    {"empty_tiers.yaml", "1:8", "tiers: name at least one tier"},
    {"empty_tier_list.yaml", "2:11",
     "tiers.device: expected a non-empty list of system names"},
    {"too_many_tiers.yaml", "10:3", "at most 8 tiers are supported, got 9"},
    {"models_empty.yaml", "5:9", "models: empty list"},
    /* invalid YAML: libyaml's problem and position */
    {"syntax_unclosed.yaml", "3:7",
     "invalid YAML: did not find expected ',' or ']' (while parsing a flow "
     "sequence that started at 2:11)"},
    {"syntax_bad_indent.yaml", "3:4",
     "invalid YAML: did not find expected key (while parsing a block "
     "mapping that started at 2:3)"},
    {"syntax_tab.yaml", "2:1", "tabs cannot indent YAML, use spaces"},
    {"json_syntax.json", "3:3",
     "invalid YAML: did not find expected ',' or '}'"},
    {"invalid_utf8.yaml", "2:15",
     "invalid YAML: invalid leading UTF-8 octet (byte 0xFF at offset 21)"},
};
#define N_CASES (sizeof cases / sizeof *cases)

static void test_fixture(void **state) {
  const bad_case *c = *state;
  char path[512], line[2048], head[600];
  snprintf(path, sizeof path, FIX "%s", c->file);
  scn_scenario *s = (scn_scenario *)1;
  ss_error err;
  ss_error_clear(&err);
  int rc = scn_load(path, &s, &err);
  ss_error_format(&err, line, sizeof line);
  if (rc != -1 || s != NULL)
    fail_msg("%s: loaded, expected an error", c->file);
  snprintf(head, sizeof head, "%s:%s: error: ", path, c->where);
  if (strncmp(line, head, strlen(head)) != 0)
    fail_msg("%s: got\n  %s\nexpected it to start with\n  %s", c->file, line,
             head);
  if (!strstr(err.msg, c->msg))
    fail_msg("%s: got\n  %s\nexpected it to contain\n  %s", c->file, line,
             c->msg);
}

/* Each fixture file has a case (a new fixture cannot go untested). */
static void test_every_fixture_listed(void **state) {
  (void)state;
  DIR *d = opendir(FIX);
  assert_non_null(d);
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    size_t i;
    for (i = 0; i < N_CASES; i++)
      if (strcmp(cases[i].file, e->d_name) == 0)
        break;
    if (i == N_CASES) {
      closedir(d);
      fail_msg("fixture %s has no test case", e->d_name);
    }
    n++;
  }
  closedir(d);
  assert_int_equal(n, N_CASES);
}

/* A file over the size limit (generated: too big to commit). */
static void test_file_too_large(void **state) {
  (void)state;
  char dir[] = "/tmp/scn-large-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/big.yaml", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("tiers: {device: [a]}\n", fp);
  while (ftell(fp) <= (long)SCN_MAX_FILE_BYTES)
    fputs("# padding padding padding padding padding padding padding\n", fp);
  fclose(fp);
  scn_scenario *s;
  ss_error err;
  assert_int_equal(scn_load(path, &s, &err), -1);
  assert_null(s);
  assert_string_equal(err.file, path);
  assert_non_null(strstr(err.msg, "file larger than the limit of 1048576"));
  unlink(path);
  rmdir(dir);
}

static void test_missing_file(void **state) {
  (void)state;
  scn_scenario *s;
  ss_error err;
  assert_int_equal(scn_load(FIX "no-such-file.yaml", &s, &err), -1);
  assert_null(s);
  assert_non_null(strstr(err.msg, "cannot open"));
  assert_string_equal(err.file, FIX "no-such-file.yaml");
}

int main(void) {
  struct CMUnitTest tests[N_CASES + 3];
  for (size_t i = 0; i < N_CASES; i++) {
    struct CMUnitTest t = {cases[i].file, test_fixture, NULL, NULL,
                           (void *)&cases[i]};
    tests[i] = t;
  }
  struct CMUnitTest extra[3] = {cmocka_unit_test(test_every_fixture_listed),
                                cmocka_unit_test(test_file_too_large),
                                cmocka_unit_test(test_missing_file)};
  memcpy(&tests[N_CASES], extra, sizeof extra);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
