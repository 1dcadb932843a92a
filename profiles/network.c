/* Network link tables (Scission's network_stats*.csv). */
#define _POSIX_C_SOURCE 200809L
#include "network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"
#include "../common/ss_mem.h"

enum { N_SOURCE, N_DEST, N_PING, N_BW, N_NCOLS };
static const char *const net_cols[N_NCOLS] = {"source", "destination",
                                              "ping(ms)", "bandwidth(mbps)"};

/* Copy of s without surrounding spaces/tabs; caller frees. */
static char *trimmed(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  char *t = malloc(n + 1);
  if (t) {
    memcpy(t, s, n);
    t[n] = '\0';
  }
  return t;
}

typedef struct link_ref {
  const prof_link *link;
  long line;
} link_ref;

static int cmp_links(const void *a, const void *b) {
  const link_ref *x = a, *y = b;
  int c = strcmp(x->link->source, y->link->source);
  if (!c)
    c = strcmp(x->link->destination, y->link->destination);
  if (!c)
    c = (x->line > y->line) - (x->line < y->line);
  return c;
}

/* Refuse a source/destination pair given twice: sort, compare neighbours,
 * report the repeat that comes first in the file. */
static int check_duplicates(const prof_network *net, const long *lines,
                            const char *path, ss_error *err) {
  if (net->n_links < 2)
    return 0;
  link_ref *refs = malloc(net->n_links * sizeof *refs);
  if (!refs)
    return ss_error_oom(err, path, NULL);
  for (size_t i = 0; i < net->n_links; i++) {
    refs[i].link = &net->links[i];
    refs[i].line = lines[i];
  }
  qsort(refs, net->n_links, sizeof *refs, cmp_links);
  const link_ref *bad = NULL, *first = NULL;
  for (size_t i = 1; i < net->n_links; i++) {
    if (strcmp(refs[i].link->source, refs[i - 1].link->source) != 0 ||
        strcmp(refs[i].link->destination, refs[i - 1].link->destination) != 0)
      continue;
    if (!bad || refs[i].line < bad->line) {
      bad = &refs[i];
      first = &refs[i - 1];
      while (first > refs &&
             strcmp(first[-1].link->source, bad->link->source) == 0 &&
             strcmp(first[-1].link->destination, bad->link->destination) == 0)
        first--;
    }
  }
  int rc = 0;
  if (bad)
    rc = ss_error_line(err, SS_ERR_FORMAT, path, bad->line,
                       "duplicate link %s -> %s (already given on line %ld)",
                       bad->link->source, bad->link->destination, first->line);
  free(refs);
  return rc;
}

/* The header record (already read into r): where each column is. */
static int read_header(const char *path, const ss_csv_reader *r,
                       int col_at[N_NCOLS], ss_error *err) {
  for (int i = 0; i < N_NCOLS; i++)
    col_at[i] = -1;
  for (size_t f = 0; f < r->n_fields; f++) {
    char *name = trimmed(r->fields[f].text);
    int col = -1;
    if (!name)
      return ss_error_oom(err, path, NULL);
    for (int i = 0; i < N_NCOLS; i++)
      if (strcasecmp(name, net_cols[i]) == 0)
        col = i;
    if (col < 0 || col_at[col] >= 0) {
      ss_error_line(err, SS_ERR_FORMAT, path, r->rec_line,
                    col < 0 ? "unknown column '%.100s' in the header (expected "
                              "source,destination,ping(ms),bandwidth(mbps))"
                            : "column '%.100s' appears twice in the header",
                    name);
      free(name);
      return -1;
    }
    free(name);
    col_at[col] = (int)f;
  }
  for (int i = 0; i < N_NCOLS; i++)
    if (col_at[i] < 0)
      return ss_error_line(err, SS_ERR_FORMAT, path, r->rec_line,
                           "missing column '%s' in the header", net_cols[i]);
  return 0;
}

/* The links of a network being read, with each one's line. */
typedef struct link_rows {
  prof_network *net;
  long *lines;
  size_t cap, lines_cap; /* of net->links and of lines */
} link_rows;

/* Room for one more link. */
static int grow_rows(link_rows *rows, const char *path, ss_error *err) {
  size_t need = rows->net->n_links + 1;
  if (ss_grow((void **)&rows->net->links, &rows->cap, need,
              sizeof *rows->net->links, 16) != 0 ||
      ss_grow((void **)&rows->lines, &rows->lines_cap, need,
              sizeof *rows->lines, 16) != 0)
    return ss_error_oom(err, path, NULL);
  return 0;
}

/* ping(ms) and bandwidth(mbps) of link l, from the texts ping and bw. */
static int parse_link_numbers(prof_link *l, const char *ping, const char *bw,
                              const char *path, long line, ss_error *err) {
  if (ss_parse_double(ping, &l->ping_ms) != 0)
    return ss_error_line(err, SS_ERR_FORMAT, path, line,
                         "column ping(ms): '%.60s' is not a finite number",
                         ping);
  if (l->ping_ms < 0)
    return ss_error_line(err, SS_ERR_FORMAT, path, line,
                         "column ping(ms): negative ping %.60s", ping);
  if (ss_parse_double(bw, &l->bandwidth_mbps) != 0)
    return ss_error_line(
        err, SS_ERR_FORMAT, path, line,
        "column bandwidth(mbps): '%.60s' is not a finite number", bw);
  if (l->bandwidth_mbps <= 0)
    return ss_error_line(err, SS_ERR_FORMAT, path, line,
                         "column bandwidth(mbps): bandwidth %.60s must be > 0",
                         bw);
  if (l->bandwidth_mbps < 1e-6) /* a divisor: 1e-300 gives 1e300 s */
    return ss_error_line(
        err, SS_ERR_FORMAT, path, line,
        "column bandwidth(mbps): bandwidth %.60s must be at least "
        "1e-06 (one bit per second)",
        bw);
  return 0;
}

/* The record in r as one more link of rows. */
static int add_link(link_rows *rows, const ss_csv_reader *r,
                    const int col_at[N_NCOLS], const char *path,
                    ss_error *err) {
  long line = r->rec_line;
  prof_network *net = rows->net;
  if (r->n_fields != N_NCOLS)
    return ss_error_line(err, SS_ERR_FORMAT, path, line,
                         "expected %d fields, found %zu", N_NCOLS, r->n_fields);
  if (grow_rows(rows, path, err) != 0)
    return -1;
  prof_link *l = &net->links[net->n_links];
  memset(l, 0, sizeof *l);
  rows->lines[net->n_links] = line;
  net->n_links++; /* counted now so that its strings are freed on failure */
  l->source = trimmed(r->fields[col_at[N_SOURCE]].text);
  l->destination = trimmed(r->fields[col_at[N_DEST]].text);
  if (!l->source || !l->destination)
    return ss_error_oom(err, path, NULL);
  if (!l->source[0] || !l->destination[0])
    return ss_error_line(err, SS_ERR_FORMAT, path, line,
                         "column %s: empty system name",
                         l->source[0] ? "destination" : "source");
  return parse_link_numbers(l, r->fields[col_at[N_PING]].text,
                            r->fields[col_at[N_BW]].text, path, line, err);
}

int prof_network_read(const char *path, prof_network **out, ss_error *err) {
  size_t len = 0;
  int col_at[N_NCOLS], rc = -1, got;
  link_rows rows = {NULL, NULL, 0, 0};
  ss_csv_reader r;
  memset(&r, 0, sizeof r);
  *out = NULL;
  char *text = ss_read_file(path, SS_MAX_INPUT_BYTES, &len, err);
  if (!text)
    return -1;
  if (ss_csv_open_text(&r, path, text, len, err) != 0)
    goto done;
  if (!(rows.net = calloc(1, sizeof *rows.net))) {
    ss_error_oom(err, path, NULL);
    goto done;
  }
  got = ss_csv_next(&r, err);
  if (got < 0)
    goto done;
  if (got == 0) {
    ss_error_line(err, SS_ERR_FORMAT, path, 1,
                  "empty file (expected the header "
                  "source,destination,ping(ms),bandwidth(mbps))");
    goto done;
  }
  if (read_header(path, &r, col_at, err) != 0)
    goto done;
  while ((got = ss_csv_next(&r, err)) == 1)
    if (add_link(&rows, &r, col_at, path, err) != 0)
      goto done;
  if (got < 0)
    goto done;
  if (rows.net->n_links == 0) {
    ss_error_setk(err, SS_ERR_FORMAT, path, NULL, "no links after the header");
    goto done;
  }
  if (check_duplicates(rows.net, rows.lines, path, err) != 0)
    goto done;
  *out = rows.net;
  rows.net = NULL;
  rc = 0;
done:
  prof_network_free(rows.net);
  free(rows.lines);
  ss_csv_close(&r);
  free(text);
  return rc;
}

void prof_network_free(prof_network *net) {
  if (!net) /* accept NULL */
    return;
  for (size_t i = 0; i < net->n_links; i++) {
    free(net->links[i].source);
    free(net->links[i].destination);
  }
  free(net->links);
  free(net);
}

const prof_link *prof_network_find(const prof_network *net, const char *source,
                                   const char *destination) {
  for (size_t i = 0; i < net->n_links; i++)
    if (strcmp(net->links[i].source, source) == 0 &&
        strcmp(net->links[i].destination, destination) == 0)
      return &net->links[i];
  return NULL;
}
