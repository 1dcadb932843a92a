/* The measured-CSV importer (X.csv + provenance sidecar X.json) and the CSV
 * sidecar path. The CSV reader is common/ss_csv.h. Formats: docs/formats.md. */
#define _POSIX_C_SOURCE 200809L
#include "import.h"
#include "import_internal.h"
#include "json_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"
#include "../common/ss_mem.h"

int prof_csv_sidecar_path(const char *csv_path, char *out, size_t outsize) {
  size_t len = strlen(csv_path);
  const char *slash = strrchr(csv_path, '/');
  const char *dot = strrchr(csv_path, '.');
  size_t base = len;
  if (dot && (!slash || dot > slash) && strcasecmp(dot, ".csv") == 0)
    base = (size_t)(dot - csv_path);
  if (base + sizeof ".json" > outsize)
    return -1;
  memcpy(out, csv_path, base);
  memcpy(out + base, ".json", sizeof ".json");
  return 0;
}

/* ---- measured CSV ---- */

enum {
  C_SYSTEM,
  C_MODEL,
  C_BLOCK,
  C_FIRST,
  C_LAST,
  C_FIRST_NAME,
  C_LAST_NAME,
  C_MEDIAN,
  C_P10,
  C_P90,
  C_REPEATS,
  C_OUT_BYTES,
  C_OUT_SHAPE,
  C_SAMPLES, /* optional: raw repeats joined by ';' */
  N_COLS
};
#define N_REQUIRED C_SAMPLES

static const char *const col_names[N_COLS] = {
    "system",       "model",           "block",          "first_node",
    "last_node",    "first_node_name", "last_node_name", "time_s_median",
    "time_s_p10",   "time_s_p90",      "repeats",        "output_bytes",
    "output_shape", "samples_s"};

/* Make room for element n of an array grown here. The profile structs keep
 * no capacity: it is implied by the count, as ss_grow doubles it from 4. */
static int grow_for(void **arr, size_t n, size_t elem) {
  size_t cap = 0;
  if (n > 0)
    for (cap = 4; cap < n; cap *= 2)
      ;
  return ss_grow(arr, &cap, n + 1, elem, 4);
}

typedef struct row_ctx {
  ss_csv_reader *r;
  int col_at[N_COLS]; /* field index of each column, -1 when absent */
  ss_error *err;
  const char *sys;   /* context for messages, or NULL */
  const char *model; /* " */
  long long block;   /* -1 when not known yet */
} row_ctx;

static int row_err(const row_ctx *c, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int row_err(const row_ctx *c, int col, const char *fmt, ...) {
  char what[512], ctx[300] = "";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (c->model && c->block >= 0)
    snprintf(ctx, sizeof ctx,
             "block %lld of '%.100s' (system '%.100s'): ", c->block, c->model,
             c->sys);
  else if (c->model)
    snprintf(ctx, sizeof ctx, "model '%.100s' (system '%.100s'): ", c->model,
             c->sys);
  if (col >= 0)
    return ss_error_line(c->err, SS_ERR_FORMAT, c->r->path, c->r->rec_line,
                         "%scolumn %s: %s", ctx, col_names[col], what);
  return ss_error_line(c->err, SS_ERR_FORMAT, c->r->path, c->r->rec_line,
                       "%s%s", ctx, what);
}

static const ss_csv_cell *cell(const row_ctx *c, int col) {
  return &c->r->fields[c->col_at[col]];
}

static int cell_empty(const ss_csv_cell *f) {
  return f->len == 0 && !f->quoted;
}

/* A finite number >= 0; an empty cell gives NaN when allowed. */
static int cell_time(const row_ctx *c, int col, int allow_empty, double *out) {
  const ss_csv_cell *f = cell(c, col);
  if (cell_empty(f)) {
    if (allow_empty) {
      *out = NAN;
      return 0;
    }
    return row_err(c, col, "empty (a time in seconds is required)");
  }
  if (ss_parse_double(f->text, out) != 0)
    return row_err(c, col, "'%.60s' is not a finite number", f->text);
  if (*out < 0)
    return row_err(c, col, "negative time %.60s", f->text);
  return 0;
}

/* An integer >= 0; an empty cell gives dflt when dflt >= 0. */
static int cell_count(const row_ctx *c, int col, long long dflt, int64_t *out) {
  const ss_csv_cell *f = cell(c, col);
  long long v;
  if (cell_empty(f) && dflt >= 0) {
    *out = dflt;
    return 0;
  }
  if (cell_empty(f))
    return row_err(c, col, "empty (an integer is required)");
  if (ss_parse_int64(f->text, &v) != 0)
    return row_err(c, col, "'%.60s' is not an integer", f->text);
  if (v < 0)
    return row_err(c, col, "negative value %lld", v);
  *out = v;
  return 0;
}

/* Text cell: empty unquoted means "no value" (NULL). */
static int cell_text(const row_ctx *c, int col, char **out) {
  const ss_csv_cell *f = cell(c, col);
  *out = NULL;
  if (cell_empty(f))
    return 0;
  *out = ss_strdup(f->text);
  return *out ? 0 : row_err(c, -1, "out of memory");
}

static int cell_samples(const row_ctx *c, prof_block *k) {
  if (c->col_at[C_SAMPLES] < 0)
    return 0;
  const ss_csv_cell *f = cell(c, C_SAMPLES);
  if (f->len == 0)
    return 0;
  size_t n = 1;
  for (const char *p = f->text; *p; p++)
    n += *p == ';';
  k->samples_s = malloc(n * sizeof *k->samples_s);
  if (!k->samples_s)
    return row_err(c, -1, "out of memory");
  char item[128];
  const char *p = f->text;
  for (size_t i = 0; i < n; i++) {
    const char *semi = strchr(p, ';');
    size_t len = semi ? (size_t)(semi - p) : strlen(p);
    double v;
    if (len >= sizeof item)
      return row_err(c, C_SAMPLES, "sample %zu is too long", i + 1);
    memcpy(item, p, len);
    item[len] = '\0';
    if (ss_parse_double(item, &v) != 0)
      return row_err(c, C_SAMPLES, "sample %zu '%.60s' is not a finite number",
                     i + 1, item);
    if (v < 0)
      return row_err(c, C_SAMPLES, "sample %zu is negative (%.60s)", i + 1,
                     item);
    k->samples_s[i] = v;
    k->n_samples = i + 1;
    p = semi ? semi + 1 : p + len;
  }
  return 0;
}

static int read_header(row_ctx *c) {
  ss_csv_reader *r = c->r;
  for (int i = 0; i < N_COLS; i++)
    c->col_at[i] = -1;
  for (size_t f = 0; f < r->n_fields; f++) {
    char name[64];
    const char *t = r->fields[f].text;
    while (*t == ' ' || *t == '\t')
      t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
      n--;
    if (n >= sizeof name)
      n = sizeof name - 1;
    memcpy(name, t, n);
    name[n] = '\0';
    int col = -1;
    for (int i = 0; i < N_COLS; i++)
      if (strcasecmp(name, col_names[i]) == 0)
        col = i;
    if (col < 0)
      return ss_error_line(
          c->err, SS_ERR_FORMAT, r->path, r->rec_line,
          "unknown column '%s' in the header (columns: system, "
          "model, block, first_node, last_node, first_node_name, "
          "last_node_name, time_s_median, time_s_p10, time_s_p90, "
          "repeats, output_bytes, output_shape and optionally "
          "samples_s)",
          name);
    if (c->col_at[col] >= 0)
      return ss_error_line(c->err, SS_ERR_FORMAT, r->path, r->rec_line,
                           "column '%s' appears twice in the header", name);
    c->col_at[col] = (int)f;
  }
  for (int i = 0; i < N_REQUIRED; i++)
    if (c->col_at[i] < 0)
      return ss_error_line(c->err, SS_ERR_FORMAT, r->path, r->rec_line,
                           "missing column '%s' in the header", col_names[i]);
  return 0;
}

static prof_system *get_system(prof_set *s, const char *name, size_t *hint) {
  if (*hint < s->n_systems && strcmp(s->systems[*hint].name, name) == 0)
    return &s->systems[*hint];
  for (size_t i = 0; i < s->n_systems; i++)
    if (strcmp(s->systems[i].name, name) == 0) {
      *hint = i;
      return &s->systems[i];
    }
  if (grow_for((void **)&s->systems, s->n_systems, sizeof *s->systems) != 0)
    return NULL;
  prof_system *sys = &s->systems[s->n_systems];
  memset(sys, 0, sizeof *sys);
  if (!(sys->name = ss_strdup(name)))
    return NULL;
  *hint = s->n_systems++;
  return sys;
}

static prof_model *get_model(prof_system *sys, const char *name) {
  /* Rows of one model are consecutive: try the latest model first. */
  if (sys->n_models && strcmp(sys->models[sys->n_models - 1].name, name) == 0)
    return &sys->models[sys->n_models - 1];
  prof_model *m = prof_system_find_model(sys, name);
  if (m)
    return m;
  if (grow_for((void **)&sys->models, sys->n_models, sizeof *sys->models) != 0)
    return NULL;
  m = &sys->models[sys->n_models];
  memset(m, 0, sizeof *m);
  m->input_bytes = -1;
  m->whole_model_time_s = NAN;
  if (!(m->name = ss_strdup(name)))
    return NULL;
  sys->n_models++;
  return m;
}

static int read_row(row_ctx *c, prof_set *tmp, size_t *sys_hint) {
  ss_csv_reader *r = c->r;
  size_t want = 0;
  for (int i = 0; i < N_COLS; i++)
    want += c->col_at[i] >= 0;
  c->sys = c->model = NULL;
  c->block = -1;
  if (r->n_fields != want)
    return row_err(c, -1, "expected %zu fields (as in the header), found %zu",
                   want, r->n_fields);
  const ss_csv_cell *fs = cell(c, C_SYSTEM), *fm = cell(c, C_MODEL);
  if (fs->len == 0)
    return row_err(c, C_SYSTEM, "empty system name");
  if (fm->len == 0)
    return row_err(c, C_MODEL, "empty model name");
  if (tmp->n_systems >= PROF_MAX_SYSTEMS &&
      !prof_set_find_system(tmp, fs->text))
    return row_err(c, C_SYSTEM, "more than %zu systems in one file",
                   PROF_MAX_SYSTEMS);
  prof_system *sys = get_system(tmp, fs->text, sys_hint);
  if (sys && sys->n_models >= PROF_MAX_MODELS &&
      !prof_system_find_model(sys, fm->text))
    return row_err(c, C_MODEL, "more than %zu models for system '%s'",
                   PROF_MAX_MODELS, sys->name);
  prof_model *m = sys ? get_model(sys, fm->text) : NULL;
  if (!m)
    return row_err(c, -1, "out of memory");
  if (m->n_blocks >= PROF_MAX_BLOCKS)
    return row_err(c, C_BLOCK, "more than %zu blocks for model '%s'",
                   PROF_MAX_BLOCKS, m->name);
  c->sys = sys->name;
  c->model = m->name;
  int64_t block;
  if (cell_count(c, C_BLOCK, -1, &block) != 0)
    return -1;
  if ((uint64_t)block != m->n_blocks) {
    if ((uint64_t)block < m->n_blocks)
      return row_err(c, C_BLOCK,
                     "block %lld given again (blocks are numbered 0, 1, 2, "
                     "... once each; expected %zu)",
                     (long long)block, m->n_blocks);
    return row_err(c, C_BLOCK,
                   "block index gap: expected block %zu, found %lld (blocks "
                   "are numbered 0, 1, 2, ... with no gaps)",
                   m->n_blocks, (long long)block);
  }
  c->block = block;
  if (grow_for((void **)&m->blocks, m->n_blocks, sizeof *m->blocks) != 0)
    return row_err(c, -1, "out of memory");
  prof_block *k = &m->blocks[m->n_blocks];
  memset(k, 0, sizeof *k);
  m->n_blocks++; /* counted now so that its strings are freed on failure */
  if (cell_count(c, C_FIRST, -1, &k->first_layer) != 0 ||
      cell_count(c, C_LAST, -1, &k->last_layer) != 0)
    return -1;
  if (k->first_layer > k->last_layer)
    return row_err(c, C_LAST, "last node %lld is before first node %lld",
                   (long long)k->last_layer, (long long)k->first_layer);
  if (m->n_blocks > 1 &&
      k->first_layer <= m->blocks[m->n_blocks - 2].last_layer)
    return row_err(c, C_FIRST,
                   "first node %lld is not after the previous block's last "
                   "node %lld",
                   (long long)k->first_layer,
                   (long long)m->blocks[m->n_blocks - 2].last_layer);
  if (cell_text(c, C_FIRST_NAME, &k->first_name) != 0 ||
      cell_text(c, C_LAST_NAME, &k->last_name) != 0 ||
      cell_time(c, C_MEDIAN, 0, &k->time_s) != 0 ||
      cell_time(c, C_P10, 1, &k->time_s_p10) != 0 ||
      cell_time(c, C_P90, 1, &k->time_s_p90) != 0 ||
      cell_count(c, C_REPEATS, 0, &k->repeats) != 0 ||
      cell_count(c, C_OUT_BYTES, -1, &k->output_bytes) != 0 ||
      cell_text(c, C_OUT_SHAPE, &k->output_shape) != 0 ||
      cell_samples(c, k) != 0)
    return -1;
  return 0;
}

/* ---- the provenance sidecar ---- */

/* Provenance when the sidecar says nothing else. */
static int set_defaults(prof_system *s, const char *csv_path,
                        const char *today) {
  if (!(s->importer = ss_strdup("measured-csv")) ||
      !(s->source_file = ss_strdup(csv_path)) ||
      !(s->import_date = ss_strdup(today)))
    return -1;
  return 0;
}

static int replace_str(char **dst, char *src) {
  free(*dst);
  *dst = src;
  return 0;
}

/* Per-model values: {"<model>": {"blocks", "input_bytes", "input_shape",
 * "whole_model_median_s", ...}}. Other members are ignored (the measuring
 * tool may add more). */
static int apply_models(prof_system *sys, const cJSON *models,
                        const char *csv_path, const char *side,
                        const char *prefix, ss_error *err) {
  char where[256], w2[300];
  if (!models || cJSON_IsNull(models))
    return 0;
  if (!cJSON_IsObject(models))
    return ss_error_set(err, side, prefix,
                        "expected an object of models, found %s",
                        prof_json_type_name(models));
  if (prof_json_check_members(side, prefix, models, NULL, err) != 0)
    return -1;
  for (const cJSON *e = models->child; e; e = e->next) {
    prof_json_join(where, sizeof where, prefix, e->string);
    prof_model *m = prof_system_find_model(sys, e->string);
    if (!m)
      return ss_error_set(
          err, side, where,
          "no rows for model '%s' of system '%s' in %s (truncated "
          "CSV?)",
          e->string, sys->name, csv_path);
    if (!cJSON_IsObject(e))
      return ss_error_set(err, side, where, "expected an object, found %s",
                          prof_json_type_name(e));
    if (prof_json_check_members(side, where, e, NULL, err) != 0)
      return -1;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "blocks");
    int64_t n;
    prof_json_join(w2, sizeof w2, where, "blocks");
    if (v && !cJSON_IsNull(v)) {
      if (prof_json_int64(side, w2, v, 0, &n, err) != 0)
        return -1;
      if ((uint64_t)n != m->n_blocks)
        return ss_error_set(
            err, side, w2,
            "the sidecar says %lld blocks but %s has %zu rows for "
            "model '%s' of system '%s' (truncated CSV?)",
            (long long)n, csv_path, m->n_blocks, m->name, sys->name);
    }
    v = cJSON_GetObjectItemCaseSensitive(e, "input_bytes");
    prof_json_join(w2, sizeof w2, where, "input_bytes");
    if (v && !cJSON_IsNull(v) &&
        prof_json_int64(side, w2, v, 0, &m->input_bytes, err) != 0)
      return -1;
    char *shape = NULL;
    prof_json_join(w2, sizeof w2, where, "input_shape");
    if (prof_json_shape(side, w2,
                        cJSON_GetObjectItemCaseSensitive(e, "input_shape"),
                        &shape, err) != 0)
      return -1;
    replace_str(&m->input_shape, shape);
    v = cJSON_GetObjectItemCaseSensitive(e, "whole_model_median_s");
    prof_json_join(w2, sizeof w2, where, "whole_model_median_s");
    if (v && !cJSON_IsNull(v) &&
        prof_json_time(side, w2, v, &m->whole_model_time_s, err) != 0)
      return -1;
  }
  return 0;
}

static char *canonical_except(const cJSON *obj, const char *skip) {
  ss_buf b = {0};
  prof_json_put_value(&b, obj, skip);
  return ss_buf_take(&b);
}

/* The measuring tool's sidecar: one system, free provenance members plus
 * "models". tier/device/cpu/gpu/threads are mapped into the system; all
 * members but "models" are kept in extra_json. */
static int apply_measured(prof_system *sys, const cJSON *root,
                          const char *csv_path, const char *side,
                          ss_error *err) {
  char *tier = NULL, *device = NULL, *cpu = NULL, *gpu = NULL;
  int64_t threads = 0;
  int rc = -1;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "threads");
  if (prof_json_opt_string(side, "tier",
                           cJSON_GetObjectItemCaseSensitive(root, "tier"),
                           &tier, err) != 0 ||
      prof_json_opt_string(side, "device",
                           cJSON_GetObjectItemCaseSensitive(root, "device"),
                           &device, err) != 0 ||
      prof_json_opt_string(side, "cpu",
                           cJSON_GetObjectItemCaseSensitive(root, "cpu"), &cpu,
                           err) != 0 ||
      prof_json_opt_string(side, "gpu",
                           cJSON_GetObjectItemCaseSensitive(root, "gpu"), &gpu,
                           err) != 0)
    goto done;
  if (v && !cJSON_IsNull(v) &&
      prof_json_int64(side, "threads", v, 1, &threads, err) != 0)
    goto done;
  if (tier && !tier[0]) {
    ss_error_set(err, side, "tier", "empty tier name");
    goto done;
  }
  const char *kind = NULL;
  char *kind_s = NULL;
  if (device) {
    if (strcmp(device, "cpu") == 0)
      kind = "cpu";
    else if (strncmp(device, "cuda", 4) == 0 || strcmp(device, "gpu") == 0 ||
             strcmp(device, "mps") == 0 || strcmp(device, "xpu") == 0 ||
             strcmp(device, "rocm") == 0)
      kind = "gpu";
  }
  char *hw = NULL;
  ss_buf hb = {0};
  if (kind && strcmp(kind, "gpu") == 0 && gpu) {
    ss_buf_str(&hb, gpu);
  } else if (cpu) {
    ss_buf_str(&hb, cpu);
    if (threads > 0)
      ss_buf_printf(&hb, " (%lld thread%s)", (long long)threads,
                    threads == 1 ? "" : "s");
  } else if (gpu) {
    ss_buf_str(&hb, gpu);
  }
  if (hb.len) {
    hw = ss_buf_take(&hb);
    if (!hw)
      goto oom;
  }
  replace_str(&sys->hardware, hw);
  replace_str(&sys->tier_hint, tier);
  tier = NULL;
  if (kind && !(kind_s = ss_strdup(kind)))
    goto oom;
  replace_str(&sys->kind, kind_s);
  char *extra = canonical_except(root, "models");
  if (!extra)
    goto oom;
  replace_str(&sys->extra_json, extra);
  rc = apply_models(sys, cJSON_GetObjectItemCaseSensitive(root, "models"),
                    csv_path, side, "models", err);
  goto done;
oom:
  ss_error_oom(err, side, NULL);
done:
  free(tier);
  free(device);
  free(cpu);
  free(gpu);
  return rc;
}

/* One system of our own multi-system sidecar (written by prof_export_csv):
 * provenance members as in the JSON format, absent ones keep the defaults. */
static int apply_ours(prof_system *sys, const cJSON *e, const char *csv_path,
                      const char *side, const char *prefix, ss_error *err) {
  static const char *const allowed[] = {"tier",   "kind",     "hardware",
                                        "source", "importer", "import_date",
                                        "extra",  "models",   NULL};
  static const char *const keys[] = {"tier",   "kind",     "hardware",
                                     "source", "importer", "import_date"};
  char **dst[] = {&sys->tier_hint,   &sys->kind,     &sys->hardware,
                  &sys->source_file, &sys->importer, &sys->import_date};
  char where[300];
  if (!cJSON_IsObject(e))
    return ss_error_set(err, side, prefix, "expected an object, found %s",
                        prof_json_type_name(e));
  if (prof_json_check_members(side, prefix, e, allowed, err) != 0)
    return -1;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, keys[i]);
    char *s = NULL;
    if (!v)
      continue; /* absent: keep the default */
    prof_json_join(where, sizeof where, prefix, keys[i]);
    if (prof_json_opt_string(side, where, v, &s, err) != 0)
      return -1;
    if (i == 1 && s && strcmp(s, "cpu") != 0 && strcmp(s, "gpu") != 0) {
      free(s);
      return ss_error_set(err, side, where,
                          "kind must be \"cpu\", \"gpu\" or null");
    }
    replace_str(dst[i], s);
  }
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(e, "extra");
  prof_json_join(where, sizeof where, prefix, "extra");
  if (x && !cJSON_IsNull(x)) {
    if (!cJSON_IsObject(x))
      return ss_error_set(err, side, where,
                          "expected an object or null, found %s",
                          prof_json_type_name(x));
    char *extra = canonical_except(x, NULL);
    if (!extra)
      return ss_error_set(err, side, where, "out of memory");
    replace_str(&sys->extra_json, extra);
  } else if (x) {
    replace_str(&sys->extra_json, NULL);
  }
  prof_json_join(where, sizeof where, prefix, "models");
  return apply_models(sys, cJSON_GetObjectItemCaseSensitive(e, "models"),
                      csv_path, side, where, err);
}

static int apply_multi(prof_set *tmp, const cJSON *root, const char *csv_path,
                       const char *side, const char *today, ss_error *err) {
  static const char *const allowed[] = {"format", "version", "systems", NULL};
  const cJSON *systems = cJSON_GetObjectItemCaseSensitive(root, "systems");
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
  char where[300];
  if (prof_json_check_members(side, "", root, allowed, err) != 0 ||
      prof_json_check_members(side, "systems", systems, NULL, err) != 0)
    return -1;
  if (fmt && !(cJSON_IsString(fmt) &&
               strcmp(fmt->valuestring, "splitsim-csv-sidecar") == 0))
    return ss_error_set(err, side, "format",
                        "expected \"splitsim-csv-sidecar\"");
  if (ver && !(cJSON_IsNumber(ver) && ver->valuedouble == 1))
    return ss_error_set(err, side, "version",
                        "unsupported version (this program reads version 1)");
  size_t pos = 0;
  for (const cJSON *e = systems->child; e; e = e->next, pos++) {
    prof_json_join(where, sizeof where, "systems", e->string);
    size_t j = pos;
    while (j < tmp->n_systems && strcmp(tmp->systems[j].name, e->string) != 0)
      j++;
    if (j == tmp->n_systems) {
      const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "models");
      if (m && !(cJSON_IsObject(m) && !m->child))
        return ss_error_set(err, side, where,
                            "system '%s' has models here but no rows in %s",
                            e->string, csv_path);
      /* A system without models has no rows: it lives only here. */
      if (grow_for((void **)&tmp->systems, tmp->n_systems,
                   sizeof *tmp->systems) != 0)
        return ss_error_set(err, side, where, "out of memory");
      prof_system *ns = &tmp->systems[tmp->n_systems];
      memset(ns, 0, sizeof *ns);
      tmp->n_systems++;
      if (!(ns->name = ss_strdup(e->string)) ||
          set_defaults(ns, csv_path, today) != 0)
        return ss_error_set(err, side, where, "out of memory");
    }
    /* Move it to the sidecar's position so that the order round-trips. */
    prof_system t = tmp->systems[j];
    tmp->systems[j] = tmp->systems[pos];
    tmp->systems[pos] = t;
    if (apply_ours(&tmp->systems[pos], e, csv_path, side, where, err) != 0)
      return -1;
  }
  if (pos < tmp->n_systems)
    return ss_error_set(err, side, "systems",
                        "no entry for system '%s', which has rows in %s",
                        tmp->systems[pos].name, csv_path);
  return 0;
}

static int apply_sidecar(prof_set *tmp, const char *csv_path, const char *side,
                         const char *today, ss_error *err) {
  int rc = -1;
  cJSON *root = prof_json_parse_file(side, err);
  if (!root)
    return -1;
  if (!cJSON_IsObject(root)) {
    ss_error_set(err, side, NULL, "expected a JSON object, found %s",
                 prof_json_type_name(root));
    goto done;
  }
  const cJSON *systems = cJSON_GetObjectItemCaseSensitive(root, "systems");
  if (cJSON_IsObject(systems)) {
    rc = apply_multi(tmp, root, csv_path, side, today, err);
    goto done;
  }
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "system");
  if (name && !cJSON_IsString(name)) {
    ss_error_set(err, side, "system", "expected a string, found %s",
                 prof_json_type_name(name));
    goto done;
  }
  if (prof_json_check_members(side, "", root, NULL, err) != 0)
    goto done;
  for (size_t i = 0; i < tmp->n_systems; i++) {
    if (name && strcmp(name->valuestring, tmp->systems[i].name) != 0) {
      ss_error_set(err, side, "system",
                   "describes system '%s' but %s has rows for system '%s'",
                   name->valuestring, csv_path, tmp->systems[i].name);
      goto done;
    }
    if (apply_measured(&tmp->systems[i], root, csv_path, side, err) != 0)
      goto done;
  }
  rc = 0;
done:
  cJSON_Delete(root);
  return rc;
}

int prof_import_measured_csv(const char *csv_path, prof_set *out,
                             ss_error *err) {
  char *text = NULL, side[4096], today[16];
  size_t len = 0, sys_hint = 0;
  ss_csv_reader r;
  prof_set *tmp = NULL;
  row_ctx c;
  int rc = -1, got;
  struct stat st;
  ss_error verr;
  memset(&r, 0, sizeof r);
  memset(&c, 0, sizeof c);
  c.r = &r;
  c.err = err;
  text = ss_read_file(csv_path, SS_MAX_INPUT_BYTES, &len, err);
  if (!text)
    return -1;
  if (ss_csv_open_text(&r, csv_path, text, len, err) != 0)
    goto done;
  if (!(tmp = prof_set_new())) {
    ss_error_oom(err, csv_path, NULL);
    goto done;
  }
  got = ss_csv_next(&r, err);
  if (got < 0)
    goto done;
  if (got == 0) {
    ss_error_set(err, csv_path, "1", "empty file (expected a header line)");
    goto done;
  }
  if (read_header(&c) != 0)
    goto done;
  while ((got = ss_csv_next(&r, err)) == 1)
    if (read_row(&c, tmp, &sys_hint) != 0)
      goto done;
  if (got < 0)
    goto done;
  prof_today_utc(today);
  for (size_t i = 0; i < tmp->n_systems; i++)
    if (set_defaults(&tmp->systems[i], csv_path, today) != 0) {
      ss_error_oom(err, csv_path, NULL);
      goto done;
    }
  if (prof_csv_sidecar_path(csv_path, side, sizeof side) != 0) {
    ss_error_set(err, csv_path, NULL, "path too long");
    goto done;
  }
  if (stat(side, &st) == 0) {
    if (apply_sidecar(tmp, csv_path, side, today, err) != 0)
      goto done;
  } else if (errno != ENOENT) {
    ss_error_set(err, side, NULL, "cannot read the provenance sidecar: %s",
                 strerror(errno));
    goto done;
  }
  /* (A sidecar may add systems that have no rows.) */
  if (tmp->n_systems == 0) {
    ss_error_set(err, csv_path, NULL, "no data rows after the header");
    goto done;
  }
  for (size_t i = 0; i < tmp->n_systems; i++)
    if (prof_system_validate(&tmp->systems[i], &verr) != 0) {
      ss_error_set(err, csv_path, NULL, "%s", verr.msg);
      goto done;
    }
  if (prof_set_move_all(tmp, out) != 0) {
    ss_error_oom(err, csv_path, NULL);
    goto done;
  }
  rc = 0;
done:
  prof_set_free(tmp);
  ss_csv_close(&r);
  free(text);
  return rc;
}
