/* The scenario engine on a toy 3-block model with hand-computed answers.
 *
 * Toy model: device `dev` takes 1 s per block, cloud `cld` 0.1 s; block
 * outputs 4e6, 1e6 and 1e3 bytes; input 8 MB. With one device-cloud link of
 * bandwidth b bytes/s and latency 0, the four placements cost
 *   P0 cloud runs all          0.3 + 8e6/b
 *   P1 device 0, cloud 1-2     1.2 + 4e6/b
 *   P2 device 0-1, cloud 2     2.1 + 1e6/b
 *   P3 device runs all         3
 * so the optimum changes at b = 1e6/0.9 (P3 -> P2), 3e6/0.9 (P2 -> P1) and
 * 4e6/0.9 (P1 -> P0) bytes/s, i.e. 80/9, 80/3 and 320/9 Mbps. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include "common/ss_io.h"
#include "common/ss_mem.h"
#include "profiles/network.h"
#include "profiles/profile.h"
#include "scenarios/scenario.h"
#include "sim/sim.h"
#include "solver/solver.h"

static const double DEV_T[3] = {1, 1, 1};
static const double CLD_T[3] = {0.1, 0.1, 0.1};
static const double EDG_T[3] = {0.5, 0.5, 0.5};
static const int64_t BYTES[3] = {4000000, 1000000, 1000};

static void add_system(prof_set *set, const char *name, const double *t) {
  prof_system sys;
  memset(&sys, 0, sizeof sys);
  sys.name = ss_strdup(name);
  sys.importer = ss_strdup("test");
  sys.source_file = ss_strdup("test");
  sys.import_date = ss_strdup("2026-11-26");
  sys.n_models = 1;
  sys.models = calloc(1, sizeof *sys.models);
  assert_non_null(sys.models);
  prof_model *m = &sys.models[0];
  m->name = ss_strdup("toy");
  m->input_bytes = 8000000;
  m->whole_model_time_s = NAN;
  m->n_blocks = 3;
  m->blocks = calloc(3, sizeof *m->blocks);
  assert_non_null(m->blocks);
  for (int b = 0; b < 3; b++) {
    m->blocks[b].first_layer = m->blocks[b].last_layer = b;
    m->blocks[b].time_s = t[b];
    m->blocks[b].time_s_p10 = m->blocks[b].time_s_p90 = NAN;
    m->blocks[b].output_bytes = BYTES[b];
  }
  ss_error err;
  assert_int_equal(prof_set_put_system(set, &sys, NULL, &err), 0);
}

static prof_set *toy_set(void) {
  prof_set *set = prof_set_new();
  assert_non_null(set);
  add_system(set, "dev", DEV_T);
  add_system(set, "cld", CLD_T);
  add_system(set, "edg", EDG_T);
  return set;
}

static scn_scenario *load(const char *text) {
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (scn_load_text(text, strlen(text), "toy.yaml", NULL, &s, &err) != 0) {
    char line[2048];
    ss_error_format(&err, line, sizeof line);
    fail_msg("scenario: %s", line);
  }
  return s;
}

static sim_engine *engine(const char *text) {
  scn_scenario *s = load(text);
  prof_set *set = toy_set();
  sim_engine *e = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (sim_engine_new(s, set, NULL, &e, &err) != 0) {
    char line[2048];
    ss_error_format(&err, line, sizeof line);
    fail_msg("engine: %s", line);
  }
  scn_free(s);
  prof_set_free(set);
  return e;
}

/* The formatted error of an engine that must fail. */
static void engine_bad(const char *text, const prof_network *net, char *buf,
                       size_t size) {
  scn_scenario *s = load(text);
  prof_set *set = toy_set();
  sim_engine *e = NULL;
  ss_error err;
  ss_error_clear(&err);
  assert_int_equal(sim_engine_new(s, set, net, &e, &err), -1);
  assert_null(e);
  ss_error_format(&err, buf, size);
  scn_free(s);
  prof_set_free(set);
}

static const char *TWO_TIER_BW =
    "name: toy\n"
    "models: [toy]\n"
    "input_mb: 8\n"
    "tiers:\n"
    "  device: [dev]\n"
    "  cloud: [cld]\n"
    "links:\n"
    "  device-cloud: {latency_ms: 0, bandwidth_mbps: 10}\n"
    "sweep:\n"
    "  - param: links.device-cloud.bandwidth_mbps\n"
    "    values: [1, 10, 30, 100]\n";

/* ---- helpers to read the tables back ---------------------------------- */

static char *make_dir(void) {
  char *dir = ss_strdup("/tmp/test_sim_XXXXXX");
  assert_non_null(mkdtemp(dir));
  return dir;
}

static char *read_table(const char *dir, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text = ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
  if (!text)
    fail_msg("cannot read %s", path);
  return text;
}

static void write_tables(const sim_engine *e, const char *dir, unsigned jobs) {
  sim_options opt;
  memset(&opt, 0, sizeof opt);
  opt.jobs = jobs;
  ss_error err;
  ss_error_clear(&err);
  if (sim_write_tables(e, dir, &opt, NULL, &err) != 0) {
    char line[2048];
    ss_error_format(&err, line, sizeof line);
    fail_msg("tables: %s", line);
  }
}

/* Split CSV line `row` (0 = header) of text into at most max fields
 * (malloc'd copies); returns the count. */
static size_t csv_row(const char *text, size_t row, char **f, size_t max) {
  const char *p = text;
  for (size_t r = 0; r < row; r++) {
    int q = 0;
    while (*p && (q || *p != '\n')) {
      if (*p == '"')
        q = !q;
      p++;
    }
    if (!*p)
      return 0;
    p++;
  }
  if (!*p)
    return 0;
  size_t n = 0;
  for (;;) {
    char cell[4096];
    size_t len = 0;
    int q = 0;
    while (*p && (q || (*p != ',' && *p != '\n'))) {
      if (*p == '"') {
        if (q && p[1] == '"') {
          cell[len++] = '"';
          p += 2;
          continue;
        }
        q = !q;
        p++;
        continue;
      }
      if (len < sizeof cell - 1)
        cell[len++] = *p;
      p++;
    }
    cell[len] = '\0';
    if (n < max)
      f[n++] = ss_strdup(cell);
    if (*p != ',')
      break;
    p++;
  }
  return n;
}

static void free_fields(char **f, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(f[i]);
}

static size_t count_lines(const char *text) {
  size_t n = 0;
  int q = 0;
  for (const char *p = text; *p; p++) {
    if (*p == '"')
      q = !q;
    if (*p == '\n' && !q)
      n++;
  }
  return n;
}

static double num(const char *s) {
  double v;
  if (ss_parse_double(s, &v) != 0)
    fail_msg("not a number: '%s'", s);
  return v;
}

/* ---- tests ------------------------------------------------------------- */

static void check_place(const solver_result *r, int dev_last, int cloud_sys) {
  assert_int_equal(r->p.sys[0], 0);
  assert_int_equal(r->p.last[0], dev_last);
  assert_int_equal(r->p.sys[1], cloud_sys);
}

static void test_best_points(void **state) {
  (void)state;
  sim_engine *e = engine(TWO_TIER_BW);
  assert_int_equal(sim_engine_n_points(e), 4);
  assert_int_equal(sim_engine_n_models(e), 1);
  assert_string_equal(sim_engine_model(e, 0), "toy");
  solver_result r;
  ss_error err;
  /* 1 Mbps: P3 = 3 */
  assert_int_equal(sim_engine_best_at(e, 0, 0, &r, &err), 1);
  check_place(&r, 2, -1);
  assert_close(r.latency_s, 3, 1e-12);
  /* 10 Mbps = 1.25e6 B/s: P2 = 2.1 + 0.8 */
  assert_int_equal(sim_engine_best_at(e, 1, 0, &r, &err), 1);
  check_place(&r, 1, 0);
  assert_close(r.latency_s, 2.9, 1e-12);
  assert_close(r.hop_bytes[0], 1e6, 0);
  assert_close(r.hop_s[0], 0.8, 1e-15);
  /* 30 Mbps: P1 = 1.2 + 4e6/3.75e6 */
  assert_int_equal(sim_engine_best_at(e, 2, 0, &r, &err), 1);
  check_place(&r, 0, 0);
  assert_close(r.latency_s, 1.2 + 4e6 / 3.75e6, 1e-12);
  /* 100 Mbps: P0 = 0.3 + 0.64 */
  assert_int_equal(sim_engine_best_at(e, 3, 0, &r, &err), 1);
  assert_int_equal(r.p.first[0], -1);
  assert_close(r.latency_s, 0.94, 1e-12);
  sim_engine_free(e);
}

static void test_best_csv(void **state) {
  (void)state;
  sim_engine *e = engine(TWO_TIER_BW);
  char *dir = make_dir();
  write_tables(e, dir, 1);
  char *best = read_table(dir, "best.csv");
  const char *want =
      "point,links.device-cloud.bandwidth_mbps,model,placement,"
      "system.device,first_layer.device,last_layer.device,system.cloud,"
      "first_layer.cloud,last_layer.cloud,latency_s,"
      "compute_s.device,compute_s.cloud,transfer_s.device-cloud,"
      "bytes.device-cloud,return_s,total_bytes,throughput_per_s,"
      "device_energy_j,objective\n"
      /* numbers always read as floats (3.0, not 3); layers as integers,
       * -1 and an empty system for a tier that runs nothing */
      "0,1.0,toy,\"Device(dev) = 0 - 2, Cloud(None) = -1 - -1\",dev,0,2,,-1,-1,"
      "3.0,3.0,0.0,0.0,0.0,0.0,0.0,0.3333333333333333,0.0,3.0\n"
      /* 2 + 0.1 + 0.8 summed left to right like Scission */
      "1,10.0,toy,\"Device(dev) = 0 - 1, Cloud(cld) = 2 - 2\",dev,0,1,cld,2,2,"
      "2.9000000000000004,2.0,0.1,0.8,1000000.0,0.0,1000000.0,0.5,0.0,"
      "2.9000000000000004\n";
  if (strncmp(best, want, strlen(want)) != 0)
    fail_msg("best.csv starts\n%s\nwanted\n%s", best, want);
  assert_int_equal(count_lines(best), 5);
  char *f[32];
  size_t n = csv_row(best, 4, f, 32);
  assert_int_equal(n, 20);
  assert_string_equal(f[3], "Device(dev) = -1 - -1, Cloud(cld) = 0 - 2");
  assert_string_equal(f[4], ""); /* the device runs nothing */
  assert_string_equal(f[5], "-1");
  assert_string_equal(f[7], "cld");
  assert_close(num(f[10]), 0.94, 1e-12);
  assert_string_equal(f[16], "8000000.0");
  free_fields(f, n);
  /* summary: each placement optimal at one point of four */
  char *sum = read_table(dir, "summary.csv");
  n = csv_row(sum, 0, f, 32);
  assert_int_equal(n, 9);
  assert_string_equal(f[4], "links.device-cloud.bandwidth_mbps.min");
  assert_string_equal(f[6], "best_objective");
  assert_string_equal(f[8], "elasticity.links.device-cloud.bandwidth_mbps");
  free_fields(f, n);
  assert_int_equal(count_lines(sum), 5);
  n = csv_row(sum, 2, f, 32);
  assert_string_equal(f[1], "Device(dev) = 0 - 1, Cloud(cld) = 2 - 2");
  assert_string_equal(f[2], "1");
  assert_string_equal(f[3], "0.25");
  assert_string_equal(f[4], "10.0");
  assert_string_equal(f[5], "10.0");
  assert_close(num(f[6]), 0.94, 1e-12);
  assert_close(num(f[7]), 3, 1e-12);
  /* at the reference point, the middle grid point (the lower of the two
   * middle values: 10 Mbps, b = 1.25e6 bytes/s), P2 costs f = 2.1 + 1e6/b
   * = 2.9, so d ln f / d ln b = -(1e6/b) / f = -0.8/2.9 (central
   * difference: 1e-4) */
  assert_close(num(f[8]), -0.8 / 2.9, 1e-4);
  free_fields(f, n);
  /* curves: 4 placements x 4 values, one optimal per value */
  char *cv = read_table(dir, "curves.csv");
  assert_int_equal(count_lines(cv), 17);
  size_t optimal = 0;
  for (size_t row = 1; row <= 16; row++) {
    n = csv_row(cv, row, f, 32);
    assert_int_equal(n, 6);
    optimal += strcmp(f[5], "1") == 0;
    free_fields(f, n);
  }
  assert_int_equal(optimal, 4);
  n = csv_row(cv, 5, f, 32); /* second placement (P2), first value */
  assert_string_equal(f[3], "Device(dev) = 0 - 1, Cloud(cld) = 2 - 2");
  assert_string_equal(f[2], "1.0");
  assert_close(num(f[4]), 2.1 + 8, 1e-12);
  assert_string_equal(f[5], "0");
  free_fields(f, n);
  free(best);
  free(sum);
  free(cv);
  sim_remove_tree(dir, NULL);
  free(dir);
  sim_engine_free(e);
}

static void check_bp(const char *bp, size_t row, const char *axis, double value,
                     double tol, const char *exact, const char *before,
                     const char *after) {
  char *f[16];
  size_t n = csv_row(bp, row, f, 16);
  assert_int_equal(n, 8);
  assert_string_equal(f[0], "toy");
  assert_string_equal(f[1], axis);
  assert_close(num(f[3]), value, tol);
  assert_string_equal(f[4], exact);
  assert_string_equal(f[5], before);
  assert_string_equal(f[6], after);
  free_fields(f, n);
}

static const char *P0 = "Device(dev) = -1 - -1, Cloud(cld) = 0 - 2";
static const char *P1 = "Device(dev) = 0 - 0, Cloud(cld) = 1 - 2";
static const char *P2 = "Device(dev) = 0 - 1, Cloud(cld) = 2 - 2";
static const char *P3 = "Device(dev) = 0 - 2, Cloud(None) = -1 - -1";

static void test_breakpoints_bandwidth(void **state) {
  (void)state;
  sim_engine *e = engine(TWO_TIER_BW);
  char *dir = make_dir();
  write_tables(e, dir, 1);
  char *bp = read_table(dir, "breakpoints.csv");
  assert_int_equal(count_lines(bp), 4);
  const char *axis = "links.device-cloud.bandwidth_mbps";
  check_bp(bp, 1, axis, 80.0 / 9, 1e-11, "1", P3, P2);
  check_bp(bp, 2, axis, 80.0 / 3, 1e-11, "1", P2, P1);
  check_bp(bp, 3, axis, 320.0 / 9, 1e-11, "1", P1, P0);
  char *f[16];
  size_t n = csv_row(bp, 3, f, 16);
  assert_string_equal(f[2], ""); /* one axis: nothing fixed */
  assert_close(num(f[7]), 0.3 + 8e6 / (320.0 / 9 * 125000), 1e-9);
  free_fields(f, n);
  free(bp);
  sim_remove_tree(dir, NULL);
  free(dir);
  sim_engine_free(e);
}

/* At 10 Mbps P2 = 2.9 + L and P3 = 3: they cross at L = 100 ms. With a
 * second axis the fixed column names it. */
static void test_breakpoints_latency(void **state) {
  (void)state;
  sim_engine *e = engine("models: [toy]\ninput_mb: 8\n"
                         "tiers: {device: [dev], cloud: [cld]}\n"
                         "links: {device-cloud: {latency_ms: 0, "
                         "bandwidth_mbps: 10}}\n"
                         "sweep:\n"
                         "  - param: links.device-cloud.latency_ms\n"
                         "    linear: [0, 250, 6]\n"
                         "  - param: result_mb\n"
                         "    values: [0]\n"
                         "reference: {point: 0}\n");
  char *dir = make_dir();
  write_tables(e, dir, 1);
  char *bp = read_table(dir, "breakpoints.csv");
  assert_int_equal(count_lines(bp), 2);
  check_bp(bp, 1, "links.device-cloud.latency_ms", 100, 1e-9, "1", P2, P3);
  char *f[16];
  size_t n = csv_row(bp, 1, f, 16);
  assert_string_equal(f[2], "result_mb=0.0");
  assert_close(num(f[7]), 3, 1e-12);
  free_fields(f, n);
  free(bp);
  /* elasticity of the optimum (P2 = 2.9 + L) at the reference point given
   * as sweep point 0, L = 0: zero latency has no relative change: empty */
  char *sum = read_table(dir, "summary.csv");
  n = csv_row(sum, 1, f, 16);
  assert_int_equal(n, 12);
  assert_string_equal(f[10], "");
  free_fields(f, n);
  free(sum);
  sim_remove_tree(dir, NULL);
  free(dir);
  sim_engine_free(e);
}

/* Availability a of the device at 10 Mbps: P2 = 2/a + 0.9, P1 = 1/a + 3.4,
 * P0 = 6.7: P0 below a = 10/33, P1 up to a = 0.4, then P2. */
static void test_breakpoints_availability(void **state) {
  (void)state;
  sim_engine *e = engine("models: [toy]\ninput_mb: 8\n"
                         "tiers: {device: [dev], cloud: [cld]}\n"
                         "links: {device-cloud: {latency_ms: 0, "
                         "bandwidth_mbps: 10}}\n"
                         "sweep:\n"
                         "  - param: availability.dev\n"
                         "    values: [1, 0.5, 0.2]\n"
                         "reference: {availability.dev: 1}\n");
  char *dir = make_dir();
  write_tables(e, dir, 2);
  char *bp = read_table(dir, "breakpoints.csv");
  assert_int_equal(count_lines(bp), 3);
  check_bp(bp, 1, "availability.dev", 10.0 / 33, 1e-12, "1", P0, P1);
  check_bp(bp, 2, "availability.dev", 0.4, 1e-12, "1", P1, P2);
  free(bp);
  /* elasticity at the given reference a = 1 (one-sided: 1.01 is out of
   * range; the default would be the middle value 0.5): the optimum P2
   * = 2/a + 0.9, so d ln f / d ln a ~ -2/2.9 */
  char *sum = read_table(dir, "summary.csv");
  char *f[16];
  size_t n = csv_row(sum, 1, f, 16);
  assert_int_equal(n, 9);
  assert_string_equal(f[1], P2);
  double fa = 2 / 0.99 + 0.9, f0 = 2.9;
  assert_close(num(f[8]), (log(f0) - log(fa)) / (-log(0.99)), 1e-12);
  assert_close(num(f[8]), -2 / 2.9, 0.01);
  free_fields(f, n);
  free(sum);
  sim_remove_tree(dir, NULL);
  free(dir);
  sim_engine_free(e);
}

/* Throughput is not affine: breakpoints come from bisection (exact = 0).
 * Stages: P3 max 3; P2 max(2, 1e6/b); P1 max(1, 4e6/b); P0 max(0.3, 8e6/b):
 * changes at b = 1e6/3... in Mbps: 8/3, 16, 64. */
static void test_breakpoints_bisection(void **state) {
  (void)state;
  sim_engine *e = engine("models: [toy]\ninput_mb: 8\nobjective: throughput\n"
                         "tiers: {device: [dev], cloud: [cld]}\n"
                         "links: {device-cloud: {latency_ms: 0, "
                         "bandwidth_mbps: 10}}\n"
                         "sweep:\n"
                         "  - param: links.device-cloud.bandwidth_mbps\n"
                         "    values: [1, 10, 30, 100]\n");
  char *dir = make_dir();
  write_tables(e, dir, 1);
  char *bp = read_table(dir, "breakpoints.csv");
  assert_int_equal(count_lines(bp), 4);
  const char *axis = "links.device-cloud.bandwidth_mbps";
  check_bp(bp, 1, axis, 8.0 / 3, 1e-9, "0", P3, P2);
  check_bp(bp, 2, axis, 16, 1e-9, "0", P2, P1);
  check_bp(bp, 3, axis, 64, 1e-9, "0", P1, P0);
  free(bp);
  char *best = read_table(dir, "best.csv");
  char *f[32];
  size_t n = csv_row(best, 4, f, 32);
  assert_string_equal(f[3], P0);
  assert_close(num(f[19]), 1 / 0.64, 1e-12); /* objective = throughput */
  free_fields(f, n);
  free(best);
  sim_remove_tree(dir, NULL);
  free(dir);
  sim_engine_free(e);
}

/* Three tiers, links from a network table overridden by the scenario, a
 * result sent back, and the per-pair columns. */
static void test_three_tiers_links(void **state) {
  (void)state;
  char *dir = make_dir();
  char path[512];
  snprintf(path, sizeof path, "%s/net.csv", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("source,destination,ping(ms),bandwidth(mbps)\n"
        "dev,edg, 10, 8\n"   /* overridden by the system pair below */
        "cld,dev, 50, 80\n"  /* reverse row: used for dev -> cld */
        "edg,cld, 1, 800\n", /* overridden by the tier pair */
        fp);
  fclose(fp);
  prof_network *net = NULL;
  ss_error err;
  assert_int_equal(prof_network_read(path, &net, &err), 0);
  scn_scenario *s = load("models: [toy]\ninput_mb: 8\nresult_mb: 0.5\n"
                         "tiers: {device: [dev], edge: [edg], cloud: [cld]}\n"
                         "links:\n"
                         "  edge-cloud: {bandwidth_mbps: 8000}\n"
                         "  dev-edg: {latency_ms: 2}\n"
                         "constraints: {min_blocks: {device: 1, edge: 1, "
                         "cloud: 1}}\n");
  prof_set *set = toy_set();
  sim_engine *e = NULL;
  assert_int_equal(sim_engine_new(s, set, net, &e, &err), 0);
  /* Only P = dev 0, edg 1, cld 2 is allowed: compute 1 + 0.5 + 0.1; hops
   * dev->edg 2 ms + 4e6 / 1e6; edg->cld 1 ms + 1e6 / 1e9; result back over
   * dev-cld 50 ms + 5e5 / 1e7. */
  solver_result r;
  assert_int_equal(sim_engine_best_at(e, 0, 0, &r, &err), 1);
  assert_int_equal(r.n_hops, 2);
  assert_close(r.hop_s[0], 0.002 + 4.0, 1e-12);
  assert_close(r.hop_s[1], 0.001 + 1e-3, 1e-15);
  assert_close(r.return_s, 0.05 + 0.05, 1e-15);
  assert_close(r.latency_s, 1.6 + 4.002 + 0.002 + 0.1, 1e-12);
  write_tables(e, dir, 1);
  char *best = read_table(dir, "best.csv");
  char *f[32];
  size_t n = csv_row(best, 0, f, 32);
  assert_int_equal(n, 27);
  const char *cols[] = {"point",
                        "model",
                        "placement",
                        "system.device",
                        "first_layer.device",
                        "last_layer.device",
                        "system.edge",
                        "first_layer.edge",
                        "last_layer.edge",
                        "system.cloud",
                        "first_layer.cloud",
                        "last_layer.cloud",
                        "latency_s",
                        "compute_s.device",
                        "compute_s.edge",
                        "compute_s.cloud",
                        "transfer_s.device-edge",
                        "bytes.device-edge",
                        "transfer_s.device-cloud",
                        "bytes.device-cloud",
                        "transfer_s.edge-cloud",
                        "bytes.edge-cloud",
                        "return_s",
                        "total_bytes",
                        "throughput_per_s",
                        "device_energy_j",
                        "objective"};
  for (size_t i = 0; i < n; i++)
    assert_string_equal(f[i], cols[i]);
  free_fields(f, n);
  n = csv_row(best, 1, f, 32);
  assert_string_equal(f[2], "Device(dev) = 0 - 0, Edge(edg) = 1 - 1, "
                            "Cloud(cld) = 2 - 2");
  assert_string_equal(f[6], "edg");
  assert_string_equal(f[7], "1");
  assert_string_equal(f[11], "2");
  assert_close(num(f[16]), 4.002, 1e-12);
  assert_string_equal(f[17], "4000000.0");
  assert_string_equal(f[18], "0.0");
  assert_string_equal(f[19], "0.0");
  assert_string_equal(f[21], "1000000.0");
  assert_close(num(f[22]), 0.1, 1e-15);
  assert_string_equal(f[23], "5500000.0");
  free_fields(f, n);
  free(best);
  /* no sweep: empty breakpoints and curves (headers only) */
  char *bp = read_table(dir, "breakpoints.csv");
  assert_int_equal(count_lines(bp), 1);
  free(bp);
  sim_engine_free(e);
  scn_free(s);
  prof_set_free(set);
  prof_network_free(net);
  sim_remove_tree(dir, NULL);
  free(dir);
}

static void test_infeasible(void **state) {
  (void)state;
  sim_engine *e = engine("models: [toy]\n"
                         "tiers: {device: [dev], cloud: [cld]}\n"
                         "links: {device-cloud: {latency_ms: 1, "
                         "bandwidth_mbps: 10}}\n"
                         "constraints: {privacy: true, max_blocks: "
                         "{device: 0}}\n");
  solver_result r;
  ss_error err;
  assert_int_equal(sim_engine_best_at(e, 0, 0, &r, &err), 0);
  char *dir = make_dir();
  write_tables(e, dir, 1);
  char *best = read_table(dir, "best.csv");
  if (!strstr(best, "\n0,toy,infeasible,,,,,,,,,,,,,,,,\n"))
    fail_msg("best.csv:\n%s", best);
  free(best);
  char *sum = read_table(dir, "summary.csv");
  assert_non_null(strstr(sum, "\ntoy,infeasible,1,1.0,,\n"));
  free(sum);
  sim_remove_tree(dir, NULL);
  free(dir);
  sim_engine_free(e);
}

static int same_file(const char *a, const char *b, const char *name) {
  char *x = read_table(a, name), *y = read_table(b, name);
  int same = strcmp(x, y) == 0;
  free(x);
  free(y);
  return same;
}

/* Two threads write byte-identical tables (the sweep spans several blocks,
 * an input size axis forces re-preparing, a zip group, three tiers). */
static void test_jobs_identical(void **state) {
  (void)state;
  sim_engine *e = engine("models: [toy]\n"
                         "tiers: {device: [dev], edge: [edg], cloud: [cld]}\n"
                         "links:\n"
                         "  device-edge: {latency_ms: 5, bandwidth_mbps: 10}\n"
                         "  device-cloud: {latency_ms: 50, bandwidth_mbps: 5}\n"
                         "  edge-cloud: {latency_ms: 10, bandwidth_mbps: 100}\n"
                         "top_k: 3\n"
                         "sweep:\n"
                         "  - param: links.device-edge.bandwidth_mbps\n"
                         "    log: [0.5, 500, 37]\n"
                         "  - param: links.edge-cloud.latency_ms\n"
                         "    linear: [0, 200, 9]\n"
                         "    zip: z\n"
                         "  - param: availability.edg\n"
                         "    linear: [0.2, 1, 9]\n"
                         "    zip: z\n"
                         "  - param: input_mb\n"
                         "    values: [0.1, 8]\n");
  assert_int_equal(sim_engine_n_points(e), 37 * 9 * 2);
  char *d1 = make_dir(), *d2 = make_dir();
  write_tables(e, d1, 1);
  write_tables(e, d2, 2);
  const char *files[] = {"best.csv", "top.csv", "breakpoints.csv", "curves.csv",
                         "summary.csv"};
  for (size_t i = 0; i < 5; i++)
    if (!same_file(d1, d2, files[i]))
      fail_msg("%s differs between --jobs 1 and 2", files[i]);
  char *top = read_table(d1, "top.csv");
  assert_int_equal(count_lines(top), 1 + 37 * 9 * 2 * 3);
  free(top);
  char *bp = read_table(d1, "breakpoints.csv");
  /* exact rows everywhere: bandwidth, input size, and the zip group of
   * latency and availability (sim_zipline.c) */
  assert_non_null(strstr(bp, ",1,\"Device("));
  assert_null(strstr(bp, ",0,\"Device("));
  assert_non_null(strstr(bp, "links.edge-cloud.latency_ms,"));
  free(bp);
  sim_remove_tree(d1, NULL);
  sim_remove_tree(d2, NULL);
  free(d1);
  free(d2);
  sim_engine_free(e);
}

/* Exact breakpoints agree with a dense brute-force scan. */
static void test_breakpoints_match_scan(void **state) {
  (void)state;
  sim_engine *e = engine("models: [toy]\n"
                         "tiers: {device: [dev], edge: [edg], cloud: [cld]}\n"
                         "links:\n"
                         "  device-edge: {latency_ms: 5, bandwidth_mbps: 10}\n"
                         "  device-cloud: {latency_ms: 50, bandwidth_mbps: 5}\n"
                         "  edge-cloud: {latency_ms: 10, bandwidth_mbps: 100}\n"
                         "sweep:\n"
                         "  - param: links.device-edge.bandwidth_mbps\n"
                         "    log: [0.1, 1000, 2001]\n");
  char *dir = make_dir();
  write_tables(e, dir, 1);
  char *bp = read_table(dir, "breakpoints.csv");
  size_t nbp = count_lines(bp) - 1;
  assert_true(nbp >= 2);
  /* every change between neighbouring scan points has one breakpoint
   * between them, and vice versa */
  char *best = read_table(dir, "best.csv");
  size_t changes = 0, row = 1;
  char *prev[32], *cur[32];
  size_t np = csv_row(best, row, prev, 32);
  for (row = 2; row <= 2001; row++) {
    size_t nc = csv_row(best, row, cur, 32);
    if (strcmp(prev[3], cur[3]) != 0) {
      changes++;
      double lo = num(prev[1]), hi = num(cur[1]);
      int found = 0;
      for (size_t b = 1; b <= nbp; b++) {
        char *f[16];
        size_t n = csv_row(bp, b, f, 16);
        double v = num(f[3]);
        if (v > lo && v <= hi && strcmp(f[5], prev[3]) == 0 &&
            strcmp(f[6], cur[3]) == 0)
          found = 1;
        free_fields(f, n);
      }
      if (!found)
        fail_msg("no breakpoint between %g and %g (%s -> %s)", lo, hi, prev[3],
                 cur[3]);
    }
    free_fields(prev, np);
    memcpy(prev, cur, sizeof cur);
    np = nc;
  }
  free_fields(prev, np);
  assert_int_equal(changes, nbp);
  free(bp);
  free(best);
  sim_remove_tree(dir, NULL);
  free(dir);
  sim_engine_free(e);
}

static void test_errors(void **state) {
  (void)state;
  char buf[2048];
  engine_bad("models: [toy, resnet9]\n"
             "tiers: {device: [dev], cloud: [cld]}\n",
             NULL, buf, sizeof buf);
  assert_non_null(strstr(buf, "toy.yaml:1:15: error: unknown model "
                              "'resnet9'"));
  assert_non_null(strstr(buf, "known models: toy"));
  engine_bad("models: [toy]\n"
             "tiers:\n"
             "  device: [dev]\n"
             "  cloud: [cld, gpu9]\n",
             NULL, buf, sizeof buf);
  assert_non_null(strstr(buf, "toy.yaml:4:16: error: unknown system 'gpu9'"));
  assert_non_null(strstr(buf, "known systems: dev, cld, edg"));
  engine_bad("models: [toy]\n"
             "tiers: {device: [dev], edge: [edg], cloud: [cld]}\n"
             "links:\n"
             "  device-edge: {latency_ms: 5, bandwidth_mbps: 10}\n"
             "  edge-cloud: {latency_ms: 5, bandwidth_mbps: 10}\n"
             "  device-cloud: {latency_ms: 5}\n",
             NULL, buf, sizeof buf);
  assert_non_null(strstr(buf, "no link from 'dev' (device) to 'cld' "
                              "(cloud): bandwidth_mbps not set"));
  assert_non_null(strstr(buf, "links.device-cloud"));
  assert_non_null(strstr(buf, "toy.yaml:2:"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_best_points),
      cmocka_unit_test(test_best_csv),
      cmocka_unit_test(test_breakpoints_bandwidth),
      cmocka_unit_test(test_breakpoints_latency),
      cmocka_unit_test(test_breakpoints_availability),
      cmocka_unit_test(test_breakpoints_bisection),
      cmocka_unit_test(test_three_tiers_links),
      cmocka_unit_test(test_infeasible),
      cmocka_unit_test(test_jobs_identical),
      cmocka_unit_test(test_breakpoints_match_scan),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
