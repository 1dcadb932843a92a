/* Toy profiles and helpers shared by the study tests (include after
 * cmocka.h and testutil.h).
 *
 * Systems dev, e1, c1, e2; models a and b, two blocks each:
 *            a: times     b: times
 *   dev      1,   1       2,   2
 *   e1       0.5, 0.5     0.2, 0.2
 *   c1       0.1, 0.1     0.3, 0.3
 *   e2       0.4, 0.4     0.4, 0.4
 * Block outputs: a 4e5, 1e3 bytes; b 1e5, 1e3 bytes. Input 1e6 bytes. */
#ifndef TEST_STUDY_TOY_H
#define TEST_STUDY_TOY_H

#include "common/ss_io.h"
#include "profiles/network.h"
#include "scenarios/scenario.h"
#include "sim/sim.h"
#include "sim/sim_study.h"

static inline void toy_add_system(prof_set *set, const char *name,
                                  const double *ta, const double *tb) {
  prof_system sys;
  memset(&sys, 0, sizeof sys);
  sys.name = ss_strdup(name);
  sys.importer = ss_strdup("test");
  sys.source_file = ss_strdup("test");
  sys.import_date = ss_strdup("2026-11-26");
  sys.n_models = 2;
  sys.models = calloc(2, sizeof *sys.models);
  assert_non_null(sys.models);
  static const int64_t bytes[2][2] = {{400000, 1000}, {100000, 1000}};
  for (int k = 0; k < 2; k++) {
    prof_model *m = &sys.models[k];
    m->name = ss_strdup(k ? "b" : "a");
    m->input_bytes = 1000000;
    m->whole_model_time_s = NAN;
    m->n_blocks = 2;
    m->blocks = calloc(2, sizeof *m->blocks);
    assert_non_null(m->blocks);
    for (int b = 0; b < 2; b++) {
      m->blocks[b].first_layer = m->blocks[b].last_layer = b;
      m->blocks[b].time_s = (k ? tb : ta)[b];
      m->blocks[b].time_s_p10 = m->blocks[b].time_s_p90 = NAN;
      m->blocks[b].output_bytes = bytes[k][b];
    }
  }
  ss_error err;
  assert_int_equal(prof_set_put_system(set, &sys, NULL, &err), 0);
}

static inline prof_set *toy_study_set(void) {
  prof_set *set = prof_set_new();
  assert_non_null(set);
  static const double dev_a[2] = {1, 1}, dev_b[2] = {2, 2};
  static const double e1_a[2] = {0.5, 0.5}, e1_b[2] = {0.2, 0.2};
  static const double c1_a[2] = {0.1, 0.1}, c1_b[2] = {0.3, 0.3};
  static const double e2_a[2] = {0.4, 0.4}, e2_b[2] = {0.4, 0.4};
  toy_add_system(set, "dev", dev_a, dev_b);
  toy_add_system(set, "e1", e1_a, e1_b);
  toy_add_system(set, "c1", c1_a, c1_b);
  toy_add_system(set, "e2", e2_a, e2_b);
  return set;
}

static inline void toy_fail(const char *what, const ss_error *err) {
  char line[2048];
  ss_error_format(err, line, sizeof line);
  fail_msg("%s: %s", what, line);
}

static inline scn_scenario *toy_load(const char *text) {
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (scn_load_text(text, strlen(text), "toy.yaml", NULL, &s, &err) != 0)
    toy_fail("scenario", &err);
  return s;
}

/* The engine of s (with its network file, if any). */
static inline sim_engine *toy_engine(const scn_scenario *s,
                                     const prof_set *set) {
  sim_engine *e = NULL;
  prof_network *net = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (s->network && prof_network_read(s->network, &net, &err) != 0)
    toy_fail("network", &err);
  if (sim_engine_new(s, set, net, &e, &err) != 0)
    toy_fail("engine", &err);
  prof_network_free(net);
  return e;
}

static inline char *toy_dir(void) {
  char *dir = ss_strdup("/tmp/test_study_XXXXXX");
  assert_non_null(mkdtemp(dir));
  return dir;
}

static inline char *toy_read(const char *dir, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text = ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
  if (!text)
    fail_msg("cannot read %s", path);
  return text;
}

static inline void toy_rmdir(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

/* Field `col` (0-based) of CSV line `row` (0 = header) as a new string
 * (quotes removed); NULL when absent. */
static inline char *toy_cell(const char *text, size_t row, size_t col) {
  const char *p = text;
  for (size_t r = 0; r < row; r++) {
    int q = 0;
    while (*p && (q || *p != '\n')) {
      if (*p == '"')
        q = !q;
      p++;
    }
    if (!*p)
      return NULL;
    p++;
  }
  for (size_t c = 0;; c++) {
    char cell[4096];
    size_t len = 0;
    int q = 0;
    while (*p && (q || (*p != ',' && *p != '\n'))) {
      if (*p == '"') {
        if (q && p[1] == '"') {
          cell[len++] = '"';
          p += 2;
          continue;
        }
        q = !q;
        p++;
        continue;
      }
      if (len < sizeof cell - 1)
        cell[len++] = *p;
      p++;
    }
    cell[len] = '\0';
    if (c == col)
      return ss_strdup(cell);
    if (*p != ',')
      return NULL;
    p++;
  }
}

/* Column index of `name` in the header of text, or fail. */
static inline size_t toy_col(const char *text, const char *name) {
  for (size_t c = 0;; c++) {
    char *h = toy_cell(text, 0, c);
    if (!h)
      fail_msg("no column '%s'", name);
    int eq = strcmp(h, name) == 0;
    free(h);
    if (eq)
      return c;
  }
}

/* Number in row/column `name`; NAN for an empty cell. */
static inline double toy_num(const char *text, size_t row, const char *name) {
  char *c = toy_cell(text, row, toy_col(text, name));
  if (!c)
    fail_msg("row %zu has no '%s'", row, name);
  double v = NAN;
  if (c[0] && strcmp(c, "inf") != 0 && ss_parse_double(c, &v) != 0)
    fail_msg("not a number: '%s'", c);
  if (strcmp(c, "inf") == 0)
    v = INFINITY;
  free(c);
  return v;
}

static inline size_t toy_lines(const char *text) {
  size_t n = 0;
  int q = 0;
  for (const char *p = text; *p; p++) {
    if (*p == '"')
      q = !q;
    if (*p == '\n' && !q)
      n++;
  }
  return n;
}

#endif
