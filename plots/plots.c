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
  if ((p->notes[p->n_notes] = plot_strdup(buf)) != NULL)
    p->n_notes++;
}

void plot_plan_free(plot_plan *p) {
  free(p->charts);
  for (size_t i = 0; i < p->n_notes; i++)
    free(p->notes[i]);
  free(p->notes);
  prof_set_free(p->profiles);
  memset(p, 0, sizeof *p);
}

static int add_chart(plot_plan *p, plot_kind kind, size_t model, size_t axis,
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

static void slug_of(const char *s, char *out, size_t size) {
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

static int chart_files_exist(const plot_data *d, const char *base) {
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

int plot_plan_make(plot_plan *p, const plot_data *d, const plot_options *opt,
                   ss_error *err) {
  unsigned char *has_curve = NULL; /* 0 none, 1 one placement, 2 several */
  size_t *first_row = NULL;        /* curves.csv row of the first placement */
  double *omin = NULL, *omax = NULL;
  memset(p, 0, sizeof *p);
  size_t nm = d->n_models, na = d->n_axes;
  int width = nm >= 100 ? 3 : 2;
  char base[160];

  /* which (model, axis) have curves */
  has_curve = calloc(nm * (na ? na : 1) + 1, 1);
  if (!has_curve)
    goto nomem;
  if (d->has_curves) {
    const plot_table *t = &d->curves;
    long cm = plot_table_col(t, "model"), ca = plot_table_col(t, "axis");
    int cols_ok = cm >= 0 && ca >= 0;
    const char *need[] = {"value", "placement", "objective", "optimal"};
    for (size_t i = 0; i < 4; i++)
      if (plot_table_col(t, need[i]) < 0)
        cols_ok = 0;
    if (!cols_ok)
      plot_plan_note(p, "latency charts skipped: curves.csv lacks a column "
                        "(model, axis, value, placement, objective, optimal)");
    long cp = plot_table_col(t, "placement"),
         co = plot_table_col(t, "objective");
    first_row = malloc((nm * (na ? na : 1) + 1) * sizeof *first_row);
    omin = malloc((nm * (na ? na : 1) + 1) * sizeof *omin);
    omax = malloc((nm * (na ? na : 1) + 1) * sizeof *omax);
    if (!first_row || !omin || !omax)
      goto nomem;
    for (size_t r = 0; cols_ok && r < t->n_rows; r++) {
      long mi = plot_model_index(d, plot_table_get(t, r, (size_t)cm));
      const char *axis = plot_table_get(t, r, (size_t)ca);
      for (size_t a = 0; mi >= 0 && a < na; a++) {
        if (strcmp(d->axes[a].param, axis) != 0)
          continue;
        size_t k = (size_t)mi * na + a;
        double o;
        if (plot_parse_cell(plot_table_get(t, r, (size_t)co), &o) != 0)
          o = NAN;
        if (!has_curve[k]) {
          has_curve[k] = 1; /* one placement so far */
          first_row[k] = r;
          omin[k] = omax[k] = o;
        } else if (has_curve[k] == 1) {
          if (strcmp(plot_table_get(t, r, (size_t)cp),
                     plot_table_get(t, first_row[k], (size_t)cp)) != 0)
            has_curve[k] = 2; /* several placements */
          omin[k] = fmin(omin[k], o);
          omax[k] = fmax(omax[k], o);
        }
      }
    }
    /* one placement with the same objective all along: a flat line that
     * says no more than the note does */
    for (size_t a = 0; a < na; a++) {
      char names[900];
      size_t k2 = 0, n_flat = 0;
      names[0] = 0;
      for (size_t i = 0; i < nm; i++) {
        size_t k = i * na + a;
        if (has_curve[k] != 1 || !isfinite(omin[k]) || !isfinite(omax[k]) ||
            fabs(omax[k] - omin[k]) > 1e-9 * fabs(omax[k]) ||
            d->axes[a].n_values < 2 || plot_axis_is_companion(d, a))
          continue;
        has_curve[k] = 0;
        if (k2 + 80 < sizeof names)
          k2 += (size_t)snprintf(names + k2, sizeof names - k2, "%s%.60s",
                                 n_flat ? ", " : "", d->models[i].name);
        else if (k2 + 5 < sizeof names && names[k2 - 1] != '.')
          k2 += (size_t)snprintf(names + k2, sizeof names - k2, ", ...");
        n_flat++;
      }
      if (!n_flat)
        continue;
      char lab[256];
      plot_axis_label(d, a, lab, sizeof lab);
      plot_plan_note(p,
                     "No %s chart for %s along %s: one placement is "
                     "optimal all along that line (the other parameters at "
                     "point 0) and the %s does not change (curves.csv has "
                     "the numbers).",
                     plot_objective_name(d->objective), names, lab,
                     plot_objective_name(d->objective));
    }
  } else if (na) {
    plot_plan_note(p, "latency charts skipped: curves.csv not found");
  }

  /* the profile store, for the per-block breakdowns */
  const char *store = opt && opt->profiles ? opt->profiles : d->profiles;
  int any_feasible = 0;
  for (size_t i = 0; i < nm; i++)
    any_feasible |= d->models[i].at.found && d->models[i].at.place >= 0;
  char why_store[1200] = "";
  if (any_feasible && store) { /* (plot_data_load found the point) */
    prof_set *set = NULL;
    ss_error perr;
    ss_error_clear(&perr);
    if (prof_load_path(store, &set, &perr) == 0) {
      p->profiles = set;
    } else {
      char msg[1900];
      ss_error_format(&perr, msg, sizeof msg);
      snprintf(why_store, sizeof why_store,
               "cannot read the profile store: %.1000s", msg);
    }
  } else if (any_feasible) {
    snprintf(why_store, sizeof why_store, "%s",
             d->profiles_embedded
                 ? "the scenario uses the embedded default profile "
                   "store; give its path with `splitsim plot "
                   "--profiles PATH`"
                 : "the profile store is not known (no "
                   "scenario.resolved.yaml); give it with "
                   "`splitsim plot --profiles PATH`");
  }

  /* model comparison first: the overview */
  if (d->point_found && add_chart(p, PLOT_MODELS, 0, 0, "models", 1) != 0)
    goto nomem;
  for (size_t i = 0; i < nm; i++) {
    const plot_model *m = &d->models[i];
    for (size_t a = 0; a < na; a++) {
      if (d->axes[a].n_values < 2 || !has_curve[i * na + a] ||
          plot_axis_is_companion(d, a))
        continue;
      char as[48];
      slug_of(d->axes[a].param, as, sizeof as);
      snprintf(base, sizeof base, "latency-%0*zu-%s-%s", width, i + 1, m->slug,
               as);
      if (add_chart(p, PLOT_LATENCY, i, a, base, 1) != 0)
        goto nomem;
    }
  }
  if (d->map_x >= 0) {
    size_t ncells = d->axes[d->map_x].n_values * d->axes[d->map_y].n_values,
           n_one = 0;
    char names[900] = "";
    size_t kn = 0;
    for (size_t i = 0; i < nm; i++) {
      const int *map = d->models[i].map;
      if (!map)
        continue;
      /* one placement over the whole plane: the note says it all */
      size_t c = 1;
      while (c < ncells && map[c] == map[0])
        c++;
      if (c == ncells && ncells > 1) {
        if (kn + 80 < sizeof names)
          kn += (size_t)snprintf(names + kn, sizeof names - kn, "%s%.60s",
                                 n_one ? ", " : "", d->models[i].name);
        else if (kn + 5 < sizeof names && names[kn - 1] != '.')
          kn += (size_t)snprintf(names + kn, sizeof names - kn, ", ...");
        n_one++;
        continue;
      }
      snprintf(base, sizeof base, "map-%0*zu-%s", width, i + 1,
               d->models[i].slug);
      if (add_chart(p, PLOT_MAP, i, 0, base, 1) != 0)
        goto nomem;
    }
    if (n_one)
      plot_plan_note(p,
                     "No decision map for %s: one placement is optimal over "
                     "the whole plane (see Placements; best.csv has the "
                     "numbers).",
                     names);
  } else if (d->map_note) {
    plot_plan_note(p, "%s", d->map_note);
  }
  int noted_store = 0;
  for (size_t i = 0; d->point_found && i < nm; i++) {
    const plot_model *m = &d->models[i];
    char why[400] = "";
    snprintf(base, sizeof base, "breakdown-%0*zu-%s", width, i + 1, m->slug);
    int ok = 0;
    if (!m->at.found || m->at.place < 0)
      continue; /* nothing to break down; the comparison says infeasible */
    if (p->profiles)
      ok = plot_breakdown_possible(d, p->profiles, i, why, sizeof why);
    if (ok) {
      if (add_chart(p, PLOT_BREAKDOWN, i, 0, base, 1) != 0)
        goto nomem;
    } else if (opt && opt->keep_scripts && chart_files_exist(d, base)) {
      if (add_chart(p, PLOT_BREAKDOWN, i, 0, base, 0) != 0)
        goto nomem;
    } else if (!p->profiles) {
      if (!noted_store)
        plot_plan_note(p, "per-block breakdown charts skipped: %s",
                       why_store[0] ? why_store : "no profile store");
      noted_store = 1;
    } else {
      plot_plan_note(p, "per-block breakdown of model %.60s skipped: %s",
                     m->name, why);
    }
  }
  if (d->has_purchase) {
    if (plot_table_col(&d->purchase, "price") >= 0 &&
        plot_table_col(&d->purchase, "weighted_latency_s") >= 0) {
      if (add_chart(p, PLOT_PARETO, 0, 0, "pareto", 1) != 0)
        goto nomem;
    } else {
      plot_plan_note(p, "purchasing chart skipped: purchase.csv lacks the "
                        "columns price and weighted_latency_s");
    }
  }
  if (d->has_sensitivity) {
    char why[800];
    if (plot_tornado_possible(d, why, sizeof why)) {
      if (add_chart(p, PLOT_TORNADO, 0, 0, "tornado", 1) != 0)
        goto nomem;
    } else {
      plot_plan_note(p, "sensitivity tornado chart skipped: %s", why);
    }
  }
  free(has_curve);
  free(first_row);
  free(omin);
  free(omax);
  return 0;
nomem:
  free(has_curve);
  free(first_row);
  free(omin);
  free(omax);
  plot_plan_free(p);
  return ss_error_oom(err, d->outdir, NULL);
}

void plot_chart_caption(const plot_data *d, const plot_chart *c, char *buf,
                        size_t bufsize) {
  char lab[256], lab2[256], at[48] = "";
  const char *mname = d->models[c->model].name;
  if (d->n_points > 1)
    snprintf(at, sizeof at, " at point %zu", d->point);
  switch (c->kind) {
  case PLOT_LATENCY:
    plot_axis_label(d, c->axis, lab, sizeof lab);
    snprintf(buf, bufsize,
             "%.80s: %s of every placement that is optimal somewhere along "
             "%s (other parameters at point 0). Bold: the optimum; letters "
             "and shading: where each placement is optimal; dots: the "
             "breakpoints.",
             mname, plot_objective_name(d->objective), lab);
    break;
  case PLOT_MAP:
    plot_axis_label(d, (size_t)d->map_x, lab, sizeof lab);
    plot_axis_label(d, (size_t)d->map_y, lab2, sizeof lab2);
    snprintf(buf, bufsize,
             "%.80s: the optimal placement over %s and %s (cell borders "
             "along x at the exact breakpoints where known).",
             mname, lab, lab2);
    break;
  case PLOT_BREAKDOWN:
    snprintf(buf, bufsize,
             "%.80s: time of every block of the best placement%s, "
             "coloured by tier, with the transfers between tiers (log time "
             "axis).",
             mname, at);
    break;
  case PLOT_MODELS:
    snprintf(buf, bufsize,
             "Every model%s: the best end-to-end latency and the share of "
             "it spent computing on each tier and transferring.",
             at);
    break;
  case PLOT_PARETO:
    snprintf(buf, bufsize,
             "Purchasing options: price against the weighted latency of the "
             "workload mix; the Pareto-optimal options are joined.");
    break;
  case PLOT_TORNADO:
    snprintf(buf, bufsize,
             "Sensitivity (tornado): the best latency (workload-weighted "
             "mean over the models) when one parameter moves to its low "
             "(blue) or high (orange) value, the others at their base "
             "values; largest effect on top. The numbers are in "
             "sensitivity.csv below.");
    break;
  }
}

/* ---- charts ------------------------------------------------------------ */

static int make_dir(const char *path, ss_error *err) {
  if (mkdir(path, 0777) == 0 || errno == EEXIST) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      return 0;
    return ss_error_set(err, path, NULL, "exists and is not a folder");
  }
  return ss_error_set(err, path, NULL, "cannot create the folder: %s",
                      strerror(errno));
}

static void remove_rendering(const plot_data *d, const char *base) {
  const char *ext[] = {".png", ".svg"};
  for (size_t i = 0; i < 2; i++) {
    char name[200];
    snprintf(name, sizeof name, "%s%s", base, ext[i]);
    char *path = plot_path_join(d->charts, name);
    if (path)
      unlink(path);
    free(path);
  }
}

static int run_charts(const plot_data *d, const plot_plan *p,
                      const plot_options *opt, plot_summary *sum,
                      ss_error *err) {
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
    const plot_chart *c = &p->charts[i];
    if (c->writable) {
      int kept = 0;
      if (plot_write_chart(d, p, c, opt->keep_scripts, &kept,
                           failed ? &scratch : err) != 0) {
        failed = 1;
        continue;
      }
      sum->n_kept += kept != 0;
      remove_rendering(d, c->base);
    } else {
      sum->n_kept++;
    }
    bases[n_bases++] = c->base;
  }
  const char *prog = plot_gnuplot_program(opt);
  snprintf(sum->gnuplot_path, sizeof sum->gnuplot_path, "%s", prog);
  if (!opt->no_render && n_bases) {
    if (!plot_gnuplot_available(opt)) {
      sum->gnuplot_missing = 1;
      snprintf(sum->message, sizeof sum->message,
               "charts skipped: gnuplot was not found (%s%.300s); the "
               "tables, chart data and .gp scripts are written. Install it "
               "(Debian/Ubuntu: apt-get install gnuplot-nox), then run "
               "`splitsim plot` on this output folder.",
               strchr(prog, '/') ? "" : "looked for in PATH: ", prog);
    } else {
      double timeout = opt->timeout_s > 0 ? opt->timeout_s : 60;
      int jobs = opt->jobs;
      if (jobs <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (int)n : 1;
        if (jobs > 8)
          jobs = 8;
      }
      if (plot_render(d->charts, prog, bases, n_bases, jobs, timeout,
                      &sum->n_rendered, failed ? &scratch : err) != 0)
        failed = 1;
    }
  }
  free(bases);
  return failed ? -1 : 0;
}

static int outputs(const char *outdir, const plot_options *opt_in,
                   plot_summary *sum_out, int charts, int report,
                   ss_error *err) {
  plot_options defaults;
  plot_summary local;
  plot_data d;
  plot_plan p;
  int rc = 0;
  ss_error scratch;
  plot_options_init(&defaults);
  const plot_options *opt = opt_in ? opt_in : &defaults;
  plot_summary *sum = sum_out ? sum_out : &local;
  memset(sum, 0, sizeof *sum);
  if (plot_data_load(&d, outdir, opt->point, err) != 0)
    return -1;
  if (plot_plan_make(&p, &d, opt, err) != 0) {
    plot_data_free(&d);
    return -1;
  }
  if (charts && run_charts(&d, &p, opt, sum, err) != 0)
    rc = -1;
  if (report && plot_report_write(&d, &p, opt, charts ? sum : NULL,
                                  rc ? &scratch : err) != 0)
    rc = -1;
  plot_plan_free(&p);
  plot_data_free(&d);
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
