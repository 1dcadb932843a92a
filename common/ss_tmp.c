/* Marked temporary folders, their sweeping, and temporary files in them. */
#define _DEFAULT_SOURCE /* flock, mkdtemp */
#include "ss_tmp.h"

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

/* Open dir's marker when it proves splitsim made dir: a regular file whose
 * text is MARK_TEXT + the folder's own name. Returns the fd or -1. */
static int open_proven_marker(const char *dir) {
  char mp[4200];
  if ((size_t)snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, dir) >= sizeof mp)
    return -1;
  int fd = open(mp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  struct stat st;
  char want[300], got[300];
  int n = snprintf(want, sizeof want, MARK_TEXT "%s\n", base_of(dir));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || n <= 0 ||
      (size_t)n >= sizeof want || st.st_size != n ||
      read(fd, got, (size_t)n) != n || memcmp(got, want, (size_t)n) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int ss_tmp_is_marked(const char *dir) {
  struct stat st;
  if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return 0;
  int fd = open_proven_marker(dir);
  if (fd < 0)
    return 0;
  close(fd);
  return 1;
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
    int fd = open_proven_marker(path);
    if (fd < 0)
      continue;
    /* Free lock: the process that made it is gone. Keep the lock while
     * removing so that two sweeps do not race. */
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && ss_remove_tree(path, NULL) == 0)
      removed++;
    close(fd);
  }
  closedir(d);
  return removed;
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
  if (n_seen < sizeof seen / sizeof *seen && (seen[n_seen] = strdup(parent)))
    n_seen++;
  pthread_mutex_unlock(&lock);
  ss_tmp_sweep(parent);
}

/* ---- folders ----------------------------------------------------------- */

int ss_tmpdir_create(ss_tmpdir *t, const char *parent, ss_error *err) {
  t->path[0] = '\0';
  t->lock_fd = -1;
  sweep_once(parent);
  char path[sizeof t->path], mp[sizeof t->path + 32];
  if ((size_t)snprintf(path, sizeof path, "%s/" SS_TMP_PREFIX "XXXXXX",
                       parent) >= sizeof path)
    return ss_error_set(err, parent, NULL, "path too long");
  if (!mkdtemp(path))
    return ss_error_set(err, parent, NULL,
                        "cannot create a temporary folder: %s",
                        strerror(errno));
  snprintf(mp, sizeof mp, "%s/" SS_TMP_MARKER, path);
  int fd = open(mp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  char text[300];
  int n = snprintf(text, sizeof text, MARK_TEXT "%s\n", base_of(path));
  if (fd < 0 || flock(fd, LOCK_EX) != 0 || write(fd, text, (size_t)n) != n) {
    int e = errno;
    if (fd >= 0)
      close(fd);
    unlink(mp);
    rmdir(path);
    return ss_error_set(err, parent, NULL,
                        "cannot create a temporary folder: %s", strerror(e));
  }
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
