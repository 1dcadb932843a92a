/* Picking an importer by file name, and loading a whole profile set from a
 * store, a folder of Scission files or one file. */
#define _POSIX_C_SOURCE 200809L
#include "import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "../common/ss_dir.h"
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

/* What a file in a profile folder is. */
typedef enum {
  ENTRY_SKIP,    /* not a profile (other extension, hidden) */
  ENTRY_DAT,     /* Scission <tier>-<name>.dat */
  ENTRY_CSV,     /* measured CSV */
  ENTRY_JSON,    /* splitsim JSON profile */
  ENTRY_NETWORK, /* a network table (source,destination,...) */
  ENTRY_SIDECAR  /* X.json beside X.csv: read with the CSV */
} entry_kind;

static int has_ext(const char *name, const char *ext) {
  size_t n = strlen(name), e = strlen(ext);
  return n > e && strcasecmp(name + n - e, ext) == 0;
}

/* 1 when the file's first line starts like a network table. */
static int is_network_table(const char *path) {
  char head[64] = "";
  FILE *fp = fopen(path, "r");
  if (!fp)
    return 0;
  if (!fgets(head, sizeof head, fp))
    head[0] = '\0';
  fclose(fp);
  const char *h = head;
  if (strncmp(h, "\xef\xbb\xbf", 3) == 0) /* UTF-8 byte-order mark */
    h += 3;
  return strncasecmp(h, "source,destination", 18) == 0;
}

static entry_kind classify(const char *dir, const char *name,
                           char *const *names, size_t n) {
  char path[4096];
  if (name[0] == '.')
    return ENTRY_SKIP;
  if (is_scission_name(name))
    return ENTRY_DAT;
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
    return ENTRY_SKIP;
  if (has_ext(name, ".csv"))
    return is_network_table(path) ? ENTRY_NETWORK : ENTRY_CSV;
  if (!has_ext(name, ".json"))
    return ENTRY_SKIP;
  size_t stem = strlen(name) - 5;
  for (size_t i = 0; i < n; i++)
    if (strlen(names[i]) == stem + 4 && strncmp(names[i], name, stem) == 0 &&
        has_ext(names[i], ".csv"))
      return ENTRY_SIDECAR;
  return ENTRY_JSON;
}

static int load_entry(const char *dir, const char *name, entry_kind k,
                      prof_set *set, ss_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  prof_set *one = prof_set_new();
  if (!one)
    return ss_error_oom(err, dir, NULL);
  int rc = (k == ENTRY_DAT   ? prof_import_scission_dat(path, one, err)
            : k == ENTRY_CSV ? prof_import_measured_csv(path, one, err)
                             : prof_import_json(path, one, err)) != 0 ||
                   put_all(set, one, path, err) != 0
               ? -1
               : 0;
  prof_set_free(one);
  return rc;
}

static int load_folder(const char *dir, prof_set *set, prof_folder_found *f,
                       ss_error *err) {
  char **names = NULL;
  size_t n = 0;
  prof_folder_found local;
  if (!f)
    f = &local;
  memset(f, 0, sizeof *f);
  if (ss_dir_list(dir, ss_dir_keep_files, NULL, &names, &n, err) != 0)
    return -1;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    entry_kind k = classify(dir, names[i], names, n);
    f->n_dat += k == ENTRY_DAT;
    f->n_csv += k == ENTRY_CSV;
    f->n_json += k == ENTRY_JSON;
    f->n_network += k == ENTRY_NETWORK;
    if (k == ENTRY_DAT || k == ENTRY_CSV || k == ENTRY_JSON)
      rc = load_entry(dir, names[i], k, set, err);
  }
  if (rc == 0 && f->n_dat + f->n_csv + f->n_json == 0)
    rc = ss_error_set(err, dir, NULL,
                      "no profiles in this folder (looked for Scission "
                      "<tier>-<name>.dat, measured .csv with their .json, "
                      "and splitsim .json files)");
  ss_dir_names_free(names, n);
  return rc;
}

int prof_load_folder(const char *dir, prof_set **out, prof_folder_found *found,
                     ss_error *err) {
  *out = NULL;
  prof_set *set = prof_set_new();
  if (!set)
    return ss_error_oom(err, dir, NULL);
  if (load_folder(dir, set, found, err) != 0) {
    prof_set_free(set);
    return -1;
  }
  *out = set;
  return 0;
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
    if (load_folder(path, set, NULL, err) != 0)
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
