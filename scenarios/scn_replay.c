/* The replay: section: re-partitioning policies replayed over bandwidth
 * traces (docs/traces.md). Loading with positions (the trace list expanded
 * from files, folders and globs), free, copy, compare and the resolved
 * YAML. The traces themselves are read by sim/sim_trace.h when the replay
 * runs. */
/* realpath and glob are XSI/POSIX functions */
#define _XOPEN_SOURCE 700
#include "scn_internal.h"

#include "../common/ss_dir.h"
#include "../common/ss_text.h"
#include "../common/ss_yaml.h"

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const policy_names[] = {"static", "periodic", "oracle"};
static const char *const estimator_names[] = {"last", "mean", "harmonic"};
static const char *const sharing_names[] = {"fifo", "fair"};

const char *scn_replay_policy_name(scn_replay_policy p) {
  return (unsigned)p < SCN_N_REPLAY_POLICIES ? policy_names[p] : "?";
}
const char *scn_estimator_name(scn_estimator e) {
  return (unsigned)e < 3 ? estimator_names[e] : "?";
}
const char *scn_sharing_name(scn_sharing s) {
  return (unsigned)s < 2 ? sharing_names[s] : "?";
}

#define DEFAULT_CHARTS 8
#define MAX_CHARTS 1000LL

/* ---- free, copy, compare ------------------------------------------------ */

static void strs_free(char **v, size_t n) {
  for (size_t i = 0; v && i < n; i++)
    free(v[i]);
  free(v);
}

void scn_replay_free(scn_replay *r) {
  if (!r)
    return;
  strs_free(r->link_keys, r->n_links);
  free(r->link_index);
  strs_free(r->traces_raw, r->n_traces_raw);
  strs_free(r->traces, r->n_traces);
  free(r);
}

static char **strs_copy(char *const *v, size_t n, int *ok) {
  if (!n)
    return NULL;
  char **d = calloc(n, sizeof *d);
  if (!d) {
    *ok = 0;
    return NULL;
  }
  for (size_t i = 0; i < n; i++)
    if (!(d[i] = ss_strdup(v[i])))
      *ok = 0;
  return d;
}

scn_replay *scn_replay_copy(const scn_replay *r) {
  scn_replay *d = malloc(sizeof *d);
  if (!d)
    return NULL;
  *d = *r;
  int ok = 1;
  d->link_keys = strs_copy(r->link_keys, r->n_links, &ok);
  d->link_index = malloc(r->n_links * sizeof *d->link_index);
  if (d->link_index)
    memcpy(d->link_index, r->link_index, r->n_links * sizeof *d->link_index);
  else
    ok = 0;
  if (!d->link_keys)
    d->n_links = 0;
  d->traces_raw = strs_copy(r->traces_raw, r->n_traces_raw, &ok);
  d->traces = strs_copy(r->traces, r->n_traces, &ok);
  if (!ok || (r->n_traces_raw && !d->traces_raw) ||
      (r->n_traces && !d->traces)) {
    if (!d->traces_raw)
      d->n_traces_raw = 0;
    if (!d->traces)
      d->n_traces = 0;
    scn_replay_free(d);
    return NULL;
  }
  return d;
}

int scn_replay_equal(const scn_replay *a, const scn_replay *b) {
  if (!a || !b)
    return a == b;
  if (a->n_links != b->n_links || a->n_traces != b->n_traces ||
      a->rate_hz != b->rate_hz || a->n_policies != b->n_policies ||
      a->interval_s != b->interval_s || a->estimator != b->estimator ||
      a->switch_cost_ms != b->switch_cost_ms ||
      a->has_deadline != b->has_deadline ||
      (a->has_deadline && a->deadline_ms != b->deadline_ms) ||
      a->has_static_bandwidth != b->has_static_bandwidth ||
      (a->has_static_bandwidth &&
       a->static_bandwidth_mbps != b->static_bandwidth_mbps) ||
      a->charts != b->charts)
    return 0;
  for (size_t i = 0; i < a->n_traces; i++)
    if (strcmp(a->traces[i], b->traces[i]) != 0)
      return 0;
  for (size_t i = 0; i < a->n_links; i++)
    if (strcmp(a->link_keys[i], b->link_keys[i]) != 0 ||
        a->link_index[i] != b->link_index[i])
      return 0;
  for (size_t i = 0; i < a->n_policies; i++)
    if (a->policies[i] != b->policies[i])
      return 0;
  return 1;
}

/* ---- expanding the trace list ------------------------------------------- */

typedef struct str_list {
  char **v;
  size_t n, cap;
} str_list;

static int list_add(str_list *l, const char *path) {
  void *v = l->v;
  if (ss_grow(&v, &l->cap, l->n + 1, sizeof *l->v, 64) != 0)
    return -1;
  l->v = v;
  char *abs = realpath(path, NULL);
  if (!abs)
    return -1;
  l->v[l->n++] = abs;
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int visible_file(const char *dir, const char *name, const void *ctx) {
  return name[0] != '.' && ss_dir_keep_files(dir, name, ctx);
}

/* Every regular, non-hidden file of a folder (errno says why on -1). */
static int add_folder(str_list *l, const char *dir) {
  char **names;
  size_t n;
  if (ss_dir_list(dir, visible_file, NULL, &names, &n, NULL) != 0)
    return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    size_t need = strlen(dir) + strlen(names[i]) + 2;
    char *p = malloc(need);
    if (!p) {
      rc = -1;
      break;
    }
    snprintf(p, need, "%s/%s", dir, names[i]);
    rc = list_add(l, p);
    free(p);
  }
  ss_dir_names_free(names, n);
  return rc;
}

/* Expand one entry (file, folder or glob) into l; a message on failure. */
static int expand_one(scn_loader *L, const scn_node *n, const char *text,
                      str_list *l) {
  size_t need = strlen(L->base_dir) + strlen(text) + 2;
  char *joined = malloc(need);
  if (!joined)
    return scn_ld_oom(L);
  snprintf(joined, need, text[0] == '/' ? "%s%s" : "%s/%s",
           text[0] == '/' ? "" : L->base_dir, text);
  size_t before = l->n;
  int rc = 0;
  struct stat st;
  if (strpbrk(text, "*?[")) {
    glob_t g;
    int gr = glob(joined, 0, NULL, &g);
    for (size_t i = 0; gr == 0 && rc == 0 && i < g.gl_pathc; i++)
      if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
        rc = list_add(l, g.gl_pathv[i]);
    if (gr == 0)
      globfree(&g);
  } else if (stat(joined, &st) == 0) {
    rc = S_ISDIR(st.st_mode) ? add_folder(l, joined) : list_add(l, joined);
  }
  if (rc != 0) {
    free(joined);
    return scn_ld_fail(L, n->pos, "replay.traces: cannot read '%s': %s", text,
                       strerror(errno));
  }
  if (l->n == before)
    rc = scn_ld_fail(L, n->pos,
                     "replay.traces: no trace file matches '%s' (relative "
                     "paths resolve against the scenario file's folder: "
                     "looked for '%s')",
                     text, joined);
  free(joined);
  return rc;
}

/* traces: one entry or a list of entries; sorted, duplicates dropped. */
static int load_traces(scn_loader *L, scn_replay *r, const scn_node *n) {
  size_t count = n->kind == SCN_NODE_SEQ ? n->n : 1;
  if (n->kind == SCN_NODE_MAP || count == 0)
    return scn_ld_fail(L, n->pos,
                       "replay.traces: expected a file, a folder, a glob or "
                       "a list of them");
  r->traces_pos = n->pos;
  if (!(r->traces_raw = calloc(count, sizeof *r->traces_raw)))
    return scn_ld_oom(L);
  str_list l = {0};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < count; i++) {
    const scn_node *x = n->kind == SCN_NODE_SEQ ? n->items[i] : n;
    const char *text;
    if ((rc = scn_ld_name(L, x, "replay.traces", &text)) != 0)
      break;
    if (!(r->traces_raw[i] = ss_strdup(text))) {
      rc = scn_ld_oom(L);
      break;
    }
    r->n_traces_raw = i + 1;
    rc = expand_one(L, x, text, &l);
    if (rc == 0 && l.n > SCN_MAX_REPLAY_TRACES)
      rc = scn_ld_fail(L, x->pos, "replay.traces: more than %zu files",
                       SCN_MAX_REPLAY_TRACES);
  }
  if (l.n)
    qsort(l.v, l.n, sizeof *l.v, cmp_str);
  size_t kept = 0;
  for (size_t i = 0; i < l.n; i++) {
    if (kept && strcmp(l.v[kept - 1], l.v[i]) == 0)
      free(l.v[i]);
    else
      l.v[kept++] = l.v[i];
  }
  r->traces = l.v;
  r->n_traces = kept;
  return rc;
}

/* ---- the other keys ------------------------------------------------------ */

static int name_index(scn_loader *L, const scn_node *n, const char *label,
                      const char *const *names, size_t n_names, int *out) {
  const char *text;
  if (scn_ld_name(L, n, label, &text) != 0)
    return -1;
  for (size_t i = 0; i < n_names; i++)
    if (strcmp(text, names[i]) == 0) {
      *out = (int)i;
      return 0;
    }
  char hint[100] = "", list[200];
  const char *best = ss_suggest(text, names, n_names);
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  ss_join(list, sizeof list, names, n_names);
  return scn_ld_fail(L, n->pos, "%s: unknown value '%s'%s (valid: %s)", label,
                     text, hint, list);
}

static int load_policies(scn_loader *L, scn_replay *r, const scn_node *n) {
  if (scn_ld_kind(L, n, SCN_NODE_SEQ, "replay.policies") != 0)
    return -1;
  if (n->n == 0 || n->n > SCN_N_REPLAY_POLICIES)
    return scn_ld_fail(L, n->pos,
                       "replay.policies: list 1 to 3 of static, periodic, "
                       "oracle");
  for (size_t i = 0; i < n->n; i++) {
    int p;
    if (name_index(L, n->items[i], "replay.policies", policy_names,
                   SCN_N_REPLAY_POLICIES, &p) != 0)
      return -1;
    for (size_t j = 0; j < i; j++)
      if (r->policies[j] == (scn_replay_policy)p)
        return scn_ld_fail(L, n->items[i]->pos,
                           "replay.policies: '%s' is listed twice",
                           policy_names[p]);
    r->policies[i] = (scn_replay_policy)p;
  }
  r->n_policies = n->n;
  return 0;
}

/* A number > 0 (or >= 0 when zero_ok) at key `key` of map m, if present. */
static int get_pos_number(scn_loader *L, const scn_node *m, const char *key,
                          int zero_ok, double *out, int *has) {
  const scn_node *x = scn_ld_get(m, key, NULL);
  if (!x)
    return 0;
  char label[64];
  snprintf(label, sizeof label, "replay.%s", key);
  double v;
  if (scn_ld_number(L, x, label, &v) != 0)
    return -1;
  if (zero_ok ? !(v >= 0) : !(v > 0))
    return scn_ld_fail(L, x->pos, "%s must be %s, got %g", label,
                       zero_ok ? ">= 0" : "> 0", v);
  *out = v;
  if (has)
    *has = 1;
  return 0;
}

/* One link key; found in links: or added there (values then come from the
 * network file). */
static int load_link_one(scn_loader *L, scn_replay *r, const scn_node *n) {
  scn_scenario *s = L->s;
  const char *key;
  if (scn_ld_name(L, n, "replay.link", &key) != 0)
    return -1;
  long idx = scn_link_of_pair(s, key, n->pos, L->err);
  if (idx < 0)
    return -1;
  if (!(r->link_keys[r->n_links] = ss_strdup(key)))
    return scn_ld_oom(L);
  for (size_t i = 0; i < r->n_links; i++)
    if (r->link_index[i] == (size_t)idx) {
      free(r->link_keys[r->n_links]);
      return scn_ld_fail(L, n->pos, "replay.link: '%s' is listed twice", key);
    }
  r->link_index[r->n_links++] = (size_t)idx;
  return 0;
}

/* link: one link key or a list of them (one shared access network). */
static int load_link(scn_loader *L, scn_replay *r, const scn_node *n) {
  size_t count = n->kind == SCN_NODE_SEQ ? n->n : 1;
  r->link_pos = n->pos;
  if (n->kind == SCN_NODE_MAP || count == 0 || count > SCN_MAX_REPLAY_LINKS)
    return scn_ld_fail(L, n->pos,
                       "replay.link: expected a link key (e.g. device-edge) "
                       "or a list of 1 to %d of them",
                       SCN_MAX_REPLAY_LINKS);
  r->link_keys = calloc(count, sizeof *r->link_keys);
  r->link_index = calloc(count, sizeof *r->link_index);
  if (!r->link_keys || !r->link_index)
    return scn_ld_oom(L);
  for (size_t i = 0; i < count; i++)
    if (load_link_one(L, r, n->kind == SCN_NODE_SEQ ? n->items[i] : n) != 0)
      return -1;
  return 0;
}

static int load_numbers(scn_loader *L, scn_replay *r, const scn_node *n) {
  const scn_node *x;
  if (get_pos_number(L, n, "rate_hz", 0, &r->rate_hz, NULL) != 0 ||
      get_pos_number(L, n, "interval_s", 0, &r->interval_s, NULL) != 0 ||
      get_pos_number(L, n, "switch_cost_ms", 1, &r->switch_cost_ms, NULL) !=
          0 ||
      get_pos_number(L, n, "deadline_ms", 0, &r->deadline_ms,
                     &r->has_deadline) != 0 ||
      get_pos_number(L, n, "static_bandwidth_mbps", 0,
                     &r->static_bandwidth_mbps, &r->has_static_bandwidth) != 0)
    return -1;
  if ((x = scn_ld_get(n, "charts", NULL))) {
    long long c;
    if (scn_ld_whole(L, x, "replay.charts", 0, MAX_CHARTS, &c) != 0)
      return -1;
    r->charts = (size_t)c;
  }
  return 0;
}

static int load_body(scn_loader *L, scn_replay *r, const scn_node *n) {
  static const char *const keys[] = {
      "link",           "traces",      "rate_hz",
      "policies",       "interval_s",  "estimator",
      "switch_cost_ms", "deadline_ms", "static_bandwidth_mbps",
      "charts"};
  if (scn_ld_kind(L, n, SCN_NODE_MAP, "replay") != 0 ||
      scn_ld_keys(L, n, keys, sizeof keys / sizeof *keys, "replay") != 0)
    return -1;
  const scn_node *x = scn_ld_get(n, "link", NULL);
  if (!x)
    return scn_ld_fail(L, r->pos,
                       "replay: needs link: (the link whose bandwidth follows "
                       "the traces, e.g. device-edge)");
  if (load_link(L, r, x) != 0 || load_numbers(L, r, n) != 0)
    return -1;
  if ((x = scn_ld_get(n, "policies", NULL)) && load_policies(L, r, x) != 0)
    return -1;
  int e;
  if ((x = scn_ld_get(n, "estimator", NULL))) {
    if (name_index(L, x, "replay.estimator", estimator_names, 3, &e) != 0)
      return -1;
    r->estimator = (scn_estimator)e;
  }
  if ((x = scn_ld_get(n, "traces", NULL)))
    return load_traces(L, r, x);
  const scn_link *l = &L->s->links[r->link_index[0]];
  if (!l->trace)
    return scn_ld_fail(L, r->pos,
                       "replay: needs traces: (a file, a folder or a glob), "
                       "or a trace: on links.%s",
                       r->link_keys[0]);
  if (!(r->traces = calloc(1, sizeof *r->traces)) ||
      !(r->traces[0] = ss_strdup(l->trace)))
    return scn_ld_oom(L);
  r->n_traces = 1;
  return 0;
}

int scn_load_replay(scn_loader *L, const scn_node *root) {
  const scn_node *key = NULL;
  const scn_node *n = scn_ld_get(root, "replay", &key);
  if (!n || scn_node_is_null(n))
    return 0;
  scn_replay *r = calloc(1, sizeof *r);
  if (!r)
    return scn_ld_oom(L);
  L->s->replay = r;
  r->pos = key ? key->pos : n->pos;
  r->rate_hz = 10;
  r->interval_s = 5;
  r->estimator = SCN_ESTIMATOR_HARMONIC;
  r->n_policies = SCN_N_REPLAY_POLICIES;
  for (size_t i = 0; i < SCN_N_REPLAY_POLICIES; i++)
    r->policies[i] = (scn_replay_policy)i;
  r->charts = DEFAULT_CHARTS;
  return load_body(L, r, n);
}

/* ---- resolved YAML ------------------------------------------------------- */

void scn_write_replay(const scn_scenario *s, FILE *fp) {
  const scn_replay *r = s->replay;
  if (!r)
    return;
  fputs("replay:\n  link: [", fp);
  for (size_t i = 0; i < r->n_links; i++) {
    if (i)
      fputs(", ", fp);
    ss_yaml_quoted(fp, r->link_keys[i]);
  }
  fputs("]\n  traces:\n", fp);
  for (size_t i = 0; i < r->n_traces; i++) {
    fputs("    - ", fp);
    ss_yaml_quoted(fp, r->traces[i]);
    fputc('\n', fp);
  }
  fputs("  rate_hz: ", fp);
  scn_yaml_num(fp, r->rate_hz);
  fputs("\n  policies: [", fp);
  for (size_t i = 0; i < r->n_policies; i++)
    fprintf(fp, "%s%s", i ? ", " : "", scn_replay_policy_name(r->policies[i]));
  fputs("]\n  interval_s: ", fp);
  scn_yaml_num(fp, r->interval_s);
  fprintf(fp, "\n  estimator: %s\n  switch_cost_ms: ",
          scn_estimator_name(r->estimator));
  scn_yaml_num(fp, r->switch_cost_ms);
  if (r->has_deadline) {
    fputs("\n  deadline_ms: ", fp);
    scn_yaml_num(fp, r->deadline_ms);
  }
  if (r->has_static_bandwidth) {
    fputs("\n  static_bandwidth_mbps: ", fp);
    scn_yaml_num(fp, r->static_bandwidth_mbps);
  }
  fprintf(fp, "\n  charts: %zu\n", r->charts);
}
