/* Marked temporary folders, their sweeping, and temporary files in them. */
#define _DEFAULT_SOURCE /* flock, mkdtemp */
#include "ss_tmp.h"

#include "ss_mem.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK_TEXT "splitsim temporary folder "

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- removing ---------------------------------------------------------- */

static int remove_children(const char *path, ss_error *err) {
  DIR *d = opendir(path);
  if (!d)
    return ss_error_set(err, path, NULL, "cannot open folder: %s",
                        strerror(errno));
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    size_t len = strlen(path) + strlen(de->d_name) + 2;
    char *child = malloc(len);
    if (!child) {
      rc = ss_error_set(err, path, NULL, "out of memory");
      break;
    }
    snprintf(child, len, "%s/%s", path, de->d_name);
    rc = ss_remove_tree(child, err);
    free(child);
  }
  closedir(d);
  return rc;
}

int ss_remove_tree(const char *path, ss_error *err) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT ? 0
                           : ss_error_set(err, path, NULL, "cannot remove: %s",
                                          strerror(errno));
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) != 0)
      return ss_error_set(err, path, NULL, "cannot remove: %s",
                          strerror(errno));
    return 0;
  }
  if (remove_children(path, err) != 0)
    return -1;
  if (rmdir(path) != 0)
    return ss_error_set(err, path, NULL, "cannot remove folder: %s",
                        strerror(errno));
  return 0;
}

/* ---- the marker -------------------------------------------------------- */

static const char *base_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

typedef enum { MARKER_PROVEN, MARKER_UNFINISHED } marker_state;

/* Open dir's marker when its text is in the state asked for: PROVEN, the
 * whole MARK_TEXT + the folder's own name (splitsim made dir); UNFINISHED,
 * a shorter start of it (a creation cut short between the marker's open and
 * its last byte). A regular file only. Returns the fd or -1. */
static int open_marker(const char *dir, marker_state want_state) {
  char mp[4200], want[300], got[300];
  if ((size_t)snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, dir) >= sizeof mp)
    return -1;
  int fd = open(mp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  struct stat st;
  int n = snprintf(want, sizeof want, MARK_TEXT "%s\n", base_of(dir));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || n <= 0 ||
      (size_t)n >= sizeof want ||
      !(want_state == MARKER_PROVEN ? st.st_size == n : st.st_size < n) ||
      read(fd, got, (size_t)st.st_size) != st.st_size ||
      memcmp(got, want, (size_t)st.st_size) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int ss_tmp_is_marked(const char *dir) {
  struct stat st;
  if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return 0;
  int fd = open_marker(dir, MARKER_PROVEN);
  if (fd < 0)
    return 0;
  close(fd);
  return 1;
}

/* 1 when name is what mkdtemp makes of SS_TMP_PREFIX "XXXXXX". */
static int mkdtemp_name(const char *name) {
  size_t n = strlen(SS_TMP_PREFIX);
  if (strncmp(name, SS_TMP_PREFIX, n) != 0 || strlen(name) != n + 6)
    return 0;
  for (const char *c = name + n; *c; c++)
    if (!isalnum((unsigned char)*c))
      return 0;
  return 1;
}

/* A folder of mkdtemp's name whose creation was cut short: it holds
 * nothing, or only an unfinished marker whose lock is free. Removed with
 * unlink + rmdir, which cannot take anything else with them. */
static int sweep_unfinished(const char *path) {
  DIR *d = opendir(path);
  if (!d)
    return 0;
  size_t entries = 0, markers = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
      entries++;
      markers += strcmp(de->d_name, SS_TMP_MARKER) == 0;
    }
  closedir(d);
  if (entries != markers)
    return 0;
  if (markers == 0)
    return rmdir(path) == 0;
  int fd = open_marker(path, MARKER_UNFINISHED);
  if (fd < 0)
    return 0;
  int removed = 0;
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
    char mp[4300];
    removed = (size_t)snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, path) <
                  sizeof mp &&
              unlink(mp) == 0 && rmdir(path) == 0;
  }
  close(fd);
  return removed;
}

size_t ss_tmp_sweep(const char *parent) {
  DIR *d = opendir(parent);
  if (!d)
    return 0;
  size_t removed = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (strncmp(de->d_name, SS_TMP_PREFIX, strlen(SS_TMP_PREFIX)) != 0)
      continue;
    char path[4200];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", parent, de->d_name) >=
            sizeof path ||
        lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
      continue;
    int fd = open_marker(path, MARKER_PROVEN);
    if (fd < 0) {
      removed += mkdtemp_name(de->d_name) ? (size_t)sweep_unfinished(path) : 0;
      continue;
    }
    /* Free lock: the process that made it is gone. Keep the lock while
     * removing so that two sweeps do not race. */
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && ss_remove_tree(path, NULL) == 0)
      removed++;
    close(fd);
  }
  closedir(d);
  return removed;
}

void ss_tmp_drop_stale_marker(const char *dir) {
  char mp[4200], got[300];
  if ((size_t)snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, dir) >= sizeof mp)
    return;
  int fd = open(mp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return;
  size_t head = strlen(MARK_TEXT);
  struct stat st;
  ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                      st.st_size < (off_t)sizeof got
                  ? read(fd, got, sizeof got - 1)
                  : -1;
  if (n > (ssize_t)head && got[n - 1] == '\n') {
    got[n - 1] = '\0';
    if (memcmp(got, MARK_TEXT, head) == 0 && mkdtemp_name(got + head) &&
        flock(fd, LOCK_EX | LOCK_NB) == 0)
      unlink(mp);
  }
  close(fd);
}

/* Sweep each parent once per process (a plot writes thousands of files). */
static void sweep_once(const char *parent) {
  static char *seen[32];
  static size_t n_seen;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < n_seen; i++)
    if (strcmp(seen[i], parent) == 0) {
      pthread_mutex_unlock(&lock);
      return;
    }
  if (n_seen < sizeof seen / sizeof *seen && (seen[n_seen] = ss_strdup(parent)))
    n_seen++;
  pthread_mutex_unlock(&lock);
  ss_tmp_sweep(parent);
}

/* ---- folders ----------------------------------------------------------- */

/* One try at a marked folder: 0 done, 1 a concurrent sweep took it away
 * before its marker was complete (try again), -1 error (errno). */
static int try_create(char *path, size_t size, const char *parent,
                      int *fd_out) {
  char mp[4200], text[300];
  snprintf(path, size, "%s/" SS_TMP_PREFIX "XXXXXX", parent);
  if (!mkdtemp(path))
    return -1;
  snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, path);
  int fd = open(mp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return errno == ENOENT ? 1 : (rmdir(path), -1);
  int n = snprintf(text, sizeof text, MARK_TEXT "%s\n", base_of(path));
  struct stat mine, there;
  if (flock(fd, LOCK_EX) != 0 || write(fd, text, (size_t)n) != n) {
    int e = errno;
    close(fd);
    unlink(mp);
    rmdir(path);
    errno = e;
    return -1;
  }
  /* A sweep that found the marker unfinished may have removed it. */
  if (fstat(fd, &mine) != 0 || stat(mp, &there) != 0 ||
      mine.st_ino != there.st_ino || mine.st_dev != there.st_dev) {
    close(fd);
    return 1;
  }
  *fd_out = fd;
  return 0;
}

int ss_tmpdir_create(ss_tmpdir *t, const char *parent, ss_error *err) {
  t->path[0] = '\0';
  t->lock_fd = -1;
  sweep_once(parent);
  char path[sizeof t->path];
  if (strlen(parent) + strlen("/" SS_TMP_PREFIX "XXXXXX") >= sizeof path)
    return ss_error_set(err, parent, NULL, "path too long");
  int rc = 1, fd = -1;
  for (int tries = 0; rc == 1 && tries < 16; tries++)
    rc = try_create(path, sizeof path, parent, &fd);
  if (rc != 0)
    return ss_error_set(err, parent, NULL,
                        "cannot create a temporary folder: %s",
                        rc < 0 ? strerror(errno) : "removed while made");
  memcpy(t->path, path, sizeof path);
  t->lock_fd = fd;
  return 0;
}

void ss_tmpdir_unmark(ss_tmpdir *t) {
  if (t->lock_fd < 0)
    return;
  char mp[sizeof t->path + 32];
  snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, t->path);
  unlink(mp);
  close(t->lock_fd);
  t->lock_fd = -1;
}

int ss_tmpdir_move(ss_tmpdir *t, const char *to) {
  if (rename(t->path, to) != 0)
    return -1;
  char mp[sizeof t->path + 32];
  if ((size_t)snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, to) < sizeof mp)
    unlink(mp);
  if (t->lock_fd >= 0)
    close(t->lock_fd);
  t->lock_fd = -1;
  t->path[0] = '\0';
  return 0;
}

int ss_tmpdir_remove(ss_tmpdir *t, ss_error *err) {
  if (!t->path[0])
    return 0;
  int rc = ss_remove_tree(t->path, err);
  if (t->lock_fd >= 0)
    close(t->lock_fd);
  t->lock_fd = -1;
  t->path[0] = '\0';
  return rc;
}

/* ---- temporary files: a registry of this process's ---------------------- */

typedef struct tmp_node {
  struct tmp_node *next;
  ss_tmpdir dir;
  char file[4200];
} tmp_node;

static tmp_node *live;

int ss_temp_path_for(const char *path, char *tmp, size_t tmpsize,
                     ss_error *err) {
  tmp_node *node = calloc(1, sizeof *node);
  if (!node)
    return ss_error_set(err, path, NULL, "out of memory");
  char parent[4096];
  const char *slash = strrchr(path, '/');
  if (!slash)
    strcpy(parent, ".");
  else if (slash == path)
    strcpy(parent, "/");
  else if ((size_t)(slash - path) < sizeof parent)
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
  else {
    free(node);
    return ss_error_set(err, path, NULL, "path too long");
  }
  if (ss_tmpdir_create(&node->dir, parent, err) != 0) {
    free(node);
    if (err) /* the error names the file being written */
      snprintf(err->file, sizeof err->file, "%s", path);
    return -1;
  }
  int n = snprintf(node->file, sizeof node->file, "%s/%s", node->dir.path,
                   base_of(path));
  int fd = n > 0 && (size_t)n < tmpsize && (size_t)n < sizeof node->file
               ? open(node->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
               : -1;
  if (fd < 0) {
    int e = errno;
    ss_tmpdir_remove(&node->dir, NULL);
    free(node);
    return n > 0 && (size_t)n < tmpsize
               ? ss_error_set(err, path, NULL,
                              "cannot create temporary file: %s", strerror(e))
               : ss_error_set(err, path, NULL, "path too long");
  }
  close(fd);
  memcpy(tmp, node->file, (size_t)n + 1);
  pthread_mutex_lock(&lock);
  node->next = live;
  live = node;
  pthread_mutex_unlock(&lock);
  return 0;
}

static tmp_node *take(const char *tmp) {
  pthread_mutex_lock(&lock);
  tmp_node **pp = &live, *hit = NULL;
  for (; *pp; pp = &(*pp)->next)
    if (strcmp((*pp)->file, tmp) == 0) {
      hit = *pp;
      *pp = hit->next;
      break;
    }
  pthread_mutex_unlock(&lock);
  return hit;
}

void ss_temp_discard(const char *tmp) {
  tmp_node *node = take(tmp);
  if (!node) {
    unlink(tmp);
    return;
  }
  ss_tmpdir_remove(&node->dir, NULL);
  free(node);
}

void ss_temp_done(const char *tmp) { ss_temp_discard(tmp); }

void ss_temp_discard_all(void) {
  for (;;) {
    pthread_mutex_lock(&lock);
    tmp_node *node = live;
    if (node)
      live = node->next;
    pthread_mutex_unlock(&lock);
    if (!node)
      return;
    ss_tmpdir_remove(&node->dir, NULL);
    free(node);
  }
}
