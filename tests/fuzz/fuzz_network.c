/* Fuzz harness: network link tables (profiles/network.c). Every link read
 * must be findable and hold sane values. */
#include "tests/fuzz/fuzz_util.h"

#include <math.h>

#include "profiles/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("net.csv", data, size);
  prof_network *net = NULL;
  ss_error err;
  ss_error_clear(&err);
  int rc = prof_network_read(path, &net, &err);
  fz_note(rc == 0 ? NULL : &err);
  if (rc != 0) {
    if (net)
      fz_fail("a failed read returned a table", NULL);
    if (!err.msg[0])
      fz_fail("a failed read left no message", NULL);
    return 0;
  }
  if (!net || net->n_links == 0)
    fz_fail("a table that reads must have links", NULL);
  for (size_t i = 0; i < net->n_links; i++) {
    const prof_link *l = &net->links[i];
    if (!l->source[0] || !l->destination[0] || !isfinite(l->ping_ms) ||
        l->ping_ms < 0 || !isfinite(l->bandwidth_mbps) ||
        l->bandwidth_mbps <= 0)
      fz_fail("a link with an empty name or a bad value", l->source);
    if (prof_network_find(net, l->source, l->destination) != l)
      fz_fail("a link is not found under its own names (duplicate?)",
              l->source);
  }
  prof_network_free(net);
  return 0;
}
