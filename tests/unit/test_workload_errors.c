/* The load-simulation sections of a scenario (workload:, servers:,
 * queue_limit:): every bad-input fixture in tests/fixtures/workload/ is
 * refused with `file:line:col: error: message`; a good file round-trips
 * through the resolved YAML and its sweep paths set the right values. */
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

#define FIX "tests/fixtures/workload/"

typedef struct bad_case {
  const char *file;  /* fixture name */
  const char *where; /* "line:col" */
  const char *msg;   /* substring of the message */
} bad_case;

static const bad_case cases[] = {
    {"arrival_both.yaml", "7:44",
     "workload.clients.0.arrival: give exactly one of {poisson: RATE_HZ} and "
     "{periodic: FPS, jitter_ms: J}"},
    {"client_no_model.yaml", "7:7", "workload.clients.0: missing 'model'"},
    {"clients_empty.yaml", "6:12", "workload.clients: empty list of clients"},
    {"count_zero.yaml", "7:15",
     "workload.clients.0.count: must be between 1 and 1000000, got 0"},
    {"deadline_negative.yaml", "7:72",
     "workload.clients.0.deadline_ms must be > 0, got -100"},
    {"deadline_zero.yaml", "7:72",
     "workload.clients.0.deadline_ms must be > 0, got 0"},
    {"duration_and_requests.yaml", "9:15",
     "workload: give either requests or duration_s, not both"},
    {"duration_nan.yaml", "8:15",
     "workload.duration_s: '.nan' is not a finite number"},
    {"duration_negative.yaml", "8:15",
     "workload.duration_s must be a finite number > 0, got -5"},
    {"duration_zero.yaml", "8:15",
     "workload.duration_s must be a finite number > 0, got 0"},
    {"jitter_poisson.yaml", "7:69",
     "workload.clients.0.arrival: jitter_ms applies to periodic arrivals only"},
    {"policy_twice.yaml", "8:32",
     "workload.policies: 'adaptive' is listed twice"},
    {"policy_unknown.yaml", "8:22",
     "unknown policy 'load-awre'; did you mean 'load-aware'? (policies: "
     "static, load-aware, adaptive)"},
    {"queue_limit_negative.yaml", "8:25",
     "queue_limit.xeon-16t: must be between 0 and 1000000, got -1"},
    {"rate_negative.yaml", "9:27",
     "workload.clients.0.arrival.periodic must be > 0, got -5"},
    {"rate_zero.yaml", "7:54",
     "workload.clients.0.arrival.poisson must be > 0, got 0"},
    {"requests_zero.yaml", "8:13",
     "workload.requests: must be between 1 and 1000000000, got 0"},
    {"servers_unknown_system.yaml", "8:11",
     "servers: unknown system 'xeon-32t' (systems in tiers: xeon-1t, xeon-16t, "
     "h200-gpu)"},
    {"servers_without_workload.yaml", "5:10",
     "servers: only used by a load simulation; add a workload: section"},
    {"servers_zero.yaml", "8:34",
     "servers.h200-gpu: must be between 1 and 1000000, got 0"},
    {"service_unknown.yaml", "8:12",
     "unknown service distribution 'gamma' (deterministic, exponential, "
     "lognormal)"},
    {"sweep_count_fraction.yaml", "10:13",
     "sweep workload.clients.0.count linear: value 2: a client count must be a "
     "whole number >= 1, got 2.5"},
    {"sweep_duration_without.yaml", "9:12",
     "'workload.duration_s': the workload measures requests; give "
     "workload.duration_s to sweep it"},
    {"sweep_duration_zero.yaml", "11:17",
     "sweep workload.duration_s values: value 2: duration_s must be a finite "
     "number > 0, got 0"},
    {"sweep_group_out_of_range.yaml", "9:12",
     "'workload.clients.1.count': expected workload.clients.<i>.<field> with i "
     "from 0 to 0"},
    {"sweep_rate_zero.yaml", "12:17",
     "sweep workload.clients.0.arrival.poisson values: value 2: an arrival "
     "rate must be > 0, got 0"},
    {"sweep_servers_zero.yaml", "10:20",
     "sweep servers.xeon-16t values: value 3: servers must be a whole number "
     ">= 1, got 0"},
    {"sweep_wrong_arrival.yaml", "9:12",
     "'workload.clients.0.arrival.periodic': client group 0 has poisson "
     "arrivals"},
    {"workload_unknown_key.yaml", "8:3",
     "unknown key 'replicatons' in workload; did you mean 'replications'?"},
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

static const char good[] =
    "tiers: {device: [d], edge: [e], cloud: [c]}\n"
    "workload:\n"
    "  clients:\n"
    "    - {count: 3, model: m, arrival: {periodic: 15, jitter_ms: 4},\n"
    "       deadline_ms: 100}\n"
    "    - {model: n, arrival: {poisson: 2.5}}\n"
    "  requests: 1000\n"
    "  replications: 4\n"
    "  seed: 9\n"
    "  service: lognormal\n"
    "  policies: [adaptive, static]\n"
    "  top_k: 5\n"
    "servers: {e: 4}\n"
    "queue_limit: {c: 100}\n"
    "sweep:\n"
    "  - param: workload.clients.0.count\n"
    "    values: [1, 2, 64]\n"
    "  - param: servers.c\n"
    "    values: [1, 3]\n";

static void test_good_roundtrip(void **state) {
  (void)state;
  scn_scenario *s, *r;
  ss_error err;
  assert_int_equal(
      scn_load_text(good, strlen(good), "good.yaml", NULL, &s, &err), 0);
  const scn_workload *w = s->workload;
  assert_non_null(w);
  assert_int_equal(w->n_clients, 2);
  assert_true(w->clients[0].count == 3);
  assert_int_equal(w->clients[0].arrival, SCN_ARRIVAL_PERIODIC);
  assert_true(w->clients[0].rate_hz == 15 && w->clients[0].jitter_ms == 4);
  assert_true(w->clients[1].count == 1 && isinf(w->clients[1].deadline_ms));
  assert_true(w->requests == 1000 && w->warmup_requests == 100);
  assert_true(w->replications == 4 && w->seed == 9 && w->top_k == 5);
  assert_int_equal(w->service, SCN_SERVICE_LOGNORMAL);
  assert_int_equal(w->n_policies, 2);
  assert_int_equal(w->policies[0], SCN_POLICY_ADAPTIVE);
  long e = scn_system_index(s, "e"), c = scn_system_index(s, "c");
  assert_true(w->servers[e] == 4 && w->servers[c] == 1);
  assert_true(w->queue_limit[c] == 100 && w->queue_limit[e] == 0);
  /* sweep point 5 = count 64, servers.c 3 */
  assert_int_equal(scn_sweep_count(s), 6);
  scn_scenario *p = scn_copy(s);
  assert_non_null(p);
  assert_true(scn_equal(s, p));
  assert_int_equal(scn_apply_point(p, 5, &err), 0);
  assert_true(p->workload->clients[0].count == 64);
  assert_true(p->workload->servers[c] == 3);
  assert_false(scn_equal(s, p));
  scn_free(p);
  /* resolved YAML reads back equal */
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_int_equal(scn_write_resolved_yaml(s, fp, &err), 0);
  fclose(fp);
  if (scn_load_text(buf, len, "resolved.yaml", NULL, &r, &err) != 0)
    fail_msg("%s\n%s", err.msg, buf);
  assert_true(scn_equal(s, r));
  free(buf);
  scn_free(r);
  scn_free(s);
}

/* duration_s instead of requests: the default warm-up is 10% of the
 * completions expected (30 s x (3 x 15 + 2.5) Hz = 1425 -> 143), the path
 * workload.duration_s sweeps it, and the resolved YAML reads back equal. */
static void test_duration_roundtrip(void **state) {
  (void)state;
  static const char txt[] =
      "tiers: {device: [d], edge: [e]}\n"
      "workload:\n"
      "  clients:\n"
      "    - {count: 3, model: m, arrival: {periodic: 15}}\n"
      "    - {model: n, arrival: {poisson: 2.5}}\n"
      "  duration_s: 30\n"
      "sweep:\n"
      "  - param: workload.duration_s\n"
      "    values: [30, 120.5]\n";
  scn_scenario *s, *r;
  ss_error err;
  assert_int_equal(scn_load_text(txt, strlen(txt), "d.yaml", NULL, &s, &err),
                   0);
  const scn_workload *w = s->workload;
  assert_true(w->duration_s == 30 && w->requests == 0);
  assert_true(w->warmup_requests == 143);
  scn_scenario *p = scn_copy(s);
  assert_non_null(p);
  assert_int_equal(scn_apply_point(p, 1, &err), 0);
  assert_true(p->workload->duration_s == 120.5);
  assert_false(scn_equal(s, p));
  scn_free(p);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_int_equal(scn_write_resolved_yaml(s, fp, &err), 0);
  fclose(fp);
  assert_non_null(strstr(buf, "  duration_s: 30\n"));
  assert_null(strstr(buf, "requests: 0"));
  if (scn_load_text(buf, len, "resolved.yaml", NULL, &r, &err) != 0)
    fail_msg("%s\n%s", err.msg, buf);
  assert_true(scn_equal(s, r));
  free(buf);
  scn_free(r);
  scn_free(s);
}

/* The policy table: every policy has a distinct name and a description,
 * and `policies: [<name>]` selects exactly that policy (rows in enum
 * order). */
static void test_policy_table(void **state) {
  (void)state;
  for (int k = 0; k < SCN_N_POLICIES; k++) {
    const char *name = scn_policy_name((scn_policy)k);
    assert_true(strcmp(name, "unknown") != 0);
    assert_true(strlen(scn_policy_description((scn_policy)k)) > 10);
    for (int j = 0; j < k; j++)
      assert_string_not_equal(name, scn_policy_name((scn_policy)j));
    char txt[300];
    int n = snprintf(txt, sizeof txt,
                     "tiers: {device: [d], edge: [e]}\n"
                     "workload:\n"
                     "  clients: [{model: m, arrival: {poisson: 1}}]\n"
                     "  policies: [%s]\n",
                     name);
    scn_scenario *s;
    ss_error err;
    assert_int_equal(scn_load_text(txt, (size_t)n, "p.yaml", NULL, &s, &err),
                     0);
    assert_int_equal(s->workload->n_policies, 1);
    assert_int_equal(s->workload->policies[0], k);
    scn_free(s);
  }
  assert_string_equal(scn_policy_name(SCN_N_POLICIES), "unknown");
}

int main(void) {
  struct CMUnitTest tests[N_CASES + 4];
  for (size_t i = 0; i < N_CASES; i++) {
    struct CMUnitTest t = {cases[i].file, test_fixture, NULL, NULL,
                           (void *)&cases[i]};
    tests[i] = t;
  }
  struct CMUnitTest extra[4] = {cmocka_unit_test(test_every_fixture_listed),
                                cmocka_unit_test(test_good_roundtrip),
                                cmocka_unit_test(test_duration_roundtrip),
                                cmocka_unit_test(test_policy_table)};
  for (size_t i = 0; i < 4; i++)
    tests[N_CASES + i] = extra[i];
  return cmocka_run_group_tests(tests, NULL, NULL);
}
