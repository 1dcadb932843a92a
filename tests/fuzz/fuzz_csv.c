/* Fuzz harness: the measured-CSV importer (profiles/import_csv.c) with its
 * provenance sidecar.
 *
 * Input: the CSV text, optionally followed by a NUL byte and the sidecar
 * JSON (the CSV itself may not hold a NUL, so the split loses nothing). With
 * no NUL there is no sidecar. A CSV that imports must survive the exporters'
 * round trips. */
#include "tests/fuzz/fuzz_util.h"

#include <string.h>

#include "profiles/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nul = memchr(data, 0, size);
  size_t csv_len = nul ? (size_t)(nul - data) : size;
  const char *path;
  if (nul)
    fz_write("fuzz.json", nul + 1, size - csv_len - 1);
  else
    fz_remove("fuzz.json");
  path = fz_write("fuzz.csv", data, csv_len);

  char csv_path[512];
  strcpy(csv_path, path);
  prof_set *set = prof_set_new();
  ss_error err;
  ss_error_clear(&err);
  if (!set)
    fz_fail("out of memory", NULL);
  int rc = prof_import_measured_csv(csv_path, set, &err);
  fz_note(rc == 0 ? NULL : &err);
  if (rc == 0) {
    if (set->n_systems == 0)
      fz_fail("an import that succeeds must give a system", NULL);
    fz_check_roundtrip(set);
  } else if (set->n_systems != 0) {
    fz_fail("a failed import changed the set", err.msg);
  } else if (!err.msg[0]) {
    fz_fail("a failed import left no message", NULL);
  }
  prof_set_free(set);
  return 0;
}
