/* common/: the one strdup, grow, text buffer, CSV quoting rule and reader,
 * folder listing and SHA-256 (known answers from FIPS 180-4). */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ss_csv.h"
#include "common/ss_dir.h"
#include "common/ss_error.h"
#include "common/ss_io.h"
#include "common/ss_mem.h"
#include "common/ss_sha256.h"
#include "common/ss_yaml.h"

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

/* ---- the CSV reader ---- */

/* path: a new temporary file holding text[0..len) (caller unlinks). */
static void temp_file(char path[64], const char *text, size_t len) {
  snprintf(path, 64, "/tmp/test_csv_XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Every record of r as "line:f1|f2|..." lines, a quoted field in <...>;
 * the error as "E where msg" at the end. */
static void dump_records(ss_csv_reader *r, ss_buf *out) {
  ss_error err;
  ss_error_clear(&err);
  int rc;
  while ((rc = ss_csv_next(r, &err)) == 1) {
    ss_buf_printf(out, "%ld:", r->rec_line);
    for (size_t i = 0; i < r->n_fields; i++) {
      const ss_csv_cell *c = &r->fields[i];
      assert_int_equal(c->len, strlen(c->text));
      ss_buf_printf(out, c->quoted ? "%s<%s>" : "%s%s", i ? "|" : "", c->text);
    }
    ss_buf_char(out, '\n');
  }
  if (rc < 0)
    ss_buf_printf(out, "E %s %s", err.where, err.msg);
}

/* The same records and errors from text in memory and from a file. */
static void read_both(const char *text, size_t len, ss_buf *got) {
  ss_csv_reader r;
  ss_buf from_file = {0};
  assert_int_equal(ss_csv_open_text(&r, "t.csv", text, len, NULL), 0);
  dump_records(&r, got);
  ss_csv_close(&r);
  char path[64];
  temp_file(path, text, len);
  assert_int_equal(ss_csv_open(&r, path, NULL), 0);
  dump_records(&r, &from_file);
  ss_csv_close(&r);
  unlink(path);
  assert_string_equal(got->p ? got->p : "", from_file.p ? from_file.p : "");
  ss_buf_free(&from_file);
}

static void test_csv_read(void **state) {
  (void)state;
  static const struct {
    const char *text, *want;
  } cases[] = {
      {"a,b\n1,2\n", "1:a|b\n2:1|2\n"},
      {"\xEF\xBB\xBF"
       "a,b\r\n\r\n  \n1,\r\n",
       "1:a|b\n4:1|\n"},
      {"x\ry\r\nz", "1:x\n2:y\n3:z\n"},
      {"\"a,b\",\"say \"\"hi\"\"\"\n", "1:<a,b>|<say \"hi\">\n"},
      {"\"two\nlines\",x\nnext\n", "1:<two\nlines>|x\n3:next\n"},
      {"  \"q\"  , u \n\"\"\n", "1:<q>| u \n2:<>\n"},
      {"a,b\n1,x\"y\n", "1:a|b\nE 2 quote character inside unquoted field 2"},
      {"a\n\"x\"y\n", "1:a\nE 2 unexpected character 'y' after the closing "
                      "quote (field 1)"},
      {"a\n\n\"open\nmore\n", "1:a\nE 3 unterminated quoted field"},
      {"a\nb\0c\n", "1:a\nE 2 NUL byte at byte 3 (not a text file?)"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ss_buf got = {0};
    size_t len = strlen(cases[i].text);
    if (strstr(cases[i].want, "NUL byte"))
      len = 6;
    read_both(cases[i].text, len, &got);
    const char *g = got.p ? got.p : "";
    if (strncmp(g, cases[i].want, strlen(cases[i].want)) != 0)
      fail_msg("case %zu: got '%s', want '%s'", i, g, cases[i].want);
    ss_buf_free(&got);
  }
  ss_csv_reader r;
  ss_error err;
  assert_int_equal(ss_csv_open(&r, "/nonexistent/x.csv", &err), -1);
  assert_int_equal(err.kind, SS_ERR_IO);
  assert_non_null(strstr(err.msg, "cannot open"));
  ss_csv_close(&r);
  /* a record narrower than the header: a format error at its line */
  static const char narrow[] = "a,b,c\n1,2,3\n\n4,5\n";
  assert_int_equal(ss_csv_open_text(&r, "w.csv", narrow, strlen(narrow), &err),
                   0);
  assert_int_equal(ss_csv_next(&r, &err), 1);
  assert_int_equal(ss_csv_next(&r, &err), 1);
  assert_int_equal(ss_csv_check_width(&r, 3, &err), 0);
  assert_int_equal(ss_csv_next(&r, &err), 1);
  assert_int_equal(ss_csv_check_width(&r, 3, &err), -1);
  assert_int_equal(err.kind, SS_ERR_FORMAT);
  assert_string_equal(err.file, "w.csv");
  assert_string_equal(err.where, "4");
  assert_string_equal(err.msg, "2 fields, the header has 3");
  ss_csv_close(&r);
}

/* What the writer writes the reader reads back, over many read-ahead
 * chunks of a file (cells with commas, quotes, line ends and blanks). */
static void test_csv_round_trip(void **state) {
  (void)state;
  static const char *const cells[] = {"plain", "a, b",   "say \"hi\"", "",
                                      " lead", "trail ", "two\nlines", "é"};
  enum { ROWS = 6000, COLS = 5 };
  ss_buf text = {0};
  unsigned x = 12345;
  for (size_t r = 0; r < ROWS; r++)
    for (size_t c = 0; c < COLS; c++) {
      x = x * 1103515245u + 12345u;
      ss_csv_field(&text, cells[(x >> 16) % 8]);
      ss_buf_str(&text, c + 1 < COLS ? "," : (r % 2 ? "\r\n" : "\n"));
    }
  assert_true(text.len > 3 * 65536);
  char path[64];
  temp_file(path, text.p, text.len);
  ss_csv_reader rd;
  ss_error err;
  assert_int_equal(ss_csv_open(&rd, path, &err), 0);
  x = 12345;
  long line = 1;
  for (size_t r = 0; r < ROWS; r++) {
    assert_int_equal(ss_csv_next(&rd, &err), 1);
    assert_int_equal(rd.n_fields, COLS);
    assert_int_equal(rd.rec_line, line);
    for (size_t c = 0; c < COLS; c++) {
      x = x * 1103515245u + 12345u;
      const char *want = cells[(x >> 16) % 8];
      assert_string_equal(rd.fields[c].text, want);
      line += strchr(want, '\n') != NULL;
    }
    line++;
  }
  assert_int_equal(ss_csv_next(&rd, &err), 0);
  ss_csv_close(&rd);
  unlink(path);
  ss_buf_free(&text);
}

/* ---- folder listings ---- */

static void touch(const char *dir, const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fclose(f), 0);
}

static void expect_names(const char *dir, ss_dir_keep_fn keep, const void *ctx,
                         const char *want) {
  char **names;
  size_t n;
  ss_error err;
  assert_int_equal(ss_dir_list(dir, keep, ctx, &names, &n, &err), 0);
  ss_buf got = {0};
  for (size_t i = 0; i < n; i++)
    ss_buf_printf(&got, "%s%s", i ? " " : "", names[i]);
  assert_string_equal(got.p ? got.p : "", want);
  ss_buf_free(&got);
  ss_dir_names_free(names, n);
}

static void test_dir_list(void **state) {
  (void)state;
  char dir[] = "/tmp/test_dir_XXXXXX";
  assert_non_null(mkdtemp(dir));
  expect_names(dir, NULL, NULL, ""); /* empty: no "." or ".." */
  touch(dir, "b.dat");
  touch(dir, "a.dat");
  touch(dir, "c.txt");
  char sub[64];
  snprintf(sub, sizeof sub, "%s/sub.dat", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  expect_names(dir, NULL, NULL, "a.dat b.dat c.txt sub.dat");
  expect_names(dir, ss_dir_keep_suffix, ".dat", "a.dat b.dat sub.dat");
  expect_names(dir, ss_dir_keep_files, NULL, "a.dat b.dat c.txt");
  char **names;
  size_t n;
  ss_error err;
  assert_int_equal(ss_dir_list("/nonexistent/d", NULL, NULL, &names, &n, &err),
                   -1);
  assert_string_equal(err.file, "/nonexistent/d");
  assert_non_null(strstr(err.msg, "cannot open folder"));
  assert_null(names);
  static const char *const made[] = {"a.dat", "b.dat", "c.txt"};
  for (size_t i = 0; i < 3; i++) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, made[i]);
    assert_int_equal(unlink(path), 0);
  }
  assert_int_equal(rmdir(sub), 0);
  assert_int_equal(rmdir(dir), 0);
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

/* Names YAML would misread are written quoted, others as they are. */
static void test_yaml_names(void **state) {
  (void)state;
  static const char *const plain[] = {"xeon-1t", "6700k(GPU)", "vm2Core",
                                      "a_b.c/d+e", "nullx"};
  static const char *const quoted[] = {"",    "a: b", "x{y}", "#c",  " lead",
                                       "a b", "null", "No",   "~",   "-x",
                                       "[s]", "a,b",  "é",    "'q'", "a\"b"};
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
    assert_true(ss_yaml_plain_ok(plain[i]));
  for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++)
    if (ss_yaml_plain_ok(quoted[i]))
      fail_msg("'%s' written plain", quoted[i]);
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&text, &len);
  assert_non_null(fp);
  ss_yaml_name(fp, "xeon-1t");
  fputc(' ', fp);
  ss_yaml_name(fp, "a: \"b\"\\\t");
  assert_int_equal(fclose(fp), 0);
  assert_string_equal(text, "xeon-1t \"a: \\\"b\\\"\\\\\\x09\"");
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strdup_grow), cmocka_unit_test(test_buf),
      cmocka_unit_test(test_csv_rule),    cmocka_unit_test(test_sha256),
      cmocka_unit_test(test_io_kinds),    cmocka_unit_test(test_csv_read),
      cmocka_unit_test(test_yaml_names),  cmocka_unit_test(test_csv_round_trip),
      cmocka_unit_test(test_dir_list),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
