/* prof_import_scission_dat: Scission's five real benchmark files read in
 * place from ../shared/data/scission (skipped when absent), the generated
 * fixtures in tests/fixtures/pickle/, and every bad input refused with its
 * message and place. */
/* cmocka.h needs these four headers first. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <time.h>
#include <unistd.h>

#include "common/ss_io.h"
#include "profiles/import.h"

#define FIX "tests/fixtures/pickle/"

#define assert_contains(hay, needle)                                           \
  do {                                                                         \
    if (!strstr((hay), (needle)))                                              \
      fail_msg("message '%s' does not contain '%s'", (hay), (needle));         \
  } while (0)

static prof_system *import_ok(const char *path, prof_set *set) {
  ss_error err;
  ss_error_clear(&err);
  size_t before = set->n_systems;
  if (prof_import_scission_dat(path, set, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(set->n_systems, before + 1);
  return &set->systems[before];
}

/* The import must fail, leave the set as it was, and name file and place. */
static void import_fails(const char *path, const char *where, const char *part1,
                         const char *part2) {
  prof_set *set = prof_set_new();
  assert_non_null(set);
  ss_error err;
  ss_error_clear(&err);
  assert_int_equal(prof_import_scission_dat(path, set, &err), -1);
  assert_int_equal(set->n_systems, 0);
  assert_null(set->systems);
  assert_string_equal(err.file, path);
  assert_string_equal(err.where, where);
  assert_contains(err.msg, part1);
  if (part2)
    assert_contains(err.msg, part2);
  prof_set_free(set);
}

static void today(char *buf, size_t n) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, n, "%Y-%m-%d", &tm);
}

/* What every Scission import leaves unknown. */
static void check_unknowns(const prof_system *s, const char *path) {
  char date[16];
  today(date, sizeof date);
  assert_null(s->kind);
  assert_null(s->hardware);
  assert_null(s->extra_json);
  assert_string_equal(s->source_file, path);
  assert_string_equal(s->importer, "scission-dat");
  assert_string_equal(s->import_date, date);
  for (size_t i = 0; i < s->n_models; i++) {
    const prof_model *m = &s->models[i];
    assert_true(m->input_bytes == -1);
    assert_null(m->input_shape);
    assert_true(isnan(m->whole_model_time_s));
    for (size_t b = 0; b < m->n_blocks; b++) {
      const prof_block *k = &m->blocks[b];
      assert_true(isnan(k->time_s_p10) && isnan(k->time_s_p90));
      assert_true(k->repeats == 0);
      assert_int_equal(k->n_samples, 0);
      assert_null(k->samples_s);
      assert_null(k->first_name);
      assert_null(k->last_name);
      assert_null(k->output_shape);
    }
  }
}

static void test_real_files(void **state) {
  (void)state;
  if (!test_have_scission())
    return;
  static const struct {
    const char *file, *tier, *name;
  } files[] = {
      {"device-raspi4.dat", "device", "raspi4"},
      {"edge-2500.dat", "edge", "2500"},
      {"edge-vm2Core.dat", "edge", "vm2Core"},
      {"cloud-6700k(GPU).dat", "cloud", "6700k(GPU)"},
      {"cloud-6700k(NoGPU).dat", "cloud", "6700k(NoGPU)"},
  };
  prof_set *set = prof_set_new();
  assert_non_null(set);
  for (size_t f = 0; f < 5; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/scission/%s", test_shared_dir(),
             files[f].file);
    prof_system *s = import_ok(path, set);
    assert_string_equal(s->name, files[f].name);
    assert_string_equal(s->tier_hint, files[f].tier);
    assert_int_equal(s->n_models, 18);
    assert_string_equal(s->models[0].name, "vgg19"); /* file order */
    assert_string_equal(s->models[17].name, "nasnetmobile");
    assert_int_equal(s->models[0].n_blocks, 25);
    const prof_model *mn = prof_system_find_model(s, "mobilenet");
    assert_non_null(mn);
    assert_int_equal(mn->n_blocks, 92);
    assert_int_equal(prof_system_find_model(s, "nasnetlarge")->n_blocks, 5);
    check_unknowns(s, path);
  }
  assert_int_equal(set->n_systems, 5);
  /* Spot values of raspi4 vgg19 (read exactly, not rounded). */
  const prof_model *v = prof_system_find_model(&set->systems[0], "vgg19");
  assert_true(v->blocks[0].first_layer == 0);
  assert_true(v->blocks[0].last_layer == 1);
  assert_true(v->blocks[0].time_s == 0.07058942317962646);
  assert_true(v->blocks[0].output_bytes == 12845184);
  assert_true(v->blocks[1].first_layer == 2);
  assert_true(v->blocks[1].last_layer == 2);
  assert_true(v->blocks[1].time_s == 0.24676082134246827);
  assert_true(v->blocks[24].last_layer == 25);
  /* All five agree on the block boundaries. */
  for (size_t i = 0; i < set->n_systems; i++)
    for (size_t m = 0; m < set->systems[i].n_models; m++) {
      ss_error err;
      if (prof_set_check_model(set, NULL, set->systems[i].name,
                               &set->systems[i].models[m], &err) != 0)
        fail_msg("%s", err.msg);
    }
  prof_set_free(set);
}

/* A private temporary folder, removed at the end of a test. */
static char tmpdir[4096];

static int make_tmpdir(void **state) {
  (void)state;
  const char *base = getenv("TMP");
  if (!base || !base[0])
    base = getenv("TMPDIR");
  if (!base || !base[0])
    base = "/tmp";
  snprintf(tmpdir, sizeof tmpdir, "%s/splitsim-scission-XXXXXX", base);
  return mkdtemp(tmpdir) ? 0 : -1;
}

/* Removes the files the tests write there, then the folder. */
static int remove_tmpdir(void **state) {
  (void)state;
  static const char *const names[] = {"device-cut.dat", "cloud-a-b(GPU).dat",
                                      "edge-pwn.dat"};
  char p[4200];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
    unlink(p);
  }
  return rmdir(tmpdir);
}

static void write_tmp(const char *name, const void *data, size_t n, char *path,
                      size_t pathsize) {
  snprintf(path, pathsize, "%s/%s", tmpdir, name);
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(data, 1, n, fp), n);
  assert_int_equal(fclose(fp), 0);
}

static unsigned char *read_all(const char *path, size_t *len) {
  ss_error err;
  char *d = ss_read_file(path, SS_MAX_INPUT_BYTES, len, &err);
  if (!d)
    fail_msg("cannot read %s: %s", path, err.msg);
  return (unsigned char *)d;
}

/* Real files cut short at runtime (into the temporary folder only). */
static void test_real_truncated(void **state) {
  (void)state;
  if (!test_have_scission())
    return;
  char src[1024], path[4200], where[64];
  snprintf(src, sizeof src, "%s/scission/device-raspi4.dat", test_shared_dir());
  size_t len;
  unsigned char *d = read_all(src, &len);
  assert_int_equal(len, 29590);
  static const struct {
    size_t cut;
    const char *where, *part;
  } cuts[] = {
      {1, "byte 0", "PROTO needs 1 more bytes"},
      {8, "byte 6", "BINUNICODE needs 4 more bytes"},
      {160, "byte 156", "BINFLOAT needs 8 more bytes but only 3"},
      {189, "byte 189", "ends without STOP"},
      {29589, "byte 29589", "ends without STOP"},
  };
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    write_tmp("device-cut.dat", d, cuts[i].cut, path, sizeof path);
    import_fails(path, cuts[i].where, "truncated pickle", cuts[i].part);
  }
  /* Any cut fails at a byte offset inside the kept part. */
  for (size_t cut = 0; cut < len; cut += 997) {
    write_tmp("device-cut.dat", d, cut, path, sizeof path);
    prof_set *set = prof_set_new();
    ss_error err;
    assert_int_equal(prof_import_scission_dat(path, set, &err), -1);
    assert_int_equal(set->n_systems, 0);
    unsigned long at;
    assert_int_equal(sscanf(err.where, "byte %lu", &at), 1);
    assert_true(at <= cut);
    snprintf(where, sizeof where, "byte %lu", at);
    assert_string_equal(err.where, where);
    prof_set_free(set);
  }
  free(d);
}

static void check_small_system(const prof_system *s, const char *tier,
                               const char *name, const char *path) {
  assert_string_equal(s->tier_hint, tier);
  assert_string_equal(s->name, name);
  assert_int_equal(s->n_models, 2);
  const prof_model *t = &s->models[0], *m = &s->models[1];
  assert_string_equal(t->name, "tiny");
  assert_string_equal(m->name, "mini");
  assert_int_equal(t->n_blocks, 3);
  assert_int_equal(m->n_blocks, 2);
  static const struct {
    int64_t first, last, bytes;
    double t;
  } want[5] = {{0, 1, 200, 0.125},
               {2, 4, 60000, 0.0625},
               {5, 5, 12845184, 1.5e-05},
               {0, 2, 5000000000LL, 0.25},
               {3, 300, 0, 0.0}};
  for (size_t i = 0; i < 5; i++) {
    const prof_block *b = i < 3 ? &t->blocks[i] : &m->blocks[i - 3];
    assert_true(b->first_layer == want[i].first);
    assert_true(b->last_layer == want[i].last);
    assert_true(b->output_bytes == want[i].bytes);
    assert_true(b->time_s == want[i].t);
  }
  check_unknowns(s, path);
}

static void test_fixtures_all_protocols(void **state) {
  (void)state;
  prof_set *set = prof_set_new();
  assert_non_null(set);
  check_small_system(import_ok(FIX "edge-small.dat", set), "edge", "small",
                     FIX "edge-small.dat");
  check_small_system(import_ok(FIX "device-proto4.dat", set), "device",
                     "proto4", FIX "device-proto4.dat");
  check_small_system(import_ok(FIX "cloud-proto2.dat", set), "cloud", "proto2",
                     FIX "cloud-proto2.dat");
  assert_int_equal(set->n_systems, 3);
  /* A failed import leaves the systems already there untouched. */
  ss_error err;
  assert_int_equal(prof_import_scission_dat(FIX "edge-nan-time.dat", set, &err),
                   -1);
  assert_int_equal(set->n_systems, 3);
  assert_string_equal(set->systems[2].name, "proto2");
  prof_set_free(set);
}

/* The file name gives tier and name, split at the first '-'. */
static void test_file_names(void **state) {
  (void)state;
  size_t len;
  unsigned char *d = read_all(FIX "edge-small.dat", &len);
  char path[4200];
  write_tmp("cloud-a-b(GPU).dat", d, len, path, sizeof path);
  prof_set *set = prof_set_new();
  prof_system *s = import_ok(path, set);
  assert_string_equal(s->tier_hint, "cloud");
  assert_string_equal(s->name, "a-b(GPU)");
  prof_set_free(set);
  free(d);

  import_fails(FIX "small.dat", "file name", "'small.dat' has no tier", NULL);
  import_fails(FIX "fog-small.dat", "file name",
               "unknown tier 'fog' in 'fog-small.dat'",
               "device, edge or cloud");
  import_fails(FIX "edge-.dat", "file name", "empty system name", NULL);
  import_fails(FIX "make_fixtures.py", "file name", "does not end in .dat",
               NULL);
  import_fails(FIX "edge-missing.dat", "", "cannot open", NULL);
}

static void test_bad_values(void **state) {
  (void)state;
  static const struct {
    const char *file, *where, *part1, *part2;
  } cases[] = {
      {FIX "edge-nan-time.dat", "byte 214", "model 'tiny' block 1",
       "second_prediction is NaN"},
      {FIX "edge-inf-time.dat", "byte 214", "model 'tiny' block 1",
       "second_prediction is infinite"},
      {FIX "edge-negative-time.dat", "byte 214", "model 'tiny' block 1",
       "second_prediction is negative (-0.5)"},
      {FIX "edge-negative-size.dat", "byte 225", "model 'tiny' block 1",
       "negative output_size -4"},
      {FIX "edge-str-layer.dat", "byte 206",
       "model 'tiny' block 1: field 'input_layer' is a str, expected int",
       NULL},
      {FIX "edge-float-size.dat", "byte 225",
       "model 'tiny' block 1: field 'output_size' is a float, expected int",
       NULL},
      {FIX "edge-model-mismatch.dat", "byte 198",
       "model 'tiny' block 1: field 'model' is 'other'", NULL},
      {FIX "edge-overlap.dat", "byte 233", "model 'tiny' block 2",
       "input_layer 4 overlaps the previous block (layers 2-4)"},
      {FIX "edge-other-class.dat", "byte 186", "GLOBAL '__main__ Other'",
       "refused"},
      {FIX "edge-builtins-eval.dat", "byte 19", "GLOBAL 'builtins eval'",
       "refused"},
      {FIX "edge-reduce-allowed.dat", "byte 55", "opcode 0x52 (REDUCE)",
       "refused"},
      {FIX "edge-huge-string.dat", "byte 2",
       "BINUNICODE needs 4294967280 more bytes", "only 3"},
      {FIX "edge-huge-memo.dat", "byte 3", "memo index 4294967295",
       "limit of 1048576"},
      {FIX "edge-huge-memo-get.dat", "byte 2",
       "memo index 2147483647 was never stored", NULL},
      {FIX "edge-trailing.dat", "byte 387", "unexpected bytes after STOP",
       NULL},
      {FIX "edge-no-stop.dat", "byte 386", "ends without STOP", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    import_fails(cases[i].file, cases[i].where, cases[i].part1, cases[i].part2);
}

static int exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

/* Pickles that would run a shell command if loaded by Python: refused, and
 * the command never ran. */
static void test_code_never_runs(void **state) {
  (void)state;
  const char *fixed = "/tmp/splitsim-pwned-fixture";
  unlink(fixed);
  import_fails(FIX "edge-reduce-system.dat", "byte 186",
               "GLOBAL 'posix system' refused", NULL);
  import_fails(FIX "edge-reduce-system4.dat", "byte 179",
               "STACK_GLOBAL 'posix system' refused", NULL);
  assert_false(exists(fixed));

  char marker[256], cmd[300], path[4200];
  snprintf(marker, sizeof marker, "/tmp/splitsim-pwned-%ld", (long)getpid());
  unlink(marker);
  int n = snprintf(cmd, sizeof cmd, "touch %s", marker);
  unsigned char buf[512];
  /* PROTO 3; GLOBAL g; BINUNICODE cmd; TUPLE1; REDUCE; STOP */
  static const char *const globals[] = {"posix\nsystem\n", "os\nsystem\n",
                                        "__main__\nLayerBenchmark\n"};
  for (size_t g = 0; g < 3; g++) {
    size_t o = 0, gl = strlen(globals[g]);
    buf[o++] = 0x80, buf[o++] = 3, buf[o++] = 'c';
    memcpy(buf + o, globals[g], gl), o += gl;
    buf[o++] = 'X';
    buf[o++] = (unsigned char)n, buf[o++] = 0, buf[o++] = 0, buf[o++] = 0;
    memcpy(buf + o, cmd, (size_t)n), o += (size_t)n;
    buf[o++] = 0x85, buf[o++] = 'R', buf[o++] = '.';
    write_tmp("edge-pwn.dat", buf, o, path, sizeof path);
    if (g < 2) {
      import_fails(path, "byte 2", "system' refused", NULL);
    } else { /* refused at REDUCE, two bytes before the end */
      char w[32];
      snprintf(w, sizeof w, "byte %zu", o - 2);
      import_fails(path, w, "0x52 (REDUCE) refused", NULL);
    }
  }
  assert_false(exists(marker));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_real_files),
      cmocka_unit_test(test_real_truncated),
      cmocka_unit_test(test_fixtures_all_protocols),
      cmocka_unit_test(test_file_names),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_code_never_runs),
  };
  return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
