/* Scission benchmark files (`<tier>-<name>.dat`): a pickled dict
 * {model_name: [LayerBenchmark, ...]} read with the restricted decoder in
 * pickle.c, checked value by value, and turned into one prof_system. */
#include "import.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/ss_io.h"
#include "../common/ss_mem.h"
#include "pickle_internal.h"

/* Real files are about 30 KB with 18 models. These caps keep a crafted file
 * from costing much time or memory (model names are checked pairwise). */
#define SCISSION_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define SCISSION_MAX_MODELS ((size_t)4096)

/* Fields of one LayerBenchmark, in the order Scission writes them. */
enum {
  F_MODEL,
  F_DEVICE,
  F_INPUT_LAYER,
  F_OUTPUT_LAYER,
  F_SECOND_PREDICTION,
  F_OUTPUT_SIZE,
  F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "model",      "device", "input_layer", "output_layer", "second_prediction",
    "output_size"};
static const pk_kind field_kinds[F_COUNT] = {PK_STR, PK_STR,   PK_INT,
                                             PK_INT, PK_FLOAT, PK_INT};

/* Fill err with file = path and where = "byte N" (the value's offset). */
__attribute__((format(printf, 4, 5))) static int fail_at(ss_error *err,
                                                         const char *path,
                                                         const pk_value *v,
                                                         const char *fmt, ...) {
  char where[64] = "", msg[sizeof err->msg];
  if (v)
    snprintf(where, sizeof where, "byte %zu", v->offset);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ss_error_set(err, path, where, "%s", msg);
}

/* Split the base name "<tier>-<name>.dat" at its first '-'. */
static int parse_file_name(const char *path, char **tier, char **name,
                           ss_error *err) {
  static const char *const tiers[] = {"device", "edge", "cloud"};
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  char q[80];
  pk_quote(q, sizeof q, base, n);
  if (n < 4 || strcmp(base + n - 4, ".dat") != 0)
    return ss_error_set(err, path, "file name",
                        "'%s' does not end in .dat (expected "
                        "<tier>-<name>.dat)",
                        q);
  const char *dash = memchr(base, '-', n - 4);
  if (!dash)
    return ss_error_set(err, path, "file name",
                        "'%s' has no tier (expected <tier>-<name>.dat with "
                        "tier device, edge or cloud)",
                        q);
  size_t tlen = (size_t)(dash - base), nlen = n - 4 - tlen - 1;
  int known = 0;
  for (size_t i = 0; i < sizeof tiers / sizeof tiers[0]; i++)
    if (strlen(tiers[i]) == tlen && memcmp(tiers[i], base, tlen) == 0)
      known = 1;
  if (!known) {
    char qt[80];
    return ss_error_set(err, path, "file name",
                        "unknown tier '%s' in '%s' (expected device, edge "
                        "or cloud)",
                        pk_quote(qt, sizeof qt, base, tlen), q);
  }
  if (nlen == 0)
    return ss_error_set(err, path, "file name",
                        "'%s' has an empty system name after the tier", q);
  *tier = strndup(base, tlen);
  *name = strndup(dash + 1, nlen);
  if (!*tier || !*name) {
    free(*tier);
    free(*name);
    *tier = *name = NULL;
    return ss_error_oom(err, path, NULL);
  }
  return 0;
}

static char *today_utc(void) {
  char buf[16];
  time_t now = time(NULL);
  struct tm tm;
  if (now == (time_t)-1 || !gmtime_r(&now, &tm) ||
      strftime(buf, sizeof buf, "%Y-%m-%d", &tm) == 0)
    return NULL;
  return ss_strdup(buf);
}

/* Read one LayerBenchmark (item `index` of model `model`) into *b. */
/* Where a block is: the file, its model and its index (for messages). */
typedef struct block_at {
  const char *path, *model;
  size_t index;
} block_at;

/* item is a LayerBenchmark made without arguments; *st its state dict. */
static int block_state(const block_at *at, const pk_value *item,
                       const pk_value **st, ss_error *err) {
  const char *path = at->path, *model = at->model;
  size_t index = at->index;
  /* The decoder lets no other class through; checked again here. */
  if (item->kind != PK_OBJECT ||
      strcmp(item->u.obj.cls->u.cls.module, "__main__") != 0 ||
      strcmp(item->u.obj.cls->u.cls.name, "LayerBenchmark") != 0)
    return fail_at(err, path, item,
                   "model '%s' block %zu: expected a LayerBenchmark object, "
                   "found a %s",
                   model, index, pk_kind_name(item->kind));
  if (item->u.obj.args->u.seq.n != 0)
    return fail_at(err, path, item,
                   "model '%s' block %zu: LayerBenchmark made with %zu "
                   "arguments, expected none",
                   model, index, item->u.obj.args->u.seq.n);
  *st = item->u.obj.state;
  if (!*st || (*st)->kind != PK_DICT)
    return fail_at(err, path, item,
                   "model '%s' block %zu: LayerBenchmark state is %s, "
                   "expected a dict of fields",
                   model, index, *st ? pk_kind_name((*st)->kind) : "missing");
  return 0;
}

/* The known fields of state dict st into f, each once and of its kind. */
static int block_fields(const block_at *at, const pk_value *st,
                        const pk_value *f[F_COUNT], ss_error *err) {
  const char *path = at->path, *model = at->model;
  size_t index = at->index;
  for (size_t i = 0; i < st->u.dict.n; i++) {
    const pk_value *k = st->u.dict.keys[i];
    for (int j = 0; j < F_COUNT; j++) {
      if (!pk_str_is(k, field_names[j]))
        continue;
      if (f[j])
        return fail_at(err, path, st->u.dict.vals[i],
                       "model '%s' block %zu: field '%s' given twice", model,
                       index, field_names[j]);
      f[j] = st->u.dict.vals[i];
    }
    /* Other fields (none in known files) are ignored. */
  }
  for (int j = 0; j < F_COUNT; j++) {
    if (!f[j])
      return fail_at(err, path, st,
                     "model '%s' block %zu: field '%s' is missing", model,
                     index, field_names[j]);
    if (f[j]->kind != field_kinds[j])
      return fail_at(err, path, f[j],
                     "model '%s' block %zu: field '%s' is a %s, expected %s",
                     model, index, field_names[j], pk_kind_name(f[j]->kind),
                     pk_kind_name(field_kinds[j]));
  }
  return 0;
}

/* The fields' values into b: the model it is listed under (key), layers
 * in order, a finite time >= 0, bytes >= 0. */
static int block_values(const block_at *at, const pk_value *key,
                        const pk_value *const f[F_COUNT], prof_block *b,
                        ss_error *err) {
  const char *path = at->path, *model = at->model;
  size_t index = at->index;
  if (f[F_MODEL]->u.str.len != key->u.str.len ||
      memcmp(f[F_MODEL]->u.str.s, key->u.str.s, key->u.str.len) != 0) {
    char q[80];
    return fail_at(
        err, path, f[F_MODEL],
        "model '%s' block %zu: field 'model' is '%s', not the "
        "model it is listed under",
        model, index,
        pk_quote(q, sizeof q, f[F_MODEL]->u.str.s, f[F_MODEL]->u.str.len));
  }
  int64_t first = f[F_INPUT_LAYER]->u.i, last = f[F_OUTPUT_LAYER]->u.i;
  int64_t bytes = f[F_OUTPUT_SIZE]->u.i;
  double t = f[F_SECOND_PREDICTION]->u.f;
  if (first < 0)
    return fail_at(err, path, f[F_INPUT_LAYER],
                   "model '%s' block %zu: negative input_layer %lld", model,
                   index, (long long)first);
  if (last < first)
    return fail_at(err, path, f[F_OUTPUT_LAYER],
                   "model '%s' block %zu: output_layer %lld is before "
                   "input_layer %lld",
                   model, index, (long long)last, (long long)first);
  if (isnan(t) || isinf(t) || t < 0)
    return fail_at(err, path, f[F_SECOND_PREDICTION],
                   "model '%s' block %zu: second_prediction is %s (%g); a "
                   "time must be finite and >= 0",
                   model, index,
                   isnan(t)   ? "NaN"
                   : isinf(t) ? "infinite"
                              : "negative",
                   t);
  if (bytes < 0)
    return fail_at(err, path, f[F_OUTPUT_SIZE],
                   "model '%s' block %zu: negative output_size %lld", model,
                   index, (long long)bytes);
  b->first_layer = first;
  b->last_layer = last;
  b->time_s = t;
  b->time_s_p10 = NAN;
  b->time_s_p90 = NAN;
  b->repeats = 0;
  b->output_bytes = bytes;
  return 0;
}

static int read_block(const char *path, const char *model, const pk_value *key,
                      size_t index, const pk_value *item, prof_block *b,
                      ss_error *err) {
  block_at at = {path, model, index};
  const pk_value *st = NULL;
  const pk_value *f[F_COUNT] = {0};
  if (block_state(&at, item, &st, err) != 0 ||
      block_fields(&at, st, f, err) != 0)
    return -1;
  return block_values(&at, key, f, b, err);
}

/* Read the list of blocks of one model into m (m->name already set). */
static int read_model(const char *path, const pk_value *key,
                      const pk_value *list, prof_model *m, ss_error *err) {
  char qname[80]; /* the name as it may appear in a message */
  pk_quote(qname, sizeof qname, key->u.str.s, key->u.str.len);
  if (list->kind != PK_LIST)
    return fail_at(err, path, list,
                   "model '%s': expected a list of LayerBenchmark, found a %s",
                   qname, pk_kind_name(list->kind));
  if (list->u.seq.n == 0)
    return fail_at(err, path, list, "model '%s' has no blocks", qname);
  m->blocks = calloc(list->u.seq.n, sizeof *m->blocks);
  if (!m->blocks)
    return ss_error_oom(err, path, NULL);
  m->n_blocks = list->u.seq.n;
  for (size_t i = 0; i < list->u.seq.n; i++) {
    prof_block *b = &m->blocks[i];
    if (read_block(path, qname, key, i, list->u.seq.items[i], b, err) != 0)
      return -1;
    if (i > 0 && b->first_layer <= m->blocks[i - 1].last_layer)
      return fail_at(err, path, list->u.seq.items[i],
                     "model '%s' block %zu: input_layer %lld overlaps the "
                     "previous block (layers %lld-%lld)",
                     qname, i, (long long)b->first_layer,
                     (long long)m->blocks[i - 1].first_layer,
                     (long long)m->blocks[i - 1].last_layer);
  }
  return 0;
}

static int read_system(const char *path, const pk_value *root, prof_system *sys,
                       ss_error *err) {
  if (root->kind != PK_DICT)
    return fail_at(err, path, root,
                   "expected a dict of models at the top, found a %s",
                   pk_kind_name(root->kind));
  if (root->u.dict.n == 0)
    return fail_at(err, path, root, "the file holds no models");
  if (root->u.dict.n > SCISSION_MAX_MODELS)
    return fail_at(err, path, root,
                   "the file holds %zu models, more than the limit of %zu",
                   root->u.dict.n, SCISSION_MAX_MODELS);
  sys->models = calloc(root->u.dict.n, sizeof *sys->models);
  if (!sys->models)
    return ss_error_oom(err, path, NULL);
  for (size_t i = 0; i < root->u.dict.n; i++) {
    const pk_value *key = root->u.dict.keys[i];
    prof_model *m = &sys->models[i];
    if (key->kind != PK_STR)
      return fail_at(err, path, key,
                     "model %zu: the model name is a %s, expected str", i,
                     pk_kind_name(key->kind));
    char q[80];
    pk_quote(q, sizeof q, key->u.str.s, key->u.str.len);
    if (key->u.str.len == 0 || strlen(key->u.str.s) != key->u.str.len)
      return fail_at(err, path, key,
                     "model %zu: model name '%s' is empty or holds a NUL", i,
                     q);
    for (size_t j = 0; j < i; j++)
      if (strcmp(sys->models[j].name, key->u.str.s) == 0)
        return fail_at(err, path, key, "model '%s' appears twice", q);
    sys->n_models = i + 1;
    m->name = ss_strdup(key->u.str.s);
    if (!m->name)
      return ss_error_oom(err, path, NULL);
    m->input_bytes = -1; /* Scission takes the input size on its command line */
    m->whole_model_time_s = NAN;
    if (read_model(path, key, root->u.dict.vals[i], m, err) != 0)
      return -1;
  }
  return 0;
}

int prof_import_scission_dat(const char *path, prof_set *out, ss_error *err) {
  static const pk_global allowed[] = {{"__main__", "LayerBenchmark"}};
  prof_system sys;
  memset(&sys, 0, sizeof sys);
  char *data = NULL;
  pk_doc *doc = NULL;

  if (parse_file_name(path, &sys.tier_hint, &sys.name, err) != 0)
    goto fail;
  size_t len = 0;
  data = ss_read_file(path, SCISSION_MAX_BYTES, &len, err);
  if (!data)
    goto fail;
  pk_options opt;
  memset(&opt, 0, sizeof opt);
  opt.globals = allowed;
  opt.n_globals = 1;
  if (pk_decode((const unsigned char *)data, len, path, &opt, &doc, err) != 0)
    goto fail;
  if (read_system(path, pk_doc_root(doc), &sys, err) != 0)
    goto fail;

  sys.source_file = ss_strdup(path);
  sys.importer = ss_strdup("scission-dat");
  sys.import_date = today_utc();
  if (!sys.source_file || !sys.importer || !sys.import_date) {
    ss_error_set(err, path, NULL, "out of memory or no clock for the date");
    goto fail;
  }
  ss_error verr;
  ss_error_clear(&verr);
  if (prof_system_validate(&sys, &verr) != 0) {
    ss_error_set(err, path, NULL, "%s", verr.msg);
    goto fail;
  }
  prof_system *ns =
      realloc(out->systems, (out->n_systems + 1) * sizeof *out->systems);
  if (!ns) {
    ss_error_oom(err, path, NULL);
    goto fail;
  }
  out->systems = ns;
  out->systems[out->n_systems++] = sys;
  pk_doc_free(doc);
  free(data);
  return 0;
fail:
  prof_system_clear(&sys);
  pk_doc_free(doc);
  free(data);
  return -1;
}
