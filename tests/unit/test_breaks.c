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
 * shared points.
 *
 * The charts drawn from the coarse run agree with its tables: on each
 * latency chart the shaded regions of the optimum give, at every grid point
 * of the chart's reference line, best.csv's placement there, and their
 * boundaries are breakpoints.csv's values on that line (before and after
 * matching); on the decision map every sweep point lies in a cell of its
 * best.csv placement, and each row's cell borders are that row's
 * breakpoints. */
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
#include "plots/plot_internal.h"
#include "plots/plots.h"
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
  char line[2048], yaml_path[600];
  /* as `splitsim run` writes it: the charts read the reference point */
  snprintf(yaml_path, sizeof yaml_path, "%s/scenario.resolved.yaml", dir);
  if (scn_load_text(yaml, strlen(yaml), "rnd.yaml", NULL, &s, &err) != 0 ||
      sim_engine_new(s, set, NULL, &e, &err) != 0 ||
      sim_write_tables(e, dir, NULL, NULL, &err) != 0 ||
      scn_save_resolved_yaml(s, yaml_path, &err) != 0) {
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

/* ---- the charts agree with best.csv and breakpoints.csv ---------------- */

static const char *AX_LAT = "links.edge-cloud.latency_ms";

typedef struct chart_seen {
  size_t latency, map, regions; /* charts checked, regions seen */
} chart_seen;

static int near(double a, double b) {
  return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

/* 1 when every path=value of a `fixed` cell is at its axis's reference. */
static int fixed_at_ref(const plot_data *d, const char *fixed) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", fixed);
  for (char *tok = strtok(buf, ";"); tok; tok = strtok(NULL, ";")) {
    char *eq = strchr(tok, '=');
    assert_non_null(eq);
    *eq = 0;
    int found = 0;
    for (size_t a = 0; a < d->n_axes; a++)
      if (strcmp(d->axes[a].param, tok) == 0) {
        found = 1;
        if (!near(num(eq + 1), d->axes[a].ref))
          return 0;
      }
    assert_true(found);
  }
  return 1;
}

/* The placement text of a chart's letter ("A" = placement 0) or linetype
 * index (infeasible past the last placement). */
static const char *place_of(const plot_model *m, long i) {
  return i >= 0 && (size_t)i < m->n_places ? m->places[i] : "infeasible";
}

static long letter_index(const char *l) {
  long v = 0;
  if (l[0] == '-')
    return -1;
  for (; *l >= 'A' && *l <= 'Z'; l++)
    v = v * 26 + (*l - 'A' + 1);
  return v - 1;
}

typedef struct gp_region {
  double lo, hi;
  long place;
} gp_region;

/* The shaded regions of a latency chart's script, in order. */
static size_t gp_regions(const char *gp, gp_region *reg, size_t cap) {
  size_t n = 0;
  for (const char *p = gp; (p = strstr(p, "set object ")) != NULL; p++) {
    size_t k;
    double lo, hi;
    if (sscanf(p, "set object %zu rect from first %lf, graph 0 to first %lf",
               &k, &lo, &hi) != 3)
      continue;
    assert_int_equal(k, n + 1);
    assert_true(n < cap);
    char lab[64], letter[8] = "";
    snprintf(lab, sizeof lab, "set label %zu '", k);
    const char *q = strstr(gp, lab);
    assert_non_null(q);
    assert_int_equal(sscanf(q + strlen(lab), "%7[A-Z-]", letter), 1);
    reg[n++] = (gp_region){lo, hi, letter_index(letter)};
  }
  return n;
}

/* One latency chart: along axis `ax` (column c_x of best.csv), its
 * reference line is the rows where `other` is at its reference. */
static void check_latency_chart(const char *dir, const plot_data *d,
                                const char *ax, const char *other,
                                const row *best, size_t nb, const row *bp,
                                size_t nbp, chart_seen *seen) {
  char slug[48], path[700];
  plot_slug(ax, slug, sizeof slug);
  snprintf(path, sizeof path, "%s/charts/latency-01-rnd-%s.gp", dir, slug);
  char *gp = ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
  if (!gp)
    return; /* no chart: one placement, flat, all along (a note says so) */
  seen->latency++;
  gp_region reg[64];
  size_t nr = gp_regions(gp, reg, 64);
  free(gp);
  seen->regions += nr;
  const plot_model *m = &d->models[0];
  size_t c_x = col(&best[0], ax), c_o = col(&best[0], other);
  size_t c_place = col(&best[0], "placement");
  long o = -1;
  for (size_t a = 0; a < d->n_axes; a++)
    if (strcmp(d->axes[a].param, other) == 0)
      o = (long)a;
  assert_true(o >= 0);
  /* every grid point of the line lies in a region of its placement */
  size_t n_line = 0;
  for (size_t i = 1; i < nb; i++) {
    if (!near(num(best[i].f[c_o]), d->axes[o].ref))
      continue;
    n_line++;
    double x = num(best[i].f[c_x]);
    size_t k = 0;
    while (k + 1 < nr && reg[k + 1].lo <= x)
      k++;
    assert_true(nr > 0 && reg[0].lo <= x && x <= reg[nr - 1].hi);
    if (strcmp(place_of(m, reg[k].place), best[i].f[c_place]) != 0)
      fail_msg("%s at %.17g: the chart shades %s, best.csv has %s", ax, x,
               place_of(m, reg[k].place), best[i].f[c_place]);
  }
  assert_true(n_line >= 2);
  /* the region borders are the line's breakpoints, in order */
  size_t nb_line = 0;
  for (size_t j = 1; j < nbp; j++) {
    if (strcmp(bp[j].f[1], ax) != 0 || !fixed_at_ref(d, bp[j].f[2]))
      continue;
    assert_true(nb_line + 1 < nr);
    double v = num(bp[j].f[3]);
    if (!near(reg[nb_line].hi, v) || !near(reg[nb_line + 1].lo, v))
      fail_msg("%s: region border %zu at %.17g, breakpoint at %.17g", ax,
               nb_line, reg[nb_line].hi, v);
    assert_string_equal(place_of(m, reg[nb_line].place), bp[j].f[5]);
    assert_string_equal(place_of(m, reg[nb_line + 1].place), bp[j].f[6]);
    nb_line++;
  }
  assert_int_equal(nr, nb_line + 1);
}

typedef struct map_cell {
  double x0, x1, y0, y1;
  long lt;
} map_cell;

/* The decision map (x: the zipped bandwidths, y: the latency axis): every
 * sweep point in a cell of its placement; each row's inner cell borders
 * are that row's breakpoints along x. */
static void check_map(const char *dir, const plot_data *d, const row *best,
                      size_t nb, const row *bp, size_t nbp, chart_seen *seen) {
  char path[700];
  snprintf(path, sizeof path, "%s/charts/map-01-rnd.dat", dir);
  char *dat = ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
  if (!dat)
    return; /* one placement fills the map: no map (a note says so) */
  seen->map++;
  assert_non_null(strstr(dat, "block 0 = cells (xlow xhigh ylow yhigh"));
  map_cell cells[256];
  size_t nc = 0;
  const char *p = strchr(dat, '\n') + 1;
  while (*p && *p != '\n') { /* block 0 ends at a blank line */
    map_cell *c = &cells[nc];
    assert_true(nc < 256);
    assert_int_equal(sscanf(p, "%lf %lf %lf %lf %ld", &c->x0, &c->x1, &c->y0,
                            &c->y1, &c->lt),
                     5);
    nc++;
    p = strchr(p, '\n') + 1;
  }
  free(dat);
  assert_string_equal(d->axes[d->map_x].param, AX_DE);
  assert_string_equal(d->axes[d->map_y].param, AX_LAT);
  const plot_model *m = &d->models[0];
  size_t c_x = col(&best[0], AX_DE), c_y = col(&best[0], AX_LAT);
  size_t c_place = col(&best[0], "placement");
  for (size_t i = 1; i < nb; i++) {
    double x = num(best[i].f[c_x]), y = num(best[i].f[c_y]);
    long k = -1; /* the cell of the row with the last left edge <= x */
    for (size_t j = 0; j < nc; j++)
      if (cells[j].y0 <= y && y <= cells[j].y1 && cells[j].x0 <= x &&
          (k < 0 || cells[j].x0 > cells[k].x0))
        k = (long)j;
    assert_true(k >= 0);
    if (strcmp(place_of(m, cells[k].lt - 1), best[i].f[c_place]) != 0)
      fail_msg("map at (%.17g, %g): cell of %s, best.csv has %s", x, y,
               place_of(m, cells[k].lt - 1), best[i].f[c_place]);
  }
  for (size_t yi = 0; yi < d->axes[d->map_y].n_values; yi++) {
    double y = d->axes[d->map_y].values[yi];
    double edges[64];
    size_t ne = 0, nbr = 0;
    for (size_t j = 0; j < nc; j++)
      if (cells[j].y0 <= y && y <= cells[j].y1 &&
          cells[j].x0 > d->axes[d->map_x].values[0] && ne < 64)
        edges[ne++] = cells[j].x0;
    char fixed[64];
    snprintf(fixed, sizeof fixed, "%s=%.1f", AX_LAT, y);
    for (size_t j = 1; j < nbp; j++)
      if (strcmp(bp[j].f[1], AX_DE) == 0 && strcmp(bp[j].f[2], fixed) == 0) {
        int found = 0;
        for (size_t e = 0; e < ne; e++)
          found |= near(edges[e], num(bp[j].f[3]));
        if (!found)
          fail_msg("map row %g: no cell border at the breakpoint %.17g", y,
                   num(bp[j].f[3]));
        nbr++;
      }
    assert_int_equal(ne, nbr);
  }
}

/* Draw the coarse run's charts (scripts and data only) and check them. */
static void check_charts(const char *dir, const row *best, size_t nb,
                         const row *bp, size_t nbp, chart_seen *seen) {
  plot_options opt;
  plot_options_init(&opt);
  opt.no_render = 1;
  opt.no_report = 1;
  ss_error err;
  if (plot_charts(dir, &opt, NULL, &err) != 0)
    fail_msg("%s: %s", err.file, err.msg);
  plot_data d;
  if (plot_data_load(&d, dir, PLOT_POINT_AUTO, &err) != 0)
    fail_msg("%s: %s", err.file, err.msg);
  check_latency_chart(dir, &d, AX_DE, AX_LAT, best, nb, bp, nbp, seen);
  check_latency_chart(dir, &d, AX_LAT, AX_DE, best, nb, bp, nbp, seen);
  check_map(dir, &d, best, nb, bp, nbp, seen);
  plot_data_free(&d);
}

static void one_case(const rprof *r, double lat1, double lat2, size_t *seen,
                     chart_seen *charts) {
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
  if (charts)
    check_charts(dc, coarse, nc, bp, nb, charts);
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
  chart_seen charts = {0, 0, 0};
  for (int i = 0; i < 40; i++) {
    rprof r;
    random_profile(&r);
    /* the charts of every other case (writing them costs file syncs) */
    one_case(&r, 1 + floor(uniform() * 10), 20 + floor(uniform() * 80), &seen,
             i % 2 ? NULL : &charts);
  }
  /* the property is not vacuous: the profiles do change their optimum, and
   * the charts show it */
  assert_true(seen >= 20);
  assert_true(charts.latency >= 15);
  assert_true(charts.map >= 10);
  assert_true(charts.regions >= charts.latency + 15);
  printf("charts checked: %zu latency charts (%zu regions), %zu maps\n",
         charts.latency, charts.regions, charts.map);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zip_random_profiles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
