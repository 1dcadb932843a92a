/* plots: plan the charts of an output folder, write their data and
 * scripts, render them with gnuplot, and write the report. */
#include "plot_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/ss_io.h"
#include "../profiles/import.h"

void plot_options_init(plot_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->point = PLOT_POINT_AUTO;
}

/* ---- the plan ----------------------------------------------------------- */

void plot_plan_note(plot_plan *p, const char *fmt, ...) {
  char buf[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **nn = realloc(p->notes, (p->n_notes + 1) * sizeof *nn);
  if (!nn)
    return;
  p->notes = nn;
  if ((p->notes[p->n_notes] = ss_strdup(buf)) != NULL)
    p->n_notes++;
}

void plot_plan_free(plot_plan *p) {
  free(p->charts);
  for (size_t i = 0; i < p->n_notes; i++)
    free(p->notes[i]);
  free(p->notes);
  if (!p->profiles_borrowed)
    prof_set_free(p->profiles);
  memset(p, 0, sizeof *p);
}

int plot_plan_add(plot_plan *p, plot_kind kind, size_t model, size_t axis,
                  const char *base, int writable) {
  plot_chart *nc = realloc(p->charts, (p->n + 1) * sizeof *nc);
  if (!nc)
    return -1;
  p->charts = nc;
  plot_chart *c = &p->charts[p->n++];
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->model = model;
  c->axis = axis;
  c->writable = writable;
  snprintf(c->base, sizeof c->base, "%s", base);
  return 0;
}

void plot_slug(const char *s, char *out, size_t size) {
  size_t k = 0;
  for (; *s && k + 1 < size && k < 40; s++) {
    char c = *s;
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '_' || c == '-' ||
             (c == '.' && k > 0);
    out[k++] = ok ? c : '_';
  }
  out[k] = 0;
}

int plot_chart_files_exist(const plot_data *d, const char *base) {
  char name[200];
  snprintf(name, sizeof name, "%s.gp", base);
  char *a = plot_path_join(d->charts, name);
  snprintf(name, sizeof name, "%s.dat", base);
  char *b = plot_path_join(d->charts, name);
  int ok = a && b && plot_file_exists(a) && plot_file_exists(b);
  free(a);
  free(b);
  return ok;
}

int plot_index_width(const plot_data *d) { return d->n_models >= 100 ? 3 : 2; }

int plot_plan_make(plot_plan *p, const plot_data *d, const plot_options *opt,
                   ss_error *err) {
  memset(p, 0, sizeof *p);
  for (size_t k = 0; k < plot_n_kinds; k++)
    if (plot_kind_table[k]->plan(p, d, opt) != 0) {
      plot_plan_free(p);
      return ss_error_oom(err, d->outdir, NULL);
    }
  return 0;
}

void plot_chart_caption(const plot_data *d, const plot_chart *c, char *buf,
                        size_t bufsize) {
  plot_kind_find(c->kind)->caption(d, c, buf, bufsize);
}

/* ---- charts ------------------------------------------------------------ */

static int make_dir(const char *path, ss_error *err) {
  if (mkdir(path, 0777) == 0 || errno == EEXIST) {
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
      return 0;
    return ss_error_set(err, path, NULL, "exists and is not a folder");
  }
  return ss_error_set(err, path, NULL, "cannot create the folder: %s",
                      strerror(errno));
}

static const char *const rendered_ext[] = {".png", ".svg"};

static void chart_rel(char *rel, size_t size, const char *base,
                      const char *ext) {
  snprintf(rel, size, "charts/%s%s", base, ext);
}

/* The old renderings of a chart go (only the manifest's). */
static void remove_rendering(plot_owner *o, const char *base) {
  char rel[256];
  for (size_t i = 0; i < 2; i++) {
    chart_rel(rel, sizeof rel, base, rendered_ext[i]);
    plot_owner_remove(o, rel);
  }
}

/* Data and script of one chart; whether its script may be rendered. */
static int write_one(const plot_data *d, plot_plan *p, plot_chart *c,
                     const plot_options *opt, plot_owner *o, plot_summary *sum,
                     ss_error *err) {
  char rel[256];
  chart_rel(rel, sizeof rel, c->base, ".gp");
  int ours = plot_owner_script_ours(o, rel);
  if (c->writable) {
    int kept = 0;
    int keep = opt->keep_scripts && !ours && plot_owner_exists(o, rel);
    if (plot_write_chart(d, p, c, keep, &kept, err) != 0)
      return -1;
    sum->n_kept += kept != 0;
    ours = !kept;
    char dat[256];
    chart_rel(dat, sizeof dat, c->base, ".dat");
    if (plot_owner_record(o, dat, err) != 0 ||
        (!kept && plot_owner_record(o, rel, err) != 0))
      return -1;
    remove_rendering(o, c->base);
  } else {
    sum->n_kept++;
  }
  c->untrusted = !ours && !opt->trust_scripts;
  return 0;
}

static int untrusted_error(const plot_data *d, const plot_plan *p,
                           size_t n_untrusted, ss_error *err) {
  for (size_t i = 0; i < p->n; i++)
    if (p->charts[i].untrusted) {
      char path[4400];
      snprintf(path, sizeof path, "%s/%s.gp", d->charts, p->charts[i].base);
      return ss_error_set(
          err, path, NULL,
          "%zu chart script%s not rendered: not as splitsim wrote %s, and "
          "a gnuplot script can run programs; read %s, then pass "
          "--trust-scripts to render, or --regenerate to write anew",
          n_untrusted, n_untrusted == 1 ? "" : "s",
          n_untrusted == 1 ? "it" : "them", n_untrusted == 1 ? "it" : "them");
    }
  return 0;
}

static void render_all(const plot_data *d, const char **bases, size_t n_bases,
                       const plot_options *opt, plot_summary *sum, int *failed,
                       ss_error *err) {
  ss_error scratch;
  const char *prog = plot_gnuplot_program(opt);
  snprintf(sum->gnuplot_path, sizeof sum->gnuplot_path, "%s", prog);
  if (opt->no_render || !n_bases)
    return;
  if (!plot_gnuplot_available(opt)) {
    sum->gnuplot_missing = 1;
    snprintf(sum->message, sizeof sum->message,
             "charts skipped: gnuplot was not found (%s%.300s); the "
             "tables, chart data and .gp scripts are written. Install it "
             "(Debian/Ubuntu: apt-get install gnuplot-nox), then run "
             "`splitsim plot` on this output folder.",
             strchr(prog, '/') ? "" : "looked for in PATH: ", prog);
    return;
  }
  double timeout = opt->timeout_s > 0 ? opt->timeout_s : 60;
  int jobs = opt->jobs;
  if (jobs <= 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    jobs = n > 0 ? (int)n : 1;
    if (jobs > 8)
      jobs = 8;
  }
  if (plot_render(d->charts, prog, bases, n_bases, jobs, timeout,
                  &sum->n_rendered, *failed ? &scratch : err) != 0)
    *failed = 1;
}

static int run_charts(const plot_data *d, plot_plan *p, const plot_options *opt,
                      plot_owner *o, plot_summary *sum, ss_error *err) {
  const char **bases = NULL;
  size_t n_bases = 0;
  int failed = 0;
  ss_error scratch;
  if (make_dir(d->charts, err) != 0)
    return -1;
  bases = calloc(p->n + 1, sizeof *bases);
  if (!bases)
    return ss_error_oom(err, d->charts, NULL);
  sum->n_charts = p->n;
  for (size_t i = 0; i < p->n; i++) {
    plot_chart *c = &p->charts[i];
    plot_progress("writing chart data", "charts", i, p->n);
    if (plot_cancelled()) {
      free(bases);
      return plot_interrupted(err);
    }
    if (write_one(d, p, c, opt, o, sum, failed ? &scratch : err) != 0)
      failed = 1;
    else if (c->untrusted)
      sum->n_untrusted++;
    else
      bases[n_bases++] = c->base;
  }
  plot_progress("writing chart data", "charts", p->n, p->n);
  render_all(d, bases, n_bases, opt, sum, &failed, err);
  if (plot_cancelled()) { /* what was rendered is recorded; then stop */
    failed = 1;
    plot_interrupted(err);
  }
  char rel[256];
  for (size_t i = 0; i < n_bases; i++)
    for (size_t k = 0; k < 2; k++) {
      chart_rel(rel, sizeof rel, bases[i], rendered_ext[k]);
      if (plot_owner_record(o, rel, failed ? &scratch : err) != 0)
        failed = 1;
    }
  free(bases);
  if (!failed && sum->n_untrusted && !opt->no_render &&
      untrusted_error(d, p, sum->n_untrusted, err) != 0)
    failed = 1;
  return failed ? -1 : 0;
}

/* Charts not rendered because their script is not splitsim's (for the
 * report of `splitsim report`, which runs no chart). */
static void mark_untrusted(plot_plan *p, const plot_owner *o,
                           const plot_options *opt) {
  char rel[256];
  for (size_t i = 0; i < p->n; i++) {
    plot_chart *c = &p->charts[i];
    chart_rel(rel, sizeof rel, c->base, ".gp");
    c->untrusted = !opt->trust_scripts && plot_owner_exists(o, rel) &&
                   !plot_owner_script_ours(o, rel);
  }
}

static int outputs(const char *outdir, const plot_options *opt_in,
                   plot_summary *sum_out, int charts, int report,
                   ss_error *err) {
  plot_options defaults;
  plot_summary local;
  plot_data d;
  plot_plan p;
  plot_owner o;
  int rc = 0;
  ss_error scratch;
  plot_options_init(&defaults);
  const plot_options *opt = opt_in ? opt_in : &defaults;
  plot_summary *sum = sum_out ? sum_out : &local;
  memset(sum, 0, sizeof *sum);
  if (strlen(outdir) + 400 >= 4096)
    return ss_error_set(err, outdir, NULL, "output path too long");
  if (plot_owner_open(&o, outdir, opt->force, err) != 0)
    return -1;
  plot_set_cancel(opt->cancel);
  plot_set_progress(opt->progress, opt->progress_ctx);
  if (plot_data_load(&d, outdir, opt->point, err) != 0) {
    ss_manifest_free(&o.m);
    plot_set_cancel(NULL);
    plot_set_progress(NULL, NULL);
    return -1;
  }
  if (plot_plan_make(&p, &d, opt, err) != 0 ||
      (plot_cancelled() && plot_interrupted(err) != 0) ||
      plot_owner_check(&o, &p, opt, charts, report, err) != 0) {
    plot_plan_free(&p);
    plot_data_free(&d);
    ss_manifest_free(&o.m);
    plot_set_cancel(NULL);
    plot_set_progress(NULL, NULL);
    return -1;
  }
  if (charts && run_charts(&d, &p, opt, &o, sum, err) != 0)
    rc = -1;
  if (!charts)
    mark_untrusted(&p, &o, opt);
  if (plot_cancelled()) {
    rc = plot_interrupted(err);
  } else if (report) {
    plot_progress("writing the report", "reports", 0, 1);
    if (plot_report_write(&d, &p, opt, charts ? sum : NULL,
                          rc ? &scratch : err) != 0)
      rc = -1;
    plot_progress("writing the report", "reports", 1, 1);
    if (plot_owner_record(&o, "report.html", &scratch) != 0 ||
        plot_owner_record(&o, "report.md", &scratch) != 0)
      rc = -1;
  }
  /* chart data and scripts are committed without an fsync each (thousands
   * of them with many models); the renderings never had one: all reach the
   * disk here, before the manifest that records them */
  if (charts && ss_sync_fs(d.charts, rc ? &scratch : err) != 0)
    rc = -1;
  if (plot_owner_close(&o, rc ? &scratch : err) != 0)
    rc = -1;
  plot_plan_free(&p);
  plot_data_free(&d);
  plot_set_cancel(NULL);
  plot_set_progress(NULL, NULL);
  return rc;
}

int plot_scenario_outputs_ex(const char *outdir, const plot_options *opt,
                             plot_summary *sum, ss_error *err) {
  return outputs(outdir, opt, sum, 1, !(opt && opt->no_report), err);
}

int plot_scenario_outputs(const char *outdir, const plot_options *opt,
                          ss_error *err) {
  return plot_scenario_outputs_ex(outdir, opt, NULL, err);
}

int plot_charts(const char *outdir, const plot_options *opt, plot_summary *sum,
                ss_error *err) {
  return outputs(outdir, opt, sum, 1, 0, err);
}

int plot_report(const char *outdir, const plot_options *opt, ss_error *err) {
  return outputs(outdir, opt, NULL, 0, 1, err);
}
