/* Fuzz harness: the scenario loader (scenarios/: libyaml events, the node
 * tree and every check of scenario.c), fed YAML or JSON text in memory.
 *
 * Relative paths resolve against the scratch folder, which holds `p.h5` and
 * `net.csv` (empty files) and the folder `dats`, so that inputs naming them
 * get past the path checks. A scenario that loads must copy to an equal one,
 * write out as resolved YAML that loads back to an equal one, and give sweep
 * points for its first and last index. */
#define _POSIX_C_SOURCE 200809L
#include "tests/fuzz/fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "scenarios/scenario.h"

static void setup(void) {
  static int done;
  if (done)
    return;
  fz_write("p.h5", "", 0);
  fz_write("net.csv", "", 0);
  mkdir(fz_path("dats"), 0700);
  done = 1;
}

static void check_loaded(scn_scenario *s) {
  ss_error err;
  ss_error_clear(&err);
  scn_scenario *c = scn_copy(s);
  if (!c)
    fz_fail("scn_copy failed", NULL);
  if (!scn_equal(s, c))
    fz_fail("a copy is not equal to its scenario", NULL);

  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  if (!fp)
    fz_fail("open_memstream failed", NULL);
  int wrc = scn_write_resolved_yaml(s, fp, &err);
  if (fclose(fp) != 0)
    fz_fail("open_memstream failed", NULL);
  if (wrc == 0) {
    scn_scenario *back = NULL;
    ss_error rerr;
    ss_error_clear(&rerr);
    if (scn_load_text(buf, len, "resolved.yaml", fz_dir(), &back, &rerr) != 0) {
      char msg[2048];
      ss_error_format(&rerr, msg, sizeof msg);
      fprintf(stderr, "--- resolved YAML:\n%s---\n", buf);
      fz_fail("the resolved YAML does not load back", msg);
    }
    if (!scn_equal(s, back)) {
      fprintf(stderr, "--- resolved YAML:\n%s---\n", buf);
      fz_fail("the resolved YAML loads back to another scenario", NULL);
    }
    scn_free(back);
  }
  free(buf);

  size_t n = scn_sweep_count(s);
  if (n == 0)
    fz_fail("a scenario with no sweep points", NULL);
  double *values = calloc(s->n_axes ? s->n_axes : 1, sizeof *values);
  if (!values)
    fz_fail("out of memory", NULL);
  scn_sweep_point(s, 0, values);
  scn_sweep_point(s, n - 1, values);
  (void)scn_apply_point(c, n - 1, &err);
  (void)scn_apply_point(c, 0, &err);
  free(values);
  scn_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup();
  scn_scenario *s = NULL;
  ss_error err;
  ss_error_clear(&err);
  if (size > SCN_MAX_FILE_BYTES)
    return 0; /* scn_load refuses such files before parsing */
  int rc =
      scn_load_text((const char *)data, size, "fuzz.yaml", fz_dir(), &s, &err);
  fz_note(rc == 0 ? NULL : &err);
  if (rc != 0) {
    if (s)
      fz_fail("a failed load returned a scenario", NULL);
    if (!err.msg[0])
      fz_fail("a failed load left no message", NULL);
    return 0;
  }
  check_loaded(s);
  scn_free(s);
  return 0;
}
