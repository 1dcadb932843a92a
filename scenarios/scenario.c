/* Scenario loading: check the node tree against the schema of
 * docs/scenarios.md and fill a scn_scenario, every default included. */
/* realpath is an XSI function */
#define _XOPEN_SOURCE 700
#include "scn_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../common/ss_io.h"
#include "../common/ss_text.h"
#include "../solver/solver.h"

_Static_assert(SCN_MAX_TIERS == SOLVER_MAX_TIERS,
               "scenario and solver tier limits differ");

#define MAX_TOP_K 1000000LL

typedef scn_loader loader;

static int fail(loader *L, scn_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(loader *L, scn_pos pos, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return scn_err_pos(L->err, L->s->file, pos, "%s", msg);
}

/* A short description of a node for "expected X, got Y" messages. */
static const char *describe(const scn_node *n, char *buf, size_t size) {
  if (n->kind == SCN_NODE_MAP)
    return "a mapping";
  if (n->kind == SCN_NODE_SEQ)
    return "a list";
  if (scn_node_is_null(n))
    return "nothing (null)";
  int longer = n->len > 40;
  if (n->plain)
    snprintf(buf, size, "'%.40s%s'", n->text, longer ? "..." : "");
  else
    snprintf(buf, size, "the quoted text \"%.40s%s\"", n->text,
             longer ? "..." : "");
  return buf;
}

static int expect_kind(loader *L, const scn_node *n, scn_node_kind kind,
                       const char *label) {
  char d[80];
  if (n->kind == kind && !(kind == SCN_NODE_SCALAR && scn_node_is_null(n)))
    return 0;
  const char *want = kind == SCN_NODE_MAP   ? "a mapping (key: value)"
                     : kind == SCN_NODE_SEQ ? "a list [a, b, ...]"
                                            : "a value";
  return fail(L, n->pos, "%s: expected %s, got %s", label, want,
              describe(n, d, sizeof d));
}

/* An optional section that is missing, null or empty. */
static int absent(const scn_node *n) {
  return !n || scn_node_is_null(n) || (n->kind != SCN_NODE_SCALAR && n->n == 0);
}

static const scn_node *map_get(const scn_node *map, const char *key,
                               const scn_node **key_node) {
  for (size_t i = 0; i < map->n; i++)
    if (strcmp(map->items[2 * i]->text, key) == 0) {
      if (key_node)
        *key_node = map->items[2 * i];
      return map->items[2 * i + 1];
    }
  return NULL;
}

/* Every key of map must be one of valid[]; suggest the nearest otherwise. */
static int check_keys(loader *L, const scn_node *map, const char *const *valid,
                      size_t n_valid, const char *label) {
  for (size_t i = 0; i < map->n; i++) {
    const scn_node *k = map->items[2 * i];
    size_t j;
    for (j = 0; j < n_valid; j++)
      if (strcmp(k->text, valid[j]) == 0)
        break;
    if (j < n_valid)
      continue;
    char in[128] = "";
    if (label)
      snprintf(in, sizeof in, " in %s", label);
    const char *best = ss_suggest(k->text, valid, n_valid);
    if (best)
      return fail(L, k->pos, "unknown key '%s'%s; did you mean '%s'?", k->text,
                  in, best);
    char list[512];
    ss_join(list, sizeof list, valid, n_valid);
    return fail(L, k->pos, "unknown key '%s'%s; valid keys: %s", k->text, in,
                list);
  }
  return 0;
}

/* The YAML/strtod spellings of NaN and infinity. */
static int is_nonfinite_word(const char *t) {
  if (*t == '+' || *t == '-')
    t++;
  if (*t == '.')
    t++;
  return strcasecmp(t, "nan") == 0 || strcasecmp(t, "inf") == 0 ||
         strcasecmp(t, "infinity") == 0;
}

static int get_number(loader *L, const scn_node *n, const char *label,
                      double *out) {
  char d[80];
  if (n->kind != SCN_NODE_SCALAR || scn_node_is_null(n))
    return fail(L, n->pos, "%s: expected a number, got %s", label,
                describe(n, d, sizeof d));
  if (!n->plain)
    return fail(L, n->pos,
                "%s: expected a number, got %s (write numbers without quotes)",
                label, describe(n, d, sizeof d));
  if (is_nonfinite_word(n->text))
    return fail(L, n->pos,
                "%s: '%s' is not a finite number (NaN and infinity are not "
                "allowed)",
                label, n->text);
  const char *digits = n->text + (n->text[0] == '-' || n->text[0] == '+');
  if (digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9')
    return fail(L, n->pos,
                "%s: '%s' has a leading zero (YAML 1.1 reads 010 as octal 8); "
                "write the number without it",
                label, n->text);
  if (strpbrk(digits, "xX"))
    return fail(L, n->pos, "%s: '%s' is a hex number; write it in decimal",
                label, n->text);
  if (ss_parse_double(n->text, out) != 0) {
    char *end;
    errno = 0;
    double v = strtod(n->text, &end);
    if (end != n->text && *end == '\0' && !isfinite(v))
      return fail(L, n->pos, "%s: '%s' is out of range of a double", label,
                  n->text);
    return fail(L, n->pos, "%s: expected a number, got %s", label,
                describe(n, d, sizeof d));
  }
  return 0;
}

static int get_whole(loader *L, const scn_node *n, const char *label,
                     long long min, long long max, long long *out) {
  double v;
  if (get_number(L, n, label, &v) != 0)
    return -1;
  if (v != floor(v))
    return fail(L, n->pos, "%s: expected a whole number, got %s", label,
                n->text);
  if (v < (double)min || v > (double)max)
    return fail(L, n->pos, "%s: must be between %lld and %lld, got %s", label,
                min, max, n->text);
  *out = (long long)v;
  return 0;
}

static int get_bool(loader *L, const scn_node *n, const char *label, int *out) {
  char d[80];
  if (n->kind == SCN_NODE_SCALAR && n->plain) {
    if (!strcmp(n->text, "true") || !strcmp(n->text, "True") ||
        !strcmp(n->text, "TRUE")) {
      *out = 1;
      return 0;
    }
    if (!strcmp(n->text, "false") || !strcmp(n->text, "False") ||
        !strcmp(n->text, "FALSE")) {
      *out = 0;
      return 0;
    }
  }
  return fail(L, n->pos, "%s: expected true or false, got %s", label,
              describe(n, d, sizeof d));
}

/* A name: non-empty text without control characters. The returned pointer
 * is borrowed from the node. */
static int get_name(loader *L, const scn_node *n, const char *label,
                    const char **out) {
  char d[80];
  if (n->kind != SCN_NODE_SCALAR || scn_node_is_null(n))
    return fail(L, n->pos, "%s: expected a name, got %s", label,
                describe(n, d, sizeof d));
  if (n->len == 0)
    return fail(L, n->pos, "%s: empty name", label);
  for (size_t i = 0; i < n->len; i++) {
    unsigned char c = (unsigned char)n->text[i];
    if (c < 0x20 || c == 0x7f)
      return fail(L, n->pos, "%s: name contains a control character (0x%02X)",
                  label, c);
  }
  *out = n->text;
  return 0;
}

static int check_scenario_name(const char *name, char *why, size_t size) {
  size_t len = strlen(name);
  if (len == 0 || len > 200) {
    snprintf(why, size, "must have 1 to 200 characters");
    return -1;
  }
  if (name[0] == '.') {
    snprintf(why, size, "must not start with '.'");
    return -1;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
      snprintf(why, size,
               "names an output folder: no '/', '\\' or control characters");
      return -1;
    }
  }
  return 0;
}

static int load_name(loader *L, const scn_node *root) {
  const scn_node *n = map_get(root, "name", NULL);
  char why[128];
  if (n) {
    const char *name;
    if (get_name(L, n, "name", &name) != 0)
      return -1;
    if (check_scenario_name(name, why, sizeof why) != 0)
      return fail(L, n->pos, "name '%s' %s", name, why);
    L->s->name_pos = n->pos;
    return (L->s->name = ss_strdup(name))
               ? 0
               : ss_error_oom(L->err, L->s->file, NULL);
  }
  /* default: the file name without folder and extension */
  const char *file = L->s->file ? L->s->file : "scenario";
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  char *name = ss_strdup(base);
  if (!name)
    return ss_error_oom(L->err, L->s->file, NULL);
  char *dot = strrchr(name, '.');
  if (dot && dot != name)
    *dot = '\0';
  if (check_scenario_name(name, why, sizeof why) != 0) {
    free(name);
    return fail(L, root->pos,
                "cannot use the file name as the scenario name (it %s); add "
                "a 'name:' key",
                why);
  }
  L->s->name = name;
  return 0;
}

/* Resolve a path against the scenario folder and check that it exists.
 * want_file: a regular file; otherwise a file or a folder. */
static int load_path_at(loader *L, const scn_node *n, const char *key,
                        int want_file, char **raw, char **abs, scn_pos *pos);

static int load_path(loader *L, const scn_node *root, const char *key,
                     int want_file, char **raw, char **abs, scn_pos *pos) {
  const scn_node *n = map_get(root, key, NULL);
  if (!n || scn_node_is_null(n))
    return 0;
  return load_path_at(L, n, key, want_file, raw, abs, pos);
}

/* A path value at node n (label `key` in messages): must exist (a regular
 * file when want_file); *abs gets its absolute path. */
static int load_path_at(loader *L, const scn_node *n, const char *key,
                        int want_file, char **raw, char **abs, scn_pos *pos) {
  const char *text;
  if (get_name(L, n, key, &text) != 0)
    return -1;
  *pos = n->pos;
  if (!(*raw = ss_strdup(text)))
    return ss_error_oom(L->err, L->s->file, NULL);
  size_t need = strlen(L->base_dir) + strlen(text) + 2;
  char *joined = malloc(need);
  if (!joined)
    return ss_error_oom(L->err, L->s->file, NULL);
  if (text[0] == '/')
    snprintf(joined, need, "%s", text);
  else
    snprintf(joined, need, "%s/%s", L->base_dir, text);
  struct stat st;
  int rc = -1;
  if (stat(joined, &st) != 0) {
    int e = errno;
    if (text[0] == '/')
      fail(L, n->pos, "%s: '%s' not found: %s", key, text, strerror(e));
    else
      fail(L, n->pos,
           "%s: '%s' not found (relative paths resolve against the scenario "
           "file's folder: looked for '%s'): %s",
           key, text, joined, strerror(e));
    goto done;
  }
  if (want_file && !S_ISREG(st.st_mode)) {
    fail(L, n->pos, "%s: '%s' is not a regular file", key, text);
    goto done;
  }
  if (!want_file && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    fail(L, n->pos, "%s: '%s' is neither a file nor a folder", key, text);
    goto done;
  }
  *abs = realpath(joined, NULL);
  if (!*abs) {
    fail(L, n->pos, "%s: cannot resolve '%s': %s", key, joined,
         strerror(errno));
    goto done;
  }
  rc = 0;
done:
  free(joined);
  return rc;
}

static int load_models(loader *L, const scn_node *root) {
  scn_scenario *s = L->s;
  const scn_node *n = map_get(root, "models", NULL);
  if (!n || scn_node_is_null(n)) {
    s->all_models = 1;
    return 0;
  }
  s->models_pos = n->pos;
  if (n->kind == SCN_NODE_SCALAR && n->plain && strcmp(n->text, "all") == 0) {
    s->all_models = 1;
    return 0;
  }
  const scn_node *const *items = (const scn_node *const *)&n;
  size_t count = 1;
  if (n->kind == SCN_NODE_SEQ) {
    items = (const scn_node *const *)n->items;
    count = n->n;
    if (count == 0)
      return fail(L, n->pos,
                  "models: empty list; name at least one model or write "
                  "'models: all'");
  } else if (n->kind != SCN_NODE_SCALAR) {
    char d[80];
    return fail(L, n->pos,
                "models: expected a list of model names or 'all', "
                "got %s",
                describe(n, d, sizeof d));
  }
  if (count > SCN_MAX_MODELS)
    return fail(L, items[SCN_MAX_MODELS]->pos,
                "models: more than %d models; use 'models: all'",
                SCN_MAX_MODELS);
  if (!(s->models = calloc(count, sizeof *s->models)))
    return ss_error_oom(L->err, L->s->file, NULL);
  for (size_t i = 0; i < count; i++) {
    const char *name;
    if (get_name(L, items[i], "models", &name) != 0)
      return -1;
    for (size_t j = 0; j < s->n_models; j++)
      if (strcmp(s->models[j].name, name) == 0)
        return fail(L, items[i]->pos,
                    "models: '%s' is listed twice (first at %d:%d)", name,
                    s->models[j].pos.line, s->models[j].pos.column);
    if (!(s->models[s->n_models].name = ss_strdup(name)))
      return ss_error_oom(L->err, L->s->file, NULL);
    s->models[s->n_models++].pos = items[i]->pos;
  }
  return 0;
}

static int load_input(loader *L, const scn_node *root) {
  scn_scenario *s = L->s;
  const scn_node *n = map_get(root, "input_mb", NULL);
  char why[200];
  if (n && !scn_node_is_null(n) &&
      !(n->kind == SCN_NODE_SCALAR && n->plain &&
        strcmp(n->text, "profile") == 0)) {
    if (get_number(L, n, "input_mb", &s->input_mb) != 0)
      return -1;
    if (scn_check_value(SCN_PARAM_INPUT_MB, s->input_mb, why, sizeof why))
      return fail(L, n->pos, "%s", why);
    s->input_mb_set = 1;
    s->input_mb_pos = n->pos;
  }
  n = map_get(root, "result_mb", NULL);
  if (n) {
    if (get_number(L, n, "result_mb", &s->result_mb) != 0)
      return -1;
    if (scn_check_value(SCN_PARAM_RESULT_MB, s->result_mb, why, sizeof why))
      return fail(L, n->pos, "%s", why);
  }
  return 0;
}

static long add_system(loader *L, const char *name) {
  scn_scenario *s = L->s;
  long idx = scn_system_index(s, name);
  if (idx >= 0)
    return idx;
  scn_system *ns = realloc(s->systems, (s->n_systems + 1) * sizeof *ns);
  if (!ns)
    return -1;
  s->systems = ns;
  scn_system *sys = &s->systems[s->n_systems];
  memset(sys, 0, sizeof *sys);
  if (!(sys->name = ss_strdup(name)))
    return -1;
  sys->availability = 1.0;
  return (long)s->n_systems++;
}

static int load_tiers(loader *L, const scn_node *root) {
  scn_scenario *s = L->s;
  const scn_node *key = NULL;
  const scn_node *n = map_get(root, "tiers", &key);
  if (!n)
    return fail(L, root->pos,
                "missing required key 'tiers' (an ordered mapping of tier "
                "name to its candidate systems, e.g. tiers: {device: "
                "[raspi4], cloud: [\"6700k(GPU)\"]})");
  s->tiers_pos = key->pos;
  if (expect_kind(L, n, SCN_NODE_MAP, "tiers") != 0)
    return -1;
  if (n->n == 0)
    return fail(L, n->pos, "tiers: name at least one tier");
  if (n->n > SCN_MAX_TIERS)
    return fail(L, n->items[2 * SCN_MAX_TIERS]->pos,
                "tiers: at most %d tiers are supported, got %zu", SCN_MAX_TIERS,
                n->n);
  if (!(s->tiers = calloc(n->n, sizeof *s->tiers)))
    return ss_error_oom(L->err, L->s->file, NULL);
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    const char *tname;
    if (get_name(L, k, "tiers", &tname) != 0)
      return -1;
    scn_tier *t = &s->tiers[s->n_tiers++];
    t->pos = k->pos;
    if (!(t->name = ss_strdup(tname)))
      return ss_error_oom(L->err, L->s->file, NULL);
    char label[300];
    snprintf(label, sizeof label, "tiers.%s", tname);
    const scn_node *const *items = (const scn_node *const *)&v;
    size_t count = 1;
    if (v->kind == SCN_NODE_SEQ) {
      items = (const scn_node *const *)v->items;
      count = v->n;
    } else if (v->kind != SCN_NODE_SCALAR || scn_node_is_null(v)) {
      count = 0;
    }
    if (count == 0)
      return fail(L, v->pos, "%s: expected a non-empty list of system names",
                  label);
    if (!(t->systems = calloc(count, sizeof *t->systems)) ||
        !(t->system_pos = calloc(count, sizeof *t->system_pos)))
      return ss_error_oom(L->err, L->s->file, NULL);
    for (size_t j = 0; j < count; j++) {
      const char *sname;
      if (get_name(L, items[j], label, &sname) != 0)
        return -1;
      for (size_t m = 0; m < t->n_systems; m++)
        if (strcmp(s->systems[t->systems[m]].name, sname) == 0)
          return fail(L, items[j]->pos,
                      "%s: system '%s' is listed twice (first at %d:%d)", label,
                      sname, t->system_pos[m].line, t->system_pos[m].column);
      if (s->n_systems == SCN_MAX_SYSTEMS && scn_system_index(s, sname) < 0)
        return fail(L, items[j]->pos,
                    "%s: more than %d distinct systems in tiers", label,
                    SCN_MAX_SYSTEMS);
      long idx = add_system(L, sname);
      if (idx < 0)
        return ss_error_oom(L->err, L->s->file, NULL);
      t->systems[t->n_systems] = (size_t)idx;
      t->system_pos[t->n_systems++] = items[j]->pos;
    }
  }
  /* constraints per tier: defaults */
  scn_constraints *c = &s->constraints;
  if (!(c->min_blocks = calloc(s->n_tiers, sizeof *c->min_blocks)) ||
      !(c->max_blocks = calloc(s->n_tiers, sizeof *c->max_blocks)) ||
      !(c->min_blocks_pos = calloc(s->n_tiers, sizeof *c->min_blocks_pos)) ||
      !(c->max_blocks_pos = calloc(s->n_tiers, sizeof *c->max_blocks_pos)))
    return ss_error_oom(L->err, L->s->file, NULL);
  for (size_t i = 0; i < s->n_tiers; i++)
    c->max_blocks[i] = -1;
  return 0;
}

/* A system named in tiers:, or an error listing them. */
static long need_system(loader *L, const scn_node *k, const char *label) {
  const char *name;
  if (get_name(L, k, label, &name) != 0)
    return -1;
  long idx = scn_system_index(L->s, name);
  if (idx >= 0)
    return idx;
  const char *names[64] = {NULL};
  size_t n = L->s->n_systems < 64 ? L->s->n_systems : 64;
  for (size_t i = 0; i < n; i++)
    names[i] = L->s->systems[i].name;
  char list[512], hint[200] = "";
  ss_join(list, sizeof list, names, n);
  const char *best = ss_suggest(name, names, n);
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  fail(L, k->pos, "%s: unknown system '%s'%s (systems in tiers: %s)", label,
       name, hint, list);
  return -1;
}

static long need_tier(loader *L, const scn_node *k, const char *label) {
  const char *name;
  if (get_name(L, k, label, &name) != 0)
    return -1;
  long idx = scn_tier_index(L->s, name);
  if (idx >= 0)
    return idx;
  const char *names[SCN_MAX_TIERS] = {NULL};
  for (size_t i = 0; i < L->s->n_tiers; i++)
    names[i] = L->s->tiers[i].name;
  char list[512], hint[200] = "";
  ss_join(list, sizeof list, names, L->s->n_tiers);
  const char *best = ss_suggest(name, names, L->s->n_tiers);
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  fail(L, k->pos, "%s: unknown tier '%s'%s (tiers: %s)", label, name, hint,
       list);
  return -1;
}

/* Number with a range check for a parameter kind. */
static int get_param_value(loader *L, const scn_node *n, const char *label,
                           scn_param_kind kind, double *out) {
  char why[200];
  if (get_number(L, n, label, out) != 0)
    return -1;
  if (scn_check_value(kind, *out, why, sizeof why) != 0)
    return fail(L, n->pos, "%s: %s", label, why);
  return 0;
}

static int load_availability(loader *L, const scn_node *root) {
  const scn_node *n = map_get(root, "availability", NULL);
  if (absent(n))
    return 0;
  if (expect_kind(L, n, SCN_NODE_MAP, "availability") != 0)
    return -1;
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    long idx = need_system(L, k, "availability");
    if (idx < 0)
      return -1;
    char label[300];
    snprintf(label, sizeof label, "availability.%s", k->text);
    scn_system *sys = &L->s->systems[idx];
    if (get_param_value(L, v, label, SCN_PARAM_AVAILABILITY,
                        &sys->availability) != 0)
      return -1;
    sys->availability_pos = k->pos;
  }
  return 0;
}

static int load_power(loader *L, const scn_node *root) {
  static const char *const keys[] = {"compute_power_w", "radio_power_w"};
  const scn_node *n = map_get(root, "power", NULL);
  if (absent(n))
    return 0;
  if (expect_kind(L, n, SCN_NODE_MAP, "power") != 0)
    return -1;
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    long idx = need_system(L, k, "power");
    if (idx < 0)
      return -1;
    char label[300];
    snprintf(label, sizeof label, "power.%s", k->text);
    if (expect_kind(L, v, SCN_NODE_MAP, label) != 0 ||
        check_keys(L, v, keys, 2, label) != 0)
      return -1;
    scn_system *sys = &L->s->systems[idx];
    sys->power_pos = k->pos;
    const scn_node *x = map_get(v, "compute_power_w", NULL);
    char flabel[340];
    if (x) {
      snprintf(flabel, sizeof flabel, "%s.compute_power_w", label);
      if (get_param_value(L, x, flabel, SCN_PARAM_COMPUTE_POWER_W,
                          &sys->compute_power_w) != 0)
        return -1;
    }
    if ((x = map_get(v, "radio_power_w", NULL))) {
      snprintf(flabel, sizeof flabel, "%s.radio_power_w", label);
      if (get_param_value(L, x, flabel, SCN_PARAM_RADIO_POWER_W,
                          &sys->radio_power_w) != 0)
        return -1;
    }
  }
  return 0;
}

/* The link's opt-in calibration values (efficiency, overhead_ms). */
static int load_link_calibration(loader *L, const scn_node *v,
                                 const char *label, scn_link *l) {
  const scn_node *x;
  char flabel[340];
  if ((x = map_get(v, "efficiency", NULL))) {
    snprintf(flabel, sizeof flabel, "%s.efficiency", label);
    if (get_number(L, x, flabel, &l->efficiency) != 0)
      return -1;
    if (!(l->efficiency > 0 && l->efficiency <= SCN_EFFICIENCY_MAX))
      return fail(L, x->pos, "%s: must be in (0, %g], got %s", flabel,
                  SCN_EFFICIENCY_MAX, x->text);
    l->has_efficiency = 1;
  }
  if ((x = map_get(v, "overhead_ms", NULL))) {
    snprintf(flabel, sizeof flabel, "%s.overhead_ms", label);
    if (get_number(L, x, flabel, &l->overhead_ms) != 0)
      return -1;
    if (!(l->overhead_ms >= 0))
      return fail(L, x->pos, "%s: must be >= 0, got %s", flabel, x->text);
    l->has_overhead_ms = 1;
  }
  return 0;
}

/* The trace keys of one link (docs/traces.md). */
static int load_link_trace(loader *L, const scn_node *v, const char *label,
                           scn_link *l) {
  static const char *const sharing[] = {"fifo", "fair"};
  char flabel[340];
  const scn_node *x;
  if ((x = map_get(v, "trace", NULL))) {
    snprintf(flabel, sizeof flabel, "%s.trace", label);
    if (load_path_at(L, x, flabel, 1, &l->trace_raw, &l->trace,
                     &l->trace_pos) != 0)
      return -1;
  }
  if ((x = map_get(v, "trace_scale", NULL))) {
    snprintf(flabel, sizeof flabel, "%s.trace_scale", label);
    if (get_param_value(L, x, flabel, SCN_PARAM_LINK_TRACE_SCALE,
                        &l->trace_scale) != 0)
      return -1;
  }
  if ((x = map_get(v, "trace_offset_s", NULL))) {
    snprintf(flabel, sizeof flabel, "%s.trace_offset_s", label);
    if (get_param_value(L, x, flabel, SCN_PARAM_LINK_TRACE_OFFSET_S,
                        &l->trace_offset_s) != 0)
      return -1;
  }
  if ((x = map_get(v, "repeat", NULL))) {
    snprintf(flabel, sizeof flabel, "%s.repeat", label);
    if (get_bool(L, x, flabel, &l->repeat) != 0)
      return -1;
  }
  if ((x = map_get(v, "sharing", NULL))) {
    snprintf(flabel, sizeof flabel, "%s.sharing", label);
    const char *text;
    if (get_name(L, x, flabel, &text) != 0)
      return -1;
    for (int i = 0; i < 2; i++)
      if (strcmp(text, sharing[i]) == 0) {
        l->sharing = (scn_sharing)i;
        return 0;
      }
    const char *best = ss_suggest(text, sharing, 2);
    char hint[100] = "";
    if (best)
      snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
    return fail(L, x->pos, "%s: unknown sharing '%s'%s (valid: fifo, fair)",
                flabel, text, hint);
  }
  return 0;
}

static int load_links(loader *L, const scn_node *root) {
  static const char *const keys[] = {
      "latency_ms",  "bandwidth_mbps", "efficiency", "overhead_ms", "trace",
      "trace_scale", "trace_offset_s", "repeat",     "sharing"};
  scn_scenario *s = L->s;
  const scn_node *n = map_get(root, "links", NULL);
  if (absent(n))
    return 0;
  if (expect_kind(L, n, SCN_NODE_MAP, "links") != 0)
    return -1;
  if (n->n > SCN_MAX_LINKS)
    return fail(L, n->items[2 * SCN_MAX_LINKS]->pos,
                "links: more than %d entries", SCN_MAX_LINKS);
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    const char *key;
    if (get_name(L, k, "links", &key) != 0)
      return -1;
    scn_link_kind kind;
    size_t a, b;
    if (scn_pair_resolve(s, key, 0, k->pos, &kind, &a, &b, L->err) != 0)
      return -1;
    const scn_link *dup = scn_link_find(s, kind, a, b);
    if (dup)
      return fail(L, k->pos,
                  "links: '%s' is the same link as '%s' (at %d:%d); links "
                  "have no direction",
                  key, dup->key, dup->pos.line, dup->pos.column);
    char label[300];
    snprintf(label, sizeof label, "links.%s", key);
    if (expect_kind(L, v, SCN_NODE_MAP, label) != 0 ||
        check_keys(L, v, keys, sizeof keys / sizeof *keys, label) != 0)
      return -1;
    long idx = scn_link_add(s, key, kind, a, b, k->pos);
    if (idx < 0)
      return ss_error_oom(L->err, L->s->file, NULL);
    scn_link *l = &s->links[idx];
    const scn_node *x;
    char flabel[340];
    if ((x = map_get(v, "latency_ms", NULL))) {
      snprintf(flabel, sizeof flabel, "%s.latency_ms", label);
      if (get_param_value(L, x, flabel, SCN_PARAM_LINK_LATENCY_MS,
                          &l->latency_ms) != 0)
        return -1;
      l->has_latency_ms = 1;
    }
    if ((x = map_get(v, "bandwidth_mbps", NULL))) {
      snprintf(flabel, sizeof flabel, "%s.bandwidth_mbps", label);
      if (get_param_value(L, x, flabel, SCN_PARAM_LINK_BANDWIDTH_MBPS,
                          &l->bandwidth_mbps) != 0)
        return -1;
      l->has_bandwidth_mbps = 1;
    }
    if (load_link_calibration(L, v, label, l) != 0)
      return -1;
    if (load_link_trace(L, v, label, l) != 0)
      return -1;
  }
  return 0;
}

static int load_objective(loader *L, const scn_node *root) {
  const scn_node *n = map_get(root, "objective", NULL);
  L->s->objective = SOLVER_OBJ_LATENCY;
  if (!n)
    return 0;
  const char *text;
  if (get_name(L, n, "objective", &text) != 0)
    return -1;
  L->s->objective_pos = n->pos;
  const solver_objective_info *o = solver_objective_find(text);
  if (o) {
    L->s->objective = o->id;
    return 0;
  }
  const char *names[SOLVER_MAX_OBJECTIVES];
  solver_objective_names(names);
  char hint[100] = "", valid[400] = "";
  const char *best = ss_suggest(text, names, solver_n_objectives);
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
  for (size_t i = 0, k = 0; i < solver_n_objectives && k < sizeof valid; i++)
    k += (size_t)snprintf(valid + k, sizeof valid - k, "%s%s", i ? ", " : "",
                          names[i]);
  return fail(L, n->pos, "unknown objective '%s'%s (valid: %s)", text, hint,
              valid);
}

static int load_top_k(loader *L, const scn_node *root) {
  const scn_node *n = map_get(root, "top_k", NULL);
  L->s->top_k = 1;
  if (!n)
    return 0;
  long long k;
  if (get_whole(L, n, "top_k", 1, MAX_TOP_K, &k) != 0)
    return -1;
  L->s->top_k = (size_t)k;
  return 0;
}

static int load_calibrate(loader *L, const scn_node *root) {
  const scn_node *n = map_get(root, "calibrate", NULL);
  L->s->calibrate = 0;
  return n ? get_bool(L, n, "calibrate", &L->s->calibrate) : 0;
}

static int load_block_limits(loader *L, const scn_node *n, const char *label,
                             long long *values, scn_pos *pos) {
  if (expect_kind(L, n, SCN_NODE_MAP, label) != 0)
    return -1;
  for (size_t i = 0; i < n->n; i++) {
    const scn_node *k = n->items[2 * i], *v = n->items[2 * i + 1];
    long t = need_tier(L, k, label);
    if (t < 0)
      return -1;
    char vl[340];
    snprintf(vl, sizeof vl, "%s.%s", label, k->text);
    if (get_whole(L, v, vl, 0, 1000000000LL, &values[t]) != 0)
      return -1;
    pos[t] = k->pos;
  }
  return 0;
}

static int load_constraints(loader *L, const scn_node *root) {
  static const char *const keys[] = {"privacy", "min_blocks", "max_blocks",
                                     "max_link_mb"};
  scn_scenario *s = L->s;
  scn_constraints *c = &s->constraints;
  const scn_node *n = map_get(root, "constraints", NULL);
  if (absent(n))
    return 0;
  if (expect_kind(L, n, SCN_NODE_MAP, "constraints") != 0 ||
      check_keys(L, n, keys, 4, "constraints") != 0)
    return -1;
  const scn_node *x;
  if ((x = map_get(n, "privacy", NULL)) &&
      get_bool(L, x, "constraints.privacy", &c->privacy) != 0)
    return -1;
  if ((x = map_get(n, "min_blocks", NULL)) &&
      load_block_limits(L, x, "constraints.min_blocks", c->min_blocks,
                        c->min_blocks_pos) != 0)
    return -1;
  if ((x = map_get(n, "max_blocks", NULL)) &&
      load_block_limits(L, x, "constraints.max_blocks", c->max_blocks,
                        c->max_blocks_pos) != 0)
    return -1;
  for (size_t t = 0; t < s->n_tiers; t++)
    if (c->max_blocks[t] >= 0 && c->min_blocks[t] > c->max_blocks[t])
      return fail(L, c->max_blocks_pos[t],
                  "constraints: max_blocks.%s = %lld is below min_blocks.%s "
                  "= %lld",
                  s->tiers[t].name, c->max_blocks[t], s->tiers[t].name,
                  c->min_blocks[t]);
  if ((x = map_get(n, "max_link_mb", NULL))) {
    if (expect_kind(L, x, SCN_NODE_MAP, "constraints.max_link_mb") != 0)
      return -1;
    for (size_t i = 0; i < x->n; i++) {
      const scn_node *k = x->items[2 * i], *v = x->items[2 * i + 1];
      const char *key;
      if (get_name(L, k, "constraints.max_link_mb", &key) != 0)
        return -1;
      scn_link_kind kind;
      size_t a, b;
      if (scn_pair_resolve(s, key, 1, k->pos, &kind, &a, &b, L->err) != 0)
        return -1;
      long dup = scn_limit_find(s, a, b);
      if (dup >= 0)
        return fail(L, k->pos,
                    "constraints.max_link_mb: '%s' is the same tier pair as "
                    "'%s' (at %d:%d)",
                    key, c->link_limits[dup].key, c->link_limits[dup].pos.line,
                    c->link_limits[dup].pos.column);
      long idx = scn_limit_add(s, key, a, b, k->pos);
      if (idx < 0)
        return ss_error_oom(L->err, L->s->file, NULL);
      char label[340];
      snprintf(label, sizeof label, "constraints.max_link_mb.%s", key);
      if (get_param_value(L, v, label, SCN_PARAM_MAX_LINK_MB,
                          &c->link_limits[idx].mb) != 0)
        return -1;
    }
  }
  return 0;
}

/* linear: [from, to, n] or log: [from, to, n]. */
static int load_range(loader *L, scn_axis *ax, const scn_node *n,
                      const char *label) {
  char d[80];
  if (n->kind != SCN_NODE_SEQ || n->n != 3)
    return fail(L, n->pos, "%s: expected [from, to, n], got %s", label,
                n->kind == SCN_NODE_SEQ ? "a list of another length"
                                        : describe(n, d, sizeof d));
  double nv;
  if (get_number(L, n->items[0], label, &ax->from) != 0 ||
      get_number(L, n->items[1], label, &ax->to) != 0 ||
      get_number(L, n->items[2], label, &nv) != 0)
    return -1;
  if (nv != floor(nv))
    return fail(L, n->items[2]->pos,
                "%s: n must be a whole number of values, got %s", label,
                n->items[2]->text);
  if (nv < 1)
    return fail(L, n->items[2]->pos,
                "%s: empty range: n must be at least 1, got %s", label,
                n->items[2]->text);
  if (nv > (double)SCN_MAX_AXIS_VALUES)
    return fail(L, n->items[2]->pos,
                "%s: n = %s is more than the limit of %zu values per axis",
                label, n->items[2]->text, SCN_MAX_AXIS_VALUES);
  if (nv + (double)L->axis_values > (double)SCN_MAX_TOTAL_AXIS_VALUES)
    return fail(L, n->items[2]->pos,
                "%s: n = %s makes more than the limit of %zu values over all "
                "sweep axes",
                label, n->items[2]->text, SCN_MAX_TOTAL_AXIS_VALUES);
  L->axis_values += (size_t)nv;
  size_t count = (size_t)nv;
  char f[SS_DOUBLE_BUFSIZE], t[SS_DOUBLE_BUFSIZE];
  ss_fmt_double(f, ax->from);
  ss_fmt_double(t, ax->to);
  if (ax->form == SCN_AXIS_LOG && ax->from <= 0)
    return fail(L, n->items[0]->pos, "%s: a log range needs from > 0, got %s",
                label, f);
  if (ax->from > ax->to)
    return fail(L, n->items[0]->pos,
                "%s: reversed range: from %s is greater than to %s (ranges "
                "go upwards; use values: [...] for another order)",
                label, f, t);
  if (count > 1 && ax->from == ax->to)
    return fail(L, n->pos,
                "%s: empty range: from and to are both %s (use values: [%s] "
                "for a single value)",
                label, f, f);
  if (count == 1 && ax->from != ax->to)
    return fail(L, n->items[2]->pos,
                "%s: n = 1 cannot span from %s to %s; use n >= 2", label, f, t);
  if (scn_axis_generate(ax, count) != 0)
    return ss_error_oom(L->err, L->s->file, NULL);
  return 0;
}

/* param: of sweep item i (map n): a parameter path not swept yet. */
static int load_axis_param(loader *L, size_t i, const scn_node *n,
                           const char *label, const char **path) {
  scn_scenario *s = L->s;
  scn_axis *ax = &s->axes[i];
  const scn_node *p = map_get(n, "param", NULL);
  if (!p)
    return fail(L, n->pos,
                "%s: missing 'param' (the parameter path to sweep, e.g. "
                "links.device-edge.bandwidth_mbps)",
                label);
  if (get_name(L, p, "param", path) != 0)
    return -1;
  ax->pos = p->pos;
  if (!(ax->param = ss_strdup(*path)))
    return ss_error_oom(L->err, L->s->file, NULL);
  if (scn_param_resolve_at(s, *path, p->pos, &ax->target, L->err) != 0)
    return -1;
  for (size_t j = 0; j < i; j++)
    if (s->axes[j].target.kind == ax->target.kind &&
        s->axes[j].target.index == ax->target.index)
      return fail(L, p->pos, "%s: '%s' is already swept by '%s' at %d:%d",
                  label, *path, s->axes[j].param, s->axes[j].pos.line,
                  s->axes[j].pos.column);
  return 0;
}

/* The one of values:, linear: and log: that map n gives (ax->form set). */
static int pick_axis_form(loader *L, const scn_node *n, scn_axis *ax,
                          const char *label, const char *path,
                          const scn_node **range, const scn_node **range_key) {
  static const char *const forms[] = {"values", "linear", "log"};
  *range = *range_key = NULL;
  for (int f = 0; f < 3; f++) {
    const scn_node *k;
    const scn_node *v = map_get(n, forms[f], &k);
    if (!v)
      continue;
    if (*range)
      return fail(L, k->pos,
                  "%s: give only one of values, linear and log (already "
                  "have '%s')",
                  label, (*range_key)->text);
    *range = v;
    *range_key = k;
    ax->form = (scn_axis_form)f;
  }
  if (!*range)
    return fail(L, n->pos,
                "%s (%s): missing values: [...], linear: [from, to, n] or "
                "log: [from, to, n]",
                label, path);
  return 0;
}

/* values: [...] of an axis (rl: its label in messages). */
static int load_axis_values(loader *L, scn_axis *ax, const scn_node *range,
                            const char *rl) {
  if (expect_kind(L, range, SCN_NODE_SEQ, rl) != 0)
    return -1;
  if (range->n == 0)
    return fail(L, range->pos, "%s: empty list of values", rl);
  if (range->n > SCN_MAX_AXIS_VALUES)
    return fail(L, range->pos, "%s: more than %zu values", rl,
                SCN_MAX_AXIS_VALUES);
  if (!(ax->values = malloc(range->n * sizeof *ax->values)))
    return ss_error_oom(L->err, L->s->file, NULL);
  for (size_t j = 0; j < range->n; j++) {
    if (get_number(L, range->items[j], rl, &ax->values[j]) != 0)
      return -1;
    ax->n_values = j + 1;
  }
  return 0;
}

/* Every value of the axis must be valid for its parameter; a bad one is
 * reported where it is written (a range's end for a linear or log one). */
static int check_axis_values(loader *L, const scn_axis *ax,
                             const scn_node *range, const char *rl) {
  for (size_t j = 0; j < ax->n_values; j++) {
    char why[200];
    if (scn_check_value(ax->target.kind, ax->values[j], why, sizeof why)) {
      scn_pos at = range->pos;
      if (ax->form == SCN_AXIS_VALUES)
        at = range->items[j]->pos;
      else if (j == 0)
        at = range->items[0]->pos;
      else if (j + 1 == ax->n_values)
        at = range->items[1]->pos;
      return fail(L, at, "%s: value %zu: %s", rl, j + 1, why);
    }
  }
  return 0;
}

/* zip: of sweep item i (map n); zip_pos[i] is where it is, else the item. */
static int load_axis_zip(loader *L, size_t i, const scn_node *n,
                         scn_pos *zip_pos) {
  scn_axis *ax = &L->s->axes[i];
  const scn_node *zk;
  const scn_node *z = map_get(n, "zip", &zk);
  zip_pos[i] = n->pos;
  if (z) {
    const char *zname;
    if (get_name(L, z, "zip", &zname) != 0)
      return -1;
    if (!(ax->zip = ss_strdup(zname)))
      return ss_error_oom(L->err, L->s->file, NULL);
    zip_pos[i] = z->pos;
  }
  return 0;
}

static int load_axis(loader *L, size_t i, const scn_node *n, scn_pos *zip_pos) {
  static const char *const keys[] = {"param", "values", "linear", "log", "zip"};
  scn_axis *ax = &L->s->axes[i];
  char label[64];
  snprintf(label, sizeof label, "sweep item %zu", i + 1);
  if (expect_kind(L, n, SCN_NODE_MAP, label) != 0 ||
      check_keys(L, n, keys, 5, label) != 0)
    return -1;
  const char *path;
  const scn_node *range, *range_key;
  if (load_axis_param(L, i, n, label, &path) != 0 ||
      pick_axis_form(L, n, ax, label, path, &range, &range_key) != 0)
    return -1;
  char rl[400];
  snprintf(rl, sizeof rl, "sweep %s %s", path, range_key->text);
  if ((ax->form == SCN_AXIS_VALUES ? load_axis_values(L, ax, range, rl)
                                   : load_range(L, ax, range, rl)) != 0 ||
      check_axis_values(L, ax, range, rl) != 0)
    return -1;
  return load_axis_zip(L, i, n, zip_pos);
}

static int load_sweep(loader *L, const scn_node *root) {
  scn_scenario *s = L->s;
  const scn_node *k;
  const scn_node *n = map_get(root, "sweep", &k);
  if (absent(n))
    return 0;
  if (expect_kind(L, n, SCN_NODE_SEQ, "sweep") != 0)
    return -1;
  if (n->n > SCN_MAX_AXES)
    return fail(L, n->items[SCN_MAX_AXES]->pos, "sweep: more than %d axes",
                SCN_MAX_AXES);
  scn_pos *zip_pos = calloc(n->n, sizeof *zip_pos);
  if (!zip_pos || !(s->axes = calloc(n->n, sizeof *s->axes))) {
    free(zip_pos);
    return ss_error_oom(L->err, L->s->file, NULL);
  }
  int rc = -1;
  for (size_t i = 0; i < n->n; i++) {
    s->n_axes = i + 1; /* so that scn_free releases a partly loaded axis */
    if (load_axis(L, i, n->items[i], zip_pos) != 0)
      goto done;
  }
  rc = scn_sweep_build_groups(s, zip_pos, k->pos, L->err);
done:
  free(zip_pos);
  return rc;
}

static int build(loader *L, const scn_node *root) {
  static const char *const keys[] = {
      "name",      "profiles",    "network",     "models",       "input_mb",
      "result_mb", "tiers",       "links",       "availability", "power",
      "objective", "constraints", "top_k",       "calibrate",    "sweep",
      "reference", "purchase",    "uncertainty", "sensitivity",  "workload",
      "servers",   "queue_limit", "replay"};
  scn_scenario *s = L->s;
  char d[80];
  if (root->kind != SCN_NODE_MAP)
    return fail(L, root->pos,
                "the top level must be a mapping of keys (name:, tiers:, "
                "...), got %s",
                describe(root, d, sizeof d));
  if (check_keys(L, root, keys, sizeof keys / sizeof *keys, NULL) != 0 ||
      load_name(L, root) != 0 ||
      load_path(L, root, "profiles", 0, &s->profiles_raw, &s->profiles,
                &s->profiles_pos) != 0 ||
      load_path(L, root, "network", 1, &s->network_raw, &s->network,
                &s->network_pos) != 0 ||
      load_models(L, root) != 0 || load_input(L, root) != 0 ||
      load_tiers(L, root) != 0 || load_objective(L, root) != 0 ||
      load_top_k(L, root) != 0 || load_calibrate(L, root) != 0 ||
      load_availability(L, root) != 0 || load_power(L, root) != 0 ||
      load_links(L, root) != 0 || load_constraints(L, root) != 0 ||
      scn_load_workload(L, root) != 0 || load_sweep(L, root) != 0 ||
      scn_load_reference(L, root) != 0 || scn_load_studies(L, root) != 0 ||
      scn_load_replay(L, root) != 0)
    return -1;
  return 0;
}

/* ---- helpers shared with the study sections (scn_study.c) ------------- */

const scn_node *scn_ld_get(const scn_node *map, const char *key,
                           const scn_node **key_node) {
  return map_get(map, key, key_node);
}

int scn_ld_fail(scn_loader *L, scn_pos pos, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return scn_err_pos(L->err, L->s->file, pos, "%s", msg);
}

int scn_ld_oom(scn_loader *L) { return ss_error_oom(L->err, L->s->file, NULL); }

int scn_ld_kind(scn_loader *L, const scn_node *n, scn_node_kind kind,
                const char *label) {
  return expect_kind(L, n, kind, label);
}

int scn_ld_keys(scn_loader *L, const scn_node *map, const char *const *valid,
                size_t n_valid, const char *label) {
  return check_keys(L, map, valid, n_valid, label);
}

int scn_ld_number(scn_loader *L, const scn_node *n, const char *label,
                  double *out) {
  return get_number(L, n, label, out);
}

int scn_ld_whole(scn_loader *L, const scn_node *n, const char *label,
                 long long min, long long max, long long *out) {
  return get_whole(L, n, label, min, max, out);
}

int scn_ld_bool(scn_loader *L, const scn_node *n, const char *label, int *out) {
  return get_bool(L, n, label, out);
}

int scn_ld_name(scn_loader *L, const scn_node *n, const char *label,
                const char **out) {
  return get_name(L, n, label, out);
}

long scn_ld_tier(scn_loader *L, const scn_node *k, const char *label) {
  return need_tier(L, k, label);
}

int scn_load_text(const char *text, size_t len, const char *file,
                  const char *base_dir, scn_scenario **out, ss_error *err) {
  *out = NULL;
  scn_node *root = NULL;
  loader L = {NULL, base_dir ? base_dir : ".", err, 0};
  if (!(L.s = calloc(1, sizeof *L.s)))
    return ss_error_oom(err, file, NULL);
  if (file && !(L.s->file = ss_strdup(file)))
    goto nomem;
  if (scn_yaml_parse(text, len, file, &root, err) != 0)
    goto fail;
  if (build(&L, root) != 0)
    goto fail;
  scn_node_free(root);
  *out = L.s;
  return 0;
nomem:
  ss_error_oom(err, file, NULL);
fail:
  scn_node_free(root);
  scn_free(L.s);
  return -1;
}

int scn_load(const char *path, scn_scenario **out, ss_error *err) {
  *out = NULL;
  size_t len;
  char *text = ss_read_file(path, SCN_MAX_FILE_BYTES, &len, err);
  if (!text)
    return -1;
  char *dir = ss_strdup(path);
  if (!dir) {
    free(text);
    return ss_error_oom(err, path, NULL);
  }
  char *slash = strrchr(dir, '/');
  if (!slash)
    strcpy(dir, ".");
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
  int rc = scn_load_text(text, len, path, dir, out, err);
  free(dir);
  free(text);
  return rc;
}
