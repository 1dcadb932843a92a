#include "ss_csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ss_csv_needs_quotes(const char *s) {
  size_t n = strlen(s);
  return n == 0 || strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' ||
         s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
}

void ss_csv_field(ss_buf *b, const char *s) {
  if (!s)
    return;
  if (!ss_csv_needs_quotes(s)) {
    ss_buf_str(b, s);
    return;
  }
  ss_buf_char(b, '"');
  for (; *s; s++) {
    if (*s == '"')
      ss_buf_char(b, '"');
    ss_buf_char(b, *s);
  }
  ss_buf_char(b, '"');
}

/* ---- reading ---------------------------------------------------------- */

#define CHUNK_BYTES ((size_t)1 << 16)
#define BAD (-2) /* a read error or a NUL byte (r->failed says which) */
enum { FAILED_READ = 1, FAILED_NUL = 2 };

static int set_path(ss_csv_reader *r, const char *path, ss_error *err) {
  memset(r, 0, sizeof *r);
  r->line = 1;
  r->path = ss_strdup(path ? path : "");
  return r->path ? 0 : ss_error_oom(err, path, NULL);
}

static void skip_bom(ss_csv_reader *r) {
  if (r->end - r->p >= 3 && memcmp(r->p, "\xEF\xBB\xBF", 3) == 0)
    r->p += 3; /* UTF-8 byte-order mark written by spreadsheet programs */
}

/* Read the next chunk of the file: 1 when there are bytes, 0 at the end or
 * on a read error (r->failed). */
static int refill(ss_csv_reader *r) {
  if (!r->fp || r->failed)
    return 0;
  r->base_offset += (size_t)(r->end - r->base);
  size_t n = fread(r->chunk, 1, CHUNK_BYTES, r->fp);
  r->base = r->p = r->chunk;
  r->end = r->chunk + n;
  if (n == 0 && ferror(r->fp))
    r->failed = FAILED_READ;
  return n > 0;
}

int ss_csv_open(ss_csv_reader *r, const char *path, ss_error *err) {
  if (set_path(r, path, err) != 0)
    return -1;
  if (!(r->chunk = malloc(CHUNK_BYTES))) {
    ss_csv_close(r);
    return ss_error_oom(err, path, NULL);
  }
  if (!(r->fp = fopen(path, "rb"))) {
    int e = errno;
    ss_csv_close(r);
    return ss_error_setk(err, SS_ERR_IO, path, NULL, "cannot open: %s",
                         strerror(e));
  }
  r->base = r->p = r->end = r->chunk;
  refill(r);
  skip_bom(r);
  return 0;
}

int ss_csv_open_text(ss_csv_reader *r, const char *path, const char *text,
                     size_t len, ss_error *err) {
  if (set_path(r, path, err) != 0)
    return -1;
  r->base = r->p = text;
  r->end = text + len;
  skip_bom(r);
  return 0;
}

int ss_csv_check_width(const ss_csv_reader *r, size_t n_header, ss_error *err) {
  if (r->n_fields == n_header)
    return 0;
  return ss_error_line(err, SS_ERR_FORMAT, r->path, r->rec_line,
                       "%zu fields, the header has %zu", r->n_fields, n_header);
}

void ss_csv_close(ss_csv_reader *r) {
  if (r->fp)
    fclose(r->fp);
  free(r->path);
  free(r->chunk);
  free(r->fields);
  free(r->offs);
  ss_buf_free(&r->buf);
  memset(r, 0, sizeof *r);
}

uint64_t ss_csv_tell(const ss_csv_reader *r) {
  return r->base_offset + (uint64_t)(r->p - r->base);
}

/* The next byte without taking it: a byte, EOF, or BAD. */
static int peek(ss_csv_reader *r) {
  if (r->p == r->end && !refill(r))
    return r->failed ? BAD : EOF;
  if (*r->p == '\0') {
    r->failed = FAILED_NUL;
    return BAD;
  }
  return (unsigned char)*r->p;
}

/* A syntax error at a line. */
#define FORMAT_AT(r, line, err, ...)                                           \
  ss_error_line(err, SS_ERR_FORMAT, (r)->path, line, __VA_ARGS__)

/* The error behind BAD. */
static int bad(ss_csv_reader *r, ss_error *err) {
  if (r->failed == FAILED_READ)
    return ss_error_line(err, SS_ERR_IO, r->path, r->line, "read error");
  return FORMAT_AT(r, r->line, err, "NUL byte at byte %llu (not a text file?)",
                   (unsigned long long)ss_csv_tell(r));
}

/* Copy the bytes of the current span up to the first that may end the
 * field (or a NUL) into buf. */
static void take_span(ss_csv_reader *r, int quoted) {
  const char *s = r->p;
  if (quoted)
    while (s < r->end && *s && *s != '"' && *s != '\n')
      s++;
  else
    while (s < r->end && *s && *s != ',' && *s != '\n' && *s != '\r' &&
           *s != '"')
      s++;
  ss_buf_add(&r->buf, r->p, (size_t)(s - r->p));
  r->p = s;
}

static int read_unquoted(ss_csv_reader *r, ss_error *err) {
  for (;;) {
    take_span(r, 0);
    int c = peek(r);
    if (c == BAD)
      return bad(r, err);
    if (c == EOF || c == ',' || c == '\n' || c == '\r')
      return 0;
    if (c == '"')
      return FORMAT_AT(r, r->line, err,
                       "quote character inside unquoted field %zu (quote the "
                       "whole field and double the quote)",
                       r->n_fields + 1);
  }
}

/* After the opening quote: up to the closing one, then blanks to the end of
 * the field. */
static int read_quoted(ss_csv_reader *r, ss_error *err) {
  long qline = r->line;
  for (;;) {
    take_span(r, 1);
    int c = peek(r);
    if (c == EOF)
      return FORMAT_AT(r, qline, err,
                       "unterminated quoted field (the quote opened on this "
                       "line is never closed)");
    if (c == BAD)
      return bad(r, err);
    r->p++;
    if (c == '"') {
      if (peek(r) != '"')
        break;
      r->p++; /* "" stands for one quote */
    } else if (c == '\n') {
      r->line++; /* a line end inside the field */
    }
    ss_buf_char(&r->buf, (char)c);
  }
  int c;
  while ((c = peek(r)) == ' ' || c == '\t')
    r->p++;
  if (c == BAD)
    return bad(r, err);
  if (c != EOF && c != ',' && c != '\n' && c != '\r')
    return FORMAT_AT(r, r->line, err,
                     "unexpected character '%c' after the closing quote (field "
                     "%zu)",
                     c, r->n_fields + 1);
  return 0;
}

/* One field into buf (blanks before an opening quote are dropped). */
static int read_field(ss_csv_reader *r, int *quoted, ss_error *err) {
  size_t start = r->buf.len;
  int c;
  while ((c = peek(r)) == ' ' || c == '\t') {
    ss_buf_char(&r->buf, (char)c);
    r->p++;
  }
  *quoted = c == '"';
  if (!*quoted)
    return read_unquoted(r, err);
  r->buf.len = start;
  r->p++;
  return read_quoted(r, err);
}

static int add_field(ss_csv_reader *r, size_t off, int quoted) {
  if (ss_grow((void **)&r->fields, &r->cap_fields, r->n_fields + 1,
              sizeof *r->fields, 16) != 0 ||
      ss_grow((void **)&r->offs, &r->cap_offs, r->n_fields + 1, sizeof *r->offs,
              16) != 0)
    return -1;
  r->offs[r->n_fields] = off;
  r->fields[r->n_fields].len = r->buf.len - off - 1; /* minus the NUL */
  r->fields[r->n_fields].quoted = quoted;
  r->n_fields++;
  return 0;
}

/* Fields up to the end of the record, and its line end. */
static int read_record(ss_csv_reader *r, ss_error *err) {
  r->rec_line = r->line;
  r->n_fields = 0;
  r->buf.len = 0;
  for (;;) {
    size_t off = r->buf.len;
    int quoted;
    if (read_field(r, &quoted, err) != 0)
      return -1;
    ss_buf_char(&r->buf, '\0');
    if (r->buf.oom || add_field(r, off, quoted) != 0)
      return ss_error_oom(err, r->path, NULL);
    int c = peek(r);
    r->p += c == ',' || c == '\n' || c == '\r';
    if (c == ',')
      continue;
    if (c == '\r' && peek(r) == '\n')
      r->p++;
    r->line++;
    return 0;
  }
}

static int blank_record(const ss_csv_reader *r) {
  if (r->n_fields != 1 || r->fields[0].quoted)
    return 0;
  for (const char *s = r->fields[0].text; *s; s++)
    if (*s != ' ' && *s != '\t')
      return 0;
  return 1;
}

int ss_csv_next(ss_csv_reader *r, ss_error *err) {
  for (;;) {
    int c = peek(r);
    if (c == EOF)
      return 0;
    if (c == BAD)
      return bad(r, err);
    if (read_record(r, err) != 0)
      return -1;
    for (size_t i = 0; i < r->n_fields; i++)
      r->fields[i].text = r->buf.p + r->offs[i];
    if (!blank_record(r))
      return 1;
  }
}
