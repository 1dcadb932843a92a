/* Fuzz harness: the HDF5 store reader (profiles/store.c: our validation on
 * top of libhdf5). A store that reads must validate and survive the
 * exporters' round trips (store included: write, read, same set). */
#include "tests/fuzz/fuzz_util.h"

#include "profiles/store.h"
#include "profiles/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("fuzz.h5", data, size);
  prof_set *set = NULL;
  ss_error err;
  ss_error_clear(&err);
  (void)prof_store_is_hdf5(path);
  int rc = prof_store_read_direct(path, &set, NULL, &err);
  fz_note(rc == 0 ? NULL : &err);
  if (rc == 0) {
    if (!set)
      fz_fail("a store that reads gave no set", NULL);
    fz_check_roundtrip(set);
    prof_set_free(set);
  } else {
    if (set)
      fz_fail("a failed read returned a set", NULL);
    if (!err.msg[0])
      fz_fail("a failed read left no message", NULL);
  }
  return 0;
}
