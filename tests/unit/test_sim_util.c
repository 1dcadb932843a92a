/* sim/ helpers: fast number text (same bytes as ss_fmt_double), SHA-256,
 * the lower envelope, and the ordered task runner. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include "common/ss_csv.h"
#include "common/ss_io.h"
#include "common/ss_mem.h"
#include "common/ss_sha256.h"
#include "sim/sim.h"
#include "sim/sim_analysis_internal.h"
#include "sim/sim_fmt_internal.h"
#include "sim/sim_tasks_internal.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void check_fmt(double x) {
  char a[SS_DOUBLE_BUFSIZE], b[SS_DOUBLE_BUFSIZE];
  ss_fmt_double(a, x);
  size_t n = sim_fmt_double(b, x);
  if (strcmp(a, b) != 0)
    fail_msg("%.17g: ss_fmt_double '%s', sim_fmt_double '%s'", x, a, b);
  assert_int_equal(n, strlen(b));
}

static void test_fmt_known(void **state) {
  (void)state;
  char b[SS_DOUBLE_BUFSIZE];
  sim_fmt_double(b, 0.1);
  assert_string_equal(b, "0.1");
  sim_fmt_double(b, 602112);
  assert_string_equal(b, "602112");
  sim_fmt_double(b, 1.0 / 3);
  assert_string_equal(b, "0.3333333333333333");
  sim_fmt_double(b, 2.734749174118042);
  assert_string_equal(b, "2.734749174118042");
  sim_fmt_double(b, 1e-5);
  assert_string_equal(b, "1e-05");
  sim_fmt_double(b, 0.0001);
  assert_string_equal(b, "0.0001");
  sim_fmt_double(b, -12.5);
  assert_string_equal(b, "-12.5");
  sim_fmt_double(b, 0.0);
  assert_string_equal(b, "0");
  sim_fmt_double(b, 1e300);
  assert_string_equal(b, "1e+300");
  double edge[] = {1e-11,
                   9.999999999999999e-12,
                   1e15,
                   999999999999999.9,
                   123456789012345.6,
                   5e-324,
                   2.2250738585072014e-308,
                   0.30000000000000004,
                   1e14,
                   99999.99999999999,
                   1e-4,
                   9.99999999999999e-5};
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    check_fmt(edge[i]);
    check_fmt(-edge[i]);
  }
}

/* Random doubles of every kind: raw bit patterns, every decade of the fast
 * range, short decimals, neighbours of powers of ten. */
static void test_fmt_random(void **state) {
  (void)state;
  for (long i = 0; i < 200000; i++) {
    double x;
    switch (i % 5) {
    case 0: {
      uint64_t bits = rnd();
      memcpy(&x, &bits, sizeof x);
      if (isnan(x))
        continue;
      break;
    }
    case 1:
      x = ldexp((double)(rnd() >> 11), -53) *
          pow(10, (double)((int)(rnd() % 30) - 13));
      break;
    case 2:
      x = (double)(rnd() % 1000000) / pow(10, (double)(rnd() % 12));
      break;
    case 3:
      x = nextafter(pow(10, (double)((int)(rnd() % 28) - 12)),
                    (rnd() & 1) ? 0 : 1e300);
      break;
    default:
      x = ldexp(1.0, (int)(rnd() % 90) - 45); /* powers of two */
      break;
    }
    check_fmt(x);
  }
}

static void test_buf_csv(void **state) {
  (void)state;
  ss_buf b = {0};
  ss_csv_field(&b, "plain");
  ss_buf_char(&b, '|');
  ss_csv_field(&b, "a, b");
  ss_buf_char(&b, '|');
  ss_csv_field(&b, "say \"hi\"");
  ss_buf_char(&b, '|');
  sim_buf_num(&b, NAN);
  ss_buf_char(&b, '|');
  sim_buf_u64(&b, 0);
  ss_buf_char(&b, '|');
  sim_buf_u64(&b, 18446744073709551615ULL);
  assert_string_equal(b.p, "plain|\"a, b\"|\"say \"\"hi\"\"\"||0|"
                           "18446744073709551615");
  ss_buf_free(&b);
}

static void sha_hex_of(const char *text, size_t len, char hex[65]) {
  ss_sha256 c;
  unsigned char d[32];
  ss_sha256_init(&c);
  ss_sha256_update(&c, text, len);
  ss_sha256_final(&c, d);
  ss_sha256_hex(d, hex);
}

static void test_sha256(void **state) {
  (void)state;
  char hex[65];
  sha_hex_of("", 0, hex);
  assert_string_equal(
      hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha_hex_of("abc", 3, hex);
  assert_string_equal(
      hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha_hex_of(two, strlen(two), hex);
  assert_string_equal(
      hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* a million 'a', fed in uneven pieces */
  ss_sha256 c;
  unsigned char d[32];
  char chunk[997];
  memset(chunk, 'a', sizeof chunk);
  ss_sha256_init(&c);
  size_t left = 1000000;
  while (left) {
    size_t n = left < sizeof chunk ? left : sizeof chunk;
    ss_sha256_update(&c, chunk, n);
    left -= n;
  }
  ss_sha256_final(&c, d);
  ss_sha256_hex(d, hex);
  assert_string_equal(
      hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_path(void **state) {
  (void)state;
  char dir[] = "/tmp/test_sim_util_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256], hex[65], hex2[65];
  /* an empty folder (issue 18.9: no NULL to qsort, UBSan) hashes to "" */
  assert_int_equal(ss_sha256_path(dir, hex, NULL), 0);
  assert_string_equal(
      hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  snprintf(path, sizeof path, "%s/a.dat", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("abc", fp);
  fclose(fp);
  assert_int_equal(ss_sha256_path(path, hex, NULL), 0);
  assert_string_equal(
      hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* a folder: the listing of its .dat files, other files ignored */
  assert_int_equal(ss_sha256_path(dir, hex, NULL), 0);
  char listing[200];
  snprintf(listing, sizeof listing, "a.dat\n%s\n",
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  sha_hex_of(listing, strlen(listing), hex2);
  assert_string_equal(hex, hex2);
  snprintf(path, sizeof path, "%s/notes.txt", dir);
  fp = fopen(path, "w");
  fputs("x", fp);
  fclose(fp);
  assert_int_equal(ss_sha256_path(dir, hex2, NULL), 0);
  assert_string_equal(hex, hex2);
  ss_error err;
  snprintf(path, sizeof path, "%s/missing", dir);
  assert_int_equal(ss_sha256_path(path, hex, &err), -1);
  assert_non_null(strstr(err.msg, "cannot read"));
  assert_int_equal(sim_remove_tree(dir, NULL), 0);
}

/* Lines 0.3 + 8u, 1.2 + 4u, 2.1 + u, 3 (the toy model of test_sim.c in
 * units of 1e-6): the envelope changes at u = 0.225, 0.3, 0.9. */
static void test_envelope(void **state) {
  (void)state;
  double a[] = {0.3, 1.2, 2.1, 3.0, 5.0};
  double b[] = {8, 4, 1, 0, 0};
  unsigned char use[] = {1, 1, 1, 1, 1};
  size_t start, n;
  sim_break *br;
  assert_int_equal(sim_envelope(a, b, use, 5, 0, 2, &start, &br, &n), 0);
  assert_int_equal(start, 0);
  assert_int_equal(n, 3);
  assert_close(br[0].u, 0.225, 1e-15);
  assert_int_equal(br[0].before, 0);
  assert_int_equal(br[0].after, 1);
  assert_close(br[1].u, 0.3, 1e-15);
  assert_int_equal(br[1].after, 2);
  assert_close(br[2].u, 0.9, 1e-15);
  assert_int_equal(br[2].after, 3);
  free(br);
  /* a sub-range: only the breakpoints strictly inside */
  assert_int_equal(sim_envelope(a, b, use, 5, 0.3, 0.5, &start, &br, &n), 0);
  assert_int_equal(start, 2); /* the flatter of the two tied at 0.3 */
  assert_int_equal(n, 0);
  free(br);
  /* unused lines are ignored; duplicates count once (lower index) */
  double a2[] = {1, 1, 0.5, 2};
  double b2[] = {1, 1, 3, 0};
  unsigned char use2[] = {1, 1, 0, 1};
  assert_int_equal(sim_envelope(a2, b2, use2, 4, 0, 10, &start, &br, &n), 0);
  assert_int_equal(start, 0);
  assert_int_equal(n, 1);
  assert_close(br[0].u, 1, 1e-15);
  assert_int_equal(br[0].before, 0);
  assert_int_equal(br[0].after, 3);
  free(br);
  unsigned char none[] = {0, 0, 0, 0};
  assert_int_equal(sim_envelope(a2, b2, none, 4, 0, 10, &start, &br, &n), -1);
}

/* Tasks write their number; commits must come in order. */
static int task_fn(void *worker, size_t task, ss_buf *out, ss_error *err) {
  (void)err;
  int *calls = worker;
  (*calls)++;
  sim_buf_u64(out, task);
  ss_buf_char(out, '\n');
  if (task == 77777)
    return ss_error_set(err, NULL, NULL, "task %zu failed", task);
  return 0;
}

static int commit_fn(void *ctx, void *worker, size_t task, const ss_buf *out,
                     ss_error *err) {
  (void)worker;
  (void)err;
  ss_buf *all = ctx;
  char want[32];
  snprintf(want, sizeof want, "%zu\n", task);
  if (strcmp(out->p, want) != 0)
    return ss_error_set(err, NULL, NULL, "out of order");
  ss_buf_add(all, out->p, out->len);
  return 0;
}

static void test_tasks_ordered(void **state) {
  (void)state;
  for (size_t workers = 1; workers <= 3; workers++) {
    int calls[3] = {0, 0, 0};
    void *wp[3] = {&calls[0], &calls[1], &calls[2]};
    ss_buf all = {0};
    ss_error err;
    assert_int_equal(
        sim_run_tasks(500, workers, wp, task_fn, commit_fn, &all, NULL, &err),
        0);
    assert_int_equal(calls[0] + calls[1] + calls[2], 500);
    ss_buf want = {0};
    for (size_t t = 0; t < 500; t++) {
      sim_buf_u64(&want, t);
      ss_buf_char(&want, '\n');
    }
    assert_string_equal(all.p, want.p);
    ss_buf_free(&all);
    ss_buf_free(&want);
  }
}

static void test_tasks_error_and_cancel(void **state) {
  (void)state;
  int calls[2] = {0, 0};
  void *wp[2] = {&calls[0], &calls[1]};
  ss_buf all = {0};
  ss_error err;
  ss_error_clear(&err);
  assert_int_equal(
      sim_run_tasks(80000, 2, wp, task_fn, commit_fn, &all, NULL, &err), -1);
  assert_string_equal(err.msg, "task 77777 failed");
  ss_buf_free(&all);
  volatile sig_atomic_t stop = 1;
  for (size_t w = 1; w <= 2; w++) {
    ss_error_clear(&err);
    assert_int_equal(
        sim_run_tasks(10, w, wp, task_fn, commit_fn, &all, &stop, &err), -1);
    assert_true(sim_interrupted(&err));
  }
  ss_buf_free(&all);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fmt_known),
      cmocka_unit_test(test_fmt_random),
      cmocka_unit_test(test_buf_csv),
      cmocka_unit_test(test_sha256),
      cmocka_unit_test(test_sha256_path),
      cmocka_unit_test(test_envelope),
      cmocka_unit_test(test_tasks_ordered),
      cmocka_unit_test(test_tasks_error_and_cancel),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
