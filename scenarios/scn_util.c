/* Scenario lifetime (free, copy, compare), lookups and message helpers. */
#include "scn_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void scn_pos_format(scn_pos pos, char *buf, size_t size) {
  if (pos.line > 0)
    snprintf(buf, size, "%d:%d", pos.line, pos.column);
  else if (size)
    buf[0] = '\0';
}

__attribute__((format(printf, 4, 0))) static int
verr_pos(ss_error *err, const char *file, scn_pos pos, const char *fmt,
         va_list ap) {
  if (!err)
    return -1;
  char where[32];
  scn_pos_format(pos, where, sizeof where);
  ss_error_set(err, file, where, "%s", "");
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  return -1;
}

int scn_err_pos(ss_error *err, const char *file, scn_pos pos, const char *fmt,
                ...) {
  va_list ap;
  va_start(ap, fmt);
  verr_pos(err, file, pos, fmt, ap);
  va_end(ap);
  return -1;
}

int scn_error_at(ss_error *err, const scn_scenario *s, scn_pos pos,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verr_pos(err, s ? s->file : NULL, pos, fmt, ap);
  va_end(ap);
  return -1;
}

int scn_error_place(ss_error *err, const scn_scenario *s, scn_pos pos) {
  if (!err)
    return -1;
  char where[32];
  scn_pos_format(pos, where, sizeof where);
  snprintf(err->file, sizeof err->file, "%s", s && s->file ? s->file : "");
  snprintf(err->where, sizeof err->where, "%s", where);
  return -1;
}

long scn_tier_index(const scn_scenario *s, const char *name) {
  for (size_t i = 0; i < s->n_tiers; i++)
    if (strcmp(s->tiers[i].name, name) == 0)
      return (long)i;
  return -1;
}

long scn_system_index(const scn_scenario *s, const char *name) {
  for (size_t i = 0; i < s->n_systems; i++)
    if (strcmp(s->systems[i].name, name) == 0)
      return (long)i;
  return -1;
}

const scn_link *scn_link_find(const scn_scenario *s, scn_link_kind kind,
                              size_t a, size_t b) {
  for (size_t i = 0; i < s->n_links; i++) {
    const scn_link *l = &s->links[i];
    if (l->kind == kind &&
        ((l->a == a && l->b == b) || (l->a == b && l->b == a)))
      return l;
  }
  return NULL;
}

long scn_limit_find(const scn_scenario *s, size_t a, size_t b) {
  const scn_constraints *c = &s->constraints;
  for (size_t i = 0; i < c->n_link_limits; i++) {
    const scn_link_limit *l = &c->link_limits[i];
    if ((l->a == a && l->b == b) || (l->a == b && l->b == a))
      return (long)i;
  }
  return -1;
}

void scn_free(scn_scenario *s) {
  if (!s)
    return;
  free(s->file);
  free(s->name);
  free(s->profiles);
  free(s->profiles_raw);
  free(s->network);
  free(s->network_raw);
  for (size_t i = 0; i < s->n_models; i++)
    free(s->models[i].name);
  free(s->models);
  for (size_t i = 0; i < s->n_tiers; i++) {
    free(s->tiers[i].name);
    free(s->tiers[i].systems);
    free(s->tiers[i].system_pos);
  }
  free(s->tiers);
  for (size_t i = 0; i < s->n_systems; i++)
    free(s->systems[i].name);
  free(s->systems);
  for (size_t i = 0; i < s->n_links; i++) {
    free(s->links[i].key);
    free(s->links[i].trace);
    free(s->links[i].trace_raw);
  }
  free(s->links);
  scn_constraints *c = &s->constraints;
  free(c->min_blocks);
  free(c->max_blocks);
  free(c->min_blocks_pos);
  free(c->max_blocks_pos);
  for (size_t i = 0; i < c->n_link_limits; i++)
    free(c->link_limits[i].key);
  free(c->link_limits);
  for (size_t i = 0; i < s->n_axes; i++) {
    free(s->axes[i].param);
    free(s->axes[i].values);
    free(s->axes[i].zip);
  }
  free(s->axes);
  for (size_t i = 0; i < s->n_groups; i++)
    free(s->groups[i].axes);
  free(s->groups);
  free(s->reference);
  scn_studies_free(s);
  scn_workload_free(s->workload);
  scn_replay_free(s->replay);
  free(s);
}

void *scn_dup_array(const void *src, size_t n, size_t sz, int *ok) {
  if (!n || !src)
    return NULL;
  void *d = malloc(n * sz);
  if (!d) {
    *ok = 0;
    return NULL;
  }
  memcpy(d, src, n * sz);
  return d;
}

char *scn_dup_str(const char *src, int *ok) {
  if (!src)
    return NULL;
  char *d = ss_strdup(src);
  if (!d)
    *ok = 0;
  return d;
}

/* Clear every owned pointer of d (a shallow copy) and its counts, so that
 * scn_free is safe midway through the deep copy. */
static void copy_clear_owned(scn_scenario *d) {
  d->file = d->name = d->profiles = d->profiles_raw = NULL;
  d->network = d->network_raw = NULL;
  d->models = NULL;
  d->tiers = NULL;
  d->systems = NULL;
  d->links = NULL;
  d->axes = NULL;
  d->groups = NULL;
  d->reference = NULL;
  d->purchase = NULL;
  d->uncertainty = NULL;
  d->sensitivity = NULL;
  d->workload = NULL;
  d->replay = NULL;
  memset(&d->constraints, 0, sizeof d->constraints);
  d->n_models = d->n_tiers = d->n_systems = d->n_links = 0;
  d->n_axes = d->n_groups = 0;
}

static void copy_strings(scn_scenario *d, const scn_scenario *s, int *ok) {
  d->file = scn_dup_str(s->file, ok);
  d->name = scn_dup_str(s->name, ok);
  d->profiles = scn_dup_str(s->profiles, ok);
  d->profiles_raw = scn_dup_str(s->profiles_raw, ok);
  d->network = scn_dup_str(s->network, ok);
  d->network_raw = scn_dup_str(s->network_raw, ok);
}

/* models: and tiers:; -1 when an array cannot be allocated. */
static int copy_models_tiers(scn_scenario *d, const scn_scenario *s, int *ok) {
  if (s->n_models && !(d->models = calloc(s->n_models, sizeof *d->models)))
    return -1;
  d->n_models = s->n_models;
  for (size_t i = 0; i < s->n_models; i++) {
    d->models[i].pos = s->models[i].pos;
    d->models[i].name = scn_dup_str(s->models[i].name, ok);
  }

  if (s->n_tiers && !(d->tiers = calloc(s->n_tiers, sizeof *d->tiers)))
    return -1;
  d->n_tiers = s->n_tiers;
  for (size_t i = 0; i < s->n_tiers; i++) {
    const scn_tier *t = &s->tiers[i];
    scn_tier *u = &d->tiers[i];
    u->pos = t->pos;
    u->name = scn_dup_str(t->name, ok);
    u->systems =
        scn_dup_array(t->systems, t->n_systems, sizeof *t->systems, ok);
    u->system_pos =
        scn_dup_array(t->system_pos, t->n_systems, sizeof *t->system_pos, ok);
    u->n_systems = t->n_systems;
  }
  return 0;
}

/* The systems and links:; -1 when an array cannot be allocated. */
static int copy_systems_links(scn_scenario *d, const scn_scenario *s, int *ok) {
  if (s->n_systems && !(d->systems = calloc(s->n_systems, sizeof *d->systems)))
    return -1;
  d->n_systems = s->n_systems;
  for (size_t i = 0; i < s->n_systems; i++) {
    d->systems[i] = s->systems[i];
    d->systems[i].name = scn_dup_str(s->systems[i].name, ok);
  }

  if (s->n_links && !(d->links = calloc(s->n_links, sizeof *d->links)))
    return -1;
  d->n_links = s->n_links;
  for (size_t i = 0; i < s->n_links; i++) {
    d->links[i] = s->links[i];
    d->links[i].key = scn_dup_str(s->links[i].key, ok);
    d->links[i].trace = scn_dup_str(s->links[i].trace, ok);
    d->links[i].trace_raw = scn_dup_str(s->links[i].trace_raw, ok);
  }
  return 0;
}

/* constraints:; -1 when an array cannot be allocated. */
static int copy_constraints(scn_scenario *d, const scn_scenario *s, int *ok) {
  const scn_constraints *c = &s->constraints;
  scn_constraints *e = &d->constraints;
  size_t n_tiers = s->n_tiers;
  e->privacy = c->privacy;
  e->min_blocks =
      scn_dup_array(c->min_blocks, n_tiers, sizeof *c->min_blocks, ok);
  e->max_blocks =
      scn_dup_array(c->max_blocks, n_tiers, sizeof *c->max_blocks, ok);
  e->min_blocks_pos =
      scn_dup_array(c->min_blocks_pos, n_tiers, sizeof *c->min_blocks_pos, ok);
  e->max_blocks_pos =
      scn_dup_array(c->max_blocks_pos, n_tiers, sizeof *c->max_blocks_pos, ok);
  if (c->n_link_limits &&
      !(e->link_limits = calloc(c->n_link_limits, sizeof *e->link_limits)))
    return -1;
  e->n_link_limits = c->n_link_limits;
  for (size_t i = 0; i < c->n_link_limits; i++) {
    e->link_limits[i] = c->link_limits[i];
    e->link_limits[i].key = scn_dup_str(c->link_limits[i].key, ok);
  }
  return 0;
}

/* sweep: (axes and their zip groups) and reference:; -1 when an array
 * cannot be allocated. */
static int copy_sweep(scn_scenario *d, const scn_scenario *s, int *ok) {
  if (s->n_axes && !(d->axes = calloc(s->n_axes, sizeof *d->axes)))
    return -1;
  d->n_axes = s->n_axes;
  for (size_t i = 0; i < s->n_axes; i++) {
    const scn_axis *a = &s->axes[i];
    d->axes[i] = *a;
    d->axes[i].param = scn_dup_str(a->param, ok);
    d->axes[i].zip = scn_dup_str(a->zip, ok);
    d->axes[i].values =
        scn_dup_array(a->values, a->n_values, sizeof *a->values, ok);
  }

  if (s->n_groups && !(d->groups = calloc(s->n_groups, sizeof *d->groups)))
    return -1;
  d->n_groups = s->n_groups;
  for (size_t i = 0; i < s->n_groups; i++) {
    d->groups[i] = s->groups[i];
    d->groups[i].axes = scn_dup_array(s->groups[i].axes, s->groups[i].n_axes,
                                      sizeof *s->groups[i].axes, ok);
  }
  return 0;
}

scn_scenario *scn_copy(const scn_scenario *s) {
  if (!s)
    return NULL;
  scn_scenario *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  int ok = 1;
  *d = *s;
  copy_clear_owned(d);
  copy_strings(d, s, &ok);
  if (!ok || copy_models_tiers(d, s, &ok) != 0 ||
      copy_systems_links(d, s, &ok) != 0 || copy_constraints(d, s, &ok) != 0 ||
      copy_sweep(d, s, &ok) != 0)
    goto fail;
  d->workload = scn_workload_copy(s->workload, s->n_systems, &ok);
  if (s->n_axes && s->reference)
    d->reference =
        scn_dup_array(s->reference, s->n_axes, sizeof *s->reference, &ok);
  if (!ok || scn_studies_copy(d, s) != 0)
    goto fail;
  if (s->replay && !(d->replay = scn_replay_copy(s->replay)))
    goto fail;
  return d;
fail:
  scn_free(d);
  return NULL;
}

static int str_eq(const char *a, const char *b) {
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

/* Exact double comparison that tells 0 from -0; NaN (a value not set yet)
 * equals NaN. */
static int dbl_eq(double a, double b) {
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b);
  return a == b && signbit(a) == signbit(b);
}

/* The scalar settings and every count. */
static int header_equal(const scn_scenario *a, const scn_scenario *b) {
  return str_eq(a->name, b->name) && str_eq(a->profiles, b->profiles) &&
         str_eq(a->network, b->network) && a->all_models == b->all_models &&
         a->n_models == b->n_models && a->input_mb_set == b->input_mb_set &&
         !(a->input_mb_set && !dbl_eq(a->input_mb, b->input_mb)) &&
         dbl_eq(a->result_mb, b->result_mb) && a->n_tiers == b->n_tiers &&
         a->n_systems == b->n_systems && a->n_links == b->n_links &&
         a->objective == b->objective && a->top_k == b->top_k &&
         a->calibrate == b->calibrate && a->n_axes == b->n_axes &&
         a->n_groups == b->n_groups;
}

/* models:, tiers: and the systems (counts already equal). */
static int systems_equal(const scn_scenario *a, const scn_scenario *b) {
  for (size_t i = 0; i < a->n_models; i++)
    if (!str_eq(a->models[i].name, b->models[i].name))
      return 0;
  for (size_t i = 0; i < a->n_tiers; i++) {
    const scn_tier *x = &a->tiers[i], *y = &b->tiers[i];
    if (!str_eq(x->name, y->name) || x->n_systems != y->n_systems)
      return 0;
    for (size_t j = 0; j < x->n_systems; j++)
      if (x->systems[j] != y->systems[j])
        return 0;
  }
  for (size_t i = 0; i < a->n_systems; i++) {
    const scn_system *x = &a->systems[i], *y = &b->systems[i];
    if (!str_eq(x->name, y->name) ||
        !dbl_eq(x->availability, y->availability) ||
        !dbl_eq(x->compute_power_w, y->compute_power_w) ||
        !dbl_eq(x->radio_power_w, y->radio_power_w))
      return 0;
  }
  return 1;
}

static int link_equal(const scn_link *x, const scn_link *y) {
  return str_eq(x->key, y->key) && x->kind == y->kind && x->a == y->a &&
         x->b == y->b && x->has_latency_ms == y->has_latency_ms &&
         x->has_bandwidth_mbps == y->has_bandwidth_mbps &&
         !(x->has_latency_ms && !dbl_eq(x->latency_ms, y->latency_ms)) &&
         !(x->has_bandwidth_mbps &&
           !dbl_eq(x->bandwidth_mbps, y->bandwidth_mbps)) &&
         x->has_efficiency == y->has_efficiency &&
         x->has_overhead_ms == y->has_overhead_ms &&
         !(x->has_efficiency && !dbl_eq(x->efficiency, y->efficiency)) &&
         !(x->has_overhead_ms && !dbl_eq(x->overhead_ms, y->overhead_ms)) &&
         str_eq(x->trace, y->trace) && dbl_eq(x->trace_scale, y->trace_scale) &&
         dbl_eq(x->trace_offset_s, y->trace_offset_s) &&
         x->repeat == y->repeat && x->sharing == y->sharing;
}

static int constraints_equal(const scn_scenario *a, const scn_scenario *b) {
  const scn_constraints *c = &a->constraints, *e = &b->constraints;
  if (c->privacy != e->privacy || c->n_link_limits != e->n_link_limits)
    return 0;
  for (size_t i = 0; i < a->n_tiers; i++)
    if (c->min_blocks[i] != e->min_blocks[i] ||
        c->max_blocks[i] != e->max_blocks[i])
      return 0;
  for (size_t i = 0; i < c->n_link_limits; i++) {
    const scn_link_limit *x = &c->link_limits[i], *y = &e->link_limits[i];
    if (!str_eq(x->key, y->key) || x->a != y->a || x->b != y->b ||
        !dbl_eq(x->mb, y->mb))
      return 0;
  }
  return 1;
}

/* sweep: (axes, zip groups) and reference: (counts already equal). */
static int sweep_equal(const scn_scenario *a, const scn_scenario *b) {
  for (size_t i = 0; i < a->n_axes; i++) {
    const scn_axis *x = &a->axes[i], *y = &b->axes[i];
    if (!str_eq(x->param, y->param) || x->target.kind != y->target.kind ||
        x->target.index != y->target.index || x->form != y->form ||
        !dbl_eq(x->from, y->from) || !dbl_eq(x->to, y->to) ||
        x->n_values != y->n_values || !str_eq(x->zip, y->zip) ||
        x->group != y->group)
      return 0;
    for (size_t j = 0; j < x->n_values; j++)
      if (!dbl_eq(x->values[j], y->values[j]))
        return 0;
  }
  for (size_t i = 0; i < a->n_groups; i++) {
    const scn_group *x = &a->groups[i], *y = &b->groups[i];
    if (x->n_values != y->n_values || x->n_axes != y->n_axes)
      return 0;
    for (size_t j = 0; j < x->n_axes; j++)
      if (x->axes[j] != y->axes[j])
        return 0;
  }
  for (size_t k = 0; k < a->n_axes && a->reference && b->reference; k++)
    if (!dbl_eq(a->reference[k], b->reference[k]))
      return 0;
  return 1;
}

int scn_equal(const scn_scenario *a, const scn_scenario *b) {
  if (!a || !b)
    return a == b;
  if (!header_equal(a, b) || !systems_equal(a, b))
    return 0;
  for (size_t i = 0; i < a->n_links; i++)
    if (!link_equal(&a->links[i], &b->links[i]))
      return 0;
  return constraints_equal(a, b) && sweep_equal(a, b) &&
         scn_studies_equal(a, b) &&
         scn_workload_equal(a->workload, b->workload, a->n_systems) &&
         scn_replay_equal(a->replay, b->replay);
}
