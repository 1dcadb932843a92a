/* splitsim calibrate's library: validation.csv reading (one fixture per bad
 * input) and the least-squares fit against closed forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/testutil.h"

#include "common/ss_mem.h"
#include "scenarios/scenario.h"
#include "sim/sim_calibrate.h"

/* Rows that follow the model exactly: measured = scale * compute + latency
 * + overhead + bytes / (efficiency * nominal rate). */
static void make_rows(sim_val_data *d, double eff, double over_ms,
                      double dev_scale, double edge_scale) {
  static const double bw[] = {10, 20, 100};
  static const double bytes[] = {602112, 4000, 1605632, 200704, 50176};
  static const double comp[] = {0.05, 0.021, 0.013, 0.04, 0.0301};
  memset(d, 0, sizeof *d);
  d->n = 15;
  d->rows = calloc(d->n, sizeof *d->rows);
  assert_non_null(d->rows);
  for (size_t i = 0; i < d->n; i++) {
    sim_val_row *r = &d->rows[i];
    r->line = (long)i + 2;
    r->model = ss_strdup(i % 2 ? "m1" : "m0");
    assert_non_null(r->model);
    r->cut_block = (long)i % 5;
    r->bytes = bytes[i % 5];
    r->bandwidth_mbps = bw[i / 5];
    r->latency_ms = (i % 3) * 1.5;
    r->device_s = comp[i % 5] * 0.4;
    r->edge_s = comp[(i + 2) % 5] * 0.6;
    double t = r->bytes / (r->bandwidth_mbps * 125000.0);
    r->predicted_s = r->device_s + r->edge_s + r->latency_ms / 1000.0 + t;
    r->measured_s = dev_scale * r->device_s + edge_scale * r->edge_s +
                    (r->latency_ms + over_ms) / 1000.0 + t / eff;
  }
}

static void fit_ok(const sim_val_data *d, sim_calibrate_compute mode,
                   sim_calibration *c) {
  ss_error err;
  ss_error_clear(&err);
  if (sim_calibrate_fit(d, mode, c, NULL, "mem", &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
}

/* Exact data: the fit finds the parameters and the error vanishes. */
static void test_fit_recovers_parameters(void **state) {
  (void)state;
  sim_val_data d;
  make_rows(&d, 0.953, 0.42, 1.0, 1.0);
  sim_calibration c;
  fit_ok(&d, SIM_CALIBRATE_LINK, &c);
  assert_close(c.efficiency, 0.953, 1e-9);
  assert_close(c.overhead_ms, 0.42, 1e-7);
  assert_close(c.device_scale, 1.0, 0);
  assert_close(c.edge_scale, 1.0, 0);
  assert_int_equal(c.fit_compute, 0);
  assert_true(c.after_max < 1e-9);
  assert_true(c.before_max > 0.01);
  /* AUTO: the compute scales gain nothing on exact link-only data. */
  fit_ok(&d, SIM_CALIBRATE_AUTO, &c);
  assert_int_equal(c.fit_compute, 0);
  assert_close(c.efficiency, 0.953, 1e-9);
  sim_val_free(&d);
  /* With compute scales as well: forced, and found by AUTO. */
  make_rows(&d, 0.9, 1.25, 1.08, 1.02);
  for (int mode = SIM_CALIBRATE_AUTO; mode <= SIM_CALIBRATE_COMPUTE;
       mode += 2) {
    fit_ok(&d, (sim_calibrate_compute)mode, &c);
    assert_int_equal(c.fit_compute, 1);
    assert_close(c.efficiency, 0.9, 1e-9);
    assert_close(c.overhead_ms, 1.25, 1e-7);
    assert_close(c.device_scale, 1.08, 1e-9);
    assert_close(c.edge_scale, 1.02, 1e-9);
    assert_true(c.after_max < 1e-9);
  }
  /* The link-only fit of the same data leaves an error. */
  fit_ok(&d, SIM_CALIBRATE_LINK, &c);
  assert_true(c.after_max > 1e-4);
  sim_val_free(&d);
}

/* A compute scale below 1 is held at 1 (availability cannot exceed 1). */
static void test_compute_scale_bounded(void **state) {
  (void)state;
  sim_val_data d;
  make_rows(&d, 0.95, 0.5, 0.9, 1.05);
  sim_calibration c;
  fit_ok(&d, SIM_CALIBRATE_COMPUTE, &c);
  assert_close(c.device_scale, 1.0, 0);
  assert_true(c.edge_scale >= 1.0);
  assert_true(c.overhead_ms >= 0.0);
  sim_val_free(&d);
}

/* A negative overhead is not physical: the fit keeps it at 0 and fits the
 * efficiency alone, which then equals the 1-parameter closed form. */
static void test_negative_overhead_clamped(void **state) {
  (void)state;
  sim_val_data d;
  make_rows(&d, 0.97, -0.8, 1.0, 1.0);
  sim_calibration c;
  fit_ok(&d, SIM_CALIBRATE_LINK, &c);
  assert_close(c.overhead_ms, 0.0, 0);
  /* Closed form of min sum w (y - k t)^2: k = sum w t y / sum w t^2. */
  double num = 0, den = 0;
  for (size_t i = 0; i < d.n; i++) {
    const sim_val_row *r = &d.rows[i];
    double t = r->bytes / (r->bandwidth_mbps * 125000.0);
    double y = r->measured_s - r->latency_ms / 1000.0 - r->device_s - r->edge_s;
    double w = 1.0 / (r->measured_s * r->measured_s);
    num += w * t * y;
    den += w * t * t;
  }
  assert_close(c.efficiency, den / num, 1e-9);
  sim_val_free(&d);
}

/* Median and maximum of |p/m - 1| against a brute-force count. */
static void test_errors_median_max(void **state) {
  (void)state;
  sim_val_row rows[4];
  memset(rows, 0, sizeof rows);
  double meas[] = {1.0, 2.0, 4.0, 0.5};
  double pred[] = {1.1, 1.9, 4.0, 0.6};
  for (int i = 0; i < 4; i++) {
    rows[i].measured_s = meas[i];
    rows[i].predicted_s = pred[i];
  }
  sim_val_data d;
  memset(&d, 0, sizeof d);
  d.n = 4;
  d.rows = rows;
  double med, max;
  sim_val_errors(&d, NULL, &med, &max);
  /* |errors| = 0.1, 0.05, 0, 0.2 -> sorted 0, 0.05, 0.1, 0.2 */
  assert_close(med, 0.075, 1e-12);
  assert_close(max, 0.2, 1e-12);
  double other[] = {1.0, 2.0, 4.0, 0.5};
  sim_val_errors(&d, other, &med, &max);
  assert_close(max, 0.0, 0);
}

/* The committed measured fixture reads and fits. */
static void test_read_good(void **state) {
  (void)state;
  sim_val_data d;
  ss_error err;
  if (sim_val_read("tests/fixtures/validation/good.csv", &d, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_true(d.n >= 6);
  assert_string_equal(d.rows[0].model, "resnet18");
  assert_int_equal(d.n, 45);
  assert_int_equal(d.rows[0].line, 2);
  assert_string_equal(d.device_system, "validate-device");
  assert_string_equal(d.edge_system, "validate-edge");
  sim_calibration c;
  fit_ok(&d, SIM_CALIBRATE_AUTO, &c);
  /* The fit minimises the sum of squared relative errors over parameters
   * that include the uncalibrated ones: it cannot be worse there. */
  double before = 0, after = 0;
  for (size_t i = 0; i < d.n; i++) {
    const sim_val_row *r = &d.rows[i];
    before += pow(r->predicted_s / r->measured_s - 1, 2);
    after += pow(sim_calibrated_s(r, &c) / r->measured_s - 1, 2);
  }
  assert_true(after <= before);
  assert_close(after, c.chisq, 1e-12);
  assert_true(c.efficiency > 0.5 && c.efficiency <= SIM_EFFICIENCY_MAX);
  sim_val_free(&d);
}

/* Model and system names of any length come back whole (no silent
 * truncation); an empty system name counts as absent. */
static void test_long_names(void **state) {
  (void)state;
  char model[301], dev[201], text[4096];
  memset(model, 'm', sizeof model - 1);
  model[sizeof model - 1] = 0;
  memset(dev, 'd', sizeof dev - 1);
  dev[sizeof dev - 1] = 0;
  int n = snprintf(text, sizeof text,
                   "model,cut_block,bytes,bandwidth_mbps,latency_ms,"
                   "predicted_s,measured_s,predicted_device_s,"
                   "predicted_edge_s,device_system,edge_system\n"
                   "%s,1,0,10,0,0.3,0.31,0.1,0.2,%s,\n"
                   "%s,2,0,10,0,0.3,0.32,0.2,0.1,x,y\n"
                   "%s-2,3,0,10,0,0.3,0.33,0.25,0.05,x,y\n",
                   model, dev, model, model);
  assert_true(n > 0 && (size_t)n < sizeof text);
  sim_val_data d;
  ss_error err;
  if (sim_val_parse("long.csv", text, (size_t)n, &d, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(d.n, 3);
  assert_string_equal(d.rows[0].model, model);
  assert_string_equal(d.rows[1].model, model);
  assert_int_equal(strlen(d.rows[2].model), 302);
  assert_string_equal(d.device_system, dev);
  assert_null(d.edge_system); /* empty in the first row */
  sim_val_free(&d);
  assert_null(d.rows);
}

struct bad_case {
  const char *file;
  const char *where; /* expected line ("" = the file only) */
  const char *text;  /* expected part of the message */
  int fit;           /* the error comes from the fit, not the reader */
};

static const struct bad_case bad_cases[] = {
    {"empty.csv", "1", "empty file", 0},
    {"header_only.csv", "1", "no rows after the header", 0},
    {"one_row.csv", "2", "only one row", 0},
    {"missing_column.csv", "1", "missing column 'measured_s'", 0},
    {"nan.csv", "3", "column 'measured_s': not a finite number: 'nan'", 0},
    {"inf.csv", "4", "column 'bytes': not a finite number: 'inf'", 0},
    {"text_number.csv", "2", "column 'bandwidth_mbps': not a finite number", 0},
    {"zero_measured.csv", "3", "column 'measured_s': must be above 0", 0},
    {"field_count.csv", "3", "18 fields, the header has 19", 0},
    {"unterminated.csv", "2", "unterminated quote", 0},
    {"bad_cut.csv", "2", "column 'cut_block': not a block number", 0},
    {"inconsistent.csv", "3", "predicted_s 0.5 is not predicted_device_s", 1},
    {"same_transfer.csv", "", "every row has the same transfer time", 1},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const struct bad_case *bc = &bad_cases[i];
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/validation/%s", bc->file);
    sim_val_data d;
    ss_error err;
    ss_error_clear(&err);
    int rc = sim_val_read(path, &d, &err);
    if (bc->fit) {
      if (rc != 0)
        fail_msg("%s: read failed: %s", bc->file, err.msg);
      sim_calibration c;
      rc = sim_calibrate_fit(&d, SIM_CALIBRATE_LINK, &c, NULL, path, &err);
      sim_val_free(&d);
    } else {
      assert_null(d.rows);
    }
    if (rc != -1)
      fail_msg("%s: accepted", bc->file);
    if (strcmp(err.file, path) != 0 || strcmp(err.where, bc->where) != 0 ||
        !strstr(err.msg, bc->text))
      fail_msg("%s: got %s:%s: %s; expected line '%s' and '%s'", bc->file,
               err.file, err.where, err.msg, bc->where, bc->text);
  }
}

static void test_missing_file(void **state) {
  (void)state;
  sim_val_data d;
  ss_error err;
  assert_int_equal(sim_val_read("tests/fixtures/validation/nope.csv", &d, &err),
                   -1);
  assert_string_equal(err.file, "tests/fixtures/validation/nope.csv");
}

/* The scenario snippet of a fit pastes into a scenario as it is, whatever
 * the systems are called: names YAML would misread are quoted. */
static void test_snippet_round_trip(void **state) {
  (void)state;
  sim_val_data d;
  memset(&d, 0, sizeof d);
  d.device_system = ss_strdup("a: b{c}");
  d.edge_system = ss_strdup(" lead #x, [y]");
  assert_non_null(d.device_system);
  assert_non_null(d.edge_system);
  sim_calibration c;
  memset(&c, 0, sizeof c);
  c.efficiency = 0.9;
  c.overhead_ms = 1.5;
  c.device_scale = 2;
  c.edge_scale = 1.25;
  c.fit_compute = 1;
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&text, &len);
  assert_non_null(fp);
  fputs("tiers: {device: [\"a: b{c}\"], edge: [\" lead #x, [y]\"]}\n", fp);
  sim_calibration_snippet(fp, &d, &c, "device-edge");
  assert_int_equal(fclose(fp), 0);
  assert_non_null(strstr(text, "availability: {\"a: b{c}\": 0.5000, "
                               "\" lead #x, [y]\": 0.8000}\n"));
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (scn_load_text(text, len, "snippet.yaml", NULL, &s, &err) != 0)
    fail_msg("%s:%s: %s\n%s", err.file, err.where, err.msg, text);
  long dev = scn_system_index(s, "a: b{c}");
  long edge = scn_system_index(s, " lead #x, [y]");
  assert_true(dev >= 0 && edge >= 0);
  assert_close(s->systems[dev].availability, 0.5, 0);
  assert_close(s->systems[edge].availability, 0.8, 0);
  assert_int_equal(s->n_links, 1);
  assert_close(s->links[0].efficiency, 0.9, 0);
  assert_close(s->links[0].overhead_ms, 1.5, 0);
  scn_free(s);
  free(text);
  sim_val_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fit_recovers_parameters),
      cmocka_unit_test(test_compute_scale_bounded),
      cmocka_unit_test(test_negative_overhead_clamped),
      cmocka_unit_test(test_errors_median_max),
      cmocka_unit_test(test_read_good),
      cmocka_unit_test(test_long_names),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_snippet_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
