/* The load-simulation sections of a scenario: workload: (client groups,
 * request counts, replications, service distribution, policies), servers:
 * and queue_limit: (per system). Loading with positions, free, copy,
 * compare and the resolved YAML. Reference: docs/simulation.md. */
#include "scn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_mem.h"
#include "../common/ss_text.h"
#include "../common/ss_yaml.h"

/* ---- names ------------------------------------------------------------- */

/* The policies, one row each, in scn_policy order: the name a scenario
 * gives in workload.policies and what it does. How each picks its routes is
 * its row in wl_policy_table (sim/sim_workload_run.c). */
typedef struct policy_row {
  scn_policy id;
  const char *name;
  const char *description;
} policy_row;
static const policy_row policy_table[] = {
    {SCN_POLICY_STATIC, "static",
     "every client group on its idle-world optimum placement"},
    {SCN_POLICY_LOAD_AWARE, "load-aware",
     "one placement per group, re-ranked with predicted queueing delays "
     "(M/G/c) to a fixed point of the groups' best responses"},
    {SCN_POLICY_ADAPTIVE, "adaptive",
     "per request among the group's top_k placements, by expected finish "
     "time given the current backlogs"},
};
_Static_assert(sizeof policy_table / sizeof *policy_table == SCN_N_POLICIES,
               "one policy_table row per scn_policy");
static const char *const service_names[] = {"deterministic", "exponential",
                                            "lognormal"};
static const char *const arrival_names[] = {"poisson", "periodic"};

const char *scn_policy_name(scn_policy p) {
  return (unsigned)p < SCN_N_POLICIES ? policy_table[p].name : "unknown";
}
const char *scn_policy_description(scn_policy p) {
  return (unsigned)p < SCN_N_POLICIES ? policy_table[p].description : "";
}
const char *scn_service_name(scn_service s) {
  return (unsigned)s < 3 ? service_names[s] : "unknown";
}
const char *scn_arrival_name(scn_arrival a) {
  return (unsigned)a < 2 ? arrival_names[a] : "unknown";
}

/* ---- free / copy / equal ------------------------------------------------ */

void scn_workload_free(scn_workload *w) {
  if (!w)
    return;
  for (size_t i = 0; i < w->n_clients; i++)
    free(w->clients[i].model);
  free(w->clients);
  free(w->servers);
  free(w->queue_limit);
  free(w->servers_pos);
  free(w->queue_limit_pos);
  free(w);
}

scn_workload *scn_workload_copy(const scn_workload *w, size_t n_systems,
                                int *ok) {
  if (!w)
    return NULL;
  scn_workload *d = malloc(sizeof *d);
  if (!d) {
    *ok = 0;
    return NULL;
  }
  *d = *w;
  d->clients = scn_dup_array(w->clients, w->n_clients, sizeof *w->clients, ok);
  if (!d->clients)
    d->n_clients = 0;
  for (size_t i = 0; i < d->n_clients; i++)
    d->clients[i].model = NULL;
  for (size_t i = 0; i < d->n_clients; i++)
    if (!(d->clients[i].model = ss_strdup(w->clients[i].model)))
      *ok = 0;
  size_t ns = n_systems;
  d->servers = scn_dup_array(w->servers, ns, sizeof(double), ok);
  d->queue_limit = scn_dup_array(w->queue_limit, ns, sizeof(double), ok);
  d->servers_pos = scn_dup_array(w->servers_pos, ns, sizeof(scn_pos), ok);
  d->queue_limit_pos =
      scn_dup_array(w->queue_limit_pos, ns, sizeof(scn_pos), ok);
  return d;
}

static int deq(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

int scn_workload_equal(const scn_workload *a, const scn_workload *b,
                       size_t n_systems) {
  if (!a || !b)
    return a == b;
  if (a->n_clients != b->n_clients || a->requests != b->requests ||
      !deq(a->duration_s, b->duration_s) ||
      a->warmup_requests != b->warmup_requests ||
      a->replications != b->replications || a->seed != b->seed ||
      a->service != b->service || !deq(a->service_sigma, b->service_sigma) ||
      a->n_policies != b->n_policies || a->top_k != b->top_k)
    return 0;
  for (size_t i = 0; i < a->n_policies; i++)
    if (a->policies[i] != b->policies[i])
      return 0;
  for (size_t i = 0; i < a->n_clients; i++) {
    const scn_clients *x = &a->clients[i], *y = &b->clients[i];
    if (!deq(x->count, y->count) || strcmp(x->model, y->model) != 0 ||
        x->arrival != y->arrival || !deq(x->rate_hz, y->rate_hz) ||
        !deq(x->jitter_ms, y->jitter_ms) ||
        !deq(x->deadline_ms, y->deadline_ms))
      return 0;
  }
  for (size_t i = 0; i < n_systems; i++)
    if (!deq(a->servers[i], b->servers[i]) ||
        !deq(a->queue_limit[i], b->queue_limit[i]))
      return 0;
  return 1;
}

/* ---- loading ------------------------------------------------------------ */

static const scn_node *opt_get(const scn_node *map, const char *key) {
  const scn_node *v = scn_ld_get(map, key, NULL);
  return v && !scn_node_is_null(v) ? v : NULL;
}

/* A number > 0 (strict) or >= 0 at n. */
static int positive(scn_loader *L, const scn_node *n, const char *label,
                    int strict, double *out) {
  if (scn_ld_number(L, n, label, out) != 0)
    return -1;
  if (strict ? !(*out > 0) : !(*out >= 0))
    return scn_ld_fail(L, n->pos, "%s must be %s 0, got %s", label,
                       strict ? ">" : ">=", n->text);
  return 0;
}

static int load_arrival(scn_loader *L, const scn_node *n, const char *label,
                        scn_clients *c) {
  static const char *const keys[] = {"poisson", "periodic", "jitter_ms"};
  char lab[160];
  if (scn_ld_kind(L, n, SCN_NODE_MAP, label) != 0 ||
      scn_ld_keys(L, n, keys, 3, label) != 0)
    return -1;
  const scn_node *po = opt_get(n, "poisson"), *pe = opt_get(n, "periodic");
  const scn_node *ji = opt_get(n, "jitter_ms");
  if (!po == !pe)
    return scn_ld_fail(L, n->pos,
                       "%s: give exactly one of {poisson: RATE_HZ} and "
                       "{periodic: FPS, jitter_ms: J}",
                       label);
  c->arrival = po ? SCN_ARRIVAL_POISSON : SCN_ARRIVAL_PERIODIC;
  snprintf(lab, sizeof lab, "%s.%s", label, po ? "poisson" : "periodic");
  if (positive(L, po ? po : pe, lab, 1, &c->rate_hz) != 0)
    return -1;
  c->arrival_pos = (po ? po : pe)->pos;
  c->jitter_ms = 0;
  if (ji) {
    snprintf(lab, sizeof lab, "%s.jitter_ms", label);
    if (po)
      return scn_ld_fail(
          L, ji->pos, "%s: jitter_ms applies to periodic arrivals only", label);
    if (positive(L, ji, lab, 0, &c->jitter_ms) != 0)
      return -1;
  }
  return 0;
}

static int load_client(scn_loader *L, const scn_node *n, size_t i,
                       scn_clients *c) {
  static const char *const keys[] = {"count", "model", "arrival",
                                     "deadline_ms"};
  char label[96], lab[128];
  snprintf(label, sizeof label, "workload.clients.%zu", i);
  c->pos = n->pos;
  c->deadline_ms = INFINITY;
  if (scn_ld_kind(L, n, SCN_NODE_MAP, label) != 0 ||
      scn_ld_keys(L, n, keys, 4, label) != 0)
    return -1;
  const scn_node *v;
  long long count = 1;
  if ((v = opt_get(n, "count"))) {
    snprintf(lab, sizeof lab, "%s.count", label);
    if (scn_ld_whole(L, v, lab, 1, SCN_MAX_CLIENTS, &count) != 0)
      return -1;
    c->count_pos = v->pos;
  }
  c->count = (double)count;
  const char *model;
  if (!(v = opt_get(n, "model")))
    return scn_ld_fail(L, n->pos, "%s: missing 'model'", label);
  snprintf(lab, sizeof lab, "%s.model", label);
  if (scn_ld_name(L, v, lab, &model) != 0)
    return -1;
  if (!(c->model = ss_strdup(model)))
    return scn_ld_oom(L);
  c->model_pos = v->pos;
  if (!(v = opt_get(n, "arrival")))
    return scn_ld_fail(L, n->pos, "%s: missing 'arrival'", label);
  snprintf(lab, sizeof lab, "%s.arrival", label);
  if (load_arrival(L, v, lab, c) != 0)
    return -1;
  if ((v = opt_get(n, "deadline_ms"))) {
    snprintf(lab, sizeof lab, "%s.deadline_ms", label);
    if (positive(L, v, lab, 1, &c->deadline_ms) != 0)
      return -1;
    c->deadline_pos = v->pos;
  }
  return 0;
}

static int load_clients(scn_loader *L, const scn_node *n, scn_workload *w) {
  if (scn_ld_kind(L, n, SCN_NODE_SEQ, "workload.clients") != 0)
    return -1;
  if (n->n == 0)
    return scn_ld_fail(L, n->pos, "workload.clients: empty list of clients");
  if (n->n > SCN_MAX_CLIENT_GROUPS)
    return scn_ld_fail(L, n->pos, "workload.clients: more than %d groups",
                       SCN_MAX_CLIENT_GROUPS);
  if (!(w->clients = calloc(n->n, sizeof *w->clients)))
    return scn_ld_oom(L);
  for (size_t i = 0; i < n->n; i++) {
    w->n_clients = i + 1;
    if (load_client(L, n->items[i], i, &w->clients[i]) != 0)
      return -1;
  }
  return 0;
}

static int load_policies(scn_loader *L, const scn_node *n, scn_workload *w) {
  const char *policy_names[SCN_N_POLICIES];
  char list[200];
  for (size_t k = 0; k < SCN_N_POLICIES; k++)
    policy_names[k] = policy_table[k].name;
  ss_join(list, sizeof list, policy_names, SCN_N_POLICIES);
  if (scn_ld_kind(L, n, SCN_NODE_SEQ, "workload.policies") != 0)
    return -1;
  if (n->n == 0 || n->n > SCN_N_POLICIES)
    return scn_ld_fail(L, n->pos, "workload.policies: list 1 to %d of %s",
                       SCN_N_POLICIES, list);
  for (size_t i = 0; i < n->n; i++) {
    const char *name;
    if (scn_ld_name(L, n->items[i], "workload.policies", &name) != 0)
      return -1;
    int k = 0;
    while (k < SCN_N_POLICIES && strcmp(name, policy_names[k]) != 0)
      k++;
    if (k == SCN_N_POLICIES) {
      const char *best = ss_suggest(name, policy_names, SCN_N_POLICIES);
      char hint[120] = "";
      if (best)
        snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
      return scn_ld_fail(L, n->items[i]->pos,
                         "unknown policy '%s'%s (policies: %s)", name, hint,
                         list);
    }
    for (size_t j = 0; j < i; j++)
      if (w->policies[j] == policy_table[k].id)
        return scn_ld_fail(L, n->items[i]->pos,
                           "workload.policies: '%s' is listed twice", name);
    w->policies[i] = policy_table[k].id;
    w->n_policies = i + 1;
  }
  return 0;
}

static int load_service(scn_loader *L, const scn_node *n, scn_workload *w) {
  const char *name;
  if (scn_ld_name(L, n, "workload.service", &name) != 0)
    return -1;
  for (int k = 0; k < 3; k++)
    if (strcmp(name, service_names[k]) == 0) {
      w->service = (scn_service)k;
      return 0;
    }
  return scn_ld_fail(L, n->pos,
                     "unknown service distribution '%s' (deterministic, "
                     "exponential, lognormal)",
                     name);
}

/* requests: or duration_s: (exactly one; requests by default), then the
 * default warm-up. */
static int load_measure(scn_loader *L, const scn_node *n, scn_workload *w) {
  const scn_node *v = opt_get(n, "requests"), *d = opt_get(n, "duration_s");
  long long x;
  w->requests = 20000;
  if (v && d)
    return scn_ld_fail(L, d->pos,
                       "workload: give either requests or duration_s, "
                       "not both");
  if (v) {
    if (scn_ld_whole(L, v, "workload.requests", 1,
                     (long long)SCN_MAX_SIM_REQUESTS, &x) != 0)
      return -1;
    w->requests = (unsigned long long)x;
  }
  w->warmup_requests = w->requests / 10;
  if (!d)
    return 0;
  if (scn_ld_number(L, d, "workload.duration_s", &w->duration_s) != 0)
    return -1;
  if (!(w->duration_s > 0) || !isfinite(w->duration_s))
    return scn_ld_fail(L, d->pos,
                       "workload.duration_s must be a finite number > 0, "
                       "got %s",
                       d->text);
  w->duration_pos = d->pos;
  double rate_hz = 0;
  for (size_t i = 0; i < w->n_clients; i++)
    rate_hz += w->clients[i].count * w->clients[i].rate_hz;
  double warm = floor(0.1 * w->duration_s * rate_hz + 0.5);
  w->requests = 0;
  w->warmup_requests = warm < (double)SCN_MAX_SIM_REQUESTS
                           ? (unsigned long long)warm
                           : SCN_MAX_SIM_REQUESTS;
  return 0;
}

/* The scalar keys of workload:. */
static int load_counts(scn_loader *L, const scn_node *n, scn_workload *w) {
  const scn_node *v;
  long long x;
  if (load_measure(L, n, w) != 0)
    return -1;
  if ((v = opt_get(n, "warmup_requests"))) {
    if (scn_ld_whole(L, v, "workload.warmup_requests", 0,
                     (long long)SCN_MAX_SIM_REQUESTS, &x) != 0)
      return -1;
    w->warmup_requests = (unsigned long long)x;
  }
  w->replications = 5;
  if ((v = opt_get(n, "replications"))) {
    if (scn_ld_whole(L, v, "workload.replications", 1, SCN_MAX_REPLICATIONS,
                     &x) != 0)
      return -1;
    w->replications = (size_t)x;
  }
  w->seed = 1;
  if ((v = opt_get(n, "seed"))) {
    if (scn_ld_whole(L, v, "workload.seed", 0, 4294967295LL, &x) != 0)
      return -1;
    w->seed = (unsigned long)x;
  }
  w->top_k = 3;
  if ((v = opt_get(n, "top_k"))) {
    if (scn_ld_whole(L, v, "workload.top_k", 1, SCN_MAX_SIM_TOP_K, &x) != 0)
      return -1;
    w->top_k = (size_t)x;
  }
  w->service_sigma = 0.1;
  if ((v = opt_get(n, "service_sigma")) &&
      positive(L, v, "workload.service_sigma", 0, &w->service_sigma) != 0)
    return -1;
  return 0;
}

/* servers: / queue_limit: mapping system -> whole number. */
static int load_per_system(scn_loader *L, const scn_node *root, const char *key,
                           long long min, double *vals, scn_pos *pos) {
  const scn_node *n = opt_get(root, key);
  if (!n)
    return 0;
  if (scn_ld_kind(L, n, SCN_NODE_MAP, key) != 0)
    return -1;
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    long sys = scn_system_index(L->s, k->text);
    if (sys < 0) {
      const char *names[64] = {NULL};
      size_t ns = L->s->n_systems < 64 ? L->s->n_systems : 64;
      for (size_t j = 0; j < ns; j++)
        names[j] = L->s->systems[j].name;
      char list[512];
      ss_join(list, sizeof list, names, ns);
      return scn_ld_fail(L, k->pos,
                         "%s: unknown system '%s' (systems in "
                         "tiers: %s)",
                         key, k->text, list);
    }
    char lab[300];
    snprintf(lab, sizeof lab, "%s.%s", key, k->text);
    long long x;
    if (scn_ld_whole(L, v, lab, min, 1000000, &x) != 0)
      return -1;
    vals[sys] = (double)x;
    pos[sys] = v->pos;
  }
  return 0;
}

int scn_load_workload(scn_loader *L, const scn_node *root) {
  static const char *const keys[] = {
      "clients", "requests", "duration_s", "warmup_requests", "replications",
      "seed",    "service",  "policies",   "top_k",           "service_sigma"};
  scn_scenario *s = L->s;
  const scn_node *wk = NULL;
  const scn_node *n = scn_ld_get(root, "workload", &wk);
  const scn_node *sv = scn_ld_get(root, "servers", NULL);
  const scn_node *ql = scn_ld_get(root, "queue_limit", NULL);
  if (!n || scn_node_is_null(n)) {
    if (sv || ql)
      return scn_ld_fail(L, (sv ? sv : ql)->pos,
                         "%s: only used by a load simulation; add a "
                         "workload: section",
                         sv ? "servers" : "queue_limit");
    return 0;
  }
  scn_workload *w = calloc(1, sizeof *w);
  if (!w)
    return scn_ld_oom(L);
  s->workload = w;
  w->pos = wk->pos;
  size_t ns = s->n_systems;
  w->servers = malloc((ns + 1) * sizeof *w->servers);
  w->queue_limit = calloc(ns + 1, sizeof *w->queue_limit);
  w->servers_pos = calloc(ns + 1, sizeof *w->servers_pos);
  w->queue_limit_pos = calloc(ns + 1, sizeof *w->queue_limit_pos);
  if (!w->servers || !w->queue_limit || !w->servers_pos || !w->queue_limit_pos)
    return scn_ld_oom(L);
  for (size_t i = 0; i < ns; i++)
    w->servers[i] = 1;
  if (scn_ld_kind(L, n, SCN_NODE_MAP, "workload") != 0 ||
      scn_ld_keys(L, n, keys, sizeof keys / sizeof *keys, "workload") != 0)
    return -1;
  const scn_node *v = opt_get(n, "clients");
  if (!v)
    return scn_ld_fail(L, n->pos, "workload: missing 'clients'");
  if (load_clients(L, v, w) != 0 || load_counts(L, n, w) != 0)
    return -1;
  if ((v = opt_get(n, "service")) && load_service(L, v, w) != 0)
    return -1;
  w->n_policies = 1;
  if ((v = opt_get(n, "policies")) && load_policies(L, v, w) != 0)
    return -1;
  if (load_per_system(L, root, "servers", 1, w->servers, w->servers_pos) != 0 ||
      load_per_system(L, root, "queue_limit", 0, w->queue_limit,
                      w->queue_limit_pos) != 0)
    return -1;
  return 0;
}

/* ---- the resolved YAML ----------------------------------------------------
 */

static void put_per_system(const scn_scenario *s, FILE *fp, const char *key,
                           const double *vals) {
  fprintf(fp, "%s: {", key);
  for (size_t i = 0; i < s->n_systems; i++) {
    if (i)
      fputs(", ", fp);
    ss_yaml_quoted(fp, s->systems[i].name);
    fputs(": ", fp);
    scn_yaml_num(fp, vals[i]);
  }
  fputs("}\n", fp);
}

void scn_write_workload(const scn_scenario *s, FILE *fp) {
  const scn_workload *w = s->workload;
  if (!w)
    return;
  fputs("workload:\n  clients:\n", fp);
  for (size_t i = 0; i < w->n_clients; i++) {
    const scn_clients *c = &w->clients[i];
    fputs("    - {count: ", fp);
    scn_yaml_num(fp, c->count);
    fputs(", model: ", fp);
    ss_yaml_quoted(fp, c->model);
    fprintf(fp, ", arrival: {%s: ", scn_arrival_name(c->arrival));
    scn_yaml_num(fp, c->rate_hz);
    if (c->arrival == SCN_ARRIVAL_PERIODIC) {
      fputs(", jitter_ms: ", fp);
      scn_yaml_num(fp, c->jitter_ms);
    }
    fputc('}', fp);
    if (isfinite(c->deadline_ms)) {
      fputs(", deadline_ms: ", fp);
      scn_yaml_num(fp, c->deadline_ms);
    }
    fputs("}\n", fp);
  }
  if (w->duration_s > 0) {
    fputs("  duration_s: ", fp);
    scn_yaml_num(fp, w->duration_s);
    fputc('\n', fp);
  } else {
    fprintf(fp, "  requests: %llu\n", w->requests);
  }
  fprintf(fp,
          "  warmup_requests: %llu\n  replications: %zu\n"
          "  seed: %lu\n  service: %s\n  service_sigma: ",
          w->warmup_requests, w->replications, w->seed,
          scn_service_name(w->service));
  scn_yaml_num(fp, w->service_sigma);
  fprintf(fp, "\n  top_k: %zu\n  policies: [", w->top_k);
  for (size_t i = 0; i < w->n_policies; i++)
    fprintf(fp, "%s%s", i ? ", " : "", scn_policy_name(w->policies[i]));
  fputs("]\n", fp);
  put_per_system(s, fp, "servers", w->servers);
  put_per_system(s, fp, "queue_limit", w->queue_limit);
}

/* ---- parameter paths -------------------------------------------------------
 * workload.clients.<i>.count, workload.clients.<i>.deadline_ms,
 * workload.clients.<i>.arrival.poisson, workload.clients.<i>.arrival.periodic,
 * workload.clients.<i>.arrival.jitter_ms, servers.<system>,
 * queue_limit.<system>. <i> counts client groups from 0 in file order. */

int scn_workload_check_value(scn_param_kind kind, double v, const char **bad) {
  switch (kind) {
  case SCN_PARAM_CLIENT_COUNT:
    *bad = v >= 1 && v <= SCN_MAX_CLIENTS && v == floor(v)
               ? NULL
               : "a client count must be a whole number >= 1";
    return 1;
  case SCN_PARAM_CLIENT_RATE_HZ:
    *bad = v > 0 ? NULL : "an arrival rate must be > 0";
    return 1;
  case SCN_PARAM_CLIENT_JITTER_MS:
    *bad = v >= 0 ? NULL : "jitter_ms must be >= 0";
    return 1;
  case SCN_PARAM_CLIENT_DEADLINE_MS:
    *bad = v > 0 ? NULL : "deadline_ms must be > 0";
    return 1;
  case SCN_PARAM_SERVERS:
    *bad = v >= 1 && v <= 1000000 && v == floor(v)
               ? NULL
               : "servers must be a whole number >= 1";
    return 1;
  case SCN_PARAM_QUEUE_LIMIT:
    *bad = v >= 0 && v <= 1000000 && v == floor(v)
               ? NULL
               : "queue_limit must be a whole number >= 0";
    return 1;
  case SCN_PARAM_DURATION_S:
    *bad =
        v > 0 && isfinite(v) ? NULL : "duration_s must be a finite number > 0";
    return 1;
  default:
    return 0;
  }
}

static int no_workload(const scn_scenario *s, scn_pos pos, const char *path,
                       ss_error *err) {
  return scn_err_pos(err, s->file, pos,
                     "parameter path '%s' needs a workload: section", path);
}

static int client_path(const scn_scenario *s, const char *path, char *rest,
                       scn_pos pos, scn_param *out, ss_error *err) {
  static const char *const fields[] = {"count", "deadline_ms",
                                       "arrival.poisson", "arrival.periodic",
                                       "arrival.jitter_ms"};
  static const scn_param_kind kinds[] = {
      SCN_PARAM_CLIENT_COUNT, SCN_PARAM_CLIENT_DEADLINE_MS,
      SCN_PARAM_CLIENT_RATE_HZ, SCN_PARAM_CLIENT_RATE_HZ,
      SCN_PARAM_CLIENT_JITTER_MS};
  const scn_workload *w = s->workload;
  char *end = NULL;
  unsigned long i = strtoul(rest, &end, 10);
  if (end == rest || *end != '.' || i >= w->n_clients)
    return scn_err_pos(err, s->file, pos,
                       "'%s': expected workload.clients.<i>.<field> with i "
                       "from 0 to %zu",
                       path, w->n_clients - 1);
  const char *field = end + 1;
  for (size_t k = 0; k < 5; k++) {
    if (strcmp(field, fields[k]) != 0)
      continue;
    const scn_clients *c = &w->clients[i];
    if ((k == 2 && c->arrival != SCN_ARRIVAL_POISSON) ||
        ((k == 3 || k == 4) && c->arrival != SCN_ARRIVAL_PERIODIC))
      return scn_err_pos(err, s->file, pos,
                         "'%s': client group %lu has %s arrivals", path, i,
                         scn_arrival_name(c->arrival));
    out->kind = kinds[k];
    out->index = i;
    return 0;
  }
  char list[200];
  ss_join(list, sizeof list, fields, 5);
  const char *best = ss_suggest(field, fields, 5);
  return scn_err_pos(err, s->file, pos,
                     "unknown field '%s' in parameter path '%s'%s%s%s "
                     "(valid: %s)",
                     field, path, best ? "; did you mean '" : "",
                     best ? best : "", best ? "'?" : "", list);
}

int scn_workload_param_resolve(const scn_scenario *s, const char *path,
                               scn_pos pos, scn_param *out, ss_error *err) {
  const char *dot = strchr(path, '.');
  size_t hl = dot ? (size_t)(dot - path) : strlen(path);
  int is_wl = hl == 8 && strncmp(path, "workload", 8) == 0;
  int is_sv = hl == 7 && strncmp(path, "servers", 7) == 0;
  int is_ql = hl == 11 && strncmp(path, "queue_limit", 11) == 0;
  if (!is_wl && !is_sv && !is_ql)
    return 1;
  if (!s->workload)
    return no_workload(s, pos, path, err);
  if (is_wl && dot && strcmp(dot + 1, "duration_s") == 0) {
    if (!(s->workload->duration_s > 0))
      return scn_err_pos(err, s->file, pos,
                         "'%s': the workload measures requests; give "
                         "workload.duration_s to sweep it",
                         path);
    out->kind = SCN_PARAM_DURATION_S;
    out->index = 0;
    return 0;
  }
  if (is_wl) {
    if (!dot || strncmp(dot + 1, "clients.", 8) != 0)
      return scn_err_pos(err, s->file, pos,
                         "'%s': sweepable workload paths are "
                         "workload.duration_s, workload.clients.<i>.count, "
                         ".deadline_ms, .arrival.poisson, .arrival.periodic "
                         "and .arrival.jitter_ms",
                         path);
    char *buf = ss_strdup(dot + 9);
    if (!buf)
      return ss_error_set(err, s->file, NULL, "out of memory");
    int rc = client_path(s, path, buf, pos, out, err);
    free(buf);
    return rc;
  }
  long sys = dot ? scn_system_index(s, dot + 1) : -1;
  if (sys < 0)
    return scn_err_pos(err, s->file, pos,
                       "'%s': expected %s.<system> naming a system of the "
                       "tiers",
                       path, is_sv ? "servers" : "queue_limit");
  out->kind = is_sv ? SCN_PARAM_SERVERS : SCN_PARAM_QUEUE_LIMIT;
  out->index = (size_t)sys;
  return 0;
}

static double *wl_slot(scn_scenario *s, const scn_param *p) {
  scn_workload *w = s->workload;
  switch (p->kind) {
  case SCN_PARAM_CLIENT_COUNT:
    return &w->clients[p->index].count;
  case SCN_PARAM_CLIENT_RATE_HZ:
    return &w->clients[p->index].rate_hz;
  case SCN_PARAM_CLIENT_JITTER_MS:
    return &w->clients[p->index].jitter_ms;
  case SCN_PARAM_CLIENT_DEADLINE_MS:
    return &w->clients[p->index].deadline_ms;
  case SCN_PARAM_SERVERS:
    return &w->servers[p->index];
  case SCN_PARAM_QUEUE_LIMIT:
    return &w->queue_limit[p->index];
  case SCN_PARAM_DURATION_S:
    return &w->duration_s;
  default:
    return NULL;
  }
}

int scn_workload_param_set(scn_scenario *s, const scn_param *p, double v) {
  double *x = s->workload ? wl_slot(s, p) : NULL;
  if (!x)
    return 0;
  *x = v;
  return 1;
}

double scn_workload_param_get(const scn_scenario *s, const scn_param *p) {
  double *x = s->workload ? wl_slot((scn_scenario *)s, p) : NULL;
  return x ? *x : NAN;
}
