/* The scenario output tables through the one CSV reader (common/ss_csv.h):
 * a streaming record reader (best.csv may be large) and a whole-table loader
 * for the small tables. */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"

int plot_csv_open(plot_csv *c, const char *path, ss_error *err) {
  memset(c, 0, sizeof *c);
  if (ss_csv_open(&c->r, path, err) != 0)
    return -1;
  c->path = c->r.path;
  return 0;
}

void plot_csv_close(plot_csv *c) {
  ss_csv_close(&c->r);
  free(c->fields);
  memset(c, 0, sizeof *c);
}

static const volatile sig_atomic_t *cancel_flag;

void plot_set_cancel(const volatile sig_atomic_t *cancel) {
  cancel_flag = cancel;
}

int plot_cancelled(void) { return cancel_flag && *cancel_flag; }

int plot_interrupted(ss_error *err) {
  return ss_error_set(err, NULL, NULL, "interrupted");
}

static plot_progress_fn progress_fn;
static void *progress_ctx;

void plot_set_progress(plot_progress_fn fn, void *ctx) {
  progress_fn = fn;
  progress_ctx = ctx;
}

void plot_progress(const char *step, const char *unit, uint64_t done,
                   uint64_t total) {
  if (progress_fn)
    progress_fn(progress_ctx, step, unit, done, total);
}

/* Bytes of c read so far against its progress total, in MB. */
static void csv_progress(const plot_csv *c) {
  uint64_t pos = ss_csv_tell(&c->r);
  plot_progress(c->progress_step, "MB", (c->progress_base + pos) / 1000000,
                c->progress_total / 1000000);
}

int plot_csv_next(plot_csv *c, ss_error *err) {
  if ((c->r.line & 1023) == 0) {
    if (plot_cancelled())
      return plot_interrupted(err);
    if (c->progress_step)
      csv_progress(c);
  }
  int rc = ss_csv_next(&c->r, err);
  if (rc != 1)
    return rc;
  if (ss_grow((void **)&c->fields, &c->fcap, c->r.n_fields, sizeof *c->fields,
              16) != 0) {
    char where[32];
    snprintf(where, sizeof where, "%ld", c->r.rec_line);
    return ss_error_oom(err, c->r.path, where);
  }
  c->line = c->r.rec_line;
  c->n = c->r.n_fields;
  for (size_t i = 0; i < c->n; i++)
    c->fields[i] = c->r.fields[i].text;
  return 1;
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
static int keep_row(plot_table *t, const plot_csv *c, size_t *rows_cap,
                    size_t *lines_cap) {
  size_t r = t->n_rows;
  void *cells = t->cells, *lines = t->lines;
  if (ss_grow(&cells, rows_cap, r + 1, t->n_cols * sizeof(char *), 16) != 0)
    return -1;
  t->cells = cells;
  if (ss_grow(&lines, lines_cap, r + 1, sizeof *t->lines, 16) != 0)
    return -1;
  t->lines = lines;
  const ss_buf *text = &c->r.buf;
  char *block = malloc(text->len ? text->len : 1);
  if (!block)
    return -1;
  memcpy(block, text->p, text->len);
  for (size_t i = 0; i < t->n_cols; i++)
    t->cells[r * t->n_cols + i] = block + (c->fields[i] - text->p);
  t->lines[r] = c->line;
  t->n_rows++;
  return 0;
}

int plot_table_load(plot_table *t, const char *path, ss_error *err) {
  plot_csv c;
  size_t rows_cap = 0, lines_cap = 0;
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
    if (ss_csv_check_width(&c.r, t->n_cols, err) != 0)
      goto fail;
    if (keep_row(t, &c, &rows_cap, &lines_cap) != 0)
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
