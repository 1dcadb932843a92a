/* Measured-CSV importer, the CSV and JSON exporters and round trips through
 * both (compared field by field, numbers bitwise), and one fixture per bad
 * input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <dirent.h>
#include <unistd.h>

#include "common/ss_io.h"
#include "profiles/import.h"
#include "profiles/import_internal.h"

static const char *const default_csvs[] = {"profiles/default/xeon-1t.csv",
                                           "profiles/default/xeon-16t.csv",
                                           "profiles/default/h200-gpu.csv"};

/* ---- helpers ---- */

static char tmpdir[256];

static int setup_tmp(void **state) {
  (void)state;
  strcpy(tmpdir, "/tmp/splitsim-textio-XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static void rm_tree(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char p[1024];
  if (!d)
    return;
  while ((de = readdir(d)) != NULL) {
    struct stat st;
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      rm_tree(p);
    else
      unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static int teardown_tmp(void **state) {
  (void)state;
  rm_tree(tmpdir);
  return 0;
}

static void tmp_path(char *out, size_t n, const char *name) {
  snprintf(out, n, "%s/%s", tmpdir, name);
}

static void write_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static char *read_text(const char *path) {
  return ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
}

#define CHECK_OK(call)                                                         \
  do {                                                                         \
    ss_error e_;                                                               \
    ss_error_clear(&e_);                                                       \
    if ((call) != 0)                                                           \
      fail_msg("%s failed: %s:%s: %s", #call, e_.file, e_.where, e_.msg);      \
  } while (0)

/* ---- deep compare ---- */

static int str_same(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Bitwise (so -0.0 differs from 0.0); any NaN equals any NaN. */
static int dbl_same(double a, double b) {
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

#define DIFF(...)                                                              \
  do {                                                                         \
    snprintf(what, n, __VA_ARGS__);                                            \
    return 0;                                                                  \
  } while (0)
#define SAME_STR(x, y, label)                                                  \
  if (!str_same(x, y))                                                         \
  DIFF("%s: '%s' vs '%s'", label, (x) ? (x) : "(null)", (y) ? (y) : "(null)")

static int blocks_equal(const prof_block *a, const prof_block *b, char *what,
                        size_t n) {
  SAME_STR(a->first_name, b->first_name, "first_name");
  SAME_STR(a->last_name, b->last_name, "last_name");
  SAME_STR(a->output_shape, b->output_shape, "output_shape");
  if (a->first_layer != b->first_layer || a->last_layer != b->last_layer)
    DIFF("layers");
  if (!dbl_same(a->time_s, b->time_s))
    DIFF("time_s %.17g vs %.17g", a->time_s, b->time_s);
  if (!dbl_same(a->time_s_p10, b->time_s_p10))
    DIFF("time_s_p10 %.17g vs %.17g", a->time_s_p10, b->time_s_p10);
  if (!dbl_same(a->time_s_p90, b->time_s_p90))
    DIFF("time_s_p90 %.17g vs %.17g", a->time_s_p90, b->time_s_p90);
  if (a->repeats != b->repeats || a->output_bytes != b->output_bytes)
    DIFF("repeats/output_bytes");
  if (a->n_samples != b->n_samples)
    DIFF("n_samples %zu vs %zu", a->n_samples, b->n_samples);
  for (size_t i = 0; i < a->n_samples; i++)
    if (!dbl_same(a->samples_s[i], b->samples_s[i]))
      DIFF("samples_s[%zu]", i);
  return 1;
}

static int systems_equal(const prof_system *a, const prof_system *b, char *what,
                         size_t n) {
  SAME_STR(a->name, b->name, "name");
  SAME_STR(a->tier_hint, b->tier_hint, "tier_hint");
  SAME_STR(a->kind, b->kind, "kind");
  SAME_STR(a->hardware, b->hardware, "hardware");
  SAME_STR(a->source_file, b->source_file, "source_file");
  SAME_STR(a->importer, b->importer, "importer");
  SAME_STR(a->import_date, b->import_date, "import_date");
  SAME_STR(a->extra_json, b->extra_json, "extra_json");
  if (a->n_models != b->n_models)
    DIFF("n_models %zu vs %zu", a->n_models, b->n_models);
  for (size_t m = 0; m < a->n_models; m++) {
    const prof_model *x = &a->models[m], *y = &b->models[m];
    char sub[256];
    SAME_STR(x->name, y->name, "model name");
    SAME_STR(x->input_shape, y->input_shape, "input_shape");
    if (x->input_bytes != y->input_bytes)
      DIFF("model %s: input_bytes", x->name);
    if (!dbl_same(x->whole_model_time_s, y->whole_model_time_s))
      DIFF("model %s: whole_model_time_s", x->name);
    if (x->n_blocks != y->n_blocks)
      DIFF("model %s: n_blocks", x->name);
    for (size_t k = 0; k < x->n_blocks; k++)
      if (!blocks_equal(&x->blocks[k], &y->blocks[k], sub, sizeof sub))
        DIFF("model %s block %zu: %s", x->name, k, sub);
  }
  return 1;
}

static void assert_sets_equal(const prof_set *a, const prof_set *b) {
  char what[512];
  if (a->n_systems != b->n_systems)
    fail_msg("n_systems %zu vs %zu", a->n_systems, b->n_systems);
  for (size_t i = 0; i < a->n_systems; i++)
    if (!systems_equal(&a->systems[i], &b->systems[i], what, sizeof what))
      fail_msg("system %zu (%s): %s", i, a->systems[i].name, what);
}

/* The three committed measured profiles in one set. */
static prof_set *load_defaults(void) {
  prof_set *set = prof_set_new();
  for (size_t i = 0; i < 3; i++)
    CHECK_OK(prof_import_measured_csv(default_csvs[i], set, &e_));
  return set;
}

/* ---- the committed measured profiles ---- */

static void test_default_profiles(void **state) {
  (void)state;
  char today[16];
  prof_set *set = load_defaults();
  prof_today_utc(today);
  assert_int_equal(set->n_systems, 3);
  const prof_system *x1 = prof_set_find_system(set, "xeon-1t");
  const prof_system *x16 = prof_set_find_system(set, "xeon-16t");
  const prof_system *gpu = prof_set_find_system(set, "h200-gpu");
  assert_non_null(x1);
  assert_non_null(x16);
  assert_non_null(gpu);
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(set->systems[i].n_models, 19);

  const prof_model *vgg = prof_system_find_model(x1, "vgg16");
  assert_non_null(vgg);
  assert_int_equal(vgg->n_blocks, 40);
  const prof_block *b0 = &vgg->blocks[0];
  assert_true(b0->time_s == 0.012366261);
  assert_true(b0->time_s_p10 == 0.011995487);
  assert_true(b0->time_s_p90 == 0.012578527);
  assert_int_equal(b0->first_layer, 1);
  assert_int_equal(b0->last_layer, 1);
  assert_string_equal(b0->first_name, "features_0");
  assert_string_equal(b0->last_name, "features_0");
  assert_int_equal(b0->repeats, 5);
  assert_int_equal(b0->output_bytes, 12845056);
  assert_string_equal(b0->output_shape, "1x64x224x224");
  assert_int_equal(b0->n_samples, 0);
  assert_int_equal(vgg->input_bytes, 602112);
  assert_string_equal(vgg->input_shape, "1x3x224x224");
  assert_true(vgg->whole_model_time_s == 0.30528522199998065);
  const prof_model *inc = prof_system_find_model(gpu, "inception_v3");
  assert_non_null(inc);
  assert_int_equal(inc->input_bytes, 1072812);
  assert_string_equal(inc->input_shape, "1x3x299x299");

  /* Provenance mapped from the sidecar. */
  assert_string_equal(x1->kind, "cpu");
  assert_string_equal(x1->hardware, "Intel(R) Xeon(R) Processor (1 thread)");
  assert_string_equal(x16->hardware, "Intel(R) Xeon(R) Processor (16 threads)");
  assert_string_equal(gpu->kind, "gpu");
  assert_string_equal(gpu->hardware, "NVIDIA H200");
  assert_null(gpu->tier_hint);
  assert_string_equal(gpu->importer, "measured-csv");
  assert_string_equal(gpu->source_file, "profiles/default/h200-gpu.csv");
  assert_string_equal(gpu->import_date, today);
  assert_non_null(strstr(x1->extra_json, "{\"system\":\"xeon-1t\","));
  assert_non_null(strstr(x1->extra_json, "\"date\":\"2026-11-26\""));
  assert_non_null(strstr(x1->extra_json, "\"threads\":1,"));
  assert_non_null(strstr(gpu->extra_json, "\"gpu\":\"NVIDIA H200\""));
  assert_null(strstr(x1->extra_json, "models"));

  /* All three share the block boundaries of every model. */
  for (size_t m = 0; m < x1->n_models; m++) {
    const prof_model *a = &x1->models[m];
    const prof_system *others[] = {x16, gpu};
    for (size_t o = 0; o < 2; o++) {
      const prof_model *b = prof_system_find_model(others[o], a->name);
      assert_non_null(b);
      assert_int_equal(a->n_blocks, b->n_blocks);
      for (size_t k = 0; k < a->n_blocks; k++) {
        assert_int_equal(a->blocks[k].first_layer, b->blocks[k].first_layer);
        assert_int_equal(a->blocks[k].last_layer, b->blocks[k].last_layer);
      }
    }
  }
  /* ...so the boundary-checked put accepts them all. */
  prof_set *checked = prof_set_new();
  for (size_t i = 0; i < 3; i++) {
    prof_system s = set->systems[i];
    memset(&set->systems[i], 0, sizeof s);
    CHECK_OK(prof_set_put_system(checked, &s, NULL, &e_));
  }
  assert_int_equal(checked->n_systems, 3);
  prof_set_free(checked);
  prof_set_free(set);
}

static void test_load_path_csv(void **state) {
  (void)state;
  prof_set *set = NULL;
  CHECK_OK(prof_load_path("profiles/default/xeon-16t.csv", &set, &e_));
  assert_int_equal(set->n_systems, 1);
  assert_string_equal(set->systems[0].name, "xeon-16t");
  prof_set_free(set);

  ss_error err;
  assert_int_equal(prof_load_path("tests/fixtures/nope.csv", &set, &err), -1);
  assert_null(set);
  assert_non_null(strstr(err.msg, "cannot open"));
  assert_int_equal(prof_load_path("VERSION", &set, &err), -1);
  assert_non_null(strstr(err.msg, "unknown profile format"));
}

static void test_load_path_scission_folder(void **state) {
  (void)state;
  char dir[1024];
  prof_set *set = NULL;
  if (!test_have_scission())
    return;
  snprintf(dir, sizeof dir, "%s/scission", test_shared_dir());
  CHECK_OK(prof_load_path(dir, &set, &e_));
  assert_int_equal(set->n_systems, 5);
  /* Sorted by file name: cloud-6700k(GPU).dat first. */
  assert_non_null(strstr(set->systems[0].source_file, "cloud-6700k(GPU).dat"));
  assert_non_null(prof_set_find_system(set, "raspi4"));
  prof_set_free(set);

  ss_error err;
  /* A folder of JSON profiles is read file by file: the first bad one (in
   * name order) is the error, naming that file. */
  assert_int_equal(prof_load_path("tests/fixtures/json", &set, &err), -1);
  assert_string_equal(err.file, "tests/fixtures/json/bad_kind.json");
  /* Measured CSVs with their sidecars (not read as JSON profiles). */
  prof_folder_found found;
  CHECK_OK(prof_load_folder("profiles/default", &set, &found, &e_));
  assert_int_equal(set->n_systems, 3);
  assert_int_equal(found.n_csv, 3);
  assert_int_equal(found.n_json, 0);
  prof_set_free(set);
  /* A folder without profiles says what it looked for. */
  char empty[] = "/tmp/test_import_csv.XXXXXX";
  assert_non_null(mkdtemp(empty));
  assert_int_equal(prof_load_path(empty, &set, &err), -1);
  rmdir(empty);
  assert_non_null(strstr(err.msg, "no profiles in this folder (looked for "
                                  "Scission <tier>-<name>.dat, measured .csv"));
}

/* ---- round trips ---- */

static void roundtrip(const prof_set *set, const char *name) {
  char csv[512], json[512], side[64];
  prof_set *back;
  snprintf(side, sizeof side, "%s.csv", name);
  tmp_path(csv, sizeof csv, side);
  snprintf(side, sizeof side, "%s.json", name);
  tmp_path(json, sizeof json, side);

  CHECK_OK(prof_export_csv(set, csv, &e_));
  back = prof_set_new();
  CHECK_OK(prof_import_measured_csv(csv, back, &e_));
  assert_sets_equal(set, back);
  /* Exporting the copy again gives the same bytes. */
  char *first = read_text(csv), *second;
  char csv2[512];
  snprintf(side, sizeof side, "%s-again.csv", name);
  tmp_path(csv2, sizeof csv2, side);
  CHECK_OK(prof_export_csv(back, csv2, &e_));
  second = read_text(csv2);
  assert_non_null(first);
  assert_non_null(second);
  assert_string_equal(first, second);
  free(first);
  free(second);
  prof_set_free(back);

  snprintf(side, sizeof side, "%s-profile.json", name);
  tmp_path(json, sizeof json, side);
  CHECK_OK(prof_export_json(set, json, &e_));
  back = prof_set_new();
  CHECK_OK(prof_import_json(json, back, &e_));
  assert_sets_equal(set, back);
  prof_set_free(back);
}

static void test_roundtrip_defaults(void **state) {
  (void)state;
  prof_set *set = load_defaults();
  roundtrip(set, "defaults");
  /* The sidecar beside the exported CSV is our multi-system shape. */
  char side[512];
  tmp_path(side, sizeof side, "defaults.json");
  char *text = read_text(side);
  assert_non_null(text);
  assert_non_null(strstr(text, "\"format\": \"splitsim-csv-sidecar\""));
  assert_non_null(strstr(text, "\"h200-gpu\": {"));
  free(text);
  prof_set_free(set);
}

static double *dup_doubles(const double *v, size_t n) {
  double *d = malloc(n * sizeof *d);
  memcpy(d, v, n * sizeof *d);
  return d;
}

/* Values that are easy to lose: NULL vs "", quotes and commas in names,
 * NaN percentiles, -0.0, tiny and huge numbers, samples, an empty system. */
static prof_set *tricky_set(void) {
  prof_set *set = prof_set_new();
  set->n_systems = 3;
  set->systems = calloc(3, sizeof *set->systems);
  prof_system *s = &set->systems[0];
  s->name = strdup("edge box, \"v2\"");
  s->tier_hint = strdup("edge");
  s->kind = strdup("gpu");
  s->hardware = strdup("Jetson \xc3\x9c\tline\nbreak");
  s->source_file = strdup("some/where.dat");
  s->importer = strdup("scission-dat");
  s->import_date = strdup("2026-01-01");
  s->extra_json = strdup("{\"a\":[1,2.5,{\"b\":null}],\"c\":\"x\\ny\","
                         "\"d\":true,\"e\":0.30528522199998065}");
  s->n_models = 2;
  s->models = calloc(2, sizeof *s->models);
  prof_model *m = &s->models[0];
  m->name = strdup(" lead space");
  m->input_bytes = -1;
  m->whole_model_time_s = NAN;
  m->n_blocks = 3;
  m->blocks = calloc(3, sizeof *m->blocks);
  prof_block *b = m->blocks;
  b[0] = (prof_block){.first_layer = 0,
                      .last_layer = 2,
                      .first_name = strdup(""),
                      .last_name = NULL,
                      .time_s = -0.0,
                      .time_s_p10 = NAN,
                      .time_s_p90 = 1e-300,
                      .repeats = 0,
                      .output_bytes = 9007199254740992LL,
                      .output_shape = strdup("1x\"2\",3")};
  static const double smp[] = {0.1, 0.2, 0.30000000000000004, 1e-7};
  b[1] = (prof_block){.first_layer = 5,
                      .last_layer = 5,
                      .first_name = strdup("a,b"),
                      .last_name = strdup("say \"hi\"\r\n"),
                      .time_s = 0.1 + 0.2,
                      .time_s_p10 = 1.7976931348623157e308,
                      .time_s_p90 = NAN,
                      .repeats = 4,
                      .output_bytes = 0,
                      .output_shape = NULL,
                      .n_samples = 4,
                      .samples_s = dup_doubles(smp, 4)};
  b[2] = (prof_block){.first_layer = 6,
                      .last_layer = 100,
                      .first_name = strdup("  "),
                      .last_name = strdup("x"),
                      .time_s = 123456.789,
                      .time_s_p10 = 0,
                      .time_s_p90 = 2.2250738585072014e-308,
                      .repeats = 1,
                      .output_bytes = 1};
  m = &s->models[1];
  m->name = strdup("second");
  m->input_bytes = 0;
  m->input_shape = strdup("");
  m->whole_model_time_s = 0;
  m->n_blocks = 1;
  m->blocks = calloc(1, sizeof *m->blocks);
  m->blocks[0] = (prof_block){.first_layer = 3,
                              .last_layer = 3,
                              .time_s = 1e-9,
                              .time_s_p10 = NAN,
                              .time_s_p90 = NAN,
                              .output_bytes = 7};
  /* No provenance at all and no models. */
  set->systems[1].name = strdup("empty");
  /* A plain one after it, to check the order survives. */
  s = &set->systems[2];
  s->name = strdup("z");
  s->kind = strdup("cpu");
  s->n_models = 1;
  s->models = calloc(1, sizeof *s->models);
  s->models[0].name = strdup("second");
  s->models[0].input_bytes = 12;
  s->models[0].input_shape = strdup("1x3");
  s->models[0].whole_model_time_s = NAN;
  s->models[0].n_blocks = 1;
  s->models[0].blocks = calloc(1, sizeof(prof_block));
  s->models[0].blocks[0] = (prof_block){.first_layer = 3,
                                        .last_layer = 3,
                                        .time_s = 2,
                                        .time_s_p10 = NAN,
                                        .time_s_p90 = NAN,
                                        .output_bytes = 7};
  return set;
}

static void test_roundtrip_tricky(void **state) {
  (void)state;
  prof_set *set = tricky_set();
  for (size_t i = 0; i < set->n_systems; i++)
    CHECK_OK(prof_system_validate(&set->systems[i], &e_));
  roundtrip(set, "tricky");
  prof_set_free(set);

  /* A set whose only system has no models: the CSV has no rows at all. */
  set = prof_set_new();
  set->n_systems = 1;
  set->systems = calloc(1, sizeof *set->systems);
  set->systems[0].name = strdup("bare");
  roundtrip(set, "bare");
  prof_set_free(set);
}

/* ---- import details ---- */

static void test_good_quoted_crlf(void **state) {
  (void)state;
  prof_set *set = prof_set_new();
  CHECK_OK(
      prof_import_measured_csv("tests/fixtures/csv/good_quoted.csv", set, &e_));
  assert_int_equal(set->n_systems, 1);
  const prof_system *s = &set->systems[0];
  assert_string_equal(s->name, "gpu box");
  assert_string_equal(s->tier_hint, "cloud");
  assert_string_equal(s->kind, "gpu");
  assert_string_equal(s->hardware, "Big GPU");
  assert_non_null(strstr(s->extra_json, "\"note\":\"\xc3\xbc"
                                        "n\xc3\xaf"
                                        "code\""));
  assert_int_equal(s->n_models, 2);
  const prof_model *m = &s->models[0];
  assert_string_equal(m->name, "net, v2");
  assert_int_equal(m->input_bytes, 12);
  assert_string_equal(m->input_shape, "1x3");
  assert_true(m->whole_model_time_s == 0.7);
  assert_int_equal(m->n_blocks, 2);
  assert_string_equal(m->blocks[0].first_name, "in \"x\"");
  assert_string_equal(m->blocks[0].last_name, "conv");
  assert_true(isnan(m->blocks[0].time_s_p10));
  assert_null(m->blocks[0].output_shape);
  assert_int_equal(m->blocks[0].n_samples, 3);
  assert_true(m->blocks[0].samples_s[2] == 0.6);
  assert_string_equal(m->blocks[1].first_name, ""); /* quoted empty */
  assert_null(m->blocks[1].last_name);              /* empty cell */
  assert_int_equal(m->blocks[1].n_samples, 0);
  assert_string_equal(m->blocks[1].output_shape, "2x2");
  m = &s->models[1];
  assert_string_equal(m->name, "tiny");
  assert_int_equal(m->input_bytes, -1); /* not in the sidecar */
  assert_true(isnan(m->whole_model_time_s));
  assert_true(m->blocks[0].time_s == 1e-3);
  prof_set_free(set);
}

static void test_no_sidecar(void **state) {
  (void)state;
  char csv[512];
  char *text = read_text("profiles/default/xeon-1t.csv");
  assert_non_null(text);
  tmp_path(csv, sizeof csv, "lonely.CSV");
  write_text(csv, text);
  free(text);
  prof_set *set = prof_set_new();
  CHECK_OK(prof_import_file(csv, set, &e_));
  const prof_system *s = &set->systems[0];
  assert_null(s->kind);
  assert_null(s->hardware);
  assert_null(s->extra_json);
  assert_string_equal(s->source_file, csv);
  assert_int_equal(s->models[0].input_bytes, -1);
  assert_null(s->models[0].input_shape);
  assert_true(isnan(s->models[0].whole_model_time_s));
  assert_true(s->models[0].blocks[0].time_s == 0.012366261);
  prof_set_free(set);
}

typedef struct bad_case {
  const char *name; /* fixture base name in tests/fixtures/csv */
  int in_sidecar;   /* 1 when the error is in the .json */
  const char *where;
  const char *msg; /* substring */
} bad_case;

static const bad_case bad_cases[] = {
    {"missing_column", 0, "1", "missing column 'output_shape'"},
    {"unknown_column", 0, "1", "unknown column 'foo'"},
    {"duplicate_column", 0, "1", "column 'repeats' appears twice"},
    {"non_numeric", 0, "3",
     "block 1 of 'm1' (system 's1'): column time_s_median: 'abc' is not a "
     "finite number"},
    {"nan_time", 0, "2", "time_s_median: 'nan' is not a finite number"},
    {"hex_time", 0, "2", "time_s_median: '0x1p3' is not a finite number"},
    {"hex_int", 0, "4", "repeats: '0x10' is not an integer"},
    {"negative_time", 0, "4", "time_s_p90: negative time -0.5"},
    {"negative_bytes", 0, "3", "output_bytes: negative value -5"},
    {"block_gap", 0, "4", "block index gap: expected block 2, found 3"},
    {"block_repeat", 0, "4", "block 1 given again"},
    {"wrong_field_count", 0, "3",
     "expected 13 fields (as in the header), "
     "found 12"},
    {"unterminated_quote", 0, "3", "unterminated quoted field"},
    {"quote_in_field", 0, "3", "quote character inside unquoted field 6"},
    {"empty", 0, "1", "empty file"},
    {"header_only", 0, "", "no data rows"},
    {"bad_int", 0, "3", "repeats: '5.5' is not an integer"},
    {"node_order", 0, "3", "last node 3 is before first node 4"},
    {"overlap", 0, "3", "first node 1 is not after the previous block's"},
    {"empty_system", 0, "3", "column system: empty system name"},
    {"nul_byte", 0, "3", "NUL byte"},
    {"multiline_bad", 0, "5", "output_bytes: 'many' is not an integer"},
    {"bad_sample", 0, "3", "samples_s: sample 2 'x' is not a finite number"},
    {"side_blocks_mismatch", 1, "models.m1.blocks",
     "the sidecar says 4 blocks but"},
    {"side_negative_input", 1, "models.m1.input_bytes", "negative value -1"},
    {"side_wrong_system", 1, "system", "describes system 'other'"},
    {"side_unknown_model", 1, "models.ghost", "no rows for model 'ghost'"},
    {"side_bad_json", 1, "3:12", "invalid JSON near 'cpu"},
    {"side_multi_missing", 1, "systems", "no entry for system 's2'"},
    {"side_deep", 1, "1:83", "nesting deeper than 64"},
    {"side_wrong_type", 1, "models.m1.whole_model_median_s",
     "wrong type: expected a number of seconds, found a string"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad_case *c = &bad_cases[i];
    char csv[512], side[512];
    ss_error err;
    ss_error_clear(&err);
    snprintf(csv, sizeof csv, "tests/fixtures/csv/%s.csv", c->name);
    snprintf(side, sizeof side, "tests/fixtures/csv/%s.json", c->name);
    prof_set *set = prof_set_new();
    if (prof_import_measured_csv(csv, set, &err) == 0)
      fail_msg("%s: accepted", c->name);
    assert_int_equal(set->n_systems, 0); /* nothing half-imported */
    prof_set_free(set);
    assert_string_equal(err.file, c->in_sidecar ? side : csv);
    if (strcmp(err.where, c->where) != 0 || !strstr(err.msg, c->msg))
      fail_msg("%s: got '%s: %s', expected '%s: ...%s...'", c->name, err.where,
               err.msg, c->where, c->msg);
  }
}

/* ---- exporter failures ---- */

static void test_export_sidecar_failure_restores_csv(void **state) {
  (void)state;
  char csv[512], side[512], probe[512];
  prof_set *set = load_defaults();
  ss_error err;
  tmp_path(csv, sizeof csv, "blocked.csv");
  tmp_path(side, sizeof side, "blocked.json");
  assert_int_equal(mkdir(side, 0755), 0); /* the sidecar cannot replace it */

  /* No old CSV: the new one is removed again. */
  assert_int_equal(prof_export_csv(set, csv, &err), -1);
  assert_non_null(strstr(err.msg, "sidecar not written"));
  assert_int_equal(access(csv, F_OK), -1);

  /* An old CSV comes back byte for byte. */
  write_text(csv, "old contents\n");
  assert_int_equal(prof_export_csv(set, csv, &err), -1);
  char *text = read_text(csv);
  assert_string_equal(text, "old contents\n");
  free(text);

  /* No temporary files are left behind. */
  DIR *d = opendir(tmpdir);
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (strncmp(de->d_name, ".splitsim-tmp-", 14) == 0) {
      snprintf(probe, sizeof probe, "%s", de->d_name);
      fail_msg("left behind: %s", probe);
    }
  closedir(d);
  rmdir(side);
  prof_set_free(set);
}

static void test_export_refuses_invalid(void **state) {
  (void)state;
  char csv[512], json[512];
  prof_set *set = tricky_set();
  ss_error err;
  set->systems[0].models[0].blocks[1].time_s = -1;
  tmp_path(csv, sizeof csv, "invalid.csv");
  tmp_path(json, sizeof json, "invalid-profile.json");
  assert_int_equal(prof_export_csv(set, csv, &err), -1);
  assert_non_null(strstr(err.msg, "refusing to export"));
  assert_int_equal(prof_export_json(set, json, &err), -1);
  assert_int_equal(access(csv, F_OK), -1);
  assert_int_equal(access(json, F_OK), -1);

  set->systems[0].models[0].blocks[1].time_s = 1;
  free(set->systems[0].extra_json);
  set->systems[0].extra_json = strdup("[1, 2]");
  assert_int_equal(prof_export_json(set, json, &err), -1);
  assert_non_null(strstr(err.msg, "extra provenance"));
  prof_set_free(set);
}

static void test_sidecar_path(void **state) {
  (void)state;
  char out[64];
  assert_int_equal(prof_csv_sidecar_path("a/b.csv", out, sizeof out), 0);
  assert_string_equal(out, "a/b.json");
  assert_int_equal(prof_csv_sidecar_path("a.d/b.CSV", out, sizeof out), 0);
  assert_string_equal(out, "a.d/b.json");
  assert_int_equal(prof_csv_sidecar_path("a.d/b", out, sizeof out), 0);
  assert_string_equal(out, "a.d/b.json");
  assert_int_equal(prof_csv_sidecar_path("abc.csv", out, 8), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_profiles),
      cmocka_unit_test(test_load_path_csv),
      cmocka_unit_test(test_load_path_scission_folder),
      cmocka_unit_test(test_roundtrip_defaults),
      cmocka_unit_test(test_roundtrip_tricky),
      cmocka_unit_test(test_good_quoted_crlf),
      cmocka_unit_test(test_no_sidecar),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_export_sidecar_failure_restores_csv),
      cmocka_unit_test(test_export_refuses_invalid),
      cmocka_unit_test(test_sidecar_path),
  };
  return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
