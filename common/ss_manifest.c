/* The manifest of an output folder: reading, writing, scanning, and the
 * checks that keep splitsim off files it did not write. */
#include "ss_manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss_dir.h"
#include "ss_io.h"
#include "ss_mem.h"
#include "ss_sha256.h"
#include "ss_tmp.h"

#define HEADER                                                                 \
  "# splitsim manifest 1: the files splitsim wrote in this folder; it "        \
  "replaces or removes only these\n"
#define MAX_MANIFEST_BYTES ((size_t)64 * 1024 * 1024)

void ss_manifest_init(ss_manifest *m) { memset(m, 0, sizeof *m); }

void ss_manifest_free(ss_manifest *m) {
  for (size_t i = 0; i < m->n; i++)
    free(m->e[i].path);
  free(m->e);
  memset(m, 0, sizeof *m);
}

/* Index of the first entry >= key (entries are kept sorted). */
static size_t lower_bound(const ss_manifest *m, const char *key) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(m->e[mid].path, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const ss_manifest_entry *ss_manifest_find(const ss_manifest *m,
                                          const char *path) {
  size_t i = lower_bound(m, path);
  return i < m->n && strcmp(m->e[i].path, path) == 0 ? &m->e[i] : NULL;
}

/* 1 when some entry lies under folder rel ("rel/..."). */
static int has_under(const ss_manifest *m, const char *rel) {
  size_t len = strlen(rel);
  char *key = malloc(len + 2);
  if (!key)
    return 1; /* out of memory: count it as ours, never as foreign */
  memcpy(key, rel, len);
  memcpy(key + len, "/", 2);
  size_t i = lower_bound(m, key);
  int hit = i < m->n && strncmp(m->e[i].path, key, len + 1) == 0;
  free(key);
  return hit;
}

/* A relative path splitsim may have written: '/'-separated non-empty
 * components, none "." or "..", no control characters. */
static int path_ok(const char *p) {
  if (!*p || *p == '/')
    return 0;
  for (const char *s = p; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      return 0;
  const char *c = p;
  for (;;) {
    const char *e = strchr(c, '/');
    size_t n = e ? (size_t)(e - c) : strlen(c);
    if (n == 0 || (n == 1 && c[0] == '.') ||
        (n == 2 && c[0] == '.' && c[1] == '.'))
      return 0;
    if (!e)
      return 1;
    c = e + 1;
  }
}

int ss_manifest_add(ss_manifest *m, const char *path, const char *sha256,
                    ss_error *err) {
  if (!path_ok(path))
    return ss_error_set(err, path, NULL, "not a path splitsim writes");
  size_t i = lower_bound(m, path);
  if (i < m->n && strcmp(m->e[i].path, path) == 0) {
    snprintf(m->e[i].sha256, sizeof m->e[i].sha256, "%s", sha256 ? sha256 : "");
    return 0;
  }
  void *entries = m->e;
  if (ss_grow(&entries, &m->cap, m->n + 1, sizeof *m->e, 64) != 0)
    return ss_error_set(err, path, NULL, "out of memory");
  m->e = entries;
  char *copy = ss_strdup(path);
  if (!copy)
    return ss_error_set(err, path, NULL, "out of memory");
  memmove(m->e + i + 1, m->e + i, (m->n - i) * sizeof *m->e);
  m->e[i].path = copy;
  snprintf(m->e[i].sha256, sizeof m->e[i].sha256, "%s", sha256 ? sha256 : "");
  m->n++;
  return 0;
}

void ss_manifest_drop(ss_manifest *m, const char *path) {
  size_t i = lower_bound(m, path);
  if (i >= m->n || strcmp(m->e[i].path, path) != 0)
    return;
  free(m->e[i].path);
  memmove(m->e + i, m->e + i + 1, (m->n - i - 1) * sizeof *m->e);
  m->n--;
}

/* ---- the file ---------------------------------------------------------- */

static int is_hex64(const char *s) {
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return 1;
}

static int parse_line(ss_manifest *m, char *line, const char *file,
                      size_t lineno, ss_error *err) {
  char where[32];
  snprintf(where, sizeof where, "%zu", lineno);
  const char *sha = NULL, *path = NULL;
  if (line[0] == '-' && line[1] == ' ')
    path = line + 2;
  else if (strlen(line) > 65 && is_hex64(line) && line[64] == ' ') {
    line[64] = '\0';
    sha = line;
    path = line + 65;
  }
  if (!path || !path_ok(path))
    return ss_error_set(err, file, where,
                        "not a manifest line (\"<sha256 or -> <path>\")");
  if (ss_manifest_add(m, path, sha, err) != 0)
    return ss_error_set(err, file, where, "cannot record '%s'", path);
  return 0;
}

int ss_manifest_read(ss_manifest *m, const char *dir, ss_error *err) {
  ss_manifest_init(m);
  char path[4200];
  if ((size_t)snprintf(path, sizeof path, "%s/" SS_MANIFEST_NAME, dir) >=
      sizeof path)
    return ss_error_set(err, dir, NULL, "path too long");
  struct stat st;
  if (lstat(path, &st) != 0 && errno == ENOENT)
    return 0;
  size_t len;
  char *text = ss_read_file(path, MAX_MANIFEST_BYTES, &len, err);
  if (!text)
    return -1;
  if (strlen(text) != len) {
    free(text);
    return ss_error_set(err, path, NULL, "holds a NUL byte");
  }
  m->present = 1;
  size_t lineno = 0;
  int rc = 0;
  for (char *line = text; rc == 0 && *line;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    lineno++;
    if (line[0] && line[0] != '#')
      rc = parse_line(m, line, path, lineno, err);
    line = nl ? nl + 1 : line + strlen(line);
  }
  free(text);
  if (rc != 0)
    ss_manifest_free(m);
  return rc;
}

int ss_manifest_write(const ss_manifest *m, const char *dir, ss_error *err) {
  char path[4200];
  if ((size_t)snprintf(path, sizeof path, "%s/" SS_MANIFEST_NAME, dir) >=
      sizeof path)
    return ss_error_set(err, dir, NULL, "path too long");
  ss_atomic_file af;
  if (ss_atomic_open(&af, path, err) != 0)
    return -1;
  fputs(HEADER, af.fp);
  for (size_t i = 0; i < m->n; i++)
    fprintf(af.fp, "%s %s\n", m->e[i].sha256[0] ? m->e[i].sha256 : "-",
            m->e[i].path);
  return ss_atomic_commit(&af, err);
}

/* ---- walking a folder -------------------------------------------------- */

/* Join a and b with '/' (a may be ""). malloc'd. */
static char *join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 2);
  if (!s)
    return NULL;
  if (la) {
    memcpy(s, a, la);
    s[la] = '/';
    memcpy(s + la + 1, b, lb + 1);
  } else {
    memcpy(s, b, lb + 1);
  }
  return s;
}

/* Entries a walk skips: the manifest at the top, marked temporaries. */
static int skipped(const char *full, const char *rel, const char *name) {
  if (strcmp(rel, SS_MANIFEST_NAME) == 0 || strcmp(rel, SS_TMP_MARKER) == 0)
    return 1;
  return strncmp(name, SS_TMP_PREFIX, strlen(SS_TMP_PREFIX)) == 0 &&
         ss_tmp_is_marked(full);
}

typedef int (*visit_fn)(void *ctx, const char *full, const char *rel,
                        const struct stat *st, int *descend);

/* Depth-first walk in name order; visit may stop it by returning nonzero
 * (returned as is) and chooses whether to descend into a folder. */
static int walk(const char *dir, const char *rel, visit_fn visit, void *ctx,
                ss_error *err) {
  char **names;
  size_t n;
  if (ss_dir_list(dir, NULL, NULL, &names, &n, err) != 0)
    return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    char *full = join(dir, names[i]), *r = join(rel, names[i]);
    struct stat st;
    if (!full || !r) {
      rc = ss_error_set(err, dir, NULL, "out of memory");
    } else if (!skipped(full, r, names[i]) && lstat(full, &st) == 0) {
      int descend = 0;
      rc = visit(ctx, full, r, &st, &descend);
      if (rc == 0 && descend)
        rc = walk(full, r, visit, ctx, err);
    }
    free(full);
    free(r);
  }
  ss_dir_names_free(names, n);
  return rc;
}

typedef struct scan_ctx {
  ss_manifest *m;
  ss_error *err;
} scan_ctx;

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int scan_visit(void *vctx, const char *full, const char *rel,
                      const struct stat *st, int *descend) {
  scan_ctx *c = vctx;
  if (S_ISDIR(st->st_mode)) {
    *descend = 1;
    return 0;
  }
  char hex[65] = "";
  if (ends_with(rel, ".gp") && ss_sha256_file(full, hex, c->err) != 0)
    return -1;
  return ss_manifest_add(c->m, rel, hex, c->err);
}

int ss_manifest_scan(ss_manifest *m, const char *dir, ss_error *err) {
  scan_ctx c = {m, err};
  return walk(dir, "", scan_visit, &c, err);
}

typedef struct foreign_ctx {
  const ss_manifest *m;
  char *rel;
  size_t relsize;
} foreign_ctx;

static int foreign_visit(void *vctx, const char *full, const char *rel,
                         const struct stat *st, int *descend) {
  foreign_ctx *c = vctx;
  (void)full;
  int is_dir = S_ISDIR(st->st_mode);
  if (is_dir ? has_under(c->m, rel) : ss_manifest_find(c->m, rel) != NULL) {
    *descend = is_dir;
    return 0;
  }
  snprintf(c->rel, c->relsize, "%s%s", rel, is_dir ? "/" : "");
  return 1;
}

int ss_manifest_first_foreign(const ss_manifest *m, const char *dir, char *rel,
                              size_t relsize, ss_error *err) {
  foreign_ctx c = {m, rel, relsize};
  rel[0] = '\0';
  return walk(dir, "", foreign_visit, &c, err);
}

/* 1 when every folder on the way from dir to dir/rel is a real folder (no
 * symbolic link leads splitsim out of the output folder). */
static int parents_real(const char *dir, const char *rel) {
  char *p = join(dir, rel);
  if (!p)
    return 0;
  int ok = 1;
  for (char *s = p + strlen(dir) + 1; ok && (s = strchr(s, '/')) != NULL; s++) {
    *s = '\0';
    struct stat st;
    ok = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
    *s = '/';
  }
  free(p);
  return ok;
}

int ss_manifest_may_write(const ss_manifest *m, const char *dir,
                          const char *rel) {
  if (ss_manifest_find(m, rel))
    return parents_real(dir, rel);
  char *p = join(dir, rel);
  struct stat st;
  int absent = p && lstat(p, &st) != 0 && errno == ENOENT;
  free(p);
  return absent;
}

int ss_manifest_matches(const ss_manifest *m, const char *dir,
                        const char *rel) {
  const ss_manifest_entry *e = ss_manifest_find(m, rel);
  if (!e || !e->sha256[0] || !parents_real(dir, rel))
    return 0;
  char *p = join(dir, rel);
  struct stat st;
  char hex[65];
  int ok = p && lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
           ss_sha256_file(p, hex, NULL) == 0 && strcmp(hex, e->sha256) == 0;
  free(p);
  return ok;
}

/* Remove the folders of rel's path (deepest first) that are empty. */
static void remove_empty_parents(const char *dir, const char *rel) {
  char *p = join(dir, rel);
  if (!p)
    return;
  size_t base = strlen(dir);
  for (char *s = strrchr(p, '/'); s && (size_t)(s - p) > base;
       s = strrchr(p, '/')) {
    *s = '\0';
    if (rmdir(p) != 0)
      break;
  }
  free(p);
}

int ss_manifest_remove_files(const ss_manifest *m, const char *dir,
                             int remove_dir, ss_error *err) {
  for (size_t i = 0; i < m->n; i++) {
    if (!parents_real(dir, m->e[i].path))
      continue;
    char *p = join(dir, m->e[i].path);
    struct stat st;
    if (!p)
      return ss_error_set(err, dir, NULL, "out of memory");
    if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(p) != 0) {
      int e = errno;
      ss_error_set(err, p, NULL, "cannot remove: %s", strerror(e));
      free(p);
      return -1;
    }
    free(p);
    remove_empty_parents(dir, m->e[i].path);
  }
  char mp[4200];
  snprintf(mp, sizeof mp, "%s/" SS_MANIFEST_NAME, dir);
  if (unlink(mp) != 0 && errno != ENOENT)
    return ss_error_set(err, mp, NULL, "cannot remove: %s", strerror(errno));
  if (remove_dir && rmdir(dir) != 0) {
    int e = errno;
    ss_manifest none;
    ss_manifest_init(&none);
    char rel[1024];
    if (ss_manifest_first_foreign(&none, dir, rel, sizeof rel, NULL) == 1)
      return ss_error_set(err, dir, NULL,
                          "cannot remove the old output: it holds '%s', "
                          "which splitsim did not write",
                          rel);
    return ss_error_set(err, dir, NULL, "cannot remove the old output: %s",
                        strerror(e));
  }
  return 0;
}

int ss_manifest_note(const char *dir, const char *rel, ss_error *err) {
  ss_manifest m;
  if (ss_manifest_read(&m, dir, err) != 0)
    return -1;
  int rc = 0;
  if (!ss_manifest_find(&m, rel) && (ss_manifest_add(&m, rel, NULL, err) != 0 ||
                                     ss_manifest_write(&m, dir, err) != 0))
    rc = -1;
  ss_manifest_free(&m);
  return rc;
}

/* ---- single files in a user's folder ------------------------------------ */

/* Split path into its folder and its name. */
static int split_path(const char *path, char *dir, size_t dirsize,
                      const char **name) {
  const char *slash = strrchr(path, '/');
  *name = slash ? slash + 1 : path;
  if (!slash)
    return snprintf(dir, dirsize, ".") < 0 ? -1 : 0;
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  if (n >= dirsize)
    return -1;
  memcpy(dir, path, n);
  dir[n] = '\0';
  return 0;
}

int ss_manifest_file_ours(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT;
  char dir[4096];
  const char *name;
  ss_manifest m;
  if (split_path(path, dir, sizeof dir, &name) != 0 ||
      ss_manifest_read(&m, dir, NULL) != 0)
    return 0;
  int ours = ss_manifest_matches(&m, dir, name);
  ss_manifest_free(&m);
  return ours;
}

int ss_manifest_record(const char *const *paths, size_t n, ss_error *err) {
  if (n == 0)
    return 0;
  char dir[4096];
  const char *name;
  ss_manifest m;
  if (split_path(paths[0], dir, sizeof dir, &name) != 0)
    return ss_error_set(err, paths[0], NULL, "path too long");
  if (ss_manifest_read(&m, dir, err) != 0)
    return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    char hex[65];
    split_path(paths[i], dir, sizeof dir, &name);
    rc = ss_sha256_file(paths[i], hex, err);
    if (rc == 0)
      rc = ss_manifest_add(&m, name, hex, err);
  }
  if (rc == 0)
    rc = ss_manifest_write(&m, dir, err);
  ss_manifest_free(&m);
  return rc;
}
