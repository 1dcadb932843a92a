/* Which files of an output folder `splitsim plot` / `report` may write:
 * those its manifest lists and absent ones (common/ss_manifest.h); the
 * manifest follows every file written or removed. */
#include "plot_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/ss_sha256.h"

int plot_owner_open(plot_owner *o, const char *outdir, int force,
                    ss_error *err) {
  o->outdir = outdir;
  o->force = force;
  return ss_manifest_read(&o->m, outdir, err);
}

int plot_owner_close(plot_owner *o, ss_error *err) {
  int rc = ss_manifest_write(&o->m, o->outdir, err);
  ss_manifest_free(&o->m);
  return rc;
}

static char *path_of(const plot_owner *o, const char *rel) {
  return plot_path_join(o->outdir, rel);
}

int plot_owner_exists(const plot_owner *o, const char *rel) {
  char *p = path_of(o, rel);
  struct stat st;
  int yes = p && lstat(p, &st) == 0;
  free(p);
  return yes;
}

int plot_owner_script_ours(const plot_owner *o, const char *rel) {
  return ss_manifest_matches(&o->m, o->outdir, rel);
}

/* Fails when rel is in the way: present, not the manifest's, no force. */
static int need(const plot_owner *o, const char *rel, ss_error *err) {
  if (o->force || ss_manifest_may_write(&o->m, o->outdir, rel))
    return 0;
  return ss_error_set(err, o->outdir, NULL,
                      "holds '%s', which splitsim did not write; nothing was "
                      "written (move it away, or pass --force to replace it)",
                      rel);
}

static int check_chart(const plot_owner *o, const plot_chart *c,
                       const plot_options *opt, ss_error *err) {
  char rel[256];
  static const char *const rendered[] = {".png", ".svg"};
  if (c->writable) {
    snprintf(rel, sizeof rel, "charts/%s.dat", c->base);
    if (need(o, rel, err) != 0)
      return -1;
    snprintf(rel, sizeof rel, "charts/%s.gp", c->base);
    int kept = opt->keep_scripts && plot_owner_exists(o, rel) &&
               !plot_owner_script_ours(o, rel);
    if (!kept && need(o, rel, err) != 0)
      return -1;
  }
  for (size_t k = 0; !opt->no_render && k < 2; k++) {
    snprintf(rel, sizeof rel, "charts/%s%s", c->base, rendered[k]);
    if (need(o, rel, err) != 0)
      return -1;
  }
  return 0;
}

int plot_owner_check(plot_owner *o, const plot_plan *p, const plot_options *opt,
                     int charts, int report, ss_error *err) {
  for (size_t i = 0; charts && i < p->n; i++)
    if (check_chart(o, &p->charts[i], opt, err) != 0)
      return -1;
  if (report &&
      (need(o, "report.html", err) != 0 || need(o, "report.md", err) != 0))
    return -1;
  return 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

int plot_owner_record(plot_owner *o, const char *rel, ss_error *err) {
  char *p = path_of(o, rel);
  struct stat st;
  char hex[65] = "";
  int rc = 0;
  if (!p)
    return ss_error_set(err, o->outdir, NULL, "out of memory");
  if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode))
    ss_manifest_drop(&o->m, rel);
  else if (ends_with(rel, ".gp") && ss_sha256_file(p, hex, err) != 0)
    rc = -1;
  else
    rc = ss_manifest_add(&o->m, rel, hex, err);
  free(p);
  return rc;
}

void plot_owner_remove(plot_owner *o, const char *rel) {
  if (!o->force && !ss_manifest_find(&o->m, rel))
    return;
  if (ss_manifest_may_write(&o->m, o->outdir, rel) || o->force) {
    char *p = path_of(o, rel);
    if (p)
      unlink(p);
    free(p);
  }
  ss_manifest_drop(&o->m, rel);
}
