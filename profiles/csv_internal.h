/* Text-format helpers shared by the CSV and JSON importers, the exporters and
 * the network table (private to profiles/ and its tests):
 * - ss_buf: a growable byte buffer that remembers running out of memory;
 * - a CSV record reader (RFC 4180 quoted fields, \n or \r\n line ends,
 *   line numbers for messages) and a CSV field writer;
 * - a JSON writer (exact doubles through ss_fmt_double) and a bounded JSON
 *   reader (file size and nesting depth checked before cJSON sees the text).
 * cJSON handles never leave profiles/. */
#ifndef PROF_CSV_INTERNAL_H
#define PROF_CSV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "../common/ss_csv.h"
#include "../common/ss_error.h"
#include "../common/ss_mem.h"
#include "profile.h"

/* Deepest nesting of arrays/objects any JSON reader here accepts. */
#define PROF_JSON_MAX_DEPTH 64

/* ---- CSV (reader in import_csv.c, writer in export.c) ---- */

typedef struct prof_csv_field {
  const char *text; /* unescaped, NUL-terminated, valid until the next read */
  size_t len;
  int quoted; /* 1 when written as "..." (so `""` is an empty string while an
                 empty unquoted cell means "no value") */
} prof_csv_field;

typedef struct prof_csv_reader {
  const char *path; /* for messages (borrowed) */
  const char *p, *end;
  long line;     /* line number where the next record starts (1-based) */
  long rec_line; /* line number where the current record started */
  size_t n_fields;
  prof_csv_field *fields;
  size_t cap_fields;
  size_t *offs; /* field offsets into buf while a record is read */
  ss_buf buf;
} prof_csv_reader;

/* Start reading text[0..len) (borrowed; must outlive the reader). Skips a
 * UTF-8 byte-order mark. Fails on a NUL byte in the text. */
int prof_csv_init(prof_csv_reader *r, const char *path, const char *text,
                  size_t len, ss_error *err);
/* Read the next record, skipping blank lines. Returns 1 with r->fields set,
 * 0 at the end of the text, -1 on malformed quoting (err names the line). */
int prof_csv_next(prof_csv_reader *r, ss_error *err);
void prof_csv_free(prof_csv_reader *r);

/* The provenance sidecar of a CSV file: the same path with its `.csv`
 * extension (any case) replaced by `.json`, or `.json` appended when there is
 * none. Returns -1 when out is too small. */
int prof_csv_sidecar_path(const char *csv_path, char *out, size_t outsize);

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

/* ---- misc (import.c) ---- */

/* Append every system of from to to, emptying from (no checks). */
int prof_set_move_all(prof_set *from, prof_set *to);

/* Today's date in UTC as "YYYY-MM-DD" (buf holds at least 11 bytes). */
void prof_today_utc(char *buf);

#endif
