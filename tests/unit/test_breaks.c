/* Property test: no change of the optimum is missed between grid points.
 *
 * Random three-tier profiles are swept over a zipped group (device-edge
 * bandwidth on a log range, device-cloud bandwidth on a linear range, so
 * the cost is not affine in any one swept value) crossed with an
 * edge-cloud latency axis. The same sweep on a 10x finer grid (the same
 * path: the fine grid's values lie on the coarse grid's interpolation) is
 * the brute-force reference: every change between two neighbouring fine
 * points must be bracketed by the coarse run's breakpoints.csv (a chain of
 * rows inside the fine interval, from the placement before to the one
 * after), and the coarse best.csv must agree with the fine one at the
 * shared points. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "tests/unit/testutil.h"

#include "common/ss_io.h"
#include "common/ss_mem.h"
#include "sim/sim.h"

#define MAX_BLOCKS 8
#define N_COARSE 6
#define N_FINE (10 * (N_COARSE - 1) + 1)

static uint64_t rng_state = 88172645463325252ull;
static double uniform(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (double)(rng_state >> 11) / 9007199254740992.0;
}
static double log_uniform(double lo, double hi) {
  return exp(log(lo) + (log(hi) - log(lo)) * uniform());
}

typedef struct rprof {
  size_t n_blocks;
  double t[3][MAX_BLOCKS]; /* dev, edg, cld */
  double bytes[MAX_BLOCKS];
  double input;
} rprof;

static void add_system(prof_set *set, const char *name, const rprof *r,
                       const double *t) {
  prof_system sys;
  memset(&sys, 0, sizeof sys);
  sys.name = ss_strdup(name);
  sys.importer = ss_strdup("test");
  sys.source_file = ss_strdup("test");
  sys.import_date = ss_strdup("2026-12-01");
  sys.n_models = 1;
  sys.models = calloc(1, sizeof *sys.models);
  assert_non_null(sys.models);
  prof_model *m = &sys.models[0];
  m->name = ss_strdup("rnd");
  m->input_bytes = (int64_t)r->input;
  m->whole_model_time_s = NAN;
  m->n_blocks = r->n_blocks;
  m->blocks = calloc(r->n_blocks, sizeof *m->blocks);
  assert_non_null(m->blocks);
  for (size_t b = 0; b < r->n_blocks; b++) {
    m->blocks[b].first_layer = m->blocks[b].last_layer = (int64_t)b;
    m->blocks[b].time_s = t[b];
    m->blocks[b].time_s_p10 = m->blocks[b].time_s_p90 = NAN;
    m->blocks[b].output_bytes = (int64_t)r->bytes[b];
  }
  ss_error err;
  assert_int_equal(prof_set_put_system(set, &sys, NULL, &err), 0);
}

static void random_profile(rprof *r) {
  r->n_blocks = 3 + (size_t)(uniform() * (MAX_BLOCKS - 2));
  double speed[3] = {1, log_uniform(2, 20), log_uniform(20, 400)};
  for (size_t b = 0; b < r->n_blocks; b++) {
    double base = log_uniform(0.002, 0.2);
    for (int s = 0; s < 3; s++)
      r->t[s][b] = base / speed[s] * log_uniform(0.7, 1.4);
    r->bytes[b] = floor(log_uniform(1e3, 4e6));
  }
  r->input = floor(log_uniform(1e4, 4e6));
}

static void write_tables(const prof_set *set, const char *yaml,
                         const char *dir) {
  scn_scenario *s = NULL;
  sim_engine *e = NULL;
  ss_error err;
  ss_error_clear(&err);
  char line[2048];
  if (scn_load_text(yaml, strlen(yaml), "rnd.yaml", NULL, &s, &err) != 0 ||
      sim_engine_new(s, set, NULL, &e, &err) != 0 ||
      sim_write_tables(e, dir, NULL, NULL, &err) != 0) {
    ss_error_format(&err, line, sizeof line);
    fail_msg("%s", line);
  }
  sim_engine_free(e);
  scn_free(s);
}

/* ---- a small CSV reader ------------------------------------------------ */

#define MAX_FIELDS 32
typedef struct row {
  char *f[MAX_FIELDS];
  size_t n;
} row;

/* Rows of a CSV text (header included), fields unquoted. */
static row *read_rows(const char *dir, const char *name, size_t *n_rows) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text = ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
  assert_non_null(text);
  size_t cap = 64, n = 0;
  row *rows = calloc(cap, sizeof *rows);
  const char *p = text;
  while (*p) {
    if (n == cap) {
      cap *= 2;
      rows = realloc(rows, cap * sizeof *rows);
      assert_non_null(rows);
    }
    row *r = &rows[n++];
    memset(r, 0, sizeof *r);
    for (;;) {
      char cell[4096];
      size_t len = 0;
      int q = 0;
      while (*p && (q || (*p != ',' && *p != '\n'))) {
        if (*p == '"' && q && p[1] == '"') {
          cell[len++] = '"';
          p += 2;
        } else if (*p == '"') {
          q = !q;
          p++;
        } else {
          if (len < sizeof cell - 1)
            cell[len++] = *p;
          p++;
        }
      }
      cell[len] = '\0';
      if (r->n < MAX_FIELDS)
        r->f[r->n++] = ss_strdup(cell);
      if (*p != ',')
        break;
      p++;
    }
    if (*p == '\n')
      p++;
  }
  free(text);
  *n_rows = n;
  return rows;
}

static void free_rows(row *rows, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < rows[i].n; j++)
      free(rows[i].f[j]);
  free(rows);
}

static double num(const char *s) {
  double v;
  if (ss_parse_double(s, &v) != 0)
    fail_msg("not a number: '%s'", s);
  return v;
}

static size_t col(const row *header, const char *name) {
  for (size_t j = 0; j < header->n; j++)
    if (strcmp(header->f[j], name) == 0)
      return j;
  fail_msg("no column %s", name);
  return 0;
}

/* ---- the property ------------------------------------------------------ */

static const char *AX_DE = "links.device-edge.bandwidth_mbps";
static const char *AX_DC = "links.device-cloud.bandwidth_mbps";

/* Every change between fine rows i and i + 1 (the same line) is bracketed
 * by breakpoints of axis `axis` on that line. Returns the changes seen. */
static size_t check_line_changes(const row *fine, size_t nf, const row *bp,
                                 size_t nb, const char *axis, const char *fixed,
                                 size_t first_row, size_t c_axis,
                                 size_t c_place) {
  size_t changes = 0;
  for (size_t i = first_row; i + 1 < first_row + N_FINE && i + 1 < nf; i++) {
    const char *pa = fine[i].f[c_place], *pb = fine[i + 1].f[c_place];
    if (strcmp(pa, pb) == 0)
      continue;
    changes++;
    double va = num(fine[i].f[c_axis]), vb = num(fine[i + 1].f[c_axis]);
    double lo = va < vb ? va : vb, hi = va < vb ? vb : va;
    const char *from = va < vb ? pa : pb, *to = va < vb ? pb : pa;
    double slack = 1e-9 * hi;
    const char *first_before = NULL, *last_after = NULL;
    double first_v = INFINITY, last_v = -INFINITY;
    for (size_t j = 1; j < nb; j++) {
      if (strcmp(bp[j].f[1], axis) != 0 || strcmp(bp[j].f[2], fixed) != 0)
        continue;
      double v = num(bp[j].f[3]);
      if (v < lo - slack || v > hi + slack)
        continue;
      if (v < first_v) {
        first_v = v;
        first_before = bp[j].f[5];
      }
      if (v > last_v) {
        last_v = v;
        last_after = bp[j].f[6];
      }
    }
    if (!first_before || strcmp(first_before, from) != 0 ||
        strcmp(last_after, to) != 0)
      fail_msg("%s [%s]: change %s -> %s between %.17g and %.17g not "
               "bracketed by breakpoints.csv",
               axis, fixed, from, to, lo, hi);
  }
  return changes;
}

static void one_case(const rprof *r, double lat1, double lat2, size_t *seen) {
  prof_set *set = prof_set_new();
  assert_non_null(set);
  add_system(set, "dev", r, r->t[0]);
  add_system(set, "edg", r, r->t[1]);
  add_system(set, "cld", r, r->t[2]);
  char yaml[2][4096];
  for (int f = 0; f < 2; f++) {
    int n = f ? N_FINE : N_COARSE;
    /* device-cloud bandwidth falls linearly while device-edge rises */
    char vals[2048] = "";
    for (int i = 0; i < n; i++) {
      char one[64];
      snprintf(one, sizeof one, "%s%.17g", i ? ", " : "",
               50 + (0.5 - 50) * (double)i / (n - 1));
      strcat(vals, one);
    }
    snprintf(yaml[f], sizeof yaml[f],
             "name: rnd\nmodels: [rnd]\n"
             "tiers: {device: [dev], edge: [edg], cloud: [cld]}\n"
             "links:\n"
             "  device-edge: {latency_ms: 3, bandwidth_mbps: 10}\n"
             "  device-cloud: {latency_ms: 30, bandwidth_mbps: 10}\n"
             "  edge-cloud: {latency_ms: 10, bandwidth_mbps: 200}\n"
             "sweep:\n"
             "  - {param: %s, log: [0.3, 300, %d], zip: up}\n"
             "  - {param: %s, values: [%s], zip: up}\n"
             "  - {param: links.edge-cloud.latency_ms, values: [%g, %g]}\n",
             AX_DE, n, AX_DC, vals, lat1, lat2);
  }
  char dc[] = "/tmp/test_breaks_c_XXXXXX", df[] = "/tmp/test_breaks_f_XXXXXX";
  assert_non_null(mkdtemp(dc));
  assert_non_null(mkdtemp(df));
  write_tables(set, yaml[0], dc);
  write_tables(set, yaml[1], df);
  size_t nf, nc, nb;
  row *fine = read_rows(df, "best.csv", &nf);
  row *coarse = read_rows(dc, "best.csv", &nc);
  row *bp = read_rows(dc, "breakpoints.csv", &nb);
  assert_int_equal(nf, 1 + 2 * N_FINE);
  assert_int_equal(nc, 1 + 2 * N_COARSE);
  size_t c_de = col(&fine[0], AX_DE), c_dc = col(&fine[0], AX_DC);
  size_t c_lat = col(&fine[0], "links.edge-cloud.latency_ms");
  size_t c_place = col(&fine[0], "placement");
  /* best.csv: the points are ordered with the zipped group outermost */
  for (size_t line = 0; line < 2; line++) {
    /* rows of this line in path order */
    row *lr = calloc(N_FINE + 1, sizeof *lr);
    size_t nl = 0;
    for (size_t i = 1; i < nf; i++)
      if (num(fine[i].f[c_lat]) == (line ? lat2 : lat1))
        lr[nl++] = fine[i];
    assert_int_equal(nl, N_FINE);
    char fixed[64];
    snprintf(fixed, sizeof fixed, "links.edge-cloud.latency_ms=%.1f",
             line ? lat2 : lat1);
    *seen += check_line_changes(lr, nl, bp, nb, AX_DE, fixed, 0, c_de, c_place);
    check_line_changes(lr, nl, bp, nb, AX_DC, fixed, 0, c_dc, c_place);
    /* the coarse optimum is the fine one at the shared points */
    for (size_t i = 1; i < nc; i++) {
      if (num(coarse[i].f[c_lat]) != (line ? lat2 : lat1))
        continue;
      double v = num(coarse[i].f[c_de]);
      int found = 0;
      for (size_t j = 0; j < nl; j++)
        if (fabs(num(lr[j].f[c_de]) - v) <= 1e-12 * v) {
          found = 1;
          assert_string_equal(lr[j].f[c_place], coarse[i].f[c_place]);
        }
      assert_true(found);
    }
    free(lr);
  }
  free_rows(fine, nf);
  free_rows(coarse, nc);
  free_rows(bp, nb);
  sim_remove_tree(dc, NULL);
  sim_remove_tree(df, NULL);
  prof_set_free(set);
}

static void test_zip_random_profiles(void **state) {
  (void)state;
  size_t seen = 0;
  for (int i = 0; i < 40; i++) {
    rprof r;
    random_profile(&r);
    one_case(&r, 1 + floor(uniform() * 10), 20 + floor(uniform() * 80), &seen);
  }
  /* the property is not vacuous: the profiles do change their optimum */
  assert_true(seen >= 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zip_random_profiles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
