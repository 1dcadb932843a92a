/* Parameter paths (links.device-edge.bandwidth_mbps, availability.vm2Core,
 * ...), link key resolution and sweep expansion. */
#include "scn_internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_text.h"

#define PATH_FORMS                                                             \
  "input_mb, result_mb, links.<tier>-<tier>.latency_ms, "                      \
  "links.<tier>-<tier>.bandwidth_mbps, links.<system>-<system>.latency_ms, "   \
  "links.<system>-<system>.bandwidth_mbps, links.<pair>.trace_scale, "         \
  "links.<pair>.trace_offset_s, availability.<system>, "                       \
  "power.<system>.compute_power_w, power.<system>.radio_power_w, "             \
  "constraints.min_blocks.<tier>, constraints.max_blocks.<tier>, "             \
  "constraints.max_link_mb.<tier>-<tier>, workload.clients.<i>.count, "        \
  "workload.clients.<i>.arrival.poisson (or .periodic, .jitter_ms), "          \
  "workload.clients.<i>.deadline_ms, servers.<system>, queue_limit.<system>"

/* Whole block counts stay below this. */
#define MAX_BLOCK_COUNT 1e9

/* Sane bounds (docs/scenarios.md, "Values"): a divisor (bandwidth,
 * availability) below SCN_MIN_DIVISOR would turn a time into 10^300
 * seconds, and a size beyond SCN_MAX_MB into infinity bytes. */
#define SCN_MIN_DIVISOR 1e-6
#define SCN_MAX_MB 1e6         /* 1 TB */
#define SCN_MAX_LATENCY_MS 1e9 /* 11.6 days */

/* A size in MB: 0, or a normal number up to SCN_MAX_MB (a denormal such as
 * 4.9e-324 is refused: it is no size anyone means). */
static const char *check_mb(double v, const char *neg, const char *tiny,
                            const char *huge) {
  if (v < 0)
    return neg;
  if (v > 0 && v < DBL_MIN)
    return tiny;
  return v > SCN_MAX_MB ? huge : NULL;
}

int scn_check_value(scn_param_kind kind, double v, char *why, size_t size) {
  char num[SS_DOUBLE_BUFSIZE];
  const char *bad = NULL;
  switch (kind) {
  case SCN_PARAM_INPUT_MB:
    bad = check_mb(v, "input_mb must be >= 0",
                   "input_mb must be 0 or a normal number, not a denormal",
                   "input_mb must be at most 1e+06 (1 TB)");
    break;
  case SCN_PARAM_RESULT_MB:
    bad = check_mb(v, "result_mb must be >= 0",
                   "result_mb must be 0 or a normal number, not a denormal",
                   "result_mb must be at most 1e+06 (1 TB)");
    break;
  case SCN_PARAM_LINK_LATENCY_MS:
    bad = v < 0                    ? "latency_ms must be >= 0"
          : v > SCN_MAX_LATENCY_MS ? "latency_ms must be at most 1e+09"
                                   : NULL;
    break;
  case SCN_PARAM_LINK_BANDWIDTH_MBPS:
    bad = v <= 0 ? "bandwidth_mbps must be > 0"
          : v < SCN_MIN_DIVISOR
              ? "bandwidth_mbps must be at least 1e-06 (one bit per second)"
              : NULL;
    break;
  case SCN_PARAM_AVAILABILITY:
    bad = !(v > 0 && v <= 1) ? "availability must be in (0, 1]"
          : v < SCN_MIN_DIVISOR
              ? "availability must be at least 1e-06 (a millionth of the "
                "machine)"
              : NULL;
    break;
  case SCN_PARAM_COMPUTE_POWER_W:
    bad = v >= 0 ? NULL : "compute_power_w must be >= 0";
    break;
  case SCN_PARAM_RADIO_POWER_W:
    bad = v >= 0 ? NULL : "radio_power_w must be >= 0";
    break;
  case SCN_PARAM_MIN_BLOCKS:
  case SCN_PARAM_MAX_BLOCKS:
    bad = v >= 0 && v <= MAX_BLOCK_COUNT && v == floor(v)
              ? NULL
              : "a block count must be a whole number >= 0";
    break;
  case SCN_PARAM_MAX_LINK_MB:
    bad = v >= 0 ? NULL : "max_link_mb must be >= 0";
    break;
  case SCN_PARAM_LINK_TRACE_SCALE:
    bad = v > 0 ? NULL : "trace_scale must be > 0";
    break;
  case SCN_PARAM_LINK_TRACE_OFFSET_S:
    bad = v >= 0 ? NULL : "trace_offset_s must be >= 0";
    break;
  default:
    scn_workload_check_value(kind, v, &bad);
    break;
  }
  if (!isfinite(v))
    bad = "the value must be a finite number";
  if (!bad)
    return 0;
  snprintf(why, size, "%s, got %s", bad, ss_fmt_double(num, v));
  return -1;
}

/* Index of the tier / system whose name is the n bytes at p, or -1. */
static long tier_n(const scn_scenario *s, const char *p, size_t n) {
  for (size_t i = 0; i < s->n_tiers; i++)
    if (strlen(s->tiers[i].name) == n && memcmp(s->tiers[i].name, p, n) == 0)
      return (long)i;
  return -1;
}

static long system_n(const scn_scenario *s, const char *p, size_t n) {
  for (size_t i = 0; i < s->n_systems; i++)
    if (strlen(s->systems[i].name) == n &&
        memcmp(s->systems[i].name, p, n) == 0)
      return (long)i;
  return -1;
}

/* Suggest the nearest "x-y" pair of tiers (and systems unless tiers_only). */
static void pair_suggestion(const scn_scenario *s, const char *key,
                            int tiers_only, char *out, size_t size) {
  out[0] = '\0';
  size_t nt = s->n_tiers, ns = tiers_only ? 0 : s->n_systems;
  if (ns > 64)
    ns = 64;
  size_t max = nt * nt + ns * ns;
  char **c = calloc(max ? max : 1, sizeof *c);
  if (!c)
    return;
  size_t n = 0;
  for (size_t i = 0; i < nt; i++)
    for (size_t j = 0; j < nt; j++)
      if (i != j) {
        size_t len = strlen(s->tiers[i].name) + strlen(s->tiers[j].name) + 2;
        if ((c[n] = malloc(len)))
          snprintf(c[n++], len, "%s-%s", s->tiers[i].name, s->tiers[j].name);
      }
  for (size_t i = 0; i < ns; i++)
    for (size_t j = 0; j < ns; j++)
      if (i != j) {
        size_t len =
            strlen(s->systems[i].name) + strlen(s->systems[j].name) + 2;
        if ((c[n] = malloc(len)))
          snprintf(c[n++], len, "%s-%s", s->systems[i].name,
                   s->systems[j].name);
      }
  const char *best = ss_suggest(key, (const char *const *)c, n);
  if (best)
    snprintf(out, size, "; did you mean '%s'?", best);
  for (size_t i = 0; i < n; i++)
    free(c[i]);
  free(c);
}

static void tier_names(const scn_scenario *s, char *buf, size_t size) {
  const char *names[SCN_MAX_TIERS] = {NULL};
  size_t n = s->n_tiers < SCN_MAX_TIERS ? s->n_tiers : SCN_MAX_TIERS;
  for (size_t i = 0; i < n; i++)
    names[i] = s->tiers[i].name;
  ss_join(buf, size, names, n);
}

static void system_names(const scn_scenario *s, char *buf, size_t size) {
  const char *names[64] = {NULL};
  size_t n = s->n_systems < 64 ? s->n_systems : 64;
  for (size_t i = 0; i < n; i++)
    names[i] = s->systems[i].name;
  ss_join(buf, size, names, n);
}

int scn_pair_resolve(const scn_scenario *s, const char *key, int tiers_only,
                     scn_pos pos, scn_link_kind *kind, size_t *a, size_t *b,
                     ss_error *err) {
  size_t len = strlen(key);
  const char *self = NULL;
  for (int pass = 0; pass < (tiers_only ? 1 : 2); pass++) {
    long fa = -1, fb = -1;
    size_t fsplit = 0, gsplit = 0;
    int found = 0;
    for (size_t p = 0; p < len; p++) {
      if (key[p] != '-')
        continue;
      long x = pass == 0 ? tier_n(s, key, p) : system_n(s, key, p);
      long y = pass == 0 ? tier_n(s, key + p + 1, len - p - 1)
                         : system_n(s, key + p + 1, len - p - 1);
      if (x < 0 || y < 0)
        continue;
      if (x == y) {
        self = pass == 0 ? s->tiers[x].name : s->systems[x].name;
        continue;
      }
      if (found++ == 0) {
        fa = x;
        fb = y;
        fsplit = p;
      } else {
        gsplit = p;
      }
    }
    if (found > 1)
      return scn_err_pos(
          err, s->file, pos,
          "link '%s' is ambiguous: it reads as '%.*s' + '%s' and as "
          "'%.*s' + '%s'; rename a %s so that the pair is unique",
          key, (int)fsplit, key, key + fsplit + 1, (int)gsplit, key,
          key + gsplit + 1, pass == 0 ? "tier" : "system");
    if (found == 1) {
      *kind = pass == 0 ? SCN_LINK_TIERS : SCN_LINK_SYSTEMS;
      *a = (size_t)fa;
      *b = (size_t)fb;
      return 0;
    }
  }
  if (self)
    return scn_err_pos(err, s->file, pos,
                       "link '%s' joins '%s' to itself; a link needs two "
                       "different %s",
                       key, self, tiers_only ? "tiers" : "tiers or systems");
  char tiers[512], systems[512], hint[300];
  tier_names(s, tiers, sizeof tiers);
  pair_suggestion(s, key, tiers_only, hint, sizeof hint);
  if (tiers_only)
    return scn_err_pos(err, s->file, pos,
                       "unknown tier pair '%s'%s (expected <tier>-<tier>; "
                       "tiers: %s)",
                       key, hint, tiers);
  system_names(s, systems, sizeof systems);
  return scn_err_pos(err, s->file, pos,
                     "unknown link '%s'%s (expected <tier>-<tier> or "
                     "<system>-<system>; tiers: %s; systems: %s)",
                     key, hint, tiers, systems);
}

long scn_link_add(scn_scenario *s, const char *key, scn_link_kind kind,
                  size_t a, size_t b, scn_pos pos) {
  scn_link *nl = realloc(s->links, (s->n_links + 1) * sizeof *nl);
  if (!nl)
    return -1;
  s->links = nl;
  scn_link *l = &s->links[s->n_links];
  memset(l, 0, sizeof *l);
  if (!(l->key = ss_strdup(key)))
    return -1;
  l->kind = kind;
  l->a = a;
  l->b = b;
  l->pos = pos;
  l->latency_ms = NAN;
  l->bandwidth_mbps = NAN;
  l->efficiency = NAN;
  l->overhead_ms = NAN;
  l->trace_scale = 1;
  l->trace_offset_s = 0;
  l->repeat = 1;
  l->sharing = SCN_SHARING_FIFO;
  return (long)s->n_links++;
}

long scn_link_of_pair(scn_scenario *s, const char *key, scn_pos pos,
                      ss_error *err) {
  scn_link_kind kind;
  size_t a, b;
  if (scn_pair_resolve(s, key, 0, pos, &kind, &a, &b, err) != 0)
    return -1;
  const scn_link *l = scn_link_find(s, kind, a, b);
  long idx = l ? (long)(l - s->links) : scn_link_add(s, key, kind, a, b, pos);
  if (idx < 0)
    ss_error_oom(err, s->file, NULL);
  return idx;
}

long scn_limit_add(scn_scenario *s, const char *key, size_t a, size_t b,
                   scn_pos pos) {
  scn_constraints *c = &s->constraints;
  scn_link_limit *nl =
      realloc(c->link_limits, (c->n_link_limits + 1) * sizeof *nl);
  if (!nl)
    return -1;
  c->link_limits = nl;
  scn_link_limit *l = &c->link_limits[c->n_link_limits];
  memset(l, 0, sizeof *l);
  if (!(l->key = ss_strdup(key)))
    return -1;
  l->a = a;
  l->b = b;
  l->pos = pos;
  l->mb = NAN;
  return (long)c->n_link_limits++;
}

static int unknown_name(const scn_scenario *s, scn_pos pos, const char *path,
                        const char *name, int want_tier, ss_error *err) {
  char list[512], hint[200] = "";
  const char *names[64] = {NULL};
  size_t n = want_tier ? s->n_tiers : s->n_systems;
  if (n > 64)
    n = 64;
  for (size_t i = 0; i < n; i++)
    names[i] = want_tier ? s->tiers[i].name : s->systems[i].name;
  const char *best = ss_suggest(name, names, n);
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  ss_join(list, sizeof list, names, n);
  return scn_err_pos(err, s->file, pos, "unknown %s '%s' in '%s'%s (%s: %s)",
                     want_tier ? "tier" : "system", name, path, hint,
                     want_tier ? "tiers" : "systems in tiers", list);
}

static int unknown_path(const scn_scenario *s, scn_pos pos, const char *path,
                        const char *hint, ss_error *err) {
  return scn_err_pos(err, s->file, pos,
                     "unknown parameter path '%s'%s (valid forms: " PATH_FORMS
                     ")",
                     path, hint);
}

static int unknown_field(const scn_scenario *s, scn_pos pos, const char *path,
                         const char *field, const char *const *fields, size_t n,
                         ss_error *err) {
  char hint[200] = "", list[200];
  const char *best = ss_suggest(field, fields, n);
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  ss_join(list, sizeof list, fields, n);
  return scn_err_pos(err, s->file, pos,
                     "unknown field '%s' in parameter path '%s'%s (valid: %s)",
                     field, path, hint, list);
}

/* One parameter path being resolved: where it is written and the answer. */
typedef struct param_query {
  scn_scenario *s;
  const char *path;
  scn_pos pos;
  scn_param *out;
  ss_error *err;
} param_query;

static int unknown_query(const param_query *q) {
  return unknown_path(q->s, q->pos, q->path, "", q->err);
}

/* input_mb, result_mb: nothing after the head. */
static int resolve_size(const param_query *q, const char *head, char *rest) {
  if (rest)
    return unknown_query(q);
  q->out->kind = head[0] == 'i' ? SCN_PARAM_INPUT_MB : SCN_PARAM_RESULT_MB;
  q->out->index = 0;
  return 0;
}

/* links.<pair>.<field>: the link of the pair (added when new). */
static int resolve_link(const param_query *q, char *pair, int fi) {
  static const scn_param_kind link_kinds[] = {
      SCN_PARAM_LINK_LATENCY_MS, SCN_PARAM_LINK_BANDWIDTH_MBPS,
      SCN_PARAM_LINK_TRACE_SCALE, SCN_PARAM_LINK_TRACE_OFFSET_S};
  long idx = scn_link_of_pair(q->s, pair, q->pos, q->err);
  if (idx < 0)
    return -1;
  q->out->kind = link_kinds[fi];
  q->out->index = (size_t)idx;
  return 0;
}

/* links.<pair>.<field> and power.<system>.<field>. */
static int resolve_field(const param_query *q, const char *head, char *rest) {
  static const char *const link_fields[] = {"latency_ms", "bandwidth_mbps",
                                            "trace_scale", "trace_offset_s"};
  static const char *const power_fields[] = {"compute_power_w",
                                             "radio_power_w"};
  int is_link = head[0] == 'l';
  char *last = rest ? strrchr(rest, '.') : NULL;
  if (!last || last == rest || !last[1])
    return unknown_query(q);
  *last = '\0';
  const char *field = last + 1;
  const char *const *fields = is_link ? link_fields : power_fields;
  size_t n_fields = is_link ? 4 : 2;
  int fi = -1;
  for (size_t f = 0; f < n_fields && fi < 0; f++)
    if (strcmp(field, fields[f]) == 0)
      fi = (int)f;
  if (fi < 0)
    return unknown_field(q->s, q->pos, q->path, field, fields, n_fields,
                         q->err);
  if (is_link)
    return resolve_link(q, rest, fi);
  long idx = scn_system_index(q->s, rest);
  if (idx < 0)
    return unknown_name(q->s, q->pos, q->path, rest, 0, q->err);
  q->out->kind = fi == 0 ? SCN_PARAM_COMPUTE_POWER_W : SCN_PARAM_RADIO_POWER_W;
  q->out->index = (size_t)idx;
  return 0;
}

/* availability.<system>. */
static int resolve_availability(const param_query *q, const char *head,
                                char *rest) {
  (void)head;
  if (!rest || !*rest)
    return unknown_query(q);
  long idx = scn_system_index(q->s, rest);
  if (idx < 0)
    return unknown_name(q->s, q->pos, q->path, rest, 0, q->err);
  q->out->kind = SCN_PARAM_AVAILABILITY;
  q->out->index = (size_t)idx;
  return 0;
}

/* constraints.max_link_mb.<pair> and constraints.{min,max}_blocks.<tier>. */
static int resolve_constraint(const param_query *q, const char *head,
                              char *rest) {
  static const char *const cons[] = {"min_blocks", "max_blocks", "max_link_mb"};
  scn_scenario *s = q->s;
  (void)head;
  char *d2 = rest ? strchr(rest, '.') : NULL;
  if (!d2 || !d2[1])
    return unknown_query(q);
  *d2 = '\0';
  const char *arg = d2 + 1;
  long idx;
  if (strcmp(rest, "max_link_mb") == 0) {
    scn_link_kind kind;
    size_t a, b;
    if (scn_pair_resolve(s, arg, 1, q->pos, &kind, &a, &b, q->err) != 0)
      return -1;
    idx = scn_limit_find(s, a, b);
    if (idx < 0)
      idx = scn_limit_add(s, arg, a, b, q->pos);
    if (idx < 0)
      return ss_error_oom(q->err, s->file, NULL);
    q->out->kind = SCN_PARAM_MAX_LINK_MB;
  } else if (strcmp(rest, "min_blocks") == 0 ||
             strcmp(rest, "max_blocks") == 0) {
    idx = scn_tier_index(s, arg);
    if (idx < 0)
      return unknown_name(s, q->pos, q->path, arg, 1, q->err);
    q->out->kind = rest[1] == 'i' ? SCN_PARAM_MIN_BLOCKS : SCN_PARAM_MAX_BLOCKS;
  } else {
    return unknown_field(s, q->pos, q->path, rest, cons, 3, q->err);
  }
  q->out->index = (size_t)idx;
  return 0;
}

/* The first word of a parameter path, and what resolves the rest. */
static const struct {
  const char *head;
  int (*resolve)(const param_query *q, const char *head, char *rest);
} param_heads[] = {
    {"input_mb", resolve_size}, {"result_mb", resolve_size},
    {"links", resolve_field},   {"availability", resolve_availability},
    {"power", resolve_field},   {"constraints", resolve_constraint},
};
#define N_PARAM_HEADS (sizeof param_heads / sizeof *param_heads)

int scn_param_resolve_at(scn_scenario *s, const char *path, scn_pos pos,
                         scn_param *out, ss_error *err) {
  int wrc = scn_workload_param_resolve(s, path, pos, out, err);
  if (wrc <= 0)
    return wrc;
  char *buf = ss_strdup(path);
  if (!buf)
    return ss_error_oom(err, s->file, NULL);
  char *dot = strchr(buf, '.');
  char *rest = dot ? dot + 1 : NULL;
  if (dot)
    *dot = '\0';
  const char *head = buf;
  param_query q = {s, path, pos, out, err};
  const char *heads[N_PARAM_HEADS];
  for (size_t i = 0; i < N_PARAM_HEADS; i++) {
    if (strcmp(head, param_heads[i].head) == 0) {
      int rc = param_heads[i].resolve(&q, head, rest);
      free(buf);
      return rc;
    }
    heads[i] = param_heads[i].head;
  }
  char hint[600] = "";
  const char *best = ss_suggest(head, heads, N_PARAM_HEADS);
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s%s%s'?", best,
             rest ? "." : "", rest ? rest : "");
  unknown_path(s, pos, path, hint, err);
  free(buf);
  return -1;
}

int scn_param_resolve(scn_scenario *s, const char *path, scn_param *out,
                      ss_error *err) {
  scn_pos none = {0, 0};
  return scn_param_resolve_at(s, path, none, out, err);
}

int scn_param_set(scn_scenario *s, const scn_param *p, double value,
                  ss_error *err) {
  char why[200];
  if (scn_check_value(p->kind, value, why, sizeof why) != 0)
    return ss_error_set(err, s->file, NULL, "%s", why);
  switch (p->kind) {
  case SCN_PARAM_INPUT_MB:
    s->input_mb = value;
    s->input_mb_set = 1;
    break;
  case SCN_PARAM_RESULT_MB:
    s->result_mb = value;
    break;
  case SCN_PARAM_LINK_LATENCY_MS:
    s->links[p->index].latency_ms = value;
    s->links[p->index].has_latency_ms = 1;
    break;
  case SCN_PARAM_LINK_BANDWIDTH_MBPS:
    s->links[p->index].bandwidth_mbps = value;
    s->links[p->index].has_bandwidth_mbps = 1;
    break;
  case SCN_PARAM_AVAILABILITY:
    s->systems[p->index].availability = value;
    break;
  case SCN_PARAM_COMPUTE_POWER_W:
    s->systems[p->index].compute_power_w = value;
    break;
  case SCN_PARAM_RADIO_POWER_W:
    s->systems[p->index].radio_power_w = value;
    break;
  case SCN_PARAM_MIN_BLOCKS:
    s->constraints.min_blocks[p->index] = (long long)value;
    break;
  case SCN_PARAM_MAX_BLOCKS:
    s->constraints.max_blocks[p->index] = (long long)value;
    break;
  case SCN_PARAM_MAX_LINK_MB:
    s->constraints.link_limits[p->index].mb = value;
    break;
  case SCN_PARAM_LINK_TRACE_SCALE:
    s->links[p->index].trace_scale = value;
    break;
  case SCN_PARAM_LINK_TRACE_OFFSET_S:
    s->links[p->index].trace_offset_s = value;
    break;
  default:
    scn_workload_param_set(s, p, value);
    break;
  }
  return 0;
}

double scn_param_get(const scn_scenario *s, const scn_param *p) {
  switch (p->kind) {
  case SCN_PARAM_INPUT_MB:
    return s->input_mb_set ? s->input_mb : NAN;
  case SCN_PARAM_RESULT_MB:
    return s->result_mb;
  case SCN_PARAM_LINK_LATENCY_MS:
    return s->links[p->index].has_latency_ms ? s->links[p->index].latency_ms
                                             : NAN;
  case SCN_PARAM_LINK_BANDWIDTH_MBPS:
    return s->links[p->index].has_bandwidth_mbps
               ? s->links[p->index].bandwidth_mbps
               : NAN;
  case SCN_PARAM_AVAILABILITY:
    return s->systems[p->index].availability;
  case SCN_PARAM_COMPUTE_POWER_W:
    return s->systems[p->index].compute_power_w;
  case SCN_PARAM_RADIO_POWER_W:
    return s->systems[p->index].radio_power_w;
  case SCN_PARAM_MIN_BLOCKS:
    return (double)s->constraints.min_blocks[p->index];
  case SCN_PARAM_MAX_BLOCKS:
    return (double)s->constraints.max_blocks[p->index];
  case SCN_PARAM_MAX_LINK_MB:
    return s->constraints.link_limits[p->index].mb;
  case SCN_PARAM_LINK_TRACE_SCALE:
    return s->links[p->index].trace_scale;
  case SCN_PARAM_LINK_TRACE_OFFSET_S:
    return s->links[p->index].trace_offset_s;
  default:
    return scn_workload_param_get(s, p);
  }
}

int scn_set_param(scn_scenario *s, const char *path, double value,
                  ss_error *err) {
  scn_param p;
  if (scn_param_resolve(s, path, &p, err) != 0)
    return -1;
  if (scn_param_set(s, &p, value, err) != 0)
    return ss_error_prefix(err, "%s", path);
  return 0;
}

int scn_axis_generate(scn_axis *ax, size_t n) {
  double *v = malloc(n * sizeof *v);
  if (!v)
    return -1;
  if (ax->form == SCN_AXIS_LOG) {
    double lf = log10(ax->from), lt = log10(ax->to);
    for (size_t i = 0; i < n; i++)
      v[i] = n > 1 ? pow(10.0, lf + (lt - lf) * (double)i / (double)(n - 1))
                   : ax->from;
  } else {
    for (size_t i = 0; i < n; i++)
      v[i] = n > 1
                 ? ax->from + (ax->to - ax->from) * (double)i / (double)(n - 1)
                 : ax->from;
  }
  /* exact ends; rounding never steps outside [from, to] */
  for (size_t i = 0; i < n; i++) {
    if (v[i] < ax->from)
      v[i] = ax->from;
    if (v[i] > ax->to)
      v[i] = ax->to;
  }
  v[0] = ax->from;
  if (n > 1)
    v[n - 1] = ax->to;
  free(ax->values);
  ax->values = v;
  ax->n_values = n;
  return 0;
}

int scn_sweep_build_groups(scn_scenario *s, scn_pos *zip_pos, scn_pos sweep_pos,
                           ss_error *err) {
  if (!s->n_axes)
    return 0;
  s->groups = calloc(s->n_axes, sizeof *s->groups);
  if (!s->groups)
    return ss_error_oom(err, s->file, NULL);
  for (size_t i = 0; i < s->n_axes; i++) {
    scn_axis *ax = &s->axes[i];
    size_t g = s->n_groups;
    for (size_t j = 0; ax->zip && j < i; j++)
      if (s->axes[j].zip && strcmp(s->axes[j].zip, ax->zip) == 0) {
        g = s->axes[j].group;
        break;
      }
    scn_group *grp = &s->groups[g];
    if (g == s->n_groups) {
      s->n_groups++;
      grp->n_values = ax->n_values;
    } else if (grp->n_values != ax->n_values) {
      const scn_axis *first = &s->axes[grp->axes[0]];
      char at[32];
      scn_pos_format(first->pos, at, sizeof at);
      return scn_err_pos(err, s->file, zip_pos[i],
                         "zip group '%s': axis '%s' has %zu values but '%s' "
                         "(at %s) has %zu; zipped axes must have equal "
                         "lengths",
                         ax->zip, ax->param, ax->n_values, first->param, at,
                         grp->n_values);
    }
    size_t *na = realloc(grp->axes, (grp->n_axes + 1) * sizeof *na);
    if (!na)
      return ss_error_oom(err, s->file, NULL);
    grp->axes = na;
    grp->axes[grp->n_axes++] = i;
    ax->group = g;
  }
  size_t count = 1;
  for (size_t g = 0; g < s->n_groups; g++) {
    size_t n = s->groups[g].n_values;
    if (count > SCN_MAX_SWEEP_POINTS / n)
      return scn_err_pos(err, s->file, sweep_pos,
                         "the sweep has more than %zu points; use fewer "
                         "values or zip axes together",
                         SCN_MAX_SWEEP_POINTS);
    count *= n;
  }
  return 0;
}

size_t scn_sweep_count(const scn_scenario *s) {
  size_t count = 1;
  for (size_t g = 0; g < s->n_groups; g++)
    count *= s->groups[g].n_values;
  return count;
}

void scn_sweep_point(const scn_scenario *s, size_t index, double *values) {
  for (size_t g = s->n_groups; g-- > 0;) {
    const scn_group *grp = &s->groups[g];
    size_t k = index % grp->n_values;
    index /= grp->n_values;
    for (size_t j = 0; j < grp->n_axes; j++)
      values[grp->axes[j]] = s->axes[grp->axes[j]].values[k];
  }
}

int scn_apply_point(scn_scenario *s, size_t index, ss_error *err) {
  for (size_t g = s->n_groups; g-- > 0;) {
    const scn_group *grp = &s->groups[g];
    size_t k = index % grp->n_values;
    index /= grp->n_values;
    for (size_t j = 0; j < grp->n_axes; j++) {
      const scn_axis *ax = &s->axes[grp->axes[j]];
      if (scn_param_set(s, &ax->target, ax->values[k], err) != 0)
        return ss_error_prefix(err, "%s", ax->param);
    }
  }
  return 0;
}
