/* The JSON profile format importer (docs/formats.md) and the bounded,
 * typed JSON reading shared with the CSV sidecar reader. */
#define _POSIX_C_SOURCE 200809L
#include "import.h"
#include "import_internal.h"
#include "json_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/ss_io.h"
#include "../common/ss_mem.h"

/* ---- bounded parsing ---- */

static void line_col(const char *text, size_t off, char *where, size_t n) {
  long line = 1, col = 1;
  for (size_t i = 0; i < off; i++) {
    if (text[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  snprintf(where, n, "%ld:%ld", line, col);
}

/* The length of the JSON number (RFC 8259 grammar) at the start of the n
 * bytes at s, or 0 when they do not start with one. */
static size_t json_number_len(const char *s, size_t n) {
  size_t i = 0, d;
#define DIGITS()                                                               \
  for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)                        \
    ;
  if (i < n && s[i] == '-')
    i++;
  if (i < n && s[i] == '0')
    i++;
  else if (i < n && s[i] >= '1' && s[i] <= '9') {
    DIGITS();
  } else
    return 0;
  if (i < n && s[i] == '.') {
    i++;
    DIGITS();
    if (i == d)
      return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      i++;
    DIGITS();
    if (i == d)
      return 0;
  }
#undef DIGITS
  return i;
}

/* What cJSON lets through and this reader does not: nesting deeper than
 * PROF_JSON_MAX_DEPTH (cJSON takes 1000 levels), numbers outside JSON's
 * grammar (01, 1., .5, +1, 0x10: cJSON reads them), and \u0000 in a string
 * (cJSON would cut the string there: "d\u0000ev" would read as "d"). */
static int json_lex_check(const char *path, const char *text, size_t len,
                          ss_error *err) {
  char where[64];
  int depth = 0, in_str = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (in_str) {
      if (c == '\\' && i + 5 < len && text[i + 1] == 'u' &&
          strncmp(text + i + 2, "0000", 4) == 0) {
        line_col(text, i, where, sizeof where);
        return ss_error_set(err, path, where,
                            "\\u0000 (a NUL character) in a string");
      }
      if (c == '\\')
        i++;
      else if (c == '"')
        in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == '[' || c == '{') {
      if (++depth > PROF_JSON_MAX_DEPTH) {
        line_col(text, i, where, sizeof where);
        return ss_error_set(err, path, where,
                            "nesting deeper than %d levels of arrays/objects",
                            PROF_JSON_MAX_DEPTH);
      }
    } else if (c == ']' || c == '}') {
      depth--;
    } else if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
      size_t n = strspn(text + i, "0123456789+-.eExXabcdfABCDFpP");
      if (json_number_len(text + i, n) != n) {
        line_col(text, i, where, sizeof where);
        return ss_error_set(err, path, where,
                            "'%.*s' is not a JSON number (decimal, no leading "
                            "zeros, digits on both sides of '.', no '+')",
                            (int)(n < 40 ? n : 40), text + i);
      }
      i += n - 1;
    }
  }
  return 0;
}

cJSON *prof_json_parse_text(const char *path, const char *text, size_t len,
                            ss_error *err) {
  char where[64];
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    line_col(text, (size_t)(nul - text), where, sizeof where);
    ss_error_set(err, path, where, "NUL byte in the text (not a JSON file?)");
    return NULL;
  }
  if (json_lex_check(path, text, len, err) != 0)
    return NULL;
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
                     text[i] == '\r'))
    i++;
  if (i == len) {
    ss_error_set(err, path, NULL, "empty file (expected a JSON object)");
    return NULL;
  }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
  if (!root) {
    size_t off =
        end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
    line_col(text, off, where, sizeof where);
    if (off >= len)
      ss_error_set(err, path, where, "invalid JSON: unexpected end of file");
    else
      ss_error_set(err, path, where, "invalid JSON near '%.*s'",
                   (int)strcspn(text + off, "\r\n") < 20
                       ? (int)strcspn(text + off, "\r\n")
                       : 20,
                   text + off);
    return NULL;
  }
  return root;
}

cJSON *prof_json_parse_file(const char *path, ss_error *err) {
  struct stat st;
  size_t len = 0;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
      (unsigned long long)st.st_size > (unsigned long long)SS_MAX_INPUT_BYTES) {
    ss_error_set(err, path, NULL,
                 "file of %lld bytes is larger than the limit of %zu bytes",
                 (long long)st.st_size, SS_MAX_INPUT_BYTES);
    return NULL;
  }
  char *text = ss_read_file(path, SS_MAX_INPUT_BYTES, &len, err);
  if (!text)
    return NULL;
  cJSON *root = prof_json_parse_text(path, text, len, err);
  free(text);
  return root;
}

/* ---- typed reads ---- */

const char *prof_json_type_name(const cJSON *v) {
  if (!v)
    return "nothing";
  if (cJSON_IsNull(v))
    return "null";
  if (cJSON_IsBool(v))
    return "a boolean";
  if (cJSON_IsNumber(v))
    return "a number";
  if (cJSON_IsString(v))
    return "a string";
  if (cJSON_IsArray(v))
    return "an array";
  if (cJSON_IsObject(v))
    return "an object";
  return "an unknown value";
}

/* A path for messages; one too long for out ends in "..." . */
static void fit_path(char *out, size_t outsize, int n) {
  if ((n < 0 || (size_t)n >= outsize) && outsize > 4)
    strcpy(out + outsize - 4, "...");
}

void prof_json_join(char *out, size_t outsize, const char *prefix,
                    const char *key) {
  int n;
  if (!prefix || !prefix[0])
    n = snprintf(out, outsize, "%s", key);
  else
    n = snprintf(out, outsize, "%s.%s", prefix, key);
  fit_path(out, outsize, n);
}

/* "prefix.field[i]" (or "prefix[i]" when field is NULL) into out. */
static void join_index(char *out, size_t outsize, const char *prefix,
                       const char *field, size_t i) {
  int n;
  if (field)
    n = snprintf(out, outsize, "%s.%s[%zu]", prefix, field, i);
  else
    n = snprintf(out, outsize, "%s[%zu]", prefix, i);
  fit_path(out, outsize, n);
}

int prof_json_opt_string(const char *file, const char *where, const cJSON *v,
                         char **out, ss_error *err) {
  *out = NULL;
  if (!v || cJSON_IsNull(v))
    return 0;
  if (!cJSON_IsString(v))
    return ss_error_set(err, file, where,
                        "wrong type: expected a string or null, found %s",
                        prof_json_type_name(v));
  if (!(*out = ss_strdup(v->valuestring)))
    return ss_error_oom(err, file, where);
  return 0;
}

int prof_json_int64(const char *file, const char *where, const cJSON *v,
                    int64_t min, int64_t *out, ss_error *err) {
  if (!v)
    return ss_error_set(err, file, where, "missing required field");
  if (!cJSON_IsNumber(v))
    return ss_error_set(err, file, where,
                        "wrong type: expected an integer, found %s",
                        prof_json_type_name(v));
  double d = v->valuedouble;
  if (!isfinite(d) || d != floor(d))
    return ss_error_set(err, file, where, "%.17g is not an integer", d);
  if (fabs(d) > 9007199254740992.0) /* 2^53: beyond, doubles skip integers */
    return ss_error_set(err, file, where, "%.17g is too large", d);
  if (d < (double)min)
    return ss_error_set(err, file, where, "%s value %.17g (must be >= %lld)",
                        d < 0 ? "negative" : "too small", d, (long long)min);
  *out = (int64_t)d;
  return 0;
}

int prof_json_time(const char *file, const char *where, const cJSON *v,
                   double *out, ss_error *err) {
  if (!v)
    return ss_error_set(err, file, where, "missing required field");
  if (!cJSON_IsNumber(v))
    return ss_error_set(err, file, where,
                        "wrong type: expected a number of seconds, found %s",
                        prof_json_type_name(v));
  if (!isfinite(v->valuedouble))
    return ss_error_set(err, file, where, "not a finite number");
  if (v->valuedouble < 0)
    return ss_error_set(err, file, where, "negative time %.17g",
                        v->valuedouble);
  *out = v->valuedouble;
  return 0;
}

int prof_json_shape(const char *file, const char *where, const cJSON *v,
                    char **out, ss_error *err) {
  *out = NULL;
  if (!v || cJSON_IsNull(v))
    return 0;
  if (cJSON_IsString(v))
    return prof_json_opt_string(file, where, v, out, err);
  if (!cJSON_IsArray(v))
    return ss_error_set(err, file, where,
                        "wrong type: expected a shape (\"1x3x224x224\" or "
                        "[1, 3, 224, 224]) or null, found %s",
                        prof_json_type_name(v));
  ss_buf b = {0};
  size_t i = 0;
  char w[300];
  for (const cJSON *e = v->child; e; e = e->next, i++) {
    int64_t d;
    join_index(w, sizeof w, where, NULL, i);
    if (prof_json_int64(file, w, e, 0, &d, err) != 0) {
      ss_buf_free(&b);
      return -1;
    }
    ss_buf_printf(&b, i ? "x%lld" : "%lld", (long long)d);
  }
  if (!(*out = ss_buf_take(&b)))
    return ss_error_oom(err, file, where);
  return 0;
}

static int cmp_str_ptr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int prof_json_check_members(const char *file, const char *prefix,
                            const cJSON *obj, const char *const *allowed,
                            ss_error *err) {
  char where[300];
  size_t n = 0;
  for (const cJSON *c = obj->child; c; c = c->next) {
    n++;
    if (!allowed)
      continue;
    size_t k = 0;
    while (allowed[k] && strcmp(allowed[k], c->string) != 0)
      k++;
    if (!allowed[k]) {
      ss_buf list = {0};
      for (k = 0; allowed[k]; k++)
        ss_buf_printf(&list, "%s%s", k ? ", " : "", allowed[k]);
      prof_json_join(where, sizeof where, prefix, c->string);
      ss_error_set(err, file, where, "unknown field (expected one of: %s)",
                   list.p ? list.p : "");
      ss_buf_free(&list);
      return -1;
    }
  }
  if (n < 2)
    return 0;
  /* Sorted copy of the names: repeats are neighbours (O(n log n)). */
  const char **names = malloc(n * sizeof *names);
  if (!names)
    return ss_error_oom(err, file, prefix);
  n = 0;
  for (const cJSON *c = obj->child; c; c = c->next)
    names[n++] = c->string;
  qsort(names, n, sizeof *names, cmp_str_ptr);
  for (size_t i = 1; i < n; i++)
    if (strcmp(names[i - 1], names[i]) == 0) {
      prof_json_join(where, sizeof where, prefix, names[i]);
      free(names);
      return ss_error_set(err, file, where, "field given twice");
    }
  free(names);
  return 0;
}

/* ---- the JSON profile format ---- */

static const cJSON *member(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int is_absent(const cJSON *v) { return !v || cJSON_IsNull(v); }

/* A required non-empty string. */
static int req_name(const char *file, const char *where, const cJSON *v,
                    char **out, ss_error *err) {
  if (!v)
    return ss_error_set(err, file, where, "missing required field");
  if (!cJSON_IsString(v))
    return ss_error_set(err, file, where,
                        "wrong type: expected a string, found %s",
                        prof_json_type_name(v));
  if (!v->valuestring[0])
    return ss_error_set(err, file, where, "empty name");
  if (!(*out = ss_strdup(v->valuestring)))
    return ss_error_set(err, file, where, "out of memory");
  return 0;
}

static int opt_time(const char *file, const char *where, const cJSON *v,
                    double *out, ss_error *err) {
  if (is_absent(v)) {
    *out = NAN;
    return 0;
  }
  return prof_json_time(file, where, v, out, err);
}

static int read_block(const char *file, const char *prefix, const cJSON *v,
                      const prof_block *prev, prof_block *k, ss_error *err) {
  static const char *const allowed[] = {
      "first_layer",  "last_layer",   "first_name", "last_name",
      "time_s",       "time_s_p10",   "time_s_p90", "repeats",
      "output_bytes", "output_shape", "samples_s",  NULL};
  char w[300];
#define AT(key) (prof_json_join(w, sizeof w, prefix, key), w)
  k->time_s_p10 = k->time_s_p90 = NAN;
  if (!cJSON_IsObject(v))
    return ss_error_set(err, file, prefix,
                        "wrong type: expected an object, found %s",
                        prof_json_type_name(v));
  if (prof_json_check_members(file, prefix, v, allowed, err) != 0 ||
      prof_json_int64(file, AT("first_layer"), member(v, "first_layer"), 0,
                      &k->first_layer, err) != 0 ||
      prof_json_int64(file, AT("last_layer"), member(v, "last_layer"), 0,
                      &k->last_layer, err) != 0)
    return -1;
  if (k->last_layer < k->first_layer)
    return ss_error_set(err, file, AT("last_layer"),
                        "last layer %lld is before first layer %lld",
                        (long long)k->last_layer, (long long)k->first_layer);
  if (prev && k->first_layer <= prev->last_layer)
    return ss_error_set(
        err, file, AT("first_layer"),
        "first layer %lld is not after the previous block's last "
        "layer %lld",
        (long long)k->first_layer, (long long)prev->last_layer);
  if (prof_json_opt_string(file, AT("first_name"), member(v, "first_name"),
                           &k->first_name, err) != 0 ||
      prof_json_opt_string(file, AT("last_name"), member(v, "last_name"),
                           &k->last_name, err) != 0 ||
      prof_json_time(file, AT("time_s"), member(v, "time_s"), &k->time_s,
                     err) != 0 ||
      opt_time(file, AT("time_s_p10"), member(v, "time_s_p10"), &k->time_s_p10,
               err) != 0 ||
      opt_time(file, AT("time_s_p90"), member(v, "time_s_p90"), &k->time_s_p90,
               err) != 0 ||
      (!is_absent(member(v, "repeats")) &&
       prof_json_int64(file, AT("repeats"), member(v, "repeats"), 0,
                       &k->repeats, err) != 0) ||
      prof_json_int64(file, AT("output_bytes"), member(v, "output_bytes"), 0,
                      &k->output_bytes, err) != 0 ||
      prof_json_shape(file, AT("output_shape"), member(v, "output_shape"),
                      &k->output_shape, err) != 0)
    return -1;
  const cJSON *s = member(v, "samples_s");
  if (is_absent(s))
    return 0;
  if (!cJSON_IsArray(s))
    return ss_error_set(
        err, file, AT("samples_s"),
        "wrong type: expected an array of seconds or null, found %s",
        prof_json_type_name(s));
  size_t n = (size_t)cJSON_GetArraySize(s);
  if (n == 0)
    return 0;
  if (!(k->samples_s = malloc(n * sizeof *k->samples_s)))
    return ss_error_set(err, file, AT("samples_s"), "out of memory");
  for (const cJSON *e = s->child; e; e = e->next) {
    char ws[320];
    join_index(ws, sizeof ws, prefix, "samples_s", k->n_samples);
    if (prof_json_time(file, ws, e, &k->samples_s[k->n_samples], err) != 0)
      return -1;
    k->n_samples++;
  }
  return 0;
#undef AT
}

static int read_model(const char *file, const char *prefix, const cJSON *v,
                      prof_model *m, ss_error *err) {
  static const char *const allowed[] = {"name",        "input_bytes",
                                        "input_shape", "whole_model_time_s",
                                        "blocks",      NULL};
  char w[300];
#define AT(key) (prof_json_join(w, sizeof w, prefix, key), w)
  m->input_bytes = -1;
  m->whole_model_time_s = NAN;
  if (!cJSON_IsObject(v))
    return ss_error_set(err, file, prefix,
                        "wrong type: expected an object, found %s",
                        prof_json_type_name(v));
  if (prof_json_check_members(file, prefix, v, allowed, err) != 0 ||
      req_name(file, AT("name"), member(v, "name"), &m->name, err) != 0 ||
      (!is_absent(member(v, "input_bytes")) &&
       prof_json_int64(file, AT("input_bytes"), member(v, "input_bytes"), 0,
                       &m->input_bytes, err) != 0) ||
      prof_json_shape(file, AT("input_shape"), member(v, "input_shape"),
                      &m->input_shape, err) != 0 ||
      opt_time(file, AT("whole_model_time_s"), member(v, "whole_model_time_s"),
               &m->whole_model_time_s, err) != 0)
    return -1;
  const cJSON *blocks = member(v, "blocks");
  if (!blocks)
    return ss_error_set(err, file, AT("blocks"), "missing required field");
  if (!cJSON_IsArray(blocks))
    return ss_error_set(err, file, AT("blocks"),
                        "wrong type: expected an array, found %s",
                        prof_json_type_name(blocks));
  size_t n = (size_t)cJSON_GetArraySize(blocks);
  if (n == 0)
    return ss_error_set(err, file, AT("blocks"),
                        "empty (a model needs at least one block)");
  if (!(m->blocks = calloc(n, sizeof *m->blocks)))
    return ss_error_set(err, file, AT("blocks"), "out of memory");
  for (const cJSON *e = blocks->child; e; e = e->next) {
    char wb[300];
    join_index(wb, sizeof wb, prefix, "blocks", m->n_blocks);
    prof_block *k = &m->blocks[m->n_blocks++];
    if (read_block(file, wb, e, m->n_blocks > 1 ? k - 1 : NULL, k, err) != 0)
      return -1;
  }
  return 0;
#undef AT
}

/* A system's provenance (absent: this import's; null keeps "unknown") and
 * its "extra" object, kept as JSON text. */
static int read_provenance(const char *file, const char *prefix, const cJSON *v,
                           const char *today, prof_system *s, ss_error *err) {
  char w[300];
#define AT(key) (prof_json_join(w, sizeof w, prefix, key), w)
  static const char *const keys[] = {"source", "importer", "import_date"};
  char **dst[] = {&s->source_file, &s->importer, &s->import_date};
  const char *dflt[] = {file, "json", today};
  for (size_t i = 0; i < 3; i++) {
    const cJSON *x = member(v, keys[i]);
    if (!x) {
      if (!(*dst[i] = ss_strdup(dflt[i])))
        return ss_error_set(err, file, AT(keys[i]), "out of memory");
    } else if (prof_json_opt_string(file, AT(keys[i]), x, dst[i], err) != 0) {
      return -1;
    }
  }
  const cJSON *extra = member(v, "extra");
  if (!is_absent(extra)) {
    if (!cJSON_IsObject(extra))
      return ss_error_set(err, file, AT("extra"),
                          "wrong type: expected an object or null, found %s",
                          prof_json_type_name(extra));
    ss_buf b = {0};
    prof_json_put_value(&b, extra, NULL);
    if (!(s->extra_json = ss_buf_take(&b)))
      return ss_error_set(err, file, AT("extra"), "out of memory");
  }
  return 0;
#undef AT
}

static int read_system(const char *file, const char *prefix, const cJSON *v,
                       const char *today, prof_system *s, ss_error *err) {
  static const char *const allowed[] = {
      "name",     "tier",        "kind",  "hardware", "source",
      "importer", "import_date", "extra", "models",   NULL};
  char w[300];
#define AT(key) (prof_json_join(w, sizeof w, prefix, key), w)
  if (!cJSON_IsObject(v))
    return ss_error_set(err, file, prefix,
                        "wrong type: expected an object, found %s",
                        prof_json_type_name(v));
  if (prof_json_check_members(file, prefix, v, allowed, err) != 0 ||
      req_name(file, AT("name"), member(v, "name"), &s->name, err) != 0 ||
      prof_json_opt_string(file, AT("tier"), member(v, "tier"), &s->tier_hint,
                           err) != 0 ||
      prof_json_opt_string(file, AT("kind"), member(v, "kind"), &s->kind,
                           err) != 0 ||
      prof_json_opt_string(file, AT("hardware"), member(v, "hardware"),
                           &s->hardware, err) != 0)
    return -1;
  if (s->kind && strcmp(s->kind, "cpu") != 0 && strcmp(s->kind, "gpu") != 0)
    return ss_error_set(
        err, file, AT("kind"),
        "'%.40s' is not a kind (expected \"cpu\", \"gpu\" or null)", s->kind);
  if (read_provenance(file, prefix, v, today, s, err) != 0)
    return -1;
  const cJSON *models = member(v, "models");
  if (!models)
    return ss_error_set(err, file, AT("models"), "missing required field");
  if (!cJSON_IsArray(models))
    return ss_error_set(err, file, AT("models"),
                        "wrong type: expected an array, found %s",
                        prof_json_type_name(models));
  size_t n = (size_t)cJSON_GetArraySize(models);
  if (n > PROF_MAX_MODELS)
    return ss_error_set(err, file, AT("models"),
                        "%zu models, more than the limit of %zu", n,
                        PROF_MAX_MODELS);
  if (n && !(s->models = calloc(n, sizeof *s->models)))
    return ss_error_set(err, file, AT("models"), "out of memory");
  for (const cJSON *e = models->child; e; e = e->next) {
    char wm[300];
    join_index(wm, sizeof wm, prefix, "models", s->n_models);
    prof_model *m = &s->models[s->n_models++];
    if (read_model(file, wm, e, m, err) != 0)
      return -1;
    for (size_t j = 0; j + 1 < s->n_models; j++)
      if (strcmp(s->models[j].name, m->name) == 0) {
        join_index(wm, sizeof wm, prefix, "models", s->n_models - 1);
        prof_json_join(w, sizeof w, wm, "name");
        return ss_error_set(err, file, w,
                            "model '%s' appears twice (also at index "
                            "%zu)",
                            m->name, j);
      }
  }
  return 0;
#undef AT
}

/* format: "splitsim-profile" and version: 1, and no unknown member. */
static int check_format(const char *path, const cJSON *root, ss_error *err) {
  static const char *const allowed[] = {"format", "version", "systems", NULL};
  const cJSON *fmt = member(root, "format");
  if (!fmt &&
      (member(root, "models") || cJSON_IsObject(member(root, "systems"))))
    return ss_error_set(
        err, path, "format",
        "not a splitsim-profile file: this looks like the provenance "
        "sidecar of a measured CSV; import the .csv file beside it");
  if (!fmt)
    return ss_error_set(
        err, path, "format",
        "missing required field (expected \"splitsim-profile\")");
  if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "splitsim-profile"))
    return ss_error_set(err, path, "format", "expected \"splitsim-profile\"");
  int64_t version;
  if (prof_json_int64(path, "version", member(root, "version"), 0, &version,
                      err) != 0)
    return -1;
  if (version != 1)
    return ss_error_set(
        err, path, "version",
        "unsupported version %lld (this program reads version 1)",
        (long long)version);
  return prof_json_check_members(path, "", root, allowed, err);
}

/* The systems array: present, an array, not too long. */
static int get_systems(const char *path, const cJSON *root,
                       const cJSON **systems, ss_error *err) {
  *systems = member(root, "systems");
  if (!*systems)
    return ss_error_set(err, path, "systems", "missing required field");
  if (!cJSON_IsArray(*systems))
    return ss_error_set(err, path, "systems",
                        "wrong type: expected an array, found %s",
                        prof_json_type_name(*systems));
  return 0;
}

/* systems[i] (e) into set->systems[i]: valid, and named once. */
static int add_system(const char *path, const cJSON *e, const char *today,
                      prof_set *set, ss_error *err) {
  char w[64];
  ss_error verr;
  size_t i = set->n_systems++;
  snprintf(w, sizeof w, "systems[%zu]", i);
  if (read_system(path, w, e, today, &set->systems[i], err) != 0)
    return -1;
  for (size_t j = 0; j < i; j++)
    if (strcmp(set->systems[j].name, set->systems[i].name) == 0) {
      snprintf(w, sizeof w, "systems[%zu].name", i);
      return ss_error_set(err, path, w,
                          "system '%s' appears twice (also at index %zu)",
                          set->systems[i].name, j);
    }
  if (prof_system_validate(&set->systems[i], &verr) != 0) {
    snprintf(w, sizeof w, "systems[%zu]", i);
    return ss_error_set(err, path, w, "%s", verr.msg);
  }
  return 0;
}

/* Every system of the array into a new set *tmp. */
static int read_systems(const char *path, const cJSON *systems, prof_set **tmp,
                        ss_error *err) {
  char today[16];
  if (!(*tmp = prof_set_new()))
    return ss_error_set(err, path, NULL, "out of memory");
  size_t n = (size_t)cJSON_GetArraySize(systems);
  if (n > PROF_MAX_SYSTEMS)
    return ss_error_set(err, path, "systems",
                        "%zu systems, more than the limit of %zu", n,
                        PROF_MAX_SYSTEMS);
  if (n && !((*tmp)->systems = calloc(n, sizeof *(*tmp)->systems)))
    return ss_error_set(err, path, NULL, "out of memory");
  prof_today_utc(today);
  for (const cJSON *e = systems->child; e; e = e->next)
    if (add_system(path, e, today, *tmp, err) != 0)
      return -1;
  return 0;
}

int prof_import_json(const char *path, prof_set *out, ss_error *err) {
  prof_set *tmp = NULL;
  const cJSON *systems;
  int rc = -1;
  cJSON *root = prof_json_parse_file(path, err);
  if (!root)
    return -1;
  if (!cJSON_IsObject(root)) {
    ss_error_set(err, path, NULL, "expected a JSON object, found %s",
                 prof_json_type_name(root));
    goto done;
  }
  if (check_format(path, root, err) != 0 ||
      get_systems(path, root, &systems, err) != 0 ||
      read_systems(path, systems, &tmp, err) != 0)
    goto done;
  if (prof_set_move_all(tmp, out) != 0) {
    ss_error_set(err, path, NULL, "out of memory");
    goto done;
  }
  rc = 0;
done:
  prof_set_free(tmp);
  cJSON_Delete(root);
  return rc;
}
