/* Tests for the HDF5 profile store (profiles/store.c): exact round trips,
 * atomic overwrite, and a refusal with a clear message for each kind of bad
 * file. Bad HDF5 files are made at run time with the HDF5 C API, by editing
 * a good store in a temporary folder. */
#define _POSIX_C_SOURCE 200809L
/* cmocka.h needs these four headers first. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <unistd.h>

#include "profiles/store.h"
#include "profiles/store_internal.h"

static char tmpdir[256];

static void tpath(char *out, size_t size, const char *name) {
  snprintf(out, size, "%s/%s", tmpdir, name);
}

static void rm_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  struct stat st;
  char p[1024];
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      rm_tree(p);
    else
      unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static int setup(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_store.XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  rm_tree(tmpdir);
  return 0;
}

/* Number of temporaries (marked folders) in tmpdir */
static int count_temp_files(void) {
  DIR *d = opendir(tmpdir);
  int n = 0;
  struct dirent *e;
  assert_non_null(d);
  while ((e = readdir(d)) != NULL)
    if (strncmp(e->d_name, ".splitsim-tmp-", 14) == 0)
      n++;
  closedir(d);
  return n;
}

/* ---- building a set in code ---- */

static prof_block block(int64_t first, int64_t last, const char *fname,
                        const char *lname, double t, double p10, double p90,
                        int64_t repeats, int64_t bytes, const char *shape) {
  prof_block b;
  memset(&b, 0, sizeof b);
  b.first_layer = first;
  b.last_layer = last;
  b.first_name = ss_strdup(fname);
  b.last_name = ss_strdup(lname);
  b.time_s = t;
  b.time_s_p10 = p10;
  b.time_s_p90 = p90;
  b.repeats = repeats;
  b.output_bytes = bytes;
  b.output_shape = ss_strdup(shape);
  return b;
}

static void add_samples(prof_block *b, size_t n, double base) {
  b->n_samples = n;
  b->samples_s = malloc(n * sizeof(double));
  assert_non_null(b->samples_s);
  for (size_t i = 0; i < n; i++)
    b->samples_s[i] = base + (double)i * 1e-7 + 1.0 / 3.0 * 1e-9;
}

/* vgg19-like model with names, percentiles and (when with_samples) raw
 * samples of varying counts. `scale` makes each system's times differ. */
static void make_vgg(prof_model *m, double scale, int with_samples) {
  memset(m, 0, sizeof *m);
  m->name = ss_strdup("vgg19");
  m->input_bytes = 602112;
  m->input_shape = ss_strdup("1x3x224x224");
  m->whole_model_time_s = 0.1 + 0.2 * scale; /* not exactly representable */
  m->n_blocks = 3;
  m->blocks = calloc(3, sizeof(prof_block));
  assert_non_null(m->blocks);
  m->blocks[0] =
      block(0, 3, "input_1", "block1_pool", 0.0123456789 * scale, 0.011 * scale,
            0.013 * scale, 10, 802816, "1x112x112x64");
  m->blocks[1] = block(4, 6, "block2_conv1", "", 1e-300 * scale, -0.0, 4.9e-324,
                       0, 401408, "");
  m->blocks[2] =
      block(7, 25, NULL, "predictions", 2.5 * scale, NAN, NAN, 3, 4000, NULL);
  if (with_samples) {
    add_samples(&m->blocks[0], 3, 0.0123 * scale);
    add_samples(&m->blocks[2], 5, 2.5 * scale);
  }
}

/* A model whose name needs escaping, with every optional value unknown. */
static void make_odd_model(prof_model *m, double scale) {
  memset(m, 0, sizeof *m);
  m->name = ss_strdup("resnet/50 (v1.5)");
  m->input_bytes = -1;
  m->input_shape = NULL;
  m->whole_model_time_s = NAN;
  m->n_blocks = 2;
  m->blocks = calloc(2, sizeof(prof_block));
  assert_non_null(m->blocks);
  m->blocks[0] = block(-1, 10, NULL, NULL, 0.5 * scale, NAN, NAN, 0, 0, NULL);
  m->blocks[1] = block(11, 11, NULL, NULL, 0.0, NAN, NAN, 0, 1000, NULL);
}

static prof_set *make_set(void) {
  prof_set *set = prof_set_new();
  assert_non_null(set);
  set->n_systems = 2;
  set->systems = calloc(2, sizeof(prof_system));
  assert_non_null(set->systems);

  prof_system *a = &set->systems[0];
  a->name = ss_strdup("raspi4");
  a->tier_hint = ss_strdup("device");
  a->kind = ss_strdup("cpu");
  a->hardware = ss_strdup("Raspberry Pi 4 Model B, 4 GB");
  a->source_file = ss_strdup("../shared/data/scission/device-raspi4.dat");
  a->importer = ss_strdup("scission-dat");
  a->import_date = ss_strdup("2026-11-26");
  a->extra_json = ss_strdup("{\"tier\":\"device\",\"n\":[1,2]}");
  a->n_models = 2;
  a->models = calloc(2, sizeof(prof_model));
  assert_non_null(a->models);
  make_vgg(&a->models[0], 1.0, 1);
  make_odd_model(&a->models[1], 1.0);

  prof_system *b = &set->systems[1];
  b->name = ss_strdup("6700k(GPU)");
  b->tier_hint = NULL;
  b->kind = ss_strdup("gpu");
  b->hardware = NULL;
  b->source_file = ss_strdup("cloud-6700k(GPU).dat");
  b->importer = ss_strdup("scission-dat");
  b->import_date = ss_strdup("");
  b->extra_json = NULL;
  b->n_models = 2;
  b->models = calloc(2, sizeof(prof_model));
  assert_non_null(b->models);
  /* the models in the other order, to check that order is kept */
  make_odd_model(&b->models[0], 0.25);
  make_vgg(&b->models[1], 0.125, 0);
  return set;
}

/* ---- exact comparison ---- */

static void assert_str_same(const char *got, const char *want) {
  if (!want) {
    assert_null(got);
    return;
  }
  assert_non_null(got);
  assert_string_equal(got, want);
}

static void assert_bits_same(double got, double want) {
  if (memcmp(&got, &want, sizeof got) != 0)
    fail_msg("double %.17g differs bitwise from %.17g", got, want);
}

static void assert_sets_same(const prof_set *got, const prof_set *want) {
  assert_int_equal(got->n_systems, want->n_systems);
  for (size_t i = 0; i < want->n_systems; i++) {
    const prof_system *g = &got->systems[i], *w = &want->systems[i];
    assert_str_same(g->name, w->name);
    assert_str_same(g->tier_hint, w->tier_hint);
    assert_str_same(g->kind, w->kind);
    assert_str_same(g->hardware, w->hardware);
    assert_str_same(g->source_file, w->source_file);
    assert_str_same(g->importer, w->importer);
    assert_str_same(g->import_date, w->import_date);
    assert_str_same(g->extra_json, w->extra_json);
    assert_int_equal(g->n_models, w->n_models);
    for (size_t k = 0; k < w->n_models; k++) {
      const prof_model *gm = &g->models[k], *wm = &w->models[k];
      assert_str_same(gm->name, wm->name);
      assert_int_equal(gm->input_bytes, wm->input_bytes);
      assert_str_same(gm->input_shape, wm->input_shape);
      assert_bits_same(gm->whole_model_time_s, wm->whole_model_time_s);
      assert_int_equal(gm->n_blocks, wm->n_blocks);
      for (size_t b = 0; b < wm->n_blocks; b++) {
        const prof_block *gb = &gm->blocks[b], *wb = &wm->blocks[b];
        assert_int_equal(gb->first_layer, wb->first_layer);
        assert_int_equal(gb->last_layer, wb->last_layer);
        assert_str_same(gb->first_name, wb->first_name);
        assert_str_same(gb->last_name, wb->last_name);
        assert_bits_same(gb->time_s, wb->time_s);
        assert_bits_same(gb->time_s_p10, wb->time_s_p10);
        assert_bits_same(gb->time_s_p90, wb->time_s_p90);
        assert_int_equal(gb->repeats, wb->repeats);
        assert_int_equal(gb->output_bytes, wb->output_bytes);
        assert_str_same(gb->output_shape, wb->output_shape);
        assert_int_equal(gb->n_samples, wb->n_samples);
        if (wb->n_samples == 0)
          assert_null(gb->samples_s);
        for (size_t s = 0; s < wb->n_samples; s++)
          assert_bits_same(gb->samples_s[s], wb->samples_s[s]);
      }
    }
  }
}

/* Every file, group, dataset and attribute handle was closed. */
static void assert_no_open_hdf5(void) {
  ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (n != 0)
    fail_msg("%zd HDF5 objects are still open", n);
}

static unsigned char *slurp(const char *path, size_t *len) {
  ss_error err;
  char *buf = ss_read_file(path, SS_MAX_INPUT_BYTES, len, &err);
  assert_non_null(buf);
  return (unsigned char *)buf;
}

static void write_good_store(const char *path) {
  ss_error err;
  prof_set *set = make_set();
  if (prof_store_write(path, set, &err) != 0)
    fail_msg("write failed: %s: %s", err.where, err.msg);
  assert_no_open_hdf5();
  prof_set_free(set);
}

/* Read path, expect failure; check file, where and a piece of the message. */
static void expect_read_error(const char *path, const char *where,
                              const char *msg_part) {
  ss_error err;
  prof_set *set = (prof_set *)&err; /* must be reset to NULL */
  ss_error_clear(&err);
  int rc = prof_store_read(path, &set, &err);
  if (rc == 0)
    fail_msg("read of %s succeeded; expected \"%s\"", path, msg_part);
  assert_int_equal(rc, -1);
  assert_null(set);
  assert_no_open_hdf5();
  assert_string_equal(err.file, path);
  if (strcmp(err.where, where) != 0 || !strstr(err.msg, msg_part))
    fail_msg("got where=\"%s\" msg=\"%s\"; expected where=\"%s\" and \"%s\"",
             err.where, err.msg, where, msg_part);
  assert_null(strchr(err.msg, '\n')); /* one line */
  if (getenv("TEST_VERBOSE")) {
    char line[2048];
    ss_error_format(&err, line, sizeof line);
    printf("  %s\n", line);
  }
}

/* ---- HDF5 editing helpers for bad files ---- */

static hid_t open_rw(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  return f;
}

static void put_str_attr(hid_t f, const char *obj, const char *name,
                         const char *value) {
  if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) > 0)
    assert_true(H5Adelete_by_name(f, obj, name, H5P_DEFAULT) >= 0);
  hid_t t = H5Tcopy(H5T_C_S1);
  assert_true(H5Tset_size(t, strlen(value) + 1) >= 0);
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate_by_name(f, obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT);
  assert_true(a >= 0);
  assert_true(H5Awrite(a, t, value) >= 0);
  H5Aclose(a);
  H5Sclose(s);
  H5Tclose(t);
}

static void put_i64_attr(hid_t f, const char *obj, const char *name,
                         int64_t v) {
  if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) > 0)
    assert_true(H5Adelete_by_name(f, obj, name, H5P_DEFAULT) >= 0);
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate_by_name(f, obj, name, H5T_STD_I64LE, s, H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT);
  assert_true(a >= 0);
  assert_true(H5Awrite(a, H5T_NATIVE_INT64, &v) >= 0);
  H5Aclose(a);
  H5Sclose(s);
}

/* Create a float dataset at path of the given rank (dims 3, or 3 x 2). */
static void make_floats(hid_t f, const char *path, int rank) {
  hsize_t dims[2] = {3, 2};
  hid_t s = H5Screate_simple(rank, dims, NULL);
  hid_t d = H5Dcreate2(f, path, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
  assert_true(d >= 0);
  double v[6] = {1, 2, 3, 4, 5, 6};
  assert_true(
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Dclose(d);
  H5Sclose(s);
}

static void replace_with_floats(hid_t f, const char *path, int rank) {
  assert_true(H5Ldelete(f, path, H5P_DEFAULT) >= 0);
  make_floats(f, path, rank);
}

/* Read-modify-write one field of one row of a compound dataset (the memory
 * type holds only that field, so HDF5 leaves the other fields alone). */
static void set_row_field(hid_t f, const char *path, const char *field,
                          size_t row, hid_t mem_type, const void *value) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_true(d >= 0);
  size_t sz = H5Tget_size(mem_type);
  hid_t mt = H5Tcreate(H5T_COMPOUND, sz);
  assert_true(H5Tinsert(mt, field, 0, mem_type) >= 0);
  hid_t s = H5Dget_space(d);
  hssize_t n = H5Sget_simple_extent_npoints(s);
  unsigned char *buf = calloc((size_t)n, sz);
  assert_non_null(buf);
  assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  memcpy(buf + row * sz, value, sz);
  assert_true(H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  free(buf);
  H5Sclose(s);
  H5Tclose(mt);
  H5Dclose(d);
}

static prof_model *find_model(prof_set *set, const char *sys,
                              const char *model) {
  prof_model *m = prof_system_find_model(prof_set_find_system(set, sys), model);
  assert_non_null(m);
  return m;
}

/* Write the content checksum of `want` (what the edited file now holds). */
static void reseal(hid_t f, const prof_set *want) {
  unsigned char *enc = NULL;
  size_t len = 0;
  assert_int_equal(prof_store_encode(want, &enc, &len), 0);
  char sum[32];
  snprintf(sum, sizeof sum, "fnv1a64:%016llx",
           (unsigned long long)prof_store_fnv1a64(enc, len));
  free(enc);
  put_str_attr(f, "/", "content_checksum", sum);
}

/* ---- tests ---- */

static void test_escape_name(void **state) {
  (void)state;
  char out[64];
  assert_int_equal(prof_store_escape_name("6700k(GPU)", out, sizeof out), 10);
  assert_string_equal(out, "6700k(GPU)");
  prof_store_escape_name("a/b%c", out, sizeof out);
  assert_string_equal(out, "a%2Fb%25c");
  prof_store_escape_name(".", out, sizeof out);
  assert_string_equal(out, "%2E");
  prof_store_escape_name("..", out, sizeof out);
  assert_string_equal(out, "..");
  prof_store_escape_name("tab\there\x7f", out, sizeof out);
  assert_string_equal(out, "tab%09here%7F");
  prof_store_escape_name("syst\xc3\xa8me x", out, sizeof out);
  assert_string_equal(out, "syst\xc3\xa8me x");
  assert_int_equal(prof_store_escape_name("", out, sizeof out), -1);
  assert_int_equal(prof_store_escape_name("abc", out, 3), -1);
  assert_int_equal(prof_store_escape_name("/", out, 3), -1);
  assert_int_equal(prof_store_escape_name("/", out, 4), 3);
}

static void test_is_hdf5(void **state) {
  (void)state;
  char p[512];
  tpath(p, sizeof p, "sig.h5");
  write_good_store(p);
  assert_int_equal(prof_store_is_hdf5(p), 1);
  assert_int_equal(prof_store_is_hdf5("tests/fixtures/store/not-hdf5.h5"), 0);
  assert_int_equal(prof_store_is_hdf5("/nonexistent/x.h5"), 0);
  assert_int_equal(prof_store_is_hdf5(tmpdir), 0);
}

static void test_round_trip(void **state) {
  (void)state;
  char p[512];
  ss_error err;
  tpath(p, sizeof p, "rt.h5");
  prof_set *set = make_set();
  assert_int_equal(prof_store_write(p, set, &err), 0);
  prof_set *back = NULL;
  if (prof_store_read(p, &back, &err) != 0)
    fail_msg("read failed: %s: %s", err.where, err.msg);
  assert_no_open_hdf5();
  assert_sets_same(back, set);
  /* and a second generation is identical too */
  assert_int_equal(prof_store_write(p, back, &err), 0);
  prof_set *again = NULL;
  assert_int_equal(prof_store_read(p, &again, &err), 0);
  assert_sets_same(again, set);
  prof_set_free(again);
  prof_set_free(back);
  prof_set_free(set);
  assert_int_equal(count_temp_files(), 0);
}

static void test_layout_paths(void **state) {
  (void)state;
  char p[512];
  tpath(p, sizeof p, "layout.h5");
  write_good_store(p);
  hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  const char *paths[] = {
      "/systems",
      "/systems/raspi4/models/vgg19/blocks",
      "/systems/raspi4/models/vgg19/samples_s",
      "/systems/6700k(GPU)/models/vgg19/blocks",
      "/systems/6700k(GPU)/models/resnet%2F50 (v1.5)/blocks",
  };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (H5Lexists(f, paths[i], H5P_DEFAULT) <= 0)
      fail_msg("missing %s", paths[i]);
  /* no raw samples in this model: no samples_s dataset */
  assert_int_equal(
      H5Lexists(f, "/systems/6700k(GPU)/models/vgg19/samples_s", H5P_DEFAULT),
      0);
  /* NULL strings are absent attributes; empty strings are present */
  assert_int_equal(
      H5Aexists_by_name(f, "/systems/6700k(GPU)", "hardware", H5P_DEFAULT), 0);
  assert_int_equal(
      H5Aexists_by_name(f, "/systems/6700k(GPU)", "import_date", H5P_DEFAULT),
      1);
  H5Fclose(f);
}

static void test_odd_names(void **state) {
  (void)state;
  char p[512];
  ss_error err;
  tpath(p, sizeof p, "odd.h5");
  prof_set *set = prof_set_new();
  const char *names[] = {".", "50%/x", "tab\there", "syst\xc3\xa8me"};
  set->n_systems = 4;
  set->systems = calloc(4, sizeof(prof_system));
  for (size_t i = 0; i < 4; i++) {
    prof_system *s = &set->systems[i];
    s->name = ss_strdup(names[i]);
    s->n_models = 1;
    s->models = calloc(1, sizeof(prof_model));
    make_odd_model(&s->models[0], 1.0 + (double)i);
    free(s->models[0].name);
    s->models[0].name = ss_strdup(i == 0 ? ".." : "/");
  }
  /* different model names per system, so boundaries need not agree */
  assert_int_equal(prof_store_write(p, set, &err), 0);
  prof_set *back = NULL;
  if (prof_store_read(p, &back, &err) != 0)
    fail_msg("read failed: %s: %s", err.where, err.msg);
  assert_sets_same(back, set);
  hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  assert_true(H5Lexists(f, "/systems/%2E/models/../blocks", H5P_DEFAULT) > 0);
  assert_true(H5Lexists(f, "/systems/50%25%2Fx/models/%2F", H5P_DEFAULT) > 0);
  H5Fclose(f);
  prof_set_free(back);
  prof_set_free(set);
}

static void test_empty_set(void **state) {
  (void)state;
  char p[512];
  ss_error err;
  tpath(p, sizeof p, "empty.h5");
  prof_set *set = prof_set_new();
  assert_int_equal(prof_store_write(p, set, &err), 0);
  prof_set *back = NULL;
  assert_int_equal(prof_store_read(p, &back, &err), 0);
  assert_int_equal(back->n_systems, 0);
  prof_set_free(back);
  prof_set_free(set);
}

static void test_deterministic_bytes(void **state) {
  (void)state;
  char p1[512], p2[512];
  size_t n1, n2;
  tpath(p1, sizeof p1, "det1.h5");
  tpath(p2, sizeof p2, "det2.h5");
  write_good_store(p1);
  write_good_store(p2);
  unsigned char *a = slurp(p1, &n1), *b = slurp(p2, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(a, b, n1);
  free(a);
  free(b);
}

static void test_overwrite_atomic(void **state) {
  (void)state;
  char p[512], dir[512];
  ss_error err;
  size_t n0, n1, n2;
  tpath(p, sizeof p, "atomic.h5");
  write_good_store(p);
  unsigned char *first = slurp(p, &n0);

  /* a valid overwrite replaces the file */
  prof_set *set = make_set();
  free(set->systems[0].hardware);
  set->systems[0].hardware = ss_strdup("changed");
  assert_int_equal(prof_store_write(p, set, &err), 0);
  unsigned char *second = slurp(p, &n1);
  assert_true(n1 != n0 || memcmp(first, second, n0) != 0);
  prof_set *back = NULL;
  assert_int_equal(prof_store_read(p, &back, &err), 0);
  assert_string_equal(back->systems[0].hardware, "changed");
  prof_set_free(back);

  /* a set that fails validation: refused, old bytes kept */
  set->systems[1].models[1].blocks[2].time_s = -1.0;
  ss_error_clear(&err);
  assert_int_equal(prof_store_write(p, set, &err), -1);
  assert_string_equal(err.file, p);
  assert_non_null(strstr(err.msg, "block 2"));
  assert_non_null(strstr(err.msg, "negative"));
  set->systems[1].models[1].blocks[2].time_s = 2.5;

  /* boundaries that disagree between systems: refused */
  set->systems[1].models[1].blocks[1].last_layer = 5;
  assert_int_equal(prof_store_write(p, set, &err), -1);
  assert_non_null(strstr(err.msg, "block boundaries"));
  set->systems[1].models[1].blocks[1].last_layer = 6;

  /* a NaN sample is refused */
  set->systems[0].models[0].blocks[2].samples_s[4] = NAN;
  assert_int_equal(prof_store_write(p, set, &err), -1);
  assert_non_null(strstr(err.msg, "sample"));
  set->systems[0].models[0].blocks[2].samples_s[4] = 1.0;

  /* two systems with one name: refused */
  free(set->systems[1].name);
  set->systems[1].name = ss_strdup("raspi4");
  assert_int_equal(prof_store_write(p, set, &err), -1);
  assert_non_null(strstr(err.msg, "twice"));

  unsigned char *third = slurp(p, &n2);
  assert_int_equal(n2, n1);
  assert_memory_equal(third, second, n1);
  assert_int_equal(count_temp_files(), 0);
  assert_no_open_hdf5();
  free(set->systems[1].name);
  set->systems[1].name = ss_strdup("6700k(GPU)");

  /* a folder that does not exist */
  char missing[600];
  snprintf(missing, sizeof missing, "%s/no/such/dir/x.h5", tmpdir);
  assert_int_equal(prof_store_write(missing, set, &err), -1);
  assert_string_equal(err.file, missing);

  /* the target is a folder: the rename fails and the temp file goes away */
  tpath(dir, sizeof dir, "adir.h5");
  assert_int_equal(mkdir(dir, 0755), 0);
  char inside[600];
  snprintf(inside, sizeof inside, "%s/keep", dir);
  FILE *fp = fopen(inside, "w");
  assert_non_null(fp);
  fclose(fp);
  assert_int_equal(prof_store_write(dir, set, &err), -1);
  assert_string_equal(err.file, dir);
  assert_no_open_hdf5();
  assert_int_equal(count_temp_files(), 0);

  /* and the file is still the second version */
  free(third);
  third = slurp(p, &n2);
  assert_int_equal(n2, n1);
  assert_memory_equal(third, second, n1);

  free(first);
  free(second);
  free(third);
  prof_set_free(set);
}

static void test_not_hdf5(void **state) {
  (void)state;
  char p[512];
  expect_read_error("tests/fixtures/store/not-hdf5.h5", "", "not an HDF5 file");
  tpath(p, sizeof p, "empty-file.h5");
  FILE *fp = fopen(p, "w");
  assert_non_null(fp);
  fclose(fp);
  expect_read_error(p, "", "not an HDF5 file");
  tpath(p, sizeof p, "does-not-exist.h5");
  expect_read_error(p, "", "cannot open");
  expect_read_error(tmpdir, "", "directory");
}

static void test_truncated(void **state) {
  (void)state;
  char p[512];
  size_t n;
  tpath(p, sizeof p, "trunc.h5");
  write_good_store(p);
  unsigned char *buf = slurp(p, &n);
  FILE *fp = fopen(p, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(buf, 1, n / 2, fp), n / 2);
  fclose(fp);
  free(buf);
  expect_read_error(p, "", "cannot open as HDF5");
}

static void test_hdf5_not_a_store(void **state) {
  (void)state;
  char p[512];
  tpath(p, sizeof p, "plain.h5");
  hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(f >= 0);
  H5Fclose(f);
  expect_read_error(p, "/", "no 'format' attribute");
}

static void test_wrong_format_attr(void **state) {
  (void)state;
  char p[512];
  tpath(p, sizeof p, "fmt.h5");

  write_good_store(p);
  hid_t f = open_rw(p);
  put_str_attr(f, "/", "format", "someone-elses-format");
  H5Fclose(f);
  expect_read_error(p, "/", "format is \"someone-elses-format\"");

  write_good_store(p);
  f = open_rw(p);
  put_i64_attr(f, "/", "format", 1);
  H5Fclose(f);
  expect_read_error(p, "/", "attribute 'format' must be a string");

  write_good_store(p);
  f = open_rw(p);
  put_i64_attr(f, "/", "format_version", 3);
  H5Fclose(f);
  expect_read_error(p, "/",
                    "format_version 3 is not supported (this splitsim reads "
                    "versions 1 to 2)");

  write_good_store(p);
  f = open_rw(p);
  assert_true(H5Adelete_by_name(f, "/", "format_version", H5P_DEFAULT) >= 0);
  H5Fclose(f);
  expect_read_error(p, "/", "missing attribute 'format_version'");
}

static void test_missing_blocks(void **state) {
  (void)state;
  char p[512];
  tpath(p, sizeof p, "noblocks.h5");
  write_good_store(p);
  hid_t f = open_rw(p);
  assert_true(
      H5Ldelete(f, "/systems/raspi4/models/vgg19/blocks", H5P_DEFAULT) >= 0);
  H5Fclose(f);
  expect_read_error(p, "/systems/raspi4/models/vgg19/blocks",
                    "missing dataset");

  write_good_store(p);
  f = open_rw(p);
  assert_true(H5Ldelete(f, "/systems/6700k(GPU)/models", H5P_DEFAULT) >= 0);
  H5Fclose(f);
  expect_read_error(p, "/systems/6700k(GPU)/models", "missing group");

  write_good_store(p);
  f = open_rw(p);
  assert_true(H5Ldelete(f, "/systems", H5P_DEFAULT) >= 0);
  H5Fclose(f);
  expect_read_error(p, "/systems", "missing group");
}

static void test_wrong_dataset_type(void **state) {
  (void)state;
  char p[512];
  const char *bp = "/systems/raspi4/models/vgg19/blocks";
  tpath(p, sizeof p, "badtype.h5");

  /* 1-D floats (3 rows, as n_blocks says) instead of the compound table */
  write_good_store(p);
  hid_t f = open_rw(p);
  replace_with_floats(f, bp, 1);
  H5Fclose(f);
  expect_read_error(p, bp,
                    "must be a compound dataset (one row per block), found a "
                    "float");

  /* a 2-D dataset */
  write_good_store(p);
  f = open_rw(p);
  replace_with_floats(f, bp, 2);
  H5Fclose(f);
  expect_read_error(p, bp, "must be a 1-D dataset, found rank 2");

  /* a group where the dataset should be */
  write_good_store(p);
  f = open_rw(p);
  assert_true(H5Ldelete(f, bp, H5P_DEFAULT) >= 0);
  hid_t g = H5Gcreate2(f, bp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(g >= 0);
  H5Gclose(g);
  H5Fclose(f);
  expect_read_error(p, bp, "expected a dataset, found a group");

  /* samples_s as a 1-D dataset */
  const char *sp = "/systems/raspi4/models/vgg19/samples_s";
  write_good_store(p);
  f = open_rw(p);
  replace_with_floats(f, sp, 1);
  H5Fclose(f);
  expect_read_error(p, sp, "must be a 2-D dataset, found rank 1");
}

static void test_compound_wrong_fields(void **state) {
  (void)state;
  char p[512];
  const char *bp = "/systems/raspi4/models/vgg19/blocks";
  tpath(p, sizeof p, "fields.h5");

  /* a table with index and first/last layer only */
  write_good_store(p);
  hid_t f = open_rw(p);
  assert_true(H5Ldelete(f, bp, H5P_DEFAULT) >= 0);
  typedef struct {
    int64_t index, first_layer, last_layer;
    double time_s_median;
  } small_row;
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(small_row));
  H5Tinsert(t, "index", offsetof(small_row, index), H5T_NATIVE_INT64);
  H5Tinsert(t, "first_layer", offsetof(small_row, first_layer),
            H5T_NATIVE_INT64);
  H5Tinsert(t, "last_layer", offsetof(small_row, last_layer), H5T_NATIVE_INT64);
  H5Tinsert(t, "time_s_median", offsetof(small_row, time_s_median),
            H5T_NATIVE_INT64); /* wrong class on purpose */
  hsize_t dims[1] = {3};
  hid_t s = H5Screate_simple(1, dims, NULL);
  hid_t d = H5Dcreate2(f, bp, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(d >= 0);
  H5Dclose(d);
  H5Sclose(s);
  H5Tclose(t);
  H5Fclose(f);
  expect_read_error(p, bp, "missing field 'first_name'");
}

static void test_field_class_wrong(void **state) {
  (void)state;
  char p[512];
  const char *bp = "/systems/raspi4/models/vgg19/blocks";
  tpath(p, sizeof p, "fieldclass.h5");
  write_good_store(p);
  hid_t f = open_rw(p);
  assert_true(H5Ldelete(f, bp, H5P_DEFAULT) >= 0);
  /* every field present, but time_s_p90 stored as an integer */
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, H5T_VARIABLE);
  const char *names[] = {"index",        "first_layer",  "last_layer",
                         "first_name",   "last_name",    "time_s_median",
                         "time_s_p10",   "time_s_p90",   "repeats",
                         "output_bytes", "output_shape", "n_samples"};
  size_t off = 0;
  hid_t t = H5Tcreate(H5T_COMPOUND, 12 * 8);
  for (size_t i = 0; i < 12; i++) {
    hid_t ft = strstr(names[i], "name") || strstr(names[i], "shape") ? str
               : strncmp(names[i], "time", 4) == 0 && i != 7 ? H5T_IEEE_F64LE
                                                             : H5T_STD_I64LE;
    assert_true(H5Tinsert(t, names[i], off, ft) >= 0);
    off += 8;
  }
  hsize_t dims[1] = {3};
  hid_t s = H5Screate_simple(1, dims, NULL);
  hid_t d = H5Dcreate2(f, bp, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(d >= 0);
  H5Dclose(d);
  H5Sclose(s);
  H5Tclose(t);
  H5Tclose(str);
  H5Fclose(f);
  expect_read_error(p, bp,
                    "field 'time_s_p90' must be a float, found an "
                    "integer");
}

static void test_links_refused(void **state) {
  (void)state;
  char p[512];
  tpath(p, sizeof p, "links.h5");

  write_good_store(p);
  hid_t f = open_rw(p);
  assert_true(H5Lcreate_external("/etc/passwd", "/x", f, "/systems/evil",
                                 H5P_DEFAULT, H5P_DEFAULT) >= 0);
  H5Fclose(f);
  expect_read_error(p, "/systems/evil", "external link");

  write_good_store(p);
  f = open_rw(p);
  assert_true(
      H5Ldelete(f, "/systems/raspi4/models/vgg19/blocks", H5P_DEFAULT) >= 0);
  assert_true(H5Lcreate_soft("/systems/6700k(GPU)/models/vgg19/blocks", f,
                             "/systems/raspi4/models/vgg19/blocks", H5P_DEFAULT,
                             H5P_DEFAULT) >= 0);
  H5Fclose(f);
  expect_read_error(p, "/systems/raspi4/models/vgg19/blocks", "soft link");

  /* a dataset directly under /systems */
  write_good_store(p);
  f = open_rw(p);
  make_floats(f, "/systems/stray", 2);
  H5Fclose(f);
  expect_read_error(p, "/systems/stray", "expected a group, found a dataset");
}

static void test_unknown_groups_ignored(void **state) {
  (void)state;
  char p[512];
  ss_error err;
  tpath(p, sizeof p, "graph.h5");
  write_good_store(p);
  hid_t f = open_rw(p);
  hid_t g = H5Gcreate2(f, "/systems/raspi4/models/vgg19/graph", H5P_DEFAULT,
                       H5P_DEFAULT, H5P_DEFAULT);
  assert_true(g >= 0);
  H5Gclose(g);
  put_str_attr(f, "/systems/raspi4", "future_attribute", "x");
  H5Fclose(f);
  prof_set *back = NULL, *want = make_set();
  if (prof_store_read(p, &back, &err) != 0)
    fail_msg("read failed: %s: %s", err.where, err.msg);
  assert_sets_same(back, want);
  prof_set_free(back);
  prof_set_free(want);
}

static void test_hand_edited_values(void **state) {
  (void)state;
  char p[512];
  const char *bp = "/systems/6700k(GPU)/models/vgg19/blocks";
  tpath(p, sizeof p, "edited.h5");

  /* boundaries no longer agree between the two systems (the edit is
   * resealed with a matching content checksum, as a deliberate edit would
   * be, so that the reader's own checks are what refuses it) */
  write_good_store(p);
  hid_t f = open_rw(p);
  int64_t v = 2;
  set_row_field(f, bp, "last_layer", 0, H5T_NATIVE_INT64, &v);
  prof_set *want = make_set();
  find_model(want, "6700k(GPU)", "vgg19")->blocks[0].last_layer = 2;
  reseal(f, want);
  H5Fclose(f);
  expect_read_error(p, "/systems/raspi4/models/vgg19", "block boundaries");

  /* a negative median time */
  write_good_store(p);
  f = open_rw(p);
  double t = -0.5;
  set_row_field(f, bp, "time_s_median", 1, H5T_NATIVE_DOUBLE, &t);
  find_model(want, "6700k(GPU)", "vgg19")->blocks[0].last_layer =
      find_model(want, "raspi4", "vgg19")->blocks[0].last_layer;
  find_model(want, "6700k(GPU)", "vgg19")->blocks[1].time_s = -0.5;
  reseal(f, want);
  prof_set_free(want);
  H5Fclose(f);
  expect_read_error(p, "/systems/6700k(GPU)", "block 1: time is NaN");

  /* the same edit without a new checksum: the file is damaged */
  write_good_store(p);
  f = open_rw(p);
  set_row_field(f, bp, "time_s_median", 1, H5T_NATIVE_DOUBLE, &t);
  H5Fclose(f);
  expect_read_error(p, "/", "content checksum mismatch");

  /* rows out of order */
  write_good_store(p);
  f = open_rw(p);
  v = 7;
  set_row_field(f, bp, "index", 1, H5T_NATIVE_INT64, &v);
  H5Fclose(f);
  expect_read_error(p, bp, "row 1 has index 7");

  /* n_blocks disagrees with the table */
  write_good_store(p);
  f = open_rw(p);
  put_i64_attr(f, "/systems/6700k(GPU)/models/vgg19", "n_blocks", 4);
  H5Fclose(f);
  expect_read_error(p, bp,
                    "has 3 rows but the model's n_blocks attribute "
                    "is 4");

  /* n_samples without a samples_s dataset */
  write_good_store(p);
  f = open_rw(p);
  v = 2;
  set_row_field(f, bp, "n_samples", 0, H5T_NATIVE_INT64, &v);
  H5Fclose(f);
  expect_read_error(p, bp, "no samples_s dataset");

  /* a value in the NaN padding of samples_s */
  const char *sp = "/systems/raspi4/models/vgg19/samples_s";
  write_good_store(p);
  f = open_rw(p);
  hid_t d = H5Dopen2(f, sp, H5P_DEFAULT);
  double buf[3 * 5];
  assert_true(
      H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  assert_true(isnan(buf[5 + 0])); /* block 1 has no samples */
  buf[5 + 0] = 1.0;
  assert_true(
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Dclose(d);
  H5Fclose(f);
  expect_read_error(p, sp, "row 1: value in column 0");

  /* the name attribute disagrees with the link name */
  write_good_store(p);
  f = open_rw(p);
  put_str_attr(f, "/systems/raspi4", "name", "raspi5");
  H5Fclose(f);
  expect_read_error(p, "/systems/raspi4", "does not match the link name");

  /* a unit this reader does not know */
  write_good_store(p);
  f = open_rw(p);
  put_str_attr(f, bp, "time_unit", "ms");
  H5Fclose(f);
  expect_read_error(p, bp, "attribute 'time_unit' is \"ms\"");

  /* input_bytes below -1 */
  write_good_store(p);
  f = open_rw(p);
  put_i64_attr(f, "/systems/raspi4/models/vgg19", "input_bytes", -5);
  H5Fclose(f);
  expect_read_error(p, "/systems/raspi4/models/vgg19", "input_bytes is -5");

  /* whole_model_time_s stored as a string */
  write_good_store(p);
  f = open_rw(p);
  assert_true(H5Adelete_by_name(f, "/systems/raspi4/models/vgg19",
                                "whole_model_time_s", H5P_DEFAULT) >= 0);
  put_str_attr(f, "/systems/raspi4/models/vgg19", "whole_model_time_s", "0.3");
  H5Fclose(f);
  expect_read_error(p, "/systems/raspi4/models/vgg19",
                    "attribute 'whole_model_time_s' must be a float, found a "
                    "string");
}

/* ---- format version 2: text, unknowns, checksums ---- */

static int attr_is_vlen_utf8(hid_t f, const char *obj, const char *name) {
  hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t t = H5Aget_type(a);
  int ok = H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0 &&
           H5Tget_cset(t) == H5T_CSET_UTF8;
  H5Tclose(t);
  H5Aclose(a);
  return ok;
}

static int has_fletcher(hid_t f, const char *path) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t p = H5Dget_create_plist(d);
  unsigned flags = 0, conf = 0;
  size_t n = 0;
  int ok = H5Pget_filter_by_id2(p, H5Z_FILTER_FLETCHER32, &flags, &n, NULL, 0,
                                NULL, &conf) >= 0;
  H5Pclose(p);
  H5Dclose(d);
  return ok;
}

static void test_v2_layout(void **state) {
  (void)state;
  char p[512];
  tpath(p, sizeof p, "v2.h5");
  write_good_store(p);
  hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  int64_t version = 0;
  hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
  assert_true(H5Aread(a, H5T_NATIVE_INT64, &version) >= 0);
  H5Aclose(a);
  assert_int_equal(version, 2);
  assert_true(attr_is_vlen_utf8(f, "/", "format"));
  assert_true(attr_is_vlen_utf8(f, "/", "content_checksum"));
  assert_true(attr_is_vlen_utf8(f, "/systems/raspi4", "name"));
  assert_true(
      attr_is_vlen_utf8(f, "/systems/raspi4/models/vgg19/blocks", "time_unit"));
  /* an unknown input size is an absent attribute, not -1 */
  const char *odd = "/systems/raspi4/models/resnet%2F50 (v1.5)";
  assert_int_equal(H5Aexists_by_name(f, odd, "input_bytes", H5P_DEFAULT), 0);
  assert_int_equal(H5Aexists_by_name(f, "/systems/raspi4/models/vgg19",
                                     "input_bytes", H5P_DEFAULT),
                   1);
  assert_true(has_fletcher(f, "/systems/raspi4/models/vgg19/blocks"));
  assert_true(has_fletcher(f, "/systems/raspi4/models/vgg19/samples_s"));
  H5Fclose(f);
  prof_set *back = NULL;
  prof_store_info info = {0, 0};
  ss_error err;
  assert_int_equal(prof_store_read_info(p, &back, &info, &err), 0);
  assert_int_equal(info.format_version, 2);
  assert_int_equal(info.checksummed, 1);
  prof_set_free(back);
}

/* Flip one byte of the blocks table's stored chunk: HDF5's Fletcher-32
 * check refuses the read. */
static void test_fletcher_flip(void **state) {
  (void)state;
  char p[512];
  const char *bp = "/systems/raspi4/models/vgg19/blocks";
  tpath(p, sizeof p, "flip.h5");
  write_good_store(p);
  hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, bp, H5P_DEFAULT);
  hsize_t off[1];
  unsigned mask = 0;
  haddr_t addr = 0;
  hsize_t size = 0;
  hid_t sp = H5Dget_space(d);
  assert_true(H5Dget_chunk_info(d, sp, 0, off, &mask, &addr, &size) >= 0);
  assert_true(size > 16);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  FILE *fp = fopen(p, "r+b");
  assert_non_null(fp);
  assert_int_equal(fseeko(fp, (off_t)(addr + 16), SEEK_SET), 0);
  int c = fgetc(fp);
  assert_int_equal(fseeko(fp, (off_t)(addr + 16), SEEK_SET), 0);
  fputc(c ^ 0x01, fp);
  fclose(fp);
  expect_read_error(p, bp, "cannot read dataset");
}

/* A dataset rewritten without the filter is refused in a version 2 store. */
static void test_missing_fletcher(void **state) {
  (void)state;
  char p[512];
  const char *sp = "/systems/raspi4/models/vgg19/samples_s";
  tpath(p, sizeof p, "nofilter.h5");
  write_good_store(p);
  hid_t f = open_rw(p);
  hid_t d = H5Dopen2(f, sp, H5P_DEFAULT);
  double buf[3 * 5];
  assert_true(
      H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  hid_t s = H5Dget_space(d);
  H5Dclose(d);
  assert_true(H5Ldelete(f, sp, H5P_DEFAULT) >= 0);
  d = H5Dcreate2(f, sp, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT,
                 H5P_DEFAULT);
  assert_true(d >= 0);
  assert_true(
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Dclose(d);
  H5Sclose(s);
  H5Fclose(f);
  expect_read_error(p, sp, "has no Fletcher-32 checksum");
}

/* A version 1 store (committed fixture, written before checksums) still
 * reads, and says it carries none; its -1 input size means unknown. */
static void test_old_format(void **state) {
  (void)state;
  const char *p = "tests/fixtures/store/format-v1.h5";
  prof_set *set = NULL;
  prof_store_info info = {0, 0};
  ss_error err;
  if (prof_store_read_info(p, &set, &info, &err) != 0)
    fail_msg("%s: %s", err.where, err.msg);
  assert_int_equal(info.format_version, 1);
  assert_int_equal(info.checksummed, 0);
  assert_int_equal(set->n_systems, 1);
  assert_int_equal(find_model(set, "gpu box", "tiny")->input_bytes, -1);
  assert_int_equal(find_model(set, "gpu box", "net, v2")->input_bytes, 12);
  prof_set_free(set);
}

/* The canonical encoding decodes to the same set; any cut or extra byte is
 * refused. */
static void test_wire_round_trip(void **state) {
  (void)state;
  prof_set *set = make_set(), *back = NULL;
  unsigned char *enc = NULL;
  size_t len = 0;
  assert_int_equal(prof_store_encode(set, &enc, &len), 0);
  assert_int_equal(prof_store_decode(enc, len, &back), 0);
  assert_sets_same(back, set);
  prof_set_free(back);
  for (size_t cut = 0; cut < len; cut += 7) {
    assert_int_equal(prof_store_decode(enc, cut, &back), -1);
    assert_null(back);
  }
  unsigned char *longer = malloc(len + 1);
  assert_non_null(longer);
  memcpy(longer, enc, len);
  longer[len] = 0;
  assert_int_equal(prof_store_decode(longer, len + 1, &back), -1);
  /* the checksum changes with any value */
  uint64_t h = prof_store_fnv1a64(enc, len);
  set->systems[0].models[0].blocks[0].time_s *= 1.0 + 1e-15;
  free(enc);
  assert_int_equal(prof_store_encode(set, &enc, &len), 0);
  assert_true(prof_store_fnv1a64(enc, len) != h);
  free(longer);
  free(enc);
  prof_set_free(set);
}

int main(void) {
  /* Our own HDF5 calls in the tests should be quiet too. */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape_name),
      cmocka_unit_test(test_is_hdf5),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_layout_paths),
      cmocka_unit_test(test_odd_names),
      cmocka_unit_test(test_empty_set),
      cmocka_unit_test(test_deterministic_bytes),
      cmocka_unit_test(test_overwrite_atomic),
      cmocka_unit_test(test_not_hdf5),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_hdf5_not_a_store),
      cmocka_unit_test(test_wrong_format_attr),
      cmocka_unit_test(test_missing_blocks),
      cmocka_unit_test(test_wrong_dataset_type),
      cmocka_unit_test(test_compound_wrong_fields),
      cmocka_unit_test(test_field_class_wrong),
      cmocka_unit_test(test_links_refused),
      cmocka_unit_test(test_unknown_groups_ignored),
      cmocka_unit_test(test_hand_edited_values),
      cmocka_unit_test(test_v2_layout),
      cmocka_unit_test(test_fletcher_flip),
      cmocka_unit_test(test_missing_fletcher),
      cmocka_unit_test(test_old_format),
      cmocka_unit_test(test_wire_round_trip),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
