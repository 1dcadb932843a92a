/* One chart written on its own, outside a scenario output folder:
 * `splitsim predict --chart FILE`. It goes through the same chart kind as
 * the reports (plot_chart_breakdown) with an in-memory plot_data of one
 * model at one point. */
#include "plot_internal.h"
#include "plot_kinds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_PREFIX ".splitsim-tmp-chart-"

/* "png" or "svg" from the file's extension, else NULL. */
static const char *format_of(const char *name) {
  const char *dot = strrchr(name, '.');
  if (!dot)
    return NULL;
  if (strcasecmp(dot, ".png") == 0)
    return "png";
  if (strcasecmp(dot, ".svg") == 0)
    return "svg";
  return NULL;
}

/* 1 when name may go into a gnuplot script's quoted file names as it is. */
static int safe_name(const char *name) {
  if (!name[0] || name[0] == '.' ||
      strlen(name) + 8 > sizeof(((plot_chart *)0)->base))
    return 0;
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || strchr("._+-", *p)))
      return 0;
  return 1;
}

static char *concat(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 1);
  if (s) {
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
  }
  return s;
}

static const char *const suffixes[] = {".dat", ".gp", ""};
#define N_SUFFIXES (sizeof suffixes / sizeof *suffixes)

/* Refuse when any of FILE, FILE.gp, FILE.dat exists (unless force). */
static int check_free(const char *file, int force, ss_error *err) {
  for (size_t i = 0; !force && i < N_SUFFIXES; i++) {
    char *path = concat(file, suffixes[i]);
    struct stat st;
    if (!path)
      return ss_error_oom(err, file, NULL);
    int exists = lstat(path, &st) == 0;
    if (exists) {
      ss_error_set(err, path, NULL,
                   "exists; the chart replaces a file only with --force");
      free(path);
      return -1;
    }
    free(path);
  }
  return 0;
}

/* The chart's script and data in dir/<base>.gp and dir/<base>.dat. */
static int write_files(const plot_data *d, const plot_plan *pl,
                       const plot_chart *c, const char *dir, ss_error *err) {
  char *stem = plot_path_join(dir, c->base);
  char *gp_path = stem ? concat(stem, ".gp") : NULL;
  char *dat_path = stem ? concat(stem, ".dat") : NULL;
  FILE *gp = gp_path ? fopen(gp_path, "wb") : NULL;
  FILE *dat = dat_path ? fopen(dat_path, "wb") : NULL;
  int rc = -1;
  if (!gp || !dat) {
    if (!stem || !gp_path || !dat_path)
      ss_error_oom(err, dir, NULL);
    else
      ss_error_set(err, gp ? dat_path : gp_path, NULL, "cannot write: %s",
                   strerror(errno));
    goto out;
  }
  if (plot_chart_breakdown.write(gp, dat, d, pl, c, err) != 0)
    goto out;
  rc = 0;
out:
  if (gp && (fclose(gp) != 0) && rc == 0)
    rc = ss_error_set(err, gp_path, NULL, "cannot write: %s", strerror(errno));
  if (dat && (fclose(dat) != 0) && rc == 0)
    rc = ss_error_set(err, dat_path, NULL, "cannot write: %s", strerror(errno));
  free(stem);
  free(gp_path);
  free(dat_path);
  return rc;
}

/* Render dir/<base>.gp into dir/<base>, or say why not in sum. */
static int render(const plot_chart *c, const char *dir, const plot_options *opt,
                  plot_summary *sum, ss_error *err) {
  const char *prog = plot_gnuplot_program(opt);
  snprintf(sum->gnuplot_path, sizeof sum->gnuplot_path, "%s", prog);
  sum->n_charts = 1;
  if (opt && opt->no_render)
    return 0;
  if (!plot_gnuplot_available(opt)) {
    sum->gnuplot_missing = 1;
    snprintf(sum->message, sizeof sum->message,
             "chart not drawn: gnuplot was not found (%s%.300s); its data "
             "and .gp script are written. Install it (Debian/Ubuntu: "
             "apt-get install gnuplot-nox) and run gnuplot on the script.",
             strchr(prog, '/') ? "" : "looked for in PATH: ", prog);
    return 0;
  }
  const char *bases[1] = {c->base};
  double timeout = opt && opt->timeout_s > 0 ? opt->timeout_s : 60;
  return plot_render(dir, prog, bases, 1, 1, timeout, &sum->n_rendered, err);
}

/* Move dir/<base><suffix> to file<suffix> for every file made; without
 * force, link + unlink so that nothing that appeared meanwhile is
 * replaced. */
static int move_into_place(const char *dir, const char *base, const char *file,
                           int force, ss_error *err) {
  char *stem = plot_path_join(dir, base);
  int rc = stem ? 0 : ss_error_oom(err, file, NULL);
  for (size_t i = 0; rc == 0 && i < N_SUFFIXES; i++) {
    char *from = concat(stem, suffixes[i]), *to = concat(file, suffixes[i]);
    struct stat st;
    if (!from || !to) {
      rc = ss_error_oom(err, file, NULL);
    } else if (lstat(from, &st) != 0) {
      /* not made (not rendered) */
    } else if (force ? rename(from, to) != 0 : link(from, to) != 0) {
      if (errno == EEXIST)
        rc = ss_error_set(err, to, NULL,
                          "exists; the chart replaces a file only with "
                          "--force");
      else
        rc = ss_error_set(err, to, NULL, "cannot write: %s", strerror(errno));
    }
    free(from);
    free(to);
  }
  free(stem);
  return rc;
}

/* Remove the temporary folder and what is left in it (only names made
 * here: <base>.gp, .dat, the rendering). */
static void remove_tmp(const char *dir, const char *base) {
  char *stem = plot_path_join(dir, base);
  for (size_t i = 0; stem && i < N_SUFFIXES; i++) {
    char *p = concat(stem, suffixes[i]);
    if (p)
      unlink(p);
    free(p);
  }
  free(stem);
  rmdir(dir);
}

/* The in-memory output folder of one model at one point. */
static void fake_data(const plot_breakdown_input *in, char *tmpdir,
                      char **tiers, char **place, plot_model *m, plot_data *d) {
  memset(m, 0, sizeof *m);
  memset(d, 0, sizeof *d);
  m->name = (char *)in->model;
  m->n_places = 1;
  m->places = place;
  m->at.found = 1;
  m->at.place = 0;
  m->at.latency_s = in->latency_s;
  m->at.objective = in->latency_s;
  m->at.compute_s = (double *)in->compute_s;
  m->at.transfer_s = (double *)in->transfer_s;
  m->at.bytes = (double *)in->bytes;
  m->at.return_s = in->return_s;
  d->charts = tmpdir;
  d->name = (char *)in->model;
  d->n_tiers = in->n_tiers;
  d->tiers = tiers;
  d->n_models = 1;
  d->models = m;
  d->n_points = 1;
  d->point_found = 1;
  d->map_x = d->map_y = -1;
}

int plot_breakdown_file(const plot_breakdown_input *in, const char *file,
                        int force, const plot_options *opt, plot_summary *sum,
                        ss_error *err) {
  plot_summary local;
  sum = sum ? sum : &local;
  memset(sum, 0, sizeof *sum);
  const char *slash = strrchr(file, '/');
  const char *name = slash ? slash + 1 : file;
  plot_chart c = {PLOT_BREAKDOWN, 0, 0, "", 1, format_of(name), 0};
  if (!c.single_format)
    return ss_error_set(err, file, NULL,
                        "a chart's name must end in .png or .svg");
  if (!safe_name(name))
    return ss_error_set(err, file, NULL,
                        "a chart's file name may hold only letters, digits "
                        "and . _ + - (not first '.'), at most %zu characters",
                        sizeof c.base - 8);
  snprintf(c.base, sizeof c.base, "%s", name);
  if (check_free(file, force, err) != 0)
    return -1;
  char *dir = slash ? strndup(file, (size_t)(slash - file) + 1) : NULL;
  char *tmpdir = concat(slash ? dir : "", TMP_PREFIX "XXXXXX");
  char **tiers = calloc(in->n_tiers ? in->n_tiers : 1, sizeof *tiers);
  if ((slash && !dir) || !tmpdir || !tiers) {
    free(dir);
    free(tmpdir);
    free(tiers);
    return ss_error_oom(err, file, NULL);
  }
  int rc = -1;
  if (!mkdtemp(tmpdir)) {
    ss_error_set(err, file, NULL,
                 "cannot create a temporary folder beside it: %s",
                 strerror(errno));
    goto out;
  }
  for (size_t t = 0; t < in->n_tiers; t++)
    tiers[t] = (char *)in->tiers[t];
  char *place = (char *)in->placement;
  plot_model m;
  plot_data d;
  fake_data(in, tmpdir, tiers, &place, &m, &d);
  plot_plan pl = {0};
  pl.profiles = (prof_set *)in->profiles;
  char why[400];
  if (!pl.profiles) {
    ss_error_set(err, file, NULL, "cannot draw the breakdown: no profiles");
  } else if (!plot_breakdown_possible(&d, pl.profiles, 0, why, sizeof why)) {
    ss_error_set(err, file, NULL, "cannot draw the breakdown: %s", why);
  } else if (write_files(&d, &pl, &c, tmpdir, err) == 0 &&
             render(&c, tmpdir, opt, sum, err) == 0 &&
             move_into_place(tmpdir, c.base, file, force, err) == 0) {
    rc = 0;
  }
  remove_tmp(tmpdir, c.base);
out:
  free(dir);
  free(tmpdir);
  free(tiers);
  return rc;
}
