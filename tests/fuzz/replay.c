/* Replay corpus files through a fuzz harness without libFuzzer, so that the
 * corpora run under any compiler's sanitizers (`make fuzz-replay`, part of
 * `make check` and `make asan`).
 *
 * usage: replay_<harness> FILE_OR_FOLDER...
 * Every regular file (folders: every file in them, sorted by name, not
 * recursive) is read whole and given to LLVMFuzzerTestOneInput in a buffer of
 * exactly its size, as libFuzzer does. Prints one line with the count. A
 * harness that finds a bug aborts (the sanitizers report it), so reaching the
 * end means every input passed. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz_util.h"

static int verbose;

static int run_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
    len += got;
    if (len == cap) {
      unsigned char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  int bad = ferror(fp);
  fclose(fp);
  if (!buf || bad) {
    fprintf(stderr, "replay: %s: cannot read\n", path);
    free(buf);
    return -1;
  }
  /* An exact-size copy, so that a read past the end is caught. */
  unsigned char *exact = malloc(len ? len : 1);
  if (!exact) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, len);
  free(buf);
  if (verbose)
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int only_files(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(int argc, char **argv) {
  long n = 0;
  int rc = 0;
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    verbose = 1;
    argv++;
    argc--;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: %s [-v] FILE_OR_FOLDER...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (run_file(argv[i]) != 0)
        rc = 1;
      else
        n++;
      continue;
    }
    struct dirent **names = NULL;
    int k = scandir(argv[i], &names, only_files, alphasort);
    if (k < 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
      continue;
    }
    for (int j = 0; j < k; j++) {
      char p[4096];
      snprintf(p, sizeof p, "%s/%s", argv[i], names[j]->d_name);
      if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
        if (run_file(p) != 0)
          rc = 1;
        else
          n++;
      }
      free(names[j]);
    }
    free(names);
  }
  printf("%s: %ld inputs replayed%s\n", argv[0], n,
         rc ? ", some could not be read" : "");
  return rc;
}
