/* ss_csv: the one CSV format of splitsim, written and read here.
 *
 * Writing: the one quoting rule of every table splitsim writes (RFC 4180):
 * a cell is written as "..." (inner quotes doubled) when it holds a comma, a
 * quote, CR or LF, is empty, or starts or ends with a space or tab (so that
 * readers keep it as written); otherwise as it is.
 *
 * Reading: one record at a time, from a file (streamed: any size) or from
 * text in memory. Fields may be quoted ("" stands for one quote; a quoted
 * field may hold commas and line ends); blanks around a quoted field are
 * dropped, an unquoted field is kept as written. Records end at \n, \r\n or
 * a lone \r. Blank lines (nothing but blanks) are skipped, and a UTF-8
 * byte-order mark at the start. Every error names the file and the line
 * (`where`): a quote inside an unquoted field, text after a closing quote, a
 * quote never closed, a NUL byte, a read error. */
#ifndef SS_CSV_H
#define SS_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ss_error.h"
#include "ss_mem.h"

/* 1 when s must be quoted. */
int ss_csv_needs_quotes(const char *s);
/* Append s as one CSV cell (NULL: nothing, an empty cell = no value). */
void ss_csv_field(ss_buf *b, const char *s);

/* ---- reading ---------------------------------------------------------- */

typedef struct ss_csv_cell {
  char *text; /* unescaped, NUL-terminated; the reader's, valid until the
                 next ss_csv_next */
  size_t len;
  int quoted; /* 1 when written as "..." (so `""` is an empty string while an
                 empty unquoted cell means "no value") */
} ss_csv_cell;

typedef struct ss_csv_reader {
  char *path;          /* for messages (a copy) */
  FILE *fp;            /* NULL when reading text */
  const char *p, *end; /* unread bytes: of the text, or of chunk */
  const char *base;    /* the text, or chunk: byte base_offset of the input */
  uint64_t base_offset;
  char *chunk;   /* bytes read ahead from fp */
  int failed;    /* a read error or a NUL byte stopped the reading */
  long line;     /* line where the next record starts (1-based) */
  long rec_line; /* line where the current record started */
  size_t n_fields;
  ss_csv_cell *fields; /* n_fields, valid until the next ss_csv_next */
  size_t *offs;        /* start of each field in buf while reading */
  size_t cap_fields, cap_offs;
  ss_buf buf; /* the fields' text, each NUL-terminated */
} ss_csv_reader;

/* Start reading the file at path (errors: "cannot open: ..."). */
int ss_csv_open(ss_csv_reader *r, const char *path, ss_error *err);
/* Start reading text[0..len) (borrowed: it must outlive the reader); path
 * names it in messages. Fails only when out of memory. */
int ss_csv_open_text(ss_csv_reader *r, const char *path, const char *text,
                     size_t len, ss_error *err);
/* Read the next record into r->fields / r->n_fields (r->rec_line is its
 * first line). Returns 1 for a record, 0 at the end, -1 on an error (err
 * names the file and the line). */
int ss_csv_next(ss_csv_reader *r, ss_error *err);
/* 0 when the current record has n_header fields; otherwise -1 with a
 * format error at the record's line: "5 fields, the header has 6". */
int ss_csv_check_width(const ss_csv_reader *r, size_t n_header, ss_error *err);
/* Bytes of the input taken so far (for progress reports). */
uint64_t ss_csv_tell(const ss_csv_reader *r);
/* Release everything; r is zeroed (closing a zeroed reader is a no-op). */
void ss_csv_close(ss_csv_reader *r);

#endif
