/* Replay charts: one per row of replay_charts.csv (docs/traces.md): the
 * traced link's bandwidth, the megabytes each policy's placement sends over
 * it, and every request's latency, over time. */
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_MAX_POINTS 4000
#define REPLAY_W 1000
#define REPLAY_H 900

static const char *const replay_policies[] = {"static", "periodic", "oracle"};
static const char *const replay_colours[] = {"#0072B2", "#E69F00", "#009E73"};

/* 1 when name is "replay_series_<digits>.csv" (never a path elsewhere). */
static int replay_file_ok(const char *name) {
  const char *p = "replay_series_";
  if (strncmp(name, p, strlen(p)) != 0)
    return 0;
  const char *q = name + strlen(p);
  size_t digits = strspn(q, "0123456789");
  return digits > 0 && digits < 10 && strcmp(q + digits, ".csv") == 0;
}

/* Columns of the series: time, bandwidth, then (latency, MB) per policy
 * (col[2 + 2k], col[3 + 2k]; -1 when the policy was not replayed). */
static int replay_cols(const plot_table *t, long *col) {
  col[0] = plot_table_col(t, SIM_COL_TIME_S);
  col[1] = plot_table_col(t, SIM_COL_BANDWIDTH_MBPS);
  for (size_t k = 0; k < 3; k++) {
    char name[64];
    snprintf(name, sizeof name, SIM_COL_LATENCY_S_OF "%s", replay_policies[k]);
    col[2 + 2 * k] = plot_table_col(t, name);
    snprintf(name, sizeof name, SIM_COL_LINK_MB_OF "%s", replay_policies[k]);
    col[3 + 2 * k] = plot_table_col(t, name);
  }
  return col[0] >= 0 && col[1] >= 0 ? 0 : -1;
}

/* Data: every stride-th request: time bandwidth then (latency MB) for each
 * policy in replay_policies order (NaN when absent). */
static int replay_data(FILE *dat, const plot_table *t, const long *col,
                       size_t stride, ss_error *err) {
  fputs("# replay: time_s bandwidth_mbps, then latency_s link_mb for static, "
        "periodic, oracle (NaN: not replayed)\n",
        dat);
  for (size_t r = 0; r < t->n_rows; r += stride) {
    for (size_t k = 0; k < 8; k++) {
      double v = NAN;
      if (col[k] >= 0 && plot_table_num(t, r, (size_t)col[k], &v, err) != 0)
        return -1;
      if (k)
        fputc(' ', dat);
      plot_gp_num(dat, v);
    }
    fputc('\n', dat);
  }
  if (t->n_rows == 0)
    fputs("NaN NaN NaN NaN NaN NaN NaN NaN\n", dat);
  return 0;
}

static void replay_panel(FILE *gp, const char *base, const long *col,
                         int latency) {
  int first = 1;
  fputs("  plot ", gp);
  for (size_t k = 0; k < 3; k++) {
    if (col[(latency ? 2 : 3) + 2 * k] < 0)
      continue;
    fprintf(gp, "%s'%s.dat' using 1:%zu with %s lc rgb '%s' title '%s'",
            first ? "" : ", \\\n    ", base, (latency ? 3 : 4) + 2 * k,
            latency ? "points pt 7 ps 0.25" : "steps lw 1.5", replay_colours[k],
            replay_policies[k]);
    first = 0;
  }
  if (first)
    fputs("NaN notitle", gp);
  fputc('\n', gp);
}

static int write_replay(FILE *gp, FILE *dat, const plot_data *d,
                        const plot_plan *p, const plot_chart *c,
                        ss_error *err) {
  (void)p;
  const plot_table *ix = &d->replay_charts;
  long cf = plot_table_col(ix, SIM_COL_FILE),
       ct = plot_table_col(ix, SIM_COL_TRACE),
       cm = plot_table_col(ix, SIM_COL_MODEL);
  if (cf < 0 || ct < 0 || cm < 0)
    return ss_error_set(err, ix->path, "1",
                        "missing column 'file', 'trace' or 'model'");
  const char *file = plot_table_get(ix, c->model, (size_t)cf);
  if (!replay_file_ok(file))
    return ss_error_set(err, ix->path, NULL,
                        "row %zu: file must be replay_series_<n>.csv",
                        c->model + 1);
  char *path = plot_path_join(d->outdir, file);
  if (!path)
    return ss_error_set(err, d->outdir, NULL, "out of memory");
  plot_table t;
  memset(&t, 0, sizeof t);
  int rc = plot_table_load(&t, path, err);
  free(path);
  long col[8];
  if (rc == 0 && replay_cols(&t, col) != 0)
    rc = ss_error_set(err, t.path, "1",
                      "missing column 'time_s' or 'bandwidth_mbps'");
  size_t stride = t.n_rows / REPLAY_MAX_POINTS + 1;
  if (rc == 0)
    rc = replay_data(dat, &t, col, stride, err);
  plot_table_free(&t);
  if (rc != 0)
    return -1;
  char title[400], sub[200];
  snprintf(title, sizeof title, "Replay: %.120s, model %.80s",
           plot_table_get(ix, c->model, (size_t)ct),
           plot_table_get(ix, c->model, (size_t)cm));
  snprintf(sub, sizeof sub, "%s",
           stride > 1 ? "(every request's point is thinned for the chart; "
                        "all are in the series file)"
                      : "");
  plot_gp_begin(gp, c->base, "replay over one trace");
  plot_gp_loop_open(gp, c->base, REPLAY_W, REPLAY_H);
  plot_gp_title(gp, "  set multiplot layout 3,1 title", title, sub, REPLAY_W);
  fputs("  set border 3; set tics out nomirror\n"
        "  set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n"
        "  set key top right horizontal samplen 2\n"
        "  set lmargin 12; set xlabel ''\n"
        "  set ylabel 'bandwidth (Mbps)'\n",
        gp);
  fprintf(gp,
          "  plot '%s.dat' using 1:2 with steps lc rgb '#555555' "
          "title 'traced link'\n"
          "  set ylabel 'MB sent over the traced link'\n",
          c->base);
  replay_panel(gp, c->base, col, 0);
  fputs("  set xlabel 'time (s)'; set ylabel 'latency (s)'\n", gp);
  replay_panel(gp, c->base, col, 1);
  fputs("  unset multiplot\n", gp);
  plot_gp_loop_close(gp);
  return 0;
}

/* ---- plan, caption, kind ------------------------------------------------ */

static int plan_replay(plot_plan *p, const plot_data *d,
                       const plot_options *opt) {
  (void)opt;
  for (size_t r = 0; d->has_replay_charts && r < d->replay_charts.n_rows; r++) {
    char base[64];
    snprintf(base, sizeof base, "replay-%zu", r + 1);
    if (plot_plan_add(p, PLOT_REPLAY, r, 0, base, 1) != 0)
      return -1;
  }
  return 0;
}

static void caption_replay(const plot_data *d, const plot_chart *c, char *buf,
                           size_t bufsize) {
  const plot_table *t = &d->replay_charts;
  long ct = plot_table_col(t, SIM_COL_TRACE),
       cm = plot_table_col(t, SIM_COL_MODEL);
  snprintf(buf, bufsize,
           "Replay over trace %.80s (model %.60s): the traced link's "
           "bandwidth, the megabytes each policy's placement sends over it "
           "(where the model is cut), and every request's latency.",
           ct >= 0 ? plot_table_get(t, c->model, (size_t)ct) : "?",
           cm >= 0 ? plot_table_get(t, c->model, (size_t)cm) : "?");
}

const plot_kind_ops plot_chart_replay = {PLOT_REPLAY, "Replay over traces",
                                         plan_replay, caption_replay,
                                         write_replay};
