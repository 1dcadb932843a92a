/* The CSV record reader shared by the CSV importer and the network table
 * (private to profiles/ and its tests): RFC 4180 quoted fields, \n or \r\n
 * line ends, line numbers for messages. Every CSV writer uses the one
 * quoting rule of common/ss_csv.h. */
#ifndef PROF_CSV_INTERNAL_H
#define PROF_CSV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_csv.h"
#include "../common/ss_error.h"
#include "../common/ss_mem.h"
#include "profile.h"

/* ---- the reader (import_csv.c; the writer is common/ss_csv.h) ---- */

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

#endif
