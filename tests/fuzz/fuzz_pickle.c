/* Fuzz harness: Scission benchmark pickles (profiles/pickle.c, the
 * restricted decoder, and profiles/import_scission.c on top of it).
 *
 * The input is written as `device-fuzz.dat` and imported as a user's file
 * would be. A pickle that imports must also survive the exporters' round
 * trips (fz_check_roundtrip). */
#include "tests/fuzz/fuzz_util.h"

#include "profiles/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("device-fuzz.dat", data, size);
  prof_set *set = prof_set_new();
  ss_error err;
  ss_error_clear(&err);
  if (!set)
    fz_fail("out of memory", NULL);
  int rc = prof_import_scission_dat(path, set, &err);
  fz_note(rc == 0 ? NULL : &err);
  if (rc == 0) {
    if (set->n_systems != 1)
      fz_fail("a .dat file must give exactly one system", NULL);
    fz_check_roundtrip(set);
  } else if (set->n_systems != 0) {
    fz_fail("a failed import changed the set", err.msg);
  } else if (!err.msg[0]) {
    fz_fail("a failed import left no message", NULL);
  }
  prof_set_free(set);
  return 0;
}
