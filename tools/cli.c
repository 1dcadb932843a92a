#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

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
