/* common/: the one strdup, grow, text buffer, CSV quoting rule and
 * SHA-256 (known answers from FIPS 180-4). */
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

static void test_strdup_grow(void **state) {
  (void)state;
  assert_null(ss_strdup(NULL));
  char *s = ss_strdup("abc");
  assert_string_equal(s, "abc");
  free(s);
  int *a = NULL;
  size_t cap = 0;
  assert_int_equal(ss_grow((void **)&a, &cap, 5, sizeof *a, 4), 0);
  assert_true(cap >= 5 && cap == 8); /* doubled from 4 */
  a[4] = 7;
  assert_int_equal(ss_grow((void **)&a, &cap, 3, sizeof *a, 4), 0);
  assert_int_equal(cap, 8); /* enough already */
  assert_int_equal(a[4], 7);
  /* sizes that overflow are refused, the array is left as it was */
  assert_int_equal(ss_grow((void **)&a, &cap, SIZE_MAX / 2, sizeof *a, 4), -1);
  assert_int_equal(ss_grow((void **)&a, &cap, SIZE_MAX, 1, 4), -1);
  assert_int_equal(cap, 8);
  assert_int_equal(a[4], 7);
  free(a);
}

static void test_buf(void **state) {
  (void)state;
  ss_buf b = {0};
  char *t = ss_buf_take(&b);
  assert_string_equal(t, ""); /* empty, not NULL */
  free(t);
  ss_buf_str(&b, "x=");
  ss_buf_printf(&b, "%d", 42);
  ss_buf_char(&b, ';');
  char big[600];
  memset(big, 'y', sizeof big - 1);
  big[sizeof big - 1] = 0;
  ss_buf_printf(&b, "%s", big); /* longer than the printf fast path */
  assert_int_equal(b.len, 5 + 599);
  assert_int_equal(strncmp(b.p, "x=42;y", 6), 0);
  assert_int_equal(b.p[b.len], 0);
  t = ss_buf_take(&b);
  assert_null(b.p);
  assert_int_equal(b.len, 0);
  free(t);
  b.oom = 1; /* after a failed allocation appends are dropped */
  ss_buf_str(&b, "z");
  assert_null(b.p);
  assert_null(ss_buf_take(&b));
  ss_buf_free(NULL);
}

static void test_csv_rule(void **state) {
  (void)state;
  static const char *const in[] = {"plain", "a, b",    "say \"hi\"", "",
                                   " lead", "trail\t", "two\nlines", "mid dle"};
  static const char *const want[] = {
      "plain",     "\"a, b\"",    "\"say \"\"hi\"\"\"", "\"\"",
      "\" lead\"", "\"trail\t\"", "\"two\nlines\"",     "mid dle"};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    ss_buf b = {0};
    ss_csv_field(&b, in[i]);
    assert_string_equal(b.p, want[i]);
    ss_buf_free(&b);
  }
  ss_buf b = {0};
  ss_csv_field(&b, NULL); /* no value: nothing */
  assert_null(b.p);
}

static void sha_hex(const char *msg, size_t reps, char hex[65]) {
  ss_sha256 c;
  unsigned char d[32];
  ss_sha256_init(&c);
  for (size_t i = 0; i < reps; i++)
    ss_sha256_update(&c, msg, strlen(msg));
  ss_sha256_final(&c, d);
  ss_sha256_hex(d, hex);
}

static void test_sha256(void **state) {
  (void)state;
  char hex[65];
  sha_hex("abc", 1, hex);
  assert_string_equal(
      hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  sha_hex("", 1, hex);
  assert_string_equal(
      hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, hex);
  assert_string_equal(
      hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  sha_hex("a", 1000000, hex);
  assert_string_equal(
      hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* File errors carry their kind; the messages stay as they were. */
static void test_io_kinds(void **state) {
  (void)state;
  ss_error e;
  size_t len;
  ss_error_clear(&e);
  assert_null(ss_read_file("/nonexistent/x.csv", 100, &len, &e));
  assert_int_equal(e.kind, SS_ERR_NOT_FOUND);
  assert_non_null(strstr(e.msg, "cannot open"));
  assert_null(ss_read_file(".", 100, &len, &e));
  assert_int_equal(e.kind, SS_ERR_INVALID);
  assert_string_equal(e.msg, "is a directory, not a file");
  assert_null(ss_read_file("Makefile", 10, &len, &e));
  assert_int_equal(e.kind, SS_ERR_INVALID);
  assert_non_null(strstr(e.msg, "larger than the limit of 10 bytes"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strdup_grow), cmocka_unit_test(test_buf),
      cmocka_unit_test(test_csv_rule),    cmocka_unit_test(test_sha256),
      cmocka_unit_test(test_io_kinds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
