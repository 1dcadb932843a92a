#include "ss_dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ss_mem.h"

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void ss_dir_names_free(char **names, size_t n) {
  if (!names)
    return;
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

int ss_dir_list(const char *dir, ss_dir_keep_fn keep, const void *ctx,
                char ***names, size_t *n, ss_error *err) {
  *names = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d)
    return ss_error_setk(err, SS_ERR_IO, dir, NULL, "cannot open folder: %s",
                         strerror(errno));
  char **v = NULL;
  size_t count = 0, cap = 0;
  int oom = 0;
  struct dirent *de;
  while (!oom && (de = readdir(d)) != NULL) {
    const char *name = de->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        (keep && !keep(dir, name, ctx)))
      continue;
    if (ss_grow((void **)&v, &cap, count + 1, sizeof *v, 16) != 0 ||
        !(v[count] = ss_strdup(name)))
      oom = 1;
    else
      count++;
  }
  closedir(d);
  if (oom) {
    ss_dir_names_free(v, count);
    return ss_error_oom(err, dir, NULL);
  }
  if (count > 1) /* qsort(NULL, 0) is undefined behaviour */
    qsort(v, count, sizeof *v, cmp_names);
  *names = v;
  *n = count;
  return 0;
}

int ss_dir_keep_files(const char *dir, const char *name, const void *ctx) {
  (void)ctx;
  char path[4096];
  struct stat st;
  int len = snprintf(path, sizeof path, "%s/%s", dir, name);
  return len >= 0 && (size_t)len < sizeof path && stat(path, &st) == 0 &&
         S_ISREG(st.st_mode);
}

int ss_dir_keep_suffix(const char *dir, const char *name, const void *suffix) {
  (void)dir;
  size_t n = strlen(name), k = strlen(suffix);
  return n >= k && strcmp(name + n - k, suffix) == 0;
}
