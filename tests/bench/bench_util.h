/* What every C benchmark needs: clocks and a one-line fatal error. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/ss_error.h"

static inline double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall-clock seconds (monotonic). */
static inline double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

/* CPU seconds of this process, all threads. */
static inline double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

/* "<bench>: <what>: <error>" on stderr, exit 1. */
static inline void bench_die(const char *bench, const char *what,
                             const ss_error *err) {
  char buf[2048] = "";
  if (err)
    ss_error_format(err, buf, sizeof buf);
  fprintf(stderr, "%s: %s: %s\n", bench, what, buf);
  exit(1);
}

#endif
