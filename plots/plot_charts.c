/* The chart kinds as one static table (plot_kinds.h), and writing one
 * chart's data file and script atomically. Each kind is its own file,
 * plot_chart_<kind>.c.
 *
 * Data files hold numbers only (names never go there); every name reaches a
 * script through plot_gp_str. Every script renders itself to PNG (pngcairo)
 * and SVG in one run: `gnuplot <base>.gp` inside the charts folder. */
#include "plot_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"

/* ---- the kinds ----------------------------------------------------------- */

/* In the order of the plan and of the report's sections. */
const plot_kind_ops *const plot_kind_table[] = {
    &plot_chart_models,    &plot_chart_latency, &plot_chart_map,
    &plot_chart_breakdown, &plot_chart_pareto,  &plot_chart_purchase_sweep,
    &plot_chart_tornado,   &plot_chart_sim_p99, &plot_chart_sim_cdf,
    &plot_chart_sim_util,  &plot_chart_replay,
};
const size_t plot_n_kinds = sizeof plot_kind_table / sizeof plot_kind_table[0];

const plot_kind_ops *plot_kind_find(plot_kind k) {
  for (size_t i = 0; i < plot_n_kinds; i++)
    if (plot_kind_table[i]->kind == k)
      return plot_kind_table[i];
  return plot_kind_table[0];
}

/* ---- one chart, atomically ---------------------------------------------- */

#define SCRIPT_MARK "# splitsim chart script, checksum "

static unsigned long long fnv1a(const char *s, size_t n) {
  unsigned long long h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

int plot_script_edited(const char *text) {
  size_t ml = strlen(SCRIPT_MARK);
  if (strncmp(text, SCRIPT_MARK, ml) != 0)
    return 1;
  const char *nl = strchr(text, '\n');
  if (!nl)
    return 1;
  char *end;
  unsigned long long want = strtoull(text + ml, &end, 16);
  if (end == text + ml)
    return 1;
  return fnv1a(nl + 1, strlen(nl + 1)) != want;
}

int plot_write_chart(const plot_data *d, const plot_plan *p,
                     const plot_chart *c, int keep_edited, int *kept,
                     ss_error *err) {
  char name[200];
  char *gp_path = NULL, *dat_path = NULL, *script = NULL;
  size_t script_len = 0;
  ss_atomic_file gpf, datf;
  int gp_open = 0, dat_open = 0, rc = -1;
  FILE *gp = NULL;
  *kept = 0;
  snprintf(name, sizeof name, "%s.gp", c->base);
  gp_path = plot_path_join(d->charts, name);
  snprintf(name, sizeof name, "%s.dat", c->base);
  dat_path = plot_path_join(d->charts, name);
  if (!gp_path || !dat_path) {
    ss_error_oom(err, d->charts, NULL);
    goto out;
  }
  if (ss_atomic_open(&datf, dat_path, err) != 0)
    goto out;
  datf.no_sync = 1; /* one ss_sync_fs before the manifest (plots.c) */
  dat_open = 1;
  gp = open_memstream(&script, &script_len);
  if (!gp) {
    ss_error_oom(err, gp_path, NULL);
    goto out;
  }
  rc = plot_kind_find(c->kind)->write(gp, datf.fp, d, p, c, err);
  if (fclose(gp) != 0 && rc == 0)
    rc = ss_error_oom(err, gp_path, NULL);
  gp = NULL;
  if (rc != 0)
    goto out;
  rc = -1;
  if (ss_atomic_commit(&datf, err) != 0)
    goto out;
  dat_open = 0;
  if (keep_edited) {
    *kept = 1;
  } else {
    if (ss_atomic_open(&gpf, gp_path, err) != 0)
      goto out;
    gpf.no_sync = 1;
    gp_open = 1;
    fprintf(gpf.fp,
            SCRIPT_MARK "%016llx (an edited script is kept by `splitsim "
                        "plot`)\n",
            fnv1a(script, script_len));
    fwrite(script, 1, script_len, gpf.fp);
    gp_open = 0;
    if (ss_atomic_commit(&gpf, err) != 0)
      goto out;
  }
  rc = 0;
out:
  if (gp)
    fclose(gp);
  if (dat_open)
    ss_atomic_abort(&datf);
  if (gp_open)
    ss_atomic_abort(&gpf);
  free(script);
  free(gp_path);
  free(dat_path);
  return rc;
}
