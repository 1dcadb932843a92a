/* Exporters (CSV + sidecar, JSON) and the text writers they share with the
 * importers: a growable buffer, CSV cells and JSON values. Every number is
 * written with ss_fmt_double or %lld so that the importers read back the
 * identical bits (docs/formats.md). */
#define _POSIX_C_SOURCE 200809L
#include "import.h"
#include "json_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"
#include "../common/ss_mem.h"

/* ---- CSV cells ---- */

static void csv_put_double(ss_buf *b, double x) {
  char num[SS_DOUBLE_BUFSIZE];
  if (!isnan(x))
    ss_buf_str(b, ss_fmt_double(num, x));
}

/* ---- JSON values ---- */

void prof_json_put_string(ss_buf *b, const char *s) {
  if (!s) {
    ss_buf_str(b, "null");
    return;
  }
  ss_buf_char(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"':
      ss_buf_str(b, "\\\"");
      break;
    case '\\':
      ss_buf_str(b, "\\\\");
      break;
    case '\n':
      ss_buf_str(b, "\\n");
      break;
    case '\r':
      ss_buf_str(b, "\\r");
      break;
    case '\t':
      ss_buf_str(b, "\\t");
      break;
    default:
      if (*p < 0x20)
        ss_buf_printf(b, "\\u%04x", (unsigned)*p);
      else
        ss_buf_char(b, (char)*p);
    }
  }
  ss_buf_char(b, '"');
}

void prof_json_put_double(ss_buf *b, double x) {
  char num[SS_DOUBLE_BUFSIZE];
  if (!isfinite(x))
    ss_buf_str(b, "null");
  else
    ss_buf_str(b, ss_fmt_double(num, x));
}

static void json_put_int64(ss_buf *b, int64_t v) {
  ss_buf_printf(b, "%lld", (long long)v);
}

void prof_json_put_value(ss_buf *b, const cJSON *v, const char *skip_key) {
  if (cJSON_IsObject(v)) {
    int first = 1;
    ss_buf_char(b, '{');
    for (const cJSON *c = v->child; c; c = c->next) {
      if (skip_key && c->string && strcmp(c->string, skip_key) == 0)
        continue;
      if (!first)
        ss_buf_char(b, ',');
      first = 0;
      prof_json_put_string(b, c->string ? c->string : "");
      ss_buf_char(b, ':');
      prof_json_put_value(b, c, NULL);
    }
    ss_buf_char(b, '}');
  } else if (cJSON_IsArray(v)) {
    ss_buf_char(b, '[');
    for (const cJSON *c = v->child; c; c = c->next) {
      if (c != v->child)
        ss_buf_char(b, ',');
      prof_json_put_value(b, c, NULL);
    }
    ss_buf_char(b, ']');
  } else if (cJSON_IsString(v)) {
    prof_json_put_string(b, v->valuestring);
  } else if (cJSON_IsNumber(v)) {
    prof_json_put_double(b, v->valuedouble);
  } else if (cJSON_IsTrue(v)) {
    ss_buf_str(b, "true");
  } else if (cJSON_IsFalse(v)) {
    ss_buf_str(b, "false");
  } else {
    ss_buf_str(b, "null");
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
  ss_buf b = {0};
  prof_json_put_value(&b, root, NULL);
  cJSON_Delete(root);
  char *s = ss_buf_take(&b);
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
static void put_provenance(ss_buf *b, const prof_system *s, const char *extra,
                           const char *ind) {
  ss_buf_printf(b, "%s\"tier\": ", ind);
  prof_json_put_string(b, s->tier_hint);
  ss_buf_printf(b, ",\n%s\"kind\": ", ind);
  prof_json_put_string(b, s->kind);
  ss_buf_printf(b, ",\n%s\"hardware\": ", ind);
  prof_json_put_string(b, s->hardware);
  ss_buf_printf(b, ",\n%s\"source\": ", ind);
  prof_json_put_string(b, s->source_file);
  ss_buf_printf(b, ",\n%s\"importer\": ", ind);
  prof_json_put_string(b, s->importer);
  ss_buf_printf(b, ",\n%s\"import_date\": ", ind);
  prof_json_put_string(b, s->import_date);
  ss_buf_printf(b, ",\n%s\"extra\": %s,\n", ind, extra ? extra : "null");
}

static void put_input_bytes(ss_buf *b, int64_t v) {
  if (v < 0)
    ss_buf_str(b, "null");
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

static void put_block_json(ss_buf *b, const prof_block *k) {
  ss_buf_str(b, "{\"first_layer\": ");
  json_put_int64(b, k->first_layer);
  ss_buf_str(b, ", \"last_layer\": ");
  json_put_int64(b, k->last_layer);
  ss_buf_str(b, ", \"first_name\": ");
  prof_json_put_string(b, k->first_name);
  ss_buf_str(b, ", \"last_name\": ");
  prof_json_put_string(b, k->last_name);
  ss_buf_str(b, ", \"time_s\": ");
  prof_json_put_double(b, k->time_s);
  ss_buf_str(b, ", \"time_s_p10\": ");
  prof_json_put_double(b, k->time_s_p10);
  ss_buf_str(b, ", \"time_s_p90\": ");
  prof_json_put_double(b, k->time_s_p90);
  ss_buf_str(b, ", \"repeats\": ");
  json_put_int64(b, k->repeats);
  ss_buf_str(b, ", \"output_bytes\": ");
  json_put_int64(b, k->output_bytes);
  ss_buf_str(b, ", \"output_shape\": ");
  prof_json_put_string(b, k->output_shape);
  ss_buf_str(b, ", \"samples_s\": ");
  if (k->n_samples == 0) {
    ss_buf_str(b, "null");
  } else {
    ss_buf_char(b, '[');
    for (size_t i = 0; i < k->n_samples; i++) {
      if (i)
        ss_buf_str(b, ", ");
      prof_json_put_double(b, k->samples_s[i]);
    }
    ss_buf_char(b, ']');
  }
  ss_buf_char(b, '}');
}

int prof_export_json(const prof_set *set, const char *path, ss_error *err) {
  char **extras = NULL;
  ss_buf b = {0};
  char *text = NULL;
  ss_atomic_file af;
  if (check_set(set, path, &extras, err) != 0)
    return -1;
  ss_buf_str(&b, "{\n  \"format\": \"splitsim-profile\",\n"
                 "  \"version\": 1,\n  \"systems\": [");
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *s = &set->systems[i];
    ss_buf_str(&b, i ? ",\n    {\n" : "\n    {\n");
    ss_buf_str(&b, "      \"name\": ");
    prof_json_put_string(&b, s->name);
    ss_buf_str(&b, ",\n");
    put_provenance(&b, s, extras[i], "      ");
    ss_buf_str(&b, "      \"models\": [");
    for (size_t m = 0; m < s->n_models; m++) {
      const prof_model *md = &s->models[m];
      ss_buf_str(&b, m ? ",\n        {\n" : "\n        {\n");
      ss_buf_str(&b, "          \"name\": ");
      prof_json_put_string(&b, md->name);
      ss_buf_str(&b, ",\n          \"input_bytes\": ");
      put_input_bytes(&b, md->input_bytes);
      ss_buf_str(&b, ",\n          \"input_shape\": ");
      prof_json_put_string(&b, md->input_shape);
      ss_buf_str(&b, ",\n          \"whole_model_time_s\": ");
      prof_json_put_double(&b, md->whole_model_time_s);
      ss_buf_str(&b, ",\n          \"blocks\": [");
      for (size_t k = 0; k < md->n_blocks; k++) {
        ss_buf_str(&b, k ? ",\n            " : "\n            ");
        put_block_json(&b, &md->blocks[k]);
      }
      ss_buf_str(&b,
                 md->n_blocks ? "\n          ]\n        }" : "]\n        }");
    }
    ss_buf_str(&b, s->n_models ? "\n      ]\n    }" : "]\n    }");
  }
  ss_buf_str(&b, set->n_systems ? "\n  ]\n}\n" : "]\n}\n");
  free_extras(set, extras);
  size_t len = b.len;
  text = ss_buf_take(&b);
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

static void put_csv_rows(ss_buf *b, const prof_system *s) {
  for (size_t m = 0; m < s->n_models; m++) {
    const prof_model *md = &s->models[m];
    for (size_t i = 0; i < md->n_blocks; i++) {
      const prof_block *k = &md->blocks[i];
      ss_csv_field(b, s->name);
      ss_buf_char(b, ',');
      ss_csv_field(b, md->name);
      ss_buf_printf(b, ",%zu,%lld,%lld,", i, (long long)k->first_layer,
                    (long long)k->last_layer);
      ss_csv_field(b, k->first_name);
      ss_buf_char(b, ',');
      ss_csv_field(b, k->last_name);
      ss_buf_char(b, ',');
      csv_put_double(b, k->time_s);
      ss_buf_char(b, ',');
      csv_put_double(b, k->time_s_p10);
      ss_buf_char(b, ',');
      csv_put_double(b, k->time_s_p90);
      ss_buf_printf(b, ",%lld,%lld,", (long long)k->repeats,
                    (long long)k->output_bytes);
      ss_csv_field(b, k->output_shape);
      ss_buf_char(b, ',');
      for (size_t j = 0; j < k->n_samples; j++) {
        if (j)
          ss_buf_char(b, ';');
        csv_put_double(b, k->samples_s[j]);
      }
      ss_buf_char(b, '\n');
    }
  }
}

static void put_sidecar_system(ss_buf *b, const prof_system *s,
                               const char *extra) {
  ss_buf_str(b, "    ");
  prof_json_put_string(b, s->name);
  ss_buf_str(b, ": {\n");
  put_provenance(b, s, extra, "      ");
  ss_buf_str(b, "      \"models\": {");
  for (size_t m = 0; m < s->n_models; m++) {
    const prof_model *md = &s->models[m];
    ss_buf_str(b, m ? ",\n        " : "\n        ");
    prof_json_put_string(b, md->name);
    ss_buf_printf(b, ": {\"blocks\": %zu, \"input_bytes\": ", md->n_blocks);
    put_input_bytes(b, md->input_bytes);
    ss_buf_str(b, ", \"input_shape\": ");
    prof_json_put_string(b, md->input_shape);
    ss_buf_str(b, ", \"whole_model_median_s\": ");
    prof_json_put_double(b, md->whole_model_time_s);
    ss_buf_char(b, '}');
  }
  ss_buf_str(b, s->n_models ? "\n      }\n    }" : "}\n    }");
}

int prof_export_csv(const prof_set *set, const char *path, ss_error *err) {
  if (set && set->n_systems == 0)
    return ss_error_set(err, path, NULL,
                        "nothing to export: the store has no systems");
  char **extras = NULL;
  ss_buf cb = {0}, jb = {0};
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
  ss_buf_str(&cb, csv_header);
  ss_buf_str(&jb, "{\n  \"format\": \"splitsim-csv-sidecar\",\n"
                  "  \"version\": 1,\n  \"systems\": {");
  for (size_t i = 0; i < set->n_systems; i++) {
    put_csv_rows(&cb, &set->systems[i]);
    ss_buf_str(&jb, i ? ",\n" : "\n");
    put_sidecar_system(&jb, &set->systems[i], extras[i]);
  }
  ss_buf_str(&jb, set->n_systems ? "\n  }\n}\n" : "}\n}\n");
  free_extras(set, extras);
  size_t csv_len = cb.len, json_len = jb.len;
  csv = ss_buf_take(&cb);
  json = ss_buf_take(&jb);
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
    if (link(path, bak) != 0) {
      ss_temp_discard(bak);
      bak[0] = '\0'; /* no hard links here: a failure removes the new CSV */
    }
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
    ss_temp_discard(bak);
  free(csv);
  free(json);
  return 0;
fail:
  ss_atomic_abort(&acsv);
  ss_atomic_abort(&ajson);
  if (csv_done) {
    if (bak[0] && rename(bak, path) == 0)
      ss_temp_done(bak);
    else if (bak[0])
      ss_temp_discard(bak);
    else
      unlink(path);
  } else if (bak[0]) {
    ss_temp_discard(bak);
  }
  free(csv);
  free(json);
  return -1;
}
