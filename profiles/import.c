/* Picking an importer by file name, and loading a whole profile set from a
 * store, a folder of Scission files or one file. */
#define _POSIX_C_SOURCE 200809L
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "import_internal.h"
#include "store.h"

void prof_today_utc(char *buf) {
  time_t now = time(NULL);
  struct tm tm;
  if (now == (time_t)-1 || !gmtime_r(&now, &tm)) {
    strcpy(buf, "1970-01-01");
    return;
  }
  if (strftime(buf, 11, "%Y-%m-%d", &tm) == 0)
    strcpy(buf, "1970-01-01");
}

int prof_set_move_all(prof_set *from, prof_set *to) {
  if (from->n_systems == 0)
    return 0;
  prof_system *ns =
      realloc(to->systems, (to->n_systems + from->n_systems) * sizeof *ns);
  if (!ns)
    return -1;
  to->systems = ns;
  memcpy(to->systems + to->n_systems, from->systems,
         from->n_systems * sizeof *ns);
  to->n_systems += from->n_systems;
  free(from->systems);
  from->systems = NULL;
  from->n_systems = 0;
  return 0;
}

/* The extension of the last path component ("" when none). */
static const char *extension(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(path, '.');
  if (!dot || (slash && dot < slash))
    return "";
  return dot;
}

int prof_import_file(const char *path, prof_set *out, ss_error *err) {
  const char *ext = extension(path);
  if (strcasecmp(ext, ".dat") == 0)
    return prof_import_scission_dat(path, out, err);
  if (strcasecmp(ext, ".csv") == 0)
    return prof_import_measured_csv(path, out, err);
  if (strcasecmp(ext, ".json") == 0)
    return prof_import_json(path, out, err);
  return ss_error_set(err, path, NULL,
                      "unknown profile format '%s' (expected a Scission .dat, "
                      "a measured .csv, a splitsim .json or an HDF5 store)",
                      ext);
}

/* Put every system of from into set (boundary checks); a name seen twice
 * is an error since the second would silently replace the first. */
static int put_all(prof_set *set, prof_set *from, const char *path,
                   ss_error *err) {
  ss_error e;
  for (size_t i = 0; i < from->n_systems; i++) {
    prof_system *s = &from->systems[i];
    const prof_system *old = prof_set_find_system(set, s->name);
    if (old)
      return ss_error_set(err, path, NULL,
                          "system '%s' is loaded twice (also from %s)", s->name,
                          old->source_file ? old->source_file : "?");
    ss_error_clear(&e);
    if (prof_set_put_system(set, s, NULL, &e) != 0)
      return ss_error_set(err, path, NULL, "%s", e.msg);
  }
  return 0;
}

/* A Scission `*-*.dat` name (not hidden). */
static int is_scission_name(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '.' || n < 5 || strcmp(name + n - 4, ".dat") != 0)
    return 0;
  const char *dash = strchr(name, '-');
  return dash && dash < name + n - 4;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_folder(const char *dir, prof_set *set, ss_error *err) {
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = -1;
  char path[4096];
  DIR *d = opendir(dir);
  if (!d)
    return ss_error_set(err, dir, NULL, "cannot open folder: %s",
                        strerror(errno));
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (!is_scission_name(de->d_name))
      continue;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      char **nn = realloc(names, ncap * sizeof *nn);
      if (!nn)
        goto oom;
      names = nn;
      cap = ncap;
    }
    if (!(names[n] = strdup(de->d_name)))
      goto oom;
    n++;
  }
  closedir(d);
  d = NULL;
  if (n == 0) {
    ss_error_set(err, dir, NULL,
                 "no Scission profiles (*-*.dat files) in this folder");
    goto done;
  }
  qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (len < 0 || (size_t)len >= sizeof path) {
      ss_error_set(err, dir, NULL, "path too long: %s", names[i]);
      goto done;
    }
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue; /* a folder named like a profile */
    prof_set *one = prof_set_new();
    if (!one)
      goto oom;
    if (prof_import_scission_dat(path, one, err) != 0 ||
        put_all(set, one, path, err) != 0) {
      prof_set_free(one);
      goto done;
    }
    prof_set_free(one);
  }
  rc = 0;
  goto done;
oom:
  ss_error_oom(err, dir, NULL);
done:
  if (d)
    closedir(d);
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return rc;
}

int prof_load_path(const char *path, prof_set **out, ss_error *err) {
  struct stat st;
  *out = NULL;
  if (stat(path, &st) != 0)
    return ss_error_set(err, path, NULL, "cannot open: %s", strerror(errno));
  if (!S_ISDIR(st.st_mode) && prof_store_is_hdf5(path))
    return prof_store_read(path, out, err);
  prof_set *set = prof_set_new(), *one = NULL;
  if (!set)
    return ss_error_oom(err, path, NULL);
  if (S_ISDIR(st.st_mode)) {
    if (load_folder(path, set, err) != 0)
      goto fail;
  } else {
    if (!(one = prof_set_new())) {
      ss_error_oom(err, path, NULL);
      goto fail;
    }
    if (prof_import_file(path, one, err) != 0 ||
        put_all(set, one, path, err) != 0)
      goto fail;
    prof_set_free(one);
  }
  *out = set;
  return 0;
fail:
  prof_set_free(one);
  prof_set_free(set);
  return -1;
}
