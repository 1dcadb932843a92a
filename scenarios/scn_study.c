/* The study sections of a scenario: purchase: (hardware purchasing options),
 * uncertainty: (Monte Carlo distributions) and sensitivity: (one-at-a-time
 * parameter moves). Loading with positions, free, copy, compare and the
 * resolved YAML. Reference: docs/studies.md. */
/* realpath is an XSI function */
#define _XOPEN_SOURCE 700
#include "scn_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/ss_io.h"
#include "../common/ss_text.h"
#include "../common/ss_yaml.h"

#define MAX_TRACE_BYTES ((size_t)256 * 1024 * 1024)
#define MAX_STUDY_TOP_K 1000LL

/* ---- names ------------------------------------------------------------- */

static const char *const dist_names[] = {"normal", "lognormal", "uniform",
                                         "trace"};
static const char *const block_names[] = {"fixed", "profile", "samples"};

const char *scn_dist_name(scn_dist_kind k) {
  return (unsigned)k < 4 ? dist_names[k] : "unknown";
}

const char *scn_block_times_name(scn_block_times m) {
  return (unsigned)m < 3 ? block_names[m] : "unknown";
}

char *scn_option_system_name(const scn_option *o) {
  if (o->scale == 1.0)
    return ss_strdup(o->system);
  char num[SS_DOUBLE_BUFSIZE];
  ss_fmt_double(num, o->scale);
  size_t n = strlen(o->system) + strlen(num) + 2;
  char *name = malloc(n);
  if (name)
    snprintf(name, n, "%s*%s", o->system, num);
  return name;
}

/* ---- free -------------------------------------------------------------- */

static void weights_free(scn_weight *w, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(w[i].model);
  free(w);
}

static void purchase_free(scn_purchase *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->n_baseline; i++)
    free(p->baseline[i].system);
  free(p->baseline);
  for (size_t i = 0; i < p->n_options; i++) {
    free(p->options[i].name);
    free(p->options[i].system);
  }
  free(p->options);
  weights_free(p->workload, p->n_workload);
  free(p);
}

static void uncertainty_free(scn_uncertainty *u) {
  if (!u)
    return;
  for (size_t i = 0; i < u->n_dists; i++) {
    free(u->dists[i].param);
    free(u->dists[i].file);
    free(u->dists[i].file_raw);
    free(u->dists[i].values);
  }
  free(u->dists);
  free(u);
}

static void sensitivity_free(scn_sensitivity *v) {
  if (!v)
    return;
  for (size_t i = 0; i < v->n_params; i++)
    free(v->params[i]);
  free(v->params);
  free(v->targets);
  free(v->param_pos);
  weights_free(v->workload, v->n_workload);
  free(v);
}

void scn_studies_free(scn_scenario *s) {
  purchase_free(s->purchase);
  uncertainty_free(s->uncertainty);
  sensitivity_free(s->sensitivity);
  s->purchase = NULL;
  s->uncertainty = NULL;
  s->sensitivity = NULL;
}

/* ---- loading helpers --------------------------------------------------- */

/* The value of an optional key, or NULL when absent or null. */
static const scn_node *opt_get(const scn_node *map, const char *key) {
  const scn_node *v = scn_ld_get(map, key, NULL);
  return v && !scn_node_is_null(v) ? v : NULL;
}

/* A number >= min (> min when strict) at node n. */
static int get_min(scn_loader *L, const scn_node *n, const char *label,
                   double min, int strict, double *out) {
  if (scn_ld_number(L, n, label, out) != 0)
    return -1;
  char num[SS_DOUBLE_BUFSIZE];
  if (strict ? !(*out > min) : !(*out >= min))
    return scn_ld_fail(L, n->pos, "%s must be %s %s, got %s", label,
                       strict ? ">" : ">=", ss_fmt_double(num, min), n->text);
  return 0;
}

/* A mapping model -> weight into *w / *n. */
static int load_workload(scn_loader *L, const scn_node *n, const char *label,
                         scn_weight **w, size_t *nw) {
  scn_scenario *s = L->s;
  if (scn_ld_kind(L, n, SCN_NODE_MAP, label) != 0)
    return -1;
  if (n->n == 0)
    return 0;
  if (n->n > SCN_MAX_MODELS)
    return scn_ld_fail(L, n->pos, "%s: more than %d models", label,
                       SCN_MAX_MODELS);
  if (!(*w = calloc(n->n, sizeof **w)))
    return scn_ld_oom(L);
  double sum = 0;
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    const char *model;
    if (scn_ld_name(L, k, label, &model) != 0)
      return -1;
    if (!s->all_models) {
      size_t j = 0;
      while (j < s->n_models && strcmp(s->models[j].name, model) != 0)
        j++;
      if (j == s->n_models)
        return scn_ld_fail(L, k->pos,
                           "%s: model '%s' is not in models: (add it there "
                           "or write models: all)",
                           label, model);
    }
    char vl[300];
    snprintf(vl, sizeof vl, "%s.%s", label, model);
    scn_weight *x = &(*w)[*nw];
    if (get_min(L, v, vl, 0, 0, &x->weight) != 0)
      return -1;
    if (!(x->model = ss_strdup(model)))
      return scn_ld_oom(L);
    x->pos = k->pos;
    (*nw)++;
    sum += x->weight;
  }
  if (!(sum > 0))
    return scn_ld_fail(L, n->pos,
                       "%s: the weights sum to 0; give at least "
                       "one model a weight > 0",
                       label);
  return 0;
}

/* ---- purchase: --------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Count option subsets of size >= 2 whose price sum is <= budget (prices
 * sorted ascending), stopping once *count exceeds max. */
static void count_sets(const double *price, size_t n, size_t from, double sum,
                       size_t size, double budget, size_t max, size_t *count) {
  for (size_t j = from; j < n && *count <= max; j++) {
    double s = sum + price[j];
    if (s > budget)
      break;
    if (size + 1 >= 2)
      (*count)++;
    count_sets(price, n, j + 1, s, size + 1, budget, max, count);
  }
}

static int load_baseline(scn_loader *L, scn_purchase *p, const scn_node *n) {
  scn_scenario *s = L->s;
  if (!n) { /* default: the scenario's tiers */
    size_t total = 0;
    for (size_t t = 0; t < s->n_tiers; t++)
      total += s->tiers[t].n_systems;
    if (!(p->baseline = calloc(total, sizeof *p->baseline)))
      return scn_ld_oom(L);
    for (size_t t = 0; t < s->n_tiers; t++)
      for (size_t j = 0; j < s->tiers[t].n_systems; j++) {
        scn_tier_system *b = &p->baseline[p->n_baseline++];
        b->tier = t;
        b->pos = s->tiers[t].system_pos[j];
        if (!(b->system = ss_strdup(s->systems[s->tiers[t].systems[j]].name)))
          return scn_ld_oom(L);
      }
    return 0;
  }
  if (scn_ld_kind(L, n, SCN_NODE_MAP, "purchase.baseline") != 0)
    return -1;
  /* entries sorted by tier (stable), so that the resolved YAML, written in
   * tier order, reads back equal */
  for (size_t t = 0; t < s->n_tiers; t++) {
    for (size_t i = 0; i < n->n; i++) {
      const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
      long tier = scn_ld_tier(L, k, "purchase.baseline");
      if (tier < 0)
        return -1;
      if ((size_t)tier != t)
        continue;
      char label[300];
      snprintf(label, sizeof label, "purchase.baseline.%s", k->text);
      const scn_node *const *items = (const scn_node *const *)&v;
      size_t count = 1;
      if (v->kind == SCN_NODE_SEQ) {
        items = (const scn_node *const *)v->items;
        count = v->n;
      } else if (v->kind != SCN_NODE_SCALAR || scn_node_is_null(v)) {
        if (scn_node_is_null(v))
          count = 0;
        else
          return scn_ld_fail(L, v->pos, "%s: expected a list of system names",
                             label);
      }
      scn_tier_system *nb =
          realloc(p->baseline, (p->n_baseline + count + 1) * sizeof *nb);
      if (!nb)
        return scn_ld_oom(L);
      p->baseline = nb;
      size_t first = p->n_baseline;
      for (size_t j = 0; j < count; j++) {
        const char *name;
        if (scn_ld_name(L, items[j], label, &name) != 0)
          return -1;
        for (size_t m = first; m < p->n_baseline; m++)
          if (strcmp(p->baseline[m].system, name) == 0)
            return scn_ld_fail(L, items[j]->pos,
                               "%s: system '%s' is listed twice", label, name);
        scn_tier_system *b = &p->baseline[p->n_baseline];
        memset(b, 0, sizeof *b);
        b->tier = t;
        b->pos = items[j]->pos;
        if (!(b->system = ss_strdup(name)))
          return scn_ld_oom(L);
        p->n_baseline++;
      }
    }
  }
  if (p->n_baseline == 0 || p->baseline[0].tier != 0)
    return scn_ld_fail(L, n->pos,
                       "purchase.baseline: tier '%s' (the data source) needs "
                       "at least one system",
                       s->tiers[0].name);
  return 0;
}

/* name: of option i (map n): no '+', not "baseline", used once. */
static int load_option_name(scn_loader *L, scn_purchase *p, size_t i,
                            const scn_node *n, const char **name) {
  const scn_node *x = scn_ld_get(n, "name", NULL);
  if (scn_ld_name(L, x, "purchase.options name", name) != 0)
    return -1;
  if (strchr(*name, '+'))
    return scn_ld_fail(L, x->pos,
                       "purchase.options: name '%s' contains '+', which joins "
                       "the names of combined options",
                       *name);
  if (strcmp(*name, "baseline") == 0)
    return scn_ld_fail(L, x->pos,
                       "purchase.options: 'baseline' names the row of what is "
                       "owned today; choose another name");
  for (size_t j = 0; j < i; j++)
    if (strcmp(p->options[j].name, *name) == 0)
      return scn_ld_fail(L, x->pos,
                         "purchase.options: name '%s' is used twice (first "
                         "at %d:%d)",
                         *name, p->options[j].pos.line,
                         p->options[j].pos.column);
  if (!(p->options[i].name = ss_strdup(*name)))
    return scn_ld_oom(L);
  return 0;
}

/* price:, yearly_cost:, power_w: and scale: of option o (map n). */
static int load_option_numbers(scn_loader *L, scn_option *o, const scn_node *n,
                               const char *label) {
  const scn_node *x;
  char fl[128];
  snprintf(fl, sizeof fl, "%s.price", label);
  if (get_min(L, scn_ld_get(n, "price", NULL), fl, 0, 0, &o->price) != 0)
    return -1;
  if ((x = opt_get(n, "yearly_cost"))) {
    snprintf(fl, sizeof fl, "%s.yearly_cost", label);
    if (get_min(L, x, fl, 0, 0, &o->yearly_cost) != 0)
      return -1;
  }
  if ((x = opt_get(n, "power_w"))) {
    snprintf(fl, sizeof fl, "%s.power_w", label);
    if (get_min(L, x, fl, 0, 0, &o->power_w) != 0)
      return -1;
  }
  if ((x = opt_get(n, "scale"))) {
    snprintf(fl, sizeof fl, "%s.scale", label);
    if (scn_ld_number(L, x, fl, &o->scale) != 0)
      return -1;
    if (!(o->scale > 0))
      return scn_ld_fail(L, x->pos,
                         "%s: scale multiplies the block times and must be > "
                         "0, got %s",
                         fl, x->text);
    o->scale_pos = x->pos;
  }
  return 0;
}

static int load_option(scn_loader *L, scn_purchase *p, size_t i,
                       const scn_node *n) {
  static const char *const keys[] = {"name",  "tier",        "system", "price",
                                     "scale", "yearly_cost", "power_w"};
  scn_option *o = &p->options[i];
  char label[64];
  snprintf(label, sizeof label, "purchase.options item %zu", i + 1);
  if (scn_ld_kind(L, n, SCN_NODE_MAP, label) != 0 ||
      scn_ld_keys(L, n, keys, 7, label) != 0)
    return -1;
  o->pos = n->pos;
  o->scale = 1;
  static const char *const required[] = {"name", "tier", "system", "price"};
  for (int k = 0; k < 4; k++)
    if (!scn_ld_get(n, required[k], NULL))
      return scn_ld_fail(L, n->pos,
                         "%s: missing '%s' (an option needs name, tier, "
                         "system and price)",
                         label, required[k]);
  const char *name;
  if (load_option_name(L, p, i, n, &name) != 0)
    return -1;
  snprintf(label, sizeof label, "purchase.options.%.40s", name);
  const scn_node *x = scn_ld_get(n, "tier", NULL);
  long tier = scn_ld_tier(L, x, label);
  if (tier < 0)
    return -1;
  o->tier = (size_t)tier;
  o->tier_pos = x->pos;
  x = scn_ld_get(n, "system", NULL);
  const char *sys;
  if (scn_ld_name(L, x, label, &sys) != 0)
    return -1;
  o->system_pos = x->pos;
  if (!(o->system = ss_strdup(sys)))
    return scn_ld_oom(L);
  return load_option_numbers(L, o, n, label);
}

static int load_purchase(scn_loader *L, const scn_node *root) {
  static const char *const keys[] = {"baseline", "options",       "workload",
                                     "budget",   "horizon_years", "years"};
  scn_scenario *s = L->s;
  const scn_node *k;
  const scn_node *n = scn_ld_get(root, "purchase", &k);
  if (!n || scn_node_is_null(n))
    return 0;
  if (scn_ld_kind(L, n, SCN_NODE_MAP, "purchase") != 0 ||
      scn_ld_keys(L, n, keys, 6, "purchase") != 0)
    return -1;
  scn_purchase *p = calloc(1, sizeof *p);
  if (!p)
    return scn_ld_oom(L);
  s->purchase = p;
  p->pos = k->pos;
  p->years = 3;
  if (load_baseline(L, p, opt_get(n, "baseline")) != 0)
    return -1;
  const scn_node *ok;
  const scn_node *opts = scn_ld_get(n, "options", &ok);
  if (!opts)
    return scn_ld_fail(L, k->pos,
                       "purchase: missing 'options' (a list of {name, tier, "
                       "system, price} to compare)");
  if (scn_ld_kind(L, opts, SCN_NODE_SEQ, "purchase.options") != 0)
    return -1;
  if (opts->n == 0)
    return scn_ld_fail(L, opts->pos,
                       "purchase.options: empty list; give at "
                       "least one option");
  if (opts->n > SCN_MAX_OPTIONS)
    return scn_ld_fail(L, opts->items[SCN_MAX_OPTIONS]->pos,
                       "purchase.options: more than %d options",
                       SCN_MAX_OPTIONS);
  if (!(p->options = calloc(opts->n, sizeof *p->options)))
    return scn_ld_oom(L);
  for (size_t i = 0; i < opts->n; i++) {
    p->n_options = i + 1; /* so that scn_free releases a partial option */
    if (load_option(L, p, i, opts->items[i]) != 0)
      return -1;
  }
  const scn_node *x;
  if ((x = opt_get(n, "workload")) &&
      load_workload(L, x, "purchase.workload", &p->workload, &p->n_workload))
    return -1;
  const scn_node *hk, *yk;
  const scn_node *h = scn_ld_get(n, "horizon_years", &hk);
  const scn_node *y = scn_ld_get(n, "years", &yk);
  if (h && y)
    return scn_ld_fail(L, yk->pos,
                       "purchase: give horizon_years or its older name years, "
                       "not both");
  if (h && get_min(L, h, "purchase.horizon_years", 0, 1, &p->years) != 0)
    return -1;
  if (y && get_min(L, y, "purchase.years", 0, 1, &p->years) != 0)
    return -1;
  if ((x = opt_get(n, "budget"))) {
    if (get_min(L, x, "purchase.budget", 0, 0, &p->budget) != 0)
      return -1;
    p->has_budget = 1;
    p->budget_pos = x->pos;
    double *price = malloc(p->n_options * sizeof *price);
    if (!price)
      return scn_ld_oom(L);
    for (size_t i = 0; i < p->n_options; i++)
      price[i] = p->options[i].price;
    qsort(price, p->n_options, sizeof *price, cmp_double);
    size_t count = 1 + p->n_options, max = SCN_MAX_PURCHASE_SETS;
    count_sets(price, p->n_options, 0, 0, 0, p->budget, max, &count);
    free(price);
    if (count > max)
      return scn_ld_fail(L, x->pos,
                         "purchase.budget: more than %zu option sets are "
                         "affordable; lower the budget or drop options",
                         max);
  }
  return 0;
}

/* ---- uncertainty: ------------------------------------------------------ */

/* Read a trace: one number per line; blank lines and lines starting with
 * '#' are skipped. Each value must be valid for the parameter. */
/* The trace file named by node fn (text) as an existing regular file:
 * *joined (caller frees) is its path from here, d->file its real path. */
static int trace_path(scn_loader *L, scn_dist *d, const scn_node *fn,
                      const char *label, char **joined) {
  const char *text;
  *joined = NULL;
  if (scn_ld_name(L, fn, label, &text) != 0)
    return -1;
  if (!(d->file_raw = ss_strdup(text)))
    return scn_ld_oom(L);
  size_t need = strlen(L->base_dir) + strlen(text) + 2;
  char *j = malloc(need);
  if (!(*joined = j))
    return scn_ld_oom(L);
  if (text[0] == '/')
    snprintf(j, need, "%s", text);
  else
    snprintf(j, need, "%s/%s", L->base_dir, text);
  struct stat st;
  if (stat(j, &st) != 0) {
    int e = errno;
    if (text[0] == '/')
      return scn_ld_fail(L, fn->pos, "%s: trace file '%s' not found: %s", label,
                         text, strerror(e));
    return scn_ld_fail(
        L, fn->pos,
        "%s: trace file '%s' not found (relative paths resolve "
        "against the scenario file's folder: looked for '%s'): %s",
        label, text, j, strerror(e));
  }
  if (!S_ISREG(st.st_mode))
    return scn_ld_fail(L, fn->pos, "%s: trace file '%s' is not a regular file",
                       label, text);
  if (!(d->file = realpath(j, NULL)))
    return scn_ld_fail(L, fn->pos, "%s: cannot resolve '%s': %s", label, j,
                       strerror(errno));
  return 0;
}

/* One trimmed, non-comment line q (number `line` of file path): a valid
 * value of the parameter, appended to d->values (cap: its room). */
static int trace_add_value(scn_loader *L, scn_dist *d, const char *path,
                           const char *q, size_t line, size_t *cap) {
  double v;
  char why[200], where[32];
  snprintf(where, sizeof where, "%zu", line);
  if (ss_parse_double(q, &v) != 0)
    return ss_error_set(L->err, path, where,
                        "trace for %s: expected one number per line, got "
                        "'%.40s'",
                        d->param, q);
  if (scn_check_value(d->target.kind, v, why, sizeof why) != 0)
    return ss_error_set(L->err, path, where, "trace for %s: %s", d->param, why);
  if (d->n_values == SCN_MAX_TRACE_VALUES)
    return ss_error_set(L->err, path, where, "more than %zu values",
                        SCN_MAX_TRACE_VALUES);
  void *vals = d->values;
  if (ss_grow(&vals, cap, d->n_values + 1, sizeof *d->values, 256) != 0)
    return scn_ld_oom(L);
  d->values = vals;
  d->values[d->n_values++] = v;
  return 0;
}

/* The values of trace text buf (file path): one number per line, blank
 * lines and # comments skipped. */
static int trace_values(scn_loader *L, scn_dist *d, const char *path,
                        char *buf) {
  size_t cap = 0, line = 0;
  char *p = buf;
  while (*p) {
    char *eol = strchr(p, '\n');
    if (eol)
      *eol = '\0';
    line++;
    char *q = p;
    while (*q == ' ' || *q == '\t' || *q == '\r')
      q++;
    size_t ql = strlen(q);
    while (ql && (q[ql - 1] == ' ' || q[ql - 1] == '\t' || q[ql - 1] == '\r'))
      q[--ql] = '\0';
    if (*q && *q != '#' && trace_add_value(L, d, path, q, line, &cap) != 0)
      return -1;
    if (!eol)
      break;
    p = eol + 1;
  }
  if (d->n_values == 0)
    return ss_error_set(L->err, path, NULL,
                        "trace for %s holds no values (one number per line)",
                        d->param);
  return 0;
}

static int load_trace(scn_loader *L, scn_dist *d, const scn_node *fn,
                      const char *label) {
  char *joined = NULL, *buf = NULL;
  size_t len;
  int rc = -1;
  if (trace_path(L, d, fn, label, &joined) == 0 &&
      (buf = ss_read_file(joined, MAX_TRACE_BYTES, &len, L->err)) != NULL)
    rc = trace_values(L, d, joined, buf);
  free(buf);
  free(joined);
  return rc;
}

/* The parameter of uncertainty.params entry i (key node k): one that can
 * be uncertain, named once. */
static int load_dist_param(scn_loader *L, scn_uncertainty *u, size_t i,
                           const scn_node *k, const char **path) {
  scn_dist *d = &u->dists[i];
  if (scn_ld_name(L, k, "uncertainty.params", path) != 0)
    return -1;
  d->pos = k->pos;
  if (!(d->param = ss_strdup(*path)))
    return scn_ld_oom(L);
  if (scn_param_resolve_at(L->s, *path, k->pos, &d->target, L->err) != 0)
    return -1;
  scn_param_kind pk = d->target.kind;
  if (pk != SCN_PARAM_LINK_LATENCY_MS && pk != SCN_PARAM_LINK_BANDWIDTH_MBPS &&
      pk != SCN_PARAM_AVAILABILITY)
    return scn_ld_fail(L, k->pos,
                       "uncertainty.params: '%s' cannot be uncertain (only "
                       "links.<pair>.latency_ms, links.<pair>.bandwidth_mbps "
                       "and availability.<system>)",
                       *path);
  for (size_t j = 0; j < i; j++)
    if (u->dists[j].target.kind == pk &&
        u->dists[j].target.index == d->target.index)
      return scn_ld_fail(L, k->pos,
                         "uncertainty.params: '%s' is the same parameter as "
                         "'%s' (at %d:%d)",
                         *path, u->dists[j].param, u->dists[j].pos.line,
                         u->dists[j].pos.column);
  return 0;
}

/* the two parameter keys of each distribution kind (trace: file) */
static const char *const dist_need[4][2] = {
    {"mean", "sd"}, {"median", "sigma"}, {"min", "max"}, {"file", NULL}};

/* dist: of map v, a known distribution (*dname its name). */
static int load_dist_kind(scn_loader *L, const scn_node *v, const char *label,
                          int *kind, const char **dname) {
  const scn_node *dn = scn_ld_get(v, "dist", NULL);
  if (!dn)
    return scn_ld_fail(L, v->pos,
                       "%s: missing 'dist' (normal, lognormal, uniform or "
                       "trace)",
                       label);
  if (scn_ld_name(L, dn, label, dname) != 0)
    return -1;
  *kind = -1;
  for (int j = 0; j < 4; j++)
    if (strcmp(*dname, dist_names[j]) == 0)
      *kind = j;
  if (*kind >= 0)
    return 0;
  const char *best = ss_suggest(*dname, dist_names, 4);
  char hint[100] = "";
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  return scn_ld_fail(L, dn->pos,
                     "%s: unknown distribution '%s'%s (valid: normal, "
                     "lognormal, uniform, trace)",
                     label, *dname, hint);
}

/* Map v has the keys of its kind, and only those (besides dist:). */
static int check_dist_keys(scn_loader *L, const scn_node *v, const char *label,
                           int kind, const char *dname) {
  const char *const *need = dist_need[kind];
  for (size_t j = 0; j < v->n; j++) {
    const char *key = v->items[2 * j]->text;
    if (strcmp(key, "dist") == 0)
      continue;
    if ((need[0] && strcmp(key, need[0]) == 0) ||
        (need[1] && strcmp(key, need[1]) == 0))
      continue;
    return scn_ld_fail(L, v->items[2 * j]->pos,
                       "%s: '%s' does not apply to a %s distribution (it "
                       "takes %s%s%s)",
                       label, key, dname, need[0], need[1] ? " and " : "",
                       need[1] ? need[1] : "");
  }
  for (int j = 0; j < 2; j++)
    if (need[j] && !scn_ld_get(v, need[j], NULL))
      return scn_ld_fail(L, v->pos, "%s: a %s distribution needs '%s'", label,
                         dname, need[j]);
  return 0;
}

/* The two numbers of a normal, lognormal or uniform distribution. */
static int load_dist_numbers(scn_loader *L, scn_dist *d, const scn_node *v,
                             const char *label) {
  const char *const *need = dist_need[d->kind];
  scn_param_kind pk = d->target.kind;
  const scn_node *an = scn_ld_get(v, need[0], NULL);
  const scn_node *bn = scn_ld_get(v, need[1], NULL);
  char la[340], lb[340], why[200];
  snprintf(la, sizeof la, "%s.%s", label, need[0]);
  snprintf(lb, sizeof lb, "%s.%s", label, need[1]);
  if (scn_ld_number(L, an, la, &d->a) != 0 ||
      scn_ld_number(L, bn, lb, &d->b) != 0)
    return -1;
  switch (d->kind) {
  case SCN_DIST_NORMAL:
    if (scn_check_value(pk, d->a, why, sizeof why) != 0)
      return scn_ld_fail(L, an->pos, "%s: %s", la, why);
    if (!(d->b >= 0))
      return scn_ld_fail(L, bn->pos, "%s must be >= 0, got %s", lb, bn->text);
    break;
  case SCN_DIST_LOGNORMAL:
    if (!(d->a > 0))
      return scn_ld_fail(L, an->pos, "%s must be > 0, got %s", la, an->text);
    if (scn_check_value(pk, d->a, why, sizeof why) != 0)
      return scn_ld_fail(L, an->pos, "%s: %s", la, why);
    if (!(d->b >= 0))
      return scn_ld_fail(L, bn->pos, "%s must be >= 0, got %s", lb, bn->text);
    break;
  case SCN_DIST_UNIFORM:
    if (scn_check_value(pk, d->a, why, sizeof why) != 0)
      return scn_ld_fail(L, an->pos, "%s: %s", la, why);
    if (scn_check_value(pk, d->b, why, sizeof why) != 0)
      return scn_ld_fail(L, bn->pos, "%s: %s", lb, why);
    if (d->a > d->b)
      return scn_ld_fail(L, an->pos, "%s: min %s is greater than max %s", label,
                         an->text, bn->text);
    break;
  case SCN_DIST_TRACE:
    break;
  }
  return 0;
}

static int load_dist(scn_loader *L, scn_uncertainty *u, size_t i,
                     const scn_node *k, const scn_node *v) {
  static const char *const keys[] = {"dist",  "mean", "sd",  "median",
                                     "sigma", "min",  "max", "file"};
  scn_dist *d = &u->dists[i];
  const char *path, *dname;
  int kind;
  if (load_dist_param(L, u, i, k, &path) != 0)
    return -1;
  char label[300];
  snprintf(label, sizeof label, "uncertainty.params.%s", path);
  if (scn_ld_kind(L, v, SCN_NODE_MAP, label) != 0 ||
      scn_ld_keys(L, v, keys, 8, label) != 0 ||
      load_dist_kind(L, v, label, &kind, &dname) != 0)
    return -1;
  d->kind = (scn_dist_kind)kind;
  if (check_dist_keys(L, v, label, kind, dname) != 0)
    return -1;
  if (d->kind == SCN_DIST_TRACE)
    return load_trace(L, d, scn_ld_get(v, "file", NULL), label);
  return load_dist_numbers(L, d, v, label);
}

/* uncertainty.block_times: fixed, profile or samples. */
static int load_block_times(scn_loader *L, scn_uncertainty *u,
                            const scn_node *x) {
  const char *mode;
  if (scn_ld_name(L, x, "uncertainty.block_times", &mode) != 0)
    return -1;
  int m = -1;
  for (int j = 0; j < 3; j++)
    if (strcmp(mode, block_names[j]) == 0)
      m = j;
  if (m < 0)
    return scn_ld_fail(L, x->pos,
                       "uncertainty.block_times: unknown mode '%s' (valid: "
                       "fixed, profile, samples)",
                       mode);
  u->block_times = (scn_block_times)m;
  return 0;
}

/* samples, seed, top_k, deadline_ms, block_sigma and block_times of
 * uncertainty: (map n), over the defaults already in u. */
static int load_uncertainty_settings(scn_loader *L, scn_uncertainty *u,
                                     const scn_node *n) {
  const scn_node *x;
  long long v;
  if ((x = opt_get(n, "samples"))) {
    if (scn_ld_whole(L, x, "uncertainty.samples", 1,
                     (long long)SCN_MAX_MC_SAMPLES, &v) != 0)
      return -1;
    u->samples = (size_t)v;
  }
  if ((x = opt_get(n, "seed"))) {
    if (scn_ld_whole(L, x, "uncertainty.seed", 0, 4294967295LL, &v) != 0)
      return -1;
    u->seed = (unsigned long)v;
  }
  if ((x = opt_get(n, "top_k"))) {
    if (scn_ld_whole(L, x, "uncertainty.top_k", 1, MAX_STUDY_TOP_K, &v) != 0)
      return -1;
    u->top_k = (size_t)v;
  }
  if ((x = opt_get(n, "deadline_ms"))) {
    if (get_min(L, x, "uncertainty.deadline_ms", 0, 1, &u->deadline_ms) != 0)
      return -1;
    u->has_deadline = 1;
  }
  if ((x = opt_get(n, "block_sigma")) &&
      get_min(L, x, "uncertainty.block_sigma", 0, 0, &u->block_sigma) != 0)
    return -1;
  if ((x = opt_get(n, "block_times")) && load_block_times(L, u, x) != 0)
    return -1;
  return 0;
}

/* uncertainty.params: one distribution a parameter. */
static int load_uncertainty_params(scn_loader *L, scn_uncertainty *u,
                                   const scn_node *x) {
  if (scn_ld_kind(L, x, SCN_NODE_MAP, "uncertainty.params") != 0)
    return -1;
  if (x->n > SCN_MAX_AXES)
    return scn_ld_fail(L, x->pos, "uncertainty.params: more than %d entries",
                       SCN_MAX_AXES);
  if (x->n && !(u->dists = calloc(x->n, sizeof *u->dists)))
    return scn_ld_oom(L);
  for (size_t i = 0; i < x->n; i++) {
    u->n_dists = i + 1;
    if (load_dist(L, u, i, x->items[2 * i], x->items[2 * i + 1]) != 0)
      return -1;
  }
  return 0;
}

/* A deadline key without its unit gets its own message. */
static int refuse_unitless_deadline(scn_loader *L, const scn_node *n) {
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *key = n->items[2 * i];
    if (strcmp(key->text, "deadline") == 0 ||
        strcmp(key->text, "deadline_s") == 0)
      return scn_ld_fail(L, key->pos,
                         "uncertainty.%s: a deadline needs its unit in the "
                         "key: write deadline_ms: <milliseconds>",
                         key->text);
  }
  return 0;
}

static int load_uncertainty(scn_loader *L, const scn_node *root) {
  static const char *const keys[] = {"samples", "seed",        "deadline_ms",
                                     "top_k",   "block_times", "block_sigma",
                                     "params"};
  scn_scenario *s = L->s;
  const scn_node *k;
  const scn_node *n = scn_ld_get(root, "uncertainty", &k);
  if (!n || scn_node_is_null(n))
    return 0;
  if (scn_ld_kind(L, n, SCN_NODE_MAP, "uncertainty") != 0 ||
      refuse_unitless_deadline(L, n) != 0 ||
      scn_ld_keys(L, n, keys, 7, "uncertainty") != 0)
    return -1;
  scn_uncertainty *u = calloc(1, sizeof *u);
  if (!u)
    return scn_ld_oom(L);
  s->uncertainty = u;
  u->pos = k->pos;
  u->samples = 10000;
  u->seed = 1;
  u->top_k = 10;
  u->block_times = SCN_BLOCKS_PROFILE;
  if (load_uncertainty_settings(L, u, n) != 0)
    return -1;
  /* pass 2 keeps up to 2 * top_k + 1 placements' samples per model */
  if (u->samples * (2 * u->top_k + 1) > SCN_MAX_MC_STORED)
    return scn_ld_fail(L, k->pos,
                       "uncertainty: samples x (2 top_k + 1) = %zu is more "
                       "than the limit of %zu kept values; lower samples or "
                       "top_k",
                       u->samples * (2 * u->top_k + 1), SCN_MAX_MC_STORED);
  const scn_node *x = opt_get(n, "params");
  if (x && load_uncertainty_params(L, u, x) != 0)
    return -1;
  return 0;
}

/* ---- sensitivity: ------------------------------------------------------ */

/* Entry i of sensitivity.params (node it): a parameter that can move,
 * named once. */
static int load_sensitivity_param(scn_loader *L, scn_sensitivity *v, size_t i,
                                  const scn_node *it) {
  const char *path;
  if (scn_ld_name(L, it, "sensitivity.params", &path) != 0)
    return -1;
  if (!(v->params[i] = ss_strdup(path)))
    return scn_ld_oom(L);
  v->n_params = i + 1;
  v->param_pos[i] = it->pos;
  if (scn_param_resolve_at(L->s, path, it->pos, &v->targets[i], L->err) != 0)
    return -1;
  scn_param_kind pk = v->targets[i].kind;
  if (pk != SCN_PARAM_LINK_LATENCY_MS && pk != SCN_PARAM_LINK_BANDWIDTH_MBPS &&
      pk != SCN_PARAM_AVAILABILITY && pk != SCN_PARAM_INPUT_MB &&
      pk != SCN_PARAM_RESULT_MB)
    return scn_ld_fail(L, it->pos,
                       "sensitivity.params: '%s' cannot be moved (only "
                       "link latency and bandwidth, availability, "
                       "input_mb and result_mb)",
                       path);
  for (size_t j = 0; j < i; j++)
    if (v->targets[j].kind == pk && v->targets[j].index == v->targets[i].index)
      return scn_ld_fail(L, it->pos,
                         "sensitivity.params: '%s' is the same parameter "
                         "as '%s'",
                         path, v->params[j]);
  return 0;
}

/* sensitivity.params: a list of parameters (all of them when absent). */
static int load_sensitivity_params(scn_loader *L, scn_sensitivity *v,
                                   const scn_node *x) {
  if (scn_ld_kind(L, x, SCN_NODE_SEQ, "sensitivity.params") != 0)
    return -1;
  if (x->n > SCN_MAX_AXES)
    return scn_ld_fail(L, x->pos, "sensitivity.params: more than %d entries",
                       SCN_MAX_AXES);
  size_t cnt = x->n ? x->n : 1;
  if (!(v->params = calloc(cnt, sizeof *v->params)) ||
      !(v->targets = calloc(cnt, sizeof *v->targets)) ||
      !(v->param_pos = calloc(cnt, sizeof *v->param_pos)))
    return scn_ld_oom(L);
  for (size_t i = 0; i < x->n; i++)
    if (load_sensitivity_param(L, v, i, x->items[i]) != 0)
      return -1;
  return 0;
}

static int load_sensitivity(scn_loader *L, const scn_node *root) {
  static const char *const keys[] = {"range_pct", "params", "workload"};
  scn_scenario *s = L->s;
  const scn_node *k;
  const scn_node *n = scn_ld_get(root, "sensitivity", &k);
  if (!n || scn_node_is_null(n))
    return 0;
  if (n->kind == SCN_NODE_SCALAR) {
    int on;
    if (scn_ld_bool(L, n, "sensitivity", &on) != 0)
      return -1;
    if (!on)
      return 0;
  } else if (scn_ld_kind(L, n, SCN_NODE_MAP, "sensitivity") != 0 ||
             scn_ld_keys(L, n, keys, 3, "sensitivity") != 0) {
    return -1;
  }
  scn_sensitivity *v = calloc(1, sizeof *v);
  if (!v)
    return scn_ld_oom(L);
  s->sensitivity = v;
  v->pos = k->pos;
  v->range_pct = 50;
  if (n->kind != SCN_NODE_MAP)
    return 0;
  const scn_node *x;
  if ((x = opt_get(n, "range_pct"))) {
    if (scn_ld_number(L, x, "sensitivity.range_pct", &v->range_pct) != 0)
      return -1;
    if (!(v->range_pct > 0 && v->range_pct < 100))
      return scn_ld_fail(L, x->pos,
                         "sensitivity.range_pct: the move in percent must be "
                         "in (0, 100), got %s",
                         x->text);
  }
  if ((x = opt_get(n, "workload")) &&
      load_workload(L, x, "sensitivity.workload", &v->workload,
                    &v->n_workload) != 0)
    return -1;
  if ((x = opt_get(n, "params")) &&
      !(x->kind == SCN_NODE_SCALAR && x->plain &&
        strcmp(x->text, "all") == 0) &&
      load_sensitivity_params(L, v, x) != 0)
    return -1;
  return 0;
}

int scn_load_studies(scn_loader *L, const scn_node *root) {
  if (load_purchase(L, root) != 0 || load_uncertainty(L, root) != 0 ||
      load_sensitivity(L, root) != 0)
    return -1;
  return 0;
}

/* ---- copy -------------------------------------------------------------- */

static scn_weight *weights_copy(const scn_weight *w, size_t n, int *ok) {
  scn_weight *d = scn_dup_array(w, n, sizeof *w, ok);
  if (!d)
    return NULL;
  for (size_t i = 0; i < n; i++)
    d[i].model = NULL;
  for (size_t i = 0; i < n; i++)
    d[i].model = scn_dup_str(w[i].model, ok);
  return d;
}

/* purchase: into d; -1 when its struct cannot be allocated, *ok cleared
 * when a part of it cannot. */
static int purchase_copy(scn_scenario *d, const scn_purchase *p, int *ok) {
  scn_purchase *q = calloc(1, sizeof *q);
  if (!(d->purchase = q))
    return -1;
  *q = *p;
  q->baseline = NULL;
  q->options = NULL;
  q->workload = NULL;
  q->n_baseline = q->n_options = q->n_workload = 0;
  if ((q->baseline = scn_dup_array(p->baseline, p->n_baseline,
                                   sizeof *p->baseline, ok))) {
    for (size_t i = 0; i < p->n_baseline; i++)
      q->baseline[i].system = NULL;
    q->n_baseline = p->n_baseline;
    for (size_t i = 0; i < p->n_baseline; i++)
      q->baseline[i].system = scn_dup_str(p->baseline[i].system, ok);
  }
  if ((q->options =
           scn_dup_array(p->options, p->n_options, sizeof *p->options, ok))) {
    for (size_t i = 0; i < p->n_options; i++)
      q->options[i].name = q->options[i].system = NULL;
    q->n_options = p->n_options;
    for (size_t i = 0; i < p->n_options; i++) {
      q->options[i].name = scn_dup_str(p->options[i].name, ok);
      q->options[i].system = scn_dup_str(p->options[i].system, ok);
    }
  }
  if ((q->workload = weights_copy(p->workload, p->n_workload, ok)))
    q->n_workload = p->n_workload;
  return 0;
}

/* uncertainty: into d, as purchase_copy. */
static int uncertainty_copy(scn_scenario *d, const scn_uncertainty *u,
                            int *ok) {
  scn_uncertainty *w = calloc(1, sizeof *w);
  if (!(d->uncertainty = w))
    return -1;
  *w = *u;
  w->dists = NULL;
  w->n_dists = 0;
  if (!(w->dists = scn_dup_array(u->dists, u->n_dists, sizeof *u->dists, ok)))
    return 0;
  for (size_t i = 0; i < u->n_dists; i++) {
    scn_dist *x = &w->dists[i];
    x->param = x->file = x->file_raw = NULL;
    x->values = NULL;
  }
  w->n_dists = u->n_dists;
  for (size_t i = 0; i < u->n_dists; i++) {
    const scn_dist *y = &u->dists[i];
    scn_dist *x = &w->dists[i];
    x->param = scn_dup_str(y->param, ok);
    x->file = scn_dup_str(y->file, ok);
    x->file_raw = scn_dup_str(y->file_raw, ok);
    x->values = scn_dup_array(y->values, y->n_values, sizeof *y->values, ok);
  }
  return 0;
}

/* sensitivity: into d, as purchase_copy. */
static int sensitivity_copy(scn_scenario *d, const scn_sensitivity *v,
                            int *ok) {
  scn_sensitivity *w = calloc(1, sizeof *w);
  if (!(d->sensitivity = w))
    return -1;
  *w = *v;
  w->params = NULL;
  w->targets = NULL;
  w->param_pos = NULL;
  w->workload = NULL;
  w->n_params = w->n_workload = 0;
  if (v->n_params) {
    if ((w->params = calloc(v->n_params, sizeof *w->params))) {
      w->n_params = v->n_params;
      for (size_t i = 0; i < v->n_params; i++)
        w->params[i] = scn_dup_str(v->params[i], ok);
    } else {
      *ok = 0;
    }
    w->targets = scn_dup_array(v->targets, v->n_params, sizeof *v->targets, ok);
    w->param_pos =
        scn_dup_array(v->param_pos, v->n_params, sizeof *v->param_pos, ok);
  }
  if ((w->workload = weights_copy(v->workload, v->n_workload, ok)))
    w->n_workload = v->n_workload;
  return 0;
}

int scn_studies_copy(scn_scenario *d, const scn_scenario *s) {
  int ok = 1;
  if (s->purchase && purchase_copy(d, s->purchase, &ok) != 0)
    return -1;
  if (s->uncertainty && uncertainty_copy(d, s->uncertainty, &ok) != 0)
    return -1;
  if (s->sensitivity && sensitivity_copy(d, s->sensitivity, &ok) != 0)
    return -1;
  return ok ? 0 : -1;
}

/* ---- compare ----------------------------------------------------------- */

static int s_eq(const char *a, const char *b) {
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

static int d_eq(double a, double b) {
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b);
  return a == b && signbit(a) == signbit(b);
}

static int weights_eq(const scn_weight *a, size_t na, const scn_weight *b,
                      size_t nb) {
  if (na != nb)
    return 0;
  for (size_t i = 0; i < na; i++)
    if (!s_eq(a[i].model, b[i].model) || !d_eq(a[i].weight, b[i].weight))
      return 0;
  return 1;
}

static int purchase_eq(const scn_purchase *a, const scn_purchase *b) {
  if (!a || !b)
    return a == b;
  if (a->n_baseline != b->n_baseline || a->n_options != b->n_options ||
      a->has_budget != b->has_budget ||
      (a->has_budget && !d_eq(a->budget, b->budget)) ||
      !d_eq(a->years, b->years) ||
      !weights_eq(a->workload, a->n_workload, b->workload, b->n_workload))
    return 0;
  for (size_t i = 0; i < a->n_baseline; i++)
    if (a->baseline[i].tier != b->baseline[i].tier ||
        !s_eq(a->baseline[i].system, b->baseline[i].system))
      return 0;
  for (size_t i = 0; i < a->n_options; i++) {
    const scn_option *x = &a->options[i], *y = &b->options[i];
    if (!s_eq(x->name, y->name) || x->tier != y->tier ||
        !s_eq(x->system, y->system) || !d_eq(x->price, y->price) ||
        !d_eq(x->yearly_cost, y->yearly_cost) ||
        !d_eq(x->power_w, y->power_w) || !d_eq(x->scale, y->scale))
      return 0;
  }
  return 1;
}

static int uncertainty_eq(const scn_uncertainty *a, const scn_uncertainty *b) {
  if (!a || !b)
    return a == b;
  if (a->samples != b->samples || a->seed != b->seed ||
      a->has_deadline != b->has_deadline ||
      (a->has_deadline && !d_eq(a->deadline_ms, b->deadline_ms)) ||
      a->top_k != b->top_k || a->block_times != b->block_times ||
      !d_eq(a->block_sigma, b->block_sigma) || a->n_dists != b->n_dists)
    return 0;
  for (size_t i = 0; i < a->n_dists; i++) {
    const scn_dist *x = &a->dists[i], *y = &b->dists[i];
    if (!s_eq(x->param, y->param) || x->target.kind != y->target.kind ||
        x->target.index != y->target.index || x->kind != y->kind ||
        !s_eq(x->file, y->file) || x->n_values != y->n_values)
      return 0;
    if (x->kind != SCN_DIST_TRACE && (!d_eq(x->a, y->a) || !d_eq(x->b, y->b)))
      return 0;
    for (size_t j = 0; j < x->n_values; j++)
      if (!d_eq(x->values[j], y->values[j]))
        return 0;
  }
  return 1;
}

static int sensitivity_eq(const scn_sensitivity *a, const scn_sensitivity *b) {
  if (!a || !b)
    return a == b;
  if (!d_eq(a->range_pct, b->range_pct) || a->n_params != b->n_params ||
      !weights_eq(a->workload, a->n_workload, b->workload, b->n_workload))
    return 0;
  for (size_t i = 0; i < a->n_params; i++)
    if (!s_eq(a->params[i], b->params[i]) ||
        a->targets[i].kind != b->targets[i].kind ||
        a->targets[i].index != b->targets[i].index)
      return 0;
  return 1;
}

int scn_studies_equal(const scn_scenario *a, const scn_scenario *b) {
  return purchase_eq(a->purchase, b->purchase) &&
         uncertainty_eq(a->uncertainty, b->uncertainty) &&
         sensitivity_eq(a->sensitivity, b->sensitivity);
}

/* ---- resolved YAML ----------------------------------------------------- */

static void put_weights(FILE *fp, const scn_weight *w, size_t n,
                        const char *none) {
  if (!n) {
    fprintf(fp, "{}  # %s\n", none);
    return;
  }
  fputc('{', fp);
  for (size_t i = 0; i < n; i++) {
    if (i)
      fputs(", ", fp);
    ss_yaml_quoted(fp, w[i].model);
    fputs(": ", fp);
    scn_yaml_num(fp, w[i].weight);
  }
  fputs("}\n", fp);
}

/* purchase.baseline: the systems owned, by tier. */
static void put_baseline(FILE *fp, const scn_scenario *s,
                         const scn_purchase *p) {
  fputs("purchase:\n  baseline: {", fp);
  for (size_t t = 0; t < s->n_tiers; t++) {
    if (t)
      fputs(", ", fp);
    ss_yaml_quoted(fp, s->tiers[t].name);
    fputs(": [", fp);
    int first = 1;
    for (size_t i = 0; i < p->n_baseline; i++) {
      if (p->baseline[i].tier != t)
        continue;
      if (!first)
        fputs(", ", fp);
      first = 0;
      ss_yaml_quoted(fp, p->baseline[i].system);
    }
    fputc(']', fp);
  }
  fputs("}\n", fp);
}

static void put_option(FILE *fp, const scn_scenario *s, const scn_option *o) {
  fputs("    - {name: ", fp);
  ss_yaml_quoted(fp, o->name);
  fputs(", tier: ", fp);
  ss_yaml_quoted(fp, s->tiers[o->tier].name);
  fputs(", system: ", fp);
  ss_yaml_quoted(fp, o->system);
  fputs(", price: ", fp);
  scn_yaml_num(fp, o->price);
  fputs(", yearly_cost: ", fp);
  scn_yaml_num(fp, o->yearly_cost);
  fputs(", power_w: ", fp);
  scn_yaml_num(fp, o->power_w);
  fputs(", scale: ", fp);
  scn_yaml_num(fp, o->scale);
  fputs("}\n", fp);
}

static void put_purchase(FILE *fp, const scn_scenario *s,
                         const scn_purchase *p) {
  put_baseline(fp, s, p);
  fputs("  options:\n", fp);
  for (size_t i = 0; i < p->n_options; i++)
    put_option(fp, s, &p->options[i]);
  fputs("  workload: ", fp);
  put_weights(fp, p->workload, p->n_workload,
              "every model of the run, weight 1");
  fputs("  budget: ", fp);
  if (p->has_budget) {
    scn_yaml_num(fp, p->budget);
    fputc('\n', fp);
  } else {
    fputs("null  # no budget: each option alone\n", fp);
  }
  fputs("  horizon_years: ", fp);
  scn_yaml_num(fp, p->years);
  fputc('\n', fp);
}

static void put_dist(FILE *fp, const scn_dist *d) {
  static const char *const an[] = {"mean", "median", "min"};
  static const char *const bn[] = {"sd", "sigma", "max"};
  fputs("    ", fp);
  ss_yaml_quoted(fp, d->param);
  fprintf(fp, ": {dist: %s, ", scn_dist_name(d->kind));
  if (d->kind == SCN_DIST_TRACE) {
    fputs("file: ", fp);
    ss_yaml_quoted(fp, d->file);
  } else {
    fprintf(fp, "%s: ", an[d->kind]);
    scn_yaml_num(fp, d->a);
    fprintf(fp, ", %s: ", bn[d->kind]);
    scn_yaml_num(fp, d->b);
  }
  fputs("}\n", fp);
}

static void put_uncertainty(FILE *fp, const scn_uncertainty *u) {
  fprintf(fp, "uncertainty:\n  samples: %zu\n  seed: %lu\n  deadline_ms: ",
          u->samples, u->seed);
  if (u->has_deadline)
    scn_yaml_num(fp, u->deadline_ms);
  else
    fputs("null  # no deadline", fp);
  fprintf(fp, "\n  top_k: %zu\n  block_times: %s\n  block_sigma: ", u->top_k,
          scn_block_times_name(u->block_times));
  scn_yaml_num(fp, u->block_sigma);
  fputs(u->n_dists ? "\n  params:\n" : "\n  params: {}\n", fp);
  for (size_t i = 0; i < u->n_dists; i++)
    put_dist(fp, &u->dists[i]);
}

static void put_sensitivity(FILE *fp, const scn_sensitivity *v) {
  fputs("sensitivity:\n  range_pct: ", fp);
  scn_yaml_num(fp, v->range_pct);
  fputs("\n  params: ", fp);
  if (!v->n_params) {
    fputs("all", fp);
  } else {
    fputc('[', fp);
    for (size_t i = 0; i < v->n_params; i++) {
      if (i)
        fputs(", ", fp);
      ss_yaml_quoted(fp, v->params[i]);
    }
    fputc(']', fp);
  }
  fputs("\n  workload: ", fp);
  put_weights(fp, v->workload, v->n_workload,
              "purchase.workload, else every model with weight 1");
}

void scn_write_studies(const scn_scenario *s, FILE *fp) {
  if (s->purchase)
    put_purchase(fp, s, s->purchase);
  if (s->uncertainty)
    put_uncertainty(fp, s->uncertainty);
  if (s->sensitivity)
    put_sensitivity(fp, s->sensitivity);
}
