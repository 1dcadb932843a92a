/* Reading back scenario.resolved.yaml (scn_resolved.h): the facts other
 * folders need from the file scn_write_resolved_yaml writes, through the
 * same YAML parser as scenario files, without the checks a scenario gets
 * (the stores it names may be elsewhere by now). */
#include "scn_resolved.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_mem.h"
#include "scn_internal.h"

void scn_resolved_free(scn_resolved *r) {
  if (!r)
    return;
  free(r->name);
  free(r->profiles);
  free(r->objective);
  for (size_t i = 0; i < r->n_axes; i++) {
    free(r->axes[i].param);
    free(r->axes[i].zip);
  }
  free(r->axes);
  memset(r, 0, sizeof *r);
}

/* The value of key in map m, or NULL. */
static const scn_node *get(const scn_node *m, const char *key) {
  if (!m || m->kind != SCN_NODE_MAP)
    return NULL;
  for (size_t i = 0; i < m->n; i++) {
    const scn_node *k = m->items[2 * i];
    if (k->kind == SCN_NODE_SCALAR && strcmp(k->text, key) == 0)
      return m->items[2 * i + 1];
  }
  return NULL;
}

/* A scalar's text into *out (NULL for null or a non-scalar). -1: OOM. */
static int text_of(const scn_node *n, char **out) {
  *out = NULL;
  if (!n || n->kind != SCN_NODE_SCALAR || scn_node_is_null(n))
    return 0;
  return (*out = ss_strdup(n->text)) ? 0 : -1;
}

static int read_axes(const scn_node *sweep, scn_resolved *r) {
  if (!sweep || sweep->kind != SCN_NODE_SEQ || sweep->n == 0)
    return 0;
  if (!(r->axes = calloc(sweep->n, sizeof *r->axes)))
    return -1;
  for (size_t i = 0; i < sweep->n; i++) {
    const scn_node *ax = sweep->items[i];
    scn_resolved_axis *a = &r->axes[r->n_axes++];
    if (text_of(get(ax, "param"), &a->param) != 0 ||
        text_of(get(ax, "zip"), &a->zip) != 0)
      return -1;
    a->form = get(ax, "log")      ? SCN_AXIS_LOG
              : get(ax, "linear") ? SCN_AXIS_LINEAR
                                  : SCN_AXIS_VALUES;
    a->reference = NAN;
  }
  return 0;
}

/* reference: {param: value, ...} onto the axes of that param. */
static void read_reference(const scn_node *ref, scn_resolved *r) {
  if (!ref || ref->kind != SCN_NODE_MAP)
    return;
  for (size_t i = 0; i < ref->n; i++) {
    const scn_node *k = ref->items[2 * i], *v = ref->items[2 * i + 1];
    double x;
    if (v->kind != SCN_NODE_SCALAR || ss_parse_double(v->text, &x) != 0)
      continue;
    for (size_t a = 0; a < r->n_axes; a++)
      if (r->axes[a].param && strcmp(r->axes[a].param, k->text) == 0)
        r->axes[a].reference = x;
  }
}

int scn_resolved_read(const char *text, size_t len, const char *file,
                      scn_resolved *out, ss_error *err) {
  memset(out, 0, sizeof *out);
  scn_node *root = NULL;
  if (scn_yaml_parse(text, len, file, &root, err) != 0)
    return -1;
  int rc = -1;
  if (root->kind != SCN_NODE_MAP) {
    ss_error_setk(err, SS_ERR_FORMAT, file, NULL,
                  "not a resolved scenario (a mapping is expected)");
    goto done;
  }
  const scn_node *prof = get(root, "profiles");
  out->has_profiles = prof != NULL;
  if (text_of(get(root, "name"), &out->name) != 0 ||
      text_of(prof, &out->profiles) != 0 ||
      text_of(get(root, "objective"), &out->objective) != 0 ||
      read_axes(get(root, "sweep"), out) != 0) {
    ss_error_oom(err, file, NULL);
    goto done;
  }
  read_reference(get(root, "reference"), out);
  rc = 0;
done:
  if (rc != 0)
    scn_resolved_free(out);
  scn_node_free(root);
  return rc;
}
