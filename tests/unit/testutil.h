/* Shared helpers for cmocka unit tests. Include after <cmocka.h>. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* cmocka 1.1 has only single-precision float compare: doubles here. */
#define assert_close(a, b, tol)                                                \
  do {                                                                         \
    double a_ = (a), b_ = (b);                                                 \
    if (!(fabs(a_ - b_) <= (tol))) {                                           \
      fail_msg("%s = %.17g, expected %.17g (tol %g)", #a, a_, b_,              \
               (double)(tol));                                                 \
    }                                                                          \
  } while (0)

/* Folder of the shared reference data (../shared/data from the repo root). */
static inline const char *test_shared_dir(void) {
  const char *e = getenv("SPLITSIM_SHARED");
  return e ? e : "../shared/data";
}

/* 1 when ../shared/data/scission exists; otherwise prints the skip line. */
static inline int test_have_scission(void) {
  char p[1024];
  struct stat st;
  snprintf(p, sizeof p, "%s/scission", test_shared_dir());
  if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
    return 1;
  printf("skipped: ../shared/data/scission not found\n");
  return 0;
}

#endif
