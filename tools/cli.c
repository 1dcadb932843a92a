#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../profiles/import.h"
#include "../profiles/store.h"

void cli_print_error(const ss_error *err) {
  char buf[2048];
  ss_error_format(err, buf, sizeof buf);
  fprintf(stderr, "splitsim: %s\n", buf);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "splitsim %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'splitsim %s --help'.\n", cmd);
  return 2;
}

int cli_load_profiles(const char *path, prof_set **out) {
  ss_error err;
  ss_error_clear(&err);
  struct stat st;
  int rc;
  prof_store_info info = {0, 0};
  if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode) &&
      prof_store_is_hdf5(path)) {
    rc = prof_store_read_info(path, out, &info, &err);
    if (rc == 0 && !info.checksummed)
      fprintf(stderr,
              "splitsim: %s: note: a format version %d store has no "
              "checksums, so damage to it can go unnoticed; 'splitsim import "
              "-o NEW.h5 %s' writes a checked copy\n",
              path, info.format_version, path);
  } else {
    rc = prof_load_path(path, out, &err);
  }
  if (rc != 0)
    cli_print_error(&err);
  return rc == 0 ? 0 : 1;
}
