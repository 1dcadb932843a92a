/* Network link tables (Scission's network_stats*.csv). */
#define _POSIX_C_SOURCE 200809L
#include "network.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"

enum { N_SOURCE, N_DEST, N_PING, N_BW, N_NCOLS };
static const char *const net_cols[N_NCOLS] = {"source", "destination",
                                              "ping(ms)", "bandwidth(mbps)"};

static int net_err(const char *path, long line, ss_error *err, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
static int net_err(const char *path, long line, ss_error *err, const char *fmt,
                   ...) {
  char where[32], msg[sizeof err->msg];
  snprintf(where, sizeof where, "%ld", line);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ss_error_set(err, path, where, "%s", msg);
}

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
    rc = net_err(path, bad->line, err,
                 "duplicate link %s -> %s (already given on line %ld)",
                 bad->link->source, bad->link->destination, first->line);
  free(refs);
  return rc;
}

int prof_network_read(const char *path, prof_network **out, ss_error *err) {
  size_t len = 0, cap = 0;
  int col_at[N_NCOLS], rc = -1, got;
  long *lines = NULL;
  ss_csv_reader r;
  prof_network *net = NULL;
  memset(&r, 0, sizeof r);
  *out = NULL;
  char *text = ss_read_file(path, SS_MAX_INPUT_BYTES, &len, err);
  if (!text)
    return -1;
  if (ss_csv_open_text(&r, path, text, len, err) != 0)
    goto done;
  if (!(net = calloc(1, sizeof *net))) {
    ss_error_oom(err, path, NULL);
    goto done;
  }
  got = ss_csv_next(&r, err);
  if (got < 0)
    goto done;
  if (got == 0) {
    ss_error_set(err, path, "1",
                 "empty file (expected the header "
                 "source,destination,ping(ms),bandwidth(mbps))");
    goto done;
  }
  for (int i = 0; i < N_NCOLS; i++)
    col_at[i] = -1;
  for (size_t f = 0; f < r.n_fields; f++) {
    char *name = trimmed(r.fields[f].text);
    int col = -1;
    if (!name) {
      ss_error_oom(err, path, NULL);
      goto done;
    }
    for (int i = 0; i < N_NCOLS; i++)
      if (strcasecmp(name, net_cols[i]) == 0)
        col = i;
    if (col < 0 || col_at[col] >= 0) {
      net_err(path, r.rec_line, err,
              col < 0 ? "unknown column '%.100s' in the header (expected "
                        "source,destination,ping(ms),bandwidth(mbps))"
                      : "column '%.100s' appears twice in the header",
              name);
      free(name);
      goto done;
    }
    free(name);
    col_at[col] = (int)f;
  }
  for (int i = 0; i < N_NCOLS; i++)
    if (col_at[i] < 0) {
      net_err(path, r.rec_line, err, "missing column '%s' in the header",
              net_cols[i]);
      goto done;
    }
  while ((got = ss_csv_next(&r, err)) == 1) {
    long line = r.rec_line;
    if (r.n_fields != N_NCOLS) {
      net_err(path, line, err, "expected %d fields, found %zu", N_NCOLS,
              r.n_fields);
      goto done;
    }
    if (net->n_links == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      prof_link *nl = realloc(net->links, ncap * sizeof *nl);
      long *nli = nl ? realloc(lines, ncap * sizeof *nli) : NULL;
      if (nl)
        net->links = nl;
      if (!nl || !nli) {
        ss_error_oom(err, path, NULL);
        goto done;
      }
      lines = nli;
      cap = ncap;
    }
    prof_link *l = &net->links[net->n_links];
    memset(l, 0, sizeof *l);
    lines[net->n_links] = line;
    net->n_links++; /* counted now so that its strings are freed on failure */
    l->source = trimmed(r.fields[col_at[N_SOURCE]].text);
    l->destination = trimmed(r.fields[col_at[N_DEST]].text);
    if (!l->source || !l->destination) {
      ss_error_oom(err, path, NULL);
      goto done;
    }
    if (!l->source[0] || !l->destination[0]) {
      net_err(path, line, err, "column %s: empty system name",
              l->source[0] ? "destination" : "source");
      goto done;
    }
    const char *ping = r.fields[col_at[N_PING]].text;
    const char *bw = r.fields[col_at[N_BW]].text;
    if (ss_parse_double(ping, &l->ping_ms) != 0) {
      net_err(path, line, err,
              "column ping(ms): '%.60s' is not a finite number", ping);
      goto done;
    }
    if (l->ping_ms < 0) {
      net_err(path, line, err, "column ping(ms): negative ping %.60s", ping);
      goto done;
    }
    if (ss_parse_double(bw, &l->bandwidth_mbps) != 0) {
      net_err(path, line, err,
              "column bandwidth(mbps): '%.60s' is not a finite number", bw);
      goto done;
    }
    if (l->bandwidth_mbps <= 0) {
      net_err(path, line, err,
              "column bandwidth(mbps): bandwidth %.60s must be > 0", bw);
      goto done;
    }
    if (l->bandwidth_mbps < 1e-6) { /* a divisor: 1e-300 gives 1e300 s */
      net_err(path, line, err,
              "column bandwidth(mbps): bandwidth %.60s must be at least 1e-06 "
              "(one bit per second)",
              bw);
      goto done;
    }
  }
  if (got < 0)
    goto done;
  if (net->n_links == 0) {
    ss_error_set(err, path, NULL, "no links after the header");
    goto done;
  }
  if (check_duplicates(net, lines, path, err) != 0)
    goto done;
  *out = net;
  net = NULL;
  rc = 0;
done:
  prof_network_free(net);
  free(lines);
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
