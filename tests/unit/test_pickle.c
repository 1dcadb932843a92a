/* The restricted pickle decoder (profiles/pickle.c): values it must read
 * exactly, and every kind of input it must refuse, with the message and the
 * byte offset it must name. Fixtures: tests/fixtures/pickle/ (made by
 * make_fixtures.py); small hand-written pickles are spelled out inline. */
/* cmocka.h needs these four headers first. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include "common/ss_io.h"
#include "profiles/pickle_internal.h"

#define FIX "tests/fixtures/pickle/"

static const pk_global lb_only[] = {{"__main__", "LayerBenchmark"}};
static const pk_options lb_opt = {lb_only, 1, {0, 0, 0, 0}};

#define assert_contains(hay, needle)                                           \
  do {                                                                         \
    if (!strstr((hay), (needle)))                                              \
      fail_msg("message '%s' does not contain '%s'", (hay), (needle));         \
  } while (0)

/* Decode a byte string expected to fail; check place and message parts. */
static void expect_fail_opt(const unsigned char *p, size_t n,
                            const pk_options *opt, const char *where,
                            const char *part1, const char *part2) {
  ss_error err;
  ss_error_clear(&err);
  pk_doc *doc = (pk_doc *)1;
  int rc = pk_decode(p, n, "mem.pkl", opt, &doc, &err);
  if (rc == 0)
    pk_doc_free(doc);
  assert_int_equal(rc, -1);
  assert_null(doc);
  assert_string_equal(err.file, "mem.pkl");
  assert_string_equal(err.where, where);
  assert_contains(err.msg, part1);
  if (part2)
    assert_contains(err.msg, part2);
}

static void expect_fail(const unsigned char *p, size_t n, const char *where,
                        const char *part1, const char *part2) {
  expect_fail_opt(p, n, &lb_opt, where, part1, part2);
}

#define FAILS(bytes, where, p1, p2)                                            \
  expect_fail((const unsigned char *)(bytes), sizeof(bytes) - 1, where, p1, p2)

/* Decode a byte string expected to succeed. */
static pk_doc *expect_ok(const unsigned char *p, size_t n) {
  ss_error err;
  ss_error_clear(&err);
  pk_doc *doc = NULL;
  if (pk_decode(p, n, "mem.pkl", &lb_opt, &doc, &err) != 0)
    fail_msg("unexpected failure: %s: %s", err.where, err.msg);
  assert_non_null(doc);
  return doc;
}

#define OK(bytes) expect_ok((const unsigned char *)(bytes), sizeof(bytes) - 1)

static unsigned char *read_fixture(const char *name, size_t *len) {
  ss_error err;
  char *d = ss_read_file(name, SS_MAX_INPUT_BYTES, len, &err);
  if (!d)
    fail_msg("cannot read %s: %s", name, err.msg);
  return (unsigned char *)d;
}

static const pk_value *dict_get(const pk_value *d, const char *key) {
  assert_int_equal(d->kind, PK_DICT);
  for (size_t i = 0; i < d->u.dict.n; i++)
    if (pk_str_is(d->u.dict.keys[i], key))
      return d->u.dict.vals[i];
  fail_msg("no key '%s'", key);
  return NULL;
}

/* One LayerBenchmark of the good fixtures. */
static void check_block(const pk_value *o, const char *model, int64_t first,
                        int64_t last, double t, int64_t bytes) {
  assert_int_equal(o->kind, PK_OBJECT);
  assert_string_equal(o->u.obj.cls->u.cls.module, "__main__");
  assert_string_equal(o->u.obj.cls->u.cls.name, "LayerBenchmark");
  assert_int_equal(o->u.obj.args->kind, PK_TUPLE);
  assert_int_equal(o->u.obj.args->u.seq.n, 0);
  const pk_value *st = o->u.obj.state;
  assert_non_null(st);
  assert_int_equal(st->u.dict.n, 6);
  assert_true(pk_str_is(dict_get(st, "model"), model));
  assert_true(pk_str_is(dict_get(st, "device"), ""));
  assert_int_equal(dict_get(st, "input_layer")->kind, PK_INT);
  assert_true(dict_get(st, "input_layer")->u.i == first);
  assert_true(dict_get(st, "output_layer")->u.i == last);
  assert_int_equal(dict_get(st, "second_prediction")->kind, PK_FLOAT);
  assert_true(dict_get(st, "second_prediction")->u.f == t);
  assert_int_equal(dict_get(st, "output_size")->kind, PK_INT);
  assert_true(dict_get(st, "output_size")->u.i == bytes);
}

/* The good fixture at protocols 2, 3 and 4 decodes to the same values. */
static void check_small(const char *name) {
  size_t len;
  unsigned char *d = read_fixture(name, &len);
  pk_doc *doc = expect_ok(d, len);
  const pk_value *root = pk_doc_root(doc);
  assert_int_equal(root->kind, PK_DICT);
  assert_int_equal(root->u.dict.n, 2);
  assert_true(pk_str_is(root->u.dict.keys[0], "tiny"));
  assert_true(pk_str_is(root->u.dict.keys[1], "mini"));
  const pk_value *tiny = root->u.dict.vals[0], *mini = root->u.dict.vals[1];
  assert_int_equal(tiny->kind, PK_LIST);
  assert_int_equal(tiny->u.seq.n, 3);
  assert_int_equal(mini->u.seq.n, 2);
  check_block(tiny->u.seq.items[0], "tiny", 0, 1, 0.125, 200);
  check_block(tiny->u.seq.items[1], "tiny", 2, 4, 0.0625, 60000);
  check_block(tiny->u.seq.items[2], "tiny", 5, 5, 1.5e-05, 12845184);
  check_block(mini->u.seq.items[0], "mini", 0, 2, 0.25, 5000000000LL);
  check_block(mini->u.seq.items[1], "mini", 3, 300, 0.0, 0);
  /* The memo shares values: the 'model' field is the dict key itself. */
  assert_ptr_equal(dict_get(tiny->u.seq.items[1]->u.obj.state, "model"),
                   root->u.dict.keys[0]);
  pk_doc_free(doc);
  free(d);
}

static void test_good_fixtures(void **state) {
  (void)state;
  check_small(FIX "edge-small.dat");
  check_small(FIX "device-proto4.dat"); /* FRAME, MEMOIZE, STACK_GLOBAL */
  check_small(FIX "cloud-proto2.dat");
}

static void test_scalar_values(void **state) {
  (void)state;
  pk_doc *doc = OK("\x80\x02"
                   "]q\x00("
                   "N\x88\x89"
                   "J\xfc\xff\xff\xff"
                   "M\xff\xff"
                   "K\xff"
                   "\x8a\x01\xff"
                   "\x8a\x00"
                   "\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80"
                   "\x8a\x02\x00\x80"                  /* -32768 */
                   "G\x3f\xf8\x00\x00\x00\x00\x00\x00" /* 1.5 */
                   "G\x7f\xf8\x00\x00\x00\x00\x00\x00" /* NaN */
                   "\x8c\x03\xc3\xa9x"                 /* 'éx' */
                   "e.");
  const pk_value *l = pk_doc_root(doc);
  assert_int_equal(l->kind, PK_LIST);
  assert_int_equal(l->u.seq.n, 13);
  pk_value **it = l->u.seq.items;
  assert_int_equal(it[0]->kind, PK_NONE);
  assert_int_equal(it[1]->kind, PK_BOOL);
  assert_int_equal(it[1]->u.b, 1);
  assert_int_equal(it[2]->u.b, 0);
  assert_true(it[3]->u.i == -4);
  assert_true(it[4]->u.i == 65535);
  assert_true(it[5]->u.i == 255);
  assert_true(it[6]->u.i == -1);
  assert_true(it[7]->u.i == 0);
  assert_true(it[8]->u.i == INT64_MIN);
  assert_true(it[9]->u.i == -32768);
  assert_true(it[10]->u.f == 1.5);
  assert_true(isnan(it[11]->u.f));
  assert_int_equal(it[12]->u.str.len, 3);
  assert_string_equal(it[12]->u.str.s, "\xc3\xa9x");
  /* Offsets of the opcodes that made them. */
  assert_int_equal(l->offset, 2);
  assert_int_equal(it[0]->offset, 6);
  assert_int_equal(it[3]->offset, 9);
  pk_doc_free(doc);
}

static void test_containers(void **state) {
  (void)state;
  /* {'a': (1,), 'b': (1, 2), 'c': (1, 2, 3), 'd': [7]} via SETITEM/APPEND */
  pk_doc *doc = OK("\x80\x03}"
                   "X\x01\x00\x00\x00"
                   "a"
                   "K\x01\x85s"
                   "X\x01\x00\x00\x00"
                   "b"
                   "K\x01K\x02\x86s"
                   "X\x01\x00\x00\x00"
                   "c"
                   "K\x01K\x02K\x03\x87s"
                   "X\x01\x00\x00\x00"
                   "d"
                   "]K\x07"
                   "as"
                   ".");
  const pk_value *d = pk_doc_root(doc);
  assert_int_equal(d->u.dict.n, 4);
  assert_int_equal(dict_get(d, "a")->kind, PK_TUPLE);
  assert_int_equal(dict_get(d, "a")->u.seq.n, 1);
  assert_int_equal(dict_get(d, "b")->u.seq.n, 2);
  assert_int_equal(dict_get(d, "c")->u.seq.n, 3);
  assert_true(dict_get(d, "c")->u.seq.items[2]->u.i == 3);
  assert_int_equal(dict_get(d, "d")->kind, PK_LIST);
  assert_true(dict_get(d, "d")->u.seq.items[0]->u.i == 7);
  pk_doc_free(doc);
}

/* A list holding itself: a cycle must still be freed once (ASan). */
static void test_cycle_and_sharing(void **state) {
  (void)state;
  pk_doc *doc = OK("\x80\x03]q\x00h\x00"
                   "ah\x00"
                   "a.");
  const pk_value *l = pk_doc_root(doc);
  assert_int_equal(l->u.seq.n, 2);
  assert_ptr_equal(l->u.seq.items[0], l);
  assert_ptr_equal(l->u.seq.items[1], l);
  pk_doc_free(doc);
  pk_doc_free(NULL); /* no-op */
}

static void test_refused_opcodes(void **state) {
  (void)state;
  /* Code-calling opcodes, named with their hex byte and offset. */
  FAILS("\x80\x03"
        "N)R.",
        "byte 4", "0x52 (REDUCE)", "refused");
  FAILS("\x80\x03"
        "(i__main__\nX\n.",
        "byte 3", "0x69 (INST)", "refused");
  FAILS("\x80\x03"
        "(No.",
        "byte 4", "0x6f (OBJ)", "refused");
  FAILS("\x80\x04"
        "N)}\x92.",
        "byte 5", "0x92 (NEWOBJ_EX)", "refused");
  FAILS("\x80\x03"
        "\x82\x01.",
        "byte 2", "0x82 (EXT1)", "refused");
  FAILS("\x80\x03"
        "\x83\x01\x00.",
        "byte 2", "0x83 (EXT2)", "refused");
  FAILS("\x80\x03"
        "\x84\x01\x00\x00\x00.",
        "byte 2", "0x84 (EXT4)", "refused");
  FAILS("\x80\x03"
        "P1\n.",
        "byte 2", "0x50 (PERSID)", "refused");
  FAILS("\x80\x03"
        "NQ.",
        "byte 3", "0x51 (BINPERSID)", "refused");
  /* Known opcodes outside the accepted list, and unknown bytes. */
  FAILS("\x80\x03"
        "(t.",
        "byte 3", "0x74 (TUPLE)", "not supported");
  FAILS("\x80\x03"
        "C\x01x.",
        "byte 2", "0x43 (SHORT_BINBYTES)", "not supported");
  FAILS("\x80\x03"
        "\x8d\x01\x00\x00\x00\x00\x00\x00\x00x.",
        "byte 2", "0x8d (BINUNICODE8)", "not supported");
  FAILS("\x80\x03"
        "\xff.",
        "byte 2", "unknown opcode 0xff", NULL);
  FAILS("\x80\x03"
        "\x00.",
        "byte 2", "unknown opcode 0x00", NULL);
}

static void test_refused_globals(void **state) {
  (void)state;
  FAILS("\x80\x03"
        "cposix\nsystem\n.",
        "byte 2", "'posix system'", "refused");
  FAILS("\x80\x03"
        "cos\nsystem\n.",
        "byte 2", "'os system'", "refused");
  FAILS("\x80\x03"
        "N"
        "cbuiltins\neval\n.",
        "byte 3", "'builtins eval'", "refused");
  FAILS("\x80\x03"
        "c__main__\nOther\n.",
        "byte 2", "'__main__ Other'", "__main__.LayerBenchmark");
  /* STACK_GLOBAL, and names with control bytes shown safely. */
  FAILS("\x80\x04"
        "\x8c\x05posix\x8c\x06system\x93.",
        "byte 17", "STACK_GLOBAL 'posix system'", "refused");
  FAILS("\x80\x04"
        "\x8c\x02\x1b[\x8c\x01x\x93.",
        "byte 9", "'?[ x'", NULL);
  FAILS("\x80\x04"
        "K\x01\x8c\x01x\x93.",
        "byte 7", "STACK_GLOBAL needs two str", NULL);
  /* With no allow-list even LayerBenchmark is refused. */
  static const unsigned char lb[] = "\x80\x03"
                                    "c__main__\nLayerBenchmark\n.";
  expect_fail_opt(lb, sizeof lb - 1, NULL, "byte 2",
                  "'__main__ LayerBenchmark' refused", "allowed: none");
  /* A GLOBAL line without its newline. */
  FAILS("\x80\x03"
        "c__main__\nLayerBenchmark",
        "byte 2", "truncated", "two lines");
  /* The allowed class given to REDUCE is still refused at REDUCE. */
  FAILS("\x80\x03"
        "c__main__\nLayerBenchmark\n)R.",
        "byte 28", "0x52 (REDUCE)", NULL);
}

static void test_fixture_attacks(void **state) {
  (void)state;
  static const struct {
    const char *file, *where, *part;
  } cases[] = {
      {FIX "edge-reduce-system.dat", "byte 186", "GLOBAL 'posix system'"},
      {FIX "edge-reduce-system4.dat", "byte 179",
       "STACK_GLOBAL 'posix system'"},
      {FIX "edge-builtins-eval.dat", "byte 19", "GLOBAL 'builtins eval'"},
      {FIX "edge-other-class.dat", "byte 186", "GLOBAL '__main__ Other'"},
      {FIX "edge-reduce-allowed.dat", "byte 55", "0x52 (REDUCE)"},
      {FIX "edge-huge-string.dat", "byte 2", "4294967280"},
      {FIX "edge-huge-memo.dat", "byte 3", "memo index 4294967295"},
      {FIX "edge-huge-memo-get.dat", "byte 2", "never stored"},
      {FIX "edge-trailing.dat", "byte 387", "1 unexpected bytes after STOP"},
      {FIX "edge-no-stop.dat", "byte 386", "without STOP"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len;
    unsigned char *d = read_fixture(cases[i].file, &len);
    expect_fail(d, len, cases[i].where, cases[i].part, NULL);
    free(d);
  }
}

static void test_protocol(void **state) {
  (void)state;
  FAILS("", "byte 0", "does not start with PROTO", NULL);
  FAILS("(lp0\n.", "byte 0", "does not start with PROTO", NULL); /* proto 0 */
  FAILS("\x80\x05N.", "byte 0", "protocol 5", NULL);
  FAILS("\x80\x01N.", "byte 0", "protocol 1", NULL);
  FAILS("\x80", "byte 0", "truncated", "PROTO needs 1 more bytes");
  FAILS("\x80\x03\x80\x03N.", "byte 2", "PROTO after the start", NULL);
  FAILS("\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00N.", "byte 2",
        "FRAME of 255 bytes", "only 2");
}

static void test_lengths_and_memo(void **state) {
  (void)state;
  /* Declared lengths beyond the data fail before allocating. */
  FAILS("\x80\x03X\xff\xff\xff\xff", "byte 2", "4294967295 more bytes",
        "only 0");
  FAILS("\x80\x04\x8c\x09"
        "abc",
        "byte 2", "SHORT_BINUNICODE needs 9", "only 3");
  FAILS("\x80\x03X\x01\x00", "byte 2", "BINUNICODE needs 4", "only 2");
  FAILS("\x80\x03J\x01\x02", "byte 2", "BININT needs 4", NULL);
  FAILS("\x80\x03G\x01", "byte 2", "BINFLOAT needs 8", NULL);
  FAILS("\x80\x03\x8a\x09\x01\x01\x01\x01\x01\x01\x01\x01\x01.", "byte 2",
        "LONG1 integer of 9 bytes", "64 bits");
  FAILS("\x80\x03\x8a\x04\x01", "byte 2", "LONG1 needs 4", NULL);
  FAILS("\x80\x03X\x02\x00\x00\x00\xc3\x28.", "byte 2", "not valid UTF-8",
        NULL);
  FAILS("\x80\x03X\x03\x00\x00\x00\xed\xa0\x80.", "byte 2", "not valid UTF-8",
        NULL); /* a surrogate */
  /* Memo. */
  FAILS("\x80\x03}r\x00\x00\x10\x00.", "byte 3", "memo index 1048576",
        "limit of 1048576");
  FAILS("\x80\x03h\x05.", "byte 2", "memo index 5 was never stored", NULL);
  FAILS("\x80\x03q\x00.", "byte 2", "BINPUT needs 1 value", NULL);
}

static void test_memo_highest_index(void **state) {
  (void)state;
  /* Index 1048575 is the highest allowed; MEMOIZE counts entries. */
  pk_doc *doc = OK("\x80\x04]r\xff\xff\x0f\x00"
                   "\x94"
                   "j\xff\xff\x0f\x00"
                   "a"
                   "h\x01"
                   "a.");
  const pk_value *l = pk_doc_root(doc);
  assert_int_equal(l->u.seq.n, 2);
  assert_ptr_equal(l->u.seq.items[0], l);
  assert_ptr_equal(l->u.seq.items[1], l);
  pk_doc_free(doc);
}

static void test_limits(void **state) {
  (void)state;
  /* Five values fit max_objects 5 (list + 4 ints, 4 entries would not). */
  pk_options o = {lb_only, 1, {5, 0, 0, 0}};
  static const unsigned char five[] = "\x80\x03(NNNNNN.";
  expect_fail_opt(five, sizeof five - 1, &o, "byte 8", "more than 5 objects",
                  NULL);
  static const unsigned char apps[] = "\x80\x03](NNNe.";
  expect_fail_opt(apps, sizeof apps - 1, &o, "byte 7", "more than 5 objects",
                  NULL);
  pk_options m = {lb_only, 1, {0, 4, 0, 0}};
  static const unsigned char memo[] = "\x80\x03Nq\x04.";
  expect_fail_opt(memo, sizeof memo - 1, &m, "byte 3", "limit of 4", NULL);
  pk_options s = {lb_only, 1, {0, 0, 3, 0}};
  static const unsigned char deep[] = "\x80\x03NNNN.";
  expect_fail_opt(deep, sizeof deep - 1, &s, "byte 5", "stack deeper than 3",
                  NULL);
  pk_options k = {lb_only, 1, {0, 0, 0, 2}};
  static const unsigned char marks[] = "\x80\x03(((.";
  expect_fail_opt(marks, sizeof marks - 1, &k, "byte 4",
                  "more than 2 open MARKs", NULL);
}

static void test_stack_rules(void **state) {
  (void)state;
  FAILS("\x80\x03N.N", "byte 4", "1 unexpected bytes after STOP", NULL);
  FAILS("\x80\x03NN.", "byte 4", "STOP with 2 values", NULL);
  FAILS("\x80\x03(N.", "byte 4", "1 open MARKs", NULL);
  FAILS("\x80\x03.", "byte 2", "STOP with 0 values", NULL);
  FAILS("\x80\x03N", "byte 3", "ends without STOP", NULL);
  FAILS("\x80\x03Na.", "byte 3", "APPEND needs 2 values", NULL);
  FAILS("\x80\x03NNa.", "byte 4", "APPEND to a None", NULL);
  FAILS("\x80\x03](Na.", "byte 5", "APPEND needs 2 values", "above the last");
  FAILS("\x80\x03]Ne.", "byte 4", "APPENDS without a MARK", NULL);
  FAILS("\x80\x03(Ne.", "byte 4", "needs a value below its MARK", NULL);
  FAILS("\x80\x03}(NNNu.", "byte 7", "odd number (3)", NULL);
  FAILS("\x80\x03N(NNu.", "byte 6", "SETITEMS on a None", NULL);
  FAILS("\x80\x03}]Ns.", "byte 5", "a list cannot be a dict key", NULL);
  FAILS("\x80\x03N)\x81.", "byte 4", "NEWOBJ of a None", NULL);
  FAILS("\x80\x03"
        "c__main__\nLayerBenchmark\nN\x81.",
        "byte 28", "arguments are a None", NULL);
  FAILS("\x80\x03]}b.", "byte 4", "BUILD on a list", NULL);
  FAILS("\x80\x03"
        "c__main__\nLayerBenchmark\n)\x81}b}b.",
        "byte 32", "BUILD applied twice", "byte 28");
  FAILS("\x80\x03\x85.", "byte 2", "TUPLE1 needs 1 value", NULL);
  FAILS("\x80\x03(N\x86.", "byte 4", "TUPLE2 needs 2 values", NULL);
}

/* Every prefix of a real-looking pickle fails cleanly, at a byte offset. */
static void test_every_truncation(void **state) {
  (void)state;
  size_t len;
  unsigned char *d = read_fixture(FIX "edge-small.dat", &len);
  for (size_t cut = 0; cut < len; cut++) {
    unsigned char *copy = malloc(cut ? cut : 1); /* exact size for ASan */
    assert_non_null(copy);
    memcpy(copy, d, cut);
    ss_error err;
    ss_error_clear(&err);
    pk_doc *doc = NULL;
    assert_int_equal(pk_decode(copy, cut, "t", &lb_opt, &doc, &err), -1);
    assert_null(doc);
    assert_true(strncmp(err.where, "byte ", 5) == 0);
    free(copy);
  }
  /* A few exact places: inside PROTO, in 'tiny''s bytes, between opcodes,
   * inside a BINFLOAT, and just before STOP. */
  expect_fail(d, 1, "byte 0", "PROTO needs 1 more bytes", "only 0");
  expect_fail(d, 7, "byte 6", "BINUNICODE needs 4 more bytes", "only 0");
  expect_fail(d, 12, "byte 6", "BINUNICODE needs 4 more bytes", "only 1");
  expect_fail(d, 5, "byte 5", "ends without STOP", NULL);
  expect_fail(d, 160, "byte 155", "BINFLOAT needs 8 more bytes", "only 4");
  expect_fail(d, len - 1, "byte 386", "ends without STOP", NULL);
  free(d);
}

/* Random byte changes (fixed seed) never crash the decoder: each input
 * either decodes or fails at a byte offset inside the data. */
static void test_mutations(void **state) {
  (void)state;
  size_t len;
  unsigned char *d = read_fixture(FIX "device-proto4.dat", &len);
  unsigned char *m = malloc(len);
  assert_non_null(m);
  uint32_t seed = 12345;
  size_t ok = 0;
  for (int iter = 0; iter < 20000; iter++) {
    memcpy(m, d, len);
    int flips = 1 + iter % 3;
    for (int f = 0; f < flips; f++) {
      seed = seed * 1664525u + 1013904223u;
      size_t at = (seed >> 8) % len;
      seed = seed * 1664525u + 1013904223u;
      m[at] = (unsigned char)(seed >> 24);
    }
    ss_error err;
    ss_error_clear(&err);
    pk_doc *doc = NULL;
    if (pk_decode(m, len, "fuzz", &lb_opt, &doc, &err) == 0) {
      assert_non_null(pk_doc_root(doc));
      pk_doc_free(doc);
      ok++;
    } else {
      unsigned long at;
      assert_int_equal(sscanf(err.where, "byte %lu", &at), 1);
      assert_true(at <= len);
    }
  }
  assert_true(ok > 0); /* some changes only touch values */
  free(m);
  free(d);
}

static void test_quote(void **state) {
  (void)state;
  char buf[80];
  assert_string_equal(pk_quote(buf, sizeof buf,
                               "a\nb\x1b"
                               "c",
                               5),
                      "a?b?c");
  char longs[100];
  memset(longs, 'x', sizeof longs);
  pk_quote(buf, sizeof buf, longs, sizeof longs);
  assert_int_equal(strlen(buf), 63);
  assert_string_equal(buf + 60, "...");
  assert_string_equal(pk_kind_name(PK_FLOAT), "float");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_fixtures),
      cmocka_unit_test(test_scalar_values),
      cmocka_unit_test(test_containers),
      cmocka_unit_test(test_cycle_and_sharing),
      cmocka_unit_test(test_refused_opcodes),
      cmocka_unit_test(test_refused_globals),
      cmocka_unit_test(test_fixture_attacks),
      cmocka_unit_test(test_protocol),
      cmocka_unit_test(test_lengths_and_memo),
      cmocka_unit_test(test_memo_highest_index),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_stack_rules),
      cmocka_unit_test(test_every_truncation),
      cmocka_unit_test(test_mutations),
      cmocka_unit_test(test_quote),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
