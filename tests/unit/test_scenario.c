/* Scenario loading: defaults, link keys, sweeps, parameter paths, copies and
 * the resolved YAML round trip. Bad input: test_scenario_errors.c. */
#define _XOPEN_SOURCE 700 /* realpath */
/* cmocka.h needs these four headers first. */
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
#include "common/ss_text.h"
#include "scenarios/scenario.h"
#include "scenarios/scn_internal.h"
#include "scenarios/scn_resolved.h"

/* Load text (base folder base_dir); fail the test on error. */
static scn_scenario *load_ok(const char *text, const char *base_dir) {
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (scn_load_text(text, strlen(text), "test.yaml", base_dir, &s, &err)) {
    char line[2048];
    ss_error_format(&err, line, sizeof line);
    fail_msg("load failed: %s", line);
  }
  return s;
}

/* Load text that must fail; returns the formatted error in buf. */
static void load_bad(const char *text, char *buf, size_t size) {
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  assert_int_equal(
      scn_load_text(text, strlen(text), "test.yaml", NULL, &s, &err), -1);
  assert_null(s);
  ss_error_format(&err, buf, size);
}

static void write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  assert_int_equal(fclose(fp), 0);
}

static const char *TIERS3 = "tiers:\n"
                            "  device: [raspi4]\n"
                            "  edge: [2500, vm2Core]\n"
                            "  cloud: [\"6700k(GPU)\", \"6700k(NoGPU)\"]\n";

static void test_defaults(void **state) {
  (void)state;
  scn_scenario *s = load_ok("tiers: {device: [pi]}\n", NULL);
  assert_string_equal(s->name, "test"); /* from "test.yaml" */
  assert_null(s->profiles);
  assert_null(s->network);
  assert_true(s->all_models);
  assert_int_equal(s->n_models, 0);
  assert_false(s->input_mb_set);
  assert_close(s->result_mb, 0, 0);
  assert_int_equal(s->n_tiers, 1);
  assert_int_equal(s->n_systems, 1);
  assert_close(s->systems[0].availability, 1, 0);
  assert_close(s->systems[0].compute_power_w, 0, 0);
  assert_close(s->systems[0].radio_power_w, 0, 0);
  assert_int_equal(s->systems[0].availability_pos.line, 0);
  assert_int_equal(s->objective, SOLVER_OBJ_LATENCY);
  assert_false(s->constraints.privacy);
  assert_int_equal(s->constraints.min_blocks[0], 0);
  assert_int_equal(s->constraints.max_blocks[0], -1);
  assert_int_equal(s->top_k, 1);
  assert_int_equal(s->n_links, 0);
  assert_int_equal(s->n_axes, 0);
  assert_int_equal(scn_sweep_count(s), 1);
  assert_string_equal(solver_objective_info_of(s->objective)->name, "latency");
  /* optional sections left empty are the same as absent */
  scn_scenario *e = load_ok("tiers: {device: [pi]}\nlinks:\navailability:\n"
                            "power: {}\nconstraints:\nsweep: []\n"
                            "network: ~\n",
                            NULL);
  assert_true(scn_equal(s, e));
  scn_free(e);
  scn_free(s);
  scn_free(NULL);
}

static void test_all_keys(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text,
           "name: study-1\n"
           "models: vgg19\n"
           "input_mb: 0.6\n"
           "result_mb: 0.004\n"
           "%s"
           "links:\n"
           "  device-edge: {latency_ms: 66.7, bandwidth_mbps: 1.6}\n"
           "  raspi4-vm2Core: {bandwidth_mbps: 3}\n"
           "availability: {vm2Core: 0.5, \"6700k(GPU)\": 0.25}\n"
           "power:\n"
           "  raspi4: {compute_power_w: 6.4, radio_power_w: 1.2}\n"
           "objective: device_energy\n"
           "constraints:\n"
           "  privacy: true\n"
           "  min_blocks: {device: 2}\n"
           "  max_blocks: {cloud: 10, device: 5}\n"
           "  max_link_mb: {edge-device: 2.5}\n"
           "top_k: 5\n",
           TIERS3);
  scn_scenario *s = load_ok(text, NULL);
  assert_string_equal(s->name, "study-1");
  assert_false(s->all_models);
  assert_int_equal(s->n_models, 1);
  assert_string_equal(s->models[0].name, "vgg19");
  assert_true(s->input_mb_set);
  assert_close(s->input_mb, 0.6, 0);
  assert_close(s->result_mb, 0.004, 0);
  /* tiers keep file order; systems are numbered in first-seen order */
  assert_int_equal(s->n_tiers, 3);
  assert_string_equal(s->tiers[0].name, "device");
  assert_string_equal(s->tiers[1].name, "edge");
  assert_string_equal(s->tiers[2].name, "cloud");
  assert_int_equal(s->n_systems, 5);
  assert_int_equal(s->tiers[1].n_systems, 2);
  assert_string_equal(s->systems[s->tiers[1].systems[1]].name, "vm2Core");
  assert_string_equal(s->systems[s->tiers[2].systems[0]].name, "6700k(GPU)");
  /* links */
  assert_int_equal(s->n_links, 2);
  assert_int_equal(s->links[0].kind, SCN_LINK_TIERS);
  assert_int_equal(s->links[0].a, 0);
  assert_int_equal(s->links[0].b, 1);
  assert_close(s->links[0].latency_ms, 66.7, 0);
  assert_close(s->links[0].bandwidth_mbps, 1.6, 0);
  assert_int_equal(s->links[1].kind, SCN_LINK_SYSTEMS);
  assert_string_equal(s->systems[s->links[1].a].name, "raspi4");
  assert_string_equal(s->systems[s->links[1].b].name, "vm2Core");
  assert_false(s->links[1].has_latency_ms);
  assert_true(s->links[1].has_bandwidth_mbps);
  assert_ptr_equal(scn_link_find(s, SCN_LINK_TIERS, 1, 0), &s->links[0]);
  assert_null(scn_link_find(s, SCN_LINK_TIERS, 1, 2));
  /* per-system values */
  long vm = scn_system_index(s, "vm2Core");
  long gpu = scn_system_index(s, "6700k(GPU)");
  long pi = scn_system_index(s, "raspi4");
  assert_close(s->systems[vm].availability, 0.5, 0);
  assert_close(s->systems[gpu].availability, 0.25, 0);
  assert_close(s->systems[pi].availability, 1, 0);
  assert_close(s->systems[pi].compute_power_w, 6.4, 0);
  assert_close(s->systems[pi].radio_power_w, 1.2, 0);
  assert_int_equal(s->objective, SOLVER_OBJ_DEVICE_ENERGY);
  assert_true(s->constraints.privacy);
  assert_int_equal(s->constraints.min_blocks[0], 2);
  assert_int_equal(s->constraints.max_blocks[0], 5);
  assert_int_equal(s->constraints.max_blocks[1], -1);
  assert_int_equal(s->constraints.max_blocks[2], 10);
  assert_int_equal(s->constraints.n_link_limits, 1);
  assert_int_equal(s->constraints.link_limits[0].a, 1);
  assert_int_equal(s->constraints.link_limits[0].b, 0);
  assert_close(s->constraints.link_limits[0].mb, 2.5, 0);
  assert_int_equal(s->top_k, 5);
  assert_int_equal(scn_tier_index(s, "cloud"), 2);
  assert_int_equal(scn_tier_index(s, "fog"), -1);
  scn_free(s);
}

/* Line and column of the entries the engine reports errors against. */
static void test_positions(void **state) {
  (void)state;
  const char *text = "models: [vgg19, resnet50]\n"           /* 1 */
                     "tiers:\n"                              /* 2 */
                     "  device: [raspi4]\n"                  /* 3 */
                     "  edge:\n"                             /* 4 */
                     "    - 2500\n"                          /* 5 */
                     "    - vm2Core\n"                       /* 6 */
                     "links:\n"                              /* 7 */
                     "  device-edge: {latency_ms: 1}\n"      /* 8 */
                     "availability:\n"                       /* 9 */
                     "    vm2Core: 0.5\n"                    /* 10 */
                     "objective: bytes\n"                    /* 11 */
                     "sweep:\n"                              /* 12 */
                     "  - {param: input_mb, values: [1]}\n"; /* 13 */
  scn_scenario *s = load_ok(text, NULL);
  assert_int_equal(s->models[1].pos.line, 1);
  assert_int_equal(s->models[1].pos.column, 17);
  assert_int_equal(s->tiers[1].pos.line, 4);
  assert_int_equal(s->tiers[1].pos.column, 3);
  assert_int_equal(s->tiers[0].system_pos[0].line, 3);
  assert_int_equal(s->tiers[0].system_pos[0].column, 12);
  assert_int_equal(s->tiers[1].system_pos[1].line, 6);
  assert_int_equal(s->tiers[1].system_pos[1].column, 7);
  assert_int_equal(s->links[0].pos.line, 8);
  assert_int_equal(s->links[0].pos.column, 3);
  long vm = scn_system_index(s, "vm2Core");
  assert_int_equal(s->systems[vm].availability_pos.line, 10);
  assert_int_equal(s->systems[vm].availability_pos.column, 5);
  assert_int_equal(s->objective_pos.line, 11);
  assert_int_equal(s->axes[0].pos.line, 13);
  assert_int_equal(s->axes[0].pos.column, 13);

  /* the engine reports a semantic error through the stored position */
  ss_error err;
  char line[512];
  assert_int_equal(scn_error_at(&err, s, s->models[1].pos, "unknown model '%s'",
                                s->models[1].name),
                   -1);
  ss_error_format(&err, line, sizeof line);
  assert_string_equal(line, "test.yaml:1:17: error: unknown model 'resnet50'");
  scn_pos none = {0, 0};
  scn_error_at(&err, s, none, "no place");
  ss_error_format(&err, line, sizeof line);
  assert_string_equal(line, "test.yaml: error: no place");
  scn_free(s);
}

/* x-y keys: tier names first, then system names (which may hold '-'). */
static void test_link_keys(void **state) {
  (void)state;
  scn_scenario *s = load_ok("tiers:\n"
                            "  device: [my-pi, edge]\n"
                            "  edge: [box-2]\n"
                            "links:\n"
                            "  my-pi-box-2: {latency_ms: 1}\n"
                            "  device-edge: {latency_ms: 2}\n"
                            "  edge-box-2: {latency_ms: 3}\n",
                            NULL);
  assert_int_equal(s->n_links, 3);
  /* only "my-pi" + "box-2" are both systems */
  assert_int_equal(s->links[0].kind, SCN_LINK_SYSTEMS);
  assert_string_equal(s->systems[s->links[0].a].name, "my-pi");
  assert_string_equal(s->systems[s->links[0].b].name, "box-2");
  assert_string_equal(s->links[0].key, "my-pi-box-2");
  /* "device-edge" is a tier pair even though "edge" is also a system */
  assert_int_equal(s->links[1].kind, SCN_LINK_TIERS);
  assert_int_equal(s->links[1].a, 0);
  assert_int_equal(s->links[1].b, 1);
  /* "edge-box-2": not two tiers, so the systems "edge" and "box-2" */
  assert_int_equal(s->links[2].kind, SCN_LINK_SYSTEMS);
  assert_string_equal(s->systems[s->links[2].a].name, "edge");
  assert_string_equal(s->systems[s->links[2].b].name, "box-2");
  scn_free(s);
}

/* JSON is YAML flow syntax: the same scenario either way. */
static void test_json_equals_yaml(void **state) {
  (void)state;
  char yaml[2048];
  snprintf(yaml, sizeof yaml,
           "name: same\nmodels: [vgg19]\n%s"
           "links: {device-edge: {latency_ms: 1e1, bandwidth_mbps: 2}}\n"
           "constraints: {privacy: true}\n"
           "sweep:\n  - {param: availability.vm2Core, log: [0.01, 1, 3], "
           "zip: z}\n  - {param: input_mb, values: [0.5, 1, 2], zip: z}\n",
           TIERS3);
  const char *json =
      "{\n\t\"name\": \"same\", \"models\": [\"vgg19\"],\n"
      "\t\"tiers\": {\"device\": [\"raspi4\"], \"edge\": [\"2500\", "
      "\"vm2Core\"],\n\t\t\"cloud\": [\"6700k(GPU)\", \"6700k(NoGPU)\"]},\n"
      "\t\"links\": "
      "{\"device-edge\":{\"latency_ms\":10,\"bandwidth_mbps\":2.0}},\n"
      "\t\"constraints\": {\"privacy\": true},\n"
      "\t\"sweep\": [{\"param\": \"availability.vm2Core\", \"log\": [1E-2, 1, "
      "3], \"zip\": \"z\"},\n"
      "\t\t{\"param\": \"input_mb\", \"values\": [0.5, 1, 2], \"zip\": "
      "\"z\"}]\n}\n";
  scn_scenario *a = load_ok(yaml, NULL);
  scn_scenario *b = load_ok(json, NULL);
  assert_true(scn_equal(a, b));
  assert_int_equal(scn_sweep_count(b), 3);
  scn_free(a);
  scn_free(b);
}

static void test_linear_log_values(void **state) {
  (void)state;
  char text[1024];
  snprintf(text, sizeof text,
           "%ssweep:\n"
           "  - {param: links.device-edge.latency_ms, linear: [0, 1, 5]}\n"
           "  - {param: links.device-edge.bandwidth_mbps, log: [0.1, 1000, "
           "5]}\n"
           "  - {param: availability.vm2Core, log: [0.25, 0.25, 1]}\n"
           "  - {param: input_mb, log: [1, 100, 201]}\n",
           TIERS3);
  scn_scenario *s = load_ok(text, NULL);
  const scn_axis *lin = &s->axes[0], *lg = &s->axes[1];
  assert_int_equal(lin->form, SCN_AXIS_LINEAR);
  assert_int_equal(lin->n_values, 5);
  for (int i = 0; i < 5; i++)
    assert_close(lin->values[i], 0.25 * i, 1e-15);
  assert_int_equal(lg->form, SCN_AXIS_LOG);
  const double want[] = {0.1, 1, 10, 100, 1000};
  for (int i = 0; i < 5; i++)
    assert_close(lg->values[i], want[i], want[i] * 1e-14);
  assert_true(lg->values[0] == 0.1 && lg->values[4] == 1000); /* exact ends */
  assert_int_equal(s->axes[2].n_values, 1);
  assert_close(s->axes[2].values[0], 0.25, 0);
  /* log spacing: constant ratio, increasing */
  const scn_axis *big = &s->axes[3];
  double r = pow(100.0, 1.0 / 200);
  for (size_t i = 1; i < big->n_values; i++) {
    assert_true(big->values[i] > big->values[i - 1]);
    assert_close(big->values[i] / big->values[i - 1], r, 1e-12);
  }
  assert_close(big->values[100], 10, 1e-12);
  assert_int_equal(scn_sweep_count(s), 5 * 5 * 1 * 201);
  scn_free(s);
}

/* Zip groups advance together; groups form a cartesian product with the
 * last group fastest. */
static void test_sweep_points(void **state) {
  (void)state;
  char text[1024];
  snprintf(text, sizeof text,
           "%ssweep:\n"
           "  - {param: input_mb, values: [1, 2]}\n"
           "  - {param: links.edge-cloud.bandwidth_mbps, values: [10, 20, "
           "30], zip: net}\n"
           "  - {param: result_mb, linear: [0, 1, 2]}\n"
           "  - {param: links.edge-cloud.latency_ms, values: [5, 6, 7], zip: "
           "net}\n",
           TIERS3);
  scn_scenario *s = load_ok(text, NULL);
  assert_int_equal(s->n_groups, 3);
  assert_int_equal(s->groups[0].n_axes, 1);
  assert_int_equal(s->groups[1].n_axes, 2);
  assert_int_equal(s->groups[1].axes[0], 1);
  assert_int_equal(s->groups[1].axes[1], 3);
  assert_int_equal(s->axes[3].group, 1);
  assert_int_equal(s->groups[2].axes[0], 2);
  assert_int_equal(scn_sweep_count(s), 2 * 3 * 2);
  double v[4];
  size_t idx = 0;
  for (int a = 0; a < 2; a++)
    for (int n = 0; n < 3; n++)
      for (int r = 0; r < 2; r++, idx++) {
        scn_sweep_point(s, idx, v);
        assert_close(v[0], a + 1, 0);
        assert_close(v[1], 10 * (n + 1), 0);
        assert_close(v[2], r, 0);
        assert_close(v[3], 5 + n, 0);
      }
  /* applying a point sets the parameters on a copy */
  scn_scenario *c = scn_copy(s);
  assert_non_null(c);
  ss_error err;
  assert_int_equal(scn_apply_point(c, 11, &err), 0);
  assert_close(c->input_mb, 2, 0);
  const scn_link *l = scn_link_find(c, SCN_LINK_TIERS, 1, 2);
  assert_non_null(l);
  assert_close(l->bandwidth_mbps, 30, 0);
  assert_close(l->latency_ms, 7, 0);
  assert_close(c->result_mb, 1, 0);
  assert_close(scn_param_get(c, &c->axes[3].target), 7, 0);
  /* the original is untouched; the link created for the sweep is unset */
  assert_false(s->input_mb_set);
  l = scn_link_find(s, SCN_LINK_TIERS, 1, 2);
  assert_false(l->has_bandwidth_mbps);
  assert_true(isnan(scn_param_get(s, &s->axes[1].target)));
  assert_false(scn_equal(s, c));
  scn_free(c);
  scn_free(s);
}

static void expect_set_error(scn_scenario *s, const char *path, double v,
                             const char *want) {
  ss_error err;
  ss_error_clear(&err);
  assert_int_equal(scn_set_param(s, path, v, &err), -1);
  if (!strstr(err.msg, want))
    fail_msg("%s: got '%s', expected '%s'", path, err.msg, want);
}

static void test_set_param(void **state) {
  (void)state;
  char text[1024];
  snprintf(text, sizeof text,
           "%slinks: {device-edge: {latency_ms: 1, bandwidth_mbps: 2}}\n",
           TIERS3);
  scn_scenario *s = load_ok(text, NULL);
  scn_scenario *c = scn_copy(s);
  assert_true(scn_equal(s, c));
  ss_error err;
  long pi = scn_system_index(c, "raspi4"), vm = scn_system_index(c, "vm2Core");
  assert_int_equal(scn_set_param(c, "input_mb", 0.3, &err), 0);
  assert_true(c->input_mb_set);
  assert_close(c->input_mb, 0.3, 0);
  assert_int_equal(scn_set_param(c, "result_mb", 0.01, &err), 0);
  assert_close(c->result_mb, 0.01, 0);
  assert_int_equal(scn_set_param(c, "links.edge-device.latency_ms", 9, &err),
                   0);
  assert_int_equal(c->n_links, 1); /* same link, other direction */
  assert_close(c->links[0].latency_ms, 9, 0);
  assert_int_equal(
      scn_set_param(c, "links.edge-cloud.bandwidth_mbps", 50, &err), 0);
  assert_int_equal(c->n_links, 2); /* created */
  assert_int_equal(c->links[1].kind, SCN_LINK_TIERS);
  assert_true(c->links[1].has_bandwidth_mbps);
  assert_false(c->links[1].has_latency_ms);
  assert_int_equal(
      scn_set_param(c, "links.raspi4-6700k(GPU).latency_ms", 12, &err), 0);
  assert_int_equal(c->n_links, 3);
  assert_int_equal(c->links[2].kind, SCN_LINK_SYSTEMS);
  assert_close(c->links[2].latency_ms, 12, 0);
  assert_int_equal(scn_set_param(c, "availability.vm2Core", 0.5, &err), 0);
  assert_close(c->systems[vm].availability, 0.5, 0);
  assert_int_equal(scn_set_param(c, "power.raspi4.compute_power_w", 6.5, &err),
                   0);
  assert_int_equal(scn_set_param(c, "power.raspi4.radio_power_w", 1.5, &err),
                   0);
  assert_close(c->systems[pi].compute_power_w, 6.5, 0);
  assert_close(c->systems[pi].radio_power_w, 1.5, 0);
  assert_int_equal(scn_set_param(c, "constraints.min_blocks.edge", 2, &err), 0);
  assert_int_equal(scn_set_param(c, "constraints.max_blocks.cloud", 7, &err),
                   0);
  assert_int_equal(c->constraints.min_blocks[1], 2);
  assert_int_equal(c->constraints.max_blocks[2], 7);
  assert_int_equal(
      scn_set_param(c, "constraints.max_link_mb.cloud-edge", 3.5, &err), 0);
  assert_int_equal(c->constraints.n_link_limits, 1);
  assert_close(c->constraints.link_limits[0].mb, 3.5, 0);
  /* resolve once, set many times */
  scn_param p;
  assert_int_equal(
      scn_param_resolve(c, "links.device-edge.bandwidth_mbps", &p, &err), 0);
  assert_int_equal(p.kind, SCN_PARAM_LINK_BANDWIDTH_MBPS);
  assert_int_equal(scn_param_set(c, &p, 4, &err), 0);
  assert_close(scn_param_get(c, &p), 4, 0);

  /* the original is unchanged */
  assert_false(s->input_mb_set);
  assert_int_equal(s->n_links, 1);
  assert_close(s->links[0].latency_ms, 1, 0);
  assert_close(s->systems[vm].availability, 1, 0);
  assert_false(scn_equal(s, c));

  /* ranges and unknown paths */
  expect_set_error(c, "links.device-edge.bandwidth_mbps", 0,
                   "bandwidth_mbps must be > 0, got 0");
  expect_set_error(c, "links.device-edge.bandwidth_mbps", -2,
                   "bandwidth_mbps must be > 0, got -2");
  expect_set_error(c, "links.device-edge.latency_ms", NAN,
                   "must be a finite number");
  expect_set_error(c, "availability.vm2Core", 1.5, "in (0, 1], got 1.5");
  expect_set_error(c, "availability.vm2Core", 0, "in (0, 1], got 0");
  expect_set_error(c, "constraints.min_blocks.edge", 1.5,
                   "a block count must be a whole number");
  expect_set_error(c, "input_mb", INFINITY, "must be a finite number");
  expect_set_error(c, "bandwidth", 1,
                   "unknown parameter path 'bandwidth' (valid forms: "
                   "input_mb, result_mb, links.<tier>-<tier>.latency_ms");
  expect_set_error(c, "input_mb.x", 1, "unknown parameter path");
  expect_set_error(c, "links.device-edge", 1, "unknown parameter path");
  expect_set_error(c, "links.device-edge.ping", 1,
                   "unknown field 'ping' in parameter path");
  expect_set_error(c, "links.device-fog.latency_ms", 1,
                   "unknown link 'device-fog'");
  expect_set_error(c, "availability.pi", 1, "unknown system 'pi'");
  expect_set_error(c, "power.raspi4.idle_w", 1, "unknown field 'idle_w'");
  expect_set_error(c, "constraints.min_blocks.fog", 1, "unknown tier 'fog'");
  expect_set_error(c, "constraints.max_link_mb.raspi4-2500", 1,
                   "unknown tier pair 'raspi4-2500'");
  expect_set_error(c, "constraints.privacy.x", 1,
                   "unknown field 'privacy' in parameter path");
  expect_set_error(c, "top_k", 2, "unknown parameter path 'top_k'");
  assert_close(c->constraints.min_blocks[1], 2, 0);
  scn_free(c);
  scn_free(s);
}

static void test_models_and_input_forms(void **state) {
  (void)state;
  scn_scenario *s =
      load_ok("tiers: {d: [a]}\nmodels: [x, y]\ninput_mb: profile\n", NULL);
  assert_int_equal(s->n_models, 2);
  assert_false(s->input_mb_set);
  scn_free(s);
  s = load_ok("tiers: {d: [a]}\nmodels: all\ninput_mb: ~\nprofiles: null\n",
              NULL);
  assert_true(s->all_models);
  assert_false(s->input_mb_set);
  assert_null(s->profiles);
  scn_free(s);
  /* a single name as a one-element list; input 0 is allowed */
  s = load_ok("tiers: {d: a, c: [b]}\nmodels: resnet50\ninput_mb: 0\n", NULL);
  assert_int_equal(s->n_models, 1);
  assert_int_equal(s->tiers[0].n_systems, 1);
  assert_true(s->input_mb_set);
  assert_close(s->input_mb, 0, 0);
  scn_free(s);
}

/* Paths resolve against the scenario file's folder; name from file name. */
static void test_relative_paths(void **state) {
  (void)state;
  char dir[] = "/tmp/scn-paths-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char sub[64], store[64], net[64], file[128], real_dir[4096];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  snprintf(store, sizeof store, "%s/store", dir);
  snprintf(net, sizeof net, "%s/net.csv", dir);
  snprintf(file, sizeof file, "%s/my-study.v2.yaml", sub);
  assert_int_equal(mkdir(sub, 0755), 0);
  assert_int_equal(mkdir(store, 0755), 0);
  write_file(net, "source,destination,ping(ms),bandwidth(mbps)\n");
  write_file(file, "profiles: ../store\nnetwork: ./../net.csv\n"
                   "tiers: {device: [pi]}\n");
  scn_scenario *s = NULL;
  ss_error err;
  assert_int_equal(scn_load(file, &s, &err), 0);
  assert_non_null(realpath(dir, real_dir));
  char want[4200];
  snprintf(want, sizeof want, "%s/store", real_dir);
  assert_string_equal(s->profiles, want);
  assert_string_equal(s->profiles_raw, "../store");
  snprintf(want, sizeof want, "%s/net.csv", real_dir);
  assert_string_equal(s->network, want);
  assert_string_equal(s->name, "my-study.v2");
  assert_int_equal(s->profiles_pos.line, 1);
  assert_int_equal(s->profiles_pos.column, 11);
  scn_free(s);
  unlink(file);
  unlink(net);
  rmdir(store);
  rmdir(sub);
  rmdir(dir);
}

/* Write the resolved YAML, read it back: an equal scenario; twice the same
 * bytes. Names with quotes, colons, brackets and non-ASCII round trip. */
static void test_resolved_round_trip(void **state) {
  (void)state;
  char dir[] = "/tmp/scn-rt-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char store[256], net[256], src[256], out1[256], out2[256];
  snprintf(store, sizeof store, "%s/store: \"x\"", dir);
  snprintf(net, sizeof net, "%s/net #1.csv", dir);
  snprintf(src, sizeof src, "%s/src.yaml", dir);
  snprintf(out1, sizeof out1, "%s/a.resolved.yaml", dir);
  snprintf(out2, sizeof out2, "%s/b.resolved.yaml", dir);
  assert_int_equal(mkdir(store, 0755), 0);
  write_file(net, "x\n");
  write_file(src,
             "name: \"rt: 'quoted' \\\"name\\\"\"\n"
             "profiles: 'store: \"x\"'\n"
             "network: \"net #1.csv\"\n"
             "models: [vgg19, \"null\", \"true\", \"1.5\", \"it's\"]\n"
             "input_mb: 0.1\n"
             "result_mb: 1e-3\n"
             "tiers:\n"
             "  device: [raspi4, \"a: b\", '#hash', \"[x]\"]\n"
             "  \"edge tier\": [\"6700k(GPU)\", \"q\\\"uote\\\\back\", "
             "caf\xC3\xA9, \"  padded \"]\n"
             "  cloud: [\"-\", \"~\", \"x-y\", \"%s%n\"]\n"
             "links:\n"
             "  device-edge tier: {latency_ms: 0.1, bandwidth_mbps: 3.3}\n"
             "  raspi4-x-y: {latency_ms: 7}\n"
             "  \"a: b-6700k(GPU)\": {}\n"
             "availability: {\"6700k(GPU)\": 0.3333333333333333}\n"
             "power: {raspi4: {compute_power_w: 6.4}}\n"
             "objective: throughput\n"
             "constraints:\n"
             "  privacy: true\n"
             "  min_blocks: {device: 1}\n"
             "  max_blocks: {cloud: 9}\n"
             "  max_link_mb: {device-cloud: 0.5}\n"
             "top_k: 4\n"
             "sweep:\n"
             "  - {param: links.device-edge tier.bandwidth_mbps, "
             "log: [0.1, 1000, 7]}\n"
             "  - {param: links.edge tier-cloud.latency_ms, linear: [0, 0.3, "
             "4], zip: \"z: 1\"}\n"
             "  - {param: \"availability.[x]\", values: [1, 0.7, 0.1, 0.2], "
             "zip: \"z: 1\"}\n"
             "  - {param: constraints.max_link_mb.edge tier-cloud, values: "
             "[1, 2]}\n"
             "  - {param: constraints.min_blocks.cloud, values: [0, 3]}\n");
  scn_scenario *a = NULL, *b = NULL;
  ss_error err;
  char line[2048];
  if (scn_load(src, &a, &err) != 0) {
    ss_error_format(&err, line, sizeof line);
    fail_msg("%s", line);
  }
  assert_string_equal(a->name, "rt: 'quoted' \"name\"");
  assert_int_equal(a->n_systems, 12);
  assert_string_equal(a->systems[5].name, "q\"uote\\back");
  assert_string_equal(a->systems[6].name, "caf\xC3\xA9");
  assert_string_equal(a->systems[7].name, "  padded ");
  assert_string_equal(a->systems[11].name, "%s%n");
  assert_int_equal(a->n_links, 4); /* + edge tier-cloud from the sweep */
  assert_int_equal(a->links[1].kind, SCN_LINK_SYSTEMS);
  assert_string_equal(a->systems[a->links[1].b].name, "x-y");
  assert_int_equal(scn_sweep_count(a), 7 * 4 * 2 * 2);

  assert_int_equal(scn_save_resolved_yaml(a, out1, &err), 0);
  if (scn_load(out1, &b, &err) != 0) {
    ss_error_format(&err, line, sizeof line);
    fail_msg("re-reading the resolved file: %s", line);
  }
  assert_int_equal(scn_save_resolved_yaml(b, out2, &err), 0);
  assert_true(scn_equal(a, b));
  size_t n1, n2;
  char *t1 = ss_read_file(out1, 1 << 20, &n1, &err);
  char *t2 = ss_read_file(out2, 1 << 20, &n2, &err);
  assert_non_null(t1);
  assert_non_null(t2);
  assert_int_equal(n1, n2);
  assert_memory_equal(t1, t2, n1);
  /* every default is written out */
  assert_non_null(strstr(t1, "result_mb: 0.001\n"));
  assert_non_null(strstr(t1, "\"raspi4\": {compute_power_w: 6.4, "
                             "radio_power_w: 0}"));
  assert_non_null(strstr(t1, "top_k: 4\n"));
  free(t1);
  free(t2);

  /* a scenario after a sweep point also round trips */
  scn_scenario *c = scn_copy(a);
  assert_int_equal(scn_apply_point(c, 5, &err), 0);
  scn_scenario *d = NULL;
  assert_int_equal(scn_save_resolved_yaml(c, out2, &err), 0);
  assert_int_equal(scn_load(out2, &d, &err), 0);
  assert_true(scn_equal(c, d));
  assert_false(scn_equal(a, d));

  scn_free(a);
  scn_free(b);
  scn_free(c);
  scn_free(d);
  unlink(out1);
  unlink(out2);
  unlink(src);
  unlink(net);
  rmdir(store);
  rmdir(dir);
}

static void test_defaults_round_trip(void **state) {
  (void)state;
  scn_scenario *a = load_ok("tiers: {device: [pi], cloud: [gpu]}\n", NULL);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  ss_error err;
  assert_int_equal(scn_write_resolved_yaml(a, fp, &err), 0);
  fclose(fp);
  assert_non_null(strstr(buf, "profiles: null"));
  assert_non_null(strstr(buf, "models: all\n"));
  assert_non_null(strstr(buf, "input_mb: profile"));
  assert_non_null(strstr(buf, "\"gpu\": 1\n"));
  assert_non_null(strstr(buf, "min_blocks: {\"device\": 0, \"cloud\": 0}"));
  assert_non_null(strstr(buf, "sweep: []\n"));
  scn_scenario *b = load_ok(buf, NULL);
  assert_true(scn_equal(a, b));
  free(buf);
  scn_free(a);
  scn_free(b);
}

/* The writer's reader: scn_resolved_read gives back what
 * scn_write_resolved_yaml wrote (name, store, objective, sweep forms and
 * zip groups); text that is not YAML is an error, not guesses. */
static void test_resolved_reader(void **state) {
  (void)state;
  scn_scenario *a = load_ok(
      "name: \"run \\\"x\\\"\"\ntiers: {device: [pi], cloud: [gpu]}\n"
      "objective: device_energy\nlinks: {device-cloud: {latency_ms: 5, "
      "bandwidth_mbps: 10}}\nsweep:\n"
      "  - {param: links.device-cloud.bandwidth_mbps, log: [1, 100, 3], "
      "zip: up}\n"
      "  - {param: links.device-cloud.latency_ms, linear: [1, 9, 3], "
      "zip: up}\n"
      "  - {param: availability.gpu, values: [0.5, 1]}\n",
      NULL);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  ss_error err;
  assert_int_equal(scn_write_resolved_yaml(a, fp, &err), 0);
  fclose(fp);
  scn_resolved r;
  assert_int_equal(scn_resolved_read(buf, len, "r.yaml", &r, &err), 0);
  assert_string_equal(r.name, "run \"x\"");
  assert_true(r.has_profiles);
  assert_null(r.profiles); /* the embedded store */
  assert_string_equal(r.objective, "device_energy");
  assert_int_equal(r.n_axes, 3);
  assert_string_equal(r.axes[0].param, "links.device-cloud.bandwidth_mbps");
  assert_int_equal(r.axes[0].form, SCN_AXIS_LOG);
  assert_string_equal(r.axes[0].zip, "up");
  assert_int_equal(r.axes[1].form, SCN_AXIS_LINEAR);
  assert_int_equal(r.axes[2].form, SCN_AXIS_VALUES);
  assert_null(r.axes[2].zip);
  scn_resolved_free(&r);
  scn_resolved_free(&r); /* zeroed: a no-op */
  assert_int_equal(scn_resolved_read("name: [", 7, "r.yaml", &r, &err), -1);
  assert_string_equal(err.file, "r.yaml");
  assert_int_equal(scn_resolved_read("- a\n", 4, "r.yaml", &r, &err), -1);
  free(buf);
  scn_free(a);
}

static void test_suggest(void **state) {
  (void)state;
  static const char *const keys[] = {"objective", "latency_ms", "zip",
                                     "values"};
  assert_string_equal(ss_suggest("objectiv", keys, 4), "objective");
  assert_string_equal(ss_suggest("Objective", keys, 4), "objective");
  assert_string_equal(ss_suggest("objetcive", keys, 4), "objective");
  assert_string_equal(ss_suggest("latency", keys, 4), "latency_ms");
  assert_string_equal(ss_suggest("vaules", keys, 4), "values");
  assert_null(ss_suggest("zzz", keys, 4));
  assert_null(ss_suggest("bandwidth", keys, 4));
  char buf[2048];
  load_bad("tiers: {d: [a]}\nsweeps: []\n", buf, sizeof buf);
  assert_string_equal(buf, "test.yaml:2:1: error: unknown key 'sweeps'; did "
                           "you mean 'sweep'?");
  load_bad("tiers: {d: [a]}\nqqq: 1\n", buf, sizeof buf);
  assert_non_null(strstr(buf, "unknown key 'qqq'; valid keys: name, "
                              "profiles, network, models"));
}

/* The scenario files shipped in scenarios/ load. */
static void test_examples(void **state) {
  (void)state;
  static const char *const local[] = {"scenarios/embedded-quickstart.yaml"};
  static const char *const shared[] = {"scenarios/uplink-sweep.yaml",
                                       "scenarios/link-zip.yaml",
                                       "scenarios/device-energy.json"};
  scn_scenario *s;
  ss_error err;
  char line[2048];
  for (size_t i = 0; i < 1; i++) {
    if (scn_load(local[i], &s, &err) != 0) {
      ss_error_format(&err, line, sizeof line);
      fail_msg("%s", line);
    }
    scn_free(s);
  }
  if (!test_have_scission())
    return;
  for (size_t i = 0; i < 3; i++) {
    if (scn_load(shared[i], &s, &err) != 0) {
      ss_error_format(&err, line, sizeof line);
      fail_msg("%s", line);
    }
    scn_free(s);
  }
}

/* The issue's example, exactly as written (paths from scenarios/). */
static void test_issue_example(void **state) {
  (void)state;
  if (!test_have_scission())
    return;
  scn_scenario *s;
  ss_error err;
  assert_int_equal(scn_load("scenarios/uplink-sweep.yaml", &s, &err), 0);
  assert_string_equal(s->name, "uplink-sweep");
  assert_non_null(s->profiles);
  const char *tail = "/shared/data/scission";
  assert_string_equal(s->profiles + strlen(s->profiles) - strlen(tail), tail);
  assert_non_null(strstr(s->network, "/scission/network_stats.csv"));
  assert_int_equal(s->n_models, 2);
  assert_string_equal(s->models[1].name, "resnet50");
  assert_close(s->input_mb, 0.15, 0);
  assert_int_equal(s->n_tiers, 3);
  assert_string_equal(s->systems[s->tiers[2].systems[1]].name, "6700k(NoGPU)");
  assert_int_equal(s->n_links, 3);
  assert_close(s->links[1].latency_ms, 100, 0);
  assert_close(s->links[2].bandwidth_mbps, 50, 0);
  assert_close(s->systems[scn_system_index(s, "vm2Core")].availability, 0.5, 0);
  assert_true(s->constraints.privacy);
  assert_int_equal(s->n_axes, 2);
  assert_string_equal(s->axes[0].param, "links.device-edge.bandwidth_mbps");
  assert_int_equal(s->axes[0].n_values, 200);
  assert_true(s->axes[0].values[0] == 0.1);
  assert_true(s->axes[0].values[199] == 1000);
  assert_int_equal(scn_sweep_count(s), 600);
  double v[2];
  scn_sweep_point(s, 599, v);
  assert_close(v[0], 1000, 0);
  assert_close(v[1], 0.25, 0);
  scn_sweep_point(s, 1, v); /* last axis fastest */
  assert_close(v[0], 0.1, 0);
  assert_close(v[1], 0.5, 0);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_resolved_reader),
      cmocka_unit_test(test_all_keys),
      cmocka_unit_test(test_positions),
      cmocka_unit_test(test_link_keys),
      cmocka_unit_test(test_json_equals_yaml),
      cmocka_unit_test(test_linear_log_values),
      cmocka_unit_test(test_sweep_points),
      cmocka_unit_test(test_set_param),
      cmocka_unit_test(test_models_and_input_forms),
      cmocka_unit_test(test_relative_paths),
      cmocka_unit_test(test_resolved_round_trip),
      cmocka_unit_test(test_defaults_round_trip),
      cmocka_unit_test(test_suggest),
      cmocka_unit_test(test_examples),
      cmocka_unit_test(test_issue_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
