/* JSON helpers of the profile importers and exporters (private to
 * profiles/ and its tests): a writer (exact doubles through ss_fmt_double)
 * and a bounded reader (file size and nesting depth checked before cJSON
 * sees the text). cJSON handles never leave profiles/. */
#ifndef PROF_JSON_INTERNAL_H
#define PROF_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "../common/ss_error.h"
#include "../common/ss_mem.h"
#include "profile.h"

/* Deepest nesting of arrays/objects any JSON reader here accepts. */
#define PROF_JSON_MAX_DEPTH 64

/* ---- JSON writer (export.c) ---- */

/* A JSON string literal, or null for NULL. */
void prof_json_put_string(ss_buf *b, const char *s);
/* Shortest exact text of x; null for NaN (infinities are written as null
 * too: JSON has no spelling for them). */
void prof_json_put_double(ss_buf *b, double x);
/* Compact canonical text of a parsed value: members in their order, no
 * spaces, numbers via ss_fmt_double. If skip_key is not NULL and v is an
 * object, that member is left out. */
void prof_json_put_value(ss_buf *b, const cJSON *v, const char *skip_key);
/* Canonical compact text of a JSON object given as text (for extra_json):
 * caller frees. NULL (with err->msg set) when text is not one JSON object. */
char *prof_json_canonical_object(const char *text, ss_error *err);

/* ---- JSON reader (import_json.c) ---- */

/* Read path (at most SS_MAX_INPUT_BYTES), refuse NUL bytes and nesting deeper
 * than PROF_JSON_MAX_DEPTH (where = "line:column"), then parse. Caller frees
 * with cJSON_Delete. NULL on error. */
cJSON *prof_json_parse_file(const char *path, ss_error *err);
/* The same checks on text already in memory. */
cJSON *prof_json_parse_text(const char *path, const char *text, size_t len,
                            ss_error *err);

/* Typed reads of one JSON value, for the readers. `where` is the value's
 * path for messages ("systems[0].models[2].blocks[5].time_s"); v == NULL
 * means the member is absent. Each returns 0, or -1 with err set to
 * (file, where, what is wrong). */
const char *prof_json_type_name(const cJSON *v);
/* A string, or NULL when absent or null. Caller frees *out. */
int prof_json_opt_string(const char *file, const char *where, const cJSON *v,
                         char **out, ss_error *err);
/* A required integral number >= min that a double holds exactly. */
int prof_json_int64(const char *file, const char *where, const cJSON *v,
                    int64_t min, int64_t *out, ss_error *err);
/* A required finite number >= 0. */
int prof_json_time(const char *file, const char *where, const cJSON *v,
                   double *out, ss_error *err);
/* A tensor shape: "1x3x224x224", [1, 3, 224, 224] (stored as the former), or
 * NULL when absent or null. Caller frees *out. */
int prof_json_shape(const char *file, const char *where, const cJSON *v,
                    char **out, ss_error *err);
/* Refuse an object whose member names repeat, or (when allowed is not NULL,
 * a NULL-terminated list) that has a member not in allowed. prefix is the
 * object's path ("" for the root). */
int prof_json_check_members(const char *file, const char *prefix,
                            const cJSON *obj, const char *const *allowed,
                            ss_error *err);
/* "prefix.key" (or "key" when prefix is empty) into out. */
void prof_json_join(char *out, size_t outsize, const char *prefix,
                    const char *key);

#endif
