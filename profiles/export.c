/* Exporters (CSV + sidecar, JSON) and the text writers they share with the
 * importers: a growable buffer, CSV cells and JSON values. Every number is
 * written with ss_fmt_double or %lld so that the importers read back the
 * identical bits (docs/formats.md). */
#define _POSIX_C_SOURCE 200809L
#include "csv_internal.h"
#include "import.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/ss_io.h"

/* ---- prof_sbuf ---- */

static int sbuf_reserve(prof_sbuf *b, size_t extra) {
  if (b->oom)
    return -1;
  if (b->cap - b->len > extra) /* room for extra bytes and the NUL */
    return 0;
  size_t need = b->len + extra + 1;
  if (need < b->len) { /* overflow */
    b->oom = 1;
    return -1;
  }
  size_t ncap = b->cap ? b->cap : 256;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) {
      b->oom = 1;
      return -1;
    }
    ncap *= 2;
  }
  char *nd = realloc(b->data, ncap);
  if (!nd) {
    b->oom = 1;
    return -1;
  }
  b->data = nd;
  b->cap = ncap;
  return 0;
}

void prof_sbuf_putn(prof_sbuf *b, const char *s, size_t n) {
  if (sbuf_reserve(b, n) != 0)
    return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void prof_sbuf_puts(prof_sbuf *b, const char *s) {
  prof_sbuf_putn(b, s, strlen(s));
}

void prof_sbuf_putc(prof_sbuf *b, char c) { prof_sbuf_putn(b, &c, 1); }

void prof_sbuf_printf(prof_sbuf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if ((size_t)n < sizeof small) {
    prof_sbuf_putn(b, small, (size_t)n);
    return;
  }
  if (sbuf_reserve(b, (size_t)n) != 0)
    return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *prof_sbuf_take(prof_sbuf *b) {
  if (b->oom) {
    prof_sbuf_free(b);
    return NULL;
  }
  char *s = b->data ? b->data : calloc(1, 1);
  memset(b, 0, sizeof *b);
  return s;
}

void prof_sbuf_free(prof_sbuf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

/* ---- CSV cells ---- */

void prof_csv_put_field(prof_sbuf *b, const char *s) {
  if (!s)
    return; /* empty cell = no value */
  size_t n = strlen(s);
  int quote = n == 0 || strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' ||
              s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
  if (!quote) {
    prof_sbuf_putn(b, s, n);
    return;
  }
  prof_sbuf_putc(b, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      prof_sbuf_putc(b, '"');
    prof_sbuf_putc(b, *p);
  }
  prof_sbuf_putc(b, '"');
}

static void csv_put_double(prof_sbuf *b, double x) {
  char num[SS_DOUBLE_BUFSIZE];
  if (!isnan(x))
    prof_sbuf_puts(b, ss_fmt_double(num, x));
}

/* ---- JSON values ---- */

void prof_json_put_string(prof_sbuf *b, const char *s) {
  if (!s) {
    prof_sbuf_puts(b, "null");
    return;
  }
  prof_sbuf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"':
      prof_sbuf_puts(b, "\\\"");
      break;
    case '\\':
      prof_sbuf_puts(b, "\\\\");
      break;
    case '\n':
      prof_sbuf_puts(b, "\\n");
      break;
    case '\r':
      prof_sbuf_puts(b, "\\r");
      break;
    case '\t':
      prof_sbuf_puts(b, "\\t");
      break;
    default:
      if (*p < 0x20)
        prof_sbuf_printf(b, "\\u%04x", (unsigned)*p);
      else
        prof_sbuf_putc(b, (char)*p);
    }
  }
  prof_sbuf_putc(b, '"');
}

void prof_json_put_double(prof_sbuf *b, double x) {
  char num[SS_DOUBLE_BUFSIZE];
  if (!isfinite(x))
    prof_sbuf_puts(b, "null");
  else
    prof_sbuf_puts(b, ss_fmt_double(num, x));
}

static void json_put_int64(prof_sbuf *b, int64_t v) {
  prof_sbuf_printf(b, "%lld", (long long)v);
}

void prof_json_put_value(prof_sbuf *b, const cJSON *v, const char *skip_key) {
  if (cJSON_IsObject(v)) {
    int first = 1;
    prof_sbuf_putc(b, '{');
    for (const cJSON *c = v->child; c; c = c->next) {
      if (skip_key && c->string && strcmp(c->string, skip_key) == 0)
        continue;
      if (!first)
        prof_sbuf_putc(b, ',');
      first = 0;
      prof_json_put_string(b, c->string ? c->string : "");
      prof_sbuf_putc(b, ':');
      prof_json_put_value(b, c, NULL);
    }
    prof_sbuf_putc(b, '}');
  } else if (cJSON_IsArray(v)) {
    prof_sbuf_putc(b, '[');
    for (const cJSON *c = v->child; c; c = c->next) {
      if (c != v->child)
        prof_sbuf_putc(b, ',');
      prof_json_put_value(b, c, NULL);
    }
    prof_sbuf_putc(b, ']');
  } else if (cJSON_IsString(v)) {
    prof_json_put_string(b, v->valuestring);
  } else if (cJSON_IsNumber(v)) {
    prof_json_put_double(b, v->valuedouble);
  } else if (cJSON_IsTrue(v)) {
    prof_sbuf_puts(b, "true");
  } else if (cJSON_IsFalse(v)) {
    prof_sbuf_puts(b, "false");
  } else {
    prof_sbuf_puts(b, "null");
  }
}

char *prof_json_canonical_object(const char *text, ss_error *err) {
  cJSON *root = prof_json_parse_text(NULL, text, strlen(text), err);
  if (!root)
    return NULL;
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    ss_error_msg(err, "not a JSON object");
    return NULL;
  }
  prof_sbuf b = {0};
  prof_json_put_value(&b, root, NULL);
  cJSON_Delete(root);
  char *s = prof_sbuf_take(&b);
  if (!s)
    ss_error_msg(err, "out of memory");
  return s;
}

/* ---- checks before writing ---- */

/* Refuse sets the importers would not read back: invalid values, twice the
 * same system name, a kind other than cpu/gpu, extra provenance that is not
 * a JSON object. On success extras[i] holds the canonical extra text of
 * system i (or NULL); the caller frees the array and its strings. */
static int check_set(const prof_set *set, const char *path, char ***extras,
                     ss_error *err) {
  ss_error e;
  ss_error_clear(&e);
  char **ex = calloc(set->n_systems ? set->n_systems : 1, sizeof *ex);
  if (!ex)
    return ss_error_oom(err, path, NULL);
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *s = &set->systems[i];
    if (prof_system_validate(s, &e) != 0)
      goto bad;
    for (size_t j = 0; j < i; j++)
      if (strcmp(set->systems[j].name, s->name) == 0) {
        ss_error_msg(&e, "system '%s' appears twice", s->name);
        goto bad;
      }
    if (s->kind && strcmp(s->kind, "cpu") != 0 && strcmp(s->kind, "gpu") != 0) {
      ss_error_msg(&e, "system '%s': kind '%s' is not cpu or gpu", s->name,
                   s->kind);
      goto bad;
    }
    for (size_t m = 0; m < s->n_models; m++)
      if (s->models[m].input_bytes < -1) {
        ss_error_msg(&e, "system '%s': model '%s': negative input bytes",
                     s->name, s->models[m].name);
        goto bad;
      }
    if (s->extra_json) {
      ex[i] = prof_json_canonical_object(s->extra_json, &e);
      if (!ex[i]) {
        ss_error_prefix(&e, "system '%s': extra provenance", s->name);
        goto bad;
      }
    }
  }
  *extras = ex;
  return 0;
bad:
  for (size_t i = 0; i < set->n_systems; i++)
    free(ex[i]);
  free(ex);
  return ss_error_set(err, path, NULL, "refusing to export: %s", e.msg);
}

static void free_extras(const prof_set *set, char **ex) {
  if (!ex)
    return;
  for (size_t i = 0; i < set->n_systems; i++)
    free(ex[i]);
  free(ex);
}

/* Provenance members shared by the JSON format and the CSV sidecar. */
static void put_provenance(prof_sbuf *b, const prof_system *s,
                           const char *extra, const char *ind) {
  prof_sbuf_printf(b, "%s\"tier\": ", ind);
  prof_json_put_string(b, s->tier_hint);
  prof_sbuf_printf(b, ",\n%s\"kind\": ", ind);
  prof_json_put_string(b, s->kind);
  prof_sbuf_printf(b, ",\n%s\"hardware\": ", ind);
  prof_json_put_string(b, s->hardware);
  prof_sbuf_printf(b, ",\n%s\"source\": ", ind);
  prof_json_put_string(b, s->source_file);
  prof_sbuf_printf(b, ",\n%s\"importer\": ", ind);
  prof_json_put_string(b, s->importer);
  prof_sbuf_printf(b, ",\n%s\"import_date\": ", ind);
  prof_json_put_string(b, s->import_date);
  prof_sbuf_printf(b, ",\n%s\"extra\": %s,\n", ind, extra ? extra : "null");
}

static void put_input_bytes(prof_sbuf *b, int64_t v) {
  if (v < 0)
    prof_sbuf_puts(b, "null");
  else
    json_put_int64(b, v);
}

/* Write text to path under a temporary name; committed by the caller. */
static int stage_file(ss_atomic_file *af, const char *path, const char *text,
                      size_t len, ss_error *err) {
  if (ss_atomic_open(af, path, err) != 0)
    return -1;
  if (fwrite(text, 1, len, af->fp) != len || fflush(af->fp) != 0) {
    int e = errno;
    ss_atomic_abort(af);
    return ss_error_set(err, path, NULL, "write failed: %s", strerror(e));
  }
  return 0;
}

/* ---- JSON profile format ---- */

static void put_block_json(prof_sbuf *b, const prof_block *k) {
  prof_sbuf_puts(b, "{\"first_layer\": ");
  json_put_int64(b, k->first_layer);
  prof_sbuf_puts(b, ", \"last_layer\": ");
  json_put_int64(b, k->last_layer);
  prof_sbuf_puts(b, ", \"first_name\": ");
  prof_json_put_string(b, k->first_name);
  prof_sbuf_puts(b, ", \"last_name\": ");
  prof_json_put_string(b, k->last_name);
  prof_sbuf_puts(b, ", \"time_s\": ");
  prof_json_put_double(b, k->time_s);
  prof_sbuf_puts(b, ", \"time_s_p10\": ");
  prof_json_put_double(b, k->time_s_p10);
  prof_sbuf_puts(b, ", \"time_s_p90\": ");
  prof_json_put_double(b, k->time_s_p90);
  prof_sbuf_puts(b, ", \"repeats\": ");
  json_put_int64(b, k->repeats);
  prof_sbuf_puts(b, ", \"output_bytes\": ");
  json_put_int64(b, k->output_bytes);
  prof_sbuf_puts(b, ", \"output_shape\": ");
  prof_json_put_string(b, k->output_shape);
  prof_sbuf_puts(b, ", \"samples_s\": ");
  if (k->n_samples == 0) {
    prof_sbuf_puts(b, "null");
  } else {
    prof_sbuf_putc(b, '[');
    for (size_t i = 0; i < k->n_samples; i++) {
      if (i)
        prof_sbuf_puts(b, ", ");
      prof_json_put_double(b, k->samples_s[i]);
    }
    prof_sbuf_putc(b, ']');
  }
  prof_sbuf_putc(b, '}');
}

int prof_export_json(const prof_set *set, const char *path, ss_error *err) {
  char **extras = NULL;
  prof_sbuf b = {0};
  char *text = NULL;
  ss_atomic_file af;
  if (check_set(set, path, &extras, err) != 0)
    return -1;
  prof_sbuf_puts(&b, "{\n  \"format\": \"splitsim-profile\",\n"
                     "  \"version\": 1,\n  \"systems\": [");
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *s = &set->systems[i];
    prof_sbuf_puts(&b, i ? ",\n    {\n" : "\n    {\n");
    prof_sbuf_puts(&b, "      \"name\": ");
    prof_json_put_string(&b, s->name);
    prof_sbuf_puts(&b, ",\n");
    put_provenance(&b, s, extras[i], "      ");
    prof_sbuf_puts(&b, "      \"models\": [");
    for (size_t m = 0; m < s->n_models; m++) {
      const prof_model *md = &s->models[m];
      prof_sbuf_puts(&b, m ? ",\n        {\n" : "\n        {\n");
      prof_sbuf_puts(&b, "          \"name\": ");
      prof_json_put_string(&b, md->name);
      prof_sbuf_puts(&b, ",\n          \"input_bytes\": ");
      put_input_bytes(&b, md->input_bytes);
      prof_sbuf_puts(&b, ",\n          \"input_shape\": ");
      prof_json_put_string(&b, md->input_shape);
      prof_sbuf_puts(&b, ",\n          \"whole_model_time_s\": ");
      prof_json_put_double(&b, md->whole_model_time_s);
      prof_sbuf_puts(&b, ",\n          \"blocks\": [");
      for (size_t k = 0; k < md->n_blocks; k++) {
        prof_sbuf_puts(&b, k ? ",\n            " : "\n            ");
        put_block_json(&b, &md->blocks[k]);
      }
      prof_sbuf_puts(&b, md->n_blocks ? "\n          ]\n        }"
                                      : "]\n        }");
    }
    prof_sbuf_puts(&b, s->n_models ? "\n      ]\n    }" : "]\n    }");
  }
  prof_sbuf_puts(&b, set->n_systems ? "\n  ]\n}\n" : "]\n}\n");
  free_extras(set, extras);
  size_t len = b.len;
  text = prof_sbuf_take(&b);
  if (!text)
    return ss_error_oom(err, path, NULL);
  if (stage_file(&af, path, text, len, err) != 0)
    goto fail;
  if (ss_atomic_commit(&af, err) != 0)
    goto fail;
  free(text);
  return 0;
fail:
  free(text);
  return -1;
}

/* ---- CSV + sidecar ---- */

static const char *const csv_header =
    "system,model,block,first_node,last_node,first_node_name,last_node_name,"
    "time_s_median,time_s_p10,time_s_p90,repeats,output_bytes,output_shape,"
    "samples_s\n";

static void put_csv_rows(prof_sbuf *b, const prof_system *s) {
  for (size_t m = 0; m < s->n_models; m++) {
    const prof_model *md = &s->models[m];
    for (size_t i = 0; i < md->n_blocks; i++) {
      const prof_block *k = &md->blocks[i];
      prof_csv_put_field(b, s->name);
      prof_sbuf_putc(b, ',');
      prof_csv_put_field(b, md->name);
      prof_sbuf_printf(b, ",%zu,%lld,%lld,", i, (long long)k->first_layer,
                       (long long)k->last_layer);
      prof_csv_put_field(b, k->first_name);
      prof_sbuf_putc(b, ',');
      prof_csv_put_field(b, k->last_name);
      prof_sbuf_putc(b, ',');
      csv_put_double(b, k->time_s);
      prof_sbuf_putc(b, ',');
      csv_put_double(b, k->time_s_p10);
      prof_sbuf_putc(b, ',');
      csv_put_double(b, k->time_s_p90);
      prof_sbuf_printf(b, ",%lld,%lld,", (long long)k->repeats,
                       (long long)k->output_bytes);
      prof_csv_put_field(b, k->output_shape);
      prof_sbuf_putc(b, ',');
      for (size_t j = 0; j < k->n_samples; j++) {
        if (j)
          prof_sbuf_putc(b, ';');
        csv_put_double(b, k->samples_s[j]);
      }
      prof_sbuf_putc(b, '\n');
    }
  }
}

static void put_sidecar_system(prof_sbuf *b, const prof_system *s,
                               const char *extra) {
  prof_sbuf_puts(b, "    ");
  prof_json_put_string(b, s->name);
  prof_sbuf_puts(b, ": {\n");
  put_provenance(b, s, extra, "      ");
  prof_sbuf_puts(b, "      \"models\": {");
  for (size_t m = 0; m < s->n_models; m++) {
    const prof_model *md = &s->models[m];
    prof_sbuf_puts(b, m ? ",\n        " : "\n        ");
    prof_json_put_string(b, md->name);
    prof_sbuf_printf(b, ": {\"blocks\": %zu, \"input_bytes\": ", md->n_blocks);
    put_input_bytes(b, md->input_bytes);
    prof_sbuf_puts(b, ", \"input_shape\": ");
    prof_json_put_string(b, md->input_shape);
    prof_sbuf_puts(b, ", \"whole_model_median_s\": ");
    prof_json_put_double(b, md->whole_model_time_s);
    prof_sbuf_putc(b, '}');
  }
  prof_sbuf_puts(b, s->n_models ? "\n      }\n    }" : "}\n    }");
}

int prof_export_csv(const prof_set *set, const char *path, ss_error *err) {
  if (set && set->n_systems == 0)
    return ss_error_set(err, path, NULL,
                        "nothing to export: the store has no systems");
  char **extras = NULL;
  prof_sbuf cb = {0}, jb = {0};
  char *csv = NULL, *json = NULL;
  char side[4096], bak[4200] = "";
  ss_atomic_file acsv, ajson;
  int csv_done = 0;
  memset(&acsv, 0, sizeof acsv);
  memset(&ajson, 0, sizeof ajson);
  if (prof_csv_sidecar_path(path, side, sizeof side) != 0)
    return ss_error_set(err, path, NULL, "path too long");
  if (check_set(set, path, &extras, err) != 0)
    return -1;
  prof_sbuf_puts(&cb, csv_header);
  prof_sbuf_puts(&jb, "{\n  \"format\": \"splitsim-csv-sidecar\",\n"
                      "  \"version\": 1,\n  \"systems\": {");
  for (size_t i = 0; i < set->n_systems; i++) {
    put_csv_rows(&cb, &set->systems[i]);
    prof_sbuf_puts(&jb, i ? ",\n" : "\n");
    put_sidecar_system(&jb, &set->systems[i], extras[i]);
  }
  prof_sbuf_puts(&jb, set->n_systems ? "\n  }\n}\n" : "}\n}\n");
  free_extras(set, extras);
  size_t csv_len = cb.len, json_len = jb.len;
  csv = prof_sbuf_take(&cb);
  json = prof_sbuf_take(&jb);
  if (!csv || !json) {
    ss_error_oom(err, path, NULL);
    goto fail;
  }
  if (stage_file(&acsv, path, csv, csv_len, err) != 0 ||
      stage_file(&ajson, side, json, json_len, err) != 0)
    goto fail;
  /* Keep the old CSV reachable (hard link) until the sidecar is in place, so
   * a failure on the second file can put it back. */
  if (access(path, F_OK) == 0) {
    if (ss_temp_path_for(path, bak, sizeof bak, err) != 0)
      goto fail;
    unlink(bak);
    if (link(path, bak) != 0)
      bak[0] = '\0'; /* no hard links here: a failure removes the new CSV */
  }
  if (ss_atomic_commit(&acsv, err) != 0)
    goto fail;
  csv_done = 1;
  if (ss_atomic_commit(&ajson, err) != 0) {
    ss_error_prefix(err, "provenance sidecar not written, so %s was %s", path,
                    bak[0] ? "restored" : "removed");
    goto fail;
  }
  if (bak[0])
    unlink(bak);
  free(csv);
  free(json);
  return 0;
fail:
  ss_atomic_abort(&acsv);
  ss_atomic_abort(&ajson);
  if (csv_done) {
    if (bak[0])
      rename(bak, path);
    else
      unlink(path);
  } else if (bak[0]) {
    unlink(bak);
  }
  free(csv);
  free(json);
  return -1;
}
