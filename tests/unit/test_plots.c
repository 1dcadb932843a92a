/* plots/: safe gnuplot strings, the CSV reader, loading an output folder,
 * the chart files, running gnuplot (success, failure, time limit, missing)
 * and a hostile model name that must not run anything. Charts are rendered
 * from tests/fixtures/plots/ (made by make_sample.py there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <dirent.h>
#include <unistd.h>

#include "plots/plot_internal.h"
#include "plots/plots.h"
#include "scenarios/scenario.h"

#define FIXTURE "tests/fixtures/plots"

/* ---- helpers ------------------------------------------------------------ */

static void rm_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    DIR *dp = opendir(path);
    if (dp) {
      struct dirent *de;
      while ((de = readdir(dp)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
          continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        rm_tree(sub);
      }
      closedir(dp);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

static void write_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  fputs(text, fp);
  assert_int_equal(fclose(fp), 0);
}

static char *read_text(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
  buf[n] = 0;
  fclose(fp);
  return buf;
}

static void copy_file(const char *from, const char *to) {
  char *t = read_text(from);
  if (!t)
    fail_msg("cannot read %s", from);
  write_text(to, t);
  free(t);
}

/* A scratch copy of the fixture: TMP/sample-profiles.csv and
 * TMP/sample-out/<name>/ (the yaml names ../../sample-profiles.csv). */
static void copy_fixture(const char *tmp, const char *name) {
  static const char *const files[] = {
      "best.csv",     "breakpoints.csv",        "curves.csv",
      "summary.csv",  "scenario.resolved.yaml", "run.json",
      "purchase.csv", "sensitivity.csv"};
  char a[2048], b[2048];
  snprintf(a, sizeof a, "%s/sample-out", tmp);
  mkdir(a, 0777);
  snprintf(a, sizeof a, "%s/sample-out/%s", tmp, name);
  assert_int_equal(mkdir(a, 0777), 0);
  snprintf(a, sizeof a, "%s/sample-profiles.csv", FIXTURE);
  snprintf(b, sizeof b, "%s/sample-profiles.csv", tmp);
  copy_file(a, b);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(a, sizeof a, "%s/sample-out/%s/%s", FIXTURE, name, files[i]);
    snprintf(b, sizeof b, "%s/sample-out/%s/%s", tmp, name, files[i]);
    if (access(a, R_OK) == 0)
      copy_file(a, b);
  }
}

static char *make_tmp(void) {
  char *t = strdup("/tmp/test_plots.XXXXXX");
  assert_non_null(t);
  assert_non_null(mkdtemp(t));
  return t;
}

static int have_gnuplot(void) {
  if (plot_gnuplot_available(NULL))
    return 1;
  printf("skipped: gnuplot not installed (rendering checks)\n");
  return 0;
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A valid PNG of at least min_w x min_h pixels and min_bytes bytes. */
static void check_png(const char *path, unsigned min_w, unsigned min_h,
                      long min_bytes) {
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10};
  unsigned char h[24];
  FILE *fp = fopen(path, "rb");
  if (!fp)
    fail_msg("no PNG %s", path);
  size_t n = fread(h, 1, sizeof h, fp);
  fclose(fp);
  assert_int_equal(n, sizeof h);
  assert_memory_equal(h, sig, 8);
  assert_memory_equal(h + 12, "IHDR", 4);
  unsigned w = (unsigned)h[16] << 24 | (unsigned)h[17] << 16 |
               (unsigned)h[18] << 8 | h[19];
  unsigned ht = (unsigned)h[20] << 24 | (unsigned)h[21] << 16 |
                (unsigned)h[22] << 8 | h[23];
  if (w < min_w || ht < min_h || file_size(path) < min_bytes)
    fail_msg("%s: %ux%u, %ld bytes", path, w, ht, file_size(path));
}

static void check_svg(const char *path) {
  char *t = read_text(path);
  if (!t)
    fail_msg("no SVG %s", path);
  assert_non_null(strstr(t, "<svg"));
  assert_non_null(strstr(t, "</svg>"));
  assert_null(strstr(t, "]]>"));
  free(t);
}

/* Files in dir ending in suffix; a leftover temporary render folder adds
 * 1000 so that it fails any count check. */
static int count_files(const char *dir, const char *suffix) {
  DIR *dp = opendir(dir);
  int n = 0;
  if (!dp)
    return -1;
  struct dirent *de;
  size_t sl = strlen(suffix);
  while ((de = readdir(dp)) != NULL) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.') /* ".", "..", and a leftover temporary */
      n += strncmp(de->d_name, ".splitsim-tmp-", 14) == 0 ? 1000 : 0;
    else if (l >= sl && strcmp(de->d_name + l - sl, suffix) == 0)
      n++;
  }
  closedir(dp);
  return n;
}

/* ---- quoting --------------------------------------------------------------
 */

static void test_quote_plain(void **state) {
  (void)state;
  char buf[256];
  assert_int_equal(plot_gp_quote(buf, sizeof buf, "vgg16", 0), 0);
  assert_string_equal(buf, "'vgg16'");
  assert_int_equal(plot_gp_quote(buf, sizeof buf, "6700k(GPU) a_b^c@x", 0), 0);
  assert_string_equal(buf, "'6700k(GPU) a_b^c@x'");
  assert_int_equal(plot_gp_quote(buf, sizeof buf, "", 0), 0);
  assert_string_equal(buf, "''");
  /* UTF-8 kept, invalid bytes replaced */
  assert_int_equal(plot_gp_quote(buf, sizeof buf, "r\xC3\xA9seau \xFF", 0), 0);
  assert_string_equal(buf, "'r\xC3\xA9seau ?'");
}

static void test_quote_hostile(void **state) {
  (void)state;
  char buf[512];
  const char *bad = "`rm -rf ~`'; system(\"touch x\")\n@x \\U+0027 ]]> \x01";
  assert_int_equal(plot_gp_quote(buf, sizeof buf, bad, 0), 0);
  size_t n = strlen(buf);
  assert_true(n >= 2 && buf[0] == '\'' && buf[n - 1] == '\'');
  /* inside: no quote, no backquote, no control character, no ]]> */
  for (size_t i = 1; i + 1 < n; i++) {
    assert_true(buf[i] != '\'' && buf[i] != '`');
    assert_true((unsigned char)buf[i] >= 0x20);
  }
  assert_null(strstr(buf, "]]>"));
  assert_null(strstr(buf, "\\U"));
  assert_non_null(strstr(buf, "\xE2\x80\x98rm -rf ~\xE2\x80\x98"));
  assert_non_null(strstr(buf, "system(\"touch x\")"));
}

static void test_quote_limits(void **state) {
  (void)state;
  char buf[64];
  assert_int_equal(plot_gp_quote(buf, sizeof buf, "abcdefghij", 4), 0);
  assert_string_equal(buf, "'abcd...'");
  /* a character is never cut in the middle */
  assert_int_equal(
      plot_gp_quote(buf, sizeof buf, "\xC3\xA9\xC3\xA9\xC3\xA9", 2), 0);
  assert_string_equal(buf, "'\xC3\xA9\xC3\xA9...'");
  /* too small: still a closed literal */
  char small[6];
  assert_int_equal(plot_gp_quote(small, sizeof small, "abcdefgh", 0), -1);
  assert_int_equal(small[0], '\'');
  assert_int_equal(small[strlen(small) - 1], '\'');
}

/* ---- labels ------------------------------------------------------------- */

static void test_labels(void **state) {
  (void)state;
  char buf[256];
  for (size_t i = 0; i < 3; i++) {
    static const size_t idx[] = {0, 25, 26};
    static const char *const want[] = {"A", "Z", "AA"};
    plot_place_letter(idx[i], buf, sizeof buf);
    assert_string_equal(buf, want[i]);
  }
  plot_place_letter(27, buf, sizeof buf);
  assert_string_equal(buf, "AB");
  plot_place_letter(26 + 26 * 26, buf, sizeof buf);
  assert_string_equal(buf, "AAA");

  plot_short_place("Device(xeon-1t) = -1 - -1, Edge(None) = -1 - -1, "
                   "Cloud(h200-gpu) = 1 - 40",
                   buf, sizeof buf);
  assert_string_equal(buf, "Cloud(h200-gpu) = 1 - 40");
  plot_short_place("Device(raspi4) = 0 - 6, Edge(vm2Core) = 7 - 11, "
                   "Cloud(6700k(GPU)) = 12 - 25",
                   buf, sizeof buf);
  assert_string_equal(buf, "Device(raspi4) = 0 - 6, Edge(vm2Core) = 7 - 11, "
                           "Cloud(6700k(GPU)) = 12 - 25");
  /* a system name holding ", x" stays whole */
  plot_short_place("Device(a, b) = 0 - 3, Edge(None) = -1 - -1", buf,
                   sizeof buf);
  assert_string_equal(buf, "Device(a, b) = 0 - 3");

  plot_param_label("links.device-edge.bandwidth_mbps", buf, sizeof buf);
  assert_string_equal(buf, "device-edge bandwidth (Mbps)");
  plot_param_label("links.raspi4-2500.latency_ms", buf, sizeof buf);
  assert_string_equal(buf, "raspi4-2500 latency (ms)");
  plot_param_label("availability.vm2Core", buf, sizeof buf);
  assert_string_equal(buf, "availability of vm2Core (share)");
  plot_param_label("input_mb", buf, sizeof buf);
  assert_string_equal(buf, "model input size (MB)");
  plot_param_label("something.else", buf, sizeof buf);
  assert_string_equal(buf, "something.else");
  assert_string_equal(plot_objective_label("latency"),
                      "end-to-end latency (s)");
  /* fixed tier colours, the same whatever the tier's position */
  assert_string_equal(plot_tier_colour("edge", 5), plot_tier_colour("edge", 1));
  assert_string_not_equal(plot_tier_colour("device", 0),
                          plot_tier_colour("cloud", 2));
}

/* ---- CSV ------------------------------------------------------------------
 */

static void test_csv_quotes(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char path[1024];
  snprintf(path, sizeof path, "%s/t.csv", tmp);
  write_text(path, "\xEF\xBB\xBFmodel,placement,x\r\n"
                   "\"a,b\",\"say \"\"hi\"\"\",1.5\r\n"
                   "\n"
                   "c,\"two\nlines\",\r\n"
                   "d,,2\n");
  plot_table t;
  ss_error err;
  if (plot_table_load(&t, path, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(t.n_cols, 3);
  assert_int_equal(t.n_rows, 3);
  assert_string_equal(t.header[0], "model");
  assert_string_equal(plot_table_get(&t, 0, 0), "a,b");
  assert_string_equal(plot_table_get(&t, 0, 1), "say \"hi\"");
  assert_string_equal(plot_table_get(&t, 1, 1), "two\nlines");
  assert_int_equal(t.lines[1], 4);
  assert_int_equal(t.lines[2], 6);
  double v;
  assert_int_equal(plot_table_num(&t, 0, 2, &v, &err), 0);
  assert_close(v, 1.5, 0);
  assert_int_equal(plot_table_num(&t, 1, 2, &v, &err), 0);
  assert_true(isnan(v));
  assert_int_equal(plot_table_col(&t, "placement"), 1);
  assert_int_equal(plot_table_col(&t, "nope"), -1);
  /* a text cell is not a number: the error names the line and column */
  assert_int_equal(plot_table_num(&t, 2, 0, &v, &err), -1);
  assert_string_equal(err.where, "6");
  assert_non_null(strstr(err.msg, "model"));
  plot_table_free(&t);
  rm_tree(tmp);
  free(tmp);
}

static void test_csv_errors(void **state) {
  (void)state;
  static const struct {
    const char *text, *where, *msg;
  } cases[] = {
      {"a,b\n1,2\n3\n", "3", "1 fields, the header has 2"},
      {"a,b\n1,x\"y\n", "2", "quote character inside unquoted field 2"},
      {"a,b\n1,\"open\n", "2", "never closed"},
      {"a,b\n1,\"x\"y\n", "2", "after the closing quote"},
      {"", "", "empty file"},
  };
  char *tmp = make_tmp();
  char path[1024];
  snprintf(path, sizeof path, "%s/bad.csv", tmp);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    plot_table t;
    ss_error err;
    ss_error_clear(&err);
    write_text(path, cases[i].text);
    assert_int_equal(plot_table_load(&t, path, &err), -1);
    assert_string_equal(err.file, path);
    assert_string_equal(err.where, cases[i].where);
    if (!strstr(err.msg, cases[i].msg))
      fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, cases[i].msg);
  }
  rm_tree(tmp);
  free(tmp);
}

/* ---- the output folder ----------------------------------------------------
 */

static void test_load_1d(void **state) {
  (void)state;
  plot_data d;
  ss_error err;
  if (plot_data_load(&d, FIXTURE "/sample-out/sample-1d", 0, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_string_equal(d.name, "sample-1d");
  assert_string_equal(d.objective, "latency");
  assert_int_equal(d.n_models, 2);
  assert_string_equal(d.models[0].name, "alexnet");
  assert_string_equal(d.models[1].name, "vgg16");
  assert_int_equal(d.n_tiers, 3);
  assert_string_equal(d.tiers[2], "cloud");
  assert_int_equal(d.n_axes, 1);
  assert_string_equal(d.axes[0].param, "links.device-edge.bandwidth_mbps");
  assert_int_equal(d.axes[0].is_log, 1);
  assert_int_equal(d.axes[0].n_values, 17);
  assert_close(d.axes[0].values[0], 0.1, 1e-15);
  assert_close(d.axes[0].values[16], 1000, 1e-9);
  assert_close(d.axes[0].ref, 0.1, 1e-15);
  assert_int_equal(d.n_points, 17);
  assert_int_equal(d.n_best_rows, 34);
  assert_int_equal(d.map_x, -1); /* one axis: no decision map */
  /* alexnet: device only at 0.1 Mbps; three placements along the sweep */
  assert_int_equal(d.models[0].n_places, 3);
  assert_true(d.point_found);
  assert_int_equal(d.models[0].at.place, 0);
  assert_close(d.models[0].at.latency_s, 0.025482955, 1e-12);
  assert_close(d.models[0].at.compute_s[0], 0.025482955, 1e-12);
  assert_non_null(d.profiles);
  assert_true(d.has_curves && d.has_breakpoints && d.has_summary);
  assert_true(d.has_purchase);
  /* empty `fixed`: the reference line */
  assert_true(plot_fixed_matches(&d, "", 0, NULL));
  plot_data_free(&d);

  /* another point: point 16 = 1000 Mbps, all three tiers used */
  if (plot_data_load(&d, FIXTURE "/sample-out/sample-1d", 16, &err) != 0)
    fail_msg("%s", err.msg);
  assert_true(d.point_found);
  assert_int_equal(d.models[0].at.place, 2);
  assert_close(d.point_values[0], 1000, 1e-9);
  assert_true(d.models[0].at.transfer_s[0 * 3 + 1] > 0);
  assert_close(d.models[0].at.bytes[1 * 3 + 2], 129792, 0);
  plot_data_free(&d);
  /* a point that is not there */
  assert_int_equal(
      plot_data_load(&d, FIXTURE "/sample-out/sample-1d", 17, &err), -1);
  assert_non_null(
      strstr(err.msg, "no sweep point 17 (the points are 0 to 16)"));
}

static void test_load_2d(void **state) {
  (void)state;
  plot_data d;
  ss_error err;
  if (plot_data_load(&d, FIXTURE "/sample-out/sample-2d", 0, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(d.n_axes, 2);
  assert_int_equal(d.axes[0].is_log, 1);
  assert_int_equal(d.axes[1].is_log, 0); /* linear: in the yaml */
  assert_int_equal(d.axes[1].n_values, 6);
  assert_int_equal(d.map_x, 0);
  assert_int_equal(d.map_y, 1);
  for (size_t m = 0; m < d.n_models; m++) {
    assert_non_null(d.models[m].map);
    for (size_t i = 0; i < 13 * 6; i++)
      assert_true(d.models[m].map[i] >= 0);
  }
  /* vgg16 at the lowest bandwidth: all on the cloud (placement A) */
  assert_int_equal(d.models[1].map[0], 0);
  /* `fixed` texts: the other axis at its point-0 value, or not */
  assert_true(
      plot_fixed_matches(&d, "links.device-edge.latency_ms=0", 0, NULL));
  assert_false(
      plot_fixed_matches(&d, "links.device-edge.latency_ms=20", 0, NULL));
  double want[2] = {NAN, 20};
  assert_true(
      plot_fixed_matches(&d, "links.device-edge.latency_ms=20", 0, want));
  assert_false(
      plot_fixed_matches(&d, "links.device-edge.latency_ms=x", 0, NULL));
  plot_data_free(&d);
}

static void test_load_errors(void **state) {
  (void)state;
  plot_data d;
  ss_error err;
  char *tmp = make_tmp();
  /* no best.csv */
  assert_int_equal(plot_data_load(&d, tmp, 0, &err), -1);
  assert_non_null(strstr(err.file, "best.csv"));
  assert_non_null(strstr(err.msg, "not found"));
  /* best.csv without the model column */
  char path[1024];
  snprintf(path, sizeof path, "%s/best.csv", tmp);
  write_text(path, "point,x,placement,latency_s\n0,1,a,1\n");
  assert_int_equal(plot_data_load(&d, tmp, 0, &err), -1);
  assert_non_null(strstr(err.msg, "'model'"));
  /* a bad point index names its line */
  write_text(path, "point,model,placement,latency_s\n0,m,p,1\nx,m,p,1\n");
  assert_int_equal(plot_data_load(&d, tmp, 0, &err), -1);
  assert_string_equal(err.where, "3");
  /* a row with too few fields: best.csv (streamed) and a small table
   * (plot_table_load) say it alike, naming the file and the line */
  write_text(path, "point,x,model,placement,latency_s\n0,1,m,p,1\n1,2,m,p\n");
  assert_int_equal(plot_data_load(&d, tmp, 0, &err), -1);
  assert_non_null(strstr(err.file, "best.csv"));
  assert_string_equal(err.where, "3");
  assert_string_equal(err.msg, "4 fields, the header has 5");
  write_text(path, "point,x,model,placement,latency_s\n0,1,m,p,1\n");
  char curves[1024];
  snprintf(curves, sizeof curves, "%s/curves.csv", tmp);
  write_text(curves, "model,axis,value\nm,x,1\nm,x\n");
  assert_int_equal(plot_data_load(&d, tmp, 0, &err), -1);
  assert_non_null(strstr(err.file, "curves.csv"));
  assert_string_equal(err.where, "3");
  assert_string_equal(err.msg, "2 fields, the header has 3");
  rm_tree(tmp);
  free(tmp);
}

/* ---- the chosen point ------------------------------------------------------
 */

static void test_point_auto(void **state) {
  (void)state;
  plot_options opt;
  plot_options_init(&opt);
  assert_true(opt.point == PLOT_POINT_AUTO);
  plot_data d;
  ss_error err;
  /* sample-1d: 2 tiers in use at points 0-9, 5 at points 10-16 (alexnet on
   * all three, vgg16 on edge and cloud); the middle is 8, so 10 */
  if (plot_data_load(&d, FIXTURE "/sample-out/sample-1d", PLOT_POINT_AUTO,
                     &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_true(d.point_auto);
  assert_int_equal(d.point, 10);
  assert_int_equal(d.point_score, 5);
  assert_true(d.point_found);
  assert_close(d.point_values[0], pow(10, 1.5), 1e-9);
  const plot_model *a = &d.models[0];
  assert_true(a->at.found && a->at.place >= 0);
  assert_int_equal(strncmp(a->places[a->at.place],
                           "Device(xeon-1t) = 1 - 13, Edge(xeon-16t) = 14 - 16",
                           50),
                   0);
  assert_true(a->at.compute_s[1] > 0 && a->at.compute_s[2] > 0);
  assert_true(d.models[1].at.found);
  plot_data_free(&d);
  /* sample-2d: 5 at points 48, 54, ..., 72; the middle is 39 */
  if (plot_data_load(&d, FIXTURE "/sample-out/sample-2d", PLOT_POINT_AUTO,
                     &err) != 0)
    fail_msg("%s", err.msg);
  assert_int_equal(d.point, 48);
  plot_data_free(&d);
  /* --point still wins */
  if (plot_data_load(&d, FIXTURE "/sample-out/sample-1d", 3, &err) != 0)
    fail_msg("%s", err.msg);
  assert_false(d.point_auto);
  assert_int_equal(d.point, 3);
  plot_data_free(&d);

  char *tmp = make_tmp();
  char path[1024];
  snprintf(path, sizeof path, "%s/best.csv", tmp);
  static const char head[] =
      "point,x,model,placement,latency_s,compute_s.device,compute_s.edge,"
      "objective\n";
  static const char dev[] = "\"Device(d) = 0 - 1, Edge(None) = -1 - -1\","
                            "0.5,0.5,0,0.5\n";
  static const char split[] = "\"Device(d) = 0 - 0, Edge(e) = 1 - 1\","
                              "0.4,0.1,0.2,0.4\n";
  char text[2048];
  /* every point alike: the middle (4 points: index 2) */
  snprintf(text, sizeof text, "%s0,1,m,%s1,2,m,%s2,3,m,%s3,4,m,%s", head, dev,
           dev, dev, dev);
  write_text(path, text);
  assert_int_equal(plot_data_load(&d, tmp, PLOT_POINT_AUTO, &err), 0);
  assert_int_equal(d.point, 2);
  assert_int_equal(d.point_score, 1);
  plot_data_free(&d);
  /* the middle has no rows: the nearest points are 1 and 3, the lower wins */
  snprintf(text, sizeof text, "%s0,1,m,%s1,2,m,%s3,4,m,%s", head, dev, dev,
           dev);
  write_text(path, text);
  assert_int_equal(plot_data_load(&d, tmp, PLOT_POINT_AUTO, &err), 0);
  assert_int_equal(d.point, 1);
  plot_data_free(&d);
  /* a split placement wins wherever it is */
  snprintf(text, sizeof text, "%s0,1,m,%s1,2,m,%s2,3,m,%s3,4,m,%s", head, split,
           dev, dev, dev);
  write_text(path, text);
  assert_int_equal(plot_data_load(&d, tmp, PLOT_POINT_AUTO, &err), 0);
  assert_int_equal(d.point, 0);
  assert_int_equal(d.point_score, 2);
  assert_close(d.models[0].at.latency_s, 0.4, 0);
  assert_close(d.point_values[0], 1, 0);
  plot_data_free(&d);
  rm_tree(tmp);
  free(tmp);
}

/* Without the reference in scenario.resolved.yaml (here: no yaml at all),
 * the charts take the tables' default reference point: every axis at its
 * middle value in sweep order (scenarios/scn_reference.c), not point 0's
 * value nor the middle of the sorted values. best.csv is written as the
 * sweep runs, from the scenario's own sweep points. */
static void test_reference_fallback(void **state) {
  (void)state;
  static const char yaml[] =
      "models: [m]\n"
      "tiers: {device: [d], cloud: [c]}\n"
      "links: {device-cloud: {latency_ms: 1, bandwidth_mbps: 10}}\n"
      "sweep:\n"
      "  - param: links.device-cloud.bandwidth_mbps\n"
      "    values: [5, 1, 3, 2]\n"
      "  - param: links.device-cloud.latency_ms\n"
      "    log: [1, 100, 3]\n"
      "    zip: z\n"
      "  - param: availability.c\n"
      "    values: [0.9, 0.6, 0.3]\n"
      "    zip: z\n"
      "  - param: input_mb\n"
      "    linear: [1, 4, 4]\n";
  scn_scenario *s = NULL;
  ss_error err;
  if (scn_load_text(yaml, strlen(yaml), "ref.yaml", NULL, &s, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(s->reference_kind, SCN_REF_MIDDLE);
  char *tmp = make_tmp();
  char path[1024];
  snprintf(path, sizeof path, "%s/best.csv", tmp);
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  fputs("point", fp);
  for (size_t a = 0; a < s->n_axes; a++)
    fprintf(fp, ",%s", s->axes[a].param);
  fputs(",model,placement,latency_s\n", fp);
  double v[8];
  assert_true(s->n_axes <= 8);
  for (size_t p = 0; p < scn_sweep_count(s); p++) {
    scn_sweep_point(s, p, v);
    fprintf(fp, "%zu", p);
    for (size_t a = 0; a < s->n_axes; a++)
      fprintf(fp, ",%.17g", v[a]);
    fputs(",m,\"Device(d) = 0 - 1, Cloud(None) = -1 - -1\",1\n", fp);
  }
  assert_int_equal(fclose(fp), 0);
  plot_data d;
  if (plot_data_load(&d, tmp, 0, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(d.n_axes, s->n_axes);
  for (size_t a = 0; a < d.n_axes; a++) {
    assert_string_equal(d.axes[a].param, s->axes[a].param);
    if (d.axes[a].ref != s->reference[a])
      fail_msg("%s: charts' reference %.17g, the tables' %.17g",
               d.axes[a].param, d.axes[a].ref, s->reference[a]);
  }
  /* the values the tables name: 1 (second of four), 10 (log middle) with
   * 0.6 (its zip companion), 2 (lower middle of 1, 2, 3, 4) */
  assert_close(d.axes[0].ref, 1, 0);
  assert_close(d.axes[1].ref, 10, 1e-12);
  assert_close(d.axes[2].ref, 0.6, 0);
  assert_close(d.axes[3].ref, 2, 0);
  plot_data_free(&d);
  scn_free(s);
  rm_tree(tmp);
  free(tmp);
}

/* A decision map that one placement fills is a note, not a chart. */
static void test_uniform_map(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char path[1024];
  snprintf(path, sizeof path, "%s/best.csv", tmp);
  write_text(path, "point,x,y,model,placement,latency_s,compute_s.device,"
                   "objective\n"
                   "0,1,1,m,\"Device(d) = 0 - 1\",0.5,0.5,0.5\n"
                   "1,1,2,m,\"Device(d) = 0 - 1\",0.5,0.5,0.5\n"
                   "2,2,1,m,\"Device(d) = 0 - 1\",0.5,0.5,0.5\n"
                   "3,2,2,m,\"Device(d) = 0 - 1\",0.5,0.5,0.5\n");
  plot_data d;
  plot_plan p;
  ss_error err;
  plot_options opt;
  plot_options_init(&opt);
  if (plot_data_load(&d, tmp, PLOT_POINT_AUTO, &err) != 0)
    fail_msg("%s", err.msg);
  assert_int_equal(d.map_x, 0);
  assert_int_equal(d.map_y, 1);
  assert_int_equal(plot_plan_make(&p, &d, &opt, &err), 0);
  for (size_t i = 0; i < p.n; i++)
    assert_true(p.charts[i].kind != PLOT_MAP);
  int noted = 0;
  for (size_t i = 0; i < p.n_notes; i++)
    noted |= strstr(p.notes[i], "No decision map for m:") != NULL;
  assert_true(noted);
  plot_plan_free(&p);
  plot_data_free(&d);
  rm_tree(tmp);
  free(tmp);
}

/* ---- the sensitivity tornado ------------------------------------------------
 */

static void test_tornado(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char out[1024], path[1400];
  copy_fixture(tmp, "sample-1d");
  snprintf(out, sizeof out, "%s/sample-out/sample-1d", tmp);
  plot_options opt;
  plot_options_init(&opt);
  opt.jobs = 2;
  plot_summary sum;
  ss_error err;
  if (plot_scenario_outputs_ex(out, &opt, &sum, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  /* data: the largest effect on top (y = 9 of 10 rows): device-edge
   * bandwidth, base 0.0423 s, 0.0678 s at 50 Mbps, 0.0333 s at 150 */
  snprintf(path, sizeof path, "%s/charts/tornado.dat", out);
  char *dat = read_text(path);
  assert_non_null(dat);
  const char *row = strchr(dat, '\n');
  assert_non_null(row);
  double y, b, lo, hi, lv, hv;
  assert_int_equal(
      sscanf(row + 1, "%lf %lf %lf %lf %lf %lf", &y, &b, &lo, &hi, &lv, &hv),
      6);
  assert_close(y, 9, 0);
  assert_close(b, 0.042277499499999996, 1e-15);
  assert_close(lo, 0.06783653949999999, 1e-15);
  assert_close(hi, 0.03334985519999999, 1e-15);
  assert_close(lv, 50, 0);
  assert_close(hv, 150, 0);
  free(dat);
  /* script: names as labels (never tic labels), the moves, the bar ends */
  snprintf(path, sizeof path, "%s/charts/tornado.gp", out);
  char *gp = read_text(path);
  assert_non_null(gp);
  assert_non_null(strstr(gp, "'device-edge bandwidth (Mbps) = 100, "
                             "\xE2\x88\x92"
                             "50 % / +50 %' at graph 0, first 9 right"));
  assert_non_null(strstr(gp, "'availability of xeon-1t (share) = 1, "
                             "\xE2\x88\x92"
                             "50 % / +0 %'"));
  assert_non_null(strstr(gp, "'no effect'"));
  assert_non_null(strstr(gp, "'best latency (s)'"));
  assert_null(strstr(gp, "ytics ("));
  free(gp);
  /* the report shows it and the table, and links the file */
  snprintf(path, sizeof path, "%s/report.html", out);
  char *html = read_text(path);
  assert_non_null(html);
  assert_non_null(strstr(html, "Sensitivity study"));
  assert_non_null(strstr(html, "<h3 id=\"sensitivity-table\">"));
  assert_non_null(strstr(html, "href=\"#sensitivity-table\""));
  assert_non_null(strstr(html, "<a href=\"sensitivity.csv\">"));
  assert_non_null(strstr(html, "links.device-edge.bandwidth_mbps"));
  free(html);
  snprintf(path, sizeof path, "%s/report.md", out);
  char *md = read_text(path);
  assert_non_null(md);
  assert_non_null(strstr(md, "(sensitivity.csv)"));
  if (have_gnuplot()) {
    assert_non_null(strstr(md, "](charts/tornado.png)"));
    snprintf(path, sizeof path, "%s/charts/tornado.png", out);
    check_png(path, 1000, 400, 15000);
    snprintf(path, sizeof path, "%s/charts/tornado.svg", out);
    check_svg(path);
  }
  free(md);
  rm_tree(tmp);
  free(tmp);
}

/* Unsorted rows, an infeasible end, a hostile parameter name; a table
 * with nothing to draw is a note. */
static void test_tornado_edges(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char out[1024], path[1400], mark[200], text[4096];
  snprintf(mark, sizeof mark, "%.100s/pwned", tmp);
  snprintf(out, sizeof out, "%s/o", tmp);
  assert_int_equal(mkdir(out, 0777), 0);
  snprintf(path, sizeof path, "%s/best.csv", out);
  write_text(path, "point,model,placement,latency_s,compute_s.device,"
                   "objective\n"
                   "0,m,\"Device(d) = 0 - 1\",0.2,0.2,0.2\n");
  snprintf(path, sizeof path, "%s/sensitivity.csv", out);
  snprintf(text, sizeof text,
           "parameter,base,low_value,high_value,best_low_s,best_base_s,"
           "best_high_s,effect_s\n"
           "x.small,1,0.5,1.5,0.21,0.2,0.19,0.02\n"
           "input_mb,2,1,3,0.1,0.2,,\n"
           "\"links.a`touch %s`'%%s-b.bandwidth_mbps\",10,5,15,0.3,0.2,0.15,"
           "0.15\n",
           mark);
  write_text(path, text);
  plot_options opt;
  plot_options_init(&opt);
  plot_summary sum;
  ss_error err;
  if (plot_scenario_outputs_ex(out, &opt, &sum, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  snprintf(path, sizeof path, "%s/charts/tornado.dat", out);
  char *dat = read_text(path);
  assert_non_null(dat);
  /* largest effect first, the infeasible one last */
  assert_non_null(strstr(dat, "\n2 0.2 0.3 0.15 5 15\n1 0.2 0.21 0.19 0.5 "
                              "1.5\n0 0.2 0.1 NaN 1 3\n"));
  free(dat);
  snprintf(path, sizeof path, "%s/charts/tornado.gp", out);
  char *gp = read_text(path);
  assert_non_null(gp);
  assert_non_null(strstr(gp, "'infeasible at 3'"));
  assert_non_null(strstr(gp, "'model input size (MB) = 2, "));
  free(gp);
  if (have_gnuplot()) {
    assert_int_equal(sum.n_rendered, sum.n_charts);
    assert_int_equal(access(mark, F_OK), -1);
    snprintf(path, sizeof path, "%s/charts/tornado.svg", out);
    check_svg(path);
    char *svg = read_text(path);
    assert_non_null(strstr(svg, "%s-b bandwidth (Mbps) = 10"));
    free(svg);
  }
  /* nothing finite: left out with a note */
  snprintf(path, sizeof path, "%s/sensitivity.csv", out);
  write_text(path, "parameter,base,low_value,high_value,best_low_s,"
                   "best_base_s,best_high_s,effect_s\nx,1,0.5,1.5,,,,\n");
  opt.no_render = 1;
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), 0);
  snprintf(path, sizeof path, "%s/report.html", out);
  char *html = read_text(path);
  assert_non_null(strstr(html, "sensitivity tornado chart skipped: "
                               "sensitivity.csv has no finite latency"));
  free(html);
  /* a column missing: the note names it */
  snprintf(path, sizeof path, "%s/sensitivity.csv", out);
  write_text(path, "parameter,best_low_s,best_base_s\nx,1,2\n");
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), 0);
  snprintf(path, sizeof path, "%s/report.html", out);
  html = read_text(path);
  assert_non_null(strstr(html, "missing column &#39;best_high_s&#39;"));
  free(html);
  rm_tree(tmp);
  free(tmp);
}

/* ---- charts -----------------------------------------------------------------
 */

static void render_fixture(const char *name, int n_charts, int expect_map,
                           const char *report_has) {
  char *tmp = make_tmp();
  char out[1024], charts[1100], path[1400];
  copy_fixture(tmp, name);
  snprintf(out, sizeof out, "%s/sample-out/%s", tmp, name);
  snprintf(charts, sizeof charts, "%s/charts", out);
  plot_options opt;
  plot_options_init(&opt);
  opt.jobs = 2;
  plot_summary sum;
  ss_error err;
  if (plot_scenario_outputs_ex(out, &opt, &sum, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(sum.n_charts, (size_t)n_charts);
  assert_int_equal(count_files(charts, ".gp"), n_charts);
  assert_int_equal(count_files(charts, ".dat"), n_charts);
  snprintf(path, sizeof path, "%s/report.html", out);
  assert_true(plot_file_exists(path));
  snprintf(path, sizeof path, "%s/report.md", out);
  assert_true(plot_file_exists(path));
  if (report_has) {
    snprintf(path, sizeof path, "%s/report.html", out);
    char *html = read_text(path);
    assert_non_null(html);
    if (!strstr(html, report_has))
      fail_msg("report.html lacks '%s'", report_has);
    free(html);
  }
  /* every script starts with its checksum line */
  snprintf(path, sizeof path, "%s/models.gp", charts);
  char *gp = read_text(path);
  assert_non_null(gp);
  assert_int_equal(strncmp(gp, "# splitsim chart script, checksum ", 34), 0);
  assert_int_equal(plot_script_edited(gp), 0);
  free(gp);
  if (have_gnuplot()) {
    assert_false(sum.gnuplot_missing);
    assert_int_equal(sum.n_rendered, (size_t)n_charts);
    assert_int_equal(count_files(charts, ".png"), n_charts);
    assert_int_equal(count_files(charts, ".svg"), n_charts);
    DIR *dp = opendir(charts);
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
      size_t l = strlen(de->d_name);
      snprintf(path, sizeof path, "%s/%s", charts, de->d_name);
      if (l > 4 && !strcmp(de->d_name + l - 4, ".png"))
        check_png(path, 800, 400, 15000);
      if (l > 4 && !strcmp(de->d_name + l - 4, ".svg"))
        check_svg(path);
      /* no temporary render folder is left behind */
      assert_true(strncmp(de->d_name, ".splitsim-tmp-", 14) != 0);
    }
    closedir(dp);
    if (expect_map) {
      snprintf(path, sizeof path, "%s/map-02-vgg16.png", charts);
      check_png(path, 800, 500, 15000);
    }
  }
  rm_tree(tmp);
  free(tmp);
}

static void test_render_1d(void **state) {
  (void)state;
  /* models, 2 latency, 2 breakdowns, pareto, tornado */
  render_fixture("sample-1d", 7, 0, "id=\"sensitivity-table\"");
}

static void test_render_2d(void **state) {
  (void)state;
  /* models, 2 latency along the bandwidth, 2 maps, 2 breakdowns; along the
   * device-edge latency (at point 0: 0.1 Mbps) both models keep one
   * placement and a constant latency, so those two charts are a note */
  render_fixture("sample-2d", 7, 1,
                 "No latency chart for alexnet, vgg16 along device-edge "
                 "latency (ms)");
}

static void fake_gnuplot(const char *path, const char *body);

static void test_edited_script_kept(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char out[1024], gp[1200];
  copy_fixture(tmp, "sample-1d");
  snprintf(out, sizeof out, "%s/sample-out/sample-1d", tmp);
  snprintf(gp, sizeof gp, "%s/charts/pareto.gp", out);
  plot_options opt;
  plot_options_init(&opt);
  opt.no_render = 1;
  opt.no_report = 1;
  plot_summary sum;
  ss_error err;
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), 0);
  assert_int_equal(sum.n_kept, 0);
  /* the user edits one script */
  char *text = read_text(gp);
  assert_non_null(text);
  size_t n = strlen(text);
  char *edited = malloc(n + 64);
  assert_non_null(edited);
  snprintf(edited, n + 64, "%s# my edit\n", text);
  write_text(gp, edited);
  /* splitsim plot keeps it; the others are rewritten */
  opt.keep_scripts = 1;
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), 0);
  assert_int_equal(sum.n_kept, 1);
  char *now = read_text(gp);
  assert_string_equal(now, edited);
  assert_int_equal(plot_script_edited(now), 1);
  assert_int_equal(sum.n_untrusted, 1);
  free(now);
  /* rendering it needs trust_scripts (a gnuplot script can run programs);
   * the fake gnuplot records what it is given */
  char prog[1200], log[1200];
  snprintf(log, sizeof log, "%s/gnuplot.log", tmp);
  snprintf(prog, sizeof prog, "%s/fake-gnuplot", tmp);
  char body[1400];
  snprintf(body, sizeof body, "echo \"$3\" >>%s", log);
  fake_gnuplot(prog, body);
  opt.gnuplot = prog;
  opt.no_render = 0;
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), -1);
  assert_non_null(strstr(err.msg, "--trust-scripts"));
  assert_non_null(strstr(err.file, "charts/pareto.gp"));
  char *ran = read_text(log);
  assert_non_null(ran);
  assert_null(strstr(ran, "pareto.gp"));
  free(ran);
  opt.trust_scripts = 1;
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), 0);
  ran = read_text(log);
  assert_non_null(strstr(ran, "pareto.gp"));
  free(ran);
  opt.trust_scripts = 0;
  opt.no_render = 1;
  /* --regenerate writes it anew */
  opt.keep_scripts = 0;
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), 0);
  now = read_text(gp);
  assert_string_equal(now, text);
  free(now);
  free(text);
  free(edited);
  rm_tree(tmp);
  free(tmp);
}

static void test_gnuplot_missing(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char out[1024], charts[1100], html[1100];
  copy_fixture(tmp, "sample-1d");
  snprintf(out, sizeof out, "%s/sample-out/sample-1d", tmp);
  snprintf(charts, sizeof charts, "%s/charts", out);
  plot_options opt;
  plot_options_init(&opt);
  opt.gnuplot = "/nonexistent/gnuplot";
  assert_false(plot_gnuplot_available(&opt));
  plot_summary sum;
  ss_error err;
  assert_int_equal(plot_scenario_outputs_ex(out, &opt, &sum, &err), 0);
  assert_true(sum.gnuplot_missing);
  assert_int_equal(sum.n_rendered, 0);
  assert_non_null(strstr(sum.message, "apt-get install gnuplot-nox"));
  assert_int_equal(count_files(charts, ".gp"), 7);
  assert_int_equal(count_files(charts, ".png"), 0);
  snprintf(html, sizeof html, "%s/report.html", out);
  char *t = read_text(html);
  assert_non_null(t);
  assert_non_null(strstr(t, "gnuplot was not found"));
  assert_non_null(strstr(t, "Not rendered"));
  free(t);
  /* $SPLITSIM_GNUPLOT is honoured when no program is given */
  setenv("SPLITSIM_GNUPLOT", "/nonexistent/gp2", 1);
  assert_string_equal(plot_gnuplot_program(NULL), "/nonexistent/gp2");
  assert_false(plot_gnuplot_available(NULL));
  unsetenv("SPLITSIM_GNUPLOT");
  rm_tree(tmp);
  free(tmp);
}

/* A stand-in for gnuplot: a shell script (run by execvp, no shell of ours). */
static void fake_gnuplot(const char *path, const char *body) {
  char text[2048];
  snprintf(text, sizeof text, "#!/bin/sh\n%s\n", body);
  write_text(path, text);
  assert_int_equal(chmod(path, 0755), 0);
}

static void test_runner(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char prog[1024], gp[1024], out[1024];
  snprintf(gp, sizeof gp, "%s/a.gp", tmp);
  write_text(gp, "# nothing\n");
  snprintf(prog, sizeof prog, "%s/fake-gnuplot", tmp);
  const char *bases[] = {"a"};
  size_t ok;
  ss_error err;

  /* success: files it writes in its folder are moved into charts/;
   * it is called as: gnuplot -e "set loadpath '..'" ../a.gp */
  fake_gnuplot(prog, "[ \"$1\" = -e ] && [ \"$2\" = \"set loadpath '..'\" ] "
                     "&& [ \"$3\" = ../a.gp ] && [ -f ../a.gp ] || exit 3\n"
                     "echo png > a.png; echo svg > a.svg");
  assert_int_equal(plot_render(tmp, prog, bases, 1, 1, 10, &ok, &err), 0);
  assert_int_equal(ok, 1);
  snprintf(out, sizeof out, "%s/a.png", tmp);
  assert_true(plot_file_exists(out));
  assert_int_equal(count_files(tmp, ""), 4); /* a.gp a.png a.svg fake */

  /* failure: gnuplot's message is in the error */
  fake_gnuplot(prog, "echo 'line 3: undefined variable: FOO' >&2; exit 1");
  assert_int_equal(plot_render(tmp, prog, bases, 1, 1, 10, &ok, &err), -1);
  assert_int_equal(ok, 0);
  assert_string_equal(err.where, "a.gp");
  assert_non_null(strstr(err.msg, "undefined variable: FOO"));

  /* time limit */
  fake_gnuplot(prog, "exec sleep 30");
  assert_int_equal(plot_render(tmp, prog, bases, 1, 1, 0.3, &ok, &err), -1);
  assert_non_null(strstr(err.msg, "time limit"));

  /* several at once, one failing */
  const char *three[] = {"a", "b", "c"};
  snprintf(gp, sizeof gp, "%s/b.gp", tmp);
  write_text(gp, "#\n");
  snprintf(gp, sizeof gp, "%s/c.gp", tmp);
  write_text(gp, "#\n");
  fake_gnuplot(prog, "case \"$3\" in ../b.gp) exit 1;; esac; touch ok.txt");
  assert_int_equal(plot_render(tmp, prog, three, 3, 2, 10, &ok, &err), -1);
  assert_int_equal(ok, 2);
  assert_string_equal(err.where, "b.gp");
  rm_tree(tmp);
  free(tmp);
}

/* A model and a system named to break out of a gnuplot string: rendering
 * must neither run them nor fail, and the report must escape them. */
static void test_hostile_names(void **state) {
  (void)state;
  if (!have_gnuplot())
    return;
  char *tmp = make_tmp();
  char out[1024], path[1400], mark[200];
  snprintf(mark, sizeof mark, "%.100s/pwned", tmp);
  snprintf(out, sizeof out, "%s/o", tmp);
  assert_int_equal(mkdir(out, 0777), 0);
  char model[1024], sys[600];
  snprintf(model, sizeof model,
           "50%%s%%n'`touch %s`''; system('touch %s') \"\" @x "
           "<script>x</script> ]]>",
           mark, mark);
  snprintf(sys, sizeof sys, "e`touch %s`' \"\"x, y) = 3 - 4", mark);
  /* best.csv: two points, the model quoted as RFC 4180 wants */
  char text[8192];
  snprintf(text, sizeof text,
           "point,links.device-edge.bandwidth_mbps,model,placement,latency_s,"
           "compute_s.device,compute_s.edge,transfer_s.device-edge,"
           "bytes.device-edge,return_s,objective\n"
           "0,1,\"%s\",\"Device(d) = 0 - 1, Edge(None) = -1 - -1\",0.5,0.5,0,"
           "0,0,0,0.5\n"
           "1,10,\"%s\",\"Device(d) = 0 - 0, Edge(%s) = 1 - 1\",0.2,0.1,0.05,"
           "0.05,1000,0,0.2\n",
           model, model, sys);
  snprintf(path, sizeof path, "%s/best.csv", out);
  write_text(path, text);
  snprintf(text, sizeof text,
           "model,axis,value,placement,objective,optimal\n"
           "\"%s\",links.device-edge.bandwidth_mbps,1,\"Device(d) = 0 - 1, "
           "Edge(None) = -1 - -1\",0.5,1\n"
           "\"%s\",links.device-edge.bandwidth_mbps,10,\"Device(d) = 0 - 1, "
           "Edge(None) = -1 - -1\",0.5,0\n"
           "\"%s\",links.device-edge.bandwidth_mbps,1,\"Device(d) = 0 - 0, "
           "Edge(%s) = 1 - 1\",0.6,0\n"
           "\"%s\",links.device-edge.bandwidth_mbps,10,\"Device(d) = 0 - 0, "
           "Edge(%s) = 1 - 1\",0.2,1\n",
           model, model, model, sys, model, sys);
  snprintf(path, sizeof path, "%s/curves.csv", out);
  write_text(path, text);
  snprintf(text, sizeof text,
           "option,price,weighted_latency_s,gain_s,gain_per_price,pareto\n"
           "\"%s\",10,0.5,0,,1\n\"%s\",20,0.4,0.1,0.01,1\n",
           model, sys);
  snprintf(path, sizeof path, "%s/purchase.csv", out);
  write_text(path, text);

  plot_options opt;
  plot_options_init(&opt);
  opt.point = 1;
  plot_summary sum;
  ss_error err;
  if (plot_scenario_outputs_ex(out, &opt, &sum, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(sum.n_charts, 3); /* models, latency, pareto */
  assert_int_equal(sum.n_rendered, 3);
  assert_int_equal(access(mark, F_OK), -1);
  snprintf(path, sizeof path, "%s/charts", out);
  assert_int_equal(count_files(path, ".png"), 3);
  /* a '%' in a name is text (tic labels would read it as a format) */
  snprintf(path, sizeof path, "%s/charts/models.svg", out);
  char *svg = read_text(path);
  assert_non_null(svg);
  assert_non_null(strstr(svg, "50%s%n"));
  free(svg);
  snprintf(path, sizeof path, "%s/report.html", out);
  char *html = read_text(path);
  assert_non_null(html);
  assert_null(strstr(html, "<script>"));
  assert_non_null(strstr(html, "&lt;script&gt;"));
  free(html);
  rm_tree(tmp);
  free(tmp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quote_plain),
      cmocka_unit_test(test_quote_hostile),
      cmocka_unit_test(test_quote_limits),
      cmocka_unit_test(test_labels),
      cmocka_unit_test(test_csv_quotes),
      cmocka_unit_test(test_csv_errors),
      cmocka_unit_test(test_load_1d),
      cmocka_unit_test(test_load_2d),
      cmocka_unit_test(test_load_errors),
      cmocka_unit_test(test_point_auto),
      cmocka_unit_test(test_reference_fallback),
      cmocka_unit_test(test_uniform_map),
      cmocka_unit_test(test_render_1d),
      cmocka_unit_test(test_render_2d),
      cmocka_unit_test(test_edited_script_kept),
      cmocka_unit_test(test_gnuplot_missing),
      cmocka_unit_test(test_runner),
      cmocka_unit_test(test_hostile_names),
      cmocka_unit_test(test_tornado),
      cmocka_unit_test(test_tornado_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
