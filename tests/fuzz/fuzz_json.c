/* Fuzz harness: the JSON profile importer (profiles/import_json.c). A file
 * that imports must survive the exporters' round trips. */
#include "tests/fuzz/fuzz_util.h"

#include "profiles/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("fuzz.json", data, size);
  prof_set *set = prof_set_new();
  ss_error err;
  ss_error_clear(&err);
  if (!set)
    fz_fail("out of memory", NULL);
  int rc = prof_import_json(path, set, &err);
  fz_note(rc == 0 ? NULL : &err);
  if (rc == 0)
    fz_check_roundtrip(set);
  else if (set->n_systems != 0)
    fz_fail("a failed import changed the set", err.msg);
  else if (!err.msg[0])
    fz_fail("a failed import left no message", NULL);
  prof_set_free(set);
  return 0;
}
