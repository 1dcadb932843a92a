/* The profile model: calibration factor, limits, boundary checks. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "profiles/profile.h"
#include "tests/unit/testutil.h"

/* A model with blocks of the given times (layers b..b). */
static void make_model(prof_model *m, const char *name, const double *t,
                       size_t n, double whole_s) {
  memset(m, 0, sizeof *m);
  m->name = ss_strdup(name);
  m->input_bytes = -1;
  m->whole_model_time_s = whole_s;
  m->n_blocks = n;
  m->blocks = calloc(n, sizeof *m->blocks);
  for (size_t b = 0; b < n; b++) {
    m->blocks[b].first_layer = m->blocks[b].last_layer = (int64_t)b;
    m->blocks[b].time_s = t[b];
    m->blocks[b].time_s_p10 = m->blocks[b].time_s_p90 = NAN;
    m->blocks[b].output_bytes = 8;
  }
}

static void test_calibration(void **state) {
  (void)state;
  prof_model m;
  const double t[] = {0.25, 0.5, 0.25};
  make_model(&m, "x", t, 3, 0.5); /* sum 1 s, whole 0.5 s */
  assert_close(prof_model_sum_time_s(&m), 1.0, 0);
  assert_close(prof_model_calibration(&m), 0.5, 0);
  m.whole_model_time_s = NAN; /* unknown: no scaling */
  assert_close(prof_model_calibration(&m), 1.0, 0);
  prof_model_clear(&m);
  const double z[] = {0, 0};
  make_model(&m, "z", z, 2, 0.5); /* all-zero blocks: no scaling */
  assert_close(prof_model_calibration(&m), 1.0, 0);
  prof_model_clear(&m);
}

static prof_system make_system(const char *name, const int64_t *bounds,
                               size_t n) {
  prof_system s;
  memset(&s, 0, sizeof s);
  s.name = ss_strdup(name);
  s.n_models = 1;
  s.models = calloc(1, sizeof *s.models);
  const double t[] = {1, 1, 1, 1};
  make_model(&s.models[0], "m", t, n, NAN);
  for (size_t b = 0; b < n; b++)
    s.models[0].blocks[b].last_layer = bounds[b];
  return s;
}

static void test_put_system_checks_boundaries(void **state) {
  (void)state;
  prof_set *set = prof_set_new();
  const int64_t a[] = {0, 1, 2}, b[] = {0, 2, 2};
  prof_system s1 = make_system("one", a, 3), s2 = make_system("two", b, 3);
  int replaced = -1;
  ss_error err;
  assert_int_equal(prof_set_put_system(set, &s1, &replaced, &err), 0);
  assert_int_equal(replaced, 0);
  assert_int_equal(prof_set_put_system(set, &s2, &replaced, &err), -1);
  assert_non_null(strstr(err.msg, "system 'two' differ from system 'one' "
                                  "at block 1"));
  assert_int_equal(set->n_systems, 1);
  prof_system_clear(&s2);
  prof_system s3 = make_system("one", a, 3); /* same name: replaces */
  assert_int_equal(prof_set_put_system(set, &s3, &replaced, &err), 0);
  assert_int_equal(replaced, 1);
  assert_int_equal(set->n_systems, 1);
  prof_set_free(set);
  prof_set_free(NULL); /* accepted */
}

static void test_validate_rejects_bad_values(void **state) {
  (void)state;
  const int64_t a[] = {0, 1, 2};
  prof_system s = make_system("one", a, 3);
  ss_error err;
  assert_int_equal(prof_system_validate(&s, &err), 0);
  s.models[0].blocks[1].time_s = -1;
  assert_int_equal(prof_system_validate(&s, &err), -1);
  assert_non_null(strstr(err.msg, "block 1: time is NaN, infinite or "
                                  "negative"));
  s.models[0].blocks[1].time_s = NAN;
  assert_int_equal(prof_system_validate(&s, &err), -1);
  s.models[0].blocks[1].time_s = 1;
  s.models[0].blocks[2].output_bytes = -3;
  assert_int_equal(prof_system_validate(&s, &err), -1);
  assert_non_null(strstr(err.msg, "output bytes are negative"));
  prof_system_clear(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_calibration),
      cmocka_unit_test(test_put_system_checks_boundaries),
      cmocka_unit_test(test_validate_rejects_bad_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
