/* scn_resolved: the reader of scenario.resolved.yaml, for the folders that
 * read a run's output (plots/). The writer is scn_write_resolved_yaml
 * (scenario.h); a full scenario can also be loaded from the file with
 * scn_load, which checks that the stores it names exist. */
#ifndef SCN_RESOLVED_H
#define SCN_RESOLVED_H

#include <stddef.h>

#include "../common/ss_error.h"
#include "scenario.h"

typedef struct scn_resolved_axis {
  char *param;        /* "links.device-edge.bandwidth_mbps", or NULL */
  scn_axis_form form; /* values, linear or log */
  char *zip;          /* zip group, or NULL */
  double reference;   /* its value at the reference point; NaN: absent */
} scn_resolved_axis;

typedef struct scn_resolved {
  char *name;       /* NULL when absent */
  int has_profiles; /* the profiles key is there (null: the embedded store) */
  char *profiles;   /* the store path as written, or NULL */
  char *objective;  /* "latency", ... as written, or NULL */
  size_t n_axes;
  scn_resolved_axis *axes; /* in sweep order */
} scn_resolved;

/* Read the facts of a resolved scenario's text (file names it in errors).
 * Values are taken as written (no checks beyond YAML itself). -1 with err
 * on a YAML error or no memory; free with scn_resolved_free. */
int scn_resolved_read(const char *text, size_t len, const char *file,
                      scn_resolved *out, ss_error *err);
void scn_resolved_free(scn_resolved *r); /* and zero it; NULL: no-op */

#endif
