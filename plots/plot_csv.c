/* A small RFC 4180 CSV reader for the scenario output tables: a streaming
 * record reader (best.csv may be large) and a whole-table loader for the
 * small tables. */
#include "plot_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"

int plot_csv_open(plot_csv *c, const char *path, ss_error *err) {
  memset(c, 0, sizeof *c);
  c->path = ss_strdup(path);
  if (!c->path)
    return ss_error_oom(err, path, NULL);
  c->fp = fopen(path, "rb");
  if (!c->fp) {
    int e = errno;
    free(c->path);
    c->path = NULL;
    return ss_error_set(err, path, NULL, "cannot open: %s", strerror(e));
  }
  c->next_line = 1;
  /* skip a UTF-8 byte-order mark */
  int b0 = getc(c->fp);
  if (b0 == 0xEF) {
    int b1 = getc(c->fp), b2 = getc(c->fp);
    if (b1 != 0xBB || b2 != 0xBF) {
      plot_csv_close(c);
      return ss_error_set(err, path, "1", "not UTF-8 text");
    }
  } else if (b0 != EOF) {
    ungetc(b0, c->fp);
  }
  return 0;
}

void plot_csv_close(plot_csv *c) {
  if (c->fp)
    fclose(c->fp);
  free(c->path);
  free(c->buf);
  free(c->offs);
  free(c->fields);
  memset(c, 0, sizeof *c);
}

static int put_byte(plot_csv *c, int ch) {
  if (ss_grow((void **)&c->buf, &c->cap, c->len + 1, 1, 16) != 0)
    return -1;
  c->buf[c->len++] = (char)ch;
  return 0;
}

static int start_field(plot_csv *c) {
  if (ss_grow((void **)&c->offs, &c->ncap, c->n + 1, sizeof *c->offs, 16) != 0)
    return -1;
  c->offs[c->n++] = c->len;
  return 0;
}

static const volatile sig_atomic_t *cancel_flag;

void plot_set_cancel(const volatile sig_atomic_t *cancel) {
  cancel_flag = cancel;
}

int plot_cancelled(void) { return cancel_flag && *cancel_flag; }

int plot_interrupted(ss_error *err) {
  return ss_error_set(err, NULL, NULL, "interrupted");
}

int plot_csv_next(plot_csv *c, ss_error *err) {
  char where[32];
  if ((c->next_line & 1023) == 0 && plot_cancelled())
    return plot_interrupted(err);
  for (;;) {
    c->len = 0;
    c->n = 0;
    c->line = c->next_line;
    int ch = getc(c->fp);
    if (ch == EOF) {
      if (ferror(c->fp))
        return ss_error_set(err, c->path, NULL, "read error");
      return 0;
    }
    if (ch == '\n') { /* blank line */
      c->next_line++;
      continue;
    }
    if (ch == '\r') {
      int n2 = getc(c->fp);
      if (n2 == '\n' || n2 == EOF) {
        c->next_line++;
        continue;
      }
      ungetc(n2, c->fp);
    }
    ungetc(ch, c->fp);
    break;
  }
  snprintf(where, sizeof where, "%ld", c->line);
  if (start_field(c) != 0)
    goto nomem;
  int quoted = 0, in_quotes = 0, after_quote = 0;
  for (;;) {
    int ch = getc(c->fp);
    if (ch == EOF) {
      if (ferror(c->fp))
        return ss_error_set(err, c->path, where, "read error");
      if (in_quotes)
        return ss_error_set(err, c->path, where,
                            "a quoted field is never closed");
      break;
    }
    if (ch == 0)
      return ss_error_set(err, c->path, where, "NUL byte in the text");
    if (in_quotes) {
      if (ch == '"') {
        int n2 = getc(c->fp);
        if (n2 == '"') {
          if (put_byte(c, '"') != 0)
            goto nomem;
          continue;
        }
        if (n2 != EOF)
          ungetc(n2, c->fp);
        in_quotes = 0;
        after_quote = 1;
        continue;
      }
      if (ch == '\n')
        c->next_line++;
      if (put_byte(c, ch) != 0)
        goto nomem;
      continue;
    }
    if (ch == ',') {
      if (put_byte(c, 0) != 0 || start_field(c) != 0)
        goto nomem;
      quoted = after_quote = 0;
      continue;
    }
    if (ch == '\r') {
      int n2 = getc(c->fp);
      if (n2 == '\n' || n2 == EOF) {
        c->next_line++;
        break;
      }
      ungetc(n2, c->fp);
    }
    if (ch == '\n') {
      c->next_line++;
      break;
    }
    if (after_quote)
      return ss_error_set(err, c->path, where,
                          "text after the closing quote of field %zu", c->n);
    if (ch == '"') {
      if (quoted || c->len != c->offs[c->n - 1])
        return ss_error_set(err, c->path, where,
                            "a quote inside unquoted field %zu", c->n);
      quoted = in_quotes = 1;
      continue;
    }
    if (put_byte(c, ch) != 0)
      goto nomem;
  }
  if (put_byte(c, 0) != 0)
    goto nomem;
  if (ss_grow((void **)&c->fields, &c->fcap, c->n, sizeof *c->fields, 16) != 0)
    goto nomem;
  for (size_t i = 0; i < c->n; i++)
    c->fields[i] = c->buf + c->offs[i];
  return 1;
nomem:
  return ss_error_oom(err, c->path, where);
}

void plot_table_free(plot_table *t) {
  if (t->header) {
    for (size_t i = 0; i < t->n_cols; i++)
      free(t->header[i]);
  }
  if (t->cells) {
    for (size_t r = 0; r < t->n_rows; r++)
      free(t->cells[r * t->n_cols]);
  }
  free(t->header);
  free(t->cells);
  free(t->lines);
  free(t->path);
  memset(t, 0, sizeof *t);
}

/* Copy the current record into one allocation; cells point into it. */
static int keep_row(plot_table *t, const plot_csv *c, size_t *rows_cap) {
  size_t r = t->n_rows;
  if (ss_grow((void **)&t->cells, rows_cap, r + 1, t->n_cols * sizeof(char *),
              16) != 0)
    return -1;
  size_t lines_cap = *rows_cap;
  long *nl = realloc(t->lines, lines_cap * sizeof *nl);
  if (!nl)
    return -1;
  t->lines = nl;
  char *block = malloc(c->len ? c->len : 1);
  if (!block)
    return -1;
  memcpy(block, c->buf, c->len);
  for (size_t i = 0; i < t->n_cols; i++)
    t->cells[r * t->n_cols + i] = block + c->offs[i];
  t->lines[r] = c->line;
  t->n_rows++;
  return 0;
}

int plot_table_load(plot_table *t, const char *path, ss_error *err) {
  plot_csv c;
  size_t rows_cap = 0;
  memset(t, 0, sizeof *t);
  if (plot_csv_open(&c, path, err) != 0)
    return -1;
  t->path = ss_strdup(path);
  if (!t->path)
    goto nomem;
  int rc = plot_csv_next(&c, err);
  if (rc < 0)
    goto fail;
  if (rc == 0) {
    ss_error_set(err, path, NULL, "empty file: expected a header row");
    goto fail;
  }
  t->n_cols = c.n;
  t->header = calloc(c.n, sizeof *t->header);
  if (!t->header)
    goto nomem;
  for (size_t i = 0; i < c.n; i++)
    if (!(t->header[i] = ss_strdup(c.fields[i])))
      goto nomem;
  while ((rc = plot_csv_next(&c, err)) == 1) {
    if (c.n != t->n_cols) {
      char where[32];
      snprintf(where, sizeof where, "%ld", c.line);
      ss_error_set(err, path, where, "%zu fields, the header has %zu", c.n,
                   t->n_cols);
      goto fail;
    }
    if (keep_row(t, &c, &rows_cap) != 0)
      goto nomem;
  }
  if (rc < 0)
    goto fail;
  plot_csv_close(&c);
  return 0;
nomem:
  ss_error_oom(err, path, NULL);
fail:
  plot_csv_close(&c);
  plot_table_free(t);
  return -1;
}

long plot_table_col(const plot_table *t, const char *name) {
  for (size_t i = 0; i < t->n_cols; i++)
    if (strcmp(t->header[i], name) == 0)
      return (long)i;
  return -1;
}

int plot_parse_cell(const char *s, double *out) {
  if (!s[0]) {
    *out = NAN;
    return 0;
  }
  if (strcmp(s, "nan") == 0 || strcmp(s, "NaN") == 0) {
    *out = NAN;
    return 0;
  }
  return ss_parse_double(s, out) == 0 ? 0 : -1;
}

int plot_table_num(const plot_table *t, size_t row, size_t col, double *out,
                   ss_error *err) {
  const char *s = plot_table_get(t, row, col);
  if (plot_parse_cell(s, out) == 0)
    return 0;
  char where[32];
  snprintf(where, sizeof where, "%ld", t->lines[row]);
  return ss_error_set(err, t->path, where, "column %s: not a number: '%.40s'",
                      t->header[col], s);
}
