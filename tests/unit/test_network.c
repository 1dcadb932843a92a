/* Network link tables: Scission's real files and one fixture per bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/testutil.h"

#include "profiles/network.h"

static void check_link(const prof_network *net, const char *src,
                       const char *dst, double ping_ms, double bw_mbps) {
  const prof_link *l = prof_network_find(net, src, dst);
  if (!l)
    fail_msg("no link %s -> %s", src, dst);
  assert_close(l->ping_ms, ping_ms, 0);
  assert_close(l->bandwidth_mbps, bw_mbps, 0);
}

static void test_scission_wireless(void **state) {
  (void)state;
  char path[1024];
  prof_network *net = NULL;
  ss_error err;
  if (!test_have_scission())
    return;
  snprintf(path, sizeof path, "%s/scission/network_stats.csv",
           test_shared_dir());
  if (prof_network_read(path, &net, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(net->n_links, 8);
  check_link(net, "raspi4", "2500", 66.7, 1.6);
  check_link(net, "raspi4", "vm2Core", 66.7, 1.6);
  check_link(net, "raspi4", "6700k(GPU)", 100, 1.6);
  check_link(net, "2500", "6700k(NoGPU)", 20, 50);
  check_link(net, "vm2Core", "6700k(GPU)", 20, 50);
  /* Links have a direction. */
  assert_null(prof_network_find(net, "2500", "raspi4"));
  assert_null(prof_network_find(net, "raspi4", "raspi4"));
  prof_network_free(net);
}

static void test_scission_wired_crlf(void **state) {
  (void)state;
  char path[1024];
  prof_network *net = NULL;
  ss_error err;
  if (!test_have_scission())
    return;
  snprintf(path, sizeof path, "%s/scission/network_stats_wired.csv",
           test_shared_dir());
  if (prof_network_read(path, &net, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(net->n_links, 8);
  check_link(net, "raspi4", "2500", 20, 20);
  check_link(net, "raspi4", "6700k(GPU)", 45, 20);
  check_link(net, "vm2Core", "6700k(NoGPU)", 20, 50);
  prof_network_free(net);
}

static void test_header_case_spaces_quotes(void **state) {
  (void)state;
  prof_network *net = NULL;
  ss_error err;
  if (prof_network_read("tests/fixtures/network/good_header_case.csv", &net,
                        &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(net->n_links, 2);
  check_link(net, "dev", "edge", 10.5, 100);
  check_link(net, "edge, 2", "cloud", 20, 0.5);
  prof_network_free(net);
  prof_network_free(NULL); /* no-op */
}

typedef struct bad_case {
  const char *file;
  const char *where;
  const char *msg; /* substring */
} bad_case;

static const bad_case bad_cases[] = {
    {"missing_column.csv", "1", "missing column 'bandwidth(mbps)'"},
    {"unknown_column.csv", "1", "unknown column 'loss'"},
    {"non_numeric.csv", "3", "ping(ms): 'fast' is not a finite number"},
    {"negative_ping.csv", "2", "negative ping -1"},
    {"zero_bandwidth.csv", "3", "bandwidth 0 must be > 0"},
    {"denormal_bandwidth.csv", "3",
     "bandwidth 1e-300 must be at least 1e-06 (one bit per second)"},
    {"hex_ping.csv", "2", "ping(ms): '0x10' is not a finite number"},
    {"negative_bandwidth.csv", "3", "bandwidth -3 must be > 0"},
    {"nan.csv", "2", "'nan' is not a finite number"},
    {"duplicate.csv", "5", "duplicate link a -> b (already given on line 2)"},
    {"field_count.csv", "3", "expected 4 fields, found 3"},
    {"empty_name.csv", "2", "destination: empty system name"},
    {"unterminated.csv", "3", "unterminated quoted field"},
    {"empty.csv", "1", "empty file"},
    {"header_only.csv", "", "no links"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad_case *c = &bad_cases[i];
    char path[512];
    prof_network *net = (prof_network *)&path; /* must be reset to NULL */
    ss_error err;
    ss_error_clear(&err);
    snprintf(path, sizeof path, "tests/fixtures/network/%s", c->file);
    if (prof_network_read(path, &net, &err) == 0)
      fail_msg("%s: accepted", c->file);
    assert_null(net);
    assert_string_equal(err.file, path);
    if (strcmp(err.where, c->where) != 0 || !strstr(err.msg, c->msg))
      fail_msg("%s: got '%s: %s', expected '%s: ...%s...'", c->file, err.where,
               err.msg, c->where, c->msg);
    if (err.kind != SS_ERR_FORMAT) /* a code to branch on, not only text */
      fail_msg("%s: error kind %d, expected SS_ERR_FORMAT", c->file,
               (int)err.kind);
  }
}

static void test_missing_file(void **state) {
  (void)state;
  prof_network *net = NULL;
  ss_error err;
  assert_int_equal(
      prof_network_read("tests/fixtures/network/nope.csv", &net, &err), -1);
  assert_non_null(strstr(err.msg, "cannot open"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scission_wireless),
      cmocka_unit_test(test_scission_wired_crlf),
      cmocka_unit_test(test_header_case_spaces_quotes),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_missing_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
