/* The reference point: where curves, elasticities and every study are
 * evaluated (docs/scenarios.md, `reference:`). By default the middle grid
 * point: each zip group or axis at its middle value (the lower of the two
 * middle ones for an even count), so an odd-length log: range's reference
 * is its geometric middle and a linear: range's its arithmetic middle, and
 * the reference is a row of best.csv. A scenario may give a value per swept
 * parameter (the others keep the default) or `point: N`, a sweep point. */
#include "scn_internal.h"

#include "../common/ss_text.h"
#include "../common/ss_yaml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t scn_middle_index(size_t n_values) {
  return n_values ? (n_values - 1) / 2 : 0;
}

size_t scn_reference_middle_point(const scn_scenario *s) {
  size_t index = 0;
  for (size_t g = 0; g < s->n_groups; g++)
    index =
        index * s->groups[g].n_values + scn_middle_index(s->groups[g].n_values);
  return index;
}

int scn_apply_reference(scn_scenario *s, ss_error *err) {
  for (size_t k = 0; k < s->n_axes; k++) {
    const scn_axis *ax = &s->axes[k];
    if (scn_param_set(s, &ax->target, s->reference[k], err) != 0)
      return ss_error_prefix(err, "reference %s", ax->param);
  }
  return 0;
}

const char *scn_reference_how(const scn_scenario *s) {
  switch (s->reference_kind) {
  case SCN_REF_POINT:
    return "sweep point";
  case SCN_REF_VALUES:
    return "given";
  case SCN_REF_MIDDLE:
  default:
    return "middle of each axis";
  }
}

size_t scn_reference_text(const scn_scenario *s, char *buf, size_t size) {
  size_t k = 0;
  if (size)
    buf[0] = 0;
  for (size_t a = 0; a < s->n_axes && k < size; a++) {
    int n = snprintf(buf + k, size - k, "%s%s=%.6g", a ? ", " : "",
                     s->axes[a].param, s->reference[a]);
    if (n < 0)
      break;
    k += (size_t)n;
  }
  if (k >= size && size)
    k = size - 1;
  return k;
}

static long axis_named(const scn_scenario *s, const char *name) {
  for (size_t k = 0; k < s->n_axes; k++)
    if (strcmp(s->axes[k].param, name) == 0)
      return (long)k;
  return -1;
}

static int not_swept(scn_loader *L, const scn_node *key) {
  const scn_scenario *s = L->s;
  const char **names = calloc(s->n_axes + 1, sizeof *names);
  if (!names)
    return scn_ld_oom(L);
  for (size_t k = 0; k < s->n_axes; k++)
    names[k] = s->axes[k].param;
  const char *best = ss_suggest(key->text, names, s->n_axes);
  char list[1024];
  ss_join(list, sizeof list, names, s->n_axes);
  free(names);
  if (best)
    return scn_ld_fail(L, key->pos,
                       "reference: '%s' is not a swept parameter; did you "
                       "mean '%s'?",
                       key->text, best);
  return scn_ld_fail(L, key->pos,
                     "reference: '%s' is not a swept parameter (swept: %s)",
                     key->text, list);
}

static int load_point(scn_loader *L, const scn_node *map) {
  scn_scenario *s = L->s;
  const scn_node *v = map->items[1];
  size_t count = scn_sweep_count(s);
  long long p;
  if (map->n != 1)
    return scn_ld_fail(L, map->items[2]->pos,
                       "reference: give either point: N or values per swept "
                       "parameter, not both");
  if (scn_ld_whole(L, v, "reference point", 0, (long long)count - 1, &p) != 0)
    return -1;
  s->reference_kind = SCN_REF_POINT;
  s->reference_point = (size_t)p;
  scn_sweep_point(s, (size_t)p, s->reference);
  return 0;
}

int scn_load_reference(scn_loader *L, const scn_node *root) {
  scn_scenario *s = L->s;
  const scn_node *key;
  const scn_node *n = scn_ld_get(root, "reference", &key);
  if (s->n_axes && !(s->reference = calloc(s->n_axes, sizeof *s->reference)))
    return scn_ld_oom(L);
  s->reference_kind = SCN_REF_MIDDLE;
  if (s->n_axes)
    scn_sweep_point(s, scn_reference_middle_point(s), s->reference);
  if (!n || scn_node_is_null(n))
    return 0;
  if (scn_ld_kind(L, n, SCN_NODE_MAP, "reference") != 0)
    return -1;
  if (!s->n_axes)
    return scn_ld_fail(L, key->pos,
                       "reference: the scenario has no sweep (nothing to "
                       "refer to)");
  if (n->n && strcmp(n->items[0]->text, "point") == 0)
    return load_point(L, n);
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    if (strcmp(k->text, "point") == 0)
      return scn_ld_fail(L, k->pos,
                         "reference: give either point: N or values per "
                         "swept parameter, not both");
    long a = axis_named(s, k->text);
    if (a < 0)
      return not_swept(L, k);
    char label[600], why[200];
    snprintf(label, sizeof label, "reference %s", k->text);
    double x;
    if (scn_ld_number(L, v, label, &x) != 0)
      return -1;
    if (scn_check_value(s->axes[a].target.kind, x, why, sizeof why) != 0)
      return scn_ld_fail(L, v->pos, "%s: %s", label, why);
    s->reference[a] = x;
  }
  if (n->n)
    s->reference_kind = SCN_REF_VALUES;
  return 0;
}

void scn_write_reference(const scn_scenario *s, FILE *fp) {
  if (!s->n_axes)
    return;
  fputs("reference:  # where curves, elasticities and studies are evaluated\n",
        fp);
  for (size_t k = 0; k < s->n_axes; k++) {
    fputs("  ", fp);
    ss_yaml_quoted(fp, s->axes[k].param);
    fputs(": ", fp);
    scn_yaml_num(fp, s->reference[k]);
    fputc('\n', fp);
  }
}
